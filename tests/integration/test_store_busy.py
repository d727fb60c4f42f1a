"""Issue 12 point 5: a write waiting on another process's lock says so, then fails "busy" (exit 12), never 70."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from core.errors import StoreBusyError
from tests.integration.conftest import Result

EXIT_BUSY = 12


@contextmanager
def lock_held(store: Path, seconds: float = 60) -> Iterator[subprocess.Popen[str]]:
    """Another process (plain sqlite3, as a second Qayd would) holding the store's write lock."""
    code = ("import sqlite3, sys, time; c = sqlite3.connect(sys.argv[1], isolation_level=None); "
            "c.execute('BEGIN IMMEDIATE'); c.execute('PRAGMA user_version'); print('held', flush=True); "
            "time.sleep(float(sys.argv[2]))")
    holder = subprocess.Popen([sys.executable, "-c", code, str(store), str(seconds)], stdout=subprocess.PIPE,
                              text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        yield holder
    finally:
        holder.kill()
        holder.wait(timeout=10)
        if holder.stdout is not None:
            holder.stdout.close()


def customers(store: Path) -> int:
    with sqlite3.connect(store) as conn:
        return int(conn.execute("SELECT count(*) FROM customer").fetchone()[0])


def test_a_write_blocked_by_another_process_waits_then_says_busy(run: Callable[..., Result],
                                                                 env: dict[str, str]) -> None:
    assert run("init", "--demo", "--drafts", "1").exit_code == 0
    store = Path(env["QAYD_DATA_DIR"]) / "companies" / "acme.sqlite"
    before = customers(store)
    env["QAYD_STORE_BUSY_TIMEOUT"] = "2"
    with lock_held(store):
        started = time.monotonic()
        result = run("customer", "add", "--name", "Waiting Co", "--kind", "individual")
        waited = time.monotonic() - started
    assert result.exit_code == EXIT_BUSY, result.output
    assert "Waiting for another Qayd process" in result.stderr
    assert "busy" in result.stderr and "Try again" in result.stderr and "Traceback" not in result.output
    assert 2 <= waited < 10
    assert customers(store) == before  # nothing half-written
    again = run("customer", "add", "--name", "Waiting Co", "--kind", "individual")
    assert again.exit_code == 0, again.output
    assert customers(store) == before + 1


def test_a_write_goes_through_once_the_other_process_lets_go(run: Callable[..., Result],
                                                             env: dict[str, str]) -> None:
    assert run("init", "--demo", "--drafts", "1").exit_code == 0
    store = Path(env["QAYD_DATA_DIR"]) / "companies" / "acme.sqlite"
    env["QAYD_STORE_BUSY_TIMEOUT"] = "20"
    with lock_held(store, seconds=2.5):
        result = run("customer", "add", "--name", "Patient Co", "--kind", "individual")
    assert result.exit_code == 0, result.output
    assert "Waiting for another Qayd process" in result.stderr


def test_busy_has_its_own_exit_code() -> None:
    assert StoreBusyError("busy").exit_code == EXIT_BUSY
    assert EXIT_BUSY not in {2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 70}


def test_a_bad_timeout_setting_is_a_configuration_error(run: Callable[..., Result], env: dict[str, str]) -> None:
    env["QAYD_STORE_BUSY_TIMEOUT"] = "0"
    result = run("company", "show")
    assert result.exit_code == 3 and "QAYD_STORE_BUSY_TIMEOUT" in result.output


def test_the_core_api_takes_its_own_notice_and_timeout(tmp_path: Path) -> None:
    """What the desktop or a script gets: the notice goes where they say, once; then StoreBusyError."""
    from sqlalchemy import text

    from core.store.busy import BusyPolicy
    from core.store.database import open_database

    store = tmp_path / "busy.sqlite"
    notices: list[str] = []
    db = open_database(store, create=True, busy=BusyPolicy(timeout=1.5, notice_after=0.5, notice=notices.append))
    try:
        with lock_held(store):
            started = time.monotonic()
            with pytest.raises(StoreBusyError) as busy, db.writer() as session, session.begin():
                session.execute(text("SELECT 1"))
            assert 1.4 <= time.monotonic() - started < 5
        assert len(notices) == 1 and "busy.sqlite" in notices[0]
        assert busy.value.exit_code == EXIT_BUSY and "Try again" in str(busy.value)
        with db.writer() as session, session.begin():  # the lock is free again: the same engine writes
            session.execute(text("CREATE TABLE after_busy (x)"))
    finally:
        db.dispose()
