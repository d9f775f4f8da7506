"""Set a paragraph's text the way its language is typeset: quotes, dashes, ranges and no-break spaces.

The rules run over a whole paragraph at once, not run by run, so a quote next to emphasis or a link turns
the right way (`"**never**"` is “never”, `*Bob*'s` is Bob’s), and every character keeps the run it came
from. Web and e-mail addresses are left exactly as written. Every pass is one regular-expression scan
without backtracking over the text: linear in its length.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

NBSP = "\u00a0"  # no-break space: a word space that never ends a line
NNBSP = "\u202f"  # narrow no-break space: French punctuation and guillemets, digit groups in French


@dataclass(frozen=True, slots=True)
class Rules:
    """The typographic rules of one language."""

    quotes: tuple[str, str, str, str] = ("\u201c", "\u201d", "\u2018", "\u2019")  # “ ” ‘ ’
    quote_space: str = ""  # inside guillemets: French « mot »
    punctuation_space: bool = False  # French: a narrow no-break space before ; : ! ?
    ranges: bool = True  # an en dash between the numbers of a range ("10-13 April" -> 10–13)
    single_letter: bool = False  # no line break after a one-letter word (Czech, Slovak, Polish)
    group_space: str = NBSP  # between digit groups ("5 000")


_ENGLISH = Rules()
_GERMAN = Rules(quotes=("\u201e", "\u201c", "\u201a", "\u2018"))  # „ “ ‚ ‘
_SWISS = Rules(quotes=("\u00ab", "\u00bb", "\u2039", "\u203a"))  # « » ‹ › without spaces
_FRENCH = Rules(quotes=("\u00ab", "\u00bb", "\u201c", "\u201d"), quote_space=NNBSP, punctuation_space=True,
                group_space=NNBSP)
_CZECH = Rules(quotes=("\u201e", "\u201c", "\u201a", "\u2018"), single_letter=True)  # also Slovak
_POLISH = Rules(quotes=("\u201e", "\u201d", "\u00ab", "\u00bb"), single_letter=True)  # „ ” « »
_NO_RANGES = Rules(ranges=False)  # Chinese, Japanese, Korean: ranges are written with other marks

_BY_LANGUAGE = {"fr": _FRENCH, "de": _GERMAN, "cs": _CZECH, "sk": _CZECH, "pl": _POLISH,
                "zh": _NO_RANGES, "ja": _NO_RANGES, "ko": _NO_RANGES}


def rules_for(language: str) -> Rules:
    """The rules for a BCP 47 tag; English rules for a language without its own."""
    parts = language.replace("_", "-").lower().split("-")
    if parts[0] == "de" and any(p in ("ch", "li") for p in parts[1:]):
        return _SWISS
    return _BY_LANGUAGE.get(parts[0], _ENGLISH)


# --- a paragraph's text with the run of every character ------------------------------------------------------

_TOKEN = re.compile(r"\S+")


class _Tracked:
    """Text whose characters each remember the run they belong to, through substitutions."""

    def __init__(self, pieces: Sequence[str]) -> None:
        self.text = "".join(pieces)
        self.owner: list[int] = []
        for index, piece in enumerate(pieces):
            self.owner.extend([index] * len(piece))
        self._protected: list[tuple[int, int]] | None = None

    def protected(self) -> list[tuple[int, int]]:
        """Web and e-mail addresses: the rules leave them as written (copied from the PDF, they must work)."""
        if self._protected is None:
            self._protected = [m.span() for m in _TOKEN.finditer(self.text)
                               if "://" in m.group() or "@" in m.group() or "www." in m.group()]
        return self._protected

    def sub(self, pattern: re.Pattern[str], replace: Callable[[re.Match[str]], str | None]) -> None:
        """Replace matches outside addresses by `replace(match)` (None keeps the match). A replacement as long as
        its match keeps each character's run; any other gets the run of the match's first character."""
        protected = self.protected()
        text, owner = self.text, self.owner
        out: list[str] = []
        owners: list[int] = []
        last = 0
        p = 0
        for m in pattern.finditer(text):
            start, end = m.span()
            while p < len(protected) and protected[p][1] <= start:
                p += 1
            if p < len(protected) and protected[p][0] < max(end, start + 1):
                continue
            new = replace(m)
            if new is None or new == m.group():
                continue
            out.append(text[last:start])
            owners.extend(owner[last:start])
            out.append(new)
            if len(new) == end - start:
                owners.extend(owner[start:end])
            else:
                who = owner[start] if start < len(owner) else (owner[-1] if owner else 0)
                owners.extend([who] * len(new))
            last = end
        if not out:
            return
        out.append(text[last:])
        owners.extend(owner[last:])
        new_text = "".join(out)
        if len(new_text) != len(text):
            self._protected = None
        self.text, self.owner = new_text, owners

    def pieces(self, count: int) -> list[str]:
        """The text cut back into `count` runs."""
        out: list[list[str]] = [[] for _ in range(count)]
        start = 0
        owner, text = self.owner, self.text
        for i in range(1, len(text) + 1):
            if i == len(text) or owner[i] != owner[start]:
                out[owner[start]].append(text[start:i])
                start = i
        return ["".join(parts) for parts in out]


# --- the rules ---------------------------------------------------------------------------------------------------

_DASHES = re.compile(r"-{2,3}")
_QUOTE = re.compile(r"[\"']")
_OPENING_CONTEXT = set("([{\u2013\u2014/-\u201c\u2018\u201e\u201a\u00ab\u2039")
_CLOSING_CONTEXT = set(".,;:!?)]}\u2013\u2014\u2026\u201d\u2019\u00bb\u203a\"'")
_ABBREVIATIONS = re.compile(r"\b(?:Prof|Dr|Mr|Mrs|Ms|St|Mt|No|Nos|p|pp|Fig|Vol|Ch|Sec|vs|approx|ca)\. (?=\S)")
_UNITS = re.compile(r"(?<=\d) (?=(?:°C|°F|°|%|‰|km²|km|kg|mg|mm|cm|ml|m²|m|g|h|min|s|ha|MB|GB|kB|MW|kW|t|€|EUR|USD|CHF)(?!\w))")
_GROUPS = re.compile(r"(?<![\d.,])\d{1,3}(?:[ \u00a0]\d{3})+(?![\d])")
_RANGE = re.compile(r"(?<![\w.,/:+\-\u2010\u2011\u2013])(\d+)-(\d+)(?![\w/\-\u2010\u2011\u2013]|[.,:]\d)")
_PUNCTUATION = re.compile(r"[ \u00a0]*[;:!?]+")
_GUILLEMETS = re.compile(r"\u00ab[ \u00a0]*|[ \u00a0]*\u00bb")
_SINGLE_LETTER = re.compile(r"(?<![\w\u2019'.\-])[^\W\d_] (?=\S)")


def typeset(text: str, language: str = "en") -> str:
    """One text value set by the rules of its language."""
    return typeset_runs([text], rules_for(language))[0]


def typeset_runs(pieces: Sequence[str], rules: Rules) -> list[str]:
    """The texts of a paragraph's runs, set as one text: quotes see across runs; each run keeps its own text."""
    if not any(pieces):
        return list(pieces)
    t = _Tracked(pieces)
    t.sub(_DASHES, lambda m: "\u2014" if len(m.group()) == 3 else "\u2013")
    t.sub(_QUOTE, _Quotes(t, rules))
    t.sub(_ABBREVIATIONS, lambda m: m.group()[:-1] + NBSP)
    t.sub(_UNITS, lambda m: NBSP)
    t.sub(_GROUPS, lambda m: m.group().replace(" ", rules.group_space).replace(NBSP, rules.group_space))
    if rules.ranges:
        t.sub(_RANGE, lambda m: _range(m, t.text))
    if rules.punctuation_space:
        t.sub(_PUNCTUATION, lambda m: _punctuation_space(m, t.text))
    if rules.quote_space:
        t.sub(_GUILLEMETS, lambda m: _guillemet_space(m, t.text, rules.quote_space))
    if rules.single_letter:
        t.sub(_SINGLE_LETTER, lambda m: m.group()[:-1] + NBSP)
    return t.pieces(len(pieces))


