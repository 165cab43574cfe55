"""Migration 0009: a mandate task's stakeholders, engagements and commitments. A file at 0008
upgrades on opening and keeps its tasks and benchmark links; the three link tables start
empty, refuse a second live link of one pair and take one back once the first is tombstoned;
a downgrade takes them away again."""

from __future__ import annotations

from datetime import date

import pytest
from alembic import command
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from missiondesk.store.handle import NewMission, create_mission, open_mission, utcnow
from missiondesk.store.migrate import HEAD_REVISION, alembic_config, stored_revision
from missiondesk.store.schema import (
    Benchmark,
    BenchmarkTask,
    Mandate,
    MandateTask,
    MandateTaskStakeholder,
    Stakeholder,
)

LINKS = ("mandate_task_stakeholders", "mandate_task_engagements", "mandate_task_commitments")


def _tables(handle) -> set[str]:
    with handle.driver_connection() as conn:
        return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}


def _downgrade(handle, target: str) -> None:
    with handle.session() as session:
        cfg = alembic_config()
        cfg.attributes["connection"] = session.connection()
        command.downgrade(cfg, target)
        session.commit()


def test_a_file_at_0008_gets_the_task_links_and_keeps_its_tasks(tmp_path):
    path = tmp_path / "eight.mdesk"
    handle = create_mission(path, None, NewMission(name="Eight"))
    handle.set_user(None, "Tester")
    assert set(LINKS) <= _tables(handle)
    with handle.unit_of_work() as uow:
        mandate = Mandate(resolution="S/RES/2999 (2026)", adopted_on=date(2026, 3, 1))
        uow.add(mandate)
        uow.session.flush()
        task = MandateTask(mandate_id=mandate.id, paragraph="OP 35(a)(ii)", text="Ceasefire")
        benchmark = Benchmark(statement="Ceasefire holds", mandate_id=mandate.id)
        uow.add(task)
        uow.add(benchmark)
        uow.session.flush()
        uow.add(BenchmarkTask(task_id=task.id, benchmark_id=benchmark.id))
        tid, bid = task.id, benchmark.id
    _downgrade(handle, "0008")
    assert not set(LINKS) & _tables(handle)
    handle.close()

    handle = open_mission(path, None)  # upgraded on opening
    handle.set_user(None, "Tester")
    try:
        with handle.driver_connection() as conn:
            assert stored_revision(conn) == HEAD_REVISION
            for table in LINKS:
                assert conn.execute("SELECT count(*) FROM %s" % table).fetchone()[0] == 0
        with handle.session() as session:
            assert session.get(MandateTask, tid).paragraph == "OP 35(a)(ii)"
            assert session.scalars(select(BenchmarkTask.benchmark_id)).all() == [bid]
        with handle.unit_of_work() as uow:
            person = Stakeholder(name="Gen. Tamba", name_key="gen. tamba")
            uow.add(person)
            uow.session.flush()
            sid = person.id
            first = MandateTaskStakeholder(task_id=tid, stakeholder_id=sid)
            uow.add(first)
        with pytest.raises(IntegrityError):  # one live link per pair
            with handle.unit_of_work() as uow:
                uow.add(MandateTaskStakeholder(task_id=tid, stakeholder_id=sid))
        with handle.unit_of_work() as uow:  # a tombstoned link leaves room for a live one
            row = uow.session.get(MandateTaskStakeholder, first.id)
            row.deleted_at = utcnow()
            uow.session.flush()
            uow.add(MandateTaskStakeholder(task_id=tid, stakeholder_id=sid))
        with handle.driver_connection() as conn:
            assert conn.execute("SELECT count(*) FROM mandate_task_stakeholders").fetchone()[
                0] == 2
            assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        handle.close()
