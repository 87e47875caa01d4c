"""Typesetting a government typesetter would sign off, on the long fixture and on the 报告 preset.

The XML is read for what Word shows; the PDF LibreOffice renders (with the fonts
of fonts.conf) is measured for what a reviewer sees.
"""

import re
import subprocess
from collections import Counter

import pytest

from conftest import NS, W, build, docx_part, paragraph_text, style_of, wval
from pdf_measure import POINTS_PER_MM, dash_height, horizontal_rules, page_images, text_lines
from shenbao.docx import layout, render

A4_WIDTH_MM = 210
PIC = "{http://schemas.openxmlformats.org/drawingml/2006/picture}"
HEADINGS = ("Heading1", "Heading2", "Heading3", "Heading4")


@pytest.fixture(scope="module")
def long(tmp_path_factory):
    result = build(tmp_path_factory.mktemp("long"), "long")
    assert result.returncode == 0, result.output
    return result


@pytest.fixture(scope="module")
def long_body(long):
    return docx_part(long.docx(), "word/document.xml").find("w:body", NS)


@pytest.fixture(scope="module")
def long_pdf(long, tmp_path_factory):
    return render.docx_to_pdf(long.docx(), tmp_path_factory.mktemp("long-pdf"))


@pytest.fixture(scope="module")
def long_lines(long_pdf):
    return text_lines(long_pdf)


@pytest.fixture(scope="module")
def long_pages(long_pdf, tmp_path_factory):
    return page_images(long_pdf, tmp_path_factory.mktemp("long-png"))


def no_space(text: str) -> str:
    return re.sub(r"\s+", "", text)


def styled_paragraphs(body, *styles: str) -> list[str]:
    return [paragraph_text(p) for p in body.iter(W + "p") if wval(p, "w:pPr/w:pStyle") in styles]


def body_page_numbers(lines) -> dict[int, int]:
    """PDF page index → printed page number."""
    found = {}
    for line in lines:
        number = render.page_number(" ".join(text for _, text in line.words))
        if number is not None:
            found[line.page] = number
    return found


# --- the XML ------------------------------------------------------------------------------


def test_placeholders_take_the_font_and_size_of_where_they_stand(long):
    styles = docx_part(long.docx(), "word/styles.xml")
    for name in ("Placeholder", "MissingText"):
        rpr = style_of(styles, name).find("w:rPr", NS)
        assert rpr.find("w:rFonts", NS) is None and rpr.find("w:sz", NS) is None, name
    for name in ("Placeholder", "MissingText"):  # the schema allows no highlight in a style: shading marks them
        assert style_of(styles, name).find("w:rPr/w:highlight", NS) is None, name
    assert wval(style_of(styles, "Placeholder"), "w:rPr/w:shd", "fill") == "FFFF00", "every reader shows shading"
    body = docx_part(long.docx(), "word/document.xml")
    runs = [r for r in body.iter(W + "r") if wval(r, "w:rPr/w:rStyle") == "Placeholder"]
    assert runs
    for run in runs:
        assert run.find("w:rPr/w:sz", NS) is None
        assert wval(run, "w:rPr/w:rFonts", "eastAsia") is None
    where = {wval(r.getparent(), "w:pPr/w:pStyle") for r in runs}
    assert {"CoverInfo", "TableText", "FirstParagraph"} <= where


def test_the_page_declares_a_grid_of_22_lines(long_body):
    for sectpr in long_body.iter(W + "sectPr"):
        grid = sectpr.find("w:docGrid", NS)
        assert grid.get(W + "type") == "lines"
        pitch = int(grid.get(W + "linePitch"))
        # GB/T 9704 §5.2.2: 22 lines in the 225 mm type area (297 mm less 37 mm and 35 mm); 1 mm = 1440 / 25.4 twips
        assert (297 - 37 - 35) * 1440 / 25.4 // pitch == 22 and pitch == 579


def test_captions_share_one_style_and_images_carry_no_paths(long, long_body):
    captions = {p: wval(p, "w:pPr/w:pStyle") for p in long_body.iter(W + "p") if paragraph_text(p)[:1] in "表图"}
    styles = {style for p, style in captions.items() if re.match(r"^[表图]\d　", paragraph_text(p))}
    assert styles == {"Caption"}
    described = [e.get("descr") for e in long_body.iter(PIC + "cNvPr", "{*}docPr")]
    assert described and all("/" not in d and "\\" not in d for d in described), described


