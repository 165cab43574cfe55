"""Network analysis on the large mission: graph, metrics, layouts, reach paths, exports.

    python tests/perf/network_metrics.py [--mission FILE] [--runs N]

Prints the median of N runs (default 3) of each step, with the bars of DESIGN.md where
there is one (metrics under 5 s; layouts: 300 nodes under 0.5 s and 2,000 under 3 s
including the paint, which tests/perf/map_view.py measures) and, as floors, networkx's
own routines where they are cheap enough to run (PageRank, Louvain; sampled betweenness
on 1,000 nodes). Layout subgraphs are the most influential actors of the mission.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

PASSPHRASE = "benchmark passphrase, not a secret"


def timed(fn, runs: int):
    times, result = [], None
    for _ in range(runs):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), result


def line(label: str, seconds: float, bar: float | None = None, note: str = "") -> None:
    verdict = ""
    if bar is not None:
        verdict = "  (bar %.1f s: %s)" % (bar, "ok" if seconds < bar else "OVER")
    print("%-46s %8.3f s%s%s" % (label, seconds, verdict, ("  " + note) if note else ""),
          flush=True)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mission", type=Path,
                        default=Path(tempfile.gettempdir()) / "missiondesk-large-bench.mdesk")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    os.environ.setdefault("MISSIONDESK_HOME", tempfile.mkdtemp(prefix="missiondesk-bench-"))
    if not args.mission.exists():
        import subprocess

        print("writing the large mission to %s (once)..." % args.mission, flush=True)
        subprocess.run([sys.executable, "-m", "missiondesk", "demo", str(args.mission),
                        "--large"], check=True,
                       env=dict(os.environ, MISSIONDESK_PASSPHRASE=PASSPHRASE))
    import networkx as nx

    from missiondesk.services import network
    from missiondesk.store.handle import open_mission

    runs = args.runs
    handle = open_mission(args.mission, PASSPHRASE)
    try:
        build, graph = timed(lambda: network.build_graph(handle), runs)
        line("build_graph (%d nodes, %d edges)" % (graph.number_of_nodes(),
                                                  graph.number_of_edges()), build)
        last_year = network.GraphFilter(as_of=date.today() - timedelta(days=365))
        past, old = timed(lambda: network.build_graph(handle, last_year), runs)
        line("build_graph as of a year ago (%d nodes)" % old.number_of_nodes(), past)
        metrics_time, metrics = timed(lambda: network.network_metrics(graph), runs)
        line("network_metrics (betweenness %s)" % ("sampled" if metrics.sampled else "exact"),
             metrics_time, 5.0)
        target = metrics.most_contested[0]
        reach, paths = timed(lambda: network.reach_paths(handle, graph, target), runs)
        line("reach_paths to the most contested (%d)" % len(paths), reach)
        since = date.today().replace(day=1)
        changes, _ = timed(lambda: network.changes_since(handle, since), runs)
        line("changes_since the 1st of the month", changes)
    finally:
        handle.close()

    by_influence = sorted(graph.nodes, key=lambda s: (-graph.nodes[s]["influence"], s))
    for size, bar in ((300, 0.5), (2000, 3.0), (graph.number_of_nodes(), None)):
        sub = graph.subgraph(by_influence[:size]).copy()
        seconds, positions = timed(lambda sub=sub: network.layout(sub), runs)
        line("layout fresh, %d nodes / %d edges" % (size, sub.number_of_edges()), seconds, bar,
             "(paint not included)" if bar else "")
    full = graph
    fresh = network.layout(full)
    ids = sorted(full.nodes)
    for added in (1, 20, 200):
        known = {k: v for k, v in fresh.items() if k not in ids[:added]}
        seconds, _ = timed(lambda known=known: network.layout(full, positions=known), runs)
        line("layout incremental, %d new among %d" % (added, len(ids)), seconds)
    seconds, _ = timed(lambda: network.layout(full, positions=fresh), runs)
    line("layout with every position saved", seconds)

    with tempfile.TemporaryDirectory() as folder:
        seconds, _ = timed(lambda: network.write_graphml(
            full, Path(folder) / "m.graphml", classification="CONFIDENTIAL"), 1)
        line("write_graphml", seconds)
        seconds, _ = timed(lambda: network.write_gexf(
            full, Path(folder) / "m.gexf", classification="CONFIDENTIAL", positions=fresh), 1)
        line("write_gexf", seconds)

    print("\nfloors and comparisons (networkx):", flush=True)
    simple = nx.DiGraph()
    for u, v, d in full.edges(data=True):
        simple.add_edge(u, v, weight=d["strength"])
    seconds, _ = timed(lambda: nx.pagerank(simple, weight="weight"), 1)
    line("networkx pagerank (all links)", seconds)
    undirected = simple.to_undirected()
    seconds, _ = timed(lambda: nx.community.louvain_communities(undirected, seed=7), 1)
    line("networkx louvain", seconds)
    small = undirected.subgraph(by_influence[:1000]).copy()
    for _u, _v, d in small.edges(data=True):
        d["distance"] = 1.0 / d["weight"]
    seconds, _ = timed(lambda: nx.betweenness_centrality(small, k=100, weight="distance",
                                                         seed=7), 1)
    line("networkx betweenness, 1,000 nodes, k=100", seconds)
    return 0


if __name__ == "__main__":
    sys.exit(main())
