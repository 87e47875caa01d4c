"""The tests' own accept/reject of tracked changes, on small hand-written parts as Word writes them."""

from __future__ import annotations

import pytest
from lxml import etree

from accept_reject import UnreadableChange, resolve

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W = f"{{{W_NS}}}"
WHO = 'w:author="甲" w:date="2024-05-01T00:00:00Z"'


def body(inner: str) -> etree._Element:
    return etree.fromstring(f'<w:document xmlns:w="{W_NS}"><w:body>{inner}</w:body></w:document>')


def paragraphs(root: etree._Element) -> list[str]:
    return ["".join(t.text or "" for t in p.iter(W + "t")) for p in root.iter(W + "p")]


def both(inner: str) -> tuple[list[str], list[str]]:
    root = body(inner)
    return paragraphs(resolve(root, accept=True)), paragraphs(resolve(root, accept=False))


def run(text: str, deleted: bool = False) -> str:
    tag = "w:delText" if deleted else "w:t"
    return f'<w:r><{tag} xml:space="preserve">{text}</{tag}></w:r>'


def test_insertions_and_deletions_of_runs():
    inner = f'<w:p>{run("上半年")}<w:del w:id="1" {WHO}>{run("1271", True)}</w:del>'
    inner += f'<w:ins w:id="2" {WHO}>{run("1300")}</w:ins>{run("人")}</w:p>'
    assert both(inner) == (["上半年1300人"], ["上半年1271人"])


def test_moves_keep_their_text_on_one_side_and_lose_their_ranges():
    inner = f'<w:moveToRangeStart w:id="1" w:name="m" {WHO}/>'
    inner += f'<w:p><w:moveTo w:id="2" {WHO}>{run("服务")}</w:moveTo></w:p><w:moveToRangeEnd w:id="1"/>'
    inner += f"<w:p>{run('中间')}</w:p>"
    inner += f'<w:moveFromRangeStart w:id="3" w:name="m" {WHO}/>'
    inner += f'<w:p><w:moveFrom w:id="4" {WHO}>{run("服务")}</w:moveFrom></w:p><w:moveFromRangeEnd w:id="3"/>'
    inner = inner.replace("<w:p><w:moveTo", f'<w:p><w:pPr><w:rPr><w:moveTo w:id="5" {WHO}/></w:rPr></w:pPr><w:moveTo')
    inner = inner.replace(
        "<w:p><w:moveFrom", f'<w:p><w:pPr><w:rPr><w:moveFrom w:id="6" {WHO}/></w:rPr></w:pPr><w:moveFrom'
    )
    accepted, rejected = both(inner)
    assert accepted == ["服务", "中间"] and rejected == ["中间", "服务"]
    assert next(resolve(body(inner), True).iter(W + "moveToRangeStart"), None) is None


def test_a_deleted_paragraph_mark_joins_the_next_paragraph_which_keeps_its_own_style():
    mark = f'<w:pPr><w:pStyle w:val="A"/><w:rPr><w:del w:id="1" {WHO}/></w:rPr></w:pPr>'
    inner = f'<w:p>{mark}{run("前")}</w:p><w:p><w:pPr><w:pStyle w:val="B"/></w:pPr>{run("后")}</w:p>'
    accepted = resolve(body(inner), accept=True)
    assert paragraphs(accepted) == ["前后"]
    assert accepted.find(f".//{W}pStyle").get(W + "val") == "B"
    assert paragraphs(resolve(body(inner), accept=False)) == ["前", "后"]


def test_an_inserted_paragraph_mark_joins_on_reject():
    mark = f'<w:pPr><w:rPr><w:ins w:id="1" {WHO}/></w:rPr></w:pPr>'
    inner = f'<w:p>{mark}{run("甲")}<w:ins w:id="2" {WHO}>{run("乙")}</w:ins></w:p><w:p>{run("丙")}</w:p>'
    assert both(inner) == (["甲乙", "丙"], ["甲丙"])


