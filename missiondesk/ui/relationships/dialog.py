"""Relationships in the GUI: the form that creates or edits one, and the panel listing the
relationships of one stakeholder (both directions), with Add, Edit and Delete as undoable
commands. The Stakeholders desk and the map both embed the panel; the map may open the
form directly with both ends filled in.

No SQL here: the panel reads through `services.relationships` and writes through
`RecordActions` (undo commands whose redo() calls the service). The form is a `RecordForm`,
the panel's table a `RecordTableModel`. The stakeholder pickers find a stakeholder by any
part of its name or of an alias, case and accents ignored, and say which alias matched.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QCompleter,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from missiondesk.labels import (
    classification_label,
    confidence_label,
    relationship_family_label,
    relationship_status_label,
    relationship_type_inverse_label,
    relationship_type_label,
    valence_label,
)
from missiondesk.services.names import fold
from missiondesk.store.vocab import (
    RELATIONSHIP_TYPES,
    Classification,
    Confidence,
    RelationshipFamily,
    RelationshipStatus,
)
from missiondesk.ui.framework.commands import RecordActions
from missiondesk.ui.framework.form import RecordForm
from missiondesk.ui.framework.table_model import Column, RecordTableModel

if TYPE_CHECKING:
    from missiondesk.ui.context import MissionContext

#: The fields the form edits (the service's EDITABLE, kept here so the form loads no store).
FIELDS = ("source_id", "target_id", "type", "strength", "valence", "status", "valid_from",
          "valid_to", "confidence", "evidence_source_id", "evidence_note", "notes",
          "classification")
#: Tables whose changes alter what the panel shows.
WATCHED = ("relationships", "stakeholders", "sources")

ARROW_OUT, ARROW_IN, ARROW_BOTH = "\u2192", "\u2190", "\u2194"
VALENCE_COLOURS = {-2: "#b3261e", -1: "#d84315", 0: "#616161", 1: "#2e7d32", 2: "#1b5e20"}
LINK_COLOUR = "#1565c0"


def _symmetric(code: str | None) -> bool:
    info = RELATIONSHIP_TYPES.get(code) if code else None
    return bool(info and info.symmetric)


def _default_valence(code: str | None) -> int:
    info = RELATIONSHIP_TYPES.get(code) if code else None
    return info.default_valence if info else 0


def signed(value: int) -> str:
    """A valence as a reader expects it: "+2", "0", "\u22121"."""
    return ("+%d" % value) if value > 0 else ("\u2212%d" % -value if value < 0 else "0")


def validity_text(valid_from: str | None, valid_to: str | None) -> str:
    """"2019 \u2013 2021", "since 2019", "until 2021-05", or "" when neither is known."""
    if valid_from and valid_to:
        return "%s \u2013 %s" % (valid_from, valid_to)
    if valid_from:
        return _tr("since {date}").format(date=valid_from)
    if valid_to:
        return _tr("until {date}").format(date=valid_to)
    return ""


def _tr(text: str) -> str:
    from PySide6.QtCore import QCoreApplication

    return QCoreApplication.translate("Relationships", text)


# --- the form ---------------------------------------------------------------------------------


#: Matches listed at most under a picker (type more to narrow them).
MATCHES_SHOWN = 50


def find_stakeholders(text: str, choices: list[tuple]) -> list[tuple[str, str, str | None]]:
    """(id, name, the alias that matched or None) of the stakeholders whose name or an alias
    holds `text`, case and accents ignored; names starting with it first, then names holding
    it, then aliases."""
    key = fold(text)
    if not key:
        return []
    ranked: list[tuple[int, str, tuple[str, str, str | None]]] = []
    for choice in choices:
        sid, name = choice[0], choice[1]
        aliases = choice[2] if len(choice) > 2 else ()
        folded = fold(name)
        if folded.startswith(key):
            ranked.append((0, folded, (sid, name, None)))
        elif key in folded:
            ranked.append((1, folded, (sid, name, None)))
        else:
            alias = next((a for a in aliases or () if key in fold(a)), None)
            if alias is not None:
                ranked.append((2 if not fold(alias).startswith(key) else 1, folded,
                               (sid, name, alias)))
    ranked.sort(key=lambda r: (r[0], r[1]))
    return [r[2] for r in ranked]


class _StakeholderCombo(QComboBox):
    """A stakeholder picker for missions of thousands: type any part of a name or of an
    alias (case and accents ignored) to find it; a match by alias says which alias."""

    def __init__(self, choices: list[tuple], current: str | None) -> None:
        super().__init__()
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.setMaxVisibleItems(20)
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.setMinimumContentsLength(28)
        self._choices = list(choices)
        for choice in self._choices:
            self.addItem(choice[1], choice[0])
        # The matches are computed here (fold), not by Qt's completer, which knows no accents
        # and no aliases: the completer shows them as they are.
        self._matches = QStandardItemModel(self)
        self._completer = QCompleter(self._matches, self)
        self._completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self._completer.setMaxVisibleItems(12)
        self.lineEdit().setCompleter(self._completer)
        self._completer.activated[QModelIndex].connect(self._match_chosen)
        self.lineEdit().textEdited.connect(self._text_edited)
        self.lineEdit().setPlaceholderText(_tr("Type a name or an alias"))
        self.set_id(current)

    def set_id(self, stakeholder_id: str | None) -> None:
        index = self.findData(stakeholder_id) if stakeholder_id else -1
        self.setCurrentIndex(index)
        if index < 0:
            self.setEditText("")

    def matches(self) -> list[str]:
        """The lines the picker offers for the text typed (what the user sees)."""
        return [self._matches.item(r).text() for r in range(self._matches.rowCount())]

    def _text_edited(self, text: str) -> None:
        self._matches.clear()
        for sid, name, alias in find_stakeholders(text, self._choices)[:MATCHES_SHOWN]:
            line = name if alias is None else _tr("{name} \u2014 alias \u201c{alias}\u201d"
                                                  ).format(name=name, alias=alias)
            item = QStandardItem(line)
            item.setData(sid, Qt.ItemDataRole.UserRole)
            item.setToolTip(line)
            self._matches.appendRow(item)
        if self._matches.rowCount() and self.isVisible():
            self._completer.complete()

    def _match_chosen(self, index: QModelIndex) -> None:
        sid = index.data(Qt.ItemDataRole.UserRole)
        if sid is not None:
            self.set_id(sid)

    def choose_match(self, row: int) -> None:
        """Take the row-th match offered, as clicking it does."""
        self._match_chosen(self._matches.index(row, 0))

    def chosen(self) -> tuple[str | None, str]:
        """(id, text): the stakeholder whose name or alias is typed, None if none is (or
        several are)."""
        text = self.currentText().strip()
        if not text:
            return None, ""
        if self.currentIndex() >= 0 and self.itemText(self.currentIndex()) == text:
            return self.currentData(), text
        key = fold(text)
        by_name = {c[0] for c in self._choices if fold(c[1]) == key}
        if len(by_name) == 1:
            return next(iter(by_name)), text
        by_alias = {c[0] for c in self._choices
                    if len(c) > 2 and any(fold(a) == key for a in c[2] or ())}
        if not by_name and len(by_alias) == 1:
            return next(iter(by_alias)), text
        return None, text


class RelationshipDialog(RecordForm):
    """Create or edit one relationship. `values` holds the stored fields (and "id") of the
    one edited, or a few fields to start a new one with (e.g. {"source_id": ...}).
    `stakeholders` are (id, name) or (id, name, aliases): the pickers find a stakeholder by
    any part of its name or of an alias, case and accents ignored."""

    MIN_WIDTH = 600

    def __init__(self, parent: QWidget | None, stakeholders: list[tuple],
                 sources: list[tuple[str, str]], values: dict | None,
                 submit: Callable[[dict], str | None]) -> None:
        self._stakeholders = stakeholders
        self._sources = sources
        values = dict(values or {})
        super().__init__(parent, values, submit, creating=not values.get("id"))

    def titles(self) -> tuple[str, str]:
        return self.tr("New Relationship"), self.tr("Edit Relationship")

    def build(self, values: dict) -> None:
        stakeholders, sources = self._stakeholders, self._sources
        self.source = _StakeholderCombo(stakeholders, values.get("source_id"))
        self.target = _StakeholderCombo(stakeholders, values.get("target_id"))
        self.swap_button = QToolButton()
        self.swap_button.setText("\u21c5")
        self.swap_button.setToolTip(self.tr("Swap: make the target the source"))
        self.swap_button.clicked.connect(self._swap)
        self.type = self._type_combo(values.get("type"))
        self.reading = QLabel()
        self.reading.setWordWrap(True)
        self.reading.setStyleSheet("color: palette(placeholder-text);")

        self.strength = QSpinBox()
        self.strength.setRange(1, 5)
        self.strength.setValue(int(values.get("strength") or 3))
        self.strength.setToolTip(self.tr("How close or strong the tie is: 1 weak, 5 very strong"))
        self.valence = QComboBox()
        for v in (2, 1, 0, -1, -2):
            self.valence.addItem("%s  %s" % (signed(v), valence_label(v)), v)
        start_valence = values.get("valence")
        if start_valence is None:
            start_valence = _default_valence(self.type.currentData())
        self._set_valence(int(start_valence))
        self._valence_follows = (
            self.creating and values.get("valence") is None
        ) or int(start_valence) == _default_valence(values.get("type"))
        self.valence.activated.connect(self._valence_chosen)

        self.status = self._vocab_combo(RelationshipStatus, relationship_status_label,
                                        values.get("status") or "active")
        self.confidence = self._vocab_combo(Confidence, confidence_label,
                                            values.get("confidence") or "probable")
        date_hint = self.tr("2019, 2019-05 or 2019-05-14")
        self.valid_from = QLineEdit(values.get("valid_from") or "")
        self.valid_to = QLineEdit(values.get("valid_to") or "")
        for edit in (self.valid_from, self.valid_to):
            edit.setPlaceholderText(date_hint)
            edit.setToolTip(self.tr("A year, a month or a day; empty when not known"))
        self.evidence_source = QComboBox()
        self.evidence_source.addItem(self.tr("(none)"), None)
        for sid, code in sources:
            self.evidence_source.addItem(code, sid)
        if values.get("evidence_source_id"):
            self.evidence_source.setCurrentIndex(
                max(0, self.evidence_source.findData(values["evidence_source_id"])))
        self.evidence_note = QLineEdit(values.get("evidence_note") or "")
        self.evidence_note.setPlaceholderText(self.tr("What shows it (report, meeting, date)"))
        self.notes = QPlainTextEdit(values.get("notes") or "")
        self.notes.setTabChangesFocus(True)
        self.notes.setFixedHeight(64)
        self.keep_drafts("relationships", {
            "evidence_note": (self.tr("Evidence"), self.evidence_note),
            "notes": (self.tr("Notes"), self.notes)})
        self.classification = self._vocab_combo(
            Classification, classification_label,
            values.get("classification") or Classification.UNCLASSIFIED.value)

        ends = QHBoxLayout()
        ends.setContentsMargins(0, 0, 0, 0)
        ends.addWidget(self.target, 1)
        ends.addWidget(self.swap_button)
        scale = QHBoxLayout()
        scale.setContentsMargins(0, 0, 0, 0)
        scale.addWidget(self.strength)
        scale.addSpacing(16)
        scale.addWidget(QLabel(self.tr("Valence")))
        scale.addWidget(self.valence, 1)
        period = QHBoxLayout()
        period.setContentsMargins(0, 0, 0, 0)
        period.addWidget(self.valid_from, 1)
        period.addWidget(QLabel(self.tr("to")))
        period.addWidget(self.valid_to, 1)
        judged = QHBoxLayout()
        judged.setContentsMargins(0, 0, 0, 0)
        judged.addWidget(self.status, 1)
        judged.addSpacing(16)
        judged.addWidget(QLabel(self.tr("Confidence")))
        judged.addWidget(self.confidence, 1)

        form = self._form = self.form
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow(self.tr("From"), self.source)
        form.addRow(self.tr("Relationship"), self.type)
        form.addRow(self.tr("To"), ends)
        form.addRow("", self.reading)
        form.addRow(self.tr("Strength (1\u20135)"), scale)
        form.addRow(self.tr("Status"), judged)
        form.addRow(self.tr("Valid from"), period)
        form.addRow(self.tr("Evidence source"), self.evidence_source)
        form.addRow(self.tr("Evidence note"), self.evidence_note)
        form.addRow(self.tr("Notes"), self.notes)
        form.addRow(self.tr("Classification"), self.classification)

        self.type.currentIndexChanged.connect(self._type_changed)
        self.source.currentTextChanged.connect(self._update_reading)
        self.target.currentTextChanged.connect(self._update_reading)
        self._update_reading()

    # --- widgets ---

    @staticmethod
    def _vocab_combo(vocab, label, current: str | None) -> QComboBox:
        combo = QComboBox()
        for item in vocab:
            combo.addItem(label(item.value), item.value)
        if current is not None:
            combo.setCurrentIndex(max(0, combo.findData(current)))
        return combo

    def _type_combo(self, current: str | None) -> QComboBox:
        """The V6 types under a heading per family; symmetric ones marked \u2194."""
        combo = QComboBox()
        combo.setMaxVisibleItems(32)
        if current is None:
            combo.addItem(self.tr("Choose the kind of relationship\u2026"), None)
        bold = QFont()
        bold.setBold(True)
        for family in RelationshipFamily:
            if combo.count():
                combo.insertSeparator(combo.count())
            combo.addItem(relationship_family_label(family.value).upper(), None)
            heading = combo.model().item(combo.count() - 1)
            heading.setEnabled(False)
            heading.setFont(bold)
            for code, info in RELATIONSHIP_TYPES.items():
                if info.family != family:
                    continue
                text = relationship_type_label(code.value)
                if info.symmetric:
                    text += "  " + ARROW_BOTH
                combo.addItem(text, code.value)
        combo.setCurrentIndex(max(0, combo.findData(current)) if current else 0)
        return combo

    def _set_valence(self, value: int) -> None:
        self.valence.setCurrentIndex(max(0, self.valence.findData(value)))

    def _valence_chosen(self, _index: int) -> None:
        self._valence_follows = False

    def _type_changed(self, _index: int) -> None:
        if self._valence_follows:
            self._set_valence(_default_valence(self.type.currentData()))
        self._update_reading()

    def _swap(self) -> None:
        source, source_text = self.source.chosen()
        target, target_text = self.target.chosen()
        self.source.set_id(target)
        if target is None:
            self.source.setEditText(target_text)
        self.target.set_id(source)
        if source is None:
            self.target.setEditText(source_text)

    def _update_reading(self, *_args) -> None:
        """The relationship as a sentence, so its direction is never in doubt."""
        code = self.type.currentData()
        source = self.source.currentText().strip() or self.tr("\u2026")
        target = self.target.currentText().strip() or self.tr("\u2026")
        self._form.setRowVisible(self.reading, bool(code))
        if not code:
            self.reading.setText("")
            return
        verb = relationship_type_label(code).lower()
        if _symmetric(code):
            text = self.tr("Reads both ways: {a} \u2194 {verb} \u2194 {b}").format(
                a=source, b=target, verb=verb)
        else:
            text = self.tr("Reads: {a} \u2192 {verb} \u2192 {b}").format(
                a=source, b=target, verb=verb)
        self.reading.setText(text)

    # --- values ---

    def values(self) -> dict:
        """Every field as the service takes it (ids of the chosen records)."""
        return {
            "source_id": self.source.chosen()[0],
            "target_id": self.target.chosen()[0],
            "type": self.type.currentData(),
            "strength": self.strength.value(),
            "valence": self.valence.currentData(),
            "status": self.status.currentData(),
            "valid_from": self.valid_from.text().strip() or None,
            "valid_to": self.valid_to.text().strip() or None,
            "confidence": self.confidence.currentData(),
            "evidence_source_id": self.evidence_source.currentData(),
            "evidence_note": self.evidence_note.text().strip() or None,
            "notes": self.notes.toPlainText().strip() or None,
            "classification": self.classification.currentData(),
        }

    def check(self, values: dict) -> str | None:
        """A name typed that is no stakeholder's (nor an alias of one)."""
        for combo in (self.source, self.target):
            sid, text = combo.chosen()
            if sid is None and text:
                return self.tr("\u201c{name}\u201d is not a stakeholder of the mission; choose "
                               "one from the list.").format(name=text)
        return None

    @classmethod
    def ask(cls, parent: QWidget | None, stakeholders: list[tuple],
            sources: list[tuple[str, str]], values: dict | None,
            submit: Callable[[dict], str | None]) -> bool:
        """Run the form until `submit` accepts its values (True) or the user cancels."""
        dialog = cls(parent, stakeholders, sources, values, submit)
        return dialog.exec() == RecordForm.DialogCode.Accepted



