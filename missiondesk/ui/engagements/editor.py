"""The full engagement editor: every field of DESIGN.md's engagement, its people and its links
to the strategy (drivers, objectives, benchmarks, key messages), the long texts kept as
encrypted drafts while it is open. A counterpart flagged do-not-engage, sanctioned or HRDDP
shows its badge as soon as it is ticked; Save then asks for confirmation with the file's
reason, and a "No" saves nothing (the form stays open).

Times are entered and shown on the mission's clock (its time zone, `services/clock`), as the
log shows them; the engagement stores UTC. The date-time field holds the local wall-clock
time (in a UTC field, so the laptop's own zone never shifts it)."""

from __future__ import annotations

import html
from collections.abc import Sequence

from PySide6.QtCore import QDateTime, Qt, QTimeZone
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QFormLayout,
    QGridLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from missiondesk.labels import classification_label
from missiondesk.store.vocab import Classification
from missiondesk.ui.engagements.labels import (
    atmosphere_label,
    flag_badges,
    format_label,
    level_label,
)
from missiondesk.ui.framework.form import RecordForm, code_combo

BADGE_COLOUR = "#9a1b1b"


class CheckList(QWidget):
    """Records to tick, with a line that narrows the list as you type; `ids()` the ticked
    ones in list order."""

    def __init__(self, choices: Sequence, selected: Sequence[str], placeholder: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.search = QLineEdit()
        self.search.setPlaceholderText(placeholder)
        self.search.setClearButtonEnabled(True)
        self.list = QListWidget()
        self.list.setUniformItemSizes(True)
        chosen = set(selected)
        for choice in choices:
            name = " ".join((choice.name or "").split())
            item = QListWidgetItem(name if len(name) <= 120 else name[:119] + "\u2026")
            item.setToolTip(name)
            item.setData(Qt.ItemDataRole.UserRole, choice.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if choice.id in chosen
                               else Qt.CheckState.Unchecked)
            self.list.addItem(item)
        self.search.textChanged.connect(self._narrow)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.search)
        layout.addWidget(self.list, 1)

    def _narrow(self, text: str) -> None:
        words = text.casefold().split()
        for i in range(self.list.count()):
            item = self.list.item(i)
            name = item.text().casefold()
            item.setHidden(bool(words) and not all(w in name for w in words))

    def ids(self) -> list[str]:
        return [self.list.item(i).data(Qt.ItemDataRole.UserRole)
                for i in range(self.list.count())
                if self.list.item(i).checkState() == Qt.CheckState.Checked]

    def set_checked(self, record_id: str, checked: bool = True) -> None:
        for i in range(self.list.count()):
            item = self.list.item(i)
            if item.data(Qt.ItemDataRole.UserRole) == record_id:
                item.setCheckState(Qt.CheckState.Checked if checked
                                   else Qt.CheckState.Unchecked)


def _grid(layout: QGridLayout, cells, *, rows: int) -> None:
    """Labelled check lists side by side, `rows` rows of two."""
    for i, (label, widget) in enumerate(cells):
        row, column = divmod(i, 2)
        if rows == 1:
            row, column = 0, i
        layout.addWidget(QLabel(label), row * 2, column)
        layout.addWidget(widget, row * 2 + 1, column)
        widget.list.setMinimumHeight(90 if rows > 1 else 200)


def _blank_combo(items, current) -> QComboBox:
    combo = code_combo([("\u2014", None), *items], current)
    if current is None:
        combo.setCurrentIndex(0)
    return combo


def _text(value: str | None, placeholder: str) -> QPlainTextEdit:
    edit = QPlainTextEdit(value or "")
    edit.setTabChangesFocus(True)
    edit.setPlaceholderText(placeholder)
    return edit


