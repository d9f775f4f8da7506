"""Register the shipped TrueType families with ReportLab once, and say which characters no font has."""

from __future__ import annotations

import unicodedata
from functools import cache
from pathlib import Path

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from anso_pdf.diagnostics import Diagnostics
from anso_pdf.layout import fontfile, shaping
from anso_pdf.resources import font_path

SERIF, SANS, CONDENSED, FALLBACK = "AnsoSerif", "AnsoSans", "AnsoSansCondensed", "AnsoFallback"

_FILES = {
    SERIF: ("NotoSerif-Regular", "NotoSerif-Bold", "NotoSerif-Italic", "NotoSerif-BoldItalic"),
    SANS: ("NotoSans-Regular", "NotoSans-Bold", "NotoSans-Italic", "NotoSans-BoldItalic"),
    CONDENSED: ("NotoSans-SemiCondensed", "NotoSans-SemiCondensedBold", "NotoSans-SemiCondensed", "NotoSans-SemiCondensedBold"),
    FALLBACK: ("DroidSansFallbackFull",) * 4,
}


# Every face of a family maps the same characters (tests/test_caches.py checks the shipped files), so one face,
# the one most issues use anyway, says what the family covers.
_COVERAGE = {SERIF: "", SANS: "", CONDENSED: "-Bold", FALLBACK: ""}


class FontSet:
    """The registered families and what each covers. The CJK fallback (4 MB) is loaded on first need."""

    def __init__(self, coverage: dict[str, frozenset[int]]) -> None:
        self.coverage = coverage

    def covers(self, family: str, char: str) -> bool:
        if family not in self.coverage:
            self.coverage[family] = _register(family)
        return ord(char) in self.coverage[family]


def _register(family: str) -> frozenset[int]:
    """Register a family's four faces with ReportLab and map <b>/<i> to them; return its coverage. A face is read
    the first time ReportLab uses it (bold italic, say, often never is)."""
    faces = _FILES[family]
    registered: dict[str, str] = {}
    names = []
    for style, stem in zip(("", "-Bold", "-Italic", "-BoldItalic"), faces, strict=True):
        if stem not in registered:
            registered[stem] = family + style
            # what pdfmetrics.registerFont does for a TrueType font, less reading it to record its face name
            # (which only guards against registering one face twice; _LazyFont records it once read)
            pdfmetrics._fonts[family + style] = _LazyFont(family + style, font_path(stem + ".ttf"))
            pdfmetrics.registerFontFamily(family + style)
        names.append(registered[stem])
    for (bold, italic), face in zip(((0, 0), (1, 0), (0, 1), (1, 1)), names, strict=True):
        addMapping(family, bold, italic, face)
    return frozenset(pdfmetrics.getFont(family + _COVERAGE[family]).face.charToGlyph)


class _LazyFont(TTFont):
    """A TrueType font that ReportLab knows by name and that is read from its file the first time anything about it
    is asked; from then on it is the TTFont `_font` makes, attribute for attribute."""

    anso_shaped = True  # measured (below) and drawn (render/glyphs.py) as HarfBuzz shapes it

    def __init__(self, name: str, path: Path) -> None:  # no TTFont.__init__: that reads the file
        self.__dict__.update(fontName=name, _path=path)

    def __getattr__(self, attr: str):  # type: ignore[no-untyped-def]
        if attr.startswith("__") or "face" in self.__dict__:
            raise AttributeError(attr)
        read = _font(self.fontName, self._path)
        self.__dict__.update(read.__dict__)
        pdfmetrics._dynFaceNames.setdefault(read.face.name, self)
        return getattr(self, attr)

    def stringWidth(self, text: str, size: float, encoding: str = "utf8") -> float:  # noqa: N802 (ReportLab's name)
        """The width of the text as shaped and drawn (layout/shaping.py, render/glyphs.py), not the sum of the
        characters' advances: every measurement ReportLab makes of a shipped face goes through here."""
        return shaping.width(self, text, size)


def shipped() -> list[tuple[str, int, int]]:
    """Every shipped font file with its size and time: what a remembered layout was measured with (layout/memo.py),
    known without reading a file."""
    folder = font_path("NotoSerif-Regular.ttf").parent
    return sorted((p.name, (st := p.stat()).st_size, st.st_mtime_ns) for p in folder.glob("*.ttf"))


def _font(name: str, path: Path) -> TTFont:
    """A ReportLab TTFont read from its file: the TTFont ReportLab's parser makes, read in bulk (layout/fontfile.py:
    about 2 ms a face instead of 4-6). Parsed tables are not cached: building ReportLab's dictionaries is most of
    the cost either way, and a pickled copy could run code (issue #17)."""
    return fontfile.read_font(name, str(path))


@cache
def register_fonts() -> FontSet:
    """Register the text families with ReportLab (once per process) and return their coverage."""
    return FontSet({family: _register(family) for family in (SERIF, SANS, CONDENSED)})


_IGNORED = {"\n", "\u00ad", "\u00a0", " "}


def decomposed(char: str, family: str, fonts: FontSet) -> str:
    """A composed character no shipped font has, as its canonical decomposition when the family has every part
    of that (the issue file's text is NFC-normalised, so '>' typed with a combining U+0338 arrives as '≯',
    which no font has); HarfBuzz then places the mark. Any other character as it is. The fallback font is asked
    last, only about a character that decomposes: reading its coverage parses a 4 MB file (a line break in a
    paragraph, which every family lacks, used to load it on every run)."""
    if fonts.covers(family, char):
        return char
    parts = unicodedata.normalize("NFD", char)
    if len(parts) == 1 or fonts.covers(FALLBACK, char):
        return char
    return parts if all(fonts.covers(family, p) for p in parts) else char


def missing_glyphs(text_spans: tuple, fonts: FontSet, diags: Diagnostics) -> None:
    """issue #2: a character no shipped font has is an error at its place in the file, never an empty box."""
    main = fonts.coverage[SERIF] | fonts.coverage[SANS]
    for text, span in text_spans:
        rare = {c for c in text if ord(c) not in main and c not in _IGNORED}
        missing = sorted(c for c in rare if not fonts.covers(FALLBACK, c)
                         and not all(decomposed(c, family, fonts) != c for family in (SERIF, SANS)))
        if missing:
            names = ", ".join(f"'{c}' (U+{ord(c):04X} {unicodedata.name(c, 'unnamed')})" for c in missing[:4])
            diags.error(span, f"no shipped font has {names}", "remove the character or replace it with plain text")
