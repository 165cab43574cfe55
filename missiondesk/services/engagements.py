"""Engagements: who met whom, what was said, what was promised.

An engagement has a start (UTC) and a duration, a format, a level, a location, mission
participants (team members, one of them the lead), counterparts (stakeholders), the record of
the meeting (purpose, key messages delivered, counterpart positions, outcomes, atmosphere,
risks to interlocutors), links to the strategy (drivers, objectives, benchmarks, key messages)
and the commitments made in it (created inline, linked through `commitment_engagements`).

The log of the large mission holds 200,000 engagements: `page_engagements` filters and sorts
in SQL and reads one page, never the whole table. Links are rows of their own: an update
replaces a link list by tombstoning the links dropped and adding (or bringing back) the new
ones; a delete tombstones the engagement and its links with one timestamp, and a restore
brings back exactly those. The counterparts repeat the engagement's `starts_at` (kept equal
here) so "last engaged" per stakeholder is one index scan.

No Qt here, and no user-visible text: failures are `InvalidValue` codes (field, reason, ...).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import and_, false, func, literal, or_, select, text

from missiondesk.services import clock, validation
from missiondesk.services.records import apply_changes, load_record
from missiondesk.store.errors import InvalidValue
from missiondesk.store.handle import MissionHandle, UnitOfWork, utcnow
from missiondesk.store.schema import (
    AgreementProvision,
    Benchmark,
    Commitment,
    CommitmentEngagement,
    Driver,
    Engagement,
    EngagementBenchmark,
    EngagementCounterpart,
    EngagementDriver,
    EngagementKeyMessage,
    EngagementObjective,
    EngagementParticipant,
    KeyMessage,
    Mission,
    Stakeholder,
    StrategyObjective,
    TeamMember,
)
from missiondesk.store.vocab import (
    Atmosphere,
    Classification,
    CommitmentType,
    EngagementFormat,
    EngagementLevel,
)

FORMATS: tuple[str, ...] = tuple(v.value for v in EngagementFormat)
LEVELS: tuple[str, ...] = tuple(v.value for v in EngagementLevel)
ATMOSPHERES: tuple[str, ...] = tuple(v.value for v in Atmosphere)
COMMITMENT_TYPES: tuple[str, ...] = tuple(v.value for v in CommitmentType)

#: The engagement's own columns a caller sets, in form order.
SCALARS = ("starts_at", "duration_minutes", "title", "format", "level", "location",
           "political", "classification", "purpose", "key_messages_delivered",
           "counterpart_positions", "outcomes", "atmosphere", "risks_to_interlocutors")
#: The link lists a caller sets (each replaces the whole list on update).
LINKS = ("participant_ids", "counterpart_ids", "driver_ids", "objective_ids", "benchmark_ids",
         "key_message_ids")
#: The long texts (kept as encrypted drafts by the forms).
LONG_TEXTS = ("purpose", "key_messages_delivered", "counterpart_positions", "outcomes",
              "risks_to_interlocutors")
#: Columns `page_engagements` sorts on.
#: Columns the log sorts on, each from an index (0004); the lead, the people and the outcome
#: are not among them: no index orders them, and sorting 200,000 rows is what the log avoids.
SORTS = ("starts_at", "duration_minutes", "title", "format", "level", "political", "location",
         "classification")
EXCERPT = 160
MAX_DURATION = 7 * 24 * 60
_LONG = 20000

# link field -> (link model, its column of the other end, the model of the other end)
_LINK_TABLES = {
    "counterpart_ids": (EngagementCounterpart, "stakeholder_id", Stakeholder),
    "driver_ids": (EngagementDriver, "driver_id", Driver),
    "objective_ids": (EngagementObjective, "objective_id", StrategyObjective),
    "benchmark_ids": (EngagementBenchmark, "benchmark_id", Benchmark),
    "key_message_ids": (EngagementKeyMessage, "key_message_id", KeyMessage),
}


@dataclass(frozen=True)
class CommitmentInput:
    """A commitment made in the engagement, created with it."""

    text: str
    by_mission: bool
    committed_by_id: str | None = None   # the stakeholder who promised, when not the mission
    owner_id: str | None = None          # the team member who follows up
    due_date: date | None = None         # None: conditions-based
    commitment_type: str = "political"
    provision_id: str | None = None
    classification: str | None = None    # None: the engagement's


@dataclass(frozen=True)
class EngagementRow:
    """One line of the log."""

    id: str
    revision: int
    starts_at: datetime
    duration_minutes: int
    title: str
    format: str
    level: str | None
    political: bool
    location: str | None
    outcome_excerpt: str | None
    classification: str
    lead_id: str | None
    lead_name: str | None
    participant_names: tuple[str, ...]   # the other mission participants
    counterpart_ids: tuple[str, ...]
    counterpart_names: tuple[str, ...]
    commitments: int


@dataclass(frozen=True)
class EngagementView:
    """The whole record, with the ids of everything it links."""

    id: str
    revision: int
    starts_at: datetime
    duration_minutes: int
    title: str
    format: str
    level: str | None
    location: str | None
    political: bool
    classification: str
    purpose: str | None
    key_messages_delivered: str | None
    counterpart_positions: str | None
    outcomes: str | None
    atmosphere: str | None
    risks_to_interlocutors: str | None
    lead_id: str | None
    participant_ids: tuple[str, ...]     # the other participants (the lead not repeated)
    counterpart_ids: tuple[str, ...]
    driver_ids: tuple[str, ...]
    objective_ids: tuple[str, ...]
    benchmark_ids: tuple[str, ...]
    key_message_ids: tuple[str, ...]
    commitment_ids: tuple[str, ...]
    deleted: bool = False
    updated_at: datetime | None = None
    updated_by: str | None = None

    @property
    def ends_at(self) -> datetime:
        return self.starts_at + timedelta(minutes=self.duration_minutes)

    def values(self) -> dict:
        """What update_engagement accepts to put the record back as it is now (undo)."""
        return {name: getattr(self, name) for name in SCALARS + ("lead_id",) + LINKS}


@dataclass(frozen=True)
class EngagementFilter:
    since: date | None = None
    until: date | None = None
    member_id: str | None = None         # lead or participant
    stakeholder_id: str | None = None
    format: str | None = None
    political: bool | None = None
    classification: str | None = None
    text: str | None = None


@dataclass(frozen=True)
class CounterpartFlag:
    stakeholder_id: str
    name: str
    do_not_engage: bool
    sanctioned: bool
    hrddp: bool
    reason: str | None


# --- validation ----------------------------------------------------------------------------


def utc_naive(value) -> datetime:
    """A start as stored: naive UTC (an aware datetime is converted; a date is midnight)."""
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        return value.replace(microsecond=0)
    if isinstance(value, date):
        return datetime.combine(value, time())
    if isinstance(value, str) and value.strip():
        try:
            return utc_naive(datetime.fromisoformat(value.strip()))
        except ValueError as exc:
            raise InvalidValue(field="starts_at", reason="not_a_date", value=value) from exc
    raise InvalidValue(field="starts_at", reason="required")


def duration_between(starts_at: datetime, ends_at: datetime) -> int:
    """Whole minutes from start to end; InvalidValue(ends_before_start) when the end is not
    after the start (forms that ask for an end time use this)."""
    minutes = int((ends_at - starts_at).total_seconds() // 60)
    if minutes <= 0:
        raise InvalidValue(field="ends_at", reason="end_not_after_start")
    return minutes


def _duration(value) -> int:
    try:
        number = int(value)
        if isinstance(value, bool) or (isinstance(value, float) and number != value):
            raise ValueError(value)
    except (TypeError, ValueError) as exc:
        raise InvalidValue(field="duration_minutes", reason="out_of_range", value=value,
                           min=1, max=MAX_DURATION) from exc
    if number <= 0:
        raise InvalidValue(field="duration_minutes", reason="end_not_after_start", value=value)
    if number > MAX_DURATION:
        raise InvalidValue(field="duration_minutes", reason="out_of_range", value=value,
                           min=1, max=MAX_DURATION)
    return number


def _optional_vocab(name: str, value, vocab) -> str | None:
    if value in (None, ""):
        return None
    return validation.vocabulary(name, value, vocab)


def clean_fields(changes: dict, *, creating: bool) -> dict:
    """Validate and normalise the engagement's own columns (SCALARS)."""
    if creating:
        for name in ("title", "format"):
            if changes.get(name) in (None, ""):
                raise InvalidValue(field=name, reason="required")
        if changes.get("starts_at") in (None, ""):
            raise InvalidValue(field="starts_at", reason="required")
    clean: dict = {}
    for name in SCALARS:
        if name not in changes:
            continue
        value = changes[name]
        if name == "starts_at":
            clean[name] = utc_naive(value)
        elif name == "duration_minutes":
            clean[name] = _duration(value)
        elif name == "title":
            clean[name] = validation.required_text(name, value, max_length=300)
        elif name == "format":
            clean[name] = validation.vocabulary(name, value, EngagementFormat)
        elif name == "level":
            clean[name] = _optional_vocab(name, value, EngagementLevel)
        elif name == "atmosphere":
            clean[name] = _optional_vocab(name, value, Atmosphere)
        elif name == "location":
            clean[name] = validation.optional_text(name, value, max_length=200)
        elif name == "political":
            clean[name] = bool(value)
        elif name == "classification":
            clean[name] = validation.vocabulary(name, value, Classification)
        else:
            clean[name] = validation.optional_text(name, value, max_length=_LONG)
    return clean


