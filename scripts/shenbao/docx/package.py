"""The one place OOXML is written: namespaces, the schema's child order, parts of the package, properties.

Every edit of a DOCX goes through element trees (lxml). The schema puts the
children of a property element in a fixed order, and Word silently drops a
child out of its place, so each insertion asks ``insert_child`` to find it.
"""

from __future__ import annotations

import json
import os
import posixpath
import zipfile
from collections.abc import Callable, Iterable
from pathlib import Path

from lxml import etree

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PIC_NS = "http://schemas.openxmlformats.org/drawingml/2006/picture"
WP_NS = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
CP_NS = "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"
DC_NS = "http://purl.org/dc/elements/1.1/"
CUSTOM_NS = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
VT_NS = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
CONTENT_TYPES_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
PACKAGE_RELS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
XML_NS = "http://www.w3.org/XML/1998/namespace"
A_NS = "http://schemas.openxmlformats.org/drawingml/2006/main"
W = f"{{{W_NS}}}"  # Clark prefix: W + "p" is the tag of w:p
R = f"{{{R_NS}}}"
XML_SPACE = f"{{{XML_NS}}}space"
NS = {"w": W_NS, "r": R_NS, "pic": PIC_NS, "wp": WP_NS, "cp": CP_NS, "dc": DC_NS}

