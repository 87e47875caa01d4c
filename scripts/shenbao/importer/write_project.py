"""``shenbao import``: write a Word file's pages, figures and exhibits into a project.

The passes are in ``importer``; this module reads the target project, runs
them, and writes every file through a temporary name, after refusing to
overwrite pages unless asked to.
"""

from __future__ import annotations

import html
import json
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from shenbao.importer import passes
from shenbao.importer.docx_reader import ImportProblem, comments_on, read_docx
from shenbao.importer.passes import Registry, Report, Section
from shenbao.text.textfile import write_atomically

REPORT_NAME = "import-report.md"
COVER = (
    "---\ndocx: cover\n---\n\n"
    '# {{ fig("application.title") }} {.unnumbered}\n\n'
    '申报单位：{{ fig("application.applicant") }}\n\n'
    '申报日期：{{ fig("application.date") }}\n'
)


@dataclass
class Output:
    """Everything the import writes, by path below the project, before any of it is written."""

    files: dict[str, str] = field(default_factory=dict)
    media: dict[str, Path] = field(default_factory=dict)  # docs/img/… → extracted file


# --- the target project -------------------------------------------------------------


def existing_pages(project: Path) -> list[str]:
    docs = project / "docs"
    return sorted(p.relative_to(docs).as_posix() for p in docs.rglob("*.md")) if docs.exists() else []


def check_target(project: Path, force: bool) -> None:
    if not (project / "mkdocs.yml").is_file():
        raise ImportProblem(project, "不是申报材料项目（没有 mkdocs.yml）", "用 --into 指向含 mkdocs.yml 的文件夹")
    pages = existing_pages(project)
    if pages and not force:
        shown = "、".join(pages[:5]) + ("等" if len(pages) > 5 else "")
        raise ImportProblem(
            project / "docs", f"已有 {len(pages)} 个页面（{shown}）", "导入到空项目，或加 --force 覆盖同名页面和数据"
        )


def remove_group(text: str, group: str) -> str:
    """Take a top-level group (and the comment line just above it) out of a YAML text, keeping the rest."""
    lines = text.split("\n")
    start = next((i for i, line in enumerate(lines) if re.match(rf"^{re.escape(group)}:\s*(#.*)?$", line)), None)
    if start is None:
        return text
    end = start + 1
    while end < len(lines) and not re.match(r"^[A-Za-z_]", lines[end]):
        end += 1
    while end > start + 1 and (not lines[end - 1].strip() or lines[end - 1].startswith("#")):
        end -= 1  # blank lines and the next group's comment belong to the next group
    if start > 0 and lines[start - 1].startswith("# 由 "):
        start -= 1
    return "\n".join(lines[:start] + lines[end:])


def add_tables(text: str, prefix: str, tables: dict[str, dict]) -> str:
    """Put exhibit tables under ``tables:``, replacing those an earlier import of the same prefix made."""
    lines = [line for line in text.split("\n") if not line.startswith(f"  {prefix}_")]
    new = [
        f"  {name}: "
        + yaml.safe_dump(spec, default_flow_style=True, allow_unicode=True, sort_keys=False, width=10000).strip()
        for name, spec in tables.items()
    ]
    # an empty flow mapping (``tables: {}``, as ``shenbao new`` writes it) becomes a block the tables go under
    lines = ["tables:" if re.match(r"^tables:\s*\{\s*\}\s*(#.*)?$", line) else line for line in lines]
    at = next((i for i, line in enumerate(lines) if re.match(r"^tables:\s*(#.*)?$", line)), None)
    if at is None:
        while lines and not lines[-1].strip():
            lines.pop()
        return "\n".join([*lines, "tables:", *new]) + "\n"
    return "\n".join(lines[: at + 1] + new + lines[at + 1 :])


