"""The scene side of the Influence map: what is drawn and where.

Building the scene from the services' graph, laying it out in a worker thread, placing and
saving positions (a drag is an undoable command around `network.save_positions`), applying
filters and focus (they hide items and never move the others) and colouring. A mixin of
`MapDesk`: it uses the desk's widgets (scene, view, status) and state.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QRectF, Qt, QThread, QTimer, Signal
from PySide6.QtGui import QUndoCommand
from PySide6.QtWidgets import QCompleter, QMessageBox

from missiondesk.labels import relationship_status_label, relationship_type_label
from missiondesk.messages import error_text
from missiondesk.store.errors import MissionError
from missiondesk.ui.map.items import edge_tooltip, node_colour, short_label
from missiondesk.ui.map.view import ROOM_PER_NODE, paused_gc

if TYPE_CHECKING:
    from missiondesk.ui.context import MissionContext


#: A first visit of a map larger than this shows its most important actors first.
PROGRESSIVE_ABOVE = 600
#: How many: laid out in a fraction of a second, enough to read the map's core.
FIRST_SHOWN = 300
#: Actors added per turn of the event loop as the rest of a large layout arrives.
ADD_BATCH = 400
#: A first layout's positions are written in a worker above this many.
SAVE_IN_WORKER_ABOVE = 500


def nx_edge_values(graph, name: str) -> list:
    """The non-empty values of one edge attribute."""
    return [attrs[name] for _u, _v, attrs in graph.edges(data=True) if attrs.get(name)]


# --- work off the GUI thread ----------------------------------------------------------------


def _import_on_gui_thread() -> None:
    """Import igraph before a job's thread uses it (through `igraph_core`: without
    matplotlib, so it touches no Qt and costs ~0.07 s; usually already done by the warm
    imports)."""
    from missiondesk.services.network import igraph_core

    igraph_core.load()


class _Job(QThread):
    """Runs `work(progress)` in a thread; `done` is delivered on the GUI thread.

    `progress(fraction)` returns False once the user cancelled, which the layout service
    takes as "stop".
    """

    progressed = Signal(float)
    partial = Signal(object)  # a first result worth showing before the whole (see layout)
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
                 on_error: Callable[[MissionError], None], moved=()) -> None:
        super().__init__(text)
        self._moved = list(moved)
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
            if self._moved:  # a user's drag: one audit entry per actor, this time only
                from missiondesk.services.network.positions import record_moves

                record_moves(uow, self._moved)
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


class SceneMixin:
    """Building, laying out, placing, filtering and focusing the map (see MapDesk)."""

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
        if self._prefetch_pending():
            # the read ahead is still under way (a click on the map right after the
            # mission opened): the desk shows now and fills in when the read lands
            self._await_prefetch(fit)
            return
        inputs = self._take_prefetched() or network.map_inputs(handle)
        graph = inputs.graph
        self._graph_all = graph
        self._saved = inputs.saved
        positions = {n: self._saved[n][:2] for n in graph if n in self._saved}
        missing = [n for n in graph if n not in positions]
        self._fresh = not positions
        self._placed = set(positions)
        if self._scale is None and len(positions) >= 2:
            self._scale = self._scale_for(positions)
        self._aliases = inputs.aliases
        self._regions = inputs.regions
        self._fill_region_menu()
        self._labels = {n: short_label(a.get("name") or "", self._aliases.get(n, ()))
                        for n, a in graph.nodes(data=True)}
        self._undated = inputs.undated
        self._fill_category_menu(graph)
        self._set_as_of_range(self._earliest_date(graph))
        later: list[str] = []
        if self._fresh:  # nothing to show before the first layout
            self.scene.clear()
            self.scene.nodes, self.scene.edges = {}, {}
        elif len(graph) > PROGRESSIVE_ABOVE and not missing:
            # a large map reopened: its most important actors (and the one selected) are
            # drawn first, the others join them a batch at a time while the window answers
            order = self._importance(graph)
            first = set(order[:FIRST_SHOWN]) | ({self._selected} & set(graph))
            later = [n for n in order if n not in first]
            self._populate(graph.subgraph(first), positions, order=order)
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
        if later:
            self._adding = True  # busy until every actor is on the map
            generation = self._generation

            def rest() -> None:
                if generation != self._generation or self._ctx is None:
                    self._adding = False
                    return
                self.firstActorsShown.emit()
                self.view.viewport().repaint()  # the first actors on screen before the rest
                self._add_in_batches(positions, lambda: self._all_shown(fit), order=later)

            QTimer.singleShot(0, rest)
        if missing:
            self._start_layout(graph, positions, frozenset(positions), incremental=True,
                               fit=fit or self._fresh,
                               progressive=self._fresh and len(graph) > PROGRESSIVE_ABOVE)

    def _prefetch_pending(self) -> bool:
        from missiondesk.ui.preload import MAP_INPUTS

        prefetch = self._ctx.prefetch
        return prefetch is not None and prefetch.pending(MAP_INPUTS)

    def _await_prefetch(self, fit: bool) -> None:
        generation = self._generation
        self._awaiting = True
        self.status.setText(self.tr("Reading the map\u2026"))

        def check() -> None:
            if generation != self._generation or self._ctx is None:
                self._awaiting = False
                return
            if self._prefetch_pending():
                QTimer.singleShot(20, check)
                return
            self._awaiting = False
            self.status.setText("")
            self.reload(fit=fit)
            if not self.busy():  # every actor had its place: the map is ready as it is
                self.layoutFinished.emit()

        QTimer.singleShot(20, check)

    def _take_prefetched(self):
        """The map's inputs read ahead in the background when the mission opened (the first
        opening only, and only if nothing changed since), else None."""
        from missiondesk.ui.preload import MAP_INPUTS

        prefetch = self._ctx.prefetch
        return prefetch.take(MAP_INPUTS) if prefetch is not None else None

    def _populate(self, graph, positions: dict[str, tuple[float, float]],
                  order: list[str] | None = None) -> None:
        """Draw the actors of `graph` (`order`: the whole map's importance order, when
        `graph` is its first part)."""
        shown = self.node_colours(graph)
        colours = {n: shown.get(n) or node_colour(a, "category")
                   for n, a in graph.nodes(data=True)}
        self.scene.label_unit = 1.0 / max(self.view.zoom(), 1e-6)
        self.scene.populate(graph, positions, self._scale or 1.0, self._labels, colours)
        self.scene.set_importance(order if order is not None else self._importance(graph))

    def _all_shown(self, fit: bool) -> None:
        """The last batch of a large map reopened is on the map: names placed, ready."""
        self.apply_filter(fit=fit)
        self.layoutFinished.emit()

    def _importance(self, graph) -> list[str]:
        """`importance_order(graph)`, computed once per graph (a large first visit asks for
        it three times: 5,000 actors take ~0.1 s)."""
        cached = getattr(self, "_importance_cache", None)
        if cached is None or cached[0] is not graph:
            cached = (graph, self.importance_order(graph))
            self._importance_cache = cached
        return cached[1]

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

    # --- layout --------------------------------------------------------------------------

    def _start_layout(self, graph, positions: dict, pinned: frozenset, *, incremental: bool,
                      fit: bool, progressive: bool = False) -> None:
        """Lay the map out in a worker. `progressive` (a first visit of a large map): the
        most important actors are laid out first and shown at once (a fraction of a
        second), then the others are placed around them, pinned, and arrive in batches."""
        _import_on_gui_thread()
        from missiondesk.services import network
        from missiondesk.services.network.layout_worker import (
            layout_in_child,
            start_worker,
            stop_worker,
        )

        first_ids = self._importance(graph)[:FIRST_SHOWN] if progressive else []
        # igraph holds the interpreter's lock while it lays out: a large graph is laid out
        # in a child process, or the window would not answer until it is done
        lay_out = layout_in_child if len(graph) > PROGRESSIVE_ABOVE else network.layout

        def work(progress):
            if not progressive:
                return lay_out(graph, positions=positions or None, pinned=pinned,
                               progress=progress, relayout=not incremental)
            # the child imports while the first actors are laid out and shown
            worker = start_worker() if lay_out is layout_in_child else None
            try:
                first = network.layout(graph.subgraph(first_ids))  # a fraction of a second
                job.partial.emit(first)
                if not progress(0.1):
                    raise network.LayoutCancelled()
            except BaseException:
                if worker is not None:
                    stop_worker(worker)
                raise
            more = {"worker": worker} if worker is not None else {}
            return lay_out(graph, positions=first, pinned=frozenset(first),
                           progress=lambda f: progress(0.1 + 0.9 * f), **more)

        job = _Job("layout", self._generation, work)
        job.incremental = incremental
        job.fit = fit
        job.progressive = progressive
        job.partial.connect(lambda first, job=job: self._layout_partial(job, first))
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

    def _layout_partial(self, job: _Job, first: dict[str, tuple[float, float]]) -> None:
        """The most important actors of a large first layout: shown now, fitted."""
        if job is not self._layout_job or job.generation != self._generation \
                or self._ctx is None or not first:
            return
        graph = self._graph_all
        self._scale = self._scale_for(first) if len(first) >= 2 else 1.0
        self.scene.label_unit = 1.0 / max(self.view.zoom(), 1e-6)
        self.scene.set_importance(self._importance(graph))
        shown = self.node_colours(graph)
        colours = {n: shown.get(n) or node_colour(graph.nodes[n], "category") for n in first}
        self.scene.populate(graph.subgraph(first), first, self._scale, self._labels, colours)
        self._placed = set(first)
        self.apply_filter(fit=True)
        self.status.setText(self.tr(
            "The %n most important actors are placed; the others follow as the layout "
            "goes on (Cancel keeps what is placed).", "", len(first)))
        self.firstActorsShown.emit()

    def _add_in_batches(self, positions: dict[str, tuple[float, float]], finish,
                        order: list[str] | None = None) -> None:
        """Put the actors not on the map yet there, a batch per turn of the event loop
        (the window answers between batches), most important first (`order`, if known);
        then `finish()`."""
        graph = self._graph_all
        waiting = [n for n in (order if order is not None else self._importance(graph))
                   if n not in self.scene.nodes]
        shown = self.node_colours(graph)
        generation = self._generation
        self._adding = True

        def step() -> None:
            if generation != self._generation or self._ctx is None:
                self._adding = False
                return
            batch = waiting[:ADD_BATCH]
            del waiting[:ADD_BATCH]
            colours = {n: shown.get(n) or node_colour(graph.nodes[n], "category")
                       for n in batch}
            self.scene.extend(graph, batch, positions, self._scale or 1.0, self._labels,
                              colours)
            for node_id in batch:  # named when all are there and the names are placed
                self.scene.nodes[node_id].label_item.set_slot(None)
            if waiting:
                QTimer.singleShot(0, step)
                return
            self._adding = False
            finish()

        step()

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
        elif job.kind == "save":
            self._save_done(job)
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
            self._finish_unplaced(job)
            return
        if job.cancelled or not job.result:
            self.status.setText(self.tr("Layout cancelled: actors not yet placed are shown "
                                        "near their neighbours and not saved."))
            self._finish_unplaced(job)
            return
        result: dict[str, tuple[float, float]] = job.result
        if getattr(job, "progressive", False) and self.scene.nodes:
            # the first actors are on the map: the others join them a batch at a time
            self._add_in_batches(result, lambda: self._layout_placed(job, result))
            return
        if self._scale is None or self._fresh:
            self._scale = self._scale_for(result)
            self._populate(self._graph_all, result)
        self._layout_placed(job, result)

    def _layout_placed(self, job: _Job, result: dict[str, tuple[float, float]]) -> None:
        """Every actor of a finished layout is on the map: place, save, show."""
        if job.generation != self._generation or self._ctx is None:
            return
        if job.incremental:
            new = {n: (float(x), float(y), False) for n, (x, y) in result.items()
                   if n not in self._saved}
            self._place({n: (v[0], v[1]) for n, v in new.items()}, declutter=False)
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
            self._place({n: (v[0], v[1]) for n, v in new.items()}, declutter=False)
            self._placed |= set(new)
            self._push_positions(self.tr("Re-layout the map"), new, old_xy)
            self.status.setText(self.tr("The map was laid out again (Undo puts it back)."))
        self.apply_filter(fit=job.fit)
        self.layoutFinished.emit()

    def _finish_unplaced(self, job: _Job) -> None:
        """A layout cancelled or failed: the actors it did not place go near their placed
        neighbours (a large first layout adds the ones not on the map yet first)."""
        def provisional() -> None:
            self._place_provisionally()
            self.layoutFinished.emit()

        if getattr(job, "progressive", False) and self.scene.nodes \
                and len(self.scene.nodes) < len(self._graph_all):
            self._add_in_batches({}, provisional)
        else:
            provisional()

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
        """Save a first layout's positions: a few at once; many (thousands of rows, most of
        a second) in a worker, the window answering meanwhile (`busy()` until written)."""
        if self._save_job is not None:  # already being written
            return
        positions = self._pending_save
        if not positions or self._ctx is None:
            self._pending_save = None
            return
        if len(positions) <= SAVE_IN_WORKER_ABOVE:
            self._pending_save = None
            self._save_silently(positions)
            return
        from missiondesk.services import network

        handle = self._ctx.handle

        def work(_progress):
            with handle.unit_of_work() as uow:
                network.save_positions(uow, positions)

        job = _Job("save", self._generation, work)
        job.positions = positions
        self._save_job = job
        self._jobs.append(job)
        job.done.connect(self._job_done)
        job.start()

    def _save_done(self, job: _Job) -> None:
        if job is self._save_job:
            self._save_job = None
            self._pending_save = None
        if job.error is not None:
            if self._ctx is not None:
                self.status.setText(error_text(job.error) if isinstance(job.error, MissionError)
                                    else self.tr("The map's positions could not be saved."))
            return
        self._saved.update(job.positions)

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

    def _place(self, positions: dict[str, tuple[float, float]], *,
               declutter: bool = True) -> None:
        """Move nodes to layout coordinates (their edges follow); `declutter=False` when the
        caller places the names itself next (a finished layout applies the filter)."""
        scale = self._scale or 1.0
        for node_id, (x, y) in positions.items():
            item = self.scene.nodes.get(node_id)
            if item is not None:
                item.setPos(x * scale, y * scale)
        self.scene.update_scene_rect()
        if declutter:
            self.scene.declutter()
        self._update_hulls()

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
        if self._push_positions(text, new, old_xy, moved=list(new)):
            self.scene.update_scene_rect()
            self.scene.declutter()
            self._update_hulls()
        else:
            self._place(old_xy)

    def _push_positions(self, text: str, new: dict, old_xy: dict, moved=()) -> bool:
        """Save positions as one undo step; `moved`: the actors the user dragged (each gets
        one "moved on the map" entry in the audit trail; a layout gets none)."""
        command = PositionsCommand(self._ctx, text, new, old_xy, self._place, self._undo_error,
                                   moved=moved)
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

    def apply_filter(self, fit: bool = False) -> None:
        """Build the filtered graph and show only its actors and relationships."""
        self._as_of_timer.stop()
        self._update_filter_buttons()
        if self._ctx is None or self._graph_all is None:
            return
        from missiondesk.services import network
        from missiondesk.services.network.metrics import restrict_graph

        flt = self.current_filter()
        if flt == network.GraphFilter():
            graph = self._graph_all
        else:
            graph = network.build_graph(self._ctx.handle, flt)
        self._graph = restrict_graph(graph, min_confidence=self.min_confidence(),
                                     regions=self.chosen_regions(), node_regions=self._regions)
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
        refit = fit or focus or unfocused
        if not refit:  # a Fit places the names again for its zoom: once is enough
            self.scene.declutter()
        self._update_hulls()
        self.count_label.setText(self.tr("%d actors \u00b7 %d relationships shown")
                                 % (len(nodes), len(edges)))
        self._update_legend()
        if refit:
            self.fit()

    def fit(self, rect: QRectF | None = None) -> None:
        """Fit the visible map (or `rect`); if the legend would then lie over an actor or
        its name, fit it again into the viewport minus the legend's corner (beside or above
        it). The names are placed once, for the zoom finally chosen. A Fit of the whole map
        is kept through window resizes until the user zooms or pans."""
        box = self._legend_box()
        self.view.fit(rect, relabel=box is None)
        self.view.fitted = rect is None
        if box is None:
            return
        near = box.adjusted(-14, -14, 14, 14)
        unit = 1.0 / max(self.view.zoom(), 1e-6)
        hidden = any(near.intersects(self._on_screen(item.sceneBoundingRect()))
                     or near.intersects(self._on_screen(item.label_item.first_place(unit)))
                     for node_id, item in self.scene.nodes.items()
                     if node_id in self._visible_nodes)
        if hidden:
            self.view.fit(rect, avoid=box.adjusted(-8, -8, 8, 8), relabel=False)
            self.view.fitted = rect is None
        self.view.relabel()

    def _legend_box(self) -> QRectF | None:
        """The legend overlay in viewport pixels (None: not shown)."""
        if not self.legend.isVisibleTo(self.map_pane) or self.legend.width() <= 0:
            return None
        box = QRectF(self.legend.geometry())
        origin = self.view.mapTo(self.map_pane, self.view.viewport().pos())
        return box.translated(-origin.x(), -origin.y())

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

    def _restore_labels(self) -> None:
        for node_id, item in self.scene.nodes.items():
            if item.label != self._labels.get(node_id, ""):
                item.set_label(self._labels.get(node_id, ""))
