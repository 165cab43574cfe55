"""Opening, creating and refusing mission files, through the real store."""

from __future__ import annotations

import os
import shutil
import sqlite3
from pathlib import Path

import pytest

from missiondesk.store import errors
from missiondesk.store.engine import check_pragmas
from missiondesk.store.handle import NewMission, create_mission, open_mission
from missiondesk.store.schema import Mission, Stakeholder
from tests.conftest import PASSPHRASE, file_state

SECRET_NAME = "Zebulon Quartermaine-Okonkwo"


def _add_stakeholder(handle, name=SECRET_NAME):
    with handle.unit_of_work() as uow:
        uow.add(Stakeholder(name=name, name_key=name.casefold()))


def _names(handle):
    with handle.session() as session:
        return sorted(s.name for s in session.query(Stakeholder))


@pytest.mark.parametrize("passphrase", [None, PASSPHRASE])
def test_create_then_reopen_keeps_records(tmp_path, passphrase):
    path = tmp_path / "m.mdesk"
    handle = create_mission(path, passphrase, NewMission(name="Round trip", acronym="RT"))
    handle.set_user(None, "Tester")
    assert handle.encrypted is (passphrase is not None)
    _add_stakeholder(handle)
    handle.close()

    again = open_mission(path, passphrase)
    try:
        assert _names(again) == [SECRET_NAME]
        with again.session() as session:
            assert session.query(Mission).one().acronym == "RT"
    finally:
        again.close()


@pytest.mark.parametrize("passphrase", [
    "it's \"quoted\"", "back\\slash\\\\", "Пароль-кириллица", "كلمة السر", "密码 with spaces",
    "'; DROP TABLE mission; --",
])
def test_passphrases_with_quotes_backslashes_and_non_latin_letters(tmp_path, passphrase):
    path = tmp_path / "p.mdesk"
    create_mission(path, passphrase, NewMission(name="Keys")).close()
    with pytest.raises(errors.WrongPassphrase):
        open_mission(path, passphrase + "x")
    handle = open_mission(path, passphrase)
    handle.close()


def test_closing_a_mission_leaves_no_sidecar_files(tmp_path):
    path = tmp_path / "tidy.mdesk"
    handle = create_mission(path, PASSPHRASE, NewMission(name="Tidy"))
    handle.set_user(None, "Tester")
    _add_stakeholder(handle)
    handle.close()
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("tidy")) == \
        ["tidy.mdesk"]


def test_every_connection_has_the_durability_pragmas(encrypted_mission):
    with encrypted_mission.driver_connection() as conn:
        pragmas = check_pragmas(conn)
    assert pragmas == {"foreign_keys": 1, "journal_mode": "wal", "synchronous": 2,
                       "temp_store": 2}


def test_plain_file_is_readable_by_sqlite_and_encrypted_one_is_not(tmp_path):
    plain = create_mission(tmp_path / "plain.mdesk", None, NewMission(name="P"))
    plain.close()
    with sqlite3.connect(tmp_path / "plain.mdesk") as conn:
        assert conn.execute("SELECT name FROM mission").fetchone() == ("P",)
    secret = create_mission(tmp_path / "secret.mdesk", "a passphrase", NewMission(name="S"))
    secret.close()
    with pytest.raises(sqlite3.DatabaseError):
        with sqlite3.connect(tmp_path / "secret.mdesk") as conn:
            conn.execute("SELECT name FROM mission").fetchone()


def _files_holding(folder: Path, needle: bytes) -> list[str]:
    hits = []
    for path in folder.rglob("*"):
        if path.is_file() and needle in path.read_bytes():
            hits.append(path.name)
    return hits


def test_record_text_never_appears_in_encrypted_file_wal_or_backups(tmp_path, isolated_home):
    needle_variants = [SECRET_NAME.encode("utf-8"), SECRET_NAME.encode("utf-16-le"),
                       SECRET_NAME.casefold().encode("utf-8")]
    # Positive control: the same steps on a plain file do show the name, so the search works.
    plain_dir = tmp_path / "plain"
    plain_dir.mkdir()
    plain = create_mission(plain_dir / "m.mdesk", None, NewMission(name="Plain"))
    plain.set_user(None, "Tester")
    _add_stakeholder(plain)
    plain.backup("test")
    assert _files_holding(plain_dir, needle_variants[0])
    assert _files_holding(isolated_home, needle_variants[0])
    plain.close()
    shutil.rmtree(isolated_home / "data" / "backups")

    secret_dir = tmp_path / "secret"
    secret_dir.mkdir()
    handle = create_mission(secret_dir / "m.mdesk", PASSPHRASE, NewMission(name="Secret"))
    handle.set_user(None, "Tester")
    _add_stakeholder(handle)
    wal = secret_dir / "m.mdesk-wal"
    assert wal.exists() and wal.stat().st_size > 0  # the edit sits in the WAL right now
    backup = handle.backup("test")
    for needle in needle_variants:
        assert _files_holding(secret_dir, needle) == []
        assert _files_holding(isolated_home, needle) == []
    handle.close()
    for needle in needle_variants:
        assert _files_holding(secret_dir, needle) == []
    # and the backup opens with the same passphrase
    restored = open_mission(backup, PASSPHRASE)
    assert _names(restored) == [SECRET_NAME]
    restored.close()


@pytest.fixture
def closed_encrypted(tmp_path) -> Path:
    path = tmp_path / "closed.mdesk"
    handle = create_mission(path, PASSPHRASE, NewMission(name="Closed"))
    handle.set_user(None, "Tester")
    _add_stakeholder(handle)
    handle.close()
    return path


def test_wrong_passphrase_is_typed_and_changes_nothing(closed_encrypted):
    before = file_state(closed_encrypted)
    with pytest.raises(errors.WrongPassphrase):
        open_mission(closed_encrypted, "not the passphrase")
    assert file_state(closed_encrypted) == before


