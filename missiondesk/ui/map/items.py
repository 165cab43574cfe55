"""The influence map's drawing: node and edge items, their colours, and the legend.

Built for repaint speed (PITFALLS.md): cosmetic pens, labels drawn only when they would be
readable on screen (level of detail), the edges of a node recomputed only when that node
moves, and no per-paint work that depends on the size of the graph.
"""

from __future__ import annotations

import math
from contextlib import contextmanager
from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication, QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetricsF,
    QPainter,
    QPainterPath,
    QPainterPathStroker,
    QPen,
    QPolygonF,
)
from PySide6.QtWidgets import QGraphicsItem, QGraphicsLineItem, QStyleOptionGraphicsItem

from missiondesk.figures.network_map import short_name, wrap_name


def _t(text: str) -> str:
    return QCoreApplication.translate("MapItems", text)


# --- colours --------------------------------------------------------------------------------

#: Category -> colour group (35 categories cannot each get a distinguishable colour).
CATEGORY_GROUPS: dict[str, str] = {
    **dict.fromkeys(("host_government", "state_security_force", "state_institution",
                     "electoral_body", "judiciary"), "state"),
    **dict.fromkeys(("political_party", "opposition_coalition"), "political"),
    **dict.fromkeys(("armed_group", "armed_coalition", "self_defence_militia",
                     "criminal_network", "foreign_armed_group", "foreign_security_contractor"),
                    "armed"),
    **dict.fromkeys(("foreign_government", "neighbouring_state", "security_council_member",
                     "tcc_pcc", "donor", "group_of_friends"), "foreign"),
    **dict.fromkeys(("regional_organization", "international_organization", "un_entity",
                     "international_ngo"), "international"),
    **dict.fromkeys(("religious_leader", "faith_based_organization", "traditional_authority"),
                    "religious"),
    **dict.fromkeys(("civil_society", "womens_organization", "youth_organization", "community",
                     "diaspora", "media", "private_sector"), "society"),
}
GROUP_COLOURS = {
    "state": "#1f5fa8", "political": "#7b3fa0", "armed": "#c0392b", "foreign": "#d98c1f",
    "international": "#12808a", "religious": "#8d6e63", "society": "#3a8f3e",
    "other": "#8a8a8a",
}
PEACE_STANCE_COLOURS = {
    "champion": "#1b7f4b", "supportive": "#6fb46a", "conditional": "#d4b52f",
    "ambivalent": "#a9a9a9", "sceptical": "#e8914a", "opposed": "#d9534f",
    "spoiler": "#8e1b1b", "unknown": "#d6d6d6",
}
MISSION_STANCE_COLOURS = {
    "cooperative": "#1b7f4b", "conditional": "#d4b52f", "neutral": "#a9a9a9",
    "wary": "#e8914a", "obstructive": "#d9534f", "hostile_rhetoric": "#b02a2a",
    "hostile_violent": "#6d0f0f", "unknown": "#d6d6d6",
}
VALENCE_COLOURS = {2: "#1b7f4b", 1: "#5fa35f", 0: "#8c8c8c", -1: "#e0803a", -2: "#c62828"}
BADGE_COLOURS = {"do_not_engage": "#b3261e", "sanctioned": "#4a148c", "hrddp": "#e65100"}
HIGHLIGHT = QColor("#f5b301")
NODE_RADIUS = {1: 7.0, 2: 9.0, 3: 12.0, 4: 15.0, 5: 19.0}
#: Label font size on screen (pixels) by influence: names keep this size at every zoom.
LABEL_PX = {1: 10.0, 2: 10.5, 3: 11.0, 4: 12.0, 5: 13.0}
EDGE_WIDTH = {1: 0.8, 2: 1.2, 3: 1.8, 4: 2.5, 5: 3.3}


def category_group(category: str) -> str:
    return CATEGORY_GROUPS.get(category, "other")


def node_colour(attrs: dict, colour_by: str) -> str:
    if colour_by == "stance":
        return PEACE_STANCE_COLOURS.get(attrs.get("stance_peace") or "unknown", "#d6d6d6")
    if colour_by == "stance_mission":
        return MISSION_STANCE_COLOURS.get(attrs.get("stance_mission") or "unknown", "#d6d6d6")
    return GROUP_COLOURS[category_group(attrs.get("category") or "other")]


#: Clusters (communities) by number: a qualitative palette (Tableau 10); clusters past the
#: tenth and actors in no cluster are grey.
CLUSTER_COLOURS = ("#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948",
                   "#b07aa1", "#ff9da7", "#9c755f", "#17becf")
NO_CLUSTER = "#d6d6d6"
#: A metric from lowest to highest, in five steps (viridis: readable in grey and for the
#: colour-blind).
METRIC_COLOURS = ("#fde725", "#5ec962", "#21918c", "#3b528b", "#440154")


def cluster_colour(number: int | None) -> str:
    """The colour of cluster `number` (1 = the largest); None or past the palette: grey."""
    if number is None or not 1 <= number <= len(CLUSTER_COLOURS):
        return NO_CLUSTER
    return CLUSTER_COLOURS[number - 1]


