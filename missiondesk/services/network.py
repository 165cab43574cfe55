"""The influence map's analysis: the relationship graph, its metrics, layouts and exports.

networkx is the graph model (a `MultiDiGraph`: node = stakeholder id, edge key = relationship
id, so several typed links per pair are kept) and does the GraphML / GEXF I/O; igraph's C core
does what networkx is too slow for at mission scale: Fruchterman–Reingold layouts,
betweenness and Louvain communities; PageRank stays networkx's (see `network_metrics`).
Measured on the large mission by tests/perf/network_metrics.py.

Reading the relationships:

- *Influence* (PageRank, weighted in/out) runs on cooperative and structural links only.
  Each such link says who exerts influence on whom: "A leads / supports / funds / protects /
  trains / influences B" is A's influence on B; "A is a member of / affiliated with B" is
  B's influence on A; symmetric types (allied_with, partners_with) go both ways.
  `weighted_out` is the strength of the influence an actor exerts, `weighted_in` what it
  receives; PageRank runs on "depends on" arrows (influenced -> influencer), so an actor many
  others depend on ranks high.
- *Brokerage* (betweenness) runs on every link but the adversarial ones (structural,
  cooperative and process: a mediator is a channel), undirected, with distance 1/strength.
- *Contested*: adversarial links (and any link of negative valence, e.g. sanctions) never
  add influence; they add `strength x max(1, -valence)` to the contested score of both ends.
- *Communities*: Louvain (igraph multilevel) on the non-adversarial links, weight strength,
  vertices in id order and igraph's random generator seeded, so the same mission always
  gives the same clusters.

Nothing here imports Qt; user-visible words are the caller's (codes and ids only).
"""

from __future__ import annotations

import calendar
import math
import random
import threading
from collections import defaultdict
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta  # noqa: F401

from missiondesk.store.vocab import RELATIONSHIP_TYPES, Classification, RelationshipFamily

# --- vocabulary of the analysis -------------------------------------------------------------

_FAMILY = {t.value: info.family.value for t, info in RELATIONSHIP_TYPES.items()}
_SYMMETRIC = {t.value: info.symmetric for t, info in RELATIONSHIP_TYPES.items()}
#: Types whose influence runs from the target to the source ("A member_of B": B on A).
_INFLUENCE_REVERSED = frozenset({"member_of", "affiliated_with"})
_INFLUENCE_FAMILIES = frozenset({RelationshipFamily.STRUCTURAL.value,
                                 RelationshipFamily.COOPERATIVE.value})
_ADVERSARIAL = RelationshipFamily.ADVERSARIAL.value
_COOPERATIVE = RelationshipFamily.COOPERATIVE.value
#: Stances toward the mission from which an engaged actor can start a reach path.
_REACH_STANCES = frozenset({"cooperative", "conditional"})
#: Betweenness is sampled (fixed seed, scaled) above this many nodes.
SAMPLE_ABOVE = 1000
#: 1,000 sources on the large mission: 0.75 s, 8 of the exact top 10 brokers and the same
#: first (500: 0.37 s, 6-7 of 10; exact: 3.8 s). tests/perf/network_metrics.py measures it.
SAMPLE_SOURCES = 1000


def family_of(rel_type: str) -> str:
    return _FAMILY.get(rel_type, RelationshipFamily.PROCESS.value)


def is_symmetric(rel_type: str) -> bool:
    return _SYMMETRIC.get(rel_type, False)


# --- partial dates --------------------------------------------------------------------------


def period_start(text: str | None) -> date | None:
    """The first day a partial date ("2019", "2019-05", "2019-05-14") can mean."""
    if not text:
        return None
    try:
        if len(text) == 4:
            return date(int(text), 1, 1)
        if len(text) == 7:
            return date(int(text[:4]), int(text[5:7]), 1)
        return date.fromisoformat(text[:10])
    except ValueError:
        return None


def period_end(text: str | None) -> date | None:
    """The last day a partial date can mean."""
    if not text:
        return None
    try:
        if len(text) == 4:
            return date(int(text), 12, 31)
        if len(text) == 7:
            year, month = int(text[:4]), int(text[5:7])
            return date(year, month, calendar.monthrange(year, month)[1])
        return date.fromisoformat(text[:10])
    except ValueError:
        return None


def valid_on(valid_from: str | None, valid_to: str | None, day: date) -> bool:
    """Whether a validity (partial dates, open ends allowed) contains the day."""
    start, end = period_start(valid_from), period_end(valid_to)
    return (start is None or start <= day) and (end is None or day <= end)


def _day(value) -> date | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


# --- the graph ------------------------------------------------------------------------------


