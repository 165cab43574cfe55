"""Change Passphrase, Encrypt/Decrypt, Back Up To, Restore and the daily backup, driven
through the main window on real temporary mission files (offscreen)."""

from __future__ import annotations

from datetime import datetime

import pytest
from PySide6.QtWidgets import QFileDialog, QLabel, QMessageBox

from missiondesk.services import backups
from missiondesk.services import stakeholders as stakeholder_service
from missiondesk.services import team as team_service
from missiondesk.store import errors
from missiondesk.store.engine import connect, inspect_file
from missiondesk.store.handle import NewMission, create_mission
from missiondesk.ui import security_dialogs as sd
from missiondesk.ui.main_window import MainWindow
from missiondesk.ui.settings import Settings
from tests.conftest import PASSPHRASE, file_state

NEW = "an0ther long 'passphrase' — Ωmega"


@pytest.fixture
def window(qtbot):
    win = MainWindow(Settings())
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    yield win
    win.close_mission()


@pytest.fixture
def errors_shown(monkeypatch):
    shown = []
    for name in ("critical", "warning"):
        monkeypatch.setattr(QMessageBox, name,
                            staticmethod(lambda parent, title, text, *a: shown.append(text)))
    return shown


def _mission(tmp_path, passphrase, name="secret.mdesk"):
    handle = create_mission(tmp_path / name, passphrase, NewMission(name="Carana"))
    handle.set_user(None, "Tester")
    with handle.unit_of_work() as uow:
        team_service.add_team_member(uow, name="Tester")
        stakeholder_service.create_stakeholder(uow, name="Colonel Amara Diallo")
    handle.close()
    return tmp_path / name


def _open(window, path, passphrase, monkeypatch):
    monkeypatch.setenv("MISSIONDESK_USER", "Tester")
    assert window.open_path(path, passphrase=passphrase or None)
    return window.ctx.handle


def _names(handle):
    return [s.name for s in stakeholder_service.list_stakeholders(handle)]


def _opens(path, passphrase) -> bool:
    try:
        connect(path, passphrase, encrypted=passphrase is not None).close()
        return True
    except errors.MissionError:
        return False


def test_change_passphrase_of_the_open_mission(window, tmp_path, monkeypatch, errors_shown):
    path = _mission(tmp_path, PASSPHRASE)
    handle = _open(window, path, PASSPHRASE, monkeypatch)
    window.select_desk("stakeholders")
    taken = backups.run_daily_backup(handle, now=datetime(2026, 3, 2, 9))
    monkeypatch.setattr(sd.ChangePassphraseDialog, "ask",
                        classmethod(lambda cls, parent, name: sd.EncryptionChange(PASSPHRASE, NEW)))
    assert sd.change_passphrase(window)
    assert errors_shown == []
    reopened = window.ctx.handle
    assert reopened is not handle and reopened.encrypted and reopened.user_name == "Tester"
    assert _names(reopened) == ["Colonel Amara Diallo"]
    assert window.stack.currentWidget() is window.desk("stakeholders")  # the same desk
    assert not _opens(path, PASSPHRASE) and _opens(path, NEW)
    assert not _opens(taken, PASSPHRASE) and _opens(taken, NEW)
    assert "passphrase" in window.statusBar().currentMessage().lower()


def test_wrong_current_passphrase_changes_nothing(window, tmp_path, monkeypatch, errors_shown):
    path = _mission(tmp_path, PASSPHRASE)
    handle = _open(window, path, PASSPHRASE, monkeypatch)
    before = file_state(path)[""]
    monkeypatch.setattr(sd.ChangePassphraseDialog, "ask",
                        classmethod(lambda cls, parent, name: sd.EncryptionChange("wrong!", NEW)))
    assert not sd.change_passphrase(window)
    assert errors_shown and "passphrase is wrong" in errors_shown[0]
    assert window.ctx.handle is handle  # still open, never closed
    assert file_state(path)[""] == before
    assert _opens(path, PASSPHRASE) and not _opens(path, NEW)


