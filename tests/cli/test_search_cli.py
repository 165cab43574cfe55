"""`missiondesk search FILE QUERY [--json]` on the Carana demo, as scripts use it."""

from __future__ import annotations

import json

import pytest

from missiondesk.cli import main
from tests.conftest import PASSPHRASE, file_state


@pytest.fixture
def env(monkeypatch):
    monkeypatch.setenv("MISSIONDESK_PASSPHRASE", PASSPHRASE)


def test_search_json_has_the_design_shape(demo_file, env, capsys):
    before = file_state(demo_file)
    assert main(["search", str(demo_file), "calendar", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data) == {"classification", "results"}
    assert data["classification"] in ("CONFIDENTIAL", "STRICTLY CONFIDENTIAL")
    results = data["results"]
    assert results
    for result in results:
        assert set(result) == {"kind", "id", "title", "snippet"}
    kinds = [r["kind"] for r in results]
    assert kinds[:1] == ["stakeholder"] and {"engagement", "commitment"} <= set(kinds)
    assert kinds == sorted(kinds, key=["stakeholder", "engagement", "commitment",
                                       "source"].index)  # grouped by kind, best first in each
    assert any("calendar" in (r["title"] + r["snippet"]).lower() for r in results)
    assert file_state(demo_file)[""] == before[""]  # read only


def test_search_json_accents_ignored_and_limit(demo_file, env, capsys, monkeypatch):
    assert main(["search", str(demo_file), "AURELIEN", "--json", "--limit", "1"]) == 0
    results = json.loads(capsys.readouterr().out)["results"]
    assert results[0] == {"kind": "stakeholder", "id": results[0]["id"],
                          "title": "President Aurélien Mbeka",
                          "snippet": "Aurelien Mbeka; Le Président"}
    assert max(sum(r["kind"] == k for r in results) for k in ("stakeholder", "engagement")) == 1


def test_search_human_table_is_marked_and_grouped(demo_file, env, capsys):
    assert main(["search", str(demo_file), "calendar", "--limit", "2"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == lines[-1] and "CONFIDENTIAL" in lines[0]
    for heading in ("Stakeholders", "Engagements", "Commitments"):
        assert heading in lines
    engagements = lines.index("Engagements")
    first = lines[engagements + 1]
    assert first[2:12].count("-") == 2  # a date, then the title
    assert "calendar" in first.lower() or "calendar" in lines[engagements + 2].lower()


def test_search_nothing_found(demo_file, env, capsys):
    assert main(["search", str(demo_file), "zzzqqq"]) == 0
    assert capsys.readouterr().out.strip() == "Nothing matches zzzqqq."
    capsys.readouterr()


@pytest.mark.parametrize("query", ['"', 'mbeka AND', '*', 'x -y', 'NEAR(a', "'"])
def test_search_fts_syntax_is_not_an_error(demo_file, env, capsys, query):
    assert main(["search", str(demo_file), query, "--json"]) == 0
    assert "results" in json.loads(capsys.readouterr().out)


def test_search_wrong_passphrase_and_missing_file(demo_file, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("MISSIONDESK_PASSPHRASE", "wrong")
    before = file_state(demo_file)
    assert main(["search", str(demo_file), "mbeka"]) == 1
    err = capsys.readouterr().err
    assert err.strip() == "The passphrase is wrong: the mission file could not be unlocked."
    assert file_state(demo_file) == before
    missing = tmp_path / "nowhere.mdesk"
    assert main(["search", str(missing), "mbeka", "--no-passphrase"]) == 1
    assert capsys.readouterr().err.strip() == "The file %s does not exist." % missing


def test_search_bad_limit(demo_file, env, capsys):
    assert main(["search", str(demo_file), "mbeka", "--limit", "0"]) == 1
    assert capsys.readouterr().err.strip() == "--limit must be 1 or more."
