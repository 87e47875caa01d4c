"""The settings files: validated by their schemas, every mistake at its line and column."""

from pathlib import Path

from shenbao.check.settings import load_check_settings, schema


def write(folder: Path, name: str, text: str) -> None:
    (folder / name).write_text(text, encoding="utf-8")


def problems(folder: Path) -> list[str]:
    _, found = load_check_settings(folder, "data", ["term", "length"])
    return [f"{p.path}:{p.line}:{p.column}: {p.message} ({p.hint})" for p in found]


def test_schemas_ship_with_the_package():
    assert {schema(name)["type"] != "" for name in ("check.yml", "terms.yml", "relations.yml")} == {True}


def test_no_files_is_no_settings(tmp_path):
    settings, found = load_check_settings(tmp_path, "data")
    assert found == [] and settings.terms == [] and settings.relations == [] and settings.select is None


def test_a_misspelt_relation_kind_is_reported_not_ignored(tmp_path):
    write(tmp_path, "relations.yml", "- at_mots: {part: a.b, whole: a.c}\n  why: 拼错\n")
    assert problems(tmp_path) == ["data/relations.yml:1:3: 0：未知的键 “at_mots” (是否想用：at_most)"]


def test_a_missing_field_of_a_term(tmp_path):
    write(tmp_path, "terms.yml", "spun:\n  - {wrong: 规划生育}\n")
    assert problems(tmp_path) == ["data/terms.yml:2:5: spun.0：缺少 “right” ()"]


def test_yaml_errors_are_located(tmp_path):
    write(tmp_path, "check.yml", "ignore: [term\n")
    (found,) = problems(tmp_path)
    assert found.startswith("data/check.yml:2:1: YAML 格式错误")


def test_unknown_rule_ids_are_located(tmp_path):
    write(tmp_path, "check.yml", "per_file_ignores:\n  docs/a.md: [lenght]\n")
    assert problems(tmp_path) == ["data/check.yml:2:15: 没有规则 “lenght” (是否想用：length)"]


def test_the_old_keys_keep_working(tmp_path):
    write(tmp_path, "check.yml", 'units: [眼]\nallowed_in_prose: ["3.8", 13]\ncounters: [口]\n')
    settings, found = load_check_settings(tmp_path, "data")
    assert found == [] and settings.counters == ["口", "眼"] and settings.allowed == ["3.8", "13"]


def test_an_allowed_pattern_that_is_no_regular_expression(tmp_path):
    write(tmp_path, "check.yml", "allowed_patterns:\n  - 第(\\d+\n")
    (found,) = problems(tmp_path)
    assert found.startswith("data/check.yml:2:5: 不是有效的正则表达式")
