"""Turn text values into clean Unicode, and the markup subset of `body`/`intro` into paragraphs of runs.

Pure functions: no fonts, no ReportLab. Everything that is not `**bold**`, `*italic*`, a
`[link](https://...)` or a `- ` bullet stays text exactly as written.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field

from anso_pdf.diagnostics import Diagnostics, Span
from anso_pdf.model.typography import Rules, rules_for, typeset, typeset_runs
from anso_pdf.model.values import check_url

__all__ = ["Para", "Run", "clean_text", "parse_inline", "parse_markup", "typeset", "words"]


@dataclass(frozen=True, slots=True)
class Run:
    text: str
    bold: bool = False
    italic: bool = False
    href: str | None = None


@dataclass(frozen=True, slots=True)
class Para:
    runs: tuple[Run, ...]
    span: Span
    bullet: bool = False

    @property
    def plain(self) -> str:
        return "".join(r.text for r in self.runs)


# --- cleaning -------------------------------------------------------------------------------------

_BIDI_CONTROLS = dict.fromkeys(map(ord, "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f"))
_INVISIBLE = dict.fromkeys(map(ord, "\ufeff\u200b\u2060"))


def clean_text(text: str, span: Span, diags: Diagnostics) -> str:
    """NFC-normalise; strip control characters and bidi overrides, with one warning per value."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    stripped = text.translate(_BIDI_CONTROLS).translate(_INVISIBLE)
    if len(stripped) != len(text):
        diags.warning(span, "removed invisible direction or formatting characters (bidi overrides, zero-width)")
    kept = "".join(c for c in stripped if c == "\n" or unicodedata.category(c) not in ("Cc", "Cs", "Co"))
    if len(kept) != len(stripped):
        bad = sorted({f"U+{ord(c):04X}" for c in stripped if c not in kept})
        diags.warning(span, f"removed control characters {', '.join(bad[:5])}", "they often come from pasting")
    return kept


# --- the markup subset ------------------------------------------------------------------------------
#
# One pass finds the links (a `[` ... `](address)` with the address scanned at most once from any place), a
# second finds the runs of stars, and a stack pairs them (the nearest open mark first, as CommonMark does):
# linear in the paragraph's length, with no recursion however many spans it holds (issue #17). Marks that
# pair with nothing print as written and are reported where they were typed (issue #14).

Where = Callable[[int], Span]  # a character of a paragraph's text -> where it is in the issue file

_BRACKETS = re.compile(r"[\[\]]")
_ADDRESS_PART = re.compile(r"[^()\s]*")
_STARS = re.compile(r"\*+")
_LINK_ATTEMPT = re.compile(r"\][ \u00a0]+\((?:https?://|mailto:|www\.)")
_SHOWN = 28  # characters of context quoted in a message


@dataclass(slots=True)
class _Link:
    start: int  # the '['
    label_end: int  # the ']'
    end: int  # after the ')'
    url: str


@dataclass(slots=True)
class _Stars:
    at: int  # where the run of stars starts in the paragraph
    count: int  # stars not yet paired
    can_open: bool
    can_close: bool
    written: int = 0
    opens: list[str] = field(default_factory=list)  # "b" or "i", the innermost first
    closes: list[str] = field(default_factory=list)


def _address_end(text: str, start: int, memo: dict[tuple[int, int], int | None]) -> int | None:
    """The index of the ')' that ends a link address starting at `start` (one level of parentheses allowed
    inside, no spaces), or None. Every (place, depth) is scanned once per paragraph, whatever the number of
    links tried: `memo` holds the outcome from each place already passed."""
    path: list[tuple[int, int]] = []
    i, depth = start, 0
    result: int | None = None
    while True:
        if (i, depth) in memo:
            result = memo[(i, depth)]
            break
        path.append((i, depth))
        i = _ADDRESS_PART.match(text, i).end()  # type: ignore[union-attr]  # (matches the empty string)
        c = text[i] if i < len(text) else ""
        if c == ")" and depth == 0:
            result = i
            break
        if c == ")" or (c == "(" and depth == 0):
            depth = 1 - depth
            i += 1
            continue
        break
    for key in path:
        memo[key] = result
    return result


def _find_links(text: str) -> tuple[list[_Link], list[tuple[int, str]]]:
    """The links of a paragraph, and the link attempts that are not links (where, and what is wrong)."""
    links: list[_Link] = []
    problems: list[tuple[int, str]] = []
    memo: dict[tuple[int, int], int | None] = {}
    opened = -1  # the first '[' since the last ']' or link
    taken = 0  # the end of the last link: brackets inside its address are its own
    for m in _BRACKETS.finditer(text):
        at = m.start()
        if at < taken:
            continue
        if text[at] == "[":
            if opened < 0:
                opened = at
            continue
        if opened >= 0 and at > opened + 1 and text.startswith("(", at + 1):
            end = _address_end(text, at + 2, memo)
            if end is not None:
                links.append(_Link(opened, at, end + 1, text[at + 2 : end]))
                taken, opened = end + 1, -1
                continue
            problems.append((opened, "address"))
        elif opened >= 0 and _LINK_ATTEMPT.match(text, at):
            problems.append((opened, "space"))
        opened = -1
    if opened >= 0 and "(" in text[opened:]:
        problems.append((opened, "bracket"))
    return links, problems


