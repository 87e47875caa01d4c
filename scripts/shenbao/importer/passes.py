"""Turn a Word file (pandoc's JSON AST of it) into pages, figures and exhibits.

Each pass is a function from blocks to blocks or from text to text, so it can
be tested without Word or pandoc: ``outline`` finds the cover, the headings
and the attachments; ``take_tables`` turns tables of numbers into exhibits;
``figures_in_line`` turns typed statistics into ``fig()`` calls. Nothing is
guessed silently: every guess and everything left for a writer goes into
``Report``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

import yaml

from shenbao.project.figures import place_approx
from shenbao.project.numbering import Counters, heading_id
from shenbao.text import statistics
from shenbao.text.statistics import DEFAULT_ALLOWED, DEFAULT_PATTERNS, find_dates, find_statistics
from shenbao.text.words import words

# --- the report ------------------------------------------------------------------


@dataclass
class Created:
    name: str
    label: str
    value: object
    unit: str
    approx: str
    source: str  # the sentence it came from

    def shown(self) -> str:
        """The value as the page will show it: 1.2万多人, 100余万元."""
        number = f"{self.value:g}" if isinstance(self.value, float) else f"{self.value}"
        return "".join(place_approx(number, self.approx, self.unit))


def count(text: str) -> int:
    """Characters a reader counts: everything but white space."""
    return len(re.sub(r"\s+", "", text))


@dataclass
class Accounting:
    """Where the source's characters went; what is neither in the pages nor regenerated is lost."""

    source: int = 0
    body: int = 0  # the pages, tables and captions
    cover: int = 0  # the cover's title, applicant and date, the signature's values
    regenerated: int = 0  # typed heading numbers, the typed 目录, labels the cover writes again

    @property
    def lost(self) -> int:
        return max(0, self.source - self.body - self.cover - self.regenerated)

    def line(self) -> str:
        return (
            f"源文件 {self.source} 字 → 正文 {self.body} 字 + 封面/数据 {self.cover} 字"
            f" + 编号/目录 {self.regenerated} 字，丢失 {self.lost} 字"
        )


@dataclass
class Report:
    source: str = ""
    pages: list[str] = field(default_factory=list)
    figures: list[Created] = field(default_factory=list)
    tables: list[str] = field(default_factory=list)
    images: list[str] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)
    review: list[str] = field(default_factory=list)  # places that need a human
    accounting: Accounting = field(default_factory=lambda: Accounting())

    def text(self) -> str:
        lines = [f"# 导入报告：{self.source}", "", self.accounting.line(), "", f"## 页面（{len(self.pages)}）", ""]
        lines += [f"- {p}" for p in self.pages]
        lines += ["", f"## 新建数据项（{len(self.figures)}）", ""]
        lines += [f"- `{f.name}` {f.label}：{f.shown()}　原句：{f.source}" for f in self.figures]
        lines += ["", f"## 表和图（{len(self.tables) + len(self.images)}）", ""]
        lines += [f"- {t}" for t in self.tables + self.images]
        lines += ["", f"## 已删去（{len(self.dropped)}）", ""]
        lines += [f"- {d}" for d in self.dropped]
        lines += ["", f"## 需要人工核对（{len(self.review)}）", ""]
        lines += [f"- {r}" for r in self.review] or ["- 无"]
        return "\n".join(lines) + "\n"


# --- reading pandoc's AST ------------------------------------------------------------


def stringify(node) -> str:
    """The text a reader sees in inlines or blocks; footnotes are left out."""
    if isinstance(node, list):
        return "".join(stringify(n) for n in node)
    if not isinstance(node, dict):
        return ""
    kind, content = node.get("t"), node.get("c")
    if kind == "Str":
        return content
    if kind in ("Space", "SoftBreak"):
        return " "
    if kind == "RawInline" and _unescaped(content[1]) != content[1]:
        return _unescaped(content[1])  # received {{ written so it prints: the reader sees {{
    if kind in ("LineBreak", "Note", "RawInline", "RawBlock", "Image"):
        return ""
    if kind == "Quoted":
        quotes = ("“", "”") if content[0]["t"] == "DoubleQuote" else ("‘", "’")
        return quotes[0] + stringify(content[1]) + quotes[1]
    if kind in ("Link", "Span", "Div"):
        return stringify(content[1])
    if kind in ("Code", "Math"):
        return content[1]
    if kind in ("Header",):
        return stringify(content[2])
    if kind in ("Cite",):
        return stringify(content[1])
    if isinstance(content, list):
        return stringify(content)
    return ""


def paragraph_text(block: dict) -> str:
    return stringify(block).strip()


def unwrap(blocks: list[dict], style: str = "") -> list[tuple[str, dict]]:
    """Blocks with their Word paragraph style; the Divs pandoc wraps styled paragraphs in are opened."""
    out = []
    for block in blocks:
        if block["t"] == "Div":
            attrs = dict(block["c"][0][2])
            out += unwrap(block["c"][1], attrs.get("custom-style", style))
        else:
            out.append((style, block))
    return out


