"""The engagement log's table model: one page of the log at a time from the service, which
filters and sorts in SQL (`set_source`); a click on a header asks the desk for the new order."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QBrush, QColor

from missiondesk.labels import classification_label
from missiondesk.services import clock
from missiondesk.ui.engagements.labels import format_label, level_label
from missiondesk.ui.framework.table_model import Column, RecordTableModel


def _t(text: str) -> str:
    return QCoreApplication.translate("EngagementTableModel", text)


#: column key -> the service's sort (each read from an index; the lead, the people and the
#: outcome have none, and a click on their header keeps the current order)
SORT_OF = {
    "starts_at": "starts_at", "duration_minutes": "duration_minutes", "format": "format",
    "level": "level", "political": "political", "location": "location",
    "classification": "classification", "title": "title",
}


def duration_text(minutes: int) -> str:
    hours, rest = divmod(int(minutes or 0), 60)
    if hours and rest:
        return _t("{h} h {m:02d}").format(h=hours, m=rest)
    if hours:
        return _t("{h} h").format(h=hours)
    return _t("{m} min").format(m=rest)


class EngagementTableModel(RecordTableModel):
    COLUMNS = (
        Column("starts_at", lambda: _t("Date"), 118),
        Column("duration_minutes", lambda: _t("Duration"), 64, "right"),
        Column("title", lambda: _t("Title"), 200),
        Column("lead_name", lambda: _t("Lead"), 130),
        Column("participant_names", lambda: _t("Participants"), 130),
        Column("counterpart_names", lambda: _t("Counterparts"), 170),
        Column("format", lambda: _t("Format"), 96),
        Column("level", lambda: _t("Level"), 88),
        Column("political", lambda: _t("Political"), 62, "center"),
        Column("location", lambda: _t("Location"), 110),
        Column("outcome_excerpt", lambda: _t("Outcome"), 220, elastic=True),
        Column("classification", lambda: _t("Classification"), 128),
    )

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        #: called with (service sort, descending) when a header asks for a new order
        self.on_sort: Callable[[str, bool], None] | None = None
        self.flagged: set[str] = set()   # stakeholder ids with a do-not-engage/sanction/HRDDP
        self.zone = clock.zone("UTC")    # the mission's time zone: starts are shown in it

    def local_start(self, r: Any):
        """The row's start on the mission's clock (stored in UTC)."""
        return clock.to_local(r.starts_at, self.zone)

    def display(self, r: Any, key: str) -> str:
        if key == "starts_at":
            return self.local_start(r).strftime("%Y-%m-%d %H:%M")
        if key == "duration_minutes":
            return duration_text(r.duration_minutes)
        if key == "lead_name":
            return r.lead_name or ""
        if key == "participant_names":
            return ", ".join(r.participant_names)
        if key == "counterpart_names":
            return ", ".join(("\u26a0 " + n) if sid in self.flagged else n
                             for sid, n in zip(r.counterpart_ids, r.counterpart_names,
                                               strict=False))
        if key == "format":
            return format_label(r.format)
        if key == "level":
            return level_label(r.level) if r.level else ""
        if key == "political":
            return _t("Yes") if r.political else _t("No")
        if key == "classification":
            return classification_label(r.classification)
        value = getattr(r, key, None)
        return "" if value is None else str(value)

    def tooltip(self, r: Any, key: str) -> str | None:
        if key in ("title", "participant_names", "counterpart_names", "outcome_excerpt",
                   "location"):
            return self.display(r, key) or None
        if key == "starts_at":
            return _t("{start} ({zone}), {duration}").format(
                start=self.display(r, key), zone=self.zone.key,
                duration=duration_text(r.duration_minutes))
        return None

    def foreground(self, r: Any, key: str) -> Any:
        if key == "counterpart_names" and self.flagged.intersection(r.counterpart_ids):
            return QBrush(QColor("#9a1b1b"))
        if key == "political" and not r.political:
            return QBrush(QColor("#666666"))
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if 0 <= column < len(self.COLUMNS) and self.COLUMNS[column].key not in SORT_OF:
            return  # no index orders it: the rows keep their order
        before = self._sort
        super().sort(column, order)
        if self._sort == before or self.on_sort is None:
            return
        key = SORT_OF.get(self.COLUMNS[column].key)
        if key is not None:
            self.on_sort(key, order == Qt.SortOrder.DescendingOrder)

    def service_sort(self) -> tuple[str, bool]:
        """The service's (sort, descending) for the header's order (by date, newest first,
        when the column has none)."""
        if self._sort is None:
            return "starts_at", True
        column, order = self._sort
        key = SORT_OF.get(self.COLUMNS[column].key)
        if key is None:
            return "starts_at", True
        return key, order == Qt.SortOrder.DescendingOrder