def metric_step(value: float, top: float) -> int:
    """Which of the five METRIC_COLOURS steps `value` falls in, on 0..top."""
    if top <= 0:
        return 0
    share = max(0.0, value / top) ** 0.5  # spread the many low values of a skewed metric
    return max(0, min(len(METRIC_COLOURS) - 1, int(share * len(METRIC_COLOURS))))


def metric_radius(value: float, top: float) -> float:
    """A disc radius for a metric value on 0..top, the same range as by influence."""
    low, high = NODE_RADIUS[1], NODE_RADIUS[5]
    if top <= 0:
        return low
    return low + (high - low) * max(0.0, min(1.0, value / top)) ** 0.5


def short_label(name: str, aliases=()) -> str:
    """The name the map writes (see `figures.network_map.short_name`)."""
    return short_name(name, aliases)


def _cosmetic(colour: QColor | str, width: float, style=Qt.PenStyle.SolidLine) -> QPen:
    pen = QPen(QColor(colour), width, style)
    pen.setCosmetic(True)
    return pen


# --- nodes ----------------------------------------------------------------------------------


_NODE_STYLES: dict[str, tuple[QBrush, QPen]] = {}
_MOVED = QGraphicsItem.GraphicsItemChange.ItemPositionHasChanged
_SELECTED = QGraphicsItem.GraphicsItemChange.ItemSelectedHasChanged
_BADGE_PENS: dict[str, QPen] = {}


def _badge_pen(badge: str) -> QPen:
    if badge not in _BADGE_PENS:
        _BADGE_PENS[badge] = _cosmetic(BADGE_COLOURS[badge], 2.6)
    return _BADGE_PENS[badge]


class NodeItem(QGraphicsItem):
    """A stakeholder: a disc sized by influence and badge rings; its label is a LabelItem
    drawn above every disc (a neighbour's disc must not hide a name)."""

    def __init__(self, node_id: str, attrs: dict, label: str, colour: str) -> None:
        super().__init__()
        self.node_id = node_id
        self.attrs = attrs
        self.edges: list[EdgeItem] = []
        influence = int(attrs.get("influence") or 3)
        self.radius = NODE_RADIUS.get(influence, 12.0)
        self.badges = [key for key, flag in (("do_not_engage", attrs.get("do_not_engage")),
                                             ("sanctioned", attrs.get("sanctioned")),
                                             ("hrddp", attrs.get("hrddp_flag"))) if flag]
        self.highlighted = False
        self._disc = QRectF(-self.radius, -self.radius, 2 * self.radius, 2 * self.radius)
        outer = self.radius + 3.5 * len(self.badges) + 4
        self._bounds = QRectF(-outer, -outer, 2 * outer, 2 * outer)
        self._badge_pens = [_badge_pen(b) for b in self.badges]
        self.label_item = LabelItem(self, label, LABEL_PX.get(influence, 12.0))
        self.colour = ""
        self.set_colour(colour)
        self.setFlags(QGraphicsItem.GraphicsItemFlag.ItemIsMovable
                      | QGraphicsItem.GraphicsItemFlag.ItemIsSelectable
                      | QGraphicsItem.GraphicsItemFlag.ItemSendsGeometryChanges)
        self.setZValue(2)
        # the pointing-hand cursor and the tooltip (the full name) come from MapView on hover

    @property
    def label(self) -> str:
        return self.label_item.text

    def set_label(self, label: str) -> None:
        """Change the label (a reach path adds the first link's last engagement)."""
        self.label_item.set_text(label)

    def set_colour(self, colour: str) -> None:
        if colour == self.colour:
            return
        self.colour = colour
        if colour not in _NODE_STYLES:
            fill = QColor(colour)
            _NODE_STYLES[colour] = (QBrush(fill), _cosmetic(fill.darker(150), 1.0))
        self._brush, self._pen = _NODE_STYLES[colour]
        self.update()

    def set_radius(self, radius: float) -> None:
        """Resize the disc ("Size by" a metric); its edges and name follow."""
        if abs(radius - self.radius) < 1e-6:
            return
        self.prepareGeometryChange()
        self.radius = radius
        self._disc = QRectF(-radius, -radius, 2 * radius, 2 * radius)
        outer = radius + 3.5 * len(self.badges) + 4
        self._bounds = QRectF(-outer, -outer, 2 * outer, 2 * outer)
        self.label_item.prepareGeometryChange()
        self.label_item._geometry()
        for edge in self.edges:
            edge.adjust()
        self.update()

    def set_highlighted(self, on: bool) -> None:
        if on != self.highlighted:
            self.highlighted = on
            self.update()
            self.label_item.update()

    def set_shown(self, visible: bool, opacity: float = 1.0) -> None:
        """Visibility and opacity of the node and its label together."""
        self.setVisible(visible)
        self.label_item.setVisible(visible)
        if self.opacity() != opacity:
            self.setOpacity(opacity)
            self.label_item.setOpacity(opacity)

    def boundingRect(self) -> QRectF:  # noqa: N802 - Qt's name
        return self._bounds

    def shape(self) -> QPainterPath:
        path = QPainterPath()
        grow = 3.5 * len(self.badges) + 2
        path.addEllipse(self._disc.adjusted(-grow, -grow, grow, grow))
        return path

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget=None) -> None:
        if self.highlighted or self.isSelected():
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(HIGHLIGHT if self.highlighted else QColor("#3d7bd9"))
            grow = 3.5 * len(self.badges) + 4
            painter.drawEllipse(self._disc.adjusted(-grow, -grow, grow, grow))
        painter.setPen(self._pen)
        painter.setBrush(self._brush)
        painter.drawEllipse(self._disc)
        if self.badges:
            painter.setBrush(Qt.BrushStyle.NoBrush)
            for i, pen in enumerate(self._badge_pens):
                grow = 2.0 + 3.5 * i
                painter.setPen(pen)
                painter.drawEllipse(self._disc.adjusted(-grow, -grow, grow, grow))

    def itemChange(self, change, value):  # noqa: N802 - Qt's name
        # called for every change of every node (ten as a map is built): kept lean
        if change == _MOVED:
            self.label_item.setPos(value)
            for edge in self.edges:  # only this node's edges move (PITFALLS.md)
                edge.adjust()
        elif change == _SELECTED:
            self.label_item.update()
        return value  # what QGraphicsItem.itemChange returns


