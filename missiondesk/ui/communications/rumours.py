"""The Rumours tab: the rumour log, its editor, the status workflow, the answer with a key
message and the trend of open rumours.

Every write is an undo command whose redo() calls services/rumours.py; a status change or an
answer undone puts back what was. A rumour about a stakeholder also shows on that
stakeholder's profile (ui/stakeholders/profile.py reads `rumours_about`). Only services calls;
no SQL.
"""

from __future__ import annotations

import html
from datetime import date
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QPoint, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from missiondesk.labels import classification_label
from missiondesk.store.vocab import Level3, RumourChannel, RumourStatus
from missiondesk.ui.communications.chart_slot import ChartSlot
from missiondesk.ui.communications.media_words import (
    level_label,
    rumour_channel_label,
    rumour_status_label,
    typed_date,
    worded_actions,
)
from missiondesk.ui.framework.commands import StatusCommand, _ServiceCommand
from missiondesk.ui.framework.desk import ListDetailDesk, filter_combo
from missiondesk.ui.framework.form import RecordForm, classification_combo, code_combo, hint_label
from missiondesk.ui.framework.table_model import Column, RecordTableModel

if TYPE_CHECKING:
    from missiondesk.services.rumours import RumourRow
    from missiondesk.ui.context import MissionContext

WATCHED = ("rumours", "media_outlets", "stakeholders", "key_messages", "key_message_texts")
POC_COLOUR = "#b3261e"
HIGH_COLOUR = "#a4161a"
OPEN_FILTER = "open"


def _esc(value: object) -> str:
    return html.escape("" if value is None else str(value)).replace("\n", "<br>")


def _t(text: str) -> str:
    return QCoreApplication.translate("RumoursTab", text)


def _short(text: str | None, limit: int = 90) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


def search_combo(items: list[tuple[str, Any]], current: Any, none_label: str) -> QComboBox:
    """A picker of (label, id) pairs with "none" first, that completes what is typed (any
    part of a name, case ignored): thousands of stakeholders stay usable."""
    combo = code_combo([(none_label, None), *items], current)
    combo.setEditable(True)
    combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
    completer = combo.completer()
    completer.setFilterMode(Qt.MatchFlag.MatchContains)
    completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
    combo.setMinimumContentsLength(24)
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    return combo


def picked(combo: QComboBox) -> Any:
    """The id of what a `search_combo` shows; None when the text names nothing in it."""
    index = combo.findText(combo.currentText(), Qt.MatchFlag.MatchFixedString)
    return combo.itemData(index) if index >= 0 else None


class RumourTableModel(RecordTableModel):
    COLUMNS = (
        Column("reported_on", lambda: _t("Date"), 82),
        Column("status", lambda: _t("Status"), 88),
        Column("risk", lambda: _t("Risk"), 78),
        Column("reach", lambda: _t("Reach"), 62),
        Column("channel", lambda: _t("Channel or outlet"), 130),
        Column("about", lambda: _t("About"), 90),
        Column("content", lambda: _t("What is said"), 200, elastic=True),
    )

    def display(self, r: RumourRow, column: str) -> str:
        if column == "reported_on":
            return r.reported_on.isoformat()
        if column == "status":
            return rumour_status_label(r.status)
        if column == "risk":
            text = level_label(r.risk)
            return text + " \u00b7 " + self.tr("PoC") if r.poc_risk else text
        if column == "reach":
            return level_label(r.reach)
        if column == "channel":
            return r.outlet_name or rumour_channel_label(r.channel)
        if column == "about":
            return r.stakeholder_name or ""
        if column == "content":
            return " ".join(r.content.split())
        return ""

    def sort_key(self, r: RumourRow, column: str) -> Any:
        order = {c.value: i for i, c in enumerate(Level3)}
        if column == "reported_on":
            return r.reported_on.toordinal()
        if column == "risk":
            return (order.get(r.risk, 9), r.poc_risk)
        if column == "reach":
            return order.get(r.reach, 9)
        if column == "status":
            return [s.value for s in RumourStatus].index(r.status) \
                if r.status in [s.value for s in RumourStatus] else 99
        return self.display(r, column)

    def tooltip(self, r: RumourRow, column: str) -> str | None:
        if column == "content":
            return r.content
        if column == "risk" and r.poc_risk:
            return self.tr("A risk to civilians (protection of civilians)")
        if column == "channel" and r.outlet_name:
            return rumour_channel_label(r.channel)
        return None

    def foreground(self, r: RumourRow, column: str) -> Any:
        if column == "risk" and (r.poc_risk or r.risk == "high"):
            return QBrush(QColor(POC_COLOUR if r.poc_risk else HIGH_COLOUR))
        if column == "status" and not r.is_open:
            return QBrush(QColor("#777777"))
        return None


