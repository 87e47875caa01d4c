"""``shenbao import``: Word files in, pages and figures out, checked and built like any project."""

import json
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pypandoc
import pytest
import yaml
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt

from conftest import FIXTURES, ROOT, build, make_project, run_cli
from shenbao.importer import passes
from shenbao.importer.write_project import add_tables, add_to_nav, remove_group
from shenbao.text.statistics import find_statistics

# --- statistics in prose ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("上半年出生人数为1271人。", [("1271人", 1271, "人", "", "上半年出生人数")]),
        ("政策符合率99.76%", [("99.76%", 99.76, "%", "", "政策符合率")]),
        ("累计投入经费100余万元", [("100余万元", 100, "万元", "余", "累计投入经费")]),
        ("全县总人口30万，", [("30万", 30, "万", "", "全县总人口")]),
        ("流动人口1.2万多人", [("1.2万多人", 1.2, "万人", "多", "流动人口")]),
        ("覆盖30多万人", [("30多万人", 30, "万人", "多", "覆盖")]),
        ("服务约50个村", [("约50个", 50, "个", "约", "服务")]),
        ("近3000户", [("近3000户", 3000, "户", "近", "")]),
        ("耕地2000亩，辖8个镇", [("2000亩", 2000, "亩", "", "耕地"), ("8个", 8, "个", "", "辖")]),
        ("3.8妇女节和5.29活动日", []),
        ("获全区第3名", []),
        ("“十一五”期间", []),
        ("第1段。", []),
        ("2024年5月8日召开", []),  # a date is one value, found by find_dates
        ("编号217", []),
        ("纯收入增加了312元", [("312元", 312, "元", "", "纯收入")]),
    ],
)
def test_find_statistics(text, expected):
    found = [(s.text, s.value, s.unit, s.approx, s.label) for s in find_statistics(text)]
    assert found == expected


def test_statistic_positions_cover_the_text():
    text = "全县共有服务站12所，服务约50个村。"
    for stat in find_statistics(text):
        assert text[stat.start : stat.end] == stat.text


# --- structure ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("一、基本情况", ("cn", "基本情况", "")),
        ("（一）机构设置", ("paren_cn", "机构设置", "")),
        ("1.狠抓学习，确保认识到位", ("arabic", "狠抓学习，确保认识到位", "")),
        ("2、加强领导", ("arabic", "加强领导", "")),
        ("（1）定期组织学习", ("paren_arabic", "定期组织学习", "")),
        ("第一章 总则", ("chapter", "总则", "")),
        (
            "1.加强领导。县委成立了领导小组，统一部署全县工作。",
            ("arabic", "加强领导。", "县委成立了领导小组，统一部署全县工作。"),  # the heading keeps its 。
        ),
        ("1.5万人参加了活动", None),
        ("一、" + "很长的一段文字" * 10 + "。又一句。", None),
    ],
)
def test_numbered_heading(text, expected):
    assert passes.numbered_heading(text) == expected


def test_heading_levels_follow_the_kinds_a_file_uses():
    assert passes.heading_levels(["一、甲", "1.乙", "（1）丙"]) == {"cn": 1, "arabic": 2, "paren_arabic": 3}
    assert passes.heading_levels(["第一章 甲", "一、乙"]) == {"chapter": 1, "cn": 2}


def test_numeric_rows():
    rows = passes.numeric_rows(["指标", "数值", "单位"], [["出生人数", "1271", "人"], ["经费", "100余", "万元"]])
    assert [(r.label, r.value, r.unit, r.approx) for r in rows] == [
        ("出生人数", 1271, "人", ""),
        ("经费", 100, "万元", "余"),
    ]
    assert passes.numeric_rows(["指标", "数值（万元）"], [["经费", "12.5"]])[0].unit == "万元"
    assert passes.numeric_rows(["乡镇", "2022年", "2023年"], [["甲镇", "1", "2"]]) is None  # two value columns
    assert passes.numeric_rows(["项目", "内容"], [["宣传", "发放资料"]]) is None


def test_registry_names_are_readable_unique_and_shared_by_equal_figures():
    report = passes.Report()
    registry = passes.Registry("demo")
    first = registry.add("出生人数", 1271, "人", "", "", report)
    assert first == "demo.chushengrenshu"
    assert registry.add("出生人数", 1271, "人", "", "", report) == first  # same value, same label: one figure
    assert registry.add("出生人数", 1300, "人", "", "", report) == "demo.chushengrenshu_2"
    assert registry.add("", 5, "个", "", "有5个", report) == "demo.n3"
    assert len(report.figures) == 3 and report.review  # the unnamed one needs a human


