"""The old path of `core.ledger.log`, which moved below the unit of work (docs/DECISIONS.md, issue 14)."""

from core.ledger.log import (
    ENTRY_TABLE,
    AuditLog,
    read_head_file,
    write_head_file,
)

__all__ = [
    "ENTRY_TABLE",
    "AuditLog",
    "read_head_file",
    "write_head_file",
]
