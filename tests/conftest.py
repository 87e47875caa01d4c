"""Shared helpers: throwaway projects built exactly as a writer builds them."""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
import traceback
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pypandoc
import pytest
import yaml
from lxml import etree

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
ARTIFACTS = ROOT / "tests" / "artifacts"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
NS = {"w": W[1:-1]}


def pytest_report_header(config):
    return f"pandoc {pypandoc.get_pandoc_version()} ({pypandoc.get_pandoc_path()})"


def pytest_addoption(parser):
    parser.addoption("--update-golden", action="store_true", help="rewrite the golden files from the current output")


@pytest.hookimpl(tryfirst=True)  # before ``-m`` selects by marker
def pytest_collection_modifyitems(config, items):
    """A test of the final file needs LibreOffice (the 目录's page numbers come from a rendering), so it is
    a render test. The long tests go first: otherwise one starts last and the other worker waits for it."""
    for item in items:
        if "complete" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.render)
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)


class _GroupSuffix:
    """``--dist loadgroup`` sends the tests of one ``xdist_group`` to one worker by a ``@group`` suffix
    that pytest-xdist 3.8 writes to ``item._nodeid``; pytest 9.2 reads an item's id from ``item._id``,
    so the suffix was lost and each group's tests, and their history of builds, were spread over both
    workers (pytest-dev/pytest-xdist#1386). Until xdist writes it where pytest reads it, it is copied."""

    @pytest.hookimpl(trylast=True)  # after pytest-xdist has written the suffix
    def pytest_collection_modifyitems(self, items):
        from _pytest.nodeid import NodeId

        for item in items:
            grouped = item.__dict__.get("_nodeid")
            if grouped and grouped != item.nodeid:
                item._id = NodeId.parse(grouped)


def pytest_configure(config):
    if hasattr(config, "workerinput"):  # an xdist worker: the ids it reports are what the groups go by
        try:
            import _pytest.nodeid  # noqa: F401  (pytest 9.2's structured ids; older pytest needs nothing)
        except ImportError:
            return
        config.pluginmanager.register(_GroupSuffix(), "shenbao-xdist-group-suffix")


@pytest.fixture
def update_golden(request) -> bool:
    return request.config.getoption("--update-golden")


@dataclass
class BuildResult:
    project: Path
    returncode: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr

    @property
    def site(self) -> Path:
        return self.project / "site"

    def docx(self) -> Path:
        found = sorted((self.project / "dist").glob("*.docx"))
        assert found, f"no DOCX in dist/:\n{self.output}"
        return found[0]


def make_project(where: Path, fixture: str | None = None, source: Path | None = None) -> Path:
    """A project as ``shenbao new`` writes it, with the pages and data of a fixture.

    Fixtures have no navigation of their own: their pages come in file order.
    ``source`` takes pages and data from another folder (the application's own tests).
    """
    from shenbao.project.scaffold import template_files

    name = fixture or (source.name if source else "project")
    project = where / name
    project.mkdir(parents=True)
    for path, text in template_files().items():
        if path.startswith(("docs/", "data/figures.yml", "data/exhibits.yml")):
            continue  # the fixture's own pages, figures and exhibits take their place
        (project / path).parent.mkdir(parents=True, exist_ok=True)
        (project / path).write_text(text, encoding="utf-8")
    config = project / "mkdocs.yml"
    config.write_text(
        re.sub(r"^nav:\n(?:[ \t]+.*\n)+", "", config.read_text(encoding="utf-8"), flags=re.M), encoding="utf-8"
    )
    origin = source or FIXTURES / fixture
    layout = origin / "layout.yml"
    if layout.exists():  # a fixture's own layout settings, as a unit writes them for the plugin
        settings = json.dumps(yaml.safe_load(layout.read_text(encoding="utf-8")), ensure_ascii=False)
        text = re.sub(
            r"^  - shenbao\b.*$",
            f"  - shenbao:\n      layout: {settings}",
            config.read_text(encoding="utf-8"),
            count=1,
            flags=re.M,
        )
        config.write_text(text, encoding="utf-8")
    for part in ("docs", "data"):
        if (origin / part).exists():
            shutil.copytree(origin / part, project / part, dirs_exist_ok=True)
    if source and (source / "mkdocs.yml").exists():
        shutil.copy(source / "mkdocs.yml", config)
    return project


