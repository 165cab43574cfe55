"""Global search: stakeholders, engagements and commitments through the FTS5 index
(`store/search_index.py`), and sources by code name. No Qt; no user-visible text.

How a query is read:
- its words are folded like the index's tokenizer folds them (case and accents ignored) and
  each is quoted, so FTS5 syntax typed by a user (``"``, ``*``, ``-``, ``AND``, ``NEAR``)
  is just text and never an error; every word must match (AND);
- the last word, while it is still being typed (no space after it), is a prefix: "mous"
  finds Moussa. With ``typing=True`` (the search popup, a keystroke at a time) a last word
  of one or two letters is a prefix only for the small registers (stakeholders, sources) and
  a whole word for engagements and commitments: "co*" would merge the postings of every
  word starting with "co" over 200,000 engagements (about 50 ms on the large mission).

Ranking, per kind: bm25 (name or title weighted above the notes), then recency. When a
query matches more than `CANDIDATES` records of a kind, bm25 ranks the `CANDIDATES` most
recently added of them (the index walks its rowids newest first), which bounds a keystroke's
cost on the large mission whatever the query; below that the ranking is exact.

Tombstoned rows stay in the index (it follows its table's rowids) and are left out here.
A protected source never shows its description; its code name is all a hit carries.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from missiondesk.services.names import fold
from missiondesk.store.handle import MissionHandle
from missiondesk.store.search_index import fts_name
from missiondesk.store.vocab import Classification

STAKEHOLDER = "stakeholder"
ENGAGEMENT = "engagement"
COMMITMENT = "commitment"
SOURCE = "source"
#: Every kind, in the order results are grouped.
KINDS: tuple[str, ...] = (STAKEHOLDER, ENGAGEMENT, COMMITMENT, SOURCE)
#: The table each kind reads.
TABLES = {STAKEHOLDER: "stakeholders", ENGAGEMENT: "engagements", COMMITMENT: "commitments",
          SOURCE: "sources"}

#: Matches of one kind that bm25 ranks at most (the most recently added ones).
CANDIDATES = 500
#: While typing, a last word shorter than this is a whole word for the big registers.
TYPING_MIN_PREFIX = 3
#: Kinds small enough for a short prefix while typing (a few thousand rows at most).
SMALL_KINDS = frozenset({STAKEHOLDER, SOURCE})
#: Longest title a hit carries (a commitment's title is its text).
TITLE_LENGTH = 160
#: Words of context a snippet keeps before its first match, and in all.
SNIPPET_BEFORE = 4
SNIPPET_WORDS = 18
ELLIPSIS = "\u2026"

_WORD = re.compile(r"[^\W_]+")

# kind -> (bm25 weights in index column order, title column, when column, snippet columns)
_SPECS = {
    STAKEHOLDER: ((10.0, 6.0, 1.0, 1.0, 1.0, 1.0, 1.0), "name", "updated_at",
                  ("aliases", "description", "positions", "interests", "grievances",
                   "motivations")),
    ENGAGEMENT: ((4.0, 2.0, 1.0, 1.0, 1.0, 1.0), "title", "starts_at",
                 ("purpose", "outcomes", "key_messages_delivered", "counterpart_positions",
                  "location")),
    COMMITMENT: ((3.0, 1.0, 1.0), "text", "created_at", ("verification", "evidence")),
}


@dataclass(frozen=True)
class SearchHit:
    """One record found. `title_marks` and `snippet_marks` are the (start, end) spans of the
    matched words in `title` and `snippet`, for highlighting."""

    kind: str
    id: str
    title: str
    snippet: str
    when: datetime | date | None
    classification: str = "UNCLASSIFIED"
    title_marks: tuple[tuple[int, int], ...] = field(default=(), compare=False)
    snippet_marks: tuple[tuple[int, int], ...] = field(default=(), compare=False)

    def as_json(self) -> dict:
        """The shape `missiondesk search --json` prints for one result."""
        return {"kind": self.kind, "id": self.id, "title": self.title, "snippet": self.snippet}


@dataclass(frozen=True)
class Query:
    """A user's text read as search terms: whole words, and at most one prefix (the last)."""

    words: tuple[str, ...]
    prefix: str | None

    @property
    def empty(self) -> bool:
        return not self.words and not self.prefix

    def fts(self, *, prefix: bool = True) -> str:
        """The FTS5 MATCH expression: quoted words (no operator can slip in), the last one a
        prefix when `prefix` (otherwise a whole word)."""
        terms = ['"%s"' % w for w in self.words]
        if self.prefix:
            terms.append('"%s"*' % self.prefix if prefix else '"%s"' % self.prefix)
        return " ".join(terms)

    def matches(self, word: str, *, prefix: bool = True) -> bool:
        """Whether a folded word of a text is one the query looks for."""
        if word in self.words:
            return True
        if self.prefix:
            return word.startswith(self.prefix) if prefix else word == self.prefix
        return False


