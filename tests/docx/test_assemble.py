"""Pages become one pandoc document: links, footnotes, ids and images made to fit."""

from pathlib import Path

from shenbao.docx.export import assemble, pandoc_args
from shenbao.docx.job import DocxJob
from shenbao.docx.layout import DEFAULT
from shenbao.project.document import Document
from shenbao.project.plugin_options import Mode


def job(mode: Mode) -> DocxJob:
    return DocxJob(mode, DEFAULT, Path("docs"))


def document(*pages: tuple[str, str, dict]) -> Document:
    doc = Document()
    for uri, markdown, meta in pages:
        doc.add_page(uri, markdown, meta)
    return doc


def test_links_between_pages_become_bookmark_links_and_repeated_ids_are_made_unique():
    doc = document(
        ("a.md", "# 甲\n\n## 做法\n\n见[乙的做法](sub/b.md#做法)和[乙](sub/b.md)。", {}),
        ("sub/b.md", "# 乙\n\n## 做法\n\n回到[甲](../a.md#做法)，或[本页](#做法)。", {}),
    )
    text = assemble(doc, job(Mode.DRAFT), anchored=False)
    assert "## （一）做法 {#做法}" in text
    assert "## （一）做法 {#做法-2}" in text
    assert "见[乙的做法](#做法-2)和[乙](#乙)。" in text
    assert "回到[甲](#做法)，或[本页](#做法-2)。" in text
    assert 'w:anchor="做法-2"' in text, "the 目录 follows the renamed id"


def test_footnote_labels_are_unique_per_page():
    doc = document(
        ("a.md", "# 甲\n\n正文[^1]。\n\n[^1]: 甲注。", {}), ("b.md", "# 乙\n\n正文[^1]。\n\n[^1]: 乙注。", {})
    )
    text = assemble(doc, job(Mode.DRAFT), anchored=False)
    assert "正文[^p0-1]。" in text and "[^p0-1]: 甲注。" in text
    assert "正文[^p1-1]。" in text and "[^p1-1]: 乙注。" in text


def test_images_resolve_below_docs_and_generated_ones_to_their_print_version():
    doc = document(("sub/a.md", "# 甲\n\n![图](../img/x.png)\n\n![表](../charts/c.svg)", {}))
    doc.resources["charts/c.svg"] = "/cache/c-123.png"
    text = assemble(doc, job(Mode.DRAFT), anchored=False)
    assert "![图](img/x.png)" in text
    assert "![表](/cache/c-123.png)" in text


def test_code_blocks_are_left_alone():
    doc = document(("a.md", "# 甲\n\n```\n[^1] [x](b.md)\n```", {}))
    assert "```\n[^1] [x](b.md)\n```" in assemble(doc, job(Mode.DRAFT), anchored=False)


def test_pandoc_is_given_the_reference_filter_and_resources(tmp_path):
    args = pandoc_args(tmp_path / "ref.docx", tmp_path / "docs", DEFAULT)
    assert f"--reference-doc={tmp_path / 'ref.docx'}" in args
    assert f"--resource-path={tmp_path / 'docs'}" in args
    assert any(a.startswith("--lua-filter=") and a.endswith("official.lua") for a in args)
    assert "--metadata=lang:zh-CN" in args


def test_a_single_attachment_has_no_number():
    """GB/T 9704 §7.3.4: one attachment is 附件：名称 and its page starts with 附件; several are numbered."""
    from shenbao.project.document import Document

    doc = Document()
    doc.add_page("a.md", "# 正文\n\n内容。", {})
    doc.add_page("b.md", "# 评定标准\n\n内容。", {"kind": "attachment"})
    text = assemble(doc, job(Mode.FINAL), anchored=False)
    assert "附件：评定标准" in text and "附件：1" not in text
    assert '{custom-style="Attachment Label"}\n附件\n' in text
    doc.add_page("c.md", "# 统计表\n\n内容。", {"kind": "attachment"})
    text = assemble(doc, job(Mode.FINAL), anchored=False)
    assert "附件：1\\." in text and '{custom-style="Attachment Label"}\n附件2\n' in text
