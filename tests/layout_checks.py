"""issue #8: checks computed from the finished layout, and the generated issues they run on.

Everything here reads a `LaidOutIssue` (pages of `Placed` flowables) and returns plain data: lists of
problem strings (empty when the check passes) or line records for the word-spacing statistics. The same
functions serve the tests (tests/test_layout_checks.py) and the measurement script (bench/line_spacing.py).
"""

from __future__ import annotations

import io
import math
import random
import statistics
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from unittest import mock

import yaml
from reportlab.lib.enums import TA_JUSTIFY
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus.paragraph import Paragraph

from anso_pdf import pipeline
from anso_pdf.diagnostics import Diagnostics
from anso_pdf.layout.document import LaidOutIssue, Placed
from anso_pdf.layout.flowables import CaptionedPhoto, JumpLine
from anso_pdf.layout.grid import Area, PageGrid, page_grid
from anso_pdf.model.issue import Issue
from anso_pdf.units import mm

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "issues" / "anso-2019-06.yaml"

TOL = 0.5  # pt: geometric tolerance of every check
SAFE_MARGIN = mm(10)  # the safe area is the trim minus this on every side
TO_TRIM = {"masthead"}  # fixed items that deliberately run to the trim edge (and into the bleed)
JUSTIFIED_STYLES = {"body", "body_first"}  # the styles set with TA_JUSTIFY in layout/styles.py


# issue files kept beside the sample (issue #15): a second real issue (six sections, eight photos at about 60 ppi),
# a short issue and a Letter issue in three columns; each runs through every layout check
KEPT = {
    "field-notes": ROOT / "issues" / "field-notes-2025-10.yaml",
    "short-notice": ROOT / "issues" / "short-notice-2025-12.yaml",
    "letter-3col-kept": ROOT / "issues" / "letter-3col-2026-02.yaml",
}


@dataclass
class Laid:
    name: str
    issue: Issue
    laid_out: LaidOutIssue
    grid: PageGrid
    warnings: tuple[str, ...] = ()  # what laying out warned about ("page 2 is 100% empty after fitting")


def lay_out(path: Path, name: str | None = None) -> Laid:
    issue = pipeline.load(path)
    diags = Diagnostics()
    laid_out = pipeline.lay_out_issue(issue, diags)
    return Laid(name or path.stem, issue, laid_out, page_grid(issue), tuple(d.message for d in diags.warnings))


# --- geometry -------------------------------------------------------------------------------------------


def _top(p: Placed) -> float:
    return p.y + p.height


def _label(p: Placed) -> str:
    return p.ident or type(p.flowable).__name__


def _box(p: Placed) -> str:
    return f"x {p.x:.1f}-{p.x + p.width:.1f}, y {p.y:.1f}-{_top(p):.1f}"


def overlaps(laid: Laid, tol: float = TOL) -> list[str]:
    """Placed rectangles that intersect by more than `tol` in both directions (flow with flow, fixed with
    flow, fixed with fixed)."""
    problems = []
    for page in laid.laid_out.pages:
        items = page.placed
        for i, a in enumerate(items):
            for b in items[i + 1 :]:
                dx = min(a.x + a.width, b.x + b.width) - max(a.x, b.x)
                dy = min(_top(a), _top(b)) - max(a.y, b.y)
                if dx > tol and dy > tol:
                    problems.append(f"page {page.number}: {a.kind} '{_label(a)}' ({_box(a)}) and {b.kind} '{_label(b)}' "
                                    f"({_box(b)}) overlap by {dx:.1f} x {dy:.1f} pt")
    return problems


def outside_safe_area(laid: Laid, margin: float = SAFE_MARGIN, tol: float = TOL) -> list[str]:
    """Placed items that cross the safe area (trim minus `margin`); the masthead band may run to the trim."""
    W, H = laid.laid_out.page_width, laid.laid_out.page_height
    problems = []
    for page in laid.laid_out.pages:
        for p in page.placed:
            lo_x, lo_y, hi_x, hi_y = (0.0, 0.0, W, H) if p.ident in TO_TRIM else (margin, margin, W - margin, H - margin)
            if p.x < lo_x - tol or p.y < lo_y - tol or p.x + p.width > hi_x + tol or _top(p) > hi_y + tol:
                where = "the trim" if p.ident in TO_TRIM else "the safe area"
                problems.append(f"page {page.number}: {p.kind} '{_label(p)}' ({_box(p)}) crosses {where} "
                                f"(x {lo_x:.1f}-{hi_x:.1f}, y {lo_y:.1f}-{hi_y:.1f})")
    return problems


