"""Tables and charts of figures, with captions numbered across the application.

A caption's number is given when its table or chart is rendered, pages being
rendered in document order; a reference (``见表1``) may come before the thing
it names, so it is written as a token and filled in once every page is known.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from shenbao.figures import Figure, FigureBook, escape_markdown
from shenbao.markers import placeholder

TABLE, CHART = "表", "图"
_TOKEN = re.compile(r"\ue010(?P<name>[\w.-]+)\ue011")


class ExhibitError(KeyError):
    def __str__(self) -> str:
        return self.args[0]


@dataclass(frozen=True)
class TableSpec:
    name: str
    title: str
    rows: tuple[str, ...]
    notes: dict


@dataclass(frozen=True)
class Series:
    name: str
    figures: tuple[str, ...]


@dataclass(frozen=True)
class ChartSpec:
    name: str
    title: str
    unit: str
    categories: tuple[str, ...]
    series: tuple[Series, ...]

    def figure_names(self) -> list[str]:
        return [name for series in self.series for name in series.figures]


@dataclass
class Exhibits:
    """The definitions, and the numbers given so far in this build."""

    tables: dict[str, TableSpec] = field(default_factory=dict)
    charts: dict[str, ChartSpec] = field(default_factory=dict)
    numbers: dict[str, str] = field(default_factory=dict)  # name → 表1 / 图1

    def number(self, name: str) -> str:
        """Give the exhibit its caption number the first time it is placed."""
        if name not in self.numbers:
            kind = TABLE if name in self.tables else CHART
            count = sum(1 for label in self.numbers.values() if label.startswith(kind))
            self.numbers[name] = f"{kind}{count + 1}"
        return self.numbers[name]

    def check(self, name: str) -> None:
        if name not in self.tables and name not in self.charts:
            known = "、".join(sorted(self.tables) + sorted(self.charts)) or "无"
            raise ExhibitError(f"data/exhibits.yml 中没有名为 “{name}” 的表或图（已有：{known}）")

    def figure_names(self, name: str) -> list[str]:
        """The figures a table or chart shows."""
        if name in self.tables:
            return list(self.tables[name].rows)
        return self.charts[name].figure_names() if name in self.charts else []

    def resolve(self, text: str) -> str:
        """Fill in every reference token with the number its exhibit got."""
        return _TOKEN.sub(lambda m: self.numbers.get(m["name"], f"【未放置：{m['name']}】"), text)


def reference_token(name: str) -> str:
    return f"\ue010{name}\ue011"


def load_exhibits(path: Path, book: FigureBook) -> Exhibits:
    if not path.exists():
        return Exhibits()
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    tables = {
        name: TableSpec(name, spec["title"], tuple(spec["rows"]), spec.get("notes") or {})
        for name, spec in (data.get("tables") or {}).items()
    }
    charts = {
        name: ChartSpec(
            name,
            spec["title"],
            spec.get("unit", ""),
            tuple(spec["categories"]),
            tuple(Series(s["name"], tuple(s["figures"])) for s in spec["series"]),
        )
        for name, spec in (data.get("charts") or {}).items()
    }
    for spec in tables.values():
        for figure in [*spec.rows, *spec.notes]:
            book.get_figure(figure)  # an unknown name fails here, with the closest names
    for spec in charts.values():
        for figure in spec.figure_names():
            book.get_figure(figure)
    return Exhibits(tables, charts)


def value_cell(figure: Figure) -> str:
    """A table cell: the value without its unit (the unit has a column), or a placeholder."""
    if not figure.known:
        return placeholder(figure.label, figure.name)
    return escape_markdown(figure.parts()[0])


def unit_cell(figure: Figure) -> str:
    """The unit column: what is left of the unit once 概数词 and 万/亿 have found their place."""
    return escape_markdown(figure.parts()[1] if figure.known else figure.unit)


def caption(kind_class: str, number: str, title: str) -> str:
    # A div both renderers understand: Python-Markdown (md_in_html) and pandoc (native divs).
    return f'<div class="caption {kind_class}" markdown>{number}　{html.escape(title)}</div>'


def table_markdown(spec: TableSpec, book: FigureBook, number: str) -> str:
    """The table under its caption: 指标 | 数值 | 单位 | 备注."""
    lines = [
        caption("table-caption", number, spec.title),
        "",
        "| 指标 | 数值 | 单位 | 备注 |",
        "| --- | ---: | :---: | --- |",
    ]
    for name in spec.rows:
        figure = book.get_figure(name)
        note = escape_markdown(spec.notes.get(name, ""))
        lines.append(f"| {escape_markdown(figure.label)} | {value_cell(figure)} | {unit_cell(figure)} | {note} |")
    return "\n".join(lines) + "\n"


def chart_markdown(spec: ChartSpec, image_uri: str, number: str, missing: list[Figure]) -> str:
    """The chart image over its caption; unknown values are named under it, never drawn as zero."""
    lines = [
        f'![{html.escape(spec.title)}]({image_uri}){{width="100%"}}',
        "",
        caption("figure-caption", number, spec.title),
    ]
    if missing:
        names = "".join(placeholder(f.label, f.name) for f in missing)
        lines += ["", f'<div class="chart-missing" markdown>图中空缺：{names}</div>']
    return "\n".join(lines) + "\n"
