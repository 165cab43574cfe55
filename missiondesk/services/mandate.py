"""The Council mandate: mandates, their tasks, conditions-based benchmarks with dated
assessments, indicators with dated measurements, and the status board.

- The current mandate is the latest adopted one unless the user chose another
  (`current_mandate`).
- A benchmark is a condition, with an optional indicative `timeframe` (free text).
- A benchmark's `status` is a cache of its newest dated assessment (like a stakeholder's
  stance): only `record_assessment` (and its undo, `withdraw_assessment`) writes it; a
  benchmark with no assessment left is `not_started`.
- "Since the last SG report": the last past cycle event of kind `sg_report_due` (or a date the
  caller chooses); `moves_since` says which benchmarks were assessed after it, from which
  status to which, with the assessments' narratives.

Links: tasks link to benchmarks (`benchmark_tasks`) and, directly, to stakeholders, engagements
and commitments (`mandate_task_stakeholders`, `…_engagements`, `…_commitments`, migration 0009;
`set_task_links`); benchmarks to engagements (`engagement_benchmarks`, written by the
Engagements desk). A task's detail keeps the two kinds of engagements apart: those linked to the
task (`TaskDetail.task_engagements`) and those reached through its benchmarks
(`TaskDetail.engagements`). A link to a deleted record is not shown; `tasks_linked_to` reads the
other direction (a stakeholder's, an engagement's or a commitment's tasks).

No Qt here, and no user-visible text: refusals are `InvalidValue` codes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import func, select

from missiondesk.services import validation
from missiondesk.services.commitments import LinkedEngagement
from missiondesk.services.records import check_revision, find_record
from missiondesk.store.errors import InvalidValue, RecordMissing
from missiondesk.store.handle import MissionHandle, UnitOfWork, utcnow
from missiondesk.store.schema import (
    Benchmark,
    BenchmarkAssessment,
    BenchmarkTask,
    Commitment,
    CycleEvent,
    Engagement,
    EngagementBenchmark,
    Indicator,
    Mandate,
    MandateTask,
    MandateTaskCommitment,
    MandateTaskEngagement,
    MandateTaskStakeholder,
    Measurement,
    Mission,
    Stakeholder,
)
from missiondesk.store.vocab import BenchmarkStatus, Classification, IndicatorDirection

#: Board columns, from done to not begun.
STATUS_ORDER = ("met", "partially_met", "on_track", "at_risk", "off_track", "not_started")
#: Fields each form edits.
MANDATE_FIELDS = ("resolution", "adopted_on", "expires_on", "penholder", "summary",
                  "classification")
TASK_FIELDS = ("paragraph", "text", "pillar", "priority", "classification")
BENCHMARK_FIELDS = ("statement", "pillar", "responsible_parties", "timeframe",
                    "classification")
INDICATOR_FIELDS = ("benchmark_id", "name", "baseline", "target", "direction", "unit",
                    "data_source", "classification")
MEASUREMENT_FIELDS = ("measured_on", "value", "note")
#: A task's direct links: the argument of `set_task_links` -> (link table, its column, the
#: linked table).
TASK_LINKS = {
    "stakeholder_ids": (MandateTaskStakeholder, "stakeholder_id", Stakeholder),
    "engagement_ids": (MandateTaskEngagement, "engagement_id", Engagement),
    "commitment_ids": (MandateTaskCommitment, "commitment_id", Commitment),
}
#: The cycle event kind that marks an SG report.
SG_REPORT = "sg_report_due"
_LONG = 5000


# --- views ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class WriteView:
    """What a write returns: enough for the undo stack."""

    id: str
    revision: int
    deleted: bool = False


@dataclass(frozen=True)
class MandateView:
    id: str
    revision: int
    resolution: str
    adopted_on: date | None
    expires_on: date | None
    penholder: str | None
    summary: str | None
    classification: str

    def values(self) -> dict:
        return {name: getattr(self, name) for name in MANDATE_FIELDS}

    def days_left(self, today: date) -> int | None:
        """Days until expiry (0 on the day, negative once expired); None without a date."""
        return None if self.expires_on is None else (self.expires_on - today).days


@dataclass(frozen=True)
class TaskRow:
    id: str
    revision: int
    mandate_id: str
    paragraph: str
    text: str
    pillar: str | None
    priority: bool
    classification: str
    benchmark_ids: tuple[str, ...] = ()
    stakeholder_ids: tuple[str, ...] = ()
    engagement_ids: tuple[str, ...] = ()
    commitment_ids: tuple[str, ...] = ()

    def values(self) -> dict:
        return {name: getattr(self, name) for name in TASK_FIELDS}

    def links(self) -> dict[str, list[str]]:
        """The task's direct links as `set_task_links` takes them."""
        return {kind: list(getattr(self, kind)) for kind in TASK_LINKS}


@dataclass(frozen=True)
class LinkedBenchmark:
    id: str
    statement: str
    status: str


@dataclass(frozen=True)
class LinkedStakeholder:
    id: str
    name: str


@dataclass(frozen=True)
class LinkedCommitment:
    id: str
    text: str
    status: str
    due_date: date | None


@dataclass(frozen=True)
class TaskDetail:
    task: TaskRow
    benchmarks: tuple[LinkedBenchmark, ...]
    #: Engagements linked to the task's benchmarks, the 20 newest.
    engagements: tuple[LinkedEngagement, ...]
    #: The records linked to the task itself (names, titles and dates for display).
    stakeholders: tuple[LinkedStakeholder, ...] = ()
    task_engagements: tuple[LinkedEngagement, ...] = ()
    commitments: tuple[LinkedCommitment, ...] = ()


@dataclass(frozen=True)
class LinkedTask:
    """A mandate task seen from a record linked to it."""

    id: str
    paragraph: str
    resolution: str


