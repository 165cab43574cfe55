"""The power–interest grid of the Stakeholders desk: the stakeholders of the current filter by
influence and interest (drawn by `figures.power_interest`); a click on a point selects it."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from missiondesk.labels import peace_stance_label
from missiondesk.store.vocab import PeaceStance


class PowerInterestGrid(QWidget):
    #: a point was clicked: the stakeholder's id
    stakeholderPicked = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.canvas = None
        self.ids: list[str] = []
        self._names: dict[str, str] = {}
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self.hint = QLabel(self.tr("Stakeholders of the current filter by influence and "
                                   "interest; click a point to select it."))
        self._layout.addWidget(self.hint)

    def draw(self, rows: list) -> None:
        """Draw these rows (`StakeholderRow` values), replacing the previous figure."""
        from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg

        from missiondesk.figures.power_interest import (
            GridPoint,
            power_interest_figure,
            short_label,
        )

        points = [GridPoint(r.id, r.name, r.influence, r.interest, r.stance_peace,
                            r.do_not_engage or r.sanctioned or r.hrddp_flag,
                            short_label(r.name, r.aliases)) for r in rows]
        self._names = {r.id: r.name for r in rows}
        figure, self.ids = power_interest_figure(
            points, title=self.tr("Power\u2013interest grid (%d stakeholders)") % len(points),
            x_label=self.tr("Interest"), y_label=self.tr("Influence (power)"),
            quadrants={"manage_closely": self.tr("Manage closely"),
                       "keep_satisfied": self.tr("Keep satisfied"),
                       "keep_informed": self.tr("Keep informed"),
                       "monitor": self.tr("Monitor")},
            stance_labels={s.value: peace_stance_label(s.value) for s in PeaceStance})
        if self.canvas is not None:
            self._layout.removeWidget(self.canvas)
            self.canvas.deleteLater()
        self.canvas = FigureCanvasQTAgg(figure)
        self.canvas.mpl_connect("pick_event", self.picked)
        self.canvas.mpl_connect("motion_notify_event", self._hover)
        self._layout.addWidget(self.canvas, 1)

    def picked(self, event) -> None:
        """matplotlib's pick event: the points under the click (`event.ind`)."""
        if len(event.ind):
            self.stakeholderPicked.emit(self.ids[int(event.ind[0])])

    def _hover(self, event) -> None:
        """The name of the point under the mouse, for the points without a label."""
        if event.inaxes is None or self.canvas is None:
            return
        hit = ""
        for collection in event.inaxes.collections[:1]:
            inside, info = collection.contains(event)
            if inside and len(info.get("ind", [])):
                hit = self._names.get(self.ids[int(info["ind"][0])], "")
        self.canvas.setToolTip(hit)
