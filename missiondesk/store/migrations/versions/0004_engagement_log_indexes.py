"""the engagement log's indexes: every order the log offers, read from an index

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03

Indexes only; no row is touched. The log pages by seeking from the last row shown
((key, starts_at, id) after the last one's), so each order it offers needs an index that
starts with the live rows (`deleted_at`), then the key, then the start: a page of the
large mission's 200,000 engagements reads ~200 index entries whatever the order, and the
format / political / classification filters seek in the same indexes. Titles and places
sort without case (lower()). The commitments linked to a page are counted from the links'
own index (engagement, tombstone) without reading the commitments, and a team member's
engagements are read from the participants' index (member, tombstone, engagement).
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

#: index name -> its columns (a text() is an expression)
INDEXES = {
    "ix_engagements_live_start": ["deleted_at", "starts_at"],
    "ix_engagements_live_duration": ["deleted_at", "duration_minutes", "starts_at"],
    "ix_engagements_live_title": ["deleted_at", "lower(title)", "starts_at"],
    "ix_engagements_live_format": ["deleted_at", "format", "starts_at"],
    "ix_engagements_live_level": ["deleted_at", "level", "starts_at"],
    "ix_engagements_live_political": ["deleted_at", "political", "starts_at"],
    "ix_engagements_live_location": ["deleted_at", "lower(location)", "starts_at"],
    "ix_engagements_live_classification": ["deleted_at", "classification", "starts_at"],
}


def upgrade() -> None:
    for name, columns in INDEXES.items():
        op.create_index(name, "engagements",
                        [sa.text(c) if "(" in c else c for c in columns], unique=False)
    op.create_index("ix_commitment_engagements_live", "commitment_engagements",
                    ["engagement_id", "deleted_at"], unique=False)
    op.create_index("ix_engagement_participants_member_live", "engagement_participants",
                    ["team_member_id", "deleted_at", "engagement_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_engagement_participants_member_live",
                  table_name="engagement_participants")
    op.drop_index("ix_commitment_engagements_live", table_name="commitment_engagements")
    for name in reversed(list(INDEXES)):
        op.drop_index(name, table_name="engagements")
