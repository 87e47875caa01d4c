"""Export the rendered document as one DOCX through pandoc.

``assemble`` and ``pandoc_args`` are pure and tested on their own; ``write_docx``
is the thin runner that calls pandoc and moves the file into place only once
it is complete, so a failed build never replaces a good file.
"""

from __future__ import annotations

import functools
import hashlib
import html
import os
import re
import subprocess
import tempfile
import unicodedata
import urllib.parse
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pypandoc
from lxml import etree

from shenbao.docx import images, package, photo_sheets, raw_blocks, render, source_anchors, typeset
from shenbao.docx.job import DocxInfo, DocxJob
from shenbao.docx.layout import CHARACTER_SPACING_CONTROL, Layout
from shenbao.errors import ShenbaoError
from shenbao.project import exhibits
from shenbao.project.document import Document, RenderedPage, resolve_path
from shenbao.project.figures import escape_markdown
from shenbao.project.markers import find_markers
from shenbao.project.numbering import Heading
from shenbao.project.plugin_options import Mode
from shenbao.text.scanner import FOOTNOTE, LINK, REFERENCE_DEFINITION, SCHEME, text_lines
from shenbao.text.textfile import write_atomically
from shenbao.text.titles import title_lines

PANDOC_DIR = Path(__file__).parent / "pandoc"
FILTER = PANDOC_DIR / "official.lua"
SIGNATURE_START = f'<div class="{exhibits.SIGNATURE}"'
DRAFT_NOTE = "草稿　目录页码在 Word 中“更新域”后显示"  # one line on the cover, in the reader's terms


# Characters no file name may hold on Windows or Linux, as their full-width look-alikes
_FILE_NAME = str.maketrans(dict(zip('/\\:*?"<>|', "／＼：＊？＂＜＞｜", strict=True)))


def docx_filename(title: str, final: bool) -> str:
    """The DOCX's name from the title: 2023/2024年度 becomes 2023／2024年度, not a folder.

    Control and format characters (bidi overrides, zero-width ones) are left out: U+202E in a file
    name shows ``申报.exe.docx`` as something else in every file manager."""
    shown = (ch for ch in title if ch >= " " and unicodedata.category(ch) not in ("Cc", "Cf"))
    title = "".join(shown).translate(_FILE_NAME).strip(" .") or "申报材料"
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
    if SCHEME.match(target):
        return target
    if target.startswith("#"):
        return "#" + anchors.of(src_uri, target[1:])
    path, _, fragment = target.partition("#")
    resolved = resolve_path(src_uri, path)
    if resolved in anchors.first:
        return "#" + (anchors.of(resolved, fragment) if fragment else anchors.first[resolved])
    # resources are named by the file's own path, as ``images.page_images`` finds them: a target spelling a
    # space as %20 is the same photo, and must get its print copy, not the original with its EXIF location
    return resources.get(resolve_path(src_uri, urllib.parse.unquote(path)), resolved)


def rewrite_page(
    page: RenderedPage,
    anchors: Anchors,
    footnote_prefix: str,
    resources: dict[str, str],
    sizes: dict[str, str] | None = None,
) -> str:
    """Make one page's Markdown fit into the single document.

    Footnote labels are global in one pandoc document, so each page's labels get
    a prefix of their own. An image whose target has a known printed size
    (``sizes``) and no attributes of its own gets that size.
    """

    def link(match: re.Match) -> str:
        target = resolve_target(match["target"], page.src_uri, anchors, resources)
        size = ""
        if match["bang"] and sizes and target in sizes and not match.string.startswith("{", match.end()):
            size = sizes[target]
        return f"{match['bang']}[{match['text']}]({target}{match['title'] or ''}){size}"

    def reference(match: re.Match) -> str:
        return match["lead"] + resolve_target(match["target"], page.src_uri, anchors, resources) + match["rest"]

    lines = page.markdown.split("\n")
    for heading in page.headings:  # headings carry their ids as {#id …}
        unique = anchors.of(page.src_uri, heading.id)
        if unique != heading.id:
            lines[heading.line - 1] = lines[heading.line - 1].replace(f"{{#{heading.id}", f"{{#{unique}", 1)
    for index, line in list(text_lines(lines)):
        line = FOOTNOTE.sub(lambda m: f"[^{footnote_prefix}{m['label']}]", line)
        line = REFERENCE_DEFINITION.sub(reference, line)
        lines[index] = LINK.sub(link, line)
    return "\n".join(lines)


