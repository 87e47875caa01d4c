"""Whether the writer's source folders are safe to build: nothing leads out, every page is readable.

MkDocs follows symbolic links and publishes whatever they point at, so a link
in docs/ to ``/etc/passwd`` would put that file on the site. MkDocs also
reads each page as UTF-8 with a traceback for anything else. Both are found
here first, all at once, each with its path and a hint.
"""

from __future__ import annotations

import os
from pathlib import Path

from shenbao.errors import LocatedError
from shenbao.project.datafile import shown_path
from shenbao.text.textfile import MAX_PAGE_BYTES, TextFileError, convert_to_utf8, read_text

PAGE_SUFFIXES = (".md", ".markdown")
ENCODING_BACKUPS = Path(".cache") / "encoding-backup"  # outside docs/: never published


def source_problems(docs_dir: Path, shown_root: Path | None = None) -> list[str]:
    """Every link out of ``docs_dir`` and every unreadable page, as located messages."""
    shown_root = shown_root or docs_dir.parent
    return [*escaping_links(docs_dir, shown_root), *unreadable_pages(docs_dir, shown_root)]


def _walk(docs_dir: Path):
    """Every file and folder below ``docs_dir``, links included but not followed."""
    for folder, subfolders, files in os.walk(docs_dir):
        for name in [*subfolders, *files]:
            yield Path(folder) / name


def escaping_links(docs_dir: Path, shown_root: Path) -> list[str]:
    """Symbolic links below docs/ that lead outside it (or nowhere)."""
    inside = docs_dir.resolve()
    problems = []
    for path in _walk(docs_dir):
        if not path.is_symlink():
            continue
        try:
            target = path.resolve(strict=True)
        except (OSError, RuntimeError):  # missing target, or a loop of links
            problems.append(
                str(LocatedError(shown_path(path, shown_root), 0, 0, "符号链接指向不存在的位置", "删除这个链接"))
            )
            continue
        if not target.is_relative_to(inside):
            said = f"符号链接指向 docs/ 以外（{target}），不会发布"
            hint = "删除这个链接；要发布的文件请复制到 docs/ 中"
            problems.append(str(LocatedError(shown_path(path, shown_root), 0, 0, said, hint)))
    return problems


def page_files(docs_dir: Path) -> list[Path]:
    return sorted(p for p in _walk(docs_dir) if p.suffix in PAGE_SUFFIXES and not p.is_symlink() and p.is_file())


def unreadable_pages(docs_dir: Path, shown_root: Path) -> list[str]:
    """Pages that are not UTF-8 or are too big to be a page."""
    problems = []
    for page in page_files(docs_dir):
        try:
            read_text(page, MAX_PAGE_BYTES, shown_path(page, shown_root))
        except TextFileError as error:
            problems.append(str(error))
    return problems


def convert_encodings(root: Path, folders: list[Path]) -> list[str]:
    """Rewrite in UTF-8 every page and data file whose other encoding is certain; say what was done."""
    done = []
    for folder in folders:
        files = [p for p in _walk(folder) if p.suffix in (*PAGE_SUFFIXES, ".yml", ".yaml") and p.is_file()]
        for path in sorted(files):
            if path.is_symlink():
                continue
            relative = Path(shown_path(path, root))
            backup = convert_to_utf8(path, root / ENCODING_BACKUPS / relative.parent)
            if backup is not None:
                done.append(f"{relative.as_posix()}: 已转换为 UTF-8，原文件备份在 {shown_path(backup, root)}")
    return done
