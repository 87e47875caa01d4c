"""Break a long title into lines between words, as GB/T 9704 §7.3.1 asks.

A title too long for one line is set on several, broken where a word ends and
never inside a pair of brackets or before closing punctuation, with lines as
even as the words allow (a reader sees a balanced block, not one full line and
a stray word).
"""

from __future__ import annotations

import unicodedata

from shenbao.text.words import words

_NO_BREAK_AFTER = set("（《“‘〈【(")
_NO_BREAK_BEFORE = set("）》”’〉】)，、。：；！？")


def text_width(text: str) -> float:
    """Width in characters of the type size: Chinese characters 1, Latin letters and digits ½."""
    return sum(1 if unicodedata.east_asian_width(c) in "WF" else 0.5 for c in text)


def break_points(title: str) -> list[int]:
    """Offsets where a line may end: between words, not inside brackets or before closing punctuation."""
    offsets, position = [], 0
    for word in words(title, hmm=False):
        position += len(word)
        offsets.append(position)
    return [
        i
        for i in offsets[:-1]
        if title[i - 1] not in _NO_BREAK_AFTER and title[i] not in _NO_BREAK_BEFORE and not title[i].isspace()
    ]


def title_lines(title: str, chars_per_line: float) -> list[str]:
    """The title in as few lines as fit, the longest line as short as possible."""
    title = title.strip()
    if text_width(title) <= chars_per_line:
        return [title]
    points = [0, *break_points(title), len(title)]
    best: dict[int, tuple[int, float, list[int]]] = {0: (0, 0.0, [0])}  # end → (lines, longest, breaks)
    for end_index, end in enumerate(points[1:], start=1):
        for start in points[:end_index]:
            if start not in best:
                continue
            width = text_width(title[start:end])
            if width > chars_per_line:
                continue
            lines, longest, breaks = best[start]
            candidate = (lines + 1, max(longest, width), [*breaks, end])
            if end not in best or candidate[:2] < best[end][:2]:
                best[end] = candidate
    if len(title) not in best:  # one word longer than a line: let the renderer break it
        return [title]
    breaks = best[len(title)][2]
    return [title[a:b] for a, b in zip(breaks, breaks[1:], strict=False)]
