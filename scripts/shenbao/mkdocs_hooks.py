"""MkDocs hooks: thin glue from MkDocs' events to the project's own functions.

Pages are rendered in navigation order so heading numbers run on from page to
page; each page's final Markdown is collected, and the DOCX is converted from
it on the second core while MkDocs writes the site.
"""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import Files

from shenbao import docx_export
from shenbao.document import Document, document_order, open_items_report
from shenbao.revision import build_revision

FINAL = "final"
_state: dict = {}


def _figures(config):
    return config.plugins["macros"].variables["figures"]


def _known_text(config, name: str) -> str:
    """A figure's text when the data has it and it is known, else ''."""
    figure = _figures(config).get(name)
    return figure.as_text() if figure is not None and figure.known else ""


def is_final(config) -> bool:
    return config.extra.get("build_mode") == FINAL


def on_config(config):
    # The title lives in the data like every other fact; mkdocs.yml's site_name is the fallback.
    config.site_name = _known_text(config, "application.title") or config.site_name
    config.extra["revision"] = build_revision(Path(config.config_file_path).parent)


def on_files(files: Files, config):
    _state.clear()
    _state["document"] = Document()
    pages = {f.src_uri: f for f in files.documentation_pages()}
    order = document_order(config.nav, list(pages))
    others = [f for f in files if f.src_uri not in pages]
    return Files([pages[uri] for uri in order] + others)


@event_priority(-100)  # after mkdocs-macros has rendered the figures
def on_page_markdown(markdown, page, config, files):
    return _state["document"].add_page(page.file.src_uri, markdown, page.meta)


def on_env(env, config, files):
    document: Document = _state["document"]
    final = is_final(config)
    if final and (items := document.open_items()):
        raise PluginError(open_items_report(items, Path(config.docs_dir).name))
    title = config.site_name
    info = docx_export.DocxInfo(title, _known_text(config, "application.applicant"), config.extra["revision"].label)
    output = Path(config.site_dir) / "downloads" / docx_export.docx_filename(title, final)
    executor = ThreadPoolExecutor(max_workers=1)
    _state["docx"] = executor.submit(docx_export.export, document, output, final, Path(config.docs_dir), info)
    executor.shutdown(wait=False)
    return env


def on_post_build(config):
    job: Future | None = _state.get("docx")
    if job is None:
        return
    try:
        job.result()
    except Exception as error:  # pandoc's and LibreOffice's own words are the useful part
        raise PluginError(f"DOCX 导出失败：{error}") from error
