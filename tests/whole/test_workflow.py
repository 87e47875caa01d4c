"""The publishing workflow: valid for GitHub, actions pinned by commit, same commands as people use."""

import contextlib
import io
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import yaml

from conftest import ROOT

WORKFLOW = ROOT / ".github" / "workflows" / "publish.yml"


@dataclass
class Validation:
    returncode: int
    stdout: str


def validate(path: Path) -> Validation:
    """check-jsonschema's own command, run in this process (it starts in seconds, validates in milliseconds).

    The GitHub workflow schema ships inside check-jsonschema: no network needed."""
    from check_jsonschema import main

    said = io.StringIO()
    with contextlib.redirect_stdout(said), contextlib.redirect_stderr(said):
        try:
            main(["--builtin-schema", "vendor.github-workflows", str(path)])
            returncode = 0
        except SystemExit as exit:
            returncode = exit.code if isinstance(exit.code, int) else 1
    return Validation(returncode, said.getvalue())


def test_workflow_matches_github_schema():
    result = validate(WORKFLOW)
    assert result.returncode == 0, result.stdout


def test_schema_check_catches_a_broken_workflow(tmp_path):
    broken = tmp_path / "broken.yml"
    shutil.copy(WORKFLOW, broken)
    broken.write_text(broken.read_text(encoding="utf-8").replace("runs-on:", "run-on:"), encoding="utf-8")
    assert validate(broken).returncode != 0


def test_actions_are_pinned_by_commit():
    uses = re.findall(r"uses:\s*(\S+)", WORKFLOW.read_text(encoding="utf-8"))
    assert uses
    assert [u for u in uses if not re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}", u)] == []


def test_workflow_runs_the_commands_people_run_and_deploys_pages():
    workflow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    runs = [step.get("run", "") for step in workflow["jobs"]["build"]["steps"]]
    assert "make check" in runs and "make test" in runs
    deploy = workflow["jobs"]["deploy"]
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert any("deploy-pages" in step.get("uses", "") for step in deploy["steps"])
