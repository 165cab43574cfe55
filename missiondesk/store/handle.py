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
from missiondesk.store.lock import MissionLock
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

    def _log(self, session, now, obj, action, name, old, new) -> None:
        table = obj.__tablename__
        self.changed.setdefault(table, set()).add(obj.id)
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
                 script_location: Path | None = None, connection=None) -> MissionHandle:
    """Open a mission file, upgrading an older schema after a backup. Typed errors on failure.

    `connection` may be a driver connection `engine.connect` already keyed for this file and
    passphrase (the GUI derives the key while it starts); it is used or closed, never leaked.
    """
    path = Path(path).absolute()
    if _is_network_path(path):
        raise errors.NetworkShare(path=str(path))
    encrypted = inspect_file(path)
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
        lock.acquire()
        engine = make_engine(path, passphrase if encrypted else None, first=conn)
        conn = None  # owned by the pool now
        handle = MissionHandle(path, engine, encrypted=encrypted,
                               passphrase=passphrase if encrypted else None,
                               lock=lock, device=device_id())
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
                   populate: Callable | None = None, author: str = "MissionDesk") -> MissionHandle:
    """Write a new mission file at head and open it.

    The file is built under a temporary name and moved into place only when complete, so
    a failure never leaves a half-written mission. `populate(session, origin)` may add
    records (the demo) in the same transaction as the mission row.
    """
    check_row("mission", asdict(details))  # before anything is created
    path = Path(path).absolute()
    if path.exists():
        raise errors.FileExists(path=str(path))
    if not path.parent.is_dir():
        raise errors.FolderMissing(path=str(path.parent))
    if not os.access(path.parent, os.W_OK):
        raise errors.ReadOnlyLocation(path=str(path.parent))
    partial = path.with_name("." + path.name + ".creating")
    for leftover in (partial, partial.with_name(partial.name + "-wal"),
                     partial.with_name(partial.name + "-shm")):
        leftover.unlink(missing_ok=True)
    device = device_id()
    engine = None
    try:
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
        engine.dispose()
        engine = None
        if path.exists():
            raise errors.FileExists(path=str(path))
        os.replace(partial, path)
    except DBAPIError as exc:
        raise map_driver_error(exc.orig or exc, path) or errors.StorageFull(path=str(path)) from exc
    finally:
        if engine is not None:
            engine.dispose()
        for leftover in (partial, partial.with_name(partial.name + "-wal"),
                         partial.with_name(partial.name + "-shm")):
            leftover.unlink(missing_ok=True)
    if os.name == "posix":
        os.chmod(path, 0o600)
    return open_mission(path, passphrase)
