"""The profile a leader reads in seconds: the Stakeholders desk's detail panel as HTML."""

from __future__ import annotations

import html

from PySide6.QtCore import QCoreApplication

from missiondesk.labels import (
    audit_action_label,
    category_label,
    classification_label,
    kind_label,
    mission_stance_label,
    peace_stance_label,
    perception_label,
    priority_text,
    relationship_type_label,
)
from missiondesk.services.names import fold


def _t(text: str) -> str:
    return QCoreApplication.translate("StakeholdersDesk", text)


def _esc(value) -> str:
    return html.escape(str(value)) if value not in (None, "") else "\u2014"


def _short(value, limit: int = 60) -> str:
    text = "\u2014" if value in (None, "") else str(value)
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


#: Engagements listed in the profile (the latest); the rest are counted.
ENGAGEMENTS_SHOWN = 20


def engagement_section(handle, stakeholder_id: str) -> tuple[list, int] | None:
    """(the stakeholder's latest `ENGAGEMENTS_SHOWN` engagements as the Engagements service
    gives them, how many it has in all), or None without that service."""
    try:
        from missiondesk.services.engagements import (
            EngagementFilter,
            count_engagements,
            stakeholder_engagements,
        )
    except ImportError:  # pragma: no cover - the service ships with the desk
        return None
    rows = stakeholder_engagements(handle, stakeholder_id, limit=ENGAGEMENTS_SHOWN)
    total = (len(rows) if len(rows) < ENGAGEMENTS_SHOWN
             else count_engagements(handle, EngagementFilter(stakeholder_id=stakeholder_id)))
    return rows, total


def open_engagement(widget, engagement_id: str) -> bool:
    """Show an engagement in the Engagements desk of `widget`'s main window, if it has one."""
    window = widget.window()
    show = getattr(window, "show_record", None)
    return bool(show("engagements", engagement_id)) if show is not None else False


def engagement_format_label(code: str | None) -> str:
    words = {"bilateral": _t("bilateral"), "group": _t("group meeting"), "forum": _t("forum"),
             "phone_video": _t("phone or video"), "field_visit": _t("field visit"),
             "public_event": _t("public event"), "informal": _t("informal"),
             "correspondence": _t("correspondence")}
    return words.get(code or "", code or "")


def _engagements_html(rows: list, total: int) -> str:
    """The latest engagements, newest first: date, title (a link that opens it), lead,
    format, the outcome's first words; "N more" below when there are more."""
    items = []
    for e in rows:
        bits = [b for b in (e.lead_name, engagement_format_label(e.format)) if b]
        outcome = ("<br><span style='color:#555'>%s</span>" % _esc(_short(e.outcome_excerpt,
                                                                          140))
                   if e.outcome_excerpt else "")
        items.append("<li>%s — <a href='engagement:%s'>%s</a>%s%s</li>" % (
            e.starts_at.date().isoformat(), html.escape(e.id), _esc(e.title),
            (" (" + _esc(", ".join(bits)) + ")") if bits else "", outcome))
    more = total - len(rows)
    tail = "<p>%s</p>" % _esc(_t("%d more") % more) if more > 0 else ""
    return "<ul>%s</ul>%s" % ("".join(items), tail)