def _ids(name: str, values) -> list[str]:
    """A link list without blanks or repeats, in the caller's order."""
    if values is None:
        return []
    if isinstance(values, str):
        raise InvalidValue(field=name, reason="not_a_list")
    seen: list[str] = []
    for value in values:
        if value and value not in seen:
            seen.append(str(value))
    return seen


def _check_exist(session, name: str, model, ids: Iterable[str]) -> None:
    ids = list(ids)
    if not ids:
        return
    found = set(session.scalars(select(model.id).where(model.id.in_(ids))))
    for record_id in ids:
        if record_id not in found:
            raise InvalidValue(field=name, reason="unknown_record", value=record_id)


def _check_commitment(session, c: CommitmentInput, index: int) -> dict:
    text_ = validation.optional_text("text", c.text, max_length=_LONG)
    if not text_:
        raise InvalidValue(field="commitment_text", reason="required", row=index)
    if not c.by_mission and not c.committed_by_id:
        raise InvalidValue(field="committed_by_id", reason="required", row=index)
    if c.committed_by_id:
        _check_exist(session, "committed_by_id", Stakeholder, [c.committed_by_id])
    if c.owner_id:
        _check_exist(session, "owner_id", TeamMember, [c.owner_id])
    if c.provision_id:
        _check_exist(session, "provision_id", AgreementProvision, [c.provision_id])
    validation.vocabulary("commitment_type", c.commitment_type, CommitmentType)
    if c.classification is not None:
        validation.vocabulary("classification", c.classification, Classification)
    due = validation.optional_date("due_date", c.due_date)
    return {"text": text_, "by_mission": bool(c.by_mission),
            "committed_by_id": None if c.by_mission else c.committed_by_id,
            "owner_id": c.owner_id or None, "due_date": due,
            "commitment_type": c.commitment_type, "provision_id": c.provision_id or None,
            "classification": c.classification}


# --- writing -------------------------------------------------------------------------------


