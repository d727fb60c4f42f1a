"""Gate passes: drafts whose unsigned XML passed the XSD and the XML rules when saved (issue 12, the gate's cost).

A local table (not synchronised, no trigger): issuing reads it to prove that the text it signs is the text that was
checked, apart from the counter and the previous hash, and deletes each pass it uses.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'gate_pass',
        sa.Column('invoice_id', sa.Uuid(), nullable=False),
        sa.Column('digest', sa.String(length=64), nullable=False),
        sa.Column('checked_at', sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint('invoice_id'),
    )


def downgrade() -> None:
    op.drop_table('gate_pass')
