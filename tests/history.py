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
    service = service.replace("服务网络覆盖城乡。", "服务网络覆盖全市城乡。")
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
