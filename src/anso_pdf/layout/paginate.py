"""Turn section stories into placed flowables on four pages: the story loop with pins and jumps.

Its parts can be tested alone: `Cursor` (where the next block goes), `ColumnFiller` (layout/columns.py: the
column rules and balancing), `PageBook` (what was placed where, and what did not fit) and `Pagination` (the
frozen result). `paginate` runs the loop: sections in order, each pinned section on its own page, a section
that may continue (`continues_on`) broken at the foot of its page with a jump line, every overflow measured
instead of silently adding a page."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any

from anso_pdf.diagnostics import Span
from anso_pdf.layout import flowables as F
from anso_pdf.layout.columns import EPS, Column, ColumnFiller, ident, keeps_with_next
from anso_pdf.layout.document import LaidOutPage, Placed
from anso_pdf.layout.grid import Area, PageGrid
from anso_pdf.layout.inline import paragraph
from anso_pdf.layout.story import Item, SectionStory
from anso_pdf.layout.styles import Styles

PAGES = 4


@dataclass(frozen=True)
class Overflow:
    """Story content that did not fit before the page where it had to end."""

    story: SectionStory
    limit: int  # the last page the section may use
    lines: float = 0.0
    words: int = 0


@dataclass(frozen=True)
class Continuation:
    """The rest of a section that jumps: its items, the page it left and the page it goes on."""

    story: SectionStory
    items: tuple[Item, ...]
    from_page: int
    target: int
    whole: bool = False  # nothing of the section had room on its page: all of it goes on the target page


@dataclass
class Cursor:
    """Where the next block goes: a page (beyond the last one, content is measured, not placed) and a height."""

    grid: PageGrid
    page: int = 1
    y: float = field(default=0.0)
    fresh: bool = True  # nothing placed yet on this page's flow area
    lift: float = 0.0  # the floor raised above the page's bottom: room kept for the sections after a jump

    def __post_init__(self) -> None:
        self.y = self.area.top

    @property
    def area(self) -> Area:
        return self.grid.flow[min(self.page, PAGES) - 1]

    @property
    def floor(self) -> float:
        """The lowest the current content may go: the page's bottom, or above it while a section jumps."""
        return self.area.bottom + self.lift

    @property
    def room(self) -> float:
        return self.y - self.floor

    def new_page(self) -> None:
        self.go_to(self.page + 1)

    def go_to(self, page: int) -> None:
        self.page = page
        self.y = self.area.top
        self.fresh = True
        self.lift = 0.0


@dataclass(frozen=True)
class Pagination:
    """The frozen result of the story loop: the four pages' story blocks and what the loop learnt."""

    pages: tuple[LaidOutPage, ...]
    section_pages: Mapping[str, int]  # section key -> page where it starts
    continuation_pages: Mapping[str, int]  # section key -> page where its text goes on
    placed_ids: frozenset[str]
    lowest: Mapping[int, float]  # page -> the lowest bottom of a block on it
    overflows: Mapping[str, Overflow]  # section key -> what did not fit
    errors: tuple[tuple[Span | None, str], ...]  # (the section's span, what went wrong)
    moved: Mapping[str, int] = field(default_factory=lambda: MappingProxyType({}))  # section key -> the page it had no room on, set whole later

    @property
    def fits(self) -> bool:
        return not self.overflows and not self.errors

    def empty_share(self, page: int, area: Area) -> float:
        """The share of a page's flow area left empty under its lowest block."""
        return (self.lowest.get(page, area.top) - area.bottom) / area.height


