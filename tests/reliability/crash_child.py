"""The child of the crash trials: works on a mission file until the parent kills it.

    python tests/reliability/crash_child.py FILE MODE [ARG]

MODE is one of
  edits N        N units of work: new stakeholders, every fifth one an update of a counter
  import CSV     one stakeholder CSV import (plan, then apply in one unit of work)
  migrate DIR    open the file with the Alembic scripts in DIR (a test-only 0002 migration)
  rekey          store.rekey.rekey_file(FILE, old, new) (new empty: `rekey --remove`)
  demo [large]   `missiondesk demo FILE [--large]` into a new file (the new passphrase)
  import-new X   `missiondesk import FILE --json X` into a new file (the new passphrase)

The passphrases come from the environment (CRASH_OLD_PASSPHRASE, CRASH_NEW_PASSPHRASE; empty
means a plain file), never from the command line, and are never printed. The child prints
"ready" before its work starts, "committed <what>" after each commit returns (flushed at
once), and "pragmas-bad" and exits 3 if a connection lacks the durability pragmas.
``--die-at import`` makes the import-new mode stop dead inside the import's unit of work
(rows written, not committed), ``--die-at populate`` the demo mode once its rows are written,
``--die-at export`` the rekey mode once its copy is written (not yet checked or swapped).
``--die-at install_search`` makes the migrate mode stop dead
(os._exit) when the search index is reinstalled after the schema change was committed;
``--die-at upgrade`` right after the backup taken before the migration: a crash at that exact
moment.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

COUNTER_NAME = "Crash counter"
EDIT_NAME = "Crash edit %06d"


def say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def _passphrase(name: str) -> str | None:
    return os.environ.get(name) or None


def _watch_pragmas(handle) -> None:
    """Assert the durability pragmas on the open connection and on every later one."""
    from sqlalchemy import event

    from missiondesk.store.engine import DURABILITY_PRAGMAS, check_pragmas

    def check(conn) -> None:
        if check_pragmas(conn) != DURABILITY_PRAGMAS:
            say("pragmas-bad")
            os._exit(3)

    with handle.driver_connection() as conn:
        check(conn)
    event.listen(handle.engine, "connect", lambda dbapi_conn, _rec: check(dbapi_conn))


def run_edits(path: Path, count: int) -> None:
    from sqlalchemy import select

    from missiondesk.services import stakeholders
    from missiondesk.store.handle import open_mission
    from missiondesk.store.schema import Stakeholder

    handle = open_mission(path, _passphrase("CRASH_OLD_PASSPHRASE"))
    handle.set_user(None, "Crash child")
    _watch_pragmas(handle)
    with handle.session() as session:
        counter = session.scalars(select(Stakeholder).where(
            Stakeholder.name == COUNTER_NAME)).one()
        counter_id = counter.id
    say("ready")
    for number in range(1, count + 1):
        with handle.unit_of_work() as uow:
            if number % 5 == 0:
                row = uow.session.get(Stakeholder, counter_id)
                stakeholders.update_stakeholder(uow, counter_id, expected_revision=row.revision,
                                                description=str(number))
            else:
                stakeholders.create_stakeholder(uow, name=EDIT_NAME % number, influence=4,
                                                tags=["crash"])
        say("committed %d" % number)
    handle.close()
    say("done")


def run_import(path: Path, table: Path) -> None:
    from missiondesk.services import stakeholder_import as importer
    from missiondesk.services.table_io import read_table
    from missiondesk.store.handle import open_mission

    handle = open_mission(path, _passphrase("CRASH_OLD_PASSPHRASE"))
    handle.set_user(None, "Crash child")
    _watch_pragmas(handle)
    say("ready")
    raw = read_table(table)
    plan = importer.plan_stakeholder_import(handle, raw, importer.map_headers(raw.headers))
    if plan.problems:
        say("plan-problems")
        os._exit(4)
    with handle.unit_of_work() as uow:
        importer.apply_stakeholder_import(
            uow, plan, progress=lambda done, total: say("progress %d" % done))
    say("committed import")
    handle.close()
    say("done")


def run_migrate(path: Path, scripts: Path, die_at: str | None) -> None:
    from missiondesk.store import search_index
    from missiondesk.store.handle import open_mission

    if die_at == "install_search":
        def dead(_execute) -> None:
            os._exit(9)

        search_index.install_search = dead
    elif die_at == "upgrade":  # the backup is written, the schema change not started
        import missiondesk.store.handle as handle_module

        def dead_upgrade(*_args, **_kwargs) -> None:
            os._exit(9)

        handle_module.upgrade = dead_upgrade
    say("ready")
    handle = open_mission(path, _passphrase("CRASH_OLD_PASSPHRASE"), script_location=scripts)
    say("committed migrate")
    _watch_pragmas(handle)
    handle.close()
    say("done")


def run_rekey(path: Path, die_at: str | None = None) -> None:
    from missiondesk.store.rekey import rekey_file

    if die_at == "export":  # the copy is written, not yet verified or swapped in
        import missiondesk.store.rekey as rekey_module

        real_connect = rekey_module.connect

        class DiesAfterExport:
            def __init__(self, conn) -> None:
                self._conn = conn

            def execute(self, sql, *args):
                result = self._conn.execute(sql, *args)
                if "sqlcipher_export" in sql:
                    os._exit(9)
                return result

            def __getattr__(self, name):
                return getattr(self._conn, name)

        rekey_module.connect = lambda *a, **k: DiesAfterExport(real_connect(*a, **k))
    say("ready")
    rekey_file(path, _passphrase("CRASH_OLD_PASSPHRASE"), _passphrase("CRASH_NEW_PASSPHRASE"))
    say("committed rekey")
    say("done")


def run_demo(path: Path, size: str, die_at: str | None = None) -> None:
    from missiondesk.cli import main as cli_main

    if die_at == "populate":  # every demo row written into the new file, not committed
        import missiondesk.demo.carana as carana

        real_build = carana.build_carana

        def build_then_die(session, *args, **kwargs):
            real_build(session, *args, **kwargs)
            session.flush()
            os._exit(9)

        carana.build_carana = build_then_die

    passphrase = _passphrase("CRASH_NEW_PASSPHRASE")
    if passphrase:
        os.environ["MISSIONDESK_PASSPHRASE"] = passphrase
    say("ready")
    status = cli_main(["demo", str(path)] + (["--large"] if size == "large" else [])
                      + ([] if passphrase else ["--no-passphrase"]))
    if status:
        os._exit(5)
    say("committed demo")
    say("done")


def run_import_new(path: Path, export: Path, die_at: str | None) -> None:
    from missiondesk.cli import main as cli_main

    if die_at == "import":
        import missiondesk.services.interchange as interchange

        real = interchange.import_mission

        def import_then_die(uow, data):
            real(uow, data)
            uow.session.flush()  # every row written into the transaction, none committed
            os._exit(9)

        interchange.import_mission = import_then_die
    passphrase = _passphrase("CRASH_NEW_PASSPHRASE")
    if passphrase:
        os.environ["MISSIONDESK_PASSPHRASE"] = passphrase
    say("ready")
    status = cli_main(["import", str(path), "--json", str(export)]
                      + ([] if passphrase else ["--no-passphrase"]))
    if status:
        os._exit(5)
    say("committed import")
    say("done")


def main(argv: list[str]) -> int:
    path, mode = Path(argv[0]), argv[1]
    rest = argv[2:]
    die_at = None
    if "--die-at" in rest:
        at = rest.index("--die-at")
        die_at = rest[at + 1]
        rest = rest[:at] + rest[at + 2:]
    if mode == "edits":
        run_edits(path, int(rest[0]) if rest else 1_000_000)
    elif mode == "import":
        run_import(path, Path(rest[0]))
    elif mode == "migrate":
        run_migrate(path, Path(rest[0]), die_at)
    elif mode == "rekey":
        run_rekey(path, die_at)
    elif mode == "demo":
        run_demo(path, rest[0] if rest else "small", die_at)
    elif mode == "import-new":
        run_import_new(path, Path(rest[0]), die_at)
    else:
        raise SystemExit("unknown mode %s" % mode)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
