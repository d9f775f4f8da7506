"""The newsletter's building blocks as ReportLab flowables: they measure (wrap/split) and draw, nothing else.

Drawing asks the canvas's `anso` context for what depends on the profile (bleed width, prepared photo
files, final page numbers), so the same laid-out flowables serve both PDFs.
"""

from __future__ import annotations

import math
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from typing import Any

from reportlab.platypus.flowables import Flowable

from anso_pdf.layout.document import PhotoUse, tagged
from anso_pdf.layout.inks import Ink, Palette
from anso_pdf.model.issue import Image


@dataclass(frozen=True)
class Crop:
    """The part of a photo shown, as fractions of its width and height."""

    left: float = 0.0
    bottom: float = 0.0
    right: float = 1.0
    top: float = 1.0


def crop_to(image: Image, width: float, height: float) -> Crop:
    """Crop the photo to the box's aspect ratio around its focus (`focus:`; the centre without one): the focus is
    as near the frame's middle as the photo's edges allow, and always inside it."""
    pw, ph = image.pixel_size
    box, photo = width / height, pw / ph
    if abs(box - photo) < 1e-3:
        return Crop()
    focus = image.focus
    if photo > box:  # photo wider: trim the sides
        keep = box / photo
        if focus is None:
            return Crop((1 - keep) / 2, 0.0, (1 + keep) / 2, 1.0)
        left = min(max(focus[0] - keep / 2, 0.0), 1 - keep)
        return Crop(left, 0.0, left + keep, 1.0)
    keep = photo / box
    if focus is None:
        return Crop(0.0, (1 - keep) / 2, 1.0, (1 + keep) / 2)
    bottom = min(max((1 - focus[1]) - keep / 2, 0.0), 1 - keep)  # crops count from the bottom, focus from the top
    return Crop(0.0, bottom, 1.0, bottom + keep)


def on_grid(height: float, grid: float) -> float:
    return math.ceil(height / grid - 1e-6) * grid


class Block(Flowable):
    """A flowable that knows where it came from (for the nothing-lost check) and its spacing."""

    anso_id: str = ""
    anso_tag: str = ""  # the structure element it is drawn in (layout/structure.py), if it is one
    space_before: float = 0.0
    keep_with_next: bool = False

    def drawOn(self, canvas: Any, x: float, y: float, _sW: float = 0) -> None:  # noqa: N802 (ReportLab's name)
        with tagged(canvas, self.anso_tag):
            super().drawOn(canvas, x, y, _sW)

    def photo_uses(self) -> list[PhotoUse]:
        return []

    def draw(self) -> None:
        """An empty cell (the rest of a row that is not full) draws nothing."""

    def draw_para(self, para: Any, x: float, y_top: float, width: float) -> float:
        """Draw a paragraph with its top at y_top; return its height."""
        _, h = para.wrap(width, 10_000)
        para.drawOn(self.canv, x, y_top - h)
        return h


class GridPad(Block):
    """Another flowable with space above and below, its total height rounded up to the baseline grid. What the
    rounding adds goes below it, or above it for a heading (`heads=True`), which must sit close to the text it
    heads rather than leave a gap under itself."""

    def __init__(self, inner: Any, grid: float, *, before: float = 0.0, after: float = 0.0, heads: bool = False) -> None:
        super().__init__()
        self.inner, self.grid, self.before, self.after, self.heads = inner, grid, before, after, heads

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        w, h = self.inner.wrap(aw, ah)
        self.inner_h = h
        self.width, self.height = aw, on_grid(h + self.before + self.after, self.grid)
        return self.width, self.height

    def draw(self) -> None:
        self.inner.drawOn(self.canv, 0, self.after if self.heads else self.height - self.before - self.inner_h)


