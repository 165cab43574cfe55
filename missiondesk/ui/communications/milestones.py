"""The Milestones tab: milestones and achievements to communicate, and the candidate
achievements the mission has not yet turned into one (benchmarks newly met, commitments
fulfilled, within the mission's window).

Every write is an undo command whose redo() calls services/comms_milestones.py. Only
services calls; no SQL.
"""

from __future__ import annotations

import html
from datetime import date
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from missiondesk.labels import classification_label
from missiondesk.store.vocab import MilestoneStatus
from missiondesk.ui.communications.media_words import (
    milestone_status_label,
    typed_date,
    worded_actions,
)
from missiondesk.ui.framework.desk import ListDetailDesk, filter_combo
from missiondesk.ui.framework.form import RecordForm, classification_combo, code_combo
from missiondesk.ui.framework.table_model import Column, RecordTableModel

if TYPE_CHECKING:
    from missiondesk.services.comms_milestones import Candidate, MilestoneRow
    from missiondesk.ui.context import MissionContext

WATCHED = ("comms_milestones", "comms_objectives", "benchmarks", "benchmark_assessments",
           "commitments", "mission_settings")
STATUS_COLOURS = {"delayed": "#b45f06", "achieved": "#1b7f4b", "communicated": "#1f4e79",
                  "cancelled": "#777777"}


def _esc(value: object) -> str:
    return html.escape("" if value is None else str(value)).replace("\n", "<br>")


def _t(text: str) -> str:
    return QCoreApplication.translate("MilestonesTab", text)


def _short(text: str | None, limit: int = 70) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


def _service():
    from missiondesk.services import comms_milestones

    return comms_milestones


def _day_text(day: date | None) -> str:
    return day.isoformat() if isinstance(day, date) else (day or "")


class MilestoneTableModel(RecordTableModel):
    COLUMNS = (
        Column("day", lambda: _t("Date"), 86),
        Column("title", lambda: _t("Milestone"), 200, elastic=True),
        Column("status", lambda: _t("Status"), 96),
        Column("objective", lambda: _t("Objective"), 140),
        Column("communicates", lambda: _t("Communicates"), 130),
    )

    def display(self, r: MilestoneRow, column: str) -> str:
        if column == "day":
            return _day_text(r.day)
        if column == "title":
            return r.title
        if column == "status":
            return milestone_status_label(r.status)
        if column == "objective":
            return r.objective_title or ""
        if column == "communicates":
            if r.benchmark_statement:
                return self.tr("Benchmark: {text}").format(text=_short(r.benchmark_statement))
            if r.commitment_text:
                return self.tr("Commitment: {text}").format(text=_short(r.commitment_text))
        return ""

    def sort_key(self, r: MilestoneRow, column: str) -> Any:
        if column == "day":
            return r.day.toordinal() if r.day else None
        if column == "status":
            return [s.value for s in MilestoneStatus].index(r.status) \
                if r.status in [s.value for s in MilestoneStatus] else 99
        return self.display(r, column)

    def tooltip(self, r: MilestoneRow, column: str) -> str | None:
        if column == "title" and r.achievement:
            return r.achievement
        if column == "communicates":
            return r.benchmark_statement or r.commitment_text
        if column == "day" and r.achieved_on and r.planned_on:
            return self.tr("Planned for {planned}, achieved on {achieved}").format(
                planned=r.planned_on.isoformat(), achieved=r.achieved_on.isoformat())
        return None

    def foreground(self, r: MilestoneRow, column: str) -> Any:
        if column == "status" and r.status in STATUS_COLOURS:
            return QBrush(QColor(STATUS_COLOURS[r.status]))
        return None


