"""Drivers of conflict and of peace: the records, their stakeholders, their dated assessments.

The trend and severity on a driver are a cache of its newest dated assessment
(`record_driver_assessment`), so the trend has a history; the form edits everything else.
No Qt here, and no user-visible text: failures are `InvalidValue` codes.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, or_, select

from missiondesk.services import validation
from missiondesk.services.names import fold
from missiondesk.services.records import check_revision, find_record, log_value
from missiondesk.store.errors import InvalidValue, RecordMissing
from missiondesk.store.handle import MissionHandle, UnitOfWork, utcnow
from missiondesk.store.schema import (
    ChangeLog,
    Driver,
    DriverAssessment,
    DriverStakeholder,
    Mission,
    Stakeholder,
)
from missiondesk.store.vocab import (
    Classification,
    DriverDomain,
    DriverKind,
    DriverLevel,
    DriverRole,
    Trend,
)

#: Kinds that push toward violence, and kinds that hold a society together.
CONFLICT_KINDS = frozenset({"conflict_driver", "divider", "trigger"})
PEACE_KINDS = frozenset({"peace_driver", "connector"})

#: Columns of the drivers table, in display order (`sort_rows` accepts each).
TABLE_COLUMNS = ("name", "kind", "level", "domain", "trend", "severity", "regions",
                 "time_horizon", "stakeholders", "last_assessed", "classification")

#: Fields the driver form edits. Trend and severity change through a dated assessment.
EDITABLE = ("name", "kind", "level", "domain", "regions", "time_horizon", "mission_levers",
            "description", "classification")
#: The cache of the newest assessment; set at creation and by `record_driver_assessment`.
CACHED = ("trend", "severity")

#: Roles in the order a reader weighs them (a cell shows the first).
ROLE_ORDER = tuple(r.value for r in DriverRole)
TREND_ORDER = ("worsening", "stable", "improving", "unknown")

SEVERITY_RANGE = (1, 5)
_LONG_TEXT = 5000
_HISTORY_LIMIT = 200


# --- views ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class DriverRow:
    """One line of the drivers table."""

    id: str
    revision: int
    name: str
    kind: str
    level: str
    domain: str
    regions: tuple[str, ...]
    trend: str
    severity: int
    time_horizon: str | None
    classification: str
    stakeholders: int          # live linked stakeholders
    last_assessed: date | None
    sort_name: str             # case and accents folded


@dataclass(frozen=True)
class DriverLinkView:
    """A stakeholder linked to a driver, with its role."""

    stakeholder_id: str
    name: str
    role: str
    note: str | None
    id: str = ""
    revision: int = 0
    driver_id: str = ""


@dataclass(frozen=True)
class DriverAssessmentView:
    id: str
    assessed_on: date
    assessed_by: str | None
    trend: str
    severity: int | None
    note: str | None
    driver_id: str = ""
    driver_revision: int = 0   # the driver's revision after this assessment was written


@dataclass(frozen=True)
class HistoryEntry:
    """One change-log line of the driver, its links or its assessments."""

    at: datetime
    user_name: str | None
    table: str
    action: str
    field: str | None
    old_value: object
    new_value: object


@dataclass(frozen=True)
class DriverDetail:
    id: str
    revision: int
    name: str
    description: str | None
    kind: str
    level: str
    domain: str
    regions: tuple[str, ...]
    trend: str
    severity: int
    time_horizon: str | None
    mission_levers: str | None
    classification: str
    updated_at: datetime | None
    updated_by: str | None
    links: tuple[DriverLinkView, ...]              # by role order, then name
    assessments: tuple[DriverAssessmentView, ...]  # newest first
    history: tuple[HistoryEntry, ...]              # newest first

    def values(self) -> dict:
        """The form's fields (EDITABLE) as the form shows them."""
        return {name: getattr(self, name) for name in EDITABLE}


@dataclass(frozen=True)
class DriverView:
    """What a write returns: enough for the undo stack and a status line."""

    id: str
    revision: int
    name: str
    kind: str
    trend: str
    severity: int
    deleted: bool = False


