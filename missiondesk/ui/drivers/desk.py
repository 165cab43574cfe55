"""The Drivers desk: drivers of conflict and of peace, their stakeholders and their trend.

Three tabs: the list with a detail panel (every write goes on the undo stack), the
drivers × stakeholders matrix, and the balance of conflict and peace drivers by domain
(matplotlib, imported the first time the tab is shown). Only services calls; no SQL.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractTableModel, QDate, QModelIndex, QRect, Qt
from PySide6.QtGui import QBrush, QColor, QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QSplitter,
    QTableView,
    QTabWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from missiondesk.labels import (
    classification_label,
    driver_domain_label,
    driver_kind_label,
    driver_level_label,
    driver_role_label,
    driver_role_short,
    trend_label,
)
from missiondesk.messages import error_text, field_label
from missiondesk.store.errors import MissionError
from missiondesk.store.vocab import (
    Classification,
    DriverDomain,
    DriverKind,
    DriverLevel,
    DriverRole,
    Trend,
)
from missiondesk.ui.context import MissionContext
from missiondesk.ui.framework.commands import (
    CreateRecordCommand,
    DeleteRecordCommand,
    EditRecordCommand,
    changed_fields,
    push_command,
)
from missiondesk.ui.framework.widgets import error_label

if TYPE_CHECKING:
    from collections.abc import Callable

    from missiondesk.services.drivers import DriverDetail, DriverMatrix, DriverRow

#: Tables whose changes this desk shows.
WATCHED = ("drivers", "driver_stakeholders", "driver_assessments", "stakeholders")

ROW_ROLE = Qt.ItemDataRole.UserRole + 1      # the DriverRow / the matrix cell's role code
FULL_TEXT_ROLE = Qt.ItemDataRole.UserRole + 2  # a rotated header's text

TREND_MARK = {"worsening": "\u25b2", "improving": "\u25bc", "stable": "\u25b6",
              "unknown": "?"}
TREND_COLOUR = {"worsening": "#a4161a", "improving": "#1b7f4b", "stable": "#555555",
                "unknown": "#777777"}
#: Matrix cells: (background, text) per role; warm for who drives, cool for who mitigates.
ROLE_COLOURS = {
    "drives": ("#f4b6a6", "#7a1d0c"),
    "benefits": ("#f6dc9a", "#6b4a00"),
    "mitigates": ("#a9d8c8", "#0f5132"),
    "affected": ("#cfd4ea", "#2e3a6b"),
}
CONFLICT_KINDS = ("conflict_driver", "divider", "trigger")


def _escape(text: object) -> str:
    return (str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace("\n", "<br>"))




@dataclass(frozen=True)
class _Step:
    """What an undo step needs back from a write: the record id and the revision to expect."""

    id: str
    revision: int


# --- table models ----------------------------------------------------------------------------


class DriverTableModel(QAbstractTableModel):
    """The drivers list; receives rows through `set_rows` and sorts them itself."""

    COLUMNS = ("name", "trend", "severity", "kind", "domain", "level", "stakeholders",
               "last_assessed", "regions", "classification")
    WIDTHS = (290, 112, 62, 118, 108, 92, 95, 105, 170, 150)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._rows: list[DriverRow] = []
        self._sort: tuple[int, Qt.SortOrder] = (0, Qt.SortOrder.AscendingOrder)

    def headers(self) -> tuple[str, ...]:
        return (self.tr("Driver"), self.tr("Trend"), self.tr("Severity"), self.tr("Kind"),
                self.tr("Domain"), self.tr("Level"), self.tr("Stakeholders"),
                self.tr("Last assessed"), self.tr("Regions"), self.tr("Classification"))

    def set_rows(self, rows: list[DriverRow]) -> None:
        self.beginResetModel()
        self._rows = self._sorted(rows)
        self.endResetModel()

    def row_at(self, row: int) -> DriverRow | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def rows(self) -> list[DriverRow]:
        return list(self._rows)

    def display(self, r: DriverRow, column: str) -> str:
        return self._display(r, column)

    def row_of(self, driver_id: str | None) -> int:
        for i, r in enumerate(self._rows):
            if r.id == driver_id:
                return i
        return -1

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole
                and 0 <= section < len(self.COLUMNS)):
            return self.headers()[section]
        return None

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        r = self._rows[index.row()]
        column = self.COLUMNS[index.column()]
        if role == ROW_ROLE:
            return r
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(r, column)
        if role == Qt.ItemDataRole.ToolTipRole and column in ("name", "regions"):
            return self._display(r, column)
        if role == Qt.ItemDataRole.ForegroundRole and column == "trend":
            return QBrush(QColor(TREND_COLOUR.get(r.trend, "#555555")))
        if role == Qt.ItemDataRole.TextAlignmentRole and column in ("severity",
                                                                    "stakeholders"):
            return int(Qt.AlignmentFlag.AlignCenter)
        return None

    def _display(self, r: DriverRow, column: str) -> str:
        if column == "name":
            return r.name
        if column == "kind":
            return driver_kind_label(r.kind)
        if column == "domain":
            return driver_domain_label(r.domain)
        if column == "level":
            return driver_level_label(r.level)
        if column == "trend":
            return "%s %s" % (TREND_MARK.get(r.trend, ""), trend_label(r.trend))
        if column == "severity":
            return str(r.severity)
        if column == "stakeholders":
            return str(r.stakeholders)
        if column == "last_assessed":
            return r.last_assessed.isoformat() if r.last_assessed else "\u2014"
        if column == "regions":
            return ", ".join(r.regions)
        if column == "classification":
            return classification_label(r.classification)
        return ""

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self._sort = (column, order)
        self.layoutAboutToBeChanged.emit()
        self._rows = self._sorted(self._rows)
        self.layoutChanged.emit()

    def _sorted(self, rows: list[DriverRow]) -> list[DriverRow]:
        from missiondesk.services.drivers import sort_rows

        column, order = self._sort
        return sort_rows(rows, self.COLUMNS[column],
                         descending=order == Qt.SortOrder.DescendingOrder)


class DriverMatrixModel(QAbstractTableModel):
    """Drivers (rows) by stakeholders (columns); a cell shows the stakeholder's role."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._matrix: DriverMatrix | None = None

    def set_matrix(self, matrix: DriverMatrix) -> None:
        self.beginResetModel()
        self._matrix = matrix
        self.endResetModel()

    def matrix(self) -> DriverMatrix | None:
        return self._matrix

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() or self._matrix is None else len(self._matrix.drivers)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008
        if parent.isValid() or self._matrix is None:
            return 0
        return len(self._matrix.stakeholders)

    def role_at(self, row: int, column: int) -> str | None:
        m = self._matrix
        if m is None:
            return None
        return m.cells.get((m.drivers[row][0], m.stakeholders[column][0]))

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        m = self._matrix
        if m is None:
            return None
        if orientation == Qt.Orientation.Vertical and 0 <= section < len(m.drivers):
            _id, name, kind = m.drivers[section]
            if role == Qt.ItemDataRole.DisplayRole:
                return name
            if role == Qt.ItemDataRole.ToolTipRole:
                return "%s \u2014 %s" % (name, driver_kind_label(kind))
            if role == Qt.ItemDataRole.ForegroundRole:
                return QBrush(QColor("#7a1d0c" if kind in CONFLICT_KINDS else "#1f4e79"))
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(m.stakeholders):
            name = m.stakeholders[section][1]
            if role in (FULL_TEXT_ROLE, Qt.ItemDataRole.ToolTipRole):
                return name
        return None

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or self._matrix is None:
            return None
        code = self.role_at(index.row(), index.column())
        if code is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return driver_role_short(code)
        if role == ROW_ROLE:
            return code
        if role == Qt.ItemDataRole.ToolTipRole:
            m = self._matrix
            return "%s \u2014 %s \u2014 %s" % (m.stakeholders[index.column()][1],
                                             driver_role_label(code),
                                             m.drivers[index.row()][1])
        if role == Qt.ItemDataRole.BackgroundRole:
            return QBrush(QColor(ROLE_COLOURS.get(code, ("#eeeeee", ""))[0]))
        if role == Qt.ItemDataRole.ForegroundRole:
            return QBrush(QColor(ROLE_COLOURS.get(code, ("", "#222222"))[1]))
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignCenter)
        return None


