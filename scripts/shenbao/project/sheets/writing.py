"""Write the 填报表: one row per figure, the cell to fill, and what each number is for.

The workbook must open cleanly in Excel, WPS 表格 and LibreOffice Calc, so it
uses only what all three read: a frozen, styled header, sheet protection that
locks the names (the import finds rows by them), data validations that warn
rather than forbid (people type ``约3万`` and ``1271人``, which the import reads).
"""

from __future__ import annotations

import io
from collections.abc import Iterable

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from shenbao.project.figures import Figure, format_number
from shenbao.project.sheets import columns as c
from shenbao.project.sheets.places import Use
from shenbao.text.titles import text_width

MAX_WIDTH = {c.USES: 60, c.LABEL: 30, c.NOTE: 30, c.SOURCE: 20}  # wider columns wrap instead
_HEADER_FILL = PatternFill("solid", fgColor="DDE5F0")
_THIN = Side(style="thin", color="999999")
_FONT = "宋体"  # present, or substituted sensibly, wherever Chinese is read
SHEET_TITLE_MAX = 31  # Excel's limit


def workbook_bytes(figures: Iterable[Figure], uses: dict[str, list[Use]], per_group: bool = False) -> bytes:
    """The workbook as an .xlsx file's bytes; one sheet in all, or one per group of figures."""
    book = Workbook()
    book.remove(book.active)
    sheets: dict[str, list[Figure]] = {}
    for figure in figures:
        title = figure.name.split(".")[0] if per_group else c.ONE_SHEET
        sheets.setdefault(title[:SHEET_TITLE_MAX], []).append(figure)
    if not sheets:
        sheets[c.ONE_SHEET] = []
    for title, members in sheets.items():
        _fill_sheet(book.create_sheet(title), members, uses)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _row(figure: Figure, uses: list[Use]) -> list:
    value = figure.value
    if figure.known and figure.is_number:
        value = int(value) if float(value).is_integer() else float(format_number(value))
    return [
        figure.name,
        figure.label,
        figure.unit,
        value,
        figure.approx or None,
        figure.source or None,
        figure.note or None,
        "\n".join(str(use) for use in uses) or None,
    ]


def _fill_sheet(sheet: Worksheet, figures: list[Figure], uses: dict[str, list[Use]]) -> None:
    sheet.append(list(c.HEADERS))
    for figure in figures:
        sheet.append(_row(figure, uses.get(figure.name, [])))
    last = sheet.max_row
    _style(sheet, last)
    _validate(sheet, figures)
    sheet.freeze_panes = "B2"  # the header and the names stay in view
    # the names are how the import finds each row: locked; everything else may be typed in
    sheet.protection.sheet = True
    sheet.protection.formatColumns = False
    sheet.protection.formatRows = False
    sheet.protection.autoFilter = False
    sheet.protection.sort = False


def _style(sheet: Worksheet, last: int) -> None:
    header_font = Font(name=_FONT, bold=True)
    body_font = Font(name=_FONT)
    for column, header in enumerate(c.HEADERS, start=1):
        cell = sheet.cell(1, column)
        cell.font, cell.fill = header_font, _HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center")
        cell.border = Border(bottom=_THIN)
        letter = cell.column_letter
        widest = max((text_width(str(sheet.cell(r, column).value or "")) for r in range(1, last + 1)), default=4)
        widest = max(widest, text_width(header) + 2)
        # a Chinese character is about two of the widths Excel counts in
        sheet.column_dimensions[letter].width = min(widest * 2 + 2, MAX_WIDTH.get(header, 40) * 2)
        for row in range(2, last + 1):
            body = sheet.cell(row, column)
            body.font = body_font
            body.alignment = Alignment(vertical="top", wrap_text=header in MAX_WIDTH)
            body.protection = Protection(locked=header == c.NAME)
    sheet.row_dimensions[1].height = 22


def _validate(sheet: Worksheet, figures: list[Figure]) -> None:
    """Warn, do not forbid: the import reads 约3万 and 1271人, which a strict rule would refuse."""
    kinds = {
        "percent": DataValidation(type="decimal", operator="between", formula1="0", formula2="100"),
        "count": DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0"),
        "number": DataValidation(type="decimal", operator="between", formula1="-1E+15", formula2="1E+15"),
    }
    words = {
        "percent": "请填 0 到 100 之间的数字，如 99.76（不必写 %）",
        "count": "请填不小于 0 的数字，如 1271；概数词（余、多、近、约）填在“概数”列",
        "number": "请填数字",
    }
    for kind, validation in kinds.items():
        validation.allow_blank = True
        validation.showErrorMessage = validation.showInputMessage = True  # openpyxl leaves both off
        validation.errorStyle = "warning"
        validation.errorTitle, validation.error = "不是数字", words[kind]
        validation.promptTitle, validation.prompt = "填写数值", words[kind]
    value_column = c.letter(c.VALUE)
    for row, figure in enumerate(figures, start=2):
        if not figure.unit:
            continue
        kind = "percent" if figure.unit == c.PERCENT else "count" if c.is_count(figure.unit) else "number"
        kinds[kind].add(f"{value_column}{row}")
    approx = DataValidation(type="list", formula1='"' + ",".join(c.APPROX_WORDS) + '"', allow_blank=True)
    approx.showErrorMessage = True
    approx.errorTitle, approx.error = "概数词", "只能是 " + "、".join(c.APPROX_WORDS) + "，或留空"
    if figures:
        approx.add(f"{c.letter(c.APPROX)}2:{c.letter(c.APPROX)}{len(figures) + 1}")
    for validation in (*kinds.values(), approx):
        if validation.sqref:
            sheet.add_data_validation(validation)
