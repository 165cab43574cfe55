"""Indicator measurements from a CSV or XLSX table: recognise the columns, plan, then apply in
one go — data kept in a performance-assessment system moves in, and out again through
`export --format csv|xlsx` (`register_export` writes the same columns).

The flow is the other table importers'::

    raw = read_measurement_table(path)                   # BadImport for unreadable files
    mapping = map_headers(raw.headers)                   # column index -> known column or None
    plan = plan_measurement_import(handle, raw, mapping) # reads only; every problem listed
    with handle.unit_of_work() as uow:
        apply_measurement_import(uow, plan)              # all rows or none

Columns (`COLUMNS`): `indicator` (its name, case, accents and spacing ignored), `date`
(``2026-05-14``), `value` (a number; ``12,5`` reads as 12.5), `note`, `source`. The schema
keeps one note per measurement: a source is kept as the note's last line, ``Source: …``
(`SOURCE_PREFIX`), which the export splits back into its column, so a file read in and
written out gives the same cells.

A row naming an indicator and a date that already has a measurement updates it when the
value or the note differ and leaves it otherwise, so importing the same file twice never
duplicates. Each failure is a problem with the row and column as the user sees them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlalchemy import select

from missiondesk.services import validation
from missiondesk.services.names import fold
from missiondesk.services.records import apply_changes
from missiondesk.services.stakeholder_import import (
    cell_problem,
    column_letter,
    map_columns,
    recognise_in,
    shadowed_columns,
    unknown_headers,
)
from missiondesk.services.table_io import RawTable, read_table
from missiondesk.store.errors import BadImport, InvalidValue
from missiondesk.store.handle import MissionHandle, UnitOfWork
from missiondesk.store.schema import Indicator, Measurement

#: The columns of a measurement file, in the order the export writes them.
COLUMNS = ("indicator", "date", "value", "note", "source")
KNOWN_COLUMNS = COLUMNS
REQUIRED_COLUMNS = ("indicator", "date", "value")
#: The sheet of a workbook read first (the export's workbook holds several).
SHEET = "Measurements"
#: How a measurement's source is kept in its note (data, read back by the export).
SOURCE_PREFIX = "Source: "

#: Other spellings of the known columns (folded, spaces as "_").
SYNONYMS = {
    "indicator_name": "indicator", "name": "indicator", "metric": "indicator",
    "measured_on": "date", "day": "date", "as_of": "date", "period": "date", "when": "date",
    "measurement": "value", "result": "value", "figure": "value", "amount": "value",
    "notes": "note", "comment": "note", "comments": "note", "remarks": "note",
    "data_source": "source", "sources": "source", "reference": "source",
    # French, as a francophone mission's spreadsheet names them
    "indicateur": "indicator", "valeur": "value", "commentaire": "note",
    "remarque": "note", "source_des_donnees": "source",
}
#: Columns recognised but never imported.
COMPUTED_COLUMNS = frozenset({"id", "revision", "unit", "baseline", "target", "benchmark"})
_NOTE = 5000
_DAY = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:[ T]00:00(?::00)?)?$")
MAX_PROBLEMS = 1000


@dataclass(frozen=True)
class PlannedMeasurement:
    """One row of the preview: what importing it does."""

    row: int
    indicator: str
    action: str  # "create" | "update" | "unchanged" | "invalid"


@dataclass
class MeasurementImportPlan:
    """What an import would do, computed without writing. Empty `problems`: ready."""

    creates: list[dict] = field(default_factory=list)
    updates: list[tuple[str, int, dict]] = field(default_factory=list)  # id, revision, values
    problems: list[tuple[str, dict]] = field(default_factory=list)
    rows: list[PlannedMeasurement] = field(default_factory=list)
    problem_count: int = 0

    @property
    def unchanged(self) -> int:
        return sum(1 for r in self.rows if r.action == "unchanged")

    def add_problem(self, code: str, **params) -> None:
        self.problem_count += 1
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append((code, params))


# --- the note and its source ----------------------------------------------------------------


def join_note(note: str | None, source: str | None) -> str | None:
    """The note as stored: the note, then the source as its last line."""
    parts = [p for p in ((note or "").strip(),
                         SOURCE_PREFIX + source.strip() if (source or "").strip() else "") if p]
    return "\n".join(parts) or None


def split_note(stored: str | None) -> tuple[str, str]:
    """(note, source) of a stored note: the inverse of `join_note`."""
    text = stored or ""
    head, _sep, last = text.rpartition("\n")
    if last.startswith(SOURCE_PREFIX):
        return head.strip(), last[len(SOURCE_PREFIX):].strip()
    return text.strip(), ""


# --- headers --------------------------------------------------------------------------------


def read_measurement_table(path: str | Path, progress=None) -> RawTable:
    """`table_io.read_table`, a workbook's "Measurements" sheet first if it has one."""
    return read_table(path, progress, sheet=SHEET)


