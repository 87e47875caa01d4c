"""Reading the writer's text files: UTF-8 only, of a sane size, else a Chinese message.

Writers on Windows save files in the system's "ANSI" code page (GBK) or as
"Unicode" (UTF-16). Python's own error is a traceback naming a byte offset;
here it becomes the file, the line, the encoding the bytes look like and the
fix, and ``convert_to_utf8`` does that fix when the encoding is certain.
"""

from __future__ import annotations

import codecs
import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from shenbao.errors import LocatedError

# Far beyond any real page or data file, far below what takes minutes to parse.
MAX_PAGE_BYTES = 2 * 1024 * 1024
MAX_DATA_BYTES = 8 * 1024 * 1024

_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
_CJK = re.compile(r"[\u3400-\u9fff\uff00-\uffef\u3000-\u303f]")
# Characters no real Chinese text has: control characters and the private use area.
_IMPLAUSIBLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ue000-\uf8ff]")


class TextFileError(LocatedError):
    """A file that cannot be read as text: its path, the line, what is wrong and what to do."""

    def __init__(self, path: str | Path, line: int, message: str, hint: str = ""):
        super().__init__(path, line, 0, message, hint)


@dataclass(frozen=True)
class Detection:
    name: str  # as the writer knows it, e.g. "GB18030（GBK）"
    codec: str  # Python's codec for it
    certain: bool  # sure enough to convert without asking


def detect_encoding(data: bytes) -> Detection | None:
    """The encoding bytes that are not UTF-8 seem to be in, or None when nothing fits."""
    if data.startswith(_UTF16_BOMS):
        return Detection("UTF-16", "utf-16", True)
    if data.count(b"\0") * 4 > len(data):  # every other byte zero: UTF-16 without its mark
        return Detection("UTF-16（无 BOM）", "utf-16-le" if data[1:2] == b"\0" else "utf-16-be", False)
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        return None
    # GB18030 decodes almost any bytes; only Chinese text without oddities counts as certain.
    certain = bool(_CJK.search(text)) and not _IMPLAUSIBLE.search(text)
    return Detection("GB18030（GBK）", "gb18030", certain)


def decode(data: bytes, path: str | Path) -> str:
    """UTF-8 text, with or without a byte order mark; anything else is refused with a located message."""
    if data.startswith(_UTF16_BOMS):
        raise _not_utf8(path, 1, detect_encoding(data))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise _not_utf8(path, line, detect_encoding(data)) from None


def _not_utf8(path, line: int, detected: Detection | None) -> TextFileError:
    if detected is None:
        return TextFileError(path, line, "文件不是 UTF-8 编码，也无法判断其编码", "在编辑器中以 UTF-8 编码另存此文件")
    fix = "运行 make fix 转换为 UTF-8（原文件会备份），或" if detected.certain else ""
    return TextFileError(
        path, line, f"文件不是 UTF-8 编码（看来是 {detected.name}）", f"{fix}在编辑器中以 UTF-8 编码另存此文件"
    )


def check_size(path: Path, limit: int, shown: str | Path | None = None) -> None:
    size = path.stat().st_size
    if size > limit:
        raise TextFileError(
            shown or path,
            0,
            f"文件过大（{size / 1024 / 1024:.1f} MB，上限 {limit // 1024 // 1024} MB）",
            "拆分为几个较小的文件",
        )


def read_text(path: str | Path, limit: int = MAX_DATA_BYTES, shown: str | Path | None = None) -> str:
    """A file's text; too big or not UTF-8, a ``TextFileError`` naming ``shown`` (default: the path)."""
    path = Path(path)
    check_size(path, limit, shown)
    return decode(path.read_bytes(), shown or path)


def convert_to_utf8(path: Path, backup_dir: Path) -> Path | None:
    """Rewrite a file in UTF-8 when its encoding is certain; return where the original was kept.

    The backup goes outside docs/, so the site never publishes it. None: the
    file is UTF-8 already, or its encoding is not certain enough to convert.
    """
    data = path.read_bytes()
    try:
        decode(data, path)
        return None
    except TextFileError:
        pass
    detected = detect_encoding(data)
    if detected is None or not detected.certain:
        return None
    text = data.decode(detected.codec)
    backup = backup_dir / f"{path.name}.{detected.codec}"
    backup_dir.mkdir(parents=True, exist_ok=True)
    shutil.copy2(path, backup)
    write_atomically(path, text.lstrip("\ufeff"))
    return backup


def write_atomically(path: Path, data: str | bytes) -> None:
    """Write a file so that a reader (or a crash) sees the old content or the new, never half of it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.{os.getpid()}.part")
    try:
        if isinstance(data, bytes):
            partial.write_bytes(data)
        else:
            partial.write_text(data, encoding="utf-8")
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
