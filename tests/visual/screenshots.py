"""Screenshots of every desk, for a human to look at (not a test: pytest does not collect it).

    QT_QPA_PLATFORM=offscreen python tests/visual/screenshots.py OUT

opens (a) the encrypted Carana demo, written in a temporary folder by `missiondesk demo`, and
(b) the imported network of tests/services/imported.py, shows the main window at 1366x768 and
at 1920x1080, visits every desk of `desk_specs()` through the window's navigation, waits for
it to settle (the map lays out in a worker) and saves `OUT/<mission>-<w>x<h>-<desk>.png`; then
the map's PDF export (`OUT/<mission>-map.pdf`) and its pages as PNG through `pdftoppm -png`.
It prints every file written. Nothing goes to the user's own folders: the data, config and
settings folders point into the temporary folder.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SIZES = ((1366, 768), (1920, 1080))
PASSPHRASE = "screenshots — a long 'passphrase' \\ Ωmega"
SETTLE_SECONDS = 30.0


def _isolate(folder: Path) -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    home = folder / "home"
    os.environ["MISSIONDESK_HOME"] = str(home)
    os.environ["XDG_CONFIG_HOME"] = str(home / "xdg-config")
    os.environ["XDG_DATA_HOME"] = str(home / "xdg-data")
    os.environ.pop("MISSIONDESK_PASSPHRASE", None)
    os.environ["MISSIONDESK_USER"] = "Screenshots"


def _no_modal_dialogs() -> None:
    """A nested event loop would wait for a click forever offscreen: who you are is the first
    team member (or a new one), and a message box is printed and answered Yes."""
    from PySide6.QtWidgets import QMessageBox

    from missiondesk.ui.dialogs import Identity, IdentityDialog

    def choose(cls, parent, members):
        if members:
            return Identity(members[0].id, members[0].name, members[0].role)
        return Identity(None, "Screenshots", "OTHER")

    def box(kind):
        def show(parent, title, text, *args, **kwargs):
            print("%s: %s" % (kind, text), file=sys.stderr)
            return QMessageBox.StandardButton.Yes
        return staticmethod(show)

    IdentityDialog.choose = classmethod(choose)
    for kind in ("critical", "warning", "information", "question"):
        setattr(QMessageBox, kind, box(kind))


def make_demo(folder: Path) -> Path:
    """The encrypted Carana demo, written by the command line as a user would."""
    target = folder / "carana.mdesk"
    secret = folder / "passphrase.txt"
    secret.write_text(PASSPHRASE + "\n", encoding="utf-8")
    secret.chmod(0o600)
    subprocess.run([sys.executable, "-m", "missiondesk", "demo", str(target),
                    "--passphrase-file", str(secret)], check=True, cwd=ROOT,
                   stdout=subprocess.DEVNULL)
    return target


def make_imported(folder: Path) -> Path:
    from tests.services.imported import import_network

    return import_network(folder / "imported.mdesk")


def _settle(app, desk, seconds: float = SETTLE_SECONDS) -> None:
    """Let the desk finish what it started (the map's layout worker, deferred fills)."""
    deadline = time.monotonic() + seconds
    busy = getattr(desk, "busy", None)
    while time.monotonic() < deadline:
        app.processEvents()
        if not (callable(busy) and busy()):
            break
        time.sleep(0.02)
    else:
        print("warning: %s still busy after %.0f s" % (type(desk).__name__, seconds),
              file=sys.stderr)
    for _ in range(20):  # pending timers and repaints
        app.processEvents()
        time.sleep(0.01)


def shoot(window, app, mission: str, out: Path) -> list[Path]:
    written = []
    for width, height in SIZES:
        window.resize(width, height)
        app.processEvents()
        for row, spec in enumerate(window._specs):  # noqa: SLF001 - the navigation's order
            window.nav.setCurrentRow(row)
            desk = window.stack.currentWidget()
            if desk is not window.desk(spec.key):
                print("warning: navigating to %s showed another desk" % spec.key,
                      file=sys.stderr)
            _settle(app, desk)
            if window.width() != width or window.height() != height:
                print("warning: %s at %dx%d: the window is %dx%d (minimum %dx%d)" % (
                    spec.key, width, height, window.width(), window.height(),
                    window.minimumSizeHint().width(), window.minimumSizeHint().height()),
                    file=sys.stderr)
            path = out / ("%s-%dx%d-%s.png" % (mission, width, height, spec.key))
            window.grab().save(str(path))
            written.append(path)
            if spec.key == "commitments":  # its second tab: the engagement gaps
                desk.show_gaps()
                _settle(app, desk)
                gaps = out / ("%s-%dx%d-commitments-gaps.png" % (mission, width, height))
                window.grab().save(str(gaps))
                written.append(gaps)
                desk.tabs.setCurrentIndex(0)
            if spec.key == "mandate":  # its other tabs (the tasks are the first)
                tasks = desk.tab("tasks")  # the ceasefire task (28(b)) and its links
                linked = next((r for r in tasks.model.rows() if r.stakeholder_ids), None)
                if linked is not None:
                    tasks.select_id(linked.id)
                    _settle(app, desk)
                    shot = out / ("%s-%dx%d-mandate-task-links.png" % (mission, width, height))
                    window.grab().save(str(shot))
                    written.append(shot)
                for key in ("benchmarks", "indicators", "board", "cycle", "consultations",
                            "consultations-summary"):
                    tab = desk.select_tab(key.split("-")[0])
                    if key.endswith("summary"):  # the summary of inputs beside the log
                        tab.detail_tabs.setCurrentIndex(1)
                    _settle(app, desk)
                    shot = out / ("%s-%dx%d-mandate-%s.png" % (mission, width, height, key))
                    window.grab().save(str(shot))
                    written.append(shot)
                desk.tab("consultations").detail_tabs.setCurrentIndex(0)
                desk.tabs.setCurrentIndex(0)
            if spec.key == "leadership":  # its RACI, Time and Handover tabs
                for index, key in ((1, "raci"), (2, "time"), (3, "handover")):
                    desk.tabs.setCurrentIndex(index)
                    _settle(app, desk)
                    shot = out / ("%s-%dx%d-leadership-%s.png" % (mission, width, height, key))
                    window.grab().save(str(shot))
                    written.append(shot)
                desk.tabs.setCurrentIndex(0)
            if spec.key == "communications":  # its tabs after the objectives
                for key in ("audiences", "messages", "plan", "coverage", "milestones",
                            "calendar", "media", "rumours"):
                    desk.select_tab(key)
                    _settle(app, desk)
                    shot = out / ("%s-%dx%d-communications-%s.png" % (mission, width, height,
                                                                     key))
                    window.grab().save(str(shot))
                    written.append(shot)
                desk.tabs.setCurrentIndex(0)
            if spec.key == "engagements":  # the quick capture over it, filled in
                capture = out / ("%s-%dx%d-quick-capture.png" % (mission, width, height))
                shoot_quick_capture(window, app, desk, capture)
                written.append(capture)
    return written


def shoot_quick_capture(window, app, desk, path: Path) -> None:
    """The quick capture with a meeting typed in: completion, a badge, two commitments."""
    from missiondesk.ui.engagements.capture import QuickCaptureDialog

    dialog = QuickCaptureDialog(desk._ctx, window)  # noqa: SLF001 - the desk's mission
    dialog.show()
    people = [p for p in dialog.people if p.kind == "stakeholder"]
    dialog.counterparts.set_persons(people[:1] + [p for p in people if p.flags][:1])
    dialog.location.setText("Corma")
    dialog.outcome.setPlainText("Agreed to convene the Joint Ceasefire Commission next week; "
                                "asked the mission for guarantees on the cantonment site.")
    for what, due in (("Convene the JCC", "+7"), ("Share the cantonment site plan", "")):
        row = dialog.add_commitment()
        row.what.setText(what)
        row.due.setText(due)
    dialog.counterparts.setFocus()
    dialog.counterparts.setText(dialog.counterparts.text() + "; gen")
    dialog.counterparts.textEdited.emit(dialog.counterparts.text())  # the offers show
    _settle(app, dialog, 0.3)
    dialog.grab().save(str(path))
    dialog.counterparts.popup.grab().save(str(path.with_name(path.stem + "-offers.png")))
    dialog.done(0)
    dialog.deleteLater()
    app.processEvents()


def export_map_pdf(window, app, mission: str, out: Path) -> list[Path]:
    row = [spec.key for spec in window._specs].index("map")  # noqa: SLF001
    window.nav.setCurrentRow(row)
    desk = window.desk("map")
    _settle(app, desk)
    pdf = Path(desk.export_image(out / ("%s-map.pdf" % mission), "pdf"))
    written = [pdf]
    if shutil.which("pdftoppm"):
        prefix = out / ("%s-map-pdf" % mission)
        subprocess.run(["pdftoppm", "-png", "-r", "110", str(pdf), str(prefix)], check=True)
        written += sorted(out.glob("%s-map-pdf*.png" % mission))
    else:
        print("warning: pdftoppm not found; the PDF is not rendered", file=sys.stderr)
    return written


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python tests/visual/screenshots.py OUT", file=sys.stderr)
        return 2
    out = Path(argv[0]).resolve()
    out.mkdir(parents=True, exist_ok=True)
    sys.path.insert(0, str(ROOT))
    with tempfile.TemporaryDirectory(prefix="md-shots-") as temp:
        folder = Path(temp)
        _isolate(folder)
        from PySide6.QtWidgets import QApplication

        app = QApplication.instance() or QApplication(["missiondesk-screenshots"])
        from missiondesk.ui.main_window import MainWindow
        from missiondesk.ui.settings import Settings

        _no_modal_dialogs()

        missions = (("carana", make_demo(folder), PASSPHRASE),
                    ("imported", make_imported(folder), None))
        written: list[Path] = []
        for name, path, passphrase in missions:
            window = MainWindow(Settings())
            window.show()
            app.processEvents()
            try:
                if not window.open_path(path, passphrase=passphrase):
                    print("error: %s did not open" % path.name, file=sys.stderr)
                    return 1
                written += shoot(window, app, name, out)
                written += export_map_pdf(window, app, name, out)
            finally:
                window.close_mission()
                window.close()
                window.deleteLater()
                app.processEvents()
        for path in written:
            print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
