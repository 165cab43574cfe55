"""A mission file written before text was validated (a name with a control character)
still exports its influence map as GraphML and GEXF that Gephi and networkx can read."""

from __future__ import annotations

import networkx as nx
import pytest

from missiondesk.services import network, relationships, stakeholders


@pytest.fixture
def old_graph(plain_mission):
    with plain_mission.unit_of_work() as uow:
        zed = stakeholders.create_stakeholder(uow, name="General Zed", category="armed_group")
        gov = stakeholders.create_stakeholder(uow, name="Government", category="host_government")
    with plain_mission.unit_of_work() as uow:
        rel = relationships.create_relationship(uow, source_id=zed.id, target_id=gov.id,
                                                type="opposes", evidence_note="talks stalled")
    with plain_mission.driver_connection() as conn:  # as an older MissionDesk stored it
        conn.execute("UPDATE stakeholders SET name = ?, aliases = ? WHERE id = ?",
                     ("General\x1b[31m Zed\ufffe", '["Z\\u0007ed"]', zed.id))
        conn.execute("UPDATE relationships SET evidence_note = ? WHERE id = ?",
                     ("talks\x00 stalled", rel.id))
        conn.commit()
    return network.build_graph(plain_mission), zed.id, rel.id


def test_graphml_of_old_text_is_readable_with_the_characters_stripped(old_graph, tmp_path):
    graph, zed, rel = old_graph
    path = tmp_path / "map.graphml"
    network.write_graphml(graph, path, classification="CONFIDENTIAL")
    back = nx.read_graphml(path, force_multigraph=True)
    assert back.nodes[zed]["name"] == "General[31m Zed"
    assert back.nodes[zed]["label"] == "General[31m Zed"
    (_, _, notes), = [(u, v, d["evidence_note"]) for u, v, k, d in back.edges(keys=True, data=True)
                      if k == rel]
    assert notes == "talks stalled"


def test_gexf_of_old_text_is_readable_with_the_characters_stripped(old_graph, tmp_path):
    graph, zed, _rel = old_graph
    path = tmp_path / "map.gexf"
    network.write_gexf(graph, path, classification="CONFIDENTIAL")
    back = nx.read_gexf(path)
    assert back.nodes[zed]["label"] == "General[31m Zed"
    assert "Zed" in path.read_text(encoding="utf-8")
