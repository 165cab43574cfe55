"""The Overview's "What needs me today" in the real main window on the Carana demo
(offscreen): filled after the figures are painted, for the user working; activating a
commitment opens it in the Commitments desk, a gap opens the stakeholder."""

from __future__ import annotations

from datetime import date

import pytest

from missiondesk.services import commitments as service
from missiondesk.services.commitments import CommitmentFilter
from missiondesk.store.handle import open_mission
from missiondesk.ui.dialogs import Identity, IdentityDialog
from missiondesk.ui.main_window import MainWindow
from missiondesk.ui.overview.desk import RECORD_ROLE
from missiondesk.ui.settings import Settings
from tests.conftest import PASSPHRASE


@pytest.fixture
def busiest(demo_file):
    """The team member with the most overdue commitments in the demo, and those ids."""
    handle = open_mission(demo_file, PASSPHRASE)
    try:
        overdue = service.page_commitments(handle, CommitmentFilter(overdue_only=True),
                                           limit=500, today=date.today())
    finally:
        handle.close()
    by_owner: dict = {}
    for r in overdue:
        by_owner.setdefault((r.owner_id, r.owner_name), []).append(r.id)
    (member_id, name), ids = max(by_owner.items(), key=lambda kv: len(kv[1]))
    return member_id, name, ids


@pytest.fixture
def window(qtbot, monkeypatch, busiest):
    member_id, name, _ids = busiest
    monkeypatch.setattr(IdentityDialog, "choose", classmethod(
        lambda cls, parent, members: Identity(member_id, name,
                                              next(m.role for m in members
                                                   if m.id == member_id))))
    win = MainWindow(Settings())
    qtbot.addWidget(win)
    win.resize(1366, 768)
    win.show()
    qtbot.waitExposed(win)
    yield win
    win.close_mission()


def test_the_panel_loads_after_the_paint_and_opens_a_commitment(window, demo_file, qtbot,
                                                                 busiest):
    member_id, name, overdue_ids = busiest
    calls = []
    from missiondesk.services import followups

    real = followups.what_needs_me

    def spy(handle, member, today=None, **kw):
        calls.append(member)
        return real(handle, member, today, **kw)

    followups.what_needs_me = spy
    try:
        assert window.open_path(demo_file, passphrase=PASSPHRASE)
        overview = window.desk("overview")
        assert calls == []  # nothing read before the figures are painted
        qtbot.waitUntil(lambda: overview.needs.loaded)
    finally:
        followups.what_needs_me = real
    assert calls == [member_id]
    assert name in overview.needs.summary.text()
    items = overview.needs.items()
    assert items and all(i.data(0, RECORD_ROLE) for i in items)  # each opens a record
    commitments = [i for i in items if i.data(0, RECORD_ROLE)[0] == "commitments"]
    assert {i.data(0, RECORD_ROLE)[1] for i in commitments} >= set(overdue_ids)
    first = next(i for i in commitments if i.data(0, RECORD_ROLE)[1] == overdue_ids[0])
    assert first.text(0).startswith("Overdue by")
    overview.needs.tree.itemActivated.emit(first, 0)
    desk = window.stack.currentWidget()
    assert desk is window.desk("commitments")
    assert desk.current_id() == overdue_ids[0]
    assert desk.tabs.currentIndex() == 0


def test_a_gap_opens_its_stakeholder(window, demo_file, qtbot):
    from missiondesk.services import followups

    assert window.open_path(demo_file, passphrase=PASSPHRASE)
    overview = window.desk("overview")
    qtbot.waitUntil(lambda: overview.needs.loaded)
    gaps = [i for i in overview.needs.items() if i.data(0, RECORD_ROLE)[0] == "stakeholders"]
    if not gaps:  # this member has no gap today: make one visible by a 1-day threshold
        from missiondesk.services.mission_settings import set_setting

        with window.ctx.handle.unit_of_work() as uow:
            set_setting(uow, "gap_days_a", 1)
            set_setting(uow, "gap_days_b", 1)
        qtbot.waitUntil(lambda: any(i.data(0, RECORD_ROLE)[0] == "stakeholders"
                                    for i in overview.needs.items()))
        gaps = [i for i in overview.needs.items() if i.data(0, RECORD_ROLE)[0] == "stakeholders"]
    stakeholder_id = gaps[0].data(0, RECORD_ROLE)[1]
    assert followups.engagement_gaps(window.ctx.handle)  # the panel read real gaps
    overview.needs.tree.itemActivated.emit(gaps[0], 0)
    assert window.stack.currentWidget() is window.desk("stakeholders")
    assert window.desk("stakeholders").selected_id() == stakeholder_id


def test_the_panel_is_read_in_a_worker_and_the_window_answers_meanwhile(window, demo_file,
                                                                        qtbot, monkeypatch):
    """~2 s on the large mission: the read runs off the GUI thread; the panel says it is
    reading, and fills in when the read lands."""
    import threading

    from missiondesk.services import followups

    release, threads = threading.Event(), []
    real = followups.what_needs_me

    def slow(handle, member, today=None, **kw):
        threads.append(threading.current_thread())
        release.wait(10)
        return real(handle, member, today, **kw)

    monkeypatch.setattr(followups, "what_needs_me", slow)
    assert window.open_path(demo_file, passphrase=PASSPHRASE)
    overview = window.desk("overview")
    qtbot.waitUntil(lambda: bool(threads))
    assert threads[0] is not threading.main_thread()
    assert not overview.needs.loaded
    assert "Reading" in overview.needs.summary.text()
    window.select_desk("stakeholders")  # the window answers while the panel reads
    assert window.stack.currentWidget() is window.desk("stakeholders")
    release.set()
    qtbot.waitUntil(lambda: overview.needs.loaded)
    assert overview.needs.items()


def test_a_change_while_the_overview_is_hidden_is_counted_when_it_is_shown(window, demo_file,
                                                                           qtbot, monkeypatch):
    from missiondesk.services import mission as mission_service
    from missiondesk.services.stakeholders import list_stakeholders, update_stakeholder

    assert window.open_path(demo_file, passphrase=PASSPHRASE)
    overview = window.desk("overview")
    qtbot.waitUntil(lambda: overview.needs.loaded)
    window.select_desk("stakeholders")
    counted = []
    real = mission_service.mission_summary
    monkeypatch.setattr(mission_service, "mission_summary",
                        lambda *a, **k: counted.append(1) or real(*a, **k))
    handle = window.ctx.handle
    row = list_stakeholders(handle)[0]
    with handle.unit_of_work() as uow:
        update_stakeholder(uow, row.id, expected_revision=row.revision, name="Renamed")
    qtbot.wait(50)
    assert counted == []  # hidden: not counted on every edit elsewhere
    window.select_desk("overview")
    qtbot.waitUntil(lambda: counted == [1])
