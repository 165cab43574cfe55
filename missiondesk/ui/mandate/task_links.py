"""The Links… dialog of a mandate task: the stakeholders it concerns (names completed as they
are typed, as in the engagement editor), the engagements that served it (found by words of the
title or a date: "2026-11", "2026-11-03 talks") and the commitments that bear on it (found by
words of their text). OK returns the three lists; the Tasks tab makes one undo step of them."""

from __future__ import annotations

import re
from calendar import monthrange
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from missiondesk.services.people import STAKEHOLDER
from missiondesk.ui.engagements.completion import NameListEdit
from missiondesk.ui.framework.form import hint_label
from missiondesk.ui.framework.widgets import error_label

if TYPE_CHECKING:
    from missiondesk.services.mandate import TaskDetail
    from missiondesk.services.people import Person
    from missiondesk.ui.context import MissionContext

#: How many records a search offers.
OFFERED = 200
_DAY = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")

#: (id, the line shown) of a record offered.
Choice = tuple[str, str]


def date_span(words: str) -> tuple[date | None, date | None, str]:
    """(since, until, the other words) of a search: a word "2026", "2026-11" or "2026-11-03"
    is a span of days; the rest are words of the title."""
    since = until = None
    rest = []
    for word in words.split():
        found = _DAY.match(word)
        if found is None:
            rest.append(word)
            continue
        year, month, day = (int(g) if g else None for g in found.groups())
        try:
            if month is None:
                first, last = date(year, 1, 1), date(year, 12, 31)
            elif day is None:
                first = date(year, month, 1)
                last = date(year, month, monthrange(year, month)[1])
            else:
                first = last = date(year, month, day)
        except ValueError:  # "2026-13": not a date, a word
            rest.append(word)
            continue
        since, until = first, last
    return since, until, " ".join(rest)


class PickList(QWidget):
    """Records found by a search, ticked when linked; the ticked ones stay on top whatever
    the search shows."""

    def __init__(self, search: Callable[[str], list[Choice]], chosen: list[Choice],
                 placeholder: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._search = search
        self._chosen: dict[str, str] = dict(chosen)
        self.find = QLineEdit()
        self.find.setPlaceholderText(placeholder)
        self.find.setClearButtonEnabled(True)
        self.list = QListWidget()
        self.list.setWordWrap(True)
        self.list.itemChanged.connect(self._ticked)
        self.count = QLabel()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.find)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.count)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(200)
        self._timer.timeout.connect(self.refresh)
        self.find.textChanged.connect(lambda _text: self._timer.start())
        self.refresh()

    def refresh(self) -> None:
        """Search again: the ticked records, then those found."""
        self._timer.stop()
        found = [c for c in self._search(self.find.text().strip()) if c[0] not in self._chosen]
        self.list.blockSignals(True)
        self.list.clear()
        for (record_id, text), ticked in ([(c, True) for c in self._chosen.items()]
                                          + [(c, False) for c in found]):
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, record_id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if ticked else Qt.CheckState.Unchecked)
            item.setToolTip(text)
            self.list.addItem(item)
        self.list.blockSignals(False)
        self._count()

    def _ticked(self, item: QListWidgetItem) -> None:
        record_id = item.data(Qt.ItemDataRole.UserRole)
        if item.checkState() == Qt.CheckState.Checked:
            self._chosen[record_id] = item.text()
        else:
            self._chosen.pop(record_id, None)
        self._count()

    def _count(self) -> None:
        self.count.setText(self.tr("%n linked", "", len(self._chosen)))

    def chosen(self) -> list[str]:
        return list(self._chosen)

    def tick(self, record_id: str) -> bool:
        """Tick a record the list shows (what a click does); False when it is not shown."""
        for i in range(self.list.count()):
            item = self.list.item(i)
            if item.data(Qt.ItemDataRole.UserRole) == record_id:
                item.setCheckState(Qt.CheckState.Checked)
                return True
        return False


