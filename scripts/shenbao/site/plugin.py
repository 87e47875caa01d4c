"""The ``shenbao`` MkDocs plugin: thin glue from MkDocs' events to the project's own functions.

Pages are rendered in navigation order so heading numbers run on from page to
page; each page's final Markdown is collected, and the DOCX is converted from
it in a process of its own (``export_job``) while MkDocs writes the site.

MkDocs keeps a plugin with ``on_startup`` for the whole ``mkdocs serve``
process, so everything that belongs to one build is made afresh in
``on_config``; only the export process of the latest build outlives it.
"""

from __future__ import annotations

import gc
import logging
import threading
from html import escape as html_escape
from importlib import resources
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files

from shenbao.docx import export, images, layout
from shenbao.docx.job import DocxInfo, DocxJob
from shenbao.errors import LocatedError, hinted
from shenbao.project import photo_files, settings_files, sources
from shenbao.project.document import Document, document_order, nav_paths, open_items_report
from shenbao.project.figures import APPLICANT, SPECIAL_NAMES, TITLE
from shenbao.project.markers import MISSING, PLACEHOLDER
from shenbao.project.plugin_options import PLUGIN_NAME, Mode, ShenbaoConfig
from shenbao.project.project import Project, ProjectError
from shenbao.project.revision import build_revision, page_dates
from shenbao.site import (
    changes_page,
    charts,
    checklist_page,
    csp,
    export_job,
    layout_preview,
    print_css,
    readiness,
    sanitize,
    screen_copies,
    search_words,
    theme_cache,
)
from shenbao.site.macros import chart_uri
from shenbao.text import scanner

DOWNLOADS = "downloads"
# the pages the plugin makes for the site alone: the DOCX never waits for them
SITE_ONLY_PAGES = frozenset({checklist_page.REVIEW_PAGE, changes_page.CHANGES_PAGE, layout_preview.PAGE})
PRINT_CSS = "assets/layout.css"  # the print style, made from the same layout as the DOCX
# not below "mkdocs": strict mode would turn this advice into a failed build
log = logging.getLogger("shenbao")
THEME_DIR = resources.files("shenbao.site") / "theme"  # the footer stamp, the banner, markers' and print styles


def located(config, uri: str, line: int, message: str, hint: str) -> PluginError:
    """A page's problem at its line, as MkDocs reports a plugin's error."""
    return PluginError(str(LocatedError(f"{Path(config.docs_dir).name}/{uri}", line, 0, message, hint)))


