"""Figures: loading with located errors, Chinese formatting, escaping."""

import pytest

from shenbao.project.figures import DataFileError, Figure, format_number, parse_figures
from shenbao.project.markers import find_markers


def one(value, unit="", approx="", label="名称"):
    return Figure(name="g.k", label=label, value=value, unit=unit, approx=approx)


@pytest.mark.parametrize(
    ("figure", "text"),
    [
        (one(1271, "人"), "1271人"),
        (one(99.76, "%"), "99.76%"),
        (one(124, "万元"), "124万元"),
        (one(100, "万元", "余"), "100余万元"),
        (one(1.5, "万册"), "1.5万册"),
        (one(10.0, "元"), "10元"),
        (one("217"), "217"),
        (one("甘河子镇、古尔图镇"), "甘河子镇、古尔图镇"),
    ],
)
def test_figures_read_the_chinese_way(figure, text):
    assert figure.as_text() == text
    assert figure.as_markdown() == text


def test_numbers_are_written_as_given():
    assert format_number(86.48) == "86.48"
    assert format_number(0.1 + 0.2) == "0.30000000000000004"  # no silent rounding of data
    assert format_number(12000000) == "12000000"


def test_unknown_value_is_a_visible_placeholder_not_zero():
    markdown = one(None, "万人", label="全市总人口").as_markdown()
    assert "【待填：全市总人口】" in markdown
    assert "0" not in markdown.replace("g.k", "")
    [marker] = find_markers(markdown)
    assert marker.figure == "g.k"
    assert marker.text == "【待填：全市总人口】"


def test_text_values_cannot_inject_html_or_markdown():
    markdown = one("<script>alert(1)</script>*x*").as_markdown()
    assert "<script>" not in markdown
    assert "&lt;script&gt;" in markdown
    assert "\\*x\\*" in markdown


def test_placeholder_labels_are_escaped_too():
    markdown = one(None, label="<b>名</b>").as_markdown()
    assert "<b>" not in markdown


GOOD = """\
population:
  births: {label: 上半年出生人数, unit: 人, value: 1271}
  total: {label: 全市总人口, unit: 万人, value: null}
"""


def test_parse_names_figures_by_group_and_key_with_their_lines():
    book = parse_figures(GOOD)
    assert book["population.births"].value == 1271
    assert book["population.births"].line == 2
    assert not book["population.total"].known
    assert [f.name for f in book.unknown()] == ["population.total"]


def test_unknown_name_suggests_the_closest():
    book = parse_figures(GOOD)
    with pytest.raises(KeyError) as caught:
        book.get_figure("population.birth")
    assert "population.births" in str(caught.value)


def error_of(text: str) -> DataFileError:
    with pytest.raises(DataFileError) as caught:
        parse_figures(text, "data/figures.yml")
    return caught.value


def test_bad_indentation_names_file_and_line():
    error = error_of("population:\n  births: {label: 出生, unit: 人, value: 1}\n total: {label: 总人口, value: 1}\n")
    assert str(error).startswith("data/figures.yml:3:")
    assert "YAML" in str(error)


def test_missing_label_names_the_figure_and_line():
    error = error_of("population:\n  births: {label: 出生, unit: 人, value: 1}\n  total: {unit: 万人, value: 1}\n")
    assert error.line == 3
    assert "population.total 缺少 label" in str(error)


def test_rate_above_100_is_refused():
    error = error_of("population:\n  rate: {label: 符合率, unit: '%', value: 199.76}\n")
    assert error.line == 2
    assert "0 到 100" in str(error)


def test_quantity_without_unit_is_refused():
    error = error_of("population:\n  births: {label: 出生, value: 1271}\n")
    assert "缺少 unit" in str(error)


def test_unknown_field_is_named_at_its_line():
    error = error_of("population:\n  births:\n    label: 出生\n    unit: 人\n    value: 1\n    vlaue: 2\n")
    assert error.line == 6
    assert "vlaue" in str(error)


def test_duplicate_names_are_refused():
    error = error_of(
        "population:\n  births: {label: 出生, unit: 人, value: 1}\n  births: {label: 出生, unit: 人, value: 2}\n"
    )
    assert error.line == 3
    assert "重复" in str(error)


def test_a_boolean_is_not_a_value():
    error = error_of("population:\n  births: {label: 出生, unit: 人, value: yes}\n")
    assert "类型" in str(error)