@dataclass(frozen=True)
class BenchmarkRow:
    id: str
    revision: int
    mandate_id: str | None
    statement: str
    pillar: str | None
    responsible_parties: str | None
    status: str
    classification: str
    last_assessed_on: date | None
    indicator_count: int
    task_ids: tuple[str, ...] = ()
    #: Indicative only ("within 18 months"): the condition decides.
    timeframe: str | None = None

    def values(self) -> dict:
        return {name: getattr(self, name) for name in BENCHMARK_FIELDS}


@dataclass(frozen=True)
class AssessmentView:
    id: str
    revision: int
    benchmark_id: str
    assessed_on: date
    assessed_by: str | None
    status: str
    note: str | None
    #: The benchmark's revision after the write (what its next edit expects).
    benchmark_revision: int = 0


@dataclass(frozen=True)
class IndicatorRow:
    id: str
    revision: int
    benchmark_id: str
    benchmark_statement: str
    name: str
    baseline: float | None
    target: float | None
    direction: str
    unit: str | None
    data_source: str | None
    classification: str
    latest_value: float | None
    latest_on: date | None
    measurement_count: int

    def values(self) -> dict:
        return {name: getattr(self, name) for name in INDICATOR_FIELDS}


@dataclass(frozen=True)
class MeasurementRow:
    id: str
    revision: int
    indicator_id: str
    measured_on: date
    value: float
    note: str | None

    def values(self) -> dict:
        return {name: getattr(self, name) for name in MEASUREMENT_FIELDS}


@dataclass(frozen=True)
class IndicatorSeries:
    """What a trend chart draws: the measurements in date order, baseline and target."""

    name: str
    unit: str | None
    baseline: float | None
    target: float | None
    direction: str
    points: tuple[tuple[date, float], ...]


@dataclass(frozen=True)
class BoardBenchmark:
    id: str
    statement: str
    status: str
    last_assessed_on: date | None


@dataclass(frozen=True)
class BoardPillar:
    """One pillar's benchmarks by status (`counts` has every STATUS_ORDER code)."""

    pillar: str | None
    counts: dict[str, int]
    benchmarks: tuple[BoardBenchmark, ...]


@dataclass(frozen=True)
class Board:
    pillars: tuple[BoardPillar, ...]
    totals: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Move:
    """A benchmark assessed after `since`: its status then (the newest assessment on or
    before `since`, not_started without one) and now, with the assessments made since."""

    benchmark_id: str
    statement: str
    pillar: str | None
    before: str
    after: str
    assessments: tuple[AssessmentView, ...]

    @property
    def moved(self) -> bool:
        return self.before != self.after

    @property
    def direction(self) -> int:
        """+1 better, -1 worse, 0 same (by STATUS_ORDER; met is best)."""
        a, b = STATUS_ORDER.index(self.before), STATUS_ORDER.index(self.after)
        return (a > b) - (a < b)


# --- cleaning --------------------------------------------------------------------------------


def _number(name: str, value, *, required: bool = False) -> float | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise InvalidValue(field=name, reason="required")
        return None
    if isinstance(value, bool):
        raise InvalidValue(field=name, reason="not_a_number", value=str(value))
    try:
        number = float(str(value).strip().replace(",", ".")) if isinstance(value, str) \
            else float(value)
    except ValueError as exc:
        raise InvalidValue(field=name, reason="not_a_number", value=str(value)) from exc
    if number != number or number in (float("inf"), float("-inf")):
        raise InvalidValue(field=name, reason="not_a_number", value=str(value))
    return number


def _required_date(name: str, value) -> date:
    if isinstance(value, datetime):
        value = value.date()
    day = validation.optional_date(name, value)
    if day is None:
        raise InvalidValue(field=name, reason="required")
    return day


def _clean(table: str, fields: Sequence[str], changes: dict, session=None) -> dict:
    unknown = set(changes) - set(fields)
    if unknown:
        raise ValueError("not an editable field of %s: %s" % (table, ", ".join(sorted(unknown))))
    clean: dict = {}
    with validation.for_table(table):
        for name in fields:  # form order, so the first problem named is the top one
            if name not in changes:
                continue
            value = changes[name]
            if name in ("resolution", "name"):
                clean[name] = validation.required_text(name, value, max_length=300)
            elif name == "paragraph":
                clean[name] = validation.required_text(name, value, max_length=20)
            elif name in ("text", "statement"):
                clean[name] = validation.required_text(name, value, max_length=_LONG)
            elif name in ("summary", "responsible_parties", "data_source", "note"):
                clean[name] = validation.optional_text(name, value, max_length=_LONG)
            elif name in ("penholder", "pillar", "timeframe"):
                clean[name] = validation.optional_text(name, value, max_length=120)
            elif name == "unit":
                clean[name] = validation.optional_text(name, value, max_length=60)
            elif name in ("adopted_on", "expires_on"):
                clean[name] = validation.optional_date(name, value)
            elif name == "measured_on":
                clean[name] = _required_date(name, value)
            elif name == "priority":
                clean[name] = bool(value)
            elif name in ("baseline", "target"):
                clean[name] = _number(name, value)
            elif name == "value":
                clean[name] = _number(name, value, required=True)
            elif name == "direction":
                clean[name] = validation.vocabulary(name, value, IndicatorDirection)
            elif name == "classification":
                clean[name] = validation.vocabulary(name, value, Classification)
            elif name == "benchmark_id":
                if not value:
                    raise InvalidValue(field=name, reason="required")
                find_live(session, Benchmark, value)
                clean[name] = value
        adopted = clean.get("adopted_on")
        expires = clean.get("expires_on")
        if adopted is not None and expires is not None and expires <= adopted:
            raise InvalidValue(field="expires_on", reason="expiry_not_after_adoption",
                               value=expires.isoformat(),
                               other=adopted.isoformat())
    return clean