def _pair_stars(text: str, start: int, end: int) -> list[_Stars]:
    """The runs of stars in text[start:end], paired by a stack: `opens`/`closes` say what each one starts and
    ends, `count` how many of its stars are left over (printed as written)."""
    runs: list[_Stars] = []
    stack: list[_Stars] = []
    for m in _STARS.finditer(text, start, end):
        before = text[m.start() - 1] if m.start() > start else ""
        after = text[m.end()] if m.end() < end else ""
        count = m.end() - m.start()
        can_open = bool(after) and not after.isspace() and (count > 1 or not before.isalnum())
        can_close = bool(before) and not before.isspace() and (count > 1 or not after.isalnum())
        run = _Stars(m.start(), count, can_open, can_close, count)
        runs.append(run)
        if can_close:
            while run.count and stack:
                opener = stack[-1]
                used = 2 if opener.count >= 2 and run.count >= 2 else 1
                kind = "b" if used == 2 else "i"
                opener.count -= used
                run.count -= used
                opener.opens.append(kind)
                run.closes.append(kind)
                if not opener.count:
                    stack.pop()
        if run.count and can_open:
            stack.append(run)
    return runs


@dataclass(slots=True)
class _Pieces:
    """A paragraph being cut into runs: texts, and the style of each."""

    texts: list[str] = field(default_factory=list)
    styles: list[tuple[bool, bool, str | None]] = field(default_factory=list)

    def add(self, text: str, bold: int, italic: int, href: str | None) -> None:
        if text:
            self.texts.append(text)
            self.styles.append((bold > 0, italic > 0, href))


def _emphasis(text: str, start: int, end: int, pieces: _Pieces, href: str | None, base: tuple[int, int],
              skip: list[_Link], on_link: Callable[[_Link, int, int], None], unpaired: list[_Stars]) -> None:
    """Cut text[start:end] into pieces at its paired stars; links in `skip` are handed to `on_link`."""
    bold, italic = base
    runs = _pair_stars_outside(text, start, end, skip)
    pos = start
    r = 0
    for link in [*skip, None]:
        stop = link.start if link else end
        while r < len(runs) and runs[r].at < stop:
            run = runs[r]
            pieces.add(text[pos : run.at], bold, italic, href)
            for kind in run.closes:
                bold, italic = (bold - 1, italic) if kind == "b" else (bold, italic - 1)
            pieces.add("*" * run.count, bold, italic, href)
            if run.count:
                unpaired.append(run)
            for kind in reversed(run.opens):
                bold, italic = (bold + 1, italic) if kind == "b" else (bold, italic + 1)
            pos = run.at + run.written
            r += 1
        pieces.add(text[pos:stop], bold, italic, href)
        if link:
            on_link(link, bold, italic)
            pos = link.end


def _pair_stars_outside(text: str, start: int, end: int, links: list[_Link]) -> list[_Stars]:
    """Stars outside the links pair with each other; a link is one piece of text to them."""
    if not links:
        return _pair_stars(text, start, end)
    # the links' own text is pairing's business inside each link: mask it with a letter
    masked = []
    pos = start
    for link in links:
        masked.append(text[pos : link.start])
        masked.append("L" * (link.end - link.start))
        pos = link.end
    masked.append(text[pos:end])
    runs = _pair_stars("".join(masked), 0, end - start)
    for run in runs:
        run.at += start
    return runs


def parse_inline(text: str, where: Where, diags: Diagnostics, rules: Rules | None = None) -> tuple[Run, ...]:
    """The runs of one paragraph's text, typeset as one text by `rules` (English rules by default)."""
    links, problems = _find_links(text)
    pieces = _Pieces()
    unpaired: list[_Stars] = []

    def on_link(link: _Link, bold: int, italic: int) -> None:
        problem = check_url(link.url)
        if problem:
            diags.error(where(link.label_end + 2), problem, "links may be https://, http:// or mailto:")
        inner: list[_Stars] = []
        _emphasis(text, link.start + 1, link.label_end, pieces, None if problem else link.url, (bold, italic), [],
                  on_link, inner)
        unpaired.extend(inner)

    _emphasis(text, 0, len(text), pieces, None, (0, 0), links, on_link, unpaired)
    _report(text, where, diags, unpaired, problems)
    set_texts = typeset_runs(pieces.texts, rules or rules_for("en"))
    return tuple(_merge([Run(t, *style) for t, style in zip(set_texts, pieces.styles, strict=True) if t]))


