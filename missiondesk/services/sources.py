"""The Source register: code names that notes cite (``SRC-014``), never the person behind them.

A source has a code name (unique, also among deleted sources, since the file keeps them),
a type, a reliability grade A–F, a credibility grade 1–6 and a protected flag. The
description of a protected source says who or what it is: outside the Sources desk it is
never shown (`display_description` masks it, and the audit trail masks its history).
No Qt here, and no user-visible text: failures are `InvalidValue` codes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from missiondesk.services import validation
from missiondesk.services.names import fold
from missiondesk.services.records import check_revision, find_record
from missiondesk.store.errors import InvalidValue, RecordMissing
from missiondesk.store.handle import MissionHandle, UnitOfWork, utcnow
from missiondesk.store.schema import (
    ChangeLog,
    Mission,
    Relationship,
    Source,
    StakeholderAssessment,
    StakeholderPerception,
)
from missiondesk.store.vocab import (
    SOURCE_CREDIBILITY,
    Classification,
    SourceReliability,
    SourceType,
)

#: Fields the source form edits, in form order.
EDITABLE = ("code_name", "source_type", "reliability", "credibility", "protected",
            "description", "classification")
#: Columns of the register (`sort_rows` accepts each).
TABLE_COLUMNS = ("code_name", "source_type", "reliability", "credibility", "protected",
                 "citations", "description", "classification")
#: The fields that say who or what a protected source is: masked everywhere outside the
#: Sources desk (exports included) unless the user asks, and the asking is logged.
PROTECTED_FIELDS = ("description",)
#: Change-log actions recording that someone saw or exported protected sources (the entry
#: names the mission, who and when; never a source or its content).
SHOWN_PROTECTED = "reveal"
EXPORTED_PROTECTED = "reveal_exp"
CODE_PREFIX = "SRC-"
_CODE_NUMBER = re.compile(r"^SRC-(\d+)$", re.IGNORECASE)
_LONG_TEXT = 5000


@dataclass(frozen=True)
class SourceRow:
    """One line of the register. `description` is the real text: mask it before showing
    a protected one (`display_description`)."""

    id: str
    revision: int
    code_name: str
    source_type: str
    reliability: str
    credibility: int
    protected: bool
    description: str | None
    classification: str
    citations: int            # live relationships, assessments and perceptions citing it
    updated_at: datetime | None = None
    updated_by: str | None = None

    def values(self) -> dict:
        """The form's fields (EDITABLE)."""
        return {name: getattr(self, name) for name in EDITABLE}


@dataclass(frozen=True)
class SourceView:
    """What a write returns: enough for the undo stack and a status line."""

    id: str
    revision: int
    code_name: str
    deleted: bool = False


def log_protected_access(uow: UnitOfWork, action: str = SHOWN_PROTECTED) -> str:
    """Record in the change log that the user had protected sources shown ("Show protected"
    in the Sources desk) or exported them (`EXPORTED_PROTECTED`); returns the entry's id.

    The entry belongs to the mission record, with no field and no value: who and when only.
    """
    if action not in (SHOWN_PROTECTED, EXPORTED_PROTECTED):
        raise ValueError("not a protected-access action: %s" % action)
    session = uow.session
    mission_id = session.scalars(select(Mission.id)).first()
    if mission_id is None:
        raise RecordMissing(table="mission", record_id="")
    entry = ChangeLog(at=utcnow(), user_id=uow.handle.user_id,
                      user_name=uow.handle.user_name, origin=uow.handle.device,
                      table_name="mission", record_id=mission_id, action=action)
    session.add(entry)
    session.flush()
    uow.changed.setdefault("change_log", set()).add(entry.id)
    return entry.id


def display_description(row: SourceRow, *, show_protected: bool = False) -> str | None:
    """The description as a screen may show it: None for a protected source unless asked."""
    if row.protected and not show_protected:
        return None
    return row.description


# --- validation ----------------------------------------------------------------------------


