"""The central commands through the real `qayd` entry point: init the schema, add logins, connect two installs,
sync, look at status and conflicts, resolve one, verify the central chains."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from core.cli import main
from tests.support.pg import PgDatabase, PgServer


def make_runner(tmp_path: Path, name: str, monkeypatch: pytest.MonkeyPatch,
                capsys: pytest.CaptureFixture[str]) -> Callable[..., tuple[int, str]]:
    config = tmp_path / f"{name}.toml"
    config.write_text("", "utf-8")
    data = tmp_path / name

    def run(*args: str, stdin: str = "") -> tuple[int, str]:
        monkeypatch.setenv("QAYD_DATA_DIR", str(data))
        monkeypatch.setenv("QAYD_COMPANY", "acme")
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
        capsys.readouterr()
        code = main(["--config", str(config), *args])
        out, err = capsys.readouterr()
        return code, out + err

    return run


def test_central_commands_end_to_end(pg_server: PgServer, pg_db: PgDatabase, tmp_path: Path,
                                     monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    a = make_runner(tmp_path, "a", monkeypatch, capsys)
    b = make_runner(tmp_path, "b", monkeypatch, capsys)
    assert a("init", "--demo")[0] == 0
    assert b("init", "--demo")[0] == 0
    owner = f"postgresql://{pg_server.superuser}@localhost:{pg_server.port}/{pg_db.name}?sslmode=verify-full" \
            f"&sslrootcert={pg_server.ca_file}"
    monkeypatch.setenv("PGPASSWORD", pg_server.password)  # libpq's own variable: never on the command line
    code, out = a("central", "init", owner)
    assert code == 0 and "revision c0002" in out, out
    assert a("central", "user", owner, "alice_cli", "--level", "admin", "--name", "Alice",
             stdin="alice-secret-password\n")[0] == 0
    assert a("central", "user", owner, "bob_cli", "--level", "compliance", stdin="bob-secret-password\n")[0] == 0
    code, out = a("central", "user", owner, "eve_cli", stdin="short\n")
    assert code == 3 and "too short" in out
    monkeypatch.delenv("PGPASSWORD")

    address = f"postgresql://localhost:{pg_server.port}/{pg_db.name}?sslrootcert={pg_server.ca_file}"
    code, out = a("central", "connect", address, "--user", "alice_cli", stdin="alice-secret-password\n")
    assert code == 0 and "registered" in out, out
    assert b("central", "connect", address, "--user", "bob_cli", stdin="wrong-password-given\n")[0] == 4
    code, out = b("central", "connect", address, "--user", "bob_cli", stdin="bob-secret-password\n")
    assert code == 0, out
    code, out = a("central", "status")
    assert code == 0 and "TLS: yes" in out and "alice-secret-password" not in out

    code, out = a("sync")
    assert code == 0 and "Pushed" in out, out
    code, out = b("sync", "--json")
    assert code == 0
    result = json.loads(out)
    # Both demo companies number DEMO-…: the clashing drafts are kept as conflicts. In one process both demo
    # profiles have one id, so each desk's profile is the other's edit of the same row: kept as a conflict too.
    assert result["applied"] > 0 and result["refused"] > 0 and "invoice" in result["entities"]
    code, out = b("sync", "conflicts", "--json")
    conflicts = json.loads(out)
    assert code == 0 and conflicts
    assert all(c["kind"] == "refused" for c in conflicts if c["entity"] != "company")
    assert [c["kind"] for c in conflicts if c["entity"] == "company"] == ["edit"]
    code, out = b("sync", "status")
    assert code == 0 and "Open conflicts: " in out and "Pending changes: 0" in out

    code, out = b("audit", "verify", "--central")  # compliance may read every device's chain
    assert code == 0 and out.count("is intact") == 2, out
    code, out = a("audit", "verify", "--central")  # admin too
    assert code == 0
    code, out = a("sync", "resolve", "999")
    assert code == 5 and "no open conflict" in out
    code, out = a("sync", "watch", "--for", "1", "--interval", "0.3")  # syncs, listens, stops when its time is up
    assert code == 0 and " pushed 0, pulled " in out, out