class ShenbaoPlugin(BasePlugin[ShenbaoConfig]):
    supports_multiple_instances = False

    def __init__(self):
        self.project: Project | None = None
        self.document: Document | None = None
        self.layout: layout.Layout | None = None
        self.serving = False
        self._photos: set[str] = set()  # photos below docs/ published with screen copies, this build
        self.size_report = ""  # "14.2 MB / 20 MB" once a build's DOCX is written
        self._export: export_job.ExportJob | None = None
        self._waiting_export: tuple | None = None  # under serve: this build's export, started after the site
        self._checks: readiness.PendingChecks | None = None  # this build's checks, in their own process
        self._started = False
        self._lock = threading.Lock()  # under serve a watcher thread reads _export too
        self._previewer: layout_preview.Previewer | None = None  # under serve: 版面预览
        self._search_words: search_words.RememberedWords | None = None
        self._unread: set[str] = set()  # pages whose Markdown this build has still to make
        self._document_done = False

    # --- the process ----------------------------------------------------------------

    def on_startup(self, *, command, dirty):
        self.serving = command == "serve"
        export_job.start_server()  # its imports overlap with MkDocs reading the pages
        self._started = True

    def on_shutdown(self):
        gc.unfreeze()  # a build that stopped in another plugin's on_config never reached on_post_build
        # MkDocs keeps a plugin with on_startup for the whole process: the next build in it
        # (a second `build` from Python, not a serve) must not inherit this one's preview
        if self._previewer is not None:
            self._previewer.close()
            self._previewer = None
        self._end_checks()
        self._cancel_export()

    def on_build_error(self, *, error):
        gc.unfreeze()
        self._remember_search_words(prune=False)
        self._waiting_export = None
        self._end_checks()
        self._cancel_export()

    def _end_checks(self) -> None:
        checks, self._checks = self._checks, None
        if checks is not None:
            checks.cancel()

    # --- one build ------------------------------------------------------------------

    def on_config(self, config):
        # under serve, an export of the previous build still running is pointless now and would take a core
        # from this rebuild; ended before MkDocs cleans the site folder, it cannot put the previous build's
        # DOCX into this build's site afterwards
        self._cancel_export()
        try:
            self.project = Project.from_settings(
                Path(config.config_file_path).parent, Path(config.docs_dir), self.config, config.nav
            )
        except ProjectError as error:
            raise PluginError(str(error)) from None
        data_dir = self.project.data_dir
        if problem := settings_files.build_problem(data_dir, self.project.shown(data_dir), self.project.root):
            # check reports it too; building without the terms or relations would hide the mistake
            raise PluginError(
                str(LocatedError(problem.path, problem.line, problem.column, problem.message, problem.hint))
            )
        self.document = Document()
        self._end_checks()
        self._checks = readiness.PendingChecks(self.project.root)  # beside the site, read on the checklist page
        self.layout = _resolve_layout(self.config.layout, Path(config.config_file_path))
        _require_macros(config)
        heading_slugs(config)
        for name, purpose in SPECIAL_NAMES.items():
            if name not in self.project.figures:
                log.warning(f"{self.config.figures}: 缺少特殊数据项 {name}：{purpose}")
        # The title lives in the data like every other fact; mkdocs.yml's site_name is the fallback.
        config.site_name = self.project.known_text(TITLE) or config.site_name
        _add_theme(config)
        config.extra["revision"] = build_revision(self.project.root)
        name = self.config.docx_name or export.docx_filename(config.site_name, self.mode is Mode.FINAL)
        config.extra["docx_file"] = f"{DOWNLOADS}/{Path(name).stem}.docx"
        if self.config.preview:
            config.extra["preview_file"] = str(Path(config.extra["docx_file"]).with_suffix(".pdf").as_posix())
        if config.nav is not None and checklist_page.REVIEW_PAGE not in nav_paths(config.nav):
            config.nav.append({checklist_page.REVIEW_TITLE: checklist_page.REVIEW_PAGE})
        if self.serving:
            self._serve_layout_preview(config)
        if self.config.since and config.nav is not None:
            config.nav.append({changes_page.title(self.config.since): changes_page.CHANGES_PAGE})
        # in extra, not in each page's metadata: see macros.on_post_page_macros
        config.extra["page_dates"] = page_dates(Path(config.docs_dir))
        gc.freeze()  # the project's figures live until the build ends: see on_env
        return config

    def on_pre_build(self, *, config):
        # after every plugin's on_config, whatever their order: search makes its index there
        self._search_words = search_words.remember_search_words(config.plugins, self.project.root)

    def _remember_search_words(self, prune: bool) -> None:
        remembered, self._search_words = self._search_words, None
        if remembered is not None:
            remembered.close(prune)

    @property
    def mode(self) -> Mode:
        return Mode(self.config.mode)

    def on_files(self, files: Files, config):
        if problems := sources.source_problems(Path(config.docs_dir), self.project.root):
            raise PluginError("\n".join(problems))  # links out of docs/, pages in another encoding
        files.append(File.generated(config, checklist_page.REVIEW_PAGE, content=checklist_page.STUB))
        files.append(File.generated(config, PRINT_CSS, content=print_css.print_css(self.layout)))
        if self.config.since:
            files.append(File.generated(config, changes_page.CHANGES_PAGE, content=changes_page.STUB))
        if self._previewer is not None:  # the last rendered pages, until a newer render replaces them
            files.append(File.generated(config, layout_preview.PAGE, content=layout_preview.STUB))
            for uri, path in self._previewer.site_files().items():
                files.append(File.generated(config, uri, abs_src_path=str(path)))
        self._add_charts(files, config)
        self._add_photos(files, config)
        self._add_workbook(files, config)
        pages = {f.src_uri: f for f in files.documentation_pages()}
        order = document_order(config.nav, list(pages))
        self._unread = set(order) - SITE_ONLY_PAGES
        self._document_done = False
        others = [f for f in files if f.src_uri not in pages]
        return Files([pages[uri] for uri in order] + others)

    def _add_charts(self, files: Files, config) -> None:
        """Draw every chart the data defines (or take it from the cache) and add it to the site."""
        cache = self.project.root / ".cache" / "charts"
        for name, spec in self.project.exhibits.charts.items():
            try:
                svg, png = charts.render_chart(spec, self.project.figures, cache)
            except charts.ChartError as error:
                raise PluginError(str(error)) from None
            files.append(File.generated(config, chart_uri(name), abs_src_path=str(svg)))
            self.document.resources[chart_uri(name)] = str(png)

    def _add_photos(self, files: Files, config) -> None:
        """Publish each photo upright and without EXIF, with a screen copy the pages show."""
        docs_dir = Path(config.docs_dir)
        found = [f for f in files if photo_files.is_photo(f.src_uri) and f.abs_src_path and not f.generated_by]
        copies = screen_copies.published_copies(docs_dir, [f.src_uri for f in found], self._image_cache)
        for file in found:
            if file.src_uri in copies:
                original, screen = copies[file.src_uri]
                files.remove(file)
                files.append(screen_copies.CachedFile.generated(config, file.src_uri, abs_src_path=str(original)))
                screen_uri = screen_copies.screen_uri(file.src_uri)
                files.append(screen_copies.CachedFile.generated(config, screen_uri, abs_src_path=str(screen)))
        self._photos = set(copies)

    @property
    def _image_cache(self) -> Path:
        return self.project.root / ".cache" / "images"

    def _add_workbook(self, files: Files, config) -> None:
        """The 填报表 of what is still open, for the review page to offer (``shenbao sheet export``)."""
        from shenbao.project.sheets import workbook

        config.extra.pop("workbook_file", None)
        if not workbook.chosen_figures(self.project):
            return
        uri = f"{DOWNLOADS}/{workbook.DEFAULT_NAME}"
        files.append(File.generated(config, uri, content=workbook.project_workbook(self.project)))
        config.extra["workbook_file"] = uri

    @event_priority(-100)  # after mkdocs-macros has rendered the figures
    def on_page_markdown(self, markdown, page, config, files):
        uri = page.file.src_uri
        for found in scanner.links(page.file.content_string.split("\n")):
            if found.image and found.external:  # pandoc would fetch it while making the DOCX
                raise located(config, uri, found.line, *scanner.external_image(found.target))
        for line, found in scanner.active_html(page.file.content_string):  # the site is read by others
            raise located(config, uri, line, *scanner.active_html_problem(found))
        if problem := scanner.front_matter_problem(page.file.content_string):
            line, said = problem
            raise located(
                config, uri, line, f"页面开头的 front matter 不是有效的 YAML：{said}", scanner.FRONT_MATTER_HINT
            )
        if uri == checklist_page.REVIEW_PAGE:  # rendered last, when every other page is known
            titles = {p.src_uri: (p.headings[0].text if p.headings else p.src_uri) for p in self.document.pages}
            kind = "终稿" if self.mode is Mode.FINAL else "草稿"
            downloads = [(f"Word 文件（{kind}）", config.extra["docx_file"])]
            if "preview_file" in config.extra:
                downloads.append(("PDF 预览", config.extra["preview_file"]))
            if "workbook_file" in config.extra:
                downloads.append(("填报表（待填数据，Excel 工作簿）", config.extra["workbook_file"]))
            markdown = checklist_page.review_markdown(
                self.document.open_items(),
                titles,
                downloads,
                self._checks.status() if self._checks is not None else readiness.NOT_RUN,
                Path(config.docs_dir).name,
                [figure for figure in self.project.figures.values() if figure.source],
            )
        if uri == layout_preview.PAGE:
            markdown = layout_preview.page_markdown()
        if uri == changes_page.CHANGES_PAGE:
            try:
                markdown = changes_page.changes_markdown(
                    self.project.root, self.config.since, Path(config.docs_dir).name
                )
            except changes_page.ChangesError as error:
                raise PluginError(str(error)) from None
        escape_page_meta(page)
        markdown = self.document.add_page(uri, markdown, page.meta)
        self._unread.discard(uri)
        if not self._unread:  # the review page may still wait for the checks: the export need not
            self._document_complete(config)
        return screen_copies.link_screen_copies(markdown, uri, self._photos) if self._photos else markdown

    @event_priority(-100)  # after every other plugin has made its HTML
    def on_page_content(self, html, page, config, files):
        return published_html(html, page.file.src_uri, Path(config.docs_dir).name)

    @event_priority(100)  # before search indexes the page
    def on_page_context(self, context, page, config, nav):
        page.content = self.document.resolve_labels(self.project.exhibits.resolve(page.content))
        return context

    @event_priority(-100)  # after every other plugin has changed the page
    def on_post_page(self, output, page, config):
        return csp.with_policy(output, page.content or "", self.serving)

    def on_env(self, env, config, files):
        env.bytecode_cache = theme_cache.THEME_TEMPLATES  # Material compiled once per process, not per build
        self._document_complete(config)  # serve --dirty makes only the changed pages' Markdown
        # Every page, its navigation and the project's figures are made by now and live until the build
        # ends; the cycle collector would walk them all again in each full collection while MkDocs
        # renders the templates (a second of a 1000-page build). Frozen until on_post_build.
        gc.freeze()
        return env

    def _document_complete(self, config) -> None:
        """Every page's Markdown is made: settle the document and start its export (once per build).

        Called as soon as the last page is read, before the site's own pages (the review page
        waits for the checks) and the HTML: the export then runs beside all of that.
        """
        if self._document_done:
            return
        self._document_done = True
        document = self.document
        document.map_markdown(self.project.exhibits.resolve)
        items = document.open_items()
        if self.mode is Mode.FINAL and items:
            raise PluginError(open_items_report(items, Path(config.docs_dir).name))
        # for the banner on the home page: what is still open, at a glance
        config.extra["open_items"] = {
            "unknown": sum(1 for item in items if item.kind == PLACEHOLDER),
            "missing": sum(1 for item in items if item.kind == MISSING),
        }
        info = DocxInfo(config.site_name, self.project.known_text(APPLICANT), config.extra["revision"].label)
        output = Path(config.site_dir) / config.extra["docx_file"]
        preview = Path(config.site_dir) / config.extra["preview_file"] if "preview_file" in config.extra else None
        after = self._preview_when_exported(output, Path(config.site_dir)) if self._previewer is not None else None
        if self.serving:  # the reload first: the export starts once the site is written
            self._waiting_export = (document, output, info, preview, after)
        else:  # a build waits for both: the export runs beside MkDocs writing the site
            self._start_export(document, output, info, preview, after)

    def on_post_build(self, config):
        gc.unfreeze()  # what the build made can be collected again (serve keeps this process)
        self._end_checks()  # read by the checklist page by now, if it was built
        self._remember_search_words(prune=not self.serving)  # serve --dirty builds only the changed pages
        if self.serving:  # the browser reloads now; the DOCX follows when pandoc is done
            waiting, self._waiting_export = self._waiting_export, None
            if waiting is not None:
                self._start_export(*waiting)
            return
        job = self._export
        if job is None:
            return
        try:
            job.wait()
        except export_job.ExportFailed as error:  # pandoc's and LibreOffice's own words are the useful part
            raise PluginError(f"DOCX 导出失败：{error}") from None
        finally:
            self._export = None
        self._check_size(Path(config.site_dir) / config.extra["docx_file"])

    def _check_size(self, docx: Path) -> None:
        """Report the DOCX against its budget; a final one over it is refused with the heaviest photos named."""
        budget = self.config.docx_max_mb
        self.size_report = images.budget_text(docx, budget)
        if self.mode is not Mode.FINAL or images.megabytes(docx.stat().st_size) <= budget:
            return
        box = export.print_box(self.layout)
        copies = images.print_copies(self.document, Path(self.project.docs_dir), box, self._image_cache)
        docs = Path(self.project.docs_dir).name
        heaviest = "\n".join(f"  {docs}/{uri}：{images.megabytes(size):.1f} MB" for uri, size in images.largest(copies))
        message = f"{images.size_line(docx, budget)}：终稿超过大小上限 docx_max_mb，不予生成"
        if heaviest:
            message += f"。占用最多的图片：\n{heaviest}\n"
        raise PluginError(hinted(message, "减少或裁剪照片，或在 mkdocs.yml 的 plugins.shenbao 中调高 docx_max_mb"))

    # --- the export process ---------------------------------------------------------

    def _start_export(self, document: Document, output: Path, info, preview: Path | None, after=None) -> None:
        """Start this build's export; under serve ``after()`` runs once it has written the DOCX, if still current."""
        if not self._started:  # built without on_startup (an old caller): behave like a build
            self.on_startup(command="build", dirty=False)
        self._cancel_export()  # a newer edit makes an export still running pointless: end it
        docx_job = DocxJob(
            self.mode, self.layout, Path(self.project.docs_dir), info, preview, image_cache=self._image_cache
        )
        job = export_job.ExportJob(
            export.export, partial=export.partial_path(output), document=document, output=output, job=docx_job
        )
        with self._lock:
            self._export = job
        if self.serving:  # nobody waits for it: say so if it fails, unless a newer edit replaced it
            threading.Thread(target=self._report_when_done, args=(job, after), daemon=True).start()

    def _report_when_done(self, job: export_job.ExportJob, after=None) -> None:
        try:
            job.wait()
        except export_job.ExportFailed as error:
            with self._lock:
                if self._export is job:
                    log.warning(f"DOCX 导出失败：{error}")
            return
        with self._lock:
            current = self._export is job
        if current and after is not None:
            after()

    def _serve_layout_preview(self, config) -> None:
        if self._previewer is None:
            self._previewer = layout_preview.Previewer(self.project.root / ".cache" / "layout-preview")
        if config.nav is not None and layout_preview.PAGE not in nav_paths(config.nav):
            config.nav.append({layout_preview.TITLE: layout_preview.PAGE})
        if layout_preview.SCRIPT not in [str(s) for s in config.extra_javascript]:
            config.extra_javascript.append(layout_preview.SCRIPT)

    def _preview_when_exported(self, output: Path, site: Path):
        """Render the DOCX this build exported, unless a newer build superseded it or it failed."""
        docs = Path(self.project.docs_dir)
        pages = [p for p in self.document.pages if (docs / p.src_uri).exists()]
        edited = max(pages, key=lambda p: (docs / p.src_uri).stat().st_mtime, default=None)

        def done() -> None:  # called only for the current build's successful export
            if output.exists():
                self._previewer.request(output, site, edited.title if edited else "")

        return done

    def _cancel_export(self) -> None:
        with self._lock:
            job, self._export = self._export, None
        if job is not None:
            job.cancel()


