"""The Communications desk: the strategic communications plan and what feeds it, one tab each.

The tabs come from `TABS`, one line per tab: (key, title function, module, class name). A tab's
module is imported and its widget built the first time the tab is shown, so opening the desk
pays for one tab only. A tab is a QWidget with `attach(ctx)` (a mission opened), `detach()` (it
closed) and, when it shows records, `show_record(record_id)` (select it; False if it is not
one of its records).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QVBoxLayout, QWidget

from missiondesk.ui.framework.tabs import LazyTabs

if TYPE_CHECKING:
    from missiondesk.ui.context import MissionContext


def _t(text: str) -> str:
    return QCoreApplication.translate("CommunicationsDesk", text)


_PACKAGE = "missiondesk.ui.communications."

#: The desk's tabs, in order: (key, title, module, class name).
TABS: list[tuple[str, Callable[[], str], str, str]] = [
    ("objectives", lambda: _t("Objectives"), _PACKAGE + "objectives", "ObjectivesTab"),
    ("audiences", lambda: _t("Audiences"), _PACKAGE + "audiences", "AudiencesTab"),
    ("messages", lambda: _t("Key Messages"), _PACKAGE + "messages", "MessagesTab"),
    ("plan", lambda: _t("Plan"), _PACKAGE + "plan", "PlanTab"),
    ("coverage", lambda: _t("Coverage"), _PACKAGE + "coverage", "CoverageTab"),
    ("milestones", lambda: _t("Milestones"), _PACKAGE + "milestones", "MilestonesTab"),
    ("calendar", lambda: _t("Calendar"), _PACKAGE + "calendar", "CalendarTab"),
    ("media", lambda: _t("Media"), _PACKAGE + "media", "MediaTab"),
    ("rumours", lambda: _t("Rumours"), _PACKAGE + "rumours", "RumoursTab"),
]


class CommunicationsDesk(QWidget):
    """A tab per part of the communications plan, each built when first shown."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx: MissionContext | None = None
        self.tabs = LazyTabs(TABS, self._tab_built)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addWidget(self.tabs)
        self.tabs.build_current()

    # --- the tabs ------------------------------------------------------------------------------

    def _tab_built(self, widget: QWidget) -> None:
        if self._ctx is not None:
            widget.attach(self._ctx)

    def keys(self) -> list[str]:
        return self.tabs.keys()

    def tab(self, key: str) -> QWidget:
        """The tab's widget, built (and attached to the open mission) on first use."""
        return self.tabs.tab(key)

    def select_tab(self, key: str) -> QWidget:
        return self.tabs.select_tab(key)

    def show_record(self, record_id: str) -> bool:
        """Show a record in the tab that holds it (objective, audience, message...)."""
        return self.tabs.show_record(record_id)

    select_id = show_record  # what the main window's show_record calls

    # --- the mission's lifecycle ----------------------------------------------------------------

    @property
    def ctx(self) -> MissionContext | None:
        return self._ctx

    def attach(self, ctx: MissionContext) -> None:
        self._ctx = ctx
        for widget in self.tabs.built.values():
            widget.attach(ctx)

    def detach(self) -> None:
        self._ctx = None
        for widget in self.tabs.built.values():
            widget.detach()