def _column(area: Area, p: Placed, tol: float = TOL) -> int | None:
    """The column a flow item sits in, -1 when it spans the area, None when it is on neither."""
    if abs(p.x - area.x) <= tol and abs(p.width - area.width) <= tol:
        return -1
    for i in range(area.columns):
        if abs(p.x - area.column_x(i)) <= tol and abs(p.width - area.column_width) <= tol:
            return i
    return None


def outside_flow_area(laid: Laid, tol: float = TOL) -> list[str]:
    """Flow items outside their page's flow area, or not on its column grid (one column or all of them)."""
    problems = []
    for page in laid.laid_out.pages:
        area = laid.grid.flow[page.number - 1]
        for p in page.placed:
            if p.kind != "flow":
                continue
            if p.x < area.x - tol or p.x + p.width > area.x + area.width + tol or p.y < area.bottom - tol \
                    or _top(p) > area.top + tol:
                problems.append(f"page {page.number}: '{_label(p)}' ({_box(p)}) is outside the flow area "
                                f"(x {area.x:.1f}-{area.x + area.width:.1f}, y {area.bottom:.1f}-{area.top:.1f})")
            elif _column(area, p, tol) is None:
                problems.append(f"page {page.number}: '{_label(p)}' ({_box(p)}) is neither in a column nor across them")
    return problems


@dataclass
class Group:
    """Flow items of a page as the paginator placed them: one spanning item, or a run of columns (placed down
    the first column, then down the next)."""

    items: list[tuple[Placed, int]]  # (item, column); column -1 for a spanning item

    @property
    def spans(self) -> bool:
        return self.items[0][1] == -1

    @property
    def top(self) -> float:
        return max(_top(p) for p, _ in self.items)

    @property
    def bottom(self) -> float:
        return min(p.y for p, _ in self.items)

    def columns(self) -> dict[int, list[Placed]]:
        out: dict[int, list[Placed]] = {}
        for p, c in self.items:
            out.setdefault(c, []).append(p)
        return out


def groups(laid: Laid, page_number: int, tol: float = TOL) -> list[Group]:
    page = laid.laid_out.pages[page_number - 1]
    area = laid.grid.flow[page_number - 1]
    out: list[Group] = []
    for p in page.placed:
        if p.kind != "flow":
            continue
        column = _column(area, p, tol)
        if column is None:
            continue
        if column >= 0 and out and not out[-1].spans and column >= out[-1].items[-1][1]:
            out[-1].items.append((p, column))
        else:
            out.append(Group([(p, column)]))
    return out


def base_style(style: Any) -> str:
    """A style's name without the variants layout derives from it ("body_first-ragged" -> "body_first")."""
    return getattr(style, "name", "").split("-")[0]


def body_types(laid: Laid, page_number: int) -> set[tuple[float, float]]:
    """The (size, leading) of the body text set on a page."""
    return {(p.flowable.style.fontSize, p.flowable.style.leading) for p in laid.laid_out.pages[page_number - 1].placed
            if p.kind == "flow" and base_style(getattr(p.flowable, "style", None)) in JUSTIFIED_STYLES | {"bullet"}}


def spread_types(laid: Laid) -> list[str]:
    """issue #15: pages 2 and 3 face each other, so their body text has one size and leading."""
    types = body_types(laid, 2) | body_types(laid, 3)
    if len(types) <= 1:
        return []
    return [f"page {n}: body {size:g} pt on {leading:g} pt" for n in (2, 3) for size, leading in sorted(body_types(laid, n))]


def _leading(laid: Laid, page_number: int) -> float | None:
    """The body leading used on a page (copyfitting may choose a different one for each run of pages)."""
    for p in laid.laid_out.pages[page_number - 1].placed:
        style = getattr(p.flowable, "style", None)
        if p.kind == "flow" and base_style(style) in JUSTIFIED_STYLES | {"bullet"}:
            return style.leading
    return None


def reading_order(laid: Laid, tol: float = TOL) -> list[str]:
    """Story items read in the order they were placed: down a column, then from the top of the next column,
    and each spanning item or new run of columns below everything placed before it on the page."""
    problems = []
    for page in laid.laid_out.pages:
        above: list[Placed] = []
        for group in groups(laid, page.number, tol):
            if above and group.top > min(p.y for p in above) + tol:
                lowest = min(above, key=lambda p: p.y)
                first = group.items[0][0]
                problems.append(f"page {page.number}: '{_label(first)}' ({_box(first)}) follows '{_label(lowest)}' "
                                f"({_box(lowest)}) in the story but is not below it")
            for items in group.columns().values():
                for a, b in zip(items, items[1:], strict=False):
                    if _top(b) > a.y + tol:
                        problems.append(f"page {page.number}: '{_label(b)}' ({_box(b)}) follows '{_label(a)}' "
                                        f"({_box(a)}) in its column but is not below it")
            above.extend(p for p, _ in group.items)
    return problems


