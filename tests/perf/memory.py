"""Memory benchmark: the peak resident size of the real program (`missiondesk FILE`) opening
the large mission and visiting every desk, the map laid out fresh (no saved positions) and
reopened (with them), each in fresh processes.

    python tests/perf/memory.py [--mission FILE] [--runs 5]

Bar: under 400 MB. The floor printed beside it is a bare PySide6 window's peak.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench  # noqa: E402

BARE_PEAK = bench.BARE.replace(
    'print("mark painted %.6f" % time.time(), flush=True); app.quit()',
    'print("peak_kb", [l.split()[1] for l in open("/proc/self/status") '
    'if l.startswith("VmHWM:")][0], flush=True); app.quit()')


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mission", type=Path)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    env = bench.environment()
    mission = bench.large_mission(args.mission, env)
    env["MISSIONDESK_USER"] = bench.first_member(mission, env)
    work = Path(tempfile.mkdtemp(prefix="missiondesk-bench-")) / "large.mdesk"

    floors, fresh, saved = [], [], []
    for _ in range(args.runs):
        floors.append(bench.spawn(["-c", BARE_PEAK], env)[1] / 1024)
        shutil.copyfile(mission, work)
        bench.spawn(["-c", bench.FORGET_POSITIONS, str(work), bench.PASSPHRASE], env)
        run_env = dict(env, MISSIONDESK_PASSPHRASE=bench.PASSPHRASE)
        fresh.append(bench.spawn([str(bench.PROBE), "tour", str(work)], run_env)[1] / 1024)
        # the tour saved the fresh layout's positions: the next visit reopens them
        saved.append(bench.spawn([str(bench.PROBE), "tour", str(work)], run_env)[1] / 1024)
    print("platform: %s, %d runs each, mission: %s (%.0f MB)" % (
        env["QT_QPA_PLATFORM"], args.runs, mission.name, mission.stat().st_size / 1e6))
    print("%-52s %s" % ("figure (peak resident size)", "median (min-max)"))
    print("%-52s %s" % ("bare PySide6 window (floor)", bench.summary(floors, "MB")))
    print("%-52s %s  (bar 400 MB)" % ("every desk, the map laid out fresh",
                                      bench.summary(fresh, "MB")))
    print("%-52s %s  (bar 400 MB)" % ("every desk, the map with saved positions",
                                      bench.summary(saved, "MB")))
    return 0


if __name__ == "__main__":
    sys.exit(main())
