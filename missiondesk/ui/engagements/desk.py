"""The Engagements desk: the log (paged, filtered and sorted in SQL by the service, so the
200,000 engagements of the large mission open in a page), the whole record of the selected
engagement, and New / Edit / Delete on the undo stack. "New engagement…" opens the quick
capture when it is there; "Full editor…" opens every field. Only service calls; no SQL."""

from __future__ import annotations

import html
import importlib.util
from datetime import UTC, datetime, timedelta
from typing import Any

from PySide6.QtCore import QDate, Qt, QTimer
from PySide6.QtWidgets import QDateEdit, QLineEdit, QMessageBox, QWidget

from missiondesk.labels import classification_label
from missiondesk.store.errors import MissionError
from missiondesk.store.vocab import Classification
from missiondesk.ui.engagements.labels import (
    atmosphere_label,
    commitment_status_label,
    flag_badges,
    format_label,
    level_label,
)
from missiondesk.ui.engagements.model import EngagementTableModel, duration_text
from missiondesk.ui.framework.commands import RecordActions
from missiondesk.ui.framework.desk import ListDetailDesk, filter_combo
from missiondesk.ui.framework.table_model import Page

WATCHED = ("engagements", "engagement_participants", "engagement_counterparts",
           "engagement_drivers", "engagement_objectives", "engagement_benchmarks",
           "engagement_key_messages", "commitments", "commitment_engagements",
           "stakeholders", "team_members")
PAGE = 200
COUNT_AT_MOST = 1000
BADGE_COLOUR = "#9a1b1b"


def _esc(value: object) -> str:
    return html.escape("" if value is None else str(value)).replace("\n", "<br>")


def capture_available() -> bool:
    """E2's quick capture is there (imported only when asked for)."""
    return importlib.util.find_spec("missiondesk.ui.engagements.capture") is not None


