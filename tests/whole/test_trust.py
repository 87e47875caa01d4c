"""What is trusted and what is not: data only from inside the project, no hidden characters, messages
instead of tracebacks, comments printed safely, redline without code from history, CI without secrets.

Each test calls the function that makes the guarantee, in-process; a build runs only where the outputs
left on disk are the point.
"""

from __future__ import annotations

import errno
import hashlib
import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest
import yaml

from conftest import FIXTURES, make_project, run_cli
from shenbao import cli
from shenbao.check.runner import check_project
from shenbao.check.settings import load_check_settings
from shenbao.project import datafile, settings_files
from shenbao.project.figures import parse_figures
from shenbao.project.project import Project, ProjectError, check_inherit
from shenbao.project.scaffold import template_files
from shenbao.site import csp, sandbox
from shenbao.word import comments, redline, revision_config

BASE = FIXTURES / "rules" / "_project"


def base_project(where: Path) -> Path:
    project = where / "app"
    shutil.copytree(BASE, project)
    return project


def data_error(text: str) -> datafile.DataFileError:
    with pytest.raises(datafile.DataFileError) as caught:
        parse_figures(text, "data/figures.yml")
    return caught.value


# --- data only from inside, and only what a reviewer can see ------------------------------

HIDDEN = {
    "NUL": "\x00",
    "BEL": "\x07",
    "ESC": "\x1b",
    "DEL": "\x7f",
    "C1": "\x85",
    "RLO": "\u202e",
    "LRO": "\u202d",
    "RLE": "\u202b",
    "PDF": "\u202c",
    "RLI": "\u2067",
    "FSI": "\u2068",
    "PDI": "\u2069",
    "RLM": "\u200f",
    "ALM": "\u061c",
    "ZWSP": "\u200b",
    "ZWNJ": "\u200c",
    "ZWJ": "\u200d",
    "WJ": "\u2060",
    "ZWNBSP": "\ufeff",
}
PLACES = {  # where in figures.yml a character stands, and the line it is on
    "value": (lambda c: f"application:\n  title: {{label: 标题, value: 样例{c}市}}\n", 2),
    "label": (lambda c: f"application:\n  title: {{label: 标{c}题, value: 样例}}\n", 2),
    "key": (lambda c: f"application:\n  ti{c}tle: {{label: 标题, value: 样例}}\n", 2),
    "comment": (lambda c: f"# 说明{c}\napplication:\n  title: {{label: 标题, value: 样例}}\n", 1),
}


@pytest.mark.parametrize("place", PLACES)
@pytest.mark.parametrize("name", HIDDEN)
def test_hidden_and_control_characters_are_refused_at_their_line(name, place):
    make, line = PLACES[place]
    error = data_error(make(HIDDEN[name]))
    assert (error.path, error.line) == ("data/figures.yml", line)
    assert f"U+{ord(HIDDEN[name]):04X}" in error.message and error.hint


@pytest.mark.parametrize("escape", ["\\x01", "\\u202e", "\\u200b", "\\0", "\\e"])
def test_hidden_characters_written_as_yaml_escapes_are_refused_too(escape):
    error = data_error(f'application:\n  title: {{label: 标题, value: "{escape}0054"}}\n')
    assert error.line == 2 and "U+" in error.message


def test_the_bidi_value_of_the_issue_is_refused():
    """``"\\u202e0054\\u202c"`` shows 4500 in a browser while the file stores 0054."""
    error = data_error('application:\n  title: {label: 标题, value: "\\u202e0054\\u202c"}\n')
    assert "文字方向控制符 U+202E" in error.message


@pytest.mark.parametrize(
    "value", ["1" * 5000, "-" + "9" * 31, "1." + "0" * 4999, "1" * 31 + ".5", '"第' + "9" * 5000 + '号"']
)
def test_over_long_numbers_are_refused_with_a_hint_not_a_traceback(value):
    error = data_error(f"application:\n  title: {{label: 标题, value: 1}}\n  big: {{label: 大, value: {value}}}\n")
    assert error.line == 3 and "数字过长" in error.message and "上限 30 位" in error.message


