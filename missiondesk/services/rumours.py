"""The rumour log: what is said about the mission, where, how far it travels and how the
mission answers.

- A rumour has a date, its content, a channel (and, when it came through one, a media outlet),
  the regions it circulates in, its reach and risk (low / medium / high), a flag when it puts
  civilians at risk (protection of civilians), the stakeholder it is about (`stakeholder_id`:
  the profile of that stakeholder lists it), the key message that answers it and the response.
- Its status follows a workflow (`TRANSITIONS`): new -> monitoring / responding -> responded
  -> debunked / closed; a closed or debunked rumour can come back to monitoring. `OPEN`
  statuses are the ones still to be handled.
- `open_trend` counts the rumours open at the end of each week or month, from the status
  changes in the change log (a rumour never changed since it was logged has been in its
  status since its last change).

No Qt here, and no user-visible text: rows carry codes, refusals are typed errors.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select

from missiondesk.services import validation
from missiondesk.services.clock import local_today, mission_zone, to_local
from missiondesk.services.names import fold
from missiondesk.services.records import apply_changes, find_record, load_record, log_value
from missiondesk.store.errors import InvalidValue
from missiondesk.store.handle import MissionHandle, UnitOfWork, utcnow
from missiondesk.store.schema import (
    ChangeLog,
    KeyMessage,
    KeyMessageText,
    MediaOutlet,
    Mission,
    Rumour,
    Stakeholder,
)
from missiondesk.store.vocab import Classification, Level3, RumourChannel, RumourStatus

#: Fields the rumour form edits (status has its own workflow: `set_status`).
EDITABLE = ("reported_on", "content", "channel", "outlet_id", "stakeholder_id", "regions",
            "reach", "risk", "poc_risk", "response_message_id", "response", "classification")
#: Statuses of a rumour still to be handled.
OPEN = ("new", "monitoring", "responding")
#: The workflow: status -> the statuses it may change to.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    "new": ("monitoring", "responding", "debunked", "closed"),
    "monitoring": ("responding", "debunked", "closed"),
    "responding": ("responded", "monitoring", "debunked", "closed"),
    "responded": ("debunked", "closed", "responding"),
    "debunked": ("closed", "monitoring"),
    "closed": ("monitoring",),
}
#: Periods `open_trend` counts by.
PERIODS = ("week", "month")
_LONG = 5000
_REGIONS = 20


@dataclass(frozen=True)
class RumourRow:
    """One rumour as the log shows it; names are None when nothing is linked."""

    id: str
    revision: int
    reported_on: date
    content: str
    channel: str
    outlet_id: str | None
    outlet_name: str | None
    stakeholder_id: str | None
    stakeholder_name: str | None
    regions: tuple[str, ...]
    reach: str
    risk: str
    poc_risk: bool
    response_message_id: str | None
    response: str | None
    status: str
    classification: str

    def values(self) -> dict:
        """The form's fields (EDITABLE)."""
        values = {name: getattr(self, name) for name in EDITABLE}
        values["regions"] = list(self.regions)
        return values

    @property
    def is_open(self) -> bool:
        return self.status in OPEN

    @property
    def next_statuses(self) -> tuple[str, ...]:
        return TRANSITIONS.get(self.status, ())


@dataclass(frozen=True)
class RumourView:
    """What a write returns: enough for the undo stack."""

    id: str
    revision: int
    status: str
    deleted: bool = False


@dataclass(frozen=True)
class MessageChoice:
    """A key message a rumour can be answered with: its texts by language code."""

    id: str
    kind: str
    approved: bool
    texts: dict

    def text(self, preferred: Iterable[str] = ("en", "fr")) -> str:
        """The text in the first preferred language it has, else any."""
        for language in preferred:
            if self.texts.get(language):
                return self.texts[language]
        return next(iter(self.texts.values()), "")


@dataclass(frozen=True)
class TrendPoint:
    """One period of the trend: its first day, the rumours open on its last day (today for
    the current period) and the rumours reported during it."""

    start: date
    end: date
    open_count: int
    new_count: int


# --- validation ----------------------------------------------------------------------------


