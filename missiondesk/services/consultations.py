"""The consultations log: who the mission consulted on its mandate (Groups of Friends, the
pen-holder, other Council members, TCC/PCCs, the host government, regional organisations,
the Peacebuilding Commission, civil society), on which topics, what they put forward for the
next mandate, and what the mission owes them after.

- `list_consultations` reads the log (latest first) through a `ConsultationFilter`.
- Consultations are created, edited, deleted and restored one by one (revisions checked).
- `inputs_summary` gathers the inputs and asks for the next mandate by topic and by
  counterpart type: what the mandate brief quotes.

Follow-ups: the schema has no place for them beside the summary, so they are kept in the
`summary` field as a checklist (`services/checklist.py`, ``- [ ] what — owner``) and read and
written here as `follow_ups`, apart from the summary's own text.

No Qt here, and no user-visible text: rows carry codes, refusals are typed errors.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from missiondesk.services import checklist, validation
from missiondesk.services.checklist import ChecklistTask
from missiondesk.services.commitments import _exists  # a live record's id, or unknown_record
from missiondesk.services.names import fold
from missiondesk.services.records import apply_changes, find_record, load_record
from missiondesk.store.errors import InvalidValue
from missiondesk.store.handle import MissionHandle, UnitOfWork, utcnow
from missiondesk.store.schema import Consultation, Mission, Stakeholder, TeamMember
from missiondesk.store.vocab import Classification, ConsultationCounterpart

#: Fields the consultation form edits (`follow_ups`: the checklist kept in the summary).
EDITABLE = ("held_on", "counterpart_type", "counterpart_name", "stakeholder_id", "lead_id",
            "topics", "summary", "follow_ups", "inputs_for_mandate", "classification")
_LONG = 10000
_TOPIC = 120
MAX_TOPICS = 20


@dataclass(frozen=True)
class ConsultationRow:
    """One consultation as the log shows it; names resolved, follow-ups apart."""

    id: str
    revision: int
    held_on: date
    counterpart_type: str
    counterpart_name: str
    stakeholder_id: str | None
    stakeholder_name: str | None
    lead_id: str | None
    lead_name: str | None
    topics: tuple[str, ...]
    summary: str | None
    follow_ups: tuple[ChecklistTask, ...]
    inputs_for_mandate: str | None
    classification: str
    deleted: bool = False

    def values(self) -> dict:
        """The form's fields (EDITABLE)."""
        return {name: getattr(self, name) for name in EDITABLE}

    @property
    def open_follow_ups(self) -> int:
        return sum(1 for t in self.follow_ups if not t.done)


@dataclass(frozen=True)
class ConsultationFilter:
    """Which consultations the log shows; None filters nothing. `topic` matches a topic
    (case and accents ignored); `text` words of the counterparts, topics, summary or
    inputs; `start`/`end` the period (both included)."""

    counterpart_type: str | None = None
    topic: str | None = None
    text: str | None = None
    start: date | None = None
    end: date | None = None
    lead_id: str | None = None

    def keeps(self, row: ConsultationRow) -> bool:
        if self.counterpart_type and row.counterpart_type != self.counterpart_type:
            return False
        if self.lead_id and row.lead_id != self.lead_id:
            return False
        if self.start and row.held_on < self.start:
            return False
        if self.end and row.held_on > self.end:
            return False
        if self.topic and fold(self.topic) not in {fold(t) for t in row.topics}:
            return False
        if self.text:
            haystack = fold(" ".join([row.counterpart_name, row.stakeholder_name or "",
                                      " ".join(row.topics), row.summary or "",
                                      row.inputs_for_mandate or ""]))
            if not all(word in haystack for word in fold(self.text).split()):
                return False
        return True


# --- reading -------------------------------------------------------------------------------


def _row(c: Consultation, stakeholders: dict[str, str], members: dict[str, str]
         ) -> ConsultationRow:
    summary, follow_ups = checklist.split(c.summary)
    return ConsultationRow(
        id=c.id, revision=c.revision, held_on=c.held_on, counterpart_type=c.counterpart_type,
        counterpart_name=c.counterpart_name, stakeholder_id=c.stakeholder_id,
        stakeholder_name=stakeholders.get(c.stakeholder_id) if c.stakeholder_id else None,
        lead_id=c.lead_id, lead_name=members.get(c.lead_id) if c.lead_id else None,
        topics=tuple(c.topics or ()), summary=summary, follow_ups=follow_ups,
        inputs_for_mandate=c.inputs_for_mandate, classification=c.classification,
        deleted=c.deleted_at is not None)


