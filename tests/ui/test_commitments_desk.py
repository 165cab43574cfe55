"""The Commitments desk on the Carana demo (offscreen): the list and its filters, "My
follow-ups", overdue highlighting, marking fulfilled and undoing it, refused transitions,
the engagement gaps and the mission settings that move them; Qt's model tester."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QUndoStack
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QMessageBox

from missiondesk.services import commitments as service
from missiondesk.services.commitments import CommitmentFilter
from missiondesk.store.handle import open_mission
from missiondesk.ui.commitments.desk import CommitmentsDesk
from missiondesk.ui.commitments.form import MissionSettingsDialog
from missiondesk.ui.commitments.model import OVERDUE_BACKGROUND, CommitmentTableModel
from missiondesk.ui.context import MissionBus, MissionContext
from tests.conftest import PASSPHRASE


@pytest.fixture
def ctx(demo_file):
    handle = open_mission(demo_file, PASSPHRASE)
    # work as the owner of the most active commitments
    rows = service.page_commitments(handle, CommitmentFilter(status="active"), limit=500)
    owners = {}
    for r in rows:
        owners.setdefault((r.owner_id, r.owner_name), []).append(r)
    (member_id, member_name), _ = max(owners.items(), key=lambda kv: len(kv[1]))
    handle.set_user(member_id, member_name)
    bus = MissionBus()
    handle.add_listener(bus.relay)
    yield MissionContext(handle, QUndoStack(), bus)
    handle.close()


@pytest.fixture
def desk(qtbot, ctx):
    widget = CommitmentsDesk()
    qtbot.addWidget(widget)
    widget.resize(1366, 768)
    widget.attach(ctx)
    widget.show()
    yield widget
    widget.detach()


def _rows(desk):
    while desk.model.canFetchMore():
        desk.model.fetchMore()
    return [desk.model.row_at(i) for i in range(desk.model.rowCount())]


def test_the_list_shows_the_demo_and_filters_narrow_it(desk, qtbot):
    assert len(_rows(desk)) == 118 and "118" in desk.count_label.text()
    desk.status_filter.setCurrentIndex(desk.status_filter.findData("fulfilled"))
    assert {r.status for r in _rows(desk)} == {"fulfilled"} and len(_rows(desk)) == 43
    desk.status_filter.setCurrentIndex(0)
    desk.by_filter.setCurrentIndex(desk.by_filter.findData(True))
    assert len(_rows(desk)) == 53 and all(r.by_mission for r in _rows(desk))
    desk.by_filter.setCurrentIndex(0)
    QTest.keyClicks(desk.text_filter, "ICSC")
    qtbot.waitUntil(lambda: desk.model.rowCount() < 118)
    assert all("icsc" in (r.text + (r.verification or "") + (r.evidence or "")).lower()
               for r in _rows(desk))
    desk.clear_filters()
    assert len(_rows(desk)) == 118


def test_my_follow_ups_are_the_users_commitments(desk, ctx, qtbot):
    qtbot.mouseClick(desk.mine, Qt.MouseButton.LeftButton)
    assert desk.mine.isChecked()
    mine = _rows(desk)
    assert mine and {r.owner_id for r in mine} == {ctx.handle.user_id}
    assert not desk.owner_filter.isEnabled()
    expected = service.count_commitments(ctx.handle,
                                         CommitmentFilter(owner_id=ctx.handle.user_id))
    assert len(mine) == expected < 118


def test_overdue_rows_are_highlighted_with_a_tooltip(desk, ctx):
    row = next(r for r in _rows(desk) if r.status in ("open", "in_progress"))
    with ctx.handle.unit_of_work() as uow:
        service.update_commitment(uow, row.id, expected_revision=row.revision,
                                  due_date=date.today() - timedelta(days=4))
    assert desk.select_commitment(row.id)
    index = desk.model.index(desk.model.row_of(row.id), desk.model.column_of("text"))
    assert desk.model.data(index, Qt.ItemDataRole.BackgroundRole).color().name() == \
        OVERDUE_BACKGROUND
    assert desk.model.data(index, Qt.ItemDataRole.ToolTipRole) == "Overdue by 4 day(s)"
    assert "Overdue by 4 day(s)" in desk.detail.toPlainText()
    desk.overdue_only.setChecked(True)
    shown = _rows(desk)
    assert row.id in {r.id for r in shown} and all(r.overdue for r in shown)


def test_mark_fulfilled_then_undo(desk, ctx, qtbot):
    row = next(r for r in _rows(desk) if r.status == "in_progress")
    assert desk.select_commitment(row.id)
    assert desk.fulfilled_button.isEnabled()
    qtbot.mouseClick(desk.fulfilled_button, Qt.MouseButton.LeftButton)
    assert service.get_commitment(ctx.handle, row.id).status == "fulfilled"
    assert desk.current_row().status == "fulfilled"
    assert "Fulfilled" in desk.detail.toPlainText()
    assert not desk.fulfilled_button.isEnabled()  # fulfilled cannot be fulfilled again
    ctx.undo_stack.undo()
    assert service.get_commitment(ctx.handle, row.id).status == "in_progress"
    ctx.undo_stack.redo()
    assert service.get_commitment(ctx.handle, row.id).status == "fulfilled"


def test_the_status_menu_offers_only_the_workflow_and_a_refusal_is_shown(desk, ctx,
                                                                         monkeypatch):
    row = next(r for r in _rows(desk) if r.status == "fulfilled")
    assert desk.select_commitment(row.id)
    desk._fill_status_menu(desk.status_menu)
    assert [a.data() for a in desk.status_menu.actions()] == ["in_progress"]
    shown = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a: shown.append(a[2]))
    assert desk.change_status("breached") is not None  # not in the workflow
    assert shown and "cannot become" in shown[0]
    assert service.get_commitment(ctx.handle, row.id).status == "fulfilled"
    desk.status_menu.actions()[0].trigger()  # reopen
    assert service.get_commitment(ctx.handle, row.id).status == "in_progress"


def test_gaps_follow_the_settings_dialog(desk, ctx, monkeypatch):
    desk.show_gaps()
    before = desk.gaps_model.rowCount()
    assert before > 0 and "30 days" in desk.thresholds_label.text()

    def answer(parent, values, submit, *, creating):
        dialog = MissionSettingsDialog(parent, values, submit, creating=creating)
        dialog.fields["gap_days_a"].setValue(7)
        dialog.fields["gap_days_b"].setValue(14)
        dialog._accept()
        return True

    monkeypatch.setattr(MissionSettingsDialog, "ask", answer)
    desk.settings_button.click()
    assert "7 days" in desk.thresholds_label.text()
    assert desk.gaps_model.rowCount() > before
    ctx.undo_stack.undo()  # the settings change is undoable like any edit
    assert "30 days" in desk.thresholds_label.text()
    assert desk.gaps_model.rowCount() == before


def test_models_pass_qt_model_tester(desk, qtmodeltester):
    qtmodeltester.check(desk.model)
    desk.show_gaps()
    qtmodeltester.check(desk.gaps_model)
    assert isinstance(desk.model, CommitmentTableModel)
