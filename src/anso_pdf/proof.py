"""The proof: the finished pages checked against the issue model before any byte is written (issue #12).

It reads what was laid out (the placed blocks, their boxes, the lines their paragraphs were broken into, the photos
and crops they draw, the page numbers they will print) and compares it with the `Issue`, without the layout's own
bookkeeping (idents, the nothing-lost set, the section a block was filed under): a fault in the one cannot hide in
the other. Every breach is a `Breach` with its page, the box it concerns and the place in the issue file it comes
from; the pipeline turns them into located errors (or, with --draft, into marks on the page).
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import math
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from reportlab.platypus.flowables import Flowable

from anso_pdf import cache
from anso_pdf.diagnostics import Span
from anso_pdf.layout import flowables as F
from anso_pdf.layout.document import LaidOutIssue, Placed
from anso_pdf.layout.grid import Area, PageGrid, page_grid
from anso_pdf.model.issue import Article, Image, Issue, Section

TOL = 0.5  # pt: what a box may pass an edge by (rounding)
FAULT = "this is a fault in anso-pdf, not in your file: please report it with the issue file; no PDF was written"
_CONTINUED_FROM = re.compile(r"Continued from page (\d+): ")
_CONTINUED_ON = "Continued on page {}"


@dataclass(frozen=True)
class Breach:
    """One thing on the finished pages that is not true to the issue file."""

    page: int
    message: str
    hint: str = FAULT
    span: Span | None = None
    box: tuple[float, float, float, float] | None = None  # x, y, width, height in trim coordinates


# --- reading text back from the placed blocks ------------------------------------------------------------

_SPACES = dict.fromkeys(map(ord, "\u00a0\u202f\u2009\u2007\u2002\u2003\n\t"), " ")
_DASHES = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"), "-")
_QUOTES = dict.fromkeys(map(ord, "\u2018\u2019\u201a\u201b\u201c\u201d\u201e\u201f\u00ab\u00bb\u2039\u203a'"), '"')
_DROP = dict.fromkeys(map(ord, "\u00ad\u200b\u2060\ufeff"))


def norm(text: str) -> str:
    """Text as compared: the typography (quotes, dashes, no-break spaces, soft hyphens) is not the words. Invisible
    characters go before composing: 'A', a soft hyphen and a combining grave are set as 'À'."""
    return unicodedata.normalize("NFC", text.translate(_DROP)).translate(_SPACES).translate(_DASHES).translate(_QUOTES)


def words(text: str) -> list[str]:
    return norm(text).split()


def _is_paragraph(obj: Any) -> bool:
    return hasattr(obj, "frags") and hasattr(obj, "style")


def paragraph_lines(para: Any, width: float) -> list[str]:
    """The lines a paragraph is set in at this width, as text."""
    if "blPara" not in para.__dict__:
        para.wrap(width, 1e6)
    bl = para.blPara
    out = []
    for line in bl.lines:
        if bl.kind == 0:
            out.append(" ".join(str(w) for w in line[1]))
        else:
            out.append("".join(str(getattr(f, "text", "")) for f in line.words))
    return out


@dataclass
class Token:
    text: str
    page: int
    box: tuple[float, float, float, float]
    line_end: bool = False  # the last word of a line: a hyphen at its end may be a hyphenation point


def para_tokens(para: Any, width: float, page: int, box: tuple[float, float, float, float]) -> list[Token]:
    tokens = []
    for line in paragraph_lines(para, width):
        ws = words(line)
        for i, w in enumerate(ws):
            tokens.append(Token(w, page, box, line_end=i == len(ws) - 1))
    return tokens


def _own_paragraphs(flowable: Any) -> list[tuple[str, Any, float]]:
    """The paragraphs a block sets, with their role and the width they are set at; (role, None, 0) for a photo."""
    f = flowable
    if _is_paragraph(f):
        return [("text", f, f.width)]
    if isinstance(f, F.GridPad):
        return [("text", f.inner, f.width)]
    if isinstance(f, F.SectionHeading):
        return [("text", p, f.width) for p in (f.kicker, f.title) if p is not None]
    if isinstance(f, F.CaptionedPhoto):
        return [("caption", f.caption, f.width)] if f.caption is not None else []
    if isinstance(f, F.PullQuote):
        return [("quote", p, f.width - 14) for p in (f.text, f.by) if p is not None]
    if isinstance(f, F.EventCard):
        w = f.width - f.BADGE_W - 9
        return [("text", p, w) for p in (f.title, f.place) if p is not None]
    if isinstance(f, F.Panel):
        inner = f.width - 2 * f.pad
        return [("text", getattr(p, "label", p), inner - (F.ContentsEntry.NUMBER_ROOM if isinstance(p, F.ContentsEntry) else 0)) for p in f.parts]
    return []


# --- what the issue file says, in file order --------------------------------------------------------------


@dataclass
class Expected:
    """A section's words in file order, each with the place it was written; its photos and pull quotes."""

    section: Section
    words: list[str] = field(default_factory=list)
    spans: list[Span] = field(default_factory=list)
    photos: list[tuple[Image, list[str]]] = field(default_factory=list)
    quotes: list[tuple[list[str], Span]] = field(default_factory=list)
    article_starts: dict[int, int] = field(default_factory=dict)  # article index -> index of its title's first word

    def add(self, text: str, span: Span) -> None:
        ws = words(text)
        self.words.extend(ws)
        self.spans.extend([span] * len(ws))


