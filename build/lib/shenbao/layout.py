"""The official layout (GB/T 9704-2012) as readable constants.

Every size the DOCX uses comes from here: the reference document, the raw
section breaks and the tests all read the same numbers.
"""

from __future__ import annotations

from dataclasses import dataclass


def mm(value: float) -> int:
    """Millimetres to twips (1/20 pt), Word's unit for page geometry."""
    return round(value / 25.4 * 1440)


def pt(value: float) -> int:
    """Points to twips."""
    return round(value * 20)


# --- page -------------------------------------------------------------------
PAGE_WIDTH, PAGE_HEIGHT = 11906, 16838  # A4
MARGIN_TOP, MARGIN_BOTTOM = mm(37), mm(35)  # 天头 37 mm; 225 mm type area below it
MARGIN_LEFT, MARGIN_RIGHT = mm(28), mm(26)  # 订口 28 mm; 156 mm type area
TYPE_WIDTH = PAGE_WIDTH - MARGIN_LEFT - MARGIN_RIGHT
HEADER_DISTANCE = mm(15)
# The page number sits 7 mm below the type area: its line (14 pt, about 5 mm)
# ends about 23 mm above the paper's edge, which is what Word's footer distance measures.
FOOTER_DISTANCE = mm(35 - 7 - 5)

# --- type -------------------------------------------------------------------
LINE_TWIPS = 579  # fixed 28.95 pt: exactly 22 lines in the 225 mm type area
LINES_PER_PAGE = 22
CHAR_SPACING = -5  # condense by 0.25 pt so 28 characters of 16 pt fit 156 mm
BODY_SIZE = 16  # 3号
TITLE_SIZE = 22  # 2号
PAGE_NUMBER_SIZE = 14  # 4号
FIRST_LINE_CHARS = 200  # two characters, in hundredths of a character

FANGSONG = "仿宋_GB2312"
KAITI = "楷体_GB2312"
HEITI = "黑体"
SONGTI = "宋体"
XIAOBIAOSONG = "方正小标宋简体"
LATIN = "Times New Roman"
# Windows 10 and later ship 仿宋/楷体 rather than the GB2312 names.
ALTERNATIVE_NAMES = {FANGSONG: "仿宋", KAITI: "楷体"}


@dataclass(frozen=True)
class TextStyle:
    """How one Word style looks; everything not named here is cleared."""

    east_asia: str = FANGSONG
    latin: str = LATIN
    size: float = BODY_SIZE
    bold: bool = False
    align: str = "both"  # justified, as official text is
    first_line: bool = False  # indent the first line by two characters
    left_chars: int = 0  # left indent in hundredths of a character
    line: int | None = LINE_TWIPS  # fixed line height in twips; None for single
    spacing: int = CHAR_SPACING
    keep_next: bool = False
    page_break_before: bool = False
    highlight: str = ""
    outline_level: int | None = None  # 0 for 一、: what Word's 目录 collects


BODY = TextStyle(first_line=True)
HEADING = dict(first_line=True, keep_next=True)

# Word style id → look. Pandoc writes paragraphs as BodyText/FirstParagraph,
# table cells and tight lists as Compact; the indent lives only on body styles
# so it does not leak into cells, captions, footers and footnotes.
PARAGRAPH_STYLES: dict[str, TextStyle] = {
    "Normal": TextStyle(),
    "BodyText": BODY,
    "FirstParagraph": BODY,
    "Compact": TextStyle(align="left"),
    "TableText": TextStyle(size=14, align="left", line=None, spacing=0),
    "Title": TextStyle(east_asia=XIAOBIAOSONG, size=TITLE_SIZE, align="center", spacing=0),
    "Subtitle": TextStyle(east_asia=KAITI, align="center", spacing=0),
    "Heading1": TextStyle(east_asia=HEITI, outline_level=0, **HEADING),
    "Heading2": TextStyle(east_asia=KAITI, outline_level=1, **HEADING),
    "Heading3": TextStyle(east_asia=FANGSONG, bold=True, outline_level=2, **HEADING),
    "Heading4": TextStyle(east_asia=FANGSONG, outline_level=3, **HEADING),
    "TOCHeading": TextStyle(east_asia=HEITI, align="center", spacing=0),
    "TOC1": TextStyle(align="left"),
    "TOC2": TextStyle(align="left", left_chars=200),
    "TOC3": TextStyle(align="left", left_chars=400),
    "Footer": TextStyle(east_asia=SONGTI, latin=SONGTI, size=PAGE_NUMBER_SIZE, line=None, spacing=0),
    "Header": TextStyle(east_asia=HEITI, size=PAGE_NUMBER_SIZE, align="right", line=None, spacing=0),
    "FootnoteText": TextStyle(size=14, align="left", line=None, spacing=0),
    "Caption": TextStyle(size=14, align="center"),
    "TableCaption": TextStyle(east_asia=HEITI, size=14, align="center", keep_next=True),
    "ImageCaption": TextStyle(size=14, align="center"),
    "Figure": TextStyle(align="center", line=None, spacing=0, keep_next=True),
    "CoverInfo": TextStyle(east_asia=KAITI, align="center", spacing=0),
    "CoverNote": TextStyle(east_asia=HEITI, size=14, align="center", line=None, spacing=0),
    "AttachmentLabel": TextStyle(east_asia=HEITI, align="left", page_break_before=True),
    "AttachmentTitle": TextStyle(east_asia=XIAOBIAOSONG, size=TITLE_SIZE, align="center", spacing=0),
    "AttachmentNote": TextStyle(first_line=True),
    "AttachmentNoteItem": TextStyle(align="left", left_chars=500),
}
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
    "TableText": "Table Text",
}
# Character styles: placeholders stay visible in a draft.
PLACEHOLDER_STYLE = "Placeholder"
MISSING_STYLE = "Missing Text"
CHARACTER_STYLES = {
    PLACEHOLDER_STYLE: TextStyle(highlight="yellow", line=None, spacing=0, align=""),
    MISSING_STYLE: TextStyle(highlight="lightGray", bold=True, line=None, spacing=0, align=""),
}

TABLE_BORDER = 4  # eighths of a point: 0.5 pt
TOC_LEVELS = 2  # 目录 lists 一、 and （一）
DRAFT_MARK = "草稿"
