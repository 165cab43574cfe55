"""Relationships between stakeholders: typed links (V6), read and written one at a time.

A relationship goes from `source_id` to `target_id`; its type gives a family and a default
valence (`vocab.RELATIONSHIP_TYPES`). Symmetric types (allied_with, rival_of, ...) read both
ways: `list_relationships(handle, sid)` returns every relationship with `sid` at either end,
so a symmetric link is found from both of its stakeholders. Several typed links between the
same pair are allowed (allied and negotiating, or allied twice in two periods).

Validity dates are partial ISO dates ("2019", "2019-05", "2019-05-14"): a relationship valid
to "2019" ended during 2019. No Qt here, no user-visible text: failures are `InvalidValue`
codes with the parameters `messages.error_text` words.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

from missiondesk.services import validation
from missiondesk.services.names import fold
from missiondesk.services.records import apply_changes, load_record
from missiondesk.store.errors import InvalidValue, RecordMissing
from missiondesk.store.handle import MissionHandle, UnitOfWork, utcnow
from missiondesk.store.schema import Relationship, Source, Stakeholder, new_id
from missiondesk.store.vocab import (
    RELATIONSHIP_TYPES,
    Classification,
    Confidence,
    RelationshipStatus,
    RelationshipType,
)

TABLE = "relationships"

#: Fields the form and the importer write (besides the two ends, every one may change).
EDITABLE = (
    "source_id", "target_id", "type", "strength", "valence", "status", "valid_from",
    "valid_to", "confidence", "evidence_source_id", "evidence_note", "notes", "classification",
)
STRENGTH_RANGE = (1, 5)
VALENCE_RANGE = (-2, 2)
LONG_TEXT_MAX = 20_000
DEFAULT_STRENGTH = 3
DEFAULT_STATUS = RelationshipStatus.ACTIVE.value
DEFAULT_CONFIDENCE = Confidence.PROBABLE.value

#: Type code -> (family, default valence, symmetric), the codes as plain strings.
TYPE_INFO: dict[str, tuple[str, int, bool]] = {
    t.value: (info.family.value, info.default_valence, info.symmetric)
    for t, info in RELATIONSHIP_TYPES.items()
}
SYMMETRIC_TYPES = frozenset(t for t, (_f, _v, sym) in TYPE_INFO.items() if sym)

_VOCABULARIES = {
    "type": RelationshipType,
    "status": RelationshipStatus,
    "confidence": Confidence,
    "classification": Classification,
}
_PARTIAL_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_TEXTS = ("evidence_note", "notes")
_LINKS = ("source_id", "target_id", "evidence_source_id")


@dataclass(frozen=True)
class RelationshipView:
    """One relationship with the names of its two stakeholders and its evidence's code."""

    id: str
    revision: int
    source_id: str
    source_name: str
    target_id: str
    target_name: str
    type: str
    family: str
    symmetric: bool
    strength: int
    valence: int
    status: str
    valid_from: str | None
    valid_to: str | None
    confidence: str
    evidence_source_id: str | None
    evidence_source_code: str | None
    evidence_note: str | None
    notes: str | None
    classification: str
    deleted: bool = False

    def values(self) -> dict:
        """The editable fields, as `update_relationship` takes them (for undo)."""
        return {name: getattr(self, name) for name in EDITABLE}

    def other_end(self, stakeholder_id: str) -> tuple[str, str]:
        """(id, name) of the stakeholder at the other end from `stakeholder_id`."""
        if self.source_id == stakeholder_id:
            return self.target_id, self.target_name
        return self.source_id, self.source_name


def type_info(code: str) -> tuple[str, int, bool]:
    """(family, default valence, symmetric) of a type code; ("", 0, False) for an unknown one."""
    return TYPE_INFO.get(code, ("", 0, False))


def default_valence(code: str) -> int:
    return type_info(code)[1]


# --- validation -----------------------------------------------------------------------------


def _integer(name: str, value, low: int, high: int) -> int:
    if isinstance(value, str) and value.strip().lstrip("+-").isdigit():
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise InvalidValue(field=name, table=TABLE, reason="out_of_range", value=value,
                           min=low, max=high)
    return value


