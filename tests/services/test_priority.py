"""Engagement priority: fixed cases with known answers, and monotonicity properties."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from missiondesk.services.priority import LETTERS, engagement_priority
from missiondesk.store.vocab import MissionStance, PeaceStance, Perception


def prio(**kw):
    base = dict(influence=3, interest=3, stance_peace="unknown", stance_mission="unknown",
                perception="unknown", days_since_engaged=10, do_not_engage=False)
    base.update(kw)
    return engagement_priority(**base)


def test_influential_spoiler_not_engaged_for_weeks_is_a():
    p = prio(influence=5, stance_peace="spoiler", stance_mission="obstructive",
             days_since_engaged=47)
    assert p.letter == "A" and p.computed == "A" and not p.overridden
    assert p.reasons == (
        ("influence", {"value": 5}),
        ("stance", {"value": "spoiler"}),
        ("stance_mission", {"value": "obstructive"}),
        ("not_engaged_for", {"days": 47}),
    )


def test_minor_champion_engaged_this_week_is_d():
    p = prio(influence=1, interest=1, stance_peace="champion", stance_mission="cooperative",
             perception="accepted", days_since_engaged=3)
    assert p.letter == "D"
    assert p.reasons[-1] == ("recently_engaged", {"days": 3})


def test_never_engaged_ranks_above_recently_engaged():
    never = prio(stance_peace="ambivalent", stance_mission="neutral", days_since_engaged=None)
    recent = prio(stance_peace="ambivalent", stance_mission="neutral", days_since_engaged=10)
    assert (never.letter, recent.letter) == ("B", "C")
    assert ("never_engaged", {}) in never.reasons


def test_trusted_high_interest_voice_is_b():
    p = prio(influence=4, interest=5, stance_peace="supportive", stance_mission="cooperative",
             perception="trusted", days_since_engaged=20)
    assert p.letter == "B"
    assert ("interest", {"value": 5}) in p.reasons
    assert ("perception", {"value": "trusted"}) in p.reasons


def test_do_not_engage_is_never_a_target():
    p = prio(influence=5, stance_peace="spoiler", days_since_engaged=None, do_not_engage=True,
             override="A", override_reason="asked by the SRSG")
    assert p.letter is None and p.computed is None and not p.overridden
    assert p.reasons == (("do_not_engage", {}),)


def test_override_shows_and_keeps_the_computed_letter():
    p = prio(influence=1, interest=1, stance_peace="champion", stance_mission="cooperative",
             days_since_engaged=1, override="A", override_reason="guarantor of the ceasefire")
    assert p.letter == "A" and p.computed == "D" and p.overridden
    assert p.reasons[0] == ("override", {"reason": "guarantor of the ceasefire"})


def test_unknown_override_letter_is_ignored():
    p = prio(override="Z", override_reason="typo")
    assert not p.overridden and p.letter == p.computed


def test_sorting_rank():
    assert [prio(influence=i, days_since_engaged=None).rank for i in (5, 1)] == [0, 3]
    assert prio(do_not_engage=True).rank == len(LETTERS)


inputs = st.fixed_dictionaries({
    "influence": st.integers(1, 5),
    "interest": st.integers(1, 5),
    "stance_peace": st.sampled_from([v.value for v in PeaceStance]),
    "stance_mission": st.sampled_from([v.value for v in MissionStance]),
    "perception": st.sampled_from([v.value for v in Perception]),
    "days_since_engaged": st.none() | st.integers(0, 2000),
})


def order(letter):
    return LETTERS.index(letter)  # 0 = A, the highest


@settings(max_examples=300, deadline=None)
@given(inputs, st.integers(1, 4))
def test_raising_influence_never_lowers_priority(kw, step):
    before = engagement_priority(**kw, do_not_engage=False)
    kw = dict(kw, influence=min(5, kw["influence"] + step))
    after = engagement_priority(**kw, do_not_engage=False)
    assert order(after.letter) <= order(before.letter)


@settings(max_examples=300, deadline=None)
@given(inputs, st.integers(1, 400) | st.none())
def test_more_days_since_engaged_never_lowers_priority(kw, more):
    days = kw["days_since_engaged"]
    before = engagement_priority(**kw, do_not_engage=False)
    later = None if days is None or more is None else days + more
    after = engagement_priority(**dict(kw, days_since_engaged=later), do_not_engage=False)
    assert order(after.letter) <= order(before.letter)


@settings(max_examples=200, deadline=None)
@given(inputs)
def test_every_stakeholder_gets_a_letter_and_a_reason(kw):
    p = engagement_priority(**kw, do_not_engage=False)
    assert p.letter in LETTERS and p.reasons and p.reasons[0][0] == "influence"
