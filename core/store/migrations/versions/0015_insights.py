"""Insights (issue 17): the findings of the last run on this install, and people's marks on findings.

* `insight_mark` synchronises (versioned, with the outbox triggers of core.sync.tables, frozen below), so a finding
  marked a false positive on one desk is not raised again on another for the same evidence.
* `insight_finding` stays on this install: each desk computes it from the same synchronised books.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-08
"""

import sqlalchemy as sa
from alembic import op

# Frozen as of this revision (see 0007): the table this revision starts to synchronise.
ADDED = (("insight_mark", "id", True),)

# The triggers core.sync.tables.trigger_sql made for ADDED at this revision, as frozen text
TRIGGERS = (
    "CREATE TRIGGER sync_insight_mark_insert AFTER INSERT ON insight_mark WHEN (SELECT active FROM sync_apply) = 0 BEGIN INSERT INTO sync_outbox (entity, row_id, op, base_version, gen) VALUES ('insight_mark', NEW.id, 'upsert', NULL, 0) ON CONFLICT (entity, row_id) DO UPDATE SET gen = gen + 1, op = excluded.op; END",
    "CREATE TRIGGER sync_insight_mark_update AFTER UPDATE ON insight_mark WHEN (SELECT active FROM sync_apply) = 0 BEGIN INSERT INTO sync_outbox (entity, row_id, op, base_version, gen) VALUES ('insight_mark', NEW.id, 'upsert', OLD.version, 0) ON CONFLICT (entity, row_id) DO UPDATE SET gen = gen + 1, op = excluded.op; END",
    "CREATE TRIGGER sync_insight_mark_delete AFTER DELETE ON insight_mark WHEN (SELECT active FROM sync_apply) = 0 BEGIN INSERT INTO sync_outbox (entity, row_id, op, base_version, gen) VALUES ('insight_mark', OLD.id, 'delete', OLD.version, 0) ON CONFLICT (entity, row_id) DO UPDATE SET gen = gen + 1, op = excluded.op; END",
)

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'insight_mark',
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.String(length=40), nullable=False),
        sa.Column('updated_at', sa.String(length=40), nullable=False),
        sa.Column('deleted_at', sa.String(length=40), nullable=True),
        sa.Column('device_id', sa.Uuid(), nullable=False),
        sa.Column('finding_key', sa.String(length=64), nullable=False),
        sa.Column('rule', sa.String(length=40), nullable=False),
        sa.Column('state', sa.String(length=20), nullable=False),
        sa.Column('note', sa.String(length=1000), nullable=False),
        sa.Column('marked_by', sa.String(length=200), nullable=False),
        sa.Column('marked_at', sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_insight_mark_finding_key', 'insight_mark', ['finding_key'])
    op.create_table(
        'insight_finding',
        sa.Column('key', sa.String(length=64), nullable=False),
        sa.Column('rule', sa.String(length=40), nullable=False),
        sa.Column('score', sa.Float(), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('run_at', sa.String(length=40), nullable=False),
        sa.Column('first_seen', sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint('key'),
    )
    op.create_index('ix_insight_finding_rule', 'insight_finding', ['rule'])
    for statement in TRIGGERS:
        op.execute(statement)


def downgrade() -> None:
    for name, _key, _versioned in ADDED:
        for event in ("insert", "update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS sync_{name}_{event}")
    op.drop_index('ix_insight_finding_rule', table_name='insight_finding')
    op.drop_table('insight_finding')
    op.drop_index('ix_insight_mark_finding_key', table_name='insight_mark')
    op.drop_table('insight_mark')
