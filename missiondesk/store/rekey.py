"""Set, change or remove a mission's passphrase: export into a new file, verify, swap.

`sqlcipher_export` writes a complete copy keyed with the new passphrase (or plain); the
copy is checked (integrity, foreign keys, the mission row) before it replaces the original
with an atomic rename, so a failure at any point leaves the original file as it was.
"""

from __future__ import annotations

import os
from pathlib import Path

from sqlcipher3 import dbapi2

from missiondesk.store import errors, search_index
from missiondesk.store.engine import apply_pragmas, connect, inspect_file, map_driver_error
from missiondesk.store.lock import MissionLock, create_private, owner_only
from missiondesk.store.passphrase import normalise


def _sidecars(path: Path) -> list[Path]:
    return [path.with_name(path.name + suffix) for suffix in ("-wal", "-shm", "-journal")]


def fsync_path(path: Path, directory: bool = False) -> None:
    """Flush a file (or a folder's entries, after a rename) to the disk; best effort."""
    if os.name != "posix":
        return
    try:
        fd = os.open(path, os.O_RDONLY | (os.O_DIRECTORY if directory else 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def check_passphrase(path: str | Path, passphrase: str | None) -> bool:
    """Prove `passphrase` opens `path` (nothing written). Returns whether the file is encrypted.

    Raises WrongPassphrase / PassphraseRequired, or the typed error of a bad file.
    """
    path = Path(path).absolute()
    encrypted = inspect_file(path)
    if not encrypted:
        return False
    connect(path, passphrase, encrypted=True).close()
    return True


def rekey_file(path: str | Path, old_passphrase: str | None, new_passphrase: str | None, *,
               break_lock: bool = False) -> None:
    """Re-encrypt `path` under `new_passphrase` (None: store it unencrypted).

    The copy is created owner-only before SQLCipher writes a byte into it, so a kill never
    leaves a readable (perhaps plaintext) copy; the next open removes it (store.lock).
    `break_lock`: open anyway though the lock names someone (the user chose to)."""
    path = Path(path).absolute()
    encrypted = inspect_file(path)
    if new_passphrase == "":
        new_passphrase = None
    if new_passphrase is not None:
        new_passphrase = normalise(new_passphrase)  # new keys are NFC (store.passphrase)
    lock = MissionLock(path)
    lock.acquire(break_lock=break_lock)
    owner_only(path)  # its sidecars too: none stays readable by others
    partial = path.with_name("." + path.name + ".rekey")
    for leftover in [partial, *_sidecars(partial)]:
        leftover.unlink(missing_ok=True)
    try:
        create_private(partial)  # owner-only before the first byte (the sidecars follow it)
        source = connect(path, old_passphrase if encrypted else None, encrypted=encrypted)
        try:
            apply_pragmas(source)
            source.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            source.execute("ATTACH DATABASE ? AS rekeyed KEY ?",
                           (str(partial), new_passphrase or ""))
            source.execute("SELECT sqlcipher_export('rekeyed')")
            source.execute("DETACH DATABASE rekeyed")
        finally:
            source.close()
        os.chmod(partial, 0o600) if os.name == "posix" else None
        copy = connect(partial, new_passphrase, encrypted=new_passphrase is not None)
        try:
            copy.execute("BEGIN")
            search_index.rebuild_search(copy.execute)
            copy.execute("COMMIT")
            if [r[0] for r in copy.execute("PRAGMA integrity_check")] != ["ok"]:
                raise errors.CorruptFile(path=str(partial))
            if copy.execute("PRAGMA foreign_key_check").fetchall():
                raise errors.CorruptFile(path=str(partial))
            if copy.execute("SELECT count(*) FROM mission").fetchone()[0] != 1:
                raise errors.CorruptFile(path=str(partial))
            apply_pragmas(copy)
        finally:
            copy.close()
        fsync_path(partial)
        for sidecar in _sidecars(path):
            sidecar.unlink(missing_ok=True)
        os.replace(partial, path)
        fsync_path(path.parent, directory=True)
    except dbapi2.Error as exc:
        raise map_driver_error(exc, path) or errors.CorruptFile(path=str(path)) from exc
    finally:
        for leftover in [partial, *_sidecars(partial)]:
            leftover.unlink(missing_ok=True)
        lock.release()
