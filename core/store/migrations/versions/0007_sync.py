"""Sync with the central PostgreSQL: the outbox, the sync cursors, conflicts kept for people to resolve.

* `sync_outbox`: one pending entry per changed row of a synchronised table (core.sync.tables), written by triggers
  in the same transaction as the change; `gen` grows with each further change so that an acknowledgement for an
  older state never drops a newer one.
* `sync_apply`: one row; while a pull applies remote rows it is 1 and the triggers stay quiet (a remote change is
  not sent back).
* `sync_state`: the install's cursors and connection details (no secrets: the password is in the secret store).
* `sync_conflict`: both versions of a row edited here and elsewhere, until a person resolves it.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-26
"""

from alembic import op

# The synchronised tables as of this revision: (name, key, versioned). Frozen here, so that this migration makes the
# same triggers on a fresh store whatever later revisions add (a test holds it equal to core.sync.tables today;
# a later revision that changes the list recreates the triggers itself).
SYNCED = (
    ("device", "id", False), ("customer", "id", True), ("product", "id", True), ("egs_unit", "id", True),
    ("invoice", "id", True), ("invoice_line", "id", False), ("invoice_allowance_charge", "id", False),
    ("issued_document", "invoice_id", False), ("zatca_submission", "id", True), ("gdpr_request", "id", True),
)

