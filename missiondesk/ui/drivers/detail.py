"""The Drivers desk's detail panel: one driver's facts, its text, the stakeholders linked to
it with their role, its dated assessments and its history."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from missiondesk.labels import (
    classification_label,
    driver_domain_label,
    driver_kind_label,
    driver_level_label,
    driver_role_label,
    trend_label,
)
from missiondesk.messages import field_label
from missiondesk.ui.drivers.model import ROLE_COLOURS, TREND_COLOUR, trend_text

if TYPE_CHECKING:
    from missiondesk.services.drivers import DriverDetail, DriverLinkView, HistoryEntry

DASH = "\u2014"


def _escape(text: object) -> str:
    return html.escape(str(text), quote=False).replace("\n", "<br>")


def _short(value: object, limit: int = 60) -> str:
    text = DASH if value in (None, "") else str(value)
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


def _rich_label() -> QLabel:
    label = QLabel()
    label.setTextFormat(Qt.TextFormat.RichText)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def _section_title(text: str) -> QLabel:
    label = QLabel("<b>%s</b>" % _escape(text))
    label.setContentsMargins(0, 10, 0, 2)
    return label


#: How a field's codes read in the history.
_FIELD_LABELS = {"kind": driver_kind_label, "level": driver_level_label,
                 "domain": driver_domain_label, "trend": trend_label,
                 "classification": classification_label, "role": driver_role_label}


class DriverDetailPanel(QScrollArea):
    """What the selected driver says. A scroll area whose content keeps the height its
    wrapped labels need at the current width (QScrollArea alone sized it to the viewport
    and the labels were clipped)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        host = QWidget()
        layout = QVBoxLayout(host)
        layout.setContentsMargins(12, 4, 12, 12)
        self.empty = QLabel(self.tr("Select a driver to see its stakeholders, its "
                                    "assessments and its history."))
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.empty)
        self.title = QLabel()
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.35)
        font.setBold(True)
        self.title.setFont(font)
        self.title.setWordWrap(True)
        layout.addWidget(self.title)
        # A form of plain labels, not an HTML table: wrapped tables in a QLabel measure
        # their height wrongly inside a scroll area and get clipped.
        self.facts = QWidget()
        facts = QFormLayout(self.facts)
        facts.setContentsMargins(0, 4, 0, 4)
        facts.setVerticalSpacing(3)
        self.fact_values: dict[str, QLabel] = {}
        for key, title in (("kind", self.tr("Kind")), ("level", self.tr("Level")),
                           ("domain", self.tr("Domain")), ("trend", self.tr("Trend")),
                           ("severity", self.tr("Severity")), ("regions", self.tr("Regions")),
                           ("time_horizon", self.tr("Time horizon")),
                           ("classification", self.tr("Classification")),
                           ("updated", self.tr("Last changed"))):
            self.fact_values[key] = _rich_label()
            facts.addRow("<b>%s</b>" % _escape(title), self.fact_values[key])
        layout.addWidget(self.facts)
        self.text = _rich_label()
        layout.addWidget(self.text)

        links_head = QHBoxLayout()
        self.links_title = _section_title(self.tr("Linked stakeholders"))
        links_head.addWidget(self.links_title, 1)
        self.unlink_button = QPushButton(self.tr("Remove Link"))
        links_head.addWidget(self.unlink_button, 0, Qt.AlignmentFlag.AlignBottom)
        layout.addLayout(links_head)
        self.links = QTreeWidget()
        self.links.setHeaderLabels([self.tr("Stakeholder"), self.tr("Role"), self.tr("Note")])
        self.links.setRootIsDecorated(False)
        self.links.setColumnWidth(0, 220)
        self.links.setColumnWidth(1, 85)
        self.links.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.links.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        layout.addWidget(self.links)
        self.assessments_title = _section_title(self.tr("Assessments (newest first)"))
        layout.addWidget(self.assessments_title)
        self.assessments = _rich_label()
        layout.addWidget(self.assessments)
        self.history_title = _section_title(self.tr("History"))
        layout.addWidget(self.history_title)
        self.history = _rich_label()
        layout.addWidget(self.history)
        layout.addStretch(1)

        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        # A scroll bar that comes and goes would change the width the labels were fitted at.
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        self.setWidget(host)
        self.setMinimumWidth(380)
        self._parts = (self.title, self.facts, self.text, self.links, self.assessments,
                       self.history, self.unlink_button, self.links_title,
                       self.assessments_title, self.history_title)
        self.show_driver(None)

    def selected_link(self) -> DriverLinkView | None:
        item = self.links.currentItem()
        return item.data(0, Qt.ItemDataRole.UserRole) if item is not None else None

    def fit(self) -> None:
        widget = self.widget()
        if widget is None or widget.layout() is None:
            return
        widget.setMinimumHeight(max(0, widget.layout().heightForWidth(self.viewport().width())))

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        self.fit()

    def show_driver(self, d: DriverDetail | None) -> None:
        self.empty.setVisible(d is None)
        for part in self._parts:
            part.setVisible(d is not None)
        if d is None:
            self.links.clear()
            return
        self.title.setText(d.name)
        updated = DASH
        if d.updated_at:
            updated = self.tr("{date} by {who}").format(
                date=d.updated_at.strftime("%Y-%m-%d %H:%M"), who=d.updated_by or DASH)
        facts = {
            "kind": _escape(driver_kind_label(d.kind)),
            "level": _escape(driver_level_label(d.level)),
            "domain": _escape(driver_domain_label(d.domain)),
            "trend": "<span style='color:%s'>%s</span>" % (
                TREND_COLOUR.get(d.trend, "#555"), _escape(trend_text(d.trend))),
            "severity": _escape("%d / 5" % d.severity),
            "regions": _escape(", ".join(d.regions) or DASH),
            "time_horizon": _escape(d.time_horizon or DASH),
            "classification": _escape(classification_label(d.classification)),
            "updated": _escape(updated),
        }
        for key, text in facts.items():
            self.fact_values[key].setText(text)
        self.text.setText("".join(
            "<p><b>%s</b><br>%s</p>" % (_escape(title), _escape(value) if value else DASH)
            for title, value in ((self.tr("Description"), d.description),
                                 (self.tr("Mission levers"), d.mission_levers))))
        self._show_links(d.links)
        if d.assessments:
            self.assessments.setText("".join(
                "<p style='margin-bottom:6px'><b>%s</b> &nbsp;<span style='color:%s'>%s"
                "</span> &middot; %s &middot; %s%s</p>" % (
                    a.assessed_on.isoformat(), TREND_COLOUR.get(a.trend, "#555"),
                    _escape(trend_text(a.trend)),
                    _escape(self.tr("severity {n}").format(n=a.severity)
                            if a.severity is not None else self.tr("severity unchanged")),
                    _escape(a.assessed_by or DASH),
                    "<br><i>%s</i>" % _escape(a.note) if a.note else "")
                for a in d.assessments))
        else:
            self.assessments.setText(self.tr("No assessment recorded yet."))
        self.history.setText("<br>".join(self._history_line(h) for h in d.history[:12])
                             or self.tr("No change recorded."))
        self.fit()

    def _show_links(self, links: tuple[DriverLinkView, ...]) -> None:
        self.links.clear()
        for link in links:
            item = QTreeWidgetItem([link.name, driver_role_label(link.role), link.note or ""])
            item.setData(0, Qt.ItemDataRole.UserRole, link)
            item.setToolTip(0, link.name)
            item.setToolTip(2, link.note or "")
            background, colour = ROLE_COLOURS.get(link.role, ("#eeeeee", "#222222"))
            item.setBackground(1, QBrush(QColor(background)))
            item.setForeground(1, QBrush(QColor(colour)))
            self.links.addTopLevelItem(item)
        if not links:
            placeholder = QTreeWidgetItem([self.tr("No stakeholder linked yet."), "", ""])
            placeholder.setFlags(Qt.ItemFlag.NoItemFlags)
            self.links.addTopLevelItem(placeholder)
        rows = max(1, len(links))
        self.links.setFixedHeight(self.links.header().sizeHint().height() + 6
                                  + rows * max(16, self.links.sizeHintForRow(0)))

    def _history_line(self, h: HistoryEntry) -> str:
        what = {
            ("drivers", "create"): self.tr("created the driver"),
            ("drivers", "delete"): self.tr("deleted the driver"),
            ("drivers", "restore"): self.tr("restored the driver"),
            ("driver_stakeholders", "create"): self.tr("linked a stakeholder"),
            ("driver_stakeholders", "delete"): self.tr("removed a stakeholder link"),
            ("driver_stakeholders", "restore"): self.tr("restored a stakeholder link"),
            ("driver_assessments", "create"): self.tr("recorded an assessment"),
            ("driver_assessments", "delete"): self.tr("withdrew an assessment"),
            ("driver_assessments", "restore"): self.tr("restored an assessment"),
        }.get((h.table, h.action))
        if what is None and h.action == "update":
            old, new = h.old_value, h.new_value
            if isinstance(old, list):
                old = ", ".join(map(str, old))
            if isinstance(new, list):
                new = ", ".join(map(str, new))
            if h.field in _FIELD_LABELS:
                old = _FIELD_LABELS[h.field](old) if old else old
                new = _FIELD_LABELS[h.field](new) if new else new
            what = self.tr("changed {field}: {old} \u2192 {new}").format(
                field=field_label(h.field or ""), old=_short(old), new=_short(new))
        return "<span style='color:palette(placeholder-text)'>%s</span> %s: %s" % (
            h.at.strftime("%Y-%m-%d %H:%M"), _escape(h.user_name or DASH),
            _escape(what or h.action))
