"""People a form can name: the mission's stakeholders and its active team members, and the
completion that finds them as a name is typed.

`people(handle)` reads them once (two small queries, no ORM objects): stakeholders with their
aliases and do-not-engage / sanctioned / HRDDP flags, active team members. Each `Person` keeps
its folded keys (`names.fold`: accents and case ignored), so `match` is a pass of plain string
tests over the list — a few milliseconds over the 5,000 stakeholders of the large mission.

`match(people, text)` ranks, best first: the exact name, the exact alias, a name that starts
with the text, a word of the name that does, an alias (or a word of one) that does, then a
name or alias that contains it. `find(people, text)` reads back what a field holds: a name,
an alias that belongs to one person only, or "Name (alias)" as the completion shows it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from sqlalchemy import select

from missiondesk.services.names import fold, words
from missiondesk.store.schema import Stakeholder, TeamMember

STAKEHOLDER = "stakeholder"
MEMBER = "member"

#: The flags a counterpart can carry, in the order badges show them.
FLAGS = ("do_not_engage", "sanctioned", "hrddp")

# Ranks of `match` (lower is better).
EXACT_NAME, EXACT_ALIAS, NAME_PREFIX, WORD_PREFIX, ALIAS_PREFIX, CONTAINS = range(6)


@dataclass(frozen=True)
class Person:
    """A stakeholder or a team member as a name field offers it.

    `flags` holds codes of FLAGS (only stakeholders carry any). The folded keys are
    computed once, here.
    """

    kind: str
    id: str
    name: str
    aliases: tuple[str, ...] = ()
    flags: tuple[str, ...] = ()
    name_key: str = field(init=False, repr=False, compare=False)
    word_keys: tuple[str, ...] = field(init=False, repr=False, compare=False)
    alias_keys: tuple[tuple[str, tuple[str, ...]], ...] = field(init=False, repr=False,
                                                                  compare=False)
    blob: str = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        key = fold(self.name)
        alias_keys = tuple((fold(a), tuple(words(a))) for a in self.aliases)
        object.__setattr__(self, "name_key", key)
        object.__setattr__(self, "word_keys", tuple(words(self.name)))
        object.__setattr__(self, "alias_keys", alias_keys)
        # Every match contains the text somewhere: one `in` test rules most people out.
        object.__setattr__(self, "blob", "\n".join([key, *(a for a, _w in alias_keys)]))


@dataclass(frozen=True)
class Match:
    """A person offered for a typed text; `alias` is the alias that matched (None: the
    name did), `rank` one of the ranks above."""

    person: Person
    alias: str | None
    rank: int


def _aliases(raw) -> tuple[str, ...]:
    try:
        values = json.loads(raw) if isinstance(raw, str) else (raw or [])
    except ValueError:
        return ()
    if not isinstance(values, list):
        return ()
    return tuple(str(v).strip() for v in values if v and str(v).strip())


def people(handle) -> list[Person]:
    """Live stakeholders (aliases, flags) and active team members, each list by name."""
    with handle.session() as session:
        stakeholders = session.execute(
            select(Stakeholder.id, Stakeholder.name, Stakeholder.aliases,
                   Stakeholder.do_not_engage, Stakeholder.sanctioned, Stakeholder.hrddp_flag)
            .where(Stakeholder.deleted_at.is_(None))
            .order_by(Stakeholder.name_key)).all()
        members = session.execute(
            select(TeamMember.id, TeamMember.name)
            .where(TeamMember.deleted_at.is_(None), TeamMember.active.is_(True))
            .order_by(TeamMember.name)).all()
    found = [Person(MEMBER, mid, name) for mid, name in members]
    for sid, name, aliases, dne, sanctioned, hrddp in stakeholders:
        flags = tuple(code for code, on in zip(FLAGS, (dne, sanctioned, hrddp), strict=True)
                      if on)
        found.append(Person(STAKEHOLDER, sid, name, _aliases(aliases), flags))
    return found


def _rank(person: Person, query: str) -> tuple[int, str | None] | None:
    if query not in person.blob:
        return None
    key = person.name_key
    if key == query:
        return EXACT_NAME, None
    for alias, (alias_key, _w) in zip(person.aliases, person.alias_keys, strict=True):
        if alias_key == query:
            return EXACT_ALIAS, alias
    if key.startswith(query):
        return NAME_PREFIX, None
    if any(w.startswith(query) for w in person.word_keys):
        return WORD_PREFIX, None
    for alias, (alias_key, alias_words) in zip(person.aliases, person.alias_keys,
                                               strict=True):
        if alias_key.startswith(query) or any(w.startswith(query) for w in alias_words):
            return ALIAS_PREFIX, alias
    if query in key:
        return CONTAINS, None
    for alias, (alias_key, _w) in zip(person.aliases, person.alias_keys, strict=True):
        if query in alias_key:
            return CONTAINS, alias
    return None


def match(people_: Sequence[Person], text: str | None, kind: str | None = None,
          limit: int = 12) -> list[Match]:
    """The people whose name or alias matches what was typed, best first (see the module's
    ranks; ties by name). Accents, case and repeated spaces are ignored."""
    query = fold(text)
    if not query:
        return []
    hits: list[tuple[int, str, Match]] = []
    for person in people_:
        if kind is not None and person.kind != kind:
            continue
        ranked = _rank(person, query)
        if ranked is not None:
            rank, alias = ranked
            hits.append((rank, person.name_key, Match(person, alias, rank)))
    hits.sort(key=lambda hit: hit[:2])
    return [hit[2] for hit in hits[:limit]]


def shown(m: Match) -> str:
    """How a completion shows a match: the name, or "Name (alias)" when an alias matched."""
    return "%s (%s)" % (m.person.name, m.alias) if m.alias else m.person.name


def find(people_: Iterable[Person], text: str | None, kind: str | None = None
         ) -> Person | None:
    """The one person a typed name means: the exact name (accents and case ignored), the
    "Name (alias)" a completion shows, or an alias that belongs to one person only."""
    query = fold(text)
    if not query:
        return None
    candidates = [p for p in people_ if kind is None or p.kind == kind]
    for person in candidates:
        if person.name_key == query:
            return person
    for person in candidates:
        for alias_key in (a for a, _w in person.alias_keys):
            if query == fold("%s (%s)" % (person.name, alias_key)):
                return person
    owners = {p.id: p for p in candidates if any(a == query for a, _w in p.alias_keys)}
    if len(owners) == 1:
        return next(iter(owners.values()))
    return None


def split_names(text: str | None) -> list[str]:
    """The names of a `;`-separated list, stripped, blanks dropped."""
    return [part.strip() for part in (text or "").split(";") if part.strip()]
