"""The old path of `core.ledger.signing`, which moved below the unit of work (docs/DECISIONS.md, issue 14)."""

from core.ledger.signing import (
    DEVICE_KEY_SECRET,
    DeviceKey,
    load_public_pem,
    public_pem,
    public_raw,
    signature_ok,
)

__all__ = [
    "DEVICE_KEY_SECRET",
    "DeviceKey",
    "load_public_pem",
    "public_pem",
    "public_raw",
    "signature_ok",
]
