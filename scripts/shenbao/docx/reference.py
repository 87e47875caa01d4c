"""Generate pandoc's reference.docx from the constants in ``layout``.

Starts from the pinned pandoc's own default reference, so every style pandoc
writes exists, then restyles it: fonts set explicitly in every slot (theme fonts
would override them), sizes, fixed line height, indents, the A4 page with
GB/T 9704 margins, and even/odd page-number footers.

Run ``python -m shenbao.docx.reference OUT.docx [--draft]`` to write one.
"""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import docx
import pypandoc
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from lxml import etree

from shenbao.docx import package, raw_blocks
from shenbao.docx.layout import (
    ALTERNATIVE_NAMES,
    CHARACTER_STYLES,
    DEFAULT,
    DRAFT_MARK,
    STYLE_NAMES,
    TABLE_BORDER,
    TABLE_CELL_MARGIN,
    Layout,
    MarkStyle,
    TextStyle,
    paragraph_styles,
)
from shenbao.docx.package import W_NS

_THEME_ATTRS = ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme")


def pandoc_default_reference() -> bytes:
    return subprocess.run(
        [pypandoc.get_pandoc_path(), "--print-default-data-file", "reference.docx"],
        check=True,
        capture_output=True,
    ).stdout


def build_reference(draft: bool, layout: Layout) -> bytes:
    """The reference document for a draft (with 草稿 in the header) or a final file."""
    document = docx.Document(io.BytesIO(pandoc_default_reference()))
    styles = document.styles.element
    _set_defaults(styles, layout)
    for style_id, look in paragraph_styles(layout).items():
        _restyle(_style(styles, style_id, "paragraph"), look, layout)
    for name, mark in CHARACTER_STYLES.items():
        _mark_style(_style(styles, name.replace(" ", ""), "character", name), mark)
    _plain_black(styles)
    _style_tables(styles)
    _set_page(document.sections[0], layout)
    _set_footers(document, layout)
    if draft:
        _set_draft_header(document)
    _declare_alternative_fonts(document)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


# --- styles -----------------------------------------------------------------


def _el(tag: str, **attrs) -> etree._Element:
    element = OxmlElement(tag)
    for key, value in attrs.items():
        element.set(qn(f"w:{key}"), str(value))
    return element


def _style(styles, style_id: str, kind: str, name: str | None = None):
    for style in styles.findall(qn("w:style")):
        if style.get(qn("w:styleId")) == style_id:
            return style
    style = _el("w:style", type=kind, styleId=style_id)
    style.append(_el("w:name", val=name or STYLE_NAMES.get(style_id, style_id)))
    if kind == "paragraph":
        style.append(_el("w:basedOn", val="Normal"))
    style.append(_el("w:qFormat"))
    styles.append(style)
    return style


def run_properties(look: TextStyle) -> etree._Element:
    rpr = _el("w:rPr")
    rpr.append(_el("w:rFonts", ascii=look.latin, hAnsi=look.latin, eastAsia=look.east_asia, cs=look.latin))
    rpr.append(_el("w:b", val=int(look.bold)))
    rpr.append(_el("w:bCs", val=int(look.bold)))
    rpr.append(_el("w:color", val="000000"))
    # always written: a style without it would take the body's condensing from the defaults
    rpr.append(_el("w:spacing", val=look.spacing))
    rpr.append(_el("w:sz", val=round(look.size * 2)))
    rpr.append(_el("w:szCs", val=round(look.size * 2)))
    return rpr


def chinese_line_breaking() -> list[etree._Element]:
    """How every paragraph breaks its lines, in schema order.

    Punctuation never hangs outside the type area (LibreOffice would push a
    line-end ，、。 past the margin and the PDF would lose it); no automatic
    space between Chinese and Latin text or digits (10元, 附件1); kinsoku keeps
    closing punctuation off a line's start. Lines do not snap to the page's
    grid: the body's fixed line already falls on it, and a table cell or a
    footnote snapped to it would stand a full body line tall.
    """
    return [
        _el("w:kinsoku", val=1),
        _el("w:overflowPunct", val=0),
        _el("w:autoSpaceDE", val=0),
        _el("w:autoSpaceDN", val=0),
        _el("w:snapToGrid", val=0),
    ]


