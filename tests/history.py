"""A small application with a git history, as a writer's repository would have it.

Built from the ``complete`` fixture: a first version, then one commit each by
a different author for a change of wording (with a table cell), a changed
figure, and a section moved (and edited) within its page.
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

from conftest import make_project

AUTHORS = {
    "wording": ("乙", "2024-05-02T09:00:00+08:00"),
    "figure": ("丙", "2024-05-03T09:00:00+08:00"),
    "move": ("丁", "2024-05-04T09:00:00+08:00"),
}


def utc(date: str) -> str:
    """The date as Word stores it."""
    from datetime import UTC, datetime

    return datetime.fromisoformat(date).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class History:
    project: Path
    first: str  # the commit reviewers saw
    last: str


def git(project: Path, *args: str, author: str = "甲", date: str = "2024-05-01T10:00:00+08:00") -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": author,
        "GIT_AUTHOR_EMAIL": "writer@example.com",
        "GIT_COMMITTER_NAME": author,
        "GIT_COMMITTER_EMAIL": "writer@example.com",
        "GIT_AUTHOR_DATE": date,
        "GIT_COMMITTER_DATE": date,
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
    }
    result = subprocess.run(["git", *args], cwd=project, check=True, capture_output=True, text=True, env=env)
    return result.stdout.strip()


def redline_and_revisions(history: History, kept: Path) -> tuple[Path, Path, Path]:
    """The redline from the history's first commit to its working tree, and FROM's and TO's files
    as the redline built them (kept in ``kept``, never built again)."""
    from shenbao.word import redline

    red = redline.make_redline(history.project, history.first, keep=kept)
    old, new = (next((kept / side / "dist").glob("*.docx")) for side in ("from", "to"))
    return red, old, new


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def move_service_section_first(page: Path) -> None:
    """(二) 服务保障 goes before (一) 机制建设, and gets a word more."""
    text = page.read_text(encoding="utf-8")
    head, rest = text.split("## 机制建设", 1)
    mechanism, tail = rest.split("## 服务保障", 1)
    service, notes = tail.split("[^1]:", 1)
    service = service.replace("服务网络覆盖城乡", "服务网络覆盖全市城乡")
    page.write_text(
        f"{head}## 服务保障{service.rstrip()}\n\n## 机制建设{mechanism.rstrip()}\n\n[^1]:{notes}", encoding="utf-8"
    )


def make_history(where: Path) -> History:
    project = make_project(where, "complete")
    (project / ".gitignore").write_text("site/\ndist/\n.cache/\n", encoding="utf-8")
    git(project, "init", "-q", "-b", "main")
    git(project, "add", "-A")
    git(project, "commit", "-qm", "First version")
    first = git(project, "rev-parse", "--short", "HEAD")
    page = project / "docs" / "a-basics.md"
    edit(page, "具体做法见", "主要做法见")
    edit(page, "| 宣传经费 |", "| 宣传教育经费 |")
    git(project, "commit", "-qam", "Wording", author=AUTHORS["wording"][0], date=AUTHORS["wording"][1])
    edit(project / "data" / "figures.yml", "value: 1271", "value: 1300")
    git(project, "commit", "-qam", "Births", author=AUTHORS["figure"][0], date=AUTHORS["figure"][1])
    move_service_section_first(project / "docs" / "b-work.md")
    git(project, "commit", "-qam", "Move", author=AUTHORS["move"][0], date=AUTHORS["move"][1])
    return History(project, first, git(project, "rev-parse", "--short", "HEAD"))


# The harder history: every kind of change a reviewer meets, each by an author of its own.
HARD_AUTHORS = {
    "footnote": ("戊", "2024-05-05T09:00:00+08:00"),
    "link": ("己", "2024-05-06T09:00:00+08:00"),
    "attachment": ("庚", "2024-05-07T09:00:00+08:00"),
    "cuts": ("辛", "2024-05-08T09:00:00+08:00"),
    "rename": ("壬", "2024-05-09T09:00:00+08:00"),
    "figures-note": ("癸", "2024-05-10T09:00:00+08:00"),
}
LONG_HEADING = "狠抓学习，确保认识到位，全面提高各级领导干部和全体工作人员对人口与计划生育工作重要意义的认识水平"
LAST_PARAGRAPH = "以上图片均为原件扫描件，原件存档备查。"
DELETED_LINK = "学习材料见[国家卫生健康委员会网站](https://www.nhc.gov.cn/)。"  # a link out, in the section cut
MOVED_NOTE = "含村级服务室。"
DELETED_CHART = "出生人数逐月变化"
BIRTHS_CHART = f"""  births:
    title: {DELETED_CHART}
    unit: 人
    categories: [上半年]
    series:
      - {{name: 出生人数, figures: [population.births]}}
