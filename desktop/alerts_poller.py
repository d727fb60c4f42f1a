"""The desktop runs the health checks every few minutes and turns what is not ok into alerts: badge and toasts.

Started by the main window once the company is open (`MainWindow.start_alerts_poll`), first a few seconds after the
start. Each run is `core.health.run_checks(..., network=False)` in a background job (the same checks as
`qayd doctor`, without asking ZATCA or central: the sync controller already says whether central answers). The
`AlertBook` says what is new (a toast each), what is still on (the bell's count) and what cleared. A failed run is
logged (its kind only, never its text) and tried again at the next tick, with no dialog. A click on an alert opens
its runbook in the UI's language.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, QUrl, Signal
from PySide6.QtGui import QDesktopServices

from core.errors import QaydError
from core.health import Alert, AlertBook, AlertChange
from desktop.jobs import Job

if TYPE_CHECKING:
    from core.health import Report
    from core.progress import CancelCheck, Progress
    from desktop.session import AppSession

log = logging.getLogger(__name__)
CHECK_MS = 5 * 60 * 1000  # every five minutes: the thresholds are in hours and minutes; the checks take well under 5 s

Runner = Callable[..., "Report"]  # core.health.run_checks's signature


def default_runner() -> Runner:
    """`core.health.run_checks`, imported when the first run starts (not with the window)."""
    from core import health

    runner: Runner = health.run_checks
    return runner


def check_work(session: AppSession, runner: Runner) -> Callable[[Progress, CancelCheck], Report]:
    def work(progress: Progress, cancelled: CancelCheck) -> Report:
        return runner(session.ctx, session.settings, deep=False, network=False, scans=False, progress=progress)

    return work


def open_runbook(alert: Alert, language: str) -> bool:
    """Open the alert's runbook with the desktop's viewer for Markdown (or text); False when it has none."""
    path = alert.path(language)
    if path is None:
        return False
    return bool(QDesktopServices.openUrl(QUrl.fromLocalFile(str(path))))


class AlertsPoller(QObject):
    """One run at a time, on a timer; `changed` carries each run's AlertChange to the status bar."""

    changed = Signal(object)  # AlertChange

    def __init__(self, session: AppSession, runner: Runner | None = None, parent: QObject | None = None,
                 interval_ms: int = CHECK_MS) -> None:
        super().__init__(parent)
        self.session = session
        self.runner = runner
        self.book = AlertBook()
        self.job: Job | None = None
        self.last: AlertChange | None = None
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.check_now)
        self.first: QTimer | None = None

    @property
    def current(self) -> tuple[Alert, ...]:
        return self.book.current

    def start(self, *, first_after_ms: int | None = None) -> None:
        """Tick every interval; with `first_after_ms`, the first run comes that soon."""
        self.timer.start()
        if first_after_ms is not None:
            self.first = QTimer(self, singleShot=True, interval=first_after_ms)
            self.first.timeout.connect(self.check_now)
            self.first.start()

    def stop(self) -> None:
        self.timer.stop()
        if self.first is not None:
            self.first.stop()
        if self.job is not None:
            self.job.cancel()

    def check_now(self) -> None:
        if self.job is not None or not self.session.is_open:
            return
        self.job = Job(check_work(self.session, self.runner or default_runner()), "health-alerts")
        self.job.signals.succeeded.connect(self._done)
        self.job.signals.failed.connect(self._failed)
        self.job.signals.finished.connect(self._finished)
        self.session.pool.start(self.job)

    def _done(self, report: Report) -> None:
        self.last = self.book.update(report)
        self.changed.emit(self.last)

    def _failed(self, exc: BaseException) -> None:
        # the kind and, for our own errors, the exit code: the message may name a file or a server
        code = exc.exit_code if isinstance(exc, QaydError) else None
        log.info("health checks failed: %s (exit code %s)", type(exc).__name__, code)

    def _finished(self) -> None:
        self.job = None
