"""Issue 9, defect 14: the mission itself and other UN entities are not engagement targets.

On an imported network every actor was "B: never engaged", the mission included. The
decision: the mission's own stakeholder (its name, acronym or an alias is the mission's,
whatever its category) never gets a letter, even one set by hand; other UN entities (category
un_entity) get no computed letter and no "never engaged" reason, but a leader may rank one by
hand. Everyone else is ranked as before.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from missiondesk.services.priority import (
    LETTERS,
    OWN_MISSION,
    UN_ENTITY,
    engagement_priority,
    not_a_target,
)
from missiondesk.store.vocab import MissionStance, PeaceStance, Perception, StakeholderCategory

MISSION = {"mission_name": "United Nations Assistance Mission in Carana",
           "mission_acronym": "UNAC"}


@pytest.mark.parametrize("name, aliases, category", [
    ("UNAC", (), "international_organization"),
    ("unac", (), "other"),
    ("United Nations Assistance Mission in Carana (UNAC)", (), "international_organization"),
    ("United Nations Assistance Mission in Carana", (), "un_entity"),
    ("The Mission", ("UNAC",), "other"),
    ("Mission des Nations Unies en Carana (UNAC)", (), "un_entity"),
])
def test_the_mission_itself_is_recognised_by_name_acronym_or_alias(name, aliases, category):
    assert not_a_target(category=category, name=name, aliases=aliases, **MISSION) == OWN_MISSION


@pytest.mark.parametrize("name, category, expected", [
    ("OCHA Carana", "un_entity", UN_ENTITY),
    ("UN Country Team in Carana", "un_entity", UN_ENTITY),
    ("UNAC troop- and police-contributing countries", "tcc_pcc", None),
    ("Union Nationale des Agriculteurs de Carana (UNAC-A)", "civil_society", None),
    ("Mouvement Patriotique de Carana (MPC)", "armed_group", None),
])
def test_un_entities_and_look_alikes(name, category, expected):
    assert not_a_target(category=category, name=name, **MISSION) == expected


def test_without_a_mission_name_nothing_is_the_mission():
    assert not_a_target(category="other", name="", mission_name=None,
                        mission_acronym=None) is None


inputs = st.fixed_dictionaries({
    "influence": st.integers(1, 5),
    "interest": st.integers(1, 5),
    "stance_peace": st.sampled_from([v.value for v in PeaceStance]),
    "stance_mission": st.sampled_from([v.value for v in MissionStance]),
    "perception": st.sampled_from([v.value for v in Perception]),
    "days_since_engaged": st.none() | st.integers(0, 2000),
    "override": st.none() | st.sampled_from(LETTERS),
})


@settings(max_examples=200, deadline=None)
@given(inputs)
def test_the_mission_itself_never_gets_a_letter_or_a_never_engaged_reason(kw):
    p = engagement_priority(**kw, do_not_engage=False, override_reason="x",
                            not_target=OWN_MISSION)
    assert p.letter is None and p.computed is None and not p.overridden
    assert p.reasons == ((OWN_MISSION, {}),)
    assert p.rank == len(LETTERS)


@settings(max_examples=200, deadline=None)
@given(inputs)
def test_a_un_entity_is_ranked_only_by_hand(kw):
    p = engagement_priority(**kw, do_not_engage=False, override_reason="Special Envoy",
                            not_target=UN_ENTITY)
    assert p.computed is None
    assert ("never_engaged", {}) not in p.reasons
    if kw["override"] is None:
        assert p.letter is None and p.reasons == ((UN_ENTITY, {}),)
    else:
        assert p.letter == kw["override"] and p.overridden
        assert p.reasons[0] == ("override", {"reason": "Special Envoy"})


@settings(max_examples=200, deadline=None)
@given(inputs)
def test_do_not_engage_wins_over_everything(kw):
    for not_target in (None, OWN_MISSION, UN_ENTITY):
        p = engagement_priority(**kw, do_not_engage=True, not_target=not_target)
        assert p.letter is None and p.reasons == (("do_not_engage", {}),)


def test_the_category_vocabulary_has_un_entity():
    assert UN_ENTITY in {c.value for c in StakeholderCategory}