def clean_inlines(inlines: list) -> list:
    """Drop what Word adds by direct formatting: underline, small caps, styled spans, line breaks."""
    out = []
    for node in inlines:
        kind = node.get("t")
        if kind in ("Underline", "SmallCaps"):
            out += clean_inlines(node["c"])
        elif kind == "Span":
            out += clean_inlines(node["c"][1])
        elif kind == "LineBreak":
            continue
        elif kind in ("Emph", "Strong", "Strikeout", "Superscript", "Subscript"):
            out.append({"t": kind, "c": clean_inlines(node["c"])})
        elif kind == "Quoted":
            quotes = ("“", "”") if node["c"][0]["t"] == "DoubleQuote" else ("‘", "’")
            out += [{"t": "Str", "c": quotes[0]}, *clean_inlines(node["c"][1]), {"t": "Str", "c": quotes[1]}]
        elif kind == "Link":
            out.append({"t": "Link", "c": [["", [], []], clean_inlines(node["c"][1]), node["c"][2]]})
        elif kind == "Note":
            out.append({"t": "Note", "c": [clean_block(b) for b in node["c"]]})
        elif kind == "Str" and _TEMPLATE_OPEN.search(node["c"]):
            out += escape_inlines(node["c"])
        else:
            out.append(node)
    return out


def pair_quotes(inlines: list) -> tuple[list, bool]:
    """Straight double quotes typed in WPS, paired sentence by sentence as “ and ”.

    Left as they were (and the answer False) when a sentence holds an odd number of them: a guess
    there could turn a quotation inside out, which is worse than a straight quote.
    """
    strs = [n for n in inlines if n.get("t") == "Str"]
    text = "".join(n["c"] for n in strs)
    if '"' not in text:
        return inlines, True
    if any(sentence.count('"') % 2 for sentence in re.split(r"(?<=[。！？；])", text)):
        return inlines, False
    opening = True
    out = []
    for node in inlines:
        if node.get("t") == "Str" and '"' in node["c"]:
            chars = []
            for char in node["c"]:
                if char == '"':
                    chars.append("“" if opening else "”")
                    opening = not opening
                else:
                    chars.append(char)
            node = {"t": "Str", "c": "".join(chars)}
        out.append(node)
    return out, True


def paired_title(title: str, report: Report) -> str:
    """A heading's straight quotes paired as a paragraph's are."""
    inlines, certain = pair_quotes([{"t": "Str", "c": title}])
    if not certain:
        report.review.append(f"标题“{_short(title)}”中的直引号无法配对，未改为弯引号，请核对")
    return inlines[0]["c"]


def quotes_in_sections(sections: list[Section], report: Report) -> None:
    """Pair the straight quotes of every paragraph; those that cannot be paired are reported."""
    for section in sections:
        for block in section.lead + section.blocks:
            if block["t"] in ("Para", "Plain"):
                block["c"], certain = pair_quotes(block["c"])
                if not certain:
                    report.review.append(f"“{_short(stringify(block))}”中的直引号无法按句配对，未改为弯引号，请核对")


def clean_block(block: dict) -> dict:
    if block["t"] in ("Para", "Plain"):
        return {"t": block["t"], "c": clean_inlines(block["c"])}
    if block["t"] == "Div":
        inner = [clean_block(b) for b in block["c"][1]]
        return inner[0] if len(inner) == 1 else {"t": "Div", "c": [["", [], []], inner]}
    if block["t"] == "OrderedList":  # Word's numbered paragraphs: each item's style Div is opened too
        attrs, items = block["c"]
        return {"t": "OrderedList", "c": [attrs, [[clean_block(b) for b in item] for item in items]]}
    if block["t"] == "BulletList":
        return {"t": "BulletList", "c": [[clean_block(b) for b in item] for item in block["c"]]}
    return block


# --- structure: cover, headings, attachments ----------------------------------------------

_CN = "一二三四五六七八九十百零〇"
# The official sequence numbers, outermost first.
SEQUENCE = (
    ("chapter", re.compile(rf"^第[{_CN}\d]+章[　\s]*")),
    ("cn", re.compile(rf"^[{_CN}]+、[　\s]*")),
    ("paren_cn", re.compile(rf"^[（(][{_CN}]+[）)][　\s]*")),
    ("arabic", re.compile(r"^\d+(?:[.．](?!\d)|、)[　\s]*")),
    ("paren_arabic", re.compile(r"^[（(]\d+[）)][　\s]*")),
)
HEADING_MAX = 40  # longer than this, a numbered paragraph is prose that starts with a number
RUN_IN_MAX = 30  # a numbered first sentence this short, followed by prose, is a run-in heading

_TOC_TITLE = re.compile(r"^目[　\s]*录$")
_TOC_ENTRY = re.compile(r"(?:[.…·．]{2,}|\t)\s*\d+\s*$")
_APPLICANT = re.compile(r"^(?:申报|报送|填报)?单位[:：]\s*(?P<value>.+)$")
_DATE_LINE = re.compile(r"^(?:(?:申报|报送|填报)?日期[:：]\s*)?(?P<value>\d{4}年\d{1,2}月\d{1,2}日)$")
_ATTACHMENT_LABEL = re.compile(r"^附件\s*\d*\s*$")
_ATTACHMENT_NOTE = re.compile(r"^附件[:：]")
CAPTION = re.compile(r"^(?P<kind>[表图])\s*(?P<number>\d+(?:[-.－]\d+)?)[　\s]*(?P<title>.*)$")
META_TEXT = ("subtitle", "author", "date", "abstract")
SKIP_STYLES = {"Cover Note", "Attachment Note", "Attachment Note Item", "TOC Heading"}
CAPTION_STYLES = {"Table Caption", "Image Caption", "Caption"}


def sequence_kind(text: str) -> tuple[str, str]:
    """The kind of official number a text starts with and the text without it, or ('', text)."""
    for kind, pattern in SEQUENCE:
        match = pattern.match(text)
        if match and text[match.end() :].strip():
            return kind, text[match.end() :].strip()
    return "", text


