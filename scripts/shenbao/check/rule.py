"""What a rule is and what it reports, shared by every rule module and the runner.

A rule returns findings at exact places; the runner stamps each with the
rule's id and the page's path, so an id is never recovered from a message.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from shenbao.errors import LocatedError

ERROR, WARNING = "error", "warning"
SAFE, UNSAFE = "safe", "unsafe"
PAGE, PROJECT = "page", "project"
DOC_SECTIONS = ("检查什么", "为什么", "示例", "如何修正")


@dataclass(frozen=True, order=True)
class Fix:
    """A repair at one place: ``old`` at (line, column) becomes ``new``."""

    line: int
    column: int  # 1-based
    old: str
    new: str


@dataclass(frozen=True)
class Finding:
    """What a rule saw, where; ``path`` only when a project rule reports on another file than a page."""

    line: int
    column: int
    message: str
    hint: str = ""
    fix: Fix | None = None
    path: str | None = None


@dataclass(frozen=True, order=True)
class Diagnostic:
    path: str
    line: int
    column: int
    rule: str
    message: str
    hint: str = ""
    severity: str = ERROR

    def __str__(self) -> str:
        level = "警告：" if self.severity == WARNING else ""
        return str(LocatedError(self.path, self.line, self.column, f"{self.rule}: {level}{self.message}", self.hint))


@dataclass(frozen=True)
class Rule:
    id: str
    summary: str  # one line, in the writer's words
    doc: str  # 检查什么 / 为什么 / 示例 / 如何修正
    check: Callable[..., Iterable[Finding]]
    scope: str = PAGE  # PAGE: check(page, context); PROJECT: check(context)
    severity: str = ERROR
    fix: str | None = None  # SAFE, UNSAFE, or None when there is no repair
    settings: str = "—"  # where the writer configures it


def rule(
    id: str, summary: str, *, scope: str = PAGE, severity: str = ERROR, fix: str | None = None, settings: str = "—"
) -> Callable[[Callable], Rule]:
    """Make a rule of a check function; its docstring is the rule's documentation."""

    def make(check: Callable) -> Rule:
        return Rule(id, summary, inspect.cleandoc(check.__doc__ or ""), check, scope, severity, fix, settings)

    return make
