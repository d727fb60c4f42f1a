"""What central sync shows outside its own view: the status bar (sync state, who is online, the notification bell
with its unread badge and popup list), toasts for new notifications, and the "Also open by" banner of an editor.

The bell also carries the health alerts (`desktop.alerts_poller`, a check of `qayd doctor` that warns or fails): they
count on its badge while they are on, a new one is toasted, and a click on one (in the list or its toast) opens its
runbook. With alerts on, the bell shows on a desk without central too.

This module loads with the main window, so it imports nothing of the network stack: the controller
(`desktop.sync_controller`, which loads psycopg) is imported only once this install turns out to have a central
connection, after the window is up.
"""

from __future__ import annotations

import logging
from contextlib import suppress
from datetime import datetime
from functools import partial
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QEasingCurve,
    QEvent,
    QObject,
    QPoint,
    QPropertyAnimation,
    QRectF,
    QSize,
    Qt,
    QTimer,
)
from PySide6.QtGui import QColor, QFont, QIcon, QPainter, QPainterPath, QPixmap
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QFrame,
    QGraphicsOpacityEffect,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from core.clock import saudi_time
from core.errors import QaydError
from desktop.errors import log_text
from desktop.i18n import format_date, format_int, tr
from desktop.session import SETTINGS, AppSession
from desktop.views.central_panel import saved_connection

if TYPE_CHECKING:
    from collections.abc import Callable

    from core.health import Alert, AlertChange
    from desktop.sync_controller import NoticeItem, SyncController, SyncState

log = logging.getLogger("qayd.desktop.sync")

TOAST_MS = 5000
FADE_MS = 400
ERROR_COLOR = "#b3261e"
KIND_ROLE = Qt.ItemDataRole.UserRole + 1  # what a row of the bell's list is: a central notice or a health alert
NOTICE, HEALTH = "notice", "health"


# --- texts ------------------------------------------------------------------------------------------------------


def state_text(state: SyncState | None, language: str) -> str:
    """One line for the status bar: not connected, offline with the changes waiting, or the last sync."""
    if state is None:
        return tr("Sync", "Not connected")
    if state.online is False:
        return tr("Sync", "Offline — {n} changes waiting").format(n=format_int(state.pending))
    if state.syncing and state.online is None:
        return tr("Sync", "Syncing…")
    parts = [tr("Sync", "Last sync {time}").format(time=format_date(saudi_time(state.last_sync_at), language))
             if state.last_sync_at else tr("Sync", "Never synced")]
    parts.append(tr("Sync", "{n} pending").format(n=format_int(state.pending)))
    parts.append(tr("Sync", "{n} conflicts").format(n=format_int(state.conflicts)))
    return " · ".join(parts)


def state_tooltip(state: SyncState | None) -> str:
    if state is None:
        return tr("Sync", "This install works on its own. Connect it to the company's central database in Settings.")
    if state.online is False:
        text = tr("Sync", "The central database cannot be reached; work goes on here and is sent when it can be. "
                          "Next attempt in {s} s.").format(s=format_int(round(state.retry_in)))
        return f"{text}\n{state.last_error}" if state.last_error else text
    return tr("Sync", "Synced with the central database automatically.")


def person_name(person: Any) -> str:
    return str(person.display_name or person.login)


def presence_text(people: list[Any]) -> str:
    names = list(dict.fromkeys(person_name(p) for p in people))
    if not names:
        return tr("Sync", "No one else online")
    return tr("Sync", "Online: {names}").format(names=tr("Sync", ", ").join(names))


def notice_message(item: NoticeItem, language: str) -> str:
    notice = item.notice
    return str(notice.message_ar or notice.message_en) if language == "ar" else str(notice.message_en)


def notice_detail(item: NoticeItem, language: str) -> str:
    notice = item.notice
    when = notice.created_at
    when_text = format_date(saudi_time(when), language) if isinstance(when, datetime) else str(when)
    return tr("Notifications", "{who}, {when}").format(who=notice.login, when=when_text)


