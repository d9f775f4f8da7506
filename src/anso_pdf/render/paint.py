"""Draw a laid-out issue onto a ReportLab canvas for one profile: page boxes, bleed, crop marks, links."""

from __future__ import annotations

import io
import math
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from reportlab import rl_config
from reportlab.lib.colors import CMYKColor, CMYKColorSep, Color
from reportlab.pdfgen.canvas import Canvas

from anso_pdf.layout import shaping
from anso_pdf.layout.document import LaidOutIssue, LaidOutPage, PhotoUse, Placed
from anso_pdf.layout.fonts import SANS
from anso_pdf.model.issue import Image
from anso_pdf.model.values import readable_uri
from anso_pdf.render import pdfx, tounicode
from anso_pdf.render.colours import converter
from anso_pdf.render.images import Prepared
from anso_pdf.render.overprint import OverprintCanvas
from anso_pdf.render.profiles import Profile, condition_of
from anso_pdf.render.tags import LINK_CALLBACK, Tagger, TaggingCanvas

REGISTRATION = CMYKColorSep(1, 1, 1, 1, spotName="All")  # every plate: printer's marks (issue #18)


class NewsletterCanvas(OverprintCanvas, TaggingCanvas):
    """A tagged canvas that draws no link annotations when the profile forbids them (PDF/X), and overprints black
    text and thin black rules when the profile asks (render/overprint.py)."""

    anso: RenderContext

    def linkURL(self, url: str, rect: Any, *args: Any, **kwargs: Any) -> None:  # noqa: N802 (ReportLab's name)
        if self.anso.profile.links:
            kwargs.setdefault("border", (0, 0, 0))
            kwargs.setdefault("thickness", 0)
            self._anso_href, self._anso_contents, self._anso_rect = url, link_description(url), rect
            super().linkURL(url, rect, *args, **kwargs)
            self._underline(rect)

    def _underline(self, rect: Any) -> None:
        """Links look like links: underlined (the cue besides colour), at ReportLab's underline position. A link
        rectangle in a paragraph runs from 0.2 em below the baseline to 1 em above it."""
        x1, y1, x2, y2 = rect
        size = (y2 - y1) / 1.2
        y = y1 + 0.2 * size - 0.125 * size
        self.saveState()
        self.setStrokeColor(self.anso.laid_out.link_ink or self._fillColorObj)
        self.setLineWidth(max(0.4, size / 18))
        self.line(x1, y, x2, y)
        self.restoreState()

    def linkRect(self, contents: str, *args: Any, **kwargs: Any) -> None:  # noqa: N802
        if self.anso.profile.links:
            self._anso_href, self._anso_contents, self._anso_rect = None, contents, None
            super().linkRect(contents, *args, **kwargs)


def link_description(url: str) -> str:
    """A link annotation's /Contents: where it goes, in words, with the address as the reader wrote it (not in
    the percent-encoded, IDNA form the /URI must hold)."""
    url = readable_uri(url)
    if url.startswith("mailto:"):
        return "E-mail " + url[len("mailto:"):].split("?")[0]
    return "Link to " + url


@dataclass
class RenderContext:
    """What drawing code may ask of the profile and the finished layout."""

    profile: Profile
    laid_out: LaidOutIssue
    photos: Mapping[PhotoUse, Prepared]  # looked up as each photo is drawn (render/images.py Preparation.ready)
    placeholders: set[str] = field(default_factory=set)  # --draft: photos that could not be prepared

    @property
    def bleed(self) -> float:
        return self.profile.bleed

    def section_page(self, key: str) -> int:
        return self.laid_out.section_pages.get(key, 0)

    def continuation_page(self, key: str) -> int:
        return self.laid_out.continuation_pages.get(key, 0)

    def draw_photo(self, canvas: Canvas, image: Image, x: float, y: float, w: float, h: float, crop: Any) -> None:
        prepared = self.photos.get(PhotoUse(image, w, h, crop))
        with canvas.tags.figure(image) if getattr(canvas, "tags", None) else _untagged():
            if prepared is None:
                _placeholder(canvas, image, x, y, w, h)
                return
            canvas.drawImage(_InMemoryJpeg(prepared.name, prepared.data), x, y, w, h)


