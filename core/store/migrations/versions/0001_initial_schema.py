"""Initial schema: company, parties, products, invoices, audit chain, checkpoints, keys and secrets.

Revision ID: 0001
Revises:
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('audit_checkpoint',
    sa.Column('seq', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.Column('at', sa.String(length=40), nullable=False),
    sa.Column('device_id', sa.String(length=36), nullable=False),
    sa.Column('signature', sa.LargeBinary(), nullable=False),
    sa.PrimaryKeyConstraint('seq')
    )
    op.create_table('audit_entry',
    sa.Column('seq', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('prev_hash', sa.LargeBinary(length=32), nullable=False),
    sa.Column('hash', sa.LargeBinary(length=32), nullable=False),
    sa.Column('at', sa.String(length=40), sa.Computed("json_extract(body, '$.at')", persisted=False), nullable=False),
    sa.Column('actor', sa.String(length=80), sa.Computed("json_extract(body, '$.actor')", persisted=False), nullable=False),
    sa.Column('device_id', sa.String(length=36), sa.Computed("json_extract(body, '$.device')", persisted=False), nullable=False),
    sa.Column('action', sa.String(length=80), sa.Computed("json_extract(body, '$.action')", persisted=False), nullable=False),
    sa.Column('subject', sa.String(length=120), sa.Computed("json_extract(body, '$.subject')", persisted=False), nullable=False),
    sa.PrimaryKeyConstraint('seq')
    )
    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_entry_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_entry_subject'), ['subject'], unique=False)

    op.create_table('company',
    sa.Column('legal_name_ar', sa.String(length=1000), nullable=False),
    sa.Column('legal_name_en', sa.String(length=1000), nullable=False),
    sa.Column('vat_number', sa.String(length=15), nullable=False),
    sa.Column('commercial_registration', sa.String(length=20), nullable=False),
    sa.Column('street', sa.String(length=1000), nullable=False),
    sa.Column('building_number', sa.String(length=10), nullable=False),
    sa.Column('district', sa.String(length=1000), nullable=False),
    sa.Column('city', sa.String(length=1000), nullable=False),
    sa.Column('postal_code', sa.String(length=10), nullable=False),
    sa.Column('country', sa.String(length=2), nullable=False),
    sa.Column('additional_number', sa.String(length=10), nullable=False),
    sa.Column('province', sa.String(length=200), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.String(length=40), nullable=False),
    sa.Column('updated_at', sa.String(length=40), nullable=False),
    sa.Column('deleted_at', sa.String(length=40), nullable=True),
    sa.Column('device_id', sa.Uuid(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('customer',
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('name', sa.String(length=1000), nullable=False),
    sa.Column('name_ar', sa.String(length=1000), nullable=False),
    sa.Column('vat_number', sa.String(length=15), nullable=False),
    sa.Column('id_scheme', sa.String(length=3), nullable=True),
    sa.Column('id_value', sa.String(length=100), nullable=False),
    sa.Column('address_json', sa.Text(), nullable=True),
    sa.Column('email', sa.String(length=320), nullable=False),
    sa.Column('phone', sa.String(length=50), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.String(length=40), nullable=False),
    sa.Column('updated_at', sa.String(length=40), nullable=False),
    sa.Column('deleted_at', sa.String(length=40), nullable=True),
    sa.Column('device_id', sa.Uuid(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('customer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_customer_vat_number'), ['vat_number'], unique=False)

    op.create_table('device',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('is_local', sa.Boolean(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('public_key', sa.LargeBinary(), nullable=False),
    sa.Column('created_at', sa.String(length=40), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('product',
    sa.Column('name', sa.String(length=1000), nullable=False),
    sa.Column('name_ar', sa.String(length=1000), nullable=False),
    sa.Column('sku', sa.String(length=100), nullable=False),
    sa.Column('unit_price', sa.String(length=40), nullable=False),
    sa.Column('unit_code', sa.String(length=10), nullable=False),
    sa.Column('vat_category', sa.String(length=1), nullable=False),
    sa.Column('vat_rate', sa.String(length=40), nullable=False),
    sa.Column('exemption_reason_code', sa.String(length=20), nullable=False),
    sa.Column('exemption_reason', sa.String(length=1000), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.String(length=40), nullable=False),
    sa.Column('updated_at', sa.String(length=40), nullable=False),
    sa.Column('deleted_at', sa.String(length=40), nullable=True),
    sa.Column('device_id', sa.Uuid(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('secret',
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('key_version', sa.Integer(), nullable=False),
    sa.Column('sealed', sa.LargeBinary(), nullable=False),
    sa.Column('created_at', sa.String(length=40), nullable=False),
    sa.Column('updated_at', sa.String(length=40), nullable=False),
    sa.Column('device_id', sa.Uuid(), nullable=False),
    sa.PrimaryKeyConstraint('name')
    )
    op.create_table('setting',
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('value_json', sa.Text(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.String(length=40), nullable=False),
    sa.Column('updated_at', sa.String(length=40), nullable=False),
    sa.Column('deleted_at', sa.String(length=40), nullable=True),
    sa.Column('device_id', sa.Uuid(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('key')
    )
    op.create_table('staff_user',
    sa.Column('username', sa.String(length=200), nullable=False),
    sa.Column('display_name', sa.String(length=200), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.String(length=40), nullable=False),
    sa.Column('updated_at', sa.String(length=40), nullable=False),
    sa.Column('deleted_at', sa.String(length=40), nullable=True),
    sa.Column('device_id', sa.Uuid(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('username')
    )
    op.create_table('subject_key',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('subject', sa.String(length=120), nullable=False),
    sa.Column('wrapped_key', sa.LargeBinary(), nullable=True),
    sa.Column('created_at', sa.String(length=40), nullable=False),
    sa.Column('destroyed_at', sa.String(length=40), nullable=True),
    sa.Column('device_id', sa.Uuid(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('subject')
    )
    op.create_table('invoice',
    sa.Column('number', sa.String(length=127), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('type', sa.String(length=20), nullable=False),
    sa.Column('issue_datetime', sa.String(length=40), nullable=False),
    sa.Column('supply_date', sa.String(length=10), nullable=True),
    sa.Column('supply_end_date', sa.String(length=10), nullable=True),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('exchange_rate', sa.String(length=40), nullable=True),
    sa.Column('customer_id', sa.Uuid(), nullable=True),
    sa.Column('buyer_json', sa.Text(), nullable=True),
    sa.Column('payment_means', sa.String(length=10), nullable=False),
    sa.Column('billing_reference', sa.String(length=127), nullable=False),
    sa.Column('reason', sa.String(length=1000), nullable=False),
    sa.Column('note', sa.String(length=1000), nullable=False),
    sa.Column('prepaid_amount', sa.String(length=40), nullable=False),
    sa.Column('line_extension', sa.BigInteger(), nullable=False),
    sa.Column('tax_exclusive', sa.BigInteger(), nullable=False),
    sa.Column('tax_total', sa.BigInteger(), nullable=False),
    sa.Column('tax_total_sar', sa.BigInteger(), nullable=False),
    sa.Column('tax_inclusive', sa.BigInteger(), nullable=False),
    sa.Column('payable', sa.BigInteger(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.String(length=40), nullable=False),
    sa.Column('updated_at', sa.String(length=40), nullable=False),
    sa.Column('deleted_at', sa.String(length=40), nullable=True),
    sa.Column('device_id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('number')
    )
    with op.batch_alter_table('invoice', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_invoice_customer_id'), ['customer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_invoice_issue_datetime'), ['issue_datetime'], unique=False)
        batch_op.create_index(batch_op.f('ix_invoice_status'), ['status'], unique=False)

    op.create_table('invoice_allowance_charge',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('invoice_id', sa.Uuid(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('is_charge', sa.Boolean(), nullable=False),
    sa.Column('amount', sa.String(length=40), nullable=False),
    sa.Column('reason', sa.String(length=1000), nullable=False),
    sa.Column('reason_code', sa.String(length=10), nullable=False),
    sa.Column('vat_category', sa.String(length=1), nullable=False),
    sa.Column('vat_rate', sa.String(length=40), nullable=False),
    sa.Column('exemption_reason_code', sa.String(length=20), nullable=False),
    sa.Column('exemption_reason', sa.String(length=1000), nullable=False),
    sa.Column('device_id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['invoice_id'], ['invoice.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('invoice_allowance_charge', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_invoice_allowance_charge_invoice_id'), ['invoice_id'], unique=False)

    op.create_table('invoice_line',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('invoice_id', sa.Uuid(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=1000), nullable=False),
    sa.Column('quantity', sa.String(length=40), nullable=False),
    sa.Column('unit_price', sa.String(length=40), nullable=False),
    sa.Column('discount', sa.String(length=40), nullable=False),
    sa.Column('vat_category', sa.String(length=1), nullable=False),
    sa.Column('vat_rate', sa.String(length=40), nullable=False),
    sa.Column('exemption_reason_code', sa.String(length=20), nullable=False),
    sa.Column('exemption_reason', sa.String(length=1000), nullable=False),
    sa.Column('unit_code', sa.String(length=10), nullable=False),
    sa.Column('product_id', sa.Uuid(), nullable=True),
    sa.Column('device_id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['invoice_id'], ['invoice.id'], ),
    sa.ForeignKeyConstraint(['product_id'], ['product.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('invoice_line', schema=None) as batch_op:
        batch_op.create_index('ix_invoice_line_invoice', ['invoice_id', 'position'], unique=True)


    for statement in TRIGGERS:
        op.execute(statement)


# The store refuses, by itself, what the application must never do: change or delete an issued
# document or an audit entry. Tampering with the file directly is caught by the chain instead.
TRIGGERS = (
    """CREATE TRIGGER invoice_issued_immutable BEFORE UPDATE ON invoice
       WHEN OLD.status <> 'draft'
       BEGIN SELECT RAISE(ABORT, 'issued invoices are immutable'); END""",
    """CREATE TRIGGER invoice_no_delete BEFORE DELETE ON invoice
       BEGIN SELECT RAISE(ABORT, 'invoices are never deleted; a draft is tombstoned'); END""",
    """CREATE TRIGGER invoice_line_issued_immutable BEFORE UPDATE ON invoice_line
       WHEN (SELECT status FROM invoice WHERE id = OLD.invoice_id) <> 'draft'
       BEGIN SELECT RAISE(ABORT, 'issued invoices are immutable'); END""",
    """CREATE TRIGGER invoice_line_issued_no_delete BEFORE DELETE ON invoice_line
       WHEN (SELECT status FROM invoice WHERE id = OLD.invoice_id) <> 'draft'
       BEGIN SELECT RAISE(ABORT, 'issued invoices are immutable'); END""",
    """CREATE TRIGGER invoice_ac_issued_immutable BEFORE UPDATE ON invoice_allowance_charge
       WHEN (SELECT status FROM invoice WHERE id = OLD.invoice_id) <> 'draft'
       BEGIN SELECT RAISE(ABORT, 'issued invoices are immutable'); END""",
    """CREATE TRIGGER invoice_ac_issued_no_delete BEFORE DELETE ON invoice_allowance_charge
       WHEN (SELECT status FROM invoice WHERE id = OLD.invoice_id) <> 'draft'
       BEGIN SELECT RAISE(ABORT, 'issued invoices are immutable'); END""",
    """CREATE TRIGGER audit_entry_append_only_u BEFORE UPDATE ON audit_entry
       BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END""",
    """CREATE TRIGGER audit_entry_append_only_d BEFORE DELETE ON audit_entry
       BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END""",
    """CREATE TRIGGER audit_checkpoint_append_only_u BEFORE UPDATE ON audit_checkpoint
       BEGIN SELECT RAISE(ABORT, 'checkpoints are append-only'); END""",
    """CREATE TRIGGER audit_checkpoint_append_only_d BEFORE DELETE ON audit_checkpoint
       BEGIN SELECT RAISE(ABORT, 'checkpoints are append-only'); END""",
)


def downgrade() -> None:
    for name in [t.split()[2] for t in TRIGGERS]:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    with op.batch_alter_table('invoice_line', schema=None) as batch_op:
        batch_op.drop_index('ix_invoice_line_invoice')

    op.drop_table('invoice_line')
    with op.batch_alter_table('invoice_allowance_charge', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_invoice_allowance_charge_invoice_id'))

    op.drop_table('invoice_allowance_charge')
    with op.batch_alter_table('invoice', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_invoice_status'))
        batch_op.drop_index(batch_op.f('ix_invoice_issue_datetime'))
        batch_op.drop_index(batch_op.f('ix_invoice_customer_id'))

    op.drop_table('invoice')
    op.drop_table('subject_key')
    op.drop_table('staff_user')
    op.drop_table('setting')
    op.drop_table('secret')
    op.drop_table('product')
    op.drop_table('device')
    with op.batch_alter_table('customer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_customer_vat_number'))

    op.drop_table('customer')
    op.drop_table('company')
    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_entry_subject'))
        batch_op.drop_index(batch_op.f('ix_audit_entry_at'))

    op.drop_table('audit_entry')
    op.drop_table('audit_checkpoint')