def _default_classification(session) -> str:
    return (session.scalars(select(Mission.default_classification)).first()
            or Classification.CONFIDENTIAL.value)


def _link_rows(session, model, engagement_id: str, *, include_deleted: bool = True) -> list:
    query = select(model).where(model.engagement_id == engagement_id)
    if include_deleted:
        query = query.execution_options(include_deleted=True)
    return list(session.scalars(query))


def _set_links(uow: UnitOfWork, row: Engagement, model, column: str, wanted: list[str],
               **extra) -> bool:
    """Make the engagement's live links of `model` exactly `wanted`: tombstone the others,
    bring back a tombstoned link rather than add a second one. True when anything changed."""
    session = uow.session
    changed = False
    by_other: dict[str, object] = {}
    for link in _link_rows(session, model, row.id):
        other = getattr(link, column)
        if other in by_other:  # a duplicate from elsewhere: keep the live one
            if link.deleted_at is None and other not in wanted:
                link.deleted_at = utcnow()
                changed = True
            continue
        by_other[other] = link
    now = utcnow()
    for other, link in by_other.items():
        if other not in wanted and link.deleted_at is None:
            link.deleted_at = now
            changed = True
    for other in wanted:
        link = by_other.get(other)
        if link is None:
            uow.add(model(engagement_id=row.id, classification=row.classification,
                          **{column: other}, **extra))
            changed = True
        else:
            if link.deleted_at is not None:
                link.deleted_at = None
                changed = True
            for key, value in extra.items():
                if getattr(link, key) != value:
                    setattr(link, key, value)
                    changed = True
    return changed


def _set_participants(uow: UnitOfWork, row: Engagement, lead_id: str,
                      participant_ids: list[str]) -> bool:
    session = uow.session
    wanted = {lead_id: True}
    for member in participant_ids:
        wanted.setdefault(member, False)
    changed = False
    seen: dict[str, EngagementParticipant] = {}
    now = utcnow()
    for link in _link_rows(session, EngagementParticipant, row.id):
        if link.team_member_id in seen or link.team_member_id not in wanted:
            if link.deleted_at is None:
                link.deleted_at = now
                changed = True
            continue
        seen[link.team_member_id] = link
    for member, is_lead in wanted.items():
        link = seen.get(member)
        if link is None:
            uow.add(EngagementParticipant(engagement_id=row.id, team_member_id=member,
                                          is_lead=is_lead, classification=row.classification))
            changed = True
            continue
        if link.deleted_at is not None:
            link.deleted_at = None
            changed = True
        if bool(link.is_lead) != is_lead:
            link.is_lead = is_lead
            changed = True
    return changed


def _add_commitments(uow: UnitOfWork, row: Engagement, items: list[dict]) -> list[str]:
    ids = []
    for item in items:
        item = dict(item)
        item["classification"] = item["classification"] or row.classification
        commitment = Commitment(**item)
        uow.add(commitment)
        uow.session.flush()
        uow.add(CommitmentEngagement(commitment_id=commitment.id, engagement_id=row.id,
                                     classification=commitment.classification))
        ids.append(commitment.id)
    return ids


def _apply(uow: UnitOfWork, row: Engagement, links: dict, *, lead_id: str | None,
           commitments: Sequence[CommitmentInput]) -> None:
    """Validate and write the links and the new commitments of `row` (already flushed)."""
    session = uow.session
    changed = False
    current = _view(session, row)
    if lead_id is not None or "participant_ids" in links:
        lead = lead_id if lead_id is not None else current.lead_id
        if not lead:
            raise InvalidValue(field="lead_id", reason="required")
        others = links.get("participant_ids", list(current.participant_ids))
        others = [m for m in others if m != lead]
        _check_exist(session, "lead_id", TeamMember, [lead])
        _check_exist(session, "participant_ids", TeamMember, others)
        changed |= _set_participants(uow, row, lead, others)
    for name, (model, column, target) in _LINK_TABLES.items():
        if name not in links:
            continue
        _check_exist(session, name, target, links[name])
        extra = {"starts_at": row.starts_at} if model is EngagementCounterpart else {}
        changed |= _set_links(uow, row, model, column, links[name], **extra)
    items = [_check_commitment(session, c, i) for i, c in enumerate(commitments or ())]
    if items:
        _add_commitments(uow, row, items)
        changed = True
    if changed:
        row.updated_at = utcnow()  # a changed link list is a new revision of the engagement


def _split(changes: dict) -> tuple[dict, dict, str | None, Sequence[CommitmentInput]]:
    allowed = set(SCALARS) | set(LINKS) | {"lead_id", "commitments"}
    unknown = set(changes) - allowed
    if unknown:
        raise ValueError("not an engagement field: %s" % ", ".join(sorted(unknown)))
    scalars = {k: v for k, v in changes.items() if k in SCALARS}
    links = {k: _ids(k, v) for k, v in changes.items() if k in LINKS}
    return scalars, links, changes.get("lead_id", None), changes.get("commitments") or ()


