"""The media landscape: the outlets the mission's audiences hear, and how far each reaches.

An outlet has a type (radio, television, print, online, social media, news agency,
community radio), an ownership (and the owner's name), a political alignment, languages, a
coverage, a reach and a trust (low / medium / high), the state of its relationship with the
mission and its record of misinformation or hate speech. `reach_by` aggregates the outlets'
reach by type or by alignment (low, medium and high counted apart, and a weighted score:
low 1, medium 2, high 3), what the landscape's charts draw.

No Qt here, and no user-visible text: rows carry codes, refusals are typed errors.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from missiondesk.services import validation
from missiondesk.services.names import fold
from missiondesk.services.records import apply_changes, find_record, load_record
from missiondesk.store.errors import InvalidValue
from missiondesk.store.handle import MissionHandle, UnitOfWork, utcnow
from missiondesk.store.schema import MediaOutlet, Rumour, Stakeholder
from missiondesk.store.vocab import (
    Classification,
    Level3,
    MediaAlignment,
    MediaOwnership,
    MediaType,
    MissionRelation,
)

#: Fields the outlet form edits, in form order.
EDITABLE = ("name", "media_type", "ownership", "owner_name", "stakeholder_id", "alignment",
            "languages", "coverage", "reach", "trust", "relationship",
            "misinformation_record", "notes", "classification")
#: What `reach_by` groups by.
GROUPINGS = {"media_type": MediaType, "alignment": MediaAlignment}
#: The weight of each reach level in the reach score.
REACH_WEIGHT = {"low": 1, "medium": 2, "high": 3}
_LONG = 5000
_LANGUAGES = 20


@dataclass(frozen=True)
class OutletRow:
    """One outlet of the landscape; `rumours` counts the live rumours that came through it."""

    id: str
    revision: int
    name: str
    media_type: str
    ownership: str
    owner_name: str | None
    stakeholder_id: str | None
    stakeholder_name: str | None
    alignment: str
    languages: tuple[str, ...]
    coverage: str | None
    reach: str
    trust: str
    relationship: str
    misinformation_record: str | None
    notes: str | None
    classification: str
    rumours: int = 0

    def values(self) -> dict:
        """The form's fields (EDITABLE)."""
        values = {name: getattr(self, name) for name in EDITABLE}
        values["languages"] = list(self.languages)
        return values


@dataclass(frozen=True)
class OutletView:
    id: str
    revision: int
    name: str
    deleted: bool = False


@dataclass(frozen=True)
class ReachGroup:
    """The outlets of one type or alignment: how many at each reach level, and the score."""

    code: str
    outlets: int
    low: int
    medium: int
    high: int

    @property
    def score(self) -> int:
        return self.low * REACH_WEIGHT["low"] + self.medium * REACH_WEIGHT["medium"] \
            + self.high * REACH_WEIGHT["high"]


# --- validation ----------------------------------------------------------------------------


def _languages(value) -> list[str]:
    if value in (None, ""):
        return []
    items = value.split(",") if isinstance(value, str) else list(value)
    languages: list[str] = []
    for item in items:
        text = validation.optional_text("languages", str(item), max_length=40)
        if text and fold(text) not in {fold(x) for x in languages}:
            languages.append(text)
    if len(languages) > _LANGUAGES:
        raise InvalidValue(field="languages", reason="too_long", max_length=_LANGUAGES)
    return languages


def clean_fields(session, changes: dict, *, creating: bool) -> dict:
    """Validate and normalise outlet fields; raises InvalidValue(field=, reason=, ...).

    Creating requires the name and the type. Languages are a list (or a ','-separated
    text), duplicates dropped."""
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ValueError("not an editable outlet field: %s" % ", ".join(sorted(unknown)))
    if creating:
        for name in ("name", "media_type"):
            if changes.get(name) in (None, ""):
                raise InvalidValue(field=name, reason="required", table="media_outlets")
    vocabularies = {"media_type": MediaType, "ownership": MediaOwnership,
                    "alignment": MediaAlignment, "reach": Level3, "trust": Level3,
                    "relationship": MissionRelation, "classification": Classification}
    clean: dict = {}
    for name, value in changes.items():
        if name == "name":
            clean[name] = validation.required_text(name, value, max_length=200)
        elif name in vocabularies:
            clean[name] = validation.vocabulary(name, value, vocabularies[name])
        elif name in ("owner_name", "coverage"):
            clean[name] = validation.optional_text(name, value, max_length=200)
        elif name in ("misinformation_record", "notes"):
            clean[name] = validation.optional_text(name, value, max_length=_LONG)
        elif name == "languages":
            clean[name] = _languages(value)
        elif name == "stakeholder_id":
            if value in (None, ""):
                clean[name] = None
            else:
                row = session.get(Stakeholder, value)
                if row is None or row.deleted_at is not None:
                    raise InvalidValue(field=name, reason="unknown_record", value=value,
                                       table="media_outlets")
                clean[name] = value
    return clean


def _check_name_free(session, name: str, own_id: str | None) -> None:
    """Two live outlets never share a name (case and accents ignored)."""
    for other_id, other_name in session.execute(select(MediaOutlet.id, MediaOutlet.name)):
        if other_id != own_id and fold(other_name) == fold(name):
            raise InvalidValue(field="name", reason="duplicate_name", value=name,
                               table="media_outlets")


