"""One answer to “is the application ready?”, which the checklist page and ``final`` both give.

``check`` sits above the site in the layers, so the command line hands its
runner in (``use_checks``); a site built by plain ``mkdocs build`` has no
checks to ask and says so rather than claiming the document is ready.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Problem:
    path: str  # as check names it: docs/a.md
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


@dataclass(frozen=True)
class CheckStatus:
    ran: bool
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)


NOT_RUN = CheckStatus(ran=False)
_checks: Callable[[Path], CheckStatus] | None = None


def use_checks(run: Callable[[Path], CheckStatus]) -> None:
    global _checks
    _checks = run


def check_status(root: Path) -> CheckStatus:
    if _checks is None:
        return NOT_RUN
    return _checks(root)


class PendingChecks:
    """The checks of one build, run in a process of their own from the build's start.

    The checklist page is rendered last: by then the checks have run on the
    second core beside MkDocs instead of after every page, and what they held
    (every page read and segmented again) was never in the build's memory.
    """

    def __init__(self, root: Path):
        from shenbao.site import export_job

        self.root = root
        self._job = export_job.ExportJob(_checks, root=root) if _checks is not None else None

    def status(self) -> CheckStatus:
        if self._job is None:
            return NOT_RUN
        from shenbao.site import export_job

        try:
            return self._job.wait()
        except export_job.ExportFailed:  # said again, in its own words and at its place, by running them here
            return check_status(self.root)

    def cancel(self) -> None:
        if self._job is not None:
            self._job.cancel()
