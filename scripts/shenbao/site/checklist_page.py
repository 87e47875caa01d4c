"""The reviewers' checklist: everything still open, generated, never typed.

It is a page of the site only: the DOCX leaves it out.
"""

from __future__ import annotations

import html

from shenbao.project.document import OpenItem, Place
from shenbao.project.figures import escape_markdown
from shenbao.project.markers import MISSING, PLACEHOLDER

REVIEW_PAGE = "review.md"
REVIEW_TITLE = "审阅清单"
# Front matter of the generated file: kept out of the DOCX and out of numbering.
STUB = "---\ndocx: false\n---\n"


def _link(place: Place, titles: dict[str, str]) -> str:
    page_title = titles.get(place.page, place.page)
    if place.heading is None:
        return f"[{escape_markdown(page_title)}]({place.page})"
    return f"[{escape_markdown(place.heading.text)}]({place.page}#{place.heading.id})"


def review_markdown(items: list[OpenItem], titles: dict[str, str], downloads: list[tuple[str, str]]) -> str:
    """The checklist page: totals, then every unknown figure and missing text with links to where it stands."""
    unknown = [item for item in items if item.kind == PLACEHOLDER]
    missing = [item for item in items if item.kind == MISSING]
    lines = [
        f"# {REVIEW_TITLE} {{.unnumbered}}",
        "",
        f"尚有 **{len(unknown)}** 项数据待填、**{len(missing)}** 处原文缺失。"
        + ("全部完成后即可生成终稿（make final）。" if items else "已全部完成，可以生成终稿（make final）。"),
        "",
        "## 下载 {.unnumbered}",
        "",
    ]
    # Raw HTML: the files are outputs of the build, which MkDocs' link check cannot see.
    lines += [f'- <a href="{html.escape(href)}" download>{html.escape(label)}</a>' for label, href in downloads]
    lines += ["", "## 待填数据 {.unnumbered}", ""]
    if unknown:
        lines += ["| 数据项 | 名称 | 出现位置 |", "| --- | --- | --- |"]
        for item in unknown:
            places = "；".join(_link(place, titles) for place in item.places)
            label = item.text.removeprefix("【待填：").removesuffix("】")
            lines.append(f"| `{item.figure}` | {escape_markdown(label)} | {places} |")
    else:
        lines.append("无。")
    lines += ["", "## 原文缺失 {.unnumbered}", ""]
    if missing:
        lines += [f"- {escape_markdown(item.text)}：{_link(item.places[0], titles)}" for item in missing]
    else:
        lines.append("无。")
    return "\n".join(lines) + "\n"
