"""Which files are photos: the kinds the build resamples, told by name alone, without loading Pillow."""

from __future__ import annotations

import posixpath

SUFFIXES = {".jpg": "JPEG", ".jpeg": "JPEG", ".png": "PNG"}  # and the format Pillow writes each in


def is_photo(path: str) -> bool:
    return posixpath.splitext(path.lower())[1] in SUFFIXES
