"""Statistics typed into a page instead of coming from data/figures.yml."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace

from shenbao.check.context import Context
from shenbao.check.page import MASK, Page
from shenbao.check.rule import UNSAFE, Finding, Fix, rule
from shenbao.project.figures import Figure, FigureBook, format_number
from shenbao.text.scanner import cells
from shenbao.text.statistics import COUNTERS, Statistic, find_statistics

_DIGIT = re.compile(r"\d")


@rule(
    "typed-number",
    "正文和表格里直接写的统计数字（数字加量词、万/亿、%、元），提示应改用或添加哪个数据项",
    fix=UNSAFE,
    settings="`data/check.yml`（counters、allowed_in_prose、allowed_patterns）",
)
def typed_number(page: Page, context: Context) -> Iterator[Finding]:
    """检查什么：正文和表格单元格中数字后面紧跟量词（个、户、人、家、亩、吨、镇、乡……）、
    数量级（万、亿，包括“万多”“余万”“多万”）、%、‰ 或元的写法，如 1271人、32.03亿元、1.2万多人、30万。

    为什么：每个统计数字只在 data/figures.yml 中写一次，页面、表格和 DOCX 才不会互相矛盾；
    直接打在正文里的数字改数据时改不到。

    示例：
        上半年出生人数为1271人，全市共有9镇9乡。

    如何修正：有同值数据项时改用提示中的 `{{ fig("…") }}`（`--fix --unsafe-fixes` 可代为替换，
    同一数值可能是不同的量，所以要逐处确认）；没有时按提示在 data/figures.yml 中添加一项。
    纪念日（3.8）、序号（第3次）、书名号中的名称等不是统计数字，在 data/check.yml 的
    allowed_in_prose 或 allowed_patterns 中列出。
    """
    settings = context.settings
    units = [*COUNTERS, *settings.counters]
    book = context.project.figures
    for number, line in enumerate(page.prose, start=1):
        if not _DIGIT.search(line):
            continue
        in_table = number in page.table_rows
        for statistic in find_statistics(line, units, settings.allowed, settings.allowed_patterns):
            if in_table and not statistic.label:
                statistic = replace(statistic, label=row_label(line, statistic.start))
            where = "表格中" if in_table else "正文"
            holder = figure_with_value(book, statistic)
            column = statistic.start + 1
            message = f"{where}直接写了统计数字 “{statistic.text}”"
            if holder is None:
                yield Finding(
                    number, column, message, f"在 data/figures.yml 中添加 {figure_entry(statistic)}，再用 fig() 引用"
                )
                continue
            replacement = f'{{{{ fig("{holder.name}") }}}}'
            yield Finding(
                number, column, message, f"改用 {replacement}", Fix(number, column, statistic.text, replacement)
            )


def figure_with_value(book: FigureBook, statistic: Statistic) -> Figure | None:
    """The figure that reads exactly as the typed text: same number, unit and approximation."""
    for figure in book.values():
        if (
            figure.is_number
            and format_number(figure.value) == statistic.number
            and figure.unit == statistic.unit
            and (figure.approx or "") == statistic.approx
        ):
            return figure
    return None


def figure_entry(statistic: Statistic) -> str:
    """The line to add to data/figures.yml, named after the words before the number."""
    approx = f", approx: {statistic.approx}" if statistic.approx else ""
    return f"{{label: {statistic.label or '（名称）'}, unit: {statistic.unit}, value: {statistic.number}{approx}}}"


def row_label(line: str, start: int) -> str:
    """A table cell's statistic is named by its row's first cell (财政收入 | 32.03亿元)."""
    row = cells(line, 0)
    first = row[0] if row else None
    if first is None or first.column - 1 >= start or MASK in first.text:
        return ""
    return first.text
