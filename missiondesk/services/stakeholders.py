"""The Stakeholders desk: the table, the detail panel, and every write on a stakeholder.

Reads hand plain frozen dataclasses to the UI. `list_stakeholders` reads every live row in two
statements (the rows with their owner's name; the last engagement of each by one GROUP BY),
and precomputes the folded keys `filter_rows` and `sort_rows` work on in pure Python, so
filter-as-you-type and sorting stay far under a frame on the 5,000 stakeholders of the
large mission.

Writes take the unit of work first and return a `StakeholderView` with the new revision.
Stance and perception are a cache of the latest dated assessment: they change through
`record_assessment` (which `create_stakeholder` and `update_stakeholder` call when given
them), never by a plain setattr.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, fields
from datetime import date, datetime, timedelta
from operator import attrgetter, itemgetter

from sqlalchemy import select

from missiondesk.services import validation
from missiondesk.services.drivers import DriverLink, drivers_for_stakeholder
from missiondesk.services.names import Similar, fold, similar_names
from missiondesk.services.priority import LETTERS, Priority, engagement_priority, not_a_target
from missiondesk.services.records import apply_changes, load_record, log_value
from missiondesk.store.errors import InvalidValue, RecordMissing
from missiondesk.store.handle import MissionHandle, UnitOfWork, utcnow
from missiondesk.store.schema import (
    ChangeLog,
    Commitment,
    Engagement,
    EngagementCounterpart,
    Mission,
    Relationship,
    Source,
    Stakeholder,
    StakeholderAssessment,
    StakeholderPerception,
    TeamMember,
    new_id,
)
from missiondesk.store.vocab import (
    Classification,
    EngagementPriority,
    MissionStance,
    PeaceStance,
    Perception,
    StakeholderCategory,
    StakeholderKind,
)

TABLE = "stakeholders"

#: The columns of the Stakeholders table, in display order; every one is sortable.
TABLE_COLUMNS = (
    "name", "category", "stance_peace", "stance_mission", "influence", "interest",
    "perception", "priority", "owner", "last_engaged", "classification",
)

#: Fields the form edits directly (stance and perception go through `record_assessment`,
#: the priority override through `set_priority_override`; `name_key` follows `name`).
EDITABLE = (
    "name", "aliases", "kind", "category", "regions", "description", "positions", "interests",
    "needs", "grievances", "motivations", "influence", "interest", "perception_evidence",
    "sanctioned", "sanctions_note", "hrddp_flag", "hrddp_note", "do_not_engage",
    "engagement_constraints", "owner_id", "tags", "classification", "stance_since",
)

#: Fields recorded as a dated assessment when given to create or update.
ASSESSED = ("stance_peace", "stance_mission", "perception")

NAME_MAX = 300
LIST_ITEM_MAX = 120
LONG_TEXT_MAX = 20_000
RANGE = (1, 5)

_LONG_TEXT = (
    "description", "positions", "interests", "needs", "grievances", "motivations",
    "perception_evidence", "sanctions_note", "hrddp_note", "engagement_constraints",
)
_FLAGS = ("sanctioned", "hrddp_flag", "do_not_engage")
_VOCABULARIES = {
    "kind": StakeholderKind,
    "category": StakeholderCategory,
    "classification": Classification,
    "stance_peace": PeaceStance,
    "stance_mission": MissionStance,
    "perception": Perception,
}
_PARTIAL_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
#: Commitment statuses still expected to be delivered.
OPEN_COMMITMENT_STATUSES = ("open", "in_progress", "overdue")


# --- views ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class StakeholderView:
    """Every column of one stakeholder, as a write returns it."""

    id: str
    revision: int
    name: str
    name_key: str
    aliases: tuple[str, ...]
    kind: str
    category: str
    regions: tuple[str, ...]
    description: str | None
    positions: str | None
    interests: str | None
    needs: str | None
    grievances: str | None
    motivations: str | None
    stance_peace: str
    stance_mission: str
    stance_since: str | None
    influence: int
    interest: int
    perception: str
    perception_evidence: str | None
    sanctioned: bool
    sanctions_note: str | None
    hrddp_flag: bool
    hrddp_note: str | None
    do_not_engage: bool
    engagement_constraints: str | None
    priority_override: str | None
    priority_override_reason: str | None
    owner_id: str | None
    tags: tuple[str, ...]
    classification: str
    deleted: bool = False

    def values(self) -> dict:
        """The editable fields, as `update_stakeholder` takes them (for undo)."""
        result = {}
        for name in EDITABLE:
            value = getattr(self, name)
            result[name] = list(value) if isinstance(value, tuple) else value
        return result


@dataclass(frozen=True)
class PerceptionView:
    """How one community group perceives a stakeholder: one dated assessment of the group
    (the date and assessor are when and by whom it was recorded)."""

    id: str
    group_name: str
    perception: str
    evidence: str | None
    source_code: str | None
    source_id: str | None = None
    assessed_on: date | None = None
    assessed_by: str | None = None

    def values(self) -> dict:
        """As `record_group_perceptions` takes one group (for the form and for undo)."""
        return {"group_name": self.group_name, "perception": self.perception,
                "evidence": self.evidence, "source_id": self.source_id}


@dataclass(frozen=True)
class AssessmentView:
    id: str
    assessed_on: date
    assessed_by: str | None
    stance_peace: str | None
    stance_mission: str | None
    perception: str | None
    reason: str | None
    source_code: str | None = None


@dataclass(frozen=True)
class RelationshipView:
    id: str
    type: str
    other_id: str
    other_name: str
    outgoing: bool
    strength: int
    valence: int
    status: str
    valid_from: str | None
    valid_to: str | None
    confidence: str


@dataclass(frozen=True)
class EngagementBrief:
    id: str
    starts_at: datetime
    title: str
    format: str
    lead_name: str | None


@dataclass(frozen=True)
class CommitmentBrief:
    id: str
    text: str
    status: str
    due_date: date | None
    owner_name: str | None
    overdue: bool


@dataclass(frozen=True)
class ChangeView:
    at: datetime
    user_name: str | None
    action: str
    field: str | None
    old_value: object
    new_value: object


@dataclass(frozen=True)
class StakeholderDetail(StakeholderView):
    """Everything the detail panel shows, newest first in every dated list."""

    owner_name: str | None = None
    priority: Priority | None = None
    last_engaged: date | None = None
    days_since_engaged: int | None = None
    perceptions: tuple[PerceptionView, ...] = ()  # the latest assessment of each group
    perception_history: tuple[PerceptionView, ...] = ()  # earlier ones, newest first
    assessments: tuple[AssessmentView, ...] = ()
    relationships: tuple[RelationshipView, ...] = ()
    engagements: tuple[EngagementBrief, ...] = ()
    commitments: tuple[CommitmentBrief, ...] = ()
    drivers: tuple[DriverLink, ...] = ()
    history: tuple[ChangeView, ...] = ()


@dataclass(frozen=True)
class StakeholderRow:
    """One row of the Stakeholders table, with the keys filtering and sorting use."""

    id: str
    revision: int
    name: str
    aliases: tuple[str, ...]
    kind: str
    category: str
    stance_peace: str
    stance_mission: str
    influence: int
    interest: int
    perception: str
    priority: Priority
    owner_id: str | None
    owner_name: str | None
    last_engaged: date | None
    days_since_engaged: int | None
    classification: str
    do_not_engage: bool
    sanctioned: bool
    hrddp_flag: bool
    regions: tuple[str, ...]
    tags: tuple[str, ...]
    search_key: str
    sort_name: str


@dataclass(frozen=True)
class StakeholderFilter:
    """What the filter bar asks. Empty sets filter nothing.

    `stances` holds codes of either stance (peace process or mission); `priorities` holds
    letters, and None for do-not-engage rows; `owner_ids` may hold None for unowned rows.
    """

    text: str = ""
    categories: frozenset[str] = frozenset()
    stances: frozenset[str] = frozenset()
    priorities: frozenset[str | None] = frozenset()
    owner_ids: frozenset[str | None] = frozenset()
    regions: frozenset[str] = frozenset()
    tags: frozenset[str] = frozenset()


_VIEW_FIELDS = tuple(f.name for f in fields(StakeholderView) if f.name != "deleted")


def _view(row: Stakeholder) -> StakeholderView:
    values = {}
    for name in _VIEW_FIELDS:
        value = getattr(row, name)
        if name in ("aliases", "regions", "tags"):
            value = tuple(value or ())
        values[name] = value
    return StakeholderView(**values, deleted=row.deleted_at is not None)


# --- validation -----------------------------------------------------------------------------


def _text_list(name: str, value) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str) or not isinstance(value, list | tuple | set | frozenset):
        raise InvalidValue(field=name, reason="not_a_list", value=str(value))
    result: list[str] = []
    seen: set[str] = set()
    for item in value:
        if item is None:
            continue
        if not isinstance(item, str):
            raise InvalidValue(field=name, reason="not_a_list", value=str(item))
        text = " ".join(item.split())
        if not text:
            continue
        if len(text) > LIST_ITEM_MAX:
            raise InvalidValue(field=name, reason="too_long", max_length=LIST_ITEM_MAX,
                               value=text)
        key = fold(text)
        if key not in seen:
            seen.add(key)
            result.append(text)
    return result


def _in_range(name: str, value) -> int:
    low, high = RANGE
    if isinstance(value, bool):
        raise InvalidValue(field=name, reason="out_of_range", value=value, min=low, max=high)
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        value = int(value.strip())
    if not isinstance(value, int) or not low <= value <= high:
        raise InvalidValue(field=name, reason="out_of_range", value=value, min=low, max=high)
    return value


def _flag(name: str, value) -> bool:
    if isinstance(value, bool):
        return value
    if value in (0, 1):
        return bool(value)
    raise InvalidValue(field=name, reason="not_in_vocabulary", value=value,
                       allowed=[True, False])


def _partial_date(name: str, value) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value.isoformat()
    text = str(value).strip()
    if not _PARTIAL_DATE.match(text):
        raise InvalidValue(field=name, reason="not_a_date", value=text)
    return text


def clean_fields(changes: dict, *, creating: bool) -> dict:
    """Validate and normalise stakeholder fields (EDITABLE, and stance/perception codes).

    Raises `InvalidValue(field=, reason=)` with reason required, too_long (max_length),
    not_in_vocabulary (value, allowed), out_of_range (value, min, max), not_a_list or
    not_a_date. Creating requires a name. Unknown field names are a programming error
    (ValueError).
    """
    clean: dict = {}
    if creating and "name" not in changes:
        raise InvalidValue(field="name", reason="required")
    for name, value in changes.items():
        if name == "name":
            clean[name] = " ".join(validation.required_text(name, value,
                                                            max_length=NAME_MAX).split())
        elif name in ("aliases", "regions", "tags"):
            clean[name] = _text_list(name, value)
        elif name in _VOCABULARIES:
            if isinstance(value, str):
                value = value.strip()
            if name == "classification" and isinstance(value, str):
                value = value.upper()
            clean[name] = validation.vocabulary(name, value, _VOCABULARIES[name])
        elif name in _LONG_TEXT:
            clean[name] = validation.optional_text(name, value, max_length=LONG_TEXT_MAX)
        elif name in ("influence", "interest"):
            clean[name] = _in_range(name, value)
        elif name in _FLAGS:
            clean[name] = _flag(name, value)
        elif name == "owner_id":
            clean[name] = (value.strip() or None) if isinstance(value, str) else value
            if clean[name] is not None and not isinstance(clean[name], str):
                raise InvalidValue(field=name, reason="unknown_record", value=str(value))
        elif name == "stance_since":
            clean[name] = _partial_date(name, value)
        else:
            raise ValueError("not an editable stakeholder field: %s" % name)
    return clean


def _check_owner(uow: UnitOfWork, owner_id: str | None) -> None:
    if owner_id is None:
        return
    with uow.session.no_autoflush:
        if uow.session.get(TeamMember, owner_id) is None:
            raise InvalidValue(field="owner_id", reason="unknown_record", value=owner_id)


def _load(uow: UnitOfWork, stakeholder_id: str, expected_revision: int | None,
          include_deleted: bool = False) -> Stakeholder:
    return load_record(uow, Stakeholder, stakeholder_id, expected_revision, include_deleted)


# --- writes ---------------------------------------------------------------------------------


def create_stakeholder(uow: UnitOfWork, **fields_) -> StakeholderView:
    """Add a stakeholder; `name` is required, the rest defaults as the schema says.

    Given stance_peace / stance_mission / perception, the first dated assessment is recorded
    too (today, by the current user). An `id` may be given (imports keep theirs).
    """
    record_id = fields_.pop("id", None) or new_id()
    assessed = {k: fields_.pop(k) for k in ASSESSED if k in fields_}
    clean = clean_fields(fields_, creating=True)
    assessed = clean_fields(assessed, creating=False)
    _check_owner(uow, clean.get("owner_id"))
    row = Stakeholder(
        id=record_id,
        name=clean["name"],
        name_key=fold(clean["name"]),
        aliases=clean.get("aliases", []),
        kind=clean.get("kind", StakeholderKind.ORGANIZATION.value),
        category=clean.get("category", StakeholderCategory.OTHER.value),
        regions=clean.get("regions", []),
        tags=clean.get("tags", []),
        influence=clean.get("influence", 3),
        interest=clean.get("interest", 3),
        stance_peace="unknown",
        stance_mission="unknown",
        perception="unknown",
        sanctioned=clean.get("sanctioned", False),
        hrddp_flag=clean.get("hrddp_flag", False),
        do_not_engage=clean.get("do_not_engage", False),
        classification=clean.get("classification", Classification.UNCLASSIFIED.value),
        revision=1,  # what the unit of work gives a new row; the view reports it unflushed
    )
    for name, value in clean.items():
        setattr(row, name, value)
    uow.add(row)
    if any(v != "unknown" for v in assessed.values()):
        _assess(uow, row, date.today(), assessed, reason=None, source_id=None)
    return _view(row)


def update_stakeholder(uow: UnitOfWork, stakeholder_id: str, *, expected_revision: int,
                       **changes) -> StakeholderView:
    """Change fields of a stakeholder; refused (RevisionConflict) if it moved past
    `expected_revision`. Stance/perception changes are recorded as an assessment dated today."""
    row = _load(uow, stakeholder_id, expected_revision)
    assessed = {k: changes.pop(k) for k in ASSESSED if k in changes}
    clean = clean_fields(changes, creating=False)
    assessed = clean_fields(assessed, creating=False)
    if "owner_id" in clean and clean["owner_id"] != row.owner_id:
        _check_owner(uow, clean["owner_id"])
    apply_changes(row, clean)
    if "name" in clean:
        key = fold(clean["name"])
        if row.name_key != key:
            row.name_key = key
    assessed = {k: v for k, v in assessed.items() if getattr(row, k) != v}
    if assessed:
        _assess(uow, row, date.today(), assessed, reason=None, source_id=None)
    uow.session.flush()
    return _view(row)


def delete_stakeholder(uow: UnitOfWork, stakeholder_id: str, *,
                       expected_revision: int) -> StakeholderView:
    """Tombstone a stakeholder (hidden everywhere; `restore_stakeholder` brings it back)."""
    row = _load(uow, stakeholder_id, expected_revision)
    row.deleted_at = utcnow()
    uow.session.flush()
    return _view(row)


def restore_stakeholder(uow: UnitOfWork, stakeholder_id: str, *,
                        expected_revision: int) -> StakeholderView:
    """Bring back a tombstoned stakeholder."""
    row = _load(uow, stakeholder_id, expected_revision, include_deleted=True)
    if row.deleted_at is not None:
        row.deleted_at = None
        uow.session.flush()
    return _view(row)


def _assess(uow: UnitOfWork, row: Stakeholder, assessed_on: date, values: dict, *,
            reason: str | None, source_id: str | None) -> None:
    """Append an assessment; update the cache unless a later-dated assessment exists."""
    latest = None
    if row.created_at is not None:  # a stored row may have assessments already
        with uow.session.no_autoflush:
            latest = uow.session.scalar(
                select(StakeholderAssessment.assessed_on)
                .where(StakeholderAssessment.stakeholder_id == row.id)
                .order_by(StakeholderAssessment.assessed_on.desc()).limit(1)
            )
    uow.add(StakeholderAssessment(
        id=new_id(), stakeholder_id=row.id, assessed_on=assessed_on,
        assessed_by=uow.handle.user_name, stance_peace=values.get("stance_peace"),
        stance_mission=values.get("stance_mission"), perception=values.get("perception"),
        reason=reason, source_id=source_id,
    ))
    if latest is not None and assessed_on < latest:
        return  # a back-dated assessment: the history gains it, the current view stays
    for name, value in values.items():
        if value is not None and getattr(row, name) != value:
            if name == "stance_peace":
                row.stance_since = assessed_on.isoformat()
            setattr(row, name, value)


def record_assessment(uow: UnitOfWork, stakeholder_id: str, *, expected_revision: int,
                      assessed_on: date, stance_peace: str | None = None,
                      stance_mission: str | None = None, perception: str | None = None,
                      reason: str | None = None, source_id: str | None = None
                      ) -> StakeholderView:
    """Record a dated stance/perception assessment; the stakeholder's current stance and
    perception follow it unless an assessment of a later date exists."""
    row = _load(uow, stakeholder_id, expected_revision)
    on = validation.optional_date("assessed_on", assessed_on)
    if on is None:
        raise InvalidValue(field="assessed_on", reason="required")
    given = {k: v for k, v in (("stance_peace", stance_peace),
                               ("stance_mission", stance_mission),
                               ("perception", perception)) if v is not None}
    if not given:
        raise InvalidValue(field="stance_peace", reason="required")
    values = clean_fields(given, creating=False)
    note = validation.optional_text("reason", reason, max_length=LONG_TEXT_MAX)
    if source_id is not None and uow.session.get(Source, source_id) is None:
        raise InvalidValue(field="source_id", reason="unknown_record", value=source_id)
    _assess(uow, row, on, values, reason=note, source_id=source_id)
    uow.session.flush()
    return _view(row)


GROUP_NAME_MAX = 200


def _group_perception_rows(session, stakeholder_id: str) -> list:
    """(row, source code) of every live group assessment of a stakeholder, newest first."""
    return list(session.execute(
        select(StakeholderPerception, Source.code_name)
        .outerjoin(Source, Source.id == StakeholderPerception.source_id)
        .where(StakeholderPerception.stakeholder_id == stakeholder_id)
        .order_by(StakeholderPerception.created_at.desc(),
                  StakeholderPerception.revision.desc())
    ))


def record_group_perceptions(uow: UnitOfWork, stakeholder_id: str, *, expected_revision: int,
                             perceptions: Iterable[dict]) -> StakeholderView:
    """Set how each community group perceives the stakeholder, as dated assessments.

    `perceptions`: the groups as the form shows them (group_name, perception, evidence,
    source_id). A group that is new or whose perception, evidence or source changed gets a new
    assessment, dated now and by the current user; the earlier ones stay as its history. A
    group left out is no longer assessed (its assessments are tombstoned). Groups are matched
    ignoring case and accents; the same group twice is refused.
    """
    row = _load(uow, stakeholder_id, expected_revision)
    wanted: dict[str, dict] = {}
    for entry in perceptions:
        name = validation.required_text("group_name", entry.get("group_name"),
                                        max_length=GROUP_NAME_MAX)
        key = fold(name)
        if key in wanted:
            raise InvalidValue(field="group_name", reason="duplicate_group", value=name)
        source_id = entry.get("source_id") or None
        if source_id is not None and uow.session.get(Source, source_id) is None:
            raise InvalidValue(field="source_id", reason="unknown_record", value=source_id)
        wanted[key] = {
            "group_name": name,
            "perception": validation.vocabulary("perception",
                                                entry.get("perception") or "unknown",
                                                Perception),
            "evidence": validation.optional_text("perception_evidence", entry.get("evidence"),
                                                 max_length=LONG_TEXT_MAX),
            "source_id": source_id,
        }
    with uow.session.no_autoflush:
        existing: dict[str, list] = {}
        for found, _code in _group_perception_rows(uow.session, stakeholder_id):
            existing.setdefault(fold(found.group_name), []).append(found)
    for key, rows in existing.items():
        if key not in wanted:
            now = utcnow()
            for old in rows:
                old.deleted_at = now
    for key, values in wanted.items():
        latest = existing.get(key, [None])[0]
        if latest is not None and all(getattr(latest, k) == v for k, v in values.items()):
            continue
        uow.add(StakeholderPerception(id=new_id(), stakeholder_id=row.id,
                                      classification=row.classification, **values))
    uow.session.flush()
    return _view(row)


def set_priority_override(uow: UnitOfWork, stakeholder_id: str, *, expected_revision: int,
                          letter: str | None, reason: str | None) -> StakeholderView:
    """Override the computed priority with a letter and a reason; letter None clears it."""
    row = _load(uow, stakeholder_id, expected_revision)
    if letter is None or letter == "":
        new_letter, new_reason = None, None
    else:
        new_letter = validation.vocabulary("priority_override", str(letter).strip().upper(),
                                           EngagementPriority)
        new_reason = validation.required_text("priority_override_reason", reason,
                                              max_length=LONG_TEXT_MAX)
    if row.priority_override != new_letter:
        row.priority_override = new_letter
    if row.priority_override_reason != new_reason:
        row.priority_override_reason = new_reason
    uow.session.flush()
    return _view(row)


# --- the table ------------------------------------------------------------------------------

_LIST_SQL = (
    "SELECT s.id, s.revision, s.name, s.name_key, s.aliases, s.kind, s.category, "
    "s.stance_peace, s.stance_mission, s.influence, s.interest, s.perception, s.owner_id, "
    "t.name, s.classification, s.do_not_engage, s.sanctioned, s.hrddp_flag, s.regions, "
    "s.tags, s.priority_override, s.priority_override_reason "
    "FROM stakeholders AS s "
    "LEFT JOIN team_members AS t ON t.id = s.owner_id AND t.deleted_at IS NULL "
    "WHERE s.deleted_at IS NULL"
)

# The last engagement of every stakeholder, up to the end of `today` (planned ones do not
# count): per stakeholder, a search of the covering index (stakeholder_id, starts_at,
# deleted_at) on the counterparts, which repeat their engagement's start, up to the cutoff.
# (A GROUP BY read the whole index: 400,000 rows on the large mission, 2-3x slower.)
# Stakeholders never engaged come back with None.
_LAST_ENGAGED_SQL = (
    "SELECT s.id, (SELECT max(c.starts_at) FROM engagement_counterparts AS c "
    "WHERE c.stakeholder_id = s.id AND c.starts_at < ? AND c.deleted_at IS NULL) "
    "FROM stakeholders AS s"
)
# Stakeholders met in a tombstoned engagement whose counterpart rows were left live: the
# CROSS JOIN starts from the few tombstoned engagements, found as a range of the index on
# deleted_at (timestamps are stored as text; SQLite reads no index for IS NOT NULL)...
_DEAD_ENGAGEMENT_SQL = (
    "SELECT DISTINCT c.stakeholder_id FROM engagements AS e "
    "CROSS JOIN engagement_counterparts AS c ON c.engagement_id = e.id "
    "WHERE e.deleted_at > '' AND +c.deleted_at IS NULL"
)
# ...get their last engagement again, live engagements only (few rows: they are by index).
_LAST_LIVE_SQL = (
    "SELECT c.stakeholder_id, max(c.starts_at) "
    "FROM engagement_counterparts AS c JOIN engagements AS e ON e.id = c.engagement_id "
    "WHERE c.stakeholder_id IN (%s) AND c.deleted_at IS NULL AND e.deleted_at IS NULL "
    "AND c.starts_at < ? GROUP BY c.stakeholder_id"
)


def _json_list(text) -> tuple[str, ...]:
    if not text or text == "[]":
        return ()
    value = json.loads(text) if isinstance(text, str) else text
    return tuple(value) if isinstance(value, list) else ()


def _day(value) -> date | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def _cutoff(today: date) -> str:
    return (today + timedelta(days=1)).isoformat()


def _last_engaged(session, today: date) -> dict[str, str]:
    """Stakeholder id -> start (text) of its last engagement up to `today`."""
    conn = session.connection()
    cutoff = _cutoff(today)
    last = {sid: start for sid, start in conn.exec_driver_sql(_LAST_ENGAGED_SQL, (cutoff,))
            if start is not None}
    touched = [sid for (sid,) in conn.exec_driver_sql(_DEAD_ENGAGEMENT_SQL).all()]
    for start in range(0, len(touched), 500):
        chunk = touched[start:start + 500]
        for sid in chunk:
            last.pop(sid, None)
        sql = _LAST_LIVE_SQL % ", ".join("?" * len(chunk))
        last.update(conn.exec_driver_sql(sql, (*chunk, cutoff)).all())
    return last


def _mission_names(session) -> dict:
    """The mission's name and acronym, to know its own stakeholder (never a target)."""
    found = session.execute(select(Mission.name, Mission.acronym)).first()
    return {"mission_name": found[0] if found else None,
            "mission_acronym": found[1] if found else None}


