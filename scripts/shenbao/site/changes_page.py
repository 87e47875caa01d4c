"""The site page "自 <rev> 以来的修改": what changed in the pages and figures since a revision.

Generated when the build is given a base revision (``shenbao build --since <rev>``
or the plugin's ``since`` option), like the review page, and kept out of the DOCX.
Pages are compared as a reader sees them, figures filled in, word by word as
the redline does; insertions and deletions are ``<ins>`` and ``<del>``, which
browsers underline and strike through, so colour is never the only sign.
"""

from __future__ import annotations

import difflib
import html
from pathlib import Path

from shenbao.errors import ShenbaoError
from shenbao.project.figures import escape_markdown
from shenbao.project.revision import git
from shenbao.text.words import word_diff
from shenbao.word import comments

CHANGES_PAGE = "changes.md"
STUB = "---\ndocx: false\n---\n"  # front matter of the generated file: kept out of the DOCX


class ChangesError(ShenbaoError):
    pass


def title(revision: str) -> str:
    return f"自 {revision} 以来的修改"


def _old_text(project: Path, revision: str, path: str) -> str:
    shown = git(project, "show", f"{revision}:./{path}")
    return shown.stdout if shown.returncode == 0 else ""


def _figures(text: str) -> dict[str, tuple[str, int]]:
    from shenbao.project.datafile import DataFileError
    from shenbao.project.figures import parse_figures

    try:
        book = parse_figures(text) if text else {}
    except DataFileError:
        return {}
    return {n: (f.as_text() if f.known else f"【待填：{f.label}】", f.line) for n, f in book.items()}


def word_html(old: str, new: str) -> str:
    """One line's difference, word by word, as HTML."""
    parts = []
    for tag, i1, i2, j1, j2 in word_diff(old, new):
        if tag == "equal":
            parts.append(html.escape(new[j1:j2]))
            continue
        if i2 > i1:
            parts.append(f"<del>{html.escape(old[i1:i2])}</del>")
        if j2 > j1:
            parts.append(f"<ins>{html.escape(new[j1:j2])}</ins>")
    return "".join(parts)


def page_changes(old_lines: list[str], new_lines: list[str]) -> list[str]:
    """HTML paragraphs for the lines that differ, paired where alike."""
    out = []
    matcher = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        old, new = [x for x in old_lines[i1:i2] if x], [x for x in new_lines[j1:j2] if x]
        for index in range(max(len(old), len(new))):
            before = old[index] if index < len(old) else ""
            after = new[index] if index < len(new) else ""
            out.append(f'<p class="change">{word_html(before, after)}</p>')
    return out


def changes_markdown(project: Path, revision: str, docs_dir: str = "docs") -> str:
    """The page: every changed page with its differences, then every changed figure."""
    if git(project, "rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}").returncode != 0:
        raise ChangesError(
            f"找不到修订版本 “{revision}”",
            "检查 --since 或 mkdocs.yml 中 shenbao 的 since，用 git log --oneline 查看",
        )
    figures_file = "data/figures.yml"
    old_figures = _figures(_old_text(project, revision, figures_file))
    now = (project / figures_file).read_text(encoding="utf-8") if (project / figures_file).exists() else ""
    new_figures = _figures(now)
    listed = git(project, "ls-tree", "-r", "--name-only", revision, "--", docs_dir).stdout.split()
    pages = sorted({*listed, *(p.relative_to(project).as_posix() for p in (project / docs_dir).rglob("*.md"))})
    lines = [f"# {title(revision)} {{.unnumbered}}", ""]
    sections = []
    for path in pages:
        if not path.endswith(".md"):
            continue
        new_path = project / path
        before = _old_text(project, revision, path)
        after = new_path.read_text(encoding="utf-8") if new_path.exists() else ""
        if before == after:
            continue
        old_sources = comments.Sources({}, old_figures, {})
        new_sources = comments.Sources({}, new_figures, {})
        old_lines = [comments.readable(line, old_sources) for line in before.split("\n")]
        new_lines = [comments.readable(line, new_sources) for line in after.split("\n")]
        state = "新增" if not before else "删除" if not after else "修改"
        link = path.removeprefix(f"{docs_dir}/")
        heading = (
            f"## [{html.escape(path)}]({link})（{state}） {{.unnumbered}}"
            if after
            else f"## {path}（{state}） {{.unnumbered}}"
        )
        sections += [heading, "", *page_changes(old_lines, new_lines), ""]
    changed = [
        n
        for n in new_figures.keys() | old_figures.keys()
        if old_figures.get(n, ("",))[0] != new_figures.get(n, ("",))[0]
    ]
    lines.append(
        f"共 {len([s for s in sections if s.startswith('## ')])} 个页面、{len(changed)} 项数据有修改。"
        "删去的文字加删除线（<del>删除</del>），新增的文字加下划线（<ins>新增</ins>）。"
    )
    lines += ["", *sections]
    lines += ["## 数据 {.unnumbered}", ""]
    if changed:
        lines += ["| 数据项 | 原值 | 新值 |", "| --- | --- | --- |"]
        for name in sorted(changed):
            old = escape_markdown(old_figures.get(name, ("（无）",))[0])
            new = escape_markdown(new_figures.get(name, ("（无）",))[0])
            lines.append(f"| `{name}` | <del>{old}</del> | <ins>{new}</ins> |")
    else:
        lines.append("无。")
    return "\n".join(lines) + "\n"
