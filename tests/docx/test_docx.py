"""The DOCX read as pandoc tests its writer: the XML parts a reader's eye depends on."""

import io
import re
import zipfile

import pytest
from lxml import etree

from conftest import FIXTURES, NS, W, docx_part, docx_parts, paragraph_text, style_of, wval
from shenbao.docx import layout
from shenbao.project.figures import load_figures

FIGURES = load_figures(FIXTURES / "draft" / "data" / "figures.yml")
R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"


@pytest.fixture(scope="module")
def draft(sample):
    return sample.docx()


@pytest.fixture(scope="module")
def styles(draft):
    return docx_part(draft, "word/styles.xml")


@pytest.fixture(scope="module")
def body(draft):
    return docx_part(draft, "word/document.xml").find("w:body", NS)


def text_of(body) -> str:
    return "\n".join(paragraph_text(p) for p in body.iter(W + "p"))


def test_page_is_a4_with_official_margins_and_numbering_from_1(body):
    sectpr = body.find("w:sectPr", NS)
    assert wval(sectpr, "w:pgSz", "w") == "11906" and wval(sectpr, "w:pgSz", "h") == "16838"
    margins = sectpr.find("w:pgMar", NS)
    assert {side: margins.get(W + side) for side in ("top", "left", "bottom", "right")} == {
        "top": "2098",
        "left": "1587",
        "bottom": "1984",
        "right": "1474",
    }
    assert wval(sectpr, "w:pgNumType", "start") == "1"


def test_cover_and_contents_form_a_section_without_page_numbers(body):
    breaks = [p.find("w:pPr/w:sectPr", NS) for p in body.findall("w:p", NS)]
    front = [s for s in breaks if s is not None]
    assert len(front) == 1, "one section break ends the cover and 目录"
    assert front[0].find("w:footerReference", NS) is None
    assert front[0].find("w:headerReference", NS) is None
    assert wval(front[0], "w:pgMar", "top") == str(round(37 * 1440 / 25.4))  # GB/T 9704 §5.2.1: 天头 37 mm
    final = body.find("w:sectPr", NS)
    kinds = {ref.get(W + "type") for ref in final.findall("w:footerReference", NS)}
    assert kinds == {"default", "even"}


def test_page_numbers_are_dashed_odd_right_even_left(draft):
    settings = docx_part(draft, "word/settings.xml")
    assert settings.find("w:evenAndOddHeaders", NS) is not None
    rels = docx_part(draft, "word/_rels/document.xml.rels")
    targets = {r.get("Id"): r.get("Target") for r in rels}
    final = docx_part(draft, "word/document.xml").find("w:body/w:sectPr", NS)
    for ref in final.findall("w:footerReference", NS):
        footer = docx_part(draft, "word/" + targets[ref.get(R + "id")])
        paragraph = footer.find("w:p", NS)
        assert "".join(t.text for t in paragraph.iter(W + "t")) == "— 1 —"
        assert "PAGE" in "".join(t.text for t in paragraph.iter(W + "instrText"))
        assert wval(paragraph, "w:pPr/w:jc") == ("right" if ref.get(W + "type") == "default" else "left")
    footer_style = style_of(docx_part(draft, "word/styles.xml"), "Footer")
    assert wval(footer_style, "w:rPr/w:sz") == "28"
    assert wval(footer_style, "w:rPr/w:rFonts", "eastAsia") == "宋体"


def test_body_text_is_fangsong_16pt_fixed_22_lines_indented_two_characters(styles):
    for style_id in ("BodyText", "FirstParagraph"):
        style = style_of(styles, style_id)
        assert wval(style, "w:rPr/w:rFonts", "eastAsia") == "仿宋_GB2312"
        assert wval(style, "w:rPr/w:sz") == "32"
        assert wval(style, "w:pPr/w:spacing", "line") == "579"
        assert wval(style, "w:pPr/w:spacing", "lineRule") == "exact"
        assert wval(style, "w:pPr/w:ind", "firstLineChars") == "200"
        assert wval(style, "w:pPr/w:ind", "firstLine") == "640"
        assert wval(style, "w:pPr/w:jc") == "both"
    # the indent lives on body styles only: it would leak into cells, footers and footnotes
    for style_id in ("Normal", "Compact", "Footer", "FootnoteText"):
        assert wval(style_of(styles, style_id), "w:pPr/w:ind", "firstLine") in (None, "0")


