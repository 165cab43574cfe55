"""The influence map: fresh layouts, reopening from saved positions, and a drag repaint.

    python tests/perf/map_view.py [--mission FILE] [--sizes 300,2000]

For each size N it copies the large benchmark mission (5,000 stakeholders, 20,000
relationships) and purges the copy down to a connected neighbourhood of N stakeholders
(breadth-first from the best-connected one, so the map is as dense as a real mission's),
with their relationships, engagements and assessments, and no saved map positions. Then it
times, in the real Map desk (the first size also pays the one-off import of igraph):

- fresh: attach() with no saved positions -> layout in the worker -> first full paint;
- reopened: attach() of the same mission with the positions just saved -> first paint;
- drag (at 300): a node moved as a drag moves it (its edges follow) -> the view repainted,
  both the dirty region Qt repaints (what a drag costs) and the whole viewport.

The floor is a bare QGraphicsView in the same run with the same number of plain ellipse
and line items (cosmetic pens) at the same positions: building it and painting it once, and
a plain ellipse moved and repainted. Bars (DESIGN.md): 300 fresh < 0.5 s, 2,000 fresh < 3 s,
reopened < 0.5 s, drag repaint < 16 ms at 300.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

PASSPHRASE = "benchmark passphrase, not a secret"
BARS = {"fresh 300": 0.5, "fresh 2000": 3.0, "reopened": 0.5, "drag": 0.016}


def _keep_set(handle, size: int) -> list[str]:
    """A connected neighbourhood of `size` stakeholders of the whole mission."""
    from collections import deque

    from missiondesk.services import network

    graph = network.build_graph(handle)
    start = max(graph.nodes, key=lambda n: graph.degree(n))
    seen, queue = {start}, deque([start])
    while queue and len(seen) < size:
        node = queue.popleft()
        for other in sorted(set(graph.successors(node)) | set(graph.predecessors(node)),
                            key=lambda n: -graph.degree(n)):
            if other not in seen and len(seen) < size:
                seen.add(other)
                queue.append(other)
    return sorted(seen)


def _restrict(handle, keep: list[str]) -> None:
    """Delete every stakeholder outside `keep`, with its relationships and the rows that
    point to it, and the saved map positions: a mission of that size (foreign keys off for
    the purge, checked after)."""
    with handle.driver_connection() as conn:
        conn.commit()
        conn.execute("PRAGMA foreign_keys = OFF")
        conn.execute("CREATE TEMP TABLE bench_keep (id TEXT PRIMARY KEY)")
        conn.executemany("INSERT INTO bench_keep VALUES (?)", [(k,) for k in keep])
        tables = [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite%'")]
        for table in tables:
            for fk in conn.execute("PRAGMA foreign_key_list(%s)" % table).fetchall():
                if fk[2] == "stakeholders":
                    conn.execute("DELETE FROM %s WHERE %s IS NOT NULL AND %s NOT IN "
                                 "(SELECT id FROM bench_keep)" % (table, fk[3], fk[3]))
        conn.execute("DELETE FROM stakeholders WHERE id NOT IN (SELECT id FROM bench_keep)")
        conn.execute("DELETE FROM map_positions")
        conn.execute("DROP TABLE bench_keep")
        for _round in range(10):  # rows of rows that pointed to a purged stakeholder
            problems = conn.execute("PRAGMA foreign_key_check").fetchall()
            if not problems:
                break
            for table, rowid, _parent, _fk in problems:
                conn.execute("DELETE FROM %s WHERE rowid = ?" % table, (rowid,))
        conn.commit()
        problems = conn.execute("PRAGMA foreign_key_check").fetchall()
        conn.execute("PRAGMA foreign_keys = ON")
    if problems:
        raise SystemExit("the purge left dangling rows: %r" % problems[:3])


def _paint(app, desk) -> None:
    desk.view.viewport().repaint()  # one synchronous paint of the whole view


def _attach(app, desk, ctx) -> tuple[float, float]:
    """attach() -> the map laid out (if needed) and painted; then -> its positions saved."""
    t0 = time.perf_counter()
    desk.attach(ctx)
    while desk._layout_job is not None:
        app.processEvents()
        time.sleep(0.001)
    _paint(app, desk)
    painted = time.perf_counter() - t0
    while desk.busy():  # the positions of a first layout are saved after the paint
        app.processEvents()
    return painted, time.perf_counter() - t0


def _forget_positions(ctx) -> None:
    from missiondesk.services import network

    with ctx.handle.unit_of_work() as uow:
        network.delete_positions(uow, list(network.saved_positions(ctx.handle)))


def _floor(app, desk) -> tuple[float, float]:
    """A bare view with plain items at the same places: (build + first paint, move+repaint)."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QColor, QPainter, QPen
    from PySide6.QtWidgets import QGraphicsScene, QGraphicsView

    positions = {n: item.pos() for n, item in desk.scene.nodes.items()}
    pairs = [(e.source.node_id, e.target.node_id) for e in desk.scene.edges.values()]
    scene = QGraphicsScene()
    view = QGraphicsView(scene)
    view.setRenderHint(QPainter.RenderHint.Antialiasing)
    view.resize(desk.view.viewport().size())
    view.show()
    app.processEvents()
    t0 = time.perf_counter()
    pen = QPen(QColor("#888888"), 1.5)
    pen.setCosmetic(True)
    ellipses = {}
    for node_id, pos in positions.items():
        item = scene.addEllipse(-10, -10, 20, 20, pen, QColor("#1f5fa8"))
        item.setPos(pos)
        ellipses[node_id] = item
    for u, v in pairs:
        scene.addLine(positions[u].x(), positions[u].y(), positions[v].x(), positions[v].y(),
                      pen)
    view.fitInView(scene.itemsBoundingRect(), Qt.AspectRatioMode.KeepAspectRatio)
    view.viewport().repaint()
    build = time.perf_counter() - t0
    item = next(iter(ellipses.values()))
    moves = []
    for step in range(30):
        t0 = time.perf_counter()
        item.moveBy(3 if step % 2 else -3, 2)
        app.processEvents()
        moves.append(time.perf_counter() - t0)
    view.close()
    view.deleteLater()
    app.processEvents()
    return build, statistics.median(moves)