_FONTS: dict[float, tuple[QFont, QFontMetricsF]] = {}


def _label_font(px: float) -> QFont:
    if px not in _FONTS:
        font = QFont()
        font.setPixelSize(round(px))
        _FONTS[px] = (font, QFontMetricsF(font))
    return _FONTS[px][0]


def _label_metrics(px: float) -> QFontMetricsF:
    _label_font(px)
    return _FONTS[px][1]


class LabelItem(QGraphicsItem):
    """A node's name, above every disc, at the same size on screen whatever the zoom, in the
    place around its node that `MapScene.declutter` chose (or hidden: `slot` None).

    Geometry is in scene units: `unit` is the scene length of one screen pixel (1 / zoom),
    set by `MapScene.relabel` when the zoom changes, so the text is drawn `px` pixels high.
    """

    def __init__(self, node: NodeItem, text: str, px: float) -> None:
        super().__init__()
        self.node = node
        self.text = text
        self.px = px
        self.unit = 1.0
        self.slot: int | None = 0
        self._cache_allowed = True
        self._cached = False
        self._leader: QGraphicsLineItem | None = None  # to a name placed further out
        self._font = _label_font(px)
        self._rect = QRectF()
        self._shown_text = text
        self._measure()
        self._geometry()
        self.setZValue(3)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        # text is the costly part of a repaint: a placed name is kept as a pixmap until the
        # zoom changes (`_apply_cache`; exports switch it off: a PDF or SVG gets text)

    #: How far out (in label heights) each ring of places lies beyond the disc.
    RINGS = (0.0, 0.9, 1.9, 2.9, 3.9, 5.0, 6.2)
    #: The places of the first two rings (close to the disc): no leader line.
    NEAR_SLOTS = 16

    def slot_boxes(self, unit: float | None = None) -> list[tuple[float, float, float, float]]:
        """Where the label may go around its node, as (left, top, width, height) in item
        coordinates (the node's centre at 0, 0) for a pixel of `unit` scene units: below,
        above, right, left, then the four diagonals; then the same a little further out,
        and on rings further out still."""
        unit = self.unit if unit is None else unit
        width, height = self._size[0] * unit, self._size[1] * unit
        boxes = []
        # close to the disc, then a little further out (the first 16), then rings further
        # out (for the most important actors in a crowd)
        for extra in self.RINGS:
            extra *= height
            gap = self.node.radius + 3.5 * len(self.node.badges) + 1.5 * unit + extra
            side = gap * 0.72
            boxes += [(-width / 2, gap, width, height),
                      (-width / 2, -gap - height, width, height),
                      (gap + unit, -height / 2, width, height),
                      (-gap - unit - width, -height / 2, width, height),
                      (side, side, width, height), (side, -side - height, width, height),
                      (-side - width, side, width, height),
                      (-side - width, -side - height, width, height)]
        return boxes

    def first_place(self, unit: float) -> QRectF:
        """The first place a name tries (below its disc), in scene coordinates, for a pixel
        of `unit` scene units: where a Fit checks that the legend leaves it room."""
        width, height = self._size[0] * unit, self._size[1] * unit
        gap = self.node.radius + 3.5 * len(self.node.badges) + 1.5 * unit
        pos = self.node.pos()
        return QRectF(pos.x() - width / 2, pos.y() + gap, width, height)

    def slot_box(self, slot: int, unit: float) -> tuple[float, float, float, float]:
        """One of `slot_boxes` alone (a label's own place, without making all of them)."""
        width, height = self._size[0] * unit, self._size[1] * unit
        ring, side = divmod(slot, 8)
        gap = (self.node.radius + 3.5 * len(self.node.badges) + 1.5 * unit
               + self.RINGS[ring] * height)
        diagonal = gap * 0.72
        return ((-width / 2, gap, width, height),
                (-width / 2, -gap - height, width, height),
                (gap + unit, -height / 2, width, height),
                (-gap - unit - width, -height / 2, width, height),
                (diagonal, diagonal, width, height),
                (diagonal, -diagonal - height, width, height),
                (-diagonal - width, diagonal, width, height),
                (-diagonal - width, -diagonal - height, width, height))[side]

    def slots(self) -> list[QRectF]:
        return [QRectF(*box) for box in self.slot_boxes()]

    def _measure(self) -> None:
        metrics = _label_metrics(self.px)
        self._shown_text = wrap_name(self.text)
        rows = self._shown_text.split("\n")
        self._size = (max(metrics.horizontalAdvance(r) for r in rows) + 6,
                      metrics.lineSpacing() * len(rows) + 2)

    def _geometry(self) -> None:
        self.prepareGeometryChange()
        # a name without a place covers nothing: no area in the scene's index, and no cached
        # picture of an empty box (5,000 of them took 43 MB on the large mission)
        self._rect = (QRectF(*self.slot_box(self.slot, self.unit)) if self.slot is not None
                      else QRectF())
        self._place_leader()
        self._apply_cache()

    def set_cached(self, allowed: bool) -> None:
        """Whether a placed name may be kept as a pixmap (an export wants text)."""
        self._cache_allowed = allowed
        self._apply_cache()

    def _apply_cache(self) -> None:
        # only placed names get a cache: Qt keeps one per item, even of an empty box, and
        # most names of a large map have no place (5,000 caches took 28 MB)
        cached = self._cache_allowed and self.slot is not None
        if cached != self._cached:
            self._cached = cached
            self.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache if cached
                              else QGraphicsItem.CacheMode.NoCache)

    def _place_leader(self) -> None:
        """A thin line from the disc to a name placed a ring or more away from it."""
        far = self.slot is not None and self.slot >= self.NEAR_SLOTS
        if not far:
            if self._leader is not None:
                self._leader.hide()
            return
        if self._leader is None:
            self._leader = QGraphicsLineItem(self)
            self._leader.setPen(_cosmetic("#8a8a8a", 0.8))
            self._leader.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
            self._leader.setFlag(QGraphicsItem.GraphicsItemFlag.ItemStacksBehindParent)
        box = self._rect
        x = min(max(0.0, box.left()), box.right())
        y = min(max(0.0, box.top()), box.bottom())
        length = math.hypot(x, y)
        r = self.node.radius + 3.5 * len(self.node.badges) + 1
        if length <= r:
            self._leader.hide()
            return
        self._leader.setLine(QLineF(x * r / length, y * r / length, x, y))
        self._leader.show()

    def set_unit(self, unit: float) -> None:
        """The scene length of a screen pixel (the zoom changed)."""
        if abs(unit - self.unit) > 1e-12:
            self.unit = unit
            self._geometry()

    def set_slot(self, slot: int | None) -> None:
        """Put the label in one of `slots()`, or hide it (None: it would collide)."""
        if slot != self.slot:
            self.slot = slot
            self._geometry()
            self.update()

    def set_text(self, text: str) -> None:
        if text != self.text:
            self.text = text
            self._measure()
            self._geometry()
            self.update()

    def shown_text(self) -> str:
        """The text as drawn (wrapped on at most two lines)."""
        return self._shown_text

    def boundingRect(self) -> QRectF:  # noqa: N802 - Qt's name
        return self._rect

    def shows(self, _lod: float | None = None) -> bool:
        """Whether the name is drawn: it has a place (selected and highlighted actors are
        placed first)."""
        return self.slot is not None

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget=None) -> None:
        if self.slot is None:
            return
        painter.save()
        painter.translate(self._rect.topLeft())
        painter.scale(self.unit, self.unit)
        box = QRectF(0, 0, self._size[0], self._size[1])
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(255, 255, 255, 200))
        painter.drawRoundedRect(box, 3, 3)
        painter.setPen(QColor("#1a1a1a"))
        painter.setFont(self._font)
        painter.drawText(box, Qt.AlignmentFlag.AlignCenter, self._shown_text)
        painter.restore()


