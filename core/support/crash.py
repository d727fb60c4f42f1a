"""Crash files: what an unhandled exception (any thread) or a native crash leaves in `<data dir>/crash/`.

An exception's crash file is JSON: the time, the program and version, the platform, the exception's type, its
message only when it is a QaydError's and passes the scrubber, and the traceback as `file:line:function` lines, no
source and no local variables (core.support.scrub). A native crash (a segfault in Qt or a C library) cannot run
Python code, so `faulthandler` writes the stacks of every thread (file, line, function: no values) into
`native-<program>-<pid>.txt`, opened when the handlers are installed; an empty one is removed on a clean exit.
"""

from __future__ import annotations

import atexit
import faulthandler
import json
import os
import platform
import sys
import threading
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import IO, TYPE_CHECKING, Any

from core.files import private_dir, write_private
from core.support.logs import current_context
from core.support.scrub import exception_record

if TYPE_CHECKING:
    from core.config import Settings

_native: dict[str, Any] = {}  # the faulthandler file of this process, kept open until exit
_installed: dict[str, Any] = {}  # the crash folder and program the hooks write for


def crash_dir(settings: Settings) -> Path:
    return settings.data_dir / "crash"


def crash_report(exc: BaseException, program: str, *, thread: str | None = None) -> dict[str, Any]:
    """The crash file's content for `exc`: nothing in it comes from the data the program held."""
    from core import __version__

    context = current_context()
    return {
        "kind": "exception",
        "time": datetime.now(UTC).isoformat(timespec="seconds"),
        "program": program,
        "version": __version__,
        "python": platform.python_version(),
        "platform": platform.platform(terse=True),
        "thread": thread or threading.current_thread().name,
        "job": context.get("job"),
        "correlation_id": context.get("correlation_id"),
        "exception": exception_record(exc),
    }


def write_crash_file(folder: Path, exc: BaseException, program: str, *, thread: str | None = None) -> Path | None:
    """Write one crash file for `exc` (owner-only); its path, or None when the folder cannot be written."""
    report = crash_report(exc, program, thread=thread)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    try:
        private_dir(folder)
        return write_private(folder / f"crash-{program}-{stamp}-{os.getpid()}.json",
                             json.dumps(report, ensure_ascii=False, indent=2).encode("utf-8"))
    except OSError:
        return None


def install_crash_handlers(settings: Settings, program: str) -> Path | None:
    """faulthandler into `<data dir>/crash/native-<program>-<pid>.txt`, and sys.excepthook and threading.excepthook
    writing a crash file before the hooks already installed run (the desktop's dialog, the default printout).
    Returns the crash folder (None when it cannot be written)."""
    folder = crash_dir(settings)
    try:
        private_dir(folder)
        _enable_faulthandler(folder, program)
    except OSError:
        return None
    _installed.update(folder=folder, program=program)
    if not getattr(sys.excepthook, "qayd_crash_hook", False):  # once per hook: a second window updates the folder
        sys.excepthook = _wrap_sys_hook(sys.excepthook)
    if not getattr(threading.excepthook, "qayd_crash_hook", False):
        threading.excepthook = _wrap_thread_hook(threading.excepthook)
    return folder


def _wrap_sys_hook(previous: Any) -> Any:
    def sys_hook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if not issubclass(kind, KeyboardInterrupt):
            write_crash_file(_installed["folder"], exc.with_traceback(tb) if tb is not None else exc,
                             _installed["program"])
        previous(kind, exc, tb)

    sys_hook.qayd_crash_hook = True  # type: ignore[attr-defined]
    return sys_hook


def _wrap_thread_hook(previous: Any) -> Any:
    def thread_hook(args: threading.ExceptHookArgs) -> None:
        if args.exc_value is not None and not issubclass(args.exc_type, SystemExit):
            name = args.thread.name if args.thread is not None else None
            write_crash_file(_installed["folder"], args.exc_value, _installed["program"], thread=name)
        previous(args)

    thread_hook.qayd_crash_hook = True  # type: ignore[attr-defined]
    return thread_hook


def _enable_faulthandler(folder: Path, program: str) -> None:
    if _native.get("file") is not None and not _native["file"].closed:
        return  # once a process: the first file keeps the native stacks
    if faulthandler.is_enabled():
        return  # someone chose where already (PYTHONFAULTHANDLER, a test runner): theirs
    path = folder / f"native-{program}-{os.getpid()}.txt"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    handle: IO[str] = os.fdopen(fd, "w", encoding="utf-8")
    faulthandler.enable(handle, all_threads=True)
    _native.update(program=program, file=handle, path=path)
    atexit.register(_drop_empty_native_file)


def _drop_empty_native_file() -> None:
    """At a clean exit the native crash file is empty: nothing to keep."""
    handle, path = _native.get("file"), _native.get("path")
    if handle is None or path is None:
        return
    try:
        faulthandler.disable()
        handle.close()
        if path.exists() and path.stat().st_size == 0:
            path.unlink()
    except OSError:
        pass
