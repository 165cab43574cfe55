"""The Board tab: the mandate's benchmarks by pillar and status (met, partially met, on track,
at risk, off track, not started), and what moved since the last SG report (or a chosen date):
from which status to which, with the assessments' narratives."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from missiondesk.store.errors import MissionError
from missiondesk.ui.framework.widgets import error_label
from missiondesk.ui.mandate.common import esc, mission_today, status_chip
from missiondesk.ui.mandate.labels import STATUS_COLOURS, status_label

if TYPE_CHECKING:
    from missiondesk.services.mandate import Board, MandateView, Move
    from missiondesk.ui.context import MissionContext

WATCHED = ("benchmarks", "benchmark_assessments", "cycle_events", "mandates")


def _t(text: str) -> str:
    return QCoreApplication.translate("MandateBoard", text)


def _service():
    from missiondesk.services import mandate

    return mandate


class BoardTab(QWidget):
    """The status board and the moves since the last SG report."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx: MissionContext | None = None
        self.mandate: MandateView | None = None
        self.board: Board | None = None
        self.moves: list[Move] = []
        self.since: date | None = None
        self._chosen_since: date | None = None   # None: the last SG report

        self.table = QTableWidget()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.verticalHeader().setDefaultSectionSize(26)
        # seven columns and a few pillars: fitting them to their words costs nothing here
        self.table.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.benchmarks = QTextBrowser()
        self.benchmarks.setOpenLinks(False)
        self.benchmarks.anchorClicked.connect(self._open)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(QLabel(self.tr("<b>Benchmarks by pillar and status</b>")))
        left_layout.addWidget(self.table)
        left_layout.addWidget(self.benchmarks, 1)

        self.since_edit = QLineEdit()
        self.since_edit.setPlaceholderText(self.tr("YYYY-MM-DD"))
        self.since_edit.setMaximumWidth(120)
        self.since_edit.returnPressed.connect(self._since_typed)
        self.apply_button = QPushButton(self.tr("Show"))
        self.apply_button.clicked.connect(self._since_typed)
        self.last_report_button = QPushButton(self.tr("Last SG Report"))
        self.last_report_button.setToolTip(self.tr("Since the last SG report due before today"))
        self.last_report_button.clicked.connect(lambda: self.choose_since(None))
        self.since_label = QLabel()
        self.since_label.setWordWrap(True)
        self.since_error = error_label()
        self.moves_view = QTextBrowser()
        self.moves_view.setOpenLinks(False)
        self.moves_view.anchorClicked.connect(self._open)
        since_row = QHBoxLayout()
        since_row.addWidget(QLabel(self.tr("Since")))
        since_row.addWidget(self.since_edit)
        since_row.addWidget(self.apply_button)
        since_row.addWidget(self.last_report_button)
        since_row.addStretch(1)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(QLabel(self.tr("<b>What moved</b>")))
        right_layout.addLayout(since_row)
        right_layout.addWidget(self.since_label)
        right_layout.addWidget(self.since_error)
        right_layout.addWidget(self.moves_view, 1)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setSizes([660, 500])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addWidget(splitter)
        self.refresh()

    # --- the mission and the mandate ------------------------------------------------------------

    def attach(self, ctx: MissionContext) -> None:
        self._ctx = ctx
        ctx.bus.missionChanged.connect(self._on_changed)
        self.refresh()

    def detach(self) -> None:
        if self._ctx is not None:
            self._ctx.bus.missionChanged.disconnect(self._on_changed)
        self._ctx = None
        self._chosen_since = None
        self.refresh()

    def set_mandate(self, mandate: MandateView | None) -> None:
        self.mandate = mandate
        self.refresh()

    def _on_changed(self, changed) -> None:
        if changed.touches(*WATCHED):
            self.refresh()

    def _open(self, url) -> None:
        kind, _, record_id = url.toString().partition(":")
        desk = self.parent()
        while desk is not None and not hasattr(desk, "choose_mandate"):
            desk = desk.parent()
        if desk is not None and kind == "benchmark":
            desk.show_record(record_id)

    # --- since when ------------------------------------------------------------------------------

    def choose_since(self, day: date | None) -> None:
        """Show what moved since this date (None: since the last SG report)."""
        self._chosen_since = day
        self.since_error.hide()
        self.refresh()

    def _since_typed(self) -> None:
        from missiondesk.messages import error_text
        from missiondesk.services.validation import optional_date
        from missiondesk.store.errors import InvalidValue

        try:
            day = optional_date("since", self.since_edit.text().strip())
        except InvalidValue as exc:
            self.since_error.setText(error_text(exc))
            self.since_error.show()
            return
        self.choose_since(day)

    # --- drawing ---------------------------------------------------------------------------------

    def refresh(self) -> None:
        if self._ctx is None or self.mandate is None:
            self.board, self.moves, self.since = None, [], None
            self.table.clear()
            self.table.setRowCount(0)
            self.table.setColumnCount(0)
            text = self.tr("No mission open.") if self._ctx is None else self.tr(
                "No mandate yet: New Mandate\u2026 above adds the resolution.")
            self.benchmarks.setHtml("<p style='color:#666'>%s</p>" % esc(text))
            self.moves_view.clear()
            self.since_label.clear()
            for widget in (self.since_edit, self.apply_button, self.last_report_button):
                widget.setEnabled(False)
            return
        for widget in (self.since_edit, self.apply_button, self.last_report_button):
            widget.setEnabled(True)
        service = _service()
        handle = self._ctx.handle
        try:
            self.board = service.board(handle, self.mandate.id)
            today = mission_today(self._ctx)
            last_report = service.last_sg_report(handle, today, self.mandate.id)
            if self._chosen_since is not None:
                self.since = self._chosen_since
                reason = self.tr("since {date} (chosen)").format(date=self.since.isoformat())
            elif last_report is not None:
                self.since = last_report
                reason = self.tr("since the last SG report, due {date}").format(
                    date=last_report.isoformat())
            else:
                self.since = self.mandate.adopted_on or date.min
                reason = self.tr("since the mandate's adoption ({date}): no SG report is "
                                 "due before today").format(
                    date=self.mandate.adopted_on.isoformat() if self.mandate.adopted_on
                    else "\u2014")
            self.moves = service.moves_since(handle, self.mandate.id, self.since)
        except MissionError:
            return
        if not self.since_edit.hasFocus():
            self.since_edit.setText("" if self.since == date.min else self.since.isoformat())
        self.since_label.setText(reason)
        self._draw_table()
        self._draw_benchmarks()
        self._draw_moves()

    def _draw_table(self) -> None:
        board = self.board
        codes = _service().STATUS_ORDER
        self.table.clear()
        self.table.setColumnCount(len(codes) + 1)
        self.table.setRowCount(len(board.pillars) + 1)
        headers = [status_label(c) for c in codes] + [self.tr("Total")]
        self.table.setHorizontalHeaderLabels(headers)
        for column, code in enumerate(codes):
            item = self.table.horizontalHeaderItem(column)
            item.setForeground(QBrush(QColor(STATUS_COLOURS[code])))
        labels = [p.pillar or self.tr("No pillar") for p in board.pillars] + [self.tr("All")]
        self.table.setVerticalHeaderLabels(labels)
        bold = QFont()
        bold.setBold(True)
        rows = [p.counts for p in board.pillars] + [board.totals]
        for r, counts in enumerate(rows):
            for column, code in enumerate(codes):
                n = counts.get(code, 0)
                item = QTableWidgetItem(str(n) if n else "")
                item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                if n:
                    colour = QColor(STATUS_COLOURS[code])
                    colour.setAlpha(60 if r < len(board.pillars) else 90)
                    item.setBackground(QBrush(colour))
                if r == len(board.pillars):
                    item.setFont(bold)
                self.table.setItem(r, column, item)
            total = QTableWidgetItem(str(sum(counts.values())))
            total.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
            total.setFont(bold)
            self.table.setItem(r, len(codes), total)
        height = (self.table.horizontalHeader().sizeHint().height()
                  + 26 * self.table.rowCount() + 2 * self.table.frameWidth())
        self.table.setFixedHeight(height)

    def _draw_benchmarks(self) -> None:
        if not self.board.pillars:
            self.benchmarks.setHtml("<p style='color:#666'>%s</p>" % esc(self.tr(
                "No benchmarks yet: add them in the Benchmarks tab.")))
            return
        parts = []
        for pillar in self.board.pillars:
            parts.append("<h4 style='margin-bottom:2px'>%s</h4><table cellpadding='2'>" % esc(
                pillar.pillar or self.tr("No pillar")))
            for b in pillar.benchmarks:
                parts.append("<tr><td valign='top' style='white-space:nowrap'>%s</td>"
                             "<td><a href='benchmark:%s'>%s</a></td></tr>" % (
                                 status_chip(b.status), esc(b.id), esc(b.statement)))
            parts.append("</table>")
        self.benchmarks.setHtml("".join(parts))

    def _draw_moves(self) -> None:
        if not self.moves:
            self.moves_view.setHtml("<p style='color:#666'>%s</p>" % esc(self.tr(
                "No benchmark was assessed in this period.")))
            return
        moved = [m for m in self.moves if m.moved]
        same = [m for m in self.moves if not m.moved]
        parts = ["<p>%s</p>" % esc(self.tr("{moved} benchmark(s) changed status; {same} "
                                           "reassessed without a change.").format(
                                               moved=len(moved), same=len(same)))]
        for m in self.moves:
            arrow = "\u2197" if m.direction > 0 else "\u2198" if m.direction < 0 else "\u2192"
            head = "%s %s %s" % (status_chip(m.before), arrow, status_chip(m.after)) if m.moved \
                else "%s %s" % (status_chip(m.after), esc(self.tr("(unchanged)")))
            parts.append("<p style='margin-bottom:0'>%s<br><a href='benchmark:%s'>%s</a></p>"
                         % (head, esc(m.benchmark_id), esc(m.statement)))
            parts.append("<ul style='margin-top:2px'>%s</ul>" % "".join(
                "<li><span style='color:#555'>%s</span> %s: %s</li>" % (
                    esc(a.assessed_on.isoformat()), status_chip(a.status), esc(a.note or ""))
                for a in m.assessments))
        self.moves_view.setHtml("".join(parts))
