"""The old path of `core.vault.crypto`, which moved below the unit of work (docs/DECISIONS.md, issue 14)."""

from core.vault.crypto import (
    FORMAT_V1,
    NONCE_LEN,
    new_key,
    seal,
    unseal,
)

__all__ = [
    "FORMAT_V1",
    "NONCE_LEN",
    "new_key",
    "seal",
    "unseal",
]
