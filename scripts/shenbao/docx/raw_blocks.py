"""Raw OpenXML blocks pandoc has no Markdown for: page and section breaks, the 目录.

Each function returns a string for a ```` ```{=openxml} ```` block.
"""

from __future__ import annotations

import hashlib

from lxml import etree

from shenbao.docx import layout, package
from shenbao.docx.layout import Layout
from shenbao.project.numbering import Heading

TOC_INSTRUCTION = f'TOC \\o "1-{layout.TOC_LEVELS}" \\h \\z \\u'
TOC_TITLE = "目　录"


def raw_block(xml: str) -> str:
    return f"\n```{{=openxml}}\n{xml}\n```\n"


_e = package.element


def _paragraph(*children: etree._Element) -> etree._Element:
    paragraph = _e("p")
    paragraph.extend(children)
    return paragraph


def _wrapped(tag: str, *children: etree._Element, **attributes: object) -> etree._Element:
    made = _e(tag, **attributes)
    made.extend(children)
    return made


def page_break_paragraph() -> etree._Element:
    return _paragraph(_wrapped("r", _e("br", type="page")))


def page_break() -> str:
    return package.fragment(page_break_paragraph())


def geometry(page: Layout) -> list[etree._Element]:
    """Page size, margins and grid, shared by the reference document and the cover's section break.

    A 公文 page declares its grid of 22 lines, as Word's page setup shows it; the
    body's fixed line already fills the type area with exactly those lines.
    """
    margins = {side: layout.mm(getattr(page.margins, side)) for side in ("top", "right", "bottom", "left")}
    if page.lines_per_page:
        grid = _e("docGrid", type="lines", linePitch=page["body"].line_spacing.word()[0])
    else:
        grid = _e("docGrid", linePitch=312)
    return [
        _e("pgSz", w=layout.PAGE_WIDTH, h=layout.PAGE_HEIGHT),
        _e("pgMar", **margins, header=layout.HEADER_DISTANCE, footer=page.footer_distance, gutter=0),
        grid,
    ]


def section_geometry(page: Layout) -> str:
    return package.fragment(*geometry(page))


def front_matter_section_end(page: Layout) -> str:
    """End the cover-and-目录 section: same page, no header or footer, so no page number.

    The body's section, taken from the reference document, then restarts at page 1.
    """
    section = _wrapped("sectPr", _e("type", val="nextPage"), *geometry(page))
    return package.fragment(_paragraph(_wrapped("pPr", section)))


def _run(text: str) -> etree._Element:
    # the east-Asian hint: Word sets “ ” and other shared characters in the Chinese font
    shown = _e("t")
    shown.set(package.XML_SPACE, "preserve")
    shown.text = text
    return _wrapped("r", _wrapped("rPr", _e("rFonts", hint="eastAsia")), shown)


def _field_char(kind: str, dirty: bool = False) -> etree._Element:
    char = _e("fldChar", fldCharType=kind)
    if dirty:
        char.set(package.w("dirty"), "true")
    return _wrapped("r", char)


def toc(headings: list[Heading], page_numbers: dict[str, int] | None, page: Layout) -> str:
    """The 目录 as a Word TOC field whose shown result is already filled in.

    With page numbers (the final build) it reads right in WPS and LibreOffice as
    it is; without them (a draft) the field is marked dirty so Word offers to
    update it. Word can always regenerate it from the headings. Each entry links
    to its heading's bookmark under the name pandoc gives it.
    """
    entries = [h for h in headings if h.number and h.level <= layout.TOC_LEVELS]
    paragraphs = [_paragraph(_wrapped("pPr", _e("pStyle", val="TOCHeading")), _run(TOC_TITLE))]

    def field_start() -> list[etree._Element]:
        code = _e("instrText")
        code.set(package.XML_SPACE, "preserve")
        code.text = f" {TOC_INSTRUCTION} "
        return [_field_char("begin", dirty=page_numbers is None), _wrapped("r", code), _field_char("separate")]

    for index, heading in enumerate(entries):
        number = "" if page_numbers is None else str(page_numbers.get(heading.id, ""))
        tabs = _wrapped("tabs", _e("tab", val="right", leader="dot", pos=page.type_width))
        properties = _wrapped("pPr", _e("pStyle", val=f"TOC{heading.level}"), tabs)
        link = _wrapped(
            "hyperlink", _run(heading.text), _wrapped("r", _e("tab")), _run(number),
            anchor=bookmark_name(heading.id), history=1,
        )  # fmt: skip
        paragraphs.append(_paragraph(properties, *(field_start() if index == 0 else []), link))
    if not entries:
        paragraphs.append(_paragraph(*field_start()))
    paragraphs.append(_paragraph(_field_char("end")))
    return package.fragment(*paragraphs)


def bookmark_name(identifier: str) -> str:
    """The bookmark pandoc writes for a heading id (its ``toBookmarkName``).

    Word allows 40 characters, starting with a letter; any other id becomes
    ``X`` and the SHA-1 of the id less its first digit, and a link must use that name.
    """
    if identifier[:1].isalpha() and len(identifier) <= 40:
        return identifier
    return "X" + hashlib.sha1(identifier.encode("utf-8")).hexdigest()[1:]


def empty_lines(count: int) -> str:
    return package.fragment(*(_e("p") for _ in range(count)))


def tab() -> str:
    """A tab inside a paragraph: Markdown would turn a typed one into spaces."""
    return package.fragment(_wrapped("r", _e("tab")))
