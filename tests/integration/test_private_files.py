"""Issue 12 point 9: every file Qayd writes (store, WAL, head file, logs, backups, exports) is its owner's only.

The commands run through the real `qayd` entry point in a process whose umask is the common 022, so each file
would be world-readable (0644) unless Qayd makes it private itself.
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import stat
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from core.config import load_settings
from core.files import private_umask, write_private
from core.store import database
from tests.integration.conftest import Result

pytestmark = pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")


@pytest.fixture(autouse=True)
def usual_umask() -> Iterator[None]:
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def loose(root: Path) -> list[str]:
    """Every path under `root` (itself included) that its group or others may read, write or enter."""
    paths = [root, *root.rglob("*")]
    return [f"{oct(stat.S_IMODE(p.lstat().st_mode))} {p}" for p in paths if p.lstat().st_mode & 0o077]


def ok(result: Result) -> Result:
    assert result.exit_code == 0, result.output
    return result


def issued(run: Callable[..., Result], kind: str) -> str:
    rows = json.loads(ok(run("invoice", "list", "--json", "--limit", "50")).stdout)
    return next(r["number"] for r in rows if r["status"] == "issued" and r["kind"] == kind)


def test_every_file_a_command_writes_is_private(run: Callable[..., Result], env: dict[str, str],
                                                tmp_path: Path) -> None:
    env["QAYD_MASTER_KEY_SOURCE"] = "file"  # master.key in the data folder, checked with the rest
    ok(run("init", "--demo", "--drafts", "25"))
    data = Path(env["QAYD_DATA_DIR"])
    store = data / "companies" / "acme.sqlite"
    for name in (store, store.with_name("acme.audit-head.json"), data / "master.key"):
        assert name.exists(), name
    with sqlite3.connect(store) as held:  # a writer keeps the -wal and -shm files while it is open
        held.execute("CREATE TABLE probe (x)")
        assert [p.name for p in store.parent.glob("acme.sqlite-*")] != []
        assert loose(store.parent) == []  # SQLite gives them the store's own mode, whatever this umask says
        held.execute("DROP TABLE probe")
    exports = tmp_path / "exports"
    exports.mkdir(mode=0o700)
    simplified = issued(run, "simplified")
    ok(run("invoice", "export", simplified, "--xml", str(exports / "one.xml"), "--pdf", str(exports / "one.pdf")))
    ok(run("invoice", "print", "--from", "2000-01-01", "--to", "2100-12-31", "--dir", str(exports / "printed")))
    ok(run("report", "vat", "--period", "2026", "--out", str(exports / "vat.pdf")))
    ok(run("audit", "export", "--out", str(exports / "bundle")))
    customer = json.loads(ok(run("customer", "list", "--json")).stdout)[0]["id"]
    ok(run("gdpr", "access", f"customer:{customer}", "--out", str(exports / "dsar")))
    assert len(list(exports.rglob("*.pdf"))) >= 3 and (exports / "bundle" / "manifest.json").exists()
    assert list((exports / "dsar").rglob("manifest.json"))
    assert loose(data) == [] and loose(exports) == []


def test_an_older_install_is_narrowed_when_opened(run: Callable[..., Result], env: dict[str, str]) -> None:
    ok(run("init", "--demo", "--drafts", "2"))
    data = Path(env["QAYD_DATA_DIR"])
    store = data / "companies" / "acme.sqlite"
    for path in (data, store.parent):
        path.chmod(0o755)
    store.chmod(0o644)
    ok(run("customer", "add", "--name", "Later Co", "--kind", "individual"))
    assert loose(data) == []


def test_a_migration_backup_is_private(tmp_path: Path) -> None:
    store = tmp_path / "old.sqlite"
    database.open_database(store, create=True).dispose()
    copy = database.backup(store, "0001")
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600


def test_the_internal_error_log_is_private(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from core.cli import _log_file

    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    log_file = _log_file()
    assert log_file.is_relative_to(tmp_path) and loose(tmp_path / "state") == []


def test_the_desktop_log_is_private(tmp_path: Path, env: dict[str, str]) -> None:
    from desktop.app import setup_logging

    config = tmp_path / "config.toml"
    config.write_text("", "utf-8")
    path = setup_logging(load_settings(environ=env, config_file=config))
    assert path is not None
    logging.getLogger("qayd").warning("a line, so the file surely exists")
    assert loose(path.parent) == []
    from core.support import remove_logging

    remove_logging("qayd-desktop")


def test_sqlite_companions_follow_the_umask_of_a_real_process(tmp_path: Path) -> None:
    """A separate `qayd` process (its own umask from the entry point) creates the WAL and SHM files private."""
    env = dict(os.environ, QAYD_DATA_DIR=str(tmp_path / "data"), QAYD_COMPANY="acme",
               QAYD_MASTER_KEY_SOURCE="file", QAYD_CONFIG=str(tmp_path / "c.toml"))
    (tmp_path / "c.toml").write_text("", "utf-8")
    code = "import sys; from core.cli import main; sys.exit(main(sys.argv[1:]))"
    done = subprocess.run([sys.executable, "-c", code, "init", "--demo", "--drafts", "1"], env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert loose(tmp_path / "data") == []


def test_private_helpers(tmp_path: Path) -> None:
    target = write_private(tmp_path / "x.bin", b"secret")
    assert stat.S_IMODE(target.stat().st_mode) == 0o600 and target.read_bytes() == b"secret"
    assert [p.name for p in tmp_path.iterdir()] == ["x.bin"]  # no partial file left behind
    with private_umask():
        (tmp_path / "made").mkdir()
    assert stat.S_IMODE((tmp_path / "made").stat().st_mode) == 0o700
    assert os.umask(0o022) == 0o022  # the previous umask came back