def find_live(session, model: type, record_id: str):
    try:
        return find_record(session, model, record_id)
    except RecordMissing:
        raise InvalidValue(field="id", reason="unknown_record", value=record_id) from None


def _default_classification(session) -> str:
    value = session.scalars(select(Mission.default_classification)).first()
    return value or Classification.UNCLASSIFIED.value


def _view(row) -> WriteView:
    return WriteView(id=row.id, revision=row.revision, deleted=row.deleted_at is not None)


def _update(uow: UnitOfWork, model: type, fields: Sequence[str], record_id: str,
            expected_revision: int | None, changes: dict) -> WriteView:
    row = find_record(uow.session, model, record_id)
    check_revision(row, expected_revision)
    clean = _clean(model.__tablename__, fields, changes, uow.session)
    if model is Mandate:  # the order of the dates is checked with the stored one too
        adopted = clean.get("adopted_on", row.adopted_on)
        expires = clean.get("expires_on", row.expires_on)
        if adopted is not None and expires is not None and expires <= adopted:
            raise InvalidValue(field="expires_on", reason="expiry_not_after_adoption",
                               table="mandates",
                               value=expires.isoformat(), other=adopted.isoformat())
    for name, value in clean.items():
        setattr(row, name, value)
    uow.session.flush()
    return _view(row)


def _set_deleted(uow: UnitOfWork, model: type, record_id: str, expected_revision: int | None,
                 deleted: bool) -> WriteView:
    row = find_record(uow.session, model, record_id, include_deleted=not deleted)
    check_revision(row, expected_revision)
    row.deleted_at = utcnow() if deleted else None
    uow.session.flush()
    return _view(row)


# --- mandates --------------------------------------------------------------------------------


def _mandate_view(m: Mandate) -> MandateView:
    return MandateView(id=m.id, revision=m.revision, resolution=m.resolution,
                       adopted_on=m.adopted_on, expires_on=m.expires_on, penholder=m.penholder,
                       summary=m.summary, classification=m.classification)


def list_mandates(handle: MissionHandle) -> list[MandateView]:
    """Every live mandate, the latest adopted first (undated ones last)."""
    with handle.session() as session:
        rows = session.scalars(select(Mandate).order_by(
            Mandate.adopted_on.is_(None), Mandate.adopted_on.desc(), Mandate.created_at.desc()))
        return [_mandate_view(m) for m in rows]


def current_mandate(mandates: Sequence[MandateView], chosen: str | None = None
                    ) -> MandateView | None:
    """The chosen mandate if it is still there, else the latest adopted one."""
    for m in mandates:
        if m.id == chosen:
            return m
    return mandates[0] if mandates else None


def get_mandate(handle: MissionHandle, mandate_id: str) -> MandateView:
    with handle.session() as session:
        return _mandate_view(find_record(session, Mandate, mandate_id))


def create_mandate(uow: UnitOfWork, **fields) -> WriteView:
    """Add a mandate (the resolution symbol is required)."""
    clean = _clean("mandates", MANDATE_FIELDS, fields)
    if "resolution" not in clean:
        raise InvalidValue(field="resolution", reason="required", table="mandates")
    clean.setdefault("classification", _default_classification(uow.session))
    row = Mandate(**clean)
    uow.add(row)
    uow.session.flush()
    return _view(row)


def update_mandate(uow: UnitOfWork, mandate_id: str, *, expected_revision: int | None,
                   **changes) -> WriteView:
    return _update(uow, Mandate, MANDATE_FIELDS, mandate_id, expected_revision, changes)


def delete_mandate(uow: UnitOfWork, mandate_id: str, *, expected_revision: int | None
                   ) -> WriteView:
    """Tombstone a mandate (its tasks and benchmarks stay, hidden with it)."""
    return _set_deleted(uow, Mandate, mandate_id, expected_revision, True)


def restore_mandate(uow: UnitOfWork, mandate_id: str, *, expected_revision: int | None
                    ) -> WriteView:
    return _set_deleted(uow, Mandate, mandate_id, expected_revision, False)


# --- tasks -----------------------------------------------------------------------------------

_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5, "vi": 6, "vii": 7, "viii": 8, "ix": 9,
          "x": 10, "xi": 11, "xii": 12, "xiii": 13, "xiv": 14, "xv": 15, "xvi": 16,
          "xvii": 17, "xviii": 18, "xix": 19, "xx": 20}


def paragraph_key(reference: str) -> tuple:
    """Order of paragraph references: preambular before operative, then "OP 9" < "OP 28(a)"
    < "OP 28(a)(ii)" < "OP 28(b)"; the third level is roman, so (ix) comes before (x)."""
    text = reference.strip().lower()
    preamble = text.startswith("pp")
    if text[:2] in ("op", "pp"):
        text = text[2:]
    key: list[tuple[int, int, str]] = [(0, 0 if preamble else 1, "")]
    for level, token in enumerate(re.findall(r"\d+|[a-z]+", text)):
        if token.isdigit():
            key.append((0, int(token), ""))
        elif level >= 2 and token in _ROMAN:
            key.append((0, _ROMAN[token], ""))
        else:
            key.append((1, 0, token))
    return tuple(key)


def _task_row(t: MandateTask, benchmark_ids: Iterable[str] = (),
              links: dict[str, dict[str, list[str]]] | None = None) -> TaskRow:
    direct = {kind: tuple((links or {}).get(kind, {}).get(t.id, ())) for kind in TASK_LINKS}
    return TaskRow(id=t.id, revision=t.revision, mandate_id=t.mandate_id, paragraph=t.paragraph,
                   text=t.text, pillar=t.pillar, priority=bool(t.priority),
                   classification=t.classification, benchmark_ids=tuple(benchmark_ids),
                   **direct)