def paragraph_properties(look: TextStyle, layout: Layout) -> etree._Element:
    ppr = _el("w:pPr")
    if look.keep_next:
        ppr.append(_el("w:keepNext"))
    if look.keep_lines:
        ppr.append(_el("w:keepLines"))
    if look.page_break_before:
        ppr.append(_el("w:pageBreakBefore"))
    # off: GB/T 9704 sets 22 lines on every full page, so a paragraph may leave one line at a page's end;
    # the paragraph after a heading gets it back (typeset.keep_short_paragraphs_with_headings)
    ppr.append(_el("w:widowControl", val=0))
    ppr.extend(chinese_line_breaking())
    ppr.append(_el("w:spacing", before=look.before, after=look.after, line=look.line or 240, lineRule=look.line_rule))
    char = round(layout["body"].size * 20)
    if look.first_line_chars:
        # Word reads the character count; LibreOffice needs the twips as well.
        first = round(char * look.first_line_chars)
        ppr.append(
            _el("w:ind", firstLineChars=round(look.first_line_chars * 100), firstLine=first, leftChars=0, left=0)
        )
    elif look.hanging:
        ppr.append(_el("w:ind", leftChars=0, left=look.left, hangingChars=0, hanging=look.hanging))
    else:
        ppr.append(_el("w:ind", leftChars=0, left=look.left, firstLineChars=0, firstLine=0))
    if look.align:
        ppr.append(_el("w:jc", val=look.align))
    if look.outline_level is not None:
        ppr.append(_el("w:outlineLvl", val=look.outline_level))
    return ppr


def _restyle(style, look: TextStyle, layout: Layout) -> None:
    for old in style.findall(qn("w:pPr")) + style.findall(qn("w:rPr")):
        style.remove(old)
    package.insert_child(style, paragraph_properties(look, layout))
    package.insert_child(style, run_properties(look))


def _mark_style(style, mark: MarkStyle) -> None:
    """A character style that only marks: no font or size, so the run keeps its paragraph's.

    The mark is shading: a style may not carry w:highlight (the schema has no
    place for it, and Word ignores one there), while shading shows everywhere.
    """
    for old in style.findall(qn("w:rPr")):
        style.remove(old)
    rpr = _el("w:rPr")
    if mark.bold:
        rpr.append(_el("w:b", val=1))
        rpr.append(_el("w:bCs", val=1))
    rpr.append(_el("w:shd", val="clear", color="auto", fill=mark.fill))
    package.insert_child(style, rpr)


def _set_defaults(styles, layout: Layout) -> None:
    """Document defaults: explicit fonts, Chinese language and line breaking, no theme."""
    defaults = styles.find(qn("w:docDefaults"))
    rpr_default = defaults.find(qn("w:rPrDefault"))
    rpr = rpr_default.find(qn("w:rPr"))
    rpr_default.remove(rpr)
    new = run_properties(paragraph_styles(layout)["Normal"])
    new.append(_el("w:lang", val="en-US", eastAsia="zh-CN", bidi="ar-SA"))
    rpr_default.append(new)
    ppr_default = defaults.find(qn("w:pPrDefault"))
    if ppr_default is None:
        ppr_default = _el("w:pPrDefault")
        defaults.append(ppr_default)
    for old in list(ppr_default):
        ppr_default.remove(old)
    ppr = _el("w:pPr")
    ppr.extend(chinese_line_breaking())
    ppr_default.append(ppr)


def _plain_black(styles) -> None:
    """No theme fonts or theme colours anywhere: they would override ours."""
    for rfonts in styles.iter(qn("w:rFonts")):
        for attr in _THEME_ATTRS:
            rfonts.attrib.pop(qn(f"w:{attr}"), None)
    for color in styles.iter(qn("w:color")):
        color.set(qn("w:val"), "000000")
        for attr in ("themeColor", "themeShade", "themeTint"):
            color.attrib.pop(qn(f"w:{attr}"), None)
    for style in styles.findall(qn("w:style")):
        if style.get(qn("w:styleId")) == "Hyperlink":
            rpr = style.find(qn("w:rPr"))
            for underline in rpr.findall(qn("w:u")):
                rpr.remove(underline)


