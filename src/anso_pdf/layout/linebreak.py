"""Total-fit line breaking (Knuth and Plass) for body paragraphs, justified or ragged-right (issue #8).

ReportLab fills each line greedily: as many words as fit, then the next line, so one line's choice can leave
the next one very loose. Here the breaks of the whole paragraph are chosen together, so that the sum of the
lines' demerits is least:

- boxes are the pieces of words between hyphenation points, as wide as they make the word shaped with HarfBuzz
  (`stringWidth` of a shipped face is the shaped width, layout/shaping.py), with the corrections that make
  every line exactly as wide as it is drawn (below, in `break_words`);
- glue is the word space: its natural width, stretch of STRETCH spaces (badness 100 at that stretch) and
  shrink of at most `spaceShrinkage` of a space, the squeeze ReportLab itself allows;
- a break inside a word costs HYPHEN_PENALTY and the width of a hyphen; a second hyphenated line in a row
  costs DOUBLE_HYPHEN_DEMERITS more and a third is not allowed; a hyphen on the line before the last costs
  FINAL_HYPHEN_DEMERITS (forbidden with FORBID_FINAL_HYPHEN, which is off: see docs/typography.md);
- the first line may be narrower (first-line indent): ReportLab passes the widths of the first and the other
  lines;
- the last line is set ragged: it stretches without limit and costs nothing for it.

Demerits of a line are (LINE_PENALTY + badness)^2 + penalty^2 (+ the demerits above), badness being 100 r^3 for
a line whose spaces change by r times their stretch (uncapped, so a very loose line always costs more than a
less loose one). A first pass considers only lines stretched up to MAX_STRETCH times the word space; when that
finds no way through the paragraph, a second pass takes any line that is not overfull.

A short justified paragraph (SHORT_PARAGRAPH lines or fewer) has few ways to break, and when the best of them still
stretches a word space beyond RAGGED_BEYOND times its width, `break_lines` sets it ragged-right instead (as TeX
would report an underfull line, and as narrow columns are set ragged): "ANSO Strategic Plan 2020-2022 consists of
four / chapters:" (no hyphenation point in "chapters" in British English) had its first line's spaces 3.0 times
their width.

Ragged-right body text (the left-aligned copies of the body styles that `layout/columns.py` uses in narrow
columns, `ragged_body`) is broken the same way with another cost per line: word spaces keep their natural width
(no stretch, and no shrink either, so no line is wider than its column, where ReportLab's breaker lets a
left-aligned line run up to `spaceShrinkage` of its spaces past it), and each line but the last costs
LINE_PENALTY^2 + (RAGGED_DEMERITS g)^2 for the share g of its width it leaves empty, so the paragraph's rag is
as even as the hyphen rules (the same as above) allow. The last line costs nothing unless it fills less than
SHORT_LAST of its width: a mild preference, up to SHORT_LAST_DEMERITS. The first pass takes lines that leave at
most MAX_GAP of their width empty.

`break_lines` returns the lines in the structure ReportLab's `Paragraph.breakLines` returns for a paragraph of
one plain fragment (kind 0: `(extraSpace, [words])` per line, hyphenated heads as `_SplitWordHY` and tails as
`_SplitWordEnd` so that a split rejoins them), and only for paragraphs it can set that way: otherwise None, and
ReportLab's own breaker sets the paragraph. `keep_split_lines` gives the two parts of a split paragraph the
lines they had in the whole, so a part re-wrapped at the same width keeps them (breaking a part again on its own
could give it other lines, and another height).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

# ReportLab's own word classes and hyphenation patterns, so the lines are the ones its drawing and splitting
# expect (reportlab is pinned to 5.1.0); no Paragraph is made here, so no user text goes unescaped.
from reportlab.lib.enums import TA_JUSTIFY, TA_LEFT
from reportlab.pdfbase.pdfmetrics import getAscentDescent, getFont, stringWidth
from reportlab.platypus.paragraph import (  # noqa: TID251
    _hy_letters_pat,
    _hy_pfx_pat,
    _hy_sfx_pat,
    _processed_frags,
    _SHYStr,
    _SplitWord,
    _SplitWordEnd,
    _SplitWordHY,
    _SplitWordLL,
    strip,
)
from reportlab.rl_settings import hyphenationMinWordLength

from anso_pdf.layout import breakmemo
from anso_pdf.layout.shaping import LEFT, RIGHT, hanging, protrusion
from anso_pdf.layout.spaces import split  # ReportLab's, keeping U+202F inside words as it keeps U+00A0

STRETCH = 0.5  # a word space stretched by half its width has badness 100
MAX_STRETCH = 3.0  # first pass: lines whose word space is at most this many times the natural one
LINE_PENALTY = 10.0  # TeX's \linepenalty
HYPHEN_PENALTY = 50.0  # TeX's \hyphenpenalty
DOUBLE_HYPHEN_DEMERITS = 3000.0  # a second hyphenated line in a row
MAX_HYPHENS_IN_A_ROW = 2
FINAL_HYPHEN_DEMERITS = 5000.0  # a hyphen on the line before the last (TeX's \finalhyphendemerits)
# Forbid that hyphen outright? Measured (docs/typography.md): it costs more word space than total-fit wins, and
# the layout checks' word-space limit fails, so it is off; when on, it gives way only in the second pass.
FORBID_FINAL_HYPHEN = False
# Ragged-right (break_words(ragged=True)): a line that leaves the share g of its width empty costs
# (RAGGED_DEMERITS g)^2 (+ LINE_PENALTY^2, as every line), so with 1000 a line 5 % short costs as much as a hyphen.
RAGGED_DEMERITS = 1000.0
MAX_GAP = 0.4  # first pass: lines leaving at most this share of their width empty
SHORT_LAST = 0.2  # a last line shorter than this share of its width costs up to SHORT_LAST_DEMERITS
SHORT_LAST_DEMERITS = 10000.0
HANGING = True  # justified body text hangs its punctuation into the margins (optical margin alignment)
# A justified paragraph of at most SHORT_PARAGRAPH lines whose best breaking stretches a word space beyond
# RAGGED_BEYOND times its width is set ragged-right (break_lines; measured in docs/typography.md)
RAGGED_WHEN_LOOSE = True
SHORT_PARAGRAPH = 3
RAGGED_BEYOND = 2.5

Hyphenator = Callable[[str], Iterable[tuple[str, str]]]

_SPACE, _HYPHEN, _END = 0, 1, 2  # what follows a piece: a word space, a hyphenation point, the paragraph end
_FUZZ = 1e-9


@dataclass
class Line:
    extra: float  # the line's width less its natural width (negative: its spaces are squeezed)
    words: list[str]
    hyphenated: bool  # it ends inside a word
    stretch: float = 1.0  # its word space over the natural one, were it justified (1.0: no word space)


# --- measuring -----------------------------------------------------------------------------------------------

_WIDTHS: dict[tuple[str, float], dict[str, float]] = {}
_CUTS: dict[tuple[Any, str], tuple[int, ...]] = {}
_CACHE_LIMIT = 20_000


def _widths(font: str, size: float) -> Callable[[str], float]:
    table = _WIDTHS.setdefault((font, size), {})
    if len(table) > _CACHE_LIMIT:
        table.clear()

    def width(text: str) -> float:
        w = table.get(text)
        if w is None:
            w = table[text] = stringWidth(text, font, size)
        return w

    return width


def hyphenation_points(word: str, hyphenate: Hyphenator | None, min_length: int = hyphenationMinWordLength) -> tuple[int, ...]:
    """Where a word may be broken (character offsets), as ReportLab would try them: leading and trailing
    punctuation set aside, only words of letters at least `min_length` long, a hyphen added at the break."""
    if hyphenate is None or isinstance(word, _SplitWordLL):
        return ()
    key = (hyphenate, word)
    cached = _CUTS.get(key)
    if cached is not None:
        return cached
    m = _hy_pfx_pat.match(word)
    start = len(m.group(0)) if m else 0
    m = _hy_sfx_pat.search(word, start)
    stop = m.start() if m else len(word)
    core = word[start:stop]
    cuts: tuple[int, ...] = ()
    if len(core) >= min_length and _hy_letters_pat.match(core):
        cuts = tuple(sorted({start + len(h) for h, t in hyphenate(core) if h and t and h + t == core}))
    if len(_CUTS) > _CACHE_LIMIT:
        _CUTS.clear()
    _CUTS[key] = cuts
    return cuts


# --- the breaker ---------------------------------------------------------------------------------------------


Measure = Callable[[int, int, int, bool], float]  # word, first and end character, with a hyphen: width as drawn


@dataclass
class Pieces:
    """A paragraph's words cut at their hyphenation points, measured, as the breaker sees them."""

    texts: list[str]
    owner: list[int]  # the word each piece is part of
    start: list[int]  # where it starts in its word
    after: list[int]  # what follows it: _SPACE, _HYPHEN or _END

    def by_word(self, a: int, e: int) -> Iterator[tuple[int, int, int, bool]]:
        """The words of the line of pieces a..e - 1, each as (word, first character, end character, broken): the
        part of the word on the line, and whether the line ends inside it (with a hyphen)."""
        i = a
        while i < e:
            j = i
            while j + 1 < e and self.owner[j + 1] == self.owner[i]:
                j += 1
            yield self.owner[i], self.start[i], self.start[j] + len(self.texts[j]), self.after[j] == _HYPHEN
            i = j + 1


