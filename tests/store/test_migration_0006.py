"""Migration 0006: the communications plan's lines, a key message's approval and validity, a
communications objective's mandate task and benchmark. A file at 0005 upgrades and keeps its
messages and objectives; the new columns start empty."""

from __future__ import annotations

from alembic import command
from sqlalchemy import select

from missiondesk.store.handle import NewMission, create_mission, open_mission
from missiondesk.store.migrate import HEAD_REVISION, alembic_config, stored_revision
from missiondesk.store.schema import Audience, CommsObjective, CommsPlanRow, KeyMessage


def _columns(handle, table: str) -> set[str]:
    with handle.driver_connection() as conn:
        return {r[1] for r in conn.execute("PRAGMA table_info(%s)" % table)}


def test_a_file_at_0005_gets_the_plan_and_keeps_its_messages(tmp_path):
    path = tmp_path / "five.mdesk"
    handle = create_mission(path, None, NewMission(name="Five"))
    handle.set_user(None, "Tester")
    with handle.unit_of_work() as uow:
        objective = CommsObjective(title="Explain the mandate")
        audience = Audience(code="communities", name="Leppko communities")
        uow.add(objective)
        uow.add(audience)
        uow.session.flush()
        uow.add(KeyMessage(objective_id=objective.id, audience_id=audience.id, kind="can_do",
                           approved=True))
        ids = objective.id, audience.id
    with handle.session() as session:
        cfg = alembic_config()
        cfg.attributes["connection"] = session.connection()
        command.downgrade(cfg, "0005")
        session.commit()
    assert "approved_by" not in _columns(handle, "key_messages")
    with handle.driver_connection() as conn:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
    assert "comms_plan_rows" not in tables
    handle.close()

    handle = open_mission(path, None)  # upgraded on opening
    try:
        with handle.driver_connection() as conn:
            assert stored_revision(conn) == HEAD_REVISION
        assert {"approved_by", "approved_on", "valid_from", "valid_until"} <= _columns(
            handle, "key_messages")
        assert {"mandate_task_id", "benchmark_id"} <= _columns(handle, "comms_objectives")
        with handle.session() as session:
            message = session.scalars(select(KeyMessage)).one()
            assert (message.objective_id, message.audience_id) == ids
            assert (message.kind, message.approved, message.approved_by) == ("can_do", True,
                                                                             None)
            assert session.scalars(select(CommsObjective.title)).all() == [
                "Explain the mandate"]
            assert session.scalars(select(CommsPlanRow)).all() == []
    finally:
        handle.close()
