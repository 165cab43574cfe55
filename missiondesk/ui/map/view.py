"""The influence map's view: wheel zoom, background drag to pan, node drags reported once on
release, fit to what is visible, and the scene built from a networkx graph and positions.

The scene holds every stakeholder of the mission; filters and focus only hide items, so the
positions a leader is used to do not move when a filter changes.
"""

from __future__ import annotations

import gc
from collections import defaultdict
from collections.abc import Callable
from contextlib import contextmanager
from itertools import chain

from PySide6.QtCore import QEvent, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QPainter, QTransform
from PySide6.QtWidgets import QGraphicsScene, QGraphicsView, QToolTip

from missiondesk.ui.map.items import EdgeItem, EdgeLayer, LabelItem, NodeItem


@contextmanager
def paused_gc():
    """No cyclic garbage collection while thousands of small objects are made (a map of
    2,000 actors spent a third of its build time in collections of the graph's dicts)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()

#: Layout units -> scene units: a node gets about this much room, whatever the layout's scale.
ROOM_PER_NODE = 95.0


class MapScene(QGraphicsScene):
    """Nodes and edges by id, built once per graph; visibility and highlights change in place."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.nodes: dict[str, NodeItem] = {}
        self.edges: dict[str, EdgeItem] = {}
        self.edge_layer: EdgeLayer | None = None  # draws every edge (see EdgeItem)
        self.importance: dict[str, int] = {}  # node id -> rank, 0 the most important
        self.label_unit = 1.0  # scene units per screen pixel (1 / zoom)
        self.view_bounds: QRectF | None = None  # the part of the scene on screen
        self.keepout: list[QRectF] = []  # scene areas no name may cover (the legend)
        # BSP index; items are few thousand at most and mostly static.
        self.setItemIndexMethod(QGraphicsScene.ItemIndexMethod.BspTreeIndex)
        self.setBackgroundBrush(QColor("#fbfbf9"))

    def populate(self, graph, positions: dict[str, tuple[float, float]], scale: float,
                 labels: dict[str, str], colours: dict[str, str]) -> None:
        """Replace every item: one NodeItem per graph node; one EdgeItem per relationship,
        all drawn by one EdgeLayer."""
        with paused_gc():
            self._populate(graph, positions, scale, labels, colours)

    def _populate(self, graph, positions, scale, labels, colours) -> None:
        self.clear()
        self.nodes = {}
        self.edges = {}
        self._extend(graph, list(graph.nodes), positions, scale, labels, colours)

    def extend(self, graph, node_ids: list[str], positions: dict[str, tuple[float, float]],
               scale: float, labels: dict[str, str], colours: dict[str, str]) -> None:
        """Add these actors of `graph` (those not on the map yet), and every relationship
        between them and the actors already there: a large first layout shows the most
        important actors first and the others arrive a batch at a time."""
        with paused_gc():
            self._extend(graph, node_ids, positions, scale, labels, colours)

    def _extend(self, graph, node_ids, positions, scale, labels, colours) -> None:
        new = []
        for node_id in node_ids:
            if node_id in self.nodes:
                continue
            item = NodeItem(node_id, graph.nodes[node_id], labels.get(node_id, ""),
                            colours[node_id])
            x, y = positions.get(node_id, (0.0, 0.0))
            item.setPos(x * scale, y * scale)  # its label follows (itemChange)
            item.label_item.set_unit(self.label_unit)
            self.addItem(item)
            self.addItem(item.label_item)
            self.nodes[node_id] = item
            new.append(node_id)
        # Parallel links of one pair (either direction) bend apart so each can be hovered;
        # a pair's links all arrive with the later of its two actors.
        pairs: dict[frozenset, dict[str, tuple]] = {}
        nodes, known = self.nodes, self.edges
        for node_id in new:
            for u, v, key, attrs in chain(graph.out_edges(node_id, keys=True, data=True),
                                          graph.in_edges(node_id, keys=True, data=True)):
                if u != v and u in nodes and v in nodes and str(key) not in known:
                    pairs.setdefault(frozenset((u, v)), {})[str(key)] = (u, v, attrs)
        edges = []
        for links in pairs.values():
            count = len(links)
            for i, (key, (u, v, attrs)) in enumerate(links.items()):
                offset = 0.0 if count == 1 else (i - (count - 1) / 2) * 16.0
                if offset and u > v:  # the same side whichever way the link points
                    offset = -offset
                edge = EdgeItem(key, nodes[u], nodes[v], attrs, offset)
                edges.append(edge)
                known[key] = edge
        if self.edge_layer is None:
            self.edge_layer = EdgeLayer()
            self.addItem(self.edge_layer)
        self.edge_layer.add_edges(edges)
        self.update_scene_rect()

    def clear(self) -> None:
        super().clear()
        self.edge_layer = None

    def edge_at(self, point: QPointF) -> EdgeItem | None:
        """The visible edge under a scene point, if any."""
        return self.edge_layer.edge_at(point) if self.edge_layer is not None else None

    @contextmanager
    def _edges_in_bulk(self):
        if self.edge_layer is None:
            yield
        else:
            with self.edge_layer.bulk():
                yield

    #: The most important actors, whose names may go a ring further out to find a place.
    ALWAYS_NAMED = 12
    #: The places close to the disc every name tries (`LabelItem.slot_boxes`).
    NEAR_SLOTS = LabelItem.NEAR_SLOTS

    def set_importance(self, order: list[str]) -> None:
        """The actors, most important first (influence, then centrality): names are placed
        in this order, so the most important actors are named at every zoom."""
        self.importance = {node_id: i for i, node_id in enumerate(order)}

    def relabel(self, unit: float, bounds: QRectF | None = None,
                keepout: list[QRectF] | None = None) -> None:
        """The zoom changed: `unit` scene units make one screen pixel (`bounds`: the part
        of the scene on screen). Names keep their size on screen, so where they fit is
        decided again."""
        self.label_unit = unit
        self.view_bounds = bounds
        self.keepout = list(keepout or [])
        with paused_gc():
            for node in self.nodes.values():
                node.label_item.set_unit(unit)
            self._declutter()

    def declutter(self) -> None:
        with paused_gc():
            self._declutter()

    def _declutter(self) -> None:
        """Give labels places where they cover no other label and no other actor's disc, the
        selected and highlighted actors first, then by importance (`set_importance`); a name
        that finds no free place around its actor inside the part of the map on screen is
        hidden (shown on hover and selection).

        Runs when the zoom changes, nodes move or visibility changes, never in paint. Plain
        tuples and a grid of cells keep it linear in the number of actors.
        """
        unit = self.label_unit
        cell = 80.0 * unit
        labels: dict[tuple[int, int], list[tuple[float, float, float, float]]] = \
            defaultdict(list)
        discs: dict[tuple[int, int], list[tuple[float, float, float, float, int]]] = \
            defaultdict(list)

        def cells(x0: float, y0: float, x1: float, y1: float):
            for gx in range(int(x0 // cell), int(x1 // cell) + 1):
                for gy in range(int(y0 // cell), int(y1 // cell) + 1):
                    yield gx, gy

        for area in self.keepout:
            box = (area.left(), area.top(), area.right(), area.bottom())
            for key in cells(*box):
                labels[key].append(box)
        importance = self.importance
        last = len(importance)
        shown = [n for n in self.nodes.values() if n.isVisible()]
        rank = {n.node_id: (0 if (n.isSelected() or n.highlighted) else 1,
                            importance.get(n.node_id, last), n.label) for n in shown}
        shown.sort(key=lambda n: rank[n.node_id])
        order = {n.node_id: i for i, n in enumerate(shown)}
        centres = {}
        for node in shown:
            pos = node.pos()
            x, y = pos.x(), pos.y()
            centres[node.node_id] = (x, y)
            r = node.radius + 3.5 * len(node.badges) + 1
            box = (x - r, y - r, x + r, y + r, order[node.node_id])
            for key in cells(*box[:4]):
                discs[key].append(box)

        def free(x0: float, y0: float, x1: float, y1: float, mine: int) -> bool:
            """No label there, and no disc but the actor's own."""
            for key in cells(x0, y0, x1, y1):
                for bx0, by0, bx1, by1 in labels.get(key, ()):
                    if x0 < bx1 and bx0 < x1 and y0 < by1 and by0 < y1:
                        return False
                for bx0, by0, bx1, by1, other in discs.get(key, ()):
                    if other != mine and x0 < bx1 and bx0 < x1 and y0 < by1 and by0 < y1:
                        return False
            return True

        bounds = self.view_bounds
        clipped = bounds is not None and not bounds.isEmpty()
        if clipped:
            vx0, vy0, vx1, vy1 = bounds.left(), bounds.top(), bounds.right(), bounds.bottom()
        for node in shown:
            mine = order[node.node_id]
            x, y = centres[node.node_id]
            boxes = [(x + left, y + top, x + left + width, y + top + height)
                     for left, top, width, height in node.label_item.slot_boxes(unit)]
            # the most important actors may look a ring further out for a free place
            tries = range(len(boxes) if mine < self.ALWAYS_NAMED else self.NEAR_SLOTS)
            if clipped:  # a name cut by the edge of the map is no name: inside, or hidden
                tries = [i for i in tries if boxes[i][0] >= vx0 and boxes[i][1] >= vy0
                         and boxes[i][2] <= vx1 and boxes[i][3] <= vy1]
            # no name over another name or over another actor's disc
            slot = next((i for i in tries if free(*boxes[i], mine)), None)
            if slot is not None:
                box = boxes[slot]
                for key in cells(*box):
                    labels[key].append(box)
            node.label_item.set_slot(slot)

    def update_scene_rect(self) -> None:
        """A fixed scene rect (no recomputation of items' bounds on every change)."""
        rect = QRectF()
        for item in self.nodes.values():
            rect = rect.united(item.sceneBoundingRect())
        if rect.isNull():
            rect = QRectF(-200, -200, 400, 400)
        margin = max(rect.width(), rect.height()) + 400  # room to pan and to fit off-centre
        self.setSceneRect(rect.adjusted(-margin, -margin, margin, margin))

    def visible_rect(self) -> QRectF:
        """What the visible actors cover (their names keep a screen size: `MapView.fit`
        leaves a margin of pixels for them)."""
        rect = QRectF()
        for item in self.nodes.values():
            if item.isVisible():
                rect = rect.united(item.sceneBoundingRect())
        return rect

    def set_visible(self, node_ids: set[str], edge_ids: set[str]) -> None:
        for node_id, item in self.nodes.items():
            shown = node_id in node_ids
            if shown != item.isVisible():
                item.set_shown(shown, item.opacity())
        with self._edges_in_bulk():
            for key, edge in self.edges.items():
                shown = key in edge_ids and edge.source.isVisible() and edge.target.isVisible()
                if shown != edge.isVisible():
                    edge.setVisible(shown)

    def set_highlight(self, node_ids: set[str], edge_ids: set[str]) -> None:
        """Highlight a path (empty sets clear it); the rest is dimmed while one is shown."""
        dim = bool(node_ids or edge_ids)
        for node_id, item in self.nodes.items():
            on = node_id in node_ids
            item.set_highlighted(on)
            item.set_shown(item.isVisible(), 1.0 if on or not dim else 0.3)
        with self._edges_in_bulk():
            for key, edge in self.edges.items():
                on = key in edge_ids
                edge.set_highlighted(on)
                edge.setOpacity(1.0 if on or not dim else 0.15)


class MapView(QGraphicsView):
    """Wheel to zoom under the mouse, drag the background to pan, drag nodes to move them."""

    nodesMoved = Signal(dict)  # node id -> ((old x, old y), (new x, new y)) in scene units
    backgroundClicked = Signal()
    resized = Signal()  # the viewport's size changed (a window resize, a splitter drag)

    def __init__(self, scene: MapScene, parent=None) -> None:
        super().__init__(scene, parent)
        self.setRenderHints(QPainter.RenderHint.Antialiasing
                            | QPainter.RenderHint.TextAntialiasing)
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.SmartViewportUpdate)
        self.setOptimizationFlags(QGraphicsView.OptimizationFlag.DontSavePainterState)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setResizeAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)
        self.setDragMode(QGraphicsView.DragMode.NoDrag)
        # drag the background to pan: scroll bars would only take room
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._press: dict[str, QPointF] = {}
        # True from a Fit until the user zooms or pans: a resize fits again
        self.fitted = True
        self.keepout_areas: list[QRectF] = []  # viewport areas covered by overlays
        self.edge_text: Callable[[EdgeItem], str] | None = None  # an edge's hover text
        self._over_node = False
        self.setMouseTracking(True)
        self._pan_from: QPointF | None = None
        self._panned = False
        self._relabel_when_shown = False

    def map_scene(self) -> MapScene:
        return self.scene()

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        # the view's own event: a hidden desk gets it when shown, after its parent's
        super().resizeEvent(event)
        self.resized.emit()

    def viewportEvent(self, event) -> bool:  # noqa: N802 - Qt's name
        # tooltips are made when first asked for, not for each of thousands of items
        if event.type() == QEvent.Type.ToolTip:
            item = self.itemAt(event.pos())
            edge = (self.map_scene().edge_at(self.mapToScene(event.pos()))
                    if not isinstance(item, NodeItem | LabelItem) else None)
            if edge is not None:
                if not edge.toolTip() and self.edge_text:
                    edge.setToolTip(self.edge_text(edge))
                QToolTip.showText(event.globalPos(), edge.toolTip(), self.viewport())
                return True
            if isinstance(item, NodeItem | LabelItem) and not item.toolTip():
                node = item if isinstance(item, NodeItem) else item.node
                item.setToolTip(node.attrs.get("name") or node.label)
        return super().viewportEvent(event)

    def mouseMoveEvent(self, event) -> None:  # noqa: N802 - Qt's name
        if self._pan_from is None and not event.buttons():
            over = isinstance(self.itemAt(event.position().toPoint()), NodeItem | LabelItem)
            if over != self._over_node:
                self._over_node = over
                if over:
                    self.viewport().setCursor(Qt.CursorShape.PointingHandCursor)
                else:
                    self.viewport().unsetCursor()
        self._move(event)

    # zoom
    def wheelEvent(self, event) -> None:  # noqa: N802 - Qt's name
        steps = event.angleDelta().y() / 120.0
        if steps:
            self.zoom_by(1.18 ** steps)
        event.accept()

    def zoom_by(self, factor: float) -> None:
        current = self.transform().m11()
        factor = max(0.02 / current, min(factor, 12.0 / current))
        self.scale(factor, factor)
        self.fitted = False
        self.relabel()

    def centre_on(self, item) -> None:
        """Centre an item (a found actor): the user's view now, not a Fit."""
        self.centerOn(item)
        self.fitted = False
        self.relabel()

    def showEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)
        if self._relabel_when_shown:
            self.relabel()

    def relabel(self) -> None:
        """Names keep their size on screen: place them again for the current zoom. A hidden
        view (a desk built before it is shown) places them when it is shown, at its size."""
        if not self.isVisible():
            self._relabel_when_shown = True
            return
        self._relabel_when_shown = False
        zoom = self.zoom()
        if zoom > 0:
            bounds = self.mapToScene(self.viewport().rect()).boundingRect()
            keepout = [self.mapToScene(rect.toRect()).boundingRect()
                       for rect in self.label_keepout() if not rect.isEmpty()]
            self.map_scene().relabel(1.0 / zoom, bounds, keepout)

    def label_keepout(self) -> list[QRectF]:
        """Areas of the viewport (pixels) where no name goes: what lies over the map."""
        return list(self.keepout_areas)

    def zoom(self) -> float:
        return self.transform().m11()

    def fit(self, rect: QRectF | None = None, avoid: QRectF | None = None, *,
            relabel: bool = True) -> None:
        """Show `rect` (the visible actors) as large as the viewport allows, with a margin of
        pixels for the names on the edges; `avoid` (viewport pixels, the legend) is kept
        free: the map goes beside it or above it, whichever leaves it larger."""
        rect = rect if rect is not None else self.map_scene().visible_rect()
        if rect.isNull() or rect.isEmpty():
            return
        pad = max(rect.width(), rect.height()) * 0.02 + 10
        rect = rect.adjusted(-pad, -pad, pad, pad)
        viewport = QRectF(self.viewport().rect())
        areas = [viewport]
        if avoid is not None and not avoid.isEmpty() and avoid.intersects(viewport):
            beside = QRectF(viewport)
            beside.setLeft(min(avoid.right(), viewport.right() - 40))
            above = QRectF(viewport)
            above.setBottom(max(avoid.top(), viewport.top() + 40))
            areas = [beside, above]

        def factor_for(area: QRectF) -> float:
            # a margin of pixels for the names of the actors on the edges (names keep their
            # size on screen whatever the zoom)
            margin_x = min(70.0, area.width() * 0.08)
            margin_y = min(26.0, area.height() * 0.06)
            factor = min(max(area.width() - 2 * margin_x, 40.0) / rect.width(),
                         max(area.height() - 2 * margin_y, 40.0) / rect.height())
            return min(factor, 1.6)  # a tiny selection should not fill the screen with a disc

        area = max(areas, key=factor_for)
        factor = factor_for(area)
        self.setTransform(QTransform.fromScale(factor, factor))
        shift = area.center() - viewport.center()
        self.centerOn(rect.center() - QPointF(shift.x() / factor, shift.y() / factor))
        self.fitted = True
        if relabel:  # `relabel=False`: the caller places the names once it has settled
            self.relabel()

    # pan and drag
    def actor_at(self, point):
        """The item under a viewport point, a disc before a name drawn over it (a name
        may cover a less important actor's disc; the disc stays the one clicked)."""
        items = self.items(point)
        for item in items:
            if isinstance(item, NodeItem):
                return item
        return items[0] if items else None

    def mousePressEvent(self, event) -> None:  # noqa: N802 - Qt's name
        item = self.actor_at(event.position().toPoint())
        if isinstance(item, LabelItem):  # a click on a name selects its actor
            scene = self.map_scene()
            scene.clearSelection()
            item.node.setSelected(True)
            event.accept()
            return
        if isinstance(item, NodeItem) or event.button() != Qt.MouseButton.LeftButton:
            super().mousePressEvent(event)
            scene = self.map_scene()
            self._press = {i.node_id: i.pos() for i in scene.selectedItems()
                           if isinstance(i, NodeItem)}
            if isinstance(item, NodeItem):
                self._press[item.node_id] = item.pos()
            return
        # the background (or an edge): pan, keeping the selection
        self._pan_from = event.position()
        self._panned = False
        self.viewport().setCursor(Qt.CursorShape.ClosedHandCursor)
        event.accept()

    def _move(self, event) -> None:
        if self._pan_from is not None:
            delta = event.position() - self._pan_from
            if abs(delta.x()) + abs(delta.y()) > 2:
                self._panned = True
            self._pan_from = event.position()
            self.horizontalScrollBar().setValue(self.horizontalScrollBar().value()
                                                - round(delta.x()))
            self.verticalScrollBar().setValue(self.verticalScrollBar().value()
                                              - round(delta.y()))
            event.accept()
            return
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event) -> None:  # noqa: N802 - Qt's name
        if self._pan_from is not None:
            self._pan_from = None
            self.viewport().unsetCursor()
            if not self._panned:
                self.backgroundClicked.emit()
            else:  # panned by hand: names are placed again for what is now on screen
                self.fitted = False
                self.relabel()
            event.accept()
            return
        super().mouseReleaseEvent(event)
        scene = self.map_scene()
        moved = {}
        for node_id, old in self._press.items():
            item = scene.nodes.get(node_id)
            if item is not None and (item.pos() - old).manhattanLength() > 0.5:
                moved[node_id] = ((old.x(), old.y()), (item.pos().x(), item.pos().y()))
        self._press = {}
        if moved:
            self.nodesMoved.emit(moved)