# --- the panel --------------------------------------------------------------------------------


def _rt(text: str) -> str:
    from PySide6.QtCore import QCoreApplication

    return QCoreApplication.translate("RelationshipTableModel", text)


class RelationshipTableModel(RecordTableModel):
    """The relationships of one stakeholder, read from its side. Never queries."""

    COLUMNS = (
        Column("relationship", lambda: _rt("Relationship"), 150),
        Column("other", lambda: _rt("With"), 200),
        Column("strength", lambda: _rt("Strength"), 70, "center"),
        Column("valence", lambda: _rt("Valence"), 60, "center"),
        Column("status", lambda: _rt("Status"), 80),
        Column("validity", lambda: _rt("Valid"), 100),
        Column("confidence", lambda: _rt("Confidence"), 90),
    )

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._me: str | None = None

    def set_stakeholder(self, stakeholder_id: str | None, rows: list) -> None:
        """The relationships of one stakeholder, by the other party's name, then type."""
        self._me = stakeholder_id
        self.set_rows(sorted(rows, key=lambda r: (fold(self.other(r)[1]), r.type, r.id)))

    def other(self, view) -> tuple[str, str]:
        if view.source_id == self._me:
            return view.target_id, view.target_name
        return view.source_id, view.source_name

    def direction(self, view) -> str:
        if view.symmetric:
            return ARROW_BOTH
        return ARROW_OUT if view.source_id == self._me else ARROW_IN

    def display(self, view, column: str) -> str:
        if column == "relationship":
            arrow = self.direction(view)
            label = (relationship_type_inverse_label(view.type) if arrow == ARROW_IN
                     else relationship_type_label(view.type))
            return "%s %s" % (arrow, label)
        if column == "other":
            return self.other(view)[1]
        if column == "strength":
            return "\u25cf" * view.strength + "\u25cb" * (5 - view.strength)
        if column == "valence":
            return signed(view.valence)
        if column == "status":
            return relationship_status_label(view.status)
        if column == "validity":
            return validity_text(view.valid_from, view.valid_to) or "\u2014"
        if column == "confidence":
            return confidence_label(view.confidence)
        return ""

    def sentence(self, view) -> str:
        """The relationship in words (the tooltip)."""
        verb = relationship_type_label(view.type).lower()
        if view.symmetric:
            head = self.tr("{a} and {b}: {verb} (both ways)").format(
                a=view.source_name, b=view.target_name, verb=verb)
        else:
            head = "%s %s %s" % (view.source_name, verb, view.target_name)
        facts = [self.tr("strength {n} of 5").format(n=view.strength),
                 valence_label(view.valence).lower(),
                 relationship_status_label(view.status).lower()]
        validity = validity_text(view.valid_from, view.valid_to)
        if validity:
            facts.append(validity)
        facts.append(self.tr("confidence: {c}").format(
            c=confidence_label(view.confidence).lower()))
        lines = [head, ", ".join(facts)]
        evidence = " \u2014 ".join(v for v in (view.evidence_source_code, view.evidence_note)
                                   if v)
        if evidence:
            lines.append(self.tr("Evidence: {e}").format(e=evidence))
        if view.notes:
            lines.append(view.notes)
        return "\n".join(lines)

    def tooltip(self, view, column: str) -> str | None:
        if column == "other":
            return self.tr("Double-click to open {name}").format(name=self.other(view)[1])
        return self.sentence(view)

    def foreground(self, view, column: str):
        if column == "other":
            return QBrush(QColor(LINK_COLOUR))
        if column in ("relationship", "valence"):
            return QBrush(QColor(VALENCE_COLOURS.get(view.valence, "#616161")))
        if view.status in ("ended", "dormant") and column == "status":
            return QBrush(QColor("#757575"))
        return None

    def font(self, view, column: str):
        if column == "other":
            font = QFont()
            font.setUnderline(True)
            return font
        if column == "status" and view.status == "alleged":
            font = QFont()
            font.setItalic(True)
            return font
        return None


