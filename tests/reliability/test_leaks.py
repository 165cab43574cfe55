"""Leak test with a positive control: planted texts must never be readable outside an
encrypted mission file — not in the file, its WAL, the backups, the drafts, the private temp
folder, the logs or the QSettings file — after edits, an import, an export to a chosen folder
(the exported file itself holds them by design and is left out, as is the imported table) and
a close. The same session on a plain mission finds them, so the search works.
"""

from __future__ import annotations

import logging
from pathlib import Path

from tests.conftest import PASSPHRASE

PLANTED = ["Zephyrine Okafor-Lindqvist", "Operation Quiet Marmalade",
           "Meeting at the Kettleborough safehouse", "Imported Ngozi Vantongeren"]


def _needles() -> list[bytes]:
    out = []
    for text in PLANTED:
        out += [text.encode("utf-8"), text.encode("utf-16-le"), text.casefold().encode("utf-8")]
    return out


def _hits(folders: list[Path], excluded: set[Path]) -> list[tuple[str, str]]:
    found = []
    needles = _needles()
    for folder in folders:
        for path in folder.rglob("*"):
            if not path.is_file() or path.resolve() in excluded:
                continue
            data = path.read_bytes()
            found += [(str(path), n.decode("utf-8", "replace")[:20]) for n in needles
                      if n in data]
    return found


def _session(folder: Path, home: Path, passphrase: str | None) -> list[tuple[str, str]]:
    """Edits, an import, drafts, backups, an export and a close; returns where texts were
    found (scanning while the mission is open and again after it closed)."""
    from missiondesk.paths import config_dir
    from missiondesk.services import stakeholder_import as importer
    from missiondesk.services import stakeholders
    from missiondesk.services.interchange import write_export
    from missiondesk.services.table_io import read_table
    from missiondesk.store.handle import NewMission, create_mission
    from missiondesk.ui.settings import Settings

    folder.mkdir()
    inputs, exports = folder / "inputs", folder / "exports"
    inputs.mkdir()
    exports.mkdir()
    logs = home / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    log_handler = logging.FileHandler(logs / "missiondesk.log", encoding="utf-8")
    root = logging.getLogger()
    old_level = root.level
    root.setLevel(logging.DEBUG)
    root.addHandler(log_handler)
    try:
        path = folder / "mission.mdesk"
        handle = create_mission(path, passphrase, NewMission(name="Leak test"))
        handle.set_user(None, "Tester")
        with handle.unit_of_work() as uow:
            person = stakeholders.create_stakeholder(uow, name=PLANTED[0],
                                                     description=PLANTED[1])
        with handle.unit_of_work() as uow:
            stakeholders.update_stakeholder(uow, person.id, expected_revision=person.revision,
                                            description=PLANTED[2])
        table = inputs / "people.csv"
        table.write_text("Name,Description\n%s,%s\n" % (PLANTED[3], PLANTED[1]),
                         encoding="utf-8")
        raw = read_table(table)
        plan = importer.plan_stakeholder_import(handle, raw, importer.map_headers(raw.headers))
        with handle.unit_of_work() as uow:
            importer.apply_stakeholder_import(uow, plan)
        try:
            from missiondesk.services.drafts import DraftKey, save_draft
        except ImportError:  # drafts not built yet
            pass
        else:
            save_draft(handle, DraftKey("stakeholders", person.id, "description"),
                       PLANTED[1] + " — unsaved typing")
        handle.backup("leak-test")
        try:
            from missiondesk.services.backups import back_up_to, run_daily_backup
        except ImportError:  # the backups service not built yet
            pass
        else:
            run_daily_backup(handle)
            stick = folder / "usb-stick"
            stick.mkdir()
            back_up_to(handle, stick)
        try:
            from missiondesk.paths import private_temp_dir
        except ImportError:
            pass
        else:
            private_temp_dir()
        settings = Settings()
        settings.add_recent(str(path))
        settings.set_last_folder(str(exports))
        exported = exports / "mission.json"
        with open(exported, "w", encoding="utf-8") as out:
            write_export(handle, out)
        logging.getLogger("missiondesk").info("session done")
        excluded = {exported.resolve(), table.resolve()}
        scanned = [folder, home, config_dir()]
        while_open = _hits(scanned, excluded)
        handle.close()
        del settings
        log_handler.flush()
        after_close = _hits(scanned, excluded)
        assert (logs / "missiondesk.log").read_text(encoding="utf-8")  # logging did run
        assert PLANTED[0].encode() in exported.read_bytes()  # the export holds them
        return while_open + after_close
    finally:
        root.removeHandler(log_handler)
        log_handler.close()
        root.setLevel(old_level)


def test_planted_texts_never_leave_an_encrypted_mission(tmp_path, isolated_home, qapp,
                                                        monkeypatch):
    import shutil

    # Positive control: a plain mission shows them (in the file, WAL, backups, drafts).
    plain_hits = _session(tmp_path / "plain", isolated_home, None)
    assert any("mission.mdesk" in where for where, _ in plain_hits)
    assert any("backups" in where for where, _ in plain_hits)
    shutil.rmtree(isolated_home)
    isolated_home.mkdir()
    # The same session on an encrypted mission: nowhere.
    assert _session(tmp_path / "secret", isolated_home, PASSPHRASE) == []
