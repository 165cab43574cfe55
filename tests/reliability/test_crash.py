"""Crash trials: a child process edits a mission and is SIGKILLed at a random moment.

After every kill the file must open with the right passphrase, pass SQLite's integrity and
foreign-key checks and the search index check, hold every edit the child reported as
committed, and every connection must have the durability pragmas. Which passphrase is right
after a killed rekey: the old one until `os.replace` swapped the verified copy in, the new one
after; once the child has said "committed rekey" only the new one may work.

A few trials run here (well under 15 s); `python tests/perf/crash_trials.py` runs 50+.
"""

from __future__ import annotations

import csv
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from unittest import mock

import pytest

from missiondesk.paths import migrations_dir
from missiondesk.store import errors
from missiondesk.store.engine import DURABILITY_PRAGMAS, check_pragmas, inspect_file
from missiondesk.store.migrate import HEAD_REVISION
from tests.conftest import PASSPHRASE

pytestmark = pytest.mark.skipif(os.name != "posix", reason="SIGKILL trials need POSIX")

CHILD = Path(__file__).with_name("crash_child.py")
NEW_PASSPHRASE = "a n3w passphrase — Škoda 'quoted'"
IMPORT_ROWS = 10_000
IMPORT_NAME = "Imported person %05d"
BASE_STAKEHOLDERS = 300
#: The exit status of the child's os._exit at a chosen point (--die-at).
SIMULATED_CRASH = 9

#: The test-only migration's revision: the one after this build's head.
NEXT_REVISION = "%04d" % (int(HEAD_REVISION) + 1)

TEST_MIGRATION = '''
"""test-only: a batch migration (rebuilds the stakeholders table)

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
    with op.batch_alter_table("stakeholders", recreate="always") as batch_op:
        batch_op.add_column(sa.Column("crash_nickname", sa.String(50), nullable=True))
    op.execute("UPDATE stakeholders SET crash_nickname = substr(name, 1, 10)")


def downgrade() -> None:
    with op.batch_alter_table("stakeholders") as batch_op:
        batch_op.drop_column("crash_nickname")
'''.replace("NEXT_REV", NEXT_REVISION).replace("HEAD_REV", HEAD_REVISION)


# --- the harness (tests/perf/crash_trials.py uses it too) ----------------------------------


def write_base(path: Path, passphrase: str | None, home: Path,
               stakeholders: int = BASE_STAKEHOLDERS) -> Path:
    """A mission with the counter record the child updates and some stakeholders."""
    from missiondesk.services.stakeholders import create_stakeholder
    from missiondesk.store.handle import NewMission, create_mission

    previous = os.environ.get("MISSIONDESK_HOME")
    os.environ["MISSIONDESK_HOME"] = str(home)
    try:
        handle = create_mission(path, passphrase, NewMission(name="Crash trials"))
        handle.set_user(None, "Tester")
        with handle.unit_of_work() as uow:
            create_stakeholder(uow, name="Crash counter", description="0")
            for number in range(stakeholders):
                create_stakeholder(uow, name="Base stakeholder %04d" % number,
                                   description="Background note %d " % number * 8,
                                   tags=["base"], influence=1 + number % 5)
        handle.close()
    finally:
        if previous is None:
            os.environ.pop("MISSIONDESK_HOME", None)
        else:
            os.environ["MISSIONDESK_HOME"] = previous
    return path


def write_import_csv(path: Path, rows: int = IMPORT_ROWS) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["Name", "Influence", "Interest", "Tags", "Description"])
        for number in range(rows):
            writer.writerow([IMPORT_NAME % number, 1 + number % 5, 1 + number % 4,
                             "imported;batch", "Row %d of the crash import" % number])
    return path


def write_scripts(folder: Path) -> Path:
    """The app's migrations plus a test-only batch migration after their head."""
    shutil.copytree(migrations_dir(), folder, ignore=shutil.ignore_patterns("__pycache__"))
    (folder / "versions" / ("%s_crash_nickname.py" % NEXT_REVISION)).write_text(TEST_MIGRATION)
    return folder