class EngagementsDesk(ListDetailDesk):
    WATCHED = WATCHED
    SIZES = (900, 460)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(EngagementTableModel(), parent, row_height=24)
        self.model.setParent(self)
        self.model.on_sort = lambda _key, _descending: self.refresh()
        self._sorted_by = (0, Qt.SortOrder.DescendingOrder)
        self.table.horizontalHeader().sortIndicatorChanged.connect(self._sort_asked)
        from missiondesk.services import clock

        self.zone = clock.zone("UTC")  # the mission's, once attached
        self._detail_of = None  # (id, revision) of the record the detail shows
        self._exact = True
        from missiondesk.services import engagements as service

        self.actions = RecordActions(
            self, lambda: self._ctx,
            create=service.create_engagement, update=service.update_engagement,
            delete=service.delete_engagement, restore=service.restore_engagement,
            texts={"create": self.tr("New engagement"), "edit": self.tr("Edit engagement"),
                   "delete": self.tr("Delete engagement")})
        t = self.tr
        # filters
        self.period = filter_combo(t("All dates"), [
            (t("Last 30 days"), 30), (t("Last 90 days"), 90), (t("Last 365 days"), 365),
            (t("Custom period\u2026"), "custom")])
        self.since = QDateEdit()
        self.until = QDateEdit()
        for edit in (self.since, self.until):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.setDate(QDate.currentDate())
            edit.hide()
        self.since.setDate(QDate.currentDate().addDays(-90))
        for edit in (self.since, self.until):
            edit.dateChanged.connect(lambda _d: self._filters_changed())
        self.member = filter_combo(t("All team members"), [])
        self.stakeholder = filter_combo(t("All stakeholders"), [])
        from missiondesk.services.engagements import FORMATS

        self.format = filter_combo(t("All formats"), [(format_label(c), c) for c in FORMATS])
        self.political = filter_combo(t("Political or not"), [
            (t("Political"), True), (t("Not political"), False)])
        self.classification = filter_combo(t("All classifications"), [
            (classification_label(c.value), c.value) for c in Classification])
        self.text = QLineEdit()
        self.text.setPlaceholderText(t("Filter: words in the title, outcomes\u2026"))
        self.text.setClearButtonEnabled(True)
        self.text.setMinimumWidth(160)
        self._total = 0
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(150)
        self._debounce.timeout.connect(self._filters_changed)
        self.text.textChanged.connect(lambda _t: self._debounce.start())
        self.period.currentIndexChanged.connect(self._period_changed)
        for combo in (self.member, self.stakeholder, self.format, self.political,
                      self.classification):
            combo.currentIndexChanged.connect(lambda _i: self._filters_changed())
        for widget in (self.period, self.since, self.until, self.member, self.stakeholder,
                       self.format, self.political, self.classification):
            self.filters.addWidget(widget)
        self.filters.addWidget(self.text, 1)
        # toolbar
        self.new_button = self.button(t("New engagement\u2026"), self.new_engagement)
        self.full_button = self.button(t("Full editor\u2026"), self.new_in_full_editor)
        self.full_button.setToolTip(t("A new engagement with every field"))
        self.edit_button = self.button(t("Edit\u2026"), self.edit_engagement)
        self.delete_button = self.button(t("Delete"), self.delete_engagement)
        self.export_button = self.button(
            t("Export\u2026"), lambda: self.export_view(t("engagements") + ".xlsx"))
        self.add_buttons(self.new_button, self.full_button, self.edit_button,
                         self.delete_button)
        self.toolbar.addStretch(1)
        self.toolbar.addWidget(self.count_label)
        self.toolbar.addWidget(self.export_button)
        self.table.doubleClicked.connect(lambda _index: self.edit_engagement())
        self.table.sortByColumn(0, Qt.SortOrder.DescendingOrder)
        self.show_detail(None)
        self.update_buttons()

    # --- filters ---------------------------------------------------------------------------

    def _period_changed(self, _index: int) -> None:
        custom = self.period.currentData() == "custom"
        self.since.setVisible(custom)
        self.until.setVisible(custom)
        self._filters_changed()

    def _filters_changed(self) -> None:
        self._debounce.stop()
        self.refresh()

    def current_filter(self):
        from missiondesk.services.engagements import EngagementFilter

        period = self.period.currentData()
        since = until = None
        if period == "custom":
            since = self.since.date().toPython()
            until = self.until.date().toPython()
        elif period is not None:
            from missiondesk.services import clock

            since = clock.local_today(self.zone) - timedelta(days=int(period))
        return EngagementFilter(
            since=since, until=until, member_id=self.member.currentData(),
            stakeholder_id=self.stakeholder.currentData(), format=self.format.currentData(),
            political=self.political.currentData(),
            classification=self.classification.currentData(),
            text=self.text.text().strip() or None)

    def _fill_people(self, ctx) -> None:
        from missiondesk.services import engagements as service

        for combo, choices in ((self.member, service.team_choices(ctx.handle)),
                               (self.stakeholder, service.stakeholder_choices(ctx.handle))):
            keep = combo.currentData()
            combo.blockSignals(True)
            while combo.count() > 1:
                combo.removeItem(1)
            for choice in choices:
                combo.addItem(choice.name, choice.id)
            index = combo.findData(keep) if keep is not None else 0
            combo.setCurrentIndex(max(0, index))
            combo.view().setMinimumWidth(min(420, combo.view().sizeHintForColumn(0) + 24))
            combo.blockSignals(False)

    # --- the log ---------------------------------------------------------------------------

    def refresh(self) -> None:
        if self._ctx is None:
            return
        from missiondesk.services import engagements as service

        handle = self._ctx.handle
        keep = self.current_id()
        self._detail_of = None  # the mission changed: the detail is drawn again
        flt = self.current_filter()
        sort, descending = self.model.service_sort()
        self.model.flagged = service.flagged_stakeholder_ids(handle)

        after = {}  # the cursor of the last page read: the next one seeks from it

        def fetch(offset: int) -> Page:
            page = service.log_page(handle, flt, sort=sort, descending=descending,
                                    after=after.get(offset), limit=PAGE)
            if page.next is not None:
                after[offset + len(page.rows)] = page.next
            return Page(page.rows, page.next is not None)

        self.model.set_source(fetch)
        self._total, self._exact = service.log_count(handle, flt, at_most=COUNT_AT_MOST)
        self._reselect(keep)

    def _sort_asked(self, column: int, order: Qt.SortOrder) -> None:
        """A click on a header: the columns no index orders (lead, people, outcome) keep
        the order shown, and the arrow goes back where it was."""
        from missiondesk.ui.engagements.model import SORT_OF

        if SORT_OF.get(self.model.COLUMNS[column].key) is None:
            header = self.table.horizontalHeader()
            header.blockSignals(True)
            header.setSortIndicator(*self._sorted_by)
            header.blockSignals(False)
            return
        self._sorted_by = (column, order)

    def count_text(self) -> str:
        if not self._exact:
            return self.tr("more than {n} engagements").format(n=f"{self._total:,}")
        return self.tr("%n engagement(s)", "", self._total)

    @staticmethod
    def _no_filter():
        from missiondesk.services.engagements import EngagementFilter

        return EngagementFilter()

    def attach(self, ctx) -> None:
        from missiondesk.services import clock

        self.zone = clock.mission_zone(ctx.handle)
        self.model.zone = self.zone
        self._fill_people(ctx)
        super().attach(ctx)

    def _on_changed(self, changed) -> None:
        if self._ctx is not None and changed.touches("stakeholders", "team_members"):
            self._fill_people(self._ctx)
        super()._on_changed(changed)

    def update_buttons(self) -> None:
        has_mission = self._ctx is not None
        has = has_mission and self._current is not None
        for button in (self.new_button, self.full_button, self.export_button):
            button.setEnabled(has_mission)
        for button in (self.edit_button, self.delete_button):
            button.setEnabled(has)

    def select_engagement(self, engagement_id: str) -> bool:
        return self.select_id(engagement_id)

    # --- the detail ------------------------------------------------------------------------

    def show_detail(self, r: Any) -> None:
        if r is None or self._ctx is None:
            self._detail_of = None
            self.detail.setHtml("<p style='color:#666'>%s</p>" % _esc(self.placeholder(
                self.tr("Select an engagement to see the whole record: who took part, who "
                        "was met, what was said and what was promised."),
                self.tr("No engagements yet. New engagement\u2026 records a meeting in a "
                        "minute."))))
            return
        if self._detail_of == (r.id, r.revision):
            return  # shown already (a refresh selects, then shows the selection again)
        from missiondesk.services import engagements as service

        self._detail_of = (r.id, r.revision)
        try:
            view = service.get_engagement(self._ctx.handle, r.id)
            detail = service.engagement_detail(self._ctx.handle, view)
        except MissionError:
            self.detail.setHtml("")
            return
        self.detail.setHtml(self.detail_html(view, detail))

    def detail_html(self, v, d) -> str:
        from missiondesk.services import clock

        t = self.tr
        flags = {f.stakeholder_id: f for f in d.flags}
        facts = [
            (t("When"), "%s (%s), %s" % (
                clock.to_local(v.starts_at, self.zone).strftime("%Y-%m-%d %H:%M"),
                self.zone.key, duration_text(v.duration_minutes))),
            (t("Format"), format_label(v.format)),
            (t("Level"), level_label(v.level) if v.level else "\u2014"),
            (t("Location"), v.location or "\u2014"),
            (t("Political"), t("Yes") if v.political else t("No")),
            (t("Atmosphere"), atmosphere_label(v.atmosphere) if v.atmosphere else "\u2014"),
            (t("Classification"), classification_label(v.classification)),
        ]
        parts = ["<h2 style='margin-bottom:4px'>%s</h2>" % _esc(v.title),
                 "<table cellspacing='0' cellpadding='2'>"]
        parts += ["<tr><td style='color:#555; padding-right:10px'>%s</td><td>%s</td></tr>"
                  % (_esc(k), _esc(value)) for k, value in facts]
        parts.append("</table>")
        team = [("<b>%s</b> (%s)" % (_esc(d.lead), _esc(t("lead"))))] if d.lead else []
        team += [_esc(n) for n in d.participants]
        parts.append("<h3 style='margin-bottom:2px'>%s</h3><p>%s</p>" % (
            _esc(t("Mission participants")), ", ".join(team) or "\u2014"))
        met = []
        for sid, name in d.counterparts:
            flag = flags.get(sid)
            text = _esc(name)
            if flag is not None:
                text += " " + " ".join(
                    "<span style='background:%s; color:white; font-weight:bold'>&nbsp;%s"
                    "&nbsp;</span>" % (BADGE_COLOUR, _esc(b)) for b in flag_badges(flag))
                if flag.reason:
                    text += "<br><span style='color:%s'>%s</span>" % (BADGE_COLOUR,
                                                                     _esc(flag.reason))
            met.append(text)
        parts.append("<h3 style='margin-bottom:2px'>%s</h3><p>%s</p>" % (
            _esc(t("Counterparts")), "<br>".join(met) or "\u2014"))
        for label, value in ((t("Purpose"), v.purpose),
                             (t("Key messages delivered"), v.key_messages_delivered),
                             (t("Counterpart positions"), v.counterpart_positions),
                             (t("Outcomes"), v.outcomes),
                             (t("Risks to interlocutors"), v.risks_to_interlocutors)):
            if value:
                parts.append("<h3 style='margin-bottom:2px'>%s</h3><p>%s</p>" % (
                    _esc(label), _esc(value)))
        lines = []
        for c in d.commitments:
            who = t("the mission") if c.by_mission else (c.committed_by or "\u2014")
            extra = [commitment_status_label(c.status)]
            if c.due_date:
                extra.append(t("due {date}").format(date=c.due_date.isoformat()))
            if c.owner:
                extra.append(t("follow-up: {owner}").format(owner=c.owner))
            lines.append("\u2022 <b>%s</b>: %s <span style='color:#666'>(%s)</span>" % (
                _esc(who), _esc(c.text), _esc("; ".join(extra))))
        parts.append("<h3 style='margin-bottom:2px'>%s</h3><p>%s</p>" % (
            _esc(t("Commitments")), "<br>".join(lines) or _esc(t("None recorded."))))
        links = [(t("Drivers"), d.drivers), (t("Strategy objectives"), d.objectives),
                 (t("Benchmarks"), d.benchmarks), (t("Key messages"), d.key_messages)]
        shown = [(label, names) for label, names in links if names]
        if shown:
            parts.append("<h3 style='margin-bottom:2px'>%s</h3>" % _esc(t("Linked to")))
            parts.append("<p>%s</p>" % "<br>".join(
                "<span style='color:#555'>%s:</span> %s" % (_esc(label), _esc("; ".join(names)))
                for label, names in shown))
        if v.updated_at:
            parts.append("<p style='color:#777'>%s</p>" % _esc(t("Last changed {date} by {who}")
                         .format(date=v.updated_at.strftime("%Y-%m-%d %H:%M"),
                                 who=v.updated_by or "\u2014")))
        return "".join(parts)

    # --- writes (each on the undo stack) -----------------------------------------------------

    def new_engagement(self) -> None:
        """Quick capture when it is there, else the full editor."""
        if self._ctx is None:
            return
        if not capture_available():
            self.new_in_full_editor()
            return
        from missiondesk.ui.engagements.capture import QuickCaptureDialog

        dialog = QuickCaptureDialog(self._ctx, self)
        if dialog.exec() and getattr(dialog, "created_id", None):
            self.select_id(dialog.created_id)

    def _new_values(self) -> dict:
        from missiondesk.services import mission as mission_service

        handle = self._ctx.handle
        now = datetime.now(UTC).replace(tzinfo=None, second=0, microsecond=0)
        return {"starts_at": now - timedelta(minutes=now.minute % 15), "duration_minutes": 60,
                "format": "bilateral", "political": True, "lead_id": handle.user_id,
                "classification":
                    mission_service.get_mission(handle).default_classification}

    def new_in_full_editor(self) -> None:
        if self._ctx is None:
            return
        from missiondesk.ui.engagements.editor import EngagementEditor

        EngagementEditor.ask(self, self._ctx.handle, self._new_values(), self.submit_new,
                             creating=True)

    def submit_new(self, values: dict) -> str | None:
        return self.create_and_select(values, text=self.tr("New engagement: {title}").format(
            title=values.get("title") or ""))

    def edit_engagement(self) -> None:
        if self._ctx is None or self._current is None:
            return
        from missiondesk.services import engagements as service
        from missiondesk.ui.engagements.editor import EngagementEditor

        try:
            current = service.get_engagement(self._ctx.handle, self._current.id)
        except MissionError as exc:
            from missiondesk.messages import error_text

            QMessageBox.warning(self, self.tr("Edit Engagement"), error_text(exc))
            return
        EngagementEditor.ask(self, self._ctx.handle, {**current.values(), "id": current.id},
                             lambda values: self.submit_edit(current, values), creating=False)

    def submit_edit(self, current, values: dict) -> str | None:
        return self.actions.edit(current, values)

    def delete_engagement(self) -> None:
        if self._ctx is None or self._current is None:
            return
        current = self._current
        self.confirm_delete(current, self.tr("Delete Engagement"), self.tr(
            "Delete \u201c{title}\u201d of {date}? The commitments made in it stay; Undo "
            "brings it back.").format(title=current.title, date=self.model.local_start(
                current).strftime("%Y-%m-%d")))
