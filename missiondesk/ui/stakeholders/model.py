"""The Stakeholders register's model: `StakeholderRow` values from the service, never a query.

Sorting is the service's pure `sort_rows` (names with accents folded, vocabularies in their
order, blanks last, ties by name) and filtering its `row_filter` over the precomputed folded
keys, both through `RecordTableModel`, so filter-as-you-type costs a pass over the loaded rows
and the visible rows' repaint.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QColor, QFont

from missiondesk.labels import (
    category_label,
    classification_label,
    mission_stance_label,
    peace_stance_label,
    perception_label,
    priority_text,
)
from missiondesk.ui.framework.table_model import Column, RecordTableModel

if TYPE_CHECKING:
    from missiondesk.services.stakeholders import StakeholderRow

PRIORITY_COLOURS = {"A": "#b3261e", "B": "#e65100", "C": "#1565c0", "D": "#616161"}
FLAG_COLOUR = "#b3261e"


def _t(text: str) -> str:
    return QCoreApplication.translate("StakeholderTableModel", text)


def flags_text(row: Any) -> str:
    """The badges of a stakeholder (do not engage, sanctioned, HRDDP), in words."""
    badges = []
    if row.do_not_engage:
        badges.append(_t("DO NOT ENGAGE"))
    if row.sanctioned:
        badges.append(_t("SANCTIONED"))
    if row.hrddp_flag:
        badges.append(_t("HRDDP"))
    return " \u00b7 ".join(badges)


class StakeholderTableModel(RecordTableModel):
    """The register: one `StakeholderRow` a line."""

    # Long texts are elided; the priority's reasons are in its tooltip and the detail.
    COLUMNS = (
        Column("name", lambda: _t("Name"), 190, elastic=True),
        Column("flags", lambda: _t("Flags"), 96),
        Column("priority", lambda: _t("Priority"), 112),
        Column("category", lambda: _t("Category"), 128),
        Column("stance_peace", lambda: _t("Peace process"), 98),
        Column("stance_mission", lambda: _t("Toward mission"), 106),
        Column("influence", lambda: _t("Infl."), 40),
        Column("interest", lambda: _t("Int."), 40),
        Column("perception", lambda: _t("Perception"), 85),
        Column("owner", lambda: _t("Owner"), 130),
        Column("last_engaged", lambda: _t("Last engaged"), 95),
        Column("classification", lambda: _t("Classification"), 120),
    )

    #: The service's sort key of a column the service does not sort by itself.
    SORTED_AS = {"flags": "name"}

    def display(self, row: StakeholderRow, column: str) -> str:
        if column == "name":
            return row.name
        if column == "flags":
            return flags_text(row)
        if column == "category":
            return category_label(row.category)
        if column == "stance_peace":
            return peace_stance_label(row.stance_peace)
        if column == "stance_mission":
            return mission_stance_label(row.stance_mission)
        if column in ("influence", "interest"):
            return str(getattr(row, column))
        if column == "perception":
            return perception_label(row.perception)
        if column == "priority":
            return priority_text(row.priority)
        if column == "owner":
            return row.owner_name or ""
        if column == "last_engaged":
            return row.last_engaged.isoformat() if row.last_engaged else "\u2014"
        if column == "classification":
            return classification_label(row.classification)
        return ""

    def tooltip(self, row: StakeholderRow, column: str) -> str | None:
        if column == "priority":
            return priority_text(row.priority)
        if column == "flags" and row.do_not_engage:
            return _t("Do not engage: never proposed as a target or an intermediary.")
        if column == "name" and row.aliases:
            return ", ".join(row.aliases)
        return None

    def foreground(self, row: StakeholderRow, column: str) -> Any:
        if column == "flags":
            return QColor(FLAG_COLOUR)
        if column == "priority" and row.priority.letter:
            return QColor(PRIORITY_COLOURS.get(row.priority.letter, "#000000"))
        return None

    def font(self, row: StakeholderRow, column: str) -> Any:
        if column == "flags":
            bold = QFont()
            bold.setBold(True)
            return bold
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Qt's `sortByColumn` asks twice (through the header's indicator, then itself); the
        rows are already in that order the second time."""
        if self._sort != (column, order):
            super().sort(column, order)

    def order_rows(self, rows: list, key: str, descending: bool) -> list:
        from missiondesk.services.stakeholders import sort_rows

        return sort_rows(rows, self.SORTED_AS.get(key, key), descending)
