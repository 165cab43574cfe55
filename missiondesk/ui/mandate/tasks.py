"""The Tasks tab: the mandate's tasks (operative paragraphs) in paragraph order, their links to
benchmarks and to stakeholders, engagements and commitments (Links…, one undo step; the detail
opens each in its desk), and tasks pasted from a resolution's text (previewed, then created in
one undo step)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, Qt, QTimer
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from missiondesk.labels import classification_label
from missiondesk.store.errors import MissionError
from missiondesk.ui.framework.commands import BatchCommand, EditRecordCommand, RecordActions
from missiondesk.ui.framework.desk import filter_combo
from missiondesk.ui.framework.form import hint_label
from missiondesk.ui.framework.table_model import Column, RecordTableModel
from missiondesk.ui.framework.widgets import error_label
from missiondesk.ui.mandate.common import MandateTab, esc, facts_table, status_chip

if TYPE_CHECKING:
    from missiondesk.services.mandate import TaskRow
    from missiondesk.services.resolution_text import Paragraph
    from missiondesk.ui.context import MissionContext

WATCHED = ("mandate_tasks", "benchmark_tasks", "benchmarks", "mandates",
           "mandate_task_stakeholders", "mandate_task_engagements", "mandate_task_commitments",
           "stakeholders", "engagements", "commitments")


def _t(text: str, n: int = -1) -> str:
    return QCoreApplication.translate("MandateTasks", text, "", n)


def _service():
    from missiondesk.services import mandate

    return mandate


def _link_count(row) -> int:
    return len(row.stakeholder_ids) + len(row.engagement_ids) + len(row.commitment_ids)


class TaskTableModel(RecordTableModel):
    COLUMNS = (
        Column("paragraph", lambda: _t("Paragraph"), 92),
        Column("text", lambda: _t("Task"), 220, elastic=True),
        Column("pillar", lambda: _t("Pillar"), 130),
        Column("priority", lambda: _t("Priority"), 66),
        Column("benchmarks", lambda: _t("Benchmarks"), 90, align="right"),
        Column("links", lambda: _t("Links"), 60, align="right"),
        Column("classification", lambda: _t("Classification"), 110),
    )

    def display(self, row, key: str) -> str:
        if key == "text":
            return row.text.replace("\n", " ")
        if key == "priority":
            return _t("Priority") if row.priority else _t("Other")
        if key == "benchmarks":
            return str(len(row.benchmark_ids)) if row.benchmark_ids else ""
        if key == "links":
            return str(_link_count(row)) if _link_count(row) else ""
        if key == "classification":
            return classification_label(row.classification)
        return super().display(row, key)

    def sort_key(self, row, key: str):
        if key == "paragraph":
            return _service().paragraph_key(row.paragraph)
        if key == "benchmarks":
            return len(row.benchmark_ids)
        if key == "links":
            return _link_count(row)
        return super().sort_key(row, key)

    def tooltip(self, row, key: str) -> str | None:
        if key == "links":
            return _t("{stakeholders} stakeholder(s), {engagements} engagement(s), "
                      "{commitments} commitment(s)").format(
                stakeholders=len(row.stakeholder_ids), engagements=len(row.engagement_ids),
                commitments=len(row.commitment_ids))
        return row.text if key == "text" else None

    def font(self, row, key: str):
        if key == "paragraph" and row.priority:
            font = QFont()
            font.setBold(True)
            return font
        return None


class TasksTab(MandateTab):
    """The mandate's tasks, and tasks pasted from a resolution."""

    WATCHED = WATCHED
    SIZES = (860, 380)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(TaskTableModel(), parent)
        self.model.setParent(self)
        service = _service()
        self.actions = RecordActions(
            self, lambda: self._ctx, create=service.create_task, update=service.update_task,
            delete=service.delete_task, restore=service.restore_task,
            texts={"create": self.tr("New task"), "edit": self.tr("Edit task"),
                   "delete": self.tr("Delete task")})
        self.pillar_filter = filter_combo(self.tr("All pillars"), [])
        self.priority_filter = filter_combo(self.tr("Priority and other tasks"), [
            (self.tr("Priority tasks"), True), (self.tr("Other tasks"), False)])
        self.priority_filter.setMinimumContentsLength(20)
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("Find in the tasks\u2026"))
        self.search.setClearButtonEnabled(True)
        for widget in (self.pillar_filter, self.priority_filter):
            widget.currentIndexChanged.connect(self._filter_changed)
        self.search.textChanged.connect(self._filter_changed)
        self.filters.addWidget(self.pillar_filter)
        self.filters.addWidget(self.priority_filter)
        self.filters.addWidget(self.search, 1)

        self.new_button = self.button(self.tr("New Task\u2026"), self.new_task)
        self.paste_button = self.button(self.tr("Paste from Resolution\u2026"),
                                        self.paste_from_resolution)
        self.paste_button.setToolTip(self.tr("Paste operative paragraphs of the resolution; "
                                             "they become tasks with their references"))
        self.edit_button = self.button(self.tr("Edit\u2026"), self.edit_task)
        self.link_button = self.button(self.tr("Benchmarks\u2026"), self.link_benchmarks)
        self.link_button.setToolTip(self.tr("Choose the benchmarks this task serves"))
        self.links_button = self.button(self.tr("Links\u2026"), self.edit_links)
        self.links_button.setToolTip(self.tr("Link the task to stakeholders, engagements and "
                                             "commitments"))
        self.delete_button = self.button(self.tr("Delete"), self.delete_task)
        self.export_button = self.button(
            self.tr("Export\u2026"), lambda: self.export_view(self.tr("mandate tasks") + ".xlsx"))
        self.add_buttons(self.new_button, self.paste_button, self.edit_button, self.link_button,
                         self.links_button, self.delete_button)
        self.toolbar.addStretch(1)
        self.toolbar.addWidget(self.export_button)
        # the count beside the filters: the toolbar's seven buttons fill a 1180-wide window
        self.filters.addWidget(self.count_label)
        self.table.doubleClicked.connect(lambda _index: self.edit_task())
        self.show_detail(None)
        self.update_buttons()

    # --- reading --------------------------------------------------------------------------------

    def load(self, ctx: MissionContext) -> list:
        if self.mandate is None:
            return []
        rows = _service().list_tasks(ctx.handle, self.mandate.id)
        self._fill_pillars(rows)
        return rows

    def _fill_pillars(self, rows: list) -> None:
        current = self.pillar_filter.currentData()
        pillars = sorted({r.pillar for r in rows if r.pillar}, key=str.casefold)
        self.pillar_filter.blockSignals(True)
        while self.pillar_filter.count() > 1:
            self.pillar_filter.removeItem(1)
        for pillar in pillars:
            self.pillar_filter.addItem(pillar, pillar)
        index = self.pillar_filter.findData(current) if current is not None else 0
        self.pillar_filter.setCurrentIndex(max(index, 0))
        self.pillar_filter.blockSignals(False)

    def _filter_changed(self) -> None:
        pillar = self.pillar_filter.currentData()
        priority = self.priority_filter.currentData()
        words = self.search.text().strip().casefold()

        def keep(row) -> bool:
            return ((pillar is None or row.pillar == pillar)
                    and (priority is None or row.priority == priority)
                    and (not words or words in row.text.casefold()
                         or words in row.paragraph.casefold()))

        self.model.set_filter(keep if (pillar is not None or priority is not None or words)
                              else None)
        self._reselect(self.current_id())

    def set_filters_to_all(self) -> None:
        for combo in (self.pillar_filter, self.priority_filter):
            combo.setCurrentIndex(0)
        self.search.clear()

    def count_text(self) -> str:
        rows = self.model.rows()
        priority = sum(1 for r in rows if r.priority)
        return (self.tr("%n task(s)", "", len(rows)) + " \u00b7 "
                + self.tr("%n priority", "", priority))

    def update_buttons(self) -> None:
        has_mandate = self._ctx is not None and self.mandate is not None
        has = has_mandate and self._current is not None
        self.new_button.setEnabled(has_mandate)
        self.paste_button.setEnabled(has_mandate)
        self.export_button.setEnabled(has_mandate)
        for button in (self.edit_button, self.link_button, self.links_button,
                       self.delete_button):
            button.setEnabled(has)

    def show_detail(self, row: TaskRow | None) -> None:
        if row is None or self._ctx is None:
            if self._ctx is not None and self.mandate is None:
                text = self.tr("No mandate yet: New Mandate\u2026 above adds the resolution.")
            else:
                text = self.placeholder(
                    self.tr("Select a task to see the benchmarks it serves and the "
                            "engagements about them."),
                    self.tr("No tasks yet. Paste from Resolution\u2026 reads the operative "
                            "paragraphs of the resolution; New Task\u2026 adds one."))
            self.detail.setHtml("<p style='color:#666'>%s</p>" % esc(text))
            return
        try:
            detail = _service().get_task(self._ctx.handle, row.id)
        except MissionError:
            self.detail.setHtml("")
            return
        t = self.tr
        parts = ["<h2 style='margin-bottom:4px'>%s</h2>" % esc(row.paragraph),
                 "<p>%s</p>" % esc(row.text).replace("\n", "<br>"),
                 facts_table([
                     (t("Pillar"), esc(row.pillar or "\u2014")),
                     (t("Priority"), esc(t("Priority task") if row.priority
                                         else t("Other task"))),
                     (t("Classification"), esc(classification_label(row.classification)))])]
        parts.append("<h3 style='margin-bottom:2px'>%s</h3>" % esc(t("Benchmarks it serves")))
        if detail.benchmarks:
            parts.append("<ul>%s</ul>" % "".join(
                "<li><a href='benchmark:%s'>%s</a> \u2014 %s</li>" % (
                    esc(b.id), esc(b.statement), status_chip(b.status))
                for b in detail.benchmarks))
        else:
            parts.append("<p style='color:#666'>%s</p>" % esc(t(
                "None yet: Benchmarks\u2026 links the conditions this task works toward.")))
        parts.extend(self._direct_links(detail))
        parts.append("<h3 style='margin-bottom:2px'>%s</h3>" % esc(
            t("Engagements on its benchmarks")))
        if detail.engagements:
            parts.append(self._engagement_list(detail.engagements))
        else:
            parts.append("<p style='color:#666'>%s</p>" % esc(t("None recorded.")))
        self.detail.setHtml("".join(parts))

    def _engagement_list(self, engagements) -> str:
        from missiondesk.services.clock import mission_zone, to_local

        zone = mission_zone(self._ctx.handle)
        return "<ul>%s</ul>" % "".join(
            "<li>%s <a href='engagement:%s'>%s</a></li>" % (
                esc(to_local(e.starts_at, zone).date().isoformat()), esc(e.id), esc(e.title))
            for e in engagements)

    def _direct_links(self, detail) -> list[str]:
        """The stakeholders, engagements and commitments linked to the task itself."""
        t = self.tr
        parts = ["<h3 style='margin-bottom:2px'>%s</h3>" % esc(t("Linked to this task"))]
        if not (detail.stakeholders or detail.task_engagements or detail.commitments):
            parts.append("<p style='color:#666'>%s</p>" % esc(t(
                "Nothing yet: Links\u2026 adds the stakeholders, engagements and commitments "
                "that bear on it.")))
            return parts
        if detail.stakeholders:
            parts.append("<p style='margin-bottom:0'><b>%s</b> %s</p>" % (
                esc(t("Stakeholders:")), ", ".join(
                    "<a href='stakeholder:%s'>%s</a>" % (esc(s.id), esc(s.name))
                    for s in detail.stakeholders)))
        if detail.task_engagements:
            parts.append("<p style='margin-bottom:0'><b>%s</b></p>" % esc(t("Engagements:")))
            parts.append(self._engagement_list(detail.task_engagements))
        if detail.commitments:
            from missiondesk.labels import commitment_status_label

            parts.append("<p style='margin-bottom:0'><b>%s</b></p>" % esc(t("Commitments:")))
            parts.append("<ul>%s</ul>" % "".join(
                "<li><a href='commitment:%s'>%s</a> \u2014 %s%s</li>" % (
                    esc(c.id), esc(" ".join(c.text.split())),
                    esc(commitment_status_label(c.status)),
                    esc(t(", due {date}").format(date=c.due_date.isoformat())
                        if c.due_date else ""))
                for c in detail.commitments))
        return parts

    # --- writes (each on the undo stack) ---------------------------------------------------

    def _default_values(self) -> dict:
        return {"classification": self.mandate.classification if self.mandate else None,
                "priority": True}

    def new_task(self) -> None:
        from missiondesk.ui.mandate.forms import TaskForm

        if self._ctx is None or self.mandate is None:
            return
        mandate_id = self.mandate.id
        TaskForm.ask(self, self._default_values(),
                     lambda values: self.create_and_select({**values, "mandate_id": mandate_id}),
                     creating=True)

    def edit_task(self) -> None:
        from missiondesk.ui.mandate.forms import TaskForm

        row = self._current
        if self._ctx is None or row is None:
            return
        TaskForm.ask(self, {**row.values(), "id": row.id},
                     lambda values: self.actions.edit(row, values), creating=False)

    def delete_task(self) -> None:
        row = self._current
        if self._ctx is None or row is None:
            return
        self.confirm_delete(row, self.tr("Delete Task"), self.tr(
            "Delete the task {paragraph}? Its links to benchmarks go with it; Undo brings it "
            "back.").format(paragraph=row.paragraph))

    def link_benchmarks(self) -> None:
        row = self._current
        if self._ctx is None or row is None or self.mandate is None:
            return
        benchmarks = _service().list_benchmarks(self._ctx.handle, self.mandate.id)
        chosen = LinkBenchmarksDialog.choose(self, row, benchmarks)
        if chosen is None:
            return
        problem = self.set_benchmarks(row, chosen)
        if problem:
            QMessageBox.warning(self, self.tr("Benchmarks"), problem)

    def set_benchmarks(self, row: TaskRow, benchmark_ids: list[str]) -> str | None:
        """Link the task to exactly these benchmarks (undoable); the refusal's sentence."""
        if set(benchmark_ids) == set(row.benchmark_ids) or self._ctx is None:
            return None
        task_id = row.id
        command = EditRecordCommand(
            self._ctx, self.tr("Link task {paragraph} to benchmarks").format(
                paragraph=row.paragraph),
            lambda uow, rev, values: _service().set_task_benchmarks(
                uow, task_id, values["benchmark_ids"], expected_revision=rev),
            revision=row.revision, old={"benchmark_ids": list(row.benchmark_ids)},
            new={"benchmark_ids": list(benchmark_ids)}, on_error=self.actions.show_undo_error)
        return self.actions.push(command)

    def edit_links(self) -> None:
        from missiondesk.services.people import people
        from missiondesk.ui.mandate.task_links import TaskLinksDialog

        row = self._current
        if self._ctx is None or row is None:
            return
        try:
            detail = _service().get_task(self._ctx.handle, row.id)
        except MissionError as exc:
            self.actions.show_undo_error(exc)
            return
        chosen = TaskLinksDialog.choose(self, self._ctx, detail, people(self._ctx.handle))
        if chosen is None:
            return
        problem = self.set_links(detail.task, chosen)
        if problem:
            QMessageBox.warning(self, self.tr("Links"), problem)

    def set_links(self, row: TaskRow, links: dict[str, list[str]]) -> str | None:
        """Link the task to exactly these stakeholders, engagements and commitments (one
        undo step); the refusal's sentence."""
        old = row.links()
        if self._ctx is None or all(set(links.get(k, old[k])) == set(old[k]) for k in old):
            return None
        task_id = row.id
        command = EditRecordCommand(
            self._ctx, self.tr("Change the links of task {paragraph}").format(
                paragraph=row.paragraph),
            lambda uow, rev, values: _service().set_task_links(
                uow, task_id, expected_revision=rev, **values),
            revision=row.revision, old=old, new={**old, **links},
            on_error=self.actions.show_undo_error, record_id=task_id)
        return self.actions.push(command)

    def paste_from_resolution(self) -> None:
        if self._ctx is None or self.mandate is None:
            return
        service = _service()
        existing = {service.paragraph_key(r.paragraph)
                    for r in service.list_tasks(self._ctx.handle, self.mandate.id)}
        PasteResolutionDialog.ask(self, existing, self.create_pasted,
                                  self.mandate.classification)

    def create_pasted(self, tasks: list[dict]) -> str | None:
        """Create the previewed tasks in one unit and one undo step; the refusal's sentence."""
        if self._ctx is None or self.mandate is None or not tasks:
            return None
        service = _service()
        mandate_id = self.mandate.id

        def each(step):
            return lambda uow, revisions: [step(uow, task_id, expected_revision=revision)
                                           for task_id, revision in revisions.items()]

        command = BatchCommand(
            self._ctx, self.tr("Add %n task(s) from the resolution", "", len(tasks)),
            create=lambda uow: service.create_tasks(uow, mandate_id, tasks),
            remove=each(service.delete_task), restore=each(service.restore_task),
            on_error=self.actions.show_undo_error)
        problem = self.actions.push(command)
        if problem is None and command.ids:
            self.select_id(command.ids[0])
        return problem


