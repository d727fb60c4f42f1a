"""The company profile and the shared settings synchronise; each device has its own invoice number series.

* `company` and `setting` get the outbox triggers every synchronised table has (core.sync.tables), and the rows a
  store already holds are noted in the outbox, so that an upgraded desk sends its profile with its next sync (that
  is how central learns the profile a new desk joins with).
* `device.series`: the invoice number series this device draws from (`INV-2026-<series>-0001`), chosen when the
  desk joins its company's central database; '' is the company's main series (the desk that set up central). The
  device row synchronises, so every desk sees every device's series.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

# Frozen as of this revision (see 0007): the tables this revision starts to synchronise.
ADDED = (("company", "id", True), ("setting", "id", True))

# The triggers core.sync.tables.trigger_sql made for ADDED at this revision, as frozen text: a migration runs
# the same statements whatever later code says (tests/unit/test_sync_tables.py holds them equal to that code).
TRIGGERS = (
    "CREATE TRIGGER sync_company_insert AFTER INSERT ON company WHEN (SELECT active FROM sync_apply) = 0 BEGIN INSERT INTO sync_outbox (entity, row_id, op, base_version, gen) VALUES ('company', NEW.id, 'upsert', NULL, 0) ON CONFLICT (entity, row_id) DO UPDATE SET gen = gen + 1, op = excluded.op; END",
    "CREATE TRIGGER sync_company_update AFTER UPDATE ON company WHEN (SELECT active FROM sync_apply) = 0 BEGIN INSERT INTO sync_outbox (entity, row_id, op, base_version, gen) VALUES ('company', NEW.id, 'upsert', OLD.version, 0) ON CONFLICT (entity, row_id) DO UPDATE SET gen = gen + 1, op = excluded.op; END",
    "CREATE TRIGGER sync_company_delete AFTER DELETE ON company WHEN (SELECT active FROM sync_apply) = 0 BEGIN INSERT INTO sync_outbox (entity, row_id, op, base_version, gen) VALUES ('company', OLD.id, 'delete', OLD.version, 0) ON CONFLICT (entity, row_id) DO UPDATE SET gen = gen + 1, op = excluded.op; END",
    "CREATE TRIGGER sync_setting_insert AFTER INSERT ON setting WHEN (SELECT active FROM sync_apply) = 0 BEGIN INSERT INTO sync_outbox (entity, row_id, op, base_version, gen) VALUES ('setting', NEW.id, 'upsert', NULL, 0) ON CONFLICT (entity, row_id) DO UPDATE SET gen = gen + 1, op = excluded.op; END",
    "CREATE TRIGGER sync_setting_update AFTER UPDATE ON setting WHEN (SELECT active FROM sync_apply) = 0 BEGIN INSERT INTO sync_outbox (entity, row_id, op, base_version, gen) VALUES ('setting', NEW.id, 'upsert', OLD.version, 0) ON CONFLICT (entity, row_id) DO UPDATE SET gen = gen + 1, op = excluded.op; END",
    "CREATE TRIGGER sync_setting_delete AFTER DELETE ON setting WHEN (SELECT active FROM sync_apply) = 0 BEGIN INSERT INTO sync_outbox (entity, row_id, op, base_version, gen) VALUES ('setting', OLD.id, 'delete', OLD.version, 0) ON CONFLICT (entity, row_id) DO UPDATE SET gen = gen + 1, op = excluded.op; END",
)

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A plain ADD COLUMN: a batch (copy and move) would drop the device table's sync triggers.
    op.add_column("device", sa.Column("series", sa.String(10), nullable=False, server_default=""))
    for statement in TRIGGERS:
        op.execute(statement)
    for name, key, _versioned in ADDED:
        # Rows made before their table synchronised: noted as if just written, based on no central version.
        op.execute(f"INSERT INTO sync_outbox (entity, row_id, op, base_version, gen) SELECT '{name}', {key}, "  # nosec B608 # table and key names from this migration's constants
                   f"'upsert', NULL, 0 FROM {name} WHERE true ON CONFLICT (entity, row_id) DO NOTHING")


def downgrade() -> None:
    for name, _key, _versioned in ADDED:
        for event in ("insert", "update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS sync_{name}_{event}")
    with op.batch_alter_table("device") as batch:
        batch.drop_column("series")
