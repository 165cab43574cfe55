"""The engagement log on the large mission (200,000 engagements): open the desk and show its
first rows, scroll to row 10,000, change a filter — each the median (min–max) of 5 runs,
against a floor measured in the same run: the raw SQL of the first page on the same
connection (no Python rows, no Qt).

    QT_QPA_PLATFORM=offscreen python tests/perf/engagements_log.py [FILE]

FILE defaults to /tmp/missiondesk-large-bench.mdesk (written with `missiondesk demo FILE
--large` when absent); the passphrase is the benchmark's, not a secret.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

LARGE = Path("/tmp/missiondesk-large-bench.mdesk")
PASSPHRASE = "benchmark passphrase, not a secret"
RUNS = 5


def _figure(samples: list[float]) -> str:
    ms = [s * 1000 for s in samples]
    return "%.1f ms (%.1f\u2013%.1f)" % (statistics.median(ms), min(ms), max(ms))


def main(argv: list[str]) -> int:
    path = Path(argv[1]) if len(argv) > 1 else LARGE
    from PySide6.QtGui import QUndoStack
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])
    from missiondesk.store.handle import open_mission

    if not path.exists():
        from missiondesk.demo import write_large_demo  # type: ignore[attr-defined]

        write_large_demo(path, PASSPHRASE).close()
    handle = open_mission(path, PASSPHRASE)
    handle.set_user(None, "Benchmark")
    from missiondesk.ui.context import MissionBus, MissionContext
    from missiondesk.ui.engagements.desk import EngagementsDesk

    bus = MissionBus()
    handle.add_listener(bus.relay)
    ctx = MissionContext(handle, QUndoStack(), bus)
    floor, opened, scrolled, filtered, typed = [], [], [], [], []
    try:
        for _ in range(RUNS):
            with handle.session() as session:
                conn = session.connection()
                start = time.perf_counter()
                conn.exec_driver_sql(
                    "SELECT id, starts_at, title FROM engagements WHERE deleted_at IS NULL "
                    "ORDER BY starts_at DESC LIMIT 200").all()
                floor.append(time.perf_counter() - start)

            desk = EngagementsDesk()
            desk.resize(1366, 768)
            desk.show()
            app.processEvents()
            start = time.perf_counter()
            desk.attach(ctx)
            desk.repaint()
            app.processEvents()
            opened.append(time.perf_counter() - start)
            assert desk.model.rowCount() > 0

            start = time.perf_counter()
            while desk.model.rowCount() <= 10_000 and desk.model.canFetchMore():
                desk.model.fetchMore()
            desk.table.scrollTo(desk.model.index(10_000, 0))
            desk.repaint()
            app.processEvents()
            scrolled.append(time.perf_counter() - start)
            assert desk.model.rowCount() > 10_000

            start = time.perf_counter()
            desk.format.setCurrentIndex(desk.format.findData("bilateral"))
            desk.repaint()
            app.processEvents()
            filtered.append(time.perf_counter() - start)
            assert desk.model.row_at(0).format == "bilateral"

            start = time.perf_counter()
            desk.text.setText("ceasefire")
            desk._filters_changed()  # noqa: SLF001 - the debounce (150 ms) is not counted
            desk.repaint()
            app.processEvents()
            typed.append(time.perf_counter() - start)

            desk.detach()
            desk.deleteLater()
            app.processEvents()
    finally:
        handle.close()
    print("engagement log on %s (%d runs, median (min\u2013max)):" % (path.name, RUNS))
    print("  floor: raw SQL of the first page      %s" % _figure(floor))
    print("  open, first rows shown                 %s  (%.0f\u00d7 floor)" % (
        _figure(opened), statistics.median(opened) / statistics.median(floor)))
    print("  scroll to row 10,000 (50 pages)        %s" % _figure(scrolled))
    print("  filter change (format = bilateral)     %s" % _figure(filtered))
    print("  text filter 'ceasefire' (+format)      %s" % _figure(typed))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
