"""The desktop polls the payment provider every few minutes while online: `qayd payments poll` as a background job.

Started beside the central-sync controller (`desktop.sync_controller.ensure_controller`), whose state says whether
the desk is online. A desk with no payment provider key polls nothing; a provider that asks to wait (429 with
Retry-After) is asked again after that delay; a failure is logged (never personal data) and retried at the next
tick, with no dialog: the clerk sees payments when they come, and `qayd payments poll` shows any error in full.
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
        from core.bootstrap import PAYMENTS_KEY_SECRET, payment_provider
        from core.payments import poll

        with session.ctx.uow(write=False) as uow:
            if not uow.secrets.exists(PAYMENTS_KEY_SECRET):
                return None  # payments are not set up on this desk
        provider = payment_provider(session.settings, session.ctx)
        try:
            return poll(session.ctx, provider, progress=progress, cancelled=cancelled)
        finally:
            close = getattr(provider, "close", None)
            if callable(close):
                close()  # the adapter's HTTP client: one per poll, nothing left open between ticks

    return work


class PaymentsPoller(QObject):
    """One poll at a time, on a timer, only while the sync controller says the desk is online."""

    def __init__(self, session: AppSession, online: Any, parent: QObject | None = None,
                 interval_ms: int = POLL_MS) -> None:
        super().__init__(parent)
        self.session, self.online = session, online  # online(): True, False, or None when not known yet
        self.job: Job | None = None
        self.last: Any = None
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.poll_now)

    def start(self) -> None:
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()

    def poll_now(self) -> None:
        if self.job is not None or self.online() is False:
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