class MilestoneForm(RecordForm):
    MIN_WIDTH = 620

    def titles(self) -> tuple[str, str]:
        return self.tr("New Milestone"), self.tr("Edit Milestone")

    def build(self, values: dict) -> None:
        choices = values.pop("_choices")
        none = self.tr("None")
        self.title_edit = QLineEdit(values.get("title") or "")
        self.planned_on = QLineEdit(_day_text(values.get("planned_on")))
        self.planned_on.setPlaceholderText(self.tr("YYYY-MM-DD"))
        self.status = code_combo(((milestone_status_label(s.value), s.value)
                                  for s in MilestoneStatus), values.get("status"), "planned")
        self.objective = code_combo([(none, None), *choices["objectives"]],
                                    values.get("objective_id"))
        self.achievement = QPlainTextEdit(values.get("achievement") or "")
        self.achievement.setTabChangesFocus(True)
        self.achievement.setFixedHeight(70)
        self.achievement.setPlaceholderText(self.tr("What was achieved, in the words the "
                                                    "mission will use"))
        self.keep_drafts("comms_milestones",
                         {"achievement": (self.tr("Achievement"), self.achievement)})
        self.achieved_on = QLineEdit(_day_text(values.get("achieved_on")))
        self.achieved_on.setPlaceholderText(self.tr("YYYY-MM-DD, once achieved"))
        self.benchmark = code_combo([(none, None), *choices["benchmarks"]],
                                    values.get("benchmark_id"))
        self.commitment = code_combo([(none, None), *choices["commitments"]],
                                     values.get("commitment_id"))
        for combo in (self.objective, self.benchmark, self.commitment):
            combo.setMinimumContentsLength(30)
            combo.setSizeAdjustPolicy(
                combo.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.classification = classification_combo(values.get("classification"),
                                                   "CONFIDENTIAL")
        self.add_field("title", self.tr("Title"), self.title_edit)
        self.add_field("planned_on", self.tr("Planned for"), self.planned_on)
        self.add_field("status", self.tr("Status"), self.status)
        self.add_field("objective_id", self.tr("Objective"), self.objective)
        self.add_field("achievement", self.tr("Achievement"), self.achievement)
        self.add_field("achieved_on", self.tr("Achieved on"), self.achieved_on)
        self.add_field("benchmark_id", self.tr("Benchmark met"), self.benchmark)
        self.add_field("commitment_id", self.tr("Commitment fulfilled"), self.commitment)
        self.add_field("classification", self.tr("Classification"), self.classification)

    def values(self) -> dict:
        values = super().values()
        for name in ("planned_on", "achieved_on"):
            values[name] = typed_date(values.get(name))
        return values


class MilestonesTab(ListDetailDesk):
    """Milestones to communicate and the achievements proposed from the mandate's work."""

    WATCHED = WATCHED
    SIZES = (900, 320)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(MilestoneTableModel(), parent, row_height=24)
        self.model.setParent(self)
        service = _service()
        self.actions = worded_actions(
            self, lambda: self._ctx, create=service.create_milestone,
            update=service.update_milestone, delete=service.delete_milestone,
            restore=service.restore_milestone,
            texts={"create": self.tr("New milestone"), "edit": self.tr("Edit milestone"),
                   "delete": self.tr("Delete milestone")})
        self.candidates: list[Candidate] = []
        t = self.tr
        self.status_filter = filter_combo(t("All statuses"), (
            (milestone_status_label(s.value), s.value) for s in MilestoneStatus))
        self.status_filter.currentIndexChanged.connect(lambda _i: self._apply_filter())
        self.filters.addWidget(self.status_filter)
        self.filters.addStretch(1)
        self.new_button = self.button(t("New\u2026"), self.new_milestone)
        self.edit_button = self.button(t("Edit\u2026"), self.edit_milestone)
        self.delete_button = self.button(t("Delete"), self.delete_milestone)
        self.add_buttons(self.new_button, self.edit_button, self.delete_button)
        self.toolbar.addStretch(1)
        self.toolbar.addWidget(self.count_label)
        self.table.doubleClicked.connect(lambda _index: self.edit_milestone())

        self.candidate_panel = QWidget()
        layout = QVBoxLayout(self.candidate_panel)
        layout.setContentsMargins(0, 6, 0, 0)
        header = QHBoxLayout()
        self.candidate_title = QLabel()
        self.candidate_title.setStyleSheet("font-weight: bold;")
        self.make_button = QPushButton(t("Make Milestone\u2026"))
        self.make_button.setToolTip(t("A milestone that communicates the chosen achievement"))
        self.make_button.clicked.connect(lambda _c=False: self.make_milestone())
        self.window_button = QPushButton(t("Window\u2026"))
        self.window_button.setToolTip(t("How far back benchmarks met and commitments "
                                        "fulfilled are proposed"))
        self.window_button.clicked.connect(lambda _c=False: self.edit_window())
        header.addWidget(self.candidate_title, 1)
        header.addWidget(self.window_button)
        header.addWidget(self.make_button)
        layout.addLayout(header)
        self.candidate_table = QTableWidget(0, 3)
        self.candidate_table.setHorizontalHeaderLabels([t("Achievement"), t("On"), t("What")])
        self.candidate_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.candidate_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.candidate_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.candidate_table.verticalHeader().hide()
        self.candidate_table.verticalHeader().setDefaultSectionSize(24)
        head = self.candidate_table.horizontalHeader()
        head.resizeSection(0, 150)
        head.resizeSection(1, 86)
        head.setStretchLastSection(True)
        head.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.candidate_table.itemSelectionChanged.connect(self.update_buttons)
        self.candidate_table.doubleClicked.connect(lambda _i: self.make_milestone())
        layout.addWidget(self.candidate_table)
        self.candidate_panel.setFixedHeight(190)
        self.list_layout.addWidget(self.candidate_panel)
        self.show_detail(None)
        self.update_buttons()

    # --- the mission's lifecycle -----------------------------------------------------------

    def load(self, ctx: MissionContext) -> list:
        return _service().list_milestones(ctx.handle)

    def refresh(self) -> None:
        super().refresh()
        self.load_candidates()

    def on_attached(self, ctx: MissionContext) -> None:
        self._apply_filter()

    def on_detached(self) -> None:
        self.candidates = []
        self.candidate_table.setRowCount(0)
        self.candidate_title.clear()

    def show_record(self, record_id: str) -> bool:
        if self.select_id(record_id):
            return True
        self.status_filter.setCurrentIndex(0)
        return self.select_id(record_id)

    def count_text(self) -> str:
        rows = self.model.rows()
        ahead = sum(1 for r in rows if r.status in ("planned", "on_track", "delayed"))
        return self.tr("%n milestone(s)", "", len(rows)) + " \u00b7 " + \
            self.tr("%n ahead", "", ahead)

    def _apply_filter(self) -> None:
        wanted = self.status_filter.currentData()
        self.model.set_filter(None if wanted is None else (lambda r: r.status == wanted))
        self._reselect(self.current_id())

    def update_buttons(self) -> None:
        has_mission = self._ctx is not None
        has = has_mission and self._current is not None
        self.new_button.setEnabled(has_mission)
        self.edit_button.setEnabled(has)
        self.delete_button.setEnabled(has)
        self.make_button.setEnabled(has_mission and self.selected_candidate() is not None)
        self.window_button.setEnabled(has_mission)

    def edit_window(self) -> None:
        """The window of candidate achievements (a mission setting, undoable)."""
        from missiondesk.ui.communications.calendar import edit_days_settings

        edit_days_settings(self, self._ctx, [
            ("achievement_window_days", self.tr("Propose achievements of the last"))],
            self.tr("Benchmarks newly met and commitments fulfilled within this many days, "
                    "not yet a milestone, are proposed as achievements to communicate."))

    # --- candidates ------------------------------------------------------------------------

    def load_candidates(self) -> None:
        if self._ctx is None:
            return
        from missiondesk.services.mission_settings import get_setting

        service = _service()
        self.candidates = service.candidate_achievements(self._ctx.handle)
        days = get_setting(self._ctx.handle, "achievement_window_days")
        self.candidate_title.setText(self.tr(
            "Achievements to communicate (last {days} days): {n}").format(
                days=days, n=len(self.candidates)))
        table = self.candidate_table
        table.setRowCount(len(self.candidates))
        for i, c in enumerate(self.candidates):
            kind = self.tr("Benchmark met") if c.kind == "benchmark" \
                else self.tr("Commitment fulfilled")
            for column, text in enumerate((kind, c.day.isoformat(), " ".join(c.text.split()))):
                item = QTableWidgetItem(text)
                item.setToolTip(c.text if column == 2 else text)
                table.setItem(i, column, item)
        if not self.candidates:
            table.setRowCount(1)
            item = QTableWidgetItem(self.tr("None: no benchmark newly met and no commitment "
                                            "fulfilled in the window, or each has its "
                                            "milestone."))
            item.setForeground(QBrush(QColor("#777777")))
            table.setItem(0, 0, item)
            table.setSpan(0, 0, 1, 3)
        else:
            table.clearSpans()
        self.update_buttons()

    def selected_candidate(self) -> Candidate | None:
        rows = self.candidate_table.selectionModel().selectedRows()
        if not rows or not self.candidates:
            return None
        index = rows[0].row()
        return self.candidates[index] if index < len(self.candidates) else None

    def make_milestone(self, candidate: Candidate | None = None) -> None:
        """A new milestone for a candidate achievement, its form prefilled."""
        candidate = candidate or self.selected_candidate()
        if candidate is None or self._ctx is None:
            return
        self.new_milestone(candidate.milestone_values())

    # --- the detail panel ------------------------------------------------------------------

    def show_detail(self, r: MilestoneRow | None) -> None:
        t = self.tr
        if r is None or self._ctx is None:
            self.detail.setHtml("<p style='color:#666'>%s</p>" % _esc(self.placeholder(
                t("Select a milestone to see what it communicates."),
                t("No milestones yet. New\u2026 adds one; an achievement proposed below "
                  "becomes one with Make Milestone\u2026"))))
            return
        facts = [
            (t("Status"), "<b>%s</b>" % _esc(milestone_status_label(r.status))),
            (t("Planned for"), _esc(_day_text(r.planned_on) or "\u2014")),
            (t("Achieved on"), _esc(_day_text(r.achieved_on) or "\u2014")),
            (t("Objective"), _esc(r.objective_title or "\u2014")),
            (t("Classification"), _esc(classification_label(r.classification))),
        ]
        parts = ["<h2 style='margin-bottom:4px'>%s</h2>" % _esc(r.title),
                 "<table cellspacing='0' cellpadding='2'>"]
        parts += ["<tr><td style='color:#555; padding-right:10px'>%s</td><td>%s</td></tr>"
                  % (_esc(k), v) for k, v in facts]
        parts.append("</table>")
        if r.achievement:
            parts.append("<h3 style='margin-bottom:2px'>%s</h3><p>%s</p>" % (
                _esc(t("Achievement")), _esc(r.achievement)))
        if r.benchmark_statement:
            parts.append("<h3 style='margin-bottom:2px'>%s</h3><p>%s</p>" % (
                _esc(t("Benchmark met")), _esc(r.benchmark_statement)))
        if r.commitment_text:
            parts.append("<h3 style='margin-bottom:2px'>%s</h3><p>%s</p>" % (
                _esc(t("Commitment fulfilled")), _esc(r.commitment_text)))
        self.detail.setHtml("".join(parts))

    # --- writes (each on the undo stack) ----------------------------------------------------

    def _choices(self, commitment_id: str | None = None) -> dict:
        service, handle = _service(), self._ctx.handle
        return {
            "objectives": [(_short(title, 60), oid)
                           for oid, title in service.objective_choices(handle)],
            "benchmarks": [(_short(text, 70), bid)
                           for bid, text in service.benchmark_choices(handle)],
            "commitments": [(_short(text, 70), cid) for cid, text in
                            service.commitment_choices(handle, commitment_id)]}

    def new_milestone(self, values: dict | None = None) -> None:
        if self._ctx is None:
            return
        from missiondesk.services.mission import get_mission

        start = {"status": "planned",
                 "classification": get_mission(self._ctx.handle).default_classification,
                 **(values or {})}
        MilestoneForm.ask(self, {**start, "_choices": self._choices(start.get("commitment_id"))},
                          self.submit_new, creating=True)

    def submit_new(self, values: dict) -> str | None:
        """Add a milestone from the form (undoable) and select it; the refusal, or None."""
        problem = self.actions.create(values)
        if problem is None:
            self.show_record(self.actions.last_created_id)
        return problem

    def edit_milestone(self) -> None:
        if self._ctx is None or self._current is None:
            return
        current = self._current
        MilestoneForm.ask(self, {**current.values(), "id": current.id,
                                 "_choices": self._choices(current.commitment_id)},
                          lambda values: self.submit_edit(current, values), creating=False)

    def submit_edit(self, current: MilestoneRow, values: dict) -> str | None:
        return self.actions.edit(current, values)

    def delete_milestone(self) -> None:
        if self._ctx is None or self._current is None:
            return
        current = self._current
        self.confirm_delete(current, self.tr("Delete Milestone"), self.tr(
            "Delete \u201c{title}\u201d? Undo brings it back.").format(
                title=_short(current.title, 80)))
