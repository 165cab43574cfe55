"""The Consultations tab of the Mandate desk: the log of consultations on the mandate (Groups
of Friends, the pen-holder, other Council members, TCC/PCCs, the host government, regional
organisations, the Peacebuilding Commission, civil society), an editor, and the summary of
their inputs and asks for the next mandate grouped by topic or by counterpart type — what
the mandate brief quotes.

The log filters by counterpart type, topic and words; the summary follows the same filters.
Every edit is an undo command through `services.consultations`.
"""

from __future__ import annotations

import html
from datetime import date
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QDate, Qt, QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QDateEdit,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from missiondesk.labels import classification_label, consultation_counterpart_label
from missiondesk.store.vocab import ConsultationCounterpart
from missiondesk.ui.framework.commands import RecordActions
from missiondesk.ui.framework.desk import ListDetailDesk, filter_combo
from missiondesk.ui.framework.form import RecordForm, classification_combo, code_combo
from missiondesk.ui.framework.table_model import Column, RecordTableModel
from missiondesk.ui.mandate.checklist import ChecklistEditor, tasks_html

if TYPE_CHECKING:
    from missiondesk.services.consultations import (
        ConsultationFilter,
        ConsultationRow,
        InputsSummary,
    )
    from missiondesk.ui.context import MissionContext

WATCHED = ("consultations", "team_members", "stakeholders")
TOPIC_SEPARATOR = "; "


def _t(text: str) -> str:
    return QCoreApplication.translate("ConsultationsTab", text)


def _esc(value: object) -> str:
    return html.escape("" if value is None else str(value)).replace("\n", "<br>")


def _counterpart_types() -> list[tuple[str, str]]:
    return [(consultation_counterpart_label(c.value), c.value) for c in ConsultationCounterpart]


class ConsultationTableModel(RecordTableModel):
    """The log, latest first."""

    COLUMNS = (
        Column("held_on", lambda: _t("Date"), 80),
        Column("counterpart_type", lambda: _t("With"), 100),
        Column("counterpart_name", lambda: _t("Counterparts"), 130, elastic=True),
        Column("topics", lambda: _t("Topics"), 120),
        Column("lead", lambda: _t("Led by"), 96),
        Column("inputs", lambda: _t("Inputs"), 44, "center"),
        Column("follow_ups", lambda: _t("Follow-ups"), 78, "center"),
    )

    def display(self, r: ConsultationRow, key: str) -> str:
        if key == "held_on":
            return r.held_on.isoformat()
        if key == "counterpart_type":
            return consultation_counterpart_label(r.counterpart_type)
        if key == "counterpart_name":
            return r.counterpart_name
        if key == "topics":
            return TOPIC_SEPARATOR.join(r.topics)
        if key == "lead":
            return r.lead_name or ""
        if key == "inputs":
            return "\u2713" if r.inputs_for_mandate else ""
        if key == "follow_ups":
            if not r.follow_ups:
                return ""
            return "%d / %d" % (r.open_follow_ups, len(r.follow_ups))
        return ""

    def sort_key(self, r: ConsultationRow, key: str) -> Any:
        if key == "held_on":
            return (r.held_on, r.counterpart_name)
        if key == "follow_ups":
            return (r.open_follow_ups, len(r.follow_ups))
        return super().sort_key(r, key)

    def tooltip(self, r: ConsultationRow, key: str) -> str | None:
        if key in ("counterpart_name", "topics"):
            return self.display(r, key)
        if key == "inputs" and r.inputs_for_mandate:
            return r.inputs_for_mandate
        if key == "follow_ups" and r.follow_ups:
            return self.tr("%n open follow-up(s)", "", r.open_follow_ups)
        return None