class PageBook:
    """What the story loop placed where, and what it measured past the page where a section had to end."""

    def __init__(self, leading: float) -> None:
        self.L = leading
        self.pages = [LaidOutPage(n) for n in range(1, PAGES + 1)]
        self.section_pages: dict[str, int] = {}
        self.continuation_pages: dict[str, int] = {}
        self.placed_ids: set[str] = set()
        self.lowest: dict[int, float] = {}
        self.overflows: dict[str, Overflow] = {}
        self.errors: list[tuple[Span | None, str]] = []
        self.moved: dict[str, int] = {}

    def place(self, page: int, area: Area, section: str, block: Any, x: float, y: float, w: float, h: float) -> None:
        self.section_pages.setdefault(section, page)
        name = ident(block)
        if name:
            self.placed_ids.add(name)
        for cell in getattr(block, "cells", []):
            if ident(cell):
                self.placed_ids.add(ident(cell))
        self.pages[page - 1].placed.append(Placed(block, x, y, w, h, "flow", name, section))
        self.lowest[page] = min(self.lowest.get(page, area.top), y)

    def measure_over(self, story: SectionStory, limit: int, block: Any) -> None:
        """A block past the section's last page: counted (lines, words), not placed."""
        key = story.section.key
        over = self.overflows.get(key, Overflow(story, limit))
        bl = getattr(block, "blPara", None)
        lines = len(bl.lines) if bl is not None else (block.height / self.L if getattr(block, "height", 0) else 0.0)
        self.overflows[key] = replace(over, lines=over.lines + lines,
                                      words=over.words + (_words(block) or getattr(block, "anso_words", 0)))

    def error(self, story: SectionStory | None, message: str) -> None:
        section = story.section if story else None
        self.errors.append((section.span if section else None,
                            f"section '{section.title}': {message}" if section else message))

    def freeze(self) -> Pagination:
        return Pagination(
            pages=tuple(LaidOutPage(p.number, list(p.placed)) for p in self.pages),
            section_pages=MappingProxyType(dict(self.section_pages)),
            continuation_pages=MappingProxyType(dict(self.continuation_pages)),
            placed_ids=frozenset(self.placed_ids),
            lowest=MappingProxyType(dict(self.lowest)),
            overflows=MappingProxyType(dict(self.overflows)),
            errors=tuple(self.errors),
            moved=MappingProxyType(dict(self.moved)),
        )


def _words(block: Any) -> int:
    bl = getattr(block, "blPara", None)
    if bl is None:
        return 0
    if bl.kind == 0:
        return sum(len(words) for _, words in bl.lines)
    return sum(len("".join(getattr(f, "text", "") for f in line.words).split()) for line in bl.lines)


def paginate(grid: PageGrid, styles: Styles, stories: Sequence[SectionStory], *, last_page: int = PAGES) -> Pagination:
    """Lay the stories out on the four pages; `last_page` is the last page they may use (a run of pages ends
    before the next pin).

    A section that may continue (`continues_on`) jumps as much of itself as the sections after it on its page
    need: when one of them (up to the next pinned section) does not fit, the fewest whole lines at the foot of
    the jumping section's page are kept for them, found by bisection."""
    stories = list(stories)
    reserve: dict[str, int] = {}

    def run() -> Pagination:
        loop = Paginator(grid, styles, last_page=last_page, reserve=reserve)
        loop.run(stories)
        return loop.book.freeze()

    result = run()
    for index, story in enumerate(stories):
        key = story.section.key
        if not story.section.continues_on or key not in result.section_pages:
            continue
        later = _followers(stories, index)
        if not any(k in result.overflows for k in later):
            continue
        start = result.section_pages[key]
        area = grid.flow[start - 1]
        lo, hi = 1, int(area.height / styles.fit.leading)
        best: tuple[int, Pagination] | None = None
        while lo <= hi:
            mid = (lo + hi) // 2
            reserve[key] = mid
            trial = run()
            if trial.section_pages.get(key) != start or not _has_text_on(trial, key, start):
                hi = mid - 1  # so much kept that the section no longer starts here (or only its jump line): keep less
            elif any(k in trial.overflows for k in later):
                lo = mid + 1
            else:
                best, hi = (mid, trial), mid - 1
        if best is None:
            reserve.pop(key, None)
        else:
            reserve[key], result = best
    return result


def _has_text_on(result: Pagination, key: str, page: int) -> bool:
    """Has the section anything but its jump line on the page?"""
    return any(p.section == key and not isinstance(p.flowable, F.JumpLine) for p in result.pages[page - 1].placed)


def _followers(stories: Sequence[SectionStory], index: int) -> list[str]:
    """The keys of the sections after `index` up to the next pinned one: those that share its pages."""
    keys = []
    for story in stories[index + 1 :]:
        if story.section.page:
            break
        keys.append(story.section.key)
    return keys