class RotatedHeader(QHeaderView):
    """A horizontal header whose names read bottom to top, so many narrow columns fit."""

    def __init__(self, parent: QWidget | None = None, height: int = 190) -> None:
        super().__init__(Qt.Orientation.Horizontal, parent)
        self._height = height
        self.setDefaultSectionSize(30)
        self.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.setFixedHeight(height)

    def paintSection(self, painter: QPainter, rect: QRect, logical: int) -> None:
        super().paintSection(painter, rect, logical)  # the frame (the model gives no text)
        text = self.model().headerData(logical, Qt.Orientation.Horizontal, FULL_TEXT_ROLE)
        if not text:
            return
        metrics = self.fontMetrics()
        shown = metrics.elidedText(str(text), Qt.TextElideMode.ElideRight, rect.height() - 12)
        painter.save()
        painter.setPen(self.palette().color(self.foregroundRole()))
        painter.translate(rect.center().x() + (metrics.ascent() - metrics.descent()) / 2,
                          rect.bottom() - 6)
        painter.rotate(-90)
        painter.drawText(0, 0, shown)
        painter.restore()


# --- dialogs ---------------------------------------------------------------------------------
# Each dialog takes a `submit(values) -> error text or None`: the form stays open with the
# service's message until the write is accepted. `ask` runs it modally; tests patch `ask`.


