"""Secret store: versioned data-encryption keys wrapped with the master key (rotation).

Existing secrets stay sealed with the master key at key_version 1, which the store still reads; the first
`qayd secrets rotate` moves them to a wrapped key (version 2) and retires version 1.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "secret_key",
        sa.Column("version", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("wrapped_key", sa.LargeBinary(), nullable=True),
        sa.Column("created_at", sa.String(length=40), nullable=False),
        sa.Column("destroyed_at", sa.String(length=40), nullable=True),
        sa.Column("device_id", sa.Uuid(), nullable=False),
        sa.PrimaryKeyConstraint("version"),
    )
    for statement in TRIGGERS:
        op.execute(statement)


TRIGGERS = (
    # A destroyed key stays destroyed: its row may not get key material back, nor be removed (the version
    # number would be reused and old audit entries would name a different key).
    """CREATE TRIGGER secret_key_stays_destroyed BEFORE UPDATE OF wrapped_key ON secret_key
       WHEN OLD.wrapped_key IS NULL AND NEW.wrapped_key IS NOT NULL
       BEGIN SELECT RAISE(ABORT, 'a destroyed secret key cannot be restored'); END""",
    """CREATE TRIGGER secret_key_no_delete BEFORE DELETE ON secret_key
       BEGIN SELECT RAISE(ABORT, 'secret key versions are never deleted'); END""",
)


def downgrade() -> None:
    for name in [t.split()[2] for t in TRIGGERS]:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.drop_table("secret_key")
