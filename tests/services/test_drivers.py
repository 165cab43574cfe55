"""The drivers service on real mission files: CRUD, change log, conflicts, validation,
stakeholder links, dated assessments, the matrix and the balance by domain."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import select

from missiondesk.services import drivers
from missiondesk.store.errors import InvalidValue, RecordMissing, RevisionConflict
from missiondesk.store.handle import open_mission
from missiondesk.store.schema import ChangeLog, Stakeholder
from tests.conftest import PASSPHRASE


@pytest.fixture
def demo(demo_file):
    """The Carana demo (a fresh copy), opened."""
    handle = open_mission(demo_file, PASSPHRASE)
    handle.set_user(None, "Reader")
    yield handle
    handle.close()


def _new(handle, **fields):
    values = {"name": "Cattle raiding on the Leppko plateau", "kind": "conflict_driver",
              "level": "proximate", "domain": "resources"}
    values.update(fields)
    with handle.unit_of_work() as uow:
        return drivers.create_driver(uow, **values)


def _stakeholder(handle, name: str) -> str:
    with handle.unit_of_work() as uow:
        row = Stakeholder(name=name, name_key=drivers.fold(name))
        uow.add(row)
        uow.session.flush()
        return row.id


def _log(handle, record_id):
    with handle.session() as session:
        return session.scalars(select(ChangeLog).where(ChangeLog.record_id == record_id)
                               .order_by(ChangeLog.at)).all()


# --- CRUD, change log, conflicts --------------------------------------------------------------


def test_create_then_read_every_field(plain_mission):
    view = _new(plain_mission, regions="Leppko, Amsa, Leppko", severity=4, trend="worsening",
                time_horizon="Next dry season", mission_levers="Patrols on the transhumance routes",
                description="Herders from the north raid \u00e9leveurs' cattle.")
    assert view.revision == 1
    detail = drivers.get_driver(plain_mission, view.id)
    assert detail.name == "Cattle raiding on the Leppko plateau"
    assert (detail.kind, detail.level, detail.domain) == ("conflict_driver", "proximate",
                                                          "resources")
    assert detail.regions == ("Leppko", "Amsa")  # split, trimmed, no duplicates
    assert (detail.trend, detail.severity) == ("worsening", 4)
    assert detail.time_horizon == "Next dry season"
    assert detail.mission_levers.startswith("Patrols")
    assert detail.classification == "CONFIDENTIAL"  # the mission's default
    assert detail.history[0].action == "create"
    assert detail.values()["regions"] == ("Leppko", "Amsa")


def test_defaults_when_only_the_required_fields_are_given(plain_mission):
    detail = drivers.get_driver(plain_mission, _new(plain_mission).id)
    assert (detail.trend, detail.severity, detail.regions) == ("unknown", 3, ())


def test_update_logs_old_and_new_values_and_bumps_the_revision(plain_mission):
    view = _new(plain_mission)
    with plain_mission.unit_of_work() as uow:
        updated = drivers.update_driver(uow, view.id, expected_revision=1, severity=5,
                                        level="immediate")
    assert updated.revision == 2
    changes = {c.field: (json.loads(c.old_value), json.loads(c.new_value))
               for c in _log(plain_mission, view.id) if c.action == "update"}
    assert changes == {"severity": (3, 5), "level": ("proximate", "immediate")}
    assert all(c.user_name == "Tester" for c in _log(plain_mission, view.id))


def test_a_stale_revision_is_refused_and_changes_nothing(plain_mission):
    view = _new(plain_mission)
    with plain_mission.unit_of_work() as uow:
        drivers.update_driver(uow, view.id, expected_revision=1, name="Cattle raids")
    with pytest.raises(RevisionConflict) as caught, plain_mission.unit_of_work() as uow:
        drivers.update_driver(uow, view.id, expected_revision=1, name="Something else")
    assert caught.value.params == {"table": "drivers", "record_id": view.id, "expected": 1,
                                   "found": 2}
    assert drivers.get_driver(plain_mission, view.id).name == "Cattle raids"


def test_delete_is_a_tombstone_and_restore_brings_it_back(plain_mission):
    view = _new(plain_mission)
    with plain_mission.unit_of_work() as uow:
        deleted = drivers.delete_driver(uow, view.id, expected_revision=1)
    assert deleted.deleted and drivers.list_drivers(plain_mission) == []
    with pytest.raises(RecordMissing):
        drivers.get_driver(plain_mission, view.id)
    with plain_mission.unit_of_work() as uow:
        drivers.restore_driver(uow, view.id, expected_revision=deleted.revision)
    assert [r.id for r in drivers.list_drivers(plain_mission)] == [view.id]
    assert [c.action for c in _log(plain_mission, view.id)] == ["create", "delete", "restore"]


# --- validation ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("fields", "expected"), [
    ({"name": "  "}, {"field": "name", "reason": "required"}),
    ({"name": "x" * 301}, {"field": "name", "reason": "too_long", "max_length": 300}),
    ({"kind": "grievance"}, {"field": "kind", "reason": "not_in_vocabulary",
                             "value": "grievance"}),
    ({"domain": "weather"}, {"field": "domain", "reason": "not_in_vocabulary"}),
    ({"severity": 6}, {"field": "severity", "reason": "out_of_range", "min": 1, "max": 5}),
    ({"severity": "high"}, {"field": "severity", "reason": "out_of_range"}),
    ({"trend": "better"}, {"field": "trend", "reason": "not_in_vocabulary"}),
    ({"regions": 7}, {"field": "regions", "reason": "not_a_list"}),
    ({"classification": "SECRET"}, {"field": "classification",
                                    "reason": "not_in_vocabulary"}),
    ({"time_horizon": "y" * 101}, {"field": "time_horizon", "reason": "too_long"}),
])
def test_invalid_values_are_refused_with_a_code(plain_mission, fields, expected):
    with pytest.raises(InvalidValue) as caught:
        _new(plain_mission, **fields)
    assert expected.items() <= caught.value.params.items()
    assert drivers.list_drivers(plain_mission) == []


def test_not_in_vocabulary_lists_the_allowed_codes(plain_mission):
    with pytest.raises(InvalidValue) as caught:
        _new(plain_mission, level="deep")
    assert caught.value.params["allowed"] == ["structural", "proximate", "immediate"]


def test_creating_requires_kind_level_and_domain():
    with pytest.raises(InvalidValue) as caught:
        drivers.clean_fields({"name": "A driver", "kind": "trigger", "level": "immediate"},
                             creating=True)
    assert caught.value.params == {"field": "domain", "reason": "required"}
    assert drivers.clean_fields({"severity": "2"}, creating=False) == {"severity": 2}


# --- links to stakeholders ------------------------------------------------------------------------


def test_link_and_unlink_stakeholders_with_roles(plain_mission):
    view = _new(plain_mission)
    herders = _stakeholder(plain_mission, "Herders' association")
    elders = _stakeholder(plain_mission, "\u00c9lders of Amsa")
    with plain_mission.unit_of_work() as uow:
        link = drivers.link_stakeholder(uow, view.id, herders, "drives", note="Raids at night")
        drivers.link_stakeholder(uow, view.id, elders, "mitigates")
    detail = drivers.get_driver(plain_mission, view.id)
    assert [(x.name, x.role, x.note) for x in detail.links] == [
        ("Herders' association", "drives", "Raids at night"), ("\u00c9lders of Amsa",
                                                               "mitigates", None)]
    assert drivers.list_drivers(plain_mission)[0].stakeholders == 2
    seen_from = drivers.drivers_for_stakeholder(plain_mission, herders)
    assert [(x.driver_name, x.role) for x in seen_from] == [(view.name, "drives")]

    with plain_mission.unit_of_work() as uow:
        removed = drivers.unlink(uow, link.id)
    assert drivers.drivers_for_stakeholder(plain_mission, herders) == []
    with plain_mission.unit_of_work() as uow:
        drivers.restore_link(uow, link.id, expected_revision=removed.revision)
    assert len(drivers.get_driver(plain_mission, view.id).links) == 2
    tables = {h.table for h in drivers.get_driver(plain_mission, view.id).history}
    assert tables == {"drivers", "driver_stakeholders"}


def test_a_second_link_for_the_same_pair_and_bad_roles_are_refused(plain_mission):
    view = _new(plain_mission)
    herders = _stakeholder(plain_mission, "Herders' association")
    with plain_mission.unit_of_work() as uow:
        drivers.link_stakeholder(uow, view.id, herders, "drives")
    with pytest.raises(InvalidValue) as caught, plain_mission.unit_of_work() as uow:
        drivers.link_stakeholder(uow, view.id, herders, "benefits")
    assert caught.value.params["reason"] == "already_linked"
    with pytest.raises(InvalidValue) as caught, plain_mission.unit_of_work() as uow:
        drivers.link_stakeholder(uow, view.id, herders, "funds")
    assert caught.value.params["field"] == "role"
    with pytest.raises(RecordMissing), plain_mission.unit_of_work() as uow:
        drivers.link_stakeholder(uow, view.id, "no-such-id", "drives")


# --- dated assessments ---------------------------------------------------------------------------


def test_assessments_keep_the_history_and_update_the_trend(plain_mission):
    view = _new(plain_mission, trend="stable", severity=3)
    with plain_mission.unit_of_work() as uow:
        first = drivers.record_driver_assessment(
            uow, view.id, expected_revision=1, assessed_on=date(2025, 3, 1),
            trend="worsening", severity=4, note="Raids doubled since the rains failed")
    assert first.driver_revision == 2 and first.assessed_by == "Tester"
    detail = drivers.get_driver(plain_mission, view.id)
    assert (detail.trend, detail.severity) == ("worsening", 4)

    with plain_mission.unit_of_work() as uow:  # backdated: history only
        drivers.record_driver_assessment(uow, view.id, expected_revision=2,
                                         assessed_on=date(2024, 11, 1), trend="improving",
                                         severity=2)
    with plain_mission.unit_of_work() as uow:  # newest, no severity: severity kept
        drivers.record_driver_assessment(uow, view.id, expected_revision=2,
                                         assessed_on=date(2025, 5, 1), trend="improving")
    detail = drivers.get_driver(plain_mission, view.id)
    assert (detail.trend, detail.severity) == ("improving", 4)
    assert [a.assessed_on for a in detail.assessments] == [
        date(2025, 5, 1), date(2025, 3, 1), date(2024, 11, 1)]
    assert drivers.list_drivers(plain_mission)[0].last_assessed == date(2025, 5, 1)

    newest = detail.assessments[0]
    with plain_mission.unit_of_work() as uow:
        back = drivers.withdraw_driver_assessment(uow, newest.id,
                                                  expected_revision=detail.revision)
    assert (back.trend, back.severity) == ("worsening", 4)
    with plain_mission.unit_of_work() as uow:
        again = drivers.restore_driver_assessment(uow, newest.id, expected_revision=back.revision)
    assert again.trend == "improving"


def test_an_assessment_is_validated_and_checks_the_revision(plain_mission):
    view = _new(plain_mission)
    with pytest.raises(InvalidValue) as caught, plain_mission.unit_of_work() as uow:
        drivers.record_driver_assessment(uow, view.id, expected_revision=1,
                                         assessed_on=date(2025, 1, 1), trend="sideways")
    assert caught.value.params["field"] == "trend"
    with pytest.raises(InvalidValue) as caught, plain_mission.unit_of_work() as uow:
        drivers.record_driver_assessment(uow, view.id, expected_revision=1,
                                         assessed_on="01/02/2025", trend="stable")
    assert caught.value.params["reason"] == "not_a_date"
    with pytest.raises(RevisionConflict), plain_mission.unit_of_work() as uow:
        drivers.record_driver_assessment(uow, view.id, expected_revision=9,
                                         assessed_on=date(2025, 1, 1), trend="stable")
    assert drivers.get_driver(plain_mission, view.id).assessments == ()


# --- the Carana demo -----------------------------------------------------------------------------


def test_demo_drivers_are_listed_with_links_and_history(demo):
    rows = drivers.list_drivers(demo)
    assert len(rows) == 19
    by_name = {r.name: r for r in rows}
    tatsi = by_name["Tatsi exclusion from the army and the state"]
    assert (tatsi.kind, tatsi.trend, tatsi.stakeholders) == ("conflict_driver", "worsening", 5)
    detail = drivers.get_driver(demo, tatsi.id)
    assert [a.trend for a in detail.assessments] == ["worsening", "worsening", "stable"]
    assert {x.role for x in detail.links} == {"drives", "affected", "mitigates"}
    assert detail.links[0].role == "drives"


def test_sorting_folds_accents_and_orders_trends_worst_first(demo):
    rows = drivers.list_drivers(demo)
    assert [r.sort_name for r in rows] == sorted(r.sort_name for r in rows)
    by_trend = drivers.sort_rows(rows, "trend")
    assert by_trend[0].trend == "worsening" and by_trend[-1].trend in ("improving", "unknown")
    by_severity = drivers.sort_rows(rows, "severity", descending=True)
    assert by_severity[0].severity >= by_severity[-1].severity
    with pytest.raises(ValueError):
        drivers.sort_rows(rows, "colour")


def test_matrix_has_a_cell_per_link_and_only_linked_stakeholders(demo):
    matrix = drivers.driver_matrix(demo)
    assert len(matrix.drivers) == 19
    assert matrix.drivers[0][2] in drivers.CONFLICT_KINDS
    assert matrix.drivers[-1][2] in drivers.PEACE_KINDS
    assert len(matrix.cells) == 77
    names = dict(matrix.stakeholders)
    linked = {sid for (_d, sid) in matrix.cells}
    assert set(names) == linked
    tatsi = next(d for d in matrix.drivers if d[1].startswith("Tatsi exclusion"))
    roles = {names[sid]: role for (did, sid), role in matrix.cells.items() if did == tatsi[0]}
    assert sorted(roles.values()) == ["affected", "drives", "drives", "drives", "mitigates"]


def test_a_stakeholder_sees_the_drivers_it_drives_or_mitigates(demo):
    matrix = drivers.driver_matrix(demo)
    sid, role = next((sid, role) for (_d, sid), role in matrix.cells.items())
    seen = drivers.drivers_for_stakeholder(demo, sid)
    assert role in {x.role for x in seen}
    assert len(seen) == sum(1 for (_d, s) in matrix.cells if s == sid)


def test_balance_by_domain_on_the_demo(demo):
    balances = drivers.drivers_by_domain(demo)
    by_domain = {b.domain: b for b in balances}
    assert sum(b.conflict for b in balances) == 14   # 10 drivers, 3 triggers, 1 divider
    assert sum(b.peace for b in balances) == 5       # 3 peace drivers, 2 connectors
    assert by_domain["identity"].conflict == 1 and by_domain["identity"].peace == 1
    assert by_domain["economy"].conflict == 2 and by_domain["economy"].peace == 1
    assert sum(b.worsening for b in balances) == 6
    assert [b.domain for b in balances] == [d for d in (
        "governance", "security", "resources", "land", "identity", "justice", "regional",
        "information", "humanitarian", "climate", "gender", "economy") if d in by_domain]


def test_the_chart_has_a_bar_per_domain_and_side(demo):
    from missiondesk.figures.drivers_chart import drivers_by_domain_figure

    balances = drivers.drivers_by_domain(demo)
    figure = drivers_by_domain_figure(balances, title="Drivers by domain", labels={})
    axes = figure.axes[0]
    assert axes.get_title(loc="left") == "Drivers by domain"
    assert [t.get_text() for t in axes.get_yticklabels()][0] == "governance"
    widths = sorted(p.get_width() for p in axes.patches)
    assert widths[0] < 0 < widths[-1]   # conflict to the left, peace to the right
    legend = figure.legends[0]
    assert [t.get_text() for t in legend.get_texts()][:2] == [
        "Conflict drivers, dividers and triggers", "Peace drivers and connectors"]
    empty = drivers_by_domain_figure([], title="None", labels={"empty": "No drivers yet"})
    assert "No drivers yet" in [t.get_text() for t in empty.axes[0].texts]
