"""The Indicators tab: the indicators of the mandate's benchmarks (baseline, target, direction,
unit, source, latest value); the selected one's trend chart and its dated measurements, which
New/Edit/Delete change on the undo stack (the chart follows, and changes back on undo)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from missiondesk.labels import classification_label
from missiondesk.store.errors import MissionError
from missiondesk.ui.framework.commands import RecordActions
from missiondesk.ui.framework.desk import filter_combo, record_table
from missiondesk.ui.framework.table_model import Column, RecordTableModel
from missiondesk.ui.mandate.common import MandateTab, esc, mission_today, number_text
from missiondesk.ui.mandate.labels import direction_label

if TYPE_CHECKING:
    from missiondesk.services.mandate import IndicatorRow
    from missiondesk.ui.context import MissionContext

WATCHED = ("indicators", "measurements", "benchmarks", "mandates")


def _t(text: str, n: int = -1) -> str:
    return QCoreApplication.translate("MandateIndicators", text, "", n)


def _service():
    from missiondesk.services import mandate

    return mandate


class IndicatorTableModel(RecordTableModel):
    COLUMNS = (
        Column("name", lambda: _t("Indicator"), 200, elastic=True),
        Column("latest_value", lambda: _t("Latest"), 60, align="right"),
        Column("baseline", lambda: _t("Baseline"), 64, align="right"),
        Column("target", lambda: _t("Target"), 56, align="right"),
        Column("direction", lambda: _t("Direction"), 74),
        Column("unit", lambda: _t("Unit"), 96),
        Column("latest_on", lambda: _t("Measured"), 86),
    )

    def display(self, row, key: str) -> str:
        if key in ("latest_value", "baseline", "target"):
            return number_text(getattr(row, key))
        if key == "direction":
            return direction_label(row.direction)
        if key == "latest_on":
            return row.latest_on.isoformat() if row.latest_on else ""
        return super().display(row, key)

    def sort_key(self, row, key: str):
        if key in ("latest_value", "baseline", "target"):
            return getattr(row, key)
        return super().sort_key(row, key)

    def tooltip(self, row, key: str) -> str | None:
        if key == "name":
            return "%s\n%s" % (row.name, row.benchmark_statement)
        return None


class MeasurementTableModel(RecordTableModel):
    COLUMNS = (
        Column("measured_on", lambda: _t("Date"), 92),
        Column("value", lambda: _t("Value"), 80, align="right"),
        Column("note", lambda: _t("Note"), 200, elastic=True),
    )

    def display(self, row, key: str) -> str:
        if key == "measured_on":
            return row.measured_on.isoformat()
        if key == "value":
            return number_text(row.value)
        return super().display(row, key)

    def sort_key(self, row, key: str):
        if key == "measured_on":
            return row.measured_on
        if key == "value":
            return row.value
        return super().sort_key(row, key)


class IndicatorDetail(QWidget):
    """The selected indicator: what it measures, its trend chart and its measurements."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMinimumWidth(300)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.summary.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.chart_host = QWidget()
        self.chart_layout = QVBoxLayout(self.chart_host)
        self.chart_layout.setContentsMargins(0, 0, 0, 0)
        self.chart_host.setMinimumHeight(220)
        self.measurements = MeasurementTableModel(self)
        self.table = record_table(self.measurements, row_height=22)
        self.table.sortByColumn(0, Qt.SortOrder.DescendingOrder)
        self.buttons = QHBoxLayout()
        lower = QWidget()
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 0, 0, 0)
        lower_layout.addLayout(self.buttons)
        lower_layout.addWidget(self.table, 1)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(self.chart_host)
        splitter.addWidget(lower)
        splitter.setSizes([330, 200])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.summary)
        layout.addWidget(splitter, 1)