def test_ordinary_numbers_and_texts_still_read():
    book = parse_figures(
        "application:\n  title: {label: 标题, value: 第2024号\u3000申报}\n"
        "money:\n  sum: {label: 金额, unit: 万元, value: 123456789012345678901234567890}\n"
    )
    assert book["money.sum"].value == 123456789012345678901234567890


def test_a_control_character_in_the_title_is_a_located_error_of_check_and_of_loading(tmp_path):
    project = base_project(tmp_path)
    figures = project / "data" / "figures.yml"
    figures.write_text(
        figures.read_text(encoding="utf-8").replace("value: 样例市申报", 'value: "样例\\x01市申报"'), encoding="utf-8"
    )
    with pytest.raises(ProjectError) as caught:
        Project.load(project / "mkdocs.yml")
    assert str(caught.value).startswith("data/figures.yml:2:")
    found = [str(d) for d in check_project(project).diagnostics]
    assert len(found) == 1 and found[0].startswith("data/figures.yml:2:") and "U+0001" in found[0]


def test_a_data_file_linked_from_outside_the_project_is_not_read(tmp_path):
    project = base_project(tmp_path)
    secret = tmp_path / "host-secret.yml"
    secret.write_text("root_password_hash:\n  x: {label: 秘密内容, value: 42}\n", encoding="utf-8")
    figures = project / "data" / "figures.yml"
    figures.unlink()
    figures.symlink_to(secret)
    with pytest.raises(ProjectError) as caught:
        Project.load(project / "mkdocs.yml")
    said = str(caught.value)
    assert said.startswith("data/figures.yml: 数据文件指向项目以外") and "（提示：" in said
    assert "root_password_hash" not in said and "秘密" not in said
    found = [str(d) for d in check_project(project).diagnostics]
    assert len(found) == 1 and found[0].startswith("data/figures.yml") and "项目以外" in found[0]
    assert "root_password_hash" not in found[0]


def test_a_link_inside_the_project_is_still_read(tmp_path):
    project = base_project(tmp_path)
    figures = project / "data" / "figures.yml"
    shutil.move(figures, project / "data" / "real.yml")
    figures.symlink_to("real.yml")
    assert "application.title" in Project.load(project / "mkdocs.yml").figures


@pytest.mark.parametrize("name", ["terms.yml", "relations.yml", "check.yml"])
def test_a_settings_file_linked_from_outside_is_refused(tmp_path, name):
    project = base_project(tmp_path)
    outside = tmp_path / "outside.yml"
    outside.write_text("secret_key: 1\n", encoding="utf-8")
    (project / "data" / name).unlink(missing_ok=True)
    (project / "data" / name).symlink_to(outside)
    _, problems = load_check_settings(project / "data", "data", (), project)
    assert [(p.path, p.message) for p in problems] == [(f"data/{name}", settings_files.OUTSIDE_MESSAGE)]


@pytest.mark.parametrize(
    "name, text, expected",
    [
        ("relations.yml", "- at_mots: {part: funds.received, whole: funds.budget}\n", "data/relations.yml:1:"),
        ("terms.yml", "spun: {x: 1}\n", "data/terms.yml:1:"),
        ("terms.yml", "spun:\n  - \x00\n", "data/terms.yml:2:5: 数据中有控制字符 U+0000"),
        ("relations.yml", "- at_most: [\n", "data/relations.yml:"),
    ],
)
def test_a_broken_terms_or_relations_file_stops_the_build_as_check_reports_it(tmp_path, name, text, expected):
    from mkdocs.config import load_config
    from mkdocs.exceptions import PluginError

    project = make_project(tmp_path, "complete")
    (project / "data" / name).write_text(text, encoding="utf-8")
    problem = settings_files.build_problem(project / "data", "data", project)
    assert problem is not None
    config = load_config(str(project / "mkdocs.yml"))
    with pytest.raises(PluginError) as caught:
        config.plugins["shenbao"].on_config(config)
    assert str(caught.value).startswith(expected), caught.value
    assert "Traceback" not in str(caught.value)


# --- messages instead of tracebacks ---------------------------------------------------------


