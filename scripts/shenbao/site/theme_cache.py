"""The theme's compiled templates, kept for the life of the process.

MkDocs makes a new Jinja environment for every build, so Material's templates
are parsed and compiled again each time: about a second of a small build, and
of every reload under ``serve``. Jinja's bytecode cache lets a new environment
take the compiled code of a template whose source is unchanged (it compares the
source's checksum). Kept in memory, never on disk: a cache file inside the
project could be committed by anyone, and it would be loaded as code.
"""

from __future__ import annotations

from jinja2.bccache import Bucket, BytecodeCache


class InMemoryBytecodeCache(BytecodeCache):
    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}  # one entry per template file: a changed source replaces its own

    def load_bytecode(self, bucket: Bucket) -> None:
        if (code := self._code.get(bucket.key)) is not None:
            bucket.bytecode_from_string(code)  # a stale checksum leaves the bucket empty: Jinja compiles anew

    def dump_bytecode(self, bucket: Bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()


THEME_TEMPLATES = InMemoryBytecodeCache()
