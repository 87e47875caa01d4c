"""Rules on what pages ask of the data: figures, tables and charts that exist, template code that works."""

from __future__ import annotations

from collections.abc import Iterator

from shenbao.check.context import Context
from shenbao.check.page import Page
from shenbao.check.rendering import (
    EXHIBIT,
    FIGURE,
    OTHER,
    calls_of,
    environment,
    known_names,
    macro_uses,
    page_macros,
)
from shenbao.check.rule import PAGE, PROJECT, Finding, rule
from shenbao.project.figures import BUILD_FIGURES, closest_names
from shenbao.site.sandbox import RULE as TEMPLATE_UNSAFE
from shenbao.site.template_calls import MACRO_ARGUMENTS_RULE, check_calls, check_template
from shenbao.text import scanner


class _Everything:
    """Every name: lets check_template leave figures and exhibits to their own rules."""

    def __contains__(self, name) -> bool:
        return True

    def __iter__(self):
        return iter(())


def _suggest(name: str, candidates, fallback: str) -> str:
    close = closest_names(name, candidates)
    return f"是否想用：{'、'.join(close)}" if close else fallback


@rule("unknown-figure", "页面引用的数据项在 figures.yml 中存在", scope=PAGE, settings="`data/figures.yml`")
def unknown_figure(page: Page, context: Context) -> Iterator[Finding]:
    """检查什么：页面中 `{{ fig("分组.名称") }}` 引用的数据项是否在 data/figures.yml 中定义。

    为什么：引用不存在的数据项时构建会停止；在这里报告可以一次看到所有拼错的名称。

    示例：
        上半年出生人数为{{ fig("population.birth") }}。

    如何修正：改成提示中的名称，或在 data/figures.yml 中添加这一项。
    """
    book = context.project.figures
    for use in macro_uses(page) or []:
        if use.kind == FIGURE and use.name not in book:
            hint = _suggest(use.name, book, "在 data/figures.yml 中添加这一项")
            yield Finding(use.line, use.column, f"未知数据项 “{use.name}”", hint)


@rule("unknown-exhibit", "页面放置或引用的表、图在 exhibits.yml 中存在", scope=PAGE, settings="`data/exhibits.yml`")
def unknown_exhibit(page: Page, context: Context) -> Iterator[Finding]:
    """检查什么：`{{ table("…") }}`、`{{ chart("…") }}`、`{{ ref("…") }}` 中的表或图是否在 data/exhibits.yml 中定义。

    为什么：表图编号和内容都由 exhibits.yml 生成，名称拼错时构建会停止。

    示例：
        详见{{ ref("indicator") }}。

    如何修正：改成提示中的名称，或在 data/exhibits.yml 中定义它。
    """
    placed = context.project.exhibits
    names = [*placed.tables, *placed.charts]
    for use in macro_uses(page) or []:
        if use.kind == EXHIBIT and use.name not in names:
            yield Finding(
                use.line,
                use.column,
                f"未知的表或图 “{use.name}”",
                _suggest(use.name, names, "在 data/exhibits.yml 中定义它"),
            )


def _template_problems(page: Page, context: Context) -> list:
    """Every problem of the page's template code; figures and exhibits are left to their own rules."""
    known = known_names(page_macros(context.project.figures, context.project.exhibits, page))
    calls = calls_of(page.text)
    if calls is not None:  # nothing but macro calls: their names are all there is to check
        return check_calls(calls, _Everything(), known, _Everything())
    return check_template(page.text, environment(), _Everything(), known, _Everything(), context.project.docs_dir)


def _problems_of(kind: str, page: Page, context: Context) -> Iterator[Finding]:
    columns = {use.line: use.column for use in macro_uses(page) or [] if use.kind == OTHER}
    for problem in _template_problems(page, context):
        if problem.rule == kind:
            yield Finding(problem.line, columns.get(problem.line, 1), problem.message, problem.hint)


