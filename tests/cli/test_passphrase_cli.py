"""The command line's passphrases (issue 8, items 9 and 10): a passphrase file written by
Windows Notepad opens, the same minimum length as the GUI for a new or changed passphrase,
and MISSIONDESK_PASSPHRASE read once and removed from the environment."""

from __future__ import annotations

import os
import unicodedata

import pytest

from missiondesk.cli import main
from missiondesk.store.handle import open_mission
from missiondesk.ui.dialogs import MIN_PASSPHRASE_LENGTH  # the GUI's minimum
from tests.conftest import PASSPHRASE, file_state

TOO_SHORT = ("The passphrase is too short: use at least %d characters; nothing was written."
             % MIN_PASSPHRASE_LENGTH)


@pytest.mark.parametrize("ending", ["\r\n", "\n", "\r", ""], ids=["crlf", "lf", "cr", "none"])
def test_a_passphrase_file_saved_by_notepad_opens(demo_file, tmp_path, capsys, ending):
    secret = tmp_path / "secret.txt"
    # Notepad's "UTF-8 with BOM": a byte-order mark, the text, CR LF.
    secret.write_bytes(b"\xef\xbb\xbf" + (PASSPHRASE + ending).encode("utf-8"))
    assert main(["check", str(demo_file), "--passphrase-file", str(secret)]) == 0, \
        capsys.readouterr().err


def test_only_the_first_line_and_only_its_ending_are_taken(demo_file, tmp_path, capsys):
    secret = tmp_path / "secret.txt"
    secret.write_bytes((PASSPHRASE + "\r\nsecond line\r\n").encode("utf-8"))
    assert main(["check", str(demo_file), "--passphrase-file", str(secret)]) == 0
    secret.write_bytes((PASSPHRASE + " \r\n").encode("utf-8"))  # a space is part of it
    assert main(["check", str(demo_file), "--passphrase-file", str(secret)]) == 1
    assert "passphrase is wrong" in capsys.readouterr().err


def test_a_passphrase_file_that_is_not_utf8_is_one_sentence(demo_file, tmp_path, capsys):
    secret = tmp_path / "secret.txt"
    secret.write_bytes("Ñandú passphrase".encode("cp1252"))
    assert main(["check", str(demo_file), "--passphrase-file", str(secret)]) == 1
    err = capsys.readouterr().err
    assert err.strip() == "The passphrase file %s is not UTF-8 text; save it as UTF-8." % secret
    assert "Traceback" not in err


def test_demo_refuses_a_short_passphrase_from_the_environment(tmp_path, capsys, monkeypatch):
    target = tmp_path / "carana.mdesk"
    monkeypatch.setenv("MISSIONDESK_PASSPHRASE", "x" * (MIN_PASSPHRASE_LENGTH - 1))
    assert main(["demo", str(target)]) == 1
    assert capsys.readouterr().err.strip() == TOO_SHORT
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "home") == []


def test_the_minimum_counts_letters_not_code_points(tmp_path, capsys, monkeypatch):
    """Nine accented letters typed decomposed are 18 code points, but nine letters."""
    nine = unicodedata.normalize("NFD", "\u00e9" * (MIN_PASSPHRASE_LENGTH - 1))
    assert len(nine) >= MIN_PASSPHRASE_LENGTH
    secret = tmp_path / "secret.txt"
    secret.write_text(nine + "\n", encoding="utf-8")
    people = tmp_path / "people.csv"
    people.write_text("name\nKori elders\n", encoding="utf-8")
    target = tmp_path / "new.mdesk"
    assert main(["import", str(target), "--stakeholders", str(people),
                 "--passphrase-file", str(secret)]) == 1
    assert capsys.readouterr().err.strip() == TOO_SHORT
    assert not target.exists()


def test_import_into_a_new_file_refuses_a_short_passphrase(tmp_path, capsys, monkeypatch):
    export = tmp_path / "export.json"
    export.write_text('{"format": "missiondesk"}', encoding="utf-8")
    target = tmp_path / "new.mdesk"
    monkeypatch.setenv("MISSIONDESK_PASSPHRASE", "short")
    assert main(["import", str(target), "--json", str(export)]) == 1
    assert capsys.readouterr().err.strip() == TOO_SHORT
    assert not target.exists()


def test_rekey_refuses_a_short_new_passphrase_and_changes_nothing(demo_file, tmp_path, capsys):
    old = tmp_path / "old.txt"
    old.write_text(PASSPHRASE, encoding="utf-8")
    new = tmp_path / "new.txt"
    new.write_text("123456789\n", encoding="utf-8")
    before = file_state(demo_file)
    assert main(["rekey", str(demo_file), "--passphrase-file", str(old),
                 "--new-passphrase-file", str(new)]) == 1
    assert capsys.readouterr().err.strip() == TOO_SHORT
    assert file_state(demo_file) == before
    new.write_text("0123456789\n", encoding="utf-8")  # exactly the minimum is enough
    assert main(["rekey", str(demo_file), "--passphrase-file", str(old),
                 "--new-passphrase-file", str(new)]) == 0
    open_mission(demo_file, "0123456789").close()


def test_the_environment_passphrase_is_read_once_and_removed(demo_file, capsys, monkeypatch):
    monkeypatch.setenv("MISSIONDESK_PASSPHRASE", PASSPHRASE)
    assert main(["check", str(demo_file)]) == 0
    assert "MISSIONDESK_PASSPHRASE" not in os.environ  # child processes never see it
    capsys.readouterr()
    # The next command in this process is not given it: it asks (here: no terminal).
    assert main(["check", str(demo_file)]) == 1
    assert "is encrypted: give its passphrase" in capsys.readouterr().err