class EngagementEditor(RecordForm):
    """New or edit an engagement, every field."""

    MIN_WIDTH = 720

    def __init__(self, parent: QWidget | None, handle, values: dict, submit, *,
                 creating: bool) -> None:
        self.handle = handle
        super().__init__(parent, values, submit, creating=creating)

    def titles(self) -> tuple[str, str]:
        return self.tr("New Engagement"), self.tr("Edit Engagement")

    def build(self, values: dict) -> None:
        from missiondesk.services import engagements as service

        t = self.tr
        self.title = QLineEdit(values.get("title") or "")
        self.title.setPlaceholderText(t("e.g. Ceasefire talks with the Minister of Defence"))
        self.starts = QDateTimeEdit()
        self.starts.setTimeZone(QTimeZone.utc())
        self.starts.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.starts.setCalendarPopup(True)
        from missiondesk.services import clock

        self.zone = clock.mission_zone(self.handle)
        start = values.get("starts_at")
        if start is not None:
            start = clock.to_local(start, self.zone)
            self.starts.setDateTime(QDateTime(start.date(), start.time(), QTimeZone.utc()))
        self.duration = QSpinBox()
        self.duration.setRange(1, service.MAX_DURATION)
        self.duration.setSingleStep(15)
        self.duration.setSuffix(t(" min"))
        self.duration.setValue(int(values.get("duration_minutes") or 60))
        self.format = code_combo(((format_label(c), c) for c in service.FORMATS),
                                 values.get("format"), "bilateral")
        self.level = _blank_combo([(level_label(c), c) for c in service.LEVELS],
                                  values.get("level"))
        self.location = QLineEdit(values.get("location") or "")
        self.political = QCheckBox(t("Political engagement (counts toward the leadership's "
                                     "political time)"))
        self.political.setChecked(bool(values.get("political", True)))
        self.classification = code_combo(
            ((classification_label(c.value), c.value) for c in Classification),
            values.get("classification"), "CONFIDENTIAL")
        members = service.team_choices(self.handle)
        self.lead = code_combo(((m.name, m.id) for m in members), values.get("lead_id"))
        self.atmosphere = _blank_combo([(atmosphere_label(c), c) for c in service.ATMOSPHERES],
                                       values.get("atmosphere"))
        self.add_field("title", t("Title"), self.title)
        self.form.addRow(t("Date and time ({zone})").format(zone=self.zone.key), self.starts)
        self.add_field("duration_minutes", t("Duration"), self.duration)
        self.add_field("format", t("Format"), self.format)
        self.add_field("level", t("Level"), self.level)
        self.add_field("location", t("Location"), self.location)
        self.add_field("political", "", self.political)
        self.add_field("lead_id", t("Lead"), self.lead)
        self.add_field("atmosphere", t("Atmosphere"), self.atmosphere)
        self.add_field("classification", t("Classification"), self.classification)

        self.badges = QLabel()
        self.badges.setWordWrap(True)
        self.badges.setTextFormat(Qt.TextFormat.RichText)
        self.badges.hide()

        tabs = QTabWidget()
        # the record of the meeting
        record = QWidget()
        record_form = QFormLayout(record)
        record_form.setVerticalSpacing(4)
        self.texts = {}
        for key, label, hint in (
                ("purpose", t("Purpose"), t("Why the meeting was held")),
                ("key_messages_delivered", t("Key messages delivered"),
                 t("What the mission said")),
                ("counterpart_positions", t("Counterpart positions"),
                 t("What the counterparts said, their positions")),
                ("outcomes", t("Outcomes"), t("What was agreed or learnt")),
                ("risks_to_interlocutors", t("Risks to interlocutors"),
                 t("Risks the meeting creates for the people met"))):
            edit = _text(values.get(key), hint)
            edit.setFixedHeight(44)
            self.texts[key] = edit
            self.fields[key] = edit
            record_form.addRow(label, edit)
        tabs.addTab(record, t("Record"))
        self.keep_drafts("engagements", {key: (record_form.labelForField(edit).text(), edit)
                                         for key, edit in self.texts.items()})
        # the people
        people = QWidget()
        people_layout = QGridLayout(people)
        self.participants = CheckList(members, values.get("participant_ids") or (),
                                      t("Narrow the team list"))
        self.counterparts = CheckList(service.stakeholder_choices(self.handle),
                                      values.get("counterpart_ids") or (),
                                      t("Narrow the stakeholders"))
        self.counterparts.list.itemChanged.connect(lambda _item: self.update_badges())
        _grid(people_layout, [(t("Other participants"), self.participants),
                              (t("Counterparts"), self.counterparts)], rows=1)
        tabs.addTab(people, t("People"))
        # the links to the strategy
        links = QWidget()
        choices = service.link_choices(self.handle)
        self.links = {}
        cells = []
        for key, label, hint in (
                ("driver_ids", t("Drivers"), t("Narrow the drivers")),
                ("objective_ids", t("Strategy objectives"), t("Narrow the objectives")),
                ("benchmark_ids", t("Benchmarks"), t("Narrow the benchmarks")),
                ("key_message_ids", t("Key messages"), t("Narrow the key messages"))):
            self.links[key] = CheckList(choices[key], values.get(key) or (), hint)
            cells.append((label, self.links[key]))
        _grid(QGridLayout(links), cells, rows=2)
        tabs.addTab(links, t("Links"))
        self.tabs = tabs
        self.add_below(self.badges)
        self.add_below(tabs)
        self.update_badges()

    def values(self) -> dict:
        values = super().values()
        from missiondesk.services import clock

        wall = self.starts.dateTime().toUTC().toPython().replace(tzinfo=None, microsecond=0)
        values["starts_at"] = clock.from_local(wall, self.zone)
        values["participant_ids"] = [m for m in self.participants.ids()
                                     if m != values.get("lead_id")]
        values["counterpart_ids"] = self.counterparts.ids()
        for key, widget in self.links.items():
            values[key] = widget.ids()
        return values

    # --- flagged counterparts ----------------------------------------------------------------

    def flags(self) -> list:
        from missiondesk.services.engagements import counterpart_flags

        return counterpart_flags(self.handle, self.counterparts.ids())

    def update_badges(self) -> None:
        flags = self.flags()
        if not flags:
            self.badges.hide()
            return
        lines = []
        for flag in flags:
            badges = " ".join(
                "<span style='background:%s; color:white; font-weight:bold'>&nbsp;%s&nbsp;"
                "</span>" % (BADGE_COLOUR, html.escape(b)) for b in flag_badges(flag))
            lines.append("%s %s" % (badges, html.escape(flag.name)))
        self.badges.setText("<br>".join(lines))
        self.badges.show()

    def check(self, values: dict) -> str | None:
        flags = self.flags()
        if flags and not self.confirm_flags(self, flags):
            return self.tr("Not saved. Remove the flagged counterparts, or save again and "
                           "confirm.")
        return None

    @classmethod
    def confirm_flags(cls, parent: QWidget, flags: Sequence) -> bool:
        """Ask before recording an engagement with flagged counterparts (tests patch it)."""
        t = parent.tr
        lines = []
        for flag in flags:
            line = "\u2022 %s \u2014 %s" % (flag.name, ", ".join(flag_badges(flag)))
            if flag.reason:
                line += "\n    " + flag.reason.replace("\n", "\n    ")
            lines.append(line)
        answer = QMessageBox.question(
            parent, t("Flagged Counterparts"),
            t("This engagement names counterparts the mission has flagged:\n\n{lines}\n\n"
              "Record it anyway?").format(lines="\n".join(lines)),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No)
        return answer == QMessageBox.StandardButton.Yes

    @classmethod
    def ask(cls, parent: QWidget | None, handle, values: dict, submit, *,  # type: ignore[override]
            creating: bool) -> bool:
        from PySide6.QtWidgets import QDialog

        dialog = cls(parent, handle, values, submit, creating=creating)
        return dialog.exec() == QDialog.DialogCode.Accepted
