"""The Drivers desk's forms, each a `RecordForm`: a driver, a stakeholder link with its role,
and a dated assessment of the trend and severity. Each takes a `submit(values) -> error text
or None` and stays open with the service's message until the write is accepted; `ask` runs
it modally (tests patch it)."""

from __future__ import annotations

import html
from datetime import date

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QComboBox, QDateEdit, QLabel, QLineEdit, QPlainTextEdit, QSpinBox

from missiondesk.labels import (
    classification_label,
    driver_domain_label,
    driver_kind_label,
    driver_level_label,
    driver_role_label,
    trend_label,
)
from missiondesk.store.vocab import (
    Classification,
    DriverDomain,
    DriverKind,
    DriverLevel,
    DriverRole,
    Trend,
)
from missiondesk.ui.framework.form import RecordForm, Submit, code_combo, hint_label


def _vocab_combo(vocab, label, current: str | None) -> QComboBox:
    """A vocabulary's codes; a blank first when nothing is chosen yet (the service then says
    the field is required)."""
    blank = [("", None)] if current is None else []
    return code_combo(blank + [(label(item.value), item.value) for item in vocab], current)


def _severity(value) -> QSpinBox:
    box = QSpinBox()
    box.setRange(1, 5)
    box.setValue(int(value or 3))
    return box


def _text_box(text: str | None, height: int) -> QPlainTextEdit:
    box = QPlainTextEdit(text or "")
    box.setTabChangesFocus(True)
    box.setFixedHeight(height)
    return box


class _DriverNamed(RecordForm):
    """A form about one driver, whose name heads it."""

    MIN_WIDTH = 480

    def __init__(self, parent, driver_name: str, values: dict, submit: Submit) -> None:
        self.driver_name = driver_name
        super().__init__(parent, values, submit, creating=True)

    def _driver_row(self) -> None:
        title = QLabel(self.tr("Driver: <b>{name}</b>").format(
            name=html.escape(self.driver_name)))
        title.setWordWrap(True)
        self.form.addRow(title)


class DriverDialog(RecordForm):
    """New or edit a driver: every field of the driver (trend and severity when new)."""

    MIN_WIDTH = 560

    def titles(self) -> tuple[str, str]:
        return self.tr("New Driver"), self.tr("Edit Driver")

    def build(self, values: dict) -> None:
        self.name = QLineEdit(values.get("name") or "")
        self.kind = _vocab_combo(DriverKind, driver_kind_label, values.get("kind"))
        self.level = _vocab_combo(DriverLevel, driver_level_label, values.get("level"))
        self.domain = _vocab_combo(DriverDomain, driver_domain_label, values.get("domain"))
        self.regions = QLineEdit(", ".join(values.get("regions") or ()))
        self.regions.setPlaceholderText(self.tr("Comma-separated, e.g. Leppko, Amsa"))
        self.trend = _vocab_combo(Trend, trend_label, values.get("trend", "unknown"))
        self.severity = _severity(values.get("severity"))
        self.time_horizon = QLineEdit(values.get("time_horizon") or "")
        self.time_horizon.setPlaceholderText(self.tr("e.g. Months; before the elections"))
        self.description = _text_box(values.get("description"), 80)
        self.mission_levers = _text_box(values.get("mission_levers"), 80)
        self.keep_drafts("drivers", {
            "description": (self.tr("Description"), self.description),
            "mission_levers": (self.tr("Mission levers"), self.mission_levers)})
        self.classification = code_combo(
            ((classification_label(level), level.value) for level in Classification),
            values.get("classification"))
        self.form.addRow(self.tr("Name"), self.name)
        self.form.addRow(self.tr("Kind"), self.kind)
        self.form.addRow(self.tr("Level"), self.level)
        self.form.addRow(self.tr("Domain"), self.domain)
        self.form.addRow(self.tr("Regions"), self.regions)
        if self.creating:
            self.form.addRow(self.tr("Trend"), self.trend)
            self.form.addRow(self.tr("Severity (1\u20135)"), self.severity)
        self.form.addRow(self.tr("Time horizon"), self.time_horizon)
        self.form.addRow(self.tr("Description"), self.description)
        self.form.addRow(self.tr("Mission levers"), self.mission_levers)
        self.form.addRow(self.tr("Classification"), self.classification)
        if not self.creating:
            self.add_below(hint_label(self.tr("Trend and severity change through Record "
                                              "Assessment, so their history is kept.")))

    def values(self) -> dict:
        values = {
            "name": self.name.text(),
            "kind": self.kind.currentData(),
            "level": self.level.currentData(),
            "domain": self.domain.currentData(),
            "regions": [r.strip() for r in self.regions.text().split(",") if r.strip()],
            "time_horizon": self.time_horizon.text().strip() or None,
            "description": self.description.toPlainText().strip() or None,
            "mission_levers": self.mission_levers.toPlainText().strip() or None,
            "classification": self.classification.currentData(),
        }
        if self.creating:
            values["trend"] = self.trend.currentData()
            values["severity"] = self.severity.value()
        return values


