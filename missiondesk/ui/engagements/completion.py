"""A name field that completes as you type: one name, or a list of names separated by `;`.

`NameListEdit` is a QLineEdit over the people of `services.people`. The name under the cursor
is matched on every keystroke and the best matches are offered in a small list under the
field (an alias match reads "Name (alias)"); Down/Up choose, Tab or Enter accept (the name
replaces what was typed, and in a list "; " follows for the next one), Esc closes the list.
The keyboard never leaves the field: the list is a tool-tip window that takes no focus.

Names the mission does not know are drawn red and wavy-underlined in the field (the one
being typed only once the cursor leaves it) and listed by `unknown_names()`, which a form
shows in its refusal.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QCoreApplication, QEvent, QPoint, Qt, Signal
from PySide6.QtGui import QColor, QInputMethodEvent, QKeyEvent, QTextCharFormat
from PySide6.QtWidgets import QLineEdit, QListWidget, QListWidgetItem, QWidget

from missiondesk.services.people import Match, Person, find, match, shown
from missiondesk.ui.framework.widgets import ERROR_COLOUR

SEPARATOR = ";"
#: How many matches the list offers.
OFFERED = 8


def flag_words(flags) -> str:
    """The badges of a person's flags, in words (do-not-engage, sanctioned, HRDDP)."""
    words = {"do_not_engage": QCoreApplication.translate("Completion", "DO NOT ENGAGE"),
             "sanctioned": QCoreApplication.translate("Completion", "SANCTIONED"),
             "hrddp": QCoreApplication.translate("Completion", "HRDDP")}
    return ", ".join(words.get(f, f) for f in flags)