def column_alignment(laid: Laid, tol: float = TOL) -> list[str]:
    """In each run of columns the columns start at the same height, and every text item in them starts a
    whole number of body lines below that height (the baseline grid)."""
    problems = []
    for page in laid.laid_out.pages:
        leading = _leading(laid, page.number)
        for group in groups(laid, page.number, tol):
            if group.spans:
                continue
            columns = group.columns()
            top = group.top
            for c, items in sorted(columns.items()):
                first = max(items, key=_top)
                if abs(_top(first) - top) > tol and not isinstance(first.flowable, _JUMP_LINES):
                    problems.append(f"page {page.number}: column {c + 1} starts at y {_top(first):.1f} "
                                    f"('{_label(first)}'), the run it belongs to at y {top:.1f}")
            if not leading:
                continue
            for c, items in sorted(columns.items()):
                for p in items:
                    if not _is_text(p.flowable):
                        continue
                    lines = (top - _top(p)) / leading
                    if abs(lines - round(lines)) * leading > tol:
                        problems.append(f"page {page.number}: '{_label(p)}' in column {c + 1} starts {lines:.2f} lines "
                                        f"below the top of its run (y {_top(p):.1f}, run top {top:.1f}, leading "
                                        f"{leading:g} pt): off the baseline grid")
    return problems


_JUMP_LINES = (JumpLine,)


def _is_text(flowable: Any) -> bool:
    return isinstance(flowable, Paragraph) or isinstance(getattr(flowable, "inner", None), Paragraph)


def space_above_headings_on_short_pages(laid: Laid, tol: float = TOL) -> list[str]:
    """issue #15: on a page whose last line ends more than one line above the bottom margin, no heading has more
    space above it than the house gap (1.5 lines: half a line before a block across the columns after a run
    of columns that ends with a line's room; a whole line above a heading in a column): space is never added
    in one place while the page ends empty."""
    problems = []
    for page in laid.laid_out.pages:
        area = laid.grid.flow[page.number - 1]
        leading = _leading(laid, page.number) or 14.0
        flow = [p for p in page.placed if p.kind == "flow"]
        if not flow or min(p.y for p in flow) - area.bottom <= leading + tol:
            continue
        for p in flow:
            if not getattr(p.flowable, "keep_with_next", False):
                continue
            above = [q for q in flow if q is not p and q.y >= _top(p) - tol
                     and min(q.x + q.width, p.x + p.width) - max(q.x, p.x) > tol]
            if not above:
                continue
            gap = min(q.y for q in above) - _top(p)
            if gap > 1.5 * leading + tol:
                problems.append(f"page {page.number}: {gap:.1f} pt above heading '{_label(p)}' ({_box(p)}) while the "
                                f"page ends {min(q.y for q in flow) - area.bottom:.0f} pt above its bottom margin")
    return problems


def unreported_holes(laid: Laid, tol: float = TOL) -> list[str]:
    """issue #15: every page's story ends within a line of the bottom margin, or the shortfall is reported: a
    'left empty' note for that page in the page report, or the warning that it is more than a third empty."""
    problems = []
    for fill in laid.laid_out.fill:
        short = fill.empty_share * laid.grid.flow[fill.page - 1].height
        if fill.room_lines <= 1:  # within a line of the margin, in the page's own leading (the page report's count)
            continue
        noted = any(n.startswith(f"page {fill.page}: ") and n.endswith(" left empty") for n in laid.laid_out.fit_notes)
        warned = any(w.startswith(f"page {fill.page} is ") and w.endswith(" empty after fitting") for w in laid.warnings)
        if not (noted or warned):
            problems.append(f"page {fill.page}: {short:.0f} pt ({fill.room_lines} lines) left under the "
                            "story, and neither a 'left empty' note nor a warning says so")
    return problems


def sidebar_short_of_the_foot(laid: Laid, tol: float = TOL) -> list[str]:
    """issue #15: page 1's sidebar is designed to the foot: its last box's tint ends on the bottom margin."""
    side = laid.grid.sidebar
    boxes = [p for p in laid.laid_out.pages[0].placed if p.kind == "fixed" and p.ident in ("contents", "contact")]
    if side is None or not boxes:
        return []
    last = min(boxes, key=lambda p: p.y)
    last.flowable.wrap(last.width, last.height)
    drawn = last.flowable.height  # the tint as drawn
    if abs(last.y - side.bottom) > tol or abs(drawn - last.height) > tol:
        return [f"page 1: the sidebar's last box ('{last.ident}') ends at y {last.y:.1f} (tint {drawn:.1f} pt "
                f"tall), not on the bottom margin (y {side.bottom:.1f}): an empty strip under it"]
    return []