class RelationshipsPanel(QWidget):
    """The relationships of one stakeholder, both directions, with Add, Edit and Delete.

    `attach(ctx)`, then `show_stakeholder(id)`; double-clicking the other party emits
    `stakeholderActivated(id)`, double-clicking elsewhere edits the relationship."""

    stakeholderActivated = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx: MissionContext | None = None
        self._stakeholder_id: str | None = None
        self.model = RelationshipTableModel(self)
        self.title = QLabel(self.tr("Relationships"))
        title_font = self.title.font()
        title_font.setBold(True)
        self.title.setFont(title_font)
        self.add_button = QPushButton(self.tr("Add\u2026"))
        self.edit_button = QPushButton(self.tr("Edit\u2026"))
        self.delete_button = QPushButton(self.tr("Delete"))
        self.add_button.setToolTip(self.tr("Add a relationship of this stakeholder"))
        self.add_button.clicked.connect(self.add_relationship)
        self.edit_button.clicked.connect(self.edit_relationship)
        self.delete_button.clicked.connect(self.delete_relationship)

        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.verticalHeader().setDefaultSectionSize(
            self.table.fontMetrics().height() + 8)
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        for i in range(len(RelationshipTableModel.COLUMNS)):
            header.setSectionResizeMode(i, QHeaderView.ResizeMode.Interactive)
        self.table.setSortingEnabled(False)
        header.setMinimumSectionSize(36)
        self.table.doubleClicked.connect(self._double_clicked)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.empty = QLabel()
        self.empty.setStyleSheet("color: palette(placeholder-text);")
        self.empty.setWordWrap(True)

        # The title on its own line: beside three buttons in a narrow side panel it was cut.
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addStretch(1)
        top.addWidget(self.add_button)
        top.addWidget(self.edit_button)
        top.addWidget(self.delete_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty)
        self._refresh_state()

    #: Below this width the valence and confidence columns hide (both stay in the tooltip).
    COMPACT_WIDTH = 640
    #: The other party's column never gets narrower than this (the table scrolls instead).
    OTHER_MIN_WIDTH = 150

    def _fit_columns(self) -> None:
        """Widths from the font and the rows shown (a handful; never ResizeToContents over
        a big model): each column what its longest value needs, the other party the rest."""
        metrics = self.table.fontMetrics()
        keys = self.model.keys()
        compact = self.width() < self.COMPACT_WIDTH
        rows = self.model.rows()
        used = 0
        for i, (column, title) in enumerate(zip(keys, self.model.headers(), strict=True)):
            hidden = compact and column in ("valence", "confidence")
            self.table.setColumnHidden(i, hidden)
            if hidden or column == "other":
                continue
            texts = [title] + [self.model.display(r, column) for r in rows]
            cap = 160 if compact and column == "relationship" else 240  # tooltip: all of it
            width = min(cap, max(metrics.horizontalAdvance(t) for t in texts) + 18)
            self.table.setColumnWidth(i, width)
            used += width
        frame = 2 * self.table.frameWidth() + self.table.verticalScrollBar().sizeHint().width()
        self.table.setColumnWidth(self.model.column_of("other"),
                                  max(self.OTHER_MIN_WIDTH, self.width() - used - frame))

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        self._fit_columns()

    # --- the mission lifecycle ---

    def attach(self, ctx: MissionContext) -> None:
        self._ctx = ctx
        ctx.bus.missionChanged.connect(self._on_changed)
        self.reload()

    def detach(self) -> None:
        if self._ctx is not None:
            self._ctx.bus.missionChanged.disconnect(self._on_changed)
        self._ctx = None
        self._stakeholder_id = None
        self.model.set_stakeholder(None, [])
        self._refresh_state()

    def show_stakeholder(self, stakeholder_id: str | None) -> None:
        self._stakeholder_id = stakeholder_id
        self.reload()

    def stakeholder_id(self) -> str | None:
        return self._stakeholder_id

    def _on_changed(self, changed) -> None:
        if changed.touches(*WATCHED):
            self.reload()

    def reload(self) -> None:
        from missiondesk.services import relationships as service

        selected = self.selected()
        rows = []
        if self._ctx is not None and self._stakeholder_id is not None:
            rows = service.list_relationships(self._ctx.handle, self._stakeholder_id)
        self.model.set_stakeholder(self._stakeholder_id, rows)
        if selected is not None:
            self.select_relationship(selected.id)
        self._fit_columns()
        self._refresh_state()

    def _refresh_state(self) -> None:
        count = self.model.rowCount()
        self.title.setText(self.tr("Relationships (%n)", "", count) if count
                           else self.tr("Relationships"))
        if self._stakeholder_id is None:
            self.empty.setText(self.tr("Select a stakeholder to see its relationships."))
        else:
            self.empty.setText(self.tr("No relationship recorded yet: Add\u2026 records who "
                                       "this stakeholder leads, supports, opposes or "
                                       "negotiates with."))
        self.empty.setVisible(count == 0)
        self.table.setVisible(count > 0)
        self._update_buttons()

    def _update_buttons(self, *_args) -> None:
        ready = self._ctx is not None and self._stakeholder_id is not None
        self.add_button.setEnabled(ready)
        chosen = ready and self.selected() is not None
        self.edit_button.setEnabled(chosen)
        self.delete_button.setEnabled(chosen)

    # --- selection ---

    def selected(self):
        """The RelationshipView of the selected row, or None."""
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        if not rows:
            return None
        return self.model.row_at(rows[0].row())

    def select_relationship(self, relationship_id: str) -> bool:
        row = self.model.row_of(relationship_id)
        if row < 0:
            return False
        self.table.selectRow(row)
        return True

    def _double_clicked(self, index: QModelIndex) -> None:
        if not index.isValid():
            return
        view = self.model.row_at(index.row())
        if self.model.keys()[index.column()] == "other":
            self.stakeholderActivated.emit(self.model.other(view)[0])
        else:
            self.table.selectRow(index.row())
            self.edit_relationship()

    # --- edits (each one undoable) ---

    def _actions(self, label: str) -> RecordActions:
        """The panel's writes, each on the undo stack, named with the relationship's type."""
        from missiondesk.services import relationships as service

        return RecordActions(
            self, lambda: self._ctx,
            create=service.create_relationship, update=service.update_relationship,
            delete=service.delete_relationship, restore=service.restore_relationship,
            texts={"create": self.tr("New relationship: %s") % label,
                   "edit": self.tr("Edit relationship: %s") % label,
                   "delete": self.tr("Delete relationship: %s") % label})

    @staticmethod
    def _label(values) -> str:
        get = values.get if isinstance(values, dict) else lambda k: getattr(values, k, None)
        return relationship_type_label(get("type") or "").lower()

    def create(self, values: dict) -> str | None:
        """Create a relationship (undoable). None on success, else the sentence why not."""
        actions = self._actions(self._label(values))
        problem = actions.create({k: v for k, v in values.items() if k in FIELDS})
        if problem is None:
            self.select_relationship(actions.last_created_id)
        return problem

    def update(self, view, values: dict) -> str | None:
        """Change the fields of `view` (a RelationshipView) that differ in `values`."""
        return self._actions(self._label(view)).edit(
            view, {k: v for k, v in values.items() if k in FIELDS})

    def delete(self, view) -> str | None:
        return self._actions(self._label(view)).delete(view)

    # --- the buttons ---

    def _choices(self) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
        from missiondesk.services import relationships as service
        from missiondesk.services.relationship_import import stakeholder_names

        return (stakeholder_names(self._ctx.handle), service.source_choices(self._ctx.handle))

    def _default_classification(self) -> str:
        from missiondesk.services.mission import get_mission

        return get_mission(self._ctx.handle).default_classification

    def add_relationship(self) -> None:
        if self._ctx is None or self._stakeholder_id is None:
            return
        stakeholders, sources = self._choices()
        RelationshipDialog.ask(self, stakeholders, sources,
                               {"source_id": self._stakeholder_id,
                                "classification": self._default_classification()},
                               self.create)

    def edit_relationship(self) -> None:
        view = self.selected()
        if self._ctx is None or view is None:
            return
        stakeholders, sources = self._choices()
        RelationshipDialog.ask(self, stakeholders, sources, {**view.values(), "id": view.id},
                               lambda values: self.update(view, values))

    def delete_relationship(self) -> None:
        view = self.selected()
        if self._ctx is None or view is None:
            return
        answer = QMessageBox.question(
            self, self.tr("Delete Relationship"),
            self.tr("Delete \u201c{text}\u201d? Undo brings it back.").format(
                text=self.model.sentence(view).splitlines()[0]))
        if answer == QMessageBox.StandardButton.Yes:
            problem = self.delete(view)
            if problem:
                QMessageBox.warning(self, self.tr("Delete Relationship"), problem)
