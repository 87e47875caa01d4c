"""Is a DOCX one Word opens without repairing it? Two validators and a structural check of ours.

``openxml-audit`` (the Open XML SDK's schema and semantic rules, microsoft365
profile) and ``ooxml-integrity`` (package and cross-part consistency) read the
file; ``structural`` checks what neither covers: bookmarks, annotation ids,
move ranges, table cells and grids, fields, and every style, numbering and
relationship a part names.
"""

from __future__ import annotations

import hashlib
import posixpath
import zipfile
from collections import Counter
from pathlib import Path

from lxml import etree

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
RELS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
WP_NS = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
W = f"{{{W_NS}}}"

# Findings that are pandoc's own and harmless, each with why:
ALLOWED = (
    # pandoc's reference.docx bases its "Table" style on TableNormal, which it never defines; Word and
    # ISO/IEC 29500 ignore a missing basedOn, so the style simply inherits nothing.
    "references missing style 'TableNormal'",
    'basedOn -> "TableNormal" is undefined',
    # pandoc copies the body's external hyperlink relationships into footnotes.xml.rels as well, used or
    # not; an unused relationship is ignored by every reader.
    "REL003 word/_rels/footnotes.xml.rels",
)

STORY_PARTS = ("word/document.xml", "word/footnotes.xml", "word/endnotes.xml", "word/comments.xml")
_ANNOTATIONS = (
    "bookmarkStart",
    "commentRangeStart",
    "ins",
    "del",
    "moveFrom",
    "moveTo",
    "moveFromRangeStart",
    "moveToRangeStart",
    "pPrChange",
    "rPrChange",
)


def _allowed(message: str) -> bool:
    return any(allowed in message for allowed in ALLOWED)


def audit(path: Path) -> list[str]:
    from openxml_audit import FileFormat, OpenXmlValidator

    result = OpenXmlValidator(file_format=FileFormat.MICROSOFT_365, max_errors=0).validate(str(path))
    return [f"openxml-audit {e.part_uri}: {e.description} ({e.path})" for e in result.errors]


def integrity(path: Path) -> list[str]:
    import ooxml_integrity

    return [f"ooxml-integrity {f.code} {f.part}: {f.message} {f.where}" for f in ooxml_integrity.check(path)]


def findings(path: Path) -> list[str]:
    """Every finding of the three checks that the allow-list does not name."""
    found = [*audit(path), *integrity(path), *structural(path)]
    return [message for message in found if not _allowed(message)]


# --- our own structural check ----------------------------------------------------------


def _parts(archive: zipfile.ZipFile) -> dict[str, etree._Element]:
    names = set(archive.namelist())
    return {name: etree.fromstring(archive.read(name)) for name in STORY_PARTS if name in names}


def _ids(root: etree._Element, tag: str) -> list[str]:
    return [element.get(W + "id") for element in root.iter(W + tag)]


def _bookmarks(parts: dict[str, etree._Element]) -> list[str]:
    problems = []
    names: Counter = Counter()
    for part, root in parts.items():
        starts, ends = Counter(_ids(root, "bookmarkStart")), Counter(_ids(root, "bookmarkEnd"))
        for unpaired in (starts - ends) + (ends - starts):
            problems.append(f"{part}: bookmark id {unpaired} has no partner")
        for start in root.iter(W + "bookmarkStart"):
            name = start.get(W + "name") or ""
            names[name] += 1
            if len(name) > 40:
                problems.append(f"{part}: bookmark name longer than 40 characters: {name}")
    problems += [f"bookmark name used {count} times: {name}" for name, count in names.items() if count > 1]
    anchors = {name for name in names}
    for part, root in parts.items():
        for link in root.iter(W + "hyperlink"):
            anchor = link.get(W + "anchor")
            if anchor is not None and anchor not in anchors:
                problems.append(f"{part}: link to a bookmark that does not exist: {anchor}")
    return problems


def _annotation_ids(parts: dict[str, etree._Element]) -> list[str]:
    seen: Counter = Counter()
    for root in parts.values():
        for tag in _ANNOTATIONS:
            seen.update(_ids(root, tag))
    return [f"annotation id {key} used {count} times" for key, count in seen.items() if count > 1]


def _drawing_ids(parts: dict[str, etree._Element]) -> list[str]:
    """Word repairs a file in which two pictures share a ``wp:docPr`` id."""
    seen: Counter = Counter(d.get("id") for root in parts.values() for d in root.iter(f"{{{WP_NS}}}docPr"))
    return [f"picture id {key} used {count} times" for key, count in seen.items() if count > 1]


def _moves(parts: dict[str, etree._Element]) -> list[str]:
    problems = []
    for part, root in parts.items():
        names = {
            kind: Counter(e.get(W + "name") for e in root.iter(W + f"{kind}RangeStart"))
            for kind in ("moveFrom", "moveTo")
        }
        for name in set(names["moveFrom"]) ^ set(names["moveTo"]):
            problems.append(f"{part}: move {name} has only one side")
        for kind in ("moveFrom", "moveTo"):
            starts, ends = Counter(_ids(root, f"{kind}RangeStart")), Counter(_ids(root, f"{kind}RangeEnd"))
            for unpaired in (starts - ends) + (ends - starts):
                problems.append(f"{part}: {kind} range {unpaired} has no partner")
        for deleted in root.iter(W + "moveFrom"):
            if next(deleted.iter(W + "delText"), None) is not None:
                problems.append(f"{part}: w:delText inside w:moveFrom (Word writes w:t there)")
    return problems


