"""The Drivers desk's matrix tab: drivers (rows) by the stakeholders linked to them (columns,
names read bottom to top), each cell the stakeholder's role, with its legend."""

from __future__ import annotations

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from missiondesk.labels import driver_role_label, driver_role_short
from missiondesk.store.vocab import DriverRole
from missiondesk.ui.drivers.model import FULL_TEXT_ROLE, ROLE_COLOURS, DriverMatrixModel
from missiondesk.ui.framework.form import hint_label


class RotatedHeader(QHeaderView):
    """A horizontal header whose names read bottom to top, so many narrow columns fit."""

    def __init__(self, parent: QWidget | None = None, height: int = 190) -> None:
        super().__init__(Qt.Orientation.Horizontal, parent)
        self.setDefaultSectionSize(30)
        self.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.setFixedHeight(height)

    def paintSection(self, painter: QPainter, rect: QRect, logical: int) -> None:  # noqa: N802
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


class MatrixPage(QWidget):
    """The legend, the matrix and its Export button."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
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
        layout.addWidget(hint_label(self.tr(
            "Rows: drivers (conflict first, in red). Columns: the stakeholders linked to at "
            "least one driver. Hover a cell for the details.")))
        self.model = DriverMatrixModel(self)
        self.view = QTableView()
        self.view.setHorizontalHeader(RotatedHeader(self.view))
        self.view.setModel(self.model)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        vertical = self.view.verticalHeader()
        vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vertical.setDefaultSectionSize(26)
        vertical.setFixedWidth(330)
        vertical.setTextElideMode(Qt.TextElideMode.ElideRight)
        layout.addWidget(self.view, 1)
        export_row = QHBoxLayout()
        export_row.addStretch(1)
        self.export_button = QPushButton(self.tr("Export Matrix\u2026"))
        export_row.addWidget(self.export_button)
        layout.addLayout(export_row)