class RumourForm(RecordForm):
    """New or edit a rumour (its status moves through the workflow buttons)."""

    MIN_WIDTH = 600

    def titles(self) -> tuple[str, str]:
        return self.tr("Log a Rumour"), self.tr("Edit Rumour")

    def build(self, values: dict) -> None:
        choices = values.pop("_choices")
        reported = values.get("reported_on")
        self.reported_on = QLineEdit(reported.isoformat() if isinstance(reported, date)
                                     else (reported or ""))
        self.reported_on.setPlaceholderText(self.tr("YYYY-MM-DD"))
        self.content = QPlainTextEdit(values.get("content") or "")
        self.content.setTabChangesFocus(True)
        self.content.setFixedHeight(80)
        self.content.setPlaceholderText(self.tr("What is being said, as heard"))
        self.channel = code_combo(((rumour_channel_label(c.value), c.value)
                                   for c in RumourChannel), values.get("channel"),
                                  "word_of_mouth")
        self.outlet = code_combo([(self.tr("No outlet"), None), *choices["outlets"]],
                                 values.get("outlet_id"))
        self.stakeholder = search_combo(choices["stakeholders"], values.get("stakeholder_id"),
                                        self.tr("No one in particular"))
        self.regions = QLineEdit("; ".join(values.get("regions") or []))
        self.regions.setPlaceholderText(self.tr("Regions, separated by ';'"))
        self.reach = code_combo(((level_label(c.value), c.value) for c in Level3),
                                values.get("reach"), "medium")
        self.risk = code_combo(((level_label(c.value), c.value) for c in Level3),
                               values.get("risk"), "medium")
        self.poc_risk = QCheckBox(self.tr("Puts civilians at risk (protection of civilians)"))
        self.poc_risk.setChecked(bool(values.get("poc_risk")))
        self.message = code_combo([(self.tr("No key message yet"), None),
                                   *choices["messages"]], values.get("response_message_id"))
        self.response = QPlainTextEdit(values.get("response") or "")
        self.response.setTabChangesFocus(True)
        self.response.setFixedHeight(60)
        self.response.setPlaceholderText(self.tr("What the mission did or will do"))
        self.keep_drafts("rumours", {"content": (self.tr("What is said"), self.content),
                                     "response": (self.tr("Response"), self.response)})
        self.classification = classification_combo(values.get("classification"),
                                                   "CONFIDENTIAL")
        self.add_field("reported_on", self.tr("Date"), self.reported_on)
        self.add_field("content", self.tr("What is said"), self.content)
        self.add_field("channel", self.tr("Channel"), self.channel)
        self.add_field("outlet_id", self.tr("Outlet"), self.outlet)
        self.form.addRow(self.tr("About"), self.stakeholder)
        self.add_field("regions", self.tr("Regions"), self.regions)
        self.add_field("reach", self.tr("Reach"), self.reach)
        self.add_field("risk", self.tr("Risk"), self.risk)
        self.add_field("poc_risk", "", self.poc_risk)
        self.add_field("response_message_id", self.tr("Key message"), self.message)
        self.add_field("response", self.tr("Response"), self.response)
        self.add_field("classification", self.tr("Classification"), self.classification)

    def values(self) -> dict:
        values = super().values()
        values["regions"] = [r.strip() for r in (values.get("regions") or "").split(";")
                             if r.strip()]
        values["stakeholder_id"] = picked(self.stakeholder)
        values["reported_on"] = typed_date(values.get("reported_on"))
        return values

    def check(self, values: dict) -> str | None:
        return unknown_stakeholder(self, self.stakeholder)


