"""Small widgets every desk and dialog shares."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel

ERROR_COLOUR = "#b3261e"


def error_label() -> QLabel:
    """The line under a form where a refused input is explained (hidden until then)."""
    label = QLabel()
    label.setObjectName("formError")
    label.setStyleSheet("color: %s;" % ERROR_COLOUR)
    label.setWordWrap(True)
    label.hide()
    return label
