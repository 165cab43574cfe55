"""The search popup (Ctrl+K): a line edit over the results of `services.search`, grouped by
kind. Typing searches (debounced), Up/Down move through the records (the kind headers are
skipped), Enter opens the record in its desk, Esc closes.

A keystroke's search runs on the GUI thread: the service bounds its cost (tests/perf/search.py
measures it on the large mission, under the 50 ms bar), so no worker thread is needed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QAbstractListModel,
    QEvent,
    QModelIndex,
    QRect,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QFont, QFontMetrics, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QLabel,
    QLineEdit,
    QListView,
    QStyle,
    QStyledItemDelegate,
    QVBoxLayout,
    QWidget,
)

if TYPE_CHECKING:
    from missiondesk.services.search import SearchHit
    from missiondesk.ui.context import MissionContext

#: The pause after a keystroke before searching (DESIGN.md: at most 150 ms, not counted).
DEBOUNCE_MS = 80
HIT_ROLE = Qt.ItemDataRole.UserRole + 1
KIND_ROLE = Qt.ItemDataRole.UserRole + 2
IS_HEADER_ROLE = Qt.ItemDataRole.UserRole + 3


def kind_title(kind: str) -> str:
    from PySide6.QtCore import QCoreApplication

    titles = {
        "stakeholder": QCoreApplication.translate("Search", "Stakeholders"),
        "engagement": QCoreApplication.translate("Search", "Engagements"),
        "commitment": QCoreApplication.translate("Search", "Commitments"),
        "source": QCoreApplication.translate("Search", "Sources"),
    }
    return titles.get(kind, kind)


class SearchResultsModel(QAbstractListModel):
    """The hits as a list: a header row before each kind's hits (not selectable)."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._items: list[tuple[str, object]] = []  # ("header", kind) or ("hit", SearchHit)

    def set_hits(self, hits: list[SearchHit]) -> None:
        self.beginResetModel()
        items: list[tuple[str, object]] = []
        kind = None
        for hit in hits:
            if hit.kind != kind:
                kind = hit.kind
                items.append(("header", kind))
            items.append(("hit", hit))
        self._items = items
        self.endResetModel()

    def hits(self) -> list[SearchHit]:
        return [value for what, value in self._items if what == "hit"]

    def first_hit_row(self) -> int:
        return next((i for i, (what, _) in enumerate(self._items) if what == "hit"), -1)

    def is_hit(self, row: int) -> bool:
        return 0 <= row < len(self._items) and self._items[row][0] == "hit"

    def rowCount(self, parent=None) -> int:  # noqa: N802 - Qt's name
        return 0 if parent is not None and parent.isValid() else len(self._items)

    def flags(self, index: QModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        if self._items[index.row()][0] == "header":
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._items):
            return None
        what, value = self._items[index.row()]
        header = what == "header"
        if role == Qt.ItemDataRole.DisplayRole:
            return kind_title(value) if header else value.title
        if role == Qt.ItemDataRole.ToolTipRole:
            return None if header else (value.snippet or None)
        if role == HIT_ROLE:
            return None if header else value
        if role == KIND_ROLE:
            return value if header else value.kind
        if role == IS_HEADER_ROLE:
            return header
        return None


def _draw_marked(painter, rect: QRect, text: str, marks, font: QFont, bold: QFont) -> None:
    """`text` on one line in `rect`, the marked spans in bold, elided at the right."""
    spans, pos = [], 0
    for start, end in sorted(marks):
        if start < pos:
            continue
        if start > pos:
            spans.append((text[pos:start], font))
        spans.append((text[start:end], bold))
        pos = end
    if pos < len(text):
        spans.append((text[pos:], font))
    x, right = rect.left(), rect.right()
    ellipsis = "\u2026"
    for piece, piece_font in spans:
        metrics = QFontMetrics(piece_font)
        width = metrics.horizontalAdvance(piece)
        painter.setFont(piece_font)
        if x + width > right:
            room = right - x
            elided = metrics.elidedText(piece, Qt.TextElideMode.ElideRight, max(room, 0))
            if not elided:
                elided = ellipsis if room > metrics.horizontalAdvance(ellipsis) else ""
            painter.drawText(QRect(x, rect.top(), max(room, 0), rect.height()),
                             Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, elided)
            return
        painter.drawText(QRect(x, rect.top(), width + 1, rect.height()),
                         Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, piece)
        x += width


