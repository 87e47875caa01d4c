"""Open a Word file through pandoc's DOCX reader, refusing what is not one.

Pandoc's own errors on a bad file are English and technical; the writer gets a
Chinese message naming the file and what to do instead.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import zipfile
from pathlib import Path

from lxml import etree

from shenbao.errors import LocatedError

OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # a compound file: an encrypted DOCX, or an old .doc


class ImportProblem(LocatedError):
    """Why a file cannot be imported, in the writer's words."""

    def __init__(self, path: Path | str, message: str, hint: str = ""):
        super().__init__(path, 0, 0, message, hint)


# What a Word file's parts may hold once unpacked: far above any real application, far below a zip bomb.
MAX_MEMBER = 64 * 1024 * 1024  # one part (document.xml, one image)
MAX_TOTAL = 256 * 1024 * 1024  # all parts together
MAX_RATIO = 200  # unpacked size over packed size of one part
ENCRYPTED_MARK = "EncryptedPackage".encode("utf-16-le")  # the stream an encrypted OOXML file keeps


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:.0f} MB"


def check_sizes(path: Path, archive: zipfile.ZipFile) -> None:
    """Refuse a part that unpacks far larger than any Word file's, before anything reads it."""
    total = 0
    for info in archive.infolist():
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > MAX_MEMBER or (info.file_size > 1024 * 1024 and ratio > MAX_RATIO):
            raise ImportProblem(
                path,
                f"压缩包中的 {info.filename} 解压后有 {_mb(info.file_size)}，超过导入的上限 {_mb(MAX_MEMBER)}",
                "文件可能已损坏或被改动；在 Word 中打开并另存为后再导入",
            )
    if total > MAX_TOTAL:
        raise ImportProblem(path, f"文件解压后共 {_mb(total)}，超过导入的上限 {_mb(MAX_TOTAL)}", "把文件拆成几份再导入")


def old_format(path: Path) -> bool:
    """A compound file that is no encrypted DOCX: an old .doc or .wps, which LibreOffice can convert."""
    with path.open("rb") as file:
        return ENCRYPTED_MARK not in file.read(1024 * 1024)


def convert_old(path: Path, scratch: Path) -> Path:
    """An old .doc/.wps as LibreOffice saves it as .docx, in ``scratch``."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        raise ImportProblem(path, "是旧版 .doc/.wps 文件，且没有安装 LibreOffice", "在 Word 或 WPS 中“另存为” .docx")
    out = scratch / "converted"
    try:
        subprocess.run(
            [soffice, "--headless", "--convert-to", "docx", "--outdir", str(out), str(path)],
            capture_output=True,
            timeout=300,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise ImportProblem(path, "LibreOffice 转换超时", "在 Word 或 WPS 中“另存为” .docx") from None
    converted = out / f"{path.stem}.docx"
    if not converted.is_file():
        raise ImportProblem(path, "LibreOffice 无法转换这个旧版文件", "在 Word 或 WPS 中“另存为” .docx")
    return converted


def _is_compound(path: Path) -> bool:
    if not path.is_file():
        return False
    with path.open("rb") as file:
        return file.read(8).startswith(OLE_MAGIC)


def check_docx(path: Path) -> None:
    """Refuse a missing, encrypted, corrupted, oversized or non-Word file before pandoc sees it."""
    if not path.is_file():
        raise ImportProblem(path, "文件不存在", "检查文件名和路径")
    with path.open("rb") as file:
        head = file.read(8)
    if head.startswith(OLE_MAGIC):
        if old_format(path):
            raise ImportProblem(path, "是旧版 .doc/.wps 文件", "在 Word 或 WPS 中“另存为” .docx")
        raise ImportProblem(path, "文件已加密", "在 Word 中取消密码保护后再导入")
    if not zipfile.is_zipfile(path):
        raise ImportProblem(path, "不是 DOCX 文件", "只能导入 Word 的 .docx 文件；其他格式请先在 Word 中另存为 .docx")
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            if "word/document.xml" not in names:
                raise ImportProblem(
                    path, "压缩包中没有 word/document.xml，不是 Word 文档", "确认文件是 Word 保存的 .docx"
                )
            check_sizes(path, archive)
            archive.read("word/document.xml")
    except (zipfile.BadZipFile, OSError, EOFError, KeyError) as error:
        raise ImportProblem(path, f"文件已损坏（{error}）", "在 Word 中打开并重新保存后再导入") from None


def read_docx(path: Path, media_dir: Path, notes: list[str] | None = None) -> dict:
    """Pandoc's JSON AST of the file, with paragraph styles kept and images extracted to ``media_dir``.

    An old .doc/.wps is converted through LibreOffice first; ``notes`` gets a line saying so.
    """
    notes = notes if notes is not None else []
    import pypandoc

    if _is_compound(path) and old_format(path):
        path = convert_old(path, media_dir)
        notes.append(f"旧版文件已用 LibreOffice 转换为 .docx 后导入（{path.name}）")
    check_docx(path)
    try:
        text = pypandoc.convert_file(
            str(path), "json", format="docx+styles", extra_args=[f"--extract-media={media_dir}"]
        )
    except RuntimeError as error:
        raise ImportProblem(path, "pandoc 无法读取这个文件", f"文件可能已损坏：{str(error).strip()[:200]}") from None
    return json.loads(text)


W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def comments_on(path: Path) -> list[tuple[str, str, str]]:
    """(author, comment, the text it is on) of every comment a reviewed copy still carries, in order.

    Pandoc leaves comments out of the accepted text; the writer gets them in the report instead.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            if "word/comments.xml" not in archive.namelist():
                return []
            comments = etree.fromstring(archive.read("word/comments.xml"))
            document = etree.fromstring(archive.read("word/document.xml"))
    except (zipfile.BadZipFile, KeyError, OSError, etree.XMLSyntaxError):
        return []
    open_ranges: dict[str, list[str]] = {}
    quoted: dict[str, str] = {}
    for element in document.iter(W + "commentRangeStart", W + "commentRangeEnd", W + "t"):
        if element.tag == W + "commentRangeStart":
            open_ranges[element.get(W + "id")] = []
        elif element.tag == W + "commentRangeEnd":
            ident = element.get(W + "id")
            quoted[ident] = "".join(open_ranges.pop(ident, []))
        else:
            for pieces in open_ranges.values():
                pieces.append(element.text or "")
    out = []
    for comment in comments.iter(W + "comment"):
        text = "".join(t.text or "" for t in comment.iter(W + "t")).strip()
        out.append((comment.get(W + "author", ""), text, quoted.get(comment.get(W + "id"), "")))
    return out
