"""``shenbao redline``: the changes between two revisions as one DOCX with Word tracked changes.

Each revision is built as a writer builds it, from its own pages and data
(exported from git into a scratch folder) with today's tools, so the two
files differ in content only. ``redline_docx`` then compares them. Every
change is signed with the author and date of the last commit between the two
revisions that touched its page, or ``data/figures.yml`` for a figure.
"""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from lxml import etree

from shenbao.docx import source_anchors
from shenbao.errors import ShenbaoError
from shenbao.project.revision import git
from shenbao.word import comments, tracked_changes

CONTENT = ("docs", "data", "mkdocs.yml")  # what a revision's text is made of; the tools are today's
WORKING_TREE = "工作区"
FIGURES_FILE = "data/figures.yml"
_DOCUMENT = "word/document.xml"


class RedlineError(ShenbaoError):
    """Something the writer must fix before a redline can be made; said with a hint."""


def resolve(project: Path, revision: str) -> str:
    """The full commit a revision names, or a clear refusal."""
    if git(project, "rev-parse", "--show-toplevel").returncode != 0:
        raise RedlineError("项目不在 git 仓库中，无法比较修订版本", "先 git init 并提交")
    found = git(project, "rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}")
    if found.returncode != 0 or not found.stdout.strip():
        raise RedlineError(f"找不到修订版本 “{revision}”", "用 git log --oneline 查看可用的版本")
    return found.stdout.strip()


def uncommitted(project: Path) -> list[str]:
    """Changed or new files of the content: only these would lack an author and a date."""
    status = git(project, "status", "--porcelain", "--untracked-files=all", "--", *CONTENT)
    return [line[3:] for line in status.stdout.splitlines() if line.strip()]


def export(project: Path, commit: str | None, target: Path) -> Path:
    """A buildable copy of a revision's content (the working tree's when ``commit`` is None)."""
    target.mkdir(parents=True)
    if commit is None:
        import shutil

        for part in CONTENT:
            source = project / part
            if source.is_dir():
                shutil.copytree(source, target / part, ignore=shutil.ignore_patterns(".*"))
            elif source.exists():
                shutil.copy(source, target / part)
    else:
        prefix = git(project, "rev-parse", "--show-prefix").stdout.strip()
        listed = git(project, "ls-tree", "--name-only", commit, "--", *CONTENT).stdout.split()
        if not listed:
            raise RedlineError(f"修订版本 {commit[:7]} 中没有 docs/、data/ 或 mkdocs.yml", "它是申报材料的版本吗？")
        archive = git(project, "archive", "--format=tar", commit, "--", *listed, binary=True)
        if archive.returncode != 0:
            raise RedlineError(f"无法取出修订版本 {commit[:7]}：{archive.stderr.decode(errors='replace').strip()}")
        with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
            tar.extractall(target, filter="data")
        if prefix:  # ls-tree names paths from the repository's root when run below it
            nested = target / prefix
            for item in nested.iterdir():
                item.rename(target / item.name)
    config = target / "mkdocs.yml"
    if config.exists():
        config.write_text(with_plugin(config.read_text(encoding="utf-8")), encoding="utf-8")
    return target


_OLD_HOOKS = re.compile(r"^hooks:\n(?:[ \t]+- .*mkdocs_hooks\.py.*\n)+", re.M)
_OLD_SETTINGS = re.compile(r"^[ \t]+(?:custom_dir: overrides|figures_file: .*|build_mode: .*|preview: !ENV.*)\n", re.M)


def with_plugin(config: str) -> str:
    """A revision's mkdocs.yml made for today's tools.

    Revisions older than the ``shenbao`` plugin loaded a hooks file and theme
    folder of the repository; today both come with the installed plugin.
    """
    if _OLD_HOOKS.search(config) is None:
        return config
    config = _OLD_SETTINGS.sub("", _OLD_HOOKS.sub("", config))
    return re.sub(r"^(\s+)- macros:", r"\1- shenbao\n\1- macros:", config, count=1, flags=re.M)


def build(copy: Path, label: str) -> Path:
    """Build a copy as a draft, in a process of its own as ``make build`` does; the DOCX it wrote."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    result = subprocess.run(
        [sys.executable, "-m", "shenbao", "build"], cwd=copy, capture_output=True, text=True, env=env
    )
    found = sorted((copy / "dist").glob("*.docx"))
    if result.returncode != 0 or not found:
        reason = "\n".join(result.stderr.strip().splitlines()[-8:])
        raise RedlineError(f"{label} 无法构建：\n{reason}\n", "先在该版本上修好构建错误，或选择另一个版本")
    return found[0]


# --- who made each change -------------------------------------------------------------


def _utc(iso: str) -> str:
    return datetime.fromisoformat(iso).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class Attribution:
    """Author and date of the last commit in the range that touched a file."""

    project: Path
    base: str
    head: str  # a commit; HEAD for the working tree
    changed_figures: list[tuple[str, str]]  # (old text, new text) of every figure whose value changed

    def __post_init__(self):
        self._cache: dict[str, tuple[str, str]] = {}

    def last_commit(self, path: str) -> tuple[str, str]:
        if path not in self._cache:
            args = ["log", "-1", "--format=%an%x00%aI", f"{self.base}..{self.head}"]
            found = git(self.project, *args, "--", path).stdout.strip() if path else ""
            if not found:  # the change came from elsewhere (a renumbering, a moved page): the range's last commit
                found = (
                    git(self.project, *args, "--", *CONTENT).stdout.strip()
                    or git(self.project, "log", "-1", "--format=%an%x00%aI", self.head).stdout.strip()
                )
            author, _, date = found.partition("\0")
            self._cache[path] = (author, _utc(date) if date else "")
        return self._cache[path]

    def __call__(self, page: str, old: str, new: str) -> tuple[str, str]:
        if self.is_figure_change(old, new):
            return self.last_commit(FIGURES_FILE)
        return self.last_commit(page)

    def is_figure_change(self, old: str, new: str) -> bool:
        """Whether a change of words is a changed figure's old value giving way to its new one."""
        for before, after in self.changed_figures:
            removed = not old or comments.is_value_of(old.strip(), before) or before in old
            added = not new or comments.is_value_of(new.strip(), after) or after in new
            if (old or new) and removed and added:
                return True
        return False


