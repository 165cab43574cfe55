"""The strategic communications plan: objectives and audiences, and what its other services
share (delete and restore with what hangs on a record).

- A communications objective serves a strategy objective, and a mandate task or a benchmark
  (`objective_id`, `mandate_task_id`, `benchmark_id`, each optional).
- An audience has a V7 code and the stakeholders it contains (`stakeholder_ids`, kept as
  `audience_stakeholders` links: a removed link is tombstoned and revives when added back).
- Key messages are `services.comms_messages`; the plan's lines (audience x message x channel
  x messenger x timing) are `services.comms_plan`.

Deleting an audience tombstones its member links and plan lines with it; restoring brings
back what that delete removed. No Qt here, and no user-visible text: rows carry codes,
refusals are typed errors (`InvalidValue(field=, reason=, table=)`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import func, select

from missiondesk.services import validation
from missiondesk.services.records import apply_changes, load_record
from missiondesk.store.errors import InvalidValue
from missiondesk.store.handle import MissionHandle, UnitOfWork, utcnow
from missiondesk.store.schema import (
    Audience,
    AudienceStakeholder,
    Benchmark,
    CommsObjective,
    CommsPlanRow,
    KeyMessage,
    MandateTask,
    Mission,
    Stakeholder,
    StrategyObjective,
)
from missiondesk.store.vocab import AudienceCode, Classification

OBJECTIVE_FIELDS = ("title", "description", "internal", "objective_id", "mandate_task_id",
                    "benchmark_id", "classification")
AUDIENCE_FIELDS = ("code", "name", "description", "stakeholder_ids", "classification")
_LONG = 5000


def _refuse(table: str, field: str, reason: str, **params) -> InvalidValue:
    return InvalidValue(field=field, reason=reason, table=table, **params)


def _exists(session, table: str, field: str, model, record_id: str | None) -> str | None:
    if not record_id:
        return None
    if session.scalar(select(model.id).where(model.id == record_id)) is None:
        raise _refuse(table, field, "unknown_record", value=record_id)
    return record_id


def _default_classification(session) -> str:
    return (session.scalars(select(Mission.default_classification)).first()
            or Classification.CONFIDENTIAL.value)


def _apply(row, clean: dict) -> None:
    apply_changes(row, clean)


@dataclass(frozen=True)
class Saved:
    """What a write returns: the record and its revision after the write."""

    id: str
    revision: int
    deleted: bool = False


def _saved(row) -> Saved:
    return Saved(id=row.id, revision=row.revision, deleted=row.deleted_at is not None)


def _tombstone(rows: Iterable, stamp) -> None:
    for row in rows:
        if row.deleted_at is None:
            row.deleted_at = stamp


def _revive(rows: Iterable, stamp) -> None:
    for row in rows:
        if stamp is not None and row.deleted_at == stamp:
            row.deleted_at = None


def _with_deleted(query):
    return query.execution_options(include_deleted=True)


def delete_with(uow: UnitOfWork, model, record_id: str, expected_revision: int | None,
                *dependants) -> Saved:
    """Tombstone a record and the rows that hang on it (`dependant(session, id)` gives them,
    deleted ones too) with one timestamp, so restoring brings back just those."""
    row = load_record(uow, model, record_id, expected_revision)
    now = utcnow()
    for rows_of in dependants:
        _tombstone(rows_of(uow.session, row.id), now)
    row.deleted_at = now
    uow.session.flush()
    return _saved(row)


def restore_with(uow: UnitOfWork, model, record_id: str, expected_revision: int | None,
                 *dependants) -> Saved:
    """Bring back a deleted record and what its delete tombstoned."""
    row = load_record(uow, model, record_id, expected_revision, include_deleted=True)
    for rows_of in dependants:
        _revive(rows_of(uow.session, row.id), row.deleted_at)
    row.deleted_at = None
    uow.session.flush()
    return _saved(row)


def _plan_lines(column):
    """The plan's lines whose `column` names a record (deleted lines too)."""
    return lambda session, record_id: session.scalars(_with_deleted(
        select(CommsPlanRow).where(column == record_id)))


# --- communications objectives -------------------------------------------------------------


@dataclass(frozen=True)
class ObjectiveRow:
    id: str
    revision: int
    title: str
    description: str | None
    internal: bool
    objective_id: str | None
    objective_title: str | None
    mandate_task_id: str | None
    task_paragraph: str | None
    task_text: str | None
    benchmark_id: str | None
    benchmark_statement: str | None
    classification: str
    messages: int  # live key messages serving it

    def values(self) -> dict:
        return {name: getattr(self, name) for name in OBJECTIVE_FIELDS}


