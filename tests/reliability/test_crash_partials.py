"""Kills during the work that writes a whole new file: `rekey --remove` (a plaintext copy),
`demo` and an import into a new file (issue 8, items 3 and 12).

What a kill leaves beside the mission must be owner-only (0600) from its first byte, the
mission's name must not exist until the new file is complete, and the next `check` (or open)
of that name removes the partial files and says so. The three kills here land at a chosen
moment (``--die-at``); `python tests/perf/crash_trials.py --partials N` kills at random.
"""

from __future__ import annotations

import contextlib
import io
import os
import random
import shutil
import stat
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from missiondesk.store.engine import SQLITE_MAGIC
from tests.conftest import PASSPHRASE
from tests.reliability import test_crash as harness

pytestmark = pytest.mark.skipif(os.name != "posix", reason="SIGKILL trials need POSIX")

NEW_FILE = "fresh.mdesk"
#: Text every copy of the base mission holds (a stakeholder's name), to find plaintext.
MARKER = b"Base stakeholder 0042"
#: Stakeholders in the base mission, besides the crash counter (fewer than test_crash's).
STAKEHOLDERS = 60


def write_export(base: Path, target: Path, home: Path) -> Path:
    """The base mission as a MissionDesk JSON export (what `import --json` reads)."""
    from missiondesk.services.interchange import write_export as export
    from missiondesk.store.handle import open_mission

    with _home(home):
        handle = open_mission(base, PASSPHRASE)
        try:
            with open(target, "w", encoding="utf-8") as fh:
                export(handle, fh)
        finally:
            handle.close()
    return target


@contextlib.contextmanager
def _home(home: Path):
    previous = os.environ.get("MISSIONDESK_HOME")
    os.environ["MISSIONDESK_HOME"] = str(home)
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop("MISSIONDESK_HOME", None)
        else:
            os.environ["MISSIONDESK_HOME"] = previous


def cli(argv: list[str], *, home: Path, passphrase: str | None) -> tuple[int, str]:
    """`missiondesk ARGV` in this process: (exit status, what it wrote to stderr)."""
    from missiondesk.cli import main

    err = io.StringIO()
    with _home(home), contextlib.redirect_stderr(err), \
            contextlib.redirect_stdout(io.StringIO()):
        if passphrase:
            os.environ["MISSIONDESK_PASSPHRASE"] = passphrase
        try:
            status = main(argv + ([] if passphrase else ["--no-passphrase"]))
        finally:
            os.environ.pop("MISSIONDESK_PASSPHRASE", None)
    return status, err.getvalue()


@dataclass
class Left:
    """What one kill left in the trial's folder, and what the next check did about it."""

    kind: str
    interrupted: bool
    files: dict[str, int] = field(default_factory=dict)  # name -> mode, after the kill
    plaintext: list[str] = field(default_factory=list)  # left files holding mission text
    after_check: list[str] = field(default_factory=list)  # still there after `check NAME`
    check_said: str = ""
    lost: int = 0  # committed work the file does not hold

    @property
    def readable_by_others(self) -> list[str]:
        return [name for name, mode in self.files.items() if mode & 0o077]


def _holds_plaintext(path: Path) -> bool:
    data = path.read_bytes()
    return data.startswith(SQLITE_MAGIC) or MARKER in data or b"Carana" in data


def _left_files(folder: Path, name: str) -> dict[str, int]:
    return {p.name: stat.S_IMODE(p.stat().st_mode) for p in sorted(folder.iterdir())
            if p.is_file() and p.name != name}


