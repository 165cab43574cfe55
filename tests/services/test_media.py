"""The media landscape on hand-built missions: outlets validated, unique by name, counted by
the rumours that came through them, and reach aggregated by type and by alignment."""

from __future__ import annotations

from datetime import date

import pytest

from missiondesk.services import media as service
from missiondesk.store.errors import InvalidValue


def _outlet(handle, **fields):
    with handle.unit_of_work() as uow:
        return service.create_outlet(uow, **fields)


def test_an_outlet_is_created_with_defaults_and_languages(plain_mission):
    view = _outlet(plain_mission, name="Radio Kisiwa FM", media_type="radio",
                   languages="fr, en, Kori, FR")
    row = service.get_outlet(plain_mission, view.id)
    assert row.languages == ("fr", "en", "Kori")
    assert (row.ownership, row.alignment, row.reach, row.trust, row.relationship) == (
        "unknown", "unknown", "medium", "medium", "neutral")
    assert row.classification == "UNCLASSIFIED"


@pytest.mark.parametrize("fields, field, reason", [
    ({"name": "", "media_type": "radio"}, "name", "required"),
    ({"name": "X", "media_type": "carrier"}, "media_type", "not_in_vocabulary"),
    ({"name": "X", "media_type": "radio", "trust": "total"}, "trust", "not_in_vocabulary"),
    ({"name": "radio kisiwa fm", "media_type": "radio"}, "name", "duplicate_name"),
])
def test_bad_outlets_are_refused(plain_mission, fields, field, reason):
    _outlet(plain_mission, name="Radio Kisiwa FM", media_type="radio")
    with pytest.raises(InvalidValue) as caught:
        _outlet(plain_mission, **fields)
    assert (caught.value.params["field"], caught.value.params["reason"]) == (field, reason)
    assert len(service.list_outlets(plain_mission)) == 1


def test_reach_by_type_and_alignment_counts_each_level(plain_mission):
    for name, kind, alignment, reach in (
            ("A", "radio", "independent", "high"), ("B", "radio", "pro_government", "low"),
            ("C", "radio", "independent", "high"), ("D", "print", "opposition", "medium"),
            ("E", "social_media", "armed_group", "high")):
        _outlet(plain_mission, name=name, media_type=kind, alignment=alignment, reach=reach)
    by_type = {g.code: (g.outlets, g.low, g.medium, g.high, g.score)
               for g in service.reach_by(plain_mission, "media_type")}
    assert by_type == {"radio": (3, 1, 0, 2, 7), "print": (1, 0, 1, 0, 2),
                       "social_media": (1, 0, 0, 1, 3)}
    assert [g.code for g in service.reach_by(plain_mission, "media_type")] == [
        "radio", "print", "social_media"]  # the vocabulary's order
    by_alignment = {g.code: g.score for g in service.reach_by(plain_mission, "alignment")}
    assert by_alignment == {"pro_government": 1, "opposition": 2, "armed_group": 3,
                            "independent": 6}


def test_an_outlet_counts_its_rumours_and_a_deleted_one_leaves_the_aggregates(plain_mission):
    from missiondesk.services.rumours import create_rumour

    view = _outlet(plain_mission, name="La Voix du Sud", media_type="print", reach="high")
    with plain_mission.unit_of_work() as uow:
        for n in range(2):
            create_rumour(uow, reported_on=date(2026, 5, n + 1), content="Rumour %d" % n,
                          channel="print", outlet_id=view.id)
    assert service.list_outlets(plain_mission)[0].rumours == 2
    with plain_mission.unit_of_work() as uow:
        service.delete_outlet(uow, view.id, expected_revision=1)
    assert service.reach_by(plain_mission, "media_type") == []
