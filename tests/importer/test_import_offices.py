"""Word files as offices write them: no heading styles, typed numbers, sign-offs. Nothing is lost."""

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import ROOT, run_cli
from shenbao.importer import passes
from shenbao.importer.docx_reader import read_docx
from wordlike import handtyped_docx

sys.path.insert(0, str(ROOT / "scripts"))
import corpus  # noqa: E402

DECISION = [
    "关于表彰2025年度先进单位的决定",
    "各区县、各部门：",
    "去年以来，全市上下认真贯彻落实各项要求，涌现出一批先进集体和个人。为表彰先进，经研究决定，"
    "授予某某局等30个单位“先进单位”称号，授予张三等100名同志“先进个人”称号。",
    "希望受表彰的单位和个人珍惜荣誉，再接再厉，为全市高质量发展作出新的贡献。",
    "某某市人民政府",
    "2026年5月15日",
]

NOTICE = [
    "关于精简会议的通知",
    "各区县、各部门：",
    "为进一步转变会风，现就有关要求明确如下：",
    "一、压缩会议数量",
    "1．全市性会议每年不超过4次。",
    "2．部门会议合并召开",
    "3．能用文件解决的不开会。",
    "二、控制会议时间",
    "（一）全市性会议不超过90分钟。",
    "（二）部门会议不超过60分钟。",
    "正文排版时首行缩进2个字符，行距28磅。",
    "某某市人民政府办公室",
    "2026年3月1日",
]


def outline_of(tmp_path: Path, lines: list) -> tuple[passes.Cover, list[passes.Section], passes.Report]:
    source = handtyped_docx(tmp_path / "in.docx", lines)
    report = passes.Report(source="in.docx")
    cover, sections = passes.outline(read_docx(source, tmp_path / "media"), report)
    return cover, sections, report


def page_text(section: passes.Section) -> str:
    """The page's text in the order it is printed: what stood before the first heading comes first."""
    return "".join(passes.stringify(b) for b in section.lead + section.blocks)


def test_a_decision_without_headings_keeps_all_its_text_in_order(tmp_path):
    cover, sections, report = outline_of(tmp_path, DECISION)
    assert cover.title == DECISION[0]
    assert len(sections) == 1
    text = page_text(sections[0])
    assert text.index("各区县、各部门：") < text.index("去年以来") < text.index("希望受表彰")
    assert "30个单位" in text and "100名同志" in text
    # the sign-off is the signature: its values go to the cover's special names
    assert (cover.applicant, cover.date) == ("某某市人民政府", "2026年5月15日")
    assert sections[0].blocks[-1] == {"t": "RawBlock", "c": ["markdown", "{{ signature() }}"]}
    assert report.accounting.lost == 0
    assert report.text().split("\n")[2].endswith("丢失 0 字")
    assert report.dropped == []


def test_opening_lines_stay_and_numbered_siblings_are_decided_together(tmp_path):
    _cover, sections, report = outline_of(tmp_path, NOTICE)
    first = sections[0]
    text = page_text(first)
    assert text.startswith("各区县、各部门：为进一步转变会风，现就有关要求明确如下：")
    # before the page's title, as in the file, not under the first heading
    assert (
        "".join(passes.stringify(b) for b in first.lead) == "各区县、各部门：为进一步转变会风，现就有关要求明确如下："
    )
    # 1．…3． mix a phrase and sentences: all stay prose with their numbers and their 。
    assert "1．全市性会议每年不超过4次。" in text and "2．部门会议合并召开" in text
    assert "3．能用文件解决的不开会。" in text
    assert not any(b["t"] == "Header" for b in first.blocks)
    assert any("全部保留为带编号的正文" in r for r in report.review)
    # （一）（二） are sentences too: prose, never an empty heading
    second = page_text(sections[1])
    assert "（一）全市性会议不超过90分钟。" in second and "（二）部门会议不超过60分钟。" in second
    assert [s.title for s in sections] == ["压缩会议数量", "控制会议时间"]
    joined = "".join(passes.stringify(b) for s in sections for b in s.blocks)
    assert joined.count("全市性会议") == 2  # once each, never twice
    assert report.accounting.lost == 0


def test_short_numbered_siblings_are_headings():
    report = passes.Report()
    texts = ["一、总体要求", "（一）工作目标", "正文。", "（二）基本原则", "二、保障措施"]
    assert passes.heading_numbers(texts, report) == {0, 1, 3, 4}
    mixed = ["一、总体要求", "（一）工作目标", "（二）全市性会议不超过90分钟。"]
    assert passes.heading_numbers(mixed, report) == {0}