def caption_text(image: Image) -> str:
    parts = [image.caption or ""]
    if image.credit:
        parts.append("Photo: " + image.credit)
    return " ".join(p for p in parts if p)


def expected_of(section: Section) -> Expected:
    e = Expected(section)
    if section.show_title:
        e.add(section.title, section.span)
    for index, article in enumerate((section.lead, *section.articles)):
        _expect_article(e, article, index)
    if section.events:
        e.add(section.events.title, section.events.span)
        for event in section.events.items:
            e.add(event.title, event.span)
            if event.place:
                e.add(event.place, event.span)
    if section.gallery:
        e.add(section.gallery.title, section.gallery.span)
        e.photos.extend((image, words(caption_text(image))) for image in section.gallery.photos)
    return e


def _expect_article(e: Expected, article: Article, index: int) -> None:
    if article.title:
        e.article_starts[index] = len(e.words)
        e.add(article.title, article.span)
    for para in (*article.intro, *article.body):
        e.add(para.plain, para.span)
    e.photos.extend((image, words(caption_text(image))) for image in article.images)
    if article.quote:
        q = article.quote
        e.quotes.append((words(q.text + (" \u2014 " + q.by if q.by else "")), q.span))


# --- reading order ------------------------------------------------------------------------------------------


def out_of_order(placed: list[Placed], area: Area) -> list[Placed]:
    """The flow blocks whose place on the page contradicts the order they are read (and drawn, and tagged) in: in a
    band of columns a reader goes down a column, then to the top of the next one on the right; a new band (a block
    across the columns, or the columns of the next story run) starts below everything of the band before it."""
    def spans(p: Placed) -> bool:
        return area.columns > 1 and p.width > area.column_width + TOL

    wrong: list[Placed] = []
    band: list[Placed] = []
    for b in placed:
        if band:
            a = band[-1]
            b_top, band_top = b.y + b.height, max(q.y + q.height for q in band)
            down = abs(b.x - a.x) < TOL and not spans(a) and not spans(b) and b_top <= a.y + TOL
            right = not spans(a) and not spans(b) and b.x > a.x + TOL and b_top <= band_top + TOL
            if down or right:
                band.append(b)
                continue
            if b_top > min(q.y for q in band) + TOL:
                wrong.append(b)
        band = [b]
    return wrong


# --- the proof ------------------------------------------------------------------------------------------------


def _owed(f: Any, e: Expected, photos: int, quotes: int) -> bool:
    """Is this block a pull quote or photos (they carry none of the section's words) that the section has yet to
    print? Then it is the section's own, though all its words are read: it does not start the next section that
    has no heading."""
    if isinstance(f, F.PullQuote):
        return quotes < len(e.quotes)
    cells = sum(isinstance(c, F.CaptionedPhoto) for c in (f.cells if isinstance(f, F.Row) else [f]))
    return cells > 0 and photos + cells <= len(e.photos)


def _box(p: Placed) -> tuple[float, float, float, float]:
    return (p.x, p.y, p.width, p.height)


def _inside(p: Placed, x0: float, y0: float, x1: float, y1: float) -> bool:
    return p.x >= x0 - TOL and p.y >= y0 - TOL and p.x + p.width <= x1 + TOL and p.y + p.height <= y1 + TOL


def _what(p: Placed) -> str:
    f = p.flowable
    names = {F.SectionHeading: "a section heading", F.CaptionedPhoto: "a photo", F.PullQuote: "a pull quote",
             F.JumpLine: "a jump line", F.Row: "a row of events or photos", F.Panel: "a sidebar box",
             F.Masthead: "the masthead", F.Footer: "the footer", F.GridPad: "a heading or intro"}
    for kind, name in names.items():
        if isinstance(f, kind):
            return name
    return "a paragraph" if _is_paragraph(f) else f"a {type(f).__name__}"


