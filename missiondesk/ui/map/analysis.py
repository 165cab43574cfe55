"""The Influence map's Analysis and Changes tabs (a mixin of `MapDesk`)."""

from __future__ import annotations

import html
from datetime import date

from PySide6.QtCore import QCoreApplication, QDate, Qt
from PySide6.QtWidgets import (
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from missiondesk.labels import (
    category_label,
    mission_stance_label,
    peace_stance_label,
    relationship_type_label,
)
from missiondesk.messages import error_text
from missiondesk.services.network.metrics import actor_metrics
from missiondesk.store.errors import MissionError
from missiondesk.ui.framework.desk import record_table
from missiondesk.ui.framework.table_model import ID_ROLE, Column, RecordTableModel
from missiondesk.ui.map.panels import _esc
from missiondesk.ui.map.scene import _import_on_gui_thread, _Job


def _t(text: str) -> str:
    return QCoreApplication.translate("ActorMetricsModel", text)


class ActorMetricsModel(RecordTableModel):
    """The map's per-actor metrics (`network.metrics.ActorMetrics` rows), sorted in the
    model; numbers sort as numbers, an actor never engaged sorts last."""

    COLUMNS = (Column("name", lambda: _t("Actor"), 120),
               Column("degree", lambda: _t("Ties"), 36, "right"),
               Column("betweenness", lambda: _t("Betweenness"), 76, "right"),
               Column("pagerank", lambda: _t("PageRank"), 64, "right"),
               Column("cluster", lambda: _t("Cluster"), 48, "right"),
               Column("last_engaged", lambda: _t("Last engaged"), 84),
               Column("category", lambda: _t("Category"), 110))

    def display(self, row, key: str) -> str:
        if key == "name":
            return row.name
        if key == "category":
            return category_label(row.category)
        if key == "degree":
            return str(row.degree)
        if key in ("betweenness", "pagerank"):
            return "%.3f" % getattr(row, key)
        if key == "cluster":
            return str(row.cluster) if row.cluster is not None else "\u2014"
        return row.last_engaged.isoformat() if row.last_engaged else _t("never")

    def sort_key(self, row, key: str):
        if key in ("degree", "betweenness", "pagerank", "cluster", "last_engaged"):
            return getattr(row, key)
        return self.display(row, key)

    def tooltip(self, row, key: str) -> str | None:
        return row.name if key == "name" else None


class AnalysisMixin:
    """Network metrics of the filtered map, and what changed since a day (see MapDesk)."""

    def _build_changes_page(self) -> QWidget:
        """The "Changes" tab; also makes the Analysis tab, `self.analysis`."""
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
        return changes_page

    def _build_table_page(self) -> QWidget:
        """The "Actors" tab: the per-actor metrics table; a click selects the actor."""
        self.metrics_model = ActorMetricsModel(self)
        self.metrics_table = record_table(self.metrics_model)
        self.metrics_table.sortByColumn(self.metrics_model.column_of("pagerank"),
                                        Qt.SortOrder.DescendingOrder)
        self.metrics_table.clicked.connect(self._metrics_row_clicked)
        self.metrics_note = QLabel(self.tr(
            "The actors shown (filters apply), with the analysis' measures. Click a header "
            "to sort, a row to find the actor on the map."))
        self.metrics_note.setWordWrap(True)
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.metrics_note)
        layout.addWidget(self.metrics_table, 1)
        self.table_page = page
        return page

    def _metrics_row_clicked(self, index) -> None:
        node_id = index.data(ID_ROLE)
        if node_id:
            self.select_node(node_id, centre=True)

    # --- analysis and changes ------------------------------------------------------------

    def _side_changed(self) -> None:
        if self.needs_metrics():
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
            if self.needs_metrics():
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
        self._shown_metrics = job.result
        self.analysis.setHtml(self._analysis_html(job.result, job.graph))
        self.metrics_model.set_rows(actor_metrics(job.graph, job.result))
        self.recolour()
        self._update_hulls()
        self._update_legend()
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
