"""The open mission: `open_mission`, `create_mission`, the `MissionHandle` and its unit of work.

The flow of every write (DESIGN.md, Architecture)::

    with handle.unit_of_work() as uow:          # one transaction
        stakeholders.update(uow, sid, expected_revision=7, influence=4)
    # committed: change log written, revision 8 -> listeners get Changed({"stakeholders": {sid}})

Nothing is written to a file that fails to open: every check that can refuse it runs
before the first write (the lock, the WAL switch, a migration).
"""

from __future__ import annotations

import json
import logging
import os
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import event, inspect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import sessionmaker
from sqlcipher3 import dbapi2

from missiondesk.paths import data_dir
from missiondesk.store import errors
from missiondesk.store.backup import automatic_backup, write_backup
from missiondesk.store.engine import connect, inspect_file, make_engine, map_driver_error
from missiondesk.store.lock import (
    MissionLock,
    create_private,
    owner_only,
    partial_files,
    partial_path,
    remove_stray_partials,
)
from missiondesk.store.migrate import (
    HEAD_REVISION,
    create_at_head,
    schema_number,
    stored_revision,
    upgrade,
)
from missiondesk.store.schema import BOOKKEEPING_COLUMNS, ChangeLog, Common, Mission, MissionSession
from missiondesk.store.text import check_new_record, check_row, valid_value

log = logging.getLogger(__name__)


def utcnow() -> datetime:
    """Naive UTC, as every timestamp column stores it."""
    return datetime.now(UTC).replace(tzinfo=None)


def device_id() -> str:
    """This laptop's id, the `origin` of its changes (created once, kept in the data folder)."""
    path = data_dir() / "device-id"
    try:
        value = path.read_text(encoding="ascii").strip()
        uuid.UUID(value)
        return value
    except (OSError, ValueError):
        value = str(uuid.uuid4())
        path.write_text(value, encoding="ascii")
        return value


@dataclass(frozen=True)
class Changed:
    """What one committed unit of work changed: table name -> ids of the rows."""

    tables: dict[str, frozenset[str]]

    def touches(self, *tables: str) -> bool:
        return any(t in self.tables for t in tables)


def _json_value(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime | date):
        return json.dumps(value.isoformat())
    return json.dumps(value, ensure_ascii=False)


#: Tables whose writes never reach the change log. Map positions are layout, not user edits:
#: a first map opening places every actor and would log one "created" entry per actor under
#: the user's name (issue 9, defect 9). The rows still save, bump revisions and notify
#: listeners, and undo restores them as before; a drag the user makes is logged once per
#: dragged stakeholder, as "moved", by services.network.positions.record_moves.
UNLOGGED_TABLES = frozenset({"map_positions"})