@pytest.mark.parametrize(
    ("style_id", "font", "size"),
    [
        ("Title", "方正小标宋简体", "44"),
        ("Heading1", "黑体", "32"),
        ("Heading2", "楷体_GB2312", "32"),
        ("Heading3", "仿宋_GB2312", "32"),
        ("Heading4", "仿宋_GB2312", "32"),
    ],
)
def test_title_and_headings_use_the_official_fonts(styles, style_id, font, size):
    style = style_of(styles, style_id)
    assert wval(style, "w:rPr/w:rFonts", "eastAsia") == font
    assert wval(style, "w:rPr/w:sz") == size
    assert wval(style, "w:rPr/w:color") == "000000"


def test_title_is_centred_and_not_bold(styles):
    title = style_of(styles, "Title")
    assert wval(title, "w:pPr/w:jc") == "center"
    assert wval(title, "w:rPr/w:b") == "0"


def test_no_theme_fonts_or_colours_can_override_the_fonts(styles):
    xml = etree.tostring(styles, encoding="unicode")
    assert not re.search(r"w:(ascii|hAnsi|eastAsia|cs)Theme=", xml)
    assert not re.search(r"w:themeColor=", xml)
    colours = set(re.findall(r'<w:color w:val="([0-9A-Fa-f]{6})"', xml))
    assert colours == {"000000"}
    defaults = styles.find("w:docDefaults/w:rPrDefault/w:rPr", NS)
    assert wval(defaults, "w:rFonts", "eastAsia") == "仿宋_GB2312"


def test_fangsong_gb2312_declares_its_windows_name(draft):
    fonts = docx_part(draft, "word/fontTable.xml")
    font = fonts.find("w:font[@w:name='仿宋_GB2312']", NS)
    assert wval(font, "w:altName") == "仿宋"


def test_headings_carry_the_same_numbers_as_the_site(sample, body):
    in_docx = [
        paragraph_text(p) for p in body.findall("w:p", NS) if (wval(p, "w:pPr/w:pStyle") or "").startswith("Heading")
    ]
    html = "".join(
        (sample.site / page).read_text(encoding="utf-8")
        for page in ("a-jiben.html", "b-zuofa.html", "c-chengxiao.html")
    )
    on_site = [re.sub(r"<[^>]+>", "", h) for h in re.findall(r"<h[1-4] id=[^>]*>(.*?)<a class=\"headerlink\"", html)]
    assert in_docx == on_site
    assert in_docx[:5] == ["一、基本情况", "二、主要做法", "（一）机制建设", "1.明确责任", "（1）责任到人"]
    assert in_docx[-1] == "三、工作成效"


def test_contents_lists_the_first_two_heading_levels_for_word_to_update(body):
    instructions = "".join(t.text for t in body.iter(W + "instrText"))
    assert 'TOC \\o "1-2"' in instructions
    entries = [
        paragraph_text(p)
        for p in body.findall("w:p", NS)
        if (wval(p, "w:pPr/w:pStyle") or "").startswith("TOC") and wval(p, "w:pPr/w:pStyle") != "TOCHeading"
    ]
    assert [e.strip() for e in entries] == [
        "一、基本情况",
        "二、主要做法",
        "（一）机制建设",
        "（二）服务保障",
        "三、工作成效",
    ]
    begin = next(body.iter(W + "fldChar"))
    assert begin.get(W + "dirty") == "true", "a draft asks Word to fill in the page numbers"


def test_draft_says_so_in_the_header_and_on_the_cover(draft, body):
    headers = [name for name in docx_parts(draft) if name.startswith("word/header")]
    assert headers
    assert all("".join(docx_part(draft, h).itertext()) == layout.DRAFT_MARK for h in headers)
    assert "草稿　目录页码在 Word 中“更新域”后显示" in text_of(body)


def test_every_figure_is_in_the_text_and_every_unknown_is_a_highlighted_placeholder(draft, body, styles):
    text = text_of(body)
    for figure in FIGURES.values():
        if figure.known:
            assert figure.as_text() in text, figure.name
        else:
            assert f"【待填：{figure.label}】" in text, figure.name
    placeholder_runs = [r for r in body.iter(W + "r") if wval(r, "w:rPr/w:rStyle") == "Placeholder"]
    assert len(placeholder_runs) >= len(FIGURES.unknown())
    assert wval(style_of(styles, "Placeholder"), "w:rPr/w:shd", "fill") == "FFFF00"
    assert "【原文缺失：" in text