class Proof:
    """Collects the breaches of one laid-out issue."""

    def __init__(self, issue: Issue, laid_out: LaidOutIssue) -> None:
        self.issue, self.laid_out = issue, laid_out
        self.grid: PageGrid = page_grid(issue)
        self.breaches: list[Breach] = []

    def breach(self, page: int, message: str, *, hint: str = FAULT, span: Span | None = None,
               box: tuple[float, float, float, float] | None = None) -> None:
        self.breaches.append(Breach(page, message, hint, span, box))

    def run(self) -> list[Breach]:
        if len(self.laid_out.pages) != 4:
            self.breach(0, f"the layout has {len(self.laid_out.pages)} pages, not four")
            return self.breaches
        for page in self.laid_out.pages:
            for p in page.placed:
                p.flowable.wrap(p.width, p.height)  # as drawing will: the lines read below are the lines drawn
            self.geometry(page.number, page.placed)
        self.fixed_parts()
        self.story()
        return [b if b.span is not None else dataclasses.replace(b, span=self._near(b)) for b in self.breaches]

    def _near(self, b: Breach) -> Span | None:
        """A place in the file for a breach found by its box alone: the section of the block there (the layout's
        own note of it, used only to say where), else the newsletter's name."""
        if b.box is not None and 1 <= b.page <= len(self.laid_out.pages):
            spans = {s.key: s.span for s in self.issue.sections}
            for p in self.laid_out.pages[b.page - 1].placed:
                if _box(p) == b.box and p.section in spans:
                    return spans[p.section]
        return self._span_of(self.issue.newsletter.name)

    # --- geometry ---

    def geometry(self, number: int, placed: list[Placed]) -> None:
        g = self.grid
        area = g.flow[number - 1]
        for p in placed:
            if p.kind == "flow":
                if not _inside(p, area.x, area.bottom, area.x + area.width, area.top):
                    self.breach(number, f"page {number}: {_what(p)} at x {p.x:.0f}, y {p.y:.0f} pt "
                                f"({p.width:.0f} x {p.height:.0f} pt) is outside the text area", box=_box(p))
                need = p.flowable.wrap(p.width, p.height)[1]
                if need > p.height + TOL:
                    self.breach(number, f"page {number}: {_what(p)} needs {need:.0f} pt but was given {p.height:.0f} pt",
                                box=_box(p))
            elif isinstance(p.flowable, F.Masthead) and not _inside(p, 0, 0, g.width, g.height):
                self.breach(number, "the masthead band leaves the page", box=_box(p))
            elif isinstance(p.flowable, F.Footer) and not _inside(p, g.margin, g.footer_y, g.width - g.margin,
                                                                   area.bottom):
                self.breach(number, f"page {number}: the footer is outside the foot margin", box=_box(p))
        for i, a in enumerate(placed):
            for b in placed[i + 1 :]:
                dx = min(a.x + a.width, b.x + b.width) - max(a.x, b.x)
                dy = min(a.y + a.height, b.y + b.height) - max(a.y, b.y)
                if dx > TOL and dy > TOL:
                    self.breach(number, f"page {number}: {_what(a)} and {_what(b)} overlap by "
                                f"{dx:.0f} x {dy:.0f} pt at x {max(a.x, b.x):.0f}, y {max(a.y, b.y):.0f} pt", box=_box(b))

    def fixed_parts(self) -> None:
        page1 = self.laid_out.pages[0]
        for p in page1.placed:
            if isinstance(p.flowable, F.Masthead):
                self.masthead(p)
            elif isinstance(p.flowable, F.Panel) and p.kind == "fixed":
                self.sidebar_box(p)
        for page in self.laid_out.pages[1:]:
            for p in page.placed:
                if isinstance(p.flowable, F.Footer):
                    folio = " ".join(words(" ".join(paragraph_lines(p.flowable.folio, 60))))
                    if folio != str(page.number):
                        self.breach(page.number, f"page {page.number}: the footer prints page number '{folio}'",
                                    box=_box(p))

    def masthead(self, p: Placed) -> None:
        mast = p.flowable
        band = mast.band_h
        for role, _, x, y, w, h in mast.text_boxes():
            if y >= 3.5 - TOL and y + h <= band + TOL and x >= -TOL and x + w <= mast.page_width + TOL:
                continue
            if role in ("name", "tagline"):
                n = self.issue.newsletter
                fits = masthead_fit(mast, n.name)
                self.breach(1, f"the newsletter name ({len(n.name)} characters) does not fit in the masthead: "
                            f"it takes {_line_count(mast.name)} lines and the {role} leaves the band",
                            hint=f"at most about {fits} characters fit"
                            + (" with this tagline" if n.tagline else "")
                            + ": shorten the name (move the rest into 'tagline')",
                            span=self._span_of(n.name), box=_box(p))
            else:
                self.breach(1, f"the masthead's {role} does not fit in the band", box=_box(p),
                            hint="shorten the newsletter's issue and date", span=self._span_of(
                                self.issue.newsletter.issue if role == "issue" else self.issue.newsletter.date))
            return

    def sidebar_box(self, p: Placed) -> None:
        side = self.grid.sidebar
        if side is None:
            self.breach(1, "a sidebar box is placed on a page without a sidebar", box=_box(p))
            return
        if _inside(p, side.x, side.bottom, side.x + side.width, side.top):
            return
        box = p.flowable
        leading = max((getattr(getattr(q, "style", None), "leading", 0) for q in box.parts), default=12) or 12
        over = side.bottom - p.y
        lines = max(1, math.ceil(over / leading - 1e-6))
        contact = self.issue.contact
        if contact is not None and box.parts and _para_text(box.parts[0]) == " ".join(words(contact.title)):
            span = self._span_of(contact.address[0]) if contact.address else None
            hint = f"shorten the contact box by {lines} printed lines"
            first = words(contact.address[0]) if contact.address else []
            address = next((h for q, (h, _) in zip(box.parts, box.heights, strict=True)
                            if first and _para_text(q).split()[: len(first)] == first), None)
            if address:
                cut = min(len(contact.address), math.ceil(over / (address / len(contact.address)) - 1e-6))
                hint = (f"shorten the address by {cut} of its {len(contact.address)} lines, or make its lines "
                        "shorter")
            self.breach(1, f"the contact box does not fit on page 1: it runs {over:.0f} pt ({lines} printed lines) "
                        "below the foot of the page", hint=hint, span=span, box=_box(p))
        else:
            self.breach(1, f"the contents box does not fit on page 1: it runs about {lines} lines below the foot "
                        "of the page", hint=f"shorten the contents titles (contents_title) by about {lines} lines, "
                        "or hide the box (contents: show: false)", span=None, box=_box(p))

    def _span_of(self, text: str) -> Span | None:
        return next((s for t, s in self.issue.text_spans if t == text), None)

    # --- the story: every word once, in order; photos; page references ---

    def story(self) -> None:
        expected = [expected_of(s) for s in self.issue.sections]
        match = [Matcher(e.words) for e in expected]
        photos: list[list[tuple[Placed, int, Any, list[Token]]]] = [[] for _ in expected]
        quotes: list[list[list[Token]]] = [[] for _ in expected]
        first_page: dict[int, int] = {}
        jumps: dict[int, tuple[int, Placed]] = {}  # section -> (page, jump line)
        resumed: dict[int, tuple[int, int, Placed]] = {}  # section -> (page, printed 'from' page, head)
        started: set[int] = set()
        last: dict[int, Placed] = {}  # section -> the last block read of it
        cur = -1
        none = len(expected)

        for page in self.laid_out.pages:
            area = self.grid.flow[page.number - 1]
            flow = [p for p in page.placed if p.kind == "flow"]
            for p in out_of_order(flow, area):
                self.breach(page.number, f"page {page.number}: {_what(p)} at x {p.x:.0f}, y {p.y:.0f} pt is out of "
                            "reading order", box=_box(p))
            for p in flow:
                f = p.flowable
                if isinstance(f, F.JumpLine):
                    if 0 <= cur < none:
                        self.jump_line(page.number, p, expected[cur], match[cur], len(photos[cur]), flow, last.get(cur))
                        jumps[cur] = (page.number, p)
                    else:
                        self.breach(page.number, f"page {page.number}: a jump line with no section above it", box=_box(p))
                    cur = none  # what follows belongs to the next section to start
                    continue
                head = _continued_head(f)
                if head is not None:
                    cur = self.resumed_head(page.number, p, head, expected, jumps, resumed)
                    continue
                heading = isinstance(f, F.SectionHeading)
                after = cur if 0 <= cur < none else max(started, default=-1)
                # the next section to start that has no heading (a section with one may be set later: moved whole to
                # the page it was to continue on, after a pinned section)
                headless_next = next((i for i in range(after + 1, none)
                                      if i not in started and not expected[i].section.show_title), none)
                headless = headless_next < none
                if headless and 0 <= cur < none and _owed(f, expected[cur], len(photos[cur]), len(quotes[cur])):
                    headless = False  # a pull quote or photo the section still has to print is the section's
                if heading or not 0 <= cur < none or (match[cur].complete and headless):
                    # a heading says which section starts (a section may be moved to a later page whole, its
                    # numbers true); text without a heading starts the next section of the file that has none
                    title = _tokens_of(f.title, f.width) if heading else []
                    cur = next((i for i in range(none) if i not in started and expected[i].section.show_title
                                 and same_words(words(expected[i].section.title), title)), none) if heading \
                        else headless_next if headless else none
                    if cur >= none:
                        self.breach(page.number, f"page {page.number}: {_what(p)} belongs to no section of the file"
                                    + (f" (\u2018{_text(title)}\u2019)" if title else ""), box=_box(p))
                        continue
                    started.add(cur)
                    first_page[cur] = page.number
                last[cur] = p
                for cell in f.cells if isinstance(f, F.Row) else [f]:
                    if isinstance(cell, F.CaptionedPhoto):
                        caption = _tokens_of(cell.caption, cell.width) if cell.caption is not None else []
                        photos[cur].append((p, page.number, cell, caption))
                    elif isinstance(cell, F.PullQuote):
                        quotes[cur].append([t for part in (cell.text, cell.by) if part is not None
                                            for t in _tokens_of(part, cell.width - 14)])
                    else:
                        for _, para, width in _own_paragraphs(cell):
                            for token in para_tokens(para, width, page.number, _box(p)):
                                match[cur].feed(token)
        for index, e in enumerate(expected):
            match[index].finish()
            self.compare_words(e, match[index])
            self.compare_photos(e, photos[index])
            self.compare_quotes(e, quotes[index])
        self.contents_box(expected)
        self.page_references(expected, match, first_page, jumps, resumed)

    def contents_box(self, expected: list[Expected]) -> None:
        for p in self.laid_out.pages[0].placed:
            entries = [q for q in getattr(p.flowable, "parts", []) if isinstance(q, F.ContentsEntry)]
            if not entries:
                continue
            if len(entries) != len(expected):
                self.breach(1, f"the contents box lists {len(entries)} sections; the file has {len(expected)}",
                            box=_box(p))
            for entry, e in zip(entries, expected, strict=False):
                label = _tokens_of(entry.label, entry.width - F.ContentsEntry.NUMBER_ROOM)
                if entry.key != e.section.key or not same_words(words(e.section.contents_title), label):
                    self.breach(1, f"the contents box reads \u2018{_text(label)}\u2019 where section "
                                f"'{e.section.title}' is expected", box=_box(p), span=e.section.span)

    def jump_line(self, page: int, p: Placed, e: Expected, match: Matcher, photos: int, flow: list[Placed],
                  own: Placed | None) -> None:
        title = e.section.title
        printed = self.laid_out.continuation_pages.get(p.flowable.key, 0)
        # the section's own: the block just above it in its column (or across the columns) is the section's
        column = [q for q in flow if q.x <= p.x + TOL and q.x + q.width >= p.x + p.width - TOL and q is not p
                  and q.y >= p.y + p.height - TOL]
        above = min(column, key=lambda q: q.y, default=None)
        if match.complete and photos >= len(e.photos):  # what goes on may be photos: a gallery's last row
            self.breach(page, f"page {page}: 'Continued on page {printed}' under section '{title}', whose text and "
                        "photos end here", box=_box(p), span=e.section.span)
        if above is None or own is None or above is not own:  # the block above is the section's last
            self.breach(page, f"page {page}: 'Continued on page {printed}' is not at the foot of section '{title}'s "
                        "own column", box=_box(p), span=e.section.span)
        if p.flowable.key != e.section.key:
            self.breach(page, f"page {page}: the jump line under section '{title}' prints the page of another section",
                        box=_box(p), span=e.section.span)

    def resumed_head(self, page: int, p: Placed, head: tuple[int, str], expected: list[Expected],
                     jumps: dict[int, tuple[int, Placed]], resumed: dict[int, tuple[int, int, Placed]]) -> int:
        printed, title = head
        match = [i for i in jumps if i not in resumed and words(expected[i].section.title) == title.split()]
        if not match:
            self.breach(page, f"page {page}: 'Continued from page {printed}: {title}' resumes no section that jumped",
                        box=_box(p))
            return len(expected)
        index = match[0]
        resumed[index] = (page, printed, p)
        return index

    def compare_words(self, e: Expected, match: Matcher) -> None:
        title = e.section.title
        if match.failed is not None:
            have, i = match.failed
            before = " ".join(e.words[max(0, i - 4) : i])
            if i >= len(e.words):
                self.breach(have.page, f"page {have.page}: section '{title}' has words the file does not, from "
                            f"\u2018{have.text}\u2019 (after \u2018\u2026{before}\u2019)", span=e.section.span, box=have.box)
            else:
                self.breach(have.page, f"page {have.page}: in section '{title}', after \u2018\u2026{before}\u2019 the "
                            f"page has \u2018{have.text}\u2019 where the file has \u2018{e.words[i]}\u2019 (a word "
                            "lost, added or moved)", span=e.spans[i], box=have.box)
        elif match.i < len(e.words):
            i = match.i
            before = " ".join(e.words[max(0, i - 4) : i])
            page = match.last.page if match.last else 1
            self.breach(page, f"section '{title}': {len(e.words) - i} words are not on any page, from "
                        f"\u2018{e.words[i]}\u2019 (after \u2018\u2026{before}\u2019)", span=e.spans[i])

    def compare_photos(self, e: Expected, placed: list[tuple[Placed, int, Any, list[Token]]]) -> None:
        title = e.section.title
        for n, (image, caption) in enumerate(e.photos):
            if n >= len(placed):
                self.breach(0, f"section '{title}': photo '{image.written}' is not on any page", span=image.span)
                continue
            p, page, flowable, got_caption = placed[n]
            if flowable.image.path != image.path:
                self.breach(page, f"page {page}: section '{title}' shows photo '{flowable.image.written}' where the "
                            f"file names '{image.written}'", span=image.span, box=_box(p))
            if not same_words(caption, got_caption):
                self.breach(page, f"page {page}: the caption of photo '{image.written}' reads "
                            f"\u2018{_text(got_caption)[:60]}\u2019", span=image.span, box=_box(p))
            self.crops(page, p, flowable, image)
        for p, page, _, _ in placed[len(e.photos) :]:
            self.breach(page, f"page {page}: section '{title}' shows a photo the file does not name here", box=_box(p),
                        span=e.section.span)

    def crops(self, page: int, p: Placed, flowable: Any, image: Image) -> None:
        for use in flowable.photo_uses():
            c = use.crop
            pw, ph = use.image.pixel_size
            if not (-1e-6 <= c.left < c.right <= 1 + 1e-6 and -1e-6 <= c.bottom < c.top <= 1 + 1e-6):
                self.breach(page, f"page {page}: the crop of photo '{image.written}' leaves the photo", box=_box(p),
                            span=image.span)
                continue
            shown = (c.right - c.left) * pw / ((c.top - c.bottom) * ph)
            if abs(shown / (use.width / use.height) - 1) > 0.01:
                self.breach(page, f"page {page}: photo '{image.written}' is drawn distorted (its crop is "
                            f"{shown:.2f}:1 in a {use.width / use.height:.2f}:1 frame)", box=_box(p), span=image.span)
            focus = getattr(image, "focus", None)
            if focus is not None:
                fx, fy = focus
                if not (c.left - 1e-6 <= fx <= c.right + 1e-6 and c.bottom - 1e-6 <= 1 - fy <= c.top + 1e-6):
                    self.breach(page, f"page {page}: the focus of photo '{image.written}' is cropped away",
                                box=_box(p), span=image.span)

    def compare_quotes(self, e: Expected, got: list[list[Token]]) -> None:
        wanted = [q for q, _ in e.quotes]
        if len(got) != len(wanted) or not all(same_words(w, g) for w, g in zip(wanted, got, strict=True)):
            span = e.quotes[0][1] if e.quotes else e.section.span
            self.breach(0, f"section '{e.section.title}': its pull quotes are not printed as written "
                        f"({len(got)} printed, {len(wanted)} in the file)", span=span)

    def page_references(self, expected: list[Expected], got: list[Matcher], first_page: dict[int, int],
                        jumps: dict[int, tuple[int, Placed]], resumed: dict[int, tuple[int, int, Placed]]) -> None:
        lo = self.laid_out
        for index, e in enumerate(expected):
            key, title = e.section.key, e.section.title
            true = first_page.get(index)
            if true is None:
                continue
            if self.issue.contents.show and lo.section_pages.get(key) != true:
                self.breach(1, f"the contents box says section '{title}' is on page {lo.section_pages.get(key)}; "
                            f"it starts on page {true}", span=e.section.span)
            for entry_title, anchor, level, page in lo.outline:
                if level == 0 and anchor == key and page != true:
                    self.breach(true, f"the bookmark of section '{title}' points to page {page}; it starts on page "
                                f"{true}", span=e.section.span)
                if level == 1 and anchor.startswith(key + "."):
                    article = int(anchor[len(key) + 2 :].split(".")[0])
                    at = got[index].pages.get(e.article_starts.get(article, -1))
                    if at is not None and at != page:
                        self.breach(page, f"the bookmark of article '{entry_title}' points to page {page}; it is on "
                                    f"page {at}", span=e.section.span)
            painter_page = next((pg.number for pg in lo.pages for pl in pg.placed if pl.section == key), None)
            if painter_page is not None and painter_page != true:
                self.breach(true, f"the bookmark of section '{title}' is drawn on page {painter_page}; it starts on "
                            f"page {true}", span=e.section.span)
            if index in jumps:
                page, jump = jumps[index]
                printed = lo.continuation_pages.get(key, 0)
                if index not in resumed:
                    self.breach(page, f"page {page}: 'Continued on page {printed}', but section '{title}' is not "
                                "continued anywhere", span=e.section.span, box=_box(jump))
                    continue
                at, says, head = resumed[index]
                if printed != at:
                    self.breach(page, f"page {page}: 'Continued on page {printed}', but section '{title}' goes on on "
                                f"page {at}", span=e.section.span, box=_box(jump))
                if says != page:
                    self.breach(at, f"page {at}: 'Continued from page {says}', but section '{title}' jumped from page "
                                f"{page}", span=e.section.span, box=_box(head))
        for index, (at, says, head) in resumed.items():
            if index not in jumps:
                self.breach(at, f"page {at}: 'Continued from page {says}' without a jump line", box=_box(head))