class LinkBenchmarksDialog(QDialog):
    """Tick the benchmarks a task serves."""

    def __init__(self, parent: QWidget | None, task: TaskRow, benchmarks: list) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Benchmarks of {paragraph}").format(
            paragraph=task.paragraph))
        self.setMinimumWidth(560)
        layout = QVBoxLayout(self)
        intro = QLabel(self.tr("The conditions task {paragraph} works toward:").format(
            paragraph=task.paragraph))
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.list = QListWidget()
        self.list.setWordWrap(True)
        for b in benchmarks:
            item = QListWidgetItem(b.statement)
            item.setData(Qt.ItemDataRole.UserRole, b.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if b.id in task.benchmark_ids
                               else Qt.CheckState.Unchecked)
            self.list.addItem(item)
        layout.addWidget(self.list, 1)
        if not benchmarks:
            layout.addWidget(hint_label(self.tr("The mandate has no benchmarks yet: add them "
                                                "in the Benchmarks tab.")))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def chosen(self) -> list[str]:
        return [self.list.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.list.count())
                if self.list.item(i).checkState() == Qt.CheckState.Checked]

    @classmethod
    def choose(cls, parent: QWidget | None, task: TaskRow, benchmarks: list) -> list[str] | None:
        dialog = cls(parent, task, benchmarks)
        return dialog.chosen() if dialog.exec() == QDialog.DialogCode.Accepted else None