def add_to_nav(text: str, pages: list[str], others: list[str]) -> str:
    """Add pages to mkdocs.yml's nav by editing its text, so comments and !ENV tags stay as they are."""
    match = re.search(r"^nav:[ \t]*\n((?:[ \t]+\S.*\n|[ \t]*\n)*)", text, re.M)
    if match is None:
        entries = ["  - 封面: index.md"] if "index.md" in [*others, *pages] else []
        entries += [f"  - {p}" for p in [*others, *pages] if p != "index.md"]
        return text.rstrip("\n") + "\n\nnav:\n" + "\n".join(entries) + "\n"
    block = match.group(1).rstrip("\n").split("\n") if match.group(1).strip() else []
    listed = " ".join(block)
    for page in pages:
        if re.search(rf"(?<![\w/.-]){re.escape(page)}\b", listed):
            continue
        block.insert(0, "  - 封面: index.md") if page == "index.md" else block.append(f"  - {page}")
    return text[: match.start(1)] + "\n".join(block) + "\n\n" + text[match.end(1) :].lstrip("\n")


def existing_figures(project: Path, skip: set[str]) -> dict[tuple, str]:
    """Figures the project already has, by (label, value, unit, approx): an equal one is used, not copied."""
    path = project / "data" / "figures.yml"
    data = yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else None
    known = {}
    for group, members in (data or {}).items():
        if group in skip or not isinstance(members, dict):
            continue
        for key, spec in members.items():
            if isinstance(spec, dict):
                value_key = (spec.get("label"), spec.get("value"), spec.get("unit", ""), spec.get("approx", ""))
                known.setdefault(value_key, f"{group}.{key}")
    return known


# --- the passes over sections -----------------------------------------------------------


@dataclass
class Context:
    prefix: str
    registry: Registry
    report: Report
    media_root: Path
    units: list[str]
    allowed: list[str]
    tables: dict[str, dict] = field(default_factory=dict)
    numbers: dict[str, str] = field(default_factory=dict)  # 表N as the Word file numbered it → exhibit
    media: dict[str, Path] = field(default_factory=dict)


def take_tables(section: Section, ctx: Context) -> None:
    """Tables of numbers become exhibits; 表N captions become their titles; images get their files."""
    section.lead = _take_tables(section.lead, section.title, ctx)
    section.blocks = _take_tables(section.blocks, section.title, ctx)


def _take_tables(blocks: list[dict], where: str, ctx: Context) -> list[dict]:
    out: list[dict] = []
    for index, block in enumerate(blocks):
        kind = block["t"]
        text = passes.paragraph_text(block) if kind in ("Para", "Plain") else ""
        caption = passes.CAPTION.match(text) if text else None
        following = blocks[index + 1]["t"] if index + 1 < len(blocks) else ""
        previous = out[-1] if out else None
        if caption and caption["kind"] == "表" and following == "Table":
            blocks[index + 1]["title"] = caption["title"]
            blocks[index + 1]["number"] = caption["number"]
            blocks[index + 1]["caption_block"] = block  # back in the page if the table stays Markdown
            continue
        if caption and caption["kind"] == "图" and previous is not None and previous.get("image"):
            _describe(previous, text)
            out.append(image_caption(text, ctx))  # 图N under its image, as the build sets its own captions
            continue
        if caption and caption["kind"] == "图" and _image_next(blocks, index):
            blocks[index + 1]["caption_text"] = text  # a caption typed above its image goes under it
            continue
        if kind == "Table":
            made = table_block(block, ctx, where)
            # a table kept in the page keeps its caption above it as typed, 表N and all (the build numbers
            # only the tables it makes); Word's own table caption likewise
            if made["t"] == "Table" and "caption_block" in block:
                out.append(caption_div("table-caption", passes.paragraph_text(block["caption_block"])))
            elif made["t"] == "Table" and (own := passes.stringify(block["c"][1][1]).strip()):
                out.append(caption_div("table-caption", own))
            out.append(made)
        elif kind == "Figure":
            out += figure_block(block, ctx)
        elif kind in ("Para", "Plain") and passes._has_image(block):
            out.append(image_para(block, ctx))
            if "caption_text" in block:
                _describe(out[-1], block["caption_text"])
                out.append(image_caption(block["caption_text"], ctx))
        else:
            out.append(_publishable(block, ctx))  # a picture or a Word style inside a quote, a list, a div
    return out