def _continued_head(f: Any) -> tuple[int, str] | None:
    if not isinstance(f, F.GridPad) or getattr(f.inner.style, "name", "") != "continued_head":
        return None
    text = " ".join(" ".join(paragraph_lines(f.inner, f.width)).split())
    m = _CONTINUED_FROM.match(norm(text))
    return (int(m.group(1)), norm(text)[m.end() :]) if m else (0, text)


def _para_text(para: Any) -> str:
    if not _is_paragraph(para):
        return ""
    return " ".join(words(" ".join(paragraph_lines(para, getattr(para, "width", 0) or 1e4))))


class Matcher:
    """Words read from the page fed one by one against the words of the file; a word hyphenated at a line's end
    is joined again (with or without its hyphen, whichever the file has)."""

    def __init__(self, wanted: list[str]) -> None:
        self.wanted = wanted
        self.i = 0
        self.pending: Token | None = None
        self.failed: tuple[Token, int] | None = None
        self.first: Token | None = None
        self.last: Token | None = None
        self.pages: dict[int, int] = {}  # index of a word of the file -> page where it was read

    @property
    def complete(self) -> bool:
        return self.failed is None and self.pending is None and self.i == len(self.wanted)

    def feed(self, token: Token) -> None:
        if self.failed is not None:
            return
        self.first = self.first or token
        self.last = token
        want = self.wanted[self.i] if self.i < len(self.wanted) else None
        if self.pending is not None:
            head, self.pending = self.pending, None
            joined = _joins(head, token, want)
            if want in joined:
                self.pages[self.i] = head.page
                self.i += 1
                return
            if joined:  # a long word broken over more than two lines
                self.pending = Token(joined[0], head.page, head.box, True)
                return
            self._one(head)
            if self.failed is not None:
                return
            want = self.wanted[self.i] if self.i < len(self.wanted) else None
        if token.line_end and token.text != want and want is not None and (
                token.text.endswith("-") or want.startswith(token.text)):
            self.pending = token  # hyphenated, or a word too long for a line broken between its characters
            return
        self._one(token)

    def _one(self, token: Token) -> None:
        if self.i < len(self.wanted) and token.text == self.wanted[self.i]:
            self.pages[self.i] = token.page
            self.i += 1
        else:
            self.failed = (token, self.i)

    def finish(self) -> None:
        if self.pending is not None and self.failed is None:
            head, self.pending = self.pending, None
            self._one(head)