def test_the_report_shows_an_approximate_figure_as_the_page_does():
    report, registry = passes.Report(), passes.Registry("demo")
    registry.add("流动人口", 1.2, "万人", "多", "流动人口1.2万多人", report)
    registry.add("经费", 100, "万元", "余", "经费100余万元", report)
    text = report.text()
    assert "流动人口：1.2万多人" in text and "1.2多万人" not in text
    assert "经费：100余万元" in text


def test_the_builds_own_marks_come_back_as_what_made_them():
    report, registry = passes.Report(), passes.Registry("demo")
    line = "全市总人口【待填：全市总人口】，户籍人口【待填：全市总人口】。【原文缺失：后文“缺”】"
    assert passes.figures_in_line(line, registry, report, ["人"], []) == (
        '全市总人口{{ fig("demo.quanshi_zongrenkou") }}，户籍人口{{ fig("demo.quanshi_zongrenkou") }}。'
        '{{ missing("后文“缺”") }}'
    )
    assert registry.entries == {"quanshi_zongrenkou": {"label": "全市总人口", "value": None}}


# --- editing the project's files as text ------------------------------------------------------


def test_nav_is_edited_as_text_keeping_tags_and_comments():
    config = "site_name: x\n# pages\nnav:\n  - 封面: index.md\n  - old.md   # kept\n\nextra:\n  mode: !ENV [SHENBAO_MODE, draft]\n"
    edited = add_to_nav(config, ["index.md", "new.md"], [])
    assert edited == config.replace("  - old.md   # kept\n", "  - old.md   # kept\n  - new.md\n")
    created = add_to_nav("site_name: x\n", ["index.md", "a.md"], ["b.md"])
    assert created.endswith("nav:\n  - 封面: index.md\n  - b.md\n  - a.md\n")


def test_a_reimport_replaces_its_own_groups_and_tables_only():
    figures = "# top\na:\n  x: {label: 甲, value: 1, unit: 人}\n\n# 由 old.docx 导入\nimported:\n  y: {label: 乙, value: 2, unit: 人}\n# next\nb:\n  z: {label: 丙, value: 3, unit: 人}\n"
    assert (
        remove_group(figures, "imported")
        == "# top\na:\n  x: {label: 甲, value: 1, unit: 人}\n\n# next\nb:\n  z: {label: 丙, value: 3, unit: 人}\n"
    )
    exhibits = "tables:\n  mine: {title: 甲, rows: [a.x]}\n  imported_old: {title: 乙, rows: [imported.y]}\n"
    result = add_tables(exhibits, "imported", {"imported_new": {"title": "丙", "rows": ["imported.z"]}})
    assert yaml.safe_load(result)["tables"] == {
        "imported_new": {"title": "丙", "rows": ["imported.z"]},
        "mine": {"title": "甲", "rows": ["a.x"]},
    }


# --- whole files --------------------------------------------------------------------------------


def empty_project(where: Path) -> Path:
    """A project with the settings and theme of the application but no pages or figures of its own."""
    project = make_project(where, "complete")
    shutil.rmtree(project / "docs")
    (project / "docs").mkdir()
    for own in ("figures.yml", "exhibits.yml", "relations.yml"):  # relations name the fixture's own figures
        (project / "data" / own).unlink(missing_ok=True)
    return project


def docx_outline(path: Path) -> tuple[list[tuple[int, str]], str]:
    """The heading tree and the body text of a built DOCX, as pandoc reads them back."""
    ast = json.loads(pypandoc.convert_file(str(path), "json", format="docx"))
    headings = [(b["c"][0], passes.stringify(b["c"][2])) for b in ast["blocks"] if b["t"] == "Header"]
    text = pypandoc.convert_file(str(path), "plain", format="docx", extra_args=["--wrap=none"])
    # a chart comes back as a picture: its numbered caption is not made again (see the report)
    text = re.sub(r"^图\d+　.*$", "", text, flags=re.M)
    return headings, re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def complete_docx(tmp_path_factory) -> Path:
    result = build(tmp_path_factory.mktemp("source"), "complete")
    assert result.returncode == 0, result.output
    return result.docx()


