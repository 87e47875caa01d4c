"""Back from review: comments and tracked changes of a returned DOCX, at their source lines."""

from __future__ import annotations

import json
import re
import subprocess
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from conftest import FIXTURES, NS, W, build, docx_part, run_cli
from shenbao.docx import source_anchors
from wordlike import REVIEWER, Review

PAGES = FIXTURES / "complete" / "docs"
FIGURES = FIXTURES / "complete" / "data" / "figures.yml"


def line_of(path: Path, text: str) -> int:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if text in line:
            return number
    raise AssertionError(f"{text!r} not in {path}")


@pytest.fixture(scope="module")
def draft(tmp_path_factory):
    result = build(tmp_path_factory.mktemp("review"), "complete")
    assert result.returncode == 0, result.output
    return result


@pytest.fixture(scope="module")
def reviewed(draft, tmp_path_factory) -> Path:
    """The draft as a reviewer returns it."""
    review = Review(draft.docx())
    review.comment("出生人口政策符合率", "请注明统计口径")
    review.replace("1271", "1300", review.paragraph("上半年出生人数为"))
    review.replace("宣传经费", "宣传教育经费", review.paragraph("宣传经费", whole=True))  # a table cell
    second = review.split("三年来")
    review.comment("累计投入", "是三年还是五年？", second)
    review.drop_anchor("服务网络覆盖城乡。")
    review.insert_after("服务网络", "已")
    review.comment("第12段。各级领导干部", "这一段可以删去")
    return review.save(tmp_path_factory.mktemp("returned") / "returned.docx")


@pytest.fixture(scope="module")
def listed(draft, reviewed) -> list[dict]:
    result = run_cli(draft.project, "comments", str(reviewed), "--json")
    assert result.returncode == 0, result.output
    return json.loads(result.stdout)


def where(item: dict) -> str:
    return f"{item['file']}:{item['line']}"


def test_every_comment_and_change_is_listed_in_document_order(listed):
    assert [(i["kind"], i["text"]) for i in listed] == [
        ("修改", "1300"),
        ("批注", "请注明统计口径"),
        ("修改", "宣传教育经费"),
        ("分段", ""),
        ("批注", "是三年还是五年？"),
        ("批注", "这一段可以删去"),
        ("插入", "已"),
    ]
    assert all(i["author"] == REVIEWER and i["date"] == "2024-06-01" for i in listed)


def test_a_comment_points_to_its_page_and_line_and_quotes_its_text(listed):
    comment = listed[1]
    assert where(comment) == f"docs/a-basics.md:{line_of(PAGES / 'a-basics.md', '出生人口政策符合率')}"
    assert comment["quote"] == "出生人口政策符合率" and not comment["note"]


def test_a_change_in_a_figure_points_to_the_figure(listed):
    assert where(listed[0]) == f"data/figures.yml:{line_of(FIGURES, 'births:')}"
    assert listed[0]["old"] == "1271"


def test_a_change_in_a_table_cell_points_to_the_table(listed):
    table_line = line_of(PAGES / "a-basics.md", "| 指标 | 数值 |")
    assert where(listed[2]) == f"docs/a-basics.md:{table_line}"


def test_a_split_paragraph_keeps_its_line_in_both_halves(listed):
    line = line_of(PAGES / "b-work.md", "三年来")
    assert where(listed[3]) == where(listed[4]) == f"docs/b-work.md:{line}"
    assert listed[4]["quote"] == "累计投入"


def test_text_made_by_a_loop_points_to_the_loop_body(listed):
    assert where(listed[5]) == f"docs/b-work.md:{line_of(PAGES / 'b-work.md', '段。各级领导干部')}"


def test_a_paragraph_without_its_anchor_is_found_by_its_text_and_says_so(listed):
    lost = listed[6]
    assert where(lost) == f"docs/b-work.md:{line_of(PAGES / 'b-work.md', '服务网络覆盖城乡')}"
    assert "按引文定位" in lost["note"]


def test_the_plain_listing_reads_file_line_kind_and_quote(draft, reviewed):
    result = run_cli(draft.project, "comments", str(reviewed))
    assert result.returncode == 0, result.output
    first = result.stdout.splitlines()[1]
    assert re.fullmatch(
        r"docs/a-basics\.md:\d+: 批注（审阅人, 2024-06-01）: 请注明统计口径 — on: \"出生人口政策符合率\"", first
    )


def test_the_sources_are_never_touched(draft, reviewed):
    before = {p: p.read_bytes() for p in (draft.project / "docs").rglob("*.md")}
    run_cli(draft.project, "comments", str(reviewed))
    assert before == {p: p.read_bytes() for p in (draft.project / "docs").rglob("*.md")}


def test_a_file_that_is_not_a_docx_is_refused_plainly(draft, tmp_path):
    bogus = tmp_path / "not.docx"
    bogus.write_text("hello", encoding="utf-8")
    result = run_cli(draft.project, "comments", str(bogus))
    assert result.returncode == 1 and "不是可以读取的 DOCX" in result.stderr and "Traceback" not in result.output


# --- the anchors themselves ------------------------------------------------------------


def anchor_names(path: Path) -> list[str]:
    body = docx_part(path, "word/document.xml")
    return [b.get(W + "name") for b in body.iter(W + "bookmarkStart") if source_anchors.parse_name(b.get(W + "name"))]


