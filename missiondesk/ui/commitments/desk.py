"""The Commitments desk: every commitment across the mission, its status workflow, and the
engagement gaps.

The list is paged and filtered in SQL (owner, status, stakeholder, overdue, by the mission or
a counterpart, agreement provision, words; "My follow-ups" for the current user); overdue
rows are highlighted with "Overdue by N days" on hover. Status changes follow the workflow
(Mark fulfilled, the Status menu, the context menu) and go on the undo stack like New, Edit
and Delete. The second tab lists the priority stakeholders not engaged for too long, with the
thresholds and the Mission settings dialog that changes them. Only services calls; no SQL.
"""

from __future__ import annotations

import html
from datetime import date
from typing import Any

from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from missiondesk.labels import (
    classification_label,
    commitment_status_label,
    commitment_type_label,
)
from missiondesk.messages import error_text
from missiondesk.store.errors import MissionError
from missiondesk.ui.commitments.form import CommitmentForm, MissionSettingsDialog
from missiondesk.ui.commitments.model import (
    CommitmentTableModel,
    GapTableModel,
    overdue_text,
    who_text,
)
from missiondesk.ui.context import MissionContext
from missiondesk.ui.framework.commands import RecordActions, _ServiceCommand
from missiondesk.ui.framework.desk import ListDetailDesk, filter_combo, record_table
from missiondesk.ui.framework.form import hint_label
from missiondesk.ui.framework.table_model import Page

WATCHED = ("commitments", "commitment_engagements", "engagements", "team_members",
           "stakeholders", "agreement_provisions", "mission_settings",
           "engagement_counterparts")
PAGE_SIZE = 200


def _esc(value: object) -> str:
    return html.escape("" if value is None else str(value)).replace("\n", "<br>")


class StatusCommand(_ServiceCommand):
    """Move a commitment along its workflow; undo puts the previous status back."""

    def __init__(self, ctx: MissionContext, text: str, *, record_id: str, revision: int,
                 old: str, new: str, on_error) -> None:
        super().__init__(ctx, text, revision, on_error)
        self.record_id, self._old, self._new = record_id, old, new

    def _set(self, status: str, undoing: bool):
        from missiondesk.services.commitments import set_status

        return lambda uow: set_status(uow, self.record_id, status,
                                      expected_revision=self._revision, undoing=undoing)

    def first_apply(self) -> None:
        self._run(self._set(self._new, False))
        self._applied_by_push = True

    def _forward(self) -> None:
        self._guarded(self._set(self._new, True))

    def undo(self) -> None:
        self._guarded(self._set(self._old, True))


