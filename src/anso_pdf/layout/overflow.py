"""Say why a run of pages does not fit, by page: how many lines are over, what stands on that page, and the
cheapest fixes (cut words from a section long enough to lose them, remove a photo or a gallery row that is as
tall as the excess, let a section continue on the later page with the most room)."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from anso_pdf.diagnostics import Diagnostics
from anso_pdf.layout.pages import Attempt
from anso_pdf.layout.paginate import PAGES
from anso_pdf.model.issue import Section

WORDS_PER_LINE = 7  # when a page has no body text to measure words per line on
_ROW = re.compile(r"\.gallery\.row\d+$")
_PHOTO = re.compile(r"\.img\d+$")


@dataclass
class _Size:
    """One section's share of the page that is over."""

    section: Section
    words: int  # words of the whole section, as written
    photos: int  # photos of the whole section (its articles' and its gallery's)
    text_lines: float = 0.0  # lines of text and headings it takes on the page and past it
    photo_lines: float = 0.0  # lines of photos (with captions) and gallery rows

    @property
    def lines(self) -> float:
        return self.text_lines + self.photo_lines

    def describe(self) -> str:
        return f"'{self.section.title}' ({self.facts()})"

    def facts(self) -> str:
        parts = [f"{self.words} words"]
        if self.photos:
            parts.append(f"{self.photos} photo{'s' if self.photos > 1 else ''}")
        parts.append(f"{round(self.lines)} column lines")
        if self.section.continues_on:
            parts.append(f"continues on page {self.section.continues_on}")
        return ", ".join(parts)


def _words(section: Section) -> int:
    count = 0
    for article in (section.lead, *section.articles):
        for para in (*article.intro, *article.body):
            count += sum(len(run.text.split()) for run in para.runs)
    return count


def _photos(section: Section) -> int:
    return sum(len(a.images) for a in (section.lead, *section.articles)) + (len(section.gallery.photos) if section.gallery else 0)


def report_overflow(att: Attempt, diags: Diagnostics, chain: list[int], sections: list[Section],
                    room: dict[int, float]) -> None:
    """One message per page of the run that does not hold what must end on it (at the tightest fit); `room` is
    the empty share of the pages of the runs that did fit, so a fix can name the one with the most room."""
    pag = att.pagination
    for span, message in pag.errors:
        diags.error(span, message, "make its photos smaller, or split its text")
    by_key = {s.key: s for s in sections}
    L = att.fit.leading
    for page in sorted({o.limit for o in pag.overflows.values() if o.limit in chain}):
        overs = [o for o in pag.overflows.values() if o.limit == page]
        lines = max(1, round(sum(o.lines for o in overs)))
        sizes: dict[str, _Size] = {}
        photo_heights: list[tuple[float, str, str]] = []  # (lines, what, section title)
        placed_words = body_lines = 0.0
        for placed in pag.pages[page - 1].placed:
            if placed.kind != "flow" or placed.section not in by_key:
                continue
            section = by_key[placed.section]
            size = sizes.setdefault(section.key, _Size(section, _words(section), _photos(section)))
            height = placed.height / L
            if _PHOTO.search(placed.ident) or _ROW.search(placed.ident):
                size.photo_lines += height
                what = "a gallery row" if _ROW.search(placed.ident) else "a photo"
                photo_heights.append((height, what, section.title))
            else:
                size.text_lines += height
            bl = getattr(placed.flowable, "blPara", None)
            words: int = getattr(placed.flowable, "anso_words", 0)  # a whole paragraph's (a split part has none)
            if bl is not None and words:
                placed_words += words
                body_lines += len(bl.lines)
        for over in overs:
            section = over.story.section
            size = sizes.setdefault(section.key, _Size(section, _words(section), _photos(section)))
            size.text_lines += over.lines
        per_line = placed_words / body_lines if body_lines >= 10 else WORDS_PER_LINE
        need = max(1, round(lines * per_line))
        fixes = _fixes(list(sizes.values()), need, lines, photo_heights, page, room)
        first = next(iter(sizes.values()))
        where = f"even at {att.fit.body_size:g} pt body on {att.fit.leading:g} pt lines"
        if len(sizes) == 1:
            message = (f"section '{first.section.title}' does not fit: it must end on page {page}, and about {lines} "
                       f"lines are over, {where} (it has {first.facts()} there)")
        else:
            message = (f"page {page} does not fit its sections: they must end on page {page}, and about {lines} lines "
                       f"are over, {where}; on it: " + "; ".join(s.describe() for s in sizes.values()))
        diags.error(first.section.span, message, "; or ".join(fixes))


def _fixes(sizes: list[_Size], need: int, lines: int, photos: list[tuple[float, str, str]], page: int,
           room: dict[int, float]) -> list[str]:
    """The cheapest ways out, the one that fits what made the page long first."""
    text: list[str] = []
    long_enough = [s for s in sizes if s.words >= need]
    if long_enough:
        names = ", ".join(f"'{s.section.title}'" for s in long_enough)
        text.append(f"cut about {need} words from {'any of: ' if len(long_enough) > 1 else ''}{names}")
    elif sum(s.words for s in sizes) >= need:
        text.append(f"cut about {need} words in all from " + ", ".join(f"'{s.section.title}'" for s in sizes if s.words))
    pictures: list[str] = []
    tall = sorted((p for p in photos if p[0] >= lines - 0.5), key=lambda p: p[0])
    rows = [p for p in photos if p[1] == "a gallery row"]
    if rows and not tall:
        height = max(p[0] for p in rows)
        count = math.ceil(lines / height)
        pictures.append(f"remove {count} gallery row{'s' if count > 1 else ''} from '{rows[0][2]}' "
                        f"(a row takes about {round(height)} lines)")
    elif tall:
        height, what, title = tall[0]
        pictures.append(f"remove {what} from '{title}' (it takes about {round(height)} column lines)")
    elif photos:
        pictures.append("make photos smaller or remove one")
    continuing: list[str] = []
    later_pages = [n for n in range(page + 1, PAGES + 1) if room.get(n, 0.0) > 0]
    if later_pages:
        later = max(later_pages, key=lambda n: (room[n], -n))
        movable = [s for s in sizes if not s.section.continues_on and s.words and (s.section.page or 0) <= page]
        if movable:
            biggest = max(movable, key=lambda s: s.text_lines)
            continuing.append(f"let '{biggest.section.title}' continue on page {later} (continues_on: {later})")
    by_photos = sum(s.photo_lines for s in sizes) > sum(s.text_lines for s in sizes)
    ordered = pictures + text if by_photos else text + pictures
    return (ordered + continuing) or ["cut text or photos from the sections on this page"]
