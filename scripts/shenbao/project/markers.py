"""The two visible marks of unfinished text, and how to find them again.

A placeholder stands for a figure whose value is unknown; a missing-text marker
stands for text the source lost. Both are inline HTML spans, which Python-Markdown
passes through to the site and pandoc reads as native spans, so the site, the
DOCX, the review page and the final-build refusal all see the same marks.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

PLACEHOLDER = "placeholder"
MISSING = "missing"


def placeholder(label: str, figure_name: str) -> str:
    return f'<span class="{PLACEHOLDER}" data-figure="{html.escape(figure_name)}">【待填：{html.escape(label)}】</span>'


def missing(description: str) -> str:
    return f'<span class="{MISSING}">【原文缺失：{html.escape(description)}】</span>'


@dataclass(frozen=True)
class Marker:
    kind: str  # PLACEHOLDER or MISSING
    text: str  # what the reader sees, e.g. 【待填：总面积】
    figure: str  # the figure's name for a placeholder, "" for missing text
    line: int  # 1-based line in the rendered Markdown


_MARKER = re.compile(
    rf'<span class="(?P<kind>{PLACEHOLDER}|{MISSING})"(?: data-figure="(?P<figure>[^"]*)")?>(?P<text>.*?)</span>'
)


def find_markers(markdown: str) -> list[Marker]:
    """Every placeholder and missing-text marker in rendered Markdown, in order."""
    found = []
    for number, line in enumerate(markdown.splitlines(), start=1):
        for match in _MARKER.finditer(line):
            found.append(
                Marker(
                    kind=match["kind"],
                    text=html.unescape(match["text"]),
                    figure=html.unescape(match["figure"] or ""),
                    line=number,
                )
            )
    return found
