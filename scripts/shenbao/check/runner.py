"""``make check``: load the project once, run the selected rules, print one line per problem.

Only this module reads files, prints, and, with ``--fix``, writes repairs back;
the rules themselves are functions of the loaded project.
"""

from __future__ import annotations

import fnmatch
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from shenbao.check.context import Context
from shenbao.check.page import Page
from shenbao.check.registry import BY_ID, ERROR, RULES, SAFE, Diagnostic, Fix, Rule
from shenbao.check.rule import PAGE
from shenbao.check.settings import ALL, CheckSettings, load_check_settings
from shenbao.project.project import Project, ProjectError
from shenbao.text import textfile
from shenbao.text.textfile import write_atomically

STRUCTURE_RULES = ("link", "anchor", "image", "nav")  # what MkDocs' strict build refuses without a line


@dataclass
class Result:
    diagnostics: list[Diagnostic]
    fixes: dict[str, list[tuple[Fix, str]]] = field(default_factory=dict)  # path → (repair, SAFE or UNSAFE)

    @property
    def errors(self) -> int:
        return sum(1 for d in self.diagnostics if d.severity == ERROR)


def selected_rules(settings: CheckSettings, select: Iterable[str] = (), ignore: Iterable[str] = ()) -> list[Rule]:
    """The rules to run: the command line's choice over check.yml's, minus what either ignores."""
    chosen = list(select) or settings.select
    ignored = {*settings.ignore, *ignore}
    return [r for r in RULES if (not chosen or r.id in chosen) and r.id not in ignored]


def file_ignores(settings: CheckSettings, path: str) -> set[str]:
    """Rules check.yml's per_file_ignores switches off for a file (patterns as in a shell: docs/fujian-*.md)."""
    return {rid for pattern, ids in settings.per_file_ignores.items() if fnmatch.fnmatch(path, pattern) for rid in ids}


def load_error(error: ProjectError) -> Diagnostic:
    """A loading error as a diagnostic of the data rule, at the place the error names."""
    return Diagnostic(error.path or "mkdocs.yml", error.line or 1, error.column or 1, "data", error.message, error.hint)


def read_pages(project: Project) -> tuple[list[Page], list[Diagnostic]]:
    """The pages, and a located problem for each one that is too big or not UTF-8 text."""
    pages, problems = [], []
    for uri in project.page_paths():
        shown = project.shown(project.docs_dir / uri)
        try:
            pages.append(Page(shown, uri, textfile.read_text(project.docs_dir / uri, textfile.MAX_PAGE_BYTES, shown)))
        except textfile.TextFileError as error:  # the same words the build uses: encoding found, how to fix
            problems.append(Diagnostic(shown, error.line or 1, 1, "data", error.message, error.hint))
    return pages, problems


def check_project(root: Path, select: Iterable[str] = (), ignore: Iterable[str] = ()) -> Result:
    """Every diagnostic of the project, sorted, and the repairs the fixable rules offer."""
    try:
        project = Project.load(root / "mkdocs.yml")
    except ProjectError as error:
        return Result([load_error(error)])
    settings, problems = load_check_settings(project.data_dir, project.shown(project.data_dir), BY_ID, project.root)
    if problems:
        return Result(sorted(Diagnostic(p.path, p.line, p.column, "settings", p.message, p.hint) for p in problems))
    pages, unreadable = read_pages(project)
    context = Context(project, pages, settings)
    result = Result(unreadable)
    for rule in selected_rules(settings, select, ignore):
        run_rule(rule, context, result)
    result.diagnostics = sorted(set(result.diagnostics))
    return result


def run_rule(rule: Rule, context: Context, result: Result) -> None:
    """Run one rule, stamping each finding with the rule's id and dropping what the writer switched off."""
    targets = [(page, (page, context)) for page in context.pages] if rule.scope == PAGE else [(None, (context,))]
    for page, arguments in targets:
        for finding in rule.check(*arguments):
            path = finding.path or (page.path if page else "")
            if rule.id in file_ignores(context.settings, path):
                continue
            if page is not None and finding.path is None and {rule.id, ALL} & page.ignored.get(finding.line, set()):
                continue
            result.diagnostics.append(
                Diagnostic(path, finding.line, finding.column, rule.id, finding.message, finding.hint, rule.severity)
            )
            if finding.fix is not None and rule.fix:
                result.fixes.setdefault(path, []).append((finding.fix, rule.fix))


def apply_fixes(root: Path, fixes: dict[str, list[Fix]]) -> int:
    """Apply each file's repairs from the end backwards, so earlier columns stay valid."""
    changed = 0
    for path, repairs in fixes.items():
        file = root / path
        lines = file.read_text(encoding="utf-8-sig").split("\n")
        taken: dict[int, int] = {}  # line → leftmost column already rewritten
        for fix in sorted(set(repairs), reverse=True):
            start = fix.column - 1
            line = lines[fix.line - 1]
            end = start + len(fix.old)
            if line[start:end] != fix.old or end > taken.get(fix.line, len(line) + 1):
                continue  # overlaps a repair already made
            lines[fix.line - 1] = line[:start] + fix.new + line[end:]
            taken[fix.line] = start
        write_atomically(file, "\n".join(lines))
        changed += 1
    return changed


def repairs(result: Result, unsafe: bool) -> dict[str, list[Fix]]:
    """The repairs to make: safe ones always, unsafe ones only when asked for."""
    chosen = {path: [fix for fix, kind in found if kind == SAFE or unsafe] for path, found in result.fixes.items()}
    return {path: found for path, found in chosen.items() if found}


def run_checks(
    root: Path,
    fix: bool = False,
    unsafe_fixes: bool = False,
    select: Iterable[str] = (),
    ignore: Iterable[str] = (),
    out=None,
) -> int:
    out = out or sys.stdout  # looked up now: a caller may have redirected it since import
    result = check_project(root, select, ignore)
    chosen = repairs(result, unsafe_fixes) if fix else {}
    if chosen:
        print(f"已修正 {apply_fixes(root, chosen)} 个文件。", file=out)
        result = check_project(root, select, ignore)
    for diagnostic in result.diagnostics:
        print(diagnostic, file=out)
    warnings = len(result.diagnostics) - result.errors
    if result.errors:
        extra = f"（另有 {warnings} 个警告）" if warnings else ""
        print(f"{result.errors} 个问题{extra}。", file=out)
        return 1
    print(f"检查通过（{warnings} 个警告）。" if warnings else "检查通过。", file=out)
    return 0
