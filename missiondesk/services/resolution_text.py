"""A Security Council resolution's text, pasted, read into the paragraphs that become tasks.

`parse_resolution(text)` finds the numbered operative paragraphs ("35." or "35)") and their
lettered "(a)" and roman "(i)" sub-paragraphs, nested, with references "OP 35", "OP 35(a)",
"OP 35(a)(ii)", each paragraph's text joined across its wrapped lines. What comes before the
first operative paragraph is the preamble: its paragraphs are kept as "PP 1", "PP 2"...
(`kind == "pp"`) so a preview can show them unticked.

Pasted text is untidy: tabs and non-breaking spaces after the numbers, the page headers and
footers of the official PDF ("S/RES/2709 (2023)", "5/18", "23-22301", "Page 5"), words cut at
a line end, and text copied from a web page where the sub-paragraphs run on after a colon
("...priority tasks: (a) Protection of civilians: (i) To protect..."). A paragraph cut by a
page break continues after the header. Whether "(i)" is the ninth letter or the first roman
numeral depends on where it comes: after "(h)" it is a letter unless "(h)" ended with a colon.

Pure Python: no database, no Qt, no words for the user.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_ROMAN = ("i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x", "xi", "xii", "xiii",
          "xiv", "xv", "xvi", "xvii", "xviii", "xix", "xx")
_LETTERS = "abcdefghijklmnopqrstuvwxyz"
#: Characters pasted text uses for spaces (tabs, no-break and thin spaces, the figure space).
_SPACES = re.compile(r"[\t\u00a0\u2000-\u200a\u202f\u205f\u3000]")
_INVISIBLE = re.compile(r"[\u00ad\u200b\u200c\u200d\u2060\ufeff]")

# Lines of the official PDF that are not the resolution's text.
_NOISE = [re.compile(p, re.IGNORECASE) for p in (
    r"S/RES/\d{3,5}\s*\(\d{4}\)(\s*\[.*\])?",     # the running header
    r"\d{2}-\d{4,6}(\s*\([A-Z]\))?(\s+\d{6})*",  # the document number
    r"\*\d{6,9}\*",                                # its barcode
    r"\d{6}",                                      # its date stamp ("020526")
    r"(page\s+)?\d{1,3}(\s*/\s*\d{1,3})?",        # page numbers: "5", "5/18", "Page 5"
    r"-\s*\d{1,3}\s*-",                            # "- 5 -"
    r"[_\-\u2013\u2014=\s]{3,}",                   # rules
    r"united nations",
    r"security council",
    r"distr\.?\s*:?\s*general",
    r"please recycle.*",
    r"original\s*:\s*\w+",
    r"resolution\s+\d{3,5}\s*\(\d{4}\)",           # the title
    r"\d{1,2}\s+[A-Z][a-z]+\s+\d{4}",                # the date under the title
)]
# Where the columns of a header line part (a tab, or a wide gap).
_CELLS = re.compile(r"\t+|\s{3,}")
_ADOPTED = re.compile(r"adopted by the security council at its \d+\w* meeting", re.IGNORECASE)
_SECURITY_COUNCIL_OPENING = re.compile(r"the security council\s*,?", re.IGNORECASE)
_SYMBOL = re.compile(r"S/RES/\d{3,5}\s*\(\d{4}\)")

_NUMBERED = re.compile(r"(\d{1,3})\s*[.)](?:\s+|$)(.*)")
_MARKER = re.compile(r"\(([a-z]{1,5})\)(?:\s+|$)(.*)")
# A sub-paragraph run on after a colon or semicolon ("...tasks: (a) ...", "...; and (b) ...").
_RUN_IN_MARKER = re.compile(r"([:;](?:\s+(?:and|or))?)\s+(?=\((?:[a-z]|[ivx]{1,5})\)\s)")
# An operative paragraph run on after the end of the previous one ("...2024. 2. Requests").
_RUN_IN_NUMBER = re.compile(r"([.;:])\s+(\d{1,3})\.\s+(?=[A-Z])")
# "... in paragraph 35" or "... subparagraph": a "(a)" after it is a citation, not a marker.
_CITING = re.compile(r"(paragraphs?|subparagraphs?|\d)$", re.IGNORECASE)
# How preambular paragraphs open (a new one starts there even without a blank line).
_PREAMBLE_OPENING = re.compile(
    r"(Recalling|Reaffirming|Recognizing|Recognising|Noting|Taking note|Welcoming|Stressing|"
    r"Emphasizing|Emphasising|Underlining|Underscoring|Expressing|Reiterating|Condemning|"
    r"Deploring|Determining|Acting under|Bearing in mind|Mindful|Concerned|Deeply concerned|"
    r"Gravely concerned|Alarmed|Convinced|Commending|Encouraging|Acknowledging|Affirming|"
    r"Highlighting|Looking forward|Urging|Taking into account|Having considered|"
    r"Further|Also|Considering)\b")


@dataclass(frozen=True)
class Paragraph:
    """One paragraph of the resolution: "OP 35(a)(ii)" (kind "op", level 2) or "PP 3"."""

    reference: str
    text: str
    kind: str   # "op" operative, "pp" preambular
    level: int  # 0 numbered (or preambular), 1 lettered, 2 roman

    @property
    def operative(self) -> bool:
        return self.kind == "op"


@dataclass(frozen=True)
class ResolutionExtract:
    """What a pasted text holds: its paragraphs in order and the resolution's symbol when the
    text names one ("S/RES/2709 (2023)")."""

    paragraphs: tuple[Paragraph, ...]
    symbol: str | None = None

    @property
    def operative(self) -> tuple[Paragraph, ...]:
        return tuple(p for p in self.paragraphs if p.operative)


@dataclass
class _Item:
    kind: str
    number: str | None
    letter: str | None
    roman: str | None
    parts: list[str]

    def reference(self) -> str:
        if self.kind == "pp":
            return "PP %s" % self.number
        ref = "OP %s" % self.number if self.number is not None else ""
        if self.letter is not None:
            ref += "(%s)" % self.letter
        if self.roman is not None:
            ref += "(%s)" % self.roman
        return ref

    def level(self) -> int:
        return 2 if self.roman is not None else 1 if self.letter is not None else 0

    def text(self) -> str:
        text = ""
        for part in self.parts:
            if not text:
                text = part
            elif text.endswith("-") and not text.endswith(" -") and part[:1].islower():
                text += part  # "troop-" + "contributing": a compound cut at the line end
            else:
                text += " " + part
        return re.sub(r"\s{2,}", " ", text).strip()


def _clean_line(line: str) -> str:
    line = _INVISIBLE.sub("", line)
    line = _SPACES.sub(" ", line)
    return line.strip()


def _is_noise(raw: str) -> bool:
    """A header or footer line: each of its columns is one ("United Nations<TAB>S/RES/...")."""
    if _ADOPTED.match(_clean_line(raw)):
        return True
    cells = [_clean_line(c) for c in _CELLS.split(raw)]
    cells = [c for c in cells if c]
    return bool(cells) and all(any(p.fullmatch(c) for p in _NOISE) for c in cells)


class _Reader:
    def __init__(self) -> None:
        self.items: list[_Item] = []
        self.number: int | None = None      # the current operative paragraph
        self.letter: str | None = None
        self.roman: str | None = None
        self.preamble_count = 0
        self.blank_before = False

    @property
    def current(self) -> _Item | None:
        return self.items[-1] if self.items else None

    # --- what a marker is ------------------------------------------------------------------

    def _next_letter(self) -> str:
        if self.letter is None:
            return "a"
        index = _LETTERS.find(self.letter)
        return _LETTERS[index + 1] if 0 <= index < len(_LETTERS) - 1 else ""

    def _next_roman(self) -> str:
        if self.roman is None:
            return "i"
        index = _ROMAN.index(self.roman)
        return _ROMAN[index + 1] if index < len(_ROMAN) - 1 else ""

    def _marker_level(self, token: str) -> str | None:
        """"letter", "roman" or None (not a sub-paragraph marker here)."""
        letter_fits = token == self._next_letter()
        roman_fits = self.letter is not None and token == self._next_roman()
        if letter_fits and roman_fits:
            if self.roman is not None:
                return "roman"  # "(v)" after "(iv)": the list of romans goes on
            # "(i)" after "(h)": a roman list opens only after a lead-in ending with a colon
            lead_in = self.current.text() if self.current else ""
            return "roman" if lead_in.endswith(":") else "letter"
        if roman_fits:
            return "roman"
        if letter_fits:
            return "letter"
        if token in _ROMAN and self.letter is not None and self.roman is None and token != "i":
            return None
        if len(token) == 1 and self.roman is None and self.letter is not None:
            return None
        if len(token) == 1 and self.letter is None:
            # an extract that starts at "(c)": take the letter as it is
            return "letter"
        if token in _ROMAN and self.roman is not None:
            return "roman"
        return "letter" if len(token) == 1 else None

    # --- reading ------------------------------------------------------------------------------

    def _start(self, kind: str, number: str | None) -> _Item:
        item = _Item(kind, number, self.letter if kind == "op" else None,
                     self.roman if kind == "op" else None, [])
        self.items.append(item)
        return item

    def feed(self, line: str) -> None:
        if not line:
            self.blank_before = True
            return
        numbered = _NUMBERED.fullmatch(line)
        if numbered and self._takes_number(int(numbered.group(1))):
            self.number = int(numbered.group(1))
            self.letter = self.roman = None
            self._start("op", str(self.number))
            self._text(numbered.group(2))
            return
        marker = _MARKER.fullmatch(line)
        if marker and not self._cites_paragraph():
            level = self._marker_level(marker.group(1))
            if level == "letter":
                self.letter, self.roman = marker.group(1), None
                self._start("op", None if self.number is None else str(self.number))
                self._text(marker.group(2))
                return
            if level == "roman":
                self.roman = marker.group(1)
                self._start("op", None if self.number is None else str(self.number))
                self._text(marker.group(2))
                return
        self._continuation(line)

    def _cites_paragraph(self) -> bool:
        """The text so far ends "... paragraph 35", so "(a)" on the next line is cited."""
        item = self.current
        return item is not None and _CITING.search(item.text()) is not None

    def _takes_number(self, number: int) -> bool:
        if self.number is None:
            return 1 <= number <= 400
        return self.number < number <= self.number + 30

    def _continuation(self, line: str) -> None:
        item = self.current
        in_preamble = item is None or item.kind == "pp"
        if in_preamble:
            if _SECURITY_COUNCIL_OPENING.fullmatch(line):
                self.blank_before = False
                return
            # a blank line or a participle opens a paragraph only after one that ended (a
            # page break cuts a paragraph mid-sentence)
            ended = item is not None and item.text().endswith((",", ";", ".", ":"))
            starts_new = item is None or (ended and (
                self.blank_before or _PREAMBLE_OPENING.match(line) is not None))
            if starts_new:
                self.preamble_count += 1
                self._start("pp", str(self.preamble_count))
        self._text(line)

    def _text(self, text: str) -> None:
        self.blank_before = False
        text = text.strip()
        if not text:
            return
        # a run-in sub-paragraph or next operative paragraph: the rest is read as a new line
        cut = self._run_in(text)
        if cut is not None:
            head, rest = cut
            if head:
                self.current.parts.append(head)
            self.feed(rest)
            return
        self.current.parts.append(text)

    def _run_in(self, text: str) -> tuple[str, str] | None:
        if self.current is None or self.current.kind != "op":
            return None
        for match in _RUN_IN_MARKER.finditer(text):
            rest = text[match.end():]
            marker = _MARKER.match(rest)
            if marker and self._marker_level_after(text[:match.start()] + match.group(1),
                                                   marker.group(1)):
                return text[:match.start()] + match.group(1), rest
        for match in _RUN_IN_NUMBER.finditer(text):
            if self.number is not None and int(match.group(2)) == self.number + 1:
                return text[:match.start()] + match.group(1), text[match.start(2):]
        return None

    def _marker_level_after(self, head: str, token: str) -> bool:
        """Would `token` be a sub-paragraph once `head` is part of the current paragraph?"""
        parts = self.current.parts
        parts.append(head)
        try:
            return self._marker_level(token) is not None
        finally:
            parts.pop()


def parse_resolution(text: str) -> ResolutionExtract:
    """The paragraphs of a pasted resolution extract (see the module's docstring)."""
    symbol_match = _SYMBOL.search(text or "")
    reader = _Reader()
    lines = (text or "").replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n") \
        .split("\n")
    # the title block of the official text ends at "The Security Council,"
    opening = next((i for i, raw in enumerate(lines)
                    if _SECURITY_COUNCIL_OPENING.fullmatch(_clean_line(raw))), None)
    if opening is not None:
        lines = lines[opening + 1:]
    for raw in lines:
        line = _clean_line(raw)
        if line and _is_noise(_INVISIBLE.sub("", raw)):
            continue  # a page break: the paragraph goes on after it
        reader.feed(line)
    paragraphs = []
    for item in reader.items:
        body = item.text()
        if item.kind == "pp" and not body:
            continue
        paragraphs.append(Paragraph(reference=item.reference(), text=body, kind=item.kind,
                                    level=item.level()))
    symbol = re.sub(r"\s+", " ", symbol_match.group(0)).replace("(", " (").replace("  ", " ") \
        if symbol_match else None
    return ResolutionExtract(paragraphs=tuple(paragraphs), symbol=symbol)
