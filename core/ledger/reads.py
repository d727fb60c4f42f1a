"""The personal-data reads the unit of work appends to the chain: one `personal_data.read` entry per subject.

Below the unit of work (it calls `append_accesses` at commit); the access log's use cases, searching and counting
those entries, are in `core.privacy.access_log`. Never the values: the subject, the fields, the purpose, the channel.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the unit of work imports this module
    from core.ledger.log import AuditLog

ACTION = "personal_data.read"

# One read: (subject, fields, purpose, channel, restricted record)
Access = tuple[str, Sequence[str], str, str, bool]


class RecentReads:
    """Reads written lately (per Context, shared by its threads): a read repeated within the window is covered."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._at: dict[tuple[object, ...], datetime] = {}

    @staticmethod
    def _key(actor: str, access: Access) -> tuple[object, ...]:
        subject, fields, purpose, channel, restricted = access
        return (actor, subject, tuple(fields), purpose, channel, restricted)

    def new_ones(self, actor: str, accesses: Sequence[Access], now: datetime, window: float) -> list[Access]:
        """The accesses to write (and remember as written): restricted ones always, others unless seen lately."""
        if window <= 0:
            return list(accesses)
        horizon = now - timedelta(seconds=window)
        fresh = []
        with self._lock:
            if len(self._at) > 20_000:
                self._at = {k: t for k, t in self._at.items() if t > horizon}
            for access in accesses:
                key = self._key(actor, access)
                seen = self._at.get(key)
                if access[4] or seen is None or seen <= horizon:
                    fresh.append(access)
                    self._at[key] = now
        return fresh

    def forget(self, actor: str, accesses: Iterable[Access]) -> None:
        """Accesses whose transaction failed: the next read of them is written again."""
        with self._lock:
            for access in accesses:
                self._at.pop(self._key(actor, access), None)


def append_accesses(audit: AuditLog, accesses: Iterable[Access]) -> int:
    """Append one `personal_data.read` entry per access to the caller's transaction; returns how many."""
    n = 0
    for subject, fields, purpose, channel, restricted in accesses:
        data: dict[str, object] = {"fields": list(fields), "purpose": purpose, "channel": channel}
        if restricted:
            data["restricted"] = True
        audit.append(ACTION, subject, data)
        n += 1
    return n
