"""Small Markdown in, expected WordprocessingML out: the converter's exact output.

Run ``pytest tests/docx/test_golden.py --update-golden`` after an intended change,
then read the diff of tests/golden/ before committing it.
"""

import zipfile
from pathlib import Path

import pytest
from lxml import etree

from shenbao.docx.export import assemble, run_pandoc
from shenbao.docx.job import DocxJob
from shenbao.docx.layout import DEFAULT
from shenbao.project.document import Document
from shenbao.project.plugin_options import Mode

GOLDEN = Path(__file__).parents[1] / "golden"
PARTS = {"word/document.xml": "sample.document.xml", "word/footnotes.xml": "sample.footnotes.xml"}


def normalized(xml: bytes) -> str:
    """Pretty-printed XML without the attributes that change from run to run."""
    root = etree.fromstring(xml)
    for element in root.iter():
        for attr in list(element.attrib):
            if attr.endswith("}rsidR") or attr.endswith("}rsidRDefault") or attr.endswith("}rsidP"):
                del element.attrib[attr]
    etree.indent(root)
    return etree.tostring(root, encoding="unicode")


@pytest.fixture(scope="module")
def converted(tmp_path_factory) -> Path:
    document = Document()
    document.add_page("sample.md", (GOLDEN / "sample.md").read_text(encoding="utf-8"), {})
    out = tmp_path_factory.mktemp("golden") / "sample.docx"
    job = DocxJob(Mode.DRAFT, DEFAULT, GOLDEN)
    run_pandoc(assemble(document, job, anchored=False), out, job)
    return out


@pytest.mark.parametrize("part", sorted(PARTS))
def test_conversion_matches_the_golden_file(converted, part, update_golden):
    with zipfile.ZipFile(converted) as archive:
        actual = normalized(archive.read(part))
    golden = GOLDEN / PARTS[part]
    if update_golden:
        golden.write_text(actual, encoding="utf-8")
        pytest.skip(f"wrote {golden.name}")
    assert actual == golden.read_text(encoding="utf-8")
