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
from dataclasses import dataclass, field

import yaml

from shenbao.project.figures import place_approx
from shenbao.project.numbering import heading_id
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


@dataclass
class Report:
    source: str = ""
    pages: list[str] = field(default_factory=list)
    figures: list[Created] = field(default_factory=list)
    tables: list[str] = field(default_factory=list)
    images: list[str] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)
    review: list[str] = field(default_factory=list)  # places that need a human

    def text(self) -> str:
        lines = [f"# 导入报告：{self.source}", "", f"## 页面（{len(self.pages)}）", ""]
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
        else:
            out.append(node)
    return out


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
    anchors: dict[str, str] = field(default_factory=dict)  # Word bookmark or site id → site id


def header(level: int, title: str) -> dict:
    return {"t": "Header", "c": [level, ["", [], []], [{"t": "Str", "c": title}]]}


def heading_levels(texts: list[str]) -> dict[str, int]:
    """Levels for the kinds of number a file uses: the outermost kind present is level 1."""
    present = {sequence_kind(t)[0] for t in texts} - {""}
    kinds = [kind for kind, _ in SEQUENCE if kind in present]
    return {kind: index + 1 for index, kind in enumerate(kinds)}


def numbered_heading(text: str) -> tuple[str, str, str] | None:
    """(kind, title, rest) when a paragraph is a heading typed with its number; rest is run-in prose."""
    kind, title = sequence_kind(text)
    if not kind:
        return None
    if len(title) <= HEADING_MAX and "。" not in title.rstrip("。"):
        return kind, title.rstrip("。"), ""
    first, sep, rest = title.partition("。")
    if sep and len(first) <= RUN_IN_MAX and rest.strip():
        return kind, first, rest.strip()
    return None


def outline(ast: dict, report: Report) -> tuple[Cover, list[Section]]:
    """Find the cover, the headings and the attachments; drop Word's furniture."""
    items = unwrap(ast["blocks"])
    cover = Cover(title=stringify(ast.get("meta", {}).get("title", {}).get("c", [])).strip())
    styled = any(b["t"] == "Header" and "TOC-Heading" not in b["c"][1][1] for _, b in items)
    texts = [paragraph_text(b) for _, b in items if b["t"] in ("Para", "Plain")]
    levels = {} if styled else heading_levels([t for t in texts if numbered_heading(t)])
    sections: list[Section] = []
    front: list[dict] = []
    in_toc = False
    pending_attachment = False
    for style, block in items:
        kind = block["t"]
        text = paragraph_text(block) if kind in ("Para", "Plain", "Header") else ""
        if kind in ("Para", "Plain") and not text and not _has_image(block):
            continue  # empty paragraphs, manual page breaks
        if kind in ("RawBlock", "HorizontalRule") or style in SKIP_STYLES:
            if text:
                report.dropped.append(f"“{_short(text)}”（{style or '分页'}，构建时自动生成）")
            continue
        if style.startswith("toc ") or (kind == "Header" and "TOC-Heading" in block["c"][1][1]):
            continue
        if kind in ("Para", "Plain", "Header") and _TOC_TITLE.match(text):
            in_toc = True
            report.dropped.append("手写的目录（构建时自动生成）")
            continue
        if in_toc and kind in ("Para", "Plain") and (_TOC_ENTRY.search(text) or style.startswith("toc")):
            continue
        in_toc = False
        if style == "Attachment Label" or (kind in ("Para", "Plain") and _ATTACHMENT_LABEL.match(text)):
            pending_attachment = True
            continue
        if pending_attachment and kind in ("Para", "Plain", "Header"):
            pending_attachment = False
            sections.append(Section(strip_number(text), [], attachment=True))
            continue
        if kind in ("Para", "Plain") and _ATTACHMENT_NOTE.match(text):
            report.dropped.append(f"“{_short(text)}”（附件说明，构建时自动生成）")
            continue
        found = heading_of(block, text, levels, report)
        if found:
            add_heading(sections, front, found, text, report)
            continue
        if not sections:
            front.append(block)
            continue
        if style in CAPTION_STYLES:
            block = {"t": "Para", "c": [{"t": "Str", "c": text}], "caption": True}
        sections[-1].blocks.append(clean_block(block))
    _read_front(front, cover, sections, report)
    return cover, sections


@dataclass(frozen=True)
class FoundHeading:
    level: int
    title: str  # without its number
    rest: str = ""  # prose that ran on after a numbered first sentence
    anchor: str = ""  # the Word bookmark links point to


