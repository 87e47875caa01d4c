"""Accept or reject every tracked change of a DOCX, over its XML, and read what is left as text.

The tests' judge of a redline: pandoc's ``--track-changes`` reader keeps a
deleted table row's emptied cells and does not understand moves, so it
cannot say whether accepting every change gives TO's file character for
character. This does it as Word does, on a copy of the part:

- accept: ``w:del`` and ``w:moveFrom`` go with their content, ``w:ins`` and
  ``w:moveTo`` are unwrapped; a paragraph whose mark was deleted (or moved
  away) joins the next paragraph; a row marked deleted goes; property
  changes (``w:rPrChange``, ``w:pPrChange``, …) are dropped;
- reject: the reverse, and each property change puts back the properties it
  recorded.

Markup it does not know (cell insertions, numbering changes) fails loudly
rather than being read wrongly.
"""

from __future__ import annotations

import copy
import hashlib
import posixpath
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}"

CONTENT = ("ins", "del", "moveFrom", "moveTo")
RANGES = ("moveFromRangeStart", "moveFromRangeEnd", "moveToRangeStart", "moveToRangeEnd")
PROPERTY_CHANGES = ("rPrChange", "pPrChange", "tblPrChange", "tblPrExChange", "trPrChange", "tcPrChange")
PROPERTY_CHANGES += ("sectPrChange", "tblGridChange")
UNKNOWN = ("cellIns", "cellDel", "cellMerge", "numberingChange", "customXmlInsRangeStart", "customXmlDelRangeStart")
UNKNOWN += ("customXmlMoveFromRangeStart", "customXmlMoveToRangeStart")
_TOC = re.compile(r"^TOC\d+$")  # the 目录's entries: TO's own, made again by Word, not a revision's text


class UnreadableChange(AssertionError):
    """Tracked-change markup that accepting or rejecting cannot settle as Word would."""


def resolve(root: etree._Element, accept: bool) -> etree._Element:
    """A copy of a part (document.xml, footnotes.xml) with every change accepted, or rejected."""
    root = copy.deepcopy(root)
    for tag in UNKNOWN:
        if next(root.iter(W + tag), None) is not None:
            raise UnreadableChange(f"w:{tag} is not read here")
    gone, kept = (("del", "moveFrom"), ("ins", "moveTo")) if accept else (("ins", "moveTo"), ("del", "moveFrom"))
    _properties(root, accept)
    for tag in RANGES:
        for node in list(root.iter(W + tag)):
            node.getparent().remove(node)
    _rows(root, gone)
    _contents(root, gone, kept, accept)
    _marks(root, gone, kept)
    left = [etree.QName(n).localname for n in root.iter(*(W + t for t in (*CONTENT, "delText", "delInstrText")))]
    if left:
        raise UnreadableChange(f"left after resolving: {sorted(set(left))}")
    return root


def _properties(root: etree._Element, accept: bool) -> None:
    for tag in PROPERTY_CHANGES:
        for change in list(root.iter(W + tag)):
            holder = change.getparent()
            holder.remove(change)
            if accept:
                continue
            recorded = change[0] if len(change) else etree.Element(W + "x")
            # what the change does not record stays: a paragraph mark's run properties and the section
            # of a pPr, the change marks of a paragraph mark's rPr
            keep = {"pPr": ("rPr", "sectPr"), "rPr": CONTENT}.get(etree.QName(holder).localname, ())
            for node in list(holder):
                if etree.QName(node).localname not in keep:
                    holder.remove(node)
            for node in recorded:
                holder.append(node)


def _rows(root: etree._Element, gone: tuple[str, ...]) -> None:
    for row in list(root.iter(W + "tr")):
        properties = row.find(W + "trPr")
        marks = [] if properties is None else [c for c in properties if etree.QName(c).localname in CONTENT]
        if any(etree.QName(m).localname in gone for m in marks):
            table = row.getparent()
            table.remove(row)
            if table.find(W + "tr") is None:
                table.getparent().remove(table)
            continue
        for mark in marks:
            properties.remove(mark)


def _contents(root: etree._Element, gone: tuple[str, ...], kept: tuple[str, ...], accept: bool) -> None:
    for node in list(root.iter(*(W + t for t in CONTENT))):
        parent = node.getparent()
        if parent is None or etree.QName(parent).localname in ("rPr", "trPr"):
            continue  # a paragraph mark or a row: below
        name = etree.QName(node).localname
        if name in gone:
            parent.remove(node)
            continue
        place = parent.index(node)
        for child in reversed(list(node)):
            parent.insert(place, child)
        parent.remove(node)
    for link in list(root.iter(W + "hyperlink")):  # a link whose every run went goes with them, as in Word
        if next(link.iter(W + "r"), None) is None:
            link.getparent().remove(link)
    if accept:
        return
    for tag, plain in (("delText", "t"), ("delInstrText", "instrText")):
        for node in root.iter(W + tag):
            node.tag = W + plain


