"""Read a DOCX that came back from review: every comment and tracked change, at its source line.

Each block of a built DOCX carries a hidden bookmark naming its page and line
(see ``anchors``). A reviewer's comments and tracked changes are found in
document order and located by the anchor of their paragraph. A paragraph the
reviewer split keeps the anchor of its first half; a paragraph whose anchor
was lost is found again by its text in the sources, and the report says so.
A change inside a figure's value points to that figure in ``data/figures.yml``.
Nothing here writes to the sources.
"""

from __future__ import annotations

import difflib
import posixpath
import re
import unicodedata
import zipfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

from lxml import etree

from shenbao.docx import source_anchors
from shenbao.errors import ShenbaoError

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
INSERT, DELETE, REPLACE, COMMENT, SPLIT, JOIN = "插入", "删除", "修改", "批注", "分段", "合并段落"
MOVED_TO, MOVED_FROM = "移入", "移出"
_CHANGES = {W + "ins": INSERT, W + "moveTo": INSERT, W + "del": DELETE, W + "moveFrom": DELETE}
_NAMES = {W + "ins": INSERT, W + "moveTo": MOVED_TO, W + "del": DELETE, W + "moveFrom": MOVED_FROM}
# Paragraphs that carry an anchor when built; any other paragraph borrows the one before it.
ANCHORED_STYLES = re.compile(r"^(BodyText|FirstParagraph|Heading\d|Title|CoverInfo|TableCaption|ImageCaption|Compact)$")
LOST = "锚点已丢失，按引文定位"
NEAREST = "锚点已丢失，按前一段定位"
_QUOTE_LENGTH = 40
_MATCH_FLOOR = 0.5  # a paragraph this unlike every source line is not found by its text


class ReviewFileError(ShenbaoError):
    """The file is not a DOCX this tool can read; said for the writer."""


@dataclass
class Remark:
    """One comment or tracked change, where it belongs in the sources."""

    kind: str
    author: str
    date: str  # YYYY-MM-DD
    text: str = ""  # the comment, or the text inserted or deleted
    old: str = ""  # for a change of wording: the text before
    quote: str = ""  # what it is on
    file: str = ""
    line: int = 0
    note: str = ""  # how it was located, when not by its anchor
    order: int = 0

    def __str__(self) -> str:
        """One line, whatever the reviewer typed: a newline in a comment cannot start a forged ``file:line``."""
        who = f"{self.kind}（{shown(self.author) or '未署名'}, {shown(self.date) or '无日期'}）"
        if self.kind == REPLACE:
            body = f'"{shown(self.old)}" → "{shown(self.text)}"'
        elif self.kind == COMMENT:
            body = shown(self.text)
        else:
            body = f'"{shown(self.text)}"' if self.text else ""
        where = f"{shown(self.file)}:{self.line}" if self.file else "（位置未知）"
        note = f"（{self.note}）" if self.note else ""
        on = f' — on: "{shown(self.quote)}"' if self.quote else ""
        return f"{where}: {who}: {body}{on}{note}"

    def as_json(self) -> dict:
        data = asdict(self)
        del data["order"]
        return data


@dataclass
class _Paragraph:
    text: str  # as the reviewer sees it now (insertions in, deletions out)
    original: str  # as it was built (deletions in, insertions out)
    anchor: source_anchors.Anchor | None
    style: str
    in_table: bool
    mark: str  # INSERT or DELETE when the paragraph mark itself is a tracked change
    remarks: list[tuple[Remark, int, int]] = field(default_factory=list)  # with its span in ``original``


@dataclass(frozen=True)
class Sources:
    """What locating needs from the project: page texts, figures by line, the name table."""

    pages: dict[str, list[str]]  # path → lines
    figures: dict[str, tuple[str, int]]  # figure name → (its text in the document, line in figures.yml)
    tables: dict[str, list[str]]  # table name → figure names of its rows
    figures_file: str = "data/figures.yml"


