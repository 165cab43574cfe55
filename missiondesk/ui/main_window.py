"""The main window: navigation of desks, the File / Edit / Help menus, the status bar, and the
open-mission lifecycle (passphrase, who you are, lock, close)."""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtGui import QAction, QKeySequence, QUndoStack
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QMainWindow,
    QMenu,
    QMessageBox,
    QStackedWidget,
    QWidget,
)

from missiondesk.labels import classification_label
from missiondesk.messages import error_text
from missiondesk.store import errors
from missiondesk.ui.autolock import IdleWatcher, LockScreen
from missiondesk.ui.context import MissionBus, MissionContext
from missiondesk.ui.desks import DeskSpec, desk_specs
from missiondesk.ui.settings import Settings

if TYPE_CHECKING:
    from missiondesk.store.handle import MissionHandle

log = logging.getLogger(__name__)

USER_ENV = "MISSIONDESK_USER"
#: After a mission is attached, when the background imports for the map start.
WARM_IMPORTS_AFTER_MS = 150


@dataclass(frozen=True)
class LockedMission:
    """What a locked window remembers to reopen the same file as the same user, at the same
    desk. Never the passphrase."""

    path: Path
    encrypted: bool
    user_id: str | None
    user_name: str | None
    desk: str


class MainWindow(QMainWindow):
    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.ctx: MissionContext | None = None
        self.undo_stack = QUndoStack(self)
        self.bus = MissionBus(self)
        self.setWindowTitle("MissionDesk")
        self._specs: list[DeskSpec] = desk_specs()
        self._desks: dict[str, QWidget] = {}
        self.locked: LockedMission | None = None
        self._disabled_by_lock: list[QAction] = []

        self.nav = QListWidget()
        self.nav.setObjectName("deskNavigation")
        for spec in self._specs:
            self.nav.addItem(spec.title())
        # As wide as the longest desk name (translations differ), no focus frame drawn inside
        # the selected desk's highlight; the keyboard still moves through the list.
        self.nav.setFixedWidth(max(150, self.nav.sizeHintForColumn(0) + 36))
        self.nav.setStyleSheet("QListWidget#deskNavigation { outline: 0; }")
        self.stack = QStackedWidget()
        for _spec in self._specs:
            self.stack.addWidget(QWidget())  # placeholder until the desk is first shown
        self.nav.currentRowChanged.connect(self._show_desk)
        self.nav.setStyleSheet("QListWidget#deskNavigation::item { padding: 6px 8px; }")
        central = QWidget()
        row = QHBoxLayout(central)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        row.addWidget(self.nav)
        row.addWidget(self.stack, 1)
        self.content = central
        self.lock_screen = LockScreen()
        self.lock_screen.unlockRequested.connect(self.unlock)
        self.lock_screen.closeRequested.connect(self.close_locked)
        self.pages = QStackedWidget()  # the desks, or the lock screen while locked
        self.pages.addWidget(self.content)
        self.pages.addWidget(self.lock_screen)
        self.setCentralWidget(self.pages)
        self.idle_watcher = IdleWatcher(settings.auto_lock_minutes(), self)
        self.idle_watcher.idle.connect(self.lock)

        self._build_menus()
        self._build_status_bar()
        self.nav.setCurrentRow(0)
        geometry = settings.window_geometry()
        if geometry is None or not self.restoreGeometry(geometry):
            self.resize(1180, 760)
        self._update_actions()

    # --- building ------------------------------------------------------------------------

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu(self.tr("&File"))
        self.new_action = self._action(self.tr("&New Mission\u2026"), self.new_mission,
                                       QKeySequence.StandardKey.New)
        self.open_action = self._action(self.tr("&Open\u2026"), self.open_dialog,
                                        QKeySequence.StandardKey.Open)
        self.recent_menu = file_menu.addMenu(self.tr("Open &Recent"))
        self.recent_menu.aboutToShow.connect(self._fill_recent_menu)
        self.copy_action = self._action(self.tr("Save a &Copy\u2026"), self.save_copy)
        self.import_stakeholders_action = self._action(self.tr("&Import Stakeholders\u2026"),
                                                       self.import_stakeholders)
        self.import_relationships_action = self._action(
            self.tr("Import Re&lationships\u2026"), self.import_relationships)
        self.lock_action = self._action(self.tr("&Lock Now"), self.lock,
                                        QKeySequence("Ctrl+L"))
        self.change_passphrase_action = self._action(self.tr("Change &Passphrase\u2026"),
                                                     self._change_passphrase)
        self.encryption_action = self._action(self.tr("&Encrypt\u2026"), self._encrypt_or_decrypt)
        self.backup_to_action = self._action(self.tr("&Back Up To\u2026"), self._back_up_to)
        self.restore_action = self._action(self.tr("&Restore from Backup\u2026"),
                                           self._restore_from_backup)
        self.backup_timer = None
        self.close_action = self._action(self.tr("&Close"), self.close_mission,
                                         QKeySequence.StandardKey.Close)
        self.quit_action = self._action(self.tr("&Quit"), self.close,
                                        QKeySequence.StandardKey.Quit)
        file_menu.addAction(self.new_action)
        file_menu.addAction(self.open_action)
        file_menu.addMenu(self.recent_menu)
        file_menu.addSeparator()
        file_menu.addAction(self.copy_action)
        file_menu.addAction(self.import_stakeholders_action)
        file_menu.addAction(self.import_relationships_action)
        file_menu.addSeparator()
        file_menu.addAction(self.backup_to_action)
        file_menu.addAction(self.restore_action)
        file_menu.addAction(self.change_passphrase_action)
        file_menu.addAction(self.encryption_action)
        file_menu.addSeparator()
        file_menu.addAction(self.lock_action)
        file_menu.addAction(self.close_action)
        file_menu.addAction(self.quit_action)

        edit_menu = bar.addMenu(self.tr("&Edit"))
        self.undo_action = self.undo_stack.createUndoAction(self, self.tr("&Undo"))
        self.undo_action.setShortcut(QKeySequence.StandardKey.Undo)
        self.redo_action = self.undo_stack.createRedoAction(self, self.tr("&Redo"))
        self.redo_action.setShortcut(QKeySequence.StandardKey.Redo)
        edit_menu.addAction(self.undo_action)
        edit_menu.addAction(self.redo_action)
        edit_menu.addSeparator()
        self.auto_lock_action = self._action(self.tr("&Auto-Lock After\u2026"),
                                             self.ask_auto_lock_minutes)
        edit_menu.addAction(self.auto_lock_action)

        # Ctrl+K: search everything (ui/search, imported when first used).
        def show_search() -> None:
            from missiondesk.ui.search import show_search as show

            show(self)

        self.search_action = self._action(self.tr("&Search Everything\u2026"), show_search,
                                          QKeySequence("Ctrl+K"))
        edit_menu.insertAction(self.undo_action, self.search_action)
        edit_menu.insertSeparator(self.undo_action)

        help_menu = bar.addMenu(self.tr("&Help"))
        self.about_action = self._action(self.tr("&About MissionDesk"), self.show_about)
        help_menu.addAction(self.about_action)

    def _action(self, text: str, slot, shortcut=None) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(shortcut)
        action.triggered.connect(slot)
        return action

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        self.file_label = QLabel()
        self.encryption_label = QLabel()
        self.classification_label = QLabel()
        self.user_label = QLabel()
        host = QWidget()
        row = QHBoxLayout(host)
        row.setContentsMargins(4, 0, 4, 0)
        row.setSpacing(18)
        for label in (self.file_label, self.encryption_label, self.classification_label,
                      self.user_label):
            row.addWidget(label)
        row.addStretch(1)
        bar.addPermanentWidget(host, 1)
        self._update_status()

    def _update_status(self) -> None:
        if self.ctx is None:
            self.file_label.setText(self.tr("Locked: %s") % self.locked.path.name
                                    if self.locked is not None else self.tr("No mission open"))
            for label in (self.encryption_label, self.classification_label, self.user_label):
                label.setText("")
                label.hide()
            return
        handle = self.ctx.handle
        self.file_label.setText(str(handle.path))
        self.file_label.setToolTip(str(handle.path))
        if handle.encrypted:
            self.encryption_label.setText(self.tr("Encrypted"))
            self.encryption_label.setStyleSheet("color: #1b5e20; font-weight: bold;")
        else:
            self.encryption_label.setText(self.tr("Not encrypted"))
            self.encryption_label.setStyleSheet("color: #b3261e; font-weight: bold;")
        from missiondesk.services import mission as mission_service

        mission = mission_service.get_mission(handle)
        self.classification_label.setText(
            self.tr("Default classification: %s") %
            classification_label(mission.default_classification))
        self.user_label.setText(self.tr("Working as %s") % (handle.user_name or ""))
        for label in (self.encryption_label, self.classification_label, self.user_label):
            label.show()

    def _update_actions(self) -> None:
        has = self.ctx is not None
        self.copy_action.setEnabled(has)
        self.import_stakeholders_action.setEnabled(has)
        self.import_relationships_action.setEnabled(has)
        self.close_action.setEnabled(has)
        self.lock_action.setEnabled(has)
        encrypted = has and self.ctx.handle.encrypted
        self.change_passphrase_action.setEnabled(encrypted)
        self.encryption_action.setEnabled(has)
        self.backup_to_action.setEnabled(has)
        if has:
            from missiondesk.ui.security_dialogs import encryption_action_label

            self.encryption_action.setText(encryption_action_label(encrypted))

    # --- desks ---------------------------------------------------------------------------

    def desk(self, key: str) -> QWidget:
        """The desk widget for `key`, built on first use."""
        if key not in self._desks:
            index = [s.key for s in self._specs].index(key)
            widget = self._specs[index].factory(None)
            placeholder = self.stack.widget(index)
            self.stack.insertWidget(index, widget)
            self.stack.removeWidget(placeholder)
            placeholder.deleteLater()
            self._desks[key] = widget
            if key == "overview":
                widget.welcome.newRequested.connect(self.new_mission)
                widget.welcome.openRequested.connect(self.open_dialog)
                widget.welcome.recentRequested.connect(lambda p: self.open_path(Path(p)))
                widget.welcome.set_recent(self.settings.recent_files())
            if hasattr(widget, "showOnMapRequested"):
                widget.showOnMapRequested.connect(self.show_on_map)
            if self.ctx is not None:
                widget.attach(self.ctx)
        return self._desks[key]

    def show_on_map(self, stakeholder_id: str) -> None:
        """Another desk asked to see a stakeholder on the influence map."""
        self.select_desk("map")
        self.desk("map").show_stakeholder(stakeholder_id)

    def _show_desk(self, row: int) -> None:
        if row < 0:
            return
        try:
            widget = self.desk(self._specs[row].key)
        except Exception:
            # The desk failed to open: the navigation goes back to the desk still shown,
            # then the error reaches the unexpected-error report.
            self.nav.blockSignals(True)
            self.nav.setCurrentRow(self.stack.currentIndex())
            self.nav.blockSignals(False)
            raise
        self.stack.setCurrentWidget(widget)

    def select_desk(self, key: str) -> None:
        self.nav.setCurrentRow([s.key for s in self._specs].index(key))

    #: How a desk shows one of its records (else the framework's `select_id`).
    _SHOW_RECORD = {"stakeholders": "select_stakeholder", "engagements": "select_engagement",
                    "commitments": "select_commitment", "sources": "select_source",
                    "drivers": "select_driver"}

    def show_record(self, key: str, record_id: str) -> bool:
        """Open a record in its desk (`key`: the desk, "engagements"...): the desk is shown
        and selects it. False when there is no such desk or it does not show the record (a
        filter hides it)."""
        if key not in {s.key for s in self._specs}:
            return False
        self.select_desk(key)
        desk = self.desk(key)
        show = (getattr(desk, self._SHOW_RECORD.get(key, ""), None)
                or getattr(desk, "select_id", None))
        return bool(show(record_id)) if show is not None else False

    # --- the mission lifecycle -----------------------------------------------------------

    def show_error(self, text: str) -> None:
        QMessageBox.critical(self, self.tr("MissionDesk"), text)

    def new_mission(self) -> None:
        from missiondesk.ui.dialogs import NewMissionDialog

        request = NewMissionDialog.ask(self, self.settings.last_folder())
        if request is None:
            return
        from missiondesk.services import mission as mission_service
        from missiondesk.services import team as team_service
        from missiondesk.store.handle import NewMission, create_mission

        self.close_mission()
        try:
            handle = create_mission(request.path, request.passphrase, NewMission(
                name=request.name, acronym=request.acronym, host_country=request.host_country,
                time_zone=request.time_zone,
                default_classification=request.default_classification,
            ), author=request.your_name)
        except errors.MissionError as exc:
            self.show_error(error_text(exc))
            return
        try:
            handle.set_user(None, request.your_name)
            with handle.unit_of_work() as uow:
                member = team_service.add_team_member(uow, name=request.your_name,
                                                      role=request.your_role)
            handle.set_user(member.id, member.name)
            mission = mission_service.get_mission(handle)
            self.settings.set_identity(mission.id, member.id)
        except errors.MissionError as exc:
            handle.close()
            self.show_error(error_text(exc))
            return
        self.settings.set_last_folder(str(request.path.parent))
        self._attach(handle)

    def open_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Open Mission"),
                                              self.settings.last_folder(),
                                              self.tr("Mission files (*.mdesk);;All files (*)"))
        if path:
            self.open_path(Path(path))

    def open_path(self, path: Path, preload=None, passphrase: str | None = None) -> bool:
        """Open a mission file: passphrase, then who you are. False if it did not open.

        `preload` (a ui.preload.MissionPreload) may hold the file already keyed. `passphrase`
        is tried first when given (start-up's, from MISSIONDESK_PASSPHRASE, for the first open
        only); otherwise, or when it is wrong, the passphrase dialog asks. The environment is
        never read here: Recent, Open and the lock screen always ask.
        """
        from missiondesk.store.engine import inspect_file
        from missiondesk.store.handle import open_mission
        from missiondesk.ui.dialogs import PassphraseDialog

        path = Path(path)
        if self.locked is not None:  # another file asked for while locked: the lock is left
            self._leave_lock()
        self.close_mission()
        try:
            encrypted = inspect_file(path)
        except errors.MissionError as exc:
            self.show_error(error_text(exc))
            return False
        passphrase = passphrase if encrypted else None
        error = ""
        break_lock = False
        while True:
            if encrypted and not passphrase:
                passphrase = PassphraseDialog.ask(self, path.name, error)
                if passphrase is None:
                    return False
            try:
                key = passphrase if encrypted else None
                ready = preload.take(path, key) if preload is not None else None
                preload = None
                handle = open_mission(path, key, connection=ready, break_lock=break_lock)
                break
            except errors.WrongPassphrase as exc:
                error = error_text(exc)
                passphrase = None
            except errors.LockedByOther as exc:
                if exc.params.get("breakable") and not break_lock:
                    if not self.confirm_open_anyway(exc):
                        return False
                    break_lock = True  # the user saw who holds it and chose to open
                    continue
                self.show_error(error_text(exc))
                return False
            except errors.MissionError as exc:
                self.show_error(error_text(exc))
                if isinstance(exc, errors.FileMissing):
                    self.settings.remove_recent(str(path))
                return False
        if not self._choose_identity(handle):
            handle.close()
            return False
        self.settings.set_last_folder(str(path.parent))
        self._attach(handle)
        return True

    def confirm_open_anyway(self, exc: errors.LockedByOther) -> bool:
        """The lock names someone: show who, where and since when; True to open anyway."""
        box = QMessageBox(QMessageBox.Icon.Warning, self.tr("MissionDesk"), error_text(exc),
                          parent=self)
        box.setInformativeText(self.tr(
            "Open it anyway only if MissionDesk no longer runs there: after a power cut, or "
            "for a file brought from another laptop. If two people change the same mission at "
            "once, each may miss the other's changes."))
        anyway = box.addButton(self.tr("Open Anyway"), QMessageBox.ButtonRole.AcceptRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.exec()
        return box.clickedButton() is anyway

    def _choose_identity(self, handle: MissionHandle) -> bool:
        from missiondesk.services import mission as mission_service
        from missiondesk.services import team as team_service
        from missiondesk.ui.dialogs import IdentityDialog

        mission = mission_service.get_mission(handle)
        members = team_service.list_team(handle)
        remembered = self.settings.identity(mission.id)
        wanted = os.environ.get(USER_ENV)
        for member in members:
            if member.id == remembered or (wanted and member.name == wanted):
                handle.set_user(member.id, member.name)
                self.settings.set_identity(mission.id, member.id)
                return True
        identity = IdentityDialog.choose(self, members)
        if identity is None:
            return False
        try:
            if identity.member_id is None:
                handle.set_user(None, identity.name)
                with handle.unit_of_work() as uow:
                    member = team_service.add_team_member(uow, name=identity.name,
                                                          role=identity.role)
                identity.member_id = member.id
            handle.set_user(identity.member_id, identity.name)
        except errors.MissionError as exc:
            self.show_error(error_text(exc))
            return False
        self.settings.set_identity(mission.id, identity.member_id)
        return True

    def _attach(self, handle: MissionHandle) -> None:
        from missiondesk.ui.preload import Prefetch

        handle.add_listener(self.bus.relay)
        self.ctx = MissionContext(handle=handle, undo_stack=self.undo_stack, bus=self.bus,
                                  prefetch=Prefetch(handle))
        self.bus.missionChanged.connect(self._on_mission_changed)
        for desk in self._desks.values():
            desk.attach(self.ctx)
        self.settings.add_recent(str(handle.path))
        self.setWindowTitle("%s \u2014 MissionDesk" % handle.path.name)
        self._update_status()
        self._update_actions()
        self.idle_watcher.set_minutes(self.settings.auto_lock_minutes())
        self.idle_watcher.start()
        self._tell_about_partials(handle)
        self._tell_about_drafts(handle)
        from missiondesk.ui.security_dialogs import DailyBackupTimer

        self.backup_timer = DailyBackupTimer(handle, self)  # a backup a day while open
        self.backup_timer.start()
        from missiondesk.ui.preload import warm_imports

        # once the Overview is painted, the map's imports and reads go on in the background
        prefetch = self.ctx.prefetch
        QTimer.singleShot(WARM_IMPORTS_AFTER_MS, lambda: warm_imports(prefetch))

    def _tell_about_drafts(self, handle: MissionHandle) -> None:
        """Once per open: drafts kept from a crash or a lock wait in their forms."""
        from missiondesk.services.drafts import all_drafts
        from missiondesk.ui.framework.drafts import drafts_notice

        try:
            count = len(all_drafts(handle))
        except errors.MissionError:
            return
        if count:
            before = self.statusBar().currentMessage()  # a partial-file notice stays shown
            self.statusBar().showMessage(
                (before + "  " if before else "") + drafts_notice(count), 15000)

    def _tell_about_partials(self, handle: MissionHandle) -> None:
        """Partial copies left by an interrupted passphrase change or import were removed
        when the mission opened (store.lock): say so in the status bar."""
        from missiondesk.messages import partial_removed_text

        kinds = getattr(handle, "removed_partials", ())
        if kinds:
            self.statusBar().showMessage("  ".join(
                partial_removed_text(kind, handle.path.name) for kind in kinds), 15000)

    def _on_mission_changed(self, changed) -> None:
        if changed.touches("mission", "team_members"):
            self._update_status()

    def close_mission(self) -> None:
        if self.ctx is None:
            return
        from missiondesk.ui.framework.drafts import suspend_all

        self.idle_watcher.stop()
        suspend_all()  # forms still open keep what they hold as drafts
        if self.backup_timer is not None:
            self.backup_timer.stop()  # waits for a backup still being written
            self.backup_timer.deleteLater()
            self.backup_timer = None
        self.bus.missionChanged.disconnect(self._on_mission_changed)
        for desk in self._desks.values():
            desk.detach()
        self.undo_stack.clear()
        if self.ctx.prefetch is not None:
            self.ctx.prefetch.close()  # a read ahead under way ends before the pool closes
        self.ctx.handle.close()
        self.ctx = None
        self.setWindowTitle("MissionDesk")
        overview = self._desks.get("overview")
        if overview is not None:
            overview.welcome.set_recent(self.settings.recent_files())
        self._update_status()
        self._update_actions()

    # --- lock -------------------------------------------------------------------------------

    def is_locked(self) -> bool:
        return self.locked is not None

    def lock(self) -> None:
        """Lock Now (Ctrl+L) and the idle timeout: drafts kept, forms closed, desks emptied,
        the file closed (lock released); the lock screen asks the passphrase again."""
        if self.ctx is None or self.locked is not None:
            return
        from missiondesk.ui.framework.drafts import suspend_all

        suspend_all()
        handle = self.ctx.handle
        row = self.nav.currentRow()
        self.locked = LockedMission(path=handle.path, encrypted=handle.encrypted,
                                    user_id=handle.user_id, user_name=handle.user_name,
                                    desk=self._specs[max(row, 0)].key)
        self._close_popups()
        self.pages.setCurrentWidget(self.lock_screen)
        self.close_mission()
        self.lock_screen.set_mission(self.locked.path.name, self.locked.encrypted)
        self.setWindowTitle(self.tr("Locked \u2014 MissionDesk"))
        self.statusBar().clearMessage()
        self._disable_while_locked()
        self.lock_screen.focus_passphrase()

    def _close_popups(self) -> None:
        """Forms, message boxes and menus leave the screen (their drafts are already kept)."""
        for widget in QApplication.topLevelWidgets():
            if widget is self or not widget.isVisible():
                continue
            if isinstance(widget, QDialog):
                widget.reject()
            elif isinstance(widget, QMenu):
                widget.close()

    def _disable_while_locked(self) -> None:
        keep = {self.quit_action, self.about_action}
        self._disabled_by_lock = []
        for menu_action in self.menuBar().actions():
            menu = menu_action.menu()
            actions = menu.actions() if menu is not None else []
            for action in actions:
                if action not in keep and action.isEnabled() and not action.isSeparator():
                    action.setEnabled(False)
                    self._disabled_by_lock.append(action)

    def _leave_lock(self) -> None:
        self.locked = None
        for action in self._disabled_by_lock:
            action.setEnabled(True)
        self._disabled_by_lock = []
        self.lock_screen.clear()
        self.pages.setCurrentWidget(self.content)
        self.setWindowTitle("MissionDesk")

    def unlock(self, passphrase: str | None) -> bool:
        """Reopen the locked file as the same user and go back to the same desk."""
        state = self.locked
        if state is None:
            return False
        from missiondesk.store.handle import open_mission

        try:
            handle = open_mission(state.path, passphrase if state.encrypted else None)
        except errors.MissionError as exc:
            self.lock_screen.show_error(error_text(exc))
            return False
        if state.user_name is not None:
            handle.set_user(state.user_id, state.user_name)
        self._leave_lock()
        self._attach(handle)
        self.select_desk(state.desk)
        return True

    def close_locked(self) -> None:
        """Leave the lock screen without reopening: back to the welcome page."""
        if self.locked is None:
            return
        self._leave_lock()
        self._update_status()
        self._update_actions()

    def save_copy(self) -> None:
        if self.ctx is None:
            return
        handle = self.ctx.handle
        suggestion = str(handle.path.with_name(handle.path.stem + " copy.mdesk"))
        target, _ = QFileDialog.getSaveFileName(self, self.tr("Save a Copy"), suggestion,
                                                self.tr("Mission files (*.mdesk)"))
        if not target:
            return
        target_path = Path(target)
        if target_path.resolve() == handle.path.resolve():
            self.show_error(self.tr("Choose a different file from the open mission."))
            return
        if target_path.exists():
            target_path.unlink()  # the save dialog already asked to replace it
        from missiondesk.services.backups import save_a_copy

        try:
            save_a_copy(handle, target_path)  # its own backup identity: rotations never mix
        except errors.MissionError as exc:
            self.show_error(error_text(exc))
            return
        self.statusBar().showMessage(self.tr("Saved a copy to %s") % target_path, 5000)

    def ask_auto_lock_minutes(self) -> None:
        """Edit \u25b8 Auto-Lock After\u2026: minutes without input before the mission locks."""
        from PySide6.QtWidgets import QInputDialog

        current = int(round(self.settings.auto_lock_minutes()))
        minutes, ok = QInputDialog.getInt(
            self, self.tr("Auto-Lock"),
            self.tr("Lock the mission after this many minutes without input (0: never):"),
            current, 0, 240)
        if ok:
            self.set_auto_lock_minutes(minutes)

    def set_auto_lock_minutes(self, minutes: int) -> None:
        self.settings.set_auto_lock_minutes(minutes)
        self.idle_watcher.set_minutes(minutes)
        self.statusBar().showMessage(
            self.tr("The mission locks after %d minutes without input.") % minutes
            if minutes else self.tr("The mission no longer locks by itself."), 5000)

    # --- encryption and backups (ui/security_dialogs) ---------------------------------

    def _change_passphrase(self) -> None:
        from missiondesk.ui import security_dialogs

        security_dialogs.change_passphrase(self)

    def _encrypt_or_decrypt(self) -> None:
        from missiondesk.ui import security_dialogs

        security_dialogs.encrypt_or_decrypt(self)

    def _back_up_to(self) -> None:
        from missiondesk.ui import security_dialogs

        security_dialogs.back_up_to(self)

    def _restore_from_backup(self) -> None:
        from missiondesk.ui import security_dialogs

        security_dialogs.restore_from_backup(self)

    def import_stakeholders(self) -> None:
        """File \u25b8 Import Stakeholders\u2026: a CSV or XLSX file, previewed, all or nothing."""
        if self.ctx is None:
            return
        from missiondesk.ui.importing.dialog import import_stakeholders

        text = import_stakeholders(self, self.ctx.handle, self.settings.last_folder())
        if text:
            self.statusBar().showMessage(text, 8000)

    def import_relationships(self) -> None:
        """File \u25b8 Import Relationships\u2026: who leads, supports or opposes whom, from a
        CSV or XLSX file naming the stakeholders by name or alias; previewed, all or none."""
        if self.ctx is None:
            return
        from missiondesk.ui.importing.dialog import import_relationships

        text = import_relationships(self, self.ctx.handle, self.settings.last_folder())
        if text:
            self.statusBar().showMessage(text, 8000)

    def _fill_recent_menu(self) -> None:
        self.recent_menu.clear()
        files = self.settings.recent_files()
        if not files:
            action = self.recent_menu.addAction(self.tr("No recent missions"))
            action.setEnabled(False)
        for path in files:
            action = self.recent_menu.addAction(path)
            action.triggered.connect(lambda _checked=False, p=path: self.open_path(Path(p)))

    def show_about(self) -> None:
        from missiondesk.ui.dialogs import AboutDialog

        AboutDialog(self).exec()

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        self.settings.set_window_geometry(self.saveGeometry())
        self.close_mission()
        self.settings.sync()
        super().closeEvent(event)


class _AfterFirstPaint(QObject):
    """Runs a callback once, on the turn of the event loop after the first widget paint."""

    def __init__(self, callback) -> None:
        super().__init__()
        self._callback = callback

    def eventFilter(self, _obj, event) -> bool:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.Paint:
            QApplication.instance().removeEventFilter(self)
            QTimer.singleShot(0, self._callback)
        return False


def open_later(window: MainWindow, path: Path, preload=None, *,
               passphrase: str | None = None) -> None:
    """Open once the window has painted, so MissionDesk shows before any file work.
    `passphrase` (start-up's) serves this first open only."""
    given = [passphrase]

    def first_open() -> None:
        key, given[0] = given[0], None  # not kept for a second call
        window.open_path(path, preload, passphrase=key)

    waiter = _AfterFirstPaint(first_open)
    window._first_paint_waiter = waiter  # kept alive until it fires
    QApplication.instance().installEventFilter(waiter)
    window.update()

