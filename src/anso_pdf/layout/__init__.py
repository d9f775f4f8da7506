"""Layout: an Issue becomes four laid-out pages, copyfitted; the same for every profile."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from types import MappingProxyType

from anso_pdf import cache as store
from anso_pdf.diagnostics import Diagnostics
from anso_pdf.layout import breakmemo, linebreak, memo, shaping, structure
from anso_pdf.layout.document import LaidOutIssue, PageFill, PhotoUse
from anso_pdf.layout.fill import describe as describe_fill
from anso_pdf.layout.fill import fill_run, short_of_foot
from anso_pdf.layout.fonts import missing_glyphs, register_fonts, shipped
from anso_pdf.layout.inks import Palette
from anso_pdf.layout.justify import justify, shortfall_note
from anso_pdf.layout.overflow import report_overflow
from anso_pdf.layout.pages import Attempt, attempt, check_nothing_lost, pages_of
from anso_pdf.layout.paginate import PAGES, Pagination
from anso_pdf.layout.settings import pin_reportlab
from anso_pdf.layout.story import Frame
from anso_pdf.layout.styles import BASE_FIT, FIT_LADDER, LOOSE_LADDER, Fit
from anso_pdf.model.issue import Issue

UNDERFULL = 1 / 3  # issue #4: warn when a page is more than a third empty after fitting
VISIBLY_EMPTY = 0.12  # try a looser fit when a page is more than this empty


def lay_out(issue: Issue, diags: Diagnostics,
            settled: Callable[[list[PhotoUse]], None] | None = None) -> LaidOutIssue | None:
    """Lay the issue out on exactly four pages, adjusting within typographic bounds; None on failure
    (every reason is in `diags`).

    Pinned sections split the pages into independent runs ("chains"); each chain gets the first fit of the
    ladder that holds it, and a looser one when it would leave a page a third empty. `settled` hears the photos
    of each run, as they will be drawn, as soon as its fit is chosen (so they can be prepared meanwhile).
    """
    pin_reportlab()
    fonts = register_fonts()
    missing_glyphs(issue.text_spans, fonts, diags)
    if diags.errors:
        return None
    shaping.use_language(issue.newsletter.language)
    breakmemo.begin(store.key("breaks-2", memo.code(), shipped(), linebreak.settings(), shaping.settings()))
    chains = _chains(issue)
    members = _chain_sections(issue, chains)
    attempts: dict[tuple[Fit, int], Attempt] = {}

    def tried_in(index: int) -> Callable[[Fit], Attempt]:
        def tried(fit: Fit) -> Attempt:
            """Each run of pages is laid out alone: its sections start on its own first page."""
            if (fit, index) not in attempts:
                attempts[fit, index] = attempt(issue, fit, members[index], last_page=chains[index][-1])
            return attempts[fit, index]
        return tried

    def framed(index: int, fit: Fit, frames: Mapping[str, Frame]) -> Attempt:
        return attempt(issue, fit, members[index], last_page=chains[index][-1], frames=frames)

    def filler(index: int) -> Callable[[Attempt], Attempt]:
        def filled(att: Attempt) -> Attempt:
            """The run's short pages filled by growing their photos' frames (layout/fill.py)."""
            return fill_run(lambda frames: framed(index, att.fit, frames), att, chains[index])
        return filled

    keys: dict[int, str] = {}
    ladder_fits: dict[int, Fit] = {}  # the fit the ladder chose for each run, before the spread (what memo keeps)
    recalled: set[int] = set()  # runs laid out at the fit and frames remembered: not filled again
    sound: set[int] = set()  # runs whose remembered entry was read and sound

    def final(index: int, att: Attempt) -> Attempt:
        """The run's attempt at its final fit, filled: as remembered for that fit (layout/memo.py), else filled now."""
        frames = memo.recall_frames(keys[index], att.fit) if index in sound else None
        if frames is not None:
            again = framed(index, att.fit, frames) if frames else att
            if _chain_fits(again, chains[index]):
                recalled.add(index)
                return again
        return filler(index)(att)

    spread = [i for i, chain in enumerate(chains) if SPREAD & set(chain)]  # the runs pages 2 and 3 are in
    chosen: list[Attempt] = []
    fitted: list[list[int]] = []  # the chain of each chosen attempt
    failed: list[tuple[Attempt, list[int]]] = []  # the tightest attempt of each run that does not fit
    for index, chain in enumerate(chains):
        tried = tried_in(index)

        keys[index] = key = memo.run_key(issue, [s for s in issue.sections if s.key in members[index]], chain,
                                         shipped(), policy=(FIT_LADDER, LOOSE_LADDER, VISIBLY_EMPTY))
        known = memo.recall(key, (FIT_LADDER, LOOSE_LADDER))
        pick: Attempt | None = None
        if known is not None:  # the fit the ladder chose last time for these pages (layout/memo.py)
            sound.add(index)
            frames = memo.recall_frames(key, known)  # and the frames the fill chose at it, when it was set at it
            again = framed(index, known, frames) if frames else tried(known)
            if _chain_fits(again, chain):
                pick = again
                if frames is not None:
                    recalled.add(index)
        if pick is None:
            pick = _choose(tried, chain, filler(index))
            if pick is None:
                failed.append((tried(FIT_LADDER[-1]), chain))
                continue
        ladder_fits[index] = pick.fit
        if len(spread) < 2 or index not in spread:
            if index not in recalled:
                pick = final(index, pick)
            if settled is not None:
                settled(_photos_on(pick, chain))
        chosen.append(pick)
        fitted.append(chain)
    if len(spread) == 2 and len(chosen) == len(chains):
        before = list(chosen)
        _one_spread(chosen, chains, spread, tried_in)
        for index in spread:
            if chosen[index] is not before[index] or index not in recalled:
                recalled.discard(index)
                chosen[index] = final(index, chosen[index])
            if settled is not None:
                settled(_photos_on(chosen[index], chains[index]))
    for index, att in enumerate(chosen if len(chosen) == len(chains) else []):
        if index not in recalled:
            memo.remember(keys[index], ladder_fits[index], filled=(att.fit, att.frames))
    room = {n: att.empty_share[n] for chain, att in zip(fitted, chosen, strict=True) for n in chain}
    for att, chain in failed:  # after the other runs are fitted, so a fix can name the page with room
        report_overflow(att, diags, chain, list(issue.sections), room)
    breakmemo.save()
    if diags.errors:
        return None
    by_page = {page: att for chain, att in zip(chains, chosen, strict=True) for page in chain}
    final = _compose(by_page)
    check_nothing_lost(final, diags)
    final, shortfalls = _justify(final, by_page)
    for section in issue.sections:
        if section.key in final.pagination.moved:
            left, start = final.pagination.moved[section.key], final.pagination.section_pages.get(section.key)
            diags.warning(section.span, f"section '{section.title}' has no room to start on page {left}, so all of "
                          f"it is set on page {start}, where it was to continue",
                          f"to start it on page {left}, shorten what comes before it there")
    for section in issue.sections:
        start, target = final.pagination.section_pages.get(section.key), section.continues_on
        if target is not None and start is not None and target <= start and section.key not in final.pagination.moved:
            went = final.pagination.continuation_pages.get(section.key)
            diags.warning(section.span, f"section '{section.title}' starts on page {start}, so it cannot continue on "
                          f"page {target} (continues_on: {target})"
                          + (f"; it goes on on page {went}, as the jump lines say" if went else ""),
                          (f"give continues_on a page after {start}, or remove it" if start < PAGES else "remove "
                           "continues_on") + "; to start the section earlier, shorten what comes before it")
    for page in range(1, PAGES + 1):
        share = final.empty_share[page]
        if share > UNDERFULL:
            diags.warning(None, f"page {page} is {share:.0%} empty after fitting",
                          "add text or a photo, or let a section continue there")
    if diags.errors:
        return None
    notes = []
    for chain, att in zip(chains, chosen, strict=True):
        purpose = "to fill the page" if _looser(att.fit) else "to fit"
        for change in att.fit.describe_change(BASE_FIT, _kinds_on(final, chain)):
            where = f"page {chain[0]}" if len(chain) == 1 else f"pages {chain[0]}-{chain[-1]}"
            notes.append(f"{where}: {change} {purpose}")
        notes.extend(describe_fill(att, chain))
        notes.extend(shortfalls[n] for n in chain if n in shortfalls)
    pag = final.pagination
    outline = []
    for section in issue.sections:
        page = pag.section_pages.get(section.key, 1)
        outline.append((section.title, section.key, 0, page))
        for i, article in enumerate(section.articles):
            ident = f"{section.key}.a{i + 1}.title"
            where = next((p.number for p in pag.pages for pl in p.placed if pl.ident == ident), page)
            outline.append((article.title or "", ident, 1, where))
    pages = pages_of(final)
    return LaidOutIssue(
        pages=pages,
        page_width=final.grid.width,
        page_height=final.grid.height,
        section_pages=dict(pag.section_pages),
        continuation_pages=dict(pag.continuation_pages),
        outline=outline,
        fit_notes=notes,
        fill=[_fill(final, by_page[n], n) for n in range(1, PAGES + 1)],
        link_ink=Palette(issue.style.primary, issue.style.accent).primary,
        structure=structure.build(pages, [s.key for s in issue.sections], issue.newsletter.language,
                                  {s.key: s.language for s in issue.sections if s.language}),
    )


