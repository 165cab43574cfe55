"""The large benchmark mission's generator, at 1% scale (the full build is a perf benchmark)."""

from __future__ import annotations

import json
from datetime import date, datetime

import pytest
import sqlalchemy as sa
from sqlalchemy import event

from missiondesk.demo.large import build_large, fold_name
from missiondesk.store import search_index
from missiondesk.store.schema import Base
from missiondesk.store.vocab import COLUMN_VOCABULARIES, StakeholderCategory

AS_OF = date(2026, 3, 1)
ORIGIN = "00000000-0000-4000-8000-000000000001"
SCALE = 0.01
JSON_COLUMNS = {
    ("stakeholders", "aliases"), ("stakeholders", "regions"), ("stakeholders", "tags"),
    ("drivers", "regions"), ("consultations", "topics"),
    ("media_outlets", "languages"), ("rumours", "regions"),
}


def _engine() -> sa.Engine:
    engine = sa.create_engine("sqlite://")

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_conn, _record):
        dbapi_conn.execute("PRAGMA foreign_keys = ON")

    with engine.begin() as conn:
        Base.metadata.create_all(conn)
        search_index.install_search(conn.exec_driver_sql)  # the triggers fire on bulk inserts
    return engine


def _build(as_of: date = AS_OF) -> tuple[sa.Engine, dict[str, int]]:
    engine = _engine()
    with engine.begin() as conn:
        counts = build_large(conn, as_of, "Benchmark", ORIGIN, scale=SCALE)
    return engine, counts


def _dump(engine: sa.Engine) -> dict[str, list[tuple]]:
    with engine.connect() as conn:
        return {
            table.name: [tuple(r) for r in conn.exec_driver_sql(
                "SELECT * FROM %s ORDER BY id" % table.name)]
            for table in Base.metadata.sorted_tables
        }


@pytest.fixture(scope="module")
def built() -> tuple[sa.Engine, dict[str, int]]:
    return _build()


def test_same_as_of_gives_identical_content(built):
    engine, counts = built
    other, other_counts = _build()
    assert counts == other_counts
    assert _dump(engine) == _dump(other)


def test_another_as_of_gives_other_ids():
    first, _ = _build(date(2026, 3, 1))
    second, _ = _build(date(2026, 3, 2))
    with first.connect() as a, second.connect() as b:
        ids_a = {r[0] for r in a.exec_driver_sql("SELECT id FROM stakeholders")}
        ids_b = {r[0] for r in b.exec_driver_sql("SELECT id FROM stakeholders")}
    assert not ids_a & ids_b


def test_counts_match_rows_and_cover_the_mission(built):
    engine, counts = built
    dump = _dump(engine)
    for table, n in counts.items():
        assert len(dump[table]) == n, table
    assert counts["mission"] == 1
    for table in ("team_members", "strategy_objectives", "portfolios", "assignments",
                  "stakeholders", "relationships", "drivers", "driver_stakeholders",
                  "engagements", "engagement_participants", "engagement_counterparts",
                  "commitments", "commitment_engagements", "mandates", "mandate_tasks",
                  "benchmarks", "benchmark_assessments", "indicators", "measurements",
                  "consultations", "cycle_events", "comms_objectives", "audiences",
                  "key_messages", "key_message_texts", "comms_milestones", "media_outlets",
                  "rumours"):
        assert counts.get(table, 0) >= 1, table
    assert counts["stakeholders"] == 50
    assert counts["engagements"] == 2000
    assert counts["commitments"] == 1000
    with engine.connect() as conn:
        categories = {r[0] for r in conn.exec_driver_sql(
            "SELECT DISTINCT category FROM stakeholders")}
    assert categories == {c.value for c in StakeholderCategory}


def test_vocabulary_columns_take_valid_codes(built):
    engine, _ = built
    with engine.connect() as conn:
        for (table, column), vocabulary in COLUMN_VOCABULARIES.items():
            allowed = {v.value for v in vocabulary}
            values = {r[0] for r in conn.exec_driver_sql(
                "SELECT DISTINCT %s FROM %s WHERE %s IS NOT NULL" % (column, table, column))}
            assert values <= allowed, (table, column, values - allowed)
            assert conn.exec_driver_sql(
                "SELECT count(*) FROM %s WHERE classification NOT IN "
                "('UNCLASSIFIED', 'CONFIDENTIAL', 'STRICTLY CONFIDENTIAL')" % table
            ).scalar() == 0


def test_no_foreign_key_violations(built):
    engine, _ = built
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall() == []


def test_exactly_one_lead_per_engagement(built):
    engine, _ = built
    with engine.connect() as conn:
        bad = conn.exec_driver_sql(
            "SELECT e.id FROM engagements e LEFT JOIN engagement_participants p "
            "ON p.engagement_id = e.id GROUP BY e.id "
            "HAVING coalesce(sum(p.is_lead), 0) != 1").fetchall()
        counterless = conn.exec_driver_sql(
            "SELECT count(*) FROM engagements e WHERE NOT EXISTS (SELECT 1 FROM "
            "engagement_counterparts c WHERE c.engagement_id = e.id)").scalar()
    assert bad == []
    assert counterless == 0


def test_rows_read_like_orm_rows(built):
    engine, _ = built
    limit = datetime(2026, 3, 1, 12, 0)
    with engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            if "created_at" not in table.c or table.name == "change_log":
                continue
            for created, updated, revision, deleted in conn.execute(sa.select(
                    table.c.created_at, table.c.updated_at, table.c.revision,
                    table.c.deleted_at)):
                assert isinstance(created, datetime) and created <= updated <= limit
                assert revision == 1 and deleted is None
        for table, column in JSON_COLUMNS:
            for (text,) in conn.exec_driver_sql("SELECT %s FROM %s" % (column, table)):
                assert isinstance(json.loads(text), list), (table, column)
        for name, key in conn.exec_driver_sql("SELECT name, name_key FROM stakeholders"):
            assert key == fold_name(name)
        assert fold_name("Élysée Côte") == "elysee cote"