class _Quotes:
    """Straight quotes to the language's quotes, in one pass that knows which quotes are open."""

    def __init__(self, tracked: _Tracked, rules: Rules) -> None:
        self.tracked = tracked
        self.rules = rules
        self.double_open = False
        self.single_open = False
        self.last = (-2, False)  # where the last quote was, and whether it opened

    def __call__(self, m: re.Match[str]) -> str:
        text, i = self.tracked.text, m.start()
        before = text[i - 1] if i > 0 else ""
        after = text[i + 1] if i + 1 < len(text) else ""
        open_before = not before or before.isspace() or before in _OPENING_CONTEXT
        if before in "\"'":  # right after another quote: an opening one opens this one too ("'hi' ...")
            open_before = self.last == (i - 1, True)
        close_after = not after or after.isspace() or after in _CLOSING_CONTEXT
        shown = self._choose(m.group(), text, i, before, after, open_before, close_after)
        self.last = (i, shown in (self.rules.quotes[0], self.rules.quotes[2]) and shown != "\u2019")
        return shown

    def _choose(self, mark: str, text: str, i: int, before: str, after: str, open_before: bool,
                close_after: bool) -> str:
        q_open, q_close, s_open, s_close = self.rules.quotes
        if mark == '"':
            opening = (open_before and not close_after) or (open_before == close_after and not self.double_open)
            self.double_open = opening
            return q_open if opening else q_close
        if before.isalnum() and after.isalnum():
            return "\u2019"  # an apostrophe: Bob’s, rock’n’roll
        if open_before and not close_after and not re.match(r"\d\d(?!\d)", text[i + 1 : i + 4]):  # not ’90s
            self.single_open = True
            return s_open
        if self.single_open and not open_before:
            self.single_open = False
            return s_close
        return "\u2019"