class SectionHeading(Block):
    """A section title across the columns, under a short accent bar."""

    def __init__(self, title: Any, palette: Palette, grid: float, kicker: Any | None = None) -> None:
        super().__init__()
        self.title, self.palette, self.grid, self.kicker = title, palette, grid, kicker

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        _, th = self.title.wrap(aw, ah)
        kh = self.kicker.wrap(aw, ah)[1] if self.kicker else 0.0
        self.width = aw
        self.height = on_grid(8 + kh + th + 6, self.grid)
        return aw, self.height

    def draw(self) -> None:
        c = self.canv
        c.setFillColor(self.palette.accent)
        c.rect(0, self.height - 3.2, 38, 3.2, stroke=0, fill=1)
        y = self.height - 8
        if self.kicker:
            y -= self.draw_para(self.kicker, 0, y, self.width)
        self.draw_para(self.title, 0, y, self.width)
        c.setStrokeColor(self.palette.rule)
        c.setLineWidth(0.5)
        c.line(0, 1.5, self.width, 1.5)


KEEP = 0.6  # a photo's frame set by a fill keeps at least this share of the photo's width and of its height (crops at most 40 %)


class CaptionedPhoto(Block):
    """A photo at a given width with its caption below; the photo's height follows its shape, within limits, or
    the block is a given number of whole grid lines tall (`lines`, set when a fill grows the photo: layout/fill.py)."""

    def __init__(self, image: Image, caption: Any | None, grid: float, *, scale: float = 1.0, max_ratio: float = 1.0,
                 lines: int = 0) -> None:
        super().__init__()
        self.image, self.caption, self.grid, self.scale, self.max_ratio = image, caption, grid, scale, max_ratio
        self.lines = lines

    def _under_photo(self, aw: float, ah: float) -> float:
        """The caption's height and the space around it, at width `aw`."""
        ch = self.caption.wrap(aw, ah)[1] if self.caption else 0.0
        self.caption_h = ch
        return (4 + ch if ch else 0) + 2

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        under = self._under_photo(aw, ah)
        if self.lines:
            self.photo_h = self.lines * self.grid - under
        else:
            pw, ph = self.image.pixel_size
            natural = aw * ph / pw
            self.photo_h = max(aw * 0.45, min(natural, aw * self.max_ratio)) * self.scale
        self.width = aw
        self.height = on_grid(self.photo_h + under, self.grid)
        return aw, self.height

    def line_range(self, aw: float, ppi: float = 0.0) -> tuple[int, int]:
        """The whole grid lines the block may take at width `aw` when its photo is cropped to no less than KEEP of
        its width or of its height (its aspect limits) and printed at no less than `ppi` pixels per inch; (lo, hi)
        with hi < lo when no whole line fits."""
        pw, ph = self.image.pixel_size
        natural = aw * ph / pw
        under = self._under_photo(aw, 10_000)
        tallest = natural / KEEP
        if ppi:
            if 72 * pw / aw < ppi:
                return 1, 0  # too few pixels across for this width
            tallest = min(tallest, 72 * ph / ppi)
        lo = math.ceil((natural * KEEP + under) / self.grid - 1e-6)
        hi = math.floor((tallest + under) / self.grid + 1e-6)
        return lo, hi

    def ppi(self) -> float:
        """The pixels per inch the photo is printed at in its frame (cropped to the frame: the smaller of the two)."""
        pw, ph = self.image.pixel_size
        return min(72 * pw / self.width, 72 * ph / self.photo_h)

    def photo_uses(self) -> list[PhotoUse]:
        return [PhotoUse(self.image, self.width, self.photo_h, crop_to(self.image, self.width, self.photo_h))]

    def draw(self) -> None:
        top = self.height
        crop = crop_to(self.image, self.width, self.photo_h)
        self.canv.anso.draw_photo(self.canv, self.image, 0, top - self.photo_h, self.width, self.photo_h, crop)
        if self.caption:
            self.draw_para(self.caption, 0, top - self.photo_h - 4, self.width)


