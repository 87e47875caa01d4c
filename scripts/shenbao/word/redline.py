"""``shenbao redline``: the changes between two revisions as one DOCX with Word tracked changes.

Each revision is built as a writer builds it, from its own pages and data
(exported from git into a scratch folder) with today's tools and today's
mkdocs.yml (only its nav and shenbao options come from the revision: see
``revision_config``), so the two files differ in content only and no code
from history runs. ``write_redline`` then compares them. Every
change is signed with the author and date of the commit between the two
revisions that made it: the one that last wrote (or took out) its words in the
page; else ``git blame`` at TO of its line (the figure's line in
``data/figures.yml`` for a figure, the note's own line for a footnote); for a
heading's or caption's number, whoever added, removed or moved one before it.
"""

from __future__ import annotations

import difflib
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

from shenbao.docx import package, source_anchors
from shenbao.errors import ShenbaoError
from shenbao.project.revision import git
from shenbao.word import pictures, revision_config, tracked_changes

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
                # a link stays a link, which the build refuses, instead of becoming a copy of what it points to
                shutil.copytree(source, target / part, symlinks=True, ignore=shutil.ignore_patterns(".*"))
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
        try:
            with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
                tar.extractall(target, filter="data")  # refuses links out of the copy, absolute paths, devices
        except tarfile.FilterError as error:
            name = error.tarinfo.name if error.tarinfo is not None else "?"
            raise RedlineError(
                f"修订版本 {commit[:7]} 中的 {name} 是指向版本以外的链接或特殊文件，不予取出",
                "修订稿只比较普通文件：在该版本之后删去这个链接，或选择另一个版本",
            ) from None
        except (tarfile.TarError, OSError) as error:
            raise RedlineError(f"无法取出修订版本 {commit[:7]}：{error}", "检查磁盘空间和文件权限") from None
        if prefix:  # ls-tree names paths from the repository's root when run below it
            nested = target / prefix
            for item in nested.iterdir():
                item.rename(target / item.name)
        _todays_config(project, target, commit)
    return target


