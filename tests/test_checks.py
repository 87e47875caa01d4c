"""make check: one exact message per mistake, and --fix repairs only what is unambiguous."""

import pytest

from conftest import ROOT, make_project, run_cli
from shenbao.checks import reader_count

SEEDED_PAGE = """\
# 测试页

上半年出生人数为1271人。
全市规划生育工作。
工作开展,成效明显。
国道编号 217。
满意率达98％。
宣传工作...
工作--成效。
开展"双创"工作。
见[基本情况](jiben-qingkuang.md#没有这个锚点)。
见[工作](nowhere.md)。
![图](img/none.png)
数据：{{ fig("population.birth") }}

## 一、带编号的标题

内容。

## 空的一节
"""

EXPECTED = [
    "data/figures.yml:57:3: consistency: funds.surgery_received（70）大于 funds.surgery_budget（60） (已到位的“四项手术”费不超过预计)",
    "data/figures.yml:87:3: unused-figure: 数据项 extra.unused 没有页面使用 (在正文中引用，或标记 keep: true)",
    "docs/jiben-qingkuang.md:1:1: length: 正文 539 字，超过限定的 300 字 (删减 239 字)",
    "docs/seeded.md:1:1: nav: 页面不在 mkdocs.yml 的 nav 中 (加入 nav，读者才能按顺序看到)",
    'docs/seeded.md:3:9: typed-number: 正文直接写了统计数字 “1271人” (改用 {{ fig("population.births") }})',
    "docs/seeded.md:4:3: term: “规划生育”应为“计划生育” (分享网站的同义词替换)",
    "docs/seeded.md:5:5: punctuation: 中文里用了半角标点 (改为“，”)",
    "docs/seeded.md:6:5: spacing: 汉字和数字之间不加空格 (删去空格)",
    "docs/seeded.md:7:7: percent: 百分号用“%” (改为“%”)",
    "docs/seeded.md:8:5: ellipsis: 省略号应为“……” (改为“……”)",
    "docs/seeded.md:9:3: dash: 破折号应为“——” (改为“——”)",
    "docs/seeded.md:10:3: quotes: 中文里用了半角引号 (改为“”)",
    "docs/seeded.md:11:2: anchor: “jiben-qingkuang.md” 中没有锚点 “#没有这个锚点” (是否想用：#基本情况)",
    "docs/seeded.md:12:2: link: 链接目标 “nowhere.md” 不存在 (链接写成 docs/ 中页面的相对路径，如 jiben-qingkuang.md)",
    "docs/seeded.md:13:1: image: 图片 “img/none.png” 不存在 (应在 docs/img/none.png)",
    "docs/seeded.md:14:12: unknown-figure: 未知数据项 “population.birth” (是否想用：population.births、population.total)",
    "docs/seeded.md:16:4: typed-heading-number: 标题里写了编号 “一、” (编号自动生成，删去它)",
    "docs/seeded.md:20:1: empty-section: 这一节没有内容 (补写内容，或删去标题)",
]


@pytest.fixture
def seeded(tmp_path):
    """A copy of the application with one mistake of every kind."""
    project = make_project(tmp_path, source=ROOT)
    (project / "docs" / "seeded.md").write_text(SEEDED_PAGE, encoding="utf-8")
    figures = project / "data" / "figures.yml"
    text = figures.read_text(encoding="utf-8").replace(
        "“四项手术”费已到位, unit: 万元, value: 30}", "“四项手术”费已到位, unit: 万元, value: 70}"
    )
    figures.write_text(text + "\nextra:\n  unused: {label: 未使用, unit: 人, value: 1}\n", encoding="utf-8")
    page = project / "docs" / "jiben-qingkuang.md"
    page.write_text("---\nmax_chars: 300\n---\n" + page.read_text(encoding="utf-8"), encoding="utf-8")
    return project


def test_the_application_passes():
    from conftest import ROOT

    result = run_cli(ROOT, "check")
    assert result.returncode == 0, result.output
    assert result.stdout.strip() == "检查通过。"