def page_1_reading_path(laid: Laid, tol: float = TOL) -> list[str]:
    """issue #15: page 1 reads one way: a photo across the columns never stands between two runs of its own
    story's columns (text above it and text below it), so the lead reads top to bottom in its columns."""
    area = laid.grid.flow[0]
    flow = [p for p in laid.laid_out.pages[0].placed if p.kind == "flow"]
    problems = []
    for photo in flow:
        if not isinstance(photo.flowable, CaptionedPhoto) or _column(area, photo, tol) != -1:
            continue
        text = [p for p in flow if p.section == photo.section and _column(area, p, tol) not in (None, -1)]
        above = [p for p in text if _top(p) > _top(photo) + tol]  # starts above the photo
        below = [p for p in text if p.y < photo.y - tol and p not in above]  # ends below it
        if above and below:
            problems.append(f"page 1: the photo '{_label(photo)}' across the columns ({_box(photo)}) has its story's "
                            f"columns above it ({_label(above[0])}) and below it ({_label(below[0])})")
    return problems


def pinned_sections_at_top(laid: Laid, tol: float = TOL) -> list[str]:
    """A section pinned to a page starts at the top of that page's flow area."""
    problems = []
    for section in laid.issue.sections:
        if not section.page:
            continue
        area = laid.grid.flow[section.page - 1]
        mine = [p for p in laid.laid_out.pages[section.page - 1].placed if p.kind == "flow" and p.section == section.key]
        if not mine:
            problems.append(f"section '{section.title}' is pinned to page {section.page} but nothing of it is there")
            continue
        top = max(_top(p) for p in mine)
        if abs(top - area.top) > tol:
            problems.append(f"section '{section.title}' starts {area.top - top:.1f} pt below the top of page "
                            f"{section.page}'s flow area (y {top:.1f}, flow top {area.top:.1f})")
    return problems


def kept_together(laid: Laid, tol: float = TOL) -> list[str]:
    """A heading is followed by its text directly below it (same column, or anywhere under a spanning
    heading, at most a line further down); every part of a split paragraph has at least two lines (no widows,
    no orphans)."""
    problems = []
    for page in laid.laid_out.pages:
        area = laid.grid.flow[page.number - 1]
        leading = _leading(laid, page.number) or 14.0
        flow = [p for p in page.placed if p.kind == "flow"]
        for i, p in enumerate(flow):
            if not getattr(p.flowable, "keep_with_next", False):
                continue
            nxt = flow[i + 1] if i + 1 < len(flow) else None
            column, next_column = _column(area, p, tol), _column(area, nxt, tol) if nxt else None
            if nxt is None or not (column == -1 or column == next_column) or not (p.y - leading - tol <= _top(nxt) <= p.y + tol):
                problems.append(f"page {page.number}: heading '{_label(p)}' ({_box(p)}) is not followed by its text "
                                + (f"('{_label(nxt)}' is at {_box(nxt)})" if nxt else "(last on the page)"))
        for p in flow:
            if isinstance(p.flowable, Paragraph) and _split(laid, p.ident):
                p.flowable.wrap(p.width, p.height)
                if len(p.flowable.blPara.lines) < 2:
                    problems.append(f"page {page.number}: a part of '{p.ident}' has one line ({_box(p)}): a widow or orphan")
    return problems


def hyphen_at_column_foot(laid: Laid) -> list[str]:
    """A paragraph that goes on in the next column or on the next page does not break there inside a word."""
    problems = []
    for page in laid.laid_out.pages:
        for p in page.placed:
            if p.kind != "flow" or not isinstance(p.flowable, Paragraph) or not getattr(p.flowable, "_JustifyLast", False):
                continue  # only the parts of a split paragraph whose text goes on carry _JustifyLast
            p.flowable.wrap(p.width, p.height)
            lines = line_texts(p.flowable)
            if lines and lines[-1].rstrip().endswith("-"):
                problems.append(f"page {page.number}: '{p.ident}' ({_box(p)}) ends its column with a hyphenated word: "
                                f"{lines[-1]!r}")
    return problems


def line_texts(para: Paragraph) -> list[str]:
    out = []
    for line in para.blPara.lines:
        if isinstance(line, tuple):
            out.append(" ".join(line[1]))
        else:
            out.append("".join(getattr(w, "text", "") for w in line.words if not hasattr(w, "cbDefn")))
    return out


