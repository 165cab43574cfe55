"""What the Mandate desk's register tabs share: the mandate they show, links between tabs and
to other desks, the detail's HTML pieces, and the mission's today."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QWidget

from missiondesk.ui.framework.desk import ListDetailDesk
from missiondesk.ui.mandate.labels import STATUS_COLOURS, status_label

if TYPE_CHECKING:
    from missiondesk.services.mandate import MandateView
    from missiondesk.ui.context import MissionContext


def esc(value: object) -> str:
    return html.escape("" if value is None else str(value))


def status_chip(code: str) -> str:
    """A benchmark status as a coloured word in a detail panel."""
    return "<b style='color:%s'>%s</b>" % (STATUS_COLOURS.get(code, "#555"),
                                           esc(status_label(code)))


def facts_table(facts: list[tuple[str, str]]) -> str:
    """Label/value rows (values already HTML)."""
    rows = "".join("<tr><td style='color:#555; padding-right:10px'>%s</td><td>%s</td></tr>"
                   % (esc(k), v) for k, v in facts)
    return "<table cellspacing='0' cellpadding='2'>%s</table>" % rows


def mission_today(ctx: MissionContext):
    """Today in the mission's time zone."""
    from missiondesk.services.clock import local_today, mission_zone

    return local_today(mission_zone(ctx.handle))


def number_text(value: float | None) -> str:
    return "" if value is None else "%g" % value


#: A detail link's kind -> the desk that opens it.
OTHER_DESKS = {"engagement": "engagements", "stakeholder": "stakeholders",
               "commitment": "commitments"}


class MandateTab(ListDetailDesk):
    """A register of one mandate's records (the desk gives the mandate with set_mandate)."""

    def __init__(self, model, parent: QWidget | None = None, **options: Any) -> None:
        super().__init__(model, parent, **options)
        self.mandate: MandateView | None = None
        if hasattr(self.detail, "anchorClicked"):
            self.detail.anchorClicked.connect(self.open_link)

    def set_mandate(self, mandate: MandateView | None) -> None:
        self.mandate = mandate
        self.refresh()
        if self._ctx is None:
            self.update_buttons()

    def show_record(self, record_id: str) -> bool:
        if self._ctx is not None and self.model.row_of(record_id) < 0:
            self.set_filters_to_all()
        return self.select_id(record_id)

    def set_filters_to_all(self) -> None:
        """Clear the tab's filters (a record asked for is hidden by one)."""

    def open_link(self, url) -> None:
        """"engagement:ID", "stakeholder:ID", "commitment:ID" open the record in its desk;
        "task:", "benchmark:", "indicator:" the Mandate desk's tab that holds it."""
        text = url if isinstance(url, str) else url.toString()
        kind, _, record_id = text.partition(":")
        if kind in OTHER_DESKS:
            window = self.window()
            if hasattr(window, "show_record"):
                window.show_record(OTHER_DESKS[kind], record_id)
            return
        desk = self.parent()
        while desk is not None and not hasattr(desk, "choose_mandate"):
            desk = desk.parent()
        if desk is not None:
            desk.show_record(record_id)
