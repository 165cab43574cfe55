"""Redact: remove a field's content from the record, its drafts and its change-log history.

The one exception to the append-only change log (DESIGN.md): the log entries of the
redacted field of that record keep who changed it and when, but lose the old and new
values and are marked ``action = "redacted"``. The redaction itself is logged as
``action = "redact"`` with the field name and no content.

The field is emptied with a plain UPDATE (not through the ORM) so that the unit of work
does not write the old content into a new log entry; the record's revision is bumped by
hand, so a form or an undo holding the old revision is refused. SQLite is told to
overwrite freed pages (secure_delete) while the rows change, and the full-text index of
the table is merged so the old words leave it too.
No Qt here, and no user-visible text: failures are codes.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import Boolean, Date, DateTime, Float, Integer, String, Text, delete, update
from sqlalchemy import select as sql_select

from missiondesk.store.errors import InvalidValue, RecordMissing
from missiondesk.store.handle import UnitOfWork, utcnow
from missiondesk.store.schema import BOOKKEEPING_COLUMNS, MODELS, ChangeLog, Draft
from missiondesk.store.search_index import SEARCHABLE, fts_name
from missiondesk.store.vocab import COLUMN_VOCABULARIES

#: Log actions this module writes.
REDACTED = "redacted"   # a past update of the field whose values were removed
REDACT = "redact"       # the redaction itself (no content)

#: Columns never redactable: identity and links (an empty one would break the record).
_STRUCTURAL = frozenset({"id", "code_name", "name_key", "classification", "origin",
                         "deleted_at", "created_at", "created_by", "updated_at", "updated_by",
                         "revision"})


@dataclass(frozen=True)
class RedactionReport:
    """What a redaction removed: the record's content (False when it was already empty),
    the drafts deleted and the change-log entries rewritten."""

    record: bool
    drafts: int
    log_entries: int


def redactable_fields(table: str) -> tuple[str, ...]:
    """The free-text fields of a table that can be redacted (in column order).

    Text typed by a person: Text columns, and optional String columns, that are not a
    vocabulary code, a foreign key or bookkeeping. A record's required short name or title
    is its identity and is not offered; a required long text is emptied to "".
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
        if isinstance(column.type, Boolean | Integer | Float | Date | DateTime):
            continue
        if isinstance(column.type, Text) or (
                isinstance(column.type, String) and column.nullable
                and (column.type.length or 0) > 10):  # partial dates are String(10)
            fields.append(name)
    return tuple(fields)


def _empty_value(model, field: str):
    column = model.__table__.columns[field]
    return None if column.nullable else ""


def redact(uow: UnitOfWork, table: str, record_id: str, field: str) -> RedactionReport:
    """Empty `field` of the record, delete its drafts, strip the values from its log.

    Raises InvalidValue(field=, reason="not_redactable") for a field that is not free
    text, RecordMissing when no such record exists (tombstoned records can be redacted).
    """
    if field not in redactable_fields(table):
        raise InvalidValue(field=field, table=table, reason="not_redactable")
    model = MODELS[table]
    session = uow.session
    t = model.__table__
    found = session.execute(
        sql_select(t.c[field], t.c.revision).where(t.c.id == record_id)).first()
    if found is None:
        raise RecordMissing(table=table, record_id=record_id)
    current, revision = found
    had_content = current not in (None, "")
    session.flush()  # anything pending goes through the unit of work first
    conn = session.connection()
    previous = conn.exec_driver_sql("PRAGMA secure_delete").scalar()
    conn.exec_driver_sql("PRAGMA secure_delete = ON")
    try:
        now = utcnow()
        if had_content:
            session.execute(
                update(t).where(t.c.id == record_id).values(
                    {field: _empty_value(model, field), "updated_at": now,
                     "updated_by": uow.handle.user_name, "origin": uow.handle.device,
                     "revision": (revision or 0) + 1}))
        drafts = session.execute(
            delete(Draft.__table__).where(Draft.__table__.c.table_name == table,
                                          Draft.__table__.c.record_id == record_id,
                                          Draft.__table__.c.field == field)).rowcount or 0
        log = ChangeLog.__table__
        entries = session.execute(
            update(log).where(log.c.table_name == table, log.c.record_id == record_id,
                              log.c.field == field, log.c.action != REDACT)
            .values(old_value=None, new_value=None, action=REDACTED)).rowcount or 0
        session.execute(log.insert().values(
            id=str(uuid.uuid4()), at=now, user_id=uow.handle.user_id,
            user_name=uow.handle.user_name, origin=uow.handle.device, table_name=table,
            record_id=record_id, action=REDACT, field=field, old_value=None, new_value=None))
        if table in SEARCHABLE and field in SEARCHABLE[table]:
            fts = fts_name(table)  # a constant of search_index, never user input
            conn.exec_driver_sql("INSERT INTO %s(%s) VALUES ('optimize')" % (fts, fts))
    finally:
        conn.exec_driver_sql("PRAGMA secure_delete = %d" % (1 if previous else 0))
    uow.changed.setdefault(table, set()).add(record_id)
    if drafts:
        uow.changed.setdefault("drafts", set())
    session.expire_all()  # ORM objects of this session must not keep the old text
    return RedactionReport(record=had_content, drafts=drafts, log_entries=entries)
