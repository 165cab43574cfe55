"""The Influence map desk driven as a leader would, on the Carana demo (offscreen)."""

from __future__ import annotations

import networkx as nx
import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, QRectF, Qt
from PySide6.QtGui import QHelpEvent, QImage, QUndoStack
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QFileDialog, QMessageBox, QToolTip

from missiondesk.services import network
from missiondesk.store.handle import open_mission
from missiondesk.ui.context import MissionBus, MissionContext
from missiondesk.ui.map.desk import MapDesk
from missiondesk.ui.map.items import EdgeItem
from tests.conftest import PASSPHRASE


def _open(path):
    handle = open_mission(path, PASSPHRASE)
    handle.set_user(None, "Map Tester")
    bus = MissionBus()
    handle.add_listener(bus.relay)
    return MissionContext(handle, QUndoStack(), bus)


def _desk(qtbot, ctx) -> MapDesk:
    desk = MapDesk()
    qtbot.addWidget(desk)
    desk.resize(1400, 860)
    desk.show()
    desk.attach(ctx)
    qtbot.waitUntil(lambda: not desk.busy(), timeout=10000)
    return desk


@pytest.fixture
def session(qtbot, demo_file):
    ctx = _open(demo_file)
    desk = _desk(qtbot, ctx)
    yield desk, ctx
    desk.detach()
    ctx.handle.close()


def _name_of(desk, node_id: str) -> str:
    return desk._graph_all.nodes[node_id]["name"]


def _id_of(desk, prefix: str) -> str:
    return next(n for n, a in desk._graph_all.nodes(data=True) if a["name"].startswith(prefix))


