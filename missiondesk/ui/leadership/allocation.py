"""The Time tab: where the team's logged engagement time went in a period — hours per member
(political and other), by priority tier, by portfolio, the SRSG's political share by month
against the target, a table, and delegation suggestions in words.

The figures are computed and the charts drawn to images in a worker (`build_time_view`, no
Qt), so a year of the large mission never holds the window; the page only shows the result.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from PySide6.QtCore import QDate, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QPixmap
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from missiondesk.labels import role_label
from missiondesk.ui.framework.desk import record_table
from missiondesk.ui.framework.table_model import Column, RecordTableModel
from missiondesk.ui.leadership.labels import (
    delegation_summary,
    hours,
    percent,
    suggestion_text,
    tier_labels,
)

BELOW_TARGET = "#b3261e"
ON_TARGET = "#1b7f4b"
PRESETS = ("30", "90", "365", "year", "custom")


def _t(text: str, n: int = -1) -> str:
    from PySide6.QtCore import QCoreApplication

    return QCoreApplication.translate("Leadership", text, None, n)


def preset_period(code: str, today: date) -> tuple[date, date] | None:
    """The days a preset covers, today included (None: custom)."""
    if code in ("30", "90", "365"):
        return today - timedelta(days=int(code) - 1), today
    if code == "year":
        return date(today.year, 1, 1), today
    return None


@dataclass(frozen=True)
class TimeView:
    """What the worker hands the page: the figures, the suggestions, the charts as PNG."""

    allocation: Any            # services.leadership.TimeAllocation
    suggestions: tuple
    letters: Mapping
    charts: Mapping[str, bytes]


def chart_words() -> dict:
    """Every word the charts print, translated on the GUI thread before the worker runs."""
    return {
        "political": _t("Political"), "other": _t("Other"), "hours": _t("Hours"),
        "empty": _t("No engagements logged in this period"),
        "no_portfolio": _t("No portfolio"), "target": _t("Target"),
        "share": _t("Political share (%)"), "tiers": tier_labels(),
        "title_members": _t("Hours per team member"),
        "title_tiers": _t("Hours by the priority of the counterparts met"),
        "title_portfolios": _t("Hours of {member} by portfolio"),
        "title_share": _t("The SRSG's political share by month"),
        "no_srsg": _t("No active team member has the SRSG's role"),
        "months": [QDate(2000, m, 1).toString("MMM") for m in range(1, 13)],
    }


def _png(figure) -> bytes:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    buffer = io.BytesIO()
    FigureCanvasAgg(figure).print_png(buffer)
    return buffer.getvalue()


def portfolio_chart(allocation, member_id: str | None, words: dict, width: float) -> bytes:
    from missiondesk.figures.time_allocation import hours_by_portfolio_figure

    member = next((m for m in allocation.members if m.member_id == member_id), None)
    minutes = dict(member.by_portfolio) if member is not None else {}
    return _png(hours_by_portfolio_figure(
        minutes, allocation.portfolios, width=width, labels=words,
        title=words["title_portfolios"].format(member=member.name if member else "\u2013")))


def build_main_view(handle, start: date, end: date, words: dict, width: float) -> TimeView:
    """The period's hours per member and the SRSG's share, with their charts: what the tab
    shows first (a worker's job: one SQL pass, then matplotlib)."""
    from missiondesk.services.leadership.time import member_hours

    allocation = member_hours(handle, start, end)
    return TimeView(allocation=allocation, suggestions=None, letters=None,
                    charts=draw_charts(allocation, words, width, None, detail=False))


def build_detail_view(handle, main: TimeView, words: dict, width: float,
                      portfolio_member: str | None, letters: Mapping | None,
                      today: date | None = None) -> TimeView:
    """The same period's tiers, portfolios and delegation suggestions, with their charts."""
    from missiondesk.services import leadership
    from missiondesk.services.leadership.portfolios import priority_letters
    from missiondesk.services.leadership.time import hours_detail, with_detail

    start, end = main.allocation.start, main.allocation.end
    letters = priority_letters(handle, today) if letters is None else letters
    allocation = with_detail(main.allocation,
                             hours_detail(handle, start, end, letters=letters))
    suggestions = leadership.delegation_suggestions(handle, start, end, letters=letters,
                                                    share=allocation.share)
    return TimeView(allocation=allocation, suggestions=tuple(suggestions), letters=letters,
                    charts=draw_charts(allocation, words, width, portfolio_member))


def draw_charts(allocation, words: dict, width: float, portfolio_member: str | None, *,
                detail: bool = True) -> dict[str, bytes]:
    """The charts of a period as PNG images `width` inches wide (no Qt): hours per member
    and the share by month, and with `detail` the tiers and portfolios."""
    from missiondesk.figures.time_allocation import (
        hours_by_tier_figure,
        hours_per_member_figure,
        share_by_month_figure,
    )

    share = allocation.share
    months = ["%s %s" % (words["months"][m.month.month - 1], str(m.month.year)[2:])
              for m in share.months]
    charts = {
        "members": _png(hours_per_member_figure(allocation.members, width=width,
                                                title=words["title_members"], labels=words)),
        "share": _png(share_by_month_figure(
            share, width=width, title=words["title_share"], month_names=months,
            labels=words if share.member_id else {**words, "empty": words["no_srsg"]})),
    }
    if detail:
        charts["tiers"] = _png(hours_by_tier_figure(allocation.members, width=width,
                                                    title=words["title_tiers"], labels=words))
        # no engagement of the period is linked to a portfolio's objective: the page says
        # how to link them rather than draw one bar of "no portfolio"
        attributed = any(pid is not None for m in allocation.members for pid in m.by_portfolio)
        charts["portfolios"] = portfolio_chart(allocation, portfolio_member or share.member_id,
                                               words, width) if attributed else b""
    return charts


class HoursModel(RecordTableModel):
    COLUMNS = (
        Column("name", lambda: _t("Member"), 120, elastic=True),
        Column("role", lambda: _t("Role"), 95),
        Column("political", lambda: _t("Political"), 62, align="right"),
        Column("other", lambda: _t("Other"), 52, align="right"),
        Column("total", lambda: _t("Total"), 52, align="right"),
        Column("share", lambda: _t("Share"), 52, align="right"),
        Column("engagements", lambda: _t("Meetings"), 66, align="right"),
    )

    def display(self, row: Any, key: str) -> str:
        if key == "role":
            return role_label(row.role)
        if key == "political":
            return hours(row.political_minutes)
        if key == "other":
            return hours(row.other_minutes)
        if key == "total":
            return hours(row.total_minutes)
        if key == "share":
            return percent(100.0 * row.political_minutes / row.total_minutes
                           if row.total_minutes else None)
        if key == "engagements":
            return str(row.engagements)
        return super().display(row, key)

    def sort_key(self, row: Any, key: str) -> Any:
        numbers = {"political": row.political_minutes, "other": row.other_minutes,
                   "total": row.total_minutes, "engagements": row.engagements,
                   "share": (row.political_minutes / row.total_minutes
                             if row.total_minutes else -1)}
        return numbers.get(key, super().sort_key(row, key))

    def row_id(self, row: Any) -> Any:
        return row.member_id


class TimePage(QWidget):
    """The period, the SRSG's share, the charts, the table and the suggestions."""

    periodChanged = Signal()
    portfolioMemberChanged = Signal()
    chartsTooNarrow = Signal()  # the panel was resized: the charts should be drawn again

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.preset = QComboBox()
        for code, label in zip(PRESETS, (_t("Last 30 days"), _t("Last 90 days"),
                                         _t("Last 12 months"), _t("This year"),
                                         _t("Custom")), strict=True):
            self.preset.addItem(label, code)
        self.start = QDateEdit()
        self.end = QDateEdit()
        for edit in (self.start, self.end):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
        self.member = QComboBox()
        self.member.setMinimumContentsLength(16)
        self.member.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.export_button = QPushButton(_t("Export Table\u2026"))
        controls = QHBoxLayout()
        controls.addWidget(QLabel(_t("Period:")))
        controls.addWidget(self.preset)
        controls.addWidget(QLabel(_t("from")))
        controls.addWidget(self.start)
        controls.addWidget(QLabel(_t("to")))
        controls.addWidget(self.end)
        controls.addSpacing(12)
        controls.addWidget(QLabel(_t("Portfolios of:")))
        controls.addWidget(self.member, 1)
        controls.addStretch(1)
        controls.addWidget(self.export_button)

        self.share_label = QLabel()
        self.share_label.setWordWrap(True)
        self.status = QLabel()
        self.status.setStyleSheet("color: palette(placeholder-text);")

        self.charts: dict[str, QLabel] = {}
        charts = QWidget()
        charts_layout = QVBoxLayout(charts)
        for key in ("members", "share", "tiers", "portfolios"):
            label = QLabel()
            label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
            self.charts[key] = label
            charts_layout.addWidget(label)
        charts_layout.addStretch(1)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroll.setWidget(charts)

        self.model = HoursModel(self)
        self.table = record_table(self.model)
        self.table.sortByColumn(self.model.column_of("total"), Qt.SortOrder.DescendingOrder)
        self.suggestions = QListWidget()
        self.suggestions.setWordWrap(True)
        self.suggestions.setAlternatingRowColors(True)
        self.suggestions.setSpacing(2)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(QLabel(_t("Hours in the period (an engagement counts for "
                                          "everyone who took part)")))
        right_layout.addWidget(self.table, 3)
        right_layout.addWidget(QLabel("<b>%s</b>" % _t("What the SRSG could delegate")))
        right_layout.addWidget(self.suggestions, 2)
        splitter = QSplitter()
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(self.scroll)
        splitter.addWidget(right)
        splitter.setSizes([540, 620])

        layout = QVBoxLayout(self)
        layout.addLayout(controls)
        layout.addWidget(self.share_label)
        layout.addWidget(self.status)
        layout.addWidget(splitter, 1)

        self.preset.currentIndexChanged.connect(self._preset_chosen)
        self.start.dateChanged.connect(self._dates_typed)
        self.end.dateChanged.connect(self._dates_typed)
        self.member.currentIndexChanged.connect(lambda _i: self.portfolioMemberChanged.emit())
        self._setting = False
        self.drawn_width = 0.0   # inches of the charts shown
        self._resize_timer = QTimer(self)
        self._resize_timer.setSingleShot(True)
        self._resize_timer.setInterval(150)
        self._resize_timer.timeout.connect(self._check_width)

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        self._resize_timer.start()

    def _check_width(self) -> None:
        if self.drawn_width and abs(self.chart_width() - self.drawn_width) > 0.4:
            self.chartsTooNarrow.emit()

    # --- the period -------------------------------------------------------------------------

    def set_today(self, today: date) -> None:
        """Start on the last 90 days of the mission's calendar."""
        self._today = today
        self.preset.setCurrentIndex(PRESETS.index("90"))
        self._preset_chosen()

    def _preset_chosen(self, _index: int = 0) -> None:
        period = preset_period(self.preset.currentData(), getattr(self, "_today", date.today()))
        if period is None:
            return
        self._setting = True
        self.start.setDate(QDate(period[0].year, period[0].month, period[0].day))
        self.end.setDate(QDate(period[1].year, period[1].month, period[1].day))
        self._setting = False
        self.periodChanged.emit()

    def _dates_typed(self, _date: QDate) -> None:
        if self._setting:
            return
        self.preset.blockSignals(True)
        self.preset.setCurrentIndex(PRESETS.index("custom"))
        self.preset.blockSignals(False)
        self.periodChanged.emit()

    def period(self) -> tuple[date, date] | None:
        """The period chosen; None when it ends before it starts."""
        start, end = self.start.date().toPython(), self.end.date().toPython()
        return None if end < start else (start, end)

    def chart_width(self) -> float:
        """Inches at 100 dpi for the charts to fill the left panel."""
        return max(4.5, (self.scroll.viewport().width() - 30) / 100.0)

    def set_members(self, members: list, srsg_id: str | None) -> None:
        keep = self.member.currentData() or srsg_id
        self.member.blockSignals(True)
        self.member.clear()
        for m in members:
            self.member.addItem("%s (%s)" % (m.name, role_label(m.role)), m.id)
        index = self.member.findData(keep)
        self.member.setCurrentIndex(max(0, index))
        self.member.blockSignals(False)

    # --- showing -----------------------------------------------------------------------------

    def show_busy(self) -> None:
        self.status.setText(_t("Reading the engagement log\u2026"))

    def show_bad_period(self) -> None:
        self.status.setText(_t("The period ends before it starts: choose an end date after "
                               "the start."))

    def set_chart(self, key: str, png: bytes) -> None:
        if not png:  # the portfolios: none is linked to an objective the period's work served
            self.charts[key].setWordWrap(True)
            self.charts[key].setText(_t(
                "Time by portfolio: no engagement of this period is linked to the strategy "
                "objective of a portfolio. Give each portfolio its objective (Team & "
                "portfolios, Edit\u2026) and the engagements linked to that objective count "
                "as the portfolio's time."))
            return
        pixmap = QPixmap()
        pixmap.loadFromData(png, "PNG")
        room = self.scroll.viewport().width() - 20
        if 0 < room < pixmap.width():  # until it is drawn again at this width
            pixmap = pixmap.scaledToWidth(room, Qt.TransformationMode.SmoothTransformation)
        self.charts[key].setPixmap(pixmap)

    def show_view(self, view: TimeView) -> None:
        """The hours and share first (`suggestions` None: the detail is still being read),
        then the tiers, portfolios and suggestions."""
        allocation = view.allocation
        self.model.set_rows(list(allocation.members))
        for key, png in view.charts.items():
            self.set_chart(key, png)
        self._resize_timer.start()  # drawn for a width the panel may no longer have
        self.share_label.setText(self.share_text(allocation.share))
        self.suggestions.clear()
        if view.suggestions is None:
            self.status.setText(_t("Reading the tiers, portfolios and what could be "
                                   "delegated\u2026"))
            for key in ("tiers", "portfolios"):
                self.charts[key].clear()
            return
        self.status.clear()
        together = [s for s in view.suggestions if s.code == "delegate"]
        if len(together) > 1:
            from missiondesk.services.leadership.time import delegations_together

            count, minutes, after = delegations_together(allocation.share, together)
            item = QListWidgetItem(delegation_summary(count, minutes,
                                                      allocation.share.percent, after))
            font = item.font()
            font.setBold(True)
            item.setFont(font)
            self.suggestions.addItem(item)
        for s in view.suggestions:
            self.suggestions.addItem(suggestion_text(s))
        if allocation.share.member_id is None:
            self.suggestions.addItem(_t("No active team member has the SRSG's role: give one "
                                        "the role in Team & portfolios (Edit Member\u2026)."))
        elif not view.suggestions:
            self.suggestions.addItem(_t("Nothing to suggest: in this period the SRSG's "
                                        "non-political and low-priority meetings are theirs "
                                        "in the RACI, or there are none."))

    def share_text(self, share) -> str:
        if share.member_id is None:
            return _t("No active team member has the SRSG's role: the political share cannot "
                      "be computed.")
        if share.percent is None:
            return _t("{name} (SRSG) has no engagement logged in this period.").format(
                name=share.member_name)
        colour = ON_TARGET if share.percent >= share.target else BELOW_TARGET
        text = _t("SRSG political share: <b style='color:{colour}'>{share}</b> of {hours} h "
                  "logged by {name} (target {target} %)").format(
            colour=QColor(colour).name(), share=percent(share.percent),
            hours=hours(share.total_minutes), name=share.member_name, target=share.target)
        trend = share.trend
        if trend is not None:
            if abs(trend) < 0.5:
                text += _t("; steady month to month")
            elif trend > 0:
                text += _t("; rising {points} points a month").format(points="%.1f" % trend)
            else:
                text += _t("; falling {points} points a month").format(
                    points="%.1f" % -trend)
        return "<span style='font-size: 13pt'>%s.</span>" % text

    def clear(self) -> None:
        self.model.clear()
        self.suggestions.clear()
        self.share_label.clear()
        self.status.clear()
        for label in self.charts.values():
            label.clear()
