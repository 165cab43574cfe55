"""The Team & portfolios tab: the leadership team (role, title, active) and the portfolios
(responsibility areas: political or not, the strategy objective whose engagements count for
them, who is accountable), with their forms."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from missiondesk.labels import role_label
from missiondesk.store.vocab import TeamRole
from missiondesk.ui.framework.desk import record_table
from missiondesk.ui.framework.form import RecordForm, code_combo, hint_label
from missiondesk.ui.framework.table_model import Column, RecordTableModel


def _t(text: str) -> str:
    from PySide6.QtCore import QCoreApplication

    return QCoreApplication.translate("Leadership", text)


class TeamModel(RecordTableModel):
    COLUMNS = (
        Column("name", lambda: _t("Name"), 170, elastic=True),
        Column("role", lambda: _t("Role"), 150),
        Column("active", lambda: _t("Active"), 55, align="center"),
        Column("title", lambda: _t("Title"), 220),
    )

    def display(self, row: Any, key: str) -> str:
        if key == "role":
            return role_label(row.role)
        if key == "active":
            return _t("yes") if row.active else _t("no")
        return super().display(row, key)

    def foreground(self, row: Any, key: str) -> Any:
        if not row.active:
            from PySide6.QtGui import QColor

            return QColor("#888888")
        return None


class PortfolioModel(RecordTableModel):
    COLUMNS = (
        Column("name", lambda: _t("Portfolio"), 260, elastic=True),
        Column("political", lambda: _t("Political"), 62, align="center"),
        Column("accountable", lambda: _t("Accountable"), 150),
        Column("objective_title", lambda: _t("Strategy objective"), 180),
    )

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.accountable: dict[str, str] = {}

    def display(self, row: Any, key: str) -> str:
        if key == "political":
            return _t("yes") if row.political else _t("no")
        if key == "accountable":
            return self.accountable.get(row.id, "\u2013")
        if key == "objective_title":
            return row.objective_title or "\u2013"
        return super().display(row, key)

    def sort_key(self, row: Any, key: str) -> Any:
        if key == "name":
            return row.sort_order
        return super().sort_key(row, key)


class MemberForm(RecordForm):
    """Edit a member's role, title and whether they are still on the team."""

    MIN_WIDTH = 460

    def titles(self) -> tuple[str, str]:
        return self.tr("Team member"), self.tr("Edit team member")

    def build(self, values: dict) -> None:
        name = self.add_field("name", self.tr("Name"), QLineEdit(values.get("name") or ""))
        name.setMaxLength(200)
        self.add_field("role", self.tr("Role"), code_combo(
            ((role_label(r.value), r.value) for r in TeamRole), values.get("role")))
        self.add_field("title", self.tr("Title"), QLineEdit(values.get("title") or ""))
        active = QCheckBox(self.tr("On the team now (an inactive member keeps their records)"))
        active.setChecked(bool(values.get("active", True)))
        self.add_field("active", self.tr("Active"), active)


class PortfolioForm(RecordForm):
    """A portfolio: its name, what it covers, political or not, its strategy objective."""

    def __init__(self, parent, values: dict, submit, *, creating: bool,
                 objectives: list[tuple[str, str]] = ()) -> None:
        self._objectives = list(objectives)
        super().__init__(parent, values, submit, creating=creating)

    @classmethod
    def ask(cls, parent, values: dict, submit, *, creating: bool,
            objectives: list[tuple[str, str]] = ()) -> bool:
        from PySide6.QtWidgets import QDialog

        return cls(parent, values, submit, creating=creating,
                   objectives=objectives).exec() == QDialog.DialogCode.Accepted

    def titles(self) -> tuple[str, str]:
        return self.tr("New portfolio"), self.tr("Edit portfolio")

    def build(self, values: dict) -> None:
        name = self.add_field("name", self.tr("Name"), QLineEdit(values.get("name") or ""))
        name.setMaxLength(200)
        description = QPlainTextEdit(values.get("description") or "")
        description.setFixedHeight(80)
        self.add_field("description", self.tr("What it covers"), description)
        political = QCheckBox(self.tr("Political work (peace process, parties, armed groups, "
                                      "regional actors\u2026)"))
        political.setChecked(bool(values.get("political", True)))
        self.add_field("political", self.tr("Political"), political)
        self.add_field("objective_id", self.tr("Strategy objective"), code_combo(
            [(self.tr("(none)"), None), *self._objectives], values.get("objective_id")))
        self.add_below(hint_label(self.tr(
            "Engagements linked to this objective count as this portfolio's time in the "
            "Time tab.")))