class SuggestionList(QListWidget):
    """The matches under a name field: a window that never takes the keyboard."""

    def __init__(self, field: QWidget) -> None:
        super().__init__(field)  # a window of its own, owned by the field
        self.setWindowFlags(Qt.WindowType.ToolTip | Qt.WindowType.FramelessWindowHint)
        self.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setUniformItemSizes(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.field = field

    def offer(self, matches: Sequence[Match]) -> None:
        self.clear()
        for m in matches:
            item = QListWidgetItem(shown(m))
            item.setData(Qt.ItemDataRole.UserRole, m.person)
            if m.person.flags:
                item.setText("%s   \u26a0 %s" % (shown(m), flag_words(m.person.flags)))
                item.setForeground(QColor(ERROR_COLOUR))
            self.addItem(item)
        if not matches:
            self.hide()
            return
        self.setCurrentRow(0)
        row = self.sizeHintForRow(0)
        self.resize(max(self.field.width(), 260), row * min(len(matches), OFFERED) + 6)
        self.move(self.field.mapToGlobal(QPoint(0, self.field.height())))
        self.show()

    def step(self, delta: int) -> None:
        if self.count():
            self.setCurrentRow((self.currentRow() + delta) % self.count())

    def chosen(self) -> Person | None:
        item = self.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item is not None else None


class NameListEdit(QLineEdit):
    """Names of people of one kind ("stakeholder" or "member"), completed as they are typed.

    `multiple`: a `;`-separated list (else one name). `namesChanged` is emitted whenever the
    names it holds may have changed.
    """

    namesChanged = Signal()

    def __init__(self, people: Sequence[Person] = (), kind: str | None = None, *,
                 multiple: bool = True, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kind = kind
        self.multiple = multiple
        self._people = [p for p in people if kind is None or p.kind == kind]
        self._marking = False
        self.popup = SuggestionList(self)
        self.popup.itemClicked.connect(lambda item: self._accept(
            item.data(Qt.ItemDataRole.UserRole)))
        self.textEdited.connect(self._suggest)
        self.textChanged.connect(self._changed)

    # --- what a form reads ----------------------------------------------------------------

    def items(self) -> list[str]:
        parts = [p.strip() for p in self.text().split(SEPARATOR)] if self.multiple \
            else [self.text().strip()]
        return [p for p in parts if p]

    def persons(self) -> list[Person]:
        """The people named, in order, each once (unknown names left out)."""
        found: list[Person] = []
        for name in self.items():
            person = find(self._people, name)
            if person is not None and person not in found:
                found.append(person)
        return found

    def person(self) -> Person | None:
        persons = self.persons()
        return persons[0] if persons else None

    def unknown_names(self) -> list[str]:
        return [name for name in self.items() if find(self._people, name) is None]

    def set_persons(self, persons: Sequence[Person]) -> None:
        self.setText(("%s " % SEPARATOR).join(p.name for p in persons))

    # --- completion -----------------------------------------------------------------------

    def _current_span(self) -> tuple[int, int]:
        """(start, end) of the name under the cursor in the text."""
        text, cursor = self.text(), self.cursorPosition()
        if not self.multiple:
            return 0, len(text)
        start = text.rfind(SEPARATOR, 0, cursor) + 1
        end = text.find(SEPARATOR, cursor)
        return start, len(text) if end < 0 else end

    def _suggest(self, _text: str = "") -> None:
        start, end = self._current_span()
        typed = self.text()[start:end].strip()
        if not typed:
            self.popup.hide()
            return
        text = self.text()
        others = [find(self._people, name) for name in
                  (text[:start] + text[end:]).split(SEPARATOR) if name.strip()]
        named = [p for p in others if p is not None]
        offered = [m for m in match(self._people, typed, limit=OFFERED + len(named))
                   if m.person not in named]  # not those already named
        self.popup.offer(offered[:OFFERED])

    def _accept(self, person: Person | None) -> None:
        self.popup.hide()
        if person is None:
            return
        text = self.text()
        start, end = self._current_span()
        before, after = text[:start], text[end:]
        lead = " " if before.strip() else ""
        if self.multiple and not after.strip():
            after = "%s " % SEPARATOR
        new = before.rstrip() + lead + person.name if before.strip() else person.name
        self.setText(new + after)
        self.setCursorPosition(len(new) + (len(after) if after.strip() == SEPARATOR else 0))
        self.namesChanged.emit()

    def event(self, event: QEvent) -> bool:
        # Tab is taken by QWidget.event (focus chain) before keyPressEvent sees it.
        if (event.type() == QEvent.Type.KeyPress and self.popup.isVisible()
                and isinstance(event, QKeyEvent) and event.key() == Qt.Key.Key_Tab):
            self._accept(self.popup.chosen())
            return True
        if (event.type() == QEvent.Type.ShortcutOverride and self.popup.isVisible()
                and isinstance(event, QKeyEvent) and event.key() == Qt.Key.Key_Escape):
            event.accept()  # Esc closes the list, not the dialog
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt's name
        if self.popup.isVisible():
            key = event.key()
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) \
                    and not event.modifiers() & Qt.KeyboardModifier.ControlModifier:
                self._accept(self.popup.chosen())
                return
            if key == Qt.Key.Key_Escape:
                self.popup.hide()
                return
            if key in (Qt.Key.Key_Down, Qt.Key.Key_Up):
                self.popup.step(1 if key == Qt.Key.Key_Down else -1)
                return
        super().keyPressEvent(event)

    def focusOutEvent(self, event) -> None:  # noqa: N802 - Qt's name
        self.popup.hide()
        text = self.text()
        tidy = text.rstrip().rstrip(SEPARATOR).rstrip() if self.multiple else text.strip()
        if tidy != text:
            self.setText(tidy)
        super().focusOutEvent(event)
        self._mark()

    def hideEvent(self, event) -> None:  # noqa: N802 - Qt's name
        self.popup.hide()
        super().hideEvent(event)

    # --- unknown names drawn red ----------------------------------------------------------

    def _changed(self, _text: str) -> None:
        if self._marking:
            return
        self._mark()
        self.namesChanged.emit()

    def unknown_spans(self) -> list[tuple[int, int]]:
        """(start, length) of each unknown name in the text; the one being typed counts
        only when the field does not have the focus."""
        text = self.text()
        typing = self._current_span()[0] if self.hasFocus() else None
        spans, start = [], 0
        for part in text.split(SEPARATOR) if self.multiple else [text]:
            name = part.strip()
            if name and start != typing and find(self._people, name) is None:
                spans.append((start + part.index(name), len(name)))
            start += len(part) + len(SEPARATOR)
        return spans

    def _mark(self) -> None:
        spans = self.unknown_spans()
        unknown = [self.text()[s:s + n] for s, n in spans]
        self.setToolTip(self.tr("Not in the mission: %s") % "; ".join(unknown)
                        if unknown else "")
        fmt = QTextCharFormat()
        fmt.setForeground(QColor(ERROR_COLOUR))
        fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.WaveUnderline)
        fmt.setUnderlineColor(QColor(ERROR_COLOUR))
        cursor = self.cursorPosition()
        attributes = [QInputMethodEvent.Attribute(QInputMethodEvent.AttributeType.TextFormat,
                                                  start - cursor, length, fmt)
                      for start, length in spans]
        self._marking = True
        try:
            QCoreApplication.sendEvent(self, QInputMethodEvent("", attributes))
        finally:
            self._marking = False