def _direct_links(session, where) -> dict[str, dict[str, list[str]]]:
    """For each kind of direct link, task id -> the live linked records' ids (a link to a
    deleted record left out: the join hides tombstoned rows)."""
    found: dict[str, dict[str, list[str]]] = {}
    for kind, (link, column, target) in TASK_LINKS.items():
        other = getattr(link, column)
        rows = session.execute(
            select(link.task_id, other).join(target, target.id == other)
            .join(MandateTask, MandateTask.id == link.task_id).where(*where)
            .order_by(link.created_at, link.id))
        per_task = found.setdefault(kind, {})
        for task_id, record_id in rows:
            per_task.setdefault(task_id, []).append(record_id)
    return found


def _links_by(session, key, value, where) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    rows = session.execute(
        select(key, value).join(Benchmark, Benchmark.id == BenchmarkTask.benchmark_id)
        .join(MandateTask, MandateTask.id == BenchmarkTask.task_id).where(*where)
        .order_by(Benchmark.sort_order, MandateTask.paragraph))
    for k, v in rows:
        found.setdefault(k, []).append(v)
    return found


def list_tasks(handle: MissionHandle, mandate_id: str) -> list[TaskRow]:
    """The mandate's live tasks in paragraph order, each with its linked benchmarks."""
    with handle.session() as session:
        tasks = session.scalars(select(MandateTask).where(MandateTask.mandate_id == mandate_id))
        links = _links_by(session, BenchmarkTask.task_id, BenchmarkTask.benchmark_id,
                          [MandateTask.mandate_id == mandate_id])
        direct = _direct_links(session, [MandateTask.mandate_id == mandate_id])
        rows = [_task_row(t, links.get(t.id, ()), direct) for t in tasks]
    return sorted(rows, key=lambda r: paragraph_key(r.paragraph))


def get_task(handle: MissionHandle, task_id: str) -> TaskDetail:
    """A task with its benchmarks and the engagements linked to them, and the stakeholders,
    engagements and commitments linked to the task itself."""
    with handle.session() as session:
        task = find_record(session, MandateTask, task_id)
        benchmarks = session.execute(
            select(Benchmark.id, Benchmark.statement, Benchmark.status)
            .join(BenchmarkTask, BenchmarkTask.benchmark_id == Benchmark.id)
            .where(BenchmarkTask.task_id == task_id).order_by(Benchmark.sort_order)).all()
        ids = [b[0] for b in benchmarks]
        engagements = session.execute(
            select(Engagement.id, Engagement.starts_at, Engagement.title).distinct()
            .join(EngagementBenchmark, EngagementBenchmark.engagement_id == Engagement.id)
            .where(EngagementBenchmark.benchmark_id.in_(ids))
            .order_by(Engagement.starts_at.desc()).limit(20)).all() if ids else []
        direct = _direct_links(session, [MandateTask.id == task_id])
        row = _task_row(task, ids, direct)
        people = {s.id: s.name for s in session.execute(
            select(Stakeholder.id, Stakeholder.name).where(
                Stakeholder.id.in_(row.stakeholder_ids)))}
        met = session.execute(
            select(Engagement.id, Engagement.starts_at, Engagement.title)
            .where(Engagement.id.in_(row.engagement_ids))
            .order_by(Engagement.starts_at.desc())).all()
        promised = session.execute(
            select(Commitment.id, Commitment.text, Commitment.status, Commitment.due_date)
            .where(Commitment.id.in_(row.commitment_ids))
            .order_by(Commitment.due_date.is_(None), Commitment.due_date)).all()
        return TaskDetail(
            task=row,
            benchmarks=tuple(LinkedBenchmark(*b) for b in benchmarks),
            engagements=tuple(LinkedEngagement(*e) for e in engagements),
            stakeholders=tuple(sorted((LinkedStakeholder(i, people[i]) for i in people),
                                      key=lambda s: s.name.casefold())),
            task_engagements=tuple(LinkedEngagement(*e) for e in met),
            commitments=tuple(LinkedCommitment(*c) for c in promised))


def tasks_linked_to(handle: MissionHandle, kind: str, record_id: str) -> list[LinkedTask]:
    """The live mandate tasks linked directly to a stakeholder, an engagement or a commitment
    (`kind` a key of TASK_LINKS), in paragraph order."""
    link, column, _target = TASK_LINKS[kind]
    with handle.session() as session:
        rows = session.execute(
            select(MandateTask.id, MandateTask.paragraph, Mandate.resolution)
            .join(link, link.task_id == MandateTask.id)
            .join(Mandate, Mandate.id == MandateTask.mandate_id)
            .where(getattr(link, column) == record_id)).all()
    tasks = [LinkedTask(*r) for r in rows]
    return sorted(tasks, key=lambda t: (t.resolution, paragraph_key(t.paragraph)))


def _check_paragraph_free(session, mandate_id: str, paragraph: str,
                          task_id: str | None = None) -> None:
    """One task per paragraph in a mandate: "OP 28(a)", "op 28 (a)" and "28(a)" are one."""
    wanted = paragraph_key(paragraph)
    query = select(MandateTask.paragraph).where(MandateTask.mandate_id == mandate_id)
    if task_id is not None:
        query = query.where(MandateTask.id != task_id)
    if any(paragraph_key(other) == wanted for other in session.scalars(query)):
        raise InvalidValue(field="paragraph", reason="duplicate", value=paragraph,
                           table="mandate_tasks")


def create_task(uow: UnitOfWork, mandate_id: str, **fields) -> WriteView:
    """Add a task to a mandate; a paragraph reference is unique within its mandate."""
    mandate = find_live(uow.session, Mandate, mandate_id)
    clean = _clean("mandate_tasks", TASK_FIELDS, fields)
    for name in ("paragraph", "text"):
        if name not in clean:
            raise InvalidValue(field=name, reason="required", table="mandate_tasks")
    _check_paragraph_free(uow.session, mandate_id, clean["paragraph"])
    clean.setdefault("classification", mandate.classification)
    row = MandateTask(mandate_id=mandate_id, **clean)
    uow.add(row)
    uow.session.flush()
    return _view(row)