# --- writing -------------------------------------------------------------------------------


def _view(row: MediaOutlet) -> OutletView:
    return OutletView(id=row.id, revision=row.revision, name=row.name,
                      deleted=row.deleted_at is not None)


def create_outlet(uow: UnitOfWork, **fields) -> OutletView:
    """Add an outlet. Name and type are required; ownership and alignment default to
    unknown, reach and trust to medium, the relationship to neutral; the classification to
    unclassified (a media analysis is mostly open information)."""
    session = uow.session
    clean = clean_fields(session, fields, creating=True)
    _check_name_free(session, clean["name"], None)
    clean.setdefault("ownership", MediaOwnership.UNKNOWN.value)
    clean.setdefault("alignment", MediaAlignment.UNKNOWN.value)
    clean.setdefault("reach", Level3.MEDIUM.value)
    clean.setdefault("trust", Level3.MEDIUM.value)
    clean.setdefault("relationship", MissionRelation.NEUTRAL.value)
    clean.setdefault("languages", [])
    clean.setdefault("classification", Classification.UNCLASSIFIED.value)
    row = MediaOutlet(**clean)
    uow.add(row)
    session.flush()
    return _view(row)


def update_outlet(uow: UnitOfWork, outlet_id: str, *, expected_revision: int | None,
                  **changes) -> OutletView:
    row = load_record(uow, MediaOutlet, outlet_id, expected_revision)
    clean = clean_fields(uow.session, changes, creating=False)
    if "name" in clean and fold(clean["name"]) != fold(row.name):
        _check_name_free(uow.session, clean["name"], row.id)
    apply_changes(row, clean)
    uow.session.flush()
    return _view(row)


def delete_outlet(uow: UnitOfWork, outlet_id: str, *, expected_revision: int | None
                  ) -> OutletView:
    """Tombstone an outlet; rumours that came through it keep the link (restore brings the
    name back)."""
    row = load_record(uow, MediaOutlet, outlet_id, expected_revision)
    row.deleted_at = utcnow()
    uow.session.flush()
    return _view(row)


def restore_outlet(uow: UnitOfWork, outlet_id: str, *, expected_revision: int | None
                   ) -> OutletView:
    row = load_record(uow, MediaOutlet, outlet_id, expected_revision, include_deleted=True)
    row.deleted_at = None
    uow.session.flush()
    return _view(row)


# --- reading -------------------------------------------------------------------------------


def _row(o: MediaOutlet, stakeholder_name: str | None, rumours: int) -> OutletRow:
    return OutletRow(
        id=o.id, revision=o.revision, name=o.name, media_type=o.media_type,
        ownership=o.ownership, owner_name=o.owner_name, stakeholder_id=o.stakeholder_id,
        stakeholder_name=stakeholder_name, alignment=o.alignment,
        languages=tuple(o.languages or ()), coverage=o.coverage, reach=o.reach, trust=o.trust,
        relationship=o.relationship, misinformation_record=o.misinformation_record,
        notes=o.notes, classification=o.classification, rumours=rumours)


def list_outlets(handle: MissionHandle) -> list[OutletRow]:
    """Every live outlet by name, with the number of live rumours that came through it."""
    with handle.session() as session:
        counts = dict(session.execute(
            select(Rumour.outlet_id, func.count()).where(Rumour.outlet_id.is_not(None))
            .group_by(Rumour.outlet_id)).all())
        rows = [_row(o, name, counts.get(o.id, 0)) for o, name in session.execute(
            select(MediaOutlet, Stakeholder.name)
            .outerjoin(Stakeholder, Stakeholder.id == MediaOutlet.stakeholder_id))]
    return sorted(rows, key=lambda r: fold(r.name))


def get_outlet(handle: MissionHandle, outlet_id: str) -> OutletRow:
    with handle.session() as session:
        find_record(session, MediaOutlet, outlet_id)
    return next(r for r in list_outlets(handle) if r.id == outlet_id)


def reach_by(handle: MissionHandle, grouping: str) -> list[ReachGroup]:
    """The live outlets grouped by `media_type` or `alignment`: every code of the vocabulary
    that has an outlet, in the vocabulary's order, with its outlets counted by reach."""
    if grouping not in GROUPINGS:
        raise ValueError("not a grouping: %s" % grouping)
    column = getattr(MediaOutlet, grouping)
    with handle.session() as session:
        counts = session.execute(select(column, MediaOutlet.reach, func.count())
                                 .group_by(column, MediaOutlet.reach)).all()
    table: dict[str, dict[str, int]] = {}
    for code, reach, n in counts:
        table.setdefault(code, {}).setdefault(reach, 0)
        table[code][reach] += n
    order = [c.value for c in GROUPINGS[grouping]]
    codes = sorted(table, key=lambda c: (order.index(c) if c in order else len(order), c))
    return [ReachGroup(code=c, outlets=sum(table[c].values()), low=table[c].get("low", 0),
                       medium=table[c].get("medium", 0), high=table[c].get("high", 0))
            for c in codes]
