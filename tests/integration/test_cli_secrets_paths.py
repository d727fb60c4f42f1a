"""`qayd secrets` where a person slips: two sources at once, a Windows line ending, a secret that no longer opens,
a delete answered "no", the log of a name that never was."""

from __future__ import annotations

import io
import json
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from core.bootstrap import open_company
from core.cli import secrets as secrets_cmds
from core.config import load_settings
from tests.integration.conftest import Result

Run = Callable[..., Result]
VALUE = "sk_live_PATHS_5512"


@pytest.fixture
def company(run: Run) -> Run:
    assert run("init", "--demo", "--drafts", "1").exit_code == 0
    return run


def _names(run: Run) -> set[str]:
    return {s["name"] for s in json.loads(run("secrets", "list", "--json").stdout)["secrets"]}


def _value(env: dict[str, str], tmp_path: Path, name: str) -> bytes:
    config = tmp_path / "config.toml"
    ctx = open_company(load_settings(environ=env, config_file=config))
    try:
        with ctx.uow(write=False) as uow:
            return uow.secrets.get(name)
    finally:
        ctx.close()


def test_two_sources_at_once_are_refused_and_nothing_is_saved(
    company: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "key.txt"
    source.write_text(VALUE, "utf-8")
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(b"other\n")))
    result = company("secrets", "set", "stripe/api-key", "--from-file", str(source), "--stdin")
    assert result.exit_code == 2 and "Give the value with --from-file or --stdin, not both." in result.stderr
    assert "stripe/api-key" not in _names(company)


def test_a_windows_line_ending_is_not_part_of_the_value_unless_raw(
    company: Run, tmp_path: Path, env: dict[str, str]
) -> None:
    source = tmp_path / "key.txt"
    source.write_bytes(f"{VALUE}\r\n".encode())
    assert company("secrets", "set", "mail/token", "--from-file", str(source)).exit_code == 0
    assert company("secrets", "set", "mail/raw", "--from-file", str(source), "--raw").exit_code == 0
    assert _value(env, tmp_path, "mail/token") == VALUE.encode()
    assert _value(env, tmp_path, "mail/raw") == f"{VALUE}\r\n".encode()


def test_set_in_json_tells_the_name_and_key_version_never_the_value(
    company: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(f"{VALUE}\n".encode())))
    result = company("secrets", "set", "stripe/api-key", "--stdin", "--json")
    assert result.exit_code == 0, result.output
    saved = json.loads(result.stdout)
    assert saved["name"] == "stripe/api-key" and saved["key_version"] == 1 and VALUE not in result.output


def test_check_names_a_secret_that_no_longer_opens_and_exits_1(
    company: Run, tmp_path: Path, env: dict[str, str]
) -> None:
    source = tmp_path / "key.txt"
    source.write_text(VALUE, "utf-8")
    assert company("secrets", "set", "stripe/api-key", "--from-file", str(source)).exit_code == 0
    healthy = company("secrets", "check")
    assert healthy.exit_code == 0 and "Every secret opens with its key." in healthy.stdout
    store = Path(env["QAYD_DATA_DIR"]) / "companies" / f"{env['QAYD_COMPANY']}.sqlite"
    with sqlite3.connect(store) as conn:  # one flipped byte in the sealed value, as a bad disk or a meddler would
        (sealed,) = conn.execute("SELECT sealed FROM secret WHERE name = 'stripe/api-key'").fetchone()
        conn.execute("UPDATE secret SET sealed = ? WHERE name = 'stripe/api-key'",
                     (sealed[:-1] + bytes([sealed[-1] ^ 1]),))
    broken = company("secrets", "check")
    assert broken.exit_code == 1 and "Every secret opens" not in broken.stdout
    assert any(line.startswith("  stripe/api-key: ") for line in broken.stdout.splitlines())
    assert VALUE not in broken.output and "Traceback" not in broken.output


def test_a_delete_answered_no_keeps_the_secret(company: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source = tmp_path / "key.txt"
    source.write_text(VALUE, "utf-8")
    assert company("secrets", "set", "stripe/api-key", "--from-file", str(source)).exit_code == 0
    monkeypatch.setattr(secrets_cmds, "_interactive", lambda: True)
    monkeypatch.setattr("sys.stdin", io.StringIO("n\n"))
    refused = company("secrets", "delete", "stripe/api-key")
    assert refused.exit_code == 130 and "Aborted." in refused.stderr
    assert "stripe/api-key" in _names(company)
    monkeypatch.setattr("sys.stdin", io.StringIO("y\n"))
    assert company("secrets", "delete", "stripe/api-key").exit_code == 0
    assert "stripe/api-key" not in _names(company)


def test_the_log_of_a_name_that_never_existed_says_so_and_where_to_look(company: Run) -> None:
    result = company("secrets", "log", "never/used")
    assert result.exit_code == 5 and "Traceback" not in result.output
    assert "There is no secret named 'never/used', and none ever was. `qayd secrets list`" in result.stderr
