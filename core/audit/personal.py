"""The old path of `core.ledger.subject_keys`, which moved below the unit of work (docs/DECISIONS.md, issue 14)."""

from core.ledger.subject_keys import (
    SubjectKeys,
)

__all__ = [
    "SubjectKeys",
]
