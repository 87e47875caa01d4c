"""Which revision a build was made from, as git tells it."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

NO_GIT = "无版本信息（找不到 git）"


@dataclass(frozen=True)
class Revision:
    commit: str  # short hash, "" outside git
    date: str  # commit date, YYYY-MM-DD
    dirty: bool
    git_found: bool = True

    @property
    def label(self) -> str:
        if not self.git_found:
            return NO_GIT
        if not self.commit:
            return "未纳入 git 的工作副本"
        return f"{self.commit}{'（含未提交修改）' if self.dirty else ''}，{self.date}"


GIT_MISSING = 127  # the shell's code for a program that is not there


def git(folder: Path, *args: str, binary: bool = False) -> subprocess.CompletedProcess:
    """git run in ``folder``; where git cannot be run at all, a failed run with ``GIT_MISSING``."""
    try:
        return subprocess.run(["git", "-C", str(folder), *args], capture_output=True, text=not binary)
    except OSError:
        return subprocess.CompletedProcess(args, GIT_MISSING, b"" if binary else "", "")


def _git(project: Path, *args: str) -> str | None:
    """git's answer, "" when it has none; None when git cannot be run at all (not installed, not on PATH)."""
    result = git(project, *args)
    if result.returncode == GIT_MISSING:
        return None
    return result.stdout.strip() if result.returncode == 0 else ""


def build_revision(project: Path) -> Revision:
    commit = _git(project, "rev-parse", "--short", "HEAD")
    if commit is None:  # a build without git still builds: the revision is what is lost
        return Revision("", "", False, git_found=False)
    if not commit:
        return Revision("", "", False)
    date = _git(project, "log", "-1", "--format=%cs")
    dirty = bool(_git(project, "status", "--porcelain", "--untracked-files=no"))
    return Revision(commit, date, dirty)


def page_dates(docs_dir: Path) -> dict[str, str]:
    """The date each page last changed in git, by path below docs/; one git call for all."""
    log = _git(docs_dir, "log", "--format=%x00%cs", "--name-only", "--relative", "--", ".") or ""
    dates: dict[str, str] = {}
    date = ""
    for line in log.splitlines():
        if line.startswith("\0"):
            date = line[1:]
        elif line and line not in dates:
            dates[line] = date
    return dates
