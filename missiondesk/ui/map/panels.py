"""The Influence map's panels beside and over the map: the legend overlay, the selected
actor's card and how the mission can reach it (a mixin of `MapDesk`)."""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import replace

from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from missiondesk.labels import (
    category_label,
    classification_label,
    mission_stance_label,
    peace_stance_label,
    priority_text,
    relationship_type_label,
)
from missiondesk.messages import error_text
from missiondesk.store.errors import MissionError
from missiondesk.ui.map.items import (
    BADGE_COLOURS,
    HIGHLIGHT,
    VALENCE_COLOURS,
    LegendEntry,
    edge_dash,
    legend_size,
    paint_legend,
)
from missiondesk.ui.map.view import MapView


def _esc(value) -> str:
    return html.escape(str(value)) if value not in (None, "") else "\u2014"


# --- the legend on screen -------------------------------------------------------------------


class LegendOverlay(QWidget):
    """The legend in the map's bottom-left corner; a click on its title folds it to that
    line (and back). Its box takes the clicks over it; the rest of the map is the view's."""

    folded = Signal(bool)

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.entries: list[LegendEntry] = []
        self.columns = 1
        self.collapsed = False
        self._max_height = 0
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setToolTip(self.tr("Click the legend's title to fold or unfold it"))

    def set_entries(self, entries: list[LegendEntry], max_height: int = 0) -> None:
        """Show the entries, in two columns when one would be taller than `max_height`."""
        self.entries = entries
        self._max_height = max_height
        self.columns = 1
        shown = self.shown_entries()
        rect = legend_size(shown)
        if max_height and rect.height() > max_height:
            self.columns = 2
            rect = legend_size(shown, columns=2)
        self.resize(int(rect.width()) + 2, int(rect.height()) + 2)
        self.update()

    def shown_entries(self) -> list[LegendEntry]:
        """The entries as drawn: the title marked as a fold, only the title when folded."""
        if not self.entries:
            return []
        first = self.entries[0]
        if first.kind != "heading":
            first = LegendEntry("heading", self.tr("Legend"))
            rest = self.entries
        else:
            rest = self.entries[1:]
        title = replace(first, text=("\u25b8 " if self.collapsed else "\u25be ") + first.text)
        return [title] if self.collapsed else [title, *rest]

    def set_collapsed(self, collapsed: bool) -> None:
        if collapsed != self.collapsed:
            self.collapsed = collapsed
            self.set_entries(self.entries, self._max_height)
            self.folded.emit(collapsed)

    def mousePressEvent(self, event) -> None:  # noqa: N802 - Qt's name
        if event.button() == Qt.MouseButton.LeftButton and event.position().y() <= 22:
            self.set_collapsed(not self.collapsed)
            event.accept()
            return
        event.ignore()

    def paintEvent(self, _event) -> None:  # noqa: N802 - Qt's name
        painter = QPainter(self)
        paint_legend(painter, QPointF(0, 0), self.shown_entries(), columns=self.columns)
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


class PanelsMixin:
    """The selected actor's card, its reach paths and the legend (see MapDesk)."""

    def _build_selected_page(self) -> QWidget:
        """The "Selected actor" tab: the card, the reach paths, the relationships."""
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
        reach_layout.addStretch(0)
        self.selected_split.addWidget(reach_box)
        self.relationships_panel = self._relationships_panel()
        if self.relationships_panel is not None:
            self.selected_split.addWidget(self.relationships_panel)
            self.selected_split.setSizes([250, 170, 330])
        selected_layout.addWidget(self.selected_split)
        return selected_page

    def _relationships_panel(self):
        """Helper E's panel of the selected actor's relationships, when it is there."""
        try:
            from missiondesk.ui.relationships.dialog import RelationshipsPanel
        except ImportError:
            return None
        panel = RelationshipsPanel()
        panel.stakeholderActivated.connect(self.select_node)
        return panel

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
            self.reach_title.setText(self.tr(
                "Select an actor to see how the mission can reach it."))
            self.reach_list.clear()
            self._show_reach_list(False)
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
            self._show_reach_list(False)
            return
        self._reach = list(found.paths)
        self._show_reach_list(bool(self._reach))
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

    def _show_reach_list(self, shown: bool) -> None:
        """The list of paths and its "Clear highlight" only when there are paths (no empty
        box under the window when nothing is selected or nothing reaches the actor)."""
        self.reach_list.setVisible(shown)
        self.clear_highlight_button.setVisible(shown)
        self.clear_highlight_button.setEnabled(shown and bool(self._highlight[0]
                                                              or self._highlight[1]))

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

    # --- the legend ----------------------------------------------------------------------

    def legend_entries(self) -> list[LegendEntry]:
        t = self.tr
        graph = self._graph if self._graph is not None else self._graph_all
        ids = [n for n in self._visible_nodes if graph is not None and n in graph]
        shown = [graph.nodes[n] for n in ids]
        entries = self.actor_legend(ids, graph) if graph is not None else []
        flags = [(any(a.get("do_not_engage") for a in shown), "do_not_engage",
                  t("Do not engage")),
                 (any(a.get("sanctioned") for a in shown), "sanctioned", t("Sanctioned")),
                 (any(a.get("hrddp_flag") for a in shown), "hrddp", t("HRDDP concern"))]
        for on, key, text in flags:
            if on:
                entries.append(LegendEntry("ring", text, BADGE_COLOURS[key]))
        index = self._edge_attrs(graph) if graph is not None else {}
        edges = [index[k] for k in self._visible_edges if k in index]
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

    def _edge_attrs(self, graph) -> dict:
        """Relationship id -> its attributes in `graph`, made once per graph (the legend is
        drawn again at every filter, focus and resize)."""
        cached = getattr(self, "_edge_index", None)
        if cached is None or cached[0] is not graph:
            cached = (graph, {str(k): attrs
                              for _u, _v, k, attrs in graph.edges(keys=True, data=True)})
            self._edge_index = cached
        return cached[1]

    def _update_legend(self) -> None:
        self.legend.set_entries(self.legend_entries(),
                                max_height=int(self.map_pane.height() * 0.62))
        self.map_pane.place_legend()
        self._legend_keepout()

    def _legend_toggled(self, on: bool) -> None:
        self.legend.setVisible(on)
        self._legend_keepout()
        self._refit_or_relabel()

    def _legend_folded(self, _collapsed: bool) -> None:
        self.map_pane.place_legend()
        self._legend_keepout()
        self._refit_or_relabel()

    def _map_resized(self) -> None:
        """The window (or the splitter) resized the map: a Fit stays a Fit until the user
        zooms or pans; else names are placed again for what is now on screen."""
        self._update_legend()
        self._refit_or_relabel()

    def _refit_or_relabel(self) -> None:
        if self.view.fitted and self._ctx is not None:
            self.fit()
        else:
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
