"""mkdocs-macros module: the macros writers use in pages.

``{{ fig("population.births") }}`` renders a figure; ``{{ table("…") }}`` and
``{{ chart("…") }}`` place a table or chart of figures, ``{{ ref("…") }}`` names
its number; ``{{ missing("…") }}`` marks text the source lost. Pages are checked
before rendering so that every problem comes back with its file and line.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable
from pathlib import Path

from mkdocs.exceptions import PluginError

from shenbao import exhibits, markers
from shenbao.config import PLUGIN_NAME
from shenbao.figures import FigureBook, UnknownFigureError
from shenbao.references import JINJA_NAMES, check_calls, check_template, render_calls, simple_calls

CHARTS_DIR = "charts"  # where chart images appear in the site
_SKIP = "render_macros"  # mkdocs-macros' own switch for a page


def make_macros(book: FigureBook, placed: exhibits.Exhibits, page_uri: Callable[[], str | None]) -> dict[str, Callable]:
    """The macros pages may call, bound to one project's data.

    The build registers these with mkdocs-macros and the checks render pages
    with the very same functions. ``page_uri`` tells which page is rendering.
    """

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
        try:
            return book.get_figure(name).as_markdown()
        except UnknownFigureError as error:
            raise PluginError(f"docs/{page_uri() or '?'}: {error}") from None

    def missing(description: str) -> str:
        """Mark text the source lost, visibly, so the final build refuses it."""
        return markers.missing(description)

    return {"table": table, "chart": chart, "ref": ref, "fig": fig, "missing": missing}


def define_env(env) -> None:
    """Register the macros with the data the ``shenbao`` plugin loaded for this build."""
    plugin = env.conf.plugins.get(PLUGIN_NAME)
    if plugin is None or plugin.project is None:
        raise PluginError("mkdocs.yml: plugins 中缺少 shenbao（提示：写在 macros 之前：- shenbao）")
    project = plugin.project
    env.variables["figures"] = project.figures
    env.variables["exhibits"] = project.exhibits
    for name, function in make_macros(
        project.figures, project.exhibits, lambda: env.page.file.src_uri if env.page else None
    ).items():
        env.macro(function, name)


def on_pre_page_macros(env) -> None:
    """Refuse a page whose template has errors, naming file and line of each.

    A page made only of simple macro calls is rendered here directly, which
    leaves mkdocs-macros plain text to pass through.
    """
    if env.page.meta.get("render_macros") is False:  # the writer asked for the page as it is
        return
    book: FigureBook = env.variables["figures"]
    known = set(env.variables) | set(env.macros) | set(env.filters) | set(env.env.globals) | JINJA_NAMES
    placed = env.variables["exhibits"]
    exhibit_names = [*placed.tables, *placed.charts]
    calls = simple_calls(env.markdown)
    if calls is None:
        problems = check_template(env.markdown, env.env, book.keys(), known, exhibit_names)
    else:
        problems = check_calls(calls, book.keys(), set(env.macros), exhibit_names)
    if not problems:
        if calls is not None:
            env.markdown = render_calls(env.markdown, calls, env.macros)
            # nothing is left for Jinja: mkdocs-macros may pass the page through untouched
            env.page.meta[_SKIP] = False
        return
    page = env.page
    offset = front_matter_lines(page.file.content_string, env.markdown)
    where = f"{Path(env.conf.docs_dir).name}/{page.file.src_uri}"
    lines = [f"{where}:{p.line + offset}: {p.message}" + (f"（提示：{p.hint}）" if p.hint else "") for p in problems]
    raise PluginError("\n".join(lines))


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
