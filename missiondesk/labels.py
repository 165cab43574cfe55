"""Translated labels for vocabulary codes and entity names (the codes stay in the file).

Shared by the GUI and the command line, like `messages`: QtCore only, no widgets.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication


def _t(text: str) -> str:
    return QCoreApplication.translate("Labels", text)


def classification_label(code: str) -> str:
    return {
        "UNCLASSIFIED": _t("UNCLASSIFIED"),
        "CONFIDENTIAL": _t("CONFIDENTIAL"),
        "STRICTLY CONFIDENTIAL": _t("STRICTLY CONFIDENTIAL"),
    }.get(code, code)


def role_label(code: str) -> str:
    return {
        "SRSG": _t("SRSG"),
        "DSRSG_POL": _t("DSRSG (Political)"),
        "DSRSG_RC_HC": _t("DSRSG / RC / HC"),
        "FORCE_COMMANDER": _t("Force Commander"),
        "POLICE_COMMISSIONER": _t("Police Commissioner"),
        "CHIEF_OF_STAFF": _t("Chief of Staff"),
        "DMS": _t("Director of Mission Support"),
        "CHIEF_JMAC": _t("Chief JMAC"),
        "CHIEF_POLITICAL": _t("Chief Political Affairs"),
        "CHIEF_COMMS": _t("Chief Strategic Communications"),
        "OTHER": _t("Other"),
    }.get(code, code)


def table_label(table: str) -> str:
    return {
        "stakeholders": _t("Stakeholders"),
        "relationships": _t("Relationships"),
        "drivers": _t("Drivers of conflict and peace"),
        "team_members": _t("Team members"),
        "portfolios": _t("Portfolios"),
        "engagements": _t("Engagements"),
        "commitments": _t("Commitments"),
        "mandate_tasks": _t("Mandate tasks"),
        "benchmarks": _t("Benchmarks"),
        "consultations": _t("Consultations"),
        "cycle_events": _t("Council calendar events"),
        "comms_objectives": _t("Communications objectives"),
        "key_messages": _t("Key messages"),
        "comms_milestones": _t("Communications milestones"),
        "media_outlets": _t("Media outlets"),
        "rumours": _t("Rumours"),
        "sources": _t("Sources"),
        "mission": _t("Mission"),
    }.get(table, table)


# --- stakeholders ---------------------------------------------------------------------------


def category_label(code: str) -> str:
    return {
        "host_government": _t("Host government"),
        "state_security_force": _t("State security force"),
        "political_party": _t("Political party"),
        "opposition_coalition": _t("Opposition coalition"),
        "state_institution": _t("State institution"),
        "electoral_body": _t("Electoral body"),
        "judiciary": _t("Judiciary"),
        "armed_group": _t("Armed group"),
        "armed_coalition": _t("Armed coalition"),
        "self_defence_militia": _t("Self-defence militia"),
        "criminal_network": _t("Criminal network"),
        "foreign_government": _t("Foreign government"),
        "neighbouring_state": _t("Neighbouring state"),
        "foreign_security_contractor": _t("Foreign security contractor"),
        "foreign_armed_group": _t("Foreign armed group"),
        "regional_organization": _t("Regional organization"),
        "international_organization": _t("International organization"),
        "un_entity": _t("UN entity"),
        "security_council_member": _t("Security Council member"),
        "tcc_pcc": _t("Troop/police contributor"),
        "donor": _t("Donor"),
        "group_of_friends": _t("Group of Friends"),
        "religious_leader": _t("Religious leader"),
        "faith_based_organization": _t("Faith-based organization"),
        "traditional_authority": _t("Traditional authority"),
        "civil_society": _t("Civil society"),
        "womens_organization": _t("Women's organization"),
        "youth_organization": _t("Youth organization"),
        "private_sector": _t("Private sector"),
        "media": _t("Media"),
        "community": _t("Community"),
        "diaspora": _t("Diaspora"),
        "international_ngo": _t("International NGO"),
        "individual_other": _t("Individual (other)"),
        "other": _t("Other"),
    }.get(code, code)


def peace_stance_label(code: str) -> str:
    return {
        "champion": _t("Champion"), "supportive": _t("Supportive"),
        "conditional": _t("Conditional"), "ambivalent": _t("Ambivalent"),
        "sceptical": _t("Sceptical"), "opposed": _t("Opposed"), "spoiler": _t("Spoiler"),
        "unknown": _t("Unknown"),
    }.get(code, code)


def mission_stance_label(code: str) -> str:
    return {
        "cooperative": _t("Cooperative"), "conditional": _t("Conditional"),
        "neutral": _t("Neutral"), "wary": _t("Wary"), "obstructive": _t("Obstructive"),
        "hostile_rhetoric": _t("Hostile (rhetoric)"), "hostile_violent": _t("Hostile (violent)"),
        "unknown": _t("Unknown"),
    }.get(code, code)


def perception_label(code: str) -> str:
    return {
        "trusted": _t("Trusted"), "accepted": _t("Accepted"), "mixed": _t("Mixed"),
        "feared": _t("Feared"), "rejected": _t("Rejected"), "unknown": _t("Unknown"),
    }.get(code, code)


def kind_label(code: str) -> str:
    return {
        "individual": _t("Individual"), "organization": _t("Organization"),
        "coalition": _t("Coalition"), "community": _t("Community"), "state": _t("State"),
        "institution": _t("Institution"),
    }.get(code, code)


def relationship_type_label(code: str) -> str:
    """A V6 type as read from the source: "Alpha *supports* Beta"."""
    return {
        "leads": _t("Leads"),
        "member_of": _t("Member of"),
        "affiliated_with": _t("Affiliated with"),
        "allied_with": _t("Allied with"),
        "supports": _t("Supports"),
        "supports_militarily": _t("Supports militarily"),
        "funds": _t("Funds"),
        "protects": _t("Protects"),
        "trains": _t("Trains"),
        "partners_with": _t("Partners with"),
        "influences": _t("Influences"),
        "mediates": _t("Mediates"),
        "negotiates_with": _t("Negotiates with"),
        "agreement_with": _t("Has an agreement with"),
        "guarantor_of": _t("Guarantor of"),
        "mandates": _t("Mandates"),
        "penholder_for": _t("Penholder for"),
        "sanctions": _t("Sanctions"),
        "prosecutes": _t("Prosecutes"),
        "armed_conflict_with": _t("In armed conflict with"),
        "attacks": _t("Attacks"),
        "rival_of": _t("Rival of"),
        "opposes": _t("Opposes"),
        "obstructs": _t("Obstructs"),
        "hostile_rhetoric_against": _t("Hostile rhetoric against"),
    }.get(code, code.replace("_", " "))


def relationship_type_inverse_label(code: str) -> str:
    """A V6 type as read from the target: "Beta *is supported by* Alpha" (symmetric types
    read the same both ways)."""
    return {
        "leads": _t("Led by"),
        "member_of": _t("Has as member"),
        "affiliated_with": _t("Has as affiliate"),
        "supports": _t("Supported by"),
        "supports_militarily": _t("Supported militarily by"),
        "funds": _t("Funded by"),
        "protects": _t("Protected by"),
        "trains": _t("Trained by"),
        "influences": _t("Influenced by"),
        "mediates": _t("Mediated by"),
        "guarantor_of": _t("Guaranteed by"),
        "mandates": _t("Mandated by"),
        "penholder_for": _t("Has as penholder"),
        "sanctions": _t("Sanctioned by"),
        "prosecutes": _t("Prosecuted by"),
        "attacks": _t("Attacked by"),
        "opposes": _t("Opposed by"),
        "obstructs": _t("Obstructed by"),
        "hostile_rhetoric_against": _t("Target of hostile rhetoric by"),
    }.get(code) or relationship_type_label(code)


def relationship_family_label(code: str) -> str:
    return {
        "structural": _t("Structural"), "cooperative": _t("Cooperative"),
        "process": _t("Process"), "adversarial": _t("Adversarial"),
    }.get(code, code)


def relationship_status_label(code: str) -> str:
    return {
        "active": _t("Active"), "dormant": _t("Dormant"), "ended": _t("Ended"),
        "alleged": _t("Alleged"),
    }.get(code, code)


def confidence_label(code: str) -> str:
    return {
        "confirmed": _t("Confirmed"), "probable": _t("Probable"), "possible": _t("Possible"),
        "doubtful": _t("Doubtful"),
    }.get(code, code)


def valence_label(value: int) -> str:
    """-2..+2 in words: "Very negative" ... "Very positive"."""
    return {
        -2: _t("Very negative"), -1: _t("Negative"), 0: _t("Neutral"), 1: _t("Positive"),
        2: _t("Very positive"),
    }.get(value, str(value))


def priority_reason_text(code: str, params: dict) -> str:
    """One reason of an engagement priority, in words."""
    if code == "influence":
        return _t("influence {value}").format(**params)
    if code == "interest":
        return _t("interest {value}").format(**params)
    if code == "stance":
        return peace_stance_label(str(params.get("value"))).lower()
    if code == "stance_mission":
        return _t("{value} toward the mission").format(
            value=mission_stance_label(str(params.get("value"))).lower())
    if code == "perception":
        return _t("{value} by communities").format(
            value=perception_label(str(params.get("value"))).lower())
    if code == "not_engaged_for":
        return _t("not engaged for {days} days").format(**params)
    if code == "never_engaged":
        return _t("never engaged")
    if code == "recently_engaged":
        return _t("engaged {days} days ago").format(**params)
    if code == "do_not_engage":
        return _t("do not engage")
    if code == "own_mission":
        return _t("the mission itself")
    if code == "un_entity":
        return _t("a UN entity (coordination, not engagement)")
    if code == "override":
        return _t("set by hand: {reason}").format(reason=params.get("reason") or "")
    return code.replace("_", " ")


def priority_text(priority) -> str:
    """"A: influence 5, spoiler, not engaged for 47 days" (a services.priority.Priority)."""
    reasons = ", ".join(priority_reason_text(code, params) for code, params in priority.reasons)
    letter = priority.letter or _t("not a target")
    return "%s: %s" % (letter, reasons) if reasons else letter


# --- drivers of conflict and peace (Drivers desk) -------------------------------------------


def driver_kind_label(code: str) -> str:
    return {
        "conflict_driver": _t("Conflict driver"), "peace_driver": _t("Peace driver"),
        "divider": _t("Divider"), "connector": _t("Connector"), "trigger": _t("Trigger"),
    }.get(code, code)


def driver_level_label(code: str) -> str:
    return {
        "structural": _t("Structural"), "proximate": _t("Proximate"),
        "immediate": _t("Immediate"),
    }.get(code, code)


def driver_domain_label(code: str) -> str:
    return {
        "governance": _t("Governance"), "security": _t("Security"),
        "resources": _t("Resources"), "land": _t("Land"), "identity": _t("Identity"),
        "justice": _t("Justice"), "regional": _t("Regional"),
        "information": _t("Information"), "humanitarian": _t("Humanitarian"),
        "climate": _t("Climate"), "gender": _t("Gender"), "economy": _t("Economy"),
    }.get(code, code)


def trend_label(code: str) -> str:
    return {
        "worsening": _t("Worsening"), "stable": _t("Stable"), "improving": _t("Improving"),
        "unknown": _t("Unknown"),
    }.get(code, code)


def driver_role_label(code: str) -> str:
    return {
        "drives": _t("Drives"), "benefits": _t("Benefits"), "mitigates": _t("Mitigates"),
        "affected": _t("Affected"),
    }.get(code, code)


def driver_role_short(code: str) -> str:
    """One or two letters for a matrix cell (translators keep them short)."""
    tr = QCoreApplication.translate
    return {
        "drives": tr("Labels", "D", "drives (matrix cell)"),
        "benefits": tr("Labels", "B", "benefits (matrix cell)"),
        "mitigates": tr("Labels", "M", "mitigates (matrix cell)"),
        "affected": tr("Labels", "A", "affected (matrix cell)"),
    }.get(code, code[:1].upper())


# --- influence map (helper F) ---------------------------------------------------------------


def category_group_label(code: str) -> str:
    """The colour groups of the influence map (ui/map/items.CATEGORY_GROUPS)."""
    return {
        "state": _t("Government and state"), "political": _t("Political parties"),
        "armed": _t("Armed groups and criminal networks"),
        "foreign": _t("Foreign states and donors"),
        "international": _t("International and UN"),
        "religious": _t("Religious and traditional"),
        "society": _t("Civil society, communities, media"), "other": _t("Other"),
    }.get(code, code)


# --- sources and the audit trail --------------------------------------------------------------


def source_type_label(code: str) -> str:
    return {
        "official_document": _t("Official document"),
        "media": _t("Media"),
        "ngo_report": _t("NGO report"),
        "interlocutor": _t("Interlocutor"),
        "internal": _t("Internal"),
    }.get(code, code)


def reliability_label(code: str) -> str:
    """The Admiralty grade of a source: A (completely reliable) to F (cannot be judged)."""
    return {
        "A": _t("A \u2014 completely reliable"),
        "B": _t("B \u2014 usually reliable"),
        "C": _t("C \u2014 fairly reliable"),
        "D": _t("D \u2014 not usually reliable"),
        "E": _t("E \u2014 unreliable"),
        "F": _t("F \u2014 cannot be judged"),
    }.get(code, code)


def credibility_label(value: int) -> str:
    """The grade of the information: 1 (confirmed) to 6 (cannot be judged)."""
    return {
        1: _t("1 \u2014 confirmed by other sources"),
        2: _t("2 \u2014 probably true"),
        3: _t("3 \u2014 possibly true"),
        4: _t("4 \u2014 doubtful"),
        5: _t("5 \u2014 improbable"),
        6: _t("6 \u2014 cannot be judged"),
    }.get(value, str(value))


def audit_action_label(code: str) -> str:
    return {
        "create": _t("created"),
        "update": _t("changed"),
        "delete": _t("deleted"),
        "restore": _t("restored"),
        "purge": _t("purged"),
        "copy": _t("saved as a copy (its own backups)"),  # Save a Copy (services.backups)
        "redact": _t("redacted a field"),
        "redacted": _t("changed (redacted)"),
        "reveal": _t("showed the protected sources"),  # Sources desk, "Show protected"
        "reveal_exp": _t("exported the protected sources"),  # export --include-protected
        "moved": _t("moved on the map"),  # a drag on the map (network.positions.record_moves)
    }.get(code, code)


# --- the audit trail: what kind of record, and which (issue 9, defect 9) --------------------


def record_kind_label(table: str) -> str:
    """One record of a table, in words ("Stakeholder", "Driver link"): what the Audit Trail
    says instead of a table name. Every table that can appear in the change log has one
    (tests/services/test_audit_names.py goes over the schema)."""
    return {
        "mission": _t("Mission"),
        "team_members": _t("Team member"),
        "strategy_objectives": _t("Strategy objective"),
        "agreements": _t("Agreement"),
        "agreement_parties": _t("Party to an agreement"),
        "agreement_provisions": _t("Agreement provision"),
        "sources": _t("Source"),
        "stakeholders": _t("Stakeholder"),
        "stakeholder_assessments": _t("Stakeholder assessment"),
        "stakeholder_perceptions": _t("Perception by a community group"),
        "map_positions": _t("Map position"),
        "relationships": _t("Relationship"),
        "drivers": _t("Driver"),
        "driver_stakeholders": _t("Driver link"),
        "driver_assessments": _t("Driver assessment"),
        "portfolios": _t("Portfolio"),
        "assignments": _t("Responsibility (RACI)"),
        "engagements": _t("Engagement"),
        "engagement_participants": _t("Engagement participant"),
        "engagement_counterparts": _t("Engagement counterpart"),
        "engagement_drivers": _t("Engagement's driver"),
        "engagement_benchmarks": _t("Engagement's benchmark"),
        "engagement_key_messages": _t("Key message delivered"),
        "engagement_objectives": _t("Engagement's objective"),
        "commitments": _t("Commitment"),
        "commitment_engagements": _t("Commitment's engagement"),
        "mission_settings": _t("Mission setting"),
        "mandates": _t("Mandate"),
        "mandate_tasks": _t("Mandate task"),
        "benchmarks": _t("Benchmark"),
        "benchmark_tasks": _t("Benchmark's mandate task"),
        "mandate_task_stakeholders": _t("Mandate task's stakeholder"),
        "mandate_task_engagements": _t("Mandate task's engagement"),
        "mandate_task_commitments": _t("Mandate task's commitment"),
        "benchmark_assessments": _t("Benchmark assessment"),
        "indicators": _t("Indicator"),
        "measurements": _t("Measurement"),
        "consultations": _t("Consultation"),
        "cycle_events": _t("Council calendar event"),
        "comms_objectives": _t("Communications objective"),
        "audiences": _t("Audience"),
        "audience_stakeholders": _t("Audience member"),
        "key_messages": _t("Key message"),
        "key_message_texts": _t("Key message text"),
        "comms_plan_rows": _t("Communications plan line"),
        "comms_milestones": _t("Communications milestone"),
        "media_outlets": _t("Media outlet"),
        "rumours": _t("Rumour"),
        "drafts": _t("Draft"),
    }.get(table, _t("Record"))


def _code_word(table: str, code) -> str:
    """A name rule's qualifying code in words (a relationship's type, a driver link's role)."""
    if code is None:
        return ""
    if table == "relationships":
        return relationship_type_label(code)
    if table == "driver_stakeholders":
        return driver_role_label(code)
    if table == "drafts":
        from missiondesk.messages import field_label

        return field_label(code)
    if table == "mission_settings":
        from missiondesk.messages import field_label

        return field_label(code, table)
    if table == "comms_plan_rows":
        return comms_channel_label(code)
    return str(code)


