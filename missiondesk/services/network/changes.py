"""What changed in the network since a date."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta  # noqa: F401

from missiondesk.services.network.graph import _day, _first_known, period_end, period_start


@dataclass(frozen=True)
class NetworkChanges:
    started: list[str]  # relationship ids, earliest first
    ended: list[str]  # relationship ids, earliest first
    stance_changes: list[tuple[str, date, str, str | None, str]]  # (id, day, field, old, new)
    new_actors: list[str]  # stakeholder ids, earliest first


_CHANGES_REL_SQL = (
    "SELECT id, source_id, target_id, type, strength, valence, status, valid_from, "
    "valid_to, created_at FROM relationships WHERE deleted_at IS NULL"
)
_ENDED_LOG_SQL = (
    "SELECT record_id, min(at) FROM change_log WHERE table_name = 'relationships' "
    "AND field = 'status' AND new_value = ? AND at >= ? AND at < ? GROUP BY record_id"
)
_ALL_ASSESSMENTS_SQL = (
    "SELECT a.stakeholder_id, a.assessed_on, a.stance_peace, a.stance_mission "
    "FROM stakeholder_assessments AS a JOIN stakeholders AS s ON s.id = a.stakeholder_id "
    "AND s.deleted_at IS NULL WHERE a.deleted_at IS NULL "
    "ORDER BY a.stakeholder_id, a.assessed_on, a.created_at"
)


def _overlaps(text: str | None, since: date, today: date) -> date | None:
    """The day to report a partial date at when its period overlaps [since, today]."""
    start, end = period_start(text), period_end(text)
    if start is None or end is None or end < since or start > today:
        return None
    return max(start, since)


def changes_since(handle, since: date, today: date | None = None) -> NetworkChanges:
    """Relationships that started or ended, stance changes and new actors between `since`
    and `today` (both included).

    Started: validity begins in the window (a partial date whose period overlaps it), or,
    without a start date, recorded in the window while current (not ended, no end date
    passed: an ended relationship recorded now did not start now). Ended: validity ends in
    the window, or the status was set to ended in the window (change log), or, ended
    without an end date, it was recorded in the window. Stance changes: dated assessments in
    the window that changed a stance (the first assessment of an actor is not a change).
    New actors: stakeholders first seen in the window (recorded, and no earlier assessment,
    engagement or dated relationship shows them before).
    """
    import json

    today = today or date.today()
    low, high = since.isoformat(), (today + timedelta(days=1)).isoformat()
    with handle.session() as session:
        conn = session.connection()
        rels = conn.exec_driver_sql(_CHANGES_REL_SQL).fetchall()
        ended_log = dict(conn.exec_driver_sql(_ENDED_LOG_SQL,
                                              (json.dumps("ended"), low, high)).fetchall())
        assessments = conn.exec_driver_sql(_ALL_ASSESSMENTS_SQL).fetchall()
        people = conn.exec_driver_sql(
            "SELECT id, created_at, name_key FROM stakeholders WHERE deleted_at IS NULL"
        ).fetchall()
        known = _first_known(conn, [(r[0], r[1], r[2], None, None, None, None, r[7])
                                    for r in rels])

    started, ended = [], []
    for rid, _s, _t, _type, _st, _v, status, valid_from, valid_to, created in rels:
        recorded = _day(created)
        recorded_now = recorded is not None and since <= recorded <= today
        over = status == "ended" or (period_end(valid_to) is not None
                                     and period_end(valid_to) <= today)
        day = _overlaps(valid_from, since, today)
        if not valid_from and recorded_now and not over:
            day = recorded  # undated and current: it started (for the record) when recorded
        if day is not None:
            started.append((day, rid))
        stop = _overlaps(valid_to, since, today)
        if stop is None and status == "ended" and rid in ended_log:
            stop = _day(ended_log[rid])
        if stop is None and status == "ended" and not valid_to and recorded_now:
            stop = recorded  # recorded as ended, with no end date: it ended, for the record
        if stop is not None:
            ended.append((stop, rid))

    changes = []
    previous: dict[tuple[str, str], str] = {}
    for sid, on, peace, mission in assessments:
        day = _day(on)
        for name, value in (("stance_peace", peace), ("stance_mission", mission)):
            if value is None:
                continue
            old = previous.get((sid, name))
            if old is not None and old != value and day is not None and since <= day <= today:
                changes.append((sid, day, name, old, value))
            previous[(sid, name)] = value
    changes.sort(key=lambda c: (c[1], c[0], c[2]))

    new = []
    for sid, created, name_key in people:
        first = _day(created)
        evidence = known.get(sid)
        if evidence is not None and (first is None or evidence < first):
            first = evidence
        if first is not None and since <= first <= today:
            new.append((first, name_key or "", sid))
    return NetworkChanges(
        started=[rid for _, rid in sorted(started)],
        ended=[rid for _, rid in sorted(ended)],
        stance_changes=changes,
        new_actors=[sid for _, _, sid in sorted(new)],
    )


# --- exports --------------------------------------------------------------------------------

