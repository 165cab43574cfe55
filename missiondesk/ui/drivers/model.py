"""The Drivers desk's two models: the register (on `RecordTableModel`) and the
drivers × stakeholders matrix (a grid, so a plain QAbstractTableModel)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractTableModel, QCoreApplication, QModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from missiondesk.labels import (
    classification_label,
    driver_domain_label,
    driver_kind_label,
    driver_level_label,
    driver_role_label,
    driver_role_short,
    trend_label,
)
from missiondesk.ui.framework.table_model import ROW_ROLE, Column, RecordTableModel

if TYPE_CHECKING:
    from missiondesk.services.drivers import DriverMatrix, DriverRow

FULL_TEXT_ROLE = Qt.ItemDataRole.UserRole + 10  # a rotated header's text

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


def _t(text: str) -> str:
    return QCoreApplication.translate("DriverTableModel", text)


def trend_text(trend: str) -> str:
    """A trend as the table and the detail show it: its arrow, then its name."""
    return "%s %s" % (TREND_MARK.get(trend, ""), trend_label(trend))


class DriverTableModel(RecordTableModel):
    """The drivers register; sorted by the service's pure sort (trends worst first)."""

    COLUMNS = (
        Column("name", lambda: _t("Driver"), 240, elastic=True),
        Column("trend", lambda: _t("Trend"), 112),
        Column("severity", lambda: _t("Severity"), 62, "center"),
        Column("kind", lambda: _t("Kind"), 118),
        Column("domain", lambda: _t("Domain"), 108),
        Column("level", lambda: _t("Level"), 92),
        Column("stakeholders", lambda: _t("Stakeholders"), 95, "center"),
        Column("last_assessed", lambda: _t("Last assessed"), 105),
        Column("regions", lambda: _t("Regions"), 170),
        Column("classification", lambda: _t("Classification"), 150),
    )

    def display(self, r: DriverRow, column: str) -> str:
        if column == "name":
            return r.name
        if column == "kind":
            return driver_kind_label(r.kind)
        if column == "domain":
            return driver_domain_label(r.domain)
        if column == "level":
            return driver_level_label(r.level)
        if column == "trend":
            return trend_text(r.trend)
        if column in ("severity", "stakeholders"):
            return str(getattr(r, column))
        if column == "last_assessed":
            return r.last_assessed.isoformat() if r.last_assessed else "\u2014"
        if column == "regions":
            return ", ".join(r.regions)
        if column == "classification":
            return classification_label(r.classification)
        return ""

    def tooltip(self, r: DriverRow, column: str) -> str | None:
        return self.display(r, column) if column in ("name", "regions") else None

    def foreground(self, r: DriverRow, column: str) -> Any:
        if column == "trend":
            return QBrush(QColor(TREND_COLOUR.get(r.trend, "#555555")))
        return None

    def order_rows(self, rows: list, key: str, descending: bool) -> list:
        from missiondesk.services.drivers import sort_rows

        return sort_rows(rows, key, descending=descending)


class DriverMatrixModel(QAbstractTableModel):
    """Drivers (rows) by stakeholders (columns); a cell shows the stakeholder's role."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._matrix: DriverMatrix | None = None

    def set_matrix(self, matrix: DriverMatrix | None) -> None:
        self.beginResetModel()
        self._matrix = matrix
        self.endResetModel()

    def matrix(self) -> DriverMatrix | None:
        return self._matrix

    def driver_id(self, row: int) -> str | None:
        m = self._matrix
        return m.drivers[row][0] if m is not None and 0 <= row < len(m.drivers) else None

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() or self._matrix is None else len(self._matrix.drivers)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() or self._matrix is None else len(self._matrix.stakeholders)

    def role_at(self, row: int, column: int) -> str | None:
        m = self._matrix
        if m is None:
            return None
        return m.cells.get((m.drivers[row][0], m.stakeholders[column][0]))

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
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
            if role in (FULL_TEXT_ROLE, Qt.ItemDataRole.ToolTipRole):
                return m.stakeholders[section][1]
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

    def export_rows(self, first_header: str) -> tuple[list[str], list[list[str]], str]:
        """(headers, one row per driver with each stakeholder's role, the classification)."""
        m = self._matrix
        if m is None:
            return [first_header], [], "UNCLASSIFIED"
        headers = [first_header] + [name for _sid, name in m.stakeholders]
        rows = [[name] + [driver_role_label(m.cells[(did, sid)]) if (did, sid) in m.cells
                          else "" for sid, _n in m.stakeholders]
                for did, name, _kind in m.drivers]
        return headers, rows, m.classification
