"""The DOCX export in its own process: its errors come back in its own words, ending it ends pandoc too."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from shenbao.docx import export
from shenbao.docx.job import DocxJob
from shenbao.docx.layout import DEFAULT
from shenbao.project.plugin_options import Mode
from shenbao.site import export_job


def test_an_error_in_the_export_process_arrives_as_its_chinese_message(tmp_path):
    docx_job = DocxJob(Mode.DRAFT, DEFAULT, tmp_path)
    # a folder where the file should go: pandoc cannot write it
    job = export_job.ExportJob(export.run_pandoc, markdown="正文", output=tmp_path, job=docx_job)
    with pytest.raises(export_job.ExportFailed, match="pandoc 转换失败。pandoc 的原话："):
        job.wait()
    assert not job.process.is_alive()


def test_a_successful_export_reports_nothing(tmp_path):
    job = export_job.ExportJob(subprocess.run, args=["true"], check=True)
    job.wait()
    job.wait()  # asked again, the same outcome
    assert job.done()


def test_cancelling_ends_the_export_with_every_program_it_started(tmp_path):
    partial = tmp_path / ".x.docx.part"
    partial.write_bytes(b"half")
    job = export_job.ExportJob(subprocess.run, partial=partial, args=["sleep", "60"])
    deadline = time.time() + 30
    while time.time() < deadline:  # the export leads its own group once it runs
        try:
            if os.getpgid(job.process.pid) == job.process.pid:
                break
        except ProcessLookupError:
            pass
        time.sleep(0.05)
    time.sleep(0.3)  # "sleep" started inside the group
    job.cancel()
    assert not job.process.is_alive() and not partial.exists()
    deadline = time.time() + 10  # the killed "sleep" is reaped by whoever adopts it, soon
    with pytest.raises(ProcessLookupError):
        while time.time() < deadline:
            os.killpg(job.process.pid, 0)  # nothing of that group is left: pandoc would not be either
            time.sleep(0.1)


# Run in a fresh interpreter: a fork server started by an earlier test would make this pass regardless.
_SERVER_AT_CONFIG = """
import mkdocs.config
from multiprocessing import forkserver
from shenbao import cli
from shenbao.project.plugin_options import Mode

def load_config(*args, **kwargs):
    print("server running:", forkserver._forkserver._forkserver_pid is not None)
    raise SystemExit(0)

mkdocs.config.load_config = load_config
cli.build(Mode.DRAFT, "mkdocs.yml")
"""


def test_a_build_starts_the_fork_server_before_mkdocs_loads_its_config(tmp_path):
    # its imports then overlap with MkDocs loading: the first check or export need not wait for them
    (tmp_path / "mkdocs.yml").write_text("site_name: 样例\n", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-c", _SERVER_AT_CONFIG], cwd=tmp_path, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert "server running: True" in result.stdout