def test_tables_rows_keep_together_and_the_header_is_centred(long, long_body):
    table = next(long_body.iter(W + "tbl"))
    rows = table.findall("w:tr", NS)
    assert all(row.find("w:trPr/w:cantSplit", NS) is not None for row in rows)
    assert all(wval(tc, "w:tcPr/w:vAlign") == "center" for tc in table.iter(W + "tc"))
    header = rows[0]
    assert {wval(p, "w:pPr/w:pStyle") for p in header.iter(W + "p")} == {"TableHeader"}
    assert all(p.find("w:pPr/w:jc", NS) is None for p in header.iter(W + "p")), "centred by its style"
    styles = docx_part(long.docx(), "word/styles.xml")
    assert wval(style_of(styles, "TableHeader"), "w:pPr/w:jc") == "center"
    assert wval(style_of(styles, "TableHeader"), "w:rPr/w:rFonts", "eastAsia") == "黑体"
    assert all(wval(p, "w:pPr/w:pStyle") for p in table.iter(W + "p")), "no empty cell falls back to Normal"
    margins = style_of(styles, "Table").find("w:tblPr/w:tblCellMar", NS)
    assert int(wval(margins, "w:top", "w")) > 0 and int(wval(margins, "w:left", "w")) > 0


def test_punctuation_does_not_hang_and_no_space_is_added_between_chinese_and_digits(long):
    defaults = docx_part(long.docx(), "word/styles.xml").find("w:docDefaults/w:pPrDefault/w:pPr", NS)
    assert wval(defaults, "w:overflowPunct") == "0"
    assert wval(defaults, "w:autoSpaceDE") == "0" and wval(defaults, "w:autoSpaceDN") == "0"
    assert wval(defaults, "w:kinsoku") == "1"


def test_contents_runs_are_hinted_east_asian(long_body):
    toc = [p for p in long_body.iter(W + "p") if (wval(p, "w:pPr/w:pStyle") or "").startswith("TOC")]
    texts = [r for p in toc for r in p.iter(W + "r") if r.find("w:t", NS) is not None]
    assert texts and all(wval(r, "w:rPr/w:rFonts", "hint") == "eastAsia" for r in texts)


def test_the_small_title_font_has_a_fallback(long):
    fonts = docx_part(long.docx(), "word/fontTable.xml")
    assert wval(fonts.find("w:font[@w:name='方正小标宋简体']", NS), "w:altName") == "宋体"


def test_approximate_figures_read_as_chinese_on_the_site_and_in_the_docx(long, long_body):
    wanted = ["1.2万多人", "30余万人", "近3.5亿元", "约60%", "近3万份", "100余万元", "600多次"]
    site = no_space(re.sub(r"<[^>]+>", "", (long.site / "a-basics.html").read_text(encoding="utf-8")))
    site += no_space(re.sub(r"<[^>]+>", "", (long.site / "b-work.html").read_text(encoding="utf-8")))
    docx = no_space("".join(paragraph_text(p) for p in long_body.iter(W + "p")))
    for text in wanted:
        assert text in site and text in docx, text
    assert "1.2多万" not in site + docx
    table = next(long_body.iter(W + "tbl"))
    cells = [[paragraph_text(tc) for tc in tr.findall("w:tc", NS)] for tr in table.findall("w:tr", NS)]
    assert ["全县总人口", "1.2万多", "人", ""] in cells and ["全县生产总值", "近3.5", "亿元", ""] in cells


def test_the_title_heads_the_first_body_page_broken_between_words(long_body):
    titles = styled_paragraphs(long_body, "Title")
    assert len(titles) == 2, "on the cover and on the first body page"
    body_title = [p for p in long_body.iter(W + "p") if wval(p, "w:pPr/w:pStyle") == "Title"][1]
    assert len(body_title.findall(".//w:br", NS)) == 2, "three lines"


# --- the rendered PDF ---------------------------------------------------------------------


@pytest.mark.render
def test_every_character_of_the_text_is_on_the_page(long, long_body, long_pdf):
    docx = Counter(no_space("".join(paragraph_text(p) for p in long_body.iter(W + "p"))))
    pdf = Counter(no_space("".join(render.pdf_pages(long_pdf))))
    lost = docx - pdf
    assert not lost, f"characters missing from the rendered pages: {dict(lost)}"


@pytest.mark.render
def test_the_title_is_centred_on_the_first_body_page(long_body, long_lines):
    first = next(page for page, number in body_page_numbers(long_lines).items() if number == 1)
    lines = [line for line in long_lines if line.page == first and line.text != layout.DRAFT_MARK]
    title = no_space(styled_paragraphs(long_body, "Title")[0])
    assert no_space("".join(line.text for line in lines[:3])) == title
    centre = (28 + 156 / 2) * POINTS_PER_MM
    for line in lines[:3]:
        assert abs((line.x_min + line.x_max) / 2 - centre) < 3, line


