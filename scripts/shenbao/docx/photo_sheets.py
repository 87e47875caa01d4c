"""Photo pages handed to pandoc as OpenXML it copies, not Markdown it reads.

``photos()`` writes a folder of photos as sheets of two, each photo over its
caption (``site.photo_pages``). pandoc reads that Markdown block by block, and
a hundred photos are four hundred blocks: a third of the DOCX's pandoc time,
for a layout that is the same every time. ``lift`` makes the paragraphs pandoc
would have made (a Figure paragraph holding the picture at its printed size, a
Caption paragraph with the caption's source anchor, a page break before every
sheet after the first) and leaves pandoc only an empty paragraph holding a
bookmark where each run of sheets stood. In the package step ``Lifted.place``
puts the paragraphs there, and ``package_edits`` and ``parts`` add the pictures
with their relationships and content types: pandoc never reads or copies any of it.

Only what is exactly the sheets' markup, with a printed size and a print copy
for every photo, is lifted; anything else (a sheet written by hand, a caption
with Markdown in it, a photo without a copy) stays Markdown for pandoc.
"""

from __future__ import annotations

import copy
import functools
import itertools
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from shenbao.docx import package, raw_blocks
from shenbao.project import exhibits
from shenbao.project.figures import ESCAPED_MARK, unescape_markdown

A_NS = package.A_NS
_NSMAP = {"w": package.W_NS, "r": package.R_NS, "wp": package.WP_NS, "a": A_NS, "pic": package.PIC_NS}
EMU_PER_INCH = 914400
# Picture ids and bookmark ids of lifted sheets start above this: far above what pandoc numbers
FIRST_ID = 1_000_000
PLACE = "shenbao_photo_sheets_"  # the bookmark left where a run of sheets goes

_SHEET_OPENING = '<div class="photos'
_SHEET_START = re.compile(r'^<div class="photos(?P<next> next-page)?" markdown>$')
_SHEET_END = "</div>"
_INCHES = r"\d+(?:\.\d+)?"
# an image with alt text: pandoc makes an image alone in its paragraph a figure only then
_IMAGE = re.compile(
    rf"^!\[(?P<alt>[^\]]+)\]\((?P<target>[^()]+)\)\{{width=(?P<w>{_INCHES})in height=(?P<h>{_INCHES})in\}}$"
)
_CAPTION = re.compile(
    rf"^{re.escape(exhibits.caption_opening(exhibits.FIGURE_CAPTION))}(?:\[\]\{{#(?P<anchor>src_\w+)\}})?(?P<text>.*)</div>$"
)
# What pandoc reads as more than letters where it stands unescaped: markup, citations, smart quotes and dashes
_MARKUP = re.compile(r"[\[\]<>\\`*_~^$@'\"{}#|]|--|\.\.\.")
# What it folds or drops even as text: spaces at the ends or doubled, tabs, soft hyphens, control characters
_FOLDED = re.compile(r"[\t\xad\x00-\x1f\x7f]|  |^ | $")


def _literal(markdown: str) -> str | None:
    """The text a caption's or alt text's Markdown stands for, if pandoc would read it letter for letter.

    The sheets' markup writes titles with ``escape_markdown``: & < > " ' as HTML entities and the
    rest of Markdown's marks backslash-escaped, which pandoc reads as the characters themselves.
    """
    if _MARKUP.search(ESCAPED_MARK.sub("", markdown)):
        return None
    text = unescape_markdown(markdown)
    return None if _FOLDED.search(text) else text


@dataclass(frozen=True)
class Photo:
    alt: str
    target: str
    width: float  # inches
    height: float
    caption: str
    anchor: str  # the caption's source anchor, "" if none


@dataclass(frozen=True)
class Sheet:
    photos: list[Photo]
    next_page: bool


