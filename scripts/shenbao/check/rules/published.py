"""Rules on the page as it is published: rendered exactly as the build renders it, then sanitized."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator

import jinja2
from mkdocs.exceptions import PluginError

from shenbao.check.context import Context
from shenbao.check.page import Page
from shenbao.check.rendering import render_text, rendered_page
from shenbao.check.rule import PAGE, Finding, rule
from shenbao.errors import ShenbaoError
from shenbao.site import sanitize
from shenbao.site.sandbox import RenderError

# Python-Markdown extensions the template's mkdocs.yml uses: what turns a page's Markdown into HTML.
EXTENSIONS = ("attr_list", "md_in_html", "footnotes", "tables", "toc")


@rule("published-html", "页面渲染后没有会被删去的脚本、表单和外部资源，渲染在限额之内", scope=PAGE)
def published_html(page: Page, context: Context) -> Iterator[Finding]:
    """检查什么：按构建的方式渲染页面（宏、模板和 Markdown），报告网站发布时会删去的内容：
    `<script>`、事件属性（`onerror=`）、`javascript:` 和 `data:` 地址（包括 `&#106;avascript:`
    这类写法）、表单、`<meta>`、`<iframe>`、外部网站的图片和样式、覆盖页面的 `style`；
    以及渲染时超过时间、内存或大小限额的页面。

    为什么：网站由拉取请求构建、给别人阅读；模板可以拼出源文件中看不出的 HTML。
    构建会删去这些内容、拒绝超过限额的页面；这里在提交前指出它们所在的行。

    示例：
        {{ "<scr" ~ "ipt>alert(1)</scr" ~ "ipt>" }}

    如何修正：删去这段 HTML；图片放在 docs/ 中，用相对路径引用。
    """
    try:
        rendered = rendered_page(page, context.project.figures, context.project.exhibits, context.project.docs_dir)
    except RenderError as error:
        line = page.body_start + error.line if error.line else page.body_start + 1
        # a macro's PluginError arrives with its hint already written into the message
        yield Finding(line, 1, error.message, error.hint)
        return
    except (ShenbaoError, KeyError, jinja2.TemplateError, PluginError):
        return  # an unknown figure or exhibit, a macro's mistake: the template and reference rules say it
    without_footnote_labels = FOOTNOTE_DEFINITION.sub("", rendered)
    if not any(mark in without_footnote_labels for mark in MARKUP_MARKS):
        return  # plain text, headings, lists and links within the site: nothing the sanitizer would take
    html = _to_html(rendered)
    reported: set[tuple[int, str]] = set()
    for removal in sanitize.removals(html):
        line = _line_of(removal, page, context, reported)
        if (line, removal.what) not in reported:
            reported.add((line, removal.what))
            yield Finding(line, 1, sanitize.removal_message(removal), sanitize.REMOVAL_HINT)


# What the sanitizer removes can only come from raw HTML (<), an attribute list ({: …}) or a link or
# image target that names a scheme or another host (: or //, or & for an entity spelling them): the
# rest of Markdown makes fixed, harmless markup. A page with none of these is not converted at all,
# which is most of what this rule would cost.
MARKUP_MARKS = ("<", "{", "&", ":", "//")
FOOTNOTE_DEFINITION = re.compile(r"^ {0,3}\[\^[^\]\s]+\]:", re.M)  # its colon names no scheme


def _to_html(markdown_text: str) -> str:
    return _converter().reset().convert(markdown_text)


@functools.cache
def _converter():
    """One converter for every page: setting up the extensions costs as much as converting a short page."""
    import markdown

    return markdown.Markdown(extensions=list(EXTENSIONS))


def _line_of(removal: sanitize.Removal, page: Page, context: Context, taken: set) -> int:
    """The source line the removed markup comes from: the line that makes it when rendered alone,
    else the first line naming it, else the page's first line."""
    body = page.lines[page.body_start :]
    project = context.project
    for index, text in enumerate(body):
        if (page.body_start + index + 1, removal.what) in taken or not any(c in text for c in "<{]&"):
            continue  # neither HTML, a template nor a link: it cannot make markup
        try:
            alone = render_text(text, page, project.figures, project.exhibits, project.docs_dir)
        except Exception:  # a line of a {% for %} block does not render on its own
            continue
        if any(r.what == removal.what for r in sanitize.removals(_to_html(alone))):
            return page.body_start + index + 1
    word = removal.what.strip("<>").split()[-1].split(":")[0].lower()
    for index, text in enumerate(body):
        if word and word in text.lower():
            return page.body_start + index + 1
    return page.body_start + 1
