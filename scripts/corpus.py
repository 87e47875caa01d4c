"""``make corpus DIR=…``: import every Word file in a folder into a new project, check and build it, and
measure, independently of the importer, what the built DOCX lost.

For each ``.docx``/``.doc``/``.wps`` in DIR, in a temporary folder: ``shenbao new P --from FILE``, then
``shenbao check`` and ``shenbao build``. The source's text (every paragraph, table cell, text box and
footnote, as python-docx's XML holds it) is then looked for in the built DOCX's text. One row per file:

    characters in, lost, moved (to the cover and data), lines that need a human, check errors, seconds

and the exit status is 1 when any file lost a character, got a heading the source does not have,
text twice that the source has once, a caption not whole in one paragraph, a reversed quote pair, or a
traceback.

The measure: both texts are normalised (NFKC, no white space, one kind of quote mark); a source
character counts as kept when a run of ``GRAM`` characters containing it occurs in the built text.
Only what the build makes again is left out of the source: the typed table of contents.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
import time
import unicodedata
import zipfile
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
NS = {"w": W, "mc": MC}
GRAM = 4
SUFFIXES = (".docx", ".doc", ".wps")
_TOC_ENTRY = re.compile(r"(?:[.…·．]{2,}|\t)\s*\d+\s*$")
_TOC_TITLE = re.compile(r"^目\s*录$")
_QUOTES = str.maketrans({c: '"' for c in '“”„‟"＂「」'} | {c: "'" for c in "‘’'＇"})
_HEAD_NUMBER = re.compile(
    r"^(?:第[一二三四五六七八九十百零〇\d]+[章节]|[一二三四五六七八九十百零〇]+、|[（(][一二三四五六七八九十\d]+[）)]|\d+(?:[.．]\d+)*[.．、]?)\s*"
)


@dataclass
class Paragraph:
    text: str
    style: str = ""
    heading: bool = False


def _style_names(archive: zipfile.ZipFile) -> dict[str, str]:
    try:
        root = etree.fromstring(archive.read("word/styles.xml"))
    except KeyError:
        return {}
    names = {}
    for style in root.iterfind("w:style", NS):
        name = style.find("w:name", NS)
        names[style.get(f"{{{W}}}styleId")] = name.get(f"{{{W}}}val") if name is not None else ""
    return names


def _paragraphs_of(root, styles: dict[str, str]) -> list[Paragraph]:
    """Every w:p in document order with the text of its own runs (a text box's paragraphs are their own)."""
    out = []
    for p in root.iter(f"{{{W}}}p"):
        if any(a.tag == f"{{{MC}}}Fallback" for a in p.iterancestors()):
            continue  # the VML copy of a text box already read from mc:Choice
        texts = []
        for t in p.iter(f"{{{W}}}t"):
            owner = next(a for a in t.iterancestors(f"{{{W}}}p"))
            if owner is p and not any(a.tag == f"{{{W}}}del" for a in t.iterancestors()):
                texts.append(t.text or "")
        style_id = p.find("w:pPr/w:pStyle", NS)
        style = styles.get(style_id.get(f"{{{W}}}val"), "") if style_id is not None else ""
        heading = bool(re.match(r"^(heading|标题)\s*\d", style, re.I))
        tabbed = p.find(".//w:tab", NS) is not None
        text = "".join(texts)
        if tabbed and re.search(r"\d+\s*$", text) and not _TOC_ENTRY.search(text):
            text += "\t"  # a tab before a page number: a typed contents line
        out.append(Paragraph(text, style, heading))
    return out


def docx_paragraphs(path: Path) -> list[Paragraph]:
    """The body's and the footnotes' paragraphs of a DOCX."""
    with zipfile.ZipFile(path) as archive:
        styles = _style_names(archive)
        paragraphs = _paragraphs_of(etree.fromstring(archive.read("word/document.xml")), styles)
        for part in ("word/footnotes.xml", "word/endnotes.xml"):
            if part in archive.namelist():
                root = etree.fromstring(archive.read(part))
                for note in root:
                    if note.get(f"{{{W}}}type") in (None, "normal"):
                        paragraphs += _paragraphs_of(note, styles)
    return paragraphs


def normal(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text).translate(_QUOTES))


def source_text(paragraphs: list[Paragraph]) -> list[str]:
    """The source's paragraphs a reader must find again: the typed contents left out."""
    out, in_toc = [], False
    for paragraph in paragraphs:
        text = paragraph.text.strip()
        if not text:
            continue
        if _TOC_TITLE.match(normal(text)):
            in_toc = True
            continue
        is_entry = paragraph.style.lower().startswith("toc") or _TOC_ENTRY.search(paragraph.text)
        if is_entry:
            continue
        if in_toc and not is_entry:
            in_toc = False
        out.append(normal(text))
    return [t for t in out if t]


