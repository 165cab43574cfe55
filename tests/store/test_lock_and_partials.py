"""The mission lock after a power cut, on a USB stick and under a race; the partial files and
modes beside a mission (issue 8, items 3, 5 and 12)."""

from __future__ import annotations

import json
import multiprocessing
import os
import socket
import stat
from pathlib import Path
from unittest import mock

import pytest

from missiondesk.store import errors
from missiondesk.store.handle import NewMission, create_mission, open_mission
from missiondesk.store.lock import MissionLock, lock_path
from tests.conftest import PASSPHRASE

posix_only = pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
linux_only = pytest.mark.skipif(not Path("/proc/self/stat").exists(),
                                reason="boot id and start times come from /proc")


@pytest.fixture(autouse=True)
def _umask():
    previous = os.umask(0o022)  # a usual desktop: files readable by others unless told
    yield
    os.umask(previous)


@pytest.fixture
def mission(tmp_path) -> Path:
    handle = create_mission(tmp_path / "unmiss.mdesk", PASSPHRASE, NewMission(name="UNMISS"))
    handle.close()
    return tmp_path / "unmiss.mdesk"


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def write_lock(mission_path: Path, **info) -> None:
    lock_path(mission_path).write_text(json.dumps(info), encoding="utf-8")


# --- stale or not ------------------------------------------------------------------------


@linux_only
def test_a_lock_whose_pid_was_reused_after_a_reboot_is_taken_over(mission):
    """Power cut, reboot, the pid in the lock now belongs to another (live) process."""
    parent = Path("/proc/%d/stat" % os.getppid()).read_text()
    started = int(parent[parent.rfind(")") + 2:].split()[19])  # field 22: start time
    write_lock(mission, who="Amina", host=socket.gethostname(), pid=os.getppid(),
               since="2025-03-01T08:00:00+00:00", start_time=str(started + 1))
    handle = open_mission(mission, PASSPHRASE)
    try:
        assert MissionLock.read(mission)["pid"] == os.getpid()
    finally:
        handle.close()


@linux_only
def test_a_lock_from_another_boot_is_taken_over(mission):
    info = {"who": "Amina", "host": socket.gethostname(), "pid": os.getppid(),
            "since": "2025-03-01T08:00:00+00:00", "boot_id": "another-boot"}
    write_lock(mission, **info)
    handle = open_mission(mission, PASSPHRASE)
    handle.close()
    # and the lock records this boot and this process's start, to judge it later
    held = MissionLock(mission)
    held.acquire()
    try:
        info = MissionLock.read(mission)
        assert info["boot_id"] == Path("/proc/sys/kernel/random/boot_id").read_text().strip()
        assert info["start_time"] and info["pid"] == os.getpid()
    finally:
        held.release()


def test_a_live_lock_on_this_laptop_is_refused(mission):
    held = MissionLock(mission)
    held.acquire(who="Amina")
    try:
        with pytest.raises(errors.LockedByOther) as refused:
            open_mission(mission, PASSPHRASE)
        assert refused.value.params["who"] == "Amina"
        assert refused.value.params["breakable"] is False  # it really is open here
    finally:
        held.release()


def test_a_lock_from_another_laptop_is_shown_then_broken_on_request(mission):
    """A file on a USB stick, locked on the laptop that lost power: refused with who, where
    and since when; the user may open anyway, and the lock then names them."""
    write_lock(mission, who="Jean Dupont", host="jmac-laptop-3", pid=4242,
               since="2025-03-01T08:00:00+00:00")
    with pytest.raises(errors.LockedByOther) as refused:
        open_mission(mission, PASSPHRASE)
    assert refused.value.params == {"who": "Jean Dupont", "host": "jmac-laptop-3",
                                    "since": "2025-03-01T08:00:00+00:00", "from_lock": True,
                                    "breakable": True}
    handle = open_mission(mission, PASSPHRASE, break_lock=True)
    try:
        handle.set_user(None, "Amina")
        assert MissionLock.read(mission)["who"] == "Amina"
        assert MissionLock.read(mission)["host"] == socket.gethostname()
    finally:
        handle.close()
    assert not lock_path(mission).exists()


def test_a_lock_being_written_is_not_taken_for_a_crash(mission):
    """An empty lock that was just created is another MissionDesk writing it (the race that
    let two processes in), not a lock left by a crash."""
    lock_path(mission).write_bytes(b"")
    with pytest.raises(errors.LockedByOther):
        MissionLock(mission).acquire()
    assert lock_path(mission).read_bytes() == b""


def test_a_broken_lock_is_not_removed_by_its_old_holder(mission):
    first = MissionLock(mission)
    first.acquire(who="Amina")
    second = MissionLock(mission)
    second.acquire(who="Jean", break_lock=True)
    first.release()  # Amina's MissionDesk closes later: Jean's lock stays
    assert MissionLock.read(mission)["who"] == "Jean"
    second.release()
    assert not lock_path(mission).exists()


# --- two at the same instant ---------------------------------------------------------------


def _race(path: str, barrier, results, release) -> None:
    lock = MissionLock(Path(path))
    barrier.wait()
    try:
        lock.acquire()
    except errors.LockedByOther:
        results.put("refused")
        return
    results.put("won")
    release.wait(10)  # hold it until both have tried
    lock.release()


