"""Statistics typed into prose: a number with a unit or counter, found in plain text.

Pure functions on strings, shared by the import (which turns each statistic
into a figure) and meant for ``make check``'s typed-number rule. A statistic
is a number followed by a unit (``1271人``, ``99.76%``), possibly with a
magnitude (``30万``, ``1.2亿元``) and an approximation (``100余万元``,
``30多万人``, ``1.2万多人``, ``约50个``, ``近3000户``). Dates of observances
(``3.8``), ordinals (``第3名``) and plan names (``十一五``, no digits) are not
statistics.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

# Counters and units of measure, Chinese first; longer units are tried first, so
# 平方公里 wins over 公里 and 万元 is read as 万 + 元.
DEFAULT_UNITS: tuple[str, ...] = (
    "平方公里",
    "平方米",
    "公里",
    "公顷",
    "人次",
    "个",
    "户",
    "人",
    "名",
    "家",
    "所",
    "亩",
    "吨",
    "镇",
    "乡",
    "村",
    "次",
    "份",
    "册",
    "块",
    "项",
    "台",
    "辆",
    "条",
    "场",
    "期",
    "座",
    "张",
    "件",
    "篇",
    "元",
    "%",
    "‰",
    "天",
    "年",
    "月",
    "日",
)
# Numbers that are names, not quantities: days of observances, the 13亿 day.
DEFAULT_ALLOWED: tuple[str, ...] = ("3.8", "5.29", "7.11", "13亿")

APPROX_AFTER = ("余", "多")  # written between the number and the unit: 100余万元
APPROX_BEFORE = ("近", "约")  # written before the number: 约50个
MAGNITUDES = ("万", "亿")

# Words that join a label to its number; they stay in the prose, not in the label.
_LINKING = re.compile(r"(?:为|是|达到|达|到|共有|共|有|计|约|近|累计|合计|总计|占|了)+$")
_CLAUSE_END = re.compile(r"[，。；：、！？,;:!?（）()“”‘’《》【】|\s]")
_DATE = re.compile(r"(?<![\d.])\d{4}年(?:\d{1,2}月(?:\d{1,2}日)?)?|(?<![\d.])\d{1,2}月\d{1,2}日")


@dataclass(frozen=True)
class Statistic:
    start: int
    end: int
    text: str  # as written, e.g. "1.2万多人"
    number: str  # the digits as written, e.g. "1.2"
    value: int | float
    unit: str  # with its magnitude, e.g. "万人", "万元", "万", "%"
    approx: str | None  # 余 多 近 约, or None
    label: str  # the words before it in its clause, e.g. "上半年出生人数"


@functools.lru_cache(maxsize=8)
def _pattern(units: tuple[str, ...]) -> re.Pattern:
    ordered = "|".join(re.escape(u) for u in sorted(set(units), key=lambda u: (-len(u), units.index(u))))
    return re.compile(
        rf"(?P<before>{'|'.join(APPROX_BEFORE)})?"
        r"(?<![\d.A-Za-z])(?<!第)(?P<number>\d+(?:\.\d+)?)"
        rf"(?P<approx1>{'|'.join(APPROX_AFTER)})?"
        rf"(?P<magnitude>{'|'.join(MAGNITUDES)})?"
        rf"(?P<approx2>{'|'.join(APPROX_AFTER)})?"
        rf"(?P<unit>{ordered})?"
        r"(?![\d.])"
    )


def parse_number(number: str) -> int | float:
    return float(number) if "." in number else int(number)


def label_before(text: str, start: int) -> str:
    """The words of the clause before ``start``, without the verb joining them to the number."""
    clause = text[:start]
    cut = max((m.end() for m in _CLAUSE_END.finditer(clause)), default=0)
    return _LINKING.sub("", clause[cut:]).strip()


def _allowed_spans(text: str, allowed: tuple[str, ...]) -> list[tuple[int, int]]:
    spans = []
    for name in allowed:
        for match in re.finditer(rf"(?<![\d.]){re.escape(name)}(?![\d.])", text):
            spans.append(match.span())
    return spans


def find_dates(text: str) -> list[tuple[int, int]]:
    """Where calendar dates stand (2024年5月8日, 2023年, 5月8日): one value each, not three."""
    return [m.span() for m in _DATE.finditer(text)]


def find_statistics(
    text: str, units: tuple[str, ...] = DEFAULT_UNITS, allowed: tuple[str, ...] = DEFAULT_ALLOWED
) -> list[Statistic]:
    """Every statistic in ``text``, in order. A bare number without unit or magnitude is none."""
    skip = _allowed_spans(text, allowed) + find_dates(text)  # a date is one value, found apart
    found = []
    for match in _pattern(tuple(units)).finditer(text):
        magnitude, unit = match["magnitude"] or "", match["unit"] or ""
        if not (magnitude or unit):
            continue
        if any(s < match.end("number") and match.start("number") < e for s, e in skip):
            continue
        approx = match["before"] or match["approx1"] or match["approx2"]
        start = match.start("before") if match["before"] else match.start("number")
        found.append(
            Statistic(
                start=start,
                end=match.end(),
                text=match.group(0)[start - match.start() :],
                number=match["number"],
                value=parse_number(match["number"]),
                unit=magnitude + unit,
                approx=approx,
                label=label_before(text, start),
            )
        )
    return found
