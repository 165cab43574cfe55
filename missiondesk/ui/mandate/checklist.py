"""A small table of tasks with an owner and a done box: a Council event's preparation, a
consultation's follow-ups (`services.checklist.ChecklistTask`).

Owners are chosen among the team (or typed: a name outside the team is kept as written).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from missiondesk.services.checklist import ChecklistTask


class ChecklistEditor(QWidget):
    """Rows of (task, owner, done); Add and Remove below."""

    def __init__(self, tasks: Iterable[ChecklistTask], owners: Sequence[str],
                 parent: QWidget | None = None, *, add_text: str | None = None) -> None:
        super().__init__(parent)
        self._owners = list(owners)
        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels([self.tr("Task"), self.tr("Owner"),
                                              self.tr("Done")])
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Fixed)
        header.resizeSection(1, 170)
        header.resizeSection(2, 48)
        self.table.setMinimumHeight(120)
        self.add_button = QPushButton(add_text or self.tr("Add Task"))
        self.add_button.clicked.connect(lambda _checked=False: self.add_task())
        self.remove_button = QPushButton(self.tr("Remove"))
        self.remove_button.clicked.connect(lambda _checked=False: self.remove_selected())
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table)
        layout.addLayout(buttons)
        for task in tasks:
            self.add_task(task)

    def add_task(self, task: ChecklistTask | None = None) -> int:
        """A row for `task` (an empty one to type in when None); its index."""
        row = self.table.rowCount()
        self.table.insertRow(row)
        self.table.setItem(row, 0, QTableWidgetItem(task.text if task else ""))
        owner = QComboBox()
        owner.setEditable(True)
        owner.addItem("")
        owner.addItems(self._owners)
        owner.setCurrentText(task.owner or "" if task else "")
        self.table.setCellWidget(row, 1, owner)
        done = QTableWidgetItem()
        done.setFlags(Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled
                      | Qt.ItemFlag.ItemIsSelectable)
        done.setCheckState(Qt.CheckState.Checked if task and task.done
                           else Qt.CheckState.Unchecked)
        self.table.setItem(row, 2, done)
        if task is None:
            self.table.setCurrentCell(row, 0)
            self.table.editItem(self.table.item(row, 0))
        return row

    def remove_selected(self) -> None:
        rows = sorted({index.row() for index in self.table.selectedIndexes()}, reverse=True)
        if not rows and self.table.currentRow() >= 0:
            rows = [self.table.currentRow()]
        for row in rows:
            self.table.removeRow(row)

    def tasks(self) -> list[ChecklistTask]:
        """The rows with a task typed (blank rows are left out), in order."""
        found = []
        for row in range(self.table.rowCount()):
            item = self.table.item(row, 0)
            text = " ".join((item.text() if item else "").split())
            if not text:
                continue
            owner = self.table.cellWidget(row, 1).currentText().strip() or None
            done = self.table.item(row, 2).checkState() == Qt.CheckState.Checked
            found.append(ChecklistTask(text, owner, done))
        return found


def tasks_html(tasks: Sequence[ChecklistTask], esc, nobody: str, empty: str) -> str:
    """The tasks as an HTML list for a detail panel: a box, the task, its owner."""
    if not tasks:
        return "<p style='color:#666'>%s</p>" % esc(empty)
    lines = []
    for t in tasks:
        box = "\u2611" if t.done else "\u2610"
        text = ("<s style='color:#777'>%s</s>" % esc(t.text)) if t.done else esc(t.text)
        lines.append("%s %s <span style='color:#555'>\u2014 %s</span>"
                     % (box, text, esc(t.owner or nobody)))
    return "<p>%s</p>" % "<br>".join(lines)
