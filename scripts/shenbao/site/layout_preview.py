"""版面预览 under ``serve``: the DOCX as A4 page images, re-rendered in the background.

Each finished DOCX export asks for a render; the request waits a moment
(``DELAY``) so a burst of saves renders once, and a newer request stops an
older LibreOffice that is still running. The site's reload never waits: the
page polls ``status.json`` and swaps the images in when a render is done.

Images live in the project's ``.cache/layout-preview/`` and are copied into
the site as it is served, since MkDocs empties the site folder on every rebuild.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
import threading
import time
from pathlib import Path

from shenbao.docx import render

PAGE = "layout-preview.md"
TITLE = "版面预览"
FOLDER = "layout-preview"  # in the site: page-N.png and status.json
SCRIPT = "assets/layout-preview.js"  # in theme/: polls status.json, so the page stays plain Markdown
DELAY = 0.8  # seconds of quiet after a save before rendering
STUB = "---\ndocx: false\n---\n"


def page_markdown() -> str:
    return f"# {TITLE} {{.unnumbered}}\n\n这里显示当前 DOCX 的 A4 页面，保存页面后在后台重新渲染，完成后自动更新。\n"


class Previewer:
    """One per ``serve`` process: the newest request wins, older renders are stopped."""

    def __init__(self, cache: Path):
        self.cache = cache
        self._lock = threading.Condition()
        self._wanted: tuple[int, Path, str, Path] | None = None  # generation, docx copy, edited title, site
        self._generation = 0
        self._process: subprocess.Popen | None = None
        self._site: Path | None = None
        self._closed = False
        self._thread = threading.Thread(target=self._run, name="shenbao-layout-preview", daemon=True)
        self._thread.start()

    # --- asked by the plugin ----------------------------------------------------------

    def site_files(self) -> dict[str, Path]:
        """The last rendered pages and status, by their path in the site."""
        folder = self.cache / "current"
        return {f"{FOLDER}/{p.name}": p for p in sorted(folder.glob("*")) if p.is_file()} if folder.is_dir() else {}

    def request(self, docx: Path, site: Path, edited_title: str = "") -> None:
        """Render ``docx`` soon; a render still running for an older edit is stopped."""
        scratch = Path(tempfile.mkdtemp(prefix="shenbao-preview-"))
        copy = scratch / docx.name  # the site folder is emptied by the next rebuild
        shutil.copyfile(docx, copy)
        with self._lock:
            self._generation += 1
            self._wanted = (self._generation, copy, edited_title, site)
            self._site = site
            if self._process is not None and self._process.poll() is None:
                self._process.kill()  # a newer edit makes it pointless
            self._lock.notify_all()
        self._write_status(site, {"state": "rendering"}, keep_pages=True)

    def close(self) -> None:
        with self._lock:
            self._closed = True
            if self._process is not None and self._process.poll() is None:
                self._process.kill()
            self._lock.notify_all()

    # --- the render thread ------------------------------------------------------------

    def _run(self) -> None:
        while True:
            with self._lock:
                while self._wanted is None and not self._closed:
                    self._lock.wait()
                if self._closed:
                    return
                generation = self._wanted[0]
            time.sleep(DELAY)  # debounce: a save that follows at once replaces this one
            with self._lock:
                if self._closed:
                    return
                if self._wanted is None or self._wanted[0] != generation:
                    continue
                wanted, self._wanted = self._wanted, None
            self._render(*wanted)

    def _current(self, generation: int) -> bool:
        with self._lock:
            return generation == self._generation and not self._closed

    def _render(self, generation: int, docx: Path, edited_title: str, site: Path) -> None:
        work = docx.parent
        try:
            try:
                pdf = self._pdf(docx, work, generation)
            except render.LibreOfficeError as error:
                self._publish(site, {"state": "unavailable", "message": str(error)}, [], generation)
                return
            if pdf is None:
                return  # stopped for a newer edit
            pages = render.pdf_to_png(pdf, work / "pages", resolution=60)
            texts = render.pdf_pages(pdf)
            focus = _page_of(edited_title, texts)
            status = {"state": "done", "pages": len(pages), "focus": focus, "edited": edited_title}
            self._publish(site, status, pages, generation)
        except (OSError, subprocess.SubprocessError) as error:
            self._publish(site, {"state": "failed", "message": f"渲染失败：{error}"}, [], generation)
        finally:
            shutil.rmtree(work, ignore_errors=True)

    def _pdf(self, docx: Path, work: Path, generation: int) -> Path | None:
        with tempfile.TemporaryDirectory(prefix="shenbao-lo-") as profile:
            source = render.libreoffice_copy(docx, Path(tempfile.mkdtemp(dir=work)))
            command = render.pdf_command(source, work / "pdf", Path(profile))
            with self._lock:
                if not self._current(generation):
                    return None
                self._process = subprocess.Popen(
                    command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=render.font_environment()
                )
                process = self._process
            _out, err = process.communicate(timeout=300)
        pdf = work / "pdf" / (docx.stem + ".pdf")
        if not self._current(generation):
            return None
        if process.returncode != 0 or not pdf.exists():
            raise render.LibreOfficeError(f"LibreOffice 未能转换 {docx.name}：{err.decode(errors='replace').strip()}")
        return pdf

    def _publish(self, site: Path, status: dict, pages: list[Path], generation: int) -> None:
        """New pages into the cache and the site being served, status last: the page reads it as the signal."""
        if not self._current(generation):
            return
        staging = self.cache / f"next-{generation}"
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir(parents=True)
        version = f"{generation}-{int(time.time() * 1000)}"
        for page in pages:
            number = int(page.stem.rsplit("-", 1)[1])
            shutil.copyfile(page, staging / f"page-{number}.png")
        status = {**status, "version": version}
        (staging / "status.json").write_text(json.dumps(status, ensure_ascii=False), encoding="utf-8")
        current = self.cache / "current"
        shutil.rmtree(current, ignore_errors=True)
        staging.rename(current)
        with self._lock:
            site = self._site or site  # the folder serve uses now
        target = site / FOLDER
        target.mkdir(parents=True, exist_ok=True)
        for old in target.glob("page-*.png"):
            old.unlink(missing_ok=True)
        for path in sorted(current.glob("page-*.png")):
            shutil.copyfile(path, target / path.name)
        _write_json(target / "status.json", status)

    def _write_status(self, site: Path, status: dict, keep_pages: bool) -> None:
        """Say “rendering” beside the pages already shown."""
        previous = {}
        with_pages = self.cache / "current" / "status.json"
        if keep_pages and with_pages.exists():
            previous = json.loads(with_pages.read_text(encoding="utf-8"))
        merged = {**previous, **status}
        target = site / FOLDER
        target.mkdir(parents=True, exist_ok=True)
        _write_json(target / "status.json", merged)


def _write_json(path: Path, data: dict) -> None:
    scratch = path.with_name(f".{path.name}.tmp")
    scratch.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    scratch.replace(path)


def _page_of(title: str, texts: list[str]) -> int:
    """The index of the first numbered page showing ``title`` (the page being edited), else 0."""
    if not title:
        return 0
    wanted = "".join(title.split())
    for index, text in enumerate(texts):
        if render.page_number(text) is not None and wanted in "".join(text.split()):
            return index
    return 0
