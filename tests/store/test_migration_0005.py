"""Migration 0005: the index "What needs me today" and My follow-ups read (a member's open
commitments by due date); a file at 0004 upgrades, keeps its rows, and the read uses it."""

from __future__ import annotations

from datetime import date, timedelta

from alembic import command

from missiondesk.services import commitments as service
from missiondesk.services.commitments import CommitmentFilter
from missiondesk.store.handle import NewMission, create_mission, open_mission
from missiondesk.store.migrate import HEAD_REVISION, alembic_config, stored_revision
from missiondesk.store.schema import Commitment, TeamMember

INDEX = "ix_commitments_owner_status_due"


def _indexes(handle) -> set[str]:
    with handle.driver_connection() as conn:
        return {r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'commitments'")}


def test_a_file_at_0004_gets_the_index_and_keeps_its_commitments(tmp_path):
    path = tmp_path / "four.mdesk"
    handle = create_mission(path, None, NewMission(name="Four"))
    handle.set_user(None, "Tester")
    with handle.unit_of_work() as uow:
        member = TeamMember(name="Ana Owner", role="OTHER")
        uow.add(member)
        uow.session.flush()
        for days in (-3, 2, 30):
            uow.add(Commitment(text="Due in %d days" % days, by_mission=True,
                               owner_id=member.id, status="open",
                               due_date=date.today() + timedelta(days=days)))
        owner = member.id
    assert INDEX in _indexes(handle)  # a new file has it
    with handle.session() as session:
        cfg = alembic_config()
        cfg.attributes["connection"] = session.connection()
        command.downgrade(cfg, "0004")
        session.commit()
    assert INDEX not in _indexes(handle)
    handle.close()

    handle = open_mission(path, None)  # upgraded on opening
    try:
        with handle.driver_connection() as conn:
            assert stored_revision(conn) == HEAD_REVISION
        # (which index SQLite picks depends on the table's statistics: on the large
        # mission it is this one, 1.94 s -> 0.03 s; tests/perf measures it)
        assert INDEX in _indexes(handle)
        mine = service.page_commitments(handle, CommitmentFilter(owner_id=owner), limit=10)
        assert sorted(r.text for r in mine) == ["Due in -3 days", "Due in 2 days",
                                                "Due in 30 days"]
    finally:
        handle.close()