def _split(laid: Laid, ident: str) -> bool:
    return bool(ident) and sum(1 for page in laid.laid_out.pages for p in page.placed if p.ident == ident) > 1


# --- lines of text ---------------------------------------------------------------------------------------


@dataclass
class Drawn:
    page: int
    ident: str  # of the placed item the paragraph belongs to (possibly nested inside it)
    para: Paragraph
    width: float  # the width the paragraph was wrapped to when drawn


class _NoProfile:
    """What drawing asks of the canvas's `anso` context, answered without a profile: no photos, page 0."""

    bleed = 0.0

    def draw_photo(self, *args: Any) -> None:
        return None

    def section_page(self, key: str) -> int:
        return 0

    def continuation_page(self, key: str) -> int:
        return 0


def draw_all(laid: Laid) -> tuple[list[Drawn], list[str]]:
    """Draw every placed item on a scratch canvas, as render does (wrapped to its placed size, then drawn at
    its place), and collect every ReportLab Paragraph as drawn, nested ones (captions, boxes, cards) and
    split parts included. Returns the paragraphs and the items that failed to draw."""
    found: list[Drawn] = []
    failures: list[str] = []
    current: dict[str, Any] = {}
    original = Paragraph.drawPara

    def recording(self: Paragraph, *args: Any, **kwargs: Any) -> Any:
        found.append(Drawn(current["page"], current["ident"], self, self.width))
        return original(self, *args, **kwargs)

    canvas = Canvas(io.BytesIO(), pagesize=(laid.laid_out.page_width, laid.laid_out.page_height))
    canvas.anso = _NoProfile()  # type: ignore[attr-defined]
    with mock.patch.object(Paragraph, "drawPara", recording):
        for page in laid.laid_out.pages:
            for p in page.placed:
                current.update(page=page.number, ident=_label(p))
                canvas.saveState()
                try:
                    p.flowable.wrap(p.width, p.height)
                    p.flowable.drawOn(canvas, p.x, p.y)
                except Exception as exc:  # noqa: BLE001 (reported, not hidden: see draw_failures)
                    failures.append(f"page {page.number}: '{_label(p)}' does not draw: {type(exc).__name__}: {exc}")
                canvas.restoreState()
            canvas.showPage()
    return found, failures


def drawn_paragraphs(laid: Laid) -> list[Drawn]:
    return draw_all(laid)[0]


@dataclass
class Line:
    page: int
    ident: str
    style: str
    width: float  # of the paragraph
    extra: float  # width available minus width used (negative: overfull)
    spaces: int  # the spaces a justified line stretches (as ReportLab counts them)
    space: float  # the natural width of a space in the line's font
    body: bool  # a body line that justification stretches: body style, not a paragraph's last line, no forced break
    justified: bool  # a body line drawn justified
    text: str

    shrinkage: float  # the share of a space ReportLab may take away to fit a line (ParagraphStyle.spaceShrinkage)

    @property
    def justified_stretch(self) -> float:
        """Word space over the natural word space were the line justified (below 1: squeezed)."""
        if self.spaces <= 0:
            return 1.0
        return (self.space + self.extra / self.spaces) / self.space

    @property
    def overrun(self) -> float:
        """How far the line as drawn runs past its column: ReportLab squeezes the spaces of any line wider than
        the column (the breaker allows up to `shrinkage` of each space), so only what they cannot absorb."""
        if self.extra >= 0:
            return 0.0
        if not self.justified:  # left-aligned lines are drawn as they are: nothing squeezes them
            return -self.extra
        return max(0.0, -self.extra - self.spaces * self.space * self.shrinkage)

    @property
    def stretch(self) -> float:
        """Word space as drawn over the natural word space."""
        return self.justified_stretch if self.justified else 1.0


def _nbsp(text: str) -> int:
    return text.count("\u00a0")


