"""Backups with SQLite's online backup API, encrypted like the source (same passphrase)."""

from __future__ import annotations

import os
import re
from datetime import UTC, datetime
from pathlib import Path

from sqlcipher3 import dbapi2

from missiondesk.paths import backups_dir
from missiondesk.store import errors
from missiondesk.store.engine import map_driver_error
from missiondesk.store.passphrase import normalise


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
