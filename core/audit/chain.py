"""The old path of `core.ledger.chain`, which moved below the unit of work (docs/DECISIONS.md, issue 14)."""

from core.ledger.chain import (
    CHECKPOINT_DOMAIN,
    GENESIS,
    SEP,
    Checkpoint,
    Entry,
    canonical_json,
    checkpoint_message,
    entry_digest,
    make_body,
)

__all__ = [
    "CHECKPOINT_DOMAIN",
    "GENESIS",
    "SEP",
    "Checkpoint",
    "Entry",
    "canonical_json",
    "checkpoint_message",
    "entry_digest",
    "make_body",
]