def strip_number(title: str) -> str:
    return sequence_kind(title)[1]


@dataclass
class Cover:
    title: str = ""
    applicant: str = ""
    date: str = ""


@dataclass
class Section:
    """One page: its title, its blocks (headings below level 1 included) and whether it is an attachment."""

    title: str
    blocks: list[dict] = field(default_factory=list)
    attachment: bool = False
    from_cover: bool = False  # a page for a file without headings, titled with the cover's title
    anchors: dict[str, str] = field(default_factory=dict)  # Word bookmark or site id → site id
    lead: list[dict] = field(default_factory=list)  # text before the page's title: what preceded the first heading
    number: str = ""  # the title's typed number, kept when the build would print another one
    unnumbered: bool = False  # the build prints no number before the title (the typed one, if any, stays)


UNNUMBERED = {"t": "RawInline", "c": ["markdown", " {.unnumbered}"]}


def header(level: int, title: str, unnumbered: bool = False) -> dict:
    """A heading whose title is already escaped (``_escaped``), so it goes out as raw Markdown."""
    mark = [UNNUMBERED] if unnumbered else []
    if _TEMPLATE_OPEN.search(_unescaped(title)):
        return {"t": "Header", "c": [level, ["", [], []], [{"t": "RawInline", "c": ["markdown", title]}, *mark]]}
    return {"t": "Header", "c": [level, ["", [], []], [{"t": "Str", "c": title}, *mark]]}


def heading_levels(texts: list[str]) -> dict[str, int]:
    """Levels for the kinds of number a file uses: the outermost kind present is level 1."""
    present = {sequence_kind(t)[0] for t in texts} - {""}
    kinds = [kind for kind, _ in SEQUENCE if kind in present]
    return {kind: index + 1 for index, kind in enumerate(kinds)}


def numbered_heading(text: str) -> tuple[str, str, str] | None:
    """(kind, title, rest) when a paragraph is shaped as a heading typed with its number; rest is run-in prose.

    A heading is short and no sentence: a final 。 makes it a sentence, which stays prose with its 。.
    """
    kind, title = sequence_kind(text)
    if not kind:
        return None
    if len(title) <= HEADING_MAX and "。" not in title and not title.endswith(("；", "：", ";", ":")):
        return kind, title, ""
    first, sep, rest = title.partition("。")
    if sep and len(first) <= RUN_IN_MAX and rest.strip():
        return kind, first + sep, rest.strip()  # the heading keeps its 。: the source's text, not ours to drop
    return None


def sibling_groups(texts: list[str]) -> list[int | None]:
    """For each text, the group of typed numbers it belongs to (None when it has none).

    Siblings are the items of one kind (``1．``, ``（一）``…) under the same item of an outer kind; a kind
    is outer when it appears first in the file. Siblings are decided together, so a run of ``1．``…``7．``
    is either all headings or all prose, never some of each.
    """
    first_seen: dict[str, int] = {}
    last_of_kind: dict[str, int] = {}
    groups: dict[tuple, int] = {}
    out: list[int | None] = []
    for index, text in enumerate(texts):
        kind = sequence_kind(text)[0] if text else ""
        if not kind:
            out.append(None)
            continue
        first_seen.setdefault(kind, index)
        outer = [last_of_kind[k] for k in last_of_kind if first_seen[k] < first_seen[kind]]
        key = (kind, max(outer) if outer else -1)
        out.append(groups.setdefault(key, len(groups)))
        last_of_kind[kind] = index
    return out


def heading_numbers(texts: list[str], report: Report) -> set[int]:
    """Indexes of the texts that are typed headings: a group all of whose members are heading-shaped."""
    groups = sibling_groups(texts)
    members: dict[int, list[int]] = {}
    for index, group in enumerate(groups):
        if group is not None:
            members.setdefault(group, []).append(index)
    chosen: set[int] = set()
    for indexes in members.values():
        shaped = [numbered_heading(texts[i]) is not None for i in indexes]
        if all(shaped):
            chosen.update(indexes)
        elif any(shaped):
            first = texts[indexes[0]]
            report.review.append(
                f"“{_short(first)}”等 {len(indexes)} 项编号有的像标题、有的是句子，全部保留为带编号的正文"
                "（若是标题，请改为 ## 标题并删去编号）"
            )
    return chosen