@dataclass
class Trial:
    mode: str
    lines: list[str] = field(default_factory=list)
    returncode: int | None = None
    stderr: str = ""

    @property
    def interrupted(self) -> bool:
        return "done" not in self.lines

    def committed(self, what: str | None = None) -> list[str]:
        return [ln.split(" ", 1)[1] for ln in self.lines
                if ln.startswith("committed ") and (what is None or ln.endswith(what))]


def run_child(path: Path, mode: str, args: list[str], *, home: Path, delay: float,
              old: str | None = None, new: str | None = None, timeout: float = 60) -> Trial:
    """Start the child, wait for "ready", let it work `delay` seconds, then SIGKILL it."""
    env = dict(os.environ)
    env.update({"MISSIONDESK_HOME": str(home), "CRASH_OLD_PASSPHRASE": old or "",
                "CRASH_NEW_PASSPHRASE": new or "", "QT_QPA_PLATFORM": "offscreen"})
    trial = Trial(mode)
    ready = threading.Event()
    with tempfile.TemporaryFile("w+") as err:
        proc = subprocess.Popen([sys.executable, str(CHILD), str(path), mode, *args],
                                stdout=subprocess.PIPE, stderr=err, env=env, text=True)

        def read() -> None:
            for line in proc.stdout:
                trial.lines.append(line.strip())
                if line.strip() == "ready":
                    ready.set()
            ready.set()

        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        try:
            ready.wait(timeout)
            deadline = time.monotonic() + delay
            while time.monotonic() < deadline and proc.poll() is None:
                time.sleep(min(0.005, max(0.0, deadline - time.monotonic())))
            if proc.poll() is None:
                proc.send_signal(signal.SIGKILL)
            trial.returncode = proc.wait(timeout)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
            reader.join(timeout)
        err.seek(0)
        trial.stderr = err.read()
    if trial.returncode not in (0, -signal.SIGKILL, SIMULATED_CRASH):
        raise AssertionError("crash child failed (%s): %s %s" % (
            trial.returncode, trial.lines[-3:], trial.stderr[-2000:]))
    assert "pragmas-bad" not in trial.lines, "a child connection lacked the durability pragmas"
    return trial


@dataclass
class Recovered:
    label: str  # which candidate passphrase opened it ("old" / "new")
    encrypted: bool
    revision: str | None
    names: set[str]
    counter: int
    triggers: set[str]
    search_ok: bool