def test_no_template_syntax_survives(draft):
    with zipfile.ZipFile(draft) as archive:
        for name in archive.namelist():
            if name.endswith(".xml"):
                xml = archive.read(name).decode("utf-8")
                assert "{{" not in xml and "{%" not in xml, name


def test_file_properties_name_the_application(draft):
    core = etree.tostring(docx_part(draft, "docProps/core.xml"), encoding="unicode")
    assert "<dc:title>样例县全民健身示范县申报材料</dc:title>" in core


# --- the complete fixture, built as a final file -------------------------------------


@pytest.fixture(scope="module")
def final(complete):
    return complete.docx()


@pytest.fixture(scope="module")
def final_body(final):
    return docx_part(final, "word/document.xml").find("w:body", NS)


def test_final_has_no_draft_marks(final, final_body):
    assert final.name == "样例市计划生育优质服务先进申报.docx"
    assert not [n for n in docx_parts(final) if n.startswith("word/header")]
    assert "草稿" not in text_of(final_body)
    assert not [r for r in final_body.iter(W + "r") if wval(r, "w:rPr/w:rStyle") in ("Placeholder", "MissingText")]


def test_final_contents_has_page_numbers_and_is_not_dirty(final_body):
    entries = {}
    for p in final_body.findall("w:p", NS):
        style = wval(p, "w:pPr/w:pStyle") or ""
        if style in ("TOC1", "TOC2"):
            texts = [t.text for t in p.iter(W + "t")]
            entries[texts[0]] = texts[-1]
    assert list(entries) == ["一、基本情况", "二、主要做法", "（一）机制建设", "（二）服务保障"]
    pages = [int(page) for page in entries.values()]
    assert pages[0] == 1 and pages[1] > 1 and pages[1] == pages[2] and pages == sorted(pages)
    assert all(f.get(W + "dirty") is None for f in final_body.iter(W + "fldChar"))


def test_footnotes_are_real_word_footnotes_with_unique_labels(final, final_body):
    footnotes = docx_part(final, "word/footnotes.xml")
    texts = ["".join(f.itertext()).strip() for f in footnotes.findall("w:footnote", NS) if f.get(W + "type") is None]
    assert texts == ["数据来源：样例市统计公报。", "另一页的脚注，标签与上一页相同。"]
    assert len(list(final_body.iter(W + "footnoteReference"))) == 2


def tables(body) -> dict[str, etree._Element]:
    """Tables by the text of their first cell and its neighbour."""
    return {
        "/".join(paragraph_text(tc) for tc in tbl.findall("w:tr/w:tc", NS)[:2]): tbl for tbl in body.iter(W + "tbl")
    }


def test_tables_span_the_type_area_with_borders_and_unindented_cells(final, final_body):
    table = tables(final_body)["指标/数值"]
    assert wval(table, "w:tblPr/w:tblW", "type") == "pct" and wval(table, "w:tblPr/w:tblW", "w") == "5000"
    grid = [int(c.get(W + "w")) for c in table.findall("w:tblGrid/w:gridCol", NS)]
    assert abs(sum(grid) - round(156 * 1440 / 25.4)) <= len(grid)  # the 156 mm type width
    assert table.find("w:tr/w:trPr/w:tblHeader", NS) is not None
    cells = [paragraph_text(tc) for tc in table.iter(W + "tc")]
    assert cells == ["指标", "数值", "出生人数", "1271人", "宣传经费", "100余万元"]
    header, *rows = table.findall("w:tr", NS)
    assert {wval(p, "w:pPr/w:pStyle") for p in header.iter(W + "p")} == {"TableHeader"}
    assert {wval(p, "w:pPr/w:pStyle") for row in rows for p in row.iter(W + "p")} == {"TableText"}
    cell_style = style_of(docx_part(final, "word/styles.xml"), "TableText")
    assert wval(cell_style, "w:pPr/w:ind", "firstLine") == "0"
    assert wval(cell_style, "w:rPr/w:sz") == "28", "table text is set smaller than the body"
    styles = docx_part(final, "word/styles.xml")
    borders = style_of(styles, "Table").find("w:tblPr/w:tblBorders", NS)
    assert {b.get(W + "sz") for b in borders} == {"4"}


