"""The reviewers' checklist: everything still open, generated, never typed.

It is a page of the site only: the DOCX leaves it out.
"""

from __future__ import annotations

import html

from shenbao.project.document import OpenItem, Place
from shenbao.project.figures import Figure, escape_markdown
from shenbao.project.markers import MISSING, PLACEHOLDER
from shenbao.site.readiness import NOT_RUN, CheckStatus, Problem

REVIEW_PAGE = "review.md"
REVIEW_TITLE = "审阅清单"
# Front matter of the generated file: kept out of the DOCX and out of numbering.
STUB = "---\ndocx: false\n---\n"


def _link(place: Place, titles: dict[str, str]) -> str:
    page_title = titles.get(place.page, place.page)
    if place.heading is None:
        return f"[{escape_markdown(page_title)}]({place.page})"
    return f"[{escape_markdown(place.heading.text)}]({place.page}#{place.heading.id})"


def verdict(unknown: int, missing: int, status: CheckStatus) -> str:
    """“可以生成终稿” exactly when ``shenbao final`` would succeed; otherwise what stands in the way."""
    said = f"尚有 **{unknown}** 项数据待填、**{missing}** 处原文缺失"
    if not status.ran:
        said += "；检查没有运行（用 shenbao build 或 make build 构建才会显示检查结果）"
        return said + "。确认检查没有错误后才能生成终稿（make final）。"
    said += f"，检查报告 **{len(status.errors)}** 个错误、**{len(status.warnings)}** 个警告"
    if unknown or missing or status.errors:
        reasons = [
            *([f"{unknown} 项数据待填"] if unknown else []),
            *([f"{missing} 处原文缺失"] if missing else []),
            *([f"{len(status.errors)} 个检查错误"] if status.errors else []),
        ]
        return said + f"。**尚不能生成终稿**：{'、'.join(reasons)}。"
    return said + "。已全部完成，可以生成终稿（make final）。"


def _problem_link(problem: Problem, docs_name: str) -> str:
    """A check's finding, linked to its page when it is in one."""
    where = escape_markdown(f"{problem.path}:{problem.line}")
    prefix = f"{docs_name}/"
    if problem.path.startswith(prefix) and problem.path.endswith(".md"):
        where = f"[{where}]({problem.path.removeprefix(prefix)})"
    return f"- {where}：{escape_markdown(problem.message)}"


def _check_section(status: CheckStatus, docs_name: str) -> list[str]:
    lines = ["", "## 检查结果 {.unnumbered}", ""]
    if not status.ran:
        return lines + ["检查没有运行：用 shenbao build 构建，或运行 shenbao check。"]
    if not status.errors and not status.warnings:
        return lines + ["shenbao check 没有发现问题。"]
    for title, found in (("错误", status.errors), ("警告", status.warnings)):
        if found:
            lines += [f"{title} {len(found)} 个：", ""] + [_problem_link(p, docs_name) for p in found] + [""]
    return lines


def review_markdown(
    items: list[OpenItem],
    titles: dict[str, str],
    downloads: list[tuple[str, str]],
    status: CheckStatus = NOT_RUN,
    docs_name: str = "docs",
    sourced: list[Figure] = (),
) -> str:
    """The checklist page: totals, then every unknown figure and missing text with links to where it stands."""
    unknown = [item for item in items if item.kind == PLACEHOLDER]
    missing = [item for item in items if item.kind == MISSING]
    lines = [
        f"# {REVIEW_TITLE} {{.unnumbered}}",
        "",
        verdict(len(unknown), len(missing), status),
        *_check_section(status, docs_name),
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
    if sourced:  # where each number came from, as the returned 填报表 said
        lines += ["", "## 数据来源 {.unnumbered}", "", "| 数据项 | 名称 | 数值 | 来源 |", "| --- | --- | --- | --- |"]
        for figure in sourced:
            value = escape_markdown(figure.as_text()) if figure.known else "待填"
            lines.append(
                f"| `{figure.name}` | {escape_markdown(figure.label)} | {value} | {escape_markdown(figure.source)} |"
            )
    return "\n".join(lines) + "\n"
