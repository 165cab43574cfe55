"""The Stakeholders desk: the register (filter-as-you-type, sort on every column), the detail
panel a leader reads in seconds, the power–interest grid, and every edit undoable.

Filtering and sorting run in the model over rows the service loaded once (precomputed folded
keys), never through a QSortFilterProxyModel; the table has fixed row heights and section
sizes so a keystroke costs only the visible rows.
"""

from __future__ import annotations

import html
from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from missiondesk.labels import (
    audit_action_label,
    category_label,
    classification_label,
    kind_label,
    mission_stance_label,
    peace_stance_label,
    perception_label,
    priority_text,
    relationship_type_label,
)
from missiondesk.messages import error_text
from missiondesk.services.names import fold
from missiondesk.store.errors import MissionError
from missiondesk.store.vocab import EngagementPriority, PeaceStance, StakeholderCategory
from missiondesk.ui.framework.commands import (
    CreateRecordCommand,
    DeleteRecordCommand,
    EditRecordCommand,
    push_command,
)

if TYPE_CHECKING:
    from missiondesk.ui.context import MissionContext

RowRole = Qt.ItemDataRole.UserRole + 1

#: Tables whose changes can alter what this desk shows.
WATCHED = ("stakeholders", "stakeholder_assessments", "stakeholder_perceptions", "team_members",
           "engagements", "engagement_counterparts", "commitments", "relationships",
           "driver_stakeholders", "drivers")

PRIORITY_COLOURS = {"A": "#b3261e", "B": "#e65100", "C": "#1565c0", "D": "#616161"}