def _names(session, rows: list[Consultation]) -> tuple[dict[str, str], dict[str, str]]:
    stakeholder_ids = {c.stakeholder_id for c in rows if c.stakeholder_id}
    member_ids = {c.lead_id for c in rows if c.lead_id}
    stakeholders = dict(session.execute(select(Stakeholder.id, Stakeholder.name)
                                        .where(Stakeholder.id.in_(stakeholder_ids))).all()
                        ) if stakeholder_ids else {}
    members = dict(session.execute(select(TeamMember.id, TeamMember.name)
                                   .where(TeamMember.id.in_(member_ids))
                                   .execution_options(include_deleted=True)).all()
                   ) if member_ids else {}
    return stakeholders, members


def list_consultations(handle: MissionHandle, where: ConsultationFilter | None = None
                       ) -> list[ConsultationRow]:
    """The live consultations the filter keeps, latest first."""
    query = select(Consultation)
    if where is not None and where.counterpart_type:
        query = query.where(Consultation.counterpart_type == where.counterpart_type)
    if where is not None and where.start:
        query = query.where(Consultation.held_on >= where.start)
    if where is not None and where.end:
        query = query.where(Consultation.held_on <= where.end)
    with handle.session() as session:
        found = list(session.scalars(query))
        stakeholders, members = _names(session, found)
        rows = [_row(c, stakeholders, members) for c in found]
    if where is not None:
        rows = [r for r in rows if where.keeps(r)]
    return sorted(rows, key=lambda r: (r.held_on, fold(r.counterpart_name), r.id),
                  reverse=True)


def get_consultation(handle: MissionHandle, consultation_id: str) -> ConsultationRow:
    with handle.session() as session:
        c = find_record(session, Consultation, consultation_id)
        stakeholders, members = _names(session, [c])
        return _row(c, stakeholders, members)


def all_topics(handle: MissionHandle) -> list[str]:
    """Every topic of the live consultations once (the first spelling met), by how often
    it comes up, then alphabetically."""
    counts: dict[str, int] = {}
    spelling: dict[str, str] = {}
    with handle.session() as session:
        for topics in session.scalars(select(Consultation.topics)
                                      .order_by(Consultation.held_on)):
            for topic in topics or ():
                key = fold(topic)
                spelling.setdefault(key, topic)
                counts[key] = counts.get(key, 0) + 1
    return [spelling[k] for k in sorted(counts, key=lambda k: (-counts[k], k))]


# --- the summary of inputs -----------------------------------------------------------------


@dataclass(frozen=True)
class InputEntry:
    """What one consultation put forward for the next mandate."""

    consultation_id: str
    held_on: date
    counterpart_type: str
    counterpart_name: str
    inputs: str


@dataclass(frozen=True)
class InputGroup:
    """The inputs under one topic (as first written; None: consultations without a topic)
    or one counterpart type (its code), latest first."""

    key: str | None
    entries: tuple[InputEntry, ...]


@dataclass(frozen=True)
class InputsSummary:
    by_topic: tuple[InputGroup, ...]
    by_counterpart_type: tuple[InputGroup, ...]
    consultations: int          # consultations the summary read (the filter's)
    with_inputs: int            # of which put something forward


def inputs_summary(handle: MissionHandle, where: ConsultationFilter | None = None
                   ) -> InputsSummary:
    """The inputs and asks for the next mandate of the consultations the filter keeps,
    grouped by topic (a consultation on three topics counts under each; topics most often
    raised first) and by counterpart type (in the vocabulary's order). Consultations that put
    nothing forward are left out of the groups."""
    rows = list_consultations(handle, where)
    topics: dict[str, list[InputEntry]] = {}
    spelling: dict[str, str | None] = {"": None}
    for row in reversed(rows):  # a topic is named as it was first written
        for topic in row.topics:
            spelling.setdefault(fold(topic), topic)
    types: dict[str, list[InputEntry]] = {}
    for row in rows:  # latest first, so each group is too
        if not row.inputs_for_mandate:
            continue
        entry = InputEntry(row.id, row.held_on, row.counterpart_type, row.counterpart_name,
                           row.inputs_for_mandate)
        for topic in row.topics or (None,):
            topics.setdefault(fold(topic) if topic else "", []).append(entry)
        types.setdefault(row.counterpart_type, []).append(entry)
    order = {c.value: i for i, c in enumerate(ConsultationCounterpart)}
    by_topic = tuple(InputGroup(spelling[k], tuple(v)) for k, v in sorted(
        topics.items(), key=lambda kv: (kv[0] == "", -len(kv[1]), kv[0])))
    by_type = tuple(InputGroup(k, tuple(v)) for k, v in sorted(
        types.items(), key=lambda kv: (order.get(kv[0], 99), kv[0])))
    return InputsSummary(by_topic=by_topic, by_counterpart_type=by_type,
                         consultations=len(rows),
                         with_inputs=sum(1 for r in rows if r.inputs_for_mandate))


# --- writing -------------------------------------------------------------------------------