def assemble(
    document: Document,
    job: DocxJob,
    page_numbers: dict[str, int] | None = None,
    anchored: bool = True,
    sizes: dict[str, str] | None = None,
) -> str:
    """The whole application as one pandoc Markdown text: cover, 目录, body.

    ``anchored``: every block carries an anchor naming its line in the page's source file.
    ``sizes``: the printed size of images by their target (``images.printed_sizes``).
    """
    layout, draft = job.layout, job.draft
    pages = document.docx_pages()
    anchors = Anchors(pages)
    cover = next((page for page in pages if page.is_cover and page.headings), None)
    parts = []
    for index, page in enumerate(pages):
        text = rewrite_page(page, anchors, f"p{index}-", document.resources, sizes)
        if anchored:
            text = source_anchors.mark_page(text, index, source_anchors.read_source(job.sources, page.src_uri))
        if page.attachment == 1:
            note = attachment_note(document.attachments(), layout)
            # the note stands under the text, above the 署名 and 成文日期 (GB/T 9704 §7.3.4–7.3.5)
            body, _, signature = parts[-1].rpartition(SIGNATURE_START) if parts else ("", "", "")
            if body:
                parts[-1] = f"{body}\n\n{note}\n\n{SIGNATURE_START}{signature}"
            else:
                parts.append(note)
        if page.attachment:
            parts.append(attachment_start(page, text, anchors, layout, document.attachment_label(page.attachment)))
            continue
        if page.is_cover:
            parts.append(f"::: cover\n{cover_text(page, text, layout)}\n:::")
            if draft:
                parts.append(f'::: {{custom-style="Cover Note"}}\n{DRAFT_NOTE}\n:::')
            continue
        if index == 0 or pages[index - 1].is_cover:
            contents = raw_blocks.toc(docx_headings(document, anchors), page_numbers, layout)
            front = raw_blocks.page_break() + contents + raw_blocks.front_matter_section_end(layout)
            parts.append(raw_blocks.raw_block(front))
            if cover is not None and not _opens_with(page, cover.title):
                parts.append(body_title(cover.title, layout))
        parts.append(text)
    return "\n\n".join(parts) + "\n"


def _styled(style: str, text: str, identifier: str = "") -> str:
    anchor = f"#{identifier} " if identifier else ""
    return f'::: {{{anchor}custom-style="{style}"}}\n{text}\n:::'


def title_block(title: str, layout: Layout, style: str = "Title", identifier: str = "", lead: str = "") -> str:
    """A title, its lines broken between words (GB/T 9704 §7.3.1); ``lead`` goes before it (a source anchor)."""
    if find_markers(title):  # a draft's title still unknown: its placeholder stays a mark, not text, unbroken
        return _styled(style, lead + title, identifier)
    plain = html.unescape(_ESCAPED.sub(r"\1", title))  # the heading is Markdown: break its text, then escape again
    chars = int(layout.type_width / (layout["title"].size * 20))
    lines = [escape_markdown(line) for line in title_lines(plain, chars)]
    return _styled(style, lead + "\\\n".join(lines), identifier)


def _opens_with(page: RenderedPage, title: str) -> bool:
    """The first body page already starts with the title (a file without headings, imported as one page)."""
    return bool(page.headings) and page.headings[0].title.strip() == title.strip()


def body_title(title: str, layout: Layout) -> str:
    """The title again on the first body page, one empty line below it (unless its style leaves the space)."""
    if layout["title"].space_after:
        return title_block(title, layout)
    return title_block(title, layout) + "\n\n" + raw_blocks.raw_block(raw_blocks.empty_lines(1))


def cover_text(page: RenderedPage, text: str, layout: Layout) -> str:
    """The cover with its title heading set as the title, lines broken as on the first body page."""
    if not page.headings:
        return text
    lines = text.split("\n")
    where = page.headings[0].line - 1
    lead = source_anchors.carried(lines[where])
    lines[where] = "\n" + title_block(page.headings[0].title, layout, lead=lead) + "\n"
    return "\n".join(lines)