def parse_sheet(lines: list[str]) -> Sheet | None:
    """One sheet's lines, from its opening ``<div>`` to its ``</div>``, or None if they are anything else."""
    start = _SHEET_START.match(lines[0]) if lines else None
    if start is None or lines[-1] != _SHEET_END:
        return None
    inner = [line for line in lines[1:-1] if line.strip()]  # blank lines only part blocks, in either form
    if not inner or len(inner) % 2:
        return None
    photos = []
    for image_line, caption_line in zip(inner[::2], inner[1::2], strict=True):
        image, caption = _IMAGE.match(image_line), _CAPTION.match(caption_line)
        if image is None or caption is None:
            return None
        alt, text = _literal(image["alt"]), _literal(caption["text"])
        if alt is None or text is None:
            return None
        size = float(image["w"]), float(image["h"])
        photos.append(Photo(alt, image["target"], *size, text, caption["anchor"] or ""))
    return Sheet(photos, bool(start["next"]))


@dataclass(frozen=True)
class Media:
    """A picture the package step adds: its part, the relationship naming it, the file it is."""

    part: str
    relationship: str
    source: Path


class _Writer:
    """The OpenXML of lifted sheets, numbering pictures and bookmarks as it goes."""

    def __init__(self, files: dict[str, Path]):
        self.files = files
        self.media: dict[str, Media] = {}  # by target: a photo shown twice is stored once
        self.runs: dict[str, list[etree._Element]] = {}  # each run's paragraphs, by the name of its place
        self.run_media: dict[str, list[Media]] = {}  # the pictures each run shows
        self.next_id = FIRST_ID

    def _id(self) -> int:
        self.next_id += 1
        return self.next_id

    def relationship(self, target: str) -> str:
        if target not in self.media:
            source = self.files[target]
            number = len(self.media) + 1
            part = f"word/media/shenbao-photo-{number}{source.suffix.lower()}"
            self.media[target] = Media(part, f"rIdShenbaoPhoto{number}", source)
        return self.media[target].relationship

    def sheets(self, sheets: list[Sheet]) -> list[etree._Element]:
        elements = []
        for sheet in sheets:
            if sheet.next_page:
                elements.append(raw_blocks.page_break_paragraph())
            for photo in sheet.photos:
                elements += [self.figure(photo), self.caption(photo)]
        return elements

    def place(self, sheets: list[Sheet]) -> str:
        """The raw block that keeps the place of a run of sheets: an empty paragraph with a bookmark named for it."""
        name = f"{PLACE}{len(self.runs) + 1}"
        self.runs[name] = self.sheets(sheets)
        shown = dict.fromkeys(photo.target for sheet in sheets for photo in sheet.photos)
        self.run_media[name] = [self.media[target] for target in shown]
        paragraph = package.element("p")
        _bookmark(paragraph, name, self._id())
        return raw_blocks.raw_block(package.fragment(paragraph))

    def figure(self, photo: Photo) -> etree._Element:
        """The picture in a paragraph of its own, as pandoc writes an image alone in a paragraph."""
        cx, cy = (str(round(inches * EMU_PER_INCH)) for inches in (photo.width, photo.height))
        paragraph = copy.deepcopy(_figure_template())  # a hundred photos: copied in C, not built again
        for sized in paragraph.iter(f"{{{package.WP_NS}}}extent", f"{{{A_NS}}}ext"):
            sized.set("cx", cx)
            sized.set("cy", cy)
        for named in paragraph.iter(f"{{{package.WP_NS}}}docPr", f"{{{package.PIC_NS}}}cNvPr"):
            named.set("descr", photo.alt)
            named.set("id", str(self._id()))
        next(paragraph.iter(f"{{{A_NS}}}blip")).set(f"{{{package.R_NS}}}embed", self.relationship(photo.target))
        return paragraph

    def caption(self, photo: Photo) -> etree._Element:
        """照片N　…, in the caption style, with the bookmark that names its source line."""
        paragraph = package.element("p")
        _styled(paragraph, "Caption")
        if photo.anchor:
            _bookmark(paragraph, photo.anchor, self._id())
        for chunk, east_asian in pandoc_runs(photo.caption):
            run = _sub(paragraph, "w", "r")
            if east_asian:  # Word then sets the shared characters (“ ” — ·) in the Chinese font too
                _sub(_sub(run, "w", "rPr"), "w", "rFonts", hint="eastAsia")
            text = _sub(run, "w", "t")
            text.text = chunk
            text.set(package.XML_SPACE, "preserve")
        return paragraph


# --- text runs as pandoc's DOCX writer cuts them ---------------------------------------------

