"""Relationships from a CSV or XLSX table: recognise the columns, plan, then apply in one go.

The flow is the stakeholder importer's (`stakeholder_import`)::

    raw = table_io.read_table(path)                     # BadImport for unreadable files
    mapping = map_headers(raw.headers)                  # column index -> known column or None
    plan = plan_relationship_import(handle, raw, mapping)   # reads only; every problem listed
    with handle.unit_of_work() as uow:
        apply_relationship_import(uow, plan)            # all rows or none

The source and target cells name stakeholders: matched by name or alias, case, accents and
spacing ignored (`names.fold`), and by the bracketed short form of a name ("CDF" finds
"Carana Defence Forces (CDF)"). Types, statuses and confidences are codes as the vocabulary
writes them ("allied_with", "Allied with" and the translated labels all read). Values go
through `relationships.clean_fields`, the one place for the rules; each failure is a problem
with the row and column as the user sees them in the file.

A row whose source, target and type match a live relationship updates it (a symmetric type
matches either way round), so importing the same file twice never duplicates; an empty cell
leaves the stored value as it is.

Values outside a vocabulary are listed once in `plan.unknown_values`; `value_map` ({column:
{value as written: code}}) is what the user chose for them. A URL or citation column is the
evidence note.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from sqlalchemy import select

from missiondesk.services import relationships
from missiondesk.services.names import fold, similar_names, variants
from missiondesk.services.stakeholder_import import (
    _classification,
    _code,
    _number,
    apply_plan,
    cell_problem,
    column_letter,
    map_columns,
    mapped_value,
    note_mapped_value,
    note_unknown_value,
    recognise_in,
    shadowed_columns,
    unknown_headers,
)
from missiondesk.services.table_io import RawTable
from missiondesk.store.errors import InvalidValue
from missiondesk.store.handle import MissionHandle, UnitOfWork
from missiondesk.store.schema import Mission
from missiondesk.store.vocab import Classification

#: The columns a relationship file may hold, as the user writes them (any case).
KNOWN_COLUMNS = ("source", "target", "type", "strength", "valence", "status", "valid_from",
                 "valid_to", "confidence", "source_note", "notes", "classification")
REQUIRED_COLUMNS = ("source", "target", "type")

#: Known column -> Relationship field.
FIELD_OF = {
    "source": "source_id", "target": "target_id", "type": "type", "strength": "strength",
    "valence": "valence", "status": "status", "valid_from": "valid_from",
    "valid_to": "valid_to", "confidence": "confidence", "source_note": "evidence_note",
    "notes": "notes", "classification": "classification",
}
COLUMN_OF = {f: c for c, f in FIELD_OF.items()}

#: Other spellings of the known columns (folded, spaces as "_").
SYNONYMS = {
    "from": "source", "source_name": "source", "source_stakeholder": "source",
    "to": "target", "target_name": "target", "target_stakeholder": "target",
    "relationship": "type", "relationship_type": "type", "relation": "type", "kind": "type",
    "from_date": "valid_from", "start": "valid_from", "since": "valid_from",
    "valid_since": "valid_from", "to_date": "valid_to", "end": "valid_to", "until": "valid_to",
    "valid_until": "valid_to",
    "evidence": "source_note", "evidence_note": "source_note", "note": "source_note",
    "notes_on_source": "source_note", "url": "source_note", "source_url": "source_note",
    "link": "source_note", "citation": "source_note", "reference": "source_note",
    "references": "source_note", "lien": "source_note",
    "comment": "notes", "comments": "notes",
    # French, as a francophone mission's spreadsheet names them
    "de": "source", "origine": "source", "vers": "target", "cible": "target",
    "type_de_relation": "type", "relation_type": "type", "force": "strength",
    "intensite": "strength", "statut": "status", "etat": "status",
    "debut": "valid_from", "depuis": "valid_from", "fin": "valid_to", "jusqua": "valid_to",
    "confiance": "confidence", "fiabilite": "confidence", "preuve": "source_note",
    "classement": "classification",
}
#: Columns recognised but never imported: kept by the mission itself.
COMPUTED_COLUMNS = frozenset({"id", "revision", "family", "symmetric"})

NUMBER_COLUMNS = frozenset({"strength", "valence"})
VOCABULARY_COLUMNS = frozenset({"type", "status", "confidence"})
STAKEHOLDER_COLUMNS = frozenset({"source", "target"})
PROGRESS_EVERY = 200
MAX_PROBLEMS = 1000


@dataclass(frozen=True)
class PlannedRelationship:
    """One row of the preview: what importing it does."""

    row: int
    source: str
    target: str
    type: str
    action: str  # "create" | "update" | "unchanged" | "invalid"
    relationship_id: str | None = None
    changes: dict = field(default_factory=dict)
    previous: dict = field(default_factory=dict)


@dataclass
class RelationshipImportPlan:
    """What an import would do, computed without writing. Empty `problems`: ready to apply."""

    creates: list[dict] = field(default_factory=list)
    updates: list[tuple[str, int, dict]] = field(default_factory=list)
    problems: list[tuple[str, dict]] = field(default_factory=list)
    rows: list[PlannedRelationship] = field(default_factory=list)
    problem_count: int = 0
    classification: str | None = None
    unknown_values: dict[str, dict[str, int]] = field(default_factory=dict)
    allowed: dict[str, list] = field(default_factory=dict)
    mapped_values: dict[str, dict[str, int]] = field(default_factory=dict)

    @property
    def unchanged(self) -> int:
        return sum(1 for r in self.rows if r.action == "unchanged")

    def add_problem(self, code: str, **params) -> None:
        self.problem_count += 1
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append((code, params))


# --- headers --------------------------------------------------------------------------------


def recognise_header(header: str) -> str | None:
    """The known column a header names (case, accents, spaces ignored), or None."""
    return recognise_in(header, KNOWN_COLUMNS, SYNONYMS)


def map_headers(headers: Sequence[str]) -> dict[int, str | None]:
    """Column index -> the known column it holds (None: not recognised, or named twice)."""
    return map_columns(headers, recognise_header)


def unrecognised_headers(headers: Sequence[str]) -> list[int]:
    """Indexes of headers that are neither a known column nor a computed one."""
    return unknown_headers(headers, recognise_header, COMPUTED_COLUMNS)


# --- the stakeholders a file may name -------------------------------------------------------


def stakeholder_names(handle: MissionHandle) -> list[tuple[str, str, list[str]]]:
    """(id, name, aliases) of the live stakeholders, by folded name (pickers and imports)."""
    with handle.session() as session:
        rows = session.connection().exec_driver_sql(
            "SELECT id, name, aliases FROM stakeholders WHERE deleted_at IS NULL").fetchall()
    found = []
    for sid, name, aliases in rows:
        try:
            alias_list = json.loads(aliases) if aliases else []
        except ValueError:
            alias_list = []
        found.append((sid, name, [a for a in alias_list if isinstance(a, str)]))
    found.sort(key=lambda r: (fold(r[1]), r[0]))
    return found


class StakeholderIndex:
    """Folded name, alias or bracketed short form -> the stakeholders it names.

    A stakeholder's own name wins over another's alias, an alias over a short form, so
    "MPC" finds the stakeholder called "MPC" even when another lists it as an alias."""

    #: Distinct unknown names for which close spellings are looked for (each walks them all).
    SUGGEST_AT_MOST = 20

    def __init__(self) -> None:
        self._keys: list[dict[str, dict[str, str]]] = [{}, {}, {}]  # name, alias, variant
        self._records: list[tuple[str, str, list[str]]] = []
        self._suggested: dict[str, list[str]] = {}

    def add(self, stakeholder_id: str, name: str, aliases: Iterable[str] = ()) -> None:
        self._records.append((stakeholder_id, name, list(aliases or ())))
        self._keys[0].setdefault(fold(name), {})[stakeholder_id] = name
        for alias in aliases or ():
            self._keys[1].setdefault(fold(alias), {})[stakeholder_id] = name
        for text in (name, *(aliases or ())):
            for variant in variants(text)[1:]:
                self._keys[2].setdefault(fold(variant), {})[stakeholder_id] = name

    def find(self, text: str) -> dict[str, str]:
        """id -> name of the stakeholders `text` names at the best level (empty: none)."""
        key = fold(text)
        for level in self._keys:
            found = level.get(key)
            if found:
                return found
        return {}

    def suggest(self, text: str, limit: int = 3) -> list[str]:
        """Names of stakeholders whose name looks like `text` (a misspelling), best first."""
        key = fold(text)
        if key not in self._suggested:
            if len(self._suggested) >= self.SUGGEST_AT_MOST:
                return []
            found = similar_names(text, [], self._records)
            self._suggested[key] = list(dict.fromkeys(s.name for s in found))[:limit]
        return self._suggested[key]


def _stakeholder_index(handle: MissionHandle,
                       pending: Iterable[tuple[str, str, Iterable[str]]]) -> StakeholderIndex:
    index = StakeholderIndex()
    for sid, name, aliases in stakeholder_names(handle):
        index.add(sid, name, aliases)
    for sid, name, aliases in pending:
        index.add(sid, name, aliases)
    return index


def _pair_key(source_id: str, target_id: str, type_: str) -> tuple[str, str, str]:
    if type_ in relationships.SYMMETRIC_TYPES and target_id < source_id:
        source_id, target_id = target_id, source_id
    return source_id, target_id, type_


def _existing(handle: MissionHandle) -> dict[tuple[str, str, str], list[dict]]:
    """(source, target, type) -> the live relationships, oldest first, as stored values."""
    found: dict[tuple[str, str, str], list[dict]] = {}
    columns = ("id", "revision") + relationships.EDITABLE
    with handle.session() as session:
        rows = session.connection().exec_driver_sql(
            "SELECT %s FROM relationships WHERE deleted_at IS NULL ORDER BY created_at, id"
            % ", ".join(columns)).fetchall()
    for row in rows:
        values = dict(zip(columns, row, strict=True))
        key = _pair_key(values["source_id"], values["target_id"], values["type"])
        found.setdefault(key, []).append(values)
    return found


def _default_classification(handle: MissionHandle, marking: str | None) -> str:
    with handle.session() as session:
        mission_default = session.scalar(select(Mission.default_classification))
    return Classification.highest(
        [v for v in (marking, mission_default) if v] or [Classification.CONFIDENTIAL]).value


# --- planning -------------------------------------------------------------------------------


def plan_relationship_import(handle: MissionHandle, raw: RawTable,
                             mapping: dict[int, str | None], *,
                             labels: dict[str, dict[str, str]] | None = None,
                             pending: Iterable[tuple[str, str, Iterable[str]]] = (),
                             value_map: dict[str, dict[str, str | None]] | None = None,
                             progress: Callable[[int, int], None] | None = None
                             ) -> RelationshipImportPlan:
    """Check every row and decide what to create and update; writes nothing.

    `mapping` is `map_headers(raw.headers)`, possibly corrected by the user. `labels` may
    give, per field (type, status, confidence), the words shown for each code (label ->
    code). `pending` adds stakeholders (id, name, aliases) not yet in the file — those a
    stakeholder import in the same unit of work creates. `value_map` ({known column: {value
    as written: code}}) is what the user chose for values outside a vocabulary; those still
    refused are in `plan.unknown_values`. `progress(done, total)` is called every few hundred
    rows; an exception it raises (a cancel) propagates.

    Problems are (code, params) pairs: "no_rows", "missing_columns" (columns, allowed),
    "duplicate_column" (field, columns), "extra_values" (row, count),
    "unknown_stakeholder" (row, column, letter, value, suggestions: close names),
    "ambiguous_stakeholder" (row, column, letter, value, names),
    "duplicate_relationship" (row, first_row, source, target, type), and "bad_value"
    (row, column, letter, field, value, reason, allowed / min, max / start) with reasons
    required, not_in_vocabulary, out_of_range, not_a_number, not_a_date,
    ends_before_start, same_stakeholder, too_long.
    """
    plan = RelationshipImportPlan(classification=raw.classification)
    columns: dict[str, int] = {}
    for index, column in sorted(mapping.items()):
        if column is None:
            continue
        if column not in FIELD_OF:
            raise ValueError("not a known column: %s" % column)
        if column in columns:
            plan.add_problem("duplicate_column", field=column, columns=[
                raw.headers[columns[column]] if columns[column] < len(raw.headers) else "",
                raw.headers[index] if index < len(raw.headers) else ""])
            continue
        columns[column] = index
    shadowed_columns(plan, raw.headers, mapping, columns, recognise_header)
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        plan.add_problem("missing_columns", columns=missing, allowed=list(KNOWN_COLUMNS))
    if not raw.rows:
        plan.add_problem("no_rows")
    if plan.problems:
        return plan

    index = _stakeholder_index(handle, pending)
    existing = _existing(handle)
    default_classification = _default_classification(handle, raw.classification)
    words = {name: {_code(label): code for label, code in table.items()}
             for name, table in (labels or {}).items()}
    width = len(raw.headers)
    seen: dict[tuple[str, str, str], int] = {}
    for position, cells in enumerate(raw.rows):
        if progress is not None and position % PROGRESS_EVERY == 0:
            progress(position, len(raw.rows))
        number = raw.row_number(position)
        before = plan.problem_count
        extra = [c for c in cells[width:] if c.strip()]
        if extra:
            plan.add_problem("extra_values", row=number, count=len(extra))
        values, shown = _row_values(plan, index, words, raw, columns, cells, number,
                                    value_map or {})
        texts = [shown.get(c, "") for c in ("source", "target")] + [values.get("type", "")]
        if plan.problem_count != before:
            plan.rows.append(PlannedRelationship(number, *texts, action="invalid"))
            continue
        key = _pair_key(values["source_id"], values["target_id"], values["type"])
        if key in seen:
            plan.add_problem("duplicate_relationship", row=number, first_row=seen[key],
                             source=texts[0], target=texts[1], type=texts[2])
            plan.rows.append(PlannedRelationship(number, *texts, action="invalid"))
            continue
        seen[key] = number
        matches = existing.get(key, [])
        current = _best_match(matches, values)
        if current is None:
            _plan_create(plan, values, default_classification, number, texts, raw, columns)
        else:
            _plan_update(plan, values, current, number, texts, raw, columns)
    if plan.problem_count:
        plan.creates.clear()
        plan.updates.clear()
    return plan


def _where(raw: RawTable, number: int, index: int | None, fieldname: str) -> dict:
    if index is None:
        return {"row": number, "column": COLUMN_OF.get(fieldname, fieldname), "letter": ""}
    return {"row": number, "column": raw.headers[index], "letter": column_letter(index)}


def _row_values(plan: RelationshipImportPlan, index: StakeholderIndex, words: dict,
                raw: RawTable, columns: dict[str, int], cells: list[str],
                number: int, value_map: dict) -> tuple[dict, dict]:
    """The row's non-empty cells as Relationship fields, each checked on its own; and the
    source and target as written in the file."""
    values: dict = {}
    shown: dict = {}
    for column, col in columns.items():
        text = cells[col].strip() if col < len(cells) else ""
        fieldname = FIELD_OF[column]
        where = _where(raw, number, col, fieldname)
        if text and cell_problem(plan, cells[col], where, fieldname):
            continue
        if not text:
            if column in REQUIRED_COLUMNS:
                plan.add_problem("bad_value", **where, field=fieldname, value="",
                                 reason="required")
            continue
        if column in STAKEHOLDER_COLUMNS:
            shown[column] = text
            found = index.find(text)
            if not found:
                plan.add_problem("unknown_stakeholder", **where, value=text,
                                 suggestions=index.suggest(text))
            elif len(found) > 1:
                plan.add_problem("ambiguous_stakeholder", **where, value=text,
                                 names=sorted(found.values(), key=fold))
            else:
                values[fieldname] = next(iter(found))
            continue
        if column in NUMBER_COLUMNS:
            value: object = _number(text)
            if value is None:
                low, high = (relationships.STRENGTH_RANGE if column == "strength"
                             else relationships.VALENCE_RANGE)
                plan.add_problem("bad_value", **where, field=fieldname, value=text,
                                 reason="not_a_number", min=low, max=high,
                                 allowed=list(range(low, high + 1)))
                continue
        elif column in VOCABULARY_COLUMNS:
            value = mapped_value(value_map, column, text)
            if value is None:
                value = _code(text)
                value = words.get(fieldname, {}).get(value, value)
            else:
                note_mapped_value(plan, column, text)
        elif column == "classification":
            value = mapped_value(value_map, column, text)
            if value is None:
                value = _classification(text)
            else:
                note_mapped_value(plan, column, text)
        else:
            value = text
        try:
            cleaned = relationships.clean_fields({fieldname: value}, creating=False)
        except InvalidValue as exc:
            plan.add_problem("bad_value", **where, **_reason(exc, fieldname, text))
            if column in VOCABULARY_COLUMNS or column == "classification":
                note_unknown_value(plan, column, text, exc.params)
            continue
        values[fieldname] = cleaned[fieldname]
    if "source_id" in values and values["source_id"] == values.get("target_id"):
        plan.add_problem("bad_value", **_where(raw, number, columns.get("target"), "target_id"),
                         field="target_id", value=shown.get("target", ""),
                         reason="same_stakeholder")
    if values.get("valid_from") and values.get("valid_to"):
        try:
            relationships.clean_fields({k: values[k] for k in ("valid_from", "valid_to")},
                                       creating=False)
        except InvalidValue as exc:
            _cross_problem(plan, exc, values, number, raw, columns)
    return values, shown


def _reason(exc: InvalidValue, fieldname: str, text: str) -> dict:
    params = dict(exc.params)
    params.pop("table", None)
    params["field"] = exc.params.get("field", fieldname)
    params["value"] = text
    if params.get("reason") == "out_of_range":
        params["allowed"] = list(range(int(params["min"]), int(params["max"]) + 1))
    return params


def _best_match(matches: list[dict], values: dict) -> dict | None:
    """The stored relationship a row updates: the one of the same start date, else the
    oldest."""
    if not matches:
        return None
    start = values.get("valid_from")
    for candidate in matches:
        if start and candidate["valid_from"] == start:
            return candidate
    return matches[0]


def _cross_problem(plan: RelationshipImportPlan, exc: InvalidValue, values: dict, number: int,
                   raw: RawTable, columns: dict[str, int]) -> None:
    fieldname = exc.params.get("field", "")
    where = _where(raw, number, columns.get(COLUMN_OF.get(fieldname, "")), fieldname)
    plan.add_problem("bad_value", **where,
                     **_reason(exc, fieldname, str(values.get(fieldname) or "")))


def _plan_create(plan: RelationshipImportPlan, values: dict, default_classification: str,
                 number: int, texts: list[str], raw: RawTable,
                 columns: dict[str, int]) -> None:
    fields = dict(values)
    fields.setdefault("classification", default_classification)
    try:
        fields = relationships.clean_fields(fields, creating=True)
    except InvalidValue as exc:
        _cross_problem(plan, exc, values, number, raw, columns)
        plan.rows.append(PlannedRelationship(number, *texts, action="invalid"))
        return
    plan.creates.append(fields)
    plan.rows.append(PlannedRelationship(number, *texts, action="create", changes=fields))


def _plan_update(plan: RelationshipImportPlan, values: dict, current: dict, number: int,
                 texts: list[str], raw: RawTable, columns: dict[str, int]) -> None:
    changes = {k: v for k, v in values.items()
               if k not in ("source_id", "target_id", "type") and current[k] != v}
    merged = {**current, **changes}
    try:
        relationships.clean_fields({k: merged[k] for k in ("valid_from", "valid_to")},
                                   creating=False)
    except InvalidValue as exc:
        _cross_problem(plan, exc, merged, number, raw, columns)
        plan.rows.append(PlannedRelationship(number, *texts, action="invalid",
                                             relationship_id=current["id"]))
        return
    if changes:
        plan.updates.append((current["id"], current["revision"], changes))
    plan.rows.append(PlannedRelationship(
        number, *texts, action="update" if changes else "unchanged",
        relationship_id=current["id"], changes=changes,
        previous={k: current[k] for k in changes}))


# --- applying -------------------------------------------------------------------------------


def apply_relationship_import(uow: UnitOfWork, plan: RelationshipImportPlan,
                              progress: Callable[[int, int], None] | None = None
                              ) -> dict[str, int]:
    """Write the plan in the caller's unit of work: all rows or none.

    BadImport when the plan has problems; RevisionConflict when a relationship changed since
    the plan was made (the caller's unit of work then rolls everything back)."""
    return apply_plan(uow, plan, relationships.create_relationship,
                      relationships.update_relationship, progress)
