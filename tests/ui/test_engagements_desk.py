"""The Engagements desk on the Carana demo (offscreen): the log of 174, filters narrowing it in
SQL, the detail, the full editor (a title edit shows in the log; undo puts it back), the
confirmation for a do-not-engage counterpart (No saves nothing, Yes saves), delete and undo,
and Qt's model tester on the paged log."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QUndoStack
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QDialogButtonBox, QMessageBox
from sqlalchemy import select

from missiondesk.services import engagements as service
from missiondesk.services.engagements import EngagementFilter
from missiondesk.store.handle import open_mission
from missiondesk.store.schema import Stakeholder
from missiondesk.ui.context import MissionBus, MissionContext
from missiondesk.ui.engagements.desk import EngagementsDesk
from missiondesk.ui.engagements.editor import EngagementEditor
from missiondesk.ui.engagements.model import EngagementTableModel
from missiondesk.ui.framework.table_model import Page
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
def desk(qtbot, ctx):
    widget = EngagementsDesk()
    qtbot.addWidget(widget)
    widget.resize(1366, 768)
    widget.attach(ctx)
    widget.show()
    yield widget
    widget.detach()


def _all_rows(desk) -> list:
    while desk.model.canFetchMore():
        desk.model.fetchMore()
    return [desk.model.row_at(i) for i in range(desk.model.rowCount())]


def test_the_log_shows_the_demo_newest_first(desk):
    rows = _all_rows(desk)
    assert len(rows) == 174
    assert "174" in desk.count_label.text()
    starts = [r.starts_at for r in rows]
    assert starts == sorted(starts, reverse=True)
    assert desk.current_row() is not None  # the newest is selected and shown
    assert desk.current_row().title in desk.detail.toPlainText()


def test_filters_narrow_the_log(desk, qtbot):
    everything = _all_rows(desk)
    desk.format.setCurrentIndex(desk.format.findData("phone_video"))
    rows = _all_rows(desk)
    assert 0 < len(rows) < 174 and all(r.format == "phone_video" for r in rows)
    desk.format.setCurrentIndex(0)
    desk.political.setCurrentIndex(desk.political.findData(False))
    rows = _all_rows(desk)
    assert rows and all(not r.political for r in rows)
    desk.political.setCurrentIndex(0)
    some = everything[3]
    desk.member.setCurrentIndex(desk.member.findData(some.lead_id))
    rows = _all_rows(desk)
    assert some.id in [r.id for r in rows] and len(rows) < 174
    desk.member.setCurrentIndex(0)
    stakeholder = some.counterpart_ids[0]
    desk.stakeholder.setCurrentIndex(desk.stakeholder.findData(stakeholder))
    rows = _all_rows(desk)
    assert rows and all(stakeholder in r.counterpart_ids for r in rows)
    desk.stakeholder.setCurrentIndex(0)
    word = some.title.split()[0]
    QTest.keyClicks(desk.text, word)
    qtbot.waitUntil(lambda: some.id in [r.id for r in _all_rows(desk)]
                    and len(_all_rows(desk)) < 174)
    desk.text.clear()
    qtbot.waitUntil(lambda: len(_all_rows(desk)) == 174)


def test_sorting_a_column_asks_the_service(desk):
    column = desk.model.column_of("title")
    desk.table.sortByColumn(column, Qt.SortOrder.AscendingOrder)
    titles = [r.title.lower() for r in _all_rows(desk)]
    assert titles == sorted(titles)


def _editor_for_current(desk, monkeypatch, qtbot, change):
    """Open the full editor on the selected engagement, let `change` edit it, press Save."""
    opened = {}

    def ask(cls, parent, handle, values, submit, *, creating):
        dialog = cls(parent, handle, values, submit, creating=creating)
        qtbot.addWidget(dialog)
        opened["dialog"] = dialog
        change(dialog)
        dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()
        return dialog.result() == dialog.DialogCode.Accepted

    monkeypatch.setattr(EngagementEditor, "ask", classmethod(ask))
    desk.edit_button.click()
    return opened["dialog"]


def test_editing_a_title_shows_in_the_log_and_undo_puts_it_back(desk, ctx, monkeypatch,
                                                                qtbot):
    row = desk.current_row()
    old = row.title

    def change(dialog):
        dialog.title.clear()
        QTest.keyClicks(dialog.title, "Renamed meeting")

    monkeypatch.setattr(EngagementEditor, "confirm_flags", classmethod(lambda *a: True))
    _editor_for_current(desk, monkeypatch, qtbot, change)
    assert desk.current_id() == row.id
    assert desk.current_row().title == "Renamed meeting"
    title_column = desk.model.column_of("title")
    shown = desk.model.index(desk.table.currentIndex().row(), title_column).data()
    assert shown == "Renamed meeting"
    ctx.undo_stack.undo()
    assert service.get_engagement(ctx.handle, row.id).title == old
    assert desk.current_row().title == old


def _flag_do_not_engage(ctx, stakeholder_id: str) -> None:
    with ctx.handle.unit_of_work() as uow:
        s = uow.session.get(Stakeholder, stakeholder_id)
        s.do_not_engage = True
        s.engagement_constraints = "Only through the Force Commander"


def test_a_do_not_engage_counterpart_asks_first(desk, ctx, monkeypatch, qtbot):
    with ctx.handle.session() as session:
        clean = session.scalars(select(Stakeholder.id).where(
            Stakeholder.do_not_engage.is_(False), Stakeholder.sanctioned.is_(False),
            Stakeholder.hrddp_flag.is_(False)).order_by(Stakeholder.name)).first()
    _flag_do_not_engage(ctx, clean)
    row = desk.current_row()
    before = service.get_engagement(ctx.handle, row.id)
    asked = []

    def refuse(cls, parent, flags):
        asked.append([(f.name, f.do_not_engage, f.reason) for f in flags])
        return False

    def add_flagged(dialog):
        dialog.counterparts.set_checked(clean)
        assert not dialog.badges.isHidden()
        assert "DO NOT ENGAGE" in dialog.badges.text()

    monkeypatch.setattr(EngagementEditor, "confirm_flags", classmethod(refuse))
    dialog = _editor_for_current(desk, monkeypatch, qtbot, add_flagged)
    assert asked and asked[0][-1][1] is True
    assert asked[0][-1][2] == "Only through the Force Commander"
    assert dialog.isVisible() or dialog.result() != dialog.DialogCode.Accepted
    assert "Not saved" in dialog.error.text()
    after = service.get_engagement(ctx.handle, row.id)
    assert after.revision == before.revision and clean not in after.counterpart_ids

    monkeypatch.setattr(EngagementEditor, "confirm_flags", classmethod(lambda *a: True))
    _editor_for_current(desk, monkeypatch, qtbot, add_flagged)
    saved = service.get_engagement(ctx.handle, row.id)
    assert clean in saved.counterpart_ids
    assert "DO NOT ENGAGE" in desk.detail.toPlainText()


def test_new_in_the_full_editor_then_delete_and_undo(desk, ctx, monkeypatch, qtbot):
    def ask(cls, parent, handle, values, submit, *, creating):
        dialog = cls(parent, handle, values, submit, creating=creating)
        qtbot.addWidget(dialog)
        QTest.keyClicks(dialog.title, "Breakfast with the Mayor")
        dialog.format.setCurrentIndex(dialog.format.findData("informal"))
        dialog.texts["outcomes"].setPlainText("The mayor will open the market road")
        dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()
        return True

    monkeypatch.setattr(EngagementEditor, "ask", classmethod(ask))
    monkeypatch.setattr(EngagementEditor, "confirm_flags", classmethod(lambda *a: True))
    desk.full_button.click()
    assert service.count_engagements(ctx.handle, EngagementFilter()) == 175
    created = desk.current_row()
    assert created.title == "Breakfast with the Mayor"
    assert created.outcome_excerpt == "The mayor will open the market road"
    monkeypatch.setattr(QMessageBox, "question",
                        staticmethod(lambda *a, **k: QMessageBox.StandardButton.Yes))
    desk.delete_button.click()
    assert service.count_engagements(ctx.handle, EngagementFilter()) == 174
    ctx.undo_stack.undo()
    assert service.count_engagements(ctx.handle, EngagementFilter()) == 175
    assert desk.select_engagement(created.id)


def test_the_paged_log_passes_the_model_tester(ctx, qtmodeltester):
    model = EngagementTableModel()
    handle = ctx.handle
    model.set_source(lambda offset: Page(
        service.page_engagements(handle, EngagementFilter(), offset=offset, limit=50),
        offset + 50 < 174))
    qtmodeltester.check(model)
    assert model.rowCount() >= 50


# --- one clock, and orders an index serves ----------------------------------------------------


@pytest.fixture
def lagos_ctx(tmp_path):
    """A mission an hour ahead of UTC (Africa/Lagos, no summer time) with one team member."""
    from missiondesk.store.handle import NewMission, create_mission
    from missiondesk.store.schema import TeamMember

    handle = create_mission(tmp_path / "lagos.mdesk", None,
                            NewMission(name="Lagos", time_zone="Africa/Lagos"))
    handle.set_user(None, "Desk tester")
    with handle.unit_of_work() as uow:
        member = TeamMember(name="Ana Lead", role="OTHER")
        uow.add(member)
    bus = MissionBus()
    handle.add_listener(bus.relay)
    yield MissionContext(handle, QUndoStack(), bus)
    handle.close()


def test_nine_local_is_nine_in_the_log_and_the_editor_and_eight_utc_in_the_file(
        qtbot, lagos_ctx, monkeypatch):
    from datetime import datetime

    from PySide6.QtCore import QDate, QDateTime, QTime, QTimeZone

    desk = EngagementsDesk()
    qtbot.addWidget(desk)
    desk.attach(lagos_ctx)

    def fill(dialog):
        QTest.keyClicks(dialog.title, "Morning call with the governor")
        dialog.starts.setDateTime(QDateTime(QDate(2025, 3, 4), QTime(9, 0), QTimeZone.utc()))
        dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()

    def ask(cls, parent, handle, values, submit, *, creating):
        dialog = cls(parent, handle, values, submit, creating=creating)
        qtbot.addWidget(dialog)
        assert "Africa/Lagos" in dialog.form.labelForField(dialog.starts).text()
        fill(dialog)
        return True

    monkeypatch.setattr(EngagementEditor, "ask", classmethod(ask))
    monkeypatch.setattr(EngagementEditor, "confirm_flags", classmethod(lambda *a: True))
    desk.new_in_full_editor()
    row = desk.model.row_at(0)
    assert row.title == "Morning call with the governor"
    assert row.starts_at == datetime(2025, 3, 4, 8, 0)          # stored in UTC
    assert desk.model.index(0, desk.model.column_of("starts_at")).data() == "2025-03-04 09:00"
    assert "2025-03-04 09:00 (Africa/Lagos)" in desk.detail.toPlainText()
    seen = {}

    def look(cls, parent, handle, values, submit, *, creating):
        dialog = cls(parent, handle, values, submit, creating=creating)
        qtbot.addWidget(dialog)  # the editor opened on the record shows the local time
        seen["start"] = dialog.starts.dateTime().toString("yyyy-MM-dd HH:mm")
        return False

    monkeypatch.setattr(EngagementEditor, "ask", classmethod(look))
    desk.edit_button.click()
    assert seen["start"] == "2025-03-04 09:00"
    assert service.get_engagement(lagos_ctx.handle, row.id).starts_at == datetime(
        2025, 3, 4, 8, 0)
    desk.detach()


def test_a_header_no_index_orders_keeps_the_order(desk):
    title = desk.model.column_of("title")
    desk.table.sortByColumn(title, Qt.SortOrder.AscendingOrder)
    before = [desk.model.row_at(i).id for i in range(20)]
    desk.table.sortByColumn(desk.model.column_of("lead_name"), Qt.SortOrder.AscendingOrder)
    assert [desk.model.row_at(i).id for i in range(20)] == before
    assert desk.table.horizontalHeader().sortIndicatorSection() == title
    desk.refresh()  # a change in the mission reloads the log: still by title
    assert [desk.model.row_at(i).id for i in range(20)] == before
    assert desk.model.service_sort() == ("title", False)