class DriverDialog(QDialog):
    """New or edit a driver: every field of the driver (trend and severity when new)."""

    def __init__(self, parent: QWidget | None, values: dict,
                 submit: Callable[[dict], str | None], *, creating: bool) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("New Driver") if creating else self.tr("Edit Driver"))
        self._submit = submit
        self._creating = creating
        self.name = QLineEdit(values.get("name") or "")
        self.kind = self._combo(DriverKind, driver_kind_label, values.get("kind"))
        self.level = self._combo(DriverLevel, driver_level_label, values.get("level"))
        self.domain = self._combo(DriverDomain, driver_domain_label, values.get("domain"))
        self.regions = QLineEdit(", ".join(values.get("regions") or ()))
        self.regions.setPlaceholderText(self.tr("Comma-separated, e.g. Leppko, Amsa"))
        self.trend = self._combo(Trend, trend_label, values.get("trend", "unknown"))
        self.severity = QSpinBox()
        self.severity.setRange(1, 5)
        self.severity.setValue(int(values.get("severity") or 3))
        self.time_horizon = QLineEdit(values.get("time_horizon") or "")
        self.time_horizon.setPlaceholderText(self.tr("e.g. Months; before the elections"))
        self.description = QPlainTextEdit(values.get("description") or "")
        self.mission_levers = QPlainTextEdit(values.get("mission_levers") or "")
        for box in (self.description, self.mission_levers):
            box.setTabChangesFocus(True)
        from missiondesk.ui.framework.drafts import keep_drafts

        self._drafts = keep_drafts(self, "drivers", values.get("id"), {
            "description": (self.tr("Description"), self.description),
            "mission_levers": (self.tr("Mission levers"), self.mission_levers)})
        for box in (self.description, self.mission_levers):
            box.setFixedHeight(80)
        self.classification = QComboBox()
        for level in Classification:
            self.classification.addItem(classification_label(level), level.value)
        if values.get("classification"):
            self.classification.setCurrentIndex(
                max(0, self.classification.findData(values["classification"])))
        form = QFormLayout()
        form.addRow(self.tr("Name"), self.name)
        form.addRow(self.tr("Kind"), self.kind)
        form.addRow(self.tr("Level"), self.level)
        form.addRow(self.tr("Domain"), self.domain)
        form.addRow(self.tr("Regions"), self.regions)
        if creating:
            form.addRow(self.tr("Trend"), self.trend)
            form.addRow(self.tr("Severity (1\u20135)"), self.severity)
        form.addRow(self.tr("Time horizon"), self.time_horizon)
        form.addRow(self.tr("Description"), self.description)
        form.addRow(self.tr("Mission levers"), self.mission_levers)
        form.addRow(self.tr("Classification"), self.classification)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        if not creating:
            hint = QLabel(self.tr("Trend and severity change through Record Assessment, so "
                                  "their history is kept."))
            hint.setWordWrap(True)
            hint.setStyleSheet("color: palette(placeholder-text);")
            layout.addWidget(hint)
        self.error = error_label()
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.setMinimumWidth(560)

    @staticmethod
    def _combo(vocab, label, current: str | None) -> QComboBox:
        combo = QComboBox()
        if current is None:
            combo.addItem("", None)  # nothing chosen yet: the service says it is required
        for item in vocab:
            combo.addItem(label(item.value), item.value)
        combo.setCurrentIndex(max(0, combo.findData(current)) if current else 0)
        return combo

    def values(self) -> dict:
        values = {
            "name": self.name.text(),
            "kind": self.kind.currentData(),
            "level": self.level.currentData(),
            "domain": self.domain.currentData(),
            "regions": [r.strip() for r in self.regions.text().split(",") if r.strip()],
            "time_horizon": self.time_horizon.text().strip() or None,
            "description": self.description.toPlainText().strip() or None,
            "mission_levers": self.mission_levers.toPlainText().strip() or None,
            "classification": self.classification.currentData(),
        }
        if self._creating:
            values["trend"] = self.trend.currentData()
            values["severity"] = self.severity.value()
        return values

    def show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()

    def _accept(self) -> None:
        problem = self._submit(self.values())
        if problem:
            self.show_error(problem)
        else:
            self.accept()

    @classmethod
    def ask(cls, parent: QWidget | None, values: dict, submit: Callable[[dict], str | None],
            *, creating: bool) -> bool:
        """Run the form until `submit` accepts it (True) or the user cancels (False)."""
        return cls(parent, values, submit, creating=creating).exec() == QDialog.DialogCode.Accepted


class LinkDialog(QDialog):
    """Link a stakeholder to the driver with a role."""

    def __init__(self, parent: QWidget | None, driver_name: str,
                 choices: list[tuple[str, str]], submit: Callable[[dict], str | None]) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Link Stakeholder"))
        self._submit = submit
        self.stakeholder = QComboBox()
        self.stakeholder.setEditable(True)  # type to find among many
        self.stakeholder.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        for sid, name in choices:
            self.stakeholder.addItem(name, sid)
        self.role = QComboBox()
        for role in DriverRole:
            self.role.addItem(driver_role_label(role.value), role.value)
        self.note = QLineEdit()
        form = QFormLayout()
        title = QLabel(self.tr("Driver: <b>{name}</b>").format(name=_escape(driver_name)))
        title.setWordWrap(True)
        form.addRow(title)
        form.addRow(self.tr("Stakeholder"), self.stakeholder)
        form.addRow(self.tr("Role"), self.role)
        form.addRow(self.tr("Note"), self.note)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        self.error = error_label()
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.setMinimumWidth(480)

    def values(self) -> dict:
        index = self.stakeholder.findText(self.stakeholder.currentText(),
                                          Qt.MatchFlag.MatchFixedString)
        return {"stakeholder_id": self.stakeholder.itemData(index) if index >= 0 else None,
                "role": self.role.currentData(), "note": self.note.text().strip() or None}

    def _accept(self) -> None:
        values = self.values()
        if values["stakeholder_id"] is None:
            problem = self.tr("Choose a stakeholder from the list.")
        else:
            problem = self._submit(values)
        if problem:
            self.error.setText(problem)
            self.error.show()
        else:
            self.accept()

    @classmethod
    def ask(cls, parent: QWidget | None, driver_name: str, choices: list[tuple[str, str]],
            submit: Callable[[dict], str | None]) -> bool:
        dialog = cls(parent, driver_name, choices, submit)
        return dialog.exec() == QDialog.DialogCode.Accepted