def create_tasks(uow: UnitOfWork, mandate_id: str, tasks: Sequence[dict]) -> list[WriteView]:
    """Add several tasks in one unit (a pasted resolution): all or none."""
    views = []
    for fields in tasks:
        views.append(create_task(uow, mandate_id, **fields))
    return views


def update_task(uow: UnitOfWork, task_id: str, *, expected_revision: int | None,
                **changes) -> WriteView:
    if "paragraph" in changes and changes["paragraph"]:
        row = find_record(uow.session, MandateTask, task_id)
        _check_paragraph_free(uow.session, row.mandate_id, str(changes["paragraph"]).strip(),
                              task_id)
    return _update(uow, MandateTask, TASK_FIELDS, task_id, expected_revision, changes)


#: Every table linking a task to another record: tombstoned and restored with the task.
_TASK_LINK_MODELS = (BenchmarkTask,) + tuple(link for link, _c, _t in TASK_LINKS.values())


def delete_task(uow: UnitOfWork, task_id: str, *, expected_revision: int | None) -> WriteView:
    """Tombstone a task and its links (restored with it)."""
    view = _set_deleted(uow, MandateTask, task_id, expected_revision, True)
    row = find_record(uow.session, MandateTask, task_id, include_deleted=True)
    for model in _TASK_LINK_MODELS:
        for link in uow.session.scalars(select(model).where(model.task_id == task_id)):
            link.deleted_at = row.deleted_at
    uow.session.flush()
    return view


def restore_task(uow: UnitOfWork, task_id: str, *, expected_revision: int | None) -> WriteView:
    row = find_record(uow.session, MandateTask, task_id, include_deleted=True)
    stamp = row.deleted_at
    _check_paragraph_free(uow.session, row.mandate_id, row.paragraph, task_id)
    view = _set_deleted(uow, MandateTask, task_id, expected_revision, False)
    for model in _TASK_LINK_MODELS:
        links = uow.session.scalars(select(model).where(model.task_id == task_id)
                                    .execution_options(include_deleted=True))
        for link in links:
            if stamp is not None and link.deleted_at == stamp:
                link.deleted_at = None
    uow.session.flush()
    return view


def set_task_benchmarks(uow: UnitOfWork, task_id: str, benchmark_ids: Sequence[str], *,
                        expected_revision: int | None) -> WriteView:
    """Link a task to exactly these benchmarks (links removed are tombstoned, links added
    back revive their old row). The task's revision moves, so an undo can be checked."""
    task = find_record(uow.session, MandateTask, task_id)
    check_revision(task, expected_revision)
    now = utcnow()
    _set_links(uow, task, BenchmarkTask, "benchmark_id", Benchmark, benchmark_ids, now)
    task.updated_at = now  # a link change is a change of the task: its revision moves
    uow.session.flush()
    return _view(task)


def _set_links(uow: UnitOfWork, task: MandateTask, link: type, column: str, target: type,
               ids: Sequence[str], now: datetime, keep: Sequence[str] = ()) -> None:
    """Make the task's live links in `link` exactly `ids` (each a live `target`) and `keep`
    (links left as they are): links removed are tombstoned, links added back revive their
    newest old row."""
    session = uow.session
    wanted = list(dict.fromkeys(ids))
    for record_id in wanted:
        find_live(session, target, record_id)
    wanted += [record_id for record_id in keep if record_id not in wanted]
    rows: dict[str, object] = {}
    for row in session.scalars(select(link).where(link.task_id == task.id)
                               .execution_options(include_deleted=True)
                               .order_by(link.deleted_at.is_not(None), link.updated_at.desc())):
        rows.setdefault(getattr(row, column), row)  # the live row first, else the newest
    for record_id, row in rows.items():
        if record_id not in wanted and row.deleted_at is None:
            row.deleted_at = now
        elif record_id in wanted and row.deleted_at is not None:
            row.deleted_at = None
    for record_id in wanted:
        if record_id not in rows:
            uow.add(link(task_id=task.id, classification=task.classification,
                         **{column: record_id}))


def set_task_links(uow: UnitOfWork, task_id: str, *, expected_revision: int | None,
                   **links: Sequence[str]) -> WriteView:
    """Link a task to exactly these stakeholders, engagements and commitments (keywords
    `stakeholder_ids`, `engagement_ids`, `commitment_ids`; a kind not given is left as it
    is). A link to a deleted record stays as it is (neither shown nor removed). The task's
    revision moves, so an undo can be checked."""
    unknown = set(links) - set(TASK_LINKS)
    if unknown:
        raise InvalidValue(field=sorted(unknown)[0], reason="unknown_field",
                           table="mandate_tasks")
    task = find_record(uow.session, MandateTask, task_id)
    check_revision(task, expected_revision)
    now = utcnow()
    for kind, ids in links.items():
        link, column, target = TASK_LINKS[kind]
        hidden = _links_to_deleted(uow.session, link, column, target, task_id)
        _set_links(uow, task, link, column, target, ids, now, keep=hidden)
    task.updated_at = now
    uow.session.flush()
    return _view(task)


def _links_to_deleted(session, link: type, column: str, target: type,
                      task_id: str) -> list[str]:
    """Ids of live links whose record is deleted: kept, so restoring the record shows them."""
    other = getattr(link, column)
    return list(session.scalars(
        select(other).join(target, target.id == other)
        .where(link.task_id == task_id, link.deleted_at.is_(None),
               target.deleted_at.is_not(None))
        .execution_options(include_deleted=True)))


# --- benchmarks and their assessments ---------------------------------------------------------


