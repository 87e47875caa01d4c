"""The DOCX as a reader sees it: rendered by LibreOffice with the mapped free fonts."""

import re
import subprocess

import pytest
from lxml import etree
from PIL import Image

from conftest import build
from shenbao.docx import render

pytestmark = pytest.mark.render

POINTS_PER_MM = 72 / 25.4
TYPE_TOP = 37 * POINTS_PER_MM
TYPE_BOTTOM = (297 - 35) * POINTS_PER_MM


@pytest.fixture(scope="module")
def draft_pdf(sample, tmp_path_factory):
    return render.docx_to_pdf(sample.docx(), tmp_path_factory.mktemp("draft-pdf"))


@pytest.fixture(scope="module")
def final_pdf(complete, tmp_path_factory):
    return render.docx_to_pdf(complete.docx(), tmp_path_factory.mktemp("final-pdf"))


def lines_in_type_area(pdf) -> list[int]:
    """How many text lines each page has inside the type area (header and footer excluded)."""
    xhtml = subprocess.run(["pdftotext", "-bbox-layout", str(pdf), "-"], capture_output=True, check=True).stdout
    root = etree.fromstring(xhtml, etree.XMLParser(recover=True))
    counts = []
    for page in root.iter("{*}page"):
        tops = {round(float(line.get("yMin"))) for line in page.iter("{*}line")}
        counts.append(len([y for y in tops if TYPE_TOP - 5 <= y <= TYPE_BOTTOM]))
    return counts


def test_pages_show_numbered_headings_and_dashed_page_numbers(draft_pdf):
    pages = render.pdf_pages(draft_pdf)
    text = re.sub(r"\s+", "", "".join(pages))
    for heading in ("一、基本情况", "二、主要做法", "（一）机制建设", "1.明确责任", "（1）责任到人", "三、工作成效"):
        assert heading in text
    numbers = [render.page_number(page) for page in pages]
    assert numbers[:2] == [None, None], "cover and 目录 carry no page number"
    assert numbers[2:] == list(range(1, len(pages) - 1))


def test_a_full_body_page_holds_22_lines(draft_pdf):
    counts = lines_in_type_area(draft_pdf)
    pages = [re.sub(r"\s+", "", page) for page in render.pdf_pages(draft_pdf)]
    # the pages of running text: after the one where 三、工作成效 starts (the 目录 names it too)
    first_text_page = max(i for i, page in enumerate(pages) if "三、工作成效" in page) + 1
    # the page before the signature's gives up its last lines to keep the signature company
    signature = max(i for i, page in enumerate(pages) if "样例县人民政府【待填" in page)
    full_pages = counts[first_text_page : signature - 1]
    assert len(full_pages) >= 3
    # a page may end a few lines early: a heading goes over with two lines of its text, no line is left alone
    assert max(full_pages) == 22, counts
    assert all(22 - 3 <= count <= 22 for count in full_pages), counts


def test_official_fonts_are_rendered_with_their_free_stand_ins(draft_pdf):
    fonts = subprocess.run(["pdffonts", str(draft_pdf)], capture_output=True, text=True, check=True).stdout
    assert "FandolFang" in fonts  # 仿宋_GB2312
    assert "UKai" in fonts  # 楷体_GB2312
    assert "NotoSansCJK" in fonts  # 黑体


def test_final_contents_is_filled_with_the_true_page_numbers(final_pdf):
    pages = render.pdf_pages(final_pdf)
    contents = pages[1]
    assert "目" in contents and "录" in contents
    entries = dict(re.findall(r"^\s*(\S+?)\.{3,}\s*(\d+)\s*$", contents, flags=re.M))
    assert set(entries) == {"一、基本情况", "二、主要做法", "（一）机制建设", "（二）服务保障"}
    by_number = {render.page_number(page): re.sub(r"\s+", "", page) for page in pages}
    for heading, page in entries.items():
        assert heading in by_number[int(page)], f"{heading} is not on page {page}"
    assert "草稿" not in "".join(pages)


def test_preview_renders_pdf_and_page_images(tmp_path):
    result = build(tmp_path, "complete", command="preview")
    assert result.returncode == 0, result.output
    preview = result.project / "dist" / "preview"
    assert list(preview.glob("*.pdf"))
    pngs = sorted((preview / "pages").glob("page-*.png"))
    assert len(pngs) >= 3
    width, height = Image.open(pngs[0]).size
    assert abs(height / width - 297 / 210) < 0.01


def test_the_signature_never_stands_alone_on_a_page(draft_pdf):
    pages = [re.sub(r"\s+", "", page) for page in render.pdf_pages(draft_pdf)]
    at = max(i for i, page in enumerate(pages) if "样例县人民政府【待填：申报日期】" in page)
    page = pages[at]
    assert "附件：健身站点星级评定标准" in page, "the note stands above the signature, on its page"
    assert page.index("群众反映良好") < page.index("附件：") < page.index("样例县人民政府【待填"), page