def _drag(desk, node_id: str, dx: int, dy: int) -> None:
    item = desk.scene.nodes[node_id]
    desk.view.centerOn(item)
    start = desk.view.mapFromScene(item.pos())
    end = start + QPoint(dx, dy)
    viewport = desk.view.viewport()
    QTest.mousePress(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, start)
    for step in range(1, 6):
        QTest.mouseMove(viewport, start + QPoint(dx * step // 5, dy * step // 5))
    QTest.mouseRelease(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, end)


def test_the_demo_is_laid_out_once_and_every_actor_shown_with_a_legend(session):
    desk, ctx = session
    graph = network.build_graph(ctx.handle)
    assert set(desk.scene.nodes) == set(graph.nodes)
    assert desk.visible_nodes() == set(graph.nodes)
    assert set(network.saved_positions(ctx.handle)) == set(graph.nodes)  # layout persisted
    texts = [e.text for e in desk.legend.entries]
    assert "Armed groups and criminal networks" in texts and "Do not engage" in texts
    assert desk.legend.isVisible() and desk.legend.width() > 100
    desk.colour_by.setCurrentIndex(desk.colour_by.findData("stance"))
    assert "Spoiler" in [e.text for e in desk.legend.entries]
    assert not ctx.undo_stack.count()  # placing new actors is not an edit of the user's


def test_dragging_a_node_saves_its_place_which_survives_reopening(qtbot, demo_file):
    ctx = _open(demo_file)
    desk = _desk(qtbot, ctx)
    node_id = _id_of(desk, "President")
    before = desk.scene.nodes[node_id].pos()
    _drag(desk, node_id, 120, -80)
    after = desk.scene.nodes[node_id].pos()
    assert (after - before).manhattanLength() > 50
    scale = desk._scale
    saved = network.saved_positions(ctx.handle)[node_id]
    assert saved[0] == pytest.approx(after.x() / scale)
    assert saved[1] == pytest.approx(after.y() / scale)
    assert saved[2] is True  # a node placed by hand is pinned
    assert ctx.undo_stack.undoText().startswith("Move President")
    desk.detach()
    ctx.handle.close()

    ctx = _open(demo_file)
    reopened = _desk(qtbot, ctx)
    assert network.saved_positions(ctx.handle)[node_id][:2] == pytest.approx(saved[:2])
    pos = reopened.scene.nodes[node_id].pos()
    assert pos.x() / reopened._scale == pytest.approx(saved[0])
    assert pos.y() / reopened._scale == pytest.approx(saved[1])
    reopened.detach()
    ctx.handle.close()


def test_undo_of_a_drag_puts_the_node_and_its_edges_back(session):
    desk, ctx = session
    node_id = _id_of(desk, "Mouvement Patriotique")
    item = desk.scene.nodes[node_id]
    before = QPointF(item.pos())
    saved_before = network.saved_positions(ctx.handle)[node_id]
    edge = item.edges[0]
    path_before = edge.boundingRect()
    _drag(desk, node_id, -90, 60)
    assert (item.pos() - before).manhattanLength() > 50
    assert edge.boundingRect() != path_before  # only its edges followed
    ctx.undo_stack.undo()
    assert (item.pos() - before).manhattanLength() < 0.01
    assert network.saved_positions(ctx.handle)[node_id] == pytest.approx(saved_before)
    assert edge.boundingRect() == path_before
    ctx.undo_stack.redo()
    assert (item.pos() - before).manhattanLength() > 50


def test_filters_change_the_visible_actors_and_relationships(session):
    desk, ctx = session
    everyone = desk.visible_nodes()
    all_edges = desk.visible_edges()
    graph = desk._graph_all
    desk.set_categories({"armed_group"})
    assert desk.visible_nodes() and desk.visible_nodes() < everyone
    assert all(graph.nodes[n]["category"] == "armed_group" for n in desk.visible_nodes())
    hidden = next(n for n in everyone - desk.visible_nodes())
    assert not desk.scene.nodes[hidden].isVisible()
    assert not desk.scene.nodes[hidden].label_item.isVisible()
    desk.set_categories(set())
    assert desk.visible_nodes() == everyone

    desk.min_strength.setValue(5)
    strong = desk.visible_edges()
    assert strong and strong < all_edges
    assert all(e.attrs["strength"] == 5 for k, e in desk.scene.edges.items() if k in strong)
    assert all(not e.isVisible() for k, e in desk.scene.edges.items() if k not in strong)
    desk.min_strength.setValue(1)

    desk.set_families({"adversarial"})
    assert all(desk.scene.edges[k].attrs["family"] == "adversarial"
               for k in desk.visible_edges())
    desk.set_families(set())

    desk.active_only.setChecked(True)
    assert all(desk.scene.edges[k].attrs["status"] == "active" for k in desk.visible_edges())
    desk.active_only.setChecked(False)

    desk.set_as_of(desk._as_of_start)  # years ago: far fewer relationships were valid
    assert len(desk.visible_edges()) < len(all_edges)
    assert desk.as_of_label.text() == desk._as_of_start.isoformat()
    desk.set_as_of(None)
    assert desk.visible_edges() == all_edges and desk.as_of_label.text() == "today"


def test_focus_shows_only_the_n_step_neighbourhood(session):
    desk, _ctx = session
    graph = desk._graph_all
    node_id = _id_of(desk, "Mouvement Patriotique")
    assert desk.find("mouvement patriotique")  # accents and case ignored
    assert desk.selected_id() == node_id
    assert _name_of(desk, node_id) in desk.card.toPlainText()
    desk.focus_check.setChecked(True)
    one = set(nx.ego_graph(graph.to_undirected(as_view=True), node_id, radius=1))
    assert desk.visible_nodes() == one
    shown = {n for n, item in desk.scene.nodes.items() if item.isVisible()}
    assert shown == one
    desk.focus_hops.setValue(2)
    two = set(nx.ego_graph(graph.to_undirected(as_view=True), node_id, radius=2))
    assert desk.visible_nodes() == two and two > one
    desk.focus_check.setChecked(False)
    assert len(desk.visible_nodes()) == graph.number_of_nodes()
    assert not desk.find("no such actor anywhere")
    assert "No actor on the map matches" in desk.status.text()


@pytest.mark.qt_log_ignore("This plugin does not support raise")  # the tooltip, offscreen
def test_hovering_an_edge_shows_its_type_strength_and_evidence(session, qtbot):
    desk, _ctx = session
    def alone(e) -> bool:  # nothing else near the middle of the line
        middle = e.midpoint()
        near = QRectF(middle.x() - 6, middle.y() - 6, 12, 12)
        return not desk.scene.items(near) and not [
            o for o in desk.scene.edges.values()
            if o is not e and o.isVisible() and o.shape().intersects(near)]

    edge = next(e for e in desk.scene.edges.values()
                if e.attrs.get("evidence_note") and e.offset == 0 and alone(e))
    # the mouse over the middle of the line (its shape is the line, not its bounding box)
    desk.view.centerOn(edge.midpoint())
    point = desk.view.mapFromScene(edge.midpoint())
    assert desk.scene.edge_at(desk.view.mapToScene(point)) is edge
    assert isinstance(edge, EdgeItem)
    event = QHelpEvent(QEvent.Type.ToolTip, point, desk.view.viewport().mapToGlobal(point))
    desk.view.viewportEvent(event)
    qtbot.waitUntil(lambda: QToolTip.isVisible(), timeout=2000)
    text = QToolTip.text()
    QToolTip.hideText()
    assert _name_of(desk, edge.source.node_id) in text
    assert _name_of(desk, edge.target.node_id) in text
    assert "Type: " in text and "Status: " in text
    assert "Strength: %d of 5" % edge.attrs["strength"] in text
    assert edge.attrs["evidence_note"] in text


def test_reach_paths_are_listed_and_highlighted_with_the_last_engagement(session):
    desk, ctx = session
    graph = desk._graph_all
    target = next(n for n in graph
                  if any(len(p.nodes) >= 2 for p in network.reach_paths(ctx.handle, graph, n)))
    desk.select_node(target)
    paths = desk.reach_paths()
    assert paths and desk.reach_list.count() == len(paths)
    assert "How to reach" in desk.reach_title.text()
    index = next(i for i, p in enumerate(paths) if len(p.nodes) >= 2)
    desk.reach_list.setCurrentRow(index)
    nodes, edges = desk.highlighted()
    assert nodes == set(paths[index].nodes) and edges == set(paths[index].edges)
    assert all(desk.scene.edges[e].highlighted for e in edges)
    assert desk.scene.nodes[target].highlighted
    other = next(n for n in desk.scene.nodes if n not in nodes)
    assert desk.scene.nodes[other].opacity() < 1.0  # the rest is dimmed
    first = desk.scene.nodes[paths[index].nodes[0]]
    when = paths[index].first_link_last_engaged
    assert (when.isoformat() if when else "never engaged") in first.label
    desk.clear_highlight()
    assert desk.highlighted() == (set(), set())
    assert desk.scene.nodes[other].opacity() == 1.0


def test_analysis_panel_explains_brokers_influence_and_clusters(session, qtbot):
    desk, _ctx = session
    with qtbot.waitSignal(desk.metricsReady, timeout=10000):
        desk.side.setCurrentIndex(1)
    text = desk.analysis.toPlainText()
    assert "Brokers" in text and "Losing them splits the network" in text
    assert "Most influential" in text and "Most contested" in text and "Cluster 1" in text
    broker = desk.metrics().brokers[0]
    assert _name_of(desk, broker) in text


def test_exports_write_images_and_graphs_marked_with_the_classification(session, tmp_path,
                                                                       monkeypatch):
    desk, _ctx = session
    level = desk.classification()
    assert level in ("CONFIDENTIAL", "STRICTLY CONFIDENTIAL")  # the demo holds some
    chosen = {}

    def save_as(_parent, _title, suggested, _filter, *args):
        chosen["path"] = str(tmp_path / suggested.rsplit(".", 1)[0])  # no suffix typed
        return chosen["path"], ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_as)
    written = {fmt: desk.export_as(fmt) for fmt in ("png", "svg", "pdf", "graphml", "gexf")}
    for fmt, path in written.items():
        assert path is not None and path.suffix == "." + fmt and path.stat().st_size > 1000
    image = QImage(str(written["png"]))
    assert image.width() >= 1200 and image.height() >= 800
    svg = written["svg"].read_text(encoding="utf-8")
    assert level in svg and "Influence map" in svg
    assert written["pdf"].read_bytes().startswith(b"%PDF")
    graph = nx.read_graphml(written["graphml"])
    assert graph.number_of_nodes() == len(desk.visible_nodes())
    # every link the map shows, and the ended ones between the same actors (Gephi's timeline)
    assert {str(k) for _, _, k in graph.edges(keys=True)} >= set(desk.visible_edges())
    assert "ended" in {d["status"] for _, _, d in graph.edges(data=True)}
    assert graph.graph["classification"] == level
    gexf = nx.read_gexf(written["gexf"])
    assert gexf.number_of_nodes() == len(desk.visible_nodes())

    # a filtered view exports only what it shows
    desk.set_categories({"armed_group"})
    path = desk.export_graph(tmp_path / "armed.graphml", "graphml")
    assert nx.read_graphml(path).number_of_nodes() == len(desk.visible_nodes())


def test_an_export_that_cannot_be_written_says_so_in_one_sentence(session, tmp_path,
                                                                   monkeypatch):
    desk, _ctx = session
    missing = tmp_path / "no such folder" / "map.png"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a: (str(missing), ""))
    shown = []
    monkeypatch.setattr(QMessageBox, "critical", lambda _p, _t, text: shown.append(text))
    assert desk.export_as("png") is None
    # the folder is missing: the sentence names it (issue 8, item 7)
    assert shown == ["The folder %s does not exist." % missing.parent]
