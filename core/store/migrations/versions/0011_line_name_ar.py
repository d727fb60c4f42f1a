"""An invoice line's Arabic item name: printed on the Arabic side of the invoice (the XML carries the one item name).

Added in place (ALTER TABLE ... ADD COLUMN, not a batch copy), so the sync triggers on `invoice_line` stay as they
are; existing lines get "" and print their item name on both sides, as before.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('invoice_line', sa.Column('name_ar', sa.String(length=1000), nullable=False, server_default=''))


def downgrade() -> None:
    with op.batch_alter_table('invoice_line') as batch:
        batch.drop_column('name_ar')
