"""`qayd-desktop` at its edges: a bad setting is a dialog naming it, an exception nobody caught never draws off the UI
thread, the log file stays private and single, and closing cancels and waits for running jobs."""

from __future__ import annotations

import argparse
import logging
import os
import stat
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from core.config import Settings
from core.support import remove_logging
from desktop import app as desktop_app


@pytest.fixture
def umask_kept() -> Iterator[None]:
    """run_app makes the process umask private; the tests after this one keep theirs."""
    old = os.umask(0o022)
    os.umask(old)
    yield
    os.umask(old)


@pytest.fixture
def qayd_handlers() -> Iterator[logging.Logger]:
    root = logging.getLogger("qayd")
    before, level = list(root.handlers), root.level
    yield root
    for handler in [h for h in root.handlers if h not in before]:
        root.removeHandler(handler)
        handler.close()
    root.setLevel(level)
    remove_logging(desktop_app.PROGRAM)  # the JSON-lines log hangs on the root logger (core.support)


def test_a_bad_setting_stops_the_start_with_a_dialog_naming_it(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, umask_kept: None, app_unstyled: QApplication
) -> None:
    monkeypatch.setenv("QAYD_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("QAYD_CONFIG", str(tmp_path / "none.toml"))
    monkeypatch.setenv("QAYD_LANGUAGE", "xx")
    seen: dict[str, str] = {}

    def read_and_close() -> None:  # the dialog comes once the window has painted (the settings are read after it)
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(10, read_and_close)
            return
        seen.update(name=box.objectName(), title=box.text(), fix=box.informativeText())
        box.done(0)

    QTimer.singleShot(0, read_and_close)
    args = argparse.Namespace(language=None, startup_report=False)
    code = desktop_app.run_app(args)
    assert code == 3  # ConfigError's exit code, as the CLI gives
    assert seen["name"] == "configErrorDialog"
    assert 'language = "xx" (from QAYD_LANGUAGE): must be one of en, ar' in seen["title"]
    assert "qayd config check" in seen["fix"]
    assert not (tmp_path / "data" / "companies").exists()  # nothing created for a start that did not happen


def test_an_uncaught_exception_off_the_ui_thread_is_logged_not_drawn(
    qapp: QApplication, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # restored after the test
    drawn: list[BaseException] = []
    monkeypatch.setattr("desktop.errors.present_error", lambda _parent, exc: drawn.append(exc))
    desktop_app._install_excepthook()
    hook = sys.excepthook
    error = RuntimeError("worker broke")
    worker = threading.Thread(target=hook, args=(RuntimeError, error, None))
    with caplog.at_level(logging.CRITICAL, logger="qayd.desktop"):
        worker.start()
        worker.join()
    assert drawn == []  # widgets are never touched from a worker thread
    assert [r.getMessage() for r in caplog.records] == ["unhandled RuntimeError"]
    hook(ValueError, ValueError("on the UI thread"), None)
    assert [type(e) for e in drawn] == [ValueError]  # on the UI thread: the one error dialog


def test_when_the_error_dialog_itself_fails_the_error_is_still_logged(
    qapp: QApplication, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)

    def broken_dialog(_parent: Any, _exc: BaseException) -> None:
        raise RuntimeError("no screen")

    monkeypatch.setattr("desktop.errors.present_error", broken_dialog)
    desktop_app._install_excepthook()
    with caplog.at_level(logging.CRITICAL, logger="qayd.desktop"):
        sys.excepthook(KeyError, KeyError("x"), None)
    assert [r.getMessage() for r in caplog.records] == ["unhandled KeyError"]


def test_the_log_file_is_private_and_older_rotated_files_are_made_private(
    settings: Settings, qayd_handlers: logging.Logger
) -> None:
    folder = settings.data_dir / "logs"
    folder.mkdir(parents=True)
    rotated = folder / f"{desktop_app.LOG_NAME}.1"
    rotated.write_text("an older version's log\n", "utf-8")
    rotated.chmod(0o644)
    path = desktop_app.setup_logging(settings)
    assert path == folder / desktop_app.LOG_NAME
    assert stat.S_IMODE(path.stat().st_mode) == 0o600 and stat.S_IMODE(rotated.stat().st_mode) == 0o600
    desktop_app.setup_logging(settings)  # a second window in the same process
    ours = [h for h in logging.getLogger().handlers if getattr(h, "qayd_program", None) == desktop_app.PROGRAM]
    assert len(ours) == 1  # the earlier file handler was closed, not leaked
    logging.getLogger("qayd.desktop").warning("written once")
    ours[0].flush()
    assert path.read_text("utf-8").count("written once") == 1


def test_a_data_folder_that_cannot_hold_logs_starts_without_a_log(tmp_path: Path, settings: Settings) -> None:
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the data folder should be", "utf-8")
    assert desktop_app.setup_logging(settings.model_copy(update={"data_dir": blocked})) is None


class _Job:
    def __init__(self) -> None:
        self.cancelled = False

    def cancel(self) -> None:
        self.cancelled = True


class _Pool:
    def __init__(self, finishes: bool) -> None:
        self.running = [_Job(), _Job()]
        self.finishes, self.waited = finishes, 0

    def wait(self, ms: int) -> bool:
        self.waited = ms
        return self.finishes


class _Session:
    def __init__(self, pool: _Pool) -> None:
        self.pool, self.closed = pool, False

    def close(self) -> None:
        self.closed = True


@pytest.mark.parametrize("finishes", [True, False])
def test_closing_cancels_running_jobs_and_waits_before_closing_the_store(
    finishes: bool, caplog: pytest.LogCaptureFixture
) -> None:
    pool = _Pool(finishes)
    session = _Session(pool)
    with caplog.at_level(logging.WARNING, logger="qayd.desktop"):
        desktop_app.shutdown(session)
    assert all(job.cancelled for job in pool.running) and pool.waited == 15_000 and session.closed
    warned = [r.getMessage() for r in caplog.records]
    assert warned == ([] if finishes else ["background jobs still running at exit"])
