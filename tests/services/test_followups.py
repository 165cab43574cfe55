"""Engagement gaps, "What needs me today" and the mission settings behind them, on the
Carana demo and on small missions built for the boundaries."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from missiondesk.messages import error_text
from missiondesk.services import commitments as commitment_service
from missiondesk.services import followups
from missiondesk.services import mission_settings as settings
from missiondesk.services.stakeholders import list_stakeholders
from missiondesk.store.errors import InvalidValue
from missiondesk.store.handle import open_mission
from missiondesk.store.schema import ChangeLog
from tests.conftest import PASSPHRASE


@pytest.fixture
def demo(demo_file):
    handle = open_mission(demo_file, PASSPHRASE)
    handle.set_user(None, "Follow-up tester")
    yield handle
    handle.close()


def _set(handle, key, value):
    with handle.unit_of_work() as uow:
        return settings.set_setting(uow, key, value)


# --- mission settings ------------------------------------------------------------------------


def test_settings_have_defaults_are_validated_and_logged(plain_mission):
    assert settings.get_setting(plain_mission, "gap_days_a") == 30
    assert settings.get_setting(plain_mission, "gap_days_b") == 60
    assert _set(plain_mission, "gap_days_a", "45") == 45
    everything = settings.get_settings(plain_mission)  # every desk's, by the registry
    assert set(everything) == set(settings.REGISTRY)
    assert {k: everything[k] for k in ("gap_days_a", "gap_days_b")} == {"gap_days_a": 45,
                                                                        "gap_days_b": 60}
    for bad in (0, 366, "soon", 12.5, True, None):
        with pytest.raises(InvalidValue) as info:
            _set(plain_mission, "gap_days_a", bad)
        assert info.value.params["reason"] == "out_of_range"
        assert "365" in error_text(info.value)
    with pytest.raises(InvalidValue) as info:
        _set(plain_mission, "no_such_setting", 3)
    assert info.value.params["reason"] == "unknown_setting"
    assert settings.get_setting(plain_mission, "gap_days_a") == 45  # refusals changed nothing
    _set(plain_mission, "gap_days_a", 20)
    with plain_mission.session() as session:
        logged = session.execute(select(ChangeLog.action, ChangeLog.field, ChangeLog.old_value,
                                        ChangeLog.new_value)
                                 .where(ChangeLog.table_name == "mission_settings")
                                 .order_by(ChangeLog.at)).all()
    assert ("update", "value", "45", "20") in logged
    assert logged[0][0] == "create"


# --- engagement gaps ---------------------------------------------------------------------------


def _expected_gaps(handle, today, days_a, days_b):
    limits = {"A": days_a, "B": days_b}
    return {r.id for r in list_stakeholders(handle, today)
            if r.priority.letter in limits
            and (r.days_since_engaged is None or r.days_since_engaged >= limits[r.priority.letter])}


def test_gaps_follow_the_thresholds_and_the_priority_the_desk_shows(demo):
    today = date.today()
    gaps = followups.engagement_gaps(demo, today)
    assert {g.stakeholder_id for g in gaps} == _expected_gaps(demo, today, 30, 60)
    assert gaps, "the demo has priority stakeholders not engaged for a month"
    assert all(g.priority in "AB" for g in gaps)
    assert [g.priority for g in gaps] == sorted(g.priority for g in gaps)  # A first
    for g in gaps:
        assert g.days_since is None or g.days_since >= g.threshold
    # a shorter threshold gives more gaps; the list follows the setting
    _set(demo, "gap_days_a", 7)
    _set(demo, "gap_days_b", 14)
    shorter = followups.engagement_gaps(demo, today)
    assert {g.stakeholder_id for g in shorter} == _expected_gaps(demo, today, 7, 14)
    assert len(shorter) > len(gaps)
    _set(demo, "gap_days_a", 365)
    _set(demo, "gap_days_b", 730)
    assert {g.stakeholder_id for g in followups.engagement_gaps(demo, today)} == \
        _expected_gaps(demo, today, 365, 730)


def test_never_engaged_and_boundary_days(plain_mission):
    from missiondesk.services.stakeholders import create_stakeholder
    from missiondesk.store.schema import Engagement, EngagementCounterpart

    today = date(2026, 6, 15)
    strong = dict(influence=5, interest=5, stance_peace="spoiler", stance_mission="hostile_violent",
                  perception="feared")
    with plain_mission.unit_of_work() as uow:
        create_stakeholder(uow, name="General Zed", **strong)
        at = create_stakeholder(uow, name="General Pea", **strong)
        before = create_stakeholder(uow, name="Colonel Ruz", **strong)
        dne = create_stakeholder(uow, name="Warlord X", do_not_engage=True, **strong)
        for who, days in ((at.id, 30), (before.id, 29), (dne.id, 400)):
            starts = datetime.combine(today - timedelta(days=days), datetime.min.time())
            e = Engagement(starts_at=starts, format="bilateral", title="Meeting",
                           classification="CONFIDENTIAL")
            uow.add(e)
            uow.session.flush()
            uow.add(EngagementCounterpart(engagement_id=e.id, stakeholder_id=who,
                                          starts_at=starts, classification="CONFIDENTIAL"))
    letters = {r.name: r.priority.letter for r in list_stakeholders(plain_mission, today)}
    assert letters["General Zed"] == "A" and letters["Colonel Ruz"] == "A"
    gaps = {g.name: g for g in followups.engagement_gaps(plain_mission, today)}
    assert gaps["General Zed"].days_since is None  # never engaged: a gap
    assert gaps["General Pea"].days_since == 30    # 30 days: a gap at the threshold of 30
    assert "Colonel Ruz" not in gaps               # 29 days: not yet
    assert "Warlord X" not in gaps                 # do-not-engage: never a target
    assert list(gaps)[0] == "General Zed"          # never engaged first


# --- what needs me today ---------------------------------------------------------------------


def test_what_needs_me_lists_the_members_overdue_due_soon_and_gaps(demo):
    today = date.today()
    assert followups.what_needs_me(demo, None, today).empty  # not one of the team
    rows = commitment_service.page_commitments(demo, limit=500, today=today)
    owner = rows[0].owner_id
    mine = [r for r in rows if r.owner_id == owner]
    with demo.unit_of_work() as uow:  # one overdue, one due in 7 days, one in 8
        for r, days in zip([r for r in mine if r.status in ("open", "in_progress")][:3],
                           (-3, 7, 8), strict=True):
            commitment_service.update_commitment(uow, r.id, expected_revision=r.revision,
                                                 due_date=today + timedelta(days=days))
    needs = followups.what_needs_me(demo, owner, today)
    expected_overdue = {r.id for r in commitment_service.page_commitments(
        demo, commitment_service.CommitmentFilter(owner_id=owner, overdue_only=True),
        today=today, limit=500)}
    assert {r.id for r in needs.overdue} == expected_overdue and expected_overdue
    assert all(r.owner_id == owner and r.overdue for r in needs.overdue)
    soon = {r.id: (r.due_date - today).days for r in needs.due_soon}
    assert 7 in soon.values() and 8 not in soon.values()
    assert all(0 <= d <= 7 and not set(soon) & expected_overdue for d in soon.values())
    if followups.owns_stakeholders(demo, owner):
        assert needs.scope == followups.OWN
        assert all(g.owner_id == owner for g in needs.gaps)
    assert needs.thresholds == {"A": 30, "B": 60}


def test_a_member_who_owns_no_stakeholder_sees_the_unowned_gaps(plain_mission):
    from missiondesk.services.stakeholders import create_stakeholder
    from missiondesk.services.team import add_team_member

    with plain_mission.unit_of_work() as uow:
        owner = add_team_member(uow, name="Owner", role="SRSG")
        other = add_team_member(uow, name="Newcomer", role="OTHER")
        create_stakeholder(uow, name="Owned spoiler", influence=5, interest=5,
                           stance_peace="spoiler", owner_id=owner.id)
        create_stakeholder(uow, name="Nobody's spoiler", influence=5, interest=5,
                           stance_peace="spoiler")
    mine = followups.what_needs_me(plain_mission, owner.id)
    assert mine.scope == followups.OWN and [g.name for g in mine.gaps] == ["Owned spoiler"]
    theirs = followups.what_needs_me(plain_mission, other.id)
    assert theirs.scope == followups.UNOWNED
    assert [g.name for g in theirs.gaps] == ["Nobody's spoiler"]


def test_a_setting_change_reads_in_words_in_the_audit_trail(plain_mission):
    from missiondesk.labels import record_kind_label, record_text
    from missiondesk.services import audit

    _set(plain_mission, "gap_days_b", 90)
    entry = next(e for e in audit.change_log(plain_mission, limit=20).entries
                 if e.table == "mission_settings")
    assert record_kind_label(entry.table) == "Mission setting"
    assert record_text(entry.table, entry.record_name) == \
        "Gap for priority-B stakeholders (days)"