def list_stakeholders(handle: MissionHandle, today: date | None = None) -> list[StakeholderRow]:
    """Every live stakeholder as a table row, with its priority and last engagement.

    Two statements: the stakeholders with their owner's name, and the last engagement of
    each (one GROUP BY over an index; a third, by index, corrects for tombstoned engagements).
    """
    today = today or date.today()
    with handle.session() as session:
        last = _last_engaged(session, today)
        rows = session.connection().exec_driver_sql(_LIST_SQL).fetchall()
        mission = _mission_names(session)
    result = []
    for (sid, revision, name, name_key, aliases, kind, category, stance_peace, stance_mission,
         influence, interest, perception, owner_id, owner_name, classification, dne,
         sanctioned, hrddp, regions, tags, override, override_reason) in rows:
        alias_list = _json_list(aliases)
        last_engaged = _day(last.get(sid))
        days = (today - last_engaged).days if last_engaged is not None else None
        priority = engagement_priority(
            influence=influence, interest=interest, stance_peace=stance_peace,
            stance_mission=stance_mission, perception=perception, days_since_engaged=days,
            do_not_engage=bool(dne), override=override, override_reason=override_reason,
            not_target=not_a_target(category=category, name=name, aliases=alias_list,
                                    **mission),
        )
        sort_name = name_key or fold(name)
        search_key = fold(" | ".join((name, *alias_list))) if alias_list else sort_name
        result.append(StakeholderRow(
            id=sid, revision=revision, name=name, aliases=alias_list, kind=kind,
            category=category, stance_peace=stance_peace, stance_mission=stance_mission,
            influence=influence, interest=interest, perception=perception, priority=priority,
            owner_id=owner_id, owner_name=owner_name, last_engaged=last_engaged,
            days_since_engaged=days, classification=classification,
            do_not_engage=bool(dne), sanctioned=bool(sanctioned), hrddp_flag=bool(hrddp),
            regions=_json_list(regions), tags=_json_list(tags), search_key=search_key,
            sort_name=sort_name,
        ))
    return result