@dataclass
class Breaking:
    """What the breaker chose: the pieces, and the lines as (first piece, end piece, extra) with their widths'
    protrusions (left and right, in points)."""

    pieces: Pieces
    lines: list[tuple[int, int, float, float]]  # (a, e, left protrusion of piece a, right protrusion of piece e - 1)


def measure_of(widths: Sequence[float], number: int) -> float:
    """The width of line `number`: the first line's own, every other line the second's."""
    return widths[0] if number == 0 else widths[min(1, len(widths) - 1)]


def break_words(
    words: Sequence[str],
    widths: Sequence[float],
    font: str,
    size: float,
    *,
    hyphenate: Hyphenator | None = None,
    shrinkage: float = 0.05,
    min_length: int = hyphenationMinWordLength,
    hyphen_penalty: float | None = None,
    forbid_final_hyphen: bool | None = None,
    ragged: bool = False,
    hanging: bool = False,
) -> list[Line] | None:
    """Break `words` into lines of `widths` (the first line's width, then the others'; the last entry repeats)
    with the least total demerits. None when a piece of a word is wider than its line. The penalties are the
    module's constants unless given.

    ragged: set ragged-right instead of justified: word spaces keep their width (no stretch, no shrink, so no
    line is wider than its width), and a line costs the square of what it leaves empty at the right edge
    (RAGGED_DEMERITS) instead of its badness; the last line costs nothing unless it is very short (SHORT_LAST).
    The hyphen rules are the same.

    hanging: punctuation at a line's start or end hangs into the margin (layout/shaping.py's LEFT and RIGHT): the
    line may be that much wider, and its `extra` counts it, so drawn shifted left by the start's protrusion
    (render/glyphs.py) it ends that far past the right edge."""
    width_of = _widths(font, size)
    space = width_of(" ")

    def measure(i: int, start: int, stop: int, hyphen: bool) -> float:
        word = words[i]
        return width_of((word[start:stop] + "-") if hyphen else word if stop - start == len(word) else word[start:stop])

    face = getFont(font) if hanging else None
    found = break_measured(
        words, widths, measure, space, width_of("-"), hyphenate=hyphenate, shrinkage=shrinkage, min_length=min_length,
        hyphen_penalty=hyphen_penalty, forbid_final_hyphen=forbid_final_hyphen, ragged=ragged,
        face_at=(lambda i, k: face) if face is not None else None, size=size)
    if found is None:
        return None
    lines = []
    for number, (a, e, left, right) in enumerate(found.lines):
        out: list[str] = []
        for owner, first, stop, broken in found.pieces.by_word(a, e):
            word = words[owner]
            out.append(_SplitWordHY(word[first:stop] + "-") if broken else word if first == 0
                       else _SplitWordEnd(word[first:stop]))
        line_width = measure_of(widths, number) + left + right
        natural = -space
        for w in out:  # summed as ReportLab's breaker sums, so the same line gets the same extraSpace
            natural = natural + space + width_of(w)
        spaces = len(out) - 1 + sum(w.count("\u00a0") for w in out)  # as ReportLab's justification counts them
        lines.append(Line(line_width - natural, out, found.pieces.after[e - 1] == _HYPHEN,
                          stretch_of(line_width - natural, spaces, space)))
    return lines