class _InMemoryJpeg(str):
    """A prepared photo as ReportLab's drawImage takes it: the string is its name (the cache key + ".jpg", so the
    image XObject is named the same wherever the cache is, or with --no-cache), and ReportLab reads the JPEG's
    bytes from it as from an open file (utils.open_for_read passes anything with `read` through). Nothing is
    read from the cache folder while drawing (issue #17)."""

    def __new__(cls, name: str, data: bytes) -> _InMemoryJpeg:
        made = super().__new__(cls, name)
        made._stream = io.BytesIO(data)
        return made

    _stream: io.BytesIO

    def read(self, size: int = -1) -> bytes:
        return self._stream.read(size)

    def seek(self, offset: int, whence: int = 0) -> int:
        return self._stream.seek(offset, whence)

    def tell(self) -> int:
        return self._stream.tell()

    def close(self) -> None:
        self._stream.seek(0)  # ReportLab closes what it opened; the bytes stay for another draw


def _placeholder(canvas: Canvas, image: Image, x: float, y: float, w: float, h: float) -> None:
    grey = CMYKColor(0, 0, 0, 0.25)
    canvas.setFillColor(CMYKColor(0, 0, 0, 0.06))
    canvas.setStrokeColor(grey)
    canvas.rect(x, y, w, h, stroke=1, fill=1)
    canvas.line(x, y, x + w, y + h)
    canvas.line(x, y + h, x + w, y)
    canvas.setFillColor(CMYKColor(0, 0, 0, 0.8))
    canvas.setFont(SANS, 7)
    canvas.drawCentredString(x + w / 2, y + h / 2 - 2, f"MISSING PHOTO: {image.written}"[:60])


def painter(laid_out: LaidOutIssue, profile: Profile, photos: Mapping[PhotoUse, Prepared], *,
            meta: dict[str, str], draft: bool = False) -> Iterator[bytes | None]:
    """Draw the PDF a page at a time: None after each page, then the PDF bytes. Drawing both profiles page by page
    in turn, a page waits only for its own photos while the later ones are still being prepared."""
    rl_config.useA85 = 0
    tounicode.install()
    shaping.use_language(meta.get("lang", ""))  # as the layout measured (layout/shaping.py)
    offset = profile.bleed + profile.slug
    W, H = laid_out.page_width, laid_out.page_height
    buf = io.BytesIO()
    canvas = NewsletterCanvas(
        buf, pagesize=(W + 2 * offset, H + 2 * offset), invariant=1, pageCompression=1,
        enforceColorSpace=converter(profile), initialFontName=SANS, lang=meta.get("lang"), pdfVersion=profile.pdf_version,
        trimBox=(offset, offset, offset + W, offset + H) if offset else None,
        bleedBox=(offset - profile.bleed, offset - profile.bleed, offset + W + profile.bleed, offset + H + profile.bleed)
        if offset else None,
    )
    canvas.anso = RenderContext(profile, laid_out, photos)
    canvas.anso_overprint = profile.overprint_black
    canvas.anso_safe_icc = condition_of(profile).icc if profile.small_text_inks else None
    canvas.tags = tags = Tagger(laid_out.structure, link_style=laid_out.link_ink if profile.links else None)
    tags.start_page(canvas._doc.thisPageName())
    canvas.setNamedCB(LINK_CALLBACK, tags.link_marker)
    canvas.setTitle(meta["title"])
    canvas.setAuthor(meta["author"])
    canvas.setSubject(meta["subject"])
    canvas.setKeywords(meta["keywords"])
    canvas.setCreator("anso-pdf")
    canvas.setProducer("anso-pdf (ReportLab)")
    canvas.setViewerPreference("DisplayDocTitle", "true")
    if profile.pdfx:
        pdfx.write_keys(canvas, meta, condition_of(profile))
    pdfx.write_metadata(canvas, meta, pdfx=profile.pdfx)
    outlined: set[str] = set()
    keys_before: set[str] = set()  # the element keys of the text on the page before
    for page in laid_out.pages:
        canvas.saveState()
        canvas.translate(offset, offset)
        for placed in drawing_order(page, keys_before):
            _bookmark(canvas, laid_out, placed, outlined)
            placed.flowable.wrap(placed.width, placed.height)
            # footers, jump lines and "Continued from" heads are page furniture, not content
            with tags.artifact("Pagination") if _pagination(placed) else _untagged():
                placed.flowable.drawOn(canvas, placed.x, placed.y)
        canvas.restoreState()
        keys_before = {key for p in page.placed if (key := getattr(p.flowable, "anso_tag", None))}
        with tags.artifact("Pagination"):
            if profile.crop_marks:
                draw_crop_marks(canvas, W, H, profile)
            if draft:
                _draft_mark(canvas, W, H, offset)
        canvas.showPage()
        yield None
    if outlined:
        canvas.showOutline()
    tags.finish(canvas)
    canvas.save()
    yield buf.getvalue()