class Paginator:
    """The story loop: sections in order, pins, jumps and continuations, on a cursor, a column filler and a book."""

    def __init__(self, grid: PageGrid, styles: Styles, *, last_page: int = PAGES,
                 reserve: Mapping[str, int] | None = None) -> None:
        self.grid = grid
        self.reserve = dict(reserve or {})  # section key -> grid lines its jump leaves at the foot of its page
        self.last_page = last_page
        self.st = styles
        self.L = styles.fit.leading
        self.cursor = Cursor(grid)
        self.filler = ColumnFiller(self.L)
        self.book = PageBook(self.L)
        self.limit = PAGES
        self.story: SectionStory | None = None
        self.jump_foot = 0.0  # the bottom of the last jump line set

    # --- recording ----------------------------------------------------------------------------------

    def _record(self, block: Any, x: float, y: float, w: float, h: float) -> None:
        assert self.story is not None
        cur = self.cursor
        if cur.page > self.limit:
            self.book.measure_over(self.story, self.limit, block)  # it takes this (virtual) page's room all the same
        else:
            self.book.place(cur.page, cur.area, self.story.section.key, block, x, y, w, h)
        cur.fresh = False

    def _error(self, message: str) -> None:
        self.book.error(self.story, message)

    # --- sections -------------------------------------------------------------------------------------

    def run(self, stories: list[SectionStory]) -> None:
        pending: list[Continuation] = []
        for index, story in enumerate(stories):
            section = story.section
            later_pins = [s.section.page for s in stories[index + 1 :] if s.section.page]
            if section.page:
                pending = self._flush_continuations(pending, before=section.page)
                self.cursor.go_to(section.page)  # content of the previous run that reached this page was overflow
            self.limit = (min(later_pins) - 1) if later_pins else self.last_page
            self.story = story
            jumps = section.continues_on is not None
            self.cursor.lift = self.reserve.get(section.key, 0) * self.L if jumps else 0.0
            rest = self.flow(story.items, may_break=jumps)
            lift, self.cursor.lift = self.cursor.lift, 0.0
            if rest and section.key not in self.book.section_pages and section.key not in self.book.overflows:
                # no room to start on this page, and the next is another section's: all of it goes to its page
                self.book.moved[section.key] = self.cursor.page
                pending.append(Continuation(story, tuple(rest), self.cursor.page, section.continues_on or PAGES, whole=True))
            elif rest:
                pending.append(Continuation(story, tuple(rest), self.cursor.page, section.continues_on or PAGES))
                if lift > EPS:
                    self.cursor.y = self.jump_foot  # the sections after it go on in the room kept, under the jump line
                else:
                    self.cursor.new_page()
        self._flush_continuations(pending, before=PAGES + 1)

    def _flush_continuations(self, pending: list[Continuation], *, before: int) -> list[Continuation]:
        keep = []
        for cont in pending:
            if cont.target >= before:
                keep.append(cont)
                continue
            if self.cursor.page < cont.target:
                self.cursor.go_to(cont.target)
            self.story = cont.story
            self.limit = max(self.limit, cont.target) if before > PAGES else before - 1
            if cont.whole:
                self.flow(list(cont.items), may_break=False)
                continue
            head = F.GridPad(
                paragraph(f"Continued from page {cont.from_page}: {cont.story.section.title}", self.st.continued_head),
                self.L, after=self.L * 0.3, heads=True,
            )
            head.keep_with_next = True
            self.flow([Item(head, False), *cont.items], may_break=False)
            # the page the text really resumes on: where its head was placed (measured past the last page: none)
            resumed = next((p.number for p in self.book.pages for pl in p.placed if pl.flowable is head), None)
            if resumed is not None:
                self.book.continuation_pages[cont.story.section.key] = resumed
        return keep

    # --- flowing items -------------------------------------------------------------------------------

    def flow(self, items: list[Item], *, may_break: bool) -> list[Item]:
        """Place items from the cursor; with `may_break`, stop at the end of the page and return what is left
        (the continuation), after setting a jump line."""
        run: list[Any] = []
        start_page = self.cursor.page
        for i, item in enumerate(items):
            if not item.spans:
                run.append(item.flowable)
                continue
            rest = self.place_run(run, may_break=may_break and self.cursor.page == start_page, followed=True)
            if rest:
                return [Item(f, False) for f in rest] + items[i:]
            run = []
            following = items[i + 1] if i + 1 < len(items) else None
            if may_break and self.cursor.page == start_page and not self._span_fits(item, following):
                if self._has_content_here():
                    self._jump_line_under_section()  # under the section's own last block, in its column
                    return items[i:]
                target = self.story.section.continues_on if self.story else None
                if target and self.cursor.page + 1 > self.limit and target > self.cursor.page:
                    return items[i:]  # nothing placed here, and the next page is another section's
                # nothing of the section on this page yet: it starts on the next page, and may jump from there
                self.cursor.new_page()
                start_page = self.cursor.page
            self.place_span(item.flowable, following)
        rest = self.place_run(run, may_break=may_break and self.cursor.page == start_page)
        return [Item(f, False) for f in rest]

    def _placed_here(self) -> list[Placed]:
        """What is placed on the cursor's page (nothing past the last page: it is only measured there)."""
        return self.book.pages[self.cursor.page - 1].placed if self.cursor.page <= PAGES else []

    def _has_content_here(self) -> bool:
        """Has the current section placed anything on the cursor's page (a jump line needs text above it)?"""
        assert self.story is not None
        if self.cursor.page > PAGES:
            return True
        key = self.story.section.key
        return any(p.section == key for p in self._placed_here())

    def _kept_with(self, following: Item | None, width: float, text_lines: float) -> float:
        """The room a heading (keep_with_next) needs under it for what follows it to start: a spanning block
        whole, with the half line above it (a row of photos or events cannot split), else `text_lines` lines."""
        if following is None:
            return 0.0
        if following.spans:
            return self.L * 0.5 + following.flowable.wrap(width, self.cursor.area.height)[1]
        return text_lines * self.L

    def _span_fits(self, item: Item, following: Item | None) -> bool:
        """Can a spanning block be set here by a section that may jump? With a line for the jump line under it,
        or under what a heading keeps with it, when more of the section follows."""
        area = self.cursor.area
        h = item.flowable.wrap(area.width, area.height)[1]
        gap = 0.0 if self.cursor.fresh else self.L * 0.5
        if keeps_with_next(item.flowable):
            after = self._kept_with(following, area.width, 2.5) + self.L  # and a line for the jump line
        else:
            after = self.L if following is not None else 0.0
        return self.cursor.room - (gap + h + after) >= -EPS

    def place_span(self, block: Any, following: Item | None = None) -> None:
        cur = self.cursor
        area = cur.area
        h = block.wrap(area.width, area.height)[1]
        # the half line above it, the block, and under a heading room for what it keeps with
        need = self.L * 0.5 + h + (max(3.5 * self.L, self._kept_with(following, area.width, 3.5))
                                   if keeps_with_next(block) else 0.0)
        if cur.room - need < -EPS and not cur.fresh:
            cur.new_page()
            area = cur.area
            h = block.wrap(area.width, area.height)[1]  # the next page may be wider (page 1 has the sidebar)
        if not cur.fresh:
            cur.y -= self.L * 0.5
        self._record(block, area.x, cur.y - h, area.width, h)
        cur.y -= h
        if h > area.height + EPS:
            self._error(f"a block ({ident(block) or '?'}) is taller than a page")

    def place_run(self, run: list[Any], *, may_break: bool, followed: bool = False) -> list[Any]:
        """Fill the columns from the cursor, balanced when the run ends on this page. `followed`: more of the
        section (a spanning block) comes after the run; when the section may jump and the balanced run would
        leave no line for a jump line under its last column, the jump is sure, so the columns are filled for it."""
        guard = 0
        cur, filler = self.cursor, self.filler
        while run:
            guard += 1
            if guard > 40:
                self._error("the columns could not be filled (the layout did not converge)")
                return []
            area = cur.area
            avail = cur.room
            columns, rest = filler.balance(run, area.columns, area.column_width, avail)
            # the section jumps from here: the run does not fit, or it fits but leaves no line for the jump line
            # that the spanning block after it makes sure of
            if may_break and ((rest and (any(c.placed for c in columns) or self._has_content_here()))
                              or (not rest and followed and self._no_line_under(columns, avail))):
                columns, rest = filler.fill_for_jump(run, area.columns, area.column_width, avail)
                if rest:
                    if self._starts_on_next_page(columns):
                        continue
                    self._place_columns(columns, area)
                    self._jump_line_at_foot(columns, avail)
                    return rest
            if not rest:
                self._place_columns(columns, area)
                used = max(c.used for c in columns)
                cur.y -= used + (self.L if used else 0)
                return []
            next_width = self.grid.flow[min(cur.page + 1, PAGES) - 1].column_width
            columns, rest = filler.no_widow_over_the_page(run, area.columns, area.column_width, avail,
                                                          columns, rest, next_width)
            progress = any(c.placed for c in columns)
            if not progress and cur.fresh:
                self._error(f"a block ({ident(run[0]) or '?'}) does not fit in an empty column")
                columns, rest = filler.fill(run, area.column_width, [10_000.0] * area.columns)
            self._place_columns(columns, area)
            run = rest
            cur.new_page()
        return []

    def _starts_on_next_page(self, columns: list[Column]) -> bool:
        """Filled for a jump, the run leaves nothing here: when nothing of the section is on the page either (and
        the page is not a fresh one), the section starts on the next page, where it may jump from; a jump line here
        would be under another section. Turns the page when so."""
        if any(c.placed for c in columns) or self._has_content_here() or self.cursor.fresh:
            return False
        self.cursor.new_page()
        return True

    def _no_line_under(self, columns: list[Column], avail: float) -> bool:
        """Would the last column with anything in it leave less than a line under it (for a jump line)?"""
        used = next((c.used for c in reversed(columns) if c.placed), 0.0)
        return avail - used < self.L - EPS

    def _jump_line_at(self, y: float, column: int | None = None) -> None:
        """'Continued on page N' in a column (the last one unless told), its bottom at `y`; what follows on the
        page goes under it and under everything above it."""
        assert self.story is not None
        area = self.cursor.area
        jump = F.JumpLine(self.story.section.key, self.st.continued, self.L)
        jump.wrap(area.column_width, self.L)
        x = area.column_x(area.columns - 1 if column is None else column)
        self._record(jump, x, y, area.column_width, self.L)
        self.jump_foot = min([y, *(p.y for p in self._placed_here())])

    def _jump_line_at_foot(self, columns: list[Column], avail: float) -> None:
        """The jump line at the foot of the last column the section's text reached (filled for the jump: it kept
        that line), or under the section's last block when its text reached none of them."""
        used = [i for i, column in enumerate(columns) if column.placed]
        if not used:
            self._jump_line_under_section()
        elif avail - columns[used[-1]].used >= self.L - EPS:
            self._jump_line_at(self.cursor.floor, used[-1])
        else:
            self._jump_line_at(self.cursor.floor)  # no line kept under the text (the proof stops it)

    def _jump_line_under_section(self) -> None:
        """The jump line directly under the section's last block on this page, in that block's column (the last
        column under a block across the columns): the foot of the section's own last column before the jump."""
        assert self.story is not None
        cur, area, key = self.cursor, self.cursor.area, self.story.section.key
        own = [p for p in self._placed_here() if p.section == key]
        if own:
            last = own[-1]
            column = area.columns - 1 if last.width > area.column_width + EPS else min(
                range(area.columns), key=lambda i: abs(area.column_x(i) - last.x))
            y = last.y - self.L
            if y >= cur.floor - EPS:
                self._jump_line_at(y, column)
                return
        self._jump_line_at(max(cur.y, cur.floor))

    def _place_columns(self, columns: list[Column], area: Area) -> None:
        top = self.cursor.y
        for index, column in enumerate(columns):
            x = area.column_x(index)
            for block, offset, h in column.offsets():
                self._record(block, x, top - offset - h, area.column_width, h)
