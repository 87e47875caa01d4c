"""Raw OpenXML blocks pandoc has no Markdown for: page and section breaks, the 目录.

Each function returns a string for a ```` ```{=openxml} ```` block.
"""

from __future__ import annotations

from xml.sax.saxutils import escape

from shenbao.docx import layout
from shenbao.docx.layout import Layout
from shenbao.project.numbering import Heading

TOC_INSTRUCTION = f'TOC \\o "1-{layout.TOC_LEVELS}" \\h \\z \\u'
TOC_TITLE = "目　录"


def raw_block(xml: str) -> str:
    return f"\n```{{=openxml}}\n{xml}\n```\n"


def page_break() -> str:
    return '<w:p><w:r><w:br w:type="page"/></w:r></w:p>'


def section_geometry(page: Layout) -> str:
    """Page size, margins and grid, shared by the reference document and the cover's section break.

    A 公文 page declares its grid of 22 lines, as Word's page setup shows it; the
    body's fixed line already fills the type area with exactly those lines.
    """
    margins = {side: layout.mm(getattr(page.margins, side)) for side in ("top", "right", "bottom", "left")}
    if page.lines_per_page:
        grid = f'<w:docGrid w:type="lines" w:linePitch="{page["body"].line_spacing.word()[0]}"/>'
    else:
        grid = '<w:docGrid w:linePitch="312"/>'
    return (
        f'<w:pgSz w:w="{layout.PAGE_WIDTH}" w:h="{layout.PAGE_HEIGHT}"/>'
        f'<w:pgMar w:top="{margins["top"]}" w:right="{margins["right"]}" w:bottom="{margins["bottom"]}"'
        f' w:left="{margins["left"]}" w:header="{layout.HEADER_DISTANCE}" w:footer="{page.footer_distance}"'
        ' w:gutter="0"/>' + grid
    )


def front_matter_section_end(page: Layout) -> str:
    """End the cover-and-目录 section: same page, no header or footer, so no page number.

    The body's section, taken from the reference document, then restarts at page 1.
    """
    return f'<w:p><w:pPr><w:sectPr><w:type w:val="nextPage"/>{section_geometry(page)}</w:sectPr></w:pPr></w:p>'


def _run(text: str) -> str:
    # the east-Asian hint: Word sets “ ” and other shared characters in the Chinese font
    return f'<w:r><w:rPr><w:rFonts w:hint="eastAsia"/></w:rPr><w:t xml:space="preserve">{escape(text)}</w:t></w:r>'


def _field_char(kind: str, dirty: bool = False) -> str:
    flag = ' w:dirty="true"' if dirty else ""
    return f'<w:r><w:fldChar w:fldCharType="{kind}"{flag}/></w:r>'


def toc(headings: list[Heading], page_numbers: dict[str, int] | None, page: Layout) -> str:
    """The 目录 as a Word TOC field whose shown result is already filled in.

    With page numbers (the final build) it reads right in WPS and LibreOffice as
    it is; without them (a draft) the field is marked dirty so Word offers to
    update it. Word can always regenerate it from the headings.
    """
    entries = [h for h in headings if h.number and h.level <= layout.TOC_LEVELS]
    paragraphs = [f'<w:p><w:pPr><w:pStyle w:val="TOCHeading"/></w:pPr>{_run(TOC_TITLE)}</w:p>']
    tab = f'<w:tabs><w:tab w:val="right" w:leader="dot" w:pos="{page.type_width}"/></w:tabs>'
    field_start = (
        _field_char("begin", dirty=page_numbers is None)
        + f'<w:r><w:instrText xml:space="preserve"> {TOC_INSTRUCTION} </w:instrText></w:r>'
        + _field_char("separate")
    )
    for index, heading in enumerate(entries):
        number = "" if page_numbers is None else str(page_numbers.get(heading.id, ""))
        shown = f"{_run(heading.text)}<w:r><w:tab/></w:r>{_run(number)}"
        link = f'<w:hyperlink w:anchor="{escape(heading.id)}" w:history="1">{shown}</w:hyperlink>'
        start = field_start if index == 0 else ""
        paragraphs.append(f'<w:p><w:pPr><w:pStyle w:val="TOC{heading.level}"/>{tab}</w:pPr>{start}{link}</w:p>')
    if not entries:
        paragraphs.append(f"<w:p>{field_start}</w:p>")
    paragraphs.append(f"<w:p>{_field_char('end')}</w:p>")
    return "".join(paragraphs)


def empty_lines(count: int) -> str:
    return "<w:p/>" * count


def tab() -> str:
    """A tab inside a paragraph: Markdown would turn a typed one into spaces."""
    return "<w:r><w:tab/></w:r>"
