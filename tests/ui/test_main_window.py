"""The main window driven as a user would, on real mission files (offscreen)."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QFileDialog, QMessageBox, QTextBrowser

from missiondesk.services import mission as mission_service
from missiondesk.store.handle import open_mission
from missiondesk.ui.dialogs import (
    AboutDialog,
    Identity,
    IdentityDialog,
    NewMissionDialog,
    NewMissionRequest,
    PassphraseDialog,
)
from missiondesk.ui.main_window import MainWindow
from missiondesk.ui.settings import Settings
from tests.conftest import PASSPHRASE


@pytest.fixture
def window(qtbot):
    win = MainWindow(Settings())
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    yield win
    win.close_mission()


@pytest.fixture
def choose_first(monkeypatch):
    calls = []

    def choose(cls, parent, members):
        calls.append(members)
        return Identity(members[0].id, members[0].name, members[0].role)

    monkeypatch.setattr(IdentityDialog, "choose", classmethod(choose))
    return calls


@pytest.fixture
def errors_shown(monkeypatch):
    shown = []
    monkeypatch.setattr(QMessageBox, "critical",
                        staticmethod(lambda parent, title, text, *a: shown.append(text)))
    monkeypatch.setattr(QMessageBox, "warning",
                        staticmethod(lambda parent, title, text, *a: shown.append(text)))
    return shown


def _open_demo(window, demo_file, monkeypatch):
    assert window.open_path(demo_file, passphrase=PASSPHRASE)
    return window.desk("overview")


def test_opens_the_demo_mission_and_shows_its_figures(window, demo_file, monkeypatch,
                                                      choose_first):
    overview = _open_demo(window, demo_file, monkeypatch)
    assert "Carana" in overview.title.text()
    assert int(overview.tiles["stakeholders"].value.text().replace(",", "")) >= 40
    assert int(overview.tiles["engagements"].value.text().replace(",", "")) >= 150
    assert int(overview.tiles["overdue_commitments"].value.text()) > 0
    assert "Mandate expiry" in overview.facts.text() and "in " in overview.facts.text()
    assert window.encryption_label.text() == "Encrypted"
    assert "CONFIDENTIAL" in window.classification_label.text()
    assert window.file_label.text() == str(demo_file)
    assert "carana.mdesk" in window.windowTitle()
    assert window.user_label.text().startswith("Working as ")


def test_each_desk_in_the_navigation_shows(window, demo_file, monkeypatch, choose_first):
    _open_demo(window, demo_file, monkeypatch)
    for row in range(window.nav.count()):
        window.nav.setCurrentRow(row)
        shown = window.stack.currentWidget()
        assert shown is window.desk(window._specs[row].key)
        assert shown.isVisible()


def test_new_mission_creates_an_encrypted_file(window, tmp_path, monkeypatch):
    path = tmp_path / "unac.mdesk"
    request = NewMissionRequest(path=path, name="UN Assistance Mission in Carana",
                                acronym="UNAC", host_country="Carana",
                                time_zone="Africa/Bangui", default_classification="CONFIDENTIAL",
                                your_name="Élise Ndaye", your_role="SRSG",
                                passphrase="four unrelated words here")
    monkeypatch.setattr(NewMissionDialog, "ask", classmethod(lambda cls, p, f="": request))
    window.new_action.trigger()
    assert path.exists()
    assert path.read_bytes()[:16] != b"SQLite format 3\x00"
    overview = window.desk("overview")
    assert overview.title.text() == "UN Assistance Mission in Carana (UNAC)"
    assert overview.tiles["team_members"].value.text() == "1"
    assert window.user_label.text() == "Working as Élise Ndaye"
    window.close_mission()
    reopened = open_mission(path, "four unrelated words here")
    assert mission_service.get_mission(reopened).host_country == "Carana"
    reopened.close()


def test_new_mission_dialog_validates_before_creating(qtbot, tmp_path):
    dialog = NewMissionDialog(None)
    qtbot.addWidget(dialog)
    dialog.name.setText("Mission")
    dialog.your_name.setText("Me")
    dialog.path.setText(str(tmp_path / "m"))
    dialog.passphrase.setText("long enough passphrase")
    dialog.repeat.setText("long enough passphrasE")
    dialog._accept()
    assert dialog.request is None
    assert dialog.error.text() == "The two passphrases differ."
    dialog.passphrase.setText("short")
    assert dialog.strength.text().startswith("Too short")
    dialog._accept()
    assert dialog.error.text() == "The passphrase is too short."
    dialog.plain.setChecked(True)
    assert not dialog.passphrase.isEnabled()
    dialog._accept()
    assert dialog.request is not None
    assert dialog.request.passphrase is None
    assert dialog.request.path == tmp_path / "m.mdesk"


def test_open_with_a_wrong_passphrase_says_so_and_asks_again(window, demo_file, monkeypatch):
    asked = []

    def ask(cls, parent, name, error=""):
        asked.append(error)
        return "wrong passphrase" if len(asked) == 1 else None

    monkeypatch.setattr(PassphraseDialog, "ask", classmethod(ask))
    assert window.open_path(demo_file) is False
    assert asked == ["", "The passphrase is wrong: the mission file could not be unlocked."]
    assert window.ctx is None


def test_locked_mission_is_refused_with_who_has_it(window, demo_file, monkeypatch,
                                                   errors_shown):
    other = open_mission(demo_file, PASSPHRASE)
    other.set_user(None, "Jean Morel")
    try:
        assert window.open_path(demo_file, passphrase=PASSPHRASE) is False
    finally:
        other.close()
    assert len(errors_shown) == 1
    assert "already open in MissionDesk by Jean Morel" in errors_shown[0]


def test_not_a_mission_file_shows_one_sentence(window, tmp_path, errors_shown):
    bogus = tmp_path / "notes.mdesk"
    bogus.write_text("shopping list")
    assert window.open_path(bogus) is False
    assert errors_shown == ["%s is not a MissionDesk mission file." % bogus]


def test_identity_is_remembered_per_laptop(window, demo_file, monkeypatch, choose_first):
    _open_demo(window, demo_file, monkeypatch)
    first_user = window.ctx.handle.user_name
    window.close_mission()
    assert window.open_path(demo_file, passphrase=PASSPHRASE)
    assert len(choose_first) == 1
    assert window.ctx.handle.user_name == first_user


def test_undo_and_redo_an_edit_of_the_mission(window, demo_file, monkeypatch, choose_first):
    overview = _open_demo(window, demo_file, monkeypatch)
    before = mission_service.get_mission(window.ctx.handle)
    assert overview.apply_details({"name": "Renamed mission", "host_country": "Kisiwa"}, before)
    assert overview.title.text().startswith("Renamed mission")
    window.undo_action.trigger()
    assert overview.title.text().startswith(before.name)
    assert mission_service.get_mission(window.ctx.handle).host_country == before.host_country
    window.redo_action.trigger()
    assert overview.title.text().startswith("Renamed mission")
    assert mission_service.get_mission(window.ctx.handle).host_country == "Kisiwa"


def test_refused_edit_never_enters_the_undo_stack(window, demo_file, monkeypatch, choose_first):
    overview = _open_demo(window, demo_file, monkeypatch)
    before = mission_service.get_mission(window.ctx.handle)
    assert overview.apply_details({"time_zone": "Nowhere/Atlantis"}, before) is False
    assert "not a known time zone" in overview._last_error
    assert window.undo_stack.count() == 0


def test_undo_is_refused_over_a_newer_change(window, demo_file, monkeypatch, choose_first,
                                             errors_shown):
    overview = _open_demo(window, demo_file, monkeypatch)
    handle = window.ctx.handle
    before = mission_service.get_mission(handle)
    overview.apply_details({"acronym": "UNAC-1"}, before)
    current = mission_service.get_mission(handle)
    with handle.unit_of_work() as uow:  # another desk changes the record meanwhile
        mission_service.update_mission(uow, expected_revision=current.revision, acronym="OTHER")
    window.undo_action.trigger()
    assert mission_service.get_mission(handle).acronym == "OTHER"
    assert len(errors_shown) == 1 and "was changed since" in errors_shown[0]


def test_save_a_copy_writes_an_encrypted_copy(window, demo_file, tmp_path, monkeypatch,
                                              choose_first):
    _open_demo(window, demo_file, monkeypatch)
    target = tmp_path / "copy.mdesk"
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda *a, **k: (str(target), "")))
    window.copy_action.trigger()
    assert target.read_bytes()[:16] != b"SQLite format 3\x00"
    copy = open_mission(target, PASSPHRASE)
    assert "Carana" in mission_service.get_mission(copy).name
    copy.close()


def test_close_returns_to_the_welcome_panel_with_recent_files(window, demo_file, monkeypatch,
                                                              choose_first):
    _open_demo(window, demo_file, monkeypatch)
    window.close_action.trigger()
    overview = window.desk("overview")
    assert window.ctx is None
    assert overview.welcome.isVisible()
    assert overview.welcome.recent.item(0).text() == str(demo_file)
    assert window.file_label.text() == "No mission open"
    assert not window.copy_action.isEnabled()


def test_about_lists_version_and_licences(qtbot):
    dialog = AboutDialog()
    qtbot.addWidget(dialog)
    text = dialog.findChild(QTextBrowser).toPlainText()
    assert "SQLAlchemy" in text and "LGPL-3.0" in text and "Carana" in text


def test_show_on_map_from_the_stakeholders_desk(window, demo_file, monkeypatch, choose_first,
                                                qtbot):
    _open_demo(window, demo_file, monkeypatch)
    window.select_desk("stakeholders")
    desk = window.desk("stakeholders")
    target = next(r for r in desk.model.rows() if r.name == "General Zed")
    desk.select_stakeholder(target.id)
    desk.map_button.click()
    assert window.stack.currentWidget() is window.desk("map")
    map_desk = window.desk("map")
    qtbot.waitUntil(lambda: map_desk.selected_id() == target.id, timeout=10000)
