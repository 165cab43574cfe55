"""Drafts: long text being typed, kept in the mission file (encrypted with it) every few seconds
so that nothing typed is lost to a crash, a flat battery or a lock.

A draft is not a change to a record: it is written in a plain session transaction, never
through the unit of work, so it leaves no change-log entry and notifies no desk. One row per
key (table, record, field), updated in place; deleted (not tombstoned) when discarded.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import delete, select

from missiondesk.store.schema import Draft

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from missiondesk.store.handle import MissionHandle


@dataclass(frozen=True)
class DraftKey:
    """Which field of which record the text belongs to (record_id None: a record not yet saved)."""

    table: str
    record_id: str | None
    field: str


@dataclass(frozen=True)
class DraftView:
    key: DraftKey
    text: str
    saved_at: datetime


def _where(key: DraftKey):
    record = (Draft.record_id.is_(None) if key.record_id is None
              else Draft.record_id == key.record_id)
    return (Draft.table_name == key.table, record, Draft.field == key.field)


def _view(row: Draft) -> DraftView:
    return DraftView(DraftKey(row.table_name, row.record_id, row.field), row.text, row.updated_at)


def save_draft(handle: MissionHandle, key: DraftKey, text: str) -> None:
    """Keep `text` as the draft of `key` (replacing the previous one)."""
    from missiondesk.store.handle import utcnow

    now = utcnow()
    with handle.session() as session, session.begin():
        row = session.scalars(select(Draft).where(*_where(key))).first()
        if row is None:
            session.add(Draft(table_name=key.table, record_id=key.record_id, field=key.field,
                              text=text, created_at=now, updated_at=now,
                              created_by=handle.user_name, updated_by=handle.user_name,
                              revision=1, origin=handle.device))
        elif row.text != text:
            row.text = text
            row.updated_at = now
            row.updated_by = handle.user_name
            row.revision = (row.revision or 0) + 1


def drafts_for(handle: MissionHandle, table: str, record_id: str | None) -> list[DraftView]:
    """The drafts of one record (or of the unsaved new record of `table`), by field."""
    record = Draft.record_id.is_(None) if record_id is None else Draft.record_id == record_id
    with handle.session() as session:
        rows = session.scalars(select(Draft).where(Draft.table_name == table, record)
                               .order_by(Draft.field)).all()
        return [_view(r) for r in rows]


def get_draft(handle: MissionHandle, key: DraftKey) -> DraftView | None:
    with handle.session() as session:
        row = session.scalars(select(Draft).where(*_where(key))).first()
        return _view(row) if row is not None else None


def delete_drafts(session: Session, key: DraftKey) -> int:
    """Delete the draft of `key` inside the caller's transaction (redaction uses it). Count."""
    result = session.execute(delete(Draft).where(*_where(key)))
    return int(result.rowcount or 0)


def discard_draft(handle: MissionHandle, key: DraftKey) -> bool:
    """Forget the draft of `key`; True if there was one."""
    with handle.session() as session, session.begin():
        return delete_drafts(session, key) > 0


def all_drafts(handle: MissionHandle) -> list[DraftView]:
    """Every draft in the mission, newest first (for the word after a crash)."""
    with handle.session() as session:
        rows = session.scalars(select(Draft).order_by(Draft.updated_at.desc())).all()
        return [_view(r) for r in rows]


def write_errors() -> tuple[type[BaseException], ...]:
    """What saving a draft can meet (a closed, full or damaged file): the keepers catch
    these and go on, so typing is never broken by the store."""
    from sqlalchemy.exc import SQLAlchemyError
    from sqlcipher3 import dbapi2

    from missiondesk.store.errors import MissionError

    return (MissionError, SQLAlchemyError, dbapi2.Error, OSError)
