"""Register the shipped TrueType families with ReportLab once, and say which characters no font has."""

from __future__ import annotations

import unicodedata
from functools import cache

from anso_pdf.diagnostics import Diagnostics
from anso_pdf.resources import font_path

SERIF, SANS, CONDENSED, FALLBACK = "AnsoSerif", "AnsoSans", "AnsoSansCondensed", "AnsoFallback"

_FILES = {
    SERIF: ("NotoSerif-Regular", "NotoSerif-Bold", "NotoSerif-Italic", "NotoSerif-BoldItalic"),
    SANS: ("NotoSans-Regular", "NotoSans-Bold", "NotoSans-Italic", "NotoSans-BoldItalic"),
    CONDENSED: ("NotoSans-SemiCondensed", "NotoSans-SemiCondensedBold", "NotoSans-SemiCondensed", "NotoSans-SemiCondensedBold"),
    FALLBACK: ("DroidSansFallbackFull",) * 4,
}


class FontSet:
    """The registered families and what each covers. The CJK fallback (4 MB) is loaded on first need."""

    def __init__(self, coverage: dict[str, frozenset[int]]) -> None:
        self.coverage = coverage

    def covers(self, family: str, char: str) -> bool:
        if family not in self.coverage:
            self.coverage[family] = _register(family)
        return ord(char) in self.coverage[family]


def _register(family: str) -> frozenset[int]:
    """Register a family's four faces with ReportLab and map <b>/<i> to them; return its coverage."""
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    faces = _FILES[family]
    loaded: dict[str, TTFont] = {}
    names = []
    for style, stem in zip(("", "-Bold", "-Italic", "-BoldItalic"), faces, strict=True):
        if stem not in loaded:
            loaded[stem] = TTFont(family + style, str(font_path(stem + ".ttf")))
            pdfmetrics.registerFont(loaded[stem])
        names.append(loaded[stem].fontName)
    for (bold, italic), face in zip(((0, 0), (1, 0), (0, 1), (1, 1)), names, strict=True):
        addMapping(family, bold, italic, face)
    return frozenset(loaded[faces[0]].face.charToGlyph)


@cache
def register_fonts() -> FontSet:
    """Register the text families with ReportLab (once per process) and return their coverage."""
    return FontSet({family: _register(family) for family in (SERIF, SANS, CONDENSED)})


_IGNORED = {"\n", "\u00ad", "\u00a0", " "}


def missing_glyphs(text_spans: tuple, fonts: FontSet, diags: Diagnostics) -> None:
    """issue #2: a character no shipped font has is an error at its place in the file, never an empty box."""
    main = fonts.coverage[SERIF] | fonts.coverage[SANS]
    for text, span in text_spans:
        rare = {c for c in text if ord(c) not in main and c not in _IGNORED}
        missing = sorted(c for c in rare if not fonts.covers(FALLBACK, c))
        if missing:
            names = ", ".join(f"'{c}' (U+{ord(c):04X} {unicodedata.name(c, 'unnamed')})" for c in missing[:4])
            diags.error(span, f"no shipped font has {names}", "remove the character or replace it with plain text")
