"""Where the leadership team's logged time goes, from the engagement log.

Rules (the README says them too):
- An engagement counts, whole, for every team member who took part in it, lead or not.
- Hours are durations summed in SQL over the engagements that start in the period (local
  days of the mission's clock, both ends included); tombstoned rows never count.
- An engagement belongs to a portfolio when it is linked to the strategy objective the
  portfolio serves (`Portfolio.objective_id`, set in the portfolio's form); one linked to two
  portfolios' objectives counts in both, one linked to none is "no portfolio".
- An engagement's priority tier is the best current engagement priority (A..D) among its
  counterparts; one without a ranked counterpart is "none", so a member's tiers add up to
  their total.
- The SRSG is the first active member whose role is SRSG; their political share is political
  minutes over all their minutes in the period, against `srsg_political_target` (a mission
  setting, 60 % unless changed).

Delegation suggestions (codes, no words) for the SRSG:
- "delegate": non-political or priority-C/D engagements the SRSG took part in that the RACI
  gives to someone else — the counterpart's accountable member in the stakeholder RACI, else
  the accountable member of the engagement's portfolio, else the counterpart's owner
  (`basis`: "stakeholder", "portfolio" or "owner"); grouped by counterpart and member.
- "transfer": a priority-A stakeholder the SRSG owns whom another member engaged more often
  than the SRSG in the period.
Each carries the share with those engagements taken off the SRSG's time (`share_after`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime

from sqlalchemy import and_, bindparam, case, func, select, text

from missiondesk.services import clock
from missiondesk.services.leadership.portfolios import (
    RaciMatrix,
    list_portfolios,
    priority_letters,
    raci_matrix,
)
from missiondesk.services.mission_settings import get_setting
from missiondesk.services.team import TeamMemberView, list_team
from missiondesk.store.handle import MissionHandle
from missiondesk.store.schema import (
    Assignment,
    Engagement,
    EngagementCounterpart,
    EngagementObjective,
    EngagementParticipant,
    Portfolio,
    TeamMember,
)

TARGET_SETTING = "srsg_political_target"
TIERS = ("A", "B", "C", "D")
NO_TIER = "none"
_e = Engagement.__table__.c
_p = EngagementParticipant.__table__.c
_c = EngagementCounterpart.__table__.c
_eo = EngagementObjective.__table__
_pf = Portfolio.__table__


@dataclass(frozen=True)
class MemberHours:
    """One member's logged engagement time in the period (minutes)."""

    member_id: str
    name: str
    role: str
    political_minutes: int
    other_minutes: int
    engagements: int
    by_portfolio: Mapping[str | None, int]  # portfolio id (None: no portfolio) -> minutes
    by_tier: Mapping[str, int]              # "A".."D" or "none" -> minutes

    @property
    def total_minutes(self) -> int:
        return self.political_minutes + self.other_minutes


@dataclass(frozen=True)
class MonthShare:
    month: date          # the first day of the month
    political_minutes: int
    total_minutes: int

    @property
    def percent(self) -> float | None:
        return 100.0 * self.political_minutes / self.total_minutes if self.total_minutes \
            else None


@dataclass(frozen=True)
class ShareFigure:
    """The SRSG's political share in the period, its target and its months."""

    member_id: str | None        # None: the mission has no active SRSG
    member_name: str | None
    political_minutes: int
    total_minutes: int
    target: int                  # percent
    months: tuple[MonthShare, ...]

    @property
    def percent(self) -> float | None:
        return _share(self.political_minutes, self.total_minutes)

    @property
    def trend(self) -> float | None:
        """Least-squares slope of the monthly share, in percentage points per month (None
        with fewer than two months that have hours)."""
        points = [(i, m.percent) for i, m in enumerate(self.months) if m.percent is not None]
        if len(points) < 2:
            return None
        mean_x = sum(x for x, _ in points) / len(points)
        mean_y = sum(y for _, y in points) / len(points)
        spread = sum((x - mean_x) ** 2 for x, _ in points)
        return sum((x - mean_x) * (y - mean_y) for x, y in points) / spread


@dataclass(frozen=True)
class TimeAllocation:
    start: date
    end: date
    members: tuple[MemberHours, ...]      # team order; active members and anyone with hours
    portfolios: tuple[tuple[str, str], ...]  # (id, name) in the team's order
    share: ShareFigure
    #: the classifications of the period's engagements: what an export of the hours marks
    levels: tuple[str, ...] = ()


