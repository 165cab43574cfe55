"""A mission's backups: daily while it is open, rotated, re-encrypted, copied out, restored.

Every backup of a mission lives in ``backups_dir()/<backup identity>/`` (missions never mix) and
is encrypted like the mission (the same passphrase; plain for a plain mission). The identity is
the mission's id, or for a file made by Save a Copy (`save_a_copy`) the mission's id plus the
copy's own id written into the copy (`store.backup.backup_identity`): two copies of a mission
never rotate each other's backups. The time and the reason are in the file name
(`store.backup.backup_name`), so listing and rotating need no passphrase; the counts shown
before a restore do.

Where "Back up to…" wrote a copy (a USB stick) is remembered beside the backups
(``copies-out.json``: paths and times, no content), so that a redaction or a purge can clean
the copies it can reach and name those it cannot (`scrub_backups`).

No Qt here: the GUI calls these from its timer and dialogs.
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from missiondesk.paths import backups_dir
from missiondesk.store import errors
from missiondesk.store.backup import backup_identity, backup_name, mark_as_copy
from missiondesk.store.engine import connect, inspect_file
from missiondesk.store.handle import MissionHandle
from missiondesk.store.rekey import fsync_path, rekey_file
from missiondesk.store.schema import COUNTED_TABLES

log = logging.getLogger(__name__)

DAILY = "daily"
COPY = "copy"
PRE_MIGRATION_PREFIX = "before-upgrade"
KEEP_DAILY = 7
KEEP_WEEKLY = 4
KEEP_PRE_MIGRATION = timedelta(days=30)

_NAME = re.compile(r"^(?P<stem>.*)-(?P<day>\d{8})-(?P<time>\d{6})-(?P<reason>[A-Za-z0-9_.-]+)"
                   r"\.mdesk$")


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    taken_at: datetime  # UTC, naive
    reason: str  # "daily", "before-upgrade-from-0001", ...
    size: int
    counts: dict[str, int] | None  # None: it does not open with the passphrase given

    @property
    def pre_migration(self) -> bool:
        return self.reason.startswith(PRE_MIGRATION_PREFIX)


@dataclass(frozen=True)
class RekeyReport:
    rekeyed: int = 0  # now under the new passphrase
    removed: int = 0  # plain backups deleted when the mission was encrypted
    skipped: int = 0  # did not open with the old passphrase (an earlier one): left as they are


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def parse_name(path: Path) -> tuple[datetime, str] | None:
    """(taken_at, reason) from a backup's file name, or None when it is not one of ours."""
    match = _NAME.match(path.name)
    if match is None:
        return None
    try:
        when = datetime.strptime(match["day"] + match["time"], "%Y%m%d%H%M%S")
    except ValueError:
        return None
    return when, match["reason"]


def _stem_of(path: Path) -> str | None:
    match = _NAME.match(path.name)
    return match["stem"] if match is not None else None


def glob_escape(text: str) -> str:
    return re.sub(r"([*?\[])", r"[\1]", text)


# --- which folder ----------------------------------------------------------------------------

def _safe_id(mission_id: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]+", "_", mission_id)


def mission_backups_dir(mission_id: str) -> Path:
    """The owner-only folder holding one mission's backups."""
    folder = backups_dir() / _safe_id(mission_id)
    folder.mkdir(exist_ok=True)
    if os.name == "posix":
        os.chmod(folder, 0o700)
    return folder


def handle_mission_id(handle: MissionHandle) -> str:
    """The backup identity of the open mission (its id; plus its copy id for a copy)."""
    with handle.driver_connection() as conn:
        identity = backup_identity(conn)
    if identity is None:
        raise errors.NotAMissionFile(path=str(handle.path))
    return identity


def file_mission_id(path: Path, passphrase: str | None) -> str:
    """The backup identity stored in a file (raises the typed error when it does not open)."""
    encrypted = inspect_file(path)
    conn = connect(path, passphrase if encrypted else None, encrypted=encrypted)
    try:
        identity = backup_identity(conn)
    except Exception as exc:  # noqa: BLE001 - no mission or change-log table: not ours
        raise errors.NotAMissionFile(path=str(path)) from exc
    finally:
        conn.close()
    if identity is None:
        raise errors.NotAMissionFile(path=str(path))
    return identity


