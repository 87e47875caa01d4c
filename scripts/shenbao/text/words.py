"""Chinese words: jieba set up once, and the word-by-word difference the redline and the changes page share.

jieba announces loading its dictionary on stderr and sets its own logger to
DEBUG on import; every user goes through ``segmenter`` so it is quietened in
one place, and only when a build needs it (short builds never load it).
"""

from __future__ import annotations

import difflib
import functools
import logging


@functools.cache
def segmenter():
    """jieba, quiet; None where it is not installed (callers fall back to characters)."""
    try:
        import jieba
    except ImportError:
        return None
    jieba.setLogLevel(logging.WARNING)
    return jieba


def words(text: str, hmm: bool = True) -> list[str]:
    """The text as jieba cuts it into words; characters when jieba is unavailable."""
    jieba = segmenter()
    return jieba.lcut(text, HMM=hmm) if jieba else list(text)


def word_diff(old: str, new: str) -> list[tuple[str, int, int, int, int]]:
    """difflib opcodes in character offsets, computed on words, the grain a Chinese reader sees."""
    a, b = words(old, hmm=False), words(new, hmm=False)
    starts_a = [0]
    for token in a:
        starts_a.append(starts_a[-1] + len(token))
    starts_b = [0]
    for token in b:
        starts_b.append(starts_b[-1] + len(token))
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    return [
        (tag, starts_a[i1], starts_a[i2], starts_b[j1], starts_b[j2]) for tag, i1, i2, j1, j2 in matcher.get_opcodes()
    ]