def create_engagement(uow: UnitOfWork, *, starts_at, duration_minutes, title, format, lead_id,
                      participant_ids=(), counterpart_ids=(), level=None, location=None,
                      political=True, classification=None, purpose=None,
                      key_messages_delivered=None, counterpart_positions=None, outcomes=None,
                      atmosphere=None, risks_to_interlocutors=None, driver_ids=(),
                      objective_ids=(), benchmark_ids=(), key_message_ids=(),
                      commitments: Sequence[CommitmentInput] = ()) -> EngagementView:
    """Add an engagement with its participants, counterparts, links and commitments, in the
    caller's unit of work (one undo step, one transaction)."""
    values = dict(starts_at=starts_at, duration_minutes=duration_minutes, title=title,
                  format=format, level=level, location=location, political=political,
                  purpose=purpose, key_messages_delivered=key_messages_delivered,
                  counterpart_positions=counterpart_positions, outcomes=outcomes,
                  atmosphere=atmosphere, risks_to_interlocutors=risks_to_interlocutors)
    if classification not in (None, ""):
        values["classification"] = classification
    clean = clean_fields(values, creating=True)
    if not lead_id:
        raise InvalidValue(field="lead_id", reason="required")
    session = uow.session
    clean.setdefault("classification", _default_classification(session))
    links = {"participant_ids": _ids("participant_ids", participant_ids),
             "counterpart_ids": _ids("counterpart_ids", counterpart_ids),
             "driver_ids": _ids("driver_ids", driver_ids),
             "objective_ids": _ids("objective_ids", objective_ids),
             "benchmark_ids": _ids("benchmark_ids", benchmark_ids),
             "key_message_ids": _ids("key_message_ids", key_message_ids)}
    # Check what the links name before the first write, so a refusal leaves nothing behind.
    _check_exist(session, "lead_id", TeamMember, [lead_id])
    for name, (_model, _column, target) in _LINK_TABLES.items():
        _check_exist(session, name, target, links[name])
    _check_exist(session, "participant_ids", TeamMember, links["participant_ids"])
    for i, c in enumerate(commitments or ()):
        _check_commitment(session, c, i)
    row = Engagement(**clean)
    uow.add(row)
    session.flush()
    _apply(uow, row, links, lead_id=lead_id, commitments=commitments)
    session.flush()
    return _view(session, row)


def update_engagement(uow: UnitOfWork, engagement_id: str, *, expected_revision: int | None,
                      **changes) -> EngagementView:
    """Change an engagement: the same keyword names as create (a link list given replaces
    the whole list; `commitments` adds new ones). The counterparts follow a new start."""
    row = load_record(uow, Engagement, engagement_id, expected_revision)
    scalars, links, lead_id, commitments = _split(changes)
    clean = clean_fields(scalars, creating=False)
    apply_changes(row, clean)
    session = uow.session
    if "starts_at" in clean:
        for link in _link_rows(session, EngagementCounterpart, row.id):
            if link.starts_at != row.starts_at:
                link.starts_at = row.starts_at
    session.flush()
    _apply(uow, row, links, lead_id=lead_id, commitments=commitments)
    session.flush()
    return _view(session, row)


_ALL_LINKS = (EngagementParticipant, EngagementCounterpart, EngagementDriver,
              EngagementObjective, EngagementBenchmark, EngagementKeyMessage,
              CommitmentEngagement)


def delete_engagement(uow: UnitOfWork, engagement_id: str, *, expected_revision: int | None
                      ) -> EngagementView:
    """Tombstone the engagement and its live links with one timestamp (the commitments made
    in it stay: they outlive the meeting)."""
    row = load_record(uow, Engagement, engagement_id, expected_revision)
    now = utcnow()
    for model in _ALL_LINKS:
        for link in _link_rows(uow.session, model, row.id, include_deleted=False):
            link.deleted_at = now
    row.deleted_at = now
    uow.session.flush()
    return _view(uow.session, row)


def restore_engagement(uow: UnitOfWork, engagement_id: str, *, expected_revision: int | None
                       ) -> EngagementView:
    """Bring back a deleted engagement and the links its delete tombstoned."""
    row = load_record(uow, Engagement, engagement_id, expected_revision, include_deleted=True)
    stamp = row.deleted_at
    if stamp is not None:
        for model in _ALL_LINKS:
            for link in _link_rows(uow.session, model, row.id):
                if link.deleted_at == stamp:
                    link.deleted_at = None
    row.deleted_at = None
    uow.session.flush()
    return _view(uow.session, row)


# --- reading -------------------------------------------------------------------------------


def _live_ids(session, model, column: str, engagement_id: str, *extra_order) -> tuple:
    col = getattr(model, column)
    query = (select(col).where(model.engagement_id == engagement_id, model.deleted_at.is_(None))
             .order_by(*extra_order, model.created_at, model.id))
    return tuple(session.scalars(query.execution_options(include_deleted=True)))


def _view(session, row: Engagement) -> EngagementView:
    members = session.execute(
        select(EngagementParticipant.team_member_id, EngagementParticipant.is_lead)
        .where(EngagementParticipant.engagement_id == row.id,
               EngagementParticipant.deleted_at.is_(None))
        .order_by(EngagementParticipant.created_at, EngagementParticipant.id)
        .execution_options(include_deleted=True)).all()
    lead = next((m for m, is_lead in members if is_lead), None)
    links = {name: _live_ids(session, model, column, row.id)
             for name, (model, column, _t) in _LINK_TABLES.items()}
    commitment_ids = tuple(session.scalars(
        select(CommitmentEngagement.commitment_id)
        .join(Commitment, Commitment.id == CommitmentEngagement.commitment_id)
        .where(CommitmentEngagement.engagement_id == row.id,
               CommitmentEngagement.deleted_at.is_(None), Commitment.deleted_at.is_(None))
        .order_by(Commitment.created_at, Commitment.id)
        .execution_options(include_deleted=True)))
    return EngagementView(
        id=row.id, revision=row.revision, starts_at=row.starts_at,
        duration_minutes=row.duration_minutes, title=row.title, format=row.format,
        level=row.level, location=row.location, political=bool(row.political),
        classification=row.classification, purpose=row.purpose,
        key_messages_delivered=row.key_messages_delivered,
        counterpart_positions=row.counterpart_positions, outcomes=row.outcomes,
        atmosphere=row.atmosphere, risks_to_interlocutors=row.risks_to_interlocutors,
        lead_id=lead, participant_ids=tuple(m for m, is_lead in members if not is_lead),
        commitment_ids=commitment_ids, deleted=row.deleted_at is not None,
        updated_at=row.updated_at, updated_by=row.updated_by, **links)


