"""Migrations 0002 (the mission_settings table) and 0003 (commitments by due date), in a new
file and in a schema-1 file upgraded."""

from __future__ import annotations

import shutil

from missiondesk.services.interchange import export_mission
from missiondesk.store.engine import connect
from missiondesk.store.handle import NewMission, create_mission, open_mission
from missiondesk.store.migrate import HEAD_REVISION, stored_revision
from tests.conftest import FIXTURES

FIXTURE_PASSPHRASE = "schema one fixture"


def _tables(handle) -> set[str]:
    with handle.driver_connection() as conn:
        return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}


def test_a_new_file_has_the_settings_table(tmp_path):
    handle = create_mission(tmp_path / "new.mdesk", None, NewMission(name="New"))
    try:
        assert "mission_settings" in _tables(handle)
        with handle.driver_connection() as conn:
            assert stored_revision(conn) == HEAD_REVISION
    finally:
        handle.close()


def test_a_schema_1_file_upgrades_keeping_its_data(tmp_path, isolated_home):
    path = tmp_path / "schema1.mdesk"
    shutil.copyfile(FIXTURES / "carana-schema1.mdesk", path)
    conn = connect(path, FIXTURE_PASSPHRASE)
    try:
        assert stored_revision(conn) == "0001"
        assert conn.execute("SELECT count(*) FROM sqlite_master WHERE name = "
                            "'mission_settings'").fetchone()[0] == 0
        counts = {t: conn.execute("SELECT count(*) FROM %s" % t).fetchone()[0]
                  for t in ("stakeholders", "engagements", "commitments", "change_log")}
    finally:
        conn.close()

    handle = open_mission(path, FIXTURE_PASSPHRASE)
    try:
        assert "mission_settings" in _tables(handle)
        with handle.driver_connection() as raw:
            assert stored_revision(raw) == HEAD_REVISION
            indexes = {r[0] for r in raw.execute(
                "SELECT name FROM sqlite_master WHERE type = 'index'")}
            assert "ix_commitments_live_due" in indexes  # 0003
            assert raw.execute("PRAGMA foreign_key_check").fetchall() == []
            for table, n in counts.items():
                assert raw.execute("SELECT count(*) FROM %s" % table).fetchone()[0] == n
        # the upgraded file takes settings like a new one
        from missiondesk.services import mission_settings as settings

        handle.set_user(None, "Tester")
        with handle.unit_of_work() as uow:
            settings.set_setting(uow, "gap_days_a", 21)
        assert settings.get_setting(handle, "gap_days_a") == 21
        assert export_mission(handle)["mission_settings"][0]["value"] == 21
    finally:
        handle.close()
    backups = list((isolated_home / "data" / "backups").glob("*before-upgrade-from-0001*"))
    assert len(backups) == 1
