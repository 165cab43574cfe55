"""The influence map an analyst can read (issue 9, items 3, 4, 5, 7, 8 and 10), on the Carana
demo and on an imported 45-actor network, at a 1366x768 laptop's size (offscreen)."""

from __future__ import annotations

import itertools
import random
import re
import subprocess
import xml.etree.ElementTree as ET
from datetime import date, timedelta

import networkx as nx
import pytest
from PySide6.QtGui import QUndoStack

from missiondesk.services import relationships as rel
from missiondesk.services import stakeholders as S
from missiondesk.store.handle import open_mission
from missiondesk.ui.context import MissionBus, MissionContext
from missiondesk.ui.map.desk import MapDesk
from missiondesk.ui.map.items import VALENCE_COLOURS, short_label
from tests.conftest import PASSPHRASE
from tests.services.imported import import_network

#: The most important actors (influence, then centrality) named at Fit, whatever the map.
TOP = 8


def _context(handle) -> MissionContext:
    bus = MissionBus()
    handle.add_listener(bus.relay)
    return MissionContext(handle, QUndoStack(), bus)


def _desk(qtbot, ctx, size=(1180, 640)) -> MapDesk:
    """The desk as a 1366x768 window leaves it (navigation and menus aside)."""
    desk = MapDesk()
    qtbot.addWidget(desk)
    desk.resize(*size)
    desk.show()
    desk.attach(ctx)
    qtbot.waitUntil(lambda: not desk.busy(), timeout=15000)
    desk.fit()
    return desk


@pytest.fixture
def demo(qtbot, demo_file):
    handle = open_mission(demo_file, PASSPHRASE)
    handle.set_user(None, "Analyst")
    ctx = _context(handle)
    desk = _desk(qtbot, ctx)
    yield desk, ctx
    desk.detach()
    handle.close()


@pytest.fixture
def imported(qtbot, tmp_path):
    path = import_network(tmp_path / "imported.mdesk")
    handle = open_mission(path, None)
    handle.set_user(None, "Analyst")
    ctx = _context(handle)
    desk = _desk(qtbot, ctx)
    yield desk, ctx
    desk.detach()
    handle.close()


@pytest.fixture(params=["demo", "imported"])
def any_map(request):
    return request.getfixturevalue(request.param)


def _named(desk) -> dict[str, str]:
    """Node id -> the name drawn on the map, for the actors whose name is drawn."""
    zoom = desk.view.zoom()
    return {n: item.label for n, item in desk.scene.nodes.items()
            if item.isVisible() and item.label_item.isVisible()
            and item.label_item.shows(zoom)}


def _top(desk, count: int) -> list[str]:
    """The actors by influence, then by how many actors they are linked to."""
    graph = desk._graph_all

    def degree(n):
        return len((set(graph.predecessors(n)) | set(graph.successors(n))) - {n})

    ranked = sorted(graph, key=lambda n: (-(graph.nodes[n].get("influence") or 0), -degree(n),
                                          graph.nodes[n]["name"].casefold()))
    return ranked[:count]


def _id(desk, prefix: str) -> str:
    return next(n for n, a in desk._graph_all.nodes(data=True) if a["name"].startswith(prefix))


# --- 3: names ---------------------------------------------------------------------------


def test_the_most_important_actors_are_named_at_fit_and_no_names_overlap(any_map):
    desk, _ctx = any_map
    named = _named(desk)
    top = _top(desk, TOP)
    missing = [desk._graph_all.nodes[n]["name"] for n in top if n not in named]
    assert not missing
    assert len(named) >= len(desk.scene.nodes) // 3
    boxes = [desk.scene.nodes[n].label_item.sceneBoundingRect() for n in named]
    for a, b in itertools.combinations(boxes, 2):
        assert not a.intersects(b)
    # names keep their size on screen: zooming in names more of the actors that stay on
    # screen (the names of actors off screen are not placed)
    # Around the most important actor (kept in view at every zoom), zooming in four times
    # names more of the actors near it, or all of them.
    centre = desk.scene.nodes[top[0]]
    desk.view.centerOn(centre)
    desk.view.relabel()
    visible = desk.view.mapToScene(desk.view.viewport().rect()).boundingRect()
    radius = min(visible.width(), visible.height()) / 10  # inside the view at 4x, too
    near = [n for n, item in desk.scene.nodes.items() if item.isVisible()
            and (item.pos() - centre.pos()).manhattanLength() < radius]
    named_at_fit = sum(n in _named(desk) for n in near)
    desk.view.zoom_by(4.0)
    desk.view.centerOn(centre)
    desk.view.relabel()
    named_zoomed = sum(n in _named(desk) for n in near)
    assert named_zoomed > named_at_fit or named_zoomed == len(near)
    desk.view.zoom_by(0.25)
    height = desk.scene.nodes[top[0]].label_item.sceneBoundingRect().height()
    assert 10 <= height * desk.view.zoom() <= 40  # pixels on screen, at any zoom


