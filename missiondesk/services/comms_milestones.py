"""Milestones and achievements to communicate, and the communications calendar.

- A milestone has a title, a planned date, a status (planned, on track, delayed, achieved,
  communicated, cancelled), the achievement to communicate and when it was achieved, the
  communications objective it serves and, when it communicates one, the benchmark met or the
  commitment fulfilled (`benchmark_id`, `commitment_id`).
- `candidate_achievements` proposes what the mission could communicate: benchmarks newly met
  (their latest assessment, within the window, says met and the one before did not) and
  commitments fulfilled within the window — neither already turned into a milestone. The
  window is the mission setting `achievement_window_days`.
- `calendar` puts the milestones beside the Council cycle events (services/council_cycle) and
  marks the windows around SG reports, the Council's briefings on them and renewals, when
  disinformation against missions usually peaks (`disinfo_days_before` /
  `disinfo_days_after`, mission settings).

No Qt here, and no user-visible text: rows carry codes, refusals are typed errors.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select

from missiondesk.services import validation
from missiondesk.services.clock import local_today, mission_zone, to_local
from missiondesk.services.mission_settings import get_settings
from missiondesk.services.names import fold
from missiondesk.services.records import apply_changes, find_record, load_record, log_value
from missiondesk.store.errors import InvalidValue
from missiondesk.store.handle import MissionHandle, UnitOfWork, utcnow
from missiondesk.store.schema import (
    Benchmark,
    BenchmarkAssessment,
    ChangeLog,
    Commitment,
    CommsMilestone,
    CommsObjective,
    Mission,
)
from missiondesk.store.vocab import Classification, MilestoneStatus

#: Fields the milestone form edits, in form order.
EDITABLE = ("title", "planned_on", "status", "objective_id", "achievement", "achieved_on",
            "benchmark_id", "commitment_id", "classification")
#: Statuses of a milestone whose achievement is there to communicate (or was communicated).
ACHIEVED = ("achieved", "communicated")
#: Council cycle events around which disinformation usually peaks.
WINDOW_KINDS = ("sg_report_due", "council_briefing", "renewal")
_LONG = 5000


@dataclass(frozen=True)
class MilestoneRow:
    id: str
    revision: int
    title: str
    planned_on: date | None
    status: str
    objective_id: str | None
    objective_title: str | None
    achievement: str | None
    achieved_on: date | None
    benchmark_id: str | None
    benchmark_statement: str | None
    commitment_id: str | None
    commitment_text: str | None
    classification: str

    def values(self) -> dict:
        """The form's fields (EDITABLE)."""
        return {name: getattr(self, name) for name in EDITABLE}

    @property
    def day(self) -> date | None:
        """The day it stands on in the calendar: achieved on, else planned on."""
        return self.achieved_on or self.planned_on


@dataclass(frozen=True)
class MilestoneView:
    id: str
    revision: int
    status: str
    deleted: bool = False


@dataclass(frozen=True)
class Candidate:
    """An achievement to communicate, not yet a milestone: `kind` "benchmark" (met on `day`)
    or "commitment" (fulfilled on `day`); `text` is the benchmark's statement or the
    commitment's text."""

    kind: str
    record_id: str
    text: str
    day: date

    def milestone_values(self) -> dict:
        """What a new milestone for it starts with."""
        return {"title": self.text[:300], "status": MilestoneStatus.ACHIEVED.value,
                "achieved_on": self.day, "planned_on": self.day,
                "benchmark_id": self.record_id if self.kind == "benchmark" else None,
                "commitment_id": self.record_id if self.kind == "commitment" else None}


@dataclass(frozen=True)
class DisinfoWindow:
    """The days around a Council cycle event when disinformation usually peaks."""

    start: date
    end: date
    event_id: str
    event_kind: str
    event_day: date
    event_title: str

    def holds(self, day: date) -> bool:
        return self.start <= day <= self.end