def alert_message(alert: Alert, language: str = "en") -> str:
    severity = alert.severity.value
    label = tr("Alerts", "Failure") if severity == "fail" else tr("Alerts", "Warning")
    title = alert.title
    if language == "ar":
        from desktop.views.diagnostics import check_title  # the check's Arabic name, as the Diagnostics view shows

        title = check_title(alert.id, alert.title)
    return tr("Alerts", "{severity}: {title}").format(severity=label, title=title)


def alert_found(alert: Alert, language: str) -> str:
    """What the check found in the UI's language: the Arabic the check wrote, else its English kept left to right."""
    found, _fix = alert.text(language)
    return found if language != "ar" or alert.found_ar else f"\u2066{found}\u2069"


def alert_fix(alert: Alert, language: str) -> str:
    _found, fix = alert.text(language)
    return fix if language != "ar" or alert.fix_ar or not fix else f"\u2066{fix}\u2069"


def alert_detail(alert: Alert, language: str = "en") -> str:
    more = tr("Alerts", "Click to open its runbook.") if alert.paths else ""
    return f"{alert_found(alert, language)}\n{more}".strip()


# --- the bell ---------------------------------------------------------------------------------------------------


def bell_icon(size: int = 18, colour: str = "#444") -> QIcon:
    """A small bell drawn with a path (no icon font or emoji needed)."""
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(colour))
    s = size / 18
    path = QPainterPath()
    path.moveTo(9 * s, 2 * s)
    path.cubicTo(5 * s, 2 * s, 4 * s, 5 * s, 4 * s, 8 * s)
    path.lineTo(4 * s, 12 * s)
    path.lineTo(2 * s, 14 * s)
    path.lineTo(16 * s, 14 * s)
    path.lineTo(14 * s, 12 * s)
    path.lineTo(14 * s, 8 * s)
    path.cubicTo(14 * s, 5 * s, 13 * s, 2 * s, 9 * s, 2 * s)
    painter.drawPath(path)
    painter.drawEllipse(QRectF(7 * s, 14.5 * s, 4 * s, 3 * s))
    painter.end()
    return QIcon(pixmap)


class NotificationBell(QToolButton):
    """The bell with the unread count; a click opens the list (and marks everything read)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("notificationBell")
        self.setIcon(bell_icon())
        self.setIconSize(QSize(18, 18))
        self.setAutoRaise(True)
        self.setFixedSize(34, 26)
        self.badge = QLabel(self)
        self.badge.setObjectName("notificationBadge")
        self.badge.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.badge.setStyleSheet(f"background: {ERROR_COLOR}; color: white; border-radius: 7px; font-size: 9px; "
                                 "font-weight: bold; padding: 0 3px;")
        self.badge.setFixedHeight(14)
        self.badge.hide()
        self.count = 0

    def set_count(self, count: int) -> None:
        self.count = count
        self.badge.setText(format_int(count) if count < 100 else "99+")
        self.badge.adjustSize()
        self.badge.setFixedWidth(max(14, self.badge.sizeHint().width()))
        self.badge.setVisible(count > 0)
        self._place_badge()

    def _place_badge(self) -> None:
        x = 0 if self.layoutDirection() == Qt.LayoutDirection.RightToLeft else self.width() - self.badge.width()
        self.badge.move(max(x, 0), 0)

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        self._place_badge()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LayoutDirectionChange:
            self._place_badge()
        super().changeEvent(event)


def fill_notices(widget: QListWidget, items: list[NoticeItem], language: str, *, last_read: int,
                 own_device: str) -> None:
    """Newest first: the message in the UI language, who and when; unread ones in bold."""
    widget.clear()
    for item in reversed(items):
        row = QListWidgetItem(f"{notice_message(item, language)}\n{notice_detail(item, language)}")
        row.setData(Qt.ItemDataRole.UserRole, item.notice.id)
        row.setData(KIND_ROLE, NOTICE)
        row.setToolTip(notice_message(item, language))
        if item.notice.id > last_read and item.device_id != own_device:
            font = QFont(row.font())
            font.setBold(True)
            row.setFont(font)
        widget.addItem(row)


def add_alerts(widget: QListWidget, alerts: tuple[Alert, ...], language: str = "en") -> None:
    """The health alerts on now, above the notices, in bold red, in the UI's language: a click opens the runbook."""
    for index, alert in enumerate(alerts):
        row = QListWidgetItem(f"{alert_message(alert, language)}\n{alert_detail(alert, language)}")
        row.setData(Qt.ItemDataRole.UserRole, alert.id)
        row.setData(KIND_ROLE, HEALTH)
        row.setToolTip(alert_fix(alert, language) or alert_found(alert, language))
        font = QFont(row.font())
        font.setBold(True)
        row.setFont(font)
        row.setForeground(QColor(ERROR_COLOR))
        widget.insertItem(index, row)


