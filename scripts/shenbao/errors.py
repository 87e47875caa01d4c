"""The one error type the writer reads: a message, where it is, and a hint, in Chinese.

Every module raises ``ShenbaoError`` (or a subclass); the MkDocs plugin turns it
into MkDocs' ``PluginError`` and the command line into an exit code, and nothing
else does. ``（提示：…）`` is written here and nowhere else, so every message
reads the same way.
"""

from __future__ import annotations

import errno
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


def os_error_message(error: OSError, where: str = "") -> str:
    """An operating system's refusal (a full disk, no permission) in the writer's words, not Python's."""
    prefix = f"{where}: " if where else ""
    if error.errno in (errno.ENOSPC, errno.EDQUOT):
        return prefix + hinted("磁盘空间不足，无法写入", "清理磁盘（如删去 .cache/ 和旧的 dist/ 文件）后重新构建")
    if error.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return prefix + hinted("没有读写的权限", "检查文件夹的权限，或换一个可以写入的位置")
    if error.errno == errno.EISDIR:
        return prefix + hinted("这是文件夹，不是文件", "给出文件本身的路径")
    return prefix + hinted(f"无法读写文件（系统错误 {error.errno}）", "检查磁盘空间、权限和路径")
