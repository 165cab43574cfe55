"""Encryption in daily use and backups: Change Passphrase, Encrypt/Decrypt, Back Up To,
Restore from Backup, and the daily backup timer.

The window's menu actions call the module functions (`change_passphrase`,
`encrypt_or_decrypt`, `back_up_to`, `restore_from_backup`) with the main window; dialogs have
classmethods that tests patch instead of driving a nested event loop. The work itself is in
`store.rekey` and `services.backups` (no SQL here).
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import UTC
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from missiondesk.messages import error_text
from missiondesk.store import errors
from missiondesk.ui.dialogs import MIN_PASSPHRASE_LENGTH, PassphraseDialog, passphrase_strength
from missiondesk.ui.framework.form import RecordForm
from missiondesk.ui.framework.widgets import error_label

if TYPE_CHECKING:
    from missiondesk.services.backups import BackupInfo
    from missiondesk.store.handle import MissionHandle

log = logging.getLogger(__name__)

HOUR_MS = 60 * 60 * 1000
FIRST_CHECK_MS = 60 * 1000  # a minute after a mission opens: never slows the opening


def _tr(text: str, n: int = -1) -> str:
    return QCoreApplication.translate("SecurityDialogs", text, None, n)


def _strength_text(text: str) -> str:
    words = [
        _tr("Too short: use at least %n characters, e.g. four unrelated words.",
            MIN_PASSPHRASE_LENGTH),
        _tr("Fair: longer is stronger."),
        _tr("Good."),
        _tr("Strong."),
    ]
    return words[passphrase_strength(text)]


def _password_field() -> QLineEdit:
    field = QLineEdit()
    field.setEchoMode(QLineEdit.EchoMode.Password)
    return field


def _buttons(dialog: QDialog, ok_text: str) -> QDialogButtonBox:
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                               | QDialogButtonBox.StandardButton.Cancel)
    buttons.button(QDialogButtonBox.StandardButton.Ok).setText(ok_text)
    buttons.rejected.connect(dialog.reject)
    return buttons


@dataclass(frozen=True)
class EncryptionChange:
    """What the user asked: the passphrase now (None: plain) and the one wanted (None: plain)."""

    old: str | None
    new: str | None


# --- dialogs ---------------------------------------------------------------------------------

class _PassphraseForm(RecordForm):
    """A form over the open mission's encryption: what it says, its passphrase fields, and
    the change asked (`result_change`) once its checks pass."""

    def __init__(self, parent: QWidget | None, file_name: str, encrypted: bool = True) -> None:
        self.result_change: EncryptionChange | None = None
        super().__init__(parent, {"file_name": file_name, "encrypted": encrypted},
                         self._keep_change, creating=False)
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setText(self.ok_text())

    def ok_text(self) -> str:
        """The text of the button that applies the change."""
        return self.tr("OK")

    def add_intro(self, text: str) -> None:
        intro = QLabel(text)
        intro.setWordWrap(True)
        self.form.addRow(intro)

    def add_new_passphrase(self, label: str, repeat_label: str) -> None:
        self.new = _password_field()
        self.repeat = _password_field()
        self.strength = QLabel(_strength_text(""))
        self.strength.setWordWrap(True)
        self.new.textChanged.connect(lambda text: self.strength.setText(_strength_text(text)))
        self.form.addRow(label, self.new)
        self.form.addRow(repeat_label, self.repeat)
        self.form.addRow("", self.strength)

    def _keep_change(self, values: dict) -> None:
        self.result_change = EncryptionChange(values["old"], values["new"])


class ChangePassphraseDialog(_PassphraseForm):
    """The current passphrase, the new one twice, and how strong it is."""

    def titles(self) -> tuple[str, str]:
        return self.tr("Change Passphrase"), self.tr("Change Passphrase")

    def ok_text(self) -> str:
        return self.tr("Change Passphrase")

    def build(self, values: dict) -> None:
        self.add_intro(self.tr("Change the passphrase of {name}. Its backups are re-encrypted "
                               "with the new passphrase too.").format(name=values["file_name"]))
        self.current = _password_field()
        self.form.addRow(self.tr("Current passphrase"), self.current)
        self.add_new_passphrase(self.tr("New passphrase"), self.tr("Repeat new passphrase"))

    def values(self) -> dict:
        return {"old": self.current.text(), "new": self.new.text()}

    def check(self, values: dict) -> str | None:
        if not values["old"]:
            return self.tr("Type the current passphrase.")
        if passphrase_strength(values["new"]) == 0:
            return self.tr("The new passphrase is too short.")
        if values["new"] != self.repeat.text():
            return self.tr("The two new passphrases differ.")
        if values["new"] == values["old"]:
            return self.tr("The new passphrase is the same as the current one.")
        return None

    @classmethod
    def ask(cls, parent: QWidget | None, file_name: str) -> EncryptionChange | None:
        dialog = cls(parent, file_name)
        accepted = dialog.exec() == QDialog.DialogCode.Accepted
        return dialog.result_change if accepted else None


class EncryptionDialog(_PassphraseForm):
    """Encrypt a plain mission (a new passphrase twice) or decrypt one (the passphrase and an
    explicit confirmation that anyone who gets the file can then read it)."""

    def titles(self) -> tuple[str, str]:
        title = self.tr("Decrypt Mission") if self.decrypting else self.tr("Encrypt Mission")
        return title, title

    def ok_text(self) -> str:
        return self.tr("Decrypt") if self.decrypting else self.tr("Encrypt")

    @property
    def decrypting(self) -> bool:
        return self.initial["encrypted"]

    def build(self, values: dict) -> None:
        if self.decrypting:
            self.add_intro(self.tr(
                "Decrypting stores {name} and its backups without encryption: anyone who gets "
                "the file, a backup or the laptop can read every record.").format(
                    name=values["file_name"]))
            self.current = _password_field()
            self.form.addRow(self.tr("Current passphrase"), self.current)
            self.confirm = QCheckBox(self.tr("I understand: store this mission unencrypted"))
            self.form.addRow("", self.confirm)
        else:
            self.add_intro(self.tr(
                "Encrypt {name} with a passphrase. Without the passphrase nobody can open the "
                "file — not even you: there is no way to recover it. Unencrypted backups of "
                "this mission are deleted.").format(name=values["file_name"]))
            self.add_new_passphrase(self.tr("Passphrase"), self.tr("Repeat passphrase"))

    def values(self) -> dict:
        if self.decrypting:
            return {"old": self.current.text(), "new": None}
        return {"old": None, "new": self.new.text()}

    def check(self, values: dict) -> str | None:
        if self.decrypting:
            if not values["old"]:
                return self.tr("Type the current passphrase.")
            if not self.confirm.isChecked():
                return self.tr("Tick the box to confirm you want the mission unencrypted.")
        elif passphrase_strength(values["new"]) == 0:
            return self.tr("The passphrase is too short.")
        elif values["new"] != self.repeat.text():
            return self.tr("The two passphrases differ.")
        return None

    @classmethod
    def ask(cls, parent: QWidget | None, file_name: str,
            encrypted: bool) -> EncryptionChange | None:
        dialog = cls(parent, file_name, encrypted)
        accepted = dialog.exec() == QDialog.DialogCode.Accepted
        return dialog.result_change if accepted else None


def reason_label(reason: str) -> str:
    if reason == "daily":
        return _tr("Daily")
    if reason == "copy":
        return _tr("Copy")
    if reason.startswith("before-upgrade"):
        return _tr("Before an upgrade")
    return reason


def counts_text(counts: dict[str, int] | None) -> str:
    if counts is None:
        return _tr("Cannot be opened with this passphrase")
    parts = [
        _tr("Stakeholders: {n}").format(n=counts.get("stakeholders", 0)),
        _tr("Relationships: {n}").format(n=counts.get("relationships", 0)),
        _tr("Engagements: {n}").format(n=counts.get("engagements", 0)),
        _tr("Team: {n}").format(n=counts.get("team_members", 0)),
    ]
    return " \u00b7 ".join(parts)


def _size_text(size: int) -> str:
    if size >= 1024 * 1024:
        return _tr("%1 MB").replace("%1", "%.1f" % (size / 1024 / 1024))
    return _tr("%1 KB").replace("%1", str(max(1, size // 1024)))


class RestoreBackupDialog(QDialog):
    """The backups of a mission, newest first, with date, reason and what they hold."""

    def __init__(self, parent: QWidget | None, backups: list[BackupInfo]) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Restore from Backup"))
        self._backups = backups
        intro = QLabel(self.tr("Choose a backup. It is restored into a new mission file; the "
                               "open mission is not changed."))
        intro.setWordWrap(True)
        self.list = QTreeWidget()
        self.list.setRootIsDecorated(False)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setHeaderLabels([self.tr("Taken"), self.tr("Reason"), self.tr("Size"),
                                   self.tr("Contents")])
        for info in backups:
            local = info.taken_at.replace(tzinfo=UTC).astimezone()
            item = QTreeWidgetItem([local.strftime("%Y-%m-%d %H:%M"), reason_label(info.reason),
                                    _size_text(info.size), counts_text(info.counts)])
            item.setToolTip(0, str(info.path))
            if info.counts is None:
                for column in range(4):
                    item.setForeground(column, Qt.GlobalColor.gray)
            self.list.addTopLevelItem(item)
        header = self.list.header()
        header.setStretchLastSection(True)
        for column, width in enumerate((130, 120, 70)):
            header.resizeSection(column, width)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.empty = QLabel(self.tr("There are no backups of this mission yet."))
        self.empty.setVisible(not backups)
        self.error = error_label()
        buttons = _buttons(self, self.tr("Restore\u2026"))
        self.ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        buttons.accepted.connect(self._accept)
        self.list.itemSelectionChanged.connect(self._selection_changed)
        self.list.itemDoubleClicked.connect(lambda *_: self._accept())
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.empty)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        if backups:
            self.list.setCurrentItem(self.list.topLevelItem(0))
        self._selection_changed()
        self.resize(820, 320)
        self.chosen: BackupInfo | None = None

    def _selected(self) -> BackupInfo | None:
        index = self.list.indexOfTopLevelItem(self.list.currentItem()) \
            if self.list.currentItem() is not None else -1
        return self._backups[index] if index >= 0 else None

    def _selection_changed(self) -> None:
        info = self._selected()
        self.ok.setEnabled(info is not None and info.counts is not None)

    def _accept(self) -> None:
        info = self._selected()
        if info is None or info.counts is None:
            self.error.setText(self.tr("This backup cannot be opened with the mission's "
                                       "passphrase."))
            self.error.show()
            return
        self.chosen = info
        self.accept()

    @classmethod
    def choose(cls, parent: QWidget | None, backups: list[BackupInfo]) -> BackupInfo | None:
        dialog = cls(parent, backups)
        return dialog.chosen if dialog.exec() == QDialog.DialogCode.Accepted else None


# --- what the menu actions call ------------------------------------------------------------

class _Busy:
    """A wait cursor while a file operation runs on the GUI thread."""

    def __enter__(self):
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        return self

    def __exit__(self, *exc):
        QApplication.restoreOverrideCursor()
        return False


def _passphrase_of(handle: MissionHandle) -> str | None:
    # The open handle keeps the passphrase it was opened with (never shown or logged).
    return handle._passphrase  # noqa: SLF001


def encryption_action_label(encrypted: bool) -> str:
    """The File menu's text for the encrypt/decrypt action of the open mission."""
    return _tr("&Decrypt Mission\u2026") if encrypted else _tr("&Encrypt Mission\u2026")