@dataclass
class UnitOfWork:
    """One transaction: the session services write through, and what it changed."""

    session: MissionSession
    handle: MissionHandle
    changed: dict[str, set[str]] = field(default_factory=dict)
    _bumped: set[tuple[str, str]] = field(default_factory=set)

    def add(self, obj: Common) -> Common:
        self.session.add(obj)
        return obj

    def _before_flush(self, session, _context, _instances) -> None:
        now = utcnow()
        user = self.handle.user_name
        for obj in list(session.new):
            if not isinstance(obj, Common):
                continue
            check_new_record(obj, BOOKKEEPING_COLUMNS)  # text is valid text, from every path
            if obj.id is None:
                obj.id = str(uuid.uuid4())
            obj.created_at = obj.updated_at = now
            obj.created_by = obj.updated_by = user
            obj.revision = 1
            obj.origin = self.handle.device
            self._bumped.add((obj.__tablename__, obj.id))
            self._log(session, now, obj, "create", None, None, None)
        for obj in list(session.dirty):
            if not isinstance(obj, Common) or not session.is_modified(obj):
                continue
            state = inspect(obj)
            action = "update"
            for attr in state.mapper.column_attrs:
                name = attr.key
                if name in BOOKKEEPING_COLUMNS:
                    continue
                hist = state.attrs[name].history
                if not hist.has_changes():
                    continue
                old = hist.deleted[0] if hist.deleted else None
                new = hist.added[0] if hist.added else None
                if old == new:
                    continue
                valid_value(name, new, table=obj.__tablename__)
                if name == "deleted_at":
                    action = "delete" if new is not None else "restore"
                    self._log(session, now, obj, action, None, None, None)
                    continue
                self._log(session, now, obj, "update", name, old, new)
            key = (obj.__tablename__, obj.id)
            obj.updated_at = now
            obj.updated_by = user
            obj.origin = self.handle.device
            if key not in self._bumped:
                obj.revision = (obj.revision or 0) + 1
                self._bumped.add(key)
        for obj in list(session.deleted):
            if isinstance(obj, Common):
                self._log(session, now, obj, "purge", None, None, None)

    def log_event(self, table: str, record_id: str, action: str) -> str:
        """Append one change-log entry with no field and no value (who, when, what was done
        to which record: a stakeholder moved on the map); returns the entry's id."""
        entry = ChangeLog(id=str(uuid.uuid4()), at=utcnow(), user_id=self.handle.user_id,
                          user_name=self.handle.user_name, origin=self.handle.device,
                          table_name=table, record_id=record_id, action=action)
        self.session.add(entry)
        self.changed.setdefault("change_log", set()).add(entry.id)
        return entry.id

    def _log(self, session, now, obj, action, name, old, new) -> None:
        table = obj.__tablename__
        self.changed.setdefault(table, set()).add(obj.id)
        if table in UNLOGGED_TABLES:
            return
        session.add(
            ChangeLog(
                id=str(uuid.uuid4()),
                at=now,
                user_id=self.handle.user_id,
                user_name=self.handle.user_name,
                origin=self.handle.device,
                table_name=table,
                record_id=obj.id,
                action=action,
                field=name,
                old_value=_json_value(old),
                new_value=_json_value(new),
            )
        )


Listener = Callable[[Changed], None]


class MissionHandle:
    """An open mission file: its engine, who is working, and who listens for changes."""

    #: Partial files (store.lock.PARTIAL_KINDS) removed beside it when it opened.
    removed_partials: tuple[str, ...] = ()

    def __init__(self, path: Path, engine, *, encrypted: bool, passphrase: str | None,
                 lock: MissionLock, device: str) -> None:
        self.path = path
        self.engine = engine
        self.encrypted = encrypted
        self._passphrase = passphrase
        self._lock = lock
        self.device = device
        self.user_id: str | None = None
        self.user_name: str | None = None
        self._listeners: list[Listener] = []
        self._sessions = sessionmaker(engine, class_=MissionSession, expire_on_commit=False)
        self._closed = False

    @property
    def closed(self) -> bool:
        return self._closed

    def _check_open(self) -> None:
        # A closed handle must not reconnect (the pool would, silently and without the lock).
        if self._closed:
            raise errors.MissionClosed(path=str(self.path))

    def __repr__(self) -> str:  # never shows the passphrase
        return "MissionHandle(%r, encrypted=%s)" % (self.path.name, self.encrypted)

    # who is working
    def set_user(self, user_id: str | None, user_name: str) -> None:
        self.user_id = user_id
        self.user_name = user_name
        self._lock.update_who(user_name)

    # listeners
    def add_listener(self, listener: Listener) -> None:
        self._listeners.append(listener)

    def remove_listener(self, listener: Listener) -> None:
        if listener in self._listeners:
            self._listeners.remove(listener)

    # reading and writing
    @contextmanager
    def session(self) -> Iterator[MissionSession]:
        """A read session (tombstones hidden). Writes go through `unit_of_work`."""
        self._check_open()
        with self._sessions() as session:
            try:
                yield session
            except DBAPIError as exc:
                raise self._known(exc) from exc

    @contextmanager
    def unit_of_work(self) -> Iterator[UnitOfWork]:
        """One transaction: write, append the change log, bump revisions, commit, notify."""
        self._check_open()
        session = self._sessions()
        uow = UnitOfWork(session=session, handle=self)
        event.listen(session, "before_flush", uow._before_flush)
        try:
            with session.begin():
                yield uow
        except DBAPIError as exc:
            raise self._known(exc) from exc
        finally:
            event.remove(session, "before_flush", uow._before_flush)
            session.close()
        if uow.changed:
            changed = Changed({k: frozenset(v) for k, v in uow.changed.items()})
            for listener in list(self._listeners):
                listener(changed)

    def _known(self, exc: DBAPIError) -> Exception:
        mapped = map_driver_error(exc.orig or exc, self.path)
        return mapped if mapped is not None else exc

    @contextmanager
    def driver_connection(self):
        """A pooled driver connection (backups, integrity checks); returned to the pool after."""
        self._check_open()
        raw = self.engine.raw_connection()
        try:
            yield raw.driver_connection
        finally:
            raw.close()

    def backup(self, reason: str) -> Path:
        with self.driver_connection() as conn:
            return automatic_backup(conn, self.path, self._passphrase, reason)

    def save_copy(self, target: Path) -> Path:
        """A consistent copy of the open mission at `target`, encrypted like this file."""
        with self.driver_connection() as conn:
            return write_backup(conn, Path(target), self._passphrase)

    def connect_copy(self, path: Path):
        """A driver connection to a copy of this mission (a backup), keyed like this file
        (plain when the copy is plain). Typed errors when it does not open; close it after."""
        encrypted = inspect_file(Path(path))
        return connect(Path(path), self._passphrase if encrypted else None,
                       encrypted=encrypted)

    def close(self) -> None:
        if self._closed:
            return
        try:
            with self.driver_connection() as conn:
                # Keep the query planner's statistics fresh (bounded work; SQLite's advice).
                conn.execute("PRAGMA analysis_limit = 400")
                conn.execute("PRAGMA optimize")
        except dbapi2.Error:
            log.warning("could not refresh query statistics on close")
        self.engine.dispose()
        self._closed = True
        self._lock.release()
        self._listeners.clear()


