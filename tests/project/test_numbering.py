"""Official heading numbers, generated once for the site and the DOCX."""

import pytest

from shenbao.project.numbering import Counters, chinese_number, heading_label, number_headings, typed_number


@pytest.mark.parametrize(
    ("n", "text"),
    [
        (1, "一"),
        (7, "七"),
        (10, "十"),
        (11, "十一"),
        (20, "二十"),
        (23, "二十三"),
        (100, "一百"),
        (105, "一百零五"),
        (110, "一百一十"),
        (999, "九百九十九"),
    ],
)
def test_chinese_numbers(n, text):
    assert chinese_number(n) == text


def test_levels_follow_the_official_sequence():
    assert [heading_label(level, 2) for level in (1, 2, 3, 4)] == ["二、", "（二）", "2.", "（2）"]


def test_numbers_continue_across_pages_and_restart_below():
    counters = Counters()
    first, _ = number_headings("# 基本情况\n\n正文", counters)
    second, headings = number_headings(
        "# 开展情况\n## 机制\n### 学习\n#### 细项\n### 管理\n## 宣传\n### 媒体", counters
    )
    assert first.startswith("# 一、基本情况 {#基本情况}")
    assert [h.text for h in headings] == [
        "二、开展情况",
        "（一）机制",
        "1.学习",
        "（1）细项",
        "2.管理",
        "（二）宣传",
        "1.媒体",
    ]


def test_ids_come_from_the_unnumbered_title_so_links_survive_moves():
    _, headings = number_headings("# 开展“双创”工作的情况", Counters())
    assert headings[0].id == "开展双创工作的情况"


def test_explicit_id_and_unnumbered_headings_are_respected():
    text, headings = number_headings("# 封面 {.unnumbered}\n# 概况 {#overview}", Counters())
    assert text.split("\n") == ["# 封面 {#封面 .unnumbered}", "# 一、概况 {#overview}"]
    assert headings[0].number == ""


def test_code_blocks_are_not_headings():
    text, headings = number_headings("```\n# 注释\n```\n# 标题", Counters())
    assert "# 注释" in text
    assert [h.text for h in headings] == ["一、标题"]


def test_typed_numbers_are_recognised():
    assert typed_number("一、基本情况") == "一、"
    assert typed_number("（二）宣传") == "（二）"
    assert typed_number("3.经费") == "3."
    assert typed_number("基本情况") == ""


def test_too_many_headings_is_said_plainly():
    with pytest.raises(ValueError, match="超过 999 个"):
        chinese_number(1000)


def test_a_title_repeated_on_one_page_gets_its_own_id():
    _, headings = number_headings("# 甲\n## 做法\n# 乙\n## 做法", Counters())
    assert [h.id for h in headings] == ["甲", "做法", "乙", "做法_1"]