def _joins(head: Token, token: Token, want: str | None) -> list[str]:
    """The ways a word ending a line and the next word read as (the start of) the wanted word: with or without
    a line-end hyphen, and with the next word itself hyphenated again at its own line end."""
    if want is None:
        return []

    def starts(t: str) -> bool:
        return want.startswith(t) or (t.endswith("-") and want.startswith(t[:-1]))

    if head.text.endswith("-"):
        return [t for t in (head.text[:-1] + token.text, head.text + token.text)
                if want == t or (token.line_end and starts(t))]
    t = head.text + token.text
    return [t] if want.startswith(t) or (token.line_end and starts(t)) else []


def _tokens_of(para: Any, width: float) -> list[Token]:
    return para_tokens(para, width, 0, (0, 0, 0, 0))


def same_words(wanted: list[str], tokens: list[Token]) -> bool:
    """Do these tokens read as exactly these words (hyphenated words joined again)?"""
    match = Matcher(wanted)
    for token in tokens:
        match.feed(token)
    match.finish()
    return match.complete


def _text(tokens: list[Token]) -> str:
    return " ".join(t.text for t in tokens)


def _line_count(para: Any) -> int:
    bl = para.__dict__.get("blPara")
    return len(bl.lines) if bl is not None else 0


def masthead_fit(mast: Any, text: str) -> int:
    """How many characters of the name fit in the masthead, its tagline kept."""
    from anso_pdf.layout.inline import paragraph

    name = mast.name
    lo, hi = 1, len(text)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        trial = F.Masthead(paragraph(text[:mid], name.style), mast.tagline, mast.issue, mast.date, mast.logo,
                           mast.palette, mast.page_width, mast.band_h, mast.margin)
        boxes = trial.text_boxes()
        if all(y >= 3.5 - TOL and y + h <= mast.band_h + TOL for role, _, _, y, _, h in boxes if role in ("name", "tagline")):
            lo = mid
        elif mid == 1:
            return 0
        else:
            hi = mid - 1
    mast.text_boxes()  # the real name's paragraphs measured again at their own width
    return lo