"""


def make_hard_history(where: Path) -> History:
    """``make_history``'s changes, then a changed footnote, link text and attachment, a deleted table,
    chart, section (with a link out) and last paragraph, a heading renamed past 40 characters, and a figures.yml edit elsewhere."""
    project = make_project(where, "complete")
    pictures = project / "docs" / "d-pictures.md"
    pictures.write_text(pictures.read_text(encoding="utf-8").rstrip() + f"\n\n{LAST_PARAGRAPH}\n", encoding="utf-8")
    work = project / "docs" / "b-work.md"
    edit(work, "#### 定期组织学习\n\n", f"#### 定期组织学习\n\n{DELETED_LINK}\n\n")
    edit(work, "服务网络覆盖城乡。", "服务网络覆盖城乡[^2]。")  # a note that moves with its section
    work.write_text(work.read_text(encoding="utf-8") + f"\n[^2]: {MOVED_NOTE}\n", encoding="utf-8")
    exhibits = project / "data" / "exhibits.yml"  # a chart only FROM has: its picture is in no file of TO's
    exhibits.write_text(exhibits.read_text(encoding="utf-8") + BIRTHS_CHART, encoding="utf-8")
    edit(
        project / "docs" / "a-basics.md",
        "![示意图](img/dot.png)\n",
        '![示意图](img/dot.png)\n\n{{ chart("births") }}\n',
    )
    (project / ".gitignore").write_text("site/\ndist/\n.cache/\n", encoding="utf-8")
    git(project, "init", "-q", "-b", "main")
    git(project, "add", "-A")
    git(project, "commit", "-qm", "First version")
    first = git(project, "rev-parse", "--short", "HEAD")
    basics, work = project / "docs" / "a-basics.md", project / "docs" / "b-work.md"
    edit(basics, "具体做法见", "主要做法见")
    edit(basics, "| 宣传经费 |", "| 宣传教育经费 |")
    git(project, "commit", "-qam", "Wording", author=AUTHORS["wording"][0], date=AUTHORS["wording"][1])
    edit(project / "data" / "figures.yml", "value: 1271", "value: 1300")
    git(project, "commit", "-qam", "Births", author=AUTHORS["figure"][0], date=AUTHORS["figure"][1])
    move_service_section_first(work)
    git(project, "commit", "-qam", "Move", author=AUTHORS["move"][0], date=AUTHORS["move"][1])

    def commit(kind: str) -> None:
        git(project, "commit", "-qam", kind, author=HARD_AUTHORS[kind][0], date=HARD_AUTHORS[kind][1])

    edit(basics, "样例市统计公报", "样例市2024年统计公报")
    commit("footnote")
    edit(work, "返回[基本情况](a-basics.md)", "返回[基本情况一览](a-basics.md)")
    commit("link")
    edit(project / "docs" / "c-statistics.md", "}}。", "}}，与上年同期基本持平。")
    commit("attachment")
    edit(basics, '，主要指标见{{ ref("indicators") }}', "")
    edit(basics, '{{ table("indicators") }}\n\n', "")
    text = work.read_text(encoding="utf-8")
    start = text.index("#### 定期组织学习")
    end = text.index("{% endfor %}", start) + len("{% endfor %}\n")
    work.write_text(text[:start] + text[end:], encoding="utf-8")
    edit(pictures, f"\n\n{LAST_PARAGRAPH}", "")
    edit(basics, '\n{{ chart("births") }}\n', "")
    commit("cuts")
    edit(work, "### 狠抓学习，确保认识到位", f"### {LONG_HEADING}")
    commit("rename")
    figures = project / "data" / "figures.yml"
    figures.write_text(figures.read_text(encoding="utf-8") + "# 核对：2024年5月\n", encoding="utf-8")
    commit("figures-note")
    return History(project, first, git(project, "rev-parse", "--short", "HEAD"))
