"""The Communications desk on the Carana demo (offscreen): tabs built when first shown; the plan
matrix edited in place (a messenger typed in its cell, a channel chosen), each edit one undo
step; a key message's French text edited beside its English and undone; a refused validity
said in the editor; coverage read in the background; Qt's model tester on the registers."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QUndoStack
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractItemDelegate, QComboBox, QLineEdit

from missiondesk.services import comms, comms_messages, comms_plan
from missiondesk.store.handle import open_mission
from missiondesk.ui.communications.desk import CommunicationsDesk
from missiondesk.ui.context import MissionBus, MissionContext
from tests.conftest import PASSPHRASE

MINE = ("objectives", "audiences", "messages", "plan", "coverage")


@pytest.fixture
def ctx(demo_file):
    handle = open_mission(demo_file, PASSPHRASE)
    handle.set_user(None, "Comms Officer")
    bus = MissionBus()
    handle.add_listener(bus.relay)
    yield MissionContext(handle, QUndoStack(), bus)
    handle.close()


@pytest.fixture
def desk(qtbot, ctx):
    widget = CommunicationsDesk()
    qtbot.addWidget(widget)
    widget.resize(1180, 760)
    widget.attach(ctx)
    widget.show()
    yield widget
    widget.detach()


def test_tabs_are_built_when_first_shown_and_attached(desk, ctx):
    assert set(MINE) <= set(desk.keys())
    assert list(desk.tabs.built) == [desk.keys()[0]]  # only the tab shown
    plan = desk.select_tab("plan")
    assert plan._ctx is ctx and desk.tabs.currentWidget() is plan
    assert desk.tabs.tabText(desk.keys().index("plan")) == "Plan"


def test_the_plan_matrix_is_edited_in_place_each_edit_one_undo_step(desk, ctx, qtbot):
    plan = desk.select_tab("plan")
    # the demo's plan: 13 lines, audience by message by channel, messenger and timing
    n = plan.model.rowCount()
    assert n == 13 and plan.count_label.text() == "13 line(s)"
    assert not plan.empty.isVisibleTo(plan)
    first = plan.model.lines[0]
    assert (first.channel, first.messenger) == ("radio", "Radio Paix Maldosa with Civil Affairs")
    plan.add_line()
    qtbot.waitUntil(lambda: plan.model.rowCount() == n + 1)
    line = plan.model.lines[n]  # a new line comes last
    assert line.channel == "radio" and line.messenger is None

    # type a messenger in its cell, as a user does
    index = plan.model.index(n, 3)
    plan.table.setCurrentIndex(index)
    plan.table.edit(index)
    editor = plan.table.viewport().findChild(QLineEdit)
    QTest.keyClicks(editor, "Force Commander")
    QTest.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: plan.model.index(n, 3).data() == "Force Commander")

    # choose a channel from its list
    index = plan.model.index(n, 2)
    plan.table.setCurrentIndex(index)
    plan.table.edit(index)
    combo = plan.table.viewport().findChild(QComboBox)
    combo.setCurrentIndex(combo.findData("community_meeting"))
    plan.table.commitData(combo)
    plan.table.closeEditor(combo, QAbstractItemDelegate.EndEditHint.NoHint)
    qtbot.waitUntil(lambda: plan.model.index(n, 2).data() == "Community meeting")
    stored = comms_plan.list_plan(ctx.handle)[n]
    assert (stored.channel, stored.messenger) == ("community_meeting", "Force Commander")

    assert ctx.undo_stack.count() == 3  # add, messenger, channel
    ctx.undo_stack.undo()
    qtbot.waitUntil(lambda: plan.model.index(n, 2).data() == "Radio")
    assert plan.model.index(n, 3).data() == "Force Commander"
    ctx.undo_stack.undo()
    qtbot.waitUntil(lambda: plan.model.index(n, 3).data() == "")
    ctx.undo_stack.undo()
    qtbot.waitUntil(lambda: plan.model.rowCount() == n)
    assert len(comms_plan.list_plan(ctx.handle)) == n
    ctx.undo_stack.redo()
    qtbot.waitUntil(lambda: plan.model.rowCount() == n + 1)


def test_a_refused_cell_says_why_and_keeps_the_file(desk, ctx, qtbot, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    plan = desk.select_tab("plan")
    n = plan.model.rowCount()
    plan.add_line()
    qtbot.waitUntil(lambda: plan.model.rowCount() == n + 1)
    said = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *args: said.append(args[2]))
    assert not plan.model.setData(plan.model.index(n, 4), "x" * 201)
    assert said and "Timing is too long" in said[0]
    assert comms_plan.list_plan(ctx.handle)[n].timing is None
    assert ctx.undo_stack.count() == 1


def _select_message(tab, english_start: str) -> None:
    for row in range(tab.model.rowCount()):
        if tab.model.row_at(row).text("en").startswith(english_start):
            tab.table.selectRow(row)
            return
    raise AssertionError("no message starting %r" % english_start)


def test_a_french_text_is_edited_beside_the_english_and_undone(desk, ctx, qtbot):
    tab = desk.select_tab("messages")
    assert tab.model.rowCount() == 15
    _select_message(tab, "UNAC cannot be present in every village")
    current = tab.current_row()
    english, french = current.text("en"), current.text("fr")
    assert tab.editor.english.toPlainText() == english
    assert tab.editor.french.toPlainText() == french  # side by side in the editor
    row = tab.model.row_of(current.id)
    assert tab.model.index(row, tab.model.column_of("fr")).data() == french

    new = "La MINUAC ne peut pas être présente dans chaque village à toute heure."
    tab.editor.french.setPlainText(new)
    qtbot.mouseClick(tab.editor.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: tab.current_row().text("fr") == new)
    row = tab.model.row_of(current.id)
    assert tab.model.index(row, tab.model.column_of("fr")).data() == new
    assert tab.model.index(row, tab.model.column_of("en")).data() == english
    assert tab.editor.french.toPlainText() == new
    assert tab.editor.english.toPlainText() == english
    assert ctx.undo_stack.count() == 1

    ctx.undo_stack.undo()
    qtbot.waitUntil(lambda: tab.current_row().text("fr") == french)
    assert tab.editor.french.toPlainText() == french
    stored = {m.id: m.text("fr") for m in comms_messages.list_messages(ctx.handle)}
    assert stored[current.id] == french


def test_a_new_message_and_a_refused_validity(desk, ctx, qtbot):
    tab = desk.select_tab("messages")
    qtbot.mouseClick(tab.new_button, Qt.MouseButton.LeftButton)
    tab.editor.kind.setCurrentIndex(tab.editor.kind.findData("cannot_do"))
    tab.editor.english.setPlainText("The mission cannot escort every convoy.")
    tab.editor.french.setPlainText("La mission ne peut escorter chaque convoi.")
    tab.editor.valid_from.setText("2026-06-01")
    tab.editor.valid_until.setText("2026-05-01")
    assert tab.save() == "Valid until must be on or after the date the message is valid from."
    assert tab.editor.error.isVisibleTo(tab) and tab.model.total_count() == 15
    tab.editor.valid_until.setText("2026-12-31")
    tab.editor.approved.setChecked(True)  # fills in who and when
    assert tab.editor.approved_by.text() == "Comms Officer"
    assert tab.save() is None
    qtbot.waitUntil(lambda: tab.model.total_count() == 16)
    row = tab.current_row()
    assert (row.kind, row.text("fr"), row.approved_by) == (
        "cannot_do", "La mission ne peut escorter chaque convoi.", "Comms Officer")
    tab.kind_filter.setCurrentIndex(tab.kind_filter.findData("cannot_do"))
    assert {tab.model.row_at(i).kind for i in range(tab.model.rowCount())} == {"cannot_do"}


def test_coverage_is_read_in_the_background_and_names_the_gaps(desk, ctx, qtbot):
    tab = desk.select_tab("coverage")
    qtbot.waitUntil(lambda: tab.model.total_count() == 15, timeout=10000)
    tab.select_id(next(tab.model.row_at(i).audience_id for i in range(tab.model.rowCount())
                       if tab.model.row_at(i).name == "Communities in Leppko"))
    text = tab.detail.toPlainText()
    assert "0 of 4 planned messages heard" in text  # the demo logs no message delivered
    assert "The Kalari Treaty is working where it is applied" in text


def test_the_registers_pass_qts_model_tester(desk, qtmodeltester):
    for key in ("objectives", "audiences", "messages"):
        qtmodeltester.check(desk.select_tab(key).model)
    plan = desk.select_tab("plan")
    plan.add_line()
    qtmodeltester.check(plan.model)


def test_an_audience_gains_a_member_from_its_form_and_undo_takes_it_back(desk, ctx, qtbot):
    from missiondesk.ui.communications.audiences import AudienceForm

    tab = desk.select_tab("audiences")
    tab.select_id(next(a.id for a in comms.list_audiences(ctx.handle)
                       if a.name == "Tatsi and Caran diaspora"))
    current = tab.current_row()
    assert len(current.stakeholder_ids) == 1
    form = AudienceForm(tab, tab._form_values({**current.values(), "id": current.id}),
                        lambda values: tab.actions.edit(current, values), creating=False)
    qtbot.addWidget(form)
    QTest.keyClicks(form.members.filter, "minister of foreign")
    shown = [form.members.list.item(i) for i in range(form.members.list.count())
             if not form.members.list.item(i).isHidden()]
    assert len(shown) == 1
    shown[0].setCheckState(Qt.CheckState.Checked)
    form._accept()
    assert form.result() == form.DialogCode.Accepted
    qtbot.waitUntil(lambda: len(tab.current_row().stakeholder_ids) == 2)
    assert shown[0].text() in tab.detail.toPlainText()
    ctx.undo_stack.undo()
    qtbot.waitUntil(lambda: len(tab.current_row().stakeholder_ids) == 1)


def test_an_objective_is_created_serving_a_benchmark_and_shown_by_id(desk, ctx, qtbot):
    tab = desk.select_tab("objectives")
    benchmark = comms.objective_link_choices(ctx.handle).benchmarks[0]
    assert tab.create_and_select({"title": "Explain the benchmarks on radio",
                                  "benchmark_id": benchmark[0]}) is None
    row = tab.current_row()
    assert (row.title, row.benchmark_statement) == ("Explain the benchmarks on radio",
                                                    benchmark[1])
    assert "Explain the benchmarks on radio" in tab.detail.toPlainText()
    desk.select_tab("plan")
    assert desk.show_record(row.id) and desk.tabs.currentWidget() is tab