def unknown_stakeholder(form: RecordForm, combo: QComboBox) -> str | None:
    """The sentence when a stakeholder picker holds a name that is not a stakeholder."""
    typed = combo.currentText().strip()
    if typed and picked(combo) is None:
        return form.tr("\u201c{name}\u201d is not a stakeholder of the mission; choose one "
                       "from the list or leave it empty.").format(name=typed)
    return None


class RespondDialog(RecordForm):
    """Answer a rumour: the key message that responds to it and what was done."""

    def titles(self) -> tuple[str, str]:
        return self.tr("Respond to a Rumour"), self.tr("Respond to a Rumour")

    def build(self, values: dict) -> None:
        self.message = code_combo([(self.tr("No key message"), None), *values["_messages"]],
                                  values.get("response_message_id"))
        self.response = QPlainTextEdit(values.get("response") or "")
        self.response.setTabChangesFocus(True)
        self.response.setFixedHeight(80)
        self.response.setPlaceholderText(self.tr("What the mission did or will do: who "
                                                 "speaks, on which channel"))
        self.add_field("message_id", self.tr("Key message"), self.message)
        self.add_field("response", self.tr("Response"), self.response)
        self.add_below(hint_label(self.tr("A new or monitored rumour answered with a key "
                                          "message becomes \u201cResponding\u201d.")))


class RespondCommand(_ServiceCommand):
    """Answer a rumour with a key message; undo puts back the message, the response and the
    status it had."""

    def __init__(self, ctx: MissionContext, text: str, *, row: RumourRow, message_id: str | None,
                 response: str | None, on_error) -> None:
        super().__init__(ctx, text, row.revision, on_error)
        self.record_id = row.id
        self._old = (row.response_message_id, row.response, row.status)
        self._new = (message_id, response)

    def _answer(self, uow):
        from missiondesk.services.rumours import respond

        return respond(uow, self.record_id, expected_revision=self._revision,
                       message_id=self._new[0], response=self._new[1])

    def _put_back(self, uow):
        from missiondesk.services.rumours import set_status, update_rumour

        message_id, response, status = self._old
        view = update_rumour(uow, self.record_id, expected_revision=self._revision,
                             response_message_id=message_id, response=response)
        return set_status(uow, self.record_id, status, expected_revision=view.revision,
                          undoing=True)

    def first_apply(self) -> None:
        self._run(self._answer)
        self._applied_by_push = True

    def _forward(self) -> None:
        self._guarded(self._answer)

    def undo(self) -> None:
        self._guarded(self._put_back)