@dataclass(frozen=True)
class DriverLink:
    """A driver as seen from one stakeholder (the stakeholder detail lists these)."""

    driver_id: str
    driver_name: str
    kind: str
    role: str
    domain: str = ""
    trend: str = "unknown"
    severity: int = 0
    note: str | None = None
    link_id: str = ""


@dataclass(frozen=True)
class DriverMatrix:
    drivers: list[tuple[str, str, str]]           # (id, name, kind), conflict kinds first
    stakeholders: list[tuple[str, str]]           # (id, name): only those linked to a driver
    cells: dict[tuple[str, str], str]             # (driver_id, stakeholder_id) -> role
    classification: str = "UNCLASSIFIED"          # the highest of what the matrix shows


@dataclass(frozen=True)
class DomainBalance:
    domain: str
    conflict: int        # conflict_driver + divider + trigger
    peace: int           # peace_driver + connector
    worsening: int       # drivers of either side whose trend is worsening
    improving: int


# --- helpers -------------------------------------------------------------------------------


def _severity(field: str, value) -> int:
    low, high = SEVERITY_RANGE
    try:
        number = int(value)
        if isinstance(value, float) and number != value:
            raise ValueError(value)
    except (TypeError, ValueError) as exc:
        raise InvalidValue(field=field, reason="out_of_range", value=value, min=low,
                           max=high) from exc
    if isinstance(value, bool) or not low <= number <= high:
        raise InvalidValue(field=field, reason="out_of_range", value=value, min=low, max=high)
    return number


def _regions(value) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        value = value.split(",")
    if not isinstance(value, list | tuple):
        raise InvalidValue(field="regions", reason="not_a_list", value=str(value))
    regions: list[str] = []
    for item in value:
        text = validation.optional_text("regions", str(item), max_length=100)
        if text and text not in regions:
            regions.append(text)
    return regions


def clean_fields(changes: dict, *, creating: bool) -> dict:
    """Validate and normalise driver fields; raises InvalidValue(field=, reason=, ...).

    Reasons: required, too_long (max_length), not_in_vocabulary (value, allowed),
    out_of_range (min, max), not_a_list. Creating requires name, kind, level and domain.
    """
    known = set(EDITABLE) | set(CACHED)
    unknown = set(changes) - known
    if unknown:
        raise ValueError("not an editable driver field: %s" % ", ".join(sorted(unknown)))
    if creating:
        for name in ("name", "kind", "level", "domain"):
            if changes.get(name) in (None, ""):
                raise InvalidValue(field=name, reason="required")
    clean: dict = {}
    for name in EDITABLE + CACHED:  # form order, so the first problem named is the top one
        if name not in changes:
            continue
        value = changes[name]
        if name == "name":
            clean[name] = validation.required_text(name, value, max_length=300)
        elif name == "kind":
            clean[name] = validation.vocabulary(name, value, DriverKind)
        elif name == "level":
            clean[name] = validation.vocabulary(name, value, DriverLevel)
        elif name == "domain":
            clean[name] = validation.vocabulary(name, value, DriverDomain)
        elif name == "trend":
            clean[name] = validation.vocabulary(name, value, Trend)
        elif name == "severity":
            clean[name] = _severity(name, value)
        elif name == "regions":
            clean[name] = _regions(value)
        elif name == "time_horizon":
            clean[name] = validation.optional_text(name, value, max_length=100)
        elif name in ("description", "mission_levers"):
            clean[name] = validation.optional_text(name, value, max_length=_LONG_TEXT)
        elif name == "classification":
            clean[name] = validation.vocabulary(name, value, Classification)
    return clean


def _live_driver(session, driver_id: str, *, include_deleted: bool = False) -> Driver:
    return find_record(session, Driver, driver_id, include_deleted=include_deleted)


_check_revision = check_revision