_ESCAPED = re.compile(r"\\(.)")


def attachment_note(attachments: list[RenderedPage], layout: Layout) -> str:
    """``附件：1. ×××`` after one empty line, every name, wrapped lines too, under the first (GB/T 9704 §7.3.4).

    A tab after the number reaches the hanging indent, where the names start.
    """
    lines = [raw_blocks.raw_block(raw_blocks.empty_lines(1))]
    if len(attachments) == 1:  # one attachment has no number (§7.3.4): 附件：名称
        return "\n\n".join([*lines, _styled("Attachment Note", f"附件：{attachments[0].title}")])
    tab = f"`{raw_blocks.tab()}`{{=openxml}}"
    for number, page in enumerate(attachments, start=1):
        item = f"{number}\\.{tab}{page.title}"  # escaped: "2. …" on its own would become a list
        if number == 1:
            lines.append(_styled("Attachment Note", f"附件：{item}"))
        else:
            lines.append(_styled("Attachment Note Item", item))
    return "\n\n".join(lines)


def attachment_start(page: RenderedPage, text: str, anchors: Anchors, layout: Layout, label: str = "") -> str:
    """A new page: 附件N on the first line in 黑体, the title centred on the third, an empty line below it."""
    body = text.split("\n")
    first = page.headings[0] if page.headings else None
    carried = ""  # the heading line's source anchor, if any, goes with its title
    if first is not None:
        carried = source_anchors.carried(body[first.line - 1])
        body = [line for number, line in enumerate(body, start=1) if number != first.line]
    title = ""
    if first is not None:
        anchor = anchors.of(page.src_uri, first.id)
        title = title_block(first.title, layout, "Attachment Title", anchor, lead=carried)
        title += raw_blocks.raw_block(raw_blocks.empty_lines(1))
    label = _styled("Attachment Label", label or f"附件{page.attachment}")
    return "\n\n".join([label, raw_blocks.raw_block(raw_blocks.empty_lines(1)), title, "\n".join(body)])


def pandoc_args(reference_doc: Path, resource_path: Path, layout: Layout) -> list[str]:
    """Everything pandoc is told besides its input and output."""
    cell = layout["table_cell"].size * 20
    return [
        # how many characters of cell text a table's full width holds: the filter sizes columns by it
        f"--metadata=shenbao-table-chars:{layout.type_width / cell:.1f}",
        f"--reference-doc={reference_doc}",
        f"--lua-filter={FILTER}",
        f"--resource-path={resource_path}",
        f"--data-dir={PANDOC_DIR}",  # translations/zh-CN.yaml: pandoc has no Chinese terms of its own
        "--metadata=lang:zh-CN",
        "--wrap=none",
        "--syntax-highlighting=none",  # an application has no code; no coloured token styles
    ]


REFERENCE_CACHE = Path(tempfile.gettempdir()) / "shenbao-reference"


@functools.cache
def _code_key() -> str:
    # every module of this package may shape the reference (styles, layout, raw blocks), so all of them key it:
    # moving style code from one module to another can never leave a stale reference behind
    code = "".join(path.read_text(encoding="utf-8") for path in sorted(Path(__file__).parent.rglob("*.py")))
    return f"{code}{pypandoc.get_pandoc_version()}"


def reference_file(draft: bool, layout: Layout) -> Path:
    """The generated reference document, made again only when its code, the layout or pandoc changes."""
    key = hashlib.sha256(f"{_code_key()}{draft}{layout!r}".encode()).hexdigest()[:16]
    path = REFERENCE_CACHE / f"reference-{'draft' if draft else 'final'}-{key}.docx"
    if not path.exists():
        from shenbao.docx import reference  # python-docx is needed only to make a new one

        write_atomically(path, reference.build_reference(draft, layout))
    return path


# Pages are Markdown as Python-Markdown reads it for the site: a backslash before letters is text
# (C:\Windows, \Users), never a TeX command that pandoc would drop from the DOCX without a word.
PAGE_FORMAT = "markdown-raw_tex"


class PandocError(ShenbaoError):
    """pandoc missing or failing, said in Chinese with pandoc's own words attached."""