def test_inherit_from_a_host_file_is_refused_before_mkdocs_reads_it(tmp_path, capsys):
    project = make_project(tmp_path, "complete")
    config = project / "mkdocs.yml"
    config.write_text("INHERIT: /etc/passwd\n" + config.read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(ProjectError) as caught:
        check_inherit(config)
    assert str(caught.value).startswith("mkdocs.yml:1: INHERIT 指向项目以外的 “/etc/passwd”")
    assert cli.main(["-f", str(config), "build"]) == 1
    err = capsys.readouterr().err
    assert "mkdocs.yml:1: INHERIT" in err and "Traceback" not in err and "TypeError" not in err


def test_inherit_of_a_file_that_is_not_settings_is_a_located_error(tmp_path):
    project = make_project(tmp_path, "complete")
    (project / "base.yml").write_text("just text\n", encoding="utf-8")
    config = project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + "INHERIT: base.yml\n", encoding="utf-8")
    with pytest.raises(ProjectError) as caught:
        check_inherit(config)
    assert "不是一组 YAML 设置" in str(caught.value) and str(caught.value).startswith("mkdocs.yml:")


def test_a_full_disk_is_said_in_chinese_and_the_last_outputs_stay(tmp_path, monkeypatch, capsys):
    import mkdocs.utils

    project = make_project(tmp_path, "complete")
    assert run_cli(project, "build").returncode == 0
    before = _tree_digest(project / "site") + _tree_digest(project / "dist")

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device", str(project / ".site-x" / "index.html"))

    monkeypatch.setattr(mkdocs.utils, "write_file", full)
    monkeypatch.chdir(project)
    assert cli.main(["-f", str(project / "mkdocs.yml"), "build"]) == 1
    err = capsys.readouterr().err
    assert "磁盘空间不足" in err and "（提示：" in err and "保持不变" in err
    assert "Errno" not in err and "Traceback" not in err
    assert _tree_digest(project / "site") + _tree_digest(project / "dist") == before


def _tree_digest(folder: Path) -> list[tuple[str, str]]:
    return sorted(
        (p.relative_to(folder).as_posix(), hashlib.sha256(p.read_bytes()).hexdigest())
        for p in folder.rglob("*")
        if p.is_file()
    )


def test_the_export_process_says_a_full_disk_in_chinese():
    from shenbao.site import export_job

    class Pipe:
        def send(self, value):
            self.sent = value

        def close(self):
            pass

    def export(**_):
        raise OSError(errno.ENOSPC, "No space left on device", "/tmp/x/申报.docx")

    pipe = Pipe()
    os_setpgid = os.setpgid
    try:
        os.setpgid = lambda *a: None
        export_job._run(pipe, export, {})
    finally:
        os.setpgid = os_setpgid
    message, result = pipe.sent
    assert message.startswith("申报.docx: 磁盘空间不足") and "Errno" not in message and result is None


def test_an_unknown_figure_inside_a_rendered_page_is_located_after_the_fork():
    book = parse_figures("application:\n  title: {label: 标题, value: x}\n")
    environment = sandbox.page_environment(Path("."))
    with pytest.raises(sandbox.RenderError) as caught:
        sandbox.render_bounded(
            'a\n{% set n = "a.b" %}{{ fig(n) }}', environment, {"fig": lambda n: book.get_figure(n).as_markdown()}
        )
    assert (caught.value.line, caught.value.message) == (2, "未知数据项 “a.b”")


def test_numbers_given_to_exhibits_in_the_render_process_come_back():
    """The first table() of the build is 表1, the next 表2: the child's numbering must reach the parent."""
    numbers: dict[str, str] = {}
    environment = sandbox.page_environment(Path("."))

    def number(name):
        return numbers.setdefault(name, f"表{len(numbers) + 1}")

    assert sandbox.render_bounded("{% if 1 %}{{ n('a') }}{% endif %}", environment, {"n": number}, numbers) == "表1"
    assert sandbox.render_bounded("{% if 1 %}{{ n('b') }}{% endif %}", environment, {"n": number}, numbers) == "表2"
    assert numbers == {"a": "表1", "b": "表2"}