def _driver_view(row: Driver) -> DriverView:
    return DriverView(id=row.id, revision=row.revision, name=row.name, kind=row.kind,
                      trend=row.trend, severity=row.severity,
                      deleted=row.deleted_at is not None)


_decode = log_value


# --- reading -------------------------------------------------------------------------------


def list_drivers(handle: MissionHandle) -> list[DriverRow]:
    """Every live driver with its number of linked stakeholders and last assessment date."""
    with handle.session() as session:
        drivers = session.scalars(select(Driver)).all()
        # Links to tombstoned stakeholders do not count: join the live stakeholders.
        links = dict(session.execute(
            select(DriverStakeholder.driver_id, func.count())
            .join(Stakeholder, Stakeholder.id == DriverStakeholder.stakeholder_id)
            .group_by(DriverStakeholder.driver_id)
        ).all())
        last = dict(session.execute(
            select(DriverAssessment.driver_id, func.max(DriverAssessment.assessed_on))
            .group_by(DriverAssessment.driver_id)
        ).all())
        rows = [
            DriverRow(
                id=d.id, revision=d.revision, name=d.name, kind=d.kind, level=d.level,
                domain=d.domain, regions=tuple(d.regions or ()), trend=d.trend,
                severity=d.severity, time_horizon=d.time_horizon,
                classification=d.classification, stakeholders=links.get(d.id, 0),
                last_assessed=last.get(d.id), sort_name=fold(d.name),
            )
            for d in drivers
        ]
    return sort_rows(rows, "name")


def sort_rows(rows: Iterable[DriverRow], column: str, descending: bool = False
              ) -> list[DriverRow]:
    """Rows sorted on one of TABLE_COLUMNS (names folded, trends worst first, no date last)."""
    kinds = {k.value: i for i, k in enumerate(DriverKind)}
    levels = {k.value: i for i, k in enumerate(DriverLevel)}
    trends = {t: i for i, t in enumerate(TREND_ORDER)}
    rows = list(rows)
    if column == "last_assessed":
        dated = sorted((r for r in rows if r.last_assessed),
                       key=lambda r: (r.last_assessed, r.sort_name), reverse=descending)
        return dated + sorted((r for r in rows if not r.last_assessed),
                              key=lambda r: r.sort_name)
    keys = {
        "name": lambda r: r.sort_name,
        "kind": lambda r: (kinds.get(r.kind, 99), r.sort_name),
        "level": lambda r: (levels.get(r.level, 99), r.sort_name),
        "domain": lambda r: (r.domain, r.sort_name),
        "trend": lambda r: (trends.get(r.trend, 99), r.sort_name),
        "severity": lambda r: (r.severity, r.sort_name),
        "regions": lambda r: (fold(", ".join(r.regions)), r.sort_name),
        "time_horizon": lambda r: (fold(r.time_horizon), r.sort_name),
        "stakeholders": lambda r: (r.stakeholders, r.sort_name),
        "classification": lambda r: (
            list(Classification).index(Classification(r.classification))
            if r.classification in Classification._value2member_map_ else 99, r.sort_name),
    }
    if column not in keys:
        raise ValueError("not a drivers column: %s" % column)
    return sorted(rows, key=keys[column], reverse=descending)


def _links(session, driver_id: str) -> tuple[DriverLinkView, ...]:
    result = session.execute(
        select(DriverStakeholder, Stakeholder.name, Stakeholder.name_key)
        .join(Stakeholder, Stakeholder.id == DriverStakeholder.stakeholder_id)
        .where(DriverStakeholder.driver_id == driver_id)
    ).all()
    order = {r: i for i, r in enumerate(ROLE_ORDER)}
    views = [
        DriverLinkView(stakeholder_id=link.stakeholder_id, name=name, role=link.role,
                       note=link.note, id=link.id, revision=link.revision,
                       driver_id=link.driver_id)
        for link, name, _key in result
    ]
    keys = {link.id: key or fold(name) for link, name, key in result}
    return tuple(sorted(views, key=lambda v: (order.get(v.role, 99), keys[v.id])))