def row_filter(flt: StakeholderFilter) -> Callable[[StakeholderRow], bool]:
    """The filter as a test of one row (the text folded once, not per row). Text matches
    name and aliases, case and accents ignored; within one set any value matches, across
    sets all must."""
    text = fold(flt.text)
    categories, stances, priorities = flt.categories, flt.stances, flt.priorities
    owners, regions, tags = flt.owner_ids, flt.regions, flt.tags

    def keep(row: StakeholderRow) -> bool:
        return not (
            (text and text not in row.search_key)
            or (categories and row.category not in categories)
            or (stances and row.stance_peace not in stances
                and row.stance_mission not in stances)
            or (priorities and row.priority.letter not in priorities)
            or (owners and row.owner_id not in owners)
            or (regions and regions.isdisjoint(row.regions))
            or (tags and tags.isdisjoint(row.tags)))

    return keep


def filter_rows(rows: Iterable[StakeholderRow], flt: StakeholderFilter) -> list[StakeholderRow]:
    """The rows the filter keeps, in their order (see `row_filter`)."""
    keep = row_filter(flt)
    return [row for row in rows if keep(row)]


_PEACE_ORDER = {v.value: i for i, v in enumerate(PeaceStance)}
_MISSION_ORDER = {v.value: i for i, v in enumerate(MissionStance)}
_PERCEPTION_ORDER = {v.value: i for i, v in enumerate(Perception)}
_CLASSIFICATION_ORDER = {v.value: i for i, v in enumerate(Classification)}
_LETTER_ORDER = {letter: i for i, letter in enumerate(LETTERS)}