def test_missing_passphrase_for_encrypted_file(closed_encrypted):
    with pytest.raises(errors.PassphraseRequired):
        open_mission(closed_encrypted, None)


def test_random_bytes_are_not_a_mission(tmp_path):
    path = tmp_path / "random.mdesk"
    path.write_bytes(os.urandom(10_000))
    before = file_state(path)
    with pytest.raises((errors.NotAMissionFile, errors.CorruptFile)):
        open_mission(path, PASSPHRASE)
    assert file_state(path) == before


def test_empty_file_and_directory_and_missing_file(tmp_path):
    empty = tmp_path / "empty.mdesk"
    empty.write_bytes(b"")
    with pytest.raises(errors.NotAMissionFile):
        open_mission(empty, None)
    assert empty.read_bytes() == b""
    with pytest.raises(errors.IsADirectory):
        open_mission(tmp_path, None)
    with pytest.raises(errors.FileMissing):
        open_mission(tmp_path / "nope.mdesk", None)


def test_plain_sqlite_database_that_is_not_a_mission(tmp_path):
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    with conn:
        conn.execute("CREATE TABLE notes (body TEXT)")
        conn.execute("INSERT INTO notes VALUES ('hello')")
    conn.close()
    before = file_state(path)
    with pytest.raises(errors.NotAMissionFile):
        open_mission(path, None)
    assert file_state(path) == before


@pytest.mark.parametrize("keep", [0.5, 0.9])
def test_truncated_encrypted_file_is_refused_unchanged(closed_encrypted, keep):
    data = closed_encrypted.read_bytes()
    closed_encrypted.write_bytes(data[: int(len(data) * keep)])
    before = file_state(closed_encrypted)
    with pytest.raises((errors.CorruptFile, errors.WrongPassphrase, errors.NotAMissionFile)):
        open_mission(closed_encrypted, PASSPHRASE)
    assert file_state(closed_encrypted) == before


def test_truncated_at_page_boundary_is_corrupt_not_wrong_passphrase(closed_encrypted):
    data = closed_encrypted.read_bytes()
    closed_encrypted.write_bytes(data[: (len(data) // 4096 // 2) * 4096])
    before = file_state(closed_encrypted)
    with pytest.raises(errors.CorruptFile):
        open_mission(closed_encrypted, PASSPHRASE)
    assert file_state(closed_encrypted) == before


def test_truncated_plain_file_is_corrupt(tmp_path):
    path = tmp_path / "plain.mdesk"
    create_mission(path, None, NewMission(name="P")).close()
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    before = file_state(path)
    with pytest.raises(errors.CorruptFile):
        open_mission(path, None)
    assert file_state(path) == before


def test_file_from_a_newer_missiondesk_is_refused_unchanged(tmp_path):
    path = tmp_path / "newer.mdesk"
    create_mission(path, None, NewMission(name="Future")).close()
    conn = sqlite3.connect(path)
    with conn:
        conn.execute("UPDATE alembic_version SET version_num = '0099'")
    conn.close()
    before = file_state(path)
    with pytest.raises(errors.NewerSchema) as info:
        open_mission(path, None)
    from missiondesk.store.migrate import HEAD_REVISION, schema_number

    assert info.value.params == {"found": 99, "supported": schema_number(HEAD_REVISION)}
    assert file_state(path) == before


def test_read_only_location_is_refused(tmp_path, monkeypatch):
    path = tmp_path / "ro.mdesk"
    create_mission(path, None, NewMission(name="RO")).close()
    before = file_state(path)
    real_access = os.access
    monkeypatch.setattr("missiondesk.store.handle.os.access",
                        lambda p, mode: False if mode == os.W_OK else real_access(p, mode))
    with pytest.raises(errors.ReadOnlyLocation):
        open_mission(path, None)
    assert file_state(path) == before


def test_second_open_is_refused_with_who_and_since(tmp_path):
    path = tmp_path / "shared.mdesk"
    first = create_mission(path, None, NewMission(name="Shared"))
    first.set_user(None, "Amina Diallo")
    try:
        with pytest.raises(errors.LockedByOther) as info:
            open_mission(path, None)
        assert info.value.params["who"] == "Amina Diallo"
        assert info.value.params["since"]
    finally:
        first.close()
    open_mission(path, None).close()  # released on close


def test_lock_left_by_a_dead_process_is_taken_over(tmp_path):
    import json
    import socket

    path = tmp_path / "stale.mdesk"
    create_mission(path, None, NewMission(name="Stale")).close()
    (tmp_path / "stale.mdesk.lock").write_text(json.dumps(
        {"who": "Ghost", "host": socket.gethostname(), "pid": 2 ** 22 + 12345,
         "since": "2026-01-01T00:00:00+00:00"}))
    handle = open_mission(path, None)
    handle.close()


def test_create_refuses_an_existing_file(tmp_path):
    path = tmp_path / "exists.mdesk"
    path.write_bytes(b"keep me")
    with pytest.raises(errors.FileExists):
        create_mission(path, None, NewMission(name="X"))
    assert path.read_bytes() == b"keep me"


def test_a_closed_handle_refuses_to_reconnect(tmp_path):
    path = tmp_path / "closed.mdesk"
    handle = create_mission(path, None, NewMission(name="Closed"))
    handle.set_user(None, "Tester")
    handle.close()
    handle.close()  # closing twice is harmless
    with pytest.raises(errors.MissionClosed):
        _add_stakeholder(handle)
    with pytest.raises(errors.MissionClosed):
        _names(handle)
    assert sorted(p.name for p in tmp_path.glob("closed*")) == ["closed.mdesk"]