def stretch_of(extra: float, spaces: int, space: float) -> float:
    """A line's word space over the natural one, were it justified: its extra width shared by its spaces."""
    return 1.0 + extra / (spaces * space) if spaces > 0 else 1.0


def break_measured(
    words: Sequence[str],
    widths: Sequence[float],
    measure: Measure,
    space: float,
    hyphen: float,
    *,
    hyphenate: Hyphenator | None = None,
    shrinkage: float = 0.05,
    min_length: int = hyphenationMinWordLength,
    hyphen_penalty: float | None = None,
    forbid_final_hyphen: bool | None = None,
    ragged: bool = False,
    face_at: Callable[[int, int], Any] | None = None,
    size: float = 0.0,
    spaces_after: Sequence[float] | None = None,
    unbreakable: Callable[[int], bool] | None = None,
) -> Breaking | None:
    """The breaker of `break_words` on words measured by `measure` (their texts give the hyphenation points, the
    no-break spaces and the hanging punctuation): the chosen lines as pieces, or None when a piece is wider than its
    line. `space` is the word space whose stretch and shrink the lines share (justification spreads a line's extra
    width over its spaces evenly), `spaces_after` the natural width of the space after each word where they differ
    (several fonts; default `space`), `face_at(word, character)` the font of a character for its protrusion (None:
    no hanging punctuation; `size` its size), `unbreakable(word)` a word never to hyphenate."""
    hyphen_penalty = HYPHEN_PENALTY if hyphen_penalty is None else hyphen_penalty
    forbid_final_hyphen = FORBID_FINAL_HYPHEN if forbid_final_hyphen is None else forbid_final_hyphen
    unit = STRETCH * space  # stretch of one word space
    squeeze = 0.0 if ragged else shrinkage * space  # most a word space may shrink
    first_width, other_width = measure_of(widths, 0), measure_of(widths, 1)

    # pieces: words cut at their hyphenation points
    texts: list[str] = []
    owner: list[int] = []
    starts: list[int] = []
    after: list[int] = []
    # Widths are shaped (layout/shaping.py), so a word is not the sum of its pieces (kerning and ligatures across a
    # hyphenation point): a piece is as wide as it adds to the shaped word up to it, so that whole words and the
    # heads of broken ones sum exactly; a line that starts inside a word corrects by `tail` (the tail shaped alone
    # less the pieces' sum), one that ends inside a word by `head_hyphen` (the head shaped with its hyphen less the
    # head and a hyphen shaped apart).
    piece: list[float] = []
    tail: list[float] = []
    head_hyphen: list[float] = []
    # the space after a piece less `space` (0.0 for every piece in one font: the sums stay exact)
    wider: list[float] = []
    for i, word in enumerate(words):
        n_chars = len(word)
        cuts = () if unbreakable is not None and unbreakable(i) else hyphenation_points(word, hyphenate, min_length)
        bounds = (0, *cuts, n_chars)
        whole = measure(i, 0, n_chars, False)
        for k in range(len(bounds) - 1):
            texts.append(word[bounds[k] : bounds[k + 1]])
            owner.append(i)
            starts.append(bounds[k])
            last_piece = k == len(bounds) - 2
            after.append(_SPACE if last_piece else _HYPHEN)
            before = measure(i, 0, bounds[k], False) if k else 0.0
            upto = whole if last_piece else measure(i, 0, bounds[k + 1], False)
            piece.append(upto - before)
            tail.append(measure(i, bounds[k], n_chars, False) - (whole - before) if k else 0.0)
            head_hyphen.append(0.0 if last_piece else measure(i, 0, bounds[k + 1], True) - upto - hyphen)
            wider.append(spaces_after[i] - space if spaces_after is not None and last_piece else 0.0)
    n = len(texts)
    after[-1] = _END
    # hanging punctuation: how far a line starting at piece a (left[a]) or ending after piece e - 1 (right[e - 1])
    # may reach into the margin, in points
    left, right = [0.0] * n, [0.0] * n
    if face_at is not None:
        scale = size * 0.001
        for i, text in enumerate(texts):
            if not text:
                continue
            at = starts[i]
            left[i] = protrusion(face_at(owner[i], at), text[0], LEFT) * scale
            right[i] = protrusion(face_at(owner[i], at + len(text) - 1), "-" if after[i] == _HYPHEN else text[-1],
                                  RIGHT) * scale
        right[-1] = 0.0  # the last line is set ragged: nothing to line up at its end
    # prefix sums over pieces: x[i] width of pieces before i, sp[i] word spaces after them, nb[i] no-break spaces,
    # dw[i] what their spaces are wider than `space`
    x, sp, nb, dw = [0.0] * (n + 1), [0] * (n + 1), [0] * (n + 1), [0.0] * (n + 1)
    for i, text in enumerate(texts):
        x[i + 1] = x[i] + piece[i]
        sp[i + 1] = sp[i] + (after[i] == _SPACE)
        nb[i + 1] = nb[i] + text.count("\u00a0")
        dw[i + 1] = dw[i] + wider[i]
    widest = max((measure(owner[i], starts[i], starts[i] + len(t), after[i] == _HYPHEN) for i, t in enumerate(texts)),
                 default=0.0)
    if widest > min(first_width, other_width) + _FUZZ:
        return None

    def best_breaks(max_ratio: float) -> list[tuple[int, int]] | None:
        """Dynamic programming over break positions e (a line ends after piece e - 1) and the number of
        hyphenated lines in a row ending there. Returns the chosen (break, hyphens in a row), first to last.
        Lines other than the last are considered only up to `max_ratio` (justified: of the stretch; ragged:
        MAX_GAP of the width, or any when it is infinite)."""
        inf, runs = math.inf, MAX_HYPHENS_IN_A_ROW + 1
        max_gap = MAX_GAP if max_ratio < inf else inf
        cost: dict[int, list[float]] = {0: [0.0] + [inf] * (runs - 1)}
        back: dict[int, list[tuple[int, int] | None]] = {0: [None] * runs}
        starts_at = [0]  # break positions some line can end at, in order
        lo = 0  # starts before starts_at[lo] can no longer begin a line that fits
        for e in range(1, n + 1):
            last = e == n
            hyph = after[e - 1] == _HYPHEN
            spaces_e = sp[e - 1]  # word spaces between pieces up to e - 1 (not the one after it)
            wider_e = dw[e - 1]
            while lo < len(starts_at):  # even squeezed and without a hyphen, the line from starts_at[lo] is too wide
                a = starts_at[lo]
                limit = first_width if a == 0 else other_width
                if (x[e] - x[a] + tail[a] + (space - squeeze) * (spaces_e - sp[a]) + (wider_e - dw[a])
                        <= limit + left[a] + right[e - 1] + _FUZZ):
                    break
                lo += 1
            row = [inf] * runs
            links: list[tuple[int, int] | None] = [None] * runs
            for a in starts_at[lo:]:
                line_width = (first_width if a == 0 else other_width) + left[a] + right[e - 1]
                spaces = spaces_e - sp[a]
                if a and after[a - 1] == _HYPHEN and owner[a] == owner[e - 1]:  # a line inside one word, both ends broken: shaped alone
                    natural = measure(owner[a], starts[a], starts[e - 1] + len(texts[e - 1]), hyph)
                else:
                    natural = (x[e] - x[a] + tail[a] + space * spaces + (wider_e - dw[a])
                               + (hyphen + head_hyphen[e - 1] if hyph else 0.0))
                extra = line_width - natural
                if extra < -spaces * squeeze - _FUZZ:
                    continue  # overfull (with its hyphen)
                if last and not ragged and extra < -_FUZZ:
                    continue  # ReportLab draws a justified paragraph's last line as it is: it may not be squeezed
                final_hyphen = last and a > 0 and after[a - 1] == _HYPHEN
                if last and final_hyphen and forbid_final_hyphen and max_ratio < inf:
                    continue
                if ragged:
                    gap = extra / line_width  # what the line leaves empty, as a share of its width
                    if last:
                        short = SHORT_LAST - (line_width - extra) / line_width if a > 0 else 0.0
                        demerits = LINE_PENALTY**2 + (SHORT_LAST_DEMERITS * short / SHORT_LAST if short > 0 else 0.0)
                    elif gap > max_gap:
                        break  # later starts leave more empty still
                    else:
                        demerits = LINE_PENALTY**2 + (RAGGED_DEMERITS * gap) ** 2
                else:
                    ratio = extra / (max(spaces + nb[e] - nb[a], 1) * unit)  # no-break spaces stretch too
                    if last:
                        ratio = min(ratio, 0.0)  # the last line is ragged: only squeezing it costs
                    elif ratio > max_ratio:
                        break  # later starts give shorter, looser lines still
                    demerits = (LINE_PENALTY + 100.0 * abs(ratio) ** 3) ** 2
                if hyph:
                    demerits += hyphen_penalty**2
                if final_hyphen:
                    demerits += FINAL_HYPHEN_DEMERITS
                for run, total in enumerate(cost[a]):
                    if total == inf:
                        continue
                    if hyph:
                        if run + 1 > MAX_HYPHENS_IN_A_ROW:
                            continue
                        here, d = run + 1, demerits + (DOUBLE_HYPHEN_DEMERITS if run else 0.0)
                    else:
                        here, d = 0, demerits
                    if total + d < row[here]:
                        row[here] = total + d
                        links[here] = (a, run)
            if min(row) < inf:
                cost[e], back[e] = row, links
                starts_at.append(e)
        if n not in cost:
            return None
        run = min(range(runs), key=lambda r: cost[n][r])
        chain = [(n, run)]
        link = back[n][run]
        while link is not None:
            chain.append(link)
            link = back[link[0]][link[1]]
        return chain[::-1]

    chain = best_breaks((MAX_STRETCH - 1.0) / STRETCH) or best_breaks(math.inf)
    if chain is None:
        return None
    chosen = [(a, e, left[a], right[e - 1]) for (a, _), (e, _) in zip(chain, chain[1:], strict=False)]
    return Breaking(Pieces(texts, owner, starts, after), chosen)


