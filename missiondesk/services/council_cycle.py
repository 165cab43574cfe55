"""The Security Council cycle: SG report due dates, Council briefings, TCC/PCC meetings and
the renewal, each a dated `CycleEvent` of a mandate.

- `list_cycle_events` reads the calendar (optionally a period), earliest first; the
  communications calendar reads it too.
- Events are created, edited, deleted and restored one by one (revisions checked), or
  generated from a mandate's adoption and expiry dates and a reporting rhythm
  (`plan_cycle` previews, `create_planned` writes what the preview proposed); an event of the
  same kind already within a few days of a proposed date is kept and not proposed again.
- `imminent_events`: events not done within the mission's window (a mission setting).

Preparation tasks and their owners: the schema has no table for them, and a migration for a
list of a few lines was not worth the upgrade of every mission file. They are kept in the
event's `notes` as a checklist (`services/checklist.py`: ``- [ ] task — owner``), so they
travel with the event through exports, the audit trail and search; this service reads and
writes them as `tasks` apart from the free notes.

No Qt here, and no user-visible text: rows carry codes, refusals are typed errors.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import select

from missiondesk.services import checklist, validation
from missiondesk.services.checklist import ChecklistTask
from missiondesk.services.commitments import _exists  # a live record's id, or unknown_record
from missiondesk.services.records import apply_changes, find_record, load_record
from missiondesk.store.errors import InvalidValue
from missiondesk.store.handle import MissionHandle, UnitOfWork, utcnow
from missiondesk.store.schema import CycleEvent, Mandate, Mission
from missiondesk.store.vocab import Classification, CycleEventKind

#: Fields the event form edits (`tasks`: the preparation checklist, kept in the notes).
EDITABLE = ("kind", "due_on", "title", "mandate_id", "done", "notes", "tasks",
            "classification")
_LONG = 5000


@dataclass(frozen=True)
class CycleEventView:
    """One event of the Council calendar: `kind` is a CycleEventKind code."""

    id: str
    revision: int
    kind: str
    date: date
    title: str
    mandate_id: str | None
    done: bool = False
    notes: str | None = None            # the free notes, without the preparation tasks
    tasks: tuple[ChecklistTask, ...] = ()
    classification: str = Classification.UNCLASSIFIED.value
    deleted: bool = False

    def values(self) -> dict:
        """The form's fields (EDITABLE)."""
        return {"kind": self.kind, "due_on": self.date, "title": self.title,
                "mandate_id": self.mandate_id, "done": self.done, "notes": self.notes,
                "tasks": self.tasks, "classification": self.classification}

    @property
    def open_tasks(self) -> int:
        return sum(1 for t in self.tasks if not t.done)


def _view(row: CycleEvent) -> CycleEventView:
    notes, tasks = checklist.split(row.notes)
    return CycleEventView(id=row.id, revision=row.revision, kind=row.kind, date=row.due_on,
                          title=row.title, mandate_id=row.mandate_id, done=bool(row.done),
                          notes=notes, tasks=tasks, classification=row.classification,
                          deleted=row.deleted_at is not None)


# --- reading -------------------------------------------------------------------------------


def list_cycle_events(handle: MissionHandle, *, start: date | None = None,
                      end: date | None = None) -> list[CycleEventView]:
    """The live events of the Council calendar dated from `start` to `end` (both included,
    None: open-ended), earliest first (same day: by kind, then title)."""
    query = select(CycleEvent)
    if start is not None:
        query = query.where(CycleEvent.due_on >= start)
    if end is not None:
        query = query.where(CycleEvent.due_on <= end)
    order = {k.value: i for i, k in enumerate(CycleEventKind)}
    with handle.session() as session:
        rows = [_view(r) for r in session.scalars(query)]
    return sorted(rows, key=lambda r: (r.date, order.get(r.kind, 99), r.title, r.id))


def get_cycle_event(handle: MissionHandle, event_id: str) -> CycleEventView:
    with handle.session() as session:
        return _view(find_record(session, CycleEvent, event_id))


