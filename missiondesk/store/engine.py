"""Connections to a mission file: SQLCipher keys, pragmas, one long-lived pool, and the
translation of driver failures into typed errors.

Every connection goes through `connect()`: it sets the key with the driver's own call (no
passphrase is ever put into SQL text), proves the key by reading the schema, and only then
sets the pragmas. SQLCipher's key derivation costs ~0.1 s, so the pool keeps connections
alive for the whole time a mission is open.
"""

from __future__ import annotations

import logging
import os
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from sqlcipher3 import dbapi2

from missiondesk.store import errors

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

log = logging.getLogger(__name__)

SQLITE_MAGIC = b"SQLite format 3\x00"
CIPHER_PAGE_SIZE = 4096
BUSY_TIMEOUT_MS = 5000

#: The pragmas in force on every connection; `check_pragmas` asserts them.
DURABILITY_PRAGMAS = {
    "foreign_keys": 1,
    "journal_mode": "wal",
    "synchronous": 2,  # FULL
    "temp_store": 2,  # MEMORY
}


def is_plain_sqlite(path: Path) -> bool:
    """True when the file starts with SQLite's plaintext header (an unencrypted mission)."""
    with open(path, "rb") as fh:
        return fh.read(len(SQLITE_MAGIC)) == SQLITE_MAGIC


def _plain_page_size(path: Path) -> int:
    """The page size a plaintext SQLite header declares (bytes 16-17; 1 means 65536)."""
    with open(path, "rb") as fh:
        header = fh.read(18)
    value = int.from_bytes(header[16:18], "big") if len(header) >= 18 else 0
    if value == 1:
        return 65536
    return value if value >= 512 and value & (value - 1) == 0 else 4096


def inspect_file(path: Path) -> bool:
    """Check a file can be a mission before any driver touches it; returns True if encrypted.

    Raises the typed error for a missing file, a directory, no read permission, an empty
    file, or bytes that cannot be a SQLCipher file (a size that is not whole pages).
    """
    if not path.exists():
        raise errors.FileMissing(path=str(path))
    if path.is_dir():
        raise errors.IsADirectory(path=str(path))
    if not os.access(path, os.R_OK):
        raise errors.NoReadPermission(path=str(path))
    try:
        size = path.stat().st_size
        if size == 0:
            raise errors.NotAMissionFile(path=str(path))
        if is_plain_sqlite(path):
            if size % _plain_page_size(path):
                # SQLite writes whole pages: a ragged file was cut short (its WAL, if any,
                # must not be merged into it, so refuse before any connection).
                raise errors.CorruptFile(path=str(path))
            return False
    except PermissionError as exc:
        raise errors.NoReadPermission(path=str(path)) from exc
    if size < CIPHER_PAGE_SIZE:
        raise errors.NotAMissionFile(path=str(path))
    if size % CIPHER_PAGE_SIZE:
        # SQLCipher writes whole pages: a ragged size is a truncated file or not ours.
        raise errors.CorruptFile(path=str(path))
    return True


def map_driver_error(exc: Exception, path: Path | None = None) -> errors.MissionError | None:
    """The typed error for a driver exception, or None when it is a bug, not a known failure."""
    text = str(exc).lower()
    where = {"path": str(path)} if path else {}
    if "database or disk is full" in text or "disk i/o error" in text and _disk_full(path):
        return errors.StorageFull(**where)
    if "readonly" in text or "read-only" in text or "unable to open database" in text:
        return errors.ReadOnlyLocation(**where)
    if "malformed" in text or "disk image" in text or "could not decode" in text:
        return errors.CorruptFile(**where)
    if "file is not a database" in text or "file is encrypted" in text:
        return errors.NotAMissionFile(**where)
    if "locked" in text or "busy" in text:
        return errors.LockedByOther(**where)
    return None


def _disk_full(path: Path | None) -> bool:
    if path is None:
        return False
    try:
        stat = os.statvfs(path.parent)
    except (OSError, AttributeError):
        return False
    return stat.f_bavail * stat.f_frsize < 1024 * 1024


class KeyedConnection(dbapi2.Connection):
    """A driver connection that remembers whether its key is the raw form of the passphrase
    (a file keyed before passphrases were normalised), never the key itself."""

    raw_key = False