# --- ReportLab paragraphs ------------------------------------------------------------------------------------


def _hyphenator(style: Any) -> Hyphenator | None | bool:
    """The style's hyphenation callable, None for no hyphenation, False when it is something else (a language
    name ReportLab would look up itself)."""
    lang = getattr(style, "hyphenationLang", "")
    if not lang:
        return None
    return lang if callable(lang) else False


def ragged_body(style: Any) -> bool:
    """Body text set ragged-right: the left-aligned copy `layout/columns.py` makes of a justified style for a
    narrow column (it carries `justified_original`). Other left-aligned styles (captions, titles, boxes, the
    intro) stay with ReportLab's breaker."""
    return style.alignment == TA_LEFT and getattr(style, "justified_original", None) is not None


def _body(para: Any) -> bool:
    """A paragraph total-fit may set: justified or ragged-right body text (`ragged_body`), no bullet, none of
    ReportLab's special cases, hyphenated by a callable (or not at all)."""
    style = para.style
    if para.bulletText or not (style.alignment == TA_JUSTIFY or ragged_body(style)) or not para.frags:
        return False
    return not (style.endDots or style.shaping or style.wordWrap or style.justifyLastLine or style.uriWasteReduce
                or style.embeddedHyphenation) and _hyphenator(style) is not False


