"""Lay out one issue at one fit: the fixed parts of each page (masthead, sidebar boxes, footer) and the story."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from anso_pdf.diagnostics import Diagnostics
from anso_pdf.layout import flowables as F
from anso_pdf.layout.document import LaidOutPage, Placed
from anso_pdf.layout.grid import PageGrid, page_grid
from anso_pdf.layout.inks import Palette
from anso_pdf.layout.inline import paragraph
from anso_pdf.layout.paginate import PAGES, Pagination, paginate
from anso_pdf.layout.story import Frame, StoryBuilder
from anso_pdf.layout.styles import Fit, Styles
from anso_pdf.model.issue import Issue
from anso_pdf.model.text import Run
from anso_pdf.model.values import issue_year


@dataclass
class Attempt:
    """The result of laying out at one fit."""

    fit: Fit
    grid: PageGrid
    pagination: Pagination
    make_fixed: Callable[[int, Pagination], list[Placed]]  # a page's fixed parts, made only for the pages kept
    expected: set[str]
    empty_share: dict[int, float]  # page -> share of its flow area left empty
    frames: dict[str, Frame] = field(default_factory=dict)  # photo ident -> the frame a fill chose for it
    _fixed: dict[int, list[Placed]] = field(default_factory=dict, repr=False)

    def fixed_on(self, page: int) -> list[Placed]:
        """Masthead and sidebar boxes (page 1) or the footer (pages 2-4) at this fit. Nothing in them decides
        whether a fit holds, so they are made only for the pages an attempt is kept for (they were a quarter of
        the time of each attempt)."""
        if page not in self._fixed:
            self._fixed[page] = self.make_fixed(page, self.pagination)
        return self._fixed[page]

    @property
    def fits(self) -> bool:
        return self.pagination.fits


def attempt(issue: Issue, fit: Fit, sections: frozenset[str] | None = None, last_page: int = PAGES,
            frames: Mapping[str, Frame] | None = None) -> Attempt:
    """Lay out the issue (or only the named sections, which start on their own pinned page) at one fit, with the
    photo frames a fill chose (layout/fill.py), if any."""
    palette = Palette(issue.style.primary, issue.style.accent)
    styles = Styles(fit, palette, issue.newsletter.language)
    grid = page_grid(issue)
    builder = StoryBuilder(styles, gutter=grid.gutter, gallery_columns=3,
                           year=issue_year(issue.newsletter.date, issue.newsletter.issue),
                           front=_front_section(issue), frames=frames)
    stories = [builder.section(s) for s in issue.sections if sections is None or s.key in sections]
    pagination = paginate(grid, styles, stories, last_page=last_page)
    expected = set().union(*(s.idents for s in stories))
    empty = {n: pagination.empty_share(n, grid.flow[n - 1]) for n in range(1, PAGES + 1)}
    return Attempt(fit, grid, pagination, lambda page, done: fixed_parts(issue, grid, styles, page, done), expected, empty,
                   dict(frames or {}))


def _front_section(issue: Issue) -> str | None:
    """The key of the section that opens page 1 (the first, unless it is pinned to a later page)."""
    first = issue.sections[0] if issue.sections else None
    return first.key if first is not None and (first.page or 1) == 1 else None


def fixed_parts(issue: Issue, grid: PageGrid, st: Styles, page: int, story: Pagination) -> list[Placed]:
    """Masthead and sidebar on page 1, running footer on pages 2-4."""
    n = issue.newsletter
    palette = st.palette
    if page > 1:
        footer = F.Footer(
            paragraph(f"{n.name}  \u00b7  {n.issue}  \u00b7  {n.date}", st.footer),
            paragraph(str(page), st.footer_folio),
            palette, grid.width - 2 * grid.margin,
        )
        h = footer.wrap(grid.width, 40)[1]
        return [Placed(footer, grid.margin, grid.footer_y, footer.width, h, "fixed", f"footer{page}")]
    placed: list[Placed] = []
    mast = F.Masthead(
        paragraph(n.name, st.masthead_name),
        paragraph(n.tagline, st.masthead_tagline) if n.tagline else None,
        paragraph(n.issue, st.masthead_issue),
        paragraph(n.date, st.masthead_issue),
        n.logo, palette, grid.width, grid.masthead_height, grid.margin,
    )
    mast.wrap(grid.width, grid.masthead_height)
    placed.append(Placed(mast, 0, grid.height - grid.masthead_height, grid.width, grid.masthead_height, "fixed", "masthead"))
    if grid.sidebar is not None:
        y = sidebar_top(grid, story.pages[0].placed)
        boxes = sidebar_boxes(issue, st)
        for index, box in enumerate(boxes):
            h = box.wrap(grid.sidebar.width, grid.sidebar.height)[1]
            if index == len(boxes) - 1 and y - h > grid.sidebar.bottom:
                box.min_height = y - grid.sidebar.bottom  # the sidebar is designed to the foot: no empty strip
                h = box.wrap(grid.sidebar.width, grid.sidebar.height)[1]
            placed.append(Placed(box, grid.sidebar.x, y - h, grid.sidebar.width, h, "fixed", box.anso_id))
            y -= h + st.fit.leading
    return placed


def sidebar_top(grid: PageGrid, story: list[Placed]) -> float:
    """Where page 1's sidebar starts: under the front section's headline when the headline stands alone across
    the main area at its top, level with what follows it (the wide photo or the columns). Page 1 then reads one
    way, in print and in extracted text: headline, sidebar, story (beside a sidebar starting at the same height,
    text extraction set the headline between the contents box and the contact box)."""
    assert grid.sidebar is not None
    top = grid.sidebar.top
    flow = [p for p in story if p.kind == "flow"]
    heads = [p for p in flow if isinstance(p.flowable, F.SectionHeading) and abs(p.y + p.height - grid.flow[0].top) < 0.5]
    if not heads:
        return top
    head = heads[0]
    below = [p.y + p.height for p in flow if p is not head and p.y + p.height <= head.y + 0.5]
    return min(top, max(below)) if below else top


def sidebar_boxes(issue: Issue, st: Styles) -> list[F.Block]:
    boxes: list[F.Block] = []
    if issue.contents.show:
        parts = [paragraph(issue.contents.title, st.box_title)]
        for n, section in enumerate(issue.sections):
            parts.append(F.ContentsEntry(paragraph(section.contents_title, st.box_entry), section.key, st.box_entry,
                                         st.palette, space_before=3 if n == 0 else 0))
        box = F.Panel(parts, st.palette)
        box.anso_id = "contents"
        boxes.append(box)
    if issue.contact:
        c = issue.contact
        parts = [paragraph(c.title, st.box_title)]
        for label, lines, link in (
            ("Address", list(c.address), None),
            ("Phone", [c.phone] if c.phone else [], None),
            ("E-mail", [c.email] if c.email else [], f"mailto:{c.email}" if c.email else None),
            ("Website", [c.website] if c.website else [], c.website),
        ):
            if not lines:
                continue
            head = paragraph(label.upper(), st.box_label)
            head.space_before = 4
            parts.append(head)
            parts.append(paragraph([Run(line) for line in _join_lines(lines)], st.box_text, link=link))
        box = F.Panel(parts, st.palette)
        box.anso_id = "contact"
        boxes.append(box)
    return boxes


def _join_lines(lines: list[str]) -> list[str]:
    out = []
    for i, line in enumerate(lines):
        out.append(line if i == len(lines) - 1 else line + "\n")
    return out


def check_nothing_lost(att: Attempt, diags: Diagnostics) -> None:
    """issue #4: every paragraph, caption, event and photo is on one of the four pages, or we say so."""
    lost = sorted(att.expected - att.pagination.placed_ids)
    if lost:
        diags.error(None, f"internal check failed: {len(lost)} parts of the story were not placed ({', '.join(lost[:5])})",
                    "please report this with the issue file")


def pages_of(att: Attempt) -> list[LaidOutPage]:
    """Each page's fixed parts, then its story blocks (the pagination itself is left as it was)."""
    return [LaidOutPage(page.number, att.fixed_on(page.number) + page.placed) for page in att.pagination.pages]
