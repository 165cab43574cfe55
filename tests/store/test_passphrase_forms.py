"""Passphrases typed elsewhere still open (issue 8, item 10): the key is derived from the NFC
form of the passphrase, and a file keyed before with a decomposed form still opens."""

from __future__ import annotations

import unicodedata

import pytest
from sqlcipher3 import dbapi2

from missiondesk.services import mission as mission_service
from missiondesk.services import team as team_service
from missiondesk.store import errors
from missiondesk.store.handle import NewMission, create_mission, open_mission
from missiondesk.store.rekey import rekey_file

# "é" as one code point (a French keyboard on Windows) or as "e" + U+0301 (pasted from a
# macOS file name, some Linux input methods): the same letters to the user.
COMPOSED = "Passphrase d'\u00e9t\u00e9 \u2014 \u00e0 Bangui"
DECOMPOSED = unicodedata.normalize("NFD", COMPOSED)


def test_the_two_forms_differ_as_bytes():
    assert COMPOSED != DECOMPOSED and "e\u0301" in DECOMPOSED and "\u00e9" in COMPOSED


def _new(path, passphrase):
    handle = create_mission(path, passphrase, NewMission(name="Carana"))
    handle.close()
    return path


def _name(path, passphrase):
    handle = open_mission(path, passphrase)
    try:
        return mission_service.get_mission(handle).name
    finally:
        handle.close()


@pytest.mark.parametrize("made_with, typed", [(COMPOSED, DECOMPOSED), (DECOMPOSED, COMPOSED)],
                         ids=["made-composed-typed-decomposed", "made-decomposed-typed-composed"])
def test_a_passphrase_opens_however_its_accents_are_typed(tmp_path, made_with, typed):
    path = _new(tmp_path / "m.mdesk", made_with)
    assert _name(path, typed) == "Carana"
    assert _name(path, made_with) == "Carana"


def test_a_new_file_is_keyed_with_the_nfc_form(tmp_path):
    path = _new(tmp_path / "m.mdesk", DECOMPOSED)
    conn = dbapi2.connect(str(path))  # the raw driver: no normalisation on this side
    try:
        conn.execute("PRAGMA cipher_log_level = NONE")
        conn.set_key(COMPOSED)
        assert conn.execute("SELECT name FROM mission").fetchone()[0] == "Carana"
    finally:
        conn.close()


def test_a_changed_passphrase_is_keyed_with_the_nfc_form(tmp_path):
    path = _new(tmp_path / "m.mdesk", "first passphrase, plain ASCII")
    rekey_file(path, "first passphrase, plain ASCII", DECOMPOSED)
    assert _name(path, COMPOSED) == "Carana"
    assert _name(path, DECOMPOSED) == "Carana"


def _keyed_the_old_way(tmp_path, raw_key):
    """A mission keyed with the raw (decomposed) passphrase, as `rekey` did before: the
    old code path, `sqlcipher_export` into a file keyed with exactly those code points."""
    plain = _new(tmp_path / "plain.mdesk", None)
    target = tmp_path / "before.mdesk"
    conn = dbapi2.connect(str(plain))
    try:
        conn.execute("ATTACH DATABASE ? AS keyed KEY ?", (str(target), raw_key))
        conn.execute("SELECT sqlcipher_export('keyed')")
        conn.execute("DETACH DATABASE keyed")
    finally:
        conn.close()
    probe = dbapi2.connect(str(target))  # the fixture really is keyed with the raw form
    try:
        probe.execute("PRAGMA cipher_log_level = NONE")
        probe.set_key(unicodedata.normalize("NFC", raw_key))
        with pytest.raises(dbapi2.DatabaseError):
            probe.execute("SELECT count(*) FROM sqlite_master").fetchone()
    finally:
        probe.close()
    return target


def test_a_file_keyed_before_with_a_decomposed_passphrase_still_opens(tmp_path):
    path = _keyed_the_old_way(tmp_path, DECOMPOSED)
    handle = open_mission(path, DECOMPOSED)
    try:
        handle.set_user(None, "Tester")
        with handle.unit_of_work() as uow:
            team_service.add_team_member(uow, name="Amina")
        # Two at once: the pool opens a further connection, which must find the raw key too.
        with handle.engine.connect() as one, handle.engine.connect() as two:
            assert one.exec_driver_sql("SELECT count(*) FROM team_members").scalar() == 1
            assert two.exec_driver_sql("SELECT count(*) FROM mission").scalar() == 1
        backup = handle.backup("test")
    finally:
        handle.close()
    assert _name(path, DECOMPOSED) == "Carana"
    assert _name(backup, DECOMPOSED) == "Carana"  # its backups open with it as well


def test_further_connections_derive_the_key_once_with_the_form_found(tmp_path, monkeypatch):
    from missiondesk.store import engine

    path = _keyed_the_old_way(tmp_path, DECOMPOSED)
    handle = open_mission(path, DECOMPOSED)
    tried = []
    real = engine._connect_once
    monkeypatch.setattr(engine, "_connect_once",
                        lambda p, key, **kw: tried.append(key) or real(p, key, **kw))
    try:
        with handle.engine.connect() as one, handle.engine.connect() as two:
            one.exec_driver_sql("SELECT 1")
            two.exec_driver_sql("SELECT 1")
    finally:
        handle.close()
    assert tried == [DECOMPOSED]


def test_a_wrong_passphrase_is_still_wrong_in_either_form(tmp_path):
    path = _new(tmp_path / "m.mdesk", COMPOSED)
    for wrong in ("Passphrase d'ete \u2014 a Bangui",
                  unicodedata.normalize("NFD", "Passphrase d'\u00e9t\u00e8 \u2014 \u00e0 Bangui")):
        with pytest.raises(errors.WrongPassphrase):
            open_mission(path, wrong)


def test_the_raw_form_is_tried_only_when_it_differs(tmp_path, monkeypatch):
    """Each attempt costs a key derivation: an ASCII (or already NFC) passphrase that is
    wrong is tried once, a decomposed one twice."""
    from missiondesk.store import engine

    path = _new(tmp_path / "m.mdesk", COMPOSED)
    tried = []
    real = engine._connect_once
    monkeypatch.setattr(engine, "_connect_once",
                        lambda p, key, **kw: tried.append(key) or real(p, key, **kw))
    with pytest.raises(errors.WrongPassphrase):
        engine.connect(path, "wrong, plain ASCII", encrypted=True)
    assert len(tried) == 1
    tried.clear()
    with pytest.raises(errors.WrongPassphrase):
        engine.connect(path, unicodedata.normalize("NFD", "wrong \u00e9\u00e9"), encrypted=True)
    assert len(tried) == 2
