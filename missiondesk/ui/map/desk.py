"""The Influence map desk: who influences whom, who brokers, and through whom to reach an actor.

The services build the graph (networkx), lay it out (igraph, in a worker thread) and compute
the metrics; this desk only draws (ui/map/view.py, ui/map/items.py) and turns the user's
gestures into service calls: a node drag is an undoable command around
`network.save_positions`. Filters and focus hide items and never move the others, so the map a
leader knows keeps its shape.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QDate, QPointF, QRectF, QSize, Qt, QThread, QTimer, Signal
from PySide6.QtGui import QAction, QColor, QFont, QImage, QPainter, QPixmap, QUndoCommand
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QDateEdit,
    QFileDialog,
    QGraphicsItem,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSlider,
    QSpinBox,
    QSplitter,
    QTabWidget,
    QTextBrowser,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from missiondesk.labels import (
    category_group_label,
    category_label,
    classification_label,
    mission_stance_label,
    peace_stance_label,
    priority_text,
    relationship_family_label,
    relationship_status_label,
    relationship_type_label,
)
from missiondesk.messages import error_text
from missiondesk.store.errors import MissionError
from missiondesk.ui.map.items import (
    BADGE_COLOURS,
    GROUP_COLOURS,
    HIGHLIGHT,
    MISSION_STANCE_COLOURS,
    PEACE_STANCE_COLOURS,
    VALENCE_COLOURS,
    LegendEntry,
    category_group,
    edge_dash,
    edge_tooltip,
    legend_size,
    node_colour,
    paint_legend,
    short_label,
)
from missiondesk.ui.map.view import ROOM_PER_NODE, MapScene, MapView, paused_gc

if TYPE_CHECKING:
    from missiondesk.ui.context import MissionContext

#: Tables whose changes alter the graph (the positions table is handled on its own).
GRAPH_TABLES = ("stakeholders", "relationships", "stakeholder_assessments", "engagements",
                "engagement_counterparts", "sources")
FAMILIES = ("structural", "cooperative", "process", "adversarial")


def nx_edge_values(graph, name: str) -> list:
    """The non-empty values of one edge attribute."""
    return [attrs[name] for _u, _v, attrs in graph.edges(data=True) if attrs.get(name)]


def _esc(value) -> str:
    return html.escape(str(value)) if value not in (None, "") else "\u2014"


# --- work off the GUI thread ----------------------------------------------------------------


def _import_on_gui_thread() -> None:
    """Import igraph (which imports matplotlib) here: an import of a module that touches
    PySide6 in a worker thread, while the GUI thread runs, crashed the interpreter."""
    import igraph  # noqa: F401


class _Job(QThread):
    """Runs `work(progress)` in a thread; `done` is delivered on the GUI thread.

    `progress(fraction)` returns False once the user cancelled, which the layout service
    takes as "stop".
    """

    progressed = Signal(float)
    done = Signal(object)

    def __init__(self, kind: str, generation: int,
                 work: Callable[[Callable[[float], bool]], Any]) -> None:
        super().__init__()
        self.kind = kind
        self.generation = generation
        self._work = work
        self._cancelled = False
        self.result: Any = None
        self.error: BaseException | None = None

    def cancel(self) -> None:
        self._cancelled = True

    @property
    def cancelled(self) -> bool:
        return self._cancelled

    def _progress(self, fraction: float) -> bool:
        self.progressed.emit(float(fraction))
        return not self._cancelled

    def run(self) -> None:
        try:
            self.result = self._work(self._progress)
        except BaseException as exc:  # noqa: BLE001 - handed to the GUI thread, shown there
            self.error = exc
        self.done.emit(self)


# --- undo -----------------------------------------------------------------------------------


class PositionsCommand(QUndoCommand):
    """Save map positions; undo puts back the previous ones (or deletes first placements)."""

    def __init__(self, ctx: MissionContext, text: str,
                 new: dict[str, tuple[float, float, bool]],
                 old_xy: dict[str, tuple[float, float]],
                 place: Callable[[dict[str, tuple[float, float]]], None],
                 on_error: Callable[[MissionError], None]) -> None:
        super().__init__(text)
        self._ctx = ctx
        self._new = dict(new)
        self._old_xy = dict(old_xy)
        self._place = place
        self._on_error = on_error
        self._previous: dict[str, tuple[float, float, bool] | None] = {}
        self._applied_by_push = False

    def first_apply(self) -> None:
        from missiondesk.services import network

        with self._ctx.handle.unit_of_work() as uow:
            self._previous = dict(network.save_positions(uow, self._new))
        self._applied_by_push = True

    def redo(self) -> None:
        if self._applied_by_push:
            self._applied_by_push = False
            return
        from missiondesk.services import network

        try:
            with self._ctx.handle.unit_of_work() as uow:
                network.save_positions(uow, self._new)
        except MissionError as exc:
            self.setObsolete(True)
            self._on_error(exc)
            return
        self._place({k: (v[0], v[1]) for k, v in self._new.items()})

    def undo(self) -> None:
        from missiondesk.services import network

        restore = {k: v for k, v in self._previous.items() if v is not None}
        first = [k for k, v in self._previous.items() if v is None]
        try:
            with self._ctx.handle.unit_of_work() as uow:
                if restore:
                    network.save_positions(uow, restore)
                if first:
                    network.delete_positions(uow, first)
        except MissionError as exc:
            self.setObsolete(True)
            self._on_error(exc)
            return
        self._place(self._old_xy)


# --- the legend on screen -------------------------------------------------------------------


class LegendOverlay(QWidget):
    """The legend in the map's bottom-left corner; mouse events pass through."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.entries: list[LegendEntry] = []
        self.columns = 1
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)

    def set_entries(self, entries: list[LegendEntry], max_height: int = 0) -> None:
        """Show the entries, in two columns when one would be taller than `max_height`."""
        self.entries = entries
        self.columns = 1
        rect = legend_size(entries)
        if max_height and rect.height() > max_height:
            self.columns = 2
            rect = legend_size(entries, columns=2)
        self.resize(int(rect.width()) + 2, int(rect.height()) + 2)
        self.update()

    def paintEvent(self, _event) -> None:  # noqa: N802 - Qt's name
        painter = QPainter(self)
        paint_legend(painter, QPointF(0, 0), self.entries, columns=self.columns)
        painter.end()


class _MapPane(QWidget):
    """The view with the legend pinned to its bottom-left corner."""

    def __init__(self, view: MapView, legend: LegendOverlay) -> None:
        super().__init__()
        self.view = view
        self.legend = legend
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(view)
        legend.setParent(self)
        legend.raise_()
        self.after_resize: Callable[[], None] | None = None

    def place_legend(self) -> None:
        self.legend.move(8, max(0, self.height() - self.legend.height() - 8
                                - self.view.horizontalScrollBar().height()
                                * self.view.horizontalScrollBar().isVisible()))

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        self.place_legend()
        if self.after_resize is not None:
            self.after_resize()


# --- the desk -------------------------------------------------------------------------------