def table_block(block: dict, ctx: Context, where: str) -> dict:
    header, rows, caption = passes.table_cells(block)
    own = passes.CAPTION.match(caption)
    title = block.get("title") or (own["title"] if own else caption)
    number = block.get("number") or (own["number"] if own else "")
    numeric = passes.numeric_rows(header, rows)
    if numeric is not None and not title:
        # without a 表N caption it stays where it is, as a table whose numbers become figures
        ctx.report.review.append(f"“{where}”页的数字表格没有表题，保留为 Markdown 表格，数字改为数据项")
        return plain_table(block, ctx)
    if numeric is None:
        ctx.report.review.append(f"“{where}”页的表格（{'、'.join(header)[:30]}）不是一列数值，保留为 Markdown 表格")
        return plain_table(block, ctx)
    base = f"{ctx.prefix}_{passes.readable_name(title) or 'table'}"
    name, n = base, 1
    while name in ctx.tables:
        n += 1
        name = f"{base}_{n}"
    names, notes = [], {}
    for row in numeric:
        figure = ctx.registry.add(row.label, row.value, row.unit, row.approx, f"表“{title}”", ctx.report)
        names.append(figure)
        if row.note:
            notes[figure] = row.note
    spec = {"title": title, "rows": names}
    if notes:
        spec["notes"] = notes
    ctx.tables[name] = spec
    if number:
        ctx.numbers[number] = name  # the text's 表N now means this table
    ctx.report.tables.append(f"表“{title}” → data/exhibits.yml 的 {name}（{len(names)} 行）")
    return {"t": "RawBlock", "c": ["markdown", f'{{{{ table("{name}") }}}}']}


def plain_table(block: dict, ctx: Context) -> dict:
    """A table kept in the page: one line per cell (a pipe table), statistics as figures named by row and column."""
    attr, caption, specs, head, bodies, foot = block["c"]
    header = [passes.stringify(cell[4]).strip() for row in head[1][:1] for cell in row[1]]
    several = len(header) > 2

    def cell_figure(label: str, cell: list) -> list:
        text = passes.stringify(cell[4]).strip()
        stats = passes.find_statistics(text, tuple(ctx.units), tuple(ctx.allowed), passes.DEFAULT_PATTERNS)
        if len(stats) != 1 or stats[0].text != text or stats[0].approx in ("近", "约"):
            return [passes.clean_block(b) for b in cell[4]]
        stat = stats[0]
        name = ctx.registry.add(label, stat.value, stat.unit, stat.approx or "", f"表格：{label} {text}", ctx.report)
        return [{"t": "Plain", "c": [{"t": "RawInline", "c": ["markdown", passes.call(name)]}]}]

    def row_of(row: list, is_head: bool) -> list:
        cells = row[1]
        label = passes.stringify(cells[0][4]).strip() if cells else ""
        out = []
        for index, cell in enumerate(cells):
            column = header[index] if several and index < len(header) else ""
            content = (
                [passes.clean_block(b) for b in cell[4]] if is_head or index == 0 else cell_figure(label + column, cell)
            )
            out.append([["", [], []], cell[1], cell[2], cell[3], _flatten_cell(content)])
        return [["", [], []], out]

    simple = _pipe_table(block)  # written as HTML otherwise: its cells keep their text, as no figure survives there
    specs = [[spec[0], {"t": "ColWidthDefault"}] for spec in specs]
    head = [head[0], [row_of(r, True) for r in head[1]]]
    bodies = [[b[0], b[1], [row_of(r, True) for r in b[2]], [row_of(r, not simple) for r in b[3]]] for b in bodies]
    table = _publishable({"t": "Table", "c": [["", [], []], [None, []], specs, head, bodies, foot]}, ctx)
    return table if simple else _as_html_raw(table)


def _publishable(node, ctx: Context):
    """Blocks as the build can publish them.

    A picture in a table, a quote or a list is copied into docs/ like any other, not left at the
    extraction folder's path with Word's size as a style. Word's character styles (spans with only
    a ``custom-style``) give way to their text: the site's sanitizer would strip their markup anyway.
    """
    if isinstance(node, list):
        out = []
        for item in node:
            if isinstance(item, dict) and item.get("t") == "Span" and _word_style_only(item["c"][0]):
                out += _publishable(item["c"][1], ctx)
            else:
                out.append(_publishable(item, ctx))
        return out
    if isinstance(node, dict):
        if node.get("t") == "Image":
            return image_inline(node, ctx)
        return {key: _publishable(value, ctx) for key, value in node.items()}
    return node


