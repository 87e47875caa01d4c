"""Attacks a hostile but realistic user makes, each refused with file, line and hint, never a traceback.

Every case starts from the same small application, already built once, and
asserts the message and that site/ and dist/ are byte for byte as before.
"""

from __future__ import annotations

import codecs
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import ROOT, make_project, run_cli

ALIAS_BOMB = """
bomb:
  a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
  b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
  c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
  d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
  e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
  f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
  g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
  h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
  i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
"""
PAGE = "docs/index.md"
FIGURES = "data/figures.yml"
EXHIBITS = "data/exhibits.yml"


def snapshot(project: Path) -> dict[str, bytes]:
    return {
        p.relative_to(project).as_posix(): p.read_bytes()
        for part in ("site", "dist")
        for p in sorted((project / part).rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    project = make_project(tmp_path_factory.mktemp("hardening"), "hardening")
    result = run_cli(project, "build")
    assert result.returncode == 0, result.output
    return project


@pytest.fixture
def project(built, tmp_path) -> Path:
    """A copy of the built application, its last good output included."""
    copy = tmp_path / "project"
    shutil.copytree(built, copy, symlinks=True)
    return copy


# --- the attacks ------------------------------------------------------------------


def append(path: str, text: str) -> Callable[[Path], None]:
    def change(project: Path) -> None:
        with open(project / path, "a", encoding="utf-8") as file:
            file.write(text)

    return change


def replace(path: str, old: str, new: str) -> Callable[[Path], None]:
    def change(project: Path) -> None:
        target = project / path
        text = target.read_text(encoding="utf-8")
        assert old in text, f"{old!r} not in {path}"
        target.write_text(text.replace(old, new), encoding="utf-8")

    return change


def write(path: str, text: str) -> Callable[[Path], None]:
    def change(project: Path) -> None:
        (project / path).write_text(text, encoding="utf-8")

    return change


def encode(path: str, encoding: str) -> Callable[[Path], None]:
    """The file saved again as a Windows editor saves it ("ANSI" is GBK, "Unicode" is UTF-16)."""

    def change(project: Path) -> None:
        text = (project / path).read_text(encoding="utf-8")
        (project / path).write_bytes(text.encode(encoding))

    return change


def link_out(project: Path) -> None:
    (project / "docs" / "pw.txt").symlink_to("/etc/passwd")


# Each case: what the attacker does, what the build must say (every string, in order of the output).
ATTACKS = {
    # 1. pages that reach Python or the host
    "popen": (append(PAGE, '\n{{ lipsum.__globals__["os"].popen("id").read() }}\n'), ["docs/index.md:11: 页面不能使用 “lipsum”", "docs/index.md:11: 页面不能访问以下划线开头的属性 “__globals__”"]),
    "config": (append(PAGE, "\n{{ config }}\n"), ["docs/index.md:11: 页面不能使用 “config”：它会暴露构建环境或执行代码（提示："]),
    "environment": (append(PAGE, "\n{{ environment }}\n"), ["docs/index.md:11: 页面不能使用 “environment”"]),
    "dunder": (append(PAGE, '\n{{ "".__class__.__mro__ }}\n'), ["docs/index.md:11: 页面不能访问以下划线开头的属性 “__class__”"]),
    "self": (append(PAGE, "\n{{ self._TemplateReference__context }}\n"), ["docs/index.md:11: 页面不能使用 “self”"]),
    # 2. a YAML alias bomb, in either data file
    "alias-bomb-figures": (append(FIGURES, ALIAS_BOMB), ["data/figures.yml:10:10: 数据文件不支持 YAML 锚点和别名（&名称、*名称）（提示：把要重复的内容直接写出来）"]),
    "alias-exhibits": (append(EXHIBITS, "  again: &t {title: 又一表, rows: [population.total]}\n  more: *t\n"), ["data/exhibits.yml:8:9: 数据文件不支持 YAML 锚点和别名"]),
    # 3. files saved by a Windows editor
    "gbk-page": (encode(PAGE, "gbk"), ["docs/index.md:5: 文件不是 UTF-8 编码（看来是 GB18030（GBK））（提示：运行 make fix 转换为 UTF-8"]),
    "utf16-page": (encode(PAGE, "utf-16"), ["docs/index.md:1: 文件不是 UTF-8 编码（看来是 UTF-16）"]),
    "gbk-figures": (encode(FIGURES, "gbk"), ["data/figures.yml:3:1: 文件不是 UTF-8 编码（看来是 GB18030（GBK））"]),
    # 2. input too big to be a page or a data file
    "huge-page": (append(PAGE, "字" * 1_000_000), ["docs/index.md: 文件过大（2.9 MB，上限 2 MB）（提示：拆分为几个较小的文件）"]),
    "huge-figures": (append(FIGURES, "# 注释\n" * 1_000_000), ["data/figures.yml: 文件过大（8.6 MB，上限 8 MB）"]),
    # 5. wrong macro arguments and includes
    "fig-without-argument": (append(PAGE, "\n{{ fig() }}\n"), ["docs/index.md:11: fig 需要正好一个参数，这里给了 0 个（提示：写成 fig(…)，参数是数据项名称"]),
    "fig-two-arguments": (append(PAGE, '\n{{ fig("population.total", 2) }}\n'), ["docs/index.md:11: fig 需要正好一个参数，这里给了 2 个"]),
    "include-passwd": (append(PAGE, '\n{% include "/etc/passwd" %}\n'), ["docs/index.md:11: 不能引用 docs/ 以外的文件 “/etc/passwd”"]),
    "include-parent": (append(PAGE, '\n{% include "../mkdocs.yml" %}\n'), ["docs/index.md:11: 不能引用 docs/ 以外的文件 “../mkdocs.yml”"]),
    "include-missing": (append(PAGE, '\n{% include "nowhere.md" %}\n'), ["docs/index.md:11: 找不到被引用的文件 “nowhere.md”"]),
    "unknown-figure-at-render": (append(PAGE, '\n{% set name = "population.nobody" %}{{ fig(name) }}\n'), ["docs/index.md:11: 未知数据项 “population.nobody”"]),
    # 7. a link out of docs/
    "symlink-out": (link_out, ["docs/pw.txt: 符号链接指向 docs/ 以外（/etc/passwd），不会发布"]),
    # 8. nonsense values
    "negative-count": (replace(FIGURES, "value: 1271", "value: -1271"), ["data/figures.yml:6:", "population.births 的值 -1271 是负数"]),
    "nan": (replace(FIGURES, "value: 1271", "value: .nan"), ["data/figures.yml:6:", "数值 .nan 不是有限的数"]),
    "infinite": (replace(FIGURES, "value: 1271", "value: 1.0e+400"), ["数值 1.0e+400 不是有限的数"]),
    "exponent-as-text": (replace(FIGURES, "value: 1271", "value: 1e400"), ["data/figures.yml:6:", "“1e400” 是指数写法，YAML 会把它当作文字"]),
    "text-with-unit": (replace(FIGURES, "value: 1271", "value: 一千二"), ["population.births 的值 “一千二” 是文字，但它有单位"]),
    "unquoted-date": (append(FIGURES, "  since: {label: 开始日期, value: 2023-05-01}\n"), ["data/figures.yml:7:", '是日期', '日期请加引号，如 "2023-05-01"']),
    # 10. misleading messages
    "empty-figures": (write(FIGURES, "# 还没有数据\n"), ["data/figures.yml: 数据文件是空的"]),
    # exhibits.yml mistakes
    "exhibit-typo": (replace(EXHIBITS, "rows:", "row:"), ["data/exhibits.yml:3:5: tables indicators 缺少 rows"]),
    "exhibit-unknown-figure": (replace(EXHIBITS, "- population.births", "- population.birth"), ["data/exhibits.yml:6:9: 未知数据项 “population.birth”（提示：是否想用：population.births"]),
    "exhibit-not-a-name": (replace(EXHIBITS, "- population.births", "- births"), ["data/exhibits.yml:6:9: “births” 不是数据项名称"]),
}  # fmt: skip


@pytest.mark.parametrize("attack", ATTACKS)
def test_build_refuses_the_attack_and_keeps_the_last_output(project, attack):
    change, messages = ATTACKS[attack]
    before = snapshot(project)
    change(project)

    started = time.monotonic()
    result = run_cli(project, "build")

    assert time.monotonic() - started < 120, "bounded input: no minutes of work"
    assert result.returncode == 1, result.output
    for message in messages:
        assert message in result.stderr, result.stderr
    assert "Traceback" not in result.output
    assert snapshot(project) == before
    assert "uid=" not in result.output


# make check reads the same pages and data: each attack is reported there too, at its line.
CHECKED = [
    "popen",
    "config",
    "fig-without-argument",
    "include-passwd",
    "alias-bomb-figures",
    "gbk-page",
    "gbk-figures",
    "symlink-out",
    "negative-count",
    "exhibit-typo",
]


@pytest.mark.parametrize("attack", CHECKED)
def test_check_reports_the_attack(project, attack):
    change, messages = ATTACKS[attack]
    change(project)
    result = run_cli(project, "check")
    assert result.returncode == 1, result.output
    assert "Traceback" not in result.output
    first = messages[0].split(": ", 1)
    assert first[0].split(":")[0] in result.output  # the file …
    assert first[-1].split("（")[0] in result.output  # … and what is wrong with it


def test_make_fix_converts_a_gbk_page_keeping_a_backup(project):
    original = (project / PAGE).read_text(encoding="utf-8")
    encode(PAGE, "gbk")(project)

    fixed = run_cli(project, "check", "--fix")

    assert "docs/index.md: 已转换为 UTF-8，原文件备份在 .cache/encoding-backup/docs/index.md.gb18030" in fixed.stdout
    assert (project / PAGE).read_text(encoding="utf-8") == original
    assert (project / ".cache/encoding-backup/docs/index.md.gb18030").read_bytes() == original.encode("gbk")
    assert run_cli(project, "build").returncode == 0


def test_a_byte_order_mark_keeps_working(project):
    for path in (PAGE, FIGURES):
        text = (project / path).read_text(encoding="utf-8")
        (project / path).write_bytes(codecs.BOM_UTF8 + text.encode("utf-8"))
    result = run_cli(project, "build")
    assert result.returncode == 0, result.output


def _run_with(project: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "shenbao", *args],
        cwd=project,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1", **env},
        timeout=600,
    )


def test_a_build_without_git_says_it_has_no_revision_and_goes_on(project, tmp_path):
    empty = tmp_path / "no-programs"
    empty.mkdir()
    result = _run_with(project, {"PATH": str(empty)}, "build")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "无版本信息（找不到 git）" in (project / "site" / "index.html").read_text(encoding="utf-8")


def test_missing_pandoc_is_said_in_chinese_and_keeps_the_last_output(project):
    before = snapshot(project)
    result = _run_with(project, {"PYPANDOC_PANDOC": "/nonexistent/pandoc"}, "build")
    assert result.returncode == 1
    assert "DOCX 导出失败：找不到 pandoc" in result.stderr and "（提示：运行 make build 重新安装依赖" in result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert snapshot(project) == before


def test_failing_pandoc_is_said_in_chinese_with_its_own_words(project, tmp_path):
    fake = tmp_path / "pandoc"
    fake.write_text(
        '#!/bin/sh\nif [ "$1" = "--version" ] || [ "$1" = "-v" ]; then echo "pandoc 3.1.11"; exit 0; fi\n'
        'echo "simulated pandoc failure" >&2\nexit 3\n',
        encoding="utf-8",
    )
    fake.chmod(0o755)
    before = snapshot(project)
    result = _run_with(project, {"PYPANDOC_PANDOC": str(fake)}, "build")
    assert result.returncode == 1
    assert "DOCX 导出失败：pandoc " in result.stderr and "pandoc 的原话：" in result.stderr
    assert "simulated pandoc failure" in result.stderr
    assert snapshot(project) == before


def test_a_symlinked_file_is_not_published_even_by_check_fix(project):
    link_out(project)
    run_cli(project, "check", "--fix")
    assert (project / "docs" / "pw.txt").is_symlink()  # make fix does not rewrite what a link points at
    assert not (project / "site" / "pw.txt").exists()


# --- no command rots ----------------------------------------------------------------


@pytest.mark.slow
def test_make_bench_runs_at_a_tiny_size():
    result = subprocess.run(
        [
            "make",
            "--no-print-directory",
            "bench",
            "BENCH_ARGS=--pages 2 --runs 1 --photos 2 --photo-size 400x300 --serve-settle 0 --no-warmup",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "| 2 |" in result.stdout
    assert re.search(r"^\| 2 \| \d+\.\d \| .* \| \d+\.\d\d\d \|$", result.stdout, re.M), "the photo case"
    assert "2 photos of 400×300" in result.stdout
    assert re.search(r"^ratio serve/plain at 2 pages: \d+\.\d\d$", result.stdout, re.M), "the serve case"


# --- the pure functions behind the messages --------------------------------------------


def test_the_sandbox_refuses_what_the_static_check_might_miss(tmp_path):
    from shenbao.site import sandbox

    environment = sandbox.page_environment(tmp_path)
    for template in ('{{ "".__class__ }}', "{{ lipsum }}", "{{ cycler }}", "{{ range.__self__ }}", "{{ x._y }}"):
        with pytest.raises(sandbox.RenderError):
            sandbox.render_page(template, environment, {"x": object()})
    assert sandbox.render_page("{% for n in range(2) %}{{ n }}{% endfor %}", environment, {}) == "01"


@pytest.mark.parametrize(
    "template",
    ['{{ "a" * 1000000000 }}', '{{ 1000000000 * "a" }}', "{{ [1] * 10 ** 9 }}", "{{ 2 ** 100000000 }}"],
)
def test_the_sandbox_refuses_text_or_numbers_too_big_to_build(tmp_path, template):
    from shenbao.site import sandbox

    started = time.monotonic()
    with pytest.raises(sandbox.RenderError, match="过大") as raised:
        sandbox.render_page("一\n" + template, sandbox.page_environment(tmp_path), {})
    assert raised.value.line == 2 and "提示" in str(raised.value)
    assert time.monotonic() - started < 5
    assert sandbox.render_page('{{ "—" * 2 }}{{ 2 ** 10 }}', sandbox.page_environment(tmp_path), {}) == "——1024"


def test_a_page_that_includes_itself_is_told_so_at_its_line(tmp_path):
    from shenbao.site import sandbox

    (tmp_path / "loop.md").write_text('环\n{% include "loop.md" %}', encoding="utf-8")
    with pytest.raises(sandbox.RenderError, match="包含了它自己") as raised:
        sandbox.render_page('一\n{% include "loop.md" %}', sandbox.page_environment(tmp_path), {})
    assert raised.value.line == 2 and "删去造成循环的 include" in str(raised.value)


def test_an_include_through_a_link_out_of_docs_is_refused_while_rendering(tmp_path):
    from shenbao.site import sandbox

    (tmp_path / "inside.md").write_text("里面", encoding="utf-8")
    (tmp_path / "pw.txt").symlink_to("/etc/passwd")
    environment = sandbox.page_environment(tmp_path)
    assert sandbox.render_page('{% include "inside.md" %}', environment, {}) == "里面"
    with pytest.raises(sandbox.RenderError, match="docs/ 以外"):
        sandbox.render_page('{% include "pw.txt" %}', environment, {})


def test_render_errors_name_the_line_of_the_page(tmp_path):
    from shenbao.site import sandbox

    def fig(name):
        raise KeyError(f"未知数据项 “{name}”")

    with pytest.raises(sandbox.RenderError) as raised:
        sandbox.render_page("一\n二\n{{ fig('a.b') }}\n", sandbox.page_environment(tmp_path), {"fig": fig})
    assert raised.value.line == 3


@pytest.mark.parametrize(
    ("template", "rule", "line"),
    [
        ('\n{{ lipsum.__globals__["os"] }}', "template-unsafe", 2),
        ("{{ config.site_dir }}", "template-unsafe", 1),
        ("{{ page.file.abs_src_path }}", "template-unsafe", 1),
        ('{{ x["__class__"] }}', "template-unsafe", 1),
        ("{% include name %}", "template-unsafe", 1),
        ('\n\n{% import "/etc/passwd" as p %}', "template-unsafe", 3),
        ("{{ fig() }}", "macro-arguments", 1),
        ('{{ table("a", "b") }}', "macro-arguments", 1),
        ('{{ missing(text="缺") }}', "macro-arguments", 1),
    ],
)
def test_check_template_gives_each_unsafe_use_its_rule_and_line(template, rule, line):
    import jinja2

    from shenbao.site.template_calls import check_template

    known = {"fig", "table", "missing", "x", "name"}
    problems = check_template(template, jinja2.Environment(), ["a.b"], known, exhibit_names=["a"])
    assert {(p.rule, p.line) for p in problems} == {(rule, line)}


def test_a_simple_call_of_a_host_macro_is_unsafe_too():
    from shenbao.site.template_calls import check_calls, simple_calls

    calls = simple_calls('{{ fig("a.b") }}\n{{ config("site_dir") }}')
    problems = check_calls(calls, ["a.b"], {"fig", "config"})
    assert [(p.rule, p.line) for p in problems] == [("template-unsafe", 2)]


def test_an_unsafe_name_is_reported_once_not_also_as_undefined():
    import jinja2

    from shenbao.site.template_calls import check_template

    problems = check_template("{{ environment }}", jinja2.Environment(), [], {"fig"})
    assert [p.rule for p in problems] == ["template-unsafe"]


def test_encodings_are_told_apart():
    from shenbao.text.textfile import detect_encoding

    gbk = "申报材料，第一页。".encode("gbk")
    assert detect_encoding(gbk).name == "GB18030（GBK）" and detect_encoding(gbk).certain
    assert detect_encoding("申报".encode("utf-16")).name == "UTF-16"
    assert detect_encoding(bytes(range(0x80, 0x100))) is None
    assert not detect_encoding(b"abc" + bytes([0x81, 0x30, 0x81, 0x30]) + b"\x01").certain


def test_a_utf8_bom_is_read_and_a_big_file_is_refused(tmp_path):
    from shenbao.text.textfile import TextFileError, read_text

    page = tmp_path / "page.md"
    page.write_bytes(codecs.BOM_UTF8 + "正文".encode())
    assert read_text(page) == "正文"
    page.write_bytes(b"x" * 2048)
    with pytest.raises(TextFileError, match=r"文件过大（0.0 MB，上限 0 MB）"):
        read_text(page, limit=1024)


def test_make_fix_leaves_uncertain_files_alone(tmp_path):
    from shenbao.text.textfile import convert_to_utf8

    odd = tmp_path / "odd.md"
    odd.write_bytes(bytes(range(0x80, 0x100)))
    assert convert_to_utf8(odd, tmp_path / "backup") is None
    assert odd.read_bytes() == bytes(range(0x80, 0x100))


def test_an_alias_bomb_is_refused_at_once():
    from shenbao.project.datafile import DataFileError, parse_yaml

    started = time.monotonic()
    with pytest.raises(DataFileError, match="锚点和别名") as raised:
        parse_yaml(ALIAS_BOMB, "data/figures.yml")
    assert time.monotonic() - started < 1
    assert (raised.value.line, raised.value.column) == (4, 10)


@pytest.mark.parametrize("text", ["a: &x 1\nb: &x 2\n", "a: *nowhere\n"])
def test_a_duplicate_anchor_or_undefined_alias_is_an_alias_error_too(text):
    from shenbao.project.datafile import DataFileError, parse_yaml

    with pytest.raises(DataFileError, match="锚点和别名"):
        parse_yaml(text, "data/figures.yml")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a: .inf\n", "数值 .inf 不是有限的数"),
        ("a: -.inf\n", "数值 -.inf 不是有限的数"),
        ("a: 2e5\n", "“2e5” 是指数写法"),
        ("a: 1\na: 2\n", "重复的名称 “a”"),
    ],
)
def test_data_files_refuse_values_no_writer_means(text, message):
    from shenbao.project.datafile import DataFileError, parse_yaml

    with pytest.raises(DataFileError, match=message):
        parse_yaml(text, "data/x.yml")


def test_quoted_exponents_and_plain_numbers_stay_as_written():
    from shenbao.project.datafile import parse_yaml

    assert parse_yaml('a: "2e5"\nb: 2.5e+5\nc: 7\n')[0] == {"a": "2e5", "b": 250000.0, "c": 7}


def test_a_build_without_git_has_no_revision(tmp_path, monkeypatch):
    from shenbao.project.revision import NO_GIT, build_revision, page_dates

    monkeypatch.setenv("PATH", str(tmp_path))
    assert build_revision(tmp_path).label == NO_GIT
    assert page_dates(tmp_path) == {}


def test_the_editors_copy_of_the_figures_schema_is_the_package_copy():
    shipped = ROOT / "scripts" / "shenbao" / "project" / "schemas" / "figures.schema.json"
    assert (ROOT / "data" / "figures.schema.json").read_text(encoding="utf-8") == shipped.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ("categories: [一, 二]", "图 funding 的系列 “预算” 有 2 个数据项，但 categories 有 1 个"),
        ("figures: [a.n, a.t]", "图 funding 中的 “a.t” 是文字，图只能画数字"),
        ("title: ''", "charts funding：'' should be non-empty"),
    ],
)
def test_exhibit_mistakes_the_schema_cannot_see_are_located(tmp_path, change, message):
    from shenbao.project.datafile import DataFileError
    from shenbao.project.exhibits import load_exhibits
    from shenbao.project.figures import parse_figures

    book = parse_figures(
        "a:\n  n: {label: 数, unit: 人, value: 1}\n  m: {label: 数二, unit: 人, value: 2}\n  t: {label: 文, value: 文字}\n"
    )
    spec = {"categories: [一, 二]": "categories: [一]", "figures: [a.n, a.t]": "categories: [一, 二]"}.get(
        change, "categories: [一, 二]"
    )
    figures = "figures: [a.n, a.t]" if change == "figures: [a.n, a.t]" else "figures: [a.n, a.m]"
    title = "title: ''" if change == "title: ''" else "title: 经费"
    path = tmp_path / "exhibits.yml"
    path.write_text(
        f"charts:\n  funding:\n    {title}\n    {spec}\n    series:\n      - {{name: 预算, {figures}}}\n",
        encoding="utf-8",
    )
    with pytest.raises(DataFileError, match=message) as raised:
        load_exhibits(path, book, "data/exhibits.yml")
    assert raised.value.line > 0


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_the_figures_of_a_page_that_does_not_parse_are_still_known():
    from shenbao.site.template_calls import figure_names_in_text

    page = "{{ fig(\"a.b\") }}，{{ fig( 'c.d' ) }}{% if %}\n{{ fig(name) }}"
    assert figure_names_in_text(page) == {"a.b", "c.d"}


@pytest.mark.parametrize(
    "odd", ["\x07", "\x1b", "\ue000", "\uf8ff"], ids=["bell", "escape", "private-use", "last-private"]
)
def test_make_fix_leaves_a_gbk_guess_with_control_or_private_use_characters_alone(tmp_path, odd):
    from shenbao.text.textfile import convert_to_utf8, detect_encoding

    data = f"基本情况{odd}全市总人口".encode("gb18030")
    page = tmp_path / "page.md"
    page.write_bytes(data)
    assert detect_encoding(data).certain is False
    assert convert_to_utf8(page, tmp_path / "backup") is None
    assert page.read_bytes() == data
    assert not (tmp_path / "backup").exists()