def highest_classification(hits: Iterable[SearchHit]) -> str:
    """The highest classification among the hits (what a listing of them is marked)."""
    return Classification.highest([h.classification for h in hits]).value


def parse_query(text: str) -> Query:
    """The words of a query, folded; the last is a prefix unless a space follows it."""
    words = _WORD.findall(fold(text or ""))
    if not words:
        return Query((), None)
    if text[-1:].isspace():
        return Query(tuple(words), None)
    return Query(tuple(words[:-1]), words[-1])


def search(handle: MissionHandle, query: str, *, kinds: Iterable[str] | None = None,
           limit_per_kind: int = 20, typing: bool = False) -> list[SearchHit]:
    """The records matching `query`, grouped by kind (KINDS order), best first in each.

    `typing`: the query is being typed a key at a time (see the module's note on short
    prefixes). Never raises on what a user types."""
    wanted = KINDS if kinds is None else tuple(k for k in KINDS if k in set(kinds))
    unknown = set(kinds or ()) - set(KINDS)
    if unknown:
        raise ValueError("not a search kind: %s" % ", ".join(sorted(unknown)))
    parsed = parse_query(query)
    if parsed.empty or limit_per_kind < 1:
        return []
    hits: list[SearchHit] = []
    with handle.driver_connection() as conn:
        for kind in wanted:
            if kind == SOURCE:
                hits.extend(_sources(conn, query, limit_per_kind))
                continue
            prefix = not (typing and kind not in SMALL_KINDS and parsed.prefix is not None
                          and len(parsed.prefix) < TYPING_MIN_PREFIX)
            hits.extend(_kind(conn, kind, parsed, prefix, limit_per_kind))
    return hits


# --- one kind ------------------------------------------------------------------------------


def _kind(conn, kind: str, query: Query, prefix: bool, limit: int) -> list[SearchHit]:
    table = TABLES[kind]
    fts = fts_name(table)
    weights, title_col, when_col, snippet_cols = _SPECS[kind]
    # The newest CANDIDATES matches with their bm25 (lower is better); identifiers are
    # constants of this module and of search_index, never user input.
    sql = ("SELECT rowid, bm25(%s, %s) FROM %s WHERE %s MATCH ? ORDER BY rowid DESC LIMIT %d"
           % (fts, ", ".join(str(w) for w in weights), fts, fts, CANDIDATES))
    candidates = conn.execute(sql, (query.fts(prefix=prefix),)).fetchall()
    if not candidates:
        return []
    candidates.sort(key=lambda c: (c[1], -c[0]))
    columns = ("id", title_col, when_col, "classification") + snippet_cols
    select = "SELECT rowid, %s FROM %s WHERE deleted_at IS NULL AND rowid IN (%%s)" % (
        ", ".join(columns), table)
    found: list[tuple] = []
    start = 0
    while start < len(candidates) and len(found) < limit:
        # Ties with the last place are fetched too, so recency can order them.
        end = min(len(candidates), start + limit - len(found))
        while end < len(candidates) and end - start < 4 * limit \
                and candidates[end][1] == candidates[end - 1][1]:
            end += 1
        chunk = candidates[start:end]
        score = {rowid: s for rowid, s in chunk}
        rows = conn.execute(select % ",".join("?" * len(chunk)),
                            [rowid for rowid, _ in chunk]).fetchall()
        found.extend((score[r[0]], r) for r in rows)
        start = end
    found.sort(key=lambda f: (f[0], _recency(f[1][3])))
    return [_hit(kind, row, query, prefix, snippet_cols) for _, row in found[:limit]]


