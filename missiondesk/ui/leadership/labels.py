"""The Leadership desk's words: default portfolio names, RACI problems, delegation
suggestions and tiers, from the services' codes. Every string through Qt's translation."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from missiondesk.labels import role_label


def _t(text: str, disambiguation: str | None = None, n: int = -1) -> str:
    return QCoreApplication.translate("Leadership", text, disambiguation, n)


def default_portfolio_names() -> dict[str, str]:
    """The DOMAIN.md defaults' names, in the user's language (services/leadership codes)."""
    return {
        "political_strategy": _t("Political strategy and top-tier engagement"),
        "peace_process": _t("Peace-process mechanisms, parties and opposition"),
        "elections": _t("Elections"),
        "protection_of_civilians": _t("Protection of civilians"),
        "ddr": _t("DDR and armed-group military contacts"),
        "regional_relations": _t("Regional relations"),
        "humanitarian_transition": _t("Humanitarian and development actors, donors, transition"),
        "police_rule_of_law": _t("Police and rule of law"),
        "analysis_early_warning": _t("Actor and driver analysis, early warning"),
        "benchmarks_tracking": _t("Benchmarks, decisions and commitments tracking"),
        "strategic_communications": _t("Strategic communications"),
        "mission_support": _t("Resources to deliver commitments"),
    }


def tier_labels() -> dict[str, str]:
    return {"A": _t("Priority A"), "B": _t("Priority B"), "C": _t("Priority C"),
            "D": _t("Priority D"), "none": _t("No ranked counterpart")}


def hours(minutes: int) -> str:
    """Minutes as hours with one decimal ("4.5")."""
    text = "%.1f" % (minutes / 60.0)
    return text[:-2] if text.endswith(".0") else text


def percent(value: float | None) -> str:
    return "\u2013" if value is None else "%d %%" % int(value + 0.5)


def share_change(before: float | None, after: float | None) -> tuple[str, str]:
    """Two shares in whole percents, or with one decimal when whole percents would hide the
    change ("from 72.7 % to 72.9 %", not "from 73 % to 73 %")."""
    if before is None or after is None or percent(before) != percent(after):
        return percent(before), percent(after)
    return "%.1f %%" % before, "%.1f %%" % after


def issue_text(code: str, p: dict) -> str:
    """One RACI problem as a sentence."""
    if code == "portfolio_no_accountable":
        return _t("{portfolio}: nobody is accountable (A); each portfolio needs exactly one."
                  ).format(**p)
    if code == "portfolio_many_accountable":
        return _t("{portfolio}: {members} are all accountable (A); each portfolio needs "
                  "exactly one.").format(portfolio=p["portfolio"],
                                          members=", ".join(p["members"]))
    if code == "stakeholder_many_accountable":
        return _t("{stakeholder}: {members} are all accountable (A); keep one.").format(
            stakeholder=p["stakeholder"], members=", ".join(p["members"]))
    if code == "priority_a_no_owner":
        return _t("{stakeholder} is priority A and nobody on the team owns it (set an owner "
                  "in the Stakeholders desk).").format(**p)
    if code == "too_many_accountable":
        return _t("{member} is accountable for {count} portfolios (the mission's limit is "
                  "{limit}).").format(**p)
    if code == "too_many_priority_a":
        return _t("{member} owns {count} priority-A stakeholders (the mission's limit is "
                  "{limit}).").format(**p)
    return code


def _who(s) -> str:
    return _t("{member} ({role})").format(member=s.member, role=role_label(s.member_role))


def suggestion_text(s) -> str:
    """A delegation suggestion in words, with what it would change in the SRSG's share."""
    time_ = hours(s.minutes)
    if s.code == "transfer":
        head = _t("{stakeholder} (priority A) is owned by the SRSG, but {who} met them "
                  "{theirs} time(s) in the period against the SRSG's {mine}: make them the "
                  "owner.").format(stakeholder=s.stakeholder, who=_who(s),
                                   theirs=s.member_engagements, mine=s.engagements)
        before, after = share_change(s.share_before, s.share_after)
        effect = _t("Leaving them the SRSG's {hours} h with {stakeholder} would move the "
                    "SRSG's political share from {before} to {after}.").format(
            hours=time_, stakeholder=s.stakeholder, before=before, after=after)
        return head + " " + effect
    counterpart = s.stakeholder or _t("no counterpart")
    if s.reason == "non_political":
        what = _t("%n non-political meeting(s) with {stakeholder}, {hours} h", "",
                  s.engagements).format(stakeholder=counterpart, hours=time_)
    else:
        what = _t("%n meeting(s) with {stakeholder} (priority C or D), {hours} h", "",
                  s.engagements).format(stakeholder=counterpart, hours=time_)
    if s.basis == "stakeholder":
        why = _t("{who} is accountable for {stakeholder}.").format(who=_who(s),
                                                                   stakeholder=counterpart)
    elif s.basis == "portfolio":
        why = _t("{who} is accountable for {portfolio}.").format(who=_who(s),
                                                                 portfolio=s.portfolio)
    else:
        why = _t("{who} owns {stakeholder}.").format(who=_who(s), stakeholder=counterpart)
    before, after = share_change(s.share_before, s.share_after)
    effect = _t("Handing them over would move the SRSG's political share from {before} to "
                "{after}.").format(before=before, after=after)
    return "%s: %s %s" % (what, why, effect)


def delegation_summary(count: int, minutes: int, before: float | None,
                       after: float | None) -> str:
    """What all the delegations together would change."""
    before_text, after_text = share_change(before, after)
    return _t("All together: handing over the %n meeting(s) below, {hours} h, would move the "
              "SRSG's political share from {before} to {after}.", "",
              count).format(hours=hours(minutes), before=before_text, after=after_text)