def test_one_exact_message_per_mistake(seeded):
    result = run_cli(seeded, "check")
    assert result.returncode == 1
    lines = result.stdout.strip().split("\n")
    assert lines[:-1] == EXPECTED
    assert lines[-1] == f"{len(EXPECTED)} 个问题。"


def test_check_changes_nothing_without_fix(seeded):
    before = {p: p.read_bytes() for p in seeded.rglob("*") if p.is_file() and not p.is_symlink()}
    run_cli(seeded, "check")
    assert {p: p.read_bytes() for p in seeded.rglob("*") if p.is_file() and not p.is_symlink()} == before


def test_fix_repairs_terms_and_typography_and_nothing_else(seeded):
    result = run_cli(seeded, "check", "--fix")
    assert result.returncode == 1
    remaining = {line.split(": ")[1] for line in result.stdout.strip().split("\n")[1:-1]}
    assert remaining == {
        "consistency",
        "unused-figure",
        "length",
        "nav",
        "typed-number",
        "anchor",
        "link",
        "image",
        "unknown-figure",
        "typed-heading-number",
        "empty-section",
    }
    fixed = (seeded / "docs" / "seeded.md").read_text(encoding="utf-8").split("\n")
    assert fixed[3:10] == [
        "全市计划生育工作。",
        "工作开展，成效明显。",
        "国道编号217。",
        "满意率达98%。",
        "宣传工作……",
        "工作——成效。",
        "开展“双创”工作。",
    ]
    assert fixed[2] == "上半年出生人数为1271人。", "a statistic is moved to the data by the writer, not by --fix"


def test_correct_forms_that_contain_a_wrong_one_are_left_alone(tmp_path):
    project = make_project(tmp_path, source=ROOT)
    page = project / "docs" / "jiben-qingkuang.md"
    assert "行政村" in page.read_text(encoding="utf-8")  # 政村 is wrong only on its own
    result = run_cli(project, "check", "--fix")
    assert result.returncode == 0
    assert "行行政村" not in page.read_text(encoding="utf-8")


def test_broken_data_is_reported_with_line_and_column(tmp_path):
    project = make_project(tmp_path, "broken-yaml")
    result = run_cli(project, "check")
    assert result.returncode == 1
    assert result.stdout.startswith("data/figures.yml:3:2: data: YAML 格式错误")


@pytest.mark.parametrize(
    ("text", "count"), [("计划生育，", 5), ("B超 2 台", 4), ("# 标题 {#id}\n正文", 4), ("[链接](a.md)", 2)]
)
def test_characters_are_counted_as_a_reviewer_counts_them(text, count):
    assert reader_count(text) == count


def test_a_project_without_settings_files_is_still_checked(tmp_path):
    project = make_project(tmp_path, "complete")
    for settings in ("check.yml", "terms.yml", "relations.yml"):
        (project / "data" / settings).unlink()
    page = project / "docs" / "b-work.md"
    page.write_text(page.read_text(encoding="utf-8") + "\n[坏链接](nowhere.md)\n", encoding="utf-8")
    result = run_cli(project, "check")
    assert result.returncode == 1
    lines = result.stdout.strip().split("\n")
    assert (
        len(lines) == 2
        and lines[0].startswith("docs/b-work.md:")
        and ": link: 链接目标 “nowhere.md” 不存在" in lines[0]
    )


def test_a_page_with_jinja_loops_passes(tmp_path):
    project = make_project(tmp_path, "complete")
    assert "{% for n in range(" in (project / "docs" / "a-basics.md").read_text(encoding="utf-8")
    result = run_cli(project, "check")
    assert result.returncode == 0, result.stdout


def test_text_inside_table_cells_is_checked_too(tmp_path):
    project = make_project(tmp_path, "complete")
    page = project / "docs" / "b-work.md"
    page.write_text(
        page.read_text(encoding="utf-8") + "\n| 项目 | 说明 |\n| --- | --- |\n| 宣传 | 广播,电视 |\n", encoding="utf-8"
    )
    lines = run_cli(project, "check").stdout.strip().split("\n")
    assert len(lines) == 2 and ": punctuation: 中文里用了半角标点 (改为“，”)" in lines[0]