@dataclass(frozen=True)
class Suggestion:
    code: str                       # "delegate" or "transfer"
    stakeholder_id: str | None
    stakeholder: str | None
    member_id: str                  # who would take it
    member: str
    member_role: str
    basis: str                      # delegate: stakeholder | portfolio | owner; transfer: owner
    reason: str                     # delegate: non_political | low_priority; transfer: engaged_more
    engagements: int                # the SRSG's engagements concerned
    minutes: int
    political_minutes: int
    portfolio: str | None = None    # basis "portfolio": its name
    member_engagements: int = 0     # transfer: how often the other member engaged it
    share_before: float | None = None
    share_after: float | None = None


def _share(political: int, total: int) -> float | None:
    return 100.0 * political / total if total else None


def period_bounds(handle: MissionHandle, start: date, end: date) -> tuple[datetime, datetime]:
    """The period's local days as the naive UTC instants the file stores."""
    tz = clock.mission_zone(handle)
    return clock.local_day_start(start, tz), clock.local_day_end(end, tz)


def _in_period(lo: datetime, hi: datetime) -> list:
    return [_e.deleted_at.is_(None), _e.starts_at >= lo, _e.starts_at < hi]


def _month_starts(start: date, end: date) -> list[date]:
    months, day = [], date(start.year, start.month, 1)
    while day <= end:
        months.append(day)
        day = date(day.year + (day.month == 12), day.month % 12 + 1, 1)
    return months


def srsg(handle: MissionHandle, team: list[TeamMemberView] | None = None
         ) -> TeamMemberView | None:
    """The mission's SRSG: the first active member with that role."""
    team = list_team(handle) if team is None else team
    return next((m for m in team if m.role == "SRSG"), None)


def srsg_share(handle: MissionHandle, start: date, end: date, *,
               team: list[TeamMemberView] | None = None) -> ShareFigure:
    """The SRSG's political share in the period, with each month's (two SQL aggregates)."""
    target = int(get_setting(handle, TARGET_SETTING))
    head = srsg(handle, team)
    if head is None:
        return ShareFigure(None, None, 0, 0, target, ())
    lo, hi = period_bounds(handle, start, end)
    months, month_of = _month_case(handle, start, end, hi)
    with handle.session() as session:
        rows = session.execute(
            select(month_of, _e.political, func.sum(_e.duration_minutes))
            .select_from(EngagementParticipant.__table__.join(
                Engagement.__table__, _e.id == _p.engagement_id))
            .where(_p.team_member_id == head.id, _p.deleted_at.is_(None), *_in_period(lo, hi))
            .group_by(month_of, _e.political)).all()
    per_month = [[0, 0] for _ in months]
    for index, political, minutes in rows:
        per_month[int(index)][0 if political else 1] += int(minutes or 0)
    political = sum(p for p, _ in per_month)
    other = sum(o for _, o in per_month)
    return ShareFigure(head.id, head.name, political, political + other, target,
                       tuple(MonthShare(m, p, p + o) for m, (p, o) in zip(months, per_month,
                                                                          strict=True)))


def srsg_share_for_brief(handle: MissionHandle, start: date, end: date) -> tuple[int | None, int]:
    """(the SRSG's political share as a whole percent, or None without hours; the target
    percent): what the team brief prints ("SRSG political share: 41 % (target 60 %)")."""
    figure = srsg_share(handle, start, end)
    percent = figure.percent
    return (None if percent is None else int(percent + 0.5)), figure.target


def _month_bounds(handle: MissionHandle, start: date, end: date) -> tuple[list, list]:
    """(the first day of each month of the period, the stored instants between them)."""
    tz = clock.mission_zone(handle)
    months = _month_starts(start, end)
    return months, [clock.local_day_start(m, tz) for m in months[1:]]


def _month_case(handle: MissionHandle, start: date, end: date, hi: datetime) -> tuple:
    """(the months of the period, a CASE giving a stored start's month index)."""
    months, bounds = _month_bounds(handle, start, end)
    return months, case(*[(_e.starts_at < b, i) for i, b in enumerate([*bounds, hi])],
                        else_=len(bounds))


