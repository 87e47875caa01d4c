"""The first customer's application: its pages and data are whole and consistent.

These tests read this repository's docs/, data/ and nav, and derive every
expectation from them; a unit that puts its own application in their place
finds them still green (the tool's own tests never read the application).
"""

import re
import zipfile

import pytest
import yaml

from conftest import ROOT, W, make_project, run_cli
from shenbao.project.markers import find_markers
from shenbao.project.project import Project

PROJECT = Project.load(ROOT / "mkdocs.yml")
TERMS = PROJECT.read_data("terms.yml", {})


def pages() -> dict[str, str]:
    return {uri: (PROJECT.docs_dir / uri).read_text(encoding="utf-8") for uri in PROJECT.page_paths()}


@pytest.fixture(scope="module")
def application(tmp_path_factory):
    """The application, built once as a draft, exactly as `make build` builds it."""
    result = run_cli(make_project(tmp_path_factory.mktemp("app"), source=ROOT), "build")
    assert result.returncode == 0, result.output
    return result


def site_text(application) -> str:
    html = "".join(p.read_text(encoding="utf-8") for p in application.site.glob("*.html"))
    return re.sub(r"<[^>]+>", "", html)


def docx_text(application) -> str:
    with zipfile.ZipFile(application.docx()) as archive:
        xml = archive.read("word/document.xml").decode("utf-8")
    return "".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", xml))


def test_the_application_passes_make_check():
    result = run_cli(ROOT, "check")
    assert result.returncode == 0, result.output


def test_every_page_is_in_the_navigation():
    assert PROJECT.nav is not None
    assert set(pages()) == set(PROJECT.nav)


def test_no_spun_word_of_the_source_remains():
    for name, text in pages().items():
        for term in TERMS.get("spun") or []:
            wrong, right = term["wrong"], term["right"]
            # a wrong form inside its own correction (政村 in 行政村) is not wrong
            stripped = text.replace(right, "") if wrong in right else text
            assert wrong not in stripped, f"{name}: {wrong} → {right}"


def test_every_known_figure_reaches_the_site_and_the_docx(application):
    site, docx = site_text(application), docx_text(application)
    for figure in PROJECT.figures.values():
        if figure.known and not figure.keep:
            shown = figure.as_text()
            assert shown in site, figure.name
            assert shown.replace("\\", "") in docx or figure.name.startswith("application."), figure.name


def test_every_unknown_figure_is_a_highlighted_placeholder_on_the_site(application):
    html = "".join(p.read_text(encoding="utf-8") for p in application.site.glob("*.html"))
    for figure in PROJECT.figures.unknown():
        assert f'<span class="placeholder" data-figure="{figure.name}">【待填：{figure.label}】</span>' in html


def test_every_missing_passage_stays_marked_in_the_docx(application):
    docx = docx_text(application)
    for name, text in pages().items():
        for marker in find_markers(text):
            assert marker.text in docx, name


def test_the_docx_has_the_sections_of_the_navigation_in_order(application):
    with zipfile.ZipFile(application.docx()) as archive:
        xml = archive.read("word/document.xml")
    from lxml import etree

    body = etree.fromstring(xml)
    top = [
        "".join(t.text or "" for t in p.iter(W + "t"))
        for p in body.iter(W + "p")
        if p.find(f"{W}pPr/{W}pStyle[@{W}val='Heading1']") is not None
    ]
    titles = []
    for text in pages().values():
        meta = yaml.safe_load(text.split("---", 2)[1]) if text.startswith("---") else {}
        if meta.get("docx") == "cover" or meta.get("kind") == "attachment":
            continue  # the cover's title and an attachment's are not numbered sections of the body
        heading = re.search(r"^# (.+?)(?:\s*\{[^}]*\})?\s*$", text, flags=re.M)
        if heading:
            titles.append(heading.group(1))
    assert [re.sub(r"^[一二三四五六七八九十]+、", "", t) for t in top if "、" in t] == titles