class PullQuote(Block):
    """The pull quote: large accent quotation mark, the words, who said them, between rules."""

    def __init__(self, text: Any, by: Any | None, palette: Palette, grid: float) -> None:
        super().__init__()
        self.text, self.by, self.palette, self.grid = text, by, palette, grid

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        self.width = aw
        th = self.text.wrap(aw - 14, ah)[1]
        bh = self.by.wrap(aw - 14, ah)[1] if self.by else 0
        self.text_h, self.by_h = th, bh
        self.height = on_grid(14 + th + (4 + bh if bh else 0) + 10, self.grid)
        return aw, self.height

    def draw(self) -> None:
        c = self.canv
        c.setStrokeColor(self.palette.accent)
        c.setLineWidth(1.6)
        top = self.height - 3
        c.line(0, top, self.width, top)
        c.setFillColor(self.palette.accent)
        c.setFont("AnsoSerif-Bold", 34)
        c.drawString(0, top - 28, "\u201c")
        y = top - 11
        y -= self.draw_para(self.text, 14, y, self.width - 14)
        if self.by:
            self.draw_para(self.by, 14, y - 4, self.width - 14)
        c.setLineWidth(0.6)
        c.line(0, 4, self.width, 4)


class JumpLine(Block):
    """'Continued on page N': the page is the continuation's final page, known only at drawing time."""

    def __init__(self, key: str, style: Any, grid: float) -> None:
        super().__init__()
        self.key, self.style, self.grid = key, style, grid

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        self.width, self.height = aw, self.grid
        return aw, self.height

    def draw(self) -> None:
        page = self.canv.anso.continuation_page(self.key)
        c = self.canv
        c.setFillColor(self.style.textColor)
        c.setFont(self.style.fontName, self.style.fontSize)
        c.drawRightString(self.width, self.height - self.style.fontSize - 2, f"Continued on page {page}")


class Panel(Block):
    """A tinted box around a stack of paragraphs (the sidebar boxes)."""

    def __init__(self, parts: list[Any], palette: Palette, *, pad: float = 9, ink: Ink | None = None) -> None:
        super().__init__()
        self.parts, self.palette, self.pad = parts, palette, pad
        self.ink = ink or palette.panel
        self.min_height = 0.0  # the tint runs at least this tall (the last sidebar box runs to the foot)

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        inner = aw - 2 * self.pad
        self.heights = [(p.wrap(inner, 10_000)[1], getattr(p, "space_before", 0.0)) for p in self.parts]
        self.width = aw
        self.height = max(sum(h + s for h, s in self.heights) + 2 * self.pad, self.min_height)
        return aw, self.height

    def draw(self) -> None:
        c = self.canv
        c.setFillColor(self.ink)
        c.rect(0, 0, self.width, self.height, stroke=0, fill=1)
        c.setFillColor(self.palette.primary)
        c.rect(0, self.height - 2.5, self.width, 2.5, stroke=0, fill=1)
        y = self.height - self.pad
        for part, (h, space) in zip(self.parts, self.heights, strict=True):
            y -= space
            part.drawOn(c, self.pad, y - h)
            y -= h