def get_engagement(handle: MissionHandle, engagement_id: str, *,
                   include_deleted: bool = False) -> EngagementView:
    from missiondesk.services.records import find_record

    with handle.session() as session:
        row = find_record(session, Engagement, engagement_id, include_deleted=include_deleted)
        return _view(session, row)


#: A text (or member) filter matching at most this many engagements is read from its matches
#: and sorted; above it, the log walks its order's index and keeps the matches (a common word
#: matches half the large mission: the first page is then ~400 entries away).
DRIVE_AT_MOST = 2000
#: While typed, a last word shorter than this is a whole word, not a prefix ("co*" merges
#: the postings of every word in "co" over 200,000 engagements: ~70 ms).
TEXT_MIN_PREFIX = 3
#: Counts stop here when counting further would read more than an index range.
COUNT_AT_MOST = 1000
#: ... or at a page when every row counted must be read.
PAGE_COUNT = 200


def text_query(text_: str | None) -> str | None:
    """The FTS5 MATCH expression of what a user typed in the log's filter: words folded as
    the index folds them (case and accents ignored) and quoted (no FTS syntax gets through),
    every word required, the last one a prefix once it has TEXT_MIN_PREFIX letters. None
    when nothing searchable was typed."""
    from missiondesk.services.search import parse_query

    parsed = parse_query((text_ or "").strip())
    if parsed.empty:
        return None
    terms = ['"%s"' % w for w in parsed.words]
    if parsed.prefix:
        terms.append('"%s"*' % parsed.prefix if len(parsed.prefix) >= TEXT_MIN_PREFIX
                     else '"%s"' % parsed.prefix)
    return " ".join(terms)


def _fts_matches(session, query: str) -> int:
    return session.execute(text("SELECT count(*) FROM engagements_fts "
                                "WHERE engagements_fts MATCH :q"), {"q": query}).scalar_one()


def _conditions(session, flt: EngagementFilter | None, dialect: str = "sqlite") -> list:
    """The WHERE terms of a filter, written so each runs from an index:
    - the period is the mission's local days (its time zone), as UTC bounds on the start;
    - format, political and classification are equalities the log's indexes (0004) seek;
    - a stakeholder's few engagements come through the counterparts' own index (IN);
    - words go through the FTS5 index, a member's engagements through the participants'
      index: few matches are read and sorted, many are kept (by rowid, no row read) while
      walking the order's index (`+rowid`: SQLite must not drive the query from 100,000
      rowids and sort them all)."""
    e = Engagement.__table__.c
    where = [e.deleted_at.is_(None)]
    if flt is None:
        return where
    if flt.since is not None or flt.until is not None:
        tz = clock.zone(session.scalars(select(Mission.time_zone)).first())
        if flt.since is not None:
            where.append(e.starts_at >= clock.local_day_start(flt.since, tz))
        if flt.until is not None:
            where.append(e.starts_at < clock.local_day_end(flt.until, tz))
    if flt.format:
        where.append(e.format == flt.format)
    if flt.political is not None:
        where.append(e.political == bool(flt.political))
    if flt.classification:
        where.append(e.classification == flt.classification)
    if flt.member_id:
        # The member's engagements as rowids, from the participants' index (a delete
        # tombstones the links with the engagement): few are read and sorted, many are
        # kept while walking the order's index, without reading a row.
        member_of = ("SELECT x.rowid FROM engagement_participants p JOIN engagements x "
                     "ON x.id = p.engagement_id WHERE p.team_member_id = :member_id "
                     "AND p.deleted_at IS NULL")
        taking_part = session.execute(text(
            "SELECT count(*) FROM engagement_participants WHERE team_member_id = :m "
            "AND deleted_at IS NULL"), {"m": flt.member_id}).scalar_one()
        rowid = "engagements.rowid" if taking_part <= DRIVE_AT_MOST else "+engagements.rowid"
        where.append(text("%s IN (%s)" % (rowid, member_of))
                     .bindparams(member_id=flt.member_id))
    if flt.stakeholder_id:
        c = EngagementCounterpart.__table__.c
        where.append(e.id.in_(select(c.engagement_id).where(
            c.stakeholder_id == flt.stakeholder_id, c.deleted_at.is_(None))))
    if flt.text and flt.text.strip():
        query = text_query(flt.text)
        matches = _fts_matches(session, query) if query is not None else 0
        if not matches:
            where.append(false())
        else:
            rowid = "engagements.rowid" if matches <= DRIVE_AT_MOST else "+engagements.rowid"
            where.append(text(rowid + " IN (SELECT rowid FROM engagements_fts "
                                      "WHERE engagements_fts MATCH :fts_query)")
                         .bindparams(fts_query=query))
    return where


def _count_cap(flt: EngagementFilter | None) -> int | None:
    """How far `log_count` counts: None (exactly) when that reads one index range or a
    stakeholder's few engagements; COUNT_AT_MOST when the rows are kept from an index walk
    without reading them (words, a member); a page (PAGE_COUNT) when each row kept must be
    read (two or more of format / political / classification: ~0.1 ms a row)."""
    if flt is None or flt.stakeholder_id:
        return None
    equalities = sum(x is not None and x != "" for x in (flt.format, flt.political,
                                                         flt.classification))
    if equalities >= 2:
        return PAGE_COUNT
    if flt.member_id or (flt.text and flt.text.strip()):
        return COUNT_AT_MOST
    return None


def count_engagements(handle: MissionHandle, flt: EngagementFilter | None = None, *,
                      at_most: int | None = None) -> int:
    """How many engagements pass the filter; with `at_most`, counting stops there (a filter
    on the large mission can match 100,000 rows a screen never needs to count)."""
    e = Engagement.__table__
    with handle.session() as session:
        where = and_(*_conditions(session, flt, handle.engine.dialect.name))
        if at_most is None:
            query = select(func.count()).select_from(e).where(where)
        else:
            inner = select(e.c.id).where(where).limit(max(0, at_most))
            query = select(func.count()).select_from(inner.subquery())
        return session.execute(query).scalar_one()


