"""Opening a mission whose lock names someone else, and what an interrupted change left
beside it (issue 8, items 3 and 5), driven through the main window (offscreen)."""

from __future__ import annotations

import json

import pytest
from PySide6.QtWidgets import QMessageBox

from missiondesk.store.handle import NewMission, create_mission
from missiondesk.store.lock import MissionLock, lock_path
from missiondesk.ui.dialogs import Identity, IdentityDialog
from missiondesk.ui.main_window import MainWindow
from missiondesk.ui.settings import Settings

HOLDER = {"who": "Jean Dupont", "host": "jmac-laptop-3", "pid": 4242,
          "since": "2025-03-01T08:00:00+00:00"}


@pytest.fixture
def window(qtbot, monkeypatch):
    monkeypatch.setattr(IdentityDialog, "choose", classmethod(
        lambda cls, parent, members: Identity(None, "Amina Diallo", "SRSG")))
    win = MainWindow(Settings())
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    yield win
    win.close_mission()


@pytest.fixture
def mission(tmp_path):
    path = tmp_path / "usb-stick.mdesk"
    create_mission(path, None, NewMission(name="UNMISS")).close()
    return path


@pytest.fixture
def message_boxes(monkeypatch):
    """Every QMessageBox shown: its text and buttons; `answer` is the button clicked."""
    shown = {"boxes": [], "answer": None}

    def exec_(box):
        shown["boxes"].append((box.text(), [b.text() for b in box.buttons()]))
        for button in box.buttons():
            if button.text() == shown["answer"]:
                button.click()
        return 0

    monkeypatch.setattr(QMessageBox, "exec", exec_)
    monkeypatch.setattr(QMessageBox, "critical", staticmethod(
        lambda parent, title, text, *a: shown["boxes"].append((text, []))))
    return shown


def test_a_lock_from_another_laptop_shows_who_and_offers_open_anyway(window, mission,
                                                                     message_boxes):
    lock_path(mission).write_text(json.dumps(HOLDER), encoding="utf-8")
    message_boxes["answer"] = "Cancel"
    assert window.open_path(mission) is False
    [(text, buttons)] = message_boxes["boxes"]
    assert "Jean Dupont" in text and "jmac-laptop-3" in text and "2025-03-01" in text
    assert "Open Anyway" in buttons
    assert MissionLock.read(mission)["who"] == "Jean Dupont"  # Cancel leaves it as it was

    message_boxes["answer"] = "Open Anyway"
    assert window.open_path(mission) is True
    assert window.ctx is not None
    assert MissionLock.read(mission)["who"] == "Amina Diallo"  # the lock names who has it now


def test_the_status_bar_says_a_partial_copy_was_removed(window, mission, message_boxes):
    partial = mission.with_name(".usb-stick.mdesk.rekey")
    partial.write_bytes(b"SQLite format 3\x00 an interrupted decryption")
    assert window.open_path(mission) is True
    assert not partial.exists()
    assert ("Removed a partial copy of usb-stick.mdesk left by an interrupted passphrase "
            "change.") in window.statusBar().currentMessage()
    assert message_boxes["boxes"] == []