class AssessmentDialog(QDialog):
    """Record a dated assessment of a driver's trend and severity."""

    def __init__(self, parent: QWidget | None, driver_name: str, current: dict,
                 submit: Callable[[dict], str | None]) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Record Assessment"))
        self._submit = submit
        self.assessed_on = QDateEdit(QDate(current.get("assessed_on") or date.today()))
        self.assessed_on.setCalendarPopup(True)
        self.assessed_on.setDisplayFormat("yyyy-MM-dd")
        self.trend = DriverDialog._combo(Trend, trend_label, current.get("trend", "unknown"))
        self.severity = QSpinBox()
        self.severity.setRange(1, 5)
        self.severity.setValue(int(current.get("severity") or 3))
        self.note = QPlainTextEdit()
        self.note.setTabChangesFocus(True)
        self.note.setFixedHeight(90)
        self.note.setPlaceholderText(self.tr("What changed, and on what evidence"))
        form = QFormLayout()
        title = QLabel(self.tr("Driver: <b>{name}</b>").format(name=_escape(driver_name)))
        title.setWordWrap(True)
        form.addRow(title)
        form.addRow(self.tr("Date"), self.assessed_on)
        form.addRow(self.tr("Trend"), self.trend)
        form.addRow(self.tr("Severity (1\u20135)"), self.severity)
        form.addRow(self.tr("Note"), self.note)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        self.error = error_label()
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.setMinimumWidth(480)

    def values(self) -> dict:
        return {"assessed_on": self.assessed_on.date().toPython(),
                "trend": self.trend.currentData(), "severity": self.severity.value(),
                "note": self.note.toPlainText().strip() or None}

    def _accept(self) -> None:
        problem = self._submit(self.values())
        if problem:
            self.error.setText(problem)
            self.error.show()
        else:
            self.accept()

    @classmethod
    def ask(cls, parent: QWidget | None, driver_name: str, current: dict,
            submit: Callable[[dict], str | None]) -> bool:
        dialog = cls(parent, driver_name, current, submit)
        return dialog.exec() == QDialog.DialogCode.Accepted


class _FittingScrollArea(QScrollArea):
    """A scroll area whose content keeps the height its wrapped labels need at the current
    width (QScrollArea alone sized it to the viewport and the labels were clipped)."""

    def fit(self) -> None:
        widget = self.widget()
        if widget is None or widget.layout() is None:
            return
        width = self.viewport().width()
        widget.setMinimumHeight(max(0, widget.layout().heightForWidth(width)))

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.fit()


# --- the desk --------------------------------------------------------------------------------


def _section_title(text: str) -> QLabel:
    label = QLabel("<b>%s</b>" % _escape(text))
    label.setContentsMargins(0, 10, 0, 2)
    return label


