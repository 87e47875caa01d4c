"""Tables and charts of figures: the same captions and numbers on the site and in the DOCX."""

import re
import warnings

import pytest
from fontTools.ttLib import TTCollection, TTFont
from PIL import Image

from conftest import NS, W, docx_part, make_project, paragraph_text, run_cli, wval
from shenbao.project.exhibits import ChartSpec, Exhibits, Series, TableSpec, reference_token, table_markdown
from shenbao.project.figures import parse_figures
from shenbao.site import charts

BOOK = parse_figures(
    """\
funds:
  budget:   {label: 事业费预算, unit: 万元, value: null}
  received: {label: 事业费到位, unit: 万元, value: 124}
  rate:     {label: 到位率, unit: "%", value: 86.48}
"""
)
SPEC = ChartSpec(
    "funding",
    "经费预算与到位情况",
    "万元",
    ("事业费",),
    (Series("预算", ("funds.budget",)), Series("到位", ("funds.received",))),
)


def test_tables_and_charts_are_numbered_apart_in_order_of_placement():
    exhibits = Exhibits(tables={"a": None, "b": None}, charts={"c": None})
    assert [exhibits.number(n) for n in ("b", "c", "a", "b")] == ["表1", "图1", "表2", "表1"]
    text = f"见{reference_token('a')}和{reference_token('c')}"
    assert exhibits.resolve(text) == "见表2和图1"


def test_table_cells_show_value_and_unit_apart_and_unknowns_as_placeholders():
    spec = TableSpec("t", "经费", ("funds.budget", "funds.received", "funds.rate"), {"funds.rate": "按预算计"})
    lines = table_markdown(spec, BOOK, "表3").split("\n")
    assert lines[0] == '<div class="caption table-caption" markdown>表3　经费</div>'
    assert lines[4].startswith(
        '| 事业费预算 | <span class="placeholder" data-figure="funds.budget">【待填：事业费预算】</span> | 万元 |'
    )
    assert lines[5] == "| 事业费到位 | 124 | 万元 |  |"
    assert lines[6] == "| 到位率 | 86.48 | % | 按预算计 |"


def test_chart_cache_key_follows_values_and_definition_only():
    key = charts.chart_key(SPEC, BOOK)
    assert charts.chart_key(SPEC, BOOK) == key
    changed = parse_figures(BOOK_TEXT.replace("value: 124", "value: 125"))
    assert charts.chart_key(SPEC, changed) != key
    renamed = ChartSpec(SPEC.name, "经费情况", SPEC.unit, SPEC.categories, SPEC.series)
    assert charts.chart_key(renamed, BOOK) != key


BOOK_TEXT = """\
funds:
  budget:   {label: 事业费预算, unit: 万元, value: null}
  received: {label: 事业费到位, unit: 万元, value: 124}
  rate:     {label: 到位率, unit: "%", value: 86.48}
"""


def test_chart_is_drawn_once_as_svg_and_print_resolution_png(tmp_path, monkeypatch):
    svg, png = charts.render_chart(SPEC, BOOK, tmp_path)
    assert svg.read_text(encoding="utf-8").lstrip().startswith("<?xml")
    assert "<text" not in svg.read_text(encoding="utf-8"), "labels are outlines: no font needed to view"
    dpi = Image.open(png).info["dpi"]
    assert round(dpi[0]) == charts.PRINT_DPI

    def must_not_draw(*args):
        raise AssertionError("drawn again although nothing changed")

    monkeypatch.setattr(charts, "draw", must_not_draw)
    assert charts.render_chart(SPEC, BOOK, tmp_path) == (svg, png)


def font_characters() -> set[int]:
    path = charts.font_path()
    fonts = TTCollection(path).fonts if path.endswith(".ttc") else [TTFont(path)]
    font = next(f for f in fonts if "SC" in f["name"].getDebugName(1)) if len(fonts) > 1 else fonts[0]
    return set(font.getBestCmap())


def test_chinese_labels_have_real_glyphs():
    covered = font_characters()
    labels = "".join([SPEC.title, SPEC.unit, *SPEC.categories, *(s.name for s in SPEC.series), "待填"])
    assert {ch for ch in labels if ord(ch) not in covered} == set()


def test_a_glyph_missing_from_the_font_fails_loudly(tmp_path):
    broken = ChartSpec("broken", "x", "万元", ("\U000130b8",), SPEC.series)  # an Egyptian hieroglyph
    with pytest.raises(UserWarning), warnings.catch_warnings():
        charts.render_chart(broken, BOOK, tmp_path)


# --- in the built outputs ------------------------------------------------------------


def test_site_shows_the_indicator_table_and_funding_chart_with_captions(sample):
    html = (sample.site / "a-jiben.html").read_text(encoding="utf-8")
    table_at = html.index("表1　主要指标一览表")
    assert table_at < html.index("<table", table_at)
    assert "<td>健身站点数</td>" in html and ">286<" in html
    assert "【待填：全县常住人口】" in html.split("<table", 1)[1]
    assert 'src="charts/funding.svg"' in html
    assert html.index('src="charts/funding.svg"') < html.index("图1　健身经费预算与到位情况")
    assert (sample.site / "charts" / "funding.svg").exists()