def _clean_objective(session, changes: dict, *, creating: bool) -> dict:
    unknown = set(changes) - set(OBJECTIVE_FIELDS)
    if unknown:
        raise ValueError("not an objective field: %s" % ", ".join(sorted(unknown)))
    t = "comms_objectives"
    clean: dict = {}
    with validation.for_table(t):
        for name, value in changes.items():
            if name == "title":
                clean[name] = validation.required_text(name, value, max_length=300)
            elif name == "description":
                clean[name] = validation.optional_text(name, value, max_length=_LONG)
            elif name == "internal":
                clean[name] = bool(value)
            elif name == "classification":
                clean[name] = validation.vocabulary(name, value, Classification)
    links = {"objective_id": StrategyObjective, "mandate_task_id": MandateTask,
             "benchmark_id": Benchmark}
    for name, model in links.items():
        if name in changes:
            clean[name] = _exists(session, t, name, model, changes[name])
    if creating and "title" not in clean:
        raise _refuse(t, "title", "required")
    return clean


def create_objective(uow: UnitOfWork, **fields) -> Saved:
    """Add a communications objective (`title` required)."""
    session = uow.session
    clean = _clean_objective(session, fields, creating=True)
    clean.setdefault("classification", _default_classification(session))
    clean["sort_order"] = (session.scalar(select(func.max(CommsObjective.sort_order))) or 0) + 1
    row = CommsObjective(**clean)
    uow.add(row)
    session.flush()
    return _saved(row)


def update_objective(uow: UnitOfWork, objective_id: str, *, expected_revision: int | None,
                     **changes) -> Saved:
    row = load_record(uow, CommsObjective, objective_id, expected_revision)
    _apply(row, _clean_objective(uow.session, changes, creating=False))
    uow.session.flush()
    return _saved(row)


def delete_objective(uow: UnitOfWork, objective_id: str, *, expected_revision: int | None
                     ) -> Saved:
    """Tombstone the objective; its messages stay (they then serve no objective)."""
    return delete_with(uow, CommsObjective, objective_id, expected_revision)


def restore_objective(uow: UnitOfWork, objective_id: str, *, expected_revision: int | None
                      ) -> Saved:
    return restore_with(uow, CommsObjective, objective_id, expected_revision)


def list_objectives(handle: MissionHandle) -> list[ObjectiveRow]:
    """Every live communications objective, in the plan's order, with what it serves."""
    o = CommsObjective
    with handle.session() as session:
        counts = dict(session.execute(
            select(KeyMessage.objective_id, func.count()).group_by(KeyMessage.objective_id)
            .where(KeyMessage.objective_id.is_not(None))).all())
        strategy = dict(session.execute(
            select(StrategyObjective.id, StrategyObjective.title)).all())
        tasks = {r.id: r for r in session.execute(
            select(MandateTask.id, MandateTask.paragraph, MandateTask.text))}
        benchmarks = dict(session.execute(select(Benchmark.id, Benchmark.statement)).all())
        rows = session.scalars(select(o).order_by(o.sort_order, o.title)).all()
        return [ObjectiveRow(
            id=r.id, revision=r.revision, title=r.title, description=r.description,
            internal=bool(r.internal), objective_id=r.objective_id,
            objective_title=strategy.get(r.objective_id),
            mandate_task_id=r.mandate_task_id,
            task_paragraph=tasks[r.mandate_task_id].paragraph if r.mandate_task_id in tasks
            else None,
            task_text=tasks[r.mandate_task_id].text if r.mandate_task_id in tasks else None,
            benchmark_id=r.benchmark_id, benchmark_statement=benchmarks.get(r.benchmark_id),
            classification=r.classification, messages=counts.get(r.id, 0)) for r in rows]


@dataclass(frozen=True)
class LinkChoices:
    """What an objective can serve: (id, words) of strategy objectives, mandate tasks
    ("paragraph", "text") and benchmarks."""

    strategy_objectives: tuple[tuple[str, str], ...]
    mandate_tasks: tuple[tuple[str, str, str], ...]
    benchmarks: tuple[tuple[str, str], ...]


def objective_link_choices(handle: MissionHandle) -> LinkChoices:
    with handle.session() as session:
        return LinkChoices(
            strategy_objectives=tuple(tuple(r) for r in session.execute(
                select(StrategyObjective.id, StrategyObjective.title)
                .order_by(StrategyObjective.sort_order, StrategyObjective.title))),
            mandate_tasks=tuple(tuple(r) for r in session.execute(
                select(MandateTask.id, MandateTask.paragraph, MandateTask.text)
                .order_by(MandateTask.paragraph))),
            benchmarks=tuple(tuple(r) for r in session.execute(
                select(Benchmark.id, Benchmark.statement)
                .order_by(Benchmark.sort_order, Benchmark.statement))))


# --- audiences -----------------------------------------------------------------------------


