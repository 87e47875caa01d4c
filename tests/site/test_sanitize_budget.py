"""Round two of hardening: the published HTML is sanitized, a page's render has a budget, mkdocs.yml is checked."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from conftest import make_project
from shenbao.check.context import Context
from shenbao.check.rules.config import config as config_rule
from shenbao.project.project import Project
from shenbao.project.sources import active_files
from shenbao.site import sandbox, sanitize

SCHEMES = [
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "&#106;avascript:alert(1)",
    "java&Tab;script:alert(1)",
    "javascript&colon;alert(1)",
    " \tjavascript:alert(1)",
    "java\nscript:alert(1)",
    "&#x6A;avascript:x",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:x",
]
TAGS = ['<a href="{u}">x</a>', "<a href='{u}'>x</a>", '<img src="{u}">']


@pytest.mark.parametrize("html", [t.format(u=u) for t, u in itertools.product(TAGS, SCHEMES)])
def test_no_spelling_of_a_script_url_survives_and_each_is_reported(html):
    cleaned = sanitize.clean(html)
    assert "script" not in cleaned.lower() and "data:" not in cleaned.lower(), cleaned
    assert sanitize.removals(html), html


ACTIVE = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    '<form action="https://evil.example"><input type=password></form>',
    '<meta http-equiv="refresh" content="0">',
    '<img src="https://evil.example/x.png">',
    '<img src="//evil.example/x.png">',
    "<link rel=stylesheet href=x>",
    "<style>@import url(https://evil.example)</style>",
    '<div style="position:fixed;inset:0">x</div>',
    '<iframe src="https://evil.example"></iframe>',
    '<h2 onmouseover="alert(1)">t</h2>',
    "<object data=x>",
]


@pytest.mark.parametrize("html", ACTIVE)
def test_active_markup_is_removed_and_reported(html):
    cleaned = sanitize.clean(html)
    for word in (
        "script",
        "onerror",
        "onload",
        "form",
        "password",
        "refresh",
        "evil",
        "link",
        "position",
        "iframe",
        "onmouseover",
        "object",
    ):
        assert word not in cleaned, cleaned
    assert sanitize.removals(html)


def test_what_material_and_our_macros_emit_is_kept():
    html = (
        '<h2 id="x">标题<a class="headerlink" href="#x" title="Permanent link">¶</a></h2>'
        '<table><thead><tr><th style="text-align: right;">数值</th></tr></thead><tbody><tr><td>1</td></tr></tbody>'
        '</table><span class="placeholder" data-figure="a.b">【待填：甲】</span><p><ins>新</ins><del>旧</del></p>'
        '<sup id="fnref:1"><a class="footnote-ref" href="#fn:1">1</a></sup><img alt="图" src="charts/a.svg">'
        '<a href="https://example.org/">外链</a>'
    )
    assert sanitize.removals(html) == []
    assert sanitize.clean(html) == html.replace("text-align: right;", "text-align:right")  # nh3 re-serialises style


@pytest.fixture
def tight(monkeypatch):
    monkeypatch.setattr(sandbox, "CPU_SECONDS", 1)
    monkeypatch.setattr(sandbox, "MEMORY_BYTES", 256 * 1024 * 1024)
    return sandbox.page_environment(Path("."))


def _double(op: str, start: str, times: int) -> str:
    return f"{{% set s = namespace(v={start}) %}}{{% for i in range({times}) %}}{{% set s.v = s.v {op} s.v %}}{{% endfor %}}{{{{ s.v|length }}}}"


BUDGET = [
    *[_double("~", '"a"', n) for n in (34, 36)],
    *[_double("+", "[1]", n) for n in (34, 36)],
    *[f'{{{{ "a".center({n}) }}}}' for n in ("10**9", "2**31", "10**10")],
    *[f'{{{{ "%.{n}f" % 1 }}}}' for n in (900000000, 500000000)],
    '{{ ("a"*1000).replace("a", "b"*1000000) }}',
    '{{ (range(100000)|list)|join("x"*100000) }}',
    '{{ "a" * 10**9 }}',
    "{{ [1] * 10**9 }}",
    "{{ 10**5000 }}",
    "{{ ((10**1000)**1000)**1000 }}",
    "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
    "{% for i in range(3000) %}{% for j in range(3000) %}{% for k in range(3000) %}{% endfor %}{% endfor %}{% endfor %}",
    '{{ "%c" % 99999999 }}',
    "{{ range(10**9)|list }}",
    "{{ fig }}",
    '{{ "%s" % fig }}',
    '{{ "x" ~ fig }}',
    "{{ fig(1, 2) }}",
]


@pytest.mark.parametrize("template", BUDGET)
def test_no_arithmetic_gets_past_the_budget_and_the_message_is_chinese(tight, template):
    with pytest.raises(sandbox.RenderError) as caught:
        sandbox.render_bounded(template, tight, {"fig": lambda name: "1"})
    message = str(caught.value)
    assert "（提示：" in message
    for english in ("Range", "MAX_RANGE", "Exceeds", "digits", "<function", "positional", "arg not in"):
        assert english not in message, message


def test_a_page_within_budget_renders_as_before(tight):
    assert sandbox.render_bounded("{% for i in range(3) %}{{ i }}{% endfor %}", tight, {}) == "012"


def test_active_files_under_docs_are_refused_with_their_path(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "evil.html").write_text("<script>alert(1)</script>", encoding="utf-8")
    (docs / "bad.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', encoding="utf-8")
    (docs / "ok.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"><rect width="1"/></svg>', encoding="utf-8")
    problems = active_files(docs, tmp_path)
    assert problems[0].startswith("docs/bad.svg: 这个 SVG 图片含有事件属性 onload")
    assert problems[1].startswith("docs/evil.html: 不能发布 .html 文件")
    assert len(problems) == 2


def _config_findings(project: Path) -> list:
    return list(config_rule.check(Context(Project.load(project / "mkdocs.yml"), [], None)))


def test_the_shipped_template_passes_the_config_rule(tmp_path):
    project = make_project(tmp_path, "hardening")
    assert "!!python" not in (project / "mkdocs.yml").read_text(encoding="utf-8")
    assert _config_findings(project) == []


@pytest.mark.parametrize(
    "addition, message",
    [
        ("hooks:\n  - hooks/x.py\n", "hooks 让 MkDocs 在构建时运行"),
        ("site_description: !ENV [SECRET]\n", "“!ENV” 把构建机器的环境变量"),
        ("INHERIT: /etc/passwd\n", "继承的配置 INHERIT 指向项目以外"),
        ("site_dir: ../x\n", "网站输出目录 site_dir 指向项目以外"),
        ("theme:\n  name: material\n  custom_dir: /etc\n", "主题目录 theme.custom_dir 指向项目以外"),
        ("x: !!python/object/apply:os.system [id]\n", "在读取配置时执行 Python 代码"),
    ],
)
def test_configuration_that_runs_code_or_reaches_out_is_reported(tmp_path, addition, message):
    project = make_project(tmp_path, "hardening")
    text = (project / "mkdocs.yml").read_text(encoding="utf-8")
    if addition.startswith("theme:"):
        text = text.replace("theme:\n  name: material\n", "theme:\n  name: material\n  custom_dir: /etc\n")
    elif addition.startswith("site_dir"):
        text = text.replace("site_dir: site\n", addition)
    else:
        text += addition
    (project / "mkdocs.yml").write_text(text, encoding="utf-8")
    findings = _config_findings(project)
    assert any(message in f.message for f in findings), findings
    assert all(f.path == "mkdocs.yml" and f.line > 0 for f in findings)