def test_our_own_docx_comes_back_with_the_same_text_and_headings(tmp_path, complete_docx):
    project = empty_project(tmp_path)
    imported = run_cli(project, "import", str(complete_docx))
    assert imported.returncode == 0, imported.output
    assert "Traceback" not in imported.output

    pages = sorted(p.name for p in (project / "docs").glob("*.md"))
    assert pages == [
        "gongzuo-tupian-mulu.md",
        "index.md",
        "jiben-qingkuang.md",
        "shuju-tongjibiao.md",
        "zhuyao-zuofa.md",
    ]
    assert "kind: attachment" in (project / "docs" / "shuju-tongjibiao.md").read_text(encoding="utf-8")
    work = (project / "docs" / "zhuyao-zuofa.md").read_text(encoding="utf-8")
    assert "## 机制建设\n" in work and "#### 定期组织学习" in work  # numbers stripped, levels kept
    assert "[基本情况](jiben-qingkuang.md#基本情况)" in work  # a link across pages still finds its heading
    basics = (project / "docs" / "jiben-qingkuang.md").read_text(encoding="utf-8")
    assert "[^1]: " in basics and "样例市统计公报" in basics  # the footnote stays with its page
    assert '{{ table("imported_zhuyao_zhibiao") }}' in basics
    assert '主要指标见{{ ref("imported_zhuyao_zhibiao") }}，' in basics  # the typed 表1 is numbered by the build again

    figures = yaml.safe_load((project / "data" / "figures.yml").read_text(encoding="utf-8"))
    assert figures["application"]["title"]["value"] == "样例市计划生育优质服务先进申报"
    assert figures["application"]["applicant"]["value"] == "样例市人民政府"
    assert figures["application"]["date"]["value"] == "2024年5月8日"
    assert figures["imported"]["shangbannian_chushengrenshu"] == {
        "label": "上半年出生人数",
        "unit": "人",
        "value": 1271,
    }
    exhibits = yaml.safe_load((project / "data" / "exhibits.yml").read_text(encoding="utf-8"))
    assert exhibits["tables"]["imported_zhuyao_zhibiao"]["title"] == "主要指标"

    assert run_cli(project, "check").returncode == 0
    rebuilt = run_cli(project, "build")
    assert rebuilt.returncode == 0, rebuilt.output
    got, want = docx_outline(rebuilt.docx()), docx_outline(complete_docx)
    assert got == want


def add_link(paragraph, url: str, text: str) -> None:
    """A hyperlink run, which python-docx has no call for."""
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), paragraph.part.relate_to(url, RT.HYPERLINK, is_external=True))
    run, shown = OxmlElement("w:r"), OxmlElement("w:t")
    shown.text = text
    run.append(shown)
    link.append(run)
    paragraph._p.append(link)


def realistic_docx(path: Path) -> Path:
    """A Word file made the way people make them: direct fonts, no heading styles, typed numbers."""
    document = Document()

    def para(text: str, bold: bool = False, size: int = 16, font: str = "仿宋_GB2312", center: bool = False):
        paragraph = document.add_paragraph()
        run = paragraph.add_run(text)
        run.bold, run.font.size, run.font.name = bold, Pt(size), font
        if center:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        return paragraph

    para("样例县计划生育优质服务先进申报材料", bold=True, size=22, font="方正小标宋简体", center=True)
    para("")
    para("申报单位：样例县人民政府", center=True)
    para("2024年5月8日", center=True)
    para("目　录", bold=True, center=True)
    para("一、基本情况……………………1")
    para("二、主要做法……………………2")
    para("").add_run().add_break(WD_BREAK.PAGE)
    para("一、基本情况", bold=True, font="黑体")
    para("全县总人口30万，流动人口1.2万多人，辖8个镇、3个乡。上半年出生人数为1271人，出生人口政策符合率99.76%。")
    para("每年3.8妇女节和5.29会员活动日，全县集中开展宣传服务活动，获全区第3名。")
    para("（一）机构设置", font="楷体")
    para("全县共有计划生育服务站12所，服务约50个村、近3000户。")
    para("二、主要做法", bold=True, font="黑体")
    para("1.狠抓学习，确保认识到位", bold=True)
    para("三年来累计投入宣传教育经费100余万元，培训干部300余人次。")
    para("（1）定期组织学习")
    para("各级领导干部定期组织学习，坚持“三为主”方针【重点】，国道217线沿线设立宣传栏。")
    add_link(para("政策原文见"), "https://www.gov.cn/", "中国政府网")
    para("主要指标见表1。")
    para("表1　主要指标", center=True)
    table = document.add_table(rows=4, cols=3)
    for row, cells in zip(
        table.rows,
        [
            ("指标", "数值", "单位"),
            ("户籍人口", "30", "万人"),
            ("出生人数", "1271", "人"),
            ("政策符合率", "99.76", "%"),
        ],
        strict=True,
    ):
        for cell, text in zip(row.cells, cells, strict=True):
            cell.text = text
    document.add_picture(str(FIXTURES / "complete" / "docs" / "img" / "dot.png"))
    para("图1　服务站外景", center=True)
    para("")
    document.save(path)
    return path


