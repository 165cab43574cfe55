"""Network analysis an analyst can trust (issue 9, items 5, 7 and 10), on real mission files:
links weigh by confidence, "splits the network" only for actors whose loss does, contestation
counts the parties and not the victims, reach paths use mediation and negotiation and start
from the actors the mission engages or owns, an imported network keeps its past."""

from __future__ import annotations

from datetime import date, timedelta

import networkx as nx
import pytest

from missiondesk.services import network
from missiondesk.services import relationships as rel
from missiondesk.services import stakeholders as S
from tests.services.imported import open_imported
from tests.services.test_network import TODAY, World


@pytest.fixture
def world(plain_mission) -> World:
    return World(plain_mission)


@pytest.fixture
def imported_network(tmp_path):
    handle = open_imported(tmp_path)
    yield handle
    handle.close()


def test_a_doubtful_or_alleged_link_weighs_less_than_a_confirmed_one(world):
    """Two actors bridge two camps with links of the same strength: the confirmed bridge is
    the broker, the doubtful one is not; an alleged link exerts less influence."""
    world.actors("A1", "A2", "A3", "B1", "B2", "B3", "Alpha (doubtful)", "Zulu (confirmed)",
                 "Patron", "Client", "Rumoured patron")
    for x, y in (("A1", "A2"), ("A2", "A3"), ("A1", "A3"), ("B1", "B2"), ("B2", "B3"),
                 ("B1", "B3")):
        world.link(x, y, "allied_with", strength=4, confidence="confirmed")
    world.link("Zulu (confirmed)", "A1", "partners_with", strength=3, confidence="confirmed")
    world.link("Zulu (confirmed)", "B1", "partners_with", strength=3, confidence="confirmed")
    world.link("Alpha (doubtful)", "A2", "partners_with", strength=3, confidence="doubtful")
    world.link("Alpha (doubtful)", "B2", "partners_with", strength=3, confidence="doubtful")
    world.link("Patron", "Client", "funds", strength=4, confidence="confirmed")
    world.link("Rumoured patron", "Client", "funds", strength=4, confidence="confirmed",
               status="alleged")
    metrics = network.network_metrics(network.build_graph(world.handle))
    nodes = {world.names[i]: m for i, m in metrics.nodes.items()}
    assert world.named(metrics.brokers[:1]) == ["Zulu (confirmed)"]
    assert nodes["Alpha (doubtful)"].betweenness < nodes["Zulu (confirmed)"].betweenness / 2
    assert nodes["Rumoured patron"].weighted_out < nodes["Patron"].weighted_out


def test_only_actors_whose_loss_splits_the_network_are_cut_points(world):
    """A ring of five has a busy broker that splits nothing; the one actor holding a pair of
    villages to the ring does, and the analysis says what it cuts off."""
    world.actors("R1", "R2", "R3", "R4", "R5", "Gate", "Village 1", "Village 2", "Enemy")
    ring = ("R1", "R2", "R3", "R4", "R5")
    for x, y in zip(ring, ring[1:] + ring[:1], strict=True):
        world.link(x, y, "partners_with", strength=3)
    world.link("Gate", "R1", "supports", strength=3)
    world.link("Gate", "Village 1", "protects", strength=3)
    world.link("Gate", "Village 2", "protects", strength=3)
    world.link("Village 1", "Village 2", "allied_with", strength=3)
    world.link("Enemy", "Village 1", "attacks", strength=5)  # not a channel
    metrics = network.network_metrics(network.build_graph(world.handle))
    cuts = {world.names[c.id]: c for c in metrics.cut_points}
    assert set(cuts) == {"R1", "Gate"}
    assert [world.named(piece) for piece in cuts["Gate"].cut_off] == [["Village 1",
                                                                       "Village 2"]]
    assert cuts["Gate"].rest == 5
    assert [world.named(piece) for piece in cuts["R1"].cut_off] == [
        ["Gate", "Village 1", "Village 2"]]
    # R3 is on shortest paths (a broker) but losing it splits nothing.
    assert "R3" in world.named(metrics.brokers) and "R3" not in cuts


def test_cut_points_match_networkx_on_the_imported_network(imported_network):
    graph = network.build_graph(imported_network)
    metrics = network.network_metrics(graph)
    channels = nx.Graph()
    channels.add_nodes_from(graph)
    channels.add_edges_from((u, v) for u, v, d in graph.edges(data=True)
                            if d["family"] != "adversarial" and d["valence"] >= 0 and u != v)
    assert {c.id for c in metrics.cut_points} == set(nx.articulation_points(channels))
    for cut in metrics.cut_points:
        rest = channels.copy()
        rest.remove_node(cut.id)
        for piece in cut.cut_off:
            assert not any(channels.has_edge(a, b) for a in piece for b in graph
                           if b not in piece and b != cut.id)


def test_most_contested_counts_the_parties_not_the_victims(world):
    world.actors("Raiders", "Village", "Army", "Rebels")
    for _ in range(3):
        world.link("Raiders", "Village", "attacks", strength=5, confidence="confirmed")
    world.link("Army", "Rebels", "armed_conflict_with", strength=4, confidence="confirmed")
    metrics = network.network_metrics(network.build_graph(world.handle))
    assert world.named(metrics.most_contested) == ["Raiders", "Army", "Rebels"]
    assert metrics.nodes[world.ids["Village"]].contested == 0