# The period's hours, planned for SQLCipher's cost (every page read is a decrypt): the
# period's engagements are kept in memory (`period`), then the participants' covering index
# (member, tombstone, engagement) is read whole against them — the plain join read the
# participants' table at random and took twice as long on the large mission. The detail
# (tiers, portfolios) reads the period's counterparts in table order: their index by
# engagement would read the table at random too.
_PERIOD_SQL = """
period AS MATERIALIZED (
  SELECT e.id AS id, e.political AS political, e.duration_minutes AS minutes, {columns}
  FROM engagements AS e {join}
  WHERE e.deleted_at IS NULL AND e.starts_at >= :lo AND e.starts_at < :hi)
SELECT p.team_member_id, {keys}, sum(period.minutes), count(*)
FROM engagement_participants AS p CROSS JOIN period
WHERE period.id = p.engagement_id AND p.deleted_at IS NULL
GROUP BY p.team_member_id, {keys}
"""
_HOURS_SQL = "WITH " + _PERIOD_SQL.format(
    columns="CASE {month_case} ELSE {months} END AS month", join="",
    keys="period.political, period.month")
_TIERS_SQL = """
WITH tiers AS MATERIALIZED (
  SELECT engagement_id AS eid, min(CASE {tier_case} ELSE 9 END) AS tier
  FROM engagement_counterparts NOT INDEXED
  WHERE deleted_at IS NULL AND starts_at >= :lo AND starts_at < :hi
  GROUP BY engagement_id),
""" + _PERIOD_SQL.format(columns="coalesce(t.tier, 9) AS tier",
                         join="LEFT JOIN tiers AS t ON t.eid = e.id", keys="period.tier")
# The hours of the engagements linked to a portfolio's objective, by portfolio (an
# engagement of two portfolios counts in both), and of those linked to any ("linked").
_PORTFOLIO_SQL = """
WITH linked AS MATERIALIZED (
  SELECT e.id AS id, pf.id AS pid, e.duration_minutes AS minutes
  FROM portfolios AS pf
  CROSS JOIN engagement_objectives AS eo
  JOIN engagements AS e ON e.id = eo.engagement_id
  WHERE pf.deleted_at IS NULL AND pf.objective_id IS NOT NULL
    AND eo.objective_id = pf.objective_id AND eo.deleted_at IS NULL
    AND e.deleted_at IS NULL AND e.starts_at >= :lo AND e.starts_at < :hi)
SELECT p.team_member_id, linked.pid, sum(linked.minutes)
FROM engagement_participants AS p CROSS JOIN linked
WHERE linked.id = p.engagement_id AND p.deleted_at IS NULL
GROUP BY p.team_member_id, linked.pid
UNION ALL
SELECT p.team_member_id, NULL, sum(once.minutes)
FROM engagement_participants AS p
CROSS JOIN (SELECT DISTINCT id, minutes FROM linked) AS once
WHERE once.id = p.engagement_id AND p.deleted_at IS NULL
GROUP BY p.team_member_id
"""


def _stamp(value: datetime) -> str:
    """A bound instant as the file stores it (naive UTC text), for the SQL above."""
    return value.strftime("%Y-%m-%d %H:%M:%S")


@dataclass(frozen=True)
class HoursDetail:
    """Per member id: minutes by priority tier, and by portfolio (None: no portfolio)."""

    by_tier: Mapping[str, Mapping[str, int]]
    by_portfolio: Mapping[str, Mapping[str | None, int]]