def _recency(value) -> float:
    """A sort key putting the most recent first (ascending sort)."""
    moment = _when(value)
    if moment is None:
        return float("inf")
    if not isinstance(moment, datetime):
        moment = datetime(moment.year, moment.month, moment.day)
    return -moment.timestamp() if moment.tzinfo else -(moment - datetime(1970, 1, 1)
                                                        ).total_seconds()


def _when(value) -> datetime | date | None:
    if value is None or isinstance(value, (datetime, date)):
        return value
    text = str(value)
    try:
        return date.fromisoformat(text) if len(text) == 10 else datetime.fromisoformat(text)
    except ValueError:
        return None


def _hit(kind: str, row: Sequence, query: Query, prefix: bool,
         snippet_cols: Sequence[str]) -> SearchHit:
    _rowid, record_id, title, when, level = row[0], row[1], row[2] or "", row[3], row[4]
    title = _shorten(_plain(title))
    title_marks = tuple(_marks(title, query, prefix))
    snippet, snippet_marks = "", ()
    for name, value in zip(snippet_cols, row[5:], strict=True):
        text = _aliases(value) if name == "aliases" else _plain(value)
        marks = _marks(text, query, prefix)
        if marks:
            snippet, snippet_marks = _excerpt(text, marks)
            break
    return SearchHit(kind=kind, id=record_id, title=title, snippet=snippet, when=_when(when),
                     classification=level, title_marks=title_marks, snippet_marks=snippet_marks)


# --- sources -------------------------------------------------------------------------------


def _sources(conn, text: str, limit: int) -> list[SearchHit]:
    """Sources whose code name holds the query ("src-01", "014"); protected ones show no
    description."""
    needle = " ".join((text or "").split()).upper()
    if not needle:
        return []
    escaped = needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    rows = conn.execute(
        "SELECT id, code_name, protected, description, updated_at, classification "
        "FROM sources "
        "WHERE deleted_at IS NULL AND upper(code_name) LIKE ? ESCAPE '\\' "
        "ORDER BY length(code_name), code_name LIMIT ?",
        ("%" + escaped + "%", limit)).fetchall()
    hits = []
    for record_id, code, protected, description, updated, level in rows:
        at = code.upper().find(needle)
        snippet = "" if protected else _shorten(_plain(description))
        hits.append(SearchHit(kind=SOURCE, id=record_id, title=code, snippet=snippet,
                              when=_when(updated), classification=level,
                              title_marks=((at, at + len(needle)),) if at >= 0 else ()))
    return hits


# --- snippets ------------------------------------------------------------------------------


def _plain(value) -> str:
    """A column's text on one line."""
    return " ".join(str(value).split()) if value else ""


def _aliases(value) -> str:
    try:
        items = json.loads(value) if isinstance(value, str) else value
    except ValueError:
        return _plain(value)
    if isinstance(items, list):
        return "; ".join(_plain(i) for i in items if i)
    return _plain(items)


def _shorten(text: str, length: int = TITLE_LENGTH) -> str:
    if len(text) <= length:
        return text
    cut = text[:length].rsplit(" ", 1)[0] or text[:length]
    return cut + ELLIPSIS


def _marks(text: str, query: Query, prefix: bool) -> list[tuple[int, int]]:
    """The spans of the words of `text` the query matched."""
    if not text:
        return []
    return [(m.start(), m.end()) for m in _WORD.finditer(text)
            if query.matches(fold(m.group()), prefix=prefix)]


def _excerpt(text: str, marks: list[tuple[int, int]]) -> tuple[str, tuple]:
    """About SNIPPET_WORDS words of `text` around its first match, with the marks moved."""
    spans = [m.span() for m in _WORD.finditer(text)]
    first = next(i for i, span in enumerate(spans) if span[0] == marks[0][0])
    lo = max(0, first - SNIPPET_BEFORE)
    hi = min(len(spans), lo + SNIPPET_WORDS)
    begin = spans[lo][0] if lo > 0 else 0
    end = spans[hi - 1][1] if hi < len(spans) else len(text)
    head = ELLIPSIS if lo > 0 else ""
    tail = ELLIPSIS if hi < len(spans) else ""
    excerpt = head + text[begin:end] + tail
    shift = len(head) - begin
    moved = tuple((a + shift, b + shift) for a, b in marks if a >= begin and b <= end)
    return excerpt, moved