#: What the command line reads a file with.
read_import_table = read_measurement_table


def recognise_header(header: str) -> str | None:
    """The known column a header names (case, accents, spaces ignored), or None."""
    return recognise_in(header, KNOWN_COLUMNS, SYNONYMS)


def map_headers(headers: Sequence[str]) -> dict[int, str | None]:
    return map_columns(headers, recognise_header)


def unrecognised_headers(headers: Sequence[str]) -> list[int]:
    """Indexes of headers that are neither a known column nor a computed one."""
    return unknown_headers(headers, recognise_header, COMPUTED_COLUMNS)


# --- cells ----------------------------------------------------------------------------------


def parse_value(text: str) -> float | None:
    """A number as a spreadsheet holds it: ``12``, ``12.5``, ``12,5``, ``1 200``; None
    otherwise (text, an empty cell, infinity)."""
    cleaned = text.strip().replace("\u00a0", "").replace("\u202f", "").replace(" ", "")
    if cleaned.count(",") == 1 and "." not in cleaned:
        cleaned = cleaned.replace(",", ".")
    try:
        number = float(cleaned)
    except ValueError:
        return None
    if number != number or number in (float("inf"), float("-inf")):
        return None
    return number


def parse_day(text: str) -> date | None:
    match = _DAY.match(text.strip())
    if match is None:
        return None
    try:
        return date.fromisoformat(match.group(1))
    except ValueError:
        return None


class _Indicators:
    """The mission's indicators by folded name."""

    def __init__(self, handle: MissionHandle) -> None:
        self.by_key: dict[str, list[tuple[str, str]]] = {}
        with handle.session() as session:
            for indicator_id, name in session.execute(
                    select(Indicator.id, Indicator.name).order_by(Indicator.name)):
                self.by_key.setdefault(fold(name), []).append((indicator_id, name))
        self.names = sorted((n for found in self.by_key.values() for _i, n in found), key=fold)


# --- planning -------------------------------------------------------------------------------


def plan_measurement_import(handle: MissionHandle, raw: RawTable,
                            mapping: dict[int, str | None]) -> MeasurementImportPlan:
    """Check every row and decide what to create or update; writes nothing.

    Problems are (code, params) pairs: "no_rows", "missing_measurement_columns" (columns,
    allowed), "duplicate_column" (field, columns), "extra_values" (row, count),
    "unknown_indicator" (row, column, letter, value, allowed), "ambiguous_indicator" (row,
    column, letter, value), "duplicate_name" (row, value, first_row: an indicator and date
    given twice), and "bad_value" (row, column, letter, field, value, reason) with reasons
    required, not_a_day, not_a_decimal, too_long, invalid_character.
    """
    plan = MeasurementImportPlan()
    columns: dict[str, int] = {}
    for index, column in sorted(mapping.items()):
        if column is None:
            continue
        if column not in KNOWN_COLUMNS:
            raise ValueError("not a known column: %s" % column)
        columns[column] = index
    shadowed_columns(plan, raw.headers, mapping, columns, recognise_header)
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        plan.add_problem("missing_measurement_columns", columns=missing,
                         allowed=list(KNOWN_COLUMNS))
    if not raw.rows:
        plan.add_problem("no_rows")
    if plan.problems:
        return plan

    indicators = _Indicators(handle)
    width = len(raw.headers)
    seen: dict[tuple[str, date], int] = {}
    planned: list[tuple[int, str, dict]] = []
    for position, cells in enumerate(raw.rows):
        number = raw.row_number(position)
        before = plan.problem_count
        extra = [c for c in cells[width:] if c.strip()]
        if extra:
            plan.add_problem("extra_values", row=number, count=len(extra))
        values, name = _row_values(plan, indicators, raw, columns, cells, number)
        if plan.problem_count != before:
            plan.rows.append(PlannedMeasurement(number, name, "invalid"))
            continue
        key = (values["indicator_id"], values["measured_on"])
        if key in seen:
            plan.add_problem("duplicate_name", row=number, first_row=seen[key],
                             value="%s %s" % (name, values["measured_on"].isoformat()))
            plan.rows.append(PlannedMeasurement(number, name, "invalid"))
            continue
        seen[key] = number
        planned.append((number, name, values))
    if plan.problem_count:
        return plan
    _against_existing(handle, plan, planned)
    return plan


