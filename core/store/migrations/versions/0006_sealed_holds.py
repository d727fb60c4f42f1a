"""Sealed holds: an erasure may replace a held invoice's personal data with its sealed (encrypted) form.

An erasure keeps the issued invoices of the erased person (KSA VAT records), but their buyer snapshot and signed
(and cleared) XML must not stay in plaintext in the database file (`core.personal.sealing`). The triggers of 0005
are recreated to let through, besides the purge they already allow (kept unchanged), exactly one more UPDATE:

* `invoice`: only `buyer_json` changes, from a plain value to a sealed one (`QAYD-HELD:1:<subject>:…`);
* `issued_document`: only `xml` changes, from a plain value to a sealed one;

every other column unchanged, and only while an unpurged `retention_hold` for that invoice exists whose subject is
the one named in the sealed value. A sealed value is never sealed again nor changed to another sealed value;
everything else is refused as before, with the same messages. The conditions are wrapped in coalesce(…, 0): a
NULL in them (say, a column set to NULL) must refuse the change, not let it through.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-25
"""

import importlib

from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

_0005 = importlib.import_module("core.store.migrations.versions.0005_purge")
INVOICE_COLUMNS: tuple[str, ...] = _0005.INVOICE_COLUMNS
DOCUMENT_COLUMNS: tuple[str, ...] = _0005.DOCUMENT_COLUMNS
PURGE_INVOICE: str = _0005.PURGE_INVOICE
PURGE_DOCUMENT: str = _0005.PURGE_DOCUMENT

HELD_PREFIX = "QAYD-HELD:"  # core.personal.sealing.PREFIX (a test holds them equal)
HELD_HEAD = "QAYD-HELD:1:"  # core.personal.sealing.HEAD


def _unchanged(columns: tuple[str, ...]) -> str:
    return " AND ".join(f"NEW.{c} IS OLD.{c}" for c in columns)


def _starts(expr: str, prefix_sql: str) -> str:
    return f"substr({expr}, 1, length({prefix_sql})) = {prefix_sql}"


def _hold_running(id_column: str, new_value: str) -> str:
    # retention_hold.record is "invoice:<uuid with dashes>"; ids are stored as 32 hex digits. The sealed value must
    # name the hold's subject: "QAYD-HELD:1:<subject>:".
    named = _starts(new_value, "'" + HELD_HEAD + "' || subject || ':'")
    return (f"EXISTS (SELECT 1 FROM retention_hold WHERE purged_at IS NULL "  # nosec B608 # id_column and HELD_HEAD are this migration's constants
            f"AND replace(record, '-', '') = 'invoice:' || OLD.{id_column} AND {named})")


def _sealing(id_column: str, column: str, columns: tuple[str, ...]) -> str:
    new, old = f"CAST(NEW.{column} AS TEXT)", f"CAST(OLD.{column} AS TEXT)"
    prefix = "'" + HELD_PREFIX + "'"
    return (f"({_unchanged(columns)} AND OLD.{column} IS NOT NULL AND NEW.{column} IS NOT NULL "
            f"AND {_starts(new, prefix)} AND NOT {_starts(old, prefix)} "
            f"AND {_hold_running(id_column, new)})")


SEAL_INVOICE = _sealing("id", "buyer_json", INVOICE_COLUMNS)
SEAL_DOCUMENT = _sealing("invoice_id", "xml", DOCUMENT_COLUMNS)

NEW_TRIGGERS = (
    f"""CREATE TRIGGER invoice_issued_immutable BEFORE UPDATE ON invoice
       WHEN OLD.status <> 'draft' AND NOT coalesce({PURGE_INVOICE}, 0) AND NOT coalesce({SEAL_INVOICE}, 0)
       BEGIN SELECT RAISE(ABORT, 'issued invoices are immutable'); END""",
    f"""CREATE TRIGGER issued_document_immutable BEFORE UPDATE ON issued_document
       WHEN NOT coalesce({PURGE_DOCUMENT}, 0) AND NOT coalesce({SEAL_DOCUMENT}, 0)
       BEGIN SELECT RAISE(ABORT, 'issued documents are immutable'); END""",
)
OLD_TRIGGERS: tuple[str, ...] = _0005.NEW_TRIGGERS


def _run(statement: str) -> None:
    # Straight to the driver: the purged-buyer JSON holds ":null"/":true", which text() would take for binds.
    op.get_bind().exec_driver_sql(statement)


def upgrade() -> None:
    for name in ("invoice_issued_immutable", "issued_document_immutable"):
        _run(f"DROP TRIGGER IF EXISTS {name}")
    for statement in NEW_TRIGGERS:
        _run(statement)


def downgrade() -> None:
    for name in ("invoice_issued_immutable", "issued_document_immutable"):
        _run(f"DROP TRIGGER IF EXISTS {name}")
    for statement in OLD_TRIGGERS:
        _run(statement)
