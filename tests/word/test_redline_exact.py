"""The redline on a harder history: every change exact both ways, footnotes included, each signed by its commit."""

from __future__ import annotations

import difflib
import zipfile
from pathlib import Path

import pypandoc
import pytest
from lxml import etree

from accept_reject import Package
from conftest import NS, W, docx_part, libreoffice_changes
from history import (
    AUTHORS,
    DELETED_CHART,
    HARD_AUTHORS,
    LAST_PARAGRAPH,
    LONG_HEADING,
    MOVED_NOTE,
    make_hard_history,
    redline_and_revisions,
    utc,
)
from ooxml_validation import findings
from shenbao.word import redline, tracked_changes

# one worker builds the history and its two revisions, once: every test here reads them
pytestmark = [pytest.mark.xdist_group("hard-redline"), pytest.mark.slow]


@pytest.fixture(scope="session")
def hard(tmp_path_factory):
    return make_hard_history(tmp_path_factory.mktemp("hard"))


@pytest.fixture(scope="session")
def built(hard, tmp_path_factory) -> tuple[Path, Path, Path]:
    """FROM's and TO's files as the redline built them (kept, not built again), and the redline."""
    red, old, new = redline_and_revisions(hard, tmp_path_factory.mktemp("hard-revisions"))
    return old, new, red


@pytest.fixture(scope="session")
def revisions(built) -> tuple[Path, Path]:
    return built[0], built[1]


@pytest.fixture(scope="session")
def red(built) -> Path:
    return built[2]


def part(path: Path, name: str) -> etree._Element:
    return docx_part(path, name)


def body(path: Path) -> etree._Element:
    return part(path, "word/document.xml").find("w:body", NS)


def notes(path: Path) -> etree._Element:
    return part(path, "word/footnotes.xml")


def signed(root: etree._Element, text: str) -> set[tuple[str, str]]:
    """(author, date) of every change whose text holds ``text``."""
    return {
        (change.get(W + "author"), change.get(W + "date"))
        for change in root.iter(W + "ins", W + "del", W + "moveTo", W + "moveFrom")
        if text in "".join(t.text or "" for t in change.iter(W + "t", W + "delText"))
    }


def test_the_history_holds_every_kind_of_change(revisions):
    old, new = ("\n".join(Package.read(p).text()) for p in revisions)
    assert LONG_HEADING in new and LONG_HEADING not in old and len(LONG_HEADING) > 40  # a heading renamed
    assert LAST_PARAGRAPH in old and new.splitlines()[-1] != old.splitlines()[-1]  # the last paragraph deleted
    assert LAST_PARAGRAPH not in new
    assert old.count("1271") >= 3 and "1271" not in new and new.count("1300") >= 3  # a figure in three places
    assert "单位 ¦ 备注" in old and "单位 ¦ 备注" not in new  # a table deleted
    assert "表｜宣传经费 ¦" in old and "表｜宣传教育经费 ¦" in new  # a cell changed
    assert "定期组织学习" in old and "定期组织学习" not in new  # a section deleted
    service, mechanism = "Heading2｜（二）服务保障", "Heading2｜（一）机制建设"
    assert old.index(service) > old.index(mechanism) and new.index("）服务保障") < new.index("）机制建设")  # moved
    assert "样例市2024年统计公报" in new and "样例市统计公报" in old  # a footnote changed
    assert "基本情况一览→" in new and "基本情况→" in old  # a link's text changed
    assert "与上年同期基本持平" in new.split("AttachmentTitle｜数据统计表")[1]  # an attachment changed
    assert "具体做法" in old and "主要做法" in new  # words
    assert DELETED_CHART in old and DELETED_CHART not in new  # a chart deleted
    assert f"城乡［注： {MOVED_NOTE}］" in old and f"全市城乡［注： {MOVED_NOTE}］" in new  # a note moved with its text
    assert "国家卫生健康委员会网站→https://www.nhc.gov.cn/］" in old and "nhc.gov.cn" not in new  # a link out, cut


def _same(got: list[str], want: list[str], what: str) -> None:
    shown = "\n".join(difflib.unified_diff(want, got, "built", what, lineterm="", n=1))
    assert got == want, f"{what} differs from the built file:\n{shown}"


def test_accepting_every_change_gives_to_exactly(red, revisions):
    """Character for character, with each footnote's text where its reference stands, each picture's
    bytes and each link's target; blank paragraphs and paragraph styles too."""
    _same(Package.read(red).text(accept=True), Package.read(revisions[1]).text(), "accept-all")


def test_rejecting_every_change_gives_from_exactly(red, revisions):
    _same(Package.read(red).text(accept=False), Package.read(revisions[0]).text(), "reject-all")


