"""The one "mission changed" signal arrives on the GUI thread, whoever committed."""

from __future__ import annotations

import threading

from PySide6.QtCore import QThread
from PySide6.QtWidgets import QApplication

from missiondesk.services import mission as mission_service
from missiondesk.ui.context import MissionBus


def test_change_committed_by_a_worker_thread_is_delivered_on_the_gui_thread(qtbot,
                                                                           plain_mission):
    bus = MissionBus()
    plain_mission.add_listener(bus.relay)
    received = []
    bus.missionChanged.connect(
        lambda changed: received.append((changed, QThread.currentThread())))

    def worker():
        current = mission_service.get_mission(plain_mission)
        with plain_mission.unit_of_work() as uow:
            mission_service.update_mission(uow, expected_revision=current.revision,
                                           acronym="WRK")

    with qtbot.waitSignal(bus.missionChanged, timeout=5000):
        thread = threading.Thread(target=worker)
        thread.start()
        thread.join()
    changed, thread_seen = received[0]
    assert changed.touches("mission")
    assert thread_seen is QApplication.instance().thread()