def _exists(session, field: str, model, record_id: str | None) -> str | None:
    if record_id in (None, ""):
        return None
    row = session.get(model, record_id)
    if row is None or row.deleted_at is not None:
        raise InvalidValue(field=field, reason="unknown_record", value=record_id,
                           table="rumours")
    return record_id


def _regions(value) -> list[str]:
    if value in (None, ""):
        return []
    items = value.split(";") if isinstance(value, str) else list(value)
    regions: list[str] = []
    for item in items:
        text = validation.optional_text("regions", str(item), max_length=80)
        if text and fold(text) not in {fold(r) for r in regions}:
            regions.append(text)
    if len(regions) > _REGIONS:
        raise InvalidValue(field="regions", reason="too_long", max_length=_REGIONS)
    return regions


def clean_fields(session, changes: dict, *, creating: bool) -> dict:
    """Validate and normalise rumour fields; raises InvalidValue(field=, reason=, ...).

    Creating requires the date, the content and the channel. Regions are a list (or a
    ';'-separated text), duplicates dropped."""
    unknown = set(changes) - set(EDITABLE) - {"status"}
    if unknown:
        raise ValueError("not an editable rumour field: %s" % ", ".join(sorted(unknown)))
    if creating:
        for name in ("reported_on", "content", "channel"):
            if changes.get(name) in (None, ""):
                raise InvalidValue(field=name, reason="required", table="rumours")
    clean: dict = {}
    for name, value in changes.items():
        if name == "reported_on":
            day = validation.optional_date(name, value)
            if day is None:
                raise InvalidValue(field=name, reason="required", table="rumours")
            clean[name] = day
        elif name == "content":
            clean[name] = validation.required_text(name, value, max_length=_LONG)
        elif name == "response":
            clean[name] = validation.optional_text(name, value, max_length=_LONG)
        elif name == "channel":
            clean[name] = validation.vocabulary(name, value, RumourChannel)
        elif name in ("reach", "risk"):
            clean[name] = validation.vocabulary(name, value, Level3)
        elif name == "status":
            clean[name] = validation.vocabulary(name, value, RumourStatus)
        elif name == "poc_risk":
            clean[name] = bool(value)
        elif name == "regions":
            clean[name] = _regions(value)
        elif name == "outlet_id":
            clean[name] = _exists(session, name, MediaOutlet, value)
        elif name == "stakeholder_id":
            clean[name] = _exists(session, name, Stakeholder, value)
        elif name == "response_message_id":
            clean[name] = _exists(session, name, KeyMessage, value)
        elif name == "classification":
            clean[name] = validation.vocabulary(name, value, Classification)
    return clean


def can_change(current: str, new: str) -> bool:
    return new in TRANSITIONS.get(current, ())


def _check_transition(current: str, new: str) -> None:
    if new != current and not can_change(current, new):
        raise InvalidValue(field="status", reason="transition_refused", value=new,
                           current=current, allowed=list(TRANSITIONS.get(current, ())),
                           table="rumours")


# --- writing -------------------------------------------------------------------------------


def _view(row: Rumour) -> RumourView:
    return RumourView(id=row.id, revision=row.revision, status=row.status,
                      deleted=row.deleted_at is not None)


def create_rumour(uow: UnitOfWork, **fields) -> RumourView:
    """Log a rumour. The date, content and channel are required; it starts new (or in
    another status given), reach and risk medium, not flagged; the classification defaults to
    the mission's."""
    session = uow.session
    clean = clean_fields(session, fields, creating=True)
    clean.setdefault("status", RumourStatus.NEW.value)
    clean.setdefault("reach", Level3.MEDIUM.value)
    clean.setdefault("risk", Level3.MEDIUM.value)
    clean.setdefault("poc_risk", False)
    clean.setdefault("regions", [])
    if "classification" not in clean:
        clean["classification"] = (session.scalars(select(Mission.default_classification))
                                   .first() or Classification.CONFIDENTIAL.value)
    row = Rumour(**clean)
    uow.add(row)
    session.flush()
    return _view(row)