def _reopen(window, path: Path, passphrase: str | None, user=None) -> bool:
    """Open `path` in the window with a known passphrase (no dialog), as the same user."""
    from missiondesk.store.handle import open_mission

    window.close_mission()
    try:
        handle = open_mission(path, passphrase)
    except errors.MissionError as exc:
        window.show_error(error_text(exc))
        return False
    if user is not None and user[1]:
        handle.set_user(*user)
    elif not window._choose_identity(handle):  # noqa: SLF001 - the window's own step
        handle.close()
        return False
    window._attach(handle)  # noqa: SLF001 - the window's own step
    return True


def change_encryption(window, old: str | None, new: str | None) -> bool:
    """Re-key the open mission: prove `old`, close, rekey, reopen with `new`, re-key backups.

    A wrong `old` changes nothing and keeps the mission open. If the rekey fails, the
    original file is intact and is reopened with `old`. True when the change is done.
    """
    from missiondesk.services import backups
    from missiondesk.store.rekey import check_passphrase, rekey_file

    if window.ctx is None:
        return False
    handle = window.ctx.handle
    path = handle.path
    user = (handle.user_id, handle.user_name)
    try:
        with _Busy():
            if handle.encrypted:
                check_passphrase(path, old)
            mission_id = backups.handle_mission_id(handle)
    except errors.MissionError as exc:
        window.show_error(error_text(exc))
        return False
    old_key = old if handle.encrypted else None
    window.close_mission()
    try:
        with _Busy():
            rekey_file(path, old_key, new)
    except errors.MissionError as exc:
        window.show_error(error_text(exc))
        _reopen(window, path, old_key, user)
        return False
    if not _reopen(window, path, new, user):
        return False
    report = None
    try:
        with _Busy():
            report = backups.rekey_backups(path, old_key, new, mission_id=mission_id)
            backups.run_daily_backup(window.ctx.handle)
    except errors.MissionError as exc:
        window.show_error(error_text(exc))
    if new is None:
        text = _tr("The mission is no longer encrypted.")
    elif old_key is None:
        text = _tr("The mission is encrypted.")
    else:
        text = _tr("The passphrase is changed.")
    if report is not None and report.skipped:
        QMessageBox.warning(window, _tr("MissionDesk"), _tr(
            "%n older backup(s) use an earlier passphrase and were left as they are.",
            report.skipped))
    window.statusBar().showMessage(text, 8000)
    return True


