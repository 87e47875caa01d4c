"""The package's layers run one way: a module imports only from its own job or from jobs below it."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "scripts" / "shenbao"
# top to bottom; the top-level modules (cli, __main__, macros) may import anything
LAYERS = ["importer", "check", "site", "word", "docx", "project", "text", "errors"]
TOP = {"cli", "__main__", "macros", "__init__"}


def job_of(module: str) -> str | None:
    """The job of a dotted module below ``shenbao``: its first part, or None for the top level."""
    first = module.split(".")[0]
    return first if first in LAYERS else None


def imported_modules(path: Path) -> set[str]:
    """Every ``shenbao.…`` module a file imports, wherever the import stands (lazy imports too)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("shenbao"):
            base = node.module.removeprefix("shenbao").lstrip(".")
            if base and (PACKAGE / base.replace(".", "/")).is_dir():  # from shenbao.site import plugin
                found.update(f"{base}.{alias.name}" for alias in node.names)
            elif base:
                found.add(base)
            else:
                found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(a.name.removeprefix("shenbao.") for a in node.names if a.name.startswith("shenbao."))
    return found


def upward_imports() -> list[str]:
    problems = []
    for path in sorted(PACKAGE.rglob("*.py")):
        own = job_of(".".join(path.relative_to(PACKAGE).with_suffix("").parts))
        if own is None:
            continue
        for module in imported_modules(path):
            target = job_of(module)
            if target is None and module.split(".")[0] in TOP:
                problems.append(f"{path.relative_to(PACKAGE)} imports the top-level {module}")
            elif target is not None and LAYERS.index(target) < LAYERS.index(own):
                problems.append(f"{path.relative_to(PACKAGE)} ({own}) imports {module} ({target}), a higher layer")
    return problems


def test_no_module_imports_from_a_higher_layer():
    assert upward_imports() == []


def test_the_checker_sees_an_upward_import(tmp_path, monkeypatch):
    # the rule itself can fail: a docx module importing the site is reported
    fake = tmp_path / "shenbao"
    (fake / "docx").mkdir(parents=True)
    (fake / "site").mkdir()
    (fake / "docx" / "bad.py").write_text("from shenbao.site import plugin\n", "utf-8")
    monkeypatch.setattr(sys.modules[__name__], "PACKAGE", fake)
    assert upward_imports() == ["docx/bad.py (docx) imports site.plugin (site), a higher layer"]


def test_no_module_name_is_shared_by_two_jobs():
    names: dict[str, list[str]] = {}
    for path in PACKAGE.rglob("*.py"):
        if path.name != "__init__.py":
            names.setdefault(path.stem, []).append(str(path.parent.relative_to(PACKAGE)))
    shared = {name: places for name, places in names.items() if len(places) > 1}
    # shenbao/macros.py only hands mkdocs.yml's module name on to site/macros.py
    assert shared == {"macros": [".", "site"]} or shared == {"macros": ["site", "."]}
