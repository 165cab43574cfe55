"""A guard on the Qt binding itself: PySide6 6.12.0 under Python 3.11 dropped a reference to
None on every call of a void method, which aborted the interpreter after a few thousand calls
(pyproject.toml excludes that version). If a future binding regresses, this fails first."""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QGraphicsEllipseItem, QLabel


def test_void_qt_calls_keep_none_alive(qtbot):
    label = QLabel()
    qtbot.addWidget(label)
    item = QGraphicsEllipseItem(0, 0, 1, 1)
    before = sys.getrefcount(None)
    for i in range(2000):
        item.setPos(i, i)
        label.setText("x")
    assert sys.getrefcount(None) >= before - 50
