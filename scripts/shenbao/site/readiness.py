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
