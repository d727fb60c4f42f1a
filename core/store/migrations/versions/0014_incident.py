"""Incident mode (issue 16, point 4): who started it, why, what it holds, and who ended it, with what reason.

* `incident` synchronises (versioned, with the outbox triggers of core.sync.tables, frozen below), so every desk
  that pulls holds the channels an incident on any desk holds, and shows its banner.
* At most one is active (no `ended_at`): core.incident.start checks it under the store's write lock. No unique
  index enforces it, since two desks offline could each start one and a pull must never fail on that.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-08
"""

import sqlalchemy as sa
from alembic import op

# Frozen as of this revision (see 0007): the table this revision starts to synchronise.
ADDED = (("incident", "id", True),)

# The triggers core.sync.tables.trigger_sql made for ADDED at this revision, as frozen text
TRIGGERS = (
    "CREATE TRIGGER sync_incident_insert AFTER INSERT ON incident WHEN (SELECT active FROM sync_apply) = 0 BEGIN INSERT INTO sync_outbox (entity, row_id, op, base_version, gen) VALUES ('incident', NEW.id, 'upsert', NULL, 0) ON CONFLICT (entity, row_id) DO UPDATE SET gen = gen + 1, op = excluded.op; END",
    "CREATE TRIGGER sync_incident_update AFTER UPDATE ON incident WHEN (SELECT active FROM sync_apply) = 0 BEGIN INSERT INTO sync_outbox (entity, row_id, op, base_version, gen) VALUES ('incident', NEW.id, 'upsert', OLD.version, 0) ON CONFLICT (entity, row_id) DO UPDATE SET gen = gen + 1, op = excluded.op; END",
    "CREATE TRIGGER sync_incident_delete AFTER DELETE ON incident WHEN (SELECT active FROM sync_apply) = 0 BEGIN INSERT INTO sync_outbox (entity, row_id, op, base_version, gen) VALUES ('incident', OLD.id, 'delete', OLD.version, 0) ON CONFLICT (entity, row_id) DO UPDATE SET gen = gen + 1, op = excluded.op; END",
)

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'incident',
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.String(length=40), nullable=False),
        sa.Column('updated_at', sa.String(length=40), nullable=False),
        sa.Column('deleted_at', sa.String(length=40), nullable=True),
        sa.Column('device_id', sa.Uuid(), nullable=False),
        sa.Column('started_at', sa.String(length=40), nullable=False),
        sa.Column('started_by', sa.String(length=200), nullable=False),
        sa.Column('reason', sa.String(length=1000), nullable=False),
        sa.Column('holds', sa.String(length=200), nullable=False),
        sa.Column('pause_submission', sa.Boolean(), nullable=False),
        sa.Column('automatic', sa.Boolean(), nullable=False),
        sa.Column('ended_at', sa.String(length=40), nullable=True),
        sa.Column('ended_by', sa.String(length=200), nullable=True),
        sa.Column('end_reason', sa.String(length=1000), nullable=True),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_incident_active', 'incident', ['ended_at'])
    for statement in TRIGGERS:
        op.execute(statement)


def downgrade() -> None:
    for name, _key, _versioned in ADDED:
        for event in ("insert", "update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS sync_{name}_{event}")
    op.drop_index('ix_incident_active', table_name='incident')
    op.drop_table('incident')
