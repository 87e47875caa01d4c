"""The layout of the DOCX and the printed site: presets, a unit's overrides, Word styles.

GB/T 9704-2012 (公文) is the default; a call for applications may prescribe its
own format, so a unit picks another preset (报告) and overrides any element.
``resolve_layout`` turns those settings into one ``Layout``; the reference
document, the raw section breaks, the Lua filter's table widths and the print
CSS are all made from it, so a size is written down only here.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace

from shenbao.errors import ShenbaoError


def mm(value: float) -> int:
    """Millimetres to twips (1/20 pt), Word's unit for page geometry."""
    return round(value / 25.4 * 1440)


def pt(value: float) -> int:
    """Points to twips."""
    return round(value * 20)


# --- fixed facts -------------------------------------------------------------
PAGE_WIDTH, PAGE_HEIGHT = 11906, 16838  # A4
HEADER_DISTANCE = mm(15)
PAGE_NUMBER_GAP = 7  # mm from the type area down to the page number's 一字线 (GB/T 9704 §7.5)
TABLE_BORDER = 4  # eighths of a point: 0.5 pt
TABLE_CELL_MARGIN = (pt(3), pt(5))  # top/bottom and left/right: text clear of the rules
TOC_LEVELS = 2  # 目录 lists 一、 and （一）
DRAFT_MARK = "草稿"
ATTACHMENT_NOTE_LEAD = "附件："  # its width is where wrapped attachment names line up

FANGSONG = "仿宋_GB2312"
KAITI = "楷体_GB2312"
HEITI = "黑体"
SONGTI = "宋体"
XIAOBIAOSONG = "方正小标宋简体"
LATIN = "Times New Roman"
# Names Word may find a font under when the first is missing: Windows 10 and later
# ship 仿宋/楷体 rather than the GB2312 names, and few machines have 方正小标宋.
ALTERNATIVE_NAMES = {FANGSONG: "仿宋", KAITI: "楷体", XIAOBIAOSONG: SONGTI}

# Chinese type sizes (字号) in points.
SIZE_NAMES = {
    "初号": 42,
    "小初": 36,
    "一号": 26,
    "小一": 24,
    "二号": 22,
    "小二": 18,
    "三号": 16,
    "小三": 15,
    "四号": 14,
    "小四": 12,
    "五号": 10.5,
    "小五": 9,
    "六号": 7.5,
    "小六": 6.5,
}
ALIGN_NAMES = {
    "left": "left",
    "居左": "left",
    "左对齐": "left",
    "center": "center",
    "居中": "center",
    "right": "right",
    "居右": "right",
    "右对齐": "right",
    "justify": "both",
    "两端对齐": "both",
    "outside": "outside",  # page numbers: odd pages right, even pages left
    "外侧": "outside",
}


# --- settings: what a unit writes -----------------------------------------------

# Element → what it governs. Chinese names are accepted as well.
ELEMENTS = {
    "title": "标题",
    "heading1": "一级标题",
    "heading2": "二级标题",
    "heading3": "三级标题",
    "heading4": "四级标题",
    "body": "正文",
    "table_header": "表头",
    "table_cell": "表格",
    "caption": "题注",
    "footnote": "脚注",
    "page_number": "页码",
}
FIELDS = {
    "font": "字体",
    "latin_font": "西文字体",
    "size": "字号",
    "bold": "加粗",
    "align": "对齐",
    "indent": "缩进",
    "line_spacing": "行距",
    "space_before": "段前",
    "space_after": "段后",
}
MARGINS = {"top": "上", "bottom": "下", "left": "左", "right": "右"}
PAGE_FIELDS = {"lines": "行数", "chars": "字数"}
SETTINGS = {"preset": "预设", "overrides": "元素", "margins": "页边距", "page": "版心"}


class LayoutError(ShenbaoError, ValueError):
    """A layout setting the build cannot use, named by its key path, with a hint."""

    def __init__(self, key: str, message: str, hint: str = ""):
        self.key = key
        super().__init__(message, hint)

    @property
    def where(self) -> str:
        return f"layout.{self.key}" if self.key else "layout"