# --- edges ----------------------------------------------------------------------------------


def edge_tooltip(attrs: dict, source_name: str, target_name: str, type_label: str,
                 status_label: str) -> str:
    """The hover text of a relationship: who, type, strength, status, evidence."""
    arrow = "\u2194" if attrs.get("symmetric") else "\u2192"
    lines = ["%s %s %s" % (source_name, arrow, target_name),
             _t("Type: {type}").format(type=type_label),
             _t("Strength: {strength} of 5").format(strength=attrs.get("strength")),
             _t("Status: {status}").format(status=status_label)]
    valid = [v for v in (attrs.get("valid_from"), attrs.get("valid_to"))]
    if any(valid):
        lines.append(_t("Valid: {start} to {end}").format(start=valid[0] or "\u2026",
                                                         end=valid[1] or "\u2026"))
    source = attrs.get("evidence_source")
    if source:
        lines.append(_t("Source: {source}").format(source=source))
    note = attrs.get("evidence_note")
    lines.append(_t("Evidence: {note}").format(note=note) if note
                 else _t("Evidence: none recorded"))
    return "\n".join(lines)


_EDGE_STYLES: dict[tuple[int, int, str], tuple[QPen, QPen, QBrush]] = {}
#: Legend style name -> the pen style of the edges it explains.
EDGE_PEN_STYLES = {"solid": Qt.PenStyle.SolidLine, "arrow": Qt.PenStyle.SolidLine,
                   "dashed": Qt.PenStyle.DashLine, "dotted": Qt.PenStyle.DotLine,
                   "highlight": Qt.PenStyle.SolidLine}