class NotificationPopup(QFrame):
    """The list under the bell: the health alerts on now, then central's notices."""

    def __init__(self, controller: SyncController | None, language: str, parent: QWidget | None = None,
                 alerts: tuple[Alert, ...] = (), open_alert: Callable[[Alert], object] | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Popup)
        self.setObjectName("notificationPopup")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.controller = controller
        self.title = QLabel(tr("Notifications", "Notifications"))
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        self.list = QListWidget()
        self.list.setObjectName("noticeList")
        self.list.setWordWrap(True)
        self.empty = QLabel(tr("Notifications", "No notifications yet."))
        self.empty.setObjectName("noNotices")
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.empty)
        if controller is not None:
            fill_notices(self.list, controller.notices, language, last_read=controller.last_read,
                         own_device=controller.device)
        add_alerts(self.list, alerts, language)
        self.alerts = {alert.id: alert for alert in alerts}
        self.open_alert = open_alert
        self.list.itemClicked.connect(self._clicked)
        self.list.setVisible(self.list.count() > 0)
        self.empty.setVisible(self.list.count() == 0)
        self.resize(420, 320)

    def _clicked(self, row: QListWidgetItem) -> None:
        alert = self.alerts.get(row.data(Qt.ItemDataRole.UserRole)) if row.data(KIND_ROLE) == HEALTH else None
        if alert is not None and self.open_alert is not None:
            self.open_alert(alert)
            self.close()


# --- toasts -----------------------------------------------------------------------------------------------------


class Toast(QFrame):
    """A small frameless note over the window's corner that fades after ~5 s (a click closes it)."""

    def __init__(self, message: str, detail: str, parent: QWidget,
                 on_click: Callable[[], object] | None = None) -> None:
        super().__init__(parent)
        self.on_click = on_click
        self.setObjectName("toast")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setStyleSheet("QFrame#toast { background: #2b2b2b; border-radius: 6px; } "
                           "QLabel { color: white; }")
        self.message = QLabel(message)
        self.message.setObjectName("toastMessage")
        self.message.setWordWrap(True)
        self.detail = QLabel(detail)
        self.detail.setObjectName("toastDetail")
        self.detail.setStyleSheet("color: #cfcfcf; font-size: 11px;")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        layout.addWidget(self.message)
        layout.addWidget(self.detail)
        self.setFixedWidth(340)
        self.opacity = QGraphicsOpacityEffect(self)
        self.opacity.setOpacity(1.0)
        self.setGraphicsEffect(self.opacity)
        self.fade = QPropertyAnimation(self.opacity, b"opacity", self)
        self.fade.setDuration(FADE_MS)
        self.fade.setStartValue(1.0)
        self.fade.setEndValue(0.0)
        self.fade.setEasingCurve(QEasingCurve.Type.InQuad)
        self.fade.finished.connect(self.close)
        self.timer = QTimer(self, singleShot=True, interval=TOAST_MS)
        self.timer.timeout.connect(self.fade.start)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)

    def start(self) -> None:
        self.adjustSize()
        self.show()
        self.raise_()
        self.timer.start()

    def mousePressEvent(self, event: Any) -> None:
        if self.on_click is not None:
            self.on_click()
        self.close()