def _topics(value) -> list[str]:
    if isinstance(value, str):
        value = value.replace(",", ";").split(";")
    seen: list[str] = []
    for item in value or ():
        topic = " ".join(str(validation.valid_text("topics", item) or "").split())
        if not topic or fold(topic) in {fold(t) for t in seen}:
            continue
        if len(topic) > _TOPIC:
            raise InvalidValue(field="topics", reason="too_long", max_length=_TOPIC)
        seen.append(topic)
    if len(seen) > MAX_TOPICS:
        raise InvalidValue(field="topics", reason="too_many", max=MAX_TOPICS)
    return seen


def clean_fields(session, changes: dict, *, creating: bool) -> dict:
    """Validate and normalise consultation fields; raises InvalidValue(field=, reason=, ...,
    table="consultations"). Creating requires the date, the counterpart type and the
    counterparts. Topics: a list (or text separated by ";" or ","), each once."""
    with validation.for_table("consultations"):
        return _clean_fields(session, changes, creating=creating)


def _clean_fields(session, changes: dict, *, creating: bool) -> dict:
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ValueError("not an editable consultation field: %s" % ", ".join(sorted(unknown)))
    if creating:
        for name in ("held_on", "counterpart_type", "counterpart_name"):
            if changes.get(name) in (None, ""):
                raise InvalidValue(field=name, reason="required")
    clean: dict = {}
    for name, value in changes.items():
        if name == "held_on":
            day = validation.optional_date(name, value)
            if day is None:
                raise InvalidValue(field=name, reason="required")
            clean[name] = day
        elif name == "counterpart_type":
            clean[name] = validation.vocabulary(name, value, ConsultationCounterpart)
        elif name == "counterpart_name":
            clean[name] = validation.required_text(name, value, max_length=200)
        elif name == "stakeholder_id":
            clean[name] = _exists(session, name, Stakeholder, value)
        elif name == "lead_id":
            clean[name] = _exists(session, name, TeamMember, value)
        elif name == "topics":
            clean[name] = _topics(value)
        elif name in ("summary", "inputs_for_mandate"):
            clean[name] = validation.optional_text(name, value, max_length=_LONG)
        elif name == "follow_ups":
            clean[name] = tuple(checklist.task_of(t, name) for t in (value or ()))
        elif name == "classification":
            clean[name] = validation.vocabulary(name, value, Classification)
    return clean


def _summary(summary: str | None, follow_ups: Iterable[ChecklistTask]) -> str | None:
    text = checklist.join(summary, follow_ups)
    if text is not None and len(text) > _LONG:
        raise InvalidValue(field="summary", reason="too_long", max_length=_LONG,
                           table="consultations")
    return text


def _view(session, c: Consultation) -> ConsultationRow:
    stakeholders, members = _names(session, [c])
    return _row(c, stakeholders, members)


def create_consultation(uow: UnitOfWork, **fields) -> ConsultationRow:
    """Log a consultation (date, counterpart type and counterparts required; the
    classification defaults to the mission's)."""
    session = uow.session
    clean = clean_fields(session, fields, creating=True)
    if "classification" not in clean:
        clean["classification"] = (session.scalars(select(Mission.default_classification))
                                   .first() or Classification.CONFIDENTIAL.value)
    clean["summary"] = _summary(clean.pop("summary", None), clean.pop("follow_ups", ()))
    clean.setdefault("topics", [])
    row = Consultation(**clean)
    uow.add(row)
    session.flush()
    return _view(session, row)


def update_consultation(uow: UnitOfWork, consultation_id: str, *,
                        expected_revision: int | None, **changes) -> ConsultationRow:
    row = load_record(uow, Consultation, consultation_id, expected_revision)
    clean = clean_fields(uow.session, changes, creating=False)
    if "summary" in clean or "follow_ups" in clean:
        summary, follow_ups = checklist.split(row.summary)
        summary = clean.pop("summary") if "summary" in clean else summary
        clean["summary"] = _summary(summary, clean.pop("follow_ups", follow_ups))
    apply_changes(row, clean)
    uow.session.flush()
    return _view(uow.session, row)


def delete_consultation(uow: UnitOfWork, consultation_id: str, *,
                        expected_revision: int | None) -> ConsultationRow:
    """Tombstone a consultation (restore brings it back)."""
    row = load_record(uow, Consultation, consultation_id, expected_revision)
    row.deleted_at = utcnow()
    uow.session.flush()
    return _view(uow.session, row)


def restore_consultation(uow: UnitOfWork, consultation_id: str, *,
                         expected_revision: int | None) -> ConsultationRow:
    row = load_record(uow, Consultation, consultation_id, expected_revision,
                      include_deleted=True)
    row.deleted_at = None
    uow.session.flush()
    return _view(uow.session, row)
