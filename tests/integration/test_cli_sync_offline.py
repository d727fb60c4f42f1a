"""`qayd sync` and `qayd central` on a desk that has never been connected: each says so plainly and changes nothing."""

from __future__ import annotations

import io
import json
from collections.abc import Callable

import pytest

from core.cli import central as sync_cmds  # where `central connect` reads the password
from tests.integration.conftest import Result

Run = Callable[..., Result]


@pytest.fixture
def desk(run: Run) -> Run:
    assert run("init", "--demo", "--drafts", "1").exit_code == 0
    return run


def _not_connected(run: Run) -> None:
    status = run("sync", "status", "--json")
    assert status.exit_code == 0 and json.loads(status.stdout)["configured"] is False


def test_status_of_a_desk_never_connected_says_how_to_connect(desk: Run) -> None:
    text = desk("sync", "status")
    assert text.exit_code == 0
    assert text.stdout.strip() == "Not connected to a central database (`qayd central connect`)."
    _not_connected(desk)


def test_no_conflicts_is_said_in_words_and_an_empty_list_in_json(desk: Run) -> None:
    assert desk("sync", "conflicts").stdout.strip() == "No open conflicts."
    assert json.loads(desk("sync", "conflicts", "--json").stdout) == []


def test_resolve_with_a_field_missing_its_side_shows_the_form(desk: Run) -> None:
    result = desk("sync", "resolve", "1", "--field", "name")
    assert result.exit_code == 2 and "--field 'name': write NAME=local or NAME=remote." in result.stderr


def test_resolve_of_a_conflict_that_does_not_exist_is_an_error_not_a_crash(desk: Run) -> None:
    result = desk("sync", "resolve", "42", "--field", "name=local")
    assert result.exit_code not in (0, 2, 70) and "Traceback" not in result.output
    assert "There is no open conflict 42. `qayd sync conflicts` lists them." in result.stderr
    assert "resolved" not in result.stdout


def test_connect_without_a_password_on_standard_input_saves_nothing(
    desk: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("\n"))
    result = desk("central", "connect", "postgresql://central.example/qayd", "--user", "clerk")
    assert result.exit_code == 2 and "No password was given on standard input." in result.stderr
    _not_connected(desk)


def test_on_a_terminal_the_password_is_asked_for_without_echo(monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[tuple[str, object]] = []

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    def prompt(text: str, **options: object) -> str:
        asked.append((text, options.get("hide_input")))
        return "typed"

    monkeypatch.setattr("sys.stdin", Terminal())
    monkeypatch.setattr(sync_cmds.click, "prompt", prompt)
    assert sync_cmds._secret_input("Central password") == "typed"
    assert asked == [("Central password", True)]


def test_watch_on_a_desk_never_connected_says_so_at_once(desk: Run) -> None:
    result = desk("sync", "watch", "--for", "5", "--interval", "0.1")
    assert result.exit_code not in (0, 70) and "Traceback" not in result.output
    assert "This install has no central database. Connect it with `qayd central connect URL" in result.stderr