def outline(ast: dict, report: Report) -> tuple[Cover, list[Section]]:
    """Find the cover, the headings and the attachments; what the build writes again is counted, not lost."""
    items = unwrap(ast["blocks"])
    account = report.accounting
    account.source += sum(count(stringify(b)) for _, b in items) + count(_notes_text(ast["blocks"]))
    meta = ast.get("meta", {})
    cover = Cover(title=stringify(meta.get("title", {}).get("c", [])).strip())
    # pandoc reads paragraphs in Word's Subtitle, Author, Date and Abstract styles into the metadata: text too
    furniture = [_para(t) for key in META_TEXT if (t := stringify(meta.get(key, {}).get("c", [])).strip())]
    account.source += count(cover.title) + sum(count(stringify(b)) for b in furniture)
    account.cover += count(cover.title)
    styled = any(b["t"] == "Header" and "TOC-Heading" not in b["c"][1][1] for _, b in items)
    items = [(style, _quoted_paragraph(b)) for style, b in items]
    texts = [paragraph_text(b) if b["t"] in ("Para", "Plain") else "" for _, b in items]
    chosen = set() if styled else heading_numbers(texts, report)
    levels = heading_levels([texts[i] for i in chosen])
    sections: list[Section] = []
    front: list[dict] = furniture
    in_toc = False
    pending_attachment = False
    for index, (style, block) in enumerate(items):
        kind = block["t"]
        text = paragraph_text(block) if kind in ("Para", "Plain", "Header") else ""
        if kind in ("Para", "Plain") and not text and not _has_image(block):
            continue  # empty paragraphs, manual page breaks
        if kind in ("RawBlock", "HorizontalRule") or style in SKIP_STYLES:
            if text:
                account.regenerated += count(text)
                report.dropped.append(f"“{_short(text)}”（{style or '分页'}，构建时自动生成）")
            continue
        if style.startswith("toc ") or (kind == "Header" and "TOC-Heading" in block["c"][1][1]):
            account.regenerated += count(text)
            continue
        if kind in ("Para", "Plain", "Header") and _TOC_TITLE.match(text):
            in_toc = True
            account.regenerated += count(text)
            report.dropped.append("手写的目录（构建时自动生成）")
            continue
        if in_toc and kind in ("Para", "Plain") and (_TOC_ENTRY.search(text) or style.startswith("toc")):
            account.regenerated += count(text)
            continue
        in_toc = False
        if style == "Attachment Label" or (kind in ("Para", "Plain") and _ATTACHMENT_LABEL.match(text)):
            pending_attachment = True
            account.regenerated += count(text)
            continue
        if pending_attachment and kind in ("Para", "Plain", "Header"):
            pending_attachment = False  # an attachment's headings are not numbered: its title keeps its number
            sections.append(Section(_escaped(paired_title(text, report)), [], attachment=True))
            continue
        found = heading_of(block, text, levels if index in chosen else {}, report)
        if found:
            account.regenerated += count(text) - count(found.title) - count(found.rest)
            add_heading(sections, front, found, text, report)
            continue
        if not sections:
            front.append(block)
            continue
        if style in CAPTION_STYLES:
            block = {"t": "Para", "c": [{"t": "Str", "c": text}], "caption": True}
        sections[-1].blocks.append(clean_block(block))
    _read_front(front, cover, sections, report)
    take_signoff(sections, cover, report)
    settle_numbers(sections, report)
    quotes_in_sections(sections, report)
    if not cover.title and sections and not sections[0].attachment:
        cover.title = _unescaped(sections[0].title)  # a file that opens with its heading: that is its title too
    account.body = sum(
        count(_unescaped(s.title)) * (not s.from_cover) + count(s.number) + count(stringify(s.lead + s.blocks))
        for s in sections
    )
    account.body += count(_notes_text([b for s in sections for b in s.lead + s.blocks]))
    return cover, sections


def _quoted_paragraph(block: dict) -> dict:
    """An indented paragraph (pandoc reads Word's indent as a block quote) that starts with a typed number, as
    the paragraph it is: its siblings are judged with it, so one item is never read two ways."""
    inner = block["c"] if block["t"] == "BlockQuote" else []
    if len(inner) == 1 and inner[0]["t"] in ("Para", "Plain") and sequence_kind(paragraph_text(inner[0]))[0]:
        return inner[0]
    return block


def _notes_text(node) -> str:
    """The text of the footnotes anywhere in blocks, which ``stringify`` leaves out."""
    if isinstance(node, list):
        return "".join(_notes_text(n) for n in node)
    if not isinstance(node, dict):
        return ""
    if node.get("t") == "Note":
        return stringify(node["c"]) + _notes_text(node["c"])
    return _notes_text(node.get("c"))


@dataclass(frozen=True)
class FoundHeading:
    level: int
    title: str  # without its number
    number: str = ""  # the number typed before it
    rest: str = ""  # prose that ran on after a numbered first sentence
    anchor: str = ""  # the Word bookmark links point to


def heading_of(block: dict, text: str, levels: dict[str, int], report: Report) -> FoundHeading | None:
    """A heading from a Word heading style, or, in a file without any, from a typed sequence number."""
    if block["t"] == "Header":
        title = strip_number(text)
        return FoundHeading(block["c"][0], title, text[: len(text) - len(title)].strip(), anchor=block["c"][1][0])
    found = numbered_heading(text) if levels and block["t"] in ("Para", "Plain") else None
    if not found or found[0] not in levels:
        return None
    level = levels[found[0]]
    report.review.append(f"“{_short(text)}”作为{level}级标题（按编号“{_number_of(text)}”判断）")
    if found[2]:
        report.review.append(f"“{_short(text)}”：句首的编号句作为标题，其后文字作为正文")
    return FoundHeading(level, found[1], _number_of(text), found[2])


def add_heading(sections: list[Section], front: list[dict], found: FoundHeading, text: str, report: Report) -> None:
    """A level-1 heading starts a page; deeper ones go into the current page."""
    level, title = found.level, _escaped(paired_title(found.title, report))
    if level > 4:  # GB/T 9704 numbers four levels; a fifth is prose that stands out
        (sections[-1].blocks if sections else front).append(_para(text))
        report.accounting.regenerated -= count(text) - count(found.title) - count(found.rest)  # kept whole
        report.review.append(f"“{_short(text)}”是第{level}级标题，超过四级，保留为正文")
        return
    if level == 1 or not sections:
        if level != 1:  # the page's title: written once, never again as a heading below it
            report.review.append(f"“{_short(title)}”前没有一级标题，作为一页的开头")
        sections.append(Section(title, number=found.number))
    else:
        sections[-1].blocks.append(header(level, title) | {"typed": found.number})
    sections[-1].anchors |= {a: heading_id(title) for a in (found.anchor, heading_id(title)) if a}
    if found.rest:
        sections[-1].blocks.append(_para(found.rest))


