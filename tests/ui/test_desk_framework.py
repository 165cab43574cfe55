"""Every desk is built the same way: on the framework's list–detail desk where it is a register,
and never hiding Qt's own widget methods (a desk's `update()` must still repaint it)."""

from __future__ import annotations

import importlib

import pytest
from PySide6.QtWidgets import QWidget

from missiondesk.ui.desks import desk_specs
from missiondesk.ui.framework.desk import ListDetailDesk

REGISTERS = {"stakeholders", "drivers", "sources", "audit"}


@pytest.mark.parametrize("spec", desk_specs(), ids=lambda s: s.key)
def test_a_desk_keeps_qts_own_methods(spec):
    cls = getattr(importlib.import_module(spec.module), spec.class_name)
    for name in ("update", "create", "repaint", "show", "hide", "close", "event"):
        assert getattr(cls, name) is getattr(QWidget, name), (spec.key, name)


@pytest.mark.parametrize("key", sorted(REGISTERS))
def test_registers_are_list_detail_desks(key):
    spec = next(s for s in desk_specs() if s.key == key)
    cls = getattr(importlib.import_module(spec.module), spec.class_name)
    assert issubclass(cls, ListDetailDesk)


def test_an_empty_register_says_so_rather_than_asking_for_a_selection(qtbot, plain_mission):
    from PySide6.QtGui import QUndoStack

    from missiondesk.ui.context import MissionBus, MissionContext
    from missiondesk.ui.drivers.desk import DriversDesk
    from missiondesk.ui.sources.desk import SourcesDesk

    bus = MissionBus()
    plain_mission.add_listener(bus.relay)
    ctx = MissionContext(plain_mission, QUndoStack(), bus)
    sources, drivers = SourcesDesk(), DriversDesk()
    for desk in (sources, drivers):
        qtbot.addWidget(desk)
        desk.attach(ctx)
    assert "No sources yet" in sources.detail.toPlainText()
    assert "No drivers yet" in drivers.detail.empty.text()
    for desk in (sources, drivers):
        desk.detach()


def test_the_relationships_title_is_never_cut_in_a_narrow_panel(qtbot):
    from missiondesk.ui.relationships.dialog import RelationshipsPanel

    panel = RelationshipsPanel()
    qtbot.addWidget(panel)
    panel.resize(320, 300)
    panel.show()
    qtbot.waitExposed(panel)
    title = panel.title
    assert title.width() >= title.fontMetrics().horizontalAdvance(title.text())
