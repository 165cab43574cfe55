"""The one catalogue that turns service and store codes into translated sentences.

Services and the store never format user-visible text; they raise typed errors with a code
and parameters. The GUI and the CLI both call `error_text`, so both speak the language the
translators provide (Qt's `QCoreApplication.translate`, usable without a QApplication).
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from missiondesk.store.errors import MissionError


def _t(text: str) -> str:
    return QCoreApplication.translate("Messages", text)


def error_text(error: MissionError) -> str:
    """One clear sentence for a known failure."""
    p = error.params
    code = error.code
    if code == "file_missing":
        return _t("The file {path} does not exist.").format(path=p.get("path", ""))
    if code == "folder_missing":
        return _t("The folder {path} does not exist.").format(path=p.get("path", ""))
    if code == "is_a_directory":
        return _t("{path} is a folder, not a mission file.").format(path=p.get("path", ""))
    if code == "no_read_permission":
        return _t("You do not have permission to read {path}.").format(path=p.get("path", ""))
    if code == "wrong_passphrase":
        return _t("The passphrase is wrong: the mission file could not be unlocked.")
    if code == "passphrase_required":
        return _t("This mission file is encrypted: a passphrase is needed to open it.")
    if code == "passphrase_too_short":
        return _t("The passphrase is too short: use at least {minimum} characters; nothing "
                  "was written.").format(minimum=p.get("minimum"))
    if code == "not_a_mission_file":
        return _t("{path} is not a MissionDesk mission file.").format(path=p.get("path", ""))
    if code == "corrupt_file":
        return _t("The mission file {path} is damaged or truncated; open a backup instead."
                  ).format(path=p.get("path", ""))
    if code == "newer_schema":
        return _t("This mission file was written by a newer MissionDesk (schema {found}; this "
                  "version reads up to {supported}): update MissionDesk to open it."
                  ).format(found=p.get("found"), supported=p.get("supported"))
    if code == "locked_by_other":
        if p.get("who"):
            return _t("This mission is already open in MissionDesk by {who} on {host} since "
                      "{since}.").format(who=p.get("who"), host=p.get("host"),
                                         since=p.get("since"))
        return _t("This mission is already open in another MissionDesk.")
    if code == "read_only_location":
        return _t("MissionDesk cannot write to {path}: the file or its folder is read-only."
                  ).format(path=p.get("path", ""))
    if code == "network_share":
        return _t("Mission files cannot be opened from a network share: copy the file to this "
                  "computer first.")
    if code == "mission_closed":
        return _t("The mission was closed or locked; open it again to continue.")
    if code == "storage_full":
        return _t("The disk is full: the change was not saved. Free some space and try again.")
    if code == "file_exists":
        return _t("{path} already exists; choose another name.").format(path=p.get("path", ""))
    if code == "revision_conflict":
        return _t("This record was changed since you opened it (by another desk or person); "
                  "your change was not applied.")
    if code == "record_missing":
        return _t("The record no longer exists.")
    if code == "invalid_value":
        return invalid_value_text(p)
    if code == "bad_import":
        problems = p.get("problems", [])
        lines = [import_problem_text(c, params) for c, params in problems[:10]]
        head = _t("Nothing was imported: the file has {n} problem(s).").format(n=len(problems))
        return "\n".join([head] + lines)
    if code == "migration_failed":
        return _t("The mission file could not be upgraded; it is unchanged and a backup is at "
                  "{backup}.").format(backup=p.get("backup", ""))
    return _t("The operation failed ({code}).").format(code=code)


def field_label(field: str, table: str | None = None) -> str:
    labels = {
        "name": _t("Name"),
        "acronym": _t("Acronym"),
        "host_country": _t("Host country"),
        "time_zone": _t("Time zone"),
        "default_classification": _t("Default classification"),
        "mandate_expiry": _t("Mandate expiry"),
        "role": _t("Role"),
        "title": _t("Title"),
    }
    labels = {**driver_field_labels(), **labels}  # the Drivers desk's fields (block below)
    labels = {**stakeholder_field_labels(), **labels}  # Stakeholders desk (block below)
    if table == "relationships":  # a relationship's fields (Relationships block below)
        labels.update(relationship_field_labels())
    labels = {**source_field_labels(), **labels}  # the Sources desk's fields (block below)
    labels = {**commitment_field_labels(table), **labels}  # Commitments, settings (below)
    labels = {**engagement_field_labels(), **labels}  # Engagements desk (block below)
    labels.update(council_field_labels(table))  # Council cycle, consultations (below)
    labels.update(comms_plan_field_labels(table))  # Communications plan (block below)
    labels.update(mandate_field_labels(table))  # Mandate desk's records (block below)
    labels.update(leadership_field_labels(table))  # Leadership desk (block below)
    return labels.get(field, field)


def invalid_value_text(p: dict) -> str:
    label = field_label(p.get("field", ""), p.get("table"))
    reason = p.get("reason")
    relationship_text = relationship_reason_text(label, reason, p)  # Relationships (below)
    if relationship_text:
        return relationship_text
    if reason == "required":
        return _t("{field} is required.").format(field=label)
    if reason == "too_long":
        return _t("{field} is too long (at most {n} characters).").format(
            field=label, n=p.get("max_length"))
    if reason == "invalid_character":
        return _t("{field} contains a character that is not text ({code_point}, at position "
                  "{position}); remove it and try again.").format(
            field=label, code_point=p.get("code_point"), position=p.get("position"))
    if reason == "unknown_time_zone":
        return _t("{field}: \u201c{value}\u201d is not a known time zone (e.g. Africa/Bangui)."
                  ).format(field=label, value=p.get("value"))
    if reason == "not_a_date":
        return _t("{field}: \u201c{value}\u201d is not a date (YYYY-MM-DD).").format(
            field=label, value=p.get("value"))
    if reason == "not_in_vocabulary":
        return _t("{field}: \u201c{value}\u201d is not allowed; use one of {allowed}.").format(
            field=label, value=p.get("value"), allowed=", ".join(map(str, p.get("allowed", []))))
    stakeholder_text = stakeholder_reason_text(label, reason, p)  # Stakeholders (below)
    if stakeholder_text:
        return stakeholder_text
    driver_text = driver_reason_text(label, reason, p)  # Drivers desk (block below)
    if driver_text:
        return driver_text
    audit_text = audit_reason_text(label, reason, p)  # Sources, redaction, audit (below)
    if audit_text:
        return audit_text
    commitment_text = commitment_reason_text(label, reason, p)  # Commitments (below)
    if commitment_text:
        return commitment_text
    mandate_text = mandate_reason_text(label, reason, p)  # Mandate desk (block below)
    if mandate_text:
        return mandate_text
    if reason == "expiry_not_after_adoption":  # Council cycle generation
        return _t("The mandate's expiry must be after its adoption.")
    if reason == "too_many":  # consultations' topics
        return _t("{field}: at most {max}.").format(field=label, max=p.get("max"))
    if reason == "end_not_after_start":  # Engagements desk
        return _t("The end of the meeting must be after its start.")
    if reason == "until_before_from":  # a key message's validity
        return _t("{field} must be on or after the date the message is valid from."
                  ).format(field=label)
    if reason == "not_a_language":  # a key message's text
        return _t("\u201c{value}\u201d is not a language code (en, fr, ar...).").format(
            value=p.get("value"))
    return _t("{field} has a value that is not allowed.").format(field=label)


def import_problem_text(code: str, p: dict) -> str:
    if code in TABLE_IMPORT_CODES and "table" not in p:  # CSV/XLSX imports (block below)
        return table_problem_text(code, p)
    if code == "not_a_mission_export":
        return _t("The file is not a MissionDesk JSON export.")
    if code == "unknown_table":
        return _t("Unknown list \u201c{table}\u201d.").format(**p)
    if code == "not_a_list":
        return _t("\u201c{table}\u201d should be a list of records.").format(**p)
    if code == "not_a_record":
        return _t("{table}, record {row}: not a record.").format(**p)
    if code == "unknown_field":
        return _t("{table}, record {row}: unknown field \u201c{field}\u201d.").format(**p)
    if code == "bad_value":
        return _t("{table}, record {row}: \u201c{value}\u201d is not valid for {field}."
                  ).format(**p)
    if code == "missing_field":
        if "row" not in p:
            return _t("{table}: {field} is missing.").format(**p)
        return _t("{table}, record {row}: {field} is missing.").format(**p)
    if code == "mission_not_empty":
        return _t("The mission to import into already holds records: import into a new file.")
    if code == "broken_link":
        return _t("{table}: a record refers to another record that is not in the file."
                  ).format(**p)
    json_text = json_import_problem_text(code, p)  # the JSON import (block below)
    if json_text:
        return json_text
    return code


# --- the JSON import: texts that are not text, duplicated records ---------------------------


def json_import_problem_text(code: str, p: dict) -> str | None:
    if code == "invalid_character":
        return _t("{table}, record {row}: {field} contains a character that is not text "
                  "({code_point}, at position {position}).").format(
            table=p.get("table"), row=p.get("row"), field=p.get("field"),
            code_point=p.get("code_point"), position=p.get("position"))
    if code == "duplicate_record":
        return _t("{table}: two records have the same id (or the same unique value)."
                  ).format(table=p.get("table"))
    return None


# --- Drivers desk: field labels and reasons of its InvalidValue errors ----------------------


def driver_field_labels() -> dict[str, str]:
    return {
        "kind": _t("Kind"),
        "level": _t("Level"),
        "domain": _t("Domain"),
        "regions": _t("Regions"),
        "trend": _t("Trend"),
        "severity": _t("Severity"),
        "time_horizon": _t("Time horizon"),
        "mission_levers": _t("Mission levers"),
        "description": _t("Description"),
        "classification": _t("Classification"),
        "assessed_on": _t("Date of the assessment"),
        "stakeholder_id": _t("Stakeholder"),
        "note": _t("Note"),
    }


def driver_reason_text(label: str, reason: str | None, p: dict) -> str | None:
    """Reasons the driver service raises beyond the common ones (None: not one of them).

    out_of_range is worded once, in the Stakeholders block."""
    if reason == "not_a_list":
        return _t("{field} should be a list.").format(field=label)
    if reason == "already_linked":
        return _t("{name} is already linked to this driver; remove that link first to change "
                  "its role.").format(name=p.get("value"))
    return None


# --- Table imports (stakeholders from CSV/XLSX): problems by row and column ------------------

TABLE_IMPORT_CODES = frozenset({
    "unreadable_file", "empty_file", "no_rows", "no_name_column", "unknown_column",
    "duplicate_column", "missing_name", "duplicate_name", "extra_values", "bad_value",
    "unknown_owner", "ambiguous_owner",
    # relationships from CSV/XLSX (Relationships block below)
    "missing_columns", "unknown_stakeholder", "ambiguous_stakeholder", "duplicate_relationship",
    # hostile or broken files (Table limits block below)
    "file_too_large", "workbook_too_large", "too_many_rows", "too_many_columns",
    "cell_too_long", "nul_character", "mixed_encoding", "unterminated_quote",
    "workbook_bad_xml", "workbook_missing_part", "workbook_dtd", "workbook_entities",
    "workbook_external_reference", "duplicate_header", "invalid_character",
    # engagements from CSV/XLSX (Engagement import block below)
    "wrong_sheet", "missing_engagement_columns", "ambiguous_member",
    # measurements from CSV/XLSX (Council cycle block at the end)
    "unknown_indicator", "ambiguous_indicator", "missing_measurement_columns",
})


def _tn(text: str, n: int) -> str:
    return QCoreApplication.translate("Messages", text, "", n)


def _listing(values, limit: int = 12) -> str:
    values = [str(v) for v in values]
    if len(values) <= limit:
        return ", ".join(values)
    return _tn("{names} and %n more", len(values) - limit).format(
        names=", ".join(values[:limit]))


def table_problem_place(p: dict) -> str:
    """Where a problem is: "Row 22, column D (Influence)", "Row 5", or ""."""
    if "row" in p and p.get("column"):
        return _t("Row {row}, column {letter} ({column})").format(
            row=p["row"], letter=p.get("letter", ""), column=p["column"])
    if "row" in p:
        return _t("Row {row}").format(row=p["row"])
    if p.get("letter"):
        return _t("Column {letter} ({column})").format(letter=p["letter"],
                                                       column=p.get("column", ""))
    return ""


def table_problem_text(code: str, p: dict, *, with_place: bool = True) -> str:
    """One sentence for a problem of a CSV/XLSX import; `with_place` puts the row and column
    first (the preview shows them in their own columns instead)."""
    what = _table_problem_what(code, p)
    place = table_problem_place(p) if with_place else ""
    return "%s: %s" % (place, what) if place else what


def _table_problem_what(code: str, p: dict) -> str:
    value = p.get("value", "")
    if code == "unreadable_file":
        reason = p.get("reason")
        path = p.get("path", "")
        if reason == "missing":
            return _t("The file {path} does not exist.").format(path=path)
        if reason == "permission":
            return _t("You do not have permission to read {path}.").format(path=path)
        if reason == "old_excel":
            return _t("{path} is an old Excel workbook (.xls): save it as .xlsx or CSV first."
                      ).format(path=path)
        if reason == "encoding":
            return _t("{path} is neither UTF-8 nor Windows-1252 text: save it as \u201cCSV "
                      "UTF-8\u201d.").format(path=path)
        if reason == "not_a_table":
            return _t("{path} is not a CSV or Excel (.xlsx) table.").format(path=path)
        return _t("{path} is damaged and cannot be read.").format(path=path)
    if code == "empty_file":
        return _t("The file is empty.")
    if code == "no_rows":
        return _t("The file has column names but no rows.")
    if code == "no_name_column":
        return _t("The file has no \u201cname\u201d column; the columns MissionDesk reads are: "
                  "{allowed}.").format(allowed=", ".join(p.get("allowed", [])))
    if code == "unknown_column":
        return _t("MissionDesk does not read a column \u201c{column}\u201d: rename it to one of "
                  "{allowed}, or delete it.").format(column=p.get("column", ""),
                                                     allowed=", ".join(p.get("allowed", [])))
    if code == "duplicate_column":
        return _t("Several columns give {field} ({columns}): keep one.").format(
            field=p.get("field", ""), columns=", ".join(
                "\u201c%s\u201d" % c for c in p.get("columns", [])))
    if code == "missing_name":
        return _t("The name is empty.")
    if code == "duplicate_name":
        return _t("\u201c{value}\u201d is already in row {first_row} (names are compared "
                  "without case or accents).").format(value=value, first_row=p.get("first_row"))
    if code == "extra_values":
        return _tn("%n value(s) beyond the last named column; put a value that holds the "
                   "separator in quotes.", int(p.get("count", 1)))
    if code == "unknown_owner":
        if not p.get("allowed"):
            return _t("\u201c{value}\u201d is not a member of the team (the team has no "
                      "members yet).").format(value=value)
        return _t("\u201c{value}\u201d is not a member of the team; use one of: {allowed}."
                  ).format(value=value, allowed=_listing(p["allowed"]))
    if code == "ambiguous_owner":
        return _t("Several team members are called \u201c{value}\u201d; set the owner on the "
                  "desk after the import.").format(value=value)
    if code == "bad_value":
        reason = p.get("reason")
        allowed = p.get("allowed") or []
        if reason in ("out_of_range", "not_a_number"):
            low = p.get("min", allowed[0] if allowed else 1)
            high = p.get("max", allowed[-1] if allowed else 5)
            return _t("\u201c{value}\u201d is not allowed; use a whole number from {min} to "
                      "{max}.").format(value=value, min=low, max=high)
        if reason == "not_in_vocabulary":
            return _t("\u201c{value}\u201d is not allowed; use one of: {allowed}.").format(
                value=value, allowed=", ".join(map(str, allowed)))
        if reason == "too_long":
            return _t("Too long (at most {n} characters).").format(n=p.get("max_length"))
        if reason == "required":
            return _t("A value is required.")
        if reason == "invalid_character":  # Table limits block below
            return table_invalid_character_what(p)
        if reason == "not_a_decimal":  # measurement import
            return _t("\u201c{value}\u201d is not a number (e.g. 12 or 12.5).").format(
                value=value)
        if reason == "not_a_day":  # measurement import
            return _t("\u201c{value}\u201d is not a date; write it as 2026-05-14.").format(
                value=value)
        engagement_text = engagement_bad_value_what(reason, p)  # Engagement import (below)
        if engagement_text:
            return engagement_text
        relationship_text = relationship_bad_value_what(reason, p)  # Relationships (below)
        if relationship_text:
            return relationship_text
        return _t("\u201c{value}\u201d is not allowed.").format(value=value)
    return (relationship_problem_what(code, p) or table_limit_problem_what(code, p)
            or engagement_problem_what(code, p) or measurement_problem_what(code, p)
            or code)


def table_import_error_text(problems: list, *, limit: int = 20, total: int = 0) -> str:
    """What the command line prints for a refused CSV/XLSX import: one sentence for one
    problem, else a count (`total` when more were found than listed) and the first `limit`
    problems, one a line."""
    texts = [table_problem_text(c, p) for c, p in problems]
    count = max(total, len(texts))
    if count == 1:
        return _t("{problem} Nothing was imported.").format(problem=texts[0])
    head = _tn("Nothing was imported: the file has %n problem(s).", count)
    more = [_tn("\u2026 and %n more.", count - limit)] if count > limit else []
    return "\n".join([head] + texts[:limit] + more)


# --- Stakeholders desk: field labels, InvalidValue reasons, duplicate warnings --------------


def stakeholder_field_labels() -> dict[str, str]:
    return {
        "aliases": _t("Aliases"),
        "kind": _t("Kind"),
        "category": _t("Category"),
        "regions": _t("Regions"),
        "description": _t("Description"),
        "positions": _t("Positions"),
        "interests": _t("Interests"),
        "needs": _t("Needs"),
        "grievances": _t("Grievances"),
        "motivations": _t("Motivations"),
        "stance_peace": _t("Stance on the peace process"),
        "stance_mission": _t("Stance toward the mission"),
        "stance_since": _t("Stance since"),
        "influence": _t("Influence"),
        "interest": _t("Interest"),
        "perception": _t("Community perception"),
        "perception_evidence": _t("Perception evidence"),
        "sanctioned": _t("Sanctioned"),
        "sanctions_note": _t("Sanctions note"),
        "hrddp_flag": _t("HRDDP flag"),
        "hrddp_note": _t("HRDDP note"),
        "do_not_engage": _t("Do not engage"),
        "engagement_constraints": _t("Engagement constraints"),
        "priority_override": _t("Engagement priority"),
        "priority_override_reason": _t("Reason for the priority"),
        "owner_id": _t("Owner"),
        "tags": _t("Tags"),
        "classification": _t("Classification"),
        "assessed_on": _t("Date of the assessment"),
        "reason": _t("Reason"),
        "source_id": _t("Source"),
        "group_name": _t("Community group"),
    }


def stakeholder_reason_text(label: str, reason: str | None, p: dict) -> str | None:
    """Reasons the stakeholder service raises beyond the common ones (None: not one)."""
    if reason == "out_of_range":
        return _t("{field} must be a whole number from {min} to {max}.").format(
            field=label, min=p.get("min"), max=p.get("max"))
    if reason == "unknown_record":
        return _t("{field}: the record chosen no longer exists.").format(field=label)
    if reason == "duplicate_group":
        return _t("The group \u201c{value}\u201d is listed twice; keep one line per group."
                  ).format(value=p.get("value"))
    return None


def similar_reason_text(reason: str) -> str:
    """Why an existing stakeholder looks like the one being created (names.Similar.reason)."""
    return {
        "same_name": _t("same name"),
        "alias": _t("same as a known alias"),
        "acronym": _t("acronym of the name"),
        "close_spelling": _t("similar spelling"),
    }.get(reason, reason)


def similar_text(similar) -> str:
    """“Mouvement Patriotique de Carana (MPC)” — acronym of the name (a names.Similar)."""
    line = "“%s” — %s" % (similar.name, similar_reason_text(similar.reason))
    if similar.matched and similar.matched != similar.name:
        line += _t(" (matches “{matched}”)").format(matched=similar.matched)
    return line


def stakeholder_value_labels() -> dict[str, dict[str, str]]:
    """Field -> {the word the desks show for a code: the code}, in the current language, so
    the importer reads back a table exported from a desk ("Hostile (rhetoric)")."""
    from missiondesk import labels
    from missiondesk.store import vocab

    pairs = {"kind": (labels.kind_label, vocab.StakeholderKind),
             "category": (labels.category_label, vocab.StakeholderCategory),
             "stance_peace": (labels.peace_stance_label, vocab.PeaceStance),
             "stance_mission": (labels.mission_stance_label, vocab.MissionStance),
             "perception": (labels.perception_label, vocab.Perception)}
    return {field: {label(code.value): code.value for code in codes}
            for field, (label, codes) in pairs.items()}


# --- Relationships (editor, import): field labels, reasons, import problems -----------------


def relationship_field_labels() -> dict[str, str]:
    return {
        "source_id": _t("From"),
        "target_id": _t("To"),
        "type": _t("Type of relationship"),
        "strength": _t("Strength"),
        "valence": _t("Valence"),
        "status": _t("Status"),
        "valid_from": _t("Valid from"),
        "valid_to": _t("Valid to"),
        "confidence": _t("Confidence"),
        "evidence_source_id": _t("Evidence source"),
        "evidence_note": _t("Evidence note"),
        "notes": _t("Notes"),
        "classification": _t("Classification"),
    }


def relationship_reason_text(label: str, reason: str | None, p: dict) -> str | None:
    """Reasons the relationship service raises beyond the common ones (None: not one)."""
    if reason == "same_stakeholder":
        return _t("A relationship links two different stakeholders: choose another one for "
                  "\u201c{field}\u201d.").format(field=label)
    if reason == "ends_before_start":
        return _t("{field} ({value}) is before the start of the relationship ({start})."
                  ).format(field=label, value=p.get("value"), start=p.get("start"))
    if reason == "not_a_date" and p.get("table") == "relationships":
        return _t("{field}: \u201c{value}\u201d is not a date; write a year, a month or a day "
                  "(2019, 2019-05 or 2019-05-14).").format(field=label, value=p.get("value"))
    if reason == "unknown_record" and p.get("field") in ("source_id", "target_id"):
        return _t("{field}: the stakeholder chosen no longer exists.").format(field=label)
    return None


def relationship_bad_value_what(reason: str | None, p: dict) -> str | None:
    """A bad cell of a relationship import whose reason the common wording does not cover."""
    value = p.get("value", "")
    if reason == "same_stakeholder":
        return _t("\u201c{value}\u201d is both the source and the target; a relationship "
                  "links two different stakeholders.").format(value=value)
    if reason == "ends_before_start":
        return _t("\u201c{value}\u201d is before the start of the relationship ({start})."
                  ).format(value=value, start=p.get("start"))
    if reason == "not_a_date":
        return _t("\u201c{value}\u201d is not a date; write a year, a month or a day (2019, "
                  "2019-05 or 2019-05-14).").format(value=value)
    return None


def relationship_problem_what(code: str, p: dict) -> str | None:
    """The problems only a relationship import reports (None: not one of them)."""
    value = p.get("value", "")
    if code == "missing_columns":
        return _t("The file has no {columns} column; a relationship file needs source, target "
                  "and type, and may have: {allowed}.").format(
                      columns=", ".join("\u201c%s\u201d" % c for c in p.get("columns", [])),
                      allowed=", ".join(p.get("allowed", [])))
    if code == "unknown_stakeholder":
        if p.get("suggestions"):
            return _t("No stakeholder is called \u201c{value}\u201d (by name or alias); did "
                      "you mean {names}?").format(value=value, names=" / ".join(
                          "\u201c%s\u201d" % n for n in p["suggestions"]))
        return _t("No stakeholder is called \u201c{value}\u201d (by name or alias); import "
                  "or add it first.").format(value=value)
    if code == "ambiguous_stakeholder":
        return _t("\u201c{value}\u201d names several stakeholders ({names}); write the full "
                  "name.").format(value=value, names=_listing(p.get("names", []), limit=5))
    if code == "duplicate_relationship":
        from missiondesk.labels import relationship_type_label

        return _t("The same relationship ({source} \u2013 {type} \u2013 {target}) is already "
                  "in row {first_row}.").format(
                      source=p.get("source", ""),
                      type=relationship_type_label(p.get("type", "")).lower(),
                      target=p.get("target", ""), first_row=p.get("first_row"))
    return None


def relationship_value_labels() -> dict[str, dict[str, str]]:
    """Field -> {the word the desks show for a code: the code}, in the current language, so
    the relationship importer reads the words a desk shows ("Allied with", "Probable")."""
    from missiondesk import labels
    from missiondesk.store import vocab

    pairs = {"type": (labels.relationship_type_label, vocab.RelationshipType),
             "status": (labels.relationship_status_label, vocab.RelationshipStatus),
             "confidence": (labels.confidence_label, vocab.Confidence)}
    return {field: {label(code.value): code.value for code in codes}
            for field, (label, codes) in pairs.items()}


# --- Sources register, redaction, audit trail: field labels and reasons -----------------------


def source_field_labels() -> dict[str, str]:
    return {
        "code_name": _t("Code name"),
        "source_type": _t("Type"),
        "reliability": _t("Reliability"),
        "credibility": _t("Credibility"),
        "protected": _t("Protected"),
        "description": _t("Description (who or what)"),
        "classification": _t("Classification"),
    }


def audit_reason_text(label: str, reason: str | None, p: dict) -> str | None:
    """Reasons of the sources, redaction and audit services (None: not one of them)."""
    if reason == "duplicate_code":
        if p.get("deleted"):
            return _t("The code name {value} belongs to a deleted source; restore it from "
                      "the audit trail or choose another code.").format(value=p.get("value"))
        return _t("The code name {value} is already used by another source.").format(
            value=p.get("value"))
    if reason == "not_redactable":
        return _t("{field} is not free text and cannot be redacted.").format(field=label)
    if reason == "not_deleted":
        return _t("This record is not deleted; there is nothing to restore.")
    if reason == "purge_not_deleted":
        return _t("Only a deleted record can be purged: delete it first.")
    return None


def redacted_marker_text(value: object) -> object:
    """A redacted name as the user reads it: the store's marker "[redacted] 1a2b3c4d"
    (services.redaction.REDACTED_NAME) with its first word translated; anything else as is."""
    marker = "[redacted]"
    if isinstance(value, str) and value.startswith(marker + " "):
        return _t("[redacted]") + value[len(marker):]
    return value


# --- Table limits: hostile or broken CSV/XLSX files, text that is not text ------------------


def _megabytes(size) -> str:
    return "%.0f" % (int(size or 0) / (1024 * 1024))


def table_invalid_character_what(p: dict) -> str:
    return _t("The cell holds a character that is not text ({code_point}, at position "
              "{position}); remove it and import again.").format(
        code_point=p.get("code_point"), position=p.get("position"))


def table_limit_problem_what(code: str, p: dict) -> str | None:
    """The problems of a file too big, hostile or broken to read (None: not one of them)."""
    path = p.get("path", "")
    limit = p.get("limit")
    if code == "file_too_large":
        return _t("{path} is too large to import ({size} MB; MissionDesk reads at most {limit} "
                  "MB).").format(path=path, size=_megabytes(p.get("size")),
                                 limit=_megabytes(limit))
    if code == "workbook_too_large":
        if "parts" in p:
            return _t("{path} holds too many parts ({count}) to be a table MissionDesk reads "
                      "(at most {limit}).").format(path=path, count=p["parts"], limit=limit)
        if "strings" in p:
            return _t("{path} holds too many different texts (more than {limit}) to import."
                      ).format(path=path, limit=limit)
        if "cells" in p:
            return _t("{path} holds more than {limit} cells in one sheet, too many to import; "
                      "split it into smaller files.").format(path=path, limit=limit)
        return _t("{path} unpacks to more than {limit} MB, too large to import; split it "
                  "into smaller files.").format(path=path, limit=_megabytes(limit))
    if code == "too_many_rows":
        return _t("{path} has more than {limit} rows, too many to import at once; split it "
                  "into smaller files.").format(path=path, limit=limit)
    if code == "too_many_columns":
        return _t("The file has {count} columns; MissionDesk reads at most {limit}: delete "
                  "the columns it does not need.").format(count=p.get("count"), limit=limit)
    if code == "cell_too_long":
        if p.get("length"):
            return _t("The cell is too long ({length} characters; at most {limit})."
                      ).format(length=p["length"], limit=limit)
        return _t("A cell is too long (more than {limit} characters), or a quote opened "
                  "before it is never closed.").format(limit=limit)
    if code == "nul_character":
        return _t("{path} holds a NUL character at line {line}: it is not a text table. Save "
                  "it again as CSV.").format(path=path, line=p.get("line"))
    if code == "mixed_encoding":
        return _t("{path} mixes UTF-8 with another encoding (line {line} is not UTF-8): "
                  "save it again as “CSV UTF-8” so the accents are not garbled."
                  ).format(path=path, line=p.get("line"))
    if code == "unterminated_quote":
        return _t("A quote opened in this row is never closed: the rest of the file would "
                  "be one cell. Close the quote and import again.")
    if code == "workbook_bad_xml":
        return _t("{path} is damaged: a part of the workbook is not well-formed XML."
                  ).format(path=path)
    if code == "workbook_missing_part":
        return _t("{path} is damaged or not an Excel workbook: a part every workbook has is "
                  "missing.").format(path=path)
    if code == "workbook_dtd":
        return _t("{path} was refused: it holds a document type declaration, which Excel "
                  "never writes.").format(path=path)
    if code == "workbook_entities":
        return _t("{path} was refused: it declares XML entities, which can make a small file "
                  "fill the memory.").format(path=path)
    if code == "workbook_external_reference":
        return _t("{path} was refused: it refers to files or addresses outside itself."
                  ).format(path=path)
    if code == "duplicate_header":
        return _t("Columns {letters} have the same header “{header}”: rename or "
                  "delete one.").format(letters=" and ".join(p.get("letters", [])),
                                        header=p.get("header", ""))
    if code == "invalid_character":
        return _t("The header holds a character that is not text ({code_point}, at "
                  "position {position}).").format(code_point=p.get("code_point"),
                                                  position=p.get("position"))
    return None


# --- partial files removed beside a mission (store.lock.remove_stray_partials) ------------


def partial_removed_text(kind: str, name: str) -> str:
    """One sentence per kind of partial file removed when `name` was opened or checked."""
    if kind == "rekey":
        return _t("Removed a partial copy of {name} left by an interrupted passphrase "
                  "change.").format(name=name)
    if kind == "restoring":
        return _t("Removed a partial copy of {name} left by an interrupted restore."
                  ).format(name=name)
    return _t("Removed a partial copy of {name} left by an interrupted creation or import."
              ).format(name=name)


# --- Engagements desk: field labels -----------------------------------------------------------


def engagement_field_labels() -> dict[str, str]:
    return {
        "starts_at": _t("Date and time"),
        "ends_at": _t("End"),
        "duration_minutes": _t("Duration (minutes)"),
        "format": _t("Format"),
        "level": _t("Level"),
        "location": _t("Location"),
        "political": _t("Political"),
        "purpose": _t("Purpose"),
        "key_messages_delivered": _t("Key messages delivered"),
        "counterpart_positions": _t("Counterpart positions"),
        "outcomes": _t("Outcomes"),
        "atmosphere": _t("Atmosphere"),
        "risks_to_interlocutors": _t("Risks to interlocutors"),
        "lead_id": _t("Lead"),
        "participant_ids": _t("Mission participants"),
        "counterpart_ids": _t("Counterparts"),
        "driver_ids": _t("Drivers"),
        "objective_ids": _t("Strategy objectives"),
        "benchmark_ids": _t("Benchmarks"),
        "key_message_ids": _t("Key messages"),
        "commitment_text": _t("Commitment"),
        "committed_by_id": _t("Committed by"),
        "due_date": _t("Due date"),
        "commitment_type": _t("Type of commitment"),
        "provision_id": _t("Agreement provision"),
    }


# --- Commitments and mission settings: field labels and reasons ---------------------------


def commitment_field_labels(table: str | None = None) -> dict[str, str]:
    """The commitment form's and the mission settings' fields; the words every table uses
    ("text", "status") only for a commitment."""
    own = {
        "text": _t("Commitment"),
        "status": _t("Status"),
        "verification": _t("Verification"),
        "evidence": _t("Evidence"),
        "commitment_type": _t("Type"),
    } if table == "commitments" else {}
    return {
        **own,
        "by_mission": _t("Made by the mission"),
        "committed_by_id": _t("Committed by"),
        "owner_id": _t("Owner (follows up)"),
        "due_date": _t("Due date"),
        "provision_id": _t("Agreement provision"),
        "engagement_ids": _t("Engagements"),
        "classification": _t("Classification"),
        "gap_days_a": _t("Gap for priority-A stakeholders (days)"),
        "gap_days_b": _t("Gap for priority-B stakeholders (days)"),
    }


def commitment_reason_text(label: str, reason: str | None, p: dict) -> str | None:
    """Reasons of the commitments and mission-settings services (None: not one of them)."""
    if reason == "transition_refused":
        from missiondesk.labels import commitment_status_label

        allowed = ", ".join(commitment_status_label(s) for s in p.get("allowed", []))
        if p.get("current") is None:
            return _t("A new commitment starts as {allowed}.").format(allowed=allowed)
        if not allowed:
            return _t("A commitment that is {current} cannot change status.").format(
                current=commitment_status_label(p.get("current", "")))
        return _t("A commitment that is {current} cannot become {new}; it can become {allowed}."
                  ).format(current=commitment_status_label(p.get("current", "")),
                           new=commitment_status_label(p.get("value", "")), allowed=allowed)
    if reason == "unknown_setting":
        return _t("\u201c{field}\u201d is not a setting of this MissionDesk.").format(
            field=p.get("field"))
    return None


# --- Engagement import (engagements from CSV/XLSX): its own problems ---------------------------


def engagement_bad_value_what(reason: str | None, p: dict) -> str | None:
    """A bad cell of an engagement import whose reason the common wording does not cover."""
    value = p.get("value", "")
    if reason == "not_a_datetime":
        return _t("\u201c{value}\u201d is not a date; write the day, and the time if known, "
                  "in the mission's time zone (2025-05-14 or 2025-05-14 09:30).").format(
                      value=value)
    if reason == "not_a_boolean":
        return _t("\u201c{value}\u201d is neither yes nor no.").format(value=value)
    if reason == "one_lead":
        return _t("\u201c{value}\u201d names several people; an engagement has one lead (put "
                  "the others under participants).").format(value=value)
    return None


def engagement_problem_what(code: str, p: dict) -> str | None:
    """The problems only an engagement import reports (None: not one of them)."""
    columns = ", ".join("\u201c%s\u201d" % c for c in p.get("columns", []))
    if code == "missing_engagement_columns":
        return _t("The file has no {columns} column; an engagement file needs date, lead and "
                  "format, and may have: {allowed}.").format(
                      columns=columns, allowed=", ".join(p.get("allowed", [])))
    if code == "wrong_sheet":
        return _t("The sheet \u201c{sheet}\u201d has no {columns} column; put the engagements "
                  "on a sheet named \u201cEngagements\u201d (the workbook has: {sheets})."
                  ).format(sheet=p.get("sheet", ""), columns=columns,
                           sheets=", ".join(p.get("sheets", [])))
    if code == "ambiguous_member":
        return _t("Several team members are called \u201c{value}\u201d; rename one in the "
                  "team first.").format(value=p.get("value", ""))
    return None


# --- Council cycle, consultations, measurement import: field labels and problems -----------


def council_field_labels(table: str | None) -> dict[str, str]:
    """The fields of the Council calendar, the consultations log and the mandate's dates
    (only for those tables: "kind" or "notes" mean other things elsewhere)."""
    if table == "cycle_events":
        return {"kind": _t("Kind"), "due_on": _t("Date"), "title": _t("Title"),
                "mandate_id": _t("Mandate"), "done": _t("Done"), "notes": _t("Notes"),
                "tasks": _t("Preparation task"), "classification": _t("Classification")}
    if table == "consultations":
        return {"held_on": _t("Date"), "counterpart_type": _t("Counterpart type"),
                "counterpart_name": _t("Counterparts"), "stakeholder_id": _t("Stakeholder"),
                "lead_id": _t("Led by"), "topics": _t("Topics"),
                "summary": _t("What was said"),
                "inputs_for_mandate": _t("Inputs and asks for the next mandate"),
                "follow_ups": _t("Follow-up"), "classification": _t("Classification")}
    if table == "mandates":
        return {"adopted_on": _t("Adoption date"), "expires_on": _t("Expiry date")}
    if table == "mission_settings":
        return {"cycle_report_every_days": _t("SG report every (days)"),
                "cycle_briefing_after_report_days": _t("Council briefing after the report "
                                                       "(days)"),
                "cycle_tcc_before_renewal_days": _t("TCC/PCC meeting before the renewal "
                                                    "(days)"),
                "cycle_imminent_days": _t("Imminent Council events (days ahead)")}
    return {}


def measurement_problem_what(code: str, p: dict) -> str | None:
    """The problems only a measurement import reports (None: not one of them)."""
    if code == "unknown_indicator":
        if not p.get("allowed"):
            return _t("\u201c{value}\u201d is not an indicator of this mission (it has no "
                      "indicators yet).").format(value=p.get("value", ""))
        return _t("\u201c{value}\u201d is not an indicator of this mission; use one of: "
                  "{allowed}.").format(value=p.get("value", ""),
                                       allowed=_listing(p["allowed"]))
    if code == "ambiguous_indicator":
        return _t("Several indicators are called \u201c{value}\u201d; rename one on the "
                  "Mandate desk first.").format(value=p.get("value", ""))
    if code == "missing_measurement_columns":
        return _t("The file has no {columns} column; a measurement file needs indicator, "
                  "date and value, and may have: {allowed}.").format(
                      columns=", ".join("\u201c%s\u201d" % c for c in p.get("columns", [])),
                      allowed=", ".join(p.get("allowed", [])))
    return None


# --- Communications plan: objectives, audiences, key messages, the plan's lines -------------

_COMMS_PLAN_TABLES = ("comms_objectives", "audiences", "key_messages", "comms_plan_rows")


def comms_plan_field_labels(table: str | None) -> dict[str, str]:
    """The Communications desk's fields (objectives, audiences, messages, plan lines)."""
    if table not in _COMMS_PLAN_TABLES:
        return {}
    return {
        "title": _t("Objective"),
        "description": _t("Description"),
        "objective_id": _t("Strategy objective") if table == "comms_objectives"
        else _t("Communications objective"),
        "mandate_task_id": _t("Mandate task"),
        "benchmark_id": _t("Benchmark"),
        "name": _t("Audience"),
        "code": _t("Kind of audience"),
        "stakeholder_ids": _t("Stakeholders"),
        "kind": _t("Kind of message"),
        "audience_id": _t("Audience"),
        "texts": _t("The message's text"),
        "approved_by": _t("Approved by"),
        "approved_on": _t("Approved on"),
        "valid_from": _t("Valid from"),
        "valid_until": _t("Valid until"),
        "key_message_id": _t("Key message"),
        "channel": _t("Channel"),
        "messenger": _t("Messenger"),
        "timing": _t("Timing"),
    }


