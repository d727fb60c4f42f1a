"""The open company as the desktop sees it: settings, the core Context, the job pool and change notifications.

Built once by `desktop.app` and handed to every window and view through their constructors. Views read and
write through `core` services with `session.uow()` on the UI thread only for small reads (a page of rows, one
record); anything longer goes to `session.pool` as a `Job` that opens its own unit of work (a Session never
crosses threads). After a write, call `session.notify(topic)` so that every view showing that data refreshes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QObject, Signal

from core.clock import Clock, system_clock
from desktop.i18n import install_language
from desktop.jobs import Pool, ThreadPool

if TYPE_CHECKING:  # the controller loads the network stack: only once this install turns out to have central
    from core.config import Settings
    from core.uow import Context, UnitOfWork
    from desktop.sync_controller import SyncController

# Topics of `changed`: what kind of data a write touched.
INVOICES, CUSTOMERS, PRODUCTS, ZATCA, AUDIT, COMPANY, SETTINGS, PRIVACY, INSIGHTS = (
    "invoices", "customers", "products", "zatca", "audit", "company", "settings", "privacy", "insights")


class AppSession(QObject):
    changed = Signal(str)  # a topic above
    language_changed = Signal(str)  # "en" | "ar", after the translators are swapped

    def __init__(self, settings: Settings | None, *, clock: Clock = system_clock, pool: Pool | None = None,
                 ctx: Context | None = None, language: str | None = None) -> None:
        """`settings` may come later (`use_settings`): the app paints its window in `language` (peeked from the same
        sources, core.config_file) before it loads and validates them (issue 14)."""
        super().__init__()
        self._settings, self.clock = settings, clock
        self.pool: Pool = pool if pool is not None else ThreadPool()
        self._ctx = self._desktop(ctx) if ctx is not None else None
        self.language: str = language or (settings.language if settings is not None else "en")
        # The central-sync controller, set by `desktop.sync_controller.ensure_controller` when this install has a
        # central database; None offline-only.
        self.sync: SyncController | None = None

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            raise RuntimeError("the settings are read after the first paint; nothing may use them before")
        return self._settings

    @property
    def has_settings(self) -> bool:
        return self._settings is not None

    def use_settings(self, settings: Settings) -> None:
        """The validated settings, once loaded (the window is already on screen)."""
        self._settings = settings

    @staticmethod
    def _desktop(ctx: Context) -> Context:
        ctx.channel = "desktop"  # the personal-data access log names where each read came from
        return ctx

    @property
    def is_open(self) -> bool:
        return self._ctx is not None

    @property
    def ctx(self) -> Context:
        if self._ctx is None:
            self.open()
        assert self._ctx is not None
        return self._ctx

    def open(self, *, create: bool = False) -> Context:
        """Open (or with `create`, create) the configured company's store."""
        if self._ctx is None:
            # the store stack (SQLAlchemy, the models, the keys) loads here, after the window has painted (issue 14)
            from core.bootstrap import open_company

            self._ctx = self._desktop(open_company(self.settings, create=create, clock=self.clock))
        return self._ctx

    def adopt(self, ctx: Context) -> None:
        """Take over a Context opened elsewhere (e.g. by the first-run wizard's job, which created the company)."""
        if self._ctx is not None and self._ctx is not ctx:
            self._ctx.close()
        self._ctx = self._desktop(ctx)

    def set_language(self, language: str) -> None:
        """Switch the UI language at runtime: translators, locale, layout direction, then `language_changed`.

        `language` is set first, so views re-reading their texts on LanguageChange already format for it.
        """
        previous, self.language = self.language, language
        app = QCoreApplication.instance()
        try:
            if app is not None:
                install_language(app, language)
        except ValueError:
            self.language = previous
            raise
        if language != previous:
            self.language_changed.emit(language)

    def uow(self, *, write: bool = True) -> UnitOfWork:
        return self.ctx.uow(write=write)

    def notify(self, topic: str) -> None:
        self.changed.emit(topic)

    def close(self) -> None:
        if self._ctx is not None:
            self._ctx.close()
            self._ctx = None
