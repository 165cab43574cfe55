"""Quick capture: an engagement typed in the minutes after the meeting, keyboard only.

`QuickCaptureDialog(ctx, parent)`: when (today, the last quarter-hour before now less the
duration), duration, lead (the current user), mission participants and counterparts (names
completed as typed, aliases too, see `completion.py`), title (made from the counterparts when
left empty), format (political follows it until ticked by hand), location, outcome (kept as an
encrypted draft while typed), classification (the mission's default); then commitments, one
row each: promised by (the mission, to the counterparts, or one counterpart, to the mission),
what, by when (a date, "+N" days after the meeting, or empty), owner (a team member). Tab goes
in reading order; Ctrl+S or Ctrl+Return saves, Ctrl+Shift+Return adds a commitment, Esc
cancels (asking first when something was typed).

A counterpart flagged do-not-engage, sanctioned or HRDDP shows its badge as soon as it is
named; Save then asks for confirmation with the file's reason (cancel keeps the dialog open and
saves nothing). Saving creates the engagement and its commitments in one unit of work, one
undo step: undo tombstones both, redo brings both back (revisions checked).

Times are typed on the mission's clock (its time zone, `services/clock`), as the Engagements
log and its full editor show them; the engagement stores UTC.
"""

from __future__ import annotations

import importlib.util
import re
from collections.abc import Sequence
from datetime import date, datetime, timedelta

from PySide6.QtCore import QDate, QObject, Qt, QTime
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QTimeEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from missiondesk.services.people import MEMBER, STAKEHOLDER, Person
from missiondesk.ui.context import MissionContext
from missiondesk.ui.engagements.completion import NameListEdit, flag_words
from missiondesk.ui.framework.form import classification_combo, hint_label
from missiondesk.ui.framework.widgets import ERROR_COLOUR, error_label

#: Formats whose engagements are not political by default (the rest are).
NOT_POLITICAL_BY_DEFAULT = frozenset({"field_visit", "public_event"})
DEFAULT_DURATION = 60
_PLUS_DAYS = re.compile(r"^\+\s*(\d{1,4})\s*([dw]?)$", re.IGNORECASE)
_DMY = re.compile(r"^(\d{1,2})[/.](\d{1,2})[/.](\d{4})$")


def parse_due(text: str, meeting: date) -> date | None:
    """A due date as typed: YYYY-MM-DD, DD/MM/YYYY, "+N" days or "+Nw" weeks after the
    meeting; blank is None. ValueError when it is none of these."""
    text = text.strip()
    if not text:
        return None
    plus = _PLUS_DAYS.match(text)
    if plus:
        n = int(plus.group(1))
        return meeting + timedelta(weeks=n) if plus.group(2).lower() == "w" \
            else meeting + timedelta(days=n)
    dmy = _DMY.match(text)
    if dmy:
        return date(int(dmy.group(3)), int(dmy.group(2)), int(dmy.group(1)))
    return date.fromisoformat(text)


