"""Layouts: Fruchterman-Reingold through igraph, relaxed around held positions."""

from __future__ import annotations

import math
import random
from collections import defaultdict
from collections.abc import Callable
from datetime import date, datetime, timedelta  # noqa: F401

from missiondesk.services.network import igraph_core
from missiondesk.services.network.graph import _ADVERSARIAL
from missiondesk.services.network.metrics import _seeded

# --- layouts --------------------------------------------------------------------------------


class LayoutCancelled(Exception):
    """The `progress` callback of `layout` returned False."""


#: Side of the layout box for 300 nodes; it grows with the square root of the node count.
BOX = 1000.0
#: igraph's grid Fruchterman–Reingold settles with a median edge length of about this.
_GRID_EDGE = 1.15
#: Fixed nodes near each new node that take part in an incremental layout (repulsion).
_NEAREST = 24


def box_side(n: int) -> float:
    return BOX * math.sqrt(max(n, 50) / 300.0)


def _layout_edges(graph, index: dict[str, int]) -> tuple[list[tuple[int, int]], list[float]]:
    """Undirected simple edges and FR weights: strength, adversarial links weaker."""
    pairs: dict[tuple[int, int], float] = {}
    for u, v, data in graph.edges(data=True):
        if u == v:
            continue
        a, b = index[u], index[v]
        key = (a, b) if a < b else (b, a)
        weight = float(data.get("strength") or 1) / 3.0
        if data.get("family") == _ADVERSARIAL:
            weight *= 0.3
        pairs[key] = max(pairs.get(key, 0.0), weight)
    return list(pairs), list(pairs.values())


