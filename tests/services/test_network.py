"""The influence map's analysis on real mission files: the graph and its "as of" views,
metrics with known answers, reach paths, what changed, layouts, saved positions and the
GraphML / GEXF exports read back by networkx."""

from __future__ import annotations

import math
from datetime import date, datetime, timedelta

import networkx as nx
import pytest

from missiondesk.services import network
from missiondesk.services import relationships as rel
from missiondesk.services import stakeholders as S
from missiondesk.store.schema import Engagement, EngagementCounterpart

TODAY = date(2026, 3, 1)


class World:
    """A small mission written through the services: actors by name, links, meetings."""

    def __init__(self, handle):
        self.handle = handle
        self.ids: dict[str, str] = {}
        self.names: dict[str, str] = {}

    def actor(self, name: str, **fields) -> str:
        with self.handle.unit_of_work() as uow:
            view = S.create_stakeholder(uow, name=name, **fields)
        self.ids[name] = view.id
        self.names[view.id] = name
        return view.id

    def actors(self, *names: str, **fields) -> list[str]:
        return [self.actor(name, **fields) for name in names]

    def link(self, a: str, b: str, rtype: str, **fields) -> str:
        with self.handle.unit_of_work() as uow:
            return rel.create_relationship(uow, source_id=self.ids[a], target_id=self.ids[b],
                                           type=rtype, **fields).id

    def meet(self, name: str, when: date) -> None:
        start = datetime.combine(when, datetime.min.time()).replace(hour=9)
        with self.handle.unit_of_work() as uow:
            engagement = uow.add(Engagement(starts_at=start, format="bilateral", title="Meet"))
            uow.session.flush()
            uow.add(EngagementCounterpart(engagement_id=engagement.id,
                                          stakeholder_id=self.ids[name], starts_at=start))

    def assess(self, name: str, on: date, **stances) -> None:
        sid = self.ids[name]
        with self.handle.session() as session:
            from missiondesk.store.schema import Stakeholder

            revision = session.get(Stakeholder, sid).revision
        with self.handle.unit_of_work() as uow:
            S.record_assessment(uow, sid, expected_revision=revision, assessed_on=on, **stances)

    def created_on(self, day: date, *names: str) -> None:
        """Backdate records (the mission file was started long ago)."""
        targets = names or tuple(self.ids)
        with self.handle.unit_of_work() as uow:
            conn = uow.session.connection()
            for name in targets:
                conn.exec_driver_sql("UPDATE stakeholders SET created_at = ? WHERE id = ?",
                                     (day.isoformat() + " 08:00:00.000000", self.ids[name]))

    def named(self, ids) -> list[str]:
        return [self.names[i] for i in ids]


@pytest.fixture
def world(plain_mission) -> World:
    return World(plain_mission)


def two_camps(world: World) -> None:
    """Two tight cooperative groups that talk only through a broker."""
    world.actors("A1", "A2", "A3", "B1", "B2", "B3", "Broker")
    for x, y in (("A1", "A2"), ("A2", "A3"), ("A1", "A3"), ("B1", "B2"), ("B2", "B3"),
                 ("B1", "B3")):
        world.link(x, y, "allied_with", strength=4)
    world.link("Broker", "A1", "partners_with", strength=3)
    world.link("Broker", "B1", "partners_with", strength=3)


# --- the graph ------------------------------------------------------------------------------