def member_hours(handle: MissionHandle, start: date, end: date) -> TimeAllocation:
    """Hours per member in the period (start and end local days included), political and
    other, and the SRSG's share by month: one pass over the period's engagements and their
    participants. The tiers and portfolios are `hours_detail`'s (`time_allocation`: both)."""
    lo, hi = period_bounds(handle, start, end)
    team = list_team(handle, active_only=False)
    portfolios = list_portfolios(handle)
    target = int(get_setting(handle, TARGET_SETTING))
    months, bounds = _month_bounds(handle, start, end)
    params: dict = {"lo": _stamp(lo), "hi": _stamp(hi)}
    for i, bound in enumerate(bounds):
        params["month_%d" % i] = _stamp(bound)
    sql = _HOURS_SQL.format(
        month_case=" ".join("WHEN e.starts_at < :month_%d THEN %d" % (i, i)
                            for i in range(len(bounds))) or "WHEN 0 THEN 0",
        months=len(bounds))
    with handle.session() as session:
        rows = session.execute(text(sql), params).all()
        levels = tuple(session.scalars(  # from the index (tombstone, classification, start)
            select(_e.classification).where(*_in_period(lo, hi)).distinct()))
    minutes: dict[str, list[int]] = {}
    month_minutes: dict[str, list[list[int]]] = {}
    for member_id, political, month, total, count in rows:
        total = int(total or 0)
        cell = minutes.setdefault(member_id, [0, 0, 0])
        cell[0 if political else 1] += total
        cell[2] += int(count)
        per_month = month_minutes.setdefault(member_id, [[0, 0] for _ in months])
        per_month[int(month)][0 if political else 1] += total
    members = tuple(
        MemberHours(member_id=m.id, name=m.name, role=m.role,
                    political_minutes=minutes.get(m.id, [0, 0, 0])[0],
                    other_minutes=minutes.get(m.id, [0, 0, 0])[1],
                    engagements=minutes.get(m.id, [0, 0, 0])[2],
                    by_portfolio={}, by_tier={})
        for m in team if m.active or m.id in minutes)
    head = srsg(handle, [m for m in team if m.active])
    if head is None:
        share = ShareFigure(None, None, 0, 0, target, ())
    else:
        per_month = month_minutes.get(head.id, [[0, 0] for _ in months])
        political = sum(p for p, _ in per_month)
        share = ShareFigure(head.id, head.name, political,
                            political + sum(o for _, o in per_month), target,
                            tuple(MonthShare(m, p, p + o)
                                  for m, (p, o) in zip(months, per_month, strict=True)))
    return TimeAllocation(start=start, end=end, members=members,
                          portfolios=tuple((p.id, p.name) for p in portfolios), share=share,
                          levels=levels)


def hours_detail(handle: MissionHandle, start: date, end: date, *,
                 today: date | None = None, letters: Mapping | None = None) -> HoursDetail:
    """Per member, the period's minutes by the best priority tier among each engagement's
    counterparts, and by portfolio (engagements linked to a portfolio's objective)."""
    lo, hi = period_bounds(handle, start, end)
    letters = priority_letters(handle, today) if letters is None else letters
    params: dict = {"lo": _stamp(lo), "hi": _stamp(hi)}
    expanding, tier_case = [], []
    for i, tier in enumerate(TIERS):
        ids = [sid for sid, (letter, *_rest) in letters.items() if letter == tier]
        if ids:
            params["tier_%d" % i] = ids
            expanding.append(bindparam("tier_%d" % i, expanding=True))
            tier_case.append("WHEN stakeholder_id IN :tier_%d THEN %d" % (i, i))
    sql = _TIERS_SQL.format(tier_case=" ".join(tier_case) or "WHEN 0 THEN 9")
    with handle.session() as session:
        tier_rows = session.execute(text(sql).bindparams(*expanding), params).all()
        linked_objectives = session.scalar(
            select(func.count()).select_from(Portfolio)
            .where(Portfolio.objective_id.is_not(None)))
        portfolio_rows = session.execute(text(_PORTFOLIO_SQL), params).all() \
            if linked_objectives else []
    by_tier: dict[str, dict] = {}
    totals: dict[str, int] = {}
    for member_id, tier, total, _count in tier_rows:
        key = TIERS[int(tier)] if tier is not None and int(tier) < len(TIERS) else NO_TIER
        bucket = by_tier.setdefault(member_id, {})
        bucket[key] = bucket.get(key, 0) + int(total or 0)
        totals[member_id] = totals.get(member_id, 0) + int(total or 0)
    by_portfolio: dict[str, dict] = {}
    in_some: dict[str, int] = {}
    for member_id, portfolio_id, total in portfolio_rows:
        if portfolio_id is None:
            in_some[member_id] = int(total or 0)
        else:
            by_portfolio.setdefault(member_id, {})[portfolio_id] = int(total or 0)
    for member_id, total in totals.items():  # the rest: engagements of no portfolio
        rest = total - in_some.get(member_id, 0)
        if rest:
            by_portfolio.setdefault(member_id, {})[None] = rest
    return HoursDetail(by_tier=by_tier, by_portfolio=by_portfolio)


def with_detail(allocation: TimeAllocation, detail: HoursDetail) -> TimeAllocation:
    """The allocation with each member's tiers and portfolios filled in."""
    return replace(allocation, members=tuple(
        replace(m, by_tier=detail.by_tier.get(m.member_id, {}),
                by_portfolio=detail.by_portfolio.get(m.member_id, {}))
        for m in allocation.members))


