"""Chinese search words remembered between builds, so an unchanged page is not cut into words again.

Material's search plugin cuts every Chinese run of every section with jieba on
every build: about a third of a plain MkDocs build of a Chinese site, and the
reason a rebuild under ``serve`` redoes every page for one edit. The words of a
text depend only on the text and on jieba's dictionaries, so each section's
result is kept in ``.cache/search-words.sqlite3`` under a key made of both; an
unchanged section costs one lookup, and a build in which nothing changed never
loads jieba's dictionary at all.

A remembered result is used only if it is the text itself with zero-width
spaces added, which is all that cutting does: a cache file planted in a pull
request cannot put anything else into the search index. The cache is an
optimisation and nothing more: if it cannot be read or written, the build cuts
the words as plain MkDocs does.
"""

from __future__ import annotations

import hashlib
import logging
import sqlite3
from importlib import metadata
from pathlib import Path

from material.plugins.search import plugin as material_search
from material.plugins.search.plugin import SearchIndex, SearchPlugin

CACHE = Path(".cache") / "search-words.sqlite3"
ZERO_WIDTH = "\u200b"  # what Material puts between words
log = logging.getLogger("shenbao")


def is_cut_from(words: str, text: str) -> bool:
    """Whether ``words`` is ``text`` with only zero-width spaces added or taken away."""
    return words.replace(ZERO_WIDTH, "") == text.replace(ZERO_WIDTH, "")


class RememberedWords:
    """The sqlite file of texts already cut; every failure turns it off for this build, never the build."""

    def __init__(self, path: Path, dictionaries: str, root: Path):
        self.path = path
        self._salt = dictionaries.encode("utf-8") + b"\0"
        self._used: list[bytes] = []
        self._new: list[tuple[bytes, str]] = []
        self._db: sqlite3.Connection | None = None
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            if not path.resolve().is_relative_to(root.resolve()):  # a planted link: never write outside the project
                raise OSError(f"{path} 指向项目之外")
            self._db = self._open()
        except (OSError, sqlite3.Error) as error:
            self._off(error)

    def _open(self, again: bool = True) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=0.5, isolation_level=None)
        try:
            db.execute("CREATE TABLE IF NOT EXISTS words (key BLOB PRIMARY KEY, words TEXT NOT NULL, build INTEGER)")
        except sqlite3.DatabaseError:
            db.close()
            if not again:
                raise
            self.path.unlink()  # not a database (a broken or foreign file): start again, once
            return self._open(again=False)
        return db

    def _off(self, error: Exception) -> None:
        log.debug(f"搜索分词缓存不可用：{error}")
        if self._db is not None:
            self._db.close()
        self._db = None

    def _key(self, text: str) -> bytes:
        return hashlib.sha256(self._salt + text.encode("utf-8")).digest()

    def get(self, text: str) -> str | None:
        if self._db is None:
            return None
        key = self._key(text)
        try:
            row = self._db.execute("SELECT words FROM words WHERE key = ?", (key,)).fetchone()
        except sqlite3.Error as error:
            self._off(error)
            return None
        if row is None or not isinstance(row[0], str) or not is_cut_from(row[0], text):
            return None
        self._used.append(key)
        return row[0]

    def put(self, text: str, words: str) -> None:
        if self._db is not None:
            self._new.append((self._key(text), words))

    def close(self, prune: bool) -> None:
        """Write what this build cut; with ``prune``, forget every text this (whole) build did not have."""
        if self._db is None:
            return
        db, self._db = self._db, None
        try:
            with db:
                db.execute("BEGIN IMMEDIATE")
                (build,) = db.execute("SELECT coalesce(max(build), 0) + 1 FROM words").fetchone()
                db.executemany(
                    "INSERT OR REPLACE INTO words (key, words, build) VALUES (?, ?, ?)",
                    [(key, words, build) for key, words in self._new],
                )
                db.executemany("UPDATE words SET build = ? WHERE key = ?", [(build, key) for key in self._used])
                if prune:
                    db.execute("DELETE FROM words WHERE build IS NOT ?", (build,))
        except sqlite3.Error as error:  # another build holds it, or the disk is full: the next build cuts again
            log.debug(f"搜索分词缓存未写入：{error}")
        finally:
            db.close()


class RememberingSearchIndex(SearchIndex):
    """Material's search index, looking up each section's words before cutting them."""

    def __init__(self, remembered: RememberedWords, **config):
        super().__init__(**config)
        self.remembered = remembered

    def _segment_chinese(self, data):
        known = self.remembered.get(data)
        if known is not None:
            return known
        words = super()._segment_chinese(data)
        self.remembered.put(data, words)
        return words


def dictionaries(search_config) -> str:
    """What else decides the words: jieba's version and the dictionaries mkdocs.yml gives search."""
    parts = [metadata.version("jieba")]
    for option in ("jieba_dict", "jieba_dict_user"):
        name = search_config.get(option)
        if name:
            path = Path(name)  # as search reads it: from the working folder
            try:
                parts.append(f"{option}={hashlib.sha256(path.read_bytes()).hexdigest()}")
            except OSError:
                parts.append(f"{option}={name}")  # search says it is missing; the words are jieba's own then
    return "|".join(parts)


def remember_search_words(plugins, root: Path) -> RememberedWords | None:
    """Give Material's search index (made afresh by its on_config) a memory; None without it."""
    if material_search.jieba is None:  # without jieba search cuts nothing
        return None
    for plugin in plugins.values():
        if isinstance(plugin, SearchPlugin) and plugin.config.enabled and hasattr(plugin, "search_index"):
            remembered = RememberedWords(root / CACHE, dictionaries(plugin.config), root)
            index = RememberingSearchIndex(remembered, **plugin.config)
            index.entries = plugin.search_index.entries
            plugin.search_index = index
            return remembered
    return None
