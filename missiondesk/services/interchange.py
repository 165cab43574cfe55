"""The whole mission as one JSON object, and back (DESIGN.md, "Command line").

`export_mission` writes every table (tombstoned rows and the change log included, drafts
left out: they are unsaved typing, not records). `import_mission` reads it back into a new
or empty mission in one unit of work, so export -> import -> export gives the same records.

The export is marked with the highest classification of everything it carries: every row,
tombstoned ones included, and every classification a record held according to the change
log (its old values were written under that level). The identifying fields of protected
sources (`sources.PROTECTED_FIELDS`), in their rows and in their change-log values, are
written as null unless the caller asks for them (`include_protected`); the top-level
``"protected_masked"`` says which. Such an export imports like any other.
"""

from __future__ import annotations

import io
import json
import math
import re
from datetime import date, datetime
from typing import Any, TextIO

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    Integer,
    String,
    delete,
    func,
    insert,
    select,
    union,
)
from sqlalchemy.exc import IntegrityError

from missiondesk.services.sources import PROTECTED_FIELDS
from missiondesk.services.validation import first_invalid_char
from missiondesk.store import errors
from missiondesk.store.handle import MissionHandle, UnitOfWork
from missiondesk.store.migrate import HEAD_REVISION, schema_number
from missiondesk.store.schema import TABLES_IN_ORDER, Base, ChangeLog, Mission, Source
from missiondesk.store.vocab import Classification

FORMAT = "missiondesk"
#: Top-level keys besides the tables.
HEADER_KEYS = ("format", "schema", "classification", "protected_masked", "mission")
#: SQLite's INTEGER range: a bigger number in an import is a bad value, not an OverflowError.
_INT_MIN, _INT_MAX = -(2 ** 63), 2 ** 63 - 1
#: Lists and objects in JSON columns (aliases, tags...) are flat; deeper is not a record.
_MAX_JSON_DEPTH = 8
#: Shown in a problem: no control character reaches the terminal or a dialog.
_UNPRINTABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")

#: Tables never exported: unsaved drafts.
NOT_EXPORTED = frozenset({"drafts"})

#: The order of the lists in the export (DESIGN.md's order first, then the rest by name).
DESIGN_ORDER = [
    "stakeholders", "relationships", "drivers", "engagements", "commitments", "team_members",
    "portfolios", "assignments", "mandates", "mandate_tasks", "benchmarks", "indicators",
    "measurements", "consultations", "cycle_events", "comms_objectives", "audiences",
    "key_messages", "comms_milestones", "media_outlets", "rumours", "strategy_objectives",
    "agreements",
]


def exported_tables() -> list[str]:
    rest = sorted(t for t in TABLES_IN_ORDER if t not in DESIGN_ORDER and t != "mission"
                  and t not in NOT_EXPORTED)
    return DESIGN_ORDER + rest


