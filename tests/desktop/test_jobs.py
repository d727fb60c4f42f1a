"""desktop.jobs is the one place a cancellation is translated: whichever long core job raised the one `Cancelled`,
the job reports `cancelled` (shown as "Cancelled" in the UI's language), never `failed`, so never an error dialog."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication, QMessageBox

from core.audit.service import verify_store
from core.errors import Cancelled, SecretStoreError
from core.privacy import cancel as privacy_cancel
from core.reports import errors as report_errors
from core.reports import service as reports
from core.secrets import manager
from core.secrets import store as secret_store
from core.uow import Context
from desktop import jobs
from desktop.i18n import install_language
from desktop.jobs import Job, SyncPool, cancelled_text

Work = Callable[[Context, Callable[[], bool]], Any]

LONG_JOBS: dict[str, Work] = {  # real core jobs, each cancelled through the check a desktop job hands it
    "audit verification": lambda ctx, stop: verify_store(ctx, cancelled=stop),
    "audit evidence report": lambda ctx, stop: reports.build(ctx, "audit", {"start": None, "end": None}, "en",
                                                             cancelled=stop),
    "secret key rotation": lambda ctx, stop: manager.rotate(ctx, cancelled=stop),
}


def run(fn: Callable[[Callable[[float, str], None], Callable[[], bool]], Any], *, cancel: bool = True
        ) -> tuple[Job, list[str]]:
    job = Job(fn, "test")
    events: list[str] = []
    job.signals.succeeded.connect(lambda _r: events.append("succeeded"))
    job.signals.failed.connect(lambda exc: events.append(f"failed: {type(exc).__name__}"))
    job.signals.cancelled.connect(lambda: events.append("cancelled"))
    job.signals.finished.connect(lambda: events.append("finished"))
    if cancel:
        job.cancel()  # pressed before the pool ran it: the core job meets the cancel at its first check
    SyncPool().start(job)
    return job, events


@pytest.fixture
def english(qapp: QApplication) -> Iterator[QApplication]:
    install_language(qapp, "en")
    yield qapp
    install_language(qapp, "en")


def error_dialogs() -> list[QMessageBox]:
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()]


@pytest.mark.parametrize("name", sorted(LONG_JOBS))
def test_a_cancelled_core_job_reports_cancelled_not_failed(name: str, ctx: Context, english: QApplication) -> None:
    work = LONG_JOBS[name]
    shown = error_dialogs()  # what earlier tests left open
    _job, events = run(lambda _progress, cancelled: work(ctx, cancelled))
    assert events == ["cancelled", "finished"]
    assert error_dialogs() == shown


def test_a_real_failure_still_fails(english: QApplication) -> None:
    def broken(_progress: Callable[[float, str], None], _cancelled: Callable[[], bool]) -> None:
        raise SecretStoreError("The OS keyring refused access.")

    _job, events = run(broken, cancel=False)
    assert events == ["failed: SecretStoreError", "finished"]


def test_every_old_cancellation_name_is_the_one_exception() -> None:
    """Views and tests that raise or catch the old names meet the same class."""
    assert jobs.JobCancelled is Cancelled
    assert report_errors.ReportCancelled is Cancelled
    assert secret_store.RotationCancelled is Cancelled
    assert privacy_cancel.Cancelled is Cancelled

    def stops(_progress: Callable[[float, str], None], _cancelled: Callable[[], bool]) -> None:
        raise report_errors.ReportCancelled("a report")  # a view or builder still using an old name

    _job, events = run(stops, cancel=False)
    assert events == ["cancelled", "finished"]


def test_cancelled_is_shown_in_the_ui_language(english: QApplication) -> None:
    assert cancelled_text() == "Cancelled"
    install_language(english, "ar")
    assert cancelled_text() == "تم الإلغاء"
