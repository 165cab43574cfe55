"""The Mandate desk's forms: mandate, task, benchmark, assessment, indicator, measurement.

Dates are typed as YYYY-MM-DD (the service says which one is not a date); numbers accept a
decimal comma. Each form's `values()` gives what its service's EDITABLE fields take.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import QCheckBox, QLineEdit, QPlainTextEdit

from missiondesk.store.vocab import BenchmarkStatus, IndicatorDirection
from missiondesk.ui.framework.form import (
    RecordForm,
    classification_combo,
    code_combo,
    hint_label,
)
from missiondesk.ui.mandate.labels import direction_label, status_label


def _date_edit(value, placeholder: str) -> QLineEdit:
    edit = QLineEdit(value.isoformat() if isinstance(value, date) else (value or ""))
    edit.setPlaceholderText(placeholder)
    return edit


def _number_edit(value) -> QLineEdit:
    if value is None:
        return QLineEdit()
    return QLineEdit(("%g" % value) if isinstance(value, float) else str(value))


def _long_text(value: str | None, height: int) -> QPlainTextEdit:
    edit = QPlainTextEdit(value or "")
    edit.setTabChangesFocus(True)
    edit.setFixedHeight(height)
    return edit


class MandateForm(RecordForm):
    """New or edit a mandate (the Council resolution)."""

    def titles(self) -> tuple[str, str]:
        return self.tr("New Mandate"), self.tr("Edit Mandate")

    def build(self, values: dict) -> None:
        resolution = QLineEdit(values.get("resolution") or "")
        resolution.setPlaceholderText(self.tr("S/RES/2799 (2026)"))
        self.add_field("resolution", self.tr("Resolution"), resolution)
        self.add_field("adopted_on", self.tr("Adopted on"),
                       _date_edit(values.get("adopted_on"), self.tr("YYYY-MM-DD")))
        self.add_field("expires_on", self.tr("Expires on"),
                       _date_edit(values.get("expires_on"), self.tr("YYYY-MM-DD")))
        self.add_field("penholder", self.tr("Pen-holder"), QLineEdit(values.get("penholder")
                                                                      or ""))
        summary = _long_text(values.get("summary"), 80)
        self.add_field("summary", self.tr("Summary"), summary)
        self.add_field("classification", self.tr("Classification"),
                       classification_combo(values.get("classification"), "UNCLASSIFIED"))
        self.keep_drafts("mandates", {"summary": (self.tr("Summary"), summary)})


class TaskForm(RecordForm):
    """New or edit a mandate task (an operative paragraph)."""

    MIN_WIDTH = 560

    def titles(self) -> tuple[str, str]:
        return self.tr("New Task"), self.tr("Edit Task")

    def build(self, values: dict) -> None:
        paragraph = QLineEdit(values.get("paragraph") or "")
        paragraph.setPlaceholderText(self.tr("OP 35(a)(ii)"))
        self.add_field("paragraph", self.tr("Paragraph"), paragraph)
        text = _long_text(values.get("text"), 90)
        self.add_field("text", self.tr("Task"), text)
        pillar = QLineEdit(values.get("pillar") or "")
        pillar.setPlaceholderText(self.tr("Political process, Protection of civilians\u2026"))
        self.add_field("pillar", self.tr("Pillar"), pillar)
        priority = QCheckBox(self.tr("Priority task (the others are 'other tasks')"))
        priority.setChecked(bool(values.get("priority")))
        self.add_field("priority", "", priority)
        self.add_field("classification", self.tr("Classification"),
                       classification_combo(values.get("classification"), "UNCLASSIFIED"))
        self.keep_drafts("mandate_tasks", {"text": (self.tr("Task"), text)})


class BenchmarkForm(RecordForm):
    """New or edit a benchmark: a condition, not a date."""

    MIN_WIDTH = 560

    def titles(self) -> tuple[str, str]:
        return self.tr("New Benchmark"), self.tr("Edit Benchmark")

    def build(self, values: dict) -> None:
        statement = _long_text(values.get("statement"), 80)
        statement.setPlaceholderText(self.tr("The condition to reach, e.g. fewer than 10 "
                                             "verified ceasefire violations a month for three "
                                             "months running"))
        self.add_field("statement", self.tr("Condition"), statement)
        self.add_field("pillar", self.tr("Pillar"), QLineEdit(values.get("pillar") or ""))
        parties = _long_text(values.get("responsible_parties"), 48)
        self.add_field("responsible_parties", self.tr("Responsible parties"), parties)
        timeframe = QLineEdit(values.get("timeframe") or "")
        timeframe.setPlaceholderText(self.tr("optional, indicative: within 18 months, before "
                                             "the elections\u2026"))
        self.add_field("timeframe", self.tr("Indicative timeframe"), timeframe)
        self.add_field("classification", self.tr("Classification"),
                       classification_combo(values.get("classification"), "UNCLASSIFIED"))
        self.add_below(hint_label(self.tr(
            "The status changes by recording a dated assessment (Record Assessment), so the "
            "history shows how the condition evolved.")))
        self.keep_drafts("benchmarks", {"statement": (self.tr("Condition"), statement),
                                        "responsible_parties": (self.tr("Responsible parties"),
                                                                parties)})


class AssessmentForm(RecordForm):
    """Record a dated assessment of a benchmark (status and narrative)."""

    MIN_WIDTH = 520

    def titles(self) -> tuple[str, str]:
        return self.tr("Record Assessment"), self.tr("Record Assessment")

    def build(self, values: dict) -> None:
        self.add_field("assessed_on", self.tr("Assessed on"),
                       _date_edit(values.get("assessed_on"), self.tr("YYYY-MM-DD")))
        self.add_field("status", self.tr("Status"), code_combo(
            ((status_label(s.value), s.value) for s in BenchmarkStatus), values.get("status")))
        note = _long_text(values.get("note"), 110)
        note.setPlaceholderText(self.tr("What the condition looks like now, and why"))
        self.add_field("note", self.tr("Narrative"), note)


class IndicatorForm(RecordForm):
    """New or edit an indicator. `values["_benchmarks"]`: [(id, statement)] to choose from."""

    MIN_WIDTH = 560

    def titles(self) -> tuple[str, str]:
        return self.tr("New Indicator"), self.tr("Edit Indicator")

    def build(self, values: dict) -> None:
        benchmarks = code_combo(((statement, bid) for bid, statement
                                 in values.get("_benchmarks", ())), values.get("benchmark_id"))
        benchmarks.setSizeAdjustPolicy(benchmarks.SizeAdjustPolicy.AdjustToMinimumContentsLength)
        benchmarks.setMinimumContentsLength(40)
        self.add_field("benchmark_id", self.tr("Benchmark"), benchmarks)
        self.add_field("name", self.tr("Name"), QLineEdit(values.get("name") or ""))
        self.add_field("baseline", self.tr("Baseline"), _number_edit(values.get("baseline")))
        self.add_field("target", self.tr("Target"), _number_edit(values.get("target")))
        self.add_field("direction", self.tr("Direction"), code_combo(
            ((direction_label(d.value), d.value) for d in IndicatorDirection),
            values.get("direction"), "increase"))
        self.add_field("unit", self.tr("Unit"), QLineEdit(values.get("unit") or ""))
        source = _long_text(values.get("data_source"), 48)
        self.add_field("data_source", self.tr("Source"), source)
        self.add_field("classification", self.tr("Classification"),
                       classification_combo(values.get("classification"), "UNCLASSIFIED"))


class MeasurementForm(RecordForm):
    """New or edit a measurement of an indicator."""

    MIN_WIDTH = 440

    def titles(self) -> tuple[str, str]:
        return self.tr("New Measurement"), self.tr("Edit Measurement")

    def build(self, values: dict) -> None:
        self.add_field("measured_on", self.tr("Date"),
                       _date_edit(values.get("measured_on"), self.tr("YYYY-MM-DD")))
        self.add_field("value", self.tr("Value"), _number_edit(values.get("value")))
        self.add_field("note", self.tr("Note"), QLineEdit(values.get("note") or ""))
