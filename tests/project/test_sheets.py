"""The 填报表: export the open figures, fill the workbook as people type, import it back."""

from __future__ import annotations

import csv
import datetime
import os
import subprocess
import urllib.parse

import docx
import lxml.html
import pytest
import yaml
from openpyxl import load_workbook

from conftest import ROOT, make_project, run_cli
from shenbao.project.figures import Figure, load_figures
from shenbao.project.sheets import cells

SHEET = "填报表"


def rows_by_name(sheet) -> dict[str, int]:
    return {sheet.cell(row, 1).value: row for row in range(2, sheet.max_row + 1)}


def fill(path, values: dict[str, object], sources: dict[str, str] = ()) -> None:
    """Type into the 数值 (and 来源) column of the rows named, as a person in Excel would."""
    book = load_workbook(path)
    sheet = book[SHEET]
    rows = rows_by_name(sheet)
    for name, value in values.items():
        sheet.cell(rows[name], 4).value = value
    for name, source in dict(sources).items():
        sheet.cell(rows[name], 6).value = source
    book.save(path)


def comments_of(text: str) -> list[str]:
    return [line[line.index("#") :] for line in text.splitlines() if "#" in line]


def key_paths(text: str) -> list[tuple]:
    data = yaml.safe_load(text)
    return [(g, k, f) for g, members in data.items() for k, spec in members.items() for f in spec]


TYPED = {
    "health.doctors": 1271,
    "health.nurses": "1,271",
    "health.beds": "１２７１",
    "health.visits": "1271人次",
    "stats.population": "约3万",
    "health.coverage": "99.76%",
    "health.pending": "待定",
    "health.blank": None,
    "application.date": datetime.datetime(2024, 5, 8),
    "stats.towns": 12,  # known, the same: unchanged
    "stats.clinics": 211,  # known as 210: a conflict
}
REFUSED = {
    "stats.households": "很多",  # text where a number belongs
    "health.screened": -5,  # a negative count
    "funds.budget": "300元",  # 元 for a figure in 万元
}


@pytest.fixture
def exported(tmp_path):
    project = make_project(tmp_path, "sheets")
    result = run_cli(project, "sheet", "export", "--all", "-o", "returned.xlsx")
    assert result.returncode == 0, result.output
    assert "17 项" in result.stdout
    return project


def test_export_columns_header_locks_and_uses(exported):
    book = load_workbook(exported / "returned.xlsx")
    assert book.sheetnames == [SHEET]
    sheet = book[SHEET]
    assert [cell.value for cell in sheet[1]] == [
        "数据项",
        "名称",
        "单位",
        "数值",
        "概数",
        "来源/填报单位",
        "备注",
        "出现位置",
    ]
    assert sheet.freeze_panes == "B2" and sheet[1][0].font.b
    assert sheet.protection.sheet
    rows = rows_by_name(sheet)
    doctors = rows["health.doctors"]
    assert sheet.cell(doctors, 1).protection.locked and not sheet.cell(doctors, 4).protection.locked
    assert (
        sheet.cell(doctors, 8).value
        == "基本情况 › 医疗服务：全县有执业医师【执业医师人数】、注册护士【注册护士人数】，床位【医疗机构床位数】。"
    )
    assert sheet.cell(rows["stats.towns"], 4).value == 12  # --all: known values for confirmation
    validations = {str(v.sqref): v for v in sheet.data_validations.dataValidation}
    approx = next(v for v in validations.values() if v.type == "list")
    assert approx.formula1 == '"余,多,近,约"'
    percent = next(v for v in validations.values() if v.operator == "between" and v.formula2 == "100")
    assert str(percent.sqref) == f"D{rows['health.coverage']}" and percent.errorStyle == "warning"
    assert sheet.column_dimensions["H"].width > sheet.column_dimensions["C"].width


def test_open_only_and_per_group(tmp_path):
    project = make_project(tmp_path, "sheets")
    assert run_cli(project, "sheet", "export", "--per-group").returncode == 0
    book = load_workbook(project / "dist" / "填报表.xlsx")
    assert book.sheetnames == ["application", "health", "stats", "funds"]
    assert "stats.towns" not in rows_by_name(book["stats"])  # known: only with --all
    assert run_cli(project, "sheet", "export", "--group", "health", "-o", "h.xlsx").returncode == 0
    assert set(rows_by_name(load_workbook(project / "h.xlsx")[SHEET])) == {
        f"health.{k}" for k in ("doctors", "nurses", "beds", "visits", "village_doctors", "screened")
    } | {"health.coverage", "health.pending", "health.blank"}