def edge_dash(status: str) -> str:
    """The legend style of an edge's line: dashed when alleged or dormant, dotted when
    ended (shown on a past day), else solid."""
    return ("dashed" if status in ("alleged", "dormant") else "dotted" if status == "ended"
            else "solid")


def _edge_style(valence: int, strength: int, status: str) -> tuple[QPen, QPen, QBrush]:
    """Pens and arrow brush of an edge, shared by every edge that looks the same."""
    key = (valence, strength, status)
    style = _EDGE_STYLES.get(key)
    if style is None:
        dash = EDGE_PEN_STYLES[edge_dash(status)]
        # opaque (a lighter tint instead of transparency): antialiased lines with alpha
        # paint seven times slower in Qt's raster engine
        base = QColor(VALENCE_COLOURS.get(valence, "#8c8c8c"))
        colour = QColor(round(base.red() * 0.85 + 251 * 0.15),
                        round(base.green() * 0.85 + 251 * 0.15),
                        round(base.blue() * 0.85 + 249 * 0.15))
        width = EDGE_WIDTH.get(strength, 1.8)
        style = (_cosmetic(colour, width, dash), _cosmetic(HIGHLIGHT, width + 3.5),
                 QBrush(colour))
        _EDGE_STYLES[key] = style
    return style