def lines_of(drawn: Drawn, justified_styles: set[str] = JUSTIFIED_STYLES) -> list[Line]:
    para = drawn.para
    bl = para.blPara
    style = para.style
    justify_last = bool(getattr(para, "_JustifyLast", False))  # a split part whose text goes on
    ragged = bool(para.__dict__.get("_anso_ragged", False))  # justified, but too loose: set ragged (linebreak.py)
    n = len(bl.lines)
    out = []
    for i, line in enumerate(bl.lines):
        last = i == n - 1 and not justify_last
        if isinstance(line, tuple):  # kind 0: (extra space, words), one font
            extra, words = line
            text = " ".join(words)
            spaces = len(words) + _nbsp(text) - 1
            font, size = getattr(bl, "fontName", style.fontName), getattr(bl, "fontSize", style.fontSize)
            breaks = False
        else:  # kind 1: a FragLine of styled fragments
            extra = line.extraSpace
            frags = [w for w in line.words if not hasattr(w, "cbDefn")]
            text = "".join(getattr(w, "text", "") for w in frags)
            spaces = line.wordCount + sum(_nbsp(getattr(w, "text", "")) for w in frags) - 1
            first = next((w for w in frags if getattr(w, "text", "").strip()), None)
            font = getattr(first, "fontName", style.fontName)
            size = getattr(first, "fontSize", style.fontSize)
            breaks = bool(getattr(line, "lineBreak", False))
        body = base_style(style) in justified_styles and not last and not breaks
        out.append(Line(drawn.page, drawn.ident, style.name, drawn.width, extra, spaces, stringWidth(" ", font, size),
                        body, body and style.alignment == TA_JUSTIFY and not ragged, text,
                        float(style.spaceShrinkage or 0.0)))
    return out


def all_lines(laid: Laid, justified_styles: set[str] = JUSTIFIED_STYLES) -> list[Line]:
    return [line for d in drawn_paragraphs(laid) for line in lines_of(d, justified_styles)]


def overfull(lines: list[Line], tol: float = TOL) -> list[str]:
    """Lines whose text, as drawn, runs more than `tol` past the column."""
    return [f"page {ln.page}: a line of '{ln.ident}' ({ln.style}) runs {ln.overrun:.1f} pt past its "
            f"{ln.width:.1f} pt column: {ln.text!r}" for ln in lines if ln.overrun > tol]


def squeezed(lines: list[Line], tol: float = TOL) -> list[Line]:
    """Lines wider than the column by more than `tol` before ReportLab squeezes their spaces (the strict
    reading of 'extraSpace >= -0.5 pt')."""
    return [ln for ln in lines if ln.extra < -tol]


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0-100), linear between ranks, as numpy's default."""
    if not values:
        return math.nan
    ordered = sorted(values)
    k = (len(ordered) - 1) * q / 100
    lo, hi = math.floor(k), math.ceil(k)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


@dataclass
class Summary:
    lines: int
    median: float
    p90: float
    p95: float
    max: float
    over_1_5: float  # share of lines
    over_2: float

    def row(self) -> str:
        return (f"{self.lines:5d} lines  median {self.median:.2f}  p90 {self.p90:.2f}  p95 {self.p95:.2f}  "
                f"max {self.max:.2f}  >1.5x {self.over_1_5:5.1%}  >2x {self.over_2:5.1%}")


def summarize(values: list[float]) -> Summary:
    n = len(values)
    if not n:
        return Summary(0, math.nan, math.nan, math.nan, math.nan, math.nan, math.nan)
    return Summary(n, statistics.median(values), percentile(values, 90), percentile(values, 95), max(values),
                   sum(v > 1.5 for v in values) / n, sum(v > 2.0 for v in values) / n)


def stretches(lines: list[Line]) -> list[float]:
    """The drawn word-space stretch of every justified line."""
    return [ln.stretch for ln in lines if ln.justified]


# --- generated issues ------------------------------------------------------------------------------------

_VOCABULARY_TEXT = (
    "the of and to in a for on with as by at from that is was were will be this their members science research "
    "workshop meeting network regional climate water energy health training students experts forum alliance policy "
    "data ocean field project results report agriculture disaster risk reduction development innovation capacity "
    "building exchange programme international cooperation organization partners laboratory universities academy "
    "sustainable biodiversity observation satellite monitoring drylands wetlands seminar delegation secretariat "
    "governing board committee strategy framework priorities implementation fellowship scholarship scientists "
    "young early career collaboration infrastructure technology transfer environment ecosystems glaciers rivers "
    "mountains coastal resilience earthquake early warning systems public understanding communication joint "
    "centre institute ministry national government agreement signed opened welcomed discussed presented agreed "
    "proposed announced supported highlighted participants countries regions across several many new first second "
    "annual plenary session keynote panel poster award ceremony visit delegates colleagues"
)
VOCABULARY = tuple(_VOCABULARY_TEXT.split())


def prose(words: int, seed: int, *, paragraph: tuple[int, int] = (40, 90)) -> str:
    """Deterministic English-looking prose of about `words` words in paragraphs (blank-line separated)."""
    rnd = random.Random(seed)
    paras, left = [], words
    while left > 0:
        n = min(left, rnd.randint(*paragraph))
        out, sentence = [], 0
        for _ in range(n):
            w = rnd.choice(VOCABULARY)
            if sentence == 0:
                w = w.capitalize()
            sentence += 1
            if sentence > rnd.randint(9, 22):
                w += "."
                sentence = 0
            elif rnd.random() < 0.06:
                w += ","
            out.append(w)
        paras.append(" ".join(out).rstrip(",.") + ".")
        left -= n
    return "\n\n".join(paras)