#: Sort key of each column; None values always go last.
_SORT_KEYS = {
    "name": attrgetter("sort_name"),
    "category": attrgetter("category"),
    "stance_peace": lambda r: _PEACE_ORDER.get(r.stance_peace, len(_PEACE_ORDER)),
    "stance_mission": lambda r: _MISSION_ORDER.get(r.stance_mission, len(_MISSION_ORDER)),
    "influence": attrgetter("influence"),
    "interest": attrgetter("interest"),
    "perception": lambda r: _PERCEPTION_ORDER.get(r.perception, len(_PERCEPTION_ORDER)),
    "priority": lambda r: _LETTER_ORDER.get(r.priority.letter),
    "owner": attrgetter("owner_name"),  # folded below, once per distinct owner
    "last_engaged": attrgetter("last_engaged"),
    "classification": lambda r: _CLASSIFICATION_ORDER.get(r.classification, 0),
}


def sort_rows(rows: Iterable[StakeholderRow], column: str,
              descending: bool = False) -> list[StakeholderRow]:
    """The rows sorted on a TABLE_COLUMNS column: names with accents folded, stances and
    perceptions in vocabulary order, priorities A<B<C<D then do-not-engage; empty values
    (no owner, never engaged, no priority) last either way; ties by name."""
    if column not in _SORT_KEYS:
        raise ValueError("not a sortable column: %s" % column)
    by_name = sorted(rows, key=attrgetter("sort_name", "id"))
    if column == "name":
        return by_name[::-1] if descending else by_name
    key = _SORT_KEYS[column]
    if column == "owner":
        folded = {n: fold(n) for n in {r.owner_name for r in by_name} if n}
        keys = [folded.get(r.owner_name) for r in by_name]
    else:
        keys = [key(r) for r in by_name]
    present = [(k, i) for i, k in enumerate(keys) if k is not None]
    # Stable in both directions (reverse=True keeps equal keys in order): ties stay by name.
    present.sort(key=itemgetter(0), reverse=descending)
    missing = [r for r, k in zip(by_name, keys, strict=True) if k is None]
    return [by_name[i] for _, i in present] + missing