class DriversDesk(QWidget):
    LIST_TAB, MATRIX_TAB, CHART_TAB = range(3)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx: MissionContext | None = None
        self._detail: DriverDetail | None = None
        self._matrix_stale = True
        self._chart_stale = True
        self.canvas = None  # the chart's FigureCanvasQTAgg, built when first shown
        self.tabs = QTabWidget()
        self.tabs.addTab(self._build_list_tab(), self.tr("Drivers"))
        self.tabs.addTab(self._build_matrix_tab(), self.tr("Matrix"))
        self.tabs.addTab(self._build_chart_tab(), self.tr("Chart by domain"))
        self.tabs.currentChanged.connect(self._tab_shown)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(8, 8, 8, 8)
        outer.addWidget(self.tabs)
        self._update_buttons()

    # --- building -----------------------------------------------------------------------

    def _build_list_tab(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        bar = QHBoxLayout()
        self.new_button = QPushButton(self.tr("New\u2026"))
        self.edit_button = QPushButton(self.tr("Edit\u2026"))
        self.delete_button = QPushButton(self.tr("Delete"))
        self.link_button = QPushButton(self.tr("Link Stakeholder\u2026"))
        self.assess_button = QPushButton(self.tr("Record Assessment\u2026"))
        self.new_button.clicked.connect(self.new_driver)
        self.edit_button.clicked.connect(self.edit_driver)
        self.delete_button.clicked.connect(self.delete_driver)
        self.link_button.clicked.connect(self.link_stakeholder)
        self.assess_button.clicked.connect(self.record_assessment)
        for button in (self.new_button, self.edit_button, self.delete_button,
                       self.link_button, self.assess_button):
            bar.addWidget(button)
        bar.addStretch(1)
        self.count_label = QLabel()
        bar.addWidget(self.count_label)
        self.export_list_button = QPushButton(self.tr("Export\u2026"))
        self.export_list_button.clicked.connect(self.export_list)
        bar.addWidget(self.export_list_button)
        layout.addLayout(bar)

        self.model = DriverTableModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.verticalHeader().setDefaultSectionSize(26)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for column, width in enumerate(DriverTableModel.WIDTHS):
            header.resizeSection(column, width)
        self.table.selectionModel().currentRowChanged.connect(self._row_changed)
        self.table.doubleClicked.connect(lambda _index: self.edit_driver())

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.table)
        splitter.addWidget(self._build_detail())
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([690, 470])
        layout.addWidget(splitter, 1)
        return page

    def _build_detail(self) -> QWidget:
        host = QWidget()
        layout = QVBoxLayout(host)
        layout.setContentsMargins(12, 4, 12, 12)
        self.detail_title = QLabel()
        font = self.detail_title.font()
        font.setPointSizeF(font.pointSizeF() * 1.35)
        font.setBold(True)
        self.detail_title.setFont(font)
        self.detail_title.setWordWrap(True)
        layout.addWidget(self.detail_title)
        # A form of plain labels, not an HTML table: wrapped tables in a QLabel measure
        # their height wrongly inside a scroll area and get clipped.
        self.detail_facts = QWidget()
        facts = QFormLayout(self.detail_facts)
        facts.setContentsMargins(0, 4, 0, 4)
        facts.setVerticalSpacing(3)
        self.fact_values: dict[str, QLabel] = {}
        for key, title in (("kind", self.tr("Kind")), ("level", self.tr("Level")),
                           ("domain", self.tr("Domain")), ("trend", self.tr("Trend")),
                           ("severity", self.tr("Severity")), ("regions", self.tr("Regions")),
                           ("time_horizon", self.tr("Time horizon")),
                           ("classification", self.tr("Classification")),
                           ("updated", self.tr("Last changed"))):
            value = QLabel()
            value.setWordWrap(True)
            value.setTextFormat(Qt.TextFormat.RichText)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.fact_values[key] = value
            facts.addRow("<b>%s</b>" % _escape(title), value)
        layout.addWidget(self.detail_facts)
        self.detail_text = QLabel()
        self.detail_text.setTextFormat(Qt.TextFormat.RichText)
        self.detail_text.setWordWrap(True)
        self.detail_text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.detail_text)

        links_head = QHBoxLayout()
        links_head.addWidget(_section_title(self.tr("Linked stakeholders")), 1)
        self.unlink_button = QPushButton(self.tr("Remove Link"))
        self.unlink_button.clicked.connect(self.remove_link)
        links_head.addWidget(self.unlink_button, 0, Qt.AlignmentFlag.AlignBottom)
        layout.addLayout(links_head)
        self.links = QTreeWidget()
        self.links.setHeaderLabels([self.tr("Stakeholder"), self.tr("Role"), self.tr("Note")])
        self.links.setRootIsDecorated(False)
        self.links.setColumnWidth(0, 220)
        self.links.setColumnWidth(1, 85)
        self.links.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.links.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.links.itemSelectionChanged.connect(self._update_buttons)
        layout.addWidget(self.links)

        layout.addWidget(_section_title(self.tr("Assessments (newest first)")))
        self.assessments = QLabel()
        self.assessments.setTextFormat(Qt.TextFormat.RichText)
        self.assessments.setWordWrap(True)
        layout.addWidget(self.assessments)
        layout.addWidget(_section_title(self.tr("History")))
        self.history = QLabel()
        self.history.setTextFormat(Qt.TextFormat.RichText)
        self.history.setWordWrap(True)
        layout.addWidget(self.history)
        layout.addStretch(1)

        self.empty_detail = QLabel(self.tr("Select a driver to see its stakeholders, its "
                                           "assessments and its history."))
        self.empty_detail.setWordWrap(True)
        self.empty_detail.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.insertWidget(0, self.empty_detail)
        scroll = _FittingScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        # A scroll bar that comes and goes would change the width the labels were fitted at.
        scroll.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        scroll.setWidget(host)
        self.detail_scroll = scroll
        scroll.setMinimumWidth(380)
        self._detail_parts = (self.detail_title, self.detail_facts, self.detail_text,
                              self.links, self.assessments, self.history, self.unlink_button)
        self._show_detail(None)
        return scroll

    def _build_matrix_tab(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        legend = QHBoxLayout()
        legend.addWidget(QLabel(self.tr("Role of each stakeholder in each driver:")))
        for role in DriverRole:
            background, text = ROLE_COLOURS[role.value]
            chip = QLabel(" %s " % driver_role_short(role.value))
            chip.setStyleSheet("background: %s; color: %s; font-weight: bold; "
                               "border-radius: 3px; padding: 1px 4px;" % (background, text))
            legend.addSpacing(10)
            legend.addWidget(chip)
            legend.addWidget(QLabel(driver_role_label(role.value)))
        legend.addStretch(1)
        layout.addLayout(legend)
        self.matrix_note = QLabel(self.tr("Rows: drivers (conflict first, in red). Columns: "
                                          "the stakeholders linked to at least one driver. "
                                          "Hover a cell for the details."))
        self.matrix_note.setWordWrap(True)
        layout.addWidget(self.matrix_note)
        self.matrix_model = DriverMatrixModel(self)
        self.matrix = QTableView()
        self.matrix.setHorizontalHeader(RotatedHeader(self.matrix))
        self.matrix.setModel(self.matrix_model)
        self.matrix.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.matrix.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.matrix.setShowGrid(True)
        vertical = self.matrix.verticalHeader()
        vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vertical.setDefaultSectionSize(26)
        vertical.setFixedWidth(330)
        vertical.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.matrix.doubleClicked.connect(self._matrix_double_clicked)
        layout.addWidget(self.matrix, 1)
        export_row = QHBoxLayout()
        export_row.addStretch(1)
        self.export_matrix_button = QPushButton(self.tr("Export Matrix\u2026"))
        self.export_matrix_button.clicked.connect(self.export_matrix)
        export_row.addWidget(self.export_matrix_button)
        layout.addLayout(export_row)
        return page

    def _build_chart_tab(self) -> QWidget:
        self.chart_page = QWidget()
        self.chart_layout = QVBoxLayout(self.chart_page)
        self.chart_layout.setContentsMargins(0, 0, 0, 0)
        return self.chart_page

    # --- mission lifecycle -----------------------------------------------------------------

    def attach(self, ctx: MissionContext) -> None:
        self._ctx = ctx
        ctx.bus.missionChanged.connect(self._on_changed)
        self.refresh()

    def detach(self) -> None:
        if self._ctx is not None:
            self._ctx.bus.missionChanged.disconnect(self._on_changed)
        self._ctx = None
        self._detail = None
        self.model.set_rows([])
        self.matrix_model.set_matrix(_empty_matrix())
        self._show_detail(None)
        self._drop_canvas()
        self._update_buttons()

    def _on_changed(self, changed) -> None:
        if changed.touches(*WATCHED):
            self.refresh()

    def refresh(self) -> None:
        """Reload the list (keeping the selection), then the tab on show."""
        if self._ctx is None:
            return
        from missiondesk.services import drivers as driver_service

        keep = self.current_id()
        rows = driver_service.list_drivers(self._ctx.handle)
        self.model.set_rows(rows)
        self.count_label.setText(self.tr("%n driver(s)", "", len(rows)))
        row = self.model.row_of(keep)
        if row < 0 and rows:
            row = 0
        if row >= 0:
            self.table.selectRow(row)
            self.table.scrollTo(self.model.index(row, 0))
        self._load_detail(self.model.row_at(row).id if row >= 0 else None)
        self._matrix_stale = self._chart_stale = True
        self._tab_shown(self.tabs.currentIndex())
        self._update_buttons()

    def current_id(self) -> str | None:
        index = self.table.currentIndex()
        r = self.model.row_at(index.row()) if index.isValid() else None
        return r.id if r else None

    def select_driver(self, driver_id: str) -> bool:
        row = self.model.row_of(driver_id)
        if row < 0:
            return False
        self.tabs.setCurrentIndex(self.LIST_TAB)
        self.table.selectRow(row)
        return True

    def _row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        r = self.model.row_at(current.row()) if current.isValid() else None
        if r is None or self._detail is None or r.id != self._detail.id:
            self._load_detail(r.id if r else None)
        self._update_buttons()

    def _update_buttons(self) -> None:
        has_mission = self._ctx is not None
        has_driver = has_mission and self._detail is not None
        self.new_button.setEnabled(has_mission)
        self.export_list_button.setEnabled(has_mission)
        self.export_matrix_button.setEnabled(has_mission)
        for button in (self.edit_button, self.delete_button, self.link_button,
                       self.assess_button):
            button.setEnabled(has_driver)
        self.unlink_button.setEnabled(has_driver and self.links.currentItem() is not None)

    # --- the detail panel ------------------------------------------------------------------

    def _load_detail(self, driver_id: str | None) -> None:
        from missiondesk.services import drivers as driver_service

        detail = None
        if driver_id is not None and self._ctx is not None:
            try:
                detail = driver_service.get_driver(self._ctx.handle, driver_id)
            except MissionError:
                detail = None
        self._detail = detail
        self._show_detail(detail)

    def _show_detail(self, d: DriverDetail | None) -> None:
        self.empty_detail.setVisible(d is None)
        for part in self._detail_parts:
            part.setVisible(d is not None)
        if d is None:
            return
        self.detail_title.setText(d.name)
        trend = "<span style='color:%s'>%s %s</span>" % (
            TREND_COLOUR.get(d.trend, "#555"), TREND_MARK.get(d.trend, ""),
            _escape(trend_label(d.trend)))
        updated = "\u2014"
        if d.updated_at:
            updated = self.tr("{date} by {who}").format(
                date=d.updated_at.strftime("%Y-%m-%d %H:%M"), who=d.updated_by or "\u2014")
        facts = {
            "kind": _escape(driver_kind_label(d.kind)),
            "level": _escape(driver_level_label(d.level)),
            "domain": _escape(driver_domain_label(d.domain)),
            "trend": trend,
            "severity": _escape("%d / 5" % d.severity),
            "regions": _escape(", ".join(d.regions) or "\u2014"),
            "time_horizon": _escape(d.time_horizon or "\u2014"),
            "classification": _escape(classification_label(d.classification)),
            "updated": _escape(updated),
        }
        for key, text in facts.items():
            self.fact_values[key].setText(text)
        text = []
        for title, value in ((self.tr("Description"), d.description),
                             (self.tr("Mission levers"), d.mission_levers)):
            text.append("<p><b>%s</b><br>%s</p>" % (_escape(title),
                                                    _escape(value) if value else "\u2014"))
        self.detail_text.setText("".join(text))

        self.links.clear()
        for link in d.links:
            item = QTreeWidgetItem([link.name, driver_role_label(link.role), link.note or ""])
            item.setData(0, Qt.ItemDataRole.UserRole, link)
            item.setToolTip(0, link.name)
            item.setToolTip(2, link.note or "")
            background, colour = ROLE_COLOURS.get(link.role, ("#eeeeee", "#222222"))
            item.setBackground(1, QBrush(QColor(background)))
            item.setForeground(1, QBrush(QColor(colour)))
            self.links.addTopLevelItem(item)
        if not d.links:
            placeholder = QTreeWidgetItem([self.tr("No stakeholder linked yet."), "", ""])
            placeholder.setFlags(Qt.ItemFlag.NoItemFlags)
            self.links.addTopLevelItem(placeholder)
        rows = max(1, len(d.links))
        self.links.setFixedHeight(self.links.header().sizeHint().height() + 6
                                  + rows * max(16, self.links.sizeHintForRow(0)))

        if d.assessments:
            self.assessments.setText("".join(
                "<p style='margin-bottom:6px'><b>%s</b> &nbsp;<span style='color:%s'>%s %s"
                "</span> &middot; %s &middot; %s%s</p>" % (
                    a.assessed_on.isoformat(), TREND_COLOUR.get(a.trend, "#555"),
                    TREND_MARK.get(a.trend, ""), _escape(trend_label(a.trend)),
                    _escape(self.tr("severity {n}").format(n=a.severity)
                            if a.severity is not None else self.tr("severity unchanged")),
                    _escape(a.assessed_by or "\u2014"),
                    "<br><i>%s</i>" % _escape(a.note) if a.note else "")
                for a in d.assessments))
        else:
            self.assessments.setText(self.tr("No assessment recorded yet."))
        self.history.setText("<br>".join(self._history_line(h) for h in d.history[:12])
                             or self.tr("No change recorded."))
        self.detail_scroll.fit()
        self._update_buttons()

    def _history_line(self, h) -> str:
        when = h.at.strftime("%Y-%m-%d %H:%M")
        who = _escape(h.user_name or "\u2014")
        what = {
            ("drivers", "create"): self.tr("created the driver"),
            ("drivers", "delete"): self.tr("deleted the driver"),
            ("drivers", "restore"): self.tr("restored the driver"),
            ("driver_stakeholders", "create"): self.tr("linked a stakeholder"),
            ("driver_stakeholders", "delete"): self.tr("removed a stakeholder link"),
            ("driver_stakeholders", "restore"): self.tr("restored a stakeholder link"),
            ("driver_assessments", "create"): self.tr("recorded an assessment"),
            ("driver_assessments", "delete"): self.tr("withdrew an assessment"),
            ("driver_assessments", "restore"): self.tr("restored an assessment"),
        }.get((h.table, h.action))
        if what is None and h.action == "update":
            old, new = h.old_value, h.new_value
            if isinstance(old, list):
                old = ", ".join(map(str, old))
            if isinstance(new, list):
                new = ", ".join(map(str, new))
            labels = {"kind": driver_kind_label, "level": driver_level_label,
                      "domain": driver_domain_label, "trend": trend_label,
                      "classification": classification_label, "role": driver_role_label}
            if h.field in labels:
                old = labels[h.field](old) if old else old
                new = labels[h.field](new) if new else new
            what = self.tr("changed {field}: {old} \u2192 {new}").format(
                field=field_label(h.field or ""), old=_short(old), new=_short(new))
        return "<span style='color:palette(placeholder-text)'>%s</span> %s: %s" % (
            when, who, _escape(what or h.action))

    # --- writes (each on the undo stack) ------------------------------------------------------

    def _show_undo_error(self, exc: MissionError) -> None:
        QMessageBox.warning(self, self.tr("Undo"), error_text(exc))

    def _push(self, command) -> str | None:
        """Apply and stack a command; the refusal's sentence, or None when it went through."""
        try:
            push_command(self._ctx, command)
        except MissionError as exc:
            return error_text(exc)
        return None

    def new_driver(self) -> None:
        if self._ctx is None:
            return
        from missiondesk.services import mission as mission_service

        default = mission_service.get_mission(self._ctx.handle).default_classification
        DriverDialog.ask(self, {"trend": "unknown", "severity": 3, "classification": default},
                         self.submit_new, creating=True)

    def submit_new(self, values: dict) -> str | None:
        """Create a driver from the form (undoable); the error sentence if refused."""
        from missiondesk.services import drivers as driver_service

        command = CreateRecordCommand(
            self._ctx, self.tr("New driver"),
            create=lambda uow: driver_service.create_driver(uow, **values),
            delete=lambda uow, rid, rev: driver_service.delete_driver(
                uow, rid, expected_revision=rev),
            restore=lambda uow, rid, rev: driver_service.restore_driver(
                uow, rid, expected_revision=rev),
            on_error=self._show_undo_error)
        problem = self._push(command)
        if problem is None:
            self.select_driver(command.record_id)
        return problem

    def edit_driver(self) -> None:
        if self._ctx is None or self._detail is None:
            return
        detail = self._detail
        DriverDialog.ask(self, {**detail.values(), "id": detail.id},
                         lambda values: self.submit_edit(detail, values), creating=False)

    def submit_edit(self, detail: DriverDetail, values: dict) -> str | None:
        """Change the fields that differ from `detail` (undoable); the error if refused."""
        from missiondesk.services import drivers as driver_service

        values = {k: v for k, v in values.items() if k != "id"}  # the form's draft key

        old, changes = changed_fields(detail.values(), values)
        if not changes:
            return None
        command = EditRecordCommand(
            self._ctx, self.tr("Edit driver"),
            lambda uow, rev, vals: driver_service.update_driver(
                uow, detail.id, expected_revision=rev, **vals),
            revision=detail.revision, old=old, new=changes, on_error=self._show_undo_error)
        return self._push(command)

    def delete_driver(self) -> None:
        if self._ctx is None or self._detail is None:
            return
        from missiondesk.services import drivers as driver_service

        detail = self._detail
        answer = QMessageBox.question(
            self, self.tr("Delete Driver"),
            self.tr("Delete \u201c{name}\u201d? Undo brings it back.").format(name=detail.name))
        if answer != QMessageBox.StandardButton.Yes:
            return
        command = DeleteRecordCommand(
            self._ctx, self.tr("Delete driver"), record_id=detail.id, revision=detail.revision,
            delete=lambda uow, rid, rev: driver_service.delete_driver(
                uow, rid, expected_revision=rev),
            restore=lambda uow, rid, rev: driver_service.restore_driver(
                uow, rid, expected_revision=rev),
            on_error=self._show_undo_error)
        problem = self._push(command)
        if problem:
            QMessageBox.warning(self, self.tr("Delete Driver"), problem)

    def link_stakeholder(self) -> None:
        if self._ctx is None or self._detail is None:
            return
        from missiondesk.services import drivers as driver_service

        detail = self._detail
        linked = {link.stakeholder_id for link in detail.links}
        choices = [c for c in driver_service.stakeholder_choices(self._ctx.handle)
                   if c[0] not in linked]
        LinkDialog.ask(self, detail.name, choices,
                       lambda values: self.submit_link(detail.id, values))

    def submit_link(self, driver_id: str, values: dict) -> str | None:
        """Link a stakeholder with a role (undoable); the error sentence if refused."""
        from missiondesk.services import drivers as driver_service

        def unlink(uow, rid, rev):
            return driver_service.unlink(uow, rid, expected_revision=rev)

        def restore(uow, rid, rev):
            return driver_service.restore_link(uow, rid, expected_revision=rev)

        command = CreateRecordCommand(
            self._ctx, self.tr("Link stakeholder"),
            create=lambda uow: driver_service.link_stakeholder(
                uow, driver_id, values["stakeholder_id"], values["role"], values.get("note")),
            delete=unlink, restore=restore, on_error=self._show_undo_error)
        return self._push(command)

    def remove_link(self) -> None:
        item = self.links.currentItem()
        link = item.data(0, Qt.ItemDataRole.UserRole) if item is not None else None
        if self._ctx is None or link is None:
            return
        from missiondesk.services import drivers as driver_service

        command = DeleteRecordCommand(
            self._ctx, self.tr("Remove stakeholder link"), record_id=link.id,
            revision=link.revision,
            delete=lambda uow, rid, rev: driver_service.unlink(uow, rid, expected_revision=rev),
            restore=lambda uow, rid, rev: driver_service.restore_link(
                uow, rid, expected_revision=rev),
            on_error=self._show_undo_error)
        problem = self._push(command)
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
        from missiondesk.services import drivers as driver_service

        before = {"trend": detail.trend, "severity": detail.severity}

        def create(uow):
            view = driver_service.record_driver_assessment(
                uow, detail.id, expected_revision=detail.revision, **values)
            return _Step(view.id, view.driver_revision)

        def withdraw(uow, assessment_id, rev):
            view = driver_service.withdraw_driver_assessment(uow, assessment_id,
                                                             expected_revision=rev)
            if {"trend": view.trend, "severity": view.severity} != before:
                view = driver_service.update_driver(uow, detail.id,
                                                    expected_revision=view.revision, **before)
            return view

        def restore(uow, assessment_id, rev):
            return driver_service.restore_driver_assessment(uow, assessment_id,
                                                            expected_revision=rev)

        command = CreateRecordCommand(self._ctx, self.tr("Record assessment"), create=create,
                                      delete=withdraw, restore=restore,
                                      on_error=self._show_undo_error)
        return self._push(command)

    # --- matrix and chart -----------------------------------------------------------------

    def _tab_shown(self, index: int) -> None:
        if self._ctx is None:
            return
        if index == self.MATRIX_TAB and self._matrix_stale:
            self.refresh_matrix()
        elif index == self.CHART_TAB and self._chart_stale:
            self.refresh_chart()

    def refresh_matrix(self) -> None:
        from missiondesk.services import drivers as driver_service

        self.matrix_model.set_matrix(driver_service.driver_matrix(self._ctx.handle))
        self._matrix_stale = False

    def _matrix_double_clicked(self, index: QModelIndex) -> None:
        m = self.matrix_model._matrix
        if m is not None and index.isValid():
            self.select_driver(m.drivers[index.row()][0])

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
        from missiondesk.services import drivers as driver_service

        figure = drivers_by_domain_figure(
            driver_service.drivers_by_domain(self._ctx.handle),
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
        columns = DriverTableModel.COLUMNS
        rows = self.model.rows()
        return (list(self.model.headers()),
                [[self.model.display(r, c) for c in columns] for r in rows],
                [r.classification for r in rows])

    def matrix_export_rows(self) -> tuple[list[str], list[list[str]], str]:
        if self._ctx is not None and (self._matrix_stale or self.matrix_model.matrix() is None):
            self.refresh_matrix()
        m = self.matrix_model.matrix()
        if m is None:
            return [self.tr("Driver")], [], "UNCLASSIFIED"
        headers = [self.tr("Driver")] + [name for _sid, name in m.stakeholders]
        rows = [[name] + [driver_role_label(m.cells[(did, sid)]) if (did, sid) in m.cells
                          else "" for sid, _n in m.stakeholders]
                for did, name, _kind in m.drivers]
        return headers, rows, m.classification

    def export_list(self) -> None:
        from missiondesk.ui.framework.table_export import export_rows

        headers, rows, levels = self.list_export_rows()
        export_rows(self, self.tr("drivers") + ".xlsx", headers, rows, levels)

    def export_matrix(self) -> None:
        from missiondesk.ui.framework.table_export import export_rows

        headers, rows, level = self.matrix_export_rows()
        export_rows(self, self.tr("drivers-matrix") + ".xlsx", headers, rows, level)


def _empty_matrix() -> DriverMatrix:
    from missiondesk.services.drivers import DriverMatrix

    return DriverMatrix(drivers=[], stakeholders=[], cells={})


def _short(value: object, limit: int = 60) -> str:
    text = "\u2014" if value in (None, "") else str(value)
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"