def _simple(para: Any) -> bool:
    """One plain run in the style's own font (no bold, italic, link or fallback-font runs): set as ReportLab's
    simple lines (kind 0); other body paragraphs are set by layout/fragbreak.py."""
    style, frags = para.style, para.frags
    if len(frags) != 1:
        return False
    f = frags[0]
    if hasattr(f, "cbDefn") or hasattr(f, "backColor") or _processed_frags(frags):
        return False
    if f.fontName != style.fontName or f.fontSize != style.fontSize or getattr(f, "rise", 0):
        return False
    return not (getattr(f, "link", None) or getattr(f, "us_lines", None))


def _line_widths(widths: Sequence[float], start: int, stop: int) -> tuple[float, ...]:
    return tuple(widths[min(i, len(widths) - 1)] for i in range(start, stop))


_RESULTS: dict[tuple[Any, ...], tuple[list[tuple[float, list[str]]], int, bool]] = {}  # lines, hyphens, set ragged
_WORD_CLASSES: dict[str, type] = {c.__name__: c for c in (str, _SplitWordEnd, _SplitWordHY, _SplitWordLL)}


def _rejoins(lines: list[tuple[float, list[str]]], words: list[str]) -> bool:
    """The lines hold exactly these words, in order (hyphenated heads joined to what follows)."""
    out, head = [], ""
    for _, line in lines:
        for word in line:
            if type(word) is _SplitWordHY:
                head += word[:-1]
            else:
                out.append(head + word)
                head = ""
    return not head and out == [str(w) for w in words]


