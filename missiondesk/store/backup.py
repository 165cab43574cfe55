"""Backups with SQLite's online backup API, encrypted like the source (same passphrase).

Which backups belong to a mission file is decided by its *backup identity*: the mission's id,
or, for a file made by Save a Copy, the mission's id plus the copy's own id, recorded in the
copy's change log (action ``copy``, no content). A copy is the same mission (same id, same
team, same history) but its backups are kept apart, so two copies never rotate each other's.
The identity lives in the file, so it survives a move, a rename and a passphrase change.
"""

from __future__ import annotations

import json
import os
import re
import uuid
from datetime import UTC, datetime
from pathlib import Path

from sqlcipher3 import dbapi2

from missiondesk.paths import backups_dir
from missiondesk.store import errors
from missiondesk.store.engine import map_driver_error
from missiondesk.store.passphrase import normalise

#: The change-log action that gives a copy its own backup identity.
COPY_ACTION = "copy"


def backup_identity(conn) -> str | None:
    """The backup identity of the open database `conn` (a driver connection): the mission's
    id, or ``<mission id>_<copy id>`` for a file made by Save a Copy. None: no mission row."""
    row = conn.execute("SELECT id FROM mission").fetchone()
    if row is None:
        return None
    mission_id = row[0]
    copy = conn.execute(
        "SELECT new_value FROM change_log WHERE table_name = 'mission' AND record_id = ? "
        "AND action = ? ORDER BY at DESC, id DESC LIMIT 1", (mission_id, COPY_ACTION)
    ).fetchone()
    if copy is None or not copy[0]:
        return mission_id
    try:
        copy_id = json.loads(copy[0])
    except ValueError:
        copy_id = copy[0]
    return "%s_%s" % (mission_id, copy_id)


def mark_as_copy(conn, *, user_id: str | None, user_name: str | None,
                 origin: str | None) -> str:
    """Give the database `conn` (a fresh copy of a mission) its own backup identity: one
    change-log entry "saved as a copy" (who, when, a new random id; no content)."""
    row = conn.execute("SELECT id FROM mission").fetchone()
    if row is None:
        raise errors.NotAMissionFile()
    copy_id = uuid.uuid4().hex[:16]
    now = datetime.now(UTC).replace(tzinfo=None)
    conn.execute("BEGIN")
    try:
        conn.execute(
            "INSERT INTO change_log (id, at, user_id, user_name, origin, table_name, "
            "record_id, action, field, old_value, new_value) "
            "VALUES (?, ?, ?, ?, ?, 'mission', ?, ?, NULL, NULL, ?)",
            (str(uuid.uuid4()), now.strftime("%Y-%m-%d %H:%M:%S.%f"), user_id, user_name,
             origin, row[0], COPY_ACTION, json.dumps(copy_id)))
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return "%s_%s" % (row[0], copy_id)


def backup_name(mission_path: Path, reason: str, when: datetime | None = None) -> str:
    when = when or datetime.now(UTC)
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "_", reason)
    return "%s-%s-%s.mdesk" % (mission_path.stem, when.strftime("%Y%m%d-%H%M%S"), safe)


def write_backup(source_conn, dest: Path, passphrase: str | None) -> Path:
    """Copy the open database `source_conn` into `dest`, keyed with `passphrase` if given."""
    if dest.exists():
        raise errors.FileExists(path=str(dest))
    partial = dest.with_name(dest.name + ".partial")
    partial.unlink(missing_ok=True)
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.close(fd)
    try:
        target = dbapi2.connect(str(partial))
        try:
            if passphrase is not None:
                target.execute("PRAGMA cipher_log_level = NONE")
                target.set_key(normalise(passphrase))  # new keys are NFC (store.passphrase)
            source_conn.backup(target)
            target.execute("PRAGMA journal_mode = DELETE")
        finally:
            target.close()
        os.replace(partial, dest)
    except dbapi2.Error as exc:
        partial.unlink(missing_ok=True)
        raise map_driver_error(exc, dest) or errors.StorageFull(path=str(dest)) from exc
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise errors.ReadOnlyLocation(path=str(dest)) from exc
    return dest


def automatic_backup(source_conn, mission_path: Path, passphrase: str | None, reason: str) -> Path:
    """A backup in the user's backup folder (before a migration, daily)."""
    when = datetime.now(UTC)
    target = backups_dir() / backup_name(mission_path, reason, when)
    attempt = 1
    while target.exists() or target.with_name(target.name + ".partial").exists():
        attempt += 1  # two backups in the same second (a migration retried at once)
        target = backups_dir() / backup_name(mission_path, "%s-%d" % (reason, attempt), when)
    return write_backup(source_conn, target, passphrase)