def heading_of(block: dict, text: str, levels: dict[str, int], report: Report) -> FoundHeading | None:
    """A heading from a Word heading style, or, in a file without any, from a typed sequence number."""
    if block["t"] == "Header":
        return FoundHeading(block["c"][0], strip_number(text), anchor=block["c"][1][0])
    found = numbered_heading(text) if levels and block["t"] in ("Para", "Plain") else None
    if not found:
        return None
    level = levels[found[0]]
    report.review.append(f"“{_short(text)}”作为{level}级标题（按编号“{_number_of(text)}”判断）")
    if found[2]:
        report.review.append(f"“{_short(text)}”：句首的编号句作为标题，其后文字作为正文")
    return FoundHeading(level, found[1], found[2])


def add_heading(sections: list[Section], front: list[dict], found: FoundHeading, text: str, report: Report) -> None:
    """A level-1 heading starts a page; deeper ones go into the current page."""
    level, title = found.level, found.title
    if level > 4:  # GB/T 9704 numbers four levels; a fifth is prose that stands out
        (sections[-1].blocks if sections else front).append(_para(text))
        report.review.append(f"“{_short(text)}”是第{level}级标题，超过四级，保留为正文")
        return
    if level == 1 or not sections:
        if level != 1:
            report.review.append(f"“{_short(title)}”前没有一级标题，作为一页的开头")
        sections.append(Section(title))
    if level != 1:
        sections[-1].blocks.append(header(level, title))
    sections[-1].anchors |= {a: heading_id(title) for a in (found.anchor, heading_id(title)) if a}
    if found.rest:
        sections[-1].blocks.append(_para(found.rest))


def _number_of(text: str) -> str:
    kind, title = sequence_kind(text)
    return text[: len(text) - len(title)].strip() if kind else ""


def _has_image(node) -> bool:
    """Whether an image stands anywhere inside a block (a paragraph holding only a picture is not empty)."""
    if isinstance(node, dict):
        return node.get("t") == "Image" or _has_image(node.get("c"))
    return isinstance(node, list) and any(_has_image(n) for n in node)


def _para(text: str) -> dict:
    return {"t": "Para", "c": [{"t": "Str", "c": text}]}


def _short(text: str, n: int = 30) -> str:
    return text if len(text) <= n else text[:n] + "…"


def _read_front(front: list[dict], cover: Cover, sections: list[Section], report: Report) -> None:
    """Before the first heading: the title, 申报单位 and 日期; other front matter is dropped, and said so."""
    kept = []
    for block in front:
        text = paragraph_text(block) if block["t"] in ("Para", "Plain") else ""
        if not text:
            report.dropped.append(f"封面前的{block['t']}")
            continue
        if match := _APPLICANT.match(text):
            cover.applicant = match["value"].strip()
        elif match := _DATE_LINE.match(text):
            cover.date = match["value"]
        elif not cover.title:
            cover.title = text
        elif len(text) > 60:
            kept.append(clean_block(block))  # a preface, not cover furniture
        else:
            report.dropped.append(f"“{_short(text)}”（封面或前言中的文字）")
    if kept and sections:
        sections[0].blocks[0:0] = kept
        report.review.append(f"第一个标题前的 {len(kept)} 段正文放在了“{sections[0].title}”页的开头")


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
    """The figures made so far: one per (label, value, unit, approx), names unique in their group."""

    group: str
    existing: dict[tuple, str] = field(default_factory=dict)  # key → full name already in figures.yml
    taken: set[str] = field(default_factory=set)  # names already used in the group
    entries: dict[str, dict] = field(default_factory=dict)  # name in group → spec
    by_key: dict[tuple, str] = field(default_factory=dict)
    count: int = 0

    def add(self, label: str, value, unit: str, approx: str, source: str, report: Report, note: str = "") -> str:
        key = (label, value, unit, approx)
        if key in self.existing:
            return self.existing[key]
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
    for start, end in find_dates(plain):
        label = _label_for_date(plain, start)
        edits.append((start, end, call(registry.add(label, plain[start:end], "", "", sentence, report))))
    for stat in find_statistics(plain, tuple(units), tuple(allowed), DEFAULT_PATTERNS):
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


def _label_for_date(text: str, start: int) -> str:
    from shenbao.text.statistics import label_before

    return label_before(text, start).replace("\ue000", "") or "日期"


def numbers_left(line: str, allowed) -> list[str]:
    """Digits still in the prose once the statistics are figures: no unit, so a human decides.

    Ordinals and references (第3名, 表1, 图2) and the allowed names (3.8) are left alone.
    """
    plain = _PROTECTED.sub("", line)
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
