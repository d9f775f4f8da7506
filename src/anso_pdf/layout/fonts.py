"""Register the shipped TrueType families with ReportLab once, and say which characters no font has."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
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


@dataclass(frozen=True)
class FontSet:
    """The registered families and what each covers."""

    coverage: dict[str, frozenset[int]]

    def covers(self, family: str, char: str) -> bool:
        return ord(char) in self.coverage[family]


@cache
def register_fonts() -> FontSet:
    """Register every face with ReportLab (once per process) and return their coverage."""
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    coverage: dict[str, frozenset[int]] = {}
    loaded: dict[str, TTFont] = {}
    for family, faces in _FILES.items():
        names = []
        for style, stem in zip(("", "-Bold", "-Italic", "-BoldItalic"), faces, strict=True):
            name = family + style
            if stem not in loaded:
                loaded[stem] = TTFont(name, str(font_path(stem + ".ttf")))
                pdfmetrics.registerFont(loaded[stem])
                registered = name
            else:
                registered = loaded[stem].fontName
            names.append(registered)
        for (bold, italic), face in zip(((0, 0), (1, 0), (0, 1), (1, 1)), names, strict=True):
            addMapping(family, bold, italic, face)
        coverage[family] = frozenset(loaded[faces[0]].face.charToGlyph)
    return FontSet(coverage)


_IGNORED = {"\n", "\u00ad", "\u00a0", " "}


def missing_glyphs(text_spans: tuple, fonts: FontSet, diags: Diagnostics) -> None:
    """issue #2: a character no shipped font has is an error at its place in the file, never an empty box."""
    every = fonts.coverage[SERIF] | fonts.coverage[SANS] | fonts.coverage[FALLBACK]
    for text, span in text_spans:
        missing = sorted({c for c in text if ord(c) not in every and c not in _IGNORED})
        if missing:
            names = ", ".join(f"'{c}' (U+{ord(c):04X} {unicodedata.name(c, 'unnamed')})" for c in missing[:4])
            diags.error(span, f"no shipped font has {names}", "remove the character or replace it with plain text")
