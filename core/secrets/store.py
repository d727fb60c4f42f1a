"""The old path of `core.vault.store`, which moved below the unit of work (docs/DECISIONS.md, issue 14)."""

from core.vault.store import (
    LEGACY_VERSION,
    AuditFn,
    Cancelled,
    KeyVersionInfo,
    Progress,
    RotationCancelled,
    RotationResult,
    SecretInfo,
    SecretStore,
    subject,
)

__all__ = [
    "LEGACY_VERSION",
    "AuditFn",
    "Cancelled",
    "KeyVersionInfo",
    "Progress",
    "RotationCancelled",
    "RotationResult",
    "SecretInfo",
    "SecretStore",
    "subject",
]
