"""The old path of `core.ledger.verify`, which moved below the unit of work (docs/DECISIONS.md, issue 14)."""

from core.ledger.verify import (
    LOOKAHEAD,
    PROGRESS_EVERY,
    AnchorCheck,
    Break,
    BreakKind,
    DocumentProblem,
    DocumentsCheck,
    Pair,
    Progress,
    Row,
    VerifyReport,
    Window,
    verify_chain,
)

__all__ = [
    "LOOKAHEAD",
    "PROGRESS_EVERY",
    "AnchorCheck",
    "Break",
    "BreakKind",
    "DocumentProblem",
    "DocumentsCheck",
    "Pair",
    "Progress",
    "Row",
    "VerifyReport",
    "Window",
    "verify_chain",
]