def update_rumour(uow: UnitOfWork, rumour_id: str, *, expected_revision: int | None,
                  **changes) -> RumourView:
    """Change fields of a rumour (revision checked); a `status` change follows the workflow."""
    row = load_record(uow, Rumour, rumour_id, expected_revision)
    clean = clean_fields(uow.session, changes, creating=False)
    if "status" in clean:
        _check_transition(row.status, clean["status"])
    apply_changes(row, clean)
    uow.session.flush()
    return _view(row)


def set_status(uow: UnitOfWork, rumour_id: str, status: str, *,
               expected_revision: int | None, undoing: bool = False) -> RumourView:
    """Move a rumour along the workflow (refused when `TRANSITIONS` does not allow it).

    `undoing`: put back the status an undone change replaced, whatever the workflow says."""
    row = load_record(uow, Rumour, rumour_id, expected_revision)
    status = validation.vocabulary("status", status, RumourStatus)
    if not undoing:
        _check_transition(row.status, status)
    if row.status != status:
        row.status = status
    uow.session.flush()
    return _view(row)


def respond(uow: UnitOfWork, rumour_id: str, *, expected_revision: int | None,
            message_id: str | None, response: str | None = None) -> RumourView:
    """Answer a rumour with a key message (and what was done): the message is linked and a new
    or monitored rumour moves to responding. `message_id` None unlinks it."""
    row = load_record(uow, Rumour, rumour_id, expected_revision)
    clean = clean_fields(uow.session, {"response_message_id": message_id,
                                       "response": response}, creating=False)
    apply_changes(row, clean)
    if message_id and row.status in ("new", "monitoring"):
        row.status = RumourStatus.RESPONDING.value
    uow.session.flush()
    return _view(row)


def delete_rumour(uow: UnitOfWork, rumour_id: str, *, expected_revision: int | None
                  ) -> RumourView:
    row = load_record(uow, Rumour, rumour_id, expected_revision)
    row.deleted_at = utcnow()
    uow.session.flush()
    return _view(row)


def restore_rumour(uow: UnitOfWork, rumour_id: str, *, expected_revision: int | None
                   ) -> RumourView:
    row = load_record(uow, Rumour, rumour_id, expected_revision, include_deleted=True)
    row.deleted_at = None
    uow.session.flush()
    return _view(row)


# --- reading -------------------------------------------------------------------------------


def _select():
    return (select(Rumour, MediaOutlet.name, Stakeholder.name)
            .outerjoin(MediaOutlet, MediaOutlet.id == Rumour.outlet_id)
            .outerjoin(Stakeholder, Stakeholder.id == Rumour.stakeholder_id))


def _row(r: Rumour, outlet_name: str | None, stakeholder_name: str | None) -> RumourRow:
    return RumourRow(
        id=r.id, revision=r.revision, reported_on=r.reported_on, content=r.content,
        channel=r.channel, outlet_id=r.outlet_id, outlet_name=outlet_name,
        stakeholder_id=r.stakeholder_id, stakeholder_name=stakeholder_name,
        regions=tuple(r.regions or ()), reach=r.reach, risk=r.risk,
        poc_risk=bool(r.poc_risk), response_message_id=r.response_message_id,
        response=r.response, status=r.status, classification=r.classification)


def _rows(session, query) -> list[RumourRow]:
    # a deleted outlet or stakeholder reads as no name (the link stays for a restore)
    rows = []
    for rumour, outlet, stakeholder in session.execute(query):
        rows.append(_row(rumour, outlet, stakeholder))
    return rows


def list_rumours(handle: MissionHandle, *, stakeholder_id: str | None = None,
                 open_only: bool = False) -> list[RumourRow]:
    """Every live rumour, newest first (optionally those about one stakeholder, or the open
    ones only)."""
    query = _select().order_by(Rumour.reported_on.desc(), Rumour.id)
    if stakeholder_id is not None:
        query = query.where(Rumour.stakeholder_id == stakeholder_id)
    if open_only:
        query = query.where(Rumour.status.in_(OPEN))
    with handle.session() as session:
        return _rows(session, query)


def get_rumour(handle: MissionHandle, rumour_id: str) -> RumourRow:
    with handle.session() as session:
        find_record(session, Rumour, rumour_id)
        return _rows(session, _select().where(Rumour.id == rumour_id))[0]


