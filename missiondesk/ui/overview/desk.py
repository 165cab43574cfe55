"""The Overview desk: the mission at a glance, and its own details (editable, undoable)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import QLocale, Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from missiondesk.labels import classification_label, table_label
from missiondesk.messages import error_text
from missiondesk.store.errors import MissionError
from missiondesk.ui.context import MissionContext
from missiondesk.ui.framework.commands import EditRecordCommand, push_edit, show_undo_refused

if TYPE_CHECKING:
    from missiondesk.services.mission import MissionSummary, MissionView


class _Tile(QFrame):
    def __init__(self, label: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("tile")
        self.setStyleSheet("QFrame#tile { background: palette(base); border: 1px solid "
                           "palette(mid); border-radius: 6px; }")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        self.value = QLabel("\u2014")
        self.value.setObjectName("tileValue")
        font = self.value.font()
        font.setPointSizeF(font.pointSizeF() * 1.8)
        font.setBold(True)
        self.value.setFont(font)
        self.caption = QLabel(label)
        self.caption.setWordWrap(True)
        layout.addWidget(self.value)
        layout.addWidget(self.caption)


class WelcomePanel(QWidget):
    """Shown when no mission is open: what to do next."""

    newRequested = Signal()
    openRequested = Signal()
    recentRequested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(48, 48, 48, 48)
        title = QLabel(self.tr("<h1>MissionDesk</h1>"))
        layout.addWidget(title)
        layout.addWidget(QLabel(self.tr("No mission is open. Create one, or open a mission "
                                        "file (.mdesk).")))
        row = QHBoxLayout()
        new = QPushButton(self.tr("New Mission\u2026"))
        new.clicked.connect(self.newRequested)
        open_ = QPushButton(self.tr("Open\u2026"))
        open_.clicked.connect(self.openRequested)
        row.addWidget(new)
        row.addWidget(open_)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addSpacing(16)
        self.recent_title = QLabel(self.tr("<b>Recent missions</b> (double-click to open)"))
        layout.addWidget(self.recent_title)
        self.recent = QListWidget()
        self.recent.setMaximumHeight(220)
        self.recent.itemActivated.connect(lambda item: self.recentRequested.emit(item.text()))
        layout.addWidget(self.recent)
        layout.addStretch(1)

    def set_recent(self, files: list[str]) -> None:
        self.recent.clear()
        self.recent.addItems(files)
        self.recent.setVisible(bool(files))
        self.recent_title.setVisible(bool(files))


class OverviewDesk(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx: MissionContext | None = None
        self._summary: MissionSummary | None = None
        self._pages = QStackedWidget()
        self.welcome = WelcomePanel()
        self._pages.addWidget(self.welcome)
        self._pages.addWidget(self._build_mission_page())
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self._pages)

    def _build_mission_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(24, 20, 24, 20)
        header = QHBoxLayout()
        self.title = QLabel()
        self.title.setObjectName("missionTitle")
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        self.title.setFont(font)
        self.title.setWordWrap(True)
        self.edit_button = QPushButton(self.tr("Edit Details\u2026"))
        self.edit_button.clicked.connect(self.edit_details)
        header.addWidget(self.title, 1)
        header.addWidget(self.edit_button, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(header)
        self.facts = QLabel()
        self.facts.setTextFormat(Qt.TextFormat.RichText)
        self.facts.setWordWrap(True)
        layout.addWidget(self.facts)
        layout.addSpacing(12)
        records = QLabel(self.tr("<b>Records in this mission</b>"))
        layout.addWidget(records)
        grid_host = QWidget()
        self.grid = QGridLayout(grid_host)
        self.grid.setSpacing(10)
        self.tiles: dict[str, _Tile] = {}
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(grid_host)
        layout.addWidget(scroll, 1)
        return page

    # mission lifecycle
    def attach(self, ctx: MissionContext) -> None:
        self._ctx = ctx
        ctx.bus.missionChanged.connect(self._on_changed)
        self._pages.setCurrentIndex(1)
        self.refresh()

    def detach(self) -> None:
        if self._ctx is not None:
            self._ctx.bus.missionChanged.disconnect(self._on_changed)
        self._ctx = None
        self._summary = None
        self._pages.setCurrentIndex(0)

    def _on_changed(self, _changed) -> None:
        self.refresh()

    def refresh(self) -> None:
        if self._ctx is None:
            return
        from missiondesk.services import mission as mission_service

        summary = mission_service.mission_summary(self._ctx.handle)
        self._summary = summary
        m = summary.mission
        show_acronym = m.acronym and m.acronym not in m.name
        self.title.setText(m.name + (" (%s)" % m.acronym if show_acronym else ""))
        if m.mandate_expiry:
            days = (m.mandate_expiry - date.today()).days
            when = m.mandate_expiry.isoformat()
            if days > 1:
                expiry = self.tr("{date} \u2014 in {n} days").format(date=when, n=days)
            elif days == 1:
                expiry = self.tr("{date} \u2014 tomorrow").format(date=when)
            elif days == 0:
                expiry = self.tr("{date} \u2014 today").format(date=when)
            elif days == -1:
                expiry = self.tr("{date} \u2014 expired yesterday").format(date=when)
            else:
                expiry = self.tr("{date} \u2014 expired {n} days ago").format(date=when,
                                                                               n=-days)
        else:
            expiry = self.tr("not set")
        rows = [
            (self.tr("Host country"), m.host_country or self.tr("not set")),
            (self.tr("Mandate expiry"), expiry),
            (self.tr("Time zone"), m.time_zone),
            (self.tr("Default classification"), classification_label(m.default_classification)),
        ]
        self.facts.setText("<table cellpadding='2'>" + "".join(
            "<tr><td><b>%s</b>&nbsp;&nbsp;</td><td>%s</td></tr>" % (k, _escape(v))
            for k, v in rows) + "</table>")
        if not self.tiles:
            self._build_tiles(list(summary.counts) + ["overdue_commitments"])
        for table, tile in self.tiles.items():
            value = (summary.overdue_commitments if table == "overdue_commitments"
                     else summary.counts.get(table, 0))
            tile.value.setText(QLocale().toString(value))

    def _build_tiles(self, tables: list[str], columns: int = 4) -> None:
        for index, table in enumerate(tables):
            label = (self.tr("Overdue commitments") if table == "overdue_commitments"
                     else table_label(table))
            tile = _Tile(label)
            self.tiles[table] = tile
            self.grid.addWidget(tile, index // columns, index % columns)
        self.grid.setRowStretch(len(tables) // columns + 1, 1)

    def edit_details(self) -> None:
        if self._ctx is None or self._summary is None:
            return
        from missiondesk.services import mission as mission_service
        from missiondesk.ui.dialogs import MissionDetailsDialog

        current = mission_service.get_mission(self._ctx.handle)

        def submit(changes: dict) -> str | None:
            if not changes or self.apply_details(changes, current):
                return None
            return self._last_error

        MissionDetailsDialog.ask(self, current.values(), submit, creating=False)

    def apply_details(self, changes: dict, current: MissionView) -> bool:
        """Push an undoable edit of the mission's fields; False (with the reason) if refused."""
        from missiondesk.services import mission as mission_service

        ctx = self._ctx
        old = {k: current.values()[k] for k in changes}

        def apply(uow, revision, values):
            return mission_service.update_mission(uow, expected_revision=revision, **values)

        command = EditRecordCommand(ctx, self.tr("Edit mission details"), apply,
                                    revision=current.revision, old=old, new=changes,
                                    on_error=self._show_undo_error)
        try:
            push_edit(ctx, command)
        except MissionError as exc:
            self._last_error = error_text(exc)
            return False
        return True

    def _show_undo_error(self, exc: MissionError) -> None:
        show_undo_refused(self, exc)


def _escape(text: str) -> str:
    return (str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"))