def _word_style_only(attr: list) -> bool:
    identifier, classes, pairs = attr
    return not identifier and not classes and all(key == "custom-style" for key, _ in pairs)


def _pipe_table(table: dict) -> bool:
    """Whether pandoc can write the table as a pipe table: no merged cells. Otherwise it writes HTML."""
    _attr, _caption, _specs, head, bodies, foot = table["c"]
    rows = head[1] + [r for b in bodies for r in b[2] + b[3]] + foot[1]
    return all(cell[2] == 1 and cell[3] == 1 for row in rows for cell in row[1])


def _as_html_raw(node):
    """Raw Markdown inlines (escaped template code) as raw HTML, which pandoc keeps inside an HTML table.

    A backslash goes out as ``&#92;``: in HTML pandoc does not escape it, and the build's Markdown reader
    would take ``\\生产商`` for a TeX command and drop it.
    """
    if isinstance(node, list):
        return [piece for n in node for piece in _html_pieces(n)]
    if isinstance(node, dict):
        if node.get("t") == "RawInline" and node["c"][0] == "markdown":
            return {"t": "RawInline", "c": ["html", node["c"][1]]}
        return {k: _as_html_raw(v) for k, v in node.items()}
    return node


def _html_pieces(node) -> list:
    if isinstance(node, dict) and node.get("t") == "Str" and "\\" in node["c"]:
        parts = node["c"].split("\\")
        out = [{"t": "Str", "c": parts[0]}] if parts[0] else []
        for part in parts[1:]:
            out.append({"t": "RawInline", "c": ["html", "&#92;"]})
            out += [{"t": "Str", "c": part}] if part else []
        return out
    return [_as_html_raw(node)]


def _cell_inlines(blocks: list) -> list:
    """The inlines of every paragraph in a cell, however Word nested them (indents read as block quotes, lists)."""
    inlines: list = []
    for block in blocks:
        kind, content = block["t"], block.get("c")
        if kind in ("Para", "Plain"):
            found = content
        elif kind in ("BlockQuote", "Div"):
            found = _cell_inlines(content if kind == "BlockQuote" else content[1])
        elif kind in ("BulletList", "OrderedList"):
            items = content if kind == "BulletList" else content[1]
            found = _cell_inlines([b for item in items for b in item])
        elif kind == "LineBlock":
            found = [n for line in content for n in [*line, {"t": "Space"}]]
        else:
            found = [{"t": "Str", "c": text}] if (text := passes.stringify(block).strip()) else []
        if found:
            inlines += ([{"t": "Space"}] if inlines else []) + found
    return inlines


def _flatten_cell(blocks: list) -> list:
    """A cell of one Plain line, which a pipe table can hold."""
    inlines = _cell_inlines(blocks)
    return [{"t": "Plain", "c": inlines}] if inlines else []


def _image_target(src: str, ctx: Context) -> str:
    source = Path(src)
    if not source.is_absolute():
        source = ctx.media_root / src
    target = f"img/{ctx.prefix}/{source.name}"
    ctx.media[f"docs/{target}"] = source
    ctx.report.images.append(f"图片 {source.name} → docs/{target}")
    return target


def image_inline(image: dict, ctx: Context, alt: list | None = None) -> dict:
    _attr, text, (src, title) = image["c"]
    return {"t": "Image", "c": [["", [], []], alt if alt is not None else text, [_image_target(src, ctx), title]]}


def _image_next(blocks: list[dict], index: int) -> bool:
    following = blocks[index + 1] if index + 1 < len(blocks) else None
    return (
        following is not None
        and following["t"] in ("Para", "Plain")
        and passes._has_image(following)
        and not passes.paragraph_text(following)
    )