def _credibility(value) -> int:
    low, high = SOURCE_CREDIBILITY.start, SOURCE_CREDIBILITY.stop - 1
    try:
        number = int(value)
        if isinstance(value, bool) or (isinstance(value, float) and number != value):
            raise ValueError(value)
    except (TypeError, ValueError) as exc:
        raise InvalidValue(field="credibility", reason="out_of_range", value=value, min=low,
                           max=high) from exc
    if not low <= number <= high:
        raise InvalidValue(field="credibility", reason="out_of_range", value=value, min=low,
                           max=high)
    return number


def clean_fields(changes: dict, *, creating: bool) -> dict:
    """Validate and normalise source fields; raises InvalidValue(field=, reason=, ...).

    Reasons: required, too_long (max_length), not_in_vocabulary (value, allowed),
    out_of_range (min, max). Creating requires code_name and source_type. Code names are
    stored upper-case without surrounding spaces ("src-14 " -> "SRC-14").
    """
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ValueError("not an editable source field: %s" % ", ".join(sorted(unknown)))
    if creating:
        for name in ("code_name", "source_type"):
            if changes.get(name) in (None, ""):
                raise InvalidValue(field=name, reason="required")
    clean: dict = {}
    for name in EDITABLE:
        if name not in changes:
            continue
        value = changes[name]
        if name == "code_name":
            clean[name] = " ".join(validation.required_text(name, value, max_length=40)
                                   .split()).upper()
        elif name == "source_type":
            clean[name] = validation.vocabulary(name, value, SourceType)
        elif name == "reliability":
            clean[name] = validation.vocabulary(name, (value or "").strip().upper() or None,
                                                SourceReliability)
        elif name == "credibility":
            clean[name] = _credibility(value)
        elif name == "protected":
            clean[name] = bool(value)
        elif name == "description":
            clean[name] = validation.optional_text(name, value, max_length=_LONG_TEXT)
        elif name == "classification":
            clean[name] = validation.vocabulary(name, value, Classification)
    return clean


def _check_code_free(session, code_name: str, own_id: str | None) -> None:
    """Code names are unique in the file, tombstoned sources included (the file keeps them)."""
    other = session.execute(
        select(Source.id, Source.deleted_at).where(func.upper(Source.code_name) == code_name)
        .execution_options(include_deleted=True)).first()
    if other is not None and other[0] != own_id:
        raise InvalidValue(field="code_name", reason="duplicate_code", value=code_name,
                           deleted=other[1] is not None)


# --- reading -------------------------------------------------------------------------------


def _citations(session) -> dict[str, int]:
    counts: dict[str, int] = {}
    for column in (Relationship.evidence_source_id, StakeholderAssessment.source_id,
                   StakeholderPerception.source_id):
        for source_id, n in session.execute(
                select(column, func.count()).where(column.is_not(None)).group_by(column)):
            counts[source_id] = counts.get(source_id, 0) + n
    return counts


def _row(s: Source, citations: int) -> SourceRow:
    return SourceRow(id=s.id, revision=s.revision, code_name=s.code_name,
                     source_type=s.source_type, reliability=s.reliability,
                     credibility=s.credibility, protected=bool(s.protected),
                     description=s.description, classification=s.classification,
                     citations=citations, updated_at=s.updated_at, updated_by=s.updated_by)


def list_sources(handle: MissionHandle) -> list[SourceRow]:
    """Every live source with the number of live records citing it, by code name."""
    with handle.session() as session:
        counts = _citations(session)
        rows = [_row(s, counts.get(s.id, 0)) for s in session.scalars(select(Source))]
    return sort_rows(rows, "code_name")


def get_source(handle: MissionHandle, source_id: str) -> SourceRow:
    with handle.session() as session:
        s = session.get(Source, source_id)
        if s is None or s.deleted_at is not None:
            raise RecordMissing(table="sources", record_id=source_id)
        return _row(s, _citations(session).get(s.id, 0))


def _code_key(code: str) -> tuple:
    """SRC-2 before SRC-10; other code names after, alphabetically."""
    match = _CODE_NUMBER.match(code or "")
    return (0, int(match.group(1)), "") if match else (1, 0, fold(code))