# --- writing -------------------------------------------------------------------------------


def clean_fields(session, changes: dict, *, creating: bool) -> dict:
    """Validate and normalise event fields; raises InvalidValue(field=, reason=, ...,
    table="cycle_events"). Creating requires kind, due_on and title."""
    with validation.for_table("cycle_events"):
        return _clean_fields(session, changes, creating=creating)


def _clean_fields(session, changes: dict, *, creating: bool) -> dict:
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ValueError("not an editable cycle event field: %s" % ", ".join(sorted(unknown)))
    if creating:
        for name in ("kind", "due_on", "title"):
            if changes.get(name) in (None, ""):
                raise InvalidValue(field=name, reason="required")
    clean: dict = {}
    for name, value in changes.items():
        if name == "kind":
            clean[name] = validation.vocabulary(name, value, CycleEventKind)
        elif name == "due_on":
            day = validation.optional_date(name, value)
            if day is None:
                raise InvalidValue(field=name, reason="required")
            clean[name] = day
        elif name == "title":
            clean[name] = validation.required_text(name, value, max_length=300)
        elif name == "mandate_id":
            clean[name] = _exists(session, name, Mandate, value)
        elif name == "done":
            clean[name] = bool(value)
        elif name == "notes":
            clean[name] = validation.optional_text(name, value, max_length=_LONG)
        elif name == "tasks":
            clean[name] = tuple(checklist.task_of(t, name) for t in (value or ()))
        elif name == "classification":
            clean[name] = validation.vocabulary(name, value, Classification)
    return clean


def _default_classification(session) -> str:
    return (session.scalars(select(Mission.default_classification)).first()
            or Classification.CONFIDENTIAL.value)


def create_cycle_event(uow: UnitOfWork, **fields) -> CycleEventView:
    """Add an event to the calendar (kind, due_on and title required; the classification
    defaults to the mission's)."""
    session = uow.session
    clean = clean_fields(session, fields, creating=True)
    clean.setdefault("classification", _default_classification(session))
    clean["notes"] = _notes(clean.pop("notes", None), clean.pop("tasks", ()))
    row = CycleEvent(**clean)
    uow.add(row)
    session.flush()
    return _view(row)


def update_cycle_event(uow: UnitOfWork, event_id: str, *, expected_revision: int | None,
                       **changes) -> CycleEventView:
    row = load_record(uow, CycleEvent, event_id, expected_revision)
    clean = clean_fields(uow.session, changes, creating=False)
    if "notes" in clean or "tasks" in clean:
        notes, tasks = checklist.split(row.notes)
        notes = clean.pop("notes") if "notes" in clean else notes
        clean["notes"] = _notes(notes, clean.pop("tasks", tasks))
    apply_changes(row, clean)
    uow.session.flush()
    return _view(row)


def _notes(notes: str | None, tasks: Iterable[ChecklistTask]) -> str | None:
    text = checklist.join(notes, tasks)
    if text is not None and len(text) > _LONG:
        raise InvalidValue(field="notes", reason="too_long", max_length=_LONG,
                           table="cycle_events")
    return text


def delete_cycle_event(uow: UnitOfWork, event_id: str, *, expected_revision: int | None
                       ) -> CycleEventView:
    """Tombstone an event (restore brings it back)."""
    row = load_record(uow, CycleEvent, event_id, expected_revision)
    row.deleted_at = utcnow()
    uow.session.flush()
    return _view(row)


def restore_cycle_event(uow: UnitOfWork, event_id: str, *, expected_revision: int | None
                        ) -> CycleEventView:
    row = load_record(uow, CycleEvent, event_id, expected_revision, include_deleted=True)
    row.deleted_at = None
    uow.session.flush()
    return _view(row)


def delete_cycle_events(uow: UnitOfWork, steps: Sequence[tuple[str, int | None]]
                        ) -> list[CycleEventView]:
    """Tombstone several events in one unit of work ((id, expected revision) each): the
    undo of a generation."""
    return [delete_cycle_event(uow, event_id, expected_revision=revision)
            for event_id, revision in steps]