def lost_characters(source: list[str], built: str) -> tuple[int, list[str]]:
    """Characters of the source no run of GRAM characters of the built text covers, with examples."""
    grams = {built[i : i + GRAM] for i in range(len(built) - GRAM + 1)}
    lost, examples = 0, []
    for paragraph in source:
        if len(paragraph) < GRAM:
            if paragraph not in built:
                lost += len(paragraph)
                examples.append(paragraph)
            continue
        covered = [False] * len(paragraph)
        for i in range(len(paragraph) - GRAM + 1):
            if paragraph[i : i + GRAM] in grams:
                covered[i : i + GRAM] = [True] * GRAM
        missing = covered.count(False)
        if missing:
            lost += missing
            examples.append(marked(paragraph, covered))
    return lost, examples


def marked(paragraph: str, covered: list[bool], width: int = 12) -> str:
    """The lost characters between ⟦ ⟧, with a few kept characters either side so a reader finds the place."""
    pieces, at = [], 0
    while at < len(paragraph):
        if covered[at]:
            at += 1
            continue
        end = at
        while end < len(paragraph) and not covered[end]:
            end += 1
        before = paragraph[max(0, at - width) : at]
        pieces.append(f"{before}⟦{paragraph[at:end]}⟧{paragraph[end : end + width]}")
        at = end
    return " … ".join(pieces)[:160]


def reversed_quotes(texts: list[str]) -> int:
    """Paragraphs where a closing quote mark stands before its opening one, or one opens twice."""
    count = 0
    for text in texts:
        depth, bad = 0, False
        for char in text:
            if char == "“":
                bad |= depth > 0
                depth += 1
            elif char == "”":
                bad |= depth == 0
                depth = max(0, depth - 1)
        count += bad
    return count


def invented_headings(built: list[Paragraph], source_joined: str) -> list[str]:
    out = []
    for paragraph in built:
        title = normal(_HEAD_NUMBER.sub("", paragraph.text.strip()))
        if paragraph.heading and title and title not in source_joined:
            out.append(title)
    return out


_CAPTION = re.compile(r"^[表图]\s*\d+")


def missing_captions(source: list[Paragraph], built: list[Paragraph]) -> list[str]:
    """Captions of the source (a Caption style, or a line starting 表N/图N) no paragraph of the DOCX holds whole."""
    paragraphs = {normal(p.text) for p in built}
    out = []
    for paragraph in source:
        text = normal(paragraph.text)
        is_caption = "caption" in paragraph.style.lower() or _CAPTION.match(text)
        if text and is_caption and not any(text in p for p in paragraphs):
            out.append(text)
    return out


def duplicated(built: list[Paragraph], source_joined: str, skip: set[str]) -> list[str]:
    """Paragraphs of 12 characters or more the built DOCX holds more often than the source."""
    counts = Counter(normal(p.text) for p in built if len(normal(p.text)) >= 12)
    return [t for t, n in counts.items() if t not in skip and n > max(1, source_joined.count(t))]


@dataclass
class Row:
    name: str
    chars: int = 0
    lost: int = 0
    moved: str = "-"
    review: int = 0
    check_errors: int = 0
    seconds: float = 0.0
    problems: list[str] = field(default_factory=list)

    def failed(self) -> bool:
        return bool(self.problems)


def run(args: list[str], cwd: Path, timeout: int) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(
            [sys.executable, "-m", "shenbao", *args], cwd=cwd, capture_output=True, text=True, timeout=timeout
        )
    except subprocess.TimeoutExpired:
        return subprocess.CompletedProcess(args, 124, "", f"超时（{timeout} 秒）")


def application_values(project: Path) -> set[str]:
    import yaml

    path = project / "data" / "figures.yml"
    data = yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else {}
    group = (data or {}).get("application") or {}
    return {normal(str(v.get("value"))) for v in group.values() if isinstance(v, dict) and v.get("value")}


