"""Where each figure is used: the page's title and the sentence around it.

The person filling in a number sees what it is for (“全县常住人口” in
“全县常住人口【待填】万人，辖12个乡镇。”) without opening the pages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from shenbao.project.figures import FigureBook
from shenbao.text import scanner, textfile

_FIG_CALL = re.compile(r"\{\{-?\s*fig\(\s*(['\"])(?P<name>[a-z0-9_.]+)\1\s*\)\s*-?\}\}")
_SENTENCE_END = "。！？；!?;"
_MARKUP = re.compile(r"^\s*(?:#+\s*|[-*+]\s+|\d+[.)]\s+|>\s*)|\{[^{}]*\}\s*$|[*_`|]")


@dataclass(frozen=True)
class Use:
    page: str  # the page's title
    sentence: str
    section: str = ""  # the heading below the title the sentence stands under

    def __str__(self) -> str:
        section = f" › {self.section}" if self.section else ""
        return f"{self.page}{section}：{self.sentence}"


def figure_uses(docs_dir: Path, page_paths: list[str], figures: FigureBook) -> dict[str, list[Use]]:
    """Every figure name → where pages call it, in document order."""
    uses: dict[str, list[Use]] = {}
    for uri in page_paths:
        try:
            text = textfile.read_text(docs_dir / uri, textfile.MAX_PAGE_BYTES, uri)
        except textfile.TextFileError:
            continue  # check and build say what is wrong with the page
        for name, use in page_uses(text, uri, figures):
            if use not in uses.setdefault(name, []):
                uses[name].append(use)
    return uses


def page_uses(text: str, uri: str, figures: FigureBook) -> list[tuple[str, Use]]:
    """(figure name, use) for each call on one page."""
    _meta, skipped = scanner.front_matter(text)
    lines = text.split("\n")
    title, section = uri, ""
    found = []
    for index, line in scanner.text_lines(lines):
        if index < skipped:
            continue
        if title == uri and line.startswith("# "):
            title = _readable(line, figures)
            continue
        if re.match(r"#{2,6} ", line):
            section = _readable(line, figures)
            continue
        for match in _FIG_CALL.finditer(line):
            found.append((match["name"], section, _sentence(line, match.start(), match.end())))
    return [(name, Use(title, _readable(sentence, figures), section)) for name, section, sentence in found]


def _sentence(line: str, start: int, end: int) -> str:
    """The sentence of ``line`` that holds the characters start…end."""
    before = max(line.rfind(mark, 0, start) for mark in _SENTENCE_END)
    after = [i for mark in _SENTENCE_END if (i := line.find(mark, end)) >= 0]
    return line[before + 1 : (min(after) + 1 if after else len(line))]


def _readable(text: str, figures: FigureBook) -> str:
    """Source text as a reader reads it: known figures written out, open ones as 【名称】."""

    def figure_text(match: re.Match) -> str:
        figure = figures.get(match["name"])
        if figure is None:
            return match[0]
        return figure.as_text() if figure.known else f"【{figure.label}】"

    return _MARKUP.sub("", _FIG_CALL.sub(figure_text, text)).strip()