def _assessment_view(a: DriverAssessment, driver_revision: int = 0) -> DriverAssessmentView:
    return DriverAssessmentView(id=a.id, assessed_on=a.assessed_on, assessed_by=a.assessed_by,
                                trend=a.trend, severity=a.severity, note=a.note,
                                driver_id=a.driver_id, driver_revision=driver_revision)


def get_driver(handle: MissionHandle, driver_id: str) -> DriverDetail:
    """Every field of a driver, its stakeholders, its assessments and its change history."""
    with handle.session() as session:
        row = _live_driver(session, driver_id)
        links = _links(session, driver_id)
        assessments = session.scalars(
            select(DriverAssessment).where(DriverAssessment.driver_id == driver_id)
            .order_by(DriverAssessment.assessed_on.desc(), DriverAssessment.created_at.desc())
        ).all()
        # History covers the driver and its link and assessment rows, tombstoned ones too.
        link_ids = session.scalars(
            select(DriverStakeholder.id).where(DriverStakeholder.driver_id == driver_id)
            .execution_options(include_deleted=True)).all()
        assessment_ids = session.scalars(
            select(DriverAssessment.id).where(DriverAssessment.driver_id == driver_id)
            .execution_options(include_deleted=True)).all()
        log = session.scalars(
            select(ChangeLog).where(or_(
                (ChangeLog.table_name == "drivers") & (ChangeLog.record_id == driver_id),
                (ChangeLog.table_name == "driver_stakeholders")
                & ChangeLog.record_id.in_(link_ids),
                (ChangeLog.table_name == "driver_assessments")
                & ChangeLog.record_id.in_(assessment_ids),
            )).order_by(ChangeLog.at.desc()).limit(_HISTORY_LIMIT)
        ).all()
        return DriverDetail(
            id=row.id, revision=row.revision, name=row.name, description=row.description,
            kind=row.kind, level=row.level, domain=row.domain,
            regions=tuple(row.regions or ()), trend=row.trend, severity=row.severity,
            time_horizon=row.time_horizon, mission_levers=row.mission_levers,
            classification=row.classification, updated_at=row.updated_at,
            updated_by=row.updated_by, links=links,
            assessments=tuple(_assessment_view(a) for a in assessments),
            history=tuple(
                HistoryEntry(at=c.at, user_name=c.user_name, table=c.table_name,
                             action=c.action, field=c.field, old_value=_decode(c.old_value),
                             new_value=_decode(c.new_value))
                for c in log
            ),
        )


def stakeholder_choices(handle: MissionHandle) -> list[tuple[str, str]]:
    """Live stakeholders as (id, name), sorted by folded name, for the link form."""
    with handle.session() as session:
        rows = session.execute(select(Stakeholder.id, Stakeholder.name, Stakeholder.name_key)
                               ).all()
    return [(i, n) for i, n, _k in sorted(rows, key=lambda r: r[2] or fold(r[1]))]


def drivers_for_stakeholder(handle: MissionHandle, stakeholder_id: str) -> list[DriverLink]:
    """The drivers a stakeholder drives, benefits from, mitigates or is affected by."""
    order = {r: i for i, r in enumerate(ROLE_ORDER)}
    with handle.session() as session:
        result = session.execute(
            select(DriverStakeholder, Driver)
            .join(Driver, Driver.id == DriverStakeholder.driver_id)
            .where(DriverStakeholder.stakeholder_id == stakeholder_id)
        ).all()
        links = [
            DriverLink(driver_id=d.id, driver_name=d.name, kind=d.kind, role=link.role,
                       domain=d.domain, trend=d.trend, severity=d.severity, note=link.note,
                       link_id=link.id)
            for link, d in result
        ]
    return sorted(links, key=lambda x: (order.get(x.role, 99), -x.severity,
                                        fold(x.driver_name)))


