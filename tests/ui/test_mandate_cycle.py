"""The Council cycle and consultations tabs of the Mandate desk on the Carana demo
(offscreen): the agenda with imminent events flagged, preparation tasks with owners, cycle
generation from dates (preview, create, undo, never twice), the consultations log and its
summary grouped by topic and by counterpart type."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QMessageBox

from missiondesk.services import council_cycle as cycle_service
from missiondesk.services.checklist import ChecklistTask
from missiondesk.store.handle import open_mission
from missiondesk.ui.context import MissionBus, MissionContext
from missiondesk.ui.mandate.cycle import CycleEventForm, CycleTab, GenerateCycleDialog
from tests.conftest import PASSPHRASE


@pytest.fixture
def ctx(demo_file):
    handle = open_mission(demo_file, PASSPHRASE)
    handle.set_user(None, "Desk tester")
    bus = MissionBus()
    handle.add_listener(bus.relay)
    yield MissionContext(handle, QUndoStack(), bus)
    handle.close()


@pytest.fixture
def tab(qtbot, ctx):
    widget = CycleTab()
    qtbot.addWidget(widget)
    widget.resize(1180, 760)
    widget.attach(ctx)
    widget.show()
    yield widget
    widget.detach()


def _cell(tab, row: int, key: str) -> str:
    return tab.model.data(tab.model.index(row, tab.model.column_of(key)))


def test_agenda_opens_on_the_next_event_and_flags_what_is_imminent(tab):
    assert tab.model.rowCount() == 10 and "10 event(s)" in tab.count_label.text()
    current = tab.current_row()
    assert current.title == "SG report on Carana due (second of the cycle)"
    row = tab.model.row_of(current.id)
    assert _cell(tab, row, "when") == "in 20 day(s)"
    # The window is 21 days by default: 20 days away is imminent; the briefing in 34 days is
    # not yet; the past events of the demo are done (grey), none is late.
    assert tab.model.state(current) == "imminent"
    assert "1 imminent (next 21 days)" in tab.imminent_label.text()
    assert "past and not done" not in tab.imminent_label.text()
    past = tab.model.row_at(0)
    assert past.done and tab.model.state(past) == "done"
    # The demo's preparation for it: three tasks, one done, with their owners.
    detail = tab.detail.toPlainText()
    assert "Preparation (2 of 3 open)" in detail
    assert "\u2611 Political section, first draft \u2014 Claire Dubois-Nyerere" in detail
    assert _cell(tab, row, "tasks") == "2 open / 3"
    assert _cell(tab, row, "owners") == "Mei Lin Tan, Lt. Gen. Rajan Menon"


def test_imminent_follows_the_mission_setting(tab, ctx):
    from missiondesk.services.mission_settings import set_setting

    assert tab.model.window == 21
    with ctx.handle.unit_of_work() as uow:
        set_setting(uow, cycle_service.IMMINENT_SETTING, 10)
    assert tab.model.window == 10
    assert tab.model.state(tab.current_row()) == ""      # 20 days away: not yet
    assert tab.imminent_label.text() == ""
    with ctx.handle.unit_of_work() as uow:
        set_setting(uow, cycle_service.IMMINENT_SETTING, 40)
    assert tab.model.state(tab.current_row()) == "imminent"
    assert "2 imminent (next 40 days)" in tab.imminent_label.text()
    # The window typed in the tab is the mission's setting, undoable.
    tab.window_days.setValue(30)
    tab.set_window()
    assert tab.model.window == 30 and "1 imminent (next 30 days)" in tab.imminent_label.text()
    ctx.undo_stack.undo()
    assert tab.model.window == 40 and tab.window_days.value() == 40


def test_preparation_tasks_with_owners_edit_and_undo(tab, ctx, monkeypatch):
    current = tab.current_row()
    tasks = (ChecklistTask("Benchmarks annex", "Marguerite Adjovi"),
             ChecklistTask("Political section", None, True))
    assert tab.actions.edit(current, {**current.values(), "tasks": tasks}) is None
    row = tab.model.row_of(current.id)
    assert _cell(tab, row, "tasks") == "1 open / 2"
    assert _cell(tab, row, "owners") == "Marguerite Adjovi"
    html = tab.detail.toPlainText()
    assert "Preparation (1 of 2 open)" in html and "Benchmarks annex" in html
    # The form shows them and gives them back as they are.
    form = CycleEventForm(tab, tab.current_row().values(), lambda v: None, creating=False,
                          owners=["Marguerite Adjovi"])
    assert form.values()["tasks"] == tasks
    form.deleteLater()
    ctx.undo_stack.undo()
    assert tab.model.row_at(tab.model.row_of(current.id)).tasks == current.tasks
    assert len(current.tasks) == 3


def test_mark_done_is_undoable(tab, ctx):
    current = tab.current_row()
    tab.toggle_done()
    assert tab.current_row().id == current.id
    assert tab.current_row().done and tab.done_button.text() == "Reopen"
    ctx.undo_stack.undo()
    assert not tab.current_row().done and tab.done_button.text() == "Mark Done"


def test_generate_from_dates_preview_create_undo_and_never_twice(tab, ctx, qtbot):
    from missiondesk.services import mandate as mandate_service

    mandates = mandate_service.list_mandates(ctx.handle)
    dialog = GenerateCycleDialog(tab, ctx, mandates, mandates[0].id)
    qtbot.addWidget(dialog)
    dialog.every.setValue(120)                     # the demo's four-monthly reports
    kept = [p for p in dialog.planned if not p.is_new]
    new = [p for p in dialog.planned if p.is_new]
    # Reports at 120 and 240 days match the demo's first two (within 10 days), the
    # TCC/PCC meeting and the renewal are there too.
    assert {p.kind for p in kept} >= {"sg_report_due", "renewal", "tcc_meeting"}
    assert dialog.summary.text() == "%d new event(s) to create, %d already in the calendar." \
        % (len(new), len(kept))
    assert dialog.preview.rowCount() == len(dialog.planned)
    assert dialog.preview.item(0, 3).text().startswith("kept: SG report on Carana due")
    dialog.create()
    assert dialog.created == len(new) > 0
    assert tab.model.rowCount() == 10 + len(new)
    assert cycle_service.mission_rhythm(ctx.handle).report_every_days == 120
    # Again: everything is in the calendar now, nothing to create.
    again = GenerateCycleDialog(tab, ctx, mandates, mandates[0].id)
    qtbot.addWidget(again)
    assert all(not p.is_new for p in again.planned)
    assert not again.create_button.isEnabled()
    # One undo step takes the generated events away, redo brings them back.
    ctx.undo_stack.undo()
    assert tab.model.rowCount() == 10
    ctx.undo_stack.redo()
    assert tab.model.rowCount() == 10 + len(new)


def test_a_stale_generation_undo_is_refused_with_a_message(tab, ctx, qtbot, monkeypatch):
    from missiondesk.services import mandate as mandate_service

    warnings = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: warnings.append(a[2]))
    mandates = mandate_service.list_mandates(ctx.handle)
    dialog = GenerateCycleDialog(tab, ctx, mandates, mandates[0].id)
    qtbot.addWidget(dialog)
    dialog.create()
    created = [r for r in cycle_service.list_cycle_events(ctx.handle)
               if r.title.startswith("SG report 1 of the cycle")][0]
    with ctx.handle.unit_of_work() as uow:  # someone edits a generated event meanwhile
        cycle_service.update_cycle_event(uow, created.id, expected_revision=created.revision,
                                         title="Renamed elsewhere")
    ctx.undo_stack.undo()
    assert warnings and "changed since" in warnings[0]
    assert any(r.title == "Renamed elsewhere" for r in cycle_service.list_cycle_events(
        ctx.handle))


def test_new_event_form_creates_and_refuses_a_blank_title(tab, ctx, monkeypatch):
    seen = {}

    def fake_ask(cls, parent, values, submit, *, creating, mandates=(), owners=()):
        seen["blank"] = submit({**values, "title": None, "kind": "tcc_meeting"})
        seen["ok"] = submit({**values, "title": "TCC/PCC informal meeting",
                             "kind": "tcc_meeting",
                             "due_on": date.today() + timedelta(days=3),
                             "tasks": (ChecklistTask("Troop caveats note", "Amara Sesay"),)})
        return True

    monkeypatch.setattr(CycleEventForm, "ask", classmethod(fake_ask))
    tab.new_event()
    assert seen["blank"] == "Title is required."
    assert seen["ok"] is None
    assert tab.current_row().title == "TCC/PCC informal meeting"
    assert tab.current_row().tasks[0].owner == "Amara Sesay"
    ctx.undo_stack.undo()
    assert tab.model.rowCount() == 10


# --- consultations --------------------------------------------------------------------------


@pytest.fixture
def consultations(qtbot, ctx):
    from missiondesk.ui.mandate.consultations import ConsultationsTab

    widget = ConsultationsTab()
    qtbot.addWidget(widget)
    widget.resize(1180, 760)
    widget.attach(ctx)
    widget.show()
    yield widget
    widget.detach()


def test_consultations_log_latest_first_with_filters(consultations, qtbot):
    tab = consultations
    assert tab.model.rowCount() == 9 and "9 consultation(s)" in tab.count_label.text()
    dates = [tab.model.row_at(i).held_on for i in range(9)]
    assert dates == sorted(dates, reverse=True)
    # The pen-holder's renewal options: two follow-ups, one still open, with owners.
    penholder = next(tab.model.row_at(i) for i in range(9)
                     if tab.model.row_at(i).counterpart_type == "penholder"
                     and "options" in (tab.model.row_at(i).summary or ""))
    row = tab.model.row_of(penholder.id)
    follow_column = tab.model.column_of("follow_ups")
    assert tab.model.data(tab.model.index(row, follow_column)) == "1 / 2"
    tab.select_id(penholder.id)
    assert "Follow-ups (1 open)" in tab.record.toPlainText()
    assert "Send the options paper on a conditions-based drawdown \u2014 Daniel Osei" in \
        tab.record.toPlainText()
    tab.type_filter.setCurrentIndex(tab.type_filter.findData("penholder"))
    assert tab.model.rowCount() == 2 and tab.count_label.text() == "2 of 9"
    assert {tab.model.row_at(i).counterpart_type for i in range(2)} == {"penholder"}
    tab.type_filter.setCurrentIndex(0)
    tab.topic_filter.setCurrentIndex(tab.topic_filter.findData("MLCS track"))
    assert tab.model.rowCount() == 2
    tab.topic_filter.setCurrentIndex(0)
    tab.words.setText("drawdown")
    qtbot.waitUntil(lambda: tab.model.rowCount() == 2, timeout=2000)


def test_summary_groups_by_topic_and_by_counterpart_type_and_follows_filters(consultations):
    tab = consultations
    by_topic = tab.summary_view.toPlainText()
    assert "9 of 9 consultation(s) put forward inputs" in by_topic
    assert "benchmarks (2)" in by_topic and "MLCS track (2)" in by_topic
    assert by_topic.index("benchmarks (2)") < by_topic.index("caveats (1)")
    tab.group_by.setCurrentIndex(tab.group_by.findData("counterpart_type"))
    by_type = tab.summary_view.toPlainText()
    # In the vocabulary's order, each with its count.
    order = [by_type.index(h) for h in ("Group of Friends (2)", "Pen-holder (2)",
                                        "TCC/PCC (2)", "Host government (1)",
                                        "Regional organisation (1)", "Civil society (1)")]
    assert order == sorted(order)
    tab.type_filter.setCurrentIndex(tab.type_filter.findData("civil_society"))
    assert "1 of 1 consultation(s)" in tab.summary_view.toPlainText()
    assert "Pen-holder" not in tab.summary_view.toPlainText()


def test_new_consultation_with_follow_ups_then_undo(consultations, ctx, monkeypatch):
    from missiondesk.ui.mandate.consultations import ConsultationForm

    tab = consultations
    answers = {}

    def fake_ask(cls, parent, values, submit, *, creating, members=(), topics=()):
        form = cls(parent, values, submit, creating=creating, members=members, topics=topics)
        form.counterpart_type.setCurrentIndex(
            form.counterpart_type.findData("peacebuilding_commission"))
        form.counterpart_name.setText("PBC Carana configuration chair")
        form.topics.setText("transition; Benchmarks")
        form.inputs.setPlainText("Keep peacebuilding tasks in the next mandate.")
        row = form.follow_ups.add_task()
        form.follow_ups.table.item(row, 0).setText("Share the transition plan")
        form.follow_ups.table.cellWidget(row, 1).setCurrentText(members[0][0])
        answers["values"] = form.values()
        answers["problem"] = submit(answers["values"])
        form.deleteLater()
        return answers["problem"] is None

    monkeypatch.setattr(ConsultationForm, "ask", classmethod(fake_ask))
    tab.new_consultation()
    assert answers["problem"] is None
    created = tab.current_row()
    assert created.counterpart_name == "PBC Carana configuration chair"
    assert created.topics == ("transition", "Benchmarks")
    assert created.follow_ups[0].text == "Share the transition plan"
    assert created.follow_ups[0].owner == answers["values"]["follow_ups"][0].owner
    assert "Peacebuilding Commission" in tab.record.toPlainText()
    # The new input joins the demo's "benchmarks" topic in the summary.
    assert "benchmarks (3)" in tab.summary_view.toPlainText()
    ctx.undo_stack.undo()
    assert tab.model.rowCount() == 9
    assert "benchmarks (2)" in tab.summary_view.toPlainText()


# --- the Overview flags imminent Council events ------------------------------------------------


def test_overview_flags_imminent_council_events(qtbot, ctx):
    from missiondesk.services.mission_settings import set_setting
    from missiondesk.ui.overview.desk import OverviewDesk

    overview = OverviewDesk()
    qtbot.addWidget(overview)
    overview.resize(1180, 760)
    overview.attach(ctx)
    overview.show()
    overview.load_imminent()
    qtbot.waitUntil(lambda: overview.council.isVisible(), timeout=5000)
    assert "Council cycle, next 21 day(s):" in overview.council.text()
    assert "Council briefing" not in overview.council.text()     # 34 days away
    with ctx.handle.unit_of_work() as uow:
        set_setting(uow, cycle_service.IMMINENT_SETTING, 10)
    overview.load_imminent()
    qtbot.waitUntil(lambda: overview.council.isHidden(), timeout=5000)
    with ctx.handle.unit_of_work() as uow:
        set_setting(uow, cycle_service.IMMINENT_SETTING, 40)
    overview.load_imminent()
    qtbot.waitUntil(lambda: overview.council.isVisible(), timeout=5000)
    text = overview.council.text()
    assert "Council cycle, next 40 day(s):" in text
    assert "SG report on Carana due (second of the cycle)</a> (SG report due, in 20 day(s))" \
        in text
    assert "Council briefing and consultations on Carana" in text
    opened = []
    overview.open_record = lambda kind, rid: opened.append((kind, rid))
    event = cycle_service.imminent_events(ctx.handle)[0]
    overview.council.linkActivated.emit(event.id)
    assert opened == [("mandate", event.id)]
    overview.detach()
    assert overview.council.isHidden()


def test_a_council_event_and_a_consultation_open_in_the_mandate_desk(qtbot, demo_file,
                                                                     monkeypatch):
    from missiondesk.services.consultations import list_consultations
    from missiondesk.ui.dialogs import Identity, IdentityDialog
    from missiondesk.ui.main_window import MainWindow
    from missiondesk.ui.settings import Settings

    monkeypatch.setattr(IdentityDialog, "choose", classmethod(
        lambda cls, parent, members: Identity(members[0].id, members[0].name,
                                              members[0].role)))
    window = MainWindow(Settings())
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    assert window.open_path(demo_file, passphrase=PASSPHRASE)
    try:
        handle = window.ctx.handle
        event = cycle_service.list_cycle_events(handle)[0]          # a past one
        assert window.show_record("mandate", event.id)
        desk = window.desk("mandate")
        assert desk.tabs.currentWidget() is desk.tab("cycle")
        assert desk.tab("cycle").current_id() == event.id
        consultation = list_consultations(handle)[-1]
        assert window.show_record("mandate", consultation.id)
        assert desk.tabs.currentWidget() is desk.tab("consultations")
        assert desk.tab("consultations").current_id() == consultation.id
    finally:
        window.close_mission()


def test_topics_complete_after_the_last_separator(qtbot):
    from PySide6.QtWidgets import QLineEdit

    from missiondesk.ui.mandate.consultations import TopicCompleter

    edit = QLineEdit()
    qtbot.addWidget(edit)
    completer = TopicCompleter(["benchmarks", "MLCS track"], edit)
    edit.setCompleter(completer)
    edit.setText("renewal; mlc")
    assert completer.splitPath(edit.text()) == ["mlc"]
    completer.setCompletionPrefix("mlc")
    assert completer.completionCount() == 1
    completer.setCurrentRow(0)
    chosen = completer.completionModel().mapToSource(completer.currentIndex())
    assert completer.pathFromIndex(chosen) == "renewal; MLCS track"


def test_both_models_pass_the_model_tester(tab, consultations, qtmodeltester):
    tab.model.sort(tab.model.column_of("tasks"), Qt.SortOrder.DescendingOrder)
    qtmodeltester.check(tab.model)
    consultations.model.sort(consultations.model.column_of("follow_ups"),
                             Qt.SortOrder.DescendingOrder)
    qtmodeltester.check(consultations.model)