def test_import_refuses_then_fills_in_place(exported):
    figures_file = exported / "data" / "figures.yml"
    before = figures_file.read_text(encoding="utf-8")
    workbook = exported / "returned.xlsx"
    rows = rows_by_name(load_workbook(workbook)[SHEET])
    fill(workbook, {**TYPED, **REFUSED})

    refused = run_cli(exported, "sheet", "import", "returned.xlsx")
    assert refused.returncode == 1
    assert figures_file.read_text(encoding="utf-8") == before  # nothing written
    assert "拒绝 3 项" in refused.stdout and "没有写入任何数据" in refused.stdout
    out = refused.stdout
    assert f"{SHEET}!D{rows['stats.households']} stats.households：“很多” 不是数字" in out
    assert f"{SHEET}!D{rows['health.screened']} health.screened：-5 是负数" in out
    assert f"{SHEET}!D{rows['funds.budget']} funds.budget：单位“元”与数据项的单位“万元”不一致" in out
    assert "（提示：" in out

    fill(
        workbook,
        {"stats.households": "3,500户", "health.screened": 8000, "funds.budget": "1,200万元"},
        {"health.doctors": "县卫健委"},
    )
    result = run_cli(exported, "sheet", "import", "returned.xlsx")
    assert result.returncode == 0, result.output
    assert "已填入 10 项，未变 3 项，冲突 1 项，拒绝 0 项，留空 3 项" in result.stdout
    assert f"{SHEET}!D{rows['stats.clinics']} stats.clinics：表中为 211个，数据中已是 210个（提示：" in result.stdout
    assert f"{SHEET}!D{rows['stats.towns']} stats.towns：12个" in result.stdout

    after = figures_file.read_text(encoding="utf-8")
    book = load_figures(figures_file)
    expected = {
        "health.doctors": (1271, ""),
        "health.nurses": (1271, ""),
        "health.beds": (1271, ""),
        "health.visits": (1271, ""),
        "stats.population": (30000, "约"),
        "health.coverage": (99.76, ""),
        "application.date": ("2024年5月8日", ""),
        "stats.households": (3500, ""),
        "health.screened": (8000, ""),
        "funds.budget": (1200, ""),
        "health.pending": (None, ""),
        "health.blank": (None, ""),
        "stats.clinics": (210, ""),  # the conflict is not overwritten
        "stats.towns": (12, ""),
    }
    assert {name: (book[name].value, book[name].approx) for name in expected} == expected
    assert type(book["health.doctors"].value) is int
    assert book["health.doctors"].source == "县卫健委" and book["health.nurses"].source == "returned.xlsx"
    assert comments_of(after) == comments_of(before)
    new_keys = {("stats", "population", "approx")} | {
        (*n.split("."), "source")
        for n, v in expected.items()
        if v[0] is not None and n not in ("stats.clinics", "stats.towns")
    }
    assert [p for p in key_paths(after) if p not in new_keys] == key_paths(before)
    # the lines of figures nothing changed are exactly as written, alignment and all
    untouched = [line for line in before.splitlines() if "towns:" in line or "clinics:" in line or "title:" in line]
    assert all(line in after.splitlines() for line in untouched)
    assert "    value: 1271  # 卫健委年报" in after

    forced = run_cli(exported, "sheet", "import", "returned.xlsx", "--force")
    assert forced.returncode == 0 and "（原为 210个）" in forced.stdout
    assert load_figures(figures_file)["stats.clinics"].value == 211

    built = run_cli(exported, "build")
    assert built.returncode == 0, built.output
    page = (exported / "site" / "index.html").read_text(encoding="utf-8")
    for shown in ("1271人", "约30000人", "99.76%", "1271人次", "1200万元", "3500户"):
        assert shown in page
    text = "\n".join(p.text for p in docx.Document(built.docx()).paragraphs)
    for shown in ("执业医师1271人", "常住人口约30000人", "签约覆盖率99.76%", "2024年5月8日"):
        assert shown in text
    review = (exported / "site" / "review.html").read_text(encoding="utf-8")
    assert "县卫健委" in review and "数据来源" in review