def _same_number(typed: str, printed: str) -> bool:
    """``1．`` typed and ``1.`` printed are one number; ``（二）`` and ``一、`` are not."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", typed)) == unicodedata.normalize("NFKC", printed)


def settle_numbers(sections: list[Section], report: Report) -> None:
    """Typed heading numbers the build prints again are dropped; where it would print another, they stay.

    The build numbers headings 一、（一）1.（1） by level, counting on from page to page. A typed number it
    would print exactly as typed is dropped (the build writes it again, counted as regenerated). Siblings
    whose typed numbers it would print otherwise (a gap, ``（一）`` as the top level, ``6.`` at level one)
    keep them as their text, their heading marked unnumbered, so the DOCX reads as the file did; the check
    rule typed-sequence lists them for the writer.
    """
    items: list[tuple[int, str, object]] = []  # (level, typed number, the section or the heading block)
    for section in sections:
        if section.attachment:  # the build numbers no heading of an attachment: every typed number stays
            for block in section.blocks:
                _keep_typed(block, report)
            continue
        if not section.from_cover:
            items.append((1, section.number, section))
        items += [(b["c"][0], b.get("typed", ""), b) for b in section.blocks if b["t"] == "Header" and b["c"][0] <= 4]
    typed_groups: set[tuple[int, int]] = set()
    keys: list[tuple[int, int]] = []
    changed = True
    while changed:
        changed, counters, last, keys = False, Counters(), {}, []
        for index, (level, typed, _owner) in enumerate(items):
            key = (level, last.get(level - 1, -1))
            keys.append(key)
            last = {k: v for k, v in last.items() if k < level} | {level: index}
            if key in typed_groups:
                continue
            printed = counters.next(level)
            if (typed and not _same_number(typed, printed)) or _DOTTED.match(_owner_title(_owner)):
                typed_groups.add(key)
                changed = True
    for (_level, typed, owner), key in zip(items, keys, strict=True):
        if key not in typed_groups:
            if isinstance(owner, Section):
                owner.number = ""  # the build prints it again
            else:
                owner.pop("typed", None)
            continue
        if isinstance(owner, Section):
            owner.unnumbered = True
            if typed:
                report.accounting.regenerated -= count(typed)
                report.review.append(f"“{typed}{_short(owner.title)}”：编号与构建生成的不同，照原样保留，标题不再编号")
        else:
            _keep_typed(owner, report)
            owner["c"][2].append(UNNUMBERED)


_DOTTED = re.compile(r"^\d+(?:[.．]\d+)+")  # 1.1, 2.3.4: a number the build has no style for


def _owner_title(owner) -> str:
    return owner.title if isinstance(owner, Section) else stringify(owner["c"][2])


def _keep_typed(block: dict, report: Report) -> None:
    """A heading block's typed number back before its title."""
    typed = block.pop("typed", "") if block["t"] == "Header" else ""
    if typed:
        block["c"][2].insert(0, {"t": "Str", "c": typed})
        report.accounting.regenerated -= count(typed)
        report.review.append(f"“{typed}{_short(stringify(block['c'][2][1:]))}”：编号照原样保留，标题不再编号")


def _number_of(text: str) -> str:
    kind, title = sequence_kind(text)
    return text[: len(text) - len(title)].strip() if kind else ""


def _has_image(node) -> bool:
    """Whether an image stands anywhere inside a block (a paragraph holding only a picture is not empty)."""
    if isinstance(node, dict):
        return node.get("t") == "Image" or _has_image(node.get("c"))
    return isinstance(node, list) and any(_has_image(n) for n in node)


def _para(text: str) -> dict:
    return {"t": "Para", "c": clean_inlines([{"t": "Str", "c": text}])}


def _short(text: str, n: int = 30) -> str:
    return text if len(text) <= n else text[:n] + "…"


def _read_front(front: list[dict], cover: Cover, sections: list[Section], report: Report) -> None:
    """Before the first heading: the title, 申报单位 and 日期 go to the cover; every other paragraph is text.

    The 主送机关, the opening lines and a document's whole body (a 决定 or 通知 without headings) stay
    in order at the start of the first page, or make the only page.
    """
    account = report.accounting
    kept = []
    title_seen = False
    for block in front:
        text = paragraph_text(block) if block["t"] in ("Para", "Plain") else ""
        if not text:
            kept.append(clean_block(block))  # a table, a list, a picture: the document's own
            continue
        if not title_seen and not kept and (not cover.title or text == cover.title):
            cover.title, title_seen = text, True
            account.cover += count(text)
        elif kept:  # after the first line of text, 单位 and 日期 are the text's own (a sign-off is read later)
            kept.append(clean_block(block))
        elif (match := _APPLICANT.match(text)) and not cover.applicant:
            cover.applicant = match["value"].strip()
            account.cover += count(cover.applicant)
            account.regenerated += count(text) - count(cover.applicant)
            report.review.append(f"“{_short(text)}” → application.applicant（封面）")
        elif (match := _DATE_LINE.match(text)) and not cover.date:
            cover.date = match["value"]
            account.cover += count(cover.date)
            account.regenerated += count(text) - count(cover.date)
            report.review.append(f"“{_short(text)}” → application.date（封面）")
        else:
            kept.append(clean_block(block))
    if not kept:
        return
    if sections:
        sections[0].lead = kept  # before the page's title, as in the file: 主送机关 and opening lines come first
        report.review.append(f"第一个标题前的 {len(kept)} 段正文放在“{sections[0].title}”页的标题之前")
    else:
        sections.append(Section(_escaped(cover.title) or "正文", kept, from_cover=True, unnumbered=True))
        report.review.append("文件中没有可识别的标题，全部正文按原顺序放在一页中")