def restore_cycle_events(uow: UnitOfWork, steps: Sequence[tuple[str, int | None]]
                         ) -> list[CycleEventView]:
    return [restore_cycle_event(uow, event_id, expected_revision=revision)
            for event_id, revision in steps]


# --- generation from the mandate's dates and a reporting rhythm ----------------------------


@dataclass(frozen=True)
class CycleRhythm:
    """How the Council cycle runs: an SG report every `report_every_days` from the adoption,
    each briefed to the Council `briefing_after_report_days` later (a briefing after the
    expiry is not proposed), TCC/PCC consultations `tcc_before_renewal_days` before the
    expiry, and the renewal at the expiry. A proposed event with an event of the same kind
    within `match_days` of it is already there."""

    report_every_days: int = 90
    briefing_after_report_days: int = 14
    tcc_before_renewal_days: int = 30
    match_days: int = 10


#: The mission settings the rhythm is read from and saved to (services/mission_settings).
RHYTHM_SETTINGS = {
    "report_every_days": "cycle_report_every_days",
    "briefing_after_report_days": "cycle_briefing_after_report_days",
    "tcc_before_renewal_days": "cycle_tcc_before_renewal_days",
}
#: The imminent-event window (days from today), a mission setting.
IMMINENT_SETTING = "cycle_imminent_days"


def mission_rhythm(handle: MissionHandle) -> CycleRhythm:
    """The rhythm this mission last used (its settings; the defaults otherwise)."""
    from missiondesk.services.mission_settings import get_settings

    values = get_settings(handle, tuple(RHYTHM_SETTINGS.values()))
    return CycleRhythm(**{name: values[key] for name, key in RHYTHM_SETTINGS.items()})


@dataclass(frozen=True)
class PlannedEvent:
    """An event the rhythm proposes: its kind, date and place in the cycle (`number`: the
    n-th report or briefing, 0 for the TCC/PCC meeting and the renewal). `existing_id` and
    `existing_date`: the event of the same kind already in the calendar near that date
    (then nothing is created for it)."""

    kind: str
    date: date
    number: int = 0
    existing_id: str | None = None
    existing_date: date | None = None
    existing_title: str | None = None

    @property
    def is_new(self) -> bool:
        return self.existing_id is None


def _rhythm_checked(rhythm: CycleRhythm) -> None:
    from missiondesk.services.mission_settings import REGISTRY

    for name, key in RHYTHM_SETTINGS.items():
        REGISTRY[key].clean(getattr(rhythm, name))
    if not 0 <= rhythm.match_days <= 60:
        raise InvalidValue(field="match_days", reason="out_of_range", value=rhythm.match_days,
                           min=0, max=60, table="cycle_events")


def proposed_dates(adopted_on: date, expires_on: date, rhythm: CycleRhythm
                   ) -> list[tuple[str, date, int]]:
    """(kind, date, number) of every event the rhythm puts between the two dates."""
    events: list[tuple[str, date, int]] = []
    step = timedelta(days=rhythm.report_every_days)
    number, report = 1, adopted_on + step
    while report < expires_on:
        events.append((CycleEventKind.SG_REPORT_DUE.value, report, number))
        briefing = report + timedelta(days=rhythm.briefing_after_report_days)
        if briefing <= expires_on:
            events.append((CycleEventKind.COUNCIL_BRIEFING.value, briefing, number))
        number, report = number + 1, report + step
    tcc = expires_on - timedelta(days=rhythm.tcc_before_renewal_days)
    if tcc > adopted_on:
        events.append((CycleEventKind.TCC_MEETING.value, tcc, 0))
    events.append((CycleEventKind.RENEWAL.value, expires_on, 0))
    return sorted(events, key=lambda e: (e[1], e[0]))