def test_names_are_short_names_and_never_cut_at_punctuation(imported):
    desk, _ctx = imported
    assert short_label("Retour, Réclamation et Réhabilitation (3R)") == "3R"
    assert short_label("Economic Community of Central African States (ECCAS)",
                       ["CEEAC"]) == "CEEAC"
    assert short_label("Anti-balaka, aile Mokom") == "Anti-balaka, aile Mokom"
    labels = {desk._graph_all.nodes[n]["name"]: item.label
              for n, item in desk.scene.nodes.items()}
    assert labels["Retour, Réclamation et Réhabilitation (3R)"] == "3R"
    assert labels["Gouvernement de la République centrafricaine (GoCAR)"] == "GoCAR"
    assert labels["Anti-balaka, aile Ngaïssona"] == "Anti-balaka, aile Ngaïssona"
    assert labels["Peuhl pastoralist associations, Nana-Mambéré"] == \
        "Peuhl pastoralist associations, Nana-Mambéré"
    # found by its short name
    assert desk.find("3R") and desk.selected_id() == _id(desk, "Retour")


# --- 4: names as text in the PDF and SVG ------------------------------------------------


def test_pdf_and_svg_exports_write_the_names_as_text(imported, tmp_path):
    desk, _ctx = imported
    top_names = [desk.scene.nodes[n].label for n in _top(desk, TOP)]
    # as drawn: a long name wraps on two lines
    top_lines = [line for n in _top(desk, TOP) for line in getattr(
        desk.scene.nodes[n].label_item, "shown_text", lambda i=n: desk.scene.nodes[i].label
    )().split("\n")]
    pdf = desk.export_image(tmp_path / "map.pdf", "pdf")
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    words = " ".join(text.split())
    for line in top_lines:
        assert line in words, line
    svg = desk.export_image(tmp_path / "map.svg", "svg")
    root = ET.parse(svg).getroot()
    texts = " ".join(" ".join("".join(e.itertext()).split()) for e in root.iter()
                     if e.tag.endswith("text"))
    for name in top_names:
        assert name in texts, name
    assert not [e for e in root.iter() if e.tag.endswith("image")]  # no pictures of text


# --- 5: reach paths ----------------------------------------------------------------------


def test_the_panel_shows_the_envoy_who_mediates_and_says_why_when_nothing_reaches(imported):
    desk, ctx = imported
    handle = ctx.handle
    envoy, splinter = _id(desk, "Angola"), _id(desk, "3R dissident")
    desk.select_node(splinter)
    assert desk.reach_paths() == []
    assert "owns no actor" in desk.reach_title.text()
    assert desk.reach_window.value() == 180  # the recency window is a setting in the panel

    from missiondesk.store.schema import TeamMember

    with handle.unit_of_work() as uow:
        member = uow.add(TeamMember(name="Head of Political Affairs", role="CHIEF_POLITICAL"))
        uow.session.flush()
        member_id = member.id
    with handle.unit_of_work() as uow:
        S.update_stakeholder(uow, envoy, expected_revision=1, owner_id=member_id)
    desk.select_node(envoy)
    desk.select_node(splinter)
    assert [p.nodes for p in desk.reach_paths()][:1] == [[envoy, splinter]]
    assert desk.reach_list.count() >= 1

    desk.select_node(_id(desk, "Panel of Experts"))
    text = desk.reach_title.text()
    assert "No cooperative or process link reaches" in text
    assert "its links: sanctions Wagner Group, Africa Corps" in text


# --- 7: the past and the changes of an imported network -----------------------------------


