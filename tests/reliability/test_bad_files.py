"""Bad mission files not covered by tests/store/test_mission_file.py: a flipped byte
(encrypted and plain), a truncated plain file whose WAL is still there, a file that cannot be
read, random bytes of whole pages, a newer schema in an encrypted file.

Each is refused with its typed error, whose sentence (`messages.error_text`) is non-empty,
and the file and its sidecars are left exactly as they were (`file_state`).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from missiondesk.messages import error_text
from missiondesk.store import errors
from missiondesk.store.handle import NewMission, create_mission, open_mission
from tests.conftest import PASSPHRASE, file_state

PAGE = 4096
MARKER = "Unmistakable planted description"


def _mission(path: Path, passphrase: str | None, rows: int = 60) -> Path:
    from missiondesk.services.stakeholders import create_stakeholder

    handle = create_mission(path, passphrase, NewMission(name="Bad files"))
    handle.set_user(None, "Tester")
    with handle.unit_of_work() as uow:
        for number in range(rows):
            create_stakeholder(uow, name="Person %03d" % number,
                               description="%s %03d " % (MARKER, number) * 4)
    handle.close()
    return path


def _refused(path: Path, passphrase: str | None, *allowed: type[errors.MissionError]):
    before = file_state(path)
    with pytest.raises(errors.MissionError) as info:
        open_mission(path, passphrase)
    assert isinstance(info.value, allowed), info.value
    assert error_text(info.value).strip()
    assert file_state(path) == before, "a refused file was modified"
    return info.value


def _read_everything(handle) -> None:
    """What a user does after opening: every desk reads its records; `check` reads pages."""
    from missiondesk.services.check import check_mission
    from missiondesk.services.interchange import export_mission
    from missiondesk.services.stakeholders import list_stakeholders

    list_stakeholders(handle)
    export_mission(handle)
    report = check_mission(handle)
    if report.integrity != ["ok"]:
        raise errors.CorruptFile(path=str(handle.path))


def _flip(path: Path, offset: int) -> None:
    data = bytearray(path.read_bytes())
    data[offset] ^= 0x5A
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("where", ["page-1", "middle", "last-page"])
def test_flipped_byte_in_an_encrypted_file_is_never_silent(tmp_path, where):
    """SQLCipher authenticates every page: a flipped byte is refused at open (page 1 cannot
    be told from a wrong passphrase) or reported as damage when its page is read."""
    path = _mission(tmp_path / "enc.mdesk", PASSPHRASE)
    size = path.stat().st_size
    offset = {"page-1": 200, "middle": (size // PAGE // 2) * PAGE + 1000,
              "last-page": size - 100}[where]
    _flip(path, offset)
    before = file_state(path)
    try:
        handle = open_mission(path, PASSPHRASE)
    except errors.MissionError as exc:
        assert isinstance(exc, errors.CorruptFile | errors.WrongPassphrase), exc
        assert error_text(exc).strip()
        assert file_state(path) == before
        return
    try:
        with pytest.raises(errors.CorruptFile) as info:
            _read_everything(handle)
        assert error_text(info.value).strip()
    finally:
        handle.close()


def test_flipped_byte_in_a_plain_file_header_is_refused_unchanged(tmp_path):
    path = _mission(tmp_path / "plain.mdesk", None)
    _flip(path, 17)  # the page size
    _refused(path, None, errors.CorruptFile, errors.NotAMissionFile)


def test_flipped_byte_in_a_plain_file_schema_is_never_silent(tmp_path):
    path = _mission(tmp_path / "plain.mdesk", None)
    data = path.read_bytes()
    offset = data.index(b"CREATE TABLE stakeholders")  # the schema table
    _flip(path, offset + 2)
    before = file_state(path)
    try:
        handle = open_mission(path, None)
    except errors.MissionError as exc:
        assert isinstance(exc, errors.CorruptFile | errors.NotAMissionFile), exc
        assert error_text(exc).strip()
        assert file_state(path) == before
        return
    try:
        with pytest.raises(errors.CorruptFile):
            _read_everything(handle)
    finally:
        handle.close()


def test_plain_record_text_made_invalid_utf8_reads_as_damage(tmp_path):
    """A flipped byte inside stored text (no checksums in a plain file) must surface as the
    typed "damaged" error, not as a driver exception."""
    path = _mission(tmp_path / "plain.mdesk", None)
    data = path.read_bytes().replace(MARKER.encode("utf-8"),
                                     b"\xff" + MARKER.encode("utf-8")[1:])
    path.write_bytes(data)
    handle = open_mission(path, None)
    try:
        with pytest.raises(errors.CorruptFile) as info:
            _read_everything(handle)
        assert error_text(info.value).strip()
    finally:
        handle.close()


def _crashed_copy(source: Path, folder: Path, passphrase: str | None) -> Path:
    """The file and its WAL as a crash leaves them: commits not yet checkpointed."""
    from missiondesk.services.stakeholders import create_stakeholder

    handle = open_mission(source, passphrase)
    handle.set_user(None, "Tester")
    try:
        for number in range(5):
            with handle.unit_of_work() as uow:
                create_stakeholder(uow, name="Late edit %d" % number)
        folder.mkdir()
        target = folder / source.name
        shutil.copyfile(source, target)
        shutil.copyfile(source.with_name(source.name + "-wal"),
                        target.with_name(target.name + "-wal"))
    finally:
        handle.close()
    assert target.with_name(target.name + "-wal").stat().st_size > 0
    return target


def test_truncated_plain_file_with_its_wal_is_refused_unchanged(tmp_path):
    """The WAL of the last commits is still there but the main file lost its tail: opening
    it must refuse (CorruptFile) and must not checkpoint the WAL into the damaged file."""
    path = _crashed_copy(_mission(tmp_path / "plain.mdesk", None), tmp_path / "crash", None)
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * 0.9)])
    _refused(path, None, errors.CorruptFile)


@pytest.mark.parametrize("keep", [0.5, 0.9])
def test_truncated_encrypted_file_with_its_wal_is_refused_unchanged(tmp_path, keep):
    path = _crashed_copy(_mission(tmp_path / "enc.mdesk", PASSPHRASE), tmp_path / "crash",
                         PASSPHRASE)
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * keep) // PAGE * PAGE])
    _refused(path, PASSPHRASE, errors.CorruptFile)


def test_file_without_read_permission_is_refused_unchanged(tmp_path, monkeypatch):
    path = _mission(tmp_path / "secret.mdesk", PASSPHRASE, rows=2)
    real_access = os.access
    monkeypatch.setattr("missiondesk.store.engine.os.access",
                        lambda p, mode: False if mode == os.R_OK else real_access(p, mode))
    exc = _refused(path, PASSPHRASE, errors.NoReadPermission)
    assert str(path.name) in error_text(exc)


def test_file_without_write_permission_in_its_folder_is_refused_unchanged(tmp_path,
                                                                        monkeypatch):
    path = _mission(tmp_path / "secret.mdesk", PASSPHRASE, rows=2)
    real_access = os.access
    folder = str(path.parent)
    monkeypatch.setattr(
        "missiondesk.store.handle.os.access",
        lambda p, mode: False if (mode == os.W_OK and str(p) == folder) else real_access(p, mode))
    _refused(path, PASSPHRASE, errors.ReadOnlyLocation)


@pytest.mark.parametrize("passphrase", [PASSPHRASE, None])
def test_random_whole_pages_are_refused_unchanged(tmp_path, passphrase):
    path = tmp_path / "noise.mdesk"
    path.write_bytes(os.urandom(3 * PAGE))
    if passphrase is None:
        _refused(path, None, errors.PassphraseRequired)
    else:  # SQLCipher cannot tell noise from another key
        _refused(path, passphrase, errors.WrongPassphrase, errors.NotAMissionFile,
                 errors.CorruptFile)


def test_encrypted_file_from_a_newer_missiondesk_is_refused_unchanged(tmp_path):
    from missiondesk.store.engine import connect

    path = _mission(tmp_path / "newer.mdesk", PASSPHRASE, rows=2)
    conn = connect(path, PASSPHRASE)
    try:
        conn.execute("UPDATE alembic_version SET version_num = '0042'")
        conn.commit()
    finally:
        conn.close()
    for suffix in ("-wal", "-shm"):
        assert not path.with_name(path.name + suffix).exists()
    exc = _refused(path, PASSPHRASE, errors.NewerSchema)
    assert exc.params["found"] == 42
    assert "42" in error_text(exc)


def test_a_mission_file_that_is_a_folder_named_like_one(tmp_path):
    folder = tmp_path / "looks-like.mdesk"
    folder.mkdir()
    with pytest.raises(errors.IsADirectory) as info:
        open_mission(folder, PASSPHRASE)
    assert folder.name in error_text(info.value)
    assert list(folder.iterdir()) == []
