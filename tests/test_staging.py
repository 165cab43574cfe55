"""Exports in progress live in the private temporary folder, never beside their target."""

from __future__ import annotations

import errno
import os
import stat

import pytest

from missiondesk.paths import private_temp_dir
from missiondesk.staging import staged_file


def test_the_file_appears_only_when_complete_and_the_temp_folder_is_private(tmp_path):
    target = tmp_path / "out" / "stakeholders.csv"
    target.parent.mkdir()
    with staged_file(target) as partial:
        assert partial.parent == private_temp_dir()
        assert stat.S_IMODE(os.stat(private_temp_dir()).st_mode) == 0o700
        partial.write_text("# CONFIDENTIAL\nname\n")
        assert list(target.parent.iterdir()) == []  # nothing half-written where the user looks
    assert target.read_text() == "# CONFIDENTIAL\nname\n"
    assert list(private_temp_dir().iterdir()) == []


def test_a_failed_export_leaves_nothing_anywhere(tmp_path):
    target = tmp_path / "map.pdf"
    with pytest.raises(RuntimeError):
        with staged_file(target) as partial:
            partial.write_text("half")
            raise RuntimeError("disk error")
    assert not target.exists()
    assert list(private_temp_dir().iterdir()) == []


def test_another_device_is_reached_by_copy_and_atomic_rename(tmp_path, monkeypatch):
    real_replace = os.replace
    calls = []

    def replace(src, dst):
        calls.append((str(src), str(dst)))
        if str(src).startswith(str(private_temp_dir())):
            raise OSError(errno.EXDEV, "Invalid cross-device link")
        return real_replace(src, dst)

    monkeypatch.setattr("missiondesk.staging.os.replace", replace)
    target = tmp_path / "usb" / "export.json"
    target.parent.mkdir()
    with staged_file(target) as partial:
        partial.write_text("{}")
    assert target.read_text() == "{}"
    assert [p.name for p in target.parent.iterdir()] == ["export.json"]