@dataclass(frozen=True)
class GraphFilter:
    """What the map shows. Empty sets filter nothing; `as_of` None is the network today."""

    as_of: date | None = None
    categories: frozenset[str] = frozenset()
    families: frozenset[str] = frozenset()
    min_strength: int = 1
    active_only: bool = False


_STAKEHOLDERS_SQL = (
    "SELECT id, name, category, stance_peace, stance_mission, influence, do_not_engage, "
    "sanctioned, hrddp_flag, classification, created_at FROM stakeholders "
    "WHERE deleted_at IS NULL ORDER BY name_key, id"
)
_RELATIONSHIPS_SQL = (
    "SELECT r.id, r.source_id, r.target_id, r.type, r.strength, r.valence, r.status, "
    "r.valid_from, r.valid_to, r.confidence, r.classification, r.evidence_note, s.code_name "
    "FROM relationships AS r LEFT JOIN sources AS s ON s.id = r.evidence_source_id "
    "AND s.deleted_at IS NULL WHERE r.deleted_at IS NULL ORDER BY r.id"
)
_ASSESSMENTS_SQL = (
    "SELECT stakeholder_id, assessed_on, stance_peace, stance_mission FROM "
    "stakeholder_assessments WHERE deleted_at IS NULL ORDER BY stakeholder_id, assessed_on, "
    "created_at"
)


def _stances_as_of(conn, as_of: date) -> dict[str, dict[str, str]]:
    """Stakeholder id -> {field: stance as of the day} from the dated assessments.

    A field with assessments, none of them on or before the day, is "unknown" then; a field
    never assessed keeps the stakeholder's current value (no history says otherwise).
    """
    day = as_of.isoformat()
    result: dict[str, dict[str, str]] = {}
    for sid, on, peace, mission in conn.exec_driver_sql(_ASSESSMENTS_SQL):
        entry = result.setdefault(sid, {})
        on = str(on)[:10]
        for name, value in (("stance_peace", peace), ("stance_mission", mission)):
            if value is None:
                continue
            if on <= day:
                entry[name] = value
            else:
                entry.setdefault(name, "unknown")
    return result


_FIRST_ENGAGED_SQL = (
    "SELECT stakeholder_id, min(starts_at) FROM engagement_counterparts "
    "WHERE +deleted_at IS NULL GROUP BY stakeholder_id"
)
_FIRST_ASSESSED_SQL = (
    "SELECT stakeholder_id, min(assessed_on) FROM stakeholder_assessments "
    "WHERE deleted_at IS NULL GROUP BY stakeholder_id"
)


def _first_known(conn, relationships) -> dict[str, date]:
    """Stakeholder id -> the earliest day the record shows it existed: its first assessment,
    its first engagement, the start of its earliest dated relationship."""
    known: dict[str, date] = {}

    def note(sid: str, day: date | None) -> None:
        if day is not None and (sid not in known or day < known[sid]):
            known[sid] = day

    for sql in (_FIRST_ENGAGED_SQL, _FIRST_ASSESSED_SQL):
        for sid, first in conn.exec_driver_sql(sql):
            note(sid, _day(first))
    for row in relationships:
        start = period_start(row[7])
        if start is not None:
            note(row[1], start)
            note(row[2], start)
    return known


