"""The influence map: laid out fresh, reopened from saved positions, and a drag repaint.

    python tests/perf/map_view.py [--mission FILE] [--sizes 300,2000] [--runs 5] [--think 1]

For each size N it copies the large benchmark mission (5,000 stakeholders, 20,000
relationships) and purges the copy down to a connected neighbourhood of N stakeholders
(breadth-first from the best-connected one, ties broken by id, so every run and every machine
gets the same actors), with their relationships, engagements and assessments, and no saved map
positions. Then, each figure from fresh processes of the real program (`missiondesk FILE`,
through tests/perf/probe.py), median (min–max) over the runs:

- fresh: the Overview shown, THINK seconds (a user reading it; default 1 s), the map asked
  for -> laid out in the worker -> painted; a new copy without positions for every run;
- reopened: the same, on a copy whose positions a first visit saved, until every actor is
  painted (a map of more than 600 actors shows its 300 most important first: that figure
  too);
- drag (at 300, in one process): a node moved as a drag moves it -> the view repainted, the
  dirty region Qt repaints and the whole viewport;
- the large mission's first visit (all 5,000 actors, no saved positions; `--large-runs`): the
  most important actors painted (bar: 1 s), every actor placed and painted, and the longest
  the window went without answering (a 2-ms timer's longest gap) from the click to the end.

The floor is a bare QGraphicsView in one process with the same number of plain ellipse and
line items (cosmetic pens) at the same positions, built and painted once; and a plain ellipse
moved and repainted. Bars (DESIGN.md): 300 fresh < 0.5 s, 2,000 fresh < 3 s, reopened
< 0.5 s, drag repaint < 16 ms at 300.
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
    start = min(graph.nodes, key=lambda n: (-graph.degree(n), n))
    seen, queue = {start}, deque([start])
    while queue and len(seen) < size:
        node = queue.popleft()
        for other in sorted(set(graph.successors(node)) | set(graph.predecessors(node)),
                            key=lambda n: (-graph.degree(n), n)):
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


def _prepare(mission: Path, copy: Path, size: int) -> None:
    from missiondesk.store.handle import open_mission

    for suffix in ("-wal", "-shm"):
        Path(str(copy) + suffix).unlink(missing_ok=True)
    shutil.copyfile(mission, copy)
    handle = open_mission(copy, PASSPHRASE)
    try:
        _restrict(handle, _keep_set(handle, size))
    finally:
        handle.close()


def _in_process(app, copy: Path) -> tuple[int, int, float, tuple | None, float]:
    """One process: lay the map out, then the floor and (at 300) the drag on it."""
    from PySide6.QtGui import QUndoStack

    from missiondesk.store.handle import open_mission
    from missiondesk.ui.context import MissionBus, MissionContext
    from missiondesk.ui.map.desk import MapDesk

    handle = open_mission(copy, PASSPHRASE)
    handle.set_user(None, "benchmark")
    try:
        ctx = MissionContext(handle, QUndoStack(), MissionBus())
        handle.add_listener(ctx.bus.relay)
        desk = MapDesk()
        desk.resize(1400, 860)
        desk.show()
        app.processEvents()
        _attach(app, desk, ctx)
        nodes, edges = len(desk.scene.nodes), len(desk.scene.edges)
        floor_build, floor_move = _floor(app, desk)
        drag = _drag(app, desk) if nodes <= 300 else None
        desk.detach()
        desk.close()
        desk.deleteLater()
        app.processEvents()
        _forget_positions(ctx)
    finally:
        handle.close()
    return nodes, edges, floor_build, drag, floor_move


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mission", type=Path,
                        default=Path(tempfile.gettempdir()) / "missiondesk-large-bench.mdesk")
    parser.add_argument("--sizes", default="300,2000")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--think", type=float, default=1.0)
    parser.add_argument("--large-runs", type=int, default=5,
                        help="runs of the large mission's first map visit (0: skip)")
    args = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import bench

    env = bench.environment()
    os.environ.update(QT_QPA_PLATFORM=env["QT_QPA_PLATFORM"],
                      MISSIONDESK_HOME=env["MISSIONDESK_HOME"])
    if not args.mission.exists():
        print("no large mission at %s: run tests/perf/startup.py once, or "
              "`missiondesk demo FILE --large`" % args.mission)
        return 2
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])
    work = Path(tempfile.mkdtemp(prefix="missiondesk-bench-"))
    run_env = dict(env, MISSIONDESK_USER=bench.first_member(args.mission, env))
    rows = []
    for size in [int(s) for s in args.sizes.split(",")]:
        prepared = work / ("map-%d.mdesk" % size)
        print("preparing a %d-stakeholder mission ..." % size, flush=True)
        _prepare(args.mission, prepared, size)
        copy = work / "run.mdesk"
        fresh, reopened, reopened_first = [], [], []
        for _ in range(args.runs):
            for suffix in ("-wal", "-shm"):
                Path(str(copy) + suffix).unlink(missing_ok=True)
            shutil.copyfile(prepared, copy)
            for figures, scenario_env in ((fresh, run_env), (reopened, run_env)):
                marks, _peak = bench.spawn(
                    [str(bench.PROBE), "--think=%g" % args.think, "tour", str(copy), "map"],
                    dict(scenario_env, MISSIONDESK_PASSPHRASE=PASSPHRASE))
                figures.append(marks["desk:map"] - marks["select:map"])
                if figures is reopened and "partial:map" in marks:
                    # a large map reopened shows its most important actors first
                    reopened_first.append(marks["partial:map"] - marks["select:map"])
        nodes, edges, floor_build, drag, floor_move = _in_process(app, prepared)
        rows.append((size, nodes, edges, fresh, reopened, reopened_first, floor_build, drag,
                     floor_move))

    first_visit = None
    if args.large_runs:
        # the whole large mission, no saved positions: the first visit of its map
        print("the large mission's first map visit ...", flush=True)
        copy = work / "large.mdesk"
        first, whole, stalls = [], [], []
        for _ in range(args.large_runs):
            for suffix in ("-wal", "-shm"):
                Path(str(copy) + suffix).unlink(missing_ok=True)
            shutil.copyfile(args.mission, copy)
            bench.spawn(["-c", bench.FORGET_POSITIONS, str(copy), PASSPHRASE], env)
            marks, _peak = bench.spawn(
                [str(bench.PROBE), "--think=%g" % args.think, "tour", str(copy), "map"],
                dict(run_env, MISSIONDESK_PASSPHRASE=PASSPHRASE))
            first.append(marks["partial:map"] - marks["select:map"])
            whole.append(marks["desk:map"] - marks["select:map"])
            stalls.append(marks["stall:map"])
        first_visit = (first, whole, stalls)

    print()
    print("Influence map, %s, the real program (fresh processes, %d runs, %g s after the "
          "Overview); floor: bare QGraphicsView with plain items" % (
              env["QT_QPA_PLATFORM"], args.runs, args.think))
    for size, nodes, edges, fresh, reopened, reopened_first, floor_build, drag, floor_move \
            in rows:
        bar = BARS["fresh 300"] if size <= 300 else BARS["fresh 2000"]
        print("%5d actors, %5d relationships (floor %.3f s):" % (nodes, edges, floor_build))
        print("  laid out fresh and painted  %-22s (bar %.1f s) %s" % (
            bench.summary(fresh), bar, "ok" if statistics.median(fresh) < bar else "OVER"))
        print("  reopened, saved positions   %-22s (bar %.1f s) %s" % (
            bench.summary(reopened), BARS["reopened"],
            "ok" if statistics.median(reopened) < BARS["reopened"] else "OVER"))
        if reopened_first:
            print("    its 300 most important painted %-22s" % bench.summary(reopened_first))
        if drag is not None:
            partial, full = drag
            print("  drag step, region repaint   %7.2f ms (bar 16 ms; floor %.2f ms, x%.1f) %s"
                  % (partial * 1000, floor_move * 1000, partial / floor_move,
                     "ok" if partial < BARS["drag"] else "OVER"))
            print("  drag step, whole viewport   %7.2f ms (bar 16 ms) %s"
                  % (full * 1000, "ok" if full < BARS["drag"] else "OVER"))
    if first_visit is not None:
        first, whole, stalls = first_visit
        print("The large mission (5,000 actors), first visit of the map (no saved positions):")
        print("  most important actors painted %-22s (bar 1 s) %s" % (
            bench.summary(first), "ok" if statistics.median(first) < 1.0 else "OVER"))
        print("  every actor placed and painted %s" % bench.summary(whole))
        print("  longest the window did not answer %s" % bench.summary(stalls))
    return 0


if __name__ == "__main__":
    sys.exit(main())