_DATE_CN = re.compile(r"^[一二三四五六七八九〇零○]{4}年[一二三四五六七八九十]{1,2}月[一二三四五六七八九十]{1,3}日$")
_SEAL = re.compile(r"^[（(]?(?:盖章|印章|公章|单位盖章|签章)[）)]?$")
_ORGAN_MAX = 30  # longer, or with a comma or a full stop, a line is a sentence, not an issuer's name
SIGNATURE = "{{ signature() }}"


def take_signoff(sections: list[Section], cover: Cover, report: Report) -> None:
    """The issuer and the date at the end of the body become application.applicant/date and signature().

    A sign-off is one to three short lines without sentence punctuation (the issuing bodies), then a
    date, with or without a 盖章 line; anything else at the end is left as text.
    """
    body = [s for s in sections if not s.attachment]
    if not body:
        return
    blocks = body[-1].blocks
    end, seals = len(blocks), []
    while end and _SEAL.match(_text_of(blocks[end - 1])):
        end -= 1
        seals.append(_text_of(blocks[end]))
    if not end:
        return
    date_text = _text_of(blocks[end - 1])
    date = _DATE_LINE.match(date_text)
    if not (date or _DATE_CN.match(date_text)):
        return
    start = end - 1
    while (
        start > 0
        and end - 1 - start < 3
        and (organ := _text_of(blocks[start - 1]))
        and len(organ) <= _ORGAN_MAX
        and not re.search(r"[。，；：,;:！？\[\]【】]", organ)  # a sentence or a placeholder is no issuer
        and not organ.startswith("#")
        and blocks[start - 1]["t"] in ("Para", "Plain")
    ):
        start -= 1
    if start == end - 1:
        return
    while start < end - 1 and _SEAL.match(_text_of(blocks[start])):
        start += 1
    applicant = "　".join(_text_of(b) for b in blocks[start : end - 1] if not _SEAL.match(_text_of(b)))
    value = date["value"] if date else date_text
    for name, old, new in (("applicant", cover.applicant, applicant), ("date", cover.date, value)):
        if old and old != new:
            report.review.append(f"落款的 application.{name}“{new}”与封面的“{old}”不同，保留封面的值，请核对")
        elif not old:
            setattr(cover, name, new)
    moved = sum(count(_text_of(b)) for b in blocks[start:])
    report.accounting.cover += moved - sum(count(t) for t in seals)
    report.accounting.regenerated += sum(count(t) for t in seals)
    blocks[start:] = [{"t": "RawBlock", "c": ["markdown", SIGNATURE]}]
    report.review.append(
        f"末尾的落款（{_short(applicant)}，{value}）→ application.applicant、application.date 和 {SIGNATURE}"
    )


def _text_of(block: dict) -> str:
    return paragraph_text(block) if block["t"] in ("Para", "Plain") else ""


# --- received text is text: template code in Word stays as written ------------------------------

_TEMPLATE_OPEN = re.compile(r"\{[{%#]")


def _escaped(text: str) -> str:
    """Jinja's openers in a received title, written so the build prints them as they are."""
    return _TEMPLATE_OPEN.sub(lambda m: '{{ "' + m.group(0) + '" }}', text)


def _unescaped(text: str) -> str:
    return re.sub(r'\{\{ "(\{[{%#])" \}\}', r"\1", text)


def escape_inlines(text: str) -> list[dict]:
    """A Str whose text holds ``{{``, ``{%`` or ``{#``, as Str pieces and the raw Markdown that prints them."""
    out: list[dict] = []
    at = 0
    for match in _TEMPLATE_OPEN.finditer(text):
        if match.start() > at:
            out.append({"t": "Str", "c": text[at : match.start()]})
        out.append({"t": "RawInline", "c": ["markdown", _escaped(match.group(0))]})
        at = match.end()
    if at < len(text):
        out.append({"t": "Str", "c": text[at:]})
    return out


# --- tables of numbers → exhibits -------------------------------------------------------


def table_cells(table: dict) -> tuple[list[str], list[list[str]], str]:
    """(header, body rows, caption) of a pandoc table, as plain text."""
    _attr, caption, _specs, head, bodies, _foot = table["c"]
    caption_text = stringify(caption[1]).strip()
    rows = [row for row in head[1]] + [row for body in bodies for row in body[2] + body[3]]
    text = [[stringify(cell[4]).strip() for cell in row[1]] for row in rows]
    if head[1]:
        return text[0], text[1:], caption_text
    return (text[0], text[1:], caption_text) if text else ([], [], caption_text)


_CELL = re.compile(r"^(?P<before>约|近)?(?P<number>\d+(?:\.\d+)?)(?P<approx>余|多)?(?P<unit>\S*)$")
_HEADER_UNIT = re.compile(r"[（(](?P<unit>[^）)]+)[）)]\s*$")
_PLACEHOLDER = re.compile(r"^【待填[:：]?.*】$|^$")


@dataclass
class Row:
    label: str
    value: object
    unit: str
    approx: str
    note: str


