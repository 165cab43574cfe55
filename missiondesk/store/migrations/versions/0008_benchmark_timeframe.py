"""mandate: a benchmark's optional indicative timeframe

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03

Issue 12 states a benchmark as a condition with an optional indicative timeframe ("within 18
months", "before the elections"): the condition decides, the timeframe only orients. One
nullable text column, added empty: every existing benchmark keeps its values. A plain ALTER
TABLE (no batch copy): indicators, assessments, links and milestones point to benchmarks.
"""

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("ALTER TABLE benchmarks ADD COLUMN timeframe VARCHAR(120)")


def downgrade() -> None:
    # SQLite drops a column that no index or link uses in place (3.35 and later)
    op.execute("ALTER TABLE benchmarks DROP COLUMN timeframe")
