"""One writer per mission: a lock file beside the mission says who has it open, and since when.

The lock (``NAME.mdesk.lock``, owner-only) is JSON: who, host, pid, since, and, to tell a
lock left by a power cut from a live one, the boot id and the holder's process start time
(Linux: ``/proc/sys/kernel/random/boot_id`` and field 22 of ``/proc/<pid>/stat``; omitted
where the system does not say). It is written whole into a private temporary file, then
linked to its name (a hard link fails when the name exists), so two MissionDesks opening
at the same instant never both win and nobody ever reads a half-written lock. Filesystems
without hard links (FAT USB sticks) fall back to an exclusive create.

A lock is stale, and taken over, when it was written on this host and the boot id differs,
its process is gone, or the process with that pid started at another time (pid reused).
A lock written on another host (a file on a USB stick) is never stale: the refusal says who,
where and since when, and the user may break it (`acquire(break_lock=True)`).

The same module knows the partial files an interrupted passphrase change, creation, import
or restore leaves beside a mission (`remove_stray_partials`), removed only by the holder
of the mission's lock.
"""

from __future__ import annotations

import contextlib
import getpass
import json
import os
import socket
import stat
import sys
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

from missiondesk.store import errors

BOOT_ID_FILE = Path("/proc/sys/kernel/random/boot_id")
#: How long an unreadable lock (written by the exclusive-create fallback) may be in the
#: making before it counts as left by a crash.
UNREADABLE_GRACE_S = 5.0
_ATTEMPTS = 20


def lock_path(mission_path: Path) -> Path:
    return mission_path.with_name(mission_path.name + ".lock")


def _pid_alive(pid: int) -> bool:
    if pid <= 0:
        return False
    if os.name != "posix":  # os.kill(pid, 0) would terminate the process on Windows
        return _pid_alive_windows(pid)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OSError:
        return False
    return True


def _pid_alive_windows(pid: int) -> bool:  # pragma: no cover - Windows only
    try:
        import ctypes

        kernel32 = ctypes.windll.kernel32
        handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
        if not handle:
            return kernel32.GetLastError() == 5  # access denied: it exists
        try:
            code = ctypes.c_ulong()
            if kernel32.GetExitCodeProcess(handle, ctypes.byref(code)):
                return code.value == 259  # STILL_ACTIVE
            return True
        finally:
            kernel32.CloseHandle(handle)
    except Exception:  # noqa: BLE001 - unknown: assume alive (never take a live lock)
        return True


def boot_id() -> str | None:
    """This boot's id (Linux), or None where the system gives none."""
    try:
        return BOOT_ID_FILE.read_text(encoding="ascii").strip() or None
    except OSError:
        return None


def process_start_time(pid: int) -> str | None:
    """When process `pid` started, in clock ticks since boot (Linux), or None."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        text = Path("/proc/%d/stat" % pid).read_text(encoding="ascii", errors="replace")
    except OSError:
        return None
    # Field 2 (the command) is in parentheses and may hold spaces: count after the last ')'.
    fields = text[text.rfind(")") + 2:].split()
    return fields[19] if len(fields) > 19 else None  # field 22 of the whole line


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return ""


def _write_private(path: Path, text: str) -> None:
    """Create `path` owner-only (never existing) and write `text` into it, flushed."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.write(fd, text.encode("utf-8"))
        with contextlib.suppress(OSError):
            os.fsync(fd)
    finally:
        os.close(fd)


def is_stale(holder: dict) -> bool:
    """A lock left behind on this host: another boot, a dead process, or a reused pid."""
    if holder.get("host") != socket.gethostname():
        return False
    ours = boot_id()
    if ours and holder.get("boot_id") and holder["boot_id"] != ours:
        return True
    try:
        pid = int(holder.get("pid", 0))
    except (TypeError, ValueError):
        return True
    if not _pid_alive(pid):
        return True
    started = holder.get("start_time")
    now_started = process_start_time(pid)
    return bool(started and now_started and str(started) != now_started)