def change_passphrase(window) -> bool:
    """File ▸ Change Passphrase… (an encrypted mission)."""
    if window.ctx is None:
        return False
    handle = window.ctx.handle
    if not handle.encrypted:
        return encrypt_or_decrypt(window)
    change = ChangePassphraseDialog.ask(window, handle.path.name)
    if change is None:
        return False
    return change_encryption(window, change.old, change.new)


def encrypt_or_decrypt(window) -> bool:
    """File ▸ Encrypt Mission… / Decrypt Mission…"""
    if window.ctx is None:
        return False
    handle = window.ctx.handle
    change = EncryptionDialog.ask(window, handle.path.name, handle.encrypted)
    if change is None:
        return False
    return change_encryption(window, change.old, change.new)


def back_up_to(window) -> Path | None:
    """File ▸ Back Up To…: a backup of the open mission in a chosen folder (a USB stick)."""
    from missiondesk.services import backups

    if window.ctx is None:
        return None
    handle = window.ctx.handle
    folder = QFileDialog.getExistingDirectory(window, _tr("Back Up To"),
                                              window.settings.last_folder())
    if not folder:
        return None
    try:
        with _Busy():
            written = backups.back_up_to(handle, folder)
    except errors.MissionError as exc:
        window.show_error(error_text(exc))
        return None
    if handle.encrypted:
        text = _tr("Backed up to {path} (encrypted with the mission's passphrase).")
    else:
        text = _tr("Backed up to {path}. The mission is not encrypted: neither is the backup.")
    window.statusBar().showMessage(text.format(path=written), 10000)
    return written


