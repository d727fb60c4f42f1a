"""Nothing personal and nothing secret reaches a log or a crash file (issue 16 point 2).

Personal data (a customer's name, e-mail, VAT number, phone) and secrets (an API key, a password) are planted into every
path that writes: log calls with them as arguments, f-strings with them inside, exceptions whose message holds them
(logged, and unhandled in a thread), a Qayd error quoting them, and a command that crashes; then every file under the
logs and crash folders is read and none of the planted values may be found."""

from __future__ import annotations

import json
import logging
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from core.config import Settings
from core.errors import NotFoundError
from core.invoicing import service
from core.support import configure_logging, crash_dir, install_crash_handlers, log_dir, remove_logging, write_crash_file
from tests.integration.conftest import Result

NAME = "Fatima Al-Harbi"
EMAIL = "fatima.alharbi@example.sa"
VAT = "310122393500003"
PHONE = "+966 50 123 4567"
API_KEY = "sk_live_51HqPlantedKeyZ9x8c7v6b5n4m3"
PASSWORD = "Hunter2-planted"
PLANTED = (NAME, EMAIL, VAT, PHONE, "501234567", API_KEY, PASSWORD, "fatima")


def everything_written(settings: Settings) -> dict[Path, str]:
    files = [p for folder in (log_dir(settings), crash_dir(settings)) if folder.is_dir()
             for p in folder.rglob("*") if p.is_file()]
    return {p: p.read_text("utf-8", errors="replace") for p in files}


def assert_nothing_planted(written: dict[Path, str]) -> None:
    found = [(path.name, value) for path, text in written.items() for value in PLANTED
             if value.lower() in text.lower()]
    assert found == []


@pytest.fixture
def logging_to(settings: Settings) -> Iterator[Path]:
    path = configure_logging(settings.model_copy(update={"log_level": "DEBUG"}), "qayd-test")
    assert path is not None
    yield path
    remove_logging("qayd-test")


def test_planted_values_reach_no_log_and_no_crash_file(
    settings: Settings, logging_to: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    log = logging.getLogger("core.invoicing.service")
    log.error("customer %s <%s> VAT %s phone %s key %s password %s", NAME, EMAIL, VAT, PHONE, API_KEY, PASSWORD,
              extra={"event": "invoicing.planted"})
    log.warning("customer %(name)s", {"name": NAME})
    log.warning(f"mail to {EMAIL}, phone {PHONE}, VAT {VAT}, api_key={API_KEY}, "
                f"central postgresql://qayd:{PASSWORD}@db.example.com/acme, Authorization: Bearer {API_KEY}")
    try:
        raise RuntimeError(f"state of {NAME} {EMAIL} {VAT} {PHONE} {API_KEY} {PASSWORD}")
    except RuntimeError:
        log.exception("submission broke")
    log.error("lookup refused", exc_info=NotFoundError(f"No single customer matches {NAME!r} ({EMAIL}, {PHONE})."))

    # unhandled, in a thread and on the main thread's hook: a crash file each (the hooks restored after the test)
    monkeypatch.setattr(sys, "excepthook", lambda *_a: None)
    monkeypatch.setattr(threading, "excepthook", lambda _args: None)
    install_crash_handlers(settings, "qayd-test")

    def worker() -> None:
        customer = {"name": NAME, "email": EMAIL, "password": PASSWORD}  # a local the crash file must not show
        raise ValueError(f"cannot post {customer}")

    thread = threading.Thread(target=worker, name="planted-worker")
    thread.start()
    thread.join()
    try:
        raise KeyError(EMAIL)
    except KeyError as exc:
        sys.excepthook(KeyError, exc, exc.__traceback__)
    write_crash_file(crash_dir(settings), ValueError(API_KEY), "qayd-test")

    for handler in logging.getLogger().handlers:
        handler.flush()
    written = everything_written(settings)
    crashes = [json.loads(text) for path, text in written.items() if path.suffix == ".json"]
    assert len(crashes) == 3 and {c["exception"]["type"] for c in crashes} == {"ValueError", "KeyError"}
    assert any(c["thread"] == "planted-worker" and c["exception"]["frames"][-1].endswith(":worker") for c in crashes)
    lines = [json.loads(line) for line in written[logging_to].splitlines()]
    assert [entry["event"] for entry in lines] == ["invoicing.planted", "invoicing.service.warning",
                                                   "invoicing.service.warning", "invoicing.service.error",
                                                   "invoicing.service.error"]
    assert lines[3]["exc"]["type"] == "RuntimeError" and lines[3]["exc"]["frames"]
    assert "No single customer matches [redacted]" in lines[4]["exc"]["message"]
    assert_nothing_planted(written)


def test_a_command_that_crashes_leaves_a_crash_file_and_a_log_line_without_the_data(
    run: Callable[..., Result], env: dict[str, str], monkeypatch: pytest.MonkeyPatch, settings: Settings
) -> None:
    assert run("init", "--demo", "--drafts", "0").exit_code == 0

    def crash(*_args: object, **_kwargs: object) -> None:
        logging.getLogger("core.invoicing").warning("looking up %s at %s", NAME, EMAIL)
        raise RuntimeError(f"{NAME} {EMAIL} {VAT} {PHONE} {API_KEY} {PASSWORD}")

    monkeypatch.setattr(service, "get_invoice", crash)
    result = run("invoice", "show", "INV-1")
    assert result.exit_code == 70 and all(value not in result.output for value in PLANTED)
    crash_file = Path(result.stderr.split("the details are in ")[1].split(". Please")[0])
    assert crash_file.parent == crash_dir(settings) and crash_file.suffix == ".json"
    report = json.loads(crash_file.read_text("utf-8"))
    assert report["program"] == "qayd" and report["job"] == "invoice" and report["correlation_id"]
    assert report["exception"]["type"] == "RuntimeError"
    assert report["exception"]["frames"][-1].endswith(":crash")
    written = everything_written(settings)
    log_lines = [json.loads(line) for line in written[log_dir(settings) / "qayd.log"].splitlines()]
    assert [e["event"] for e in log_lines][-2:] == ["invoicing.warning", "cli.internal_error"]
    assert {e["correlation_id"] for e in log_lines[-2:]} == {report["correlation_id"]}
    assert_nothing_planted(written)
