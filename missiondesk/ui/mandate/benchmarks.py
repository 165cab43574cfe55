"""The Benchmarks tab: the mandate's conditions, each with its dated assessments (how the
condition evolved), its indicators and the tasks it measures; Record Assessment changes the
status (undoable)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QBrush, QColor, QUndoCommand
from PySide6.QtWidgets import QLineEdit, QWidget

from missiondesk.labels import classification_label
from missiondesk.store.errors import MissionError
from missiondesk.ui.framework.commands import RecordActions
from missiondesk.ui.framework.desk import filter_combo
from missiondesk.ui.framework.table_model import Column, RecordTableModel
from missiondesk.ui.mandate.common import (
    MandateTab,
    esc,
    facts_table,
    mission_today,
    number_text,
    status_chip,
)
from missiondesk.ui.mandate.labels import STATUS_COLOURS, status_label

if TYPE_CHECKING:
    from missiondesk.services.mandate import BenchmarkRow
    from missiondesk.ui.context import MissionContext

WATCHED = ("benchmarks", "benchmark_assessments", "benchmark_tasks", "mandate_tasks",
           "indicators", "measurements", "mandates")


def _t(text: str, n: int = -1) -> str:
    return QCoreApplication.translate("MandateBenchmarks", text, "", n)


def _service():
    from missiondesk.services import mandate

    return mandate


class BenchmarkTableModel(RecordTableModel):
    COLUMNS = (
        Column("order", lambda: _t("#"), 36, align="right"),
        Column("statement", lambda: _t("Condition"), 200, elastic=True),
        Column("pillar", lambda: _t("Pillar"), 130),
        Column("status", lambda: _t("Status"), 100),
        Column("last_assessed_on", lambda: _t("Assessed"), 86),
        Column("indicators", lambda: _t("Indicators"), 74, align="right"),
    )

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._order: dict[str, int] = {}

    def set_rows(self, rows) -> None:
        self._order = {r.id: n for n, r in enumerate(rows, 1)}
        super().set_rows(rows)

    def display(self, row, key: str) -> str:
        if key == "order":
            return str(self._order.get(row.id, ""))
        if key == "statement":
            return row.statement.replace("\n", " ")
        if key == "status":
            return status_label(row.status)
        if key == "last_assessed_on":
            return row.last_assessed_on.isoformat() if row.last_assessed_on else ""
        if key == "indicators":
            return str(row.indicator_count) if row.indicator_count else ""
        return super().display(row, key)

    def sort_key(self, row, key: str):
        if key == "order":
            return self._order.get(row.id, 0)
        if key == "status":
            return _service().STATUS_ORDER.index(row.status) \
                if row.status in _service().STATUS_ORDER else 99
        if key == "indicators":
            return row.indicator_count
        return super().sort_key(row, key)

    def tooltip(self, row, key: str) -> str | None:
        return row.statement if key == "statement" else None

    def foreground(self, row, key: str):
        if key == "status":
            return QBrush(QColor(STATUS_COLOURS.get(row.status, "#555555")))
        return None


class BenchmarksTab(MandateTab):
    """The mandate's benchmarks and their assessment history."""

    WATCHED = WATCHED
    SIZES = (800, 440)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(BenchmarkTableModel(), parent)
        self.model.setParent(self)
        service = _service()
        self.actions = RecordActions(
            self, lambda: self._ctx, create=service.create_benchmark,
            update=service.update_benchmark, delete=service.delete_benchmark,
            restore=service.restore_benchmark,
            texts={"create": self.tr("New benchmark"), "edit": self.tr("Edit benchmark"),
                   "delete": self.tr("Delete benchmark")})
        self.pillar_filter = filter_combo(self.tr("All pillars"), [])
        self.status_filter = filter_combo(self.tr("Every status"), [
            (status_label(code), code) for code in service.STATUS_ORDER])
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("Find in the conditions\u2026"))
        self.search.setClearButtonEnabled(True)
        for combo in (self.pillar_filter, self.status_filter):
            combo.currentIndexChanged.connect(self._filter_changed)
        self.search.textChanged.connect(self._filter_changed)
        self.filters.addWidget(self.pillar_filter)
        self.filters.addWidget(self.status_filter)
        self.filters.addWidget(self.search, 1)

        self.new_button = self.button(self.tr("New Benchmark\u2026"), self.new_benchmark)
        self.assess_button = self.button(self.tr("Record Assessment\u2026"),
                                         self.record_assessment)
        self.assess_button.setToolTip(self.tr("Say, as of a date, where the condition stands "
                                              "and why; the status follows the newest"))
        self.edit_button = self.button(self.tr("Edit\u2026"), self.edit_benchmark)
        self.delete_button = self.button(self.tr("Delete"), self.delete_benchmark)
        self.export_button = self.button(
            self.tr("Export\u2026"), lambda: self.export_view(self.tr("benchmarks") + ".xlsx"))
        self.add_buttons(self.new_button, self.assess_button, self.edit_button,
                         self.delete_button)
        self.toolbar.addStretch(1)
        self.toolbar.addWidget(self.count_label)
        self.toolbar.addWidget(self.export_button)
        self.table.doubleClicked.connect(lambda _index: self.record_assessment())
        self.show_detail(None)
        self.update_buttons()

    # --- reading --------------------------------------------------------------------------------

    def load(self, ctx: MissionContext) -> list:
        if self.mandate is None:
            return []
        rows = _service().list_benchmarks(ctx.handle, self.mandate.id)
        current = self.pillar_filter.currentData()
        self.pillar_filter.blockSignals(True)
        while self.pillar_filter.count() > 1:
            self.pillar_filter.removeItem(1)
        for pillar in dict.fromkeys(r.pillar for r in rows if r.pillar):
            self.pillar_filter.addItem(pillar, pillar)
        index = self.pillar_filter.findData(current) if current is not None else 0
        self.pillar_filter.setCurrentIndex(max(index, 0))
        self.pillar_filter.blockSignals(False)
        return rows

    def _filter_changed(self) -> None:
        pillar = self.pillar_filter.currentData()
        status = self.status_filter.currentData()
        words = self.search.text().strip().casefold()

        def keep(row) -> bool:
            return ((pillar is None or row.pillar == pillar)
                    and (status is None or row.status == status)
                    and (not words or words in row.statement.casefold()))

        self.model.set_filter(keep if (pillar is not None or status is not None or words)
                              else None)
        self._reselect(self.current_id())

    def set_filters_to_all(self) -> None:
        for combo in (self.pillar_filter, self.status_filter):
            combo.setCurrentIndex(0)
        self.search.clear()

    def show_record(self, record_id: str) -> bool:
        """A benchmark, or one of its assessments (selects its benchmark)."""
        if self._ctx is not None and self.model.row_of(record_id) < 0:
            owner = _service().benchmark_of_assessment(self._ctx.handle, record_id)
            if owner is not None:
                record_id = owner
        return super().show_record(record_id)

    def count_text(self) -> str:
        rows = self.model.rows()
        met = sum(1 for r in rows if r.status == "met")
        return self.tr("%n benchmark(s)", "", len(rows)) + " \u00b7 " + \
            self.tr("%n met", "", met)

    def update_buttons(self) -> None:
        has_mandate = self._ctx is not None and self.mandate is not None
        has = has_mandate and self._current is not None
        self.new_button.setEnabled(has_mandate)
        self.export_button.setEnabled(has_mandate)
        for button in (self.assess_button, self.edit_button, self.delete_button):
            button.setEnabled(has)

    def show_detail(self, row: BenchmarkRow | None) -> None:
        if row is None or self._ctx is None:
            if self._ctx is not None and self.mandate is None:
                text = self.tr("No mandate yet: New Mandate\u2026 above adds the resolution.")
            else:
                text = self.placeholder(
                    self.tr("Select a benchmark to see how its condition evolved."),
                    self.tr("No benchmarks yet. New Benchmark\u2026 states a condition to "
                            "reach (not a date); assessments then say where it stands."))
            self.detail.setHtml("<p style='color:#666'>%s</p>" % esc(text))
            return
        service = _service()
        t = self.tr
        try:
            history = service.assessments(self._ctx.handle, row.id)
            indicators = [i for i in service.list_indicators(self._ctx.handle, row.mandate_id)
                          if i.benchmark_id == row.id]
            tasks = {task.id: task for task in service.list_tasks(self._ctx.handle,
                                                                  row.mandate_id)} \
                if row.mandate_id else {}
        except MissionError:
            self.detail.setHtml("")
            return
        parts = ["<h3 style='margin-bottom:4px'>%s</h3>" % esc(row.statement),
                 facts_table([
                     (t("Status"), status_chip(row.status)),
                     (t("Pillar"), esc(row.pillar or "\u2014")),
                     (t("Responsible parties"), esc(row.responsible_parties or "\u2014")),
                     (t("Indicative timeframe"), esc(row.timeframe or "\u2014")),
                     (t("Tasks"), ", ".join(
                         "<a href='task:%s'>%s</a>" % (esc(tid), esc(tasks[tid].paragraph))
                         for tid in row.task_ids if tid in tasks) or "\u2014"),
                     (t("Classification"), esc(classification_label(row.classification)))])]
        parts.append("<h3 style='margin-bottom:2px'>%s</h3>" % esc(t("Assessments")))
        if history:
            parts.append("<table cellspacing='0' cellpadding='3'>")
            for a in history:
                parts.append(
                    "<tr><td style='color:#555; white-space:nowrap' valign='top'>%s</td>"
                    "<td valign='top' style='white-space:nowrap'>%s</td><td valign='top'>%s"
                    "<br><span style='color:#777'>%s</span></td></tr>" % (
                        esc(a.assessed_on.isoformat()), status_chip(a.status),
                        esc(a.note or ""), esc(a.assessed_by or "")))
            parts.append("</table>")
        else:
            parts.append("<p style='color:#666'>%s</p>" % esc(t(
                "Not assessed yet: Record Assessment\u2026 says where the condition stands.")))
        parts.append("<h3 style='margin-bottom:2px'>%s</h3>" % esc(t("Indicators")))
        if indicators:
            parts.append("<ul>%s</ul>" % "".join(
                "<li><a href='indicator:%s'>%s</a>: %s</li>" % (
                    esc(i.id), esc(i.name), esc(t("{latest} (baseline {baseline}, target "
                                                  "{target})").format(
                        latest=number_text(i.latest_value) or "\u2014",
                        baseline=number_text(i.baseline) or "\u2014",
                        target=number_text(i.target) or "\u2014")))
                for i in indicators))
        else:
            parts.append("<p style='color:#666'>%s</p>" % esc(t("None yet (Indicators tab).")))
        self.detail.setHtml("".join(parts))

    # --- writes (each on the undo stack) ---------------------------------------------------

    def new_benchmark(self) -> None:
        from missiondesk.ui.mandate.forms import BenchmarkForm

        if self._ctx is None or self.mandate is None:
            return
        mandate_id = self.mandate.id
        BenchmarkForm.ask(
            self, {"classification": self.mandate.classification,
                   "pillar": self.pillar_filter.currentData()},
            lambda values: self.create_and_select({**values, "mandate_id": mandate_id}),
            creating=True)

    def edit_benchmark(self) -> None:
        from missiondesk.ui.mandate.forms import BenchmarkForm

        row = self._current
        if self._ctx is None or row is None:
            return
        BenchmarkForm.ask(self, {**row.values(), "id": row.id},
                          lambda values: self.actions.edit(row, values), creating=False)

    def delete_benchmark(self) -> None:
        row = self._current
        if self._ctx is None or row is None:
            return
        self.confirm_delete(row, self.tr("Delete Benchmark"), self.tr(
            "Delete this benchmark? Its assessments and indicators are hidden with it; Undo "
            "brings it back."))

    def record_assessment(self) -> None:
        from missiondesk.ui.mandate.forms import AssessmentForm

        row = self._current
        if self._ctx is None or row is None:
            return
        AssessmentForm.ask(self, {"assessed_on": mission_today(self._ctx),
                                  "status": row.status},
                           lambda values: self.submit_assessment(row, values), creating=True)

    def submit_assessment(self, row: BenchmarkRow, values: dict) -> str | None:
        """Record an assessment (undoable); the refusal's sentence."""
        if self._ctx is None:
            return None
        command = RecordAssessmentCommand(
            self._ctx, self.tr("Assess benchmark: {status}").format(
                status=status_label(values.get("status") or "")),
            row.id, row.revision, values, on_error=self.actions.show_undo_error)
        return self.actions.push(command)


