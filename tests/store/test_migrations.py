"""Schema versions: one head, sequential ids, migrations equal to the ORM, upgrades with backup."""

from __future__ import annotations

import shutil
import sqlite3
import sys
from pathlib import Path

import pytest

from missiondesk.paths import migrations_dir
from missiondesk.store import errors
from missiondesk.store.handle import NewMission, create_mission, open_mission
from missiondesk.store.migrate import HEAD_REVISION, script_heads
from tests.conftest import FIXTURES, PASSPHRASE, file_state

FIXTURE_PASSPHRASE = "schema one fixture"
#: The revision of the test-only migrations below: the one after this build's head.
NEXT_REVISION = "%04d" % (int(HEAD_REVISION) + 1)


def test_migrations_have_one_head_and_sequential_ids():
    from alembic.script import ScriptDirectory

    from missiondesk.store.migrate import alembic_config

    script = ScriptDirectory.from_config(alembic_config())
    heads = script.get_heads()
    assert len(heads) == 1, "two migration heads: renumber the newer migration"
    assert heads[0] == HEAD_REVISION
    revisions = list(reversed(list(script.walk_revisions())))
    for number, rev in enumerate(revisions, start=1):
        assert rev.revision == "%04d" % number
        assert rev.down_revision == (None if number == 1 else "%04d" % (number - 1))


def test_alembic_is_not_imported_when_opening_a_current_file(tmp_path):
    import subprocess

    create_mission(tmp_path / "m.mdesk", None, NewMission(name="M")).close()
    code = ("import sys; from missiondesk.store.handle import open_mission; "
            "h = open_mission(sys.argv[1]); h.close(); "
            "print('alembic' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code, str(tmp_path / "m.mdesk")],
                         capture_output=True, text=True, check=True,
                         env={"MISSIONDESK_HOME": str(tmp_path / "h"), "PATH": ""})
    assert out.stdout.strip() == "False"


def test_file_created_at_head_matches_the_migrated_schema(tmp_path):
    """create_all + stamp and the migration chain must give the same tables and columns."""
    from alembic import command
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlalchemy import create_engine

    from missiondesk.store.migrate import alembic_config
    from missiondesk.store.schema import Base
    from missiondesk.store.search_index import include_name

    engine = create_engine("sqlite:///" + str(tmp_path / "migrated.db"))
    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
    with engine.connect() as conn:
        diff = compare_metadata(
            MigrationContext.configure(conn, opts={"include_name": include_name}),
            Base.metadata)
    assert diff == []
    created = create_mission(tmp_path / "created.mdesk", None, NewMission(name="C"))
    created.close()

    def schema(path):
        conn = sqlite3.connect(path)
        try:
            return {
                (row[0], tuple(c[1] for c in conn.execute("PRAGMA table_info(%s)" % row[0])))
                for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table' "
                                        "AND name NOT LIKE 'sqlite_%'")
            }
        finally:
            conn.close()

    assert schema(tmp_path / "migrated.db") == schema(tmp_path / "created.mdesk")


def test_the_schema_1_demo_fixture_opens_with_its_data(tmp_path):
    from missiondesk.services.mission import mission_summary

    path = tmp_path / "schema1.mdesk"
    shutil.copyfile(FIXTURES / "carana-schema1.mdesk", path)
    handle = open_mission(path, FIXTURE_PASSPHRASE)
    try:
        summary = mission_summary(handle)
        assert "Carana" in summary.mission.name
        assert summary.counts["stakeholders"] >= 40
        assert summary.counts["engagements"] >= 150
    finally:
        handle.close()


SECOND_MIGRATION = '''
"""test-only: a column added by batch migration

Revision ID: NEXT_REV
Revises: HEAD_REV
"""
from alembic import op
import sqlalchemy as sa

revision = "NEXT_REV"
down_revision = "HEAD_REV"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("stakeholders") as batch_op:
        batch_op.add_column(sa.Column("nickname", sa.String(50), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("stakeholders") as batch_op:
        batch_op.drop_column("nickname")
'''.replace("NEXT_REV", NEXT_REVISION).replace("HEAD_REV", HEAD_REVISION)