def setting_line(config_text: str, error: LayoutError) -> int:
    """The line of the configuration file where the setting an error names is written (0 if not found).

    Each part of the key path is looked for from the line of the part before it,
    in block style (``size: 三号``) and in flow style (``{size: 三号}``) alike.
    """
    names = {**SETTINGS, **ELEMENTS, **FIELDS, **MARGINS, **PAGE_FIELDS}
    aliases = names | {alias: key for key, alias in names.items()}  # a key may be written in either language
    lines = config_text.split("\n")
    found, start = 0, 0
    for part in ["layout", *error.key.split(".")] if error.key else ["layout"]:
        spellings = "|".join(re.escape(name) for name in (part, aliases.get(part, part)))
        pattern = re.compile(rf"(^|[\s{{,\"'])({spellings})[\"']?\s*:")
        index = next((i for i in range(start, len(lines)) if pattern.search(lines[i])), None)
        if index is None:
            break
        found, start = index + 1, index
    return found


@dataclass(frozen=True)
class LineSpacing:
    """Either a fixed line height in points or a multiple of single spacing."""

    exact: float = 0.0
    multiple: float = 0.0

    def word(self) -> tuple[int, str]:
        """Word's ``w:line`` and ``w:lineRule``."""
        if self.exact:
            return pt(self.exact), "exact"
        return round(240 * (self.multiple or 1)), "auto"

    def css(self) -> str:
        # a single line of a CJK font is about 1.3 em, in Word as in the browser
        return f"{self.exact:g}pt" if self.exact else f"{(self.multiple or 1) * 1.3:.3g}"


@dataclass(frozen=True)
class Element:
    """How one element looks; ``None`` means "as the body" (headings share its size and line)."""

    font: str | None = None
    latin_font: str | None = None
    size: float | None = None  # points
    bold: bool | None = None
    align: str | None = None  # Word's w:jc values, or "outside" for page numbers
    indent: float | None = None  # first-line indent in characters
    line_spacing: LineSpacing | None = None
    space_before: float | None = None  # points
    space_after: float | None = None


@dataclass(frozen=True)
class Margins:
    top: float  # mm
    bottom: float
    left: float
    right: float


@dataclass(frozen=True)
class Layout:
    preset: str
    margins: Margins
    elements: Mapping[str, Element]  # every element, every field filled in
    lines_per_page: int | None = None  # a 公文 page: 22 lines
    chars_per_line: int | None = None  # and 28 characters a line

    def __getitem__(self, element: str) -> Element:
        return self.elements[element]

    @property
    def type_width(self) -> int:
        return PAGE_WIDTH - mm(self.margins.left) - mm(self.margins.right)

    @property
    def type_height(self) -> int:
        return PAGE_HEIGHT - mm(self.margins.top) - mm(self.margins.bottom)

    @property
    def char_spacing(self) -> int:
        """Condensing of body characters (twentieths of a point) so ``chars_per_line`` fit a line."""
        if not self.chars_per_line:
            return 0
        slack = self.type_width / self.chars_per_line - pt(self["body"].size)
        return min(0, math.floor(slack))  # never spread characters apart, only condense

    @property
    def footer_distance(self) -> int:
        """Word's footer distance that puts the 一字线 ``PAGE_NUMBER_GAP`` below the type area.

        The footer's line grows upwards from this distance; the dash stands
        0.57 em above its foot (measured on the rendered page).
        """
        size = self["page_number"].size
        return mm(self.margins.bottom - PAGE_NUMBER_GAP) - round(pt(size) * 0.57)


