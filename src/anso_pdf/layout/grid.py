"""Turn the house style into page geometry: trim size, margins, the column grid, and named areas."""

from __future__ import annotations

from dataclasses import dataclass

from anso_pdf.model.issue import Issue
from anso_pdf.units import PAGE_SIZES, mm


@dataclass(frozen=True)
class Area:
    """A rectangle in trim coordinates (origin at the trimmed page's bottom left), split into columns."""

    x: float
    top: float
    width: float
    bottom: float
    columns: int
    gutter: float

    @property
    def height(self) -> float:
        return self.top - self.bottom

    @property
    def column_width(self) -> float:
        return (self.width - self.gutter * (self.columns - 1)) / self.columns

    def column_x(self, index: int) -> float:
        return self.x + index * (self.column_width + self.gutter)


@dataclass(frozen=True)
class PageGrid:
    width: float
    height: float
    margin: float
    gutter: float
    masthead_height: float
    flow: tuple[Area, Area, Area, Area]  # where the story flows on pages 1-4
    sidebar: Area | None  # page 1: "This Issue" and contact boxes
    footer_y: float

    def unit(self, n: int) -> float:
        """The width of n units of the 12-unit grid (with the gutters between them)."""
        content = self.width - 2 * self.margin
        one = (content - 11 * self.gutter) / 12
        return n * one + (n - 1) * self.gutter


def page_grid(issue: Issue) -> PageGrid:
    width, height = PAGE_SIZES[issue.style.page_size]
    margin, gutter = mm(15), mm(4.5)
    top, bottom = height - mm(14), mm(19)
    masthead = mm(40)
    content = width - 2 * margin
    unit = (content - 11 * gutter) / 12
    columns = issue.style.columns
    inner = Area(margin, top, content, bottom, columns, gutter)
    first_top = height - masthead - mm(8)
    has_sidebar = issue.contents.show or issue.contact is not None
    if has_sidebar:
        side_w = 4 * unit + 3 * gutter
        sidebar = Area(margin, first_top, side_w, bottom, 1, gutter)
        first = Area(margin + side_w + gutter, first_top, content - side_w - gutter, bottom, 2, gutter)
    else:
        sidebar = None
        first = Area(margin, first_top, content, bottom, columns, gutter)
    return PageGrid(width, height, margin, gutter, masthead, (first, inner, inner, inner), sidebar, mm(10))
