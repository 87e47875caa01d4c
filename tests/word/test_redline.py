"""The redline: what changed between two revisions, as Word tracked changes."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from accept_reject import Package
from conftest import NS, ROOT, W, docx_part, libreoffice_changes, paragraph_text, run_cli
from history import AUTHORS, git, make_history, redline_and_revisions, utc
from shenbao.word import redline, tracked_changes

# one worker builds the history and its two revisions, once: every test here reads them
pytestmark = [pytest.mark.xdist_group("redline"), pytest.mark.slow]


@pytest.fixture(scope="session")
def history(tmp_path_factory):
    return make_history(tmp_path_factory.mktemp("history"))


@pytest.fixture(scope="session")
def compared(history, tmp_path_factory) -> tuple[Path, Path, Path]:
    """The redline, and FROM's and TO's files as it built them (kept, not built again)."""
    return redline_and_revisions(history, tmp_path_factory.mktemp("revisions"))


@pytest.fixture(scope="session")
def built(compared) -> tuple[Path, Path]:
    """FROM and TO built on their own, as the redline compares them."""
    return compared[1], compared[2]


@pytest.fixture(scope="session")
def redlined(compared) -> Path:
    return compared[0]


def body(path: Path) -> etree._Element:
    return docx_part(path, "word/document.xml").find("w:body", NS)


def changes(path: Path) -> list[tuple[str, str, str, str]]:
    """(kind, author, date, text) of every tracked change of text."""
    found = []
    for kind in ("ins", "del", "moveTo", "moveFrom"):
        for element in body(path).iter(W + kind):
            if element.getparent().tag == W + "rPr":
                continue  # a paragraph mark
            text = "".join(t.text or "" for t in element.iter(W + "t", W + "delText"))
            found.append((kind, element.get(W + "author"), element.get(W + "date"), text))
    return found


def test_accepting_every_change_gives_the_new_text(redlined, built):
    assert Package.read(redlined).text(accept=True) == Package.read(built[1]).text()


def test_rejecting_every_change_gives_the_old_text(redlined, built):
    assert Package.read(redlined).text(accept=False) == Package.read(built[0]).text()


def test_a_changed_figure_is_the_old_value_deleted_and_the_new_inserted_wherever_it_appears(redlined):
    author, date = AUTHORS["figure"][0], utc(AUTHORS["figure"][1])
    found = changes(redlined)
    deleted = [c for c in found if c == ("del", author, date, "1271")]
    inserted = [c for c in found if c == ("ins", author, date, "1300")]
    # the sentence, the generated table, the hand-written table and the attachment
    assert len(deleted) == len(inserted) == 4


def test_wording_changes_are_words_signed_by_their_commit(redlined):
    author, date = AUTHORS["wording"][0], utc(AUTHORS["wording"][1])
    found = changes(redlined)
    assert ("del", author, date, "具体做法") in found and ("ins", author, date, "主要做法") in found
    assert all(len(text) < 10 for kind, *_, text in found if kind in ("ins", "del")), "never whole paragraphs"


def test_a_changed_table_cell_is_a_change_inside_the_table(redlined):
    author = AUTHORS["wording"][0]
    in_tables = [
        "".join(t.text for t in change.iter(W + "t"))
        for table in body(redlined).iter(W + "tbl")
        for change in table.iter(W + "ins")
        if change.get(W + "author") == author
    ]
    assert in_tables == ["教育经费"]


def test_a_moved_section_shows_as_moved_not_as_new(redlined):
    author, date = AUTHORS["move"][0], utc(AUTHORS["move"][1])
    found = changes(redlined)
    moved_to = "".join(text for kind, who, when, text in found if kind == "moveTo" and (who, when) == (author, date))
    moved_from = "".join(text for kind, *_, text in found if kind == "moveFrom")
    assert "服务保障" in moved_to and "服务网络覆盖" in moved_to
    assert "服务保障" in moved_from
    assert ("ins", author, date, "全市") in found, "an edit inside the moved section is still a word"
    assert not [text for kind, *_, text in found if kind == "ins" and "服务网络" in text]
    names = {e.get(W + "name") for e in body(redlined).iter(W + "moveFromRangeStart")}
    assert names and names == {e.get(W + "name") for e in body(redlined).iter(W + "moveToRangeStart")}


def test_numbering_and_formatting_are_those_of_the_new_version(redlined, built):
    headings = [
        paragraph_text(p)
        for p in body(built[1]).iter(W + "p")
        if (p.find("w:pPr/w:pStyle", NS) is not None and p.find("w:pPr/w:pStyle", NS).get(W + "val") == "Heading2")
    ]
    assert headings[:2] == ["（一）服务保障", "（二）机制建设"]
    core = etree.tostring(docx_part(redlined, "docProps/core.xml"), encoding="unicode")
    assert "修订稿：" in core and "工作区" in core
    with zipfile.ZipFile(redlined) as a, zipfile.ZipFile(built[1]) as b:
        assert a.read("word/styles.xml") == b.read("word/styles.xml")
        assert a.read("word/document.xml").count(b"<w:sectPr") == b.read("word/document.xml").count(b"<w:sectPr")


@pytest.mark.render
def test_libreoffice_opens_the_redline_and_counts_the_same_changes(redlined, tmp_path):
    count = libreoffice_changes(redlined, tmp_path)
    assert count == tracked_changes.count_changes(body(redlined)) > 10


# --- refusals --------------------------------------------------------------------------


def test_an_unknown_revision_is_refused_with_a_hint(history):
    result = run_cli(history.project, "redline", "--from", "no-such-tag")
    assert result.returncode == 1
    assert "找不到修订版本 “no-such-tag”" in result.stderr and "git log" in result.stderr
    assert "Traceback" not in result.output


def test_a_dirty_tree_is_refused_when_it_is_the_new_version(history, tmp_path):
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(history.project), str(clone))
    (clone / "docs" / "a-basics.md").write_text("# 基本情况\n\n改了。\n", encoding="utf-8")
    result = run_cli(clone, "redline", "--from", history.first)
    assert result.returncode == 1
    assert (
        "未提交的修改：docs/a-basics.md" in result.stderr
        and "--to <修订版本>（make redline 中写 TO=）" in result.stderr
    )


def test_a_revision_that_does_not_build_is_named(history, tmp_path):
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(history.project), str(clone))
    (clone / "data" / "figures.yml").write_text("population: [\n", encoding="utf-8")
    git(clone, "commit", "-qam", "Broken")
    result = run_cli(clone, "redline", "--from", history.first, "--to", "HEAD")
    assert result.returncode == 1
    assert "修订版本 HEAD 无法构建" in result.stderr and "YAML" in result.stderr
    assert "Traceback" not in result.output


def test_make_redline_and_make_comments(history, redlined):
    config = history.project / "mkdocs.yml"
    made = subprocess.run(
        ["make", "-s", "redline", f"FROM={history.first}", f"TO={history.last}", f"CONFIG={config}"],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert made.returncode == 0, made.stdout + made.stderr
    assert "修订稿：dist/" in made.stdout
    listed = subprocess.run(
        ["make", "-s", "comments", f"FILE={redlined}", f"CONFIG={config}"],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert listed.returncode == 0, listed.stdout + listed.stderr
    assert re.search(r"^data/figures\.yml:\d+: 修改（丙", listed.stdout, re.M)


# --- the site's page of changes ----------------------------------------------------------


def test_the_site_lists_the_changes_since_a_revision(history):
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    result = subprocess.run(
        [sys.executable, "-m", "shenbao", "build", "--since", history.first],
        cwd=history.project,
        capture_output=True,
        text=True,
        env=env,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    page = (history.project / "site" / "changes.html").read_text(encoding="utf-8")
    assert f"自 {history.first} 以来的修改" in page
    assert "<del>1271</del><ins>1300</ins>" in page and "<del>具体做法</del><ins>主要做法</ins>" in page
    assert 'href="a-basics.html"' in page and "population.births" in page
    index = (history.project / "site" / "index.html").read_text(encoding="utf-8")
    assert 'href="changes.html"' in index, "the page is in the navigation"
    docx = next((history.project / "dist").glob("*（草稿）.docx"))
    with zipfile.ZipFile(docx) as archive:
        assert "以来的修改" not in archive.read("word/document.xml").decode("utf-8")


def test_only_a_figure_s_own_value_is_signed_by_the_figures_file():
    who = redline.Attribution(Path("."), "a", "b", [("1271人", "1300人")])
    assert who.is_figure_change("1271", "1300")
    assert who.is_figure_change("1271人", "1300人")
    assert not who.is_figure_change("人", "")
    assert not who.is_figure_change("具体做法", "主要做法")
    assert not who.is_figure_change("2", "1"), "表2 becoming 表1 is not 1271 becoming 1300"


def test_words_looked_for_in_a_page_s_history_are_words_not_numbers():
    assert redline._telling("（1）定期组织学习") == ["（1）定期组织学习", "定期组织学习"]
    assert redline._telling("第3段。各级领导干部") == ["第3段。各级领导干部", "段。各级领导干部"]
    assert redline._telling("2") == [] and redline._telling("一") == [] and redline._telling("，") == []


def test_a_renumbering_is_signed_by_whoever_added_or_removed_an_item_of_its_kind_before_it():
    writer = tracked_changes.Writer(lambda page, old, new: ("页", ""))
    heading = etree.fromstring(
        f'<w:p xmlns:w="{NS["w"]}"><w:pPr><w:pStyle w:val="Heading2"/></w:pPr><w:r><w:t>（一）服务</w:t></w:r></w:p>'
    )
    caption = etree.fromstring(
        f'<w:p xmlns:w="{NS["w"]}"><w:pPr><w:pStyle w:val="Caption"/></w:pPr><w:r><w:t>图1　图</w:t></w:r></w:p>'
    )
    writer.count_in(heading, ("丁", "2024-05-04T01:00:00Z"))
    writer.count_in(caption, ("辛", "2024-05-08T01:00:00Z"))
    writer.count_in(caption, ("甲", "2024-05-01T01:00:00Z"))
    assert writer.renumbered("Heading2", "一", "二") == ("丁", "2024-05-04T01:00:00Z")
    assert writer.renumbered("label:图", "2", "1") == ("辛", "2024-05-08T01:00:00Z"), "the latest of them"
    assert writer.renumbered("label:表", "2", "1") is None and writer.renumbered("Heading2", "机制", "做法") is None