class CommitmentRow(QObject):
    """One commitment typed inline: promised by, what, by when, owner, remove (the widgets
    of one line of the dialog's commitments grid)."""

    def __init__(self, dialog: QuickCaptureDialog, members: Sequence[Person],
                 owner: Person | None) -> None:
        super().__init__(dialog)
        self.dialog = dialog
        self.by = QComboBox()
        self.by.setMinimumContentsLength(24)
        self.by.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.by.setToolTip(self.tr("Who promised, and so to whom: the mission to the "
                                   "counterparts, or a counterpart to the mission"))
        self.what = QLineEdit()
        self.what.setPlaceholderText(self.tr("What was promised"))
        self.due = QLineEdit()
        self.due.setPlaceholderText(self.tr("By when"))
        self.due.setToolTip(self.tr("A date (2026-05-31 or 31/05/2026), +N days or +Nw weeks "
                                    "after the meeting; empty when it depends on conditions"))
        self.due.setMaximumWidth(110)
        self.owner = NameListEdit(members, MEMBER, multiple=False)
        self.owner.setPlaceholderText(self.tr("Owner (follows up)"))
        self.owner.setMaximumWidth(200)
        if owner is not None:
            self.owner.set_persons([owner])
        self.remove = QToolButton()
        self.remove.setText(self.tr("Remove"))
        self.remove.setToolTip(self.tr("Remove this commitment"))
        self.remove.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.remove.clicked.connect(lambda: dialog.remove_commitment(self))

    def focus_order(self) -> list[QWidget]:
        return [self.by, self.what, self.due, self.owner, self.remove]

    def set_promisers(self, counterparts: Sequence[Person]) -> None:
        """The mission, then each counterpart named; the choice is kept when still there."""
        kept = self.by.currentData()
        self.by.blockSignals(True)
        self.by.clear()
        self.by.addItem(self.tr("The mission \u2192 counterparts"), None)
        for person in counterparts:
            self.by.addItem(self.tr("%s \u2192 the mission") % person.name, person.id)
        index = self.by.findData(kept)
        self.by.setCurrentIndex(max(index, 0))
        self.by.blockSignals(False)

    def is_blank(self) -> bool:
        return not self.what.text().strip() and not self.due.text().strip()


