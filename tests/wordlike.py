"""Edit a DOCX the way Word stores a reviewer's work: comments, tracked changes, split paragraphs."""

from __future__ import annotations

import copy
import zipfile
from pathlib import Path

from lxml import etree

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
COMMENTS_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.comments+xml"
COMMENTS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments"
REVIEWER, DATE = "审阅人", "2024-06-01T08:00:00Z"


def _text(element) -> str:
    return "".join(t.text or "" for t in element.iter(W + "t"))


class Review:
    def __init__(self, path: Path):
        self.path = path
        with zipfile.ZipFile(path) as archive:
            self.parts = {name: archive.read(name) for name in archive.namelist()}
        self.document = etree.fromstring(self.parts["word/document.xml"])
        if "word/comments.xml" in self.parts:
            self.comments = etree.fromstring(self.parts["word/comments.xml"])
        else:
            self.comments = etree.Element(W + "comments", nsmap={"w": W[1:-1]})
        self.next_id = 5000

    def _id(self) -> str:
        self.next_id += 1
        return str(self.next_id)

    def paragraph(self, containing: str, whole: bool = False) -> etree._Element:
        for p in self.document.iter(W + "p"):
            if (containing == _text(p)) if whole else (containing in _text(p)):
                return p
        raise AssertionError(f"no paragraph with {containing!r}")

    def isolate(self, text: str, paragraph: etree._Element | None = None) -> etree._Element:
        """The run holding exactly ``text``, split off its neighbours."""
        paragraph = paragraph if paragraph is not None else self.paragraph(text)
        for run in paragraph.iter(W + "r"):
            t = run.find(W + "t")
            if t is None or text not in (t.text or ""):
                continue
            before, _, after = t.text.partition(text)
            for piece, place in ((before, "before"), (after, "after")):
                if piece:
                    other = copy.deepcopy(run)
                    other.find(W + "t").text = piece
                    run.addprevious(other) if place == "before" else run.addnext(other)
            t.text = text
            t.set(XML_SPACE, "preserve")
            return run
        raise AssertionError(f"no run with {text!r}")

    def _change(self, tag: str) -> etree._Element:
        element = etree.Element(W + tag)
        element.set(W + "id", self._id())
        element.set(W + "author", REVIEWER)
        element.set(W + "date", DATE)
        return element

    def comment(self, text: str, remark: str, paragraph: etree._Element | None = None) -> None:
        run = self.isolate(text, paragraph)
        number = self._id()
        start, end = etree.Element(W + "commentRangeStart"), etree.Element(W + "commentRangeEnd")
        start.set(W + "id", number)
        end.set(W + "id", number)
        run.addprevious(start)
        run.addnext(end)
        reference = etree.SubElement(etree.Element(W + "r"), W + "commentReference")
        reference.set(W + "id", number)
        end.addnext(reference.getparent())
        comment = etree.SubElement(self.comments, W + "comment")
        for key, value in (("id", number), ("author", REVIEWER), ("date", DATE), ("initials", "审")):
            comment.set(W + key, value)
        etree.SubElement(etree.SubElement(etree.SubElement(comment, W + "p"), W + "r"), W + "t").text = remark

    def replace(self, old: str, new: str, paragraph: etree._Element | None = None) -> None:
        run = self.isolate(old, paragraph)
        deleted, inserted = self._change("del"), self._change("ins")
        run.addprevious(deleted)
        added = copy.deepcopy(run)
        run.find(W + "t").tag = W + "delText"
        deleted.append(run)
        added.find(W + "t").text = new
        inserted.append(added)
        deleted.addnext(inserted)

    def insert_after(self, anchor: str, new: str, paragraph: etree._Element | None = None) -> None:
        run = self.isolate(anchor, paragraph)
        inserted = self._change("ins")
        added = copy.deepcopy(run)
        added.find(W + "t").text = new
        inserted.append(added)
        run.addnext(inserted)

    def split(self, before: str) -> etree._Element:
        """Split the paragraph after ``before`` as Enter does with tracking on; the second half."""
        paragraph = self.paragraph(before)
        run = self.isolate(before, paragraph)
        second = copy.deepcopy(paragraph)
        for child in list(second):
            if child.tag != W + "pPr":
                second.remove(child)
        following = list(run.itersiblings())
        for node in following:
            second.append(node)
        for bookmark in list(second.iter(W + "bookmarkStart")):
            bookmark.getparent().remove(bookmark)  # the anchor stays with the first half
        properties = paragraph.find(W + "pPr")
        marks = properties.find(W + "rPr")
        if marks is None:
            marks = etree.SubElement(properties, W + "rPr")
        marks.insert(0, self._change("ins"))
        paragraph.addnext(second)
        return second

    def drop_anchor(self, containing: str) -> None:
        for bookmark in list(self.paragraph(containing).iter(W + "bookmarkStart")):
            if (bookmark.get(W + "name") or "").startswith("_src_"):
                bookmark.getparent().remove(bookmark)

    def save(self, out: Path) -> Path:
        self.parts["word/document.xml"] = etree.tostring(self.document, xml_declaration=True, encoding="UTF-8")
        self.parts["word/comments.xml"] = etree.tostring(self.comments, xml_declaration=True, encoding="UTF-8")
        types = self.parts["[Content_Types].xml"]
        if b"/word/comments.xml" not in types:
            override = f'<Override PartName="/word/comments.xml" ContentType="{COMMENTS_TYPE}"/>'.encode()
            self.parts["[Content_Types].xml"] = types.replace(b"</Types>", override + b"</Types>")
        rels = self.parts["word/_rels/document.xml.rels"]
        if b"comments.xml" not in rels:
            rel = f'<Relationship Id="rIdReview" Type="{COMMENTS_REL}" Target="comments.xml"/>'.encode()
            self.parts["word/_rels/document.xml.rels"] = rels.replace(b"</Relationships>", rel + b"</Relationships>")
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, data in self.parts.items():
                archive.writestr(name, data)
        return out


# --- files typed by hand, as offices send them ------------------------------------------------


def handtyped_docx(path: Path, lines: list, title_font: str = "方正小标宋简体") -> Path:
    """A DOCX as WPS or Word stores a hand-typed file: every paragraph in the Normal style, fonts set
    directly, numbers typed, the title centred and large. ``lines`` holds texts, ``("table", rows)`` or
    ``("image", path)``.
    """
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Pt

    document = Document()
    for index, line in enumerate(lines):
        if isinstance(line, tuple) and line[0] == "image":  # a picture in a paragraph of its own
            document.add_paragraph().add_run().add_picture(str(line[1]), width=Pt(200))
            continue
        if isinstance(line, tuple) and line[0] == "table":
            rows = line[1]
            table = document.add_table(rows=len(rows), cols=len(rows[0]))
            for row, cells in zip(table.rows, rows, strict=True):
                for cell, text in zip(row.cells, cells, strict=True):
                    cell.text = text
            continue
        paragraph = document.add_paragraph()
        run = paragraph.add_run(line)
        first = index == 0
        run.font.size = Pt(22 if first else 16)
        run.font.name = title_font if first else "仿宋_GB2312"
        run.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), run.font.name)
        if first:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        else:
            paragraph.paragraph_format.first_line_indent = Pt(32)
    document.save(path)
    return path
