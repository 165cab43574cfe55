"""A record opened from another desk (a profile's engagement, the Overview, search, a
commitment's engagement) shows in its own desk, selected: `MainWindow.show_record`."""

from __future__ import annotations

import pytest

from missiondesk.services.commitments import CommitmentFilter, page_commitments
from missiondesk.services.engagements import EngagementFilter, page_engagements
from missiondesk.services.stakeholders import list_stakeholders
from missiondesk.ui.dialogs import Identity, IdentityDialog
from missiondesk.ui.main_window import MainWindow
from missiondesk.ui.settings import Settings
from missiondesk.ui.stakeholders.profile import open_engagement
from tests.conftest import PASSPHRASE


@pytest.fixture
def window(qtbot, demo_file, monkeypatch):
    monkeypatch.setattr(IdentityDialog, "choose", classmethod(  # who you are: the first member
        lambda cls, parent, members: Identity(members[0].id, members[0].name, members[0].role)))
    win = MainWindow(Settings())
    qtbot.addWidget(win)
    win.resize(1366, 768)
    win.show()
    assert win.open_path(demo_file, passphrase=PASSPHRASE)
    yield win
    win.close_mission()


def test_each_kind_of_record_opens_selected_in_its_desk(window):
    handle = window.ctx.handle
    engagement = page_engagements(handle, EngagementFilter(), limit=50)[-1]
    commitment = page_commitments(handle, CommitmentFilter(), limit=50)[-1]
    stakeholder = list_stakeholders(handle)[-1]
    for key, record_id in (("engagements", engagement.id), ("commitments", commitment.id),
                           ("stakeholders", stakeholder.id)):
        assert window.show_record(key, record_id)
        desk = window.desk(key)
        assert window.stack.currentWidget() is desk
        assert desk.current_id() == record_id
    assert not window.show_record("no such desk", engagement.id)


def test_a_profiles_engagement_link_opens_it_in_the_engagements_desk(window):
    handle = window.ctx.handle
    engagement = page_engagements(handle, EngagementFilter(), limit=50)[-1]
    assert open_engagement(window.desk("stakeholders"), engagement.id)
    assert window.stack.currentWidget() is window.desk("engagements")
    assert window.desk("engagements").current_id() == engagement.id