def recover(path: Path, candidates: dict[str, str | None], *, home: Path,
            scripts: Path | None = None) -> Recovered:
    """Open the killed file as a user would and check it; fails the test on any defect."""
    from sqlalchemy import select

    from missiondesk.services.check import check_mission
    from missiondesk.store.engine import connect
    from missiondesk.store.handle import open_mission
    from missiondesk.store.migrate import script_heads, stored_revision
    from missiondesk.store.schema import Stakeholder

    previous = os.environ.get("MISSIONDESK_HOME")
    os.environ["MISSIONDESK_HOME"] = str(home)
    try:
        encrypted = inspect_file(path)
        opened = [(label, pw) for label, pw in candidates.items() if (pw is not None) == encrypted]
        assert opened, "the file is %s but no candidate fits" % (
            "encrypted" if encrypted else "plain")
        works = []
        for label, pw in opened:
            try:
                conn = connect(path, pw, encrypted=encrypted)
            except errors.WrongPassphrase:
                continue
            revision = stored_revision(conn)
            conn.close()
            works.append((label, pw, revision))
        assert len(works) == 1, "passphrases that open the file: %s" % [w[0] for w in works]
        label, passphrase, revision = works[0]
        if scripts is None:
            handle = open_mission(path, passphrase)
        else:
            # The build that ships these scripts has their head as its HEAD_REVISION.
            with mock.patch("missiondesk.store.handle.HEAD_REVISION",
                            script_heads(scripts)[0]):
                handle = open_mission(path, passphrase, script_location=scripts)
        try:
            with handle.driver_connection() as conn:
                assert check_pragmas(conn) == DURABILITY_PRAGMAS
                triggers = {r[0] for r in conn.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'trigger'")}
            report = check_mission(handle)
            assert report.integrity == ["ok"], report.integrity[:5]
            assert report.foreign_key_problems == 0
            assert report.pragmas == DURABILITY_PRAGMAS
            with handle.session() as session:
                names = set(session.scalars(select(Stakeholder.name)))
                counter = session.scalar(select(Stakeholder.description).where(
                    Stakeholder.name == "Crash counter"))
            return Recovered(label, encrypted, revision, names, int(counter or 0), triggers,
                             report.search_index_ok)
        finally:
            handle.close()
    finally:
        if previous is None:
            os.environ.pop("MISSIONDESK_HOME", None)
        else:
            os.environ["MISSIONDESK_HOME"] = previous


def lost_edits(trial: Trial, found: Recovered) -> int:
    """Edits the child reported as committed that the file does not hold."""
    lost = 0
    numbers = [int(n) for n in trial.committed() if n.isdigit()]
    for number in numbers:
        if number % 5 and "Crash edit %06d" % number not in found.names:
            lost += 1
    updates = [n for n in numbers if n % 5 == 0]
    if updates and found.counter < max(updates):
        lost += 1
    return lost


def edits_trial(base: Path, work: Path, home: Path, rng: random.Random) -> tuple[Trial, int]:
    path = work / "edits.mdesk"
    shutil.copyfile(base, path)
    trial = run_child(path, "edits", ["100000"], home=home, delay=rng.uniform(0.02, 0.8),
                      old=PASSPHRASE)
    found = recover(path, {"old": PASSPHRASE}, home=home)
    assert found.search_ok
    return trial, lost_edits(trial, found)


def import_trial(base: Path, table: Path, work: Path, home: Path, rng: random.Random,
                 max_delay: float = 3.0) -> Trial:
    path = work / "import.mdesk"
    shutil.copyfile(base, path)
    trial = run_child(path, "import", [str(table)], home=home,
                      delay=rng.uniform(0.0, max_delay), old=PASSPHRASE)
    found = recover(path, {"old": PASSPHRASE}, home=home)
    imported = sum(1 for n in found.names if n.startswith("Imported person "))
    assert imported in (0, IMPORT_ROWS), "a killed import left %d of its rows" % imported
    if trial.committed("import"):
        assert imported == IMPORT_ROWS
    assert len(found.names) == BASE_STAKEHOLDERS + 1 + imported
    assert found.search_ok
    return trial


def migrate_trial(base: Path, scripts: Path, work: Path, home: Path, rng: random.Random,
                  die_at: str | None = None, max_delay: float = 0.6,
                  next_second: bool = True) -> Trial:
    path = work / "migrate.mdesk"
    shutil.copyfile(base, path)
    args = [str(scripts)] + (["--die-at", die_at] if die_at else [])
    trial = run_child(path, "migrate", args, home=home, delay=rng.uniform(0.0, max_delay),
                      old=PASSPHRASE)
    from missiondesk.store.engine import connect
    from missiondesk.store.migrate import stored_revision

    conn = connect(path, PASSPHRASE)
    try:
        revision = stored_revision(conn)
    finally:
        conn.close()
    assert revision in (HEAD_REVISION, NEXT_REVISION)
    if trial.committed("migrate"):
        assert revision == NEXT_REVISION
    if next_second:
        # Reopening in the second the child took its backup collides with the backup's name
        # (test_reopening_in_the_second_of_a_killed_migration_backup); wait that out here.
        time.sleep(1.02 - time.time() % 1.0)
    found = recover(path, {"old": PASSPHRASE}, home=home, scripts=scripts)
    assert len(found.names) == BASE_STAKEHOLDERS + 1  # no row lost to a table rebuild
    # the search index follows the rebuilt table: its triggers are back
    assert {"stakeholders_fts_ai", "stakeholders_fts_ad", "stakeholders_fts_au"} <= \
        found.triggers, "search triggers missing after a migration killed at %s" % (
            die_at or "a random moment")
    return trial


def rekey_trial(base: Path, work: Path, home: Path, rng: random.Random, kind: str,
                max_delay: float = 0.8) -> tuple[Trial, Recovered]:
    """kind: "rekey" (old -> new passphrase), "encrypt" (plain -> new), "decrypt" (old -> plain).
    `base` must be plain for "encrypt" and encrypted with PASSPHRASE otherwise."""
    path = work / ("%s.mdesk" % kind)
    shutil.copyfile(base, path)
    old = None if kind == "encrypt" else PASSPHRASE
    new = None if kind == "decrypt" else NEW_PASSPHRASE
    trial = run_child(path, "rekey", [], home=home, delay=rng.uniform(0.0, max_delay),
                      old=old, new=new)
    found = recover(path, {"old": old, "new": new}, home=home)
    if trial.committed("rekey"):
        assert found.label == "new", "rekey reported done but the old passphrase still opens"
    assert len(found.names) == BASE_STAKEHOLDERS + 1
    assert found.search_ok
    # a later rekey is not blocked by what the killed one left behind
    return trial, found


# --- the suite's few trials ------------------------------------------------------------------


@pytest.fixture(scope="module")
def bases(tmp_path_factory):
    folder = tmp_path_factory.mktemp("crash-bases")
    home = folder / "home"
    return {
        "encrypted": write_base(folder / "encrypted.mdesk", PASSPHRASE, home),
        "plain": write_base(folder / "plain.mdesk", None, home),
        "folder": folder,
    }


def test_killed_during_edits_keeps_every_committed_edit(bases, tmp_path, isolated_home):
    rng = random.Random(5)
    total_committed = 0
    for _ in range(2):
        trial, lost = edits_trial(bases["encrypted"], tmp_path, isolated_home, rng)
        assert trial.interrupted
        assert lost == 0
        total_committed += len(trial.committed())
    assert total_committed > 0  # the kills landed during edits, not before


def test_killed_during_a_10000_row_import_keeps_all_or_nothing(bases, tmp_path, isolated_home):
    table = write_import_csv(tmp_path / "people.csv")
    import_trial(bases["encrypted"], table, tmp_path, isolated_home, random.Random(11),
                 max_delay=2.0)


def test_killed_during_a_migration_opens_at_the_old_or_new_schema(bases, tmp_path,
                                                                   isolated_home):
    scripts = write_scripts(tmp_path / "scripts")
    migrate_trial(bases["encrypted"], scripts, tmp_path, isolated_home, random.Random(3))


def test_crash_right_after_the_migration_commit_keeps_search_working(bases, tmp_path,
                                                                     isolated_home):
    """The schema change is committed, then the process dies before the search triggers
    (dropped with the rebuilt table) are put back: reopening must still give working search."""
    scripts = write_scripts(tmp_path / "scripts")
    trial = migrate_trial(bases["encrypted"], scripts, tmp_path, isolated_home,
                          random.Random(1), die_at="install_search", max_delay=30)
    assert trial.returncode == SIMULATED_CRASH


@pytest.mark.parametrize("kind", ["rekey", "encrypt", "decrypt"])
def test_killed_during_a_passphrase_change(bases, tmp_path, isolated_home, kind):
    base = bases["plain"] if kind == "encrypt" else bases["encrypted"]
    rng = random.Random({"rekey": 1, "encrypt": 2, "decrypt": 3}[kind])
    rekey_trial(base, tmp_path, isolated_home, rng, kind, max_delay=0.5)


def test_reopening_in_the_second_of_a_killed_migration_backup(bases, tmp_path, isolated_home):
    """Killed after the pre-migration backup: opening the file again within the same second
    (the app restarted at once) must not fail because that backup's name is taken."""
    import datetime as real

    scripts = write_scripts(tmp_path / "scripts")
    path = tmp_path / "again.mdesk"
    shutil.copyfile(bases["encrypted"], path)
    trial = run_child(path, "migrate", [str(scripts), "--die-at", "upgrade"],
                      home=isolated_home, delay=30, old=PASSPHRASE)
    assert trial.returncode == SIMULATED_CRASH
    backups = list((isolated_home / "data" / "backups").glob("again-*before-upgrade*.mdesk"))
    assert len(backups) == 1
    stamp = real.datetime.strptime("-".join(backups[0].name.split("-")[1:3]), "%Y%m%d-%H%M%S")

    class SameSecond(real.datetime):
        @classmethod
        def now(cls, tz=None):
            return stamp.replace(tzinfo=tz)

    with mock.patch("missiondesk.store.backup.datetime", SameSecond):
        found = recover(path, {"old": PASSPHRASE}, home=isolated_home, scripts=scripts)
    assert found.revision == HEAD_REVISION  # it was migrated on this open, keeping every record
    assert len(found.names) == BASE_STAKEHOLDERS + 1