def numeric_rows(header: list[str], rows: list[list[str]]) -> list[Row] | None:
    """Rows of 指标 | 数值 [| 单位] [| 备注], each value a number with a unit; None for any other table."""
    if len(header) < 2 or not rows or any(len(r) != len(header) for r in rows):
        return None
    unit_col = next((i for i, h in enumerate(header) if h == "单位"), None)
    note_col = next((i for i, h in enumerate(header) if h in ("备注", "说明")), None)
    value_cols = [i for i in range(1, len(header)) if i not in (unit_col, note_col)]
    if len(value_cols) != 1:
        return None
    col = value_cols[0]
    header_unit = m["unit"] if (m := _HEADER_UNIT.search(header[col])) else ""
    out = []
    for row in rows:
        cell = row[col]
        unit = (row[unit_col] if unit_col is not None else "") or header_unit
        if _PLACEHOLDER.match(cell):
            out.append(Row(row[0], None, unit, "", row[note_col] if note_col is not None else ""))
            continue
        match = _CELL.match(cell)
        if not match or match["before"]:
            return None
        unit = match["unit"] or unit
        if not unit or not row[0]:
            return None
        value = float(match["number"]) if "." in match["number"] else int(match["number"])
        out.append(Row(row[0], value, unit, match["approx"] or "", row[note_col] if note_col is not None else ""))
    return out


# --- figures -------------------------------------------------------------------------


def _pinyin_words(text: str, max_words: int) -> list[str]:
    """Pinyin of the text word by word (jieba's words), as the project names pages: jiben-qingkuang."""
    try:
        from pypinyin import lazy_pinyin
    except ImportError:  # the names fall back to prefix.n
        return []
    spelled_words = []
    for word in words(re.sub(r"[^\u3400-\u9fffA-Za-z0-9]", "", text)):
        spelled = re.sub(r"[^a-z0-9]", "", "".join(lazy_pinyin(word, errors="ignore")).lower())
        if spelled:
            spelled_words.append(spelled)
    return spelled_words[:max_words]


def readable_name(text: str, max_words: int = 4, sep: str = "_") -> str:
    name = sep.join(_pinyin_words(text, max_words))
    return name if re.match(r"^[a-z]", name) else ""


@dataclass
class Registry:
    """The figures made so far: one per fact, names unique in their group.

    A fact is a label in its sentence: 缩进2个 in three sentences are three facts, not one data item; the
    same label and value in the same sentence (a line repeated) are one. Equal values are not a reason to share.
    """

    group: str
    existing: dict[tuple, str] = field(default_factory=dict)  # key → full name already in figures.yml
    taken: set[str] = field(default_factory=set)  # names already used in the group
    entries: dict[str, dict] = field(default_factory=dict)  # name in group → spec
    by_key: dict[tuple, str] = field(default_factory=dict)
    count: int = 0

    def add(self, label: str, value, unit: str, approx: str, source: str, report: Report, note: str = "") -> str:
        if (label, value, unit, approx) in self.existing:  # the project's own figure, from an earlier import
            return self.existing[(label, value, unit, approx)]
        key = (label, value, unit, approx, source)
        if key in self.by_key:
            return self.by_key[key]
        self.count += 1
        base = readable_name(label) or f"n{self.count}"
        name, n = base, 1
        while name in self.taken:
            n += 1
            name = f"{base}_{n}"
        self.taken.add(name)
        spec = {"label": label or f"第{self.count}项数据"}
        if unit:
            spec["unit"] = unit
        spec["value"] = value
        if approx:
            spec["approx"] = approx
        if note:
            spec["note"] = note
        self.entries[name] = spec
        full = f"{self.group}.{name}"
        self.by_key[key] = full
        report.figures.append(Created(full, spec["label"], value, unit, approx, _short(source, 60)))
        if not label:
            report.review.append(f"`{full}`（{source and _short(source)}）前面没有名称，暂名“{spec['label']}”")
        return full


def call(name: str) -> str:
    return f'{{{{ fig("{name}") }}}}'


# Spans of a Markdown line that are not prose: template code, link targets, HTML, footnote marks.
_PROTECTED = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\]\([^)]*\)|<[^>\n]+>|\[\^[^\]]+\]|https?://\S+")


_PLACEHOLDER_TEXT = re.compile(r"【待填[:：](?P<label>[^】]+)】")
_MISSING_TEXT = re.compile(r"【原文缺失[:：](?P<text>[^】]+)】")


def markers_in_line(line: str, registry: Registry, report: Report) -> str:
    """The build's own marks come back as what made them: 【待填：名称】 an unknown figure, 【原文缺失】 missing()."""

    def unknown(match: re.Match) -> str:
        return call(registry.add(match["label"], None, "", "", match.group(0), report))

    def lost(match: re.Match) -> str:
        return '{{ missing("' + match["text"].replace("\\", "\\\\").replace('"', '\\"') + '") }}'

    return _MISSING_TEXT.sub(lost, _PLACEHOLDER_TEXT.sub(unknown, line))