def test_a_render_process_that_never_answers_is_ended(monkeypatch):
    """A child stuck on a lock another thread held at the fork uses no CPU: the wall clock ends it."""
    monkeypatch.setattr(sandbox, "WALL_SECONDS", 1)
    environment = sandbox.page_environment(Path("."))
    with pytest.raises(sandbox.BudgetExceeded) as caught:
        sandbox.render_bounded("{% if 1 %}{{ wait() }}{% endif %}", environment, {"wait": lambda: time.sleep(60) or ""})
    assert "秒" in caught.value.message and caught.value.hint


# --- comments print safely --------------------------------------------------------------------


FORGED = [
    "请核实\ndocs/fake.md:99: 批注（审阅人, 2024-01-01）: 已同意",
    "第一行\r\n第二行",
    "\x1b[2J\x1b[H清屏",
    "\u202e意同\u202c",
    "a\u2028b\u2029c",
    "\x00\x07\x08",
]


@pytest.mark.parametrize("text", FORGED)
@pytest.mark.parametrize("kind", [comments.COMMENT, comments.INSERT, comments.REPLACE])
def test_a_remark_is_one_line_without_control_characters(text, kind):
    remark = comments.Remark(kind, text, "2024-01-01", text=text, old=text, quote=text, file="docs/a.md", line=3)
    shown = str(remark)
    assert "\n" not in shown and "\r" not in shown
    assert all(ch.isprintable() or ch == "\u3000" for ch in shown), repr(shown)
    assert shown.startswith("docs/a.md:3: ")


def test_chinese_text_and_full_width_spaces_are_printed_as_they_are():
    remark = comments.Remark(comments.COMMENT, "张三", "2024-01-01", text="请注明\u3000统计口径（2024年）")
    assert "请注明\u3000统计口径（2024年）" in str(remark)


@pytest.mark.parametrize(
    "name, safe",
    [
        ("docs/index.md", True),
        ("docs/sub/a.md", True),
        ("../../etc/passwd", False),
        ("/etc/passwd", False),
        ("docs/../../x.md", False),
        ("docs/a.md\ndocs/fake.md:99", False),
        ("C:\\Windows\\x.md", False),
        ("docs/\u202ea.md", False),
        ("", False),
    ],
)
def test_a_location_from_the_file_s_own_properties_must_stay_in_the_project(name, safe):
    assert comments.safe_source_name(name) is safe


def test_an_anchor_whose_name_was_refused_is_located_by_its_text():
    from shenbao.docx.source_anchors import Anchor

    paragraph = comments._Paragraph("出生人数为1271人。", "出生人数为1271人。", Anchor(0, 5), "BodyText", False, "")
    sources = comments.Sources({"docs/a.md": ["# 题", "", "出生人数为1271人。"]}, {}, {})
    assert comments.locate([paragraph], [""], sources) == [("docs/a.md", 3, comments.LOST)]


def test_comments_given_a_folder_is_a_message(tmp_path):
    with pytest.raises(comments.ReviewFileError) as caught:
        comments.remarks(tmp_path, comments.Sources({}, {}, {}))
    assert "是文件夹" in str(caught.value) and "（提示：" in str(caught.value)


# --- redline: old content, today's configuration ------------------------------------------------


TODAY = """site_name: 申报
nav:
  - index.md
plugins:
  - search
  - shenbao:
      preview: true
      since: v1
  - macros:
      modules: [shenbao.macros]
markdown_extensions:
  - toc:
      permalink: true
"""
OLD = """site_name: 旧的
hooks:
  - hooks/steal.py
extra:
  leak: !ENV [SECRET]
  run: !!python/object/apply:os.system ["touch /tmp/pwned"]
nav:
  - 首页: index.md
  - old.md
plugins:
  - shenbao:
      docx_name: 旧文件名
      layout: {preset: 报告}
      figures: data/old.yml
      unknown_option: 1
  - macros
"""