class TeamPage(QWidget):
    """The team on the left, the portfolios on the right, each with its buttons."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.team_model = TeamModel(self)
        self.portfolio_model = PortfolioModel(self)
        self.team = record_table(self.team_model, sortable=False)  # the team's order
        self.portfolios = record_table(self.portfolio_model, sortable=False)
        self.edit_member_button = QPushButton(self.tr("Edit Member\u2026"))
        self.new_portfolio_button = QPushButton(self.tr("New Portfolio\u2026"))
        self.edit_portfolio_button = QPushButton(self.tr("Edit\u2026"))
        self.delete_portfolio_button = QPushButton(self.tr("Delete"))
        self.defaults_button = QPushButton(self.tr("Add Default Portfolios"))
        self.defaults_button.setToolTip(self.tr(
            "The usual division of a mission's leadership work, with the usual RACI by role: "
            "a starting point to adapt."))

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        row.addWidget(QLabel("<b>%s</b>" % self.tr("Leadership team")))
        row.addStretch(1)
        row.addWidget(self.edit_member_button)
        left_layout.addLayout(row)
        left_layout.addWidget(self.team, 1)

        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        row.addWidget(QLabel("<b>%s</b>" % self.tr("Portfolios")))
        row.addStretch(1)
        for button in (self.new_portfolio_button, self.edit_portfolio_button,
                       self.delete_portfolio_button, self.defaults_button):
            row.addWidget(button)
        right_layout.addLayout(row)
        right_layout.addWidget(self.portfolios, 1)
        self.empty_hint = hint_label(self.tr(
            "No portfolio yet: Add Default Portfolios offers the usual areas (political "
            "strategy, peace process, elections, protection of civilians, DDR, regional "
            "relations\u2026) with the usual RACI, to adapt."))
        right_layout.addWidget(self.empty_hint)

        splitter = QSplitter()
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setSizes([430, 730])
        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)

    def selected(self, table, model) -> Any:
        index = table.currentIndex()
        return model.row_at(index.row()) if index.isValid() else None

    def selected_member(self) -> Any:
        return self.selected(self.team, self.team_model)

    def selected_portfolio(self) -> Any:
        return self.selected(self.portfolios, self.portfolio_model)

    def set_rows(self, team: list, portfolios: list, accountable: dict[str, str]) -> None:
        keep_member = getattr(self.selected_member(), "id", None)
        keep_portfolio = getattr(self.selected_portfolio(), "id", None)
        self.team_model.set_rows(team)
        self.portfolio_model.accountable = accountable
        self.portfolio_model.set_rows(portfolios)
        for table, model, keep in ((self.team, self.team_model, keep_member),
                                   (self.portfolios, self.portfolio_model, keep_portfolio)):
            row = model.row_of(keep) if keep else -1
            if row >= 0:
                table.selectRow(row)
        self.empty_hint.setVisible(not portfolios)
        self.update_buttons(has_mission=True)

    def update_buttons(self, *, has_mission: bool) -> None:
        member = self.selected_member() is not None
        portfolio = self.selected_portfolio() is not None
        self.edit_member_button.setEnabled(has_mission and member)
        self.new_portfolio_button.setEnabled(has_mission)
        self.edit_portfolio_button.setEnabled(has_mission and portfolio)
        self.delete_portfolio_button.setEnabled(has_mission and portfolio)
        self.defaults_button.setEnabled(has_mission
                                        and self.portfolio_model.total_count() == 0)

    def clear(self) -> None:
        self.team_model.clear()
        self.portfolio_model.clear()
        self.update_buttons(has_mission=False)