def synthetic_photo(path: Path, size: tuple[int, int], seed: int) -> None:
    """A small deterministic PNG 'photo': a gradient and a few discs (lossless, so renders are stable)."""
    from PIL import Image, ImageDraw

    rnd = random.Random(seed)
    w, h = size
    a, b = [tuple(rnd.randint(30, 225) for _ in range(3)) for _ in range(2)]
    img = Image.new("RGB", size)
    draw = ImageDraw.Draw(img)
    for y in range(h):
        t = y / max(1, h - 1)
        draw.line([(0, y), (w, y)], fill=tuple(round(a[i] + (b[i] - a[i]) * t) for i in range(3)))
    for _ in range(5):
        r = rnd.randint(h // 10, h // 3)
        x, y = rnd.randint(0, w), rnd.randint(0, h)
        draw.ellipse([x - r, y - r, x + r, y + r], fill=tuple(rnd.randint(0, 255) for _ in range(3)))
    img.save(path, optimize=True)


# large enough for 150 ppi in the press PDF wherever the generated issues place them (below that is an error)
PHOTO_SIZES = {"p1.png": (1200, 800), "p2.png": (1280, 720), "p3.png": (1000, 1000), "p4.png": (960, 1280),
               "p5.png": (1200, 840), "p6.png": (1280, 800)}


def _photo(name: str, caption: str, **extra: Any) -> dict[str, Any]:
    return {"file": f"photos/{name}", "caption": caption, "credit": "Test Archive, CC0", **extra}


def _newsletter(**extra: Any) -> dict[str, Any]:
    return {"name": "Field Notes", "tagline": "News from the Test Network", "issue": "Issue 8",
            "date": "May 2026", "language": "en", **extra}


def _contact() -> dict[str, Any]:
    return {"title": "Contact", "address": "Test Network Office\n1 Example Road\nSampletown 10101",
            "phone": "+1 555 0100", "email": "office@example.org", "website": "https://example.org/"}


def _events(n: int) -> dict[str, Any]:
    titles = ["Regional Workshop on Water and Climate Resilience", "Annual Forum of the Network",
              "Young Scientists Summer School on Biodiversity Observation", "Governing Board Meeting",
              "Open Day at the Coastal Monitoring Station"]
    places = ["Nairobi, Kenya", "Lisbon, Portugal", "Hanoi, Viet Nam", "Online", "Valparaíso, Chile"]
    return {"title": "Upcoming Events", "items": [
        {"date": f"2026-{6 + i:02d}-{3 + 4 * i:02d}", "title": titles[i % 5], "place": places[i % 5]} for i in range(n)
    ]}


def _gallery(n: int) -> dict[str, Any]:
    names = list(PHOTO_SIZES)
    return {"title": "From the Workshops", "photos": [_photo(names[i % 6], f"Moment {i + 1} of the week.") for i in range(n)]}


def _quote() -> dict[str, Any]:
    return {"text": "Observation networks only work when the people behind them talk to each other every week.",
            "by": "A participant of the plenary session"}


def _articles(seed: int, sizes: list[int], *, photo: bool = True, quote_at: int | None = None) -> list[dict[str, Any]]:
    out = []
    for i, words in enumerate(sizes):
        article: dict[str, Any] = {"title": f"{'IVX'[i % 3]}. {prose(9, seed * 31 + i, paragraph=(6, 9)).rstrip('.')}",
                                   "body": prose(words, seed * 17 + i)}
        if photo and i == 0:
            article["images"] = [_photo(list(PHOTO_SIZES)[(seed + i) % 6], "An illustrative picture for the test.")]
        if quote_at == i:
            article["quote"] = _quote()
        out.append(article)
    return out


def generated_issues() -> dict[str, dict[str, Any]]:
    """Issue documents, each a different shape: section counts, text lengths, page size and columns."""
    return {
        # three pinned sections of medium length, a fourth unpinned with events and a gallery
        "a4-four-sections": {
            "newsletter": _newsletter(), "contact": _contact(),
            "sections": [
                {"title": "Network Meeting Opens the Year", "contents_title": "Network meeting", "page": 1,
                 "intro": prose(40, 1, paragraph=(40, 40)), "body": prose(150, 2),
                 "images": [_photo("p2.png", "The opening session.", wide=True)]},
                {"title": "Conferences", "page": 2, "articles": _articles(3, [220, 200], quote_at=1)},
                {"title": "Recent Activities", "page": 3, "articles": _articles(4, [160, 110, 140])},
                {"title": "Events and Pictures", "events": _events(3), "gallery": _gallery(3)},
            ],
        },
        # many short unpinned sections flowing on from each other
        "a4-six-short": {
            "newsletter": _newsletter(), "contents": {"title": "In This Issue"},
            "sections": [{"title": f"Short Item Number {n}", "body": prose(110 + 40 * (n % 3), 10 + n),
                          **({"images": [_photo(list(PHOTO_SIZES)[n % 6], "A picture.")]} if n % 2 else {})}
                         for n in range(1, 7)],
        },
        # long texts that need a tighter fit
        "a4-long": {
            "newsletter": _newsletter(), "contact": _contact(),
            "sections": [
                {"title": "A Long Report from the Field", "page": 1, "body": prose(360, 21)},
                {"title": "Research News", "page": 2, "articles": _articles(22, [250, 230], quote_at=0)},
                {"title": "Partners", "page": 3, "articles": _articles(23, [260, 240])},
                {"title": "Outlook", "page": 4, "body": prose(300, 24), "events": _events(2)},
            ],
        },
        # Letter, three columns; a section that jumps to a later page
        "letter-3col": {
            "newsletter": _newsletter(), "contact": _contact(), "style": {"page_size": "Letter", "columns": 3, "press": {"condition": "fogra39"}},
            "sections": [
                {"title": "Three Columns on Letter Paper", "page": 1, "body": prose(380, 31), "continues_on": 3,
                 "images": [_photo("p1.png", "A picture in a narrow column.")]},
                {"title": "Conferences", "page": 2, "articles": _articles(32, [240, 200], quote_at=1)},
                {"title": "Gallery and Events", "page": 4, "events": _events(4), "gallery": _gallery(6)},
            ],
        },
        # the smallest issue there is
        "minimal": {
            "newsletter": {"name": "Minimal", "issue": "1", "date": "2026"},
            "sections": [{"title": "Only Section", "body": prose(60, 41)}],
        },
    }


def write_issue(folder: Path, name: str, document: dict[str, Any]) -> Path:
    """Write an issue document and the synthetic photos it uses into `folder`; return the issue file."""
    photos = folder / "photos"
    photos.mkdir(parents=True, exist_ok=True)
    for n, (file, size) in enumerate(PHOTO_SIZES.items()):
        if not (photos / file).exists():
            synthetic_photo(photos / file, size, seed=n)
    path = folder / f"{name}.yaml"
    path.write_text(yaml.safe_dump({"format": 1, **document}, sort_keys=False, allow_unicode=True, width=100),
                    encoding="utf-8")
    return path


def write_generated(folder: Path) -> dict[str, Path]:
    return {name: write_issue(folder, name, doc) for name, doc in generated_issues().items()}


def _longer_than(hyphenate: Any, letters: int) -> Any:
    def only_long_words(word: str) -> Any:
        return hyphenate(word) if sum(c.isalpha() for c in word) >= letters else iter(())

    return only_long_words


@contextmanager
def patched_typesetting(*, body: str | None = None, hyphenation: bool = True, embedded: int | None = None,
                        min_letters: int | None = None) -> Iterator[None]:
    """Lay out with body text set otherwise than the code does (for measurement only; src/ is unchanged).

    body: None as the code does; "justified" justified in every column (the narrow-column rule off, when
    layout/columns.py has one); "ragged" ragged-right everywhere. hyphenation=False: no dictionary
    hyphenation. embedded: ParagraphStyle.embeddedHyphenation for every style (1 or 2: lines may break after
    a hyphen already in the text, as in "co-|hosted"). min_letters: hyphenate only words of at least this
    many letters (the code's own rule is 6)."""
    from contextlib import ExitStack

    from reportlab.lib.enums import TA_LEFT

    from anso_pdf.layout import columns
    from anso_pdf.layout import styles as S

    original = S.Styles.__init__

    def init(self: Any, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        for name, style in vars(self).items():
            if not hasattr(style, "alignment"):
                continue
            if body == "ragged" and name in JUSTIFIED_STYLES:
                style.alignment = TA_LEFT
            if not hyphenation:
                style.hyphenationLang = ""
            if embedded is not None:
                style.embeddedHyphenation = embedded
            if min_letters and callable(style.hyphenationLang):
                style.hyphenationLang = _longer_than(style.hyphenationLang, min_letters)

    with ExitStack() as stack:
        stack.enter_context(mock.patch.object(S.Styles, "__init__", init))
        if body == "justified":
            stack.enter_context(mock.patch.object(columns, "NARROW", 0.0))
        yield