_CHANGES = ("ins", "del", "moveFrom", "moveTo")
_RUN = [
    "rStyle",
    "rFonts",
    "b",
    "bCs",
    "i",
    "iCs",
    "caps",
    "smallCaps",
    "strike",
    "dstrike",
    "outline",
    "shadow",
    "emboss",
    "imprint",
    "noProof",
    "snapToGrid",
    "vanish",
    "webHidden",
    "color",
    "spacing",
    "w",
    "kern",
    "position",
    "sz",
    "szCs",
    "highlight",
    "u",
    "effect",
    "bdr",
    "shd",
    "fitText",
    "vertAlign",
    "rtl",
    "cs",
    "em",
    "lang",
    "eastAsianLayout",
    "specVanish",
    "oMath",
]
# ECMA-376 Part 1, §17.3.1.26 (pPr), §17.3.2.28 (rPr; a paragraph mark's starts with its change marks),
# §17.4.60 (tblPr), §17.4.82 (trPr: its base is a choice Word writes in this order, the change marks after),
# §17.4.70 (tcPr), §17.7.6.6 (tblStylePr), §17.15.1.78 (settings)
CHILD_ORDER: dict[str, tuple[str, ...]] = {
    "pPr": tuple(
        [
            "pStyle",
            "keepNext",
            "keepLines",
            "pageBreakBefore",
            "framePr",
            "widowControl",
            "numPr",
            "suppressLineNumbers",
            "pBdr",
            "shd",
            "tabs",
            "suppressAutoHyphens",
            "kinsoku",
            "wordWrap",
            "overflowPunct",
            "topLinePunct",
            "autoSpaceDE",
            "autoSpaceDN",
            "bidi",
            "adjustRightInd",
            "snapToGrid",
            "spacing",
            "ind",
            "contextualSpacing",
            "mirrorIndents",
            "suppressOverlap",
            "jc",
            "textDirection",
            "textAlignment",
            "textboxTightWrap",
            "outlineLvl",
            "divId",
            "cnfStyle",
            "rPr",
            "sectPr",
            "pPrChange",
        ]
    ),
    "rPr": (*_CHANGES, *_RUN, "rPrChange"),
    "tblPr": tuple(
        [
            "tblStyle",
            "tblpPr",
            "tblOverlap",
            "bidiVisual",
            "tblStyleRowBandSize",
            "tblStyleColBandSize",
            "tblW",
            "jc",
            "tblCellSpacing",
            "tblInd",
            "tblBorders",
            "shd",
            "tblLayout",
            "tblCellMar",
            "tblLook",
            "tblCaption",
            "tblDescription",
            "tblPrChange",
        ]
    ),
    "trPr": tuple(
        [
            "cnfStyle",
            "divId",
            "gridBefore",
            "gridAfter",
            "wBefore",
            "wAfter",
            "cantSplit",
            "trHeight",
            "tblHeader",
            "tblCellSpacing",
            "jc",
            "hidden",
            "ins",
            "del",
            "trPrChange",
        ]
    ),
    "tcPr": tuple(
        [
            "cnfStyle",
            "tcW",
            "gridSpan",
            "hMerge",
            "vMerge",
            "tcBorders",
            "shd",
            "noWrap",
            "tcMar",
            "textDirection",
            "tcFitText",
            "vAlign",
            "hideMark",
            "headers",
            "cellIns",
            "cellDel",
            "cellMerge",
            "tcPrChange",
        ]
    ),
    "tblStylePr": ("pPr", "rPr", "tblPr", "trPr", "tcPr"),
    "style": tuple(
        [
            "name",
            "aliases",
            "basedOn",
            "next",
            "link",
            "autoRedefine",
            "hidden",
            "uiPriority",
            "semiHidden",
            "unhideWhenUsed",
            "qFormat",
            "locked",
            "personal",
            "personalCompose",
            "personalReply",
            "rsid",
            "pPr",
            "rPr",
            "tblPr",
            "trPr",
            "tcPr",
            "tblStylePr",
        ]
    ),
    "tr": ("tblPrEx", "trPr"),  # then the cells
    "tc": ("tcPr",),  # then the paragraphs and tables
    "p": ("pPr",),  # then the runs
    "settings": tuple(
        [
            "writeProtection",
            "view",
            "zoom",
            "removePersonalInformation",
            "removeDateAndTime",
            "doNotDisplayPageBoundaries",
            "displayBackgroundShape",
            "printPostScriptOverText",
            "printFractionalCharacterWidth",
            "printFormsData",
            "embedTrueTypeFonts",
            "embedSystemFonts",
            "saveSubsetFonts",
            "saveFormsData",
            "mirrorMargins",
            "alignBordersAndEdges",
            "bordersDoNotSurroundHeader",
            "bordersDoNotSurroundFooter",
            "gutterAtTop",
            "hideSpellingErrors",
            "hideGrammaticalErrors",
            "activeWritingStyle",
            "proofState",
            "formsDesign",
            "attachedTemplate",
            "linkStyles",
            "stylePaneFormatFilter",
            "stylePaneSortMethod",
            "documentType",
            "mailMerge",
            "revisionView",
            "trackRevisions",
            "doNotTrackMoves",
            "doNotTrackFormatting",
            "documentProtection",
            "autoFormatOverride",
            "styleLockTheme",
            "styleLockQFSet",
            "defaultTabStop",
            "autoHyphenation",
            "consecutiveHyphenLimit",
            "hyphenationZone",
            "doNotHyphenateCaps",
            "showEnvelope",
            "summaryLength",
            "clickAndTypeStyle",
            "defaultTableStyle",
            "evenAndOddHeaders",
            "bookFoldRevPrinting",
            "bookFoldPrinting",
            "bookFoldPrintingSheets",
            "drawingGridHorizontalSpacing",
            "drawingGridVerticalSpacing",
            "displayHorizontalDrawingGridEvery",
            "displayVerticalDrawingGridEvery",
            "doNotUseMarginsForDrawingGridOrigin",
            "drawingGridHorizontalOrigin",
            "drawingGridVerticalOrigin",
            "doNotShadeFormData",
            "noPunctuationKerning",
            "characterSpacingControl",
            "printTwoOnOne",
            "strictFirstAndLastChars",
            "noLineBreaksAfter",
            "noLineBreaksBefore",
            "savePreviewPicture",
            "doNotValidateAgainstSchema",
            "saveInvalidXml",
            "ignoreMixedContent",
            "alwaysShowPlaceholderText",
            "doNotDemarcateInvalidXml",
            "saveXmlDataOnly",
            "useXSLTWhenSaving",
            "saveThroughXslt",
            "showXMLTags",
            "alwaysMergeEmptyNamespace",
            "updateFields",
            "hdrShapeDefaults",
            "footnotePr",
            "endnotePr",
            "compat",
            "docVars",
            "rsids",
            "mathPr",
            "attachedSchema",
            "themeFontLang",
            "clrSchemeMapping",
            "doNotIncludeSubdocsInStats",
            "doNotAutoCompressPictures",
            "forceUpgrade",
            "captions",
            "readModeInkLockDown",
            "smartTagType",
            "schemaLibrary",
            "shapeDefaults",
            "doNotEmbedSmartTags",
            "decimalSymbol",
            "listSeparator",
        ]
    ),
}


