"""The old path of `core.ledger.anchor`, which moved below the unit of work (docs/DECISIONS.md, issue 14)."""

from core.ledger.anchor import (
    AnchorSlot,
    UnreadableAnchor,
    advance_anchor,
    advance_quietly,
    decode,
    encode,
    read_anchor,
)

__all__ = [
    "AnchorSlot",
    "UnreadableAnchor",
    "advance_anchor",
    "advance_quietly",
    "decode",
    "encode",
    "read_anchor",
]
