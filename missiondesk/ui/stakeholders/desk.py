"""The Stakeholders desk: the register (filter-as-you-type, sort on every column), the detail
panel a leader reads in seconds, the power–interest grid, and every edit undoable.

Built on `ListDetailDesk`: the filters span the desk; the list side is a tab widget (the
Register and the Power–Interest Grid, the count in its corner), the detail side another (the
Profile and the Relationships). Filtering and sorting run in `StakeholderTableModel` over the
rows the service loaded once (precomputed folded keys); a keystroke in the filter waits for a
short pause (the debounce) and then costs one pass over the rows and the visible rows' repaint.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QComboBox, QLineEdit, QTabWidget, QWidget

from missiondesk.labels import category_label, peace_stance_label
from missiondesk.messages import error_text
from missiondesk.store.errors import MissionError
from missiondesk.store.vocab import EngagementPriority, PeaceStance, StakeholderCategory
from missiondesk.ui.framework.commands import EditRecordCommand, RecordActions
from missiondesk.ui.framework.desk import ListDetailDesk, filter_combo
from missiondesk.ui.stakeholders.grid import PowerInterestGrid
from missiondesk.ui.stakeholders.model import StakeholderTableModel
from missiondesk.ui.stakeholders.profile import profile_html

if TYPE_CHECKING:
    from missiondesk.services.stakeholders import StakeholderRow
    from missiondesk.ui.context import MissionContext

#: Tables whose changes can alter what this desk shows.
WATCHED = ("stakeholders", "stakeholder_assessments", "stakeholder_perceptions", "team_members",
           "engagements", "engagement_counterparts", "commitments", "relationships",
           "driver_stakeholders", "drivers", "rumours")


class _Editing:
    """A stakeholder as `RecordActions.edit` compares it: its fields and its groups."""

    def __init__(self, detail) -> None:
        self.id, self.revision = detail.id, detail.revision
        self._detail = detail

    def values(self) -> dict:
        return {**self._detail.values(),
                "group_perceptions": [p.values() for p in self._detail.perceptions]}


class StakeholdersDesk(ListDetailDesk):
    WATCHED = WATCHED
    SIZES = (760, 420)

    #: the user asked to see a stakeholder on the influence map (the main window switches desk)
    showOnMapRequested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(StakeholderTableModel(), parent)
        self.model.setParent(self)
        self._detail = None
        from missiondesk.services import stakeholders as service

        self.actions = RecordActions(
            self, lambda: self._ctx,
            create=service.create_with_assessment, update=service.update_with_perceptions,
            delete=service.delete_stakeholder, restore=service.restore_stakeholder,
            texts={"create": self.tr("New stakeholder"), "edit": self.tr("Edit stakeholder"),
                   "delete": self.tr("Delete stakeholder")})

        # The filters span the desk: they choose the rows of the register and the grid.
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("Filter by name or alias\u2026"))
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(150)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(80)
        self._debounce.timeout.connect(self.apply_filter)
        self.search.textChanged.connect(lambda _t: self._debounce.start())
        self.category_filter = filter_combo(
            self.tr("All categories"),
            sorted((category_label(c), c.value) for c in StakeholderCategory))
        self.stance_filter = filter_combo(
            self.tr("All stances"), [(peace_stance_label(s), s.value) for s in PeaceStance])
        self.priority_filter = filter_combo(
            self.tr("All priorities"), [(p.value, p.value) for p in EngagementPriority])
        self.owner_filter = filter_combo(self.tr("All owners"), [])
        self.region_filter = filter_combo(self.tr("All regions"), [])
        self.tag_filter = filter_combo(self.tr("All tags"), [])
        self.filters.addWidget(self.search, 3)
        for combo in self._combos():
            combo.currentIndexChanged.connect(lambda _i: self.apply_filter())
            self.filters.addWidget(combo, 1)

        self.new_button = self.button(self.tr("New\u2026"), self.new_stakeholder)
        self.edit_button = self.button(self.tr("Edit\u2026"), self.edit_stakeholder)
        self.assess_button = self.button(self.tr("New Assessment\u2026"), self.new_assessment)
        self.priority_button = self.button(self.tr("Set Priority\u2026"), self.set_priority)
        self.delete_button = self.button(self.tr("Delete"), self.delete_stakeholder)
        self.redact_button = self.button(self.tr("Redact\u2026"),
                                         self.redact_stakeholder_field)
        self.export_button = self.button(self.tr("Export\u2026"), self.export_view)
        self.add_buttons(self.new_button, self.edit_button, self.assess_button,
                         self.priority_button, self.delete_button, self.redact_button,
                         stretch=True)
        self.toolbar.addWidget(self.export_button)
        self.table.doubleClicked.connect(lambda _index: self.edit_stakeholder())

        # The list side: the register and the grid, the count in the corner.
        self.grid = PowerInterestGrid()
        self.grid.stakeholderPicked.connect(self.select_stakeholder)
        self.views = QTabWidget()
        self.views.addTab(self.list_panel, self.tr("Register"))
        self.views.addTab(self.grid, self.tr("Power\u2013Interest Grid"))
        self.views.currentChanged.connect(self._view_changed)
        self.count_label.setContentsMargins(0, 0, 6, 0)
        self.views.setCornerWidget(self.count_label)  # "69 of 69 stakeholders", top right
        self.splitter.insertWidget(0, self.views)

        # The detail side: the profile and the relationships, Show on Map in the corner.
        self.detail.setMinimumWidth(260)
        self.detail.anchorClicked.connect(self._link_clicked)
        from missiondesk.ui.relationships.dialog import RelationshipsPanel

        self.relationships = RelationshipsPanel()
        self.relationships.stakeholderActivated.connect(self.go_to_stakeholder)
        self.side = QTabWidget()
        self.side.addTab(self.detail, self.tr("Profile"))
        self.side.addTab(self.relationships, self.tr("Relationships"))
        self.map_button = self.button(self.tr("Show on Influence Map"), self._show_on_map)
        self.side.setCornerWidget(self.map_button)
        self.splitter.insertWidget(1, self.side)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setSizes(list(self.SIZES))
        self.show_detail(None)
        self.update_buttons()

    def _combos(self) -> tuple[QComboBox, ...]:
        return (self.category_filter, self.stance_filter, self.priority_filter,
                self.owner_filter, self.region_filter, self.tag_filter)

    # --- the mission lifecycle -----------------------------------------------------------

    def attach(self, ctx: MissionContext) -> None:
        self.relationships.attach(ctx)  # before the first selection shows its links
        super().attach(ctx)

    def on_detached(self) -> None:
        self.relationships.detach()
        self._detail = None

    def load(self, ctx: MissionContext) -> list:
        """The rows, and the owners, regions and tags the filters offer."""
        from missiondesk.services import stakeholders as service

        rows = service.list_stakeholders(ctx.handle)
        self._fill_filter_options(service.filter_options(ctx.handle))
        self.model.set_filter(self._predicate())  # an option that went clears its filter
        return rows

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

    def count_text(self) -> str:
        return self.tr("%d of %d stakeholders") % (self.model.shown_count(),
                                                   self.model.total_count())

    # --- filtering -----------------------------------------------------------------------

    def current_filter(self):
        from missiondesk.services.stakeholders import StakeholderFilter

        def picked(combo: QComboBox) -> frozenset:
            return frozenset([combo.currentData()]) if combo.currentData() else frozenset()

        return StakeholderFilter(
            text=self.search.text(), categories=picked(self.category_filter),
            stances=picked(self.stance_filter), priorities=picked(self.priority_filter),
            owner_ids=picked(self.owner_filter), regions=picked(self.region_filter),
            tags=picked(self.tag_filter))

    def _predicate(self):
        """The filter bar as the model's predicate; None when it filters nothing."""
        from missiondesk.services.stakeholders import StakeholderFilter, row_filter

        wanted = self.current_filter()
        return None if wanted == StakeholderFilter() else row_filter(wanted)

    def apply_filter(self) -> None:
        """Filter (and keep the sort) in the model: what a keystroke costs after the
        debounce. The selected stakeholder stays selected while the filter keeps it."""
        self._debounce.stop()
        keep = self.selected_id()
        self.model.set_filter(self._predicate())
        self.count_label.setText(self.count_text() if self._ctx is not None else "")
        if not (keep and self.select_stakeholder(keep)):
            self.show_detail(None)
            self.update_buttons()
        if self.views.currentIndex() == 1:
            self.grid.draw(self.model.rows())

    # --- selection and detail ------------------------------------------------------------

    def selected_id(self) -> str | None:
        return self.current_id()

    def select_stakeholder(self, stakeholder_id: str) -> bool:
        return self.select_id(stakeholder_id)

    def show_detail(self, row: StakeholderRow | None) -> None:
        self._detail = None
        stakeholder_id = row.id if row is not None and self._ctx is not None else None
        self.relationships.show_stakeholder(stakeholder_id)
        if stakeholder_id is None:
            self.detail.setHtml("<p style='color:#666'>%s</p>" % html.escape(self.placeholder(
                self.tr("Select a stakeholder to see its profile, motivations, perception, "
                        "relationships, engagements and history."),
                self.tr("No stakeholders yet. New\u2026 adds one; File \u25b8 Import "
                        "Stakeholders\u2026 brings in a spreadsheet."))))
            return
        from missiondesk.services import stakeholders as service

        try:
            self._detail = service.get_stakeholder(self._ctx.handle, stakeholder_id)
        except MissionError as exc:
            self.detail.setHtml("<p>%s</p>" % html.escape(error_text(exc)))
            return
        self.detail.setHtml(profile_html(self._detail, self._ctx.handle))

    def update_buttons(self) -> None:
        has_mission = self._ctx is not None
        has = self._detail is not None
        self.new_button.setEnabled(has_mission)
        self.export_button.setEnabled(has_mission)
        for button in (self.edit_button, self.assess_button, self.priority_button,
                       self.delete_button, self.map_button, self.redact_button):
            button.setEnabled(has)

    def _link_clicked(self, url) -> None:
        text = url.toString()
        if text.startswith("stakeholder:"):
            self.go_to_stakeholder(text.split(":", 1)[1])
        elif text.startswith("engagement:"):  # the profile's engagements open in their desk
            from missiondesk.ui.stakeholders.profile import open_engagement

            open_engagement(self, text.split(":", 1)[1])
        elif text.startswith("mandate-task:"):  # the mandate tasks open in the Tasks tab
            from missiondesk.ui.mandate.task_links import open_mandate_task

            open_mandate_task(self, text)
        elif text.startswith("rumour:"):  # rumours about them open in the Rumours tab
            from missiondesk.ui.communications.rumours import open_rumour

            open_rumour(self, text.split(":", 1)[1])

    def go_to_stakeholder(self, target: str) -> None:
        """Select a stakeholder, clearing the filters if they hide it."""
        if self.model.row_of(target) < 0:
            self.search.clear()
            for combo in self._combos():
                combo.blockSignals(True)
                combo.setCurrentIndex(0)
                combo.blockSignals(False)
            self.apply_filter()
        self.select_stakeholder(target)

    def _show_on_map(self) -> None:
        if self._detail is not None:
            self.showOnMapRequested.emit(self._detail.id)

    def _view_changed(self, index: int) -> None:
        if index == 1:
            self.grid.draw(self.model.rows())

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

    def submit_new(self, values: dict, stance: dict | None = None, *,
               confirm_duplicates: bool = True,
               groups: list[dict] | None = None) -> str | None:
        """Create a stakeholder with its first assessment and groups (one undoable step).
        None on success, else the sentence why not."""
        from missiondesk.services import stakeholders as service
        from missiondesk.ui.stakeholders.forms import DuplicateWarning

        if confirm_duplicates:
            similar = service.find_similar(self._ctx.handle, values.get("name") or "",
                                           values.get("aliases") or ())
            if similar and not DuplicateWarning.confirm(self, values.get("name") or "", similar):
                return self.tr("Not created: it may duplicate an existing stakeholder.")
        problem = self.actions.create({**values, "stance": stance, "group_perceptions": groups},
                                      text=self.tr("New stakeholder %s") % values.get("name"))
        if problem is None:
            self.select_stakeholder(self.actions.last_created_id)
        return problem

    def submit_edit(self, changes: dict, groups: list[dict] | None = None) -> str | None:
        """Change fields of the selected stakeholder and, given `groups`, its perception by
        community group (recorded as dated assessments) — one undoable step."""
        d = self._detail
        if d is None or (not changes and groups is None):
            return None
        values = dict(changes) if groups is None else {**changes, "group_perceptions": groups}
        return self.actions.edit(_Editing(d), values, text=self.tr("Edit %s") % d.name)

    def assess(self, values: dict) -> str | None:
        """Record a dated assessment (stance, perception) of the selected stakeholder."""
        from missiondesk.services import stakeholders as service

        d = self._detail
        if d is None:
            return None
        undo_values = {"stance_peace": d.stance_peace, "stance_mission": d.stance_mission,
                       "perception": d.perception, "assessed_on": values["assessed_on"],
                       "reason": self.tr("Undo of the assessment of %s")
                       % values["assessed_on"].isoformat()}

        def apply(uow, revision, vals):
            return service.record_assessment(uow, d.id, expected_revision=revision, **vals)

        return self.actions.push(EditRecordCommand(
            self._ctx, self.tr("Assess %s") % d.name, apply, revision=d.revision,
            old=undo_values, new=values, on_error=self.actions.show_undo_error))

    def override_priority(self, letter: str | None, reason: str | None) -> str | None:
        from missiondesk.services import stakeholders as service

        d = self._detail
        if d is None:
            return None

        def apply(uow, revision, vals):
            return service.set_priority_override(uow, d.id, expected_revision=revision, **vals)

        return self.actions.push(EditRecordCommand(
            self._ctx, self.tr("Priority of %s") % d.name, apply, revision=d.revision,
            old={"letter": d.priority_override, "reason": d.priority_override_reason},
            new={"letter": letter, "reason": reason}, on_error=self.actions.show_undo_error))

    # --- the buttons (forms around the methods above) ------------------------------------

    def new_stakeholder(self) -> None:
        from missiondesk.ui.stakeholders.forms import StakeholderForm

        if self._ctx is None:
            return
        StakeholderForm.ask(
            self, self._team(),
            lambda form: self.submit_new(form.values(), form.stance_values(),
                                     groups=form.group_perceptions()),
            handle=self._ctx.handle, default_classification=self._default_classification(),
            sources=self._sources())

    def edit_stakeholder(self) -> None:
        from missiondesk.ui.stakeholders.forms import StakeholderForm

        if self._detail is None:
            return
        StakeholderForm.ask(
            self, self._team(), lambda form: self.submit_edit(form.changes(),
                                                         form.group_perceptions()),
            detail=self._detail, handle=self._ctx.handle, sources=self._sources())

    def new_assessment(self) -> None:
        from missiondesk.ui.stakeholders.forms import AssessmentDialog

        if self._detail is not None:
            AssessmentDialog.ask(self, self._detail, self.assess)

    def set_priority(self) -> None:
        from missiondesk.ui.stakeholders.forms import PriorityOverrideDialog

        d = self._detail
        if d is not None:
            PriorityOverrideDialog.ask(
                self, d, d.priority.computed or "\u2014",
                lambda values: self.override_priority(values["letter"], values["reason"]))

    def delete_stakeholder(self) -> None:
        if self._detail is None:
            return
        d = self._detail
        self.confirm_delete(
            d, self.tr("Delete Stakeholder"),
            self.tr("Delete %s? It can be restored with Undo or from the change log.") % d.name,
            text=self.tr("Delete %s") % d.name)

    def redact_stakeholder_field(self) -> None:
        """Remove a field's content from the record, its drafts and its change-log history."""
        self.redact("stakeholders", self._detail)

    # --- export (the rows as shown, filters and sort applied) -----------------------------

    def export_rows(self) -> tuple[list[str], list[list], str]:
        """The table as shown: headers, rows and the highest classification they carry."""
        from missiondesk.store.vocab import Classification

        headers, rows, levels = self.model.export_rows()
        return headers, rows, Classification.highest(levels).value

    def export_view(self) -> None:
        super().export_view(self.tr("stakeholders") + ".xlsx")