class CommitmentsDesk(ListDetailDesk):
    WATCHED = WATCHED
    SIZES = (900, 420)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(CommitmentTableModel(), parent, row_height=24)
        self.model.setParent(self)
        from missiondesk.services import commitments as service

        self.actions = RecordActions(
            self, lambda: self._ctx,
            create=service.create_commitment, update=service.update_commitment,
            delete=service.delete_commitment, restore=service.restore_commitment,
            texts={"create": self.tr("New commitment"), "edit": self.tr("Edit commitment"),
                   "delete": self.tr("Delete commitment")})
        self._today = date.today()
        self._gaps_stale = True
        self._build_filters()
        self._build_toolbar()
        self._build_tabs()
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._context_menu)
        self.table.doubleClicked.connect(lambda _index: self.edit_commitment())
        self.table.horizontalHeader().sortIndicatorChanged.connect(
            lambda *_: self.refresh())
        self.detail.anchorClicked.connect(self._anchor_clicked)
        self.show_detail(None)
        self.update_buttons()

    # --- building ----------------------------------------------------------------------------

    def _build_filters(self) -> None:
        t = self.tr
        self.mine = QCheckBox(t("My follow-ups"))
        self.mine.setToolTip(t("The commitments you follow up (you are their owner)"))
        self.owner_filter = filter_combo(t("All owners"), [])
        self.status_filter = filter_combo(t("All statuses"), [
            (t("Open or in progress"), "active"), (t("Closed"), "closed"),
            *((commitment_status_label(s), s) for s in
              ("open", "in_progress", "fulfilled", "partially_fulfilled", "breached",
               "withdrawn"))])
        self.stakeholder_filter = filter_combo(t("All stakeholders"), [])
        self.by_filter = filter_combo(t("Made by anyone"), [
            (t("By the mission"), True), (t("By counterparts"), False)])
        self.provision_filter = filter_combo(t("All provisions"), [])
        self.overdue_only = QCheckBox(t("Overdue only"))
        self.text_filter = QLineEdit()
        self.text_filter.setPlaceholderText(t("Find words\u2026"))
        self.text_filter.setClearButtonEnabled(True)
        self.text_filter.setMinimumWidth(140)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(150)
        self._debounce.timeout.connect(self.refresh)
        self.text_filter.textChanged.connect(lambda _text: self._debounce.start())
        for combo in (self.owner_filter, self.status_filter, self.stakeholder_filter,
                      self.by_filter, self.provision_filter):
            combo.setMinimumContentsLength(12)
            combo.currentIndexChanged.connect(lambda _i: self.refresh())
        self.mine.toggled.connect(self._mine_toggled)
        self.overdue_only.toggled.connect(lambda _on: self.refresh())
        self.filter_row = QHBoxLayout()
        for widget in (self.mine, self.owner_filter, self.status_filter,
                       self.stakeholder_filter, self.by_filter, self.provision_filter,
                       self.overdue_only):
            self.filter_row.addWidget(widget)
        self.filter_row.addWidget(self.text_filter, 1)

    def _build_toolbar(self) -> None:
        t = self.tr
        self.new_button = self.button(t("New\u2026"), self.new_commitment)
        self.edit_button = self.button(t("Edit\u2026"), self.edit_commitment)
        self.delete_button = self.button(t("Delete"), self.delete_commitment)
        self.fulfilled_button = self.button(t("Mark fulfilled"),
                                            lambda: self.change_status("fulfilled"))
        self.status_button = QPushButton(t("Status"))
        self.status_menu = QMenu(self.status_button)
        self.status_menu.aboutToShow.connect(lambda: self._fill_status_menu(self.status_menu))
        self.status_button.setMenu(self.status_menu)
        self.add_buttons(self.new_button, self.edit_button, self.delete_button)
        self.toolbar.addSpacing(12)
        self.toolbar.addWidget(self.fulfilled_button)
        self.toolbar.addWidget(self.status_button)
        self.toolbar.addStretch(1)
        self.toolbar.addWidget(self.count_label)

    def _build_tabs(self) -> None:
        outer = self.layout()
        outer.removeWidget(self.splitter)
        list_page = QWidget()
        page_layout = QVBoxLayout(list_page)
        page_layout.setContentsMargins(0, 6, 0, 0)
        page_layout.addLayout(self.filter_row)
        page_layout.addWidget(self.splitter, 1)
        self.list_layout.addWidget(hint_label(self.tr(
            "Rows in red are overdue: due before today and still open or in progress. "
            "Right-click a commitment to change its status; Undo puts it back.")))

        gaps_page = QWidget()
        gaps_layout = QVBoxLayout(gaps_page)
        gaps_layout.setContentsMargins(0, 6, 0, 0)
        head = QHBoxLayout()
        self.thresholds_label = QLabel()
        self.settings_button = QPushButton(self.tr("Mission settings\u2026"))
        self.settings_button.clicked.connect(self.edit_settings)
        self.gaps_count = QLabel()
        head.addWidget(self.thresholds_label)
        head.addWidget(self.settings_button)
        head.addStretch(1)
        head.addWidget(self.gaps_count)
        gaps_layout.addLayout(head)
        self.gaps_model = GapTableModel(self)
        self.gaps_table = record_table(self.gaps_model)
        self.gaps_table.doubleClicked.connect(self._open_gap)
        gaps_layout.addWidget(self.gaps_table, 1)
        gaps_layout.addWidget(hint_label(self.tr(
            "Priority-A and B stakeholders (as the Stakeholders desk ranks them) not engaged "
            "for the number of days set for their letter, or never. Double-click one to see "
            "it in the Stakeholders desk.")))

        self.tabs = QTabWidget()
        self.tabs.addTab(list_page, self.tr("Commitments"))
        self.tabs.addTab(gaps_page, self.tr("Engagement gaps"))
        self.tabs.currentChanged.connect(lambda _i: self._load_gaps_if_shown())
        outer.addWidget(self.tabs, 1)

    # --- the mission's lifecycle -------------------------------------------------------------

    def on_attached(self, ctx: MissionContext) -> None:
        self._fill_filter_choices()
        self._gaps_stale = True
        self._load_gaps_if_shown()

    def on_detached(self) -> None:
        self.gaps_model.clear()
        self.thresholds_label.clear()
        self.gaps_count.clear()
        for combo in (self.owner_filter, self.stakeholder_filter, self.provision_filter):
            combo.blockSignals(True)
            while combo.count() > 1:
                combo.removeItem(1)
            combo.blockSignals(False)

    def _on_changed(self, changed) -> None:
        if changed.touches("team_members", "stakeholders", "agreement_provisions"):
            self._fill_filter_choices()
        if changed.touches("engagements", "engagement_counterparts", "stakeholders",
                           "mission_settings", "team_members"):
            self._gaps_stale = True
            self._load_gaps_if_shown()
        super()._on_changed(changed)

    def _fill_filter_choices(self) -> None:
        if self._ctx is None:
            return
        from missiondesk.services import commitments as service
        from missiondesk.services.team import list_team

        handle = self._ctx.handle
        members = [(m.name, m.id) for m in list_team(handle, active_only=False)]
        self._members = [(mid, name) for name, mid in members]
        self._stakeholders = service.stakeholder_choices(handle)
        self._provisions = [(pid, "%s \u2014 %s" % (ref, agreement))
                            for pid, agreement, ref in service.provisions(handle)]
        for combo, items in ((self.owner_filter, members),
                             (self.stakeholder_filter,
                              [(name, sid) for sid, name in self._stakeholders]),
                             (self.provision_filter,
                              [(label, pid) for pid, label in self._provisions])):
            keep = combo.currentData()
            combo.blockSignals(True)
            while combo.count() > 1:
                combo.removeItem(1)
            for label, code in items:
                combo.addItem(label, code)
            index = combo.findData(keep) if keep is not None else 0
            combo.setCurrentIndex(max(0, index))
            combo.view().setMinimumWidth(min(480, combo.view().sizeHintForColumn(0) + 24))
            combo.blockSignals(False)
        self.mine.setEnabled(bool(handle.user_id))
        self.mine.setToolTip(self.tr("The commitments you follow up (you are their owner)")
                             if handle.user_id else
                             self.tr("You are not working as a member of the team"))

    # --- the list ------------------------------------------------------------------------

    def current_filter(self):
        from missiondesk.services.commitments import CommitmentFilter

        owner = self.owner_filter.currentData()
        if self.mine.isChecked() and self._ctx is not None:
            owner = self._ctx.handle.user_id
        return CommitmentFilter(
            owner_id=owner, status=self.status_filter.currentData(),
            stakeholder_id=self.stakeholder_filter.currentData(),
            overdue_only=self.overdue_only.isChecked(),
            by_mission=self.by_filter.currentData(),
            provision_id=self.provision_filter.currentData(),
            text=self.text_filter.text().strip() or None)

    def _sort(self) -> tuple[str, bool]:
        header = self.table.horizontalHeader()
        key = self.model.COLUMNS[header.sortIndicatorSection()].key \
            if 0 <= header.sortIndicatorSection() < len(self.model.COLUMNS) else "due_date"
        key = {"engagement": "updated_at"}.get(key, key)
        return key, header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder

    def refresh(self) -> None:
        """Reload the page from the service (filter and sort in SQL); keep the selection."""
        if self._ctx is None:
            return
        self._debounce.stop()
        from missiondesk.services import commitments as service

        handle, flt, today = self._ctx.handle, self.current_filter(), self._today
        sort, descending = self._sort()
        self._total = service.count_commitments(handle, flt, today=today)

        def fetch(offset: int) -> Page:
            rows = service.page_commitments(handle, flt, sort=sort, descending=descending,
                                            offset=offset, limit=PAGE_SIZE, today=today)
            return Page(rows, len(rows) == PAGE_SIZE)

        keep = self.current_id()
        self.model.set_source(fetch)
        self._reselect(keep)

    def count_text(self) -> str:
        return self.tr("%n commitment(s)", "", getattr(self, "_total", 0))

    def select_commitment(self, commitment_id: str) -> bool:
        """Show a commitment (clearing the filters when they hide it)."""
        self.tabs.setCurrentIndex(0)
        if self.select_id(commitment_id):
            return True
        self.clear_filters()
        return self.select_id(commitment_id)

    def clear_filters(self) -> None:
        widgets = (self.mine, self.overdue_only, self.text_filter, self.owner_filter,
                   self.status_filter, self.stakeholder_filter, self.by_filter,
                   self.provision_filter)
        for w in widgets:
            w.blockSignals(True)
        self.mine.setChecked(False)
        self.overdue_only.setChecked(False)
        self.text_filter.clear()
        for combo in widgets[3:]:
            combo.setCurrentIndex(0)
        for w in widgets:
            w.blockSignals(False)
        self.refresh()

    def _mine_toggled(self, on: bool) -> None:
        self.owner_filter.setEnabled(not on)
        self.refresh()

    def update_buttons(self) -> None:
        has_mission = self._ctx is not None
        row = self._current if has_mission else None
        self.new_button.setEnabled(has_mission)
        for button in (self.edit_button, self.delete_button):
            button.setEnabled(row is not None)
        self.fulfilled_button.setEnabled(row is not None and "fulfilled" in row.next_statuses)
        self.status_button.setEnabled(row is not None and bool(row.next_statuses))

    # --- the detail ----------------------------------------------------------------------

    def show_detail(self, row) -> None:
        t = self.tr
        if row is None or self._ctx is None:
            self.detail.setHtml("<p style='color:#666'>%s</p>" % _esc(self.placeholder(
                t("Select a commitment to see who promised it, its engagements and the "
                  "provision it implements."),
                t("No commitments yet. They are added with an engagement, or with "
                  "New\u2026 here."))))
            return
        status = commitment_status_label(row.status)
        if row.overdue:
            status = "<b style='color:#a3221a'>%s \u2014 %s</b>" % (
                _esc(status), _esc(overdue_text(row.days_overdue)))
        else:
            status = _esc(status)
        facts = [
            (t("Status"), status),
            (t("Committed by"), _esc(who_text(row))),
            (t("Owner"), _esc(row.owner_name or t("nobody yet"))),
            (t("Due"), _esc(row.due_date.isoformat() if row.due_date
                            else t("no date (conditions-based)"))),
            (t("Type"), _esc(commitment_type_label(row.commitment_type))),
            (t("Classification"), _esc(classification_label(row.classification))),
        ]
        parts = ["<h3 style='margin-bottom:4px'>%s</h3>" % _esc(row.text),
                 "<table cellspacing='0' cellpadding='2'>"]
        parts += ["<tr><td style='color:#555; padding-right:10px'>%s</td><td>%s</td></tr>"
                  % (_esc(k), v) for k, v in facts]
        parts.append("</table>")
        parts.append("<h4 style='margin-bottom:2px'>%s</h4>" % _esc(t("Agreement provision")))
        if row.provision_id:
            parts.append("<p>%s</p>" % _esc("%s, %s" % (row.agreement_name or "",
                                                        row.provision_reference or "")))
        else:
            parts.append("<p style='color:#777'>%s</p>" % _esc(t("None cited.")))
        parts.append("<h4 style='margin-bottom:2px'>%s</h4>" % _esc(t("Engagements")))
        if row.engagements:
            parts.append("<p>%s</p>" % "<br>".join(
                "<a href='engagement:%s'>%s</a> %s" % (
                    _esc(e.id), _esc(e.starts_at.strftime("%Y-%m-%d")), _esc(e.title))
                for e in row.engagements))
        else:
            parts.append("<p style='color:#777'>%s</p>" % _esc(t("Not linked to an "
                                                                  "engagement.")))
        for title, value in ((t("Verification"), row.verification),
                             (t("Evidence"), row.evidence)):
            if value:
                parts.append("<h4 style='margin-bottom:2px'>%s</h4><p>%s</p>" % (
                    _esc(title), _esc(value)))
        from missiondesk.ui.mandate.task_links import mandate_tasks_html

        parts.append(mandate_tasks_html(self._ctx.handle, "commitment_ids", row.id))
        if row.next_statuses:
            parts.append("<p style='color:#555'>%s</p>" % _esc(t("Can become: {statuses}.")
                         .format(statuses=", ".join(commitment_status_label(s)
                                                    for s in row.next_statuses))))
        self.detail.setHtml("".join(parts))

    def _anchor_clicked(self, url) -> None:
        kind, _, record_id = url.toString().partition(":")
        window = self.window()
        if kind == "engagement" and hasattr(window, "show_record"):
            window.show_record("engagements", record_id)
        elif kind == "mandate-task" and hasattr(window, "show_record"):
            window.show_record("mandate", record_id)

    # --- writes ----------------------------------------------------------------------------

    def _form_values(self, values: dict) -> dict:
        return {**values, "_choices": {"stakeholders": getattr(self, "_stakeholders", []),
                                       "members": getattr(self, "_members", []),
                                       "provisions": getattr(self, "_provisions", [])}}

    def new_commitment(self) -> None:
        if self._ctx is None:
            return
        from missiondesk.services import mission as mission_service

        values = {"by_mission": True, "owner_id": self._ctx.handle.user_id,
                  "commitment_type": "political",
                  "classification":
                      mission_service.get_mission(self._ctx.handle).default_classification}
        CommitmentForm.ask(self, self._form_values(values), self.submit_new, creating=True)

    def submit_new(self, values: dict) -> str | None:
        return self.create_and_select(values)

    def edit_commitment(self) -> None:
        if self._ctx is None or self._current is None:
            return
        current = self._current
        CommitmentForm.ask(self, self._form_values({**current.values(), "id": current.id}),
                           lambda values: self.submit_edit(current, values), creating=False)

    def submit_edit(self, current, values: dict) -> str | None:
        return self.actions.edit(current, values)

    def delete_commitment(self) -> None:
        if self._ctx is None or self._current is None:
            return
        current = self._current
        short = current.text if len(current.text) < 80 else current.text[:77] + "\u2026"
        self.confirm_delete(current, self.tr("Delete Commitment"), self.tr(
            "Delete \u201c{text}\u201d? Undo brings it back.").format(text=short))

    def change_status(self, status: str, row: Any = None) -> str | None:
        """Move the selected commitment to `status` (undoable); the refusal, shown."""
        row = row or self._current
        if self._ctx is None or row is None:
            return None
        command = StatusCommand(
            self._ctx, self.tr("Mark commitment {status}").format(
                status=commitment_status_label(status).lower()),
            record_id=row.id, revision=row.revision, old=row.status, new=status,
            on_error=self.actions.show_undo_error)
        problem = self.actions.push(command)
        if problem:
            from PySide6.QtWidgets import QMessageBox

            QMessageBox.warning(self, self.tr("Status"), problem)
        return problem

    def _fill_status_menu(self, menu: QMenu, row: Any = None) -> None:
        row = row or self._current
        menu.clear()
        if row is None:
            return
        for status in row.next_statuses:
            action = menu.addAction(commitment_status_label(status))
            action.setData(status)
            action.triggered.connect(lambda _c=False, s=status, r=row: self.change_status(s, r))

    def _context_menu(self, pos: QPoint) -> None:
        index = self.table.indexAt(pos)
        row = self.model.row_at(index.row()) if index.isValid() else None
        if row is None:
            return
        menu = QMenu(self)
        self._fill_status_menu(menu, row)
        menu.addSeparator()
        menu.addAction(self.tr("Edit\u2026"), self.edit_commitment)
        menu.exec(self.table.viewport().mapToGlobal(pos))

    # --- engagement gaps -------------------------------------------------------------------

    def _load_gaps_if_shown(self) -> None:
        if self._ctx is None or self.tabs.currentIndex() != 1 or not self._gaps_stale:
            return
        self.load_gaps()

    def load_gaps(self) -> None:
        from missiondesk.services import followups

        handle = self._ctx.handle
        thresholds = followups.gap_thresholds(handle)
        self.thresholds_label.setText(self.tr(
            "A gap: priority A after {a} days without an engagement, priority B after {b}."
        ).format(a=thresholds["A"], b=thresholds["B"]))
        keep = self.gaps_table.currentIndex().row()
        self.gaps_model.set_rows(followups.engagement_gaps(handle, self._today))
        self.gaps_count.setText(self.tr("%n gap(s)", "", self.gaps_model.shown_count()))
        if 0 <= keep < self.gaps_model.rowCount():
            self.gaps_table.selectRow(keep)
        self._gaps_stale = False

    def show_gaps(self) -> None:
        self.tabs.setCurrentIndex(1)

    def _open_gap(self, index) -> None:
        gap = self.gaps_model.row_at(index.row())
        window = self.window()
        if gap is None:
            return
        if hasattr(window, "show_record"):
            window.show_record("stakeholders", gap.stakeholder_id)
        elif hasattr(window, "select_desk"):
            window.select_desk("stakeholders")
            window.desk("stakeholders").select_stakeholder(gap.stakeholder_id)

    def edit_settings(self) -> None:
        """The Mission settings dialog (gap thresholds); each change is one undoable edit."""
        if self._ctx is None:
            return
        from missiondesk.services.mission_settings import get_settings

        current = get_settings(self._ctx.handle, ("gap_days_a", "gap_days_b"))
        MissionSettingsDialog.ask(self, current,
                                  lambda values: self.submit_settings(current, values),
                                  creating=False)

    def submit_settings(self, current: dict, values: dict) -> str | None:
        return edit_mission_settings(self, self._ctx, current, values)


def edit_mission_settings(owner, ctx: MissionContext | None, current: dict,
                          values: dict) -> str | None:
    """Apply changed mission settings as one undoable edit; the refusal's sentence or None.
    (What a menu entry "Mission settings…" calls too.)"""
    if ctx is None:
        return None
    from missiondesk.services.mission_settings import set_setting
    from missiondesk.ui.framework.commands import (
        EditRecordCommand,
        changed_fields,
        push_command,
        show_undo_refused,
    )

    old, new = changed_fields(current, values)
    if not new:
        return None

    class _View:
        revision = 0

    def apply(uow, _revision, vals):
        for key, value in vals.items():
            set_setting(uow, key, value)
        return _View()

    command = EditRecordCommand(ctx, owner.tr("Change mission settings"), apply, revision=0,
                                old=old, new=new,
                                on_error=lambda exc: show_undo_refused(owner, exc))
    try:
        push_command(ctx, command)
    except MissionError as exc:
        return error_text(exc)
    return None
