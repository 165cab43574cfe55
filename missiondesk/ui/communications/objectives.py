"""Communications objectives: what the plan is for, each linked to the strategy objective, the
mandate task and the benchmark it serves. New, Edit and Delete go on the undo stack."""

from __future__ import annotations

import html

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QCheckBox, QComboBox, QLineEdit, QPlainTextEdit, QWidget

from missiondesk.labels import classification_label
from missiondesk.services import comms
from missiondesk.ui.framework.commands import RecordActions
from missiondesk.ui.framework.desk import ListDetailDesk
from missiondesk.ui.framework.form import RecordForm, classification_combo, code_combo
from missiondesk.ui.framework.table_model import Column, RecordTableModel


def _t(text: str) -> str:
    return QCoreApplication.translate("CommsObjectives", text)


def _esc(value: object) -> str:
    return html.escape("" if value is None else str(value)).replace("\n", "<br>")


def _task_text(paragraph: str | None, text: str | None) -> str:
    if not paragraph and not text:
        return ""
    return ("OP %s \u2014 %s" % (paragraph, text or "")) if paragraph else (text or "")


class ObjectiveTableModel(RecordTableModel):
    COLUMNS = (
        Column("title", lambda: _t("Objective"), 210, elastic=True),
        Column("objective", lambda: _t("Strategy objective"), 150),
        Column("task", lambda: _t("Mandate task"), 110),
        Column("benchmark", lambda: _t("Benchmark"), 110),
        Column("messages", lambda: _t("Messages"), 70, align="right"),
        Column("internal", lambda: _t("Audience"), 70),
    )

    def display(self, row, key: str) -> str:
        if key == "title":
            return row.title
        if key == "objective":
            return row.objective_title or ""
        if key == "task":
            return _task_text(row.task_paragraph, row.task_text)
        if key == "benchmark":
            return row.benchmark_statement or ""
        if key == "messages":
            return str(row.messages)
        if key == "internal":
            return _t("Internal") if row.internal else _t("External")
        return ""

    def sort_key(self, row, key: str):
        return row.messages if key == "messages" else self.display(row, key)

    def tooltip(self, row, key: str) -> str | None:
        return self.display(row, key) or None


class ObjectiveForm(RecordForm):
    """`values["_choices"]`: a comms.LinkChoices."""

    MIN_WIDTH = 560

    def titles(self) -> tuple[str, str]:
        return self.tr("New Communications Objective"), self.tr("Edit Communications Objective")

    def build(self, values: dict) -> None:
        choices: comms.LinkChoices = values["_choices"]
        none = self.tr("\u2014 none \u2014")
        self.title = QLineEdit(values.get("title") or "")
        self.title.setPlaceholderText(self.tr("What the communications should achieve"))
        self.description = QPlainTextEdit(values.get("description") or "")
        self.description.setTabChangesFocus(True)
        self.description.setFixedHeight(70)
        self.internal = QCheckBox(self.tr("For the mission's own personnel (internal)"))
        self.internal.setChecked(bool(values.get("internal")))
        self.add_field("title", self.tr("Objective"), self.title)
        self.add_field("description", self.tr("Description"), self.description)
        self.add_field("internal", "", self.internal)
        self.add_field("objective_id", self.tr("Strategy objective"), code_combo(
            [(none, None), *((title, i) for i, title in choices.strategy_objectives)],
            values.get("objective_id")))
        self.add_field("mandate_task_id", self.tr("Mandate task"), code_combo(
            [(none, None), *((_task_text(p, t)[:90], i) for i, p, t in choices.mandate_tasks)],
            values.get("mandate_task_id")))
        self.add_field("benchmark_id", self.tr("Benchmark"), code_combo(
            [(none, None), *((s[:90], i) for i, s in choices.benchmarks)],
            values.get("benchmark_id")))
        self.add_field("classification", self.tr("Classification"),
                       classification_combo(values.get("classification"), "CONFIDENTIAL"))
        for key in ("objective_id", "mandate_task_id", "benchmark_id"):
            combo = self.fields[key]  # long titles: the list opens wide, the field does not
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(30)
            combo.view().setMinimumWidth(min(700, combo.view().sizeHintForColumn(0) + 24))


class ObjectivesTab(ListDetailDesk):
    WATCHED = ("comms_objectives", "key_messages", "strategy_objectives", "mandate_tasks",
               "benchmarks")
    SIZES = (860, 300)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(ObjectiveTableModel(), parent)
        self.actions = RecordActions(
            self, lambda: self._ctx,
            create=comms.create_objective, update=comms.update_objective,
            delete=comms.delete_objective, restore=comms.restore_objective,
            texts={"create": self.tr("New communications objective"),
                   "edit": self.tr("Edit communications objective"),
                   "delete": self.tr("Delete communications objective")})
        self.new_button = self.button(self.tr("New\u2026"), self.new_objective)
        self.edit_button = self.button(self.tr("Edit\u2026"), self.edit_objective)
        self.delete_button = self.button(self.tr("Delete"), self.delete_objective)
        self.add_buttons(self.new_button, self.edit_button, self.delete_button, stretch=True)
        self.toolbar.addWidget(self.count_label)
        self.table.doubleClicked.connect(lambda _index: self.edit_objective())
        self.update_buttons()

    def load(self, ctx) -> list:
        return comms.list_objectives(ctx.handle)

    def show_record(self, record_id: str) -> bool:
        return self.select_id(record_id)

    def update_buttons(self) -> None:
        self.new_button.setEnabled(self._ctx is not None)
        for button in (self.edit_button, self.delete_button):
            button.setEnabled(self._ctx is not None and self._current is not None)

    def show_detail(self, row) -> None:
        t = self.tr
        if row is None or self._ctx is None:
            self.detail.setHtml("<p style='color:#666'>%s</p>" % _esc(self.placeholder(
                t("Select an objective to see what it serves."),
                t("No communications objectives yet: New\u2026 adds the first."))))
            return
        parts = ["<h3>%s</h3>" % _esc(row.title)]
        if row.description:
            parts.append("<p>%s</p>" % _esc(row.description))
        for label, value in ((t("Strategy objective"), row.objective_title),
                             (t("Mandate task"), _task_text(row.task_paragraph, row.task_text)),
                             (t("Benchmark"), row.benchmark_statement),
                             (t("Audience"), t("Internal") if row.internal else t("External")),
                             (t("Key messages"), str(row.messages)),
                             (t("Classification"), classification_label(row.classification))):
            parts.append("<p><b>%s:</b> %s</p>" % (_esc(label), _esc(value or "\u2014")))
        self.detail.setHtml("".join(parts))

    def _form_values(self, values: dict) -> dict:
        return {**values, "_choices": comms.objective_link_choices(self._ctx.handle)}

    def new_objective(self) -> None:
        if self._ctx is None:
            return
        ObjectiveForm.ask(self, self._form_values({}), self.create_and_select, creating=True)

    def edit_objective(self) -> None:
        if self._ctx is None or self._current is None:
            return
        current = self._current
        ObjectiveForm.ask(self, self._form_values({**current.values(), "id": current.id}),
                          lambda values: self.actions.edit(current, values), creating=False)

    def delete_objective(self) -> None:
        if self._ctx is None or self._current is None:
            return
        self.confirm_delete(self._current, self.tr("Delete Objective"), self.tr(
            "Delete \u201c{title}\u201d? Its key messages stay. Undo brings it back."
        ).format(title=self._current.title))
