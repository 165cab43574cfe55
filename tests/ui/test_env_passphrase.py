"""MISSIONDESK_PASSPHRASE is a convenience for the first open, not a key under the mat
(issue 8, item 9): read once at start-up and removed from the environment; after a lock, a
close or for another mission, the passphrase is asked."""

from __future__ import annotations

import os
import shutil
import sys

import pytest

from missiondesk.ui.dialogs import Identity, IdentityDialog, PassphraseDialog
from tests.conftest import PASSPHRASE


@pytest.fixture
def asked(monkeypatch):
    """The passphrase dialog, answered with the right passphrase; records each time it asks."""
    calls = []

    def ask(cls, parent, name, error=""):
        calls.append(name)
        return PASSPHRASE

    monkeypatch.setattr(PassphraseDialog, "ask", classmethod(ask))
    monkeypatch.setattr(IdentityDialog, "choose", classmethod(
        lambda cls, parent, members: Identity(members[0].id, members[0].name,
                                              members[0].role)))
    return calls


@pytest.fixture
def started(qtbot, demo_file, monkeypatch, asked):
    """`missiondesk carana.mdesk` with the variable set, up to the mission open."""
    from missiondesk.ui.app import start_gui

    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # start_gui installs its own
    monkeypatch.setenv("MISSIONDESK_PASSPHRASE", PASSPHRASE)
    _app, window = start_gui(demo_file)
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: window.ctx is not None)
    yield window
    window.close_mission()


def _open_recent(window, path):
    window._fill_recent_menu()
    action = next(a for a in window.recent_menu.actions() if a.text() == str(path))
    action.trigger()


def test_the_first_open_uses_it_and_it_leaves_the_environment(started, asked):
    assert asked == []
    assert started.ctx.handle.encrypted
    assert "MISSIONDESK_PASSPHRASE" not in os.environ


def test_lock_then_unlock_asks(started, asked):
    started.lock()
    assert started.is_locked() and started.lock_screen.passphrase.isVisibleTo(started)
    started.lock_screen.unlock_button.click()  # nothing typed: still locked
    assert started.is_locked() and started.ctx is None
    started.lock_screen.passphrase.setText(PASSPHRASE)
    started.lock_screen.unlock_button.click()
    assert not started.is_locked() and started.ctx is not None


def test_lock_close_then_recent_asks(started, asked, demo_file):
    started.lock()
    started.lock_screen.close_button.click()
    assert started.ctx is None
    _open_recent(started, demo_file)
    assert asked == [demo_file.name]
    assert started.ctx is not None


def test_close_then_recent_asks(started, asked, demo_file):
    started.close_mission()
    _open_recent(started, demo_file)
    assert asked == [demo_file.name]
    assert started.ctx is not None


def test_a_second_mission_asks(started, asked, demo_file, tmp_path):
    other = tmp_path / "other.mdesk"
    shutil.copyfile(demo_file, other)
    assert started.open_path(other)
    assert asked == [other.name]