def test_encrypt_then_decrypt_with_confirmation(window, tmp_path, monkeypatch, errors_shown):
    path = _mission(tmp_path, None, "plain.mdesk")
    handle = _open(window, path, None, monkeypatch)
    plain_backup = backups.run_daily_backup(handle, now=datetime(2026, 3, 2, 9))
    monkeypatch.setattr(sd.EncryptionDialog, "ask", classmethod(
        lambda cls, parent, name, encrypted: sd.EncryptionChange(None, NEW)))
    assert sd.encrypt_or_decrypt(window)
    assert window.ctx.handle.encrypted and inspect_file(path)
    assert b"Colonel Amara" not in path.read_bytes()
    assert not plain_backup.exists()
    [fresh] = backups.list_backups(path, NEW)  # a new, encrypted backup replaces it
    assert inspect_file(fresh.path) and fresh.counts["stakeholders"] == 1
    assert window.encryption_label.text() == "Encrypted"
    monkeypatch.setattr(sd.EncryptionDialog, "ask", classmethod(
        lambda cls, parent, name, encrypted: sd.EncryptionChange(NEW, None)))
    assert sd.encrypt_or_decrypt(window)
    assert not window.ctx.handle.encrypted and not inspect_file(path)
    assert _names(window.ctx.handle) == ["Colonel Amara Diallo"]
    assert window.encryption_label.text() == "Not encrypted"
    assert errors_shown == []


def test_dialogs_refuse_weak_or_unconfirmed_input(qtbot):
    change = sd.ChangePassphraseDialog(None, "carana.mdesk")
    qtbot.addWidget(change)
    change.current.setText(PASSPHRASE)
    change.new.setText("short")
    change.repeat.setText("short")
    change._accept()
    assert change.result_change is None and "too short" in change.error.text()
    change.new.setText(NEW)
    change.repeat.setText(NEW + "x")
    change._accept()
    assert change.result_change is None and "differ" in change.error.text()
    change.repeat.setText(NEW)
    change._accept()
    assert change.result_change == sd.EncryptionChange(PASSPHRASE, NEW)

    decrypt = sd.EncryptionDialog(None, "carana.mdesk", encrypted=True)
    qtbot.addWidget(decrypt)
    decrypt.current.setText(PASSPHRASE)
    decrypt._accept()
    assert decrypt.result_change is None and "Tick the box" in decrypt.error.text()
    decrypt.confirm.setChecked(True)
    decrypt._accept()
    assert decrypt.result_change == sd.EncryptionChange(PASSPHRASE, None)


def test_back_up_to_a_chosen_folder(window, tmp_path, monkeypatch, errors_shown):
    path = _mission(tmp_path, PASSPHRASE)
    _open(window, path, PASSPHRASE, monkeypatch)
    stick = tmp_path / "usb"
    stick.mkdir()
    monkeypatch.setattr(QFileDialog, "getExistingDirectory",
                        staticmethod(lambda *a, **k: str(stick)))
    written = sd.back_up_to(window)
    assert written.parent == stick and inspect_file(written)
    assert b"Colonel Amara" not in written.read_bytes()
    assert backups.backup_counts(written, PASSPHRASE)["stakeholders"] == 1
    assert str(written) in window.statusBar().currentMessage()


def test_restore_from_backup_into_a_new_file_and_open_it(window, tmp_path, monkeypatch,
                                                         errors_shown, qtbot):
    path = _mission(tmp_path, PASSPHRASE)
    handle = _open(window, path, PASSPHRASE, monkeypatch)
    backups.run_daily_backup(handle, now=datetime(2026, 3, 2, 9))
    with handle.unit_of_work() as uow:
        stakeholder_service.create_stakeholder(uow, name="Added after the backup")
    listed = []

    def choose(cls, parent, infos):
        listed.extend(infos)
        return infos[0]

    monkeypatch.setattr(sd.RestoreBackupDialog, "choose", classmethod(choose))
    target = tmp_path / "restored.mdesk"
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda *a, **k: (str(target), "")))
    monkeypatch.setattr(QMessageBox, "question",
                        staticmethod(lambda *a, **k: QMessageBox.StandardButton.Yes))
    assert sd.restore_from_backup(window) == target
    assert [i.counts["stakeholders"] for i in listed] == [1]
    assert window.ctx.handle.path == target
    assert _names(window.ctx.handle) == ["Colonel Amara Diallo"]
    # Never over an existing file: the open mission is refused as a target.
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda *a, **k: (str(path), "")))
    before = file_state(path)
    assert sd.restore_from_backup(window) is None
    assert errors_shown and "already exists" in errors_shown[-1]
    assert file_state(path) == before


