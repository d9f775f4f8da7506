"""Turn section stories into placed flowables on four pages: columns filled and balanced, pins honoured,
jump lines set, and every overflow measured instead of silently adding a page."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from reportlab.lib.enums import TA_JUSTIFY, TA_LEFT

from anso_pdf.layout import flowables as F
from anso_pdf.layout.document import LaidOutPage, Placed
from anso_pdf.layout.grid import Area, PageGrid
from anso_pdf.layout.inline import paragraph
from anso_pdf.layout.story import Item, SectionStory
from anso_pdf.layout.styles import Styles
from anso_pdf.units import mm

PAGES = 4
EPS = 1e-6


@dataclass
class Overflow:
    """Story content that did not fit before the page where it had to end."""

    story: SectionStory
    limit: int  # the last page the section may use
    lines: float = 0.0
    words: int = 0


@dataclass
class Column:
    placed: list[tuple[Any, float]] = field(default_factory=list)  # (flowable, height), top to bottom
    used: float = 0.0
    hyphen_at_foot: bool = False  # it ends in a hyphenated word no other break could avoid


@dataclass
class Continuation:
    story: SectionStory
    items: list[Item]
    from_page: int
    target: int


def _lines(flowable: Any, grid: float) -> float:
    return flowable.height / grid if getattr(flowable, "height", 0) else 0.0


def _words(flowable: Any) -> int:
    bl = getattr(flowable, "blPara", None)
    if bl is None:
        return 0
    if bl.kind == 0:
        return sum(len(words) for _, words in bl.lines)
    return sum(len("".join(getattr(f, "text", "") for f in line.words).split()) for line in bl.lines)


class Paginator:
    def __init__(self, grid: PageGrid, styles: Styles, *, last_page: int = PAGES) -> None:
        self.grid = grid
        self.last_page = last_page  # the last page these stories may use (a run of pages ends before the next pin)
        self.st = styles
        self.L = styles.fit.leading
        self.pages = [LaidOutPage(n) for n in range(1, PAGES + 1)]
        self.page = 1
        self.y = grid.flow[0].top
        self.fresh = True  # nothing placed yet on this page's flow area
        self.limit = PAGES
        self.overflows: dict[str, Overflow] = {}
        self.section_pages: dict[str, int] = {}
        self.continuation_pages: dict[str, int] = {}
        self.placed_ids: set[str] = set()
        self.lowest: dict[int, float] = {}
        self.story: SectionStory | None = None
        self.errors: list[tuple[Any, str]] = []  # (the section's span, what went wrong)

    # --- geometry -----------------------------------------------------------------------------------

    @property
    def area(self) -> Area:
        return self.grid.flow[min(self.page, PAGES) - 1]

    @property
    def overflowing(self) -> bool:
        return self.page > self.limit

    def new_page(self) -> None:
        self.page += 1
        self.y = self.area.top
        self.fresh = True

    def go_to(self, page: int) -> None:
        self.page = page
        self.y = self.area.top
        self.fresh = True

    def _record(self, flowable: Any, x: float, y: float, w: float, h: float) -> None:
        assert self.story is not None
        if self.overflowing:
            over = self.overflows.setdefault(self.story.section.key, Overflow(self.story, self.limit))
            over.lines += _lines(flowable, self.L) if not hasattr(flowable, "blPara") else len(flowable.blPara.lines)
            over.words += _words(flowable) or getattr(flowable, "anso_words", 0)
            self.fresh = False  # measured, not placed, but it takes this (virtual) page's room all the same
            return
        self.section_pages.setdefault(self.story.section.key, self.page)
        ident = getattr(flowable, "anso_id", "")
        if ident:
            self.placed_ids.add(ident)
        for cell in getattr(flowable, "cells", []):
            if getattr(cell, "anso_id", ""):
                self.placed_ids.add(cell.anso_id)
        self.pages[self.page - 1].placed.append(
            Placed(flowable, x, y, w, h, "flow", ident, self.story.section.key)
        )
        self.lowest[self.page] = min(self.lowest.get(self.page, self.area.top), y)
        self.fresh = False

    def _error(self, message: str) -> None:
        where = self.story.section if self.story else None
        self.errors.append((where.span if where else None, f"section '{where.title}': {message}" if where else message))

    # --- sections -------------------------------------------------------------------------------------

    def run(self, stories: list[SectionStory]) -> None:
        pending: list[Continuation] = []
        for index, story in enumerate(stories):
            section = story.section
            later_pins = [s.section.page for s in stories[index + 1 :] if s.section.page]
            if section.page:
                pending = self._flush_continuations(pending, before=section.page)
                self.go_to(section.page)  # content of the previous run that reached this page was overflow
            self.limit = (min(later_pins) - 1) if later_pins else self.last_page
            self.story = story
            rest = self.flow(story.items, may_break=section.continues_on is not None)
            if rest:
                pending.append(Continuation(story, rest, self.page, section.continues_on or PAGES))
                self.new_page()
        self._flush_continuations(pending, before=PAGES + 1)

    def _flush_continuations(self, pending: list[Continuation], *, before: int) -> list[Continuation]:
        keep = []
        for cont in pending:
            if cont.target >= before:
                keep.append(cont)
                continue
            if self.page < cont.target:
                self.go_to(cont.target)
            self.story = cont.story
            self.limit = max(self.limit, cont.target) if before > PAGES else before - 1
            self.continuation_pages[cont.story.section.key] = self.page
            head = F.GridPad(
                paragraph(f"Continued from page {cont.from_page}: {cont.story.section.title}", self.st.continued_head),
                self.L, after=self.L * 0.3,
            )
            head.keep_with_next = True
            self.flow([Item(head, False), *cont.items], may_break=False)
        return keep

    # --- flowing items -------------------------------------------------------------------------------

    def flow(self, items: list[Item], *, may_break: bool) -> list[Item]:
        """Place items from the current position; with `may_break`, stop at the end of the page and return
        what is left (the continuation), after setting a jump line."""
        run: list[Any] = []
        start_page = self.page
        for i, item in enumerate(items):
            if not item.spans:
                run.append(item.flowable)
                continue
            rest = self.place_run(run, may_break=may_break and self.page == start_page)
            if rest:
                return [Item(f, False) for f in rest] + items[i:]
            run = []
            if may_break and self.page == start_page and not self._span_fits(item):
                self._jump_line_at_bottom()
                return items[i:]
            self.place_span(item.flowable)
        rest = self.place_run(run, may_break=may_break and self.page == start_page)
        return [Item(f, False) for f in rest]

    def _span_fits(self, item: Item) -> bool:
        h = item.flowable.wrap(self.area.width, self.area.height)[1]
        need = h + (3 * self.L if item.flowable.keep_with_next else 0)
        return self.y - need - self.area.bottom >= -EPS

    def place_span(self, flowable: Any) -> None:
        area = self.area
        h = flowable.wrap(area.width, area.height)[1]
        need = h + (4 * self.L if flowable.keep_with_next else 0)
        if self.y - need < area.bottom - EPS and not self.fresh:
            self.new_page()
            area = self.area
        if not self.fresh:
            self.y -= self.L * 0.5
        self._record(flowable, area.x, self.y - h, area.width, h)
        self.y -= h
        if h > area.height + EPS:
            self._error(f"a block ({getattr(flowable, 'anso_id', '?')}) is taller than a page")

    def place_run(self, run: list[Any], *, may_break: bool) -> list[Any]:
        """Fill the columns from the current position, balanced when the run ends on this page."""
        guard = 0
        while run:
            guard += 1
            if guard > 40:
                self._error("the columns could not be filled (the layout did not converge)")
                return []
            area = self.area
            avail = self.y - area.bottom
            columns, rest = self.balance(run, area, avail)
            if not rest:
                self._place_columns(columns, area)
                used = max(c.used for c in columns)
                self.y -= used + (self.L if used else 0)
                return []
            if may_break:
                heights = [avail] * area.columns
                heights[-1] -= self.L
                columns, rest = self.fill(run, area.column_width, heights)
                self._place_columns(columns, area)
                self._jump_line_at_bottom()
                return rest
            columns, rest = self._no_widow_over_the_page(run, area, avail, columns, rest)
            progress = any(c.placed for c in columns)
            if not progress and self.fresh:
                self._error(f"a block ({getattr(run[0], 'anso_id', '?')}) does not fit in an empty column")
                columns, rest = self.fill(run, area.column_width, [10_000.0] * area.columns)
            self._place_columns(columns, area)
            run = rest
            self.new_page()
        return []

    def _no_widow_over_the_page(self, run: list[Any], area: Area, avail: float, columns: list[Column],
                                rest: list[Any]) -> tuple[list[Column], list[Any]]:
        """ReportLab keeps two lines after a split at the width where it splits; the rest may reflow wider on
        the next page into one line. Carry a line or two more over when that would happen."""
        if not rest or not hasattr(rest[0], "frags") or not getattr(rest[0], "anso_id", ""):
            return columns, rest
        next_width = self.grid.flow[min(self.page + 1, PAGES) - 1].column_width
        if _line_count(rest[0], next_width) >= 2:
            return columns, rest
        for fewer in (1, 2):
            heights = [avail] * area.columns
            heights[-1] -= fewer * self.L
            trial, trial_rest = self.fill(run, area.column_width, heights)
            if trial_rest and hasattr(trial_rest[0], "frags") and _line_count(trial_rest[0], next_width) >= 2:
                return trial, trial_rest
        return columns, rest

    def _jump_line_at_bottom(self) -> None:
        assert self.story is not None
        area = self.area
        jump = F.JumpLine(self.story.section.key, self.st.continued, self.L)
        jump.wrap(area.column_width, self.L)
        x = area.column_x(area.columns - 1)
        self._record(jump, x, area.bottom, area.column_width, self.L)

    def _place_columns(self, columns: list[Column], area: Area) -> None:
        for index, column in enumerate(columns):
            y = self.y
            x = area.column_x(index)
            for n, (flowable, h) in enumerate(column.placed):
                if n:
                    y -= getattr(flowable, "space_before", 0.0)
                self._record(flowable, x, y - h, area.column_width, h)
                y -= h

    # --- columns ---------------------------------------------------------------------------------------

    def balance(self, run: list[Any], area: Area, avail: float) -> tuple[list[Column], list[Any]]:
        """Fill `area.columns` columns of at most `avail`; when everything fits, make the columns as short
        and even as possible (on whole grid lines)."""
        n, width = area.columns, area.column_width
        columns, rest = self.fill(run, width, [avail] * n)
        if rest or n == 1:
            return columns, rest
        lo, hi = 1, int(avail / self.L + EPS)
        best_height = avail
        while lo <= hi:
            mid = (lo + hi) // 2
            trial, trial_rest = self.fill(run, width, [mid * self.L] * n)
            if trial_rest or any(c.hyphen_at_foot for c in trial[:-1]):
                lo = mid + 1
            else:
                best_height, hi = mid * self.L, mid - 1
        final, rest = self.fill(run, width, [best_height] * n)  # again, so the placed objects are wrapped as drawn
        if rest:
            return self.fill(run, width, [avail] * n)
        return final, []

    def fill(self, run: list[Any], width: float, heights: list[float]) -> tuple[list[Column], list[Any]]:
        for flowable in run:
            _align_for_measure(flowable, width)
        queue = list(run)
        columns: list[Column] = []
        for height in heights:
            column = Column()
            columns.append(column)
            while queue:
                flowable = queue[0]
                space = getattr(flowable, "space_before", 0.0) if column.placed else 0.0
                room = height - column.used - space
                h = flowable.wrap(width, max(room, 0.0))[1]
                if h <= room + EPS:
                    if (getattr(flowable, "keep_with_next", False) and column.placed and len(queue) > 1
                            and not self._starts(queue[1], width, room - h)):
                        break  # a heading never ends a column without two lines of its text
                    column.placed.append((flowable, h))
                    column.used += space + h
                    queue.pop(0)
                    continue
                parts = flowable.split(width, room) if room > 0 and not getattr(flowable, "keep_with_next", False) else []
                if len(parts) >= 2 and _ends_hyphenated(parts[0], width, room):
                    # no hyphen at the foot of a column: break a line or two earlier when the paragraph allows it
                    for lines in (1, 2):
                        earlier = flowable.split(width, room - lines * self.L)
                        if len(earlier) >= 2 and not _ends_hyphenated(earlier[0], width, room):
                            parts = earlier
                            break
                    else:
                        if column.placed:  # the whole paragraph starts the next column instead
                            parts = []
                if len(parts) >= 2:
                    ident = getattr(flowable, "anso_id", "")
                    for part in parts:
                        part.anso_id = ident
                        part.space_before = 0.0
                    first = parts[0]
                    fh = first.wrap(width, room)[1]
                    if fh <= room + EPS:
                        column.placed.append((first, fh))
                        column.used += space + fh
                        column.hyphen_at_foot = _ends_hyphenated(first, width, room)
                        queue[0:1] = parts[1:]
                break
        return columns, queue

    def _starts(self, flowable: Any, width: float, room: float) -> bool:
        """Can `flowable` begin in `room`: whole, or with at least two of its lines?"""
        if room <= 0:
            return False
        space = getattr(flowable, "space_before", 0.0)
        h = flowable.wrap(width, room)[1]
        if h + space <= room + EPS:
            return True
        if getattr(flowable, "keep_with_next", False):
            return False
        parts = flowable.split(width, room - space)
        return len(parts) >= 2


def _line_count(para: Any, width: float) -> int:
    """Lines of a paragraph at another width; the measurement is then stale, so the next wrap redoes it."""
    count = len(para.breakLines([width]).lines)
    para._measured = None
    return count


def _ends_hyphenated(part: Any, width: float, room: float) -> bool:
    part.wrap(width, room)
    lines = getattr(getattr(part, "blPara", None), "lines", None)
    if not lines:
        return False
    last = lines[-1]
    words = last[1] if isinstance(last, tuple) else getattr(last, "words", [])
    if not words:
        return False
    text = words[-1] if isinstance(words[-1], str) else getattr(words[-1], "text", "")
    return str(text).endswith("-")


NARROW = mm(62)  # justified text in narrower columns is loose: set it ragged-right (docs/typography.md)
_RAGGED: dict[str, Any] = {}


def _align_for_measure(flowable: Any, width: float) -> None:
    """Body text is justified in wide columns and ragged-right in narrow ones; set before measuring."""
    style = getattr(flowable, "style", None)
    if style is None or not hasattr(flowable, "frags"):
        return
    original = getattr(style, "justified_original", None)
    if width < NARROW and style.alignment == TA_JUSTIFY:
        if style.name not in _RAGGED or _RAGGED[style.name].justified_original is not style:
            ragged = type(style)(style.name + "-ragged", parent=style, alignment=TA_LEFT)  # ReportLab: same class
            ragged.justified_original = style
            _RAGGED[style.name] = ragged
        flowable.style = _RAGGED[style.name]
    elif width >= NARROW and original is not None:
        flowable.style = original