class IndicatorsTab(MandateTab):
    """The indicators of the mandate's benchmarks and their measurements."""

    WATCHED = WATCHED
    SIZES = (660, 580)

    def __init__(self, parent: QWidget | None = None) -> None:
        detail = IndicatorDetail()
        super().__init__(IndicatorTableModel(), parent, detail=detail)
        self.model.setParent(self)
        self.canvas = None          # the chart's FigureCanvasQTAgg, built when first shown
        self.chart_figure = None    # the Figure it shows (for the brief and the tests)
        service = _service()
        self.actions = RecordActions(
            self, lambda: self._ctx, create=service.create_indicator,
            update=service.update_indicator, delete=service.delete_indicator,
            restore=service.restore_indicator,
            texts={"create": self.tr("New indicator"), "edit": self.tr("Edit indicator"),
                   "delete": self.tr("Delete indicator")})
        self.measurement_actions = RecordActions(
            self, lambda: self._ctx, create=service.add_measurement,
            update=service.update_measurement, delete=service.delete_measurement,
            restore=service.restore_measurement,
            texts={"create": self.tr("Add measurement"), "edit": self.tr("Edit measurement"),
                   "delete": self.tr("Delete measurement")})
        detail.summary.linkActivated.connect(self.open_link)
        self.benchmark_filter = filter_combo(self.tr("Every benchmark"), [])
        self.benchmark_filter.setMinimumContentsLength(30)
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("Find an indicator\u2026"))
        self.search.setClearButtonEnabled(True)
        self.benchmark_filter.currentIndexChanged.connect(self._filter_changed)
        self.search.textChanged.connect(self._filter_changed)
        self.filters.addWidget(self.benchmark_filter)
        self.filters.addWidget(self.search, 1)

        self.new_button = self.button(self.tr("New Indicator\u2026"), self.new_indicator)
        self.edit_button = self.button(self.tr("Edit\u2026"), self.edit_indicator)
        self.delete_button = self.button(self.tr("Delete"), self.delete_indicator)
        self.export_button = self.button(
            self.tr("Export\u2026"), lambda: self.export_view(self.tr("indicators") + ".xlsx"))
        self.add_buttons(self.new_button, self.edit_button, self.delete_button)
        self.toolbar.addStretch(1)
        self.toolbar.addWidget(self.count_label)
        self.toolbar.addWidget(self.export_button)
        self.table.doubleClicked.connect(lambda _index: self.edit_indicator())

        self.add_measurement_button = QPushButton(self.tr("Add Measurement\u2026"))
        self.add_measurement_button.clicked.connect(self.add_measurement)
        self.edit_measurement_button = QPushButton(self.tr("Edit\u2026"))
        self.edit_measurement_button.clicked.connect(self.edit_measurement)
        self.delete_measurement_button = QPushButton(self.tr("Delete"))
        self.delete_measurement_button.clicked.connect(self.delete_measurement)
        detail.buttons.addWidget(QLabel(self.tr("<b>Measurements</b>")))
        detail.buttons.addStretch(1)
        for button in (self.add_measurement_button, self.edit_measurement_button,
                       self.delete_measurement_button):
            detail.buttons.addWidget(button)
        detail.table.doubleClicked.connect(lambda _index: self.edit_measurement())
        detail.table.selectionModel().currentRowChanged.connect(
            lambda *_: self.update_buttons())
        self.show_detail(None)
        self.update_buttons()

    # --- reading --------------------------------------------------------------------------------

    def load(self, ctx: MissionContext) -> list:
        if self.mandate is None:
            return []
        rows = _service().list_indicators(ctx.handle, self.mandate.id)
        current = self.benchmark_filter.currentData()
        self.benchmark_filter.blockSignals(True)
        while self.benchmark_filter.count() > 1:
            self.benchmark_filter.removeItem(1)
        for bid, statement in dict.fromkeys((r.benchmark_id, r.benchmark_statement)
                                            for r in rows):
            self.benchmark_filter.addItem(statement, bid)
        index = self.benchmark_filter.findData(current) if current is not None else 0
        self.benchmark_filter.setCurrentIndex(max(index, 0))
        self.benchmark_filter.blockSignals(False)
        return rows

    def _filter_changed(self) -> None:
        benchmark = self.benchmark_filter.currentData()
        words = self.search.text().strip().casefold()

        def keep(row) -> bool:
            return ((benchmark is None or row.benchmark_id == benchmark)
                    and (not words or words in row.name.casefold()))

        self.model.set_filter(keep if (benchmark is not None or words) else None)
        self._reselect(self.current_id())

    def set_filters_to_all(self) -> None:
        self.benchmark_filter.setCurrentIndex(0)
        self.search.clear()

    def show_record(self, record_id: str) -> bool:
        """An indicator, or one of its measurements (selected under its indicator)."""
        if self._ctx is not None and self.model.row_of(record_id) < 0:
            owner = _service().indicator_of_measurement(self._ctx.handle, record_id)
            if owner is not None and super().show_record(owner):
                self.select_measurement(record_id)
                return True
        return super().show_record(record_id)

    def select_measurement(self, measurement_id: str) -> bool:
        row = self.detail.measurements.row_of(measurement_id)
        if row >= 0:
            self.detail.table.selectRow(row)
        return row >= 0

    def count_text(self) -> str:
        return self.tr("%n indicator(s)", "", len(self.model.rows()))

    def current_measurement(self):
        index = self.detail.table.currentIndex()
        return self.detail.measurements.row_at(index.row()) if index.isValid() else None

    def update_buttons(self) -> None:
        has_mandate = self._ctx is not None and self.mandate is not None
        has = has_mandate and self._current is not None
        self.new_button.setEnabled(has_mandate)
        self.export_button.setEnabled(has_mandate)
        for button in (self.edit_button, self.delete_button, self.add_measurement_button):
            button.setEnabled(has)
        has_measurement = has and self.current_measurement() is not None
        self.edit_measurement_button.setEnabled(has_measurement)
        self.delete_measurement_button.setEnabled(has_measurement)

    def show_detail(self, row: IndicatorRow | None) -> None:
        detail: IndicatorDetail = self.detail
        if row is None or self._ctx is None:
            if self._ctx is not None and self.mandate is None:
                text = self.tr("No mandate yet: New Mandate\u2026 above adds the resolution.")
            else:
                text = self.placeholder(
                    self.tr("Select an indicator to see its trend and measurements."),
                    self.tr("No indicators yet. New Indicator\u2026 adds one to a benchmark: "
                            "a baseline, a target and the direction that counts as progress."))
            detail.summary.setText("<p style='color:#666'>%s</p>" % esc(text))
            detail.measurements.clear()
            self._drop_chart()
            detail.chart_host.setVisible(False)
            detail.table.setVisible(False)
            self._measurement_buttons_visible(False)
            return
        service = _service()
        try:
            measurements = service.list_measurements(self._ctx.handle, row.id)
            series = service.indicator_series(self._ctx.handle, row.id)
        except MissionError:
            return
        keep = self.current_measurement()
        detail.measurements.set_rows(measurements)
        if keep is not None:
            self.select_measurement(keep.id)
        t = self.tr
        facts = [t("Direction: {direction}").format(direction=direction_label(row.direction))]
        if row.unit:
            facts.append(t("unit: {unit}").format(unit=row.unit))
        facts.append(classification_label(row.classification))
        detail.summary.setText(
            "<b>%s</b><br><span style='color:#555'>%s</span><br>%s%s" % (
                esc(row.name), esc(" \u00b7 ".join(facts)),
                "<a href='benchmark:%s'>%s</a>" % (esc(row.benchmark_id),
                                                   esc(row.benchmark_statement)),
                "<br><span style='color:#555'>%s</span>" % esc(
                    t("Source: {source}").format(source=row.data_source))
                if row.data_source else ""))
        detail.chart_host.setVisible(True)
        detail.table.setVisible(True)
        self._measurement_buttons_visible(True)
        self._draw_chart(series)

    def _measurement_buttons_visible(self, shown: bool) -> None:
        for i in range(self.detail.buttons.count()):
            widget = self.detail.buttons.itemAt(i).widget()
            if widget is not None:
                widget.setVisible(shown)

    def chart_labels(self) -> dict:
        return {"baseline": self.tr("Baseline"), "target": self.tr("Target"),
                "measured": self.tr("Measured"),
                "empty": self.tr("No measurement yet")}

    def _draw_chart(self, series) -> None:
        # matplotlib loads here, the first time a chart is shown, not at start-up.
        from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg

        from missiondesk.figures.indicator_trend import indicator_trend_figure

        figure = indicator_trend_figure(series, title=series.name, labels=self.chart_labels(),
                                        width=5.6, height=3.2)
        self._drop_chart()
        self.chart_figure = figure
        self.canvas = FigureCanvasQTAgg(figure)
        self.detail.chart_layout.addWidget(self.canvas)

    def _drop_chart(self) -> None:
        if self.canvas is not None:
            self.detail.chart_layout.removeWidget(self.canvas)
            self.canvas.setParent(None)
            self.canvas.deleteLater()
            self.canvas = None
        self.chart_figure = None

    def chart_values(self) -> list[float]:
        """The measured values the chart shows (empty when it shows none)."""
        if self.chart_figure is None or not self.chart_figure.axes:
            return []
        lines = self.chart_figure.axes[0].get_lines()
        measured = [line for line in lines if line.get_label() == self.tr("Measured")]
        return [float(v) for v in measured[0].get_ydata()] if measured else []

    # --- writes (each on the undo stack) ---------------------------------------------------

    def _benchmark_choices(self) -> list[tuple[str, str]]:
        if self._ctx is None or self.mandate is None:
            return []
        return [(b.id, b.statement) for b in _service().list_benchmarks(self._ctx.handle,
                                                                         self.mandate.id)]

    def new_indicator(self) -> None:
        from missiondesk.ui.mandate.forms import IndicatorForm

        if self._ctx is None or self.mandate is None:
            return
        choices = self._benchmark_choices()
        if not choices:
            from PySide6.QtWidgets import QMessageBox

            QMessageBox.information(self, self.tr("New Indicator"), self.tr(
                "An indicator measures a benchmark: add a benchmark first (Benchmarks tab)."))
            return
        IndicatorForm.ask(self, {"_benchmarks": choices,
                                 "benchmark_id": self.benchmark_filter.currentData(),
                                 "classification": self.mandate.classification},
                          self.submit_new, creating=True)

    def submit_new(self, values: dict) -> str | None:
        return self.create_and_select({k: v for k, v in values.items()
                                       if not k.startswith("_")})

    def edit_indicator(self) -> None:
        from missiondesk.ui.mandate.forms import IndicatorForm

        row = self._current
        if self._ctx is None or row is None:
            return
        IndicatorForm.ask(self, {**row.values(), "id": row.id,
                                 "_benchmarks": self._benchmark_choices()},
                          lambda values: self.actions.edit(row, values), creating=False)

    def delete_indicator(self) -> None:
        row = self._current
        if self._ctx is None or row is None:
            return
        self.confirm_delete(row, self.tr("Delete Indicator"), self.tr(
            "Delete the indicator \u201c{name}\u201d and hide its {n} measurement(s)? Undo "
            "brings them back.").format(name=row.name, n=row.measurement_count))

    def add_measurement(self) -> None:
        from missiondesk.ui.mandate.forms import MeasurementForm

        row = self._current
        if self._ctx is None or row is None:
            return
        indicator_id = row.id
        MeasurementForm.ask(self, {"measured_on": mission_today(self._ctx)},
                            lambda values: self.submit_measurement(indicator_id, values),
                            creating=True)

    def submit_measurement(self, indicator_id: str, values: dict) -> str | None:
        """Add a measurement (undoable); the refusal's sentence."""
        problem = self.measurement_actions.create({**values, "indicator_id": indicator_id})
        if problem is None:
            self.select_measurement(self.measurement_actions.last_created_id)
        return problem

    def edit_measurement(self) -> None:
        from missiondesk.ui.mandate.forms import MeasurementForm

        m = self.current_measurement()
        if self._ctx is None or m is None:
            return
        MeasurementForm.ask(self, {**m.values(), "id": m.id},
                            lambda values: self.measurement_actions.edit(m, values),
                            creating=False)

    def delete_measurement(self) -> None:
        from PySide6.QtWidgets import QMessageBox

        m = self.current_measurement()
        if self._ctx is None or m is None:
            return
        title = self.tr("Delete Measurement")
        question = self.tr("Delete the measurement of {date} ({value})? Undo brings it back."
                           ).format(date=m.measured_on.isoformat(), value=number_text(m.value))
        if QMessageBox.question(self, title, question) != QMessageBox.StandardButton.Yes:
            return
        problem = self.measurement_actions.delete(m)
        if problem:
            QMessageBox.warning(self, title, problem)

    def on_detached(self) -> None:
        self._drop_chart()
