"""mandate: a task's stakeholders, engagements and commitments

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03

Issue 12 asks for the links between tasks, benchmarks, stakeholders, engagements and
commitments; a task linked only to benchmarks (benchmark_tasks). Three link tables in the
pattern of benchmark_tasks and engagement_benchmarks (the common columns, a foreign key and an
index on each side), plus one live pair per task and record (a partial unique index on the
rows not tombstoned: a link removed and added back revives its row). New tables only: every
existing row keeps its values.
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

#: table -> (the other column, the table it points to)
LINKS = {
    "mandate_task_stakeholders": ("stakeholder_id", "stakeholders"),
    "mandate_task_engagements": ("engagement_id", "engagements"),
    "mandate_task_commitments": ("commitment_id", "commitments"),
}


def upgrade() -> None:
    for table, (other, target) in LINKS.items():
        op.create_table(
            table,
            sa.Column("task_id", sa.String(length=36), nullable=False),
            sa.Column(other, sa.String(length=36), nullable=False),
            sa.Column("id", sa.String(length=36), nullable=False),
            sa.Column("created_at", sa.DateTime(), nullable=False),
            sa.Column("created_by", sa.String(length=200), nullable=True),
            sa.Column("updated_at", sa.DateTime(), nullable=False),
            sa.Column("updated_by", sa.String(length=200), nullable=True),
            sa.Column("revision", sa.Integer(), nullable=False),
            sa.Column("origin", sa.String(length=36), nullable=True),
            sa.Column("deleted_at", sa.DateTime(), nullable=True),
            sa.Column("classification", sa.String(length=30), nullable=False),
            sa.ForeignKeyConstraint(["task_id"], ["mandate_tasks.id"],
                                    name=op.f("fk_%s_task_id_mandate_tasks" % table)),
            sa.ForeignKeyConstraint([other], ["%s.id" % target],
                                    name=op.f("fk_%s_%s_%s" % (table, other, target))),
            sa.PrimaryKeyConstraint("id", name=op.f("pk_%s" % table)),
        )
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_index(batch_op.f("ix_%s_task_id" % table), ["task_id"],
                                  unique=False)
            batch_op.create_index(batch_op.f("ix_%s_%s" % (table, other)), [other],
                                  unique=False)
            batch_op.create_index(batch_op.f("ix_%s_deleted_at" % table), ["deleted_at"],
                                  unique=False)
        op.create_index("uq_%s_live_pair" % table, table, ["task_id", other], unique=True,
                        sqlite_where=sa.text("deleted_at IS NULL"))


def downgrade() -> None:
    for table in reversed(list(LINKS)):
        op.drop_table(table)