def test_images_are_embedded(final, final_body):
    assert any(n.startswith("word/media/") for n in docx_parts(final))
    assert final_body.find(".//w:drawing", NS) is not None


def test_links_between_pages_are_internal_links_to_bookmarks(final_body):
    anchors = {h.get(W + "anchor") for h in final_body.iter(W + "hyperlink")}
    bookmarks = {b.get(W + "name") for b in final_body.iter(W + "bookmarkStart")}
    assert {"机制建设", "基本情况"} <= anchors
    assert {"机制建设", "基本情况"} <= bookmarks


def test_final_properties_name_the_applicant(final):
    core = etree.tostring(docx_part(final, "docProps/core.xml"), encoding="unicode")
    assert "<dc:creator>样例市人民政府</dc:creator>" in core


def test_file_properties_record_the_revision(draft):
    core = etree.tostring(docx_part(draft, "docProps/core.xml"), encoding="unicode")
    # the test project is a copy outside git, and the file says so rather than inventing a revision
    assert "修订版本：未纳入 git 的工作副本" in core


def test_reference_document_is_reproducible():
    from shenbao.docx.layout import DEFAULT
    from shenbao.docx.reference import build_reference

    first, second = build_reference(False, DEFAULT), build_reference(False, DEFAULT)
    for part in ("word/styles.xml", "word/document.xml", "word/settings.xml", "word/fontTable.xml", "word/footer1.xml"):
        with zipfile.ZipFile(io.BytesIO(first)) as a, zipfile.ZipFile(io.BytesIO(second)) as b:
            assert a.read(part) == b.read(part), part


def test_word_opens_the_file_in_its_current_mode_not_compatibility_mode(draft):
    settings = docx_part(draft, "word/settings.xml")
    mode = settings.find("w:compat/w:compatSetting[@w:name='compatibilityMode']", NS)
    assert mode is not None and mode.get(W + "val") == "15"
    names = [etree.QName(child).localname for child in settings]
    assert names.index("compat") < names.index("rsids"), "in the schema's order"


def _built_body(tmp_path, edit) -> etree._Element:
    from conftest import make_project, run_cli

    project = make_project(tmp_path, "draft")
    edit(project)
    result = run_cli(project, "build")
    assert result.returncode == 0, result.output
    return docx_part(result.docx(), "word/document.xml").find("w:body", NS)


def test_an_unknown_title_is_a_placeholder_mark_on_the_cover_and_the_first_page(tmp_path):
    def unknown_title(project):
        figures = project / "data" / "figures.yml"
        text = figures.read_text(encoding="utf-8").replace("value: 样例县全民健身示范县申报材料", "value: null")
        figures.write_text(text, encoding="utf-8")

    body = _built_body(tmp_path, unknown_title)
    assert "<span" not in text_of(body) and "&lt;span" not in text_of(body), "markup shown as text"
    marks = [
        run
        for run in body.iter(W + "r")
        if wval(run, "w:rPr/w:rStyle") == "Placeholder" and "申报材料标题" in paragraph_text(run)
    ]
    assert len(marks) == 2, "the cover's title and the first page's title, each a placeholder mark"


def test_a_first_page_that_opens_with_the_title_does_not_get_it_twice(tmp_path):
    def title_first(project):
        page = project / "docs" / "a-jiben.md"
        page.write_text(
            "# 样例县全民健身示范县申报材料 {.unnumbered}\n\n" + page.read_text(encoding="utf-8"), encoding="utf-8"
        )

    body = _built_body(tmp_path, title_first)
    titles = [p for p in body.iter(W + "p") if paragraph_text(p) == "样例县全民健身示范县申报材料"]
    assert len(titles) == 2, "once on the cover, once opening the first page"


def test_a_backslash_before_letters_reaches_the_docx_as_written(tmp_path):
    """As on the site: a path or a typed backslash is text, not a TeX command pandoc would drop."""

    def backslashes(project):
        page = project / "docs" / "a-jiben.md"
        page.write_text(page.read_text(encoding="utf-8") + "\n材料存放在 C:\\Users\\申报\\2024 文件夹。\n", "utf-8")

    assert "材料存放在 C:\\Users\\申报\\2024 文件夹。" in text_of(_built_body(tmp_path, backslashes))