@dataclass(frozen=True)
class CalendarEntry:
    """A dated line of the calendar: a milestone (`code` its status) or a Council cycle
    event (`code` its kind). `in_window`: it falls in a disinformation window."""

    kind: str  # "milestone" or "cycle_event"
    record_id: str
    day: date
    title: str
    code: str
    in_window: bool


@dataclass(frozen=True)
class Calendar:
    start: date
    end: date
    entries: tuple[CalendarEntry, ...]
    windows: tuple[DisinfoWindow, ...]

    def windows_on(self, day: date) -> list[DisinfoWindow]:
        return [w for w in self.windows if w.holds(day)]


# --- validation ----------------------------------------------------------------------------


def _exists(session, field: str, model, record_id: str | None) -> str | None:
    if record_id in (None, ""):
        return None
    row = session.get(model, record_id)
    if row is None or row.deleted_at is not None:
        raise InvalidValue(field=field, reason="unknown_record", value=record_id,
                           table="comms_milestones")
    return record_id


def clean_fields(session, changes: dict, *, creating: bool) -> dict:
    """Validate and normalise milestone fields; raises InvalidValue(field=, reason=, ...).
    Creating requires the title."""
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ValueError("not an editable milestone field: %s" % ", ".join(sorted(unknown)))
    if creating and changes.get("title") in (None, ""):
        raise InvalidValue(field="title", reason="required", table="comms_milestones")
    models = {"objective_id": CommsObjective, "benchmark_id": Benchmark,
              "commitment_id": Commitment}
    clean: dict = {}
    for name, value in changes.items():
        if name == "title":
            clean[name] = validation.required_text(name, value, max_length=300)
        elif name == "achievement":
            clean[name] = validation.optional_text(name, value, max_length=_LONG)
        elif name in ("planned_on", "achieved_on"):
            clean[name] = validation.optional_date(name, value)
        elif name == "status":
            clean[name] = validation.vocabulary(name, value, MilestoneStatus)
        elif name == "classification":
            clean[name] = validation.vocabulary(name, value, Classification)
        elif name in models:
            clean[name] = _exists(session, name, models[name], value)
    return clean


# --- writing -------------------------------------------------------------------------------


def _view(row: CommsMilestone) -> MilestoneView:
    return MilestoneView(id=row.id, revision=row.revision, status=row.status,
                         deleted=row.deleted_at is not None)


def create_milestone(uow: UnitOfWork, **fields) -> MilestoneView:
    """Add a milestone (the title is required; it starts planned; the classification defaults
    to the mission's)."""
    session = uow.session
    clean = clean_fields(session, fields, creating=True)
    clean.setdefault("status", MilestoneStatus.PLANNED.value)
    if "classification" not in clean:
        clean["classification"] = (session.scalars(select(Mission.default_classification))
                                   .first() or Classification.CONFIDENTIAL.value)
    row = CommsMilestone(**clean)
    uow.add(row)
    session.flush()
    return _view(row)


def update_milestone(uow: UnitOfWork, milestone_id: str, *, expected_revision: int | None,
                     **changes) -> MilestoneView:
    row = load_record(uow, CommsMilestone, milestone_id, expected_revision)
    clean = clean_fields(uow.session, changes, creating=False)
    apply_changes(row, clean)
    uow.session.flush()
    return _view(row)


def delete_milestone(uow: UnitOfWork, milestone_id: str, *, expected_revision: int | None
                     ) -> MilestoneView:
    row = load_record(uow, CommsMilestone, milestone_id, expected_revision)
    row.deleted_at = utcnow()
    uow.session.flush()
    return _view(row)


def restore_milestone(uow: UnitOfWork, milestone_id: str, *, expected_revision: int | None
                      ) -> MilestoneView:
    row = load_record(uow, CommsMilestone, milestone_id, expected_revision,
                      include_deleted=True)
    row.deleted_at = None
    uow.session.flush()
    return _view(row)


# --- reading -------------------------------------------------------------------------------