class EdgeItem:
    """A relationship: colour by valence, width by strength, dashed when alleged or dormant,
    an arrow for direction (none for symmetric types); parallel links bend apart.

    Not a QGraphicsItem: the thousands of links of a big map are drawn by one `EdgeLayer`
    (creating, indexing and painting one Qt item per link was most of the time a large map
    took to open). An edge keeps the item-like methods the map uses (visibility, opacity,
    highlight, geometry) and tells its layer what changed.
    """

    ARROW = 9.0
    # 20,000 of them on the large mission: no instance dict, the arrow as six numbers
    __slots__ = ("key", "source", "target", "attrs", "offset", "highlighted", "layer",
                 "_visible", "_opacity", "_tooltip", "_strength", "_pen", "_highlight_pen",
                 "_arrow_brush", "directed", "_line", "_curve", "_shape", "_arrow", "_bounds")

    def __init__(self, key: str, source: NodeItem, target: NodeItem, attrs: dict,
                 offset: float = 0.0, layer: EdgeLayer | None = None) -> None:
        self.key = key
        self.source = source
        self.target = target
        self.attrs = attrs
        self.offset = offset  # bend of parallel links, in scene units (0: straight)
        self.highlighted = False
        self.layer = layer
        self._visible = True
        self._opacity = 1.0
        self._tooltip = ""
        self._strength = int(attrs.get("strength") or 3)
        self._pen, self._highlight_pen, self._arrow_brush = _edge_style(
            int(attrs.get("valence") or 0), self._strength, attrs.get("status") or "active")
        self.directed = not attrs.get("symmetric")
        self._line: QLineF | None = None
        self._curve: QPainterPath | None = None
        self._shape: QPainterPath | None = None
        self._arrow: tuple[float, ...] | None = None  # tip, left, right: x, y each
        self._bounds = QRectF()
        source.edges.append(self)
        if target is not source:
            target.edges.append(self)
        self.adjust()

    # the item-like part
    def isVisible(self) -> bool:  # noqa: N802 - the QGraphicsItem name the map uses
        return self._visible

    def setVisible(self, visible: bool) -> None:  # noqa: N802
        if visible != self._visible:
            self._visible = visible
            self._changed()

    def opacity(self) -> float:
        return self._opacity

    def setOpacity(self, opacity: float) -> None:  # noqa: N802
        if opacity != self._opacity:
            self._opacity = opacity
            self._changed()

    def zValue(self) -> float:  # noqa: N802 - drawn in the layer's plane, highlights on top
        base = self.layer.zValue() if self.layer is not None else 0.0
        return base + (0.5 if self.highlighted else 0.1 if self.offset else 0.0)

    def toolTip(self) -> str:  # noqa: N802
        return self._tooltip

    def setToolTip(self, text: str) -> None:  # noqa: N802
        self._tooltip = text

    def set_highlighted(self, on: bool) -> None:
        if on != self.highlighted:
            self.highlighted = on
            self._changed()

    def _changed(self, old: QRectF | None = None) -> None:
        if self.layer is not None:
            self.layer.edge_changed(self, old)

    def adjust(self) -> None:
        """Recompute the geometry from the two nodes' positions."""
        old = self._bounds
        self._shape = None
        p1, p2 = self.source.pos(), self.target.pos()
        x1, y1, x2, y2 = p1.x(), p1.y(), p2.x(), p2.y()
        length = math.hypot(x2 - x1, y2 - y1)
        self._line = self._curve = self._arrow = None
        if length < 1e-6:
            self._bounds = QRectF()
            self._changed(old)
            return
        ux, uy = (x2 - x1) / length, (y2 - y1) / length
        r1, r2 = self.source.radius + 1, self.target.radius + 2
        if self.offset:
            cx = (x1 + x2) / 2 - uy * self.offset * 2
            cy = (y1 + y2) / 2 + ux * self.offset * 2
            sx, sy = self._towards(x1, y1, cx, cy, r1)
            ex, ey = self._towards(x2, y2, cx, cy, r2)
            curve = QPainterPath(QPointF(sx, sy))
            curve.quadTo(cx, cy, ex, ey)
            self._curve = curve
            tx, ty = ex - cx, ey - cy  # the direction at the tip
            xs, ys = (sx, cx, ex), (sy, cy, ey)
        else:
            sx, sy = x1 + ux * r1, y1 + uy * r1
            ex, ey = x2 - ux * r2, y2 - uy * r2
            self._line = QLineF(sx, sy, ex, ey)
            tx, ty = ex - sx, ey - sy
            xs, ys = (sx, ex), (sy, ey)
        pad = 4.0
        if self.directed and (tx or ty):
            size = self.ARROW + self._strength
            angle = math.atan2(ty, tx)
            lx, ly = ex - size * math.cos(angle - 0.4), ey - size * math.sin(angle - 0.4)
            rx, ry = ex - size * math.cos(angle + 0.4), ey - size * math.sin(angle + 0.4)
            self._arrow = (ex, ey, lx, ly, rx, ry)
            xs, ys = xs + (lx, rx), ys + (ly, ry)
        left, top = min(xs) - pad, min(ys) - pad
        self._bounds = QRectF(left, top, max(xs) + pad - left, max(ys) + pad - top)
        self._changed(old)

    @staticmethod
    def _towards(x: float, y: float, ox: float, oy: float, distance: float):
        length = math.hypot(ox - x, oy - y)
        if length < 1e-6:
            return x, y
        step = min(0.45, distance / length)
        return x + (ox - x) * step, y + (oy - y) * step

    def path(self) -> QPainterPath:
        """The drawn line or curve as a path."""
        if self._curve is not None:
            return QPainterPath(self._curve)
        path = QPainterPath()
        if self._line is not None:
            path.moveTo(self._line.p1())
            path.lineTo(self._line.p2())
        return path

    def midpoint(self) -> QPointF:
        return self.path().pointAtPercent(0.5)

    def boundingRect(self) -> QRectF:  # noqa: N802 - scene coordinates (the layer is at 0, 0)
        return self._bounds

    def sceneBoundingRect(self) -> QRectF:  # noqa: N802
        return self._bounds

    def shape(self) -> QPainterPath:
        """The area a pointer is over the edge in (7 scene units wide)."""
        if self._shape is None:
            stroker = QPainterPathStroker()
            stroker.setWidth(7)
            self._shape = stroker.createStroke(self.path())
        return self._shape

    def paint(self, painter: QPainter) -> None:
        """Draw this edge alone (the layer draws the straight ones in batches)."""
        painter.setBrush(Qt.BrushStyle.NoBrush)
        if self.highlighted:
            painter.setPen(self._highlight_pen)
            if self._line is not None:
                painter.drawLine(self._line)
            elif self._curve is not None:
                painter.drawPath(self._curve)
        painter.setPen(self._pen)
        if self._line is not None:
            painter.drawLine(self._line)
        elif self._curve is not None:
            painter.drawPath(self._curve)
        if self._arrow is not None:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(self._arrow_brush)
            painter.drawPolygon(self.arrow_polygon())

    def arrow_polygon(self) -> QPolygonF:
        ex, ey, lx, ly, rx, ry = self._arrow
        return QPolygonF((QPointF(ex, ey), QPointF(lx, ly), QPointF(rx, ry)))