def list_benchmarks(handle: MissionHandle, mandate_id: str | None) -> list[BenchmarkRow]:
    """The mandate's live benchmarks in their order (None: those of no mandate), with the
    date of the newest assessment, their indicators counted and their linked tasks."""
    with handle.session() as session:
        where = [Benchmark.mandate_id.is_(None) if mandate_id is None
                 else Benchmark.mandate_id == mandate_id]
        benchmarks = session.scalars(select(Benchmark).where(*where)
                                     .order_by(Benchmark.sort_order, Benchmark.created_at)).all()
        ids = [b.id for b in benchmarks]
        last = dict(session.execute(
            select(BenchmarkAssessment.benchmark_id, func.max(BenchmarkAssessment.assessed_on))
            .where(BenchmarkAssessment.benchmark_id.in_(ids))
            .group_by(BenchmarkAssessment.benchmark_id)).all()) if ids else {}
        counts = dict(session.execute(
            select(Indicator.benchmark_id, func.count(Indicator.id))
            .where(Indicator.benchmark_id.in_(ids)).group_by(Indicator.benchmark_id)).all()
        ) if ids else {}
        tasks = _links_by(session, BenchmarkTask.benchmark_id, BenchmarkTask.task_id,
                          [Benchmark.id.in_(ids)]) if ids else {}
        return [BenchmarkRow(id=b.id, revision=b.revision, mandate_id=b.mandate_id,
                             statement=b.statement, pillar=b.pillar,
                             responsible_parties=b.responsible_parties, status=b.status,
                             classification=b.classification, last_assessed_on=last.get(b.id),
                             indicator_count=counts.get(b.id, 0),
                             task_ids=tuple(tasks.get(b.id, ())), timeframe=b.timeframe)
                for b in benchmarks]


def _assessment_view(a: BenchmarkAssessment, benchmark_revision: int = 0) -> AssessmentView:
    return AssessmentView(id=a.id, revision=a.revision, benchmark_id=a.benchmark_id,
                          assessed_on=a.assessed_on, assessed_by=a.assessed_by, status=a.status,
                          note=a.note, benchmark_revision=benchmark_revision)


def _assessments_query(benchmark_ids: Sequence[str]):
    return (select(BenchmarkAssessment)
            .where(BenchmarkAssessment.benchmark_id.in_(list(benchmark_ids)))
            .order_by(BenchmarkAssessment.assessed_on.desc(),
                      BenchmarkAssessment.created_at.desc()))


def assessments(handle: MissionHandle, benchmark_id: str) -> list[AssessmentView]:
    """A benchmark's assessments, newest first: how the condition evolved."""
    with handle.session() as session:
        return [_assessment_view(a) for a in session.scalars(_assessments_query([benchmark_id]))]


def create_benchmark(uow: UnitOfWork, mandate_id: str | None, **fields) -> WriteView:
    """Add a benchmark (a condition statement) at the end of the mandate's list; it starts
    not started, until a first assessment."""
    session = uow.session
    if mandate_id is not None:
        find_live(session, Mandate, mandate_id)
    clean = _clean("benchmarks", BENCHMARK_FIELDS, fields)
    if "statement" not in clean:
        raise InvalidValue(field="statement", reason="required", table="benchmarks")
    clean.setdefault("classification", _default_classification(session))
    last = session.scalar(select(func.max(Benchmark.sort_order))
                          .where(Benchmark.mandate_id == mandate_id))
    row = Benchmark(mandate_id=mandate_id, status=BenchmarkStatus.NOT_STARTED.value,
                    sort_order=(last or 0) + 1, **clean)
    uow.add(row)
    session.flush()
    return _view(row)


def update_benchmark(uow: UnitOfWork, benchmark_id: str, *, expected_revision: int | None,
                     **changes) -> WriteView:
    """Change a benchmark's condition, pillar, responsible parties or classification (the
    status changes only by recording an assessment)."""
    return _update(uow, Benchmark, BENCHMARK_FIELDS, benchmark_id, expected_revision, changes)


def delete_benchmark(uow: UnitOfWork, benchmark_id: str, *, expected_revision: int | None
                     ) -> WriteView:
    """Tombstone a benchmark (its assessments, indicators and links stay, hidden with it)."""
    return _set_deleted(uow, Benchmark, benchmark_id, expected_revision, True)


def restore_benchmark(uow: UnitOfWork, benchmark_id: str, *, expected_revision: int | None
                      ) -> WriteView:
    return _set_deleted(uow, Benchmark, benchmark_id, expected_revision, False)


def _refresh_status(session, benchmark: Benchmark) -> None:
    newest = session.scalars(_assessments_query([benchmark.id])).first()
    benchmark.status = newest.status if newest is not None else \
        BenchmarkStatus.NOT_STARTED.value


def record_assessment(uow: UnitOfWork, benchmark_id: str, *, expected_revision: int | None,
                      assessed_on, status: str, note: str | None = None) -> AssessmentView:
    """Add a dated assessment of a benchmark (status and narrative, assessed by the user).

    The benchmark's status becomes that of its newest assessment, so one dated before the
    newest adds history without changing the status. The view carries the benchmark's new
    revision (`benchmark_revision`)."""
    session = uow.session
    benchmark = find_record(session, Benchmark, benchmark_id)
    check_revision(benchmark, expected_revision)
    with validation.for_table("benchmark_assessments"):
        assessed_on = _required_date("assessed_on", assessed_on)
        status = validation.vocabulary("status", status, BenchmarkStatus)
        note = validation.optional_text("note", note, max_length=_LONG)
    assessment = BenchmarkAssessment(benchmark_id=benchmark.id, assessed_on=assessed_on,
                                     assessed_by=uow.handle.user_name, status=status, note=note,
                                     classification=benchmark.classification)
    uow.add(assessment)
    session.flush()
    _refresh_status(session, benchmark)
    benchmark.updated_at = utcnow()  # a new assessment moves the benchmark's revision
    session.flush()
    return _assessment_view(assessment, benchmark.revision)