def drawing_order(page: LaidOutPage, keys_before: set[str]) -> list[Placed]:
    """The page's blocks in the order they are drawn: as placed, but the running footer after a paragraph that goes
    on from the page before (its element key is there), so that text read in the order it was drawn (pdftotext
    -raw, a reader without tags) reads the paragraph whole, not with the footer inside it."""
    footers = [p for p in page.placed if _is_footer(p)]
    rest = [p for p in page.placed if not any(p is f for f in footers)]
    first = next((i for i, p in enumerate(rest) if p.kind == "flow"), None)
    if not footers or first is None or getattr(rest[first].flowable, "anso_tag", None) not in keys_before:
        return page.placed
    return [*rest[: first + 1], *footers, *rest[first + 1:]]


def _is_footer(placed: Placed) -> bool:
    return placed.kind == "fixed" and placed.ident.startswith("footer")


def _pagination(placed: Any) -> bool:
    return _is_footer(placed) if placed.kind == "fixed" else not placed.ident


@contextmanager
def _untagged() -> Iterator[None]:
    yield


def _bookmark(canvas: Canvas, laid_out: LaidOutIssue, placed: Any, outlined: set[str]) -> None:
    for title, anchor, level, _ in laid_out.outline:
        if anchor in outlined:
            continue
        starts_section = level == 0 and placed.section == anchor
        starts_article = level == 1 and placed.ident == anchor
        if starts_section or starts_article:
            canvas.bookmarkHorizontal(anchor, placed.x, placed.y + placed.height)
            canvas.addOutlineEntry(title, anchor, level=level)
            outlined.add(anchor)


def draw_crop_marks(canvas: Canvas, W: float, H: float, profile: Profile) -> None:
    """Trim marks in registration colour, 0.25 pt, starting outside the bleed so none reaches it."""
    o = profile.bleed + profile.slug
    start = profile.bleed + 1.0  # a little beyond the bleed edge
    length = profile.slug - 2.0
    canvas.saveState()
    canvas.setStrokeColor(REGISTRATION)
    canvas.setLineWidth(0.25)
    for x in (o, o + W):
        canvas.line(x, o - start, x, o - start - length)
        canvas.line(x, o + H + start, x, o + H + start + length)
    for y in (o, o + H):
        canvas.line(o - start, y, o - start - length, y)
        canvas.line(o + W + start, y, o + W + start + length, y)
    canvas.restoreState()


def _draft_mark(canvas: Canvas, W: float, H: float, offset: float) -> None:
    """--draft (issue #14): DRAFT in large outlined letters along the page's diagonal, inside the trim of every
    page of both PDFs, and a small line at its foot; outlined (not filled, no transparency), so the page stays
    readable under it."""
    canvas.saveState()
    ink = CMYKColor(0, 1, 1, 0) if canvas.anso.profile.cmyk else Color(0.8, 0, 0)
    canvas.setStrokeColor(ink)
    canvas.setFillColor(ink)
    face, size = SANS + "-Bold", min(W, H) * 0.22
    canvas.setFont(SANS + "-Bold", 7)
    canvas.drawString(offset + 6, offset + 4, "DRAFT - NOT FOR PRINT")
    canvas.translate(offset + W / 2, offset + H / 2)
    canvas.rotate(math.degrees(math.atan2(H, W)))
    canvas.setLineWidth(max(1.0, size / 90))
    text = canvas.beginText()
    text.setTextRenderMode(1)  # stroke the outlines only
    text.setFont(face, size)
    text.setTextOrigin(-canvas.stringWidth("DRAFT", face, size) / 2, -size * 0.36)
    text.textOut("DRAFT")
    canvas.drawText(text)
    canvas.restoreState()
