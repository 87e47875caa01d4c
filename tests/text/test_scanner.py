"""The one Markdown reading the checks, the numbering and the DOCX share."""

from shenbao.text import scanner


def test_front_matter_is_read_by_mkdocs_parser_with_its_length():
    assert scanner.front_matter("---\nmax_chars: 300\n---\n\n# 标题\n") == ({"max_chars": 300}, 4)
    assert scanner.front_matter("# 标题\n") == ({}, 0)


def test_a_fence_closes_only_with_its_own_mark():
    lines = ["正文", "```", "~~~", "代码", "```", "正文"]
    assert scanner.fenced(lines) == [False, True, True, True, True, False]
    assert [index for index, _ in scanner.text_lines(lines)] == [0, 5]


def test_links_allow_one_level_of_brackets_and_skip_code():
    lines = ['见[表[1]](a.md#x)和`[不是](b.md)`，![图](img/a.png "题")', "```", "[代码](c.md)", "```"]
    found = list(scanner.links(lines))
    assert [(link.column, link.text, link.target, link.image) for link in found] == [
        (2, "表[1]", "a.md#x", False),
        (30, "图", "img/a.png", True),
    ]


def test_table_cells_come_with_their_columns():
    lines = ["正文 | 不是表格", "", "| 指标 | 数值 |", "| --- | ---: |", "| 耕地 | 120亩 |", "", "后文"]
    assert scanner.table_rows(lines) == {2, 4}
    assert [(c.line, c.column, c.text) for c in scanner.table_cells(lines)] == [
        (3, 3, "指标"),
        (3, 8, "数值"),
        (5, 3, "耕地"),
        (5, 8, "120亩"),
    ]
