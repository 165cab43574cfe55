"""The mission-file dialogs as a user meets them: New Mission, Who Are You?, Mission Details
(from the Overview's Edit Details…), on real mission files (offscreen)."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtWidgets import QDialog, QDialogButtonBox

from missiondesk.services import mission as mission_service
from missiondesk.ui.dialogs import (
    Identity,
    IdentityDialog,
    MissionDetailsDialog,
    NewMissionDialog,
)
from missiondesk.ui.main_window import MainWindow
from missiondesk.ui.settings import Settings
from tests.conftest import PASSPHRASE


@pytest.fixture
def window(qtbot, monkeypatch):
    def choose(cls, parent, members):
        return Identity(members[0].id, members[0].name, members[0].role)

    monkeypatch.setattr(IdentityDialog, "choose", classmethod(choose))
    win = MainWindow(Settings())
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    yield win
    win.close_mission()


def _press(dialog: QDialog, which=QDialogButtonBox.StandardButton.Save) -> None:
    """Click the dialog's confirming button, as the user would."""
    box = dialog.findChild(QDialogButtonBox)
    button = box.button(which)
    if button is None:  # a dialog whose confirming button is Ok
        button = box.button(QDialogButtonBox.StandardButton.Ok)
    button.click()


def test_edit_details_refuses_a_bad_time_zone_in_the_form_then_saves_one_undo_step(
        window, demo_file, monkeypatch):
    assert window.open_path(demo_file, passphrase=PASSPHRASE)
    overview = window.desk("overview")
    before = mission_service.get_mission(window.ctx.handle)
    refusals = []

    def user(dialog):  # what the user does each time the form is on screen
        if not dialog.error.text():
            assert dialog.name.text() == before.name
            assert dialog.classification.currentData() == before.default_classification
            dialog.host_country.setText("Kisiwa")
            dialog.time_zone.setCurrentText("Nowhere/Atlantis")
            _press(dialog)
            if dialog.result() == QDialog.DialogCode.Accepted:
                return dialog.result()
        refusals.append(dialog.error.text())
        dialog.time_zone.setCurrentText("Africa/Bangui")
        _press(dialog)
        return dialog.result()

    monkeypatch.setattr(MissionDetailsDialog, "exec", user)
    overview.edit_button.click()
    assert len(refusals) == 1 and "not a known time zone" in refusals[0]
    after = mission_service.get_mission(window.ctx.handle)
    assert (after.host_country, after.time_zone) == ("Kisiwa", "Africa/Bangui")
    assert "Kisiwa" in overview.facts.text()
    assert window.undo_stack.count() == 1
    window.undo_action.trigger()
    assert mission_service.get_mission(window.ctx.handle).host_country == before.host_country


def test_edit_details_saved_unchanged_writes_nothing(window, demo_file, monkeypatch):
    assert window.open_path(demo_file, passphrase=PASSPHRASE)
    before = mission_service.get_mission(window.ctx.handle)

    def user(dialog):
        assert dialog.has_expiry.isChecked() == (before.mandate_expiry is not None)
        _press(dialog)
        return dialog.result()

    monkeypatch.setattr(MissionDetailsDialog, "exec", user)
    window.desk("overview").edit_button.click()
    assert window.undo_stack.count() == 0
    assert mission_service.get_mission(window.ctx.handle).revision == before.revision


def test_mission_details_form_offers_only_what_changed_and_stays_open_when_refused(qtbot):
    values = {"name": "UNAC", "acronym": None, "host_country": "Carana", "time_zone": "UTC",
              "default_classification": "STRICTLY CONFIDENTIAL",
              "mandate_expiry": date(2027, 3, 31)}
    offered = []
    answers = ["The acronym is taken.", None]

    def submit(changes):
        offered.append(changes)
        return answers.pop(0)

    dialog = MissionDetailsDialog(None, values, submit, creating=False)
    qtbot.addWidget(dialog)
    assert dialog.windowTitle() == "Mission Details"
    assert dialog.classification.currentData() == "STRICTLY CONFIDENTIAL"
    assert dialog.expiry.date().toPython() == date(2027, 3, 31)
    assert dialog.changed_values() == {}
    dialog.has_expiry.setChecked(False)
    dialog.acronym.setText("  UNAC-2 ")
    _press(dialog)
    assert dialog.error.text() == "The acronym is taken."
    assert dialog.result() != QDialog.DialogCode.Accepted
    _press(dialog)
    assert offered == [{"mandate_expiry": None, "acronym": "UNAC-2"}] * 2
    assert dialog.result() == QDialog.DialogCode.Accepted


def test_who_are_you_picks_a_member_or_adds_a_new_one(qtbot, demo_file):
    from missiondesk.services import team
    from missiondesk.store.handle import open_mission

    handle = open_mission(demo_file, PASSPHRASE)
    try:
        members = team.list_team(handle)
    finally:
        handle.close()
    dialog = IdentityDialog(None, members)
    qtbot.addWidget(dialog)
    assert dialog.members.count() == len(members)
    dialog.members.setCurrentRow(1)
    _press(dialog)
    assert dialog.identity == Identity(members[1].id, members[1].name, members[1].role)

    dialog = IdentityDialog(None, members)
    qtbot.addWidget(dialog)
    assert dialog.new_role.currentData() == "OTHER"
    dialog.new_name.setText("  Aïcha Bello ")
    _press(dialog)
    assert dialog.identity == Identity(None, "Aïcha Bello", "OTHER")

    empty = IdentityDialog(None, [])
    qtbot.addWidget(empty)
    _press(empty)
    assert empty.identity is None
    assert empty.error.text() == "Choose your name or add yourself."
    assert empty.result() != QDialog.DialogCode.Accepted


def test_new_mission_refuses_what_cannot_be_created(qtbot, tmp_path):
    (tmp_path / "taken.mdesk").write_bytes(b"x")
    dialog = NewMissionDialog(None, str(tmp_path))
    qtbot.addWidget(dialog)
    assert dialog.classification.currentData() == "CONFIDENTIAL"
    assert dialog.your_role.currentData() == "SRSG"
    assert dialog.time_zone.currentText() == "UTC"
    _press(dialog)
    assert dialog.error.text() == "Give the mission a name."
    dialog.name.setText("Mission")
    _press(dialog)
    assert dialog.error.text() == "Give your name: every change is logged under it."
    dialog.your_name.setText("Me")
    _press(dialog)
    assert dialog.error.text() == "Choose where to save the mission file."
    dialog.path.setText(str(tmp_path / "taken"))
    _press(dialog)
    assert dialog.error.text() == "That file already exists; choose another name."
    dialog.path.setText(str(tmp_path / "new.mdesk"))
    dialog.time_zone.setCurrentText("Nowhere/Atlantis")
    _press(dialog)
    assert dialog.error.text() == "Choose a time zone from the list."
    dialog.time_zone.setCurrentText("Africa/Bangui")
    dialog.passphrase.setText("four unrelated words here")
    dialog.repeat.setText("four unrelated words here")
    dialog.classification.setCurrentIndex(2)
    _press(dialog)
    assert dialog.result() == QDialog.DialogCode.Accepted
    request = dialog.request
    assert request.path == tmp_path / "new.mdesk"
    assert (request.name, request.your_name, request.time_zone) == ("Mission", "Me",
                                                                     "Africa/Bangui")
    assert request.default_classification == "STRICTLY CONFIDENTIAL"
    assert request.passphrase == "four unrelated words here"
