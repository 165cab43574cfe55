"""Redaction and purge reach everywhere (issue 8, item 1), on real mission files.

A redacted value is gone, while the mission is still open, from the mission file and its WAL
(plain: the bytes; encrypted: every table and the search index), from every automatic backup
(the daily one and the one taken before an upgrade) and from a "Back up to" copy still
plugged in; a copy on a stick no longer there is named in the report. Names and aliases are
redactable. A deleted record can be purged: row, links, drafts, search entries and log values
go, one "purge" entry says who. Each starts with a positive control (the text is there).
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from missiondesk.services import backups, stakeholders
from missiondesk.services import relationships as relationship_service
from missiondesk.store.engine import connect, inspect_file
from missiondesk.store.errors import InvalidValue
from missiondesk.store.handle import NewMission, create_mission, utcnow
from missiondesk.store.schema import Draft
from tests.conftest import PASSPHRASE

SECRET = "Quillmorrow"          # the word redacted (one token: the index can be asked for it)
EARLIER = "Brastlewick"         # a value the field held before
NAME = "Colonel Vexhaven Tor"
ALIAS = "Grimspindle"


def _needles(word: str) -> list[bytes]:
    return [word.encode(), word.lower().encode(), word.encode("utf-16-le")]


def _raw_hits(paths, word: str) -> list[str]:
    hits = []
    for path in paths:
        path = Path(path)
        if path.is_file():
            data = path.read_bytes()
            if any(n in data for n in _needles(word)):
                hits.append(path.name)
    return hits


def _db_hits(path: Path, passphrase: str | None, word: str) -> list[str]:
    """Where `word` is in a mission file, opened: any value of any table (case-insensitive),
    and the terms of every full-text index (fts5vocab)."""
    encrypted = inspect_file(path)
    conn = connect(path, passphrase if encrypted else None, encrypted=encrypted)
    found = []
    needle = word.lower()
    try:
        tables = [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND sql NOT LIKE "
            "'CREATE VIRTUAL%'")]
        for table in tables:
            for row in conn.execute('SELECT * FROM "%s"' % table):
                for value in row:
                    if isinstance(value, str) and needle in value.lower():
                        found.append(table)
                    elif isinstance(value, bytes) and needle.encode() in value.lower():
                        found.append(table)
        for (fts,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                                   "AND sql LIKE 'CREATE VIRTUAL%fts5(%'").fetchall():
            conn.execute("CREATE VIRTUAL TABLE temp.vocab USING fts5vocab(main, %s, 'row')"
                         % fts)
            if conn.execute("SELECT count(*) FROM temp.vocab WHERE term = ?",
                            (needle,)).fetchone()[0]:
                found.append(fts)
            conn.execute("DROP TABLE temp.vocab")
    finally:
        conn.close()
    return sorted(set(found))


def _mission(tmp_path, passphrase):
    path = tmp_path / "mission.mdesk"
    handle = create_mission(path, passphrase, NewMission(name="Redaction test"))
    handle.set_user(None, "Tester")
    return handle


def _stakeholder(handle) -> str:
    with handle.unit_of_work() as uow:
        view = stakeholders.create_stakeholder(uow, name=NAME, aliases=[ALIAS],
                                               description="met at " + EARLIER)
    with handle.unit_of_work() as uow:
        view = stakeholders.update_stakeholder(uow, view.id, expected_revision=view.revision,
                                               description="met at " + SECRET + " harbour")
    now = utcnow()
    with handle.session() as session, session.begin():
        session.add(Draft(table_name="stakeholders", record_id=view.id, field="description",
                          text="typing about " + SECRET, created_at=now, updated_at=now,
                          revision=1))
    return view.id


def _all_backups(handle, tmp_path):
    """A daily backup, a pre-upgrade backup, and two "Back up to" copies: one stick stays,
    the other is taken away before the redaction."""
    daily = backups.run_daily_backup(handle)
    upgrade = handle.backup("before-upgrade-from-0001")
    kept_stick, gone_stick = tmp_path / "stick-a", tmp_path / "stick-b"
    kept_stick.mkdir()
    gone_stick.mkdir()
    on_kept = backups.back_up_to(handle, kept_stick, now=datetime(2026, 3, 2, 9, tzinfo=UTC))
    on_gone = backups.back_up_to(handle, gone_stick, now=datetime(2026, 3, 2, 10, tzinfo=UTC))
    return [daily, upgrade], on_kept, on_gone


def _files(handle):
    return [handle.path, handle.path.with_name(handle.path.name + "-wal")]


def test_a_redacted_value_leaves_a_plain_file_its_wal_and_every_backup(tmp_path):
    handle = _mission(tmp_path, None)
    try:
        sid = _stakeholder(handle)
        automatic, on_kept, on_gone = _all_backups(handle, tmp_path)
        # Positive control: the word is in the open file (or its WAL) and every backup.
        assert _raw_hits(_files(handle), SECRET)
        for path in automatic + [on_kept]:
            assert _raw_hits([path], SECRET), path
        moved = tmp_path / "elsewhere"
        (tmp_path / "stick-b").rename(moved)  # the stick is no longer plugged in

        from missiondesk.services.redaction import redact_everywhere

        report = redact_everywhere(handle, "stakeholders", sid, "description")
        backups_report = report.backups
        assert report.record and report.drafts == 1 and report.checkpointed
        # Still open: neither the file nor its WAL holds the word, nor the earlier value.
        assert _raw_hits(_files(handle), SECRET) == []
        assert _raw_hits(_files(handle), EARLIER) == []
        for path in automatic + [on_kept]:
            assert _raw_hits([path], SECRET) == [], path
            assert _db_hits(path, None, SECRET) == []
        assert set(backups_report.rewritten) == set(automatic + [on_kept])
        assert backups_report.still_holding == (on_gone,)
        assert _raw_hits([moved / on_gone.name], SECRET)  # what the report says is true
        # The backups keep the rest, and their names (the rotation still means something).
        assert all(p.exists() for p in automatic)
        assert backups.backup_counts(automatic[0], None)["stakeholders"] == 1
    finally:
        handle.close()


def test_a_redacted_name_and_aliases_leave_an_encrypted_file_and_its_backups(tmp_path):
    from missiondesk.services.redaction import redact_everywhere, redacted_name

    handle = _mission(tmp_path, PASSPHRASE)
    try:
        sid = _stakeholder(handle)
        automatic, on_kept, on_other = _all_backups(handle, tmp_path)
        for word in ("Vexhaven", ALIAS):
            assert _db_hits(automatic[0], PASSPHRASE, word)  # positive control
        assert "stakeholders_fts" in _db_hits(automatic[1], PASSPHRASE, "vexhaven")

        name = redact_everywhere(handle, "stakeholders", sid, "name")
        aliases = redact_everywhere(handle, "stakeholders", sid, "aliases")
        assert name.record and aliases.record
        assert aliases.backups.still_holding == ()  # both sticks are plugged in

        detail = stakeholders.get_stakeholder(handle, sid)
        assert detail.name == redacted_name(sid) and not detail.aliases
        # A second redacted name stays distinct (folded-name key included).
        with handle.unit_of_work() as uow:
            other = stakeholders.create_stakeholder(uow, name="Another " + ALIAS)
        redact_everywhere(handle, "stakeholders", other.id, "name")
        names = {s.name for s in stakeholders.list_stakeholders(handle)}
        assert names == {redacted_name(sid), redacted_name(other.id)}

        handle_path = handle.path
        for path in [handle_path] + automatic + [on_kept, on_other]:
            for word in ("Vexhaven", ALIAS, "Colonel"):
                assert _db_hits(path, PASSPHRASE, word) == [], (path.name, word)
        assert handle_path.with_name(handle_path.name + "-wal").stat().st_size == 0
    finally:
        handle.close()


def test_purge_deletes_the_row_its_links_drafts_search_entries_and_log_values(tmp_path):
    from missiondesk.services.audit import change_log, history
    from missiondesk.services.redaction import purge_everywhere

    handle = _mission(tmp_path, PASSPHRASE)
    try:
        sid = _stakeholder(handle)
        with handle.unit_of_work() as uow:
            friend = stakeholders.create_stakeholder(uow, name="Harbour Council")
        with handle.unit_of_work() as uow:
            link = relationship_service.create_relationship(
                uow, source_id=sid, target_id=friend.id, type="allied_with",
                notes="seen with " + SECRET)
        with handle.unit_of_work() as uow:
            view = stakeholders.get_stakeholder(handle, sid)
            stakeholders.delete_stakeholder(uow, sid, expected_revision=view.revision)
        daily = backups.run_daily_backup(handle)
        assert _db_hits(daily, PASSPHRASE, SECRET)  # positive control
        assert _db_hits(handle.path, PASSPHRASE, "vexhaven")

        report = purge_everywhere(handle, "stakeholders", sid)
        assert (report.rows, report.drafts, report.log_entries) == (2, 1, 1)

        for path in (handle.path, daily):
            for word in (SECRET, "Vexhaven", ALIAS, EARLIER):
                assert _db_hits(path, PASSPHRASE, word) == [], (path.name, word)
        with handle.driver_connection() as conn:
            for table, key in (("stakeholders", sid), ("relationships", link.id),
                               ("drafts", sid)):
                column = "record_id" if table == "drafts" else "id"
                assert conn.execute("SELECT count(*) FROM %s WHERE %s = ?" % (table, column),
                                    (key,)).fetchone()[0] == 0
            values = conn.execute(
                "SELECT count(*) FROM change_log WHERE record_id IN (?, ?) AND "
                "(old_value IS NOT NULL OR new_value IS NOT NULL)", (sid, link.id)).fetchone()
            assert values[0] == 0
        entries = history(handle, "stakeholders", sid)
        purged = [e for e in entries if e.action == "purge"]
        assert len(purged) == 1 and purged[0].user_name == "Tester"
        assert purged[0].old_value is None and purged[0].new_value is None
        assert {e.action for e in entries} >= {"create", "redacted", "delete", "purge"}
        assert stakeholders.get_stakeholder(handle, friend.id).name == "Harbour Council"
        assert change_log(handle).entries[0].action == "purge"
    finally:
        handle.close()


def test_only_a_deleted_record_can_be_purged(plain_mission):
    from missiondesk.services.redaction import purge

    with plain_mission.unit_of_work() as uow:
        live = stakeholders.create_stakeholder(uow, name="Still here")
    with pytest.raises(InvalidValue) as info, plain_mission.unit_of_work() as uow:
        purge(uow, "stakeholders", live.id)
    assert info.value.params["reason"] == "purge_not_deleted"
    assert stakeholders.get_stakeholder(plain_mission, live.id).name == "Still here"
