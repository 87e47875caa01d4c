"""mkdocs-macros module: the macros writers use in pages.

``{{ fig("population.births") }}`` renders a figure; ``{{ table("…") }}`` and
``{{ chart("…") }}`` place a table or chart of figures, ``{{ ref("…") }}`` names
its number; ``{{ missing("…") }}`` marks text the source lost. Pages are checked
before rendering so that every problem comes back with its file and line.
"""

from __future__ import annotations

import posixpath
from pathlib import Path

from mkdocs.exceptions import PluginError

from shenbao import exhibits, markers
from shenbao.figures import FigureBook, FigureDataError, UnknownFigureError, load_figures
from shenbao.references import JINJA_NAMES, check_calls, check_template, render_calls, simple_calls

DEFAULT_FIGURES_FILE = "data/figures.yml"
CHARTS_DIR = "charts"  # where chart images appear in the site
_SKIP = "render_macros"  # mkdocs-macros' own switch for a page


def figures_path(config) -> Path:
    project_dir = Path(config.config_file_path).parent
    return project_dir / config.extra.get("figures_file", DEFAULT_FIGURES_FILE)


def define_env(env) -> None:
    try:
        book = load_figures(figures_path(env.conf))
        placed = exhibits.load_exhibits(figures_path(env.conf).with_name("exhibits.yml"), book)
    except FigureDataError as error:
        raise PluginError(str(error)) from None
    except UnknownFigureError as error:
        raise PluginError(f"data/exhibits.yml: {error}") from None
    env.variables["figures"] = book
    env.variables["exhibits"] = placed

    @env.macro
    def table(name: str) -> str:
        """A table of figures under its numbered caption (表1 …)."""
        placed.check(name)
        return exhibits.table_markdown(placed.tables[name], book, placed.number(name))

    @env.macro
    def chart(name: str) -> str:
        """A chart of figures over its numbered caption (图1 …); its image is drawn by the build."""
        placed.check(name)
        spec = placed.charts[name]
        here = posixpath.dirname(env.page.file.src_uri) if env.page else ""
        image = posixpath.relpath(chart_uri(name), here or ".")
        missing = [book.get_figure(f) for f in spec.figure_names() if not book.get_figure(f).known]
        return exhibits.chart_markdown(spec, image, placed.number(name), list(dict.fromkeys(missing)))

    @env.macro
    def ref(name: str) -> str:
        """The number of a table or chart, e.g. 表1, wherever it is placed."""
        placed.check(name)
        return exhibits.reference_token(name)

    @env.macro
    def fig(name: str) -> str:
        """A figure as Markdown: ``1271人``, or 【待填：…】 while it is unknown."""
        try:
            return book.get_figure(name).as_markdown()
        except UnknownFigureError as error:
            page = env.page.file.src_uri if env.page else "?"
            raise PluginError(f"docs/{page}: {error}") from None

    @env.macro
    def missing(description: str) -> str:
        """Mark text the source lost, visibly, so the final build refuses it."""
        return markers.missing(description)


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
