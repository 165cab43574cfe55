"""The Handover tab: what a rotating leader passes on — their portfolios with their letter,
their stakeholders (owned, or with a letter in the stakeholder RACI) with their last
engagement and the mission's, and their open commitments. A link opens the record."""

from __future__ import annotations

from datetime import date, datetime
from html import escape

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QTextBrowser, QVBoxLayout, QWidget

from missiondesk.labels import commitment_status_label, role_label
from missiondesk.ui.leadership.raci import letter_names


class HandoverPage(QWidget):
    """Pick a member; read what they hand over."""

    memberChosen = Signal()
    recordRequested = Signal(str, str)  # desk key, record id

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.member = QComboBox()
        self.member.setMinimumContentsLength(24)
        self.member.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.member.currentIndexChanged.connect(lambda _i: self.memberChosen.emit())
        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("Handover of:")))
        row.addWidget(self.member)
        row.addStretch(1)
        self.view = QTextBrowser()
        self.view.setOpenLinks(False)
        self.view.anchorClicked.connect(self._link)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.view, 1)

    def _link(self, url) -> None:
        key, _sep, record_id = url.toString().partition(":")
        if record_id:
            self.recordRequested.emit(key, record_id)

    def set_members(self, members: list) -> None:
        keep = self.member.currentData()
        self.member.blockSignals(True)
        self.member.clear()
        for m in members:
            self.member.addItem("%s (%s)" % (m.name, role_label(m.role)), m.id)
        self.member.setCurrentIndex(max(0, self.member.findData(keep)))
        self.member.blockSignals(False)

    def member_id(self) -> str | None:
        return self.member.currentData()

    def show_busy(self) -> None:
        self.view.setHtml("<p>%s</p>" % escape(self.tr("Reading\u2026")))

    def show_handover(self, result, local, today: date) -> None:
        """`local(stored UTC) -> naive local datetime` puts dates on the mission's clock."""
        tr = self.tr
        parts = ["<h2>%s</h2>" % escape(tr("{name}, {role}: handover").format(
            name=result.name, role=role_label(result.role)))]
        letters = letter_names()
        parts.append("<h3>%s</h3>" % escape(tr("Portfolios")))
        if result.portfolios:
            parts.append("<ul>%s</ul>" % "".join(
                "<li>%s \u2014 %s</li>" % (escape(name), escape(letters.get(letter, letter)))
                for _pid, name, letter in result.portfolios))
        else:
            parts.append("<p>%s</p>" % escape(tr("No letter in any portfolio.")))

        parts.append("<h3>%s</h3>" % escape(tr("Stakeholders")))
        if result.stakeholders:
            head = (tr("Stakeholder"), tr("Priority"), tr("Their part"),
                    tr("Their last engagement"), tr("The mission's last"))
            rows = ["<tr>%s</tr>" % "".join("<th align='left'>%s</th>" % escape(h)
                                            for h in head)]
            for s in result.stakeholders:
                part = [tr("owner")] if s.owner else []
                if s.letter:
                    part.append(letters.get(s.letter, s.letter).lower())
                rows.append("<tr><td><a href='stakeholders:%s'>%s</a></td><td>%s</td>"
                            "<td>%s</td><td>%s</td><td>%s</td></tr>" % (
                                escape(s.id), escape(s.name), escape(s.priority or "\u2013"),
                                escape(", ".join(part)),
                                escape(self._last(s.last_by_member, s.last_title, local,
                                                  today)),
                                escape(self._last(s.last_by_mission, None, local, today))))
            parts.append("<table cellspacing='0' cellpadding='4' width='100%%'>%s</table>"
                         % "".join(rows))
        else:
            parts.append("<p>%s</p>" % escape(tr("Owns no stakeholder and has no letter for "
                                                 "any.")))

        parts.append("<h3>%s</h3>" % escape(tr("%n open commitment(s)", "",
                                                len(result.commitments))))
        if result.commitments:
            items = []
            for c in result.commitments:
                due = c.due_date.isoformat() if c.due_date else tr("no date (conditions)")
                items.append("<li><a href='commitments:%s'>%s</a> \u2014 %s, %s%s</li>" % (
                    escape(c.id), escape(c.text), escape(commitment_status_label(c.status)),
                    escape(tr("due {date}").format(date=due)),
                    " <b style='color:#b3261e'>%s</b>" % escape(tr("overdue"))
                    if c.overdue else ""))
            parts.append("<ul>%s</ul>" % "".join(items))
        self.view.setHtml("".join(parts))

    def _last(self, when: datetime | None, title: str | None, local, today: date) -> str:
        if when is None:
            return self.tr("never")
        day = local(when).date()
        days = (today - day).days
        text = self.tr("{date} (today)").format(date=day.isoformat()) if days <= 0 else \
            self.tr("{date} (%n day(s) ago)", "", days).format(date=day.isoformat())
        return "%s: %s" % (text, title) if title else text

    def clear(self) -> None:
        self.member.blockSignals(True)
        self.member.clear()
        self.member.blockSignals(False)
        self.view.clear()