# --- the detail panel -----------------------------------------------------------------------


_LEADS_SQL = (
    "SELECT p.engagement_id, t.name FROM engagement_participants AS p "
    "CROSS JOIN team_members AS t ON t.id = p.team_member_id "
    "WHERE p.engagement_id IN (%s) AND p.is_lead = 1 AND +p.deleted_at IS NULL "
    "AND +t.deleted_at IS NULL ORDER BY p.engagement_id, p.created_at"
)


_decode = log_value


def get_stakeholder(handle: MissionHandle, stakeholder_id: str,
                    today: date | None = None) -> StakeholderDetail:
    """Everything the detail panel shows about one live stakeholder (RecordMissing if none)."""
    today = today or date.today()
    with handle.session() as session:
        row = session.get(Stakeholder, stakeholder_id)
        if row is None:
            raise RecordMissing(table=TABLE, record_id=stakeholder_id)
        base = _view(row)
        owner_name = None
        if row.owner_id:
            owner_name = session.scalar(select(TeamMember.name)
                                        .where(TeamMember.id == row.owner_id))
        conn = session.connection()
        last_text = conn.exec_driver_sql(
            "SELECT max(c.starts_at) FROM engagement_counterparts AS c "
            "JOIN engagements AS e ON e.id = c.engagement_id "
            "WHERE c.stakeholder_id = ? AND c.deleted_at IS NULL AND e.deleted_at IS NULL "
            "AND c.starts_at < ?", (stakeholder_id, _cutoff(today))).scalar()
        last_engaged = _day(last_text)
        days = (today - last_engaged).days if last_engaged is not None else None
        priority = engagement_priority(
            influence=row.influence, interest=row.interest, stance_peace=row.stance_peace,
            stance_mission=row.stance_mission, perception=row.perception,
            days_since_engaged=days, do_not_engage=row.do_not_engage,
            override=row.priority_override, override_reason=row.priority_override_reason,
            not_target=not_a_target(category=row.category, name=row.name,
                                    aliases=row.aliases or (), **_mission_names(session)),
        )

        latest: dict[str, PerceptionView] = {}
        earlier: list[PerceptionView] = []
        for p, code in _group_perception_rows(session, stakeholder_id):
            view = PerceptionView(
                id=p.id, group_name=p.group_name, perception=p.perception,
                evidence=p.evidence, source_code=code, source_id=p.source_id,
                assessed_on=p.created_at.date() if p.created_at else None,
                assessed_by=p.created_by)
            if fold(p.group_name) in latest:
                earlier.append(view)
            else:
                latest[fold(p.group_name)] = view
        perceptions = tuple(sorted(latest.values(), key=lambda v: fold(v.group_name)))
        assessments = tuple(
            AssessmentView(id=a.id, assessed_on=a.assessed_on, assessed_by=a.assessed_by,
                           stance_peace=a.stance_peace, stance_mission=a.stance_mission,
                           perception=a.perception, reason=a.reason, source_code=code)
            for a, code in session.execute(
                select(StakeholderAssessment, Source.code_name)
                .outerjoin(Source, Source.id == StakeholderAssessment.source_id)
                .where(StakeholderAssessment.stakeholder_id == stakeholder_id)
                .order_by(StakeholderAssessment.assessed_on.desc(),
                          StakeholderAssessment.created_at.desc())
            )
        )

        relationships = []
        for outgoing, mine, other in ((True, Relationship.source_id, Relationship.target_id),
                                      (False, Relationship.target_id, Relationship.source_id)):
            for rel, other_name in session.execute(
                select(Relationship, Stakeholder.name)
                .join(Stakeholder, Stakeholder.id == other)
                .where(mine == stakeholder_id)
            ):
                relationships.append(RelationshipView(
                    id=rel.id, type=rel.type, other_id=getattr(rel, other.key),
                    other_name=other_name, outgoing=outgoing, strength=rel.strength,
                    valence=rel.valence, status=rel.status, valid_from=rel.valid_from,
                    valid_to=rel.valid_to, confidence=rel.confidence,
                ))
        relationships.sort(key=lambda r: (fold(r.other_name), r.type, r.id))

        engagement_rows = session.execute(
            select(Engagement.id, Engagement.starts_at, Engagement.title, Engagement.format)
            .join(EngagementCounterpart, EngagementCounterpart.engagement_id == Engagement.id)
            .where(EngagementCounterpart.stakeholder_id == stakeholder_id)
            .order_by(Engagement.starts_at.desc())
        ).all()
        leads: dict[str, str] = {}
        ids = [e.id for e in engagement_rows]
        for start in range(0, len(ids), 900):
            chunk = ids[start:start + 900]
            # By the index on engagement_id (CROSS JOIN fixes the order, + keeps SQLite off
            # the indexes on deleted_at, which every live row matches): the ORM's query read
            # every participant of the large mission (0.2 s).
            for engagement_id, name in conn.exec_driver_sql(
                _LEADS_SQL % ", ".join("?" * len(chunk)), tuple(chunk)
            ):
                leads.setdefault(engagement_id, name)
        seen: set[str] = set()
        engagements = []
        for e in engagement_rows:
            if e.id in seen:
                continue
            seen.add(e.id)
            engagements.append(EngagementBrief(id=e.id, starts_at=e.starts_at, title=e.title,
                                               format=e.format, lead_name=leads.get(e.id)))

        commitments = tuple(
            CommitmentBrief(
                id=c.id, text=c.text, status=c.status, due_date=c.due_date,
                owner_name=owner,
                overdue=c.status == "overdue" or (
                    c.status in OPEN_COMMITMENT_STATUSES and c.due_date is not None
                    and c.due_date < today),
            )
            for c, owner in session.execute(
                select(Commitment, TeamMember.name)
                .outerjoin(TeamMember, TeamMember.id == Commitment.owner_id)
                .where(Commitment.committed_by_id == stakeholder_id)
                .order_by(Commitment.due_date.is_(None), Commitment.due_date.desc(),
                          Commitment.created_at.desc())
            )
        )

        drivers = tuple(drivers_for_stakeholder(handle, stakeholder_id))

        history = tuple(
            ChangeView(at=c.at, user_name=c.user_name, action=c.action, field=c.field,
                       old_value=_decode(c.old_value), new_value=_decode(c.new_value))
            for c in session.scalars(
                select(ChangeLog)
                .where(ChangeLog.table_name == TABLE, ChangeLog.record_id == stakeholder_id)
                .order_by(ChangeLog.at.desc(), ChangeLog.id)
            )
        )

    values = {f.name: getattr(base, f.name) for f in fields(StakeholderView)}
    return StakeholderDetail(
        **values, owner_name=owner_name, priority=priority, last_engaged=last_engaged,
        days_since_engaged=days, perceptions=perceptions, assessments=assessments,
        perception_history=tuple(earlier),
        relationships=tuple(relationships), engagements=tuple(engagements),
        commitments=commitments, drivers=drivers, history=history,
    )