def _assessment_row(session, assessment_id: str) -> BenchmarkAssessment:
    return find_record(session, BenchmarkAssessment, assessment_id, include_deleted=True)


def _set_assessment(uow: UnitOfWork, assessment_id: str, expected_revision: int | None,
                    deleted: bool) -> WriteView:
    session = uow.session
    assessment = _assessment_row(session, assessment_id)
    if (assessment.deleted_at is not None) == deleted:
        raise RecordMissing(table="benchmark_assessments", record_id=assessment_id)
    benchmark = find_record(session, Benchmark, assessment.benchmark_id)
    check_revision(benchmark, expected_revision)
    assessment.deleted_at = utcnow() if deleted else None
    session.flush()
    _refresh_status(session, benchmark)
    benchmark.updated_at = utcnow()
    session.flush()
    return _view(benchmark)


def withdraw_assessment(uow: UnitOfWork, assessment_id: str, *,
                        expected_revision: int | None) -> WriteView:
    """Tombstone an assessment (the undo of recording it); the status follows the newest left.
    `expected_revision` is the benchmark's; the view is the benchmark's."""
    return _set_assessment(uow, assessment_id, expected_revision, True)


def restore_assessment(uow: UnitOfWork, assessment_id: str, *,
                       expected_revision: int | None) -> WriteView:
    """Bring a withdrawn assessment back (redo); the status follows the newest again."""
    return _set_assessment(uow, assessment_id, expected_revision, False)


# --- indicators and measurements ------------------------------------------------------------


def list_indicators(handle: MissionHandle, mandate_id: str | None) -> list[IndicatorRow]:
    """The indicators of the mandate's benchmarks, in benchmark order, with their latest
    measurement."""
    with handle.session() as session:
        where = [Benchmark.mandate_id.is_(None) if mandate_id is None
                 else Benchmark.mandate_id == mandate_id]
        rows = session.execute(
            select(Indicator, Benchmark.statement)
            .join(Benchmark, Benchmark.id == Indicator.benchmark_id).where(*where)
            .order_by(Benchmark.sort_order, Indicator.name)).all()
        ids = [i.id for i, _ in rows]
        latest: dict[str, tuple[date, float]] = {}
        counts: dict[str, int] = {}
        if ids:
            for mid, on, value in session.execute(
                    select(Measurement.indicator_id, Measurement.measured_on, Measurement.value)
                    .where(Measurement.indicator_id.in_(ids))
                    .order_by(Measurement.measured_on, Measurement.created_at)):
                latest[mid] = (on, value)
                counts[mid] = counts.get(mid, 0) + 1
        result = []
        for i, statement in rows:
            on, value = latest.get(i.id, (None, None))
            result.append(IndicatorRow(
                id=i.id, revision=i.revision, benchmark_id=i.benchmark_id,
                benchmark_statement=statement, name=i.name, baseline=i.baseline,
                target=i.target, direction=i.direction, unit=i.unit,
                data_source=i.data_source, classification=i.classification,
                latest_value=value, latest_on=on, measurement_count=counts.get(i.id, 0)))
        return result


def create_indicator(uow: UnitOfWork, **fields) -> WriteView:
    """Add an indicator to a benchmark (benchmark and name required; direction defaults to
    increase, the classification to the benchmark's)."""
    session = uow.session
    clean = _clean("indicators", INDICATOR_FIELDS, fields, session)
    for name in ("benchmark_id", "name"):
        if name not in clean:
            raise InvalidValue(field=name, reason="required", table="indicators")
    benchmark = find_live(session, Benchmark, clean["benchmark_id"])
    clean.setdefault("direction", IndicatorDirection.INCREASE.value)
    clean.setdefault("classification", benchmark.classification)
    row = Indicator(**clean)
    uow.add(row)
    session.flush()
    return _view(row)


def update_indicator(uow: UnitOfWork, indicator_id: str, *, expected_revision: int | None,
                     **changes) -> WriteView:
    return _update(uow, Indicator, INDICATOR_FIELDS, indicator_id, expected_revision, changes)


def delete_indicator(uow: UnitOfWork, indicator_id: str, *, expected_revision: int | None
                     ) -> WriteView:
    """Tombstone an indicator (its measurements stay, hidden with it)."""
    return _set_deleted(uow, Indicator, indicator_id, expected_revision, True)


def restore_indicator(uow: UnitOfWork, indicator_id: str, *, expected_revision: int | None
                      ) -> WriteView:
    return _set_deleted(uow, Indicator, indicator_id, expected_revision, False)


def _measurement_row(m: Measurement) -> MeasurementRow:
    return MeasurementRow(id=m.id, revision=m.revision, indicator_id=m.indicator_id,
                          measured_on=m.measured_on, value=m.value, note=m.note)


def list_measurements(handle: MissionHandle, indicator_id: str) -> list[MeasurementRow]:
    """An indicator's measurements, oldest first."""
    with handle.session() as session:
        rows = session.scalars(select(Measurement).where(Measurement.indicator_id == indicator_id)
                               .order_by(Measurement.measured_on, Measurement.created_at))
        return [_measurement_row(m) for m in rows]


def indicator_series(handle: MissionHandle, indicator_id: str) -> IndicatorSeries:
    """What the trend chart draws for an indicator."""
    with handle.session() as session:
        i = find_record(session, Indicator, indicator_id)
        points = session.execute(
            select(Measurement.measured_on, Measurement.value)
            .where(Measurement.indicator_id == indicator_id)
            .order_by(Measurement.measured_on, Measurement.created_at)).all()
        return IndicatorSeries(name=i.name, unit=i.unit, baseline=i.baseline, target=i.target,
                               direction=i.direction, points=tuple((d, v) for d, v in points))