def build_graph(handle, flt: GraphFilter = GraphFilter()):
    """The relationship network as a networkx MultiDiGraph (see the module docstring).

    Nodes: stakeholder id -> name, category, stance_peace, stance_mission (as of `flt.as_of`
    from the dated assessments when set), influence, do_not_engage, sanctioned, hrddp_flag,
    classification, last_engaged (date | None, up to as_of or today).
    Edges (key = relationship id): type, family, strength, valence, status, valid_from,
    valid_to, confidence, symmetric, classification, evidence_note, evidence_source (code).
    Graph attributes: classification (the highest of what the graph holds), as_of.

    Without `as_of`, ended relationships are left out. With it: stakeholders that did not
    exist yet are left out (created after the day, unless the record shows them earlier: an
    assessment, an engagement or a relationship dated before — imported actors keep their
    history), and a relationship is kept when its validity (partial dates, open
    ends allowed) contains the day — an ended one only when it has an end date on or after
    the day (an ended link without an end date cannot be placed in time). A relationship
    without a start date has existed for as long as the record can tell, until its end: it
    is kept on any past day before its end, and so are the two actors it links (an imported
    network, recorded today, is not empty on every past day).
    """
    import networkx as nx

    from missiondesk.services.stakeholders import _last_engaged

    as_of = flt.as_of
    today = as_of or date.today()
    graph = nx.MultiDiGraph()
    levels = {Classification.UNCLASSIFIED.value}
    with handle.session() as session:
        conn = session.connection()
        last = _last_engaged(session, today)
        stakeholders = conn.exec_driver_sql(_STAKEHOLDERS_SQL).fetchall()
        relationships = conn.exec_driver_sql(_RELATIONSHIPS_SQL).fetchall()
        stances, known = {}, {}
        if as_of is not None:
            stances = _stances_as_of(conn, as_of)
            known = _first_known(conn, relationships)
    categories = flt.categories
    undated_ends: set[str] = set()
    if as_of is not None:
        for row in relationships:
            status, valid_from, valid_to = row[6], row[7], row[8]
            if valid_from or (status == "ended" and period_end(valid_to) is None):
                continue
            if valid_on(None, valid_to, as_of):
                undated_ends.update((row[1], row[2]))
    for (sid, name, category, peace, mission, influence, dne, sanctioned, hrddp, level,
         created) in stakeholders:
        if categories and category not in categories:
            continue
        if as_of is not None:
            first = _day(created)
            evidence = known.get(sid)
            if evidence is not None and (first is None or evidence < first):
                first = evidence
            if first is not None and first > as_of and sid not in undated_ends:
                continue
            past = stances.get(sid)
            if past:
                peace = past.get("stance_peace", peace)
                mission = past.get("stance_mission", mission)
        levels.add(level)
        graph.add_node(sid, name=name, category=category, stance_peace=peace,
                       stance_mission=mission, influence=influence, do_not_engage=bool(dne),
                       sanctioned=bool(sanctioned), hrddp_flag=bool(hrddp),
                       classification=level, last_engaged=_day(last.get(sid)))
    families, min_strength, active_only = flt.families, flt.min_strength, flt.active_only
    nodes = graph.nodes
    for (rid, source, target, rtype, strength, valence, status, valid_from, valid_to,
         confidence, level, note, source_code) in relationships:
        if source not in nodes or target not in nodes:
            continue
        family = family_of(rtype)
        if families and family not in families:
            continue
        if strength < min_strength:
            continue
        if active_only and status != "active":
            continue
        if as_of is None:
            if status == "ended":
                continue
        else:
            if status == "ended" and period_end(valid_to) is None:
                continue
            if not valid_on(valid_from, valid_to, as_of):
                continue
        levels.add(level)
        graph.add_edge(source, target, key=rid, type=rtype, family=family, strength=strength,
                       valence=valence, status=status, valid_from=valid_from,
                       valid_to=valid_to, confidence=confidence, symmetric=is_symmetric(rtype),
                       classification=level, evidence_note=note, evidence_source=source_code)
    graph.graph["classification"] = Classification.highest(levels).value
    graph.graph["as_of"] = as_of
    return graph


def stakeholder_aliases(handle) -> dict[str, list[str]]:
    """Stakeholder id -> its aliases (only those that have some): the map's short names
    and its search use them."""
    import json

    result = {}
    with handle.session() as session:
        rows = session.connection().exec_driver_sql(
            "SELECT id, aliases FROM stakeholders WHERE deleted_at IS NULL").fetchall()
    for sid, raw in rows:
        try:
            values = json.loads(raw) if isinstance(raw, str) else (raw or [])
        except ValueError:
            continue
        values = [str(v) for v in values or () if v]
        if values:
            result[sid] = values
    return result


def undated_relationships(handle) -> int:
    """How many live relationships have neither a start nor an end date (the "as of"
    slider shows them on every past day)."""
    with handle.session() as session:
        return int(session.connection().exec_driver_sql(
            "SELECT count(*) FROM relationships WHERE deleted_at IS NULL AND "
            "coalesce(valid_from, '') = '' AND coalesce(valid_to, '') = ''").scalar() or 0)


# --- igraph helpers -------------------------------------------------------------------------

_RNG_LOCK = threading.Lock()


