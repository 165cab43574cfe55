"""Text is valid text from every path: the unit of work checks every text attribute (and
every text item of a list column) of what it adds or changes, whichever service, import or
script put it there; a new mission's details are checked before any file is written."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text

from missiondesk.messages import error_text
from missiondesk.services import stakeholders
from missiondesk.store import errors
from missiondesk.store.handle import NewMission, create_mission
from missiondesk.store.schema import ChangeLog, Stakeholder, TeamMember


def _counts(handle) -> tuple[int, int, int]:
    with handle.session() as session:
        return (len(session.scalars(select(Stakeholder.id)).all()),
                len(session.scalars(select(TeamMember.id)).all()),
                len(session.scalars(select(ChangeLog.id)).all()))


def test_a_record_added_by_any_path_with_a_control_character_is_refused(plain_mission):
    before = _counts(plain_mission)
    with pytest.raises(errors.InvalidValue) as caught:
        with plain_mission.unit_of_work() as uow:
            uow.add(TeamMember(name="Ka\x1b[31mrim", role="OTHER"))  # no service in the way
    params = caught.value.params
    assert (params["field"], params["reason"], params["code_point"], params["position"]) == (
        "name", "invalid_character", "U+001B", 3)
    assert error_text(caught.value) == (
        "Name contains a character that is not text (U+001B, at position 3); remove it and "
        "try again.")
    assert _counts(plain_mission) == before


@pytest.mark.parametrize("field, bad", [("aliases", "al\x07ias"), ("tags", "\ufffe"),
                                        ("regions", "Nord\x00")])
def test_text_items_of_list_columns_are_checked(plain_mission, field, bad):
    before = _counts(plain_mission)
    with pytest.raises(errors.InvalidValue) as caught:
        with plain_mission.unit_of_work() as uow:
            stakeholders.create_stakeholder(uow, name="General Zed", **{field: ["fine", bad]})
    assert caught.value.params["field"] == field
    assert caught.value.params["reason"] == "invalid_character"
    assert _counts(plain_mission) == before


def test_a_changed_field_is_checked_and_the_record_keeps_its_value(plain_mission):
    with plain_mission.unit_of_work() as uow:
        sid = stakeholders.create_stakeholder(uow, name="General Zed").id
    before = _counts(plain_mission)
    with pytest.raises(errors.InvalidValue) as caught:
        with plain_mission.unit_of_work() as uow:
            row = uow.session.get(Stakeholder, sid)
            row.grievances = "land\x0c taken"
    assert caught.value.params["field"] == "grievances"
    assert caught.value.params["code_point"] == "U+000C"
    assert stakeholders.get_stakeholder(plain_mission, sid).grievances is None
    assert _counts(plain_mission) == before


def test_text_stored_before_validation_does_not_block_other_edits(plain_mission):
    with plain_mission.unit_of_work() as uow:
        view = stakeholders.create_stakeholder(uow, name="General Zed")
    with plain_mission.driver_connection() as conn:  # as an old file would hold it
        conn.execute("UPDATE stakeholders SET name = ? WHERE id = ?", ("Old\x1bname", view.id))
        conn.commit()
    with plain_mission.unit_of_work() as uow:
        row = uow.session.get(Stakeholder, view.id)
        row.influence = 5
    with plain_mission.session() as session:
        name, influence = session.execute(
            text("SELECT name, influence FROM stakeholders WHERE id = :id"),
            {"id": view.id}).one()
    assert (name, influence) == ("Old\x1bname", 5)


def test_tab_and_line_breaks_and_any_script_are_text(plain_mission):
    with plain_mission.unit_of_work() as uow:
        view = stakeholders.create_stakeholder(
            uow, name="Élysée 中文 عربي", aliases=["tab\tin"],
            description="two\nlines\r\nand a tab\t🙂")
    assert stakeholders.get_stakeholder(plain_mission, view.id).description.endswith("🙂")


def test_a_new_mission_with_a_control_character_in_its_name_writes_no_file(tmp_path):
    path = tmp_path / "new.mdesk"
    with pytest.raises(errors.InvalidValue) as caught:
        create_mission(path, None, NewMission(name="UNAC\x00", host_country="Carana"))
    assert caught.value.params["field"] == "name"
    assert not [p for p in tmp_path.iterdir() if "new.mdesk" in p.name]


def test_a_new_mission_in_a_missing_folder_names_the_folder(tmp_path):
    folder = tmp_path / "no such folder"
    with pytest.raises(errors.MissionError) as caught:
        create_mission(folder / "new.mdesk", None, NewMission(name="UNAC"))
    assert error_text(caught.value) == "The folder %s does not exist." % folder


def test_the_refused_characters_are_exactly_the_controls_surrogates_and_non_characters():
    from missiondesk.store.text import first_invalid_char

    refused = {c for c in range(0x110000) if first_invalid_char(chr(c)) is not None}
    expected = (set(range(0x20)) - {0x09, 0x0A, 0x0D}) | set(range(0xD800, 0xE000)) \
        | set(range(0xFDD0, 0xFDF0)) \
        | {plane * 0x10000 + last for plane in range(17) for last in (0xFFFE, 0xFFFF)}
    assert refused == expected
