"""Every typographic decision in one place: the type scale and paragraph styles, built from the fit."""

from __future__ import annotations

import copy
from dataclasses import dataclass, replace

from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle as _ReportLabStyle

from anso_pdf.layout.fonts import CONDENSED, SANS, SERIF
from anso_pdf.layout.hyphenate import hyphenator_for
from anso_pdf.layout.inks import Palette

# Justified body text: a word space may shrink to two thirds of its width, as in TeX and Typst (issue #16; with
# ReportLab's 5 % the sample's justified lines were looser than Typst's: docs/typography.md)
WORD_SPACE_SHRINK = 1 / 3



class ParagraphStyle(_ReportLabStyle):
    """ReportLab's style, copied shallowly when ReportLab deep-copies it: it does so to change one attribute of
    a paragraph's continuation (no first-line indent) at every split, and a deep copy also copies the parent
    styles and colours, which nothing changes in place (1,000 deep copies, 0.04 s, per layout of the sample)."""

    def __deepcopy__(self, memo: dict[int, object]) -> ParagraphStyle:
        return copy.copy(self)


@dataclass(frozen=True)
class Fit:
    """The adjustable part of the layout; copyfitting walks a ladder of these."""

    body_size: float = 9.4
    leading: float = 13.0  # the baseline grid
    image_scale: float = 1.0  # photo height in columns, relative to the natural height
    gallery_scale: float = 1.0  # gallery row height
    article_gap: int = 1  # whole grid lines above an article heading, a pull quote or a photo in a column

    def describe_change(self, base: Fit, present: set[str] | None = None) -> list[str]:
        """What differs from the house fit, leaving out photos or gallery when the pages have none."""
        present = {"photos", "gallery", "columns"} if present is None else present
        notes = []
        if self.body_size != base.body_size:
            notes.append(f"body set at {self.body_size:g} pt (house size {base.body_size:g} pt)")
        if self.leading != base.leading:
            notes.append(f"line spacing {self.leading:g} pt (house {base.leading:g} pt)")
        if self.image_scale != base.image_scale and "photos" in present:
            notes.append(f"photos in the columns at {self.image_scale:.0%} of their height")
        if self.gallery_scale != base.gallery_scale and "gallery" in present:
            notes.append(f"gallery rows at {self.gallery_scale:.0%} of their height")
        if self.article_gap != base.article_gap and "columns" in present:
            notes.append(f"{self.article_gap} blank lines above headings, quotes and photos in the columns (house {base.article_gap})")
        return notes


BASE_FIT = Fit()

# Tighter first (issue #4: leading and spacing, then photos, then body size down to a floor), then looser.
FIT_LADDER: tuple[Fit, ...] = (
    BASE_FIT,
    replace(BASE_FIT, leading=12.6),
    replace(BASE_FIT, leading=12.2),
    replace(BASE_FIT, leading=12.2, image_scale=0.85, gallery_scale=0.85),
    replace(BASE_FIT, leading=12.0, image_scale=0.7, gallery_scale=0.75),
    Fit(body_size=9.1, leading=11.8, image_scale=0.7, gallery_scale=0.75),
    Fit(body_size=8.8, leading=11.4, image_scale=0.6, gallery_scale=0.7),
)
LOOSE_LADDER: tuple[Fit, ...] = (
    replace(BASE_FIT, leading=13.4, image_scale=1.15, gallery_scale=1.1),
    replace(BASE_FIT, leading=13.6, image_scale=1.3, gallery_scale=1.25),
    replace(BASE_FIT, leading=13.6, image_scale=1.5, gallery_scale=1.45),
)
# Looser fits keep the house body size (type that changes size from page to page looks like a mistake), and
# leading stays under 1.45 x the body size: wider line spacing also makes pdftotext and screen readers read
# across the columns instead of down them (measured: 14.2 pt on 9.4 pt did, 13.8 pt did not).


