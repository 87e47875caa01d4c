"""Typesetting pandoc cannot be told: finishing touches on ``word/document.xml``.

Each function takes the parsed body and changes one thing a typesetter checks:
tables that fill the type area with rows that neither split nor stand tall,
headings that never end a page with a single line after them, images that do
not carry the build machine's paths.
"""

from __future__ import annotations

from lxml import etree

from shenbao.docx import package
from shenbao.docx.layout import Layout
from shenbao.docx.package import NS
from shenbao.docx.package import PIC_NS as PIC
from shenbao.docx.package import WP_NS as WP
from shenbao.text.titles import text_width

TABLE_TEXT, TABLE_HEADER, CAPTION = "TableText", "TableHeader", "Caption"
HEADING_STYLES = {"Heading1", "Heading2", "Heading3", "Heading4", "Title"}
BODY_STYLES = {"BodyText", "FirstParagraph"}


_w = package.w


def _child(parent: etree._Element, tag: str) -> etree._Element:
    """The child ``w:tag``, made in the schema's place if missing."""
    return package.child(parent, tag)


def _paragraph_style(paragraph: etree._Element) -> str:
    style = paragraph.find("w:pPr/w:pStyle", NS)
    return "" if style is None else style.get(_w("val"), "")


def _set_paragraph_style(paragraph: etree._Element, style: str) -> None:
    ppr = _child(paragraph, "pPr")
    _child(ppr, "pStyle").set(_w("val"), style)