def restore_from_backup(window) -> Path | None:
    """File ▸ Restore from Backup…: choose a backup, restore it into a new file, open it.

    With a mission open, its backups are listed; otherwise a backup file is chosen.
    """
    from missiondesk.paths import backups_dir
    from missiondesk.services import backups
    from missiondesk.store.engine import inspect_file

    if window.ctx is not None:
        handle = window.ctx.handle
        passphrase = _passphrase_of(handle)
        with _Busy():
            listed = backups.list_backups(handle.path, passphrase,
                                          mission_id=backups.handle_mission_id(handle))
        info = RestoreBackupDialog.choose(window, listed)
        if info is None:
            return None
        source, stem, folder = info.path, handle.path.stem, handle.path.parent
    else:
        chosen, _ = QFileDialog.getOpenFileName(window, _tr("Restore from Backup"),
                                                str(backups_dir()),
                                                _tr("Mission files (*.mdesk)"))
        if not chosen:
            return None
        source = Path(chosen)
        stem, folder = source.stem, Path(window.settings.last_folder() or source.parent)
        try:
            encrypted = inspect_file(source)
        except errors.MissionError as exc:
            window.show_error(error_text(exc))
            return None
        passphrase = None
        if encrypted:
            passphrase = PassphraseDialog.ask(window, source.name)
            if passphrase is None:
                return None
    suggestion = folder / (stem + " restored.mdesk")
    target_text, _ = QFileDialog.getSaveFileName(
        window, _tr("Restore into a New Mission File"), str(suggestion),
        _tr("Mission files (*.mdesk)"), options=QFileDialog.Option.DontConfirmOverwrite)
    if not target_text:
        return None
    target = Path(target_text)
    if target.suffix != ".mdesk":
        target = target.with_name(target.name + ".mdesk")
    try:
        with _Busy():
            restored = backups.restore_backup(source, passphrase, target)
    except errors.FileExists:
        window.show_error(_tr("{path} already exists: a backup is restored into a new file "
                              "only. Choose another name.").format(path=target))
        return None
    except errors.MissionError as exc:
        window.show_error(error_text(exc))
        return None
    answer = QMessageBox.question(
        window, _tr("Restore from Backup"),
        _tr("The backup is restored into {path}. Open it now?").format(path=restored))
    if answer == QMessageBox.StandardButton.Yes:
        _reopen(window, restored, passphrase)
    return restored


