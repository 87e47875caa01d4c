"""Find what a page's template asks for, with line numbers, before it is rendered.

Rendering stops at the first error and mkdocs-macros reports it without a line;
parsing first lets the writer see file, line and a suggestion for every problem.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import jinja2
from jinja2 import nodes

from shenbao.project.figures import closest_names
from shenbao.site import sandbox

# Names Jinja itself provides inside templates, besides its globals (range, dict …).
JINJA_NAMES = frozenset({"loop", "self", "caller", "varargs", "kwargs"})
FIGURE_MACRO = "fig"
EXHIBIT_MACROS = ("table", "chart", "ref")
# Our macros, each taking exactly one argument: what it is, for the message when it is missing.
MACRO_ARGUMENTS = {
    "fig": '数据项名称，如 fig("population.total")',
    "table": '表的名称，如 table("indicators")',
    "chart": '图的名称，如 chart("funding")',
    "ref": '表或图的名称，如 ref("indicators")',
    "missing": '缺失内容的说明，如 missing("原件此处缺页")',
    "photos": '照片所在的文件夹（相对本页），如 photos("img/活动照片")',
}


MACRO_ARGUMENTS_RULE = "macro-arguments"  # the rule id of a macro called with the wrong arguments


@dataclass(frozen=True)
class Problem:
    line: int  # 1-based, in the text given
    message: str
    hint: str = ""
    rule: str = ""  # e.g. template-unsafe, macro-arguments; "" for the kinds told apart by message


@dataclass(frozen=True)
class Reference:
    name: str
    line: int


_SIMPLE_CALL = re.compile(
    r"\{\{\s*(?P<macro>[A-Za-z_]\w*)\(\s*(?P<quote>[\"'])(?P<arg>[^\"'\\\n{}]*)(?P=quote)\s*\)\s*\}\}"
)
_ANY_TAG = re.compile(r"\{[{%#]")


@dataclass(frozen=True)
class Call:
    """``{{ macro("argument") }}`` at a place in the page."""

    macro: str
    argument: str
    line: int
    start: int
    end: int


def simple_calls(markdown: str) -> list[Call] | None:
    """The page's template code, when it is nothing but macro calls with one literal argument.

    Almost every page is like that, and a regular expression reads it many
    times faster than Jinja's parser; any other template code returns None.
    """
    matches = list(_SIMPLE_CALL.finditer(markdown))
    if len(_ANY_TAG.findall(markdown)) != len(matches):
        return None
    calls, line, position = [], 1, 0
    for match in matches:
        line += markdown.count("\n", position, match.start())
        position = match.start()
        calls.append(Call(match["macro"], match["arg"], line, match.start(), match.end()))
    return calls


def check_calls(calls: list[Call], figure_names, known_names: set[str], exhibit_names=()) -> list[Problem]:
    """The problems of a page made only of simple calls, as ``check_template`` finds them."""
    problems = []
    for call in calls:
        if call.macro == FIGURE_MACRO and call.argument not in figure_names:
            problems.append(
                _unknown(call.argument, call.line, figure_names, "未知数据项", "在 data/figures.yml 中添加这一项")
            )
        elif call.macro in EXHIBIT_MACROS and call.argument not in exhibit_names:
            problems.append(
                _unknown(call.argument, call.line, exhibit_names, "未知的表或图", "在 data/exhibits.yml 中定义它")
            )
        elif call.macro in sandbox.UNSAFE_NAMES:
            use = sandbox.unsafe_name(call.macro, call.line)
            problems.append(Problem(use.line, use.message, use.hint, use.rule))
        elif call.macro not in known_names:
            problems.append(
                _unknown(call.macro, call.line, known_names, "未定义的名称", '数据项请写成 fig("分组.名称")')
            )
    return problems


_LITERAL_FIGURE_CALL = re.compile(r"""\bfig\(\s*(["'])(?P<name>[^"'\\\n{}]+)\1\s*\)""")


def figure_names_in_text(markdown: str) -> set[str]:
    """The figures a page names in ``fig("…")``, found without Jinja's parser.

    For a page with a syntax error: its one error is reported, and its figures
    must not all be reported as unused besides.
    """
    return {match["name"] for match in _LITERAL_FIGURE_CALL.finditer(markdown)}


def render_calls(markdown: str, calls: list[Call], macros: dict) -> str:
    """The page with every simple call replaced by what its macro returns."""
    parts, position = [], 0
    for call in calls:
        parts += [markdown[position : call.start], str(macros[call.macro](call.argument))]
        position = call.end
    parts.append(markdown[position:])
    return "".join(parts)


def _unknown(name: str, line: int, candidates, message: str, fallback_hint: str) -> Problem:
    suggestions = closest_names(name, candidates)
    hint = f"是否想用：{'、'.join(suggestions)}" if suggestions else fallback_hint
    return Problem(line, f"{message} “{name}”", hint)


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


def macro_argument_problems(tree: nodes.Template) -> list[Problem]:
    """Calls of our macros with other than one argument: rendering would stop with a traceback."""
    problems = []
    for call in tree.find_all(nodes.Call):
        if not (isinstance(call.node, nodes.Name) and call.node.name in MACRO_ARGUMENTS):
            continue
        if len(call.args) != 1 or call.kwargs or call.dyn_args or call.dyn_kwargs:
            name = call.node.name
            problems.append(
                Problem(
                    call.lineno,
                    f"{name} 需要正好一个参数，这里给了 {len(call.args) + len(call.kwargs)} 个",
                    f"写成 {name}(…)，参数是{MACRO_ARGUMENTS[name]}",
                    MACRO_ARGUMENTS_RULE,
                )
            )
    return problems


def check_template(
    markdown: str,
    environment: jinja2.Environment,
    figure_names,
    known_names: set[str],
    exhibit_names=(),
    include_root: Path | None = None,
) -> list[Problem]:
    """All template problems of a page: syntax, unsafe uses, wrong arguments, unknown names.

    ``include_root``, the folder includes are read from, lets an include of a
    missing file be reported here too.
    """
    try:
        tree = parse_template(markdown, environment)
    except jinja2.TemplateSyntaxError as error:
        return [Problem(error.lineno, f"模板语法错误：{error.message}", "检查 {{ }} 和 {% %} 是否成对")]
    problems = [Problem(u.line, u.message, u.hint, u.rule) for u in sandbox.unsafe_uses(tree, include_root)]
    problems += macro_argument_problems(tree)
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
    for ref in undefined_names(tree, known_names - sandbox.UNSAFE_NAMES):
        if ref.name in sandbox.UNSAFE_NAMES:
            continue  # reported above as unsafe
        suggestions = closest_names(ref.name, known_names - sandbox.UNSAFE_NAMES)
        hint = f"是否想用：{'、'.join(suggestions)}" if suggestions else '数据项请写成 fig("分组.名称")'
        problems.append(Problem(ref.line, f"未定义的名称 “{ref.name}”", hint))
    return sorted(problems, key=lambda p: p.line)