def fit_table_grid(table: etree._Element, layout: Layout) -> None:
    """Scale the column grid to the type area: pandoc sizes it against a width of its own."""
    columns = table.findall("w:tblGrid/w:gridCol", NS)
    widths = [int(column.get(_w("w"), "0")) for column in columns]
    total = sum(widths) or 1
    for column, width in zip(columns, widths, strict=True):
        column.set(_w("w"), str(width * layout.type_width // total))


def set_table_rows(table: etree._Element) -> None:
    """Rows never split across pages; cell text is centred between the rules.

    The header row (repeated on every page) is set in the header style, centred
    whatever its column's alignment; an empty cell gets the cell style too, or it
    would stand as tall as a line of body text.
    """
    for row in table.findall("w:tr", NS):
        trpr = _child(row, "trPr")
        if trpr.find("w:cantSplit", NS) is None:
            package.insert_child(trpr, etree.Element(_w("cantSplit")))
        header = trpr.find("w:tblHeader", NS) is not None
        for cell in row.findall("w:tc", NS):
            tcpr = _child(cell, "tcPr")
            if tcpr.find("w:vAlign", NS) is None:
                package.insert_child(tcpr, package.element("vAlign", val="center"))
            for paragraph in cell.findall("w:p", NS):
                style = _paragraph_style(paragraph)
                if header:
                    _set_paragraph_style(paragraph, TABLE_HEADER)
                    for jc in paragraph.findall("w:pPr/w:jc", NS):
                        jc.getparent().remove(jc)
                elif not style:
                    _set_paragraph_style(paragraph, TABLE_TEXT)


def describe_images(body: etree._Element) -> None:
    """An image's description is its alt text, never the path it was read from."""
    for drawing in body.iter(f"{{{WP}}}inline", f"{{{WP}}}anchor"):
        doc_pr = drawing.find("wp:docPr", NS)
        alt = "" if doc_pr is None else doc_pr.get("descr", "")
        for picture in drawing.iter(f"{{{PIC}}}cNvPr"):
            picture.set("descr", alt)


def _text(paragraph: etree._Element) -> str:
    return "".join(t.text or "" for t in paragraph.iter(_w("t")))


def lines_needed(paragraph: etree._Element, layout: Layout) -> int:
    """About how many lines a body paragraph takes: its width against the line's, less the indent."""
    body = layout["body"]
    per_line = layout.type_width / (body.size * 20 + layout.char_spacing)
    width = text_width(_text(paragraph)) + body.indent
    return max(1, int(-(-width // per_line)))


def keep_short_paragraphs_with_headings(body: etree._Element, layout: Layout) -> None:
    """A heading is kept with its next paragraph, and a page never ends with the heading and one line.

    Body text has no widow control (every full page holds its 22 lines), so the
    paragraph after a heading gets it: it leaves at least two lines under the
    heading. A one-line paragraph cannot be split at all, so it goes with the next one.
    """
    paragraphs = body.findall("w:p", NS)
    for heading, following in zip(paragraphs, paragraphs[1:], strict=False):
        if _paragraph_style(heading) not in HEADING_STYLES or _paragraph_style(following) not in BODY_STYLES:
            continue
        _widow_control(following)
        if following.getnext() is not None and lines_needed(following, layout) == 1:
            _keep_with_next(following)


def _widow_control(paragraph: etree._Element) -> None:
    _child(_child(paragraph, "pPr"), "widowControl")


def _keep_with_next(paragraph: etree._Element) -> None:
    _child(_child(paragraph, "pPr"), "keepNext")


def keep_captions_with_tables(body: etree._Element) -> None:
    """A 表题 stands above its table and goes with it; a 图题 under its image must not pull on what follows."""
    for table in body.iter(_w("tbl")):
        caption = table.getprevious()
        if caption is not None and caption.tag == _w("p") and _paragraph_style(caption) == CAPTION:
            _keep_with_next(caption)


def signature_indents(signature: str, date: str) -> tuple[float, float]:
    """Right-hand indents, in characters, of 署名 and 成文日期 (GB/T 9704 §7.3.5.2).

    The signature stands two characters from the right and the date's first
    character two characters right of the signature's; a date longer than
    that allows stands two from the right and pushes the signature left.
    """
    sign, day = text_width(signature), text_width(date)
    signature_right, date_right = 2.0, sign - day  # date starts where the signature starts, plus two
    if date_right < 2:
        date_right = 2.0
        signature_right = day + 4 - sign
    return signature_right, date_right


_NOTE_STYLES = ("AttachmentNote", "AttachmentNoteItem")


def keep_with_signature(signature: etree._Element) -> None:
    """The signature never stands alone on a page: the text's last lines (and the 附件 note) go with it.

    Keep-with-next on the empty lines, the note and the last paragraph of text
    above it; Word and LibreOffice then carry those lines over with the signature.
    """
    paragraph = signature.getprevious()
    while paragraph is not None and paragraph.tag == _w("p"):
        _keep_with_next(paragraph)
        if _text(paragraph).strip() and _paragraph_style(paragraph) not in _NOTE_STYLES:
            return  # the last paragraph of text: enough to keep company
        paragraph = paragraph.getprevious()


def place_signature(body: etree._Element, layout: Layout) -> None:
    paragraphs = body.findall("w:p", NS)
    for signature, date in zip(paragraphs, paragraphs[1:], strict=False):
        if _paragraph_style(signature) != "Signature" or _paragraph_style(date) != "SignatureDate":
            continue
        keep_with_signature(signature)
        char = layout["body"].size * 20
        for paragraph, chars in zip((signature, date), signature_indents(_text(signature), _text(date)), strict=True):
            ppr = _child(paragraph, "pPr")
            for old in ppr.findall("w:ind", NS):
                ppr.remove(old)
            package.insert_child(ppr, package.element("ind", right=round(chars * char)))


def typeset_document(document_xml: bytes, layout: Layout) -> bytes:
    root = package.parse(document_xml)
    typeset_body(root, layout)
    return package.serialize(root)


def typeset_body(root: etree._Element, layout: Layout) -> None:
    body = root.find("w:body", NS)
    for table in body.iter(_w("tbl")):
        fit_table_grid(table, layout)
        set_table_rows(table)
    describe_images(body)
    keep_captions_with_tables(body)
    keep_short_paragraphs_with_headings(body, layout)
    place_signature(body, layout)