def test_an_old_revision_is_built_with_today_s_configuration_and_its_own_nav_and_options():
    made = yaml.safe_load(revision_config.config_for_revision(TODAY, OLD))
    assert made["site_name"] == "申报" and "hooks" not in made and "extra" not in made
    assert made["nav"] == [{"首页": "index.md"}, "old.md"]
    shenbao = next(p["shenbao"] for p in made["plugins"] if isinstance(p, dict) and "shenbao" in p)
    assert shenbao == {
        "docx_name": "旧文件名",
        "layout": {"preset": "报告"},
        "figures": "data/old.yml",
    }
    assert made["plugins"][0] == "search" and "macros" in made["plugins"][2]


@pytest.mark.parametrize("path", ["/etc/passwd", "../../outside.yml", "C:/x.yml"])
def test_old_shenbao_options_pointing_outside_are_refused(path):
    old = OLD.replace("figures: data/old.yml", f"figures: {path}")
    with pytest.raises(revision_config.RevisionConfigError):
        revision_config.config_for_revision(TODAY, old)


def test_today_s_tags_are_kept_and_no_tag_of_history_is_run(tmp_path):
    marker = tmp_path / "ran"
    old = f'plugins:\n  - shenbao: !!python/object/apply:os.system ["touch {marker}"]\n'
    made = revision_config.config_for_revision(TODAY + "extra:\n  x: !ENV [HOME]\n", old)
    assert "!ENV [HOME]" in made and not marker.exists()


def _git(project: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=project, check=True, capture_output=True)


def _repository(tmp_path: Path) -> Path:
    project = make_project(tmp_path, "complete")
    _git(project, "init", "-q")
    _git(project, "-c", "user.name=甲", "-c", "user.email=a@example.org", "add", "-A")
    _git(project, "-c", "user.name=甲", "-c", "user.email=a@example.org", "commit", "-qm", "一")
    return project


def test_redline_exports_an_old_revision_with_today_s_mkdocs_yml(tmp_path):
    project = _repository(tmp_path)
    today = (project / "mkdocs.yml").read_text(encoding="utf-8")
    (project / "mkdocs.yml").write_text(today + "hooks:\n  - steal.py\n", encoding="utf-8")
    _git(project, "-c", "user.name=乙", "-c", "user.email=b@example.org", "commit", "-qam", "hook")
    old = subprocess.run(["git", "rev-parse", "HEAD"], cwd=project, capture_output=True, text=True).stdout.strip()
    (project / "mkdocs.yml").write_text(today, encoding="utf-8")
    copy = redline.export(project, old, tmp_path / "copy")
    assert "hooks" not in yaml.safe_load((copy / "mkdocs.yml").read_text(encoding="utf-8"))


def test_a_link_out_of_the_tree_in_an_old_revision_is_a_message(tmp_path):
    project = _repository(tmp_path)
    (project / "docs" / "evil.md").symlink_to("/etc/passwd")
    _git(project, "add", "-A")
    _git(project, "-c", "user.name=乙", "-c", "user.email=b@example.org", "commit", "-qm", "link")
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=project, capture_output=True, text=True).stdout.strip()
    with pytest.raises(redline.RedlineError) as caught:
        redline.export(project, head, tmp_path / "copy")
    assert "docs/evil.md" in str(caught.value) and "（提示：" in str(caught.value)


# --- the CI workflow a new project gets -------------------------------------------------------


def test_the_template_workflow_builds_pull_requests_without_secrets_and_read_only():
    text = template_files()[".github/workflows/publish.yml"]
    workflow = yaml.safe_load(text)
    triggers = workflow[True]  # YAML 1.1 reads the key "on" as true
    assert "pull_request" in triggers and "pull_request_target" not in triggers
    assert workflow["permissions"] == {"contents": "read"}
    build = workflow["jobs"]["build"]
    assert "permissions" not in build and "secrets." not in yaml.safe_dump(build)
    checkout = build["steps"][0]
    assert checkout["uses"].startswith("actions/checkout@") and checkout["with"]["persist-credentials"] is False
    assert "secrets" not in text.split("jobs:")[1] and "pull_request_target" in text  # the comment warns against it
    comment = text.split("permissions:")[0]
    assert "密钥" in comment and "只能读" in comment


# --- the second wall: Content-Security-Policy ---------------------------------------------------


