"""Source anchors: every block of the DOCX names the page and line it came from.

Before pandoc, an empty span ``[]{#src_<page>_<line>}`` is put at the start
of every heading, paragraph, list item, table and caption of a page; pandoc
turns it into a Word bookmark, which has no width and survives editing and
saving in Word, WPS and LibreOffice. After pandoc the names get a leading
underscore, which makes them hidden bookmarks in Word (pandoc itself refuses
such names). The page numbers index a name table kept in the file's custom
properties, so a bookmark name stays short (Word allows 40 characters).

Lines are those of the source file the writer edits, front matter included,
not of the rendered Markdown: macros such as ``table()`` and ``{% for %}``
expand one source line into many, so the two are aligned line by line.
"""

from __future__ import annotations

import difflib
import functools
import json
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from shenbao.docx import package
from shenbao.text import scanner

PREFIX = "_src_"  # as stored in the DOCX
_PANDOC_PREFIX = "src_"  # as written for pandoc, which wants a letter first
SOURCES_PROPERTY = "shenbao-sources"  # custom property: JSON list of page paths
_SIMILARITY_BUDGET = 20000  # line pairs compared inside one expanded macro; beyond, the macro's line is used


@dataclass(frozen=True)
class Anchor:
    page: int  # index into the name table
    line: int  # 1-based line of the source file

    @property
    def name(self) -> str:
        return f"{PREFIX}{self.page}_{self.line}"


_NAME = re.compile(rf"^{PREFIX}(\d+)_(\d+)(?:_\d+)?$")


def parse_name(name: str) -> Anchor | None:
    """The anchor a bookmark name stands for, or None for any other bookmark."""
    match = _NAME.match(name or "")
    return Anchor(int(match[1]), int(match[2])) if match else None


# --- source line of each rendered line ----------------------------------------------


_LIKENESS_FLOOR = 0.25  # below this two lines share only punctuation and markup letters


# What the exhibit macros write shares no words with the call that wrote it: say so.
_MADE_BY = (
    (re.compile(r"\btable\("), re.compile(r"^\s*\||table-caption")),
    (re.compile(r"\bchart\("), re.compile(r"^!\[.*\]\(charts/|figure-caption|chart-missing")),
)


@functools.lru_cache(maxsize=4096)
def _characters(line: str) -> frozenset:
    return frozenset(line)


def _similarity(a: str, b: str) -> float:
    """How alike a source line and a rendered line are, 0 to 1.

    The characters they share, in any order: a macro's value sits in the middle
    of the writer's own words. Sets of characters, intersected in C, keep a long
    page to milliseconds where matching sequences would take seconds.
    """
    if any(call.search(a) and output.search(b) for call, output in _MADE_BY):
        return 1.0
    if not a or not b:
        return 0.0
    first, second = _characters(a), _characters(b)
    ratio = 2 * len(first & second) / (len(first) + len(second))
    return ratio if ratio >= _LIKENESS_FLOOR else 0.0


_NEW_LINE_BONUS = 0.5  # every source line produced something: prefer using each once


def _assign(src: list[str], out: list[str]) -> list[int]:
    """Give each rendered line of a stretch one source line, in order, most alike overall.

    A macro's output never runs backwards, so the choice is monotonic. Every
    source line made at least one rendered line, so moving on to the next one
    is rewarded; otherwise ties stay with the earlier line, which keeps a
    table's rows with the ``table()`` that made them.
    """
    if len(src) == 1 or len(src) * len(out) > _SIMILARITY_BUDGET:
        return [0] * len(out)
    best = [_NEW_LINE_BONUS + _similarity(text, out[0]) - 1e-6 * i for i, text in enumerate(src)]
    choices: list[list[int]] = [list(range(len(src)))]
    for line in out[1:]:
        earlier, earlier_at, row, picks = float("-inf"), 0, [], []
        for i, text in enumerate(src):
            stay = best[i]
            move = earlier + _NEW_LINE_BONUS
            row.append(max(stay, move) + _similarity(text, line) - 1e-6 * i)
            picks.append(i if stay >= move else earlier_at)
            if best[i] > earlier:
                earlier, earlier_at = best[i], i
        best = row
        choices.append(picks)
    i = max(range(len(src)), key=lambda k: best[k])
    result = [0] * len(out)
    for j in range(len(out) - 1, -1, -1):
        result[j] = i
        i = choices[j][i]
    return result


