"""Typed errors of the mission file.

Each carries a stable `code` and plain parameters; the UI and the CLI turn them into one
translated sentence (`missiondesk.messages`). Nothing here formats user-visible text.
"""

from __future__ import annotations

from typing import Any


class MissionError(Exception):
    """A known failure the user can act on (as opposed to a bug)."""

    code = "mission_error"

    def __init__(self, **params: Any) -> None:
        self.params = params
        super().__init__(self.code, params)


class FileMissing(MissionError):
    code = "file_missing"


class FolderMissing(MissionError, FileNotFoundError):
    """The folder meant to hold a new file (an export, a new mission) does not exist.
    params: path (the folder). Also a FileNotFoundError, so code that catches a failed
    write (OSError) still catches it."""

    code = "folder_missing"


class IsADirectory(MissionError):
    code = "is_a_directory"


class WrongPassphrase(MissionError):
    code = "wrong_passphrase"


class PassphraseRequired(MissionError):
    code = "passphrase_required"


class PassphraseTooShort(MissionError):
    """A new or changed passphrase is shorter than the minimum. params: minimum."""

    code = "passphrase_too_short"


class NotAMissionFile(MissionError):
    code = "not_a_mission_file"


class CorruptFile(MissionError):
    code = "corrupt_file"


class NewerSchema(MissionError):
    """params: found (revision in the file), supported (this app's head)."""

    code = "newer_schema"


class LockedByOther(MissionError):
    """params: who, host, since (ISO text)."""

    code = "locked_by_other"


class ReadOnlyLocation(MissionError):
    code = "read_only_location"


class NoReadPermission(MissionError):
    code = "no_read_permission"


class NetworkShare(MissionError):
    code = "network_share"


class MissionClosed(MissionError):
    """The mission was closed (or locked) while something still held its handle."""

    code = "mission_closed"


class StorageFull(MissionError):
    code = "storage_full"


class FileExists(MissionError):
    code = "file_exists"


class RevisionConflict(MissionError):
    """A record changed since the caller read it. params: table, record_id, expected, found."""

    code = "revision_conflict"


class RecordMissing(MissionError):
    code = "record_missing"


class InvalidValue(MissionError):
    """params: field, value, allowed (list) or reason."""

    code = "invalid_value"


class BadImport(MissionError):
    """params: problems — a list of (code, params) tuples, e.g. ("bad_value", {...})."""

    code = "bad_import"


class MigrationFailed(MissionError):
    """params: step, detail (a technical message, no record content), backup (path)."""

    code = "migration_failed"
