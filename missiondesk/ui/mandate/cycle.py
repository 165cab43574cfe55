"""The Council cycle tab of the Mandate desk: the calendar of SG report due dates, Council
briefings, TCC/PCC meetings and renewals as a dated agenda, each event with its preparation
tasks and their owners.

- The agenda lists every event of the mission's calendar (upcoming, past or all; a kind),
  with how far away it is; events within the mission's imminent window that are not done
  show in amber, past ones not done in red.
- New / Edit / Mark Done / Delete, each an undo command through `services.council_cycle`.
- *Generate from Dates…*: the mandate's adoption and expiry and a reporting rhythm (kept as
  mission settings) give a preview of the events; those already in the calendar are shown
  as kept; Create adds the others in one undo step.
"""

from __future__ import annotations

import html
from datetime import date
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QDate
from PySide6.QtGui import QBrush, QColor, QFont, QUndoCommand
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from missiondesk.labels import classification_label, cycle_event_kind_label
from missiondesk.messages import error_text
from missiondesk.store.errors import MissionError
from missiondesk.store.vocab import CycleEventKind
from missiondesk.ui.framework.commands import RecordActions
from missiondesk.ui.framework.desk import ListDetailDesk, filter_combo
from missiondesk.ui.framework.form import RecordForm, classification_combo, code_combo, hint_label
from missiondesk.ui.framework.table_model import Column, RecordTableModel
from missiondesk.ui.framework.widgets import error_label
from missiondesk.ui.mandate.checklist import ChecklistEditor, tasks_html

if TYPE_CHECKING:
    from missiondesk.services.council_cycle import CycleEventView, CycleRhythm, PlannedEvent
    from missiondesk.ui.context import MissionContext

WATCHED = ("cycle_events", "mandates", "mission_settings", "team_members", "mission")
IMMINENT_COLOUR = "#c77c02"
LATE_COLOUR = "#b3261e"
DONE_COLOUR = "#777777"


def _t(text: str) -> str:
    return QCoreApplication.translate("CycleTab", text)


def _esc(value: object) -> str:
    return html.escape("" if value is None else str(value)).replace("\n", "<br>")


def when_text(days: int) -> str:
    """How far an event is from today, in words."""
    if days == 0:
        return _t("today")
    if days == 1:
        return _t("tomorrow")
    if days > 0:
        return QCoreApplication.translate("CycleTab", "in %n day(s)", "", days)
    return QCoreApplication.translate("CycleTab", "%n day(s) ago", "", -days)


def planned_title(kind: str, number: int, resolution: str | None) -> str:
    """The title a generated event gets (the user can edit it afterwards)."""
    if kind == CycleEventKind.SG_REPORT_DUE:
        return _t("SG report {n} of the cycle due").format(n=number)
    if kind == CycleEventKind.COUNCIL_BRIEFING:
        return _t("Council briefing on SG report {n}").format(n=number)
    if kind == CycleEventKind.TCC_MEETING:
        return _t("TCC/PCC consultations before the renewal")
    return _t("Mandate renewal ({resolution} expires)").format(
        resolution=resolution or _t("the mandate"))


# --- the agenda -------------------------------------------------------------------------------


