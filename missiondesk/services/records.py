"""What every service does with one record: find it (live, or deleted too), check the revision
the caller last saw (so an edit never silently overwrites a colleague's), and read the values
the change log keeps. Codes only; the sentences are messages.py's."""

from __future__ import annotations

import json
from typing import Any

from missiondesk.store.errors import RecordMissing, RevisionConflict


def find_record(session, model: type, record_id: str, *, include_deleted: bool = False) -> Any:
    """The row with this id; RecordMissing if there is none, or it is deleted and
    `include_deleted` is not set."""
    row = session.get(model, record_id, execution_options={"include_deleted": True})
    if row is None or (row.deleted_at is not None and not include_deleted):
        raise RecordMissing(table=model.__tablename__, record_id=record_id)
    return row


def check_revision(row: Any, expected: int | None) -> None:
    """RevisionConflict when the record moved past the revision the caller saw (None: any)."""
    if expected is not None and row.revision != expected:
        raise RevisionConflict(table=row.__tablename__, record_id=row.id, expected=expected,
                               found=row.revision)


def load_record(uow, model: type, record_id: str, expected_revision: int | None,
                include_deleted: bool = False) -> Any:
    """find_record and check_revision in one: the row an edit may change."""
    row = find_record(uow.session, model, record_id, include_deleted=include_deleted)
    check_revision(row, expected_revision)
    return row


def apply_changes(row: Any, changes: dict) -> None:
    """Set the fields that differ (an unchanged value is not written: no revision bump and no
    change-log entry for it)."""
    for name, value in changes.items():
        if getattr(row, name) != value:
            setattr(row, name, value)


def log_value(text: str | None) -> object:
    """A value as the change log stores it (JSON, or plain text from older entries)."""
    if text is None:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return text