def line_map(source: str, rendered: str) -> list[int]:
    """For each rendered line, the 1-based source line it came from.

    Blank lines are left out of the alignment (a macro's output has its own);
    unchanged lines map to themselves; the lines a macro produced map to the
    source line that produced them, chosen by likeness and order.
    """
    offset = scanner.front_matter(source)[1]  # the lines MkDocs takes off the top
    all_src = source.split("\n")[offset:]
    out = rendered.split("\n")
    src_at = [i for i, line in enumerate(all_src) if line.strip()]
    out_at = [j for j, line in enumerate(out) if line.strip()]
    src = [all_src[i] for i in src_at]
    text = [out[j] for j in out_at]
    found: dict[int, int] = {}
    matcher = difflib.SequenceMatcher(None, src, text, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal" or (i2 - i1 == j2 - j1):
            picks = list(range(j2 - j1))
        elif i1 == i2:  # nothing in the source: belongs with the line before
            i1, picks = max(i1 - 1, 0), [0] * (j2 - j1)
        else:
            picks = _assign(src[i1:i2], text[j1:j2])
        for j, pick in zip(range(j1, j2), picks, strict=True):
            found[out_at[j]] = src_at[i1 + pick] if src_at else 0
    mapping, last = [], 0
    for j in range(len(out)):
        last = found.get(j, last)
        mapping.append(last + 1 + offset)
    # lines are compared within one page only: a cache kept across pages held 32 MiB at 1000 pages
    _characters.cache_clear()
    return mapping


# --- marking the rendered Markdown ---------------------------------------------------

_HEADING = re.compile(r"^(#{1,6}[ \t]+)")
_LIST_ITEM = re.compile(r"^([ \t]{0,3}(?:[-*+]|\d+[.)])[ \t]+)(?=\S)")
_QUOTE = re.compile(r"^([ \t]{0,3}>[ \t]?)")
_TABLE_ROW = re.compile(r"^([ \t]{0,3}\|[ \t]*)")
_ONE_LINE_DIV = re.compile(r"^(<div\b[^>]*\bmarkdown\b[^>]*>)(?=.*</div>\s*$)")
# indented code, images, footnote and link definitions, block HTML, pandoc divs, rules
_SKIP = re.compile(
    r"^(?:[ \t]{4}|[ \t]*(?:!\[|\[\^?[^\]]*\]:|<(?!(?:span|a|em|strong|sup|sub|b|i)\b)|:::|-{3,}\s*$|\*{3,}\s*$))"
)


def _span(name: str) -> str:
    return f"[]{{#{name}}}"


def _marked(line: str, name: str) -> str | None:
    """The line with the anchor at the start of its text, or None where none may go.

    A line that is only an image stays untouched: with anything beside it
    pandoc would no longer make it a figure.
    """
    for pattern in (_HEADING, _LIST_ITEM, _QUOTE, _TABLE_ROW, _ONE_LINE_DIV):
        match = pattern.match(line)
        if match:
            return line[: match.end()] + _span(name) + line[match.end() :]
    if _SKIP.match(line):
        return None
    return _span(name) + line


_SPAN = re.compile(rf"\[\]\{{#{_PANDOC_PREFIX}[\w]+\}}")


def carried(line: str) -> str:
    """The anchor span of a line, for a block the build writes anew from it (an attachment's title)."""
    found = _SPAN.search(line)
    return found.group(0) if found else ""


def mark(markdown: str, page: int, lines: list[int]) -> str:
    """Put an anchor at the start of every block of one page's rendered Markdown.

    Only where a block starts (after a blank line or a heading, or a list
    item); the number of lines never changes, so line-based rewriting before
    and after still holds.
    """
    out = markdown.split("\n")
    used: dict[int, int] = {}
    starts_block = True
    for index, (line, code) in enumerate(zip(out, scanner.fenced(out), strict=True)):
        if code:
            starts_block = False
            continue
        if not line.strip():
            starts_block = True
            continue
        is_heading = bool(_HEADING.match(line))
        if starts_block or is_heading or _LIST_ITEM.match(line):
            source_line = lines[index] if index < len(lines) else index + 1
            count = used[source_line] = used.get(source_line, 0) + 1
            name = f"{_PANDOC_PREFIX}{page}_{source_line}" + (f"_{count}" if count > 1 else "")
            out[index] = _marked(line, name) or line
        starts_block = is_heading
    return "\n".join(out)


def mark_page(markdown: str, page: int, source: str | None) -> str:
    """Mark a page; without its source file the rendered lines stand for the source's."""
    count = markdown.count("\n") + 1
    lines = line_map(source, markdown) if source is not None else list(range(1, count + 1))
    return mark(markdown, page, lines)


def read_source(docs_dir: Path | None, src_uri: str) -> str | None:
    if docs_dir is None:
        return None
    try:
        return (docs_dir / src_uri).read_text(encoding="utf-8")
    except OSError:
        return None


# --- the name table and the hidden names in the DOCX --------------------------------


def hide_names(root) -> None:
    """pandoc wants a letter first; the stored name starts with "_", which Word hides from its bookmark list."""
    for bookmark in root.iter(package.w("bookmarkStart")):
        name = bookmark.get(package.w("name"), "")
        if name.startswith(_PANDOC_PREFIX):
            bookmark.set(package.w("name"), "_" + name)


def custom_properties(sources: list[str]) -> bytes:
    return package.custom_properties({SOURCES_PROPERTY: package.json_property(sources)})


def store_edits(sources: list[str]) -> tuple[dict[str, package.Edit], dict[str, bytes]]:
    """The edits and added parts that hide the anchors' names and write the name table, for ``rewrite_parts``."""
    return {"word/document.xml": hide_names, **package.CUSTOM_EDITS}, {package.CUSTOM_PART: custom_properties(sources)}


def store(path: Path, sources: list[str]) -> None:
    """Hide the anchors' names and write the name table into the finished DOCX."""
    edits, add = store_edits(sources)
    package.rewrite_parts(path, edits, add=add)


def read_sources(archive: zipfile.ZipFile) -> list[str]:
    """The name table of a DOCX, or [] when it has none (or lost it)."""
    value = package.read_custom_property(archive, SOURCES_PROPERTY)
    if not value:
        return []
    try:
        return [str(item) for item in json.loads(value)]
    except (ValueError, TypeError):
        return []
