"""The pagination's parts alone, with fake blocks of known height: the cursor, the column filler (orphans,
widows, headings kept with their text, balancing), the page book and the story loop with pins and jumps.
Exact positions are asserted, as WeasyPrint's layout tests do."""

from __future__ import annotations

from dataclasses import FrozenInstanceError, dataclass
from typing import Any

import pytest

from anso_pdf.layout.columns import Column, ColumnFiller
from anso_pdf.layout.grid import Area, PageGrid
from anso_pdf.layout.inks import Palette
from anso_pdf.layout.paginate import PAGES, Cursor, PageBook, paginate
from anso_pdf.layout.story import Item, SectionStory
from anso_pdf.layout.styles import BASE_FIT, Styles
from anso_pdf.model.values import Colour

L = BASE_FIT.leading  # 13 pt: the baseline grid the story loop works on


class Box:
    """An unbreakable block of a fixed height (a photo, a heading with keep_with_next)."""

    def __init__(self, height: float, name: str = "", *, keep_with_next: bool = False, space_before: float = 0.0) -> None:
        self.h, self.anso_id, self.keep_with_next, self.space_before = height, name, keep_with_next, space_before
        self.width = self.height = 0.0

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        self.width, self.height = aw, self.h
        return aw, self.h

    def split(self, aw: float, ah: float) -> list[Any]:
        return []

    def __repr__(self) -> str:
        return f"Box({self.h:g}, {self.anso_id!r})"


class Lines:
    """A paragraph of `n` lines of `leading`: it splits between lines and keeps two lines on each side (no
    orphan, no widow), as ReportLab's paragraphs do with allowOrphans and allowWidows off."""

    def __init__(self, n: int, name: str = "", *, leading: float = L, space_before: float = 0.0) -> None:
        self.n, self.anso_id, self.leading, self.space_before = n, name, leading, space_before
        self.width = self.height = 0.0

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        self.width, self.height = aw, self.n * self.leading
        return aw, self.height

    def split(self, aw: float, ah: float) -> list[Any]:
        fit = min(int(ah / self.leading + 1e-6), self.n - 2)
        if fit < 2:
            return []
        return [Lines(fit, leading=self.leading), Lines(self.n - fit, leading=self.leading)]

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.n}, {self.anso_id!r})"


def shape(columns: list[Column]) -> list[list[tuple[str, float, float]]]:
    """Each column as (block, top offset, height)."""
    return [[(repr(b), top, h) for b, top, h in c.offsets()] for c in columns]


# --- the column filler -------------------------------------------------------------------------------------


def test_fill_stacks_blocks_and_moves_to_the_next_column_when_one_is_full() -> None:
    filler = ColumnFiller(10)
    columns, rest = filler.fill([Box(40, "a"), Box(50, "b"), Box(30, "c")], 100, [100, 100])
    assert shape(columns) == [[("Box(40, 'a')", 0, 40), ("Box(50, 'b')", 40, 50)], [("Box(30, 'c')", 0, 30)]]
    assert [c.used for c in columns] == [90, 30]
    assert rest == []


def test_space_before_counts_between_blocks_but_not_at_the_top_of_a_column() -> None:
    filler = ColumnFiller(10)
    columns, rest = filler.fill([Box(30, "a", space_before=10), Box(30, "b", space_before=10),
                                 Box(30, "c", space_before=10)], 100, [80, 80])
    assert shape(columns) == [[("Box(30, 'a')", 0, 30), ("Box(30, 'b')", 40, 30)], [("Box(30, 'c')", 0, 30)]]
    assert columns[0].used == 70


def test_a_paragraph_splits_between_lines_across_columns() -> None:
    filler = ColumnFiller(10)
    columns, rest = filler.fill([Lines(10, "p", leading=10)], 100, [60, 60])
    assert shape(columns) == [[("Lines(6, 'p')", 0, 60)], [("Lines(4, 'p')", 0, 40)]]
    assert rest == []