@contextmanager
def _seeded(seed: int):
    """igraph's random generator seeded for one computation (igraph's generator is global)."""
    import igraph

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
    import igraph

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
    import igraph

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
        grid: bool, progress, steps: int = 5) -> list[list[float]]:
    """igraph FR in `steps` chunks (linear cooling across them), fixed vertices bounded."""
    bounds = {}
    if fixed is not None and any(fixed):
        inf = float("inf")
        bounds = {"minx": [c[0] if f else -inf for c, f in zip(coords, fixed, strict=True)],
                  "maxx": [c[0] if f else inf for c, f in zip(coords, fixed, strict=True)],
                  "miny": [c[1] if f else -inf for c, f in zip(coords, fixed, strict=True)],
                  "maxy": [c[1] if f else inf for c, f in zip(coords, fixed, strict=True)]}
    steps = max(1, min(steps, niter // 20)) if progress is not None else 1
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
    import igraph

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
    import igraph

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


# --- saved positions ------------------------------------------------------------------------


def saved_positions(handle) -> dict[str, tuple[float, float, bool]]:
    """Stakeholder id -> (x, y, pinned) of every saved map position."""
    with handle.session() as session:
        rows = session.connection().exec_driver_sql(
            "SELECT stakeholder_id, x, y, pinned FROM map_positions WHERE deleted_at IS NULL"
        ).fetchall()
    return {sid: (float(x), float(y), bool(p)) for sid, x, y, p in rows}


def _position_rows(uow, ids: list[str]) -> dict:
    from sqlalchemy import select

    from missiondesk.store.schema import MapPosition

    found = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        for row in uow.session.scalars(
                select(MapPosition).where(MapPosition.stakeholder_id.in_(chunk))
                .execution_options(include_deleted=True)):
            found[row.stakeholder_id] = row
    return found


def save_positions(uow, positions: dict[str, tuple[float, float, bool]]
                   ) -> dict[str, tuple[float, float, bool] | None]:
    """Upsert map positions; returns the previous values (None: there was none) for undo."""
    from missiondesk.store.schema import MapPosition, new_id

    ids = list(positions)
    rows = _position_rows(uow, ids)
    previous: dict[str, tuple[float, float, bool] | None] = {}
    for sid in ids:
        x, y, pin = positions[sid]
        x, y, pin = float(x), float(y), bool(pin)
        row = rows.get(sid)
        if row is None:
            previous[sid] = None
            uow.add(MapPosition(id=new_id(), stakeholder_id=sid, x=x, y=y, pinned=pin,
                                revision=1))
            continue
        previous[sid] = None if row.deleted_at is not None else (row.x, row.y, bool(row.pinned))
        if row.deleted_at is not None:
            row.deleted_at = None
        if row.x != x:
            row.x = x
        if row.y != y:
            row.y = y
        if bool(row.pinned) != pin:
            row.pinned = pin
    uow.session.flush()
    return previous


def delete_positions(uow, ids: Iterable[str]) -> None:
    """Forget the saved positions of these stakeholders (undo of a first placement)."""
    from missiondesk.store.handle import utcnow

    rows = _position_rows(uow, list(ids))
    now = utcnow()
    for row in rows.values():
        if row.deleted_at is None:
            row.deleted_at = now
    uow.session.flush()


# --- reach paths ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ReachPath:
    nodes: list[str]  # from the stakeholder the mission engages (or owns) to the target
    edges: list[str]  # relationship ids, one per step
    score: float  # product of strength/5 over the links, x 0.8 per intermediary (1 = best)
    first_link_last_engaged: date | None  # when the mission last met the first stakeholder


@dataclass(frozen=True)
class Reach:
    """Reach paths to one actor, and why there are none when there are none.

    `reason` (None when there are paths): "no_starters" (the mission engages or owns no
    actor that can start a chain), "no_channel" (no usable cooperative or process link
    touches the target: `links` lists the links it has), "blocked" (its channels pass only
    through do-not-engage or sanctioned actors), "not_connected" (no chain of channels
    joins it to an actor the mission engages or owns).
    """

    paths: list[ReachPath]
    starters: int  # actors a chain can start from
    reason: str | None = None
    links: list[tuple[str, str, str]] = ()  # (relationship id, type, other actor id)


#: Each intermediary in a chain costs this factor of the score (a longer chain is riskier).
_HOP_FACTOR = 0.8
#: Process links that are channels: a mediator, a guarantor, a negotiating or signatory
#: party talks with the other side, so either can carry a message to the other.
CHANNEL_PROCESS_TYPES = frozenset({"mediates", "negotiates_with", "guarantor_of",
                                   "agreement_with"})
#: Stances toward the mission from which no chain starts (a hostile actor carries nothing).
_HOSTILE_STANCES = frozenset({"obstructive", "hostile_rhetoric", "hostile_violent"})
#: Default recency window of "actors the mission engages" (days; None: any time).
ENGAGED_WITHIN_DAYS = 180


def _channel_arcs(u: str, v: str, data: dict) -> list[tuple[str, str]]:
    """The (from, to) directions a link can carry a message, none if it is no channel:
    cooperative links in their direction (both ways when symmetric), the channel process
    links both ways; never a link of negative valence."""
    if (data.get("valence") or 0) < 0:
        return []
    family = data.get("family")
    if family == _COOPERATIVE:
        return [(u, v), (v, u)] if data.get("symmetric") else [(u, v)]
    if family == RelationshipFamily.PROCESS.value and data.get("type") in CHANNEL_PROCESS_TYPES:
        return [(u, v), (v, u)]
    return []


_OWNED_SQL = "SELECT id FROM stakeholders WHERE owner_id IS NOT NULL AND deleted_at IS NULL"


def reach(handle, graph, target_id: str, *, limit: int = 5, today: date | None = None,
          engaged_within_days: int | None = ENGAGED_WITHIN_DAYS) -> Reach:
    """The best chains of channels from the actors the mission engages or owns to
    `target_id`, best first, or why there is none.

    A chain starts at an actor the mission met within `engaged_within_days` of `today`
    (None: ever; by the engagement record of `handle`; `today` defaults to the graph's as-of
    day, else today) or that has an owner in the team, and whose stance toward the mission
    (in the graph) is not obstructive or hostile. It follows cooperative relationships in
    their direction ("A influences B": A can reach B; both ways for symmetric types) and the
    channel process links (mediates, negotiates_with, guarantor_of, agreement_with) both
    ways; it never starts at, passes through or uses a do-not-engage or sanctioned actor,
    and never passes through another starting actor (that one is the better start).
    Score = product of strength/5 over the links x 0.8 per intermediary; ties go to fewer
    steps. A target that is itself a starting actor is a chain of one node (score 1).
    Ended relationships are in the graph only when its as-of day falls inside their
    validity, so they are used only then.
    """
    import networkx as nx

    from missiondesk.services.stakeholders import _last_engaged

    if target_id not in graph:
        return Reach([], 0, "no_channel", [])
    today = today or graph.graph.get("as_of") or date.today()
    with handle.session() as session:
        last = {sid: _day(value) for sid, value in _last_engaged(session, today).items()}
        owned = {sid for (sid,) in session.connection().exec_driver_sql(_OWNED_SQL)}
    earliest = (None if engaged_within_days is None
                else today - timedelta(days=engaged_within_days))

    def blocked(sid: str) -> bool:
        data = graph.nodes[sid]
        return bool(data.get("do_not_engage") or data.get("sanctioned"))

    starters = set()
    for sid, data in graph.nodes(data=True):
        met = last.get(sid)
        engaged = met is not None and met <= today and (earliest is None or earliest <= met)
        if ((engaged or sid in owned) and not blocked(sid)
                and data.get("stance_mission") not in _HOSTILE_STANCES):
            starters.add(sid)
    count = len(starters)
    paths: list[ReachPath] = []
    if target_id in starters:
        paths.append(ReachPath([target_id], [], 1.0, last.get(target_id)))
        starters.discard(target_id)

    # The best link per ordered pair: strongest, then the smallest id (deterministic).
    best: dict[tuple[str, str], tuple[int, str]] = {}
    channels_in = blocked_in = 0
    for u, v, key, data in graph.edges(keys=True, data=True):
        if u == v:
            continue
        arcs = _channel_arcs(u, v, data)
        if target_id in (u, v) and any(arc[1] == target_id for arc in arcs):
            channels_in += 1
            other = u if v == target_id else v
            if blocked(other):
                blocked_in += 1
        if (blocked(u) and u != target_id) or (blocked(v) and v != target_id):
            continue
        strength = int(data.get("strength") or 1)
        for arc in arcs:
            if arc[1] in starters or arc[0] == target_id:
                continue  # never through another engaged actor; nothing beyond the target
            old = best.get(arc)
            if old is None or (-strength, key) < (-old[0], old[1]):
                best[arc] = (strength, key)

    def why(reason: str) -> Reach:
        links = []
        if reason == "no_channel":
            for u, v, key, data in graph.edges(keys=True, data=True):
                if target_id in (u, v) and u != v:
                    links.append((str(key), data.get("type") or "", v if u == target_id else u))
        return Reach(paths[:limit], count, None if paths else reason, links)

    chains = nx.DiGraph()
    for (u, v), (strength, key) in best.items():
        cost = -math.log(strength / 5.0) - math.log(_HOP_FACTOR) + 1e-9
        chains.add_edge(u, v, cost=cost, key=key, strength=strength)
    if not count:
        return why("no_starters")
    if not channels_in:
        return why("no_channel")
    if channels_in == blocked_in:
        return why("blocked")
    # Only what can reach the target matters.
    if target_id not in chains:
        return why("not_connected")
    reachable = nx.ancestors(chains, target_id) | {target_id}
    sources = sorted(reachable & starters)
    if not sources:
        return why("not_connected")
    chains = chains.subgraph(reachable).copy()
    start = ("start",)  # not a stakeholder id
    for sid in sources:
        chains.add_edge(start, sid, cost=0.0)
    for route in nx.shortest_simple_paths(chains, start, target_id, weight="cost"):
        if len(paths) >= limit:
            break
        nodes = list(route[1:])
        steps = list(zip(nodes, nodes[1:], strict=False))
        score = _HOP_FACTOR ** (len(steps) - 1)
        for u, v in steps:
            score *= chains[u][v]["strength"] / 5.0
        paths.append(ReachPath(nodes=nodes, edges=[chains[u][v]["key"] for u, v in steps],
                               score=score, first_link_last_engaged=last.get(nodes[0])))
    paths.sort(key=lambda p: (-round(p.score, 9), len(p.nodes)))
    return Reach(paths[:limit], count)


def reach_paths(handle, graph, target_id: str, *, limit: int = 5, today: date | None = None,
                engaged_within_days: int | None = ENGAGED_WITHIN_DAYS) -> list[ReachPath]:
    """The paths of `reach` (see there)."""
    return reach(handle, graph, target_id, limit=limit, today=today,
                 engaged_within_days=engaged_within_days).paths


# --- what changed ---------------------------------------------------------------------------


@dataclass(frozen=True)
class NetworkChanges:
    started: list[str]  # relationship ids, earliest first
    ended: list[str]  # relationship ids, earliest first
    stance_changes: list[tuple[str, date, str, str | None, str]]  # (id, day, field, old, new)
    new_actors: list[str]  # stakeholder ids, earliest first


_CHANGES_REL_SQL = (
    "SELECT id, source_id, target_id, type, strength, valence, status, valid_from, "
    "valid_to, created_at FROM relationships WHERE deleted_at IS NULL"
)
_ENDED_LOG_SQL = (
    "SELECT record_id, min(at) FROM change_log WHERE table_name = 'relationships' "
    "AND field = 'status' AND new_value = ? AND at >= ? AND at < ? GROUP BY record_id"
)
_ALL_ASSESSMENTS_SQL = (
    "SELECT a.stakeholder_id, a.assessed_on, a.stance_peace, a.stance_mission "
    "FROM stakeholder_assessments AS a JOIN stakeholders AS s ON s.id = a.stakeholder_id "
    "AND s.deleted_at IS NULL WHERE a.deleted_at IS NULL "
    "ORDER BY a.stakeholder_id, a.assessed_on, a.created_at"
)


def _overlaps(text: str | None, since: date, today: date) -> date | None:
    """The day to report a partial date at when its period overlaps [since, today]."""
    start, end = period_start(text), period_end(text)
    if start is None or end is None or end < since or start > today:
        return None
    return max(start, since)


def changes_since(handle, since: date, today: date | None = None) -> NetworkChanges:
    """Relationships that started or ended, stance changes and new actors between `since`
    and `today` (both included).

    Started: validity begins in the window (a partial date whose period overlaps it), or,
    without a start date, recorded in the window while current (not ended, no end date
    passed: an ended relationship recorded now did not start now). Ended: validity ends in
    the window, or the status was set to ended in the window (change log), or, ended
    without an end date, it was recorded in the window. Stance changes: dated assessments in
    the window that changed a stance (the first assessment of an actor is not a change).
    New actors: stakeholders first seen in the window (recorded, and no earlier assessment,
    engagement or dated relationship shows them before).
    """
    import json

    today = today or date.today()
    low, high = since.isoformat(), (today + timedelta(days=1)).isoformat()
    with handle.session() as session:
        conn = session.connection()
        rels = conn.exec_driver_sql(_CHANGES_REL_SQL).fetchall()
        ended_log = dict(conn.exec_driver_sql(_ENDED_LOG_SQL,
                                              (json.dumps("ended"), low, high)).fetchall())
        assessments = conn.exec_driver_sql(_ALL_ASSESSMENTS_SQL).fetchall()
        people = conn.exec_driver_sql(
            "SELECT id, created_at, name_key FROM stakeholders WHERE deleted_at IS NULL"
        ).fetchall()
        known = _first_known(conn, [(r[0], r[1], r[2], None, None, None, None, r[7])
                                    for r in rels])

    started, ended = [], []
    for rid, _s, _t, _type, _st, _v, status, valid_from, valid_to, created in rels:
        recorded = _day(created)
        recorded_now = recorded is not None and since <= recorded <= today
        over = status == "ended" or (period_end(valid_to) is not None
                                     and period_end(valid_to) <= today)
        day = _overlaps(valid_from, since, today)
        if not valid_from and recorded_now and not over:
            day = recorded  # undated and current: it started (for the record) when recorded
        if day is not None:
            started.append((day, rid))
        stop = _overlaps(valid_to, since, today)
        if stop is None and status == "ended" and rid in ended_log:
            stop = _day(ended_log[rid])
        if stop is None and status == "ended" and not valid_to and recorded_now:
            stop = recorded  # recorded as ended, with no end date: it ended, for the record
        if stop is not None:
            ended.append((stop, rid))

    changes = []
    previous: dict[tuple[str, str], str] = {}
    for sid, on, peace, mission in assessments:
        day = _day(on)
        for name, value in (("stance_peace", peace), ("stance_mission", mission)):
            if value is None:
                continue
            old = previous.get((sid, name))
            if old is not None and old != value and day is not None and since <= day <= today:
                changes.append((sid, day, name, old, value))
            previous[(sid, name)] = value
    changes.sort(key=lambda c: (c[1], c[0], c[2]))

    new = []
    for sid, created, name_key in people:
        first = _day(created)
        evidence = known.get(sid)
        if evidence is not None and (first is None or evidence < first):
            first = evidence
        if first is not None and since <= first <= today:
            new.append((first, name_key or "", sid))
    return NetworkChanges(
        started=[rid for _, rid in sorted(started)],
        ended=[rid for _, rid in sorted(ended)],
        stance_changes=changes,
        new_actors=[sid for _, _, sid in sorted(new)],
    )


# --- exports --------------------------------------------------------------------------------

#: Graph attribute names GEXF reserves on edges (renamed there: "type" is the edge kind).
_GEXF_EDGE_RENAMES = {"type": "relationship_type"}


def _plain(value):
    """A value the networkx writers accept (they reject None, lists and dates)."""
    if value is None:
        return ""
    if isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list | tuple | set | frozenset):
        return "; ".join(str(_plain(v)) for v in value)
    if isinstance(value, dict):
        import json

        return json.dumps(value, ensure_ascii=False, default=str, sort_keys=True)
    return str(value)


def _attributes(items) -> dict[str, type]:
    """The one type each attribute is written as: its values' type, str when mixed."""
    kinds: dict[str, set[type]] = defaultdict(set)
    for data in items:
        for name, value in data.items():
            if value is not None:
                kinds[name].add(type(_plain(value)))
    result = {}
    for name, found in kinds.items():
        if found == {int, float}:
            result[name] = float
        elif len(found) == 1:
            result[name] = found.pop()
        else:
            result[name] = str
    return result


def exportable(graph, *, classification: str, renames: dict[str, str] | None = None,
               with_ids: bool = False):
    """A copy of the graph the networkx writers accept, with Gephi's `label` and `weight`.

    None becomes "" for text attributes (and is left out for numeric ones), dates ISO text,
    lists "a; b" text; each attribute keeps one type across the file. Parallel relationships
    stay (MultiDiGraph keys = relationship ids); the classification is a graph attribute.
    """
    import networkx as nx

    renames = renames or {}
    out = nx.MultiDiGraph()
    node_types = _attributes(d for _, d in graph.nodes(data=True))
    edge_types = _attributes(d for _, _, d in graph.edges(data=True))

    def convert(data: dict, types: dict[str, type]) -> dict:
        result = {}
        for name, value in data.items():
            kind = types.get(name, str)
            if value is None:
                if kind is str:
                    result[renames.get(name, name)] = ""
                continue
            value = _plain(value)
            if kind is str and not isinstance(value, str):
                value = str(value)
            elif kind is float:
                value = float(value)
            result[renames.get(name, name)] = value
        return result

    for key, value in graph.graph.items():
        if key not in ("classification",) and value is not None:
            out.graph[key] = str(_plain(value))
    out.graph["classification"] = classification
    for sid, data in graph.nodes(data=True):
        values = convert(data, node_types)
        values.setdefault("label", str(data.get("name") or sid))
        out.add_node(sid, **values)
    for u, v, key, data in graph.edges(keys=True, data=True):
        values = convert(data, edge_types)
        values.setdefault("label", str(data.get("type") or ""))
        values.setdefault("weight", float(data.get("strength") or 1))
        if with_ids:
            values["id"] = str(key)
        out.add_edge(u, v, key=key, **values)
    return out


def _write_atomically(path, write: Callable) -> None:
    """Write beside the target, owner-only, renamed into place only when complete."""
    import os
    from pathlib import Path

    target = Path(path)
    partial = target.with_name(target.name + ".partial")
    try:
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as fh:
            write(fh)
        os.replace(partial, target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise


def _xml_text(out) -> None:
    """Strip, in place, what XML cannot carry from every text of an exportable graph: names
    stored before text was validated (a control character) still export, readable."""
    from missiondesk.services.validation import first_invalid_char, strip_invalid_chars

    def clean(data: dict) -> None:
        for name, value in data.items():
            if isinstance(value, str) and first_invalid_char(value) is not None:
                data[name] = strip_invalid_chars(value)

    clean(out.graph)
    for _, data in out.nodes(data=True):
        clean(data)
    for _, _, data in out.edges(data=True):
        clean(data)


def write_graphml(graph, path, *, classification: str) -> None:
    """The graph as GraphML (Gephi, yEd, networkx) with every attribute and the
    classification as a graph attribute. `path` may be a binary file object."""
    import networkx as nx

    out = exportable(graph, classification=classification)
    _xml_text(out)
    if hasattr(path, "write"):
        nx.write_graphml(out, path, named_key_ids=True)
    else:
        _write_atomically(path, lambda fh: nx.write_graphml(out, fh, named_key_ids=True))


def _hex_colour(text: str) -> dict[str, int] | None:
    value = text.strip().lstrip("#")
    if len(value) not in (6, 8):
        return None
    try:
        r, g, b = (int(value[i:i + 2], 16) for i in (0, 2, 4))
    except ValueError:
        return None
    return {"r": r, "g": g, "b": b}


def write_gexf(graph, path, *, classification: str,
               positions: dict[str, tuple] | None = None,
               colours: dict[str, str] | None = None) -> None:
    """The graph as GEXF 1.2 for Gephi: every attribute (the relationship type as
    `relationship_type`, since "type" is GEXF's edge kind), Gephi's viz colour (from
    `colours`: node id or category code -> "#rrggbb"), size (by influence) and position
    (`positions`: id -> (x, y, ...), y flipped: Gephi's y axis points up). The
    classification is the graph's name and the file's meta description and keywords.
    `path` may be a binary file object."""
    import io
    import xml.etree.ElementTree as ET

    import networkx as nx

    out = exportable(graph, classification=classification, renames=_GEXF_EDGE_RENAMES,
                     with_ids=True)
    _xml_text(out)
    colours = colours or {}
    positions = positions or {}
    for sid, data in out.nodes(data=True):
        viz: dict = {"size": 4.0 + 4.0 * float(graph.nodes[sid].get("influence") or 3)}
        colour = colours.get(sid) or colours.get(str(graph.nodes[sid].get("category")))
        rgb = _hex_colour(colour) if colour else None
        if rgb is not None:
            viz["color"] = {**rgb, "a": 1.0}
        if sid in positions:
            x, y = positions[sid][0], positions[sid][1]
            viz["position"] = {"x": float(x), "y": -float(y), "z": 0.0}
        data["viz"] = viz
    out.graph["name"] = classification
    buffer = io.BytesIO()
    nx.write_gexf(out, buffer)
    ns = "http://www.gexf.net/1.2draft"
    ET.register_namespace("", ns)
    ET.register_namespace("viz", "http://www.gexf.net/1.2draft/viz")
    ET.register_namespace("xsi", "http://www.w3.org/2001/XMLSchema-instance")
    root = ET.fromstring(buffer.getvalue())
    meta = root.find("{%s}meta" % ns)
    if meta is not None:
        ET.SubElement(meta, "{%s}keywords" % ns).text = classification
        ET.SubElement(meta, "{%s}description" % ns).text = (
            "MissionDesk influence map. Classification: %s" % classification)
    data = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    if hasattr(path, "write"):
        path.write(data)
    else:
        _write_atomically(path, lambda fh: fh.write(data))


def network_json(graph, metrics: NetworkMetrics, top: int) -> dict:
    """`missiondesk network --json`: DESIGN.md's shape (nodes; brokers and most influential
    as names, best first, `top` of each), plus the classification, the `top` most contested
    and the communities of two or more (names), and whether betweenness was sampled."""
    nodes = []
    for sid in sorted(metrics.nodes, key=lambda s: (metrics.nodes[s].name.casefold(), s)):
        m = metrics.nodes[sid]
        nodes.append({"id": sid, "name": m.name, "category": m.category, "degree": m.degree,
                      "betweenness": round(m.betweenness, 6), "pagerank": round(m.pagerank, 6),
                      "community": m.community})

    def names(ids: list[str]) -> list[str]:
        return [metrics.nodes[i].name for i in ids[:top]]

    return {
        "classification": graph.graph.get("classification", "UNCLASSIFIED"),
        "nodes": nodes,
        "brokers": names(metrics.brokers),
        "most_influential": names(metrics.most_influential),
        "most_contested": names(metrics.most_contested),
        "communities": [[metrics.nodes[i].name for i in c] for c in metrics.communities
                        if len(c) > 1][:top],
        "sampled": metrics.sampled,
    }
