"""Each stakeholder's profile shows its last engagement and its latest engagements, newest
first, each opening in the Engagements desk (issue 10)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QUrl
from PySide6.QtGui import QUndoStack

from missiondesk.services import engagements
from missiondesk.store.handle import open_mission
from missiondesk.ui.context import MissionBus, MissionContext
from missiondesk.ui.stakeholders.desk import StakeholdersDesk
from tests.conftest import PASSPHRASE


@pytest.fixture
def desk(qtbot, demo_file):
    handle = open_mission(demo_file, PASSPHRASE)
    handle.set_user(None, "Desk Tester")
    bus = MissionBus()
    handle.add_listener(bus.relay)
    ctx = MissionContext(handle, QUndoStack(), bus)
    widget = StakeholdersDesk()
    qtbot.addWidget(widget)
    widget.resize(1366, 768)
    widget.show()
    widget.attach(ctx)
    yield widget
    widget.detach()
    handle.close()


def _most_engaged(desk):
    handle = desk._ctx.handle
    counts = {r.id: engagements.count_engagements(
        handle, engagements.EngagementFilter(stakeholder_id=r.id)) for r in desk.model.rows()}
    return max(desk.model.rows(), key=lambda r: (counts[r.id], r.name)), counts


def test_the_profile_lists_a_demo_stakeholders_engagements_newest_first(desk):
    row, counts = _most_engaged(desk)
    assert desk.select_stakeholder(row.id)
    text = desk.detail.toPlainText()
    latest = engagements.stakeholder_engagements(desk._ctx.handle, row.id)
    assert "Last engaged: %s (" % latest[0].starts_at.date().isoformat() in text
    shown = [e for e in latest[:20]]
    positions = [text.index(e.title) for e in shown]
    assert positions == sorted(positions)  # newest first
    assert latest[0].lead_name in text
    if counts[row.id] > 20:
        assert "%d more" % (counts[row.id] - 20) in text
        assert latest[20].title not in text.split("Engagements")[-1].split("Commitments")[0]


def test_a_never_engaged_stakeholder_says_so(desk):
    handle = desk._ctx.handle
    quiet = next((r for r in desk.model.rows() if not engagements.count_engagements(
        handle, engagements.EngagementFilter(stakeholder_id=r.id))), None)
    if quiet is None:
        pytest.skip("every demo stakeholder has been engaged")
    desk.select_stakeholder(quiet.id)
    assert "Last engaged: never" in desk.detail.toPlainText()


def test_activating_an_engagement_opens_it_in_the_engagements_desk(desk, monkeypatch):
    row, _counts = _most_engaged(desk)
    desk.select_stakeholder(row.id)
    first = engagements.stakeholder_engagements(desk._ctx.handle, row.id, limit=1)[0]
    assert "engagement:%s" % first.id in desk.detail.toHtml()
    opened = []
    monkeypatch.setattr("missiondesk.ui.stakeholders.profile.open_engagement",
                        lambda widget, eid: opened.append(eid) or True)
    desk.detail.anchorClicked.emit(QUrl("engagement:%s" % first.id))
    assert opened == [first.id]
