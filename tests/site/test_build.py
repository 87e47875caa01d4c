"""Building small fixture sites exactly as a writer does, broken ones included."""

import json
import os
import subprocess
import sys
import time
import zipfile

import pytest

from conftest import build, make_project, run_cli


@pytest.mark.parametrize(
    ("fixture", "messages"),
    [
        ("unknown-figure", ["docs/index.md:9: 未知数据项 “population.birth”（提示：是否想用：population.births）"]),
        ("broken-yaml", ["data/figures.yml:3:", "YAML 格式错误"]),
        ("syntax-error", ["docs/index.md:5: 模板语法错误"]),
        ("missing-data", ["figures.yml: 找不到数据文件"]),
        ("dead-link", ["docs/index.md:3:3: link: 链接目标 “work.md” 不存在"]),
        ("missing-image", ["docs/index.md:5:1: image: 图片 “img/photo.png” 不存在（提示：应在 docs/img/photo.png）"]),
    ],
)
def test_bad_input_fails_with_file_line_and_hint_and_no_traceback(tmp_path, fixture, messages):
    result = build(tmp_path, fixture)
    assert result.returncode == 1
    for message in messages:
        assert message in result.stderr
    assert "Traceback" not in result.output


def test_text_figures_cannot_inject_html(tmp_path):
    result = build(tmp_path, "html-injection")
    assert result.returncode == 0, result.output
    html = (result.site / "index.html").read_text(encoding="utf-8")
    assert "<script>window.injected" not in html
    assert "&lt;script&gt;window.injected = 1&lt;/script&gt;*样例*" in html


def test_a_failed_build_leaves_the_previous_output_untouched(tmp_path):
    project = make_project(tmp_path, "unknown-figure")
    page = project / "docs" / "index.md"
    broken = page.read_text(encoding="utf-8")
    page.write_text(broken.replace('fig("population.birth")', 'fig("population.births")'), encoding="utf-8")
    assert run_cli(project, "build").returncode == 0
    site_before = {p: p.read_bytes() for p in (project / "site").rglob("*") if p.is_file()}
    docx_before = {p: p.read_bytes() for p in (project / "dist").glob("*")}

    page.write_text(broken, encoding="utf-8")
    failed = run_cli(project, "build")

    assert failed.returncode == 1
    assert "上次成功构建的 site/ 和 dist/ 保持不变" in failed.stderr
    assert {p: p.read_bytes() for p in (project / "site").rglob("*") if p.is_file()} == site_before
    assert {p: p.read_bytes() for p in (project / "dist").glob("*")} == docx_before
    assert not list(project.glob(".site-*")), "scratch folders are cleaned up"


