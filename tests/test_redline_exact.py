"""The redline on a harder history: every change exact both ways, footnotes included, each signed by its commit."""

from __future__ import annotations

from pathlib import Path

import pypandoc
import pytest
from lxml import etree

from conftest import NS, W, docx_part, libreoffice_changes, run_cli
from history import AUTHORS, HARD_AUTHORS, LAST_PARAGRAPH, LONG_HEADING, make_hard_history, utc
from ooxml_validation import findings
from shenbao.word import redline, tracked_changes


@pytest.fixture(scope="module")
def hard(tmp_path_factory):
    return make_hard_history(tmp_path_factory.mktemp("hard"))


@pytest.fixture(scope="module")
def revisions(hard, tmp_path_factory):
    scratch = tmp_path_factory.mktemp("hard-revisions")
    old = redline.build(redline.export(hard.project, redline.resolve(hard.project, hard.first), scratch / "f"), "f")
    new = redline.build(redline.export(hard.project, None, scratch / "t"), "t")
    return old, new


@pytest.fixture(scope="module")
def red(hard) -> Path:
    result = run_cli(hard.project, "redline", "--from", hard.first)
    assert result.returncode == 0, result.output
    return next((hard.project / "dist").glob("*修订稿*.docx"))


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
    old, new = (tracked_changes.plain_paragraphs(body(p)) for p in revisions)
    assert any(LONG_HEADING in t for t in new) and not any(LONG_HEADING in t for t in old)
    assert any(LAST_PARAGRAPH in t for t in old) and not any(LAST_PARAGRAPH in t for t in new)
    assert len(LONG_HEADING) > 40


def test_accepting_every_change_gives_to_and_rejecting_gives_from_footnotes_included(red, revisions):
    old, new = revisions
    assert tracked_changes.resolved_paragraphs(body(red), accept=True) == tracked_changes.plain_paragraphs(body(new))
    assert tracked_changes.resolved_paragraphs(body(red), accept=False) == tracked_changes.plain_paragraphs(body(old))
    accepted = tracked_changes.resolved_paragraphs(notes(red), accept=True)
    assert accepted == tracked_changes.plain_paragraphs(notes(new))
    rejected = tracked_changes.resolved_paragraphs(notes(red), accept=False)
    assert [t for t in rejected if "2024年" in t] == []
    assert set(tracked_changes.plain_paragraphs(notes(old))) <= set(rejected)


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


def test_the_redline_switches_tracking_on_and_tracks_moves(red):
    settings = part(red, "word/settings.xml")
    assert settings.find("w:trackRevisions", NS) is not None
    assert settings.find("w:doNotTrackMoves", NS) is None


def test_the_redline_has_no_validator_findings(red):
    assert findings(red) == []


@pytest.mark.render
def test_libreoffice_counts_as_many_changes_as_we_do(red, tmp_path):
    count = libreoffice_changes(red, tmp_path)
    # a note deleted or inserted with its reference is one change with it, as LibreOffice lists it
    deleted = {r.get(W + "id") for d in body(red).iter(W + "del", W + "ins") for r in d.iter(W + "footnoteReference")}
    kept = notes(red)
    for note in list(kept):
        if note.get(W + "id") in deleted:
            kept.remove(note)
    ours = tracked_changes.count_changes(body(red)) + tracked_changes.count_changes(kept)
    assert count == ours > 10