def test_the_notes_part_itself_resolves_to_each_revision_s_notes(red, revisions):
    """Beyond the notes referred to: every note left in footnotes.xml is one of that revision's."""

    def notes_of(path: Path, accept: bool | None) -> list[str]:
        package = Package.read(path)
        return sorted(line for line in package.notes(accept).values() if line.strip())

    assert set(notes_of(red, True)) - set(notes_of(red, False)) == {" 数据来源：样例市2024年统计公报。"}
    assert notes_of(red, True) == notes_of(revisions[1], None)
    assert set(notes_of(revisions[0], None)) <= set(notes_of(red, False))


def test_a_deleted_chart_comes_back_with_its_own_picture(red, revisions):
    old, new = Package.read(revisions[0]), Package.read(revisions[1])
    caption = next(n for n, line in enumerate(old.text()) if line.endswith(DELETED_CHART) and "图" in line)
    picture = old.text()[caption - 1]
    assert picture.startswith("Figure｜［图：") and picture not in new.text()  # bytes TO does not have
    assert picture in Package.read(red).text(accept=False) and picture not in Package.read(red).text(accept=True)
    with zipfile.ZipFile(red) as archive:
        assert any(name.startswith("word/media/shenbao-from-") for name in archive.namelist())


def test_pandoc_reads_every_change_both_ways(red, revisions):
    """pandoc's reader is a second reader of the redline. It is not compared character for character:
    it keeps a deleted table's emptied rows and a deleted caption's text, and does not read moves."""

    def text(path: Path, *extra: str) -> str:
        return pypandoc.convert_file(str(path), "plain", format="docx", extra_args=["--wrap=none", *extra])

    accepted = text(red, "--track-changes=accept")
    rejected = text(red, "--track-changes=reject")
    for new in ("样例市2024年统计公报", "基本情况一览", "与上年同期基本持平", LONG_HEADING, "1300"):
        assert new in accepted and new not in rejected, new
    for old in ("样例市统计公报", LAST_PARAGRAPH, "定期组织学习", "1271", "另一页的脚注"):
        assert old in rejected, old
    for old in ("样例市统计公报", LAST_PARAGRAPH, "定期组织学习", "1271"):
        assert old not in accepted, old
    assert text(red, "--track-changes=reject").count("另一页的脚注") == text(revisions[0]).count("另一页的脚注")


def test_a_changed_footnote_is_tracked_and_signed_by_its_commit(red):
    root = notes(red)
    inserted = [t.text for i in root.iter(W + "ins") for t in i.iter(W + "t")]
    assert "2024年" in "".join(inserted)
    author, date = HARD_AUTHORS["footnote"]
    assert signed(root, "2024年") == {(author, utc(date))}


def test_move_ranges_have_ids_of_their_own_and_moved_text_is_w_t(red):
    root = body(red)
    starts = list(root.iter(W + "moveFromRangeStart", W + "moveToRangeStart"))
    assert starts
    ids = [e.get(W + "id") for e in starts]
    assert len(ids) == len(set(ids))
    for moved in root.iter(W + "moveFrom"):
        assert next(moved.iter(W + "delText"), None) is None
    assert any(next(m.iter(W + "t"), None) is not None for m in root.iter(W + "moveFrom"))


def test_the_last_paragraph_mark_is_never_deleted(red):
    last = [p for p in body(red) if p.tag == W + "p"][-1]
    marks = last.find("w:pPr/w:rPr", NS)
    assert marks is None or all(etree.QName(c).localname not in ("del", "moveFrom") for c in marks)
    assert LAST_PARAGRAPH in "".join(t.text or "" for t in last.iter(W + "delText"))


def test_a_figure_change_is_signed_by_the_commit_of_its_line_and_a_deleted_table_by_its_page(red):
    root = body(red)
    figure = (AUTHORS["figure"][0], utc(AUTHORS["figure"][1]))
    assert signed(root, "1300") == {figure}, "not the later commit that touched figures.yml elsewhere"
    cuts = (HARD_AUTHORS["cuts"][0], utc(HARD_AUTHORS["cuts"][1]))
    assert cuts in signed(root, "主要指标")
    assert signed(root, "与上年同期基本持平") == {(HARD_AUTHORS["attachment"][0], utc(HARD_AUTHORS["attachment"][1]))}
    assert signed(root, "一览") == {(HARD_AUTHORS["link"][0], utc(HARD_AUTHORS["link"][1]))}