def published_html(html: str, uri: str, docs_name: str) -> str:
    """The page's HTML as the site publishes it: through the sanitizer, saying what it took out.

    A warning, not an error: ``make check`` reports the same things at their lines, and the
    build must not fail on a page whose only fault is markup the reader never needed.
    """
    for removal in sanitize.removals(html):
        log.warning(f"{docs_name}/{uri}: " + hinted(sanitize.removal_message(removal), sanitize.REMOVAL_HINT))
    return sanitize.clean(html)


# Front matter the theme writes into the page's <head> and navigation as it is, without escaping.
THEME_META = ("title", "description", "author")


def escape_page_meta(page) -> None:
    """``description: '"><script>…'`` would be HTML in the page's head: the theme does not escape it."""
    for key in THEME_META:
        value = page.meta.get(key)
        if isinstance(value, str):
            page.meta[key] = html_escape(value)
    if isinstance(page.meta.get("title"), str):
        page.title = page.meta["title"]


def heading_slugs(config) -> None:
    """Heading ids as the template always made them (pymdownx's Unicode slugs, lower case).

    mkdocs.yml could only say so with a ``!!python/object/apply`` tag, which runs code
    on loading; the plugin sets the same function unless the project names its own.
    """
    if "toc" in config.markdown_extensions:
        from pymdownx.slugs import slugify

        options = config.mdx_configs.setdefault("toc", {})
        options.setdefault("slugify", slugify(case="lower"))


