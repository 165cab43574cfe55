"""`missiondesk import FILE --json X` against hostile documents: every failure is one
sentence and leaves no file; texts that are not text are refused (issue 8, items 7 and 8).
`missiondesk export --include-protected` (issue 8, item 2)."""

from __future__ import annotations

import copy
import json

import pytest

from missiondesk.cli import main
from missiondesk.services import audit, sources, stakeholders
from missiondesk.services.interchange import export_mission
from missiondesk.store.handle import NewMission, create_mission, open_mission

WHO = "The cousin of the northern governor"


@pytest.fixture(scope="module")
def export(tmp_path_factory):
    """A small valid export: one stakeholder, its change log, one source, one indicator."""
    import os

    folder = tmp_path_factory.mktemp("json")
    previous = os.environ.get("MISSIONDESK_HOME")
    os.environ["MISSIONDESK_HOME"] = str(folder / "home")
    try:
        handle = create_mission(folder / "m.mdesk", None, NewMission(name="Small"))
        handle.set_user(None, "Tester")
        with handle.unit_of_work() as uow:
            view = stakeholders.create_stakeholder(uow, name="Colonel Test", category="other",
                                                   aliases=["The Colonel"])
        with handle.unit_of_work() as uow:
            stakeholders.update_stakeholder(uow, view.id, expected_revision=view.revision,
                                            grievances="Pay arrears")
        with handle.unit_of_work() as uow:
            sources.create_source(uow, code_name="SRC-001", source_type="media",
                                  protected=False, description="Radio Carana")
        data = export_mission(handle)
        handle.close()
    finally:
        if previous is None:
            os.environ.pop("MISSIONDESK_HOME", None)
        else:
            os.environ["MISSIONDESK_HOME"] = previous
    return data


def _import(tmp_path, capsys, text: str) -> tuple[int, str]:
    document = tmp_path / "in.json"
    document.write_text(text, encoding="utf-8")
    target = tmp_path / "new.mdesk"
    code = main(["import", str(target), "--json", str(document), "--no-passphrase"])
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert not target.exists()  # all or nothing: the new file is removed
    return code, err


def test_the_valid_document_imports(export, tmp_path, capsys):
    document = tmp_path / "ok.json"
    document.write_text(json.dumps(export), encoding="utf-8")
    assert main(["import", str(tmp_path / "new.mdesk"), "--json", str(document),
                 "--no-passphrase"]) == 0
    assert "Imported" in capsys.readouterr().out


def test_deeply_nested_json_is_one_sentence(tmp_path, capsys):
    code, err = _import(tmp_path, capsys, "[" * 100_000 + "]" * 100_000)
    assert code == 1
    assert err.strip() == "%s is nested too deeply to be a MissionDesk export." % (
        tmp_path / "in.json")


@pytest.mark.parametrize("table,field,value", [
    ("stakeholders", "revision", 10 ** 30),
    ("stakeholders", "influence", -(10 ** 25)),
    ("stakeholders", "aliases", [[[[[[[[[[["deep"]]]]]]]]]]]),
])
def test_numbers_too_big_and_values_too_deep_are_bad_values(export, tmp_path, capsys, table,
                                                            field, value):
    data = copy.deepcopy(export)
    data[table][0][field] = value
    code, err = _import(tmp_path, capsys, json.dumps(data))
    assert code == 1
    assert err.startswith("Nothing was imported: the file has 1 problem(s).")
    assert "%s, record 1:" % table in err and "is not valid for %s" % field in err


def test_infinite_and_nan_numbers_are_bad_values(export, tmp_path, capsys):
    data = copy.deepcopy(export)
    data["indicators"] = [{"id": "i1", "created_at": "2024-01-01T00:00:00",
                           "updated_at": "2024-01-01T00:00:00", "classification":
                           "UNCLASSIFIED", "name": "Returns", "baseline": 1e400,
                           "target": float("nan")}]
    code, err = _import(tmp_path, capsys, json.dumps(data))
    assert code == 1
    assert "is not valid for baseline" in err and "is not valid for target" in err


@pytest.mark.parametrize("place,value,code_point", [
    (("stakeholders", "name"), "Colonel\x1b[31m Test", "U+001B"),
    (("stakeholders", "description"), "Line\x00break", "U+0000"),
    (("stakeholders", "aliases"), ["The Colonel", "Le Colonel\ufffe"], "U+FFFE"),
    (("sources", "code_name"), "SRC-\x07001", "U+0007"),
    (("mission", "name"), "Small\ufdd0", "U+FDD0"),
])
def test_text_that_is_not_text_is_refused(export, tmp_path, capsys, place, value, code_point):
    data = copy.deepcopy(export)
    table, field = place
    row = data[table] if table == "mission" else data[table][0]
    row[field] = value
    code, err = _import(tmp_path, capsys, json.dumps(data))
    assert code == 1
    assert ("contains a character that is not text (%s, at position" % code_point) in err
    assert "\x1b" not in err and "\x07" not in err and "\x00" not in err


def test_control_characters_inside_change_log_values_are_refused(export, tmp_path, capsys):
    data = copy.deepcopy(export)
    entry = next(c for c in data["change_log"] if c["field"] == "grievances")
    entry["new_value"] = json.dumps("Pay\x1b]0;owned\x07 arrears")  # escaped: \u001b
    code, err = _import(tmp_path, capsys, json.dumps(data))
    assert code == 1
    assert "change_log, record" in err and "U+001B" in err


def test_hostile_field_names_are_not_echoed_raw(export, tmp_path, capsys):
    data = copy.deepcopy(export)
    data["stakeholders"][0]["\x1b[2Jname"] = "x"
    code, err = _import(tmp_path, capsys, json.dumps(data))
    assert code == 1
    assert "unknown field" in err and "\x1b" not in err


def test_two_records_with_one_id_are_one_sentence(export, tmp_path, capsys):
    data = copy.deepcopy(export)
    data["stakeholders"].append(copy.deepcopy(data["stakeholders"][0]))
    code, err = _import(tmp_path, capsys, json.dumps(data))
    assert code == 1
    assert "stakeholders: two records have the same id" in err


def test_export_masks_protected_sources_unless_asked_and_logs_the_asking(tmp_path, capsys):
    path = tmp_path / "m.mdesk"
    handle = create_mission(path, None, NewMission(name="Small"))
    handle.set_user(None, "Tester")
    with handle.unit_of_work() as uow:
        sources.create_source(uow, code_name="SRC-001", source_type="interlocutor",
                              description=WHO)
    handle.close()
    masked = tmp_path / "masked.json"
    assert main(["export", str(path), "--format", "json", "-o", str(masked),
                 "--no-passphrase"]) == 0
    assert WHO not in masked.read_text(encoding="utf-8")
    assert json.loads(masked.read_text(encoding="utf-8"))["protected_masked"] is True
    full = tmp_path / "full.json"
    assert main(["export", str(path), "--format", "json", "-o", str(full),
                 "--include-protected", "--no-passphrase"]) == 0
    data = json.loads(full.read_text(encoding="utf-8"))
    assert data["protected_masked"] is False
    assert data["sources"][0]["description"] == WHO
    handle = open_mission(path, None)
    try:
        entries = audit.change_log(handle).entries
    finally:
        handle.close()
    assert [(e.action, e.user_name) for e in entries[:1]] == [("reveal_exp", "command line")]
    assert sum(e.action == "reveal_exp" for e in entries) == 1  # the masked export logs nothing