def w(tag: str) -> str:
    """``w:tag`` in Clark notation."""
    return W + tag


def element(tag: str, **attributes: object) -> etree._Element:
    """``w:tag`` with ``w:`` attributes: ``element("jc", val="center")``."""
    made = etree.Element(w(tag), nsmap={"w": W_NS})  # the prefix Word writes, also in a raw block
    for name, value in attributes.items():
        made.set(w(name), str(value))
    return made


def _local(node: etree._Element) -> str:
    return etree.QName(node).localname if isinstance(node.tag, str) else ""


def insert_child(parent: etree._Element, child: etree._Element) -> etree._Element:
    """Put ``child`` where the schema's order wants it among ``parent``'s children; it is returned.

    Children the order does not name (a row's cells, a paragraph's runs) come after the named ones.
    """
    order = CHILD_ORDER[_local(parent)]
    rank = order.index(_local(child))
    for place, existing in enumerate(parent):
        name = _local(existing)
        if name not in order or order.index(name) > rank:
            parent.insert(place, child)
            return child
    parent.append(child)
    return child


def child(parent: etree._Element, tag: str) -> etree._Element:
    """The child ``w:tag``, made in its schema place if missing."""
    found = parent.find(w(tag))
    return found if found is not None else insert_child(parent, element(tag))


def is_ordered(parent: etree._Element) -> bool:
    """Whether ``parent``'s named children stand in the schema's order."""
    order = CHILD_ORDER[_local(parent)]
    ranks = [order.index(_local(c)) for c in parent if _local(c) in order]
    return ranks == sorted(ranks)


def parse(data: bytes) -> etree._Element:
    return etree.fromstring(data, etree.XMLParser(resolve_entities=False, huge_tree=True))