def _row_values(plan: MeasurementImportPlan, indicators: _Indicators, raw: RawTable,
                columns: dict[str, int], cells: list[str], number: int) -> tuple[dict, str]:
    values: dict = {}
    name = ""
    note = source = None
    for column, col in columns.items():
        text = cells[col].strip() if col < len(cells) else ""
        where = {"row": number, "column": raw.headers[col], "letter": column_letter(col)}
        if text and cell_problem(plan, cells[col], where, column):
            continue
        if not text:
            if column in REQUIRED_COLUMNS:
                plan.add_problem("bad_value", **where, field=column, value="",
                                 reason="required")
            continue
        if column == "indicator":
            name = " ".join(text.split())
            found = indicators.by_key.get(fold(name), [])
            if not found:
                plan.add_problem("unknown_indicator", **where, value=name,
                                 allowed=indicators.names)
            elif len(found) > 1:
                plan.add_problem("ambiguous_indicator", **where, value=name)
            else:
                values["indicator_id"], name = found[0]
        elif column == "date":
            day = parse_day(text)
            if day is None:
                plan.add_problem("bad_value", **where, field=column, value=text,
                                 reason="not_a_day")
            else:
                values["measured_on"] = day
        elif column == "value":
            number_value = parse_value(text)
            if number_value is None:
                plan.add_problem("bad_value", **where, field=column, value=text,
                                 reason="not_a_decimal")
            else:
                values["value"] = number_value
        elif column in ("note", "source"):
            try:
                checked = validation.optional_text(column, text, max_length=_NOTE)
            except InvalidValue as exc:
                plan.add_problem("bad_value", **where, **{**exc.params, "field": column,
                                                          "value": text})
                continue
            if column == "note":
                note = checked
            else:
                source = " ".join(checked.split())
    stored = join_note(note, source)
    if stored is not None and len(stored) > _NOTE:
        plan.add_problem("bad_value", row=number, field="note", value=stored[:40],
                         reason="too_long", max_length=_NOTE)
    values["note"] = stored
    return values, name


def _against_existing(handle: MissionHandle, plan: MeasurementImportPlan,
                      planned: list[tuple[int, str, dict]]) -> None:
    """Create what is new; update a measurement of the same indicator and date whose value
    or note differ; leave the same one as it is."""
    existing: dict[tuple[str, date], tuple[str, int, float, str | None]] = {}
    indicator_ids = sorted({v["indicator_id"] for _n, _name, v in planned})
    with handle.session() as session:
        for begin in range(0, len(indicator_ids), 900):
            for m in session.scalars(select(Measurement).where(
                    Measurement.indicator_id.in_(indicator_ids[begin:begin + 900]))):
                existing.setdefault((m.indicator_id, m.measured_on),
                                    (m.id, m.revision, m.value, m.note))
    for number, name, values in planned:
        found = existing.get((values["indicator_id"], values["measured_on"]))
        if found is None:
            plan.creates.append(values)
            plan.rows.append(PlannedMeasurement(number, name, "create"))
            continue
        measurement_id, revision, value, note = found
        if value == values["value"] and (note or None) == values["note"]:
            plan.rows.append(PlannedMeasurement(number, name, "unchanged"))
            continue
        plan.updates.append((measurement_id, revision,
                             {"value": values["value"], "note": values["note"]}))
        plan.rows.append(PlannedMeasurement(number, name, "update"))


# --- applying -------------------------------------------------------------------------------


def apply_measurement_import(uow: UnitOfWork, plan: MeasurementImportPlan) -> dict[str, int]:
    """Create and update the planned measurements in the caller's unit of work: all rows or
    none. BadImport when the plan has problems; a measurement changed since the plan is a
    RevisionConflict and the caller's unit of work rolls everything back. A new measurement
    takes its indicator's classification."""
    from missiondesk.services.records import load_record

    if plan.problems or plan.problem_count:
        raise BadImport(problems=list(plan.problems))
    session = uow.session
    levels = dict(session.execute(select(Indicator.id, Indicator.classification)).all())
    for values in plan.creates:
        if values["indicator_id"] not in levels:  # deleted since the plan
            raise InvalidValue(field="indicator_id", reason="unknown_record",
                               value=values["indicator_id"], table="measurements")
        uow.add(Measurement(classification=levels[values["indicator_id"]], **values))
    for measurement_id, revision, changes in plan.updates:
        row = load_record(uow, Measurement, measurement_id, revision)
        apply_changes(row, changes)
    session.flush()
    return {"created": len(plan.creates), "updated": len(plan.updates)}
