"""Audit: the device's tamper-evident hash chain, signed checkpoints, verification, central anchoring and evidence
bundles.
"""

from typing import TYPE_CHECKING

from core.face import lazy_face

if TYPE_CHECKING:
    from core.audit.bundle import export_bundle, verify_bundle
    from core.audit.chain import Checkpoint, Entry
    from core.audit.heads import CentralProbe, anchor_note_ar
    from core.audit.log import read_head_file
    from core.audit.service import entries_around, entry_count, verify_store
    from core.audit.state import ChainState, chain_state
    from core.audit.verify import (
        AnchorCheck,
        Break,
        BreakKind,
        DocumentProblem,
        DocumentsCheck,
        VerifyReport,
        verify_chain,
    )

# Each name resolves on first use, so importing the face loads none of the capability's heavy libraries.
_FACE = {
    "AnchorCheck": "core.audit.verify",
    "Break": "core.audit.verify",
    "BreakKind": "core.audit.verify",
    "CentralProbe": "core.audit.heads",
    "ChainState": "core.audit.state",
    "Checkpoint": "core.audit.chain",
    "DocumentProblem": "core.audit.verify",
    "DocumentsCheck": "core.audit.verify",
    "Entry": "core.audit.chain",
    "VerifyReport": "core.audit.verify",
    "anchor_note_ar": "core.audit.heads",
    "chain_state": "core.audit.state",
    "entries_around": "core.audit.service",
    "entry_count": "core.audit.service",
    "export_bundle": "core.audit.bundle",
    "read_head_file": "core.audit.log",
    "verify_bundle": "core.audit.bundle",
    "verify_chain": "core.audit.verify",
    "verify_store": "core.audit.service",
}
__all__ = [
    "AnchorCheck",
    "Break",
    "BreakKind",
    "CentralProbe",
    "ChainState",
    "Checkpoint",
    "DocumentProblem",
    "DocumentsCheck",
    "Entry",
    "VerifyReport",
    "anchor_note_ar",
    "chain_state",
    "entries_around",
    "entry_count",
    "export_bundle",
    "read_head_file",
    "verify_bundle",
    "verify_chain",
    "verify_store",
]
__getattr__, __dir__ = lazy_face(__name__, _FACE)