def test_graph_carries_nodes_parallel_edges_and_classification(world):
    world.actor("Armée Nationale", category="state_security_force", influence=5,
                stance_mission="cooperative", classification="CONFIDENTIAL")
    world.actor("Front Patriotique", category="armed_group", do_not_engage=True,
                sanctioned=True)
    first = world.link("Armée Nationale", "Front Patriotique", "armed_conflict_with",
                       strength=5, evidence_note="Clashes in Bosa")
    second = world.link("Armée Nationale", "Front Patriotique", "negotiates_with",
                        strength=2, status="alleged", valid_from="2025")
    world.link("Armée Nationale", "Front Patriotique", "supports", status="ended")
    world.meet("Armée Nationale", date.today() - timedelta(days=3))

    graph = network.build_graph(world.handle)
    army, front = world.ids["Armée Nationale"], world.ids["Front Patriotique"]
    assert set(graph.nodes) == {army, front}
    node = graph.nodes[army]
    assert (node["name"], node["category"], node["influence"], node["stance_mission"]) == (
        "Armée Nationale", "state_security_force", 5, "cooperative")
    assert node["last_engaged"] == date.today() - timedelta(days=3)
    assert graph.nodes[front]["do_not_engage"] and graph.nodes[front]["sanctioned"]
    # Two typed links between the same pair are both there; the ended one is not.
    assert set(graph[army][front]) == {first, second}
    edge = graph[army][front][first]
    assert (edge["type"], edge["family"], edge["strength"], edge["valence"], edge["symmetric"],
            edge["evidence_note"]) == ("armed_conflict_with", "adversarial", 5, -2, True,
                                       "Clashes in Bosa")
    assert graph[army][front][second]["valid_from"] == "2025"
    assert graph.graph["classification"] == "CONFIDENTIAL"


def test_filters_categories_families_strength_and_active_only(world):
    world.actor("Army", category="state_security_force")
    world.actor("Rebels", category="armed_group")
    world.actor("Church", category="religious_leader")
    world.link("Army", "Rebels", "attacks", strength=4)
    world.link("Church", "Rebels", "mediates", strength=2, status="dormant")
    world.link("Church", "Army", "influences", strength=3)

    def shown(**flt):
        graph = network.build_graph(world.handle, network.GraphFilter(**flt))
        return (sorted(world.named(graph.nodes)),
                sorted(d["type"] for _, _, d in graph.edges(data=True)))

    assert shown(categories=frozenset({"armed_group", "religious_leader"})) == (
        ["Church", "Rebels"], ["mediates"])
    assert shown(families=frozenset({"adversarial"}))[1] == ["attacks"]
    assert shown(min_strength=3)[1] == ["attacks", "influences"]
    assert shown(active_only=True)[1] == ["attacks", "influences"]


def test_as_of_uses_validity_with_partial_dates_and_ended_links(world):
    world.actors("North", "South")
    world.created_on(date(2015, 1, 1))
    ended = world.link("North", "South", "allied_with", status="ended",
                       valid_from="2019", valid_to="2021-06")
    later = world.link("North", "South", "rival_of", valid_from="2022-03")
    open_ended = world.link("North", "South", "negotiates_with")

    def keys(day):
        graph = network.build_graph(world.handle, network.GraphFilter(as_of=day))
        return {k for _, _, k in graph.edges(keys=True)}

    assert keys(None) == {later, open_ended}  # today: the ended alliance is gone
    assert keys(date(2018, 12, 31)) == {open_ended}
    assert keys(date(2019, 1, 1)) == {ended, open_ended}  # "2019" starts on 1 January
    assert keys(date(2021, 6, 30)) == {ended, open_ended}  # "2021-06" runs to the 30th
    assert keys(date(2021, 7, 1)) == {open_ended}
    assert keys(date(2022, 2, 28)) == {open_ended}
    assert keys(date(2022, 3, 1)) == {later, open_ended}


def test_as_of_reads_stances_from_assessments_and_leaves_out_later_actors(world):
    world.actor("Governor")
    world.actor("Newcomer")
    world.created_on(date(2018, 1, 1), "Governor")
    world.assess("Governor", date(2020, 5, 1), stance_mission="wary", stance_peace="sceptical")
    world.assess("Governor", date(2023, 9, 1), stance_mission="cooperative")

    def node(day):
        graph = network.build_graph(world.handle, network.GraphFilter(as_of=day))
        return {world.names[i]: (d["stance_mission"], d["stance_peace"])
                for i, d in graph.nodes(data=True)}

    assert node(date(2019, 1, 1)) == {"Governor": ("unknown", "unknown")}
    assert node(date(2021, 1, 1)) == {"Governor": ("wary", "sceptical")}
    assert node(date(2024, 1, 1)) == {"Governor": ("cooperative", "sceptical")}
    # Created today: not on a map of last year, unless the record shows it earlier.
    assert "Newcomer" in node(date.today())
    world.link("Newcomer", "Governor", "supports", valid_from="2022")
    assert "Newcomer" in node(date(2022, 6, 1))
    assert "Newcomer" not in node(date(2021, 6, 1))