class CycleTableModel(RecordTableModel):
    """The calendar, earliest first; `today` and `window` colour what is near."""

    COLUMNS = (
        Column("date", lambda: _t("Date"), 80),
        Column("when", lambda: _t("When"), 102),
        Column("kind", lambda: _t("Kind"), 112),
        Column("title", lambda: _t("Event"), 150, elastic=True),
        Column("tasks", lambda: _t("Preparation"), 80),
        Column("owners", lambda: _t("Owners"), 110),
        Column("done", lambda: _t("Done"), 40, "center"),
    )

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.today = date.today()
        self.window = 14

    def display(self, r: CycleEventView, key: str) -> str:
        if key == "date":
            return r.date.isoformat()
        if key == "when":
            return when_text((r.date - self.today).days)
        if key == "kind":
            return cycle_event_kind_label(r.kind)
        if key == "title":
            return r.title
        if key == "tasks":
            if not r.tasks:
                return ""
            return self.tr("%n open", "", r.open_tasks) + " / " + str(len(r.tasks))
        if key == "owners":
            owners: list[str] = []
            for t in r.tasks:
                if t.owner and not t.done and t.owner not in owners:
                    owners.append(t.owner)
            return ", ".join(owners)
        if key == "done":
            return "\u2713" if r.done else ""
        return ""

    def sort_key(self, r: CycleEventView, key: str) -> Any:
        if key in ("date", "when"):
            return (r.date, r.title)
        if key == "tasks":
            return (r.open_tasks, len(r.tasks))
        return super().sort_key(r, key)

    def state(self, r: CycleEventView) -> str:
        """"done", "late" (past, not done), "imminent" (within the window) or ""."""
        days = (r.date - self.today).days
        if r.done:
            return "done"
        if days < 0:
            return "late"
        if days <= self.window:
            return "imminent"
        return ""

    def foreground(self, r: CycleEventView, key: str) -> Any:
        colour = {"done": DONE_COLOUR, "late": LATE_COLOUR,
                  "imminent": IMMINENT_COLOUR}.get(self.state(r))
        return QBrush(QColor(colour)) if colour else None

    def font(self, r: CycleEventView, key: str) -> Any:
        if self.state(r) == "imminent" and key in ("when", "title"):
            bold = QFont()
            bold.setBold(True)
            return bold
        return None

    def tooltip(self, r: CycleEventView, key: str) -> str | None:
        if key == "title":
            return r.title
        if key == "owners" and r.tasks:
            return "\n".join("%s %s \u2014 %s" % ("\u2611" if t.done else "\u2610", t.text,
                                                 t.owner or self.tr("no owner"))
                             for t in r.tasks)
        return None


# --- the event form ----------------------------------------------------------------------------


class CycleEventForm(RecordForm):
    """New or edit one event: kind, date, title, mandate, done, preparation, notes."""

    MIN_WIDTH = 620

    def __init__(self, parent, values: dict, submit, *, creating: bool,
                 mandates: list[tuple[str, str]] = (), owners: list[str] = ()) -> None:
        self._mandates = list(mandates)
        self._owners = list(owners)
        super().__init__(parent, values, submit, creating=creating)

    def titles(self) -> tuple[str, str]:
        return self.tr("New Council Event"), self.tr("Edit Council Event")

    def build(self, values: dict) -> None:
        self.kind = code_combo(((cycle_event_kind_label(k.value), k.value)
                                for k in CycleEventKind), values.get("kind"), "sg_report_due")
        self.due_on = QDateEdit()
        self.due_on.setCalendarPopup(True)
        self.due_on.setDisplayFormat("yyyy-MM-dd")
        day = values.get("due_on") or date.today()
        self.due_on.setDate(QDate(day.year, day.month, day.day))
        self.title = QLineEdit(values.get("title") or "")
        self.title.setPlaceholderText(self.tr("e.g. SG report on Carana due"))
        self.mandate = code_combo([(self.tr("(none)"), None)] + self._mandates,
                                  values.get("mandate_id"))
        self.done = QCheckBox(self.tr("Done (submitted, held)"))
        self.done.setChecked(bool(values.get("done")))
        self.tasks = ChecklistEditor(values.get("tasks") or (), self._owners,
                                     add_text=self.tr("Add Preparation Task"))
        self.notes = QPlainTextEdit(values.get("notes") or "")
        self.notes.setTabChangesFocus(True)
        self.notes.setFixedHeight(70)
        self.classification = classification_combo(values.get("classification"),
                                                   "UNCLASSIFIED")
        self.add_field("kind", self.tr("Kind"), self.kind)
        self.form.addRow(self.tr("Date"), self.due_on)
        self.add_field("title", self.tr("Title"), self.title)
        self.add_field("mandate_id", self.tr("Mandate"), self.mandate)
        self.add_field("done", "", self.done)
        self.form.addRow(self.tr("Preparation"), self.tasks)
        self.add_field("notes", self.tr("Notes"), self.notes)
        self.add_field("classification", self.tr("Classification"), self.classification)

    def values(self) -> dict:
        values = super().values()
        values["due_on"] = self.due_on.date().toPython()
        values["tasks"] = tuple(self.tasks.tasks())
        return values

    @classmethod
    def ask(cls, parent, values: dict, submit, *, creating: bool, mandates=(),
            owners=()) -> bool:
        return cls(parent, values, submit, creating=creating, mandates=list(mandates),
                   owners=list(owners)).exec() == QDialog.DialogCode.Accepted