# Text.Pandoc.Char.isCJK: these blocks, and only from U+4E00 up (。 and 　 are not, for pandoc)
_CJK_BLOCKS = (
    (0x4E00, 0x9FFF), (0xA000, 0xA4CF), (0xF900, 0xFAFF), (0xFE10, 0xFE1F), (0xFE30, 0xFE6F),
    (0xFF00, 0xFFEE), (0x1B000, 0x1B16F), (0x20000, 0x2A6DF), (0x2A700, 0x2EBEF), (0x2F800, 0x2FA1F),
    (0x30000, 0x3134F),
)  # fmt: skip


def _is_cjk(char: str) -> bool:
    return any(low <= ord(char) <= high for low, high in _CJK_BLOCKS)


def _has_cjk(text: str) -> bool:
    return any(_is_cjk(char) for char in text)


def _is_space(char: str) -> bool:
    """Haskell's isSpace: tab to carriage return, and every space separator (U+00A0, U+3000 …)."""
    return "\t" <= char <= "\r" or unicodedata.category(char) == "Zs"


def _chunks(word: str) -> list[str]:
    """pandoc's breakIntoChunks: spaces apart from the CJK text beside them, so that only CJK runs get the hint."""
    if not _has_cjk(word):
        return [word]
    pieces = ["".join(group) for _, group in itertools.groupby(word, key=_is_space)]

    def together(x: str, y: str) -> bool:
        return (
            not (_has_cjk(x) or _has_cjk(y))
            or (all(map(_is_space, x)) and not _has_cjk(y))
            or (all(map(_is_space, y)) and not _has_cjk(x))
        )

    chunks: list[list[str]] = []
    for piece in pieces:  # Data.List.groupBy: each piece is compared with the first of its group
        if chunks and together(chunks[-1][0], piece):
            chunks[-1].append(piece)
        else:
            chunks.append([piece])
    return ["".join(chunk) for chunk in chunks]


def pandoc_runs(text: str) -> list[tuple[str, bool]]:
    """The runs pandoc writes for plain text, each with whether it carries the east-Asian font hint.

    The writer joins a paragraph's words and spaces, cuts the text into chunks
    (``_chunks``) and hints those with CJK characters in them.
    """
    return [(chunk, _has_cjk(chunk)) for chunk in _chunks(text)]


@functools.cache
def _figure_template() -> etree._Element:
    """pandoc's paragraph for an image alone in it; sizes, ids, description and picture are set per photo."""
    paragraph = etree.Element(package.w("p"), nsmap=_NSMAP)  # declares what the drawing uses
    _styled(paragraph, "Figure")
    inline = _sub(_sub(_sub(paragraph, "w", "r"), "w", "drawing"), "wp", "inline")
    _sub(inline, "wp", "extent")
    _sub(inline, "wp", "effectExtent", b="0", l="0", r="0", t="0")
    _sub(inline, "wp", "docPr", descr="", title="", id="", name="Picture")
    data = _sub(_sub(inline, "a", "graphic"), "a", "graphicData", uri=package.PIC_NS)
    picture = _sub(data, "pic", "pic")
    names = _sub(picture, "pic", "nvPicPr")
    _sub(names, "pic", "cNvPr", descr="", id="", name="Picture")
    _sub(_sub(names, "pic", "cNvPicPr"), "a", "picLocks", noChangeArrowheads="1", noChangeAspect="1")
    fill = _sub(picture, "pic", "blipFill")
    _sub(fill, "a", "blip")
    _sub(_sub(fill, "a", "stretch"), "a", "fillRect")
    shape = _sub(picture, "pic", "spPr", bwMode="auto")
    frame = _sub(shape, "a", "xfrm")
    _sub(frame, "a", "off", x="0", y="0")
    _sub(frame, "a", "ext")
    _sub(_sub(shape, "a", "prstGeom", prst="rect"), "a", "avLst")
    _sub(shape, "a", "noFill")
    line = _sub(shape, "a", "ln", w="9525")
    for tag in ("noFill", "headEnd", "tailEnd"):
        _sub(line, "a", tag)
    return paragraph


def _sub(parent: etree._Element, prefix: str, tag: str, **attributes: str) -> etree._Element:
    made = etree.SubElement(parent, f"{{{_NSMAP[prefix]}}}{tag}")
    for name, value in attributes.items():  # w: attributes carry the prefix; drawing ones have none
        made.set(package.w(name) if prefix == "w" else name, value)
    return made