# The triggers core.sync.tables.trigger_sql made for SYNCED at this revision, as frozen text: a migration runs
# the same statements whatever later code says (tests/unit/test_sync_tables.py holds them equal to that code).
TRIGGERS = (
    "CREATE TRIGGER sync_device_insert AFTER INSERT ON device WHEN (SELECT active FROM sync_apply) = 0 BEGIN INSERT INTO sync_outbox (entity, row_id, op, base_version, gen) VALUES ('device', NEW.id, 'upsert', NULL, 0) ON CONFLICT (entity, row_id) DO UPDATE SET gen = gen + 1, op = excluded.op; END",
    "CREATE TRIGGER sync_device_update AFTER UPDATE ON device WHEN (SELECT active FROM sync_apply) = 0 BEGIN INSERT INTO sync_outbox (entity, row_id, op, base_version, gen) VALUES ('device', NEW.id, 'upsert', NULL, 0) ON CONFLICT (entity, row_id) DO UPDATE SET gen = gen + 1, op = excluded.op; END",
    "CREATE TRIGGER sync_device_delete AFTER DELETE ON device WHEN (SELECT active FROM sync_apply) = 0 BEGIN INSERT INTO sync_outbox (entity, row_id, op, base_version, gen) VALUES ('device', OLD.id, 'delete', NULL, 0) ON CONFLICT (entity, row_id) DO UPDATE SET gen = gen + 1, op = excluded.op; END",
    "CREATE TRIGGER sync_customer_insert AFTER INSERT ON customer WHEN (SELECT active FROM sync_apply) = 0 BEGIN INSERT INTO sync_outbox (entity, row_id, op, base_version, gen) VALUES ('customer', NEW.id, 'upsert', NULL, 0) ON CONFLICT (entity, row_id) DO UPDATE SET gen = gen + 1, op = excluded.op; END",
    "CREATE TRIGGER sync_customer_update AFTER UPDATE ON customer WHEN (SELECT active FROM sync_apply) = 0 BEGIN INSERT INTO sync_outbox (entity, row_id, op, base_version, gen) VALUES ('customer', NEW.id, 'upsert', OLD.version, 0) ON CONFLICT (entity, row_id) DO UPDATE SET gen = gen + 1, op = excluded.op; END",
    "CREATE TRIGGER sync_customer_delete AFTER DELETE ON customer WHEN (SELECT active FROM sync_apply) = 0 BEGIN INSERT INTO sync_outbox (entity, row_id, op, base_version, gen) VALUES ('customer', OLD.id, 'delete', OLD.version, 0) ON CONFLICT (entity, row_id) DO UPDATE SET gen = gen + 1, op = excluded.op; END",
    "CREATE TRIGGER sync_product_insert AFTER INSERT ON product WHEN (SELECT active FROM sync_apply) = 0 BEGIN INSERT INTO sync_outbox (entity, row_id, op, base_version, gen) VALUES ('product', NEW.id, 'upsert', NULL, 0) ON CONFLICT (entity, row_id) DO UPDATE SET gen = gen + 1, op = excluded.op; END",
    "CREATE TRIGGER sync_product_update AFTER UPDATE ON product WHEN (SELECT active FROM sync_apply) = 0 BEGIN INSERT INTO sync_outbox (entity, row_id, op, base_version, gen) VALUES ('product', NEW.id, 'upsert', OLD.version, 0) ON CONFLICT (entity, row_id) DO UPDATE SET gen = gen + 1, op = excluded.op; END",
    "CREATE TRIGGER sync_product_delete AFTER DELETE ON product WHEN (SELECT active FROM sync_apply) = 0 BEGIN INSERT INTO sync_outbox (entity, row_id, op, base_version, gen) VALUES ('product', OLD.id, 'delete', OLD.version, 0) ON CONFLICT (entity, row_id) DO UPDATE SET gen = gen + 1, op = excluded.op; END",
    "CREATE TRIGGER sync_egs_unit_insert AFTER INSERT ON egs_unit WHEN (SELECT active FROM sync_apply) = 0 BEGIN INSERT INTO sync_outbox (entity, row_id, op, base_version, gen) VALUES ('egs_unit', NEW.id, 'upsert', NULL, 0) ON CONFLICT (entity, row_id) DO UPDATE SET gen = gen + 1, op = excluded.op; END",
    "CREATE TRIGGER sync_egs_unit_update AFTER UPDATE ON egs_unit WHEN (SELECT active FROM sync_apply) = 0 BEGIN INSERT INTO sync_outbox (entity, row_id, op, base_version, gen) VALUES ('egs_unit', NEW.id, 'upsert', OLD.version, 0) ON CONFLICT (entity, row_id) DO UPDATE SET gen = gen + 1, op = excluded.op; END",
    "CREATE TRIGGER sync_egs_unit_delete AFTER DELETE ON egs_unit WHEN (SELECT active FROM sync_apply) = 0 BEGIN INSERT INTO sync_outbox (entity, row_id, op, base_version, gen) VALUES ('egs_unit', OLD.id, 'delete', OLD.version, 0) ON CONFLICT (entity, row_id) DO UPDATE SET gen = gen + 1, op = excluded.op; END",
    "CREATE TRIGGER sync_invoice_insert AFTER INSERT ON invoice WHEN (SELECT active FROM sync_apply) = 0 BEGIN INSERT INTO sync_outbox (entity, row_id, op, base_version, gen) VALUES ('invoice', NEW.id, 'upsert', NULL, 0) ON CONFLICT (entity, row_id) DO UPDATE SET gen = gen + 1, op = excluded.op; END",
    "CREATE TRIGGER sync_invoice_update AFTER UPDATE ON invoice WHEN (SELECT active FROM sync_apply) = 0 BEGIN INSERT INTO sync_outbox (entity, row_id, op, base_version, gen) VALUES ('invoice', NEW.id, 'upsert', OLD.version, 0) ON CONFLICT (entity, row_id) DO UPDATE SET gen = gen + 1, op = excluded.op; END",
    "CREATE TRIGGER sync_invoice_delete AFTER DELETE ON invoice WHEN (SELECT active FROM sync_apply) = 0 BEGIN INSERT INTO sync_outbox (entity, row_id, op, base_version, gen) VALUES ('invoice', OLD.id, 'delete', OLD.version, 0) ON CONFLICT (entity, row_id) DO UPDATE SET gen = gen + 1, op = excluded.op; END",
    "CREATE TRIGGER sync_invoice_line_insert AFTER INSERT ON invoice_line WHEN (SELECT active FROM sync_apply) = 0 BEGIN INSERT INTO sync_outbox (entity, row_id, op, base_version, gen) VALUES ('invoice_line', NEW.id, 'upsert', NULL, 0) ON CONFLICT (entity, row_id) DO UPDATE SET gen = gen + 1, op = excluded.op; END",
    "CREATE TRIGGER sync_invoice_line_update AFTER UPDATE ON invoice_line WHEN (SELECT active FROM sync_apply) = 0 BEGIN INSERT INTO sync_outbox (entity, row_id, op, base_version, gen) VALUES ('invoice_line', NEW.id, 'upsert', NULL, 0) ON CONFLICT (entity, row_id) DO UPDATE SET gen = gen + 1, op = excluded.op; END",
    "CREATE TRIGGER sync_invoice_line_delete AFTER DELETE ON invoice_line WHEN (SELECT active FROM sync_apply) = 0 BEGIN INSERT INTO sync_outbox (entity, row_id, op, base_version, gen) VALUES ('invoice_line', OLD.id, 'delete', NULL, 0) ON CONFLICT (entity, row_id) DO UPDATE SET gen = gen + 1, op = excluded.op; END",
    "CREATE TRIGGER sync_invoice_allowance_charge_insert AFTER INSERT ON invoice_allowance_charge WHEN (SELECT active FROM sync_apply) = 0 BEGIN INSERT INTO sync_outbox (entity, row_id, op, base_version, gen) VALUES ('invoice_allowance_charge', NEW.id, 'upsert', NULL, 0) ON CONFLICT (entity, row_id) DO UPDATE SET gen = gen + 1, op = excluded.op; END",
    "CREATE TRIGGER sync_invoice_allowance_charge_update AFTER UPDATE ON invoice_allowance_charge WHEN (SELECT active FROM sync_apply) = 0 BEGIN INSERT INTO sync_outbox (entity, row_id, op, base_version, gen) VALUES ('invoice_allowance_charge', NEW.id, 'upsert', NULL, 0) ON CONFLICT (entity, row_id) DO UPDATE SET gen = gen + 1, op = excluded.op; END",
    "CREATE TRIGGER sync_invoice_allowance_charge_delete AFTER DELETE ON invoice_allowance_charge WHEN (SELECT active FROM sync_apply) = 0 BEGIN INSERT INTO sync_outbox (entity, row_id, op, base_version, gen) VALUES ('invoice_allowance_charge', OLD.id, 'delete', NULL, 0) ON CONFLICT (entity, row_id) DO UPDATE SET gen = gen + 1, op = excluded.op; END",
    "CREATE TRIGGER sync_issued_document_insert AFTER INSERT ON issued_document WHEN (SELECT active FROM sync_apply) = 0 BEGIN INSERT INTO sync_outbox (entity, row_id, op, base_version, gen) VALUES ('issued_document', NEW.invoice_id, 'upsert', NULL, 0) ON CONFLICT (entity, row_id) DO UPDATE SET gen = gen + 1, op = excluded.op; END",
    "CREATE TRIGGER sync_issued_document_update AFTER UPDATE ON issued_document WHEN (SELECT active FROM sync_apply) = 0 BEGIN INSERT INTO sync_outbox (entity, row_id, op, base_version, gen) VALUES ('issued_document', NEW.invoice_id, 'upsert', NULL, 0) ON CONFLICT (entity, row_id) DO UPDATE SET gen = gen + 1, op = excluded.op; END",
    "CREATE TRIGGER sync_issued_document_delete AFTER DELETE ON issued_document WHEN (SELECT active FROM sync_apply) = 0 BEGIN INSERT INTO sync_outbox (entity, row_id, op, base_version, gen) VALUES ('issued_document', OLD.invoice_id, 'delete', NULL, 0) ON CONFLICT (entity, row_id) DO UPDATE SET gen = gen + 1, op = excluded.op; END",
    "CREATE TRIGGER sync_zatca_submission_insert AFTER INSERT ON zatca_submission WHEN (SELECT active FROM sync_apply) = 0 BEGIN INSERT INTO sync_outbox (entity, row_id, op, base_version, gen) VALUES ('zatca_submission', NEW.id, 'upsert', NULL, 0) ON CONFLICT (entity, row_id) DO UPDATE SET gen = gen + 1, op = excluded.op; END",
    "CREATE TRIGGER sync_zatca_submission_update AFTER UPDATE ON zatca_submission WHEN (SELECT active FROM sync_apply) = 0 BEGIN INSERT INTO sync_outbox (entity, row_id, op, base_version, gen) VALUES ('zatca_submission', NEW.id, 'upsert', OLD.version, 0) ON CONFLICT (entity, row_id) DO UPDATE SET gen = gen + 1, op = excluded.op; END",
    "CREATE TRIGGER sync_zatca_submission_delete AFTER DELETE ON zatca_submission WHEN (SELECT active FROM sync_apply) = 0 BEGIN INSERT INTO sync_outbox (entity, row_id, op, base_version, gen) VALUES ('zatca_submission', OLD.id, 'delete', OLD.version, 0) ON CONFLICT (entity, row_id) DO UPDATE SET gen = gen + 1, op = excluded.op; END",
    "CREATE TRIGGER sync_gdpr_request_insert AFTER INSERT ON gdpr_request WHEN (SELECT active FROM sync_apply) = 0 BEGIN INSERT INTO sync_outbox (entity, row_id, op, base_version, gen) VALUES ('gdpr_request', NEW.id, 'upsert', NULL, 0) ON CONFLICT (entity, row_id) DO UPDATE SET gen = gen + 1, op = excluded.op; END",
    "CREATE TRIGGER sync_gdpr_request_update AFTER UPDATE ON gdpr_request WHEN (SELECT active FROM sync_apply) = 0 BEGIN INSERT INTO sync_outbox (entity, row_id, op, base_version, gen) VALUES ('gdpr_request', NEW.id, 'upsert', OLD.version, 0) ON CONFLICT (entity, row_id) DO UPDATE SET gen = gen + 1, op = excluded.op; END",
    "CREATE TRIGGER sync_gdpr_request_delete AFTER DELETE ON gdpr_request WHEN (SELECT active FROM sync_apply) = 0 BEGIN INSERT INTO sync_outbox (entity, row_id, op, base_version, gen) VALUES ('gdpr_request', OLD.id, 'delete', OLD.version, 0) ON CONFLICT (entity, row_id) DO UPDATE SET gen = gen + 1, op = excluded.op; END",
)

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("""CREATE TABLE sync_outbox (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        entity VARCHAR(40) NOT NULL,
        row_id VARCHAR(64) NOT NULL,
        op VARCHAR(10) NOT NULL,
        base_version INTEGER,
        gen INTEGER NOT NULL DEFAULT 0,
        resolves INTEGER NOT NULL DEFAULT 0,
        UNIQUE (entity, row_id))""")
    op.execute("CREATE TABLE sync_apply (active INTEGER NOT NULL)")
    op.execute("INSERT INTO sync_apply (active) VALUES (0)")
    op.execute("""CREATE TABLE sync_state (
        key VARCHAR(80) PRIMARY KEY,
        value TEXT NOT NULL)""")
    op.execute("""CREATE TABLE sync_conflict (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        entity VARCHAR(40) NOT NULL,
        row_id VARCHAR(64) NOT NULL,
        kind VARCHAR(20) NOT NULL,
        local_json TEXT,
        remote_json TEXT,
        remote_version INTEGER,
        remote_device VARCHAR(36),
        detail TEXT NOT NULL DEFAULT '',
        detected_at VARCHAR(40) NOT NULL,
        resolved_at VARCHAR(40),
        resolution TEXT)""")
    op.execute("CREATE UNIQUE INDEX sync_conflict_open ON sync_conflict (entity, row_id) WHERE resolved_at IS NULL")
    for statement in TRIGGERS:
        op.execute(statement)
    # Everything already in the store is pending: a store that existed before sync sends all of it once.
    for name, key, _versioned in SYNCED:
        op.execute(f"INSERT INTO sync_outbox (entity, row_id, op, base_version) "  # nosec B608 # table and key names from this migration's SYNCED constant
                   f"SELECT '{name}', {key}, 'upsert', NULL FROM {name}")


def downgrade() -> None:
    raise NotImplementedError("Qayd does not downgrade a store; restore the backup taken before the upgrade.")