def partial_trial(kind: str, base: Path, export: Path | None, work: Path, home: Path,
                  rng: random.Random | None = None, *, die_at: str | None = None,
                  max_delay: float = 3.0, demo_size: str = "small",
                  stakeholders: int = STAKEHOLDERS) -> Left:
    """kind: "rekey-remove" (a copy of the encrypted `base` decrypted), "demo" or
    "import-new" (`export` into a new file, encrypted). Kill, then look, then check."""
    folder = work / kind
    folder.mkdir()
    extra = ["--die-at", die_at] if die_at else []
    delay = 60.0 if die_at else (rng or random.Random()).uniform(0.0, max_delay)
    if kind == "rekey-remove":
        path = folder / "mission.mdesk"
        shutil.copyfile(base, path)
        trial = harness.run_child(path, "rekey", extra, home=home, delay=delay,
                                  old=PASSPHRASE, new=None)
        after_pass = None if trial.committed("rekey") else PASSPHRASE
    else:
        path = folder / NEW_FILE
        args = [demo_size] if kind == "demo" else [str(export)]
        trial = harness.run_child(path, kind, args + extra, home=home, delay=delay,
                                  new=PASSPHRASE)
        after_pass = PASSPHRASE
    left = Left(kind, trial.interrupted)
    left.files = _left_files(folder, path.name)
    left.plaintext = [name for name in left.files if _holds_plaintext(folder / name)]
    if kind != "rekey-remove":
        # the name exists only once the new file is complete
        if trial.committed():
            assert path.exists(), "%s reported done but %s does not exist" % (kind, path.name)
    status, said = cli(["check", str(path)], home=home,
                       passphrase=after_pass if path.exists() else PASSPHRASE)
    left.check_said = said
    left.after_check = sorted(_left_files(folder, path.name))
    if path.exists():
        assert status == 0, said
        if kind == "rekey-remove":
            found = harness.recover(path, {"old": PASSPHRASE, "new": None}, home=home)
            left.lost = stakeholders + 1 - len(found.names)
        elif kind == "import-new":
            found = harness.recover(path, {"new": PASSPHRASE}, home=home)
            left.lost = stakeholders + 1 - len(found.names)
    return left


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    folder = tmp_path_factory.mktemp("partial-bases")
    return harness.write_base(folder / "encrypted.mdesk", PASSPHRASE, folder / "home",
                              stakeholders=STAKEHOLDERS)


@pytest.fixture(autouse=True)
def _umask():
    previous = os.umask(0o022)  # a usual desktop: files readable by others unless told
    yield
    os.umask(previous)


def test_a_killed_rekey_remove_leaves_no_readable_plaintext_copy(base, tmp_path,
                                                                 isolated_home):
    left = partial_trial("rekey-remove", base, None, tmp_path, isolated_home,
                         die_at="export")
    assert left.interrupted
    assert ".mission.mdesk.rekey" in left.files  # the plaintext copy was being written...
    assert left.readable_by_others == []  # ...but only its owner could read it
    assert left.after_check == []  # the next check removed it (and the stale lock)
    assert "Removed a partial copy of mission.mdesk left by an interrupted passphrase " \
        "change." in left.check_said
    assert left.lost == 0


def test_a_killed_demo_leaves_no_file_under_its_name(base, tmp_path, isolated_home):
    left = partial_trial("demo", base, None, tmp_path, isolated_home, die_at="populate")
    assert left.interrupted
    assert not (tmp_path / "demo" / NEW_FILE).exists()
    assert "." + NEW_FILE + ".creating" in left.files
    assert left.readable_by_others == []
    assert left.plaintext == []  # encrypted from the first page
    assert left.after_check == []
    assert "Removed a partial copy of fresh.mdesk left by an interrupted creation or " \
        "import." in left.check_said
    assert "does not exist" in left.check_said


def test_a_killed_import_into_a_new_file_leaves_no_file(base, tmp_path, isolated_home):
    export = write_export(base, tmp_path / "export.json", isolated_home)
    left = partial_trial("import-new", base, export, tmp_path, isolated_home,
                         die_at="import")
    assert left.interrupted
    assert not (tmp_path / "import-new" / NEW_FILE).exists()  # not an empty mission either
    assert left.readable_by_others == []
    assert left.plaintext == []
    assert left.after_check == []
    assert "interrupted creation or import" in left.check_said
