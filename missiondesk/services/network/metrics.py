"""Network metrics: influence, brokerage, contested, communities and cut points."""

from __future__ import annotations

import random
import threading
from collections import defaultdict
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta  # noqa: F401

from missiondesk.services.network import igraph_core
from missiondesk.services.network.graph import (
    _ADVERSARIAL,
    _INFLUENCE_FAMILIES,
    _INFLUENCE_REVERSED,
    SAMPLE_ABOVE,
    SAMPLE_SOURCES,
)

# --- igraph helpers -------------------------------------------------------------------------

_RNG_LOCK = threading.Lock()


@contextmanager
def _seeded(seed: int):
    """igraph's random generator seeded for one computation (igraph's generator is global)."""
    igraph = igraph_core.load()

    with _RNG_LOCK:
        igraph.set_random_number_generator(random.Random(seed))
        try:
            yield
        finally:
            igraph.set_random_number_generator(random)


def _pairs(graph, ids_index: dict[str, int], *, keep: Callable[[dict], bool],
           combine: str) -> dict[tuple[int, int], float]:
    """Undirected pairs (i < j) -> weight (`link_weight`) over the kept edges ("max" or
    "sum")."""
    pairs: dict[tuple[int, int], float] = {}
    for u, v, data in graph.edges(data=True):
        if u == v or not keep(data):
            continue
        a, b = ids_index[u], ids_index[v]
        key = (a, b) if a < b else (b, a)
        s = link_weight(data)
        if combine == "max":
            if s > pairs.get(key, 0.0):
                pairs[key] = s
        else:
            pairs[key] = pairs.get(key, 0.0) + s
    return pairs


#: How much a link counts in the analysis by the confidence recorded for it: an analyst
#: trusts a confirmed link fully, a doubtful one a quarter as much.
CONFIDENCE_WEIGHT = {"confirmed": 1.0, "probable": 0.8, "possible": 0.5, "doubtful": 0.25}
#: A link whose status is "alleged" counts this much more (on top of its confidence).
ALLEGED_WEIGHT = 0.5


def link_weight(data: dict) -> float:
    """Strength x confidence weight (x ALLEGED_WEIGHT when alleged): what a link counts in
    influence, brokerage, clusters and contestation."""
    weight = float(data.get("strength") or 1)
    weight *= CONFIDENCE_WEIGHT.get(data.get("confidence") or "probable", 0.8)
    if data.get("status") == "alleged":
        weight *= ALLEGED_WEIGHT
    return weight


def contest_parties(u: str, v: str, data: dict) -> tuple[str, ...]:
    """The parties to an adversarial link: both ends of a symmetric one (armed conflict,
    rivalry), the actor that acts in a directed one (attacks, opposes, obstructs, hostile
    rhetoric) — not its victim or object. Other families: none."""
    if data.get("family") != _ADVERSARIAL:
        return ()
    return (u, v) if data.get("symmetric") else (u,)


def _not_adversarial(data: dict) -> bool:
    return data.get("family") != _ADVERSARIAL and (data.get("valence") or 0) >= 0


def _influence_arcs(u: str, v: str, data: dict) -> list[tuple[str, str]]:
    """(influencer, influenced) pairs one edge stands for (none for other families)."""
    if data.get("family") not in _INFLUENCE_FAMILIES or (data.get("valence") or 0) < 0:
        return []
    if data.get("symmetric"):
        return [(u, v), (v, u)]
    if data.get("type") in _INFLUENCE_REVERSED:
        return [(v, u)]
    return [(u, v)]


# --- metrics --------------------------------------------------------------------------------


@dataclass(frozen=True)
class NodeMetrics:
    id: str
    name: str
    category: str
    degree: int  # distinct stakeholders linked, any relationship
    weighted_in: float  # influence received (cooperative, structural), by `link_weight`
    weighted_out: float  # influence exerted
    betweenness: float  # normalised 0..1 (networkx's normalisation), distance 1/weight
    pagerank: float
    community: int  # index into NetworkMetrics.communities (largest first)
    contested: float  # sum of weight x max(1, -valence) over the adversarial links it is party to


@dataclass(frozen=True)
class CutPoint:
    """An actor whose loss splits the network of channels (non-adversarial links)."""

    id: str
    cut_off: list[list[str]]  # the pieces it alone links to the rest, largest first (ids)
    rest: int  # actors in the largest piece that remains


