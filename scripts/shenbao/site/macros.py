"""mkdocs-macros module: the macros writers use in pages.

``{{ fig("population.births") }}`` renders a figure; ``{{ table("…") }}`` and
``{{ chart("…") }}`` place a table or chart of figures, ``{{ photos("…") }}`` a
folder of photos two to a page, ``{{ ref("…") }}`` names
its number; ``{{ missing("…") }}`` marks text the source lost. Pages are checked
before rendering so that every problem comes back with its file and line.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable
from pathlib import Path

from mkdocs.exceptions import PluginError

from shenbao.errors import LocatedError, hinted
from shenbao.project import exhibits, markers
from shenbao.project.figures import APPLICANT, DATE, FigureBook, UnknownFigureError
from shenbao.project.plugin_options import PLUGIN_NAME
from shenbao.site import photo_pages, sandbox
from shenbao.site.template_calls import JINJA_NAMES, check_calls, check_template, render_calls, simple_calls

CHARTS_DIR = "charts"  # where chart images appear in the site
_SKIP = "render_macros"  # mkdocs-macros' own switch for a page


def make_macros(
    book: FigureBook,
    placed: exhibits.Exhibits,
    page_uri: Callable[[], str | None],
    docs_dir: Path | None = None,
) -> dict[str, Callable]:
    """The macros pages may call, bound to one project's data.

    The build registers these with mkdocs-macros and the checks render pages
    with the very same functions. ``page_uri`` tells which page is rendering;
    without ``docs_dir`` (the checks read text, not photos) ``photos()`` places nothing.
    """

    def photos(folder: str) -> str:
        """A folder of photos, two to a page, each over its numbered caption (照片1 …)."""
        if docs_dir is None:
            return ""
        try:
            return photo_pages.photos_markdown(photo_pages.folder_photos(docs_dir, page_uri() or "", folder))
        except photo_pages.PhotoFolderError as error:
            where = f"{docs_dir.name}/{page_uri() or '?'}"
            raise PluginError(str(LocatedError(where, 0, 0, error.message, error.hint))) from None

    def table(name: str) -> str:
        """A table of figures under its numbered caption (表1 …)."""
        placed.check(name)
        return exhibits.table_markdown(placed.tables[name], book, placed.number(name))

    def chart(name: str) -> str:
        """A chart of figures over its numbered caption (图1 …); its image is drawn by the build."""
        placed.check(name)
        spec = placed.charts[name]
        here = posixpath.dirname(page_uri() or "")
        image = posixpath.relpath(chart_uri(name), here or ".")
        missing = [book.get_figure(f) for f in spec.figure_names() if not book.get_figure(f).known]
        return exhibits.chart_markdown(spec, image, placed.number(name), list(dict.fromkeys(missing)))

    def ref(name: str) -> str:
        """The number of a table or chart, e.g. 表1, wherever it is placed."""
        placed.check(name)
        return exhibits.reference_token(name)

    def fig(name: str) -> str:
        """A figure as Markdown: ``1271人``, or 【待填：…】 while it is unknown."""
        # an unknown name fails here only when it was not a literal (checked before): render_page locates it
        return book.get_figure(name).as_markdown()

    def missing(description: str) -> str:
        """Mark text the source lost, visibly, so the final build refuses it."""
        return markers.missing(description)

    def signature() -> str:
        """The applicant's name and the date under the text (GB/T 9704 §7.3.5), from the special names."""
        try:
            return exhibits.signature_markdown(book.get_figure(APPLICANT), book.get_figure(DATE))
        except UnknownFigureError as error:
            raise PluginError(
                hinted(
                    f"docs/{page_uri() or '?'}: signature() 用到的特殊数据项 “{error.name}” 不存在",
                    "在 data/figures.yml 的 application 分组中添加它，未知时写 value: null",
                )
            ) from None

    return {
        "table": table,
        "chart": chart,
        "ref": ref,
        "fig": fig,
        "missing": missing,
        "signature": signature,
        "photos": photos,
    }


