"""Every rule on its own fixture: a project where it must report (bad/), one where it must not (good/).

tests/fixtures/rules/_project is a small clean project; each rule's folder
overlays it with the files of its case. What the rule reports on bad/ is kept
in expected.txt, what --fix makes of the page in fixed.md (--update-golden
rewrites both from the current output, to be reviewed in the diff).
"""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest

from conftest import FIXTURES
from shenbao.check.registry import BY_ID, DOC_SECTIONS, RULES
from shenbao.check.runner import check_project, run_checks

RULE_FIXTURES = FIXTURES / "rules"
FIXABLE = [r.id for r in RULES if r.fix]


def rule_project(where: Path, rule_id: str, case: str) -> Path:
    project = where / f"{rule_id}-{case}"
    shutil.copytree(RULE_FIXTURES / "_project", project)
    shutil.copytree(RULE_FIXTURES / rule_id / case, project, dirs_exist_ok=True)
    return project


def reported(project: Path, rule_id: str) -> list[str]:
    return [str(d) for d in check_project(project, select=[rule_id]).diagnostics]


def snapshot(path: Path, actual: str, update: bool) -> None:
    if update:
        path.write_text(actual, encoding="utf-8")
    assert actual == path.read_text(encoding="utf-8")


def test_every_rule_has_its_fixtures():
    assert sorted(p.name for p in RULE_FIXTURES.iterdir() if p.name != "_project") == sorted(BY_ID)


def test_the_base_project_is_clean(tmp_path):
    project = tmp_path / "base"
    shutil.copytree(RULE_FIXTURES / "_project", project)
    assert [str(d) for d in check_project(project).diagnostics] == []


@pytest.mark.parametrize("rule_id", list(BY_ID))
def test_rule_reports_its_bad_case(tmp_path, rule_id, update_golden):
    found = reported(rule_project(tmp_path, rule_id, "bad"), rule_id)
    assert found, f"{rule_id} found nothing in its bad case"
    assert {line.split(": ")[1] for line in found} == {rule_id}
    snapshot(RULE_FIXTURES / rule_id / "expected.txt", "\n".join(found) + "\n", update_golden)


@pytest.mark.parametrize("rule_id", list(BY_ID))
def test_rule_is_silent_on_its_good_case(tmp_path, rule_id):
    assert reported(rule_project(tmp_path, rule_id, "good"), rule_id) == []


@pytest.mark.parametrize("rule_id", FIXABLE)
def test_fix_repairs_what_the_rule_found(tmp_path, rule_id, update_golden):
    project = rule_project(tmp_path, rule_id, "bad")
    run_checks(project, fix=True, unsafe_fixes=True, select=[rule_id], out=io.StringIO())
    fixed = (project / "docs" / "page.md").read_text(encoding="utf-8")
    snapshot(RULE_FIXTURES / rule_id / "fixed.md", fixed, update_golden)
    if BY_ID[rule_id].fix == "safe":
        assert reported(project, rule_id) == []


def test_unsafe_fixes_wait_to_be_asked_for(tmp_path):
    project = rule_project(tmp_path, "typed-number", "bad")
    page = project / "docs" / "page.md"
    before = page.read_text(encoding="utf-8")
    run_checks(project, fix=True, select=["typed-number"], out=io.StringIO())
    assert page.read_text(encoding="utf-8") == before


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_every_rule_is_documented_in_the_fixed_shape(rule):
    positions = [rule.doc.find(f"{section}：") for section in DOC_SECTIONS]
    assert all(p >= 0 for p in positions) and positions == sorted(positions), rule.doc
    assert rule.summary and "\n" not in rule.summary


def test_rule_ids_are_unique():
    assert len(BY_ID) == len(RULES)