def _tables(parts: dict[str, etree._Element]) -> list[str]:
    problems = []
    for part, root in parts.items():
        for cell in root.iter(W + "tc"):
            if len(cell) == 0 or cell[-1].tag != W + "p":
                problems.append(f"{part}: a table cell does not end in a paragraph")
        for table in root.iter(W + "tbl"):
            columns = len(table.findall(f"{W}tblGrid/{W}gridCol"))
            for row in table.findall(W + "tr"):
                spans = sum(int(c.get(W + "val", "1")) for c in row.iterfind(f"{W}tc/{W}tcPr/{W}gridSpan"))
                cells = len(row.findall(W + "tc"))
                spans += cells - len(row.findall(f"{W}tc/{W}tcPr/{W}gridSpan"))
                for extra in ("gridBefore", "gridAfter"):
                    found = row.find(f"{W}trPr/{W}{extra}")
                    spans += int(found.get(W + "val")) if found is not None else 0
                if spans != columns:
                    problems.append(f"{part}: a row spans {spans} grid columns of {columns}")
    return problems


def _fields(parts: dict[str, etree._Element]) -> list[str]:
    problems = []
    for part, root in parts.items():
        stack: list[str] = []
        for char in root.iter(W + "fldChar"):
            kind = char.get(W + "fldCharType")
            if kind == "begin":
                stack.append("begin")
            elif kind == "separate":
                if not stack or stack[-1] != "begin":
                    problems.append(f"{part}: field separator outside a field")
                else:
                    stack[-1] = "separate"
            elif kind == "end":
                if not stack:
                    problems.append(f"{part}: field end without a begin")
                else:
                    stack.pop()
        if stack:
            problems.append(f"{part}: {len(stack)} fields never end")
    return problems


def _targets(archive: zipfile.ZipFile, parts: dict[str, etree._Element]) -> list[str]:
    problems = []
    names = set(archive.namelist())
    styles = etree.fromstring(archive.read("word/styles.xml")) if "word/styles.xml" in names else None
    style_ids = set() if styles is None else {s.get(W + "styleId") for s in styles.iter(W + "style")}
    numbering = etree.fromstring(archive.read("word/numbering.xml")) if "word/numbering.xml" in names else None
    num_ids = {"0"} | (set() if numbering is None else {n.get(W + "numId") for n in numbering.iter(W + "num")})
    for part, root in parts.items():
        for tag in ("pStyle", "rStyle", "tblStyle"):
            for used in root.iter(W + tag):
                if used.get(W + "val") not in style_ids:
                    problems.append(f"{part}: style {used.get(W + 'val')} is not defined")
        for used in root.iter(W + "numId"):
            if used.get(W + "val") not in num_ids:
                problems.append(f"{part}: numbering {used.get(W + 'val')} is not defined")
    for name in sorted(names):
        if not name.endswith(".xml") or "_rels/" in name:
            continue
        rels_name = posixpath.join(posixpath.dirname(name), "_rels", posixpath.basename(name) + ".rels")
        rels = {}
        if rels_name in names:
            for rel in etree.fromstring(archive.read(rels_name)).iter(f"{{{RELS_NS}}}Relationship"):
                rels[rel.get("Id")] = rel
                if rel.get("TargetMode") != "External":
                    target = posixpath.normpath(posixpath.join(posixpath.dirname(name), rel.get("Target")))
                    if target.lstrip("/") not in names:
                        problems.append(f"{rels_name}: target {rel.get('Target')} is not in the package")
        root = etree.fromstring(archive.read(name))
        for element in root.iter():
            for attribute, value in element.attrib.items():
                if attribute.startswith(f"{{{R_NS}}}") and value not in rels:
                    problems.append(f"{name}: relationship {value} is not defined")
    return problems


def structural(path: Path) -> list[str]:
    with zipfile.ZipFile(path) as archive:
        parts = _parts(archive)
        return [
            *_bookmarks(parts),
            *_annotation_ids(parts),
            *_drawing_ids(parts),
            *_moves(parts),
            *_tables(parts),
            *_fields(parts),
            *_targets(archive, parts),
        ]


def is_ours(path: Path) -> bool:
    """A DOCX the build wrote (or a redline of two): it carries the table of source pages."""
    from shenbao.docx import source_anchors

    try:
        with zipfile.ZipFile(path) as archive:
            return bool(source_anchors.read_sources(archive))
    except (zipfile.BadZipFile, OSError, KeyError, etree.XMLSyntaxError):
        return False


SPOILED = "spoiled-on-purpose"  # a file a test breaks to show the checks fail: the run's check leaves it out


def produced_findings(root: Path) -> dict[str, list[str]]:
    """The findings in every DOCX of ours under ``root``, each distinct file checked once."""
    seen: set[str] = set()
    found: dict[str, list[str]] = {}
    for path in sorted(root.rglob("*.docx")):
        # a build writes to dist/; files elsewhere are a reviewer's saved copies (LibreOffice, the Word
        # simulation in wordlike.py), which the tests read back but we did not write
        if not path.is_file() or path.parent.name != "dist" or path.name.startswith((".", SPOILED)):
            continue
        if not is_ours(path):
            continue
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        if digest in seen:
            continue
        seen.add(digest)
        if problems := findings(path):
            found[str(path.relative_to(root))] = problems
    return found
