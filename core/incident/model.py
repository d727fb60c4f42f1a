"""Incident mode's values: the channels it can hold and one incident as recorded (store migration 0014)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

# Every channel incident mode knows, and what holding it stops. A side effect checks its name at the one place it
# starts (core.incident.check_not_held); "assistant" is named before the assistant lands so that it holds from day one.
CHANNELS: dict[str, str] = {
    "mail": "sending e-mail (queued mails stay queued)",
    "payments": "payment links and refunds",
    "assistant": "assistant calls",
    "sync_push": "pushing changes to central (pulling goes on)",
    "submission": "ZATCA submission (key compromise)",
    "issuing": "issuing (automatic incident: a verification failed)",
}
# Held by every incident: side effects that can wait. Issuing and submission keep their legal deadlines unless asked.
ALWAYS_HELD = ("mail", "payments", "assistant")


@dataclass(frozen=True, slots=True)
class Incident:
    """One incident: active while `ended_at` is None; `holds` names the channels it holds (CHANNELS' keys)."""

    id: uuid.UUID
    started_at: datetime
    started_by: str
    reason: str
    holds: tuple[str, ...]
    pause_submission: bool
    automatic: bool
    device_id: uuid.UUID
    ended_at: datetime | None = None
    ended_by: str | None = None
    end_reason: str | None = None

    @property
    def active(self) -> bool:
        return self.ended_at is None

    def holds_channel(self, channel: str) -> bool:
        return self.active and channel in self.holds

    def as_json(self) -> dict[str, object]:
        return {"id": str(self.id), "active": self.active, "started_at": self.started_at.isoformat(),
                "started_by": self.started_by, "reason": self.reason, "holds": list(self.holds),
                "pause_submission": self.pause_submission, "automatic": self.automatic,
                "device_id": str(self.device_id),
                "ended_at": self.ended_at.isoformat() if self.ended_at else None, "ended_by": self.ended_by,
                "end_reason": self.end_reason}
