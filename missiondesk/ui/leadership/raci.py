"""The RACI tab: portfolios × team members and key stakeholders × team members, edited in
place. Type R, A, C or I on a cell (Delete, Backspace or Space blanks it), or double-click it
for a list; each edit is one undo step. What is wrong with the division of work is listed
under the matrices and recomputed after every edit; the rows concerned are drawn red."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QSplitter,
    QStyledItemDelegate,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from missiondesk.labels import role_label
from missiondesk.ui.drivers.matrix import RotatedHeader
from missiondesk.ui.drivers.model import FULL_TEXT_ROLE
from missiondesk.ui.framework.form import hint_label
from missiondesk.ui.framework.widgets import error_label
from missiondesk.ui.leadership.labels import issue_text

LETTERS = ("R", "A", "C", "I")
#: (background, text) per letter: the accountable stands out, the informed recedes.
LETTER_COLOURS = {"A": ("#1f4e79", "#ffffff"), "R": ("#9dc3e6", "#10263b"),
                  "C": ("#e2efd9", "#1e3d14"), "I": ("#f2f2f2", "#555555")}
ISSUE_COLOUR = "#b3261e"
ROW_ID_ROLE = Qt.ItemDataRole.UserRole + 20

#: edit(kind, row id, member id, letter or None, revision, old letter) -> refusal or None
EditCell = Callable[[str, str, str, "str | None", int, "str | None"], "str | None"]


def letter_names() -> dict[str, str]:
    from PySide6.QtCore import QCoreApplication

    def t(text: str) -> str:
        return QCoreApplication.translate("Leadership", text)

    return {"R": t("Responsible"), "A": t("Accountable"), "C": t("Consulted"),
            "I": t("Informed")}


class RaciModel(QAbstractTableModel):
    """One matrix: the first column names the row (a stakeholder's second its priority),
    then one column per active team member holding a letter."""

    refused = Signal(str)  # a letter that is not R, A, C or I

    def __init__(self, kind: str, parent=None) -> None:
        super().__init__(parent)
        self.kind = kind                        # "portfolio" or "stakeholder"
        self._rows: Sequence = ()
        self._members: Sequence = ()
        self._issues: Mapping[str, list[str]] = {}
        self.edit: EditCell | None = None
        self._fixed = 2 if kind == "stakeholder" else 1

    def set_matrix(self, rows: Sequence, members: Sequence,
                   issues: Mapping[str, list[str]]) -> None:
        self.beginResetModel()
        self._rows, self._members, self._issues = tuple(rows), tuple(members), issues
        self.endResetModel()

    def clear(self) -> None:
        self.set_matrix((), (), {})

    def member_column(self, member_id: str) -> int:
        ids = [m.id for m in self._members]
        return self._fixed + ids.index(member_id) if member_id in ids else -1

    def row_of(self, row_id: str) -> int:
        ids = [r.id for r in self._rows]
        return ids.index(row_id) if row_id in ids else -1

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else self._fixed + len(self._members)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole):
        if orientation != Qt.Orientation.Horizontal:
            return None
        if section < self._fixed:
            if section == 0:  # the name column: said by the page's tab
                return None
            if role in (FULL_TEXT_ROLE, Qt.ItemDataRole.ToolTipRole):
                return self.tr("Priority")
            return None
        member = self._members[section - self._fixed]
        if role == FULL_TEXT_ROLE:
            return member.name
        if role == Qt.ItemDataRole.ToolTipRole:
            return "%s \u2014 %s" % (member.name, role_label(member.role))
        return None

    def flags(self, index: QModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() >= self._fixed:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def _cell(self, index: QModelIndex) -> tuple:
        row = self._rows[index.row()]
        member = self._members[index.column() - self._fixed]
        return row, member, row.letters.get(member.id)

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        column = index.column()
        if role == ROW_ID_ROLE:
            return row.id
        if column == 0:
            problems = self._issues.get(row.id)
            if role == Qt.ItemDataRole.DisplayRole:
                return row.name
            if role == Qt.ItemDataRole.ToolTipRole:
                return "\n".join([row.name, *(problems or ())])
            if role == Qt.ItemDataRole.ForegroundRole and problems:
                return QBrush(QColor(ISSUE_COLOUR))
            return None
        if column < self._fixed:
            if role == Qt.ItemDataRole.DisplayRole:
                return row.priority or "\u2013"
            if role == Qt.ItemDataRole.TextAlignmentRole:
                return Qt.AlignmentFlag.AlignCenter
            return None
        _row, member, letter = self._cell(index)
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return letter or ""
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return Qt.AlignmentFlag.AlignCenter
        if role == Qt.ItemDataRole.BackgroundRole and letter in LETTER_COLOURS:
            return QBrush(QColor(LETTER_COLOURS[letter][0]))
        if role == Qt.ItemDataRole.ForegroundRole and letter in LETTER_COLOURS:
            return QBrush(QColor(LETTER_COLOURS[letter][1]))
        if role == Qt.ItemDataRole.ToolTipRole:
            said = letter_names().get(letter, self.tr("blank"))
            return "%s \u00d7 %s: %s" % (row.name, member.name, said)
        return None

    def setData(self, index: QModelIndex, value, role: int = Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        if not index.isValid() or index.column() < self._fixed or self.edit is None:
            return False
        letter = (str(value) if value is not None else "").strip().upper() or None
        if letter is not None and letter not in LETTERS:
            self.refused.emit(self.tr("\u201c{value}\u201d is not a RACI letter: type R, A, "
                                      "C or I, or blank the cell.").format(value=value))
            return False
        row, member, old = self._cell(index)
        if letter == old:
            return False
        problem = self.edit(self.kind, row.id, member.id, letter,
                            row.revisions.get(member.id, 0), old)
        if problem:
            self.refused.emit(problem)
            return False
        return True


class LetterDelegate(QStyledItemDelegate):
    """A list of the four letters and blank, for a double-click or F2 on a cell."""

    def createEditor(self, parent: QWidget, _option, _index) -> QWidget:  # noqa: N802
        combo = QComboBox(parent)
        combo.addItem("\u2013", "")
        for letter, name in letter_names().items():
            combo.addItem("%s \u2014 %s" % (letter, name), letter)
        return combo

    def setEditorData(self, editor: QComboBox, index: QModelIndex) -> None:  # noqa: N802
        found = editor.findData(index.data(Qt.ItemDataRole.EditRole) or "")
        editor.setCurrentIndex(max(0, found))

    def setModelData(self, editor: QComboBox, model, index: QModelIndex) -> None:  # noqa: N802
        model.setData(index, editor.currentData())


class RaciView(QTableView):
    """A matrix that takes a letter typed on the selected cell."""

    def __init__(self, model: RaciModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setModel(model)
        self.setHorizontalHeader(RotatedHeader(self, height=150))
        self.setItemDelegate(LetterDelegate(self))
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                             | QAbstractItemView.EditTrigger.SelectedClicked
                             | QAbstractItemView.EditTrigger.EditKeyPressed)
        self.setWordWrap(False)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        vertical = self.verticalHeader()
        vertical.hide()
        vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vertical.setDefaultSectionSize(24)
        model.modelReset.connect(self._size_columns)

    def _size_columns(self) -> None:
        header = self.horizontalHeader()
        fixed = self.model()._fixed
        # the header as tall as the longest name, so no member's name is cut
        longest = max((header.fontMetrics().horizontalAdvance(str(self.model().headerData(
            c, Qt.Orientation.Horizontal, FULL_TEXT_ROLE) or ""))
            for c in range(self.model().columnCount())), default=0)
        header.setFixedHeight(min(260, max(60, longest + 20)))
        header.resizeSection(0, 270)
        if fixed == 2:
            header.resizeSection(1, 30)
        for column in range(fixed, self.model().columnCount()):
            header.resizeSection(column, 30)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        index = self.currentIndex()
        text = event.text().upper()
        if index.isValid() and index.column() >= self.model()._fixed \
                and self.state() != QAbstractItemView.State.EditingState:
            if text in LETTERS:
                self.model().setData(index, text)
                return
            if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace, Qt.Key.Key_Space):
                self.model().setData(index, "")
                return
        super().keyPressEvent(event)


class RaciPage(QWidget):
    """The legend, both matrices, the problems found and the line for a refused edit."""

    issueActivated = Signal(str)  # the id of the row the problem is about

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        legend = QHBoxLayout()
        legend.addWidget(QLabel(self.tr("Letters:")))
        for letter, name in letter_names().items():
            background, text = LETTER_COLOURS[letter]
            chip = QLabel(" %s %s " % (letter, name))
            chip.setStyleSheet("background: %s; color: %s; border-radius: 3px;"
                               % (background, text))
            legend.addWidget(chip)
        legend.addStretch(1)
        layout.addLayout(legend)
        layout.addWidget(hint_label(self.tr(
            "Type R, A, C or I on a cell (Delete blanks it), or click it again for a list; "
            "every edit can be undone. Key stakeholders are those of priority A and B and "
            "any with a letter.")))
        self.portfolio_model = RaciModel("portfolio", self)
        self.stakeholder_model = RaciModel("stakeholder", self)
        self.portfolios = RaciView(self.portfolio_model)
        self.stakeholders = RaciView(self.stakeholder_model)
        self.message = error_label()
        self.issues = QListWidget()
        self.issues.setWordWrap(True)
        self.issues.setSpacing(2)
        self.issues.itemActivated.connect(
            lambda item: self.issueActivated.emit(item.data(ROW_ID_ROLE) or ""))
        self.issues_title = QLabel()
        for model in (self.portfolio_model, self.stakeholder_model):
            model.refused.connect(self.show_refusal)
        self.matrices = QTabWidget()
        self.matrices.setDocumentMode(True)
        self.matrices.addTab(self.portfolios, self.tr("Portfolios × team"))
        self.matrices.addTab(self.stakeholders, self.tr("Key stakeholders × team"))
        problems = QWidget()
        problems_layout = QVBoxLayout(problems)
        problems_layout.setContentsMargins(0, 0, 0, 0)
        problems_layout.addWidget(self.issues_title)
        problems_layout.addWidget(self.issues, 1)
        problems_layout.addWidget(hint_label(self.tr(
            "Checked as you edit: each portfolio has exactly one A; each priority-A "
            "stakeholder has an owner; no one is accountable for more portfolios, or owns "
            "more priority-A stakeholders, than the Leadership Settings allow.")))
        outer = QSplitter(Qt.Orientation.Horizontal)
        outer.setChildrenCollapsible(False)
        outer.addWidget(self.matrices)
        outer.addWidget(problems)
        outer.setStretchFactor(0, 3)
        outer.setStretchFactor(1, 1)
        outer.setSizes([900, 300])
        layout.addWidget(outer, 1)
        layout.addWidget(self.message)

    def show_refusal(self, text: str) -> None:
        self.message.setText(text)
        self.message.show()

    def set_matrix(self, matrix, issues: Sequence) -> None:
        """Both matrices and the problems (RaciIssue codes) in words."""
        self.message.hide()
        by_row: dict[str, list[str]] = {}
        self.issues.clear()
        for issue in issues:
            text = issue_text(issue.code, dict(issue.params))
            item = QListWidgetItem(text)
            item.setData(ROW_ID_ROLE, issue.subject_id)
            item.setForeground(QBrush(QColor(ISSUE_COLOUR)))
            self.issues.addItem(item)
            if issue.subject_id:
                by_row.setdefault(issue.subject_id, []).append(text)
        self.issues_title.setText(
            "<b>%s</b>" % (self.tr("%n problem(s) in the division of work", "", len(issues))
                           if issues else self.tr("No problem in the division of work")))
        keep = [(v, v.currentIndex()) for v in (self.portfolios, self.stakeholders)]
        keep = [(v, QPersistentModelIndex(i).row(), i.column()) for v, i in keep]
        self.portfolio_model.set_matrix(matrix.portfolios, matrix.members, by_row)
        self.stakeholder_model.set_matrix(matrix.stakeholders, matrix.members, by_row)
        self.matrices.setTabText(1, self.tr("Key stakeholders × team ({n})").format(
            n=len(matrix.stakeholders)))
        for view, row, column in keep:  # the cell edited stays current after the reload
            if row >= 0 and column >= 0:
                view.setCurrentIndex(view.model().index(row, column))

    def issue_texts(self) -> list[str]:
        return [self.issues.item(i).text() for i in range(self.issues.count())]

    def clear(self) -> None:
        self.portfolio_model.clear()
        self.stakeholder_model.clear()
        self.issues.clear()
        self.issues_title.clear()
        self.message.hide()
