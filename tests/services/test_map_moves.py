"""Issue 9, defect 9 (first half): map layout positions are not user edits. Saving positions
(a first map opening places every actor) writes nothing to the change log; the positions
still save, notify and undo. A drag the user makes is one "moved on the map" entry per
dragged stakeholder, recorded against the stakeholder (`network.positions.record_moves`)."""

from __future__ import annotations

from missiondesk.labels import audit_action_label
from missiondesk.services import audit, network, stakeholders


def _people(handle, *names):
    with handle.unit_of_work() as uow:
        return [stakeholders.create_stakeholder(uow, name=n, category="other").id
                for n in names]


def _logged(handle, table):
    with handle.driver_connection() as conn:
        return conn.execute("SELECT count(*) FROM change_log WHERE table_name = ?",
                            (table,)).fetchone()[0]


def test_saving_layout_positions_writes_no_audit_entry(plain_mission):
    a, b, c = _people(plain_mission, "Colonel Ruz", "Harbour Council", "Mayor Ilse")
    before = audit.change_log(plain_mission, count=True).total
    heard = []
    plain_mission.add_listener(heard.append)
    # a first opening of the map lays out every actor and saves them all
    with plain_mission.unit_of_work() as uow:
        network.save_positions(uow, {a: (1.0, 2.0, False), b: (3.0, 4.0, False),
                                     c: (5.0, 6.0, False)})
    with plain_mission.unit_of_work() as uow:  # a re-layout, then an undone first placement
        network.save_positions(uow, {a: (7.0, 8.0, True)})
    with plain_mission.unit_of_work() as uow:
        network.delete_positions(uow, [c])

    assert _logged(plain_mission, "map_positions") == 0
    assert audit.change_log(plain_mission, count=True).total == before
    # the positions themselves still save and undo, and the map still hears of them
    assert network.saved_positions(plain_mission) == {a: (7.0, 8.0, True),
                                                      b: (3.0, 4.0, False)}
    assert all(changed.touches("map_positions") for changed in heard) and len(heard) == 3


def test_a_drag_is_one_moved_entry_per_dragged_stakeholder(plain_mission):
    from missiondesk.services.network.positions import record_moves

    a, b, _c = _people(plain_mission, "Colonel Ruz", "Harbour Council", "Mayor Ilse")
    heard = []
    plain_mission.add_listener(heard.append)
    with plain_mission.unit_of_work() as uow:  # what the map's drag does
        network.save_positions(uow, {a: (10.0, 20.0, True), b: (30.0, 40.0, True)})
        recorded = record_moves(uow, [a, b, a, "not-a-stakeholder"])
    assert recorded == [a, b]

    moves = audit.change_log(plain_mission, audit.AuditFilter(actions=("moved",))).entries
    assert sorted((e.table, e.record_id) for e in moves) == sorted(
        [("stakeholders", a), ("stakeholders", b)])
    assert all(e.user_name == "Tester" and e.field is None for e in moves)
    assert {e.record_label for e in moves} == {"Colonel Ruz", "Harbour Council"}
    assert _logged(plain_mission, "map_positions") == 0
    # the stakeholder's own history shows the move, in words
    [moved] = [e for e in audit.history(plain_mission, "stakeholders", a)
               if e.action == "moved"]
    assert audit_action_label(moved.action) == "moved on the map"
    detail = stakeholders.get_stakeholder(plain_mission, a)
    assert [h.action for h in detail.history][0] == "moved"
    assert heard[-1].touches("change_log") and heard[-1].touches("map_positions")