class PasteResolutionDialog(QDialog):
    """Paste a resolution's text; the preview shows the paragraphs found, ticked when they
    become tasks (operative ones not yet tasks); Create makes the ticked ones."""

    def __init__(self, parent: QWidget | None, existing: set[tuple], create,
                 classification: str | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Paste Tasks from a Resolution"))
        self.resize(1060, 640)
        self._existing = existing
        self._create = create
        self._classification = classification
        self._paragraphs: list[Paragraph] = []
        self.text = QPlainTextEdit()
        self.text.setPlaceholderText(self.tr(
            "Paste the operative paragraphs of the resolution here, as copied from the PDF or "
            "the web page: \u201c35. Decides that\u2026 (a) Protection of civilians: (i) To "
            "protect\u2026\u201d"))
        self.text.textChanged.connect(self._schedule)
        self.preview = QTreeWidget()
        self.preview.setColumnCount(2)
        self.preview.setHeaderLabels([self.tr("Reference"), self.tr("Task text")])
        self.preview.setRootIsDecorated(False)
        self.preview.setUniformRowHeights(False)
        self.preview.setWordWrap(True)
        self.preview.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        self.preview.header().resizeSection(0, 130)
        self.preview.header().setStretchLastSection(True)
        self.preview.itemChanged.connect(lambda *_: self._update_summary())
        self.summary = QLabel()
        self.pillar = QLineEdit()
        self.pillar.setPlaceholderText(self.tr("optional, e.g. Protection of civilians"))
        self.priority = QCheckBox(self.tr("Priority tasks"))
        self.priority.setChecked(True)
        self.error = error_label()

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(QLabel(self.tr("Resolution text")))
        left_layout.addWidget(self.text, 1)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(QLabel(self.tr("Preview: ticked paragraphs become tasks")))
        right_layout.addWidget(self.preview, 1)
        right_layout.addWidget(self.summary)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setSizes([420, 620])
        options = QHBoxLayout()
        options.addWidget(QLabel(self.tr("Pillar of the new tasks")))
        options.addWidget(self.pillar, 1)
        options.addWidget(self.priority)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.create_button = self.buttons.addButton(self.tr("Create Tasks"),
                                                    QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self._accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        layout.addLayout(options)
        layout.addWidget(hint_label(self.tr(
            "Numbered operative paragraphs and their lettered and roman sub-paragraphs are "
            "read with their references (OP 35(a)(ii)); the preamble is shown unticked; page "
            "headers and numbers of the official text are left out. Paragraphs the mandate "
            "already has are not created again.")))
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(150)
        self._timer.timeout.connect(self.read_text)
        self._update_summary()

    def _schedule(self) -> None:
        self._timer.start()

    def read_text(self) -> None:
        """Read the pasted text again and show what it holds."""
        from missiondesk.services.resolution_text import parse_resolution

        self._timer.stop()
        self._paragraphs = list(parse_resolution(self.text.toPlainText()).paragraphs)
        self.preview.blockSignals(True)
        self.preview.clear()
        for p in self._paragraphs:
            item = QTreeWidgetItem([p.reference, p.text])
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            exists = _service().paragraph_key(p.reference) in self._existing
            ticked = p.operative and not exists and bool(p.reference) and bool(p.text)
            item.setCheckState(0, Qt.CheckState.Checked if ticked else Qt.CheckState.Unchecked)
            item.setToolTip(1, p.text)
            if exists:
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEnabled)
                item.setToolTip(0, self.tr("The mandate already has this paragraph as a task"))
            elif not p.operative:
                item.setForeground(0, self.palette().placeholderText())
                item.setForeground(1, self.palette().placeholderText())
                item.setToolTip(0, self.tr("Preambular paragraph"))
            if p.level:
                item.setText(0, "\u2003" * p.level + p.reference)
            self.preview.addTopLevelItem(item)
        self.preview.blockSignals(False)
        self._update_summary()

    def ticked(self) -> list[Paragraph]:
        return [p for i, p in enumerate(self._paragraphs)
                if self.preview.topLevelItem(i).checkState(0) == Qt.CheckState.Checked]

    def _update_summary(self) -> None:
        found = sum(1 for p in self._paragraphs if p.operative)
        ticked = len(self.ticked()) if self._paragraphs else 0
        self.summary.setText(self.tr("{ticked} of {found} operative paragraph(s) ticked").format(
            ticked=ticked, found=found))
        self.create_button.setEnabled(ticked > 0)

    def tasks(self) -> list[dict]:
        """The ticked paragraphs as the task fields the service takes."""
        pillar = self.pillar.text().strip() or None
        values = []
        for p in self.ticked():
            task = {"paragraph": p.reference, "text": p.text, "pillar": pillar,
                    "priority": self.priority.isChecked()}
            if self._classification:
                task["classification"] = self._classification
            values.append(task)
        return values

    def _accept(self) -> None:
        if self._timer.isActive():
            self.read_text()
        tasks = self.tasks()
        if not tasks:
            return
        problem = self._create(tasks)
        if problem:
            self.error.setText(problem)
            self.error.show()
        else:
            self.accept()

    @classmethod
    def ask(cls, parent: QWidget | None, existing: set[tuple], create,
            classification: str | None = None) -> bool:
        dialog = cls(parent, existing, create, classification)
        return dialog.exec() == QDialog.DialogCode.Accepted