def run_pandoc(markdown: str, output: Path, job: DocxJob) -> None:
    try:
        pypandoc.convert_text(
            markdown,
            to="docx",
            format=PAGE_FORMAT,
            outputfile=str(output),
            extra_args=pandoc_args(reference_file(job.draft, job.layout), job.sources, job.layout),
        )
    except OSError as error:  # pypandoc's way of saying there is no pandoc
        raise PandocError(
            f"找不到 pandoc。原始信息：{_first_line(error)}",
            "运行 make build 重新安装依赖，pypandoc-binary 自带 pandoc；或设置 PYPANDOC_PANDOC 为 pandoc 的路径",
        ) from None
    except RuntimeError as error:
        raise PandocError(f"pandoc 转换失败。pandoc 的原话：{str(error).strip()}") from None
    except subprocess.CalledProcessError as error:  # making the reference document asks pandoc too
        said = error.stderr.decode(errors="replace") if isinstance(error.stderr, bytes) else error.stderr or ""
        raise PandocError(f"pandoc 运行失败（退出码 {error.returncode}）。pandoc 的原话：{said.strip()}") from None


def _first_line(error: Exception) -> str:
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__


def core_values(info: DocxInfo) -> dict[str, str]:
    """Title, author, language and revision, as File > Properties shows them."""
    values = {"dc:title": info.title, "dc:creator": info.author, "dc:language": "zh-CN"}
    if info.revision:
        values |= {"dc:description": f"修订版本：{info.revision}", "cp:version": info.revision}
    return values


def set_core_properties(root: etree._Element, info: DocxInfo) -> None:
    package.core_edit(core_values(info))(root)


def current_word_mode(settings: etree._Element) -> None:
    """Declare the current Word (2013+) layout mode, and the punctuation rule the grid is set for.

    Without w:compat Word opens the file in compatibility mode (pandoc writes none), where a table's text,
    not its border, lines up with the margin: the table sticks out of the type area by its cell margin.
    """
    if settings.find(package.w("compat")) is None:
        compat = package.insert_child(settings, package.element("compat"))
        setting = package.element("compatSetting", name="compatibilityMode", val="15")
        setting.set(package.w("uri"), "http://schemas.microsoft.com/office/word")
        compat.append(setting)
    package.child(settings, "characterSpacingControl").set(package.w("val"), CHARACTER_SPACING_CONTROL)


def finish_docx(
    path: Path,
    job: DocxJob,
    sources: list[str] | None = None,
    swaps: dict[bytes, Path] | None = None,
    lifted: photo_sheets.Lifted | None = None,
) -> None:
    """What pandoc cannot be told: the typesetting of tables, headings and images, and the file's properties;
    given ``sources``, the source anchors' name table too (``source_anchors``); given ``swaps``, each
    picture pandoc embedded as a stand-in becomes the print copy it stands for; given ``lifted``, the
    photo pages pandoc was not given (``photo_sheets``) are put in their places, before the typesetting.

    The package is rewritten once, part by part (zlib and lxml do the work): each
    rewrite parses the body and writes every part again, photos included.
    """

    def body(root) -> None:
        if lifted is not None:
            lifted.place(root)
        typeset.typeset_body(root, job.layout)

    edits = {
        "word/document.xml": body,
        package.CORE_PART: package.core_edit(core_values(job.info)),
        "word/settings.xml": current_word_mode,
    }
    add: dict[str, bytes] = {}
    more: list[dict[str, package.Edit]] = []
    if sources is not None:
        anchor_edits, add = source_anchors.store_edits(sources)
        more.append(anchor_edits)
    if lifted is not None:
        more.append(lifted.package_edits())  # after the body's edit: only placed pictures go in
    for more_edits in more:
        for name, edit in more_edits.items():
            edits[name] = _then(edits[name], edit) if name in edits else edit
    parts = (lambda: add | lifted.parts()) if lifted is not None else add
    package.rewrite_parts(path, edits, add=parts, swaps=swaps)


def _then(first: package.Edit, second: package.Edit) -> package.Edit:
    def both(root) -> None:
        first(root)
        second(root)

    return both


