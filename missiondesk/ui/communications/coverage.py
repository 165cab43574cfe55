"""Message coverage: for each audience, the planned messages it has heard (delivered in an
engagement with one of its stakeholders) and not yet, and its stakeholders the mission has
never met. Read off the GUI thread (the large mission's engagement log); a period narrows the
deliveries counted. A stakeholder named opens in the Stakeholders desk."""

from __future__ import annotations

import html
from datetime import timedelta

from PySide6.QtCore import QCoreApplication, Qt, QUrl
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QLabel, QWidget

from missiondesk.messages import error_text
from missiondesk.services.clock import mission_zone, to_local
from missiondesk.services.message_coverage import message_coverage
from missiondesk.store.errors import MissionError
from missiondesk.store.handle import utcnow
from missiondesk.ui.communications.words import audience_code_label
from missiondesk.ui.framework.background import BackgroundRead
from missiondesk.ui.framework.desk import ListDetailDesk, filter_combo
from missiondesk.ui.framework.table_model import Column, RecordTableModel

GAP = "#a3221a"


def _t(text: str) -> str:
    return QCoreApplication.translate("CommsCoverage", text)


def _esc(value: object) -> str:
    return html.escape("" if value is None else str(value))


class CoverageTableModel(RecordTableModel):
    COLUMNS = (
        Column("name", lambda: _t("Audience"), 180, elastic=True),
        Column("code", lambda: _t("Kind"), 120),
        Column("heard", lambda: _t("Heard"), 70, align="center"),
        Column("members", lambda: _t("Stakeholders"), 90, align="right"),
        Column("never", lambda: _t("Never met"), 80, align="right"),
    )

    def display(self, row, key: str) -> str:
        if key == "name":
            return row.name
        if key == "code":
            return audience_code_label(row.code)
        if key == "heard":
            return _t("{heard} of {planned}").format(heard=row.heard, planned=row.planned)
        if key == "members":
            return str(row.members)
        if key == "never":
            return str(len(row.never_reached))
        return ""

    def sort_key(self, row, key: str):
        if key == "heard":
            return (row.planned - row.heard, row.planned)
        if key == "members":
            return row.members
        if key == "never":
            return len(row.never_reached)
        return self.display(row, key)

    def tooltip(self, row, key: str) -> str | None:
        if key == "heard":
            return _t("{heard} of the {planned} messages planned for this audience were "
                      "delivered to at least one of its stakeholders").format(
                heard=row.heard, planned=row.planned)
        return None

    def foreground(self, row, key: str):
        if (key == "heard" and row.heard < row.planned) or (key == "never"
                                                            and row.never_reached):
            return QColor(GAP)
        return None


#: The periods deliveries are counted over: (label, days back; None: the whole log).
def _periods() -> list[tuple[str, int]]:
    return [(_t("Last 30 days"), 30), (_t("Last 90 days"), 90), (_t("Last 365 days"), 365)]


class CoverageTab(ListDetailDesk):
    WATCHED = ("comms_plan_rows", "audiences", "audience_stakeholders", "key_messages",
               "key_message_texts", "engagement_key_messages", "engagement_counterparts",
               "engagements", "stakeholders")
    SIZES = (620, 480)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(CoverageTableModel(), parent)
        self.reader = BackgroundRead(self)
        self._zone = None
        self.period = filter_combo(_t("The whole engagement log"), _periods())
        self.period.currentIndexChanged.connect(lambda _i: self.refresh())
        self.filters.addWidget(QLabel(self.tr("Deliveries counted")))
        self.filters.addWidget(self.period)
        self.filters.addStretch(1)
        self.status = QLabel()
        self.toolbar.addWidget(self.status, 1)
        self.toolbar.addWidget(self.count_label)
        self.detail.anchorClicked.connect(self._open)
        self.period.setMinimumContentsLength(22)
        self.table.sortByColumn(2, Qt.SortOrder.DescendingOrder)  # the most unheard first

    def refresh(self) -> None:
        """Read the coverage in a worker; the rows land when it is read."""
        if self._ctx is None:
            return
        handle = self._ctx.handle
        if self._zone is None:
            self._zone = mission_zone(handle)
        days = self.period.currentData()
        since = None if days is None else utcnow() - timedelta(days=days)
        self.status.setText(self.tr("Reading the engagement log\u2026"))
        self.reader.run(lambda: message_coverage(handle, since=since), self._read)

    def _read(self, result, error) -> None:
        if self._ctx is None:
            return
        if error is not None:
            self.status.setText(error_text(error) if isinstance(error, MissionError)
                                else self.tr("The coverage could not be read."))
            if not isinstance(error, MissionError):
                raise error
            return
        self.status.clear()
        keep = self.current_id()
        self.model.set_rows(result)
        self._reselect(keep)

    def on_detached(self) -> None:
        self._zone = None
        self.reader.cancel()
        self.reader.wait()
        self.status.clear()

    def show_detail(self, row) -> None:
        t = self.tr
        if row is None or self._ctx is None:
            self.detail.setHtml("<p style='color:#666'>%s</p>" % _esc(self.placeholder(
                t("Select an audience to see the planned messages it has not heard yet and "
                  "its stakeholders never met."),
                t("No audiences yet: add them in the Audiences tab."))))
            return
        parts = ["<h3>%s</h3>" % _esc(row.name),
                 "<p>%s</p>" % _esc(t("{heard} of {planned} planned messages heard; {members} "
                                      "stakeholders, {never} never met.").format(
                     heard=row.heard, planned=row.planned, members=row.members,
                     never=len(row.never_reached)))]
        parts.append("<p><b>%s</b></p>" % _esc(t("Not heard yet")))
        if row.not_heard:
            parts.append("<ul>%s</ul>" % "".join(
                "<li style='color:%s'>%s</li>" % (GAP, _esc(_first(c))) for c in row.not_heard))
        elif row.planned:
            parts.append("<p>%s</p>" % _esc(t("Every planned message has been heard.")))
        else:
            parts.append("<p style='color:#666'>%s</p>" % _esc(t(
                "No message is planned for this audience (the Plan tab, or a key message's "
                "audience).")))
        heard = [c for c in row.cells if c.heard]
        if heard:
            parts.append("<p><b>%s</b></p><ul>%s</ul>" % (_esc(t("Heard")), "".join(
                "<li>%s <span style='color:#666'>(%s)</span></li>" % (
                    _esc(_first(c)), _esc(t("%n stakeholder(s) reached, last on {day}", "",
                                            c.members_reached).format(
                        day=to_local(c.last_delivered, self._zone).strftime("%Y-%m-%d"))))
                for c in heard)))
        parts.append("<p><b>%s</b></p>" % _esc(t("Stakeholders never met")))
        if row.never_reached:
            parts.append("<ul>%s</ul>" % "".join(
                "<li><a href='stakeholder:%s'>%s</a></li>" % (_esc(sid), _esc(name))
                for sid, name in row.never_reached))
        else:
            parts.append("<p>%s</p>" % _esc(
                t("Every stakeholder of this audience has been met.") if row.members
                else t("This audience has no stakeholders yet.")))
        self.detail.setHtml("".join(parts))

    def _open(self, url: QUrl) -> None:
        kind, _sep, record_id = url.toString().partition(":")
        window = self.window()
        if kind == "stakeholder" and hasattr(window, "show_record"):
            window.show_record("stakeholders", record_id)


def _first(cell) -> str:
    return cell.message_texts[0][1] if cell.message_texts else ""
