"""The Overview's counts as one plain SQL statement, importable without SQLAlchemy: the
start-up's preload thread runs it on the connection it keys while the window is being built
(the pages it reads are then in that connection's cache, which the mission's first session
uses), and `services.mission.mission_summary` runs it for the figures."""

from __future__ import annotations

#: Entity tables counted on the Overview, in the order a leader reads them.
COUNTED_TABLES: list[str] = [
    "stakeholders",
    "relationships",
    "drivers",
    "team_members",
    "portfolios",
    "engagements",
    "commitments",
    "mandate_tasks",
    "benchmarks",
    "consultations",
    "cycle_events",
    "comms_objectives",
    "key_messages",
    "comms_milestones",
    "media_outlets",
    "rumours",
    "sources",
]

#: Commitment statuses still open (overdue when their due date has passed).
OPEN_STATUSES = ("open", "in_progress", "overdue")

#: (table, live rows) for each counted table, then ('overdue_commitments', n); one parameter:
#: today (ISO date).
COUNTS_SQL = " UNION ALL ".join(
    ["SELECT '%s', count(*) FROM %s WHERE deleted_at IS NULL" % (t, t) for t in COUNTED_TABLES]
    + ["SELECT 'overdue_commitments', count(*) FROM commitments WHERE status IN (%s) "
       "AND due_date < ? AND deleted_at IS NULL" % ", ".join("'%s'" % s for s in OPEN_STATUSES)]
)
