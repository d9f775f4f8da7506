"""The typed, validated issue: frozen dataclasses named as in issue-format.md, each keeping its Span."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from anso_pdf.diagnostics import Span
from anso_pdf.model.text import Para
from anso_pdf.model.values import Colour, EventDate


@dataclass(frozen=True, slots=True)
class Image:
    path: Path  # resolved, checked to be a readable image inside the allowed folder
    written: str  # the path as written in the issue file
    caption: str | None
    credit: str | None
    wide: bool
    span: Span
    pixel_size: tuple[int, int]  # after EXIF rotation
    missing: bool = False  # --draft only: the file is missing or broken; a marked placeholder is drawn
    alt: str | None = None  # alternative text for the tagged PDF; "" decorative; None not written (caption used)
    focus: tuple[float, float] | None = None  # what the crop keeps: (across, down) as fractions of the photo


@dataclass(frozen=True, slots=True)
class Quote:
    text: str
    by: str | None
    span: Span


@dataclass(frozen=True, slots=True)
class Article:
    title: str | None
    intro: tuple[Para, ...]
    body: tuple[Para, ...]
    images: tuple[Image, ...]
    quote: Quote | None
    span: Span


@dataclass(frozen=True, slots=True)
class Event:
    date: EventDate
    end: EventDate | None
    label: str
    title: str
    place: str | None
    url: str | None
    span: Span


@dataclass(frozen=True, slots=True)
class Events:
    title: str
    items: tuple[Event, ...]  # in date order
    span: Span


@dataclass(frozen=True, slots=True)
class Gallery:
    title: str
    photos: tuple[Image, ...]
    span: Span


@dataclass(frozen=True, slots=True)
class Section:
    title: str
    contents_title: str
    show_title: bool
    page: int | None
    continues_on: int | None
    lead: Article  # the section's own intro, body, images and quote (title None)
    articles: tuple[Article, ...]
    events: Events | None
    gallery: Gallery | None
    span: Span
    key: str  # a stable anchor name: "s1", "s2", ...
    language: str | None = None  # its own BCP 47 tag, when it differs from the newsletter's


@dataclass(frozen=True, slots=True)
class Newsletter:
    name: str
    tagline: str | None
    issue: str
    date: str
    logo: Image | None
    language: str


@dataclass(frozen=True, slots=True)
class Contents:
    title: str
    show: bool


@dataclass(frozen=True, slots=True)
class Contact:
    title: str
    address: tuple[str, ...]
    phone: str | None
    email: str | None
    website: str | None


@dataclass(frozen=True, slots=True)
class Style:
    page_size: str
    columns: int
    primary: Colour
    accent: Colour
    press: PressChoice | None = None  # style.press as written; render/conditions.py chooses the condition
    page_size_span: Span | None = None  # where page_size is written (or the style, or None)


@dataclass(frozen=True, slots=True)
class PressChoice:
    """style.press: a shipped condition's name, or the printer's ICC profile (resolved), and the ink limit."""

    condition: str | None
    icc: Path | None
    icc_written: str | None
    identifier: str | None
    ink_limit: int | None
    span: Span  # the press key
    icc_span: Span | None = None


@dataclass(frozen=True, slots=True)
class Issue:
    source: Path
    newsletter: Newsletter
    contents: Contents
    contact: Contact | None
    sections: tuple[Section, ...]
    style: Style
    text_spans: tuple[tuple[str, Span], ...] = field(default=())  # every printed text with its place

    @property
    def stem(self) -> str:
        return self.source.stem

    def all_images(self) -> list[Image]:
        out: list[Image] = [self.newsletter.logo] if self.newsletter.logo else []
        for s in self.sections:
            for a in (s.lead, *s.articles):
                out.extend(a.images)
            if s.gallery:
                out.extend(s.gallery.photos)
        return out
