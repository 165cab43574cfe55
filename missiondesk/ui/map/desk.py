"""The Influence map desk: who influences whom, who brokers, and through whom to reach an actor.

The services build the graph (networkx), lay it out (igraph, in a worker thread) and compute
the metrics; this desk only draws (ui/map/view.py, ui/map/items.py) and turns the user's
gestures into service calls: a node drag is an undoable command around
`network.save_positions`. Filters and focus hide items and never move the others, so the map a
leader knows keeps its shape.

This module is the desk itself (toolbar, filters row, lifecycle, selection, wiring); the rest is
in mixins beside it: scene.py (building, layout, positions, filter and focus on the scene),
panels.py (legend overlay, selected actor's card, reach paths), analysis.py (Analysis and
Changes tabs) and export.py (PNG/SVG/PDF/GraphML/GEXF).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction, QColor, QPixmap
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QProgressBar,
    QPushButton,
    QSlider,
    QSpinBox,
    QSplitter,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from missiondesk.labels import category_label, relationship_family_label
from missiondesk.ui.map.analysis import AnalysisMixin
from missiondesk.ui.map.appearance import AppearanceMixin
from missiondesk.ui.map.export import ExportMixin
from missiondesk.ui.map.items import GROUP_COLOURS, category_group
from missiondesk.ui.map.panels import LegendOverlay, PanelsMixin, _MapPane
from missiondesk.ui.map.scene import SceneMixin, _Job
from missiondesk.ui.map.view import MapScene, MapView
from missiondesk.ui.map.views import SavedViewsMixin

if TYPE_CHECKING:
    from missiondesk.ui.context import MissionContext

#: Tables whose changes alter the graph (the positions table is handled on its own).
GRAPH_TABLES = ("stakeholders", "relationships", "stakeholder_assessments", "engagements",
                "engagement_counterparts", "sources")
FAMILIES = ("structural", "cooperative", "process", "adversarial")


# --- the desk -------------------------------------------------------------------------------


def tick(actions: dict[str, QAction], codes) -> None:
    """Tick exactly the actions of `codes` (code -> checkable action), without signals."""
    for code, action in actions.items():
        action.blockSignals(True)
        action.setChecked(code in codes)
        action.blockSignals(False)


class StayOpenMenu(QMenu):
    """A filter menu that stays open while the user ticks: a click on a checkable item
    toggles it without closing the menu (Escape or a click outside closes it)."""

    def mouseReleaseEvent(self, event) -> None:  # noqa: N802 - Qt's name
        action = self.actionAt(event.position().toPoint())
        if action is not None and action.isCheckable() and action.isEnabled():
            action.trigger()
            return
        super().mouseReleaseEvent(event)

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt's name
        action = self.activeAction()
        if (event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space)
                and action is not None and action.isCheckable() and action.isEnabled()):
            action.trigger()
            return
        super().keyPressEvent(event)


class MapDesk(SceneMixin, AppearanceMixin, PanelsMixin, AnalysisMixin, SavedViewsMixin,
              ExportMixin, QWidget):
    """The influence map with its filters, focus, analysis panel and exports."""

    layoutFinished = Signal()
    #: A large first layout showed its most important actors (the others follow).
    firstActorsShown = Signal()
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
        self._adding = False  # the actors of a large layout arriving in batches
        self._awaiting = False  # the map's inputs still being read ahead
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
        self._save_job: _Job | None = None  # positions being written in a worker
        self._pending_focus: str | None = None
        self.layoutFinished.connect(self._focus_pending)
        self._mission_name = ""
        self._mission_id = ""
        self._shown_metrics = None  # the last clusters and metrics (colours, sizes, hulls)
        self._hull_item = None
        self._hulls_shown: dict[int, int] = {}
        self._regions: dict[str, tuple[str, ...]] = {}  # stakeholder id -> its regions

        # the scene and its view
        self.scene = MapScene(self)
        self.view = MapView(self.scene)
        self.view.setMinimumWidth(420)
        self.legend = LegendOverlay(self.view)
        self.map_pane = _MapPane(self.view, self.legend)
        self.map_pane.after_resize = self._update_legend
        self.view.resized.connect(self._map_resized)
        self.legend.folded.connect(self._legend_folded)
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
        self.size_by = QComboBox()
        for combo in (self.colour_by, self.size_by):
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(10)
        self._fill_appearance_choices()
        self.colour_by.currentIndexChanged.connect(lambda _i: self._appearance_changed())
        self.size_by.currentIndexChanged.connect(lambda _i: self._appearance_changed())
        self.hulls_check = QCheckBox(self.tr("Clusters"))
        self.hulls_check.setToolTip(self.tr("Shade each cluster of actors (groups more tied to "
                                            "each other than to the rest)"))
        self.hulls_check.toggled.connect(lambda _on: self._appearance_changed())
        self.views_button = self._views_button()
        self.focus_check = QCheckBox(self.tr("Focus, steps:"))
        self.focus_check.setToolTip(self.tr("Focus on the selected actor: show only the actors "
                                            "within this many relationships of it."))
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
        top.addWidget(self.size_by, 1)
        top.addWidget(self.hulls_check)
        top.addWidget(self.focus_check)
        top.addWidget(self.focus_hops)
        top.addWidget(self.fit_button)
        top.addWidget(self.layout_button)
        top.addWidget(self.legend_check)
        top.addWidget(self.views_button)
        top.addStretch(1)
        top.addWidget(self.progress)
        top.addWidget(self.cancel_button)
        top.addWidget(self.export_button)

        # second row: filters
        self.category_button = QToolButton()
        self.category_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.category_menu = StayOpenMenu(self.category_button)
        self.category_button.setMenu(self.category_menu)
        self.category_actions: dict[str, QAction] = {}
        self.family_button = QToolButton()
        self.family_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        family_menu = StayOpenMenu(self.family_button)
        self.family_actions: dict[str, QAction] = {}
        for family in FAMILIES:
            action = family_menu.addAction(relationship_family_label(family))
            action.setCheckable(True)
            action.toggled.connect(lambda _on: self.apply_filter())
            self.family_actions[family] = action
        self.family_button.setMenu(family_menu)
        self.region_button = QToolButton()
        self.region_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.region_menu = StayOpenMenu(self.region_button)
        self.region_button.setMenu(self.region_menu)
        self.region_actions: dict[str, QAction] = {}
        self.confidence = QComboBox()
        self.confidence.setToolTip(self.tr("Hide the relationships recorded with a lower "
                                           "confidence"))
        for text, code in ((self.tr("Any confidence"), None),
                           (self.tr("Confidence \u2265 possible"), "possible"),
                           (self.tr("Confidence \u2265 probable"), "probable"),
                           (self.tr("Confirmed links only"), "confirmed")):
            self.confidence.addItem(text, code)
        self.confidence.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.confidence.setMinimumContentsLength(10)
        self.confidence.currentIndexChanged.connect(lambda _i: self.apply_filter())
        self.min_strength = QSpinBox()
        self.min_strength.setRange(1, 5)
        self.min_strength.setPrefix(self.tr("Strength \u2265 "))
        self.min_strength.valueChanged.connect(lambda _v: self.apply_filter())
        self.active_only = QCheckBox(self.tr("Active only"))
        self.active_only.setToolTip(self.tr("Hide dormant, alleged and ended relationships"))
        self.active_only.toggled.connect(lambda _on: self.apply_filter())
        self.as_of_slider = QSlider(Qt.Orientation.Horizontal)
        self.as_of_slider.setMinimumWidth(120)
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
        filters.addWidget(self.region_button)
        filters.addWidget(self.family_button)
        filters.addWidget(self.min_strength)
        filters.addWidget(self.confidence)
        filters.addWidget(self.active_only)
        filters.addWidget(QLabel(self.tr("As of:")))
        filters.addWidget(self.as_of_slider, 1)
        filters.addWidget(self.as_of_label)
        filters.addWidget(self.undated_label)

        # the side panel: the selected actor, analysis, changes
        selected_page = self._build_selected_page()
        changes_page = self._build_changes_page()


        self.side = QTabWidget()
        self.side.addTab(selected_page, self.tr("Selected actor"))
        self.side.addTab(self.analysis, self.tr("Analysis"))
        self.side.addTab(self._build_table_page(), self.tr("Actors"))
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
        bottom = QHBoxLayout()
        bottom.addWidget(self.status, 1)
        bottom.addWidget(self.count_label)
        layout.addLayout(bottom)
        self._update_filter_buttons()
        self._set_as_of_range(self._as_of_start)
        self._show_card()
        self._update_actions()

    # --- the mission lifecycle -----------------------------------------------------------

    def attach(self, ctx: MissionContext) -> None:
        self._ctx = ctx
        ctx.bus.missionChanged.connect(self._on_changed)
        if self.relationships_panel is not None:
            self.relationships_panel.attach(ctx)
        from missiondesk.services.mission import get_mission

        mission = get_mission(ctx.handle)
        self._mission_name, self._mission_id = mission.name, mission.id
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
        self._partition = self._shown_metrics = None
        self._edge_index = None  # the legend's index of the closed mission's graph
        self._importance_cache = None
        self._hulls_shown = {}
        self._mission_id = ""
        self._selected = None
        self._reach = []
        self._highlight = (set(), set())
        self.scene.clear()
        self.scene.nodes, self.scene.edges = {}, {}
        self.reach_list.clear()
        self.analysis.clear()
        self.metrics_model.clear()
        self.changes.clear()
        self._show_card()
        self._update_actions()

    def _stop_jobs(self) -> None:
        self._save_pending()
        for job in list(self._jobs):
            job.cancel()
            job.wait()
        self._jobs = []
        self._layout_job = self._metrics_job = self._save_job = None
        self._pending_save = None  # written above (a worker's save was waited for)
        self._adding = self._awaiting = False
        self._generation += 1  # batches or a wait still queued for the old map stop
        self.progress.hide()
        self.cancel_button.hide()

    def _on_changed(self, changed) -> None:
        if changed.touches(*GRAPH_TABLES):
            self.reload()
        elif changed.touches("map_positions"):
            self.refresh_positions()

    def _update_actions(self) -> None:
        has = self._ctx is not None
        for widget in (self.search, self.colour_by, self.size_by, self.hulls_check,
                       self.fit_button, self.layout_button, self.views_button,
                       self.export_button, self.category_button, self.family_button,
                       self.min_strength, self.active_only, self.as_of_slider,
                       self.since_button, self.focus_check, self.confidence):
            widget.setEnabled(has)
        self.region_button.setEnabled(has and bool(self.region_actions))

    def busy(self) -> bool:
        """True while a layout runs (tests and callers wait on `layoutFinished`)."""
        return (self._layout_job is not None or self._pending_save is not None
                or self._adding or self._awaiting)

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
        tick(self.category_actions, categories)
        self.apply_filter()

    def _fill_region_menu(self) -> None:
        """The regions recorded on the actors, as ticks (none ticked: every region)."""
        from missiondesk.services.names import fold

        present = sorted({r for regions in self._regions.values() for r in regions if r},
                         key=fold)
        if list(self.region_actions) == present:
            return
        checked = self.chosen_regions()
        self.region_menu.clear()
        self.region_actions = {}
        clear = self.region_menu.addAction(self.tr("All regions"))
        clear.triggered.connect(lambda: self.set_regions(set()))
        self.region_menu.addSeparator()
        for region in present:
            action = self.region_menu.addAction(region)
            action.setCheckable(True)
            action.setChecked(region in checked)
            action.toggled.connect(lambda _on: self.apply_filter())
            self.region_actions[region] = action
        self._update_filter_buttons()
        self._update_actions()

    def chosen_regions(self) -> frozenset[str]:
        return frozenset(r for r, a in self.region_actions.items() if a.isChecked())

    def set_regions(self, regions: set[str]) -> None:
        tick(self.region_actions, regions)
        self.apply_filter()

    def min_confidence(self) -> str | None:
        """The lowest confidence of the links shown (None: any)."""
        return self.confidence.currentData()

    def set_min_confidence(self, code: str | None) -> None:
        self.confidence.setCurrentIndex(max(0, self.confidence.findData(code)))

    def set_families(self, families: set[str]) -> None:
        tick(self.family_actions, families)
        self.apply_filter()

    def _update_filter_buttons(self) -> None:
        cats = [c for c, a in self.category_actions.items() if a.isChecked()]
        self.category_button.setText(
            self.tr("Categories: all") if not cats else
            self.tr("Categories: %s") % category_label(cats[0]) if len(cats) == 1 else
            self.tr("Categories: %d") % len(cats))
        regions = self.chosen_regions()
        self.region_button.setText(
            self.tr("Regions: none") if not self.region_actions else
            self.tr("Regions: all") if not regions else
            self.tr("Regions: %s") % sorted(regions)[0] if len(regions) == 1 else
            self.tr("Regions: %d") % len(regions))
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
            self.view.centre_on(item)
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
