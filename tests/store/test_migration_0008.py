"""Migration 0008: a benchmark's indicative timeframe. A file at 0007 upgrades on opening and
keeps its benchmarks, their assessments and indicators; the timeframe starts empty; a
downgrade takes the column away again."""

from __future__ import annotations

from datetime import date

from alembic import command
from sqlalchemy import select

from missiondesk.store.handle import NewMission, create_mission, open_mission
from missiondesk.store.migrate import HEAD_REVISION, alembic_config, stored_revision
from missiondesk.store.schema import Benchmark, BenchmarkAssessment, Indicator


def _columns(handle, table: str) -> set[str]:
    with handle.driver_connection() as conn:
        return {r[1] for r in conn.execute("PRAGMA table_info(%s)" % table)}


def _downgrade(handle, target: str) -> None:
    with handle.session() as session:
        cfg = alembic_config()
        cfg.attributes["connection"] = session.connection()
        command.downgrade(cfg, target)
        session.commit()


def test_a_file_at_0007_gets_the_timeframe_and_keeps_its_benchmarks(tmp_path):
    path = tmp_path / "seven.mdesk"
    handle = create_mission(path, None, NewMission(name="Seven"))
    handle.set_user(None, "Tester")
    assert "timeframe" in _columns(handle, "benchmarks")
    with handle.unit_of_work() as uow:
        benchmark = Benchmark(statement="Fewer than 10 violations a month", status="at_risk",
                              pillar="Political process")
        uow.add(benchmark)
        uow.session.flush()
        uow.add(Indicator(benchmark_id=benchmark.id, name="Violations", baseline=34.0))
        uow.add(BenchmarkAssessment(benchmark_id=benchmark.id, assessed_on=date(2026, 11, 13),
                                    status="at_risk", note="Two months below 15"))
        bid = benchmark.id
    _downgrade(handle, "0007")
    assert "timeframe" not in _columns(handle, "benchmarks")
    handle.close()

    handle = open_mission(path, None)  # upgraded on opening
    try:
        with handle.driver_connection() as conn:
            assert stored_revision(conn) == HEAD_REVISION
        assert "timeframe" in _columns(handle, "benchmarks")
        with handle.session() as session:
            row = session.get(Benchmark, bid)
            assert (row.statement, row.status, row.pillar, row.timeframe) == (
                "Fewer than 10 violations a month", "at_risk", "Political process", None)
            assert session.scalars(select(Indicator.name)).all() == ["Violations"]
            assert session.scalars(select(BenchmarkAssessment.note)).all() == [
                "Two months below 15"]
        with handle.driver_connection() as conn:
            assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        handle.close()
