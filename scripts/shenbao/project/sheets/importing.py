"""Read a returned 填报表 into the figures: decide per row, then write all of it or nothing.

A refused cell (text where a number belongs, a negative count, a unit that
disagrees) stops the whole import: a half-imported workbook is harder to
reason about than one to correct and import again. A known value is never
replaced by a different one unless the writer says ``--force``.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from shenbao.errors import ShenbaoError, hinted
from shenbao.project.datafile import DataFileError
from shenbao.project.figures import Figure, FigureBook, parse_figures
from shenbao.project.sheets import cells, yaml_edit
from shenbao.project.sheets import columns as c
from shenbao.text.textfile import read_text, write_atomically


class SheetError(ShenbaoError):
    """The workbook cannot be read at all."""


@dataclass(frozen=True)
class Entry:
    cell: str  # Sheet1!D7
    name: str
    text: str
    hint: str = ""

    def __str__(self) -> str:
        return f"  {self.cell} {self.name}：{hinted(self.text, self.hint)}"


@dataclass
class Outcome:
    filled: list[Entry] = field(default_factory=list)
    unchanged: list[Entry] = field(default_factory=list)
    conflicts: list[Entry] = field(default_factory=list)
    refused: list[Entry] = field(default_factory=list)
    blank: int = 0
    edits: yaml_edit.Edits = field(default_factory=dict)
    written: bool = False

    def summary(self) -> str:
        lines = [
            f"已填入 {len(self.filled)} 项，未变 {len(self.unchanged)} 项，"
            f"冲突 {len(self.conflicts)} 项，拒绝 {len(self.refused)} 项，留空 {self.blank} 项"
        ]
        for title, entries in (
            ("已填入", self.filled),
            ("未变", self.unchanged),
            ("冲突（未覆盖）", self.conflicts),
            ("拒绝", self.refused),
        ):
            if entries:
                lines += [f"{title}："] + [str(entry) for entry in entries]
        if self.refused:
            lines.append("有被拒绝的单元格，没有写入任何数据：改正后重新导入。")
        return "\n".join(lines)


def shown(figure: Figure, value, approx: str) -> str:
    if value is None:
        return "待填"
    probe = Figure(figure.name, figure.label, value, figure.unit, approx)
    return probe.as_text()


def read_rows(path: Path) -> list[tuple[str, dict[str, object], dict[str, str], dict[str, str]]]:
    """(sheet, values by header, number formats by header, cell names by header) of every filled row."""
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    if not path.is_file():
        raise SheetError(f"{path}: 找不到这个工作簿", "检查路径；文件名含空格时加引号")
    try:
        book = load_workbook(path, data_only=True)  # a formula cell gives the value it last showed
    except (OSError, zipfile.BadZipFile, KeyError, ValueError, InvalidFileException) as error:
        raise SheetError(
            f"{path.name}: 不能读取这个工作簿（{error}）", "另存为 .xlsx（Excel 工作簿）格式后再导入"
        ) from None
    rows = []
    for sheet in book.worksheets:
        header = {str(cell.value).strip(): cell.column for cell in sheet[1] if cell.value is not None}
        if c.NAME not in header or c.VALUE not in header:
            continue  # a sheet of notes the sender added: not ours
        for row in sheet.iter_rows(min_row=2):
            by_column = {cell.column: cell for cell in row}
            values, formats, names = {}, {}, {}
            for title, column in header.items():
                cell = by_column.get(column)
                if cell is None:
                    continue
                values[title], formats[title] = cell.value, cell.number_format or ""
                names[title] = f"{sheet.title}!{cell.coordinate}"
            if values.get(c.NAME):
                rows.append((sheet.title, values, formats, names))
    return rows


def plan(rows, book: FigureBook, default_source: str, force: bool) -> Outcome:
    """What the rows would change in ``book``; nothing is written here."""
    outcome = Outcome()
    seen: dict[str, str] = {}
    for _sheet, values, formats, names in rows:
        name = str(values[c.NAME]).strip()
        where = names.get(c.VALUE, names[c.NAME])
        figure = book.get(name)
        if figure is None:
            outcome.refused.append(
                Entry(names[c.NAME], name, "data/figures.yml 中没有这个数据项", "不要修改“数据项”列")
            )
            continue
        reading = cells.read_value(values.get(c.VALUE), formats.get(c.VALUE, ""), figure)
        if isinstance(reading, cells.Refusal):
            outcome.refused.append(Entry(where, name, reading.message, reading.hint))
            continue
        if reading.value is None:
            outcome.blank += 1
            continue
        approx = _approx(reading, values.get(c.APPROX))
        if isinstance(approx, cells.Refusal):
            outcome.refused.append(Entry(names.get(c.APPROX, where), name, approx.message, approx.hint))
            continue
        new = shown(figure, reading.value, approx)
        if name in seen and seen[name] != new:
            outcome.refused.append(Entry(where, name, f"前面已填 {seen[name]}，这里又填 {new}", "同一数据项只填一处"))
            continue
        seen[name] = new
        if figure.known and figure.value == reading.value and figure.approx == approx:
            outcome.unchanged.append(Entry(where, name, new))
            continue
        if figure.known and not force:
            outcome.conflicts.append(
                Entry(where, name, f"表中为 {new}，数据中已是 {figure.as_text()}", "确认表中的值正确后加 --force 覆盖")
            )
            continue
        source = str(values.get(c.SOURCE) or "").strip() or default_source
        fields: dict = {"value": reading.value, "approx": approx or None, "source": source}
        if not approx and not figure.approx:
            del fields["approx"]
        outcome.edits[tuple(name.split(".", 1))] = fields
        before = f"（原为 {figure.as_text()}）" if figure.known else ""
        outcome.filled.append(Entry(where, name, f"{new}{before}，来源：{source}"))
    return outcome


def _approx(reading: cells.Reading, column) -> str | cells.Refusal:
    typed = str(column or "").strip()
    if typed and typed not in c.APPROX_WORDS:
        return cells.Refusal(f"概数“{typed}”不是概数词", "只能填 " + "、".join(c.APPROX_WORDS) + " 或留空")
    if typed and reading.approx and typed != reading.approx:
        return cells.Refusal(f"数值中写了“{reading.approx}”，概数列却是“{typed}”", "两处只留一处")
    return typed or reading.approx


def import_workbook(workbook: Path, figures_file: Path, shown_name: str, force: bool = False) -> Outcome:
    """Import ``workbook`` into ``figures_file``; written only when no cell was refused."""
    text = read_text(figures_file, shown=shown_name)
    book = parse_figures(text, shown_name)
    outcome = plan(read_rows(workbook), book, workbook.name, force)
    if outcome.refused or not outcome.edits:
        return outcome
    new_text = yaml_edit.apply(text, outcome.edits)
    try:
        parse_figures(new_text, shown_name)  # the file as written must load as the build loads it
    except DataFileError as error:
        raise SheetError(f"导入后的数据文件无效：{error}", "没有写入；请把这个工作簿和数据文件一起报告") from None
    write_atomically(figures_file, new_text)  # never a half-written figures file
    outcome.written = True
    return outcome
