"""The page's template as the build renders it, for the rules that need names or rendered text."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass

import jinja2

from shenbao.check.page import Page
from shenbao.project.exhibits import Exhibits
from shenbao.project.figures import FigureBook
from shenbao.site.macros import make_macros
from shenbao.site.template_calls import (
    EXHIBIT_MACROS,
    FIGURE_MACRO,
    JINJA_NAMES,
    Call,
    Reference,
    exhibit_references,
    figure_references,
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


def render(page: Page, figures: FigureBook, exhibits: Exhibits) -> str:
    """The page's Markdown with figures, tables and their numbers filled in, as the build renders it."""
    template = environment().from_string("\n".join(page.lines[page.body_start :]))
    return exhibits.resolve(template.render(**page_macros(figures, exhibits, page)))


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
    calls = simple_calls(text)
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