def time_allocation(handle: MissionHandle, start: date, end: date, *,
                    today: date | None = None, letters: Mapping | None = None
                    ) -> TimeAllocation:
    """Hours per member in the period (start and end local days included): political and
    other, by priority tier, by portfolio, and the SRSG's share by month."""
    return with_detail(member_hours(handle, start, end),
                       hours_detail(handle, start, end, today=today, letters=letters))


def _accountable(row_letters: Mapping[str, str]) -> str | None:
    return next((m for m, letter in row_letters.items() if letter == "A"), None)


def delegation_suggestions(handle: MissionHandle, start: date, end: date, *,
                           today: date | None = None, letters: Mapping | None = None,
                           matrix: RaciMatrix | None = None,
                           share: ShareFigure | None = None) -> list[Suggestion]:
    """What the SRSG could hand to a deputy, biggest effect first (see the module's rules)."""
    letters = priority_letters(handle, today) if letters is None else letters
    team = list_team(handle)
    head = srsg(handle, team)
    if head is None:
        return []
    share = srsg_share(handle, start, end, team=team) if share is None else share
    matrix = raci_matrix(handle, today, letters=letters) if matrix is None else matrix
    members = {m.id: m for m in team}
    stakeholder_a = {r.id: _accountable(r.letters) for r in matrix.stakeholders}
    with handle.session() as session:
        stakeholder_a.update(session.execute(
            select(Assignment.stakeholder_id, Assignment.team_member_id)
            .where(Assignment.stakeholder_id.is_not(None), Assignment.raci == "A")).all())
    portfolio_a = {r.id: (_accountable(r.letters), r.name) for r in matrix.portfolios}
    lo, hi = period_bounds(handle, start, end)
    mine = and_(_p.team_member_id == head.id, _p.deleted_at.is_(None))
    with handle.session() as session:
        rows = session.execute(
            select(_e.id, _e.duration_minutes, _e.political, _c.stakeholder_id)
            .select_from(EngagementParticipant.__table__
                         .join(Engagement.__table__, _e.id == _p.engagement_id)
                         .outerjoin(EngagementCounterpart.__table__,
                                    and_(_c.engagement_id == _e.id, _c.deleted_at.is_(None))))
            .where(mine, *_in_period(lo, hi))).all()
        portfolio_rows = session.execute(
            select(_e.id, _pf.c.id)
            .select_from(EngagementParticipant.__table__
                         .join(Engagement.__table__, _e.id == _p.engagement_id)
                         .join(_eo, and_(_eo.c.engagement_id == _e.id,
                                         _eo.c.deleted_at.is_(None)))
                         .join(_pf, and_(_pf.c.objective_id == _eo.c.objective_id,
                                         _pf.c.deleted_at.is_(None))))
            .where(mine, *_in_period(lo, hi))).all()
    engagements: dict[str, tuple[int, bool, list[str]]] = {}
    for eid, duration, political, sid in rows:
        entry = engagements.setdefault(eid, (int(duration or 0), bool(political), []))
        if sid is not None:
            entry[2].append(sid)
    portfolios_of: dict[str, list[str]] = {}
    for eid, pid in portfolio_rows:
        portfolios_of.setdefault(eid, []).append(pid)

    def effect(minutes: int, political: int) -> float | None:
        return _share(share.political_minutes - political, share.total_minutes - minutes)

    groups: dict[tuple, list[int]] = {}
    for eid, (duration, political, counterparts) in engagements.items():
        tiers = [letters.get(s, (None,))[0] for s in counterparts]
        best = min((TIERS.index(t) for t in tiers if t in TIERS), default=None)
        low = best is not None and best >= 2
        if political and not low:
            continue
        reason = "non_political" if not political else "low_priority"
        found = None
        ordered = sorted(counterparts, key=lambda s: letters.get(s, (None, ""))[1].casefold())
        for sid in ordered:  # the stakeholder RACI first
            who = stakeholder_a.get(sid)
            if who is not None:
                found = (sid, who, "stakeholder", None)
                break
        if found is None:
            for pid in portfolios_of.get(eid, ()):
                who, name = portfolio_a.get(pid, (None, None))
                if who is not None:
                    found = (ordered[0] if ordered else None, who, "portfolio", name)
                    break
        if found is None:
            for sid in ordered:
                owner = letters.get(sid, (None, "", None))[2]
                if owner is not None:
                    found = (sid, owner, "owner", None)
                    break
        if found is None or found[1] == head.id or found[1] not in members:
            continue
        cell = groups.setdefault((*found, reason), [0, 0, 0])
        cell[0] += 1
        cell[1] += duration
        cell[2] += duration if political else 0
    suggestions = []
    for (sid, who, basis, portfolio, reason), (count, minutes, political) in groups.items():
        suggestions.append(Suggestion(
            code="delegate", stakeholder_id=sid,
            stakeholder=letters.get(sid, (None, None))[1] if sid else None,
            member_id=who, member=members[who].name, member_role=members[who].role,
            basis=basis, reason=reason, engagements=count, minutes=minutes,
            political_minutes=political, portfolio=portfolio,
            share_before=share.percent, share_after=effect(minutes, political)))
    suggestions.extend(_transfers(handle, head.id, members, letters, lo, hi, share, effect))
    suggestions.sort(key=lambda s: (-abs((s.share_after or 0) - (s.share_before or 0)),
                                    -s.minutes, (s.stakeholder or "").casefold()))
    return suggestions


