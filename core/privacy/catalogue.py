"""The old path of `core.personal.catalogue`, which moved below the invoicing core (docs/DECISIONS.md, issue 14)."""

from core.personal.catalogue import (
    BASES,
    FIELDS,
    NOT_PERSONAL,
    PAYLOAD_FIELDS,
    PERSONAL_NAME_PATTERNS,
    Basis,
    Category,
    Erase,
    PersonalField,
    fields_of,
    is_catalogued,
    looks_personal,
    stale_entries,
    unreviewed_columns,
    unreviewed_keys,
)

__all__ = [
    "BASES",
    "FIELDS",
    "NOT_PERSONAL",
    "PAYLOAD_FIELDS",
    "PERSONAL_NAME_PATTERNS",
    "Basis",
    "Category",
    "Erase",
    "PersonalField",
    "fields_of",
    "is_catalogued",
    "looks_personal",
    "stale_entries",
    "unreviewed_columns",
    "unreviewed_keys",
]
