"""Official sequence numbers typed at the start of a paragraph: the numbering the build cannot see."""

from __future__ import annotations

import re
from collections.abc import Iterator

from shenbao.check.context import Context
from shenbao.check.page import Page
from shenbao.check.rule import WARNING, Finding, rule

_CN = "一二三四五六七八九十百零〇"
# 一、 （一） 1． 1、 （1） at the start of a paragraph; ``1. `` followed by a space is a Markdown list
_TYPED = re.compile(rf"^(?:[{_CN}]+、|[（(][{_CN}\d]+[）)]|\d+(?:\\?[.．](?![\d\s])|、)|第[{_CN}\d]+[章条])")


@rule("typed-sequence", "正文段首没有手写的序号", severity=WARNING)
def typed_sequence(page: Page, context: Context) -> Iterator[Finding]:
    """检查什么：正文段落开头手写的公文序号，如“一、”“（一）”“1．”“（1）”。

    为什么：手写的序号不随章节移动重新编号，也不和标题的自动编号一致；从 Word 导入时，
    序号既像标题又像句子的段落照原样保留，由这条规则提醒核对，错乱的编号不会悄悄进入 DOCX。

    示例：
        1．全市性会议每年不超过4次。

    如何修正：若是标题，改为 Markdown 标题（## 标题）并删去序号；若是列举，改为列表（1. 句子），
    或确认无误后在 data/check.yml 中忽略本规则。
    """
    tables = page.table_rows
    for number, line in enumerate(page.masked, start=1):
        if number < page.body_start or number in tables or line.startswith(("#", " ", "\t", ">")):
            continue
        match = _TYPED.match(line)
        if match:
            typed = match.group(0).replace("\\", "")
            yield Finding(number, 1, f"段首手写了序号 “{typed}”", "改为标题或列表，编号由构建生成")
