"""Export the rendered document as one DOCX through pandoc.

``assemble`` and ``pandoc_args`` are pure and tested on their own; ``write_docx``
is the thin runner that calls pandoc and moves the file into place only once
it is complete, so a failed build never replaces a good file.
"""

from __future__ import annotations

import functools
import hashlib
import os
import re
import subprocess
import tempfile
import zipfile
from dataclasses import dataclass, replace
from pathlib import Path

import pypandoc
from lxml import etree

from shenbao import layout, ooxml, render
from shenbao.document import Document, RenderedPage, resolve_path
from shenbao.numbering import Heading

PANDOC_DIR = Path(__file__).parent / "pandoc"
FILTER = PANDOC_DIR / "official.lua"
DRAFT_NOTE = "草稿　目录页码待生成：在 Word 中“更新域”，或以 make final 生成终稿"

_LINK = re.compile(r"(?P<bang>!?)\[(?P<text>(?:[^\[\]]|\[[^\]]*\])*)\]\((?P<target>[^)\s]+)(?P<title>\s+\"[^\"]*\")?\)")
_REFERENCE = re.compile(r"^(?P<lead> {0,3}\[(?!\^)[^\]]+\]:\s*)(?P<target>\S+)(?P<rest>.*)$")
_FOOTNOTE = re.compile(r"\[\^(?P<label>[^\]\s]+)\]")
_FENCE = re.compile(r"^[ \t]*(```|~~~)")
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


@dataclass(frozen=True)
class DocxInfo:
    """What the file says about itself (File > Properties)."""

    title: str
    author: str = ""
    revision: str = ""


def docx_filename(title: str, final: bool) -> str:
    return f"{title}.docx" if final else f"{title}（草稿）.docx"


class Anchors:
    """Heading ids made unique across the one document.

    On the site each page has ids of its own; in one DOCX a second "主要做法"
    would collide with the first, so it becomes "主要做法-2", and every link
    and 目录 entry follows it.
    """

    def __init__(self, pages: list[RenderedPage]):
        self.first: dict[str, str] = {}  # page → its first heading's id in the DOCX
        self.ids: dict[tuple[str, str], str] = {}
        taken: set[str] = set()
        for page in pages:
            for heading in page.headings:
                unique, count = heading.id, 1
                while unique in taken:
                    count += 1
                    unique = f"{heading.id}-{count}"
                taken.add(unique)
                self.ids[(page.src_uri, heading.id)] = unique
                self.first.setdefault(page.src_uri, unique)

    def of(self, page: str, fragment: str) -> str:
        return self.ids.get((page, fragment), fragment)

    def headings(self, page: RenderedPage) -> list[Heading]:
        return [replace(h, id=self.of(page.src_uri, h.id)) for h in page.headings]


def docx_headings(document: Document, anchors: Anchors) -> list[Heading]:
    """The body's headings with their DOCX ids, as the 目录 lists them."""
    body = [p for p in document.docx_pages() if not p.is_cover and not p.attachment]
    return [h for page in body for h in anchors.headings(page)]


def resolve_target(target: str, src_uri: str, anchors: Anchors, resources: dict[str, str]) -> str:
    """A link target as it must read inside one DOCX.

    Links to other pages become links to their headings' bookmarks; files the
    build made (charts) become their print versions; other images and files
    become paths below docs/, found through ``--resource-path``.
    """
    if _SCHEME.match(target):
        return target
    if target.startswith("#"):
        return "#" + anchors.of(src_uri, target[1:])
    path, _, fragment = target.partition("#")
    resolved = resolve_path(src_uri, path)
    if resolved in anchors.first:
        return "#" + (anchors.of(resolved, fragment) if fragment else anchors.first[resolved])
    return resources.get(resolved, resolved)


def rewrite_page(page: RenderedPage, anchors: Anchors, footnote_prefix: str, resources: dict[str, str]) -> str:
    """Make one page's Markdown fit into the single document.

    Footnote labels are global in one pandoc document, so each page's labels get
    a prefix of their own.
    """

    def link(match: re.Match) -> str:
        target = resolve_target(match["target"], page.src_uri, anchors, resources)
        return f"{match['bang']}[{match['text']}]({target}{match['title'] or ''})"

    def reference(match: re.Match) -> str:
        return match["lead"] + resolve_target(match["target"], page.src_uri, anchors, resources) + match["rest"]

    lines = page.markdown.split("\n")
    for heading in page.headings:  # headings carry their ids as {#id …}
        unique = anchors.of(page.src_uri, heading.id)
        if unique != heading.id:
            lines[heading.line - 1] = lines[heading.line - 1].replace(f"{{#{heading.id}", f"{{#{unique}", 1)
    in_fence = ""
    for index, line in enumerate(lines):
        fence = _FENCE.match(line)
        if fence:
            in_fence = "" if in_fence == fence.group(1) else (in_fence or fence.group(1))
            continue
        if in_fence:
            continue
        line = _FOOTNOTE.sub(lambda m: f"[^{footnote_prefix}{m['label']}]", line)
        line = _REFERENCE.sub(reference, line)
        lines[index] = _LINK.sub(link, line)
    return "\n".join(lines)


