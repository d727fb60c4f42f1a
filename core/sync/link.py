"""The live link to central a desk keeps: the listen loop with its reconnect back-off, and the short central calls it
makes (a sync run, a heartbeat, presence, notices), each opening and closing its own connection.

The desktop drives these from its timers and job pool through the `core.sync` face and never sees psycopg: the
loop reports events and its connection state through callbacks, and `failure_text` turns a connection error into
one line to show. No Qt here: a script or a service can keep the same link.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass, field

import psycopg

from core.errors import Cancelled, QaydError
from core.sync import engine, live
from core.sync.engine import SyncResult, SyncStatus
from core.sync.live import LiveEvent, Notice, Presence
from core.uow import Context

log = logging.getLogger("qayd.sync.link")

RETRY_FIRST, RETRY_MAX = 5.0, 60.0  # seconds: the first wait after a failure, doubling up to the last
CONNECT_TIMEOUT = 5  # a desk would rather wait for the next retry than hang on a dead network
LISTEN_POLL = 1.0  # the loop wakes this often, so stop() returns within about a second

Progress = Callable[[float, str], None]
CancelCheck = Callable[[], bool]


def next_delay(delay: float) -> float:
    """The wait after another failure: double, up to RETRY_MAX."""
    return min(delay * 2, RETRY_MAX)


class ListenLoop(threading.Thread):
    """LISTENs on the company's channel in a daemon thread, reconnecting with back-off. Each event goes to
    `on_event` and each change of connection state to `on_state` (both called on this thread)."""

    def __init__(self, dsn: str, on_event: Callable[[LiveEvent], None], on_state: Callable[[bool], None], *,
                 poll: float = LISTEN_POLL) -> None:
        super().__init__(name="qayd-listen", daemon=True)
        self.dsn, self.on_event, self.on_state, self.poll = dsn, on_event, on_state, poll
        self.stopping = threading.Event()

    def run(self) -> None:
        delay = RETRY_FIRST
        while not self.stopping.is_set():
            try:
                listener = live.Listener(self.dsn, connect_timeout=CONNECT_TIMEOUT)
            except (psycopg.Error, OSError) as exc:
                log.info("listen: cannot connect (%s); again in %.0f s", type(exc).__name__, delay)
                self.on_state(False)
                self.stopping.wait(delay)
                delay = next_delay(delay)
                continue
            delay = RETRY_FIRST
            self.on_state(True)
            self._listen(listener)
            if not self.stopping.is_set():
                self.on_state(False)
                self.stopping.wait(min(delay, 1.0))

    def _listen(self, listener: live.Listener) -> None:
        try:
            while not self.stopping.is_set():
                for event in listener.events(timeout=self.poll):
                    self.on_event(event)
                if listener.conn.closed or listener.conn.broken:
                    break
        except (psycopg.Error, OSError) as exc:
            log.info("listen: connection lost (%s)", type(exc).__name__)
        finally:
            with suppress(Exception):
                listener.close()

    def stop(self, timeout: float = 2.0) -> None:
        self.stopping.set()
        if self.is_alive():
            self.join(timeout)


@dataclass
class SyncOutcome:
    """One sync run as a desk sees it: the result, or the error that stopped it; and the local status after."""

    result: SyncResult | None
    error: BaseException | None
    entities: set[str] = field(default_factory=set)
    status: SyncStatus | None = None


@dataclass(frozen=True)
class NoticeItem:
    """A central notification with the device that announced it (to tell ours from others')."""

    notice: Notice
    device_id: str


def sync_step(ctx: Context, dsn: str, *, progress: Progress | None = None,
              cancelled: CancelCheck | None = None) -> SyncOutcome:
    """Sync once; an unreachable or refusing central is an outcome (the desk retries), not an exception.
    Cancelling still raises the core's Cancelled."""
    try:
        result = engine.sync_once(ctx, dsn, progress=progress, cancelled=cancelled, connect_timeout=CONNECT_TIMEOUT)
        outcome = SyncOutcome(result, None, result.entities)
    except Cancelled:  # a QaydError too, but the person's choice, not the sync's failure
        raise
    except (QaydError, psycopg.Error) as exc:
        outcome = SyncOutcome(None, exc)
    outcome.status = engine.status(ctx)
    return outcome


def heartbeat(ctx: Context, dsn: str, *, display_name: str, viewing: str) -> tuple[str, list[Presence]]:
    """Say who is here and what they look at (the member's central name when `display_name` is ""); who is online."""
    with engine.central(dsn, connect_timeout=CONNECT_TIMEOUT) as conn:
        shown = display_name or live.member_name(conn)
        live.heartbeat(conn, ctx, display_name=shown, viewing=viewing)
        return shown, live.online(conn)


def farewell(ctx: Context, dsn: str, *, display_name: str) -> None:
    """Say this desk left (its window closed)."""
    with engine.central(dsn, connect_timeout=CONNECT_TIMEOUT) as conn:
        live.heartbeat(conn, ctx, display_name=display_name, viewing="", online=False)


def presence(dsn: str) -> list[Presence]:
    """Everyone online in the company now, this device included."""
    with engine.central(dsn, connect_timeout=CONNECT_TIMEOUT) as conn:
        return live.online(conn)


def notices_after(dsn: str, *, after: int, limit: int) -> list[NoticeItem]:
    """The newest `limit` notices after id `after`, oldest first, with the device that announced each."""
    with engine.central(dsn, connect_timeout=CONNECT_TIMEOUT) as conn:
        return [NoticeItem(n, n.device_id) for n in live.notices(conn, after=after, limit=limit, newest=True)]


def failure_text(exc: object) -> str | None:
    """One line for a failed central call: the Qayd message, or a connection error's first line; None otherwise."""
    if isinstance(exc, QaydError):
        return exc.message
    if isinstance(exc, psycopg.Error):
        return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return None