def too_loose(stretches: Sequence[float]) -> bool:
    """A short justified paragraph whose lines (but the last; their stretch, in order) stretch a word space beyond
    RAGGED_BEYOND: set it ragged-right (RAGGED_WHEN_LOOSE)."""
    return (RAGGED_WHEN_LOOSE and len(stretches) <= SHORT_PARAGRAPH
            and max(stretches[:-1], default=1.0) > RAGGED_BEYOND)


# A paragraph of several runs broken at a measure, by its source (its markup and the style settings it was parsed
# in, `MeasuredParagraph.anso_source`), the widths and what of its style the breaker reads: its lines, its frag
# words as laid, hyphenated lines and set ragged; None when layout/fragbreak.py leaves it to ReportLab. Each layout
# attempt and copyfit step makes the paragraphs anew; they share these (ReportLab only reads the frag words and
# lines).
_RUN_RESULTS: dict[tuple[Any, ...], tuple[list[Any], tuple[Any, ...], int, bool] | None] = {}
_UNKNOWN: Any = object()


def _break_runs(para: Any, widths: list[float]) -> Any:
    """`break_lines` for a paragraph of several runs (layout/fragbreak.py): ReportLab's kind-1 lines, or None."""
    from anso_pdf.layout import fragbreak  # (it builds on this module)

    style = para.style
    kept = _kept(para, widths, 1)
    if kept is not None:
        lines, set_ragged = [ln.clone() for ln in kept[1]], kept[3]
        hyphenated = sum(str(getattr(ln.words[-1], "text", "")).endswith("-") for ln in lines)
    else:
        hyphenate = _hyphenator(style) or None
        min_length = getattr(style, "hyphenationMinWordLength", hyphenationMinWordLength)
        source = getattr(para, "anso_source", None)  # set while its frags are those parsed from its markup
        key = None if source is None else (source, tuple(widths), style.alignment, style.fontName, style.fontSize,
                                           hyphenate, style.spaceShrinkage, min_length)
        known = _RUN_RESULTS.get(key, _UNKNOWN) if key is not None else _UNKNOWN
        if known is None:
            return None
        if known is not _UNKNOWN:
            lines, hyphenated, set_ragged = [ln.clone() for ln in known[0]], known[2], known[3]
            para.frags = list(known[1])
        else:
            groups = fragbreak.frag_words(para, style.fontSize, widths[0])
            result = None
            if groups is not None:
                ragged = style.alignment != TA_JUSTIFY
                options = {"hyphenate": hyphenate, "shrinkage": style.spaceShrinkage or 0.0, "min_length": min_length}
                result = fragbreak.break_frag_words(para, groups, widths, ragged=ragged,
                                                    hanging=HANGING and not ragged, **options)
                set_ragged = result is not None and not ragged and too_loose(result[3])
                if set_ragged:  # a short paragraph that cannot be justified well at this measure
                    result = fragbreak.break_frag_words(para, groups, widths, ragged=True, hanging=False, **options)
            if key is not None:
                if len(_RUN_RESULTS) > 500:
                    _RUN_RESULTS.clear()
                _RUN_RESULTS[key] = None if result is None else (
                    [ln.clone() for ln in result[0]], tuple(result[1]), result[2], set_ragged)
            if result is None:
                return None
            lines, para.frags, hyphenated = result[0], result[1], result[2]
        para.anso_source = None  # its frags are now the frag words as laid: broken again, they are broken from these
    para._anso_runs = True
    _broken(para, set_ragged, hyphenated, max(ln.maxWidth - ln.extraSpace for ln in lines))
    return fragbreak.para_lines(lines)