# --- metrics --------------------------------------------------------------------------------


def test_broker_between_two_groups_has_the_top_betweenness(world):
    two_camps(world)
    metrics = network.network_metrics(network.build_graph(world.handle))
    assert world.named(metrics.brokers[:1]) == ["Broker"]
    broker = metrics.nodes[world.ids["Broker"]]
    assert broker.degree == 2
    # Exact, normalised as networkx does: check against networkx on the same distances.
    simple = nx.Graph()
    for u, v, d in network.build_graph(world.handle).edges(data=True):
        simple.add_edge(u, v, distance=1 / d["strength"])
    expected = nx.betweenness_centrality(simple, weight="distance")
    for sid, value in expected.items():
        assert metrics.nodes[sid].betweenness == pytest.approx(value)
    # The two camps are two communities; the broker joins one of them.
    groups = [sorted(world.named(c)) for c in metrics.communities]
    assert sorted(x for x in groups if "A2" in x)[0][:3] == ["A1", "A2", "A3"]
    assert metrics.nodes[world.ids["A1"]].community != metrics.nodes[world.ids["B1"]].community
    assert not metrics.sampled


def test_adversarial_links_do_not_raise_pagerank_but_are_contested(world):
    world.actors("Patron", "Client1", "Client2", "Enemy1", "Enemy2", "Target")
    world.link("Patron", "Client1", "funds", strength=4)
    world.link("Patron", "Client2", "leads", strength=4)
    world.link("Client1", "Target", "member_of", strength=2)
    before = network.network_metrics(network.build_graph(world.handle))
    world.link("Enemy1", "Target", "attacks", strength=5)
    world.link("Enemy2", "Target", "hostile_rhetoric_against", strength=3)
    world.link("Target", "Enemy1", "rival_of", strength=2)
    after = network.network_metrics(network.build_graph(world.handle))

    target = world.ids["Target"]
    assert after.nodes[target].pagerank == pytest.approx(before.nodes[target].pagerank)
    assert after.nodes[target].weighted_in == before.nodes[target].weighted_in
    # Parties to adversarial links: the attacker and the speaker, both rivals; the target of
    # the attack and of the rhetoric is their victim, a party only to the rivalry.
    assert world.named(after.most_contested) == ["Enemy1", "Enemy2", "Target"]
    probable = network.CONFIDENCE_WEIGHT["probable"]
    assert after.nodes[target].contested == pytest.approx(2 * 1 * probable)
    assert after.nodes[world.ids["Enemy1"]].contested == pytest.approx((5 * 2 + 2) * probable)
    # Patron leads and funds: it exerts influence and is the most influential.
    assert world.named(after.most_influential[:1]) == ["Patron"]
    patron = after.nodes[world.ids["Patron"]]
    assert (patron.weighted_out, patron.weighted_in) == pytest.approx((8.0 * probable, 0.0))
    # "Client1 member_of Target" is Target's influence on Client1.
    assert after.nodes[target].weighted_out == pytest.approx(2.0 * probable)
    assert "Enemy1" not in world.named(after.most_influential)


def test_same_mission_twice_gives_the_same_communities(world):
    two_camps(world)
    world.actors("C1", "C2", "C3")
    world.link("C1", "C2", "member_of", strength=5)
    world.link("C2", "C3", "supports", strength=2)
    world.link("C3", "A3", "influences", strength=1)
    graph = network.build_graph(world.handle)
    first = network.network_metrics(graph)
    again = network.network_metrics(network.build_graph(world.handle))
    assert first.communities == again.communities
    assert first == again


def test_betweenness_is_sampled_above_the_threshold(world, monkeypatch):
    two_camps(world)
    monkeypatch.setattr(network.metrics, "SAMPLE_ABOVE", 3)
    monkeypatch.setattr(network.metrics, "SAMPLE_SOURCES", 7)  # every node: the exact figure
    graph = network.build_graph(world.handle)
    sampled = network.network_metrics(graph)
    monkeypatch.setattr(network.metrics, "SAMPLE_ABOVE", 1000)
    exact = network.network_metrics(graph)
    assert sampled.sampled and not exact.sampled
    for sid, node in exact.nodes.items():
        assert sampled.nodes[sid].betweenness == pytest.approx(node.betweenness)


