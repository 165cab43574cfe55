"""GraphML and GEXF that Gephi users can trust (issue 9, defect 12): every relationship that
is not deleted, ended and undated ones included, with its status, confidence and validity;
GEXF dynamic, so Gephi's timeline works; each actor's metrics and cluster as typed attributes.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import datetime

import networkx as nx
import pytest

from missiondesk.services import network, relationships, sources, stakeholders
from missiondesk.store.schema import Engagement, EngagementCounterpart

GEXF = "{http://www.gexf.net/1.2draft}"
ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
#: The metrics every actor carries, with the type Gephi is told (GraphML / GEXF read back).
NODE_TYPES = {"degree": int, "weighted_in": float, "weighted_out": float,
              "betweenness": float, "pagerank": float, "cluster": int, "contested": float,
              "articulation": bool, "category": str, "priority": str}
EDGE_FIELDS = {"family", "status", "confidence", "strength", "valence", "valid_from",
               "valid_to", "evidence_note", "evidence_source"}


class Mission:
    """A small network written through the services: a chain Army - Mayor - Envoy - Front
    of links in force, an armed conflict that ended in 2021, an undated mediation."""

    def __init__(self, handle):
        self.handle = handle
        self.ids: dict[str, str] = {}
        with handle.unit_of_work() as uow:
            for name, category, extra in (
                    ("Army", "state_security_force", {"influence": 5}),
                    ("Mayor", "traditional_authority", {}),
                    ("Envoy", "regional_organization", {}),
                    ("Front", "armed_group", {"do_not_engage": True})):
                self.ids[name] = stakeholders.create_stakeholder(
                    uow, name=name, category=category, **extra).id
            source = sources.create_source(uow, code_name="SRC-014", source_type="internal")
        self.source_code = source.code_name
        ids = self.ids
        with handle.unit_of_work() as uow:
            def link(a, b, rtype, **fields):
                return relationships.create_relationship(
                    uow, source_id=ids[a], target_id=ids[b], type=rtype, **fields).id

            self.ended = link("Army", "Front", "armed_conflict_with", status="ended",
                              valid_from="2019", valid_to="2021-06", confidence="confirmed",
                              evidence_source_id=source.id, evidence_note="Clashes at Bosa",
                              classification="STRICTLY CONFIDENTIAL")
            self.undated = link("Envoy", "Front", "mediates", confidence="possible")
            self.supports = link("Army", "Mayor", "supports", valid_from="2023-05-14",
                                 confidence="confirmed", strength=4)
            self.cooperates = link("Mayor", "Envoy", "partners_with", valid_from="2024-02")
            self.attacks = link("Front", "Mayor", "attacks", status="alleged",
                                valid_from="2024-03-02", valid_to="2024-03-02")
        start = datetime(2018, 7, 3, 9)  # the Mayor was met before any dated link
        with handle.unit_of_work() as uow:
            engagement = uow.add(Engagement(starts_at=start, format="bilateral", title="Meet"))
            uow.session.flush()
            uow.add(EngagementCounterpart(engagement_id=engagement.id,
                                          stakeholder_id=ids["Mayor"], starts_at=start))


@pytest.fixture
def mission(plain_mission) -> Mission:
    return Mission(plain_mission)


def _edge(graph, key):
    (data,) = [d for _, _, k, d in graph.edges(keys=True, data=True) if k == key]
    return data


def test_the_export_graph_holds_ended_and_undated_relationships(mission):
    graph = network.build_export_graph(mission.handle)
    keys = {k for _, _, k in graph.edges(keys=True)}
    assert {mission.ended, mission.undated, mission.supports, mission.attacks} <= keys
    assert graph.graph["classification"] == "STRICTLY CONFIDENTIAL"  # the ended link's
    # the map's own graph of today leaves the ended conflict out; the export does not
    assert mission.ended not in {k for _, _, k in network.build_graph(mission.handle).edges(
        keys=True)}
    # a restriction to some actors keeps every relationship between them, ended included
    only = network.build_export_graph(mission.handle,
                                      stakeholders=[mission.ids["Army"], mission.ids["Front"]])
    assert set(only.nodes) == {mission.ids["Army"], mission.ids["Front"]}
    assert {k for _, _, k in only.edges(keys=True)} == {mission.ended}


def test_graphml_carries_every_relationship_with_status_confidence_and_dates(mission,
                                                                            tmp_path):
    path = tmp_path / "map.graphml"
    graph = network.build_export_graph(mission.handle)
    network.write_graphml(graph, path, classification=graph.graph["classification"])
    back = nx.read_graphml(path, force_multigraph=True)
    assert back.graph["classification"] == "STRICTLY CONFIDENTIAL"
    ended = _edge(back, mission.ended)
    assert EDGE_FIELDS | {"relationship_type"} <= set(ended)
    assert (ended["relationship_type"], ended["family"], ended["status"], ended["confidence"],
            ended["valid_from"], ended["valid_to"], ended["valence"]) == (
        "armed_conflict_with", "adversarial", "ended", "confirmed", "2019", "2021-06", -2)
    assert (ended["evidence_source"], ended["evidence_note"]) == (
        mission.source_code, "Clashes at Bosa")
    assert ended["classification"] == "STRICTLY CONFIDENTIAL"
    undated = _edge(back, mission.undated)
    assert (undated["relationship_type"], undated["status"], undated["confidence"],
            undated["valid_from"], undated["valid_to"]) == (
        "mediates", "active", "possible", "", "")


def test_every_actor_carries_its_metrics_and_cluster_as_typed_attributes(mission, tmp_path):
    graph = network.build_export_graph(mission.handle)
    written = {"graphml": tmp_path / "map.graphml", "gexf": tmp_path / "map.gexf"}
    network.write_graphml(graph, written["graphml"], classification="CONFIDENTIAL")
    network.write_gexf(graph, written["gexf"], classification="CONFIDENTIAL")
    ids = mission.ids
    metrics = network.network_metrics(network.build_graph(mission.handle))
    for fmt, back in (("graphml", nx.read_graphml(written["graphml"], force_multigraph=True)),
                      ("gexf", nx.read_gexf(written["gexf"]))):
        for sid, data in back.nodes(data=True):
            for name, kind in NODE_TYPES.items():
                assert type(data[name]) is kind, (fmt, name, data.get(name))
            m = metrics.nodes[sid]
            assert (data["degree"], data["cluster"]) == (m.degree, m.community), fmt
            assert data["pagerank"] == pytest.approx(m.pagerank)
            assert data["betweenness"] == pytest.approx(m.betweenness)
        # the chain Army - Mayor - Envoy - Front: losing Mayor or Envoy splits it
        assert {s for s, d in back.nodes(data=True) if d["articulation"]} == {
            ids["Mayor"], ids["Envoy"]}, fmt
        assert back.nodes[ids["Front"]]["contested"] > 0  # it attacks (alleged)
        assert back.nodes[ids["Mayor"]]["contested"] == 0.0  # the victim is not a party
        assert back.nodes[ids["Army"]]["degree"] == 1  # the ended conflict is history
        assert back.nodes[ids["Army"]]["weighted_out"] > 0
        assert back.nodes[ids["Army"]]["priority"] in ("A", "B", "C", "D")
        assert back.nodes[ids["Front"]]["priority"] == ""  # do not engage: no letter
    # declared types in the GEXF file itself
    root = ET.parse(written["gexf"]).getroot()
    declared = {a.get("title"): a.get("type")
                for group in root.iter(GEXF + "attributes") if group.get("class") == "node"
                for a in group.iter(GEXF + "attribute")}
    assert declared["degree"] in ("integer", "long") and declared["cluster"] in (
        "integer", "long")
    assert {declared[n] for n in ("pagerank", "betweenness", "weighted_in", "contested")} <= {
        "float", "double"}
    assert declared["articulation"] == "boolean" and declared["priority"] == "string"


def _check_gexf_structure(path) -> ET.Element:
    """The GEXF 1.2 structure Gephi reads: a dynamic graph with date time format,
    attributes declared per class, attvalues that refer to them, well-formed ISO spells."""
    root = ET.parse(path).getroot()
    assert root.tag == GEXF + "gexf" and root.get("version") == "1.2"
    (graph,) = root.findall(GEXF + "graph")
    assert (graph.get("mode"), graph.get("timeformat"), graph.get("defaultedgetype")) == (
        "dynamic", "date", "directed")
    declared: dict[str, set[str]] = {"node": set(), "edge": set()}
    for group in graph.findall(GEXF + "attributes"):
        assert group.get("class") in declared and group.get("mode") in ("static", "dynamic")
        for attribute in group.findall(GEXF + "attribute"):
            assert attribute.get("id") and attribute.get("title")
            assert attribute.get("type") in ("integer", "long", "float", "double", "boolean",
                                             "string", "liststring", "anyURI")
            declared[group.get("class")].add(attribute.get("id"))
    node_ids = set()

    def spell_ok(element) -> None:
        start, end = element.get("start"), element.get("end")
        for value in (start, end):
            assert value is None or ISO_DAY.match(value), value
        if start and end:
            assert start <= end
        for spells in element.findall(GEXF + "spells"):
            for spell in spells.findall(GEXF + "spell"):
                spell_ok(spell)

    for node in graph.find(GEXF + "nodes").findall(GEXF + "node"):
        node_ids.add(node.get("id"))
        spell_ok(node)
        for value in node.iter(GEXF + "attvalue"):
            assert value.get("for") in declared["node"]
    edge_ids = set()
    for edge in graph.find(GEXF + "edges").findall(GEXF + "edge"):
        assert edge.get("source") in node_ids and edge.get("target") in node_ids
        assert edge.get("id") not in edge_ids
        edge_ids.add(edge.get("id"))
        spell_ok(edge)
        for value in edge.iter(GEXF + "attvalue"):
            assert value.get("for") in declared["edge"]
    return graph


def test_gexf_is_dynamic_with_spells_from_the_validity_and_parses_back(mission, tmp_path):
    path = tmp_path / "map.gexf"
    graph = network.build_export_graph(mission.handle)
    network.write_gexf(graph, path, classification=graph.graph["classification"])
    _check_gexf_structure(path)
    back = nx.read_gexf(path)
    assert back.graph["mode"] == "dynamic"
    spells = {d["id"]: (d.get("start"), d.get("end")) for _, _, d in back.edges(data=True)}
    assert spells[mission.ended] == ("2019-01-01", "2021-06-30")  # "2019" .. "2021-06"
    assert spells[mission.undated] == (None, None)  # for as long as the record can tell
    assert spells[mission.supports] == ("2023-05-14", None)
    assert spells[mission.cooperates] == ("2024-02-01", None)
    assert spells[mission.attacks] == ("2024-03-02", "2024-03-02")
    (ended,) = [d for _, _, d in back.edges(data=True) if d["id"] == mission.ended]
    assert (ended["relationship_type"], ended["status"], ended["confidence"]) == (
        "armed_conflict_with", "ended", "confirmed")
    ids = mission.ids
    starts = {sid: d.get("start") for sid, d in back.nodes(data=True)}
    assert starts[ids["Army"]] == "2019-01-01"  # its first dated relationship
    assert starts[ids["Mayor"]] == "2018-07-03"  # met before any dated link
    # linked by an undated mediation: there before any day the record knows
    assert starts[ids["Envoy"]] is None and starts[ids["Front"]] is None


def test_gexf_of_the_maps_own_graph_is_dynamic_too(mission, tmp_path):
    """The map desk hands write_gexf its own graph: its links still get their spells."""
    path = tmp_path / "map.gexf"
    network.write_gexf(network.build_graph(mission.handle), path, classification="RESTRICTED")
    _check_gexf_structure(path)
    back = nx.read_gexf(path)
    spells = {d["id"]: (d.get("start"), d.get("end")) for _, _, d in back.edges(data=True)}
    assert spells[mission.supports] == ("2023-05-14", None)
    assert spells[mission.attacks] == ("2024-03-02", "2024-03-02")
