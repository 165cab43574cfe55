"""A first visit of a large map: the most important actors are shown first, the others
follow from a layout in a child process (the window answers meanwhile), Cancel keeps what is
placed; and the child gives exactly the layout the program would compute itself.

The demo has 69 actors: the thresholds are lowered so it counts as "large" here."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QUndoStack

import missiondesk.ui.map.scene as scene_module
from missiondesk.services import network
from missiondesk.services.network.layout_worker import (
    layout_in_child,
    start_worker,
    stop_worker,
)
from missiondesk.store.handle import open_mission
from missiondesk.ui.context import MissionBus, MissionContext
from missiondesk.ui.map.desk import MapDesk
from missiondesk.ui.preload import MAP_INPUTS, Prefetch
from tests.conftest import PASSPHRASE


@pytest.fixture
def ctx(demo_file):
    handle = open_mission(demo_file, PASSPHRASE)
    handle.set_user(None, "Map Tester")
    with handle.unit_of_work() as uow:  # a first visit: nothing placed yet
        network.delete_positions(uow, list(network.saved_positions(handle)))
    bus = MissionBus()
    handle.add_listener(bus.relay)
    yield MissionContext(handle, QUndoStack(), bus)
    handle.close()


@pytest.fixture
def large(monkeypatch):
    monkeypatch.setattr(scene_module, "PROGRESSIVE_ABOVE", 30)
    monkeypatch.setattr(scene_module, "FIRST_SHOWN", 20)
    monkeypatch.setattr(scene_module, "ADD_BATCH", 15)
    monkeypatch.setattr(scene_module, "SAVE_IN_WORKER_ABOVE", 10)  # written in a worker


def _desk(qtbot) -> MapDesk:
    desk = MapDesk()
    qtbot.addWidget(desk)
    desk.resize(1400, 860)
    desk.show()
    return desk


def test_the_most_important_actors_come_first_and_keep_their_places(qtbot, ctx, large):
    desk = _desk(qtbot)
    first: dict[str, tuple[float, float]] = {}

    def shown() -> None:  # what the user sees first
        first.update({n: (i.pos().x(), i.pos().y()) for n, i in desk.scene.nodes.items()})

    desk.firstActorsShown.connect(shown)
    with qtbot.waitSignal(desk.layoutFinished, timeout=30000):
        desk.attach(ctx)
    qtbot.waitUntil(lambda: not desk.busy(), timeout=30000)
    graph = desk._graph_all
    assert len(first) == 20
    assert set(first) == set(desk.importance_order(graph)[:20])
    # then every actor, the first ones where they were shown (pinned for the rest)
    assert set(desk.scene.nodes) == set(graph.nodes)
    for node_id, (x, y) in first.items():
        pos = desk.scene.nodes[node_id].pos()
        assert abs(pos.x() - x) < 1e-6 and abs(pos.y() - y) < 1e-6
    assert len(desk.scene.edges) == sum(1 for u, v in graph.edges() if u != v)
    assert desk.visible_nodes() == set(graph.nodes)
    # and the whole layout is saved (in a worker), for the next opening, where it was shown
    saved = network.saved_positions(ctx.handle)
    assert set(saved) == set(graph.nodes)
    scale = desk._scale
    for node_id, item in desk.scene.nodes.items():
        assert abs(saved[node_id][0] * scale - item.pos().x()) < 1e-6
    assert desk._saved.keys() == saved.keys()
    desk.detach()


def test_cancel_after_the_first_actors_keeps_every_actor_on_the_map_unsaved(qtbot, ctx, large):
    desk = _desk(qtbot)
    desk.firstActorsShown.connect(desk.cancel_layout)  # the user cancels at once
    with qtbot.waitSignal(desk.layoutFinished, timeout=30000):
        desk.attach(ctx)
    qtbot.waitUntil(lambda: not desk.busy(), timeout=30000)
    assert set(desk.scene.nodes) == set(desk._graph_all.nodes)
    assert "cancelled" in desk.status.text()
    assert network.saved_positions(ctx.handle) == {}
    desk.detach()


def test_a_click_while_the_map_is_still_read_ahead_shows_the_desk_at_once(qtbot, ctx):
    """The read ahead is under way when the map is opened: the desk does not wait for it on
    the click; it fills in when the read lands."""
    import threading

    ctx.prefetch = Prefetch(ctx.handle)
    release = threading.Event()

    def slow_read(handle):
        release.wait(10)
        return network.map_inputs(handle)

    ctx.prefetch.expect(MAP_INPUTS)
    worker = threading.Thread(target=ctx.prefetch.run, args=(MAP_INPUTS, slow_read))
    worker.start()
    desk = _desk(qtbot)
    desk.attach(ctx)  # returns at once
    assert desk.busy() and not desk.scene.nodes
    assert "Reading the map" in desk.status.text()
    release.set()
    qtbot.waitUntil(lambda: not desk.busy(), timeout=30000)
    assert set(desk.scene.nodes) == set(desk._graph_all.nodes)
    worker.join()
    desk.detach()
    ctx.prefetch.close()


def test_the_child_process_lays_out_exactly_as_the_program_does(ctx):
    graph = network.build_graph(ctx.handle)
    assert layout_in_child(graph) == network.layout(graph)
    some = dict(list(network.layout(graph).items())[:25])
    assert layout_in_child(graph, positions=some, pinned=frozenset(some)) == \
        network.layout(graph, positions=some, pinned=frozenset(some))


def test_a_child_started_ahead_gives_the_same_layout_or_leaves_quietly(ctx):
    graph = network.build_graph(ctx.handle)
    assert layout_in_child(graph, worker=start_worker()) == network.layout(graph)
    unused = start_worker()
    stop_worker(unused)
    assert unused.returncode is not None  # no child left behind
    idle = start_worker()
    idle.stdin.close()  # the program went on without it: it ends by itself, without a word
    assert idle.wait(timeout=30) == 0
    assert idle.stderr.read() == b""
    stop_worker(idle)


def test_a_cancel_stops_the_child_process(ctx):
    graph = network.build_graph(ctx.handle)
    with pytest.raises(network.LayoutCancelled):
        layout_in_child(graph, progress=lambda _fraction: False)


def test_a_large_map_reopened_shows_its_most_important_actors_first_then_all(
        qtbot, ctx, large):
    desk = _desk(qtbot)
    with qtbot.waitSignal(desk.layoutFinished, timeout=30000):
        desk.attach(ctx)  # a first visit: laid out, saved
    qtbot.waitUntil(lambda: not desk.busy(), timeout=30000)
    saved = network.saved_positions(ctx.handle)
    desk.detach()

    reopened = _desk(qtbot)
    first: set[str] = set()
    reopened.firstActorsShown.connect(lambda: first.update(reopened.scene.nodes))
    with qtbot.waitSignal(reopened.layoutFinished, timeout=30000):
        reopened.attach(ctx)
        assert reopened.busy()  # the others are still to come
    graph = reopened._graph_all
    assert first == set(reopened.importance_order(graph)[:20])
    assert not reopened.busy()
    assert set(reopened.scene.nodes) == set(graph.nodes)
    assert len(reopened.scene.edges) == sum(1 for u, v in graph.edges() if u != v)
    scale = reopened._scale
    for node_id, item in reopened.scene.nodes.items():  # each where it was saved
        assert abs(saved[node_id][0] * scale - item.pos().x()) < 1e-6
        assert abs(saved[node_id][1] * scale - item.pos().y()) < 1e-6
    assert any(item.label_item.shows() for node_id, item in reopened.scene.nodes.items()
               if node_id not in first)  # the later actors are named once all are there
    reopened.detach()