def list_milestones(handle: MissionHandle) -> list[MilestoneRow]:
    """Every live milestone by the day it stands on (undated last), then title."""
    query = (select(CommsMilestone, CommsObjective.title, Benchmark.statement,
                    Commitment.text)
             .outerjoin(CommsObjective, CommsObjective.id == CommsMilestone.objective_id)
             .outerjoin(Benchmark, Benchmark.id == CommsMilestone.benchmark_id)
             .outerjoin(Commitment, Commitment.id == CommsMilestone.commitment_id))
    with handle.session() as session:
        rows = [MilestoneRow(
            id=m.id, revision=m.revision, title=m.title, planned_on=m.planned_on,
            status=m.status, objective_id=m.objective_id, objective_title=objective,
            achievement=m.achievement, achieved_on=m.achieved_on,
            benchmark_id=m.benchmark_id, benchmark_statement=statement,
            commitment_id=m.commitment_id, commitment_text=text,
            classification=m.classification)
            for m, objective, statement, text in session.execute(query)]
    return sorted(rows, key=lambda r: (r.day is None, r.day or date.min, fold(r.title)))


def get_milestone(handle: MissionHandle, milestone_id: str) -> MilestoneRow:
    with handle.session() as session:
        find_record(session, CommsMilestone, milestone_id)
    return next(r for r in list_milestones(handle) if r.id == milestone_id)


def objective_choices(handle: MissionHandle) -> list[tuple[str, str]]:
    """(id, title) of every live communications objective, in the plan's order."""
    with handle.session() as session:
        rows = session.execute(select(CommsObjective.id, CommsObjective.title)
                               .order_by(CommsObjective.sort_order, CommsObjective.title)).all()
    return [tuple(r) for r in rows]


def benchmark_choices(handle: MissionHandle) -> list[tuple[str, str]]:
    """(id, statement) of every live benchmark, in the mandate's order."""
    with handle.session() as session:
        rows = session.execute(select(Benchmark.id, Benchmark.statement)
                               .order_by(Benchmark.sort_order, Benchmark.statement)).all()
    return [tuple(r) for r in rows]


def commitment_choices(handle: MissionHandle, record_id: str | None = None
                       ) -> list[tuple[str, str]]:
    """(id, text) of every live fulfilled or partially fulfilled commitment (what a
    milestone can communicate), and `record_id`'s whatever its status."""
    with handle.session() as session:
        query = select(Commitment.id, Commitment.text).where(
            Commitment.status.in_(("fulfilled", "partially_fulfilled"))
            | (Commitment.id == (record_id or "")))
        rows = session.execute(query).all()
    return sorted((tuple(r) for r in rows), key=lambda r: fold(r[1]))


# --- candidate achievements ----------------------------------------------------------------


def _window(handle: MissionHandle, today: date | None, window_days: int | None
            ) -> tuple[date, date]:
    tz = mission_zone(handle)
    today = today or local_today(tz)
    days = window_days if window_days is not None \
        else get_settings(handle, ("achievement_window_days",))["achievement_window_days"]
    return today - timedelta(days=days), today


def _linked(session, column) -> set[str]:
    return set(session.scalars(select(column).where(column.is_not(None))))


def _benchmarks_newly_met(session, since: date, today: date) -> list[Candidate]:
    assessments: dict[str, list[tuple[date, str]]] = {}
    for benchmark_id, on, status in session.execute(
            select(BenchmarkAssessment.benchmark_id, BenchmarkAssessment.assessed_on,
                   BenchmarkAssessment.status)
            .where(BenchmarkAssessment.assessed_on <= today)
            .order_by(BenchmarkAssessment.assessed_on, BenchmarkAssessment.created_at)):
        assessments.setdefault(benchmark_id, []).append((on, status))
    met = {}
    for benchmark_id, history in assessments.items():
        last_on, last_status = history[-1]
        before = history[-2][1] if len(history) > 1 else None
        if last_status == "met" and before != "met" and since <= last_on:
            met[benchmark_id] = last_on
    if not met:
        return []
    statements = dict(session.execute(select(Benchmark.id, Benchmark.statement)
                                      .where(Benchmark.id.in_(met))).all())
    return [Candidate("benchmark", b, statements[b], day) for b, day in met.items()
            if b in statements]