PRESETS: dict[str, dict] = {
    # GB/T 9704-2012: 3号仿宋, 22 lines × 28 characters, 2号小标宋 title.
    "公文": {
        "margins": {"top": 37, "bottom": 35, "left": 28, "right": 26},
        "page": {"lines": 22, "chars": 28},
        "overrides": {
            "body": {
                "font": FANGSONG,
                "latin_font": LATIN,
                "size": "三号",
                "bold": False,
                "align": "justify",
                "indent": 2,
            },
            "title": {"font": XIAOBIAOSONG, "size": "二号", "align": "center", "indent": 0},
            "heading1": {"font": HEITI},
            "heading2": {"font": KAITI},
            "heading3": {"font": FANGSONG, "bold": True},  # bold is common practice, not the standard
            "heading4": {"font": FANGSONG},
            "table_header": {"font": HEITI, "size": "四号", "align": "center", "indent": 0, "line_spacing": 1},
            "table_cell": {"size": "四号", "align": "left", "indent": 0, "line_spacing": 1},
            "caption": {"font": HEITI, "size": "四号", "align": "center", "indent": 0},
            "footnote": {"size": "四号", "align": "justify", "indent": 0, "line_spacing": 1},
            "page_number": {"font": SONGTI, "latin_font": SONGTI, "size": "四号", "align": "outside", "indent": 0},
        },
    },
    # A general report: 宋体小四, 1.5 lines, Word's usual margins, page numbers centred.
    "报告": {
        "margins": {"top": 25.4, "bottom": 25.4, "left": 31.8, "right": 31.8},
        "page": {},
        "overrides": {
            "body": {
                "font": SONGTI,
                "latin_font": LATIN,
                "size": "小四",
                "bold": False,
                "align": "justify",
                "indent": 2,
                "line_spacing": 1.5,
            },
            "title": {
                "font": HEITI,
                "size": "小二",
                "bold": True,
                "align": "center",
                "indent": 0,
                "space_after": "1行",
            },
            "heading1": {"font": HEITI, "size": "四号", "indent": 0},
            "heading2": {"font": KAITI, "size": "小四", "bold": True},
            "heading3": {"font": SONGTI, "bold": True},
            "heading4": {"font": SONGTI},
            "table_header": {"font": HEITI, "size": "五号", "align": "center", "indent": 0, "line_spacing": 1},
            "table_cell": {"size": "五号", "align": "left", "indent": 0, "line_spacing": 1},
            "caption": {"font": HEITI, "size": "五号", "align": "center", "indent": 0},
            "footnote": {"size": "小五", "align": "justify", "indent": 0, "line_spacing": 1},
            "page_number": {"font": SONGTI, "latin_font": SONGTI, "size": "小五", "align": "center", "indent": 0},
        },
    },
}
DEFAULT_PRESET = "公文"


def _hint_names(names: Mapping[str, str]) -> str:
    return "、".join(f"{key}（{alias}）" for key, alias in names.items())


def _canonical(key: object, names: Mapping[str, str], where: str, what: str) -> str:
    """An English key for an English or Chinese name, or a clear error."""
    aliases = {alias: key for key, alias in names.items()}
    if key in names:
        return str(key)
    if key in aliases:
        return aliases[key]
    raise LayoutError(f"{where}{key}", f"未知的{what} “{key}”", f"可用：{_hint_names(names)}")


def _mapping(value: object, key: str) -> Mapping:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise LayoutError(key, f"应为一组“名称: 值”，而不是 “{value}”", "每项另起一行并缩进")
    return value


_NUMBER_WITH_UNIT = re.compile(r"^\s*(?P<number>\d+(?:\.\d+)?)\s*(?P<unit>[a-zA-Z\u4e00-\u9fff]*)\s*$")


def _number(value: object, key: str, units: Mapping[str, float], hint: str) -> tuple[float, str]:
    """A number and its unit from ``16``, ``"16pt"``, ``"1.5倍"``, ``"37mm"``."""
    if isinstance(value, bool):
        raise LayoutError(key, f"“{value}” 不是数值", hint)
    if isinstance(value, (int, float)):
        return float(value), ""
    match = _NUMBER_WITH_UNIT.match(str(value))
    if not match or match["unit"] not in units:
        raise LayoutError(key, f"无法识别 “{value}”", hint)
    return float(match["number"]) * units[match["unit"]], match["unit"]