def _kept(para: Any, widths: list[float], kind: int) -> tuple[Any, ...] | None:
    """The lines a part of a split paragraph had in the whole (`keep_split_lines`), when it is wrapped again at
    the widths and alignment it was split at: (widths, lines, alignment, set ragged, kind); else None."""
    kept = para.__dict__.get("_total_fit_kept")
    if (kept is not None and kept[4] == kind and kept[2] == para.style.alignment
            and all(abs(a - b) < 1e-6 for a, b in zip(kept[0], _line_widths(widths, 0, len(kept[0])), strict=True))):
        return kept  # type: ignore[no-any-return]
    return None


def _broken(para: Any, set_ragged: bool, hyphenated: int, width_max: float) -> None:
    """What a paragraph broken here keeps of its lines, as ReportLab's `breakLines` leaves it (the height is set
    by `wrap`), and how it is drawn: ragged-right (MeasuredParagraph.drawPara, layout/inline.py), or hanging its
    punctuation (the lines count it; render/glyphs.py shifts them)."""
    para._anso_ragged = set_ragged
    para._anso_hanging = HANGING and para.style.alignment == TA_JUSTIFY and not set_ragged
    para.height = 0
    para._width_max = width_max
    para._hyphenations, para._splitLongWordCount = hyphenated, 0


def settings() -> tuple[Any, ...]:
    """Everything that tunes the breaker, read now: lines kept between runs are kept for these (layout/breakmemo.py)."""
    return (STRETCH, MAX_STRETCH, LINE_PENALTY, HYPHEN_PENALTY, DOUBLE_HYPHEN_DEMERITS, MAX_HYPHENS_IN_A_ROW,
            FINAL_HYPHEN_DEMERITS, FORBID_FINAL_HYPHEN, RAGGED_DEMERITS, MAX_GAP, SHORT_LAST, SHORT_LAST_DEMERITS,
            HANGING, RAGGED_WHEN_LOOSE, SHORT_PARAGRAPH, RAGGED_BEYOND, hanging())


