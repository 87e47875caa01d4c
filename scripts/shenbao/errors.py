"""The one error type the writer reads: a message, where it is, and a hint, in Chinese.

Every module raises ``ShenbaoError`` (or a subclass); the MkDocs plugin turns it
into MkDocs' ``PluginError`` and the command line into an exit code, and nothing
else does. ``（提示：…）`` is written here and nowhere else, so every message
reads the same way.
"""

from __future__ import annotations

from pathlib import Path


def hinted(message: str, hint: str = "") -> str:
    """A message with its hint in the one form every error uses."""
    return f"{message}（提示：{hint}）" if hint else message


class ShenbaoError(Exception):
    """A problem already said in the writer's words: no traceback is shown for it."""

    def __init__(self, message: str, hint: str = ""):
        self.message, self.hint = message, hint
        super().__init__(message)

    @property
    def where(self) -> str:
        return ""

    def __str__(self) -> str:
        text = hinted(self.message, self.hint)
        return f"{self.where}: {text}" if self.where else text


class LocatedError(ShenbaoError):
    """A problem at a place in a file: ``path:line:column: message（提示：hint）``."""

    def __init__(self, path: str | Path | None, line: int = 0, column: int = 0, message: str = "", hint: str = ""):
        self.path = str(path) if path is not None else ""
        self.line, self.column = line, column
        super().__init__(message, hint)

    @property
    def where(self) -> str:
        if not self.path:
            return ""
        if self.line and self.column:
            return f"{self.path}:{self.line}:{self.column}"
        return f"{self.path}:{self.line}" if self.line else self.path