def rumours_about(handle: MissionHandle, stakeholder_id: str) -> list[RumourRow]:
    """The rumours about a stakeholder, newest first (its profile lists them)."""
    return list_rumours(handle, stakeholder_id=stakeholder_id)


def message_choices(handle: MissionHandle) -> list[MessageChoice]:
    """Every live key message with its texts by language, approved ones first, for the
    response picker."""
    with handle.session() as session:
        messages = list(session.execute(select(KeyMessage.id, KeyMessage.kind,
                                               KeyMessage.approved)))
        texts: dict[str, dict] = {}
        for message_id, language, text in session.execute(
                select(KeyMessageText.key_message_id, KeyMessageText.language,
                       KeyMessageText.text)):
            texts.setdefault(message_id, {})[language] = text
    choices = [MessageChoice(id=m, kind=k, approved=bool(a), texts=texts.get(m, {}))
               for m, k, a in messages]
    return sorted(choices, key=lambda c: (not c.approved, fold(c.text())))


def outlet_choices(handle: MissionHandle) -> list[tuple[str, str]]:
    """(id, name) of every live media outlet by name, for pickers."""
    with handle.session() as session:
        rows = session.execute(select(MediaOutlet.id, MediaOutlet.name)).all()
    return sorted(((r[0], r[1]) for r in rows), key=lambda r: fold(r[1]))


# --- the trend -----------------------------------------------------------------------------


def _period_start(day: date, period: str) -> date:
    if period == "week":
        return day - timedelta(days=day.weekday())
    return day.replace(day=1)


def _next_period(start: date, period: str) -> date:
    if period == "week":
        return start + timedelta(days=7)
    return (start.replace(day=28) + timedelta(days=4)).replace(day=1)


def _status_histories(session, tz) -> dict[str, list[tuple[date, str | None, str | None]]]:
    """Per rumour: its logged status changes (local day, old, new), oldest first."""
    histories: dict[str, list] = {}
    query = (select(ChangeLog.record_id, ChangeLog.at, ChangeLog.old_value,
                    ChangeLog.new_value)
             .where(ChangeLog.table_name == "rumours", ChangeLog.field == "status",
                    ChangeLog.action == "update")
             .order_by(ChangeLog.at))
    for record_id, at, old, new in session.execute(query):
        histories.setdefault(record_id, []).append(
            (to_local(at, tz).date(), log_value(old), log_value(new)))
    return histories


def _status_on(day: date, current: str, last_change: date,
               history: list[tuple[date, str | None, str | None]]) -> str:
    """The status a rumour had at the end of `day`."""
    if history:
        status = history[0][1] or current
        for changed_on, _old, new in history:
            if changed_on > day:
                break
            status = new or status
        return status
    # nothing logged: in its status since its last change (a bulk-written file's rows)
    return current if day >= last_change else OPEN[0]


def open_trend(handle: MissionHandle, *, period: str = "week", count: int = 12,
               today: date | None = None) -> list[TrendPoint]:
    """The last `count` weeks or months up to today: rumours open at each period's end (today
    for the current one) and rumours reported in it. Deleted rumours are not counted."""
    if period not in PERIODS:
        raise ValueError("not a trend period: %s" % period)
    if count < 1:
        raise ValueError("count must be at least 1")
    tz = mission_zone(handle)
    today = today or local_today(tz)
    with handle.session() as session:
        rumours = list(session.execute(select(Rumour.id, Rumour.reported_on, Rumour.status,
                                              Rumour.updated_at)))
        histories = _status_histories(session, tz)
    starts = [_period_start(today, period)]
    while len(starts) < count:
        starts.insert(0, _period_start(starts[0] - timedelta(days=1), period))
    points = []
    for start in starts:
        end = min(_next_period(start, period) - timedelta(days=1), today)
        open_count = new_count = 0
        for rumour_id, reported_on, status, updated_at in rumours:
            if start <= reported_on <= end:
                new_count += 1
            if reported_on > end:
                continue
            last_change = max(to_local(updated_at, tz).date(), reported_on)
            if _status_on(end, status, last_change, histories.get(rumour_id, [])) in OPEN:
                open_count += 1
        points.append(TrendPoint(start=start, end=end, open_count=open_count,
                                 new_count=new_count))
    return points