class TaskLinksDialog(QDialog):
    """Choose the stakeholders, engagements and commitments linked to a task."""

    def __init__(self, parent: QWidget | None, ctx: MissionContext, detail: TaskDetail,
                 people: list[Person]) -> None:
        super().__init__(parent)
        self._ctx = ctx
        task = detail.task
        self.setWindowTitle(self.tr("Links of {paragraph}").format(paragraph=task.paragraph))
        self.resize(640, 520)
        intro = QLabel(self.tr("The stakeholders, engagements and commitments that bear on "
                               "task {paragraph}:").format(paragraph=task.paragraph))
        intro.setWordWrap(True)

        self.stakeholders = NameListEdit(people, STAKEHOLDER)
        self.stakeholders.setPlaceholderText(self.tr("Stakeholders (names or aliases), "
                                                     "separated by ;"))
        known = {p.id: p for p in people}
        self.stakeholders.set_persons([known[s.id] for s in detail.stakeholders
                                       if s.id in known])
        people_page = QWidget()
        people_layout = QVBoxLayout(people_page)
        people_layout.addWidget(self.stakeholders)
        people_layout.addWidget(hint_label(self.tr(
            "Type a name or an alias; the list under the field completes it (Tab or Enter "
            "takes it, then the next name after ;).")))
        people_layout.addStretch(1)

        self.engagements = PickList(
            self._find_engagements,
            [(e.id, self._engagement_text(e.starts_at, e.title)) for e in detail.task_engagements],
            self.tr("Find by words of the title or a date (2026-11, 2026-11-03)\u2026"))
        self.commitments = PickList(
            self._find_commitments,
            [(c.id, self._commitment_text(c.due_date, c.text)) for c in detail.commitments],
            self.tr("Find by words of the commitment\u2026"))

        self.tabs = QTabWidget()
        self.tabs.addTab(people_page, self.tr("Stakeholders"))
        self.tabs.addTab(self.engagements, self.tr("Engagements"))
        self.tabs.addTab(self.commitments, self.tr("Commitments"))
        self.error = error_label()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    # --- the records offered --------------------------------------------------------------

    def _engagement_text(self, starts_at, title: str) -> str:
        from missiondesk.services.clock import mission_zone, to_local

        day = to_local(starts_at, mission_zone(self._ctx.handle)).date()
        return "%s  %s" % (day.isoformat(), title)

    def _commitment_text(self, due: date | None, text: str) -> str:
        text = " ".join(text.split())
        if due is None:
            return self.tr("no due date \u00b7 {text}").format(text=text)
        return self.tr("due {date} \u00b7 {text}").format(date=due.isoformat(), text=text)

    def _find_engagements(self, words: str) -> list[Choice]:
        from missiondesk.services.engagements import EngagementFilter, page_engagements

        since, until, rest = date_span(words)
        flt = EngagementFilter(since=since, until=until, text=rest or None)
        rows = page_engagements(self._ctx.handle, flt, limit=OFFERED)
        return [(r.id, self._engagement_text(r.starts_at, r.title)) for r in rows]

    def _find_commitments(self, words: str) -> list[Choice]:
        from missiondesk.services.commitments import CommitmentFilter, page_commitments

        rows = page_commitments(self._ctx.handle, CommitmentFilter(text=words or None),
                                limit=OFFERED)
        return [(r.id, self._commitment_text(r.due_date, r.text)) for r in rows]

    # --- the answer -------------------------------------------------------------------------

    def links(self) -> dict[str, list[str]]:
        """The three lists as `set_task_links` takes them."""
        return {"stakeholder_ids": [p.id for p in self.stakeholders.persons()],
                "engagement_ids": self.engagements.chosen(),
                "commitment_ids": self.commitments.chosen()}

    def _accept(self) -> None:
        unknown = self.stakeholders.unknown_names()
        if unknown:
            self.tabs.setCurrentIndex(0)
            self.error.setText(self.tr("Not a stakeholder of the mission: {names}. Choose a "
                                       "name the list offers, or add the stakeholder first.")
                               .format(names="; ".join(unknown)))
            self.error.show()
            return
        self.accept()

    @classmethod
    def choose(cls, parent: QWidget | None, ctx: MissionContext, detail: TaskDetail,
               people: list[Person]) -> dict[str, list[str]] | None:
        dialog = cls(parent, ctx, detail, people)
        return dialog.links() if dialog.exec() == QDialog.DialogCode.Accepted else None


# --- the other direction: a record's mandate tasks, in the other desks' details -------------


def mandate_tasks_html(handle, kind: str, record_id: str) -> str:
    """"Mandate tasks: 28(b), 30(a) (S/RES/2799 (2026))" for a stakeholder, an engagement or a
    commitment (`kind` a key of services.mandate.TASK_LINKS), each paragraph a "mandate-task:"
    link; nothing when the record is linked to no task."""
    import html

    from PySide6.QtCore import QCoreApplication

    from missiondesk.services.mandate import tasks_linked_to

    by_resolution: dict[str, list[str]] = {}
    for task in tasks_linked_to(handle, kind, record_id):
        by_resolution.setdefault(task.resolution, []).append(
            "<a href='mandate-task:%s'>%s</a>" % (html.escape(task.id),
                                                 html.escape(task.paragraph)))
    if not by_resolution:
        return ""
    groups = "; ".join("%s (%s)" % (", ".join(links), html.escape(resolution))
                       for resolution, links in by_resolution.items())
    return "<p><b>%s</b> %s</p>" % (
        html.escape(QCoreApplication.translate("MandateTaskLinks", "Mandate tasks:")), groups)


def open_mandate_task(widget: QWidget, url) -> bool:
    """Open a "mandate-task:ID" link in the Mandate desk of `widget`'s main window; False
    for another link or without that desk."""
    text = url if isinstance(url, str) else url.toString()
    kind, _, task_id = text.partition(":")
    show = getattr(widget.window(), "show_record", None)
    if kind != "mandate-task" or show is None:
        return False
    return bool(show("mandate", task_id))
