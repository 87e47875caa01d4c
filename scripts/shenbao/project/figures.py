"""Load the application's figures from YAML and render them the Chinese way.

Nothing here knows MkDocs: pages, checks and exports all come through these
functions, so a figure is parsed, validated and formatted in one place.
"""

from __future__ import annotations

import datetime
import difflib
import html
import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from shenbao.errors import ShenbaoError
from shenbao.project import datafile
from shenbao.project.datafile import DataFileError
from shenbao.project.markers import placeholder

SCHEMA = "figures"  # shenbao/schemas/figures.schema.json; data/figures.schema.json is the editors' copy

Number = int | float

# Figures the build itself uses, whether or not a page does.
TITLE = "application.title"  # the site's name and the DOCX's file name
APPLICANT = "application.applicant"  # the DOCX's author
DATE = "application.date"  # the date under the signature (signature())
BUILD_FIGURES = (TITLE, APPLICANT)
# what each is for, as messages and the README say it
SPECIAL_NAMES = {
    TITLE: "网站名称、DOCX 的标题和文件名，缺少时用 mkdocs.yml 的 site_name",
    APPLICANT: "DOCX 文件属性中的作者（申报单位），缺少时留空",
}


class UnknownFigureError(ShenbaoError, KeyError):
    """A page asks for a figure the data does not have."""

    def __init__(self, name: str, suggestions: list[str]):
        self.name, self.suggestions = name, suggestions
        super().__init__(f"未知数据项 “{name}”", f"是否想用：{'、'.join(suggestions)}" if suggestions else "")


@dataclass(frozen=True)
class Figure:
    name: str  # "group.key", the name pages use
    label: str
    value: Number | str | None
    unit: str = ""
    approx: str = ""
    note: str = ""
    keep: bool = False
    line: int = 0
    source: str = ""  # who supplied the value (县统计局), as the returned workbook said

    @property
    def known(self) -> bool:
        return self.value is not None

    @property
    def is_number(self) -> bool:
        return isinstance(self.value, (int, float))

    def as_text(self) -> str:
        """The figure as a reader sees it, e.g. ``1271人``, ``100余万元``, ``1.2万多人``, ``约60%``."""
        return "".join(self.parts())

    def parts(self) -> tuple[str, str]:
        """The value and the unit as a table shows them in two columns: ``1.2万多`` and ``人``."""
        if not self.known:
            raise ValueError(f"{self.name} has no value")
        if not self.is_number:
            return str(self.value), self.unit
        return place_approx(format_number(self.value), self.approx, self.unit)

    def as_markdown(self) -> str:
        """Markdown for a page: the escaped text, or a visible placeholder."""
        if not self.known:
            return placeholder(self.label, self.name)
        return escape_markdown(self.as_text())


class FigureBook(dict[str, Figure]):
    """All figures by name, remembering which file they came from."""

    def __init__(self, figures: dict[str, Figure], path: str | Path = ""):
        super().__init__(figures)
        self.path = str(path)

    def get_figure(self, name: str) -> Figure:
        try:
            return self[name]
        except KeyError:
            raise UnknownFigureError(name, closest_names(name, self)) from None

    def unknown(self) -> list[Figure]:
        return [figure for figure in self.values() if not figure.known]


