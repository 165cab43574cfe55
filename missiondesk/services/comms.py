"""The strategic communications plan: objectives, audiences and key messages.

- A communications objective serves a strategy objective, and a mandate task or a benchmark
  (`objective_id`, `mandate_task_id`, `benchmark_id`, each optional).
- An audience has a V7 code and the stakeholders it contains (`stakeholder_ids`, kept as
  `audience_stakeholders` links: a removed link is tombstoned and revives when added back).
- A key message has its text per language (`texts`, {"en": ..., "fr": ...}: a blank text
  removes that language; at least one text), a kind (`core`, or an expectation line: what the
  mission `can_do` / `cannot_do`), an approval (`approved`, by whom and when: approving needs
  the approver) and a validity (`valid_from` to `valid_until`). A change of a text counts as a
  change of the message (its revision moves), so an undo over a colleague's new wording is
  refused.
- The plan's lines (audience x message x channel x messenger x timing) are `services.comms_plan`.

Deleting an audience or a message tombstones its links and plan lines with it; restoring brings
back what that delete removed. No Qt here, and no user-visible text: rows carry codes,
refusals are typed errors (`InvalidValue(field=, reason=, table=)`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from missiondesk.services import validation
from missiondesk.services.records import load_record
from missiondesk.store.errors import InvalidValue
from missiondesk.store.handle import MissionHandle, UnitOfWork, utcnow
from missiondesk.store.schema import (
    Audience,
    AudienceStakeholder,
    Benchmark,
    CommsObjective,
    CommsPlanRow,
    KeyMessage,
    KeyMessageText,
    MandateTask,
    Mission,
    Stakeholder,
    StrategyObjective,
)
from missiondesk.store.vocab import AudienceCode, Classification, MessageKind

OBJECTIVE_FIELDS = ("title", "description", "internal", "objective_id", "mandate_task_id",
                    "benchmark_id", "classification")
AUDIENCE_FIELDS = ("code", "name", "description", "stakeholder_ids", "classification")
MESSAGE_FIELDS = ("objective_id", "audience_id", "kind", "approved", "approved_by",
                  "approved_on", "valid_from", "valid_until", "texts", "classification")
#: The languages a message is written in first (then any other, by code).
LANGUAGES = ("en", "fr")
_LANGUAGE = re.compile(r"^[a-z]{2,3}(-[a-z0-9]{2,4})?$")
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
    for name, value in clean.items():
        if getattr(row, name) != value:
            setattr(row, name, value)


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
    try:
        for name, value in changes.items():
            if name == "title":
                clean[name] = validation.required_text(name, value, max_length=300)
            elif name == "description":
                clean[name] = validation.optional_text(name, value, max_length=_LONG)
            elif name == "internal":
                clean[name] = bool(value)
            elif name == "classification":
                clean[name] = validation.vocabulary(name, value, Classification)
    except InvalidValue as exc:
        exc.params.setdefault("table", t)
        raise
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
    row = load_record(uow, CommsObjective, objective_id, expected_revision)
    row.deleted_at = utcnow()
    uow.session.flush()
    return _saved(row)


def restore_objective(uow: UnitOfWork, objective_id: str, *, expected_revision: int | None
                      ) -> Saved:
    row = load_record(uow, CommsObjective, objective_id, expected_revision, include_deleted=True)
    row.deleted_at = None
    uow.session.flush()
    return _saved(row)


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
    try:
        for name, value in changes.items():
            if name == "code":
                clean[name] = validation.vocabulary(name, value, AudienceCode)
            elif name == "name":
                clean[name] = validation.required_text(name, value, max_length=200)
            elif name == "description":
                clean[name] = validation.optional_text(name, value, max_length=_LONG)
            elif name == "classification":
                clean[name] = validation.vocabulary(name, value, Classification)
    except InvalidValue as exc:
        exc.params.setdefault("table", t)
        raise
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
    row = load_record(uow, Audience, audience_id, expected_revision)
    now = utcnow()
    _tombstone(_members(uow.session, row.id), now)
    _tombstone(uow.session.scalars(select(CommsPlanRow).where(
        CommsPlanRow.audience_id == row.id)), now)
    row.deleted_at = now
    uow.session.flush()
    return _saved(row)


def restore_audience(uow: UnitOfWork, audience_id: str, *, expected_revision: int | None
                     ) -> Saved:
    row = load_record(uow, Audience, audience_id, expected_revision, include_deleted=True)
    stamp = row.deleted_at
    _revive(_members(uow.session, row.id), stamp)
    _revive(uow.session.scalars(_with_deleted(select(CommsPlanRow).where(
        CommsPlanRow.audience_id == row.id))), stamp)
    row.deleted_at = None
    uow.session.flush()
    return _saved(row)


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


# --- key messages --------------------------------------------------------------------------


@dataclass(frozen=True)
class MessageRow:
    id: str
    revision: int
    objective_id: str | None
    objective_title: str | None
    audience_id: str | None
    audience_name: str | None
    kind: str
    approved: bool
    approved_by: str | None
    approved_on: date | None
    valid_from: date | None
    valid_until: date | None
    classification: str
    texts: tuple[tuple[str, str], ...]  # (language, text), English and French first

    def text(self, language: str) -> str:
        return dict(self.texts).get(language, "")

    def first_text(self) -> str:
        return self.texts[0][1] if self.texts else ""

    def valid_on(self, day: date) -> bool:
        return ((self.valid_from is None or self.valid_from <= day)
                and (self.valid_until is None or day <= self.valid_until))

    def values(self) -> dict:
        """The fields a form edits; `texts` names English and French even when blank (None),
        so an undo of a first French text removes it."""
        values = {name: getattr(self, name) for name in MESSAGE_FIELDS if name != "texts"}
        values["texts"] = {**dict.fromkeys(LANGUAGES), **dict(self.texts)}
        return values


def _language_order(language: str) -> tuple:
    return (LANGUAGES.index(language) if language in LANGUAGES else len(LANGUAGES), language)


def _clean_texts(value) -> dict[str, str | None]:
    if not isinstance(value, dict):
        raise _refuse("key_messages", "texts", "not_a_list")
    clean: dict[str, str | None] = {}
    for language, text in value.items():
        language = str(language).strip().lower()
        if not _LANGUAGE.match(language):
            raise _refuse("key_messages", "language", "not_a_language", value=language)
        try:
            clean[language] = validation.optional_text("texts", text, max_length=_LONG)
        except InvalidValue as exc:
            exc.params.update(table="key_messages", language=language)
            raise
    return clean


def _clean_message(session, changes: dict) -> dict:
    unknown = set(changes) - set(MESSAGE_FIELDS)
    if unknown:
        raise ValueError("not a key message field: %s" % ", ".join(sorted(unknown)))
    t = "key_messages"
    clean: dict = {}
    try:
        for name, value in changes.items():
            if name == "kind":
                clean[name] = validation.vocabulary(name, value, MessageKind)
            elif name == "approved":
                clean[name] = bool(value)
            elif name == "approved_by":
                clean[name] = validation.optional_text(name, value, max_length=200)
            elif name in ("approved_on", "valid_from", "valid_until"):
                clean[name] = validation.optional_date(name, value)
            elif name == "classification":
                clean[name] = validation.vocabulary(name, value, Classification)
    except InvalidValue as exc:
        exc.params.setdefault("table", t)
        raise
    if "texts" in changes:
        clean["texts"] = _clean_texts(changes["texts"])
    if "objective_id" in changes:
        clean["objective_id"] = _exists(session, t, "objective_id", CommsObjective,
                                        changes["objective_id"])
    if "audience_id" in changes:
        clean["audience_id"] = _exists(session, t, "audience_id", Audience,
                                       changes["audience_id"])
    return clean


def _check_message(row: KeyMessage, clean: dict) -> None:
    """Approving names the approver; a validity ends on or after it starts."""
    after = {name: clean.get(name, getattr(row, name))
             for name in ("approved", "approved_by", "valid_from", "valid_until")}
    if clean.get("approved") and not row.approved and not after["approved_by"]:
        raise _refuse("key_messages", "approved_by", "required")
    if after["valid_from"] and after["valid_until"] and after["valid_until"] < after[
            "valid_from"]:
        raise _refuse("key_messages", "valid_until", "until_before_from")


def _text_rows(session, message_id: str) -> list[KeyMessageText]:
    return list(session.scalars(_with_deleted(select(KeyMessageText).where(
        KeyMessageText.key_message_id == message_id))))


def _set_texts(uow: UnitOfWork, row: KeyMessage, texts: dict[str, str | None]) -> None:
    """Write the languages given (a blank one is removed); the others stay."""
    existing = {t.language: t for t in _text_rows(uow.session, row.id)}
    changed = False
    for language, text in texts.items():
        current = existing.get(language)
        if text is None:
            if current is not None and current.deleted_at is None:
                current.deleted_at = utcnow()
                changed = True
        elif current is None:
            uow.add(KeyMessageText(key_message_id=row.id, language=language, text=text,
                                   classification=row.classification))
            changed = True
        elif current.deleted_at is not None or current.text != text:
            current.deleted_at = None
            current.text = text
            changed = True
    if changed:
        row.updated_at = utcnow()  # the message's revision moves with its words
    uow.session.flush()
    if not any(t.deleted_at is None for t in _text_rows(uow.session, row.id)):
        raise _refuse("key_messages", "texts", "required")


def create_message(uow: UnitOfWork, **fields) -> Saved:
    """Add a key message: `texts` ({"en": ..., "fr": ...}, at least one) and a `kind`
    (core by default)."""
    session = uow.session
    clean = _clean_message(session, fields)
    texts = clean.pop("texts", {})
    if not any(texts.values()):
        raise _refuse("key_messages", "texts", "required")
    clean.setdefault("classification", _default_classification(session))
    clean.setdefault("kind", MessageKind.CORE.value)
    row = KeyMessage(**{k: v for k, v in clean.items() if k != "approved"}, approved=False)
    _check_message(row, clean)
    row.approved = bool(clean.get("approved", False))
    uow.add(row)
    session.flush()
    _set_texts(uow, row, texts)
    return _saved(row)


def update_message(uow: UnitOfWork, message_id: str, *, expected_revision: int | None,
                   **changes) -> Saved:
    """Change a key message (revision checked); `texts` writes the languages it holds."""
    row = load_record(uow, KeyMessage, message_id, expected_revision)
    clean = _clean_message(uow.session, changes)
    texts = clean.pop("texts", None)
    _check_message(row, clean)
    _apply(row, clean)
    if texts is not None:
        _set_texts(uow, row, texts)
    uow.session.flush()
    return _saved(row)


def delete_message(uow: UnitOfWork, message_id: str, *, expected_revision: int | None
                   ) -> Saved:
    """Tombstone the message, its texts and the plan lines that carry it, one timestamp."""
    row = load_record(uow, KeyMessage, message_id, expected_revision)
    now = utcnow()
    _tombstone(_text_rows(uow.session, row.id), now)
    _tombstone(uow.session.scalars(select(CommsPlanRow).where(
        CommsPlanRow.key_message_id == row.id)), now)
    row.deleted_at = now
    uow.session.flush()
    return _saved(row)


def restore_message(uow: UnitOfWork, message_id: str, *, expected_revision: int | None
                    ) -> Saved:
    row = load_record(uow, KeyMessage, message_id, expected_revision, include_deleted=True)
    stamp = row.deleted_at
    _revive(_text_rows(uow.session, row.id), stamp)
    _revive(uow.session.scalars(_with_deleted(select(CommsPlanRow).where(
        CommsPlanRow.key_message_id == row.id))), stamp)
    row.deleted_at = None
    uow.session.flush()
    return _saved(row)


def message_texts(session, ids: Iterable[str] | None = None) -> dict[str, tuple]:
    """(language, text) pairs of live messages' texts, English and French first."""
    query = select(KeyMessageText.key_message_id, KeyMessageText.language, KeyMessageText.text)
    if ids is not None:
        query = query.where(KeyMessageText.key_message_id.in_(list(ids)))
    texts: dict[str, list] = {}
    for message_id, language, text in session.execute(query):
        texts.setdefault(message_id, []).append((language, text))
    return {k: tuple(sorted(v, key=lambda p: _language_order(p[0]))) for k, v in texts.items()}


def list_messages(handle: MissionHandle) -> list[MessageRow]:
    """Every live key message with its texts, objective and audience."""
    with handle.session() as session:
        texts = message_texts(session)
        objectives = dict(session.execute(select(CommsObjective.id, CommsObjective.title)).all())
        audiences = dict(session.execute(select(Audience.id, Audience.name)).all())
        rows = session.scalars(select(KeyMessage)).all()
        result = [MessageRow(
            id=r.id, revision=r.revision, objective_id=r.objective_id,
            objective_title=objectives.get(r.objective_id), audience_id=r.audience_id,
            audience_name=audiences.get(r.audience_id), kind=r.kind, approved=bool(r.approved),
            approved_by=r.approved_by, approved_on=r.approved_on, valid_from=r.valid_from,
            valid_until=r.valid_until, classification=r.classification,
            texts=texts.get(r.id, ())) for r in rows]
    kinds = [k.value for k in MessageKind]
    return sorted(result, key=lambda m: (m.objective_title or "\uffff",
                                         kinds.index(m.kind) if m.kind in kinds else 9,
                                         m.first_text().casefold()))