def partial_date(name: str, value) -> str | None:
    """A partial ISO date as stored ("2019", "2019-05", "2019-05-14"), None when empty."""
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value.isoformat()
    text = str(value).strip()
    if not text:
        return None
    match = _PARTIAL_DATE.match(text)
    if match is None:
        raise InvalidValue(field=name, table=TABLE, reason="not_a_date", value=text)
    year, month, day = match.groups()
    try:
        date(int(year), int(month or 1), int(day or 1))
    except ValueError as exc:
        raise InvalidValue(field=name, table=TABLE, reason="not_a_date", value=text) from exc
    return text


def period_start(text: str) -> date:
    """The first day a partial date covers: "2019" -> 2019-01-01."""
    year, month, day = _PARTIAL_DATE.match(text).groups()
    return date(int(year), int(month or 1), int(day or 1))


def period_end(text: str) -> date:
    """The last day a partial date covers: "2019-02" -> 2019-02-28."""
    year, month, day = _PARTIAL_DATE.match(text).groups()
    y, m = int(year), int(month or 12)
    return date(y, m, int(day) if day else calendar.monthrange(y, m)[1])


def clean_fields(changes: dict, *, creating: bool) -> dict:
    """Validate and normalise relationship fields (EDITABLE).

    Raises `InvalidValue(field=, table="relationships", reason=)` with reason required,
    not_in_vocabulary (value, allowed), out_of_range (value, min, max: strength 1-5, valence
    -2..2), not_a_date (partial dates "YYYY", "YYYY-MM", "YYYY-MM-DD"), ends_before_start
    (valid_to before valid_from), same_stakeholder (source == target), too_long. Creating
    requires source_id, target_id and type. The cross-field checks look only at the fields
    given; `update_relationship` repeats them on the merged record. Unknown field names are
    a programming error (ValueError).
    """
    if creating:
        for name in ("source_id", "target_id", "type"):
            value = changes.get(name)
            if value is None or (isinstance(value, str) and not value.strip()):
                raise InvalidValue(field=name, table=TABLE, reason="required")
    clean: dict = {}
    for name, value in changes.items():
        if name in _LINKS:
            text = value.strip() if isinstance(value, str) else value
            if not text:
                if name != "evidence_source_id":
                    raise InvalidValue(field=name, table=TABLE, reason="required")
                text = None
            if text is not None and not isinstance(text, str):
                raise InvalidValue(field=name, table=TABLE, reason="unknown_record",
                                   value=str(value))
            clean[name] = text
        elif name in _VOCABULARIES:
            if isinstance(value, str):
                value = value.strip()
                if name == "classification":
                    value = value.upper()
            if name == "type" and not value:
                raise InvalidValue(field=name, table=TABLE, reason="required")
            try:
                clean[name] = validation.vocabulary(name, value, _VOCABULARIES[name])
            except InvalidValue as exc:
                raise InvalidValue(**exc.params, table=TABLE) from None
        elif name == "strength":
            clean[name] = _integer(name, value, *STRENGTH_RANGE)
        elif name == "valence":
            clean[name] = _integer(name, value, *VALENCE_RANGE)
        elif name in ("valid_from", "valid_to"):
            clean[name] = partial_date(name, value)
        elif name in _TEXTS:
            try:
                clean[name] = validation.optional_text(name, value, max_length=LONG_TEXT_MAX)
            except InvalidValue as exc:
                raise InvalidValue(**exc.params, table=TABLE) from None
        else:
            raise ValueError("not an editable relationship field: %s" % name)
    _cross_check(clean)
    return clean


def _cross_check(values: dict) -> None:
    source, target = values.get("source_id"), values.get("target_id")
    if source is not None and source == target:
        raise InvalidValue(field="target_id", table=TABLE, reason="same_stakeholder")
    start, end = values.get("valid_from"), values.get("valid_to")
    if start and end and period_end(end) < period_start(start):
        raise InvalidValue(field="valid_to", table=TABLE, reason="ends_before_start",
                           value=end, start=start)


# --- reading --------------------------------------------------------------------------------

_SELECT = (
    "SELECT r.id, r.revision, r.source_id, s.name, r.target_id, t.name, r.type, r.strength, "
    "r.valence, r.status, r.valid_from, r.valid_to, r.confidence, r.evidence_source_id, "
    "src.code_name, r.evidence_note, r.notes, r.classification, s.name_key, t.name_key "
    "FROM relationships AS r "
    "JOIN stakeholders AS s ON s.id = r.source_id "
    "JOIN stakeholders AS t ON t.id = r.target_id "
    "LEFT JOIN sources AS src ON src.id = r.evidence_source_id AND src.deleted_at IS NULL "
    # + keeps SQLite off the deleted_at indexes, which every live row matches.
    "WHERE +r.deleted_at IS NULL AND +s.deleted_at IS NULL AND +t.deleted_at IS NULL"
)


