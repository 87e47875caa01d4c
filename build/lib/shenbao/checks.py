"""``make check``: everything wrong in the pages and the data, one line each.

Every rule is a function from text (and the figures) to diagnostics; only
``run_checks`` reads files, prints, and, with ``--fix``, writes the
unambiguous term and punctuation repairs back.
"""

from __future__ import annotations

import contextlib
import functools
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

import jinja2
import yaml

from shenbao import markers, numbering
from shenbao.document import nav_paths, resolve_path
from shenbao.exhibits import Exhibits, load_exhibits, table_markdown
from shenbao.figures import BUILD_FIGURES, FigureBook, FigureDataError, format_number, load_figures
from shenbao.references import (
    JINJA_NAMES,
    check_calls,
    check_template,
    exhibit_references,
    figure_references,
    parse_template,
    simple_calls,
)

_JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.S)
_CJK = r"\u3400-\u9fff"
_FENCE = re.compile(r"^[ \t]*(```|~~~)")
_HTML = re.compile(r"<[^>\n]+>")
_LINK = re.compile(r"(!?)\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
_MASK = "\ue000"  # stands in for template code, keeping every column where it was


@dataclass(frozen=True, order=True)
class Diagnostic:
    path: str
    line: int
    column: int
    rule: str
    message: str
    hint: str = ""

    def __str__(self) -> str:
        hint = f" ({self.hint})" if self.hint else ""
        return f"{self.path}:{self.line}:{self.column}: {self.rule}: {self.message}{hint}"


@dataclass(frozen=True, order=True)
class Fix:
    """An unambiguous repair at one place: ``old`` at (line, column) becomes ``new``."""

    line: int
    column: int  # 1-based
    old: str
    new: str


@dataclass
class Page:
    path: str  # as shown to the writer, e.g. docs/jiben-qingkuang.md
    uri: str  # below docs/
    text: str
    body_start: int = 0  # lines of front matter before the Markdown
    meta: dict = field(default_factory=dict)

    @functools.cached_property
    def lines(self) -> list[str]:
        return self.text.split("\n")

    @functools.cached_property
    def masked(self) -> list[str]:
        return masked_lines(self)

    @functools.cached_property
    def prose(self) -> list[str]:
        return prose_lines(self)


@dataclass
class Settings:
    units: list[str]
    allowed_in_prose: list[str]
    terms: list[dict]
    relations: list[dict]

    @functools.cached_property
    def term_pattern(self) -> re.Pattern:
        """Any wrong term: one search tells whether a line needs a closer look."""
        wrongs = sorted((t["wrong"] for t in self.terms), key=len, reverse=True)
        return re.compile("|".join(map(re.escape, wrongs)) or "(?!)")


# --- reading ------------------------------------------------------------------------


class _AnyTagLoader(yaml.SafeLoader):
    """Reads mkdocs.yml without the plugins its tags would import."""


_AnyTagLoader.add_multi_constructor("", lambda loader, suffix, node: None)


def read_page(docs: Path, file: Path, project: Path) -> Page:
    text = file.read_text(encoding="utf-8")
    meta, start = {}, 0
    if text.startswith("---\n"):
        end = text.find("\n---\n", 4)
        if end != -1:
            meta = yaml.safe_load(text[4:end]) or {}
            start = text[: end + 5].count("\n")
    return Page(file.relative_to(project).as_posix(), file.relative_to(docs).as_posix(), text, start, meta)


def _blank_keeping_lines(match: re.Match) -> str:
    code = match.group(0)
    return _MASK * len(code) if "\n" not in code else re.sub(r"[^\n]", _MASK, code)


def masked_lines(page: Page) -> list[str]:
    """The page's lines with template code, code blocks and front matter blanked out."""
    text = _JINJA.sub(_blank_keeping_lines, page.text)
    lines = text.split("\n")
    in_fence = ""
    for index, line in enumerate(lines):
        if index < page.body_start:
            lines[index] = ""
            continue
        fence = _FENCE.match(line)
        if fence:
            in_fence = "" if in_fence == fence.group(1) else (in_fence or fence.group(1))
            lines[index] = ""
        elif in_fence:
            lines[index] = ""
    return lines


_LINK_TARGET = re.compile(r"\]\([^)\n]*\)")


def _blank(match: re.Match) -> str:
    return _MASK * len(match.group(0))


def prose_lines(page: Page) -> list[str]:
    """Masked lines without HTML tags or link targets: the words a reader reads."""
    return [_LINK_TARGET.sub(_blank, _HTML.sub(_blank, line)) for line in page.masked]


# --- rules: references ---------------------------------------------------------------


MACROS = {"fig", "missing", "table", "chart", "ref", "figures", "page", "config"}


def check_references(pages: list[Page], book: FigureBook, placed: Exhibits) -> list[Diagnostic]:
    environment = jinja2.Environment()
    known = MACROS | set(environment.globals) | JINJA_NAMES
    exhibit_names = [*placed.tables, *placed.charts]
    found, used = [], set(BUILD_FIGURES)
    for page in pages:
        calls = simple_calls(page.text)
        if calls is not None:  # the common page: no need for Jinja's parser
            for problem in check_calls(calls, book.keys(), MACROS, exhibit_names):
                column = _column_of(page.lines[problem.line - 1], problem.message)
                found.append(
                    Diagnostic(page.path, problem.line, column, _rule_of(problem), problem.message, problem.hint)
                )
            used |= {c.argument for c in calls if c.macro == "fig"}
            used |= {name for c in calls if c.macro in ("table", "chart") for name in placed.figure_names(c.argument)}
            continue
        for problem in check_template(page.text, environment, book.keys(), known, exhibit_names):
            column = _column_of(page.lines[problem.line - 1], problem.message)
            found.append(Diagnostic(page.path, problem.line, column, _rule_of(problem), problem.message, problem.hint))
        with contextlib.suppress(jinja2.TemplateSyntaxError):  # reported above
            tree = parse_template(page.text, environment)
            used |= {ref.name for ref in figure_references(tree)}
            for ref in exhibit_references(tree):
                used |= set(placed.figure_names(ref.name))
    for figure in book.values():
        if figure.name not in used and not figure.keep:
            found.append(
                Diagnostic(
                    book.path,
                    figure.line,
                    3,
                    "unused-figure",
                    f"数据项 {figure.name} 没有页面使用",
                    "在正文中引用，或标记 keep: true",
                )
            )
    return found


def _rule_of(problem) -> str:
    if "数据项" in problem.message:
        return "unknown-figure"
    return "unknown-exhibit" if "表或图" in problem.message else "template"


def _column_of(line: str, message: str) -> int:
    quoted = re.search(r"“(.+?)”", message)
    position = line.find(quoted.group(1)) if quoted else -1
    return position + 1 if position >= 0 else 1


# --- rules: statistics typed into prose -----------------------------------------------


def check_typed_numbers(page: Page, book: FigureBook, settings: Settings) -> list[Diagnostic]:
    if not settings.units:
        return []
    units = "|".join(re.escape(u) for u in sorted(settings.units, key=len, reverse=True))
    # 第 before the digits makes an ordinal (第3名), a rank rather than a statistic
    pattern = re.compile(rf"(?<![\d.第]){_NUMBER}(?P<approx>余|多)?(?P<unit>{units})")
    allowed = re.compile("|".join(re.escape(a) for a in settings.allowed_in_prose) or "(?!)")
    found = []
    for number, line in enumerate(page.prose, start=1):
        for match in pattern.finditer(allowed.sub(_blank, line)):
            text = match.group(0)
            holder = _figure_with_value(book, match["value"], match["unit"])
            hint = (
                f'改用 {{{{ fig("{holder.name}") }}}}'
                if holder
                else "在 data/figures.yml 中添加数据项，再用 fig() 引用"
            )
            found.append(
                Diagnostic(page.path, number, match.start() + 1, "typed-number", f"正文直接写了统计数字 “{text}”", hint)
            )
    return found


_NUMBER = r"(?P<value>\d+(?:\.\d+)?)"


def _figure_with_value(book: FigureBook, value: str, unit: str):
    for figure in book.values():
        if figure.is_number and format_number(figure.value) == value and figure.unit == unit:
            return figure
    return None


# --- rules: terminology and typography -------------------------------------------------


def check_terms(page: Page, settings: Settings) -> list[tuple[Diagnostic, Fix]]:
    """Every wrong term, found in one pass over each line by one pattern of all terms."""
    by_wrong = {term["wrong"]: term for term in settings.terms}
    found = []
    for number, line in enumerate(page.masked, start=1):
        if not settings.term_pattern.search(line):
            continue
        for wrong, term in by_wrong.items():
            start = line.find(wrong)
            while start != -1:
                right = term["right"]
                if not (wrong in right and _inside(line, start, wrong, right)):  # 政村 inside 行政村 is right
                    reason = term.get("note") or ("分享网站的同义词替换" if term.get("kind") == "spun" else "规范用语")
                    diagnostic = Diagnostic(page.path, number, start + 1, "term", f"“{wrong}”应为“{right}”", reason)
                    found.append((diagnostic, Fix(number, start + 1, wrong, right)))
                start = line.find(wrong, start + 1)
    return found


def _inside(line: str, start: int, wrong: str, right: str) -> bool:
    offset = right.find(wrong)
    return line[start - offset : start - offset + len(right)] == right


_ASCII_PUNCTUATION = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！", "(": "（", ")": "）"}
_TYPOGRAPHY = [
    # (rule, pattern, message, repair); lookarounds keep the match to exactly what is wrong.
    # A repair of None means the full-width form of the ASCII mark.
    ("punctuation", re.compile(rf"(?<=[{_CJK}])[,;:?!]|[,;:?!](?=[{_CJK}])"), "中文里用了半角标点", None),
    ("punctuation", re.compile(rf"\((?=[{_CJK}])|(?<=[{_CJK}])\)"), "中文里用了半角括号", None),
    ("spacing", re.compile(rf"(?<=[{_CJK}]) +(?=\d)|(?<=\d) +(?=[{_CJK}])"), "汉字和数字之间不加空格", ""),
    ("percent", re.compile(r"(?<=\d)％"), "百分号用“%”", "%"),
    ("ellipsis", re.compile(r"\.{3,}|。{3,}|(?<!…)…(?!…)"), "省略号应为“……”", "……"),
    ("dash", re.compile(rf"(?<=[{_CJK}])(?:--+|—(?!—))(?=[{_CJK}])"), "破折号应为“——”", "——"),
]
_CHINESE_QUOTED = re.compile(rf"\"(?P<inner>[^\"\n]*[{_CJK}][^\"\n]*)\"")


def check_typography(page: Page) -> list[tuple[Diagnostic, Fix]]:
    found = []
    for number, line in enumerate(page.prose, start=1):
        for rule, pattern, message, repair in _TYPOGRAPHY:
            for match in pattern.finditer(line):
                bad, column = match.group(0), match.start() + 1
                right = _ASCII_PUNCTUATION[bad] if repair is None else repair
                hint = f"改为“{right}”" if right else "删去空格"
                found.append(
                    (Diagnostic(page.path, number, column, rule, message, hint), Fix(number, column, bad, right))
                )
        for match in _CHINESE_QUOTED.finditer(line):
            column = match.start() + 1
            fix = Fix(number, column, match.group(0), f"“{match['inner']}”")
            found.append((Diagnostic(page.path, number, column, "quotes", "中文里用了半角引号", "改为“”"), fix))
    return found


# --- rules: consistency between figures ------------------------------------------------


def check_relations(book: FigureBook, relations: list[dict]) -> list[Diagnostic]:
    found = []

    def value(name):
        figure = book.get(name)
        return figure.value if figure is not None and figure.is_number else None

    def report(name: str, message: str, why: str) -> None:
        figure = book.get(name)
        found.append(Diagnostic(book.path, figure.line if figure else 1, 3, "consistency", message, why))

    for relation in relations:
        why = relation.get("why", "")
        if "at_most" in relation:
            part, whole = relation["at_most"]["part"], relation["at_most"]["whole"]
            if None not in (value(part), value(whole)) and value(part) > value(whole):
                report(part, f"{part}（{value(part)}）大于 {whole}（{value(whole)}）", why)
        elif "quotient" in relation:
            spec = relation["quotient"]
            result, top, bottom = value(spec["result"]), value(spec["numerator"]), value(spec["denominator"])
            if None not in (result, top, bottom) and bottom:
                expected = top / bottom * spec.get("factor", 1)
                if abs(expected - result) > spec.get("tolerance", 0):
                    report(spec["result"], f"{spec['result']}（{result}）与计算值 {expected:.2f} 不符", why)
        elif "sum_at_most" in relation:
            spec = relation["sum_at_most"]
            values = [value(name) for name in spec["parts"]]
            if None not in values and sum(values) > spec["limit"]:
                report(spec["parts"][0], f"{'、'.join(spec['parts'])} 之和 {sum(values)} 超过 {spec['limit']}", why)
    return found


# --- rules: structure ------------------------------------------------------------------


STRUCTURE_RULES = ("link", "anchor", "image")  # what MkDocs' strict build refuses without a line


def page_anchors(page: Page) -> set[str]:
    _, headings = numbering.number_headings("\n".join(page.masked), numbering.Counters())
    return {h.id for h in headings}


def check_structure(pages: list[Page], nav_pages: list[str] | None, docs: Path) -> list[Diagnostic]:
    found = []
    by_uri = {page.uri: page for page in pages}
    anchors = {page.uri: page_anchors(page) for page in pages}
    for page in pages:
        if nav_pages is not None and page.uri not in nav_pages:
            found.append(
                Diagnostic(page.path, 1, 1, "nav", "页面不在 mkdocs.yml 的 nav 中", "加入 nav，读者才能按顺序看到")
            )
        lines = page.masked
        for number, line in enumerate(lines, start=1):
            for match in _LINK.finditer(line):
                found += _check_link(page, number, match, by_uri, anchors, docs)
            heading = re.match(r"^(#{1,6})\s+(.*)$", line)
            if heading and (typed := numbering.typed_number(heading.group(2).strip())):
                found.append(
                    Diagnostic(
                        page.path,
                        number,
                        len(heading.group(1)) + 2,
                        "typed-heading-number",
                        f"标题里写了编号 “{typed}”",
                        "编号自动生成，删去它",
                    )
                )
        found += _empty_sections(page, lines)
    return found


def _check_link(page: Page, number: int, match: re.Match, by_uri, anchors, docs: Path) -> list[Diagnostic]:
    target = match.group(2)
    if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", target) or target.startswith("<"):
        return []
    path, _, fragment = target.partition("#")
    resolved = resolve_path(page.uri, path) if path else page.uri
    column = match.start() + 1
    if match.group(1):  # an image
        if not (docs / resolved).is_file():
            return [Diagnostic(page.path, number, column, "image", f"图片 “{target}” 不存在", f"应在 docs/{resolved}")]
        return []
    if path and not path.endswith(".md"):
        return (
            []
            if (docs / resolved).exists()
            else [Diagnostic(page.path, number, column, "link", f"链接目标 “{target}” 不存在", "")]
        )
    if resolved not in by_uri:
        return [
            Diagnostic(
                page.path,
                number,
                column,
                "link",
                f"链接目标 “{path}” 不存在",
                "链接写成 docs/ 中页面的相对路径，如 jiben-qingkuang.md",
            )
        ]
    if fragment and fragment not in anchors[resolved]:
        suggestion = sorted(anchors[resolved], key=lambda a: -len(set(a) & set(fragment)))[:1]
        hint = f"是否想用：#{suggestion[0]}" if suggestion else ""
        return [Diagnostic(page.path, number, column, "anchor", f"“{resolved}” 中没有锚点 “#{fragment}”", hint)]
    return []


def _empty_sections(page: Page, lines: list[str]) -> list[Diagnostic]:
    found = []
    headings = [(i, len(m.group(1))) for i, line in enumerate(lines) if (m := re.match(r"^(#{1,6})\s", line))]
    for index, (line_index, level) in enumerate(headings):
        end = headings[index + 1][0] if index + 1 < len(headings) else len(lines)
        next_level = headings[index + 1][1] if index + 1 < len(headings) else 0
        has_text = any(line.strip() for line in lines[line_index + 1 : end])
        if not has_text and next_level <= level:
            found.append(
                Diagnostic(page.path, line_index + 1, 1, "empty-section", "这一节没有内容", "补写内容，或删去标题")
            )
    return found


# --- rules: length ----------------------------------------------------------------------


def reader_count(text: str) -> int:
    """Characters as a reviewer counts them: each Chinese character or full-width mark is one,
    each run of Latin letters or digits is one, spaces and Markdown syntax are none."""
    text = re.sub(r"^#{1,6}\s|\{[#.][^}]*\}|!?\[|\]\([^)]*\)|[*_`>|]", "", text, flags=re.M)
    return len(re.findall(rf"[{_CJK}\u3000-\u303f\uff00-\uffef“”‘’—…]|[A-Za-z0-9.%]+", text))


def check_length(page: Page, rendered: str) -> list[Diagnostic]:
    limit = page.meta.get("max_chars")
    if not limit:
        return []
    count = reader_count(_HTML.sub("", rendered))
    if count <= limit:
        return []
    return [
        Diagnostic(page.path, 1, 1, "length", f"正文 {count} 字，超过限定的 {limit} 字", f"删减 {count - limit} 字")
    ]


def render_page(page: Page, book: FigureBook, placed: Exhibits) -> str:
    """The page's text with figures and tables filled in, as the length rule counts it (charts count as none)."""
    environment = jinja2.Environment()
    environment.globals.update(
        fig=lambda name: book.get_figure(name).as_markdown(),
        missing=markers.missing,
        table=lambda name: table_markdown(placed.tables[name], book, placed.number(name)),
        chart=lambda name: "",
        ref=lambda name: placed.number(name),
    )
    body = "\n".join(page.lines[page.body_start :])
    return environment.from_string(body).render()


# --- running -----------------------------------------------------------------------------


def _settings_file(path: Path, empty):
    """A settings file of data/, or ``empty`` where the project has none (that rule then finds nothing)."""
    return (yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else None) or empty


def load_settings(project: Path) -> Settings:
    data = project / "data"
    check = _settings_file(data / "check.yml", {})
    terms_file = _settings_file(data / "terms.yml", {})
    terms = [{**t, "kind": kind} for kind in ("spun", "term") for t in terms_file.get(kind) or []]
    relations = _settings_file(data / "relations.yml", [])
    allowed = [str(a) for a in check.get("allowed_in_prose") or []]
    return Settings(check.get("units") or [], allowed, terms, relations)


def nav_pages(project: Path) -> list[str] | None:
    config = yaml.load((project / "mkdocs.yml").read_text(encoding="utf-8"), Loader=_AnyTagLoader)
    nav = config.get("nav")
    return None if nav is None else nav_paths(nav)


def check_project(project: Path) -> tuple[list[Diagnostic], dict[str, list[Fix]]]:
    """All diagnostics, sorted, and the repairs ``--fix`` may apply, by file."""
    docs = project / "docs"
    settings = load_settings(project)
    try:
        book = load_figures(project / "data" / "figures.yml")
    except FigureDataError as error:
        path = Path(error.path)
        shown = path.relative_to(project).as_posix() if path.is_absolute() else error.path
        return [Diagnostic(shown, error.line or 1, error.column or 1, "data", error.message, error.hint)], {}
    book.path = "data/figures.yml"
    try:
        placed = load_exhibits(project / "data" / "exhibits.yml", book)
    except KeyError as error:
        return [Diagnostic("data/exhibits.yml", 1, 1, "exhibits", str(error).strip("'\""))], {}
    pages = [read_page(docs, file, project) for file in sorted(docs.rglob("*.md"))]
    found = check_references(pages, book, placed) + check_relations(book, settings.relations)
    found += check_structure(pages, nav_pages(project), docs)
    fixes: dict[str, list[Fix]] = {}
    for page in pages:
        found += check_typed_numbers(page, book, settings)
        for diagnostic, fix in check_terms(page, settings) + check_typography(page):
            found.append(diagnostic)
            fixes.setdefault(page.path, []).append(fix)
        if page.meta.get("max_chars"):
            # a page that cannot render is reported by the reference rules already
            with contextlib.suppress(jinja2.TemplateError, KeyError):
                found += check_length(page, render_page(page, book, placed))
    return sorted(set(found)), fixes


def apply_fixes(project: Path, fixes: dict[str, list[Fix]]) -> int:
    """Apply each file's repairs from the end backwards, so earlier columns stay valid."""
    changed = 0
    for path, repairs in fixes.items():
        file = project / path
        lines = file.read_text(encoding="utf-8").split("\n")
        taken: dict[int, int] = {}  # line → leftmost column already rewritten
        for fix in sorted(set(repairs), reverse=True):
            start = fix.column - 1
            line = lines[fix.line - 1]
            if line[start : start + len(fix.old)] != fix.old or start + len(fix.old) > taken.get(
                fix.line, len(line) + 1
            ):
                continue  # overlaps a repair already made
            lines[fix.line - 1] = line[:start] + fix.new + line[start + len(fix.old) :]
            taken[fix.line] = start
        file.write_text("\n".join(lines), encoding="utf-8")
        changed += 1
    return changed


def run_checks(project: Path, fix: bool = False, out=sys.stdout) -> int:
    diagnostics, fixes = check_project(project)
    if fix and fixes:
        changed = apply_fixes(project, fixes)
        print(f"已修正 {changed} 个文件。", file=out)
        diagnostics, _ = check_project(project)
    for diagnostic in diagnostics:
        print(diagnostic, file=out)
    if diagnostics:
        print(f"{len(diagnostics)} 个问题。", file=out)
        return 1
    print("检查通过。", file=out)
    return 0
