"""The Carana demo mission: content meets the acceptance bar, loads deterministically,
and a typo in the data files fails loudly."""

from __future__ import annotations

import json
import shutil
from collections import Counter
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, event, func, select
from sqlalchemy.orm import Session

from missiondesk.demo.carana import build_carana, demo_folder, fold_name
from missiondesk.store import schema as s
from missiondesk.store.vocab import Classification

TODAY = date(2026, 3, 15)


def _build(today: date = TODAY, folder: Path | None = None):
    engine = create_engine("sqlite://")

    @event.listens_for(engine, "connect")
    def _foreign_keys_on(dbapi_connection, _record):  # as on every mission-file connection
        dbapi_connection.execute("PRAGMA foreign_keys=ON")

    s.Base.metadata.create_all(engine)
    with Session(engine) as session:
        build_carana(session, today, "Test author", "test-device", folder=folder)
        session.commit()
    return engine


@pytest.fixture(scope="module")
def session():
    engine = _build()
    with Session(engine) as ses:
        yield ses
    engine.dispose()


def _count(ses: Session, model) -> int:
    return ses.scalar(select(func.count()).select_from(model))


def _all(ses: Session, model):
    return ses.scalars(select(model)).all()


def test_exactly_one_fictional_mission(session):
    missions = _all(session, s.Mission)
    assert len(missions) == 1
    mission = missions[0]
    assert "fictional" in mission.name.lower()
    assert mission.acronym == "UNAC"
    assert mission.host_country == "Carana"
    assert mission.default_classification == "CONFIDENTIAL"
    assert "Carana training scenario (UN)" in mission.description
    assert 120 <= (mission.mandate_expiry - TODAY).days <= 180


def test_stakeholders(session):
    stakeholders = _all(session, s.Stakeholder)
    assert len(stakeholders) >= 40
    assert len({x.category for x in stakeholders}) >= 12
    for x in stakeholders:
        assert x.name_key == fold_name(x.name)
        assert 1 <= x.influence <= 5 and 1 <= x.interest <= 5
    assert any(x.name_key.startswith("elise ndaye") for x in stakeholders)
    assert any(x.sanctioned for x in stakeholders)
    assert any(x.hrddp_flag for x in stakeholders)
    assert any(x.do_not_engage and x.engagement_constraints for x in stakeholders)
    levels = Counter(x.classification for x in stakeholders)
    assert set(levels) == {c.value for c in Classification}
    assert levels["CONFIDENTIAL"] > len(stakeholders) / 2


def test_stance_cache_equals_latest_assessment(session):
    latest: dict[str, s.StakeholderAssessment] = {}
    for a in _all(session, s.StakeholderAssessment):
        if a.stakeholder_id not in latest or a.assessed_on > latest[a.stakeholder_id].assessed_on:
            latest[a.stakeholder_id] = a
    assert len(latest) >= 12
    for sid, a in latest.items():
        x = session.get(s.Stakeholder, sid)
        assert (x.stance_peace, x.stance_mission, x.perception) == (
            a.stance_peace,
            a.stance_mission,
            a.perception,
        )
        assert x.stance_since == a.assessed_on.isoformat()
    grouped = session.scalar(
        select(func.count(func.distinct(s.StakeholderPerception.stakeholder_id)))
    )
    assert grouped >= 15


def test_relationships(session):
    rels = _all(session, s.Relationship)
    assert len(rels) >= 80
    assert len({r.type for r in rels}) >= 15
    assert {"dormant", "ended", "alleged"} <= {r.status for r in rels}
    assert all(-2 <= r.valence <= 2 and 1 <= r.strength <= 5 for r in rels)
    pairs = Counter(frozenset((r.source_id, r.target_id)) for r in rels)
    assert any(n >= 2 for n in pairs.values())


def test_drivers_linked_to_stakeholders(session):
    drivers = _all(session, s.Driver)
    assert len(drivers) >= 15
    linked = {d.driver_id for d in _all(session, s.DriverStakeholder)}
    assert linked == {d.id for d in drivers}
    assert len({d.domain for d in drivers}) >= 8
    assert _count(session, s.DriverAssessment) >= len(drivers)


def test_team_and_raci(session):
    members = _all(session, s.TeamMember)
    assert len(members) >= 10
    roles = {m.role for m in members}
    assert roles >= {
        "SRSG", "DSRSG_POL", "DSRSG_RC_HC", "FORCE_COMMANDER", "POLICE_COMMISSIONER",
        "CHIEF_OF_STAFF", "DMS", "CHIEF_JMAC", "CHIEF_POLITICAL", "CHIEF_COMMS",
    }  # fmt: skip
    assignments = _all(session, s.Assignment)
    assert assignments
    portfolios = _all(session, s.Portfolio)
    assert len(portfolios) >= 8
    for p in portfolios:
        letters = [a.raci for a in assignments if a.portfolio_id == p.id]
        assert letters.count("A") == 1, p.name
    assert len({a.stakeholder_id for a in assignments if a.stakeholder_id}) >= 6
    assert len(_all(session, s.StrategyObjective)) >= 4


