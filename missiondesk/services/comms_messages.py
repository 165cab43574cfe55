"""Key messages of the communications plan: text per language, kind, approval, validity.

- `texts` ({"en": ..., "fr": ...}): a blank text removes that language; a message keeps at
  least one. A change of a text counts as a change of the message (its revision moves), so an
  undo over a colleague's new wording is refused.
- The kind: a `core` message, or an expectation line, what the mission `can_do` / `cannot_do`
  (protection of civilians and other sensitive topics).
- Approving names the approver (`approved_by`, `approved_on`); the validity runs from
  `valid_from` to `valid_until` (not before it starts).

Deleting a message tombstones its texts and the plan lines that carry it; restoring brings them
back. No Qt here, and no user-visible text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from missiondesk.services import validation
from missiondesk.services.comms import (
    Saved,
    _apply,
    _default_classification,
    _exists,
    _plan_lines,
    _refuse,
    _saved,
    _with_deleted,
    delete_with,
    restore_with,
)
from missiondesk.services.records import load_record
from missiondesk.store.errors import InvalidValue
from missiondesk.store.handle import MissionHandle, UnitOfWork, utcnow
from missiondesk.store.schema import (
    Audience,
    CommsObjective,
    CommsPlanRow,
    KeyMessage,
    KeyMessageText,
)
from missiondesk.store.vocab import Classification, MessageKind

MESSAGE_FIELDS = ("objective_id", "audience_id", "kind", "approved", "approved_by",
                  "approved_on", "valid_from", "valid_until", "texts", "classification")
#: The languages a message is written in first (then any other, by code).
LANGUAGES = ("en", "fr")
_LANGUAGE = re.compile(r"^[a-z]{2,3}(-[a-z0-9]{2,4})?$")
_LONG = 5000


# --- key messages --------------------------------------------------------------------------


@dataclass(frozen=True)
class MessageRow:
    id: str
    revision: int
    objective_id: str | None
    objective_title: str | None
    audience_id: str | None
    audience_name: str | None
    kind: str
    approved: bool
    approved_by: str | None
    approved_on: date | None
    valid_from: date | None
    valid_until: date | None
    classification: str
    texts: tuple[tuple[str, str], ...]  # (language, text), English and French first

    def text(self, language: str) -> str:
        return dict(self.texts).get(language, "")

    def first_text(self) -> str:
        return self.texts[0][1] if self.texts else ""

    def valid_on(self, day: date) -> bool:
        return ((self.valid_from is None or self.valid_from <= day)
                and (self.valid_until is None or day <= self.valid_until))

    def values(self) -> dict:
        """The fields a form edits; `texts` names English and French even when blank (None),
        so an undo of a first French text removes it."""
        values = {name: getattr(self, name) for name in MESSAGE_FIELDS if name != "texts"}
        values["texts"] = {**dict.fromkeys(LANGUAGES), **dict(self.texts)}
        return values


def _language_order(language: str) -> tuple:
    return (LANGUAGES.index(language) if language in LANGUAGES else len(LANGUAGES), language)


def _clean_texts(value) -> dict[str, str | None]:
    if not isinstance(value, dict):
        raise _refuse("key_messages", "texts", "not_a_list")
    clean: dict[str, str | None] = {}
    for language, text in value.items():
        language = str(language).strip().lower()
        if not _LANGUAGE.match(language):
            raise _refuse("key_messages", "language", "not_a_language", value=language)
        try:
            clean[language] = validation.optional_text("texts", text, max_length=_LONG)
        except InvalidValue as exc:
            exc.params.update(table="key_messages", language=language)
            raise
    return clean


def _clean_message(session, changes: dict) -> dict:
    unknown = set(changes) - set(MESSAGE_FIELDS)
    if unknown:
        raise ValueError("not a key message field: %s" % ", ".join(sorted(unknown)))
    t = "key_messages"
    clean: dict = {}
    with validation.for_table(t):
        for name, value in changes.items():
            if name == "kind":
                clean[name] = validation.vocabulary(name, value, MessageKind)
            elif name == "approved":
                clean[name] = bool(value)
            elif name == "approved_by":
                clean[name] = validation.optional_text(name, value, max_length=200)
            elif name in ("approved_on", "valid_from", "valid_until"):
                clean[name] = validation.optional_date(name, value)
            elif name == "classification":
                clean[name] = validation.vocabulary(name, value, Classification)
    if "texts" in changes:
        clean["texts"] = _clean_texts(changes["texts"])
    if "objective_id" in changes:
        clean["objective_id"] = _exists(session, t, "objective_id", CommsObjective,
                                        changes["objective_id"])
    if "audience_id" in changes:
        clean["audience_id"] = _exists(session, t, "audience_id", Audience,
                                       changes["audience_id"])
    return clean


def _check_message(row: KeyMessage, clean: dict) -> None:
    """Approving names the approver; a validity ends on or after it starts."""
    after = {name: clean.get(name, getattr(row, name))
             for name in ("approved", "approved_by", "valid_from", "valid_until")}
    if clean.get("approved") and not row.approved and not after["approved_by"]:
        raise _refuse("key_messages", "approved_by", "required")
    if after["valid_from"] and after["valid_until"] and after["valid_until"] < after[
            "valid_from"]:
        raise _refuse("key_messages", "valid_until", "until_before_from")


def _text_rows(session, message_id: str) -> list[KeyMessageText]:
    return list(session.scalars(_with_deleted(select(KeyMessageText).where(
        KeyMessageText.key_message_id == message_id))))


def _set_texts(uow: UnitOfWork, row: KeyMessage, texts: dict[str, str | None]) -> None:
    """Write the languages given (a blank one is removed); the others stay."""
    existing = {t.language: t for t in _text_rows(uow.session, row.id)}
    changed = False
    for language, text in texts.items():
        current = existing.get(language)
        if text is None:
            if current is not None and current.deleted_at is None:
                current.deleted_at = utcnow()
                changed = True
        elif current is None:
            uow.add(KeyMessageText(key_message_id=row.id, language=language, text=text,
                                   classification=row.classification))
            changed = True
        elif current.deleted_at is not None or current.text != text:
            current.deleted_at = None
            current.text = text
            changed = True
    if changed:
        row.updated_at = utcnow()  # the message's revision moves with its words
    uow.session.flush()
    if not any(t.deleted_at is None for t in _text_rows(uow.session, row.id)):
        raise _refuse("key_messages", "texts", "required")


def create_message(uow: UnitOfWork, **fields) -> Saved:
    """Add a key message: `texts` ({"en": ..., "fr": ...}, at least one) and a `kind`
    (core by default)."""
    session = uow.session
    clean = _clean_message(session, fields)
    texts = clean.pop("texts", {})
    if not any(texts.values()):
        raise _refuse("key_messages", "texts", "required")
    clean.setdefault("classification", _default_classification(session))
    clean.setdefault("kind", MessageKind.CORE.value)
    row = KeyMessage(**{k: v for k, v in clean.items() if k != "approved"}, approved=False)
    _check_message(row, clean)
    row.approved = bool(clean.get("approved", False))
    uow.add(row)
    session.flush()
    _set_texts(uow, row, texts)
    return _saved(row)


def update_message(uow: UnitOfWork, message_id: str, *, expected_revision: int | None,
                   **changes) -> Saved:
    """Change a key message (revision checked); `texts` writes the languages it holds."""
    row = load_record(uow, KeyMessage, message_id, expected_revision)
    clean = _clean_message(uow.session, changes)
    texts = clean.pop("texts", None)
    _check_message(row, clean)
    _apply(row, clean)
    if texts is not None:
        _set_texts(uow, row, texts)
    uow.session.flush()
    return _saved(row)


def delete_message(uow: UnitOfWork, message_id: str, *, expected_revision: int | None
                   ) -> Saved:
    """Tombstone the message, its texts and the plan lines that carry it, one timestamp."""
    return delete_with(uow, KeyMessage, message_id, expected_revision, _text_rows,
                       _plan_lines(CommsPlanRow.key_message_id))


def restore_message(uow: UnitOfWork, message_id: str, *, expected_revision: int | None
                    ) -> Saved:
    return restore_with(uow, KeyMessage, message_id, expected_revision, _text_rows,
                        _plan_lines(CommsPlanRow.key_message_id))


def message_texts(session, ids: Iterable[str] | None = None) -> dict[str, tuple]:
    """(language, text) pairs of live messages' texts, English and French first."""
    query = select(KeyMessageText.key_message_id, KeyMessageText.language, KeyMessageText.text)
    if ids is not None:
        query = query.where(KeyMessageText.key_message_id.in_(list(ids)))
    texts: dict[str, list] = {}
    for message_id, language, text in session.execute(query):
        texts.setdefault(message_id, []).append((language, text))
    return {k: tuple(sorted(v, key=lambda p: _language_order(p[0]))) for k, v in texts.items()}


def list_messages(handle: MissionHandle) -> list[MessageRow]:
    """Every live key message with its texts, objective and audience."""
    with handle.session() as session:
        texts = message_texts(session)
        objectives = dict(session.execute(select(CommsObjective.id, CommsObjective.title)).all())
        audiences = dict(session.execute(select(Audience.id, Audience.name)).all())
        rows = session.scalars(select(KeyMessage)).all()
        result = [MessageRow(
            id=r.id, revision=r.revision, objective_id=r.objective_id,
            objective_title=objectives.get(r.objective_id), audience_id=r.audience_id,
            audience_name=audiences.get(r.audience_id), kind=r.kind, approved=bool(r.approved),
            approved_by=r.approved_by, approved_on=r.approved_on, valid_from=r.valid_from,
            valid_until=r.valid_until, classification=r.classification,
            texts=texts.get(r.id, ())) for r in rows]
    kinds = [k.value for k in MessageKind]
    return sorted(result, key=lambda m: (m.objective_title or "\uffff",
                                         kinds.index(m.kind) if m.kind in kinds else 9,
                                         m.first_text().casefold()))
