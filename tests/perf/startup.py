"""Start-up benchmark: time to the first painted main window and to the Overview's figures on
the large mission, each as a ratio to a bare PySide6 window measured in the same run.

DESIGN.md's bars: first paint within 2x the floor, figures shown within 6x (median of 5).

    python tests/perf/startup.py [--mission FILE] [--runs 5]

Without --mission, the large benchmark mission is written once to a cache folder
(`missiondesk demo --large`, a minute or two). Each run is a fresh process; the clock starts
just before the process is spawned, so interpreter start and imports count.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PASSPHRASE = "benchmark passphrase, not a secret"

BARE = r"""
import sys, time
from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication(sys.argv[:1])
w = QMainWindow(); w.resize(1180, 760); w.setWindowTitle("bare")
class F(QObject):
    def eventFilter(self, obj, ev):
        if ev.type() == QEvent.Type.Paint:
            print("painted", time.time(), flush=True); app.quit(); app.removeEventFilter(self)
        return False
f = F(); app.installEventFilter(f); w.show(); app.exec()
"""

MISSIONDESK = r"""
import sys, time
from pathlib import Path
from PySide6.QtCore import QEvent, QObject, QTimer
from missiondesk.ui.app import start_gui
app, w = start_gui(Path(sys.argv[1]))  # exactly what `missiondesk FILE` runs before app.exec()
painted = []
class F(QObject):
    def eventFilter(self, obj, ev):
        if ev.type() == QEvent.Type.Paint and not painted:
            painted.append(time.time()); print("painted", painted[0], flush=True)
        return False
f = F(); app.installEventFilter(f)
def poll():
    desk = w._desks.get("overview")
    tile = desk.tiles.get("engagements") if desk is not None else None
    if w.ctx is not None and tile is not None and tile.value.text() != "\u2014":
        print("figures", time.time(), flush=True); w.close(); app.quit()
timer = QTimer(); timer.timeout.connect(poll); timer.start(2)
app.exec()
"""


def timed(script: str, *args: str, env: dict) -> dict[str, float]:
    start = time.time()
    out = subprocess.run([sys.executable, "-c", script, *args], capture_output=True, text=True,
                         env=env, timeout=300)
    if out.returncode != 0:
        raise SystemExit("benchmark child failed:\n" + out.stderr[-2000:])
    marks = {}
    for line in out.stdout.splitlines():
        name, _, value = line.partition(" ")
        marks[name] = float(value) - start
    return marks


def ensure_large(path: Path, env: dict) -> None:
    if path.exists():
        return
    print("writing the large mission to %s (once)..." % path, flush=True)
    t0 = time.time()
    subprocess.run([sys.executable, "-m", "missiondesk", "demo", str(path), "--large"],
                   env=env, check=True)
    print("  written in %.1f s" % (time.time() - t0))


def first_member(path: Path, env: dict) -> str:
    code = ("import sys; from missiondesk.store.handle import open_mission; "
            "from missiondesk.services.team import list_team; "
            "h = open_mission(sys.argv[1], sys.argv[2]); print(list_team(h)[0].name); h.close()")
    out = subprocess.run([sys.executable, "-c", code, str(path), PASSPHRASE], env=env,
                         capture_output=True, text=True, check=True)
    return out.stdout.strip()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mission", type=Path)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    home = Path(tempfile.mkdtemp(prefix="missiondesk-bench-"))
    env = dict(os.environ, MISSIONDESK_HOME=str(home), MISSIONDESK_PASSPHRASE=PASSPHRASE)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    mission = args.mission or Path(tempfile.gettempdir()) / "missiondesk-large-bench.mdesk"
    ensure_large(mission, env)
    env["MISSIONDESK_USER"] = first_member(mission, env)

    floors, paints, figures = [], [], []
    timed(BARE, env=env)  # warm the OS file cache for both
    timed(MISSIONDESK, str(mission), env=env)
    for _ in range(args.runs):
        floors.append(timed(BARE, env=env)["painted"])
        marks = timed(MISSIONDESK, str(mission), env=env)
        paints.append(marks["painted"])
        figures.append(marks["figures"])
    floor = statistics.median(floors)
    paint = statistics.median(paints)
    shown = statistics.median(figures)
    print("platform: %s, runs: %d, mission: %s (%.0f MB)" % (
        env["QT_QPA_PLATFORM"], args.runs, mission.name, mission.stat().st_size / 1e6))
    print("bare PySide6 window painted:   %6.3f s (floor)" % floor)
    print("MissionDesk window painted:    %6.3f s  = %.2fx floor (bar 2x)" % (paint,
                                                                              paint / floor))
    print("Overview figures shown:        %6.3f s  = %.2fx floor (bar 6x)" % (shown,
                                                                              shown / floor))
    return 0


if __name__ == "__main__":
    sys.exit(main())
