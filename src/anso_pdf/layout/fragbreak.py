"""Total-fit line breaking for body paragraphs of several runs (bold, italic, links, fallback-font text): ReportLab's
frag words broken by layout/linebreak.py's breaker and set as ReportLab's own lines of styled fragments (issue #16).

ReportLab's breaker (`Paragraph.breakLines`) cuts such a paragraph into "frag words": a word between two spaces,
as the runs it is made of (`[width, (frag, text), ...]`, the link markers of layout/inline.py as runs with no
text). Here the same frag words are measured piece by piece as they are drawn (each run on its own, shaped:
`stringWidth` of a shipped face), broken with the same costs, hyphen rules and hanging punctuation as a paragraph
of one run, and assembled into the `FragLine`s ReportLab's breaker would make for those breaks (same fragments,
same joining of runs and spaces, the hyphenated heads and tails as its `_SplitFragHY` and `_SplitFrag` words, an
`_InjectedFrag` after each hyphenated head, `sFW` and `frags` set for `Paragraph.split`). So ReportLab draws, links
and splits the lines as its own.

Only paragraphs whose runs are text at the style's size and markers with no width are set here; anything else
(images, line breaks, raised text, soft hyphens, a word wider than its line) is left to ReportLab's breaker.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

# ReportLab's frag-word classes and line structures (reportlab is pinned to 5.1.0); no markup is made here.
from reportlab.lib.rl_accel import sameFrag
from reportlab.pdfbase.pdfmetrics import getAscentDescent, getFont, stringWidth
from reportlab.platypus.paragraph import (  # noqa: TID251
    _FK_BREAK,
    FragLine,
    ParaLines,
    _getFragWords,
    _HSFrag,
    _InjectedFrag,
    _SHYWord,
    _SplitFrag,
    _SplitFragHS,
    _SplitFragHY,
    _SplitFragLL,
)

from anso_pdf.layout import linebreak

_HYPHEN_CLASSES = (_SplitFragHY,)


class _Word:
    """One frag word: its runs, their offsets in its text, and its text."""

    __slots__ = ("frag_word", "offsets", "runs", "text")

    def __init__(self, frag_word: list[Any]) -> None:
        self.frag_word = frag_word
        self.runs: list[tuple[Any, str]] = [(f, str(t)) for f, t in frag_word[1:]]
        self.offsets: list[int] = []
        at = 0
        for _, t in self.runs:
            self.offsets.append(at)
            at += len(t)
        self.text = "".join(t for _, t in self.runs)

    def run_at(self, char: int) -> int:
        """The run holding character `char` (the first run with text there)."""
        for k, ((_, t), at) in enumerate(zip(self.runs, self.offsets, strict=True)):
            if at <= char < at + len(t):
                return k
        return len(self.runs) - 1

    def width(self, start: int, stop: int, hyphen: bool) -> float:
        """Characters start:stop as drawn, run by run; with a hyphen, it is set after them in the run that holds
        character `stop` (where ReportLab's own hyphenation puts it)."""
        total = 0.0
        cut = self.run_at(stop) if hyphen else -1
        for k, ((f, t), at) in enumerate(zip(self.runs, self.offsets, strict=True)):
            lo, hi = max(start, at), min(stop, at + len(t))
            if k == cut:
                total += _width(f, t[max(0, start - at) : stop - at] + "-")
            elif hi > lo and not hasattr(f, "cbDefn"):
                total += _width(f, t[lo - at : hi - at])
        return total

    def cut(self, start: int, stop: int, hyphen: bool, spaced: bool) -> list[Any]:
        """The frag word of characters start:stop (ends with a hyphen: a hyphenated head; `spaced`: a space follows).
        Runs with no text go with the characters after them, except at the word's start and end."""
        runs: list[tuple[Any, str]] = []
        cut = self.run_at(stop) if hyphen else -1
        end = len(self.text)
        for k, ((f, t), at) in enumerate(zip(self.runs, self.offsets, strict=True)):
            if k == cut:
                runs.append((f, t[max(0, start - at) : stop - at] + "-"))
                break
            if not t:
                if (start <= at < stop) or (at == stop == end) or (at == start == 0):
                    runs.append((f, t))
                continue
            lo, hi = max(start, at), min(stop, at + len(t))
            if hi > lo:
                runs.append((f, t[lo - at : hi - at]))
        width = sum(0.0 if hasattr(f, "cbDefn") else _width(f, t) for f, t in runs)
        kind: type = _SplitFragHY if hyphen else (_SplitFragHS if spaced else _SplitFrag)
        return kind([width, *runs])


def _width(frag: Any, text: str) -> float:
    return stringWidth(text, frag.fontName, frag.fontSize) if text else 0.0


def frag_words(para: Any, size: float, max_width: float) -> list[list[Any]] | None:
    """The paragraph's frag words, as words: each a frag word and the frag words with no text that follow it (where
    a run starts with a space, ReportLab makes that space a frag word of its own, with no text); None when the
    paragraph is not one this module can set."""
    frags = para.frags
    if not frags:
        return None
    groups: list[list[Any]] = []
    for w in _getFragWords(frags, max_width):
        if isinstance(w, (_SHYWord, _InjectedFrag)):
            return None  # soft hyphens
        for f, t in w[1:]:
            if hasattr(f, "cbDefn"):
                if getattr(f.cbDefn, "width", 0) or getattr(f.cbDefn, "kind", "") == "img":
                    return None
            elif (getattr(f, "_fkind", None) == _FK_BREAK or hasattr(f, "lineBreak") or getattr(f, "rise", 0)
                  or f.fontSize != size or getattr(f, "backColor", None) or "\u00ad" in str(t)):
                return None
        if any(t for _, t in w[1:]) or not groups:
            groups.append([w])
        else:
            groups[-1].append(w)
    if not any(t for _, t in groups[0][0][1:]):
        return None
    if any(not isinstance(g[-1], _HSFrag) for g in groups[:-1]):
        return None  # words not parted by a space
    return groups


# What the breaker chose for a paragraph's frag words, by what it depends on (`_fingerprint`, the line widths and
# the options): balancing and copyfitting set the same paragraph at the same measure again and again, each time
# from new ReportLab objects. The words' widths as drawn, and the `Breaking` (plain data, never changed after).
_FOUND: dict[tuple[Any, ...], tuple[list[float], linebreak.Breaking | None]] = {}


def _fingerprint(groups: list[list[Any]]) -> tuple[Any, ...]:
    """All that the breaker reads of the frag words: each word's class and runs (text, face, size, no-break, marker)
    and the face and size of the space after it."""
    return tuple(
        (type(g[0]), tuple((str(t), f.fontName, f.fontSize, getattr(f, "nobr", False), hasattr(f, "cbDefn"))
                           for f, t in g[0][1:]),
         g[-1][-1][0].fontName, g[-1][-1][0].fontSize)
        for g in groups)


def break_frag_words(
    para: Any,
    groups: list[list[Any]],
    widths: Sequence[float],
    *,
    hyphenate: Any,
    shrinkage: float,
    min_length: int,
    ragged: bool,
    hanging: bool,
) -> tuple[list[Any], list[Any], int, list[float]] | None:
    """The paragraph's frag words broken total-fit: its FragLines, the frag words as laid (`Paragraph.frags` after
    breaking, which `split` slices), the hyphenated lines, and each line's stretch were it justified. None when a
    word is wider than its line."""
    style = para.style
    size = style.fontSize
    words = [g[0] for g in groups]
    items = [_Word(w) for w in words]
    key = (_fingerprint(groups), tuple(widths), hyphenate, shrinkage, min_length, ragged, hanging, style.fontName,
           size)
    space = stringWidth(" ", style.fontName, size)
    known = _FOUND.get(key)
    if known is None:
        whole = [item.width(0, len(item.text), False) for item in items]
        spaces_after = [stringWidth(" ", g[-1][-1][0].fontName, g[-1][-1][0].fontSize) for g in groups]
        known = whole, linebreak.break_measured(
            [w.text for w in items], widths, lambda i, a, b, h: items[i].width(a, b, h), space,
            stringWidth("-", style.fontName, size), hyphenate=hyphenate, shrinkage=shrinkage, min_length=min_length,
            ragged=ragged, size=size, spaces_after=spaces_after,
            face_at=(lambda i, c: getFont(items[i].runs[items[i].run_at(c)][0].fontName)) if hanging else None,
            unbreakable=lambda i: isinstance(words[i], _SplitFragLL) or any(
                getattr(f, "nobr", False) for f, _ in items[i].runs))
        if len(_FOUND) > 2_000:
            _FOUND.clear()
        _FOUND[key] = known
    for w, width in zip(words, known[0], strict=True):
        w[0] = width  # as drawn (a frag word rejoined after a split is not exact)
    found = known[1]
    if found is None:
        return None
    pieces = found.pieces
    laid: list[Any] = []  # the frag words as laid, with an injected break after each hyphenated head
    lines: list[Any] = []
    stretches: list[float] = []
    hyphenated = 0
    for number, (a, e, left, right) in enumerate(found.lines):
        start = len(laid)
        line_words: list[Any] = []
        for owner, first, stop, broken in pieces.by_word(a, e):
            if first == 0 and not broken:
                line_words.append(words[owner])
            else:
                line_words.append(items[owner].cut(first, stop, broken, isinstance(words[owner], _HSFrag)))
            if not broken:
                line_words.extend(groups[owner][1:])
        laid.extend(line_words)
        hyphen_end = isinstance(line_words[-1], _HYPHEN_CLASSES)
        hyphenated += hyphen_end
        line = _frag_line(line_words, linebreak.measure_of(widths, number), left + right, start)
        lines.append(line)
        spaces = line.wordCount - 1 + sum(str(getattr(f, "text", "")).count("\u00a0") for f in line.words
                                           if not hasattr(f, "cbDefn"))
        stretches.append(linebreak.stretch_of(line.extraSpace, spaces, space))
        if hyphen_end and number < len(found.lines) - 1:
            f = line_words[-1][-1][0]
            laid.append(_InjectedFrag([0, (f.clone(_fkind=_FK_BREAK, text=""), "")]))
    return lines, laid, hyphenated, stretches


def _frag_line(words: list[Any], max_width: float, hanging: float, first_word: int) -> Any:
    """One FragLine of frag words, as ReportLab's breaker makes it (`Paragraph.breakLines`, kind 1, with
    `autoLeading` off): runs of one style joined, a space after a word followed by another, its extra space
    counting the protrusion of its hanging punctuation."""
    out: list[Any] = []
    g: Any = None
    n = 0
    space_width = 0.0
    current = 0.0
    max_size = 0.0
    max_ascent, min_descent = -1e9, 1e9

    def measure(frag: Any) -> None:
        nonlocal max_size, max_ascent, min_descent
        ascent, descent = getAscentDescent(frag.fontName, frag.fontSize)
        max_size = max(max_size, frag.fontSize)
        max_ascent, min_descent = max(max_ascent, ascent), min(min_descent, descent)

    for w in words:
        last_frag = w[-1][0]
        f, text = w[1]
        width = w[0]
        current = current + space_width + width if width > 0 else current
        if text:
            n += 1
        measure(f)
        if not out:
            g = f.clone()
            g.text = text
            out.append(g)
        elif not sameFrag(g, f):
            if space_width:
                for wi in reversed(out):
                    if not hasattr(wi, "cbDefn"):
                        if not wi.text.endswith(" "):
                            wi.text += " "
                        break
            g = f.clone()
            g.text = text
            out.append(g)
        elif space_width:
            g.text += text if g.text.endswith(" ") else " " + text
        else:
            g.text += text
        space_width = stringWidth(" ", last_frag.fontName, last_frag.fontSize) if isinstance(w, _HSFrag) else 0.0
        more = False
        for frag, piece in w[2:]:
            g = frag.clone()
            g.text = piece
            more = more or bool(piece)
            out.append(g)
            measure(frag)
        if not text and more:
            n += 1
    return FragLine(extraSpace=max_width + hanging - current, wordCount=n, lineBreak=False, words=out,
                    fontSize=max_size, ascent=max_ascent, descent=min_descent, maxWidth=max_width, sFW=first_word)


def para_lines(lines: list[Any]) -> Any:
    return ParaLines(kind=1, lines=lines)
