"""The communications plan as a matrix: one line per audience x key message x channel x
messenger x timing (`comms_plan_rows`, migration 0006: the schema had no place for it).

Each line is edited in place, one field at a time (`update_plan_row`, revision checked), so
the desk's matrix makes each cell edit one undo step. Lines read in the plan's order
(`sort_order`, a new line last). No Qt here, and no user-visible text.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from missiondesk.services import validation
from missiondesk.services.comms import (
    Saved,
    _default_classification,
    _exists,
    _saved,
    delete_with,
    restore_with,
)
from missiondesk.services.comms_messages import message_texts
from missiondesk.services.records import apply_changes, load_record
from missiondesk.store.errors import InvalidValue
from missiondesk.store.handle import MissionHandle, UnitOfWork
from missiondesk.store.schema import Audience, CommsPlanRow, KeyMessage
from missiondesk.store.vocab import Classification, CommsChannel

PLAN_FIELDS = ("audience_id", "key_message_id", "channel", "messenger", "timing",
               "classification")
_TABLE = "comms_plan_rows"


@dataclass(frozen=True)
class PlanRow:
    id: str
    revision: int
    audience_id: str
    audience_name: str
    key_message_id: str
    message_texts: tuple[tuple[str, str], ...]  # (language, text), English and French first
    message_kind: str
    channel: str
    messenger: str | None
    timing: str | None
    classification: str

    def message_text(self, language: str | None = None) -> str:
        texts = dict(self.message_texts)
        if language and texts.get(language):
            return texts[language]
        return self.message_texts[0][1] if self.message_texts else ""

    def values(self) -> dict:
        return {name: getattr(self, name) for name in PLAN_FIELDS}


def _clean(session, changes: dict, *, creating: bool) -> dict:
    unknown = set(changes) - set(PLAN_FIELDS)
    if unknown:
        raise ValueError("not a plan field: %s" % ", ".join(sorted(unknown)))
    clean: dict = {}
    with validation.for_table(_TABLE):
        for name, value in changes.items():
            if name == "channel":
                clean[name] = validation.vocabulary(name, value, CommsChannel)
            elif name in ("messenger", "timing"):
                clean[name] = validation.optional_text(name, value, max_length=200)
            elif name == "classification":
                clean[name] = validation.vocabulary(name, value, Classification)
    for name, model in (("audience_id", Audience), ("key_message_id", KeyMessage)):
        if name in changes:
            clean[name] = _exists(session, _TABLE, name, model, changes[name])
            if clean[name] is None:
                raise InvalidValue(field=name, reason="required", table=_TABLE)
    if creating:
        for name in ("audience_id", "key_message_id", "channel"):
            if name not in clean:
                raise InvalidValue(field=name, reason="required", table=_TABLE)
    return clean


def create_plan_row(uow: UnitOfWork, **fields) -> Saved:
    """Add a line to the plan (audience, message and channel required), last in order."""
    session = uow.session
    clean = _clean(session, fields, creating=True)
    clean.setdefault("classification", _default_classification(session))
    clean["sort_order"] = (session.scalar(select(func.max(CommsPlanRow.sort_order))) or 0) + 1
    row = CommsPlanRow(**clean)
    uow.add(row)
    session.flush()
    return _saved(row)


def update_plan_row(uow: UnitOfWork, row_id: str, *, expected_revision: int | None,
                    **changes) -> Saved:
    """Change cells of one line (revision checked)."""
    row = load_record(uow, CommsPlanRow, row_id, expected_revision)
    apply_changes(row, _clean(uow.session, changes, creating=False))
    uow.session.flush()
    return _saved(row)


def delete_plan_row(uow: UnitOfWork, row_id: str, *, expected_revision: int | None) -> Saved:
    return delete_with(uow, CommsPlanRow, row_id, expected_revision)


def restore_plan_row(uow: UnitOfWork, row_id: str, *, expected_revision: int | None) -> Saved:
    return restore_with(uow, CommsPlanRow, row_id, expected_revision)


def list_plan(handle: MissionHandle) -> list[PlanRow]:
    """The plan's live lines in order (a line whose audience or message is gone is not one)."""
    p = CommsPlanRow
    with handle.session() as session:
        rows = session.execute(
            select(p, Audience.name, KeyMessage.kind)
            .join(Audience, Audience.id == p.audience_id)
            .join(KeyMessage, KeyMessage.id == p.key_message_id)
            .order_by(p.sort_order, Audience.name)).all()
        texts = message_texts(session, {r.key_message_id for r, _n, _k in rows})
        return [PlanRow(
            id=r.id, revision=r.revision, audience_id=r.audience_id, audience_name=name,
            key_message_id=r.key_message_id, message_texts=texts.get(r.key_message_id, ()),
            message_kind=kind, channel=r.channel, messenger=r.messenger, timing=r.timing,
            classification=r.classification) for r, name, kind in rows]
