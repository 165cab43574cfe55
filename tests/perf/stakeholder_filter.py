"""Filter-as-you-type on the large mission: from the key event to the view showing the rows.

    python tests/perf/stakeholder_filter.py [--mission FILE]

Types a few queries a letter at a time into the Stakeholders desk (5,000 stakeholders),
timing each keystroke from the text change to the table's synchronous repaint (the debounce
is skipped, as DESIGN.md says it is not counted). The floor is SQLite answering the same
prefix with `name_key LIKE ?` on the same file in the same run. Bar: 50 ms a keystroke.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

PASSPHRASE = "benchmark passphrase, not a secret"
QUERIES = ["mouvement", "kal", "général", "women", "zz-nothing"]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mission", type=Path,
                        default=Path(tempfile.gettempdir()) / "missiondesk-large-bench.mdesk")
    args = parser.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ.setdefault("MISSIONDESK_HOME", tempfile.mkdtemp(prefix="missiondesk-bench-"))
    if not args.mission.exists():
        import subprocess

        print("writing the large mission to %s (once)..." % args.mission, flush=True)
        subprocess.run([sys.executable, "-m", "missiondesk", "demo", str(args.mission),
                        "--large"], check=True,
                       env=dict(os.environ, MISSIONDESK_PASSPHRASE=PASSPHRASE))
    from PySide6.QtGui import QUndoStack
    from PySide6.QtWidgets import QApplication

    from missiondesk.services.names import fold
    from missiondesk.store.handle import open_mission
    from missiondesk.ui.context import MissionBus, MissionContext
    from missiondesk.ui.stakeholders.desk import StakeholdersDesk

    app = QApplication.instance() or QApplication(sys.argv[:1])
    handle = open_mission(args.mission, PASSPHRASE)
    handle.set_user(None, "benchmark")
    desk = StakeholdersDesk()
    desk.resize(1400, 800)
    desk.show()
    t0 = time.perf_counter()
    desk.attach(MissionContext(handle, QUndoStack(), MissionBus()))
    app.processEvents()
    load = time.perf_counter() - t0

    keystrokes, floors = [], []
    with handle.driver_connection() as conn:
        for query in QUERIES:
            for n in range(1, len(query) + 1):
                prefix = query[:n]
                start = time.perf_counter()
                desk.search.setText(prefix)
                desk.apply_filter()  # what the debounce timer calls
                desk.table.viewport().repaint()
                keystrokes.append(time.perf_counter() - start)
                start = time.perf_counter()
                conn.execute("SELECT id, name FROM stakeholders WHERE deleted_at IS NULL AND "
                             "name_key LIKE ? ORDER BY name_key",
                             ("%" + fold(prefix) + "%",)).fetchall()
                floors.append(time.perf_counter() - start)
            desk.search.clear()
            desk.apply_filter()
    sort_times = []
    for section in range(desk.model.columnCount()):
        start = time.perf_counter()
        desk.table.sortByColumn(section, desk.table.horizontalHeader().sortIndicatorOrder())
        desk.table.viewport().repaint()
        sort_times.append(time.perf_counter() - start)
    handle.close()

    med, worst = statistics.median(keystrokes), max(keystrokes)
    floor = statistics.median(floors)
    print("stakeholders: %d; desk load (list + first paint): %.0f ms" % (desk.model.total_count(),
                                                                         load * 1000))
    print("keystrokes: %d; median %.1f ms, worst %.1f ms (bar 50 ms)" % (
        len(keystrokes), med * 1000, worst * 1000))
    print("floor (SQLite LIKE on name_key, same file): median %.1f ms; ratio %.2fx" % (
        floor * 1000, med / floor))
    print("sort by a column + repaint: median %.1f ms, worst %.1f ms" % (
        statistics.median(sort_times) * 1000, max(sort_times) * 1000))
    return 0


if __name__ == "__main__":
    sys.exit(main())