class TopicCompleter(QCompleter):
    """Completes the topic being typed after the last ";", keeping those before it (case
    ignored)."""

    def __init__(self, topics: list[str], parent=None) -> None:
        super().__init__(topics, parent)
        self.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)

    def splitPath(self, path: str) -> list[str]:  # noqa: N802 - Qt's name
        return [path.split(";")[-1].strip()]

    def pathFromIndex(self, index) -> str:  # noqa: N802 - Qt's name
        before = self.widget().text().rsplit(";", 1)
        prefix = before[0].rstrip() + TOPIC_SEPARATOR if len(before) > 1 else ""
        return prefix + super().pathFromIndex(index)


class ConsultationForm(RecordForm):
    """New or edit a consultation."""

    MIN_WIDTH = 640

    def __init__(self, parent, values: dict, submit, *, creating: bool,
                 members: list[tuple[str, str]] = (), topics: list[str] = ()) -> None:
        self._members = list(members)
        self._topics = list(topics)
        super().__init__(parent, values, submit, creating=creating)

    def titles(self) -> tuple[str, str]:
        return self.tr("New Consultation"), self.tr("Edit Consultation")

    def build(self, values: dict) -> None:
        self.held_on = QDateEdit()
        self.held_on.setCalendarPopup(True)
        self.held_on.setDisplayFormat("yyyy-MM-dd")
        day = values.get("held_on") or date.today()
        self.held_on.setDate(QDate(day.year, day.month, day.day))
        self.counterpart_type = code_combo(_counterpart_types(), values.get("counterpart_type"),
                                           "group_of_friends")
        self.counterpart_name = QLineEdit(values.get("counterpart_name") or "")
        self.counterpart_name.setPlaceholderText(
            self.tr("e.g. Group of Friends of Carana (New York), political coordinators"))
        self.lead = code_combo([(self.tr("(nobody)"), None)] + self._members,
                               values.get("lead_id"))
        self.topics = QLineEdit(TOPIC_SEPARATOR.join(values.get("topics") or ()))
        self.topics.setPlaceholderText(self.tr("Topics separated by \u201c;\u201d"))
        if self._topics:
            self.topics.setCompleter(TopicCompleter(self._topics, self.topics))
        self.summary = QPlainTextEdit(values.get("summary") or "")
        self.summary.setTabChangesFocus(True)
        self.summary.setFixedHeight(80)
        self.inputs = QPlainTextEdit(values.get("inputs_for_mandate") or "")
        self.inputs.setTabChangesFocus(True)
        self.inputs.setFixedHeight(80)
        self.inputs.setPlaceholderText(self.tr("What they want in the next mandate, and what "
                                               "they ask of the mission"))
        self.keep_drafts("consultations", {
            "summary": (self.tr("What was said"), self.summary),
            "inputs_for_mandate": (self.tr("Inputs and asks"), self.inputs)})
        self.follow_ups = ChecklistEditor(values.get("follow_ups") or (),
                                          [name for name, _id in self._members],
                                          add_text=self.tr("Add Follow-up"))
        self.follow_ups.table.setMinimumHeight(90)
        self.classification = classification_combo(values.get("classification"),
                                                   "CONFIDENTIAL")
        self.form.addRow(self.tr("Date"), self.held_on)
        self.add_field("counterpart_type", self.tr("With"), self.counterpart_type)
        self.add_field("counterpart_name", self.tr("Counterparts"), self.counterpart_name)
        self.add_field("lead_id", self.tr("Led by"), self.lead)
        self.form.addRow(self.tr("Topics"), self.topics)
        self.add_field("summary", self.tr("What was said"), self.summary)
        self.add_field("inputs_for_mandate", self.tr("Inputs and asks\nfor the next mandate"),
                       self.inputs)
        self.form.addRow(self.tr("Follow-ups"), self.follow_ups)
        self.add_field("classification", self.tr("Classification"), self.classification)

    def values(self) -> dict:
        values = super().values()
        values["held_on"] = self.held_on.date().toPython()
        values["topics"] = [t.strip() for t in self.topics.text().split(";") if t.strip()]
        values["follow_ups"] = tuple(self.follow_ups.tasks())
        return values

    @classmethod
    def ask(cls, parent, values: dict, submit, *, creating: bool, members=(),
            topics=()) -> bool:
        return cls(parent, values, submit, creating=creating, members=list(members),
                   topics=list(topics)).exec() == QDialog.DialogCode.Accepted


