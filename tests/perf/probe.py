"""Run the real program, `missiondesk FILE`, and print when a user would see things.

    python tests/perf/probe.py SCENARIO FILE [DESK ...]

The program starts exactly as the installed command does (`missiondesk.cli.main([FILE])`:
argparse, logging, the passphrase from the environment, the GUI); the probe only wraps
`QApplication.exec` to watch paint events and to drive the window once it is up. It prints
`mark <name> <unix time>` lines; the benchmark that spawned it takes the clock from just before
the spawn, so interpreter start and imports count.

`--think=S` first: wait S seconds (a user reading the screen) before each desk is asked for,
marking `select:<key>` when it is.

Scenarios:
- `startup`: `painted` (the main window's first paint), `figures` (the Overview's tiles painted
  with their numbers, not merely given their text), then quits.
- `tour`: after the figures, visits every desk of the navigation in order (the map waits for
  its layout and its paint), marking `desk:<key>` when each is painted, then quits. With DESK
  arguments, only those desks.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QWidget

MARKS: dict[str, float] = {}
STALLS: dict[str, float] = {}


def mark(name: str) -> None:
    if name not in MARKS:
        MARKS[name] = time.time()
        print("mark %s %.6f" % (name, MARKS[name]), flush=True)


class Watcher(QObject):
    """Notes the paint events the scenario waits for."""

    def __init__(self) -> None:
        super().__init__()
        self.window = None
        self.waiting_for = None   # (widget, name) whose next paint is a mark
        self.painting = None      # that mark, while the paint pass that began it goes on
        self.first_shown = None   # (widget, name): a desk's first results, marked when painted

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt's name
        if self.painting is not None and event.type() != QEvent.Type.Paint:
            # the window paints its widgets one after the other in one pass: the first
            # other event comes once the pass is over and the desk is on screen
            name, self.painting = self.painting, None
            mark(name)
        if event.type() == QEvent.Type.Paint:
            if "painted" not in MARKS and obj is self.window:
                mark("painted")
            if self.first_shown is not None and self.painting is None:
                widget, name = self.first_shown
                if obj is widget or (isinstance(obj, QWidget) and widget.isAncestorOf(obj)):
                    self.first_shown = None
                    self.painting = name
            if self.waiting_for is not None:
                widget, name = self.waiting_for
                if obj is widget or (isinstance(obj, QWidget) and widget.isAncestorOf(obj)):
                    self.waiting_for = None
                    self.painting = name
        return False


def peak_kb() -> int:
    """This process's peak resident size (VmHWM), in kB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def _main_window():
    from missiondesk.ui.main_window import MainWindow

    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, MainWindow):
            return widget
    return None


def _tiles_ready(window) -> list:
    desk = window._desks.get("overview") if window is not None else None
    tiles = getattr(desk, "tiles", None)
    if window is None or window.ctx is None or not tiles:
        return []
    values = [tile.value for tile in tiles.values()]
    return values if all(v.text() != "\u2014" for v in values) else []


def run(scenario: str, path: Path, desks: list[str]) -> int:
    from missiondesk.cli import main

    watcher = Watcher()
    original_exec = QApplication.exec
    state = {"step": "figures", "queue": [], "current": None, "since": 0.0}

    def drive() -> None:
        # the longest the event loop went without this 2-ms timer while a desk was asked
        # for and shown: how long the window did not answer
        now = time.time()
        if state.get("current") is not None and state.get("last_tick") is not None:
            key = "stall:" + state["current"]
            STALLS[key] = max(STALLS.get(key, 0.0), now - state["last_tick"])
        state["last_tick"] = now
        window = watcher.window or _main_window()
        if window is None:
            return
        if watcher.window is None:
            watcher.window = window
        if state["step"] == "figures":
            values = _tiles_ready(window)
            if values and watcher.waiting_for is None:
                # The figures count as shown when the last tile repaints with its number.
                watcher.waiting_for = (values[-1], "figures")
                values[-1].update()
                state["step"] = "figures-paint"
            return
        if state["step"] == "figures-paint":
            if "figures" not in MARKS:
                return
            if scenario == "startup":
                finish(window)
                return
            from missiondesk.ui.desks import desk_specs

            keys = [s.key for s in desk_specs() if s.key != "overview"]
            state["queue"] = [k for k in keys if not desks or k in desks]
            state["step"] = "tour"
            return
        if state["step"] == "tour":
            current = state["current"]
            if current is not None:
                if "desk:" + current not in MARKS:
                    return
                busy = getattr(window.desk(current), "busy", None)
                if callable(busy) and busy():  # e.g. the map saving a first layout
                    return
                state["current"] = None
            if not state["queue"]:
                finish(window)
                return
            if state.get("think_until") is None:
                # a user reads the Overview before clicking: THINK seconds (0: at once)
                state["think_until"] = time.time() + THINK
            if time.time() < state["think_until"]:
                return
            state["think_until"] = None
            key = state["queue"].pop(0)
            state["current"] = key
            mark("select:" + key)
            desk = window.desk(key)
            laid_out = getattr(desk, "layoutFinished", None)

            def ready() -> None:
                # the desk's next paint is the mark: set now, on the GUI thread, before the
                # event loop paints (a check on the next timer tick could come after that
                # paint and wait for another one)
                if state.get("current") == key and state["step"] == "wait-ready":
                    state["step"] = "tour"
                    watcher.waiting_for = (desk, "desk:" + key)
                    QWidget.update(desk)

            state["step"] = "wait-ready"
            state["ready"] = ready
            if laid_out is not None:
                laid_out.connect(ready)
            first_shown = getattr(desk, "firstActorsShown", None)
            if first_shown is not None:  # a large map shows its most important actors first
                first_shown.connect(lambda: setattr(watcher, "first_shown",
                                                    (desk, "partial:" + key)))
            window.select_desk(key)
            busy = getattr(desk, "busy", None)
            if laid_out is None or not (callable(busy) and busy()):
                ready()  # built and attached synchronously: shown at the next paint
            return
        if state["step"] == "wait-ready":  # in case a desk stops being busy without a signal
            busy = getattr(window.desk(state["current"]), "busy", None)
            if not (callable(busy) and busy()):
                state["ready"]()

    def finish(window) -> None:
        timer.stop()
        for key, seconds in STALLS.items():
            print("stall %s %.6f" % (key, seconds), flush=True)
        print("peak_kb %d" % peak_kb(), flush=True)
        window.close()
        QApplication.instance().quit()

    timer = QTimer()
    timer.timeout.connect(drive)

    def exec_with_probe(*args):
        app = QApplication.instance()
        app.installEventFilter(watcher)
        timer.start(2)
        return original_exec()

    QApplication.exec = exec_with_probe
    return main([str(path)])


#: Seconds between the figures shown (or a desk painted) and the next desk asked for.
THINK = 0.0

if __name__ == "__main__":
    argv = sys.argv[1:]
    if argv and argv[0].startswith("--think="):
        THINK = float(argv.pop(0).split("=", 1)[1])
    sys.exit(run(argv[0], Path(argv[1]), argv[2:]))