def log_count(handle: MissionHandle, flt: EngagementFilter | None = None, *,
              at_most: int = COUNT_AT_MOST) -> tuple[int, bool]:
    """(how many engagements pass the filter, whether that is exact). Exact when it is
    cheap (see `_count_cap`) or when fewer than `at_most` pass; otherwise (at_most,
    False): "more than 1,000", never a count that reads 100,000 rows."""
    cap = _count_cap(flt)
    if cap is None:
        return count_engagements(handle, flt), True
    at_most = min(at_most, cap)
    n = count_engagements(handle, flt, at_most=at_most + 1)
    return (n, True) if n <= at_most else (at_most, False)


@dataclass(frozen=True)
class CommitmentLine:
    id: str
    text: str
    by_mission: bool
    committed_by: str | None
    owner: str | None
    due_date: date | None
    status: str


@dataclass(frozen=True)
class EngagementDetail:
    """What the detail pane shows beside the view: the names of everything linked."""

    lead: str | None
    participants: tuple[str, ...]
    counterparts: tuple[tuple[str, str], ...]     # (id, name)
    flags: tuple[CounterpartFlag, ...]
    drivers: tuple[str, ...]
    objectives: tuple[str, ...]
    benchmarks: tuple[str, ...]
    key_messages: tuple[str, ...]
    commitments: tuple[CommitmentLine, ...]


def _link_names(session, view: EngagementView) -> dict[str, dict[str, str]]:
    """The names of what the engagement links (only those: not every choice of the form)."""
    from missiondesk.store.schema import KeyMessageText

    names = {}
    for key, model, column in (("driver_ids", Driver, Driver.name),
                               ("objective_ids", StrategyObjective, StrategyObjective.title),
                               ("benchmark_ids", Benchmark, Benchmark.statement)):
        ids = getattr(view, key)
        names[key] = dict(session.execute(select(model.id, column).where(
            model.id.in_(ids))).all()) if ids else {}
    texts: dict[str, str] = {}
    if view.key_message_ids:
        for kid, lang, text_ in session.execute(
                select(KeyMessageText.key_message_id, KeyMessageText.language,
                       KeyMessageText.text).where(KeyMessageText.key_message_id.in_(
                           view.key_message_ids)).order_by(KeyMessageText.language)):
            if kid not in texts or lang == "en":
                texts[kid] = text_
    names["key_message_ids"] = texts
    return names


def engagement_detail(handle: MissionHandle, view: EngagementView) -> EngagementDetail:
    with handle.session() as session:
        names = _link_names(session, view)
    with handle.session() as session:
        members = dict(session.execute(select(TeamMember.id, TeamMember.name).where(
            TeamMember.id.in_((view.lead_id,) + view.participant_ids))).all())
        people = dict(session.execute(select(Stakeholder.id, Stakeholder.name).where(
            Stakeholder.id.in_(view.counterpart_ids))).all())
        lines = []
        for c in session.scalars(select(Commitment).where(Commitment.id.in_(
                view.commitment_ids)).order_by(Commitment.created_at, Commitment.id)):
            by = None if c.by_mission else session.get(Stakeholder, c.committed_by_id) \
                if c.committed_by_id else None
            owner = session.get(TeamMember, c.owner_id) if c.owner_id else None
            lines.append(CommitmentLine(id=c.id, text=c.text, by_mission=bool(c.by_mission),
                                        committed_by=by.name if by else None,
                                        owner=owner.name if owner else None,
                                        due_date=c.due_date, status=c.status))
    return EngagementDetail(
        lead=members.get(view.lead_id),
        participants=tuple(members.get(m, "") for m in view.participant_ids),
        counterparts=tuple((sid, people.get(sid, "")) for sid in view.counterpart_ids),
        flags=tuple(counterpart_flags(handle, view.counterpart_ids)),
        drivers=tuple(names["driver_ids"].get(i, "") for i in view.driver_ids),
        objectives=tuple(names["objective_ids"].get(i, "") for i in view.objective_ids),
        benchmarks=tuple(names["benchmark_ids"].get(i, "") for i in view.benchmark_ids),
        key_messages=tuple(names["key_message_ids"].get(i, "") for i in view.key_message_ids),
        commitments=tuple(lines))


#: sort -> (its key as the index 0004 holds it, whether it can be blank). starts_at has no
#: key of its own: every order ends with (starts_at, id).
_SORT_KEYS = {
    "starts_at": (None, False),
    "duration_minutes": (Engagement.__table__.c.duration_minutes, False),
    "title": (func.lower(Engagement.__table__.c.title), False),
    "format": (Engagement.__table__.c.format, False),
    "level": (Engagement.__table__.c.level, True),
    "political": (Engagement.__table__.c.political, False),
    "location": (func.lower(Engagement.__table__.c.location), True),
    "classification": (Engagement.__table__.c.classification, False),
}


@dataclass(frozen=True)
class PageCursor:
    """Where the next page of the log starts: just after this row, in this order. Opaque to
    callers: hand back the `next` of the page before."""

    sort: str
    descending: bool
    blank: bool        # the row is among the blanks, shown last (a key that can be blank)
    key: object        # its sort key as SQL has it (None for starts_at or a blank)
    starts_at: datetime
    id: str


@dataclass(frozen=True)
class LogPage:
    rows: list[EngagementRow]
    next: PageCursor | None    # None: the log ends here