def test_empty_mission_has_empty_metrics(world):
    metrics = network.network_metrics(network.build_graph(world.handle))
    assert (metrics.nodes, metrics.brokers, metrics.communities) == ({}, [], [])
    assert network.layout(network.build_graph(world.handle)) == {}


# --- layouts and saved positions ------------------------------------------------------------


def _chain_graph(n: int, extra: int = 0) -> nx.MultiDiGraph:
    graph = nx.MultiDiGraph()
    for i in range(n + extra):
        graph.add_node("n%03d" % i, name="Node %d" % i)
    for i in range(n):
        graph.add_edge("n%03d" % i, "n%03d" % ((i + 1) % n), key="r%d" % i, strength=3,
                       family="cooperative")
        graph.add_edge("n%03d" % i, "n%03d" % ((i * 7 + 3) % n), key="s%d" % i, strength=2,
                       family="structural")
    return graph


def test_layout_is_deterministic_and_fills_the_box():
    graph = _chain_graph(120)
    first = network.layout(graph, seed=7)
    assert first == network.layout(graph, seed=7)
    assert first != network.layout(graph, seed=8)
    xs = [p[0] for p in first.values()]
    ys = [p[1] for p in first.values()]
    side = network.box_side(120)
    assert 0 <= min(xs) and max(xs) <= side and 0 <= min(ys) and max(ys) <= side
    assert max(xs) - min(xs) > side * 0.5  # spread out, not a ball
    # No two nodes on top of each other.
    points = list(first.values())
    closest = min(math.dist(a, b) for i, a in enumerate(points) for b in points[i + 1:])
    assert closest > 1.0


