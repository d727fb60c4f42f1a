"""The assistant's usage (issue 18, point 4): one row per call to a provider, with its tokens and cost.

* `assistant_usage` stays on this install (not synchronised): the budget is this desk's, and every call is also an
  audit entry (`assistant.called`, with the same figures), which central receives with the audit chain.
* No prompt and no answer is kept: `request_digest` is the SHA-256 of the request body as sent.
* `cost` is exact Decimal text (core.store.types.DecimalText), in the currency of the [assistant] price table.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-08
"""

import sqlalchemy as sa
from alembic import op

revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'assistant_usage',
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('at', sa.String(length=40), nullable=False),
        sa.Column('actor', sa.String(length=200), nullable=False),
        sa.Column('purpose', sa.String(length=60), nullable=False),
        sa.Column('provider', sa.String(length=40), nullable=False),
        sa.Column('model', sa.String(length=200), nullable=False),
        sa.Column('input_tokens', sa.Integer(), nullable=False),
        sa.Column('output_tokens', sa.Integer(), nullable=False),
        sa.Column('cost', sa.String(length=40), nullable=False),
        sa.Column('currency', sa.String(length=3), nullable=False),
        sa.Column('request_digest', sa.String(length=64), nullable=False),
        sa.Column('device_id', sa.Uuid(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_assistant_usage_at', 'assistant_usage', ['at'])


def downgrade() -> None:
    op.drop_index('ix_assistant_usage_at', table_name='assistant_usage')
    op.drop_table('assistant_usage')