# --- generation from dates ----------------------------------------------------------------------


class GenerateCycleCommand(QUndoCommand):
    """Create the previewed events in one unit of work; undo deletes them all, redo brings
    them back (each revision checked: an event edited since refuses the undo)."""

    def __init__(self, ctx: MissionContext, text: str, mandate_id: str, events: list,
                 rhythm: CycleRhythm, on_error) -> None:
        super().__init__(text)
        self._ctx = ctx
        self._mandate_id = mandate_id
        self._events = events
        self._rhythm = rhythm
        self._on_error = on_error
        self._steps: list[tuple[str, int]] = []
        self._first = True

    def first_apply(self) -> int:
        from missiondesk.services import council_cycle as service

        with self._ctx.handle.unit_of_work() as uow:
            service.save_rhythm(uow, self._rhythm)
            created = service.create_planned(uow, self._mandate_id, self._events,
                                             match_days=self._rhythm.match_days)
        self._steps = [(v.id, v.revision) for v in created]
        return len(created)

    def _run(self, step) -> None:
        try:
            with self._ctx.handle.unit_of_work() as uow:
                views = step(uow, self._steps)
        except MissionError as exc:
            self.setObsolete(True)
            self._on_error(exc)
            return
        self._steps = [(v.id, v.revision) for v in views]

    def redo(self) -> None:
        if self._first:
            self._first = False
            return
        from missiondesk.services.council_cycle import restore_cycle_events

        self._run(restore_cycle_events)

    def undo(self) -> None:
        from missiondesk.services.council_cycle import delete_cycle_events

        self._run(delete_cycle_events)


