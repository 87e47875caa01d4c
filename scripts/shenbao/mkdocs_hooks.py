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
from mkdocs.structure.files import File, Files

from shenbao import charts, docx_export, review, sources
from shenbao.document import Document, document_order, nav_paths, open_items_report
from shenbao.figures import APPLICANT, TITLE
from shenbao.macros import chart_uri
from shenbao.markers import MISSING, PLACEHOLDER
from shenbao.revision import build_revision, page_dates

FINAL = "final"
DOWNLOADS = "downloads"
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
    config.site_name = _known_text(config, TITLE) or config.site_name
    config.extra["revision"] = build_revision(Path(config.config_file_path).parent)
    config.extra["docx_file"] = f"{DOWNLOADS}/{docx_export.docx_filename(config.site_name, is_final(config))}"
    if config.extra.get("preview"):
        config.extra["preview_file"] = str(Path(config.extra["docx_file"]).with_suffix(".pdf"))
    if config.nav is not None and review.REVIEW_PAGE not in nav_paths(config.nav):
        config.nav.append({review.REVIEW_TITLE: review.REVIEW_PAGE})
    # in extra, not in each page's metadata: see macros.on_post_page_macros
    config.extra["page_dates"] = page_dates(Path(config.docs_dir))


def on_files(files: Files, config):
    if problems := sources.source_problems(Path(config.docs_dir)):  # links out of docs/, unreadable pages
        raise PluginError("\n".join(problems))
    document = _state["document"] = Document()
    files.append(File.generated(config, review.REVIEW_PAGE, content=review.STUB))
    _add_charts(files, config, document)
    pages = {f.src_uri: f for f in files.documentation_pages()}
    order = document_order(config.nav, list(pages))
    others = [f for f in files if f.src_uri not in pages]
    return Files([pages[uri] for uri in order] + others)


def _add_charts(files: Files, config, document: Document) -> None:
    """Draw every chart the data defines (or take it from the cache) and add it to the site."""
    placed = config.plugins["macros"].variables["exhibits"]
    cache = Path(config.config_file_path).parent / ".cache" / "charts"
    for name, spec in placed.charts.items():
        try:
            svg, png = charts.render_chart(spec, _figures(config), cache)
        except charts.ChartError as error:
            raise PluginError(str(error)) from None
        files.append(File.generated(config, chart_uri(name), abs_src_path=str(svg)))
        document.resources[chart_uri(name)] = str(png)


@event_priority(-100)  # after mkdocs-macros has rendered the figures
def on_page_markdown(markdown, page, config, files):
    document: Document = _state["document"]
    uri = page.file.src_uri
    if uri == review.REVIEW_PAGE:  # rendered last, when every other page is known
        titles = {p.src_uri: (p.headings[0].text if p.headings else p.src_uri) for p in document.pages}
        downloads = [("Word 文件（" + ("终稿" if is_final(config) else "草稿") + "）", config.extra["docx_file"])]
        if "preview_file" in config.extra:
            downloads.append(("PDF 预览", config.extra["preview_file"]))
        markdown = review.review_markdown(document.open_items(), titles, downloads)
    return document.add_page(uri, markdown, page.meta)


@event_priority(100)  # before search indexes the page
def on_page_context(context, page, config, nav):
    page.content = config.plugins["macros"].variables["exhibits"].resolve(page.content)
    return context


def on_env(env, config, files):
    document: Document = _state["document"]
    document.map_markdown(config.plugins["macros"].variables["exhibits"].resolve)
    final = is_final(config)
    items = document.open_items()
    if final and items:
        raise PluginError(open_items_report(items, Path(config.docs_dir).name))
    # for the banner on the home page: what is still open, at a glance
    config.extra["open_items"] = {
        "unknown": sum(1 for item in items if item.kind == PLACEHOLDER),
        "missing": sum(1 for item in items if item.kind == MISSING),
    }
    revision = config.extra["revision"].label
    info = docx_export.DocxInfo(config.site_name, _known_text(config, APPLICANT), revision)
    output = Path(config.site_dir) / config.extra["docx_file"]
    preview = Path(config.site_dir) / config.extra["preview_file"] if "preview_file" in config.extra else None
    executor = ThreadPoolExecutor(max_workers=1)
    _state["docx"] = executor.submit(docx_export.export, document, output, final, Path(config.docs_dir), info, preview)
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