class MissionLock:
    """Held while a mission is open (or being created, or re-keyed)."""

    def __init__(self, mission_path: Path) -> None:
        self.path = lock_path(mission_path)
        self._held = False
        self._info: dict = {}

    @property
    def held(self) -> bool:
        return self._held

    @staticmethod
    def read(mission_path: Path) -> dict | None:
        try:
            value = json.loads(lock_path(mission_path).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return value if isinstance(value, dict) else None

    def _mission_path(self) -> Path:
        return self.path.with_name(self.path.name[: -len(".lock")])

    def _temp(self) -> Path:
        return self.path.with_name("%s.%s.tmp" % (self.path.name, uuid.uuid4().hex))

    def acquire(self, who: str | None = None, *, break_lock: bool = False) -> None:
        """Take the lock, or raise LockedByOther (who, host, since; from_lock=True;
        breakable: not a live MissionDesk on this laptop, so the user may open anyway).

        `break_lock`: the user saw who holds it and chose to open anyway."""
        pid = os.getpid()
        self._info = {
            "who": who or _os_user(),
            "host": socket.gethostname(),
            "pid": pid,
            "since": datetime.now(UTC).isoformat(timespec="seconds"),
            "token": uuid.uuid4().hex,
        }
        for key, value in (("boot_id", boot_id()), ("start_time", process_start_time(pid))):
            if value:
                self._info[key] = value
        text = json.dumps(self._info)
        for _attempt in range(_ATTEMPTS):
            try:
                won = self._try_create(text)
            except OSError as exc:
                raise errors.ReadOnlyLocation(path=str(self.path.parent)) from exc
            if won:
                self._held = True
                return
            holder = self._read_holder()
            if holder is None:
                continue  # it went away meanwhile: try again
            if break_lock or holder.get("_unreadable_stale") or is_stale(holder):
                self._take_away(holder)
                continue
            # A live MissionDesk on this laptop really has it open: nothing to break. On
            # another laptop (or unreadable) no one here can tell: the user may break it.
            raise errors.LockedByOther(
                who=holder.get("who", ""), host=holder.get("host", ""),
                since=holder.get("since", ""), from_lock=True,
                breakable=holder.get("host") != socket.gethostname(),
            )
        raise errors.LockedByOther(who="", host="", since="", from_lock=True, breakable=True)

    def _try_create(self, text: str) -> bool:
        """Put the whole lock in place at once. False when a lock is already there."""
        temp = self._temp()
        _write_private(temp, text)
        try:
            os.link(temp, self.path)
            return True
        except FileExistsError:
            return False
        except FileNotFoundError:
            return False  # our temp was removed by a lock holder's tidy-up: try again
        except (OSError, NotImplementedError, AttributeError):
            return self._create_without_link(text)
        finally:
            temp.unlink(missing_ok=True)

    def _create_without_link(self, text: str) -> bool:
        """No hard links here (FAT): an exclusive create, then the text."""
        try:
            _write_private(self.path, text)
        except FileExistsError:
            return False
        return True

    def _read_holder(self) -> dict | None:
        """The lock in place; a lock that stays unreadable is being written (the fallback)
        or was cut short by a crash (then marked `_unreadable_stale`). None: no lock."""
        waited = 0.0
        while True:
            try:
                raw = self.path.read_bytes()
                age = time.time() - self.path.stat().st_mtime
            except FileNotFoundError:
                return None
            except OSError:
                raw, age = b"", 0.0
            try:
                value = json.loads(raw.decode("utf-8"))
                if isinstance(value, dict):
                    value["_raw"] = raw
                    return value
            except (UnicodeDecodeError, ValueError):
                pass
            if age > UNREADABLE_GRACE_S:
                return {"_raw": raw, "_unreadable_stale": True}
            if waited >= 1.0:
                return {"_raw": raw, "who": "", "host": "", "since": ""}
            time.sleep(0.05)
            waited += 0.05

    def _take_away(self, holder: dict) -> None:
        """Remove the lock judged stale (or broken by the user), and only that one: it is
        moved aside first and put back if it turns out to be a newer lock."""
        aside = self._temp()
        try:
            os.rename(self.path, aside)
        except FileNotFoundError:
            return
        except OSError:
            self.path.unlink(missing_ok=True)
            return
        try:
            if aside.read_bytes() != holder.get("_raw"):
                with contextlib.suppress(OSError):
                    os.link(aside, self.path)  # someone's fresh lock: give it back
        except OSError:
            pass
        finally:
            aside.unlink(missing_ok=True)

    def _still_ours(self) -> bool:
        current = self.read(self._mission_path())
        return current is not None and current.get("token") == self._info.get("token")

    def update_who(self, who: str) -> None:
        """Once the user has said who they are, the lock names them."""
        if not self._held or not self._still_ours():
            return
        self._info["who"] = who
        temp = self._temp()
        try:
            _write_private(temp, json.dumps(self._info))
            os.replace(temp, self.path)
        except OSError:
            temp.unlink(missing_ok=True)

    def release(self) -> None:
        if self._held:
            if self._still_ours():  # a lock broken by someone else is theirs now
                self.path.unlink(missing_ok=True)
            self._held = False


# --- partial files beside a mission ---------------------------------------------------------

#: kind -> the name (after ".NAME") of the partial a kill can leave; sidecars follow it.
PARTIAL_KINDS = {"rekey": ".rekey", "creating": ".creating", "restoring": ".restoring"}
_SIDECARS = ("", "-wal", "-shm", "-journal")


def partial_path(mission_path: Path, kind: str) -> Path:
    return mission_path.with_name("." + mission_path.name + PARTIAL_KINDS[kind])


def partial_files(mission_path: Path, kind: str) -> list[Path]:
    main = partial_path(mission_path, kind)
    return [main.with_name(main.name + suffix) for suffix in _SIDECARS]


def create_private(path: Path) -> None:
    """Create an empty owner-only file for SQLite to write into (its sidecars take the
    file's mode), so no partial copy ever exists readable by others."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.close(fd)


def owner_only(mission_path: Path) -> None:
    """A mission copied in readable by others (0644) is made owner-only, sidecars too
    (POSIX; elsewhere the folder's permissions rule)."""
    if os.name != "posix":
        return
    for suffix in ("", "-wal", "-shm"):
        item = mission_path.with_name(mission_path.name + suffix)
        try:
            mode = stat.S_IMODE(item.stat().st_mode)
            if mode & 0o077:
                os.chmod(item, mode & 0o700)
        except OSError:
            continue  # absent, or not ours to change: the work goes on


def _remove_partials(mission_path: Path, lock: MissionLock) -> list[str]:
    removed = []
    for kind in PARTIAL_KINDS:
        found = False
        for path in partial_files(mission_path, kind):
            if path.is_file():
                path.unlink(missing_ok=True)
                found = True
        if found:
            removed.append(kind)
    prefix = lock.path.name + "."
    with contextlib.suppress(OSError):
        for entry in os.scandir(mission_path.parent):
            if entry.name.startswith(prefix) and entry.name.endswith(".tmp"):
                with contextlib.suppress(OSError):
                    os.unlink(entry.path)  # a lock's temporary file left by a kill
    return removed


def remove_stray_partials(mission_path: Path, lock: MissionLock | None = None) -> list[str]:
    """Remove what interrupted work left beside `mission_path`; returns the kinds removed.

    Only the holder of the mission's lock may: `lock` when held, else the lock is taken for
    the tidy-up. When a live MissionDesk holds it, the work may be in progress: nothing is
    removed."""
    mission_path = Path(mission_path).absolute()
    if lock is not None and lock.held:
        return _remove_partials(mission_path, lock)
    if not any(p.is_file() for kind in PARTIAL_KINDS for p in partial_files(mission_path, kind)):
        return []
    lock = MissionLock(mission_path)
    try:
        lock.acquire()
    except errors.MissionError:
        return []
    try:
        return _remove_partials(mission_path, lock)
    finally:
        lock.release()