def driver_matrix(handle: MissionHandle) -> DriverMatrix:
    """Drivers (conflict kinds first, then by name) by the stakeholders linked to any of them."""
    kinds = {k.value: i for i, k in enumerate(DriverKind)}
    with handle.session() as session:
        drivers = session.execute(
            select(Driver.id, Driver.name, Driver.kind, Driver.classification)).all()
        links = session.execute(
            select(DriverStakeholder.driver_id, DriverStakeholder.stakeholder_id,
                   DriverStakeholder.role, Stakeholder.name, Stakeholder.name_key,
                   Stakeholder.classification, DriverStakeholder.classification)
            .join(Stakeholder, Stakeholder.id == DriverStakeholder.stakeholder_id)
            .join(Driver, Driver.id == DriverStakeholder.driver_id)
        ).all()
    order = {r: i for i, r in enumerate(ROLE_ORDER)}
    cells: dict[tuple[str, str], str] = {}
    names: dict[str, tuple[str, str]] = {}
    levels = {d[3] for d in drivers}
    for driver_id, stakeholder_id, role, name, key, *link_levels in links:
        levels.update(link_levels)
        names[stakeholder_id] = (key or fold(name), name)
        current = cells.get((driver_id, stakeholder_id))
        if current is None or order.get(role, 99) < order.get(current, 99):
            cells[(driver_id, stakeholder_id)] = role
    ordered_drivers = sorted(
        drivers, key=lambda d: (d[2] not in CONFLICT_KINDS, kinds.get(d[2], 99), fold(d[1])))
    return DriverMatrix(
        drivers=[(d[0], d[1], d[2]) for d in ordered_drivers],
        stakeholders=[(sid, n[1]) for sid, n in sorted(names.items(), key=lambda i: i[1][0])],
        cells=cells,
        classification=Classification.highest(levels).value,
    )


def drivers_by_domain(handle: MissionHandle) -> list[DomainBalance]:
    """Conflict against peace drivers per domain (vocabulary order; empty domains left out)."""
    with handle.session() as session:
        rows = session.execute(select(Driver.domain, Driver.kind, Driver.trend)).all()
    conflict: Counter = Counter()
    peace: Counter = Counter()
    worsening: Counter = Counter()
    improving: Counter = Counter()
    for domain, kind, trend in rows:
        if kind in CONFLICT_KINDS:
            conflict[domain] += 1
        elif kind in PEACE_KINDS:
            peace[domain] += 1
        if trend == "worsening":
            worsening[domain] += 1
        elif trend == "improving":
            improving[domain] += 1
    present = set(conflict) | set(peace)
    domains = [d.value for d in DriverDomain if d.value in present]
    domains += sorted(present - set(domains))  # codes from a newer vocabulary, last
    return [DomainBalance(domain=d, conflict=conflict[d], peace=peace[d],
                          worsening=worsening[d], improving=improving[d]) for d in domains]


# --- writing -------------------------------------------------------------------------------


def _default_classification(session) -> str:
    value = session.scalars(select(Mission.default_classification)).first()
    return value or Classification.UNCLASSIFIED.value


def create_driver(uow: UnitOfWork, **fields) -> DriverView:
    """Add a driver. name, kind, level and domain are required; the trend defaults to
    unknown, the severity to 3 and the classification to the mission's default."""
    clean = clean_fields(fields, creating=True)
    clean.setdefault("trend", Trend.UNKNOWN.value)
    clean.setdefault("severity", 3)
    clean.setdefault("regions", [])
    clean.setdefault("classification", _default_classification(uow.session))
    row = Driver(**clean)
    uow.add(row)
    uow.session.flush()
    return _driver_view(row)


def update_driver(uow: UnitOfWork, driver_id: str, *, expected_revision: int,
                  **changes) -> DriverView:
    """Change some fields of a driver; RevisionConflict if it moved past expected_revision.

    Trend and severity are accepted (an undo restores them), but a leader changes them by
    recording a dated assessment, so the trend keeps its history.
    """
    row = _live_driver(uow.session, driver_id)
    _check_revision(row, expected_revision)
    clean = clean_fields(changes, creating=False)
    for name, value in clean.items():
        setattr(row, name, value)
    uow.session.flush()
    return _driver_view(row)


