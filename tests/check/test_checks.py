"""make check end to end: the command line on fixture projects, its settings and its switches."""

from __future__ import annotations

import pytest

from conftest import ROOT, make_project, run_cli
from shenbao.check import rule_docs
from shenbao.check.registry import BY_ID
from shenbao.check.rules.length import reader_count

SEEDED_PAGE = """\
# 测试页

上半年出生人数为1271人。
全市规划生育工作。
工作开展,成效明显。
财政收入32.03亿元。<!-- check: ignore typed-number -->
<!-- check: ignore punctuation -->
这一行的逗号,不报告。

| 指标 | 数值 |
| --- | --- |
| 耕地 | 120亩 |
"""

EXPECTED = [
    'docs/seeded.md:3:9: typed-number: 正文直接写了统计数字 “1271人”（提示：改用 {{ fig("population.births") }}）',
    "docs/seeded.md:4:3: term: “规划生育”应为“计划生育”（提示：分享网站的同义词替换）",
    "docs/seeded.md:5:5: punctuation: 中文里用了半角标点（提示：改为“，”）",
    "docs/seeded.md:12:8: typed-number: 表格中直接写了统计数字 “120亩”（提示：在 data/figures.yml 中添加 {label: 耕地, unit: 亩, value: 120}，再用 fig() 引用）",
]


@pytest.fixture
def seeded(tmp_path):
    """The complete fixture with one page of mistakes."""
    project = make_project(tmp_path, "complete")
    (project / "docs" / "seeded.md").write_text(SEEDED_PAGE, encoding="utf-8")
    return project


def test_a_clean_project_passes(tmp_path):
    result = run_cli(make_project(tmp_path, "complete"), "check")
    assert result.returncode == 0, result.output
    assert result.stdout.strip() == "检查通过。"


def test_one_exact_message_per_mistake_and_the_inline_ignore(seeded):
    result = run_cli(seeded, "check")
    assert result.returncode == 1
    lines = result.stdout.strip().split("\n")
    assert lines == [*EXPECTED, f"{len(EXPECTED)} 个问题。"]


def test_check_changes_nothing_without_fix(seeded):
    before = {p: p.read_bytes() for p in seeded.rglob("*") if p.is_file() and not p.is_symlink()}
    run_cli(seeded, "check")
    assert {p: p.read_bytes() for p in seeded.rglob("*") if p.is_file() and not p.is_symlink()} == before


def test_fix_repairs_safe_problems_only(seeded):
    result = run_cli(seeded, "check", "--fix")
    assert result.returncode == 1
    assert result.stdout.startswith("已修正 1 个文件。")
    fixed = (seeded / "docs" / "seeded.md").read_text(encoding="utf-8").split("\n")
    assert fixed[2:5] == ["上半年出生人数为1271人。", "全市计划生育工作。", "工作开展，成效明显。"]


def test_unsafe_fixes_replace_a_typed_statistic_by_its_figure(seeded):
    run_cli(seeded, "check", "--fix", "--unsafe-fixes")
    fixed = (seeded / "docs" / "seeded.md").read_text(encoding="utf-8").split("\n")
    assert fixed[2] == '上半年出生人数为{{ fig("population.births") }}。'


def test_select_and_ignore_on_the_command_line(seeded):
    selected = run_cli(seeded, "check", "--select", "term").stdout.strip().split("\n")
    assert selected == [EXPECTED[1], "1 个问题。"]
    ignored = run_cli(seeded, "check", "--ignore", "typed-number,term").stdout.strip().split("\n")
    assert ignored == [EXPECTED[2], "1 个问题。"]


def test_select_ignore_and_per_file_ignores_in_check_yml(seeded):
    settings = seeded / "data" / "check.yml"
    settings.write_text("ignore: [term]\nper_file_ignores:\n  docs/seed*.md: [typed-number]\n", encoding="utf-8")
    assert run_cli(seeded, "check").stdout.strip().split("\n") == [EXPECTED[2], "1 个问题。"]
    settings.write_text("select: [term]\n", encoding="utf-8")
    assert run_cli(seeded, "check").stdout.strip().split("\n") == [EXPECTED[1], "1 个问题。"]


