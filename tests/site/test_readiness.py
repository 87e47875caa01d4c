"""One truth for “ready”: the checklist, check and final agree."""

from __future__ import annotations

import os

import pytest

from conftest import make_project, run_cli

ERROR_LINE = "工作持续推进..."  # ellipsis: an error of check, nothing open


@pytest.mark.render  # a final build: LibreOffice gives the 目录 its page numbers
def test_one_check_error_and_nothing_open_is_not_ready(tmp_path):
    project = make_project(tmp_path, "complete")
    page = project / "docs" / "b-work.md"
    page.write_text(page.read_text(encoding="utf-8") + f"\n{ERROR_LINE}\n", encoding="utf-8")
    line = page.read_text(encoding="utf-8").splitlines().index(ERROR_LINE) + 1

    built = run_cli(project, "build")
    assert built.returncode == 0, built.output
    review = (project / "site" / "review.html").read_text(encoding="utf-8")
    assert "可以生成终稿" not in review
    assert "尚不能生成终稿" in review and "1 个检查错误" in review
    assert "<strong>0</strong> 项数据待填" in review
    assert f'<a href="b-work.html">docs/b-work.md:{line}</a>：ellipsis: 省略号应为“……”' in review

    drafts = sorted(p.name for p in (project / "dist").iterdir())
    final = run_cli(project, "final")
    assert final.returncode == 1
    assert sorted(p.name for p in (project / "dist").iterdir()) == drafts  # no final file written
    assert f"docs/b-work.md:{line}: ellipsis: 省略号应为“……”" in final.stderr
    assert "--allow-check-errors" in final.stderr

    allowed = run_cli(project, "final", "--allow-check-errors")
    assert allowed.returncode == 0, allowed.output


@pytest.mark.render  # a final build: LibreOffice gives the 目录 its page numbers
def test_ready_only_when_final_would_succeed(tmp_path):
    project = make_project(tmp_path, "complete")
    built = run_cli(project, "build")
    assert built.returncode == 0, built.output
    review = (project / "site" / "review.html").read_text(encoding="utf-8")
    assert "已全部完成，可以生成终稿" in review and "shenbao check 没有发现问题" in review
    assert run_cli(project, "final").returncode == 0


def test_open_values_and_warnings_are_counted(tmp_path):
    project = make_project(tmp_path, "draft")
    built = run_cli(project, "build")
    assert built.returncode == 0, built.output
    review = (project / "site" / "review.html").read_text(encoding="utf-8")
    assert "尚不能生成终稿</strong>：3 项数据待填、1 处原文缺失。" in review
    assert "检查报告 <strong>0</strong> 个错误" in review


def test_the_build_runs_the_checks_in_a_process_of_their_own_with_the_same_answer(tmp_path, monkeypatch):
    from shenbao import cli
    from shenbao.site import readiness

    project = make_project(tmp_path, "complete")
    page = project / "docs" / "b-work.md"
    page.write_text(page.read_text(encoding="utf-8") + f"\n{ERROR_LINE}\n", encoding="utf-8")
    monkeypatch.setattr(readiness, "_checks", cli._run_checks)
    pending = readiness.PendingChecks(project)
    assert pending._started().process.pid != os.getpid()
    status = pending.status()
    assert status == readiness.check_status(project) and len(status.errors) == 1
    pending.cancel()  # after it is done: nothing to end, nothing raised
    monkeypatch.setattr(readiness, "_checks", None)
    assert readiness.PendingChecks(project).status() is readiness.NOT_RUN