def assemble(document: Document, draft: bool, page_numbers: dict[str, int] | None = None) -> str:
    """The whole application as one pandoc Markdown text: cover, 目录, body."""
    pages = document.docx_pages()
    anchors = Anchors(pages)
    parts = []
    for index, page in enumerate(pages):
        text = rewrite_page(page, anchors, f"p{index}-", document.resources)
        if page.attachment == 1:
            parts.append(attachment_note(document.attachments()))
        if page.attachment:
            parts.append(attachment_start(page, text, anchors))
            continue
        if page.is_cover:
            parts.append(f"::: cover\n{text}\n:::")
            if draft:
                parts.append(f'::: {{custom-style="Cover Note"}}\n{DRAFT_NOTE}\n:::')
            continue
        if index == 0 or pages[index - 1].is_cover:
            contents = ooxml.toc(docx_headings(document, anchors), page_numbers)
            front = ooxml.page_break() + contents + ooxml.front_matter_section_end()
            parts.append(ooxml.raw_block(front))
        parts.append(text)
    return "\n\n".join(parts) + "\n"


def _styled(style: str, text: str, identifier: str = "") -> str:
    anchor = f"#{identifier} " if identifier else ""
    return f'::: {{{anchor}custom-style="{style}"}}\n{text}\n:::'


def attachment_note(attachments: list[RenderedPage]) -> str:
    """``附件：1. ×××`` after one empty line, later names aligned under the first (GB/T 9704 §7.3.4)."""
    lines = [ooxml.raw_block(ooxml.empty_lines(1))]
    for number, page in enumerate(attachments, start=1):
        item = f"{number}\\. {page.title}"  # escaped: "2. …" on its own would become a list
        if number == 1:
            lines.append(_styled("Attachment Note", f"附件：{item}"))
        else:
            lines.append(_styled("Attachment Note Item", item))
    return "\n\n".join(lines)


def attachment_start(page: RenderedPage, text: str, anchors: Anchors) -> str:
    """A new page: 附件N on the first line in 黑体, the title centred on the third."""
    body = text.split("\n")
    first = page.headings[0] if page.headings else None
    if first is not None:
        body = [line for number, line in enumerate(body, start=1) if number != first.line]
    title = _styled("Attachment Title", first.title, anchors.of(page.src_uri, first.id)) if first else ""
    label = _styled("Attachment Label", f"附件{page.attachment}")
    return "\n\n".join([label, ooxml.raw_block(ooxml.empty_lines(1)), title, "\n".join(body)])


def pandoc_args(reference_doc: Path, resource_path: Path) -> list[str]:
    """Everything pandoc is told besides its input and output."""
    return [
        f"--reference-doc={reference_doc}",
        f"--lua-filter={FILTER}",
        f"--resource-path={resource_path}",
        f"--data-dir={PANDOC_DIR}",  # translations/zh-CN.yaml: pandoc has no Chinese terms of its own
        "--metadata=lang:zh-CN",
        "--wrap=none",
        "--syntax-highlighting=none",  # an application has no code; no coloured token styles
    ]


REFERENCE_CACHE = Path(tempfile.gettempdir()) / "shenbao-reference"
REFERENCE_SOURCES = ("layout.py", "ooxml.py", "reference_docx.py")  # the reference is made from these


@functools.cache
def _reference_file(draft: bool) -> Path:
    """The generated reference document, made again only when its code or pandoc changes."""
    code = "".join((Path(__file__).parent / name).read_text(encoding="utf-8") for name in REFERENCE_SOURCES)
    key = hashlib.sha256(f"{code}{pypandoc.get_pandoc_version()}{draft}".encode()).hexdigest()[:16]
    path = REFERENCE_CACHE / f"reference-{'draft' if draft else 'final'}-{key}.docx"
    if not path.exists():
        from shenbao import reference_docx  # python-docx is needed only to make a new one

        REFERENCE_CACHE.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f".{path.name}.{os.getpid()}.part")
        partial.write_bytes(reference_docx.build_reference(draft))
        os.replace(partial, path)
    return path


class PandocError(RuntimeError):
    """pandoc missing or failing, said in Chinese with pandoc's own words attached."""