def partial_path(output: Path) -> Path:
    """Where the DOCX is written until it is complete (and removed from if the export is ended)."""
    return output.with_name(f".{output.name}.part")


def with_print_images(
    document: Document, docs_dir: Path, layout: Layout, cache: Path
) -> tuple[Document, dict[str, str]]:
    """The document with each photo's resource pointing at its copy resampled for print, and the copies' sizes."""
    copies = images.print_copies(document, docs_dir, print_box(layout), cache)
    if not copies:
        return document, {}
    return replace(document, resources={**document.resources, **copies}), images.printed_sizes(copies)


def print_box(layout: Layout) -> images.Box:
    """A photo is printed at most the type area's width and under half its height: two stand on a page."""
    return images.Box.printed(layout.type_width, layout.type_height * PHOTO_SHARE)


PHOTO_SHARE = 0.45  # of the type area's height, leaving room for two captions


def write_docx(
    document: Document,
    output: Path,
    job: DocxJob,
    page_numbers: dict[str, int] | None = None,
    current: Callable[[], bool] = lambda: True,
) -> Path:
    """Write the DOCX next to ``output`` and move it into place when complete (and still ``current``).

    Given ``job.image_cache``, photos go in as their print copies (``images``), not as the originals.
    """
    output.parent.mkdir(parents=True, exist_ok=True)
    partial = partial_path(output)
    sizes: dict[str, str] = {}
    if job.image_cache is not None:
        document, sizes = with_print_images(document, job.sources, job.layout, job.image_cache)
    try:
        document, sizes, swaps, files = with_stand_ins(document, sizes)
        markdown = assemble(document, job, page_numbers, sizes=sizes)
        markdown, lifted = photo_sheets.lift(markdown, files)
        run_pandoc(markdown, partial, job)
        sources = [f"{job.sources.name}/{page.src_uri}" for page in document.docx_pages()]
        finish_docx(partial, job, sources, swaps, lifted)
        if current():
            os.replace(partial, output)
    finally:
        partial.unlink(missing_ok=True)
    return output


def with_stand_ins(
    document: Document, sizes: dict[str, str]
) -> tuple[Document, dict[str, str], dict[bytes, Path], dict[str, Path]]:
    """The document with each sized JPEG print copy replaced by a stand-in (``images.jpeg_stand_in``).

    Also gives the sizes by the stand-ins' paths; for ``finish_docx``, the copy to put in
    place of each stand-in's bytes; and the print copy each sized target is (``photo_sheets``).
    """
    made = images.stand_ins([copy for copy in document.resources.values() if copy in sizes])
    target = {copy: made[copy][0] if copy in made else copy for copy in sizes}
    files = {target[copy]: Path(copy) for copy in sizes}
    if not made:
        return document, sizes, {}, files
    resources = {uri: target.get(copy, copy) for uri, copy in document.resources.items()}
    sizes = {target[copy]: size for copy, size in sizes.items()}
    swaps = {stand_in: Path(copy) for copy, (_, stand_in) in made.items()}
    return replace(document, resources=resources), sizes, swaps, files


def export(document: Document, output: Path, job: DocxJob, current: Callable[[], bool] = lambda: True) -> Path:
    """The draft in one pandoc run; the final file with its 目录 page numbers filled in.

    For the final file a first version is rendered by LibreOffice to learn on
    which page each heading falls; the body restarts at page 1 in its own
    section, so filling the 目录 cannot move those pages. With ``preview`` the
    finished file is also rendered to that PDF (``job.preview``). ``current`` says whether a newer
    build has superseded this one (``mkdocs serve``): then nothing is written.
    """
    if job.mode is Mode.FINAL:
        with tempfile.TemporaryDirectory(prefix="shenbao-final-") as scratch:
            trial = write_docx(document, Path(scratch) / "trial.docx", job)
            pages = render.pdf_pages(render.docx_to_pdf(trial, Path(scratch)))
        numbers = render.heading_pages(docx_headings(document, Anchors(document.docx_pages())), pages)
        write_docx(document, output, job, page_numbers=numbers, current=current)
    else:
        write_docx(document, output, job, current=current)
    if job.preview is not None and current():
        render.docx_to_pdf(output, job.preview.parent)
    return output