def _fill(final: Attempt, att: Attempt, page: int) -> PageFill:
    """The page report's facts about one page: its empty share, and that room in body lines."""
    area = att.grid.flow[page - 1]
    share = final.empty_share[page]
    return PageFill(page, share, int(share * area.height / att.fit.leading))


def _justify(final: Attempt, by_page: dict[int, Attempt]) -> tuple[Attempt, dict[int, str]]:
    """Each page's leftover spread over its stretch points (layout/justify.py), or reported as room left."""
    pages, lowest, empty, notes = [], dict(final.pagination.lowest), dict(final.empty_share), {}
    for page in final.pagination.pages:
        n = page.number
        area, fit = final.grid.flow[n - 1], by_page[n].fit
        done = justify(page, area, fit.leading)
        pages.append(done.page)
        flow = [p.y for p in done.page.placed if p.kind == "flow"]
        if flow:
            lowest[n] = min(flow)
            empty[n] = max(0.0, (lowest[n] - area.bottom) / area.height)
        if done.short > fit.leading + 0.5:
            notes[n] = shortfall_note(n, done.short, area, fit.leading, fit.body_size)
    pagination = replace(final.pagination, pages=tuple(pages), lowest=MappingProxyType(lowest))
    return replace(final, pagination=pagination, empty_share=empty, _fixed={}), notes