def test_daily_backup_timer_runs_off_the_gui_thread_and_says_only_failures(
        window, tmp_path, monkeypatch, qtbot):
    path = _mission(tmp_path, PASSPHRASE)
    handle = _open(window, path, PASSPHRASE, monkeypatch)
    timer = sd.DailyBackupTimer(handle, window)
    timer.start()
    with qtbot.waitSignal(timer.finished, timeout=10000) as blocker:
        timer.check_now()
    written = blocker.args[0]
    assert written is not None and inspect_file(written)
    with qtbot.waitSignal(timer.finished, timeout=10000) as blocker:
        timer.check_now()
    assert blocker.args[0] is None  # one a day
    assert window.statusBar().currentMessage() == ""

    def full(_handle):
        raise errors.StorageFull(path=str(path))

    monkeypatch.setattr(backups, "run_daily_backup", full)
    with qtbot.waitSignal(timer.failed, timeout=10000):
        timer.check_now()
    qtbot.waitUntil(lambda: "Daily backup failed" in window.statusBar().currentMessage())
    timer.stop()


def test_encrypt_dialog_checks_the_new_passphrase_when_its_button_is_pressed(qtbot):
    from PySide6.QtWidgets import QDialog, QDialogButtonBox

    encrypt = sd.EncryptionDialog(None, "plain.mdesk", encrypted=False)
    qtbot.addWidget(encrypt)
    assert encrypt.windowTitle() == "Encrypt Mission"
    assert "plain.mdesk" in encrypt.findChild(QLabel).text()
    confirm = [b for b in encrypt.findChild(QDialogButtonBox).buttons() if b.text() == "Encrypt"]
    assert len(confirm) == 1
    encrypt.new.setText("short")
    assert encrypt.strength.text().startswith("Too short")
    confirm[0].click()
    assert encrypt.error.text() == "The passphrase is too short."
    encrypt.new.setText(NEW)
    encrypt.repeat.setText(NEW[:-1])
    confirm[0].click()
    assert encrypt.error.text() == "The two passphrases differ."
    assert encrypt.result() != QDialog.DialogCode.Accepted
    encrypt.repeat.setText(NEW)
    confirm[0].click()
    assert encrypt.result() == QDialog.DialogCode.Accepted
    assert encrypt.result_change == sd.EncryptionChange(None, NEW)

    change = sd.ChangePassphraseDialog(None, "carana.mdesk")
    qtbot.addWidget(change)
    change.new.setText(NEW)
    change.repeat.setText(NEW)
    change._accept()
    assert change.error.text() == "Type the current passphrase."
    change.current.setText(NEW)
    change._accept()
    assert change.error.text() == "The new passphrase is the same as the current one."
    assert change.result_change is None


def test_look_of_the_dialogs(qtbot, tmp_path):
    """Renders each dialog (the PNGs are for a human to look at; the test checks they draw)."""
    from pathlib import Path

    infos = [
        backups.BackupInfo(Path("/x/a.mdesk"), datetime(2026, 3, 2, 9), "daily", 180_000,
                           {"stakeholders": 41, "relationships": 120, "engagements": 12,
                            "team_members": 5}),
        backups.BackupInfo(Path("/x/b.mdesk"), datetime(2026, 2, 20, 8), "before-upgrade-from-0001",
                           2_400_000, None),
    ]
    shots = {
        "change": sd.ChangePassphraseDialog(None, "carana.mdesk"),
        "encrypt": sd.EncryptionDialog(None, "carana.mdesk", encrypted=False),
        "decrypt": sd.EncryptionDialog(None, "carana.mdesk", encrypted=True),
        "restore": sd.RestoreBackupDialog(None, infos),
    }
    for name, dialog in shots.items():
        qtbot.addWidget(dialog)
        dialog.show()
        image = dialog.grab()
        assert not image.isNull()
        image.save(str(tmp_path / ("g_%s.png" % name)))