def record_text(table: str, name) -> str:
    """A record as the Audit Trail names it, from the service's `RecordName` (its own words,
    what it links, its code): "Colonel Ruz", "FPRC → Government (opposes)", "Land disputes ↔
    Colonel Ruz (drives)"; "(purged)" when the record is no longer in the file (name None).
    Never a table name or an id."""
    if name is None:
        return _t("(purged)")
    from missiondesk.messages import redacted_marker_text

    dash = "\u2014"
    text = redacted_marker_text(name.text) if name.text else None
    ends = [redacted_marker_text(n) if n else dash for n in name.linked]
    code = _code_word(table, name.code)
    two = len(ends) == 2
    if table == "relationships" and two:
        return _t("{source} \u2192 {target} ({type})").format(
            source=ends[0], target=ends[1], type=code)
    if table == "driver_stakeholders" and two:
        return _t("{driver} \u2194 {stakeholder} ({role})").format(
            driver=ends[0], stakeholder=ends[1], role=code)
    if table == "assignments" and two:
        return _t("{member}: {letter} for {what}").format(member=ends[0], letter=code,
                                                         what=ends[1])
    if table == "agreement_parties" and two:
        return _t("{party}, party to {agreement}").format(agreement=ends[0], party=ends[1])
    if table == "stakeholder_perceptions" and ends:
        return _t("{stakeholder}, as seen by {group}").format(stakeholder=ends[0],
                                                              group=text or dash)
    if table == "engagement_participants" and two:
        return _t("{member} at {engagement}").format(engagement=ends[0], member=ends[1])
    if table == "engagement_counterparts" and two:
        return _t("{stakeholder} met at {engagement}").format(engagement=ends[0],
                                                               stakeholder=ends[1])
    if table == "audience_stakeholders" and two:
        return _t("{stakeholder} in {audience}").format(audience=ends[0], stakeholder=ends[1])
    if table == "key_message_texts" and text:
        return "%s (%s)" % (text, code) if code else text
    if table == "drafts":
        return _t("Draft of {field}").format(field=code) if code else _t("Draft")
    if table == "mission_settings" and code:  # "Gap for priority-A stakeholders (days)"
        return code
    if ends and text:  # an assessment, a provision, a measurement: "Colonel Ruz, 2026-03-01"
        return _t("{record}, {what}").format(record=" \u2194 ".join(ends), what=text)
    if ends:  # a link: what it links
        return " \u2194 ".join(ends)
    return text or record_kind_label(table)