def _resolve_layout(settings: dict, config_file: Path) -> layout.Layout:
    """The unit's layout, or the writer's mistake in it at its line of mkdocs.yml."""
    try:
        return layout.resolve_layout(settings)
    except layout.LayoutError as error:
        line = layout.setting_line(config_file.read_text(encoding="utf-8"), error)
        raise PluginError(f"{config_file.name}:{line}: plugins.shenbao.{error}") from None


def _require_macros(config) -> None:
    """The pages' macros come from mkdocs-macros running our module; say so if it is not set up."""
    macros = config.plugins.get("macros")
    modules = getattr(macros, "config", {}).get("modules", []) if macros else []
    if "shenbao.macros" not in modules:
        raise PluginError(
            hinted(
                "mkdocs.yml: plugins 中缺少 macros 或它没有加载 shenbao.macros",
                "在 shenbao 之后写 - macros: {modules: [shenbao.macros], on_undefined: strict, on_error_fail: true}",
            )
        )
    names = list(config.plugins)
    if names.index(PLUGIN_NAME) > names.index("macros"):
        raise PluginError(hinted("mkdocs.yml: plugins 中 shenbao 应写在 macros 之前", "宏从 shenbao 读取数据"))


def _add_theme(config) -> None:
    """Our templates go between the writer's own overrides (custom_dir) and Material's."""
    theme_dir = str(THEME_DIR)
    dirs = config.theme.dirs
    if theme_dir not in dirs:
        dirs.insert(1 if config.theme.custom_dir else 0, theme_dir)
