"""Layout settings: presets, a unit's overrides in Chinese or English, and clear errors."""

import pytest

from shenbao.docx import layout
from shenbao.docx.layout import LayoutError, LineSpacing, resolve_layout
from shenbao.project.figures import place_approx
from shenbao.site.print_css import print_css
from shenbao.text.titles import text_width, title_lines


def test_the_default_is_the_gbt_9704_page():
    official = resolve_layout(None)
    assert official.preset == "公文"
    body = official["body"]
    assert (body.font, body.size, body.indent) == ("仿宋_GB2312", 16, 2)
    assert body.line_spacing == LineSpacing(exact=28.95), "22 lines fill the 225 mm type area"
    assert official.lines_per_page == 22 and official.char_spacing == -5
    assert (official["title"].font, official["title"].size) == ("方正小标宋简体", 22)
    assert official["heading1"].font == "黑体" and official["heading1"].size == 16, "headings follow the body's size"
    assert official["page_number"].align == "outside"
    assert layout.mm(official.margins.top) == 2098 and official.type_width == 8845


def test_the_report_preset_is_songti_small_four_with_one_and_a_half_lines():
    report = resolve_layout({"preset": "报告"})
    assert (report["body"].font, report["body"].size) == ("宋体", 12)
    assert report["body"].line_spacing == LineSpacing(multiple=1.5)
    assert report.lines_per_page is None and report.char_spacing == 0
    assert report["heading3"].line_spacing == LineSpacing(multiple=1.5), "headings share the body's line"


def test_overrides_take_chinese_names_sizes_and_spacing():
    chosen = resolve_layout(
        {
            "预设": "公文",
            "元素": {
                "正文": {"字体": "仿宋", "字号": "三号", "行距": "1.5倍"},
                "表格": {"size": "小四"},
                "title": {"font": "黑体", "size": "24pt", "bold": True, "align": "居中"},
                "页码": {"对齐": "居中"},
            },
            "页边距": {"上": "3.7cm", "左": 30},
        }
    )
    assert chosen["body"].font == "仿宋" and chosen["body"].line_spacing == LineSpacing(multiple=1.5)
    assert chosen.lines_per_page is None, "a body in multiples of a line has no fixed grid"
    assert chosen["table_cell"].size == 12
    assert (chosen["title"].font, chosen["title"].size, chosen["title"].bold) == ("黑体", 24, True)
    assert chosen["page_number"].align == "center"
    assert chosen.margins.top == 37 and chosen.margins.left == 30 and chosen.margins.bottom == 35
    assert chosen["heading2"].font == "楷体_GB2312", "what is not overridden stays as the preset has it"


@pytest.mark.parametrize(
    ("settings", "key", "words"),
    [
        ({"preset": "论文"}, "layout.preset", "可用：公文、报告"),
        ({"overrides": {"正问": {}}}, "layout.overrides.正问", "可用：title（标题）"),
        ({"overrides": {"body": {"color": "red"}}}, "layout.overrides.body.color", "未知的字段"),
        ({"overrides": {"body": {"size": "三三号"}}}, "layout.overrides.body.size", "三号、小四"),
        ({"overrides": {"body": {"size": 200}}}, "layout.overrides.body.size", "超出"),
        ({"overrides": {"body": {"line_spacing": "两倍"}}}, "layout.overrides.body.line_spacing", "1.5倍"),
        ({"overrides": {"body": {"align": "middle"}}}, "layout.overrides.body.align", "居中"),
        ({"overrides": {"body": {"align": "outside"}}}, "layout.overrides.body.align", "可用"),
        ({"overrides": {"body": {"bold": "yes"}}}, "layout.overrides.body.bold", "true 或 false"),
        ({"margins": {"top": "3.7in"}}, "layout.margins.top", "3.7cm"),
        ({"margins": {"inner": 30}}, "layout.margins.inner", "页边距"),
        ({"page": {"lines": 0}}, "layout.page.lines", "22 行"),
        ({"overrides": ["body"]}, "layout.overrides", "名称: 值"),
    ],
)
def test_a_bad_setting_is_named_with_a_hint(settings, key, words):
    with pytest.raises(LayoutError) as caught:
        resolve_layout(settings)
    message = str(caught.value)
    assert message.startswith(key + ":"), message
    assert words in message and "提示" in message