def delegations_together(share: ShareFigure, suggestions: list[Suggestion]
                         ) -> tuple[int, int, float | None]:
    """(meetings, minutes, the share after) if the SRSG handed over every "delegate"
    suggestion at once (they never share an engagement; "transfer" ones may, so they are
    left out)."""
    chosen = [s for s in suggestions if s.code == "delegate"]
    minutes = sum(s.minutes for s in chosen)
    political = sum(s.political_minutes for s in chosen)
    return (sum(s.engagements for s in chosen), minutes,
            _share(share.political_minutes - political, share.total_minutes - minutes))


def _transfers(handle, head_id, members, letters, lo, hi, share, effect) -> list[Suggestion]:
    owned = [sid for sid, (letter, _n, owner) in letters.items()
             if letter == "A" and owner == head_id]
    if not owned:
        return []
    with handle.session() as session:
        rows = session.execute(
            select(_c.stakeholder_id, _p.team_member_id, func.count(),
                   func.sum(_e.duration_minutes),
                   func.sum(case((_e.political, _e.duration_minutes), else_=0)))
            .select_from(EngagementCounterpart.__table__
                         .join(Engagement.__table__, _e.id == _c.engagement_id)
                         .join(EngagementParticipant.__table__,
                               and_(_p.engagement_id == _e.id, _p.deleted_at.is_(None))))
            .where(_c.stakeholder_id.in_(owned), _c.deleted_at.is_(None), *_in_period(lo, hi))
            .group_by(_c.stakeholder_id, _p.team_member_id)).all()
    counts: dict[str, dict[str, tuple[int, int, int]]] = {}
    for sid, member_id, count, minutes, political in rows:
        counts.setdefault(sid, {})[member_id] = (int(count), int(minutes or 0),
                                                 int(political or 0))
    found = []
    for sid, by_member in counts.items():
        own = by_member.get(head_id, (0, 0, 0))
        others = [(c[0], m) for m, c in by_member.items() if m != head_id and m in members]
        if not others:
            continue
        count, deputy = max(others, key=lambda item: (item[0], members[item[1]].name))
        if count <= own[0]:
            continue
        found.append(Suggestion(
            code="transfer", stakeholder_id=sid, stakeholder=letters[sid][1],
            member_id=deputy, member=members[deputy].name,
            member_role=members[deputy].role, basis="owner", reason="engaged_more",
            engagements=own[0], minutes=own[1], political_minutes=own[2],
            member_engagements=count, share_before=share.percent,
            share_after=effect(own[1], own[2])))
    return found


# --- the handover view ------------------------------------------------------------------------


@dataclass(frozen=True)
class HandoverStakeholder:
    id: str
    name: str
    priority: str | None
    owner: bool                    # the member is the stakeholder's owner
    letter: str | None             # the member's letter in the stakeholder RACI
    last_by_member: datetime | None   # stored UTC
    last_title: str | None
    last_by_mission: datetime | None


@dataclass(frozen=True)
class Handover:
    member_id: str
    name: str
    role: str
    portfolios: tuple[tuple[str, str, str], ...]   # (id, name, letter), A first
    stakeholders: tuple[HandoverStakeholder, ...]
    commitments: tuple                              # CommitmentRow, open ones, most urgent first