class RumoursTab(ListDetailDesk):
    """The rumour log with its editor, workflow buttons and the trend of open rumours."""

    WATCHED = WATCHED
    SIZES = (900, 330)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(RumourTableModel(), parent, row_height=24)
        self.model.setParent(self)
        from missiondesk.services import rumours as service

        self.actions = worded_actions(
            self, lambda: self._ctx,
            create=service.create_rumour, update=service.update_rumour,
            delete=service.delete_rumour, restore=service.restore_rumour,
            texts={"create": self.tr("Log rumour"), "edit": self.tr("Edit rumour"),
                   "delete": self.tr("Delete rumour")})
        self._messages: dict[str, Any] = {}
        t = self.tr
        self.status_filter = filter_combo(t("All statuses"), [
            (t("Open (new, monitoring, responding)"), OPEN_FILTER),
            *((rumour_status_label(s.value), s.value) for s in RumourStatus)])
        self.poc_only = QCheckBox(t("Risk to civilians only"))
        for widget in (QLabel(t("Show:")), self.status_filter, self.poc_only):
            self.filters.addWidget(widget)
        self.filters.addStretch(1)
        self.status_filter.currentIndexChanged.connect(lambda _i: self._apply_filter())
        self.poc_only.toggled.connect(lambda _on: self._apply_filter())

        self.new_button = self.button(t("Log\u2026"), self.new_rumour)
        self.edit_button = self.button(t("Edit\u2026"), self.edit_rumour)
        self.respond_button = self.button(t("Respond\u2026"), self.respond_to_rumour)
        self.respond_button.setToolTip(t("Answer with a key message"))
        self.status_button = QPushButton(t("Status"))
        self.status_menu = QMenu(self.status_button)
        self.status_menu.aboutToShow.connect(lambda: self._fill_status_menu(self.status_menu))
        self.status_button.setMenu(self.status_menu)
        self.delete_button = self.button(t("Delete"), self.delete_rumour)
        self.add_buttons(self.new_button, self.edit_button, self.respond_button)
        self.toolbar.addWidget(self.status_button)
        self.toolbar.addWidget(self.delete_button)
        self.toolbar.addStretch(1)
        self.toolbar.addWidget(self.count_label)
        self.table.doubleClicked.connect(lambda _index: self.edit_rumour())
        self.table.sortByColumn(0, Qt.SortOrder.DescendingOrder)  # the newest first
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._context_menu)

        self.trend_panel = QWidget()
        trend_layout = QVBoxLayout(self.trend_panel)
        trend_layout.setContentsMargins(0, 4, 0, 0)
        row = QHBoxLayout()
        row.addWidget(QLabel(t("Open rumours by")))
        self.period = code_combo([(t("week"), "week"), (t("month"), "month")], "week")
        self.period.currentIndexChanged.connect(lambda _i: self.draw_trend())
        row.addWidget(self.period)
        row.addStretch(1)
        trend_layout.addLayout(row)
        self.chart = ChartSlot(150)
        trend_layout.addWidget(self.chart)
        self.trend_panel.setFixedHeight(230)
        self.list_layout.addWidget(self.trend_panel)
        self.show_detail(None)
        self.update_buttons()

    # --- the mission's lifecycle -----------------------------------------------------------

    def load(self, ctx: MissionContext) -> list:
        from missiondesk.services import rumours as service

        self._messages = {m.id: m for m in service.message_choices(ctx.handle)}
        return service.list_rumours(ctx.handle)

    def refresh(self) -> None:
        super().refresh()
        self.draw_trend()

    def on_attached(self, ctx: MissionContext) -> None:
        self._apply_filter()

    def on_detached(self) -> None:
        self._messages = {}
        self.chart.clear()

    @property
    def canvas(self):
        return self.chart.canvas

    def count_text(self) -> str:
        rows = self.model.rows()
        open_rows = sum(1 for r in rows if r.is_open)
        poc = sum(1 for r in rows if r.poc_risk and r.is_open)
        text = self.tr("%n rumour(s)", "", len(rows)) + " \u00b7 " + \
            self.tr("%n open", "", open_rows)
        if poc:
            text += " \u00b7 " + self.tr("%n open with a risk to civilians", "", poc)
        return text

    def show_record(self, record_id: str) -> bool:
        """Select a rumour (the filters cleared when they hide it); False if not one."""
        if self.select_id(record_id):
            return True
        self.status_filter.setCurrentIndex(0)
        self.poc_only.setChecked(False)
        return self.select_id(record_id)

    def _apply_filter(self) -> None:
        wanted = self.status_filter.currentData()
        poc = self.poc_only.isChecked()

        def keep(r: RumourRow) -> bool:
            if wanted == OPEN_FILTER and not r.is_open:
                return False
            if wanted not in (None, OPEN_FILTER) and r.status != wanted:
                return False
            return not poc or r.poc_risk

        self.model.set_filter(None if wanted is None and not poc else keep)
        self._reselect(self.current_id())

    def update_buttons(self) -> None:
        has_mission = self._ctx is not None
        row = self._current if has_mission else None
        self.new_button.setEnabled(has_mission)
        for button in (self.edit_button, self.respond_button, self.delete_button):
            button.setEnabled(row is not None)
        self.status_button.setEnabled(row is not None and bool(row.next_statuses))
        self.period.setEnabled(has_mission)

    # --- the detail panel ------------------------------------------------------------------

    def message_text(self, message_id: str | None) -> str:
        message = self._messages.get(message_id or "")
        return _short(message.text(), 110) if message is not None else ""

    def show_detail(self, r: RumourRow | None) -> None:
        t = self.tr
        if r is None or self._ctx is None:
            self.detail.setHtml("<p style='color:#666'>%s</p>" % _esc(self.placeholder(
                t("Select a rumour to see where it circulates, its risk and the answer."),
                t("No rumours logged. Log\u2026 records what is being said about the "
                  "mission, where, and how far it travels."))))
            return
        risk = _esc(level_label(r.risk))
        if r.poc_risk:
            risk += " \u2014 <b style='color:%s'>%s</b>" % (
                POC_COLOUR, _esc(t("a risk to civilians (protection of civilians)")))
        facts = [
            (t("Reported"), _esc(r.reported_on.isoformat())),
            (t("Status"), "<b>%s</b>" % _esc(rumour_status_label(r.status))),
            (t("Channel"), _esc(rumour_channel_label(r.channel))),
            (t("Outlet"), _esc(r.outlet_name or "\u2014")),
            (t("About"), _esc(r.stakeholder_name or "\u2014")),
            (t("Regions"), _esc(", ".join(r.regions) or "\u2014")),
            (t("Reach"), _esc(level_label(r.reach))),
            (t("Risk"), risk),
            (t("Classification"), _esc(classification_label(r.classification))),
        ]
        parts = ["<p style='font-size:13px'><b>%s</b></p>" % _esc(r.content),
                 "<table cellspacing='0' cellpadding='2'>"]
        parts += ["<tr><td style='color:#555; padding-right:10px'>%s</td><td>%s</td></tr>"
                  % (_esc(k), v) for k, v in facts]
        parts.append("</table>")
        parts.append("<h3 style='margin-bottom:2px'>%s</h3>" % _esc(t("Response")))
        message = self._messages.get(r.response_message_id or "")
        if message is not None:
            from missiondesk.ui.communications.words import language_label

            for language, text in sorted(message.texts.items(),
                                         key=lambda item: (item[0] != "en", item[0])):
                parts.append("<p><span style='color:#555'>%s:</span> %s</p>" % (
                    _esc(language_label(language)), _esc(text)))
        else:
            parts.append("<p style='color:#777'>%s</p>" % _esc(
                t("No key message answers it yet: Respond\u2026 links one.")))
        if r.response:
            parts.append("<p>%s</p>" % _esc(r.response))
        if r.next_statuses:
            parts.append("<p style='color:#555'>%s</p>" % _esc(t("Can become: {statuses}.")
                         .format(statuses=", ".join(rumour_status_label(s)
                                                    for s in r.next_statuses))))
        self.detail.setHtml("".join(parts))

    # --- the trend -------------------------------------------------------------------------

    def draw_trend(self) -> None:
        if self._ctx is None:
            self.chart.clear()
            return
        from missiondesk.figures.rumour_trend import rumour_trend_figure
        from missiondesk.services.rumours import open_trend

        period = self.period.currentData()
        points = open_trend(self._ctx.handle, period=period, count=12)
        names = [p.start.strftime("%d %b") if period == "week" else p.start.strftime("%b %y")
                 for p in points]
        figure = rumour_trend_figure(
            points, names, title=self.tr("Open rumours"), width=7.5, height=2.1,
            labels={"open": self.tr("Open at the end of the period"),
                    "new": self.tr("Reported in the period"), "count": self.tr("Rumours"),
                    "empty": self.tr("No rumours in these periods")})
        self.chart.show_figure(figure)

    # --- writes (each on the undo stack) ----------------------------------------------------

    def _choices(self) -> dict:
        from missiondesk.services.commitments import stakeholder_choices
        from missiondesk.services.rumours import outlet_choices

        handle = self._ctx.handle
        return {"outlets": [(name, oid) for oid, name in outlet_choices(handle)],
                "stakeholders": [(name, sid) for sid, name in stakeholder_choices(handle)],
                "messages": [(_short(m.text(), 80), m.id) for m in self._messages.values()]}

    def new_rumour(self, values: dict | None = None) -> None:
        if self._ctx is None:
            return
        from missiondesk.services.clock import local_today, mission_zone
        from missiondesk.services.mission import get_mission

        handle = self._ctx.handle
        start = {"reported_on": local_today(mission_zone(handle)), "channel": "word_of_mouth",
                 "reach": "medium", "risk": "medium",
                 "classification": get_mission(handle).default_classification,
                 **(values or {})}
        RumourForm.ask(self, {**start, "_choices": self._choices()}, self.submit_new,
                       creating=True)

    def submit_new(self, values: dict) -> str | None:
        """Log a rumour from the form (undoable) and select it; the refusal, or None."""
        problem = self.actions.create(values)
        if problem is None:
            self.show_record(self.actions.last_created_id)
        return problem

    def edit_rumour(self) -> None:
        if self._ctx is None or self._current is None:
            return
        current = self._current
        RumourForm.ask(self, {**current.values(), "id": current.id,
                              "_choices": self._choices()},
                       lambda values: self.submit_edit(current, values), creating=False)

    def submit_edit(self, current: RumourRow, values: dict) -> str | None:
        """Change what the form changed (undoable); the refusal, or None."""
        return self.actions.edit(current, values)

    def delete_rumour(self) -> None:
        if self._ctx is None or self._current is None:
            return
        current = self._current
        self.confirm_delete(current, self.tr("Delete Rumour"), self.tr(
            "Delete \u201c{text}\u201d? Undo brings it back.").format(
                text=_short(current.content, 80)))

    def respond_to_rumour(self) -> None:
        if self._ctx is None or self._current is None:
            return
        current = self._current
        RespondDialog.ask(
            self, {"response_message_id": current.response_message_id,
                   "response": current.response, "id": current.id,
                   "_messages": self._choices()["messages"]},
            lambda values: self.submit_response(current, values), creating=False)

    def submit_response(self, current: RumourRow, values: dict) -> str | None:
        """Answer `current` with the chosen key message (undoable); the refusal, or None."""
        if self._ctx is None:
            return None
        if (values.get("message_id"), values.get("response")) == (
                current.response_message_id, current.response):
            return None
        command = RespondCommand(self._ctx, self.tr("Respond to rumour"), row=current,
                                 message_id=values.get("message_id"),
                                 response=values.get("response"),
                                 on_error=self.actions.show_undo_error)
        return self._push(command)

    def change_status(self, status: str, row: Any = None) -> str | None:
        """Move the selected rumour to `status` (undoable); the refusal, shown."""
        row = row or self._current
        if self._ctx is None or row is None:
            return None
        from missiondesk.services.rumours import set_status

        command = StatusCommand(
            self._ctx, self.tr("Mark rumour {status}").format(
                status=rumour_status_label(status).lower()), set_status=set_status,
            record_id=row.id, revision=row.revision, old=row.status, new=status,
            on_error=self.actions.show_undo_error)
        problem = self._push(command)
        if problem:
            QMessageBox.warning(self, self.tr("Status"), problem)
        return problem

    def _push(self, command: _ServiceCommand) -> str | None:
        return self.actions.push(command)

    def _fill_status_menu(self, menu: QMenu, row: Any = None) -> None:
        menu.clear()
        row = row or self._current
        if row is None:
            return
        for status in row.next_statuses:
            action = menu.addAction(rumour_status_label(status))
            action.setData(status)
            action.triggered.connect(lambda _c=False, s=status, r=row: self.change_status(s, r))

    def _context_menu(self, pos: QPoint) -> None:
        index = self.table.indexAt(pos)
        if not index.isValid():
            return
        row = self.model.row_at(index.row())
        menu = QMenu(self)
        self._fill_status_menu(menu, row)
        if not menu.isEmpty():
            menu.exec(self.table.viewport().mapToGlobal(pos))


