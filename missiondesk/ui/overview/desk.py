"""The Overview desk: the mission at a glance, and its own details (editable, undoable)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import QLocale, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from missiondesk.labels import classification_label, table_label
from missiondesk.messages import error_text
from missiondesk.store.errors import MissionError
from missiondesk.ui.context import MissionContext
from missiondesk.ui.framework.background import BackgroundRead
from missiondesk.ui.framework.commands import EditRecordCommand, push_edit, show_undo_refused

if TYPE_CHECKING:
    from missiondesk.services.followups import NeedsMe
    from missiondesk.services.mission import MissionSummary, MissionView

#: What an item of "What needs me today" opens: (kind, record id) in this role.
RECORD_ROLE = Qt.ItemDataRole.UserRole + 1


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


class NeedsMePanel(QFrame):
    """"What needs me today" for the user working: their overdue commitments, those due
    this week and the engagement gaps of the stakeholders they own. Each item opens its
    record (`recordRequested(kind, id)`: "commitments" or "stakeholders")."""

    recordRequested = Signal(str, str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("needsMe")
        self.setStyleSheet("QFrame#needsMe { background: palette(base); border: 1px solid "
                           "palette(mid); border-radius: 6px; }")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        self.title = QLabel(self.tr("<b>What needs me today</b>"))
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setStyleSheet("color: palette(placeholder-text);")
        self.tree = QTreeWidget()
        self.tree.setHeaderHidden(True)
        self.tree.setRootIsDecorated(False)
        self.tree.setFrameShape(QFrame.Shape.NoFrame)
        self.tree.setWordWrap(False)
        self.tree.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.tree.itemActivated.connect(self._activated)
        self.tree.itemDoubleClicked.connect(self._activated)
        layout.addWidget(self.title)
        layout.addWidget(self.summary)
        layout.addWidget(self.tree, 1)
        self.loaded = False

    def clear(self) -> None:
        self.tree.clear()
        self.summary.clear()
        self.loaded = False

    def show_needs(self, needs: NeedsMe, member: str | None) -> None:
        from missiondesk.services.followups import OWN, UNOWNED

        self.tree.clear()
        self.loaded = True
        if member is None:
            self.summary.setText(self.tr("You are not working as a member of the team: "
                                         "nothing is assigned to you."))
            return
        red = QBrush(QColor("#a3221a"))
        groups = [
            (self.tr("Overdue commitments (%n)", "", len(needs.overdue)),
             [(self.tr("Overdue by %n day(s)", "", r.days_overdue), r.text, "commitments",
               r.id) for r in needs.overdue]),
            (self.tr("Due this week (%n)", "", len(needs.due_soon)),
             [(r.due_date.isoformat(), r.text, "commitments", r.id) for r in needs.due_soon]),
            (self.tr("Engagement gaps (%n)", "", len(needs.gaps)),
             [(self.tr("Priority {letter}").format(letter=g.priority),
               self.tr("{name} \u2014 never engaged").format(name=g.name)
               if g.days_since is None else
               self.tr("{name} \u2014 not engaged for %n day(s)", "", g.days_since)
               .format(name=g.name), "stakeholders", g.stakeholder_id) for g in needs.gaps]),
        ]
        for title, items in groups:
            head = QTreeWidgetItem([title])
            font = head.font(0)
            font.setBold(True)
            head.setFont(0, font)
            head.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.tree.addTopLevelItem(head)
            for when, text, kind, record_id in items:
                item = QTreeWidgetItem(["%s \u00b7 %s" % (when, " ".join(text.split()))])
                item.setToolTip(0, text)
                item.setData(0, RECORD_ROLE, (kind, record_id))
                if kind == "commitments" and head is self.tree.topLevelItem(0):
                    item.setForeground(0, red)
                head.addChild(item)
            if not items:
                none = QTreeWidgetItem([self.tr("Nothing")])
                none.setFlags(Qt.ItemFlag.NoItemFlags)
                head.addChild(none)
        self.tree.expandAll()
        if needs.empty:
            self.summary.setText(self.tr("Nothing overdue, due this week or past its "
                                         "engagement gap for {member}.").format(member=member))
        elif needs.scope == UNOWNED:
            self.summary.setText(self.tr("For {member}. You own no stakeholder: the gaps "
                                         "are those of stakeholders nobody owns.")
                                 .format(member=member))
        elif needs.scope == OWN:
            self.summary.setText(self.tr("For {member}: your commitments and the gaps of "
                                         "your stakeholders.").format(member=member))

    def items(self) -> list[QTreeWidgetItem]:
        """Every item that opens a record, in order."""
        found = []
        for i in range(self.tree.topLevelItemCount()):
            head = self.tree.topLevelItem(i)
            found += [head.child(j) for j in range(head.childCount())
                      if head.child(j).data(0, RECORD_ROLE)]
        return found

    def _activated(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        record = item.data(0, RECORD_ROLE)
        if record:
            self.recordRequested.emit(*record)


class OverviewDesk(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx: MissionContext | None = None
        self._summary: MissionSummary | None = None
        self._stale = False  # the mission changed while the Overview was not on screen
        self._reads = BackgroundRead(self)  # "What needs me today", off the GUI thread
        self._cycle_reads = BackgroundRead(self)  # imminent Council events, the same way
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
        # Imminent Council events (services.council_cycle), read after the figures paint
        self.council = QLabel()
        self.council.setObjectName("imminentCouncilEvents")
        self.council.setTextFormat(Qt.TextFormat.RichText)
        self.council.setWordWrap(True)
        self.council.linkActivated.connect(lambda rid: self.open_record("mandate", rid))
        self.council.hide()
        layout.addWidget(self.council)
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
        body = QHBoxLayout()
        body.addWidget(scroll, 3)
        # "What needs me today": filled after the tiles are painted (see paintEvent)
        self.needs = NeedsMePanel()
        self.needs.setMinimumWidth(340)
        self.needs.recordRequested.connect(self.open_record)
        body.addWidget(self.needs, 2)
        layout.addLayout(body, 1)
        self._needs_pending = False
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
        self._reads.cancel()
        self._reads.wait()  # no read left on the mission's pool as it closes
        self._cycle_reads.cancel()
        self._cycle_reads.wait()
        self.council.hide()
        self._ctx = None
        self._stale = False
        self._summary = None
        self._needs_pending = False
        self.needs.clear()
        self._pages.setCurrentIndex(0)

    def _on_changed(self, _changed) -> None:
        # counted again when next shown: an edit elsewhere on the large mission does not
        # pay for the Overview's counts and its "What needs me today" while it is hidden
        if self.isVisible():
            self.refresh()
        else:
            self._stale = True

    def showEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)
        if self._stale and self._ctx is not None:
            self._stale = False
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
        # the panel reads after the figures are on screen, never before (start-up cost)
        self._needs_pending = True
        self.update()

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().paintEvent(event)
        if self._needs_pending and self._ctx is not None:
            self._needs_pending = False
            QTimer.singleShot(0, self.load_needs)

    def load_needs(self) -> None:
        """Fill "What needs me today" for the user working (a team member, or nobody)."""
        if self._ctx is None:
            return
        from missiondesk.services import followups

        handle = self._ctx.handle
        user_id = handle.user_id
        member = handle.user_name if user_id else None
        if not self.needs.loaded:
            self.needs.summary.setText(self.tr("Reading what needs you today\u2026"))

        def done(needs, error) -> None:  # on the GUI thread, if still current
            if self._ctx is None or self._ctx.handle is not handle:
                return
            if error is not None:
                self.needs.clear()
                self.needs.summary.setText(
                    error_text(error) if isinstance(error, MissionError)
                    else self.tr("What needs you today could not be read."))
                return
            self.needs.show_needs(needs, member)

        # ~2 s on the large mission: read in a worker, the window answering meanwhile
        self._reads.run(lambda: followups.what_needs_me(handle, user_id), done)
        self.load_imminent()

    def load_imminent(self) -> None:
        """Flag the Council events of the mission's imminent window that are not done
        (each a link to the Mandate desk's calendar); hidden when there are none."""
        from missiondesk.labels import cycle_event_kind_label
        from missiondesk.services import council_cycle

        handle = self._ctx.handle

        def read():
            from missiondesk.services.clock import local_today, mission_zone
            from missiondesk.services.mission_settings import get_setting

            today = local_today(mission_zone(handle))
            return (get_setting(handle, council_cycle.IMMINENT_SETTING), today,
                    council_cycle.imminent_events(handle, today=today))

        def done(result, error) -> None:
            if self._ctx is None or self._ctx.handle is not handle:
                return
            if error is not None or not result[2]:
                self.council.hide()
                return
            days, today, events = result
            links = []
            for e in events:
                away = (e.date - today).days
                when = (self.tr("today") if away <= 0 else
                        self.tr("in %n day(s)", "", away))
                links.append("<a href='%s'>%s</a> (%s, %s)" % (
                    _escape(e.id), _escape(e.title), _escape(cycle_event_kind_label(e.kind)),
                    when))
            self.council.setText(
                "<span style='color:#c77c02'><b>%s</b></span> %s" % (
                    _escape(self.tr("Council cycle, next %n day(s):", "", days)),
                    " · ".join(links)))
            self.council.show()

        self._cycle_reads.run(read, done)

    def open_record(self, kind: str, record_id: str) -> None:
        """Open an item's record in its desk (the window's show_record when it has one)."""
        window = self.window()
        if hasattr(window, "show_record"):
            window.show_record(kind, record_id)
            return
        if not hasattr(window, "select_desk"):
            return
        window.select_desk(kind)
        desk = window.desk(kind)
        if kind == "commitments":
            desk.select_commitment(record_id)
        elif kind == "stakeholders":
            desk.select_stakeholder(record_id)

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
