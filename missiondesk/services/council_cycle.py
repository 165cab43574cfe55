"""The Security Council cycle: SG report due dates, Council briefings, TCC/PCC meetings and
the renewal, each a dated `CycleEvent` of a mandate.

- `list_cycle_events` reads the calendar (optionally a period), earliest first; the
  communications calendar reads it too.
- Events are created, edited, deleted and restored one by one (revisions checked), or
  generated from a mandate's adoption and expiry dates and a reporting rhythm
  (`plan_cycle` previews, `create_planned` writes what the preview proposed); an event of the
  same kind already within a few days of a proposed date is kept and not proposed again.
- `imminent_events`: events not done within the mission's window (a mission setting).

No Qt here, and no user-visible text: rows carry codes, refusals are typed errors.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from missiondesk.services import validation
from missiondesk.services.records import find_record, load_record
from missiondesk.store.errors import InvalidValue
from missiondesk.store.handle import MissionHandle, UnitOfWork, utcnow
from missiondesk.store.schema import CycleEvent, Mandate, Mission
from missiondesk.store.vocab import Classification, CycleEventKind

#: Fields the event form edits.
EDITABLE = ("kind", "due_on", "title", "mandate_id", "done", "notes", "classification")
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
    notes: str | None = None
    classification: str = Classification.UNCLASSIFIED.value

    def values(self) -> dict:
        """The form's fields (EDITABLE)."""
        return {"kind": self.kind, "due_on": self.date, "title": self.title,
                "mandate_id": self.mandate_id, "done": self.done, "notes": self.notes,
                "classification": self.classification}


def _view(row: CycleEvent) -> CycleEventView:
    return CycleEventView(id=row.id, revision=row.revision, kind=row.kind, date=row.due_on,
                          title=row.title, mandate_id=row.mandate_id, done=bool(row.done),
                          notes=row.notes, classification=row.classification)


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
    try:
        return _clean_fields(session, changes, creating=creating)
    except InvalidValue as exc:
        exc.params.setdefault("table", "cycle_events")
        raise


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
            if value and session.scalar(select(Mandate.id).where(Mandate.id == value)) is None:
                raise InvalidValue(field=name, reason="unknown_record", value=value)
            clean[name] = value or None
        elif name == "done":
            clean[name] = bool(value)
        elif name == "notes":
            clean[name] = validation.optional_text(name, value, max_length=_LONG)
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
    row = CycleEvent(**clean)
    uow.add(row)
    session.flush()
    return _view(row)


def update_cycle_event(uow: UnitOfWork, event_id: str, *, expected_revision: int | None,
                       **changes) -> CycleEventView:
    row = load_record(uow, CycleEvent, event_id, expected_revision)
    for name, value in clean_fields(uow.session, changes, creating=False).items():
        setattr(row, name, value)
    uow.session.flush()
    return _view(row)


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