def test_word_styles_come_from_the_layout():
    styles = layout.paragraph_styles(resolve_layout({"preset": "报告", "overrides": {"caption": {"size": "小五"}}}))
    assert styles["BodyText"].line == 360 and styles["BodyText"].line_rule == "auto"
    assert styles["Caption"] == styles["TableCaption"] == styles["ImageCaption"], "表题 and 图题 look alike"
    assert styles["Caption"].size == 9
    assert styles["AttachmentLabel"].latin == "黑体", "the digit of 附件1 is in 黑体 too"


def test_the_attachment_note_hangs_so_names_align():
    left, first, later = layout.attachment_note_indents(layout.DEFAULT)
    assert left == round(320 * (2 + 3 + layout.NUMBER_CHARS)), "names start after 附件： and the number"
    assert left - first == 640, "the first line starts at the body's indent"
    assert left - later == 320 * 5, "later numbers stand under the first"


def test_print_css_follows_the_layout():
    css = print_css(resolve_layout({"preset": "报告", "overrides": {"heading1": {"size": "三号"}}}))
    assert "margin: 25.4mm 31.8mm 25.4mm 31.8mm" in css
    assert (
        '.md-typeset .shenbao-page p, .md-typeset .shenbao-page li, .md-typeset .shenbao-page dd { font-family: "宋体"'
        in css
    )
    assert ".md-typeset .shenbao-page .caption p" in css, "a caption's paragraph is a caption, not body text"
    assert "font-size: 12pt" in css and "line-height: 1.95" in css
    assert '.md-typeset .shenbao-page h1 { font-family: "黑体", "Times New Roman", serif; font-size: 16pt' in css


@pytest.mark.parametrize(
    ("number", "approx", "unit", "expected"),
    [
        ("1.2", "多", "万人", "1.2万多人"),
        ("3", "多", "万人", "3万多人"),
        ("100", "余", "万元", "100余万元"),
        ("10", "多", "亿元", "10多亿元"),
        ("3.5", "余", "亿元", "3.5亿余元"),
        ("1271", "余", "人", "1271余人"),
        ("3", "近", "万份", "近3万份"),
        ("60", "约", "%", "约60%"),
        ("12", "", "万人", "12万人"),
    ],
)
def test_approximate_words_stand_where_chinese_puts_them(number, approx, unit, expected):
    assert "".join(place_approx(number, approx, unit)) == expected


def test_a_long_title_is_broken_between_words_into_even_lines():
    title = "样例县关于申报自治区计划生育优质服务先进县暨人口和家庭发展综合改革试点的申报材料"
    lines = title_lines(title, 20)
    assert "".join(lines) == title and len(lines) == 3
    assert all(text_width(line) <= 20 for line in lines)
    assert max(map(len, lines)) - min(map(len, lines)) <= 2, lines
    assert lines[0].endswith("计划生育") and lines[1].startswith("优质"), "no line ends inside a word"
    assert title_lines("计划生育优质服务先进申报", 20) == ["计划生育优质服务先进申报"]
    assert not any(
        line.startswith("）") for line in title_lines("关于申报自治区计划生育优质服务先进（县）市的申报材料", 12)
    )


def test_an_error_is_located_in_the_configuration_file():
    config = (
        "site_name: x\nextra:\n  layout:\n    overrides:\n      正文:\n        size: 三三号\n      表格: {字号: 七号}\n"
    )
    for settings, line in (
        ({"overrides": {"正文": {"size": "三三号"}}}, 6),
        ({"overrides": {"表格": {"字号": "七号"}}}, 7),
    ):
        with pytest.raises(LayoutError) as caught:
            resolve_layout(settings)
        assert layout.setting_line(config, caught.value) == line