def measure(file: Path, timeout: int = 600) -> Row:
    row = Row(file.name)
    start = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="corpus-") as scratch:
        project = Path(scratch) / "p"
        steps = [("new", run(["new", str(project), "--from", str(file.resolve())], Path(scratch), timeout))]
        if steps[0][1].returncode == 2 and "--from" in steps[0][1].stderr:  # a version without --from
            run(["new", str(project)], Path(scratch), timeout)
            steps = [("new", run(["import", str(file.resolve()), "--into", str(project), "--force"], project, timeout))]
        if steps[0][1].returncode == 0:
            steps.append(("check", run(["check"], project, timeout)))
            steps.append(("build", run(["build"], project, timeout)))
        for name, result in steps:
            if "Traceback" in result.stderr + result.stdout:
                row.problems.append(f"{name}: traceback")
        new = steps[0][1]
        if new.returncode != 0:
            row.problems.append(f"new --from 失败：{(new.stderr or new.stdout).strip()[:200]}")
        if len(steps) > 1:
            check = steps[1][1]
            found = re.search(r"(\d+) 个问题", check.stdout)
            row.check_errors = int(found.group(1)) if found else 0
        report = project / "import-report.md"
        if report.exists():
            text = report.read_text(encoding="utf-8")
            moved = re.search(r"封面/数据\s*(\d+)\s*字", text)
            row.moved = moved.group(1) if moved else "-"
            review = text.partition("## 需要人工核对")[2]
            row.review = sum(1 for line in review.splitlines() if line.startswith("- ") and line != "- 无")
        source_paragraphs = docx_paragraphs(converted(file, Path(scratch)))
        source = source_text(source_paragraphs)
        row.chars = sum(len(t) for t in source)
        built_files = sorted((project / "dist").glob("*.docx")) if (project / "dist").exists() else []
        if not built_files:
            if len(steps) > 2:
                build = steps[2][1]
                row.problems.append(f"build 失败：{(build.stderr or build.stdout).strip()[-200:]}")
            row.lost = row.chars
        else:
            # the contents the build writes repeat every heading: not text of the document's own
            built = [p for p in docx_paragraphs(built_files[0]) if not p.style.lower().startswith("toc")]
            built_joined = "".join(normal(p.text) for p in built)
            source_joined = "".join(source)
            row.lost, examples = lost_characters(source, built_joined)
            if row.lost:
                row.problems.append(f"丢失 {row.lost} 字，如：{' | '.join(examples[:3])}")
            if invented := invented_headings(built, source_joined):
                row.problems.append(f"多出的标题：{'、'.join(invented[:3])}")
            if twice := duplicated(built, source_joined, application_values(project)):
                row.problems.append(f"重复的文字：{'、'.join(t[:20] for t in twice[:3])}")
            if captions := missing_captions(source_paragraphs, built):
                row.problems.append(f"题注不完整：{'、'.join(c[:20] for c in captions[:3])}")
            source_reversed = reversed_quotes([p.text for p in source_paragraphs])
            if (n := reversed_quotes([p.text for p in built]) - source_reversed) > 0:
                row.problems.append(f"{n} 段引号方向颠倒")
    row.seconds = time.monotonic() - start
    return row


def converted(file: Path, scratch: Path) -> Path:
    """A .doc or .wps as LibreOffice saves it as .docx, so its text can be read the same way."""
    if file.suffix.lower() == ".docx":
        return file
    out = scratch / "source"
    subprocess.run(
        ["soffice", "--headless", "--convert-to", "docx", "--outdir", str(out), str(file)],
        capture_output=True,
        timeout=300,
    )
    return out / (file.stem + ".docx")


def table(rows: list[Row]) -> str:
    lines = [
        "| 文件 | 字数 | 丢失 | 移到封面/数据 | 需人工核对 | check 错误 | 秒 | 问题 |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in rows:
        problems = "；".join(p.replace("|", "¦") for p in r.problems) or "无"
        cells = [r.name, r.chars, r.lost, r.moved, r.review, r.check_errors, f"{r.seconds:.0f}", problems]
        lines.append("| " + " | ".join(str(c) for c in cells) + " |")
    total_in, total_lost = sum(r.chars for r in rows), sum(r.lost for r in rows)
    share = f"{100 * total_lost / total_in:.1f} %" if total_in else "0 %"
    lines.append(f"| 合计 {len(rows)} 个文件 | {total_in} | {total_lost}（{share}） | | | | | |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="导入一个文件夹中的每个 Word 文件，构建并核对文字是否完整")
    parser.add_argument("directory", help="放 .docx/.doc/.wps 文件的文件夹")
    parser.add_argument("--timeout", type=int, default=600, help="每一步最多多少秒（默认 600）")
    parser.add_argument("--jobs", type=int, default=2, help="同时核对几个文件（默认 2）")
    args = parser.parse_args(argv)
    folder = Path(args.directory)
    files = sorted(f for f in folder.iterdir() if f.suffix.lower() in SUFFIXES) if folder.is_dir() else []
    if not files:
        print(f"错误：{folder}: 没有 .docx、.doc 或 .wps 文件。用 DIR=文件夹 指定", file=sys.stderr)
        return 2
    # each file is subprocesses (pandoc, LibreOffice) waiting on one another: two at a time fill two cores
    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        rows = []
        for row in pool.map(lambda file: measure(file, args.timeout), files):
            rows.append(row)
            print(f"{row.name}: {'通过' if not row.failed() else '；'.join(row.problems)}", file=sys.stderr, flush=True)
    print(table(rows))
    failed = [r.name for r in rows if r.failed()]
    print(f"\n{len(failed)} 个文件有问题：{'、'.join(failed)}" if failed else f"\n{len(rows)} 个文件全部通过。")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
