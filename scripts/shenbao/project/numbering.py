"""Official heading numbers: 一、 （一） 1. （1）, generated, never typed.

The numbers are written into the rendered Markdown once, so the site and the
DOCX, which are both made from that Markdown, cannot disagree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pymdownx.slugs import slugify

from shenbao.text.scanner import text_lines

_DIGITS = "零一二三四五六七八九"

# One entry per Markdown heading level: how its number is written.
LEVEL_STYLES = ("{cn}、", "（{cn}）", "{n}.", "（{n}）")

_slug = slugify(case="lower")


def chinese_number(n: int) -> str:
    """Write 1..999 as Chinese numerals: 10 → 十, 21 → 二十一, 105 → 一百零五, 110 → 一百一十."""
    if not 0 < n < 1000:
        raise ValueError(f"同一级标题超过 999 个（第 {n} 个），无法编号")
    hundreds, rest = divmod(n, 100)
    tens, ones = divmod(rest, 10)
    if not hundreds:
        prefix = "" if tens == 1 else _DIGITS[tens]
        return (prefix + "十" if tens else "") + (_DIGITS[ones] if ones else "")
    text = _DIGITS[hundreds] + "百"
    if tens:
        text += _DIGITS[tens] + "十"
    elif ones:
        text += "零"
    return text + (_DIGITS[ones] if ones else "")


def heading_label(level: int, n: int) -> str:
    """The number of the n-th heading at a level (1-based), e.g. (2, 3) → （三）."""
    style = LEVEL_STYLES[level - 1]
    return style.format(cn=chinese_number(n), n=n)


def heading_id(title: str) -> str:
    """The anchor of a heading, from its unnumbered title, as the site makes it."""
    return _slug(title, "-")


@dataclass
class Counters:
    """Where numbering stands; carried from page to page in document order."""

    counts: list[int] = field(default_factory=lambda: [0] * len(LEVEL_STYLES))

    def next(self, level: int) -> str:
        self.counts[level - 1] += 1
        for deeper in range(level, len(self.counts)):
            self.counts[deeper] = 0
        return heading_label(level, self.counts[level - 1])


@dataclass(frozen=True)
class Heading:
    level: int
    number: str  # "" for an unnumbered heading
    title: str  # without the number
    id: str
    line: int = 0  # 1-based line in the page's Markdown

    @property
    def text(self) -> str:
        return self.number + self.title


_ATX = re.compile(r"^(?P<hashes>#{1,6})[ \t]+(?P<title>.*?)(?:[ \t]+#+)?[ \t]*$")
_ATTRS = re.compile(r"[ \t]*\{(?P<attrs>[^{}]*)\}$")
_TYPED_NUMBER = re.compile(r"^(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|\d+[.、]|（\d+）)")


def typed_number(title: str) -> str:
    """A number the writer typed at the start of a heading, or ''."""
    match = _TYPED_NUMBER.match(title)
    return match.group(0) if match else ""


def number_headings(markdown: str, counters: Counters, numbered: bool = True) -> tuple[str, list[Heading]]:
    """Put official numbers before every heading and give each a stable id.

    The id comes from the unnumbered title, so links survive when sections move.
    A heading marked ``{.unnumbered}`` keeps its text and does not
    count; with ``numbered=False`` (an attachment) no heading is numbered.
    Headings deeper than four levels are left alone.
    """
    lines = markdown.split("\n")
    headings: list[Heading] = []
    used: set[str] = set()
    for index, line in text_lines(lines):
        match = _ATX.match(line)
        if not match or len(match["hashes"]) > len(LEVEL_STYLES):
            continue
        level = len(match["hashes"])
        title, attrs = _split_attrs(match["title"])
        unnumbered = ".unnumbered" in attrs or not numbered
        explicit_id = next((a[1:] for a in attrs if a.startswith("#")), "")
        anchor = explicit_id or heading_id(title)
        if not explicit_id:
            anchor = _unique(anchor, used)
            attrs.insert(0, f"#{anchor}")
        used.add(anchor)
        number = "" if unnumbered else counters.next(level)
        headings.append(Heading(level, number, title, anchor, index + 1))
        lines[index] = f"{match['hashes']} {number}{title} {{{' '.join(attrs)}}}"
    return "\n".join(lines), headings


def _unique(anchor: str, used: set[str]) -> str:
    """A repeated title on one page gets _1, _2 …, as MkDocs numbers its own ids."""
    candidate, count = anchor, 0
    while candidate in used:
        count += 1
        candidate = f"{anchor}_{count}"
    return candidate


def _split_attrs(title: str) -> tuple[str, list[str]]:
    match = _ATTRS.search(title)
    if not match:
        return title, []
    return title[: match.start()], match["attrs"].split()
