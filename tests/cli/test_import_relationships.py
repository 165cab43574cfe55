"""`missiondesk import FILE [--stakeholders F] --relationships F` as scripts use it."""

from __future__ import annotations

from missiondesk.cli import main
from missiondesk.services import relationships as rel
from missiondesk.services.interchange import export_mission
from missiondesk.store.handle import open_mission
from tests.conftest import PASSPHRASE

PEOPLE = ("name,aliases,category\r\n"
          "Mouvement Patriotique de Carana,MPC,political_party\r\n"
          "Élise Ndaye,,individual_other\r\n")
LINKS = ("source,target,type,strength,valid_from\r\n"
         "MPC,elise ndaye,Leads,5,2019\r\n"
         "Elise Ndaye,Mouvement patriotique de carana,rival_of,2,\r\n")


def _write(tmp_path, name, text, encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return str(path)


def _links(path, passphrase=None) -> set[tuple]:
    handle = open_mission(path, passphrase)
    try:
        return {(v.source_name, v.type, v.target_name, v.strength)
                for v in rel.list_relationships(handle)}
    finally:
        handle.close()


def _export(path, passphrase=None) -> dict:
    handle = open_mission(path, passphrase)
    try:
        return export_mission(handle)
    finally:
        handle.close()


def _leftovers(path) -> list[str]:
    return sorted(p.name for p in path.parent.iterdir() if p.name.startswith(path.name)
                  or p.name.startswith("." + path.name))


def test_stakeholders_and_relationships_in_one_go_then_again(tmp_path, capsys):
    people = _write(tmp_path, "people.csv", PEOPLE)
    links = _write(tmp_path, "links.csv", LINKS)
    target = tmp_path / "new.mdesk"
    args = ["import", str(target), "--stakeholders", people, "--relationships", links,
            "--no-passphrase"]
    assert main(args) == 0
    assert capsys.readouterr().out.splitlines() == [
        "Stakeholders imported: 2 created, 0 updated, 0 unchanged.",
        "Relationships imported: 2 created, 0 updated, 0 unchanged."]
    expected = {("Mouvement Patriotique de Carana", "leads", "Élise Ndaye", 5),
                ("Élise Ndaye", "rival_of", "Mouvement Patriotique de Carana", 2)}
    assert _links(target) == expected

    # the same files again: nothing duplicated; relationships alone update
    assert main(args) == 0
    assert capsys.readouterr().out.splitlines()[1] == \
        "Relationships imported: 0 created, 0 updated, 2 unchanged."
    _write(tmp_path, "links.csv", LINKS.replace("rival_of,2", "rival_of,4"))
    assert main(["import", str(target), "--relationships", links, "--no-passphrase"]) == 0
    assert capsys.readouterr().out.strip() == \
        "Relationships imported: 0 created, 1 updated, 1 unchanged."
    assert ("Élise Ndaye", "rival_of", "Mouvement Patriotique de Carana", 4) in _links(target)


def test_problems_exit_1_and_a_new_file_is_removed(tmp_path, capsys):
    people = _write(tmp_path, "people.csv", PEOPLE)
    links = _write(tmp_path, "links.csv", LINKS + "Nobody,MPC,funds,3,\r\n")
    target = tmp_path / "new.mdesk"
    assert main(["import", str(target), "--stakeholders", people, "--relationships", links,
                 "--no-passphrase"]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.strip() == (
        "Row 4, column A (source): No stakeholder is called \u201cNobody\u201d (by name or "
        "alias); import or add it first. Nothing was imported.")
    assert _leftovers(target) == []


def test_a_failed_import_leaves_an_existing_mission_as_it_was(demo_file, tmp_path, capsys,
                                                              monkeypatch):
    monkeypatch.setenv("MISSIONDESK_PASSPHRASE", PASSPHRASE)
    before = _export(demo_file, PASSPHRASE)
    links = _write(tmp_path, "links.csv", "source,target,type\r\nSomeone,Other,allies\r\n",
                   encoding="cp1252")
    assert main(["import", str(demo_file), "--relationships", links]) == 1
    err = capsys.readouterr().err
    assert err.startswith("Nothing was imported: the file has 3 problem(s).")
    assert "Row 2, column C (type): \u201callies\u201d is not allowed" in err
    assert _export(demo_file, PASSPHRASE) == before


def test_unknown_columns_and_conflicting_options_are_one_sentence(tmp_path, capsys):
    links = _write(tmp_path, "links.csv", "source,target,type,colour\r\nA,B,leads,red\r\n")
    target = tmp_path / "new.mdesk"
    assert main(["import", str(target), "--relationships", links, "--no-passphrase"]) == 1
    assert "does not read a column \u201ccolour\u201d" in capsys.readouterr().err
    assert not target.exists()
    assert main(["import", str(target), "--json", links, "--relationships", links,
                 "--no-passphrase"]) == 1
    assert capsys.readouterr().err.strip() == (
        "Give either --json or tables (--stakeholders, --relationships, --engagements, "
        "--measurements), not both.")
    assert main(["import", str(target), "--no-passphrase"]) == 1
    assert "Say what to import" in capsys.readouterr().err
    assert not target.exists()