def rumours_profile_html(handle, stakeholder_id: str) -> str:
    """The "Rumours about them" part of a stakeholder's profile: each rumour's date, status,
    risk (a risk to civilians marked) and words, a link that opens it in the Rumours tab;
    nothing when there is none."""
    from missiondesk.services.rumours import rumours_about

    rows = rumours_about(handle, stakeholder_id)
    if not rows:
        return ""
    items = []
    for r in rows:
        risk = _esc(_t("risk {level}").format(level=level_label(r.risk).lower()))
        if r.poc_risk:
            risk += ", <b style='color:%s'>%s</b>" % (POC_COLOUR, _esc(_t("risk to civilians")))
        items.append("<li>%s \u2014 %s (%s; %s): <a href='rumour:%s'>%s</a></li>" % (
            r.reported_on.isoformat(), _esc(rumour_status_label(r.status)), risk,
            _esc(rumour_channel_label(r.channel)), html.escape(r.id),
            _esc(_short(r.content, 120))))
    return "<h3>%s</h3><ul>%s</ul>" % (_esc(_t("Rumours about them")), "".join(items))


def open_rumour(widget: QWidget, rumour_id: str) -> bool:
    """Show a rumour in the Communications desk of `widget`'s main window, if it has one."""
    show = getattr(widget.window(), "show_record", None)
    return bool(show("communications", rumour_id)) if show is not None else False
