"""Global search (Ctrl+K): the popup and opening a found record in its desk."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt

from missiondesk.ui.desks import desk_specs
from missiondesk.ui.search.popup import SearchPopup

#: The desk (ui/desks.py key) that shows each kind of record.
DESK_OF_KIND = {"stakeholder": "stakeholders", "engagement": "engagements",
                "commitment": "commitments", "source": "sources"}


def _t(text: str) -> str:
    return QCoreApplication.translate("Search", text)


def show_search(window) -> SearchPopup | None:
    """Open the search popup over the main window (nothing without an open mission)."""
    if window.ctx is None:
        return None
    popup = SearchPopup(window.ctx, window)
    popup.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    popup.openRequested.connect(lambda kind, record_id: open_record(window, kind, record_id))
    popup.place_over(window)
    popup.show()
    popup.activateWindow()
    popup.edit.setFocus()
    window.search_popup = popup  # for tests and for the lock, which closes dialogs anyway
    return popup


def open_record(window, kind: str, record_id: str) -> bool:
    """Show a record in its desk (`MainWindow.show_record`). False (with a status-bar
    word) when the desk is not there yet or does not show the record (a filter hides it)."""
    key = DESK_OF_KIND.get(kind)
    if key not in {spec.key for spec in desk_specs()}:
        window.statusBar().showMessage(
            _t("This kind of record has no desk yet."), 5000)
        return False
    shown = window.show_record(key, record_id)
    if not shown:
        window.statusBar().showMessage(
            _t("The record is hidden by the desk's filters; clear them to see it."), 8000)
    return shown
