"""Typed statistics found generically: a number and what it measures."""

import pytest

from shenbao.text.statistics import find_statistics

ALLOWED = ["3.8", "13亿"]
PATTERNS = [r"第\d+", r"\d+号", r"《[^》\n]*》"]


@pytest.mark.parametrize(
    ("text", "typed", "unit", "value"),
    [
        ("财政收入32.03亿元", "32.03亿元", "亿元", 32.03),
        ("耕地120亩", "120亩", "亩", 120),
        ("企业500家", "500家", "家", 500),
        ("产量3万吨", "3万吨", "万吨", 3),
        ("流动人口1.2万多人", "1.2万多人", "万人", 1.2),
        ("约30万", "约30万", "万", 30),
        ("经费100余万元", "100余万元", "万元", 100),
        ("人口多达3万余", "3万余", "万", 3),
        ("满意率98%", "98%", "%", 98),
        ("死亡率3‰", "3‰", "‰", 3),
        ("共1,234人", "1,234人", "人", 1234),
        ("提高2个百分点", "2个百分点", "个百分点", 2),
    ],
)
def test_each_typed_form_is_found(text, typed, unit, value):
    (found,) = find_statistics(text, allowed=ALLOWED, allowed_patterns=PATTERNS)
    assert (found.text, found.unit, found.value) == (typed, unit, value)
    assert text[found.start : found.end] == typed


def test_two_statistics_side_by_side():
    assert [s.text for s in find_statistics("全市辖9镇9乡")] == ["9镇", "9乡"]


@pytest.mark.parametrize(
    "text",
    [
        "3.8妇女节",
        "13亿人口日",
        "第3次会议",
        "5号文件",
        "《2010年500家企业名录》",
        "“十一五”期间",
        "2010年完成",
        "国道217",
    ],
)
def test_names_and_dates_are_not_statistics(text):
    assert find_statistics(text, allowed=ALLOWED, allowed_patterns=PATTERNS) == []


def test_an_allowed_literal_does_not_hide_a_longer_number():
    assert [s.text for s in find_statistics("13.8万人", allowed=["3.8"])] == ["13.8万人"]


def test_the_label_is_the_words_before_without_the_linking_verb():
    (found,) = find_statistics("上半年出生人数为1271人")
    assert (found.label, found.number, found.approx) == ("上半年出生人数", "1271", "")


def test_settings_add_measure_words():
    assert find_statistics("打井12眼") == []
    assert [s.text for s in find_statistics("打井12眼", units=["眼"])] == ["12眼"]


def test_a_layout_instruction_is_no_statistic():
    # 缩进2个字符 in three sentences was three review lines and one shared data item, and check asked for a figure
    found = find_statistics("首行缩进2个字符，每页不超过22个字，全市共有3个单位。")
    assert [s.text for s in found] == ["3个"]
    assert [s.text for s in find_statistics("全县辖3个行政村。")] == ["3个"]