class EdgeLayer(QGraphicsItem):
    """Every relationship of the map, drawn in one item under the actors: straight lines in
    one `drawLines` call per pen, arrows in one path per colour, curves (parallel links) one
    by one, then the highlighted edges on top. What it draws is grouped once and kept until
    an edge moves, hides or changes look; a moving edge repaints only where it was and is."""

    def __init__(self) -> None:
        super().__init__()
        self.edges: list[EdgeItem] = []
        self._bounds = QRectF()
        self._bounds_stale = False
        self._batches: list | None = None  # grouped drawing, None: to be grouped again
        self._bulk = 0  # inside `bulk()`: one repaint at the end, not one per edge
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self.setAcceptHoverEvents(False)

    def add_edges(self, edges: list[EdgeItem]) -> None:
        """Take edges built with `layer=None` (the map's build): one geometry change."""
        self.prepareGeometryChange()
        bounds = QRectF(self._bounds)
        for edge in edges:
            edge.layer = self
            bounds = bounds.united(edge._bounds) if not edge._bounds.isNull() else bounds
        self.edges.extend(edges)
        self._bounds = bounds
        self._batches = None
        self.update()

    @contextmanager
    def bulk(self):
        """Many edges change at once (a filter, a highlight): one repaint of the layer."""
        self._bulk += 1
        try:
            yield
        finally:
            self._bulk -= 1
            if not self._bulk:
                self.update()

    def edge_changed(self, edge: EdgeItem, old: QRectF | None) -> None:
        self._batches = None
        new = edge._bounds
        if self._bulk:
            if old is not None and not self._bounds.contains(new) and not new.isNull() \
                    and not self._bounds_stale:
                self.prepareGeometryChange()
                self._bounds_stale = True
            return
        if old is not None and not self._bounds.contains(new) and not new.isNull():
            if not self._bounds_stale:
                self.prepareGeometryChange()
                self._bounds_stale = True
        region = new if old is None or old.isNull() else old.united(new)
        if not region.isNull():
            self.update(region.adjusted(-6, -6, 6, 6))

    def boundingRect(self) -> QRectF:  # noqa: N802 - Qt's name
        if self._bounds_stale:
            bounds = QRectF()
            for edge in self.edges:
                if not edge._bounds.isNull():
                    bounds = bounds.united(edge._bounds)
            self._bounds = bounds
            self._bounds_stale = False
        return self._bounds

    def shape(self) -> QPainterPath:
        return QPainterPath()  # never "under the pointer": pointing goes to edge_at

    def edge_at(self, point: QPointF) -> EdgeItem | None:
        """The visible edge under a scene point (the topmost: highlighted first)."""
        hits = [e for e in self.edges if e._visible and e._bounds.contains(point)
                and e.shape().contains(point)]
        return max(hits, key=lambda e: (e.highlighted, e.offset != 0), default=None)

    def _group(self) -> list:
        """(opacity, highlighted, [(pen, lines)], [(brush, arrows path)], [curved edges])
        for the dimmed, then the plain, then the highlighted edges."""
        groups: dict[tuple[float, bool], tuple[dict, dict, list]] = {}
        for edge in self.edges:
            if not edge._visible or (edge._line is None and edge._curve is None):
                continue
            lines, arrows, curves = groups.setdefault((edge._opacity, edge.highlighted),
                                                      ({}, {}, []))
            if edge._line is not None and not edge.highlighted:
                lines.setdefault(id(edge._pen), (edge._pen, []))[1].append(edge._line)
            else:
                curves.append(edge)
                continue
            if edge._arrow is not None:
                brush = arrows.get(id(edge._arrow_brush))
                if brush is None:
                    path = QPainterPath()
                    path.setFillRule(Qt.FillRule.WindingFill)  # overlapping tips stay filled
                    brush = arrows[id(edge._arrow_brush)] = (edge._arrow_brush, path)
                ex, ey, lx, ly, rx, ry = edge._arrow
                path = brush[1]
                path.moveTo(ex, ey)
                path.lineTo(lx, ly)
                path.lineTo(rx, ry)
                path.closeSubpath()
        return [(opacity, high, list(lines.values()), list(arrows.values()), curves)
                for (opacity, high), (lines, arrows, curves)
                in sorted(groups.items(), key=lambda kv: (kv[0][1], kv[0][0]))]

    def paint(self, painter: QPainter, option, widget=None) -> None:
        if self._batches is None:
            self._batches = self._group()
        base = painter.opacity()
        for opacity, _high, lines, arrows, curves in self._batches:
            painter.setOpacity(base * opacity)
            for pen, batch in lines:
                painter.setPen(pen)
                painter.drawLines(batch)
            painter.setPen(Qt.PenStyle.NoPen)
            for brush, path in arrows:
                painter.setBrush(brush)
                painter.drawPath(path)
            for edge in curves:
                edge.paint(painter)
        painter.setOpacity(base)


# --- cluster hulls --------------------------------------------------------------------------

HULL_ALPHA = 46
HULL_LINE_ALPHA = 130
HULL_PAD = 14.0  # scene units around each disc


def convex_hull(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """The convex hull of the points, counter-clockwise (Andrew's monotone chain)."""
    pts = sorted(set(points))
    if len(pts) <= 2:
        return pts

    def cross(o, a, b) -> float:
        return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])

    lower: list = []
    for p in pts:
        while len(lower) >= 2 and cross(lower[-2], lower[-1], p) <= 0:
            lower.pop()
        lower.append(p)
    upper: list = []
    for p in reversed(pts):
        while len(upper) >= 2 and cross(upper[-2], upper[-1], p) <= 0:
            upper.pop()
        upper.append(p)
    return lower[:-1] + upper[:-1]


def padded_hull(discs: list[tuple[float, float, float]], pad: float = HULL_PAD,
                steps: int = 16) -> list[tuple[float, float]]:
    """The convex hull around discs (x, y, radius), each grown by `pad`: rounded corners."""
    points = []
    for x, y, r in discs:
        for i in range(steps):
            angle = 2 * math.pi * i / steps
            points.append((x + (r + pad) * math.cos(angle), y + (r + pad) * math.sin(angle)))
    return convex_hull(points)


