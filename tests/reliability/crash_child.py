"""The child of the crash trials: works on a mission file until the parent kills it.

    python tests/reliability/crash_child.py FILE MODE [ARG]

MODE is one of
  edits N        N units of work: new stakeholders, every fifth one an update of a counter
  import CSV     one stakeholder CSV import (plan, then apply in one unit of work)
  migrate DIR    open the file with the Alembic scripts in DIR (a test-only 0002 migration)
  rekey          store.rekey.rekey_file(FILE, old, new)

The passphrases come from the environment (CRASH_OLD_PASSPHRASE, CRASH_NEW_PASSPHRASE; empty
means a plain file), never from the command line, and are never printed. The child prints
"ready" before its work starts, "committed <what>" after each commit returns (flushed at
once), and "pragmas-bad" and exits 3 if a connection lacks the durability pragmas.
``--die-at install_search`` makes the migrate mode stop dead (os._exit) when the search index
is reinstalled after the schema change was committed; ``--die-at upgrade`` right after the
backup taken before the migration: a crash at that exact moment.
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


def run_rekey(path: Path) -> None:
    from missiondesk.store.rekey import rekey_file

    say("ready")
    rekey_file(path, _passphrase("CRASH_OLD_PASSPHRASE"), _passphrase("CRASH_NEW_PASSPHRASE"))
    say("committed rekey")
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
        run_rekey(path)
    else:
        raise SystemExit("unknown mode %s" % mode)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