def test_dates_years_and_layout_are_no_figures():
    registry = passes.Registry("g")
    report = passes.Report()
    line = "2025年度共评出先进单位30个，于2026年5月15日表彰，正文缩进2个字符，行距28磅，第3名。"
    out = passes.figures_in_line(line, registry, report, ["个", "名", "年"], [])
    assert "2025年度" in out and "2026年5月15日" in out and "2个字符" in out and "28磅" in out
    assert [spec["value"] for spec in registry.entries.values()] == [30]


def test_template_code_in_word_text_is_escaped():
    report = passes.Report()
    inlines = passes.clean_inlines([{"t": "Str", "c": "写作{{ 7*7 }}和{% if x %}及{#注#}"}])
    raw = "".join(n["c"][1] if n["t"] == "RawInline" else n["c"] for n in inlines)
    assert raw == '写作{{ "{{" }} 7*7 }}和{{ "{%" }} if x %}及{{ "{#" }}注#}'
    assert report.review == []


def test_new_from_a_file_imports_checks_and_builds_without_the_example(tmp_path):
    source = handtyped_docx(tmp_path / "决定.docx", [*DECISION[:3], "模板代码{{ 7*7 }}照原样显示。", *DECISION[3:]])
    project = tmp_path / "p"
    made = run_cli(project.parent, "new", str(project), "--from", str(source))
    assert made.returncode == 0, made.stdout + made.stderr
    assert not (project / "docs" / "jiben-qingkuang.md").exists()
    assert "jiben-qingkuang" not in (project / "mkdocs.yml").read_text(encoding="utf-8")
    figures = yaml.safe_load((project / "data" / "figures.yml").read_text(encoding="utf-8"))
    assert "population" not in figures
    assert figures["application"]["applicant"]["value"] == "某某市人民政府"
    report = (project / "import-report.md").read_text(encoding="utf-8")
    assert re.search(r"源文件 \d+ 字 → 正文 \d+ 字 \+ 封面/数据 \d+ 字 \+ 编号/目录 \d+ 字，丢失 0 字", report)
    checked = run_cli(project, "check")
    assert checked.returncode == 0, checked.output
    built = run_cli(project, "build")
    assert built.returncode == 0, built.output
    html = "".join(p.read_text(encoding="utf-8") for p in (project / "site").glob("*.html"))
    assert "模板代码{{ 7*7 }}照原样显示" in html and "49" not in re.sub(r"<[^>]+>", "", html).split("模板代码")[1][:20]
    paragraphs = corpus.docx_paragraphs(built.docx())
    source_text = corpus.source_text(corpus.docx_paragraphs(source))
    lost, examples = corpus.lost_characters(source_text, "".join(corpus.normal(p.text) for p in paragraphs))
    assert lost == 0, examples


def test_a_caption_stays_with_a_table_kept_in_the_page(tmp_path):
    _cover, sections, _report = outline_of(
        tmp_path,
        ["标题", "一、情况", "表1　示例数据统计表", ("table", [("项目", "内容"), ("宣传", "发放资料")]), "说明。"],
    )
    from shenbao.importer.write_project import Context, take_tables

    ctx = Context("g", passes.Registry("g"), passes.Report(), tmp_path, [], [])
    take_tables(sections[0], ctx)
    kinds = [(b["t"], passes.stringify(b)[:10]) for b in sections[0].blocks]
    assert kinds[1][0] == "Table"  # the caption above its table, as the build's own table captions are
    assert sections[0].blocks[0]["c"][1] == '<div class="caption table-caption" markdown>表1　示例数据统计表</div>'


def test_the_corpus_measure_finds_a_lost_character():
    assert corpus.lost_characters(["甲乙丙丁戊己"], "甲乙丙丁戊己")[0] == 0
    assert corpus.lost_characters(["甲乙丙丁戊己庚辛"], "甲乙丙丁")[0] == 4
    assert corpus.reversed_quotes(["”甲“", "“乙”"]) == 1
    # where the loss is, with the kept text around it
    assert corpus.lost_characters(["一、总体要求。坚持来源明确"], "一、总体要求坚持来源明确")[1] == [
        "一、总体要求⟦。⟧坚持来源明确"
    ]
    # a caption split from its number, or renumbered, is no caption of the source
    source = [corpus.Paragraph("表3　主要指标"), corpus.Paragraph("Table caption.", "Table Caption")]
    built = [corpus.Paragraph("表1　主要指标"), corpus.Paragraph("Table caption.")]
    assert corpus.missing_captions(source, built) == ["表3主要指标"]


