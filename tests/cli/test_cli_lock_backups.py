"""The command line: rekey keeps the backups in step, --break-lock, and the partial files a
killed command left (issue 8, items 3, 4, 5 and 12)."""

from __future__ import annotations

import json
import os
from datetime import datetime

from missiondesk.cli import main
from missiondesk.services import backups
from missiondesk.store import errors
from missiondesk.store.engine import connect
from missiondesk.store.lock import lock_path
from tests.conftest import PASSPHRASE

NEW = "a brand new passphrase — Ñandú"


def _opens(path, passphrase) -> bool:
    try:
        connect(path, passphrase, encrypted=passphrase is not None).close()
        return True
    except errors.MissionError:
        return False


def _finished(handle):
    handle.close()
    handle.close = lambda: None  # the fixture's own close must not reopen it
    return handle.path


def test_rekey_brings_the_backups_under_the_new_passphrase(encrypted_mission, tmp_path,
                                                           capsys):
    taken = backups.run_daily_backup(encrypted_mission, now=datetime(2026, 3, 2, 9, 0))
    path = _finished(encrypted_mission)
    old, new = tmp_path / "old.txt", tmp_path / "new.txt"
    old.write_text(PASSPHRASE, encoding="utf-8")
    new.write_text(NEW, encoding="utf-8")
    assert main(["rekey", str(path), "--passphrase-file", str(old),
                 "--new-passphrase-file", str(new)]) == 0
    out = capsys.readouterr().out
    assert "The passphrase of secret.mdesk was changed." in out
    assert "1 re-encrypted" in out
    assert _opens(taken, NEW)
    assert not _opens(taken, PASSPHRASE)  # the old passphrase no longer reads the backup


def test_encrypting_a_plain_mission_says_so_and_leaves_no_plain_backup(plain_mission,
                                                                       tmp_path, capsys):
    taken = backups.run_daily_backup(plain_mission, now=datetime(2026, 3, 2, 9, 0))
    assert taken.read_bytes()[:16] == b"SQLite format 3\x00"
    path = _finished(plain_mission)
    new = tmp_path / "new.txt"
    new.write_text(NEW, encoding="utf-8")
    assert main(["rekey", str(path), "--new-passphrase-file", str(new)]) == 0
    out = capsys.readouterr().out
    assert "plain.mdesk is now encrypted." in out
    assert not taken.exists()
    leftover = [p for p in taken.parent.parent.rglob("*.mdesk")
                if p.read_bytes()[:16] == b"SQLite format 3\x00"]
    assert leftover == []


def test_a_lock_from_another_laptop_is_shown_and_broken_with_break_lock(demo_file, capsys,
                                                                        monkeypatch):
    lock_path(demo_file).write_text(json.dumps(
        {"who": "Jean Dupont", "host": "jmac-laptop-3", "pid": 4242,
         "since": "2025-03-01T08:00:00+00:00"}), encoding="utf-8")
    monkeypatch.setenv("MISSIONDESK_PASSPHRASE", PASSPHRASE)
    assert main(["check", str(demo_file)]) == 1
    err = capsys.readouterr().err
    assert "by Jean Dupont on jmac-laptop-3 since 2025-03-01T08:00:00+00:00" in err
    assert "--break-lock" in err
    monkeypatch.setenv("MISSIONDESK_PASSPHRASE", PASSPHRASE)  # main() takes it each run
    assert main(["check", str(demo_file), "--break-lock"]) == 0
    assert "Integrity: ok" in capsys.readouterr().out
    assert not lock_path(demo_file).exists()  # released as ours once the check was done


def test_check_removes_what_a_killed_passphrase_change_left_and_says_so(demo_file, capsys,
                                                                       monkeypatch):
    partial = demo_file.with_name(".carana.mdesk.rekey")
    partial.write_bytes(b"SQLite format 3\x00" + b"\x00" * 4080)
    journal = demo_file.with_name(".carana.mdesk.rekey-journal")
    journal.write_bytes(b"\x00" * 512)
    monkeypatch.setenv("MISSIONDESK_PASSPHRASE", PASSPHRASE)
    assert main(["check", str(demo_file)]) == 0
    err = capsys.readouterr().err
    assert err.strip() == ("Removed a partial copy of carana.mdesk left by an interrupted "
                           "passphrase change.")
    assert not partial.exists() and not journal.exists()


def test_check_of_a_name_a_killed_import_never_created(tmp_path, capsys):
    partial = tmp_path / ".new.mdesk.creating"
    partial.write_bytes(os.urandom(8192))
    (tmp_path / ".new.mdesk.creating-wal").write_bytes(os.urandom(4096))
    assert main(["check", str(tmp_path / "new.mdesk"), "--no-passphrase"]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err == ["Removed a partial copy of new.mdesk left by an interrupted creation or "
                   "import.", "The file %s does not exist." % (tmp_path / "new.mdesk")]
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "home") == []