def _nearest(existing: list[CycleEventView], kind: str, day: date, within: int,
             taken: set[str]) -> CycleEventView | None:
    near = [e for e in existing if e.kind == kind and e.id not in taken
            and abs((e.date - day).days) <= within]
    return min(near, key=lambda e: (abs((e.date - day).days), e.date), default=None)


def plan_cycle(handle: MissionHandle, mandate_id: str, rhythm: CycleRhythm | None = None
               ) -> list[PlannedEvent]:
    """The preview of a generation: every event the rhythm proposes for the mandate, each
    with the event already in the calendar that stands for it (any mandate's: the calendar
    is the mission's), by date. InvalidValue when the mandate lacks its adoption or expiry
    date, the expiry is not after the adoption, or the rhythm is out of its bounds."""
    rhythm = rhythm or mission_rhythm(handle)
    _rhythm_checked(rhythm)
    with handle.session() as session:
        mandate = find_record(session, Mandate, mandate_id)
        adopted, expires = mandate.adopted_on, mandate.expires_on
    for name, value in (("adopted_on", adopted), ("expires_on", expires)):
        if value is None:
            raise InvalidValue(field=name, reason="required", table="mandates")
    if expires <= adopted:
        raise InvalidValue(field="expires_on", reason="expiry_not_after_adoption",
                           table="mandates")
    existing = list_cycle_events(handle)
    taken: set[str] = set()
    planned = []
    for kind, day, number in proposed_dates(adopted, expires, rhythm):
        match = _nearest(existing, kind, day, rhythm.match_days, taken)
        if match is not None:
            taken.add(match.id)
        planned.append(PlannedEvent(kind=kind, date=day, number=number,
                                    existing_id=match and match.id,
                                    existing_date=match and match.date,
                                    existing_title=match and match.title))
    return planned


@dataclass(frozen=True)
class NewEvent:
    """One event to create from a preview: the UI words the title."""

    kind: str
    date: date
    title: str
    tasks: tuple[ChecklistTask, ...] = field(default=())


def create_planned(uow: UnitOfWork, mandate_id: str, events: Iterable[NewEvent], *,
                   match_days: int = CycleRhythm.match_days) -> list[CycleEventView]:
    """Create the previewed events of a mandate in this unit of work (all or none),
    skipping any whose kind is already in the calendar within `match_days` (an event added
    since the preview is not duplicated). Returns the events created, by date."""
    session = uow.session
    existing = [_view(r) for r in session.scalars(select(CycleEvent))]
    taken: set[str] = set()
    created = []
    for event in sorted(events, key=lambda e: (e.date, e.kind)):
        match = _nearest(existing, event.kind, event.date, match_days, taken)
        if match is not None:
            taken.add(match.id)
            continue
        view = create_cycle_event(uow, kind=event.kind, due_on=event.date, title=event.title,
                                  mandate_id=mandate_id, tasks=event.tasks)
        taken.add(view.id)
        existing.append(view)
        created.append(view)
    return created


def save_rhythm(uow: UnitOfWork, rhythm: CycleRhythm) -> None:
    """Keep the rhythm as the mission's (the next generation starts from it)."""
    from missiondesk.services.mission_settings import set_setting

    for name, key in RHYTHM_SETTINGS.items():
        set_setting(uow, key, getattr(rhythm, name))


# --- imminent events -----------------------------------------------------------------------


def imminent_events(handle: MissionHandle, *, today: date | None = None,
                    days: int | None = None) -> list[CycleEventView]:
    """Events not done dated from today to `days` ahead (the mission's window,
    `cycle_imminent_days`, when None), earliest first. Today is the mission's."""
    if days is None:
        from missiondesk.services.mission_settings import get_setting

        days = get_setting(handle, IMMINENT_SETTING)
    if today is None:
        from missiondesk.services.clock import local_today, mission_zone

        today = local_today(mission_zone(handle))
    return [e for e in list_cycle_events(handle, start=today,
                                         end=today + timedelta(days=days)) if not e.done]
