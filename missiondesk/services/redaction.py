"""Redact a field, purge a deleted record, and make both reach every copy MissionDesk can reach.

Redact: the one exception to the append-only change log (DESIGN.md). The log entries of the
redacted field of that record keep who changed it and when, but lose the old and new values
and are marked ``action = "redacted"``. The redaction itself is logged as
``action = "redact"`` with the field name and no content. A required name or title becomes a
stable marker, ``"[redacted] " + the first 8 characters of the record's id`` (unique, so
the folded-name key still tells records apart; the UI translates the marker,
`messages.redacted_marker_text`); aliases become an empty list.

Purge: a deleted (tombstoned) record is DELETEd for good with the rows that only exist to link
it (relationships, counterparts, assessments, map position...), their drafts and search
entries; the values of their change-log entries are blanked (updates become "redacted"), and
one entry per row says "purge" with who and when and no content. Optional references from
records that stay (a commitment's "committed by") are set empty. Not undoable.

Both write with plain Core statements (not through the ORM) so that the unit of work does not
write the old content into a new log entry; revisions are bumped by hand, so a form or an
undo holding the old revision is refused. SQLite overwrites freed pages (secure_delete) and
the full-text index of the table is merged so the old words leave it too.

`redact_everywhere` / `purge_everywhere` then: checkpoint the WAL with TRUNCATE (and VACUUM a
plain file, whose earlier edits were freed without being overwritten), and apply the same
statements inside every automatic backup of this mission and every "Back up to" copy still
reachable (`services.backups.scrub_backups`); the report names the copies that still hold the
old content. No Qt here, and no user-visible text: failures are codes.
"""

from __future__ import annotations

import dataclasses
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import cache

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    Integer,
    String,
    Text,
    case,
    delete,
    or_,
    select,
    update,
)

from missiondesk.services.names import fold
from missiondesk.store.errors import InvalidValue, RecordMissing
from missiondesk.store.handle import MissionHandle, UnitOfWork, utcnow
from missiondesk.store.schema import BOOKKEEPING_COLUMNS, MODELS, ChangeLog, Draft
from missiondesk.store.search_index import SEARCHABLE, fts_name
from missiondesk.store.vocab import COLUMN_VOCABULARIES

#: Log actions this module writes.
REDACTED = "redacted"   # a past update of the field whose values were removed
REDACT = "redact"       # the redaction itself (no content)
PURGE = "purge"         # a row deleted for good (no content)

#: What a redacted required name or title becomes in the store (plus 8 characters of the id).
REDACTED_NAME = "[redacted]"

#: Columns never redactable: identity and links (an empty one would break the record).
_STRUCTURAL = frozenset({"id", "code_name", "name_key", "classification", "origin",
                         "deleted_at", "created_at", "created_by", "updated_at", "updated_by",
                         "revision"})
#: Required short columns that name a record: redacted to the marker.
_NAME_COLUMNS = ("name", "title")
#: Free-text lists: redacted to an empty list.
_LIST_COLUMNS = ("aliases",)
#: Tables whose names are not redactable: the mission itself, and the team members whose
#: names are the "who" of every log entry (redacting them would leave them there).
_NAMES_KEPT = frozenset({"mission", "team_members"})
#: Optional references that make the row exist only for the record: purged with it.
_PURGED_WITH = frozenset({("assignments", "stakeholder_id")})


@dataclass(frozen=True)
class RedactionReport:
    """What a redaction removed: the record's content (False when it was already empty),
    the drafts deleted and the change-log entries rewritten; after `redact_everywhere`,
    whether the WAL was emptied and what became of the backups."""

    record: bool
    drafts: int
    log_entries: int
    checkpointed: bool = False
    backups: object = None  # services.backups.ScrubReport


@dataclass(frozen=True)
class PurgeReport:
    """What a purge deleted: rows (the record and its links), drafts, change-log entries
    stripped of their values, references from other records set empty."""

    rows: int
    drafts: int
    log_entries: int
    references: int
    checkpointed: bool = False
    backups: object = None  # services.backups.ScrubReport


@dataclass(frozen=True)
class _Who:
    user_id: str | None
    user_name: str | None
    origin: str | None
    at: datetime


def _who(handle: MissionHandle) -> _Who:
    return _Who(handle.user_id, handle.user_name, handle.device, utcnow())


# --- which fields ------------------------------------------------------------------------


