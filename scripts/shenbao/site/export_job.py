"""The DOCX export in a process of its own, beside MkDocs writing the site.

A thread would share the interpreter lock with MkDocs: the export's Python work
(source anchors, lxml typesetting, title segmentation) would then take turns
with the site's instead of running on the second core. The assembled document
pickles, so a process gets it whole.

Processes are forked from a fork server started once (``start_server``) with
the export's modules already imported, so each export starts in milliseconds
and never forks MkDocs' own threads (the ``serve`` live-reload server). Each
export leads a process group of its own: superseding it under ``serve`` ends
pandoc and LibreOffice with it, so an old pandoc can never write over the
scratch file of the export that replaced it.
"""

from __future__ import annotations

import contextlib
import importlib.machinery
import multiprocessing
import os
import signal
import sys
import types
from multiprocessing.connection import Connection
from pathlib import Path

from shenbao.errors import ShenbaoError, os_error_message

# imported in the fork server before any export forks from it
PRELOAD = ["shenbao.docx.export", "shenbao.docx.reference", "shenbao.docx.images"]
_context = multiprocessing.get_context("forkserver")


class ExportFailed(ShenbaoError):
    """The export ended with an error; the message is the export's own (in Chinese)."""


@contextlib.contextmanager
def _main_left_alone():
    """Keep multiprocessing from running the host's main script again in the export process.

    It does so to find functions defined there; ours are all in this package,
    and whatever runs MkDocs (``mkdocs``, a script, a test runner) must not start twice.
    A main module named ``__main__`` is the one multiprocessing leaves alone.
    """
    main = sys.modules["__main__"]
    stand_in = types.ModuleType("__main__")
    stand_in.__spec__ = importlib.machinery.ModuleSpec("__main__", None)
    sys.modules["__main__"] = stand_in
    try:
        yield
    finally:
        sys.modules["__main__"] = main


def preload(*modules: str) -> None:
    """More modules for the fork server to import once, for what the processes it forks will run.

    Only a server not yet started takes them; a process that needs one it lacks imports it itself.
    """
    PRELOAD.extend(module for module in modules if module not in PRELOAD)


def start_server() -> None:
    """Start the fork server now, so its imports overlap with MkDocs reading the pages."""
    multiprocessing.set_forkserver_preload(PRELOAD)
    from multiprocessing import forkserver

    with _main_left_alone():
        forkserver.ensure_running()


def _run(connection: Connection, function, kwargs: dict) -> None:
    """In the export process: run it and send back (None, its result) or (the error's message, None)."""
    os.setpgid(0, 0)  # a group of our own: ending the export ends pandoc with it
    try:
        result = function(**kwargs)
    except OSError as error:  # a full disk while writing the DOCX: said in the writer's words
        connection.send((os_error_message(error, Path(error.filename).name if error.filename else ""), None))
    except BaseException as error:  # noqa: BLE001 — whatever it was, the parent reports it
        connection.send((str(error) or type(error).__name__, None))
    else:
        try:
            connection.send((None, result))
        except Exception as error:  # noqa: BLE001 — a result that does not pickle is this module's fault
            connection.send((f"结果无法传回：{error}", None))
    finally:
        connection.close()


class ExportJob:
    """One export running in its own process; ``wait`` gives its outcome, ``cancel`` ends it."""

    def __init__(self, function, partial: Path | None = None, **kwargs):
        self.partial = partial  # the scratch file a cancelled export leaves behind
        reader, writer = _context.Pipe(duplex=False)
        self._reader = reader
        self.process = _context.Process(target=_run, args=(writer, function, kwargs), daemon=True)
        with _main_left_alone():
            self.process.start()
        writer.close()  # only the child writes: if it dies, reading ends instead of waiting for ever
        self._outcome: tuple[str | None, object] | None = None  # (error message or None, result)

    def wait(self):
        """Block until the export is done and give its function's result; raise ``ExportFailed`` if it failed."""
        if self._outcome is None:
            try:
                message, result = self._reader.recv()
            except (EOFError, OSError):
                self.process.join()
                message, result = f"导出进程意外结束（退出码 {self.process.exitcode}）", None
            self.process.join()
            with contextlib.suppress(OSError):  # cancel() may have closed it from another thread meanwhile
                self._reader.close()
            self._outcome = (message, result)
        message, result = self._outcome
        if message is not None:
            raise ExportFailed(message)
        return result

    def done(self) -> bool:
        return self._outcome is not None or not self.process.is_alive()

    def cancel(self) -> None:
        """End the export and everything it started; it leaves no file behind."""
        if self.process.is_alive():
            try:
                os.killpg(self.process.pid, signal.SIGKILL)  # the group: pandoc, LibreOffice too
            except (ProcessLookupError, PermissionError):  # not yet leading its group
                self.process.kill()
            self.process.join()
        with contextlib.suppress(OSError):
            self._reader.close()
        if self.partial is not None:
            for left in (self.partial, self.partial.with_name(self.partial.name + ".props")):
                left.unlink(missing_ok=True)
        self._outcome = self._outcome or (None, None)
