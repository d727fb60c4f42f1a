"""The desktop side of central sync: automatic sync while online, live updates, presence and notifications.

One `SyncController` per open company that has a central connection (`ensure_controller(session)` makes it and
sets `session.sync`; None means "not connected"). Everything here runs off the UI thread:

- a sync is a `Job` on `session.pool` calling `core.sync.sync_step` (it opens its own units of work): every
  30 s, 2 s after a local write (`session.changed`, debounced), at once when another device pushed (LISTEN/NOTIFY),
  and on "Sync now". One at a time: asking while one runs runs one more afterwards. After a sync that applied
  changes, `session.notify` the topics touched so that open views refresh;
- central unreachable: the state says offline with the changes waiting, and sync retries after 5 s, doubling to 60 s;
- the core's listen loop (`core.sync.ListenLoop`, a daemon thread) LISTENs, reconnecting with the same back-off,
  and this controller hands each event to the UI thread through a queued signal; `stop()` ends it within ~1 s;
- a heartbeat every 30 s (and at once when `set_viewing` changes what is open) says who is here and what they
  look at; presence is re-read after presence events; `online=False` is sent on `stop()`;
- notifications are read at start (the newest 50) and after each notification event; the last one read is
  remembered per device in `<data dir>/desktop-sync.ini` (QSettings), so the badge survives a restart.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from PySide6.QtCore import QObject, QSettings, QTimer, Signal

from core.sync import (
    RETRY_FIRST,
    ListenLoop,
    LiveEvent,
    NoticeItem,
    Presence,
    SyncOutcome,
    dsn_for,
    engine,
    failure_text,
    live,
    next_delay,
    notices_after,
    sync_step,
)
from core.sync import farewell as say_farewell
from core.sync import heartbeat as send_heartbeat
from core.sync import presence as read_presence
from core.uow import Context
from desktop.errors import log_text
from desktop.jobs import Cancelled, Job, Progress
from desktop.notifications import store_has_central
from desktop.session import (
    CUSTOMERS,
    INSIGHTS,
    INVOICES,
    PRIVACY,
    PRODUCTS,
    SETTINGS,
    ZATCA,
    AppSession,
)

log = logging.getLogger("qayd.desktop.sync")

SYNC_INTERVAL_MS = 30_000
WRITE_DELAY_MS = 2_000
HEARTBEAT_MS = 30_000
LISTEN_POLL = 1.0  # the listen loop wakes this often (tests shorten it)
NOTICES_AT_START = 50

# Which views show each synchronised table.
TOPICS: dict[str, tuple[str, ...]] = {
    "customer": (CUSTOMERS, INVOICES), "product": (PRODUCTS,), "invoice": (INVOICES,),
    "invoice_line": (INVOICES,), "invoice_allowance_charge": (INVOICES,), "issued_document": (INVOICES, ZATCA),
    "zatca_submission": (ZATCA,), "egs_unit": (ZATCA,), "gdpr_request": (PRIVACY,),
    "payment_link": (INVOICES,), "payment": (INVOICES,), "payment_refund": (INVOICES,),  # issue 15: paid status
    "insight_mark": (INSIGHTS,),  # issue 17: a finding marked on another desk
}
# Local writes of these topics leave something in the outbox: sync 2 s later.
WRITE_TOPICS = frozenset({INVOICES, CUSTOMERS, PRODUCTS, ZATCA, PRIVACY, INSIGHTS})


@dataclass(frozen=True)
class SyncState:
    """What the status bar and the Sync view show."""

    online: bool | None = None  # None: no attempt finished yet
    syncing: bool = False
    last_sync_at: datetime | None = None
    pending: int = 0
    conflicts: int = 0
    last_error: str = ""
    retry_in: float = 0.0  # seconds to the next attempt after a failure


def sync_work(ctx: Context, dsn: str) -> Callable[[Progress, Cancelled], SyncOutcome]:
    def work(progress: Progress, cancelled: Cancelled) -> SyncOutcome:
        return sync_step(ctx, dsn, progress=progress, cancelled=cancelled)  # a cancel: desktop.jobs shows it

    return work


class SyncController(QObject):
    state_changed = Signal(object)  # SyncState
    synced = Signal(object)  # core.sync.engine.SyncResult, after each successful sync
    presence_changed = Signal(list)  # [Presence]: everyone online, this device included
    notices_changed = Signal()  # the list or the unread count changed
    notice_arrived = Signal(object)  # a NoticeItem from another device, new since start: a toast
    listening_changed = Signal(bool)
    _event = Signal(object)  # from the listen loop's thread
    _listen_state = Signal(bool)

    def __init__(self, session: AppSession, dsn: str | None = None, *, display_name: str = "",
                 listen: bool = True, marks: QSettings | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.ctx = session.ctx
        self.device = str(self.ctx.device_id)
        self.dsn = dsn or dsn_for(self.ctx, session.settings)
        status = engine.status(self.ctx)
        self.display_name = display_name  # "": the member's name centrally (read at the first heartbeat)
        self.state = SyncState(last_sync_at=status.last_sync_at, pending=status.pending,
                               conflicts=status.conflicts, last_error=status.last_error)
        self.people: list[Presence] = []
        self.notices: list[NoticeItem] = []
        self.viewing = ""
        self.listening = False
        self._listen = listen
        self._listener: ListenLoop | None = None
        self._started = self._closed = False
        self._registered = False  # a sync went through: the device is known centrally (heartbeats may follow)
        self._notices_loaded = False
        self._own_notify = False
        self._retry = RETRY_FIRST
        self._running: dict[str, Job] = {}
        self._again: set[str] = set()
        self.marks = marks if marks is not None else QSettings(
            str(session.settings.data_dir / "desktop-sync.ini"), QSettings.Format.IniFormat)
        self.last_read = int(str(self.marks.value(f"{self.device}/last_read_notice", 0) or 0))

        self.interval_timer = self._timer(SYNC_INTERVAL_MS, False, self.request_sync)
        self.write_timer = self._timer(WRITE_DELAY_MS, True, self._after_write)
        self.heartbeat_timer = self._timer(HEARTBEAT_MS, False, self.heartbeat)
        self.retry_timer = self._timer(int(RETRY_FIRST * 1000), True, lambda: self.request_sync(force=True))
        self._event.connect(self._on_event)
        self._listen_state.connect(self._on_listen_state)
        session.changed.connect(self._on_changed)

    def _timer(self, ms: int, single: bool, slot: Callable[[], object]) -> QTimer:
        timer = QTimer(self)
        timer.setSingleShot(single)
        timer.setInterval(ms)
        timer.timeout.connect(slot)
        return timer

    # --- lifecycle ------------------------------------------------------------------------------------------

    def start(self) -> None:
        if self._started or self._closed:
            return
        self._started = True
        self.interval_timer.start()
        self.heartbeat_timer.start()
        if self._listen:
            self._start_listener()
        self.request_sync(force=True)

    def _start_listener(self) -> None:
        self._listener = ListenLoop(self.dsn, self._emit_event, self._emit_listen_state, poll=LISTEN_POLL)
        self._listener.start()

    def _emit_event(self, event: LiveEvent) -> None:  # listener thread
        with suppress(RuntimeError):  # the controller is gone
            self._event.emit(event)

    def _emit_listen_state(self, on: bool) -> None:  # listener thread
        with suppress(RuntimeError):
            self._listen_state.emit(on)

    def set_dsn(self, dsn: str) -> None:
        """The connection was changed in Settings: listen and sync with the new one."""
        if dsn == self.dsn:
            self.request_sync(force=True)
            return
        self.dsn = dsn
        self._registered = self._notices_loaded = False
        self.notices, self.people = [], []
        if self._listener is not None:
            self._listener.stop()
            self._start_listener()
        self._retry = RETRY_FIRST
        self.request_sync(force=True)

    def stop(self) -> None:
        """Stop syncing (the window closes): timers, the listener (joined within 2 s), and say we left."""
        if self._closed:
            return
        self._closed = True
        for timer in (self.interval_timer, self.write_timer, self.heartbeat_timer, self.retry_timer):
            timer.stop()
        with suppress(RuntimeError):
            self.session.changed.disconnect(self._on_changed)
        if self._listener is not None:
            self._listener.stop(2.0)
        for job in self._running.values():
            job.cancel()
        if self._registered:
            ctx, dsn, name = self.ctx, self.dsn, self.display_name

            def farewell(progress: Progress, cancelled: Cancelled) -> None:
                say_farewell(ctx, dsn, display_name=name)

            job = Job(farewell, "sync-farewell")
            job.signals.failed.connect(lambda exc: log.info("farewell heartbeat: %s", _describe(exc)))
            self.session.pool.start(job)

    @property
    def running(self) -> bool:
        return self._started and not self._closed

    # --- jobs: one of each kind at a time ---------------------------------------------------------------------

    def _kick(self, kind: str, fn: Callable[[Progress, Cancelled], Any], ok: Callable[[Any], None],
              failed: Callable[[BaseException], None] | None = None) -> bool:
        if self._closed:
            return False
        if kind in self._running:
            self._again.add(kind)
            return False
        job = Job(fn, f"sync-{kind}")
        self._running[kind] = job
        job.signals.succeeded.connect(ok)
        job.signals.failed.connect(failed or (lambda exc: log.info("%s: %s", kind, _describe(exc))))
        job.signals.finished.connect(lambda: self._finished(kind))
        self.session.pool.start(job)
        return True

    def _finished(self, kind: str) -> None:
        self._running.pop(kind, None)
        if kind in self._again and not self._closed:
            self._again.discard(kind)
            {"sync": lambda: self.request_sync(force=True), "local": self.refresh_local, "heartbeat": self.heartbeat,
             "presence": self.refresh_presence, "notices": self.refresh_notices}[kind]()

    # --- sync -------------------------------------------------------------------------------------------------

    def request_sync(self, *, force: bool = False) -> None:
        """Sync soon. While offline, automatic requests wait for the retry; `force` (Sync now, another device's
        change, the listener reconnecting) tries at once."""
        if self._closed:
            return
        if self.retry_timer.isActive() and not force:
            return
        self.retry_timer.stop()
        if "sync" in self._running:
            self._again.add("sync")
            return
        self._set_state(syncing=True)
        self._kick("sync", sync_work(self.ctx, self.dsn), self._synced)

    def sync_now(self) -> None:
        self.request_sync(force=True)

    def _synced(self, outcome: SyncOutcome) -> None:
        status = outcome.status
        if outcome.result is None:
            assert outcome.error is not None
            delay = self._retry
            self._retry = next_delay(self._retry)
            if not self._closed:
                self.retry_timer.start(int(delay * 1000))
            self._set_state(online=False, syncing=False, retry_in=delay, last_error=_describe(outcome.error),
                            **_counts(status))
            log.info("sync failed (%s); again in %.0f s", _describe(outcome.error), delay)
            return
        result = outcome.result
        self._retry = RETRY_FIRST
        self._set_state(online=True, syncing=False, retry_in=0.0, last_error="",
                        last_sync_at=status.last_sync_at if status else self.state.last_sync_at, **_counts(status))
        first = not self._registered
        self._registered = True
        if first:
            self.heartbeat()
        if not self._notices_loaded:
            self.refresh_notices()
        topics = sorted({t for e in outcome.entities for t in TOPICS.get(e, ())})
        if result.applied and not topics:  # what changed is unknown: refresh what sync can touch
            topics = sorted({t for ts in TOPICS.values() for t in ts})
        self._own_notify = True
        try:
            for topic in topics:
                self.session.notify(topic)
        finally:
            self._own_notify = False
        self.synced.emit(result)

    def _set_state(self, **changes: Any) -> None:
        self.state = replace(self.state, **changes)
        self.state_changed.emit(self.state)

    def _on_changed(self, topic: str) -> None:
        if self._own_notify or not self.running:
            return
        if topic in WRITE_TOPICS:
            self.write_timer.start()
        elif topic == SETTINGS:
            self.refresh_local()

    def _after_write(self) -> None:
        self.refresh_local()
        self.request_sync()

    def refresh_local(self) -> None:
        """Re-read the pending changes and open conflicts (no network): after local writes and resolutions."""
        ctx = self.ctx
        self._kick("local", lambda _p, _c: engine.status(ctx),
                   lambda st: self._set_state(**_counts(st)))

    # --- live events ------------------------------------------------------------------------------------------

    def _on_event(self, event: LiveEvent) -> None:
        if self._closed:
            return
        own = str(event.data.get("device", "")) == self.device
        if event.kind == "change" and not own:
            self.request_sync(force=True)
        elif event.kind == "presence" and not own:
            self.refresh_presence()
        elif event.kind == "notification":
            self.refresh_notices()

    def _on_listen_state(self, on: bool) -> None:
        if on == self.listening:
            return
        self.listening = on
        self.listening_changed.emit(on)
        if on and not self._closed:  # back online: catch up with what happened meanwhile
            self.request_sync(force=True)
            if self._registered:
                self.refresh_notices()
                self.refresh_presence()

    # --- presence ---------------------------------------------------------------------------------------------

    def set_viewing(self, subject: str) -> None:
        """What this person has open (e.g. "invoice:<id>", "" for nothing); others see it at once."""
        if subject != self.viewing:
            self.viewing = subject
            if self._registered:
                self.heartbeat()

    def heartbeat(self) -> None:
        if not self._registered:
            return
        ctx, dsn, name, viewing = self.ctx, self.dsn, self.display_name, self.viewing

        def work(progress: Progress, cancelled: Cancelled) -> tuple[str, list[Presence]]:
            return send_heartbeat(ctx, dsn, display_name=name, viewing=viewing)

        self._kick("heartbeat", work, self._heartbeat_done)

    def _heartbeat_done(self, answer: tuple[str, list[Presence]]) -> None:
        self.display_name = self.display_name or answer[0]
        self._set_people(answer[1])

    def refresh_presence(self) -> None:
        dsn = self.dsn

        def work(progress: Progress, cancelled: Cancelled) -> list[Presence]:
            return read_presence(dsn)

        self._kick("presence", work, self._set_people)

    def _set_people(self, people: list[Presence]) -> None:
        if not self._closed:
            self.people = list(people)
            self.presence_changed.emit(self.people)

    def others(self) -> list[Presence]:
        """Who else is online (other devices)."""
        return [p for p in self.people if p.device_id != self.device]

    def viewers(self, subject: str) -> list[Presence]:
        """Who else has `subject` open."""
        return live.viewers(self.people, subject, other_than=self.ctx.device_id)

    # --- notifications ----------------------------------------------------------------------------------------

    def refresh_notices(self) -> None:
        if not self._registered:
            return
        dsn = self.dsn
        first = not self._notices_loaded
        after = 0 if first else max((n.notice.id for n in self.notices), default=0)

        def work(progress: Progress, cancelled: Cancelled) -> list[NoticeItem]:
            return notices_after(dsn, after=after, limit=NOTICES_AT_START if first else 200)

        self._kick("notices", work, lambda items: self._got_notices(items, first))

    def _got_notices(self, items: list[NoticeItem], first: bool) -> None:
        if self._closed:
            return
        known = {n.notice.id for n in self.notices}
        fresh = [n for n in items if n.notice.id not in known]
        self._notices_loaded = True
        self.notices = sorted([*self.notices, *fresh], key=lambda n: n.notice.id)[-200:]
        self.notices_changed.emit()
        if not first:
            for item in fresh:
                if item.device_id != self.device:
                    self.notice_arrived.emit(item)

    @property
    def unread(self) -> int:
        return sum(1 for n in self.notices if n.notice.id > self.last_read and n.device_id != self.device)

    def mark_read(self) -> None:
        newest = max((n.notice.id for n in self.notices), default=0)
        if newest > self.last_read:
            self.last_read = newest
            self.marks.setValue(f"{self.device}/last_read_notice", newest)
            self.marks.sync()
            self.notices_changed.emit()


def _counts(status: engine.SyncStatus | None) -> dict[str, Any]:
    if status is None:
        return {}
    return {"pending": status.pending, "conflicts": status.conflicts}


def _describe(exc: object) -> str:
    text = failure_text(exc)
    if text is not None:
        return text
    return log_text(exc) if isinstance(exc, BaseException) else str(exc)


def ensure_controller(session: AppSession, *, start: bool = True) -> SyncController | None:
    """The session's controller (`session.sync`), made and started when this install has a central connection;
    after the connection changed, the running controller switches to it. None when not connected."""
    current = session.sync
    if not store_has_central(session):
        return current
    if current is not None:
        current.set_dsn(dsn_for(session.ctx, session.settings))
        return current
    controller = SyncController(session)
    session.sync = controller
    if start:
        controller.start()
    return controller