def profile_html(d, handle=None) -> str:
    """The detail panel's profile of a `StakeholderDetail`: badges, last engaged, priority,
    profile, motivations, stance and perception (by group, with earlier values),
    relationships (links that select the other side), drivers, engagements (with `handle`:
    the latest 20 with their lead, format and outcome, each a link that opens it),
    commitments and history."""
    t = _t
    parts = ["<h2 style='margin-bottom:2px'>%s</h2>" % _esc(d.name)]
    if d.aliases:
        parts.append("<div style='color:#555'>%s</div>" % _esc(", ".join(d.aliases)))
    badges = []
    if d.do_not_engage:
        badges.append(t("DO NOT ENGAGE") + (": " + d.engagement_constraints
                                            if d.engagement_constraints else ""))
    if d.sanctioned:
        badges.append(t("SANCTIONED") + (": " + d.sanctions_note if d.sanctions_note else ""))
    if d.hrddp_flag:
        badges.append(t("HRDDP") + (": " + d.hrddp_note if d.hrddp_note else ""))
    for badge in badges:
        parts.append("<p style='color:#b3261e;font-weight:bold;margin:2px 0'>%s</p>"
                     % _esc(badge))
    if d.last_engaged is not None:
        parts.append("<p><b>%s</b> %s</p>" % (_esc(t("Last engaged:")), _esc(
            t("%s (%d days ago)") % (d.last_engaged.isoformat(), d.days_since_engaged or 0)
            if d.days_since_engaged else t("%s (today)") % d.last_engaged.isoformat())))
    else:
        parts.append("<p><b>%s</b> %s</p>" % (_esc(t("Last engaged:")), _esc(t("never"))))
    parts.append("<p><b>%s</b> %s</p>" % (_esc(t("Engagement priority")),
                                          _esc(priority_text(d.priority))))
    if d.priority.overridden and d.priority.computed:
        parts.append("<p style='color:#555'>%s</p>" % _esc(
            t("Computed priority: %s") % d.priority.computed))

    def section(title: str, rows: list[tuple[str, object]]) -> None:
        body = "".join("<tr><td valign='top' style='color:#555;padding-right:8px'>%s</td>"
                       "<td>%s</td></tr>" % (_esc(k), _esc(v)) for k, v in rows)
        parts.append("<h3>%s</h3><table>%s</table>" % (_esc(title), body))

    section(t("Profile"), [
        (t("Category"), category_label(d.category)), (t("Kind"), kind_label(d.kind)),
        (t("Regions"), ", ".join(d.regions) if d.regions else None),
        (t("Influence / interest"), "%s / %s" % (d.influence, d.interest)),
        (t("Owner"), d.owner_name), (t("Tags"), ", ".join(d.tags) if d.tags else None),
        (t("Classification"), classification_label(d.classification)),
        (t("Description"), d.description),
    ])
    section(t("Motivations"), [
        (t("Positions"), d.positions), (t("Interests"), d.interests), (t("Needs"), d.needs),
        (t("Grievances"), d.grievances), (t("Motivations"), d.motivations),
    ])
    section(t("Stance and perception"), [
        (t("Peace process"), peace_stance_label(d.stance_peace)),
        (t("Toward the mission"), mission_stance_label(d.stance_mission)),
        (t("Since"), d.stance_since),
        (t("Community perception"), perception_label(d.perception)),
        (t("Evidence"), d.perception_evidence),
    ])
    if d.perceptions:
        def assessed(p) -> str:
            bits = [b for b in (p.source_code,
                                p.assessed_on.isoformat() if p.assessed_on else None,
                                p.assessed_by) if b]
            return (" <span style='color:#555'>(%s)</span>" % _esc(", ".join(bits))
                    if bits else "")

        rows = []
        for p in d.perceptions:
            before = [h for h in d.perception_history if fold(h.group_name) ==
                      fold(p.group_name)]
            was = ("<br><span style='color:#555'>%s</span>" % _esc(t("earlier: %s") % "; ".join(
                "%s %s" % (perception_label(h.perception),
                           h.assessed_on.isoformat() if h.assessed_on else "")
                for h in before[:3]))) if before else ""
            rows.append("<li><b>%s</b>: %s%s%s%s</li>" % (
                _esc(p.group_name), _esc(perception_label(p.perception)),
                (" \u2014 " + _esc(p.evidence)) if p.evidence else "", assessed(p), was))
        parts.append("<h3>%s</h3><ul>%s</ul>" % (_esc(t("Perception by group")),
                                                 "".join(rows)))
    parts.append("<h3>%s</h3>" % _esc(t("Relationships")))
    if d.relationships:
        rows = []
        for r in d.relationships:
            arrow = "\u2192" if r.outgoing else "\u2190"
            rows.append("<li>%s %s <a href='stakeholder:%s'>%s</a> (%s %s, %s)</li>" % (
                arrow, _esc(relationship_type_label(r.type)), html.escape(r.other_id),
                _esc(r.other_name), _esc(t("strength")), r.strength, _esc(r.status)))
        parts.append("<ul>%s</ul>" % "".join(rows))
    else:
        parts.append("<p>%s</p>" % _esc(t("None recorded.")))
    if d.drivers:
        rows = "".join("<li>%s: %s</li>" % (_esc(link.role), _esc(link.driver_name))
                       for link in d.drivers)
        parts.append("<h3>%s</h3><ul>%s</ul>" % (_esc(t("Drivers")), rows))
    parts.append("<h3>%s</h3>" % _esc(t("Engagements")))
    latest = engagement_section(handle, d.id) if handle is not None else None
    if latest is not None and latest[0]:
        parts.append(_engagements_html(*latest))
    elif d.engagements:
        rows = "".join("<li>%s \u2014 %s%s</li>" % (
            e.starts_at.date().isoformat(), _esc(e.title),
            (" (" + _esc(e.lead_name) + ")") if e.lead_name else "")
            for e in d.engagements[:15])
        more = len(d.engagements) - 15
        parts.append("<ul>%s</ul>%s" % (rows, "<p>%s</p>" % _esc(
            t("and %d earlier") % more) if more > 0 else ""))
    else:
        parts.append("<p>%s</p>" % _esc(t("Never engaged.")))
    if d.commitments:
        rows = "".join("<li>%s%s \u2014 %s%s</li>" % (
            "<b style='color:#b3261e'>%s</b> " % _esc(t("OVERDUE")) if c.overdue else "",
            _esc(c.status.replace("_", " ")), _esc(c.text),
            (" (" + _esc(t("due %s") % c.due_date.isoformat()) + ")") if c.due_date else "")
            for c in d.commitments[:15])
        parts.append("<h3>%s</h3><ul>%s</ul>" % (_esc(t("Commitments")), rows))
    if handle is not None:  # the mandate tasks they bear on, each a link to the Tasks tab
        from missiondesk.ui.mandate.task_links import mandate_tasks_html

        parts.append(mandate_tasks_html(handle, "stakeholder_ids", d.id))
    if handle is not None:  # rumours about them, each a link to the Rumours tab
        from missiondesk.ui.communications.rumours import rumours_profile_html

        parts.append(rumours_profile_html(handle, d.id))
    parts.append("<h3>%s</h3>" % _esc(t("History")))
    if d.assessments:
        rows = "".join("<li>%s: %s / %s / %s%s%s</li>" % (
            a.assessed_on.isoformat(),
            _esc(peace_stance_label(a.stance_peace) if a.stance_peace else "\u2014"),
            _esc(mission_stance_label(a.stance_mission) if a.stance_mission else "\u2014"),
            _esc(perception_label(a.perception) if a.perception else "\u2014"),
            (" \u2014 " + _esc(a.assessed_by)) if a.assessed_by else "",
            (": " + _esc(a.reason)) if a.reason else "") for a in d.assessments)
        parts.append("<p><b>%s</b></p><ul>%s</ul>" % (_esc(t("Dated assessments")), rows))
    if d.history:
        rows = []
        for h in d.history[:30]:
            when = h.at.strftime("%Y-%m-%d %H:%M")
            if h.action in ("redact", "redacted"):
                what = audit_action_label(h.action) + (": " + h.field if h.field else "")
            elif h.field:
                what = t("%s: %s \u2192 %s") % (h.field, _short(h.old_value),
                                                _short(h.new_value))
            else:
                what = audit_action_label(h.action)
            rows.append("<li>%s %s \u2014 %s</li>" % (when, _esc(h.user_name),
                                                      _esc(what)))
        parts.append("<p><b>%s</b></p><ul>%s</ul>" % (_esc(t("Changes")), "".join(rows)))
    return "".join(parts)
