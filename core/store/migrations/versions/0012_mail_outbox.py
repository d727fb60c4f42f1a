"""The mail outbox: invoice e-mails queued in the same transaction as the request, sent by a flush (issue 15).

A local table (not synchronised, no trigger): the desk that queued a message is the one that sends it. The body is
kept only until the message is sent; the row (who it went to, when, its Message-ID) stays as long as the invoice.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'mail_outbox',
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('invoice_id', sa.Uuid(), nullable=False),
        sa.Column('customer_id', sa.Uuid(), nullable=True),
        sa.Column('recipient', sa.String(length=320), nullable=False),
        sa.Column('lang', sa.String(length=2), nullable=False),
        sa.Column('attach_xml', sa.Boolean(), nullable=False),
        sa.Column('subject', sa.String(length=400), nullable=False),
        sa.Column('body_text', sa.Text(), nullable=True),
        sa.Column('body_html', sa.Text(), nullable=True),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('next_attempt_at', sa.String(length=40), nullable=False),
        sa.Column('last_error', sa.String(length=1000), nullable=False),
        sa.Column('message_id', sa.String(length=250), nullable=False),
        sa.Column('requested_at', sa.String(length=40), nullable=False),
        sa.Column('updated_at', sa.String(length=40), nullable=False),
        sa.Column('sent_at', sa.String(length=40), nullable=True),
        sa.ForeignKeyConstraint(['invoice_id'], ['invoice.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_mail_outbox_due', 'mail_outbox', ['status', 'next_attempt_at'])
    op.create_index('ix_mail_outbox_invoice_id', 'mail_outbox', ['invoice_id'])
    op.create_index('ix_mail_outbox_customer_id', 'mail_outbox', ['customer_id'])


def downgrade() -> None:
    op.drop_index('ix_mail_outbox_customer_id', table_name='mail_outbox')
    op.drop_index('ix_mail_outbox_invoice_id', table_name='mail_outbox')
    op.drop_index('ix_mail_outbox_due', table_name='mail_outbox')
    op.drop_table('mail_outbox')