def _drag(app, desk) -> tuple[float, float]:
    """Move the best-connected node as a drag does: (dirty-region repaint, full repaint)."""
    node = max(desk.scene.nodes.values(), key=lambda n: len(n.edges))
    desk.view.centerOn(node)
    app.processEvents()
    partial, full = [], []
    for step in range(40):
        t0 = time.perf_counter()
        node.moveBy(3 if step % 2 else -3, 2)  # itemChange: its label and its edges follow
        app.processEvents()
        partial.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        node.moveBy(-2, 1)
        desk.view.viewport().repaint()
        full.append(time.perf_counter() - t0)
    return statistics.median(partial), statistics.median(full)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mission", type=Path,
                        default=Path(tempfile.gettempdir()) / "missiondesk-large-bench.mdesk")
    parser.add_argument("--copy", type=Path,
                        default=Path(tempfile.gettempdir()) / "missiondesk-map-bench.mdesk")
    parser.add_argument("--sizes", default="300,2000")
    args = parser.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ.setdefault("MISSIONDESK_HOME", tempfile.mkdtemp(prefix="missiondesk-bench-"))
    if not args.mission.exists():
        print("no large mission at %s: write it with `missiondesk demo FILE --large`"
              % args.mission)
        return 2
    from PySide6.QtGui import QUndoStack
    from PySide6.QtWidgets import QApplication

    from missiondesk.store.handle import open_mission
    from missiondesk.ui.context import MissionBus, MissionContext
    from missiondesk.ui.map.desk import MapDesk

    app = QApplication.instance() or QApplication(sys.argv[:1])
    sizes = [int(s) for s in args.sizes.split(",")]
    rows = []
    for size in sizes:
        print("preparing a %d-stakeholder mission in %s ..." % (size, args.copy), flush=True)
        for suffix in ("-wal", "-shm"):
            Path(str(args.copy) + suffix).unlink(missing_ok=True)
        shutil.copyfile(args.mission, args.copy)
        handle = open_mission(args.copy, PASSPHRASE)
        _restrict(handle, _keep_set(handle, size))
        handle.close()
        handle = open_mission(args.copy, PASSPHRASE)
        handle.set_user(None, "benchmark")
        try:
            ctx = MissionContext(handle, QUndoStack(), MissionBus())
            handle.add_listener(ctx.bus.relay)
            desk = MapDesk()
            desk.resize(1400, 860)
            desk.show()
            app.processEvents()
            fresh, saved = _attach(app, desk, ctx)
            nodes, edges = len(desk.scene.nodes), len(desk.scene.edges)
            floor_build, floor_move = _floor(app, desk)
            drag = _drag(app, desk) if size <= 300 else None
            desk.detach()
            reopened, _same = _attach(app, desk, ctx)
            desk.detach()
            _forget_positions(ctx)
            warm, _saved = _attach(app, desk, ctx)  # fresh again, igraph already imported
            desk.detach()
            desk.close()
            desk.deleteLater()
            app.processEvents()
            rows.append((size, nodes, edges, fresh, saved, warm, reopened, floor_build, drag,
                         floor_move))
        finally:
            handle.close()

    print()
    print("Influence map, offscreen, 1400 x 860 desk (floor: bare QGraphicsView, plain items)")
    for size, nodes, edges, fresh, saved, warm, reopened, floor_build, drag, floor_move in rows:
        bar = BARS["fresh 300"] if size <= 300 else BARS["fresh 2000"]
        print("%5d actors, %5d relationships:" % (nodes, edges))
        print("  laid out fresh and painted  %7.3f s  (bar %.1f s; floor %.3f s, x%.1f) %s"
              % (fresh, bar, floor_build, fresh / floor_build, "ok" if fresh < bar else "OVER"))
        print("    the same, warm            %7.3f s  (igraph imported: x%.1f) %s"
              % (warm, warm / floor_build, "ok" if warm < bar else "OVER"))
        print("    positions saved after     %7.3f s  (after the paint, same thread)" % saved)
        print("  reopened, saved positions   %7.3f s  (bar %.1f s; floor %.3f s, x%.1f) %s"
              % (reopened, BARS["reopened"], floor_build, reopened / floor_build,
                 "ok" if reopened < BARS["reopened"] else "OVER"))
        if drag is not None:
            partial, full = drag
            print("  drag step, region repaint   %7.2f ms (bar 16 ms; floor %.2f ms, x%.1f) %s"
                  % (partial * 1000, floor_move * 1000, partial / floor_move,
                     "ok" if partial < BARS["drag"] else "OVER"))
            print("  drag step, whole viewport   %7.2f ms (bar 16 ms) %s"
                  % (full * 1000, "ok" if full < BARS["drag"] else "OVER"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
