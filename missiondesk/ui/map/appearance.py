"""How the Influence map's actors look: "Colour by" (category, stances, cluster or a metric),
"Size by" (influence or a metric) and the cluster hulls, with their part of the legend (a mixin
of `MapDesk`). Clusters and metrics come from the Analysis computation (`network_metrics`, in a
worker): until it has answered, actors keep the colours they had."""

from __future__ import annotations

from collections import defaultdict

from shiboken6 import isValid

from missiondesk.labels import category_group_label, mission_stance_label, peace_stance_label
from missiondesk.services.network.metrics import cluster_numbers
from missiondesk.ui.map.items import (
    CLUSTER_COLOURS,
    GROUP_COLOURS,
    METRIC_COLOURS,
    MISSION_STANCE_COLOURS,
    NO_CLUSTER,
    NODE_RADIUS,
    PEACE_STANCE_COLOURS,
    HullsItem,
    LegendEntry,
    category_group,
    cluster_colour,
    metric_radius,
    metric_step,
    node_colour,
    padded_hull,
)

#: The metrics an actor can be coloured or sized by (attributes of `NodeMetrics`).
METRIC_MODES = ("degree", "betweenness", "pagerank")


class AppearanceMixin:
    """Colour by, size by and cluster hulls (see MapDesk)."""

    def _fill_appearance_choices(self) -> None:
        """The "Colour by" and "Size by" choices (the combos are the desk's)."""
        t = self.tr
        for text, code in ((t("Colour by category"), "category"),
                           (t("Colour by stance on the peace process"), "stance"),
                           (t("Colour by stance toward the mission"), "stance_mission"),
                           (t("Colour by cluster"), "cluster"),
                           (t("Colour by ties (degree)"), "degree"),
                           (t("Colour by brokerage (betweenness)"), "betweenness"),
                           (t("Colour by influence reach (PageRank)"), "pagerank")):
            self.colour_by.addItem(text, code)
        for text, code in ((t("Size by influence"), "influence"),
                           (t("Size by ties (degree)"), "degree"),
                           (t("Size by brokerage (betweenness)"), "betweenness"),
                           (t("Size by influence reach (PageRank)"), "pagerank")):
            self.size_by.addItem(text, code)

    def colour_mode(self) -> str:
        return self.colour_by.currentData() or "category"

    def size_mode(self) -> str:
        return self.size_by.currentData() or "influence"

    def set_colour_mode(self, mode: str) -> None:
        index = self.colour_by.findData(mode)
        if index >= 0:
            self.colour_by.setCurrentIndex(index)

    def set_size_mode(self, mode: str) -> None:
        index = self.size_by.findData(mode)
        if index >= 0:
            self.size_by.setCurrentIndex(index)

    def needs_metrics(self) -> bool:
        """Whether what is shown needs the clusters and metrics."""
        return (self.colour_mode() == "cluster" or self.colour_mode() in METRIC_MODES
                or self.size_mode() != "influence" or self.hulls_check.isChecked()
                or self.side.currentWidget() in (self.analysis, self.table_page))

    def _appearance_changed(self) -> None:
        self._update_hulls()
        self.recolour()
        self._side_changed()  # computes the metrics when they are needed

    def _metric(self, key: str) -> tuple[dict[str, float], float]:
        metrics = self._shown_metrics
        if metrics is None:
            return {}, 0.0
        values = {n: float(getattr(m, key)) for n, m in metrics.nodes.items()}
        return values, max(values.values(), default=0.0)

    def node_colours(self, graph) -> dict[str, str]:
        """Node id -> its colour under the current "Colour by"."""
        mode = self.colour_mode()
        if mode == "cluster":
            if self._shown_metrics is None:
                return {}
            numbers = cluster_numbers(self._shown_metrics)
            return {n: cluster_colour(numbers.get(n)) for n in graph}
        if mode in METRIC_MODES:
            values, top = self._metric(mode)
            return {n: METRIC_COLOURS[metric_step(values[n], top)] if n in values
                    else NO_CLUSTER for n in graph} if values else {}
        return {n: node_colour(a, mode) for n, a in graph.nodes(data=True)}

    def recolour(self) -> None:
        """Colours and sizes by the current choices, and the legend that says them."""
        graph = self._graph if self._graph is not None else self._graph_all
        if graph is None:
            return
        colours = self.node_colours(graph)
        for node_id, item in self.scene.nodes.items():
            colour = colours.get(node_id)
            if colour is not None:
                item.set_colour(colour)
        self._resize()
        self._update_legend()

    def _resize(self) -> None:
        mode = self.size_mode()
        values, top = self._metric(mode) if mode in METRIC_MODES else ({}, 0.0)
        if mode in METRIC_MODES and not values:
            return  # until the metrics are there
        changed = False
        for node_id, item in self.scene.nodes.items():
            if mode in METRIC_MODES:
                radius = metric_radius(values.get(node_id, 0.0), top)
            else:
                radius = NODE_RADIUS.get(int(item.attrs.get("influence") or 3), 12.0)
            if abs(item.radius - radius) > 1e-6:
                item.set_radius(radius)
                changed = True
        if changed:
            self.scene.declutter()

    # --- hulls ---------------------------------------------------------------------------

    def _update_hulls(self) -> None:
        """One padded convex hull per cluster of two or more actors shown, under them."""
        item = self._hull_item if self._hull_item is not None and isValid(self._hull_item) \
            else None
        self._hull_item = item
        if not self.hulls_check.isChecked() or self._shown_metrics is None:
            if item is not None:
                item.set_hulls([])
                item.setVisible(False)
            self._hulls_shown = {}
            return
        if item is None:
            item = self._hull_item = HullsItem()
            self.scene.addItem(item)
        groups: dict[int, list] = defaultdict(list)
        for node_id, number in cluster_numbers(self._shown_metrics).items():
            node = self.scene.nodes.get(node_id)
            if node is not None and node.isVisible():
                groups[number].append((node.pos().x(), node.pos().y(), node.radius))
        hulls = [(number, padded_hull(discs), cluster_colour(number))
                 for number, discs in sorted(groups.items()) if len(discs) >= 2]
        self._hulls_shown = {number: len(groups[number]) for number, _p, _c in hulls}
        item.set_hulls(hulls)
        item.setVisible(True)

    def hulls_shown(self) -> dict[int, int]:
        """Cluster number -> actors inside, for each hull drawn."""
        return dict(self._hulls_shown)

    # --- the legend's actors part --------------------------------------------------------

    def _size_words(self) -> str:
        t = self.tr
        return {"influence": t("size: influence"), "degree": t("size: ties"),
                "betweenness": t("size: brokerage"),
                "pagerank": t("size: influence reach")}[self.size_mode()]

    def actor_legend(self, shown: list[str], graph) -> list[LegendEntry]:
        """The legend entries for the actors' colours, sizes and the hulls."""
        t = self.tr
        mode = self.colour_mode()
        size = self._size_words()
        attrs = [graph.nodes[n] for n in shown]
        entries = []
        if mode == "category":
            entries.append(LegendEntry("heading", t("Actors by category (%s)") % size))
            groups = {category_group(a.get("category") or "other") for a in attrs}
            entries += [LegendEntry("node", category_group_label(g), GROUP_COLOURS[g])
                        for g in GROUP_COLOURS if g in groups]
        elif mode in ("stance", "stance_mission"):
            field = "stance_peace" if mode == "stance" else "stance_mission"
            colours = PEACE_STANCE_COLOURS if mode == "stance" else MISSION_STANCE_COLOURS
            label = peace_stance_label if mode == "stance" else mission_stance_label
            entries.append(LegendEntry("heading", t("Stance on the peace process (%s)") % size
                                       if mode == "stance" else
                                       t("Stance toward the mission (%s)") % size))
            present = {a.get(field) or "unknown" for a in attrs}
            entries += [LegendEntry("node", label(code), colour)
                        for code, colour in colours.items() if code in present]
        elif mode == "cluster":
            entries.append(LegendEntry("heading", t("Actors by cluster (%s)") % size))
            entries += self._cluster_entries(shown, "node")
        else:
            entries += self._metric_entries(mode, shown, size)
        if self._hulls_shown:
            entries.append(LegendEntry("hull", t("Shaded area: a cluster") if mode == "cluster"
                                       else t("Shaded area: a cluster (colours as when "
                                              "coloured by cluster)"), "#777777"))
        return entries

    def _cluster_entries(self, shown: list[str], kind: str) -> list[LegendEntry]:
        t = self.tr
        if self._shown_metrics is None:
            return [LegendEntry(kind, t("Computing the clusters\u2026"), NO_CLUSTER)]
        numbers = cluster_numbers(self._shown_metrics)
        counts: dict[int, int] = defaultdict(int)
        for n in shown:
            if n in numbers:
                counts[numbers[n]] += 1
        if kind == "hull":
            counts = {k: v for k, v in counts.items() if k in self._hulls_shown}
        entries = [LegendEntry(kind, t("Cluster %d (%d)") % (number, counts[number]),
                               cluster_colour(number))
                   for number in sorted(counts) if number <= len(CLUSTER_COLOURS)]
        if kind == "node" and (any(n not in numbers for n in shown)
                               or any(k > len(CLUSTER_COLOURS) for k in counts)):
            entries.append(LegendEntry("node", t("Smaller clusters, or alone"), NO_CLUSTER))
        return entries

    def _metric_entries(self, mode: str, shown: list[str], size: str) -> list[LegendEntry]:
        t = self.tr
        title = {"degree": t("Actors by ties (%s)"),
                 "betweenness": t("Actors by brokerage, betweenness (%s)"),
                 "pagerank": t("Actors by influence reach, PageRank (%s)")}[mode] % size
        entries = [LegendEntry("heading", title)]
        values, top = self._metric(mode)
        if not values:
            return entries + [LegendEntry("node", t("Computing\u2026"), NO_CLUSTER)]
        steps = {metric_step(values[n], top) for n in shown if n in values}
        for step in reversed(range(len(METRIC_COLOURS))):
            if step not in steps:
                continue
            low = top * (step / len(METRIC_COLOURS)) ** 2  # the steps are on sqrt(value)
            high = top * ((step + 1) / len(METRIC_COLOURS)) ** 2
            text = ("%d\u2013%d" % (round(low), round(high)) if mode == "degree"
                    else "%.3f\u2013%.3f" % (low, high))
            if step == len(METRIC_COLOURS) - 1:
                text += " " + t("(highest)")
            entries.append(LegendEntry("node", text, METRIC_COLOURS[step]))
        return entries