def prove(issue: Issue, laid_out: LaidOutIssue) -> list[Breach]:
    """Every breach of the finished pages against the issue file; empty when the pages are true."""
    return Proof(issue, laid_out).run()


class ProofMark(Flowable):
    """--draft: a breach drawn on the page where it is, so the proof reader sees it."""

    def __init__(self, breach: Breach, width: float, height: float) -> None:
        super().__init__()
        self.breach, self.width, self.height = breach, width, height

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        from reportlab.lib.colors import CMYKColor

        c = self.canv
        c.saveState()
        c.setStrokeColor(CMYKColor(0, 1, 1, 0))
        c.setFillColor(CMYKColor(0, 1, 1, 0))
        c.setLineWidth(1.5)
        c.rect(0, 0, self.width, self.height, stroke=1, fill=0)
        c.setFont("AnsoSans-Bold", 6.5)
        c.drawString(2, self.height + 2 if self.height < 20 else self.height - 8, ("PROOF: " + self.breach.message)[:110])
        c.restoreState()


def marked(laid_out: LaidOutIssue, breaches: list[Breach]) -> None:
    """--draft: add a mark for each breach to its page (nothing else changes)."""
    for b in breaches:
        page = laid_out.pages[min(max(b.page, 1), len(laid_out.pages)) - 1]
        x, y, w, h = b.box or (20.0, 20.0, laid_out.page_width - 40, 12.0)
        page.placed.append(Placed(ProofMark(b, w, h), x, y, w, h, "mark"))