def figures_in_line(line: str, registry: Registry, report: Report, units, allowed) -> str:
    """Replace every typed statistic and date in a Markdown line by a ``fig()`` call."""
    line = markers_in_line(line, registry, report)
    protected = [m.span() for m in _PROTECTED.finditer(line)]
    plain = line
    for start, end in protected:  # same length, so positions stay valid
        plain = plain[:start] + "\ue000" * (end - start) + plain[end:]
    sentence = re.sub(r"\{\{.*?\}\}|\]\([^)]*\)|\[\^[^\]]*\]|[\[\]*]", "", line)
    edits: list[tuple[int, int, str]] = []
    dates = find_dates(plain)  # a date is when something happened, not a statistic: it stays as written
    for stat in find_statistics(plain, tuple(units), tuple(allowed), DEFAULT_PATTERNS):
        if not is_statistic(stat, plain, dates):
            continue
        start = stat.start + (1 if stat.approx in ("近", "约") else 0)  # 约/近 stay in the prose
        approx = stat.approx if stat.approx in ("余", "多") else ""
        value = stat.value
        if stat.unit == "%" and isinstance(value, (int, float)) and value > 100:
            value = stat.number  # a rate above 100 is not a share; kept as written
        label = counted_label(stat.label.replace("\ue000", ""), stat.unit, plain[stat.end :])
        name = registry.add(label, value, stat.unit, approx, sentence, report)
        shown = "".join(place_approx(stat.number, approx, stat.unit))  # as the build will write it
        if shown != stat.text[start - stat.start :]:
            report.review.append(f"`{name}`：原文“{stat.text}”将显示为“{shown}”，请核对")
        edits.append((start, stat.end, call(name)))
    for start, end, text in sorted(edits, reverse=True):
        line = line[:start] + text + line[end:]
    return line


_TABLE_REFERENCE = re.compile(r"(?<![A-Za-z0-9])表(?P<number>\d+(?:[-.－]\d+)?)(?![\d.－-])")


def references_in_line(line: str, numbers: dict[str, str]) -> str:
    """A typed 表N that names a table now made from the figures becomes ``ref()``, numbered by the build."""
    protected = [m.span() for m in _PROTECTED.finditer(line)]

    def ref(match: re.Match) -> str:
        name = numbers.get(match["number"])
        if not name or any(s <= match.start() < e for s, e in protected):
            return match.group(0)
        return f'{{{{ ref("{name}") }}}}'

    return _TABLE_REFERENCE.sub(ref, line)


COUNTERS = ("个", "家", "所", "座", "名", "块", "条", "项")  # a measure word: the noun counted comes after it
_COUNTED = re.compile(r"^[\u3400-\u9fff]{1,4}(?=[，。；、：）\s]|$)")


def counted_label(label: str, unit: str, after: str) -> str:
    """辖8个镇 → 辖镇数: after a measure word the noun it counts belongs in the label."""
    noun = _COUNTED.match(after) if unit in COUNTERS else None
    return f"{label}{noun.group(0)}数" if noun else label


_FORMAT_AFTER = statistics.LAYOUT_AFTER
_ORDINAL_BEFORE = re.compile(r"(?:第|前|后|每)$")


def is_statistic(stat, plain: str, dates: list[tuple[int, int]]) -> bool:
    """Whether a number with a unit is a fact to keep in the data, not a date, a year, an ordinal or a format."""
    if any(s <= stat.start < e for s, e in dates):
        return False
    if stat.unit in ("年", "月", "日") and isinstance(stat.value, int) and (stat.unit != "年" or stat.value >= 1900):
        return False  # 2025年度, 5月: a time, not a count
    if _FORMAT_AFTER.match(plain[stat.end :]) or _FORMAT_AFTER.match(stat.unit):
        return False  # 缩进2个字符, 行距28磅: a layout instruction
    return not _ORDINAL_BEFORE.search(plain[: stat.start])


def _label_for_date(text: str, start: int) -> str:
    from shenbao.text.statistics import label_before

    return label_before(text, start).replace("\ue000", "") or "日期"


def numbers_left(line: str, allowed) -> list[str]:
    """Digits still in the prose once the statistics are figures: no unit, so a human decides.

    Ordinals and references (第3名, 表1, 图2) and the allowed names (3.8) are left alone.
    """
    plain = _PROTECTED.sub("", line)
    for start, end in sorted(find_dates(plain), reverse=True):
        plain = plain[:start] + plain[end:]
    plain = re.sub(r"\d+(?:\.\d+)?\s*(?:个?字符|磅|行|厘米|cm|mm|毫米|号字|pt|年|月|日)", "", plain)
    for name in allowed:
        plain = plain.replace(name, "")
    return re.findall(r"(?<![\dA-Za-z.第表图附件])\d+(?:\.\d+)?", plain)


def load_units(check_settings: dict) -> tuple[list[str], list[str]]:
    """The target project's units and allowed names, added to the defaults, so its check passes."""
    extra = [*(check_settings.get("units") or []), *(check_settings.get("counters") or [])]
    units = list(dict.fromkeys([*statistics.COUNTERS, *extra]))
    units = [u for u in units if not u.startswith("万")] + [u[1:] for u in units if u.startswith("万") and len(u) > 1]
    allowed = list(dict.fromkeys([*DEFAULT_ALLOWED, *(str(a) for a in check_settings.get("allowed_in_prose") or [])]))
    return list(dict.fromkeys(units)), allowed


def figures_yaml(group: str, entries: dict[str, dict], comment: str = "") -> str:
    """A group of figures written the way data/figures.yml writes them: one flow mapping per line."""
    lines = [f"# {comment}"] if comment else []
    lines.append(f"{group}:")
    for name, spec in entries.items():
        flow = yaml.safe_dump(spec, default_flow_style=True, allow_unicode=True, sort_keys=False, width=10000)
        lines.append(f"  {name}: {flow.strip()}")
    return "\n".join(lines) + "\n"
