"""What a desk gets when a mission opens: the handle, the undo stack, the change signal."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoStack

if TYPE_CHECKING:  # the store loads after the window paints
    from missiondesk.store.handle import Changed, MissionHandle
    from missiondesk.ui.preload import Prefetch


class MissionBus(QObject):
    """Adapts the handle's listeners into one Qt signal, delivered on the GUI thread.

    The handle calls `relay` on whatever thread committed; Qt queues the emission to this
    object's (the GUI) thread when they differ.
    """

    missionChanged = Signal(object)  # a store.handle.Changed

    def relay(self, changed: Changed) -> None:
        self.missionChanged.emit(changed)


@dataclass
class MissionContext:
    handle: MissionHandle
    undo_stack: QUndoStack
    bus: MissionBus
    #: Reads done ahead in the background (the map's inputs), None when nothing is read ahead.
    prefetch: Prefetch | None = None
