"""Follow-ups: the engagement gaps and "What needs me today".

- `engagement_gaps(handle, today)`: priority-A stakeholders not engaged for `gap_days_a`
  days or more and priority-B ones for `gap_days_b` (mission settings, 30 and 60 unless the
  team changed them), never-engaged ones included, with the days since and the owner. The
  letter is the one the Stakeholders desk shows (`services/priority.py`, overrides
  included); do-not-engage stakeholders and the mission itself have none, so they are never
  a gap. The last engagement of each stakeholder is read from the counterparts' covering
  index `ix_engagement_counterparts_last`, only for the stakeholders asked about.
- `what_needs_me(handle, member_id, today)`: the member's overdue commitments, those due
  within `DUE_SOON_DAYS` days (today included), and the gaps of the stakeholders the member
  owns. A member who owns no stakeholder sees the gaps of the stakeholders nobody owns:
  those are nobody's follow-up unless someone picks them up; a user who is not one of the
  team sees nothing (`scope` says which).

No Qt here, and no user-visible text.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from missiondesk.services import commitments as commitment_service
from missiondesk.services.commitments import CommitmentFilter, CommitmentRow
from missiondesk.services.mission_settings import get_settings
from missiondesk.services.priority import engagement_priority, not_a_target
from missiondesk.store.handle import MissionHandle

#: The letters that have a gap threshold, and the setting holding each.
GAP_SETTINGS = {"A": "gap_days_a", "B": "gap_days_b"}
#: "Due soon": due today or within this many days after it.
DUE_SOON_DAYS = commitment_service.DUE_SOON_DAYS
#: Scopes of the gaps in `what_needs_me`.
OWN, UNOWNED, NONE = "own", "unowned", "none"

_CANDIDATES_SQL = (
    "SELECT s.id, s.name, s.aliases, s.category, s.influence, s.interest, s.stance_peace, "
    "s.stance_mission, s.perception, s.do_not_engage, s.priority_override, "
    "s.priority_override_reason, s.owner_id, t.name, "
    # the last live engagement up to the end of today, from the covering index
    # (stakeholder_id, starts_at, deleted_at), its engagement checked by primary key
    "(SELECT max(c.starts_at) FROM engagement_counterparts AS c "
    " JOIN engagements AS e ON e.id = c.engagement_id "
    " WHERE c.stakeholder_id = s.id AND c.starts_at < ? AND c.deleted_at IS NULL "
    " AND e.deleted_at IS NULL) "
    "FROM stakeholders AS s "
    "LEFT JOIN team_members AS t ON t.id = s.owner_id AND t.deleted_at IS NULL "
    "WHERE s.deleted_at IS NULL AND s.do_not_engage = 0"
)


@dataclass(frozen=True)
class Gap:
    """A priority stakeholder the mission has not engaged for too long (or ever)."""

    stakeholder_id: str
    name: str
    priority: str               # "A" or "B"
    last_engaged: date | None   # None: never engaged
    days_since: int | None      # None: never engaged
    threshold: int              # the setting's days for this letter
    owner_id: str | None
    owner_name: str | None


@dataclass(frozen=True)
class NeedsMe:
    """What one team member should look at today."""

    overdue: tuple[CommitmentRow, ...] = ()
    due_soon: tuple[CommitmentRow, ...] = ()
    gaps: tuple[Gap, ...] = ()
    scope: str = NONE            # whose gaps: OWN, UNOWNED, or NONE (not one of the team)
    thresholds: dict = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not (self.overdue or self.due_soon or self.gaps)


def gap_thresholds(handle: MissionHandle) -> dict[str, int]:
    """Letter -> days without an engagement that make a gap (the mission's settings)."""
    values = get_settings(handle, tuple(GAP_SETTINGS.values()))
    return {letter: int(values[key]) for letter, key in GAP_SETTINGS.items()}


def _day(value) -> date | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def _aliases(text) -> tuple[str, ...]:
    if not text or text == "[]":
        return ()
    value = json.loads(text) if isinstance(text, str) else text
    return tuple(value) if isinstance(value, list) else ()


def engagement_gaps(handle: MissionHandle, today: date | None = None, *,
                    owner_id: str | None = None, unowned: bool = False) -> list[Gap]:
    """Priority-A and B stakeholders past their threshold without an engagement, A first,
    then the longest without (never engaged first), then by name.

    `owner_id`: only that member's stakeholders; `unowned`: only those nobody owns."""
    today = today or date.today()
    thresholds = gap_thresholds(handle)
    sql, params = _CANDIDATES_SQL, [(today + timedelta(days=1)).isoformat()]
    if owner_id is not None:
        sql += " AND s.owner_id = ?"
        params.append(owner_id)
    elif unowned:
        sql += " AND (s.owner_id IS NULL OR t.id IS NULL)"
    with handle.session() as session:
        conn = session.connection()
        mission = conn.exec_driver_sql("SELECT name, acronym FROM mission LIMIT 1").first()
        rows = conn.exec_driver_sql(sql, tuple(params)).all()
    gaps = []
    for (sid, name, aliases, category, influence, interest, stance_peace, stance_mission,
         perception, dne, override, override_reason, owner, owner_name, last) in rows:
        last_engaged = _day(last)
        days = (today - last_engaged).days if last_engaged is not None else None
        letter = engagement_priority(
            influence=influence, interest=interest, stance_peace=stance_peace,
            stance_mission=stance_mission, perception=perception, days_since_engaged=days,
            do_not_engage=bool(dne), override=override, override_reason=override_reason,
            not_target=not_a_target(category=category, name=name, aliases=_aliases(aliases),
                                    mission_name=mission[0] if mission else None,
                                    mission_acronym=mission[1] if mission else None),
        ).letter
        threshold = thresholds.get(letter)
        if threshold is None or (days is not None and days < threshold):
            continue
        gaps.append(Gap(stakeholder_id=sid, name=name, priority=letter,
                        last_engaged=last_engaged, days_since=days, threshold=threshold,
                        owner_id=owner if owner_name is not None else None,
                        owner_name=owner_name))
    gaps.sort(key=lambda g: (g.priority, g.days_since is not None, -(g.days_since or 0),
                             g.name.casefold()))
    return gaps


def owns_stakeholders(handle: MissionHandle, member_id: str) -> bool:
    with handle.session() as session:
        return session.connection().exec_driver_sql(
            "SELECT 1 FROM stakeholders WHERE owner_id = ? AND deleted_at IS NULL LIMIT 1",
            (member_id,)).first() is not None


def what_needs_me(handle: MissionHandle, member_id: str | None, today: date | None = None,
                  *, limit: int = 50) -> NeedsMe:
    """The member's overdue commitments (most overdue first), those due within
    DUE_SOON_DAYS days, and the engagement gaps of the stakeholders they own (or of those
    nobody owns when they own none); empty for a user who is not one of the team."""
    today = today or date.today()
    if not member_id:
        return NeedsMe(thresholds=gap_thresholds(handle))
    overdue = commitment_service.page_commitments(
        handle, CommitmentFilter(owner_id=member_id, overdue_only=True), today=today,
        limit=limit)
    soon = commitment_service.page_commitments(
        handle, CommitmentFilter(owner_id=member_id, status="active",
                                 due_before=today + timedelta(days=DUE_SOON_DAYS)),
        today=today, limit=limit + len(overdue))
    due_soon = [r for r in soon if not r.overdue][:limit]
    if owns_stakeholders(handle, member_id):
        scope, gaps = OWN, engagement_gaps(handle, today, owner_id=member_id)
    else:
        scope, gaps = UNOWNED, engagement_gaps(handle, today, unowned=True)
    return NeedsMe(overdue=tuple(overdue), due_soon=tuple(due_soon), gaps=tuple(gaps[:limit]),
                   scope=scope, thresholds=gap_thresholds(handle))

