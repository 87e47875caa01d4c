"""Photos as they are published: turned upright, stripped of EXIF, no larger than they are shown.

A phone photo is 4000×3000 pixels and 3–6 MB, with the place it was taken and
the phone that took it in its EXIF. Printed 15 cm wide it needs 1800 pixels
at 300 dpi; on screen, fewer. Each copy is made once per content and size and
kept under ``.cache/images`` by the hash of both, so an unchanged photo is
never decoded again.

JPEG stays JPEG (quality 85 at 300 dpi cannot be told from the original on
paper); PNG stays PNG and lossless (line art, screenshots, scans of text).
"""

from __future__ import annotations

import hashlib
import io
import json
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageOps

from shenbao.project.document import Document, resolve_path
from shenbao.project.photo_files import SUFFIXES, is_photo
from shenbao.text import scanner
from shenbao.text.textfile import write_atomically

PRINT_DPI = 300
JPEG_QUALITY = 85
ORIGINAL_QUALITY = 95  # the full-size copy the site links to: EXIF gone, detail kept
VERSION = "1"  # bump when the way copies are made changes: old cache entries are then not used
TWIPS_PER_INCH = 1440


@dataclass(frozen=True)
class Box:
    """The largest size, in pixels, a copy may have (it is never enlarged)."""

    width: int
    height: int

    @classmethod
    def printed(cls, width_twips: float, height_twips: float, dpi: int = PRINT_DPI) -> Box:
        return cls(round(width_twips / TWIPS_PER_INCH * dpi), round(height_twips / TWIPS_PER_INCH * dpi))


FULL = Box(0, 0)  # no limit: the original's size


def fitted(size: tuple[int, int], box: Box) -> tuple[int, int]:
    """``size`` scaled down, proportions kept, to fit ``box``; unchanged if it already fits."""
    width, height = size
    if not box.width or (width <= box.width and height <= box.height):
        return size
    scale = min(box.width / width, box.height / height)
    return max(1, round(width * scale)), max(1, round(height * scale))


def resample(data: bytes, box: Box, dpi: int = PRINT_DPI, quality: int = JPEG_QUALITY) -> bytes:
    """The image upright, fitted to ``box``, with no EXIF, XMP or text chunks, in its own format."""
    with Image.open(io.BytesIO(data)) as opened:
        kind = opened.format
        if kind not in ("JPEG", "PNG"):
            return data
        target = fitted(ImageOps.exif_transpose(opened).size, box)
        if kind == "JPEG" and target != opened.size:
            opened.draft("RGB", target)  # decode at 1/2, 1/4 or 1/8 size when that still covers the target
        image = ImageOps.exif_transpose(opened)  # phones store the photo sideways and say so in EXIF
        if image.size != target:
            image = image.resize(target, Image.Resampling.LANCZOS, reducing_gap=3.0)
        out = io.BytesIO()
        icc = opened.info.get("icc_profile")  # colours, not a privacy matter: kept
        extra = {"icc_profile": icc} if icc else {}
        if kind == "JPEG":
            if image.mode not in ("RGB", "L"):
                image = image.convert("RGB")
            image.save(out, "JPEG", quality=quality, optimize=True, dpi=(dpi, dpi), **extra)
        else:  # PNG: lossless; Pillow writes no text chunks or EXIF unless told to
            image.save(out, "PNG", optimize=True, dpi=(dpi, dpi), **extra)
        return out.getvalue()


DIGESTS = "digests.json"  # in the cache: each photo's content hash by its path, size and modification time


