"""Passphrase changes and backups on real temporary mission files."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from missiondesk.paths import backups_dir, private_temp_dir
from missiondesk.services import backups
from missiondesk.services import stakeholders as stakeholder_service
from missiondesk.store import errors
from missiondesk.store.backup import backup_name
from missiondesk.store.engine import connect, inspect_file
from missiondesk.store.handle import open_mission
from missiondesk.store.rekey import check_passphrase, rekey_file
from tests.conftest import PASSPHRASE, file_state

NEW = "an0ther long 'passphrase' — Ωmega"


def _add(handle, *names):
    with handle.unit_of_work() as uow:
        for name in names:
            stakeholder_service.create_stakeholder(uow, name=name)


def _names(handle):
    return sorted(s.name for s in stakeholder_service.list_stakeholders(handle))


def _close(handle):
    """Close a fixture's handle for good (the fixture's own close would reconnect)."""
    handle.close()
    handle.close = lambda: None
    return handle.path


def _opens(path, passphrase) -> bool:
    try:
        connect(path, passphrase, encrypted=passphrase is not None).close()
        return True
    except errors.MissionError:
        return False


@pytest.fixture
def mission(encrypted_mission):
    _add(encrypted_mission, "Colonel Amara Diallo", "Women's Peace Network")
    return encrypted_mission


def test_rekey_of_an_open_mission_keeps_every_record(mission):
    path, before = mission.path, _names(mission)
    _close(mission)
    rekey_file(path, PASSPHRASE, NEW)
    assert not _opens(path, PASSPHRASE)
    handle = open_mission(path, NEW)
    try:
        assert _names(handle) == before == ["Colonel Amara Diallo", "Women's Peace Network"]
    finally:
        handle.close()
    assert not list(path.parent.glob(".*rekey*"))


def test_wrong_current_passphrase_is_refused_and_the_file_unchanged(mission):
    path = mission.path
    _close(mission)
    state = file_state(path)
    with pytest.raises(errors.WrongPassphrase):
        check_passphrase(path, "not the passphrase")
    with pytest.raises(errors.WrongPassphrase):
        rekey_file(path, "not the passphrase", NEW)
    assert file_state(path) == state
    assert not list(path.parent.glob(".*rekey*"))


def test_encrypt_and_decrypt_round_trip(plain_mission):
    _add(plain_mission, "Mayor of Port Carana")
    path = plain_mission.path
    _close(plain_mission)
    rekey_file(path, None, NEW)
    assert inspect_file(path) is True
    assert b"Mayor of Port Carana" not in path.read_bytes()
    handle = open_mission(path, NEW)
    assert _names(handle) == ["Mayor of Port Carana"]
    handle.close()
    rekey_file(path, NEW, None)
    assert inspect_file(path) is False
    handle = open_mission(path)
    assert _names(handle) == ["Mayor of Port Carana"]
    handle.close()


def test_daily_backup_once_a_day_in_the_missions_folder(mission):
    day = datetime(2026, 3, 2, 9, 0)
    first = backups.run_daily_backup(mission, now=day)
    assert first is not None and first.parent.parent == backups_dir()
    assert backups.run_daily_backup(mission, now=day + timedelta(hours=5)) is None
    assert backups.backup_due(mission, day + timedelta(days=1))
    assert b"Colonel Amara" not in first.read_bytes()
    [info] = backups.list_backups(mission.path, PASSPHRASE)
    assert info.reason == "daily" and info.taken_at == day and info.size > 0
    assert info.counts["stakeholders"] == 2
    assert backups.list_backups(mission.path, "wrong passphrase")[0].counts is None


def test_backups_re_encrypted_when_the_passphrase_changes(mission):
    taken = backups.run_daily_backup(mission, now=datetime(2026, 3, 2, 9, 0))
    path = mission.path
    _close(mission)
    rekey_file(path, PASSPHRASE, NEW)
    report = backups.rekey_backups(path, PASSPHRASE, NEW)
    assert report == backups.RekeyReport(rekeyed=1)
    assert not _opens(taken, PASSPHRASE)
    assert _opens(taken, NEW)
    [info] = backups.list_backups(path, NEW)
    assert info.counts["stakeholders"] == 2
    assert not taken.with_name(taken.name + "-wal").exists()


def test_encrypting_a_plain_mission_removes_its_plain_backups(plain_mission):
    _add(plain_mission, "Mayor of Port Carana")
    taken = backups.run_daily_backup(plain_mission, now=datetime(2026, 3, 2, 9, 0))
    assert b"Mayor of Port Carana" in taken.read_bytes()  # the control: plain really is plain
    path = plain_mission.path
    _close(plain_mission)
    rekey_file(path, None, NEW)
    report = backups.rekey_backups(path, None, NEW)
    assert report.removed == 1 and not taken.exists()
    assert backups.list_backups(path, NEW) == []


def test_rotation_keeps_seven_daily_and_four_weekly(mission):
    folder = backups.mission_backups_dir(backups.handle_mission_id(mission))
    start = datetime(2026, 1, 1, 8, 0)
    for day in range(60):
        when = start + timedelta(days=day)
        (folder / backup_name(mission.path, "daily", when.replace(tzinfo=UTC))).write_bytes(b"x")
    old_upgrade = start + timedelta(days=10)
    new_upgrade = start + timedelta(days=50)
    for when in (old_upgrade, new_upgrade):
        (backups_dir() / backup_name(mission.path, "before-upgrade-from-0001",
                                     when.replace(tzinfo=UTC))).write_bytes(b"x")
    now = start + timedelta(days=59, hours=2)  # Sunday 1 March 2026
    backups.rotate(mission.path, mission_id=backups.handle_mission_id(mission), now=now)
    kept = sorted(backups.parse_name(p)[0] for p in folder.glob("*.mdesk"))
    last7 = [start + timedelta(days=d) for d in range(53, 60)]
    assert kept[-7:] == last7
    weekly = kept[:-7]
    # The newest of each of the 3 ISO weeks before the last 7 days' (a Sunday each).
    assert weekly == [datetime(2026, 2, 8, 8), datetime(2026, 2, 15, 8), datetime(2026, 2, 22, 8)]
    assert len({k.isocalendar()[:2] for k in kept}) == 4
    upgrades = sorted(p.name for p in backups_dir().glob("*before-upgrade*"))
    assert len(upgrades) == 1 and "20260220" in upgrades[0]


def test_restore_into_a_new_file_never_over_an_existing_one(mission, tmp_path):
    taken = backups.run_daily_backup(mission, now=datetime(2026, 3, 2, 9, 0))
    _add(mission, "Added after the backup")
    target = tmp_path / "restored.mdesk"
    assert backups.restore_backup(taken, PASSPHRASE, target) == target
    handle = open_mission(target, PASSPHRASE)
    try:
        assert _names(handle) == ["Colonel Amara Diallo", "Women's Peace Network"]
    finally:
        handle.close()
    state = file_state(mission.path)
    with pytest.raises(errors.FileExists):
        backups.restore_backup(taken, PASSPHRASE, mission.path)
    assert file_state(mission.path) == state
    with pytest.raises(errors.WrongPassphrase):
        backups.restore_backup(taken, "wrong passphrase", tmp_path / "other.mdesk")
    assert not (tmp_path / "other.mdesk").exists()
    assert not list(tmp_path.glob(".*restoring*"))


def test_back_up_to_writes_an_encrypted_copy(mission, tmp_path):
    stick = tmp_path / "usb"
    stick.mkdir()
    copy = backups.back_up_to(mission, stick)
    assert copy.parent == stick and inspect_file(copy) is True
    assert b"Colonel Amara" not in copy.read_bytes()
    assert backups.backup_counts(copy, PASSPHRASE)["stakeholders"] == 2
    assert backups.backup_counts(copy, "wrong passphrase") is None
    with pytest.raises(errors.FileMissing):
        backups.back_up_to(mission, tmp_path / "no such stick")


def test_private_temp_dir_is_owner_only_and_emptied_at_start(isolated_home):
    folder = private_temp_dir()
    assert folder.stat().st_mode & 0o777 == 0o700
    (folder / "left-by-a-crash.tmp").write_text("x")
    assert private_temp_dir() == folder and (folder / "left-by-a-crash.tmp").exists()
    from missiondesk import paths

    paths._CLEARED_TEMP.clear()  # a new process
    assert list(private_temp_dir().iterdir()) == []
