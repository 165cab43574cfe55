"""The whole mission as one JSON object, and back (DESIGN.md, "Command line").

`export_mission` writes every table (tombstoned rows and the change log included, drafts
left out: they are unsaved typing, not records). `import_mission` reads it back into a new
or empty mission in one unit of work, so export -> import -> export gives the same records.
"""

from __future__ import annotations

import io
import json
from datetime import date, datetime
from typing import Any, TextIO

from sqlalchemy import JSON, Boolean, Date, DateTime, Float, Integer, delete, func, insert, select
from sqlalchemy.exc import IntegrityError

from missiondesk.store import errors
from missiondesk.store.handle import MissionHandle, UnitOfWork
from missiondesk.store.migrate import HEAD_REVISION, schema_number
from missiondesk.store.schema import TABLES_IN_ORDER, Base, Mission
from missiondesk.store.vocab import Classification

FORMAT = "missiondesk"

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


def highest_classification(handle: MissionHandle) -> str:
    """The most restrictive classification among the mission's live records."""
    tables = Base.metadata.tables
    levels: set[str] = set()
    with handle.session() as session:
        conn = session.connection()
        for name in ["mission"] + exported_tables():
            table = tables[name]
            if "classification" not in table.c:
                continue
            query = select(table.c.classification).distinct()
            if "deleted_at" in table.c:
                query = query.where(table.c.deleted_at.is_(None))
            levels.update(conn.execute(query).scalars())
    return Classification.highest(levels).value


def write_export(handle: MissionHandle, out: TextIO) -> None:
    """Write the whole mission as one JSON object, a record at a time (constant memory)."""
    tables = Base.metadata.tables
    classification = highest_classification(handle)
    with handle.session() as session:
        conn = session.connection()
        mission = conn.execute(select(tables["mission"])).mappings().first()
        out.write('{"format": %s, "schema": %d, "classification": %s,\n "mission": %s'
                  % (json.dumps(FORMAT), schema_number(HEAD_REVISION),
                     json.dumps(classification),
                     json.dumps(_row(mission) if mission is not None else None,
                                ensure_ascii=False)))
        for name in exported_tables():
            table = tables[name]
            out.write(',\n "%s": [' % name)
            order = [table.c.id] if "id" in table.c else []
            rows = conn.execution_options(yield_per=2000).execute(
                select(table).order_by(*order)).mappings()
            separator = "\n  "
            for row in rows:
                out.write(separator + json.dumps(_row(row), ensure_ascii=False))
                separator = ",\n  "
            out.write("]")
        out.write("\n}\n")


def export_mission(handle: MissionHandle) -> dict:
    """The export as a Python object (what `write_export` writes, read back)."""
    buffer = io.StringIO()
    write_export(handle, buffer)
    return json.loads(buffer.getvalue())


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
            return value
        if isinstance(kind, Float):
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise TypeError(value)
            return float(value)
        if isinstance(kind, JSON):
            if not isinstance(value, list | dict):
                raise TypeError(value)
            return value
        if not isinstance(value, str):
            raise TypeError(value)
        return value
    except (TypeError, ValueError) as exc:
        raise ValueError(str(column.name)) from exc


def _problem(problems: list, code: str, **params) -> None:
    if len(problems) < 50:
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
    known = set(exported_tables()) | {"format", "schema", "classification", "mission"}
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
            for key, value in row.items():
                if key not in table.c:
                    _problem(problems, "unknown_field", table=name, row=index, field=key)
                    continue
                try:
                    clean[key] = _from_json(table.c[key], value)
                except ValueError:
                    _problem(problems, "bad_value", table=name, row=index, field=key,
                             value=str(value)[:40])
            for column in table.c:
                if clean.get(column.name) is not None:
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
            except IntegrityError as exc:  # a link to a record the document does not hold
                raise errors.BadImport(problems=[("broken_link", {"table": name})]) from exc
            uow.changed.setdefault(name, set()).update(r.get("id") for r in rows)
        counts[name] = len(rows)
    problems = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    if problems:
        raise errors.BadImport(problems=[("broken_link", {"table": p[0]}) for p in problems[:20]])
    if uow.session.scalar(select(func.count()).select_from(Mission)) != 1:
        raise errors.BadImport(problems=[("missing_field", {"table": "mission", "field": "id"})])
    return counts
