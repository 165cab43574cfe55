"""The Mandate desk: the Council mandate the mission works to, and one tab per part of it.

Over the tabs, the mandate's header: its resolution (a choice when the mission holds several;
the current one is the latest adopted unless the user chose another), adoption, pen-holder and
expiry with a countdown, and New / Edit / Delete of mandates (undoable).

The tabs come from `TABS`, one line per tab: (key, title function, module, class name). A tab's
module is imported and its widget built the first time the tab is shown, so opening the desk
pays for one tab only. A tab is a QWidget with `attach(ctx)` (a mission opened), `detach()` (it
closed), when it shows records `show_record(record_id)` (select it; False if it is not one of
its records) and, when it shows one mandate's records, `set_mandate(mandate)` (a
`services.mandate.MandateView`, or None when the mission has no mandate), called after attach
and whenever the mandate shown changes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from missiondesk.ui.framework.commands import RecordActions
from missiondesk.ui.framework.tabs import LazyTabs
from missiondesk.ui.mandate.labels import countdown_text

if TYPE_CHECKING:
    from missiondesk.services.mandate import MandateView
    from missiondesk.ui.context import MissionContext


def _t(text: str) -> str:
    return QCoreApplication.translate("MandateDesk", text)


_PACKAGE = "missiondesk.ui.mandate."

#: The desk's tabs, in order: (key, title, module, class name).
TABS: list[tuple[str, Callable[[], str], str, str]] = [
    ("tasks", lambda: _t("Tasks"), _PACKAGE + "tasks", "TasksTab"),
    ("benchmarks", lambda: _t("Benchmarks"), _PACKAGE + "benchmarks", "BenchmarksTab"),
    ("indicators", lambda: _t("Indicators"), _PACKAGE + "indicators", "IndicatorsTab"),
    ("board", lambda: _t("Board"), _PACKAGE + "board", "BoardTab"),
    ("cycle", lambda: _t("Council Cycle"), _PACKAGE + "cycle", "CycleTab"),
    ("consultations", lambda: _t("Consultations"), _PACKAGE + "consultations",
     "ConsultationsTab"),
]

#: Days before expiry when the countdown turns amber, then red.
WARN_DAYS, URGENT_DAYS = 90, 30


class MandateDesk(QWidget):
    """The mandate's header and a tab per part of the mandate, each built when first shown."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx: MissionContext | None = None
        self._mandates: list[MandateView] = []
        self._chosen: str | None = None
        self.mandate: MandateView | None = None
        self.actions: RecordActions | None = None

        self.choice = QComboBox()
        self.choice.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.choice.setToolTip(self.tr("The mandate shown (the latest adopted, unless you "
                                       "choose another)"))
        self.choice.activated.connect(self._chose)
        self.details = QLabel()
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.countdown = QLabel()
        self.countdown.setObjectName("mandateCountdown")
        self.new_button = QPushButton(self.tr("New Mandate\u2026"))
        self.new_button.clicked.connect(self.new_mandate)
        self.edit_button = QPushButton(self.tr("Edit\u2026"))
        self.edit_button.clicked.connect(self.edit_mandate)
        self.delete_button = QPushButton(self.tr("Delete"))
        self.delete_button.clicked.connect(self.delete_mandate)
        header = QHBoxLayout()
        header.setContentsMargins(8, 6, 8, 0)
        header.addWidget(self.choice)
        header.addWidget(self.details, 1)
        header.addWidget(self.countdown)
        header.addSpacing(12)
        for button in (self.new_button, self.edit_button, self.delete_button):
            header.addWidget(button)

        self.tabs = LazyTabs(TABS, self._tab_built)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addLayout(header)
        layout.addWidget(self.tabs, 1)
        self.tabs.build_current()
        self._show_header()

    # --- the tabs ------------------------------------------------------------------------------

    def keys(self) -> list[str]:
        return self.tabs.keys()

    def tab(self, key: str) -> QWidget:
        """The tab's widget, built (and attached to the open mission) on first use."""
        return self.tabs.tab(key)

    def select_tab(self, key: str) -> QWidget:
        return self.tabs.select_tab(key)

    def _tab_built(self, widget: QWidget) -> None:
        if self._ctx is not None:
            widget.attach(self._ctx)
            self._give_mandate(widget)

    def show_record(self, record_id: str) -> bool:
        """Show a record (a task, benchmark, indicator...) in the tab that holds it; a record
        of another mandate shows that mandate first."""
        if self._ctx is not None and self.mandate is not None:
            from missiondesk.services import mandate as service

            owner = service.mandate_of(self._ctx.handle, record_id)
            if owner is not None and owner != self.mandate.id:
                self.choose_mandate(owner)
        return self.tabs.show_record(record_id)

    select_id = show_record  # what the main window's show_record calls

    def _give_mandate(self, widget: QWidget) -> None:
        give = getattr(widget, "set_mandate", None)
        if give is not None:
            give(self.mandate)

    # --- the mandate -----------------------------------------------------------------------------

    def choose_mandate(self, mandate_id: str | None) -> None:
        """Show this mandate (None: the latest adopted)."""
        self._chosen = mandate_id
        self._reload()

    def _chose(self, index: int) -> None:
        self.choose_mandate(self.choice.itemData(index))

    def _reload(self, *, give: bool = False) -> None:
        from missiondesk.services import mandate as service

        if self._ctx is None:
            self._mandates = []
            shown = None
        else:
            self._mandates = service.list_mandates(self._ctx.handle)
            shown = service.current_mandate(self._mandates, self._chosen)
        self.choice.blockSignals(True)
        self.choice.clear()
        for m in self._mandates:
            self.choice.addItem(m.resolution, m.id)
        if shown is not None:
            self.choice.setCurrentIndex(self.choice.findData(shown.id))
        self.choice.blockSignals(False)
        changed = shown != self.mandate
        self.mandate = shown
        self._show_header()
        if changed or give:
            for widget in self.tabs.built.values():
                self._give_mandate(widget)

    def _today(self):
        from missiondesk.services.clock import local_today, mission_zone

        return local_today(mission_zone(self._ctx.handle))

    def _show_header(self) -> None:
        m = self.mandate
        self.choice.setVisible(bool(self._mandates))
        self.edit_button.setEnabled(m is not None)
        self.delete_button.setEnabled(m is not None)
        self.new_button.setEnabled(self._ctx is not None)
        if self._ctx is None:
            self.details.setText(self.tr("No mission open."))
            self.countdown.clear()
            return
        if m is None:
            self.details.setText(self.tr("No mandate yet: add the Council resolution the "
                                         "mission works to (New Mandate)."))
            self.countdown.clear()
            return
        parts = []
        if m.adopted_on is not None:
            parts.append(self.tr("adopted {date}").format(date=m.adopted_on.isoformat()))
        if m.penholder:
            parts.append(self.tr("pen-holder: {name}").format(name=m.penholder))
        if m.expires_on is not None:
            parts.append(self.tr("expires {date}").format(date=m.expires_on.isoformat()))
        self.details.setText(" \u00b7 ".join(parts))
        days = m.days_left(self._today())
        colour = "palette(text)"
        if days is not None and days <= URGENT_DAYS:
            colour = "#b3261e"
        elif days is not None and days <= WARN_DAYS:
            colour = "#c77c02"
        self.countdown.setStyleSheet("font-weight: bold; color: %s;" % colour)
        self.countdown.setText(countdown_text(days))

    def new_mandate(self) -> None:
        from missiondesk.ui.mandate.forms import MandateForm

        if self.actions is None:
            return

        def submit(values: dict) -> str | None:
            problem = self.actions.create(values)
            if problem is None:
                self.choose_mandate(self.actions.last_created_id)
            return problem

        MandateForm.ask(self, {}, submit, creating=True)

    def edit_mandate(self) -> None:
        from missiondesk.ui.mandate.forms import MandateForm

        m = self.mandate
        if self.actions is None or m is None:
            return
        MandateForm.ask(self, {**m.values(), "id": m.id},
                        lambda values: self.actions.edit(m, values), creating=False)

    def delete_mandate(self) -> None:
        m = self.mandate
        if self.actions is None or m is None:
            return
        title = self.tr("Delete Mandate")
        question = self.tr("Delete the mandate {name}? Its tasks and benchmarks are hidden "
                           "with it; Undo brings it back.").format(name=m.resolution)
        if QMessageBox.question(self, title, question) != QMessageBox.StandardButton.Yes:
            return
        problem = self.actions.delete(m)
        if problem:
            QMessageBox.warning(self, title, problem)
            return
        self._chosen = None
        self._reload()

    # --- the mission's lifecycle ----------------------------------------------------------------

    @property
    def ctx(self) -> MissionContext | None:
        return self._ctx

    def attach(self, ctx: MissionContext) -> None:
        from missiondesk.services import mandate as service

        self._ctx = ctx
        self.actions = RecordActions(
            self, lambda: self._ctx, create=service.create_mandate,
            update=service.update_mandate, delete=service.delete_mandate,
            restore=service.restore_mandate,
            texts={"create": self.tr("New mandate"), "edit": self.tr("Edit mandate"),
                   "delete": self.tr("Delete mandate")})
        ctx.bus.missionChanged.connect(self._on_changed)
        for widget in self.tabs.built.values():
            widget.attach(ctx)
        self._reload(give=True)

    def detach(self) -> None:
        if self._ctx is not None:
            self._ctx.bus.missionChanged.disconnect(self._on_changed)
        self._ctx = None
        self.actions = None
        self._chosen = None
        for widget in self.tabs.built.values():
            widget.detach()
        self._reload(give=True)

    def _on_changed(self, changed) -> None:
        if changed.touches("mandates", "mission"):
            self._reload()
