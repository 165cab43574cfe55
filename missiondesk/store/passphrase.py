"""Passphrases below the UI: the minimum length the GUI and the CLI both enforce, the forms a
typed passphrase is tried in, and the one read of the environment variable.

Unicode lets the same letters be typed as different code points ("é" as U+00E9, or "e" then
U+0301 from another keyboard or operating system). New keys are derived from the NFC form, so
the passphrase opens the file however it is typed; a file keyed before with a decomposed form
still opens, since the raw form is tried when the NFC one fails (only when they differ: each
attempt costs a key derivation). Nothing here logs or prints a passphrase.
"""

from __future__ import annotations

import os
import unicodedata

from missiondesk.store import errors

#: The shortest passphrase a new or changed mission accepts, in characters (NFC).
MIN_PASSPHRASE_LENGTH = 10

#: The environment variable a script may set for the first mission opened.
PASSPHRASE_ENV = "MISSIONDESK_PASSPHRASE"


def normalise(passphrase: str) -> str:
    """The form new keys are derived from (NFC)."""
    return unicodedata.normalize("NFC", passphrase)


def key_forms(passphrase: str) -> tuple[str, ...]:
    """The keys to try, in order: NFC, then the raw form when it differs (older files)."""
    nfc = normalise(passphrase)
    return (nfc,) if nfc == passphrase else (nfc, passphrase)


def check_new_passphrase(passphrase: str) -> str:
    """A passphrase about to key a new or rekeyed file: its NFC form, or PassphraseTooShort."""
    nfc = normalise(passphrase)
    if len(nfc) < MIN_PASSPHRASE_LENGTH:
        raise errors.PassphraseTooShort(minimum=MIN_PASSPHRASE_LENGTH)
    return nfc


def take_env_passphrase() -> str | None:
    """Read MISSIONDESK_PASSPHRASE once and remove it from the environment, so later code and
    child processes never see it. The caller passes the value to the first open only."""
    value = os.environ.pop(PASSPHRASE_ENV, None)
    return value or None
