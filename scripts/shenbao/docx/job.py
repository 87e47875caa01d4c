"""One DOCX to make: how (draft or final, the layout), what the file says of itself, and where its pages are.

The build decides these once and hands the job down; nothing below asks
for a mode or a layout of its own, so nothing can fall back to a default the
writer did not choose.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from shenbao.docx.layout import Layout
from shenbao.project.plugin_options import Mode


@dataclass(frozen=True)
class DocxInfo:
    """What the file says about itself (File > Properties)."""

    title: str
    author: str = ""
    revision: str = ""


@dataclass(frozen=True)
class DocxJob:
    mode: Mode
    layout: Layout
    sources: Path  # docs/: where images are found and the lines the source anchors name
    info: DocxInfo = DocxInfo("")
    preview: Path | None = None  # also render the finished file to this PDF
    image_cache: Path | None = None  # photos go in as print copies cached here (``images``); None: as they are

    @property
    def draft(self) -> bool:
        """Draft marks (草稿 in the header, highlighted placeholders, an empty 目录)."""
        return self.mode is Mode.DRAFT