def _report(text: str, where: Where, diags: Diagnostics, unpaired: list[_Stars],
            problems: list[tuple[int, str]]) -> None:
    """One warning per paragraph for each kind of mark left open, at the first one, with what to type."""
    opened = sorted((r for r in unpaired if r.can_open and not r.closes), key=lambda r: r.at)
    stray = sorted((r for r in unpaired if r.count >= 2 and r.can_close and not r.can_open), key=lambda r: r.at)
    more = len(opened) + len(stray) + len(problems) - 1
    also = f" (and {more} more unpaired {'mark' if more == 1 else 'marks'} in this paragraph)" if more > 0 else ""
    if opened:
        run = opened[0]
        shown = _context(text, run.at)
        if run.count >= 2:
            diags.warning(where(run.at), f"bold is never closed: {shown} has no closing **{also}",
                          "type ** after the last word that should be bold, as in **these words**; to print "
                          "two stars as they are, put a space after them")
        else:
            diags.warning(where(run.at), f"italic is never closed: {shown} has no closing *{also}",
                          "type * after the last word in italics, as in *these words*; to print a star as it "
                          "is, put a space after it")
        also = ""
    elif stray:
        run = stray[0]
        diags.warning(where(run.at), f"'**' closes a bold that was never opened: {_context(text, run.at, before=True)}"
                      f"{also}", "type ** before the first word that should be bold, as in **these words**")
        also = ""
    if problems:
        at, kind = problems[0]
        shown = _context(text, at)
        if kind == "bracket":
            hint = "a link is [text](https://address): close the text with ] right before the ( of the address"
            message = f"link text is never closed: {shown} has no ]"
        elif kind == "space":
            hint = "a link is [text](https://address), with no space between ] and ("
            message = f"not a link: {shown} has a space between ] and ("
        else:
            hint = "a link is [text](https://address): end the address with ), and write no space inside it"
            message = f"link address is not closed: {shown} has no ) after the address"
        diags.warning(where(at), message + also, hint)


def _context(text: str, at: int, *, before: bool = False) -> str:
    """A short quote of the text at a mark, as the user wrote it."""
    if before:
        start = max(0, at - _SHOWN)
        return f"'{'…' if start else ''}{text[start : at + 2]}'"
    end = min(len(text), at + _SHOWN)
    return f"'{text[at:end]}{'…' if end < len(text) else ''}'"


def _merge(runs: list[Run]) -> list[Run]:
    out: list[Run] = []
    for r in runs:
        if out and (out[-1].bold, out[-1].italic, out[-1].href) == (r.bold, r.italic, r.href):
            out[-1] = Run(out[-1].text + r.text, r.bold, r.italic, r.href)
        else:
            out.append(r)
    return out


def parse_markup(text: str, span: Span, diags: Diagnostics, *, block: bool = False, column: int | None = None,
                 language: str = "en") -> tuple[Para, ...]:
    """Paragraphs split at blank lines; `- ` lines start bullet items; single newlines are spaces.

    `block` says the text came from a `|` block, whose first line is the line after `span`; `column` is where
    the text starts on its lines (yaml_tree.Scalar.text_column), so a message can point at a mark."""
    rules = rules_for(language)
    first_line = span.line + (1 if block else 0)
    paras: list[Para] = []
    current: list[str] = []
    places: list[tuple[int, int, int]] = []  # (offset in the paragraph's text, line, column) of each line
    bullet = False

    def place(line: int, indent: int) -> tuple[int, int]:
        if column is None:  # a value folded over several lines: its first character
            return (span.line, span.column)
        return (line, column + indent)

    def flush() -> None:
        nonlocal current, places
        joined = " ".join(current)
        lead = len(joined) - len(joined.lstrip())
        joined = joined.strip()
        if joined:
            offsets = [p[0] - lead for p in places]
            marks = places

            def where(offset: int) -> Span:
                k = max(bisect_right(offsets, offset) - 1, 0)
                _, line, col = marks[k]
                return Span(span.file, line, col + max(offset - offsets[k], 0) if column is not None else col)

            paras.append(Para(parse_inline(joined, where, diags, rules), where(0), bullet))
        current, places = [], []

    length = 0
    for offset, line in enumerate(text.split("\n")):
        stripped = line.strip()
        indent = len(line) - len(line.lstrip())
        source_line = first_line + offset if block else span.line
        if not stripped:
            flush()
            length = 0
            bullet = False
            continue
        if stripped.startswith("- ") or stripped == "-":
            flush()
            length = 0
            bullet = True
            stripped = stripped[2:]
            indent += 2
        elif not current:
            bullet = False
        if current:
            length += 1  # the space joining the lines
        places.append((length, *place(source_line, indent)))
        current.append(stripped)
        length += len(stripped)
    flush()
    return tuple(paras)


def words(text: str) -> list[str]:
    """The words of a text, for counting and for checks."""
    return re.findall(r"[^\W_]+", text)
