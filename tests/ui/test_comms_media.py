"""The Communications desk's Milestones, Calendar, Media and Rumours tabs on the Carana demo
(offscreen): the rumour workflow (log, respond with a key message, change status, undo each)
and the rumour on its stakeholder's profile; the landscape's 17 outlets and charts; a
candidate achievement made a milestone; the window around the SG report shaded."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QMessageBox

from missiondesk.services import rumours as rumour_service
from missiondesk.services.commitments import stakeholder_choices
from missiondesk.store.handle import open_mission
from missiondesk.ui.communications.calendar import CalendarTab
from missiondesk.ui.communications.media import MediaTab
from missiondesk.ui.communications.milestones import MilestoneForm, MilestonesTab
from missiondesk.ui.communications.rumours import RumoursTab
from missiondesk.ui.context import MissionBus, MissionContext
from tests.conftest import PASSPHRASE


@pytest.fixture
def ctx(demo_file):
    handle = open_mission(demo_file, PASSPHRASE)
    handle.set_user(None, "Comms tester")
    bus = MissionBus()
    handle.add_listener(bus.relay)
    yield MissionContext(handle, QUndoStack(), bus)
    handle.close()


def _tab(qtbot, ctx, cls):
    widget = cls(None)
    qtbot.addWidget(widget)
    widget.resize(1366, 768)
    widget.attach(ctx)
    widget.show()
    return widget


def _rows(tab):
    return [tab.model.row_at(i) for i in range(tab.model.rowCount())]


def _stakeholder_id(handle, name):
    return next(sid for sid, n in stakeholder_choices(handle) if n == name)


def test_the_rumour_workflow_log_respond_status_and_undo(qtbot, ctx):
    tab = _tab(qtbot, ctx, RumoursTab)
    assert len(_rows(tab)) == 13 and "13 rumour" in tab.count_label.text()
    assert tab.canvas is not None  # the trend is drawn
    zed = _stakeholder_id(ctx.handle, "General Zed")
    problem = tab.submit_new({"reported_on": date(2026, 11, 30), "channel": "radio",
                              "content": "UNAC arms General Zed's fighters.",
                              "stakeholder_id": zed, "regions": ["Leppko"], "risk": "high",
                              "poc_risk": True, "reach": "high", "classification":
                              "CONFIDENTIAL"})
    assert problem is None
    row = tab.current_row()
    assert (row.content, row.status, row.stakeholder_name, row.poc_risk) == (
        "UNAC arms General Zed's fighters.", "new", "General Zed", True)
    assert len(_rows(tab)) == 14 and "3 open with a risk to civilians" in \
        tab.count_label.text()

    message = next(m for m in rumour_service.message_choices(ctx.handle)
                   if m.texts.get("en") and m.texts.get("fr"))
    assert tab.submit_response(row, {"message_id": message.id,
                                     "response": "Force Commander on Radio Kisiwa FM."}) is None
    row = tab.current_row()
    assert (row.status, row.response_message_id) == ("responding", message.id)
    html = tab.detail.toPlainText()
    assert message.texts["en"][:40] in html and message.texts["fr"][:40] in html

    assert tab.change_status("responded") is None
    assert tab.current_row().status == "responded"
    assert tab.status_button.isEnabled()

    ctx.undo_stack.undo()  # back to responding
    assert rumour_service.get_rumour(ctx.handle, row.id).status == "responding"
    ctx.undo_stack.undo()  # the answer taken back: new, no key message
    back = rumour_service.get_rumour(ctx.handle, row.id)
    assert (back.status, back.response_message_id, back.response) == ("new", None, None)
    ctx.undo_stack.undo()  # the rumour itself
    assert len(_rows(tab)) == 13
    ctx.undo_stack.redo()
    assert len(_rows(tab)) == 14 and tab.show_record(row.id)


def test_a_refused_step_and_a_stale_undo_are_said(qtbot, ctx, monkeypatch):
    tab = _tab(qtbot, ctx, RumoursTab)
    warnings = []
    monkeypatch.setattr(QMessageBox, "warning",
                        lambda _parent, _title, text, *a: warnings.append(text))
    closed = next(r for r in _rows(tab) if r.status == "closed")
    assert tab.show_record(closed.id)
    problem = tab.change_status("responded")
    assert problem == warnings[-1]
    assert "closed cannot become responded" in problem and "monitoring" in problem
    assert tab.change_status("monitoring") is None
    with ctx.handle.unit_of_work() as uow:  # someone else moves it on
        rumour_service.set_status(uow, closed.id, "responding", expected_revision=None)
    ctx.undo_stack.undo()
    assert warnings and "changed" in warnings[-1].lower()
    assert rumour_service.get_rumour(ctx.handle, closed.id).status == "responding"


def test_the_status_filter_and_the_poc_filter(qtbot, ctx):
    tab = _tab(qtbot, ctx, RumoursTab)
    tab.status_filter.setCurrentIndex(tab.status_filter.findData("open"))
    assert {r.status for r in _rows(tab)} == {"new", "monitoring", "responding"}
    assert len(_rows(tab)) == 6
    tab.poc_only.setChecked(True)  # open and a risk to civilians: the demo has two
    assert sorted(r.content[:24] for r in _rows(tab)) == [
        "Peacekeepers handed abdu", "UNAC will leave Leppko n"]
    tab.status_filter.setCurrentIndex(tab.status_filter.findData("new"))
    assert _rows(tab) == []
    assert "No record matches" in tab.detail.toPlainText()


def test_a_rumour_about_a_stakeholder_shows_on_the_profile(qtbot, ctx):
    from missiondesk.ui.stakeholders.desk import StakeholdersDesk

    pea = _stakeholder_id(ctx.handle, "General Pea")
    with ctx.handle.unit_of_work() as uow:
        view = rumour_service.create_rumour(
            uow, reported_on=date(2026, 11, 2), channel="radio", stakeholder_id=pea,
            content="General Pea announces attacks on Maldosa.", poc_risk=True, risk="high")
    desk = StakeholdersDesk()
    qtbot.addWidget(desk)
    desk.resize(1366, 768)
    desk.attach(ctx)
    desk.go_to_stakeholder(pea)
    text = desk.detail.toPlainText()
    assert "Rumours about them" in text
    assert "General Pea announces attacks on Maldosa." in text and "risk to civilians" in text
    assert "rumour:%s" % view.id in desk.detail.toHtml()
    with ctx.handle.unit_of_work() as uow:  # deleted elsewhere: the profile follows
        rumour_service.delete_rumour(uow, view.id, expected_revision=None)
    text = desk.detail.toPlainText()
    assert "General Pea announces attacks on Maldosa." not in text
    # the demo's own rumour about him stays
    assert "Rumours about them" in text and "clean' the Eres valley" in text
    desk.detach()


def test_the_media_landscape_its_charts_and_a_duplicate_refused(qtbot, ctx):
    tab = _tab(qtbot, ctx, MediaTab)
    assert len(_rows(tab)) == 17 and "17 outlet" in tab.count_label.text()
    assert tab.canvas is not None
    tab.type_filter.setCurrentIndex(tab.type_filter.findData("radio"))
    assert {r.media_type for r in _rows(tab)} == {"radio"} and len(_rows(tab)) == 4
    tab.type_filter.setCurrentIndex(0)
    problem = tab.submit_new({"name": "radio kisiwa fm", "media_type": "radio"})
    assert problem == "An outlet named \u201cradio kisiwa fm\u201d is already in the landscape."
    assert tab.submit_new({"name": "Radio Leppko Libre", "media_type": "community_radio",
                           "languages": ["Tatsi"], "reach": "low"}) is None
    assert tab.current_row().name == "Radio Leppko Libre" and len(_rows(tab)) == 18
    assert tab.submit_edit(tab.current_row(), {**tab.current_row().values(),
                                               "relationship": "hostile"}) is None
    assert tab.current_row().relationship == "hostile"
    ctx.undo_stack.undo()
    ctx.undo_stack.undo()
    assert len(_rows(tab)) == 17


def test_a_candidate_achievement_becomes_a_milestone(qtbot, ctx, monkeypatch):
    tab = _tab(qtbot, ctx, MilestonesTab)
    assert len(_rows(tab)) == 14
    first = tab.candidates[0]
    before = len(tab.candidates)
    assert "Achievements to communicate (last 60 days): %d" % before \
        == tab.candidate_title.text()
    tab.candidate_table.selectRow(0)
    assert tab.make_button.isEnabled()
    seen = {}

    def fill_and_save(cls, parent, values, submit, *, creating):
        seen.update(values)
        form = cls(parent, values, submit, creating=creating)
        qtbot.addWidget(form)
        form.achievement.setPlainText("Announced on Radio Kisiwa FM.")
        form._accept()
        return form.result() == form.DialogCode.Accepted

    monkeypatch.setattr(MilestoneForm, "ask", classmethod(fill_and_save))
    tab.make_milestone()
    assert seen["status"] == "achieved" and seen["achieved_on"] == first.day
    made = tab.current_row()
    assert made.title == first.text[:300] and made.achievement == \
        "Announced on Radio Kisiwa FM."
    assert (made.commitment_id or made.benchmark_id) == first.record_id
    assert len(tab.candidates) == before - 1
    assert first.record_id not in {c.record_id for c in tab.candidates}
    ctx.undo_stack.undo()
    assert len(tab.candidates) == before and len(_rows(tab)) == 14


def test_the_calendar_shades_the_window_around_the_sg_report(qtbot, ctx):
    from missiondesk.services.council_cycle import list_cycle_events

    tab = _tab(qtbot, ctx, CalendarTab)
    report = next(e for e in list_cycle_events(ctx.handle, start=date.today())
                  if e.kind == "sg_report_due")
    tab.month.setCurrentPage(report.date.year, report.date.month)
    shaded = tab.marked_window_days()
    assert report.date - timedelta(days=14) in shaded
    assert report.date + timedelta(days=7) in shaded
    assert report.date - timedelta(days=15) not in shaded
    agenda = tab.agenda.toPlainText()
    assert "Disinformation windows" in agenda and report.title in agenda
    assert "%s \u2192 %s" % ((report.date - timedelta(days=14)).isoformat(),
                             (report.date + timedelta(days=7)).isoformat()) in agenda


def test_the_desk_shows_a_rumour_in_its_tab(qtbot, ctx):
    from missiondesk.ui.communications.desk import CommunicationsDesk

    desk = CommunicationsDesk()
    qtbot.addWidget(desk)
    desk.attach(ctx)
    rumour = rumour_service.list_rumours(ctx.handle)[0]
    assert desk.show_record(rumour.id)
    assert desk.tabs.currentWidget() is desk.tab("rumours")
    assert desk.tab("rumours").current_row().id == rumour.id
    desk.detach()


def test_the_models_pass_qts_model_tester(qtbot, ctx, qtmodeltester):
    for cls in (RumoursTab, MediaTab, MilestonesTab):
        qtmodeltester.check(_tab(qtbot, ctx, cls).model)


def test_the_window_is_a_mission_setting_changed_and_undone(qtbot, ctx, monkeypatch):
    from missiondesk.services.council_cycle import list_cycle_events
    from missiondesk.ui.communications.calendar import DaysSettingsDialog

    tab = _tab(qtbot, ctx, CalendarTab)
    report = next(e for e in list_cycle_events(ctx.handle, start=date.today())
                  if e.kind == "sg_report_due")
    tab.month.setCurrentPage(report.date.year, report.date.month)
    monkeypatch.setattr(DaysSettingsDialog, "ask", classmethod(
        lambda cls, parent, values, submit, *, creating: submit(
            {"disinfo_days_before": 3, "disinfo_days_after": 7}) is None))
    tab.edit_window()
    assert report.date - timedelta(days=3) in tab.marked_window_days()
    assert report.date - timedelta(days=4) not in tab.marked_window_days()
    assert "3 days before" in tab.window_label.text()
    ctx.undo_stack.undo()
    assert report.date - timedelta(days=14) in tab.marked_window_days()
