"""The site's print style sheet, made from the same ``Layout`` as the DOCX.

A reviewer who prints a page from the browser gets the paper, margins, fonts,
sizes and line spacing of the submitted document, not the screen's.
"""

from __future__ import annotations

from shenbao.docx.layout import ALTERNATIVE_NAMES, Element, Layout

# The application's own pages (not the review page): the theme wraps their content in this.
PAGE = ".md-typeset .shenbao-page"
# Element → the site's selectors for it (inside PAGE, printing only).
SELECTORS = {
    "body": ["p", "li", "dd"],
    "title": [".shenbao-cover h1"],
    "heading1": ["h1"],
    "heading2": ["h2"],
    "heading3": ["h3"],
    "heading4": ["h4"],
    "table_header": ["table:not([class]) th"],  # as specific as the theme's own table rules
    "table_cell": ["table:not([class]) td", "table:not([class]) td p"],
    "caption": [".caption", ".caption p", ".chart-missing", ".chart-missing p"],
    "footnote": [".footnote", ".footnote p"],
}
_ALIGN = {"both": "justify", "left": "left", "center": "center", "right": "right", "outside": "right"}


def font_family(element: Element) -> str:
    """The East Asian font first, its Windows name next, the Latin font for digits and letters."""
    names = [element.font, ALTERNATIVE_NAMES.get(element.font, ""), element.latin_font]
    return ", ".join(f'"{name}"' for name in dict.fromkeys(n for n in names if n)) + ", serif"


# A header row is centred whatever its column's alignment, which the site writes
# on each cell itself; body cells keep their column's alignment (numbers right).
FORCED_ALIGN = {"table_header"}


def element_rules(element: Element, force_align: bool = False) -> str:
    return "; ".join(
        [
            f"font-family: {font_family(element)}",
            f"font-size: {element.size:g}pt",
            f"font-weight: {700 if element.bold else 400}",
            f"text-align: {_ALIGN[element.align]}" + (" !important" if force_align else ""),
            f"text-indent: {element.indent:g}em",
            f"line-height: {element.line_spacing.css()}",
            f"margin: {element.space_before:g}pt 0 {element.space_after:g}pt 0",
            "color: #000",  # GB/T 9704 §5.2.4: black throughout
        ]
    )


def page_number_rules(page_number: Element) -> list[str]:
    """``— 1 —`` in the page's bottom margin: on the outer side (odd right, even left) or where the layout says."""
    box = (
        f'content: "— " counter(page) " —"; font-family: {font_family(page_number)}; font-size: {page_number.size:g}pt;'
    )
    if page_number.align == "outside":
        return [
            f"@page :right {{ @bottom-right {{ {box} padding-right: 1em; }} }}",
            f"@page :left {{ @bottom-left {{ {box} padding-left: 1em; }} }}",
        ]
    side = {"left": "left", "right": "right"}.get(page_number.align, "center")
    return [f"@page {{ @bottom-{side} {{ {box} }} }}"]


def print_css(layout: Layout) -> str:
    margins = layout.margins
    lines = [
        f"/* Generated from the {layout.preset} layout; edit the layout settings, not this file. */",
        "@page {",
        "  size: A4;",
        f"  margin: {margins.top:g}mm {margins.right:g}mm {margins.bottom:g}mm {margins.left:g}mm;",
        "}",
        *page_number_rules(layout["page_number"]),
        "@media print {",
    ]
    for name, selectors in SELECTORS.items():
        chosen = ", ".join(f"{PAGE} {selector}" for selector in selectors)
        lines.append(f"  {chosen} {{ {element_rules(layout[name], name in FORCED_ALIGN)}; }}")
    # list items keep the body's font but not its first-line indent, which would part bullet and text;
    # the cover's lines are centred, as in the DOCX
    lines.append(f"  {PAGE} li {{ text-indent: 0; }}")
    lines.append(f"  {PAGE} .shenbao-cover p {{ text-align: center; text-indent: 0; }}")
    lines.append(f"  {PAGE} .signature p {{ text-align: right; text-indent: 0; margin-right: 2em; }}")
    lines.append("  .md-typeset .headerlink { display: none; }")
    lines.append("}")
    return "\n".join(lines) + "\n"