def delete_driver(uow: UnitOfWork, driver_id: str, *, expected_revision: int) -> DriverView:
    """Tombstone a driver (its links and assessments stay, hidden with it)."""
    row = _live_driver(uow.session, driver_id)
    _check_revision(row, expected_revision)
    row.deleted_at = utcnow()
    uow.session.flush()
    return _driver_view(row)


def restore_driver(uow: UnitOfWork, driver_id: str, *, expected_revision: int) -> DriverView:
    """Bring a tombstoned driver back."""
    row = _live_driver(uow.session, driver_id, include_deleted=True)
    _check_revision(row, expected_revision)
    row.deleted_at = None
    uow.session.flush()
    return _driver_view(row)


def _link_view(link: DriverStakeholder, name: str) -> DriverLinkView:
    return DriverLinkView(stakeholder_id=link.stakeholder_id, name=name, role=link.role,
                          note=link.note, id=link.id, revision=link.revision,
                          driver_id=link.driver_id)


def link_stakeholder(uow: UnitOfWork, driver_id: str, stakeholder_id: str, role: str,
                     note: str | None = None) -> DriverLinkView:
    """Link a stakeholder to a driver with a role (drives, benefits, mitigates, affected).

    One live link per driver and stakeholder: a second one is refused
    (InvalidValue field="stakeholder_id", reason="already_linked").
    """
    session = uow.session
    driver = _live_driver(session, driver_id)
    stakeholder = session.get(Stakeholder, stakeholder_id)
    if stakeholder is None or stakeholder.deleted_at is not None:
        raise RecordMissing(table="stakeholders", record_id=stakeholder_id)
    role = validation.vocabulary("role", role, DriverRole)
    note = validation.optional_text("note", note, max_length=_LONG_TEXT)
    existing = session.scalars(select(DriverStakeholder).where(
        DriverStakeholder.driver_id == driver_id,
        DriverStakeholder.stakeholder_id == stakeholder_id)).first()
    if existing is not None:
        raise InvalidValue(field="stakeholder_id", reason="already_linked",
                           value=stakeholder.name, role=existing.role)
    link = DriverStakeholder(driver_id=driver.id, stakeholder_id=stakeholder_id, role=role,
                             note=note, classification=driver.classification)
    uow.add(link)
    session.flush()
    return _link_view(link, stakeholder.name)


def _link(session, link_id: str) -> tuple[DriverStakeholder, str]:
    result = session.execute(
        select(DriverStakeholder, Stakeholder.name)
        .join(Stakeholder, Stakeholder.id == DriverStakeholder.stakeholder_id)
        .where(DriverStakeholder.id == link_id)
        .execution_options(include_deleted=True)
    ).first()
    if result is None:
        raise RecordMissing(table="driver_stakeholders", record_id=link_id)
    return result[0], result[1]


def unlink(uow: UnitOfWork, link_id: str, *, expected_revision: int | None = None
           ) -> DriverLinkView:
    """Remove a stakeholder's link to a driver (a tombstone, so an undo can restore it)."""
    link, name = _link(uow.session, link_id)
    if link.deleted_at is not None:
        raise RecordMissing(table="driver_stakeholders", record_id=link_id)
    _check_revision(link, expected_revision)
    link.deleted_at = utcnow()
    uow.session.flush()
    return _link_view(link, name)


def restore_link(uow: UnitOfWork, link_id: str, *, expected_revision: int | None = None
                 ) -> DriverLinkView:
    """Bring back a removed link (refused if the pair was linked again meanwhile)."""
    link, name = _link(uow.session, link_id)
    _check_revision(link, expected_revision)
    other = uow.session.scalars(select(DriverStakeholder).where(
        DriverStakeholder.driver_id == link.driver_id,
        DriverStakeholder.stakeholder_id == link.stakeholder_id,
        DriverStakeholder.id != link.id)).first()
    if other is not None:
        raise InvalidValue(field="stakeholder_id", reason="already_linked", value=name,
                           role=other.role)
    link.deleted_at = None
    uow.session.flush()
    return _link_view(link, name)