SPREAD = {2, 3}  # facing pages: one body size and leading on both (issue #15 point 3)


def _one_spread(chosen: list[Attempt], chains: list[list[int]], spread: list[int],
                tried_in: Callable[[int], Callable[[Fit], Attempt]]) -> None:
    """Pages 2 and 3 are seen together: when their runs were fitted apart at different body sizes or leadings,
    both take one of the two types. For each, the run that changes type keeps its own photo and spacing
    settings, or takes another of the ladders' when that leaves its pages fuller; the type that holds both
    runs with the fuller spread wins."""
    a, b = spread
    types = [(chosen[i].fit.body_size, chosen[i].fit.leading) for i in spread]
    if types[0] == types[1]:
        return
    chosen[a], chosen[b] = tried_in(a)(chosen[a].fit), tried_in(b)(chosen[b].fit)  # as the ladder left them, unfilled
    settings = list(dict.fromkeys((f.image_scale, f.gallery_scale, f.article_gap) for f in (*FIT_LADDER, *LOOSE_LADDER)))
    options = []
    for keep, change in ((a, b), (b, a)):
        size, leading = chosen[keep].fit.body_size, chosen[keep].fit.leading
        own = chosen[change].fit
        best: Attempt | None = None
        for image, gallery, gap in [(own.image_scale, own.gallery_scale, own.article_gap), *settings]:
            att = tried_in(change)(Fit(size, leading, image, gallery, gap))
            if not _chain_fits(att, chains[change]):
                continue
            if best is None or _emptiest(att, chains[change]) < _emptiest(best, chains[change]) - 0.02:
                best = att
            if _emptiest(best, chains[change]) <= VISIBLY_EMPTY:
                break
        if best is not None:
            empty = max(_emptiest(best, chains[change]), _emptiest(chosen[keep], chains[keep]))
            options.append((round(empty, 4), change, best))
    if options:
        _, change, att = min(options, key=lambda o: (o[0], o[1]))
        chosen[change] = att


def _looser(fit: Fit) -> bool:
    """Looser than the house fit (so its changes were made to fill a page)."""
    return fit.leading > BASE_FIT.leading or fit.image_scale > BASE_FIT.image_scale or fit.article_gap > BASE_FIT.article_gap


def _choose(tried: Callable[[Fit], Attempt], chain: list[int],
            filled: Callable[[Attempt], Attempt] = lambda att: att) -> Attempt | None:
    """The first fit of the ladder that holds the run, or, when it would leave a page visibly empty, the house fit
    or the first looser one whose pages its photos fill to the foot (`filled`, layout/fill.py), else the looser
    fit that leaves the pages fullest; None when even the tightest does not hold it."""
    pick = next((a for a in map(tried, FIT_LADDER) if _chain_fits(a, chain)), None)
    if pick is not None and pick.fit == BASE_FIT and _emptiest(pick, chain) > VISIBLY_EMPTY:
        for fit in (BASE_FIT, *LOOSE_LADDER):
            att = tried(fit)
            if not _chain_fits(att, chain):
                continue
            att = filled(att)
            if all(short_of_foot(att, n) <= att.fit.leading + 0.5 for n in chain):
                return att  # photos grown in whole lines fill the pages: no looser type needed
        for fit in LOOSE_LADDER:
            loose = tried(fit)
            if _chain_fits(loose, chain) and _emptiest(loose, chain) < _emptiest(pick, chain) - 0.02:
                pick = loose
            if _emptiest(pick, chain) <= VISIBLY_EMPTY:
                break  # full enough: looser still would only spread the text more
    return pick


