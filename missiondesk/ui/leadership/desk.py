"""The Leadership desk (recommendation 2): who owns what, and where the SRSG's time goes.

Four tabs, each read when first shown and again when something it shows changed:
- Team & portfolios: the team (role, active) and the portfolios, with their forms;
- RACI: portfolios × members and key stakeholders × members, edited in place (one undo step
  per cell), the problems of the division of work recomputed after each edit;
- Time: a period's hours per member, by tier and portfolio, the SRSG's political share by
  month against the target, a table and delegation suggestions — read and drawn in a worker;
- Handover: what a member passes on.

The stakeholders' priority letters (the slow part on a large mission: every stakeholder's
last engagement) are read in a worker and kept until a stakeholder or an engagement changes,
so a RACI edit recomputes the matrix and its problems at once. Only service calls; no SQL.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QMessageBox,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from missiondesk.store.errors import MissionError
from missiondesk.ui.framework.background import BackgroundRead
from missiondesk.ui.framework.commands import (
    BatchCommand,
    EditRecordCommand,
    RecordActions,
    changed_fields,
)
from missiondesk.ui.framework.form import RecordForm, hint_label
from missiondesk.ui.leadership.allocation import (
    TimePage,
    build_detail_view,
    build_main_view,
    chart_words,
)
from missiondesk.ui.leadership.handover import HandoverPage
from missiondesk.ui.leadership.labels import default_portfolio_names
from missiondesk.ui.leadership.raci import RaciPage
from missiondesk.ui.leadership.team import MemberForm, PortfolioForm, TeamPage

if TYPE_CHECKING:
    from missiondesk.ui.context import MissionContext

#: What each tab shows, by the tables whose changes make it stale.
TEAM_TABLES = frozenset({"team_members", "portfolios", "assignments", "strategy_objectives"})
RACI_TABLES = TEAM_TABLES | {"stakeholders", "mission_settings", "engagements",
                             "engagement_counterparts"}
TIME_TABLES = RACI_TABLES | {"engagement_participants", "engagement_objectives"}
HANDOVER_TABLES = TIME_TABLES | {"commitments"}
#: Changes that can move a stakeholder's priority letter.
LETTER_TABLES = frozenset({"stakeholders", "engagements", "engagement_counterparts", "mission"})
SETTINGS = ("srsg_political_target", "raci_max_accountable", "raci_max_priority_a")


def _service():
    from missiondesk.services import leadership

    return leadership


class LeadershipSettingsDialog(RecordForm):
    """The SRSG's target share and the RACI limits (mission settings)."""

    MIN_WIDTH = 480

    def titles(self) -> tuple[str, str]:
        return self.tr("Leadership Settings"), self.tr("Leadership Settings")

    def build(self, values: dict) -> None:
        from missiondesk.services.mission_settings import REGISTRY

        for key, label, suffix in (
                ("srsg_political_target", self.tr("SRSG's political share, target"), " %"),
                ("raci_max_accountable", self.tr("Accountable for at most"),
                 self.tr(" portfolios")),
                ("raci_max_priority_a", self.tr("Owner of at most"),
                 self.tr(" priority-A stakeholders"))):
            spin = QSpinBox()
            spin.setRange(REGISTRY[key].minimum, REGISTRY[key].maximum)
            spin.setValue(int(values.get(key, REGISTRY[key].default)))
            spin.setSuffix(suffix)
            self.add_field(key, label, spin)
        self.add_below(hint_label(self.tr(
            "These belong to the mission: the whole team sees the same target and limits, "
            "and the audit trail records who changed them.")))