def redactable_fields(table: str) -> tuple[str, ...]:
    """The fields of a table that can be redacted (in column order).

    Text typed by a person: Text columns, and optional String columns, that are not a
    vocabulary code, a foreign key or bookkeeping; a record's required name or title (it
    becomes the marker) except the mission's and team members'; aliases. A required long
    text is emptied to "".
    """
    model = MODELS.get(table)
    if model is None:
        return ()
    fields = []
    for column in model.__table__.columns:
        name = column.name
        if (name in _STRUCTURAL or name in BOOKKEEPING_COLUMNS or column.foreign_keys
                or (table, name) in COLUMN_VOCABULARIES):
            continue
        if isinstance(column.type, JSON):
            if name in _LIST_COLUMNS:
                fields.append(name)
            continue
        if isinstance(column.type, Boolean | Integer | Float | Date | DateTime):
            continue
        if isinstance(column.type, Text) or (
                isinstance(column.type, String) and column.nullable
                and (column.type.length or 0) > 10):  # partial dates are String(10)
            fields.append(name)
        elif (isinstance(column.type, String) and name in _NAME_COLUMNS
              and table not in _NAMES_KEPT):
            fields.append(name)
    return tuple(fields)


def redacted_name(record_id: str) -> str:
    """The marker a redacted name becomes: unique per record, the same in every copy."""
    return "%s %s" % (REDACTED_NAME, record_id[:8])


def _empty_value(model, field: str, record_id: str):
    column = model.__table__.columns[field]
    if field in _LIST_COLUMNS:
        return []
    if field in _NAME_COLUMNS and not column.nullable:
        return redacted_name(record_id)
    return None if column.nullable else ""


def _log_fields(table: str, field: str) -> tuple[str, ...]:
    """The logged fields that carry the field's content (a name's folded key too)."""
    if field == "name" and "name_key" in MODELS[table].__table__.columns:
        return (field, "name_key")
    return (field,)


# --- the statements (run on the mission and on each backup) ---------------------------------


def _columns(conn, table: str) -> set[str]:
    # `table` is a key of MODELS (checked by the callers), never user input.
    return {row[1] for row in conn.exec_driver_sql("PRAGMA table_info(%s)" % table)}


def _has_table(conn, name: str) -> bool:
    return conn.exec_driver_sql(
        "SELECT count(*) FROM sqlite_master WHERE name = ?", (name,)).scalar() > 0


def _optimize_search(conn, tables) -> None:
    for table in sorted(set(tables)):
        fts = fts_name(table)  # a constant of search_index, never user input
        if table in SEARCHABLE and _has_table(conn, fts):
            conn.exec_driver_sql("INSERT INTO %s(%s) VALUES ('optimize')" % (fts, fts))


def _log_entry(conn, who: _Who, table: str, record_id: str, action: str,
               field: str | None = None, old=None, new=None) -> None:
    conn.execute(ChangeLog.__table__.insert().values(
        id=str(uuid.uuid4()), at=who.at, user_id=who.user_id, user_name=who.user_name,
        origin=who.origin, table_name=table, record_id=record_id, action=action, field=field,
        old_value=None if old is None else json.dumps(old, ensure_ascii=False),
        new_value=None if new is None else json.dumps(new, ensure_ascii=False)))


def apply_redaction(conn, table: str, record_id: str, field: str, who: _Who
                    ) -> RedactionReport:
    """The redaction's statements on `conn` (a SQLAlchemy Connection in a transaction): on
    the open mission, and the same inside each backup (where the record or the column may be
    missing: what is there is removed)."""
    model = MODELS[table]
    t = model.__table__
    had_content = False
    if field in _columns(conn, table):
        found = conn.execute(select(t.c[field], t.c.revision).where(t.c.id == record_id)).first()
        if found is not None:
            current, revision = found
            empty = _empty_value(model, field, record_id)
            had_content = current not in (None, "", []) and current != empty
            if had_content:
                values = {field: empty, "updated_at": who.at, "updated_by": who.user_name,
                          "origin": who.origin, "revision": (revision or 0) + 1}
                if field == "name" and "name_key" in t.columns:
                    values["name_key"] = fold(empty)
                conn.execute(update(t).where(t.c.id == record_id).values(values))
    fields = _log_fields(table, field)
    d = Draft.__table__
    drafts = conn.execute(delete(d).where(d.c.table_name == table, d.c.record_id == record_id,
                                          d.c.field.in_(fields))).rowcount or 0
    log = ChangeLog.__table__
    entries = conn.execute(
        update(log).where(log.c.table_name == table, log.c.record_id == record_id,
                          log.c.field.in_(fields), log.c.action != REDACT)
        .values(old_value=None, new_value=None, action=REDACTED)).rowcount or 0
    _log_entry(conn, who, table, record_id, REDACT, field)
    if any(f in SEARCHABLE.get(table, ()) for f in fields):
        _optimize_search(conn, [table])
    return RedactionReport(record=had_content, drafts=drafts, log_entries=entries)


