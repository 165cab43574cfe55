"""mission settings: the thresholds and limits the whole team shares

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-03

A new table only: no existing row is touched, so a file at 0001 keeps every record.
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "mission_settings",
        sa.Column("key", sa.String(length=60), nullable=False),
        sa.Column("value", sa.JSON(), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("updated_by", sa.String(length=200), nullable=True),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("origin", sa.String(length=36), nullable=True),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.Column("classification", sa.String(length=30), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mission_settings")),
        sa.UniqueConstraint("key", name=op.f("uq_mission_settings_key")),
    )
    with op.batch_alter_table("mission_settings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_mission_settings_deleted_at"), ["deleted_at"],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table("mission_settings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_mission_settings_deleted_at"))
    op.drop_table("mission_settings")