_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def shown(text: str) -> str:
    """Text from the DOCX made safe for a terminal line: line breaks, control, format and bidi
    characters written as escapes (``\\n``, ``\\u202e``), so they neither break the line nor move the cursor."""
    out = []
    for ch in text:
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp", "Cs"):
            out.append(f"\\x{ord(ch):02x}" if ord(ch) < 0x100 else f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return "".join(out)


def safe_source_name(name: str) -> bool:
    """A page path from the DOCX's own properties that stays inside the project: relative, no ``..``, plain text.

    The properties are the reviewer's file, not ours: a name like ``../../etc/passwd`` or one with
    a line break must not become a location the report points to."""
    if not name or len(name) > 500 or shown(name) != name or "\\" in name or ":" in name:
        return False
    normal = posixpath.normpath(name)
    return not name.startswith("/") and normal == name and not normal.startswith("..") and normal != "."


def _date(value: str) -> str:
    return (value or "")[:10]


def _change_of(element: etree._Element, paragraph: etree._Element) -> etree._Element | None:
    """The tracked change a run lies in, if any."""
    for ancestor in element.iterancestors():
        if ancestor is paragraph:
            return None
        if ancestor.tag in _CHANGES:
            return ancestor
    return None


def _run_text(run: etree._Element) -> str:
    return "".join(t.text or "" for t in run if t.tag in (W + "t", W + "delText"))


def read_comments(archive: zipfile.ZipFile) -> dict[str, Remark]:
    try:
        root = etree.fromstring(archive.read("word/comments.xml"))
    except KeyError:
        return {}
    found = {}
    for comment in root.iter(W + "comment"):
        text = "\n".join("".join(t.text or "" for t in p.iter(W + "t")) for p in comment.iter(W + "p"))
        found[comment.get(W + "id")] = Remark(COMMENT, comment.get(W + "author", ""), _date(comment.get(W + "date")))
        found[comment.get(W + "id")].text = text.strip()
    return found


def _paragraph_mark(paragraph: etree._Element) -> tuple[str, etree._Element | None]:
    marks = paragraph.find(f"{W}pPr/{W}rPr")
    if marks is None:
        return "", None
    for child in marks:
        if child.tag in _CHANGES:
            return _CHANGES[child.tag], child
    return "", None


class _Reader:
    """Walks the body once, numbering remarks in the order a reader meets them."""

    def __init__(self, comments: dict[str, Remark]):
        self.comments = comments
        self.open: dict[str, Remark] = {}  # comments whose range has begun and not ended
        self.order = 0

    def _next(self) -> int:
        self.order += 1
        return self.order

    def paragraph(self, element: etree._Element) -> _Paragraph:
        mark, mark_element = _paragraph_mark(element)
        style = element.find(f"{W}pPr/{W}pStyle")
        paragraph = _Paragraph(
            "", "", None, style.get(W + "val") if style is not None else "", _in_table(element), mark
        )
        last_change = None
        for item in element.iter(W + "r", W + "commentRangeStart", W + "commentRangeEnd", W + "bookmarkStart"):
            if item.tag == W + "bookmarkStart":
                paragraph.anchor = paragraph.anchor or source_anchors.parse_name(item.get(W + "name"))
            elif item.tag == W + "commentRangeStart":
                self._comment_starts(item.get(W + "id"), paragraph)
            elif item.tag == W + "commentRangeEnd":
                self.open.pop(item.get(W + "id"), None)
            else:
                last_change = self._run(item, _change_of(item, element), last_change, paragraph)
        self._paragraph_mark(paragraph, mark_element)
        return paragraph

    def _comment_starts(self, number: str, paragraph: _Paragraph) -> None:
        remark = self.comments.get(number)
        if remark is None:
            return
        remark.order = self._next()
        self.open[number] = remark
        here = len(paragraph.original)
        paragraph.remarks.append((remark, here, here))

    def _run(self, run, change, last_change, paragraph: _Paragraph):
        """Add a run's text; start or continue the change it lies in. Returns that change."""
        piece = _run_text(run)
        kind = _CHANGES[change.tag] if change is not None else None
        for remark in self.open.values():  # a comment quotes what the reviewer saw
            if kind != DELETE:
                remark.quote += piece
        start = len(paragraph.original)
        if kind != DELETE:
            paragraph.text += piece
        if kind != INSERT:
            paragraph.original += piece
        if change is None:
            return None
        if not piece:  # a picture says what it is; an empty run (a footnote mark moved along) says nothing
            if run.find(f".//{W}drawing") is None:
                return last_change
            piece = "（图片）"
        end = len(paragraph.original)
        previous = paragraph.remarks[-1] if paragraph.remarks else None
        if change is last_change and previous is not None:  # the same change, run after run
            previous[0].text += piece
            paragraph.remarks[-1] = (previous[0], previous[1], end)
            return change
        author, date = change.get(W + "author", ""), _date(change.get(W + "date"))
        # Word writes a replacement as a deletion followed by an insertion
        replaces = previous is not None and previous[0].kind == DELETE and previous[0].author == author
        if kind == INSERT and last_change is not None and replaces:
            previous[0].kind, previous[0].old, previous[0].text = REPLACE, previous[0].text, piece
            return change
        paragraph.remarks.append((Remark(_NAMES[change.tag], author, date, piece, order=self._next()), start, end))
        return change

    def _paragraph_mark(self, paragraph: _Paragraph, change) -> None:
        """A paragraph mark inserted is a split, deleted a join; a paragraph added or removed whole is neither."""
        if change is None or change.tag not in (W + "ins", W + "del"):
            return
        whole = not paragraph.original if paragraph.mark == INSERT else not paragraph.text
        if whole:
            return
        kind = SPLIT if paragraph.mark == INSERT else JOIN
        remark = Remark(kind, change.get(W + "author", ""), _date(change.get(W + "date")), order=self._next())
        paragraph.remarks.append((remark, len(paragraph.original), len(paragraph.original)))


def read_paragraphs(body: etree._Element, comments: dict[str, Remark]) -> list[_Paragraph]:
    """Every paragraph with its text, anchor and the remarks that start in it, in document order."""
    reader = _Reader(comments)
    return [reader.paragraph(element) for element in body.iter(W + "p")]


def _in_table(element: etree._Element) -> bool:
    return any(ancestor.tag == W + "tc" for ancestor in element.iterancestors())


# --- locating ---------------------------------------------------------------------

_FIG_CALL = re.compile(r"""\{\{\s*fig\(\s*["']([\w.]+)["']\s*\)\s*\}\}""")
_TABLE_CALL = re.compile(r"""\{\{\s*table\(\s*["']([\w.-]+)["']\s*\)\s*\}\}""")
_OTHER_MACRO = re.compile(r"\{\{.*?\}\}|\{%.*?%\}")
_MARKUP = re.compile(r"\[\^[^\]]*\]|^#+\s*|\{[#.][^}]*\}|[*_`]|!?\[|\]\([^)]*\)|<[^>]+>")


def readable(line: str, sources: Sources) -> str:
    """A source line roughly as the reader sees it: figures filled in, markup gone."""
    line = _FIG_CALL.sub(lambda m: sources.figures.get(m[1], ("", 0))[0], line)
    return _MARKUP.sub("", _OTHER_MACRO.sub("", line)).strip()


def find_by_text(text: str, sources: Sources) -> tuple[str, int] | None:
    """The source line a paragraph's text most likely came from."""
    text = text.strip()
    if not text:
        return None
    best, best_score = None, _MATCH_FLOOR
    for path, lines in sources.pages.items():
        for number, line in enumerate(lines, start=1):
            shown = readable(line, sources)
            if not shown:
                continue
            if shown in text or text in shown:
                score = 1.0 + min(len(shown), len(text)) / max(len(shown), len(text))
            else:
                score = difflib.SequenceMatcher(None, shown, text, autojunk=False).ratio()
            if score > best_score:
                best, best_score = (path, number), score
    return best


def locate(paragraphs: list[_Paragraph], names: list[str], sources: Sources) -> list[tuple[str, int, str]]:
    """File, line and how it was found, for every paragraph."""
    located: list[tuple[str, int, str]] = []
    previous = ("", 0, "")
    split_before = False
    for index, paragraph in enumerate(paragraphs):
        anchor = paragraph.anchor
        following = paragraphs[index + 1] if index + 1 < len(paragraphs) else None
        if anchor is None and paragraph.style == "Figure" and following is not None:
            anchor = following.anchor  # an image has no anchor of its own: its caption, below, has
        if anchor is not None and anchor.page < len(names) and names[anchor.page]:
            here = (names[anchor.page], anchor.line, "")
        elif split_before or paragraph.in_table or not ANCHORED_STYLES.match(paragraph.style):
            here = previous  # the second half of a split, a table cell, a line the build added
        elif not (paragraph.original or paragraph.text).strip():
            here = previous
        else:
            found = find_by_text(paragraph.original or paragraph.text, sources)
            here = (*found, LOST) if found else (previous[0], previous[1], NEAREST)
        located.append(here)
        previous = (here[0], here[1], "")
        split_before = paragraph.mark == INSERT
    return located


def figure_at(line: str, original: str, start: int, end: int, sources: Sources, texts: tuple[str, ...] = ()) -> int:
    """The figures.yml line of the figure whose value a change falls in, or 0.

    The value is looked for where the change stands; failing that (the file
    shows an older value than the data has now), the changed text itself is
    looked for in the values of the figures its line uses.
    """
    names = _FIG_CALL.findall(line)
    for table in _TABLE_CALL.findall(line):
        names += sources.tables.get(table, [])
    for name in names:
        shown, number = sources.figures.get(name, ("", 0))
        if not shown:
            continue
        for match in re.finditer(re.escape(shown), original):
            overlaps = start < match.end() and match.start() < end
            within = match.start() < start < match.end()  # an insertion: inside the value, not at its edge
            if overlaps if end > start else within:
                return number
    for name in names:
        shown, number = sources.figures.get(name, ("", 0))
        if shown and any(is_value_of(text.strip(), shown) for text in texts):
            return number
    return 0


def is_value_of(text: str, shown: str) -> bool:
    """A changed text that is (a number of) a figure's shown value, not a word that happens to be in it."""
    return bool(text) and (text == shown or (text in shown and any(c.isdigit() for c in text)))


def source_block(lines: list[str], line: int) -> str:
    """The source lines of the block starting at ``line``: a table's rows follow its first."""
    block = []
    for text in lines[line - 1 : line - 1 + 200] if line > 0 else []:
        if not text.strip():
            break
        block.append(text)
    return "\n".join(block)


def _excerpt(text: str) -> str:
    text = text.strip()
    return text if len(text) <= _QUOTE_LENGTH else text[:_QUOTE_LENGTH] + "…"


def remarks(path: Path, sources: Sources) -> list[Remark]:
    """Every comment and tracked change of a reviewed DOCX, located, in document order."""
    if path.is_dir():
        raise ReviewFileError(f"{path} 是文件夹，不是 DOCX 文件", "给出审阅者返回的 .docx 文件本身") from None
    try:
        with zipfile.ZipFile(path) as archive:
            # a name pointing out of the project is refused: its paragraphs are found by their text instead
            names = [name if safe_source_name(name) else "" for name in source_anchors.read_sources(archive)]
            body = etree.fromstring(archive.read("word/document.xml")).find(W + "body")
            comments = read_comments(archive)
    except FileNotFoundError:
        raise ReviewFileError(f"找不到文件 {path}") from None
    except OSError as error:  # unreadable: permissions, a device
        raise ReviewFileError(f"{path} 无法读取（{error.strerror or '读取失败'}）", "检查文件的权限") from None
    except (zipfile.BadZipFile, KeyError, etree.XMLSyntaxError):
        raise ReviewFileError(f"{path} 不是可以读取的 DOCX 文件", "在 Word 或 WPS 中另存为 .docx 格式") from None
    paragraphs = read_paragraphs(body, comments)
    found: list[Remark] = []
    for paragraph, (file, line, note) in zip(paragraphs, locate(paragraphs, names, sources), strict=True):
        for remark, start, end in paragraph.remarks:
            remark.file, remark.line, remark.note = file, line, note
            source_line = source_block(sources.pages.get(file, []), line)
            if remark.kind in (INSERT, DELETE, REPLACE, MOVED_TO, MOVED_FROM):
                figure_line = figure_at(source_line, paragraph.original, start, end, sources, (remark.text, remark.old))
                if figure_line:
                    remark.file, remark.line, remark.note = sources.figures_file, figure_line, ""
            if remark.kind != COMMENT or not remark.quote:
                remark.quote = _excerpt(paragraph.text or paragraph.original)
            else:
                remark.quote = _excerpt(remark.quote)
            found.append(remark)
    return sorted(found, key=lambda r: r.order)


def load_sources(project: Path, names: list[str] | None = None) -> Sources:
    """The project's pages and figures as they are now, for locating by text and figure."""
    from shenbao.project.datafile import DataFileError
    from shenbao.project.exhibits import load_exhibits
    from shenbao.project.figures import load_figures

    docs = project / "docs"
    pages = {}
    for page in sorted(docs.rglob("*.md")):
        pages[page.relative_to(project).as_posix()] = page.read_text(encoding="utf-8").split("\n")
    figures: dict[str, tuple[str, int]] = {}
    tables: dict[str, list[str]] = {}
    figures_path = project / "data" / "figures.yml"
    try:
        book = load_figures(figures_path)
        for name, figure in book.items():
            shown = figure.as_text() if figure.known else f"【待填：{figure.label}】"
            figures[name] = (shown, figure.line)
        placed = load_exhibits(figures_path.with_name("exhibits.yml"), book)
        tables = {name: list(spec.rows) for name, spec in placed.tables.items()}
    except (DataFileError, KeyError):
        pass  # locating by page and line still works without the figures
    return Sources(pages, figures, tables)
