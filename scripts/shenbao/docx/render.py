"""Render a DOCX as a reader would see it: LibreOffice to PDF, poppler to text and PNG.

The official fonts are proprietary, so ``fonts/fonts.conf`` maps their names
onto free fonts with the same role (仿宋 → FandolFang, 楷体 → AR PL UKai, …).
All CJK fonts are full-width, so lines and pages break where Word breaks them.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path

from shenbao.docx import package
from shenbao.errors import ShenbaoError
from shenbao.project.numbering import Heading

FONTCONFIG_FILE = Path(__file__).parent / "fonts" / "fonts.conf"
_PAGE_NUMBER = re.compile(r"—\s*(\d+)\s*—")
_SPACE = re.compile(r"\s+")


class LibreOfficeError(ShenbaoError):
    pass


def font_environment() -> dict[str, str]:
    return {**os.environ, "FONTCONFIG_FILE": str(FONTCONFIG_FILE)}


_POPPLER = (
    "poppler",
    "Debian/Ubuntu：sudo apt-get install poppler-utils；Windows：conda install poppler；macOS：brew install poppler",
)
# Where each program comes from, for the message when it is missing: writers sit at all three.
INSTALL_HINTS = {
    "soffice": (
        "LibreOffice",
        "Debian/Ubuntu：sudo apt-get install libreoffice-writer-nogui；"
        "Windows：从 libreoffice.org 安装，并把 LibreOffice\\program 加入 PATH；"
        "macOS：brew install --cask libreoffice",
    ),
    "pdftotext": _POPPLER,
    "pdftoppm": _POPPLER,
}
# LibreOffice's usual places where its installer does not put it on PATH
_KNOWN_PLACES = {
    "soffice": (
        "/Applications/LibreOffice.app/Contents/MacOS/soffice",
        r"C:\Program Files\LibreOffice\program\soffice.exe",
    )
}


def _require(program: str) -> str:
    path = shutil.which(program) or next((p for p in _KNOWN_PLACES.get(program, ()) if Path(p).exists()), None)
    if not path:
        name, how = INSTALL_HINTS[program]
        raise LibreOfficeError(f"找不到 {name}（{program}），终稿和预览要用它渲染页面", how)
    return path


# LibreOffice (7.4) reads w:overflowPunct the wrong way round: it hangs punctuation
# outside the type area unless a paragraph says w:val="1" itself, which Word takes
# as the opposite. The DOCX says what Word means; the copy LibreOffice renders says
# it LibreOffice's way, so the preview breaks lines as Word does.
_LIBREOFFICE_PARTS = ("word/document.xml", "word/footnotes.xml")


def no_hanging(root) -> None:
    """Every paragraph that has properties says w:overflowPunct="1", in its place after w:pStyle."""
    for properties in root.iter(package.w("pPr")):
        if properties.getparent().tag != package.w("p"):
            continue
        package.child(properties, "overflowPunct").set(package.w("val"), "1")


def libreoffice_copy(docx_path: Path, directory: Path) -> Path:
    """A copy of the DOCX, under the same name, that LibreOffice lays out as Word does."""
    with zipfile.ZipFile(docx_path) as archive:
        present = set(archive.namelist())
    edits = {part: no_hanging for part in _LIBREOFFICE_PARTS if part in present}
    return package.rewrite_parts(docx_path, edits, output=directory / docx_path.name)


def pdf_command(source: Path, out_dir: Path, profile: Path) -> list[str]:
    """The LibreOffice call that renders ``source`` (a ``libreoffice_copy``) to PDF in ``out_dir``.

    Raises ``LibreOfficeError`` saying what to install when LibreOffice is missing.
    """
    return [
        _require("soffice"),
        f"-env:UserInstallation={profile.as_uri()}",
        "--headless",
        "--norestore",
        "--convert-to",
        "pdf",
        "--outdir",
        str(out_dir),
        str(source),
    ]


def docx_to_pdf(docx_path: Path, out_dir: Path) -> Path:
    """Convert with a private LibreOffice profile, so a running instance does not interfere."""
    _require("soffice")
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="shenbao-lo-") as profile, tempfile.TemporaryDirectory() as scratch:
        source = libreoffice_copy(docx_path, Path(scratch))
        result = subprocess.run(
            pdf_command(source, out_dir, Path(profile)),
            capture_output=True,
            text=True,
            env=font_environment(),
            timeout=300,
        )
    pdf = out_dir / (docx_path.stem + ".pdf")
    if result.returncode != 0 or not pdf.exists():
        raise LibreOfficeError(
            f"LibreOffice 未能转换 {docx_path.name}：{result.stderr.strip() or result.stdout.strip()}"
        )
    return pdf


def pdf_pages(pdf: Path) -> list[str]:
    """The text of each page, in order."""
    pdftotext = _require("pdftotext")
    text = subprocess.run([pdftotext, "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    pages = text.split("\f")
    return pages[:-1] if pages and not pages[-1].strip() else pages


def pdf_to_png(pdf: Path, out_dir: Path, resolution: int = 80) -> list[Path]:
    pdftoppm = _require("pdftoppm")
    out_dir.mkdir(parents=True, exist_ok=True)
    subprocess.run([pdftoppm, "-png", "-r", str(resolution), str(pdf), str(out_dir / "page")], check=True)
    return sorted(out_dir.glob("page-*.png"))


def page_number(page_text: str) -> int | None:
    """The printed page number ``— n —`` of a page, or None (cover, 目录)."""
    found = _PAGE_NUMBER.findall(page_text)
    return int(found[-1]) if found else None


def heading_pages(headings: list[Heading], pages: list[str]) -> dict[str, int]:
    """The printed page number each heading falls on.

    Only numbered pages are searched, so the 目录's own lines do not count, and
    each heading is looked for from the previous one's page on.
    """
    body = [(number, _SPACE.sub("", text)) for text in pages if (number := page_number(text)) is not None]
    found: dict[str, int] = {}
    start = 0
    for heading in headings:
        wanted = _SPACE.sub("", heading.text)
        for index in range(start, len(body)):
            if wanted in body[index][1]:
                found[heading.id] = body[index][0]
                start = index
                break
    return found
