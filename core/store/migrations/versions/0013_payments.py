"""Payments (issue 15): links made for invoices, the provider events polled back, payments and refunds, the cursor.

* `payment_link`, `payment`, `payment_refund` synchronise (versioned, with the outbox triggers of
  core.sync.tables, frozen below): every desk sees what was paid; only the desk that made a link
  (`owner_device_id`) polls the provider for it, so a payment is recorded once.
* `payment_event` and `payment_cursor` stay on the desk that polled: each event is stored once per
  (provider, event id) and the cursor moves in the same transaction as the events it covers.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

# Frozen as of this revision (see 0007): the tables this revision starts to synchronise.
ADDED = (("payment_link", "id", True), ("payment", "id", True), ("payment_refund", "id", True))

# The triggers core.sync.tables.trigger_sql made for ADDED at this revision, as frozen text
# (tests/unit/test_sync_tables.py holds them equal to that code).
TRIGGERS = (
    "CREATE TRIGGER sync_payment_link_insert AFTER INSERT ON payment_link WHEN (SELECT active FROM sync_apply) = 0 BEGIN INSERT INTO sync_outbox (entity, row_id, op, base_version, gen) VALUES ('payment_link', NEW.id, 'upsert', NULL, 0) ON CONFLICT (entity, row_id) DO UPDATE SET gen = gen + 1, op = excluded.op; END",
    "CREATE TRIGGER sync_payment_link_update AFTER UPDATE ON payment_link WHEN (SELECT active FROM sync_apply) = 0 BEGIN INSERT INTO sync_outbox (entity, row_id, op, base_version, gen) VALUES ('payment_link', NEW.id, 'upsert', OLD.version, 0) ON CONFLICT (entity, row_id) DO UPDATE SET gen = gen + 1, op = excluded.op; END",
    "CREATE TRIGGER sync_payment_link_delete AFTER DELETE ON payment_link WHEN (SELECT active FROM sync_apply) = 0 BEGIN INSERT INTO sync_outbox (entity, row_id, op, base_version, gen) VALUES ('payment_link', OLD.id, 'delete', OLD.version, 0) ON CONFLICT (entity, row_id) DO UPDATE SET gen = gen + 1, op = excluded.op; END",
    "CREATE TRIGGER sync_payment_insert AFTER INSERT ON payment WHEN (SELECT active FROM sync_apply) = 0 BEGIN INSERT INTO sync_outbox (entity, row_id, op, base_version, gen) VALUES ('payment', NEW.id, 'upsert', NULL, 0) ON CONFLICT (entity, row_id) DO UPDATE SET gen = gen + 1, op = excluded.op; END",
    "CREATE TRIGGER sync_payment_update AFTER UPDATE ON payment WHEN (SELECT active FROM sync_apply) = 0 BEGIN INSERT INTO sync_outbox (entity, row_id, op, base_version, gen) VALUES ('payment', NEW.id, 'upsert', OLD.version, 0) ON CONFLICT (entity, row_id) DO UPDATE SET gen = gen + 1, op = excluded.op; END",
    "CREATE TRIGGER sync_payment_delete AFTER DELETE ON payment WHEN (SELECT active FROM sync_apply) = 0 BEGIN INSERT INTO sync_outbox (entity, row_id, op, base_version, gen) VALUES ('payment', OLD.id, 'delete', OLD.version, 0) ON CONFLICT (entity, row_id) DO UPDATE SET gen = gen + 1, op = excluded.op; END",
    "CREATE TRIGGER sync_payment_refund_insert AFTER INSERT ON payment_refund WHEN (SELECT active FROM sync_apply) = 0 BEGIN INSERT INTO sync_outbox (entity, row_id, op, base_version, gen) VALUES ('payment_refund', NEW.id, 'upsert', NULL, 0) ON CONFLICT (entity, row_id) DO UPDATE SET gen = gen + 1, op = excluded.op; END",
    "CREATE TRIGGER sync_payment_refund_update AFTER UPDATE ON payment_refund WHEN (SELECT active FROM sync_apply) = 0 BEGIN INSERT INTO sync_outbox (entity, row_id, op, base_version, gen) VALUES ('payment_refund', NEW.id, 'upsert', OLD.version, 0) ON CONFLICT (entity, row_id) DO UPDATE SET gen = gen + 1, op = excluded.op; END",
    "CREATE TRIGGER sync_payment_refund_delete AFTER DELETE ON payment_refund WHEN (SELECT active FROM sync_apply) = 0 BEGIN INSERT INTO sync_outbox (entity, row_id, op, base_version, gen) VALUES ('payment_refund', OLD.id, 'delete', OLD.version, 0) ON CONFLICT (entity, row_id) DO UPDATE SET gen = gen + 1, op = excluded.op; END",
)

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def _synced() -> list[sa.Column]:  # type: ignore[type-arg]
    return [sa.Column('id', sa.Uuid(), nullable=False), sa.Column('version', sa.Integer(), nullable=False),
            sa.Column('created_at', sa.String(length=40), nullable=False),
            sa.Column('updated_at', sa.String(length=40), nullable=False),
            sa.Column('deleted_at', sa.String(length=40), nullable=True),
            sa.Column('device_id', sa.Uuid(), nullable=False)]


def upgrade() -> None:
    op.create_table(
        'payment_link', *_synced(),
        sa.Column('invoice_id', sa.Uuid(), sa.ForeignKey('invoice.id'), nullable=False),
        sa.Column('provider', sa.String(length=40), nullable=False),
        sa.Column('link_id', sa.String(length=255), nullable=False),
        sa.Column('url', sa.String(length=2000), nullable=False),
        sa.Column('amount', sa.String(length=40), nullable=False),
        sa.Column('currency', sa.String(length=3), nullable=False),
        sa.Column('sequence', sa.Integer(), nullable=False),
        sa.Column('idempotency_key', sa.String(length=100), nullable=False, unique=True),
        sa.Column('owner_device_id', sa.Uuid(), nullable=False),
        sa.Column('expires_at', sa.String(length=40), nullable=True),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_payment_link_invoice_id', 'payment_link', ['invoice_id'])
    op.create_index('ix_payment_link_provider_link', 'payment_link', ['provider', 'link_id'], unique=True)
    op.create_table(
        'payment_event',
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('provider', sa.String(length=40), nullable=False),
        sa.Column('event_id', sa.String(length=255), nullable=False),
        sa.Column('kind', sa.String(length=40), nullable=False),
        sa.Column('payment_ref', sa.String(length=255), nullable=False),
        sa.Column('amount', sa.String(length=40), nullable=False),
        sa.Column('currency', sa.String(length=3), nullable=False),
        sa.Column('occurred_at', sa.String(length=40), nullable=False),
        sa.Column('link_id', sa.String(length=255), nullable=True),
        sa.Column('reference', sa.String(length=100), nullable=True),
        sa.Column('fee', sa.String(length=40), nullable=True),
        sa.Column('refund_id', sa.String(length=255), nullable=True),
        sa.Column('raw_status', sa.String(length=60), nullable=False),
        sa.Column('outcome', sa.String(length=30), nullable=False),
        sa.Column('received_at', sa.String(length=40), nullable=False),
        sa.Column('device_id', sa.Uuid(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_payment_event_provider_event', 'payment_event', ['provider', 'event_id'], unique=True)
    op.create_table(
        'payment', *_synced(),
        sa.Column('provider', sa.String(length=40), nullable=False),
        sa.Column('payment_ref', sa.String(length=255), nullable=False),
        sa.Column('invoice_id', sa.Uuid(), sa.ForeignKey('invoice.id'), nullable=True),
        sa.Column('link_id', sa.String(length=255), nullable=True),
        sa.Column('reference', sa.String(length=100), nullable=True),
        sa.Column('amount', sa.String(length=40), nullable=False),
        sa.Column('fee', sa.String(length=40), nullable=False),
        sa.Column('refunded', sa.String(length=40), nullable=False),
        sa.Column('currency', sa.String(length=3), nullable=False),
        sa.Column('state', sa.String(length=20), nullable=False),
        sa.Column('problem', sa.String(length=60), nullable=False),
        sa.Column('paid_at', sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_payment_invoice_id', 'payment', ['invoice_id'])
    op.create_index('ix_payment_provider_ref', 'payment', ['provider', 'payment_ref'], unique=True)
    op.create_table(
        'payment_refund', *_synced(),
        sa.Column('payment_id', sa.Uuid(), sa.ForeignKey('payment.id'), nullable=False),
        sa.Column('invoice_id', sa.Uuid(), sa.ForeignKey('invoice.id'), nullable=True),
        sa.Column('credit_note_id', sa.Uuid(), sa.ForeignKey('invoice.id'), nullable=True),
        sa.Column('provider', sa.String(length=40), nullable=False),
        sa.Column('refund_ref', sa.String(length=255), nullable=False),
        sa.Column('amount', sa.String(length=40), nullable=False),
        sa.Column('currency', sa.String(length=3), nullable=False),
        sa.Column('origin', sa.String(length=20), nullable=False),
        sa.Column('idempotency_key', sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_payment_refund_payment_id', 'payment_refund', ['payment_id'])
    op.create_index('ix_payment_refund_invoice_id', 'payment_refund', ['invoice_id'])
    op.create_index('ix_payment_refund_provider_ref', 'payment_refund', ['provider', 'refund_ref'], unique=True)
    op.create_table(
        'payment_cursor',
        sa.Column('provider', sa.String(length=40), nullable=False),
        sa.Column('cursor', sa.String(length=500), nullable=False),
        sa.Column('updated_at', sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint('provider'),
    )
    for statement in TRIGGERS:
        op.execute(statement)


def downgrade() -> None:
    for name, _key, _versioned in ADDED:
        for event in ("insert", "update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS sync_{name}_{event}")
    for table in ('payment_cursor', 'payment_refund', 'payment', 'payment_event', 'payment_link'):
        op.drop_table(table)