def test_older_file_is_backed_up_then_upgraded_keeping_its_data(demo_file, tmp_path,
                                                                 isolated_home):
    """A batch migration (table rebuild) must not cascade-delete child rows, and a backup
    encrypted like the source must exist before it runs."""
    from missiondesk.services.mission import mission_summary

    scripts = tmp_path / "scripts"
    shutil.copytree(migrations_dir(), scripts, ignore=shutil.ignore_patterns("__pycache__"))
    (scripts / "versions" / ("%s_test_nickname.py" % NEXT_REVISION)).write_text(
        SECOND_MIGRATION)

    handle = open_mission(demo_file, PASSPHRASE)
    counts_before = mission_summary(handle).counts
    handle.close()
    original_bytes = demo_file.read_bytes()

    upgraded = open_mission(demo_file, PASSPHRASE, script_location=scripts)
    try:
        assert mission_summary(upgraded).counts == counts_before
        with upgraded.driver_connection() as conn:
            columns = [c[1] for c in conn.execute("PRAGMA table_info(stakeholders)")]
            assert "nickname" in columns
            version = conn.execute("SELECT version_num FROM alembic_version").fetchone()[0]
            assert version == NEXT_REVISION
            assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
            triggers = {r[0] for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type='trigger'")}
            assert "stakeholders_fts_ai" in triggers
    finally:
        upgraded.close()

    backups = list((isolated_home / "data" / "backups")
                   .glob("*before-upgrade-from-%s*" % HEAD_REVISION))
    assert len(backups) == 1
    assert b"SQLite format 3" not in backups[0].read_bytes()[:16]  # encrypted like the source
    old = open_mission(backups[0], PASSPHRASE)  # the backup is the schema-1 file
    old.close()
    assert original_bytes != demo_file.read_bytes()

    # Now the file is newer than this build: refused, unchanged.
    before = file_state(demo_file)
    with pytest.raises(errors.NewerSchema):
        open_mission(demo_file, PASSPHRASE)
    assert file_state(demo_file) == before


def test_script_location_is_found_inside_the_package():
    assert (migrations_dir() / "env.py").is_file()
    assert script_heads() == [HEAD_REVISION]
    assert Path(migrations_dir(), "versions").is_dir()


FAILING_MIGRATION = '''
"""test-only: a migration that fails half way

Revision ID: NEXT_REV
Revises: HEAD_REV
"""
from alembic import op
import sqlalchemy as sa

revision = "NEXT_REV"
down_revision = "HEAD_REV"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("stakeholders") as batch_op:
        batch_op.add_column(sa.Column("nickname", sa.String(50), nullable=True))
    op.execute("UPDATE no_such_table SET x = 1")


def downgrade() -> None:
    pass
'''.replace("NEXT_REV", NEXT_REVISION).replace("HEAD_REV", HEAD_REVISION)


def test_failed_migration_leaves_the_file_as_it_was(demo_file, tmp_path):
    from missiondesk.services.interchange import export_mission

    scripts = tmp_path / "scripts"
    shutil.copytree(migrations_dir(), scripts, ignore=shutil.ignore_patterns("__pycache__"))
    (scripts / "versions" / ("%s_test_fails.py" % NEXT_REVISION)).write_text(FAILING_MIGRATION)
    handle = open_mission(demo_file, PASSPHRASE)
    before = export_mission(handle)
    handle.close()
    with pytest.raises(errors.MigrationFailed) as info:
        open_mission(demo_file, PASSPHRASE, script_location=scripts)
    assert Path(info.value.params["backup"]).exists()
    again = open_mission(demo_file, PASSPHRASE)  # still schema 1, same records
    try:
        assert export_mission(again) == before
    finally:
        again.close()
