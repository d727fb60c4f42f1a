"""Sync: one company shared through its central PostgreSQL: the connection, joining, the outbox and sync runs,
conflicts, the central audit chain, presence and notices, and the loop that keeps an install connected.

`engine`, `live` and `outbox` are exported as namespaces (`engine.sync_once`, `live.notices`).
"""

from typing import TYPE_CHECKING

from core.face import lazy_face

if TYPE_CHECKING:
    from core.sync import engine, live, outbox
    from core.sync.audit_central import central_head, verify_central
    from core.sync.conflicts import Conflict, list_conflicts
    from core.sync.conflicts import resolve as resolve_conflict
    from core.sync.connection import dsn_for, masked, new_dsn, save_connection
    from core.sync.engine import (
        SyncError,
        register_checked,
        sync_once,
    )
    from core.sync.engine import (
        central as connect_central,
    )
    from core.sync.engine import (
        status as sync_status,
    )
    from core.sync.join import Joined, device_series, join_company, series_by_device, set_series
    from core.sync.link import (
        LISTEN_POLL,
        RETRY_FIRST,
        RETRY_MAX,
        ListenLoop,
        NoticeItem,
        SyncOutcome,
        failure_text,
        farewell,
        heartbeat,
        next_delay,
        notices_after,
        presence,
        sync_step,
    )
    from core.sync.live import Listener, LiveEvent, Notice, Presence, online
    from core.sync.local_company import has_company

# Each name resolves on first use, so importing the face loads none of the capability's heavy libraries.
_FACE = {
    "Conflict": "core.sync.conflicts",
    "Joined": "core.sync.join",
    "LISTEN_POLL": "core.sync.link",
    "ListenLoop": "core.sync.link",
    "Listener": "core.sync.live",
    "LiveEvent": "core.sync.live",
    "Notice": "core.sync.live",
    "NoticeItem": "core.sync.link",
    "Presence": "core.sync.live",
    "RETRY_FIRST": "core.sync.link",
    "RETRY_MAX": "core.sync.link",
    "SyncError": "core.sync.engine",
    "SyncOutcome": "core.sync.link",
    "central_head": "core.sync.audit_central",
    "connect_central": "core.sync.engine:central",
    "device_series": "core.sync.join",
    "dsn_for": "core.sync.connection",
    "engine": "core.sync.engine",
    "failure_text": "core.sync.link",
    "farewell": "core.sync.link",
    "has_company": "core.sync.local_company",
    "heartbeat": "core.sync.link",
    "join_company": "core.sync.join",
    "list_conflicts": "core.sync.conflicts",
    "live": "core.sync.live",
    "masked": "core.sync.connection",
    "new_dsn": "core.sync.connection",
    "next_delay": "core.sync.link",
    "notices_after": "core.sync.link",
    "online": "core.sync.live",
    "outbox": "core.sync.outbox",
    "presence": "core.sync.link",
    "register_checked": "core.sync.engine",
    "resolve_conflict": "core.sync.conflicts:resolve",
    "save_connection": "core.sync.connection",
    "series_by_device": "core.sync.join",
    "set_series": "core.sync.join",
    "sync_once": "core.sync.engine",
    "sync_status": "core.sync.engine:status",
    "sync_step": "core.sync.link",
    "verify_central": "core.sync.audit_central",
}
__all__ = [
    "LISTEN_POLL",
    "RETRY_FIRST",
    "RETRY_MAX",
    "Conflict",
    "Joined",
    "ListenLoop",
    "Listener",
    "LiveEvent",
    "Notice",
    "NoticeItem",
    "Presence",
    "SyncError",
    "SyncOutcome",
    "central_head",
    "connect_central",
    "device_series",
    "dsn_for",
    "engine",
    "failure_text",
    "farewell",
    "has_company",
    "heartbeat",
    "join_company",
    "list_conflicts",
    "live",
    "masked",
    "new_dsn",
    "next_delay",
    "notices_after",
    "online",
    "outbox",
    "presence",
    "register_checked",
    "resolve_conflict",
    "save_connection",
    "series_by_device",
    "set_series",
    "sync_once",
    "sync_status",
    "sync_step",
    "verify_central",
]
__getattr__, __dir__ = lazy_face(__name__, _FACE)
