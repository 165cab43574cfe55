"""The relationship graph: validity of links in time, the filter, building the graph."""

from __future__ import annotations

import calendar
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


_LIST_COLUMNS = {"aliases": "SELECT id, aliases FROM stakeholders WHERE deleted_at IS NULL",
                 "regions": "SELECT id, regions FROM stakeholders WHERE deleted_at IS NULL"}


def _stakeholder_lists(handle, column: str) -> dict[str, list[str]]:
    """Stakeholder id -> the values of one of its JSON list columns (only non-empty ones)."""
    import json

    result = {}
    with handle.session() as session:
        rows = session.connection().exec_driver_sql(_LIST_COLUMNS[column]).fetchall()
    for sid, raw in rows:
        try:
            values = json.loads(raw) if isinstance(raw, str) else (raw or [])
        except ValueError:
            continue
        values = [str(v) for v in values or () if v]
        if values:
            result[sid] = values
    return result


def stakeholder_aliases(handle) -> dict[str, list[str]]:
    """Stakeholder id -> its aliases (only those that have some): the map's short names
    and its search use them."""
    return _stakeholder_lists(handle, "aliases")


def stakeholder_regions(handle) -> dict[str, list[str]]:
    """Stakeholder id -> its regions (only those that have some): the map's region filter."""
    return _stakeholder_lists(handle, "regions")


def undated_relationships(handle) -> int:
    """How many live relationships have neither a start nor an end date (the "as of"
    slider shows them on every past day)."""
    with handle.session() as session:
        return int(session.connection().exec_driver_sql(
            "SELECT count(*) FROM relationships WHERE deleted_at IS NULL AND "
            "coalesce(valid_from, '') = '' AND coalesce(valid_to, '') = ''").scalar() or 0)




@dataclass(frozen=True)
class MapInputs:
    """What the influence map reads when it opens: the unfiltered graph, the saved
    positions (id -> (x, y, pinned)), aliases and regions of the actors, and the number of
    undated relationships."""

    graph: object
    saved: dict
    aliases: dict
    regions: dict
    undated: int


def map_inputs(handle) -> MapInputs:
    """Everything the map reads to open (one call, so it can be read ahead of time)."""
    from missiondesk.services.network.positions import saved_positions

    return MapInputs(graph=build_graph(handle), saved=dict(saved_positions(handle)),
                     aliases=stakeholder_aliases(handle), regions=stakeholder_regions(handle),
                     undated=undated_relationships(handle))


# --- the export graph (GraphML / GEXF, helper G) --------------------------------------------


def _undated_links_ends(relationships) -> set[str]:
    """Stakeholders linked by a relationship without a start date that can be placed in
    time (not ended without an end date): they exist for as long as the record can tell."""
    ends: set[str] = set()
    for row in relationships:
        status, valid_from, valid_to = row[6], row[7], row[8]
        if period_start(valid_from) is None and not (
                status == "ended" and period_end(valid_to) is None):
            ends.update((row[1], row[2]))
    return ends


def build_export_graph(handle, *, stakeholders=None, previous: dict[str, int] | None = None,
                       today: date | None = None):
    """The network as GraphML and GEXF carry it: every live stakeholder and every
    relationship that is not deleted — ended (status ended, or valid_to past) and undated
    ones included — whatever a map's filter or day.

    Nodes: `build_graph`'s attributes, plus `first_known` (date | None: the earliest day the
    record shows the actor — an assessment, an engagement, a dated relationship; None when
    an undated relationship links it, or nothing dates it), `priority` (the engagement
    priority letter, "" when none) and the metrics the map and `missiondesk network` show
    for today's network (`network_metrics` of `build_graph(handle)`, where relationships
    whose status is ended do not count): degree, weighted_in,
    weighted_out, betweenness, pagerank, cluster (community number, largest first),
    contested, articulation (bool: its loss splits the network). `previous` is the
    partition the clusters start from (e.g. the map's, so they match what it shows).
    Edges (key = relationship id): `build_graph`'s attributes plus `relationship_type`
    (the same as `type`). `stakeholders`: only these ids (and the links between them).
    Graph attributes: classification (the highest of what it holds), as_of None.
    """
    from missiondesk.services.network.metrics import network_metrics
    from missiondesk.services.stakeholders import list_stakeholders

    graph = build_graph(handle, GraphFilter())
    metrics = network_metrics(graph, previous=previous)
    cut = {c.id for c in metrics.cut_points}
    priorities = {row.id: row.priority.letter or "" for row in list_stakeholders(handle, today)}
    with handle.session() as session:
        conn = session.connection()
        relationships = conn.exec_driver_sql(_RELATIONSHIPS_SQL).fetchall()
        known = _first_known(conn, relationships)
    undated = _undated_links_ends(relationships)
    if stakeholders is not None:
        keep = set(stakeholders)
        graph.remove_nodes_from([n for n in list(graph.nodes) if n not in keep])
    levels = {Classification.UNCLASSIFIED.value}
    for sid, data in graph.nodes(data=True):
        m = metrics.nodes[sid]
        levels.add(data["classification"])
        data.update(first_known=None if sid in undated else known.get(sid),
                    priority=priorities.get(sid, ""), degree=m.degree,
                    weighted_in=float(m.weighted_in), weighted_out=float(m.weighted_out),
                    betweenness=float(m.betweenness), pagerank=float(m.pagerank),
                    cluster=m.community, contested=float(m.contested),
                    articulation=sid in cut)
    nodes = graph.nodes
    for (rid, source, target, rtype, strength, valence, status, valid_from, valid_to,
         confidence, level, note, source_code) in relationships:
        if source not in nodes or target not in nodes:
            continue
        levels.add(level)
        if graph.has_edge(source, target, key=rid):
            graph.edges[source, target, rid]["relationship_type"] = rtype
            continue
        graph.add_edge(source, target, key=rid, type=rtype, family=family_of(rtype),
                       strength=strength, valence=valence, status=status,
                       valid_from=valid_from, valid_to=valid_to, confidence=confidence,
                       symmetric=is_symmetric(rtype), classification=level,
                       evidence_note=note, evidence_source=source_code,
                       relationship_type=rtype)
    graph.graph["classification"] = Classification.highest(levels).value
    return graph
