"""The Leadership desk's services on a hand-built mission with known answers: hours per
member (every participant, lead or not; local days of the mission's clock; tombstones left
out), by portfolio and by priority tier, the SRSG's share and its months, the delegation
suggestions and their effect on the share, the RACI cells and each validation rule."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from missiondesk.services import leadership as service
from missiondesk.services.engagements import create_engagement, delete_engagement
from missiondesk.services.leadership.time import delegations_together
from missiondesk.services.mission_settings import set_setting
from missiondesk.services.stakeholders import create_stakeholder
from missiondesk.services.team import add_team_member, update_team_member
from missiondesk.store.errors import InvalidValue, RevisionConflict
from missiondesk.store.handle import NewMission, create_mission
from missiondesk.store.schema import StrategyObjective

TODAY = date(2026, 6, 30)
JUNE = (date(2026, 6, 1), date(2026, 6, 30))


@pytest.fixture(scope="module")
def mission(tmp_path_factory):
    """Nairobi time (UTC+3). SRSG S, DSRSG/RC/HC D, Chief Political P; the President
    (priority A, owned by S) and the Chamber of Commerce (priority D, D accountable)."""
    folder = tmp_path_factory.mktemp("leadership")
    handle = create_mission(folder / "lead.mdesk", None,
                            NewMission(name="Test mission", time_zone="Africa/Nairobi"))
    handle.set_user(None, "Tester")
    ids = {}
    with handle.unit_of_work() as uow:
        ids["S"] = add_team_member(uow, name="Sara Srsg", role="SRSG").id
        ids["D"] = add_team_member(uow, name="Dina Deputy", role="DSRSG_RC_HC").id
        ids["P"] = add_team_member(uow, name="Paul Political", role="CHIEF_POLITICAL").id
        ids["president"] = create_stakeholder(
            uow, name="President", influence=5, interest=5, stance_peace="spoiler",
            stance_mission="hostile_violent", perception="trusted", owner_id=ids["S"]).id
        ids["chamber"] = create_stakeholder(
            uow, name="Chamber of Commerce", influence=1, interest=1,
            stance_peace="champion", stance_mission="cooperative", category="private_sector").id
        objective = StrategyObjective(title="Donor support", classification="UNCLASSIFIED")
        uow.add(objective)
        uow.session.flush()
        ids["objective"] = objective.id
        ids["donors"] = service.create_portfolio(uow, name="Donors", political=False,
                                                 objective_id=objective.id).id
    S, D, P = ids["S"], ids["D"], ids["P"]

    def meet(when, minutes, lead, others=(), counterparts=(), political=True, objectives=()):
        with handle.unit_of_work() as uow:
            return create_engagement(
                uow, starts_at=when, duration_minutes=minutes, title="Meeting",
                format="bilateral", lead_id=lead, participant_ids=list(others),
                counterpart_ids=list(counterparts), political=political,
                objective_ids=list(objectives)).id

    meet(datetime(2026, 6, 10, 9), 120, S, [D], [ids["president"]])             # e1
    meet(datetime(2026, 6, 11, 9), 90, S, (), [ids["chamber"]], political=False,
         objectives=[ids["objective"]])                                         # e2
    meet(datetime(2026, 6, 12, 9), 60, S, (), [ids["chamber"]], political=False)  # e3
    meet(datetime(2026, 6, 13, 9), 30, D, (), [ids["chamber"]])                 # e4
    meet(datetime(2026, 5, 31, 20), 600, S, (), [ids["president"]])            # e5: 23:00 May 31
    gone = meet(datetime(2026, 6, 14, 9), 1000, S)                              # e6: deleted
    meet(datetime(2026, 6, 20, 9), 60, D, (), [ids["president"]])              # e7
    meet(datetime(2026, 5, 31, 22), 30, P)                                      # e8: 01:00 June 1
    meet(datetime(2026, 6, 30, 21), 45, P, political=False)                     # e9: 00:00 July 1
    with handle.unit_of_work() as uow:
        delete_engagement(uow, gone, expected_revision=None)
        service.set_raci(uow, stakeholder_id=ids["chamber"], member_id=D, letter="A",
                         expected_revision=0)
    yield handle, ids
    handle.close()


def _hours(allocation, member_id):
    return next(m for m in allocation.members if m.member_id == member_id)


def test_hours_per_member_count_every_participant_in_local_days(mission):
    handle, ids = mission
    allocation = service.time_allocation(handle, *JUNE, today=TODAY)
    s, d, p = (_hours(allocation, ids[k]) for k in "SDP")
    # S: e1 (political 120) as lead, e2 and e3 (other 150); e5 is May locally, e6 deleted.
    assert (s.political_minutes, s.other_minutes, s.engagements) == (120, 150, 3)
    # D took part in e1 without leading it: it counts for D too.
    assert (d.political_minutes, d.other_minutes, d.engagements) == (210, 0, 3)
    # P: e8 is 01:00 on June 1 in Nairobi (in), e9 is midnight July 1 (out).
    assert (p.political_minutes, p.other_minutes) == (30, 0)
    assert allocation.levels == ("CONFIDENTIAL",)  # what an export of the hours is marked


def test_hours_by_portfolio_and_by_tier(mission):
    handle, ids = mission
    allocation = service.time_allocation(handle, *JUNE, today=TODAY)
    s, d = _hours(allocation, ids["S"]), _hours(allocation, ids["D"])
    assert dict(s.by_portfolio) == {ids["donors"]: 90, None: 180}
    assert allocation.portfolios == ((ids["donors"], "Donors"),)
    assert dict(s.by_tier) == {"A": 120, "D": 150}
    assert dict(d.by_tier) == {"A": 180, "D": 30}
    assert sum(s.by_tier.values()) == s.total_minutes


def test_srsg_share_against_target_with_months(mission):
    handle, ids = mission
    share = service.srsg_share(handle, *JUNE)
    assert share.member_id == ids["S"] and share.target == 60
    assert share.percent == pytest.approx(100 * 120 / 270)
    assert service.srsg_share_for_brief(handle, *JUNE) == (44, 60)
    spring = service.srsg_share(handle, date(2026, 5, 1), date(2026, 6, 30))
    assert [(m.month, m.political_minutes, m.total_minutes) for m in spring.months] == [
        (date(2026, 5, 1), 600, 600), (date(2026, 6, 1), 120, 270)]
    assert spring.trend == pytest.approx(100 * 120 / 270 - 100)


def test_share_target_is_a_mission_setting(mission, tmp_path):
    handle, _ids = mission
    with handle.unit_of_work() as uow:
        set_setting(uow, "srsg_political_target", 70)
    try:
        assert service.srsg_share_for_brief(handle, *JUNE) == (44, 70)
    finally:
        with handle.unit_of_work() as uow:
            set_setting(uow, "srsg_political_target", 60)


def test_delegation_suggestions_and_their_effect(mission):
    handle, ids = mission
    found = service.delegation_suggestions(handle, *JUNE, today=TODAY)
    by_code = {s.code: s for s in found}
    assert sorted(by_code) == ["delegate", "transfer"]
    delegate = by_code["delegate"]
    # e2 and e3: non-political, with the Chamber, whom D is accountable for.
    assert (delegate.stakeholder, delegate.member_id, delegate.basis, delegate.reason,
            delegate.engagements, delegate.minutes) == (
        "Chamber of Commerce", ids["D"], "stakeholder", "non_political", 2, 150)
    assert delegate.share_before == pytest.approx(100 * 120 / 270)
    assert delegate.share_after == pytest.approx(100.0)   # 120 political of 120 left
    transfer = by_code["transfer"]
    # S owns the President (priority A) and met them once (e1); D twice (e1, e7).
    assert (transfer.stakeholder, transfer.member_id, transfer.engagements,
            transfer.member_engagements, transfer.minutes) == (
        "President", ids["D"], 1, 2, 120)
    assert transfer.share_after == pytest.approx(0.0)     # 0 political of 150 left
    share = service.srsg_share(handle, *JUNE)
    count, minutes, after = delegations_together(share, found)  # the transfer left out
    assert (count, minutes) == (2, 150) and after == pytest.approx(100.0)


def test_raci_cells_set_blank_and_revision(mission):
    handle, ids = mission
    with handle.unit_of_work() as uow:
        cell = service.set_raci(uow, portfolio_id=ids["donors"], member_id=ids["P"],
                                letter="r", expected_revision=0)
    assert cell.letter == "R"
    with handle.unit_of_work() as uow, pytest.raises(RevisionConflict):
        service.set_raci(uow, portfolio_id=ids["donors"], member_id=ids["P"], letter="C",
                         expected_revision=0)
    with handle.unit_of_work() as uow:
        blank = service.set_raci(uow, portfolio_id=ids["donors"], member_id=ids["P"],
                                 letter=None, expected_revision=cell.revision)
    assert blank.letter is None and blank.id == cell.id
    matrix = service.raci_matrix(handle, TODAY)
    donors = next(r for r in matrix.portfolios if r.id == ids["donors"])
    assert ids["P"] not in donors.letters
    with handle.unit_of_work() as uow, pytest.raises(InvalidValue):
        service.set_raci(uow, portfolio_id=ids["donors"], member_id=ids["P"], letter="X",
                         expected_revision=blank.revision)


def _codes(handle):
    return [(i.code, i.subject_id) for i in service.raci_issues(handle, TODAY)]


def test_raci_validation_rules(mission):
    handle, ids = mission
    S, D, donors = ids["S"], ids["D"], ids["donors"]
    assert ("portfolio_no_accountable", donors) in _codes(handle)
    with handle.unit_of_work() as uow:
        a1 = service.set_raci(uow, portfolio_id=donors, member_id=D, letter="A",
                              expected_revision=0)
    assert not any(code.startswith("portfolio_") for code, _ in _codes(handle))
    with handle.unit_of_work() as uow:
        a2 = service.set_raci(uow, portfolio_id=donors, member_id=S, letter="A",
                              expected_revision=0)
    issues = service.raci_issues(handle, TODAY)
    many = next(i for i in issues if i.code == "portfolio_many_accountable")
    assert many.params["members"] == ["Dina Deputy", "Sara Srsg"]
    # Limits from the mission settings: one portfolio each, one priority-A stakeholder.
    with handle.unit_of_work() as uow:
        second = service.create_portfolio(uow, name="Elections")
        service.set_raci(uow, portfolio_id=second.id, member_id=D, letter="A",
                         expected_revision=0)
        set_setting(uow, "raci_max_accountable", 1)
    too_many = [i for i in service.raci_issues(handle, TODAY)
                if i.code == "too_many_accountable"]
    assert [(i.params["member"], i.params["count"], i.params["limit"]) for i in too_many] == [
        ("Dina Deputy", 2, 1)]
    with handle.unit_of_work() as uow:
        zed = create_stakeholder(uow, name="General Zed", influence=5, interest=5,
                                 stance_peace="spoiler", stance_mission="hostile_violent",
                                 perception="feared", owner_id=S)
        create_stakeholder(uow, name="Nobody's warlord", influence=5, interest=5,
                           stance_peace="spoiler", stance_mission="hostile_violent",
                           perception="feared")
        set_setting(uow, "raci_max_priority_a", 1)
    issues = service.raci_issues(handle, TODAY)
    assert [i.params["stakeholder"] for i in issues if i.code == "priority_a_no_owner"] == [
        "Nobody's warlord"]
    owned = next(i for i in issues if i.code == "too_many_priority_a")
    assert (owned.params["member_id"], owned.params["count"]) == (S, 2)
    # back to the fixture's state for the other tests
    with handle.unit_of_work() as uow:
        service.set_raci(uow, portfolio_id=donors, member_id=D, letter=None,
                         expected_revision=a1.revision)
        service.set_raci(uow, portfolio_id=donors, member_id=S, letter=None,
                         expected_revision=a2.revision)
        service.delete_portfolio(uow, second.id, expected_revision=None)
        from missiondesk.services.stakeholders import delete_stakeholder
        delete_stakeholder(uow, zed.id, expected_revision=None)
        set_setting(uow, "raci_max_accountable", 3)
        set_setting(uow, "raci_max_priority_a", 8)


def test_a_member_who_left_holds_nothing_in_the_checks(mission):
    handle, ids = mission
    with handle.unit_of_work() as uow:
        cell = service.set_raci(uow, portfolio_id=ids["donors"], member_id=ids["D"],
                                letter="A", expected_revision=0)
    assert ("portfolio_no_accountable", ids["donors"]) not in _codes(handle)
    from missiondesk.services.team import list_team

    sara = next(m for m in list_team(handle) if m.id == ids["S"])
    dina = next(m for m in list_team(handle) if m.id == ids["D"])
    with handle.unit_of_work() as uow:
        update_team_member(uow, dina.id, expected_revision=dina.revision, active=False)
        update_team_member(uow, sara.id, expected_revision=sara.revision, active=False)
    try:
        codes = _codes(handle)
        assert ("portfolio_no_accountable", ids["donors"]) in codes   # D left
        assert ("priority_a_no_owner", ids["president"]) in codes     # its owner S left
    finally:
        for member in list_team(handle, active_only=False):
            if member.id in (ids["D"], ids["S"]):
                with handle.unit_of_work() as uow:
                    update_team_member(uow, member.id, expected_revision=member.revision,
                                       active=True)
        with handle.unit_of_work() as uow:
            service.set_raci(uow, portfolio_id=ids["donors"], member_id=ids["D"],
                             letter=None, expected_revision=cell.revision)


def test_handover_lists_what_a_member_owns(mission):
    handle, ids = mission
    result = service.handover(handle, ids["S"], today=TODAY)
    assert result.name == "Sara Srsg"
    president = next(s for s in result.stakeholders if s.name == "President")
    assert president.owner and president.priority == "A"
    # S's last meeting with the President is e1 (June 10); the mission's is e7 (June 20).
    assert president.last_by_member == datetime(2026, 6, 10, 9)
    assert president.last_by_mission == datetime(2026, 6, 20, 9)
    d = service.handover(handle, ids["D"], today=TODAY)
    assert [s.name for s in d.stakeholders] == ["Chamber of Commerce"]
    assert d.stakeholders[0].letter == "A" and not d.stakeholders[0].owner


def test_default_portfolios_once_and_undo(tmp_path):
    handle = create_mission(tmp_path / "new.mdesk", None, NewMission(name="New"))
    handle.set_user(None, "Tester")
    try:
        with handle.unit_of_work() as uow:
            srsg = add_team_member(uow, name="Head", role="SRSG")
            add_team_member(uow, name="Deputy", role="DSRSG_POL")
        names = {d.code: d.code.replace("_", " ").title() for d in service.DEFAULT_PORTFOLIOS}
        with handle.unit_of_work() as uow:
            created = service.add_default_portfolios(uow, names)
        assert len(created) == len(service.DEFAULT_PORTFOLIOS)
        matrix = service.raci_matrix(handle, TODAY)
        strategy = next(r for r in matrix.portfolios if r.name == "Political Strategy")
        assert strategy.letters[srsg.id] == "A"
        with handle.unit_of_work() as uow, pytest.raises(InvalidValue):
            service.add_default_portfolios(uow, names)
        with handle.unit_of_work() as uow:
            removed = service.remove_portfolios(uow, {p.id: p.revision for p in created})
        assert service.list_portfolios(handle) == []
        with handle.unit_of_work() as uow, pytest.raises(RevisionConflict):
            service.restore_portfolios(uow, {p.id: p.revision for p in created})  # stale
        with handle.unit_of_work() as uow:
            service.restore_portfolios(uow, {p.id: p.revision for p in removed})
        matrix = service.raci_matrix(handle, TODAY)
        assert next(r for r in matrix.portfolios
                    if r.name == "Political Strategy").letters[srsg.id] == "A"
        with handle.unit_of_work() as uow:
            view = update_team_member(uow, srsg.id, expected_revision=srsg.revision,
                                      active=False)
        assert not view.active
        assert service.srsg_share(handle, *JUNE).member_id is None
    finally:
        handle.close()


def test_figures_draw_the_hours_with_long_names_whole(mission):
    """The time-allocation figures (matplotlib, no Qt): the stacked hours and the share by
    month against its target; a long member name stays inside the drawn figure."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from missiondesk.figures.time_allocation import (
        hours_by_tier_figure,
        hours_per_member_figure,
        share_by_month_figure,
    )

    handle, ids = mission
    allocation = service.time_allocation(handle, *JUNE, today=TODAY)
    long_name = "Brigadier General Olumide Bakare-Adeyemi, Deputy Force Commander"
    members = [m if m.member_id != ids["D"] else
               type(m)(**{**m.__dict__, "name": long_name}) for m in allocation.members]
    figure = hours_per_member_figure(members, title="Hours", labels={}, width=6.0)
    canvas = FigureCanvasAgg(figure)
    canvas.draw()
    axes = figure.axes[0]
    labels = {t.get_text(): t for t in axes.get_yticklabels()}
    assert set(labels) == {"Sara Srsg", long_name, "Paul Political"}
    box = labels[long_name].get_window_extent(canvas.get_renderer())
    assert box.x0 >= 0 and box.x1 <= figure.bbox.width      # not cut at the left edge
    # political then other, stacked: S's bars are 2 h and 2.5 h
    widths = sorted(round(p.get_width(), 2) for p in axes.patches)
    assert 2.0 in widths and 2.5 in widths
    tiers = hours_by_tier_figure(allocation.members, title="Tiers", labels={})
    assert [t.get_text() for t in tiers.legends[0].get_texts()] == [
        "Priority A", "Priority D", "No ranked counterpart"]
    share = service.srsg_share(handle, date(2026, 5, 1), date(2026, 6, 30))
    chart = share_by_month_figure(share, title="Share", labels={}, month_names=["May", "Jun"])
    line = chart.axes[0].lines[0]
    assert [round(y) for y in line.get_ydata()] == [100, 44]
    assert chart.axes[0].lines[1].get_ydata()[0] == 60       # the target
