"""Message coverage on hand-built data with a known answer: which audiences heard which planned
message (through the counterparts of the engagements that delivered it), and which members of
an audience were never met. Deleted engagements and unplanned deliveries do not count."""

from __future__ import annotations

from datetime import datetime

import pytest

from missiondesk.services import comms, comms_messages, comms_plan, engagements
from missiondesk.services.message_coverage import message_coverage
from missiondesk.services.stakeholders import create_stakeholder
from missiondesk.services.team import add_team_member


def _write(handle, fn, *args, **kwargs):
    with handle.unit_of_work() as uow:
        return fn(uow, *args, **kwargs)


@pytest.fixture
def world(plain_mission):
    """Government (Ansa, Bel) and Communities (Chief Camara, Dida); M1 for the government,
    M3 for communities, M2 for no one; the plan adds M1 for communities, M2 for the
    government. Ansa heard M1 on 3 March; Camara heard M2 (not planned for communities);
    Bel was met without a message; Dida only at a meeting since deleted (with M3)."""
    h = plain_mission
    with h.unit_of_work() as uow:
        lead = add_team_member(uow, name="Amina Diallo", role="CHIEF_POLITICAL").id
        people = {k: create_stakeholder(uow, name=n, category="community").id for k, n in
                  (("a", "Ansa"), ("b", "Bel"), ("c", "Chief Camara"), ("d", "Dida"))}
    gov = _write(h, comms.create_audience, code="host_government", name="Government",
                 stakeholder_ids=[people["a"], people["b"]]).id
    com = _write(h, comms.create_audience, code="communities", name="Communities",
                 stakeholder_ids=[people["c"], people["d"]]).id
    m1 = _write(h, comms_messages.create_message, audience_id=gov, texts={"en": "M1"}).id
    m2 = _write(h, comms_messages.create_message, texts={"en": "M2", "fr": "M2 fr"}).id
    m3 = _write(h, comms_messages.create_message, audience_id=com, texts={"en": "M3"}).id
    _write(h, comms_plan.create_plan_row, audience_id=com, key_message_id=m1, channel="radio")
    _write(h, comms_plan.create_plan_row, audience_id=gov, key_message_id=m2,
           channel="bilateral_meeting")

    def meet(when, who, messages=()):
        return _write(h, engagements.create_engagement, starts_at=when, duration_minutes=60,
                      title="Meeting", format="bilateral", lead_id=lead,
                      counterpart_ids=who, key_message_ids=messages)

    meet(datetime(2026, 3, 3, 9), [people["a"]], [m1])
    meet(datetime(2026, 3, 4, 9), [people["c"]], [m2])
    meet(datetime(2026, 3, 5, 9), [people["b"]])
    gone = meet(datetime(2026, 3, 6, 9), [people["d"]], [m3])
    _write(h, engagements.delete_engagement, gone.id, expected_revision=gone.revision)
    return h, {"gov": gov, "com": com, "m1": m1, "m2": m2, "m3": m3, **people}


def _texts(cells):
    return [c.message_texts[0][1] for c in cells]


def test_audiences_heard_their_planned_messages_as_the_log_says(world):
    handle, ids = world
    coverage = {a.name: a for a in message_coverage(handle)}
    assert list(coverage) == ["Communities", "Government"]

    gov = coverage["Government"]
    assert (gov.members, gov.planned, gov.heard) == (2, 2, 1)
    assert _texts(gov.not_heard) == ["M2"]
    heard = next(c for c in gov.cells if c.heard)
    assert (heard.key_message_id, heard.members_reached) == (ids["m1"], 1)
    assert heard.last_delivered == datetime(2026, 3, 3, 9)
    assert gov.never_reached == ()

    com = coverage["Communities"]
    assert (com.members, com.planned, com.heard) == (2, 2, 0)
    assert _texts(com.not_heard) == ["M1", "M3"]  # M2 was heard, but is not planned here
    assert com.never_reached == ((ids["d"], "Dida"),)  # only at a deleted meeting


def test_since_counts_only_later_deliveries(world):
    handle, _ids = world
    coverage = {a.name: a for a in message_coverage(handle, since=datetime(2026, 3, 4))}
    assert coverage["Government"].heard == 0
    assert coverage["Government"].never_reached == ()  # met, whenever


def test_a_plan_line_removed_is_no_longer_planned(world):
    handle, ids = world
    line = next(r for r in comms_plan.list_plan(handle) if r.audience_id == ids["com"])
    _write(handle, comms_plan.delete_plan_row, line.id, expected_revision=line.revision)
    com = next(a for a in message_coverage(handle) if a.name == "Communities")
    assert _texts(com.cells) == ["M3"]
