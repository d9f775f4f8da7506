"""Vertical justification: a page short of material gets its leftover spread over its stretch points, or none.

A page's story is a stack of bands (a block across the columns, or a run of columns). The leftover under the
lowest line is shared out between the bands (never under a heading, which keeps its text) and inside the
columns of the last band, in whole grid lines above its headings, photos, quotes and rows, each stretch point
within a cap, so that every column's last line sits on the bottom margin (when the caps cannot bring every
column there, at most a line short where balanced columns end a line apart). Body lines inside a run of columns stay on the baseline grid. When the caps cannot
take the leftover, nothing is stretched: the room stays at the foot of the page and is reported (issue #15).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from anso_pdf.layout.columns import keeps_with_next
from anso_pdf.layout.document import LaidOutPage, Placed
from anso_pdf.layout.grid import Area

TOL = 0.5
BAND_CAP = 2.0  # grid lines the most added between two bands
POINT_CAP = 2  # whole grid lines the most added above one block inside a column


@dataclass(frozen=True)
class Justified:
    """A page after justification: its blocks, and the room left at its foot (0 when it is filled)."""

    page: LaidOutPage
    short: float  # points under the lowest line still empty (more than a line: reported)


def _column(area: Area, p: Placed) -> int:
    """-1 for a block across the columns, else the column the block is set in."""
    if area.columns > 1 and p.width > area.column_width + TOL:
        return -1
    for index in range(area.columns):
        if abs(p.x - area.column_x(index)) <= TOL:
            return index
    return -1


def bands(area: Area, placed: list[Placed]) -> list[list[tuple[int, int]]]:
    """The flow blocks of a page as (index, column) in bands, the order the paginator placed them in."""
    out: list[list[tuple[int, int]]] = []
    for i, p in enumerate(placed):
        if p.kind != "flow":
            continue
        c = _column(area, p)
        if c >= 0 and out and out[-1][0][1] >= 0 and c >= out[-1][-1][1]:
            out[-1].append((i, c))
        else:
            out.append([(i, c)])
    return out


def _stretches_above(p: Placed) -> bool:
    """A block inside a column that may get whole lines above it: a heading, photo, quote or row after others."""
    return float(getattr(p.flowable, "space_before", 0.0) or 0.0) > 0


def justify(page: LaidOutPage, area: Area, leading: float) -> Justified:
    """The page with its leftover spread over its stretch points, or as it was when the caps cannot take it."""
    placed = page.placed
    groups = bands(area, placed)
    flow = [placed[i] for band in groups for i, _ in band]
    if not flow:
        return Justified(page, 0.0)
    lowest = min(p.y for p in flow)
    leftover = lowest - area.bottom
    if leftover <= TOL:
        return Justified(page, 0.0)
    gaps = [k for k in range(1, len(groups))
            if not keeps_with_next(placed[groups[k - 1][-1][0]].flowable)]
    last = groups[-1]
    columns: dict[int, list[int]] = {}
    for i, c in last:
        columns.setdefault(c, []).append(i)
    plan = _plan(placed, columns, leftover, lowest, len(gaps), leading)
    if plan is None:
        return Justified(page, leftover)
    band_each, lines_above = plan
    shift = {i: 0.0 for band in groups for i, _ in band}
    for k, band in enumerate(groups):
        down = band_each * sum(1 for g in gaps if g <= k)
        for i, _ in band:
            shift[i] = down
    for i, extra in lines_above.items():  # inside the last band's columns: this block and those under it go down
        c = next(col for col, items in columns.items() if i in items)
        for j in columns[c][columns[c].index(i):]:
            shift[j] += extra * leading
    moved = [replace(p, y=p.y - shift[i]) if shift.get(i) else p for i, p in enumerate(placed)]
    new_lowest = min(moved[i].y for band in groups for i, _ in band)
    return Justified(LaidOutPage(page.number, moved), max(0.0, new_lowest - area.bottom))


def _plan(placed: list[Placed], columns: dict[int, list[int]], leftover: float, lowest: float, gaps: int,
          leading: float) -> tuple[float, dict[int, int]] | None:
    """How much between bands, and how many lines above which blocks of the last band's columns; None when the
    caps cannot bring every column to within a line of the foot."""
    whole = int(leftover // leading)
    fraction = leftover - whole * leading
    for to_margin in (True, False):  # every column's last line on the margin if the caps allow, else within a line
        for extra in range(whole + 1):
            between = fraction + extra * leading if gaps else 0.0
            if gaps and between > gaps * BAND_CAP * leading + TOL:
                break
            lines_above: dict[int, int] = {}
            ok = True
            for items in columns.values():
                bottom = min(placed[i].y for i in items)
                short = bottom - between - (lowest - leftover)  # what this column still lacks, in points
                points = [i for i in items[1:] if _stretches_above(placed[i])]
                most = int((short + TOL) // leading)  # its last line on the margin
                least = most if to_margin else max(0, -int(-(short - leading - TOL) // leading))  # or within a line
                need = min(most, POINT_CAP * len(points))
                if need < least:
                    ok = False
                    break
                for n, i in enumerate(points):
                    share = need // len(points) + (1 if n < need % len(points) else 0)
                    if share:
                        lines_above[i] = share
            if ok:
                return between / gaps if gaps else 0.0, lines_above
            if not gaps:
                break
    return None


def shortfall_note(page: int, short: float, area: Area, leading: float, body_size: float) -> str:
    """'page 4: room for about 120 words or a photo 60 mm tall across the columns left empty'."""
    lines = int(short // leading)
    per_line = max(1, round(area.column_width / (body_size * 0.5 * 6)))  # a word and its space: about 6 half-ems
    words = max(10, round(lines * area.columns * per_line / 10) * 10)
    mm = max(5, int(short * 25.4 / 72 / 5) * 5)
    return (f"page {page}: room for about {words} words or a photo {mm} mm tall across the columns "
            f"({lines} lines) left empty")


def is_stretch_point(block: Any) -> bool:
    """For the layout checks: a block that justification may add space above."""
    return float(getattr(block, "space_before", 0.0) or 0.0) > 0
