"""Find what a page's template asks for, with line numbers, before it is rendered.

Rendering stops at the first error and mkdocs-macros reports it without a line;
parsing first lets the writer see file, line and a suggestion for every problem.
"""

from __future__ import annotations

from dataclasses import dataclass

import jinja2
from jinja2 import nodes

from shenbao.figures import closest_names

FIGURE_MACRO = "fig"
EXHIBIT_MACROS = ("table", "chart", "ref")


@dataclass(frozen=True)
class Problem:
    line: int  # 1-based, in the text given
    message: str
    hint: str = ""


@dataclass(frozen=True)
class Reference:
    name: str
    line: int


def parse_template(markdown: str, environment: jinja2.Environment) -> nodes.Template:
    return environment.parse(markdown)


def macro_calls(tree: nodes.Template, macros: tuple[str, ...]) -> list[Reference]:
    """Every call of one of ``macros`` with a literal first argument, in document order."""
    found = []
    for call in tree.find_all(nodes.Call):
        if isinstance(call.node, nodes.Name) and call.node.name in macros and call.args:
            argument = call.args[0]
            if isinstance(argument, nodes.Const) and isinstance(argument.value, str):
                found.append(Reference(argument.value, call.lineno))
    return sorted(found, key=lambda r: r.line)


def figure_references(tree: nodes.Template) -> list[Reference]:
    """Every ``fig("name")`` call with a literal name, in document order."""
    return macro_calls(tree, (FIGURE_MACRO,))


def exhibit_references(tree: nodes.Template) -> list[Reference]:
    """Every table, chart or caption reference a page makes."""
    return macro_calls(tree, EXHIBIT_MACROS)


def undefined_names(tree: nodes.Template, known: set[str]) -> list[Reference]:
    """Variables and macros the page uses that nothing defines."""
    assigned = {n.name for n in tree.find_all(nodes.Name) if n.ctx in ("store", "param")}
    assigned |= {m.name for m in tree.find_all(nodes.Macro)}
    return [
        Reference(n.name, n.lineno)
        for n in tree.find_all(nodes.Name)
        if n.ctx == "load" and n.name not in known and n.name not in assigned
    ]


def check_template(
    markdown: str, environment: jinja2.Environment, figure_names, known_names: set[str], exhibit_names=()
) -> list[Problem]:
    """All template problems of a page: syntax, unknown figures and exhibits, undefined names."""
    try:
        tree = parse_template(markdown, environment)
    except jinja2.TemplateSyntaxError as error:
        return [Problem(error.lineno, f"模板语法错误：{error.message}", "检查 {{ }} 和 {% %} 是否成对")]
    problems = []
    for ref in figure_references(tree):
        if ref.name not in figure_names:
            suggestions = closest_names(ref.name, figure_names)
            hint = f"是否想用：{'、'.join(suggestions)}" if suggestions else "在 data/figures.yml 中添加这一项"
            problems.append(Problem(ref.line, f"未知数据项 “{ref.name}”", hint))
    for ref in exhibit_references(tree):
        if ref.name not in exhibit_names:
            suggestions = closest_names(ref.name, exhibit_names)
            hint = f"是否想用：{'、'.join(suggestions)}" if suggestions else "在 data/exhibits.yml 中定义它"
            problems.append(Problem(ref.line, f"未知的表或图 “{ref.name}”", hint))
    for ref in undefined_names(tree, known_names):
        suggestions = closest_names(ref.name, known_names)
        hint = f"是否想用：{'、'.join(suggestions)}" if suggestions else '数据项请写成 fig("分组.名称")'
        problems.append(Problem(ref.line, f"未定义的名称 “{ref.name}”", hint))
    return sorted(problems, key=lambda p: p.line)