def _is_network_path(path: Path) -> bool:
    text = str(path)
    return text.startswith("\\\\") or text.startswith("//")


def _check_writable(path: Path) -> None:
    if not os.access(path, os.W_OK) or not os.access(path.parent, os.W_OK):
        raise errors.ReadOnlyLocation(path=str(path))


def _check_not_truncated(conn, path: Path) -> None:
    """A file shorter than its own page count says is truncated (checked when no WAL is due)."""
    wal = path.with_name(path.name + "-wal")
    if wal.exists() and wal.stat().st_size > 0:
        return
    pages = int(conn.execute("PRAGMA page_count").fetchone()[0])
    page_size = int(conn.execute("PRAGMA page_size").fetchone()[0])
    if pages * page_size > path.stat().st_size:
        raise errors.CorruptFile(path=str(path))


def open_mission(path: str | Path, passphrase: str | None = None, *,
                 script_location: Path | None = None, connection=None,
                 break_lock: bool = False) -> MissionHandle:
    """Open a mission file, upgrading an older schema after a backup. Typed errors on failure.

    `connection` may be a driver connection `engine.connect` already keyed for this file and
    passphrase (the GUI derives the key while it starts); it is used or closed, never leaked.
    `break_lock`: open though the lock names someone (the user saw who and chose to).
    Once the lock is held, partial files an interrupted rekey, creation or import left
    beside the mission are removed (`handle.removed_partials` says which kinds), and a
    mission (and its sidecars) readable by others is made owner-only (POSIX).
    """
    path = Path(path).absolute()
    if _is_network_path(path):
        raise errors.NetworkShare(path=str(path))
    try:
        encrypted = inspect_file(path)
    except errors.FileMissing as exc:  # a killed import into a new file leaves only a partial
        exc.params["removed_partials"] = remove_stray_partials(path)
        raise
    if encrypted and not passphrase:
        raise errors.PassphraseRequired(path=str(path))
    try:
        _check_writable(path)
    except errors.MissionError:
        if connection is not None:
            connection.close()
        raise
    # A WAL left by a crash: look read-only first, so a refusal never merges it into the
    # file (closing a read-write connection would), and remove an -shm the look created.
    wal = path.with_name(path.name + "-wal")
    shm = path.with_name(path.name + "-shm")
    recovering = wal.exists() and wal.stat().st_size > 0
    shm_existed = shm.exists()
    if recovering and connection is not None:
        connection.close()
        connection = None
    try:
        conn = connection or connect(path, passphrase if encrypted else None,
                                     encrypted=encrypted, read_only=recovering)
    except errors.MissionError:
        if recovering and not shm_existed:
            shm.unlink(missing_ok=True)
        raise
    engine = None
    lock = MissionLock(path)
    try:
        try:
            revision = stored_revision(conn)
            has_mission = conn.execute(
                "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'mission'"
            ).fetchone()[0]
        except dbapi2.DatabaseError as exc:
            raise map_driver_error(exc, path) or errors.CorruptFile(path=str(path)) from exc
        if revision is None or not has_mission or not revision.isdigit():
            raise errors.NotAMissionFile(path=str(path))
        if conn.execute("SELECT count(*) FROM mission").fetchone()[0] != 1:
            raise errors.NotAMissionFile(path=str(path))
        if schema_number(revision) > schema_number(HEAD_REVISION):
            raise errors.NewerSchema(found=schema_number(revision),
                                     supported=schema_number(HEAD_REVISION))
        _check_not_truncated(conn, path)
        if recovering:  # the file holds up: work on it through ordinary connections
            conn.close()
            conn = None
        lock.acquire(break_lock=break_lock)
        removed = remove_stray_partials(path, lock)
        owner_only(path)
        engine = make_engine(path, passphrase if encrypted else None, first=conn)
        conn = None  # owned by the pool now
        handle = MissionHandle(path, engine, encrypted=encrypted,
                               passphrase=passphrase if encrypted else None,
                               lock=lock, device=device_id())
        handle.removed_partials = tuple(removed)
        if schema_number(revision) < schema_number(HEAD_REVISION) or script_location:
            _upgrade_with_backup(handle, revision, script_location)
        return handle
    except BaseException:
        if conn is not None:
            conn.close()
        if engine is not None:
            engine.dispose()
        lock.release()
        if recovering and not shm_existed and engine is None:
            shm.unlink(missing_ok=True)
        raise


