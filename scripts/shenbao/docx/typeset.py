"""Typesetting pandoc cannot be told: finishing touches on ``word/document.xml``.

Each function takes the parsed body and changes one thing a typesetter checks:
tables that fill the type area with rows that neither split nor stand tall,
headings that never end a page with a single line after them, images that do
not carry the build machine's paths.
"""

from __future__ import annotations

from lxml import etree

from shenbao.docx.layout import Layout
from shenbao.text.titles import text_width

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
PIC = "http://schemas.openxmlformats.org/drawingml/2006/picture"
WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
NS = {"w": W, "pic": PIC, "wp": WP}
TABLE_TEXT, TABLE_HEADER, CAPTION = "TableText", "TableHeader", "Caption"
HEADING_STYLES = {"Heading1", "Heading2", "Heading3", "Heading4", "Title"}
BODY_STYLES = {"BodyText", "FirstParagraph"}


def _w(tag: str) -> str:
    return f"{{{W}}}{tag}"


def _child(parent: etree._Element, tag: str, first: bool = False) -> etree._Element:
    """The child ``w:tag``, made if missing (first in the parent when ``first``)."""
    found = parent.find(f"w:{tag}", NS)
    if found is None:
        found = etree.Element(_w(tag))
        if first:
            parent.insert(0, found)
        else:
            parent.append(found)
    return found


def _paragraph_style(paragraph: etree._Element) -> str:
    style = paragraph.find("w:pPr/w:pStyle", NS)
    return "" if style is None else style.get(_w("val"), "")


def _set_paragraph_style(paragraph: etree._Element, style: str) -> None:
    ppr = _child(paragraph, "pPr", first=True)
    _child(ppr, "pStyle", first=True).set(_w("val"), style)


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
        trpr = _child(row, "trPr", first=True)
        if trpr.find("w:cantSplit", NS) is None:
            trpr.insert(0, etree.Element(_w("cantSplit")))
        header = trpr.find("w:tblHeader", NS) is not None
        for cell in row.findall("w:tc", NS):
            tcpr = _child(cell, "tcPr", first=True)
            if tcpr.find("w:vAlign", NS) is None:
                etree.SubElement(tcpr, _w("vAlign")).set(_w("val"), "center")
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


# the elements a paragraph's properties list before w:widowControl, in the schema's order
_BEFORE_WIDOW_CONTROL = ("pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr")


def _widow_control(paragraph: etree._Element) -> None:
    ppr = _child(paragraph, "pPr", first=True)
    if ppr.find("w:widowControl", NS) is not None:
        return
    before = [child for child in ppr if etree.QName(child).localname in _BEFORE_WIDOW_CONTROL]
    ppr.insert(ppr.index(before[-1]) + 1 if before else 0, etree.Element(_w("widowControl")))


def _keep_with_next(paragraph: etree._Element) -> None:
    ppr = _child(paragraph, "pPr", first=True)
    if ppr.find("w:keepNext", NS) is None:
        ppr.insert(1 if ppr.find("w:pStyle", NS) is not None else 0, etree.Element(_w("keepNext")))


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
            ppr = _child(paragraph, "pPr", first=True)
            for old in ppr.findall("w:ind", NS):
                ppr.remove(old)
            indent = etree.Element(_w("ind"))
            indent.set(_w("right"), str(round(chars * char)))
            # in the schema's order w:ind stands before w:jc and the paragraph mark's w:rPr
            later = ppr.find("w:jc", NS) if ppr.find("w:jc", NS) is not None else ppr.find("w:rPr", NS)
            if later is not None:
                later.addprevious(indent)
            else:
                ppr.append(indent)


def typeset_document(document_xml: bytes, layout: Layout) -> bytes:
    root = etree.fromstring(document_xml)
    body = root.find("w:body", NS)
    for table in body.iter(_w("tbl")):
        fit_table_grid(table, layout)
        set_table_rows(table)
    describe_images(body)
    keep_captions_with_tables(body)
    keep_short_paragraphs_with_headings(body, layout)
    place_signature(body, layout)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
