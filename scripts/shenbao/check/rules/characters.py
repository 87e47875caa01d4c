"""Characters in a page that a reviewer cannot see, or that show other text than the file holds."""

from __future__ import annotations

from collections.abc import Iterator

from shenbao.check.context import Context
from shenbao.check.page import Page
from shenbao.check.rule import SAFE, Finding, Fix, rule
from shenbao.project.datafile import HIDDEN, hidden_problem


@rule("hidden-character", "页面中没有看不见的字符：控制字符、文字方向控制符、零宽字符", fix=SAFE)
def hidden_character(page: Page, context: Context) -> Iterator[Finding]:
    """检查什么：页面中的控制字符、文字方向控制符（U+202A–202E、U+2066–2069 等）和零宽字符
    （U+200B–200D、U+2060、U+FEFF），包括模板代码中的。

    为什么：这些字符在编辑器、网页和审阅工具中看不见，或让显示的文字与文件中的不同
    （“\\u202e0054” 显示为 4500）；审阅者据以批准的不是文件真正的内容。数据文件中的同样字符构建时直接报错。

    示例：
        上半年出生人数为1271人。（从网页复制时“1271”后带进了一个看不见的零宽空格 U+200B）

    如何修正：`make fix` 删去这些字符。
    """
    for number, line in enumerate(page.lines, start=1):
        if line.isascii() and line.isprintable():
            continue  # most lines: nothing to look for
        for match in HIDDEN.finditer(line):
            message, _ = hidden_problem(match.group(), "页面")
            column = match.start() + 1
            yield Finding(number, column, message, "make fix 删去这个字符", Fix(number, column, match.group(), ""))