PAGE = (
    '<html><head><meta charset="utf-8"><script>__md_scope=1</script></head><body>'
    '<article>{content}</article><script>var palette=1</script><script id="__config" type="application/json">{{}}'
    '</script><script src="assets/bundle.js"></script></body></html>'
)


def test_the_policy_allows_the_theme_s_inline_scripts_by_hash_and_never_the_content_s():
    content = "<p>正文</p><script>alert(1)</script>"
    html = PAGE.format(content=content)
    policy = csp.policy(html, content)
    assert csp.script_hash("__md_scope=1") in policy and csp.script_hash("var palette=1") in policy
    assert csp.script_hash("alert(1)") not in policy and csp.script_hash("{}") not in policy
    assert "'unsafe-inline'" not in policy.split("script-src")[1].split(";")[0]
    assert "form-action 'none'" in policy and "object-src 'none'" in policy


def test_the_policy_stands_before_every_script_right_after_the_charset():
    html = csp.with_policy(PAGE.format(content="<p>x</p>"), "<p>x</p>")
    assert html.index('http-equiv="Content-Security-Policy"') < html.index("<script>")
    assert html.startswith('<html><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy"')


def test_the_marked_navigation_is_not_read_and_a_script_in_it_is_refused():
    nav = f"{csp.NO_SCRIPTS[0]}<nav><script>alert(2)</script></nav>{csp.NO_SCRIPTS[1]}"
    html = PAGE.format(content="<p>x</p>").replace("<article>", nav + "<article>")
    published = csp.with_policy(html, "<p>x</p>")
    policy = csp.policy(html, "<p>x</p>")
    assert csp.script_hash("alert(2)") not in policy and csp.script_hash("var palette=1") in policy
    assert csp.NO_SCRIPTS[0] not in published and csp.NO_SCRIPTS[1] not in published and "<nav>" in published


def test_under_serve_live_reload_may_run():
    assert "script-src 'self' 'unsafe-inline';" in csp.policy(PAGE.format(content=""), "", serving=True)


def test_a_fresh_project_and_this_repository_need_no_python_tag():
    for text in (template_files()["mkdocs.yml"], (Path(__file__).parents[2] / "mkdocs.yml").read_text("utf-8")):
        assert "!!python" not in text


def test_a_revision_older_than_the_plugin_gets_today_s_options_without_build_only_ones():
    made = yaml.safe_load(revision_config.config_for_revision(TODAY, "site_name: 旧\nplugins:\n  - macros\n"))
    assert "nav" not in made  # the old revision listed no pages: file order, as it was built then
    assert "shenbao" in made["plugins"]  # no options left: preview and since are not for a redline's builds


# --- tables and charts have a size a page can hold -------------------------------------------


@pytest.mark.parametrize(
    "exhibit, expected",
    [
        (
            "charts:\n  big:\n    title: 大图\n    categories: [{cats}]\n    series:\n      - name: 甲\n"
            "        figures: [population.births]\n",
            "charts big 的 categories 有 2000 项，超过上限 100 项",
        ),
        ("tables:\n  big:\n    title: 大表\n    rows: [{rows}]\n", "tables big 的 rows 有 2000 项，超过上限 500 项"),
    ],
)
def test_a_chart_or_table_beyond_any_page_is_refused_at_its_line(tmp_path, exhibit, expected):
    from shenbao.project.exhibits import ExhibitDataError, load_exhibits

    book = parse_figures("population:\n  births: {label: 出生, unit: 人, value: 1}\n")
    path = tmp_path / "exhibits.yml"
    text = exhibit.format(cats=", ".join(f"c{i}" for i in range(2000)), rows=", ".join(["population.births"] * 2000))
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ExhibitDataError) as caught:
        load_exhibits(path, book, "data/exhibits.yml")
    assert caught.value.message == expected and caught.value.line > 0 and caught.value.hint


@pytest.mark.parametrize("character", ["\u202e", "\u202d", "\u2067", "\u200b", "\u200d", "\ufeff", "\x85"])
def test_a_title_from_elsewhere_puts_no_bidi_or_invisible_character_in_the_docx_name(character):
    from shenbao.docx.export import docx_filename

    assert docx_filename(f"{character}0054{character}申报", False) == "0054申报（草稿）.docx"