@dataclass(frozen=True)
class NetworkMetrics:
    nodes: dict[str, NodeMetrics]
    brokers: list[str]  # ids with betweenness > 0, best first
    most_influential: list[str]  # ids with influence links, by PageRank, best first
    most_contested: list[str]  # ids party to adversarial links, most contested first
    communities: list[list[str]]  # ids, largest community first, members by name
    sampled: bool  # betweenness estimated from SAMPLE_SOURCES sources
    cut_points: list[CutPoint] = ()  # articulation points, the most cut off first

    def partition(self) -> dict[str, int]:
        """Stakeholder id -> community number: the `previous` of the next computation."""
        return {sid: m.community for sid, m in self.nodes.items()}


def cut_points(n: int, pairs: Iterable[tuple[int, int]]) -> list[tuple[int, list[list[int]], int]]:
    """Articulation points of an undirected graph on 0..n-1: (vertex, the pieces its removal
    separates from the largest remaining piece of its component, that piece's size).

    Iterative Tarjan (no recursion limit at mission scale); pieces are DFS subtrees, read as
    ranges of the preorder, so the whole is linear in the size of the graph.
    """
    adjacency: list[list[int]] = [[] for _ in range(n)]
    for a, b in pairs:
        adjacency[a].append(b)
        adjacency[b].append(a)
    order = [-1] * n  # preorder number
    low = [0] * n
    size = [1] * n
    parent = [-1] * n
    preorder: list[int] = []
    children: list[list[int]] = [[] for _ in range(n)]
    component_size: dict[int, int] = {}
    root_of = [-1] * n
    for root in range(n):
        if order[root] != -1:
            continue
        order[root] = low[root] = len(preorder)
        preorder.append(root)
        root_of[root] = root
        stack = [(root, iter(adjacency[root]))]
        while stack:
            v, neighbours = stack[-1]
            advanced = False
            for w in neighbours:
                if order[w] == -1:
                    parent[w] = v
                    root_of[w] = root
                    children[v].append(w)
                    order[w] = low[w] = len(preorder)
                    preorder.append(w)
                    stack.append((w, iter(adjacency[w])))
                    advanced = True
                    break
                if w != parent[v]:
                    low[v] = min(low[v], order[w])
            if advanced:
                continue
            stack.pop()
            if parent[v] != -1:
                p = parent[v]
                low[p] = min(low[p], low[v])
                size[p] += size[v]
        component_size[root] = size[root]
    result = []
    for v in range(n):
        if parent[v] == -1:
            pieces = children[v] if len(children[v]) > 1 else []
        else:
            pieces = [c for c in children[v] if low[c] >= order[v]]
        if not pieces:
            continue
        groups = [preorder[order[c]:order[c] + size[c]] for c in pieces]
        rest = component_size[root_of[v]] - 1 - sum(len(g) for g in groups)
        groups.sort(key=len, reverse=True)
        if rest < len(groups[0]):  # the largest piece is a subtree: it is "the rest"
            largest = groups.pop(0)
            if rest > 0:
                taken = {u for g in (largest, *groups) for u in g}
                first = order[root_of[v]]
                groups.append([u for u in preorder[first:first + component_size[root_of[v]]]
                               if u != v and u not in taken])
            rest = len(largest)
            groups.sort(key=len, reverse=True)
        result.append((v, groups, rest))
    return result