# --- communications plan (Communications desk) ----------------------------------------------


def comms_channel_label(code: str) -> str:
    return {
        "radio": _t("Radio"),
        "television": _t("Television"),
        "print": _t("Print"),
        "online": _t("Online"),
        "social_media": _t("Social media"),
        "messaging_app": _t("Messaging app"),
        "press_conference": _t("Press conference"),
        "bilateral_meeting": _t("Bilateral meeting"),
        "community_meeting": _t("Community meeting"),
        "briefing": _t("Briefing"),
        "publication": _t("Publication"),
        "internal": _t("Internal channels"),
    }.get(code, code)


# --- commitments (Commitments desk, the Overview's "What needs me today") -------------------


def commitment_status_label(code: str) -> str:
    return {
        "open": _t("Open"),
        "in_progress": _t("In progress"),
        "fulfilled": _t("Fulfilled"),
        "partially_fulfilled": _t("Partially fulfilled"),
        "overdue": _t("Overdue"),
        "breached": _t("Breached"),
        "withdrawn": _t("Withdrawn"),
    }.get(code, code)


def commitment_type_label(code: str) -> str:
    return {
        "political": _t("Political"),
        "security": _t("Security"),
        "humanitarian": _t("Humanitarian"),
        "logistical": _t("Logistical"),
        "information": _t("Information"),
        "follow_up": _t("Follow-up"),
    }.get(code, code)


def cycle_event_kind_label(code: str) -> str:
    """A Council calendar event's kind (CycleEventKind)."""
    return {
        "sg_report_due": _t("SG report due"),
        "council_briefing": _t("Council briefing"),
        "tcc_meeting": _t("TCC/PCC meeting"),
        "renewal": _t("Mandate renewal"),
    }.get(code, code)


def consultation_counterpart_label(code: str) -> str:
    """Who a consultation on the mandate was held with (ConsultationCounterpart)."""
    return {
        "group_of_friends": _t("Group of Friends"),
        "penholder": _t("Pen-holder"),
        "council_member": _t("Other Council member"),
        "tcc_pcc": _t("TCC/PCC"),
        "host_government": _t("Host government"),
        "regional_organization": _t("Regional organisation"),
        "peacebuilding_commission": _t("Peacebuilding Commission"),
        "civil_society": _t("Civil society"),
    }.get(code, code)