def summary_html(summary: InputsSummary, by: str, esc=_esc) -> str:
    """The summary of inputs as HTML: a heading per topic (or counterpart type) with its
    count, then each input with its date and counterparts."""
    groups = summary.by_topic if by == "topic" else summary.by_counterpart_type
    head = _t("{with_inputs} of {all} consultation(s) put forward inputs for the next "
              "mandate.").format(with_inputs=summary.with_inputs, all=summary.consultations)
    parts = ["<p style='color:#555'>%s</p>" % esc(head)]
    if not groups:
        parts.append("<p style='color:#666'>%s</p>" % esc(_t(
            "No inputs recorded yet: a consultation's \u201cInputs and asks for the next "
            "mandate\u201d feed this summary.")))
    for group in groups:
        if by == "topic":
            title = group.key if group.key is not None else _t("No topic")
        else:
            title = consultation_counterpart_label(group.key)
        parts.append("<h3 style='margin:8px 0 2px 0'>%s <span style='color:#777; "
                     "font-weight:normal'>(%d)</span></h3>" % (esc(title), len(group.entries)))
        items = []
        for e in group.entries:
            who = e.counterpart_name if by == "counterpart_type" else "%s, %s" % (
                e.counterpart_name, consultation_counterpart_label(e.counterpart_type))
            items.append("<li><span style='color:#555'>%s \u2014 %s:</span> %s</li>" % (
                esc(e.held_on.isoformat()), esc(who), esc(e.inputs)))
        parts.append("<ul style='margin-top:0'>%s</ul>" % "".join(items))
    return "".join(parts)