def parse_size(value: object, key: str) -> float:
    if isinstance(value, str) and value.strip() in SIZE_NAMES:
        return float(SIZE_NAMES[value.strip()])
    size, _ = _number(value, key, {"": 1, "pt": 1, "磅": 1}, "写字号名称如 三号、小四，或磅值如 16、10.5pt")
    if not 5 <= size <= 72:
        raise LayoutError(key, f"字号 {size:g} 磅超出 5–72 磅", "三号是 16 磅，小四是 12 磅")
    return size


def parse_line_spacing(value: object, key: str) -> LineSpacing:
    """``1.5`` or ``"1.5倍"`` is a multiple; ``28.95`` above 3, ``"28pt"``, ``"固定值28磅"`` are fixed."""
    text = value.strip().removeprefix("固定值") if isinstance(value, str) else value
    named = {"单倍": 1.0, "单倍行距": 1.0, "双倍": 2.0, "双倍行距": 2.0}
    if isinstance(text, str) and text in named:
        return LineSpacing(multiple=named[text])
    hint = "写倍数如 1.5 或 1.5倍，或固定值如 28.95pt、固定值28磅"
    number, unit = _number(text, key, {"": 1, "倍": 1, "pt": 1, "磅": 1}, hint)
    if unit == "倍" or (unit == "" and number <= 3):
        if not 0.5 <= number <= 3:
            raise LayoutError(key, f"行距 {number:g} 倍超出 0.5–3 倍", hint)
        return LineSpacing(multiple=number)
    if not 6 <= number <= 100:
        raise LayoutError(key, f"固定行距 {number:g} 磅超出 6–100 磅", hint)
    return LineSpacing(exact=number)


def parse_length_mm(value: object, key: str) -> float:
    number, _ = _number(value, key, {"": 1, "mm": 1, "毫米": 1, "cm": 10, "厘米": 10}, "写毫米数如 37，或 3.7cm")
    if not 0 <= number <= 100:
        raise LayoutError(key, f"页边距 {number:g} mm 超出 0–100 mm", "公文上 37、下 35、左 28、右 26")
    return number


def _parse_space(value: object, key: str, line_pt: float) -> float:
    """Space before or after a paragraph in points, from ``6``, ``"6pt"`` or ``"0.5行"`` (of the body's line)."""
    number, _ = _number(value, key, {"": 1, "pt": 1, "磅": 1, "行": line_pt}, "写磅值如 6，或行数如 0.5行")
    return number


