"""The Calendar tab: communications milestones beside the Security Council cycle (SG reports,
briefings, TCC/PCC meetings, renewals), with the windows around SG reports, briefings and
renewals when disinformation against the mission usually peaks.

A month on the left (window days shaded, days with a Council event or a milestone in bold),
the agenda of the month shown and the months after it on the right; a milestone or an event
opens in its own tab or desk. The window's width is a mission setting (`disinfo_days_before`
/ `disinfo_days_after`). Only services calls; no SQL.
"""

from __future__ import annotations

import html
from datetime import date, timedelta
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QDate
from PySide6.QtGui import QBrush, QColor, QFont, QTextCharFormat
from PySide6.QtWidgets import (
    QCalendarWidget,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from missiondesk.labels import cycle_event_kind_label
from missiondesk.ui.communications.media_words import milestone_status_label
from missiondesk.ui.framework.form import RecordForm, code_combo, hint_label

if TYPE_CHECKING:
    from missiondesk.services.comms_milestones import Calendar
    from missiondesk.ui.context import MissionContext

WATCHED = ("comms_milestones", "cycle_events", "mission_settings")
WINDOW_COLOUR = "#f6d5d1"
EVENT_COLOUR = "#7a1d0c"
MILESTONE_COLOUR = "#1f4e79"


def _esc(value: object) -> str:
    return html.escape("" if value is None else str(value))


def _t(text: str) -> str:
    return QCoreApplication.translate("CalendarTab", text)


def _month_start(day: date) -> date:
    return day.replace(day=1)


def _add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    return date(day.year + month // 12, month % 12 + 1, 1)


class DaysSettingsDialog(RecordForm):
    """Mission settings counted in days (`_fields`: (key, label) pairs, `_hint` below); the
    whole team shares them and the audit trail records who changed them."""

    MIN_WIDTH = 460

    def titles(self) -> tuple[str, str]:
        return self.tr("Mission Settings"), self.tr("Mission Settings")

    def build(self, values: dict) -> None:
        from missiondesk.services.mission_settings import REGISTRY

        for key, label in values["_fields"]:
            spin = QSpinBox()
            spin.setRange(REGISTRY[key].minimum, REGISTRY[key].maximum)
            spin.setValue(int(values.get(key, REGISTRY[key].default)))
            spin.setSuffix(self.tr(" days"))
            self.add_field(key, label, spin)
        self.add_below(hint_label(values["_hint"]))


def edit_days_settings(owner: QWidget, ctx: MissionContext | None,
                       fields: list[tuple[str, str]], hint: str) -> None:
    """Ask for settings counted in days; a change is one undoable edit."""
    if ctx is None:
        return
    from missiondesk.services.mission_settings import get_settings
    from missiondesk.ui.commitments.desk import edit_mission_settings

    current = get_settings(ctx.handle, tuple(key for key, _label in fields))
    DaysSettingsDialog.ask(owner, {**current, "_fields": fields, "_hint": hint},
                           lambda values: edit_mission_settings(owner, ctx, current, values),
                           creating=False)


class CalendarTab(QWidget):
    """A month view and an agenda of milestones and Council cycle events."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx: MissionContext | None = None
        self._marked: list[QDate] = []
        self.calendar_data: Calendar | None = None
        t = self.tr
        self.month = QCalendarWidget()
        self.month.setGridVisible(True)
        self.month.setVerticalHeaderFormat(
            QCalendarWidget.VerticalHeaderFormat.NoVerticalHeader)
        self.month.currentPageChanged.connect(lambda _y, _m: self.refresh())
        self.month.setMinimumWidth(360)
        self.today_button = QPushButton(t("Today"))
        self.today_button.clicked.connect(lambda _c=False: self.go_to_today())
        self.span = code_combo([(t("1 month"), 1), (t("3 months"), 3), (t("6 months"), 6)], 3)
        self.span.currentIndexChanged.connect(lambda _i: self.refresh())
        self.window_label = QLabel()
        self.window_label.setWordWrap(True)
        controls = QHBoxLayout()
        controls.addWidget(self.today_button)
        controls.addWidget(QLabel(t("Agenda for")))
        controls.addWidget(self.span)
        controls.addStretch(1)
        self.settings_button = QPushButton(t("Window\u2026"))
        self.settings_button.setToolTip(t("How many days before and after an SG report, a "
                                          "briefing or a renewal the window spans"))
        self.settings_button.clicked.connect(lambda _c=False: self.edit_window())
        controls.addWidget(self.settings_button)
        legend = QLabel("<span style='background:%s'>&nbsp;&nbsp;&nbsp;&nbsp;</span> %s"
                        " &nbsp; <b style='color:%s'>%s</b> &nbsp; <b style='color:%s'>%s</b>"
                        % (WINDOW_COLOUR, _esc(t("disinformation window")), EVENT_COLOUR,
                           _esc(t("Council event")), MILESTONE_COLOUR, _esc(t("milestone"))))
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addLayout(controls)
        left_layout.addWidget(self.month, 1)
        left_layout.addWidget(legend)
        left_layout.addWidget(self.window_label)
        left_layout.addWidget(hint_label(t(
            "Disinformation against missions usually peaks around SG reports, the Council's "
            "briefings and renewals: plan rumour monitoring and answers for the shaded days. "
            "The window's width is a mission setting.")))
        self.agenda = QTextBrowser()
        self.agenda.setOpenLinks(False)
        self.agenda.anchorClicked.connect(self._link_clicked)
        splitter = QSplitter()
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(left)
        splitter.addWidget(self.agenda)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        splitter.setSizes([440, 700])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addWidget(splitter)
        self._show_empty()

    # --- the mission's lifecycle -----------------------------------------------------------

    @property
    def ctx(self) -> MissionContext | None:
        return self._ctx

    def attach(self, ctx: MissionContext) -> None:
        self._ctx = ctx
        ctx.bus.missionChanged.connect(self._on_changed)
        self.settings_button.setEnabled(True)
        self.today_button.setEnabled(True)
        self.go_to_today()

    def detach(self) -> None:
        if self._ctx is not None:
            self._ctx.bus.missionChanged.disconnect(self._on_changed)
        self._ctx = None
        self.calendar_data = None
        self._clear_marks()
        self._show_empty()

    def _on_changed(self, changed) -> None:
        if changed.touches(*WATCHED):
            self.refresh()

    def go_to_today(self) -> None:
        if self._ctx is None:
            return
        from missiondesk.services.clock import local_today, mission_zone

        today = local_today(mission_zone(self._ctx.handle))
        self.month.setSelectedDate(QDate(today.year, today.month, today.day))
        self.month.setCurrentPage(today.year, today.month)
        self.refresh()

    def shown_period(self) -> tuple[date, date]:
        """The agenda's period: the month shown and the months after it."""
        start = date(self.month.yearShown(), self.month.monthShown(), 1)
        return start, _add_months(start, self.span.currentData()) - timedelta(days=1)

    # --- drawing -----------------------------------------------------------------------------

    def refresh(self) -> None:
        if self._ctx is None:
            return
        from missiondesk.services.comms_milestones import calendar, disinfo_settings

        start, end = self.shown_period()
        # the month grid also shows days of the months around it
        grid_start, grid_end = start - timedelta(days=7), _add_months(start, 1) + timedelta(
            days=14)
        self.calendar_data = calendar(self._ctx.handle, min(start, grid_start),
                                      max(end, grid_end))
        before, after = disinfo_settings(self._ctx.handle)
        self.window_label.setText(self.tr(
            "Window: {before} days before to {after} days after each SG report, briefing and "
            "renewal.").format(before=before, after=after))
        self._mark_days()
        self.agenda.setHtml(self._agenda_html(start, end))

    def _clear_marks(self) -> None:
        for day in self._marked:
            self.month.setDateTextFormat(day, QTextCharFormat())
        self._marked = []

    def _mark_days(self) -> None:
        self._clear_marks()
        cal = self.calendar_data
        formats: dict[date, QTextCharFormat] = {}

        def fmt(day: date) -> QTextCharFormat:
            return formats.setdefault(day, QTextCharFormat())

        for window in cal.windows:
            day = max(window.start, cal.start)
            while day <= min(window.end, cal.end):
                fmt(day).setBackground(QBrush(QColor(WINDOW_COLOUR)))
                day += timedelta(days=1)
        event_days = {e.day for e in cal.entries if e.kind == "cycle_event"}
        for entry in cal.entries:  # a Council event's colour wins over a milestone's
            f = fmt(entry.day)
            f.setFontWeight(QFont.Weight.Bold)
            f.setForeground(QBrush(QColor(EVENT_COLOUR if entry.day in event_days
                                          else MILESTONE_COLOUR)))
        for day, f in formats.items():
            qday = QDate(day.year, day.month, day.day)
            self.month.setDateTextFormat(qday, f)
            self._marked.append(qday)

    def marked_window_days(self) -> set[date]:
        """The days the month view shades as a disinformation window."""
        shaded = set()
        for qday in self._marked:
            if self.month.dateTextFormat(qday).background().color() == QColor(WINDOW_COLOUR):
                shaded.add(date(qday.year(), qday.month(), qday.day()))
        return shaded

    def _agenda_html(self, start: date, end: date) -> str:
        t = self.tr
        cal = self.calendar_data
        parts = []
        windows = [w for w in cal.windows if w.start <= end and w.end >= start]
        if windows:
            rows = "".join(
                "<li><b>%s \u2192 %s</b>: %s (%s, %s)</li>" % (
                    w.start.isoformat(), w.end.isoformat(), _esc(w.event_title),
                    _esc(cycle_event_kind_label(w.event_kind)), w.event_day.isoformat())
                for w in windows)
            parts.append("<div style='background:%s; padding:4px'><b>%s</b><ul "
                         "style='margin-top:2px'>%s</ul></div>" % (
                             WINDOW_COLOUR, _esc(t("Disinformation windows")), rows))
        entries = [e for e in cal.entries if start <= e.day <= end]
        month = None
        for e in entries:
            if _month_start(e.day) != month:
                month = _month_start(e.day)
                parts.append("<h3 style='margin-bottom:2px'>%s</h3>" % _esc(
                    month.strftime("%B %Y")))
            if e.kind == "cycle_event":
                what = "<b style='color:%s'>%s</b>" % (EVENT_COLOUR,
                                                       _esc(cycle_event_kind_label(e.code)))
                link = "event:" + e.record_id
            else:
                what = "<span style='color:%s'>%s \u00b7 %s</span>" % (
                    MILESTONE_COLOUR, _esc(t("Milestone")), _esc(milestone_status_label(e.code)))
                link = "milestone:" + e.record_id
            flag = (" <span style='background:%s'>&nbsp;%s&nbsp;</span>" % (
                WINDOW_COLOUR, _esc(t("in a disinformation window")))) if e.in_window else ""
            parts.append("<p style='margin:2px 0'>%s &nbsp; %s \u2014 <a href='%s'>%s</a>%s</p>"
                         % (e.day.strftime("%a %d"), what, _esc(link), _esc(e.title), flag))
        if not entries:
            parts.append("<p style='color:#666'>%s</p>" % _esc(t(
                "No milestone and no Council event from {start} to {end}.").format(
                    start=start.isoformat(), end=end.isoformat())))
        return "".join(parts)

    def edit_window(self) -> None:
        """The disinformation window's width (mission settings, undoable)."""
        edit_days_settings(self, self._ctx, [
            ("disinfo_days_before", self.tr("From (days before the event)")),
            ("disinfo_days_after", self.tr("Until (days after the event)"))],
            self.tr("Disinformation against the mission is expected from this many days "
                    "before an SG report, a Council briefing or a renewal until this many "
                    "days after it. The whole team sees the same window."))

    def _show_empty(self) -> None:
        self.settings_button.setEnabled(self._ctx is not None)
        self.today_button.setEnabled(self._ctx is not None)
        self.agenda.setHtml("<p style='color:#666'>%s</p>" % _esc(self.tr("No mission open.")))
        self.window_label.clear()

    def _link_clicked(self, url) -> None:
        kind, _sep, record_id = url.toString().partition(":")
        window = self.window()
        show = getattr(window, "show_record", None)
        if show is None:
            return
        if kind == "milestone":
            show("communications", record_id)
        elif kind == "event":
            show("mandate", record_id)
