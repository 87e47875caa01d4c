"""One answer to “is the application ready?”, which the checklist page and ``final`` both give.

``check`` sits above the site in the layers, so the command line hands its
runner in (``use_checks``); a site built by plain ``mkdocs build`` has no
checks to ask and says so rather than claiming the document is ready.
"""

from __future__ import annotations

import threading
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


def use_checks(run: Callable[[Path], CheckStatus], modules: tuple[str, ...] = ()) -> None:
    """Hand the checks down; ``modules`` are what they import, loaded once in the fork server
    (``export_job``) instead of in every build's check process."""
    from shenbao.site import export_job

    global _checks
    _checks = run
    export_job.preload(*modules)


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
        self.root = root
        self._job = None
        # Starting the process waits for the fork server to finish importing its modules (0.3 s):
        # MkDocs reads the pages meanwhile instead of waiting with it.
        self._starting = threading.Thread(target=self._start, daemon=True) if _checks is not None else None
        if self._starting is not None:
            self._starting.start()

    def _start(self) -> None:
        from shenbao.site import export_job

        try:
            self._job = export_job.ExportJob(_checks, root=self.root)
        except (OSError, RuntimeError):  # no process to be had: status() runs the checks here instead
            self._job = None

    def _started(self):
        if self._starting is not None:
            self._starting.join()
        return self._job

    def status(self) -> CheckStatus:
        job = self._started()
        if job is None:
            return NOT_RUN if _checks is None else check_status(self.root)  # the process did not start
        from shenbao.site import export_job

        try:
            return job.wait()
        except export_job.ExportFailed:  # said again, in its own words and at its place, by running them here
            return check_status(self.root)

    def cancel(self) -> None:
        job = self._started()
        if job is not None:
            job.cancel()
