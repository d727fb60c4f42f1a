"""The desktop's side of support: jobs log under their name and a correlation id, a job failing with personal data and
secrets in hand leaves none of them in the log, and Help ▸ Create support bundle… writes the bundle in a job."""

from __future__ import annotations

import json
import logging
import sys
import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox
from pytestqt.qtbot import QtBot

from core.config import Settings
from core.errors import NotFoundError
from core.support import remove_logging
from core.uow import Context
from desktop import app as desktop_app
from desktop.errors import present_error
from desktop.jobs import Job, SyncPool
from desktop.session import AppSession
from desktop.shell import MainWindow
from tests.conftest import StepClock
from tests.integration.test_support_planted import API_KEY, EMAIL, NAME, PASSWORD, PHONE, PLANTED, VAT


@pytest.fixture
def desktop_log(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # setup_logging installs the crash hooks: restored after
    monkeypatch.setattr(threading, "excepthook", threading.excepthook)
    path = desktop_app.setup_logging(settings.model_copy(update={"log_level": "DEBUG"}))
    assert path == settings.data_dir / "logs" / desktop_app.LOG_NAME
    yield path
    remove_logging(desktop_app.PROGRAM)


@pytest.fixture
def window(qtbot: QtBot, settings: Settings, clock: StepClock, ctx: Context) -> MainWindow:
    main = MainWindow(AppSession(settings, clock=clock, pool=SyncPool(), ctx=ctx))
    qtbot.addWidget(main)
    return main


def test_a_job_failing_with_personal_data_logs_its_name_and_id_but_none_of_the_data(
    qtbot: QtBot, desktop_log: Path, qapp: QApplication
) -> None:
    def work(_progress: Any, _cancelled: Any) -> None:
        logging.getLogger("qayd.desktop").info("sending to %s at %s, VAT %s, phone %s", NAME, EMAIL, VAT, PHONE)
        raise RuntimeError(f"{NAME} {EMAIL} {VAT} {PHONE} {API_KEY} {PASSWORD}")

    boxes: list[QMessageBox] = []
    for fn in (work, _raise_qayd_error):
        job = Job(fn, "send-invoice")
        job.signals.failed.connect(lambda exc: boxes.append(present_error(None, exc)))
        SyncPool().start(job)
    for box in boxes:
        qtbot.addWidget(box)
    for handler in logging.getLogger().handlers:
        handler.flush()
    text = desktop_log.read_text("utf-8")
    lines = [json.loads(line) for line in text.splitlines()]
    ours = [e for e in lines if e["job"] == "send-invoice"]
    assert [e["event"] for e in ours] == ["desktop.info", "desktop.jobs.debug", "desktop.error",
                                          "desktop.jobs.debug", "desktop.error"]
    assert len({e["correlation_id"] for e in ours}) == 2  # one id a run
    assert ours[2]["message"] == "RuntimeError: internal error" and ours[2]["exc"]["type"] == "RuntimeError"
    assert ours[4]["message"].startswith("NotFoundError: No single customer matches [redacted]")
    assert all(value.lower() not in text.lower() for value in PLANTED)


def _raise_qayd_error(_progress: Any, _cancelled: Any) -> None:
    raise NotFoundError(f"No single customer matches {NAME!r} ({EMAIL}).")


def test_help_creates_a_support_bundle_where_the_person_chooses(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, desktop_log: Path
) -> None:
    assert window.support_bundle_action in window.help_menu.actions()
    assert window.support_bundle_action.text() == "Create &support bundle…"
    target = tmp_path / "chosen" / "bundle.zip"
    target.parent.mkdir()
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_a, **_k: (str(target), "Zip archives (*.zip)"))
    window.support_bundle_action.trigger()
    with zipfile.ZipFile(target) as zf:
        names = set(zf.namelist())
    assert {"manifest.json", "doctor.json", "config.json", "logs/qayd-desktop.log"} <= names
    saved = window.findChild(QMessageBox, "supportBundleSaved")
    assert saved is not None and str(target) in saved.text()
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_a, **_k: ("", ""))
    window.support_bundle_action.trigger()  # cancelled: no job, nothing written
    assert window.support_job is None


def test_an_uncaught_exception_writes_a_crash_file_and_still_shows_the_dialog(
    qapp: QApplication, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    monkeypatch.setattr(threading, "excepthook", threading.excepthook)
    drawn: list[BaseException] = []
    monkeypatch.setattr("desktop.errors.present_error", lambda _parent, exc: drawn.append(exc))
    desktop_app._install_excepthook()
    desktop_app.setup_logging(settings)  # as _start does: the crash hook wraps the dialog's
    try:
        try:
            raise ValueError(f"{NAME} {EMAIL}")
        except ValueError as exc:
            sys.excepthook(ValueError, exc, exc.__traceback__)
    finally:
        remove_logging(desktop_app.PROGRAM)
    assert [type(e) for e in drawn] == [ValueError]
    [crash] = (settings.data_dir / "crash").glob("crash-qayd-desktop-*.json")
    report = json.loads(crash.read_text("utf-8"))
    assert report["program"] == "qayd-desktop" and report["exception"]["type"] == "ValueError"
    assert NAME not in crash.read_text("utf-8") and EMAIL not in crash.read_text("utf-8")
