"""The search index's Chinese words are remembered between builds, and a remembered word can only be the text's own."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest
from material.plugins.search import plugin as material_search

from conftest import make_project, run_cli
from shenbao.site import search_words

CACHE = search_words.CACHE


def index_of(project: Path) -> str:
    """The indexed titles and texts, one section per line, as the search finds them."""
    index = json.loads((project / "site" / "search" / "search_index.json").read_text(encoding="utf-8"))
    return "\n".join(f"{doc['location']} {doc['title']} {doc['text']}" for doc in index["docs"])


def rows(project: Path) -> list[tuple[bytes, str]]:
    with sqlite3.connect(project / CACHE) as db:
        return db.execute("SELECT key, words FROM words").fetchall()


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, str]:
    """The draft application built once with no cache: its search index is what jieba makes."""
    project = make_project(tmp_path_factory.mktemp("search"), "draft")
    result = run_cli(project, "build")
    assert result.returncode == 0, result.output
    return project, index_of(project)


@pytest.fixture
def project(built, tmp_path) -> Path:
    copy = tmp_path / "project"
    shutil.copytree(built[0], copy)
    return copy


def test_the_first_build_remembers_every_section_s_words(built):
    project, index = built
    remembered = rows(project)
    assert len(remembered) > 10
    assert any("\u200b" in words for _, words in remembered), "Chinese text cut into words"
    assert "\u200b" in index


def test_a_build_of_unchanged_pages_cuts_nothing_and_indexes_the_same(project, built, monkeypatch):
    def no_cutting(*args, **kwargs):
        raise AssertionError("jieba was asked to cut a text it had cut before")

    monkeypatch.setattr(material_search.jieba, "cut", no_cutting)
    result = run_cli(project, "build")
    assert result.returncode == 0, result.output
    assert index_of(project) == built[1]


def test_an_edited_page_is_cut_again_and_what_no_page_has_any_more_is_forgotten(project, built):
    before = {key for key, _ in rows(project)}
    page = project / "docs" / "b-zuofa.md"
    page.write_text(page.read_text(encoding="utf-8") + "\n\n新增加的一段说明文字。\n", encoding="utf-8")
    (project / "docs" / "c-chengxiao.md").unlink()
    result = run_cli(project, "build")
    assert result.returncode == 0, result.output
    index = index_of(project)
    assert "新增加的一段说明文字" in index.replace("\u200b", "")
    after = {key for key, _ in rows(project)}
    assert after - before, "the edited section's words are new"
    assert before - after, "the removed page's sections are forgotten"


def test_a_planted_cache_cannot_put_anything_into_the_index(project, built):
    with sqlite3.connect(project / CACHE) as db:
        db.execute("UPDATE words SET words = '<img src=x onerror=alert(1)>' || words")
    result = run_cli(project, "build")
    assert result.returncode == 0, result.output
    assert index_of(project) == built[1]
    assert not any("onerror" in words for _, words in rows(project)), "the planted rows are replaced"


def test_a_broken_cache_file_is_started_again(project, built):
    (project / CACHE).write_bytes(b"not a database at all" * 100)
    result = run_cli(project, "build")
    assert result.returncode == 0, result.output
    assert index_of(project) == built[1]
    assert rows(project)


def test_a_cache_linked_out_of_the_project_is_not_used(project, built, tmp_path):
    outside = tmp_path / "outside.sqlite3"
    shutil.copy(project / CACHE, outside)
    before = outside.read_bytes()
    (project / CACHE).unlink()
    (project / CACHE).symlink_to(outside)
    result = run_cli(project, "build")
    assert result.returncode == 0, result.output
    assert index_of(project) == built[1]
    assert outside.read_bytes() == before


def test_a_remembered_text_is_only_the_text_with_word_breaks():
    assert search_words.is_cut_from("计划\u200b生育", "计划生育")
    assert search_words.is_cut_from("计划生育", "\u200b计划生育\u200b")
    assert not search_words.is_cut_from("计划\u200b生\u200b<b>育</b>", "计划生育")
    assert not search_words.is_cut_from("计划", "计划生育")