def test_no_orphan_a_paragraph_with_room_for_one_line_starts_the_next_column() -> None:
    filler = ColumnFiller(10)
    columns, rest = filler.fill([Box(50, "a"), Lines(5, "p", leading=10)], 100, [60, 60])
    assert shape(columns) == [[("Box(50, 'a')", 0, 50)], [("Lines(5, 'p')", 0, 50)]]


def test_no_widow_a_split_leaves_two_lines_for_the_next_column() -> None:
    filler = ColumnFiller(10)
    columns, rest = filler.fill([Lines(7, "p", leading=10)], 100, [60, 60])
    assert shape(columns) == [[("Lines(5, 'p')", 0, 50)], [("Lines(2, 'p')", 0, 20)]]


def test_a_heading_goes_to_the_next_column_without_two_lines_of_its_text_under_it() -> None:
    filler = ColumnFiller(10)
    run = [Box(60, "a"), Box(20, "h", keep_with_next=True), Lines(6, "p", leading=10)]
    columns, rest = filler.fill(run, 100, [90, 90])  # 10 under the heading: one line only
    assert shape(columns) == [[("Box(60, 'a')", 0, 60)], [("Box(20, 'h')", 0, 20), ("Lines(6, 'p')", 20, 60)]]
    columns, rest = filler.fill(run, 100, [100, 90])  # 20 under it: two lines, the heading stays
    assert shape(columns) == [[("Box(60, 'a')", 0, 60), ("Box(20, 'h')", 60, 20), ("Lines(2, 'p')", 80, 20)],
                              [("Lines(4, 'p')", 0, 40)]]


class Hyphenated(Lines):
    """A paragraph whose every split ends its first part in a hyphenated word."""

    def split(self, aw: float, ah: float) -> list[Any]:
        parts = super().split(aw, ah)
        for part in parts[:1]:
            part.blPara = type("Lines", (), {"lines": [(aw, ["exam-"])]})()
        return parts


def test_a_heading_goes_on_with_its_text_when_no_hyphen_at_the_foot_moves_the_text() -> None:
    filler = ColumnFiller(10)
    run = [Box(40, "a"), Box(20, "h", keep_with_next=True), Hyphenated(6, "p", leading=10)]
    columns, rest = filler.fill(run, 100, [90, 90])  # 30 under the heading, but every split ends on a hyphen
    assert shape(columns) == [[("Box(40, 'a')", 0, 40)], [("Box(20, 'h')", 0, 20), ("Hyphenated(6, 'p')", 20, 60)]]
    assert rest == []


def test_what_does_not_fit_is_returned_in_order() -> None:
    filler = ColumnFiller(10)
    columns, rest = filler.fill([Box(50, "a"), Box(50, "b"), Box(50, "c")], 100, [60])
    assert shape(columns) == [[("Box(50, 'a')", 0, 50)]]
    assert [repr(b) for b in rest] == ["Box(50, 'b')", "Box(50, 'c')"]


def test_balance_makes_the_columns_as_short_and_even_as_the_grid_allows() -> None:
    filler = ColumnFiller(10)
    columns, rest = filler.balance([Lines(10, "p", leading=10)], 2, 100, 200)
    assert shape(columns) == [[("Lines(5, 'p')", 0, 50)], [("Lines(5, 'p')", 0, 50)]]
    columns, rest = filler.balance([Lines(11, "p", leading=10)], 2, 100, 200)
    assert shape(columns) == [[("Lines(6, 'p')", 0, 60)], [("Lines(5, 'p')", 0, 50)]]
    columns, rest = filler.balance([Lines(9, "p", leading=10), Box(30, "b")], 3, 100, 200)
    assert [c.used for c in columns] == [50, 40, 30]  # at 40 the box would not fit beside the paragraph's end
    assert rest == []