def network_metrics(graph, *, seed: int = 7,
                    previous: dict[str, int] | None = None) -> NetworkMetrics:
    """Degree, weighted influence, betweenness, PageRank, communities, contestation and the
    actors whose loss splits the network.

    Every link counts by `link_weight` (strength x confidence, halved when alleged), so
    doubtful and alleged links weigh less than confirmed ones. Deterministic: vertices are
    taken in id order and igraph's generator is seeded, so the same graph gives the same
    numbers and the same communities. Communities: Louvain, refined by Leiden (modularity);
    with `previous` (the last partition, id -> community, e.g. `NetworkMetrics.partition()`)
    Leiden starts from it, so a small edit moves only the actors it concerns. Betweenness is
    exact up to SAMPLE_ABOVE nodes, then estimated from SAMPLE_SOURCES sources drawn with the
    seed (scaled by n / sources).
    """
    igraph = igraph_core.load()

    ids = sorted(graph.nodes)
    n = len(ids)
    if n == 0:
        return NetworkMetrics({}, [], [], [], [], False, [])
    index = {sid: i for i, sid in enumerate(ids)}
    names = [graph.nodes[sid].get("name") or "" for sid in ids]

    neighbours: list[set[int]] = [set() for _ in range(n)]
    w_in = [0.0] * n
    w_out = [0.0] * n
    contested = [0.0] * n
    depends: dict[tuple[int, int], float] = {}
    for u, v, data in graph.edges(data=True):
        if u == v:
            continue
        a, b = index[u], index[v]
        neighbours[a].add(b)
        neighbours[b].add(a)
        weight = link_weight(data)
        valence = data.get("valence") or 0
        if data.get("family") == _ADVERSARIAL or valence < 0:
            score = weight * max(1, -valence)
            for party in contest_parties(u, v, data):
                contested[index[party]] += score
            continue
        for src, dst in _influence_arcs(u, v, data):
            i, j = index[src], index[dst]
            w_out[i] += weight
            w_in[j] += weight
            depends[(j, i)] = depends.get((j, i), 0.0) + weight

    # PageRank on "depends on" arcs (influenced -> influencer), teleporting in proportion to
    # the cube of the influence the team assessed (1-5) with alpha 0.6: recorded links decide
    # most of the rank, the team's judgment the rest, so a head of state with few recorded
    # links still ranks above a contractor with many (checked on the Carana demo).
    # networkx's (scipy) power iteration, not igraph's: PRPACK runs multi-threaded and its
    # last digits changed from run to run, so rankings could flip.
    if depends:
        import networkx as nx

        arcs = nx.DiGraph()
        arcs.add_nodes_from(range(n))
        arcs.add_weighted_edges_from((j, i, w) for (j, i), w in depends.items())
        assessed = {i: float(graph.nodes[sid].get("influence") or 1) ** 3
                    for i, sid in enumerate(ids)}
        ranks = nx.pagerank(arcs, alpha=0.6, weight="weight", tol=1e-10, max_iter=500,
                            personalization=assessed)
        pagerank = [ranks[i] for i in range(n)]
    else:
        pagerank = [1.0 / n] * n

    # Betweenness and communities on the non-adversarial links, undirected.
    closest = _pairs(graph, index, keep=_not_adversarial, combine="max")
    g_path = igraph.Graph(n=n, edges=list(closest), directed=False)
    distances = [1.0 / s for s in closest.values()]
    sampled = n > SAMPLE_ABOVE
    with _seeded(seed):
        if not closest:
            between = [0.0] * n
        elif sampled:
            sources = random.Random(seed).sample(range(n), min(SAMPLE_SOURCES, n))
            raw = g_path.betweenness(directed=False, weights=distances, sources=sources)
            # With every node as a source igraph gives the exact figure: scale the sample
            # to its expectation.
            between = [x * n / len(sources) for x in raw]
        else:
            between = g_path.betweenness(directed=False, weights=distances)
        together = _pairs(graph, index, keep=_not_adversarial, combine="sum")
        if together:
            membership = _communities(n, together, ids, previous)
        else:
            membership = list(range(n))
    norm = 2.0 / ((n - 1) * (n - 2)) if n > 2 else 0.0
    between = [x * norm for x in between]

    groups: dict[int, list[int]] = defaultdict(list)
    for i, label in enumerate(membership):
        groups[label].append(i)
    ordered = sorted(groups.values(),
                     key=lambda members: (-len(members), min(ids[i] for i in members)))
    community_of = [0] * n
    communities: list[list[str]] = []
    for number, members in enumerate(ordered):
        members.sort(key=lambda i: (names[i].casefold(), ids[i]))
        communities.append([ids[i] for i in members])
        for i in members:
            community_of[i] = number

    nodes = {}
    for i, sid in enumerate(ids):
        data = graph.nodes[sid]
        nodes[sid] = NodeMetrics(
            id=sid, name=names[i], category=data.get("category") or "other",
            degree=len(neighbours[i]), weighted_in=w_in[i], weighted_out=w_out[i],
            betweenness=between[i], pagerank=pagerank[i], community=community_of[i],
            contested=contested[i])

    def ranked(values: list[float], keep: Callable[[int], bool]) -> list[str]:
        chosen = [i for i in range(n) if keep(i)]
        chosen.sort(key=lambda i: (-values[i], names[i].casefold(), ids[i]))
        return [ids[i] for i in chosen]

    def by_name(members: list[int]) -> list[str]:
        return [ids[i] for i in sorted(members, key=lambda i: (names[i].casefold(), ids[i]))]

    cuts = [CutPoint(ids[v], [by_name(g) for g in pieces], rest)
            for v, pieces, rest in cut_points(n, closest)]
    cuts.sort(key=lambda c: (-sum(len(g) for g in c.cut_off), -between[index[c.id]],
                             names[index[c.id]].casefold(), c.id))
    has_influence = [w_in[i] > 0 or w_out[i] > 0 for i in range(n)]
    return NetworkMetrics(
        nodes=nodes,
        brokers=ranked(between, lambda i: between[i] > 1e-12),
        most_influential=ranked(pagerank, lambda i: has_influence[i]),
        most_contested=ranked(contested, lambda i: contested[i] > 0),
        communities=communities,
        sampled=sampled,
        cut_points=cuts,
    )


