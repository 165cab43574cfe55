"""The audit trail: the change log per record and mission-wide, its export, and restoring
a deleted record from it.

Entries come newest first. A record is named by its own label column (a stakeholder's
name, a source's code name...). The history of a protected source's description is
masked (`masked=True`, values None): who changed it and when stays visible.
No Qt here, and no user-visible text.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path

from sqlalchemy import func, select

from missiondesk.services.table_io import export_table
from missiondesk.store.errors import InvalidValue, RecordMissing, RevisionConflict
from missiondesk.store.handle import MissionHandle, UnitOfWork, utcnow
from missiondesk.store.schema import MODELS, ChangeLog, Mission, Source
from missiondesk.store.vocab import Classification

#: The column that names a record of each table (first found wins).
_LABEL_COLUMNS = ("code_name", "name", "title", "group_name", "reference", "resolution",
                  "paragraph", "statement", "text", "content", "counterpart_name", "code")
_CHUNK = 500
#: Columns written by `export_change_log` when the caller gives no translated headers.
EXPORT_COLUMNS = ("at", "who", "table", "record", "record_id", "action", "field", "old_value",
                  "new_value")


@dataclass(frozen=True)
class AuditFilter:
    """Which entries: by who (user name), from `since` to `until` (dates inclusive, or
    datetimes), in which tables (None: all), with which actions (None: all), for one
    record only (`record` = (table, record_id))."""

    who: str | None = None
    since: date | datetime | None = None
    until: date | datetime | None = None
    tables: tuple[str, ...] | None = None
    actions: tuple[str, ...] | None = None
    record: tuple[str, str] | None = None


@dataclass(frozen=True)
class AuditEntry:
    id: str
    at: datetime
    user_name: str | None
    table: str
    record_id: str
    record_label: str | None     # None when the record is gone or has no label
    action: str                  # create, update, delete, restore, purge, redact, redacted
    field: str | None
    old_value: object            # decoded JSON
    new_value: object
    masked: bool = False         # a protected source's description: values withheld
    record_deleted: bool = False  # the record is tombstoned now (a delete can be restored)


@dataclass(frozen=True)
class AuditPage:
    entries: list[AuditEntry]
    offset: int
    has_more: bool
    total: int = field(default=-1)   # -1 when not counted


@dataclass(frozen=True)
class RestoredView:
    id: str
    table: str
    revision: int
    deleted: bool = False


def _decode(value: str | None) -> object:
    if value is None:
        return None
    try:
        return json.loads(value)
    except ValueError:
        return value


def _label_column(table: str):
    model = MODELS.get(table)
    if model is None:
        return None
    columns = model.__table__.columns
    for name in _LABEL_COLUMNS:
        if name in columns:
            return columns[name]
    return None


def _record_facts(session, wanted: dict[str, set[str]]) -> dict[tuple[str, str], tuple]:
    """(table, id) -> (label, deleted, classification, protected) for the records named."""
    facts: dict[tuple[str, str], tuple] = {}
    for table, ids in wanted.items():
        model = MODELS.get(table)
        if model is None or "deleted_at" not in model.__table__.columns:
            continue
        t = model.__table__
        label = _label_column(table)
        columns = [t.c.id, label if label is not None else t.c.id, t.c.deleted_at,
                   t.c.classification]
        if table == "sources":
            columns.append(t.c.protected)
        ids = sorted(ids)
        for start in range(0, len(ids), _CHUNK):
            for row in session.execute(select(*columns).where(
                    t.c.id.in_(ids[start:start + _CHUNK]))):
                text = row[1] if label is not None else None
                if isinstance(text, str) and len(text) > 120:
                    text = text[:119] + "\u2026"
                facts[(table, row[0])] = (text, row[2] is not None, row[3],
                                          bool(row[4]) if table == "sources" else False)
    return facts


def _entries(session, log: Sequence[ChangeLog]) -> list[AuditEntry]:
    wanted: dict[str, set[str]] = {}
    for c in log:
        wanted.setdefault(c.table_name, set()).add(c.record_id)
    facts = _record_facts(session, wanted)
    entries = []
    for c in log:
        label, deleted, _level, protected = facts.get((c.table_name, c.record_id),
                                                      (None, False, None, False))
        masked = (c.table_name == "sources" and c.field == "description" and protected
                  and (c.old_value is not None or c.new_value is not None))
        entries.append(AuditEntry(
            id=c.id, at=c.at, user_name=c.user_name, table=c.table_name,
            record_id=c.record_id, record_label=label, action=c.action, field=c.field,
            old_value=None if masked else _decode(c.old_value),
            new_value=None if masked else _decode(c.new_value), masked=masked,
            record_deleted=deleted))
    return entries


def history(handle: MissionHandle, table: str, record_id: str, *, limit: int = 500
            ) -> list[AuditEntry]:
    """The change log of one record, newest first."""
    with handle.session() as session:
        log = session.scalars(
            select(ChangeLog).where(ChangeLog.table_name == table,
                                    ChangeLog.record_id == record_id)
            .order_by(ChangeLog.at.desc(), ChangeLog.id).limit(limit)).all()
        return _entries(session, log)


def _bound(value: date | datetime | None, *, end: bool) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value
    start = datetime.combine(value, time.min)
    return start + timedelta(days=1) if end else start


def _filtered(query, flt: AuditFilter | None):
    if flt is None:
        return query
    if flt.who:
        query = query.where(ChangeLog.user_name == flt.who)
    since = _bound(flt.since, end=False)
    if since is not None:
        query = query.where(ChangeLog.at >= since)
    until = _bound(flt.until, end=True)
    if until is not None:
        query = (query.where(ChangeLog.at < until) if not isinstance(flt.until, datetime)
                 else query.where(ChangeLog.at <= until))
    if flt.tables:
        query = query.where(ChangeLog.table_name.in_(list(flt.tables)))
    if flt.actions:
        query = query.where(ChangeLog.action.in_(list(flt.actions)))
    if flt.record:
        query = query.where(ChangeLog.table_name == flt.record[0],
                            ChangeLog.record_id == flt.record[1])
    return query


def change_log(handle: MissionHandle, flt: AuditFilter | None = None, *, limit: int = 200,
               offset: int = 0, count: bool = False) -> AuditPage:
    """One page of the mission-wide log, newest first (`count` adds the total matching)."""
    with handle.session() as session:
        query = _filtered(select(ChangeLog), flt).order_by(ChangeLog.at.desc(),
                                                           ChangeLog.id)
        log = session.scalars(query.limit(limit + 1).offset(offset)).all()
        total = -1
        if count:
            total = session.scalar(_filtered(select(func.count()).select_from(ChangeLog),
                                             flt))
        return AuditPage(entries=_entries(session, log[:limit]), offset=offset,
                         has_more=len(log) > limit, total=total)


def log_users(handle: MissionHandle) -> list[str]:
    """The names that appear in the log, for the "who" filter."""
    with handle.session() as session:
        names = session.scalars(select(ChangeLog.user_name).distinct()
                                .where(ChangeLog.user_name.is_not(None))).all()
    return sorted(names, key=str.casefold)


def log_tables(handle: MissionHandle) -> list[str]:
    """The tables that appear in the log, for the "desk" filter."""
    with handle.session() as session:
        return sorted(session.scalars(select(ChangeLog.table_name).distinct()).all())


def export_change_log(handle: MissionHandle, path: str | Path, fmt: str,
                      flt: AuditFilter | None = None, *, headers: Sequence[str] | None = None,
                      describe=None) -> Path:
    """Write the filtered log (newest first) to CSV or XLSX.

    Marked with the highest classification of the records concerned (deleted ones too) and
    of every classification those records held according to the log (an old value was
    written under it), or the mission's default when none is known; an unknown level
    counts as the most restrictive. A protected source's description stays masked.
    `headers` replaces EXPORT_COLUMNS (translated by the UI); `describe(entry) -> list`
    replaces the default row (codes and raw values).
    """
    with handle.session() as session:
        log = session.scalars(_filtered(select(ChangeLog), flt)
                              .order_by(ChangeLog.at.desc(), ChangeLog.id)).all()
        entries = _entries(session, log)
        wanted: dict[str, set[str]] = {}
        for e in entries:
            wanted.setdefault(e.table, set()).add(e.record_id)
        facts = _record_facts(session, wanted)
        held = [f[2] for f in facts.values()]
        for table, record_id, old, new in session.execute(
                select(ChangeLog.table_name, ChangeLog.record_id, ChangeLog.old_value,
                       ChangeLog.new_value).where(ChangeLog.field == "classification")):
            if record_id in wanted.get(table, ()):
                held += [_decode(v) for v in (old, new) if v is not None]
        default = session.scalars(select(Mission.default_classification)).first()
    known = Classification._value2member_map_
    levels = {v if isinstance(v, str) and v in known
              else Classification.STRICTLY_CONFIDENTIAL.value
              for v in held if v is not None}
    level = (Classification.highest(levels).value if levels
             else default or Classification.CONFIDENTIAL.value)

    def plain(value):
        if value is None or isinstance(value, str | int | float):
            return value
        return json.dumps(value, ensure_ascii=False)

    def row(e: AuditEntry) -> list:
        return [e.at, e.user_name, e.table, e.record_label, e.record_id, e.action, e.field,
                plain(e.old_value), plain(e.new_value)]

    return export_table(path, list(headers or EXPORT_COLUMNS),
                        [(describe or row)(e) for e in entries], level, fmt)


# --- restoring a deletion ------------------------------------------------------------------


def _row(session, table: str, record_id: str):
    model = MODELS.get(table)
    if model is None or "deleted_at" not in model.__table__.columns:
        raise RecordMissing(table=table, record_id=record_id)
    row = session.scalars(select(model).where(model.id == record_id)
                          .execution_options(include_deleted=True)).first()
    if row is None:
        raise RecordMissing(table=table, record_id=record_id)
    return row


def restore_deleted(uow: UnitOfWork, table: str, record_id: str, *,
                    expected_revision: int | None = None) -> RestoredView:
    """Bring a tombstoned record back (the unit of work logs "restore").

    InvalidValue(reason="not_deleted") when it is live; a source whose code name was taken
    meanwhile, or a driver link whose pair was linked again, is refused by its own service.
    """
    session = uow.session
    if table == "driver_stakeholders":
        from missiondesk.services.drivers import restore_link

        view = restore_link(uow, record_id, expected_revision=expected_revision)
        return RestoredView(id=view.id, table=table, revision=view.revision)
    row = _row(session, table, record_id)
    if row.deleted_at is None:
        raise InvalidValue(field="deleted_at", table=table, reason="not_deleted")
    if expected_revision is not None and row.revision != expected_revision:
        raise RevisionConflict(table=table, record_id=record_id, expected=expected_revision,
                               found=row.revision)
    if isinstance(row, Source):
        from missiondesk.services.sources import _check_code_free

        _check_code_free(session, row.code_name.upper(), row.id)
    row.deleted_at = None
    session.flush()
    return RestoredView(id=row.id, table=table, revision=row.revision)


def delete_again(uow: UnitOfWork, table: str, record_id: str, *,
                 expected_revision: int | None = None) -> RestoredView:
    """Tombstone a record again (the undo of `restore_deleted`)."""
    row = _row(uow.session, table, record_id)
    if expected_revision is not None and row.revision != expected_revision:
        raise RevisionConflict(table=table, record_id=record_id, expected=expected_revision,
                               found=row.revision)
    if row.deleted_at is None:
        row.deleted_at = utcnow()
        uow.session.flush()
    return RestoredView(id=row.id, table=table, revision=row.revision, deleted=True)