def test_balance_fills_to_the_room_when_the_run_does_not_fit() -> None:
    filler = ColumnFiller(10)
    columns, rest = filler.balance([Lines(30, "p", leading=10)], 2, 100, 100)
    assert [c.used for c in columns] == [100, 100]
    assert [repr(b) for b in rest] == ["Lines(10, 'p')"]


def test_a_jump_keeps_one_line_of_the_last_column_for_the_jump_line() -> None:
    filler = ColumnFiller(10)
    columns, rest = filler.fill_for_jump([Lines(30, "p", leading=10)], 2, 100, 100)
    assert [c.used for c in columns] == [100, 90]
    assert [repr(b) for b in rest] == ["Lines(11, 'p')"]


def test_a_jump_keeps_a_line_under_the_text_when_the_text_ends_before_the_last_column() -> None:
    filler = ColumnFiller(10)
    # all four lines fit in the first column, to its foot: the line under them is kept (two lines each side of
    # the split, no widow), and the rest goes on after the jump
    columns, rest = filler.fill_for_jump([Lines(4, "a", leading=10)], 2, 100, 40)
    assert shape(columns) == [[("Lines(2, 'a')", 0, 20)], []]
    assert [repr(b) for b in rest] == ["Lines(2, 'a')"]


def test_a_jump_sets_none_of_a_run_that_cannot_keep_a_line_under_it() -> None:
    filler = ColumnFiller(10)
    # a heading and its two lines fill the first column to the foot; with a line kept the heading cannot start
    # there (two lines of its text under it), and the empty second column is not under the text: all of the run
    # goes on after the jump (it set the jump line at the foot of the empty column, issue #12's generated issues)
    columns, rest = filler.fill_for_jump([Box(20, "h", keep_with_next=True), Lines(2, "p", leading=10)], 2, 100, 40)
    assert shape(columns) == [[], []]
    assert [repr(b) for b in rest] == ["Box(20, 'h')", "Lines(2, 'p')"]


# --- the cursor and the page book ---------------------------------------------------------------------------


def small_grid(columns: int = 2, lines: int = 20) -> PageGrid:
    """Four pages whose flow area is `lines` grid lines tall, 210 pt wide, with 10 pt gutters."""
    area = Area(0.0, lines * L, 210.0, 0.0, columns, 10.0)
    return PageGrid(210.0, lines * L + 40, 0.0, 10.0, 0.0, (area, area, area, area), None, 0.0)


def test_the_cursor_starts_at_the_top_and_turns_pages() -> None:
    cursor = Cursor(small_grid())
    assert (cursor.page, cursor.y, cursor.room, cursor.fresh) == (1, 260, 260, True)
    cursor.y -= 100
    cursor.fresh = False
    cursor.new_page()
    assert (cursor.page, cursor.y, cursor.fresh) == (2, 260, True)
    cursor.go_to(PAGES + 1)  # past the last page: measured on the last page's area
    assert cursor.area == small_grid().flow[-1]


def test_the_page_book_freezes_into_a_result_that_cannot_change() -> None:
    book = PageBook(L)
    story = SectionStory(FakeSection("A", "s1"), [])  # type: ignore[arg-type]
    area = small_grid().flow[0]
    book.place(1, area, "s1", Box(30, "s1.p1"), 0, 230, 100, 30)
    over = Lines(4, "s1.p2")
    over.wrap(100, 1000)
    book.measure_over(story, 1, over)
    result = book.freeze()
    assert result.section_pages == {"s1": 1}
    assert result.placed_ids == {"s1.p1"}
    assert result.lowest == {1: 230}
    assert result.overflows["s1"].lines == 4 and result.overflows["s1"].limit == 1
    assert not result.fits
    with pytest.raises(FrozenInstanceError):
        result.errors = ()  # type: ignore[misc]
    with pytest.raises(TypeError):
        result.section_pages["s2"] = 2  # type: ignore[index]