class QuickCaptureDialog(QDialog):
    """New engagement, typed in a minute; `created_id` holds it once saved."""

    def __init__(self, ctx: MissionContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        from missiondesk.services import engagements, mission
        from missiondesk.services.people import people

        self.ctx = ctx
        self._engagements = engagements
        self.created_id: str | None = None
        self.setWindowTitle(self.tr("Quick Capture: New Engagement"))
        self.people = people(ctx.handle)
        self.members = [p for p in self.people if p.kind == MEMBER]
        info = mission.get_mission(ctx.handle)
        from missiondesk.services import clock

        self.zone = clock.mission_zone(ctx.handle)
        self.rows: list[CommitmentRow] = []
        self._political_by_hand = False

        layout = QVBoxLayout(self)
        form = QFormLayout()
        layout.addLayout(form)
        self.form = form

        now = datetime.now(self.zone)
        start = now.replace(minute=now.minute - now.minute % 15, second=0, microsecond=0) \
            - timedelta(minutes=DEFAULT_DURATION)
        if start.date() != now.date():
            start = now.replace(hour=0, minute=0, second=0, microsecond=0)
        self.date = QDateEdit(QDate(now.year, now.month, now.day))
        self.date.setDisplayFormat("yyyy-MM-dd")
        self.date.setCalendarPopup(True)
        self.time = QTimeEdit(QTime(start.hour, start.minute))
        self.time.setDisplayFormat("HH:mm")
        self.duration = QSpinBox()
        self.duration.setRange(1, engagements.MAX_DURATION)
        self.duration.setSingleStep(15)
        self.duration.setValue(DEFAULT_DURATION)
        self.duration.setSuffix(self.tr(" min"))
        when = QHBoxLayout()
        when.addWidget(self.date)
        when.addWidget(self.time)
        when.addWidget(QLabel(self.zone.key))
        when.addWidget(QLabel(self.tr("for")))
        when.addWidget(self.duration)
        when.addStretch(1)
        form.addRow(self.tr("&When"), when)
        form.labelForField(when).setBuddy(self.date)

        self.lead = NameListEdit(self.people, MEMBER, multiple=False)
        me = self._current_member()
        if me is not None:
            self.lead.set_persons([me])
        form.addRow(self.tr("&Lead"), self.lead)
        self.participants = NameListEdit(self.people, MEMBER)
        self.participants.setPlaceholderText(self.tr("Other team members, separated by ;"))
        form.addRow(self.tr("&Mission participants"), self.participants)
        self.counterparts = NameListEdit(self.people, STAKEHOLDER)
        self.counterparts.setPlaceholderText(
            self.tr("Stakeholders met (names or aliases), separated by ;"))
        self.badges = QLabel()
        self.badges.setObjectName("counterpartBadges")
        self.badges.setStyleSheet("color: %s; font-weight: bold;" % ERROR_COLOUR)
        self.badges.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.badges.hide()
        counterparts_box = QVBoxLayout()
        counterparts_box.setSpacing(2)
        counterparts_box.addWidget(self.counterparts)
        counterparts_box.addWidget(self.badges)
        form.addRow(self.tr("&Counterparts"), counterparts_box)
        form.labelForField(counterparts_box).setBuddy(self.counterparts)

        self.title = QLineEdit()
        form.addRow(self.tr("&Title"), self.title)

        self.format = QComboBox()
        for code, label in self._format_labels():
            self.format.addItem(label, code)
        self.political = QCheckBox(self.tr("&Political engagement"))
        self.political.setToolTip(self.tr("Counts toward the leadership's time on political "
                                          "engagement; follows the format until ticked by "
                                          "hand"))
        self.political.clicked.connect(self._political_clicked)
        self.format.currentIndexChanged.connect(self._format_changed)
        self._format_changed()
        format_row = QHBoxLayout()
        format_row.addWidget(self.format)
        format_row.addWidget(self.political)
        format_row.addStretch(1)
        form.addRow(self.tr("&Format"), format_row)
        form.labelForField(format_row).setBuddy(self.format)

        self.location = QLineEdit()
        form.addRow(self.tr("L&ocation"), self.location)
        self.outcome = QPlainTextEdit()
        self.outcome.setTabChangesFocus(True)
        self.outcome.setPlaceholderText(self.tr("What came out of the meeting"))
        self.outcome.setMinimumHeight(80)
        form.addRow(self.tr("O&utcome"), self.outcome)
        self.classification = classification_combo(default=info.default_classification)
        form.addRow(self.tr("Cla&ssification"), self.classification)

        heading = QLabel("<b>%s</b>" % self.tr("Commitments"))
        layout.addWidget(heading)
        self.grid = QGridLayout()
        self.grid.setVerticalSpacing(4)
        self.grid.setColumnStretch(1, 1)
        self.columns = []
        for column, text in enumerate((self.tr("Promised by \u2192 to"), self.tr("What"),
                                       self.tr("By when"), self.tr("Owner"))):
            label = QLabel(text)
            label.setStyleSheet("color: palette(placeholder-text);")
            label.hide()
            self.columns.append(label)
            self.grid.addWidget(label, 0, column)
        layout.addLayout(self.grid)
        self._next_grid_row = 1
        add_row = QHBoxLayout()
        self.add_button = QPushButton(self.tr("&Add commitment"))
        self.add_button.setAutoDefault(False)
        self.add_button.clicked.connect(self.add_commitment)
        add_row.addWidget(self.add_button)
        add_row.addWidget(hint_label(self.tr(
            "Ctrl+Shift+Return adds a commitment; Ctrl+S or Ctrl+Return saves; Esc "
            "cancels.")), 1)
        layout.addLayout(add_row)

        self.error = error_label()
        layout.addWidget(self.error)
        buttons = QHBoxLayout()
        self.full_editor_button = None
        if self._editor_available():
            self.full_editor_button = QPushButton(self.tr("Full &editor…"))
            self.full_editor_button.setAutoDefault(False)
            self.full_editor_button.clicked.connect(self.open_full_editor)
            buttons.addWidget(self.full_editor_button)
        buttons.addStretch(1)
        self.save_button = QPushButton(self.tr("Save"))
        self.save_button.setAutoDefault(False)
        self.save_button.clicked.connect(self.save)
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.setAutoDefault(False)
        self.cancel_button.clicked.connect(self.reject)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.cancel_button)
        layout.addLayout(buttons)

        for keys in ("Ctrl+S", "Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), self, activated=self.save)
        for keys in ("Ctrl+Shift+Return", "Ctrl+Shift+Enter"):
            QShortcut(QKeySequence(keys), self, activated=self.add_commitment)

        self.counterparts.namesChanged.connect(self._counterparts_changed)
        self.lead.namesChanged.connect(self._update_title_hint)
        self._counterparts_changed()
        self._fix_tab_order()
        self.resize(860, 640)
        self.lead.setFocus() if me is None else self.participants.setFocus()
        self._initial = self._typed()
        self._drafts = None
        from missiondesk.ui.framework.drafts import FormDrafts

        self._drafts = FormDrafts(self, ctx.handle, "engagements", None,
                                  {"outcomes": (self.tr("Outcome"), self.outcome)})

    # --- set-up helpers --------------------------------------------------------------------

    def _format_labels(self) -> list[tuple[str, str]]:
        from missiondesk.ui.engagements.labels import format_label

        return [(code, format_label(code)) for code in self._engagements.FORMATS]

    def _current_member(self) -> Person | None:
        handle = self.ctx.handle
        for person in self.members:
            if handle.user_id and person.id == handle.user_id:
                return person
        from missiondesk.services.people import find

        return find(self.members, handle.user_name) if handle.user_name else None

    def _editor_available(self) -> bool:
        try:
            return importlib.util.find_spec("missiondesk.ui.engagements.editor") is not None
        except (ImportError, ValueError):
            return False

    def _fix_tab_order(self) -> None:
        chain: list[QWidget] = [self.date, self.time, self.duration, self.lead,
                                self.participants, self.counterparts, self.title, self.format,
                                self.political, self.location, self.outcome,
                                self.classification]
        for row in self.rows:
            chain.extend(row.focus_order())
        chain.append(self.add_button)
        if self.full_editor_button is not None:
            chain.append(self.full_editor_button)
        chain += [self.save_button, self.cancel_button]
        for first, second in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(first, second)

    # --- reactions -------------------------------------------------------------------------

    def _political_clicked(self) -> None:
        self._political_by_hand = True

    def _format_changed(self, *_args) -> None:
        if not self._political_by_hand:
            self.political.setChecked(self.format.currentData() not in NOT_POLITICAL_BY_DEFAULT)

    def _counterparts_changed(self) -> None:
        persons = self.counterparts.persons()
        for row in self.rows:
            row.set_promisers(persons)
        flagged = [p for p in persons if p.flags]
        if flagged:
            self.badges.setText("\n".join(
                "\u26a0 %s \u2014 %s" % (p.name, self.flag_words(p.flags)) for p in flagged))
            self.badges.show()
        else:
            self.badges.clear()
            self.badges.hide()
        self._update_title_hint()

    def flag_words(self, flags: Sequence[str]) -> str:
        return flag_words(flags)

    def _auto_title(self) -> str:
        names = [p.name for p in self.counterparts.persons()]
        if not names:
            return ""
        if len(names) > 3:
            names = names[:3] + [self.tr("%n other(s)", "", len(names) - 3)]
        return self.tr("Meeting with %s") % ", ".join(names)

    def _update_title_hint(self) -> None:
        auto = self._auto_title()
        self.title.setPlaceholderText(
            auto or self.tr("Made from the counterparts when left empty"))

    # --- commitments -----------------------------------------------------------------------

    def add_commitment(self) -> CommitmentRow:
        owner = self.lead.person()
        row = CommitmentRow(self, self.members, owner)
        row.set_promisers(self.counterparts.persons())
        self.rows.append(row)
        for column, widget in enumerate(row.focus_order()):
            self.grid.addWidget(widget, self._next_grid_row, column)
            widget.show()  # now, so that it can take the focus
        self._next_grid_row += 1
        for label in self.columns:
            label.show()
        self._fix_tab_order()
        row.by.setFocus()
        return row

    def remove_commitment(self, row: CommitmentRow) -> None:
        index = self.rows.index(row)
        self.rows.remove(row)
        for widget in row.focus_order():
            self.grid.removeWidget(widget)
            widget.hide()
            widget.deleteLater()
        row.deleteLater()
        for label in self.columns:
            label.setVisible(bool(self.rows))
        self._fix_tab_order()
        (self.rows[min(index, len(self.rows) - 1)].what if self.rows
         else self.add_button).setFocus()

    # --- what was typed --------------------------------------------------------------------

    def _typed(self) -> tuple:
        return (self.lead.text(), self.participants.text(), self.counterparts.text(),
                self.title.text(), self.location.text(), self.outcome.toPlainText(),
                tuple((r.what.text(), r.due.text()) for r in self.rows))

    def has_typing(self) -> bool:
        return self._typed() != self._initial

    def starts_at(self) -> datetime:
        """The start typed (the mission's local time) as the naive UTC it is stored as."""
        from missiondesk.services import clock

        d, t = self.date.date(), self.time.time()
        return clock.from_local(datetime(d.year(), d.month(), d.day(), t.hour(), t.minute()),
                                self.zone)

    def gather(self) -> tuple[dict | None, str | None]:
        """(the create_engagement arguments, None) or (None, why not)."""
        from missiondesk.services.engagements import CommitmentInput

        unknown = []
        for label, field in ((self.tr("Lead"), self.lead),
                             (self.tr("Mission participants"), self.participants),
                             (self.tr("Counterparts"), self.counterparts)):
            names = field.unknown_names()
            if names:
                unknown.append("%s: %s" % (label, "; ".join(names)))
        for i, row in enumerate(self.rows, start=1):
            names = row.owner.unknown_names()
            if names:
                unknown.append(self.tr("Owner of commitment %d: %s") % (i, "; ".join(names)))
        if unknown:
            return None, self.tr("Not in the mission — pick a name offered as you type, or "
                                 "add the person first. %s") % " · ".join(unknown)
        lead = self.lead.person()
        if lead is None:
            return None, self.tr("Who led the meeting? Type a team member's name as Lead.")
        meeting = self.date.date().toPython()
        commitments = []
        for i, row in enumerate(self.rows, start=1):
            if row.is_blank():
                continue
            what = row.what.text().strip()
            if not what:
                return None, self.tr("Commitment %d: say what was promised.") % i
            try:
                due = parse_due(row.due.text(), meeting)
            except ValueError:
                return None, self.tr("Commitment %d: “%s” is not a date (2026-05-31, "
                                     "31/05/2026, +7 or +2w).") % (i, row.due.text().strip())
            by = row.by.currentData()
            owner = row.owner.person()
            commitments.append(CommitmentInput(
                text=what, by_mission=by is None, committed_by_id=by,
                owner_id=owner.id if owner else None, due_date=due))
        participants = [p.id for p in self.participants.persons() if p.id != lead.id]
        title = self.title.text().strip() or self._auto_title() or self.tr(
            "%s with no counterpart named") % self.format.currentText()
        values = dict(
            starts_at=self.starts_at(), duration_minutes=self.duration.value(), title=title,
            format=self.format.currentData(), lead_id=lead.id, participant_ids=participants,
            counterpart_ids=[p.id for p in self.counterparts.persons()],
            political=self.political.isChecked(),
            location=self.location.text().strip() or None,
            outcomes=self.outcome.toPlainText().strip() or None,
            classification=self.classification.currentData(), commitments=commitments)
        return values, None

    # --- saving ----------------------------------------------------------------------------

    def show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()

    def save(self) -> bool:
        """Create the engagement and its commitments (one undo step); False if refused."""
        values, problem = self.gather()
        if problem:
            self.show_error(problem)
            return False
        flags = self._engagements.counterpart_flags(self.ctx.handle, values["counterpart_ids"])
        if flags and not FlaggedCounterparts.confirm(self, flags):
            self.show_error(self.tr("Not saved: flagged counterparts not confirmed."))
            return False
        problem = self._push(values)
        if problem:
            self.show_error(problem)
            return False
        self.accept()
        return True

    def _push(self, values: dict) -> str | None:
        from missiondesk.messages import error_text
        from missiondesk.services import commitments as commitment_service
        from missiondesk.store.errors import MissionError
        from missiondesk.ui.framework.commands import (
            CreateRecordCommand,
            push_command,
            show_undo_refused,
        )

        engagements = self._engagements
        made: dict[str, int] = {}  # the inline commitments' ids and revisions

        def create(uow):
            view = engagements.create_engagement(uow, **values)
            made.update(dict.fromkeys(view.commitment_ids))  # revisions read once committed
            return view

        def delete(uow, rid, rev):
            for cid, crev in list(made.items()):
                made[cid] = commitment_service.delete_commitment(
                    uow, cid, expected_revision=crev).revision
            return engagements.delete_engagement(uow, rid, expected_revision=rev)

        def restore(uow, rid, rev):
            view = engagements.restore_engagement(uow, rid, expected_revision=rev)
            for cid, crev in list(made.items()):
                made[cid] = commitment_service.restore_commitment(
                    uow, cid, expected_revision=crev).revision
            return view

        command = CreateRecordCommand(
            self.ctx, self.tr("New engagement “%s”") % values["title"],
            create=create, delete=delete, restore=restore,
            on_error=lambda exc: show_undo_refused(self.parentWidget() or self, exc))
        try:
            push_command(self.ctx, command)
            for cid in made:
                made[cid] = commitment_service.get_commitment(self.ctx.handle, cid).revision
        except MissionError as exc:
            return error_text(exc)
        self.created_id = command.record_id
        return None

    def reject(self) -> None:
        if self.has_typing() and not DiscardTyping.confirm(self):
            return
        super().reject()

    # --- the full editor -------------------------------------------------------------------

    def open_full_editor(self) -> None:
        """Hand what was typed to the full editor; what it saves comes with the commitments
        typed here, in the same single undo step."""
        from missiondesk.ui.engagements.editor import EngagementEditor

        values, problem = self.gather()
        if problem:
            self.show_error(problem)
            return
        commitments = values.pop("commitments")

        def submit(edited: dict) -> str | None:
            edited = {k: v for k, v in edited.items() if k != "id"}
            return self._push({**edited, "commitments": commitments})

        self.hide()
        if EngagementEditor.ask(self.parentWidget(), self.ctx.handle, values, submit,
                                creating=True):
            self._initial = self._typed()
            self.accept()
        else:
            self.show()


class FlaggedCounterparts:
    """The confirmation before saving with a flagged counterpart; tests patch `confirm`."""

    @classmethod
    def confirm(cls, parent: QuickCaptureDialog, flags) -> bool:
        lines = []
        for f in flags:
            codes = [c for c, on in (("do_not_engage", f.do_not_engage),
                                     ("sanctioned", f.sanctioned), ("hrddp", f.hrddp)) if on]
            line = "%s — %s" % (f.name, parent.flag_words(codes))
            if f.reason:
                line += "\n    %s" % f.reason.replace("\n", "\n    ")
            lines.append(line)
        box = QMessageBox(QMessageBox.Icon.Warning, parent.tr("Flagged Counterparts"),
                          parent.tr("This engagement names counterparts the mission has "
                                    "flagged:\n\n%s\n\nSave it anyway?") % "\n\n".join(lines),
                          QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Cancel,
                          parent)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        return box.exec() == QMessageBox.StandardButton.Save


class DiscardTyping:
    """Esc with something typed: ask before throwing it away; tests patch `confirm`."""

    @classmethod
    def confirm(cls, parent: QWidget) -> bool:
        answer = QMessageBox.question(
            parent, parent.tr("Discard Engagement"),
            parent.tr("Close without saving what you typed?"),
            QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel)
        return answer == QMessageBox.StandardButton.Discard