def _rows(session, records: list) -> list[EngagementRow]:
    """EngagementRows for a page of (engagement columns) records, in their order."""
    ids = [r.id for r in records]
    if not ids:
        return []
    p = EngagementParticipant.__table__.c
    m = TeamMember.__table__.c
    members: dict[str, list] = {i: [] for i in ids}
    # Tombstones are skipped here, not in SQL: a `deleted_at IS NULL` term leads SQLite to
    # the tombstone index (every live row) instead of the 200 engagements' ids (60 ms -> 2).
    for eid, mid, name, is_lead, gone in session.execute(
            select(p.engagement_id, p.team_member_id, m.name, p.is_lead, p.deleted_at)
            .select_from(EngagementParticipant.__table__.join(
                TeamMember.__table__, m.id == p.team_member_id))
            .where(p.engagement_id.in_(ids)).order_by(p.created_at, p.id)):
        if gone is None:
            members[eid].append((mid, name, bool(is_lead)))
    c = EngagementCounterpart.__table__.c
    s = Stakeholder.__table__.c
    counterparts: dict[str, list] = {i: [] for i in ids}
    for eid, sid, name, gone in session.execute(
            select(c.engagement_id, c.stakeholder_id, s.name, c.deleted_at)
            .select_from(EngagementCounterpart.__table__.join(
                Stakeholder.__table__, s.id == c.stakeholder_id))
            .where(c.engagement_id.in_(ids)).order_by(c.created_at, c.id)):
        if gone is None:
            counterparts[eid].append((sid, name))
    # Counted from the links' own index (0004): a deleted commitment's links are tombstoned
    # with it (services/commitments), so the commitments themselves are not read.
    ce = CommitmentEngagement.__table__.c
    counts: dict[str, int] = dict(session.execute(
        select(ce.engagement_id, func.count()).where(ce.engagement_id.in_(ids),
                                                     ce.deleted_at.is_(None))
        .group_by(ce.engagement_id)).all())
    out = []
    for r in records:
        people = members[r.id]
        lead = next(((mid, name) for mid, name, is_lead in people if is_lead), (None, None))
        outcome = r.outcomes
        if outcome is not None:
            outcome = " ".join(outcome.split())
            if len(outcome) > EXCERPT:
                outcome = outcome[:EXCERPT - 1].rstrip() + "\u2026"
        out.append(EngagementRow(
            id=r.id, revision=r.revision, starts_at=r.starts_at,
            duration_minutes=r.duration_minutes, title=r.title, format=r.format,
            level=r.level, political=bool(r.political), location=r.location,
            outcome_excerpt=outcome or None, classification=r.classification,
            lead_id=lead[0], lead_name=lead[1],
            participant_names=tuple(name for _m, name, is_lead in people if not is_lead),
            counterpart_ids=tuple(sid for sid, _n in counterparts[r.id]),
            counterpart_names=tuple(name for _s, name in counterparts[r.id]),
            commitments=counts.get(r.id, 0)))
    return out


def _seek(session, where: list, sort: str, descending: bool, after: PageCursor | None,
          limit: int) -> list:
    """Up to `limit` records of the log after `after` (from the start when None), each query
    a range of the order's index: the rows tied with `after` on its key (by start, id),
    then the rows past its key; for a key that can be blank, the blanks last (by start)."""
    e = Engagement.__table__.c
    key, nullable = _SORT_KEYS[sort]

    def order(column):
        return column.desc() if descending else column.asc()

    def past(column, value):
        if isinstance(value, bool):  # `political`: SQL compares its 0/1
            value = int(value)
        return column < value if descending else column > value

    columns = [e.id, e.revision, e.starts_at, e.duration_minutes, e.title, e.format, e.level,
               e.political, e.location, func.substr(e.outcomes, 1, EXCERPT + 40)
               .label("outcomes"), e.classification,
               (key if key is not None else literal(None)).label("sort_key")]
    by_start = [order(e.starts_at), order(e.id)]
    queries: list[tuple[list, list]] = []
    for blank in ((False, True) if nullable else (False,)):
        if after is not None and after.blank and not blank:
            continue  # the cursor is already among the blanks
        part = [] if not nullable else [key.is_(None) if blank else key.is_not(None)]
        keyed = key is not None and not blank
        if after is not None and after.blank == blank:
            tied = [e.starts_at <= after.starts_at if descending
                    else e.starts_at >= after.starts_at,
                    or_(past(e.starts_at, after.starts_at), past(e.id, after.id))]
            if keyed:
                queries.append((part + [key == (int(after.key) if isinstance(after.key, bool)
                                                 else after.key)] + tied, by_start))
                queries.append((part + [past(key, after.key)], [order(key)] + by_start))
            else:
                queries.append((part + tied, by_start))
        else:
            queries.append((part, ([order(key)] if keyed else []) + by_start))
    records: list = []
    for terms, ordering in queries:
        need = limit - len(records)
        if need <= 0:
            break
        records.extend(session.execute(select(*columns).where(and_(*where, *terms))
                                       .order_by(*ordering).limit(need)).all())
    return records


def _cursor(sort: str, descending: bool, record) -> PageCursor:
    _key, nullable = _SORT_KEYS[sort]
    return PageCursor(sort=sort, descending=descending,
                      blank=nullable and record.sort_key is None, key=record.sort_key,
                      starts_at=record.starts_at, id=record.id)


def log_page(handle: MissionHandle, flt: EngagementFilter | None = None, *,
             sort: str = "starts_at", descending: bool = True,
             after: PageCursor | None = None, limit: int = 200) -> LogPage:
    """One page of the log, filtered and sorted in SQL, seeking from the last row of the page
    before (`after`, its `next`): a page costs the same at row 10,000 as at row 0. Every
    order ends with (starts_at, id); blanks come last either way. The orders are SORTS, each
    read from an index (0004); no order is offered that would sort the whole table."""
    if sort not in SORTS:
        raise ValueError("not an engagement sort: %s" % sort)
    if after is not None and (after.sort, after.descending) != (sort, descending):
        raise ValueError("the cursor is of another order")
    limit = max(0, limit)
    with handle.session() as session:
        where = _conditions(session, flt, handle.engine.dialect.name)
        records = _seek(session, where, sort, descending, after, limit)
        following = _cursor(sort, descending, records[-1]) \
            if records and len(records) == limit else None
        return LogPage(_rows(session, records), following)


