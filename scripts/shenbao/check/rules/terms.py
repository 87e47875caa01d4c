"""Wrong terms: the source's synonym spinning and the field's standard wording."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator

from shenbao.check.context import Context
from shenbao.check.page import Page
from shenbao.check.rule import SAFE, Finding, Fix, rule


@functools.cache
def _any_wrong(wrongs: tuple[str, ...]) -> re.Pattern:
    """Any wrong term: one search tells whether a line needs a closer look."""
    return re.compile("|".join(map(re.escape, sorted(wrongs, key=len, reverse=True))) or "(?!)")


@rule("term", "错误用词：源文本的同义词替换、本领域规范用语", fix=SAFE, settings="`data/terms.yml`")
def term(page: Page, context: Context) -> Iterator[Finding]:
    """检查什么：data/terms.yml 中列出的错误写法（spun：分享网站的同义词替换；term：规范用语）。

    为什么：源文本经过“同义词替换”，“计划生育”成了“规划生育”；这类错误读者一眼可见，拼写检查却查不出。

    示例：
        全市规划生育工作。

    如何修正：`make fix` 换成正确写法。正确写法包含错误写法时（“行政村”含“政村”）不会误报。
    """
    terms = context.settings.terms
    pattern = _any_wrong(tuple(t["wrong"] for t in terms))
    for number, line in enumerate(page.masked, start=1):
        if not pattern.search(line):
            continue
        for entry in terms:
            yield from _occurrences(line, number, entry)


def _occurrences(line: str, number: int, entry: dict) -> Iterator[Finding]:
    wrong, right = entry["wrong"], entry["right"]
    reason = entry.get("note") or ("分享网站的同义词替换" if entry.get("kind") == "spun" else "规范用语")
    start = line.find(wrong)
    while start != -1:
        if not (wrong in right and _inside(line, start, wrong, right)):  # 政村 inside 行政村 is right
            yield Finding(number, start + 1, f"“{wrong}”应为“{right}”", reason, Fix(number, start + 1, wrong, right))
        start = line.find(wrong, start + 1)


def _inside(line: str, start: int, wrong: str, right: str) -> bool:
    offset = right.find(wrong)
    return line[start - offset : start - offset + len(right)] == right