@rule("template", "模板代码语法正确、只用已定义的名称", scope=PAGE)
def template(page: Page, context: Context) -> Iterator[Finding]:
    """检查什么：页面中 `{{ }}`、`{% %}` 模板代码的语法，以及其中用到的名称是否都有定义；
    页面开头的 front matter（`---` 之间）能否读取。

    为什么：模板出错时构建会停止，而 mkdocs-macros 的报错不指出行号。

    示例：
        出生人数为{{ figure("population.births") }}。

    如何修正：按提示改正名称或补全括号；数据项写成 `fig("分组.名称")`。
    """
    if problem := scanner.front_matter_problem(page.text):
        line, said = problem
        yield Finding(line, 1, f"页面开头的 front matter 不是有效的 YAML：{said}", scanner.FRONT_MATTER_HINT)
    yield from _problems_of("", page, context)


@rule("template-unsafe", "页面不执行代码、不读取主机：只用宏和普通的 Jinja 语句", scope=PAGE)
def template_unsafe(page: Page, context: Context) -> Iterator[Finding]:
    """检查什么：页面模板中 `config`、`environment`、`page`、`lipsum`、`cycler`、`self` 等名称，
    以下划线开头的属性或键（`__globals__`、`__class__`），docs/ 以外或不是固定路径的 `{% include %}`，
    以及会在读者浏览器中执行的 HTML（`<script>`、`<iframe>`、`onclick=`、`javascript:`）。

    为什么：正文可能来自外部贡献者的拉取请求；这些写法能在构建机器上执行命令、读取文件，
    或把配置中的绝对路径和主机信息发布到网站上。构建同样拒绝它们，页面也只在沙箱中渲染。

    示例：
        {{ lipsum.__globals__["os"].popen("id").read() }}

    如何修正：删去这段代码；数字和名称写在 data/figures.yml，用 `fig("分组.名称")` 引用。
    """
    for line, found in scanner.active_html(page.text):
        yield Finding(line, 1, *scanner.active_html_problem(found))
    yield from _problems_of(TEMPLATE_UNSAFE, page, context)


@rule("macro-arguments", "宏的参数个数和写法正确", scope=PAGE)
def macro_arguments(page: Page, context: Context) -> Iterator[Finding]:
    """检查什么：`fig()`、`table()`、`chart()`、`ref()`、`missing()` 各有且只有一个文字参数。

    为什么：少了参数或多了参数，构建会在渲染时停下，而 mkdocs-macros 的报错不指出行号。

    示例：
        出生人数为{{ fig() }}。

    如何修正：写上数据项、表或图的名称，如 `fig("population.births")`。
    """
    return _problems_of(MACRO_ARGUMENTS_RULE, page, context)


@rule("unused-figure", "每个数据项都有页面使用，或标记 keep: true", scope=PROJECT, settings="`data/figures.yml`")
def unused_figure(context: Context) -> Iterator[Finding]:
    """检查什么：data/figures.yml 中的每个数据项是否至少被一个页面（或一张表、图）用到。

    为什么：没人用的数据项往往是拼错了引用，或者正文删掉后遗留的旧数据。

    示例：
        extra:
          unused: {label: 未使用, unit: 人, value: 1}

    如何修正：在正文中引用它，删去它，或标记 `keep: true`。
    """
    book, placed = context.project.figures, context.project.exhibits
    pages = [macro_uses(page) for page in context.pages]
    if None in pages:
        return  # a page that does not parse may use any figure; its syntax error is reported by template
    used = set(BUILD_FIGURES)
    for uses in pages:
        for use in uses:
            used |= (
                {use.name}
                if use.kind == FIGURE
                else set(placed.figure_names(use.name))
                if use.kind == EXHIBIT
                else set()
            )
    for figure in book.values():
        if figure.name not in used and not figure.keep:
            yield Finding(
                figure.line, 3, f"数据项 {figure.name} 没有页面使用", "在正文中引用，或标记 keep: true", path=book.path
            )
