"""Turn each section of the Issue into its story: flowables in reading order, each marked as spanning the
columns or flowing in them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from reportlab.pdfbase.pdfmetrics import stringWidth

from anso_pdf.layout import flowables as F
from anso_pdf.layout.inline import paragraph
from anso_pdf.layout.styles import Styles
from anso_pdf.model.issue import Article, Events, Gallery, Image, Section
from anso_pdf.model.text import Run
from anso_pdf.model.values import badge_text, spoken_date


@dataclass(frozen=True)
class Frame:
    """A photo's frame chosen by a fill (layout/fill.py): in its column or across the columns, and the block's
    height in whole grid lines."""

    wide: bool
    lines: int


@dataclass
class Item:
    flowable: Any
    spans: bool  # across all columns of the page's flow area


@dataclass
class SectionStory:
    section: Section
    items: list[Item]
    idents: set[str] = field(default_factory=set)  # everything that must be placed (the nothing-lost check)


class StoryBuilder:
    def __init__(self, styles: Styles, *, gutter: float, gallery_columns: int, year: int | None = None,
                 front: str | None = None, frames: Mapping[str, Frame] | None = None) -> None:
        self.front = front  # the key of the section that opens page 1: its wide photos open their article
        self.frames = frames or {}  # photo ident -> the frame a fill chose for it
        self.year = year  # the issue's year: an event's badge shows its year only when it differs
        self.st = styles
        self.grid = styles.fit.leading
        self.gutter = gutter
        self.gallery_columns = gallery_columns

    def _mark(self, story: SectionStory, flowable: Any, ident: str) -> Any:
        flowable.anso_id = ident
        story.idents.add(ident)
        return flowable

    def section(self, section: Section) -> SectionStory:
        base = self.st
        self.st = base.for_language(section.language)  # a section in its own language is hyphenated in it
        try:
            return self._section(section)
        finally:
            self.st = base

    def _section(self, section: Section) -> SectionStory:
        story = SectionStory(section, [])
        key = section.key
        if section.show_title:
            head = F.SectionHeading(paragraph(section.title, self.st.section_title), self.st.palette, self.grid)
            head.keep_with_next = True
            story.items.append(Item(self._mark(story, head, f"{key}.title"), True))
        self.article(story, section.lead, f"{key}.lead", first=True)
        for i, article in enumerate(section.articles):
            self.article(story, article, f"{key}.a{i + 1}", first=not section.show_title and i == 0 and not story.items)
        if section.events:
            self.events(story, section.events, f"{key}.events")
        if section.gallery:
            self.gallery(story, section.gallery, f"{key}.gallery")
        if section.continues_on is not None:
            _no_quote_last(story.items)
        return story

    def article(self, story: SectionStory, article: Article, ident: str, *, first: bool) -> None:
        st, grid = self.st, self.grid
        items: list[Item] = []
        if article.title:
            head = F.GridPad(paragraph(article.title, st.article_title), grid, before=grid * 0.35, after=grid * 0.3, heads=True)
            head.keep_with_next = True
            head.space_before = grid * self.st.fit.article_gap
            items.append(Item(self._mark(story, head, f"{ident}.title"), False))
        for n, para in enumerate(article.intro):
            intro = F.GridPad(paragraph(para.runs, st.intro), grid, after=grid * 0.4)
            items.append(Item(self._mark(story, intro, f"{ident}.intro{n + 1}"), False))
        body: list[Item] = []
        previous_bullet = True
        for n, para in enumerate(article.body):
            style = st.bullet if para.bullet else (st.body_first if previous_bullet or n == 0 else st.body)
            p = paragraph(para.runs, style, bullet=para.bullet)
            body.append(Item(self._mark(story, p, f"{ident}.p{n + 1}"), False))
            previous_bullet = para.bullet
        inserts: list[tuple[int, Item]] = []
        opening: list[Item] = []  # page 1's wide photos, under the article's title: the text then reads down its columns
        for n, image in enumerate(article.images):
            photo = self.photo(story, image, f"{ident}.img{n + 1}", wide=image.wide)
            if photo.spans and story.section.key == self.front:  # wide as written, or set across by a fill
                opening.append(photo)
            else:
                inserts.append((min(len(body), 1 + 2 * n), photo))
        if article.quote:
            q = article.quote
            by = paragraph("\u2014 " + q.by, st.quote_by) if q.by else None
            quote = F.PullQuote(paragraph(q.text, st.quote), by, st.palette, grid)
            quote.space_before = grid * self.st.fit.article_gap
            inserts.append((max(1, (len(body) + 1) // 2), Item(self._mark(story, quote, f"{ident}.quote"), False)))
        for position, item in sorted(inserts, key=lambda t: t[0], reverse=True):
            body.insert(position, item)
        story.items.extend(items[:1] + opening + items[1:] + body if article.title else opening + items + body)

    def photo(self, story: SectionStory, image: Image, ident: str, *, wide: bool) -> Item:
        caption = self.caption(image)
        frame = self.frames.get(ident)
        photo = F.CaptionedPhoto(image, caption, self.grid, scale=self.st.fit.image_scale, max_ratio=0.5 if wide else 0.9,
                                 lines=frame.lines if frame else 0)
        if frame is not None:
            wide = frame.wide
        photo.space_before = self.grid * self.st.fit.article_gap  # whole grid lines keep the baseline grid
        return Item(self._mark(story, photo, ident), wide)

    def caption(self, image: Image) -> Any:
        runs = []
        if image.caption:
            runs.append(Run(image.caption))
        if image.credit:
            runs.append(Run((" " if runs else "") + "Photo: " + image.credit, italic=True))
        return paragraph(runs, self.st.caption) if runs else None

    def events(self, story: SectionStory, events: Events, ident: str) -> None:
        st, grid = self.st, self.grid
        title = F.GridPad(paragraph(events.title, st.strip_title), grid, before=grid * 0.3, after=grid * 0.4, heads=True)
        title.keep_with_next = True
        story.items.append(Item(self._mark(story, title, f"{ident}.title"), True))
        per_row = 2
        for r in range(0, len(events.items), per_row):
            cells = []
            for n, event in enumerate(events.items[r : r + per_row]):
                place = paragraph(event.place, st.event_place) if event.place else None
                big, small = badge_text(event.date, event.end, event.label, self.year)
                card = F.EventCard(
                    paragraph(big, self._badge_style(big)),
                    paragraph(small, st.badge_label),
                    paragraph(event.title, st.event_title, link=event.url),
                    place,
                    st.palette,
                    spoken_date(event.date, event.end, event.label),
                )
                cells.append(self._mark(story, card, f"{ident}.e{r + n + 1}"))
            while len(cells) < per_row:
                cells.append(F.Block())
            row = F.Row(cells, self.gutter * 2, per_row, grid, after=grid)
            story.items.append(Item(self._mark(story, row, f"{ident}.row{r // per_row + 1}"), True))

    def _badge_style(self, big: str) -> Any:
        """The badge's large line, smaller when a range of days would not fit the badge ("30\u20132")."""
        style = self.st.badge_month
        room = F.EventCard.BADGE_W - 6
        width = stringWidth(big, style.fontName, style.fontSize)
        if width <= room:
            return style
        size = style.fontSize * room / width
        return style.clone(f"{style.name}-{size:.1f}", fontSize=size)

    def gallery(self, story: SectionStory, gallery: Gallery, ident: str) -> None:
        st, grid = self.st, self.grid
        title = F.GridPad(paragraph(gallery.title, st.strip_title), grid, before=grid * 0.6, after=grid * 0.4, heads=True)
        title.keep_with_next = True
        story.items.append(Item(self._mark(story, title, f"{ident}.title"), True))
        per_row = self.gallery_columns
        for r in range(0, len(gallery.photos), per_row):
            cells = []
            for n, image in enumerate(gallery.photos[r : r + per_row]):
                photo = _GalleryPhoto(image, self.caption(image), grid, scale=st.fit.gallery_scale)
                cells.append(self._mark(story, photo, f"{ident}.ph{r + n + 1}"))
            while len(cells) < per_row:
                cells.append(F.Block())
            row = F.Row(cells, self.gutter, per_row, grid, after=grid * 0.5)
            story.items.append(Item(self._mark(story, row, f"{ident}.row{r // per_row + 1}"), True))


class _GalleryPhoto(F.CaptionedPhoto):
    """A gallery cell: every photo in the grid has the same shape (centre-cropped)."""

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        self.photo_h = aw * 0.7 * self.scale
        self.caption_h = self.caption.wrap(aw, ah)[1] if self.caption else 0.0
        self.width = aw
        self.height = self.photo_h + (4 + self.caption_h if self.caption else 0)
        return aw, self.height


def _no_quote_last(items: list[Item]) -> None:
    """A section that may jump does not end on a pull quote: set after its last text, a quote with no room left at
    the foot of the page would go on alone after the jump, and "Continued on page N" would lead to a quote and no
    text (issue #12's generated issues found it). The quote goes before the section's last text block instead,
    unless a heading or a block across the columns comes first."""
    if not items or not isinstance(items[-1].flowable, F.PullQuote):
        return
    for k in range(len(items) - 2, -1, -1):
        block = items[k].flowable
        if items[k].spans or getattr(block, "keep_with_next", False) or isinstance(block, F.PullQuote):
            return
        if not isinstance(block, F.CaptionedPhoto):
            items.insert(k, items.pop())
            return
