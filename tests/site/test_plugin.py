"""The plugin and the project object: what a unit that installs the tool relies on."""

import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.request
import venv
import zipfile
from pathlib import Path

import pytest

from conftest import ROOT, make_project, run_cli
from shenbao.project.project import Project, ProjectError


def test_project_loads_settings_and_data_without_mkdocs(tmp_path):
    project = Project.load(make_project(tmp_path, "draft") / "mkdocs.yml")
    assert project.figures.get_figure("services.stations").as_text() == "286个"
    assert set(project.exhibits.tables) == {"indicators"}
    assert project.nav is None, "a fixture has no nav: pages come in file order"
    assert project.page_paths()[:2] == ["a-jiben.md", "b-zuofa.md"]
    assert project.options.mode == "draft"


def test_project_errors_name_the_file_and_line(tmp_path):
    root = make_project(tmp_path, "draft")
    (root / "data" / "figures.yml").write_text("county:\n  towns: {label: 乡镇数, value: [\n", encoding="utf-8")
    with pytest.raises(ProjectError, match=r"^data/figures.yml:\d+:\d+: YAML 格式错误"):
        Project.load(root / "mkdocs.yml")


def test_plugin_options_are_validated(tmp_path):
    root = make_project(tmp_path, "draft")
    config = root / "mkdocs.yml"
    config.write_text(
        config.read_text(encoding="utf-8").replace("  - shenbao ", "  - shenbao: {mode: finall} "), "utf-8"
    )
    with pytest.raises(ProjectError, match="mode"):
        Project.load(config)
    result = run_cli(root, "build")
    assert result.returncode == 1 and "mode" in result.stderr and "Traceback" not in result.output


@pytest.mark.parametrize(
    ("setting", "expected"),
    [
        ("{mode: finall}", "plugins.shenbao.mode: 无法识别 “finall”（提示：可用：draft、final）"),
        ("{moode: final}", "plugins.shenbao.moode: 没有名为 “moode” 的选项（提示：可用：mode、"),
        ("{layout: [1, 2]}", "plugins.shenbao.layout: 应为一组“名称: 值”，而不是列表"),
    ],
)
def test_a_wrong_plugin_option_is_named_in_chinese_at_its_line(tmp_path, setting, expected):
    root = make_project(tmp_path, "draft")
    config = root / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("  - shenbao ", f"  - shenbao: {setting} "), "utf-8")
    line = next(i for i, row in enumerate(config.read_text(encoding="utf-8").split("\n"), 1) if setting in row)
    result = run_cli(root, "build")
    assert result.returncode == 1 and "Traceback" not in result.output
    assert f"mkdocs.yml:{line}: {expected}" in result.stderr
    assert "Config value" not in result.stderr and "Expected" not in result.stderr
    if "moode" not in setting:  # an unknown name is MkDocs' warning; check reads only the options it knows
        checked = run_cli(root, "check")
        assert checked.returncode == 1 and f"mkdocs.yml:{line}:1: data: {expected.split('（')[0]}" in checked.stdout


def test_a_missing_macros_plugin_is_explained(tmp_path):
    root = make_project(tmp_path, "draft")
    config = root / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    config.write_text(
        text.replace("  - macros:\n      modules: [shenbao.macros]\n", "  - macros:\n      modules: []\n"), "utf-8"
    )
    result = run_cli(root, "build")
    assert result.returncode == 1
    assert "没有加载 shenbao.macros" in result.stderr


def test_shenbao_after_macros_is_told_to_move_not_to_be_added(tmp_path):
    root = make_project(tmp_path, "draft")
    config = root / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    entry = next(row for row in text.split("\n") if row.startswith("  - shenbao"))
    text = text.replace(entry + "\n", "").replace(
        "      on_error_fail: true\n", "      on_error_fail: true\n  - shenbao\n"
    )
    config.write_text(text, "utf-8")
    result = run_cli(root, "build")
    assert result.returncode == 1 and "Traceback" not in result.output
    assert "shenbao 应写在 macros 之前" in result.stderr and "缺少 shenbao" not in result.stderr


