"""`qayd secrets …` end to end, in-process through the real entry point, on real SQLite files."""

from __future__ import annotations

import io
import json
import sqlite3
from collections.abc import Callable
from pathlib import Path

import click
import keyring
import pytest
from keyring.backends.fail import Keyring as NoKeyring

from core.bootstrap import open_company
from core.cli import secrets as secrets_cli
from core.config import load_settings
from tests.integration.conftest import Result

Run = Callable[..., Result]
VALUE = "sk_live_CLI_TOPSECRET_7781"


def db_file(env: dict[str, str]) -> Path:
    return Path(env["QAYD_DATA_DIR"]) / "companies" / f"{env['QAYD_COMPANY']}.sqlite"


def feed_stdin(monkeypatch: pytest.MonkeyPatch, data: bytes) -> None:
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(data)))


@pytest.fixture
def company(run: Run) -> Run:
    assert run("init", "--demo", "--drafts", "1").exit_code == 0
    return run


def listing(run: Run) -> dict[str, dict[str, object]]:
    result = run("secrets", "list", "--json")
    assert result.exit_code == 0, result.output
    return {s["name"]: s for s in json.loads(result.stdout)["secrets"]}


def test_set_from_stdin_list_rotate_check_delete(company: Run, env: dict[str, str],
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    run = company
    feed_stdin(monkeypatch, f"{VALUE}\n".encode())
    result = run("secrets", "set", "stripe/api-key", "--stdin")
    assert result.exit_code == 0, result.output
    assert "saved (key version 1)" in result.stdout and VALUE not in result.output

    secrets = listing(run)
    assert secrets["stripe/api-key"]["key_version"] == 1 and secrets["stripe/api-key"]["managed_by"] == ""
    assert "signing key" in str(secrets["device/signing-key"]["managed_by"])
    text = run("secrets", "list")
    assert "stripe/api-key" in text.stdout and "Current key version: 1" in text.stdout and VALUE not in text.stdout

    rotated = run("secrets", "rotate", "--json")
    assert rotated.exit_code == 0, rotated.output
    assert json.loads(rotated.stdout) == {"key_version": 2, "destroyed": [1], "secrets": len(secrets)}
    assert {s["key_version"] for s in listing(run).values()} == {2}
    assert "destroyed: 1" in run("secrets", "list").stdout

    check = run("secrets", "check", "--json")
    assert check.exit_code == 0 and json.loads(check.stdout)["by_key_version"] == {"2": len(secrets)}

    refused = run("secrets", "delete", "stripe/api-key")  # not a terminal and no --yes: nothing deleted
    assert refused.exit_code == 2 and "--yes" in refused.output
    deleted = run("secrets", "delete", "stripe/api-key", "--yes")
    assert deleted.exit_code == 0 and "stripe/api-key" not in listing(run)
    assert run("secrets", "delete", "stripe/api-key", "--yes").exit_code == 5  # not found

    log = run("secrets", "log", "stripe/api-key", "--json")
    assert [e["action"] for e in json.loads(log.stdout)] == ["secret.deleted", "secret.rotated", "secret.set"]
    assert run("audit", "verify").exit_code == 0
    with sqlite3.connect(db_file(env)) as conn:
        bodies = " ".join(b for (b,) in conn.execute("SELECT body FROM audit_entry"))
    assert VALUE not in bodies


def test_values_from_a_file_and_from_the_hidden_prompt(company: Run, tmp_path: Path, env: dict[str, str],
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    run = company
    key_file = tmp_path / "smtp.txt"
    key_file.write_bytes(b"Pa55-from-file\n")
    assert run("secrets", "set", "smtp/password", "--from-file", str(key_file)).exit_code == 0
    assert run("secrets", "set", "smtp/raw", "--from-file", str(key_file), "--raw").exit_code == 0

    asked: list[tuple[str, bool]] = []

    def prompt(text: str, **kw: object) -> str:
        asked.append((text, bool(kw.get("hide_input"))))
        return "typed-and-hidden"

    monkeypatch.setattr(secrets_cli, "_interactive", lambda: True)
    monkeypatch.setattr(click, "prompt", prompt)
    assert run("secrets", "set", "mail/token").exit_code == 0
    assert asked == [("Value (not shown)", True)]

    ctx = open_company(load_settings(environ=env, config_file=tmp_path / "config.toml"))
    try:
        with ctx.uow(write=False) as uow:
            assert uow.secrets.get("smtp/password") == b"Pa55-from-file"  # one trailing newline dropped
            assert uow.secrets.get("smtp/raw") == b"Pa55-from-file\n"
            assert uow.secrets.get("mail/token") == b"typed-and-hidden"
    finally:
        ctx.close()


def test_no_value_on_the_command_line_and_bad_input(company: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    run = company
    no_value = run("secrets", "set", "stripe/api-key")  # not a terminal, no --stdin/--from-file
    assert no_value.exit_code == 2 and "--stdin" in no_value.output
    extra = run("secrets", "set", "stripe/api-key", VALUE)  # a value as an argument is refused by the parser
    assert extra.exit_code == 2
    feed_stdin(monkeypatch, b"x")
    bad_name = run("secrets", "set", "bad name", "--stdin")
    assert bad_name.exit_code == 2 and "QAYD-SECRET-NAME" in bad_name.output
    feed_stdin(monkeypatch, b"x")
    managed = run("secrets", "set", "device/signing-key", "--stdin")
    assert managed.exit_code == 7 and "manages itself" in managed.output
    feed_stdin(monkeypatch, b"\n")
    empty = run("secrets", "set", "empty/one", "--stdin")
    assert empty.exit_code == 2 and "empty" in empty.output
    assert "empty/one" not in listing(run)


def test_log_lists_uses_and_key_rotations(company: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    run = company
    feed_stdin(monkeypatch, b"v1")
    run("secrets", "set", "a/one", "--stdin")
    run("secrets", "rotate")
    everything = run("secrets", "log")
    assert everything.exit_code == 0
    assert "secret.key_rotated" in everything.stdout and "(key versions)" in everything.stdout
    assert "a/one" in everything.stdout and "destroyed=[1]" in everything.stdout
    assert run("secrets", "log", "never/was").exit_code == 5


def test_without_a_keyring_the_error_says_what_to_do(company: Run) -> None:
    keyring.set_keyring(NoKeyring())
    result = company("secrets", "list")
    assert result.exit_code == 7
    assert "No OS keyring" in result.stderr and "QAYD_MASTER_KEY_SOURCE=file" in result.stderr
    assert "Traceback" not in result.output
