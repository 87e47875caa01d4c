"""The page's template as the build renders it, for the rules that need names or rendered text."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import jinja2

from shenbao.check.page import Page
from shenbao.project.exhibits import Exhibits
from shenbao.project.figures import FigureBook
from shenbao.site import sandbox
from shenbao.site.macros import OWN_MACROS, make_macros
from shenbao.site.template_calls import (
    EXHIBIT_MACROS,
    FIGURE_MACRO,
    JINJA_NAMES,
    Call,
    Reference,
    exhibit_references,
    figure_references,
    render_calls,
    simple_calls,
)

VARIABLES = ("figures", "exhibits", "page", "config")  # what mkdocs-macros puts beside the macros


def page_macros(figures: FigureBook, exhibits: Exhibits, page: Page) -> dict[str, Callable]:
    """The macros a page is rendered with."""
    return make_macros(figures, exhibits, lambda: page.uri)


@functools.cache
def environment() -> jinja2.Environment:
    return jinja2.Environment()


def known_names(macros: dict[str, Callable]) -> set[str]:
    return set(macros) | set(VARIABLES) | set(environment().globals) | JINJA_NAMES


@functools.lru_cache(maxsize=4096)  # five rules read each page's calls; parsing them once is enough
def calls_of(text: str) -> list[Call] | None:
    """``simple_calls``, remembered for the run: the calls are read, never changed."""
    return simple_calls(text)


def rendered_page(page: Page, figures: FigureBook, exhibits: Exhibits, docs_dir: Path) -> str:
    """The page's Markdown after its template, rendered as the build renders it: the same sandbox,
    the same budget, the same context (our macros and the page's metadata), so ``check`` never
    passes what the build refuses. Raises ``sandbox.RenderError``."""
    return render_text("\n".join(page.lines[page.body_start :]), page, figures, exhibits, docs_dir)


def render_text(text: str, page: Page, figures: FigureBook, exhibits: Exhibits, docs_dir: Path) -> str:
    """Template text of ``page`` (all of it, or one of its lines) rendered the build's way."""
    macros = page_macros(figures, exhibits, page)
    calls = calls_of(text)
    if calls is not None:
        return render_calls(text, calls, macros)
    meta = {key: value for key, value in page.meta.items() if key not in sandbox.UNSAFE_NAMES}
    context = {**meta, **{name: macros[name] for name in OWN_MACROS if name in macros}, "figures": figures}
    return sandbox.render_bounded(text, _sandbox(docs_dir), context, carried=exhibits.numbers)


@functools.lru_cache(maxsize=8)
def _sandbox(docs_dir: Path) -> jinja2.Environment:
    return sandbox.page_environment(docs_dir)


def render(page: Page, figures: FigureBook, exhibits: Exhibits, docs_dir: Path | None = None) -> str:
    """The page's Markdown with figures, tables and their numbers filled in; as it stands when it cannot render
    (the ``published-html`` and ``template`` rules say why)."""
    try:
        return exhibits.resolve(rendered_page(page, figures, exhibits, docs_dir or Path("docs")))
    except sandbox.RenderError:
        return "\n".join(page.lines[page.body_start :])


FIGURE, EXHIBIT, OTHER = "figure", "exhibit", "other"


@dataclass(frozen=True)
class MacroUse:
    kind: str  # FIGURE, EXHIBIT or OTHER (a macro call the build may not know)
    macro: str
    name: str
    line: int
    column: int  # 1 where only Jinja's parser could read the page: it knows lines, not columns


def macro_uses(page: Page) -> list[MacroUse] | None:
    """Every figure and exhibit the page names, or None when its template does not parse."""
    return _uses_in(page.text)


@functools.lru_cache(maxsize=4096)  # four rules ask for each page's uses; reading them once is enough
def _uses_in(text: str) -> list[MacroUse] | None:
    calls = calls_of(text)
    if calls is not None:
        return [MacroUse(_kind(c.macro), c.macro, c.argument, c.line, _column(text, c)) for c in calls]
    try:
        tree = environment().parse(text)
    except jinja2.TemplateSyntaxError:
        return None
    figures = [_use(FIGURE, FIGURE_MACRO, r) for r in figure_references(tree)]
    return figures + [_use(EXHIBIT, "", r) for r in exhibit_references(tree)]


def _kind(macro: str) -> str:
    return FIGURE if macro == FIGURE_MACRO else EXHIBIT if macro in EXHIBIT_MACROS else OTHER


def _use(kind: str, macro: str, reference: Reference) -> MacroUse:
    return MacroUse(kind, macro, reference.name, reference.line, 1)


def _column(text: str, call: Call) -> int:
    return call.start - text.rfind("\n", 0, call.start)