# --- duplicates and the filter bar ----------------------------------------------------------


def find_similar(handle: MissionHandle, name: str, aliases: Iterable[str] = (),
                 exclude_id: str | None = None) -> list[Similar]:
    """Live stakeholders whose name or alias looks like `name` or one of `aliases`, best
    first (the duplicate warning before a create; `exclude_id` skips the record edited)."""
    with handle.session() as session:
        rows = session.connection().exec_driver_sql(
            "SELECT id, name, aliases FROM stakeholders WHERE deleted_at IS NULL"
        ).fetchall()
    existing = [(sid, sname, _json_list(saliases)) for sid, sname, saliases in rows
                if sid != exclude_id]
    return similar_names(name, list(aliases), existing)


def filter_options(handle: MissionHandle) -> dict[str, list]:
    """What the filter bar offers, from the live stakeholders: "categories", "regions",
    "tags" (sorted, accents folded) and "owners" ((id, name) pairs, by name)."""
    with handle.session() as session:
        conn = session.connection()
        rows = conn.exec_driver_sql(
            "SELECT category, regions, tags FROM stakeholders WHERE deleted_at IS NULL"
        ).fetchall()
        owners = conn.exec_driver_sql(
            "SELECT DISTINCT t.id, t.name FROM team_members AS t "
            "JOIN stakeholders AS s ON s.owner_id = t.id "
            "WHERE s.deleted_at IS NULL AND t.deleted_at IS NULL"
        ).fetchall()
    categories: set[str] = set()
    regions: set[str] = set()
    tags: set[str] = set()
    for category, region_text, tag_text in rows:
        categories.add(category)
        regions.update(_json_list(region_text))
        tags.update(_json_list(tag_text))
    return {
        "categories": sorted(categories),
        "regions": sorted(regions, key=lambda v: (fold(v), v)),
        "tags": sorted(tags, key=lambda v: (fold(v), v)),
        "owners": sorted(((i, n) for i, n in owners), key=lambda o: (fold(o[1]), o[0])),
    }


