"""``shenbao new DIR``: a minimal application that builds, checks and tests green at once.

The files are package data (``templates/new``), copied as they are; only the
title is filled in. Names starting with ``dot-`` become dotfiles (``.gitignore``,
``.github``), which packaging tools would otherwise leave behind.
"""

from __future__ import annotations

import json
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

from shenbao.errors import ShenbaoError

TEMPLATE = resources.files("shenbao.project") / "templates" / "new"
SCHEMAS = resources.files("shenbao.project.schemas")
DEFAULT_TITLE = "申报材料"


class ScaffoldError(ShenbaoError):
    pass


def _walk(folder: Traversable, below: str = ""):
    for item in sorted(folder.iterdir(), key=lambda i: i.name):
        name = "." + item.name[4:] if item.name.startswith("dot-") else item.name
        path = f"{below}{name}"
        if item.is_dir():
            yield from _walk(item, path + "/")
        elif not name.endswith((".pyc", ".pyo")):
            yield path, item


def template_files(title: str = DEFAULT_TITLE) -> dict[str, str]:
    """Every file of a new application, by its path in the project."""
    files = {path: item.read_text(encoding="utf-8") for path, item in _walk(TEMPLATE)}
    # the title is data like every other fact: written into figures.yml, quoted as YAML wants it
    figures = files["data/figures.yml"]
    files["data/figures.yml"] = figures.replace(
        f"value: {DEFAULT_TITLE}}}", f"value: {json.dumps(title, ensure_ascii=False)}}}"
    )
    files["mkdocs.yml"] = files["mkdocs.yml"].replace(
        f"site_name: {DEFAULT_TITLE}", f"site_name: {json.dumps(title, ensure_ascii=False)}"
    )
    # editors validate and complete the data files with these (first line of each file)
    for schema in SCHEMAS.iterdir():
        if schema.name.endswith(".schema.json"):
            files[f"data/{schema.name}"] = schema.read_text(encoding="utf-8")
    return files


EXAMPLE_PAGE = "docs/jiben-qingkuang.md"
EXAMPLE_GROUP = "population"


def without_example(files: dict[str, str]) -> dict[str, str]:
    """The files of a new application that a Word file will fill: no example page, nav entry or figure.

    Left in, they stand between the cover and the imported pages and fail ``check`` (an unused figure,
    a 【原文缺失】 marker) in a project the writer has not touched yet.
    """
    files = dict(files)
    files.pop(EXAMPLE_PAGE, None)
    name = EXAMPLE_PAGE.removeprefix("docs/")
    files["mkdocs.yml"] = "\n".join(line for line in files["mkdocs.yml"].split("\n") if line.strip() != f"- {name}")
    kept, skipping = [], False
    for line in files["data/figures.yml"].split("\n"):
        if line.startswith(f"{EXAMPLE_GROUP}:"):
            skipping = True
            continue
        if skipping and (line.startswith((" ", "\t")) or not line.strip()):
            continue
        skipping = False
        kept.append(line)
    files["data/figures.yml"] = "\n".join(kept)
    return files


def new_project(target: Path, title: str | None = None, example: bool = True) -> list[Path]:
    """Write a new application into ``target``, which must not exist or be empty.

    ``example=False`` leaves out the example page and figure, for a project an import fills at once.
    """
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise ScaffoldError(f"{target}: 文件夹已存在且不为空", "换一个文件夹名，不会覆盖已有文件")
    written = []
    files = template_files(title or DEFAULT_TITLE)
    for path, text in (files if example else without_example(files)).items():
        file = target / path
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_text(text, encoding="utf-8", newline="\n")
        written.append(file)
    return written