def format_number(value: Number) -> str:
    """Write a number as it was given: no exponent, no trailing ``.0``, no grouping."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return format(Decimal(repr(value)), "f")


# 概数词: 近/约 stand before the number; 余/多 after it, or after 万/亿 when the
# number does not end in a round 0 (100余万元, but 1.2万多人 and 3万多人, never 3多万人).
APPROX_BEFORE = ("近", "约")
APPROX_AFTER = ("余", "多")
MAGNITUDES = "十百千万亿"


def place_approx(number: str, approx: str, unit: str) -> tuple[str, str]:
    """Put a 概数词 where Chinese puts it; returns the value part and the unit part."""
    if approx in APPROX_BEFORE:
        return f"{approx}{number}", unit
    magnitude = len(unit) - len(unit.lstrip(MAGNITUDES))
    if approx and magnitude and not (number.endswith("0") and "." not in number):
        return f"{number}{unit[:magnitude]}{approx}", unit[magnitude:]
    return f"{number}{approx}", unit


_MARKDOWN_MARKS = r"[\\`*_\[\]{}<>#|]"
_MARKDOWN_SPECIAL = re.compile(f"({_MARKDOWN_MARKS})")
ESCAPED_MARK = re.compile(rf"\\({_MARKDOWN_MARKS})")  # a mark as ``escape_markdown`` writes it


def escape_markdown(text: str) -> str:
    """Make data inert in a page: no HTML, no Markdown, no Jinja."""
    text = html.escape(text, quote=True)
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def unescape_markdown(markdown: str) -> str:
    """The text ``escape_markdown`` was given."""
    return html.unescape(ESCAPED_MARK.sub(r"\1", markdown))


def closest_names(name: str, names, n: int = 3) -> list[str]:
    return difflib.get_close_matches(name, list(names), n=n, cutoff=0.75)


# --- loading -----------------------------------------------------------------


def load_figures(path: str | Path) -> FigureBook:
    """Read and validate the figures file; every error names its line."""
    path = Path(path)
    try:
        data, marks = datafile.read_yaml(path)
    except FileNotFoundError:
        raise DataFileError(path, 0, 0, "找不到数据文件", "data/figures.yml 应在项目根目录下") from None
    return figures_from(data, marks, path)


def parse_figures(text: str, path: str | Path = "data/figures.yml") -> FigureBook:
    data, marks = datafile.parse_yaml(text, path)
    return figures_from(data, marks, path)


def figures_from(data, marks: datafile.Marks, path: str | Path) -> FigureBook:
    """The figures of a parsed file, once it is valid; every error names its line."""
    if not data:
        raise DataFileError(
            path, 0, 0, "数据文件是空的", "至少要有 application.title（申报材料标题），见 README 中的示例"
        )
    datafile.validate(data, marks, path, SCHEMA, _explain)
    figures = {}
    for group, members in (data or {}).items():
        for key, spec in members.items():
            name = f"{group}.{key}"
            figures[name] = Figure(
                name=name,
                label=spec["label"],
                value=spec["value"],
                unit=spec.get("unit", ""),
                approx=spec.get("approx", ""),
                note=spec.get("note", ""),
                keep=spec.get("keep", False),
                line=marks[(group, key)][0],
                source=spec.get("source", ""),
            )
    return FigureBook(figures, path)


def _explain(error, where: tuple) -> tuple[str, str]:
    """Say a schema error in the writer's words."""
    name = ".".join(str(part) for part in where[:2]) or "文件顶层"
    kind = error.validator
    if kind == "required":
        missing = re.search(r"'(\w+)'", error.message).group(1)
        hints = {
            "label": "每项都要有中文名称",
            "value": "未知的值写 value: null",
            "unit": "数量要有单位，如 人、万元、%",
        }
        return f"{name} 缺少 {missing}", hints.get(missing, "")
    if kind == "additionalProperties":
        return f"{name} 有未知字段 {where[-1]}", "可用字段：label、value、unit、approx、note、keep、source"
    if kind in ("minimum", "maximum") and "maximum" in error.schema:  # only ratios have both bounds
        return f"{name} 的比率 {error.instance} 不在 0 到 100 之间", "百分比写数字本身，如 99.76"
    if kind == "minimum":
        return f"{name} 的值 {error.instance} 是负数，数量和金额不能为负", "检查是否多写了负号"
    if isinstance(error.instance, datetime.date):
        return f"{name} 的 {where[-1]} 是日期，数据项的值只能是数字或文字", f'日期请加引号，如 "{error.instance}"'
    if kind == "type" and where[-1:] == ("value",) and isinstance(error.instance, str):
        return (
            f"{name} 的值 “{error.instance}” 是文字，但它有单位",
            "有单位的值要写阿拉伯数字，如 1200；“余”“多”等概数词写在 approx 中",
        )
    if kind == "enum":
        return f"{name} 的 {where[-1]} 只能是 {'、'.join(error.validator_value)}", ""
    if kind == "type":
        expected = {"object": "一组名称和值", "string": "文字", "boolean": "true 或 false"}
        wanted = error.validator_value
        wanted = wanted if isinstance(wanted, str) else "/".join(wanted)
        return f"{name} 的 {where[-1] if len(where) > 2 else '内容'} 类型不对，应为{expected.get(wanted, wanted)}", ""
    if kind == "pattern":
        return f"名称 “{error.instance}” 只能用小写字母、数字和下划线", "如 population 或 policy_rate"
    return f"{name}：{error.message}", ""