def _from_row(row) -> RelationshipView:
    (rid, revision, source_id, source_name, target_id, target_name, type_, strength, valence,
     status, valid_from, valid_to, confidence, evidence_id, evidence_code, evidence_note,
     notes, classification) = row
    family, _default, symmetric = type_info(type_)
    return RelationshipView(
        id=rid, revision=revision, source_id=source_id, source_name=source_name,
        target_id=target_id, target_name=target_name, type=type_, family=family,
        symmetric=symmetric, strength=strength, valence=valence, status=status,
        valid_from=valid_from, valid_to=valid_to, confidence=confidence,
        evidence_source_id=evidence_id, evidence_source_code=evidence_code,
        evidence_note=evidence_note, notes=notes, classification=classification,
    )


def list_relationships(handle: MissionHandle,
                       stakeholder_id: str | None = None) -> list[RelationshipView]:
    """The live relationships between live stakeholders, by source name, target name, type.

    With `stakeholder_id`: those with that stakeholder at either end (its outgoing and
    incoming links, so a symmetric one is found from both of its stakeholders)."""
    with handle.session() as session:
        conn = session.connection()
        if stakeholder_id is None:
            rows = conn.exec_driver_sql(_SELECT).fetchall()
        else:
            rows = conn.exec_driver_sql(
                _SELECT + " AND r.source_id = ? UNION ALL " + _SELECT
                + " AND r.target_id = ? AND r.source_id <> ?",
                (stakeholder_id, stakeholder_id, stakeholder_id)).fetchall()
    # Sorted on the stored folded names (name_key), selected last: no fold() per row.
    rows.sort(key=lambda r: (r[-2] or "", r[-1] or "", r[6], r[0]))
    return [_from_row(row[:-2]) for row in rows]


def get_relationship(handle: MissionHandle, relationship_id: str) -> RelationshipView:
    """One live relationship (RecordMissing if it, or one of its stakeholders, is gone)."""
    with handle.session() as session:
        row = session.connection().exec_driver_sql(
            _SELECT + " AND r.id = ?", (relationship_id,)).fetchone()
    if row is None:
        raise RecordMissing(table=TABLE, record_id=relationship_id)
    return _from_row(row[:-2])


def stakeholder_choices(handle: MissionHandle) -> list[tuple[str, str]]:
    """(id, name) of the live stakeholders, by folded name (what the form offers)."""
    with handle.session() as session:
        rows = session.connection().exec_driver_sql(
            "SELECT id, name, name_key FROM stakeholders WHERE deleted_at IS NULL").fetchall()
    rows.sort(key=lambda r: (r[2] or fold(r[1]), r[0]))
    return [(sid, name) for sid, name, _key in rows]


def source_choices(handle: MissionHandle) -> list[tuple[str, str]]:
    """(id, code name) of the live sources, by code (protected ones by their code only)."""
    with handle.session() as session:
        rows = session.connection().exec_driver_sql(
            "SELECT id, code_name FROM sources WHERE deleted_at IS NULL ORDER BY code_name"
        ).fetchall()
    return [(sid, code) for sid, code in rows]


# --- writes ---------------------------------------------------------------------------------


def _stakeholder(uow: UnitOfWork, name: str, stakeholder_id: str) -> Stakeholder:
    with uow.session.no_autoflush:
        row = uow.session.get(Stakeholder, stakeholder_id)
    if row is None or row.deleted_at is not None:
        raise InvalidValue(field=name, table=TABLE, reason="unknown_record",
                           value=stakeholder_id)
    return row


def _source_code(uow: UnitOfWork, source_id: str | None) -> str | None:
    if source_id is None:
        return None
    with uow.session.no_autoflush:
        row = uow.session.get(Source, source_id)
    if row is None or row.deleted_at is not None:
        raise InvalidValue(field="evidence_source_id", table=TABLE, reason="unknown_record",
                           value=source_id)
    return row.code_name