def _communities(n: int, together: dict[tuple[int, int], float], ids: list[str],
                 previous: dict[str, int] | None) -> list[int]:
    """Community labels of 0..n-1 (igraph, inside the caller's seeded generator).

    Without `previous`: Louvain, then Leiden started from it (Leiden only ever improves a
    partition and its communities are connected). With `previous`: Leiden started from the
    previous partition (actors it did not hold start alone), so a small edit leaves the
    clusters that it does not touch as they were.
    """
    igraph = igraph_core.load()

    g_com = igraph.Graph(n=n, edges=list(together), directed=False)
    weights = list(together.values())
    if previous:
        labels: dict[int, int] = {}
        start = []
        for sid in ids:
            key = previous.get(sid)
            label = labels.setdefault(key, len(labels)) if key is not None else None
            start.append(label)
        fresh = len(labels)
        for i, label in enumerate(start):
            if label is None:
                start[i] = fresh
                fresh += 1
    else:
        start = g_com.community_multilevel(weights=weights).membership
    return g_com.community_leiden(objective_function="modularity", weights=weights,
                                  initial_membership=start, n_iterations=-1).membership




# --- the map's table and filters (pure) -----------------------------------------------------

#: Link confidence codes, weakest first: the map hides the links below a chosen one.
CONFIDENCE_ORDER = ("doubtful", "possible", "probable", "confirmed")


def restrict_graph(graph, *, min_confidence: str | None = None,
                   regions: Iterable[str] = (), node_regions: dict | None = None):
    """`graph` without the links recorded below `min_confidence` (a link with none counts as
    probable, as in `link_weight`) and, when `regions` is given, with only the actors that
    have one of those regions (`node_regions`: stakeholder id -> its regions) and the links
    between them. Returns `graph` itself when nothing is to be left out."""
    wanted = frozenset(regions)
    floor = CONFIDENCE_ORDER.index(min_confidence) if min_confidence in CONFIDENCE_ORDER else 0
    if not wanted and floor == 0:
        return graph
    if wanted:
        node_regions = node_regions or {}
        keep = [n for n in graph if wanted.intersection(node_regions.get(n, ()))]
        sub = graph.subgraph(keep).copy()
    else:
        sub = graph.copy()
    if floor:
        rank = {code: i for i, code in enumerate(CONFIDENCE_ORDER)}
        sub.remove_edges_from([(u, v, k) for u, v, k, data in sub.edges(keys=True, data=True)
                               if rank.get(data.get("confidence") or "probable", 2) < floor])
    return sub


@dataclass(frozen=True)
class ActorMetrics:
    """One row of the map's metrics table."""

    id: str
    name: str
    category: str
    degree: int
    betweenness: float
    pagerank: float
    cluster: int | None  # 1 = the largest cluster; None: in no cluster (alone)
    last_engaged: date | None


def cluster_numbers(metrics: NetworkMetrics) -> dict[str, int]:
    """Stakeholder id -> cluster number (1 = the largest) for actors in a cluster of two or
    more, numbered as the analysis lists them."""
    numbers: dict[str, int] = {}
    clusters = [c for c in metrics.communities if len(c) > 1]
    for number, members in enumerate(clusters, start=1):
        for sid in members:
            numbers[sid] = number
    return numbers


def actor_metrics(graph, metrics: NetworkMetrics) -> list[ActorMetrics]:
    """Per-actor rows (degree, betweenness, PageRank, cluster, last engaged) of the actors of
    `graph` that `metrics` covers, in the graph's order."""
    numbers = cluster_numbers(metrics)
    rows = []
    for sid, attrs in graph.nodes(data=True):
        m = metrics.nodes.get(sid)
        if m is None:
            continue
        rows.append(ActorMetrics(sid, attrs.get("name") or "", attrs.get("category") or "other",
                                 m.degree, float(m.betweenness), float(m.pagerank),
                                 numbers.get(sid), attrs.get("last_engaged")))
    return rows