def add_measurement(uow: UnitOfWork, indicator_id: str, **fields) -> WriteView:
    """Add a dated value to an indicator (date and value required)."""
    indicator = find_live(uow.session, Indicator, indicator_id)
    clean = _clean("measurements", MEASUREMENT_FIELDS, fields)
    for name in ("measured_on", "value"):
        if name not in clean:
            raise InvalidValue(field=name, reason="required", table="measurements")
    row = Measurement(indicator_id=indicator_id, classification=indicator.classification,
                      **clean)
    uow.add(row)
    uow.session.flush()
    return _view(row)


def update_measurement(uow: UnitOfWork, measurement_id: str, *, expected_revision: int | None,
                       **changes) -> WriteView:
    return _update(uow, Measurement, MEASUREMENT_FIELDS, measurement_id, expected_revision,
                   changes)


def delete_measurement(uow: UnitOfWork, measurement_id: str, *, expected_revision: int | None
                       ) -> WriteView:
    return _set_deleted(uow, Measurement, measurement_id, expected_revision, True)


def restore_measurement(uow: UnitOfWork, measurement_id: str, *, expected_revision: int | None
                        ) -> WriteView:
    return _set_deleted(uow, Measurement, measurement_id, expected_revision, False)


# --- the status board ---------------------------------------------------------------------------


def board(handle: MissionHandle, mandate_id: str | None) -> Board:
    """The mandate's benchmarks by pillar and status (pillars in the order their first
    benchmark comes; benchmarks without a pillar last)."""
    rows = list_benchmarks(handle, mandate_id)
    pillars: dict[str | None, list[BenchmarkRow]] = {}
    for row in rows:
        pillars.setdefault(row.pillar, []).append(row)
    ordered = sorted(pillars, key=lambda p: p is None)
    totals = dict.fromkeys(STATUS_ORDER, 0)
    result = []
    for pillar in ordered:
        counts = dict.fromkeys(STATUS_ORDER, 0)
        for row in pillars[pillar]:
            counts[_status_code(row.status)] += 1
            totals[_status_code(row.status)] += 1
        result.append(BoardPillar(
            pillar=pillar, counts=counts,
            benchmarks=tuple(BoardBenchmark(r.id, r.statement, _status_code(r.status),
                                            r.last_assessed_on) for r in pillars[pillar])))
    return Board(pillars=tuple(result), totals=totals)


def _status_code(status: str | None) -> str:
    return status if status in STATUS_ORDER else BenchmarkStatus.NOT_STARTED.value


def last_sg_report(handle: MissionHandle, today: date, mandate_id: str | None = None
                   ) -> date | None:
    """The date of the last SG report due on or before `today` (of this mandate's cycle, or
    of no mandate), None when there is none yet."""
    with handle.session() as session:
        query = select(func.max(CycleEvent.due_on)).where(CycleEvent.kind == SG_REPORT,
                                                          CycleEvent.due_on <= today)
        if mandate_id is not None:
            query = query.where((CycleEvent.mandate_id == mandate_id)
                                | CycleEvent.mandate_id.is_(None))
        return session.scalar(query)


def moves_since(handle: MissionHandle, mandate_id: str | None, since: date) -> list[Move]:
    """The mandate's benchmarks assessed after `since`: from what status to what, with the
    assessments made since (newest first). Moved ones first (worse before better), then
    those reassessed without a change, each group in the benchmarks' order."""
    benchmarks = list_benchmarks(handle, mandate_id)
    if not benchmarks:
        return []
    with handle.session() as session:
        history: dict[str, list[BenchmarkAssessment]] = {}
        for a in session.scalars(_assessments_query([b.id for b in benchmarks])):
            history.setdefault(a.benchmark_id, []).append(a)  # newest first
        moves = []
        for b in benchmarks:
            items = history.get(b.id, [])
            after = [a for a in items if a.assessed_on > since]
            if not after:
                continue
            earlier = next((a for a in items if a.assessed_on <= since), None)
            moves.append(Move(
                benchmark_id=b.id, statement=b.statement, pillar=b.pillar,
                before=_status_code(earlier.status if earlier else None),
                after=_status_code(items[0].status),
                assessments=tuple(_assessment_view(a) for a in after)))
    order = {b.id: i for i, b in enumerate(benchmarks)}
    return sorted(moves, key=lambda m: (not m.moved, m.direction, order[m.benchmark_id]))


def mandate_of(handle: MissionHandle, record_id: str) -> str | None:
    """The mandate a task, benchmark, assessment, indicator or measurement belongs to (None:
    not one of them, or a benchmark of no mandate)."""
    with handle.session() as session:
        for query in (
            select(MandateTask.mandate_id).where(MandateTask.id == record_id),
            select(Benchmark.mandate_id).where(Benchmark.id == record_id),
            select(Benchmark.mandate_id).join(
                BenchmarkAssessment, BenchmarkAssessment.benchmark_id == Benchmark.id)
            .where(BenchmarkAssessment.id == record_id),
            select(Benchmark.mandate_id).join(Indicator, Indicator.benchmark_id == Benchmark.id)
            .where(Indicator.id == record_id),
            select(Benchmark.mandate_id).join(Indicator, Indicator.benchmark_id == Benchmark.id)
            .join(Measurement, Measurement.indicator_id == Indicator.id)
            .where(Measurement.id == record_id),
        ):
            found = session.execute(query).first()
            if found is not None:
                return found[0]
    return None


def benchmark_of_assessment(handle: MissionHandle, assessment_id: str) -> str | None:
    """The benchmark an assessment belongs to (None: not an assessment)."""
    with handle.session() as session:
        return session.scalar(select(BenchmarkAssessment.benchmark_id)
                              .where(BenchmarkAssessment.id == assessment_id))


def indicator_of_measurement(handle: MissionHandle, measurement_id: str) -> str | None:
    """The indicator a measurement belongs to (None: not a measurement)."""
    with handle.session() as session:
        return session.scalar(select(Measurement.indicator_id)
                              .where(Measurement.id == measurement_id))
