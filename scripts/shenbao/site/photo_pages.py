"""A folder of photos laid out as 附件 photo pages are: two to a page, each over its numbered caption.

The Markdown is the same for both renderers: Python-Markdown (md_in_html) shows
the pairs one under the other; pandoc's filter starts every pair after the
first on a new page (the ``next-page`` class), and each photo is printed no
taller than half the type area (``docx.images``), so two always fit.
"""

from __future__ import annotations

import posixpath
from pathlib import Path

from shenbao.errors import ShenbaoError
from shenbao.project import exhibits
from shenbao.project.figures import escape_markdown
from shenbao.project.photo_files import SUFFIXES

PER_PAGE = 2
CAPTION_PREFIX = "照片"


class PhotoFolderError(ShenbaoError):
    """The folder a ``photos()`` call names is missing or holds no photo; the message says which."""

    def __init__(self, message: str):
        super().__init__(message, "把照片放进该文件夹，写相对本页的路径")


def folder_photos(docs_dir: Path, page_uri: str, folder: str) -> list[str]:
    """The photos in ``folder`` (relative to the page), by file name, as paths relative to the page."""
    here = posixpath.dirname(page_uri)
    below_docs = posixpath.normpath(posixpath.join(here, folder))
    path = (docs_dir / below_docs).resolve()
    if below_docs.startswith("..") or not path.is_relative_to(docs_dir.resolve()):
        raise PhotoFolderError(f'photos("{folder}")：文件夹不在 docs/ 之内')
    if not path.is_dir():
        raise PhotoFolderError(f'photos("{folder}")：找不到文件夹 {docs_dir.name}/{below_docs}')
    names = sorted(p.name for p in path.iterdir() if p.is_file() and p.suffix.lower() in SUFFIXES)
    if not names:
        raise PhotoFolderError(f'photos("{folder}")：文件夹 {docs_dir.name}/{below_docs} 中没有 JPEG 或 PNG 照片')
    return [posixpath.join(folder.rstrip("/"), name) for name in names]


_UNSAFE_IN_TARGET = str.maketrans({" ": "%20", "(": "%28", ")": "%29", "%": "%25", "#": "%23"})


def link_target(path: str) -> str:
    """A path as a Markdown link target: spaces and brackets would end it early, ``#`` would start a
    fragment, and a ``%`` is read as the start of an escape."""
    return path.translate(_UNSAFE_IN_TARGET)


def caption_of(path: str) -> str:
    """The caption a writer gives a photo by naming its file: ``03-开幕式现场.jpg`` → 开幕式现场."""
    stem = posixpath.splitext(posixpath.basename(path))[0]
    return stem.lstrip("0123456789").lstrip("-_.、 ") or stem


def photos_markdown(paths: list[str], first_number: int = 1) -> str:
    """The photos, two to a page, each with its caption 照片N　…."""
    sheets = []
    for start in range(0, len(paths), PER_PAGE):
        classes = "photos next-page" if start else "photos"
        blocks = [f'<div class="{classes}" markdown>', ""]
        for number, path in enumerate(paths[start : start + PER_PAGE], start=first_number + start):
            title = caption_of(path)
            blocks += [f"![{escape_markdown(title)}]({link_target(path)})", ""]
            blocks += [exhibits.caption(exhibits.FIGURE_CAPTION, f"{CAPTION_PREFIX}{number}", title), ""]
        blocks.append("</div>")
        sheets.append("\n".join(blocks))
    return "\n\n".join(sheets) + "\n"