def test_a_word_file_without_styles_becomes_structured_pages_and_figures(tmp_path):
    project = empty_project(tmp_path / "target")
    source = realistic_docx(tmp_path / "去年的申报材料.docx")
    imported = run_cli(project, "import", str(source), "--prefix", "xian")
    assert imported.returncode == 0, imported.output

    basics = (project / "docs" / "jiben-qingkuang.md").read_text(encoding="utf-8")
    work = (project / "docs" / "zhuyao-zuofa.md").read_text(encoding="utf-8")
    assert basics.startswith("# 基本情况\n") and "\n## 机构设置\n" in basics
    assert (
        work.startswith("# 主要做法\n") and "\n### 狠抓学习，确保认识到位\n" in work and "\n#### 定期组织学习\n" in work
    )
    assert "目录" not in basics + work and "……" not in basics + work  # the typed 目录 is gone
    assert "3.8妇女节和5.29会员活动日" in basics and "第3名" in basics  # observances and ordinals stay prose
    assert "服务约{{ fig(" in basics  # 约 stays in the prose before the figure
    assert "坚持“三为主”方针【重点】" in work and "[中国政府网](https://www.gov.cn/)" in work
    assert not re.search(
        r"\d+(?:人|%|个|户|所|万)",
        re.sub(r"\{\{.*?\}\}", "", basics + work).replace("3.8", "").replace("5.29", "").replace("第3名", ""),
    )

    figures = yaml.safe_load((project / "data" / "figures.yml").read_text(encoding="utf-8"))
    assert figures["application"] == {
        "title": {"label": "申报材料标题", "value": "样例县计划生育优质服务先进申报材料"},
        "applicant": {"label": "申报单位", "value": "样例县人民政府"},
        "date": {"label": "申报日期", "value": "2024年5月8日"},
    }
    values = {(f["label"], f["value"], f.get("unit"), f.get("approx")) for f in figures["xian"].values()}
    assert {
        ("全县总人口", 30, "万", None),
        ("流动人口", 1.2, "万人", "多"),
        ("上半年出生人数", 1271, "人", None),
        ("出生人口政策符合率", 99.76, "%", None),
        ("全县共有计划生育服务站", 12, "所", None),
        ("辖镇数", 8, "个", None),  # the noun a measure word counts joins the label
        ("乡数", 3, "个", None),
        ("三年来累计投入宣传教育经费", 100, "万元", "余"),
        ("户籍人口", 30, "万人", None),
        ("政策符合率", 99.76, "%", None),
    } <= values

    exhibits = yaml.safe_load((project / "data" / "exhibits.yml").read_text(encoding="utf-8"))
    table = exhibits["tables"]["xian_zhuyao_zhibiao"]
    assert table["title"] == "主要指标"
    assert [figures["xian"][n.split(".")[1]]["label"] for n in table["rows"]] == ["户籍人口", "出生人数", "政策符合率"]
    assert '{{ table("xian_zhuyao_zhibiao") }}' in work
    assert '主要指标见{{ ref("xian_zhuyao_zhibiao") }}。' in work

    images = list((project / "docs" / "img" / "xian").glob("*.png"))
    assert len(images) == 1
    # the typed 图1 caption stands under its picture, as the build's own captions do
    assert f"![服务站外景](img/xian/{images[0].name})\n\n" + '<div class="caption figure-caption" markdown>图1' in work

    report = (project / "import-report.md").read_text(encoding="utf-8")
    assert report == imported.stdout.split("导入报告已写入")[0].rstrip("\n") + "\n"
    assert "“一、基本情况”作为1级标题" in report  # the guessed levels are listed for a human
    assert "将显示为" not in report, "1.2万多人 reads as the writer wrote it"
    assert "手写的目录" in report
    assert "docs/zhuyao-zuofa.md:9: 数字“217”没有单位" in report  # a number it could not classify

    assert run_cli(project, "check").returncode == 0, run_cli(project, "check").output
    built = run_cli(project, "build")
    assert built.returncode == 0, built.output
    headings, text = docx_outline(built.docx())
    assert headings[1:] == [
        (1, "一、基本情况"),
        (2, "（一）机构设置"),
        (1, "二、主要做法"),
        (3, "1.狠抓学习，确保认识到位"),
        (4, "（1）定期组织学习"),
    ]
    assert "流动人口1.2万多人" in text and "100余万元" in text

    again = run_cli(project, "import", str(source), "--prefix", "xian", "--force")
    assert again.returncode == 0, again.output
    assert yaml.safe_load((project / "data" / "figures.yml").read_text(encoding="utf-8")) == figures  # stable names


