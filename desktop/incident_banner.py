"""Incident mode on the desk: a red banner over every view while an incident is active (its reason, since when in
Riyadh time, what it holds), and the admin's "Incident mode…" dialog to start or end one (core.incident).

The shell calls `install(window)` once; the banner reads the state in a Job whenever the session notifies a change
and after each sync (a pull may bring another desk's incident, or its end).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from core.clock import saudi_time
from desktop.errors import log_text, present_error
from desktop.i18n import tr
from desktop.jobs import Cancelled, Job, Progress

if TYPE_CHECKING:
    from core.incident import Incident
    from desktop.session import AppSession
    from desktop.shell import MainWindow

log = logging.getLogger("qayd.desktop")
BANNER_STYLE = "QFrame#incidentBanner { background: #b3261e; } QFrame#incidentBanner QLabel { color: white; }"


def channel_names() -> dict[str, str]:
    return {"mail": tr("Incident", "e-mail"), "payments": tr("Incident", "payment links and refunds"),
            "assistant": tr("Incident", "the assistant"), "sync_push": tr("Incident", "sending changes to central"),
            "submission": tr("Incident", "ZATCA submission"), "issuing": tr("Incident", "issuing")}


def banner_text(incident: Incident, language: str, device_id: object = None) -> str:
    """The banner's sentence; issuing is named only on the desk it is locked on (core.incident: the desk whose
    verification failed)."""
    since = saudi_time(incident.started_at).strftime("%Y-%m-%d %H:%M")
    names = channel_names()
    holds = [h for h in incident.holds if h != "issuing" or device_id in (None, incident.device_id)]
    held = ("، " if language == "ar" else ", ").join(names.get(h, h) for h in holds)
    head = (tr("Incident", "Incident mode (automatic): {reason}") if incident.automatic
            else tr("Incident", "Incident mode: {reason}")).format(reason=incident.reason)
    return head + " — " + tr("Incident", "since {time} (Riyadh time); held: {held}").format(time=since, held=held)


class IncidentBanner(QFrame):
    """Hidden while nothing is active; red, above every view, while an incident is."""

    def __init__(self, session: AppSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.incident: Incident | None = None
        self.job: Job | None = None
        self._generation = 0
        self.setObjectName("incidentBanner")
        self.setStyleSheet(BANNER_STYLE)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 6, 12, 6)
        self.label = QLabel()
        self.label.setObjectName("incidentText")
        self.label.setWordWrap(True)
        layout.addWidget(self.label, 1)
        self.hide()
        session.changed.connect(lambda _topic: self.refresh())
        self._watched_sync: object | None = None

    def watch_sync(self) -> None:
        """Refresh after each sync too (once the company's sync controller exists)."""
        sync = getattr(self.session, "sync", None)
        if sync is not None and sync is not self._watched_sync:
            sync.synced.connect(lambda _result: self.refresh())
            self._watched_sync = sync

    def refresh(self) -> None:
        if not self.session.is_open:
            return
        self.watch_sync()
        self._generation += 1
        generation, ctx = self._generation, self.session.ctx

        def work(progress: Progress, cancelled: Cancelled) -> Incident | None:
            from core.incident import status

            return status(ctx)

        job = Job(work, "incident")
        self.job = job
        job.signals.succeeded.connect(lambda found: self._show(generation, found))
        job.signals.failed.connect(lambda exc: log.warning("incident banner: %s", log_text(exc)))
        self.session.pool.start(job)

    def _show(self, generation: int, found: object) -> None:
        if generation != self._generation:
            return
        self.incident = found if found is not None else None  # type: ignore[assignment]
        self.retranslate()

    def retranslate(self) -> None:
        if self.incident is None:
            self.label.setText("")
            self.hide()
            return
        self.label.setText(banner_text(self.incident, self.session.language, self.session.ctx.device_id))
        self.show()


class IncidentDialog(QDialog):
    """Start incident mode (a reason, and the two switches) or, while one is active, end it (a reason)."""

    def __init__(self, session: AppSession, active: Incident | None, on_done: Callable[[], None],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session, self.active, self.on_done = session, active, on_done
        self.job: Job | None = None
        self.error: QWidget | None = None
        self.setObjectName("incidentDialog")
        layout = QVBoxLayout(self)
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        layout.addWidget(self.intro)
        self.reason = QLineEdit()
        self.reason.setObjectName("incidentReason")
        self.reason.setMaxLength(1000)
        layout.addWidget(self.reason)
        self.pause_submission = QCheckBox()
        self.pause_submission.setObjectName("incidentPauseSubmission")
        self.hold_sync_push = QCheckBox()
        self.hold_sync_push.setObjectName("incidentHoldSyncPush")
        for box in (self.pause_submission, self.hold_sync_push):
            box.setVisible(active is None)
            layout.addWidget(box)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        self.reason.textChanged.connect(self._enable)
        layout.addWidget(self.buttons)
        self.retranslate()
        self._enable()

    def retranslate(self) -> None:
        if self.active is None:
            self.setWindowTitle(tr("Incident", "Start incident mode"))
            self.intro.setText(tr("Incident", "E-mail, payment links and refunds and the assistant wait until an "
                                              "administrator ends it. Issuing and ZATCA submission go on."))
        else:
            self.setWindowTitle(tr("Incident", "End incident mode"))
            self.intro.setText(banner_text(self.active, self.session.language, self.session.ctx.device_id))
        self.reason.setPlaceholderText(tr("Incident", "Reason (required)"))
        self.pause_submission.setText(tr("Incident", "Also pause ZATCA submission (a key compromise)"))
        self.hold_sync_push.setText(tr("Incident", "Also hold sending changes to central"))

    def _enable(self) -> None:
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(bool(self.reason.text().strip()) and self.job is None)

    def submit(self) -> None:
        ctx, reason = self.session.ctx, self.reason.text()
        starting, pause, hold = self.active is None, self.pause_submission.isChecked(), self.hold_sync_push.isChecked()

        settings = self.session.settings

        def work(progress: Progress, cancelled: Cancelled) -> object:
            from core import incident
            from core.support import incident_evidence

            if starting:  # the chain's verification and a support bundle, as `qayd incident start` takes them
                return incident.start(ctx, reason, actor=ctx.actor, pause_submission=pause, hold_sync_push=hold,
                                      **incident_evidence(ctx, settings))
            return incident.end(ctx, reason, actor=ctx.actor)

        self.job = Job(work, "incident")
        self._enable()
        self.job.signals.succeeded.connect(self._done)
        self.job.signals.failed.connect(self._failed)
        self.session.pool.start(self.job)

    def _done(self, _result: object) -> None:
        self.job = None
        self.on_done()
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.job = None
        self._enable()
        self.error = present_error(self, exc)


class IncidentMode:
    """The banner and the menu action the shell gets from `install`."""

    def __init__(self, window: MainWindow, session: AppSession) -> None:
        self.window, self.session = window, session
        self.banner = IncidentBanner(session)
        self.dialog: IncidentDialog | None = None
        # into the shell's slot for full-width bars: re-wrapping its central widget would move the navigation to a
        # new parent after it was styled, and its rows lost the style sheet's height
        window.banners.insertWidget(0, self.banner)
        self.action = QAction(window)
        self.action.setObjectName("incidentMode")
        self.action.triggered.connect(self.open_dialog)

    def is_admin(self) -> bool:
        return self.session.is_open and self.session.ctx.actor_role == "admin"

    def company_opened(self) -> None:
        self.action.setEnabled(self.is_admin())
        self.banner.refresh()

    def open_dialog(self) -> IncidentDialog | None:
        if not self.is_admin():
            return None
        self.dialog = IncidentDialog(self.session, self.banner.incident, self.banner.refresh, self.window)
        self.dialog.open()
        return self.dialog

    def retranslate(self) -> None:
        self.action.setText(tr("Incident", "Incident mode…"))
        self.action.setToolTip("" if self.is_admin() or not self.session.is_open
                               else tr("Incident", "Only an administrator may start or end incident mode."))
        self.banner.retranslate()


def install(window: MainWindow, session: AppSession) -> IncidentMode:
    """Put the banner above the window's central widget and return the mode (its `action` goes in a menu)."""
    return IncidentMode(window, session)
