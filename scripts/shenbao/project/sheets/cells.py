"""What people type in the 数值 cell, read as a figure's value — or refused, with why.

Pure functions: a cell's value (as the workbook stores it), its number format
and the figure it belongs to in; a value and a 概数词 out, or a refusal.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from shenbao.project.figures import MAGNITUDES, Figure, Number
from shenbao.project.sheets import columns as c

UNKNOWN_WORDS = {"待定", "待填", "未知", "不详", "暂无", "无数据", "-", "—", "--", "/", "？", "?"}
_MAGNITUDE = {"十": 10, "百": 100, "千": 1000, "万": 10_000, "亿": 100_000_000}
_TYPED = re.compile(
    r"^(?P<before>[约近])?(?P<number>[-+]?\d[\d,]*(?:\.\d+)?)(?P<after1>[余多])?"
    r"(?P<magnitude>[十百千万亿]*)(?P<after2>[余多])?(?P<unit>.*?)$"
)


@dataclass(frozen=True)
class Reading:
    """A value read from a cell; ``value`` None means the cell leaves the figure open."""

    value: Number | str | None
    approx: str = ""


@dataclass(frozen=True)
class Refusal:
    message: str
    hint: str = ""


def read_value(raw, number_format: str, figure: Figure) -> Reading | Refusal:
    """The figure's value from a 数值 cell: numbers, text as typed, dates; blank and 待定 stay open."""
    if raw is None:
        return Reading(None)
    if isinstance(raw, bool):
        return Refusal(f"“{raw}” 不是数值", "填写数字或文字")
    if isinstance(raw, (datetime.date, datetime.datetime)):
        if figure.unit:
            return Refusal(f"填的是日期，但{figure.label}是以“{figure.unit}”计的数", "填写数字，如 1271")
        day = raw.date() if isinstance(raw, datetime.datetime) else raw
        return Reading(f"{day.year}年{day.month}月{day.day}日")
    if isinstance(raw, (int, float)):
        if "%" in number_format and figure.unit == c.PERCENT:  # 99.76% typed into a percent cell is 0.9976
            return _checked(Decimal(repr(raw)) * 100, "", figure)
        return _checked(Decimal(repr(raw)), "", figure)
    text = unicodedata.normalize("NFKC", str(raw)).strip()  # １２７１ → 1271, ％ → %, ， → ,
    text = re.sub(r"\s+", "", text)
    if not text or text in UNKNOWN_WORDS:
        return Reading(None)
    if not figure.unit:
        return Reading(str(raw).strip())  # a text figure takes the text as typed
    return _typed_number(text, figure)


def _typed_number(text: str, figure: Figure) -> Reading | Refusal:
    match = _TYPED.match(text)
    if match is None or (match["after1"] and match["after2"]):
        return Refusal(f"“{text}” 不是数字", f"填写阿拉伯数字，如 1271 或 1,271；{figure.label}的单位是“{figure.unit}”")
    approx = match["before"] or match["after1"] or match["after2"] or ""
    try:
        number = Decimal(match["number"].replace(",", ""))
    except InvalidOperation:
        return Refusal(f"“{text}” 不是数字", "填写阿拉伯数字，如 1271")
    written = match["magnitude"] + match["unit"]
    scaled = _in_unit(number, match["magnitude"], match["unit"], figure.unit)
    if scaled is None:
        return Refusal(
            f"单位“{written}”与数据项的单位“{figure.unit}”不一致",
            f"按“{figure.unit}”换算后填写，或只填数字",
        )
    return _checked(scaled, approx, figure)


def _in_unit(number: Decimal, magnitude: str, unit: str, wanted: str) -> Decimal | None:
    """``number`` with its magnitude and unit as typed, in the figure's unit; None if they disagree."""
    wanted_magnitude = wanted[: len(wanted) - len(wanted.lstrip(MAGNITUDES))]
    base = wanted[len(wanted_magnitude) :]
    if unit == "%" and wanted == c.PERCENT and not magnitude:
        return number
    if unit and unit != base:
        return None  # 1271户 for a figure in 人
    if unit and magnitude != wanted_magnitude:
        return None  # 3万人 for a figure in 人: the writer should say which they meant
    if not magnitude:
        return number  # a bare number is in the figure's unit: 100 for 万元 is 100万元
    return number * _factor(magnitude) / _factor(wanted_magnitude)  # 约3万 for 人 is 30000


def _factor(magnitude: str) -> Decimal:
    factor = Decimal(1)
    for char in magnitude:
        factor *= _MAGNITUDE[char]
    return factor


def _checked(number: Decimal, approx: str, figure: Figure) -> Reading | Refusal:
    if number < 0 and c.is_count(figure.unit):
        return Refusal(f"{number} 是负数，{figure.label}不能为负", "检查是否多写了负号")
    if figure.unit == c.PERCENT and not 0 <= number <= 100:
        return Refusal(f"比率 {number} 不在 0 到 100 之间", "百分比填数字本身，如 99.76")
    if not figure.unit:
        return Refusal(
            f"填的是数字 {number}，但{figure.label}没有单位，只能填文字", "在 data/figures.yml 中给它加上单位"
        )
    normal = number.normalize()
    value: Number = int(normal) if normal == normal.to_integral_value() else float(normal)
    return Reading(value, approx)
