"""communications plan: the plan's lines, a message's approval and validity, an objective's
mandate task and benchmark

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03

The schema had no place for the plan (audience x message x channel x messenger x timing): one
new table, `comms_plan_rows`. Key messages gain who approved them and when, and the dates they
may be used between; communications objectives gain the mandate task and the benchmark they
serve (beside the strategy objective they already had). Columns are added empty: every
existing row keeps its values.
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "comms_plan_rows",
        sa.Column("audience_id", sa.String(length=36), nullable=False),
        sa.Column("key_message_id", sa.String(length=36), nullable=False),
        sa.Column("channel", sa.String(length=30), nullable=False),
        sa.Column("messenger", sa.String(length=200), nullable=True),
        sa.Column("timing", sa.String(length=200), nullable=True),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("updated_by", sa.String(length=200), nullable=True),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("origin", sa.String(length=36), nullable=True),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.Column("classification", sa.String(length=30), nullable=False),
        sa.ForeignKeyConstraint(["audience_id"], ["audiences.id"],
                                name=op.f("fk_comms_plan_rows_audience_id_audiences")),
        sa.ForeignKeyConstraint(["key_message_id"], ["key_messages.id"],
                                name=op.f("fk_comms_plan_rows_key_message_id_key_messages")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_comms_plan_rows")),
    )
    with op.batch_alter_table("comms_plan_rows", schema=None) as batch_op:
        for column in ("audience_id", "key_message_id", "deleted_at"):
            batch_op.create_index(batch_op.f("ix_comms_plan_rows_" + column), [column],
                                  unique=False)

    with op.batch_alter_table("key_messages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("approved_by", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("approved_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("valid_from", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("valid_until", sa.Date(), nullable=True))

    # Plain ALTER TABLE ADD COLUMN (the link inline): a batch copy of comms_objectives would
    # drop a table key messages and milestones point to. SQLite cannot drop a column that
    # holds a link, so a downgrade leaves these two (unused by 0005): add only what is missing.
    present = {c["name"] for c in sa.inspect(op.get_bind()).get_columns("comms_objectives")}
    for column, target in (("mandate_task_id", "mandate_tasks"), ("benchmark_id", "benchmarks")):
        if column not in present:  # names are constants of this file, never input
            op.execute("ALTER TABLE comms_objectives ADD COLUMN %s VARCHAR(36) "
                       "REFERENCES %s (id)" % (column, target))
    op.create_index(op.f("ix_comms_objectives_mandate_task_id"), "comms_objectives",
                    ["mandate_task_id"], unique=False)
    op.create_index(op.f("ix_comms_objectives_benchmark_id"), "comms_objectives",
                    ["benchmark_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_comms_objectives_benchmark_id"), table_name="comms_objectives")
    op.drop_index(op.f("ix_comms_objectives_mandate_task_id"), table_name="comms_objectives")
    # The two columns stay (see upgrade): SQLite cannot drop a column that holds a link, and
    # 0005 never reads them.
    with op.batch_alter_table("key_messages", schema=None) as batch_op:
        for column in ("valid_until", "valid_from", "approved_on", "approved_by"):
            batch_op.drop_column(column)
    with op.batch_alter_table("comms_plan_rows", schema=None) as batch_op:
        for column in ("deleted_at", "key_message_id", "audience_id"):
            batch_op.drop_index(batch_op.f("ix_comms_plan_rows_" + column))
    op.drop_table("comms_plan_rows")