class ToastStack(QObject):
    """Stacks toasts over the bottom-right corner of `host` (bottom-left in Arabic), above its status bar."""

    def __init__(self, host: QWidget) -> None:
        super().__init__(host)
        self.host = host
        self.toasts: list[Toast] = []
        host.installEventFilter(self)

    def show_toast(self, message: str, detail: str, on_click: Callable[[], object] | None = None) -> Toast:
        toast = Toast(message, detail, self.host, on_click)
        toast.destroyed.connect(lambda _o=None, t=toast: self._gone(t))
        self.toasts.append(toast)
        toast.start()
        self.place()
        return toast

    def _gone(self, toast: Toast) -> None:
        if toast in self.toasts:
            self.toasts.remove(toast)
            with suppress(RuntimeError):  # the window is being deleted with its toasts
                self.place()

    def place(self) -> None:
        rect = self.host.rect()
        bottom = rect.bottom() - 12
        bar = getattr(self.host, "statusBar", None)
        status = bar() if callable(bar) else None
        if status is not None and status.isVisible():
            bottom -= status.height()
        rtl = self.host.layoutDirection() == Qt.LayoutDirection.RightToLeft
        for toast in reversed(self.toasts):
            try:
                height = toast.sizeHint().height()
                x = rect.left() + 12 if rtl else rect.right() - toast.width() - 12
                toast.move(QPoint(x, bottom - height))
                toast.resize(toast.width(), height)
                bottom -= height + 8
            except RuntimeError:  # deleted meanwhile
                continue

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.host and event.type() in (QEvent.Type.Resize, QEvent.Type.LayoutDirectionChange):
            self.place()
        return False


# --- the status bar ---------------------------------------------------------------------------------------------


def store_has_central(session: AppSession) -> bool:
    """A cheap check (no network stack loaded) whether this install has a central connection: the settings' URL or
    one saved with the store."""
    return bool(session.settings.central.database_url) or bool(saved_connection(session.ctx)[0])