# --- the story loop ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FakeSection:
    """What the story loop reads of a section."""

    title: str
    key: str
    page: int | None = None
    continues_on: int | None = None
    span: None = None


def story(key: str, items: list[tuple[Any, bool]], **section: Any) -> SectionStory:
    return SectionStory(FakeSection(key.upper(), key, **section), [Item(b, spans) for b, spans in items])  # type: ignore[arg-type]


def styles() -> Styles:
    return Styles(BASE_FIT, Palette(Colour(rgb=(0.1, 0.3, 0.55)), Colour(rgb=(0.9, 0.4, 0.05))), "en")


def where(result: Any, page: int) -> list[tuple[str, float, float, float]]:
    return [(p.ident or type(p.flowable).__name__, p.x, p.y, p.height) for p in result.pages[page - 1].placed]


def test_a_section_spans_then_flows_in_balanced_columns() -> None:
    grid = small_grid()
    result = paginate(grid, styles(), [story("s1", [(Box(2 * L, "s1.title", keep_with_next=True), True),
                                                    (Lines(6, "s1.p1"), False)])])
    # the heading across the page at the top; the paragraph balanced 3 + 3 lines under it
    assert where(result, 1) == [("s1.title", 0, 260 - 26, 26), ("s1.p1", 0, 234 - 39, 39), ("s1.p1", 110, 234 - 39, 39)]
    assert result.section_pages == {"s1": 1}
    assert result.fits


def test_a_pinned_section_starts_its_page_and_earlier_content_that_reaches_it_is_overflow() -> None:
    grid = small_grid()
    result = paginate(grid, styles(), [story("s1", [(Lines(60, "s1.p1"), False)]),
                                       story("s2", [(Lines(4, "s2.p1"), False)], page=2)])
    assert where(result, 1) == [("s1.p1", 0, 0, 260), ("s1.p1", 110, 0, 260)]  # 20 + 20 lines
    assert where(result, 2) == [("s2.p1", 0, 260 - 26, 26), ("s2.p1", 110, 260 - 26, 26)]
    over = result.overflows["s1"]
    assert (over.limit, over.lines) == (1, 20)
    assert not result.fits


def test_a_section_that_continues_jumps_with_a_jump_line_and_resumes_after_a_head() -> None:
    grid = small_grid()
    result = paginate(grid, styles(), [story("s1", [(Lines(50, "s1.p1"), False)], continues_on=3),
                                       story("s2", [(Lines(4, "s2.p1"), False)], page=2)])
    page1 = where(result, 1)
    # 20 lines in the first column, 19 in the second, the jump line in the last line of the second
    assert page1 == [("s1.p1", 0, 0, 260), ("s1.p1", 110, 13, 247), ("JumpLine", 110, 0, 13)]
    assert result.continuation_pages == {"s1": 3}
    page3 = where(result, 3)
    # "Continued from page 1: S1" (3 grid lines) heads the first column; the 11 lines left balance 4 + 7 under
    # and beside it: both columns 7 lines tall
    assert page3 == [("GridPad", 0, 260 - 3 * L, 3 * L), ("s1.p1", 0, 260 - 7 * L, 4 * L),
                     ("s1.p1", 110, 260 - 7 * L, 7 * L)]
    assert result.fits


def test_a_jump_keeps_room_at_the_foot_for_the_sections_after_it_on_its_page() -> None:
    grid = small_grid()
    result = paginate(grid, styles(), [
        story("s1", [(Lines(50, "s1.p1"), False)], continues_on=3),
        story("s2", [(Box(2 * L, "s2.title", keep_with_next=True), True), (Lines(4, "s2.p1"), False)]),
        story("s3", [(Lines(4, "s3.p1"), False)], page=2),
    ])
    assert result.fits
    assert result.section_pages == {"s1": 1, "s2": 1, "s3": 2}
    assert result.continuation_pages == {"s1": 3}
    # a spanning heading is set only with room for four lines under it: 6 lines kept (the fewest that hold s2),
    # so s1 has 14 lines in each column, the last one taken by its jump line; s2 goes on under the jump line,
    # half a line below it
    assert where(result, 1) == [
        ("s1.p1", 0, 6 * L, 14 * L), ("s1.p1", 110, 7 * L, 13 * L), ("JumpLine", 110, 6 * L, L),
        ("s2.title", 0, 3.5 * L, 2 * L), ("s2.p1", 0, 1.5 * L, 2 * L), ("s2.p1", 110, 1.5 * L, 2 * L),
    ]


