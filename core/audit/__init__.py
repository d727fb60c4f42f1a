"""Audit: the device's tamper-evident hash chain, signed checkpoints, verification and evidence bundles."""

from core.audit.bundle import export_bundle, verify_bundle
from core.audit.chain import Checkpoint, Entry
from core.audit.service import entries_around, entry_count, verify_store
from core.audit.verify import (
    AnchorCheck,
    Break,
    BreakKind,
    DocumentProblem,
    DocumentsCheck,
    VerifyReport,
    verify_chain,
)

__all__ = [
    "AnchorCheck",
    "Break",
    "BreakKind",
    "Checkpoint",
    "DocumentProblem",
    "DocumentsCheck",
    "Entry",
    "VerifyReport",
    "entries_around",
    "entry_count",
    "export_bundle",
    "verify_bundle",
    "verify_chain",
    "verify_store",
]
