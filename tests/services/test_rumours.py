"""The rumour log on hand-built missions: create with its links, the status workflow (refused
steps are typed errors), answering with a key message, rumours about a stakeholder and the
trend of open rumours from the change log."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from sqlalchemy import update

from missiondesk.services import rumours as service
from missiondesk.store.errors import InvalidValue, RevisionConflict
from missiondesk.store.schema import ChangeLog, KeyMessage, KeyMessageText


def _stakeholder(handle, name="General Pea"):
    from missiondesk.services.stakeholders import create_stakeholder

    with handle.unit_of_work() as uow:
        return create_stakeholder(uow, name=name).id


def _message(handle, en="UNAC protects civilians.", fr="La MINUAC protège les civils."):
    with handle.unit_of_work() as uow:
        message = uow.add(KeyMessage(kind="core", approved=True))
        uow.session.flush()
        uow.add(KeyMessageText(key_message_id=message.id, language="en", text=en))
        uow.add(KeyMessageText(key_message_id=message.id, language="fr", text=fr))
    return message.id


def _rumour(handle, **fields):
    values = {"reported_on": date(2026, 5, 4), "content": "UNAC is leaving Leppko.",
              "channel": "social_media", **fields}
    with handle.unit_of_work() as uow:
        return service.create_rumour(uow, **values)


def test_a_rumour_is_logged_with_its_links_and_defaults(plain_mission):
    who = _stakeholder(plain_mission)
    view = _rumour(plain_mission, stakeholder_id=who, regions="Leppko; Amsa; leppko",
                   poc_risk=True, risk="high")
    row = service.get_rumour(plain_mission, view.id)
    assert (row.status, row.reach, row.risk, row.poc_risk) == ("new", "medium", "high", True)
    assert row.regions == ("Leppko", "Amsa")
    assert row.stakeholder_name == "General Pea"
    assert row.classification == "CONFIDENTIAL"  # the mission's default
    assert row.is_open


@pytest.mark.parametrize("fields, field, reason", [
    ({"content": "  "}, "content", "required"),
    ({"channel": "carrier pigeon"}, "channel", "not_in_vocabulary"),
    ({"risk": "extreme"}, "risk", "not_in_vocabulary"),
    ({"reported_on": "4 May"}, "reported_on", "not_a_date"),
    ({"stakeholder_id": "no-such-id"}, "stakeholder_id", "unknown_record"),
])
def test_bad_input_is_refused_with_a_code(plain_mission, fields, field, reason):
    with pytest.raises(InvalidValue) as caught:
        _rumour(plain_mission, **fields)
    assert (caught.value.params["field"], caught.value.params["reason"]) == (field, reason)
    assert service.list_rumours(plain_mission) == []


def test_the_status_workflow_refuses_a_skipped_step(plain_mission):
    view = _rumour(plain_mission)
    with plain_mission.unit_of_work() as uow:
        moved = service.set_status(uow, view.id, "monitoring", expected_revision=1)
    with pytest.raises(InvalidValue) as caught, plain_mission.unit_of_work() as uow:
        service.set_status(uow, view.id, "responded", expected_revision=moved.revision)
    assert caught.value.params["reason"] == "transition_refused"
    assert caught.value.params["allowed"] == ["responding", "debunked", "closed"]
    with pytest.raises(RevisionConflict), plain_mission.unit_of_work() as uow:
        service.set_status(uow, view.id, "closed", expected_revision=1)
    with plain_mission.unit_of_work() as uow:  # an undo puts back what was, whatever the step
        service.set_status(uow, view.id, "new", expected_revision=moved.revision,
                           undoing=True)
    assert service.get_rumour(plain_mission, view.id).status == "new"


def test_responding_links_the_key_message_and_moves_a_new_rumour(plain_mission):
    message = _message(plain_mission)
    view = _rumour(plain_mission)
    with plain_mission.unit_of_work() as uow:
        service.respond(uow, view.id, expected_revision=1, message_id=message,
                        response="Radio spot with the Force Commander.")
    row = service.get_rumour(plain_mission, view.id)
    assert (row.status, row.response_message_id) == ("responding", message)
    assert row.response == "Radio spot with the Force Commander."
    choice = service.message_choices(plain_mission)[0]
    assert choice.text() == "UNAC protects civilians."
    assert choice.text(("fr",)) == "La MINUAC protège les civils."


def test_rumours_about_a_stakeholder_are_only_theirs(plain_mission):
    pea, zed = _stakeholder(plain_mission), _stakeholder(plain_mission, "General Zed")
    mine = _rumour(plain_mission, stakeholder_id=pea, content="Pea will attack Corma.")
    _rumour(plain_mission, stakeholder_id=zed, content="Zed is dead.")
    _rumour(plain_mission, content="About no one.")
    assert [r.id for r in service.rumours_about(plain_mission, pea)] == [mine.id]
    with plain_mission.unit_of_work() as uow:
        service.delete_rumour(uow, mine.id, expected_revision=1)
    assert service.rumours_about(plain_mission, pea) == []


def test_open_trend_counts_the_open_ones_at_each_week_end(plain_mission):
    monday = date(2026, 6, 1)  # a Monday
    first = _rumour(plain_mission, reported_on=monday)                       # week 1
    second = _rumour(plain_mission, reported_on=monday + timedelta(days=8))  # week 2
    _rumour(plain_mission, reported_on=monday + timedelta(days=15))          # week 3
    with plain_mission.unit_of_work() as uow:
        service.set_status(uow, first.id, "closed", expected_revision=1)
        service.set_status(uow, second.id, "debunked", expected_revision=1)
    # the first was closed in week 2, the second debunked in week 3
    with plain_mission.session() as session:
        for rid, day in ((first.id, monday + timedelta(days=10)),
                         (second.id, monday + timedelta(days=16))):
            session.execute(update(ChangeLog).where(ChangeLog.record_id == rid,
                                                    ChangeLog.field == "status")
                            .values(at=datetime.combine(day, time(9, 0))))
        session.commit()
    points = service.open_trend(plain_mission, period="week", count=4,
                                today=monday + timedelta(days=20))
    assert [p.start for p in points] == [monday - timedelta(days=7), monday,
                                         monday + timedelta(days=7),
                                         monday + timedelta(days=14)]
    assert [p.new_count for p in points] == [0, 1, 1, 1]
    assert [p.open_count for p in points] == [0, 1, 1, 1]  # week 2: the first closed
    month = service.open_trend(plain_mission, period="month", count=1,
                               today=monday + timedelta(days=20))
    assert (month[0].start, month[0].open_count, month[0].new_count) == (monday, 1, 3)