def image_caption(text: str, ctx: Context) -> dict:
    """The caption under an image, as typed (图N and its title): the build numbers no imported picture, so
    the typed number stays. The caption div the build writes for its own pictures (``exhibits.caption``),
    on the site and in the DOCX (Word's 题注 style)."""
    ctx.report.images.append(f"题注“{passes._short(text)}” → 图片下的题注")
    return caption_div("figure-caption", text)


def caption_div(kind_class: str, text: str) -> dict:
    """A caption as the build writes its own (``exhibits.caption``): a div Python-Markdown and pandoc both read,
    styled 题注 in the DOCX. Received text: no HTML, no template code."""
    escaped = passes._escaped(html.escape(text, quote=False))
    return {"t": "RawBlock", "c": ["markdown", f'<div class="caption {kind_class}" markdown>{escaped}</div>']}


def _caption_title(text: str) -> str:
    """A caption's words without 图N: the picture's description for a reader who cannot see it."""
    match = passes.CAPTION.match(text)
    return match["title"] if match and match["title"] else text


def _describe(image_block: dict, text: str) -> None:
    image_block["c"] = [
        {**n, "c": [n["c"][0], [{"t": "Str", "c": _caption_title(text)}], n["c"][2]]} if n.get("t") == "Image" else n
        for n in image_block["c"]
    ]


def figure_block(block: dict, ctx: Context) -> list[dict]:
    """Pandoc's Figure (an image with Word's caption under it) → the image, and its caption under it."""
    _attr, caption, body = block["c"]
    text = passes.stringify(caption[1]).strip()
    images = [n for b in body for n in b.get("c", []) if isinstance(n, dict) and n.get("t") == "Image"]
    if not images:
        return [{"t": "Div", "c": [["", [], []], body]}]
    alt = [{"t": "Str", "c": _caption_title(text)}] if text else None
    image = {"t": "Para", "c": [image_inline(images[0], ctx, alt)], "image": 1}
    return [image, image_caption(text, ctx)] if text else [image]


def image_para(block: dict, ctx: Context) -> dict:
    inlines = [image_inline(n, ctx) if n.get("t") == "Image" else n for n in block["c"]]
    return {"t": "Para", "c": inlines, "image": 1}


# --- Markdown ----------------------------------------------------------------------------


def to_markdown(sections: list[Section], api_version: list[int]) -> list[str]:
    """Each section as Markdown, from one pandoc run; footnotes stay with their page."""
    import pypandoc

    blocks = []
    for section in sections:
        if section.lead:  # the text before the first heading stands above it, and no other page has any
            blocks += [_bare(b) for b in section.lead] + [{"t": "Para", "c": [{"t": "Str", "c": _LEAD_END}]}]
        blocks.append(passes.header(1, section.number + section.title, section.unnumbered))
        blocks += [_bare(b) for b in section.blocks]
    document = {"pandoc-api-version": api_version, "meta": {}, "blocks": blocks}
    text = pypandoc.convert_text(
        json.dumps(document), "gfm", format="json", extra_args=["--wrap=none", "--reference-location=section"]
    )
    lead, _, text = text.rpartition(_LEAD_END + "\n") if _LEAD_END in text else ("", "", text)
    pages = [p.strip() + "\n" for p in re.split(r"^(?=# )", text, flags=re.M) if p.strip()]
    if lead.strip():
        pages[0] = lead.strip() + "\n\n" + pages[0]
    return pages


_LEAD_END = "\ue030"  # a private-use character no Word file holds: where the first page's lead ends


def _bare(block: dict) -> dict:
    return {k: v for k, v in block.items() if k in ("t", "c")}


_INTERNAL_LINK = re.compile(r"\]\(#(?P<anchor>[^)\s]+)\)")


def fix_links(markdown: str, page: str, anchors: dict[str, tuple[str, str]], report: Report) -> str:
    """Links to Word bookmarks become links to the page and heading that now hold them."""

    def link(match: re.Match) -> str:
        found = anchors.get(match["anchor"])
        if not found:
            report.review.append(f"{page}：链接目标“#{match['anchor']}”找不到对应的标题")
            return match.group(0)
        target_page, anchor = found
        target = f"#{anchor}" if target_page == page else f"{target_page}#{anchor}"
        return f"]({target})"

    return _INTERNAL_LINK.sub(link, markdown)


