"""版面预览 under serve: page images re-rendered in the background after an edit."""

from __future__ import annotations

import hashlib
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request

import docx
import pytest
from test_browser import CHROMIUM, CHROMIUM_ARGS

from conftest import make_project
from shenbao.docx import render
from shenbao.site import layout_preview

NEW_TEXT = "新增一段话，用来检验版面预览会随修改而更新。"


def fetch(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read()


def wait_for(condition, timeout: float, what: str):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            if found := condition():
                return found
        except OSError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture
def served(tmp_path):
    project = make_project(tmp_path, "complete")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    process = subprocess.Popen(
        [sys.executable, "-m", "shenbao", "serve", "-a", f"127.0.0.1:{port}"],
        cwd=project,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}/"
    try:
        wait_for(lambda: fetch(base + "layout-preview.html"), 120, "serve")
        yield project, base
    finally:
        os.killpg(process.pid, 15)
        process.wait(timeout=30)


def image_hashes(page) -> list[str]:
    sources = page.eval_on_selector_all(".layout-preview img", "images => images.map(i => i.src)")
    return [hashlib.sha256(fetch(src)).hexdigest() for src in sources]


@pytest.mark.browser
@pytest.mark.render
def test_an_edit_changes_the_page_images_without_delaying_the_reload(served):
    project, base = served
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        # this test is about the preview, not the page's Content-Security-Policy, which (rightly) refuses the
        # string evaluation Playwright's wait_for_function runs in the page
        page = browser.new_page(viewport={"width": 1280, "height": 900}, bypass_csp=True)
        page.goto(base + "layout-preview.html")
        page.wait_for_function("document.querySelector('.layout-preview')?.dataset.version", timeout=180_000)
        before_version = page.eval_on_selector(".layout-preview", "box => box.dataset.version")
        before = image_hashes(page)
        assert len(before) >= 2

        edited = project / "docs" / "b-work.md"
        edited.write_text(edited.read_text(encoding="utf-8") + f"\n{NEW_TEXT}\n", encoding="utf-8")
        # the site shows the edit while the render for it is still to come
        wait_for(lambda: NEW_TEXT in fetch(base + "b-work.html").decode("utf-8"), 60, "the reload")
        status = json.loads(fetch(base + "layout-preview/status.json"))
        assert status["version"] == before_version, "the reload waited for the render"

        page.wait_for_function(
            f"(box => box && box.dataset.version && box.dataset.version !== {json.dumps(before_version)})"
            "(document.querySelector('.layout-preview'))",
            timeout=180_000,
        )
        after = image_hashes(page)
        assert after != before
        assert "主要做法" in page.inner_text("article")  # the page being edited is named and shown first
        browser.close()


def test_without_libreoffice_it_says_what_to_install(tmp_path, monkeypatch):
    monkeypatch.setattr(render.shutil, "which", lambda program: None)
    document = docx.Document()
    document.add_paragraph("正文")
    document.save(tmp_path / "a.docx")
    site = tmp_path / "site"
    previewer = layout_preview.Previewer(tmp_path / "cache")
    try:
        previewer.request(tmp_path / "a.docx", site)
        status_file = site / layout_preview.FOLDER / "status.json"
        status = wait_for(
            lambda: (s := json.loads(status_file.read_text(encoding="utf-8")))["state"] == "unavailable" and s,
            30,
            "the status",
        )
    finally:
        previewer.close()
    assert "找不到 LibreOffice" in status["message"] and "apt-get install libreoffice-writer-nogui" in status["message"]


def small_docx(path, text: str):
    document = docx.Document()
    for _ in range(3):
        document.add_paragraph(text * 40)
    document.save(path)
    return path


@pytest.mark.render
def test_a_newer_request_replaces_an_older_one(tmp_path):
    """Two saves in a row render once; a save while LibreOffice runs stops that render."""
    site = tmp_path / "site"
    status_file = site / layout_preview.FOLDER / "status.json"
    previewer = layout_preview.Previewer(tmp_path / "cache")
    try:
        previewer.request(small_docx(tmp_path / "a.docx", "甲"), site)
        previewer.request(small_docx(tmp_path / "b.docx", "乙"), site)  # within the debounce delay
        done = wait_for(lambda: (s := json.loads(status_file.read_text("utf-8")))["state"] == "done" and s, 120, "a")
        assert done["version"].startswith("2-")  # the first request never rendered

        previewer.request(small_docx(tmp_path / "c.docx", "丙"), site)
        time.sleep(layout_preview.DELAY + 0.5)  # LibreOffice has started on c
        previewer.request(small_docx(tmp_path / "d.docx", "丁"), site)
        done = wait_for(
            lambda: (s := json.loads(status_file.read_text("utf-8")))["version"].startswith("4-") and s, 120, "d"
        )
        assert done["state"] == "done" and not (tmp_path / "cache" / "next-3").exists()
        assert sorted(p.name for p in (site / layout_preview.FOLDER).glob("page-*.png")) == ["page-1.png"]
    finally:
        previewer.close()