class Styles:
    """Named paragraph styles of one issue at one fit."""

    def for_language(self, language: str | None) -> Styles:
        """The same styles hyphenated for another language (a section's own `language:`), made once."""
        if not language or language == self.language:
            return self
        got = self._by_language.get(language)
        if got is None:
            got = self._by_language[language] = Styles(self.fit, self.palette, language)
        return got

    def __init__(self, fit: Fit, palette: Palette, language: str) -> None:
        size, lead = fit.body_size, fit.leading
        hyph = hyphenator_for(language)
        ink = palette
        self.fit = fit
        self.palette = palette
        self.language = language
        self._by_language: dict[str, Styles] = {}
        base = ParagraphStyle(
            "base", fontName=SERIF, fontSize=size, leading=lead, textColor=ink.text, alignment=TA_JUSTIFY,
            hyphenationLang=hyph, embeddedHyphenation=0, uriWasteReduce=0, splitLongWords=1,
            allowWidows=0, allowOrphans=0, bulletFontName=SERIF,
        )
        self.body = ParagraphStyle("body", parent=base, firstLineIndent=size * 1.1, spaceShrinkage=WORD_SPACE_SHRINK)
        self.body_first = ParagraphStyle("body_first", parent=base, firstLineIndent=0, spaceShrinkage=WORD_SPACE_SHRINK)
        self.bullet = ParagraphStyle("bullet", parent=base, leftIndent=size * 1.3, bulletIndent=size * 0.2, alignment=TA_LEFT)
        self.intro = ParagraphStyle(
            "intro", parent=base, fontName=SERIF, fontSize=size * 1.22, leading=lead * 1.25, textColor=ink.text,
            alignment=TA_LEFT,
        )
        self.section_title = ParagraphStyle(
            "section_title", fontName=SANS + "-Bold", fontSize=21, leading=24, textColor=ink.primary, alignment=TA_LEFT,
            hyphenationLang="", splitLongWords=1,
        )
        self.article_title = ParagraphStyle(
            "article_title", fontName=CONDENSED + "-Bold", fontSize=12.5, leading=15, textColor=ink.primary, alignment=TA_LEFT,
            splitLongWords=1,
        )
        self.continued = ParagraphStyle(
            "continued", fontName=SANS + "-Italic", fontSize=8, leading=lead, textColor=ink.muted, alignment=TA_RIGHT,
        )
        self.continued_head = ParagraphStyle(
            "continued_head", fontName=CONDENSED + "-Bold", fontSize=11, leading=14, textColor=ink.primary, alignment=TA_LEFT,
        )
        self.caption = ParagraphStyle(
            "caption", fontName=SANS, fontSize=7.4, leading=9.4, textColor=ink.muted, alignment=TA_LEFT, splitLongWords=1,
        )
        self.quote = ParagraphStyle(
            "quote", fontName=SERIF + "-Italic", fontSize=12.5, leading=16.5, textColor=ink.primary, alignment=TA_LEFT,
        )
        self.quote_by = ParagraphStyle(
            "quote_by", fontName=SANS, fontSize=7.6, leading=10, textColor=ink.muted, alignment=TA_LEFT,
        )
        self.box_title = ParagraphStyle(
            "box_title", fontName=SANS + "-Bold", fontSize=10.5, leading=13, textColor=ink.primary, alignment=TA_LEFT,
        )
        self.box_entry = ParagraphStyle(
            "box_entry", fontName=SANS, fontSize=8.6, leading=11, textColor=ink.text, alignment=TA_LEFT,
            leftIndent=8, firstLineIndent=-8,  # a label's turned lines hang under its first word
        )
        self.box_label = ParagraphStyle(
            "box_label", fontName=SANS + "-Bold", fontSize=7, leading=10, textColor=ink.muted, alignment=TA_LEFT,
        )
        self.box_text = ParagraphStyle(
            "box_text", fontName=SANS, fontSize=8.4, leading=10.6, textColor=ink.text, alignment=TA_LEFT, splitLongWords=1,
        )
        self.strip_title = ParagraphStyle(
            "strip_title", fontName=SANS + "-Bold", fontSize=14, leading=18, textColor=ink.primary, alignment=TA_LEFT,
        )
        self.event_title = ParagraphStyle(
            "event_title", fontName=CONDENSED + "-Bold", fontSize=10, leading=12.2, textColor=ink.text, alignment=TA_LEFT,
            splitLongWords=1,
        )
        self.event_place = ParagraphStyle(
            "event_place", fontName=SANS, fontSize=8, leading=10.5, textColor=ink.muted, alignment=TA_LEFT,
        )
        self.badge_month = ParagraphStyle(
            "badge_month", fontName=SANS + "-Bold", fontSize=22, leading=24, textColor=ink.white, alignment=TA_CENTER,
        )
        self.badge_label = ParagraphStyle(
            "badge_label", fontName=CONDENSED + "-Bold", fontSize=8, leading=9, textColor=ink.white, alignment=TA_CENTER,
        )
        self.masthead_name = ParagraphStyle(
            "masthead_name", fontName=SANS + "-Bold", fontSize=34, leading=38, textColor=ink.white, alignment=TA_LEFT,
        )
        self.masthead_tagline = ParagraphStyle(
            "masthead_tagline", fontName=SANS + "-Bold", fontSize=10.5, leading=13, textColor=ink.white, alignment=TA_LEFT,
        )
        self.masthead_issue = ParagraphStyle(
            "masthead_issue", fontName=SANS + "-Bold", fontSize=10, leading=13, textColor=ink.white, alignment=TA_RIGHT,
        )
        self.footer = ParagraphStyle(
            "footer", fontName=SANS, fontSize=7.5, leading=9, textColor=ink.muted, alignment=TA_LEFT,
        )
        self.footer_folio = ParagraphStyle("footer_folio", parent=self.footer, fontName=SANS + "-Bold", alignment=TA_RIGHT)
