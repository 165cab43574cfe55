"""A place in a tab for one matplotlib figure, replaced each time it is drawn again."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QVBoxLayout, QWidget


class ChartSlot(QWidget):
    """Holds the canvas of the latest figure shown (None before the first, after clear)."""

    def __init__(self, minimum_height: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._minimum_height = minimum_height
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self.canvas: Any = None

    def show_figure(self, figure) -> None:
        from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg

        self.clear()
        self.canvas = FigureCanvasQTAgg(figure)
        self.canvas.setMinimumHeight(self._minimum_height)
        self._layout.addWidget(self.canvas)

    def clear(self) -> None:
        if self.canvas is not None:
            self._layout.removeWidget(self.canvas)
            self.canvas.setParent(None)
            self.canvas.deleteLater()
            self.canvas = None
