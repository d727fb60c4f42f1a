"""Central refuses a device id that the calling login did not register; here that refusal becomes a clear error."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import psycopg

from core.errors import AccessDeniedError

# The words central's `own_device` and `register_device` (migration c0002) use for this refusal.
REFUSAL = "belongs to another login"


class DeviceOwnerError(AccessDeniedError):
    """This install's device is registered centrally by another login; nothing was sent."""


def device_refusal(exc: BaseException) -> DeviceOwnerError | None:
    """The clear error for central's "device belongs to another login" refusal; None for any other error."""
    if not isinstance(exc, psycopg.errors.InsufficientPrivilege) or REFUSAL not in str(exc):
        return None
    return DeviceOwnerError(
        "The central database refuses this device: another login registered it, and a login acts only as the "
        "devices it registered. Nothing was sent.",
        fix="Connect this install with the login that registered it (`qayd central connect URL --user LOGIN`), or "
            "ask the database owner to hand the device over to your login.")


@contextmanager
def acting_as_device() -> Iterator[None]:
    """Turn central's refusal of a device the login does not own into DeviceOwnerError; other errors pass."""
    try:
        yield
    except psycopg.Error as exc:
        refused = device_refusal(exc)
        if refused is not None:
            raise refused from exc
        raise
