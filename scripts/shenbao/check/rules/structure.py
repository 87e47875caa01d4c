"""The shape of the document: every page in the navigation, headings the build can number, no empty sections."""

from __future__ import annotations

import re
from collections.abc import Iterator

from shenbao.check.context import Context
from shenbao.check.page import Page
from shenbao.check.rule import PROJECT, WARNING, Finding, rule
from shenbao.project import numbering

_HEADING = re.compile(r"^(?P<hashes>#{1,6})[ \t]+(?P<title>.*)$")


def headings(page: Page) -> list[tuple[int, int, str]]:
    """(line, level, title) of every heading outside code."""
    found = []
    for number, line in enumerate(page.masked, start=1):
        match = _HEADING.match(line)
        if match:
            found.append((number, len(match["hashes"]), match["title"].strip()))
    return found


@rule("nav", "每个页面都在 mkdocs.yml 的 nav 中", scope=PROJECT, settings="`mkdocs.yml`（nav）")
def nav(context: Context) -> Iterator[Finding]:
    """检查什么：docs/ 中的每个页面是否列在 mkdocs.yml 的 nav 里（没有 nav 时按文件名排序，不检查），
    以及 nav 中的每个页面在 docs/ 中是否存在。

    为什么：不在 nav 中的页面，网站上没有入口，在 DOCX 中排在最后。

    示例：
        docs/xin-yemian.md 写好了，但 nav 中没有它。

    如何修正：把页面加入 mkdocs.yml 的 nav，放在应有的位置。
    """
    order = context.project.nav
    if order is None:
        return
    for page in context.pages:
        if page.uri not in order and not {"nav", "all"} & page.ignored.get(1, set()):
            yield Finding(1, 1, "页面不在 mkdocs.yml 的 nav 中", "加入 nav，读者才能按顺序看到", path=page.path)
    docs = context.project.docs_dir
    config = context.project.root / "mkdocs.yml"
    lines = config.read_text(encoding="utf-8-sig").split("\n") if config.is_file() else []
    for entry in order:
        if "://" in entry or (docs / entry).is_file():
            continue
        line = next((i for i, text in enumerate(lines, 1) if entry in text), 1)
        hint = "改正文件名，或从 nav 中删去这一行"
        yield Finding(line, 1, f"nav 中的 “{entry}” 在 docs/ 中不存在", hint, path="mkdocs.yml")


@rule("typed-heading-number", "标题不手写编号")
def typed_heading_number(page: Page, context: Context) -> Iterator[Finding]:
    """检查什么：标题开头手写的编号，如“一、”“（一）”“1.”“（1）”。

    为什么：编号由结构自动生成，移动章节后全文重新编号；手写的编号会和生成的重复。

    示例：
        ## 一、带编号的标题

    如何修正：删去手写的编号。
    """
    for number, level, title in headings(page):
        typed = numbering.typed_number(title)
        if typed and title.endswith("{.unnumbered}"):
            # kept by the import: the file's own number, which the build would have printed otherwise
            yield Finding(
                number,
                level + 2,
                f"标题里写了编号 “{typed}”，构建不为它编号（与按层级生成的编号不同）",
                "核对原文的编号：删去编号和 {.unnumbered}，由构建按层级重新编号",
            )
        elif typed:
            yield Finding(number, level + 2, f"标题里写了编号 “{typed}”", "编号自动生成，删去它")


@rule("heading-depth", "标题不超过四级：五、六级标题不编号", severity=WARNING)
def heading_depth(page: Page, context: Context) -> Iterator[Finding]:
    """检查什么：五级、六级标题（##### 和 ######）。

    为什么：公文的标题编号只有四级（一、（一）1.（1））；更深的标题构建时不编号，看起来像漏了编号。

    示例：
        ##### 第五级标题

    如何修正：调整结构，把内容并入上一级，或改写成段落。
    """
    for number, level, _ in headings(page):
        if level > len(numbering.LEVEL_STYLES):
            yield Finding(number, 1, f"{level} 级标题不会编号", "标题最多四级（一、（一）1.（1））")


@rule("empty-section", "没有空节：标题下有内容")
def empty_section(page: Page, context: Context) -> Iterator[Finding]:
    """检查什么：标题下到下一个同级或更高级标题之间没有任何内容。

    为什么：空节是没写完的地方，在 DOCX 中只剩一个孤立的标题。

    示例：
        ## 空的一节

        ## 下一节

    如何修正：补写内容，或删去标题。
    """
    found = headings(page)
    for index, (number, level, _) in enumerate(found):
        end, next_level = (
            (found[index + 1][0], found[index + 1][1]) if index + 1 < len(found) else (len(page.masked) + 1, 0)
        )
        has_text = any(line.strip() for line in page.masked[number : end - 1])
        if not has_text and next_level <= level:
            yield Finding(number, 1, "这一节没有内容", "补写内容，或删去标题")


@rule("page-title", "每页以一级标题开头：页面是有标题的一节", severity=WARNING)
def page_title(page: Page, context: Context) -> Iterator[Finding]:
    """检查什么：页面（封面和不进入 DOCX 的页面除外）是否有标题，第一个标题是否是一级标题（`# `）。

    为什么：一页是材料的一节，它的一级标题编号为“一、”“二、”，网站的导航和 DOCX 的目录都用它。
    没有标题的页面（常见于从 Word 粘贴或导入、原文没有标题样式时）在 DOCX 中接在上一节后面，
    目录里找不到；从二级标题开始的页面会把编号接到上一节下面。

    示例：
        （整页都是正文，没有一行以 # 开头）

    如何修正：在页首写一级标题，如 `# 基本情况`；编号不用写，构建时自动生成。
    """
    if page.meta.get("docx") in ("cover", False) or page.meta.get("kind") == "attachment":
        return
    found = headings(page)
    if not found:
        yield Finding(page.body_start + 1, 1, "页面没有标题", "在页首写一级标题，如 # 基本情况")
    elif found[0][1] != 1:
        line, level, _title = found[0]
        yield Finding(line, 1, f"页面的第一个标题是 {level} 级", "页首写一级标题（# ），其下的小节再用 ## ")