def _styled(paragraph: etree._Element, style: str) -> None:
    _sub(_sub(paragraph, "w", "pPr"), "w", "pStyle", val=style)


def _bookmark(paragraph: etree._Element, name: str, number: int) -> None:
    """An empty bookmark at the paragraph's start, as pandoc writes an anchor span."""
    _sub(paragraph, "w", "bookmarkStart", id=str(number), name=name)
    _sub(paragraph, "w", "bookmarkEnd", id=str(number))


class Lifted:
    """The sheets ``lift`` took out of the Markdown, made as OpenXML, and the pictures they show.

    Used once, for the one package pandoc wrote from that Markdown: ``place`` moves the
    paragraphs into it, and only the pictures of runs it placed go in. pandoc drops a run's
    place with whatever held it (an HTML comment around a ``photos()`` call): its photos
    are then not in the file.
    """

    def __init__(self, runs: dict[str, list[etree._Element]], media: dict[str, list[Media]]):
        self.runs = runs  # each run's paragraphs, by the name of the bookmark holding its place
        self.media = media  # the pictures each run shows, by the same name
        self.placed: list[str] = []

    def place(self, root: etree._Element) -> None:
        """Put each run's paragraphs where pandoc wrote the paragraph holding its bookmark."""
        for bookmark in list(root.iter(package.w("bookmarkStart"))):
            name = bookmark.get(package.w("name"), "")
            if name not in self.runs or name in self.placed:
                continue
            held = bookmark.getparent()
            for paragraph in self.runs[name]:
                held.addprevious(paragraph)
            held.getparent().remove(held)
            self.placed.append(name)

    def placed_media(self) -> list[Media]:
        shown = {item.part: item for name in self.placed for item in self.media[name]}
        return list(shown.values())

    def package_edits(self) -> dict[str, package.Edit]:
        """For ``package.rewrite_parts``, after ``place``: the placed pictures' relationships and content types."""
        if not self.runs:
            return {}
        return {package.DOCUMENT_RELS: self._relate, package.CONTENT_TYPES: self._declare}

    def parts(self) -> dict[str, bytes]:
        """The placed pictures' parts, once ``place`` has run."""
        return {item.part: item.source.read_bytes() for item in self.placed_media()}

    def _relate(self, root: etree._Element) -> None:
        for item in self.placed_media():
            package.relate_image(root, item.relationship, item.part)

    def _declare(self, root: etree._Element) -> None:
        package.declare_media(root, [item.part for item in self.placed_media()])


def lift(markdown: str, files: dict[str, Path]) -> tuple[str, Lifted]:
    """The assembled Markdown with each run of photo sheets replaced by the paragraph that keeps its place.

    ``files``: the file each image target stands for (a print copy, for its stand-in's target).
    """
    if _SHEET_OPENING not in markdown:  # a document without photo pages is not read line by line
        return markdown, Lifted({}, {})
    lines = markdown.split("\n")
    files = {target: file for target, file in files.items() if file.suffix.lower() in package.MEDIA_TYPES}
    writer = _Writer(files)
    out: list[str] = []
    run: list[Sheet] = []  # sheets one after another, put in one place
    index = 0
    while index < len(lines):
        sheet, end = _sheet_at(lines, index, files)
        if sheet is not None:
            run.append(sheet)
            index = end
            continue
        if run and lines[index].strip():
            out.append(writer.place(run))
            run = []
        if not run:
            out.append(lines[index])
        index += 1
    if run:
        out.append(writer.place(run))
    return "\n".join(out), Lifted(writer.runs, writer.run_media)


def _sheet_at(lines: list[str], index: int, files: dict[str, Path]) -> tuple[Sheet | None, int]:
    """The sheet starting at ``lines[index]`` and the index after it, if it can be lifted."""
    if not lines[index].startswith(_SHEET_OPENING):
        return None, index
    end = next((end for end in range(index + 1, len(lines)) if lines[end] == _SHEET_END), None)
    sheet = parse_sheet(lines[index : end + 1]) if end is not None else None
    if sheet is None or any(photo.target not in files for photo in sheet.photos):
        return None, index
    return sheet, end + 1