def test_incremental_layout_keeps_positions_and_places_new_nodes_near_neighbours():
    graph = _chain_graph(60)
    before = network.layout(graph)
    graph.add_node("new", name="New")
    graph.add_edge("new", "n010", key="x1", strength=5, family="cooperative")
    graph.add_edge("n011", "new", key="x2", strength=5, family="cooperative")
    graph.add_node("loner", name="Loner")
    after = network.layout(graph, positions=before)
    assert all(after[k] == before[k] for k in before)  # existing positions stay exactly
    anchor = ((before["n010"][0] + before["n011"][0]) / 2,
              (before["n010"][1] + before["n011"][1]) / 2)
    typical = sorted(math.dist(before[u], before[v]) for u, v in graph.edges()
                     if u in before and v in before)[len(before) // 2]
    assert math.dist(after["new"], anchor) < 2.5 * typical
    # A node without links goes under the map, not on top of it.
    assert after["loner"][1] > max(y for _, y in before.values())
    assert after == network.layout(graph, positions=before)


def test_relayout_moves_everything_but_pinned_nodes():
    graph = _chain_graph(40)
    before = network.layout(graph)
    moved = {k: (x + 500.0, y) for k, (x, y) in before.items()}
    again = network.layout(graph, positions=moved, pinned=frozenset({"n000", "n001"}),
                           relayout=True)
    assert again["n000"] == moved["n000"] and again["n001"] == moved["n001"]
    assert again["n020"] != moved["n020"]


def test_layout_progress_reports_and_can_cancel():
    graph = _chain_graph(50)
    seen: list[float] = []
    network.layout(graph, progress=lambda f: seen.append(f) or True)
    assert seen and seen[-1] == pytest.approx(1.0) and seen == sorted(seen)
    with pytest.raises(network.LayoutCancelled):
        network.layout(graph, progress=lambda f: False)


def test_positions_save_restore_and_undo(world):
    a, b = world.actors("Alpha", "Beta")
    handle = world.handle
    with handle.unit_of_work() as uow:
        previous = network.save_positions(uow, {a: (10.0, 20.0, False)})
    assert previous == {a: None}
    with handle.unit_of_work() as uow:
        previous = network.save_positions(uow, {a: (15.5, 25.0, True), b: (1.0, 2.0, False)})
    assert previous == {a: (10.0, 20.0, False), b: None}
    assert network.saved_positions(handle) == {a: (15.5, 25.0, True), b: (1.0, 2.0, False)}
    # Undo: the old values back, the first placement forgotten.
    with handle.unit_of_work() as uow:
        network.save_positions(uow, {a: previous[a]})
        network.delete_positions(uow, [b])
    assert network.saved_positions(handle) == {a: (10.0, 20.0, False)}
    # Redo after undo: the forgotten row comes back (one row per stakeholder).
    with handle.unit_of_work() as uow:
        assert network.save_positions(uow, {b: (3.0, 4.0, False)}) == {b: None}
    assert network.saved_positions(handle)[b] == (3.0, 4.0, False)


# --- reach paths ----------------------------------------------------------------------------


@pytest.fixture
def reach(world):
    """Contact (met 10 days ago, cooperative) -> Elder -> Chief, and other ways in."""
    world.actor("Contact", stance_mission="cooperative")
    world.actor("Old contact", stance_mission="cooperative")
    world.actor("Hostile contact", stance_mission="hostile_rhetoric")
    world.actor("Elder")
    world.actor("Warlord", do_not_engage=True)
    world.actor("Sanctioned banker", sanctioned=True)
    world.actor("Chief")
    world.meet("Contact", TODAY - timedelta(days=10))
    world.meet("Old contact", TODAY - timedelta(days=400))
    world.meet("Hostile contact", TODAY - timedelta(days=5))
    world.link("Contact", "Elder", "influences", strength=4)
    world.link("Elder", "Chief", "allied_with", strength=3)  # symmetric, stored Elder -> Chief
    world.link("Contact", "Warlord", "supports", strength=5)  # strong, but do-not-engage
    world.link("Warlord", "Chief", "allied_with", strength=5)
    world.link("Contact", "Sanctioned banker", "funds", strength=5)
    world.link("Sanctioned banker", "Chief", "funds", strength=5)
    world.link("Old contact", "Chief", "influences", strength=5)  # not engaged recently
    world.link("Hostile contact", "Chief", "influences", strength=5)  # stance not cooperative
    world.link("Contact", "Chief", "rival_of", strength=5)  # adversarial: not a way in
    return world


def _paths(world, target, **kwargs):
    graph = network.build_graph(world.handle, kwargs.pop("flt", network.GraphFilter()))
    return network.reach_paths(world.handle, graph, world.ids[target], today=TODAY, **kwargs)


def test_reach_paths_follow_cooperative_links_and_avoid_flagged_actors(reach):
    paths = _paths(reach, "Chief")
    assert [reach.named(p.nodes) for p in paths] == [["Contact", "Elder", "Chief"]]
    (path,) = paths
    assert path.first_link_last_engaged == TODAY - timedelta(days=10)
    assert path.score == pytest.approx(4 / 5 * 3 / 5 * 0.8)
    assert len(path.edges) == 2
    # A wider window lets the old contact in, and its strong direct link ranks first.
    wider = _paths(reach, "Chief", engaged_within_days=500)
    assert [reach.named(p.nodes) for p in wider] == [["Old contact", "Chief"],
                                                     ["Contact", "Elder", "Chief"]]
    assert wider[0].score == pytest.approx(1.0)


def test_reach_paths_ranked_by_strength_and_limited(reach):
    reach.actor("Cousin")
    reach.link("Contact", "Cousin", "partners_with", strength=5)
    reach.link("Chief", "Cousin", "partners_with", strength=5)  # symmetric: usable backwards
    paths = _paths(reach, "Chief")
    assert [reach.named(p.nodes) for p in paths] == [["Contact", "Cousin", "Chief"],
                                                     ["Contact", "Elder", "Chief"]]
    assert paths[0].score > paths[1].score
    assert len(_paths(reach, "Chief", limit=1)) == 1


def test_reach_paths_ended_links_only_inside_their_validity(reach):
    reach.actor("Former ally")
    reach.link("Contact", "Former ally", "allied_with", strength=5, status="ended",
               valid_from="2020", valid_to="2022-12")
    reach.link("Former ally", "Chief", "supports", strength=5)
    reach.created_on(date(2019, 1, 1))
    reach.assess("Contact", date(2019, 1, 1), stance_mission="cooperative")
    now = [reach.named(p.nodes) for p in _paths(reach, "Chief")]
    assert ["Contact", "Former ally", "Chief"] not in now
    back = _paths(reach, "Chief", flt=network.GraphFilter(as_of=date(2021, 6, 1)))
    # Met ten days before TODAY: the engagement window is measured from `today`.
    assert ["Contact", "Former ally", "Chief"] in [reach.named(p.nodes) for p in back]


def test_reach_paths_none_and_direct(reach):
    reach.actor("Hidden commander")
    reach.link("Warlord", "Hidden commander", "leads", strength=5)
    reach.link("Sanctioned banker", "Hidden commander", "funds", strength=5)
    reach.link("Contact", "Hidden commander", "opposes", strength=5)
    # Only reachable through flagged actors or an adversarial link: no way in.
    assert _paths(reach, "Hidden commander") == []
    direct = _paths(reach, "Contact")
    assert [reach.named(p.nodes) for p in direct] == [["Contact"]]
    assert direct[0].edges == [] and direct[0].score == 1.0


# --- what changed ---------------------------------------------------------------------------


def test_changes_since(world):
    world.actors("Old guard", "Rebels")
    world.created_on(date(2020, 1, 1))
    world.actor("New party")
    started = world.link("Old guard", "Rebels", "negotiates_with", valid_from="2026-02")
    old = world.link("Old guard", "Rebels", "armed_conflict_with", valid_from="2019",
                     valid_to="2026-02-10", status="ended")
    world.link("Old guard", "Rebels", "rival_of", valid_from="2018")  # long-standing
    world.assess("Rebels", date(2025, 6, 1), stance_peace="spoiler")
    world.assess("Rebels", date(2026, 2, 15), stance_peace="conditional")
    world.assess("Old guard", date(2026, 2, 20), stance_mission="wary")  # a first: no change
    since = date(2026, 2, 1)
    changes = network.changes_since(world.handle, since, today=TODAY)
    assert changes.started == [started]
    assert changes.ended == [old]
    assert changes.stance_changes == [(world.ids["Rebels"], date(2026, 2, 15), "stance_peace",
                                       "spoiler", "conditional")]
    assert changes.new_actors == []  # "New party" was recorded today, after TODAY
    today = network.changes_since(world.handle, since)
    assert world.named(today.new_actors) == ["New party"]


def test_changes_since_sees_a_status_set_to_ended(world):
    world.actors("A", "B")
    world.created_on(date(2020, 1, 1))
    link = world.link("A", "B", "supports", valid_from="2020")
    with world.handle.unit_of_work() as uow:
        rel.update_relationship(uow, link, expected_revision=1, status="ended")
    changes = network.changes_since(world.handle, date.today() - timedelta(days=1))
    assert changes.ended == [link] and changes.started == []


# --- exports --------------------------------------------------------------------------------


@pytest.fixture
def exported(world):
    world.actor("Armée Nationale", category="state_security_force", influence=5,
                aliases=["FAC"], stance_mission="cooperative")
    world.actor("Front Patriotique", category="armed_group", do_not_engage=True,
                classification="STRICTLY CONFIDENTIAL")
    world.link("Armée Nationale", "Front Patriotique", "armed_conflict_with", strength=5,
               evidence_note="Clashes — Bosa")
    world.link("Armée Nationale", "Front Patriotique", "negotiates_with", strength=2,
               valid_from="2025-04")
    world.meet("Armée Nationale", date.today() - timedelta(days=2))
    return network.build_graph(world.handle)


def _expected(graph):
    def plain(v):
        if v is None:
            return ""
        if isinstance(v, date):
            return v.isoformat()
        return v
    nodes = {n: {k: plain(v) for k, v in d.items()} for n, d in graph.nodes(data=True)}
    edges = {k: (u, v, {a: plain(x) for a, x in d.items()})
             for u, v, k, d in graph.edges(keys=True, data=True)}
    return nodes, edges


def test_graphml_round_trip(exported, tmp_path):
    path = tmp_path / "map.graphml"
    network.write_graphml(exported, path, classification="STRICTLY CONFIDENTIAL")
    back = nx.read_graphml(path, force_multigraph=True)
    assert back.is_directed() and back.is_multigraph()
    assert back.graph["classification"] == "STRICTLY CONFIDENTIAL"
    nodes, edges = _expected(exported)
    assert set(back.nodes) == set(nodes)
    for sid, data in nodes.items():
        got = dict(back.nodes[sid])
        assert got.pop("label") == data["name"]
        assert got == data
    assert {k for _, _, k in back.edges(keys=True)} == set(edges)  # both parallel links
    for u, v, key, data in back.edges(keys=True, data=True):
        got = dict(data)
        assert (got.pop("label"), got.pop("weight")) == (edges[key][2]["type"],
                                                         edges[key][2]["strength"])
        assert (u, v, got) == edges[key]


def test_gexf_round_trip_with_gephi_viz(exported, tmp_path):
    path = tmp_path / "map.gexf"
    army = next(n for n, d in exported.nodes(data=True) if d["name"] == "Armée Nationale")
    network.write_gexf(exported, path, classification="CONFIDENTIAL",
                       positions={army: (120.0, 40.0, True)},
                       colours={"state_security_force": "#1f77b4"})
    back = nx.read_gexf(path)
    assert back.is_directed() and back.is_multigraph()
    assert back.graph["name"] == "CONFIDENTIAL"
    assert "Classification: CONFIDENTIAL" in path.read_text(encoding="utf-8")
    nodes, edges = _expected(exported)
    assert set(back.nodes) == set(nodes)
    for sid, data in nodes.items():
        got = dict(back.nodes[sid])
        assert got.pop("label") == data["name"]
        viz = got.pop("viz")
        assert viz["size"] == 4.0 + 4.0 * data["influence"]
        if sid == army:
            assert viz["color"] == {"r": 31, "g": 119, "b": 180, "a": 1.0}
            assert (viz["position"]["x"], viz["position"]["y"]) == (120.0, -40.0)
        assert got == data
    assert {k for _, _, k in back.edges(keys=True)} == set(edges)
    for u, v, key, data in back.edges(keys=True, data=True):
        got = dict(data)
        want = dict(edges[key][2])
        want["relationship_type"] = want.pop("type")
        # GEXF is dynamic: a dated link starts on the first day its valid_from can mean
        assert got.pop("start", None) == ("2025-04-01" if want["valid_from"] else None)
        assert (got.pop("label"), got.pop("weight"), got.pop("id")) == (
            want["relationship_type"], want["strength"], key)
        assert (u, v, got) == (edges[key][0], edges[key][1], want)


def test_network_json_shape(world):
    two_camps(world)
    graph = network.build_graph(world.handle)
    data = network.network_json(graph, network.network_metrics(graph), top=2)
    assert {"nodes", "brokers", "most_influential"} <= set(data)
    assert data["brokers"][0] == "Broker" and len(data["brokers"]) == 2
    assert len(data["nodes"]) == 7
    assert set(data["nodes"][0]) == {"id", "name", "category", "degree", "betweenness",
                                     "pagerank", "community"}


# --- the PDF figure -------------------------------------------------------------------------


def test_network_map_figure_has_title_marking_legend_and_names(exported, tmp_path):
    from missiondesk.figures.network_map import network_map_figure

    positions = network.layout(exported)
    figure = network_map_figure(exported, positions, title="Carana — influence map",
                                colour_by="stance", labels={"cooperative": "Coopératif"},
                                classification="STRICTLY CONFIDENTIAL",
                                highlight=list(exported.nodes))
    texts = [t.get_text() for t in figure.texts]
    assert texts.count("STRICTLY CONFIDENTIAL") == 2 and "Carana — influence map" in texts
    (legend,) = figure.legends
    entries = [t.get_text() for t in legend.get_texts()]
    assert "Coopératif" in entries and "Do not engage / sanctioned / HRDDP" in entries
    names = {t.get_text() for ax in figure.axes for t in ax.texts}
    assert {"Armée Nationale", "Front Patriotique"} <= names
    figure.savefig(tmp_path / "map.pdf")
    assert (tmp_path / "map.pdf").read_bytes().startswith(b"%PDF")
