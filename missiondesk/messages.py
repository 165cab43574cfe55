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
    if code == "is_a_directory":
        return _t("{path} is a folder, not a mission file.").format(path=p.get("path", ""))
    if code == "no_read_permission":
        return _t("You do not have permission to read {path}.").format(path=p.get("path", ""))
    if code == "wrong_passphrase":
        return _t("The passphrase is wrong: the mission file could not be unlocked.")
    if code == "passphrase_required":
        return _t("This mission file is encrypted: a passphrase is needed to open it.")
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


def field_label(field: str) -> str:
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
    return labels.get(field, field)


def invalid_value_text(p: dict) -> str:
    label = field_label(p.get("field", ""))
    reason = p.get("reason")
    if reason == "required":
        return _t("{field} is required.").format(field=label)
    if reason == "too_long":
        return _t("{field} is too long (at most {n} characters).").format(
            field=label, n=p.get("max_length"))
    if reason == "unknown_time_zone":
        return _t("{field}: \u201c{value}\u201d is not a known time zone (e.g. Africa/Bangui)."
                  ).format(field=label, value=p.get("value"))
    if reason == "not_a_date":
        return _t("{field}: \u201c{value}\u201d is not a date (YYYY-MM-DD).").format(
            field=label, value=p.get("value"))
    if reason == "not_in_vocabulary":
        return _t("{field}: \u201c{value}\u201d is not allowed; use one of {allowed}.").format(
            field=label, value=p.get("value"), allowed=", ".join(map(str, p.get("allowed", []))))
    return _t("{field} has a value that is not allowed.").format(field=label)


def import_problem_text(code: str, p: dict) -> str:
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
    return code