def _upgrade_with_backup(handle: MissionHandle, revision: str,
                         script_location: Path | None) -> None:
    from missiondesk.store.migrate import script_heads

    if script_location is not None and script_heads(script_location) == [revision]:
        return
    backup = handle.backup("before-upgrade-from-%s" % revision)
    try:
        upgrade(handle.engine, script_location=script_location)
    except errors.MissionError:
        raise
    except Exception as exc:  # a failed migration must say where the backup is
        # The type only: driver messages can quote SQL, never record contents in a log.
        log.error("migration from %s failed: %s", revision, type(exc).__name__)
        raise errors.MigrationFailed(step=revision, detail=type(exc).__name__,
                                     backup=str(backup)) from exc


@dataclass
class NewMission:
    """What New Mission asks."""

    name: str
    acronym: str = ""
    host_country: str = ""
    time_zone: str = "UTC"
    default_classification: str = "CONFIDENTIAL"
    mandate_expiry: date | None = None


def create_mission(path: str | Path, passphrase: str | None, details: NewMission, *,
                   populate: Callable | None = None, author: str = "MissionDesk",
                   pending: bool = False) -> MissionHandle:
    """Write a new mission file at head and open it.

    The file is built under a partial name beside it (``.NAME.creating``, owner-only from
    its first byte) while the mission's lock is held, and moved into place only when
    complete, so a failure or a kill never leaves a half-written mission under NAME (the
    next open or check of NAME removes the partial). `populate(session, origin)` may add
    records (the demo) in the same transaction as the mission row.

    `pending`: return the handle open on the partial (an import into a new file writes
    through it); `publish_mission(handle)` moves it into place, `handle.close()` alone
    discards it. NAME does not exist until then.
    """
    check_row("mission", asdict(details))  # before anything is created
    path = Path(path).absolute()
    if path.exists():
        raise errors.FileExists(path=str(path))
    if not path.parent.is_dir():
        raise errors.FolderMissing(path=str(path.parent))
    if not os.access(path.parent, os.W_OK):
        raise errors.ReadOnlyLocation(path=str(path.parent))
    partial = partial_path(path, "creating")
    lock = _Creating(path, partial)
    lock.acquire()  # one creator at a time; what a killed one left is ours to remove
    device = device_id()
    engine = None
    try:
        if path.exists():
            raise errors.FileExists(path=str(path))
        for leftover in partial_files(path, "creating"):
            leftover.unlink(missing_ok=True)
        create_private(partial)  # owner-only before SQLite writes (its sidecars follow)
        conn = connect(partial, passphrase, encrypted=passphrase is not None)
        engine = make_engine(partial, passphrase, first=conn)
        with engine.begin() as connection:
            create_at_head(connection)
        with sessionmaker(engine, class_=MissionSession)() as session, session.begin():
            now = utcnow()
            if populate is not None:
                populate(session, device)
            else:
                session.add(Mission(
                    name=details.name, acronym=details.acronym or None,
                    host_country=details.host_country or None, time_zone=details.time_zone,
                    default_classification=details.default_classification,
                    mandate_expiry=details.mandate_expiry, created_at=now, updated_at=now,
                    created_by=author, updated_by=author, revision=1, origin=device,
                    classification="UNCLASSIFIED",
                ))
        handle = MissionHandle(partial, engine, encrypted=passphrase is not None,
                               passphrase=passphrase, lock=lock, device=device)
        engine = None
    except BaseException as exc:
        if engine is not None:
            engine.dispose()
        lock.release()  # removes the partial
        if isinstance(exc, DBAPIError):
            raise map_driver_error(exc.orig or exc, path) or errors.StorageFull(
                path=str(path)) from exc
        if isinstance(exc, OSError) and not isinstance(exc, errors.MissionError):
            raise errors.ReadOnlyLocation(path=str(path.parent)) from exc
        raise
    if pending:
        return handle
    publish_mission(handle)
    return open_mission(path, passphrase)