def _fr(g, coords, weights, *, niter: int, start_temp: float, fixed: list[bool] | None,
        grid: bool, progress, steps: int = 1) -> list[list[float]]:
    """igraph FR in `steps` calls (linear cooling across them), fixed vertices bounded.

    One call by default: igraph restarts its grid at every call, and the five calls made
    before (for progress and cancel between them) made a 5,000-actor layout five times
    slower (3.3 s -> 18 s). Progress is reported once the call returns; a large layout runs
    in a child process (`layout_worker`), which a cancel stops at once."""
    bounds = {}
    if fixed is not None and any(fixed):
        inf = float("inf")
        bounds = {"minx": [c[0] if f else -inf for c, f in zip(coords, fixed, strict=True)],
                  "maxx": [c[0] if f else inf for c, f in zip(coords, fixed, strict=True)],
                  "miny": [c[1] if f else -inf for c, f in zip(coords, fixed, strict=True)],
                  "maxy": [c[1] if f else inf for c, f in zip(coords, fixed, strict=True)]}
    steps = max(1, min(steps, niter // 20))
    chunk = max(1, niter // steps)
    for step in range(steps):
        temp = start_temp * (1.0 - step / steps)
        result = g.layout_fruchterman_reingold(
            weights=weights or None, niter=chunk, start_temp=temp, seed=coords,
            grid="grid" if grid else "nogrid", **bounds)
        coords = [list(p) for p in result.coords]
        if progress is not None and progress((step + 1) / steps) is False:
            raise LayoutCancelled()
    return coords


def _median_edge(coords, edges, usable: Callable[[int], bool]) -> float | None:
    lengths = sorted(math.dist(coords[a], coords[b]) for a, b in edges
                     if usable(a) and usable(b))
    lengths = [x for x in lengths if x > 1e-9]
    if not lengths:
        return None
    return lengths[len(lengths) // 2]


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def _fit(coords: list[list[float]], side: float) -> list[list[float]]:
    """Scale and centre into the box; the 1% outermost on each side are clamped to its edge
    (FR pushes small disconnected pieces far out, which would shrink everything else)."""
    xs = [c[0] for c in coords]
    ys = [c[1] for c in coords]
    trim = 0.01 if len(coords) >= 200 else 0.0
    x0, x1 = _percentile(xs, trim), _percentile(xs, 1 - trim)
    y0, y1 = _percentile(ys, trim), _percentile(ys, 1 - trim)
    span = max(x1 - x0, y1 - y0)
    margin = side * 0.03
    scale = (side - 2 * margin) / span if span > 1e-9 else 1.0
    ox = (side - (x1 - x0) * scale) / 2 - x0 * scale
    oy = (side - (y1 - y0) * scale) / 2 - y0 * scale
    return [[min(side, max(0.0, x * scale + ox)), min(side, max(0.0, y * scale + oy))]
            for x, y in coords]


def _rows_below(count: int, placed: list[list[float]], spacing: float) -> list[list[float]]:
    """Spots for unconnected nodes: rows under what is placed, `spacing` apart."""
    xs = [p[0] for p in placed] or [0.0]
    ys = [p[1] for p in placed] or [0.0]
    left, width = min(xs), max(max(xs) - min(xs), spacing)
    columns = max(1, int(width // spacing) + 1)
    top = max(ys) + spacing * 1.5
    return [[left + spacing * (k % columns), top + spacing * (k // columns)]
            for k in range(count)]


def layout(graph, *, positions: dict[str, tuple[float, float]] | None = None,
           pinned: frozenset[str] = frozenset(), seed: int = 7,
           progress: Callable[[float], bool] | None = None,
           relayout: bool = False) -> dict[str, tuple[float, float]]:
    """Positions for every node of the graph (igraph Fruchterman–Reingold, deterministic).

    Incremental (the default): every node given a position keeps it exactly; new nodes start
    at the mean of their placed neighbours (a little jitter, seeded) and settle by a short
    FR among the fixed nodes around them (pinned through igraph's per-vertex bounds); new
    nodes with no placed neighbour go in rows under the map. A graph whose nodes all have
    positions is returned as given.
    `relayout=True` (the Re-layout action): pinned nodes keep their positions, every other
    node is laid out afresh (a full layout, then the pinned nodes are put back and a short
    relaxation with them fixed settles the rest).
    A fresh layout fits a box of about 1000 x 1000 units for 300 nodes (the side grows with
    the square root of the node count); nodes without any link go in rows under it.
    `progress(fraction)` is called between chunks of iterations; returning False raises
    `LayoutCancelled`.
    """
    igraph = igraph_core.load()

    positions = positions or {}
    ids = sorted(graph.nodes)
    n = len(ids)
    if n == 0:
        return {}
    index = {sid: i for i, sid in enumerate(ids)}
    if relayout:
        held = [sid in pinned and sid in positions for sid in ids]
    else:
        held = [sid in positions for sid in ids]
    if all(held):
        return {sid: (float(positions[sid][0]), float(positions[sid][1])) for sid in ids}
    edges, weights = _layout_edges(graph, index)
    adjacency: list[list[int]] = [[] for _ in range(n)]
    for a, b in edges:
        adjacency[a].append(b)
        adjacency[b].append(a)
    rng = random.Random(seed)

    if relayout or not any(held):
        coords = _fresh(ids, edges, weights, adjacency, seed=seed, rng=rng, progress=progress)
        if not any(held):
            return {sid: (coords[i][0], coords[i][1]) for i, sid in enumerate(ids)}
        # Pinned nodes go back where they were; a short relaxation settles the rest.
        for i, sid in enumerate(ids):
            if held[i]:
                coords[i] = [float(positions[sid][0]), float(positions[sid][1])]
        g = igraph.Graph(n=n, edges=edges, directed=False)
        return _relax(g, ids, coords, weights, held, edges, seed=seed, niter=150, temp=3.0,
                      progress=None)

    # Incremental: place the new nodes near their placed neighbours.
    coords: list[list[float] | None] = [
        [float(positions[sid][0]), float(positions[sid][1])] if held[i] else None
        for i, sid in enumerate(ids)]
    spacing = _median_edge(coords, edges, lambda i: held[i]) or box_side(n) / math.sqrt(n)
    placed_xy = [c for c in coords if c is not None]
    grew = True
    while grew:
        grew = False
        for i in range(n):
            if coords[i] is not None:
                continue
            around = [coords[j] for j in adjacency[i] if coords[j] is not None]
            if not around:
                continue
            cx = sum(p[0] for p in around) / len(around)
            cy = sum(p[1] for p in around) / len(around)
            angle = rng.uniform(0, 2 * math.pi)
            radius = spacing * (0.4 + 0.4 * rng.random())
            coords[i] = [cx + radius * math.cos(angle), cy + radius * math.sin(angle)]
            grew = True
    loose = [i for i in range(n) if coords[i] is None]
    for i, spot in zip(loose, _rows_below(len(loose), placed_xy, spacing), strict=True):
        coords[i] = spot
    settle = [i for i in range(n) if not held[i] and (i not in loose or adjacency[i])]
    if not settle:
        return {sid: (coords[i][0], coords[i][1]) for i, sid in enumerate(ids)}

    # Only the new nodes, their neighbours and the few fixed nodes nearest each take part:
    # forces from far-away fixed nodes are negligible, and computing them made adding one
    # actor to the large mission cost a second.
    cells: dict[tuple[int, int], list[int]] = defaultdict(list)
    for i in range(n):
        if held[i]:
            cells[(int(coords[i][0] // spacing), int(coords[i][1] // spacing))].append(i)
    local = set(settle)
    for i in settle:
        local.update(adjacency[i])
        cx, cy = int(coords[i][0] // spacing), int(coords[i][1] // spacing)
        near = [j for dx in (-1, 0, 1) for dy in (-1, 0, 1)
                for j in cells.get((cx + dx, cy + dy), ())]
        near.sort(key=lambda j, p=coords[i]: (math.dist(p, coords[j]), j))
        local.update(near[:_NEAREST])
    keep = sorted(local)
    position_of = {i: k for k, i in enumerate(keep)}
    sub_edges, sub_weights = [], []
    for (a, b), w in zip(edges, weights, strict=True):
        if a in position_of and b in position_of:
            sub_edges.append((position_of[a], position_of[b]))
            sub_weights.append(w)
    sub = igraph.Graph(n=len(keep), edges=sub_edges, directed=False)
    fixed = [held[i] or i in loose and not adjacency[i] for i in keep]
    moved = _relax(sub, [ids[i] for i in keep], [coords[i] for i in keep], sub_weights, fixed,
                   sub_edges, seed=seed, niter=150, temp=1.5, progress=progress,
                   spacing=spacing)
    result = {sid: (coords[i][0], coords[i][1]) for i, sid in enumerate(ids)}
    result.update(moved)
    return result


def _fresh(ids, edges, weights, adjacency, *, seed, rng, progress) -> list[list[float]]:
    """A fresh layout: FR over the linked nodes fitted to the box, the rest in rows below."""
    igraph = igraph_core.load()

    n = len(ids)
    side = box_side(n)
    linked = [i for i in range(n) if adjacency[i]]
    alone = [i for i in range(n) if not adjacency[i]]
    coords: list[list[float]] = [[0.0, 0.0] for _ in range(n)]
    if linked:
        position_of = {i: k for k, i in enumerate(linked)}
        sub = igraph.Graph(n=len(linked), edges=[(position_of[a], position_of[b])
                                                 for a, b in edges], directed=False)
        m = len(linked)
        unit = math.sqrt(m)
        start = [[rng.uniform(0, unit), rng.uniform(0, unit)] for _ in range(m)]
        with _seeded(seed):
            placed = _fr(sub, start, weights, niter=500, start_temp=math.sqrt(m) / 10,
                         fixed=None, grid=m >= 1000, progress=progress)
        placed = _fit(placed, side) if m > 1 else [[side / 2, side / 2]]
        for i, xy in zip(linked, placed, strict=True):
            coords[i] = xy
    spacing = side / math.sqrt(max(n, 1)) * 0.6
    if alone:
        base = [coords[i] for i in linked] or [[0.0, 0.0], [side, 0.0]]
        for i, spot in zip(alone, _rows_below(len(alone), base, spacing), strict=True):
            coords[i] = spot
    return coords


def _relax(g, ids, coords, weights, held, edges, *, seed, niter, temp, progress,
           spacing: float | None = None) -> dict[str, tuple[float, float]]:
    """A short FR with the held vertices fixed, in igraph units (median edge ~ _GRID_EDGE)."""
    if spacing is None:
        spacing = (_median_edge(coords, edges, lambda i: True)
                   or box_side(len(ids)) / math.sqrt(len(ids)))
    unit = spacing / _GRID_EDGE
    start = [[x / unit, y / unit] for x, y in coords]
    with _seeded(seed):
        result = _fr(g, start, weights, niter=niter, start_temp=temp, fixed=held, grid=True,
                     progress=progress)
    out = {}
    for i, sid in enumerate(ids):
        if held[i]:
            out[sid] = (float(coords[i][0]), float(coords[i][1]))  # exactly as given
        else:
            out[sid] = (result[i][0] * unit, result[i][1] * unit)
    return out