def _backup_files(mission_path: Path, passphrase: str | None = None,
                  mission_id: str | None = None) -> list[Path]:
    """The backup files of a mission: its folder, plus older ones written flat in backups_dir.

    The id is read from the mission when it opens with `passphrase`; otherwise (a lost or
    damaged file, no passphrase) the backups are found by the file's name.
    """
    mission_path = Path(mission_path)
    root = backups_dir()
    if mission_id is None:
        try:
            mission_id = file_mission_id(mission_path, passphrase)
        except errors.MissionError:
            mission_id = None
    stem = mission_path.stem
    folders: list[Path] = []
    if mission_id is not None:
        folders.append(mission_backups_dir(mission_id))
    else:
        folders.extend(
            p for p in root.iterdir() if p.is_dir()
            and any(_stem_of(f) == stem for f in p.glob("*.mdesk"))
        )
    files = [f for folder in folders for f in folder.glob("*.mdesk")
             if f.is_file() and parse_name(f) is not None]
    # Written by the store before a migration (flat in the backups folder), found by the
    # mission file's name: exactly that name ("ops" is not "ops-copy").
    files.extend(f for f in root.glob(glob_escape(stem) + "-*.mdesk")
                 if f.is_file() and _stem_of(f) == stem
                 and parse_name(f)[1].startswith(PRE_MIGRATION_PREFIX))
    return sorted(set(files), key=lambda f: (parse_name(f)[0], f.name))


# --- reading a backup --------------------------------------------------------------------

