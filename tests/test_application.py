"""The application itself: restored text, one source of figures, nothing lost."""

import re
from pathlib import Path

import jinja2
import yaml

from conftest import ROOT
from shenbao.exhibits import load_exhibits
from shenbao.figures import BUILD_FIGURES, load_figures
from shenbao.references import exhibit_references, figure_references, parse_template

DOCS = ROOT / "docs"
FIGURES = load_figures(ROOT / "data" / "figures.yml")
TERMS = yaml.safe_load((ROOT / "data" / "terms.yml").read_text(encoding="utf-8"))


def pages() -> dict[str, str]:
    return {p.relative_to(DOCS).as_posix(): p.read_text(encoding="utf-8") for p in sorted(DOCS.rglob("*.md"))}


EXHIBITS = load_exhibits(ROOT / "data" / "exhibits.yml", FIGURES)


def used_figures() -> set[str]:
    """Figures the pages name directly, and those of the tables and charts they place."""
    environment = jinja2.Environment()
    used = set(BUILD_FIGURES)
    for text in pages().values():
        tree = parse_template(text, environment)
        used |= {ref.name for ref in figure_references(tree)}
        used |= {name for ref in exhibit_references(tree) for name in EXHIBITS.figure_names(ref.name)}
    return used


def test_every_figure_used_exists_and_every_figure_is_used_or_kept():
    used = used_figures()
    assert used - set(FIGURES) == set()
    unused = {name for name, figure in FIGURES.items() if name not in used and not figure.keep}
    assert unused == set()


def test_no_spun_word_of_the_source_remains():
    for name, text in pages().items():
        for term in TERMS["spun"]:
            wrong, right = term["wrong"], term["right"]
            # a wrong form inside its own correction (政村 in 行政村) is not wrong
            stripped = text.replace(right, "") if wrong in right else text
            assert wrong not in stripped, f"{name}: {wrong} → {right}"


def test_sections_follow_the_source():
    heads = [line for text in pages().values() for line in text.splitlines() if line.startswith("#")]
    assert "# 基本情况" in heads
    assert "# 计划生育暨“双创”工作的开展情况" in heads
    items = [h for h in heads if h.startswith("### 狠抓")]
    assert len(items) == 7, "（一）has seven items: 七抓七到位"


def test_no_statistic_is_typed_into_prose():
    allowed = {"3.8", "5.29", "7.11", "13"}  # dates of observances, the 13亿人口纪念日
    for name, text in pages().items():
        prose = re.sub(r"\{\{.*?\}\}|\{%.*?%\}", "", text)
        prose = re.sub(r"^---\n.*?\n---\n", "", prose, flags=re.S)
        numbers = set(re.findall(r"\d+(?:\.\d+)?", prose))
        assert numbers <= allowed, f"{name}: {sorted(numbers - allowed)}"


# Every number of the source text, as the reader must see it on the site.
SOURCE_NUMBERS = [
    "217线",
    "61个农牧业队",
    "增加了312元",
    "人均达到10元",
    "费用60万元",
    "1271人",
    "99.76%",
    "86.48%",
    "到位124万元",
    "现已到位30万元",
    "120元保健费",
    "工资5%",
    "覆盖面达100%",
    "为90户",
    "共18万元",
    "确定了52户",
    "95%以上",
    "50多万元",
    "等5个乡站",
    "400多平方米",
    "8名专业技术人员",
    "98%以上",
    "新增4名编制",
    "100余万元",
    "25万元",
    "600多次",
    "10余次",
    "1.5万册",
    "近3万份",
    "400多块（条）",
    "成立50周年",
]


def site_text(application) -> str:
    html = "".join(p.read_text(encoding="utf-8") for p in Path(application.site).glob("*.html"))
    return re.sub(r"<[^>]+>", "", html)


def test_every_number_of_the_source_appears_on_the_site(application):
    text = site_text(application)
    missing = [number for number in SOURCE_NUMBERS if number not in text]
    assert missing == []


def test_every_withheld_value_is_a_highlighted_placeholder_on_the_site(application):
    html = "".join(p.read_text(encoding="utf-8") for p in Path(application.site).glob("*.html"))
    for figure in FIGURES.unknown():
        assert f'<span class="placeholder" data-figure="{figure.name}">【待填：{figure.label}】</span>' in html
    css = (Path(application.site) / "assets" / "shenbao.css").read_text(encoding="utf-8")
    assert ".placeholder" in css and ".missing" in css


def test_the_truncation_is_marked_as_missing_not_invented(application):
    text = site_text(application)
    assert "策划了多彩的计生工作回顾图片【原文缺失：" in text
