"""A page as the rules read it: its lines, and the same lines with what is not prose blanked out.

Blanking keeps every other character in its column, so a rule's position is
the position in the file.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from shenbao.text import scanner

MASK = "\ue000"  # stands in for template code, HTML and link targets
_TEMPLATE = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.S)
_HTML = re.compile(r"<[^>\n]+>")
_IGNORE = re.compile(r"<!--\s*check:\s*ignore\s+(?P<rules>[\w\s,-]+?)\s*-->")


def blank(match: re.Match) -> str:
    return re.sub(r"[^\n]", MASK, match.group(0))


def _blank_target(link: re.Match) -> str:
    """A link with its target blanked: its text is read, its address is not."""
    kept = link.end("text") + 1 - link.start()  # up to and with the closing ]
    return link.group(0)[:kept] + MASK * (len(link.group(0)) - kept)


def _prose_line(line: str) -> str:
    # each pattern needs its opening character: most lines of prose have none of them
    if "<" in line:
        line = _HTML.sub(blank, line)
    if "`" in line:
        line = scanner.INLINE_CODE.sub(blank, line)
    if "[" in line:
        line = scanner.LINK.sub(_blank_target, line)
    return line


@dataclass
class Page:
    path: str  # as shown to the writer, e.g. docs/jiben-qingkuang.md
    uri: str  # below docs/
    text: str

    @functools.cached_property
    def lines(self) -> list[str]:
        return self.text.split("\n")

    @functools.cached_property
    def _front_matter(self) -> tuple[dict, int]:
        return scanner.front_matter(self.text)

    @property
    def meta(self) -> dict:
        return self._front_matter[0]

    @property
    def body_start(self) -> int:
        """Lines of front matter before the Markdown."""
        return self._front_matter[1]

    @functools.cached_property
    def masked(self) -> list[str]:
        """The lines with template code, fenced code and front matter blanked out."""
        lines = _TEMPLATE.sub(blank, self.text).split("\n")
        code = scanner.fenced(lines)
        return ["" if index < self.body_start or code[index] else line for index, line in enumerate(lines)]

    @functools.cached_property
    def prose(self) -> list[str]:
        """The masked lines without HTML, link targets and inline code: the words a reader reads."""
        return [_prose_line(line) for line in self.masked]

    @functools.cached_property
    def links(self) -> list[scanner.Link]:
        return list(scanner.links(self.masked))

    @functools.cached_property
    def table_rows(self) -> set[int]:
        """1-based numbers of the lines that are table rows."""
        return {index + 1 for index in scanner.table_rows(self.masked)}

    @functools.cached_property
    def ignored(self) -> dict[int, set[str]]:
        """Rule ids switched off by ``<!-- check: ignore id -->``: on its line, or, alone on a line, the next."""
        found: dict[int, set[str]] = {}
        for number, line in enumerate(self.lines, start=1):
            for match in _IGNORE.finditer(line):
                rules = set(re.split(r"[\s,]+", match["rules"].strip()))
                found.setdefault(number, set()).update(rules)
                if not _IGNORE.sub("", line).strip():
                    found.setdefault(number + 1, set()).update(rules)
        return found