def run_cli_process(project: Path, *args: str) -> BuildResult:
    """``python -m shenbao …`` in a process of its own: for what only a whole process shows
    (the interpreter's exit, signals, an environment of its own, a wheel installed elsewhere)."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    result = subprocess.run(
        [sys.executable, "-m", "shenbao", *args], cwd=project, capture_output=True, text=True, env=env, timeout=600
    )
    return BuildResult(project, result.returncode, result.stdout, result.stderr)


def run_cli(project: Path, *args: str) -> BuildResult:
    """``shenbao …`` as the writer runs it, in this process: the same ``main``, its output and exit code.

    Starting Python, MkDocs, jieba and the export's fork server again for every command cost more
    than most builds themselves. What ``python -m`` would add is kept: an uncaught exception becomes
    a traceback on stderr and exit code 1, ``SystemExit("…")`` prints its message. Set
    ``SHENBAO_TESTS_IN_SUBPROCESS=1`` to run every command in a process of its own instead.
    """
    if os.environ.get("SHENBAO_TESTS_IN_SUBPROCESS"):
        return run_cli_process(project, *args)
    from shenbao import cli

    os.environ["NO_MKDOCS_2_WARNING"] = "1"
    stdout, stderr = io.StringIO(), io.StringIO()
    here = os.getcwd()
    os.chdir(project)
    try:
        with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
            try:
                returncode = cli.main(list(args)) or 0
            except SystemExit as exit:  # what the interpreter does with it at the end of ``python -m``
                if exit.code is None or isinstance(exit.code, int):
                    returncode = exit.code or 0
                else:
                    print(exit.code, file=sys.stderr)
                    returncode = 1
            except Exception:  # noqa: BLE001 — ``python -m`` would print it and exit 1; the tests look for it
                traceback.print_exc()
                returncode = 1
    finally:
        os.chdir(here)
    return BuildResult(project, returncode, stdout.getvalue(), stderr.getvalue())


def build(where: Path, fixture: str, command: str = "build") -> BuildResult:
    return run_cli(make_project(where, fixture), command)


@pytest.fixture(scope="session", autouse=True)
def every_docx_is_valid(tmp_path_factory):
    """After the run: every DOCX the suite made (draft, final, redline, imports built again) passes
    both validators and our structural check, except the commented allow-list in ooxml_validation."""
    yield
    if os.environ.get("SHENBAO_SKIP_VALIDATION"):
        return
    from ooxml_validation import produced_findings

    found = produced_findings(tmp_path_factory.getbasetemp())
    listed = "\n".join(f"{path}:\n  " + "\n  ".join(problems[:20]) for path, problems in found.items())
    assert not found, f"DOCX files with validator findings:\n{listed}"


@pytest.fixture(scope="session")
def sample(tmp_path_factory) -> BuildResult:
    """A draft application (tests/fixtures/draft): four heading levels, a table, a chart,
    unknown figures, missing text, a footnote and an attachment, built once."""
    result = build(tmp_path_factory.mktemp("sample"), "draft")
    assert result.returncode == 0, result.output
    return result


@pytest.fixture(scope="session")
def complete(tmp_path_factory) -> BuildResult:
    """A small application with every figure known, built as a final file."""
    result = build(tmp_path_factory.mktemp("complete"), "complete", command="final")
    assert result.returncode == 0, result.output
    return result


def docx_part(path: Path, name: str) -> etree._Element:
    with zipfile.ZipFile(path) as archive:
        return etree.fromstring(archive.read(name))


def docx_parts(path: Path) -> list[str]:
    with zipfile.ZipFile(path) as archive:
        return archive.namelist()


def paragraph_text(element: etree._Element) -> str:
    """The text a reader sees: runs' text, not field codes."""
    return "".join(t.text or "" for t in element.iter(W + "t"))


def style_of(styles: etree._Element, style_id: str) -> etree._Element:
    found = styles.find(f"w:style[@w:styleId='{style_id}']", NS)
    assert found is not None, f"no style {style_id}"
    return found


def wval(element: etree._Element | None, path: str, attr: str = "val") -> str | None:
    """An attribute of the first element at ``path`` below ``element``."""
    if element is None:
        return None
    found = element.find(path, NS)
    return None if found is None else found.get(W + attr)


def libreoffice_changes(docx: Path, scratch: Path) -> int:
    """How many tracked changes LibreOffice finds in a DOCX: it saves it as ODT and lists each changed region."""
    subprocess.run(
        ["soffice", "--headless", f"-env:UserInstallation=file://{scratch}/profile", "--convert-to", "odt",
         "--outdir", str(scratch), str(docx)],
        check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    with zipfile.ZipFile(next(scratch.glob("*.odt"))) as odt:
        return len(re.findall(r"<text:changed-region\b", odt.read("content.xml").decode("utf-8")))