def handover(handle: MissionHandle, member_id: str, *, today: date | None = None,
             letters: Mapping | None = None) -> Handover:
    """What a rotating leader hands over: their portfolios and stakeholders (owned, or with a
    letter in the stakeholder RACI), their open commitments, and their last engagement with
    each of their stakeholders (and the mission's)."""
    from missiondesk.services.commitments import CommitmentFilter, page_commitments
    from missiondesk.services.records import find_record

    letters = priority_letters(handle, today) if letters is None else letters
    with handle.session() as session:
        member = find_record(session, TeamMember, member_id)
        name, role = member.name, member.role
        cells = session.execute(
            select(Assignment.portfolio_id, Assignment.stakeholder_id, Assignment.raci)
            .where(Assignment.team_member_id == member_id)).all()
    order = {"A": 0, "R": 1, "C": 2, "I": 3}
    portfolio_names = {p.id: (p.sort_order, p.name) for p in list_portfolios(handle)}
    portfolios = sorted(((pid, portfolio_names[pid][1], letter) for pid, _s, letter in cells
                         if pid in portfolio_names),
                        key=lambda p: (order.get(p[2], 9), portfolio_names[p[0]][0]))
    raci = {sid: letter for _p, sid, letter in cells if sid is not None}
    ids = sorted({sid for sid, (_l, _n, owner) in letters.items() if owner == member_id}
                 | {sid for sid in raci if sid in letters})
    last_member: dict[str, tuple] = {}
    last_mission: dict[str, datetime] = {}
    if ids:
        with handle.session() as session:
            # the member's last live engagement with each: the counterparts by stakeholder
            # (index), each checked against the member's participations (covering index)
            mine = (select(_p.engagement_id)
                    .where(_p.team_member_id == member_id, _p.deleted_at.is_(None),
                           _p.engagement_id == _c.engagement_id).exists())
            live = (select(_e.id).where(_e.id == _c.engagement_id,
                                        _e.deleted_at.is_(None)).exists())
            found = [tuple(row) for row in session.execute(
                select(_c.stakeholder_id, func.max(_c.starts_at))
                .where(_c.stakeholder_id.in_(ids), _c.deleted_at.is_(None), mine, live)
                .group_by(_c.stakeholder_id))]
            if found:
                wanted = set(found)
                for sid, starts, title in session.execute(
                        select(_c.stakeholder_id, _c.starts_at, _e.title)
                        .select_from(EngagementCounterpart.__table__.join(
                            Engagement.__table__, _e.id == _c.engagement_id))
                        .where(_c.stakeholder_id.in_([sid for sid, _s in found]),
                               _c.starts_at.in_({starts for _sid, starts in found}),
                               _c.deleted_at.is_(None), _e.deleted_at.is_(None), mine)):
                    if (sid, starts) in wanted:  # IN on each column: the index serves
                        last_member[sid] = (starts, title)
            last_mission.update(session.execute(
                select(_c.stakeholder_id, func.max(_c.starts_at))
                .select_from(EngagementCounterpart.__table__
                             .join(Engagement.__table__, _e.id == _c.engagement_id))
                .where(_c.stakeholder_id.in_(ids), _c.deleted_at.is_(None),
                       _e.deleted_at.is_(None))
                .group_by(_c.stakeholder_id)).all())
    ranks = {"A": 0, "B": 1, "C": 2, "D": 3}
    stakeholders = sorted(
        (HandoverStakeholder(
            id=sid, name=letters[sid][1], priority=letters[sid][0],
            owner=letters[sid][2] == member_id, letter=raci.get(sid),
            last_by_member=_datetime(last_member.get(sid, (None, None))[0]),
            last_title=last_member.get(sid, (None, None))[1],
            last_by_mission=_datetime(last_mission.get(sid)))
         for sid in ids),
        key=lambda s: (ranks.get(s.priority, 4), s.name.casefold()))
    commitments = page_commitments(handle, CommitmentFilter(owner_id=member_id,
                                                            status="active"),
                                   today=today, limit=500)
    return Handover(member_id=member_id, name=name, role=role, portfolios=tuple(portfolios),
                    stakeholders=tuple(stakeholders), commitments=tuple(commitments))


def _datetime(value) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value))
