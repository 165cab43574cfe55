"""Tabs whose widgets are imported and built the first time they are shown.

A desk made of tabs (Communications, Mandate) lists them once as (key, title function, module,
class name); `LazyTabs` shows a placeholder per tab, imports the module and builds the widget
when the tab is first shown (or asked for), and hands each new widget to the desk (`on_built`:
attach it to the open mission). Opening the desk pays for one tab only.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence

from PySide6.QtWidgets import QTabWidget, QWidget

#: (key, title function, module, class name)
TabSpec = tuple[str, Callable[[], str], str, str]


class LazyTabs(QTabWidget):
    """A tab per spec, each built on first use."""

    def __init__(self, specs: Sequence[TabSpec], on_built: Callable[[QWidget], None],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._specs = list(specs)
        self._on_built = on_built
        self.built: dict[str, QWidget] = {}
        self.setDocumentMode(True)
        for _key, title, _module, _class in self._specs:
            self.addTab(QWidget(), title())  # a placeholder until first shown
        self.currentChanged.connect(self._shown)

    def build_current(self) -> None:
        """Build the tab shown first (call once the desk is ready for `on_built`)."""
        self._shown(self.currentIndex())

    def keys(self) -> list[str]:
        return [key for key, *_rest in self._specs]

    def tab(self, key: str) -> QWidget:
        """The tab's widget, built (and handed to `on_built`) on first use."""
        if key not in self.built:
            index = self.keys().index(key)
            _key, title, module, class_name = self._specs[index]
            widget = getattr(importlib.import_module(module), class_name)(None)
            placeholder = self.widget(index)
            self.blockSignals(True)
            current = self.currentIndex()
            self.removeTab(index)
            self.insertTab(index, widget, title())
            self.setCurrentIndex(current)
            self.blockSignals(False)
            placeholder.deleteLater()
            self.built[key] = widget
            self._on_built(widget)
        return self.built[key]

    def select_tab(self, key: str) -> QWidget:
        widget = self.tab(key)
        self.setCurrentIndex(self.keys().index(key))
        return widget

    def show_record(self, record_id: str) -> bool:
        """Show a record in the tab that holds it (each tab's `show_record` is asked in
        turn); False when none does."""
        for key in self.keys():
            widget = self.tab(key)
            show = getattr(widget, "show_record", None)
            if show is not None and show(record_id):
                self.setCurrentIndex(self.keys().index(key))
                return True
        return False

    def _shown(self, index: int) -> None:
        if 0 <= index < len(self._specs):
            self.tab(self._specs[index][0])
