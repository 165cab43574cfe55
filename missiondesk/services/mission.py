"""The mission's own record and the figures of the Overview desk."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select

from missiondesk.services import validation
from missiondesk.services.records import check_revision
from missiondesk.store.counts import COUNTED_TABLES, COUNTS_SQL
from missiondesk.store.errors import RecordMissing
from missiondesk.store.handle import MissionHandle, UnitOfWork
from missiondesk.store.schema import Mission
from missiondesk.store.vocab import Classification

#: Fields a leader edits on the mission record, in form order.
EDITABLE_FIELDS = (
    "name", "acronym", "host_country", "time_zone", "default_classification", "mandate_expiry",
)


@dataclass(frozen=True)
class MissionView:
    id: str
    revision: int
    name: str
    acronym: str | None
    host_country: str | None
    time_zone: str
    default_classification: str
    mandate_expiry: date | None

    def values(self) -> dict:
        return {name: getattr(self, name) for name in EDITABLE_FIELDS}


@dataclass(frozen=True)
class MissionSummary:
    mission: MissionView
    counts: dict[str, int] = field(default_factory=dict)
    overdue_commitments: int = 0


def _view(row: Mission) -> MissionView:
    return MissionView(
        id=row.id, revision=row.revision, name=row.name, acronym=row.acronym,
        host_country=row.host_country, time_zone=row.time_zone,
        default_classification=row.default_classification, mandate_expiry=row.mandate_expiry,
    )


def get_mission(handle: MissionHandle) -> MissionView:
    """The mission record as the desks show it."""
    with handle.session() as session:
        row = session.scalars(select(Mission)).first()
        if row is None:
            raise RecordMissing(table="mission")
        return _view(row)


def mission_summary(handle: MissionHandle, today: date | None = None) -> MissionSummary:
    """The mission, the number of live records per entity, and overdue commitments."""
    today = today or date.today()
    with handle.session() as session:
        row = session.scalars(select(Mission)).first()
        if row is None:
            raise RecordMissing(table="mission")
        # One statement for all counts: the Overview is the first thing shown on opening.
        rows = session.connection().exec_driver_sql(COUNTS_SQL, (today.isoformat(),))
        counts = dict(rows.fetchall())
        overdue = counts.pop("overdue_commitments")
        return MissionSummary(mission=_view(row),
                              counts={t: counts[t] for t in COUNTED_TABLES},
                              overdue_commitments=overdue)


def update_mission(uow: UnitOfWork, *, expected_revision: int, **changes) -> MissionView:
    """Change the mission's own fields; refused if the record moved past `expected_revision`."""
    row = uow.session.scalars(select(Mission)).first()
    if row is None:
        raise RecordMissing(table="mission")
    check_revision(row, expected_revision)
    clean = {}
    for name, value in changes.items():
        if name == "name":
            clean[name] = validation.required_text(name, value, max_length=200)
        elif name in ("acronym", "host_country"):
            clean[name] = validation.optional_text(name, value, max_length=120)
        elif name == "time_zone":
            clean[name] = validation.time_zone(name, value)
        elif name == "default_classification":
            clean[name] = validation.vocabulary(name, value, Classification)
        elif name == "mandate_expiry":
            clean[name] = validation.optional_date(name, value)
        else:
            raise ValueError("not an editable mission field: %s" % name)
    for name, value in clean.items():
        setattr(row, name, value)
    uow.session.flush()
    return _view(row)