@pytest.mark.render
def test_attachment_names_wrap_under_their_first_character(long_lines):
    note = next(i for i, line in enumerate(long_lines) if line.text.startswith("附件："))
    first, second = long_lines[note], long_lines[note + 1]
    name_starts = [x for x, text in first.words if text.startswith("样例县")]
    assert name_starts, first.words
    assert abs(second.x_min - name_starts[0]) < 2, (first, second)
    assert second.text.startswith("细则") or "考核" in second.text, second.text


@pytest.mark.render
def test_the_attachment_note_stays_on_one_page(long_lines):
    note = [line for line in long_lines if line.text.startswith(("附件：", "2.", "3.")) and "图片目录" in line.text]
    start = next(line for line in long_lines if line.text.startswith("附件："))
    assert note and note[0].page == start.page


@pytest.mark.render
def test_the_page_number_dash_is_7_mm_below_the_type_area(long_pdf, long_pages, long_lines):
    bottom = 297 - 35
    numbered = sorted(body_page_numbers(long_lines))
    for page in numbered[:3]:
        dash = dash_height(long_pages[page], 150, bottom)
        assert dash is not None and abs(dash - bottom - 7) <= 1, (page, dash)


def table_rows(lines, pages):
    """Each table row as rendered: its page, height in points, and how many text lines it holds."""
    rows = []
    left, width = 28, 156
    for page, image in enumerate(pages):
        rules = horizontal_rules(image, 150, left, width)
        for top, bottom in zip(rules, rules[1:], strict=False):
            inside = [
                line
                for line in lines
                if line.page == page and top < (line.y_min + line.y_max) / 2 < bottom and line.x_min >= left * 2.8
            ]
            if inside:
                text = Counter(no_space("".join(line.text for line in inside)))
                rows.append((page, bottom - top, len(line_centres(inside)), text))
    return rows


def line_centres(lines, tolerance: float = 6) -> list[float]:
    """Lines of text at different heights; digits and Chinese on one line have slightly different boxes."""
    centres: list[float] = []
    for centre in sorted((line.y_min + line.y_max) / 2 for line in lines):
        if not centres or centre - centres[-1] > tolerance:
            centres.append(centre)
    return centres


@pytest.mark.render
def test_table_rows_are_no_taller_than_they_need_and_never_split(long_body, long_lines, long_pages):
    rendered = table_rows(long_lines, long_pages)
    table = next(long_body.iter(W + "tbl"))
    rows = [Counter(no_space(paragraph_text(tr))) for tr in table.findall("w:tr", NS)]
    header = rows[0]
    header_heights = [height for _, height, _, text in rendered if text == header]
    assert header_heights, "the header row is drawn, on every page the table spans"
    assert len(header_heights) >= 2, "the table breaks across pages in this fixture"
    for row in rows[1:]:
        matches = [r for r in rendered if r[3] == row]
        assert len(matches) == 1, f"row {''.join(row)} is not whole on one page"
        _, height, text_lines_in_row, _ = matches[0]
        if text_lines_in_row == 1:
            assert height <= 1.5 * max(header_heights), ("".join(row), height, header_heights)


@pytest.mark.render
def test_no_page_ends_with_a_heading_or_a_heading_and_one_line(long_body, long_lines):
    headings = [no_space(h) for h in styled_paragraphs(long_body, *HEADINGS)]
    numbered = body_page_numbers(long_lines)
    top, bottom = 37 * POINTS_PER_MM - 5, (297 - 35) * POINTS_PER_MM + 2
    for page in sorted(numbered)[:-1]:
        lines = [
            line
            for line in long_lines
            if line.page == page and top <= line.y_min <= bottom and line.y_max - line.y_min > 17  # body type only
        ]
        marks = [i for i, line in enumerate(lines) if any(line.text and line.text in h for h in headings)]
        if marks:
            after = len(lines) - 1 - marks[-1]
            assert after >= 2, f"page {numbered[page]} ends with {[line.text for line in lines[-3:]]}"


# --- the 报告 preset ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    result = build(tmp_path_factory.mktemp("report"), "report-preset")
    assert result.returncode == 0, result.output
    return result