# --- the photos as prepared for each PDF ----------------------------------------------------------------------

THUMB = 12  # photos are compared as THUMB x THUMB grey thumbnails
FLAT = 1.5  # a thumbnail whose grey values vary less than this (standard deviation, 0-255) is blank
ALIKE = 0.2  # the least correlation between a photo's crop and what was prepared from it


def _thumb(im: Any, crop: Any) -> list[float]:
    from PIL import Image, ImageOps

    im = ImageOps.exif_transpose(im)
    if im.mode in ("RGBA", "LA", "PA", "P") or "transparency" in im.info:  # flattened on white, as for print
        rgba = im.convert("RGBA")
        im = Image.new("RGB", rgba.size, "white")
        im.paste(rgba, mask=rgba.getchannel("A"))
    grey = im.convert("L")
    w, h = grey.size
    box = (crop.left * w, (1 - crop.top) * h, crop.right * w, (1 - crop.bottom) * h)
    small = grey.resize((THUMB, THUMB), Image.Resampling.BOX, box=box)
    return [float(small.getpixel((x, y))) for y in range(THUMB) for x in range(THUMB)]  # type: ignore[arg-type]


def _spread(values: list[float]) -> float:
    mean = sum(values) / len(values)
    return math.sqrt(sum((v - mean) ** 2 for v in values) / len(values))


def _correlation(a: list[float], b: list[float]) -> float:
    ma, mb = sum(a) / len(a), sum(b) / len(b)
    cov = sum((x - ma) * (y - mb) for x, y in zip(a, b, strict=True))
    return cov / (len(a) * (_spread(a) * _spread(b) or 1.0))