@cache
def _references(table: str) -> tuple[tuple[str, str, bool], ...]:
    """(child table, column, nullable) of every foreign key pointing at `table`.id."""
    found = []
    for child in MODELS[table].__table__.metadata.sorted_tables:
        for column in child.columns:
            for fk in column.foreign_keys:
                if fk.column.table.name == table and fk.column.name == "id":
                    found.append((child.name, column.name, bool(column.nullable)))
    return tuple(found)


@dataclass
class _PurgeTally:
    rows: int = 0
    drafts: int = 0
    log_entries: int = 0
    references: int = 0
    changed: dict[str, set[str]] = dataclasses.field(default_factory=dict)


def _purge_row(conn, table: str, record_id: str, who: _Who, tally: _PurgeTally,
               seen: set[tuple[str, str]]) -> None:
    if (table, record_id) in seen:
        return
    seen.add((table, record_id))
    for child, column, nullable in _references(table):
        if child not in MODELS or column not in _columns(conn, child):
            continue
        ct = MODELS[child].__table__
        ids = conn.execute(select(ct.c.id).where(ct.c[column] == record_id)).scalars().all()
        if nullable and (child, column) not in _PURGED_WITH:
            for child_id in ids:  # a record that stays loses the reference only
                conn.execute(update(ct).where(ct.c.id == child_id).values(
                    {column: None, "updated_at": who.at, "updated_by": who.user_name,
                     "origin": who.origin, "revision": ct.c.revision + 1}))
                _log_entry(conn, who, child, child_id, "update", column, record_id, None)
                tally.references += 1
                tally.changed.setdefault(child, set()).add(child_id)
            continue
        for child_id in ids:
            _purge_row(conn, child, child_id, who, tally, seen)
    d = Draft.__table__
    tally.drafts += conn.execute(delete(d).where(d.c.table_name == table,
                                                 d.c.record_id == record_id)).rowcount or 0
    log = ChangeLog.__table__
    tally.log_entries += conn.execute(
        update(log).where(log.c.table_name == table, log.c.record_id == record_id,
                          or_(log.c.old_value.is_not(None), log.c.new_value.is_not(None)))
        .values(old_value=None, new_value=None,
                action=case((log.c.action == "update", REDACTED), else_=log.c.action))
    ).rowcount or 0
    t = MODELS[table].__table__
    tally.rows += conn.execute(delete(t).where(t.c.id == record_id)).rowcount or 0
    _log_entry(conn, who, table, record_id, PURGE)
    tally.changed.setdefault(table, set()).add(record_id)


def apply_purge(conn, table: str, record_id: str, who: _Who) -> PurgeReport:
    """The purge's statements on `conn` (a SQLAlchemy Connection in a transaction): on the
    open mission, and the same inside each backup (where the record may still be live, or
    missing: what is there goes)."""
    tally = _PurgeTally()
    _purge_row(conn, table, record_id, who, tally, set())
    _optimize_search(conn, [t for t in tally.changed if t in SEARCHABLE])
    return PurgeReport(rows=tally.rows, drafts=tally.drafts, log_entries=tally.log_entries,
                       references=tally.references)


# --- inside a unit of work (the open mission) ------------------------------------------------


def _secure_connection(uow: UnitOfWork):
    uow.session.flush()  # anything pending goes through the unit of work first
    conn = uow.session.connection()
    conn.exec_driver_sql("PRAGMA secure_delete = ON")  # freed pages are overwritten
    return conn


