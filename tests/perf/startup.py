"""Start-up benchmark, through the real entry point (`missiondesk FILE`: argparse, logging,
the passphrase from the environment, the GUI), on the large mission.

    python tests/perf/startup.py [--mission FILE] [--runs 5]

Figures, each from fresh processes (median (min–max) over the runs), as ratios to a bare
PySide6 window painted in the same run, pair by pair:
- first paint of the main window (bar: 2x the bare window);
- the Overview's figures shown: its tiles painted with their numbers (bar: 6x);
- the same two cold: the mission file dropped from the page cache before the start.
Without --mission the large mission is written once to a cache file (a minute or two).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mission", type=Path)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    env = bench.environment()
    mission = bench.large_mission(args.mission, env)
    env["MISSIONDESK_USER"] = bench.first_member(mission, env)
    env["MISSIONDESK_PASSPHRASE"] = bench.PASSPHRASE

    bench.floor(env)                          # warm-up, not counted
    bench.probe("startup", mission, env)
    floors, paints, figures = [], [], []
    cold_floors, cold_paints, cold_figures = [], [], []
    for _ in range(args.runs):
        floors.append(bench.floor(env))
        marks = bench.probe("startup", mission, env)
        paints.append(marks["painted"])
        figures.append(marks["figures"])
    for _ in range(args.runs):
        cold_floors.append(bench.floor(env))
        bench.drop_from_page_cache(mission)
        marks = bench.probe("startup", mission, env)
        cold_paints.append(marks["painted"])
        cold_figures.append(marks["figures"])

    print("platform: %s, %d runs each, mission: %s (%.0f MB)" % (
        env["QT_QPA_PLATFORM"], args.runs, mission.name, mission.stat().st_size / 1e6))
    print("%-38s %-22s %s" % ("figure", "median (min-max)", "ratio to floor (bar)"))
    print("%-38s %-22s %s" % ("bare PySide6 window painted (floor)", bench.summary(floors), ""))
    print("%-38s %-22s %s (2x)" % ("first paint", bench.summary(paints),
                                  bench.ratio_summary(paints, floors)))
    print("%-38s %-22s %s (6x)" % ("Overview figures shown", bench.summary(figures),
                                  bench.ratio_summary(figures, floors)))
    print("%-38s %-22s %s (2x)" % ("first paint, cold", bench.summary(cold_paints),
                                  bench.ratio_summary(cold_paints, cold_floors)))
    print("%-38s %-22s %s (6x)" % ("Overview figures shown, cold", bench.summary(cold_figures),
                                  bench.ratio_summary(cold_figures, cold_floors)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