def test_clusters_start_from_the_previous_partition(imported_network):
    graph = network.build_graph(imported_network)
    first = network.network_metrics(graph)
    again = network.network_metrics(graph, previous=first.partition())
    assert again.communities == first.communities


# --- reach paths ----------------------------------------------------------------------------


def _id(handle, prefix: str) -> str:
    graph = network.build_graph(handle)
    return next(n for n, a in graph.nodes(data=True) if a["name"].startswith(prefix))


def test_reach_goes_through_the_envoy_who_mediates_with_the_splinter_group(world):
    world.actor("Regional envoy", stance_mission="cooperative")
    world.actor("Splinter group", stance_mission="hostile_violent")
    world.actor("Party leader")
    world.meet("Regional envoy", TODAY - timedelta(days=20))
    world.link("Regional envoy", "Splinter group", "mediates", strength=4)
    world.link("Splinter group", "Party leader", "negotiates_with", strength=3)
    graph = network.build_graph(world.handle)
    paths = network.reach_paths(world.handle, graph, world.ids["Splinter group"], today=TODAY)
    assert [world.named(p.nodes) for p in paths] == [["Regional envoy", "Splinter group"]]
    # negotiation runs both ways; the splinter group itself starts nothing (hostile)
    paths = network.reach_paths(world.handle, graph, world.ids["Party leader"], today=TODAY)
    assert [world.named(p.nodes) for p in paths] == [["Regional envoy", "Splinter group",
                                                      "Party leader"]]


def test_reach_on_an_imported_network_starts_from_owned_actors(imported_network):
    handle = imported_network
    envoy = _id(handle, "Angola")
    splinter = _id(handle, "3R dissident")
    graph = network.build_graph(handle)
    found = network.reach(handle, graph, splinter)
    assert found.paths == [] and found.reason == "no_starters"
    # an owner in the team makes the envoy a start
    from missiondesk.store.schema import TeamMember

    with handle.unit_of_work() as uow:
        member = uow.add(TeamMember(name="Head of Political Affairs", role="CHIEF_POLITICAL"))
        uow.session.flush()
        member_id = member.id
    with handle.unit_of_work() as uow:
        S.update_stakeholder(uow, envoy, expected_revision=1, owner_id=member_id)
    graph = network.build_graph(handle)
    found = network.reach(handle, graph, splinter)
    assert [p.nodes for p in found.paths][:1] == [[envoy, splinter]]
    # the Panel of Experts only sanctions: no channel, and the reason lists its links
    panel = _id(handle, "Panel of Experts")
    found = network.reach(handle, graph, panel)
    assert found.paths == [] and found.reason == "no_channel"
    assert [(t, graph.nodes[o]["name"]) for _k, t, o in found.links] == [
        ("sanctions", "Wagner Group, Africa Corps")]


def test_the_recency_window_is_a_setting(world):
    world.actor("Old friend", stance_mission="cooperative")
    world.actor("Target")
    world.meet("Old friend", TODAY - timedelta(days=700))
    world.link("Old friend", "Target", "influences", strength=3)
    graph = network.build_graph(world.handle)
    target = world.ids["Target"]
    assert network.reach_paths(world.handle, graph, target, today=TODAY) == []
    assert network.reach(world.handle, graph, target, today=TODAY).reason == "no_starters"
    wide = network.reach_paths(world.handle, graph, target, today=TODAY,
                               engaged_within_days=None)
    assert [world.named(p.nodes) for p in wide] == [["Old friend", "Target"]]


# --- the past of an imported network --------------------------------------------------------


def test_an_imported_network_is_on_the_map_of_a_past_day(imported_network):
    handle = imported_network
    today = network.build_graph(handle)
    year_ago = network.build_graph(handle, network.GraphFilter(
        as_of=date.today() - timedelta(days=365)))
    linked = {n for n in today if today.degree(n)}
    assert set(year_ago) >= linked
    # ended relationships without an end date cannot be placed in time; the others are there
    assert year_ago.number_of_edges() == today.number_of_edges()
    assert network.undated_relationships(handle) == 72


def test_relationships_recorded_as_ended_are_ended_not_started(imported_network):
    handle = imported_network
    changes = network.changes_since(handle, date.today() - timedelta(days=30))
    with handle.session() as session:
        ended = {rid for (rid,) in session.connection().exec_driver_sql(
            "SELECT id FROM relationships WHERE status = 'ended'")}
    assert len(ended) == 5
    assert ended <= set(changes.ended)
    assert not ended & set(changes.started)
    assert len(changes.started) == 72 - 5


def test_a_relationship_ended_with_an_end_date_before_the_window_is_neither(world):
    world.actors("North", "South")
    with world.handle.unit_of_work() as uow:
        old = rel.create_relationship(uow, source_id=world.ids["North"],
                                      target_id=world.ids["South"], type="allied_with",
                                      status="ended", valid_to="2020-06").id
    changes = network.changes_since(world.handle, date.today() - timedelta(days=30))
    assert old not in changes.started and old not in changes.ended