class _Creating(MissionLock):
    """The lock of a mission being created under its partial name. Released, it removes the
    partial, after moving it into place when `publish` was asked."""

    def __init__(self, mission_path: Path, partial: Path) -> None:
        super().__init__(mission_path)
        self.mission_path = mission_path
        self.partial = partial
        self.publish = False

    def release(self) -> None:
        try:
            if self.held and self.publish:
                _move_into_place(self.partial, self.mission_path)
        finally:
            for leftover in partial_files(self.mission_path, "creating"):
                leftover.unlink(missing_ok=True)
            super().release()


def _move_into_place(partial: Path, path: Path) -> None:
    """The complete partial becomes `path`, never replacing a file that appeared meanwhile."""
    from missiondesk.store.rekey import fsync_path

    wal = partial.with_name(partial.name + "-wal")
    if wal.exists() and wal.stat().st_size > 0:  # not all in the file: do not publish half
        raise errors.StorageFull(path=str(path))
    fsync_path(partial)
    try:
        os.link(partial, path)  # fails if `path` exists
    except FileExistsError as exc:
        raise errors.FileExists(path=str(path)) from exc
    except OSError:  # no hard links here (FAT)
        if path.exists():
            raise errors.FileExists(path=str(path)) from None
        os.replace(partial, path)
    fsync_path(path.parent, directory=True)


def publish_mission(handle: MissionHandle) -> Path:
    """Close a mission made by `create_mission(..., pending=True)` and move it into place
    under its name (typed errors: FileExists when that name appeared meanwhile)."""
    lock = handle._lock
    if not isinstance(lock, _Creating):
        raise TypeError("publish_mission needs a handle from create_mission(pending=True)")
    with handle.driver_connection() as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # everything in the file itself
    lock.publish = True
    handle.close()
    return lock.mission_path
