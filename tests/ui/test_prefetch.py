"""The map's inputs read ahead in the background: used when nothing changed since, never
when something did, and the mission closes cleanly while a read is under way."""

from __future__ import annotations

import threading

import pytest

from missiondesk.services import network
from missiondesk.store.handle import open_mission
from missiondesk.ui.preload import MAP_INPUTS, Prefetch
from tests.conftest import PASSPHRASE


@pytest.fixture
def handle(demo_file):
    handle = open_mission(demo_file, PASSPHRASE)
    handle.set_user(None, "Tester")
    yield handle
    handle.close()


def _rename_first_stakeholder(handle, name: str) -> str:
    from missiondesk.services.stakeholders import list_stakeholders, update_stakeholder

    row = list_stakeholders(handle)[0]
    with handle.unit_of_work() as uow:
        update_stakeholder(uow, row.id, expected_revision=row.revision, name=name)
    return row.id


def test_a_read_ahead_is_handed_over_once_when_nothing_changed(handle):
    prefetch = Prefetch(handle)
    prefetch.run(MAP_INPUTS, network.map_inputs)
    inputs = prefetch.take(MAP_INPUTS)
    assert inputs is not None
    fresh = network.map_inputs(handle)
    assert sorted(inputs.graph.nodes) == sorted(fresh.graph.nodes)
    assert sorted(inputs.graph.edges(keys=True)) == sorted(fresh.graph.edges(keys=True))
    assert inputs.saved == fresh.saved and inputs.undated == fresh.undated
    assert prefetch.take(MAP_INPUTS) is None  # handed over: the next opening reads itself
    prefetch.close()


def test_a_change_after_the_read_makes_the_map_read_again(handle):
    prefetch = Prefetch(handle)
    prefetch.run(MAP_INPUTS, network.map_inputs)
    sid = _rename_first_stakeholder(handle, "Renamed while the Overview was read")
    assert prefetch.take(MAP_INPUTS) is None
    # and the map's own read shows the new name
    assert network.map_inputs(handle).graph.nodes[sid]["name"] == \
        "Renamed while the Overview was read"
    prefetch.close()


def test_a_change_during_the_read_discards_it(handle):
    prefetch = Prefetch(handle)
    started, finish = threading.Event(), threading.Event()

    def slow_read(h):
        started.set()
        finish.wait(10)
        return network.map_inputs(h)

    prefetch.expect(MAP_INPUTS)
    worker = threading.Thread(target=prefetch.run, args=(MAP_INPUTS, slow_read))
    worker.start()
    started.wait(10)
    _rename_first_stakeholder(handle, "Renamed during the read")
    finish.set()
    assert prefetch.take(MAP_INPUTS) is None  # waits for the read, then refuses it
    worker.join()
    prefetch.close()


def test_a_failed_read_gives_nothing_and_closing_waits_for_a_read_under_way(handle):
    prefetch = Prefetch(handle)

    def broken(_h):
        raise RuntimeError("disk gone")

    prefetch.run(MAP_INPUTS, broken)
    assert prefetch.take(MAP_INPUTS) is None

    started, finish, done = threading.Event(), threading.Event(), []

    def slow_read(h):
        started.set()
        finish.wait(10)
        done.append(True)
        return network.map_inputs(h)

    worker = threading.Thread(target=prefetch.run, args=(MAP_INPUTS, slow_read))
    worker.start()
    started.wait(10)
    threading.Timer(0.2, finish.set).start()
    prefetch.close()  # returns only once the read has ended: its connection is back
    assert done == [True]
    worker.join()
    prefetch.run(MAP_INPUTS, network.map_inputs)  # after close: no read starts
    assert prefetch.take(MAP_INPUTS) is None


def test_the_start_up_preload_reads_the_figures_ahead_and_hands_over_a_usable_connection(
        demo_file, monkeypatch):
    """The preload thread keys the file and runs the Overview's counts on its connection
    (warming its page cache); a statement it cannot run leaves the connection usable."""
    from missiondesk.services.mission import mission_summary
    from missiondesk.store import counts
    from missiondesk.ui.preload import MissionPreload

    ran = []
    real = counts.COUNTS_SQL

    class Watched:  # the connection's execute, watched
        def __init__(self, conn):
            self._conn = conn

        def execute(self, sql, *args):
            ran.append(sql)
            return self._conn.execute(sql, *args)

    preload = MissionPreload(demo_file, PASSPHRASE)
    original = MissionPreload._warm
    monkeypatch.setattr(MissionPreload, "_warm",
                        staticmethod(lambda conn: original(Watched(conn))))
    preload.start()
    conn = preload.take(demo_file, PASSPHRASE)
    assert conn is not None and ran == [real]
    conn.close()

    monkeypatch.setattr(counts, "COUNTS_SQL", "SELECT no_such_column FROM nowhere")
    preload = MissionPreload(demo_file, PASSPHRASE)
    preload.start()
    conn = preload.take(demo_file, PASSPHRASE)
    assert conn.execute("SELECT count(*) FROM stakeholders").fetchone()[0] > 0
    conn.close()
    handle = open_mission(demo_file, PASSPHRASE)
    try:
        assert mission_summary(handle).counts["engagements"] == 174
    finally:
        handle.close()
