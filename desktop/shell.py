"""The main window: navigation on the leading side, one page per view, a menu bar and a status bar.

The status bar shows the company, the EGS unit this device issues with, the ZATCA queue (pending and rejected
submissions) and the audit chain (entry count and the last signed checkpoint: cheap reads, never a full
verification). It is read by a background Job whenever a topic it shows changes.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QSize, Qt, QTimer
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from core import __version__, audit, invoicing  # faces: a name loads its module when first used, off start-up
from core.clock import saudi_time
from core.errors import NotFoundError
from desktop.errors import log_text, present_error
from desktop.i18n import LANGUAGE_NAMES, format_date, format_int, tr
from desktop.icons import NAV_ICONS, SHELL_ACTIONS, decorate_view, icon
from desktop.incident_banner import install as install_incident_mode
from desktop.jobs import Cancelled, Job, Progress
from desktop.session import AUDIT, COMPANY, INVOICES, PRIVACY, ZATCA, AppSession
from desktop.views.base import View
from desktop.views.registry import VIEWS, ViewEntry
from desktop.zatca_texts import environment_name

if TYPE_CHECKING:
    from core.uow import Context
    from desktop.alerts_poller import AlertsPoller
    from desktop.payments_poller import PaymentsPoller

STATUS_TOPICS = (COMPANY, ZATCA, INVOICES, AUDIT)


@dataclass(frozen=True)
class ShellStatus:
    """What the status bar shows, read in one go."""

    company_en: str
    company_ar: str
    egs_name: str  # "" when this device has no unit to issue with
    egs_environment: str
    pending: int  # pending or being sent
    rejected: int
    entries: int
    checkpoint_seq: int | None
    checkpoint_at: datetime | None


def read_status(ctx: Context) -> ShellStatus:
    """The status bar's figures (a Job runs this: it opens its own unit of work)."""
    from core.zatca import (
        list_egs,  # the ZATCA stack loads off the startup path
        queue_summary,
    )

    with ctx.uow(write=False) as uow:
        try:
            company = invoicing.get_company(uow)
            names = company.legal_name_en, company.legal_name_ar
        except NotFoundError:
            names = "", ""
        units = [u for u in list_egs(uow) if u.status in ("active", "demo")]
        queue = queue_summary(uow, nearest=0)  # counts by state (an SQL aggregate), not the items themselves
    head = audit.read_head_file(ctx.head_file)
    unit = units[0] if units else None
    return ShellStatus(
        company_en=names[0], company_ar=names[1],
        egs_name=unit.name if unit else "", egs_environment=unit.environment if unit else "",
        pending=queue.open,
        rejected=queue.by_state.get("rejected", 0),
        entries=audit.entry_count(ctx),
        checkpoint_seq=head.seq if head else None,
        checkpoint_at=datetime.fromisoformat(head.at) if head else None,
    )


class Views(Mapping[str, View]):
    """The window's views by key in navigation order; each is imported and built on first use, so start-up loads
    only the first one. `views[key]` builds it if needed; `views.built()` are those that exist."""

    def __init__(self, window: MainWindow) -> None:
        self._window = window
        self._entries = {entry.key: entry for entry in window.entries}
        self._built: dict[str, View] = {}

    def __getitem__(self, key: str) -> View:
        if key not in self._built:
            self._built[key] = self._window.build_view(self._entries[key])
        return self._built[key]

    def __contains__(self, key: object) -> bool:
        return key in self._entries

    def __iter__(self) -> Iterator[str]:
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)

    def built(self) -> list[View]:
        return list(self._built.values())


RETENTION_DELAY_MS = 3000


