"""Every Makefile target, run on a small application as a writer runs it: no command rots.

The Makefile wraps `shenbao` subcommands; `CONFIG=` points it at any application.
"""

import os
import shutil
import socket
import subprocess
import time
import urllib.request

import pytest

from conftest import ROOT, make_project

MAKE = shutil.which("make")
pytestmark = pytest.mark.skipif(MAKE is None, reason="make is not installed")


def make(*args: str, timeout: int = 600) -> subprocess.CompletedProcess:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.run(
        [MAKE, "--no-print-directory", "-C", str(ROOT), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
    )


@pytest.fixture
def project(tmp_path):
    return make_project(tmp_path, "complete")


@pytest.mark.slow
@pytest.mark.render  # a final build: LibreOffice gives the 目录 its page numbers
def test_make_build_and_make_final(project):
    config = f"CONFIG={project / 'mkdocs.yml'}"
    built = make("build", config)
    assert built.returncode == 0, built.stdout + built.stderr
    assert "DOCX：dist/样例市计划生育优质服务先进申报（草稿）.docx" in built.stdout
    final = make("final", config)
    assert final.returncode == 0, final.stdout + final.stderr
    assert (project / "dist" / "样例市计划生育优质服务先进申报.docx").exists()


def test_make_check_and_make_fix(project):
    config = f"CONFIG={project / 'mkdocs.yml'}"
    page = project / "docs" / "a-basics.md"
    page.write_text(page.read_text(encoding="utf-8") + "\n规划生育工作,常抓不懈。\n", encoding="utf-8")
    checked = make("check", config)
    assert checked.returncode != 0
    assert "docs/a-basics.md:" in checked.stdout
    fixed = make("fix", config)
    assert "规划生育" not in page.read_text(encoding="utf-8")
    assert "计划生育工作，常抓不懈。" in page.read_text(encoding="utf-8"), fixed.stdout
    assert make("check", config).returncode == 0


def test_make_new_writes_an_application_that_builds(tmp_path):
    target = tmp_path / "new-app"
    made = make("new", f"DIR={target}", "TITLE=某县某项工作申报材料")
    assert made.returncode == 0, made.stdout + made.stderr
    assert (target / "mkdocs.yml").exists()
    built = make("build", f"CONFIG={target / 'mkdocs.yml'}")
    assert built.returncode == 0, built.stdout + built.stderr
    assert (target / "dist" / "某县某项工作申报材料（草稿）.docx").exists()
    usage = make("new")
    assert usage.returncode != 0 and "make new DIR=" in usage.stdout


def test_make_reference_writes_the_reference_documents(tmp_path):
    out = tmp_path / "not-yet"  # as dist/ on a clean clone: the folder does not exist yet
    made = make("reference", f"REFERENCE_DIR={out}")
    assert made.returncode == 0, made.stdout + made.stderr
    for name in ("reference.docx", "reference-draft.docx"):
        assert (out / name).stat().st_size > 1000


def test_make_serve_serves_the_site_and_stops(project):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    process = subprocess.Popen(
        [MAKE, "-C", str(ROOT), "serve", f"CONFIG={project / 'mkdocs.yml'}", f"SERVE_ADDR=127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        html, deadline = "", time.time() + 90
        while time.time() < deadline and "样例市" not in html:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/index.html", timeout=5) as response:
                    html = response.read().decode("utf-8")
            except OSError:
                time.sleep(0.3)
        assert "样例市" in html
    finally:
        os.killpg(process.pid, 15)
        process.wait(timeout=30)


def test_a_missing_renderer_says_what_to_install_on_each_system(monkeypatch):
    from shenbao.docx import render

    monkeypatch.setattr(render.shutil, "which", lambda program: None)
    monkeypatch.setattr(render, "_KNOWN_PLACES", {})
    with pytest.raises(render.LibreOfficeError) as error:
        render.docx_to_pdf(ROOT / "x.docx", ROOT)
    message = str(error.value)
    assert "找不到 LibreOffice" in message
    assert "apt-get install libreoffice-writer-nogui" in message and "Windows" in message and "brew" in message