def page_names(sections: list[Section], prefix: str) -> list[str]:
    names, taken = [], {"index"}
    for number, section in enumerate(sections, start=1):
        base = passes.readable_name(section.title, max_words=4, sep="-") or f"{prefix}-{number}"
        name, n = base, 1
        while name in taken:
            n += 1
            name = f"{base}-{n}"
        taken.add(name)
        names.append(f"{name}.md")
    return names


ATTACHMENT_HEAD = "---\nkind: attachment\n---\n\n"


def page_text(markdown: str, section: Section, ctx: Context, name: str) -> str:
    """The page's Markdown with its statistics as figures; numbers it cannot classify go into the report."""
    head = ATTACHMENT_HEAD if section.attachment else ""
    offset = head.count("\n")
    lines, fence = [], False
    for number, line in enumerate(markdown.split("\n"), start=1 + offset):
        if line.startswith("```"):
            fence = not fence
        elif line.startswith("#"):
            pass  # a title keeps its numbers: a year or a count in a heading is its wording, not data
        elif not fence and not re.match(r"^\|?\s*:?-{3,}", line):
            line = passes.figures_in_line(line, ctx.registry, ctx.report, ctx.units, ctx.allowed)
            line = passes.references_in_line(line, ctx.numbers)
            prose = re.sub(r"^\s*\d+[.)]\s+", "", line)  # a Markdown list's own number is no statistic
            for left in passes.numbers_left(prose, ctx.allowed):
                ctx.report.review.append(
                    f"docs/{name}:{number}: 数字“{left}”没有单位，留在正文（若是统计数字，请改为数据项）"
                )
        lines.append(line)
    return head + "\n".join(lines)


# --- the whole import ------------------------------------------------------------------------


def plan_import(docx: Path, project: Path, prefix: str, scratch: Path) -> tuple[Output, Report]:
    """Read the file and work out every file to write, without writing any."""
    report = Report(source=docx.name)
    notes: list[str] = []
    ast = read_docx(docx, scratch, notes)
    report.review += notes
    for author, text, quote in comments_on(docx):
        report.review.append(
            f"批注（{author or '未署名'}）：{text}　原文：“{passes._short(quote)}”（修订已接受，批注未导入）"
        )
    cover, sections = passes.outline(ast, report)
    if not sections:
        if not cover.title and not any(passes.stringify(b).strip() for b in ast["blocks"]):
            raise ImportProblem(docx, "文件中没有文字", "确认选对了文件；扫描件需要先识别文字")
        sections = [Section(cover.title or "正文")]
        report.review.append("文件中没有可识别的标题，全部正文放在一页中")
    known = existing_figures(project, skip={prefix, "application"})
    settings_path = project / "data" / "check.yml"
    settings = yaml.safe_load(settings_path.read_text(encoding="utf-8")) if settings_path.exists() else {}
    units, allowed = passes.load_units(settings or {})
    ctx = Context(prefix, Registry(prefix, existing=known), report, scratch, units, allowed)
    for section in sections:
        take_tables(section, ctx)
    names = page_names(sections, prefix)
    anchors = {a: (name, i) for name, section in zip(names, sections, strict=True) for a, i in section.anchors.items()}
    output = Output()
    for name, section, markdown in zip(names, sections, to_markdown(sections, ast["pandoc-api-version"]), strict=True):
        text = fix_links(page_text(markdown, section, ctx, name), name, anchors, report)
        output.files[f"docs/{name}"] = text
        report.pages.append(f"docs/{name}　{section.title}" + ("（附件）" if section.attachment else ""))
    output.files["docs/index.md"] = COVER
    report.pages.insert(0, f"docs/index.md　封面：{cover.title or '（无标题）'}")
    output.media = ctx.media
    output.files["data/figures.yml"] = figures_text(project, prefix, ctx.registry, cover, docx.name, report)
    if ctx.tables:
        path = project / "data" / "exhibits.yml"
        exhibits = path.read_text(encoding="utf-8") if path.exists() else ""
        output.files["data/exhibits.yml"] = add_tables(exhibits, prefix, ctx.tables)
    nav_text = (project / "mkdocs.yml").read_text(encoding="utf-8")
    others = [p for p in existing_pages(project) if f"docs/{p}" not in output.files]
    output.files["mkdocs.yml"] = add_to_nav(nav_text, ["index.md", *names], others)
    return output, report


