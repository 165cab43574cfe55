"""The Drivers desk driven on the Carana demo (offscreen): list, detail, forms, undo,
validation messages, the matrix and the chart."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QMessageBox

from missiondesk.services import drivers as driver_service
from missiondesk.store.handle import open_mission
from missiondesk.ui.context import MissionBus, MissionContext
from missiondesk.ui.drivers.desk import (
    AssessmentDialog,
    DriverDialog,
    DriverMatrixModel,
    DriversDesk,
    DriverTableModel,
    LinkDialog,
)
from missiondesk.ui.framework.table_model import ID_ROLE
from tests.conftest import PASSPHRASE

TATSI = "Tatsi exclusion from the army and the state"


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
    widget = DriversDesk()
    qtbot.addWidget(widget)
    widget.resize(1180, 760)
    widget.attach(ctx)
    widget.show()
    yield widget
    widget.detach()


def _names(desk) -> list[str]:
    return [desk.model.row_at(i).name for i in range(desk.model.rowCount())]


def _select(desk, name: str) -> None:
    row = _names(desk).index(name)
    desk.table.selectRow(row)


def test_table_shows_the_demo_drivers_and_sorts_in_the_model(desk):
    assert desk.model.rowCount() == 19
    assert TATSI in _names(desk)
    assert desk.count_label.text() == "19 driver(s)"
    trend = desk.model.column_of("trend")
    desk.table.sortByColumn(trend, Qt.SortOrder.AscendingOrder)
    assert desk.model.index(0, trend).data().endswith("Worsening")
    severity = desk.model.column_of("severity")
    desk.table.sortByColumn(severity, Qt.SortOrder.DescendingOrder)
    assert desk.model.index(0, severity).data() == "5"


def test_table_model_passes_the_model_tester(qtmodeltester, ctx):
    model = DriverTableModel()
    model.set_rows(driver_service.list_drivers(ctx.handle))
    qtmodeltester.check(model)
    model.sort(model.column_of("last_assessed"), Qt.SortOrder.DescendingOrder)
    model.set_filter(lambda r: r.kind == "conflict_driver")
    qtmodeltester.check(model)
    assert model.index(0, 0).data(ID_ROLE) == model.row_at(0).id


def test_matrix_model_passes_the_model_tester(qtmodeltester, ctx):
    model = DriverMatrixModel()
    model.set_matrix(driver_service.driver_matrix(ctx.handle))
    assert model.rowCount() == 19 and model.columnCount() == 45
    qtmodeltester.check(model)
    model.set_matrix(None)
    qtmodeltester.check(model)


def test_sorting_keeps_the_selected_driver(desk):
    """A click on a header re-sorts the register; the driver selected stays selected (it
    used to stay on the same row number, showing another driver beside the old detail)."""
    _select(desk, TATSI)
    headers = [desk.model.headerData(c, Qt.Orientation.Horizontal)
               for c in range(desk.model.columnCount())]
    desk.table.sortByColumn(headers.index("Severity"), Qt.SortOrder.DescendingOrder)
    current = desk.model.row_at(desk.table.currentIndex().row())
    assert current.name == TATSI
    assert [i.row() for i in desk.table.selectionModel().selectedRows()] == \
        [desk.model.row_of(current.id)]
    assert desk.detail.title.text() == TATSI


def test_filters_narrow_the_register_its_count_and_its_export(desk, ctx):
    """Kind, domain and trend filters: the register, the count and Export follow them; the
    selected driver stays selected while it still shows; a reopened mission is unfiltered."""
    _select(desk, TATSI)
    desk.kind_filter.setCurrentIndex(desk.kind_filter.findData("conflict_driver"))
    assert desk.model.rowCount() == 10
    assert {desk.model.row_at(i).kind for i in range(10)} == {"conflict_driver"}
    assert desk.count_label.text() == "10 of 19"
    assert desk.detail.title.text() == TATSI  # still shown: still selected
    desk.trend_filter.setCurrentIndex(desk.trend_filter.findData("worsening"))
    assert sorted(_names(desk)) == [
        "Drought and water stress in Leppko",
        "IDP pressure and urban crime in Corma, Maldosa and Eres",
        "Land disputes on IDP return", TATSI]
    desk.domain_filter.setCurrentIndex(desk.domain_filter.findData("land"))
    assert _names(desk) == ["Land disputes on IDP return"]
    assert desk.detail.title.text() == "Land disputes on IDP return"  # TATSI went
    headers, rows, _levels = desk.list_export_rows()
    assert [row[0] for row in rows] == ["Land disputes on IDP return"]
    desk.detach()
    assert desk.kind_filter.currentData() is None and desk.domain_filter.currentData() is None
    desk.attach(ctx)
    assert desk.model.rowCount() == 19 and desk.count_label.text() == "19 driver(s)"


def test_a_link_needs_a_stakeholder_from_the_list(desk, ctx, qtbot):
    _select(desk, TATSI)
    dialog = LinkDialog(desk, TATSI, [("s1", "Someone")], desk.submit_link)
    qtbot.addWidget(dialog)
    dialog.stakeholder.setEditText("Nobody we know")
    dialog._accept()
    assert dialog.error.text() == "Choose a stakeholder from the list."
    assert ctx.undo_stack.count() == 0


def test_selecting_a_driver_fills_the_detail(desk):
    _select(desk, TATSI)
    assert desk.detail.title.text() == TATSI
    assert desk.detail.fact_values["kind"].text() == "Conflict driver"
    assert "Worsening" in desk.detail.fact_values["trend"].text()
    assert desk.detail.fact_values["regions"].text() == "Leppko, Amsa"
    items = [desk.detail.links.topLevelItem(i)
             for i in range(desk.detail.links.topLevelItemCount())]
    links = [(item.text(0), item.text(1)) for item in items]
    assert ("Tatsi Elders' Assembly (Corma)", "Affected") in links
    assert links[0][1] == "Drives"
    assert desk.detail.assessments.text().count("severity") == 3
    assert "Good offices on CDF promotions" in desk.detail.text.text()


def test_new_driver_through_the_form_then_undo_and_redo(desk, ctx, monkeypatch):
    def ask(cls, parent, values, submit, *, creating):
        assert creating and values["classification"] == "CONFIDENTIAL"  # the mission's
        return submit({**values, "name": "Cattle raiding on the plateau", "kind": "trigger",
                       "level": "immediate", "domain": "resources", "regions": ["Leppko"],
                       "severity": 4}) is None

    monkeypatch.setattr(DriverDialog, "ask", classmethod(ask))
    desk.new_button.click()
    assert "Cattle raiding on the plateau" in _names(desk)
    assert desk.detail.title.text() == "Cattle raiding on the plateau"  # selected
    assert ctx.undo_stack.count() == 1
    ctx.undo_stack.undo()
    assert "Cattle raiding on the plateau" not in _names(desk)
    ctx.undo_stack.redo()
    assert "Cattle raiding on the plateau" in _names(desk)


def test_a_validation_error_is_shown_in_the_form(desk, ctx, qtbot):
    dialog = DriverDialog(desk, {"trend": "unknown", "severity": 3}, desk.submit_new,
                          creating=True)
    qtbot.addWidget(dialog)
    dialog.kind.setCurrentIndex(dialog.kind.findData("conflict_driver"))
    dialog._accept()
    assert dialog.error.text() == "Name is required."
    assert dialog.error.isVisibleTo(dialog)
    assert dialog.result() != dialog.DialogCode.Accepted
    dialog.name.setText("Charcoal trade")
    dialog._accept()
    assert dialog.error.text() == "Level is required."
    assert ctx.undo_stack.count() == 0 and desk.model.rowCount() == 19


def test_edit_changes_only_what_differs_and_undo_restores_it(desk, ctx, monkeypatch):
    _select(desk, TATSI)

    def ask(cls, parent, values, submit, *, creating):
        return submit({**values, "time_horizon": "Before the elections",
                       "regions": ["Leppko", "Amsa", "Eres"]}) is None

    monkeypatch.setattr(DriverDialog, "ask", classmethod(ask))
    desk.edit_button.click()
    assert desk.detail.fact_values["time_horizon"].text() == "Before the elections"
    assert desk.detail.fact_values["regions"].text() == "Leppko, Amsa, Eres"
    ctx.undo_stack.undo()
    assert desk.detail.fact_values["time_horizon"].text().startswith("Years")
    assert desk.detail.fact_values["regions"].text() == "Leppko, Amsa"


def test_delete_then_undo(desk, ctx, monkeypatch):
    _select(desk, TATSI)
    monkeypatch.setattr(QMessageBox, "question",
                        staticmethod(lambda *a, **k: QMessageBox.StandardButton.Yes))
    desk.delete_button.click()
    assert TATSI not in _names(desk)
    ctx.undo_stack.undo()
    assert TATSI in _names(desk)


def test_link_a_stakeholder_and_see_it_in_matrix(desk, ctx, monkeypatch):
    _select(desk, TATSI)
    chosen = {}

    def ask(cls, parent, driver_name, choices, submit):
        assert driver_name == TATSI
        sid, name = next(c for c in choices if "Interfaith" in c[1])
        chosen["name"] = name
        return submit({"stakeholder_id": sid, "role": "mitigates", "note": None}) is None

    monkeypatch.setattr(LinkDialog, "ask", classmethod(ask))
    desk.link_button.click()
    items = [desk.detail.links.topLevelItem(i)
             for i in range(desk.detail.links.topLevelItemCount())]
    roles = {item.text(0): item.text(1) for item in items}
    assert roles[chosen["name"]] == "Mitigates"
    ctx.undo_stack.undo()
    assert desk.detail.links.topLevelItemCount() == 5


def test_assessment_updates_the_trend_and_undo_puts_it_back(desk, ctx, monkeypatch):
    _select(desk, "Trusted local radio")
    assert "Improving" in desk.detail.fact_values["trend"].text()

    def ask(cls, parent, driver_name, current, submit):
        return submit({**current, "trend": "worsening", "severity": 4,
                       "note": "Station burnt in Eres"}) is None

    monkeypatch.setattr(AssessmentDialog, "ask", classmethod(ask))
    desk.assess_button.click()
    assert "Worsening" in desk.detail.fact_values["trend"].text()
    assert "Station burnt in Eres" in desk.detail.assessments.text()
    ctx.undo_stack.undo()
    assert "Improving" in desk.detail.fact_values["trend"].text()
    assert "Station burnt" not in desk.detail.assessments.text()
    ctx.undo_stack.redo()
    assert "Worsening" in desk.detail.fact_values["trend"].text()


def test_matrix_shows_the_role_of_a_known_link(desk):
    desk.tabs.setCurrentIndex(desk.MATRIX_TAB)
    model = desk.matrix_model
    rows = [model.headerData(r, Qt.Orientation.Vertical) for r in range(model.rowCount())]
    columns = [model.headerData(c, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole)
               for c in range(model.columnCount())]
    index = model.index(rows.index(TATSI), columns.index("Tatsi Elders' Assembly (Corma)"))
    assert index.data() == "A"
    assert "Affected" in index.data(Qt.ItemDataRole.ToolTipRole)
    assert model.rowCount() == 19 and model.columnCount() == 45


def test_chart_tab_renders(desk, qtbot):
    assert desk.canvas is None  # matplotlib waits for the tab
    desk.tabs.setCurrentIndex(desk.CHART_TAB)
    assert desk.canvas is not None
    desk.canvas.draw()
    axes = desk.canvas.figure.axes[0]
    assert axes.get_title(loc="left") == "Drivers of conflict and of peace, by domain"
    assert "Identity" in [t.get_text() for t in axes.get_yticklabels()]
    qtbot.waitUntil(lambda: desk.canvas.isVisible())


def test_exports_follow_the_views_and_carry_their_classification(desk, tmp_path, monkeypatch):
    """The list and the matrix export as shown, marked with the highest level they hold."""
    from openpyxl import load_workbook
    from PySide6.QtWidgets import QFileDialog

    target = tmp_path / "drivers.xlsx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda *a, **k: (str(target), "")))
    headers, rows, levels = desk.list_export_rows()
    assert headers[0] == "Driver" and len(rows) == desk.model.rowCount()
    desk.export_list()
    sheet = load_workbook(target).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    marking = "STRICTLY CONFIDENTIAL" if "STRICTLY CONFIDENTIAL" in levels else "CONFIDENTIAL"
    assert any(marking in str(v) for v in values[0])
    assert any(row and row[0] == rows[0][0] for row in values)

    headers, rows, level = desk.matrix_export_rows()
    matrix = desk.matrix_model.matrix()
    assert len(headers) == len(matrix.stakeholders) + 1
    assert len(rows) == len(matrix.drivers)
    filled = sum(1 for row in rows for cell in row[1:] if cell)
    assert filled == len(matrix.cells)
    assert level in ("CONFIDENTIAL", "STRICTLY CONFIDENTIAL")


def test_text_typed_in_the_driver_form_is_kept_as_a_draft(desk, ctx, qtbot):
    """Nothing typed is lost: the driver form keeps its long text as an encrypted draft."""
    from missiondesk.services.drafts import drafts_for
    from missiondesk.ui.drivers.desk import DriverDialog

    detail = desk._detail or desk.select_driver(desk.model.rows()[0].id) and desk._detail
    dialog = DriverDialog(desk, {**detail.values(), "id": detail.id}, lambda values: None,
                          creating=False)
    qtbot.addWidget(dialog)
    dialog.mission_levers.setPlainText("Quiet talks with the Maldosa traders' committee")
    dialog._drafts.flush()
    kept = {d.key.field: d.text for d in drafts_for(ctx.handle, "drivers", detail.id)}
    assert kept == {"mission_levers": "Quiet talks with the Maldosa traders' committee"}


def test_undoing_a_link_someone_changed_since_says_why(desk, ctx, monkeypatch):
    """Undo never overwrites a later change: the link removed elsewhere is not removed
    again, the desk says why, and the step leaves the stack."""
    _select(desk, TATSI)
    sid, _name = next(c for c in driver_service.stakeholder_choices(ctx.handle)
                      if "Interfaith" in c[1])
    assert desk.submit_link(desk._detail.id, {"stakeholder_id": sid, "role": "mitigates",
                                              "note": None}) is None
    link = next(k for k in desk._detail.links if k.stakeholder_id == sid)
    with ctx.handle.unit_of_work() as uow:  # another desk removes it meanwhile
        driver_service.unlink(uow, link.id, expected_revision=link.revision)
    warnings = []
    monkeypatch.setattr(QMessageBox, "warning",
                        staticmethod(lambda parent, title, text: warnings.append(text)))
    ctx.undo_stack.undo()
    assert warnings == ["The record no longer exists."]
    assert ctx.undo_stack.count() == 0
    assert desk.detail.links.topLevelItemCount() == 5