@dataclass(frozen=True)
class AudienceRow:
    id: str
    revision: int
    code: str
    name: str
    description: str | None
    classification: str
    stakeholder_ids: tuple[str, ...]
    stakeholder_names: tuple[str, ...]  # in the order of stakeholder_ids

    def values(self) -> dict:
        return {name: getattr(self, name) for name in AUDIENCE_FIELDS}


def _clean_audience(session, changes: dict, *, creating: bool) -> dict:
    unknown = set(changes) - set(AUDIENCE_FIELDS)
    if unknown:
        raise ValueError("not an audience field: %s" % ", ".join(sorted(unknown)))
    t = "audiences"
    clean: dict = {}
    with validation.for_table(t):
        for name, value in changes.items():
            if name == "code":
                clean[name] = validation.vocabulary(name, value, AudienceCode)
            elif name == "name":
                clean[name] = validation.required_text(name, value, max_length=200)
            elif name == "description":
                clean[name] = validation.optional_text(name, value, max_length=_LONG)
            elif name == "classification":
                clean[name] = validation.vocabulary(name, value, Classification)
    if "stakeholder_ids" in changes:
        clean["stakeholder_ids"] = [_exists(session, t, "stakeholder_ids", Stakeholder, s)
                                    for s in dict.fromkeys(changes["stakeholder_ids"] or ())
                                    if s]
    if creating:
        for name in ("code", "name"):
            if name not in clean:
                raise _refuse(t, name, "required")
    return clean


def _members(session, audience_id: str) -> list[AudienceStakeholder]:
    return list(session.scalars(_with_deleted(select(AudienceStakeholder).where(
        AudienceStakeholder.audience_id == audience_id))))


def _set_members(uow: UnitOfWork, row: Audience, wanted: list[str]) -> None:
    links = {link.stakeholder_id: link for link in _members(uow.session, row.id)}
    now = utcnow()
    for stakeholder_id, link in links.items():
        if stakeholder_id not in wanted and link.deleted_at is None:
            link.deleted_at = now
        elif stakeholder_id in wanted and link.deleted_at is not None:
            link.deleted_at = None
    for stakeholder_id in wanted:
        if stakeholder_id not in links:
            uow.add(AudienceStakeholder(audience_id=row.id, stakeholder_id=stakeholder_id,
                                        classification=row.classification))
    row.updated_at = utcnow()  # a change of members is a change of the audience


def create_audience(uow: UnitOfWork, **fields) -> Saved:
    """Add an audience (`code` of V7 and `name` required; `stakeholder_ids` its members)."""
    session = uow.session
    clean = _clean_audience(session, fields, creating=True)
    members = clean.pop("stakeholder_ids", [])
    clean.setdefault("classification", _default_classification(session))
    row = Audience(**clean)
    uow.add(row)
    session.flush()
    if members:
        _set_members(uow, row, members)
        session.flush()
    return _saved(row)


def update_audience(uow: UnitOfWork, audience_id: str, *, expected_revision: int | None,
                    **changes) -> Saved:
    row = load_record(uow, Audience, audience_id, expected_revision)
    clean = _clean_audience(uow.session, changes, creating=False)
    members = clean.pop("stakeholder_ids", None)
    _apply(row, clean)
    if members is not None:
        _set_members(uow, row, members)
    uow.session.flush()
    return _saved(row)


def delete_audience(uow: UnitOfWork, audience_id: str, *, expected_revision: int | None
                    ) -> Saved:
    """Tombstone the audience, its member links and its plan lines with one timestamp."""
    return delete_with(uow, Audience, audience_id, expected_revision, _members,
                       _plan_lines(CommsPlanRow.audience_id))


def restore_audience(uow: UnitOfWork, audience_id: str, *, expected_revision: int | None
                     ) -> Saved:
    return restore_with(uow, Audience, audience_id, expected_revision, _members,
                        _plan_lines(CommsPlanRow.audience_id))


def list_audiences(handle: MissionHandle) -> list[AudienceRow]:
    """Every live audience by name, with its live members (by name)."""
    with handle.session() as session:
        members: dict[str, list[tuple[str, str]]] = {}
        for audience_id, sid, name in session.execute(
                select(AudienceStakeholder.audience_id, Stakeholder.id, Stakeholder.name)
                .join(Stakeholder, Stakeholder.id == AudienceStakeholder.stakeholder_id)
                .order_by(Stakeholder.name_key)):
            members.setdefault(audience_id, []).append((sid, name))
        rows = session.scalars(select(Audience).order_by(Audience.name)).all()
        return [AudienceRow(
            id=r.id, revision=r.revision, code=r.code, name=r.name, description=r.description,
            classification=r.classification,
            stakeholder_ids=tuple(s for s, _n in members.get(r.id, ())),
            stakeholder_names=tuple(n for _s, n in members.get(r.id, ()))) for r in rows]
