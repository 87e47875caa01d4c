"""Links, anchors and images: what MkDocs' strict build refuses without saying where."""

from __future__ import annotations

import posixpath
from collections.abc import Iterator

from shenbao.check.context import Context
from shenbao.check.page import Page
from shenbao.check.rule import Finding, rule
from shenbao.project.document import resolve_path
from shenbao.text.scanner import Link, external_image


def _targets(page: Page, images: bool) -> Iterator[tuple[Link, str, str]]:
    """(link, path below docs/, fragment) of every local link or image of the page."""
    for link in page.links:
        if link.image == images and not link.external:
            path, _, fragment = link.target.partition("#")
            yield link, (resolve_path(page.uri, path) if path else page.uri), fragment


@rule("link", "链接指向 docs/ 中存在的页面或文件")
def link(page: Page, context: Context) -> Iterator[Finding]:
    """检查什么：页面中相对链接 `[文字](目标.md)` 的目标是否存在。

    为什么：MkDocs 的严格构建遇到死链接会停止，但只说是哪一页，不说哪一行。

    示例：
        见[工作](nowhere.md)。

    如何修正：链接写成 docs/ 中页面的相对路径，如 jiben-qingkuang.md。
    """
    docs = context.project.docs_dir
    for found, resolved, _ in _targets(page, images=False):
        path = found.target.partition("#")[0]
        if path and not path.endswith(".md"):
            if not (docs / resolved).exists():
                yield Finding(found.line, found.column, f"链接目标 “{found.target}” 不存在")
        elif resolved not in context.by_uri:
            hint = "链接写成 docs/ 中页面的相对路径，如 jiben-qingkuang.md"
            yield Finding(found.line, found.column, f"链接目标 “{path}” 不存在", hint)


@rule("anchor", "链接中的锚点（#标题）在目标页面中存在")
def anchor(page: Page, context: Context) -> Iterator[Finding]:
    """检查什么：`[文字](页面.md#锚点)` 中的锚点是否是目标页面某个标题的 id。

    为什么：标题改了以后旧锚点失效，链接只会跳到页首，没人发现。

    示例：
        见[基本情况](jiben-qingkuang.md#没有这个锚点)。

    如何修正：改用提示中的锚点，或在标题后写 `{ #锚点 }` 固定它。
    """
    for found, resolved, fragment in _targets(page, images=False):
        anchors = context.anchors.get(resolved)
        if fragment and anchors is not None and fragment not in anchors:
            close = sorted(sorted(anchors), key=lambda a: -len(set(a) & set(fragment)))[:1]
            hint = f"是否想用：#{close[0]}" if close else ""
            yield Finding(found.line, found.column, f"“{resolved}” 中没有锚点 “#{fragment}”", hint)


@rule("image", "图片存在，且用 docs/ 之内的相对路径")
def image(page: Page, context: Context) -> Iterator[Finding]:
    """检查什么：`![说明](路径)` 中的图片文件是否存在，路径是否是 docs/ 之内的相对路径（不是网址）。

    为什么：缺图时构建会停止；绝对路径（/img/a.png）和走出 docs/ 的 ../ 路径在网站和 DOCX 中都找不到文件，
    MkDocs 只给出一条英文警告。

    示例：
        ![图](img/none.png)
        ![图](/img/logo.png)
        ![图](../../photos/a.png)

    如何修正：把图片放进 docs/ 下（如 docs/img/），写成相对于页面的路径。
    """
    for found in page.links:
        if found.image and found.external:
            yield Finding(found.line, found.column, *external_image(found.target))
    docs = context.project.docs_dir
    for found, resolved, _ in _targets(page, images=True):
        if found.target.startswith("/"):
            yield Finding(
                found.line, found.column, f"图片 “{found.target}” 用了绝对路径", "写成相对于页面的路径，如 img/a.png"
            )
        elif resolved == ".." or resolved.startswith("../") or posixpath.isabs(resolved):
            yield Finding(
                found.line, found.column, f"图片 “{found.target}” 在 docs/ 之外", "把图片放进 docs/，如 docs/img/"
            )
        elif not (docs / resolved).is_file():
            yield Finding(found.line, found.column, f"图片 “{found.target}” 不存在", f"应在 docs/{resolved}")
