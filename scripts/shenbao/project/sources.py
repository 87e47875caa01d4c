"""Whether the writer's source folders are safe to build: nothing leads out, every page is readable.

MkDocs follows symbolic links and publishes whatever they point at, so a link
in docs/ to ``/etc/passwd`` would put that file on the site. MkDocs also
reads each page as UTF-8 with a traceback for anything else. Both are found
here first, all at once, each with its path and a hint.
"""

from __future__ import annotations

import os
from pathlib import Path

from shenbao.errors import LocatedError, hinted
from shenbao.project.datafile import shown_path
from shenbao.text.textfile import MAX_PAGE_BYTES, TextFileError, convert_to_utf8, read_text

PAGE_SUFFIXES = (".md", ".markdown")
ENCODING_BACKUPS = Path(".cache") / "encoding-backup"  # outside docs/: never published


def source_problems(docs_dir: Path, shown_root: Path | None = None) -> list[str]:
    """Every link out of ``docs_dir`` and every unreadable page, as located messages."""
    shown_root = shown_root or docs_dir.parent
    return [
        *escaping_links(docs_dir, shown_root),
        *unreadable_pages(docs_dir, shown_root),
        *active_files(docs_dir, shown_root),
    ]


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


# Files MkDocs copies into the site as they are, and a browser runs: the sanitizer never sees them.
ACTIVE_SUFFIXES = frozenset({".html", ".htm", ".xhtml", ".shtml", ".js", ".mjs", ".wasm", ".swf", ".xml", ".xsl"})
ACTIVE_HINT = "网站只发布页面（.md）、图片和附件；需要的网页效果请告诉维护者，由 shenbao 的主题提供"


def active_files(docs_dir: Path, shown_root: Path) -> list[str]:
    """Files below docs/ that would run in a reader's browser: web pages, scripts, SVGs with script."""
    problems = []
    for path in sorted(_walk(docs_dir)):
        if path.is_symlink() or not path.is_file():
            continue
        suffix = path.suffix.lower()
        if suffix in ACTIVE_SUFFIXES:
            problems.append(
                f"{shown_path(path, shown_root)}: " + hinted(f"不能发布 {suffix} 文件：浏览器会执行它", ACTIVE_HINT)
            )
        elif suffix in (".svg", ".svgz") and (why := svg_problem(path)):
            problems.append(
                f"{shown_path(path, shown_root)}: "
                + hinted(f"这个 SVG 图片{why}，浏览器会执行它", "用 PNG 图片，或删去 SVG 中的脚本、事件属性和外部链接")
            )
    return problems


def svg_problem(path: Path) -> str | None:
    """What in an SVG can run or load: script, event attributes, foreign HTML, links that are not #fragments."""
    if path.suffix.lower() == ".svgz":
        return "是压缩格式，无法检查"
    from lxml import etree  # only a project with SVG files needs it

    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        root = etree.fromstring(path.read_bytes(), parser)
    except (etree.XMLSyntaxError, ValueError, OSError):
        return "不是有效的 XML，无法检查"
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue  # comments, processing instructions
        name = etree.QName(element).localname.lower()
        if name in ("script", "foreignobject", "iframe", "embed", "object", "handler", "listener"):
            return f"含有 <{etree.QName(element).localname}>"
        for attribute, value in element.attrib.items():
            local = etree.QName(attribute).localname.lower()
            if local.startswith("on"):
                return f"含有事件属性 {local}"
            if local == "href" and not value.strip().startswith("#"):
                return f"含有指向外部的链接 {value.strip()[:60]}"
    return None
