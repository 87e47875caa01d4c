"""Official heading numbers: 一、 （一） 1. （1）, generated, never typed.

The numbers are written into the rendered Markdown once, so the site and the
DOCX, which are both made from that Markdown, cannot disagree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pymdownx.slugs import slugify

_DIGITS = "零一二三四五六七八九"

# One entry per Markdown heading level: how its number is written.
LEVEL_STYLES = ("{cn}、", "（{cn}）", "{n}.", "（{n}）")

_slug = slugify(case="lower")


def chinese_number(n: int) -> str:
    """Write 1..99 as Chinese numerals: 1 → 一, 10 → 十, 12 → 十二, 21 → 二十一."""
    if not 0 < n < 100:
        raise ValueError(f"heading number out of range: {n}")
    tens, ones = divmod(n, 10)
    if tens == 0:
        return _DIGITS[ones]
    prefix = "" if tens == 1 else _DIGITS[tens]
    return prefix + "十" + (_DIGITS[ones] if ones else "")


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
_FENCE = re.compile(r"^[ \t]*(```|~~~)")
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
    in_fence = ""
    for index, line in enumerate(lines):
        fence = _FENCE.match(line)
        if fence:
            if not in_fence:
                in_fence = fence.group(1)
            elif fence.group(1) == in_fence:
                in_fence = ""
            continue
        if in_fence:
            continue
        match = _ATX.match(line)
        if not match or len(match["hashes"]) > len(LEVEL_STYLES):
            continue
        level = len(match["hashes"])
        title, attrs = _split_attrs(match["title"])
        unnumbered = ".unnumbered" in attrs or not numbered
        explicit_id = next((a[1:] for a in attrs if a.startswith("#")), "")
        anchor = explicit_id or heading_id(title)
        if not explicit_id:
            attrs.insert(0, f"#{anchor}")
        number = "" if unnumbered else counters.next(level)
        headings.append(Heading(level, number, title, anchor, index + 1))
        lines[index] = f"{match['hashes']} {number}{title} {{{' '.join(attrs)}}}"
    return "\n".join(lines), headings


def _split_attrs(title: str) -> tuple[str, list[str]]:
    match = _ATTRS.search(title)
    if not match:
        return title, []
    return title[: match.start()], match["attrs"].split()
