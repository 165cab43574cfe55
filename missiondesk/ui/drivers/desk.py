"""The Drivers desk: drivers of conflict and of peace, their stakeholders and their trend.

Three tabs: the register with the selected driver's detail (a `ListDetailDesk`; every write
goes on the undo stack through `RecordActions`), the drivers × stakeholders matrix, and the
balance of conflict and peace drivers by domain (matplotlib, imported the first time the tab
is shown). Only services calls; no SQL.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex
from PySide6.QtWidgets import QMessageBox, QTabWidget, QVBoxLayout, QWidget

from missiondesk.labels import driver_domain_label, driver_kind_label, trend_label
from missiondesk.store.errors import MissionError
from missiondesk.store.vocab import DriverDomain, DriverKind, Trend
from missiondesk.ui.drivers.detail import DriverDetailPanel
from missiondesk.ui.drivers.forms import AssessmentDialog, DriverDialog, LinkDialog
from missiondesk.ui.drivers.matrix import MatrixPage
from missiondesk.ui.drivers.model import DriverMatrixModel, DriverTableModel
from missiondesk.ui.framework.commands import (
    CreateRecordCommand,
    DeleteRecordCommand,
    RecordActions,
)
from missiondesk.ui.framework.desk import ListDetailDesk, filter_combo

if TYPE_CHECKING:
    from missiondesk.services.drivers import DriverDetail, DriverRow
    from missiondesk.ui.context import MissionContext

__all__ = ["AssessmentDialog", "DriverDialog", "DriverMatrixModel", "DriverTableModel",
           "DriversDesk", "LinkDialog"]

#: Tables whose changes this desk shows.
WATCHED = ("drivers", "driver_stakeholders", "driver_assessments", "stakeholders")


@dataclass(frozen=True)
class _Step:
    """What an undo step needs back from a write: the record id and the revision to expect."""

    id: str
    revision: int


def _service():
    from missiondesk.services import drivers

    return drivers


class DriversDesk(ListDetailDesk):
    WATCHED = WATCHED
    SIZES = (690, 470)
    LIST_TAB, MATRIX_TAB, CHART_TAB = range(3)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(DriverTableModel(), parent, row_height=26, detail=DriverDetailPanel())
        self.model.setParent(self)
        self._detail: DriverDetail | None = None
        self._matrix_stale = self._chart_stale = True
        self.canvas = None  # the chart's FigureCanvasQTAgg, built when first shown
        service = _service()
        self.actions = RecordActions(
            self, lambda: self._ctx,
            create=service.create_driver, update=service.update_driver,
            delete=service.delete_driver, restore=service.restore_driver,
            texts={"create": self.tr("New driver"), "edit": self.tr("Edit driver"),
                   "delete": self.tr("Delete driver")})

        self.new_button = self.button(self.tr("New\u2026"), self.new_driver)
        self.edit_button = self.button(self.tr("Edit\u2026"), self.edit_driver)
        self.delete_button = self.button(self.tr("Delete"), self.delete_driver)
        self.link_button = self.button(self.tr("Link Stakeholder\u2026"), self.link_stakeholder)
        self.assess_button = self.button(self.tr("Record Assessment\u2026"),
                                         self.record_assessment)
        self.export_list_button = self.button(self.tr("Export\u2026"), self.export_list)
        self.add_buttons(self.new_button, self.edit_button, self.delete_button,
                         self.link_button, self.assess_button, stretch=True)
        self.toolbar.addWidget(self.count_label)
        self.toolbar.addWidget(self.export_list_button)
        self.table.doubleClicked.connect(lambda _index: self.edit_driver())
        self.detail.unlink_button.clicked.connect(self.remove_link)
        self.detail.links.itemSelectionChanged.connect(self.update_buttons)

        self.kind_filter = filter_combo(self.tr("All kinds"), (
            (driver_kind_label(k.value), k.value) for k in DriverKind))
        self.domain_filter = filter_combo(self.tr("All domains"), (
            (driver_domain_label(d.value), d.value) for d in DriverDomain))
        self.trend_filter = filter_combo(self.tr("All trends"), (
            (trend_label(t.value), t.value) for t in Trend))
        self._filters = (("kind", self.kind_filter), ("domain", self.domain_filter),
                         ("trend", self.trend_filter))
        for _field, combo in self._filters:
            combo.currentIndexChanged.connect(self._filters_changed)
            self.filters.addWidget(combo, 1)
        self.filters.addStretch(2)

        # The filters, the register and its detail become the first of three tabs (the
        # filters apply to the register only).
        self.matrix_page = MatrixPage()
        self.matrix_model = self.matrix_page.model
        self.matrix = self.matrix_page.view
        self.matrix.doubleClicked.connect(self._matrix_double_clicked)
        self.export_matrix_button = self.matrix_page.export_button
        self.export_matrix_button.clicked.connect(self.export_matrix)
        self.chart_page = QWidget()
        self.chart_layout = QVBoxLayout(self.chart_page)
        self.chart_layout.setContentsMargins(0, 0, 0, 0)
        self.tabs = QTabWidget()
        self.layout().replaceWidget(self.splitter, self.tabs)
        self.layout().removeItem(self.filters)
        self.filters.setParent(None)
        list_page = QWidget()
        list_layout = QVBoxLayout(list_page)
        list_layout.addLayout(self.filters)
        list_layout.addWidget(self.splitter, 1)
        self.tabs.addTab(list_page, self.tr("Drivers"))
        self.tabs.addTab(self.matrix_page, self.tr("Matrix"))
        self.tabs.addTab(self.chart_page, self.tr("Chart by domain"))
        self.tabs.currentChanged.connect(self._tab_shown)
        self.update_buttons()

    # --- the register and its detail ------------------------------------------------------

    def load(self, ctx: MissionContext) -> list:
        return _service().list_drivers(ctx.handle)

    def refresh(self) -> None:
        """Reload the register (keeping the selection), then the tab shown."""
        super().refresh()
        if self._ctx is not None:
            self._matrix_stale = self._chart_stale = True
            self._tab_shown(self.tabs.currentIndex())

    def count_text(self) -> str:
        shown, total = self.model.shown_count(), self.model.total_count()
        return self.tr("%n driver(s)", "", total) if shown == total else super().count_text()

    def on_detached(self) -> None:
        self.matrix_model.set_matrix(None)
        self._drop_canvas()
        for _field, combo in self._filters:  # another mission starts unfiltered
            combo.blockSignals(True)
            combo.setCurrentIndex(0)
            combo.blockSignals(False)
        self.model.set_filter(None)

    def _filters_changed(self) -> None:
        """Show the drivers of the chosen kind, domain and trend; keep the selected one
        when it still shows."""
        wanted = {field: combo.currentData() for field, combo in self._filters
                  if combo.currentData() is not None}
        keep = self.current_id()
        self.model.set_filter((lambda r: all(getattr(r, f) == v for f, v in wanted.items()))
                              if wanted else None)
        self._reselect(keep)

    def select_driver(self, driver_id: str) -> bool:
        if self.model.row_of(driver_id) < 0:
            return False
        self.tabs.setCurrentIndex(self.LIST_TAB)
        return self.select_id(driver_id)

    def show_detail(self, row: DriverRow | None) -> None:
        detail = None
        if row is not None and self._ctx is not None:
            try:
                detail = _service().get_driver(self._ctx.handle, row.id)
            except MissionError:
                detail = None
        self._detail = detail
        if detail is None:
            self.detail.empty.setText(self.placeholder(
                self.tr("Select a driver to see its stakeholders, its assessments and its "
                        "history."),
                self.tr("No drivers yet. New\u2026 adds a driver of conflict or of peace: "
                        "its trend, its severity and the stakeholders it involves.")))
        self.detail.show_driver(detail)

    def update_buttons(self) -> None:
        has_mission = self._ctx is not None
        has_driver = has_mission and self._detail is not None
        for button in (self.new_button, self.export_list_button, self.export_matrix_button):
            button.setEnabled(has_mission)
        for button in (self.edit_button, self.delete_button, self.link_button,
                       self.assess_button):
            button.setEnabled(has_driver)
        self.detail.unlink_button.setEnabled(has_driver
                                             and self.detail.selected_link() is not None)

    # --- writes (each on the undo stack) ------------------------------------------------------

    def new_driver(self) -> None:
        if self._ctx is None:
            return
        from missiondesk.services import mission as mission_service

        default = mission_service.get_mission(self._ctx.handle).default_classification
        DriverDialog.ask(self, {"trend": "unknown", "severity": 3, "classification": default},
                         self.submit_new, creating=True)

    def submit_new(self, values: dict) -> str | None:
        """Create a driver from the form (undoable); the error sentence if refused."""
        return self.create_and_select(values)

    def edit_driver(self) -> None:
        if self._ctx is None or self._detail is None:
            return
        detail = self._detail
        DriverDialog.ask(self, {**detail.values(), "id": detail.id},
                         lambda values: self.actions.edit(detail, values), creating=False)

    def delete_driver(self) -> None:
        if self._ctx is None or self._detail is None:
            return
        detail = self._detail
        self.confirm_delete(detail, self.tr("Delete Driver"), self.tr(
            "Delete \u201c{name}\u201d? Undo brings it back.").format(name=detail.name))

    def link_stakeholder(self) -> None:
        if self._ctx is None or self._detail is None:
            return
        detail = self._detail
        linked = {link.stakeholder_id for link in detail.links}
        choices = [c for c in _service().stakeholder_choices(self._ctx.handle)
                   if c[0] not in linked]
        LinkDialog.ask(self, detail.name, choices,
                       lambda values: self.submit_link(detail.id, values))

    def submit_link(self, driver_id: str, values: dict) -> str | None:
        """Link a stakeholder with a role (undoable); the error sentence if refused."""
        service = _service()
        return self.actions.push(CreateRecordCommand(
            self._ctx, self.tr("Link stakeholder"),
            create=lambda uow: service.link_stakeholder(
                uow, driver_id, values["stakeholder_id"], values["role"], values.get("note")),
            delete=lambda uow, rid, rev: service.unlink(uow, rid, expected_revision=rev),
            restore=lambda uow, rid, rev: service.restore_link(uow, rid, expected_revision=rev),
            on_error=self.actions.show_undo_error))

    def remove_link(self) -> None:
        link = self.detail.selected_link()
        if self._ctx is None or link is None:
            return
        service = _service()
        problem = self.actions.push(DeleteRecordCommand(
            self._ctx, self.tr("Remove stakeholder link"), record_id=link.id,
            revision=link.revision,
            delete=lambda uow, rid, rev: service.unlink(uow, rid, expected_revision=rev),
            restore=lambda uow, rid, rev: service.restore_link(uow, rid, expected_revision=rev),
            on_error=self.actions.show_undo_error))
        if problem:
            QMessageBox.warning(self, self.tr("Remove Link"), problem)

    def record_assessment(self) -> None:
        if self._ctx is None or self._detail is None:
            return
        detail = self._detail
        AssessmentDialog.ask(self, detail.name,
                             {"trend": detail.trend, "severity": detail.severity,
                              "assessed_on": date.today()},
                             lambda values: self.submit_assessment(detail, values))

    def submit_assessment(self, detail: DriverDetail, values: dict) -> str | None:
        """Record a dated assessment (undoable: undo withdraws it and puts back the trend
        and severity it replaced); the error sentence if refused."""
        service = _service()
        before = {"trend": detail.trend, "severity": detail.severity}

        def create(uow):
            view = service.record_driver_assessment(
                uow, detail.id, expected_revision=detail.revision, **values)
            return _Step(view.id, view.driver_revision)

        def withdraw(uow, assessment_id, rev):
            view = service.withdraw_driver_assessment(uow, assessment_id,
                                                      expected_revision=rev)
            if {"trend": view.trend, "severity": view.severity} != before:
                view = service.update_driver(uow, detail.id,
                                             expected_revision=view.revision, **before)
            return view

        return self.actions.push(CreateRecordCommand(
            self._ctx, self.tr("Record assessment"), create=create, delete=withdraw,
            restore=lambda uow, aid, rev: service.restore_driver_assessment(
                uow, aid, expected_revision=rev),
            on_error=self.actions.show_undo_error))

    # --- matrix and chart -----------------------------------------------------------------

    def _tab_shown(self, index: int) -> None:
        if self._ctx is None:
            return
        if index == self.MATRIX_TAB and self._matrix_stale:
            self.refresh_matrix()
        elif index == self.CHART_TAB and self._chart_stale:
            self.refresh_chart()

    def refresh_matrix(self) -> None:
        self.matrix_model.set_matrix(_service().driver_matrix(self._ctx.handle))
        self._matrix_stale = False

    def _matrix_double_clicked(self, index: QModelIndex) -> None:
        driver_id = self.matrix_model.driver_id(index.row()) if index.isValid() else None
        if driver_id is not None:
            self.select_driver(driver_id)

    def chart_labels(self) -> dict:
        return {
            "conflict": self.tr("Conflict drivers, dividers and triggers"),
            "peace": self.tr("Peace drivers and connectors"),
            "worsening": self.tr("worsening"),
            "improving": self.tr("improving"),
            "trend": self.tr("Trend"),
            "count": self.tr("Number of drivers"),
            "empty": self.tr("No drivers recorded yet."),
            "domains": {d.value: driver_domain_label(d.value) for d in DriverDomain},
        }

    def refresh_chart(self) -> None:
        # matplotlib loads here, the first time the chart is shown, not at start-up.
        from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg

        from missiondesk.figures.drivers_chart import drivers_by_domain_figure

        figure = drivers_by_domain_figure(
            _service().drivers_by_domain(self._ctx.handle),
            title=self.tr("Drivers of conflict and of peace, by domain"),
            labels=self.chart_labels())
        self._drop_canvas()
        self.canvas = FigureCanvasQTAgg(figure)
        self.chart_layout.addWidget(self.canvas)
        self._chart_stale = False

    def _drop_canvas(self) -> None:
        if self.canvas is not None:
            self.chart_layout.removeWidget(self.canvas)
            self.canvas.setParent(None)
            self.canvas.deleteLater()
            self.canvas = None
        self._chart_stale = True

    # --- exports (the rows as shown, marked with their highest classification) --------------

    def list_export_rows(self) -> tuple[list[str], list[list[str]], list[str]]:
        return self.model.export_rows()

    def export_list(self) -> None:
        self.export_view(self.tr("drivers") + ".xlsx")

    def matrix_export_rows(self) -> tuple[list[str], list[list[str]], str]:
        if self._ctx is not None and (self._matrix_stale or self.matrix_model.matrix() is None):
            self.refresh_matrix()
        return self.matrix_model.export_rows(self.tr("Driver"))

    def export_matrix(self) -> None:
        from missiondesk.ui.framework.table_export import export_rows

        headers, rows, level = self.matrix_export_rows()
        export_rows(self, self.tr("drivers-matrix") + ".xlsx", headers, rows, level)