def sort_rows(rows: Iterable[SourceRow], column: str, descending: bool = False
              ) -> list[SourceRow]:
    """Rows sorted on one of TABLE_COLUMNS (code names by number, grades best first)."""
    types = {t.value: i for i, t in enumerate(SourceType)}
    levels = {c.value: i for i, c in enumerate(Classification)}
    keys = {
        "code_name": lambda r: _code_key(r.code_name),
        "source_type": lambda r: (types.get(r.source_type, 99), _code_key(r.code_name)),
        "reliability": lambda r: (r.reliability, _code_key(r.code_name)),
        "credibility": lambda r: (r.credibility, _code_key(r.code_name)),
        "protected": lambda r: (not r.protected, _code_key(r.code_name)),
        "citations": lambda r: (r.citations, _code_key(r.code_name)),
        "description": lambda r: (fold(r.description or ""), _code_key(r.code_name)),
        "classification": lambda r: (levels.get(r.classification, 99),
                                     _code_key(r.code_name)),
    }
    if column not in keys:
        raise ValueError("not a sources column: %s" % column)
    return sorted(rows, key=keys[column], reverse=descending)


def next_code_name(handle: MissionHandle) -> str:
    """The next free SRC-nnn after the highest in the file (deleted sources count)."""
    with handle.session() as session:
        codes = session.scalars(select(Source.code_name)
                                .execution_options(include_deleted=True)).all()
    numbers = [int(m.group(1)) for m in map(_CODE_NUMBER.match, codes) if m]
    return "%s%03d" % (CODE_PREFIX, max(numbers, default=0) + 1)


# --- writing -------------------------------------------------------------------------------


def _live(session, source_id: str, *, include_deleted: bool = False) -> Source:
    return find_record(session, Source, source_id, include_deleted=include_deleted)


_check_revision = check_revision


def _view(row: Source) -> SourceView:
    return SourceView(id=row.id, revision=row.revision, code_name=row.code_name,
                      deleted=row.deleted_at is not None)


def create_source(uow: UnitOfWork, **fields) -> SourceView:
    """Add a source. code_name and source_type are required; reliability defaults to F,
    credibility to 6 (cannot be judged), protected to True, the classification to the
    mission's default."""
    clean = clean_fields(fields, creating=True)
    session = uow.session
    _check_code_free(session, clean["code_name"], None)
    clean.setdefault("reliability", SourceReliability.F.value)
    clean.setdefault("credibility", 6)
    clean.setdefault("protected", True)
    if "classification" not in clean:
        clean["classification"] = (session.scalars(select(Mission.default_classification))
                                   .first() or Classification.CONFIDENTIAL.value)
    row = Source(**clean)
    uow.add(row)
    session.flush()
    return _view(row)


def update_source(uow: UnitOfWork, source_id: str, *, expected_revision: int | None,
                  **changes) -> SourceView:
    row = _live(uow.session, source_id)
    _check_revision(row, expected_revision)
    clean = clean_fields(changes, creating=False)
    if "code_name" in clean and clean["code_name"] != row.code_name:
        _check_code_free(uow.session, clean["code_name"], row.id)
    for name, value in clean.items():
        setattr(row, name, value)
    uow.session.flush()
    return _view(row)


def delete_source(uow: UnitOfWork, source_id: str, *, expected_revision: int | None
                  ) -> SourceView:
    """Tombstone a source; the records citing it keep the reference (restore brings it back)."""
    row = _live(uow.session, source_id)
    _check_revision(row, expected_revision)
    row.deleted_at = utcnow()
    uow.session.flush()
    return _view(row)


def restore_source(uow: UnitOfWork, source_id: str, *, expected_revision: int | None
                   ) -> SourceView:
    row = _live(uow.session, source_id, include_deleted=True)
    _check_revision(row, expected_revision)
    row.deleted_at = None
    uow.session.flush()
    return _view(row)