def page_engagements(handle: MissionHandle, flt: EngagementFilter | None = None, *,
                     sort: str = "starts_at", descending: bool = True, offset: int = 0,
                     limit: int = 200) -> list[EngagementRow]:
    """The rows of the log from `offset` (the same order as `log_page`, which a view that
    pages should use: the rows skipped here are read, as ids)."""
    after = None
    if offset > 0:
        if sort not in SORTS:
            raise ValueError("not an engagement sort: %s" % sort)
        with handle.session() as session:
            where = _conditions(session, flt, handle.engine.dialect.name)
            skipped = _seek(session, where, sort, descending, None, offset)
        if len(skipped) < offset:
            return []
        after = _cursor(sort, descending, skipped[-1])
    return log_page(handle, flt, sort=sort, descending=descending, after=after,
                    limit=limit).rows


def stakeholder_engagements(handle: MissionHandle, stakeholder_id: str,
                            limit: int | None = None) -> list[EngagementRow]:
    """A stakeholder's engagements, the latest first."""
    flt = EngagementFilter(stakeholder_id=stakeholder_id)
    if limit is not None:
        return log_page(handle, flt, limit=limit).rows
    rows: list[EngagementRow] = []
    after = None
    while True:
        page = log_page(handle, flt, after=after, limit=500)
        rows.extend(page.rows)
        if page.next is None:
            return rows
        after = page.next


def counterpart_flags(handle: MissionHandle, stakeholder_ids: Iterable[str]
                      ) -> list[CounterpartFlag]:
    """The do-not-engage, sanctioned and HRDDP-flagged stakeholders among these, in the
    order given, each with the reason the file holds (constraints, sanctions, HRDDP note)."""
    ids = _ids("stakeholder_ids", list(stakeholder_ids))
    if not ids:
        return []
    s = Stakeholder
    with handle.session() as session:
        found = {r.id: r for r in session.execute(
            select(s.id, s.name, s.do_not_engage, s.sanctioned, s.hrddp_flag,
                   s.engagement_constraints, s.sanctions_note, s.hrddp_note)
            .where(s.id.in_(ids), s.deleted_at.is_(None),
                   or_(s.do_not_engage.is_(True), s.sanctioned.is_(True),
                       s.hrddp_flag.is_(True))))}
    flags = []
    for sid in ids:
        r = found.get(sid)
        if r is None:
            continue
        notes = [note.strip() for flag, note in (
            (r.do_not_engage, r.engagement_constraints), (r.sanctioned, r.sanctions_note),
            (r.hrddp_flag, r.hrddp_note)) if flag and note and note.strip()]
        flags.append(CounterpartFlag(stakeholder_id=r.id, name=r.name,
                                     do_not_engage=bool(r.do_not_engage),
                                     sanctioned=bool(r.sanctioned), hrddp=bool(r.hrddp_flag),
                                     reason="\n".join(notes) or None))
    return flags


def flagged_stakeholder_ids(handle: MissionHandle) -> set[str]:
    """Every live stakeholder flagged do-not-engage, sanctioned or HRDDP (the log's badge)."""
    s = Stakeholder
    with handle.session() as session:
        return set(session.scalars(select(s.id).where(or_(
            s.do_not_engage.is_(True), s.sanctioned.is_(True), s.hrddp_flag.is_(True)))))


# --- choices for the forms -------------------------------------------------------------------


@dataclass(frozen=True)
class Choice:
    id: str
    name: str


def _choices(session, query) -> list[Choice]:
    return [Choice(id=i, name=n or "") for i, n in session.execute(query)]


def team_choices(handle: MissionHandle, *, active_only: bool = False) -> list[Choice]:
    q = select(TeamMember.id, TeamMember.name).order_by(TeamMember.name)
    if active_only:
        q = q.where(TeamMember.active.is_(True))
    with handle.session() as session:
        return _choices(session, q)


def stakeholder_choices(handle: MissionHandle) -> list[Choice]:
    with handle.session() as session:
        return _choices(session, select(Stakeholder.id, Stakeholder.name)
                        .order_by(Stakeholder.name_key))


def link_choices(handle: MissionHandle) -> dict[str, list[Choice]]:
    """What the editor's link lists offer: drivers, strategy objectives, benchmarks, key
    messages (a key message named by its English text, else its first)."""
    from missiondesk.store.schema import KeyMessageText

    with handle.session() as session:
        texts: dict[str, str] = {}
        for kid, lang, text_ in session.execute(
                select(KeyMessageText.key_message_id, KeyMessageText.language,
                       KeyMessageText.text).order_by(KeyMessageText.language)):
            if kid not in texts or lang == "en":
                texts[kid] = text_
        return {
            "driver_ids": _choices(session, select(Driver.id, Driver.name)
                                   .order_by(Driver.name)),
            "objective_ids": _choices(session, select(StrategyObjective.id,
                                                      StrategyObjective.title)
                                      .order_by(StrategyObjective.sort_order,
                                                StrategyObjective.title)),
            "benchmark_ids": _choices(session, select(Benchmark.id, Benchmark.statement)
                                      .order_by(Benchmark.sort_order, Benchmark.statement)),
            "key_message_ids": [Choice(id=k, name=texts.get(k, ""))
                                for k in session.scalars(select(KeyMessage.id))],
        }