@pytest.mark.slow
def test_make_corpus_on_generated_files(tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    handtyped_docx(folder / "01.docx", DECISION)
    handtyped_docx(folder / "02.docx", NOTICE)
    result = subprocess.run(
        ["make", "--no-print-directory", "corpus", f"DIR={folder}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    rows = [line for line in result.stdout.splitlines() if line.startswith("| 0")]
    assert len(rows) == 2 and all(row.split("|")[3].strip() == "0" for row in rows), result.stdout


def test_straight_quotes_are_paired_by_sentence_or_left_and_reported(tmp_path):
    _cover, sections, report = outline_of(
        tmp_path, ["标题", '序号为"（1）"，而非"1"。', '他说"未完。', "一、情况", '三级"标题"123']
    )
    text = page_text(sections[0])
    assert "序号为“（1）”，而非“1”。" in text
    assert '他说"未完。' in text  # one quote in the sentence: not guessed
    assert any("直引号无法按句配对" in r for r in report.review)
    assert [s.title for s in sections] == ["情况"] and text.endswith("三级“标题”123")


def test_a_zip_bomb_is_refused_naming_the_part(tmp_path):
    import zipfile

    source = handtyped_docx(tmp_path / "bomb.docx", DECISION)
    bomb = tmp_path / "bomb2.docx"
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as out:
        for item in original.infolist():
            data = original.read(item)
            if item.filename == "word/document.xml":
                data = data.replace(b"</w:body>", b" " * 3_000_000 + b"</w:body>")
            out.writestr(item, data, zipfile.ZIP_DEFLATED)
    project = tmp_path / "p"
    result = run_cli(project.parent, "new", str(project), "--from", str(bomb))
    assert result.returncode == 1
    assert "word/document.xml 解压后有" in result.stderr and "Traceback" not in result.stderr
    assert not list((project / "docs").glob("*.md"))[1:]  # only the cover new wrote, nothing imported


@pytest.mark.render  # LibreOffice converts the .doc
def test_an_old_doc_is_converted_through_libreoffice(tmp_path):
    import shutil

    if not shutil.which("soffice"):
        pytest.skip("LibreOffice is not installed")
    source = handtyped_docx(tmp_path / "决定.docx", DECISION)
    subprocess.run(
        ["soffice", "--headless", "--convert-to", "doc", "--outdir", str(tmp_path), str(source)],
        capture_output=True,
        timeout=300,
    )
    cover, sections, report = outline_of_file(tmp_path / "决定.doc", tmp_path)
    assert any("LibreOffice 转换" in line for line in report.review)
    assert "30个单位" in page_text(sections[0]) and cover.title == DECISION[0]


def outline_of_file(path: Path, tmp_path: Path):
    report = passes.Report(source=path.name)
    notes: list[str] = []
    ast = read_docx(path, tmp_path / "media", notes)
    report.review += notes
    cover, sections = passes.outline(ast, report)
    return cover, sections, report


def test_a_reimport_keeps_what_the_writer_filled_in(tmp_path):
    source = handtyped_docx(tmp_path / "决定.docx", DECISION[:4])  # no sign-off: applicant and date unknown
    project = tmp_path / "p"
    made = run_cli(project.parent, "new", str(project), "--from", str(source))
    assert made.returncode == 0, made.stdout + made.stderr
    figures = project / "data" / "figures.yml"
    text = figures.read_text(encoding="utf-8")
    assert "applicant: {label: 申报单位, value: null}" in text
    figures.write_text(
        text.replace("applicant: {label: 申报单位, value: null}", "applicant: {label: 申报单位, value: 甲局}")
    )
    again = run_cli(project, "import", str(source), "--force")
    assert again.returncode == 0, again.output
    data = yaml.safe_load(figures.read_text(encoding="utf-8"))
    assert data["application"]["applicant"]["value"] == "甲局"
    assert data["application"]["title"]["value"] == DECISION[0]


def test_a_reviewed_copy_imports_as_accepted_text_with_its_comments_listed(tmp_path):
    from wordlike import Review

    source = handtyped_docx(tmp_path / "in.docx", DECISION)
    review = Review(source)
    review.replace("再接再厉", "继续努力")
    review.comment("珍惜荣誉", "请核对措辞")
    reviewed = review.save(tmp_path / "reviewed.docx")
    project = tmp_path / "p"
    made = run_cli(project.parent, "new", str(project), "--from", str(reviewed))
    assert made.returncode == 0, made.stdout + made.stderr
    page = next(p for p in (project / "docs").glob("*.md") if p.name != "index.md").read_text(encoding="utf-8")
    assert "继续努力" in page and "再接再厉" not in page
    report = (project / "import-report.md").read_text(encoding="utf-8")
    assert "批注（审阅人）：请核对措辞　原文：“珍惜荣誉”" in report


def test_straight_quotes_in_a_heading_are_paired(tmp_path):
    _cover, sections, _report = outline_of(tmp_path, ["标题", '一、二级"标题"', "正文。", '（一）三级"标题"', "正文。"])
    assert sections[0].title == "二级“标题”"
    assert passes.header(2, "三级“标题”") in sections[0].blocks


def test_the_quotes_fix_pairs_by_sentence_and_leaves_what_it_cannot_pair(tmp_path):
    import io
    import shutil

    from conftest import FIXTURES
    from shenbao.check.runner import check_project, run_checks

    project = tmp_path / "q"
    shutil.copytree(FIXTURES / "rules" / "_project", project)
    page = project / "docs" / "page.md"
    page.write_text('# 页\n\n全角点"．"而非半角点"."。他说"未完。\n', encoding="utf-8")
    run_checks(project, fix=True, select=["quotes"], out=io.StringIO())
    assert page.read_text(encoding="utf-8") == '# 页\n\n全角点“．”而非半角点“.”。他说"未完。\n'
    left = [str(d) for d in check_project(project, select=["quotes"]).diagnostics]
    assert left == ["docs/page.md:3:18: quotes: 半角引号在这一句中不成对（提示：手工改为“”：自动修正可能把引号改反）"]


# --- the numbering the build prints, captions, attachments, units: each a failure once seen on real files ---


def test_typed_heading_numbers_the_build_would_print_otherwise_stay_as_typed(tmp_path):
    # 五 is missing: the build would print 一、二、三、四、五 where the file says 六
    lines = ["标题", "一、总体要求", "正文。", "二、主要任务", "正文。", "六、申请人承诺", "正文。"]
    _cover, sections, report = outline_of(tmp_path, lines)
    assert [(s.number, s.title, s.unnumbered) for s in sections] == [
        ("一、", "总体要求", True),
        ("二、", "主要任务", True),
        ("六、", "申请人承诺", True),
    ]
    assert report.accounting.lost == 0 and report.accounting.regenerated == 0
    # 一、二、三 as the build numbers them: the typed numbers are dropped and counted as regenerated
    _cover, sections, report = outline_of(tmp_path, ["标题", "一、甲", "正文。", "二、乙", "正文。"])
    assert [(s.number, s.unnumbered) for s in sections] == [("", False), ("", False)]
    assert report.accounting.regenerated == 4


def test_a_lone_second_level_number_keeps_its_form(tmp_path):
    # （一）（二） with no 一、 above them: the build would print 一、二、, so the file's form stays
    _cover, sections, _report = outline_of(tmp_path, ["标题", "（一）工作目标", "正文。", "（二）基本原则", "正文。"])
    markdown = to_markdown(sections)
    assert "# （一）工作目标 {.unnumbered}" in markdown and "# （二）基本原则 {.unnumbered}" in markdown


def to_markdown(sections) -> str:
    from shenbao.importer.write_project import to_markdown as pages

    return "".join(pages(sections, [1, 23, 1]))


def test_a_run_in_heading_keeps_its_full_stop_and_text_before_the_first_heading_stays_above_it(tmp_path):
    lines = ["关于做好素材整理的通知", "各单位：", "一、总体要求。坚持来源明确的原则。", "二、重点任务。统一素材范围。"]
    _cover, sections, report = outline_of(tmp_path, lines)
    assert [s.title for s in sections] == ["总体要求。", "重点任务。"]
    markdown = to_markdown(sections)
    assert markdown.index("各单位：") < markdown.index("# 总体要求。") < markdown.index("坚持来源明确的原则。")
    assert report.accounting.lost == 0


def test_an_indented_numbered_item_is_judged_with_its_siblings(tmp_path):
    from docx.shared import Pt

    source = handtyped_docx(
        tmp_path / "in.docx", ["报告正文", "（一）立项依据（建议8000字以下）：", "说明。", "（二）研究基础", "说明。"]
    )
    from docx import Document

    document = Document(source)
    document.paragraphs[1].paragraph_format.left_indent = Pt(32)  # pandoc reads it as a block quote
    document.save(source)
    report = passes.Report()
    _cover, sections = passes.outline(read_docx(source, tmp_path / "media"), report)
    # （一） ends with ：, a sentence: its sibling （二） is no heading either, and no text moves
    assert len(sections) == 1 and sections[0].from_cover
    text = page_text(sections[0])
    assert text.index("（一）立项依据") < text.index("（二）研究基础")


def test_an_image_keeps_its_typed_caption_under_it_and_one_without_gets_none(tmp_path):
    from PIL import Image

    from shenbao.importer.write_project import take_tables

    picture = tmp_path / "p.png"
    Image.new("RGB", (40, 30), "white").save(picture)
    lines = ["标题", "一、情况", "图1　全县服务站分布", ("image", picture), "说明。", ("image", picture), "正文。"]
    _cover, sections, report = outline_of(tmp_path, lines)
    take_tables(sections[0], passes_context(tmp_path / "media"))
    kinds = [b["t"] for b in sections[0].blocks]
    assert kinds == ["Para", "RawBlock", "Para", "Para", "Para"]  # picture, its caption under it, …
    assert sections[0].blocks[1]["c"][1] == '<div class="caption figure-caption" markdown>图1　全县服务站分布</div>'
    alt = sections[0].blocks[0]["c"][0]["c"][1]
    assert alt == [{"t": "Str", "c": "全县服务站分布"}]  # what a reader who cannot see it is told
    assert "图2" not in str(sections[0].blocks)  # the second picture has no caption, and gets no number
    assert report.accounting.lost == 0


def test_an_attachment_page_keeps_its_title_whole(tmp_path):
    _cover, sections, report = outline_of(tmp_path, ["标题", "一、情况", "正文。", "附件1", "一、经费预算表", "内容。"])
    assert [(s.title, s.attachment) for s in sections] == [("情况", False), ("一、经费预算表", True)]
    assert report.accounting.lost == 0


def test_time_and_measure_units_are_figures_and_each_sentence_is_its_own_fact():
    registry = passes.Registry("g")
    report = passes.Report()
    units, allowed = passes.load_units({})
    first = passes.figures_in_line("全市性会议不超过90分钟，服务半径5公里。", registry, report, units, allowed)
    second = passes.figures_in_line("部门会议不超过90分钟。", registry, report, units, allowed)
    layout = passes.figures_in_line(
        "正文缩进2个字符，行距28磅，页边距2.5cm，三号字。", registry, report, units, allowed
    )
    assert "90分钟" not in first + second and "5公里" not in first
    assert layout == "正文缩进2个字符，行距28磅，页边距2.5cm，三号字。"
    values = [(spec["value"], spec["unit"]) for spec in registry.entries.values()]
    assert values == [(90, "分钟"), (5, "公里"), (90, "分钟")]  # equal values, two facts


def test_a_merged_cell_table_keeps_every_cell_text(tmp_path):
    # a 明电 or 申请书 form: merged cells, labels indented in their cells, a backslash between two names
    from docx import Document
    from docx.shared import Pt

    from shenbao.importer.write_project import take_tables

    source = handtyped_docx(
        tmp_path / "form.docx", ["申请书", "一、经费", ("table", [("等级", "1500元", "产地\\生产商")] * 2)]
    )
    document = Document(source)
    table = document.tables[0]
    table.cell(0, 0).paragraphs[0].paragraph_format.left_indent = Pt(24)  # pandoc reads it as a block quote
    table.cell(1, 0).merge(table.cell(1, 1))
    document.save(source)
    _cover, sections, report = outline_of_file(source, tmp_path)
    ctx = passes_context(tmp_path / "media")
    take_tables(sections[0], ctx)
    markdown = to_markdown(sections)
    assert "<td" in markdown and "等级" in markdown and "1500元" in markdown and "产地&#92;生产商" in markdown
    assert not ctx.registry.entries  # no figure inside an HTML table, where its call would be dropped
    assert report.accounting.lost == 0


def passes_context(tmp_path):
    from shenbao.importer.write_project import Context

    return Context("g", passes.Registry("g"), passes.Report(), tmp_path, [], [])


def test_an_image_bomb_or_a_huge_page_is_refused_before_anything_is_written(tmp_path):
    from shenbao.importer.docx_reader import ImportProblem
    from shenbao.importer.write_project import MAX_IMAGE, MAX_PAGE, Output, write_output

    picture = tmp_path / "image1.png"
    with picture.open("wb") as file:  # sparse: as large as a decompressed bomb, without the disk
        file.truncate(MAX_IMAGE + 1)
    project = tmp_path / "p"
    output = Output({"docs/a.md": "# 页\n"}, {"docs/img/imported/image1.png": picture})
    with pytest.raises(ImportProblem) as refused:
        write_output(project, output)
    assert "docs/img/imported/image1.png" in str(refused.value) and "超过上限" in str(refused.value)
    with pytest.raises(ImportProblem) as refused:
        write_output(project, Output({"docs/a.md": "字" * (MAX_PAGE + 1)}))
    assert "docs/a.md" in str(refused.value)
    assert not project.exists()  # nothing written


def test_a_cover_without_labels_keeps_its_applicant_and_date_as_text(tmp_path):
    lines = ["某某县申报材料", "某某县人民政府", "2026年5月", "一、基本情况", "全县辖8个镇。"]
    cover, sections, report = outline_of(tmp_path, lines)
    assert cover.title == "某某县申报材料"
    assert "".join(passes.stringify(b) for b in sections[0].lead) == "某某县人民政府2026年5月"
    assert report.dropped == [] and report.accounting.lost == 0


def test_a_second_level_heading_that_opens_the_file_is_its_page_title_once(tmp_path):
    from docx import Document

    document = Document()
    document.add_paragraph("关于某项工作的报告")
    document.add_heading("工作进展情况", level=2)  # Word's 标题 2 with no 标题 1 above it
    document.add_paragraph("进展顺利。")
    document.save(tmp_path / "in.docx")
    _cover, sections, report = outline_of_file(tmp_path / "in.docx", tmp_path)
    assert [s.title for s in sections] == ["工作进展情况"]
    assert not [b for b in sections[0].blocks if b["t"] == "Header"]  # never a page title and a heading again
    assert to_markdown(sections).count("工作进展情况") == 1
    assert report.accounting.lost == 0


def test_pictures_in_indented_paragraphs_and_merged_tables_are_copied_and_word_styles_give_way(tmp_path):
    """Inside a quote (an indented paragraph) or an HTML table (merged cells) a picture is a picture of the
    project, not a path into the import's scratch folder; a Word character style leaves its text, no markup."""
    from docx import Document
    from docx.enum.style import WD_STYLE_TYPE
    from docx.shared import Pt
    from PIL import Image

    from conftest import run_cli

    picture = tmp_path / "p.png"
    Image.new("RGB", (40, 30), "white").save(picture)
    document = Document()
    document.styles.add_style("fontstyle01", WD_STYLE_TYPE.CHARACTER)
    document.add_paragraph("某项目研究总结报告")
    document.add_paragraph("一、研究情况")
    indented = document.add_paragraph()
    indented.paragraph_format.left_indent = Pt(48)
    indented.add_run().add_picture(str(picture), width=Pt(100))
    styled = document.add_paragraph()
    styled.paragraph_format.left_indent = Pt(48)
    styled.add_run("如下所述为本项目的原定技术方案。", style="fontstyle01")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).merge(table.cell(0, 1)).text = "现场图片"
    table.cell(1, 0).paragraphs[0].add_run().add_picture(str(picture), width=Pt(80))
    table.cell(1, 1).text = "说明"
    document.add_paragraph("正文到此结束。")
    source = document.save(tmp_path / "report.docx") or tmp_path / "report.docx"

    assert run_cli(tmp_path, "new", "app", "--from", str(source)).returncode == 0
    app = tmp_path / "app"
    pages = "\n".join(p.read_text(encoding="utf-8") for p in (app / "docs").glob("*.md"))
    assert ".import-" not in pages and "custom-style" not in pages
    assert "如下所述为本项目的原定技术方案。" in pages
    targets = re.findall(r"!\[[^\]]*\]\(([^)\s]+)\)|<img src=\"([^\"]+)\"", pages)
    assert len(targets) == 2, pages
    for markdown_target, html_target in targets:
        assert (app / "docs" / (markdown_target or html_target)).is_file()
    checked = run_cli(app, "check")
    assert "published-html" not in checked.output, checked.output
