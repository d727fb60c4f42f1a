"""Retention purge: issued documents allow exactly one change, the purge of held personal data; audit payloads
sealed for a data subject are found through an index.

The store refuses any change to an issued invoice or its signed XML (0001, 0002). When a retention hold ends
(`core.privacy.retention.purge_expired`), the buyer's personal data on the document must go, so the triggers are
recreated to let through exactly one kind of UPDATE:

* `invoice`: only `buyer_json` changes, to one of the purged-buyer values below, every other column unchanged;
* `issued_document`: only `xml` changes, to a `<qayd-purged …/>` marker (never from one marker to another),
  every other column (hashes, QR, counter) unchanged;

and, for both, only while a `retention_hold` row for that invoice is marked purged (`purged_at` set) in the same
transaction. Everything else is refused as before, with the same messages.

The partial expression index on the sealed payload's subject lets an access export or an erasure find the audit
entries sealed with a subject's key (e.g. `invoice:…` entries carrying a buyer) without reading the whole chain.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25
"""

from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

# The purged buyer snapshots (core.privacy.retention writes exactly these; a test holds them equal).
PURGED_BUYERS = (
    '{"address":null,"id_scheme":null,"id_value":"","kind":"individual","name":"[purged]","purged":true,'
    '"vat_number":""}',
    '{"address":null,"id_scheme":null,"id_value":"","kind":"business","name":"[purged]","purged":true,'
    '"vat_number":""}',
)
XML_MARKER = "<qayd-purged "

# Every column of `invoice` but buyer_json as of this revision (a test holds this list equal to the model's).
INVOICE_COLUMNS = (
    "id", "number", "status", "kind", "type", "issue_datetime", "supply_date", "supply_end_date", "currency",
    "exchange_rate", "customer_id", "payment_means", "billing_reference", "reason", "note", "prepaid_amount",
    "third_party", "nominal", "export", "summary", "self_billed", "prepayments_json", "payable_rounding",
    "line_extension", "tax_exclusive", "tax_total", "tax_total_sar", "tax_inclusive", "payable", "version",
    "created_at", "updated_at", "deleted_at", "device_id",
)
DOCUMENT_COLUMNS = ("invoice_id", "egs_unit_id", "icv", "uuid", "pih", "invoice_hash", "phase", "qr", "issued_at",
                    "device_id")


def _unchanged(columns: tuple[str, ...]) -> str:
    return " AND ".join(f"NEW.{c} IS OLD.{c}" for c in columns)


def _hold_purged(id_column: str) -> str:
    # retention_hold.record is "invoice:<uuid with dashes>"; ids are stored as 32 hex digits.
    return (f"EXISTS (SELECT 1 FROM retention_hold WHERE purged_at IS NOT NULL "  # nosec B608 # id_column is a column name from this migration's own table list
            f"AND replace(record, '-', '') = 'invoice:' || OLD.{id_column})")


_BUYERS = ", ".join("'" + b.replace("'", "''") + "'" for b in PURGED_BUYERS)
PURGE_INVOICE = (f"({_unchanged(INVOICE_COLUMNS)} AND NEW.buyer_json IN ({_BUYERS}) "
                 f"AND {_hold_purged('id')})")
PURGE_DOCUMENT = (f"({_unchanged(DOCUMENT_COLUMNS)} "
                  f"AND substr(CAST(NEW.xml AS TEXT), 1, {len(XML_MARKER)}) = '{XML_MARKER}' "
                  f"AND substr(CAST(OLD.xml AS TEXT), 1, {len(XML_MARKER)}) <> '{XML_MARKER}' "
                  f"AND {_hold_purged('invoice_id')})")

NEW_TRIGGERS = (
    f"""CREATE TRIGGER invoice_issued_immutable BEFORE UPDATE ON invoice
       WHEN OLD.status <> 'draft' AND NOT {PURGE_INVOICE}
       BEGIN SELECT RAISE(ABORT, 'issued invoices are immutable'); END""",
    f"""CREATE TRIGGER issued_document_immutable BEFORE UPDATE ON issued_document
       WHEN NOT {PURGE_DOCUMENT}
       BEGIN SELECT RAISE(ABORT, 'issued documents are immutable'); END""",
)
OLD_TRIGGERS = (
    """CREATE TRIGGER invoice_issued_immutable BEFORE UPDATE ON invoice
       WHEN OLD.status <> 'draft'
       BEGIN SELECT RAISE(ABORT, 'issued invoices are immutable'); END""",
    """CREATE TRIGGER issued_document_immutable BEFORE UPDATE ON issued_document
       BEGIN SELECT RAISE(ABORT, 'issued documents are immutable'); END""",
)
PERSONAL_INDEX = ("CREATE INDEX ix_audit_entry_personal_subject ON audit_entry "
                  "(json_extract(body, '$.payload.personal.subject')) "
                  "WHERE json_extract(body, '$.payload.personal.subject') IS NOT NULL")


def _run(statement: str) -> None:
    # Straight to the driver: the purged-buyer JSON holds ":null"/":true", which text() would take for binds.
    op.get_bind().exec_driver_sql(statement)


def upgrade() -> None:
    for name in ("invoice_issued_immutable", "issued_document_immutable"):
        _run(f"DROP TRIGGER IF EXISTS {name}")
    for statement in NEW_TRIGGERS:
        _run(statement)
    _run(PERSONAL_INDEX)


def downgrade() -> None:
    _run("DROP INDEX IF EXISTS ix_audit_entry_personal_subject")
    for name in ("invoice_issued_immutable", "issued_document_immutable"):
        _run(f"DROP TRIGGER IF EXISTS {name}")
    for statement in OLD_TRIGGERS:
        _run(statement)
