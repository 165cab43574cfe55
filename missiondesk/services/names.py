"""Names: the folded key that sorts and filters them, acronyms, and likely duplicates.

`fold` is the one normalisation of the application: accents removed (NFKD, combining marks
dropped), case folded, runs of white space collapsed. `Stakeholder.name_key` is always
`fold(name)`, so "Élysée" sorts with E and "elysee" finds it.

`similar_names` warns before a duplicate is made: the same name or alias once folded, an
acronym of the other's words ("MPC" and "Mouvement Patriotique de Carana"), or a close
spelling — but never when a distinctive word differs ("Kori elders" and "Tatsi elders").
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache

#: Words an acronym skips (English and French function words, elided articles).
SMALL_WORDS = frozenset(
    {"de", "du", "des", "la", "le", "les", "of", "the", "and", "et", "for", "pour", "d", "l"}
)

#: Folded names at least this similar (difflib ratio) are a close spelling...
CLOSE_RATIO = 0.85
#: ...provided every word of one has a counterpart in the other at least this similar...
WORD_RATIO = 0.8
#: ...and words shorter than this are only counterparts when equal ("Kori" is not "Kora").
SHORT_WORD = 5

_WORD = re.compile(r"[^\W_]+")
_BRACKETS = re.compile(r"\(([^()]*)\)")

_REASON_RANK = {"same_name": 0, "alias": 1, "acronym": 2, "close_spelling": 3}


def fold(text: str | None) -> str:
    """The sort and search key of a text: accents removed, case folded, spaces collapsed."""
    if not text:
        return ""
    if text.isascii():  # nothing to decompose (most names): 10x faster
        return " ".join(text.casefold().split())
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.casefold().split())


def words(text: str | None) -> list[str]:
    """The folded words of a text (letters and digits; punctuation and apostrophes split)."""
    return _WORD.findall(fold(text))


def significant_words(text: str | None) -> list[str]:
    """The folded words of a text without the small words (de, of, the, l', ...)."""
    return [w for w in words(text) if w not in SMALL_WORDS]


def without_brackets(name: str | None) -> str:
    """The name without its bracketed parts: "Carana Defence Forces (CDF)" -> "Carana
    Defence Forces"."""
    return " ".join(_BRACKETS.sub(" ", name or "").split())


def acronym(name: str) -> str:
    """Initials of the significant words of a name, folded, bracketed parts left out:
    "Mouvement Patriotique de Carana (MPC)" gives "mpc"."""
    return "".join(w[0] for w in significant_words(without_brackets(name)))


def variants(name: str | None) -> list[str]:
    """The ways a name can be written: itself, without its bracketed parts, and each
    bracketed part ("Carana Defence Forces (CDF)" -> also "Carana Defence Forces", "CDF")."""
    if not name or not name.strip():
        return []
    found = [name]
    bare = without_brackets(name)
    if bare and bare != name:
        found.append(bare)
    found.extend(part.strip() for part in _BRACKETS.findall(name) if part.strip())
    return found


@dataclass(frozen=True)
class Similar:
    """An existing record whose name or alias looks like the one being entered.

    `matched` is the existing name or alias that matched; `reason` is a code:
    "same_name", "alias", "acronym" or "close_spelling".
    """

    id: str
    name: str
    matched: str
    reason: str


class _Form:
    """A name or alias prepared once for matching (folded, words, initials)."""

    __slots__ = ("folded", "compact", "words", "significant", "initials", "ordered")

    def __init__(self, text: str) -> None:
        self.folded = fold(text)
        compact = self.folded.replace(".", "")
        self.compact = (compact if " " not in compact and 2 <= len(compact) <= 12
                        and compact.isalnum() else None)
        bare = words(without_brackets(text))
        self.words = words(text)
        self.significant = [w for w in self.words if w not in SMALL_WORDS]
        significant_bare = [w for w in bare if w not in SMALL_WORDS]
        # Initials of the significant words, and of all words: "MPC" or "MPDC".
        self.initials = (
            {"".join(w[0] for w in significant_bare), "".join(w[0] for w in bare)}
            if len(bare) >= 2 else set()
        )
        self.ordered = " ".join(sorted(self.significant))


@lru_cache(maxsize=65_536)
def _form(text: str) -> _Form:
    return _Form(text)


@lru_cache(maxsize=262_144)
def _words_close(a: str, b: str) -> bool:
    if _upper_bound(a, b) < WORD_RATIO:
        return False
    return SequenceMatcher(None, a, b).ratio() >= WORD_RATIO


def _word_counterpart(word: str, others: list[str]) -> bool:
    if word in others:
        return True
    if len(word) < SHORT_WORD:
        return False
    return any(len(other) >= SHORT_WORD and _words_close(word, other) for other in others)


def _upper_bound(a: str, b: str) -> float:
    """difflib's real_quick_ratio: no ratio of a and b can exceed it."""
    total = len(a) + len(b)
    return 2.0 * min(len(a), len(b)) / total if total else 1.0


def _close(fa: _Form, fb: _Form, threshold: float = 0.0) -> float:
    if not fa.folded or not fb.folded or not fa.significant or not fb.significant:
        return 0.0
    if (_upper_bound(fa.folded, fb.folded) < threshold
            and _upper_bound(fa.ordered, fb.ordered) < threshold):
        return 0.0
    if not all(_word_counterpart(w, fb.significant) for w in fa.significant):
        return 0.0
    if not all(_word_counterpart(w, fa.significant) for w in fb.significant):
        return 0.0
    plain = SequenceMatcher(None, fa.folded, fb.folded).ratio()
    ordered = SequenceMatcher(None, fa.ordered, fb.ordered).ratio()
    return max(plain, ordered)


def close_spelling(a: str, b: str) -> float:
    """How close two names are spelled (0..1), or 0 when a distinctive word differs.

    The ratio is difflib's on the folded names (also with their words sorted, so word order
    does not count); every significant word of each must have a counterpart in the other
    (equal, or for words of five letters or more a close spelling).
    """
    return _close(_form(a), _form(b))


def _match(mine: _Form, mine_is_name: bool, theirs: _Form, theirs_is_name: bool
           ) -> tuple[str, float] | None:
    """(reason, score) when the two forms look like the same actor."""
    if not mine.folded or not theirs.folded:
        return None
    if mine.folded == theirs.folded or (mine.compact and mine.compact == theirs.compact):
        return ("same_name" if mine_is_name and theirs_is_name else "alias", 1.0)
    if (mine.compact and mine.compact in theirs.initials) or (
            theirs.compact and theirs.compact in mine.initials):
        return ("acronym", 1.0)
    if len(mine.folded) >= SHORT_WORD and len(theirs.folded) >= SHORT_WORD:
        ratio = _close(mine, theirs, CLOSE_RATIO)
        if ratio >= CLOSE_RATIO:
            return ("close_spelling", ratio)
    return None


def similar_names(
    candidate: str,
    aliases: Iterable[str],
    existing: Iterable[tuple[str, str, Iterable[str]]],
) -> list[Similar]:
    """Existing records (id, name, aliases) that are likely duplicates of the candidate name
    and aliases, best first: same name, then alias, acronym, close spelling (closest first)."""
    mine = [(_form(v), True) for v in variants(candidate)]
    mine += [(_form(v), False) for a in aliases for v in variants(a)]
    found: list[tuple[int, float, str, Similar]] = []
    for record_id, name, record_aliases in existing:
        theirs = [(_form(v), True, name) for v in variants(name)]
        theirs += [(_form(v), False, a) for a in (record_aliases or ()) for v in variants(a)]
        best: tuple[int, float, str, str] | None = None
        for form, is_name in mine:
            for other, other_is_name, shown in theirs:
                hit = _match(form, is_name, other, other_is_name)
                if hit is None:
                    continue
                reason, score = hit
                key = (_REASON_RANK[reason], -score, reason, shown)
                if best is None or key[:2] < best[:2]:
                    best = key
        if best is not None:
            rank, neg_score, reason, matched = best
            found.append((rank, neg_score, fold(name),
                          Similar(id=record_id, name=name, matched=matched, reason=reason)))
    found.sort(key=lambda item: item[:3])
    return [item[3] for item in found]