def run_pandoc(markdown: str, output: Path, draft: bool, resource_path: Path) -> None:
    try:
        pypandoc.convert_text(
            markdown,
            to="docx",
            format="markdown",
            outputfile=str(output),
            extra_args=pandoc_args(_reference_file(draft), resource_path),
        )
    except OSError as error:  # pypandoc's way of saying there is no pandoc
        raise PandocError(
            "找不到 pandoc（提示：运行 make build 重新安装依赖，pypandoc-binary 自带 pandoc；"
            f"或设置 PYPANDOC_PANDOC 为 pandoc 的路径）。原始信息：{_first_line(error)}"
        ) from None
    except RuntimeError as error:
        raise PandocError(f"pandoc 转换失败。pandoc 的原话：{str(error).strip()}") from None
    except subprocess.CalledProcessError as error:  # making the reference document asks pandoc too
        said = error.stderr.decode(errors="replace") if isinstance(error.stderr, bytes) else error.stderr or ""
        raise PandocError(f"pandoc 运行失败（退出码 {error.returncode}）。pandoc 的原话：{said.strip()}") from None


def _first_line(error: Exception) -> str:
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__


_CORE_NAMESPACES = {
    "cp": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
    "dc": "http://purl.org/dc/elements/1.1/",
}


_GRID = re.compile(rb"<w:tblGrid>(.*?)</w:tblGrid>", re.S)
_GRID_COLUMN = re.compile(rb'<w:gridCol w:w="(\d+)"\s*/>')


def fit_tables(document_xml: bytes) -> bytes:
    """Spread every table's columns over the type area.

    Pandoc sizes the column grid against its own default text width; Word lays
    out a fixed table by that grid, so the grid is scaled to the real width.
    Pandoc writes the grid in one fixed form, so it is rewritten in place rather
    than by parsing a document that may run to many megabytes.
    """

    def scale(grid: re.Match) -> bytes:
        widths = [int(w) for w in _GRID_COLUMN.findall(grid.group(1))]
        total = sum(widths) or 1
        columns = b"".join(b'<w:gridCol w:w="%d"/>' % (w * layout.TYPE_WIDTH // total) for w in widths)
        return b"<w:tblGrid>" + columns + b"</w:tblGrid>"

    return _GRID.sub(scale, document_xml)


def set_core_properties(root: etree._Element, info: DocxInfo) -> None:
    """Title, author, language and revision, as File > Properties shows them."""
    values = {"dc:title": info.title, "dc:creator": info.author, "dc:language": "zh-CN"}
    if info.revision:
        values |= {"dc:description": f"修订版本：{info.revision}", "cp:version": info.revision}
    for name, value in values.items():
        prefix, local = name.split(":")
        tag = f"{{{_CORE_NAMESPACES[prefix]}}}{local}"
        element = root.find(tag)
        if element is None:
            element = etree.SubElement(root, tag)
        element.text = value


def finish_docx(path: Path, info: DocxInfo) -> None:
    """What pandoc cannot be told: table grids and the file's properties.

    The package is rewritten part by part (zlib and lxml do the work), which
    keeps this off the interpreter while MkDocs writes the site beside it.
    """

    def core(data: bytes) -> bytes:
        root = etree.fromstring(data)
        set_core_properties(root, info)
        return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)

    edits = {"word/document.xml": fit_tables, "docProps/core.xml": core}
    rewritten = path.with_name(path.name + ".props")
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(rewritten, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item)
            target.writestr(item, edits[item.filename](data) if item.filename in edits else data)
    os.replace(rewritten, path)


def write_docx(
    document: Document,
    output: Path,
    draft: bool,
    resource_path: Path,
    info: DocxInfo,
    page_numbers: dict[str, int] | None = None,
) -> Path:
    """Write the DOCX next to ``output`` and move it into place when complete."""
    output.parent.mkdir(parents=True, exist_ok=True)
    partial = output.with_name(f".{output.name}.part")
    try:
        run_pandoc(assemble(document, draft, page_numbers), partial, draft, resource_path)
        finish_docx(partial, info)
        os.replace(partial, output)
    finally:
        partial.unlink(missing_ok=True)
    return output


def export(
    document: Document, output: Path, final: bool, resource_path: Path, info: DocxInfo, preview: Path | None = None
) -> Path:
    """The draft in one pandoc run; the final file with its 目录 page numbers filled in.

    For the final file a first version is rendered by LibreOffice to learn on
    which page each heading falls; the body restarts at page 1 in its own
    section, so filling the 目录 cannot move those pages. With ``preview`` the
    finished file is also rendered to that PDF.
    """
    if final:
        with tempfile.TemporaryDirectory(prefix="shenbao-final-") as scratch:
            trial = write_docx(document, Path(scratch) / "trial.docx", False, resource_path, info)
            pages = render.pdf_pages(render.docx_to_pdf(trial, Path(scratch)))
        numbers = render.heading_pages(docx_headings(document, Anchors(document.docx_pages())), pages)
        write_docx(document, output, False, resource_path, info, page_numbers=numbers)
    else:
        write_docx(document, output, True, resource_path, info)
    if preview is not None:
        render.docx_to_pdf(output, preview.parent)
    return output