class LinkDialog(_DriverNamed):
    """Link a stakeholder to the driver with a role."""

    def __init__(self, parent, driver_name: str, choices: list[tuple[str, str]],
                 submit: Submit) -> None:
        self.choices = choices
        super().__init__(parent, driver_name, {}, submit)

    def titles(self) -> tuple[str, str]:
        title = self.tr("Link Stakeholder")
        return title, title

    def build(self, values: dict) -> None:
        self.stakeholder = code_combo((name, sid) for sid, name in self.choices)
        self.stakeholder.setEditable(True)  # type to find among many
        self.stakeholder.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.role = code_combo((driver_role_label(role.value), role.value)
                               for role in DriverRole)
        self.note = QLineEdit()
        self._driver_row()
        self.form.addRow(self.tr("Stakeholder"), self.stakeholder)
        self.form.addRow(self.tr("Role"), self.role)
        self.form.addRow(self.tr("Note"), self.note)

    def values(self) -> dict:
        index = self.stakeholder.findText(self.stakeholder.currentText(),
                                          Qt.MatchFlag.MatchFixedString)
        return {"stakeholder_id": self.stakeholder.itemData(index) if index >= 0 else None,
                "role": self.role.currentData(), "note": self.note.text().strip() or None}

    def check(self, values: dict) -> str | None:
        if values["stakeholder_id"] is None:
            return self.tr("Choose a stakeholder from the list.")
        return None

    @classmethod
    def ask(cls, parent, driver_name: str, choices: list[tuple[str, str]],  # type: ignore[override]
            submit: Submit) -> bool:
        return cls(parent, driver_name, choices, submit).exec() == cls.DialogCode.Accepted


class AssessmentDialog(_DriverNamed):
    """Record a dated assessment of a driver's trend and severity."""

    def titles(self) -> tuple[str, str]:
        title = self.tr("Record Assessment")
        return title, title

    def build(self, values: dict) -> None:
        self.assessed_on = QDateEdit(QDate(values.get("assessed_on") or date.today()))
        self.assessed_on.setCalendarPopup(True)
        self.assessed_on.setDisplayFormat("yyyy-MM-dd")
        self.trend = _vocab_combo(Trend, trend_label, values.get("trend", "unknown"))
        self.severity = _severity(values.get("severity"))
        self.note = _text_box(None, 90)
        self.note.setPlaceholderText(self.tr("What changed, and on what evidence"))
        self._driver_row()
        self.form.addRow(self.tr("Date"), self.assessed_on)
        self.form.addRow(self.tr("Trend"), self.trend)
        self.form.addRow(self.tr("Severity (1\u20135)"), self.severity)
        self.form.addRow(self.tr("Note"), self.note)

    def values(self) -> dict:
        return {"assessed_on": self.assessed_on.date().toPython(),
                "trend": self.trend.currentData(), "severity": self.severity.value(),
                "note": self.note.toPlainText().strip() or None}

    @classmethod
    def ask(cls, parent, driver_name: str, current: dict,  # type: ignore[override]
            submit: Submit) -> bool:
        return cls(parent, driver_name, current, submit).exec() == cls.DialogCode.Accepted