def _todays_config(project: Path, target: Path, commit: str) -> None:
    """Replace the revision's mkdocs.yml by today's, with only its nav and shenbao options (``revision_config``)."""
    today = project / "mkdocs.yml"
    old = target / "mkdocs.yml"
    if old.is_symlink() or (old.exists() and not old.is_file()):
        old.unlink()
    old_text = old.read_text(encoding="utf-8-sig", errors="replace") if old.exists() else ""
    try:
        text = today.read_text(encoding="utf-8-sig")
        if old_text:
            text = revision_config.config_for_revision(text, old_text)
    except revision_config.RevisionConfigError as error:
        raise RedlineError(f"修订版本 {commit[:7]}：{error.message}", error.hint) from None
    old.write_text(text, encoding="utf-8")


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
    """Who made a change between ``base`` and ``head``: called with the change's ``page:line``, old and new text."""

    project: Path
    base: str
    head: str  # a commit; HEAD for the working tree
    changed_figures: list[tuple]  # (old text, new text, line in TO's figures.yml) of every changed figure

    def __post_init__(self):
        self._cache: dict[str, tuple[str, str]] = {}
        self._versions: dict[str, list[tuple[str, str]]] = {}
        self._matchers: dict[tuple[str, int], difflib.SequenceMatcher] = {}

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
        path, line = _page_line(page)
        figure_line = self.figure_line(old, new)
        if figure_line is not None:
            return self.blame(FIGURES_FILE, figure_line) if figure_line else self.last_commit(FIGURES_FILE)
        made = self.commit_of_words(path, old, new)
        if made is not None:
            return made
        line = line or self.line_with(path, new)
        return self.blame(path, line) if line else self.last_commit(path)

    def versions(self, path: str) -> list[tuple[str, str]]:
        """The page at FROM and after each commit of the range that touched it: (commit, text), oldest first."""
        key = f"\0versions:{path}"
        if key not in self._versions:
            listed = git(self.project, "log", "--reverse", "--format=%H", f"{self.base}..{self.head}", "--", path)
            commits = [self.base, *listed.stdout.split()] if path and listed.returncode == 0 else []
            found = []
            for commit in commits:
                shown = git(self.project, "show", f"{commit}:{path}")
                found.append((commit, shown.stdout if shown.returncode == 0 else ""))
            self._versions[key] = found
        return self._versions[key]

    def commit_of_words(self, path: str, old: str, new: str) -> tuple[str, str] | None:
        """Who last added the new words to the page (or took the old ones out), when they stand there as written.

        Several commits may have changed one line; blaming the line names only the last. Words the
        build writes (numbers, macros' values) are not in the page as such and are left to the blame.
        """
        versions = self.versions(path)
        if not versions:
            return None
        sought = [(words, True) for words in _telling(new, self.matcher(path, -1))]
        sought += [(words, False) for words in _telling(old, self.matcher(path, 0))] if not new else []
        for words, added in sought:
            made = []
            for (_, before), (commit, after) in zip(versions, versions[1:], strict=False):
                grew = after.count(words) - before.count(words)
                if grew > 0 if added else grew < 0:
                    made.append(commit)
            if made:
                return self.commit_author(made[-1])
        return None

    def matcher(self, path: str, version: int) -> difflib.SequenceMatcher:
        """A matcher against one version of the page, made once: its index of the page is the costly part."""
        key = (path, version)
        if key not in self._matchers:
            self._matchers[key] = difflib.SequenceMatcher(None, "", self.versions(path)[version][1], autojunk=False)
        return self._matchers[key]

    def commit_author(self, commit: str) -> tuple[str, str]:
        shown = git(self.project, "log", "-1", "--format=%an%x00%aI", commit).stdout.strip()
        author, _, date = shown.partition("\0")
        return author, _utc(date) if date else ""

    def note_page(self, reference: str, text: str) -> str:
        """``page:line`` of a note's definition (``[^label]: …``) at TO, from its reference's line and its text.

        Of the notes the reference's line refers to (every note of the page if that says nothing), the
        one whose written text is nearest the note's; "" when the page has no note definitions.
        """
        path, line = _page_line(reference)
        shown = git(self.project, "show", f"{self.head}:{path}") if path else None
        if shown is None or shown.returncode != 0:
            return ""
        lines = shown.stdout.splitlines()
        definitions = {m.group(1): n for n, t in enumerate(lines, start=1) if (m := _NOTE_DEFINITION.match(t))}
        referred = set(_NOTE_REFERENCE.findall(lines[line - 1])) if 0 < line <= len(lines) else set()
        candidates = [label for label in definitions if label in referred] or list(definitions)
        if not candidates:
            return ""

        def nearness(label: str) -> float:
            written = lines[definitions[label] - 1].split(":", 1)[1]
            return difflib.SequenceMatcher(None, written, text, autojunk=False).ratio()

        return f"{path}:{definitions[max(candidates, key=nearness)]}"

    def line_with(self, path: str, new: str) -> int:
        """The one line of the page at TO holding the new words (a note, whose block has no anchor of its own)."""
        words = new.strip()
        if len(words) < 2 or not path:
            return 0
        shown = git(self.project, "show", f"{self.head}:{path}")
        found = [n for n, text in enumerate(shown.stdout.splitlines(), start=1) if words in text]
        return found[0] if shown.returncode == 0 and len(found) == 1 else 0

    def blame(self, path: str, line: int) -> tuple[str, str]:
        """Who last changed that line at TO, when that commit is in the range; else the file's last commit."""
        key = f"{path}:{line}"
        if key not in self._cache:
            found = git(self.project, "blame", "--porcelain", "-L", f"{line},{line}", self.head, "--", path)
            commit = found.stdout.split(" ", 1)[0] if found.returncode == 0 else ""
            inside = commit and git(self.project, "merge-base", "--is-ancestor", commit, self.base).returncode == 1
            self._cache[key] = self.commit_author(commit) if inside else self.last_commit(path)
        return self._cache[key]

    def figure_line(self, old: str, new: str) -> int | None:
        """The line in figures.yml of the figure whose old value gives way to its new one here; None if no figure.

        Only a replacement is a figure's change: a deleted table or a new paragraph that holds a figure's
        value is the page's change.
        """
        if not old.strip() or not new.strip():
            return None
        for figure in self.changed_figures:
            before, after = figure[0], figure[1]
            # the piece is the value, a whole number of it, or holds it: not a digit that is also in it
            removed = old.strip() in (before, *_NUMBER.findall(before)) or before in old
            added = new.strip() in (after, *_NUMBER.findall(after)) or after in new
            if removed and added:
                return figure[2] if len(figure) > 2 else 0
        return None

    def is_figure_change(self, old: str, new: str) -> bool:
        return self.figure_line(old, new) is not None


_NOTE_DEFINITION = re.compile(r"^\[\^([^\]]+)\]:")
_NOTE_REFERENCE = re.compile(r"\[\^([^\]]+)\](?!:)")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_NUMBERING = re.compile(r"^\s*(?:[（(][一二三四五六七八九十\d]+[）)]|[一二三四五六七八九十]+、|\d+[.．、])")
_GENERATED = re.compile(r"[\d\s\u3000]+")  # numbers and spacing: most of what the build writes into a text


def _telling(text: str, page: difflib.SequenceMatcher | None = None) -> list[str]:
    """The words of a changed text to look for in the page's history: itself, and without what the build adds.

    Too short or without a word (a number, a punctuation mark) they would be found in unrelated places.
    Last, the longest stretch of it written as such in the page ``page`` matches against (a link's text,
    between Markdown's marks).
    """
    whole = text.strip()
    rest = _NUMBERING.sub("", whole)
    longest = max(_GENERATED.split(rest), key=len, default="")
    shared = ""
    if page is not None and len(whole) >= 4:
        page.set_seq1(whole)
        match = page.find_longest_match(0, len(whole), 0, len(page.b))
        shared = whole[match.a : match.a + match.size] if match.size >= 4 else ""
    found = []
    for words in (whole, rest, longest, shared):
        if len(words) >= 2 and any(c.isalpha() for c in words) and words not in found:
            found.append(words)
    return found


