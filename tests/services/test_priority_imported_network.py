"""Issue 9, defect 14, on a real mission file: an imported network (nobody engaged yet)
ranks its actors, but the mission itself and the UN partners are "not a target"."""

from __future__ import annotations

from missiondesk.labels import priority_text
from missiondesk.services import stakeholders as service
from missiondesk.services.priority import LETTERS
from missiondesk.store.handle import NewMission, create_mission


def test_an_imported_network_ranks_actors_but_not_the_mission_nor_un_partners(tmp_path):
    handle = create_mission(tmp_path / "net.mdesk", None, NewMission(
        name="United Nations Assistance Mission in Carana", acronym="UNAC"))
    handle.set_user(None, "Analyst")
    try:
        with handle.unit_of_work() as uow:
            for name, category in (("UNAC", "international_organization"),
                                   ("OCHA", "un_entity"),
                                   ("Mouvement Patriotique de Carana (MPC)", "armed_group"),
                                   ("Council of Elders of Leppko", "traditional_authority")):
                service.create_stakeholder(uow, name=name, category=category, influence=4,
                                           interest=4)
        rows = {r.name: r for r in service.list_stakeholders(handle)}
        mission, ocha = rows["UNAC"], rows["OCHA"]
        assert mission.priority.letter is None and ocha.priority.letter is None
        assert priority_text(mission.priority) == "not a target: the mission itself"
        assert priority_text(ocha.priority).startswith("not a target: a UN entity")
        for actor in ("Mouvement Patriotique de Carana (MPC)", "Council of Elders of Leppko"):
            assert rows[actor].priority.letter in LETTERS
            assert ("never_engaged", {}) in rows[actor].priority.reasons
        detail = service.get_stakeholder(handle, mission.id)
        assert detail.priority == mission.priority
        # Sorting by priority puts the ranked actors first, the non-targets after them.
        ordered = service.sort_rows(rows.values(), "priority")
        assert [r.priority.letter is None for r in ordered] == [False, False, True, True]
        # A leader may rank a UN partner by hand; never the mission itself.
        with handle.unit_of_work() as uow:
            service.set_priority_override(uow, ocha.id, expected_revision=ocha.revision,
                                          letter="B", reason="Humanitarian access talks")
            service.set_priority_override(uow, mission.id,
                                          expected_revision=mission.revision,
                                          letter="A", reason="typo")
        rows = {r.name: r for r in service.list_stakeholders(handle)}
        assert rows["OCHA"].priority.letter == "B"
        assert rows["UNAC"].priority.letter is None
    finally:
        handle.close()
