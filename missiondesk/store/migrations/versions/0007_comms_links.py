"""communications: a milestone's benchmark or commitment, a rumour's protection-of-civilians flag

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03

Issue 13 asks for milestones linked to the benchmark met or the commitment fulfilled they
communicate (so a candidate achievement is proposed once), and for rumours whose risk to
civilians is flagged apart from the risk level. Three nullable or defaulted columns: every
existing row keeps its values (no link, not flagged).
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("comms_milestones", schema=None) as batch_op:
        batch_op.add_column(sa.Column("benchmark_id", sa.String(length=36), nullable=True))
        batch_op.add_column(sa.Column("commitment_id", sa.String(length=36), nullable=True))
        batch_op.create_foreign_key(batch_op.f("fk_comms_milestones_benchmark_id_benchmarks"),
                                    "benchmarks", ["benchmark_id"], ["id"])
        batch_op.create_foreign_key(
            batch_op.f("fk_comms_milestones_commitment_id_commitments"),
            "commitments", ["commitment_id"], ["id"])
        batch_op.create_index(batch_op.f("ix_comms_milestones_benchmark_id"),
                              ["benchmark_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_comms_milestones_commitment_id"),
                              ["commitment_id"], unique=False)
    with op.batch_alter_table("rumours", schema=None) as batch_op:
        batch_op.add_column(sa.Column("poc_risk", sa.Boolean(), nullable=False,
                                      server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("rumours", schema=None) as batch_op:
        batch_op.drop_column("poc_risk")
    with op.batch_alter_table("comms_milestones", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_comms_milestones_commitment_id"))
        batch_op.drop_index(batch_op.f("ix_comms_milestones_benchmark_id"))
        batch_op.drop_constraint(batch_op.f("fk_comms_milestones_commitment_id_commitments"),
                                 type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("fk_comms_milestones_benchmark_id_benchmarks"),
                                 type_="foreignkey")
        batch_op.drop_column("commitment_id")
        batch_op.drop_column("benchmark_id")