def _marks(root: etree._Element, gone: tuple[str, ...], kept: tuple[str, ...]) -> None:
    """A paragraph whose mark goes joins the next paragraph, which keeps its own properties (as in Word)."""
    for paragraph in list(root.iter(W + "p")):
        marks = paragraph.find(f"{W}pPr/{W}rPr")
        found = [] if marks is None else [c for c in marks if etree.QName(c).localname in CONTENT]
        for mark in found:
            marks.remove(mark)
        if not any(etree.QName(m).localname in gone for m in found):
            continue
        following = paragraph.getnext()
        while following is not None and following.tag not in (W + "p", W + "tbl", W + "sectPr"):
            following = following.getnext()
        if following is None or following.tag != W + "p":
            # a paragraph wholly removed before a table (or at a cell's end) goes, mark and all;
            # with content left there is nothing it could join
            if _has_content(paragraph):
                raise UnreadableChange(f"the removed mark of {_plain(paragraph)!r} has no paragraph after it to join")
            paragraph.getparent().remove(paragraph)
            continue
        place = 1 if following.find(W + "pPr") is not None else 0
        for child in reversed([c for c in paragraph if c.tag != W + "pPr"]):
            following.insert(place, child)
        paragraph.getparent().remove(paragraph)


def _has_content(paragraph: etree._Element) -> bool:
    shown = ("t", "tab", "br", "drawing", "footnoteReference", "endnoteReference", "sym", "object")
    return next(paragraph.iter(*(W + t for t in shown)), None) is not None


def _plain(element: etree._Element) -> str:
    return "".join(t.text or "" for t in element.iter(W + "t", W + "delText"))


# --- reading a package as text -------------------------------------------------------


@dataclass
class Package:
    """A DOCX's document and notes, and what its pictures are (by their bytes)."""

    document: etree._Element
    footnotes: etree._Element | None
    pictures: dict[str, str]  # relationship id in document.xml → digest of the picture's bytes
    links: dict[str, str]  # relationship id in document.xml → address of a link out

    @classmethod
    def read(cls, path: Path) -> Package:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            document = etree.fromstring(archive.read("word/document.xml"))
            footnotes = etree.fromstring(archive.read("word/footnotes.xml")) if "word/footnotes.xml" in names else None
            pictures, links = {}, {}
            rels = etree.fromstring(archive.read("word/_rels/document.xml.rels"))
            for rel in rels.iter(RELS + "Relationship"):
                target = posixpath.normpath(posixpath.join("word", rel.get("Target")))
                if rel.get("Type", "").endswith("/image") and target in names:
                    pictures[rel.get("Id")] = hashlib.sha1(archive.read(target)).hexdigest()[:10]
                elif rel.get("Type", "").endswith("/hyperlink") and rel.get("TargetMode") == "External":
                    links[rel.get("Id")] = rel.get("Target")
        return cls(document, footnotes, pictures, links)

    def text(self, accept: bool | None = None) -> list[str]:
        """The file's blocks as lines of text: as it stands (None), or with every change accepted or rejected.

        A paragraph is its style and text; a footnote reference stands as the note's text, a picture as
        its bytes' digest, a link with where it goes; each table row is a line of its cells.
        """
        document = self.document if accept is None else resolve(self.document, accept)
        notes = self.notes(accept)
        lines: list[str] = []
        for block in document.find(W + "body"):
            if block.tag == W + "p":
                style = block.find(f"{W}pPr/{W}pStyle")
                style = "" if style is None else style.get(W + "val")
                if not _TOC.match(style):
                    lines.append(f"{style}｜{self._paragraph(block, notes)}")
            elif block.tag == W + "tbl":
                for row in block.iter(W + "tr"):
                    cells = [
                        "⏎".join(self._paragraph(p, notes) for p in cell.iter(W + "p"))
                        for cell in row.findall(W + "tc")
                    ]
                    lines.append("表｜" + " ¦ ".join(cells))
        return lines

    def notes(self, accept: bool | None = None) -> dict[str, str]:
        """Each footnote's text by its id, as it stands or with every change accepted or rejected."""
        if self.footnotes is None:
            return {}
        footnotes = self.footnotes if accept is None else resolve(self.footnotes, accept)
        return {
            note.get(W + "id"): "⏎".join(self._paragraph(p, {}) for p in note.findall(W + "p"))
            for note in footnotes.findall(W + "footnote")
            if note.get(W + "type") in (None, "normal")
        }

    def _paragraph(self, paragraph: etree._Element, notes: dict[str, str]) -> str:
        out: list[str] = []

        def walk(node: etree._Element) -> None:
            for child in node:
                tag = child.tag
                if tag == W + "t":
                    out.append(child.text or "")
                elif tag == W + "tab":
                    out.append("\t")
                elif tag == W + "br":
                    out.append("\f" if child.get(W + "type") == "page" else "\n")
                elif tag == W + "footnoteReference":
                    out.append(f"［注：{notes.get(child.get(W + 'id'), '？缺注' + child.get(W + 'id'))}］")
                elif tag == W + "drawing":
                    blips = [b.get(R + "embed") for b in child.iter(A + "blip")]
                    out.append("".join(f"［图：{self.pictures.get(b, '？缺图')}］" for b in blips) or "［图］")
                elif tag == W + "hyperlink":
                    rid = child.get(R + "id")
                    target = child.get(W + "anchor") or (self.links.get(rid, "？缺链") if rid else "")
                    out.append("［链：")
                    walk(child)
                    out.append(f"→{target}］")
                elif tag in (W + "r", W + "smartTag", W + "sdt", W + "sdtContent", W + "fldSimple"):
                    walk(child)
                elif tag in (W + "ins", W + "del", W + "moveTo", W + "moveFrom"):
                    walk(child)  # only when reading a file as it stands

        walk(paragraph)
        return "".join(out)