class GenerateCycleDialog(QDialog):
    """The mandate, the rhythm, a preview of the events; Create adds the new ones."""

    def __init__(self, parent: QWidget | None, ctx: MissionContext, mandates: list,
                 mandate_id: str | None) -> None:
        super().__init__(parent)
        from missiondesk.services import council_cycle as service

        self._ctx = ctx
        self._mandates = {m.id: m for m in mandates}
        self.planned: list[PlannedEvent] = []
        self.created = 0
        self.setWindowTitle(self.tr("Generate the Council Cycle"))
        self.setMinimumWidth(720)
        rhythm = service.mission_rhythm(ctx.handle)
        self.mandate = code_combo(((self._mandate_text(m), m.id) for m in mandates), mandate_id)
        self.every = self._spin(30, 365, rhythm.report_every_days, self.tr(" days"))
        self.after = self._spin(0, 60, rhythm.briefing_after_report_days, self.tr(" days"))
        self.tcc = self._spin(0, 120, rhythm.tcc_before_renewal_days, self.tr(" days"))
        self.match = self._spin(0, 60, rhythm.match_days, self.tr(" days"))
        form = QFormLayout()
        form.addRow(self.tr("Mandate"), self.mandate)
        form.addRow(self.tr("An SG report every"), self.every)
        form.addRow(self.tr("Council briefing after each report"), self.after)
        form.addRow(self.tr("TCC/PCC meeting before the renewal"), self.tcc)
        form.addRow(self.tr("An event already within"), self.match)
        self.preview = QTableWidget(0, 4)
        self.preview.setHorizontalHeaderLabels([self.tr("Date"), self.tr("Kind"),
                                                self.tr("Title"), self.tr("In the calendar")])
        self.preview.verticalHeader().hide()
        self.preview.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.preview.horizontalHeader()
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        header.resizeSection(0, 90)
        header.resizeSection(1, 130)
        header.resizeSection(3, 220)
        self.summary = QLabel()
        self.error = error_label()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.create_button = self.buttons.addButton(
            self.tr("Create"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self.create)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(hint_label(self.tr(
            "Reports are counted from the adoption; a briefing after the expiry is not "
            "proposed. An event of the same kind already in the calendar within the given "
            "days stands for the proposed one and is kept as it is.")))
        layout.addWidget(self.preview, 1)
        layout.addWidget(self.summary)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        for widget in (self.every, self.after, self.tcc, self.match):
            widget.valueChanged.connect(self.refresh)
        self.mandate.currentIndexChanged.connect(self.refresh)
        self.refresh()

    def _mandate_text(self, m) -> str:
        dates = "%s \u2192 %s" % (m.adopted_on.isoformat() if m.adopted_on else "?",
                                  m.expires_on.isoformat() if m.expires_on else "?")
        return "%s (%s)" % (m.resolution, dates)

    @staticmethod
    def _spin(low: int, high: int, value: int, suffix: str) -> QSpinBox:
        spin = QSpinBox()
        spin.setRange(low, high)
        spin.setValue(value)
        spin.setSuffix(suffix)
        return spin

    def rhythm(self) -> CycleRhythm:
        from missiondesk.services.council_cycle import CycleRhythm

        return CycleRhythm(report_every_days=self.every.value(),
                           briefing_after_report_days=self.after.value(),
                           tcc_before_renewal_days=self.tcc.value(),
                           match_days=self.match.value())

    def refresh(self) -> None:
        from missiondesk.services import council_cycle as service

        self.error.hide()
        self.planned = []
        mandate_id = self.mandate.currentData()
        try:
            if mandate_id is None:
                raise ValueError
            self.planned = service.plan_cycle(self._ctx.handle, mandate_id, self.rhythm())
        except MissionError as exc:
            self.error.setText(error_text(exc))
            self.error.show()
        except ValueError:
            self.error.setText(self.tr("Add a mandate with its adoption and expiry dates "
                                       "first (New Mandate)."))
            self.error.show()
        resolution = self._mandates[mandate_id].resolution if mandate_id else None
        self.preview.setRowCount(len(self.planned))
        grey = QBrush(QColor(DONE_COLOUR))
        for row, p in enumerate(self.planned):
            if p.is_new:
                kept = self.tr("new")
            else:
                kept = self.tr("kept: {title} ({date})").format(title=p.existing_title,
                                                                date=p.existing_date.isoformat())
            cells = [p.date.isoformat(), cycle_event_kind_label(p.kind),
                     planned_title(p.kind, p.number, resolution), kept]
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                if not p.is_new:
                    item.setForeground(grey)
                self.preview.setItem(row, column, item)
        new = sum(1 for p in self.planned if p.is_new)
        self.summary.setText(self.tr("{new} new event(s) to create, {kept} already in the "
                                     "calendar.").format(new=new, kept=len(self.planned) - new))
        self.create_button.setEnabled(new > 0)

    def new_events(self) -> list:
        from missiondesk.services.council_cycle import NewEvent

        mandate_id = self.mandate.currentData()
        resolution = self._mandates[mandate_id].resolution if mandate_id else None
        return [NewEvent(p.kind, p.date, planned_title(p.kind, p.number, resolution))
                for p in self.planned if p.is_new]

    def create(self) -> None:
        """Create the new events as one undo step, keep the rhythm; the dialog closes."""
        events = self.new_events()
        if not events:
            return
        command = GenerateCycleCommand(
            self._ctx, self.tr("Generate the Council cycle"), self.mandate.currentData(),
            events, self.rhythm(), lambda exc: QMessageBox.warning(
                self.parent(), self.tr("Undo"), error_text(exc)))
        try:
            self.created = command.first_apply()
        except MissionError as exc:
            self.error.setText(error_text(exc))
            self.error.show()
            return
        self._ctx.undo_stack.push(command)
        self.accept()

    @classmethod
    def ask(cls, parent, ctx, mandates, mandate_id) -> int:
        """Run the dialog; the number of events created."""
        dialog = cls(parent, ctx, mandates, mandate_id)
        dialog.exec()
        return dialog.created


# --- the tab -----------------------------------------------------------------------------------


class CycleTab(ListDetailDesk):
    """The Council calendar as an agenda with preparation tasks and owners."""

    WATCHED = WATCHED
    SIZES = (900, 380)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(CycleTableModel(), parent, row_height=26)
        self.model.setParent(self)
        from missiondesk.services import council_cycle as service

        self.mandate = None          # the desk's mandate (set_mandate), proposed for new events
        self._mandates: list = []
        self._owners: list[str] = []
        self.actions = RecordActions(
            self, lambda: self._ctx,
            create=service.create_cycle_event, update=service.update_cycle_event,
            delete=service.delete_cycle_event, restore=service.restore_cycle_event,
            texts={"create": self.tr("New Council event"),
                   "edit": self.tr("Edit Council event"),
                   "delete": self.tr("Delete Council event")})
        self.period = QComboBox()
        self.period.addItem(self.tr("Upcoming and not done"), "upcoming")
        self.period.addItem(self.tr("All events"), "all")
        self.period.addItem(self.tr("Past"), "past")
        self.period.setCurrentIndex(1)
        self.kind_filter = filter_combo(self.tr("All kinds"), (
            (cycle_event_kind_label(k.value), k.value) for k in CycleEventKind))
        self.period.currentIndexChanged.connect(self._filter_changed)
        self.kind_filter.currentIndexChanged.connect(self._filter_changed)
        self.filters.addWidget(QLabel(self.tr("Show")))
        self.filters.addWidget(self.period)
        self.filters.addWidget(self.kind_filter)
        self.filters.addStretch(1)
        self.imminent_label = QLabel()
        self.filters.addWidget(self.imminent_label)
        self.window_days = QSpinBox()
        self.window_days.setRange(1, 90)
        self.window_days.setSuffix(self.tr(" days"))
        self.window_days.setToolTip(self.tr(
            "Events within this many days are flagged as imminent here and on the Overview "
            "(a mission setting: the whole team sees the same)"))
        self.window_days.editingFinished.connect(self.set_window)
        self.filters.addWidget(QLabel(self.tr("Imminent within")))
        self.filters.addWidget(self.window_days)

        self.new_button = self.button(self.tr("New\u2026"), self.new_event)
        self.edit_button = self.button(self.tr("Edit\u2026"), self.edit_event)
        self.done_button = self.button(self.tr("Mark Done"), self.toggle_done)
        self.delete_button = self.button(self.tr("Delete"), self.delete_event)
        self.generate_button = self.button(self.tr("Generate from Dates\u2026"), self.generate)
        self.generate_button.setToolTip(self.tr(
            "Propose the SG reports, briefings, TCC/PCC meeting and renewal from the "
            "mandate's dates and a reporting rhythm"))
        self.export_button = self.button(
            self.tr("Export\u2026"), lambda: self.export_view(self.tr("council-cycle") + ".xlsx"))
        self.add_buttons(self.new_button, self.edit_button, self.done_button,
                         self.delete_button, self.generate_button)
        self.toolbar.addStretch(1)
        self.toolbar.addWidget(self.count_label)
        self.toolbar.addWidget(self.export_button)
        self.table.doubleClicked.connect(lambda _index: self.edit_event())
        self.show_detail(None)
        self.update_buttons()

    # --- the mission and the mandate ------------------------------------------------------

    def load(self, ctx: MissionContext) -> list:
        from missiondesk.services import council_cycle as service
        from missiondesk.services import mandate as mandate_service
        from missiondesk.services.clock import local_today, mission_zone
        from missiondesk.services.mission_settings import get_setting
        from missiondesk.services.team import list_team

        self.model.today = local_today(mission_zone(ctx.handle))
        self.model.window = get_setting(ctx.handle, service.IMMINENT_SETTING)
        self.window_days.blockSignals(True)
        self.window_days.setValue(self.model.window)
        self.window_days.blockSignals(False)
        self._mandates = mandate_service.list_mandates(ctx.handle)
        self._owners = [m.name for m in list_team(ctx.handle)]
        rows = service.list_cycle_events(ctx.handle)
        soon = [r for r in rows if self.model.state(r) == "imminent"]
        late = [r for r in rows if self.model.state(r) == "late"]
        parts = []
        if soon:
            parts.append("<b style='color:%s'>%s</b>" % (IMMINENT_COLOUR, _esc(self.tr(
                "%n imminent (next {days} days)", "", len(soon)).format(
                    days=self.model.window))))
        if late:
            parts.append("<b style='color:%s'>%s</b>" % (LATE_COLOUR, _esc(self.tr(
                "%n past and not done", "", len(late)))))
        self.imminent_label.setText(" \u00b7 ".join(parts))
        return rows

    def on_attached(self, ctx: MissionContext) -> None:
        self._filter_changed()
        upcoming = [r for r in self.model.rows()
                    if r.date >= self.model.today and not r.done]
        if upcoming:  # the agenda opens on what comes next
            self.select_id(upcoming[0].id)

    def on_detached(self) -> None:
        self.imminent_label.clear()
        self._mandates = []

    def set_mandate(self, mandate) -> None:
        """The mandate the desk shows: new and generated events belong to it."""
        self.mandate = mandate
        self.update_buttons()

    def show_record(self, record_id: str) -> bool:
        if self.model.row_of(record_id) < 0 and self.period.currentData() != "all":
            self.period.setCurrentIndex(self.period.findData("all"))
            self.kind_filter.setCurrentIndex(0)
        return self.select_id(record_id)

    def _filter_changed(self) -> None:
        period = self.period.currentData()
        kind = self.kind_filter.currentData()
        today = self.model.today

        def keep(r) -> bool:
            if kind and r.kind != kind:
                return False
            if period == "upcoming":
                return r.date >= today and not r.done
            if period == "past":
                return r.date < today
            return True

        self.model.set_filter(keep)
        self._reselect(self.current_id())

    def count_text(self) -> str:
        return self.tr("%n event(s)", "", self.model.shown_count())

    def update_buttons(self) -> None:
        has_mission = self._ctx is not None
        has = has_mission and self._current is not None
        self.new_button.setEnabled(has_mission)
        self.export_button.setEnabled(has_mission)
        self.generate_button.setEnabled(has_mission and bool(self._mandates))
        for button in (self.edit_button, self.done_button, self.delete_button):
            button.setEnabled(has)
        if has and self._current.done:
            self.done_button.setText(self.tr("Reopen"))
        else:
            self.done_button.setText(self.tr("Mark Done"))

    # --- the detail ------------------------------------------------------------------------

    def show_detail(self, r: CycleEventView | None) -> None:
        if r is None or self._ctx is None:
            self.detail.setHtml("<p style='color:#666'>%s</p>" % _esc(self.placeholder(
                self.tr("Select an event to see its preparation and who owns it."),
                self.tr("No Council events yet. Generate from Dates\u2026 proposes the SG "
                        "reports, briefings, TCC/PCC meeting and renewal from the mandate's "
                        "dates; New\u2026 adds one event."))))
            return
        t = self.tr
        state = self.model.state(r)
        when = when_text((r.date - self.model.today).days)
        colour = {"late": LATE_COLOUR, "imminent": IMMINENT_COLOUR}.get(state, "#555")
        status = t("Done") if r.done else (t("Not done, past its date") if state == "late"
                                           else t("To come"))
        mandate = next((m.resolution for m in self._mandates if m.id == r.mandate_id), None)
        facts = [
            (t("Kind"), _esc(cycle_event_kind_label(r.kind))),
            (t("Date"), "%s <b style='color:%s'>(%s)</b>" % (_esc(r.date.isoformat()), colour,
                                                             _esc(when))),
            (t("Status"), _esc(status)),
            (t("Mandate"), _esc(mandate or "\u2014")),
            (t("Classification"), _esc(classification_label(r.classification))),
        ]
        parts = ["<h2 style='margin-bottom:4px'>%s</h2>" % _esc(r.title),
                 "<table cellspacing='0' cellpadding='2'>"]
        parts += ["<tr><td style='color:#555; padding-right:10px'>%s</td><td>%s</td></tr>"
                  % (_esc(k), v) for k, v in facts]
        parts.append("</table>")
        parts.append("<h3 style='margin-bottom:2px'>%s</h3>" % _esc(
            t("Preparation ({open} of {all} open)").format(open=r.open_tasks,
                                                             all=len(r.tasks))))
        parts.append(tasks_html(r.tasks, _esc, t("no owner"),
                                t("No preparation tasks yet: Edit\u2026 adds them with "
                                  "their owners.")))
        if r.notes:
            parts.append("<h3 style='margin-bottom:2px'>%s</h3><p>%s</p>"
                         % (_esc(t("Notes")), _esc(r.notes)))
        self.detail.setHtml("".join(parts))

    # --- writes (each on the undo stack) -------------------------------------------------------

    def _mandate_choices(self) -> list[tuple[str, str]]:
        return [(m.resolution, m.id) for m in self._mandates]

    def new_event(self) -> None:
        if self._ctx is None:
            return
        from missiondesk.services import mission as mission_service

        mandate_id = self.mandate.id if self.mandate is not None else (
            self._mandates[0].id if self._mandates else None)
        values = {"kind": "sg_report_due", "due_on": self.model.today, "done": False,
                  "mandate_id": mandate_id, "tasks": (),
                  "classification":
                      mission_service.get_mission(self._ctx.handle).default_classification}
        CycleEventForm.ask(self, values, self.submit_new, creating=True,
                           mandates=self._mandate_choices(), owners=self._owners)

    def submit_new(self, values: dict) -> str | None:
        return self.create_and_select(values)

    def edit_event(self) -> None:
        if self._ctx is None or self._current is None:
            return
        current = self._current
        CycleEventForm.ask(self, {**current.values(), "id": current.id},
                           lambda values: self.actions.edit(current, values), creating=False,
                           mandates=self._mandate_choices(), owners=self._owners)

    def toggle_done(self) -> None:
        current = self._current
        if self._ctx is None or current is None:
            return
        text = self.tr("Reopen Council event") if current.done \
            else self.tr("Mark Council event done")
        problem = self.actions.edit(current, {**current.values(), "done": not current.done},
                                    text=text)
        if problem:
            QMessageBox.warning(self, self.tr("Council Event"), problem)

    def delete_event(self) -> None:
        current = self._current
        if self._ctx is None or current is None:
            return
        self.confirm_delete(current, self.tr("Delete Council Event"), self.tr(
            "Delete \u201c{title}\u201d ({date}) and its preparation tasks? Undo brings them "
            "back.").format(title=current.title, date=current.date.isoformat()))

    def set_window(self) -> None:
        """The imminent window typed in the spin box, as the mission's setting (undoable)."""
        if self._ctx is None or self.window_days.value() == self.model.window:
            return
        from missiondesk.services.council_cycle import IMMINENT_SETTING
        from missiondesk.ui.commitments.desk import edit_mission_settings

        problem = edit_mission_settings(self, self._ctx, {IMMINENT_SETTING: self.model.window},
                                        {IMMINENT_SETTING: self.window_days.value()})
        if problem:
            QMessageBox.warning(self, self.tr("Imminent Events"), problem)

    def generate(self) -> None:
        if self._ctx is None or not self._mandates:
            return
        mandate_id = self.mandate.id if self.mandate is not None else self._mandates[0].id
        created = GenerateCycleDialog.ask(self, self._ctx, self._mandates, mandate_id)
        if created:
            self.period.setCurrentIndex(self.period.findData("all"))

