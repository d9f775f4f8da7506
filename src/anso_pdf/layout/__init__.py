"""Layout: an Issue becomes four laid-out pages, copyfitted; the same for every profile."""

from __future__ import annotations

from anso_pdf.diagnostics import Diagnostics
from anso_pdf.layout.document import LaidOutIssue
from anso_pdf.layout.fonts import missing_glyphs, register_fonts
from anso_pdf.layout.pages import Attempt, attempt, check_nothing_lost, pages_of
from anso_pdf.layout.paginate import PAGES
from anso_pdf.layout.styles import BASE_FIT, FIT_LADDER, LOOSE_LADDER
from anso_pdf.model.issue import Issue

UNDERFULL = 1 / 3


def lay_out(issue: Issue, diags: Diagnostics) -> LaidOutIssue | None:
    """Lay the issue out on exactly four pages, adjusting within typographic bounds; None on failure
    (every reason is in `diags`)."""
    fonts = register_fonts()
    missing_glyphs(issue.text_spans, fonts, diags)
    if diags.errors:
        return None
    chosen: Attempt | None = None
    last: Attempt | None = None
    for fit in FIT_LADDER:
        last = attempt(issue, fit)
        if last.fits:
            chosen = last
            break
    assert last is not None
    if chosen is None:
        report_overflow(last, diags)
        return None
    if chosen.fit == BASE_FIT and _underfull(chosen):
        for fit in LOOSE_LADDER:
            loose = attempt(issue, fit)
            if loose.fits and len(_underfull(loose)) < len(_underfull(chosen)):
                chosen = loose
    check_nothing_lost(chosen, diags)
    for page in _underfull(chosen):
        share = chosen.empty_share[page]
        diags.warning(None, f"page {page} is {share:.0%} empty after fitting", "add text or photos, or let a section continue there")
    if diags.errors:
        return None
    notes = chosen.fit.describe_change(BASE_FIT)
    pag = chosen.paginator
    outline = []
    for section in issue.sections:
        page = pag.section_pages.get(section.key, 1)
        outline.append((section.title, section.key, 0, page))
        for i, article in enumerate(section.articles):
            ident = f"{section.key}.a{i + 1}.title"
            where = next((p.number for p in pag.pages for pl in p.placed if pl.ident == ident), page)
            outline.append((article.title or "", ident, 1, where))
    return LaidOutIssue(
        pages=pages_of(chosen),
        page_width=chosen.grid.width,
        page_height=chosen.grid.height,
        section_pages=dict(pag.section_pages),
        continuation_pages=dict(pag.continuation_pages),
        outline=outline,
        fit_notes=notes,
        warnings=[],
        baseline=chosen.fit.leading,
    )


def _underfull(att: Attempt) -> list[int]:
    return [n for n in range(1, PAGES + 1) if att.empty_share[n] > UNDERFULL]


def report_overflow(att: Attempt, diags: Diagnostics) -> None:
    """issue #4: one message per overflowing section: where it had to end, how much is over."""
    pag = att.paginator
    for message in pag.errors:
        diags.error(None, f"layout: {message}")
    for over in pag.overflows.values():
        section = over.story.section
        lines = max(1, round(over.lines))
        words = over.words or round(lines * 7)
        diags.error(
            section.span,
            f"section '{section.title}' does not fit: it must end on page {over.limit}, "
            f"and about {lines} lines are over, even at {att.fit.body_size:g} pt body on {att.fit.leading:g} pt lines",
            f"cut about {words} words, or a photo, from this section"
            + ("" if section.continues_on else ", or let it continue on a later page (continues_on)"),
        )
