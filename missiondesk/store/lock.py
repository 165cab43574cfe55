"""One writer per mission: a lock file beside the mission says who has it open, and since when."""

from __future__ import annotations

import getpass
import json
import os
import socket
from datetime import UTC, datetime
from pathlib import Path

from missiondesk.store import errors


def lock_path(mission_path: Path) -> Path:
    return mission_path.with_name(mission_path.name + ".lock")


def _pid_alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OSError:
        return False
    return True


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return ""


class MissionLock:
    """Held while a mission is open. A lock left by a dead process on this host is taken over."""

    def __init__(self, mission_path: Path) -> None:
        self.path = lock_path(mission_path)
        self._held = False
        self._info: dict = {}

    @staticmethod
    def read(mission_path: Path) -> dict | None:
        try:
            return json.loads(lock_path(mission_path).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None

    def acquire(self, who: str | None = None) -> None:
        self._info = {
            "who": who or _os_user(),
            "host": socket.gethostname(),
            "pid": os.getpid(),
            "since": datetime.now(UTC).isoformat(timespec="seconds"),
        }
        for _attempt in range(2):
            try:
                fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:
                holder = self.read(self.path.with_name(self.path.name[: -len(".lock")]))
                if holder is None or self._is_stale(holder):
                    self.path.unlink(missing_ok=True)
                    continue
                raise errors.LockedByOther(
                    who=holder.get("who", ""), host=holder.get("host", ""),
                    since=holder.get("since", ""),
                ) from None
            except PermissionError as exc:
                raise errors.ReadOnlyLocation(path=str(self.path.parent)) from exc
            except OSError as exc:
                raise errors.ReadOnlyLocation(path=str(self.path.parent)) from exc
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(self._info, fh)
            self._held = True
            return
        raise errors.LockedByOther(who="", host="", since="")

    @staticmethod
    def _is_stale(holder: dict) -> bool:
        if holder.get("host") != socket.gethostname():
            return False
        return not _pid_alive(int(holder.get("pid", 0)))

    def update_who(self, who: str) -> None:
        """Once the user has said who they are, the lock names them."""
        if not self._held:
            return
        self._info["who"] = who
        tmp = self.path.with_name(self.path.name + ".tmp")
        tmp.write_text(json.dumps(self._info), encoding="utf-8")
        os.replace(tmp, self.path)

    def release(self) -> None:
        if self._held:
            self.path.unlink(missing_ok=True)
            self._held = False