def _page_line(page: str) -> tuple[str, int]:
    path, _, line = page.rpartition(":")
    return (path, int(line)) if path and line.isdigit() else (page, 0)


def figure_texts(project: Path) -> dict[str, tuple[str, int]]:
    """Each figure's text as the build shows it, and its line in figures.yml."""
    from shenbao.project.datafile import DataFileError
    from shenbao.project.figures import load_figures

    try:
        book = load_figures(project / FIGURES_FILE)
    except DataFileError:
        return {}
    return {name: (f.as_text() if f.known else f"【待填：{f.label}】", f.line) for name, f in book.items()}


def changed_figures(old_project: Path, new_project: Path) -> list[tuple[str, str, int]]:
    old, new = figure_texts(old_project), figure_texts(new_project)
    changed = [name for name in old.keys() & new.keys() if old[name][0] != new[name][0]]
    return [(old[name][0], new[name][0], new[name][1]) for name in sorted(changed)]


# --- the file ---------------------------------------------------------------------------


def _read(path: Path) -> tuple[etree._Element, list[str]]:
    with zipfile.ZipFile(path) as archive:
        return package.parse(archive.read(_DOCUMENT)), source_anchors.read_sources(archive)


def label_core(label: str) -> package.Edit:
    """File > Properties says which two revisions the redline compares, not where it was built."""
    return package.core_edit({"dc:description": f"修订稿：{label}", "cp:version": label})


def track_revisions(settings: etree._Element) -> None:
    """修订 on when the reviewer opens the redline, and their moves kept as moves (pandoc turns them off)."""
    for old in settings.findall(package.w("doNotTrackMoves")):
        settings.remove(old)
    package.child(settings, "trackRevisions")


def write_redline(old_docx: Path, new_docx: Path, output: Path, attribution, label: str = "") -> Path:
    """TO's file with its body and notes replaced by the compared ones; every other part as TO has it."""
    old_root, old_names = _read(old_docx)
    new_root, new_names = _read(new_docx)
    body = tracked_changes.W + "body"
    marker = tracked_changes.Marker()
    pages = tracked_changes.note_pages(new_root.find(body), new_names)
    old_notes, new_notes = _notes(old_docx), _notes(new_docx)
    footnotes = "word/footnotes.xml"
    copier = None
    if footnotes in old_notes and footnotes in new_notes:
        copier = tracked_changes.NoteCopier(old_notes[footnotes], new_notes[footnotes], marker)
    carrier = pictures.PictureCarrier(old_docx, new_docx)
    tracked_changes.redline_body(
        old_root.find(body),
        new_root.find(body),
        old_names,
        new_names,
        attribution,
        marker=marker,
        notes=copier,
        pictures=carrier.carry,
        links=carrier.link,
    )

    def document(root: etree._Element) -> None:
        root[:] = list(new_root)

    edits: dict[str, package.Edit] = {_DOCUMENT: document, "word/settings.xml": track_revisions, **carrier.edits()}
    for part, new_part in new_notes.items():
        if part in old_notes:
            tracked_changes.redline_notes(
                old_notes[part],
                new_part,
                attribution,
                marker,
                pages,
                copier if part == footnotes else None,
                getattr(attribution, "note_page", None),
            )

            def notes(root: etree._Element, new=new_part) -> None:
                root[:] = list(new)

            edits[part] = notes
    if label:
        edits[package.CORE_PART] = label_core(label)
    output.parent.mkdir(parents=True, exist_ok=True)
    return package.rewrite_parts(new_docx, edits, add=carrier.parts(), output=output)


_NOTE_PARTS = ("word/footnotes.xml", "word/endnotes.xml")


def _notes(path: Path) -> dict[str, etree._Element]:
    with zipfile.ZipFile(path) as archive:
        found = {part: package.read_part(archive, part) for part in _NOTE_PARTS}
    return {part: root for part, root in found.items() if root is not None}


def output_name(new_docx: Path, base: str, head: str | None) -> str:
    title = new_docx.stem.removesuffix("（草稿）")
    safe = re.sub(r"[\\/:*?\"<>|\s]", "-", f"{base}→{head or WORKING_TREE}")
    return f"{title}（修订稿 {safe}）.docx"


def make_redline(project: Path, base: str, head: str | None = None, keep: Path | None = None) -> Path:
    """Build both revisions, compare them and write the redline to ``dist/``.

    The two built copies are scratch, removed after; or kept in ``keep`` (``from/`` and ``to/``),
    which the tests compare the redline with.
    """
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
    with tempfile.TemporaryDirectory(prefix="shenbao-redline-") as temporary:
        scratch = keep or temporary
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