def _parse_font(value: object, key: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise LayoutError(key, f"字体应为字体名称，而不是 “{value}”", "如 仿宋_GB2312、黑体、宋体")
    return value.strip()


def _parse_bool(value: object, key: str) -> bool:
    named = {"是": True, "否": False}
    if isinstance(value, bool):
        return value
    if value in named:
        return named[value]
    raise LayoutError(key, f"应为 true 或 false，而不是 “{value}”", "加粗写 bold: true")


def _parse_align(value: object, key: str, element: str) -> str:
    allowed = {k: v for k, v in ALIGN_NAMES.items() if v != "outside" or element == "page_number"}
    if value not in allowed:
        raise LayoutError(key, f"未知的对齐方式 “{value}”", f"可用：{'、'.join(allowed)}")
    return allowed[value]


def _parse_indent(value: object, key: str) -> float:
    number, _ = _number(value, key, {"": 1, "字": 1, "字符": 1}, "写首行缩进的字数，如 2 或 0")
    if number > 10:
        raise LayoutError(key, f"缩进 {number:g} 字过大", "正文通常首行缩进 2 字")
    return number


def parse_element(name: str, spec: object, key: str, body_line_pt: float = 16) -> dict:
    """One element's settings as ``Element`` fields; unknown fields and bad values are errors."""
    fields = {}
    for raw, value in _mapping(spec, key).items():
        field_name = _canonical(raw, FIELDS, f"{key}.", "字段")
        where = f"{key}.{raw}"
        if field_name in ("font", "latin_font"):
            fields[field_name] = _parse_font(value, where)
        elif field_name == "size":
            fields[field_name] = parse_size(value, where)
        elif field_name == "bold":
            fields[field_name] = _parse_bool(value, where)
        elif field_name == "align":
            fields[field_name] = _parse_align(value, where, name)
        elif field_name == "indent":
            fields[field_name] = _parse_indent(value, where)
        elif field_name == "line_spacing":
            fields[field_name] = parse_line_spacing(value, where)
        else:
            fields[field_name] = _parse_space(value, where, body_line_pt)
    return fields


def _merged(preset: Mapping, settings: Mapping) -> dict:
    """The preset with the unit's settings laid over it, element by element, field by field."""
    result = {key: dict(value) if isinstance(value, Mapping) else value for key, value in preset.items()}
    for key, value in settings.items():
        if key == "overrides":
            overrides = {name: dict(spec) for name, spec in result.get("overrides", {}).items()}
            for element, spec in _mapping(value, "overrides").items():
                name = _canonical(element, ELEMENTS, "overrides.", "元素")
                overrides[name] = {**overrides.get(name, {}), **_mapping(spec, f"overrides.{element}")}
            result["overrides"] = overrides
        elif isinstance(value, Mapping):
            result[key] = {**result.get(key, {}), **value}
        else:
            result[key] = value
    return result


def _english_keys(settings: Mapping) -> dict:
    out = {}
    for key, value in settings.items():
        out[_canonical(key, SETTINGS, "", "设置")] = value
    return out


def resolve_layout(settings: Mapping | None = None) -> Layout:
    """The layout a unit asked for: a preset (公文 by default) and its overrides.

    ``settings`` is ``{"preset": "公文"|"报告", "overrides": {element: {field: value}},
    "margins": {top, bottom, left, right}, "page": {lines, chars}}``; Chinese names
    are accepted for every key (预设, 元素, 正文, 字号 …) and for sizes (三号, 小四).
    """
    settings = _english_keys(_mapping(settings, ""))
    preset_name = settings.get("preset", DEFAULT_PRESET)
    if preset_name not in PRESETS:
        raise LayoutError("preset", f"没有名为 “{preset_name}” 的版式预设", f"可用：{'、'.join(PRESETS)}")
    merged = _merged(PRESETS[preset_name], settings)
    margins = {}
    for raw, value in _mapping(merged.get("margins"), "margins").items():
        margins[_canonical(raw, MARGINS, "margins.", "页边距")] = parse_length_mm(value, f"margins.{raw}")
    page = {}
    for raw, value in _mapping(merged.get("page"), "page").items():
        name = _canonical(raw, PAGE_FIELDS, "page.", "版心设置")
        if value is not None and (isinstance(value, bool) or not isinstance(value, int) or not 5 <= value <= 60):
            raise LayoutError(f"page.{raw}", f"“{value}” 不是合理的{PAGE_FIELDS[name]}", "公文每页 22 行、每行 28 字")
        page[name] = value
    layout = Layout(preset_name, Margins(**margins), {}, page.get("lines"), page.get("chars"))
    overrides = merged.get("overrides", {})
    body = Element(**parse_element("body", overrides.get("body"), "overrides.body"))
    body = _complete_body(body, layout)
    line_pt = body.line_spacing.exact or body.size * 1.3 * body.line_spacing.multiple
    elements = {"body": body}
    for name in ELEMENTS:
        if name != "body":
            fields = parse_element(name, overrides.get(name), f"overrides.{name}", line_pt)
            elements[name] = _inherit(Element(**fields), body)
    # the page's grid is as many of the body's fixed lines as fill the type area; none for multiples of a line
    grid = layout.type_height // pt(body.line_spacing.exact) if body.line_spacing.exact else None
    return replace(layout, elements=elements, lines_per_page=grid)


def _complete_body(body: Element, layout: Layout) -> Element:
    """The body's line: given, or the one that fits ``lines_per_page`` lines in the type area."""
    if body.line_spacing is not None:
        return _inherit(body, Element())
    if layout.lines_per_page:
        twips = layout.type_height // layout.lines_per_page  # 22 lines of 28.95 pt in 225 mm
        return _inherit(replace(body, line_spacing=LineSpacing(exact=twips / 20)), Element())
    return _inherit(replace(body, line_spacing=LineSpacing(multiple=1)), Element())


_FALLBACK = Element(FANGSONG, LATIN, 16, False, "both", 0, LineSpacing(multiple=1), 0, 0)


def _inherit(element: Element, body: Element) -> Element:
    """Fill what an element leaves open from the body; spacing around it defaults to none."""
    values = {}
    for name in Element.__dataclass_fields__:
        own = getattr(element, name)
        if own is None and name in ("space_before", "space_after"):
            own = 0.0
        if own is None:
            own = getattr(body, name)
        if own is None:
            own = getattr(_FALLBACK, name)
        values[name] = own
    return Element(**values)


DEFAULT = resolve_layout(None)


# --- Word styles ----------------------------------------------------------------


@dataclass(frozen=True)
class TextStyle:
    """How one Word style looks; everything not named here is cleared."""

    east_asia: str = FANGSONG
    latin: str = LATIN
    size: float = 16
    bold: bool = False
    align: str = "both"
    first_line_chars: float = 0  # first-line indent in characters of the body
    left: int = 0  # left indent in twips
    hanging: int = 0  # hanging indent of the first line in twips
    line: int | None = None  # w:line; None for single spacing
    line_rule: str = "exact"
    before: int = 0  # twips
    after: int = 0
    spacing: int = 0  # character spacing in twentieths of a point
    keep_next: bool = False
    keep_lines: bool = False
    page_break_before: bool = False
    outline_level: int | None = None  # 0 for 一、: what Word's 目录 collects


def text_style(element: Element, layout: Layout, **extra) -> TextStyle:
    """A Word style for one element of the layout."""
    line, rule = element.line_spacing.word()
    # characters are condensed only at the body's size, where the grid of 28 a line holds
    spacing = layout.char_spacing if element.size == layout["body"].size else 0
    look = TextStyle(
        east_asia=element.font,
        latin=element.latin_font,
        size=element.size,
        bold=element.bold,
        align=element.align if element.align != "outside" else "left",
        first_line_chars=element.indent,
        line=line,
        line_rule=rule,
        before=pt(element.space_before),
        after=pt(element.space_after),
        spacing=spacing,
    )
    return replace(look, **extra)


def paragraph_styles(layout: Layout) -> dict[str, TextStyle]:
    """Word style id → look, for every paragraph style the DOCX uses.

    Pandoc writes paragraphs as BodyText/FirstParagraph, tight lists as Compact;
    the first-line indent lives only on body styles so it does not leak into
    cells, captions, footers and footnotes.
    """
    body, title = layout["body"], layout["title"]
    flush = replace(body, indent=0)
    plain = text_style(flush, layout)
    heading = dict(keep_next=True, keep_lines=True)
    table_cell = text_style(layout["table_cell"], layout)
    caption = text_style(layout["caption"], layout)  # a 表题 is kept with its table by ``typeset``
    single = LineSpacing(multiple=1)
    char = pt(body.size)
    note_left, first_hanging, item_hanging = attachment_note_indents(layout)
    styles = {
        "Normal": plain,
        "BodyText": text_style(body, layout),
        "FirstParagraph": text_style(body, layout),
        "Compact": replace(plain, align="left"),
        "TableText": table_cell,
        "TableHeader": text_style(layout["table_header"], layout),
        "Title": text_style(title, layout, keep_next=True, keep_lines=True),
        "Subtitle": text_style(replace(flush, font=KAITI, align="center"), layout),
        "TOCHeading": text_style(replace(layout["heading1"], align="center", indent=0), layout),
        "TOC1": replace(plain, align="left"),
        "TOC2": replace(plain, align="left", left=2 * char),
        "TOC3": replace(plain, align="left", left=4 * char),
        "Footer": text_style(replace(layout["page_number"], line_spacing=single), layout),
        "Header": text_style(replace(flush, font=HEITI, size=layout["page_number"].size, line_spacing=single), layout),
        "FootnoteText": text_style(layout["footnote"], layout),
        # one caption style for 表题 and 图题; pandoc's own caption styles look the same
        "Caption": caption,
        "TableCaption": caption,
        "ImageCaption": caption,
        "Figure": text_style(replace(flush, align="center", line_spacing=single), layout, keep_next=True),
        "CoverInfo": text_style(replace(flush, font=KAITI, align="center"), layout),
        "CoverNote": text_style(
            replace(flush, font=HEITI, size=layout["table_cell"].size, align="center", line_spacing=single), layout
        ),
        "AttachmentLabel": text_style(
            replace(flush, font=layout["heading1"].font, latin_font=layout["heading1"].font, align="left"),
            layout,
            page_break_before=True,
            keep_next=True,
        ),
        "AttachmentTitle": text_style(title, layout, keep_next=True),
        # 附件：1. name — wrapped lines stand under the name's first character (GB/T 9704 §7.3.4)
        # and the note is kept together on one page
        "AttachmentNote": replace(plain, align="left", left=note_left, hanging=first_hanging, keep_next=True),
        "AttachmentNoteItem": replace(plain, align="left", left=note_left, hanging=item_hanging, keep_next=True),
        # 署名 and 成文日期 stand right, kept together; their right-hand indents are set per document (typeset)
        "Signature": replace(plain, align="right", keep_next=True),
        "SignatureDate": replace(plain, align="right"),
    }
    for level in range(1, 5):
        styles[f"Heading{level}"] = text_style(layout[f"heading{level}"], layout, outline_level=level - 1, **heading)
    return styles


NUMBER_CHARS = 1.5  # "1." and the gap before the name, in characters


def attachment_note_indents(layout: Layout) -> tuple[int, int, int]:
    """Twips of the note's left indent (where names start), the first item's and later items' hanging.

    The first line of item 1 starts at the body's indent with 附件：; later items
    start under its "1."; the number takes ``NUMBER_CHARS`` characters and a tab
    after it reaches the left indent, so every name, wrapped lines included,
    starts there.
    """
    char = pt(layout["body"].size)
    lead = round(char * (layout["body"].indent + len(ATTACHMENT_NOTE_LEAD)))
    left = lead + round(char * NUMBER_CHARS)
    return left, left - round(char * layout["body"].indent), left - lead


# Names Word shows for styles pandoc does not define itself.
STYLE_NAMES = {
    "TOC1": "toc 1",
    "TOC2": "toc 2",
    "TOC3": "toc 3",
    "Footer": "footer",
    "Header": "header",
    "CoverInfo": "Cover Info",
    "CoverNote": "Cover Note",
    "AttachmentLabel": "Attachment Label",
    "AttachmentTitle": "Attachment Title",
    "AttachmentNote": "Attachment Note",
    "AttachmentNoteItem": "Attachment Note Item",
    "Signature": "Signature",
    "SignatureDate": "Signature Date",
    "TableText": "Table Text",
    "TableHeader": "Table Header",
}


# Character styles: placeholders stay visible in a draft, and take the font and
# size of whatever they stand in (a 4号 cell, a 楷体 cover line, a 黑体 heading).
@dataclass(frozen=True)
class MarkStyle:
    # Shading only: the schema allows no w:highlight in a style's run properties, and Word ignores one
    # set there; shading is allowed and every renderer (Word, WPS, LibreOffice, the site) shows it.
    fill: str
    bold: bool = False


PLACEHOLDER_STYLE = "Placeholder"
MISSING_STYLE = "Missing Text"
CHARACTER_STYLES = {
    PLACEHOLDER_STYLE: MarkStyle(fill="FFFF00"),
    MISSING_STYLE: MarkStyle(fill="D3D3D3", bold=True),
}

# settings.xml's w:characterSpacingControl. GB/T 9704 sets 28 characters on every line of the 22×28 grid;
# the line's width and the body's character spacing are computed for exactly 28 full-width characters.
# compressPunctuation (Word's default for Chinese) would squeeze ，。、 to half width and let a line take
# 29 or 30 characters wherever punctuation falls, so the grid and the page breaks would no longer be the
# ones computed here (and LibreOffice, which renders the preview, does not compress). doNotCompress keeps
# every character one grid cell wide, in Word, WPS and LibreOffice alike.
CHARACTER_SPACING_CONTROL = "doNotCompress"
