"""Putting a finished build in place: all of it, or nothing.

A build is written to a scratch folder beside ``site/``. Only when it is
complete are the DOCX (and the preview) copied into ``dist/`` under temporary
names, then ``site/`` is swapped and the files renamed into place: if any step
before the swap fails, the old ``site/`` and ``dist/`` stay as they were.

Each scratch folder has a lock file held for as long as its build runs, so the
next build can tell a folder of a live build from one a killed build left.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from shenbao.errors import ShenbaoError

SCRATCH_PREFIXES = (".site-", ".preview-")
UNLOCKED_GRACE_SECONDS = 60  # a folder whose lock is not there yet may be a build that is just starting


class OutputError(ShenbaoError):
    """An output folder cannot be written; the message names it."""


def _old(target: Path) -> Path:
    return target.with_name(f".{target.name}.old")


def _lock_of(scratch: Path) -> Path:
    return scratch.with_name(scratch.name + ".lock")


def recover_dir(target: Path) -> None:
    """Put back the folder a build killed between two renames had set aside."""
    if not target.exists() and _old(target).exists():
        _old(target).rename(target)


def remove_dead_scratch(where: Path) -> None:
    """Remove the scratch folders of builds that are no longer running."""
    for prefix in SCRATCH_PREFIXES:
        for scratch in where.glob(f"{prefix}*"):
            if not scratch.is_dir():
                continue
            lock_path = _lock_of(scratch)
            if not lock_path.exists():
                if time.time() - scratch.stat().st_mtime > UNLOCKED_GRACE_SECONDS:
                    shutil.rmtree(scratch, ignore_errors=True)
                continue
            from filelock import FileLock, Timeout  # only where a build writes: `check` never loads it

            try:
                with FileLock(lock_path, timeout=0):
                    shutil.rmtree(scratch, ignore_errors=True)
            except Timeout:
                continue  # a build is writing there right now
            with contextlib.suppress(OSError):
                lock_path.unlink()


@contextlib.contextmanager
def scratch_dir(where: Path, prefix: str = ".site-") -> Iterator[Path]:
    """A fresh folder for one build, locked while it runs and removed afterwards."""
    remove_dead_scratch(where)
    try:
        scratch = Path(tempfile.mkdtemp(prefix=prefix, dir=where))
    except OSError as error:
        raise OutputError(f"{where}: 不能写入（{error.strerror}）", "检查文件夹权限和磁盘空间") from None
    from filelock import FileLock

    lock = FileLock(_lock_of(scratch))
    try:
        with lock:
            yield scratch
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
        with contextlib.suppress(OSError):
            _lock_of(scratch).unlink()


def readable_by_all(folder: Path) -> None:
    """Give a finished folder the permissions a new folder gets (mkdtemp's are owner-only).

    A web server running as another user must be able to serve ``site/``.
    """
    umask = os.umask(0o022)
    os.umask(umask)
    folder.chmod(0o777 & ~umask)


def replace_dir(new: Path, target: Path) -> None:
    """Put a finished folder where the old one was, removing the old one last.

    A folder cannot be swapped in one step: if the build is killed between the
    two renames, ``recover_dir`` puts the old one back on the next run.
    """
    old = _old(target)
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        target.rename(old)
    new.rename(target)
    shutil.rmtree(old, ignore_errors=True)


def _staged(target: Path) -> Path:
    return target.with_name(f".{target.name}.part")


def stage_file(source: Path, target: Path) -> Path:
    """Copy a finished file next to its place under a temporary name; the caller renames it."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        staged = _staged(target)
        shutil.copyfile(source, staged)
    except OSError as error:
        raise OutputError(
            f"{target.parent}: 不能写入（{error.strerror}）；site/ 和 {target.parent.name}/ 都保持上次构建的内容",
            "检查文件夹权限和磁盘空间，文件是否在 Word 中打开",
        ) from None
    return staged


def publish(site: Path, site_target: Path, files: dict[Path, Path], folders: dict[Path, Path] | None = None) -> None:
    """Make a finished build the current one: ``files`` maps a built file to its place (in ``dist/``),
    ``folders`` a finished folder (made beside its place) to that place.

    Everything that can fail for want of space or permission happens before the
    first old output is touched.
    """
    staged: list[tuple[Path, Path]] = []
    try:
        for source, target in files.items():
            staged.append((stage_file(source, target), target))
        readable_by_all(site)
        try:
            replace_dir(site, site_target)
        except OSError as error:
            raise OutputError(
                f"{site_target}: 不能替换（{error.strerror}）；site/ 和 dist/ 都保持上次构建的内容",
                "关闭正在使用 site/ 的程序，检查文件夹权限",
            ) from None
        for part, target in staged:
            os.replace(part, target)
        staged.clear()
        for folder, target in (folders or {}).items():
            readable_by_all(folder)
            replace_dir(folder, target)
    finally:
        for part, _target in staged:
            part.unlink(missing_ok=True)