def _photos_on(att: Attempt, chain: list[int]) -> list[PhotoUse]:
    """The photos of a run's pages as they will be drawn (the same flowables the final pages hold)."""
    uses: list[PhotoUse] = []
    for n in chain:
        for placed in [*att.fixed_on(n), *att.pagination.pages[n - 1].placed]:
            uses.extend(getattr(placed.flowable, "photo_uses", lambda: [])())
    return uses


def _kinds_on(att: Attempt, chain: list[int]) -> set[str]:
    """What the pages of a run hold, so the notes name only changes that matter there."""
    kinds = set()
    for n in chain:
        for placed in att.pagination.pages[n - 1].placed:
            ident = placed.ident
            if ".gallery" in ident:
                kinds.add("gallery")
            elif ".img" in ident:
                kinds.add("photos")
            if ident.endswith((".quote", ".title")) and ".a" in ident or ".img" in ident:
                kinds.add("columns")
    return kinds


def _chains(issue: Issue) -> list[list[int]]:
    """Runs of pages that lay out independently: from one pinned page to the next. One run when a section
    jumps (continues_on), since its continuation ties two runs together."""
    if any(s.continues_on for s in issue.sections):
        return [list(range(1, PAGES + 1))]
    starts = sorted({1, *(s.page for s in issue.sections if s.page)})
    ends = [*(p - 1 for p in starts[1:]), PAGES]
    return [list(range(a, b + 1)) for a, b in zip(starts, ends, strict=True)]


def _chain_sections(issue: Issue, chains: list[list[int]]) -> list[frozenset[str]]:
    """The sections of each run: from its pinned section up to the next pinned one."""
    if len(chains) == 1:
        return [frozenset(s.key for s in issue.sections)]
    starts = [chain[0] for chain in chains]
    members: list[set[str]] = [set() for _ in chains]
    current = 0
    for section in issue.sections:
        if section.page:
            current = starts.index(section.page)
        members[current].add(section.key)
    return [frozenset(m) for m in members]


def _chain_fits(att: Attempt, chain: list[int]) -> bool:
    if att.pagination.errors:
        return False
    return not any(o.limit in chain for o in att.pagination.overflows.values())


def _compose(by_page: dict[int, Attempt]) -> Attempt:
    """One attempt made of each page of the attempt chosen for it."""
    base = by_page[1]
    section_pages: dict[str, int] = {}
    continuation_pages: dict[str, int] = {}
    placed_ids: set[str] = set()
    for n, att in by_page.items():
        p = att.pagination
        section_pages.update({k: v for k, v in p.section_pages.items() if v == n})
        continuation_pages.update({k: v for k, v in p.continuation_pages.items() if v == n})
        placed_ids |= {pl.ident for pl in p.pages[n - 1].placed if pl.ident}
        placed_ids |= {c.anso_id for pl in p.pages[n - 1].placed for c in getattr(pl.flowable, "cells", []) if getattr(c, "anso_id", "")}
    composed = Pagination(
        pages=tuple(by_page[n].pagination.pages[n - 1] for n in range(1, PAGES + 1)),
        section_pages=MappingProxyType(section_pages),
        continuation_pages=MappingProxyType(continuation_pages),
        placed_ids=frozenset(placed_ids),
        lowest=MappingProxyType({n: by_page[n].pagination.lowest[n] for n in range(1, PAGES + 1)
                                 if n in by_page[n].pagination.lowest}),
        overflows=MappingProxyType({}),
        errors=(),
        moved=MappingProxyType({k: v for att in by_page.values() for k, v in att.pagination.moved.items()}),
    )
    empty = {n: by_page[n].empty_share[n] for n in range(1, PAGES + 1)}
    expected = set().union(*(att.expected for att in by_page.values()))
    # each page's fixed parts at the fit of the attempt chosen for it, beside the story as finally placed
    return Attempt(base.fit, base.grid, composed, lambda n, done: by_page[n].make_fixed(n, done), expected, empty)


def _emptiest(att: Attempt, chain: list[int]) -> float:
    return max(att.empty_share[n] for n in chain)