def test_search_index_segments_chinese_words(sample):
    index = json.loads((sample.site / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert "\\u200b" in index["config"]["separator"]
    text = " ".join(doc["text"] for doc in index["docs"])
    # jieba splits sentences into words, marked by zero-width spaces in the index
    assert "\u200b覆盖率\u200b" in text or "\u200b设施\u200b覆盖率" in text
    assert "\u200b健身\u200b" in text


def test_final_build_refuses_and_lists_every_open_item(sample, tmp_path):
    project = make_project(tmp_path, "draft")
    assert run_cli(project, "build").returncode == 0
    draft = next((project / "dist").glob("*.docx"))
    draft_before = draft.read_bytes()
    result = run_cli(project, "final")
    assert result.returncode == 1
    assert "终稿尚不能生成：3 项数据待填，1 处原文缺失。" in result.stderr
    assert "county.population  【待填：全县常住人口】  见 docs/a-jiben.md" in result.stderr
    assert "application.date  【待填：申报日期】  见 docs/index.md" in result.stderr
    assert (
        "【原文缺失：服务保障部分其余段落】" in result.stderr
        or "服务保障部分其余段落  见 docs/b-zuofa.md" in result.stderr
    )
    assert sorted(p.name for p in (project / "dist").glob("*.docx")) == [draft.name]
    assert draft.read_bytes() == draft_before


def test_pages_show_when_they_last_changed_in_git(tmp_path):
    project = make_project(tmp_path, "complete")
    git = ["git", "-C", str(project), "-c", "user.name=t", "-c", "user.email=t@example.invalid"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "docs", "data", "mkdocs.yml"], check=True)
    subprocess.run(
        [*git, "commit", "-q", "-m", "pages", "--date", "2024-05-08T10:00:00"],
        check=True,
        env={**os.environ, "GIT_COMMITTER_DATE": "2024-05-08T10:00:00"},
    )
    result = run_cli(project, "build")
    assert result.returncode == 0, result.output
    html = (result.site / "a-basics.html").read_text(encoding="utf-8")
    assert "本页最后修改：2024-05-08" in html
    commit = subprocess.run([*git, "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    assert f"构建版本：{commit}" in html


@pytest.mark.slow
def test_a_killed_build_never_leaves_a_broken_file(tmp_path):
    """Killed at any moment, the build leaves the old DOCX or the new one, each complete."""
    project = make_project(tmp_path, "complete")
    assert run_cli(project, "build").returncode == 0
    docx = next((project / "dist").glob("*.docx"))
    old = docx.read_bytes()
    figures = project / "data" / "figures.yml"
    figures.write_text(figures.read_text(encoding="utf-8").replace("value: 1271}", "value: 1272}"), encoding="utf-8")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    for delay in (0.4, 1.0, 1.7, 2.5):  # starting, the site, the export, publishing (a build takes about 3 s)
        process = subprocess.Popen([sys.executable, "-m", "shenbao", "build"], cwd=project, env=env)
        time.sleep(delay)
        process.kill()
        process.wait()
        visible = [p.name for p in (project / "dist").iterdir() if not p.name.startswith(".")]
        assert visible == [docx.name]
        data = docx.read_bytes()
        if data != old:
            with zipfile.ZipFile(docx) as archive:
                assert archive.testzip() is None and "1272" in archive.read("word/document.xml").decode()
    result = run_cli(project, "build")  # and the next build mends whatever the last kill interrupted
    assert result.returncode == 0, result.output
    assert (project / "site" / "index.html").exists()
    assert not list(project.glob(".site.old"))


def test_the_next_build_puts_back_a_site_set_aside_by_a_killed_one(tmp_path):
    from shenbao.site.outputs import recover_dir

    (tmp_path / ".site.old").mkdir()
    (tmp_path / ".site.old" / "index.html").write_text("old", encoding="utf-8")
    recover_dir(tmp_path / "site")
    assert (tmp_path / "site" / "index.html").read_text(encoding="utf-8") == "old"


def test_a_good_build_says_nothing_but_where_its_outputs_are(sample):
    assert sample.stderr == ""
    assert sample.stdout.splitlines() == [
        "网站：site/index.html",
        "DOCX：dist/样例县全民健身示范县申报材料（草稿）.docx（0.0 MB / 20 MB）",
    ]


def test_a_single_attachment_is_labelled_without_a_number_on_the_site(sample):
    html = (sample.site / "d-fujian.html").read_text(encoding="utf-8")
    assert '<p class="attachment-label">附件</p>' in html
    assert "\ue020" not in html and "\ue021" not in html


def test_a_page_left_out_of_nav_and_a_nav_entry_without_a_page_are_located(tmp_path):
    project = make_project(tmp_path, "draft")
    config = project / "mkdocs.yml"
    nav = "nav:\n  - index.md\n  - a-jiben.md\n  - b-zuofa.md\n  - c-chengxiao.md\n  - gone.md\n"
    config.write_text(nav + config.read_text(encoding="utf-8"), encoding="utf-8")
    expected = [
        "docs/d-fujian.md:1:1: nav: 页面不在 mkdocs.yml 的 nav 中",
        "mkdocs.yml:6:1: nav: nav 中的 “gone.md” 在 docs/ 中不存在（提示：改正文件名，或从 nav 中删去这一行）",
    ]
    built = run_cli(project, "build")
    assert built.returncode == 1 and "Traceback" not in built.output
    assert all(line in built.stderr for line in expected), built.stderr
    checked = run_cli(project, "check", "--select", "nav")
    assert checked.returncode == 1 and all(line in checked.stdout for line in expected), checked.output


def test_a_mkdocs_yml_that_is_not_yaml_is_named_at_its_line(tmp_path):
    project = make_project(tmp_path, "draft")
    config = project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + "nav: [\n", encoding="utf-8")
    lines = config.read_text(encoding="utf-8").count("\n")
    result = run_cli(project, "build")
    assert result.returncode == 1 and "Traceback" not in result.output
    assert f"错误：mkdocs.yml:{lines + 1}:1: YAML 格式错误：" in result.stderr
    assert "（提示：" in result.stderr and "MkDocs encountered" not in result.stderr
    assert "上次成功构建的 site/ 和 dist/ 保持不变" in result.stderr


@pytest.mark.parametrize("command", ["build", "final", "serve"])
def test_outside_a_project_the_commands_say_where_to_run(tmp_path, command):
    result = run_cli(tmp_path, command)
    assert result.returncode == 1 and "Traceback" not in result.output
    assert "错误：mkdocs.yml: 找不到项目配置文件（提示：在项目根目录下运行，或用 -f 指定 mkdocs.yml）" in result.stderr
    assert "does not exist" not in result.stderr and "保持不变" not in result.stderr


def test_front_matter_that_is_not_yaml_is_named_at_its_page_and_line(tmp_path):
    project = make_project(tmp_path, "draft")
    page = project / "docs" / "b-zuofa.md"
    page.write_text("---\nkind: [附件\n---\n" + page.read_text(encoding="utf-8"), encoding="utf-8")
    built = run_cli(project, "build")
    assert built.returncode == 1 and "Traceback" not in built.output
    assert "docs/b-zuofa.md:3: 页面开头的 front matter 不是有效的 YAML：" in built.stderr
    assert "（提示：检查缩进" in built.stderr and "pandoc" not in built.stderr
    checked = run_cli(project, "check", "--select", "template")
    assert "docs/b-zuofa.md:3:1: template: 页面开头的 front matter 不是有效的 YAML" in checked.stdout


def test_an_image_from_the_web_stops_the_build_before_anything_is_fetched(tmp_path):
    project = make_project(tmp_path, "draft")
    page = project / "docs" / "b-zuofa.md"
    lines = page.read_text(encoding="utf-8").count("\n")
    page.write_text(page.read_text(encoding="utf-8") + "![图](http://127.0.0.1:9/x.png)\n", encoding="utf-8")
    built = run_cli(project, "build")
    assert built.returncode == 1 and "Traceback" not in built.output
    assert f"docs/b-zuofa.md:{lines + 1}: 图片 “http://127.0.0.1:9/x.png” 来自外部网站" in built.stderr
    assert "Could not fetch" not in built.stderr and not (project / "dist").exists()


def test_a_script_in_a_page_stops_the_build_at_its_line(tmp_path):
    project = make_project(tmp_path, "draft")
    page = project / "docs" / "b-zuofa.md"
    lines = page.read_text(encoding="utf-8").count("\n")
    page.write_text(page.read_text(encoding="utf-8") + "<script>fetch('/x')</script>\n", encoding="utf-8")
    built = run_cli(project, "build")
    assert built.returncode == 1 and "Traceback" not in built.output
    assert f"docs/b-zuofa.md:{lines + 1}: 页面中的 HTML “<script” 会在读者的浏览器中执行代码" in built.stderr
    assert not (project / "site").exists()
