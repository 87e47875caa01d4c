"""Which revision a build was made from, as git tells it."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Revision:
    commit: str  # short hash, "" outside git
    date: str  # commit date, YYYY-MM-DD
    dirty: bool

    @property
    def label(self) -> str:
        if not self.commit:
            return "未纳入 git 的工作副本"
        return f"{self.commit}{'（含未提交修改）' if self.dirty else ''}，{self.date}"


def _git(project: Path, *args: str) -> str:
    result = subprocess.run(["git", "-C", str(project), *args], capture_output=True, text=True)
    return result.stdout.strip() if result.returncode == 0 else ""


def build_revision(project: Path) -> Revision:
    commit = _git(project, "rev-parse", "--short", "HEAD")
    if not commit:
        return Revision("", "", False)
    date = _git(project, "log", "-1", "--format=%cs")
    dirty = bool(_git(project, "status", "--porcelain", "--untracked-files=no"))
    return Revision(commit, date, dirty)


def page_dates(docs_dir: Path) -> dict[str, str]:
    """The date each page last changed in git, by path below docs/; one git call for all."""
    log = _git(docs_dir, "log", "--format=%x00%cs", "--name-only", "--relative", "--", ".")
    dates: dict[str, str] = {}
    date = ""
    for line in log.splitlines():
        if line.startswith("\0"):
            date = line[1:]
        elif line and line not in dates:
            dates[line] = date
    return dates