def test_review_page_offers_the_workbook_of_open_values(tmp_path):
    project = make_project(tmp_path, "sheets")
    result = run_cli(project, "build")
    assert result.returncode == 0, result.output
    review = lxml.html.fromstring((project / "site" / "review.html").read_bytes())
    # the published page is re-serialised by the sanitizer: find the link by what it is, not by its spelling
    links = [a for a in review.iter("a") if "download" in a.attrib and a.text_content().startswith("填报表")]
    assert len(links) == 1 and links[0].get("href").endswith(".xlsx")
    offered = load_workbook(project / "site" / urllib.parse.unquote(links[0].get("href")))[SHEET]
    assert "health.doctors" in rows_by_name(offered) and "stats.towns" not in rows_by_name(offered)


@pytest.mark.parametrize(
    ("typed", "unit", "value", "approx"),
    [
        ("1.2万多", "人", 12000, "多"),
        ("100余", "万元", 100, "余"),
        ("3万", "万人", 3, ""),
        ("近50", "%", 50, "近"),
        (0.9976, "%", 99.76, ""),
    ],
)
def test_typed_forms(typed, unit, value, approx):
    fmt = "0.00%" if isinstance(typed, float) else "General"
    reading = cells.read_value(typed, fmt, Figure("a.b", "甲", None, unit))
    assert reading == cells.Reading(value, approx)


def test_a_number_for_a_text_figure_is_refused():
    assert isinstance(cells.read_value(5, "General", Figure("a.b", "甲", None)), cells.Refusal)


@pytest.mark.render
def test_formula_cell_and_libreoffice_csv(exported, tmp_path):
    """A formula's cached value, as Calc saves it; every Chinese label survives Calc's CSV export."""
    workbook = exported / "returned.xlsx"
    fill(workbook, {"health.village_doctors": "=200+71"})
    calc = tmp_path / "calc"
    subprocess.run(
        ["soffice", "--headless", "--convert-to", "xlsx", "--outdir", str(calc), str(workbook)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    result = run_cli(exported, "sheet", "import", str(calc / "returned.xlsx"))
    assert result.returncode == 0, result.output
    assert load_figures(exported / "data" / "figures.yml")["health.village_doctors"].value == 271

    subprocess.run(
        [
            "soffice",
            "--headless",
            "--convert-to",
            "csv:Text - txt - csv (StarCalc):44,34,76,1",
            "--outdir",
            str(tmp_path / "csv"),
            str(exported / "returned.xlsx"),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    with open(tmp_path / "csv" / "returned.csv", encoding="utf-8", newline="") as handle:
        table = list(csv.reader(handle))
    assert table[0] == ["数据项", "名称", "单位", "数值", "概数", "来源/填报单位", "备注", "出现位置"]
    labels = {row[0]: row[1] for row in table[1:]}
    assert labels["health.doctors"] == "执业医师人数" and labels["stats.population"] == "全县常住人口"
    assert all(
        label == figure.label
        for name, figure in load_figures(exported / "data" / "figures.yml").items()
        for key, label in labels.items()
        if key == name
    )


def test_make_sheet_export_and_import(tmp_path):
    project = make_project(tmp_path, "sheets")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    config = f"CONFIG={project / 'mkdocs.yml'}"
    out = project / "out.xlsx"

    def make(*args):
        return subprocess.run(
            ["make", "--no-print-directory", "-C", str(ROOT), *args],
            capture_output=True,
            text=True,
            env=env,
            timeout=600,
        )

    exported = make("sheet-export", config, f"OUT={out}", "GROUP=health")
    assert exported.returncode == 0, exported.stdout + exported.stderr
    fill(out, {"health.doctors": "1,271"})
    assert "用法" in make("sheet-import", config).stdout
    imported = make("sheet-import", config, f"FILE={out}")
    assert imported.returncode == 0, imported.stdout + imported.stderr
    assert "已填入 1 项" in imported.stdout
    assert load_figures(project / "data" / "figures.yml")["health.doctors"].value == 1271


def test_a_missing_or_foreign_file_is_one_chinese_line(tmp_path):
    project = make_project(tmp_path, "sheets")
    missing = run_cli(project, "sheet", "import", "nowhere.xlsx")
    assert missing.returncode == 1 and "找不到这个工作簿" in missing.stderr and "Traceback" not in missing.output
    (project / "old.xls").write_bytes(b"\xd0\xcf\x11\xe0 not a workbook")
    foreign = run_cli(project, "sheet", "import", "old.xls")
    assert foreign.returncode == 1 and "另存为 .xlsx" in foreign.stderr and "Traceback" not in foreign.output