def redact(uow: UnitOfWork, table: str, record_id: str, field: str) -> RedactionReport:
    """Empty `field` of the record, delete its drafts, strip the values from its log.

    Raises InvalidValue(field=, reason="not_redactable") for a field that is not free
    text, RecordMissing when no such record exists (tombstoned records can be redacted).
    This changes the open file only: `redact_everywhere` reaches the backups too.
    """
    if field not in redactable_fields(table):
        raise InvalidValue(field=field, table=table, reason="not_redactable")
    t = MODELS[table].__table__
    conn = _secure_connection(uow)
    if conn.execute(select(t.c.id).where(t.c.id == record_id)).first() is None:
        raise RecordMissing(table=table, record_id=record_id)
    report = apply_redaction(conn, table, record_id, field, _who(uow.handle))
    uow.changed.setdefault(table, set()).add(record_id)
    uow.changed.setdefault("change_log", set())
    if report.drafts:
        uow.changed.setdefault("drafts", set())
    uow.session.expire_all()  # ORM objects of this session must not keep the old text
    return report


def purge(uow: UnitOfWork, table: str, record_id: str) -> PurgeReport:
    """Delete a deleted record for good, with its links, drafts, search entries and the
    values of its log. Not undoable.

    RecordMissing when there is no such record (or it was purged already);
    InvalidValue(field="deleted_at", reason="purge_not_deleted") when it is not deleted.
    This changes the open file only: `purge_everywhere` reaches the backups too.
    """
    model = MODELS.get(table)
    if model is None or "deleted_at" not in model.__table__.columns:
        raise RecordMissing(table=table, record_id=record_id)
    t = model.__table__
    conn = _secure_connection(uow)
    found = conn.execute(select(t.c.deleted_at).where(t.c.id == record_id)).first()
    if found is None:
        raise RecordMissing(table=table, record_id=record_id)
    if found[0] is None:
        raise InvalidValue(field="deleted_at", table=table, reason="purge_not_deleted")
    tally = _PurgeTally()
    _purge_row(conn, table, record_id, _who(uow.handle), tally, set())
    _optimize_search(conn, [name for name in tally.changed if name in SEARCHABLE])
    for name, ids in tally.changed.items():
        uow.changed.setdefault(name, set()).update(ids)
    uow.changed.setdefault("change_log", set())
    if tally.drafts:
        uow.changed.setdefault("drafts", set())
    uow.session.expire_all()
    return PurgeReport(rows=tally.rows, drafts=tally.drafts, log_entries=tally.log_entries,
                       references=tally.references)


# --- everywhere: the file's free pages, its WAL, the backups ---------------------------------


def secure_file(handle: MissionHandle) -> bool:
    """Leave no copy of removed content in the open file's free pages or its WAL: secure
    deletion on, a VACUUM for a plain file (edits made before were freed without being
    overwritten; an encrypted file has always overwritten them), and a TRUNCATE checkpoint.
    False when another reader kept the WAL from being emptied."""
    with handle.driver_connection() as conn:
        conn.execute("PRAGMA secure_delete = ON")
        if not handle.encrypted:
            conn.execute("VACUUM")
        busy = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
    return not busy


def _everywhere(handle: MissionHandle, apply: Callable):
    from missiondesk.services.backups import scrub_backups

    checkpointed = secure_file(handle)
    return checkpointed, scrub_backups(handle, apply)


def redact_everywhere(handle: MissionHandle, table: str, record_id: str,
                      field: str) -> RedactionReport:
    """Redact in the open mission (one unit of work), then in its free pages and WAL, its
    automatic backups and the "Back up to" copies it can reach (`report.backups` names
    those it cannot)."""
    with handle.unit_of_work() as uow:
        report = redact(uow, table, record_id, field)
    who = _who(handle)
    checkpointed, backups = _everywhere(
        handle, lambda conn: apply_redaction(conn, table, record_id, field, who))
    return dataclasses.replace(report, checkpointed=checkpointed, backups=backups)


def purge_everywhere(handle: MissionHandle, table: str, record_id: str) -> PurgeReport:
    """Purge in the open mission (one unit of work), then in its free pages and WAL, its
    automatic backups and the "Back up to" copies it can reach (`report.backups` names
    those it cannot)."""
    with handle.unit_of_work() as uow:
        report = purge(uow, table, record_id)
    who = _who(handle)
    checkpointed, backups = _everywhere(
        handle, lambda conn: apply_purge(conn, table, record_id, who))
    return dataclasses.replace(report, checkpointed=checkpointed, backups=backups)
