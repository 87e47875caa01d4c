"""Pictures and links of FROM's blocks carried into the redline, so that rejecting a deletion brings them back.

A picture in a DOCX is a ``w:drawing`` whose ``a:blip`` names an image by a
relationship of document.xml; an external link names its address the same way.
FROM's relationship ids mean nothing in TO's package: each picture of a FROM
block shown in the redline (deleted, or the place a section moved from) gets
TO's relationship to the same image when TO has those bytes, else the image is
added to the package under a name of its own; each link gets TO's relationship
to the same address, or a new one.
"""

from __future__ import annotations

import hashlib
import posixpath
import zipfile
from pathlib import Path

from lxml import etree

from shenbao.docx import package

_RELS = package.DOCUMENT_RELS
_IMAGE = package.IMAGE_RELATIONSHIP
_LINK = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink"
_REL = package.RELATIONSHIP
_A = f"{{{package.A_NS}}}"


def _images(archive: zipfile.ZipFile) -> dict[str, str]:
    """Relationship id → part name of every image document.xml uses."""
    names = set(archive.namelist())
    rels = package.read_part(archive, _RELS)
    found = {}
    for rel in [] if rels is None else rels.iter(_REL):
        target = posixpath.normpath(posixpath.join("word", rel.get("Target") or ""))
        if rel.get("Type") == _IMAGE and rel.get("TargetMode") != "External" and target in names:
            found[rel.get("Id")] = target
    return found


def _links(archive: zipfile.ZipFile) -> dict[str, str]:
    """Relationship id → address of every external link document.xml has."""
    rels = package.read_part(archive, _RELS)
    found = {}
    for rel in [] if rels is None else rels.iter(_REL):
        if rel.get("Type") == _LINK and rel.get("TargetMode") == "External" and rel.get("Target"):
            found[rel.get("Id")] = rel.get("Target")
    return found


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class PictureCarrier:
    """Gives FROM's pictures TO's relationships; what it added is written by ``edits`` and ``parts``."""

    def __init__(self, old_docx: Path, new_docx: Path):
        with zipfile.ZipFile(old_docx) as archive:
            self.old = {rid: archive.read(part) for rid, part in _images(archive).items()}
            self.old_names = _images(archive)
            self.old_links = _links(archive)
        with zipfile.ZipFile(new_docx) as archive:
            new = _images(archive)
            self.by_bytes = {_digest(archive.read(part)): rid for rid, part in new.items()}
            self.by_address = {address: rid for rid, address in _links(archive).items()}
            self.media = set(archive.namelist())
            document = package.parse(archive.read("word/document.xml"))
        ids = [int(d.get("id")) for d in document.iter(f"{{{package.WP_NS}}}docPr") if (d.get("id") or "").isdigit()]
        self.next_picture_id = max(ids, default=0) + 1000
        self.added: dict[str, tuple[str, bytes]] = {}  # new relationship id → (part name, bytes)
        self.added_links: dict[str, str] = {}  # new relationship id → address

    def link(self, old_id: str) -> str | None:
        """TO's relationship id for the address FROM's link goes to; None if FROM has no such link."""
        address = self.old_links.get(old_id)
        if address is None:
            return None
        if address not in self.by_address:
            rid = f"rIdShenbaoLink{len(self.added_links) + 1}"
            self.added_links[rid] = address
            self.by_address[address] = rid
        return self.by_address[address]

    def carry(self, drawing: etree._Element) -> bool:
        """Point the drawing's images at TO's package; False when it uses something that cannot come along."""
        references = [(node, name) for node in drawing.iter() for name in node.attrib if name.startswith(package.R)]
        blips = {node for node in drawing.iter(_A + "blip")}
        if not references or any(node not in blips or name != package.R + "embed" for node, name in references):
            return False
        if any(not self._can_carry(node.get(name)) for node, name in references):
            return False
        for node, name in references:
            node.set(name, self._relationship(node.get(name)))
        for properties in drawing.iter(f"{{{package.WP_NS}}}docPr"):  # a picture's id is unique in the document
            properties.set("id", str(self.next_picture_id))
            self.next_picture_id += 1
        return True

    def _can_carry(self, old_id: str) -> bool:
        if old_id not in self.old:
            return False
        extension = posixpath.splitext(self.old_names[old_id])[1].lower()
        return _digest(self.old[old_id]) in self.by_bytes or extension in package.MEDIA_TYPES

    def _relationship(self, old_id: str) -> str:
        data = self.old[old_id]
        digest = _digest(data)
        if digest not in self.by_bytes:
            extension = posixpath.splitext(self.old_names[old_id])[1].lower()
            number = len(self.added) + 1
            while f"word/media/shenbao-from-{number}{extension}" in self.media:
                number += 1
            rid = f"rIdShenbaoFrom{number}"
            self.added[rid] = (f"word/media/shenbao-from-{number}{extension}", data)
            self.by_bytes[digest] = rid
        return self.by_bytes[digest]

    def parts(self) -> dict[str, bytes]:
        return {part: data for part, data in self.added.values()}

    def edits(self) -> dict[str, package.Edit]:
        if not self.added and not self.added_links:
            return {}

        def relate(root: etree._Element) -> None:
            for rid, (part, _) in self.added.items():
                package.relate_image(root, rid, part)
            for rid, address in self.added_links.items():
                etree.SubElement(root, _REL, Id=rid, Type=_LINK, Target=address, TargetMode="External")

        def declare(root: etree._Element) -> None:
            package.declare_media(root, [part for part, _ in self.added.values()])

        return {_RELS: relate, package.CONTENT_TYPES: declare}
