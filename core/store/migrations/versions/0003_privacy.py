"""Privacy: GDPR requests, retention holds, erasure certificates; customer restriction; staff roles.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

SYNCED = (
    ("id", sa.Uuid(), False), ("version", sa.Integer(), False), ("created_at", sa.String(length=40), False),
    ("updated_at", sa.String(length=40), False), ("deleted_at", sa.String(length=40), True),
    ("device_id", sa.Uuid(), False),
)


def upgrade() -> None:
    # Plain ADD COLUMN (no batch copy): triggers on other tables refer to these ones.
    op.add_column("staff_user", sa.Column("role", sa.String(length=20), nullable=False, server_default="clerk"))
    op.execute("UPDATE staff_user SET role = 'admin'")  # whoever used Qayd before roles existed keeps full access
    op.add_column("customer", sa.Column("restricted_at", sa.String(length=40), nullable=True))
    op.add_column("customer", sa.Column("erased_at", sa.String(length=40), nullable=True))
    op.create_table(
        "gdpr_request",
        sa.Column("reference", sa.String(length=40), nullable=False),
        sa.Column("subject", sa.String(length=120), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("received_at", sa.String(length=40), nullable=False),
        sa.Column("due_at", sa.String(length=40), nullable=False),
        sa.Column("extension_reason", sa.Text(), nullable=False),
        sa.Column("requester_json", sa.Text(), nullable=False),
        sa.Column("identity_method", sa.String(length=200), nullable=False),
        sa.Column("identity_checked_at", sa.String(length=40), nullable=True),
        sa.Column("identity_checked_by", sa.String(length=120), nullable=False),
        sa.Column("closed_at", sa.String(length=40), nullable=True),
        sa.Column("outcome", sa.Text(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        *(sa.Column(name, kind, nullable=nullable) for name, kind, nullable in SYNCED),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("reference"),
    )
    op.create_index("ix_gdpr_request_subject", "gdpr_request", ["subject"])
    op.create_table(
        "retention_hold",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("subject", sa.String(length=120), nullable=False),
        sa.Column("record", sa.String(length=120), nullable=False),
        sa.Column("basis", sa.String(length=60), nullable=False),
        sa.Column("held_until", sa.String(length=10), nullable=False),
        sa.Column("created_at", sa.String(length=40), nullable=False),
        sa.Column("purged_at", sa.String(length=40), nullable=True),
        sa.Column("device_id", sa.Uuid(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_retention_hold_subject", "retention_hold", ["subject"])
    op.create_table(
        "erasure_certificate",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("subject", sa.String(length=120), nullable=False),
        sa.Column("request_id", sa.Uuid(), nullable=True),
        sa.Column("issued_at", sa.String(length=40), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("signature", sa.Text(), nullable=False),
        sa.Column("device_id", sa.Uuid(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_erasure_certificate_subject", "erasure_certificate", ["subject"])
    for statement in TRIGGERS:
        op.execute(statement)


TRIGGERS = (
    """CREATE TRIGGER erasure_certificate_immutable BEFORE UPDATE ON erasure_certificate
       BEGIN SELECT RAISE(ABORT, 'erasure certificates are immutable'); END""",
    """CREATE TRIGGER erasure_certificate_no_delete BEFORE DELETE ON erasure_certificate
       BEGIN SELECT RAISE(ABORT, 'erasure certificates are immutable'); END""",
)


def downgrade() -> None:
    for name in [t.split()[2] for t in TRIGGERS]:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.drop_table("erasure_certificate")
    op.drop_table("retention_hold")
    op.drop_table("gdpr_request")
    with op.batch_alter_table("customer") as batch:
        batch.drop_column("erased_at")
        batch.drop_column("restricted_at")
    with op.batch_alter_table("staff_user") as batch:
        batch.drop_column("role")
