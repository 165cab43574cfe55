"""Lock Now, the idle lock and unlocking, on real mission files (offscreen)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QAbstractItemModel, QModelIndex
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)

from missiondesk.services import stakeholders as stakeholder_service
from missiondesk.services.drafts import all_drafts
from missiondesk.store.handle import NewMission, create_mission, open_mission
from missiondesk.ui.dialogs import Identity, IdentityDialog
from missiondesk.ui.main_window import MainWindow
from missiondesk.ui.settings import Settings
from missiondesk.ui.stakeholders.forms import StakeholderForm
from tests.conftest import PASSPHRASE


@pytest.fixture
def window(qtbot, monkeypatch):
    def choose(cls, parent, members):
        if not members:
            return Identity(None, "Tester", "OTHER")
        return Identity(members[0].id, members[0].name, members[0].role)

    monkeypatch.setattr(IdentityDialog, "choose", classmethod(choose))
    win = MainWindow(Settings())
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    yield win
    win.close_mission()


def _open(window, path, monkeypatch):
    assert window.open_path(path, passphrase=PASSPHRASE)


def _model_texts(model: QAbstractItemModel) -> list[str]:
    texts = []
    root = QModelIndex()
    for row in range(min(model.rowCount(root), 500)):
        try:
            columns = model.columnCount(root)
        except TypeError:  # a list model
            columns = 1
        for column in range(max(columns, 1)):
            value = model.data(model.index(row, column))
            if value is not None:
                texts.append(str(value))
    return texts


def _visible_text(window: QWidget) -> str:
    """Every text a user could read in the window: labels, fields, buttons, tables, title."""
    texts = [window.windowTitle()]
    for widget in window.findChildren(QWidget):
        if not widget.isVisibleTo(window):
            continue
        if isinstance(widget, QLabel | QAbstractButton | QLineEdit):
            texts.append(widget.text())
        elif isinstance(widget, QPlainTextEdit):
            texts.append(widget.toPlainText())
        elif isinstance(widget, QTextEdit):
            texts.append(widget.toPlainText())
        elif isinstance(widget, QAbstractItemView) and widget.model() is not None:
            texts.extend(_model_texts(widget.model()))
    return "\n".join(texts)


def _names(path) -> list[str]:
    handle = open_mission(path, PASSPHRASE)
    try:
        return [row.name for row in stakeholder_service.list_stakeholders(handle)]
    finally:
        handle.close()


def test_lock_now_closes_the_file_and_shows_no_record(window, demo_file, monkeypatch):
    names = _names(demo_file)
    _open(window, demo_file, monkeypatch)
    window.select_desk("stakeholders")
    desk = window.desk("stakeholders")
    shown = _visible_text(window)
    assert any(name in shown for name in names)  # positive control: the desk shows names
    assert window.lock_action.shortcut().toString() == "Ctrl+L"

    window.lock_action.trigger()

    assert window.is_locked() and window.ctx is None
    assert window.pages.currentWidget() is window.lock_screen
    shown = _visible_text(window)
    assert not [name for name in names if name in shown]
    assert desk.model.rowCount() == 0
    assert "carana.mdesk" in window.lock_screen.file_name.text()
    assert not window.undo_action.isEnabled() and not window.open_action.isEnabled()
    assert window.quit_action.isEnabled()
    # the file is closed and its lock released: another program can open it now
    other = open_mission(demo_file, PASSPHRASE)
    other.close()


def test_wrong_passphrase_says_so_and_the_right_one_returns_to_the_same_desk(
        window, demo_file, monkeypatch):
    _open(window, demo_file, monkeypatch)
    window.select_desk("drivers")
    user = window.ctx.handle.user_name
    window.lock()

    window.lock_screen.passphrase.setText("not the passphrase")
    window.lock_screen.unlock_button.click()
    assert window.is_locked() and window.ctx is None
    assert window.lock_screen.error.isVisibleTo(window)
    assert "wrong" in window.lock_screen.error.text()

    window.lock_screen.passphrase.setText(PASSPHRASE)
    window.lock_screen.unlock_button.click()
    assert not window.is_locked()
    assert window.ctx is not None and window.ctx.handle.user_name == user
    assert window.pages.currentWidget() is window.content
    assert window.stack.currentWidget() is window.desk("drivers")
    assert window.lock_screen.passphrase.text() == ""
    assert window.open_action.isEnabled() and window.lock_action.isEnabled()
    assert "carana.mdesk" in window.windowTitle()


def test_idle_time_locks_the_mission(window, demo_file, monkeypatch, qtbot):
    window.settings.set_auto_lock_minutes(0.005)  # 0.3 s
    _open(window, demo_file, monkeypatch)
    assert window.idle_watcher.is_running()
    qtbot.waitUntil(window.is_locked, timeout=5000)
    assert window.ctx is None
    assert not window.idle_watcher.is_running()


def test_input_postpones_the_idle_lock(window, demo_file, monkeypatch):
    window.settings.set_auto_lock_minutes(10)
    _open(window, demo_file, monkeypatch)
    window.idle_watcher.timeout()  # the timer fired, but input came less than 10 minutes ago
    assert not window.is_locked()
    window.idle_watcher._last_input -= 11 * 60  # ...and now 11 minutes went by without any
    window.idle_watcher.timeout()
    assert window.is_locked()


def test_auto_lock_setting_defaults_to_ten_minutes_and_zero_means_never(window):
    assert window.settings.auto_lock_minutes() == 10
    window.settings.set_auto_lock_minutes(0)
    window.idle_watcher.set_minutes(0)
    window.idle_watcher.start()
    assert not window.idle_watcher.is_running()


def test_an_open_form_leaves_the_screen_and_its_text_survives_the_lock(
        window, demo_file, monkeypatch, qtbot):
    from missiondesk.ui.framework.drafts import DraftOffer

    _open(window, demo_file, monkeypatch)
    window.select_desk("stakeholders")
    desk = window.desk("stakeholders")
    detail = desk._detail
    form = StakeholderForm(desk, [], detail=detail)
    form.drafts._offered = True  # nothing to offer yet
    form.show()
    typed = "Met him at the checkpoint; he wants the road reopened."
    form.texts["needs"].setPlainText(typed)

    window.lock()
    assert not form.isVisible()
    window.unlock(PASSPHRASE)
    assert window.statusBar().currentMessage()  # says drafts were kept
    kept = {d.key.field: d.text for d in all_drafts(window.ctx.handle)}
    assert kept["needs"] == typed
    assert set(kept) == {"needs", "__form__"}  # the form's other fields are kept too

    offered = []
    monkeypatch.setattr(DraftOffer, "ask", classmethod(
        lambda cls, parent, fields: offered.append(fields) or True))
    desk = window.desk("stakeholders")
    again = StakeholderForm(desk, [], detail=desk._detail)
    qtbot.addWidget(again)
    again.show()
    qtbot.waitUntil(lambda: bool(offered))
    assert offered == [[("Needs", typed)]]
    assert again.texts["needs"].toPlainText() == typed
    again.reject()  # cancelled on purpose: the draft goes
    assert all_drafts(window.ctx.handle) == []


def test_a_plain_mission_unlocks_without_a_passphrase(window, tmp_path):
    handle = create_mission(tmp_path / "plain.mdesk", None, NewMission(name="Plain"))
    handle.close()
    assert window.open_path(tmp_path / "plain.mdesk")
    window.lock()
    assert not window.lock_screen.passphrase.isVisibleTo(window)
    window.lock_screen.unlock_button.click()
    assert not window.is_locked() and window.ctx is not None


def test_close_mission_from_the_lock_screen(window, demo_file, monkeypatch):
    _open(window, demo_file, monkeypatch)
    window.lock()
    window.lock_screen.close_button.click()
    assert not window.is_locked() and window.ctx is None
    assert window.pages.currentWidget() is window.content
    assert window.file_label.text() == "No mission open"
    assert window.open_action.isEnabled()


def test_auto_lock_time_is_set_from_the_edit_menu(qtbot, monkeypatch):
    from PySide6.QtWidgets import QInputDialog

    from missiondesk.ui.main_window import MainWindow
    from missiondesk.ui.settings import Settings

    window = MainWindow(Settings())
    qtbot.addWidget(window)
    monkeypatch.setattr(QInputDialog, "getInt", staticmethod(lambda *a, **k: (3, True)))
    window.auto_lock_action.trigger()
    assert Settings().auto_lock_minutes() == 3
    assert window.idle_watcher._minutes == 3


def test_choices_and_numbers_of_an_open_form_survive_the_lock(window, demo_file, monkeypatch,
                                                              qtbot):
    from missiondesk.ui.framework.drafts import DraftOffer

    _open(window, demo_file, monkeypatch)
    window.select_desk("stakeholders")
    desk = window.desk("stakeholders")
    form = StakeholderForm(desk, [], detail=desk._detail)
    form.drafts._offered = True
    form.show()
    new_influence = 1 if form.influence.value() != 1 else 2
    form.influence.setValue(new_influence)
    form.sanctioned.setChecked(not form.sanctioned.isChecked())
    sanctioned = form.sanctioned.isChecked()

    window.lock()
    window.unlock(PASSPHRASE)
    offered = []
    monkeypatch.setattr(DraftOffer, "ask", classmethod(
        lambda cls, parent, fields: offered.append([f[0] for f in fields]) or True))
    desk = window.desk("stakeholders")
    again = StakeholderForm(desk, [], detail=desk._detail)
    qtbot.addWidget(again)
    again.show()
    qtbot.waitUntil(lambda: bool(offered))
    assert offered == [["Other fields"]]
    assert again.influence.value() == new_influence
    assert again.sanctioned.isChecked() == sanctioned
    again.reject()


PLANTED_AT_LOCK = "Quillon Vasquez-Thornbury met us at the Eres ford"


def _files_holding(folders, needle: str) -> list[str]:
    variants = [needle.encode("utf-8"), needle.encode("utf-16-le"),
                needle.casefold().encode("utf-8")]
    hits = []
    for folder in folders:
        for path in folder.rglob("*"):
            if path.is_file() and any(v in path.read_bytes() for v in variants):
                hits.append(path.name)
    return hits


@pytest.mark.parametrize("encrypted", [False, True])
def test_text_typed_before_a_lock_never_leaves_an_encrypted_mission(
        window, tmp_path, isolated_home, monkeypatch, encrypted):
    """The leak test of a lock, with its positive control: in a plain mission the typed
    text (kept as a draft by the lock) is found in the file; in an encrypted one, nowhere."""
    folder = tmp_path / "missions"
    folder.mkdir()
    path = folder / "m.mdesk"
    create_mission(path, PASSPHRASE if encrypted else None, NewMission(name="Lock leak")).close()
    _open(window, path, monkeypatch)
    with window.ctx.handle.unit_of_work() as uow:
        stakeholder_service.create_stakeholder(uow, name="Eres ford committee")
    window.select_desk("stakeholders")
    desk = window.desk("stakeholders")
    form = StakeholderForm(desk, [], detail=desk._detail)
    form.drafts._offered = True
    form.show()
    form.texts["needs"].setPlainText(PLANTED_AT_LOCK)
    window.lock()
    hits = _files_holding([folder, isolated_home], PLANTED_AT_LOCK)
    if encrypted:
        assert hits == []
    else:
        assert "m.mdesk" in hits  # the search works: the draft is in the plain file