def _commitments_fulfilled(session, tz, since: date, today: date) -> list[Candidate]:
    fulfilled = {cid: (text, to_local(updated, tz).date()) for cid, text, updated in
                 session.execute(select(Commitment.id, Commitment.text, Commitment.updated_at)
                                 .where(Commitment.status == "fulfilled"))}
    if not fulfilled:
        return []
    # the day it became fulfilled is its last logged status change to fulfilled; a row never
    # changed since it was written (an import) has been fulfilled since its last change
    became: dict[str, date] = {}
    for record_id, at, new in session.execute(
            select(ChangeLog.record_id, ChangeLog.at, ChangeLog.new_value)
            .where(ChangeLog.table_name == "commitments", ChangeLog.field == "status",
                   ChangeLog.action == "update", ChangeLog.record_id.in_(fulfilled))
            .order_by(ChangeLog.at)):
        if log_value(new) == "fulfilled":
            became[record_id] = to_local(at, tz).date()
    candidates = []
    for cid, (text, updated_on) in fulfilled.items():
        day = became.get(cid, updated_on)
        if since <= day <= today:
            candidates.append(Candidate("commitment", cid, text, day))
    return candidates


def candidate_achievements(handle: MissionHandle, *, today: date | None = None,
                           window_days: int | None = None) -> list[Candidate]:
    """Benchmarks newly met and commitments fulfilled within the window (the mission setting
    `achievement_window_days` unless given) that no live milestone communicates yet, newest
    first."""
    since, today = _window(handle, today, window_days)
    tz = mission_zone(handle)
    with handle.session() as session:
        linked = _linked(session, CommsMilestone.benchmark_id) \
            | _linked(session, CommsMilestone.commitment_id)
        candidates = _benchmarks_newly_met(session, since, today) \
            + _commitments_fulfilled(session, tz, since, today)
    fresh = [c for c in candidates if c.record_id not in linked]
    return sorted(fresh, key=lambda c: (-c.day.toordinal(), c.kind, fold(c.text)))


# --- the calendar --------------------------------------------------------------------------


def disinfo_settings(handle: MissionHandle) -> tuple[int, int]:
    """(days before, days after) a cycle event that its disinformation window spans."""
    values = get_settings(handle, ("disinfo_days_before", "disinfo_days_after"))
    return values["disinfo_days_before"], values["disinfo_days_after"]


def calendar(handle: MissionHandle, start: date, end: date) -> Calendar:
    """Milestones (by the day they stand on) and Council cycle events from `start` to `end`,
    earliest first, and the disinformation windows that reach into the period."""
    from missiondesk.services.council_cycle import list_cycle_events

    if end < start:
        raise ValueError("the calendar ends before it starts")
    before, after = disinfo_settings(handle)
    events = list_cycle_events(handle, start=start - timedelta(days=after),
                               end=end + timedelta(days=before))
    windows = tuple(
        DisinfoWindow(start=e.date - timedelta(days=before), end=e.date + timedelta(days=after),
                      event_id=e.id, event_kind=e.kind, event_day=e.date, event_title=e.title)
        for e in events if e.kind in WINDOW_KINDS)

    def in_window(day: date) -> bool:
        return any(w.holds(day) for w in windows)

    entries = [CalendarEntry("cycle_event", e.id, e.date, e.title, e.kind, in_window(e.date))
               for e in events if start <= e.date <= end]
    entries += [CalendarEntry("milestone", m.id, m.day, m.title, m.status, in_window(m.day))
                for m in list_milestones(handle) if m.day is not None and start <= m.day <= end]
    entries.sort(key=lambda e: (e.day, e.kind != "cycle_event", fold(e.title)))
    return Calendar(start=start, end=end, entries=tuple(entries),
                    windows=tuple(w for w in windows if w.start <= end and w.end >= start))