# --- the daily backup ------------------------------------------------------------------------

class DailyBackupTimer(QObject):
    """While a mission is open: every hour, take the day's backup if it is due.

    The backup runs on a worker thread; nothing is shown unless it fails (`failed` carries
    the sentence, and the parent window's status bar shows it). Call `stop()` BEFORE the
    handle closes: it waits for a backup in progress.
    """

    failed = Signal(str)
    finished = Signal(object)  # the new backup's Path, or None when none was due
    _done = Signal(object, str)  # worker -> GUI thread: (path, failure sentence or "")

    def __init__(self, handle: MissionHandle, parent: QObject | None = None, *,
                 interval_ms: int = HOUR_MS, first_ms: int = FIRST_CHECK_MS) -> None:
        super().__init__(parent)
        self._handle = handle
        self._worker: threading.Thread | None = None
        self._busy = False
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.check_now)
        self._first = QTimer(self)
        self._first.setSingleShot(True)
        self._first.setInterval(first_ms)
        self._first.timeout.connect(self.check_now)
        self._done.connect(self._on_done)

    def start(self) -> None:
        self._timer.start()
        self._first.start()

    def stop(self) -> None:
        """Stop checking and wait for a backup in progress (call before closing the handle)."""
        self._timer.stop()
        self._first.stop()
        if self._worker is not None:
            self._worker.join()
            self._worker = None

    def check_now(self) -> None:
        if self._busy:
            return
        self._busy = True
        self._worker = threading.Thread(target=self._run, name="daily-backup", daemon=True)
        self._worker.start()

    def _run(self) -> None:
        from missiondesk.services import backups

        try:
            written = backups.run_daily_backup(self._handle)
        except errors.MissionError as exc:
            self._done.emit(None, error_text(exc))
        except Exception as exc:  # noqa: BLE001 - never kill the app over a backup
            log.error("daily backup failed: %s", type(exc).__name__)
            self._done.emit(None, _tr("The daily backup failed ({kind}).").format(
                kind=type(exc).__name__))
        else:
            self._done.emit(written, "")

    def _on_done(self, written, failure: str) -> None:
        self._busy = False
        if failure:
            bar = getattr(self.parent(), "statusBar", None)
            if callable(bar):
                bar().showMessage(_tr("Daily backup failed: {reason}").format(reason=failure),
                                  30000)
            self.failed.emit(failure)
        else:
            self.finished.emit(written)
