"""Files and folders readable by their owner only (0600 / 0700 on POSIX): the store, logs, backups and exports.

One mechanism, two layers. The entry points (`qayd`, `qayd-desktop`) run under `private_umask()`, so whatever the
process creates, SQLite's -wal and -shm files and a library's temporary files included, is private from birth.
The helpers below also set the mode explicitly, for callers that run without that umask (scripts using the core,
tests) and for files that already existed with a wider mode. On Windows, modes mean little; the calls are harmless.
"""

from __future__ import annotations

import contextlib
import errno
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

PRIVATE_UMASK = 0o077
FILE_MODE = 0o600
DIR_MODE = 0o700
_POSIX = os.name == "posix"


@contextmanager
def private_umask() -> Iterator[None]:
    """Run the body with umask 077 (new files 0600, new folders 0700); the previous umask comes back after."""
    previous = os.umask(PRIVATE_UMASK)
    try:
        yield
    finally:
        os.umask(previous)


def set_private_umask() -> None:
    """For a process's entry point that never gives the umask back (the desktop app)."""
    os.umask(PRIVATE_UMASK)


def private_dir(path: Path, *, own: bool = True) -> Path:
    """Create `path` and any missing parents as 0700 folders; `own`: also narrow it if it already existed.

    A folder the person chose for an export (`own=False`) keeps its mode when it exists: it is theirs.
    """
    missing = [p for p in (path, *path.parents) if not p.exists()]
    for folder in reversed(missing):
        folder.mkdir(mode=DIR_MODE, exist_ok=True)
        _chmod(folder, DIR_MODE)
    if own and path not in missing:
        _chmod(path, DIR_MODE)
    return path


def private_file(path: Path) -> Path:
    """Narrow an existing file to 0600 (a store, log or backup made by an older version, or by a library)."""
    if path.exists():
        _chmod(path, FILE_MODE)
    return path


def create_private(path: Path) -> Path:
    """Make sure `path` exists as a 0600 file before a library (SQLite, logging) opens it: it keeps that mode."""
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | getattr(os, "O_BINARY", 0), FILE_MODE)
        os.close(fd)
    return private_file(path)


def write_private(path: Path, data: bytes) -> Path:
    """Write `data` to `path` whole or not at all (a temporary file, then rename), the file 0600 from the start."""
    if not path.name or path.is_dir():
        raise IsADirectoryError(errno.EISDIR, "a folder, not a file name", str(path))
    # one partial file per writer: two threads writing one path must not share (and rename away) each other's
    partial = path.with_name(f".{path.name}.partial-{os.getpid()}-{threading.get_ident()}")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_BINARY", 0), FILE_MODE)
    try:
        with os.fdopen(fd, "wb") as fh:
            _chmod(partial, FILE_MODE)  # O_CREAT's mode does not narrow a leftover partial file
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(partial, path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return path


def private_tree(root: Path) -> Path:
    """Narrow a folder written by this process and everything in it (an export bundle) to 0700 / 0600."""
    _chmod(root, DIR_MODE)
    for folder, dirs, files in os.walk(root):
        for name in dirs:
            _chmod(Path(folder, name), DIR_MODE)
        for name in files:
            _chmod(Path(folder, name), FILE_MODE)
    return root


def _chmod(path: Path, mode: int) -> None:
    if not _POSIX:
        return
    with contextlib.suppress(PermissionError):  # another user's file: not ours to narrow, no reason to fail
        os.chmod(path, mode)
