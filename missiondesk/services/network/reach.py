"""Reach paths: how the mission can reach an actor through those it engages or owns."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, timedelta  # noqa: F401

from missiondesk.services.network.graph import _COOPERATIVE, _day
from missiondesk.store.vocab import RelationshipFamily


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