def connect(path: Path, passphrase: str | None, *, encrypted: bool | None = None,
            read_only: bool = False, raw_key: bool | None = None):
    """Open, key and prove one driver connection. Nothing is written to the file.

    The key is derived from the passphrase's NFC form, then, when that fails and the raw form
    differs, from the raw form (files keyed before; `store.passphrase`). `raw_key` True/False
    tries that form only (the pool's further connections, once the first one found it).
    `read_only` opens it so that closing never checkpoints a WAL into the file (the first
    look at a file left with a WAL by a crash, which may yet be refused)."""
    from missiondesk.store.passphrase import key_forms

    if encrypted is None:
        encrypted = passphrase is not None
    if not encrypted:
        return _connect_once(path, None, encrypted=False, read_only=read_only)
    if not passphrase:
        raise errors.PassphraseRequired(path=str(path))
    forms = key_forms(passphrase)  # (NFC,) or (NFC, raw)
    tried = forms if raw_key is None or len(forms) == 1 else (forms[1] if raw_key else forms[0],)
    for attempt, key in enumerate(tried):
        try:
            conn = _connect_once(path, key, encrypted=True, read_only=read_only)
        except errors.WrongPassphrase:
            if attempt == len(tried) - 1:
                raise
            continue
        conn.raw_key = len(forms) > 1 and key == forms[1]
        return conn
    raise errors.WrongPassphrase(path=str(path))  # not reached: `tried` is never empty


def _connect_once(path: Path, key: str | None, *, encrypted: bool, read_only: bool):
    """One connection keyed with exactly `key` (no normalisation)."""
    if encrypted and not key:
        raise errors.PassphraseRequired(path=str(path))
    try:
        if read_only:
            conn = dbapi2.connect(Path(path).absolute().as_uri() + "?mode=ro", uri=True,
                                  check_same_thread=False, isolation_level=None,
                                  factory=KeyedConnection)
        else:
            conn = dbapi2.connect(str(path), check_same_thread=False, isolation_level=None,
                                  factory=KeyedConnection)
    except dbapi2.Error as exc:
        raise map_driver_error(exc, path) or errors.ReadOnlyLocation(path=str(path)) from exc
    try:
        if encrypted:
            conn.execute("PRAGMA cipher_log_level = NONE")
            conn.set_key(key)
        conn.execute("PRAGMA busy_timeout = %d" % BUSY_TIMEOUT_MS)
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except dbapi2.DatabaseError as exc:
        conn.close()
        text = str(exc).lower()
        if encrypted and "not a database" in text:
            raise errors.WrongPassphrase(path=str(path)) from exc
        raise map_driver_error(exc, path) or errors.CorruptFile(path=str(path)) from exc
    return conn


def apply_pragmas(conn) -> None:
    """The pragmas DESIGN.md requires on every connection (after the key is proven)."""
    conn.execute("PRAGMA foreign_keys = ON")
    mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
    if str(mode).lower() != "wal":
        # WAL needs shared memory on a local disk; a network share says no.
        raise errors.NetworkShare()
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("PRAGMA temp_store = MEMORY")
    # 12 MB of decrypted pages per connection: SQLite's default 2 MB makes SQLCipher decrypt
    # the same index pages over and over on the large mission; 32 MB (before) cost ~90 MB of
    # the program's peak over the pool's connections for no measured gain (tests/perf/).
    conn.execute("PRAGMA cache_size = -12288")


def check_pragmas(conn) -> dict[str, object]:
    """The durability pragmas as the connection reports them (tests assert on this)."""
    return {name: conn.execute("PRAGMA " + name).fetchone()[0] for name in DURABILITY_PRAGMAS}


def make_engine(path: Path, passphrase: str | None, first=None) -> Engine:
    """A pooled engine over the file; `first` is an already keyed connection to reuse."""
    # SQLAlchemy is imported here, not at the top: `connect` (the slow key derivation) can
    # then start in a worker while the GUI is still importing.
    from sqlalchemy import create_engine, event
    from sqlalchemy.pool import QueuePool

    encrypted = passphrase is not None
    spare = [first] if first is not None else []
    spare_lock = threading.Lock()
    # Which form of the passphrase keys this file (NFC, or raw for a file keyed before):
    # learnt from the first connection, so further ones derive the key once, not twice.
    raw_key = [getattr(first, "raw_key", None) if first is not None else None]

    def creator():
        with spare_lock:
            if spare:
                return spare.pop()
        conn = connect(path, passphrase, encrypted=encrypted, raw_key=raw_key[0])
        raw_key[0] = getattr(conn, "raw_key", None) if encrypted else None
        return conn

    engine = create_engine(
        "sqlite://",
        module=dbapi2,
        creator=creator,
        poolclass=QueuePool,
        pool_size=2,
        max_overflow=4,
        pool_timeout=30,
        hide_parameters=True,  # error messages never carry record contents
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):
        dbapi_conn.isolation_level = None  # SQLAlchemy emits BEGIN itself (below)
        apply_pragmas(dbapi_conn)

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        conn.exec_driver_sql("BEGIN")

    if first is not None:
        # Hand the keyed connection to the pool now (pragmas applied), so that dispose()
        # closes it even if nothing else ever asked for a connection.
        engine.connect().close()
    return engine