class StakeholderTableModel(QAbstractTableModel):
    """Adapts StakeholderRow values; never queries. Sorting is the service's pure sort_rows."""

    COLUMNS = ("name", "flags", "priority", "category", "stance_peace", "stance_mission",
               "influence", "interest", "perception", "owner", "last_engaged", "classification")

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._rows: list = []
        self.headers = {
            "name": self.tr("Name"), "flags": self.tr("Flags"), "category": self.tr("Category"),
            "stance_peace": self.tr("Peace process"), "stance_mission": self.tr("Toward mission"),
            "influence": self.tr("Infl."), "interest": self.tr("Int."),
            "perception": self.tr("Perception"), "priority": self.tr("Priority"),
            "owner": self.tr("Owner"), "last_engaged": self.tr("Last engaged"),
            "classification": self.tr("Classification"),
        }

    def set_rows(self, rows: list) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def rows(self) -> list:
        return self._rows

    def row_of(self, stakeholder_id: str) -> int:
        for i, row in enumerate(self._rows):
            if row.id == stakeholder_id:
                return i
        return -1

    def rowCount(self, parent=None) -> int:  # noqa: N802 - Qt's name
        return 0 if parent is not None and parent.isValid() else len(self._rows)

    def columnCount(self, parent=None) -> int:  # noqa: N802
        return 0 if parent is not None and parent.isValid() else len(self.COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.headers[self.COLUMNS[section]]
        return None

    def flags_text(self, row) -> str:
        badges = []
        if row.do_not_engage:
            badges.append(self.tr("DO NOT ENGAGE"))
        if row.sanctioned:
            badges.append(self.tr("SANCTIONED"))
        if row.hrddp_flag:
            badges.append(self.tr("HRDDP"))
        return " \u00b7 ".join(badges)

    def display(self, row, column: str) -> str:
        if column == "name":
            return row.name
        if column == "flags":
            return self.flags_text(row)
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

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        column = self.COLUMNS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self.display(row, column)
        if role == RowRole:
            return row
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == "priority":
                return priority_text(row.priority)
            if column == "flags" and row.do_not_engage:
                return self.tr("Do not engage: never proposed as a target or an intermediary.")
            if column == "name" and row.aliases:
                return ", ".join(row.aliases)
            return None
        if role == Qt.ItemDataRole.ForegroundRole:
            if column == "flags":
                return QColor("#b3261e")
            if column == "priority" and row.priority.letter:
                return QColor(PRIORITY_COLOURS.get(row.priority.letter, "#000000"))
        if role == Qt.ItemDataRole.FontRole and column == "flags":
            font = QFont()
            font.setBold(True)
            return font
        return None


def _esc(value) -> str:
    return html.escape(str(value)) if value not in (None, "") else "\u2014"


class StakeholdersDesk(QWidget):
    #: the user asked to see a stakeholder on the influence map (the main window switches desk)
    showOnMapRequested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx: MissionContext | None = None
        self._all_rows: list = []
        self._sort = ("name", False)
        self._detail = None
        self._grid_ids: list[str] = []
        self._grid_canvas = None

        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("Filter by name or alias\u2026"))
        self.search.setClearButtonEnabled(True)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(80)
        self._debounce.timeout.connect(self.apply_filter)
        self.search.textChanged.connect(lambda _t: self._debounce.start())
        self.category_filter = self._filter_combo(
            self.tr("All categories"),
            sorted((category_label(c), c.value) for c in StakeholderCategory))
        self.stance_filter = self._filter_combo(
            self.tr("All stances"), [(peace_stance_label(s), s.value) for s in PeaceStance])
        self.priority_filter = self._filter_combo(
            self.tr("All priorities"), [(p.value, p.value) for p in EngagementPriority])
        self.owner_filter = self._filter_combo(self.tr("All owners"), [])
        self.region_filter = self._filter_combo(self.tr("All regions"), [])
        self.tag_filter = self._filter_combo(self.tr("All tags"), [])

        filters = QHBoxLayout()
        self.search.setMinimumWidth(150)
        filters.addWidget(self.search, 3)
        for combo in (self.category_filter, self.stance_filter, self.priority_filter,
                      self.owner_filter, self.region_filter, self.tag_filter):
            # Shrink to a few letters on a laptop screen; the list opens at full width.
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(8)
            combo.view().setMinimumWidth(combo.view().sizeHintForColumn(0) + 24)
            combo.setToolTip(combo.itemText(0))
            filters.addWidget(combo, 1)

        self.model = StakeholderTableModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setSortingEnabled(True)
        self.table.setWordWrap(False)
        self.table.setAlternatingRowColors(True)
        vertical = self.table.verticalHeader()
        vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vertical.setDefaultSectionSize(24)
        vertical.hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        # Long texts are elided; the priority's reasons are in its tooltip and the detail.
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        widths = {"name": 200, "flags": 120, "category": 140, "stance_peace": 100,
                  "stance_mission": 110, "influence": 40, "interest": 40, "perception": 85,
                  "priority": 150, "owner": 140, "last_engaged": 95, "classification": 120}
        for i, column in enumerate(StakeholderTableModel.COLUMNS):
            header.resizeSection(i, widths[column])
        header.setSortIndicator(0, Qt.SortOrder.AscendingOrder)
        header.sortIndicatorChanged.connect(self._sort_changed)
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)
        self.count_label = QLabel()

        buttons = QHBoxLayout()
        self.new_button = QPushButton(self.tr("New\u2026"))
        self.edit_button = QPushButton(self.tr("Edit\u2026"))
        self.assess_button = QPushButton(self.tr("New Assessment\u2026"))
        self.priority_button = QPushButton(self.tr("Set Priority\u2026"))
        self.delete_button = QPushButton(self.tr("Delete"))
        self.redact_button = QPushButton(self.tr("Redact\u2026"))
        self.redact_button.clicked.connect(self.redact_stakeholder_field)
        self.export_button = QPushButton(self.tr("Export\u2026"))
        self.new_button.clicked.connect(self.new_stakeholder)
        self.edit_button.clicked.connect(self.edit_stakeholder)
        self.assess_button.clicked.connect(self.new_assessment)
        self.priority_button.clicked.connect(self.set_priority)
        self.delete_button.clicked.connect(self.delete_stakeholder)
        self.export_button.clicked.connect(self.export_view)
        for button in (self.new_button, self.edit_button, self.assess_button,
                       self.priority_button, self.delete_button, self.redact_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.export_button)

        register = QWidget()
        register_layout = QVBoxLayout(register)
        register_layout.setContentsMargins(0, 0, 0, 0)
        register_layout.addWidget(self.table, 1)
        register_layout.addLayout(buttons)

        self.grid_host = QWidget()
        self.grid_layout = QVBoxLayout(self.grid_host)
        self.grid_layout.setContentsMargins(0, 0, 0, 0)
        self.grid_hint = QLabel(self.tr("Stakeholders of the current filter by influence and "
                                        "interest; click a point to select it."))
        self.grid_layout.addWidget(self.grid_hint)

        self.views = QTabWidget()
        self.views.addTab(register, self.tr("Register"))
        self.views.addTab(self.grid_host, self.tr("Power\u2013Interest Grid"))
        self.views.currentChanged.connect(self._view_changed)
        self.count_label.setContentsMargins(0, 0, 6, 0)
        self.views.setCornerWidget(self.count_label)  # "69 of 69 stakeholders", top right

        self.detail = QTextBrowser()
        self.detail.setOpenLinks(False)
        self.detail.anchorClicked.connect(self._link_clicked)
        self.detail.setMinimumWidth(260)
        from missiondesk.ui.relationships.dialog import RelationshipsPanel

        self.relationships = RelationshipsPanel()
        self.relationships.stakeholderActivated.connect(self.go_to_stakeholder)
        self.side = QTabWidget()
        self.side.addTab(self.detail, self.tr("Profile"))
        self.side.addTab(self.relationships, self.tr("Relationships"))
        self.map_button = QPushButton(self.tr("Show on Influence Map"))
        self.map_button.clicked.connect(self._show_on_map)
        self.side.setCornerWidget(self.map_button)

        splitter = QSplitter()
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(self.views)
        splitter.addWidget(self.side)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([760, 420])
        self.splitter = splitter
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        # The filters span the desk: they choose the rows of the register and the grid.
        layout.addLayout(filters)
        layout.addWidget(splitter, 1)
        self._update_buttons()

    def _filter_combo(self, everything: str, items: list[tuple[str, str]]) -> QComboBox:
        combo = QComboBox()
        combo.addItem(everything, None)
        for label, code in items:
            combo.addItem(label, code)
        combo.currentIndexChanged.connect(lambda _i: self.apply_filter())
        return combo

    # --- the mission lifecycle -----------------------------------------------------------

    def attach(self, ctx: MissionContext) -> None:
        self._ctx = ctx
        ctx.bus.missionChanged.connect(self._on_changed)
        self.relationships.attach(ctx)
        self.reload()
        if self.selected_id() is None and self.model.rows():
            self.select_stakeholder(self.model.rows()[0].id)

    def detach(self) -> None:
        if self._ctx is not None:
            self._ctx.bus.missionChanged.disconnect(self._on_changed)
        self.relationships.detach()
        self._ctx = None
        self._all_rows = []
        self._detail = None
        self.model.set_rows([])
        self.detail.clear()
        self._update_buttons()

    def _on_changed(self, changed) -> None:
        if changed.touches(*WATCHED):
            self.reload()

    def reload(self) -> None:
        """Load the rows from the services, keep the filter and the selected stakeholder."""
        if self._ctx is None:
            return
        from missiondesk.services import stakeholders as service

        selected = self.selected_id()
        self._all_rows = service.list_stakeholders(self._ctx.handle)
        self._fill_filter_options(service.filter_options(self._ctx.handle))
        self.apply_filter()
        if selected:
            self.select_stakeholder(selected)

    def _fill_filter_options(self, options: dict) -> None:
        for combo, items in ((self.owner_filter, options.get("owners", [])),
                             (self.region_filter, [(r, r) for r in options.get("regions", [])]),
                             (self.tag_filter, [(t, t) for t in options.get("tags", [])])):
            current = combo.currentData()
            combo.blockSignals(True)
            while combo.count() > 1:
                combo.removeItem(1)
            for item in items:
                code, label = (item[0], item[1]) if combo is self.owner_filter else item
                combo.addItem(label, code)
            combo.setCurrentIndex(max(0, combo.findData(current)) if current else 0)
            combo.blockSignals(False)

    # --- filtering and sorting -----------------------------------------------------------

    def current_filter(self):
        from missiondesk.services.stakeholders import StakeholderFilter

        def picked(combo: QComboBox) -> frozenset:
            return frozenset([combo.currentData()]) if combo.currentData() else frozenset()

        return StakeholderFilter(
            text=self.search.text(), categories=picked(self.category_filter),
            stances=picked(self.stance_filter), priorities=picked(self.priority_filter),
            owner_ids=picked(self.owner_filter), regions=picked(self.region_filter),
            tags=picked(self.tag_filter))

    def apply_filter(self) -> None:
        """Filter and sort in the model (what a keystroke costs after the debounce)."""
        from missiondesk.services.stakeholders import filter_rows, sort_rows

        self._debounce.stop()
        selected = self.selected_id()
        rows = sort_rows(filter_rows(self._all_rows, self.current_filter()), *self._sort)
        self.model.set_rows(rows)
        self.count_label.setText(self.tr("%d of %d stakeholders") % (len(rows),
                                                                      len(self._all_rows)))
        if selected and self.model.row_of(selected) >= 0:
            self.select_stakeholder(selected)
        else:
            self._show_detail(None)
        if self.views.currentIndex() == 1:
            self._draw_grid()

    def _sort_changed(self, section: int, order: Qt.SortOrder) -> None:
        column = StakeholderTableModel.COLUMNS[section]
        key = {"flags": "name", "owner": "owner"}.get(column, column)
        self._sort = (key, order == Qt.SortOrder.DescendingOrder)
        self.apply_filter()

    # --- selection and detail ------------------------------------------------------------

    def selected_id(self) -> str | None:
        index = self.table.currentIndex()
        if not index.isValid():
            return None
        return self.model.data(index, RowRole).id

    def select_stakeholder(self, stakeholder_id: str) -> bool:
        row = self.model.row_of(stakeholder_id)
        if row < 0:
            return False
        self.table.selectRow(row)
        self.table.setCurrentIndex(self.model.index(row, 0))
        self.table.scrollTo(self.model.index(row, 0))
        return True

    def _current_changed(self, current: QModelIndex, _previous) -> None:
        if not current.isValid():
            self._show_detail(None)
            return
        self._show_detail(self.model.data(current, RowRole).id)

    def _show_detail(self, stakeholder_id: str | None) -> None:
        self._detail = None
        self.relationships.show_stakeholder(stakeholder_id if self._ctx is not None else None)
        if stakeholder_id is None or self._ctx is None:
            self.detail.setHtml("<p style='color:#666'>%s</p>" % html.escape(
                self.tr("Select a stakeholder to see its profile, motivations, perception, "
                        "relationships, engagements and history.")))
            self._update_buttons()
            return
        from missiondesk.services import stakeholders as service

        try:
            self._detail = service.get_stakeholder(self._ctx.handle, stakeholder_id)
        except MissionError as exc:
            self.detail.setHtml("<p>%s</p>" % html.escape(error_text(exc)))
            self._update_buttons()
            return
        self.detail.setHtml(self._detail_html(self._detail))
        self._update_buttons()

    def _update_buttons(self) -> None:
        has_mission = self._ctx is not None
        has = self._detail is not None
        self.new_button.setEnabled(has_mission)
        self.export_button.setEnabled(has_mission)
        for button in (self.edit_button, self.assess_button, self.priority_button,
                       self.delete_button, self.map_button, self.redact_button):
            button.setEnabled(has)

    def _detail_html(self, d) -> str:
        t = self.tr
        parts = ["<h2 style='margin-bottom:2px'>%s</h2>" % _esc(d.name)]
        if d.aliases:
            parts.append("<div style='color:#555'>%s</div>" % _esc(", ".join(d.aliases)))
        badges = []
        if d.do_not_engage:
            badges.append(t("DO NOT ENGAGE") + (": " + d.engagement_constraints
                                                if d.engagement_constraints else ""))
        if d.sanctioned:
            badges.append(t("SANCTIONED") + (": " + d.sanctions_note if d.sanctions_note else ""))
        if d.hrddp_flag:
            badges.append(t("HRDDP") + (": " + d.hrddp_note if d.hrddp_note else ""))
        for badge in badges:
            parts.append("<p style='color:#b3261e;font-weight:bold;margin:2px 0'>%s</p>"
                         % _esc(badge))
        parts.append("<p><b>%s</b> %s</p>" % (_esc(t("Engagement priority")),
                                              _esc(priority_text(d.priority))))
        if d.priority.overridden and d.priority.computed:
            parts.append("<p style='color:#555'>%s</p>" % _esc(
                t("Computed priority: %s") % d.priority.computed))

        def section(title: str, rows: list[tuple[str, object]]) -> None:
            body = "".join("<tr><td valign='top' style='color:#555;padding-right:8px'>%s</td>"
                           "<td>%s</td></tr>" % (_esc(k), _esc(v)) for k, v in rows)
            parts.append("<h3>%s</h3><table>%s</table>" % (_esc(title), body))

        section(t("Profile"), [
            (t("Category"), category_label(d.category)), (t("Kind"), kind_label(d.kind)),
            (t("Regions"), ", ".join(d.regions) if d.regions else None),
            (t("Influence / interest"), "%s / %s" % (d.influence, d.interest)),
            (t("Owner"), d.owner_name), (t("Tags"), ", ".join(d.tags) if d.tags else None),
            (t("Classification"), classification_label(d.classification)),
            (t("Description"), d.description),
        ])
        section(t("Motivations"), [
            (t("Positions"), d.positions), (t("Interests"), d.interests), (t("Needs"), d.needs),
            (t("Grievances"), d.grievances), (t("Motivations"), d.motivations),
        ])
        section(t("Stance and perception"), [
            (t("Peace process"), peace_stance_label(d.stance_peace)),
            (t("Toward the mission"), mission_stance_label(d.stance_mission)),
            (t("Since"), d.stance_since),
            (t("Community perception"), perception_label(d.perception)),
            (t("Evidence"), d.perception_evidence),
        ])
        if d.perceptions:
            def assessed(p) -> str:
                bits = [b for b in (p.source_code,
                                    p.assessed_on.isoformat() if p.assessed_on else None,
                                    p.assessed_by) if b]
                return (" <span style='color:#555'>(%s)</span>" % _esc(", ".join(bits))
                        if bits else "")

            rows = []
            for p in d.perceptions:
                before = [h for h in d.perception_history if fold(h.group_name) ==
                          fold(p.group_name)]
                was = ("<br><span style='color:#555'>%s</span>" % _esc(t("earlier: %s") % "; ".join(
                    "%s %s" % (perception_label(h.perception),
                               h.assessed_on.isoformat() if h.assessed_on else "")
                    for h in before[:3]))) if before else ""
                rows.append("<li><b>%s</b>: %s%s%s%s</li>" % (
                    _esc(p.group_name), _esc(perception_label(p.perception)),
                    (" \u2014 " + _esc(p.evidence)) if p.evidence else "", assessed(p), was))
            parts.append("<h3>%s</h3><ul>%s</ul>" % (_esc(t("Perception by group")),
                                                     "".join(rows)))
        parts.append("<h3>%s</h3>" % _esc(t("Relationships")))
        if d.relationships:
            rows = []
            for r in d.relationships:
                arrow = "\u2192" if r.outgoing else "\u2190"
                rows.append("<li>%s %s <a href='stakeholder:%s'>%s</a> (%s %s, %s)</li>" % (
                    arrow, _esc(relationship_type_label(r.type)), html.escape(r.other_id),
                    _esc(r.other_name), _esc(t("strength")), r.strength, _esc(r.status)))
            parts.append("<ul>%s</ul>" % "".join(rows))
        else:
            parts.append("<p>%s</p>" % _esc(t("None recorded.")))
        if d.drivers:
            rows = "".join("<li>%s: %s</li>" % (_esc(link.role), _esc(link.driver_name))
                           for link in d.drivers)
            parts.append("<h3>%s</h3><ul>%s</ul>" % (_esc(t("Drivers")), rows))
        parts.append("<h3>%s</h3>" % _esc(t("Engagements")))
        if d.engagements:
            rows = "".join("<li>%s \u2014 %s%s</li>" % (
                e.starts_at.date().isoformat(), _esc(e.title),
                (" (" + _esc(e.lead_name) + ")") if e.lead_name else "")
                for e in d.engagements[:15])
            more = len(d.engagements) - 15
            parts.append("<ul>%s</ul>%s" % (rows, "<p>%s</p>" % _esc(
                t("and %d earlier") % more) if more > 0 else ""))
        else:
            parts.append("<p>%s</p>" % _esc(t("Never engaged.")))
        if d.commitments:
            rows = "".join("<li>%s%s \u2014 %s%s</li>" % (
                "<b style='color:#b3261e'>%s</b> " % _esc(t("OVERDUE")) if c.overdue else "",
                _esc(c.status.replace("_", " ")), _esc(c.text),
                (" (" + _esc(t("due %s") % c.due_date.isoformat()) + ")") if c.due_date else "")
                for c in d.commitments[:15])
            parts.append("<h3>%s</h3><ul>%s</ul>" % (_esc(t("Commitments")), rows))
        parts.append("<h3>%s</h3>" % _esc(t("History")))
        if d.assessments:
            rows = "".join("<li>%s: %s / %s / %s%s%s</li>" % (
                a.assessed_on.isoformat(),
                _esc(peace_stance_label(a.stance_peace) if a.stance_peace else "\u2014"),
                _esc(mission_stance_label(a.stance_mission) if a.stance_mission else "\u2014"),
                _esc(perception_label(a.perception) if a.perception else "\u2014"),
                (" \u2014 " + _esc(a.assessed_by)) if a.assessed_by else "",
                (": " + _esc(a.reason)) if a.reason else "") for a in d.assessments)
            parts.append("<p><b>%s</b></p><ul>%s</ul>" % (_esc(t("Dated assessments")), rows))
        if d.history:
            rows = []
            for h in d.history[:30]:
                when = h.at.strftime("%Y-%m-%d %H:%M")
                if h.action in ("redact", "redacted"):
                    what = audit_action_label(h.action) + (": " + h.field if h.field else "")
                elif h.field:
                    what = t("%s: %s \u2192 %s") % (h.field, _short(h.old_value),
                                                    _short(h.new_value))
                else:
                    what = audit_action_label(h.action)
                rows.append("<li>%s %s \u2014 %s</li>" % (when, _esc(h.user_name),
                                                          _esc(what)))
            parts.append("<p><b>%s</b></p><ul>%s</ul>" % (_esc(t("Changes")), "".join(rows)))
        return "".join(parts)

    def _link_clicked(self, url) -> None:
        text = url.toString()
        if text.startswith("stakeholder:"):
            self.go_to_stakeholder(text.split(":", 1)[1])

    def go_to_stakeholder(self, target: str) -> None:
        """Select a stakeholder, clearing the filters if they hide it."""
        if self.model.row_of(target) < 0:
            self.search.clear()
            for combo in (self.category_filter, self.stance_filter, self.priority_filter,
                          self.owner_filter, self.region_filter, self.tag_filter):
                combo.setCurrentIndex(0)
            self.apply_filter()
        self.select_stakeholder(target)

    def _show_on_map(self) -> None:
        if self._detail is not None:
            self.showOnMapRequested.emit(self._detail.id)

    # --- the power–interest grid ---------------------------------------------------------

    def _view_changed(self, index: int) -> None:
        if index == 1:
            self._draw_grid()

    def _draw_grid(self) -> None:
        from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg

        from missiondesk.figures.power_interest import (
            GridPoint,
            power_interest_figure,
            short_label,
        )

        rows = self.model.rows()
        points = [GridPoint(r.id, r.name, r.influence, r.interest, r.stance_peace,
                            r.do_not_engage or r.sanctioned or r.hrddp_flag,
                            short_label(r.name, r.aliases)) for r in rows]
        figure, self._grid_ids = power_interest_figure(
            points, title=self.tr("Power\u2013interest grid (%d stakeholders)") % len(points),
            x_label=self.tr("Interest"), y_label=self.tr("Influence (power)"),
            quadrants={"manage_closely": self.tr("Manage closely"),
                       "keep_satisfied": self.tr("Keep satisfied"),
                       "keep_informed": self.tr("Keep informed"),
                       "monitor": self.tr("Monitor")},
            stance_labels={s.value: peace_stance_label(s.value) for s in PeaceStance})
        if self._grid_canvas is not None:
            self.grid_layout.removeWidget(self._grid_canvas)
            self._grid_canvas.deleteLater()
        self._grid_canvas = FigureCanvasQTAgg(figure)
        self._grid_canvas.mpl_connect("pick_event", self._grid_picked)
        self._grid_canvas.mpl_connect("motion_notify_event", self._grid_hover)
        self.grid_layout.addWidget(self._grid_canvas, 1)

    def _grid_picked(self, event) -> None:
        if len(event.ind):
            self.select_stakeholder(self._grid_ids[int(event.ind[0])])

    def _grid_hover(self, event) -> None:
        """The name of the point under the mouse, for the points without a label."""
        if event.inaxes is None or self._grid_canvas is None:
            return
        hit = ""
        for collection in event.inaxes.collections[:1]:
            inside, info = collection.contains(event)
            if inside and len(info.get("ind", [])):
                row = self.model.row_of(self._grid_ids[int(info["ind"][0])])
                if row >= 0:
                    hit = self.model.rows()[row].name
        self._grid_canvas.setToolTip(hit)

    # --- edits (each one undoable) -------------------------------------------------------

    def _team(self) -> list[tuple[str, str]]:
        from missiondesk.services.team import list_team

        return [(m.id, m.name) for m in list_team(self._ctx.handle)]

    def _sources(self) -> list[tuple[str, str]]:
        """(id, code name) of the Sources register, for the perception-by-group picker."""
        from missiondesk.services.relationships import source_choices

        return source_choices(self._ctx.handle)

    def _default_classification(self) -> str:
        from missiondesk.services.mission import get_mission

        return get_mission(self._ctx.handle).default_classification

    def _push(self, command) -> str | None:
        """Apply an edit and put it on the undo stack; the sentence why not if refused."""
        try:
            push_command(self._ctx, command)
        except MissionError as exc:
            return error_text(exc)
        return None

    def _undo_error(self, exc: MissionError) -> None:
        QMessageBox.warning(self, self.tr("Undo"), error_text(exc))

    def create(self, values: dict, stance: dict | None = None, *,
               confirm_duplicates: bool = True,
               groups: list[dict] | None = None) -> str | None:
        """Create a stakeholder (undoable). None on success, else the sentence why not."""
        from missiondesk.services import stakeholders as service
        from missiondesk.ui.stakeholders.forms import DuplicateWarning

        if confirm_duplicates:
            similar = service.find_similar(self._ctx.handle, values.get("name") or "",
                                           values.get("aliases") or ())
            if similar and not DuplicateWarning.confirm(self, values.get("name") or "", similar):
                return self.tr("Not created: it may duplicate an existing stakeholder.")

        def create(uow):
            view = service.create_stakeholder(uow, **values)
            if stance and any(v not in (None, "unknown") for v in stance.values()):
                view = service.record_assessment(
                    uow, view.id, expected_revision=view.revision, assessed_on=date.today(),
                    **stance)
            if groups:
                uow.session.flush()  # the new row's revision, as the next call checks it
                view = service.record_group_perceptions(
                    uow, view.id, expected_revision=view.revision, perceptions=groups)
            return view

        command = CreateRecordCommand(
            self._ctx, self.tr("New stakeholder %s") % values.get("name"), create=create,
            delete=lambda uow, sid, rev: service.delete_stakeholder(uow, sid,
                                                                    expected_revision=rev),
            restore=lambda uow, sid, rev: service.restore_stakeholder(uow, sid,
                                                                      expected_revision=rev),
            on_error=self._undo_error)
        problem = self._push(command)
        if problem is None:
            self.select_stakeholder(command.record_id)
        return problem

    def update(self, changes: dict, groups: list[dict] | None = None) -> str | None:
        """Change fields of the selected stakeholder and, given `groups`, its perception by
        community group (recorded as dated assessments) — one undoable step."""
        from missiondesk.services import stakeholders as service

        d = self._detail
        if d is None or (not changes and groups is None):
            return None
        old = {}
        for name in changes:
            value = getattr(d, name)
            old[name] = list(value) if isinstance(value, tuple) else value
        changes = dict(changes)
        if groups is not None:
            old["group_perceptions"] = [p.values() for p in d.perceptions]
            changes["group_perceptions"] = groups

        def apply(uow, revision, values):
            values = dict(values)
            wanted = values.pop("group_perceptions", None)
            view = None
            if values:
                view = service.update_stakeholder(uow, d.id, expected_revision=revision,
                                                  **values)
                revision = view.revision
            if wanted is not None:
                view = service.record_group_perceptions(uow, d.id, expected_revision=revision,
                                                        perceptions=wanted)
            return view

        command = EditRecordCommand(self._ctx, self.tr("Edit %s") % d.name, apply,
                                    revision=d.revision, old=old, new=changes,
                                    on_error=self._undo_error)
        return self._push(command)

    def delete(self) -> str | None:
        from missiondesk.services import stakeholders as service

        d = self._detail
        if d is None:
            return None
        command = DeleteRecordCommand(
            self._ctx, self.tr("Delete %s") % d.name, record_id=d.id, revision=d.revision,
            delete=lambda uow, sid, rev: service.delete_stakeholder(uow, sid,
                                                                    expected_revision=rev),
            restore=lambda uow, sid, rev: service.restore_stakeholder(uow, sid,
                                                                      expected_revision=rev),
            on_error=self._undo_error)
        return self._push(command)

    def assess(self, values: dict) -> str | None:
        """Record a dated assessment (stance, perception) of the selected stakeholder."""
        from missiondesk.services import stakeholders as service

        d = self._detail
        if d is None:
            return None
        old = {"stance_peace": d.stance_peace, "stance_mission": d.stance_mission,
               "perception": d.perception}

        def apply(uow, revision, vals):
            return service.record_assessment(uow, d.id, expected_revision=revision, **vals)

        undo_values = dict(old, assessed_on=values["assessed_on"],
                           reason=self.tr("Undo of the assessment of %s") %
                           values["assessed_on"].isoformat())
        command = EditRecordCommand(self._ctx, self.tr("Assess %s") % d.name, apply,
                                    revision=d.revision, old=undo_values, new=values,
                                    on_error=self._undo_error)
        return self._push(command)

    def override_priority(self, letter: str | None, reason: str | None) -> str | None:
        from missiondesk.services import stakeholders as service

        d = self._detail
        if d is None:
            return None
        old = {"letter": d.priority_override, "reason": d.priority_override_reason}

        def apply(uow, revision, vals):
            return service.set_priority_override(uow, d.id, expected_revision=revision, **vals)

        command = EditRecordCommand(self._ctx, self.tr("Priority of %s") % d.name, apply,
                                    revision=d.revision, old=old,
                                    new={"letter": letter, "reason": reason},
                                    on_error=self._undo_error)
        return self._push(command)

    # --- the buttons (dialogs around the methods above) ----------------------------------

    def new_stakeholder(self) -> None:
        from missiondesk.ui.stakeholders.forms import StakeholderForm

        form = StakeholderForm(self, self._team(), handle=self._ctx.handle,
                               default_classification=self._default_classification(),
                               sources=self._sources())
        while form.exec():
            problem = self.create(form.values(), form.stance_values(),
                                  groups=form.group_perceptions())
            if problem is None:
                return
            form.show_error(problem)

    def edit_stakeholder(self) -> None:
        from missiondesk.ui.stakeholders.forms import StakeholderForm

        if self._detail is None:
            return
        form = StakeholderForm(self, self._team(), detail=self._detail,
                               handle=self._ctx.handle, sources=self._sources())
        while form.exec():
            problem = self.update(form.changes(), form.group_perceptions())
            if problem is None:
                return
            form.show_error(problem)

    def new_assessment(self) -> None:
        from missiondesk.ui.stakeholders.forms import AssessmentDialog

        if self._detail is None:
            return
        dialog = AssessmentDialog(self, self._detail)
        while dialog.exec():
            problem = self.assess(dialog.values())
            if problem is None:
                return
            dialog.show_error(problem)

    def set_priority(self) -> None:
        from missiondesk.ui.stakeholders.forms import PriorityOverrideDialog

        d = self._detail
        if d is None:
            return
        computed = d.priority.computed or "\u2014"
        dialog = PriorityOverrideDialog(self, d, computed)
        while dialog.exec():
            values = dialog.values()
            problem = self.override_priority(values["letter"], values["reason"])
            if problem is None:
                return
            dialog.show_error(problem)

    def delete_stakeholder(self) -> None:
        if self._detail is None:
            return
        answer = QMessageBox.question(
            self, self.tr("Delete Stakeholder"),
            self.tr("Delete %s? It can be restored with Undo or from the change log.")
            % self._detail.name)
        if answer == QMessageBox.StandardButton.Yes:
            problem = self.delete()
            if problem:
                QMessageBox.warning(self, self.tr("Delete Stakeholder"), problem)

    def redact_stakeholder_field(self) -> None:
        """Remove a field's content from the record, its drafts and its change-log history."""
        if self._ctx is None or self._detail is None:
            return
        from missiondesk.ui.audit.redact_dialog import field_choices, redact_field

        redact_field(self, self._ctx, "stakeholders", self._detail.id,
                     field_choices("stakeholders", self._detail))

    def export_rows(self) -> tuple[list[str], list[list], str]:
        """The table as shown (filters applied): headers, rows and the highest classification."""
        from missiondesk.store.vocab import Classification

        columns = StakeholderTableModel.COLUMNS
        headers = [self.model.headers[c] for c in columns]
        rows = [[self.model.display(r, c) for c in columns] for r in self.model.rows()]
        level = Classification.highest(r.classification for r in self.model.rows()).value
        return headers, rows, level

    def export_view(self) -> None:
        from missiondesk.ui.framework.table_export import export_rows

        headers, rows, level = self.export_rows()
        export_rows(self, self.tr("stakeholders") + ".xlsx", headers, rows, level)


def _short(value, limit: int = 60) -> str:
    text = "\u2014" if value in (None, "") else str(value)
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"

