"""Seller identification scheme: the company profile's id (BT-29) may be any scheme BR-KSA-08 allows, not only a CRN.

`company.commercial_registration` becomes `company.id_value` and `company.id_scheme` (CRN, MOM, MLS, 700, SAG or
OTH) is added; existing profiles keep their number under scheme CRN, which is what their XML always said. The
company table is not synchronised (migration 0007), so no trigger or central table changes.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('company') as batch:
        batch.alter_column('commercial_registration', new_column_name='id_value',
                           existing_type=sa.String(length=20), type_=sa.String(length=127), existing_nullable=False)
        batch.add_column(sa.Column('id_scheme', sa.String(length=3), nullable=False, server_default='CRN'))


def downgrade() -> None:
    with op.batch_alter_table('company') as batch:
        batch.drop_column('id_scheme')
        batch.alter_column('id_value', new_column_name='commercial_registration',
                           existing_type=sa.String(length=127), type_=sa.String(length=20), existing_nullable=False)