def serialize(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def fragment(*elements: etree._Element) -> str:
    """Elements as a raw OpenXML block's text; each declares w: itself, the same namespace pandoc's part has."""
    return "".join(etree.tostring(node, encoding="unicode") for node in elements)


Edit = Callable[[etree._Element], None]


def rewrite_parts(
    path: Path,
    edits: dict[str, Edit],
    add: dict[str, bytes] | Callable[[], dict[str, bytes]] | None = None,
    output: Path | None = None,
    swaps: dict[bytes, Path] | None = None,
) -> Path:
    """Rewrite a package part by part: each named part is parsed, edited in place and written back.

    The edits run in the order given, all before anything is written. Parts in
    ``add`` (or in what it returns, asked once the edits have run) are written,
    replacing any of that name; a media part whose bytes are a key of ``swaps``
    gets that file's content. The new package replaces ``path`` (or becomes
    ``output``) only once it is complete.
    """
    target_path = output or path
    partial = target_path.with_name(f".{target_path.name}.{os.getpid()}.rewrite")
    try:
        with zipfile.ZipFile(path) as source, zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as target:
            present = set(source.namelist())
            edited = {}
            for name, edit in edits.items():  # an edit may record what a later one needs
                if name in present:
                    root = parse(source.read(name))
                    edit(root)
                    edited[name] = serialize(root)
            added = (add() if callable(add) else add) or {}
            for item in source.infolist():
                if item.filename in added:
                    continue
                data = edited.get(item.filename)
                if data is None:
                    data = source.read(item)
                    if swaps and item.filename.startswith("word/media/") and data in swaps:
                        data = swaps[data].read_bytes()
                target.writestr(item, data, compress_type=_compression(item.filename))
            for name, data in added.items():
                target.writestr(name, data, compress_type=_compression(name))
        os.replace(partial, target_path)
    finally:
        partial.unlink(missing_ok=True)
    return target_path


_COMPRESSED_MEDIA = (".jpg", ".jpeg")  # a PNG (a chart) often still shrinks


def _compression(name: str) -> int:
    # a JPEG does not deflate: compressing it again would only cost time (0.1 s per MB)
    return zipfile.ZIP_STORED if _already_compressed(name) else zipfile.ZIP_DEFLATED


def _already_compressed(name: str) -> bool:
    return name.startswith("word/media/") and name.lower().endswith(_COMPRESSED_MEDIA)


def read_part(archive: zipfile.ZipFile, name: str) -> etree._Element | None:
    try:
        return parse(archive.read(name))
    except KeyError:
        return None


# --- properties --------------------------------------------------------------------------

CORE_PART = "docProps/core.xml"
CUSTOM_PART = "docProps/custom.xml"
_CUSTOM_TYPE = "application/vnd.openxmlformats-officedocument.custom-properties+xml"
_CUSTOM_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties"
_CUSTOM_FMTID = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"
_CORE_PREFIXES = {"cp": CP_NS, "dc": DC_NS}


def core_edit(values: dict[str, str]) -> Edit:
    """An edit of core.xml setting ``{"dc:title": …, "cp:version": …}``."""

    def edit(root: etree._Element) -> None:
        for name, value in values.items():
            prefix, local = name.split(":")
            tag = f"{{{_CORE_PREFIXES[prefix]}}}{local}"
            found = root.find(tag)
            if found is None:
                found = etree.SubElement(root, tag)
            found.text = value

    return edit


def custom_properties(values: dict[str, str]) -> bytes:
    """docProps/custom.xml holding string properties."""
    root = etree.Element(f"{{{CUSTOM_NS}}}Properties", nsmap={None: CUSTOM_NS, "vt": VT_NS})
    for pid, (name, value) in enumerate(values.items(), start=2):
        prop = etree.SubElement(root, f"{{{CUSTOM_NS}}}property", fmtid=_CUSTOM_FMTID, pid=str(pid), name=name)
        etree.SubElement(prop, f"{{{VT_NS}}}lpwstr").text = value
    return serialize(root)


def read_custom_property(archive: zipfile.ZipFile, name: str) -> str | None:
    root = read_part(archive, CUSTOM_PART)
    if root is None:
        return None
    for prop in root.iter(f"{{{CUSTOM_NS}}}property"):
        if prop.get("name") == name:
            value = prop.find(f"{{{VT_NS}}}lpwstr")
            return None if value is None else value.text or ""
    return None


def _declare_custom_type(root: etree._Element) -> None:
    part = f"/{CUSTOM_PART}"
    if not any(o.get("PartName") == part for o in root.iter(f"{{{CONTENT_TYPES_NS}}}Override")):
        etree.SubElement(root, f"{{{CONTENT_TYPES_NS}}}Override", PartName=part, ContentType=_CUSTOM_TYPE)


def _relate_custom(root: etree._Element) -> None:
    if not any(r.get("Target") == CUSTOM_PART for r in root.iter(f"{{{PACKAGE_RELS_NS}}}Relationship")):
        rel = f"{{{PACKAGE_RELS_NS}}}Relationship"
        etree.SubElement(root, rel, Id="rIdShenbaoSources", Type=_CUSTOM_REL, Target=CUSTOM_PART)


CUSTOM_EDITS: dict[str, Edit] = {"[Content_Types].xml": _declare_custom_type, "_rels/.rels": _relate_custom}


def json_property(value: Iterable[str]) -> str:
    return json.dumps(list(value), ensure_ascii=False)


# --- pictures added to a package -----------------------------------------------------------

DOCUMENT_RELS = "word/_rels/document.xml.rels"
CONTENT_TYPES = "[Content_Types].xml"
IMAGE_RELATIONSHIP = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/image"
RELATIONSHIP = f"{{{PACKAGE_RELS_NS}}}Relationship"
MEDIA_TYPES = {".png": "image/png", ".jpeg": "image/jpeg", ".jpg": "image/jpeg", ".gif": "image/gif"}
_DEFAULT_TYPE = f"{{{CONTENT_TYPES_NS}}}Default"


def relate_image(rels: etree._Element, relationship: str, part: str) -> None:
    """document.xml's relationship ``relationship`` to the image part ``part`` (``word/media/…``)."""
    etree.SubElement(
        rels, RELATIONSHIP, Id=relationship, Type=IMAGE_RELATIONSHIP, Target=posixpath.relpath(part, "word")
    )


def declare_media(types: etree._Element, parts: Iterable[str]) -> None:
    """A content type for each kind of image among ``parts`` that the package does not declare yet."""
    known = {d.get("Extension", "").lower() for d in types.iter(_DEFAULT_TYPE)}
    for part in parts:
        extension = posixpath.splitext(part)[1].lower()
        if extension.lstrip(".") not in known:  # Defaults come before Overrides in the schema
            types.insert(
                0, etree.Element(_DEFAULT_TYPE, Extension=extension.lstrip("."), ContentType=MEDIA_TYPES[extension])
            )
            known.add(extension.lstrip("."))