def _digest_index(cache: Path) -> dict[str, str]:
    try:
        index = json.loads((cache / DIGESTS).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return index if isinstance(index, dict) else {}


def _save_digest_index(cache: Path, index: dict[str, str]) -> None:
    # the site's and the export's process may both write it: either is whole
    write_atomically(cache / DIGESTS, json.dumps(index, ensure_ascii=False))


def content_digest(source: Path, index: dict[str, str]) -> str:
    """The photo's SHA-256, read again only when its size or modification time changed.

    A hundred phone photos are 300–600 MB: hashing them on every build would
    cost more than the build itself.
    """
    stat = source.stat()
    key = f"{source.resolve()}|{stat.st_size}|{stat.st_mtime_ns}"
    if key not in index:
        with source.open("rb") as file:
            index[key] = hashlib.file_digest(file, "sha256").hexdigest()
    return index[key]


def cached_copy(
    source: Path,
    box: Box,
    cache: Path,
    dpi: int = PRINT_DPI,
    quality: int = JPEG_QUALITY,
    index: dict[str, str] | None = None,
    digest: str | None = None,
) -> Path:
    """The copy of ``source`` for ``box``, made now or found in ``cache`` by the hash of content and size.

    Given ``index`` (``_digest_index``), content hashes are looked up there; the caller saves it.
    Given ``digest``, it is the content hash (a caller making two copies of one photo finds it once).
    """
    digest = digest or content_digest(source, index if index is not None else {})
    parameters = f"{digest}|{VERSION}|{box.width}x{box.height}|{dpi}|{quality}"
    path = cache / f"{hashlib.sha256(parameters.encode()).hexdigest()[:32]}{source.suffix.lower()}"
    if not path.exists():  # two builds making the same copy at once both end with a whole file
        write_atomically(path, resample(source.read_bytes(), box, dpi, quality))
    return path


def cached_copies(sources: dict[str, Path], make, cache: Path) -> dict:
    """``make(source, index)`` for each source, with the content hashes of earlier builds; unreadable ones left out."""
    index = _digest_index(cache)
    known = dict(index)
    made = {}
    for name, source in sources.items():
        try:
            made[name] = make(source, index)
        except (OSError, Image.DecompressionBombError, SyntaxError, ValueError):
            continue  # not an image Pillow reads: published (or embedded by pandoc) as it is
    if index != known:
        _save_digest_index(cache, index)
    return made


def page_images(document: Document) -> list[str]:
    """Every local photo the DOCX's pages show, as paths below docs/, once each, in order."""
    seen: dict[str, None] = {}
    for page in document.docx_pages():
        for found in scanner.links(page.markdown.split("\n")):
            if found.image and not found.external and is_photo(found.target):
                target = urllib.parse.unquote(found.target.partition("#")[0])
                seen.setdefault(resolve_path(page.src_uri, target), None)
    return list(seen)


def print_copies(document: Document, docs_dir: Path, box: Box, cache: Path) -> dict[str, str]:
    """Each photo's print copy, by the path pages use, for the DOCX's resources."""
    sources = {uri: docs_dir / uri for uri in page_images(document) if uri not in document.resources}
    sources = {uri: path for uri, path in sources.items() if path.is_file()}
    made = cached_copies(sources, lambda source, index: cached_copy(source, box, cache, index=index), cache)
    return {uri: str(path) for uri, path in made.items()}


def printed_size(copy: Path) -> str | None:
    """The copy's size on paper, as pandoc's attributes ``{width=… height=…}``; None if its header has no dpi.

    Told no size, pandoc measures a JPEG by decoding all of it: about 0.15 s for
    the print copy of each phone photo, which made a hundred photos cost far more
    than the rest of the DOCX. The copy's header says the same at once, and the
    copy already fits the type area, so nothing pandoc would do differs.
    """
    with Image.open(copy) as image:
        dpi = image.info.get("dpi")
        if not dpi or not dpi[0] or not dpi[1]:
            return None
        width, height = image.size
    return f"{{width={width / dpi[0]:.4f}in height={height / dpi[1]:.4f}in}}"


def printed_sizes(copies: dict[str, str]) -> dict[str, str]:
    """``printed_size`` of each print copy, by the copy's path (the target the DOCX's Markdown names)."""
    sizes = {}
    for copy in copies.values():
        try:
            size = printed_size(Path(copy))
        except (OSError, Image.DecompressionBombError, SyntaxError, ValueError):
            continue  # pandoc measures it, as it would any image
        if size:
            sizes[copy] = size
    return sizes


# --- stand-ins for pandoc --------------------------------------------------------------

_SOI, _SOS, _COM, _EOI = b"\xff\xd8", 0xDA, b"\xff\xfe", b"\xff\xd9"
_STANDALONE = {0x01, *range(0xD0, 0xD8)}  # markers without a length


def jpeg_stand_in(data: bytes, mark: bytes) -> bytes | None:
    """The JPEG's header (pixel size, dpi, tables) with ``mark`` in a comment, and no picture data.

    pandoc reads only an image's header (to size it), then deflates every byte of it
    into the DOCX: most of the DOCX's time with a hundred photos, for data that does
    not shrink. It embeds this stand-in of under a kilobyte instead, which it sizes
    exactly as the copy, and the package step puts the copy in its place
    (``stand_ins``). None if ``data`` is not a JPEG whose header can be walked.
    """
    if not data.startswith(_SOI) or len(mark) > 60000:
        return None
    position = len(_SOI)
    while position + 4 <= len(data):
        if data[position] != 0xFF:
            return None
        marker = data[position + 1]
        if marker == 0xFF:  # fill byte before a marker
            position += 1
        elif marker in _STANDALONE:
            position += 2
        elif marker == _SOS:  # the picture data follows: the header ends here
            return data[:position] + _COM + (len(mark) + 2).to_bytes(2, "big") + mark + _EOI
        else:
            position += 2 + int.from_bytes(data[position + 2 : position + 4], "big")
    return None


def stand_ins(copies: list[str]) -> dict[str, tuple[str, bytes]]:
    """For each JPEG print copy: the path of its stand-in, kept beside it, and the stand-in's bytes.

    Print copies are named by their content (``cached_copy``), so a stand-in made
    once for a copy's name stays true: a warm build reads it instead of the copy's header.
    The copy's name in the stand-in's comment keeps two copies' stand-ins apart
    even where their headers are alike.
    """
    made = {}
    for copy in dict.fromkeys(copies):
        path = Path(copy)
        if SUFFIXES.get(path.suffix.lower()) != "JPEG":
            continue  # a PNG is line art, small: pandoc embeds it as it is
        target = path.with_name(f"{path.stem}{STAND_IN}{path.suffix.lower()}")
        try:
            stand_in = target.read_bytes()
        except OSError:
            stand_in = _make_stand_in(path, target)
        if stand_in is not None:
            made[copy] = (str(target), stand_in)
    return made


STAND_IN = ".stand-in"  # in a stand-in's name, before its suffix


def _make_stand_in(copy: Path, target: Path) -> bytes | None:
    try:
        with copy.open("rb") as file:
            header = file.read(1 << 16)
    except OSError:
        return None
    stand_in = jpeg_stand_in(header, f"shenbao stand-in for {copy.name}".encode())
    if stand_in is None:
        return None
    try:
        write_atomically(target, stand_in)  # whole or absent, whichever process writes it
    except OSError:
        return None  # a cache that cannot be written: pandoc embeds the copy itself
    return stand_in


# --- the size budget -------------------------------------------------------------------


def megabytes(size: int) -> float:
    return size / 1_000_000


def budget_text(path: Path, max_mb: float) -> str:
    """``14.2 MB / 20 MB``: the file's size against its budget."""
    return f"{megabytes(path.stat().st_size):.1f} MB / {max_mb:g} MB"


def size_line(path: Path, max_mb: float) -> str:
    """``DOCX 14.2 MB / 20 MB``, as a refusal states it."""
    return f"DOCX {budget_text(path, max_mb)}"


def largest(copies: dict[str, str], count: int = 10) -> list[tuple[str, int]]:
    """The photos that weigh most in the DOCX, heaviest first, with their print copies' sizes."""
    sizes = [(uri, Path(copy).stat().st_size) for uri, copy in copies.items() if Path(copy).exists()]
    return sorted(sizes, key=lambda item: -item[1])[:count]
