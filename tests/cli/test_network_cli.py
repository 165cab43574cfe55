"""`missiondesk network` and `export --format graphml|gexf` on the Carana demo."""

from __future__ import annotations

import json

import networkx as nx
import pytest

from missiondesk.cli import main
from tests.conftest import PASSPHRASE, file_state


@pytest.fixture
def env(monkeypatch):
    monkeypatch.setenv("MISSIONDESK_PASSPHRASE", PASSPHRASE)


def test_network_json_has_design_shape(demo_file, env, capsys, monkeypatch):
    before = file_state(demo_file)
    assert main(["network", str(demo_file), "--json", "--top", "4"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert {"nodes", "brokers", "most_influential"} <= set(data)
    assert data["classification"] in ("CONFIDENTIAL", "STRICTLY CONFIDENTIAL")
    assert len(data["nodes"]) >= 40
    for node in data["nodes"]:
        assert set(node) == {"id", "name", "category", "degree", "betweenness", "pagerank",
                             "community"}
    names = {n["name"] for n in data["nodes"]}
    assert 0 < len(data["brokers"]) <= 4 and set(data["brokers"]) <= names
    assert 0 < len(data["most_influential"]) <= 4 and set(data["most_influential"]) <= names
    best = max(data["nodes"], key=lambda n: n["betweenness"])
    assert data["brokers"][0] == best["name"]
    assert file_state(demo_file)[""] == before[""]  # read only
    # Same mission, same answer (fixed seeds). A second run (a command reads the variable
    # once and removes it from its environment).
    monkeypatch.setenv("MISSIONDESK_PASSPHRASE", PASSPHRASE)
    assert main(["network", str(demo_file), "--json", "--top", "4"]) == 0
    assert json.loads(capsys.readouterr().out) == data


def test_network_plain_words_top_3(demo_file, env, capsys):
    assert main(["network", str(demo_file), "--top", "3"]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0] == lines[-1] and "CONFIDENTIAL" in lines[0]  # the marking, top and bottom
    for heading in ("Brokers: actors that connect groups which otherwise do not talk.",
                    "Most influential:", "Most contested:", "Clusters:"):
        assert any(line.startswith(heading) for line in lines), heading
    brokers = lines.index("Brokers: actors that connect groups which otherwise do not talk.")
    assert [line.split(". ", 1)[0] for line in lines[brokers + 1:brokers + 5]] == [
        "  1", "  2", "  3", ""]
    assert "Traceback" not in out


def test_network_bad_top_is_one_sentence(demo_file, env, capsys):
    assert main(["network", str(demo_file), "--top", "0"]) == 1
    assert capsys.readouterr().err.strip() == "--top must be 1 or more."


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_export_graph_formats_read_back_by_networkx(demo_file, env, tmp_path, capsys, fmt):
    out = tmp_path / ("map." + fmt)
    assert main(["export", str(demo_file), "--format", fmt, "-o", str(out)]) == 0
    graph = nx.read_graphml(out, force_multigraph=True) if fmt == "graphml" else nx.read_gexf(out)
    assert graph.is_directed() and graph.is_multigraph()
    assert graph.number_of_nodes() >= 40 and graph.number_of_edges() >= 40
    assert (out.stat().st_mode & 0o777) == 0o600
    name, data = next(iter(graph.nodes(data=True)))
    assert {"name", "category", "influence", "stance_mission", "do_not_engage"} <= set(data)
    _, _, edge = next(iter(graph.edges(data=True)))
    assert {"strength", "valence", "status", "family"} <= set(edge)
    if fmt == "graphml":
        assert "CONFIDENTIAL" in graph.graph["classification"]
    else:
        assert "CONFIDENTIAL" in graph.graph["name"]
        placed = [d for _, d in graph.nodes(data=True) if "position" in d.get("viz", {})]
        assert len(placed) == graph.number_of_nodes()  # laid out for Gephi
        assert all("color" in d["viz"] for _, d in graph.nodes(data=True))


@pytest.fixture
def history(demo_file):
    """The demo with a relationship that ended in 2021 and one without any date."""
    from missiondesk.services import network, relationships
    from missiondesk.store.handle import open_mission

    handle = open_mission(demo_file, PASSPHRASE)
    try:
        handle.set_user(None, "Tester")
        first, second = network_ids = sorted(network.build_graph(handle).nodes)[:2]
        with handle.unit_of_work() as uow:
            ended = relationships.create_relationship(
                uow, source_id=first, target_id=second, type="rival_of", status="ended",
                valid_from="2019", valid_to="2021-06", confidence="doubtful").id
            undated = relationships.create_relationship(
                uow, source_id=second, target_id=first, type="mediates").id
    finally:
        handle.close()
    return demo_file, network_ids, ended, undated


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_export_graph_carries_ended_and_undated_relationships_and_metrics(history, env,
                                                                         tmp_path, fmt):
    demo, (first, _second), ended, undated = history
    out = tmp_path / ("map." + fmt)
    assert main(["export", str(demo), "--format", fmt, "-o", str(out)]) == 0
    if fmt == "graphml":
        graph = nx.read_graphml(out, force_multigraph=True)
        edges = {k: d for _, _, k, d in graph.edges(keys=True, data=True)}
    else:
        graph = nx.read_gexf(out)
        assert graph.graph["mode"] == "dynamic"
        edges = {d["id"]: d for _, _, d in graph.edges(data=True)}
    assert ended in edges and undated in edges
    gone = edges[ended]
    assert (gone["relationship_type"], gone["status"], gone["confidence"], gone["valid_from"],
            gone["valid_to"]) == ("rival_of", "ended", "doubtful", "2019", "2021-06")
    assert (edges[undated]["valid_from"], edges[undated]["valid_to"]) == ("", "")
    if fmt == "gexf":  # Gephi's timeline: the ended rivalry from 2019 to June 2021
        assert (gone["start"], gone["end"]) == ("2019-01-01", "2021-06-30")
        assert "start" not in edges[undated] and "end" not in edges[undated]
    for _, data in graph.nodes(data=True):
        assert isinstance(data["degree"], int) and isinstance(data["cluster"], int)
        assert isinstance(data["pagerank"], float) and isinstance(data["betweenness"], float)
        assert isinstance(data["articulation"], bool) and isinstance(data["priority"], str)
    assert sum(d["articulation"] for _, d in graph.nodes(data=True)) >= 1
    assert len({d["cluster"] for _, d in graph.nodes(data=True)}) >= 2
    assert graph.nodes[first]["pagerank"] > 0