def test_references_and_captions_agree_on_site_and_in_docx(complete):
    html = (complete.site / "a-basics.html").read_text(encoding="utf-8")
    assert "主要指标见表1，宣传经费见图1" in re.sub(r"<[^>]+>", "", html)
    body = docx_part(complete.docx(), "word/document.xml").find("w:body", NS)
    paragraphs = body.findall(".//w:p", NS)
    text = [paragraph_text(p) for p in paragraphs]
    assert any("主要指标见表1，宣传经费见图1" in t for t in text)
    assert "\ue010" not in "".join(text)
    captions = {
        paragraph_text(p): wval(p, "w:pPr/w:pStyle")
        for p in paragraphs
        if wval(p, "w:pPr/w:pStyle") in ("Caption", "TableCaption", "ImageCaption")
    }
    assert captions == {"表1　主要指标": "Caption", "图1　宣传经费": "Caption"}, "表题 and 图题 share one style"
    caption = next(p for p in paragraphs if paragraph_text(p) == "表1　主要指标")
    assert caption.getnext().tag == W + "tbl", "a table's caption stands right above it"
    figure = next(p for p in paragraphs if paragraph_text(p) == "图1　宣传经费").getprevious()
    assert figure.find(".//w:drawing", NS) is not None, "a figure's caption stands right below it"


def test_attachments_start_new_pages_with_label_and_centred_title(complete):
    body = docx_part(complete.docx(), "word/document.xml").find("w:body", NS)
    paragraphs = body.findall("w:p", NS)
    styled = [(wval(p, "w:pPr/w:pStyle"), paragraph_text(p)) for p in paragraphs]
    # a tab after the number reaches the hanging indent, where every name starts
    assert ("AttachmentNote", "附件：1.数据统计表") in styled
    assert ("AttachmentNoteItem", "2.工作图片目录") in styled
    note = paragraphs[styled.index(("AttachmentNote", "附件：1.数据统计表"))]
    assert note.find("w:r/w:tab", NS) is not None
    for number, title in ((1, "数据统计表"), (2, "工作图片目录")):
        index = styled.index(("AttachmentLabel", f"附件{number}"))
        assert paragraph_text(paragraphs[index + 1]) == ""
        assert styled[index + 2] == ("AttachmentTitle", title)
    styles = docx_part(complete.docx(), "word/styles.xml")
    label = styles.find("w:style[@w:styleId='AttachmentLabel']", NS)
    assert label.find("w:pPr/w:pageBreakBefore", NS) is not None
    assert wval(label, "w:rPr/w:rFonts", "eastAsia") == "黑体"
    title = styles.find("w:style[@w:styleId='AttachmentTitle']", NS)
    assert wval(title, "w:pPr/w:jc") == "center"
    sections = [p for p in paragraphs if p.find("w:pPr/w:sectPr", NS) is not None]
    assert len(sections) == 1, "page numbers run on through the attachments"
    toc = [t for s, t in styled if s in ("TOC1", "TOC2")]
    assert not any("数据统计表" in t for t in toc)


def test_changing_one_figure_changes_table_chart_and_sentences(tmp_path):
    project = make_project(tmp_path, "draft")
    assert run_cli(project, "build").returncode == 0
    old_chart = (project / "site" / "charts" / "funding.svg").read_bytes()
    figures = project / "data" / "figures.yml"
    text = figures.read_text(encoding="utf-8")
    text = text.replace("value: 286}", "value: 287}").replace("value: 420}", "value: 421}")
    figures.write_text(text, encoding="utf-8")
    result = run_cli(project, "build")
    assert result.returncode == 0, result.output
    html = (project / "site" / "a-jiben.html").read_text(encoding="utf-8")
    assert ">287<" in html and ">286<" not in html
    assert "建成健身站点287个" in re.sub(r"<[^>]+>", "", html)
    assert (project / "site" / "charts" / "funding.svg").read_bytes() != old_chart
    docx_text = paragraph_text(docx_part(result.docx(), "word/document.xml"))
    assert "建成健身站点287个" in docx_text and "286" not in docx_text


def test_several_attachments_are_numbered_on_the_site(complete):
    labels = [
        re.search(r'<p class="attachment-label">([^<]*)</p>', page.read_text(encoding="utf-8"))
        for page in sorted(complete.site.glob("*.html"))
    ]
    assert sorted(label[1] for label in labels if label) == ["附件1", "附件2"]


@pytest.mark.parametrize("where", ["label", "value", "note"])
def test_a_bar_in_a_text_value_label_or_note_stays_inside_its_cell(where):
    import markdown
    import pypandoc

    label = "甲|乙" if where == "label" else "甲乙"
    value = '"A|B"' if where == "value" else '"AB"'
    book = parse_figures(f"g:\n  x: {{label: '{label}', value: {value}}}\n")
    spec = TableSpec("t", "表", ("g.x",), {"g.x": "备|注"} if where == "note" else {})
    table = table_markdown(spec, book, "表1")
    site = markdown.markdown(table, extensions=["tables", "md_in_html"])
    docx_side = pypandoc.convert_text(table, "html", format="markdown")
    for html_text in (site, docx_side):
        body_rows = html_text.split("<tbody>")[1].split("</tr>")[0]
        assert body_rows.count("<td") == 4, html_text
        assert "|" in body_rows.replace("\\|", "|")
