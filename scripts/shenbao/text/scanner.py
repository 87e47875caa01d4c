"""One reading of a Markdown page: front matter, code, links, images and table cells, with positions.

The checks, the heading numbers and the DOCX assembly all need to know which
lines are code and where a link's target is; reading that once, with one set
of patterns, keeps them from disagreeing about what a page says.
Lines are 1-based and columns are 1-based character offsets, as editors count.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from mkdocs.utils.meta import get_data

FENCE = re.compile(r"^[ \t]*(?P<mark>```|~~~)")
# One link pattern for every reader: the text may hold one level of brackets ([表[1]](a.md)).
LINK = re.compile(r"(?P<bang>!?)\[(?P<text>(?:[^\[\]]|\[[^\]]*\])*)\]\((?P<target>[^)\s]+)(?P<title>\s+\"[^\"]*\")?\)")
REFERENCE_DEFINITION = re.compile(r"^(?P<lead> {0,3}\[(?!\^)[^\]]+\]:\s*)(?P<target>\S+)(?P<rest>.*)$")
FOOTNOTE = re.compile(r"\[\^(?P<label>[^\]\s]+)\]")
INLINE_CODE = re.compile(r"(?P<ticks>`+)(?!`).+?(?<!`)(?P=ticks)(?!`)")
SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
_TABLE_DELIMITER = re.compile(r"^[ \t]*\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*$")


@dataclass(frozen=True)
class Link:
    line: int
    column: int  # of the ``[`` or ``!``
    text: str
    target: str
    image: bool

    @property
    def external(self) -> bool:
        """A link to a web address or an autolink, which no file of the project answers."""
        return bool(SCHEME.match(self.target)) or self.target.startswith("<")


@dataclass(frozen=True)
class Cell:
    line: int
    column: int  # of the cell's first character after the ``|``
    text: str


def front_matter(text: str) -> tuple[dict, int]:
    """The page's metadata, read by MkDocs' own parser, and how many lines it takes up."""
    body, meta = get_data(text)
    return meta, text[: len(text) - len(body)].count("\n")


_FRONT_MATTER = re.compile(r"^-{3}[ \t]*\n(.*?\n)(?:\.{3}|-{3})[ \t]*(?:\n|$)", re.S)
FRONT_MATTER_HINT = "检查缩进、冒号后的空格和括号、引号是否成对"


def front_matter_problem(text: str) -> tuple[int, str] | None:
    """(line, YAML's words) when the page's front matter does not parse; MkDocs would keep it as text."""
    import yaml

    match = _FRONT_MATTER.match(text)
    if match is None:
        return None
    try:
        yaml.safe_load(match[1])
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        return (mark.line + 2 if mark else 1), getattr(error, "problem", None) or str(error)
    return None


_ACTIVE_HTML = re.compile(r"<\s*(?:script|iframe|object|embed)\b|<[^>]*\son[a-z]+\s*=|javascript:", re.I)


def active_html(text: str) -> Iterator[tuple[int, str]]:
    """(line, what) of HTML in a page that would run code in the reader's browser, outside code."""
    for index, line in text_lines(text.split("\n")):
        for match in _ACTIVE_HTML.finditer(INLINE_CODE.sub(lambda m: " " * len(m[0]), line)):
            yield index + 1, match.group(0).strip()


def fenced(lines: list[str]) -> list[bool]:
    """For each line, whether it belongs to a fenced code block (the fences included).

    A fence closes only with the mark that opened it: ``~~~`` inside a ``` block is code.
    """
    inside, opened = [], ""
    for line in lines:
        fence = FENCE.match(line)
        if fence:
            inside.append(True)
            if not opened:
                opened = fence["mark"]
            elif fence["mark"] == opened:
                opened = ""
        else:
            inside.append(bool(opened))
    return inside


def text_lines(lines: list[str]) -> Iterator[tuple[int, str]]:
    """(index, line) of every line outside fenced code blocks."""
    for index, (line, code) in enumerate(zip(lines, fenced(lines), strict=True)):
        if not code:
            yield index, line


def links(lines: list[str]) -> Iterator[Link]:
    """Every inline link and image outside code, in page order."""
    for index, line in text_lines(lines):
        code = [m.span() for m in INLINE_CODE.finditer(line)]
        for match in LINK.finditer(line):
            if not any(start <= match.start() < end for start, end in code):
                yield Link(index + 1, match.start() + 1, match["text"], match["target"], bool(match["bang"]))


def table_rows(lines: list[str]) -> set[int]:
    """Indexes of the lines that are rows of a pipe table (header and body, not the delimiter)."""
    rows: set[int] = set()
    code = fenced(lines)
    for index, line in enumerate(lines):
        if code[index] or index == 0 or not _TABLE_DELIMITER.match(line) or "|" not in lines[index - 1]:
            continue
        rows.add(index - 1)
        after = index + 1
        while after < len(lines) and not code[after] and "|" in lines[after] and lines[after].strip():
            rows.add(after)
            after += 1
    return rows


def cells(line: str, number: int) -> list[Cell]:
    """The cells of one table row, each with the column its text starts at."""
    found, start = [], 0
    parts = re.split(r"(?<!\\)\|", line)
    for position, part in enumerate(parts):
        edge = position in (0, len(parts) - 1) and not part.strip()
        if not edge:
            found.append(Cell(number, start + 1 + len(part) - len(part.lstrip()), part.strip()))
        start += len(part) + 1
    return found


def table_cells(lines: list[str]) -> list[Cell]:
    """Every cell of every pipe table of the page."""
    return [cell for index in sorted(table_rows(lines)) for cell in cells(lines[index], index + 1)]


def external_image(target: str) -> tuple[str, str]:
    """What the image rule and the build say of an image from the web."""
    return (
        f"图片 “{target}” 来自外部网站：网站和 DOCX 都不从外部加载",
        "把图片下载到 docs/img/，写成相对于页面的路径，如 img/a.png",
    )


def active_html_problem(found: str) -> tuple[str, str]:
    """What check and the build say of HTML that runs code."""
    return f"页面中的 HTML “{found}” 会在读者的浏览器中执行代码", "删去它：页面只写文字、表格和图片"