UNSET_TITLE = "申报材料"  # the title ``shenbao new`` writes until the writer gives one


def merged_value(name: str, old, new, report: Report):
    """A re-import keeps what the writer filled in; where the file says otherwise, the report says so."""
    if old in (None, "", UNSET_TITLE):
        return new or None
    if new and new != old:
        report.review.append(f"application.{name}：保留项目中已填的“{old}”，文件中是“{new}”，请核对")
    return old


def figures_text(project: Path, prefix: str, registry: Registry, cover, source: str, report: Report) -> str:
    path = project / "data" / "figures.yml"
    text = (
        path.read_text(encoding="utf-8") if path.exists() else "# yaml-language-server: $schema=figures.schema.json\n"
    )
    data = yaml.safe_load(text) if path.exists() else None
    old = (data or {}).get("application") or {}
    old_group = (data or {}).get(prefix) or {}
    for name, spec in registry.entries.items():  # a value the writer filled in for an unknown figure stays
        before = old_group.get(name)
        if spec.get("value") is None and isinstance(before, dict) and before.get("value") is not None:
            spec["value"] = before["value"]

    def value(name: str, new):
        before = old.get(name)
        return merged_value(name, before.get("value") if isinstance(before, dict) else None, new, report)

    for group in ("application", prefix):
        text = remove_group(text, group)
    application = {
        "title": {"label": "申报材料标题", "value": value("title", cover.title)},
        "applicant": {"label": "申报单位", "value": value("applicant", cover.applicant)},
        "date": {"label": "申报日期", "value": value("date", cover.date)},
    }
    text = text.rstrip("\n") + "\n\n" + passes.figures_yaml("application", application)
    if registry.entries:
        text += "\n" + passes.figures_yaml(prefix, registry.entries, f"由 {source} 导入")
    return text


MAX_PAGE = 4 * 1024 * 1024  # characters of one page: a long report has a few hundred thousand
MAX_IMAGE = 32 * 1024 * 1024  # bytes of one picture


def check_output(output: Output) -> None:
    """Refuse, before writing anything, a page or picture no real Word file makes (a zip or image bomb)."""
    for relative, text in output.files.items():
        if len(text) > MAX_PAGE:
            raise ImportProblem(
                relative, f"导入的页面有 {len(text)} 字，超过上限 {MAX_PAGE} 字", "把文件拆成几份再导入"
            )
    for relative, source in output.media.items():
        size = source.stat().st_size if source.is_file() else 0
        if size > MAX_IMAGE:
            raise ImportProblem(
                relative,
                f"图片有 {size // 1024 // 1024} MB，超过上限 {MAX_IMAGE // 1024 // 1024} MB",
                "在 Word 中压缩图片后再导入",
            )


def write_output(project: Path, output: Output) -> None:
    check_output(output)
    for relative, text in output.files.items():
        write_atomically(project / relative, text)
    for relative, source in output.media.items():
        write_atomically(project / relative, Path(source).read_bytes())


def import_docx(docx: Path, project: Path, prefix: str = "imported", force: bool = False) -> Report:
    """Import a Word file into a project; returns the report, also written to import-report.md."""
    if not re.match(r"^[a-z][a-z0-9_]*$", prefix):
        raise ImportProblem(prefix, "--prefix 只能用小写字母、数字和下划线，且以字母开头", "如 --prefix jiben")
    check_target(project, force)
    scratch = Path(tempfile.mkdtemp(prefix=".import-", dir=project))
    try:
        output, report = plan_import(docx.resolve(), project, prefix, scratch)
        write_output(project, output)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    add_check_results(project, report)
    write_atomically(project / REPORT_NAME, report.text())
    return report


def add_check_results(project: Path, report: Report) -> None:
    """What make check still finds in the result goes into the report, for a human."""
    from shenbao.check.runner import check_project

    report.review += [f"make check：{d}" for d in check_project(project).diagnostics]
