"""A form shows the one sentence for text that is not text and writes nothing; a bug's log
never carries record text."""

from __future__ import annotations

import logging

import pytest
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QDialog, QMessageBox
from sqlalchemy import func, select

from missiondesk.store.handle import open_mission
from missiondesk.store.schema import ChangeLog, Stakeholder
from missiondesk.ui import app
from missiondesk.ui.context import MissionBus, MissionContext
from missiondesk.ui.stakeholders.desk import StakeholdersDesk
from missiondesk.ui.stakeholders.forms import DuplicateWarning, StakeholderForm
from tests.conftest import PASSPHRASE


@pytest.fixture
def desk(qtbot, demo_file):
    handle = open_mission(demo_file, PASSPHRASE)
    handle.set_user(None, "Desk Tester")
    bus = MissionBus()
    handle.add_listener(bus.relay)
    widget = StakeholdersDesk()
    qtbot.addWidget(widget)
    widget.show()
    widget.attach(MissionContext(handle, QUndoStack(), bus))
    yield widget
    widget.detach()
    handle.close()


def _counts(handle) -> tuple[int, int]:
    with handle.session() as session:
        return (session.scalar(select(func.count()).select_from(Stakeholder)),
                session.scalar(select(func.count()).select_from(ChangeLog)))


@pytest.mark.parametrize("widget, pasted, sentence", [
    ("name", "General \x1b[31mZed",
     "Name contains a character that is not text (U+001B, at position 9); remove it and try "
     "again."),
    ("aliases", "Zed, Le G\x07\u00e9n\u00e9ral",
     "Aliases contains a character that is not text (U+0007, at position 5); remove it and "
     "try again."),
])
def test_saving_text_with_a_control_character_shows_the_sentence_and_writes_nothing(
        desk, monkeypatch, widget, pasted, sentence):
    monkeypatch.setattr(DuplicateWarning, "confirm", classmethod(lambda cls, *a: True))
    shown: list[str] = []
    rounds = iter(range(2))

    def run_form(form: StakeholderForm) -> int:
        """The user pastes the text and presses Save; on the second round, reads the
        form's error label and presses Cancel."""
        if next(rounds) == 0:
            if widget == "name":
                form.name.setText(pasted)
            else:
                form.name.setText("General Zed")
                form.aliases.setText(pasted)
            return QDialog.DialogCode.Accepted
        assert not form.error.isHidden()
        shown.append(form.error.text())
        return QDialog.DialogCode.Rejected

    monkeypatch.setattr(StakeholderForm, "exec", run_form)
    handle = desk._ctx.handle
    before = _counts(handle)
    desk.new_stakeholder()
    assert shown == [sentence]
    assert _counts(handle) == before
    assert not desk._ctx.undo_stack.canUndo()


def test_a_bugs_log_has_its_type_and_frames_never_its_message(qapp, monkeypatch, caplog):
    planted = "Colonel Zebulon-7731 of the Ngali"
    boxes: list[str] = []
    monkeypatch.setattr(QMessageBox, "critical",
                        staticmethod(lambda parent, title, text, *a: boxes.append(text)))

    def open_card():
        {}[planted]  # a KeyError of a stakeholder's name

    try:
        open_card()
    except KeyError as exc:
        with caplog.at_level(logging.ERROR):
            app._report_unexpected(type(exc), exc, exc.__traceback__)
    assert "KeyError" in caplog.text and "open_card" in caplog.text
    assert planted not in caplog.text and "Zebulon" not in caplog.text
    assert boxes and "KeyError" in boxes[0] and "Zebulon" not in boxes[0]