def backup_counts(path: Path, passphrase: str | None) -> dict[str, int] | None:
    """Records per table in a backup, or None when it does not open with that passphrase."""
    try:
        encrypted = inspect_file(path)
        if encrypted and not passphrase:
            return None
        conn = connect(path, passphrase if encrypted else None, encrypted=encrypted)
    except errors.MissionError:
        return None
    try:
        present = {r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'")}
        counts = {}
        for table in COUNTED_TABLES:
            if table in present:  # table names are the schema's constants
                counts[table] = conn.execute(
                    "SELECT count(*) FROM %s WHERE deleted_at IS NULL" % table).fetchone()[0]
        return counts
    except Exception:  # noqa: BLE001 - a damaged backup is listed as unreadable
        log.warning("a backup could not be read")
        return None
    finally:
        conn.close()


def list_backups(mission_path: str | Path, passphrase: str | None, *,
                 mission_id: str | None = None) -> list[BackupInfo]:
    """A mission's backups, newest first, with what each holds (when it opens)."""
    result = []
    for path in reversed(_backup_files(Path(mission_path), passphrase, mission_id)):
        taken_at, reason = parse_name(path)
        result.append(BackupInfo(path=path, taken_at=taken_at, reason=reason,
                                 size=path.stat().st_size,
                                 counts=backup_counts(path, passphrase)))
    return result


# --- daily backups and rotation ----------------------------------------------------------

def backup_due(handle: MissionHandle, now: datetime | None = None) -> bool:
    """True when the open mission has no daily backup taken today (UTC)."""
    now = now or _now()
    folder = mission_backups_dir(handle_mission_id(handle))
    for path in folder.glob("*.mdesk"):
        parsed = parse_name(path)
        if parsed and parsed[1] == DAILY and parsed[0].date() == now.date():
            return False
    return True


def run_daily_backup(handle: MissionHandle, now: datetime | None = None) -> Path | None:
    """Take today's backup if none exists yet, then rotate. The new file, or None."""
    now = now or _now()
    if not backup_due(handle, now):
        return None
    mission_id = handle_mission_id(handle)
    target = mission_backups_dir(mission_id) / backup_name(handle.path, DAILY,
                                                           now.replace(tzinfo=UTC))
    written = handle.save_copy(target)
    rotate(handle.path, mission_id=mission_id, now=now)
    return written


def _to_remove(files: list[Path], now: datetime) -> list[Path]:
    keep: set[Path] = set()
    days: set = set()
    weeks: set = set()
    newest_first = sorted(files, key=lambda f: parse_name(f)[0], reverse=True)
    for path in newest_first:
        taken_at, reason = parse_name(path)
        if reason.startswith(PRE_MIGRATION_PREFIX):
            if now - taken_at < KEEP_PRE_MIGRATION:
                keep.add(path)
            continue
        day = taken_at.date()
        week = taken_at.isocalendar()[:2]
        if day not in days and len(days) < KEEP_DAILY:
            days.add(day)
            keep.add(path)
        if week not in weeks and len(weeks) < KEEP_WEEKLY:
            weeks.add(week)
            keep.add(path)
    return [f for f in files if f not in keep]


def rotate(mission_path: str | Path, passphrase: str | None = None, *,
           mission_id: str | None = None, now: datetime | None = None) -> list[Path]:
    """Keep the last 7 daily and 4 weekly backups (one per ISO week) and every
    pre-migration backup younger than 30 days; delete the rest. Returns what was deleted."""
    now = now or _now()
    files = _backup_files(Path(mission_path), passphrase, mission_id)
    removed = _to_remove(files, now)
    for path in removed:
        path.unlink(missing_ok=True)
    return removed


# --- when the passphrase changes -------------------------------------------------------

def rekey_backups(mission_path: str | Path, old: str | None, new: str | None, *,
                  mission_id: str | None = None) -> RekeyReport:
    """Re-encrypt a mission's backups after its passphrase changed (`new` None: decrypted).

    Encrypting a plain mission removes its plain backups. A backup that does not open with
    `old` (taken under an earlier passphrase) is left as it is and counted as skipped.
    """
    mission_path = Path(mission_path)
    if mission_id is None:
        try:
            mission_id = file_mission_id(mission_path, new)
        except errors.MissionError:
            mission_id = None
    rekeyed = removed = skipped = 0
    for path in _backup_files(mission_path, new, mission_id):
        try:
            encrypted = inspect_file(path)
        except errors.MissionError:
            skipped += 1
            continue
        if not encrypted and old is None and new:
            path.unlink(missing_ok=True)
            removed += 1
            continue
        if encrypted != (old is not None):
            skipped += 1
            continue
        try:
            rekey_file(path, old, new)
            # rekey_file leaves the file in WAL mode; a backup is one self-contained file.
            _to_single_file(path, new)
        except (errors.WrongPassphrase, errors.PassphraseRequired, errors.CorruptFile,
                errors.NotAMissionFile):
            skipped += 1
            continue
        rekeyed += 1
    return RekeyReport(rekeyed=rekeyed, removed=removed, skipped=skipped)


def _to_single_file(path: Path, passphrase: str | None) -> None:
    conn = connect(path, passphrase, encrypted=passphrase is not None)
    try:
        conn.execute("PRAGMA journal_mode = DELETE")
    finally:
        conn.close()


# --- copies out and restores -----------------------------------------------------------

COPIES_OUT = "copies-out.json"


def back_up_to(handle: MissionHandle, folder: str | Path, now: datetime | None = None) -> Path:
    """A backup of the open mission in `folder` (a USB stick), encrypted like the mission.

    Where it went is remembered (`copies_out`), so that a redaction can say which copies
    still hold what it removed."""
    folder = Path(folder)
    if not folder.is_dir():
        raise errors.FileMissing(path=str(folder))
    if not os.access(folder, os.W_OK):
        raise errors.ReadOnlyLocation(path=str(folder))
    when = (now or _now()).replace(tzinfo=UTC)
    target = folder / backup_name(handle.path, COPY, when)
    written = handle.save_copy(target)
    fsync_path(written)
    fsync_path(folder, directory=True)
    _remember_copy_out(handle_mission_id(handle), written.absolute(), when)
    return written


def copies_out(mission_id: str) -> list[Path]:
    """Where "Back up to…" wrote copies of this mission (oldest first), found or not."""
    record = mission_backups_dir(mission_id) / COPIES_OUT
    try:
        entries = json.loads(record.read_text(encoding="utf-8"))
        return [Path(e["path"]) for e in entries if isinstance(e, dict) and e.get("path")]
    except (OSError, ValueError, TypeError):
        return []


def _remember_copy_out(mission_id: str, path: Path, when: datetime) -> None:
    record = mission_backups_dir(mission_id) / COPIES_OUT
    known = [str(p) for p in copies_out(mission_id)]
    entries = [{"path": p} for p in known if p != str(path)]
    entries.append({"path": str(path), "at": when.strftime("%Y-%m-%dT%H:%M:%SZ")})
    partial = record.with_name("." + record.name + ".partial")
    try:
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(entries, out, ensure_ascii=False, indent=1)
        os.replace(partial, record)
    except OSError:  # the copy is written; only the reminder is missing
        log.warning("could not record where a backup copy was written")
        partial.unlink(missing_ok=True)


def save_a_copy(handle: MissionHandle, target: str | Path) -> Path:
    """Save a Copy: the open mission at `target` (encrypted like it), with its own backup
    identity, so that the copy's daily backups and their rotation never touch the
    original's (nor the original's the copy's). The copy is removed if it cannot be marked."""
    written = handle.save_copy(Path(target))
    try:
        conn = handle.connect_copy(written)
        try:
            mark_as_copy(conn, user_id=handle.user_id, user_name=handle.user_name,
                         origin=handle.device)
        finally:
            conn.close()
    except BaseException:
        written.unlink(missing_ok=True)
        raise
    return written


# --- after a redaction or a purge ----------------------------------------------------------

@dataclass(frozen=True)
class ScrubReport:
    """What happened to the backups after a redaction or a purge."""

    rewritten: tuple[Path, ...] = ()   # automatic backups and reachable copies, now clean
    unreadable: tuple[Path, ...] = ()  # backups that did not open (an earlier passphrase)
    unreachable: tuple[Path, ...] = ()  # "Back up to" copies not found: still hold it

    @property
    def still_holding(self) -> tuple[Path, ...]:
        """Every copy known to still hold what was removed."""
        return self.unreadable + self.unreachable


def _backup_engine(conn):
    """A SQLAlchemy engine over one driver connection (a backup), so the services' Core
    statements run on it as on the mission."""
    from sqlalchemy import create_engine, event
    from sqlalchemy.pool import StaticPool
    from sqlcipher3 import dbapi2

    conn.isolation_level = None
    conn.execute("PRAGMA temp_store = MEMORY")  # VACUUM's work never touches the disk
    conn.execute("PRAGMA secure_delete = ON")
    engine = create_engine("sqlite://", module=dbapi2, creator=lambda: conn,
                           poolclass=StaticPool, hide_parameters=True)

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        connection.exec_driver_sql("BEGIN")

    return engine


def _scrub_one(handle: MissionHandle, path: Path, identity: str,
               apply: Callable) -> bool | None:
    """Apply `apply(connection)` inside the backup at `path`, then VACUUM it so no freed page
    keeps the old content. True: done; False: not this mission's; None: did not open."""
    try:
        conn = handle.connect_copy(path)
    except errors.MissionError:
        return None
    try:
        try:
            if backup_identity(conn) != identity:
                return False
        except Exception:  # noqa: BLE001 - not a mission file
            return False
        engine = _backup_engine(conn)
        with engine.begin() as connection:
            apply(connection)
        conn.execute("VACUUM")
        conn.execute("PRAGMA journal_mode = DELETE")
        return True
    except Exception:  # noqa: BLE001 - a damaged backup is reported, never half-trusted
        log.warning("a backup could not be rewritten: %s", path.name)
        return None
    finally:
        conn.close()


def scrub_backups(handle: MissionHandle, apply: Callable) -> ScrubReport:
    """Run `apply(connection)` (the same redaction or purge the mission had) inside every
    automatic backup of the open mission and every "Back up to" copy that can be reached,
    each then vacuumed. Backups keep their names, dates and everything else they hold, so
    the rotation still means what it meant. Returns what could not be reached."""
    identity = handle_mission_id(handle)
    rewritten: list[Path] = []
    unreadable: list[Path] = []
    unreachable: list[Path] = []
    for path in _backup_files(handle.path, mission_id=identity):
        done = _scrub_one(handle, path, identity, apply)
        if done:
            rewritten.append(path)
        elif done is None:
            unreadable.append(path)
    for path in copies_out(identity):
        if not path.is_file():
            unreachable.append(path)
            continue
        done = _scrub_one(handle, path, identity, apply)
        if done:
            fsync_path(path)
            rewritten.append(path)
        elif done is None:
            unreachable.append(path)
        # False: another file now has that name; it is not a copy of this mission.
    return ScrubReport(rewritten=tuple(rewritten), unreadable=tuple(unreadable),
                       unreachable=tuple(unreachable))


def restore_backup(backup_path: str | Path, passphrase: str | None,
                   target_path: str | Path) -> Path:
    """Copy a backup into a new mission file at `target_path` (never over an existing one).

    The backup must open with `passphrase` and pass an integrity check first; the new file
    keeps the backup's encryption. Open it afterwards with `open_mission(target, passphrase)`.
    """
    backup_path = Path(backup_path).absolute()
    target = Path(target_path).absolute()
    if target.exists():
        raise errors.FileExists(path=str(target))
    if not target.parent.is_dir():
        raise errors.FileMissing(path=str(target.parent))
    if not os.access(target.parent, os.W_OK):
        raise errors.ReadOnlyLocation(path=str(target.parent))
    encrypted = inspect_file(backup_path)
    _verify(backup_path, passphrase if encrypted else None, encrypted)
    partial = target.with_name("." + target.name + ".restoring")
    partial.unlink(missing_ok=True)
    try:
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        os.close(fd)
        shutil.copyfile(backup_path, partial)
        _verify(partial, passphrase if encrypted else None, encrypted)
        fsync_path(partial)
        try:
            os.link(partial, target)  # fails if the target appeared meanwhile: never replaces
        except FileExistsError as exc:
            raise errors.FileExists(path=str(target)) from exc
        except OSError:
            if target.exists():
                raise errors.FileExists(path=str(target)) from None
            os.replace(partial, target)
        fsync_path(target.parent, directory=True)
    except OSError as exc:
        raise errors.ReadOnlyLocation(path=str(target.parent)) from exc
    finally:
        partial.unlink(missing_ok=True)
    return target


def _verify(path: Path, passphrase: str | None, encrypted: bool) -> None:
    conn = connect(path, passphrase, encrypted=encrypted)
    try:
        if [r[0] for r in conn.execute("PRAGMA integrity_check")] != ["ok"]:
            raise errors.CorruptFile(path=str(path))
        try:
            ok = conn.execute("SELECT count(*) FROM mission").fetchone()[0] == 1
        except Exception:  # noqa: BLE001 - no mission table: not ours
            ok = False
        if not ok:
            raise errors.NotAMissionFile(path=str(path))
    finally:
        conn.close()
