"""The length a page may have, counted as a reviewer counts."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator

import jinja2
from mkdocs.exceptions import PluginError

from shenbao.check.context import Context
from shenbao.check.page import Page
from shenbao.check.rendering import render
from shenbao.check.rule import Finding, rule
from shenbao.check.rules.typography import CJK

_HTML = re.compile(r"<[^>\n]+>")


def reader_count(text: str) -> int:
    """Characters as a reviewer counts them: each Chinese character or full-width mark is one,
    each run of Latin letters or digits is one, spaces and Markdown syntax are none."""
    text = re.sub(r"^#{1,6}\s|\{[#.][^}]*\}|!?\[|\]\([^)]*\)|[*_`>|]", "", text, flags=re.M)
    return len(re.findall(rf"[{CJK}\u3000-\u303f\uff00-\uffef“”‘’—…]|[A-Za-z0-9.%]+", text))


@rule("length", "页面不超过 front matter 中 max_chars 限定的字数", settings="页面的 front matter（`max_chars`）")
def length(page: Page, context: Context) -> Iterator[Finding]:
    """检查什么：页面开头写了 `max_chars: 1200` 时，填入数据和表格后的正文字数（图不计）。

    为什么：申报材料常限定各部分字数；按审稿人的算法数（汉字和全角标点各算一个，一串字母或数字算一个），
    才不会在提交时才发现超出。

    示例：
        ---
        max_chars: 300
        ---

    如何修正：按提示删减字数。
    """
    limit = page.meta.get("max_chars")
    if not limit:
        return
    # a page that cannot render is reported by the template and reference rules
    with contextlib.suppress(jinja2.TemplateError, KeyError, PluginError):
        count = reader_count(
            _HTML.sub("", render(page, context.project.figures, context.project.exhibits, context.project.docs_dir))
        )
        if count > limit:
            yield Finding(1, 1, f"正文 {count} 字，超过限定的 {limit} 字", f"删减 {count - limit} 字")