def prove_photos(prepared: dict[str, dict[Any, Any]]) -> list[Breach]:
    """Every photo as it goes into each PDF is the photo named: not blank when its source is not, with the shape of
    its frame, and its picture the source's crop (compared as small grey thumbnails).

    The shape is read from each prepared JPEG's header every time. The comparison of pixels depends on the source
    file's bytes, the prepared JPEG's bytes and the crop alone: a comparison passed is kept in the cache under their
    hashes (taken here, of the file as read here and of the bytes the PDF embeds) and PHOTO_PROOF, and is not made
    again while all of them are the same. A breach is never kept: it is found again on every run. Files are hashed
    and the prepared photos' thumbnails made on a few threads (reading, hashing and Pillow's decoding release the
    GIL); the sources are decoded one at a time, as each can take 100 MB."""
    from concurrent.futures import ThreadPoolExecutor

    from anso_pdf.source.workspace import image_file_digest

    remembered = cache.enabled()
    photos = [(profile, use, got) for profile, uses in prepared.items() for use, got in uses.items()]
    paths = list(dict.fromkeys(use.image.path for _, use, _ in photos))
    with ThreadPoolExecutor(max_workers=max(1, min(4, len(photos)))) as pool:
        digests = dict(zip(paths, pool.map(image_file_digest, paths), strict=True)) if remembered else {}
        prepared_digests = pool.map(lambda photo: hashlib.sha256(photo[2].data).hexdigest() if remembered else "", photos)
        found: list[Breach | None] = []  # per photo, in order: its shape's breach, or None
        compare = []  # the photos whose pixels are compared
        for (profile, use, got), data_digest in zip(photos, prepared_digests, strict=True):
            shape = _shape_breach(profile, use, got)
            found.append(shape)
            if shape is None and not (remembered and cache.read_blob(
                    _VERDICTS, _verdict_name(digests[use.image.path], data_digest, use.crop)) == _PASSED):
                compare.append((len(found) - 1, profile, use, got, data_digest))
        if compare:
            drawn = pool.map(lambda item: _drawn_thumb(item[3].data), compare)  # while the sources are decoded
            sources = _source_thumbs([item[2] for item in compare])
            for (at, profile, use, _, data_digest), thumb in zip(compare, drawn, strict=True):
                source, source_digest = sources[use.image.path, use.crop]
                found[at] = _pixels_breach(profile, use, source, thumb)
                if found[at] is None and remembered:
                    cache.write_blob(_VERDICTS, _verdict_name(source_digest, data_digest, use.crop), _PASSED)
    return [breach for breach in found if breach is not None]


def _shape_breach(profile: str, use: Any, got: Any) -> Breach | None:
    from PIL import Image

    with Image.open(io.BytesIO(got.data)) as im:
        w, h = im.size
    frame, shape = use.width / use.height, w / h
    if abs(shape / frame - 1) > max(0.02, 1.5 / min(w, h)):
        return Breach(0, f"photo '{use.image.written}' in the {profile} PDF is {w} x {h} pixels, not the shape of "
                      f"its frame ({frame:.2f}:1)", span=use.image.span)
    return None


def _drawn_thumb(data: bytes) -> list[float]:
    from PIL import Image

    from anso_pdf.layout.flowables import Crop

    with Image.open(io.BytesIO(data)) as im:
        if im.format == "JPEG":  # decoded at 1/2-1/8 scale: the thumbnail needs no more (4x less work)
            im.draft(im.mode, (THUMB * 8, THUMB * 8))
        return _thumb(im, Crop())


def _source_thumbs(uses: list[Any]) -> dict[tuple[Any, Any], tuple[list[float], str]]:
    """Each source's crop as a thumbnail, with the SHA-256 of the very bytes it was made from, by (path, crop). One
    source at a time: a progressive 18 MP JPEG takes about 100 MB to decode even at reduced scale."""
    from anso_pdf.source.workspace import open_image, open_image_file

    out: dict[tuple[Any, Any], tuple[list[float], str]] = {}
    for use in uses:
        key = path, crop = use.image.path, use.crop
        if key not in out:
            raw = open_image_file(path)
            with open_image(raw) as im:
                if im.format == "JPEG":
                    im.draft("RGB", (THUMB * 8, THUMB * 8))
                out[key] = _thumb(im, crop), hashlib.sha256(raw).hexdigest()
    return out


def _pixels_breach(profile: str, use: Any, source: list[float], drawn: list[float]) -> Breach | None:
    where = f"photo '{use.image.written}' in the {profile} PDF"
    if _spread(source) > 3 * FLAT and _spread(drawn) < FLAT:
        return Breach(0, f"{where} came out blank", span=use.image.span)
    if _spread(source) > 3 * FLAT and _spread(drawn) > FLAT and _correlation(source, drawn) < ALIKE:
        return Breach(0, f"{where} is not the picture of its file", span=use.image.span)
    return None


# The comparison's version: raise it when _thumb or the tests above change what passes (the thresholds and Pillow's
# version, whose decoder makes the thumbnails, are part of every verdict's name as well).
PHOTO_PROOF = 1
_VERDICTS = "proofs"
_PASSED = b"photo proved: the source's crop, not blank"


def _verdict_name(source_digest: str, data_digest: str, crop: Any) -> str:
    """The cache name of the verdict on these source bytes, these prepared bytes (SHA-256 of each) and this crop."""
    import PIL

    crop_values = (crop.left, crop.bottom, crop.right, crop.top)
    return cache.key("photo-proof", PHOTO_PROOF, THUMB, FLAT, ALIKE, PIL.__version__, source_digest, data_digest,
                     crop_values)