class HullsItem(QGraphicsItem):
    """Every cluster's hull, padded and translucent, drawn under the links and the actors."""

    def __init__(self) -> None:
        super().__init__()
        self.hulls: list[tuple[int, QPolygonF, QColor]] = []  # (cluster number, polygon, colour)
        self._bounds = QRectF()
        self.setZValue(-1)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self.setAcceptHoverEvents(False)

    def set_hulls(self, hulls: list[tuple[int, list[tuple[float, float]], str]]) -> None:
        self.prepareGeometryChange()
        self.hulls = [(number, QPolygonF([QPointF(x, y) for x, y in points]), QColor(colour))
                      for number, points, colour in hulls]
        bounds = QRectF()
        for _number, polygon, _colour in self.hulls:
            bounds = bounds.united(polygon.boundingRect())
        self._bounds = bounds.adjusted(-2, -2, 2, 2)
        self.update()

    def boundingRect(self) -> QRectF:  # noqa: N802 - Qt's name
        return self._bounds

    def paint(self, painter: QPainter, option, widget=None) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        for _number, polygon, colour in self.hulls:
            fill = QColor(colour)
            fill.setAlpha(HULL_ALPHA)
            outline = QColor(colour)
            outline.setAlpha(HULL_LINE_ALPHA)
            painter.setPen(_cosmetic(outline, 1.2))
            painter.setBrush(fill)
            painter.drawPolygon(polygon)


# --- the legend -----------------------------------------------------------------------------


@dataclass(frozen=True)
class LegendEntry:
    kind: str  # "node", "edge", "ring", "hull", "heading"
    text: str
    colour: str = "#000000"
    style: str = "solid"  # for edges: solid, dashed, dotted, arrow, highlight


def paint_legend(painter: QPainter, top_left: QPointF, entries: list[LegendEntry],
                 *, columns: int = 1, font_px: int = 11) -> QRectF:
    """Draw the legend in a white box at `top_left` (device units); returns the box."""
    font = QFont()
    font.setPixelSize(font_px)
    metrics = QFontMetricsF(font)
    line_h = max(metrics.height(), 14.0) + 2
    per_column = math.ceil(len(entries) / columns) if entries else 0
    col_w = 34 + max((metrics.horizontalAdvance(e.text) for e in entries), default=0)
    box = QRectF(top_left.x(), top_left.y(), col_w * columns + 12, per_column * line_h + 10)
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(QPen(QColor("#bdbdbd"), 1))
    painter.setBrush(QColor(255, 255, 255, 235))
    painter.drawRoundedRect(box, 4, 4)
    painter.setFont(font)
    for i, entry in enumerate(entries):
        col, row = divmod(i, per_column)
        x = box.left() + 6 + col * col_w
        y = box.top() + 5 + row * line_h
        mid = y + line_h / 2
        if entry.kind == "node":
            painter.setPen(QPen(QColor(entry.colour).darker(150), 1))
            painter.setBrush(QColor(entry.colour))
            painter.drawEllipse(QPointF(x + 12, mid), 5.5, 5.5)
        elif entry.kind == "ring":
            painter.setPen(QPen(QColor(entry.colour), 2.4))
            painter.setBrush(QColor("#ffffff"))
            painter.drawEllipse(QPointF(x + 12, mid), 5.5, 5.5)
        elif entry.kind == "hull":
            fill = QColor(entry.colour)
            fill.setAlpha(HULL_ALPHA)
            outline = QColor(entry.colour)
            outline.setAlpha(HULL_LINE_ALPHA)
            painter.setPen(QPen(outline, 1.2))
            painter.setBrush(fill)
            painter.drawRoundedRect(QRectF(x + 2, mid - 6, 22, 12), 5, 5)
        elif entry.kind == "edge":
            style = EDGE_PEN_STYLES.get(entry.style, Qt.PenStyle.SolidLine)
            painter.setPen(QPen(QColor(entry.colour), 4 if entry.style == "highlight" else 2,
                                style))
            painter.drawLine(QPointF(x + 2, mid), QPointF(x + 24, mid))
            if entry.style == "arrow":
                painter.setPen(Qt.PenStyle.NoPen)
                painter.setBrush(QColor(entry.colour))
                painter.drawPolygon(QPolygonF([QPointF(x + 26, mid), QPointF(x + 19, mid - 4),
                                               QPointF(x + 19, mid + 4)]))
        painter.setPen(QColor("#1a1a1a") if entry.kind != "heading" else QColor("#555555"))
        font.setBold(entry.kind == "heading")
        painter.setFont(font)
        text_x = x if entry.kind == "heading" else x + 30
        painter.drawText(QRectF(text_x, y, col_w, line_h),
                         Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, entry.text)
    painter.restore()
    return box


def legend_size(entries: list[LegendEntry], *, columns: int = 1, font_px: int = 11) -> QRectF:
    font = QFont()
    font.setPixelSize(font_px)
    metrics = QFontMetricsF(font)
    line_h = max(metrics.height(), 14.0) + 2
    per_column = math.ceil(len(entries) / columns) if entries else 0
    col_w = 34 + max((metrics.horizontalAdvance(e.text) for e in entries), default=0)
    return QRectF(0, 0, col_w * columns + 12, per_column * line_h + 10)
