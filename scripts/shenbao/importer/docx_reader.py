"""Open a Word file through pandoc's DOCX reader, refusing what is not one.

Pandoc's own errors on a bad file are English and technical; the writer gets a
Chinese message naming the file and what to do instead.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

from shenbao.errors import LocatedError

OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # a compound file: an encrypted DOCX, or an old .doc


class ImportProblem(LocatedError):
    """Why a file cannot be imported, in the writer's words."""

    def __init__(self, path: Path | str, message: str, hint: str = ""):
        super().__init__(path, 0, 0, message, hint)


def check_docx(path: Path) -> None:
    """Refuse a missing, encrypted, corrupted or non-Word file before pandoc sees it."""
    if not path.is_file():
        raise ImportProblem(path, "文件不存在", "检查文件名和路径")
    with path.open("rb") as file:
        head = file.read(8)
    if head.startswith(OLE_MAGIC):
        raise ImportProblem(path, "文件已加密，或是旧版 .doc 文件", "在 Word 中取消密码保护，或“另存为” .docx 后再导入")
    if not zipfile.is_zipfile(path):
        raise ImportProblem(path, "不是 DOCX 文件", "只能导入 Word 的 .docx 文件；其他格式请先在 Word 中另存为 .docx")
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            if "word/document.xml" not in names:
                raise ImportProblem(
                    path, "压缩包中没有 word/document.xml，不是 Word 文档", "确认文件是 Word 保存的 .docx"
                )
            archive.read("word/document.xml")
    except (zipfile.BadZipFile, OSError, EOFError, KeyError) as error:
        raise ImportProblem(path, f"文件已损坏（{error}）", "在 Word 中打开并重新保存后再导入") from None


def read_docx(path: Path, media_dir: Path) -> dict:
    """Pandoc's JSON AST of the file, with paragraph styles kept and images extracted to ``media_dir``."""
    import pypandoc

    check_docx(path)
    try:
        text = pypandoc.convert_file(
            str(path), "json", format="docx+styles", extra_args=[f"--extract-media={media_dir}"]
        )
    except RuntimeError as error:
        raise ImportProblem(path, "pandoc 无法读取这个文件", f"文件可能已损坏：{str(error).strip()[:200]}") from None
    return json.loads(text)