def test_a_section_with_no_room_on_a_page_starts_on_the_next_and_jumps_from_there() -> None:
    grid = small_grid()
    result = paginate(grid, styles(), [
        story("s1", [(Lines(39, "s1.p1"), False)]),
        story("s2", [(Box(2 * L, "s2.title", keep_with_next=True), True), (Lines(60, "s2.p1"), False)],
              continues_on=4),
    ])
    # no jump line under s1's text on page 1: s2 starts on page 2, and its jump line is at that page's foot
    assert [p[0] for p in where(result, 1)] == ["s1.p1", "s1.p1"]
    assert result.section_pages["s2"] == 2
    assert [p[0] for p in where(result, 2)][-1] == "JumpLine"
    assert result.continuation_pages == {"s2": 4}


def test_a_section_with_no_room_before_the_next_pin_is_set_whole_on_its_continues_on_page() -> None:
    grid = small_grid()
    result = paginate(grid, styles(), [
        story("s1", [(Lines(39, "s1.p1"), False)]),
        story("s2", [(Box(2 * L, "s2.title", keep_with_next=True), True), (Lines(6, "s2.p1"), False)],
              continues_on=4),
        story("s3", [(Lines(4, "s3.p1"), False)], page=2),
    ])
    assert result.fits
    assert [p[0] for p in where(result, 1)] == ["s1.p1", "s1.p1"]  # no jump line under another section's text
    assert where(result, 4) == [("s2.title", 0, 260 - 2 * L, 2 * L), ("s2.p1", 0, 260 - 5 * L, 3 * L),
                                ("s2.p1", 110, 260 - 5 * L, 3 * L)]
    assert result.section_pages["s2"] == 4 and result.moved == {"s2": 1}
    assert result.continuation_pages == {}


def test_a_heading_kept_with_a_row_goes_to_the_next_page_with_it() -> None:
    grid = small_grid()
    # 20 lines balance 10 + 10, leaving 9 lines: room for the 2-line title, not for the 8-line row it keeps with
    result = paginate(grid, styles(), [story("s1", [(Lines(20, "s1.p1"), False),
                                                    (Box(2 * L, "s1.g.title", keep_with_next=True), True),
                                                    (Box(8 * L, "s1.g.row1"), True)])])
    assert where(result, 1) == [("s1.p1", 0, 10 * L, 10 * L), ("s1.p1", 110, 10 * L, 10 * L)]
    assert where(result, 2) == [("s1.g.title", 0, 18 * L, 2 * L), ("s1.g.row1", 0, 9.5 * L, 8 * L)]


def test_a_jump_before_a_heading_and_its_row_is_set_under_the_sections_own_last_column() -> None:
    grid = small_grid()
    result = paginate(grid, styles(), [
        story("s1", [(Lines(20, "s1.p1"), False), (Box(2 * L, "s1.g.title", keep_with_next=True), True),
                     (Box(8 * L, "s1.g.row1"), True)], continues_on=3),
        story("s2", [(Lines(4, "s2.p1"), False)], page=2),
    ])
    # the title goes on with its row; the jump line is directly under the section's text in the last column,
    # over nothing (issue #12: it was set over a title left alone at the foot of the page)
    assert where(result, 1) == [("s1.p1", 0, 10 * L, 10 * L), ("s1.p1", 110, 10 * L, 10 * L),
                                ("JumpLine", 110, 9 * L, L)]
    assert [p[0] for p in where(result, 3)] == ["GridPad", "s1.g.title", "s1.g.row1"]
    assert result.continuation_pages == {"s1": 3}
    assert result.fits