def break_lines(para: Any, width: float | Sequence[float]) -> Any:
    """What `Paragraph.breakLines(width)` returns, broken total-fit; None when the paragraph is not one this
    module sets (then ReportLab's breaker must)."""
    para._anso_hanging = False  # set below when these lines hang their punctuation (render/glyphs.py shifts them)
    para._anso_ragged = False  # set below when a justified paragraph is set ragged-right (RAGGED_WHEN_LOOSE)
    para._anso_runs = False  # set below when its runs were broken here (kind 1 lines, layout/fragbreak.py)
    if not _body(para):
        return None
    widths = list(width) if isinstance(width, (list, tuple)) else [width]
    if len(set(widths[1:])) > 1:
        return None  # only a first line that differs from the others
    if not _simple(para):
        return _break_runs(para, widths)
    f = para.frags[0]
    words = split(strip(f.text)) if hasattr(f, "text") else list(f.words)
    if any(isinstance(w, (_SplitWord, _SHYStr)) or "\u00ad" in w for w in words):
        return None
    ascent, descent = getAscentDescent(f.fontName, f.fontSize)
    if not any(strip(w) for w in words):
        return f.clone(kind=0, lines=[], ascent=ascent, descent=descent, fontSize=f.fontSize)
    kept = _kept(para, widths, 0)  # a part of a split paragraph, wrapped at the width it was split at
    if kept is not None:
        lines = [(extra, list(ws)) for extra, ws in kept[1]]
        hyphenated = sum(isinstance(ws[-1], _SplitWordHY) for _, ws in lines)
        set_ragged = kept[3]
    else:
        style = para.style
        hyphenate = _hyphenator(style) or None
        min_length = getattr(style, "hyphenationMinWordLength", hyphenationMinWordLength)
        ragged = style.alignment != TA_JUSTIFY
        key = (tuple(words), tuple(map(type, words)), f.fontName, f.fontSize, widths[0], widths[-1], hyphenate,
               style.spaceShrinkage, min_length, ragged)
        result = _RESULTS.get(key)
        if result is None:
            language = getattr(hyphenate, "language", None) if hyphenate is not None else ""
            kept = None if language is None else (  # the same key with plain values, to be kept between runs
                tuple(map(str, words)), tuple(type(w).__name__ for w in words), f.fontName, f.fontSize, widths[0],
                widths[-1], language, style.spaceShrinkage, min_length, ragged)
            recalled = breakmemo.recall(kept, _WORD_CLASSES) if kept is not None else None
            if recalled is not None and _rejoins(recalled[0], words):  # a kept entry is never trusted further
                result = recalled
            else:
                broken = break_words(words, widths, f.fontName, f.fontSize, hyphenate=hyphenate,
                                     shrinkage=style.spaceShrinkage or 0.0, min_length=min_length, ragged=ragged,
                                     hanging=HANGING and not ragged)
                set_ragged = broken is not None and not ragged and too_loose([ln.stretch for ln in broken])
                if set_ragged:  # a short paragraph that cannot be justified well at this measure
                    broken = break_words(words, widths, f.fontName, f.fontSize, hyphenate=hyphenate,
                                         min_length=min_length, ragged=True)
                if broken is None:
                    return None
                result = ([(ln.extra, ln.words) for ln in broken], sum(ln.hyphenated for ln in broken), set_ragged)
                if kept is not None:
                    breakmemo.keep(kept, result)
            if len(_RESULTS) > 2_000:
                _RESULTS.clear()
            _RESULTS[key] = result
        lines, hyphenated, set_ragged = [(extra, list(ws)) for extra, ws in result[0]], result[1], result[2]
    _broken(para, set_ragged, hyphenated,
            max(w - extra for w, (extra, _) in zip(_line_widths(widths, 0, len(lines)), lines, strict=True)))
    return f.clone(kind=0, lines=lines, ascent=ascent, descent=descent, fontSize=f.fontSize)


def keep_split_lines(para: Any, parts: list[Any]) -> None:
    """After `Paragraph.split`: give each part the lines (and their widths and alignment) it had in the whole
    paragraph."""
    bl = para.__dict__.get("blPara")
    widths = para.__dict__.get("_wrapWidths")
    if len(parts) != 2 or bl is None or not widths or "blPara" not in parts[0].__dict__:
        return
    s, n = len(parts[0].blPara.lines), len(bl.lines)
    if s >= n or (bl.kind == 1 and not para.__dict__.get("_anso_runs")):
        return  # (kind 1: only lines this module broke)
    alignment, set_ragged = para.style.alignment, para.__dict__.get("_anso_ragged", False)
    head, rest = bl.lines[:s], bl.lines[s:]
    if bl.kind == 1:  # a part's frag words start at its first line's: its lines count from there
        base = rest[0].sFW
        rest = [ln.clone(sFW=ln.sFW - base) for ln in rest]
    parts[0]._total_fit_kept = (_line_widths(widths, 0, s), head, alignment, set_ragged, bl.kind)
    parts[1]._total_fit_kept = (_line_widths(widths, s, n), rest, alignment, set_ragged, bl.kind)