def _view(uow: UnitOfWork, row: Relationship, source_code: str | None = None,
          names: tuple[str, str] | None = None) -> RelationshipView:
    if names is None:
        with uow.session.no_autoflush:
            ends = [uow.session.get(Stakeholder, sid, execution_options={"include_deleted": True})
                    for sid in (row.source_id, row.target_id)]
        names = tuple(e.name if e is not None else "" for e in ends)
    if source_code is None and row.evidence_source_id:
        with uow.session.no_autoflush:
            src = uow.session.get(Source, row.evidence_source_id,
                                  execution_options={"include_deleted": True})
        source_code = src.code_name if src is not None else None
    family, _default, symmetric = type_info(row.type)
    return RelationshipView(
        id=row.id, revision=row.revision, source_id=row.source_id, source_name=names[0],
        target_id=row.target_id, target_name=names[1], type=row.type, family=family,
        symmetric=symmetric, strength=row.strength, valence=row.valence, status=row.status,
        valid_from=row.valid_from, valid_to=row.valid_to, confidence=row.confidence,
        evidence_source_id=row.evidence_source_id, evidence_source_code=source_code,
        evidence_note=row.evidence_note, notes=row.notes, classification=row.classification,
        deleted=row.deleted_at is not None,
    )


def _load(uow: UnitOfWork, relationship_id: str, expected_revision: int | None,
          include_deleted: bool = False) -> Relationship:
    return load_record(uow, Relationship, relationship_id, expected_revision, include_deleted)


def create_relationship(uow: UnitOfWork, **fields_) -> RelationshipView:
    """Add a relationship; source_id, target_id and type are required. The valence defaults
    to the type's default valence, strength to 3, status to active, confidence to probable.
    An `id` may be given (imports keep theirs)."""
    record_id = fields_.pop("id", None) or new_id()
    clean = clean_fields(fields_, creating=True)
    source = _stakeholder(uow, "source_id", clean["source_id"])
    target = _stakeholder(uow, "target_id", clean["target_id"])
    code = _source_code(uow, clean.get("evidence_source_id"))
    row = Relationship(
        id=record_id,
        source_id=source.id,
        target_id=target.id,
        type=clean["type"],
        strength=clean.get("strength", DEFAULT_STRENGTH),
        valence=clean.get("valence", default_valence(clean["type"])),
        status=clean.get("status") or DEFAULT_STATUS,
        valid_from=clean.get("valid_from"),
        valid_to=clean.get("valid_to"),
        confidence=clean.get("confidence") or DEFAULT_CONFIDENCE,
        evidence_source_id=clean.get("evidence_source_id"),
        evidence_note=clean.get("evidence_note"),
        notes=clean.get("notes"),
        classification=clean.get("classification", Classification.UNCLASSIFIED.value),
        revision=1,  # what the unit of work gives a new row; the view reports it unflushed
    )
    uow.add(row)
    return _view(uow, row, code, (source.name, target.name))


def update_relationship(uow: UnitOfWork, relationship_id: str, *, expected_revision: int,
                        **changes) -> RelationshipView:
    """Change fields of a relationship; refused (RevisionConflict) if it moved past
    `expected_revision`. The valence stays as stored when only the type changes."""
    row = _load(uow, relationship_id, expected_revision)
    clean = clean_fields(changes, creating=False)
    merged = {name: getattr(row, name) for name in EDITABLE}
    merged.update(clean)
    _cross_check(merged)
    for name in ("source_id", "target_id"):
        if name in clean and clean[name] != getattr(row, name):
            _stakeholder(uow, name, clean[name])
    if clean.get("evidence_source_id") and clean["evidence_source_id"] != row.evidence_source_id:
        _source_code(uow, clean["evidence_source_id"])
    apply_changes(row, clean)
    uow.session.flush()
    return _view(uow, row)


def delete_relationship(uow: UnitOfWork, relationship_id: str, *,
                        expected_revision: int) -> RelationshipView:
    """Tombstone a relationship (hidden everywhere; `restore_relationship` brings it back)."""
    row = _load(uow, relationship_id, expected_revision)
    row.deleted_at = utcnow()
    uow.session.flush()
    return _view(uow, row)


def restore_relationship(uow: UnitOfWork, relationship_id: str, *,
                         expected_revision: int) -> RelationshipView:
    """Bring back a tombstoned relationship."""
    row = _load(uow, relationship_id, expected_revision, include_deleted=True)
    if row.deleted_at is not None:
        row.deleted_at = None
        uow.session.flush()
    return _view(uow, row)