class SearchHitDelegate(QStyledItemDelegate):
    """A kind header in small capitals; a hit's title (matches bold) with its date at the right
    and, under it, the snippet in a quieter colour."""

    PAD = 8

    def sizeHint(self, option, index) -> QSize:  # noqa: N802 - Qt's name
        line = QFontMetrics(option.font).height()
        if index.data(IS_HEADER_ROLE):
            return QSize(200, line + 10)
        hit = index.data(HIT_ROLE)
        lines = 2 if hit is not None and hit.snippet else 1
        return QSize(200, lines * (line + 2) + 10)

    def paint(self, painter, option, index) -> None:
        painter.save()
        palette = option.palette
        rect = option.rect.adjusted(self.PAD, 0, -self.PAD, 0)
        font = QFont(option.font)
        if index.data(IS_HEADER_ROLE):
            header = QFont(font)
            header.setBold(True)
            header.setCapitalization(QFont.Capitalization.SmallCaps)
            painter.setFont(header)
            painter.setPen(palette.color(QPalette.ColorRole.PlaceholderText))
            painter.drawText(rect.adjusted(0, 4, 0, 0),
                             Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                             index.data(Qt.ItemDataRole.DisplayRole))
            painter.restore()
            return
        hit = index.data(HIT_ROLE)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        if selected:
            painter.fillRect(option.rect, palette.color(QPalette.ColorRole.Highlight))
        text_colour = palette.color(QPalette.ColorRole.HighlightedText if selected
                                    else QPalette.ColorRole.Text)
        quiet = text_colour if selected else palette.color(QPalette.ColorRole.PlaceholderText)
        bold = QFont(font)
        bold.setBold(True)
        line = QFontMetrics(font).height() + 2
        top = rect.top() + 5
        title_rect = QRect(rect.left() + 12, top, rect.width() - 12, line)
        when = ""
        if hit.when is not None and hit.kind in ("engagement", "commitment"):
            when = hit.when.strftime("%Y-%m-%d")
        if when:
            width = QFontMetrics(font).horizontalAdvance(when) + 12
            painter.setFont(font)
            painter.setPen(quiet)
            painter.drawText(QRect(rect.right() - width, top, width, line),
                             Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight, when)
            title_rect.setRight(rect.right() - width)
        painter.setPen(text_colour)
        _draw_marked(painter, title_rect, hit.title, hit.title_marks, font, bold)
        if hit.snippet:
            small = QFont(font)
            small_bold = QFont(bold)
            painter.setPen(quiet)
            _draw_marked(painter, QRect(rect.left() + 24, top + line, rect.width() - 24, line),
                         hit.snippet, hit.snippet_marks, small, small_bold)
        painter.restore()