class RecordAssessmentCommand(QUndoCommand):
    """Record a dated assessment; undo withdraws it (the status goes back to the one before),
    redo restores it. The benchmark's revision is checked at each step."""

    def __init__(self, ctx: MissionContext, text: str, benchmark_id: str, revision: int,
                 values: dict, *, on_error) -> None:
        super().__init__(text)
        self._ctx = ctx
        self._benchmark_id = benchmark_id
        self._revision = revision
        self._values = dict(values)
        self._on_error = on_error
        self._applied_by_push = False
        self.assessment_id: str | None = None

    def first_apply(self) -> None:
        with self._ctx.handle.unit_of_work() as uow:
            view = _service().record_assessment(uow, self._benchmark_id,
                                                expected_revision=self._revision, **self._values)
        self.assessment_id = view.id
        self._revision = view.benchmark_revision
        self._applied_by_push = True

    def _step(self, step) -> None:
        try:
            with self._ctx.handle.unit_of_work() as uow:
                view = step(uow, self.assessment_id, expected_revision=self._revision)
        except MissionError as exc:
            self.setObsolete(True)
            self._on_error(exc)
            return
        self._revision = view.revision

    def redo(self) -> None:
        if self._applied_by_push:
            self._applied_by_push = False
            return
        self._step(_service().restore_assessment)

    def undo(self) -> None:
        self._step(_service().withdraw_assessment)
