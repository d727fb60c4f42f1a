"""The desktop polls the payment provider every few minutes while online: `qayd payments poll` as a background job.

Started by the main window once the company is open (`MainWindow.start_payments_poll`), on every desk: the
central-sync controller's state says whether the desk is online where there is one; a desk on its own just tries.
A desk with no payment provider key polls nothing; a provider that asks to wait (429 with Retry-After) is asked
again after that delay; a failure is logged (never personal data) and retried at the next tick, with no dialog:
the clerk sees payments when they come, and `qayd payments poll` shows any error in full.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer

from desktop.jobs import Job
from desktop.session import INVOICES

if TYPE_CHECKING:
    from core.progress import CancelCheck, Progress
    from desktop.session import AppSession

log = logging.getLogger(__name__)
POLL_MS = 5 * 60 * 1000  # every five minutes: payments are not urgent, and providers rate-limit event listings


def poll_work(session: AppSession) -> Any:
    def work(progress: Progress, cancelled: CancelCheck) -> Any:
        from core.bootstrap import PAYMENTS_KEY_SECRET, payment_provider_for
        from core.payments import poll

        with session.ctx.uow(write=False) as uow:
            if not uow.secrets.exists(PAYMENTS_KEY_SECRET):
                return None  # payments are not set up on this desk
        # one adapter (and HTTP client) per poll, closed after: nothing left open between ticks
        with payment_provider_for(session.settings, session.ctx) as provider:
            return poll(session.ctx, provider, progress=progress, cancelled=cancelled)

    return work


class PaymentsPoller(QObject):
    """One poll at a time, on a timer; none while the desk is known to be offline (`online()` is False)."""

    def __init__(self, session: AppSession, online: Any, parent: QObject | None = None,
                 interval_ms: int = POLL_MS) -> None:
        super().__init__(parent)
        self.session, self.online = session, online  # online(): True, False, or None when not known yet
        self.job: Job | None = None
        self.last: Any = None
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.poll_now)
        self.first: QTimer | None = None

    def start(self, *, first_after_ms: int | None = None) -> None:
        """Tick every interval; with `first_after_ms`, the first poll comes that soon (a timer of the poller's own,
        so it dies with it)."""
        self.timer.start()
        if first_after_ms is not None:
            self.first = QTimer(self, singleShot=True, interval=first_after_ms)
            self.first.timeout.connect(self.poll_now)
            self.first.start()

    def stop(self) -> None:
        self.timer.stop()
        if self.first is not None:
            self.first.stop()

    def poll_now(self) -> None:
        if self.job is not None or self.online() is False or not self.session.is_open:
            return
        self.job = Job(poll_work(self.session), "payments-poll")
        self.job.signals.succeeded.connect(self._done)
        self.job.signals.failed.connect(self._failed)
        self.job.signals.finished.connect(self._finished)
        self.session.pool.start(self.job)

    def _done(self, result: Any) -> None:
        self.last = result
        if result is not None and result.events:
            self.session.notify(INVOICES)  # paid statuses changed

    def _failed(self, exc: BaseException) -> None:
        retry_after = getattr(exc, "retry_after", None)
        log.info("payments poll failed: %s", type(exc).__name__)
        if retry_after:
            QTimer.singleShot(int(float(retry_after) * 1000), self.poll_now)

    def _finished(self) -> None:
        self.job = None