# --- Mandate desk: mandates, tasks, benchmarks, assessments, indicators, measurements --------


def mandate_field_labels(table: str | None) -> dict[str, str]:
    """The fields of the Mandate desk's forms (only for their tables: "text", "name" or
    "status" mean other things elsewhere)."""
    return {
        "mandates": {"resolution": _t("Resolution"), "penholder": _t("Pen-holder"),
                     "summary": _t("Summary")},
        "mandate_tasks": {"paragraph": _t("Paragraph"), "text": _t("Task"),
                          "pillar": _t("Pillar"), "priority": _t("Priority")},
        "benchmarks": {"statement": _t("Condition"), "pillar": _t("Pillar"),
                       "responsible_parties": _t("Responsible parties"),
                       "timeframe": _t("Indicative timeframe")},
        "benchmark_assessments": {"assessed_on": _t("Assessment date"),
                                  "status": _t("Status"), "note": _t("Narrative")},
        "indicators": {"benchmark_id": _t("Benchmark"), "name": _t("Indicator"),
                       "baseline": _t("Baseline"), "target": _t("Target"),
                       "direction": _t("Direction"), "unit": _t("Unit"),
                       "data_source": _t("Source")},
        "measurements": {"measured_on": _t("Date"), "value": _t("Value"), "note": _t("Note")},
    }.get(table or "", {})


def mandate_reason_text(label: str, reason: str | None, p: dict) -> str | None:
    """Reasons of the mandate service (None: not one of them)."""
    if reason == "duplicate" and p.get("table") == "mandate_tasks":
        return _t("The mandate already has a task for paragraph {value}.").format(
            value=p.get("value", ""))
    if reason == "not_a_number" and p.get("table") in ("indicators", "measurements"):
        return _t("{field}: \u201c{value}\u201d is not a number.").format(
            field=label, value=p.get("value", ""))
    return None


# --- Leadership desk: portfolios, RACI letters, its mission settings --------------------------


def leadership_field_labels(table: str | None) -> dict[str, str]:
    if table == "portfolios":
        return {"political": _t("Political"), "objective_id": _t("Strategy objective"),
                "description": _t("What it covers")}
    if table == "assignments":
        return {"raci": _t("RACI letter")}
    if table == "mission_settings":
        return {"srsg_political_target": _t("SRSG's political share, target (%)"),
                "raci_max_accountable": _t("Most portfolios one person is accountable for"),
                "raci_max_priority_a": _t("Most priority-A stakeholders one person owns")}
    return {}