class ContentsEntry(Block):
    """One entry of the "This Issue" box: the label (its turned lines hang), a dotted leader, and on the label's
    last line the page where the section really starts (so a text reader, a screen reader and copy and paste read
    label and page together)."""

    NUMBER_ROOM = 26.0  # the label's lines end this far from the box's right edge
    LEADER_GAP = 3.0  # between the leader and the label's end, and the leader and the page

    def __init__(self, label: Any, key: str, style: Any, palette: Palette, *, space_before: float = 0) -> None:
        super().__init__()
        self.label, self.key, self.style, self.palette = label, key, style, palette
        # no space between entries: poppler reads the entries as one block, not each beside the story's lines
        self.space_before = space_before

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        self.width = aw
        self.label_h = self.label.wrap(aw - self.NUMBER_ROOM, ah)[1]
        self.height = self.label_h
        return aw, self.height

    def last_line(self) -> tuple[float, float]:
        """Where the label's last line ends (x) and its baseline (y), in the entry's own space."""
        para, width = self.label, self.width - self.NUMBER_ROOM
        lines = para.blPara.lines
        last = lines[-1]
        extra = last[0] if para.blPara.kind == 0 else last.extraSpace
        leading = self.style.leading
        return width - extra, self.label_h - self.style.fontSize - (len(lines) - 1) * leading

    def draw(self) -> None:
        c = self.canv
        self.label.drawOn(c, 0, 0)
        page = self.canv.anso.section_page(self.key)
        end, baseline = self.last_line()
        number, size = f"p.{page}", self.style.fontSize
        number_x = self.width - c.stringWidth(number, "AnsoSans-Bold", size)
        step = c.stringWidth(". ", "AnsoSans", size)
        dots = int((number_x - self.LEADER_GAP - end - self.LEADER_GAP + step - c.stringWidth(".", "AnsoSans", size))
                   // step)
        if dots > 0:  # one string, so text extraction reads one leader; a guide for the eye: an artifact when tagged
            with artifact(c):
                c.setFillColor(self.palette.rule)
                c.setFont("AnsoSans", size)
                c.drawRightString(number_x - self.LEADER_GAP, baseline, ". " * (dots - 1) + ".")
        c.setFillColor(self.palette.primary)
        c.setFont("AnsoSans-Bold", size)
        c.drawString(number_x, baseline, number)
        c.linkRect(f"Go to {self.label.getPlainText()}, page {page}", self.key, (0, 0, self.width, self.height),
                   relative=1, thickness=0)


def artifact(canvas: Any) -> AbstractContextManager[None]:
    """What is drawn inside is an artifact of a tagged PDF (the canvas's `tags`, render/tags.py); nothing on an
    untagged canvas."""
    tags = getattr(canvas, "tags", None)
    return tags.artifact("Layout") if tags is not None else nullcontext()


class EventCard(Block):
    """An event with its date badge: the day (or days) large, the month under it; a whole month large, its label
    under it (layout/story.py, model/values.py badge_text)."""

    BADGE_W = 46.0

    def __init__(self, month: Any, label: Any, title: Any, place: Any | None, palette: Palette, date_text: str = "") -> None:
        super().__init__()
        self.month, self.label, self.title, self.place, self.palette = month, label, title, place, palette
        self.date_text = date_text  # the whole date, what the badge stands for (a tagged PDF's /ActualText)

    def badge_parts(self) -> list[Any]:
        return [self.month, self.label]

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        text_w = aw - self.BADGE_W - 9
        self.title_h = self.title.wrap(text_w, ah)[1]
        self.place_h = self.place.wrap(text_w, ah)[1] if self.place else 0
        self.label_h = self.label.wrap(self.BADGE_W - 4, ah)[1]
        self.month.wrap(self.BADGE_W, ah)
        self.badge_h = max(50.0, 28 + self.label_h + 6)
        self.width = aw
        self.height = max(self.badge_h, self.title_h + 3 + self.place_h)
        return aw, self.height

    def draw(self) -> None:
        c = self.canv
        c.setFillColor(self.palette.primary)
        c.roundRect(0, self.height - self.badge_h, self.BADGE_W, self.badge_h, 3, stroke=0, fill=1)
        top = self.height
        self.month.drawOn(c, 0, top - 27)
        c.setStrokeColor(self.palette.accent)
        c.setLineWidth(1.2)
        c.line(10, top - 30, self.BADGE_W - 10, top - 30)
        self.label.drawOn(c, 2, top - 33 - self.label_h)
        x = self.BADGE_W + 9
        self.title.drawOn(c, x, top - self.title_h)
        if self.place:
            self.place.drawOn(c, x, top - self.title_h - 3 - self.place_h)


class Row(Block):
    """Cells side by side across the page (event cards, gallery photos); the row is as tall as its tallest cell."""

    def __init__(self, cells: list[Any], gutter: float, columns: int, grid: float, *, after: float = 0.0) -> None:
        super().__init__()
        self.cells, self.gutter, self.columns, self.grid, self.after = cells, gutter, columns, grid, after

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        self.cell_w = (aw - self.gutter * (self.columns - 1)) / self.columns
        self.cell_h = [c.wrap(self.cell_w, ah)[1] for c in self.cells]
        self.width = aw
        self.height = on_grid(max(self.cell_h) + self.after, self.grid)
        return aw, self.height

    def photo_uses(self) -> list[PhotoUse]:
        return [u for cell in self.cells for u in cell.photo_uses()]

    def draw(self) -> None:
        for i, (cell, h) in enumerate(zip(self.cells, self.cell_h, strict=True)):
            cell.drawOn(self.canv, i * (self.cell_w + self.gutter), self.height - h)


class Masthead(Block):
    """The masthead band across the top of page 1, running into the bleed."""

    def __init__(self, name: Any, tagline: Any | None, issue: Any, date: Any, logo: Image | None, palette: Palette,
                 page_width: float, height: float, margin: float) -> None:
        super().__init__()
        self.name, self.tagline, self.issue, self.date, self.logo = name, tagline, issue, date, logo
        self.palette, self.page_width, self.band_h, self.margin = palette, page_width, height, margin

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        self.width, self.height = self.page_width, self.band_h
        return self.width, self.height

    def logo_box(self) -> tuple[float, float]:
        assert self.logo is not None
        size = self.band_h - 2 * self.margin * 0.62
        return size * self.logo.pixel_size[0] / self.logo.pixel_size[1], size

    def photo_uses(self) -> list[PhotoUse]:
        if not self.logo:
            return []
        w, h = self.logo_box()
        return [PhotoUse(self.logo, w, h, Crop())]

    def draw(self) -> None:
        c = self.canv
        bleed = c.anso.bleed
        c.setFillColor(self.palette.primary)
        c.rect(-bleed, 0, self.page_width + 2 * bleed, self.band_h + bleed, stroke=0, fill=1)
        c.setFillColor(self.palette.accent)
        c.rect(-bleed, 0, self.page_width + 2 * bleed, 3.5, stroke=0, fill=1)
        if self.logo:
            # the logo sits on a white tile: its transparent parts are flattened on white (no transparency in print)
            x, y, lw, size = self.logo_at()
            pad = 5.0
            c.setFillColor(self.palette.white)
            c.roundRect(x - pad, y - pad, lw + 2 * pad, size + 2 * pad, 4, stroke=0, fill=1)
            c.anso.draw_photo(c, self.logo, x, y, lw, size, Crop())
        for _, para, x, y, _, _ in self.text_boxes():
            para.drawOn(c, x, y)

    def logo_at(self) -> tuple[float, float, float, float]:
        """The logo's box (x, y, width, height) in the band."""
        lw, size = self.logo_box()
        return self.margin, (self.band_h - size) / 2 + 2, lw, size

    def text_boxes(self) -> list[tuple[str, Any, float, float, float, float]]:
        """Where each text of the band is set: (role, paragraph, x, y, width, height), y its bottom in the band.
        Drawing and the proof (anso_pdf/proof.py) both read it."""
        x = self.margin
        text_w = self.page_width - 2 * self.margin
        if self.logo:
            lw = self.logo_box()[0]
            x += lw + 5.0 + 14
            text_w -= lw + 5.0 + 14
        right_w = 130.0
        boxes = []
        nw, nh = self.name.wrap(text_w - right_w, 200)
        th = self.tagline.wrap(text_w - right_w, 200)[1] if self.tagline else 0
        block = nh + (th + 3 if th else 0)
        y = (self.band_h + block) / 2 + 1
        boxes.append(("name", self.name, x, y - nh, text_w - right_w, nh))
        if self.tagline:
            boxes.append(("tagline", self.tagline, x, y - nh - 3 - th, text_w - right_w, th))
        ih = self.issue.wrap(right_w, 100)[1]
        dh = self.date.wrap(right_w, 100)[1]
        right_x = self.page_width - self.margin - right_w
        base = (self.band_h + ih + dh) / 2
        boxes.append(("issue", self.issue, right_x, base - ih, right_w, ih))
        boxes.append(("date", self.date, right_x, base - ih - dh, right_w, dh))
        return boxes


class Footer(Block):
    """The running footer: a hairline, the newsletter's name and issue, the folio."""

    def __init__(self, left: Any, folio: Any, palette: Palette, width: float) -> None:
        super().__init__()
        self.left, self.folio, self.palette, self.fixed_w = left, folio, palette, width

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        self.width = self.fixed_w
        self.left_h = self.left.wrap(self.width - 60, 50)[1]
        self.folio.wrap(60, 50)
        self.height = self.left_h + 6
        return self.width, self.height

    def draw(self) -> None:
        c = self.canv
        c.setStrokeColor(self.palette.primary)
        c.setLineWidth(0.6)
        c.line(0, self.height, self.width, self.height)
        self.left.drawOn(c, 0, 0)
        self.folio.drawOn(c, self.width - 60, 0)
