"""The table models of the Commitments desk: the commitments (paged in SQL) and the
engagement gaps (a short list, whole)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QBrush, QColor, QFont

from missiondesk.labels import (
    classification_label,
    commitment_status_label,
    commitment_type_label,
)
from missiondesk.ui.framework.table_model import Column, RecordTableModel

OVERDUE_BACKGROUND = "#fde8e6"
OVERDUE_TEXT = "#a3221a"
CLOSED_TEXT = "#6b6b6b"


def _t(text: str, n: int = -1) -> str:
    return QCoreApplication.translate("CommitmentTableModel", text, "", n)


def overdue_text(days: int) -> str:
    return _t("Overdue by %n day(s)", days)


def who_text(row) -> str:
    return _t("The mission") if row.by_mission else (row.committed_by_name or "\u2014")


def engagement_text(row) -> str:
    if not row.engagements:
        return ""
    first = row.engagements[-1]  # the latest meeting it came up in
    text = "%s %s" % (first.starts_at.strftime("%Y-%m-%d"), first.title)
    if len(row.engagements) > 1:
        text += " " + _t("(+%n more)", len(row.engagements) - 1)
    return text


class CommitmentTableModel(RecordTableModel):
    """Commitments a page at a time; the desk sorts and filters in the service."""

    COLUMNS = (
        Column("due_date", lambda: _t("Due"), 92),
        Column("status", lambda: _t("Status"), 118),
        Column("text", lambda: _t("Commitment"), 260, elastic=True),
        Column("committed_by", lambda: _t("Committed by"), 150),
        Column("owner", lambda: _t("Owner"), 130),
        Column("commitment_type", lambda: _t("Type"), 96),
        Column("provision", lambda: _t("Provision"), 82),
        Column("engagement", lambda: _t("Engagement"), 200),
        Column("classification", lambda: _t("Classification"), 120),
    )

    def display(self, row, key: str) -> str:
        if key == "due_date":
            return row.due_date.isoformat() if row.due_date else _t("no date")
        if key == "status":
            return commitment_status_label(row.status)
        if key == "text":
            return row.text.replace("\n", " ")
        if key == "committed_by":
            return who_text(row)
        if key == "owner":
            return row.owner_name or ""
        if key == "commitment_type":
            return commitment_type_label(row.commitment_type)
        if key == "provision":
            return row.provision_reference or ""
        if key == "engagement":
            return engagement_text(row)
        if key == "classification":
            return classification_label(row.classification)
        return ""

    def tooltip(self, row, key: str) -> str | None:
        if row.overdue:
            return overdue_text(row.days_overdue)
        if key == "text":
            return row.text
        if key == "provision" and row.agreement_name:
            return "%s, %s" % (row.agreement_name, row.provision_reference)
        if key == "engagement" and row.engagements:
            return "\n".join("%s %s" % (e.starts_at.strftime("%Y-%m-%d"), e.title)
                             for e in row.engagements)
        return None

    def foreground(self, row, key: str) -> Any:
        if row.overdue and key in ("due_date", "status"):
            return QBrush(QColor(OVERDUE_TEXT))
        if row.status in ("fulfilled", "withdrawn"):
            return QBrush(QColor(CLOSED_TEXT))
        return None

    def background(self, row, key: str) -> Any:
        return QBrush(QColor(OVERDUE_BACKGROUND)) if row.overdue else None

    def font(self, row, key: str) -> Any:
        if row.overdue and key == "due_date":
            font = QFont()
            font.setBold(True)
            return font
        return None


def gap_t(text: str, n: int = -1) -> str:
    return QCoreApplication.translate("GapTableModel", text, "", n)


def days_since_text(gap) -> str:
    return gap_t("never engaged") if gap.days_since is None else \
        gap_t("%n day(s)", gap.days_since)


class GapTableModel(RecordTableModel):
    """Priority stakeholders not engaged for too long (a short list, loaded whole)."""

    COLUMNS = (
        Column("priority", lambda: gap_t("Priority"), 64, "center"),
        Column("name", lambda: gap_t("Stakeholder"), 240, elastic=True),
        Column("days_since", lambda: gap_t("Since last engagement"), 150),
        Column("last_engaged", lambda: gap_t("Last engaged"), 110),
        Column("owner", lambda: gap_t("Owner"), 160),
    )

    def row_id(self, row) -> Any:
        return row.stakeholder_id

    def display(self, row, key: str) -> str:
        if key == "priority":
            return row.priority
        if key == "name":
            return row.name
        if key == "days_since":
            return days_since_text(row)
        if key == "last_engaged":
            return row.last_engaged.isoformat() if row.last_engaged else "\u2014"
        if key == "owner":
            return row.owner_name or gap_t("nobody")
        return ""

    def sort_key(self, row, key: str) -> Any:
        if key == "days_since":  # never engaged is the longest
            return 10 ** 6 if row.days_since is None else row.days_since
        if key == "last_engaged":
            return row.last_engaged.isoformat() if row.last_engaged else "0"
        return self.display(row, key)

    def tooltip(self, row, key: str) -> str | None:
        return gap_t("Priority {letter}: a gap after {days} days without an engagement"
                     ).format(letter=row.priority, days=row.threshold)

    def foreground(self, row, key: str) -> Any:
        if key == "days_since":
            return QBrush(QColor(OVERDUE_TEXT))
        return None
