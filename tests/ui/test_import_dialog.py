"""File ▸ Import Stakeholders… and table export, driven as a user would (offscreen)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox
from sqlalchemy import select

from missiondesk.services import team as team_service
from missiondesk.services.interchange import export_mission
from missiondesk.services.stakeholder_import import map_headers, plan_stakeholder_import
from missiondesk.services.table_io import read_table
from missiondesk.store.schema import Stakeholder
from missiondesk.ui.framework.table_export import export_rows
from missiondesk.ui.importing import dialog as import_dialog
from missiondesk.ui.importing.dialog import (
    ColumnMappingDialog,
    ImportPreviewDialog,
    ImportWorker,
    import_stakeholders,
)

FILE = ("# CONFIDENTIAL;;;;\r\n"
        "Actor;Influence;Notes;Stance;Owner\r\n"
        "Mouvement Patriotique de Carana;5;seen in Kori;Spoiler;élise ndaye\r\n"
        "Comité des sages;2;;Supportive;\r\n")


@pytest.fixture
def mission(plain_mission):
    with plain_mission.unit_of_work() as uow:
        team_service.add_team_member(uow, name="Élise Ndaye", role="CHIEF_POLITICAL")
    return plain_mission


@pytest.fixture
def errors_shown(monkeypatch):
    shown = []
    monkeypatch.setattr(QMessageBox, "critical",
                        staticmethod(lambda parent, title, text, *a: shown.append(text)))
    return shown


def _choose_file(monkeypatch, path) -> None:
    monkeypatch.setattr(QFileDialog, "getOpenFileName",
                        staticmethod(lambda *a, **k: (str(path), "")))


def _names(handle) -> dict[str, Stakeholder]:
    with handle.session() as session:
        rows = session.scalars(select(Stakeholder)).all()
        session.expunge_all()
    return {r.name: r for r in rows}


def _drive_mapping(qtbot, monkeypatch, choices: dict[int, str | None], seen: dict):
    def ask(cls, parent, raw, mapping, unknown, file_name="", **kwargs):
        dialog = cls(parent, raw, mapping, unknown, file_name, **kwargs)
        qtbot.addWidget(dialog)
        seen["unknown"] = list(dialog.combos)
        seen["intro"] = dialog.findChildren(type(dialog.error))[0].text()
        for index, column in choices.items():
            dialog.choose(index, column)
        dialog._accept()
        seen["error"] = dialog.error.text() if not dialog.error.isHidden() else ""
        return dialog.mapping

    monkeypatch.setattr(ColumnMappingDialog, "ask", classmethod(ask))


def _drive_preview(qtbot, monkeypatch, press_import: bool, seen: dict):
    def ask(cls, parent, plan, raw, file_name="", owners=None, **kwargs):
        dialog = cls(parent, plan, raw, file_name, owners, **kwargs)
        qtbot.addWidget(dialog)
        model = dialog.model
        seen["summary"] = dialog.summary.text()
        seen["rows"] = [[model.index(r, c).data() for c in range(4)]
                        for r in range(model.rowCount())]
        seen["tabs"] = [dialog.tabs.tabText(i) for i in range(dialog.tabs.count())]
        seen["problems"] = [[dialog.problems.item(r, c).text() for c in range(3)]
                            for r in range(dialog.problems.rowCount())]
        seen["import_enabled"] = dialog.import_button.isEnabled()
        if press_import and dialog.import_button.isEnabled():
            dialog.import_button.click()
        else:
            dialog.reject()
        accepted = dialog.result() == ImportPreviewDialog.DialogCode.Accepted
        return dialog.plan if accepted else None

    monkeypatch.setattr(ImportPreviewDialog, "ask", classmethod(ask))


def test_map_preview_and_import(qtbot, mission, tmp_path, monkeypatch):
    path = tmp_path / "acteurs.csv"
    path.write_bytes(FILE.encode("cp1252"))
    _choose_file(monkeypatch, path)
    mapping_seen, preview_seen = {}, {}
    _drive_mapping(qtbot, monkeypatch, {0: "name"}, mapping_seen)
    _drive_preview(qtbot, monkeypatch, True, preview_seen)

    text = import_stakeholders(None, mission)

    assert mapping_seen["unknown"] == [0, 2]  # Actor, Notes; the others were recognised
    assert "these columns of acteurs.csv" in mapping_seen["intro"]
    assert mapping_seen["error"] == ""
    assert preview_seen["summary"].startswith("Import will create 2 and update 0")
    assert preview_seen["tabs"] == ["Rows (2)"]
    assert preview_seen["rows"][0][:3] == ["3", "New", "Mouvement Patriotique de Carana"]
    assert "stance: Spoiler" in preview_seen["rows"][0][3]
    assert "owner: Élise Ndaye" in preview_seen["rows"][0][3]
    assert preview_seen["import_enabled"]
    assert text == "Imported stakeholders: 2 new, 0 updated, 0 unchanged."
    rows = _names(mission)
    assert rows["Mouvement Patriotique de Carana"].stance_peace == "spoiler"
    assert rows["Comité des sages"].influence == 2
    assert rows["Comité des sages"].classification == "CONFIDENTIAL"

    # The same file again: nothing to import, no duplicate.
    again = {}
    _drive_preview(qtbot, monkeypatch, True, again)
    assert import_stakeholders(None, mission) is None
    assert again["summary"].startswith("Every stakeholder in the file is already")
    assert not again["import_enabled"]
    assert [r[1] for r in again["rows"]] == ["Unchanged", "Unchanged"]
    assert len(_names(mission)) == 2


def test_an_update_shows_old_and_new_values(qtbot, mission, tmp_path, monkeypatch):
    path = tmp_path / "a.csv"
    path.write_text("name,influence,stance\nKori elders,3,ambivalent\n", encoding="utf-8")
    _choose_file(monkeypatch, path)
    _drive_preview(qtbot, monkeypatch, True, {})
    import_stakeholders(None, mission)
    path.write_text("name,influence,stance\nKORI ELDERS,4,ambivalent\n", encoding="utf-8")
    seen = {}
    _drive_preview(qtbot, monkeypatch, True, seen)
    assert import_stakeholders(None, mission) == \
        "Imported stakeholders: 0 new, 1 updated, 0 unchanged."
    assert seen["rows"] == [["2", "Update", "Kori elders", "influence: 3 \u2192 4"]]
    assert _names(mission)["Kori elders"].influence == 4


def test_cancel_at_the_preview_writes_nothing(qtbot, mission, tmp_path, monkeypatch):
    path = tmp_path / "a.csv"
    path.write_text("name,influence\nKori elders,3\n", encoding="utf-8")
    _choose_file(monkeypatch, path)
    before = export_mission(mission)
    seen = {}
    _drive_preview(qtbot, monkeypatch, False, seen)
    assert import_stakeholders(None, mission) is None
    assert seen["import_enabled"]
    assert export_mission(mission) == before


def test_cancel_at_the_mapping_writes_nothing(qtbot, mission, tmp_path, monkeypatch):
    path = tmp_path / "a.csv"
    path.write_text("who,influence\nKori elders,3\n", encoding="utf-8")
    _choose_file(monkeypatch, path)
    before = export_mission(mission)
    monkeypatch.setattr(ColumnMappingDialog, "ask", classmethod(lambda cls, *a, **k: None))
    monkeypatch.setattr(ImportPreviewDialog, "ask",
                        classmethod(lambda cls, *a, **k: pytest.fail("no preview")))
    assert import_stakeholders(None, mission) is None
    assert export_mission(mission) == before


def test_problems_are_listed_by_row_and_column_and_import_is_off(qtbot, mission, tmp_path,
                                                                 monkeypatch):
    path = tmp_path / "bad.csv"
    path.write_text("name,kind,influence\nA,person,3\n,individual,9\n", encoding="utf-8")
    _choose_file(monkeypatch, path)
    before = export_mission(mission)
    seen = {}
    _drive_preview(qtbot, monkeypatch, True, seen)
    assert import_stakeholders(None, mission) is None
    assert seen["summary"].startswith("Nothing can be imported: the file has 3 problem(s).")
    assert seen["tabs"] == ["Unknown values (1)", "Problems (3)", "Rows (2)"]  # "person"
    assert seen["problems"][0] == [
        "2", "B (kind)", "\u201cperson\u201d is not allowed; use one of: individual, "
        "organization, coalition, community, state, institution."]
    assert ["3", "C (influence)", "\u201c9\u201d is not allowed; use a whole number from 1 "
            "to 5."] in seen["problems"]
    assert ["3", "", "The name is empty."] in seen["problems"]
    assert [r[1] for r in seen["rows"]] == ["Problem", "Problem"]
    assert not seen["import_enabled"]
    assert export_mission(mission) == before


@pytest.mark.parametrize("content,message", [
    (b"", "The file is empty."),
    (b"name;kind\r\n", "The file has column names but no rows."),
    (b"\xd0\xcf\x11\xe0" + b"\x00" * 64, "is an old Excel workbook (.xls): save it as .xlsx"),
])
def test_unreadable_files_get_one_sentence(qtbot, mission, tmp_path, monkeypatch, errors_shown,
                                           content, message):
    path = tmp_path / "t.xls"
    path.write_bytes(content)
    _choose_file(monkeypatch, path)
    assert import_stakeholders(None, mission) is None
    assert len(errors_shown) == 1 and message in errors_shown[0]
    assert "\n" not in errors_shown[0]


def test_mapping_dialog_refuses_two_columns_for_one_field_and_no_name(qtbot, tmp_path):
    path = tmp_path / "a.csv"
    path.write_text("who,also who,influence\nA,B,3\n", encoding="utf-8")
    raw = read_table(path)
    dialog = ColumnMappingDialog(None, raw, map_headers(raw.headers), [0, 1], "a.csv")
    qtbot.addWidget(dialog)
    influence = dialog.combos[0].findData("influence")
    assert not dialog.combos[0].model().item(influence).isEnabled()  # already column C
    dialog._accept()
    assert dialog.mapping is None
    assert dialog.error.text() == "One column must hold the stakeholders\u2019 names."
    dialog.choose(0, "name")
    dialog.choose(1, "name")
    dialog._accept()
    assert dialog.mapping is None
    assert dialog.error.text().startswith("Columns A, B are all imported as \u201cName\u201d")
    dialog.choose(1, "aliases")
    dialog._accept()
    assert dialog.mapping == {0: "name", 1: "aliases", 2: "influence"}
    assert dialog.result() == ColumnMappingDialog.DialogCode.Accepted


def test_a_cancelled_import_rolls_back(qtbot, mission, tmp_path):
    path = tmp_path / "many.csv"
    path.write_text("name\n" + "\n".join("Group %d" % i for i in range(500)), encoding="utf-8")
    raw = read_table(path)
    plan = plan_stakeholder_import(mission, raw, map_headers(raw.headers))
    before = export_mission(mission)
    worker = ImportWorker(mission, plan)
    worker.cancel()
    worker.start()
    assert worker.wait(30_000)
    assert isinstance(worker.error, import_dialog._Cancelled)
    assert worker.counts is None
    assert export_mission(mission) == before


def test_export_rows_by_filter_and_extension(qtbot, tmp_path, monkeypatch, errors_shown):
    headers = ["Name", "Influence"]
    rows = [["Élysée", 3], ["Kori elders", 4]]
    answers = iter([(str(tmp_path / "view"), "Excel workbook (*.xlsx)"),
                    (str(tmp_path / "view.csv"), "Excel workbook (*.xlsx)"),
                    (str(tmp_path / "missing" / "x.csv"), "CSV, UTF-8 (*.csv)"),
                    ("", "")])
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda *a, **k: next(answers)))
    written = export_rows(None, "stakeholders.csv", headers, rows,
                          ["UNCLASSIFIED", "CONFIDENTIAL"])
    assert written == tmp_path / "view.xlsx"
    table = read_table(written)
    assert table.classification == "CONFIDENTIAL" and table.rows[0] == ["Élysée", "3"]
    written = export_rows(None, "stakeholders.csv", headers, rows, "STRICTLY CONFIDENTIAL")
    assert written == tmp_path / "view.csv"  # the extension typed wins over the filter
    assert written.read_bytes().startswith(b"\xef\xbb\xbf# STRICTLY CONFIDENTIAL\r\n")
    assert export_rows(None, "x.csv", headers, rows, "UNCLASSIFIED") is None
    assert len(errors_shown) == 1 and errors_shown[0].startswith("MissionDesk could not write")
    assert export_rows(None, "x.csv", headers, rows, "UNCLASSIFIED") is None  # cancelled
    assert len(errors_shown) == 1


def test_preview_table_is_a_model_not_items(qtbot, mission, tmp_path):
    # 10,000 rows must open instantly: a model with fixed row heights, no per-row widgets.
    path = tmp_path / "big.csv"
    path.write_text("name\n" + "\n".join("Group %d" % i for i in range(10_000)),
                    encoding="utf-8")
    raw = read_table(path)
    plan = plan_stakeholder_import(mission, raw, map_headers(raw.headers))
    dialog = ImportPreviewDialog(None, plan, raw, "big.csv")
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.model.rowCount() == 10_000
    assert dialog.rows.model().index(9_999, 2).data(Qt.ItemDataRole.DisplayRole) == "Group 9999"


def test_the_file_is_read_in_a_worker_that_cancel_stops(qtbot, mission, tmp_path, monkeypatch):
    """A big or hostile file is read off the GUI thread: the window keeps answering while it
    is read, the progress dialog's Cancel stops the read, and nothing is written."""
    import threading

    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QProgressDialog, QPushButton

    from missiondesk.services import table_io

    path = tmp_path / "many.csv"
    path.write_text("name\n" + "\n".join("Group %d" % i for i in range(3_000)), encoding="utf-8")
    _choose_file(monkeypatch, path)
    seen = {"threads": [], "reports": 0, "gui_answered": False}
    monkeypatch.setattr(ImportPreviewDialog, "ask",
                        classmethod(lambda cls, *a, **k: seen.setdefault("preview", True)
                                    and False))
    before = export_mission(mission)
    real_read = table_io.read_table
    reading, cancel_pressed = threading.Event(), threading.Event()

    def read_table(file, progress=None):
        seen["threads"].append(threading.current_thread() is threading.main_thread())

        def report(done, total):
            reading.set()
            seen["reports"] += 1
            assert cancel_pressed.wait(30), "the GUI thread never pressed Cancel"
            if progress is not None:
                progress(done, total)

        return real_read(file, report) if progress is not None else real_read(file)

    monkeypatch.setattr(table_io, "read_table", read_table)

    def while_reading():
        if not reading.is_set():
            if seen["threads"] == [True]:  # read on the GUI thread: nothing to wait for
                return
            QTimer.singleShot(10, while_reading)
            return
        seen["gui_answered"] = True  # this timer ran on the GUI thread during the read
        dialogs = [w for w in QApplication.topLevelWidgets() if isinstance(w, QProgressDialog)]
        seen["dialogs"] = len(dialogs)
        for dialog in dialogs:
            dialog.findChild(QPushButton).click()  # the dialog's Cancel button
        cancel_pressed.set()

    QTimer.singleShot(0, while_reading)
    result = import_stakeholders(None, mission)
    cancel_pressed.set()
    assert seen["threads"] == [False]  # read in a worker, not on the GUI thread
    assert seen["gui_answered"] and seen["dialogs"] == 1
    assert seen["reports"] == 1  # the read stopped at the report after Cancel (of 6)
    assert result == "Import cancelled: nothing was written."
    assert "preview" not in seen
    assert export_mission(mission) == before