def test_engagements_within_last_year(session):
    engagements = _all(session, s.Engagement)
    assert len(engagements) >= 150
    start = datetime.combine(TODAY - timedelta(days=365), datetime.min.time())
    end = datetime.combine(TODAY, datetime.min.time())
    assert all(start <= e.starts_at < end for e in engagements)
    assert len({e.title for e in engagements}) == len(engagements)
    leads = session.scalars(
        select(s.EngagementParticipant.engagement_id).where(s.EngagementParticipant.is_lead)
    ).all()
    assert sorted(leads) == sorted(e.id for e in engagements)
    assert any(not e.political for e in engagements)
    assert _count(session, s.EngagementCounterpart) >= len(engagements)


def test_commitments_with_overdue_ones(session):
    commitments = _all(session, s.Commitment)
    assert len(commitments) >= 100
    overdue = [
        c for c in commitments
        if c.due_date is not None and c.due_date < TODAY and c.status in ("open", "in_progress")
    ]  # fmt: skip
    assert len(overdue) >= 10
    statuses = {c.status for c in commitments}
    assert {"fulfilled", "breached", "withdrawn", "partially_fulfilled"} <= statuses
    assert any(c.due_date is None for c in commitments)
    assert any(c.provision_id for c in commitments)
    assert any(c.by_mission for c in commitments) and any(c.committed_by_id for c in commitments)
    assert _count(session, s.CommitmentEngagement) == len(commitments)


def test_mandate(session):
    mandates = _all(session, s.Mandate)
    assert len(mandates) == 1
    assert mandates[0].resolution.startswith("S/RES/")
    assert _count(session, s.MandateTask) >= 12
    benchmarks = _all(session, s.Benchmark)
    assert len(benchmarks) >= 8
    indicators = _all(session, s.Indicator)
    assert {i.benchmark_id for i in indicators} == {b.id for b in benchmarks}
    assert _count(session, s.Measurement) >= 4 * len(indicators)
    assert _count(session, s.BenchmarkAssessment) >= 2 * len(benchmarks)
    assert _count(session, s.Consultation) >= 6
    events = _all(session, s.CycleEvent)
    assert any(e.due_on < TODAY for e in events) and any(e.due_on > TODAY for e in events)


def test_comms(session):
    objectives = _all(session, s.CommsObjective)
    assert len(objectives) >= 5 and any(o.internal for o in objectives)
    assert _count(session, s.Audience) >= 8
    messages = _all(session, s.KeyMessage)
    assert len(messages) >= 10
    texts = _all(session, s.KeyMessageText)
    for m in messages:
        languages = {t.language for t in texts if t.key_message_id == m.id}
        assert {"en", "fr"} <= languages
    assert any(m.kind == "cannot_do" for m in messages)
    assert _count(session, s.CommsMilestone) >= 10
    assert _count(session, s.MediaOutlet) >= 15
    assert _count(session, s.Rumour) >= 10


def test_common_columns(session):
    for model in (s.Stakeholder, s.Engagement, s.Commitment, s.Relationship, s.Measurement):
        for row in _all(session, model):
            assert row.created_by == row.updated_by == "Test author"
            assert row.origin == "test-device" and row.revision == 1
            assert row.deleted_at is None and row.created_at == row.updated_at
            assert row.classification in {c.value for c in Classification}


def _snapshot(engine) -> dict[str, list[tuple]]:
    """Every row of every table, as sorted tuples of column values."""
    with Session(engine) as ses:
        return {
            table: sorted(
                (tuple(row) for row in ses.execute(select(*model.__table__.columns))),
                key=repr,
            )
            for table, model in s.MODELS.items()
        }


def test_same_today_gives_same_ids_and_content():
    first, second = _snapshot(_build()), _snapshot(_build())
    assert {t: [r[0] for r in rows] for t, rows in first.items() if t != "change_log"} == {
        t: [r[0] for r in rows] for t, rows in second.items() if t != "change_log"
    }
    assert first == second
    assert sum(len(v) for v in first.values()) > 1000


def test_foreign_keys_hold():
    with _build().connect() as conn:
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall() == []


def test_dates_follow_today():
    later = TODAY + timedelta(days=100)
    with Session(_build(later)) as ses:
        mission = ses.scalar(select(s.Mission))
        assert (mission.mandate_expiry - later).days == 150


def _broken_copy(tmp_path: Path, file: str, key: str, column: str, value) -> Path:
    folder = tmp_path / "carana"
    shutil.copytree(demo_folder(), folder)
    path = folder / file
    data = json.loads(path.read_text(encoding="utf-8"))
    records = data if isinstance(data, list) else data["engagements"]
    next(r for r in records if r["key"] == key)[column] = value
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return folder


def test_bad_vocabulary_value_fails_loudly(tmp_path):
    folder = _broken_copy(tmp_path, "stakeholders.json", "mpc", "category", "armed_grup")
    with pytest.raises(ValueError) as err:
        _build(folder=folder)
    message = str(err.value)
    for part in ("stakeholders.json", "mpc", "category", "armed_grup"):
        assert part in message


def test_unknown_reference_fails_loudly(tmp_path):
    folder = _broken_copy(tmp_path, "engagements.json", "e001", "lead", "nobody")
    with pytest.raises(ValueError, match="nobody"):
        _build(folder=folder)
