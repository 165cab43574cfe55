"""Relationships on a real mission file: writes with the change log, the type's default
valence, symmetric types read from both ends, every validation code worded for the user."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from missiondesk.messages import error_text
from missiondesk.services import relationships as rel
from missiondesk.services import stakeholders
from missiondesk.store.errors import InvalidValue, RecordMissing, RevisionConflict
from missiondesk.store.schema import ChangeLog, Source
from missiondesk.store.vocab import RELATIONSHIP_TYPES


@pytest.fixture
def people(plain_mission):
    """Three stakeholders and one evidence source."""
    with plain_mission.unit_of_work() as uow:
        ids = {name: stakeholders.create_stakeholder(uow, name=name).id
               for name in ("Armée Nationale", "Front Patriotique", "Église Unie")}
        source = uow.add(Source(code_name="SRC-014", source_type="interlocutor"))
        uow.session.flush()
        ids["source"] = source.id
    return ids


def _create(handle, **fields):
    with handle.unit_of_work() as uow:
        return rel.create_relationship(uow, **fields)


def _log(handle, record_id) -> list[tuple]:
    with handle.session() as session:
        rows = session.scalars(select(ChangeLog).where(ChangeLog.record_id == record_id)
                               .order_by(ChangeLog.at, ChangeLog.id)).all()
    return [(r.action, r.field, r.old_value and json.loads(r.old_value),
             r.new_value and json.loads(r.new_value), r.user_name) for r in rows]


def test_round_trip_with_the_change_log(plain_mission, people):
    a, b = people["Armée Nationale"], people["Front Patriotique"]
    view = _create(plain_mission, source_id=a, target_id=b, type="supports", strength=4,
                   valid_from="2019-05", evidence_source_id=people["source"],
                   evidence_note="Seen at the rally")
    assert (view.revision, view.source_name, view.target_name) == (
        1, "Armée Nationale", "Front Patriotique")
    assert (view.family, view.symmetric, view.valence) == ("cooperative", False, 1)
    assert view.evidence_source_code == "SRC-014"
    assert rel.get_relationship(plain_mission, view.id) == view

    with plain_mission.unit_of_work() as uow:
        changed = rel.update_relationship(uow, view.id, expected_revision=1, strength=2,
                                          status="dormant")
    assert (changed.revision, changed.strength, changed.status) == (2, 2, "dormant")
    with plain_mission.unit_of_work() as uow:
        gone = rel.delete_relationship(uow, view.id, expected_revision=2)
    assert gone.deleted and rel.list_relationships(plain_mission) == []
    with pytest.raises(RecordMissing):
        rel.get_relationship(plain_mission, view.id)
    with plain_mission.unit_of_work() as uow:
        back = rel.restore_relationship(uow, view.id, expected_revision=3)
    assert not back.deleted and back.revision == 4
    assert rel.get_relationship(plain_mission, view.id).strength == 2

    log = _log(plain_mission, view.id)
    assert log[0][0] == "create"
    assert ("update", "strength", 4, 2, "Tester") in log
    assert ("update", "status", "active", "dormant", "Tester") in log
    assert [entry[0] for entry in log[-2:]] == ["delete", "restore"]


@pytest.mark.parametrize("code", [t.value for t in RELATIONSHIP_TYPES])
def test_valence_defaults_to_the_type(plain_mission, people, code):
    view = _create(plain_mission, source_id=people["Armée Nationale"],
                   target_id=people["Front Patriotique"], type=code)
    assert view.valence == RELATIONSHIP_TYPES[code].default_valence
    assert (view.strength, view.status, view.confidence) == (3, "active", "probable")


def test_a_given_valence_wins_and_a_type_change_keeps_it(plain_mission, people):
    view = _create(plain_mission, source_id=people["Armée Nationale"],
                   target_id=people["Front Patriotique"], type="attacks", valence=-1)
    assert view.valence == -1
    with plain_mission.unit_of_work() as uow:
        view = rel.update_relationship(uow, view.id, expected_revision=1, type="opposes")
    assert (view.type, view.valence) == ("opposes", -1)


def test_symmetric_and_directed_links_are_listed_from_both_ends(plain_mission, people):
    army, front, church = (people["Armée Nationale"], people["Front Patriotique"],
                           people["Église Unie"])
    rivals = _create(plain_mission, source_id=army, target_id=front, type="rival_of")
    mediates = _create(plain_mission, source_id=church, target_id=army, type="mediates")
    assert rivals.symmetric and not mediates.symmetric
    from_front = rel.list_relationships(plain_mission, front)
    assert [v.id for v in from_front] == [rivals.id]
    assert from_front[0].other_end(front) == (army, "Armée Nationale")
    from_army = rel.list_relationships(plain_mission, army)
    assert {v.id for v in from_army} == {rivals.id, mediates.id}
    assert len(from_army) == 2  # each once, whichever end it is stored from
    assert [v.id for v in rel.list_relationships(plain_mission, church)] == [mediates.id]
    assert len(rel.list_relationships(plain_mission)) == 2


def test_several_typed_links_between_one_pair(plain_mission, people):
    army, front = people["Armée Nationale"], people["Front Patriotique"]
    for code in ("negotiates_with", "armed_conflict_with", "agreement_with"):
        _create(plain_mission, source_id=army, target_id=front, type=code)
    _create(plain_mission, source_id=army, target_id=front, type="allied_with",
            valid_from="2015", valid_to="2017")
    _create(plain_mission, source_id=front, target_id=army, type="allied_with",
            valid_from="2021")
    types = sorted(v.type for v in rel.list_relationships(plain_mission, front))
    assert types == ["agreement_with", "allied_with", "allied_with", "armed_conflict_with",
                     "negotiates_with"]


def test_a_deleted_stakeholder_hides_its_relationships(plain_mission, people):
    army, front = people["Armée Nationale"], people["Front Patriotique"]
    _create(plain_mission, source_id=army, target_id=front, type="leads")
    with plain_mission.unit_of_work() as uow:
        stakeholders.delete_stakeholder(uow, front, expected_revision=1)
    assert rel.list_relationships(plain_mission, army) == []
    with pytest.raises(InvalidValue) as caught, plain_mission.unit_of_work() as uow:
        rel.create_relationship(uow, source_id=army, target_id=front, type="leads")
    assert caught.value.params["reason"] == "unknown_record"
    assert error_text(caught.value) == "To: the stakeholder chosen no longer exists."


def _refused(handle, people, **fields) -> InvalidValue:
    values = {"source_id": people["Armée Nationale"], "target_id": people["Front Patriotique"],
              "type": "supports", **fields}
    values = {k: v for k, v in values.items() if v is not ...}
    with pytest.raises(InvalidValue) as caught, handle.unit_of_work() as uow:
        rel.create_relationship(uow, **values)
    return caught.value


@pytest.mark.parametrize(("fields", "field", "reason", "sentence"), [
    ({"source_id": ...}, "source_id", "required", "From is required."),
    ({"target_id": ""}, "target_id", "required", "To is required."),
    ({"type": ...}, "type", "required", "Type of relationship is required."),
    ({"type": "friend_of"}, "type", "not_in_vocabulary",
     "Type of relationship: \u201cfriend_of\u201d is not allowed; use one of leads, member_of"),
    ({"status": "rumoured"}, "status", "not_in_vocabulary",
     "Status: \u201crumoured\u201d is not allowed; use one of active, dormant, ended, alleged."),
    ({"confidence": "sure"}, "confidence", "not_in_vocabulary", "Confidence: \u201csure\u201d"),
    ({"classification": "secret"}, "classification", "not_in_vocabulary",
     "Classification: \u201cSECRET\u201d is not allowed"),
    ({"strength": 0}, "strength", "out_of_range", "Strength must be a whole number from 1 to 5."),
    ({"strength": 6}, "strength", "out_of_range", "Strength must be a whole number from 1 to 5."),
    ({"strength": True}, "strength", "out_of_range", "Strength must be"),
    ({"valence": 3}, "valence", "out_of_range",
     "Valence must be a whole number from -2 to 2."),
    ({"valence": "-3"}, "valence", "out_of_range", "Valence must be"),
    ({"valid_from": "2019-13"}, "valid_from", "not_a_date",
     "Valid from: \u201c2019-13\u201d is not a date; write a year, a month or a day "
     "(2019, 2019-05 or 2019-05-14)."),
    ({"valid_to": "2019-02-30"}, "valid_to", "not_a_date", "Valid to: \u201c2019-02-30\u201d"),
    ({"valid_to": "19"}, "valid_to", "not_a_date", "Valid to: \u201c19\u201d"),
    ({"valid_from": "05/2019"}, "valid_from", "not_a_date", "Valid from"),
    ({"valid_from": "2019-05", "valid_to": "2019-04-30"}, "valid_to", "ends_before_start",
     "Valid to (2019-04-30) is before the start of the relationship (2019-05)."),
    ({"target_id": "SELF"}, "target_id", "same_stakeholder",
     "A relationship links two different stakeholders: choose another one for \u201cTo\u201d."),
    ({"source_id": "no-such-id"}, "source_id", "unknown_record",
     "From: the stakeholder chosen no longer exists."),
    ({"evidence_source_id": "no-such-id"}, "evidence_source_id", "unknown_record",
     "Evidence source: the record chosen no longer exists."),
    ({"notes": "x" * 20_001}, "notes", "too_long", "Notes is too long"),
])
def test_every_validation_code_is_one_sentence(plain_mission, people, fields, field, reason,
                                               sentence):
    if fields.get("target_id") == "SELF":
        fields = {"target_id": people["Armée Nationale"]}
    error = _refused(plain_mission, people, **fields)
    assert (error.params["field"], error.params["reason"]) == (field, reason)
    assert error_text(error).startswith(sentence)
    assert "\n" not in error_text(error)
    assert rel.list_relationships(plain_mission) == []


def test_partial_dates_compare_by_the_period_they_cover(plain_mission, people):
    view = _create(plain_mission, source_id=people["Armée Nationale"],
                   target_id=people["Front Patriotique"], type="opposes",
                   valid_from="2019-05", valid_to="2019")
    assert (view.valid_from, view.valid_to) == ("2019-05", "2019")
    assert rel.clean_fields({"valid_from": "2019-05-14", "valid_to": "2019-05"},
                            creating=False) == {"valid_from": "2019-05-14", "valid_to": "2019-05"}
    # an update is checked against what is stored
    with pytest.raises(InvalidValue) as caught, plain_mission.unit_of_work() as uow:
        rel.update_relationship(uow, view.id, expected_revision=1, valid_to="2018-12")
    assert caught.value.params["reason"] == "ends_before_start"
    with pytest.raises(InvalidValue) as caught, plain_mission.unit_of_work() as uow:
        rel.update_relationship(uow, view.id, expected_revision=1,
                                target_id=people["Armée Nationale"])
    assert caught.value.params["reason"] == "same_stakeholder"
    assert rel.get_relationship(plain_mission, view.id).revision == 1


def test_clean_fields_rejects_unknown_fields_as_a_bug():
    with pytest.raises(ValueError):
        rel.clean_fields({"colour": "red"}, creating=False)


def test_stale_revisions_are_refused(plain_mission, people):
    view = _create(plain_mission, source_id=people["Armée Nationale"],
                   target_id=people["Front Patriotique"], type="funds")
    with plain_mission.unit_of_work() as uow:
        rel.update_relationship(uow, view.id, expected_revision=1, strength=5)
    for call in (lambda uow: rel.update_relationship(uow, view.id, expected_revision=1,
                                                     strength=1),
                 lambda uow: rel.delete_relationship(uow, view.id, expected_revision=1)):
        with pytest.raises(RevisionConflict) as caught, plain_mission.unit_of_work() as uow:
            call(uow)
        assert caught.value.params["found"] == 2
        assert "was changed since you opened it" in error_text(caught.value)
    assert rel.get_relationship(plain_mission, view.id).strength == 5
    with pytest.raises(RecordMissing), plain_mission.unit_of_work() as uow:
        rel.update_relationship(uow, "no-such-id", expected_revision=1, strength=1)


def test_choices_for_the_form(plain_mission, people):
    names = [name for _sid, name in rel.stakeholder_choices(plain_mission)]
    assert names == ["Armée Nationale", "Église Unie", "Front Patriotique"]  # accents folded
    assert rel.source_choices(plain_mission) == [(people["source"], "SRC-014")]