def test_a_jump_after_a_block_across_the_columns_is_set_under_it() -> None:
    grid = small_grid()
    result = paginate(grid, styles(), [
        story("s1", [(Lines(20, "s1.p1"), False), (Box(4 * L, "s1.g.row1"), True), (Box(8 * L, "s1.g.row2"), True)],
              continues_on=3),
        story("s2", [(Lines(4, "s2.p1"), False)], page=2),
    ])
    # the first row fits with a line under it for the jump line; the second goes on on page 3
    assert where(result, 1) == [("s1.p1", 0, 10 * L, 10 * L), ("s1.p1", 110, 10 * L, 10 * L),
                                ("s1.g.row1", 0, 4.5 * L, 4 * L), ("JumpLine", 110, 3.5 * L, L)]
    assert [p[0] for p in where(result, 3)] == ["GridPad", "s1.g.row2"]


def test_a_run_that_leaves_no_line_for_the_jump_line_is_filled_for_the_jump() -> None:
    grid = small_grid()
    result = paginate(grid, styles(), [
        story("s1", [(Lines(40, "s1.p1"), False), (Box(4 * L, "s1.g.row1"), True)], continues_on=3),
        story("s2", [(Lines(4, "s2.p1"), False)], page=2),
    ])
    # 40 lines would fill both columns to the foot: the last column keeps its last line for the jump line, and
    # the last two lines of text (no widow) go on on page 3 before the row
    assert where(result, 1) == [("s1.p1", 0, 0, 20 * L), ("s1.p1", 110, 2 * L, 18 * L), ("JumpLine", 110, 0, L)]
    assert [p[0] for p in where(result, 3)] == ["GridPad", "s1.p1", "s1.g.row1"]


def test_a_jump_line_goes_under_the_last_column_the_text_reaches() -> None:
    grid = small_grid()
    result = paginate(grid, styles(), [
        story("s0", [(Lines(32, "s0.p1"), False)]),
        story("s1", [(Lines(2, "s1.p1"), False), (Box(4 * L, "s1.ph"), False)], continues_on=3),
        story("s2", [(Lines(4, "s2.p1"), False)], page=2),
    ])
    # s0 balances 16 + 16 and leaves 3 lines: s1's first paragraph takes two of the first column; its photo fits
    # in neither column, so the jump line is under the first column's text, not at the foot of the empty second
    # one (under s0's text)
    assert where(result, 1)[2:] == [("s1.p1", 0, L, 2 * L), ("JumpLine", 0, 0, L)]
    assert [p[0] for p in where(result, 3)] == ["GridPad", "s1.ph"]


def test_a_section_with_no_room_for_its_run_and_a_jump_line_starts_on_the_next_page() -> None:
    grid = small_grid()
    result = paginate(grid, styles(), [
        story("s0", [(Lines(34, "s0.p1"), False)]),
        story("s1", [(Lines(2, "s1.p1"), False), (Box(4 * L, "s1.ph"), True)], continues_on=3),
        story("s2", [(Lines(4, "s2.p1"), False)], page=3),
    ])
    # s0 balances 17 + 17 and leaves 2 lines: s1's two lines would fill them to the foot with no line left for a
    # jump line, and nothing of s1 is on page 1, so s1 starts on page 2 (a jump line on page 1 would be under s0)
    assert [p[0] for p in where(result, 1)] == ["s0.p1", "s0.p1"]
    assert where(result, 2)[0] == ("s1.p1", 0, 18 * L, 2 * L)
    assert [p[0] for p in where(result, 2)] == ["s1.p1", "s1.ph"]
    assert result.section_pages["s1"] == 2 and "s1" not in result.continuation_pages
    assert result.fits