@pytest.mark.skipif(os.name != "posix", reason="fork start method")
@pytest.mark.parametrize("left_behind", [False, True], ids=["no-lock", "stale-lock"])
def test_two_processes_opening_at_the_same_instant_one_wins(mission, left_behind):
    context = multiprocessing.get_context("fork")
    for _trial in range(25):
        if left_behind:  # both find the lock of a process that died
            write_lock(mission, who="Gone", host=socket.gethostname(), pid=2 ** 22 + 17,
                       since="2025-03-01T08:00:00+00:00")
        barrier = context.Barrier(2)
        results = context.Queue()
        release = context.Event()
        racers = [context.Process(target=_race, args=(str(mission), barrier, results, release))
                  for _ in range(2)]
        for racer in racers:
            racer.start()
        outcomes = sorted(results.get(timeout=30) for _ in racers)
        release.set()
        for racer in racers:
            racer.join(30)
        assert outcomes == ["refused", "won"]
        assert not lock_path(mission).exists()


# --- modes ----------------------------------------------------------------------------------


@posix_only
def test_the_lock_file_stays_owner_only_once_it_names_the_user(mission):
    handle = open_mission(mission, PASSPHRASE)
    try:
        handle.set_user(None, "Amina")
        assert _mode(lock_path(mission)) == 0o600
    finally:
        handle.close()


@posix_only
def test_a_mission_copied_in_readable_by_others_is_made_owner_only(mission):
    os.chmod(mission, 0o644)
    handle = open_mission(mission, PASSPHRASE)
    try:
        assert _mode(mission) == 0o600
        wal = mission.with_name(mission.name + "-wal")
        assert not wal.exists() or _mode(wal) == 0o600
    finally:
        handle.close()


@posix_only
def test_a_decrypting_copy_is_owner_only_from_its_first_byte(mission):
    """rekey --remove writes a plaintext copy: never readable by others, even mid-way."""
    import missiondesk.store.rekey as rekey_module

    partial = mission.with_name("." + mission.name + ".rekey")
    modes = []
    real_connect = rekey_module.connect

    class Watched:
        def __init__(self, conn):
            self._conn = conn

        def execute(self, sql, *args):
            result = self._conn.execute(sql, *args)
            if partial.exists():
                modes.append(_mode(partial))
            return result

        def __getattr__(self, name):
            return getattr(self._conn, name)

    with mock.patch.object(rekey_module, "connect",
                           lambda *a, **k: Watched(real_connect(*a, **k))):
        rekey_module.rekey_file(mission, PASSPHRASE, None)
    assert modes and set(modes) == {0o600}
    assert _mode(mission) == 0o600


@posix_only
def test_a_new_mission_is_owner_only_from_its_first_byte(tmp_path):
    seen = []

    def populate(session, device):
        partial = tmp_path / ".demo.mdesk.creating"
        seen.append(_mode(partial))
        from missiondesk.store.handle import utcnow
        from missiondesk.store.schema import Mission

        now = utcnow()
        session.add(Mission(name="demo", time_zone="UTC", default_classification="CONFIDENTIAL",
                            created_at=now, updated_at=now, created_by="t", updated_by="t",
                            revision=1, origin=device, classification="UNCLASSIFIED"))

    handle = create_mission(tmp_path / "demo.mdesk", None, NewMission(name="demo"),
                            populate=populate)
    handle.close()
    assert seen == [0o600]
    assert _mode(tmp_path / "demo.mdesk") == 0o600


# --- partial files --------------------------------------------------------------------------


def _strays(mission: Path) -> list[Path]:
    paths = [mission.with_name("." + mission.name + suffix) for suffix in
             (".rekey", ".rekey-journal", ".creating", ".creating-wal")]
    for path in paths:
        path.write_bytes(b"SQLite format 3\x00 half a plaintext copy")
    return paths


def test_opening_removes_the_partial_copies_an_interruption_left(mission):
    strays = _strays(mission)
    handle = open_mission(mission, PASSPHRASE)
    try:
        assert handle.removed_partials == ("rekey", "creating")
        assert not any(p.exists() for p in strays)
    finally:
        handle.close()
    handle = open_mission(mission, PASSPHRASE)  # said once
    assert handle.removed_partials == ()
    handle.close()


def test_partial_copies_are_left_alone_while_their_work_may_go_on(mission):
    strays = _strays(mission)
    busy = MissionLock(mission)
    busy.acquire(who="a rekey in progress")
    try:
        with pytest.raises(errors.LockedByOther):
            open_mission(mission, PASSPHRASE)
        assert all(p.exists() for p in strays)
    finally:
        busy.release()


def test_a_new_file_exists_under_its_name_only_once_complete(tmp_path):
    from missiondesk.store.handle import publish_mission

    target = tmp_path / "imported.mdesk"
    handle = create_mission(target, PASSPHRASE, NewMission(name="import"), pending=True)
    assert not target.exists()  # an import is still to come
    handle.close()  # the import failed: nothing is left
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "home") == []
    handle = create_mission(target, PASSPHRASE, NewMission(name="import"), pending=True)
    assert publish_mission(handle) == target
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "home") == [target.name]
    open_mission(target, PASSPHRASE).close()
