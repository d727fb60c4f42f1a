"""ZATCA: EGS units, issued documents (append-only) and the durable submission queue.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMN, not a batch copy of the table: the triggers on invoice lines refer to `invoice`.
    for flag in ("third_party", "nominal", "export", "summary", "self_billed"):
        op.add_column("invoice", sa.Column(flag, sa.Boolean(), nullable=False, server_default=sa.false()))
    op.add_column("invoice", sa.Column("prepayments_json", sa.Text(), nullable=False, server_default="[]"))
    op.add_column("invoice", sa.Column("payable_rounding", sa.String(length=40), nullable=False, server_default="0"))
    op.create_table('egs_unit',
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('serial_number', sa.String(length=300), nullable=False),
    sa.Column('environment', sa.String(length=20), nullable=False),
    sa.Column('invoice_types', sa.String(length=4), nullable=False),
    sa.Column('branch', sa.String(length=200), nullable=False),
    sa.Column('location', sa.String(length=300), nullable=False),
    sa.Column('industry', sa.String(length=200), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('certificate_b64', sa.Text(), nullable=True),
    sa.Column('certificate_expires_at', sa.String(length=40), nullable=True),
    sa.Column('compliance_request_id', sa.String(length=100), nullable=False),
    sa.Column('icv', sa.Integer(), nullable=False),
    sa.Column('last_hash', sa.String(length=100), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.String(length=40), nullable=False),
    sa.Column('updated_at', sa.String(length=40), nullable=False),
    sa.Column('deleted_at', sa.String(length=40), nullable=True),
    sa.Column('device_id', sa.Uuid(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('name')
    )
    op.create_table('issued_document',
    sa.Column('invoice_id', sa.Uuid(), nullable=False),
    sa.Column('egs_unit_id', sa.Uuid(), nullable=False),
    sa.Column('icv', sa.Integer(), nullable=False),
    sa.Column('uuid', sa.Uuid(), nullable=False),
    sa.Column('pih', sa.String(length=100), nullable=False),
    sa.Column('invoice_hash', sa.String(length=100), nullable=False),
    sa.Column('phase', sa.Integer(), nullable=False),
    sa.Column('qr', sa.Text(), nullable=False),
    sa.Column('xml', sa.LargeBinary(), nullable=False),
    sa.Column('issued_at', sa.String(length=40), nullable=False),
    sa.Column('device_id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['egs_unit_id'], ['egs_unit.id'], ),
    sa.ForeignKeyConstraint(['invoice_id'], ['invoice.id'], ),
    sa.PrimaryKeyConstraint('invoice_id'),
    sa.UniqueConstraint('uuid')
    )
    with op.batch_alter_table('issued_document', schema=None) as batch_op:
        batch_op.create_index('ix_issued_document_egs_icv', ['egs_unit_id', 'icv'], unique=True)

    op.create_table('zatca_submission',
    sa.Column('invoice_id', sa.Uuid(), nullable=False),
    sa.Column('egs_unit_id', sa.Uuid(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('outcome', sa.String(length=30), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', sa.String(length=40), nullable=False),
    sa.Column('deadline', sa.String(length=40), nullable=True),
    sa.Column('last_status_code', sa.Integer(), nullable=True),
    sa.Column('last_error', sa.String(length=1000), nullable=False),
    sa.Column('messages_json', sa.Text(), nullable=False),
    sa.Column('cleared_xml', sa.Text(), nullable=True),
    sa.Column('completed_at', sa.String(length=40), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.String(length=40), nullable=False),
    sa.Column('updated_at', sa.String(length=40), nullable=False),
    sa.Column('deleted_at', sa.String(length=40), nullable=True),
    sa.Column('device_id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['egs_unit_id'], ['egs_unit.id'], ),
    sa.ForeignKeyConstraint(['invoice_id'], ['invoice.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('invoice_id')
    )
    with op.batch_alter_table('zatca_submission', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_zatca_submission_state'), ['state'], unique=False)


    for statement in TRIGGERS:
        op.execute(statement)


TRIGGERS = (
    """CREATE TRIGGER issued_document_immutable BEFORE UPDATE ON issued_document
       BEGIN SELECT RAISE(ABORT, 'issued documents are immutable'); END""",
    """CREATE TRIGGER issued_document_no_delete BEFORE DELETE ON issued_document
       BEGIN SELECT RAISE(ABORT, 'issued documents are immutable'); END""",
    """CREATE TRIGGER egs_counter_never_goes_back BEFORE UPDATE OF icv ON egs_unit
       WHEN NEW.icv < OLD.icv
       BEGIN SELECT RAISE(ABORT, 'the invoice counter never goes back'); END""",
)

def downgrade() -> None:
    for column in ("third_party", "nominal", "export", "summary", "self_billed", "prepayments_json",
                   "payable_rounding"):
        op.drop_column("invoice", column)
    for name in [t.split()[2] for t in TRIGGERS]:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    with op.batch_alter_table('zatca_submission', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_zatca_submission_state'))

    op.drop_table('zatca_submission')
    with op.batch_alter_table('issued_document', schema=None) as batch_op:
        batch_op.drop_index('ix_issued_document_egs_icv')

    op.drop_table('issued_document')
    op.drop_table('egs_unit')
