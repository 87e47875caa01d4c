"""Every DOCX valid by the Open XML schema and our structural check; the package's one way of writing OOXML."""

from __future__ import annotations

import copy
import shutil
import subprocess
import zipfile
from pathlib import Path

import pypandoc
import pytest
from lxml import etree

from conftest import NS, ROOT, W, docx_part, style_of
from ooxml_validation import SPOILED, findings, structural
from shenbao.docx import layout, package, raw_blocks, render
from shenbao.project.numbering import Heading


def _rewrite(source: Path, target: Path, part: str, edit) -> Path:
    return package.rewrite_parts(source, {part: edit}, output=target)


# --- the validators catch what they must ---------------------------------------------------


def test_the_draft_and_the_final_file_have_no_findings(sample, complete):
    assert findings(sample.docx()) == []
    assert findings(complete.docx()) == []


def test_a_wrong_order_child_and_a_duplicate_id_are_found(sample, tmp_path):
    def spoil(root):
        properties = next(p for p in root.iter(W + "pPr") if p.find(W + "pStyle") is not None)
        properties.insert(0, package.element("jc", val="center"))  # w:jc before w:pStyle
        first, second = list(root.iter(W + "bookmarkStart"))[:2]
        second.set(W + "id", first.get(W + "id"))

    spoiled = _rewrite(sample.docx(), tmp_path / f"{SPOILED}.docx", "word/document.xml", spoil)
    found = findings(spoiled)
    assert any(f.startswith("openxml-audit") and "Unexpected element 'pStyle'" in f for f in found), found
    assert any("annotation id" in f and "used 2 times" in f for f in structural(spoiled)), found


def test_two_pictures_with_one_id_are_found(sample, tmp_path):
    def spoil(root):
        drawing = next(root.iter(W + "drawing"))
        paragraph = next(a for a in drawing.iterancestors() if a.tag == W + "p")
        paragraph.addnext(copy.deepcopy(paragraph))  # the same picture again, with the same id

    spoiled = _rewrite(sample.docx(), tmp_path / f"{SPOILED}.docx", "word/document.xml", spoil)
    assert any(f.startswith("picture id") and "used 2 times" in f for f in structural(spoiled))


def test_the_preview_copy_has_no_findings(sample, tmp_path):
    """The copy LibreOffice renders; the reference documents are pandoc's sample text, read only for styles."""
    copy = render.libreoffice_copy(sample.docx(), tmp_path)
    assert findings(copy) == []


# --- one way to write OOXML ----------------------------------------------------------------


def test_insert_child_keeps_the_schema_order():
    properties = package.element("pPr")
    for tag in ("jc", "spacing", "pStyle", "keepNext", "overflowPunct", "rPr", "ind"):
        package.insert_child(properties, package.element(tag))
    assert [etree.QName(c).localname for c in properties] == [
        "pStyle", "keepNext", "overflowPunct", "spacing", "ind", "jc", "rPr",
    ]  # fmt: skip
    row = package.element("trPr")
    for tag in ("del", "tblHeader", "cantSplit"):
        package.insert_child(row, package.element(tag))
    assert [etree.QName(c).localname for c in row] == ["cantSplit", "tblHeader", "del"]


def test_no_regular_expression_or_byte_replacement_touches_xml_in_the_package():
    """What is left of ``re`` in these folders reads Markdown, YAML or page text, never XML."""
    for folder in ("docx", "word", "site", "importer"):
        for path in (ROOT / "scripts" / "shenbao" / folder).rglob("*.py"):
            text = path.read_text(encoding="utf-8")
            for marker in ("rb'<", 'rb"<', 'b"</', "b'</", ".replace(b", "<w:"):
                assert marker not in text, (path, marker)


def test_the_overflow_punct_of_the_libreoffice_copy_follows_the_paragraph_style(sample, tmp_path):
    copy = render.libreoffice_copy(sample.docx(), tmp_path)
    body = docx_part(copy, "word/document.xml")
    styled = [p for p in body.iter(W + "pPr") if p.find(W + "pStyle") is not None]
    assert styled and all(package.is_ordered(p) for p in styled)
    assert all(p.find(W + "overflowPunct").get(W + "val") == "1" for p in styled)


# --- points 1, 2, 5 and 10 of the issue ------------------------------------------------


def test_the_table_style_header_row_has_trpr_before_tcpr(sample):
    styles = docx_part(sample.docx(), "word/styles.xml")
    first_row = style_of(styles, "Table").find("w:tblStylePr[@w:type='firstRow']", NS)
    assert first_row.find("w:trPr/w:tblHeader", NS) is not None
    assert package.is_ordered(first_row)
    for element in styles.iter(W + "pPr", W + "rPr", W + "tblPr", W + "trPr", W + "tcPr", W + "tblStylePr"):
        assert package.is_ordered(element), etree.tostring(element)


def test_character_styles_mark_by_shading_not_highlight(sample):
    styles = docx_part(sample.docx(), "word/styles.xml")
    for name in ("Placeholder", "MissingText"):
        rpr = style_of(styles, name).find("w:rPr", NS)
        assert rpr.find("w:highlight", NS) is None and rpr.find("w:shd", NS) is not None


@pytest.mark.parametrize("identifier", ["1abc", "a" * 41, "机制建设"])
def test_toc_entries_link_to_the_bookmark_pandoc_writes(identifier, tmp_path):
    markdown = f"# {identifier} {{#{identifier}}}\n\ntext\n"
    out = tmp_path / "t.docx"
    pypandoc.convert_text(markdown, "docx", format="markdown", outputfile=str(out))
    names = [b.get(W + "name") for b in docx_part(out, "word/document.xml").iter(W + "bookmarkStart")]
    assert raw_blocks.bookmark_name(identifier) in names
    toc = etree.fromstring(
        f'<w:body xmlns:w="{package.W_NS}">{raw_blocks.toc([Heading(1, "一、", identifier, identifier)], None, layout.DEFAULT)}</w:body>'
    )
    assert [link.get(W + "anchor") for link in toc.iter(W + "hyperlink")] == [raw_blocks.bookmark_name(identifier)]


def test_every_toc_link_in_the_final_file_reaches_a_bookmark(complete):
    body = docx_part(complete.docx(), "word/document.xml")
    names = {b.get(W + "name") for b in body.iter(W + "bookmarkStart")}
    anchors = [link.get(W + "anchor") for link in body.iter(W + "hyperlink") if link.get(W + "anchor")]
    assert anchors and set(anchors) <= names


def test_character_spacing_control_is_chosen_for_the_grid(sample):
    settings = docx_part(sample.docx(), "word/settings.xml")
    control = settings.find("w:characterSpacingControl", NS)
    assert control.get(W + "val") == layout.CHARACTER_SPACING_CONTROL == "doNotCompress"
    assert package.is_ordered(settings)


def test_the_validators_are_pinned():
    pins = (ROOT / "requirements-dev.txt").read_text(encoding="utf-8")
    assert "openxml-audit==" in pins and "ooxml-integrity==" in pins
    assert shutil.which("openxml-audit") or subprocess.run(["true"]).returncode == 0


def test_a_docx_without_a_source_table_is_not_ours(tmp_path):
    from ooxml_validation import is_ours

    path = tmp_path / "plain.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("word/document.xml", "<x/>")
    assert not is_ours(path)