class SyncStatusBar(QWidget):
    """For the main window's status bar: sync state, who else is online, the bell; toasts over `window`.

    Makes the controller (`session.sync`) once the window is up when the store has a central connection, and
    re-binds whenever Settings change the connection."""

    def __init__(self, session: AppSession, window: QWidget) -> None:
        super().__init__(window)
        self.setObjectName("syncStatus")
        self.session = session
        self.window_ = window
        self.controller: SyncController | None = None
        self.popup: NotificationPopup | None = None
        self.alerts: tuple[Alert, ...] = ()  # the health alerts on now (desktop.alerts_poller)
        self.state_label = QLabel()
        self.state_label.setObjectName("syncState")
        self.presence_label = QLabel()
        self.presence_label.setObjectName("syncPresence")
        self.bell = NotificationBell()
        self.bell.clicked.connect(self.show_notifications)
        self.toasts = ToastStack(window)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.state_label)
        layout.addWidget(self.presence_label)
        layout.addWidget(self.bell)
        session.changed.connect(self._on_changed)
        self.render()
        self._attaching = False
        self.company_opened()

    def company_opened(self) -> None:
        """Attach the controller soon when the open company has a central connection (the window may be built
        before the company opens, and tells this bar when it has)."""
        try:
            wanted = self.session.is_open and store_has_central(self.session)
        except QaydError as exc:
            log.warning("sync: %s", log_text(exc))
            wanted = False
        if wanted and self.controller is None and not self._attaching:
            self._attaching = True  # asked twice (built open, then told): attach once
            QTimer.singleShot(0, self.attach)

    def attach(self) -> None:
        """Make and start the controller (this loads the network stack)."""
        self._attaching = False
        existing = self.session.sync
        if existing is not None:
            self.bind(existing)
            return
        from desktop.sync_controller import ensure_controller

        try:
            controller = ensure_controller(self.session)
        except QaydError as exc:
            log.warning("sync: %s", log_text(exc))
            return
        self.bind(controller)

    def bind(self, controller: SyncController | None) -> None:
        if controller is self.controller:
            return
        self.controller = controller
        if controller is not None:
            controller.state_changed.connect(self.render)
            controller.presence_changed.connect(self.render)
            controller.notices_changed.connect(self.render)
            controller.notice_arrived.connect(self.toast)
        self.render()

    def _on_changed(self, topic: str) -> None:
        if topic == SETTINGS:
            self.bind(self.session.sync)

    def render(self, *_args: object) -> None:
        controller = self.controller
        state = controller.state if controller is not None else None
        self.state_label.setText(state_text(state, self.session.language))
        self.state_label.setToolTip(state_tooltip(state))
        offline = state is not None and state.online is False
        self.state_label.setStyleSheet(f"color: {ERROR_COLOR};" if offline or (state and state.conflicts) else "")
        self.presence_label.setVisible(controller is not None)
        self.bell.setVisible(controller is not None or bool(self.alerts))
        unread = controller.unread if controller is not None else 0
        self.bell.set_count(unread + len(self.alerts))
        tip = tr("Notifications", "Notifications: {n} unread").format(n=format_int(unread))
        if self.alerts:
            tip += "\n" + tr("Alerts", "Health alerts: {n}").format(n=format_int(len(self.alerts)))
        self.bell.setToolTip(tip)
        if controller is None:
            return
        others = controller.others()
        self.presence_label.setText(presence_text(others))
        self.presence_label.setToolTip("\n".join(person_name(p) for p in others))

    def toast(self, item: NoticeItem) -> Toast:
        language = self.session.language
        return self.toasts.show_toast(notice_message(item, language), notice_detail(item, language))

    def show_alerts(self, change: AlertChange) -> list[Toast]:
        """A health run's outcome: the badge counts what is on now, and each new alert gets a toast."""
        self.alerts = change.current
        self.render()
        language = self.session.language
        return [self.toasts.show_toast(alert_message(alert, language), alert_detail(alert, language),
                                       partial(self.open_alert, alert)) for alert in change.new]

    def open_alert(self, alert: Alert) -> bool:
        from desktop import alerts_poller

        return alerts_poller.open_runbook(alert, self.session.language)

    def show_notifications(self) -> NotificationPopup | None:
        controller = self.controller
        if controller is None and not self.alerts:
            return None
        if self.popup is not None:
            self.popup.close()
            self.popup.deleteLater()
        self.popup = NotificationPopup(controller, self.session.language, self.window_, self.alerts, self.open_alert)
        self.popup.setLayoutDirection(QApplication.layoutDirection())
        anchor = self.bell.mapToGlobal(QPoint(0, 0))
        x = anchor.x() if QApplication.isRightToLeft() else anchor.x() + self.bell.width() - self.popup.width()
        self.popup.move(QPoint(max(x, 0), max(anchor.y() - self.popup.height() - 4, 0)))
        self.popup.show()
        if controller is not None:
            controller.mark_read()
        return self.popup

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.render()
        super().changeEvent(event)


# --- the editor's banner ----------------------------------------------------------------------------------------


class PresenceBanner(QLabel):
    """"Also open by NAME" over an editor; tells the controller what is open (and "" once the editor closes)."""

    def __init__(self, session: AppSession, subject: str, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("presenceBanner")
        self.setWordWrap(True)
        self.setStyleSheet("background: #fff4ce; color: #5c4400; padding: 4px 8px; border-radius: 4px;")
        self.session, self.subject = session, subject
        self.controller: SyncController | None = session.sync
        self.hide()
        if self.controller is None:
            return
        self.controller.set_viewing(subject)
        self.controller.presence_changed.connect(self.render)
        if isinstance(parent, QDialog):
            parent.finished.connect(self.closed)
        self.render()

    def names(self) -> list[str]:
        if self.controller is None:
            return []
        return list(dict.fromkeys(person_name(p) for p in self.controller.viewers(self.subject)))

    def render(self, *_args: object) -> None:
        names = self.names()
        self.setText(tr("Sync", "Also open by {names}").format(names=tr("Sync", ", ").join(names)) if names else "")
        self.setVisible(bool(names))

    def closed(self, *_args: object) -> None:
        controller, self.controller = self.controller, None
        if controller is not None:
            with suppress(RuntimeError, TypeError):
                controller.presence_changed.disconnect(self.render)
            if controller.viewing == self.subject:
                controller.set_viewing("")

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.render()
        super().changeEvent(event)