class MapDesk(QWidget):
    """The influence map with its filters, focus, analysis panel and exports."""

    layoutFinished = Signal()
    metricsReady = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx: MissionContext | None = None
        self._graph_all = None  # every stakeholder and relationship (GraphFilter())
        self._graph = None  # the filtered graph (as of, categories, families, ...)
        self._scale: float | None = None
        self._saved: dict[str, tuple[float, float, bool]] = {}
        self._placed: set[str] = set()
        self._visible_nodes: set[str] = set()
        self._visible_edges: set[str] = set()
        self._selected: str | None = None
        self._generation = 0
        self._layout_job: _Job | None = None
        self._metrics_job: _Job | None = None
        self._jobs: list[_Job] = []
        self._metrics = None
        self._metrics_generation = -1
        self._reach: list = []
        self._highlight: tuple[set[str], set[str]] = (set(), set())
        self._labels: dict[str, str] = {}
        self._aliases: dict[str, list[str]] = {}
        self._undated = 0
        self._partition: dict[str, int] | None = None  # the last clusters (kept stable)
        self._fresh = False
        self._as_of_start = date.today() - timedelta(days=3 * 365)
        self._as_of_today = True  # the slider stays on "today" when its range grows
        self._focused = False
        self._pending_save: dict | None = None
        self._pending_focus: str | None = None
        self.layoutFinished.connect(self._focus_pending)
        self._mission_name = ""

        # the scene and its view
        self.scene = MapScene(self)
        self.view = MapView(self.scene)
        self.view.setMinimumWidth(420)
        self.legend = LegendOverlay(self.view)
        self.map_pane = _MapPane(self.view, self.legend)
        self.map_pane.after_resize = self._update_legend
        self.view.edge_text = self._edge_text
        self.view.nodesMoved.connect(self._nodes_moved)
        self.view.backgroundClicked.connect(self._background_clicked)
        self.scene.selectionChanged.connect(self._selection_changed)

        # first row: find, colour, focus, fit, layout, export, progress
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("Find an actor\u2026"))
        self.search.setClearButtonEnabled(True)
        self.search.returnPressed.connect(lambda: self.find(self.search.text()))
        self._completer_names: list[str] = []
        self.colour_by = QComboBox()
        self.colour_by.addItem(self.tr("Colour by category"), "category")
        self.colour_by.addItem(self.tr("Colour by stance on the peace process"), "stance")
        self.colour_by.addItem(self.tr("Colour by stance toward the mission"), "stance_mission")
        self.colour_by.currentIndexChanged.connect(lambda _i: self.recolour())
        self.focus_check = QCheckBox(self.tr("Focus on selected, steps:"))
        self.focus_check.setToolTip(self.tr("Show only the actors within this many "
                                            "relationships of the selected actor."))
        self.focus_hops = QSpinBox()
        self.focus_hops.setRange(1, 5)
        self.focus_hops.setValue(1)
        self.focus_check.toggled.connect(lambda _on: self._refocus())
        self.focus_hops.valueChanged.connect(lambda _v: self._refocus())
        self.fit_button = QPushButton(self.tr("Fit"))
        self.fit_button.setToolTip(self.tr("Show the whole visible map"))
        self.fit_button.clicked.connect(lambda: self.fit())
        self.layout_button = QToolButton()
        self.layout_button.setText(self.tr("Re-layout"))
        self.layout_button.setPopupMode(QToolButton.ToolButtonPopupMode.MenuButtonPopup)
        self.relayout_action = QAction(self.tr("Re-layout (keep the actors I placed)"), self)
        self.relayout_all_action = QAction(self.tr("Re-layout everything"), self)
        self.relayout_action.triggered.connect(lambda: self.relayout(keep_placed=True))
        self.relayout_all_action.triggered.connect(lambda: self.relayout(keep_placed=False))
        layout_menu = QMenu(self.layout_button)
        layout_menu.addAction(self.relayout_action)
        layout_menu.addAction(self.relayout_all_action)
        self.layout_button.setMenu(layout_menu)
        self.layout_button.setDefaultAction(self.relayout_action)
        self.layout_button.setText(self.tr("Re-layout"))
        self.export_button = QToolButton()
        self.export_button.setText(self.tr("Export"))
        self.export_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        export_menu = QMenu(self.export_button)
        self.export_actions: dict[str, QAction] = {}
        for fmt, text in (("png", self.tr("Image (PNG)\u2026")), ("svg", self.tr("SVG\u2026")),
                          ("pdf", self.tr("PDF\u2026")), ("graphml", self.tr("GraphML\u2026")),
                          ("gexf", self.tr("GEXF (Gephi)\u2026"))):
            action = export_menu.addAction(text)
            action.triggered.connect(lambda _c=False, f=fmt: self.export_as(f))
            self.export_actions[fmt] = action
        self.export_button.setMenu(export_menu)
        self.legend_check = QCheckBox(self.tr("Legend"))
        self.legend_check.setChecked(True)
        self.legend_check.toggled.connect(self._legend_toggled)
        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.progress.setMaximumWidth(140)
        self.progress.setFormat(self.tr("Laying out %p%"))
        self.progress.hide()
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.clicked.connect(self.cancel_layout)
        self.cancel_button.hide()

        top = QHBoxLayout()
        top.addWidget(self.search, 2)
        top.addWidget(self.colour_by, 2)
        top.addWidget(self.focus_check)
        top.addWidget(self.focus_hops)
        top.addWidget(self.fit_button)
        top.addWidget(self.layout_button)
        top.addWidget(self.legend_check)
        top.addStretch(1)
        top.addWidget(self.progress)
        top.addWidget(self.cancel_button)
        top.addWidget(self.export_button)

        # second row: filters
        self.category_button = QToolButton()
        self.category_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.category_menu = QMenu(self.category_button)
        self.category_button.setMenu(self.category_menu)
        self.category_actions: dict[str, QAction] = {}
        self.family_button = QToolButton()
        self.family_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        family_menu = QMenu(self.family_button)
        self.family_actions: dict[str, QAction] = {}
        for family in FAMILIES:
            action = family_menu.addAction(relationship_family_label(family))
            action.setCheckable(True)
            action.toggled.connect(lambda _on: self.apply_filter())
            self.family_actions[family] = action
        self.family_button.setMenu(family_menu)
        self.min_strength = QSpinBox()
        self.min_strength.setRange(1, 5)
        self.min_strength.setPrefix(self.tr("Strength \u2265 "))
        self.min_strength.valueChanged.connect(lambda _v: self.apply_filter())
        self.active_only = QCheckBox(self.tr("Active only"))
        self.active_only.setToolTip(self.tr("Hide dormant, alleged and ended relationships"))
        self.active_only.toggled.connect(lambda _on: self.apply_filter())
        self.as_of_slider = QSlider(Qt.Orientation.Horizontal)
        self.as_of_slider.setMinimumWidth(180)
        self.as_of_slider.setToolTip(self.tr("Show the network as it stood on a past day"))
        self.as_of_label = QLabel()
        self.as_of_label.setMinimumWidth(80)
        self.undated_label = QLabel()  # how many relationships have no dates
        self._as_of_timer = QTimer(self)
        self._as_of_timer.setSingleShot(True)
        self._as_of_timer.setInterval(150)
        self._as_of_timer.timeout.connect(self.apply_filter)
        self.as_of_slider.valueChanged.connect(self._as_of_moved)
        self.count_label = QLabel()

        filters = QHBoxLayout()
        filters.addWidget(self.category_button)
        filters.addWidget(self.family_button)
        filters.addWidget(self.min_strength)
        filters.addWidget(self.active_only)
        filters.addWidget(QLabel(self.tr("As of:")))
        filters.addWidget(self.as_of_slider, 1)
        filters.addWidget(self.as_of_label)
        filters.addWidget(self.undated_label)
        filters.addWidget(self.count_label)

        # the side panel: the selected actor, analysis, changes
        self.card = QTextBrowser()
        self.card.setOpenLinks(False)
        self.card.anchorClicked.connect(self._link_clicked)
        self.reach_title = QLabel()
        self.reach_title.setWordWrap(True)
        self.reach_list = QListWidget()
        self.reach_list.setWordWrap(True)
        self.reach_list.currentRowChanged.connect(self._reach_row_changed)
        self.clear_highlight_button = QPushButton(self.tr("Clear highlight"))
        self.clear_highlight_button.clicked.connect(self.clear_highlight)
        selected_page = QWidget()
        selected_layout = QVBoxLayout(selected_page)
        selected_layout.setContentsMargins(0, 0, 0, 0)
        self.selected_split = QSplitter(Qt.Orientation.Vertical)
        self.selected_split.addWidget(self.card)
        reach_box = QWidget()
        reach_layout = QVBoxLayout(reach_box)
        reach_layout.setContentsMargins(0, 4, 0, 0)
        window_row = QHBoxLayout()
        window_row.setContentsMargins(0, 0, 0, 0)
        window_label = QLabel(self.tr("Start from actors the mission owns or engaged within"))
        window_label.setWordWrap(True)
        self.reach_window = QSpinBox()
        self.reach_window.setRange(0, 3650)
        self.reach_window.setSingleStep(30)
        self.reach_window.setValue(180)
        self.reach_window.setSuffix(self.tr(" days"))
        self.reach_window.setSpecialValueText(self.tr("any time"))
        self.reach_window.setToolTip(self.tr(
            "Reach paths start at actors the mission engaged within this many days, or that "
            "have an owner in the team (0: engaged at any time)."))
        self.reach_window.valueChanged.connect(lambda _v: self._reach_window_changed())
        window_label.setBuddy(self.reach_window)
        window_row.addWidget(window_label, 1)
        window_row.addWidget(self.reach_window)
        reach_layout.addLayout(window_row)
        reach_layout.addWidget(self.reach_title)
        reach_layout.addWidget(self.reach_list, 1)
        reach_layout.addWidget(self.clear_highlight_button)
        self.selected_split.addWidget(reach_box)
        self.relationships_panel = self._relationships_panel()
        if self.relationships_panel is not None:
            self.selected_split.addWidget(self.relationships_panel)
            self.selected_split.setSizes([250, 170, 330])
        selected_layout.addWidget(self.selected_split)

        self.analysis = QTextBrowser()
        self.analysis.setOpenLinks(False)
        self.analysis.anchorClicked.connect(self._link_clicked)

        self.since_date = QDateEdit()
        self.since_date.setCalendarPopup(True)
        self.since_date.setDisplayFormat("yyyy-MM-dd")
        self.since_date.setDate(QDate.currentDate().addDays(-90))
        self.since_button = QPushButton(self.tr("Show changes"))
        self.since_button.clicked.connect(self.show_changes)
        self.changes = QTextBrowser()
        self.changes.setOpenLinks(False)
        self.changes.anchorClicked.connect(self._link_clicked)
        changes_page = QWidget()
        changes_layout = QVBoxLayout(changes_page)
        changes_layout.setContentsMargins(0, 0, 0, 0)
        since_row = QHBoxLayout()
        since_row.addWidget(QLabel(self.tr("What changed since")))
        since_row.addWidget(self.since_date)
        since_row.addWidget(self.since_button)
        since_row.addStretch(1)
        changes_layout.addLayout(since_row)
        changes_layout.addWidget(self.changes, 1)

        self.side = QTabWidget()
        self.side.addTab(selected_page, self.tr("Selected actor"))
        self.side.addTab(self.analysis, self.tr("Analysis"))
        self.side.addTab(changes_page, self.tr("Changes"))
        self.side.currentChanged.connect(lambda _i: self._side_changed())
        self.side.setMinimumWidth(330)

        splitter = QSplitter()
        splitter.addWidget(self.map_pane)
        splitter.addWidget(self.side)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([980, 400])
        self.status = QLabel()
        self.status.setWordWrap(True)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addLayout(top)
        layout.addLayout(filters)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.status)
        self._update_filter_buttons()
        self._set_as_of_range(self._as_of_start)
        self._show_card()
        self._update_actions()

    def _relationships_panel(self):
        """Helper E's panel of the selected actor's relationships, when it is there."""
        try:
            from missiondesk.ui.relationships.dialog import RelationshipsPanel
        except ImportError:
            return None
        panel = RelationshipsPanel()
        panel.stakeholderActivated.connect(self.select_node)
        return panel

    # --- the mission lifecycle -----------------------------------------------------------

    def attach(self, ctx: MissionContext) -> None:
        self._ctx = ctx
        ctx.bus.missionChanged.connect(self._on_changed)
        if self.relationships_panel is not None:
            self.relationships_panel.attach(ctx)
        from missiondesk.services.mission import get_mission

        self._mission_name = get_mission(ctx.handle).name
        self._scale = None
        self.reload(fit=True)
        self._update_actions()

    def detach(self) -> None:
        self._stop_jobs()
        if self._ctx is not None:
            self._ctx.bus.missionChanged.disconnect(self._on_changed)
        if self.relationships_panel is not None:
            self.relationships_panel.detach()
        self._ctx = None
        self._graph_all = self._graph = self._metrics = None
        self._partition = None
        self._selected = None
        self._reach = []
        self._highlight = (set(), set())
        self.scene.clear()
        self.scene.nodes, self.scene.edges = {}, {}
        self.reach_list.clear()
        self.analysis.clear()
        self.changes.clear()
        self._show_card()
        self._update_actions()

    def _stop_jobs(self) -> None:
        self._save_pending()
        for job in list(self._jobs):
            job.cancel()
            job.wait()
        self._jobs = []
        self._layout_job = self._metrics_job = None
        self.progress.hide()
        self.cancel_button.hide()

    def _on_changed(self, changed) -> None:
        if changed.touches(*GRAPH_TABLES):
            self.reload()
        elif changed.touches("map_positions"):
            self.refresh_positions()

    def _update_actions(self) -> None:
        has = self._ctx is not None
        for widget in (self.search, self.colour_by, self.fit_button, self.layout_button,
                       self.export_button, self.category_button, self.family_button,
                       self.min_strength, self.active_only, self.as_of_slider,
                       self.since_button, self.focus_check):
            widget.setEnabled(has)

    def busy(self) -> bool:
        """True while a layout runs (tests and callers wait on `layoutFinished`)."""
        return self._layout_job is not None or self._pending_save is not None

    # --- building the map ----------------------------------------------------------------

    def reload(self, fit: bool = False) -> None:
        """Rebuild the map from the services; keep the zoom, the selection and the filter."""
        if self._ctx is None:
            return
        with paused_gc():
            self._reload(fit)

    def _reload(self, fit: bool) -> None:
        from missiondesk.services import network

        handle = self._ctx.handle
        self._generation += 1
        if self._layout_job is not None:  # its result would be for the old graph
            self._layout_job.cancel()
            self._layout_job = None
        graph = network.build_graph(handle)
        self._graph_all = graph
        self._saved = dict(network.saved_positions(handle))
        positions = {n: self._saved[n][:2] for n in graph if n in self._saved}
        missing = [n for n in graph if n not in positions]
        self._fresh = not positions
        self._placed = set(positions)
        if self._scale is None and len(positions) >= 2:
            self._scale = self._scale_for(positions)
        self._aliases = network.stakeholder_aliases(handle)
        self._labels = {n: short_label(a.get("name") or "", self._aliases.get(n, ()))
                        for n, a in graph.nodes(data=True)}
        self._undated = network.undated_relationships(handle)
        self._fill_category_menu(graph)
        self._set_as_of_range(self._earliest_date(graph))
        if self._fresh:  # nothing to show before the first layout
            self.scene.clear()
            self.scene.nodes, self.scene.edges = {}, {}
        else:
            self._populate(graph, positions)
        names = sorted(a.get("name") or "" for _n, a in graph.nodes(data=True))
        if names != self._completer_names:
            self._completer_names = names
            completer = QCompleter(names, self.search)
            completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
            completer.setFilterMode(Qt.MatchFlag.MatchContains)
            completer.activated.connect(self.find)
            self.search.setCompleter(completer)
        self.apply_filter(fit=fit and not missing)
        if self._selected is not None and self._selected in self.scene.nodes:
            self.scene.nodes[self._selected].setSelected(True)
            self._show_card(self._selected)
        elif self._selected is not None:
            self._selected = None
            self._show_card()
        if missing:
            self._start_layout(graph, positions, frozenset(positions), incremental=True,
                               fit=fit or self._fresh)

    def _populate(self, graph, positions: dict[str, tuple[float, float]]) -> None:
        colours = {n: node_colour(a, self.colour_mode()) for n, a in graph.nodes(data=True)}
        self.scene.label_unit = 1.0 / max(self.view.zoom(), 1e-6)
        self.scene.populate(graph, positions, self._scale or 1.0, self._labels, colours)
        self.scene.set_importance(self.importance_order(graph))

    @staticmethod
    def importance_order(graph) -> list[str]:
        """The actors by importance, most important first: the influence the team
        assessed, then centrality (how many distinct actors they are linked to), then name.
        Names are placed in this order, so the first ones are on the map at every zoom."""
        def degree(n: str) -> int:
            return len((set(graph.predecessors(n)) | set(graph.successors(n))) - {n})

        return sorted(graph.nodes, key=lambda n: (-(graph.nodes[n].get("influence") or 0),
                                                  -degree(n),
                                                  (graph.nodes[n].get("name") or "").casefold(),
                                                  n))

    @staticmethod
    def _scale_for(positions: dict[str, tuple[float, float]]) -> float:
        """Layout units -> scene units so each node gets about ROOM_PER_NODE of room."""
        xs = [p[0] for p in positions.values()]
        ys = [p[1] for p in positions.values()]
        side = max(max(xs) - min(xs), max(ys) - min(ys), 1e-6)
        return ROOM_PER_NODE * len(positions) ** 0.5 / side

    @staticmethod
    def _earliest_date(graph) -> date:
        """The first day the as-of slider offers: the earliest validity start, at most 25
        years back, at least a year."""
        today = date.today()
        years = [str(v)[:4] for v in nx_edge_values(graph, "valid_from")]
        years = [int(y) for y in years if y.isdigit()]
        start = date(max(min(years), today.year - 25), 1, 1) if years else today
        return min(start, today - timedelta(days=365))

    def _edge_text(self, edge) -> str:
        """The hover text of an edge (made when first hovered, not for every edge)."""
        nodes = self._graph_all.nodes
        attrs = edge.attrs
        return edge_tooltip(attrs, nodes[edge.source.node_id].get("name") or "",
                            nodes[edge.target.node_id].get("name") or "",
                            relationship_type_label(attrs.get("type") or ""),
                            relationship_status_label(attrs.get("status") or ""))

    def colour_mode(self) -> str:
        return self.colour_by.currentData() or "category"

    def recolour(self) -> None:
        graph = self._graph if self._graph is not None else self._graph_all
        if graph is None:
            return
        mode = self.colour_mode()
        for node_id, item in self.scene.nodes.items():
            attrs = graph.nodes[node_id] if node_id in graph else item.attrs
            item.set_colour(node_colour(attrs, mode))
        self._update_legend()

    # --- layout --------------------------------------------------------------------------

    def _start_layout(self, graph, positions: dict, pinned: frozenset, *, incremental: bool,
                      fit: bool) -> None:
        _import_on_gui_thread()
        from missiondesk.services import network

        def work(progress):
            return network.layout(graph, positions=positions or None, pinned=pinned,
                                  progress=progress, relayout=not incremental)

        job = _Job("layout", self._generation, work)
        job.incremental = incremental
        job.fit = fit
        job.before = {n: (item.pos().x() / (self._scale or 1.0),
                          item.pos().y() / (self._scale or 1.0))
                      for n, item in self.scene.nodes.items() if n in self._placed}
        self._layout_job = job
        self._jobs.append(job)
        job.progressed.connect(self._layout_progress)
        job.done.connect(self._job_done)
        self.progress.setValue(0)
        self.progress.show()
        self.cancel_button.show()
        self.status.setText(self.tr("Laying out the map\u2026"))
        job.start()

    def _layout_progress(self, fraction: float) -> None:
        self.progress.setValue(int(fraction * 100))

    def cancel_layout(self) -> None:
        if self._layout_job is not None:
            self._layout_job.cancel()

    def relayout(self, *, keep_placed: bool = True) -> None:
        """Lay out again every actor not pinned (or every actor); undoable, saved."""
        if self._ctx is None or self._graph_all is None or self._layout_job is not None:
            return
        scale = self._scale or 1.0
        positions = {n: (item.pos().x() / scale, item.pos().y() / scale)
                     for n, item in self.scene.nodes.items() if n in self._placed}
        pinned = frozenset(n for n, v in self._saved.items()
                           if v[2] and n in positions) if keep_placed else frozenset()
        self._start_layout(self._graph_all, positions, pinned, incremental=False, fit=True)

    def _job_done(self, job: _Job) -> None:
        job.wait()
        if job in self._jobs:
            self._jobs.remove(job)
        if job.kind == "layout":
            self._layout_done(job)
        else:
            self._metrics_done(job)
        job.deleteLater()

    def _layout_done(self, job: _Job) -> None:
        current = job is self._layout_job
        if current:
            self._layout_job = None
            self.progress.hide()
            self.cancel_button.hide()
        if not current or job.generation != self._generation or self._ctx is None:
            return
        from missiondesk.services.network import LayoutCancelled

        if isinstance(job.error, LayoutCancelled):
            job.cancel()
        elif job.error is not None:
            self.status.setText(error_text(job.error) if isinstance(job.error, MissionError)
                                else self.tr("The map could not be laid out."))
            self._place_provisionally()
            self.layoutFinished.emit()
            return
        if job.cancelled or not job.result:
            self.status.setText(self.tr("Layout cancelled: actors not yet placed are shown "
                                        "near their neighbours and not saved."))
            self._place_provisionally()
            self.layoutFinished.emit()
            return
        result: dict[str, tuple[float, float]] = job.result
        if self._scale is None or self._fresh:
            self._scale = self._scale_for(result)
            self._populate(self._graph_all, result)
        if job.incremental:
            new = {n: (float(x), float(y), False) for n, (x, y) in result.items()
                   if n not in self._saved}
            self._place({n: (v[0], v[1]) for n, v in new.items()})
            self._placed |= set(new)
            # saved once the map has painted (2,000 rows take a moment to write)
            self._pending_save = new
            QTimer.singleShot(0, self._save_pending)
            self.status.setText(self.tr("%n actor(s) placed near their neighbours.", "",
                                        len(new)) if not self._fresh else "")
        else:
            pinned = {n for n, v in self._saved.items() if v[2]}
            new = {n: (float(x), float(y), n in pinned) for n, (x, y) in result.items()}
            old_xy = dict(job.before)
            self._place({n: (v[0], v[1]) for n, v in new.items()})
            self._placed |= set(new)
            self._push_positions(self.tr("Re-layout the map"), new, old_xy)
            self.status.setText(self.tr("The map was laid out again (Undo puts it back)."))
        self.apply_filter(fit=job.fit)
        self.layoutFinished.emit()

    def _place_provisionally(self) -> None:
        """Nodes without a position go near the mean of their placed neighbours."""
        graph = self._graph_all
        scale = self._scale or 1.0
        placed = {}
        for node_id in self.scene.nodes:
            if node_id in self._placed:
                continue
            near = [self.scene.nodes[m].pos() for m in set(graph.predecessors(node_id))
                    | set(graph.successors(node_id)) if m in self._placed]
            if near:
                x = sum(p.x() for p in near) / len(near) + 20
                y = sum(p.y() for p in near) / len(near) + 20
            else:
                x, y = 0.0, 0.0
            placed[node_id] = (x / scale, y / scale)
        self._place(placed)
        self._placed |= set(placed)
        self.apply_filter()

    def _save_pending(self) -> None:
        positions, self._pending_save = self._pending_save, None
        if positions and self._ctx is not None:
            self._save_silently(positions)

    def _save_silently(self, positions: dict[str, tuple[float, float, bool]]) -> None:
        """Positions of a first layout: saved, not an undo step (the user did nothing)."""
        from missiondesk.services import network

        if not positions:
            return
        try:
            with self._ctx.handle.unit_of_work() as uow:
                network.save_positions(uow, positions)
        except MissionError as exc:
            self.status.setText(error_text(exc))
            return
        self._saved.update(positions)

    def _place(self, positions: dict[str, tuple[float, float]]) -> None:
        """Move nodes to layout coordinates (their edges follow)."""
        scale = self._scale or 1.0
        for node_id, (x, y) in positions.items():
            item = self.scene.nodes.get(node_id)
            if item is not None:
                item.setPos(x * scale, y * scale)
        self.scene.update_scene_rect()
        self.scene.declutter()

    def refresh_positions(self) -> None:
        """Saved positions changed (an undo, another desk): move the nodes that differ."""
        from missiondesk.services import network

        if self._ctx is None:
            return
        self._saved = dict(network.saved_positions(self._ctx.handle))
        scale = self._scale or 1.0
        moved = {}
        for node_id, (x, y, _pinned) in self._saved.items():
            item = self.scene.nodes.get(node_id)
            if item is None:
                continue
            if abs(item.pos().x() - x * scale) > 0.01 or abs(item.pos().y() - y * scale) > 0.01:
                moved[node_id] = (x, y)
        if moved:
            self._place(moved)
            self._placed |= set(moved)

    # --- drags (undoable) ----------------------------------------------------------------

    def _nodes_moved(self, moved: dict) -> None:
        if self._ctx is None:
            return
        scale = self._scale or 1.0
        new = {n: (nxy[0] / scale, nxy[1] / scale, True) for n, (_old, nxy) in moved.items()}
        old_xy = {n: (old[0] / scale, old[1] / scale) for n, (old, _nxy) in moved.items()}
        names = [self._graph_all.nodes[n].get("name") or "" for n in moved
                 if n in self._graph_all]
        text = (self.tr("Move %s on the map") % names[0] if len(names) == 1
                else self.tr("Move %d actors on the map") % len(names))
        if self._push_positions(text, new, old_xy):
            self.scene.update_scene_rect()
            self.scene.declutter()
        else:
            self._place(old_xy)

    def _push_positions(self, text: str, new: dict, old_xy: dict) -> bool:
        command = PositionsCommand(self._ctx, text, new, old_xy, self._place, self._undo_error)
        try:
            command.first_apply()
        except MissionError as exc:
            QMessageBox.warning(self, self.tr("Influence map"), error_text(exc))
            return False
        self._saved.update(new)
        self._ctx.undo_stack.push(command)
        return True

    def _undo_error(self, exc: MissionError) -> None:
        QMessageBox.warning(self, self.tr("Undo"), error_text(exc))

    # --- filters and focus ---------------------------------------------------------------

    def _fill_category_menu(self, graph) -> None:
        present = sorted({a.get("category") or "other" for _n, a in graph.nodes(data=True)},
                         key=category_label)
        if list(self.category_actions) == present:
            return
        checked = {c for c, a in self.category_actions.items() if a.isChecked()}
        self.category_menu.clear()
        self.category_actions = {}
        clear = self.category_menu.addAction(self.tr("All categories"))
        clear.triggered.connect(lambda: self.set_categories(set()))
        self.category_menu.addSeparator()
        for category in present:
            action = self.category_menu.addAction(category_label(category))
            pixmap = QPixmap(12, 12)
            pixmap.fill(QColor(GROUP_COLOURS[category_group(category)]))
            action.setIcon(pixmap)
            action.setCheckable(True)
            action.setChecked(category in checked)
            action.toggled.connect(lambda _on: self.apply_filter())
            self.category_actions[category] = action
        self._update_filter_buttons()

    def set_categories(self, categories: set[str]) -> None:
        for category, action in self.category_actions.items():
            action.blockSignals(True)
            action.setChecked(category in categories)
            action.blockSignals(False)
        self.apply_filter()

    def set_families(self, families: set[str]) -> None:
        for family, action in self.family_actions.items():
            action.blockSignals(True)
            action.setChecked(family in families)
            action.blockSignals(False)
        self.apply_filter()

    def _update_filter_buttons(self) -> None:
        cats = [c for c, a in self.category_actions.items() if a.isChecked()]
        self.category_button.setText(
            self.tr("Categories: all") if not cats else
            self.tr("Categories: %s") % category_label(cats[0]) if len(cats) == 1 else
            self.tr("Categories: %d") % len(cats))
        fams = [f for f, a in self.family_actions.items() if a.isChecked()]
        self.family_button.setText(
            self.tr("Relationships: all") if not fams else
            self.tr("Relationships: %s") % ", ".join(relationship_family_label(f)
                                                     for f in fams))

    def _set_as_of_range(self, start: date) -> None:
        days = max(30, (date.today() - start).days)
        at_end = self._as_of_today
        self._as_of_start = date.today() - timedelta(days=days)
        self.as_of_slider.blockSignals(True)
        self.as_of_slider.setRange(0, days)
        self.as_of_slider.setPageStep(30)
        if at_end:
            self.as_of_slider.setValue(days)
        self.as_of_slider.blockSignals(False)
        self._show_as_of()

    def as_of(self) -> date | None:
        """The day the map shows (None: today, everything current)."""
        if self.as_of_slider.value() >= self.as_of_slider.maximum():
            return None
        return self._as_of_start + timedelta(days=self.as_of_slider.value())

    def set_as_of(self, day: date | None) -> None:
        self._as_of_today = day is None
        if day is None:
            self.as_of_slider.setValue(self.as_of_slider.maximum())
        else:
            self.as_of_slider.setValue(max(0, min(self.as_of_slider.maximum(),
                                                  (day - self._as_of_start).days)))
        self._as_of_timer.stop()
        self.apply_filter()

    def _as_of_moved(self, value: int) -> None:
        self._as_of_today = value >= self.as_of_slider.maximum()
        self._show_as_of()
        self._as_of_timer.start()

    def _show_as_of(self) -> None:
        day = self.as_of()
        self.as_of_label.setText(self.tr("today") if day is None else day.isoformat())
        count = self._undated
        self.undated_label.setText(self.tr("%n undated", "", count) if count else "")
        self.undated_label.setToolTip(self.tr(
            "%n relationship(s) have no dates: they are shown on every past day, until their "
            "end if they have ended.", "", count) if count else "")

    def current_filter(self):
        from missiondesk.services.network import GraphFilter

        return GraphFilter(
            as_of=self.as_of(),
            categories=frozenset(c for c, a in self.category_actions.items() if a.isChecked()),
            families=frozenset(f for f, a in self.family_actions.items() if a.isChecked()),
            min_strength=self.min_strength.value(), active_only=self.active_only.isChecked())

    def apply_filter(self, fit: bool = False) -> None:
        """Build the filtered graph and show only its actors and relationships."""
        self._as_of_timer.stop()
        self._update_filter_buttons()
        if self._ctx is None or self._graph_all is None:
            return
        from missiondesk.services import network

        flt = self.current_filter()
        if flt == network.GraphFilter():
            self._graph = self._graph_all
        else:
            self._graph = network.build_graph(self._ctx.handle, flt)
        self._metrics = None
        self._reach = []
        self._highlight = (set(), set())
        self.scene.set_highlight(set(), set())
        self._restore_labels()
        self.recolour()
        self._refocus(fit=fit)
        self._show_card(self._selected)
        self._side_changed()

    def _refocus(self, fit: bool = False) -> None:
        """Apply the focus (n steps around the selected actor) on top of the filter."""
        graph = self._graph
        if graph is None:
            return
        nodes = {n for n in graph if n in self._placed}
        focus = self.focus_check.isChecked() and self._selected in nodes
        unfocused = self._focused and not focus
        self._focused = focus
        if focus:
            nodes = self.neighbourhood(self._selected, self.focus_hops.value()) & nodes
        edges = {str(k) for u, v, k in graph.edges(keys=True) if u in nodes and v in nodes}
        self._visible_nodes, self._visible_edges = nodes, edges
        self.scene.set_visible(nodes, edges)
        self.scene.declutter()
        self.count_label.setText(self.tr("%d actors \u00b7 %d relationships shown")
                                 % (len(nodes), len(edges)))
        self._update_legend()
        if fit or focus or unfocused:
            self.fit()

    def fit(self, rect: QRectF | None = None) -> None:
        """Fit the visible map (or `rect`); if the legend would then hide actors, fit again
        beside it."""
        self.view.reserve_left = 0.0
        self.view.fit(rect)
        if not self.legend.isVisible() or self.legend.width() <= 0:
            return
        box = QRectF(self.legend.geometry()).adjusted(-6, -6, 6, 6)
        origin = self.view.mapTo(self.map_pane, self.view.viewport().pos())
        box.translate(-origin.x(), -origin.y())
        hidden = any(box.intersects(self._on_screen(item.sceneBoundingRect()))
                     or (item.label_item.slot is not None and box.intersects(
                         self._on_screen(item.label_item.sceneBoundingRect())))
                     for node_id, item in self.scene.nodes.items()
                     if node_id in self._visible_nodes)
        if hidden:
            self.view.reserve_left = self.legend.width() + 14
            self.view.fit(rect)
            self.view.reserve_left = 0.0

    def _on_screen(self, rect: QRectF) -> QRectF:
        return QRectF(self.view.mapFromScene(rect).boundingRect())

    def neighbourhood(self, node_id: str, hops: int) -> set[str]:
        """The actors within `hops` relationships of `node_id` (either direction)."""
        graph = self._graph
        seen = {node_id}
        frontier = {node_id}
        for _ in range(hops):
            nxt = set()
            for n in frontier:
                nxt.update(graph.successors(n))
                nxt.update(graph.predecessors(n))
            frontier = nxt - seen
            seen |= frontier
        return seen

    def visible_nodes(self) -> set[str]:
        return set(self._visible_nodes)

    def visible_edges(self) -> set[str]:
        return set(self._visible_edges)

    # --- selection, search, card ---------------------------------------------------------

    def select_node(self, node_id: str, centre: bool = False) -> bool:
        item = self.scene.nodes.get(node_id)
        if item is None:
            return False
        if not item.isVisible():  # hidden by a filter or the focus: show everything
            self.focus_check.blockSignals(True)
            self.focus_check.setChecked(False)
            self.focus_check.blockSignals(False)
            if node_id not in self._visible_nodes:
                self.set_categories(set())
                self.set_families(set())
        self.scene.blockSignals(True)
        self.scene.clearSelection()
        item.setSelected(True)
        self.scene.blockSignals(False)
        self._set_selected(node_id)
        if centre:
            if self.view.zoom() < 0.8:
                self.view.zoom_by(0.8 / self.view.zoom())
            self.view.centerOn(item)
        return True

    def selected_id(self) -> str | None:
        return self._selected

    def show_stakeholder(self, stakeholder_id: str) -> None:
        """Select and centre an actor (from another desk): now, or once the layout has
        placed it."""
        self._pending_focus = None
        if not self.select_node(stakeholder_id, centre=True):
            self._pending_focus = stakeholder_id

    def _focus_pending(self) -> None:
        if self._pending_focus and self.select_node(self._pending_focus, centre=True):
            self._pending_focus = None

    def find(self, text: str) -> bool:
        """Select and centre on the first actor whose name, label or alias contains `text`
        (accents and case ignored)."""
        from missiondesk.services.names import fold

        key = fold(text)
        if not key or self._graph_all is None:
            return False
        best = None
        for node_id, attrs in self._graph_all.nodes(data=True):
            names = [attrs.get("name") or "", self._labels.get(node_id, "")]
            names += list(self._aliases.get(node_id, ()))
            folded = [fold(n) for n in names]
            if key in folded:
                best = node_id
                break
            if best is None and any(key in f for f in folded):
                best = node_id
        if best is None:
            self.status.setText(self.tr("No actor on the map matches \u201c%s\u201d.") % text)
            return False
        self.status.setText("")
        return self.select_node(best, centre=True)

    def _selection_changed(self) -> None:
        items = [i for i in self.scene.selectedItems() if hasattr(i, "node_id")]
        if items:
            self._set_selected(items[0].node_id)

    def _background_clicked(self) -> None:
        self.scene.clearSelection()

    def _set_selected(self, node_id: str | None) -> None:
        if node_id == self._selected:
            return
        self._selected = node_id
        self._reach = []
        self.scene.set_highlight(set(), set())
        self._restore_labels()
        self._show_card(node_id)
        self.scene.declutter()
        if self.relationships_panel is not None:
            self.relationships_panel.show_stakeholder(node_id)
        if self.focus_check.isChecked():
            self._refocus()

    def _link_clicked(self, url) -> None:
        text = url.toString()
        if text.startswith("node:"):
            self.select_node(text.split(":", 1)[1], centre=True)

    def _show_card(self, node_id: str | None = None) -> None:
        if node_id is None or self._ctx is None or self._graph_all is None \
                or node_id not in self._graph_all:
            self.card.setHtml("<p style='color:#666'>%s</p>" % _esc(
                self.tr("Click an actor on the map to see its card and how the mission can "
                        "reach it. Drag actors to arrange the map; Edit \u25b8 Undo puts "
                        "them back.")))
            self.reach_title.setText("")
            self.reach_list.clear()
            self.clear_highlight_button.setEnabled(False)
            return
        from missiondesk.services import stakeholders as service

        graph = self._graph if self._graph is not None and node_id in self._graph \
            else self._graph_all
        a = graph.nodes[node_id]
        t = self.tr
        parts = ["<h2 style='margin-bottom:2px'>%s</h2>" % _esc(a.get("name"))]
        badges = [(a.get("do_not_engage"), t("DO NOT ENGAGE")),
                  (a.get("sanctioned"), t("SANCTIONED")), (a.get("hrddp_flag"), t("HRDDP"))]
        for on, text in badges:
            if on:
                parts.append("<p style='color:#b3261e;font-weight:bold;margin:2px 0'>%s</p>"
                             % _esc(text))
        try:
            detail = service.get_stakeholder(self._ctx.handle, node_id)
            priority = priority_text(detail.priority)
        except MissionError:
            priority = None
        last = a.get("last_engaged")
        rows = [(t("Category"), category_label(a.get("category") or "other")),
                (t("Peace process"), peace_stance_label(a.get("stance_peace") or "unknown")),
                (t("Toward the mission"),
                 mission_stance_label(a.get("stance_mission") or "unknown")),
                (t("Influence"), a.get("influence")),
                (t("Engagement priority"), priority),
                (t("Last engaged"), last.isoformat() if last else t("never")),
                (t("Classification"), classification_label(a.get("classification")
                                                           or "UNCLASSIFIED"))]
        if self.as_of() is not None:
            rows.insert(1, (t("Stances as of"), self.as_of().isoformat()))
        if node_id in self._graph:
            ties = self._graph.in_degree(node_id) + self._graph.out_degree(node_id)
            rows.append((t("Relationships shown"), ties))
        parts.append("<table>%s</table>" % "".join(
            "<tr><td style='color:#555;padding-right:8px'>%s</td><td>%s</td></tr>"
            % (_esc(k), _esc(v)) for k, v in rows))
        self.card.setHtml("".join(parts))
        self.clear_highlight_button.setEnabled(False)
        self._show_reach(node_id)

    # --- reach paths ---------------------------------------------------------------------

    def engaged_within(self) -> int | None:
        """The reach window in days (None: engaged at any time)."""
        return self.reach_window.value() or None

    def _reach_window_changed(self) -> None:
        if self._selected is not None and self._ctx is not None:
            self.clear_highlight()
            self._show_reach(self._selected)

    def _show_reach(self, node_id: str) -> None:
        from missiondesk.services import network

        name = self._graph_all.nodes[node_id].get("name") or ""
        self.reach_list.blockSignals(True)
        self.reach_list.clear()
        self.reach_list.blockSignals(False)
        graph = self._graph if self._graph is not None and node_id in self._graph \
            else self._graph_all
        try:
            found = network.reach(self._ctx.handle, graph, node_id, today=self.as_of(),
                                  engaged_within_days=self.engaged_within())
        except MissionError as exc:
            self.reach_title.setText(error_text(exc))
            return
        self._reach = list(found.paths)
        if not self._reach:
            self.reach_title.setText(self._no_reach_text(found, name, graph))
            return
        self.reach_title.setText(self.tr(
            "How to reach %s: chains of cooperative and process links (mediation, "
            "negotiation, guarantees, agreements) from actors the mission engages or owns "
            "(click one to see it on the map).") % name)
        nodes = self._graph_all.nodes
        for path in self._reach:
            chain = " \u2192 ".join(self._labels.get(n) or nodes[n].get("name") or ""
                                    for n in path.nodes)
            when = path.first_link_last_engaged
            text = chain + "\n" + (self.tr("%s last engaged on %s")
                                   % (nodes[path.nodes[0]].get("name"), when.isoformat())
                                   if when else self.tr("%s: owned, never engaged")
                                   % nodes[path.nodes[0]].get("name"))
            item = QListWidgetItem(text)
            item.setToolTip(" \u2192 ".join(nodes[n].get("name") or "" for n in path.nodes))
            self.reach_list.addItem(item)

    def _no_reach_text(self, found, name: str, graph) -> str:
        """Why no chain reaches the actor, in one or two sentences."""
        t = self.tr
        window = self.engaged_within()
        if found.reason == "no_starters":
            return (t("No reach path: the mission owns no actor and engaged none in the last "
                      "%d days. Widen the window above, record an engagement or give an "
                      "actor an owner.") % window if window else
                    t("No reach path: the mission owns no actor and never engaged one. Record "
                      "an engagement or give an actor an owner."))
        if found.reason == "no_channel":
            nodes = graph.nodes
            links = ["%s %s" % (relationship_type_label(rtype).lower(),
                                nodes[other].get("name") if other in nodes else "")
                     for _key, rtype, other in found.links]
            if not links:
                return t("No cooperative or process link reaches %s: it has no relationship "
                         "on the map.") % name
            shown = "; ".join(links[:6]) + ("; \u2026" if len(links) > 6 else "")
            return t("No cooperative or process link reaches %s; its links: %s.") % (name,
                                                                                    shown)
        if found.reason == "blocked":
            return t("The links that reach %s pass only through do-not-engage or sanctioned "
                     "actors.") % name
        return (t("No chain of cooperative or process links joins %s to an actor the mission "
                  "owns or engaged in the last %d days.") % (name, window) if window else
                t("No chain of cooperative or process links joins %s to an actor the mission "
                  "owns or has engaged.") % name)

    def reach_paths(self) -> list:
        return list(self._reach)

    def _reach_row_changed(self, row: int) -> None:
        if 0 <= row < len(self._reach):
            self.highlight_reach(row)

    def highlight_reach(self, index: int) -> None:
        """Highlight one reach path on the map, with the first link's last engagement."""
        path = self._reach[index]
        nodes, edges = set(path.nodes), {str(e) for e in path.edges}
        self._highlight = (nodes, edges)
        self._restore_labels()
        self.scene.set_highlight(nodes, edges)
        self._update_legend()
        first = self.scene.nodes.get(path.nodes[0])
        if first is not None:
            when = path.first_link_last_engaged
            first.set_label(self._labels.get(first.node_id, "") + " \u00b7 " + (
                self.tr("engaged %s") % when.isoformat() if when else self.tr("never engaged")))
        self.clear_highlight_button.setEnabled(True)
        self.scene.declutter()
        rect = QRectF()
        for n in path.nodes:
            item = self.scene.nodes.get(n)
            if item is not None:
                rect = rect.united(item.sceneBoundingRect())
        if not rect.isNull() and not self.view.mapToScene(
                self.view.viewport().rect()).boundingRect().contains(rect):
            self.fit(rect)

    def highlighted(self) -> tuple[set[str], set[str]]:
        return set(self._highlight[0]), set(self._highlight[1])

    def clear_highlight(self) -> None:
        self._highlight = (set(), set())
        self.scene.set_highlight(set(), set())
        self._update_legend()
        self._restore_labels()
        self.reach_list.blockSignals(True)
        self.reach_list.setCurrentRow(-1)
        self.reach_list.blockSignals(False)
        self.clear_highlight_button.setEnabled(False)

    def _restore_labels(self) -> None:
        for node_id, item in self.scene.nodes.items():
            if item.label != self._labels.get(node_id, ""):
                item.set_label(self._labels.get(node_id, ""))

    # --- analysis and changes ------------------------------------------------------------

    def _side_changed(self) -> None:
        if self.side.currentIndex() == 1:
            self.compute_metrics()

    def compute_metrics(self) -> None:
        """Network metrics of the filtered map, off the GUI thread."""
        if self._graph is None or self._metrics_job is not None:
            return
        if self._metrics is not None and self._metrics_generation == self._generation:
            return
        _import_on_gui_thread()
        from missiondesk.services import network

        graph = self._graph
        self.analysis.setHtml("<p style='color:#666'>%s</p>" % _esc(
            self.tr("Computing brokers, influence and clusters\u2026")))
        previous = dict(self._partition) if self._partition else None
        job = _Job("metrics", self._generation,
                   lambda _p: network.network_metrics(graph, previous=previous))
        job.graph = graph
        self._metrics_job = job
        self._jobs.append(job)
        job.done.connect(self._job_done)
        job.start()

    def _metrics_done(self, job: _Job) -> None:
        if job is self._metrics_job:
            self._metrics_job = None
        if job.graph is not self._graph:  # the filter changed meanwhile
            if self.side.currentIndex() == 1:
                self.compute_metrics()
            return
        if job.error is not None:
            self.analysis.setHtml("<p>%s</p>" % _esc(
                error_text(job.error) if isinstance(job.error, MissionError)
                else self.tr("The analysis could not be computed.")))
            return
        self._metrics = job.result
        self._metrics_generation = self._generation
        self._partition = job.result.partition()  # the next computation starts from it
        self.analysis.setHtml(self._analysis_html(job.result, job.graph))
        self.metricsReady.emit()

    def _analysis_html(self, metrics, graph) -> str:
        t = self.tr

        def name(n: str) -> str:
            return "<a href='node:%s'>%s</a>" % (html.escape(n),
                                                 _esc(graph.nodes[n].get("name")))

        def section(title: str, words: str, ids: list[str], extra=None) -> str:
            items = "".join("<li>%s%s</li>" % (name(n), extra(n) if extra else "")
                            for n in ids[:5] if n in graph)
            return ("<h3 style='margin-bottom:0'>%s</h3><p style='color:#555;margin-top:2px'>"
                    "%s</p><ol>%s</ol>" % (_esc(title), _esc(words),
                                           items or "<li>%s</li>" % _esc(t("none"))))

        node_metrics = metrics.nodes

        def ties(n: str) -> str:
            m = node_metrics.get(n)
            return "" if m is None else " <span style='color:#777'>(%s)</span>" % _esc(
                t("%d ties") % m.degree)

        parts = ["<p style='color:#555'>%s</p>" % _esc(
            t("On the %d actors and %d relationships shown (filters apply). Each link counts "
              "by its strength and the confidence recorded for it: a doubtful or alleged "
              "link counts less than a confirmed one.")
            % (graph.number_of_nodes(), graph.number_of_edges()))]
        parts.append(section(t("Brokers"), t(
            "Actors on the most channels between others (cooperative, structural and process "
            "links; confirmed links count more than alleged or doubtful ones)."),
            metrics.brokers, ties))
        cuts = []
        for cut in metrics.cut_points[:5]:
            if cut.id not in graph:
                continue
            pieces = []
            for piece in cut.cut_off[:3]:
                named = ", ".join(name(n) for n in piece[:4] if n in graph)
                more = len(piece) - 4
                pieces.append(named + (_esc(t(" and %d more") % more) if more > 0 else ""))
            lost = sum(len(piece) for piece in cut.cut_off)
            cuts.append("<li>%s <span style='color:#555'>%s</span> %s</li>" % (
                name(cut.id), _esc(t("cuts off %d actor(s) from the other %d:")
                                   % (lost, cut.rest)), "; ".join(pieces)))
        parts.append("<h3 style='margin-bottom:0'>%s</h3><p style='color:#555;margin-top:2px'>"
                     "%s</p><ol>%s</ol>" % (_esc(t("Losing them splits the network")), _esc(t(
                         "Actors that alone link part of the network to the rest: without "
                         "them, the actors listed have no channel left to the others.")),
                         "".join(cuts) or "<li>%s</li>" % _esc(t("none: no single actor "
                                                                 "holds the network "
                                                                 "together"))))
        parts.append(section(t("Most influential"), t(
            "Actors whose cooperative and structural ties reach the most others, directly "
            "or through well-connected allies."), metrics.most_influential, ties))
        parts.append(section(t("Most contested"), t(
            "Actors that are parties to adversarial relationships: both sides of an armed "
            "conflict or a rivalry, the side that attacks, opposes or obstructs (not its "
            "victims)."), metrics.most_contested))
        clusters = [c for c in metrics.communities if len(c) > 1]
        items = []
        for i, members in enumerate(clusters[:8], start=1):
            ranked = sorted(members, key=lambda n: -(node_metrics[n].pagerank
                                                     if n in node_metrics else 0))
            shown = ", ".join(name(n) for n in ranked[:6] if n in graph)
            more = len(members) - 6
            items.append("<li><b>%s</b> %s%s</li>" % (
                _esc(t("Cluster %d (%d actors):") % (i, len(members))), shown,
                _esc(t(" and %d more") % more) if more > 0 else ""))
        parts.append("<h3 style='margin-bottom:0'>%s</h3><p style='color:#555;margin-top:2px'>"
                     "%s</p><ul>%s</ul>" % (_esc(t("Clusters")), _esc(t(
                         "Groups of actors more tied to each other than to the rest of the "
                         "map.")), "".join(items) or "<li>%s</li>" % _esc(t("none"))))
        if metrics.sampled:
            parts.append("<p style='color:#777'>%s</p>" % _esc(t(
                "Brokers on a map this large are estimated from a sample of paths (always the "
                "same sample, so the answer does not change).")))
        return "".join(parts)

    def metrics(self):
        return self._metrics

    def show_changes(self) -> None:
        """List what changed since the chosen day: relationships, stances, new actors."""
        if self._ctx is None:
            return
        from missiondesk.services import network

        since = self.since_date.date().toPython()
        try:
            changes = network.changes_since(self._ctx.handle, since)
        except MissionError as exc:
            self.changes.setHtml("<p>%s</p>" % _esc(error_text(exc)))
            return
        self.changes.setHtml(self._changes_html(changes, since))

    def _edge_words(self, key: str) -> str:
        graph = self._graph_all
        for u, v, k, attrs in graph.edges(keys=True, data=True):
            if str(k) == str(key):
                return "%s %s %s" % (_esc(graph.nodes[u].get("name")),
                                     _esc(relationship_type_label(attrs.get("type") or "")
                                          .lower()),
                                     _esc(graph.nodes[v].get("name")))
        try:
            from missiondesk.services.relationships import get_relationship

            r = get_relationship(self._ctx.handle, key)
        except (MissionError, ImportError):
            return _esc(self.tr("a relationship no longer recorded"))
        return "%s %s %s" % (_esc(r.source_name), _esc(relationship_type_label(r.type).lower()),
                             _esc(r.target_name))

    def _changes_html(self, changes, since: date) -> str:
        t = self.tr
        nodes = self._graph_all.nodes

        def who(n: str) -> str:
            if n in nodes:
                return "<a href='node:%s'>%s</a>" % (html.escape(n), _esc(nodes[n].get("name")))
            return _esc(n)

        def stance_text(field: str, value) -> str:
            if value is None:
                return "\u2014"
            return (peace_stance_label(value) if field == "stance_peace"
                    else mission_stance_label(value))

        sections = [
            (t("Relationships that started"), [self._edge_words(k) for k in changes.started]),
            (t("Relationships that ended"), [self._edge_words(k) for k in changes.ended]),
            (t("Stance changes"), ["%s \u2014 %s: %s: %s \u2192 %s" % (
                who(sid), _esc(day.isoformat() if hasattr(day, "isoformat") else day),
                _esc(t("peace process") if field == "stance_peace" else t("toward the mission")),
                _esc(stance_text(field, old)), _esc(stance_text(field, new)))
                for sid, day, field, old, new in changes.stance_changes]),
            (t("New actors"), [who(n) for n in changes.new_actors]),
        ]
        parts = ["<p style='color:#555'>%s</p>" % _esc(t("Since %s:") % since.isoformat())]
        for title, rows in sections:
            body = "".join("<li>%s</li>" % r for r in rows) or "<li>%s</li>" % _esc(t("none"))
            parts.append("<h3 style='margin-bottom:0'>%s</h3><ul>%s</ul>" % (_esc(title), body))
        return "".join(parts)

    # --- the legend ----------------------------------------------------------------------

    def legend_entries(self) -> list[LegendEntry]:
        t = self.tr
        mode = self.colour_mode()
        graph = self._graph if self._graph is not None else self._graph_all
        shown = [graph.nodes[n] for n in self._visible_nodes if graph is not None and n in graph]
        entries = []
        if mode == "category":
            entries.append(LegendEntry("heading", t("Actors by category (size: influence)")))
            groups = {category_group(a.get("category") or "other") for a in shown}
            for group in GROUP_COLOURS:
                if group in groups:
                    entries.append(LegendEntry("node", category_group_label(group),
                                               GROUP_COLOURS[group]))
        else:
            field = "stance_peace" if mode == "stance" else "stance_mission"
            colours = PEACE_STANCE_COLOURS if mode == "stance" else MISSION_STANCE_COLOURS
            label = peace_stance_label if mode == "stance" else mission_stance_label
            entries.append(LegendEntry("heading", t("Stance on the peace process (size: "
                                                    "influence)") if mode == "stance" else
                                       t("Stance toward the mission (size: influence)")))
            present = {a.get(field) or "unknown" for a in shown}
            for code, colour in colours.items():
                if code in present:
                    entries.append(LegendEntry("node", label(code), colour))
        flags = [(any(a.get("do_not_engage") for a in shown), "do_not_engage",
                  t("Do not engage")),
                 (any(a.get("sanctioned") for a in shown), "sanctioned", t("Sanctioned")),
                 (any(a.get("hrddp_flag") for a in shown), "hrddp", t("HRDDP concern"))]
        for on, key, text in flags:
            if on:
                entries.append(LegendEntry("ring", text, BADGE_COLOURS[key]))
        edges = [attrs for _u, _v, k, attrs in graph.edges(keys=True, data=True)
                 if str(k) in self._visible_edges] if graph is not None else []
        valences = {max(-2, min(2, int(a.get("valence") or 0))) for a in edges}
        dashes = {edge_dash(a.get("status") or "active") for a in edges}
        words = {2: t("Strongly cooperative (+2)"), 1: t("Cooperative (+1)"),
                 0: t("Neutral or process (0)"), -1: t("Tense or opposed (\u22121)"),
                 -2: t("Hostile or violent (\u22122)")}
        entries.append(LegendEntry("heading", t("Relationships (width: strength)")))
        for valence in (2, 1, 0, -1, -2):
            if valence in valences:
                entries.append(LegendEntry("edge", words[valence], VALENCE_COLOURS[valence]))
        if any(not a.get("symmetric") for a in edges):
            entries.append(LegendEntry("edge", t("Arrow: direction (none: both ways)"),
                                       "#666666", "arrow"))
        if "dashed" in dashes:
            entries.append(LegendEntry("edge", t("Alleged or dormant"), "#777777", "dashed"))
        if "dotted" in dashes:
            entries.append(LegendEntry("edge", t("Ended (a past day)"), "#777777", "dotted"))
        if self._highlight[1] or self._highlight[0]:
            entries.append(LegendEntry("edge", t("Reach path shown"), HIGHLIGHT.name(),
                                       "highlight"))
        return entries

    def _update_legend(self) -> None:
        self.legend.set_entries(self.legend_entries(),
                                max_height=int(self.map_pane.height() * 0.55))
        self.map_pane.place_legend()
        self._legend_keepout()

    def _legend_toggled(self, on: bool) -> None:
        self.legend.setVisible(on)
        self._legend_keepout()
        self.view.relabel()

    def _legend_keepout(self) -> None:
        """No name is placed under the legend."""
        if self.legend.isVisibleTo(self.map_pane) and self.legend.width() > 0:
            box = QRectF(self.legend.geometry()).adjusted(-4, -4, 4, 4)
            origin = self.view.mapTo(self.map_pane, self.view.viewport().pos())
            box.translate(-origin.x(), -origin.y())
            self.view.keepout_areas = [box]
        else:
            self.view.keepout_areas = []

    # --- exports -------------------------------------------------------------------------

    def classification(self) -> str:
        """The highest classification among the actors and relationships shown."""
        from missiondesk.store.vocab import Classification

        graph = self._graph if self._graph is not None else self._graph_all
        if graph is None:
            return Classification.UNCLASSIFIED.value
        levels = [graph.nodes[n].get("classification") or "UNCLASSIFIED"
                  for n in self._visible_nodes if n in graph]
        levels += [attrs.get("classification") or "UNCLASSIFIED"
                   for _u, _v, k, attrs in graph.edges(keys=True, data=True)
                   if str(k) in self._visible_edges]
        return Classification.highest(levels).value

    def title(self) -> str:
        return self.tr("Influence map \u2014 %s") % self._mission_name

    def subtitle(self) -> str:
        t = self.tr
        day = self.as_of()
        parts = [t("as of %s") % (day or date.today()).isoformat(),
                 self.colour_by.currentText().lower(),
                 t("%d actors, %d relationships") % (len(self._visible_nodes),
                                                     len(self._visible_edges))]
        if self.focus_check.isChecked() and self._selected and self._graph_all is not None:
            parts.append(t("within %d step(s) of %s") % (
                self.focus_hops.value(), self._graph_all.nodes[self._selected].get("name")))
        return " \u00b7 ".join(parts)

    def _paint_export(self, painter: QPainter, width: float, height: float) -> None:
        """The current view with title, legend and the classification marking (top and
        bottom), in a `width` x `height` logical page."""
        level = self.classification()
        marking = classification_label(level)
        header, footer = 62.0, 26.0
        painter.fillRect(QRectF(0, 0, width, height), QColor("#ffffff"))
        mark_font = QFont()
        mark_font.setPixelSize(13)
        mark_font.setBold(True)
        marking_colour = QColor("#b3261e" if level != "UNCLASSIFIED" else "#333333")
        painter.setFont(mark_font)
        painter.setPen(marking_colour)
        painter.drawText(QRectF(0, 4, width, 18), Qt.AlignmentFlag.AlignCenter, marking)
        painter.drawText(QRectF(0, height - footer + 4, width, 18),
                         Qt.AlignmentFlag.AlignCenter, marking)
        title_font = QFont()
        title_font.setPixelSize(17)
        title_font.setBold(True)
        painter.setFont(title_font)
        painter.setPen(QColor("#1a1a1a"))
        painter.drawText(QRectF(14, 22, width - 28, 22),
                         Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, self.title())
        sub_font = QFont()
        sub_font.setPixelSize(11)
        painter.setFont(sub_font)
        painter.setPen(QColor("#555555"))
        painter.drawText(QRectF(14, 43, width - 28, 16),
                         Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                         self.subtitle())
        target = QRectF(0, header, width, height - header - footer)
        source = QRectF(self.view.viewport().rect())
        self.view.render(painter, target, source.toRect(), Qt.AspectRatioMode.KeepAspectRatio)
        entries = self.legend_entries()
        columns = self.legend.columns
        box = legend_size(entries, columns=columns)
        paint_legend(painter, QPointF(target.left() + 10, target.bottom() - box.height() - 8),
                     entries, columns=columns)

    def _export_size(self) -> QSize:
        viewport = self.view.viewport().size()
        return QSize(max(viewport.width(), 640), max(viewport.height(), 420) + 88)

    def export_image(self, path: Path | str, fmt: str) -> Path:
        """Write the current view as PNG, SVG or PDF; raises OSError when it cannot.

        Names are written as text (a PDF or SVG can be searched and zoomed, never a picture
        of text); a PDF or SVG writes them at two thirds of their screen size, so more
        names fit, placed again for it (labels never overlap)."""
        from missiondesk.staging import staged_file

        labels = [node.label_item for node in self.scene.nodes.values()]
        for label in labels:
            label.setCacheMode(QGraphicsItem.CacheMode.NoCache)
        if fmt in ("svg", "pdf"):
            zoom = self.view.zoom()
            bounds = self.view.mapToScene(self.view.viewport().rect()).boundingRect()
            self.scene.relabel(1.0 / zoom / 1.5, bounds, [
                self.view.mapToScene(r.toRect()).boundingRect()
                for r in self.view.keepout_areas])
        try:
            with staged_file(path) as partial:
                self._export_image(partial, fmt)
            return Path(path)
        finally:
            for label in labels:
                label.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
            if fmt in ("svg", "pdf"):
                self.view.relabel()

    def _export_image(self, path: Path, fmt: str) -> Path:
        size = self._export_size()
        w, h = size.width(), size.height()
        if fmt == "png":
            image = QImage(w * 2, h * 2, QImage.Format.Format_ARGB32)
            image.setDevicePixelRatio(2.0)
            image.fill(QColor("#ffffff"))
            painter = QPainter(image)
            painter.setRenderHints(QPainter.RenderHint.Antialiasing
                                   | QPainter.RenderHint.TextAntialiasing)
            self._paint_export(painter, w, h)
            painter.end()
            if not image.save(str(path), "PNG"):
                raise OSError(str(path))
        elif fmt == "svg":
            from PySide6.QtCore import QRect
            from PySide6.QtSvg import QSvgGenerator

            generator = QSvgGenerator()
            generator.setFileName(str(path))
            generator.setSize(size)
            generator.setViewBox(QRect(0, 0, w, h))
            generator.setTitle(self.title())
            generator.setDescription(classification_label(self.classification()))
            painter = QPainter()
            if not painter.begin(generator):
                raise OSError(str(path))
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            self._paint_export(painter, w, h)
            painter.end()
        elif fmt == "pdf":
            from PySide6.QtCore import QMarginsF
            from PySide6.QtGui import QPageLayout, QPageSize, QPdfWriter

            writer = QPdfWriter(str(path))
            writer.setResolution(96)  # cosmetic pens keep a visible width
            writer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4),
                                             QPageLayout.Orientation.Landscape,
                                             QMarginsF(10, 10, 10, 10),
                                             QPageLayout.Unit.Millimeter))
            writer.setTitle(self.title())
            writer.setCreator("MissionDesk")
            painter = QPainter()
            if not painter.begin(writer):
                raise OSError(str(path))
            page = writer.pageLayout().paintRectPixels(writer.resolution())
            factor = min(page.width() / w, page.height() / h)
            # centred on the page
            painter.translate((page.width() - w * factor) / 2, (page.height() - h * factor) / 2)
            painter.scale(factor, factor)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            self._paint_export(painter, w, h)
            painter.end()
        else:
            raise ValueError(fmt)
        if not path.exists() or path.stat().st_size == 0:
            raise OSError(str(path))
        return path

    def visible_graph(self):
        """The filtered graph restricted to what the map shows (filters and focus)."""
        graph = self._graph if self._graph is not None else self._graph_all
        sub = graph.subgraph(self._visible_nodes).copy()
        drop = [(u, v, k) for u, v, k in sub.edges(keys=True)
                if str(k) not in self._visible_edges]
        sub.remove_edges_from(drop)
        return sub

    def export_graph(self, path: Path | str, fmt: str) -> Path:
        """GraphML or GEXF of what the map shows, through the network service."""

        from missiondesk.staging import staged_file

        with staged_file(path) as partial:
            self._write_graph(partial, fmt)
        return Path(path)

    def _write_graph(self, path: Path, fmt: str) -> None:
        from missiondesk.services import network

        graph = self.visible_graph()
        level = self.classification()
        if fmt == "graphml":
            network.write_graphml(graph, path, classification=level)
        else:
            scale = self._scale or 1.0
            positions = {n: (item.pos().x() / scale, item.pos().y() / scale)
                         for n, item in self.scene.nodes.items() if n in graph}
            colours = {n: node_colour(graph.nodes[n], self.colour_mode()) for n in graph}
            network.write_gexf(graph, path, classification=level, positions=positions,
                               colours=colours)

    def export_as(self, fmt: str) -> Path | None:
        """Ask where, then export; errors are shown as one sentence."""
        if self._ctx is None:
            return None
        filters = {"png": self.tr("PNG image (*.png)"), "svg": self.tr("SVG image (*.svg)"),
                   "pdf": self.tr("PDF document (*.pdf)"),
                   "graphml": self.tr("GraphML (*.graphml)"),
                   "gexf": self.tr("GEXF for Gephi (*.gexf)")}
        suggested = self.tr("influence-map") + "." + fmt
        chosen, _selected = QFileDialog.getSaveFileName(self, self.tr("Export the map"),
                                                        suggested, filters[fmt])
        if not chosen:
            return None
        path = Path(chosen)
        if path.suffix.lower() != "." + fmt:
            path = path.with_name(path.name + "." + fmt)
        try:
            if fmt in ("png", "svg", "pdf"):
                written = self.export_image(path, fmt)
            else:
                written = self.export_graph(path, fmt)
        except MissionError as exc:
            QMessageBox.critical(self, self.tr("Export the map"), error_text(exc))
            return None
        except OSError:
            QMessageBox.critical(self, self.tr("Export the map"), self.tr(
                "MissionDesk could not write {path}: check that the folder exists, that you "
                "may write there and that the file is not open in another program."
            ).format(path=path))
            return None
        self.status.setText(self.tr("Exported %s (marked %s).")
                            % (written.name, classification_label(self.classification())))
        return written
