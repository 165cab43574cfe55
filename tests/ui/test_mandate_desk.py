"""The Mandate desk driven offscreen: the demo's mandate, tasks, benchmarks, indicators and
board; a mandate built from nothing with tasks and benchmarks, an assessment that moves the
board and an undo that moves it back, a measurement that changes the chart and its undo, tasks
pasted from a resolution (preview, then created in one undo step), a stale undo refused, and
records opened from the main window."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QMessageBox

from missiondesk.services import mandate as service
from missiondesk.store.handle import open_mission
from missiondesk.ui.context import MissionBus, MissionContext
from missiondesk.ui.mandate import forms
from missiondesk.ui.mandate.common import mission_today
from missiondesk.ui.mandate.desk import MandateDesk
from missiondesk.ui.mandate.tasks import LinkBenchmarksDialog, PasteResolutionDialog
from tests.conftest import PASSPHRASE

EXTRACT = """\
S/RES/2811 (2027)
The Security Council,

Recalling its resolution 2799 (2026),

1.\tDecides to extend the mandate of UNAC until 2 May 2028;
2.\tDecides that UNAC's mandate shall include the following priority tasks:
(a)\tProtection of civilians:
(i)\tTo protect civilians under threat of physical violence, within its capabilities
and areas of deployment;
(ii)\tTo support the return of displaced people in Leppko;
(b)\tGood offices in support of the Kalari Treaty;
26-07731\t3/9
"""


def _context(handle) -> MissionContext:
    bus = MissionBus()
    handle.add_listener(bus.relay)
    return MissionContext(handle, QUndoStack(), bus)


@pytest.fixture
def demo_ctx(demo_file):
    handle = open_mission(demo_file, PASSPHRASE)
    handle.set_user(None, "Desk tester")
    yield _context(handle)
    handle.close()


@pytest.fixture
def plain_ctx(plain_mission):
    return _context(plain_mission)


def _desk(qtbot, ctx) -> MandateDesk:
    desk = MandateDesk()
    qtbot.addWidget(desk)
    desk.resize(1180, 760)
    desk.attach(ctx)
    desk.show()
    return desk


@pytest.fixture
def answer_forms(monkeypatch):
    """Forms answer with the values a test queues per form class (the first one each)."""
    queued: dict[type, list[dict]] = {}

    def ask(cls, parent, values, submit, *, creating):
        answer = queued[cls].pop(0)
        problem = submit({**{k: v for k, v in values.items() if not k.startswith("_")},
                          **answer})
        assert problem is None, problem
        return True

    for form in (forms.MandateForm, forms.TaskForm, forms.BenchmarkForm,
                 forms.AssessmentForm, forms.IndicatorForm, forms.MeasurementForm):
        monkeypatch.setattr(form, "ask", classmethod(ask))
    return queued


def _board_cell(board_tab, pillar: str, status: str) -> str:
    table = board_tab.table
    row = next(r for r in range(table.rowCount())
               if table.verticalHeaderItem(r).text() == pillar)
    column = list(service.STATUS_ORDER).index(status)
    return table.item(row, column).text()


# --- the demo -----------------------------------------------------------------------------------


def test_the_demo_mandate_fills_every_tab(qtbot, qtmodeltester, demo_ctx):
    desk = _desk(qtbot, demo_ctx)
    assert desk.choice.currentText().startswith("S/RES/2799")
    assert "pen-holder: France" in desk.details.text()
    # the demo expires 150 days after the day it was written (the mission's day may differ
    # from the writer's by the time zone)
    days = desk.mandate.days_left(mission_today(demo_ctx))
    assert days in (149, 150, 151)
    assert desk.countdown.text() == "%d day(s) left" % days
    tasks = desk.select_tab("tasks")
    assert tasks.model.total_count() == 15
    assert tasks.count_label.text().startswith("15 task(s)")
    benchmarks = desk.select_tab("benchmarks")
    assert benchmarks.model.total_count() == 10
    indicators = desk.select_tab("indicators")
    assert indicators.model.total_count() == 15
    assert sum(r.measurement_count for r in indicators.model.rows()) == 82
    for model in (tasks.model, benchmarks.model, indicators.model,
                  indicators.detail.measurements):
        qtmodeltester.check(model)
    board = desk.select_tab("board")
    assert board.table.item(board.table.rowCount() - 1, 6).text() == "10"
    assert board.since is not None and board.moves
    desk.detach()


def test_a_record_opens_in_its_tab(qtbot, demo_ctx):
    desk = _desk(qtbot, demo_ctx)
    mandate_id = desk.mandate.id
    indicator = service.list_indicators(demo_ctx.handle, mandate_id)[3]
    assert desk.show_record(indicator.id)
    assert desk.tabs.currentWidget() is desk.tab("indicators")
    assert desk.tab("indicators").current_row().id == indicator.id
    assert desk.tab("indicators").chart_values()  # its chart is drawn
    bench = service.list_benchmarks(demo_ctx.handle, mandate_id)[5]
    desk.tab("benchmarks").status_filter.setCurrentIndex(1)  # a filter that may hide it
    assert desk.show_record(bench.id)
    assert desk.tab("benchmarks").current_row().id == bench.id
    assert not desk.show_record("not-a-record")
    desk.detach()


# --- a mandate from nothing: tasks, benchmarks, an assessment, the board, undo -----------------


def test_build_a_mandate_assess_and_undo(qtbot, plain_ctx, answer_forms, monkeypatch):
    desk = _desk(qtbot, plain_ctx)
    assert "No mandate yet" in desk.details.text()
    tasks = desk.select_tab("tasks")
    assert not tasks.new_button.isEnabled()

    answer_forms[forms.MandateForm] = [{
        "resolution": "S/RES/2799 (2026)", "adopted_on": "2026-05-02",
        "expires_on": "2027-05-02", "penholder": "France", "summary": None,
        "classification": "UNCLASSIFIED"}]
    desk.new_mandate()
    assert desk.mandate is not None and desk.choice.currentText() == "S/RES/2799 (2026)"
    assert tasks.new_button.isEnabled()

    answer_forms[forms.TaskForm] = [
        {"paragraph": "OP 28(b)", "text": "Support the Joint Ceasefire Commission",
         "pillar": "Political process", "priority": True, "classification": "UNCLASSIFIED"},
        {"paragraph": "OP 28(a)", "text": "Use good offices for the Kalari Treaty",
         "pillar": "Political process", "priority": True, "classification": "UNCLASSIFIED"}]
    tasks.new_task()
    tasks.new_task()
    assert [tasks.model.row_at(i).paragraph for i in range(2)] == ["OP 28(a)", "OP 28(b)"]

    benchmarks = desk.select_tab("benchmarks")
    answer_forms[forms.BenchmarkForm] = [
        {"statement": "Fewer than 10 ceasefire violations a month for three months",
         "pillar": "Political process", "responsible_parties": "CDF, MPC, ICSC",
         "timeframe": "within 12 months", "classification": "UNCLASSIFIED"},
        {"statement": "Voluntary returns without return-related killings",
         "pillar": "Protection of civilians", "responsible_parties": None,
         "classification": "UNCLASSIFIED"}]
    benchmarks.new_benchmark()
    ceasefire = benchmarks.current_row()
    assert ceasefire.timeframe == "within 12 months"
    assert "within 12 months" in benchmarks.detail.toPlainText()
    benchmarks.new_benchmark()
    assert benchmarks.model.total_count() == 2

    # link a task to the ceasefire benchmark (undoable)
    tasks = desk.select_tab("tasks")
    tasks.select_id(tasks.model.row_at(1).id)  # OP 28(b)
    monkeypatch.setattr(LinkBenchmarksDialog, "choose",
                        classmethod(lambda cls, parent, task, items: [ceasefire.id]))
    tasks.link_benchmarks()
    assert tasks.current_row().benchmark_ids == (ceasefire.id,)
    assert "Fewer than 10 ceasefire violations" in tasks.detail.toPlainText()

    board = desk.select_tab("board")
    assert _board_cell(board, "Political process", "not_started") == "1"
    assert _board_cell(board, "Political process", "at_risk") == ""

    benchmarks = desk.select_tab("benchmarks")
    benchmarks.select_id(ceasefire.id)
    today = date.today().isoformat()
    answer_forms[forms.AssessmentForm] = [
        {"assessed_on": today, "status": "at_risk", "note": "Two months below 15"}]
    benchmarks.record_assessment()
    assert benchmarks.current_row().status == "at_risk"
    assert "Two months below 15" in benchmarks.detail.toPlainText()
    assert _board_cell(board, "Political process", "at_risk") == "1"
    assert _board_cell(board, "Political process", "not_started") == ""
    board.choose_since(date(2026, 1, 1))
    assert [(m.before, m.after) for m in board.moves] == [("not_started", "at_risk")]
    assert "Two months below 15" in board.moves_view.toPlainText()

    stack = plain_ctx.undo_stack
    assert stack.undoText().startswith("Assess benchmark")
    stack.undo()
    assert _board_cell(board, "Political process", "not_started") == "1"
    assert _board_cell(board, "Political process", "at_risk") == ""
    assert board.moves == []
    assert benchmarks.current_row().status == "not_started"
    stack.redo()
    assert _board_cell(board, "Political process", "at_risk") == "1"
    desk.detach()


def test_a_measurement_changes_the_chart_and_undo_changes_it_back(qtbot, plain_ctx,
                                                                   answer_forms):
    h = plain_ctx.handle
    with h.unit_of_work() as uow:
        m = service.create_mandate(uow, resolution="S/RES/2799 (2026)",
                                   adopted_on=date(2026, 5, 2))
        b = service.create_benchmark(uow, m.id, statement="Violations under 10 a month")
    desk = _desk(qtbot, plain_ctx)
    indicators = desk.select_tab("indicators")
    answer_forms[forms.IndicatorForm] = [{
        "benchmark_id": b.id, "name": "Verified violations per month", "baseline": "34",
        "target": "10", "direction": "decrease", "unit": "violations / month",
        "data_source": "JCC", "classification": "UNCLASSIFIED"}]
    indicators.new_indicator()
    assert indicators.current_row().name == "Verified violations per month"
    assert indicators.chart_values() == []
    answer_forms[forms.MeasurementForm] = [
        {"measured_on": "2026-06-01", "value": "31", "note": None},
        {"measured_on": "2026-07-01", "value": "19,5", "note": "after the Eres understanding"}]
    indicators.add_measurement()
    indicators.add_measurement()
    assert indicators.chart_values() == [31.0, 19.5]
    assert indicators.current_row().latest_value == 19.5
    assert indicators.detail.measurements.total_count() == 2
    plain_ctx.undo_stack.undo()
    assert indicators.chart_values() == [31.0]
    assert indicators.current_row().latest_value == 31.0
    plain_ctx.undo_stack.redo()
    assert indicators.chart_values() == [31.0, 19.5]
    desk.detach()


def test_a_bad_measurement_is_refused_in_words(qtbot, plain_ctx):
    h = plain_ctx.handle
    with h.unit_of_work() as uow:
        m = service.create_mandate(uow, resolution="S/RES/2799 (2026)")
        b = service.create_benchmark(uow, m.id, statement="Condition")
        ind = service.create_indicator(uow, benchmark_id=b.id, name="Returns")
    desk = _desk(qtbot, plain_ctx)
    indicators = desk.select_tab("indicators")
    problem = indicators.submit_measurement(ind.id, {"measured_on": "2026-06-01",
                                                     "value": "many", "note": None})
    assert problem == "Value: \u201cmany\u201d is not a number."
    assert service.list_measurements(h, ind.id) == []
    desk.detach()


def test_a_stale_assessment_undo_is_refused(qtbot, plain_ctx, answer_forms, monkeypatch):
    h = plain_ctx.handle
    with h.unit_of_work() as uow:
        m = service.create_mandate(uow, resolution="S/RES/2799 (2026)")
        b = service.create_benchmark(uow, m.id, statement="Condition")
    desk = _desk(qtbot, plain_ctx)
    benchmarks = desk.select_tab("benchmarks")
    answer_forms[forms.AssessmentForm] = [
        {"assessed_on": "2026-06-01", "status": "on_track", "note": None}]
    benchmarks.record_assessment()
    # a colleague (another desk) edits the benchmark meanwhile
    rev = service.list_benchmarks(h, m.id)[0].revision
    with h.unit_of_work() as uow:
        service.update_benchmark(uow, b.id, expected_revision=rev, pillar="Security")
    warnings = []
    monkeypatch.setattr(QMessageBox, "warning",
                        staticmethod(lambda parent, title, text: warnings.append(text)))
    plain_ctx.undo_stack.undo()
    assert len(warnings) == 1 and "changed since" in warnings[0]
    assert service.list_benchmarks(h, m.id)[0].status == "on_track"
    desk.detach()


# --- tasks pasted from a resolution -------------------------------------------------------


def test_paste_a_resolution_preview_then_create_and_undo(qtbot, plain_ctx):
    h = plain_ctx.handle
    with h.unit_of_work() as uow:
        m = service.create_mandate(uow, resolution="S/RES/2811 (2027)")
        service.create_task(uow, m.id, paragraph="1", text="Already a task")
    desk = _desk(qtbot, plain_ctx)
    tasks = desk.select_tab("tasks")
    existing = {service.paragraph_key(r.paragraph) for r in service.list_tasks(h, m.id)}
    dialog = PasteResolutionDialog(tasks, existing, tasks.create_pasted, "CONFIDENTIAL")
    qtbot.addWidget(dialog)
    dialog.text.setPlainText(EXTRACT)
    dialog.read_text()
    preview = [(dialog.preview.topLevelItem(i).text(0).strip(),
                dialog.preview.topLevelItem(i).checkState(0) == Qt.CheckState.Checked)
               for i in range(dialog.preview.topLevelItemCount())]
    assert preview == [("PP 1", False), ("OP 1", False), ("OP 2", True), ("OP 2(a)", True),
                       ("OP 2(a)(i)", True), ("OP 2(a)(ii)", True), ("OP 2(b)", True)]
    assert dialog.summary.text() == "5 of 6 operative paragraph(s) ticked"
    dialog.preview.topLevelItem(3).setCheckState(0, Qt.CheckState.Unchecked)  # the heading
    dialog.pillar.setText("Protection of civilians")
    assert dialog.create_button.isEnabled()
    dialog.create_button.click()
    assert dialog.result() == dialog.DialogCode.Accepted
    rows = service.list_tasks(h, m.id)
    assert [r.paragraph for r in rows] == ["1", "OP 2", "OP 2(a)(i)", "OP 2(a)(ii)", "OP 2(b)"]
    created = next(r for r in rows if r.paragraph == "OP 2(a)(i)")
    assert created.text == ("To protect civilians under threat of physical violence, within "
                            "its capabilities and areas of deployment;")
    assert (created.pillar, created.priority, created.classification) == (
        "Protection of civilians", True, "CONFIDENTIAL")
    assert tasks.model.total_count() == 5
    assert plain_ctx.undo_stack.undoText() == "Add 4 task(s) from the resolution"
    plain_ctx.undo_stack.undo()
    assert [r.paragraph for r in service.list_tasks(h, m.id)] == ["1"]
    assert tasks.model.total_count() == 1
    plain_ctx.undo_stack.redo()
    assert len(service.list_tasks(h, m.id)) == 5
    desk.detach()


def test_paste_with_nothing_operative_creates_nothing(qtbot, plain_ctx):
    with plain_ctx.handle.unit_of_work() as uow:
        service.create_mandate(uow, resolution="S/RES/2811 (2027)")
    desk = _desk(qtbot, plain_ctx)
    tasks = desk.select_tab("tasks")
    dialog = PasteResolutionDialog(tasks, set(), tasks.create_pasted)
    qtbot.addWidget(dialog)
    dialog.text.setPlainText("Recalling its resolution 2799 (2026),\n")
    dialog.read_text()
    assert not dialog.create_button.isEnabled()
    assert dialog.summary.text() == "0 of 0 operative paragraph(s) ticked"
    desk.detach()


# --- the main window -------------------------------------------------------------------------


def test_the_main_window_lists_the_desk_and_opens_a_benchmark(qtbot, demo_file, monkeypatch):
    from missiondesk.ui.dialogs import Identity, IdentityDialog
    from missiondesk.ui.main_window import MainWindow
    from missiondesk.ui.settings import Settings

    monkeypatch.setattr(IdentityDialog, "choose", classmethod(
        lambda cls, parent, members: Identity(members[0].id, members[0].name,
                                              members[0].role)))
    win = MainWindow(Settings())
    qtbot.addWidget(win)
    win.resize(1366, 768)
    win.show()
    assert win.open_path(demo_file, passphrase=PASSPHRASE)
    try:
        handle = win.ctx.handle
        bench = service.list_benchmarks(handle, service.list_mandates(handle)[0].id)[2]
        assert win.show_record("mandate", bench.id)
        desk = win.desk("mandate")
        assert desk.tabs.currentWidget() is desk.tab("benchmarks")
        assert desk.tab("benchmarks").current_row().id == bench.id
    finally:
        win.close_mission()