class ConsultationsTab(ListDetailDesk):
    """The consultations log, its editor and the summary of inputs."""

    WATCHED = WATCHED
    SIZES = (820, 440)

    def __init__(self, parent: QWidget | None = None) -> None:
        self.record = QTextBrowser()
        self.record.setOpenLinks(False)
        self.summary_view = QTextBrowser()
        self.summary_view.setOpenLinks(False)
        self.group_by = QComboBox()
        self.group_by.addItem(_t("By topic"), "topic")
        self.group_by.addItem(_t("By counterpart type"), "counterpart_type")
        summary_panel = QWidget()
        summary_layout = QVBoxLayout(summary_panel)
        summary_layout.setContentsMargins(0, 4, 0, 0)
        row = QHBoxLayout()
        row.addWidget(QLabel(_t("Group")))
        row.addWidget(self.group_by)
        row.addStretch(1)
        summary_layout.addLayout(row)
        summary_layout.addWidget(self.summary_view, 1)
        self.detail_tabs = QTabWidget()
        self.detail_tabs.setMinimumWidth(320)
        self.detail_tabs.addTab(self.record, _t("Consultation"))
        self.detail_tabs.addTab(summary_panel, _t("Summary of Inputs"))
        super().__init__(ConsultationTableModel(), parent, row_height=26,
                         detail=self.detail_tabs)
        self.model.setParent(self)
        from missiondesk.services import consultations as service

        self._members: list[tuple[str, str]] = []
        self._topics: list[str] = []
        self.actions = RecordActions(
            self, lambda: self._ctx,
            create=service.create_consultation, update=service.update_consultation,
            delete=service.delete_consultation, restore=service.restore_consultation,
            texts={"create": self.tr("New consultation"), "edit": self.tr("Edit consultation"),
                   "delete": self.tr("Delete consultation")})
        self.type_filter = filter_combo(self.tr("All counterparts"), _counterpart_types())
        self.topic_filter = filter_combo(self.tr("All topics"), ())
        self.words = QLineEdit()
        self.words.setPlaceholderText(self.tr("Filter: words of the counterparts, topics, "
                                              "what was said or the inputs"))
        self.words.setClearButtonEnabled(True)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(120)
        self._debounce.timeout.connect(self.apply_filters)
        self.words.textChanged.connect(lambda _text: self._debounce.start())
        self.type_filter.currentIndexChanged.connect(self.apply_filters)
        self.topic_filter.currentIndexChanged.connect(self.apply_filters)
        self.group_by.currentIndexChanged.connect(self.show_summary)
        self.filters.addWidget(self.type_filter)
        self.filters.addWidget(self.topic_filter)
        self.filters.addWidget(self.words, 1)

        self.new_button = self.button(self.tr("New\u2026"), self.new_consultation)
        self.edit_button = self.button(self.tr("Edit\u2026"), self.edit_consultation)
        self.delete_button = self.button(self.tr("Delete"), self.delete_consultation)
        self.export_button = self.button(
            self.tr("Export\u2026"), lambda: self.export_view(self.tr("consultations") + ".xlsx"))
        self.add_buttons(self.new_button, self.edit_button, self.delete_button)
        self.toolbar.addStretch(1)
        self.toolbar.addWidget(self.count_label)
        self.toolbar.addWidget(self.export_button)
        self.table.doubleClicked.connect(lambda _index: self.edit_consultation())
        self.table.sortByColumn(0, Qt.SortOrder.DescendingOrder)  # a log: latest first
        self.show_detail(None)
        self.update_buttons()

    # --- the mission ------------------------------------------------------------------------

    def load(self, ctx: MissionContext) -> list:
        from missiondesk.services import consultations as service
        from missiondesk.services.team import list_team

        self._members = [(m.name, m.id) for m in list_team(ctx.handle)]
        self._topics = service.all_topics(ctx.handle)
        self._fill_topics()
        return service.list_consultations(ctx.handle)

    def refresh(self) -> None:
        super().refresh()
        self.show_summary()

    def _fill_topics(self) -> None:
        chosen = self.topic_filter.currentData()
        self.topic_filter.blockSignals(True)
        self.topic_filter.clear()
        self.topic_filter.addItem(self.tr("All topics"), None)
        for topic in self._topics:
            self.topic_filter.addItem(topic, topic)
        index = self.topic_filter.findData(chosen) if chosen else 0
        self.topic_filter.setCurrentIndex(max(index, 0))
        self.topic_filter.blockSignals(False)

    def on_attached(self, ctx: MissionContext) -> None:
        self.apply_filters()

    def on_detached(self) -> None:
        self.summary_view.clear()
        self._members, self._topics = [], []

    def show_record(self, record_id: str) -> bool:
        if self.model.row_of(record_id) < 0:
            self.clear_filters()
        return self.select_id(record_id)

    def current_filter(self) -> ConsultationFilter:
        from missiondesk.services.consultations import ConsultationFilter

        return ConsultationFilter(counterpart_type=self.type_filter.currentData(),
                                  topic=self.topic_filter.currentData(),
                                  text=self.words.text().strip() or None)

    def clear_filters(self) -> None:
        for combo in (self.type_filter, self.topic_filter):
            combo.blockSignals(True)
            combo.setCurrentIndex(0)
            combo.blockSignals(False)
        self.words.blockSignals(True)
        self.words.clear()
        self.words.blockSignals(False)
        self.apply_filters()

    def apply_filters(self) -> None:
        where = self.current_filter()
        self.model.set_filter(where.keeps)
        self._reselect(self.current_id())
        self.show_summary()

    def show_summary(self) -> None:
        if self._ctx is None:
            self.summary_view.setHtml("")
            return
        from missiondesk.services import consultations as service

        summary = service.inputs_summary(self._ctx.handle, self.current_filter())
        self.summary_view.setHtml(summary_html(summary, self.group_by.currentData()))

    def count_text(self) -> str:
        shown, total = self.model.shown_count(), self.model.total_count()
        if shown == total:
            return self.tr("%n consultation(s)", "", total)
        return self.tr("{shown} of {total}").format(shown=shown, total=total)

    def update_buttons(self) -> None:
        has_mission = self._ctx is not None
        self.new_button.setEnabled(has_mission)
        self.export_button.setEnabled(has_mission)
        for button in (self.edit_button, self.delete_button):
            button.setEnabled(has_mission and self._current is not None)

    # --- the detail -----------------------------------------------------------------------

    def show_detail(self, r: ConsultationRow | None) -> None:
        if r is None or self._ctx is None:
            self.record.setHtml("<p style='color:#666'>%s</p>" % _esc(self.placeholder(
                self.tr("Select a consultation to see what was said, the inputs for the next "
                        "mandate and the follow-ups."),
                self.tr("No consultations yet. New\u2026 logs one: a Group of Friends, the "
                        "pen-holder, TCC/PCCs, the host government, civil society\u2026"))))
            return
        t = self.tr
        facts = [
            (t("Date"), _esc(r.held_on.isoformat())),
            (t("With"), _esc(consultation_counterpart_label(r.counterpart_type))),
            (t("Led by"), _esc(r.lead_name or "\u2014")),
            (t("Topics"), _esc(TOPIC_SEPARATOR.join(r.topics) or "\u2014")),
            (t("Classification"), _esc(classification_label(r.classification))),
        ]
        if r.stakeholder_name:
            facts.insert(2, (t("Stakeholder"), _esc(r.stakeholder_name)))
        parts = ["<h2 style='margin-bottom:4px'>%s</h2>" % _esc(r.counterpart_name),
                 "<table cellspacing='0' cellpadding='2'>"]
        parts += ["<tr><td style='color:#555; padding-right:10px'>%s</td><td>%s</td></tr>"
                  % (_esc(k), v) for k, v in facts]
        parts.append("</table>")
        for title, text in ((t("Inputs and asks for the next mandate"), r.inputs_for_mandate),
                            (t("What was said"), r.summary)):
            parts.append("<h3 style='margin-bottom:2px'>%s</h3><p>%s</p>" % (
                _esc(title), _esc(text) if text else "\u2014"))
        parts.append("<h3 style='margin-bottom:2px'>%s</h3>" % _esc(
            t("Follow-ups ({open} open)").format(open=r.open_follow_ups)))
        parts.append(tasks_html(r.follow_ups, _esc, t("no owner"), t("None recorded.")))
        self.record.setHtml("".join(parts))

    # --- writes (each on the undo stack) ---------------------------------------------------

    def new_consultation(self) -> None:
        if self._ctx is None:
            return
        from missiondesk.services import mission as mission_service

        values = {"held_on": date.today(), "counterpart_type": "group_of_friends",
                  "topics": [], "follow_ups": (),
                  "classification":
                      mission_service.get_mission(self._ctx.handle).default_classification}
        ConsultationForm.ask(self, values, self.create_and_select, creating=True,
                             members=self._members, topics=self._topics)

    def edit_consultation(self) -> None:
        if self._ctx is None or self._current is None:
            return
        current = self._current
        ConsultationForm.ask(self, {**current.values(), "id": current.id},
                             lambda values: self.actions.edit(current, values),
                             creating=False, members=self._members, topics=self._topics)

    def delete_consultation(self) -> None:
        current = self._current
        if self._ctx is None or current is None:
            return
        self.confirm_delete(current, self.tr("Delete Consultation"), self.tr(
            "Delete the consultation with {name} on {date}? Undo brings it back.").format(
                name=current.counterpart_name, date=current.held_on.isoformat()))
