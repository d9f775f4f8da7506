"""A page short of material filled with its own photos: frames grown in whole grid lines within their aspect limits.

A page that vertical justification cannot fill (layout/justify.py) is laid out again with its photos in larger
frames: every photo in its columns some lines taller, or one photo set across the columns (or, already across
them, taller), and the columns balanced again around it. A frame is a whole number of grid lines tall (the
columns stay on the baseline grid) and keeps at least 60 % of the photo's width and of its height
(`flowables.KEEP`: its aspect limits; the photo is cropped to the frame around its focus); a photo across the
columns is at most half the text area tall; a grown photo is printed at 300 ppi or more (no less than it was,
when it had less), so a fill never brings a resolution warning. A larger frame is kept only when the run of
pages still holds everything, every page of the run holds the same blocks as before, and no page of the run
ends emptier. Of the frames that hold, the one that leaves the page fullest wins, photos grown in their columns
before one set across them. What is left is spread by justification or reported (issue #15). The photos are
prepared after this, at their final frames.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from anso_pdf.layout import flowables as F
from anso_pdf.layout.justify import TOL, justify
from anso_pdf.layout.pages import Attempt
from anso_pdf.layout.story import Frame

WIDE_MOST = 0.5  # a photo across the columns is at most this share of the text area's height
FILL_PPI = 300.0  # a grown photo is printed at no less than this (the press's aim), nor less than it was

Tried = Callable[[Mapping[str, Frame]], Attempt]  # the run laid out again at its fit with these frames


def fill_run(tried: Tried, att: Attempt, chain: list[int]) -> Attempt:
    """The run's attempt with each page that ends short filled by its photos, where that holds."""
    for n in chain:
        att = _fill_page(tried, att, chain, n)
    return att


def short_of_foot(att: Attempt, n: int) -> float:
    """Points left empty at the foot of page n after justification (all of its text area when it holds nothing)."""
    page, area = att.pagination.pages[n - 1], att.grid.flow[n - 1]
    if not any(p.kind == "flow" for p in page.placed):
        return area.height
    return justify(page, area, att.fit.leading).short


def _fill_page(tried: Tried, att: Attempt, chain: list[int], n: int) -> Attempt:
    lead = att.fit.leading
    area = att.grid.flow[n - 1]
    if short_of_foot(att, n) <= lead + TOL:
        return att
    photos = [p for p in att.pagination.pages[n - 1].placed
              if p.kind == "flow" and type(p.flowable) is F.CaptionedPhoto and p.ident and not p.flowable.image.missing]
    if not photos:
        return att
    before = {m: short_of_foot(att, m) for m in chain}
    contents = _contents(att, chain)
    options: list[tuple[int, list[dict[str, Frame]]]] = []  # (1 when a photo changes to across the columns, frames)
    grow: dict[str, tuple[int, int]] = {}  # a photo in a column: (lines now, most lines)
    ppi = {p.ident: min(FILL_PPI, p.flowable.ppi()) for p in photos}  # growing never lowers a photo's resolution
    for p in photos:
        if p.width < area.width - TOL:
            grow[p.ident] = (round(p.height / lead), p.flowable.line_range(p.width, ppi[p.ident])[1])
    most = max((hi - now for now, hi in grow.values()), default=0)
    if most > 0:
        options.append((0, [{**att.frames, **{key: Frame(False, min(now + k, hi))
                                              for key, (now, hi) in grow.items() if hi > now}}
                            for k in range(1, most + 1)]))
    tallest = int(area.height * WIDE_MOST / lead)
    for p in photos:
        lo, hi = p.flowable.line_range(area.width, ppi[p.ident])
        across = p.width >= area.width - TOL
        if across:
            lo = max(lo, round(p.height / lead) + 1)
        steps = [{**att.frames, p.ident: Frame(True, lines)} for lines in range(lo, min(hi, tallest) + 1)]
        if steps:
            options.append((0 if across else 1, steps))
    for p in photos:
        p.flowable.wrap(p.width, p.height)  # measured at other widths above: back to the width it is set at

    def score(trial: Attempt, rank: int) -> tuple[bool, int, int, int]:
        short = short_of_foot(trial, n)
        left = trial.pagination.lowest.get(n, area.top) - area.bottom
        return short > lead + TOL, round(short / lead), rank, round(left / lead)

    best, best_score = att, score(att, 0)
    for rank, steps in options:
        trial = _largest(tried, steps, lambda t: _holds(t, chain, contents, before))
        if trial is not None and score(trial, rank) < best_score:
            best, best_score = trial, score(trial, rank)
    return best


def _largest(tried: Tried, steps: list[dict[str, Frame]], holds: Callable[[Attempt], bool]) -> Attempt | None:
    """The attempt with the largest frames that holds (larger frames hold less: found by bisection)."""
    lo, hi, found = 0, len(steps) - 1, None
    while lo <= hi:
        mid = (lo + hi) // 2
        trial = tried(steps[mid])
        if holds(trial):
            found, lo = trial, mid + 1
        else:
            hi = mid - 1
    return found


def _contents(att: Attempt, chain: list[int]) -> list[frozenset[str]]:
    return [frozenset(p.ident for p in att.pagination.pages[m - 1].placed) for m in chain]


def _holds(trial: Attempt, chain: list[int], contents: list[frozenset[str]], before: dict[int, float]) -> bool:
    """The run still holds everything, each page the same blocks, and no page ends emptier."""
    if trial.pagination.errors or any(o.limit in chain for o in trial.pagination.overflows.values()):
        return False
    if _contents(trial, chain) != contents:
        return False
    return all(short_of_foot(trial, m) <= before[m] + TOL for m in chain)


def describe(att: Attempt, chain: list[int]) -> list[str]:
    """The page report's notes: 'page 3: photo 'forest.jpg' across the columns, 96 mm tall to fill the page'."""
    notes = []
    for n in chain:
        for p in att.pagination.pages[n - 1].placed:
            frame = att.frames.get(p.ident)
            if frame is None or type(p.flowable) is not F.CaptionedPhoto:
                continue
            mm = round(p.flowable.photo_h * 25.4 / 72)
            where = "across the columns" if frame.wide else "in its column"
            notes.append(f"page {n}: photo '{p.flowable.image.written}' {where}, {mm} mm tall to fill the page")
    return notes
