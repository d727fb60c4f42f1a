"""What no command caught: a bug is one line naming a private log (never a traceback or the data it held), Ctrl-C
and a busy store are the person's to retry, and an unusable path is input to correct (exit 2, not 70)."""

from __future__ import annotations

import json
import sqlite3
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from core.invoicing import service
from tests.integration.conftest import Result

SECRET_LOOKING = "Fatima 1012345678 fatima@example.sa"


@pytest.fixture
def demo(run: Callable[..., Result]) -> Callable[..., Result]:
    assert run("init", "--demo", "--drafts", "21").exit_code == 0
    return run


def _first_issued(run: Callable[..., Result]) -> str:
    return str(json.loads(run("invoice", "list", "--status", "issued", "--json").stdout)[0]["number"])


def _raise(exc: BaseException) -> Callable[..., Any]:
    def fail(*_args: Any, **_kwargs: Any) -> Any:
        raise exc

    return fail


def test_a_bug_is_one_line_naming_a_private_crash_file_that_holds_the_traceback(
    demo: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    number = _first_issued(demo)
    monkeypatch.setattr(service, "get_invoice", _raise(RuntimeError(f"unexpected state for {SECRET_LOOKING}")))
    result = demo("invoice", "show", number)
    assert result.exit_code == 70 and result.stdout == ""
    assert "Traceback" not in result.output and SECRET_LOOKING not in result.output  # the person's data stays put
    assert "Qayd hit an internal error; the details are in" in result.stderr and "Please report it." in result.stderr
    crash = Path(result.stderr.split("the details are in ")[1].split(". Please")[0])
    assert crash.parent.name == "crash" and crash.suffix == ".json"  # core.support's crash file, in the data folder
    report = json.loads(crash.read_text("utf-8"))
    assert report["exception"]["type"] == "RuntimeError" and report["exception"]["frames"][-1].endswith(":fail")
    assert SECRET_LOOKING.split()[1] not in crash.read_text("utf-8")  # the frames, never the data the error held
    assert stat.S_IMODE(crash.stat().st_mode) == 0o600


def test_ctrl_c_stops_with_130_and_a_word_not_a_traceback(
    demo: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    number = _first_issued(demo)
    monkeypatch.setattr(service, "get_invoice", _raise(KeyboardInterrupt()))
    result = demo("invoice", "show", number)
    # click turns the interrupt into its Abort inside the command: one word, the conventional exit status of SIGINT
    assert result.exit_code == 130 and result.stderr.strip() == "Aborted."


def test_a_lock_met_outside_a_write_transaction_is_busy_not_a_crash(
    demo: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    number = _first_issued(demo)
    monkeypatch.setattr(service, "get_invoice", _raise(sqlite3.OperationalError("database is locked")))
    result = demo("invoice", "show", number)
    assert result.exit_code not in (0, 70) and "Traceback" not in result.output
    assert "is busy: another Qayd process is writing to it" in result.stderr
    assert "Try again in a moment" in result.stderr and "internal error" not in result.output


def test_an_unusable_output_path_is_input_to_correct(demo: Callable[..., Result], tmp_path: Path) -> None:
    number = _first_issued(demo)
    a_file = tmp_path / "notes.txt"
    a_file.write_text("not a folder", "utf-8")
    result = demo("invoice", "export", number, "--xml", str(a_file / "doc.xml"))
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output and "internal error" not in result.output
    assert str(a_file) in result.stderr and "Choose another path, or check its permissions." in result.stderr
    assert a_file.read_text("utf-8") == "not a folder"  # nothing written over what was there