def test_a_note_is_found_at_its_own_line_and_blamed_there(hard):
    """A note's change is signed like body text: by the commit that last changed the note's own line."""
    project = hard.project
    base = redline.resolve(project, hard.first)
    who = redline.Attribution(project, base, "HEAD", [])
    basics = (project / "docs" / "a-basics.md").read_text(encoding="utf-8").splitlines()
    work = (project / "docs" / "b-work.md").read_text(encoding="utf-8").splitlines()
    line_of = {text.split(":")[0]: n for n, text in enumerate(basics, start=1) if text.startswith("[^")}
    reference = next(n for n, text in enumerate(basics, start=1) if "[^1]" in text and not text.startswith("[^"))
    page = who.note_page(f"docs/a-basics.md:{reference}", "数据来源：样例市2024年统计公报。")
    assert page == f"docs/a-basics.md:{line_of['[^1]']}"
    assert who(page, "", "2") == (HARD_AUTHORS["footnote"][0], utc(HARD_AUTHORS["footnote"][1])), "blamed, not guessed"
    other = next(n for n, text in enumerate(work, start=1) if text.startswith("[^1]:"))
    assert who.note_page("docs/b-work.md:0", "另一页的脚注，标签与上一页相同。") == f"docs/b-work.md:{other}"
    assert who.note_page("docs/c-statistics.md:3", "无") == ""


def made_by(block: str, change: str) -> str:
    """The commit of the history that made a change, from the text of the change and of its block.

    A number the build writes (a heading's, a caption's, a reference's) is made by whoever added,
    removed or moved an item before it; everything else by the commit that wrote those words.
    """
    if change in ("1271", "1300") and "单位备注" not in block:  # the deleted table is cut, not edited
        return "figure"
    if change in ("具体做法", "主要做法", "经费", "教育经费"):
        return "wording"
    if block.endswith("机制建设"):
        return "move"  # its number, which the move changed
    for words, kind in (
        ("服务", "move"),  # both ends of the moved section, and the word added to it
        ("认识水平", "rename"),
        ("一览", "link"),
        ("2024年", "footnote"),
        ("与上年同期", "attachment"),
    ):
        if words in block:
            return kind
    cut = (
        "主要指标",
        "单位备注",
        DELETED_CHART,
        "定期组织学习",
        "各级领导干部",
        "学习材料",
        "图片另附",
        LAST_PARAGRAPH,
    )
    if not block or any(words in block for words in cut) or ("宣传经费" in block and change in "12"):
        return "cuts"  # the table, the chart (its picture has no text), the section, the last paragraph
    raise AssertionError(f"no commit of the history made {change!r} in {block!r}")


def test_every_change_is_signed_by_the_commit_that_made_it(red):
    commits = {**AUTHORS, **HARD_AUTHORS}
    seen = set()
    for name in ("word/document.xml", "word/footnotes.xml"):
        root = part(red, name)
        blocks = root.find("w:body", NS) if name.endswith("document.xml") else root
        for block in blocks:
            text = "".join(t.text or "" for t in block.iter(W + "t", W + "delText"))
            for change in block.iter(
                W + "ins", W + "del", W + "moveTo", W + "moveFrom", W + "moveFromRangeStart", W + "moveToRangeStart"
            ):
                words = "".join(t.text or "" for t in change.iter(W + "t", W + "delText"))
                # a move range stands between blocks: the move made it
                kind = "move" if "Range" in change.tag else made_by(text, words)
                author, date = commits[kind]
                assert (change.get(W + "author"), change.get(W + "date")) == (author, utc(date)), (kind, words, text)
                seen.add(kind)
    assert seen == set(commits) - {"figures-note"}, "every commit of the history made a change, but the comment's"


def test_the_redline_switches_tracking_on_and_tracks_moves(red):
    settings = part(red, "word/settings.xml")
    assert settings.find("w:trackRevisions", NS) is not None
    assert settings.find("w:doNotTrackMoves", NS) is None


def test_the_redline_has_no_validator_findings(red):
    assert findings(red) == []


@pytest.mark.render
def test_libreoffice_counts_as_many_changes_as_we_do(red, tmp_path):
    count = libreoffice_changes(red, tmp_path)
    # a note deleted, inserted or moved with its reference is one change with it, as LibreOffice lists it
    changes = body(red).iter(W + "del", W + "ins", W + "moveFrom", W + "moveTo")
    deleted = {r.get(W + "id") for d in changes for r in d.iter(W + "footnoteReference")}
    kept = notes(red)
    for note in list(kept):
        if note.get(W + "id") in deleted:
            kept.remove(note)
    ours = tracked_changes.count_changes(body(red)) + tracked_changes.count_changes(kept)
    assert count == ours > 10