class LeadershipDesk(QWidget):
    TEAM_TAB, RACI_TAB, TIME_TAB, HANDOVER_TAB = range(4)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx: MissionContext | None = None
        self._letters: dict | None = None
        self._stale = set(range(4))
        self._tz = None
        self._today = date.today()
        self.team_page = TeamPage()
        self.raci_page = RaciPage()
        self.time_page = TimePage()
        self.handover_page = HandoverPage()
        self.raci_reader = BackgroundRead(self)
        self.time_reader = BackgroundRead(self)
        self.handover_reader = BackgroundRead(self)
        self.last_time_view = None
        self._drawn_width = 0.0

        self.tabs = QTabWidget()
        self.tabs.addTab(self.team_page, self.tr("Team && portfolios"))
        self.tabs.addTab(self.raci_page, self.tr("RACI"))
        self.tabs.addTab(self.time_page, self.tr("Time"))
        self.tabs.addTab(self.handover_page, self.tr("Handover"))
        self.settings_button = QPushButton(self.tr("Leadership Settings\u2026"))
        self.settings_button.clicked.connect(lambda _c=False: self.edit_settings())
        self.tabs.setCornerWidget(self.settings_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addWidget(self.tabs, 1)
        self.tabs.currentChanged.connect(self._tab_shown)

        service = _service()
        self.actions = RecordActions(
            self, lambda: self._ctx,
            create=service.create_portfolio, update=service.update_portfolio,
            delete=service.delete_portfolio, restore=service.restore_portfolio,
            texts={"create": self.tr("New portfolio"), "edit": self.tr("Edit portfolio"),
                   "delete": self.tr("Delete portfolio")})
        page = self.team_page
        page.edit_member_button.clicked.connect(lambda _c=False: self.edit_member())
        page.new_portfolio_button.clicked.connect(lambda _c=False: self.new_portfolio())
        page.edit_portfolio_button.clicked.connect(lambda _c=False: self.edit_portfolio())
        page.delete_portfolio_button.clicked.connect(lambda _c=False: self.delete_portfolio())
        page.defaults_button.clicked.connect(lambda _c=False: self.add_defaults())
        page.team.doubleClicked.connect(lambda _i: self.edit_member())
        page.portfolios.doubleClicked.connect(lambda _i: self.edit_portfolio())
        for table in (page.team, page.portfolios):
            table.selectionModel().currentRowChanged.connect(
                lambda *_a: self.team_page.update_buttons(has_mission=self._ctx is not None))
        self.raci_page.portfolio_model.edit = self.edit_cell
        self.raci_page.stakeholder_model.edit = self.edit_cell
        self.raci_page.issueActivated.connect(self._issue_activated)
        self.time_page.periodChanged.connect(self._period_changed)
        self.time_page.portfolioMemberChanged.connect(self._portfolio_member_changed)
        self.time_page.export_button.clicked.connect(lambda _c=False: self.export_time())
        self.time_page.chartsTooNarrow.connect(self.redraw_charts)
        self.handover_page.memberChosen.connect(self.refresh_handover)
        self.handover_page.recordRequested.connect(self._open_record)
        self.team_page.update_buttons(has_mission=False)
        self.settings_button.setEnabled(False)

    # --- the mission's lifecycle ------------------------------------------------------------

    @property
    def ctx(self) -> MissionContext | None:
        return self._ctx

    def attach(self, ctx: MissionContext) -> None:
        from missiondesk.services import clock

        self._ctx = ctx
        ctx.bus.missionChanged.connect(self._on_changed)
        self._tz = clock.mission_zone(ctx.handle)
        self._today = clock.local_today(self._tz)
        self._letters = None
        self._stale = set(range(4))
        self.settings_button.setEnabled(True)
        self.time_page.blockSignals(True)
        self.time_page.set_today(self._today)
        self.time_page.blockSignals(False)
        if self.isVisible():
            self._tab_shown(self.tabs.currentIndex())

    def detach(self) -> None:
        for reader in (self.raci_reader, self.time_reader, self.handover_reader):
            reader.cancel()
            reader.wait()
        if self._ctx is not None:
            self._ctx.bus.missionChanged.disconnect(self._on_changed)
        self._ctx = None
        self._letters = None
        self.last_time_view = None
        self.settings_button.setEnabled(False)
        self.team_page.clear()
        self.raci_page.clear()
        self.time_page.clear()
        self.handover_page.clear()

    def _on_changed(self, changed) -> None:
        touched = set(changed.tables)
        if touched & LETTER_TABLES:
            self._letters = None
        for tab, tables in ((self.TEAM_TAB, TEAM_TABLES), (self.RACI_TAB, RACI_TABLES),
                            (self.TIME_TAB, TIME_TABLES), (self.HANDOVER_TAB, HANDOVER_TABLES)):
            if touched & tables:
                self._stale.add(tab)
        if self.isVisible():  # a hidden desk reads what changed when it is next shown
            self._tab_shown(self.tabs.currentIndex())

    def showEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)
        self._tab_shown(self.tabs.currentIndex())

    def _tab_shown(self, index: int) -> None:
        if self._ctx is None or index not in self._stale:
            return
        self._stale.discard(index)
        (self.refresh_team, self.refresh_raci, self.refresh_time,
         self.refresh_handover)[index]()

    # --- Team & portfolios --------------------------------------------------------------------

    def refresh_team(self) -> None:
        from missiondesk.services.team import list_team

        handle = self._ctx.handle
        team = list_team(handle, active_only=False)
        matrix = _service().raci_matrix(handle, letters={})
        names = {m.id: m.name for m in team}
        accountable = {}
        for row in matrix.portfolios:
            holders = [names.get(m, "") for m, letter in row.letters.items() if letter == "A"]
            accountable[row.id] = ", ".join(sorted(holders)) or "\u2013"
        self.team_page.set_rows(team, _service().list_portfolios(handle), accountable)
        active = [m for m in team if m.active]
        self.handover_page.set_members(active + [m for m in team if not m.active])
        self.time_page.set_members(active, next((m.id for m in active if m.role == "SRSG"),
                                                None))

    def edit_member(self) -> None:
        member = self.team_page.selected_member()
        if self._ctx is None or member is None:
            return
        MemberForm.ask(self, member.values(), lambda values: self.submit_member(member, values),
                       creating=False)

    def submit_member(self, member, values: dict) -> str | None:
        from missiondesk.services.team import update_team_member

        old, new = changed_fields(member.values(), values)
        if not new:
            return None
        command = EditRecordCommand(
            self._ctx, self.tr("Edit team member"),
            lambda uow, rev, vals: update_team_member(uow, member.id, expected_revision=rev,
                                                      **vals),
            revision=member.revision, old=old, new=new, on_error=self.actions.show_undo_error)
        return self.actions.push(command)

    def _objectives(self) -> list[tuple[str, str]]:
        return _service().objective_choices(self._ctx.handle)

    def new_portfolio(self) -> None:
        if self._ctx is None:
            return
        PortfolioForm.ask(self, {"political": True}, self.submit_new_portfolio, creating=True,
                          objectives=self._objectives())

    def submit_new_portfolio(self, values: dict) -> str | None:
        return self.actions.create(values)

    def edit_portfolio(self) -> None:
        portfolio = self.team_page.selected_portfolio()
        if self._ctx is None or portfolio is None:
            return
        PortfolioForm.ask(self, portfolio.values(),
                          lambda values: self.actions.edit(portfolio, values), creating=False,
                          objectives=self._objectives())

    def delete_portfolio(self) -> None:
        portfolio = self.team_page.selected_portfolio()
        if self._ctx is None or portfolio is None:
            return
        title = self.tr("Delete portfolio")
        question = self.tr("Delete \u201c{name}\u201d and its RACI letters? (Undo brings them "
                           "back.)").format(name=portfolio.name)
        if QMessageBox.question(self, title, question) != QMessageBox.StandardButton.Yes:
            return
        problem = self.actions.delete(portfolio)
        if problem:
            QMessageBox.warning(self, title, problem)

    def add_defaults(self) -> None:
        if self._ctx is None:
            return
        service, names = _service(), default_portfolio_names()
        problem = self.actions.push(BatchCommand(
            self._ctx, self.tr("Add default portfolios"),
            create=lambda uow: service.add_default_portfolios(uow, names),
            remove=service.remove_portfolios, restore=service.restore_portfolios,
            on_error=self.actions.show_undo_error))
        if problem:
            QMessageBox.warning(self, self.tr("Add Default Portfolios"), problem)

    # --- RACI -----------------------------------------------------------------------------------

    def refresh_raci(self) -> None:
        """The matrices and their problems: at once when the letters are known, else the
        letters are read in a worker first."""
        handle = self._ctx.handle
        service = _service()
        if self._letters is not None:
            letters = self._letters
            matrix = service.raci_matrix(handle, self._today, letters=letters)
            self.raci_page.set_matrix(matrix, service.raci_issues(
                handle, self._today, matrix=matrix, letters=letters))
            return
        today = self._today

        def work():
            from missiondesk.services.leadership.portfolios import priority_letters

            letters = priority_letters(handle, today)
            matrix = service.raci_matrix(handle, today, letters=letters)
            return letters, matrix, service.raci_issues(handle, today, matrix=matrix,
                                                        letters=letters)

        self.raci_page.issues_title.setText(self.tr("Reading the stakeholders' priorities\u2026"))
        self.raci_reader.run(work, self._raci_read)

    def _raci_read(self, result, error) -> None:
        if error is not None:
            self._read_failed(error)
            return
        letters, matrix, issues = result
        self._letters = letters
        self.raci_page.set_matrix(matrix, issues)

    def edit_cell(self, kind: str, row_id: str, member_id: str, letter: str | None,
                  revision: int, old: str | None) -> str | None:
        """One RACI cell changed (typed or chosen): one undo step; the refusal or None."""
        if self._ctx is None:
            return None
        target = {"portfolio_id": row_id} if kind == "portfolio" else {"stakeholder_id": row_id}
        command = EditRecordCommand(
            self._ctx, self.tr("Set RACI letter"),
            lambda uow, rev, vals: _service().set_raci(
                uow, member_id=member_id, letter=vals["letter"], expected_revision=rev,
                **target),
            revision=revision, old={"letter": old}, new={"letter": letter},
            on_error=self.actions.show_undo_error)
        return self.actions.push(command)

    def _issue_activated(self, subject_id: str) -> None:
        for tab, view in enumerate((self.raci_page.portfolios, self.raci_page.stakeholders)):
            row = view.model().row_of(subject_id)
            if row >= 0:
                self.raci_page.matrices.setCurrentIndex(tab)
                view.setCurrentIndex(view.model().index(row, 0))
                view.scrollTo(view.currentIndex())
                view.setFocus()
                return

    # --- Time -----------------------------------------------------------------------------------

    def _period_changed(self) -> None:
        if self._ctx is None:
            return
        if self.tabs.currentIndex() == self.TIME_TAB:
            self.refresh_time()
        else:
            self._stale.add(self.TIME_TAB)

    def refresh_time(self) -> None:
        """The period's figures, read and drawn in a worker once the tab is laid out."""
        QTimer.singleShot(0, self._read_time)

    def _read_time(self) -> None:
        if self._ctx is None:
            return
        period = self.time_page.period()
        if period is None:
            self.time_page.show_bad_period()
            return
        handle, words = self._ctx.handle, chart_words()
        width = self.time_page.chart_width()
        self._drawn_width = width
        self.time_page.show_busy()
        self.time_reader.run(
            lambda: build_main_view(handle, period[0], period[1], words, width),
            self._time_read)

    def _time_read(self, view, error) -> None:
        """The hours shown; then the tiers, portfolios and suggestions read (a second read:
        the counterparts of a long period take longer than the hours)."""
        if error is not None:
            self._read_failed(error)
            return
        self.time_page.drawn_width = self._drawn_width
        self.last_time_view = view
        self.time_page.show_view(view)
        if view.suggestions is not None:
            self._letters = dict(view.letters)
            return
        handle, words, width = self._ctx.handle, chart_words(), self._drawn_width
        member, letters, today = self.time_page.member.currentData(), self._letters, self._today
        self.time_reader.run(
            lambda: build_detail_view(handle, view, words, width, member, letters, today),
            self._time_read)

    def redraw_charts(self) -> None:
        """The panel changed width: the same figures drawn again to fit it."""
        view = self.last_time_view
        if self._ctx is None or view is None or view.suggestions is None \
                or self.time_reader.busy():
            return
        from dataclasses import replace

        from missiondesk.ui.leadership.allocation import draw_charts

        words, width = chart_words(), self.time_page.chart_width()
        member = self.time_page.member.currentData()
        self._drawn_width = width
        self.time_reader.run(lambda: replace(view, charts=draw_charts(
            view.allocation, words, width, member)), self._time_read)

    def _portfolio_member_changed(self) -> None:
        view = self.last_time_view
        if self._ctx is None or view is None or view.suggestions is None:
            return
        from missiondesk.ui.leadership.allocation import portfolio_chart

        words, width = chart_words(), self.time_page.chart_width()
        member = self.time_page.member.currentData()
        if not any(pid is not None for m in view.allocation.members for pid in m.by_portfolio):
            return  # the page says how to link portfolios; there is nothing to draw
        self.time_reader.run(lambda: portfolio_chart(view.allocation, member, words, width),
                             lambda png, error: self._read_failed(error) if error else
                             self.time_page.set_chart("portfolios", png))

    def export_time(self) -> None:
        if self.last_time_view is None:
            return
        from missiondesk.ui.framework.table_export import export_rows

        headers, rows, _levels = self.time_page.model.export_rows()
        allocation = self.last_time_view.allocation
        # the hours come from the period's engagements: marked with their highest level
        export_rows(self, self.tr("leadership time {start} to {end}").format(
            start=allocation.start.isoformat(), end=allocation.end.isoformat()) + ".xlsx",
            headers, rows, allocation.levels or ("UNCLASSIFIED",))

    # --- Handover -------------------------------------------------------------------------------

    def refresh_handover(self) -> None:
        if self._ctx is None:
            return
        if self.handover_page.member.count() == 0:
            self.refresh_team()
        member_id = self.handover_page.member_id()
        if member_id is None:
            return
        handle, today, letters = self._ctx.handle, self._today, self._letters
        self.handover_page.show_busy()
        self.handover_reader.run(
            lambda: (_service().handover(handle, member_id, today=today, letters=letters)),
            self._handover_read)

    def _handover_read(self, result, error) -> None:
        if error is not None:
            self._read_failed(error)
            return
        from missiondesk.services import clock

        tz = self._tz
        self.handover_page.show_handover(result, lambda when: clock.to_local(when, tz),
                                         self._today)

    def _open_record(self, key: str, record_id: str) -> None:
        window = self.window()
        if hasattr(window, "show_record"):
            window.show_record(key, record_id)

    # --- shared -----------------------------------------------------------------------------------

    def _read_failed(self, error: BaseException) -> None:
        if isinstance(error, MissionError):
            from missiondesk.messages import error_text

            QMessageBox.warning(self, self.tr("Leadership"), error_text(error))
            return
        raise error

    def edit_settings(self) -> None:
        if self._ctx is None:
            return
        from missiondesk.services.mission_settings import get_settings
        from missiondesk.ui.commitments.desk import edit_mission_settings

        current = get_settings(self._ctx.handle, SETTINGS)
        LeadershipSettingsDialog.ask(
            self, current, lambda values: edit_mission_settings(self, self._ctx, current,
                                                                values), creating=False)

    def busy(self) -> bool:
        """A read is under way (the screenshots and tests wait for it)."""
        return any(r.busy() for r in (self.raci_reader, self.time_reader,
                                      self.handover_reader))