def _to_json(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


def _row(mapping) -> dict:
    return {key: _to_json(value) for key, value in mapping.items()}


def _level(value: Any) -> Classification:
    """A stored classification; anything unknown counts as the most restrictive level."""
    try:
        return Classification(value)
    except ValueError:
        return Classification.highest(Classification)


def _logged_levels(conn) -> set:
    """Every classification value the change log holds (old and new), decoded."""
    field = ChangeLog.__table__.c.field
    old, new = ChangeLog.__table__.c.old_value, ChangeLog.__table__.c.new_value
    query = union(select(old.label("v")).where(field == "classification", old.is_not(None)),
                  select(new.label("v")).where(field == "classification", new.is_not(None)))
    levels = set()
    for raw in conn.execute(query).scalars():
        try:
            value = json.loads(raw)
        except (ValueError, RecursionError):
            value = raw
        levels.add(value if isinstance(value, str) else repr(value)[:40])
    return levels


def highest_classification(handle: MissionHandle) -> str:
    """The most restrictive classification of everything the export carries: every row of
    every exported table, tombstoned ones included, and every classification a record held
    according to the change log."""
    tables = Base.metadata.tables
    values: set = set()
    with handle.session() as session:
        conn = session.connection()
        for name in ["mission"] + exported_tables():
            table = tables[name]
            if "classification" in table.c:
                values.update(conn.execute(
                    select(table.c.classification).distinct()).scalars())
        values |= _logged_levels(conn)
    values.discard(None)
    return Classification.highest(_level(v) for v in values).value


def _protected_ids(conn) -> frozenset[str]:
    """The sources (tombstoned ones too) whose identifying fields are masked."""
    return frozenset(conn.execute(select(Source.__table__.c.id).where(
        Source.__table__.c.protected.is_(True))).scalars())


def _masked_row(name: str, row: dict, protected: frozenset[str]) -> dict:
    if name == "sources" and row["id"] in protected:
        return {**row, **{f: None for f in PROTECTED_FIELDS}}
    if (name == "change_log" and row["table_name"] == "sources"
            and row["field"] in PROTECTED_FIELDS and row["record_id"] in protected):
        return {**row, "old_value": None, "new_value": None}
    return row


def write_export(handle: MissionHandle, out: TextIO, *, include_protected: bool = False
                 ) -> None:
    """Write the whole mission as one JSON object, a record at a time (constant memory).

    Protected sources' identifying fields are null unless `include_protected` (the caller
    logs that it was asked: `sources.log_protected_access`).
    """
    tables = Base.metadata.tables
    classification = highest_classification(handle)
    with handle.session() as session:
        conn = session.connection()
        protected = frozenset() if include_protected else _protected_ids(conn)
        mission = conn.execute(select(tables["mission"])).mappings().first()
        out.write('{"format": %s, "schema": %d, "classification": %s, '
                  '"protected_masked": %s,\n "mission": %s'
                  % (json.dumps(FORMAT), schema_number(HEAD_REVISION),
                     json.dumps(classification), json.dumps(not include_protected),
                     json.dumps(_row(mission) if mission is not None else None,
                                ensure_ascii=False)))
        for name in exported_tables():
            table = tables[name]
            out.write(',\n "%s": [' % name)
            order = [table.c.id] if "id" in table.c else []
            rows = conn.execution_options(yield_per=2000).execute(
                select(table).order_by(*order)).mappings()
            mask = bool(protected) and name in ("sources", "change_log")
            separator = "\n  "
            for row in rows:
                record = _row(row)
                if mask:
                    record = _masked_row(name, record, protected)
                out.write(separator + json.dumps(record, ensure_ascii=False))
                separator = ",\n  "
            out.write("]")
        out.write("\n}\n")


def export_mission(handle: MissionHandle, *, include_protected: bool = False) -> dict:
    """The export as a Python object (what `write_export` writes, read back)."""
    buffer = io.StringIO()
    write_export(handle, buffer, include_protected=include_protected)
    return json.loads(buffer.getvalue())


class _NotText(ValueError):
    """A text (or a text inside a JSON value) holds a character that is not text."""

    def __init__(self, index: int, char: str) -> None:
        super().__init__(index)
        self.position = index + 1
        self.code_point = "U+%04X" % ord(char)


def _check_text(value: str) -> None:
    index = first_invalid_char(value)
    if index is not None:
        raise _NotText(index, value[index])


def _check_json_value(value: Any, depth: int = 0) -> None:
    """Texts inside a JSON column (aliases, tags...) are text too; numbers fit; not deep."""
    if depth > _MAX_JSON_DEPTH:
        raise ValueError("too deep")
    if isinstance(value, str):
        _check_text(value)
    elif isinstance(value, list):
        for item in value:
            _check_json_value(item, depth + 1)
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_text(key)
            _check_json_value(item, depth + 1)
    elif isinstance(value, float) and not math.isfinite(value):
        raise ValueError("not finite")


def _check_logged_value(value: str) -> None:
    """A change-log value is JSON text: a control character in it is escaped (\\u001b)."""
    _check_text(value)
    if "\\u" in value:
        try:
            decoded = json.loads(value)
        except (ValueError, RecursionError):
            return  # stored as it came: not JSON, but no raw control character either
        try:
            _check_json_value(decoded)
        except _NotText:
            raise
        except ValueError:
            return


def _from_json(column, value: Any) -> Any:
    if value is None:
        return None
    kind = column.type
    try:
        if isinstance(kind, DateTime):
            return datetime.fromisoformat(value)
        if isinstance(kind, Date):
            return date.fromisoformat(value)
        if isinstance(kind, Boolean):
            if not isinstance(value, bool):
                raise TypeError(value)
            return value
        if isinstance(kind, Integer):
            if isinstance(value, bool) or not isinstance(value, int):
                raise TypeError(value)
            if not _INT_MIN <= value <= _INT_MAX:
                raise ValueError("out of range")
            return value
        if isinstance(kind, Float):
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise TypeError(value)
            number = float(value)
            if not math.isfinite(number):
                raise ValueError("not finite")
            return number
        if isinstance(kind, JSON):
            if not isinstance(value, list | dict):
                raise TypeError(value)
            _check_json_value(value)
            return value
        if not isinstance(value, str):
            raise TypeError(value)
        if column.table.name == "change_log" and column.name in ("old_value", "new_value"):
            _check_logged_value(value)
        elif isinstance(kind, String):
            _check_text(value)
        return value
    except _NotText:
        raise
    except (TypeError, ValueError, OverflowError) as exc:
        raise ValueError(str(column.name)) from exc


def _shown(value: Any) -> str:
    """A value as a problem may quote it: short, one line, no control characters."""
    if isinstance(value, dict | list):
        return "{\u2026}" if isinstance(value, dict) else "[\u2026]"
    try:
        text = value if isinstance(value, str) else str(value)
    except (ValueError, RecursionError):  # an integer of thousands of digits
        text = "\u2026"
    text = text[:40]
    index = first_invalid_char(text)
    while index is not None:
        text = text[:index] + "\ufffd" + text[index + 1:]
        index = first_invalid_char(text)
    return _UNPRINTABLE.sub("\ufffd", text)


def _problem(problems: list, code: str, **params) -> None:
    if len(problems) < 50:
        for key in ("table", "field"):
            if isinstance(params.get(key), str):
                params[key] = _shown(params[key])
        problems.append((code, params))


def _prepare(data: Any) -> dict[str, list[dict]]:
    """Check the whole document before anything is written; BadImport lists what is wrong."""
    problems: list = []
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise errors.BadImport(problems=[("not_a_mission_export", {})])
    schema = data.get("schema")
    if not isinstance(schema, int) or schema < 1:
        raise errors.BadImport(problems=[("not_a_mission_export", {})])
    if schema > schema_number(HEAD_REVISION):
        raise errors.NewerSchema(found=schema, supported=schema_number(HEAD_REVISION))
    tables = Base.metadata.tables
    known = set(exported_tables()) | set(HEADER_KEYS)
    for key in data:
        if key not in known:
            _problem(problems, "unknown_table", table=key)
    prepared: dict[str, list[dict]] = {}
    mission = data.get("mission")
    if not isinstance(mission, dict):
        _problem(problems, "missing_field", table="mission", field="mission")
    sources = [("mission", [mission] if isinstance(mission, dict) else [])]
    sources += [(name, data.get(name, [])) for name in exported_tables()]
    for name, rows in sources:
        table = tables[name]
        if not isinstance(rows, list):
            _problem(problems, "not_a_list", table=name)
            continue
        clean_rows = []
        for index, row in enumerate(rows, start=1):
            if not isinstance(row, dict):
                _problem(problems, "not_a_record", table=name, row=index)
                continue
            clean = {}
            refused = set()  # reported once: not "missing" as well
            for key, value in row.items():
                if key not in table.c:
                    _problem(problems, "unknown_field", table=name, row=index, field=key)
                    continue
                try:
                    clean[key] = _from_json(table.c[key], value)
                except _NotText as exc:
                    refused.add(key)
                    _problem(problems, "invalid_character", table=name, row=index,
                             field=key, code_point=exc.code_point, position=exc.position)
                except ValueError:
                    refused.add(key)
                    _problem(problems, "bad_value", table=name, row=index, field=key,
                             value=_shown(value))
            for column in table.c:
                if clean.get(column.name) is not None or column.name in refused:
                    continue
                if column.name == "revision":
                    clean["revision"] = 1
                elif not column.nullable:
                    _problem(problems, "missing_field", table=name, row=index,
                             field=column.name)
                else:
                    clean[column.name] = None  # every row of a table has the same keys
            clean_rows.append(clean)
        prepared[name] = clean_rows
    if problems:
        raise errors.BadImport(problems=problems)
    return prepared


def is_empty(handle: MissionHandle) -> bool:
    """True when the mission holds nothing but its own record (a freshly created file)."""
    tables = Base.metadata.tables
    with handle.session() as session:
        conn = session.connection()
        for name in exported_tables():
            if conn.execute(select(func.count()).select_from(tables[name])).scalar():
                return False
    return True


def import_mission(uow: UnitOfWork, data: Any) -> dict[str, int]:
    """Load an export into an empty mission, all or nothing; returns rows per table."""
    prepared = _prepare(data)
    tables = Base.metadata.tables
    conn = uow.session.connection()
    for name in exported_tables():
        if conn.execute(select(func.count()).select_from(tables[name])).scalar():
            raise errors.BadImport(problems=[("mission_not_empty", {})])
    conn.execute(delete(tables["mission"]))
    counts = {}
    for name in ["mission"] + [t for t in TABLES_IN_ORDER if t in prepared and t != "mission"]:
        rows = prepared[name]
        if rows:
            try:
                conn.execute(insert(tables[name]), rows)
            except IntegrityError as exc:
                # Two records with one id (or one code name), or a link to a record the
                # document does not hold.
                code = ("duplicate_record" if "UNIQUE" in str(exc.orig).upper()
                        else "broken_link")
                raise errors.BadImport(problems=[(code, {"table": name})]) from exc
            uow.changed.setdefault(name, set()).update(r.get("id") for r in rows)
        counts[name] = len(rows)
    problems = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    if problems:
        raise errors.BadImport(problems=[("broken_link", {"table": p[0]}) for p in problems[:20]])
    if uow.session.scalar(select(func.count()).select_from(Mission)) != 1:
        raise errors.BadImport(problems=[("missing_field", {"table": "mission", "field": "id"})])
    return counts