class MainWindow(QMainWindow):
    """Built before the company is open (issue 14: paint first): the navigation, menus and an empty page show at
    once; `open_company` (called by the app right after the first paint) opens the store and fills the first view.
    Given a session that is already open, the window fills itself at once."""

    def __init__(self, session: AppSession) -> None:
        super().__init__()
        self.session = session
        self.status: ShellStatus | None = None
        self.status_job: Job | None = None
        self.retention_job: Job | None = None
        self.payments_poller: PaymentsPoller | None = None  # started once the company is open
        self.alerts_poller: AlertsPoller | None = None  # likewise: the health checks, as alerts on the bell
        self._status_generation = 0
        self.dialogs: list[QWidget] = []  # non-modal boxes kept alive while shown
        self.setObjectName("mainWindow")
        body = QWidget()
        layout = QHBoxLayout(body)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        self.nav = QListWidget()
        self.nav.setObjectName("navigation")
        self.nav.setFixedWidth(200)
        self.nav.setIconSize(QSize(20, 20))
        self.stack = QStackedWidget()
        layout.addWidget(self.nav)
        layout.addWidget(self.stack, 1)
        root = QWidget()
        self.banners = QVBoxLayout(root)  # full-width bars above navigation and page (the incident banner)
        self.banners.setContentsMargins(0, 0, 0, 0)
        self.banners.setSpacing(0)
        self.banners.addWidget(body, 1)
        self.setCentralWidget(root)
        self.entries: tuple[ViewEntry, ...] = VIEWS
        self.keys = [entry.key for entry in self.entries]
        self.views = Views(self)
        for entry in self.entries:
            self.stack.addWidget(QWidget())  # a placeholder until the view is first shown
            self.nav.addItem(entry.title())
            self.nav.item(self.nav.count() - 1).setIcon(icon(NAV_ICONS.get(entry.key, "layout-dashboard")))
        self.nav.currentRowChanged.connect(self._row_changed)
        self._build_menus()
        for action in self.findChildren(QAction):
            if action.objectName() in SHELL_ACTIONS:
                action.setIcon(icon(SHELL_ACTIONS[action.objectName()]))
        for action, entry in zip(self.go_actions, self.entries, strict=True):
            action.setIcon(icon(NAV_ICONS.get(entry.key, "layout-dashboard")))
        self._build_status_bar()
        self.incident = install_incident_mode(self, session)  # the red banner over every view, and its menu action
        self.file_menu.insertAction(self.quit_action, self.incident.action)
        self.nav.setCurrentRow(0)  # builds the first view once the company is open
        self.retranslate()
        session.changed.connect(self._on_changed)
        session.language_changed.connect(self._on_language_changed)
        # The retention job waits until the window is up: it never competes with the start for the GIL. The timer
        # belongs to the window, so it dies with it.
        self.retention_timer = QTimer(self, singleShot=True, interval=RETENTION_DELAY_MS)
        self.retention_timer.timeout.connect(self.purge_expired_holds)
        self.resize(1200, 780)
        self._filled = False
        if session.is_open:
            self.company_opened()

    def open_company(self) -> None:
        """Open the configured company (the store stack loads here), then fill the window. Raises QaydError."""
        self.session.open()
        self.company_opened()

    def company_opened(self) -> None:
        """The company is open: build the current view, read the status bar, start the background work (once)."""
        if self._filled:
            return
        self._filled = True
        self._row_changed(self.nav.currentRow())
        self.refresh_status()
        self.sync_status.company_opened()
        self.incident.company_opened()
        self.retention_timer.start()
        from desktop.views.mail_send import flusher_for

        flusher_for(self.session).flush_now()  # the outbox goes out in a job now, then every two minutes (if set up)
        self.start_payments_poll()
        self.start_alerts_poll()

    def start_alerts_poll(self) -> None:
        """Run the health checks every few minutes (first soon after the start) in a job; alerts go to the bell."""
        from desktop.alerts_poller import AlertsPoller

        self.alerts_poller = AlertsPoller(self.session, parent=self)
        self.alerts_poller.changed.connect(self.sync_status.show_alerts)
        self.alerts_poller.start(first_after_ms=RETENTION_DELAY_MS)

    def start_payments_poll(self) -> None:
        """Poll the payment provider every few minutes, first soon after the start (a desk with no provider key polls
        nothing). Every desk polls, with central or without: offline is what the sync controller says when there is
        one; a desk on its own just tries, and a failed poll is logged and tried again at the next tick."""
        from desktop.payments_poller import PaymentsPoller

        self.payments_poller = PaymentsPoller(self.session, self._online, parent=self)
        self.payments_poller.start(first_after_ms=RETENTION_DELAY_MS)

    def _online(self) -> bool | None:
        """True or False as the sync controller knows it; None (not known: try) on a desk without central."""
        sync = self.session.sync
        return None if sync is None else sync.state.online

    def first_data_shown(self) -> bool:
        """Whether the current view shows its data yet (the startup report waits for the dashboard's figures)."""
        widget = self.stack.currentWidget()
        return isinstance(widget, View) and widget.data_shown()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.retention_timer.stop()
        if self.payments_poller is not None:
            self.payments_poller.stop()
        if self.alerts_poller is not None:
            self.alerts_poller.stop()
        self.sync_status.stop()
        super().closeEvent(event)

    def purge_expired_holds(self) -> None:
        """The retention job: personal data held after an erasure is purged once its hold ends (in a Job, at start)."""
        if not self.session.is_open:  # the company was closed meanwhile (the window is going away)
            return
        ctx = self.session.ctx

        def work(progress: Progress, cancelled: Cancelled) -> int:
            from core.privacy import purge_expired

            return purge_expired(ctx, today=saudi_time(ctx.clock()).date())

        job = Job(work, "retention")
        self.retention_job = job
        job.signals.succeeded.connect(lambda purged: self.session.notify(PRIVACY) if purged else None)
        job.signals.failed.connect(lambda exc: logging.getLogger("qayd.desktop").warning(
            "retention purge failed: %s", log_text(exc)))
        self.session.pool.start(job)

    def build_view(self, entry: ViewEntry) -> View:
        """Import the view's module, construct the view in its slot, then its first retranslate and refresh (a view
        that fails to load shows the error instead of stopping the app)."""
        cls = entry.load()
        view = cls(self.session)
        decorate_view(view, cls.key)
        if view.layout() is not None:  # one spacing for every page, beside the navigation's edge
            view.layout().setContentsMargins(16, 12, 16, 12)
        row = self.keys.index(entry.key)
        placeholder = self.stack.widget(row)
        current = self.stack.currentIndex()
        self.stack.insertWidget(row, view)
        if placeholder is not None:
            self.stack.removeWidget(placeholder)
            placeholder.deleteLater()
        self.stack.setCurrentIndex(current)
        if cls.key == "invoices" and self._view_binds(view, QKeySequence(QKeySequence.StandardKey.New)):
            self.new_invoice_action.setShortcut(QKeySequence())  # the view's own Ctrl+N wins: no ambiguity
        try:
            view.retranslate()
            view.refresh()
        except Exception as exc:
            self.dialogs.append(present_error(self, exc))
        return view

    def _row_changed(self, row: int) -> None:
        if not self.session.is_open:  # before the company opens, the page stays empty (company_opened fills it)
            self.stack.setCurrentIndex(row)
            return
        if 0 <= row < len(self.keys):
            view = self.views[self.keys[row]]
            self.stack.setCurrentWidget(view)

    # --- navigation -----------------------------------------------------------------------------------------

    def show_view(self, key: str) -> View:
        view = self.views[key]
        self.nav.setCurrentRow(self.keys.index(key))
        return view

    def current_view(self) -> View:
        widget = self.stack.currentWidget()
        assert isinstance(widget, View)
        return widget

    # --- menus ----------------------------------------------------------------------------------------------

    def _build_menus(self) -> None:
        bar = self.menuBar()
        self.file_menu = bar.addMenu("")
        self.new_invoice_action = QAction(self)
        self.new_invoice_action.setObjectName("newInvoice")
        # Ctrl+N (a QKeySequence needs the QApplication); dropped if the invoices view binds it itself.
        self.new_invoice_action.setShortcut(QKeySequence(QKeySequence.StandardKey.New))
        self.new_invoice_action.triggered.connect(self.new_invoice)
        self.file_menu.addAction(self.new_invoice_action)
        self.file_menu.addSeparator()
        self.quit_action = QAction(self)
        self.quit_action.setObjectName("quit")
        self.quit_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Quit))
        self.quit_action.triggered.connect(self.close)
        self.file_menu.addAction(self.quit_action)

        self.go_menu = bar.addMenu("")
        self.go_actions: list[QAction] = []
        for row, key in enumerate(self.views):
            action = QAction(self)
            action.setObjectName(f"go_{key}")
            if row < 10:  # Ctrl+1 … Ctrl+9, then Ctrl+0 for the tenth view (as a keyboard's digit row runs)
                action.setShortcut(QKeySequence(f"Ctrl+{(row + 1) % 10}"))
            action.triggered.connect(lambda _checked=False, k=key: self.show_view(k))
            self.go_menu.addAction(action)
            self.go_actions.append(action)

        self.language_menu = bar.addMenu("")
        self.language_group = QActionGroup(self)
        self.language_actions: dict[str, QAction] = {}
        for code, name in LANGUAGE_NAMES:
            action = QAction(name, self)  # each language in its own words
            action.setObjectName(f"language_{code}")
            action.setCheckable(True)
            action.setChecked(code == self.session.language)
            action.triggered.connect(lambda _checked=False, c=code: self.set_language(c))
            self.language_group.addAction(action)
            self.language_menu.addAction(action)
            self.language_actions[code] = action
        self.switch_language_action = QAction(self)
        self.switch_language_action.setObjectName("switchLanguage")
        self.switch_language_action.setShortcut(QKeySequence("Ctrl+Shift+L"))
        self.switch_language_action.triggered.connect(self.toggle_language)
        self.language_menu.addSeparator()
        self.language_menu.addAction(self.switch_language_action)

        self.help_menu = bar.addMenu("")
        self.about_action = QAction(self)
        self.about_action.setObjectName("about")
        self.about_action.triggered.connect(self.show_about)
        self.help_menu.addAction(self.about_action)
        self.support_bundle_action = QAction(self)
        self.support_bundle_action.setObjectName("supportBundle")
        self.support_bundle_action.triggered.connect(self.create_support_bundle)
        self.help_menu.addAction(self.support_bundle_action)

        self.toolbar = QToolBar()
        self.toolbar.setObjectName("languageToolbar")
        self.toolbar.setMovable(False)
        self.toolbar.setIconSize(QSize(18, 18))
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.toolbar.addAction(self.new_invoice_action)
        self.toolbar.addAction(self.switch_language_action)
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, self.toolbar)

    @staticmethod
    def _view_binds(view: View, keys: QKeySequence) -> bool:
        bound = [s.key() for s in view.findChildren(QShortcut)]
        bound += [k for a in view.findChildren(QAction) for k in a.shortcuts()]
        bound += [k for a in view.actions() for k in a.shortcuts()]
        return any(k.matches(keys) == QKeySequence.SequenceMatch.ExactMatch for k in bound)

    def new_invoice(self) -> None:
        """Ctrl+N: the invoices view, with the editor on a new draft."""
        from desktop.views.invoices import InvoicesView

        view = self.show_view("invoices")
        assert isinstance(view, InvoicesView)
        view.new_invoice()

    def create_support_bundle(self) -> None:
        from desktop.support import create_support_bundle

        self.support_job = create_support_bundle(self, self.session)

    def show_about(self) -> None:
        box = QMessageBox(QMessageBox.Icon.Information, tr("Shell", "About Qayd"),
                          tr("Shell", "Qayd {version}: ZATCA e-invoicing and a tamper-evident audit trail.")
                          .format(version=__version__), parent=self)
        box.setObjectName("aboutBox")
        self.dialogs.append(box)
        box.finished.connect(lambda _r: self.dialogs.remove(box) if box in self.dialogs else None)
        box.open()

    # --- language -------------------------------------------------------------------------------------------

    def set_language(self, language: str) -> None:
        self.session.set_language(language)

    def toggle_language(self) -> None:
        self.set_language("en" if self.session.language == "ar" else "ar")

    def _on_language_changed(self, language: str) -> None:
        action = self.language_actions.get(language)
        if action is not None:
            action.setChecked(True)
        self.retranslate()  # names and dates in the status bar depend on the language, not only on translators

    # --- status bar -----------------------------------------------------------------------------------------

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        self.company_label = QLabel()
        self.company_label.setObjectName("statusCompany")
        self.egs_label = QLabel()
        self.egs_label.setObjectName("statusEgs")
        self.queue_label = QLabel()
        self.queue_label.setObjectName("statusQueue")
        self.chain_label = QLabel()
        self.chain_label.setObjectName("statusChain")
        for label in (self.company_label, self.egs_label, self.queue_label, self.chain_label):
            bar.addPermanentWidget(label)
        from desktop.notifications import SyncStatusBar  # sync state, presence, bell; sets session.sync

        self.sync_status = SyncStatusBar(self.session, self)
        bar.addPermanentWidget(self.sync_status)

    def _on_changed(self, topic: str) -> None:
        if topic in STATUS_TOPICS:
            self.refresh_status()

    def refresh_status(self) -> None:
        """Read the status in a Job; only the newest read is shown (nothing to read before the company opens)."""
        if not self.session.is_open:
            return
        self._status_generation += 1
        generation = self._status_generation
        ctx = self.session.ctx

        def work(progress: Progress, cancelled: Cancelled) -> ShellStatus:
            return read_status(ctx)

        job = Job(work, "status")
        self.status_job = job
        job.signals.succeeded.connect(lambda status: self._show_status(generation, status))
        job.signals.failed.connect(lambda exc: self._status_failed(generation, exc))
        self.session.pool.start(job)

    def _show_status(self, generation: int, status: object) -> None:
        if generation == self._status_generation and isinstance(status, ShellStatus):
            self.status = status
            self._render_status()

    def _status_failed(self, generation: int, exc: BaseException) -> None:
        logging.getLogger("qayd.desktop").warning("status bar: %s", log_text(exc))
        if generation == self._status_generation:
            self.chain_label.setText(tr("Shell", "Status unavailable"))

    def _render_status(self) -> None:
        status, lang = self.status, self.session.language
        if status is None:
            for label in (self.company_label, self.egs_label, self.queue_label, self.chain_label):
                label.setText("…")
            self.setWindowTitle(tr("Shell", "Qayd"))
            return
        name = (status.company_ar or status.company_en) if lang == "ar" else (status.company_en or status.company_ar)
        self.company_label.setText(tr("Shell", "Company: {name}").format(name=name or self.session.settings.company))
        self.setWindowTitle(tr("Shell", "Qayd — {company}").format(company=name or self.session.settings.company))
        if status.egs_name:
            self.egs_label.setText(tr("Shell", "EGS unit: {name} ({environment})").format(
                name=status.egs_name, environment=environment_name(status.egs_environment)))
        else:
            self.egs_label.setText(tr("Shell", "No EGS unit"))
        if status.pending or status.rejected:
            self.queue_label.setText(tr("Shell", "ZATCA queue: {pending} pending, {rejected} rejected").format(
                pending=format_int(status.pending), rejected=format_int(status.rejected)))
        else:
            self.queue_label.setText(tr("Shell", "ZATCA queue: nothing waiting"))
        self.queue_label.setStyleSheet("color: #b3261e;" if status.rejected else "")
        entries = format_int(status.entries)
        if status.checkpoint_seq is not None and status.checkpoint_at is not None:
            self.chain_label.setText(tr("Shell", "Audit chain: {entries} entries, checkpoint #{seq}").format(
                entries=entries, seq=format_int(status.checkpoint_seq)))
            self.chain_label.setToolTip(tr("Shell", "Last signed checkpoint: {date}. Verify the whole chain in "
                                                    "the Audit view.").format(
                date=format_date(saudi_time(status.checkpoint_at), lang, hijri=True)))
        else:
            self.chain_label.setText(tr("Shell", "Audit chain: {entries} entries, no checkpoint yet").format(
                entries=entries))
            self.chain_label.setToolTip("")

    # --- language change ------------------------------------------------------------------------------------

    def retranslate(self) -> None:
        for row, entry in enumerate(self.entries):
            item = self.nav.item(row)
            if item is not None:
                item.setText(entry.title())
            if row < len(self.go_actions):
                self.go_actions[row].setText(entry.title())
        self.file_menu.setTitle(tr("Shell", "&File"))
        self.new_invoice_action.setText(tr("Shell", "&New invoice"))
        self.quit_action.setText(tr("Shell", "&Quit"))
        self.go_menu.setTitle(tr("Shell", "&Go"))
        self.language_menu.setTitle(tr("Shell", "&Language"))
        other = dict(LANGUAGE_NAMES)["en" if self.session.language == "ar" else "ar"]
        self.switch_language_action.setText(other)
        self.switch_language_action.setToolTip(tr("Shell", "Switch the language to {language}").format(
            language=other))
        self.help_menu.setTitle(tr("Shell", "&Help"))
        self.about_action.setText(tr("Shell", "&About Qayd"))
        self.incident.retranslate()
        self.support_bundle_action.setText(tr("Shell", "Create &support bundle…"))
        self._render_status()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
