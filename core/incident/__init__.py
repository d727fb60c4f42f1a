"""Incident mode: hold outgoing side effects that can wait (mail, payments, the assistant, optionally sync push)
while issuing and ZATCA submission go on; entered by an admin, or by Qayd itself when a verification fails."""

from typing import TYPE_CHECKING

from core.face import lazy_face

if TYPE_CHECKING:
    from core.incident.model import ALWAYS_HELD, CHANNELS, Incident
    from core.incident.service import (
        check_not_held,
        current,
        end,
        enter_after,
        enter_automatically,
        held,
        start,
        status,
    )

_FACE = {
    "ALWAYS_HELD": "core.incident.model",
    "CHANNELS": "core.incident.model",
    "Incident": "core.incident.model",
    "check_not_held": "core.incident.service",
    "current": "core.incident.service",
    "end": "core.incident.service",
    "enter_after": "core.incident.service",
    "enter_automatically": "core.incident.service",
    "held": "core.incident.service",
    "start": "core.incident.service",
    "status": "core.incident.service",
}
__all__ = [
    "ALWAYS_HELD",
    "CHANNELS",
    "Incident",
    "check_not_held",
    "current",
    "end",
    "enter_after",
    "enter_automatically",
    "held",
    "start",
    "status",
]
__getattr__, __dir__ = lazy_face(__name__, _FACE)