def stakeholder_ids_by_key(handle: MissionHandle) -> dict[str, tuple[str, int]]:
    """Folded name -> (id, revision) of the live stakeholders (importers update by name)."""
    with handle.session() as session:
        rows = session.connection().exec_driver_sql(
            "SELECT name_key, id, revision FROM stakeholders WHERE deleted_at IS NULL"
        ).fetchall()
    return {key: (sid, revision) for key, sid, revision in rows}


# --- one undoable step of the stakeholder form ----------------------------------------------


def create_with_assessment(uow: UnitOfWork, *, stance: dict | None = None,
                           group_perceptions: list[dict] | None = None,
                           **fields_) -> StakeholderView:
    """Create a stakeholder with the form's first assessment (stance and perception, dated
    today, unless all unknown) and its perception by community group, in one unit of work."""
    view = create_stakeholder(uow, **fields_)
    if stance and any(v not in (None, "unknown") for v in stance.values()):
        view = record_assessment(uow, view.id, expected_revision=view.revision,
                                 assessed_on=date.today(), **stance)
    if group_perceptions:
        uow.session.flush()  # the new row's revision, as the next call checks it
        view = record_group_perceptions(uow, view.id, expected_revision=view.revision,
                                        perceptions=group_perceptions)
    return view


def update_with_perceptions(uow: UnitOfWork, stakeholder_id: str, *, expected_revision: int,
                            group_perceptions: list[dict] | None = None,
                            **changes) -> StakeholderView:
    """Change fields of a stakeholder and, given `group_perceptions`, its perception by
    community group (each changed group a dated assessment), in one unit of work."""
    view = None
    if changes:
        view = update_stakeholder(uow, stakeholder_id, expected_revision=expected_revision,
                                  **changes)
        expected_revision = view.revision
    if group_perceptions is not None:
        view = record_group_perceptions(uow, stakeholder_id,
                                        expected_revision=expected_revision,
                                        perceptions=group_perceptions)
    if view is None:
        view = _view(_load(uow, stakeholder_id, expected_revision))
    return view
