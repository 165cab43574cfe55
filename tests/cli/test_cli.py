"""The command line as scripts use it: exit codes, one-sentence errors, the JSON round trip."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from missiondesk.cli import main
from tests.conftest import PASSPHRASE, file_state


def run(*args: str, env: dict | None = None, home: Path) -> subprocess.CompletedProcess:
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("MISSIONDESK_")}
    full_env["MISSIONDESK_HOME"] = str(home)
    full_env.update(env or {})
    return subprocess.run([sys.executable, "-m", "missiondesk", *args], capture_output=True,
                          text=True, env=full_env, timeout=120)


def test_demo_check_export_import_export_round_trip(tmp_path, isolated_home):
    env = {"MISSIONDESK_PASSPHRASE": PASSPHRASE}
    demo = tmp_path / "carana.mdesk"
    result = run("demo", str(demo), env=env, home=isolated_home)
    assert result.returncode == 0, result.stderr
    assert PASSPHRASE not in result.stdout + result.stderr

    check = run("check", str(demo), env=env, home=isolated_home)
    assert check.returncode == 0, check.stderr
    assert "Integrity: ok" in check.stdout
    assert "stakeholders" in check.stdout

    first = tmp_path / "first.json"
    assert run("export", str(demo), "--format", "json", "-o", str(first), env=env,
               home=isolated_home).returncode == 0
    copy = tmp_path / "copy.mdesk"
    imported = run("import", str(copy), "--json", str(first), env=env, home=isolated_home)
    assert imported.returncode == 0, imported.stderr
    second = tmp_path / "second.json"
    assert run("export", str(copy), "--format", "json", "-o", str(second), env=env,
               home=isolated_home).returncode == 0
    a, b = json.loads(first.read_text()), json.loads(second.read_text())
    assert a == b
    assert len(a["stakeholders"]) >= 40


def test_wrong_passphrase_is_one_sentence_exit_1_file_unchanged(demo_file, isolated_home):
    before = file_state(demo_file)
    result = run("check", str(demo_file), env={"MISSIONDESK_PASSPHRASE": "wrong"},
                 home=isolated_home)
    assert result.returncode == 1
    assert result.stderr.strip() == \
        "The passphrase is wrong: the mission file could not be unlocked."
    assert "Traceback" not in result.stderr
    assert file_state(demo_file) == before


@pytest.mark.parametrize("content,expected", [
    (os.urandom(5000), "is damaged or truncated"),
    (b"", "is not a MissionDesk mission file"),
    (b"just some text, not a database", "is not a MissionDesk mission file"),
])
def test_files_that_are_not_missions(tmp_path, capsys, content, expected):
    path = tmp_path / "bad.mdesk"
    path.write_bytes(content)
    assert main(["check", str(path), "--no-passphrase"]) == 1
    err = capsys.readouterr().err
    assert expected in err
    assert err.count("\n") == 1
    assert path.read_bytes() == content


def test_passphrase_file_and_missing_passphrase(demo_file, tmp_path, capsys, monkeypatch):
    secret = tmp_path / "pass.txt"
    secret.write_text(PASSPHRASE + "\n", encoding="utf-8")
    assert main(["check", str(demo_file), "--passphrase-file", str(secret)]) == 0
    capsys.readouterr()
    monkeypatch.setattr("sys.stdin", open(os.devnull))  # not a terminal: no prompt
    assert main(["check", str(demo_file)]) == 1
    assert "MISSIONDESK_PASSPHRASE" in capsys.readouterr().err


def test_rekey_change_then_remove(demo_file, tmp_path, capsys, monkeypatch):
    old = tmp_path / "old.txt"
    old.write_text(PASSPHRASE, encoding="utf-8")
    new = tmp_path / "new.txt"
    new.write_text("a brand new passphrase", encoding="utf-8")
    assert main(["rekey", str(demo_file), "--passphrase-file", str(old),
                 "--new-passphrase-file", str(new)]) == 0
    assert main(["check", str(demo_file), "--passphrase-file", str(old)]) == 1
    assert main(["check", str(demo_file), "--passphrase-file", str(new)]) == 0
    monkeypatch.setattr("sys.stdin", open(os.devnull))
    assert main(["rekey", str(demo_file), "--passphrase-file", str(new), "--remove"]) == 0
    assert demo_file.read_bytes()[:16] == b"SQLite format 3\x00"
    assert main(["check", str(demo_file)]) == 0
    assert "Integrity: ok" in capsys.readouterr().out


def test_import_of_a_broken_json_leaves_no_file(tmp_path, capsys):
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "missiondesk", "schema": 1, "mission": {"name": 3}}')
    target = tmp_path / "new.mdesk"
    assert main(["import", str(target), "--json", str(bad), "--no-passphrase"]) == 1
    assert "Nothing was imported" in capsys.readouterr().err
    assert not target.exists()


def test_version():
    result = subprocess.run([sys.executable, "-m", "missiondesk", "--version"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0
    assert result.stdout.startswith("MissionDesk ")
