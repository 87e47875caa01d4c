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

from shenbao.errors import ShenbaoError
from shenbao.project import datafile
from shenbao.project.figures import Figure, FigureBook, closest_names, escape_markdown
from shenbao.project.markers import placeholder

TABLE, CHART = "表", "图"
SCHEMA = "exhibits"  # shenbao/schemas/exhibits.schema.json
_TOKEN = re.compile(r"\ue010(?P<name>[\w.-]+)\ue011")


class ExhibitError(ShenbaoError, KeyError):
    """A page names a table or chart the exhibits file does not define."""


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


class ExhibitDataError(datafile.DataFileError, KeyError):
    """A mistake in the exhibits file; still a KeyError, which is what callers caught before it was located."""


def reference_token(name: str) -> str:
    return f"\ue010{name}\ue011"


def load_exhibits(path: Path, book: FigureBook, shown: str | Path | None = None) -> Exhibits:
    """The tables and charts a data file defines, each figure checked against the figures file.

    Every mistake is a ``DataFileError`` naming ``shown`` (default: the path), line and column.
    """
    if not path.exists():
        return Exhibits()
    shown = shown or datafile.shown_path(path)
    try:
        data, marks = datafile.read_yaml(path, shown)
        datafile.validate(data or {}, marks, shown, SCHEMA, _explain)
    except datafile.DataFileError as error:
        raise ExhibitDataError(error.path, error.line, error.column, error.message, error.hint) from None
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
    for problem in exhibit_problems(tables, charts, book):
        line, column = marks.get(problem.where, (0, 0))
        raise ExhibitDataError(shown, line, column, problem.message, problem.hint)
    return Exhibits(tables, charts)


@dataclass(frozen=True)
class ExhibitProblem:
    where: tuple  # the path of keys to the value at fault, for its line and column
    message: str
    hint: str = ""


def exhibit_problems(tables: dict[str, TableSpec], charts: dict[str, ChartSpec], book: FigureBook):
    """What the schema cannot know: figures the data lacks, charts of text, series of the wrong length."""
    for name, spec in tables.items():
        for index, figure in enumerate(spec.rows):
            if figure not in book:
                yield _unknown_figure(figure, ("tables", name, "rows", index), book)
        for figure in spec.notes:
            if figure not in spec.rows:
                yield ExhibitProblem(
                    ("tables", name, "notes", figure),
                    f"表 {name} 的备注 “{figure}” 不在 rows 中",
                    "备注只能写给表中的行",
                )
    for name, spec in charts.items():
        for position, series in enumerate(spec.series):
            where = ("charts", name, "series", position)
            if len(series.figures) != len(spec.categories):
                yield ExhibitProblem(
                    (*where, "figures"),
                    f"图 {name} 的系列 “{series.name}” 有 {len(series.figures)} 个数据项，"
                    f"但 categories 有 {len(spec.categories)} 个",
                    "每个系列为每个类别给一个数据项",
                )
            for index, figure in enumerate(series.figures):
                if figure not in book:
                    yield _unknown_figure(figure, (*where, "figures", index), book)
                elif book[figure].known and not book[figure].is_number:
                    yield ExhibitProblem(
                        (*where, "figures", index),
                        f"图 {name} 中的 “{figure}” 是文字，图只能画数字",
                        "换成数值型的数据项",
                    )


def _unknown_figure(name: str, where: tuple, book: FigureBook) -> ExhibitProblem:
    suggestions = closest_names(name, book)
    hint = f"是否想用：{'、'.join(suggestions)}" if suggestions else "先在 data/figures.yml 中添加这一项"
    return ExhibitProblem(where, f"未知数据项 “{name}”", hint)


def _explain(error, where: tuple) -> tuple[str, str]:
    """Say a schema error of the exhibits file in the writer's words."""
    place = " ".join(str(part) for part in where[:2]) or "文件顶层"
    kind = error.validator
    if kind == "required":
        missing = re.search(r"'(\w+)'", error.message).group(1)
        return f"{place} 缺少 {missing}", "表要有 title 和 rows；图要有 title、categories 和 series"
    if kind == "additionalProperties":
        allowed = "、".join(error.schema.get("properties", {})) or "无"
        return f"{place} 有未知字段 {where[-1] if where else ''}", f"可用字段：{allowed}"
    if kind == "pattern":
        if "." in error.validator_value:
            return f"“{error.instance}” 不是数据项名称", "数据项名称写成 分组.名称，如 population.total"
        return f"名称 “{error.instance}” 只能用字母、数字、下划线、点和连字符", ""
    if kind == "type":
        return f"{place} 的 {where[-1] if len(where) > 2 else '内容'} 类型不对", _TYPE_HINTS.get(where[-1:], "")
    if kind == "minItems":
        return f"{place} 的 {where[-1]} 是空的", "至少写一项"
    if kind == "maxItems":  # a page and a sheet of A4 hold far fewer; drawing more would stall the build
        return (
            f"{place} 的 {where[-1]} 有 {len(error.instance)} 项，超过上限 {error.validator_value} 项",
            "拆成几个表或图，或只列主要的几项",
        )
    return f"{place}：{error.message}", ""


_TYPE_HINTS = {
    ("rows",): "rows 是数据项名称的列表，每行写 - 分组.名称",
    ("series",): "series 是列表，每项有 name 和 figures",
    ("categories",): "categories 是类别名称的列表，如 [2019年, 2020年]",
}


def value_cell(figure: Figure) -> str:
    """A table cell: the value without its unit (the unit has a column), or a placeholder."""
    if not figure.known:
        return placeholder(figure.label, figure.name)
    return escape_markdown(figure.parts()[0])


def unit_cell(figure: Figure) -> str:
    """The unit column: what is left of the unit once 概数词 and 万/亿 have found their place."""
    return escape_markdown(figure.parts()[1] if figure.known else figure.unit)


FIGURE_CAPTION = "figure-caption"


def caption_opening(kind_class: str) -> str:
    return f'<div class="caption {kind_class}" markdown>'


def caption(kind_class: str, number: str, title: str) -> str:
    # A div both renderers understand: Python-Markdown (md_in_html) and pandoc (native divs). The title is
    # text (a file name, a line of exhibits.yml): brackets or stars in it are shown, never read as Markdown.
    return f"{caption_opening(kind_class)}{number}　{escape_markdown(title)}</div>"


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
        caption(FIGURE_CAPTION, number, spec.title),
    ]
    if missing:
        names = "".join(placeholder(f.label, f.name) for f in missing)
        lines += ["", f'<div class="chart-missing" markdown>图中空缺：{names}</div>']
    return "\n".join(lines) + "\n"


SIGNATURE = "signature"  # the class both renderers know the block by


def signature_markdown(applicant: Figure, date: Figure) -> str:
    """署名 and 成文日期 as a div both renderers understand; the DOCX sets them right (§7.3.5)."""
    return f'<div class="{SIGNATURE}" markdown>\n\n{applicant.as_markdown()}\n\n{date.as_markdown()}\n\n</div>'
