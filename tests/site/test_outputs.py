"""Outputs all-or-nothing, scratch folders of killed builds, and permissions a web server can read."""

import os
import stat
import sys

import pytest

from conftest import make_project, run_cli
from shenbao.site import outputs


def snapshot(folder):
    return {p.relative_to(folder): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_when_dist_cannot_be_written_site_and_dist_both_stay_as_they_were(tmp_path):
    project = make_project(tmp_path, "complete")
    assert run_cli(project, "build").returncode == 0
    site_before = snapshot(project / "site")
    docx = next((project / "dist").glob("*.docx"))
    docx_before = docx.read_bytes()
    # root writes anywhere, so an unwritable dist/ is made the way a full disk or a stray file makes it:
    # the DOCX's place is taken by a folder, and the copy cannot go there
    figures = project / "data" / "figures.yml"
    figures.write_text(figures.read_text(encoding="utf-8").replace("value: 1271}", "value: 1272}"), "utf-8")
    staged = project / "dist" / f".{docx.name}.part"
    staged.mkdir()
    result = run_cli(project, "build")
    assert result.returncode == 1
    assert "dist: 不能写入" in result.stderr and "site/ 和 dist/ 都保持上次构建的内容" in result.stderr
    assert "Traceback" not in result.output
    assert snapshot(project / "site") == site_before
    assert docx.read_bytes() == docx_before
    assert not list(project.glob(".site-*")), "the scratch folder is removed"


def test_scratch_folders_of_dead_builds_are_removed_and_live_ones_kept(tmp_path):
    from filelock import FileLock

    dead = tmp_path / ".site-dead"
    dead.mkdir()
    (tmp_path / ".site-dead.lock").write_text("", encoding="utf-8")
    live = tmp_path / ".site-live"
    live.mkdir()
    with FileLock(tmp_path / ".site-live.lock"):
        outputs.remove_dead_scratch(tmp_path)
        assert live.exists(), "a build holding its lock is still writing there"
    assert not dead.exists()


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")
def test_the_site_is_readable_by_a_web_server_running_as_another_user(tmp_path):
    project = make_project(tmp_path, "complete")
    assert run_cli(project, "build").returncode == 0
    mode = stat.S_IMODE(os.stat(project / "site").st_mode)
    assert mode & 0o005 == 0o005, oct(mode)


@pytest.mark.parametrize("target", ["/etc/hostname", "../../outside.png"])
def test_an_image_outside_docs_stops_the_build_at_its_line(tmp_path, target):
    project = make_project(tmp_path, "complete")
    (tmp_path / "outside.png").write_bytes((project / "docs" / "img" / "dot.png").read_bytes())
    page = project / "docs" / "a-basics.md"
    page.write_text(page.read_text(encoding="utf-8") + f"\n![外部图片]({target})\n", encoding="utf-8")
    lines = page.read_text(encoding="utf-8").count("\n")
    result = run_cli(project, "build")
    assert result.returncode == 1
    assert f"docs/a-basics.md:{lines}:1: image:" in result.stderr
    assert "Traceback" not in result.output


def test_when_the_site_cannot_be_swapped_after_dist_is_staged_dist_stays_as_it_was(tmp_path, monkeypatch):
    site_target, dist = tmp_path / "site", tmp_path / "dist"
    site_target.mkdir()
    (site_target / "index.html").write_text("旧网站", "utf-8")
    dist.mkdir()
    (dist / "a.docx").write_bytes(b"old docx")
    new_site = tmp_path / ".site-new"
    new_site.mkdir()
    (new_site / "index.html").write_text("新网站", "utf-8")
    built = tmp_path / "built.docx"
    built.write_bytes(b"new docx")

    def refuse(new, target):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(outputs, "replace_dir", refuse)
    with pytest.raises(outputs.OutputError, match="site/ 和 dist/ 都保持上次构建的内容"):
        outputs.publish(new_site, site_target, {built: dist / "a.docx"})
    assert (dist / "a.docx").read_bytes() == b"old docx"
    assert sorted(p.name for p in dist.iterdir()) == ["a.docx"], "no staged part is left behind"
    assert (site_target / "index.html").read_text("utf-8") == "旧网站"