class SearchPopup(QDialog):
    """The Ctrl+K popup over an open mission."""

    #: The user chose a record: (kind, id).
    openRequested = Signal(str, str)

    def __init__(self, ctx: MissionContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("searchPopup")
        self.setWindowTitle(self.tr("Search"))
        self.setWindowFlags(Qt.WindowType.Dialog | Qt.WindowType.FramelessWindowHint)
        self.setStyleSheet("QDialog#searchPopup { border: 1px solid palette(mid); }")
        self.edit = QLineEdit()
        self.edit.setObjectName("searchEdit")
        self.edit.setPlaceholderText(
            self.tr("Search stakeholders, engagements, commitments, sources\u2026"))
        self.edit.setClearButtonEnabled(True)
        self.model = SearchResultsModel(self)
        self.list = QListView()
        self.list.setObjectName("searchResults")
        self.list.setModel(self.model)
        self.list.setItemDelegate(SearchHitDelegate(self.list))
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the keys stay in the line edit
        self.list.setUniformItemSizes(False)
        self.list.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.list.clicked.connect(self._clicked)
        self.status = QLabel()
        self.status.setObjectName("searchStatus")
        self.status.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 10, 10, 8)
        layout.setSpacing(6)
        layout.addWidget(self.edit)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.status)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self.run_search)
        self.edit.textChanged.connect(lambda _text: self._timer.start())
        self.edit.installEventFilter(self)
        ctx.bus.missionChanged.connect(self._mission_changed)
        self._show_hint()

    # --- searching ---------------------------------------------------------------------------

    def run_search(self) -> None:
        """Search for the line edit's text now (what a keystroke costs after the debounce)."""
        from missiondesk.services import search

        self._timer.stop()
        text = self.edit.text()
        hits = search.search(self.ctx.handle, text, typing=True) if text.strip() else []
        self.model.set_hits(hits)
        row = self.model.first_hit_row()
        if row >= 0:
            self.list.setCurrentIndex(self.model.index(row, 0))
            self.list.scrollToTop()
        if not text.strip():
            self._show_hint()
        elif not hits:
            self.status.setText(self.tr("Nothing matches."))
        else:
            self.status.setText(self.tr("%n record(s) \u2014 \u2191\u2193 to move, Enter to open, "
                                        "Esc to close", "", len(hits)))

    def _show_hint(self) -> None:
        self.status.setText(self.tr("Names, aliases and notes of stakeholders, engagements, "
                                    "commitments, sources' code names. Accents and case do not "
                                    "matter."))

    def _mission_changed(self, changed) -> None:
        if self.isVisible() and changed.touches("stakeholders", "engagements", "commitments",
                                                "sources"):
            self._timer.start()

    # --- moving and opening ----------------------------------------------------------------

    def current_hit(self) -> SearchHit | None:
        index = self.list.currentIndex()
        return index.data(HIT_ROLE) if index.isValid() else None

    def move(self, step: int) -> None:
        """Select the next (or previous) record, skipping the kind headers."""
        count = self.model.rowCount()
        if count == 0:
            return
        row = self.list.currentIndex().row()
        row = (self.model.first_hit_row() - step) if row < 0 else row
        target = row + step
        while 0 <= target < count and not self.model.is_hit(target):
            target += step
        if 0 <= target < count:
            index = self.model.index(target, 0)
            self.list.setCurrentIndex(index)
            self.list.scrollTo(index)
            if step < 0 and target == self.model.first_hit_row():
                self.list.scrollToTop()  # its kind header too

    def open_current(self) -> None:
        if self._timer.isActive():  # Enter before the debounce: search what was typed first
            self.run_search()
        hit = self.current_hit()
        if hit is None:
            return
        self.accept()
        self.openRequested.emit(hit.kind, hit.id)

    def _clicked(self, index: QModelIndex) -> None:
        if self.model.is_hit(index.row()):
            self.list.setCurrentIndex(index)
            self.open_current()

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt's name
        if obj is self.edit and event.type() == QEvent.Type.KeyPress:
            key = event.key()
            if key == Qt.Key.Key_Down:
                self.move(1)
                return True
            if key == Qt.Key.Key_Up:
                self.move(-1)
                return True
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.open_current()
                return True
        return super().eventFilter(obj, event)

    def done(self, result: int) -> None:
        self._timer.stop()
        try:
            self.ctx.bus.missionChanged.disconnect(self._mission_changed)
        except (RuntimeError, TypeError):
            pass
        super().done(result)

    def place_over(self, window: QWidget) -> None:
        """Centred near the top of the window, as wide as reads well."""
        width = max(420, min(720, window.width() - 80))
        height = max(300, min(520, window.height() - 140))
        top_left = window.mapToGlobal(window.rect().topLeft())
        self.setGeometry(top_left.x() + (window.width() - width) // 2, top_left.y() + 70,
                         width, height)