def test_words_numbered_list_becomes_a_plain_markdown_list(tmp_path):
    document = Document()
    document.add_heading("基本情况", 1)
    document.add_paragraph("成立领导小组，召开会议12次。", style="List Number")
    document.add_paragraph("开展宣传活动25场次。", style="List Number")
    document.add_paragraph("走访农户", style="List Bullet")
    document.save(tmp_path / "list.docx")
    project = empty_project(tmp_path / "target")
    result = run_cli(project, "import", str(tmp_path / "list.docx"))
    assert result.returncode == 0, result.output
    page = (project / "docs" / "jiben-qingkuang.md").read_text(encoding="utf-8")
    assert "custom-style" not in page and "<div" not in page
    assert re.search(r"^1\.\s+成立领导小组，召开会议\{\{ fig\(", page, re.M), page
    assert re.search(r"^-\s+走访农户$", page, re.M), page
    report = (project / "import-report.md").read_text(encoding="utf-8")
    assert "没有单位" not in report, "a list's own numbers are not statistics"


def test_a_docx_without_text(tmp_path):
    project = empty_project(tmp_path / "target")
    Document().save(tmp_path / "empty.docx")
    result = run_cli(project, "import", str(tmp_path / "empty.docx"))
    assert result.returncode == 1
    assert "empty.docx: 文件中没有文字" in result.stderr
    assert list((project / "docs").iterdir()) == []


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"just some text", "不是 DOCX 文件"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "EncryptedPackage".encode("utf-16-le") + b"\0" * 512, "文件已加密"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512, "LibreOffice 无法转换这个旧版文件"),
        (None, "压缩包中没有 word/document.xml"),
    ],
)
def test_bad_files_are_refused_with_a_message(tmp_path, content, message):
    project = empty_project(tmp_path / "target")
    path = tmp_path / "bad.docx"
    if content is None:
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("hello.txt", "hi")
    else:
        path.write_bytes(content)
    result = run_cli(project, "import", str(path))
    assert result.returncode == 1
    assert f"bad.docx: {message}" in result.stderr
    assert "Traceback" not in result.output
    assert list((project / "docs").iterdir()) == []


def test_a_truncated_docx_is_refused(tmp_path, complete_docx):
    project = empty_project(tmp_path / "target")
    path = tmp_path / "cut.docx"
    path.write_bytes(complete_docx.read_bytes()[:4000])
    result = run_cli(project, "import", str(path))
    assert result.returncode == 1
    assert "cut.docx: " in result.stderr and "Traceback" not in result.output


def test_pages_already_there_are_not_overwritten_without_force(tmp_path, complete_docx):
    project = make_project(tmp_path, "complete")
    before = {p: p.read_bytes() for p in project.rglob("*") if p.is_file() and "scripts" not in p.parts}
    result = run_cli(project, "import", str(complete_docx))
    assert result.returncode == 1
    assert "已有 5 个页面" in result.stderr and "--force" in result.stderr
    assert {p: p.read_bytes() for p in project.rglob("*") if p.is_file() and "scripts" not in p.parts} == before


def test_make_import(tmp_path):
    project = empty_project(tmp_path / "target")
    source = realistic_docx(tmp_path / "small.docx")
    result = subprocess.run(
        ["make", "--no-print-directory", "import", f"FILE={source}", f"INTO={project}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert (project / "docs" / "jiben-qingkuang.md").exists()
    assert "导入报告已写入" in result.stdout


def test_a_folder_that_is_no_project(tmp_path, complete_docx):
    result = run_cli(tmp_path, "import", str(complete_docx), "--into", str(tmp_path / "nowhere"))
    assert result.returncode == 1
    assert "不是申报材料项目（没有 mkdocs.yml）" in result.stderr and "Traceback" not in result.output


def test_tables_go_into_the_empty_exhibits_file_a_new_project_has():
    from shenbao.importer.write_project import add_tables

    text = "# 表和图\ntables: {}\ncharts: {}\n"
    added = add_tables(text, "imported", {"imported_t": {"title": "表", "rows": ["imported.a"]}})
    assert yaml.safe_load(added) == {"tables": {"imported_t": {"title": "表", "rows": ["imported.a"]}}, "charts": {}}