def test_the_as_of_slider_keeps_an_imported_map_and_counts_undated_links(imported):
    desk, _ctx = imported
    today_nodes = len(desk.visible_nodes())
    today_edges = len(desk.visible_edges())
    desk.set_as_of(date.today() - timedelta(days=400))
    assert len(desk.visible_nodes()) >= today_nodes - 1  # the one actor without any link
    assert len(desk.visible_edges()) == today_edges
    assert "72" in desk.undated_label.text()


def test_the_changes_tab_lists_ended_relationships_as_ended(imported):
    desk, _ctx = imported
    desk.since_date.setDate(date.today() - timedelta(days=30))
    desk.show_changes()
    html = desk.changes.toPlainText()
    started, ended = html.split("Relationships that ended")
    ended = ended.split("Stance changes")[0]
    assert "Mouvement patriotique pour la Centrafrique (MPC) member of" in ended
    assert "Mouvement patriotique pour la Centrafrique (MPC) member of" not in started
    assert "none" not in ended.split("\n")[1]


# --- 8: the legend -----------------------------------------------------------------------


def test_every_line_colour_dash_and_arrow_on_the_map_is_in_the_legend(any_map):
    desk, _ctx = any_map
    entries = [e for e in desk.legend.entries if e.kind == "edge"]
    colours = {e.colour.lower() for e in entries}
    styles = {e.style for e in entries}
    shown = [edge for edge in desk.scene.edges.values() if edge.isVisible()]
    assert shown
    for edge in shown:
        valence = int(edge.attrs.get("valence") or 0)
        assert VALENCE_COLOURS[valence].lower() in colours, valence
        status = edge.attrs.get("status")
        if status in ("alleged", "dormant"):
            assert "dashed" in styles
    if any(edge.directed for edge in shown):
        assert "arrow" in styles
    desk.set_as_of(date.today() - timedelta(days=1))  # ended links with dates show dotted
    dotted = [e for e in desk.scene.edges.values() if e.isVisible()
              and e.attrs.get("status") == "ended"]
    if dotted:
        assert "dotted" in {e.style for e in desk.legend.entries}


# --- 10: analysis ------------------------------------------------------------------------


def test_the_analysis_names_only_actors_whose_loss_splits_the_network(imported, qtbot):
    desk, _ctx = imported
    with qtbot.waitSignal(desk.metricsReady, timeout=15000):
        desk.side.setCurrentIndex(1)
    text = desk.analysis.toPlainText()
    section = text.split("Losing them splits the network")[1].split("Most influential")[0]
    cuts = {desk._graph_all.nodes[c.id]["name"] for c in desk.metrics().cut_points}
    assert cuts
    for name in list(cuts)[:5]:
        assert name in section or len(cuts) > 5
    brokers = [desk._graph_all.nodes[b]["name"] for b in desk.metrics().brokers[:5]]
    for name in brokers:
        if name not in cuts:  # a broker that splits nothing is not said to
            assert not re.search(re.escape(name) + r" cuts off", section)


def _pairs(metrics) -> set[frozenset]:
    return {frozenset(p) for c in metrics.communities for p in itertools.combinations(c, 2)}


def test_clusters_stay_put_when_one_relationship_is_added(imported, qtbot):
    desk, ctx = imported
    with qtbot.waitSignal(desk.metricsReady, timeout=15000):
        desk.side.setCurrentIndex(1)
    names = sorted(a["name"] for _n, a in desk._graph_all.nodes(data=True))
    rng = random.Random(5)
    edits = [("Forces de sécurité", "Assemblée nationale"), ("Radio Ndeke", "Bloc républicain"),
             ("MINUSCA", "Conseil national de la jeunesse")]
    edits += [tuple(rng.sample(names, 2)) for _ in range(9)]
    for source, target in edits:
        before = desk.metrics()
        a, b = _id(desk, source), _id(desk, target)
        with qtbot.waitSignal(desk.metricsReady, timeout=15000):
            with ctx.handle.unit_of_work() as uow:
                rel.create_relationship(uow, source_id=a, target_id=b, type="supports",
                                        strength=2)
        after = desk.metrics()
        graph = desk._graph_all
        near = {a, b} | set(nx.all_neighbors(graph, a)) | set(nx.all_neighbors(graph, b))
        moved = {p for p in _pairs(before) ^ _pairs(after) if not p & near}
        assert not moved, (source, target, len(moved))