def test_a_wholly_deleted_paragraph_before_a_table_goes_but_one_with_text_left_is_refused():
    table = f"<w:tbl><w:tr><w:tc><w:p>{run('格')}</w:p></w:tc></w:tr></w:tbl>"
    mark = f'<w:pPr><w:rPr><w:del w:id="1" {WHO}/></w:rPr></w:pPr>'
    gone = f'<w:p>{mark}<w:del w:id="2" {WHO}>{run("题", True)}</w:del></w:p>{table}'
    assert both(gone) == (["格"], ["题", "格"])
    with pytest.raises(UnreadableChange, match="no paragraph after it"):
        resolve(body(f"<w:p>{mark}{run('留下')}</w:p>{table}"), accept=True)


def test_table_rows_inserted_and_deleted_and_a_table_left_without_rows_goes():
    def row(text: str, kind: str = "") -> str:
        marks = f'<w:trPr><w:{kind} w:id="9" {WHO}/></w:trPr>' if kind else ""
        return f"<w:tr>{marks}<w:tc><w:p>{run(text)}</w:p></w:tc></w:tr>"

    inner = f"<w:tbl>{row('旧', 'del')}{row('同')}{row('新', 'ins')}</w:tbl><w:tbl>{row('全删', 'del')}</w:tbl>"
    accepted, rejected = resolve(body(inner), True), resolve(body(inner), False)
    assert paragraphs(accepted) == ["同", "新"] and len(accepted.findall(f".//{W}tbl")) == 1
    assert paragraphs(rejected) == ["旧", "同", "全删"]
    assert next(rejected.iter(W + "trPr"), None) is not None and next(rejected.iter(W + "del"), None) is None


def test_property_changes_are_dropped_on_accept_and_put_back_on_reject():
    inner = (
        '<w:p><w:pPr><w:pStyle w:val="New"/><w:rPr><w:b/></w:rPr>'
        f'<w:pPrChange w:id="1" {WHO}><w:pPr><w:pStyle w:val="Old"/></w:pPr></w:pPrChange></w:pPr>'
        f'<w:r><w:rPr><w:i/><w:rPrChange w:id="2" {WHO}><w:rPr><w:u w:val="single"/></w:rPr></w:rPrChange></w:rPr>'
        "<w:t>字</w:t></w:r></w:p>"
    )
    accepted, rejected = resolve(body(inner), True), resolve(body(inner), False)
    assert accepted.find(f".//{W}pStyle").get(W + "val") == "New" and accepted.find(f".//{W}r/{W}rPr/{W}i") is not None
    assert rejected.find(f".//{W}pStyle").get(W + "val") == "Old"
    assert rejected.find(f".//{W}pPr/{W}rPr/{W}b") is not None, "the mark's own properties are not recorded"
    assert rejected.find(f".//{W}r/{W}rPr/{W}u") is not None and rejected.find(f".//{W}r/{W}rPr/{W}i") is None
    for root in (accepted, rejected):
        assert next(root.iter(W + "pPrChange", W + "rPrChange"), None) is None


def test_a_link_whose_every_run_went_goes_too():
    inner = f'<w:p>{run("返回")}<w:hyperlink w:anchor="a"><w:del w:id="1" {WHO}>{run("基本", True)}</w:del>'
    inner += "</w:hyperlink></w:p>"
    accepted, rejected = resolve(body(inner), True), resolve(body(inner), False)
    assert accepted.find(f".//{W}hyperlink") is None and rejected.find(f".//{W}hyperlink") is not None


def test_markup_it_cannot_settle_is_refused_not_misread():
    inner = f'<w:tbl><w:tr><w:tc><w:tcPr><w:cellIns w:id="1" {WHO}/></w:tcPr><w:p/></w:tc></w:tr></w:tbl>'
    with pytest.raises(UnreadableChange, match="cellIns"):
        resolve(body(inner), accept=True)
    with pytest.raises(UnreadableChange, match="delText"):
        resolve(body(f"<w:p>{run('孤', True)}</w:p>"), accept=True)
