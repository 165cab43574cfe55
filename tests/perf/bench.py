"""What the benchmarks share: the large mission, fresh processes through the real entry point,
figures as median (min–max), and the page cache dropped for cold runs."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PASSPHRASE = "benchmark passphrase, not a secret"
PROBE = Path(__file__).with_name("probe.py")

#: `python -c FORGET_POSITIONS FILE PASSPHRASE`: the mission's saved map positions deleted (a
#: first visit of its map).
FORGET_POSITIONS = (
    "import sys; from missiondesk.store.handle import open_mission; "
    "h = open_mission(sys.argv[1], sys.argv[2]); "
    "c = h.engine.raw_connection(); c.execute('DELETE FROM map_positions'); c.commit(); "
    "c.close(); h.close()")

#: A bare PySide6 main window, painted: the floor every start-up figure is a ratio to.
BARE = r"""
import sys, time
from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication(sys.argv[:1])
w = QMainWindow(); w.resize(1180, 760); w.setWindowTitle("bare")
class F(QObject):
    def eventFilter(self, obj, ev):
        if ev.type() == QEvent.Type.Paint and obj is w:
            print("mark painted %.6f" % time.time(), flush=True); app.quit()
        return False
f = F(); app.installEventFilter(f); w.show(); app.exec()
"""


def environment() -> dict:
    """The environment of the program's runs: its own user folder, Qt offscreen, and the
    bytecode an installed program has (pip and the bundle compile every module; a machine
    with PYTHONDONTWRITEBYTECODE set would otherwise compile ~20 modules at each start)."""
    home = Path(tempfile.mkdtemp(prefix="missiondesk-bench-"))
    env = dict(os.environ, MISSIONDESK_HOME=str(home))
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    compile_package()
    return env


def compile_package() -> None:
    """Byte-compile missiondesk as an installation does."""
    import compileall

    import missiondesk

    compileall.compile_dir(Path(missiondesk.__file__).parent, quiet=1)


def large_mission(path: Path | None, env: dict) -> Path:
    """The large benchmark mission (written once to a cache file with `missiondesk demo
    --large`, a minute or two)."""
    path = path or Path(tempfile.gettempdir()) / "missiondesk-large-bench.mdesk"
    if not path.exists():
        print("writing the large mission to %s (once)..." % path, flush=True)
        t0 = time.time()
        secret = Path(tempfile.mkdtemp(prefix="missiondesk-bench-")) / "passphrase"
        secret.write_text(PASSPHRASE + "\n")
        secret.chmod(0o600)
        subprocess.run([sys.executable, "-m", "missiondesk", "demo", str(path), "--large",
                        "--passphrase-file", str(secret)], env=env, check=True)
        print("  written in %.1f s" % (time.time() - t0), flush=True)
    return path


def first_member(path: Path, env: dict) -> str:
    code = ("import sys; from missiondesk.store.handle import open_mission; "
            "from missiondesk.services.team import list_team; "
            "h = open_mission(sys.argv[1], sys.argv[2]); print(list_team(h)[0].name); h.close()")
    out = subprocess.run([sys.executable, "-c", code, str(path), PASSPHRASE], env=env,
                         capture_output=True, text=True, check=True)
    return out.stdout.strip()


def drop_from_page_cache(path: Path) -> None:
    """A cold start: the mission file (and its sidecars) no longer in the page cache."""
    for candidate in (path, Path(str(path) + "-wal"), Path(str(path) + "-shm")):
        if candidate.exists():
            fd = os.open(candidate, os.O_RDONLY)
            try:
                os.fsync(fd)
                os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
            finally:
                os.close(fd)


def spawn(args: list[str], env: dict, *, timeout: float = 600) -> tuple[dict[str, float], int]:
    """Run a fresh process; (its marks in seconds since just before the spawn, its peak
    resident size in kB as the process itself reported it, 0 if it did not)."""
    start = time.time()
    proc = subprocess.Popen([sys.executable, *args], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        raise SystemExit("benchmark child timed out") from None
    if proc.returncode != 0:
        raise SystemExit("benchmark child failed:\n" + err[-3000:])
    marks, peak = {}, 0
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[0] == "mark":
            marks[parts[1]] = float(parts[2]) - start
        elif len(parts) == 3 and parts[0] == "stall":  # seconds, not a time of day
            marks[parts[1]] = float(parts[2])
        elif len(parts) == 2 and parts[0] == "peak_kb":
            peak = int(parts[1])
    return marks, peak


def probe(scenario: str, mission: Path, env: dict, *extra: str) -> dict[str, float]:
    marks, _ = spawn([str(PROBE), scenario, str(mission), *extra], env)
    return marks


def floor(env: dict) -> float:
    marks, _ = spawn(["-c", BARE], env)
    return marks["painted"]


def summary(values: list[float], unit: str = "s") -> str:
    fmt = "%.2f" if unit == "s" else "%.0f"
    return ("%s %s (%s\u2013%s)" % (fmt % statistics.median(values), unit,
                                   fmt % min(values), fmt % max(values)))


def ratio_summary(values: list[float], floors: list[float]) -> str:
    ratios = [v / f for v, f in zip(values, floors, strict=True)]
    return "%.2f\u00d7 (%.2f\u2013%.2f)" % (statistics.median(ratios), min(ratios), max(ratios))
