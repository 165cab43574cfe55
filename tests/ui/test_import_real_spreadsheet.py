"""Issue 9, defect 13: importing as a user with their own spreadsheet (offscreen).

The public actor network of `tests/fixtures/imported/` as its analyst first typed it: 27 of 45
rows carry categories such as `individual:head_of_state` and were refused. In the preview each
unknown value is listed once with a code to choose; choosing re-plans the rows; the choices
are remembered for the next file with the same columns. File ▸ Import Relationships… runs the
same flow, with the citation column kept as each relationship's evidence note."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QFileDialog

from missiondesk.cli import main as cli_main
from missiondesk.services import relationships as rel
from missiondesk.services.stakeholders import list_stakeholders
from missiondesk.ui.dialogs import Identity, IdentityDialog
from missiondesk.ui.importing.dialog import (
    ColumnMappingDialog,
    ImportPreviewDialog,
    PlanModel,
    import_stakeholders,
)
from missiondesk.ui.main_window import MainWindow
from missiondesk.ui.settings import Settings
from tests.services.imported import STAKEHOLDERS
from tests.services.test_import_value_map import (
    CHOSEN,
    raw_relationships_file,
    raw_stakeholders_file,
)


def _choose_file(monkeypatch, path) -> None:
    monkeypatch.setattr(QFileDialog, "getOpenFileName",
                        staticmethod(lambda *a, **k: (str(path), "")))
    # Every column of these files is recognised (the URL and citation ones as evidence).
    monkeypatch.setattr(ColumnMappingDialog, "ask", classmethod(
        lambda cls, *a, **k: pytest.fail("a column was not recognised")))


def _actions(dialog) -> list[str]:
    model = dialog.model
    return [model.index(r, 1).data() for r in range(model.rowCount())]


def _drive_preview(qtbot, monkeypatch, seen: dict, choose: dict | None = None):
    """Look at the preview, map the values given as {(column, value): code}, press Import."""

    def ask(cls, parent, plan, raw, file_name="", owners=None, **kwargs):
        dialog = cls(parent, plan, raw, file_name, owners, **kwargs)
        qtbot.addWidget(dialog)
        seen["summary"] = dialog.summary.text()
        seen["tabs"] = [dialog.tabs.tabText(i) for i in range(dialog.tabs.count())]
        seen["values"] = dialog.value_choices.values()
        seen["offered"] = {key: combo.currentData()
                           for key, combo in dialog.value_choices.combos.items()}
        seen["refused"] = _actions(dialog).count("Problem")
        seen["after"] = []
        for (column, value), code in (choose or {}).items():
            dialog.map_value(column, value, code)
            seen["after"].append(_actions(dialog).count("Problem"))
        seen["final_summary"] = dialog.summary.text()
        seen["final_tabs"] = [dialog.tabs.tabText(i) for i in range(dialog.tabs.count())]
        seen["import_enabled"] = dialog.import_button.isEnabled()
        if dialog.import_button.isEnabled():
            dialog.import_button.click()
        else:
            dialog.reject()
        return dialog.plan if dialog.result() == cls.DialogCode.Accepted else None

    monkeypatch.setattr(ImportPreviewDialog, "ask", classmethod(ask))


def test_unknown_categories_are_mapped_in_the_preview_and_remembered(qtbot, plain_mission,
                                                                     tmp_path, monkeypatch):
    path, clean = raw_stakeholders_file(tmp_path)
    _choose_file(monkeypatch, path)
    first = {"category": "individual:head_of_state"}
    choose = {("category", "individual:head_of_state"): "host_government"}
    choose.update({("category", value): code for value, code in CHOSEN.items()
                   if value != first["category"]})
    seen: dict = {}
    _drive_preview(qtbot, monkeypatch, seen, choose)

    text = import_stakeholders(None, plain_mission)

    assert seen["refused"] == 27
    assert seen["tabs"] == ["Unknown values (12)", "Problems (27)", "Rows (45)"]
    assert seen["summary"].startswith("Nothing can be imported: the file has 27 problem(s). "
                                      "Choose a code for each unknown value")
    assert ("category", "individual:head_of_state") in seen["values"]
    assert len(seen["values"]) == 12  # each value once, however many rows hold it
    assert set(seen["offered"].values()) == {None}  # nothing chosen for the user
    assert seen["after"][0] == 26  # mapping one value re-planned its row
    assert seen["after"][-1] == 0
    assert seen["final_tabs"] == ["Values mapped", "Rows (45)"]
    assert seen["final_summary"].startswith("Import will create 45 and update 0 stakeholder(s)")
    assert text == "Imported stakeholders: 45 new, 0 updated, 0 unchanged."
    rows = {r.name: r for r in list_stakeholders(plain_mission)}
    assert {name: r.category for name, r in rows.items()} == clean
    assert rows["Présidence de la République"].category == "host_government"
    from missiondesk.services.stakeholders import get_stakeholder

    chad = get_stakeholder(plain_mission, rows["Chad"].id)
    assert chad.description == "https://example.org/actors/23"  # the URL column

    # The next file with the same columns: the choices are offered again, nothing refused.
    again: dict = {}
    _drive_preview(qtbot, monkeypatch, again)
    assert import_stakeholders(None, plain_mission) is None  # nothing left to import
    assert again["refused"] == 0
    assert again["offered"][("category", "individual:head_of_state")] == "host_government"
    assert again["tabs"] == ["Values mapped", "Rows (45)"]
    assert again["summary"].startswith("Every stakeholder in the file is already")


def test_file_menu_imports_relationships_with_values_mapped(qtbot, tmp_path, monkeypatch):
    mission = tmp_path / "car.mdesk"
    assert cli_main(["import", str(mission), "--stakeholders", str(STAKEHOLDERS),
                     "--no-passphrase"]) == 0
    monkeypatch.setattr(IdentityDialog, "choose", classmethod(
        lambda cls, parent, members: Identity(None, "Analyst", "OTHER")))
    window = MainWindow(Settings())
    qtbot.addWidget(window)
    window.show()
    assert not window.import_relationships_action.isEnabled()  # no mission open
    assert window.open_path(mission)
    try:
        assert window.import_relationships_action.isEnabled()
        file_menu = window.menuBar().actions()[0].menu()
        assert window.import_relationships_action in file_menu.actions()
        assert window.import_relationships_action.text() == "Import Re&lationships\u2026"
        _choose_file(monkeypatch, raw_relationships_file(tmp_path))
        seen: dict = {}
        _drive_preview(qtbot, monkeypatch, seen, {("type", "attacked"): "attacks",
                                                  ("confidence", "likely"): "probable"})
        window.import_relationships_action.trigger()
        assert seen["tabs"] == ["Unknown values (2)", "Problems (22)", "Rows (72)"]
        assert seen["after"] == [17, 0]  # rows: 20 refused, 17 "likely"
        assert seen["import_enabled"]
        assert window.statusBar().currentMessage() == \
            "Imported relationships: 72 new, 0 updated, 0 unchanged."
        views = rel.list_relationships(window.ctx.handle)
        assert len(views) == 72
        assert sum(1 for v in views if v.type == "attacks") == 5
        cited = [v.evidence_note for v in views]
        assert None not in cited  # the file's own notes and its citations
        assert sum(1 for n in cited if n.startswith("UN Panel of Experts, S/2023/")) == 63
    finally:
        window.close_mission()


def test_preview_model_passes_the_model_tester(qtmodeltester, plain_mission, tmp_path):
    from missiondesk.services.stakeholder_import import map_headers, plan_stakeholder_import
    from missiondesk.services.table_io import read_table

    path, _clean = raw_stakeholders_file(tmp_path)
    raw = read_table(path)
    plan = plan_stakeholder_import(plain_mission, raw, map_headers(raw.headers))
    model = PlanModel(plan.rows, {})
    model.sort(1)
    qtmodeltester.check(model)


@pytest.mark.parametrize("column", ["Source URL", "citation", "Lien"])
def test_a_url_or_citation_column_is_recognised_as_evidence(column):
    from missiondesk.services import relationship_import, stakeholder_import

    assert stakeholder_import.recognise_header(column) == "evidence"
    assert relationship_import.recognise_header(column) == "source_note"