def test_two_builds_in_one_serve_process_share_no_state(tmp_path, monkeypatch):
    """As `mkdocs serve` does: one plugin instance, a fresh config and build for every edit."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    root = make_project(tmp_path, "draft")
    site = tmp_path / "served"

    def serve_build():
        config = load_config(str(root / "mkdocs.yml"), site_dir=str(site))
        return config

    first = serve_build()
    first.plugins.on_startup(command="serve", dirty=False)
    plugin = first.plugins["shenbao"]
    site_written_first = []
    start_export = plugin._start_export

    def recording(*args):
        site_written_first.append((site / "a-jiben.html").exists())
        start_export(*args)

    # on the instance, which MkDocs keeps for the rest of the process: monkeypatch takes it off again
    monkeypatch.setattr(plugin, "_start_export", recording)
    try:
        build(first)
        first_export = plugin._export  # under serve nobody waits for it: the reload does not
        assert first_export is not None
        assert site_written_first == [True], "under serve the export starts once the site is written"
        pages = len(plugin.document.pages)
        figures = root / "data" / "figures.yml"
        figures.write_text(figures.read_text(encoding="utf-8").replace("value: 286}", "value: 300}"), "utf-8")
        second = serve_build()
        assert second.plugins["shenbao"] is plugin, "MkDocs keeps a plugin with on_startup for the whole process"
        build(second)
        assert plugin._export is not first_export and not first_export.process.is_alive(), "superseded, ended"
        assert len(plugin.document.pages) == pages, "the second build starts from an empty document"
        assert plugin.project.figures.get_figure("services.stations").value == 300
        html = (site / "a-jiben.html").read_text(encoding="utf-8")
        assert "300个" in html and "286个" not in html
        assert "二、主要做法" in (site / "b-zuofa.html").read_text(encoding="utf-8"), "numbering restarts"
        # under serve the DOCX follows the reload, written by the export process when pandoc is done
        deadline = time.time() + 120
        while not list((site / "downloads").glob("*.docx")) and time.time() < deadline:
            time.sleep(0.2)
        docx = next((site / "downloads").glob("*.docx"))
        time.sleep(0.5)  # the file appears by rename, complete
        with zipfile.ZipFile(docx) as archive:
            assert "300个" in archive.read("word/document.xml").decode("utf-8")
    finally:
        first.plugins.on_shutdown()


def test_a_build_starts_the_export_once_the_last_page_is_read_not_after_the_review_page(tmp_path, monkeypatch):
    """The review page waits for the checks; the DOCX does not need it, so its export is already running."""
    from mkdocs.commands.build import build

    from shenbao.site import readiness

    root = make_project(tmp_path, "draft")
    order = []
    status = readiness.PendingChecks.status
    monkeypatch.setattr(readiness.PendingChecks, "status", lambda self: order.append("checks") or status(self))
    config = load_config_at(root, tmp_path / "built")
    plugin = config.plugins["shenbao"]  # MkDocs keeps one instance per process: patched on it, as the build calls it
    start_export = plugin._start_export

    def recording(document, *args):
        order.append(("export", sorted(page.src_uri for page in document.docx_pages())))
        start_export(document, *args)

    monkeypatch.setattr(plugin, "_start_export", recording)
    config.plugins.on_startup(command="build", dirty=False)
    try:
        build(config)
    finally:
        config.plugins.on_shutdown()
    pages = sorted(p.relative_to(root / "docs").as_posix() for p in (root / "docs").rglob("*.md"))
    assert order == [("export", pages), "checks"], "every page of the DOCX is in it, and it waits for no check"
    with zipfile.ZipFile(next((tmp_path / "built" / "downloads").glob("*.docx"))) as archive:
        assert "主要做法" in archive.read("word/document.xml").decode("utf-8")


def load_config_at(root: Path, site: Path):
    from mkdocs.config import load_config

    return load_config(str(root / "mkdocs.yml"), site_dir=str(site))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.read().decode("utf-8")


@pytest.mark.slow
def test_serve_starts_serves_rebuilds_on_a_data_edit_and_stops(tmp_path):
    root = make_project(tmp_path, "draft")
    port = _free_port()
    url = f"http://127.0.0.1:{port}/a-jiben.html"
    process = subprocess.Popen(
        [sys.executable, "-m", "shenbao", "serve", "-a", f"127.0.0.1:{port}"],
        cwd=root,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    figures = root / "data" / "figures.yml"
    lines: list[str] = []
    given_up = threading.Event()  # serve has said the site was not rebuilt

    def read_stderr():
        for line in process.stderr:
            lines.append(line)
            if "网站没有重建" in line:
                given_up.set()

    reader = threading.Thread(target=read_stderr, daemon=True)
    reader.start()
    try:
        html = _poll(url, lambda text: "286个" in text)
        assert "286个" in html
        figures.write_text(figures.read_text(encoding="utf-8").replace("value: 286}", "value: 301}"), "utf-8")
        assert "301个" in _poll(url, lambda text: "301个" in text)
        figures.write_text(figures.read_text(encoding="utf-8") + "broken: [\n", "utf-8")
        given_up.wait(60)
        time.sleep(0.5)  # whatever serve would say after it, a traceback included
    finally:
        process.terminate()
        process.wait(timeout=30)
        reader.join(timeout=30)
    said = "".join(lines)
    assert "data/figures.yml:" in said and "YAML 格式错误" in said and "（提示：" in said, said
    assert "网站没有重建" in said and "[macros]" not in said and "Traceback" not in said, said


def _poll(url: str, ready, seconds: float = 90) -> str:
    deadline = time.time() + seconds
    text = ""
    while time.time() < deadline:
        try:
            text = _get(url)
            if ready(text):
                return text
        except OSError:
            pass
        time.sleep(0.3)
    return text


@pytest.mark.slow
def test_a_wheel_installed_elsewhere_starts_builds_and_checks_an_application(tmp_path):
    """`pip wheel .` into a fresh virtual environment, the repository nowhere on the path."""
    wheels, source = tmp_path / "wheels", tmp_path / "source"
    # a copy of the package's sources: building writes build/ beside them, never into the repository
    shutil.copytree(ROOT / "scripts", source / "scripts", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels), str(source)],
        check=True,
        capture_output=True,
    )
    wheel = next(wheels.glob("shenbao-*.whl"))
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
    assert "shenbao/project/schemas/figures.schema.json" in names
    assert "shenbao/site/theme/main.html" in names
    assert "shenbao/project/templates/new/mkdocs.yml" in names
    assert "shenbao/docx/pandoc/official.lua" in names
    env_dir = tmp_path / "env"
    venv.EnvBuilder(with_pip=False).create(env_dir)  # our pip installs into it (--python): no second pip to set up
    python = env_dir / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "-q", "--no-deps", "--no-index", str(wheel)],
        check=True,
    )
    # the dependencies come from this environment's site-packages, read as a plain path:
    # its .pth files (the editable install of the repository) are not run from there
    site_packages = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], capture_output=True, text=True
    ).stdout.strip()
    ours = [p for p in sys.path if p.endswith("site-packages") and Path(p).is_dir()]
    Path(site_packages, "dependencies.pth").write_text("\n".join(ours) + "\n", encoding="utf-8")
    work = tmp_path / "elsewhere"
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["NO_MKDOCS_2_WARNING"] = "1"
    where = subprocess.run(
        [python, "-c", "import shenbao; print(shenbao.__file__)"], cwd=work, env=env, capture_output=True, text=True
    )
    assert where.stdout.startswith(str(env_dir)), where.stdout + where.stderr
    shenbao = env_dir / ("Scripts/shenbao.exe" if os.name == "nt" else "bin/shenbao")
    for args, cwd in ((["new", "x"], work), (["build"], work / "x"), (["check"], work / "x")):
        result = subprocess.run([shenbao, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=600)
        assert result.returncode == 0, f"shenbao {' '.join(args)}:\n{result.stdout}{result.stderr}"
    assert list((work / "x" / "dist").glob("*.docx"))
    assert (work / "x" / "site" / "index.html").exists()


def test_new_refuses_a_folder_that_has_files(tmp_path):
    (tmp_path / "x").mkdir()
    (tmp_path / "x" / "notes.txt").write_text("mine", encoding="utf-8")
    result = run_cli(tmp_path, "new", "x")
    assert result.returncode == 1 and "Traceback" not in result.output
    assert result.stderr.startswith("错误：") and "已存在且不为空" in result.stderr
    assert (tmp_path / "x" / "notes.txt").read_text(encoding="utf-8") == "mine"


def test_new_application_builds_checks_and_has_its_publishing_files(tmp_path):
    result = run_cli(tmp_path, "new", "app", "--title", "某县某项工作申报材料")
    assert result.returncode == 0, result.output
    app = tmp_path / "app"
    for name in (".gitignore", ".gitlab-ci.yml", ".github/workflows/publish.yml", "README.md", "data/terms.yml"):
        assert (app / name).exists(), name
    assert run_cli(app, "check").returncode == 0
    built = run_cli(app, "build")
    assert built.returncode == 0, built.output
    assert built.docx().name == "某县某项工作申报材料（草稿）.docx"
    assert "【待填：全市总人口】" in (app / "site" / "jiben-qingkuang.html").read_text(encoding="utf-8")


def test_a_title_with_a_slash_names_the_docx_not_a_folder(tmp_path):
    result = run_cli(tmp_path, "new", "app", "--title", "2023/2024年度某县申报材料")
    assert result.returncode == 0, result.output
    built = run_cli(tmp_path / "app", "build")
    assert built.returncode == 0, built.output
    assert built.docx().name == "2023／2024年度某县申报材料（草稿）.docx"


def test_a_missing_special_name_is_said_by_the_build_and_by_check(tmp_path):
    root = make_project(tmp_path, "draft")
    figures = root / "data" / "figures.yml"
    figures.write_text(figures.read_text(encoding="utf-8").replace("application:", "app:"), encoding="utf-8")
    for page in (root / "docs").glob("*.md"):
        text = page.read_text(encoding="utf-8").replace('"application.', '"app.')
        page.write_text(text.replace("{{ signature() }}", ""), encoding="utf-8")  # it needs the special names
    built = run_cli(root, "build")
    assert built.returncode == 0, built.output
    assert "警告：data/figures.yml: 缺少特殊数据项 application.title" in built.stderr
    checked = run_cli(root, "check")
    assert "special-name: 警告：缺少特殊数据项 application.title" in checked.stdout
    assert "special-name: 警告：缺少特殊数据项 application.applicant" in checked.stdout


def test_signature_without_its_special_names_says_which_is_missing(tmp_path):
    root = make_project(tmp_path, "draft")
    figures = root / "data" / "figures.yml"
    figures.write_text(figures.read_text(encoding="utf-8").replace("  date: ", "  day: "), encoding="utf-8")
    index = root / "docs" / "index.md"
    index.write_text(index.read_text(encoding="utf-8").replace("application.date", "application.day"), "utf-8")
    built = run_cli(root, "build")
    assert built.returncode == 1
    assert "signature() 用到的特殊数据项 “application.date” 不存在" in built.stderr
    assert "Traceback" not in built.output


def test_a_new_environment_takes_the_compiled_theme_and_a_changed_template_is_compiled_again(tmp_path):
    """MkDocs makes a Jinja environment per build; the theme's compiled code outlives it, checked by source."""
    import jinja2

    from shenbao.site.theme_cache import InMemoryBytecodeCache

    (tmp_path / "page.html").write_text("<p>{{ title }}</p>", encoding="utf-8")
    cache = InMemoryBytecodeCache()
    compiled = []

    def environment():
        env = jinja2.Environment(loader=jinja2.FileSystemLoader(tmp_path), bytecode_cache=cache)
        compile_ = env.compile
        env.compile = lambda *args, **kwargs: compiled.append(args[1]) or compile_(*args, **kwargs)
        return env

    assert environment().get_template("page.html").render(title="一") == "<p>一</p>"
    assert environment().get_template("page.html").render(title="二") == "<p>二</p>"
    assert compiled == ["page.html"], "the second build compiled nothing"
    (tmp_path / "page.html").write_text("<h1>{{ title }}</h1>", encoding="utf-8")
    assert environment().get_template("page.html").render(title="三") == "<h1>三</h1>"
    assert compiled == ["page.html", "page.html"], "a changed source is never served stale"