def test_every_heading_paragraph_table_and_caption_of_the_body_has_an_anchor(draft):
    body = docx_part(draft.docx(), "word/document.xml").find("w:body", NS)
    styles = re.compile(r"^(Heading\d|AttachmentTitle|FirstParagraph|BodyText|TableCaption|ImageCaption)$")
    for paragraph in body.iter(W + "p"):
        style = paragraph.find("w:pPr/w:pStyle", NS)
        if style is not None and styles.match(style.get(W + "val")) and paragraph.find(".//w:t", NS) is not None:
            in_table = any(a.tag == W + "tc" for a in paragraph.iterancestors())
            if not in_table:
                assert any(source_anchors.parse_name(b.get(W + "name")) for b in paragraph.iter(W + "bookmarkStart")), (
                    etree.tostring(paragraph, encoding="unicode")[:300]
                )
    for table in body.iter(W + "tbl"):
        assert any(source_anchors.parse_name(b.get(W + "name")) for b in table.iter(W + "bookmarkStart"))


def test_anchor_names_are_hidden_word_bookmarks_and_the_name_table_lists_the_pages(draft):
    names = anchor_names(draft.docx())
    assert names and all(len(n) <= 40 and re.fullmatch(r"_src_\d+_\d+(_\d+)?", n) for n in names)
    assert len(set(names)) == len(names)
    with zipfile.ZipFile(draft.docx()) as archive:
        table = source_anchors.read_sources(archive)
    assert table[:2] == ["docs/index.md", "docs/a-basics.md"]


def test_anchors_change_nothing_visible(tmp_path):
    """The same pages converted with and without anchors differ only in bookmarks."""
    from shenbao.docx.export import assemble, run_pandoc
    from shenbao.docx.job import DocxJob
    from shenbao.docx.layout import DEFAULT
    from shenbao.project.document import Document
    from shenbao.project.plugin_options import Mode

    page = (PAGES / "b-work.md").read_text(encoding="utf-8")
    document = Document()
    document.add_page("b-work.md", page.replace("{% for n in range(12) %}", "").replace("{% endfor %}", ""), {})

    def converted(docs_dir):
        out = tmp_path / f"{bool(docs_dir)}.docx"
        job = DocxJob(Mode.DRAFT, DEFAULT, PAGES)
        run_pandoc(assemble(document, job, anchored=bool(docs_dir)), out, job)
        root = docx_part(out, "word/document.xml")
        for bookmark in list(root.iter(W + "bookmarkStart", W + "bookmarkEnd")):
            bookmark.getparent().remove(bookmark)
        xml = etree.tostring(root, encoding="unicode")
        return re.sub(r' (?:w|r):id="[^"]*"', "", xml)  # numbering of bookmarks and relationships

    assert converted(PAGES) == converted(None)


@pytest.mark.render
def test_anchors_and_their_names_survive_libreoffice_saving_the_file(draft, tmp_path):
    original = draft.docx()
    subprocess.run(
        ["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/profile",
         "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(tmp_path / "saved"), str(original)],
        check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    saved = next((tmp_path / "saved").glob("*.docx"))
    assert sorted(set(anchor_names(saved))) == sorted(anchor_names(original))
    with zipfile.ZipFile(saved) as archive:
        assert source_anchors.read_sources(archive)[:2] == ["docs/index.md", "docs/a-basics.md"]
    review = Review(saved)
    review.comment("出生人口政策符合率", "保存后再批注")
    listed = run_cli(draft.project, "comments", str(review.save(tmp_path / "again.docx")), "--json")
    item = json.loads(listed.stdout)[0]
    assert (item["file"], item["note"]) == ("docs/a-basics.md", "")


# --- source lines of rendered lines ------------------------------------------------------


def test_front_matter_and_macros_map_back_to_the_lines_the_writer_typed():
    source = '---\nkind: attachment\n---\n\n# 标题\n\n{{ table("t") }}\n\n{% for n in range(2) %}\n第{{ n }}段正文。\n{% endfor %}\n'
    rendered = (
        "# 一、标题 {#标题}\n\n"
        '<div class="caption table-caption" markdown>表1　指标</div>\n\n| 指标 | 数值 |\n| --- | --- |\n| 甲 | 1 |\n\n'
        "\n第0段正文。\n\n第1段正文。\n"
    )
    lines = source_anchors.line_map(source, rendered)
    by_text = dict(zip(rendered.split("\n"), lines, strict=True))
    assert by_text["# 一、标题 {#标题}"] == 5
    assert by_text['<div class="caption table-caption" markdown>表1　指标</div>'] == 7
    assert by_text["| 甲 | 1 |"] == 7
    assert by_text["第0段正文。"] == by_text["第1段正文。"] == 10


def test_anchors_go_where_blocks_start_and_never_into_images_or_code():
    text = "# 标题\n正文第一行\n续行\n\n- 项目\n- 项目二\n\n![图](a.png)\n\n```\n代码\n```\n\n| a | b |\n| - | - |"
    marked = source_anchors.mark(text, 2, list(range(1, 17))).split("\n")
    assert marked[0] == "# []{#src_2_1}标题"
    assert marked[1] == "[]{#src_2_2}正文第一行" and marked[2] == "续行"
    assert marked[4] == "- []{#src_2_5}项目" and marked[5] == "- []{#src_2_6}项目二"
    assert marked[7] == "![图](a.png)" and marked[10] == "代码"
    assert marked[13] == "| []{#src_2_14}a | b |"