def _style_tables(styles) -> None:
    """Pandoc's "Table" style: 0.5 pt borders on every side, cells not indented."""
    table = _style(styles, "Table", "table")
    tblpr = package.child(table, "tblPr")
    for old in tblpr.findall(qn("w:tblBorders")):
        tblpr.remove(old)
    borders = _el("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        borders.append(_el(f"w:{side}", val="single", sz=TABLE_BORDER, space=0, color="000000"))
    package.insert_child(tblpr, borders)
    # Text clear of the rules: a header row's text would otherwise sit on its line.
    for old in tblpr.findall(qn("w:tblCellMar")):
        tblpr.remove(old)
    vertical, horizontal = TABLE_CELL_MARGIN
    margins = _el("w:tblCellMar")
    for side, width in (("top", vertical), ("left", horizontal), ("bottom", vertical), ("right", horizontal)):
        margins.append(_el(f"w:{side}", w=width, type="dxa"))
    package.insert_child(tblpr, margins)
    # Header rows are repeated on every page the table spans.
    for conditional in table.findall(qn("w:tblStylePr")):
        if conditional.get(qn("w:type")) == "firstRow":
            package.child(package.child(conditional, "trPr"), "tblHeader")


# --- page -------------------------------------------------------------------


def section_geometry(layout: Layout) -> list[etree._Element]:
    """The page size, margins and grid, as the cover's section break has them."""
    return raw_blocks.geometry(layout)


def _set_page(section, layout: Layout) -> None:
    sectpr = section._sectPr
    for tag in ("w:pgSz", "w:pgMar", "w:pgNumType", "w:cols", "w:docGrid"):
        for old in sectpr.findall(qn(tag)):
            sectpr.remove(old)
    geometry = section_geometry(layout)
    grid = [e for e in geometry if e.tag == qn("w:docGrid")]
    for element in geometry:
        if element not in grid:
            sectpr.append(element)
    sectpr.append(_el("w:pgNumType", start=1))
    sectpr.append(_el("w:cols", space=425))
    sectpr.extend(grid)  # docGrid comes last in a sectPr


def _field_runs(paragraph, instruction: str) -> None:
    begin, text, separate, result, end = (OxmlElement("w:r") for _ in range(5))
    begin.append(_el("w:fldChar", fldCharType="begin"))
    code = OxmlElement("w:instrText")
    code.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    code.text = f" {instruction} "
    text.append(code)
    separate.append(_el("w:fldChar", fldCharType="separate"))
    shown = OxmlElement("w:t")
    shown.text = "1"
    result.append(shown)
    end.append(_el("w:fldChar", fldCharType="end"))
    for run in (begin, text, separate, result, end):
        paragraph._p.append(run)


def _page_number(footer, align: str, layout: Layout) -> None:
    """``— 1 —``: odd pages right, even pages left, one character in from the edge; or centred."""
    paragraph = footer.paragraphs[0] if footer.paragraphs else footer.add_paragraph()
    ppr = paragraph._p.get_or_add_pPr()
    ppr.get_or_add_pStyle().val = "Footer"
    if align in ("left", "right"):
        one_char = round(layout["page_number"].size * 20)
        ppr.append(_el("w:ind", **{align: one_char, f"{align}Chars": 100}))
    ppr.append(_el("w:jc", val=align))
    paragraph.add_run("— ")
    _field_runs(paragraph, "PAGE")
    paragraph.add_run(" —")


def _set_footers(document, layout: Layout) -> None:
    document.settings.odd_and_even_pages_header_footer = True
    section = document.sections[0]
    section.footer.is_linked_to_previous = False
    section.even_page_footer.is_linked_to_previous = False
    outside = layout["page_number"].align == "outside"
    _page_number(section.footer, "right" if outside else layout["page_number"].align, layout)
    _page_number(section.even_page_footer, "left" if outside else layout["page_number"].align, layout)


def _set_draft_header(document) -> None:
    section = document.sections[0]
    for header in (section.header, section.even_page_header):
        header.is_linked_to_previous = False
        paragraph = header.paragraphs[0] if header.paragraphs else header.add_paragraph()
        paragraph._p.get_or_add_pPr().get_or_add_pStyle().val = "Header"
        paragraph.add_run(DRAFT_MARK)


def _declare_alternative_fonts(document) -> None:
    """Tell Word that 仿宋_GB2312 may be found as 仿宋 (Windows 10 and later)."""
    part = next(p for p in document.part.package.iter_parts() if p.partname == "/word/fontTable.xml")
    root = etree.fromstring(part.blob)
    for name, alternative in ALTERNATIVE_NAMES.items():
        font = etree.SubElement(root, f"{{{W_NS}}}font", {f"{{{W_NS}}}name": name})
        etree.SubElement(font, f"{{{W_NS}}}altName", {f"{{{W_NS}}}val": alternative})
        etree.SubElement(font, f"{{{W_NS}}}charset", {f"{{{W_NS}}}val": "86"})
        etree.SubElement(font, f"{{{W_NS}}}family", {f"{{{W_NS}}}val": "modern"})
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def main(argv: list[str]) -> int:
    if not argv or argv[0].startswith("-"):
        print("usage: python -m shenbao.docx.reference OUT.docx [--draft]", file=sys.stderr)
        return 2
    out = Path(argv[0])
    out.parent.mkdir(parents=True, exist_ok=True)  # dist/ does not exist before the first build
    out.write_bytes(build_reference("--draft" in argv, DEFAULT))  # the 公文 preset: what make reference shows
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