def define_env(env) -> None:
    """Register the macros with the data the ``shenbao`` plugin loaded for this build."""
    plugin = env.conf.plugins.get(PLUGIN_NAME)
    if plugin is None:
        raise PluginError(hinted("mkdocs.yml: plugins 中缺少 shenbao", "写在 macros 之前：- shenbao"))
    if plugin.project is None:  # listed, but after macros: its data is not loaded yet
        raise PluginError(hinted("mkdocs.yml: plugins 中 shenbao 应写在 macros 之前", "宏从 shenbao 读取数据"))
    project = plugin.project
    env.variables["figures"] = project.figures
    env.variables["exhibits"] = project.exhibits
    _withdraw_host(env)
    for name, function in make_macros(
        project.figures,
        project.exhibits,
        lambda: env.page.file.src_uri if env.page else None,
        Path(env.conf.docs_dir),
    ).items():
        env.macro(function, name)


# What mkdocs-macros itself hands every page; pages are rendered in the sandbox, this is defence in depth.
_HOST_VARIABLES = ("config", "environment", "plugin", "git")
_HOST_MACROS = ("context", "macros_info", "now", "fix_url")
OWN_MACROS = ("fig", "table", "chart", "ref", "missing", "signature", "photos")


def _withdraw_host(env) -> None:
    for name in _HOST_VARIABLES:
        env.variables.pop(name, None)
    for name in _HOST_MACROS:
        env.macros.pop(name, None)


def page_context(env) -> dict:
    """All a page's template can reach: our macros, the figures and the page's own metadata."""
    macros = {name: env.macros[name] for name in OWN_MACROS if name in env.macros}
    meta = {key: value for key, value in env.page.meta.items() if key not in sandbox.UNSAFE_NAMES}
    return {**meta, **macros, "figures": env.variables["figures"]}


def _page_environment(env):
    """One sandboxed environment for all pages, made on first use (mkdocs-macros' own comes after define_env)."""
    if getattr(env, "_shenbao_sandbox", None) is None:
        env._shenbao_sandbox = sandbox.page_environment(Path(env.conf.docs_dir))
    return env._shenbao_sandbox


def on_pre_page_macros(env) -> None:
    """Refuse a page whose template has errors, naming file and line of each.

    A page made only of simple macro calls is rendered here directly; any
    other page is rendered here in the sandbox. Either way mkdocs-macros gets
    plain text to pass through, and its own, unsandboxed, Jinja never runs.
    """
    if env.page.meta.get("render_macros") is False:  # the writer asked for the page as it is
        return
    book: FigureBook = env.variables["figures"]
    context = page_context(env)
    known = set(context) | sandbox.SAFE_GLOBALS | JINJA_NAMES
    placed = env.variables["exhibits"]
    exhibit_names = [*placed.tables, *placed.charts]
    calls = simple_calls(env.markdown)
    page = env.page
    offset = front_matter_lines(page.file.content_string, env.markdown)
    where = f"{Path(env.conf.docs_dir).name}/{page.file.src_uri}"
    if calls is None:
        environment = _page_environment(env)
        problems = check_template(env.markdown, environment, book.keys(), known, exhibit_names, Path(env.conf.docs_dir))
    else:
        problems = check_calls(calls, book.keys(), set(OWN_MACROS), exhibit_names)
    if problems:
        lines = [str(LocatedError(where, p.line + offset, 0, p.message, p.hint)) for p in problems]
        raise PluginError("\n".join(lines))
    if calls is not None:
        env.markdown = render_calls(env.markdown, calls, env.macros)
    else:
        try:
            env.markdown = sandbox.render_bounded(env.markdown, environment, context, carried=placed.numbers)
        except sandbox.RenderError as error:
            line = error.line + offset if error.line else 0
            raise PluginError(str(LocatedError(where, line, 0, error.message, error.hint))) from None
    # nothing is left for Jinja: mkdocs-macros passes the page through untouched
    env.page.meta[_SKIP] = False


def on_post_page_macros(env) -> None:
    """Take the skip flag back out of the page's metadata.

    Material's navigation looks deeper into every page whose metadata is not
    empty, on every page of the site: a leftover key costs time that grows with
    the square of the number of pages.
    """
    if env.page.meta.get(_SKIP) is False:  # rendering is over: the switch has done its work
        del env.page.meta[_SKIP]


def front_matter_lines(source: str, markdown: str) -> int:
    """How many lines of the source file precede the Markdown MkDocs hands over."""
    if source.endswith(markdown):
        return source[: len(source) - len(markdown)].count("\n")
    return 0


def chart_uri(name: str) -> str:
    return f"{CHARTS_DIR}/{name}.svg"
