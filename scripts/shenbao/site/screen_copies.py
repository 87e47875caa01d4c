"""The site's photos: a screen-sized copy in the page, linked to the full-size one.

Both are made by ``docx.images`` (upright, EXIF gone) and cached by content:
the reviewer's browser loads a copy of a few hundred KB and can still open the
whole photo, and no published file tells where it was taken or with what phone.
"""

from __future__ import annotations

import os
import posixpath
import re
import urllib.parse
from pathlib import Path

from mkdocs.structure.files import File

from shenbao.docx import images
from shenbao.project.document import resolve_path
from shenbao.text.scanner import LINK, SCHEME, text_lines

SCREEN = images.Box(1600, 1200)  # a large screen's width of page content, at twice its pixels
SCREEN_DPI = 96
SCREEN_DIR = "_screen"  # where the copies live in the site, beside nothing a writer names


def screen_uri(uri: str) -> str:
    return f"{SCREEN_DIR}/{uri}"


def published_copies(docs_dir: Path, uris: list[str], cache: Path) -> dict[str, tuple[Path, Path]]:
    """For each photo below docs/: its full-size published copy and its screen copy."""

    def both(source: Path, index: dict[str, str]) -> tuple[Path, Path]:
        digest = images.content_digest(source, index)
        original = images.cached_copy(source, images.FULL, cache, SCREEN_DPI, images.ORIGINAL_QUALITY, digest=digest)
        return original, images.cached_copy(source, SCREEN, cache, SCREEN_DPI, digest=digest)

    return images.cached_copies({uri: docs_dir / uri for uri in uris}, both, cache)


class CachedFile(File):
    """A file of the image cache, hard-linked into the site instead of copied.

    The full-size copies of a hundred phone photos are several hundred MB:
    copying them into every build (and deleting the last build's) cost more
    than the rest of a warm build. The cache replaces an entry by renaming a
    new file over it, never by writing into it, so the site's link keeps the
    content it was built with. Across file systems (``serve`` builds in the
    temporary folder) it is copied as MkDocs would.
    """

    def copy_file(self, dirty: bool = False) -> None:
        if dirty and not self.is_modified():
            return
        output = Path(self.abs_dest_path)
        output.parent.mkdir(parents=True, exist_ok=True)
        output.unlink(missing_ok=True)
        try:
            os.link(self.abs_src_path, output)
        except OSError:
            super().copy_file(dirty)


_OPENING_LINK = re.compile(r"\[$")


def link_screen_copies(markdown: str, page_uri: str, photos: set[str]) -> str:
    """Show each photo of the page as its screen copy, linked to the full-size one."""
    here = posixpath.dirname(page_uri)

    def screen(match: re.Match, line: str) -> str:
        target = match["target"]
        if not match["bang"] or SCHEME.match(target) or _OPENING_LINK.search(line[: match.start()]):
            return match[0]  # not an image of ours, or already the content of a link
        path = resolve_path(page_uri, urllib.parse.unquote(target.partition("#")[0]))
        if path not in photos:
            return match[0]
        copy = posixpath.relpath(screen_uri(path), here or ".")
        return f"[![{match['text']}]({urllib.parse.quote(copy)}{match['title'] or ''})]({target})"

    lines = markdown.split("\n")
    for index, line in list(text_lines(lines)):
        lines[index] = LINK.sub(lambda m, line=line: screen(m, line), line)
    return "\n".join(lines)
