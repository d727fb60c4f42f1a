"""Waiting for another process's write lock: a notice after a moment, then StoreBusyError (exit 12), never a crash."""

from __future__ import annotations

import sqlite3
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.exc import OperationalError

from core.errors import StoreBusyError

# SQLite's own answer when the lock stays taken: "database is locked" (SQLITE_BUSY) or "database table is locked".
_BUSY_TEXTS = ("database is locked", "database table is locked", "database is busy")
DEFAULT_BUSY_MS = 10_000  # the connection's busy_timeout outside BEGIN IMMEDIATE (see database._on_connect)


def _stderr_notice(message: str) -> None:
    sys.stderr.write(message + "\n")
    sys.stderr.flush()


@dataclass(frozen=True)
class BusyPolicy:
    """How a writer waits: silently for `notice_after` seconds, then with a notice, up to `timeout` in all."""

    timeout: float = 15.0
    notice_after: float = 1.0
    notice: Callable[[str], None] = field(default=_stderr_notice, compare=False)


def is_busy(exc: BaseException) -> bool:
    """Whether `exc` (or the driver error it wraps) is SQLite saying another connection holds the lock."""
    inner = exc.orig if isinstance(exc, OperationalError) else exc
    return isinstance(inner, sqlite3.OperationalError) and any(t in str(inner).lower() for t in _BUSY_TEXTS)


def busy_error(name: str, waited: float | None = None) -> StoreBusyError:
    after = f", and it was still writing after {waited:g} s" if waited is not None else ""
    return StoreBusyError(
        f"The company's store ({name}) is busy: another Qayd process is writing to it{after}.",
        fix="Try again in a moment; if it stays busy, close the other Qayd window or command "
        "(or raise store.busy_timeout, env QAYD_STORE_BUSY_TIMEOUT).",
    )


def _attempt(conn: Any, wait_ms: int) -> bool:
    """One BEGIN IMMEDIATE, SQLite itself waiting up to `wait_ms` for the lock; False when it stayed taken."""
    conn.exec_driver_sql(f"PRAGMA busy_timeout={max(wait_ms, 0)}")
    try:
        conn.exec_driver_sql("BEGIN IMMEDIATE")
        return True
    except OperationalError as exc:
        if not is_busy(exc):
            raise
        return False
    finally:
        conn.exec_driver_sql(f"PRAGMA busy_timeout={DEFAULT_BUSY_MS}")


def begin_immediate(conn: Any, policy: BusyPolicy, name: str) -> None:
    """Take the write lock; tell the person when it takes a while; StoreBusyError after `policy.timeout`."""
    first = min(policy.notice_after, policy.timeout)
    if _attempt(conn, int(first * 1000)):
        return
    policy.notice(f"Waiting for another Qayd process to finish writing to {name} "
                  f"(up to {policy.timeout:g} s)…")
    if _attempt(conn, int((policy.timeout - first) * 1000)):
        return
    raise busy_error(name, policy.timeout)