def _range(m: re.Match[str], text: str) -> str | None:
    """An en dash between the numbers of a range, only where it cannot be anything else: 10-13, 4-6, 2019-2020,
    1998-99, never a date (2019-09-04), ISBN or part number (chains of numbers), a phone number (555-1234,
    6859-7645 after another group of digits), a postcode (00-950, 31-123) or a decreasing pair (a score, 3-1)."""
    a, b = m.group(1), m.group(2)
    if (len(a) > 1 and a[0] == "0") or (len(b) > 1 and b[0] == "0"):
        return None
    if re.fullmatch(r"\d[ \u00a0]", text[max(m.start() - 2, 0) : m.start()]) or re.match(r"[ \u00a0]\d", text[m.end() : m.end() + 2]):
        return None  # a group of a phone number written with spaces: +86 10 6859-7645
    x, y = int(a), int(b)
    shape = (len(a), len(b))
    if max(shape) <= 3 and shape != (2, 3):
        ok = y > x
    elif shape == (4, 4):
        ok = 1000 <= x < y <= 2199
    elif shape == (4, 2):
        ok = 1000 <= x <= 2199 and y > x % 100
    else:
        ok = False
    return f"{a}\u2013{b}" if ok else None


def _punctuation_space(m: re.Match[str], text: str) -> str | None:
    """French: a narrow no-break space before ; : ! ? (replacing a space written there, or added)."""
    marks = m.group().lstrip(" \u00a0")
    spaced = len(marks) != len(m.group())
    start, end = m.start(), m.end()
    before = text[start - 1] if start > 0 else ""
    after = text[end] if end < len(text) else ""
    if not before or before.isspace():
        return None
    if not spaced:
        if not (before.isalnum() or before in "\u00bb\u201d\u2019)]"):
            return None
        if after and not (after.isspace() or after in "\u00bb\u201d\u2019)]"):
            return None  # 14:30, a:b, a URL's scheme
    return NNBSP + marks


def _guillemet_space(m: re.Match[str], text: str, space: str) -> str | None:
    """French: « and » hold the quoted words at a narrow no-break space."""
    group = m.group()
    if group.startswith("\u00ab"):
        after = text[m.end()] if m.end() < len(text) else ""
        return "\u00ab" + space if after else None
    before = text[m.start() - 1] if m.start() > 0 else ""
    return space + "\u00bb" if before and not before.isspace() else None