def test_a_misspelt_rule_id_in_check_yml_is_reported(seeded):
    (seeded / "data" / "check.yml").write_text("ignore:\n  - typed-numbr\n", encoding="utf-8")
    result = run_cli(seeded, "check")
    assert result.returncode == 1
    assert result.stdout.startswith(
        "data/check.yml:2:5: settings: 没有规则 “typed-numbr”（提示：是否想用：typed-number）"
    )


def test_the_old_check_yml_keys_still_work(seeded):
    (seeded / "data" / "check.yml").write_text('units: [人]\nallowed_in_prose: ["1271人"]\n', encoding="utf-8")
    result = run_cli(seeded, "check", "--select", "typed-number")
    assert result.stdout.strip().split("\n") == [EXPECTED[3], "1 个问题。"]


def test_list_rules_names_every_rule():
    result = run_cli(ROOT, "check", "--list-rules")
    assert result.returncode == 0
    assert [line.split()[0] for line in result.stdout.strip().split("\n")] == list(BY_ID)


def test_explain_prints_a_rules_documentation():
    result = run_cli(ROOT, "check", "--explain", "heading-depth")
    assert result.returncode == 0
    assert result.stdout.startswith("heading-depth：") and "为什么：" in result.stdout
    unknown = run_cli(ROOT, "check", "--explain", "no-such-rule")
    assert unknown.returncode == 2 and "没有规则" in unknown.stderr


def test_the_readme_table_is_the_registry():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert rule_docs.rule_table() in readme, "run: python -m shenbao check --list-rules --markdown"
    assert readme.count(rule_docs.README_START) == readme.count(rule_docs.README_END) == 1, "one table, one pair"


def test_broken_data_is_reported_with_line_and_column(tmp_path):
    project = make_project(tmp_path, "broken-yaml")
    result = run_cli(project, "check")
    assert result.returncode == 1
    assert result.stdout.startswith("data/figures.yml:3:2: data: YAML 格式错误")


def test_a_project_without_settings_files_is_still_checked(tmp_path):
    project = make_project(tmp_path, "complete")
    for settings in ("check.yml", "terms.yml", "relations.yml"):
        (project / "data" / settings).unlink()
    page = project / "docs" / "b-work.md"
    page.write_text(page.read_text(encoding="utf-8") + "\n[坏链接](nowhere.md)\n", encoding="utf-8")
    result = run_cli(project, "check")
    lines = result.stdout.strip().split("\n")
    assert result.returncode == 1 and len(lines) == 2
    assert lines[0].startswith("docs/b-work.md:") and ": link: 链接目标 “nowhere.md” 不存在" in lines[0]


def test_warnings_alone_do_not_fail(tmp_path):
    project = make_project(tmp_path, "complete")
    page = project / "docs" / "b-work.md"
    page.write_text(page.read_text(encoding="utf-8") + "\n##### 第五级\n\n内容。\n", encoding="utf-8")
    result = run_cli(project, "check")
    assert result.returncode == 0, result.output
    assert "heading-depth: 警告：5 级标题不会编号" in result.stdout
    assert result.stdout.strip().endswith("检查通过（1 个警告）。")


@pytest.mark.parametrize(
    ("text", "count"), [("计划生育，", 5), ("B超 2 台", 4), ("# 标题 {#id}\n正文", 4), ("[链接](a.md)", 2)]
)
def test_characters_are_counted_as_a_reviewer_counts_them(text, count):
    assert reader_count(text) == count


def test_unknown_rules_on_the_command_line_are_refused(seeded):
    result = run_cli(seeded, "check", "--select", "terms")
    assert result.returncode == 2 and "没有规则 “terms”" in result.stderr


def test_ignore_all_on_one_line(seeded):
    page = seeded / "docs" / "seeded.md"
    page.write_text(
        page.read_text(encoding="utf-8").replace(
            "全市规划生育工作。", "全市规划生育工作, 1271人。<!-- check: ignore all -->"
        ),
        encoding="utf-8",
    )
    lines = run_cli(seeded, "check").stdout.strip().split("\n")
    assert not any(line.startswith("docs/seeded.md:4:") for line in lines)


def test_a_page_that_is_not_utf8_is_located(seeded):
    (seeded / "docs" / "gbk.md").write_bytes("# 标题\n\n正文。\n".encode("gbk"))
    result = run_cli(seeded, "check")
    assert result.returncode == 1
    assert "docs/gbk.md:1: 文件不是 UTF-8 编码（看来是 GB18030（GBK））" in result.stderr
    assert "Traceback" not in result.output
