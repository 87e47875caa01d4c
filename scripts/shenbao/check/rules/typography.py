"""Chinese typography: full-width punctuation, no spaces around digits, %, …… and ——."""

from __future__ import annotations

import re
from collections.abc import Iterator

from shenbao.check.context import Context
from shenbao.check.page import Page
from shenbao.check.rule import SAFE, Finding, Fix, rule

CJK = r"\u3400-\u9fff"
_FULL_WIDTH = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！", "(": "（", ")": "）"}


def _replace(pattern: re.Pattern, marks: str | tuple[str, ...], page: Page, message: str, repair) -> Iterator[Finding]:
    """Each match in the page's prose, repaired by ``repair(matched text)``.

    Every match holds one of the ``marks`` (characters, or strings where a character
    alone is too common, as 。 is); most lines hold none, and skipping them is what
    keeps a check of hundreds of pages quick.
    """
    for number, line in enumerate(page.prose, start=1):
        if not any(mark in line for mark in marks):
            continue
        for match in pattern.finditer(line):
            bad, column = match.group(0), match.start() + 1
            right = repair(bad)
            hint = f"改为“{right}”" if right else "删去空格"
            yield Finding(number, column, message, hint, Fix(number, column, bad, right))


# Lookarounds keep each match to exactly what is wrong.
_HALF_MARK = re.compile(rf"(?<=[{CJK}])[,;:?!]|[,;:?!](?=[{CJK}])")
_HALF_STOP = re.compile(rf"(?<=[{CJK}])\.(?!\.)(?=[{CJK}]|\s*$)")  # 句号 only: 3.8, a.docx and ... are not one
_HALF_BRACKET = re.compile(rf"\((?=[{CJK}])|(?<=[{CJK}])\)")
_SPACE = re.compile(rf"(?<=[{CJK}]) +(?=\d)|(?<=\d) +(?=[{CJK}])")
_PERCENT = re.compile(r"(?<=\d)％")
_ELLIPSIS = re.compile(r"\.{3,}|。{3,}|(?<!…)…(?!…)")
_DASH = re.compile(rf"(?<=[{CJK}])(?:--+|—(?!—))(?=[{CJK}])")


@rule("punctuation", "中文里用全角标点和括号", fix=SAFE)
def punctuation(page: Page, context: Context) -> Iterator[Finding]:
    """检查什么：紧挨汉字的半角逗号、分号、冒号、问号、叹号和括号，汉字之后的半角句点。

    为什么：公文正文一律用全角标点（GB/T 15834）；半角标点在 Word 中字距不对，审稿人会当作错别字。

    示例：
        工作开展,成效明显(见附件)。

    如何修正：`make fix` 换成全角标点。
    """
    yield from _replace(_HALF_MARK, ",;:?!", page, "中文里用了半角标点", _FULL_WIDTH.get)
    yield from _replace(_HALF_STOP, ".", page, "中文里用了半角句点", lambda _: "。")
    yield from _replace(_HALF_BRACKET, "()", page, "中文里用了半角括号", _FULL_WIDTH.get)


@rule("quotes", "中文里用全角引号", fix=SAFE)
def quotes(page: Page, context: Context) -> Iterator[Finding]:
    """检查什么：包着汉字的半角双引号 "…"。

    为什么：中文引号是“”，半角引号在 DOCX 中不成对，也不随字体变化。

    示例：
        开展"双创"工作。

    如何修正：`make fix` 换成“”。
    """
    for number, line in enumerate(page.prose, start=1):
        if '"' not in line:
            continue
        for start, end, paired in quote_pairs(line):
            if not paired:
                yield Finding(number, start + 1, "半角引号在这一句中不成对", "手工改为“”：自动修正可能把引号改反")
            elif _chinese_pair(line, start, end):
                inner = line[start + 1 : end]
                yield Finding(
                    number,
                    start + 1,
                    "中文里用了半角引号",
                    "改为“”",
                    Fix(number, start + 1, f'"{inner}"', f"“{inner}”"),
                )


_SENTENCE_END = re.compile(r"(?<=[。！？；])")
_WIDE = re.compile(rf"[{CJK}\u3000-\u303f\uff00-\uffef]")


def quote_pairs(line: str) -> Iterator[tuple[int, int, bool]]:
    """(opening, closing, paired) positions of the straight double quotes of a line, paired sentence by sentence.

    A sentence holding an odd number of them yields its first quote unpaired: which ones belong together
    cannot be known, and a wrong guess turns the quotation inside out.
    """
    offset = 0
    for sentence in _SENTENCE_END.split(line):
        marks = [offset + i for i, char in enumerate(sentence) if char == '"']
        offset += len(sentence)
        if len(marks) % 2:
            yield marks[0], marks[0], False
            continue
        for opening, closing in zip(marks[::2], marks[1::2], strict=True):
            yield opening, closing, True


def _chinese_pair(line: str, start: int, end: int) -> bool:
    """Quotes in Chinese: around Chinese or full-width text, or touching it (半角点"."); "English" stays."""
    before = line[start - 1] if start else ""
    after = line[end + 1] if end + 1 < len(line) else ""
    return bool(_WIDE.search(line[start + 1 : end]) or _WIDE.match(before) or _WIDE.match(after))


@rule("spacing", "汉字和数字之间不加空格", fix=SAFE)
def spacing(page: Page, context: Context) -> Iterator[Finding]:
    """检查什么：汉字与阿拉伯数字之间的空格。

    为什么：公文排版中汉字与数字直接相连；多出的空格在两端对齐时会被拉宽。

    示例：
        国道编号 217。

    如何修正：`make fix` 删去空格。
    """
    yield from _replace(_SPACE, " ", page, "汉字和数字之间不加空格", lambda bad: "")


@rule("percent", "百分号用半角“%”", fix=SAFE)
def percent(page: Page, context: Context) -> Iterator[Finding]:
    """检查什么：数字后的全角百分号“％”。

    为什么：数据项生成的百分数用“%”，同一文件中两种写法并存显得不统一。

    示例：
        满意率达98％。

    如何修正：`make fix` 换成“%”。
    """
    yield from _replace(_PERCENT, "％", page, "百分号用“%”", lambda bad: "%")


@rule("ellipsis", "省略号写作“……”", fix=SAFE)
def ellipsis(page: Page, context: Context) -> Iterator[Finding]:
    """检查什么：用句点、句号或单个“…”写的省略号。

    为什么：中文省略号是两个“…”，占两个字的位置。

    示例：
        宣传工作...

    如何修正：`make fix` 换成“……”。
    """
    yield from _replace(_ELLIPSIS, ("...", "。。。", "…"), page, "省略号应为“……”", lambda bad: "……")


@rule("dash", "破折号写作“——”", fix=SAFE)
def dash(page: Page, context: Context) -> Iterator[Finding]:
    """检查什么：汉字之间用连字符“--”或单个“—”写的破折号。

    为什么：中文破折号是两个“—”，占两个字的位置。

    示例：
        工作--成效。

    如何修正：`make fix` 换成“——”。
    """
    yield from _replace(_DASH, "-—", page, "破折号应为“——”", lambda bad: "——")
