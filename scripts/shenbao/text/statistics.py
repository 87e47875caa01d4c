"""Statistics typed as text: a number followed by a measure word, a magnitude or a unit.

``1271人``, ``32.03亿元``, ``1.2万多人``, ``100余万元``, ``98%``, ``9镇`` and a bare
``30万`` are all statistics; in an application each belongs in data/figures.yml.
What counts is settings, not code: ``counters`` and ``units`` say which words
measure, ``allowed`` (literal text) and ``allowed_patterns`` (regular expressions)
say which numbers are names, such as the observance 3.8 or an ordinal 第3次.

>>> [s.text for s in find_statistics("全市32.03亿元，9镇9乡，1.2万多人")]
['32.03亿元', '9镇', '9乡', '1.2万多人']
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass

# Measure words (量词) and units that make a number a count or an amount.
COUNTERS = (
    *("个", "户", "人", "家", "所", "亩", "吨", "镇", "乡", "村", "次", "份", "册", "块", "名", "项"),
    *("台", "辆", "条", "场", "期", "座", "间", "张", "本", "套", "件", "处", "支", "批", "例", "对"),
    *("元", "公里", "平方公里", "平方千米", "平方米", "立方米", "公顷", "千米", "米", "千克", "公斤"),
    *("千瓦时", "千瓦", "分钟", "小时", "天"),  # time and energy: 90分钟, 24小时, 3天; 磅、行、字符、厘米 are layout
    *("人次", "户次", "场次", "个百分点"),
)
MAGNITUDES = ("万", "亿", "千", "百")
BARE_MAGNITUDES = ("万", "亿")  # ``30万`` is a statistic even with nothing after it
RATIOS = ("%", "％", "‰")
APPROXIMATE = ("余", "多")  # written after the number or its magnitude: 100余万元, 1.2万多人
LEADING = ("近", "约")  # written before the number: 近3万份, 约60%
# Numbers that are names, not quantities (observances, the 13亿 day); projects add theirs in check.yml.
DEFAULT_ALLOWED = ("3.8", "5.29", "7.11", "13亿")
# ordinals (第3名), serial numbers (5号), names in 《》: the exceptions check.yml starts from
DEFAULT_PATTERNS = (r"第\d+", r"\d+号", r"《[^》\n]*》")

_NUMBER = r"(?<![\d.,])(?P<number>\d+(?:,\d{3})*(?:\.\d+)?)"
_CLAUSE_END = re.compile(r"[，。；：、,;:（）()|!！?？\s\ue000“”\"《》]")
# What joins a subject to its number and says nothing about what is counted.
_LINKING = re.compile(r"(?:为|是|达|达到|共|共有|共计|有|约|近|超过|计|累计|合计|总计|全年|增加|减少|到|占|了)+$")
# What follows a number and its unit in a layout instruction (缩进2个字符, 每行28个字): a format, no statistic.
# Not 行: 3个行政村 is a count. 28磅, 0.5行, 2.5cm have no unit and are never statistics.
LAYOUT_AFTER = re.compile(r"^(?:字|磅|厘米|cm|mm|毫米|号字|pt)")
_DATE = re.compile(r"(?<![\d.])\d{4}年(?:\d{1,2}月(?:\d{1,2}日)?)?|(?<![\d.])\d{1,2}月\d{1,2}日")


@dataclass(frozen=True)
class Statistic:
    start: int  # offset in the text searched
    end: int
    text: str  # as typed: 1.2万多人
    number: str  # the digits as typed, without grouping commas: 1.2
    value: int | float  # the number as figures.yml writes it with that unit: 1.2
    unit: str  # as figures.yml writes it, magnitude included: 万人
    approx: str  # 余 多 近 约, or ''
    label: str  # the words before it, a name to give it in figures.yml


@functools.lru_cache(maxsize=64)
def statistic_pattern(units: tuple[str, ...] = COUNTERS) -> re.Pattern:
    """One pattern of every statistic the units make, longest unit first."""
    words = sorted({*units, *RATIOS}, key=len, reverse=True)
    unit = "|".join(map(re.escape, words))
    magnitude = "|".join(map(re.escape, MAGNITUDES))
    bare = "|".join(map(re.escape, BARE_MAGNITUDES))
    approx = "|".join(APPROXIMATE)
    leading = "|".join(LEADING)
    return re.compile(
        rf"(?P<lead>{leading})?{_NUMBER}(?P<before>{approx})?"
        rf"(?:(?P<magnitude>{magnitude})(?P<after>{approx})?(?P<unit>{unit})"
        rf"|(?P<bare>{bare})(?P<bare_after>{approx})?"
        rf"|(?P<plain>{unit}))"
    )


@functools.lru_cache(maxsize=64)
def allowed_pattern(allowed: tuple[str, ...] = (), patterns: tuple[str, ...] = ()) -> re.Pattern:
    """Text where a number is a name: the literals stand alone (3.8 is not in 13.8), patterns as written."""
    literal = [rf"(?<![\d.]){re.escape(str(a))}(?![\d.])" for a in allowed]
    return re.compile("|".join([*literal, *patterns]) or "(?!)")


def find_statistics(
    text: str,
    units: Iterable[str] | None = None,
    allowed: Iterable[str] = (),
    allowed_patterns: Iterable[str] = DEFAULT_PATTERNS,
) -> list[Statistic]:
    """Every typed statistic in ``text``, except inside allowed text and dates (a date is one value)."""
    # patterns are made once per setting: a page has hundreds of lines, a project one setting
    pattern = statistic_pattern(COUNTERS if units is None else tuple(units))
    spared = [m.span() for m in allowed_pattern(tuple(map(str, allowed)), tuple(allowed_patterns)).finditer(text)]
    spared += find_dates(text)
    found = []
    for match in pattern.finditer(text):
        number_at = match.start("number")
        if any(start <= number_at < end for start, end in spared):
            continue
        if LAYOUT_AFTER.match(text[match.end() :]):
            continue  # 缩进2个字符: the count of a format, the same in every application
        found.append(_statistic(text, match))
    return found


def _statistic(text: str, match: re.Match) -> Statistic:
    number = match["number"].replace(",", "")
    magnitude = match["magnitude"] or match["bare"] or ""
    counted = match["unit"] or match["plain"] or ""
    approx = match["lead"] or match["before"] or match["after"] or match["bare_after"] or ""
    label = label_before(text, match.start())
    return Statistic(
        match.start(), match.end(), match.group(0), number, parse_number(number), magnitude + counted, approx, label
    )


def parse_number(number: str) -> int | float:
    return float(number) if "." in number else int(number)


def find_dates(text: str) -> list[tuple[int, int]]:
    """Where calendar dates stand (2024年5月8日, 2023年, 5月8日): one value each, not three numbers."""
    return [m.span() for m in _DATE.finditer(text)]


def label_before(text: str, start: int) -> str:
    """The words of the clause before a number, without the verb that links them (出生人数为 → 出生人数)."""
    clause = _CLAUSE_END.split(text[:start])[-1]
    if re.search(r"\d", clause):  # 9镇9乡: the words before 9乡 are another statistic, not its name
        return ""
    return _LINKING.sub("", clause)