def figure_texts(project: Path) -> dict[str, str]:
    from shenbao.project.datafile import DataFileError
    from shenbao.project.figures import load_figures

    try:
        book = load_figures(project / FIGURES_FILE)
    except DataFileError:
        return {}
    return {name: (f.as_text() if f.known else f"【待填：{f.label}】") for name, f in book.items()}


def changed_figures(old_project: Path, new_project: Path) -> list[tuple[str, str]]:
    old, new = figure_texts(old_project), figure_texts(new_project)
    return [(old[name], new[name]) for name in old.keys() & new.keys() if old[name] != new[name]]


# --- the file ---------------------------------------------------------------------------


def _read(path: Path) -> tuple[etree._Element, list[str]]:
    with zipfile.ZipFile(path) as archive:
        return etree.fromstring(archive.read(_DOCUMENT)), source_anchors.read_sources(archive)


_CORE = "docProps/core.xml"
_CORE_NS = {
    "dc": "http://purl.org/dc/elements/1.1/",
    "cp": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
}


def label_core(data: bytes, label: str) -> bytes:
    """File > Properties says which two revisions the redline compares, not where it was built."""
    root = etree.fromstring(data)
    for prefix, local, value in (("dc", "description", f"修订稿：{label}"), ("cp", "version", label)):
        element = root.find(f"{{{_CORE_NS[prefix]}}}{local}")
        if element is None:
            element = etree.SubElement(root, f"{{{_CORE_NS[prefix]}}}{local}")
        element.text = value
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def write_redline(old_docx: Path, new_docx: Path, output: Path, attribution, label: str = "") -> Path:
    """TO's file with its body replaced by the compared body; every other part as TO has it."""
    old_root, old_names = _read(old_docx)
    new_root, new_names = _read(new_docx)
    body = tracked_changes.W + "body"
    tracked_changes.redline_body(old_root.find(body), new_root.find(body), old_names, new_names, attribution)
    document = etree.tostring(new_root, xml_declaration=True, encoding="UTF-8", standalone=True)
    output.parent.mkdir(parents=True, exist_ok=True)
    partial = output.with_name(f".{output.name}.part")
    with zipfile.ZipFile(new_docx) as source, zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = document if item.filename == _DOCUMENT else source.read(item)
            target.writestr(item, label_core(data, label) if item.filename == _CORE and label else data)
    os.replace(partial, output)
    return output


def output_name(new_docx: Path, base: str, head: str | None) -> str:
    title = new_docx.stem.removesuffix("（草稿）")
    safe = re.sub(r"[\\/:*?\"<>|\s]", "-", f"{base}→{head or WORKING_TREE}")
    return f"{title}（修订稿 {safe}）.docx"


def make_redline(project: Path, base: str, head: str | None = None) -> Path:
    """Build both revisions, compare them and write the redline to ``dist/``."""
    base_commit = resolve(project, base)
    head_commit = resolve(project, head) if head else None
    if head is None:
        dirty = uncommitted(project)
        if dirty:
            listed = "、".join(dirty[:5]) + ("等" if len(dirty) > 5 else "")
            raise RedlineError(
                f"工作区有未提交的修改：{listed}。修订稿中每处修改都要注明提交的作者和日期",
                "先提交这些修改，或用 --to <修订版本>（make redline 中写 TO=）指定要比较的版本",
            )
    with tempfile.TemporaryDirectory(prefix="shenbao-redline-") as scratch:
        old_copy = export(project, base_commit, Path(scratch) / "from")
        new_copy = export(project, head_commit, Path(scratch) / "to")
        old_docx = build(old_copy, f"修订版本 {base}")
        new_docx = build(new_copy, f"修订版本 {head}" if head else WORKING_TREE)
        who = Attribution(project, base_commit, head_commit or "HEAD", changed_figures(old_copy, new_copy))
        output = project / "dist" / output_name(new_docx, base, head)
        label = f"{base}（{base_commit[:7]}）→ {head or WORKING_TREE}" + (
            f"（{head_commit[:7]}）" if head_commit else ""
        )
        return write_redline(old_docx, new_docx, output, who, label)