def _newest_assessment(session, driver_id: str) -> DriverAssessment | None:
    return session.scalars(
        select(DriverAssessment).where(DriverAssessment.driver_id == driver_id)
        .order_by(DriverAssessment.assessed_on.desc(), DriverAssessment.created_at.desc())
    ).first()


def _refresh_cache(session, driver: Driver) -> None:
    """Trend from the newest assessment, severity from the newest that gives one."""
    newest = _newest_assessment(session, driver.id)
    if newest is None:
        return  # no history left: keep what the driver says
    driver.trend = newest.trend
    severity = session.scalars(
        select(DriverAssessment.severity).where(DriverAssessment.driver_id == driver.id,
                                                DriverAssessment.severity.is_not(None))
        .order_by(DriverAssessment.assessed_on.desc(), DriverAssessment.created_at.desc())
    ).first()
    if severity is not None:
        driver.severity = severity


def record_driver_assessment(uow: UnitOfWork, driver_id: str, *, expected_revision: int,
                             assessed_on: date, trend: str, severity: int | None = None,
                             note: str | None = None) -> DriverAssessmentView:
    """Add a dated assessment of a driver's trend (and severity).

    The driver's trend and severity become those of its newest assessment, so an
    assessment dated before the newest one adds history without changing the current
    values. The view carries the driver's new revision (`driver_revision`).
    """
    session = uow.session
    driver = _live_driver(session, driver_id)
    _check_revision(driver, expected_revision)
    if isinstance(assessed_on, datetime):
        assessed_on = assessed_on.date()
    assessed_on = validation.optional_date("assessed_on", assessed_on)
    if assessed_on is None:
        raise InvalidValue(field="assessed_on", reason="required")
    trend = validation.vocabulary("trend", trend, Trend)
    severity = None if severity is None else _severity("severity", severity)
    note = validation.optional_text("note", note, max_length=_LONG_TEXT)
    assessment = DriverAssessment(driver_id=driver.id, assessed_on=assessed_on,
                                  assessed_by=uow.handle.user_name, trend=trend,
                                  severity=severity, note=note,
                                  classification=driver.classification)
    uow.add(assessment)
    session.flush()
    _refresh_cache(session, driver)
    session.flush()
    return _assessment_view(assessment, driver.revision)


def _assessment(session, assessment_id: str) -> DriverAssessment:
    row = session.scalars(select(DriverAssessment).where(DriverAssessment.id == assessment_id)
                          .execution_options(include_deleted=True)).first()
    if row is None:
        raise RecordMissing(table="driver_assessments", record_id=assessment_id)
    return row


def withdraw_driver_assessment(uow: UnitOfWork, assessment_id: str, *,
                               expected_revision: int) -> DriverView:
    """Tombstone an assessment (undo of recording it); the cache follows the newest left.

    `expected_revision` is the driver's. With no assessment left the driver keeps its
    values; the caller restores the ones it replaced (`update_driver(trend=, severity=)`).
    """
    session = uow.session
    assessment = _assessment(session, assessment_id)
    driver = _live_driver(session, assessment.driver_id)
    _check_revision(driver, expected_revision)
    assessment.deleted_at = utcnow()
    session.flush()
    _refresh_cache(session, driver)
    session.flush()
    return _driver_view(driver)


def restore_driver_assessment(uow: UnitOfWork, assessment_id: str, *,
                              expected_revision: int) -> DriverView:
    """Bring a withdrawn assessment back (redo); the cache follows the newest again."""
    session = uow.session
    assessment = _assessment(session, assessment_id)
    driver = _live_driver(session, assessment.driver_id)
    _check_revision(driver, expected_revision)
    assessment.deleted_at = None
    session.flush()
    _refresh_cache(session, driver)
    session.flush()
    return _driver_view(driver)