def test_the_report_preset_and_its_overrides_reach_the_docx(report):
    styles = docx_part(report.docx(), "word/styles.xml")
    body = style_of(styles, "BodyText")
    assert wval(body, "w:rPr/w:rFonts", "eastAsia") == "宋体" and wval(body, "w:rPr/w:sz") == "24"
    assert (wval(body, "w:pPr/w:spacing", "line"), wval(body, "w:pPr/w:spacing", "lineRule")) == ("360", "auto")
    assert wval(body, "w:pPr/w:ind", "firstLine") == "480", "two characters of 小四"
    title = style_of(styles, "Title")
    assert wval(title, "w:rPr/w:rFonts", "eastAsia") == "方正小标宋简体" and wval(title, "w:rPr/w:sz") == "44"
    assert wval(title, "w:rPr/w:b") == "0"
    assert wval(style_of(styles, "Heading1"), "w:rPr/w:sz") == "32"
    assert wval(style_of(styles, "TableText"), "w:rPr/w:sz") == "24"
    assert wval(style_of(styles, "Footer"), "w:rPr/w:sz") == "28"
    sectpr = docx_part(report.docx(), "word/document.xml").find("w:body/w:sectPr", NS)
    margins = {side: int(wval(sectpr, "w:pgMar", side)) for side in ("top", "bottom", "left", "right")}
    assert margins == {"top": layout.mm(30), "bottom": layout.mm(30), "left": layout.mm(30), "right": layout.mm(25)}
    assert wval(sectpr, "w:docGrid", "type") is None, "no 22-line grid for a report"
    css = (report.site / "assets" / "layout.css").read_text(encoding="utf-8")
    assert "margin: 30mm 25mm 30mm 30mm" in css and '"宋体"' in css and "font-size: 12pt" in css


@pytest.mark.render
def test_the_report_preset_renders_more_smaller_lines(report, tmp_path):
    pdf = render.docx_to_pdf(report.docx(), tmp_path)
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "NotoSerifCJK" in fonts  # 宋体 and 方正小标宋
    lines = text_lines(pdf)
    top, bottom = 30 * POINTS_PER_MM - 5, (297 - 30) * POINTS_PER_MM
    numbered = body_page_numbers(lines)
    counts = []
    for page in sorted(numbered)[1:-1]:  # full pages of running text
        tops = sorted({round(line.y_min) for line in lines if line.page == page and top <= line.y_min <= bottom})
        counts.append(len(tops))
        pitch = (tops[-1] - tops[0]) / (len(tops) - 1)
        assert 1.5 * 12 * 1.25 <= pitch <= 1.5 * 12 * 1.55, pitch  # one and a half lines of 12 pt
    assert counts and all(24 <= count <= 28 for count in counts), counts


def test_a_bad_layout_setting_stops_the_build_with_its_name(tmp_path):
    from conftest import make_project, run_cli

    project = make_project(tmp_path, "report-preset")
    config = project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace('"四号"', '"四四号"', 1), encoding="utf-8")
    result = run_cli(project, "build")
    assert result.returncode != 0
    assert re.search(
        r"mkdocs\.yml:\d+: plugins\.shenbao\.layout\.overrides\.\w+\.size: 无法识别 “四四号”", result.output
    ), result.output
    assert "提示" in result.output and "Traceback" not in result.output


@pytest.mark.parametrize(
    ("signature", "date", "expected"),
    [
        ("样例县人民政府", "2024年5月8日", (3.0, 2.0)),  # a date nearly as long: it stands 2 from the right
        ("样例县人民政府办公室", "2024年5月8日", (2.0, 4.0)),  # the date starts 2 right of the signature
    ],
)
def test_signature_and_date_stand_where_gb_t_9704_puts_them(signature, date, expected):
    from shenbao.docx.typeset import signature_indents

    assert signature_indents(signature, date) == expected


def test_the_attachment_note_stands_above_the_signature_and_the_date_is_set_right(sample):
    body = docx_part(sample.docx(), "word/document.xml").find("w:body", NS)
    styled = [(wval(p, "w:pPr/w:pStyle"), p) for p in body.findall("w:p", NS)]
    names = [style for style, _ in styled]
    note, signature = names.index("AttachmentNote"), names.index("Signature")
    assert note < signature and names[signature + 1] == "SignatureDate"
    from shenbao.docx.typeset import signature_indents

    name, date = paragraph_text(styled[signature][1]), paragraph_text(styled[signature + 1][1])
    assert (name, date) == ("样例县人民政府", "【待填：申报日期】")
    indents = signature_indents(name, date)
    assert wval(styled[signature][1], "w:pPr/w:ind", "right") == str(round(indents[0] * 320))
    assert wval(styled[signature + 1][1], "w:pPr/w:ind", "right") == str(round(indents[1] * 320))
    styles = docx_part(sample.docx(), "word/styles.xml")
    assert wval(style_of(styles, "Signature"), "w:pPr/w:jc") == "right"
