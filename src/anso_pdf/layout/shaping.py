"""Shaped text (issue #16): HarfBuzz's glyphs, advances and offsets for each word, measured and cached per face.

Every text the layout sets is shaped, one word at a time (a word is what lies between two U+0020 spaces; spaces
are not shaped, they keep their own advance and are what justification stretches). The same rule measures and
draws: `width` is what ReportLab's breaker, our total-fit breaker (layout/linebreak.py) and the canvas' centring
use (layout/fonts.py routes a shipped face's `stringWidth` here), and render/glyphs.py draws the same glyphs with
the same advances. So a justified line ends on the column edge and a ragged one never passes it.

Features: HarfBuzz's defaults (ccmp, locl, mark, mkmk, calt, clig, rlig, kern, liga) and nothing else: no
discretionary ligatures. Ligatures are shaped only inside a word as it stands on its line: a word broken at a
hyphenation point is shaped as two words, so no ligature crosses that point. In Turkish and Azerbaijani (where i
and dotless ı are two letters) no ligature is formed from an f and an i. Letter-spaced text is shaped without
ligatures (`ligatures=False`).

A word ending in a soft hyphen (U+00AD: render/tags.py draws a line-end hyphen as one, so that the word joins when
copied) is shaped as if it ended in a hyphen, which is what the fonts draw for it.

Widths are in thousandths of an em, as ReportLab's font metrics are; `width` scales them to the size.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import uharfbuzz as hb

SOFT_HYPHEN = "\u00ad"
_NO_FI_LIGATURE = {"tr", "az", "crh", "tt", "ba"}  # languages with a dotless ı beside a dotted i
_CACHE_LIMIT = 50_000


class Glyph(NamedTuple):
    """One glyph of a shaped word: its glyph id, the characters it stands for (start:end of the word), its advance
    and its offsets (thousandths of an em)."""

    gid: int
    start: int
    end: int
    advance: float
    dx: float
    dy: float


class Shaped(NamedTuple):
    glyphs: tuple[Glyph, ...]
    width: float  # the sum of the advances


_language: dict[str, str] = {"code": ""}


def use_language(code: str) -> None:
    """Shape for this language (the issue's `newsletter.language`), which selects the fonts' language rules."""
    code = (code or "").replace("_", "-").lower()
    if code != _language["code"]:
        _language["code"] = code
        for shaper in _SHAPERS.values():
            shaper.cache.clear()
            shaper.widths.clear()
            shaper.words.clear()


def language() -> str:
    """The language shaping is for now."""
    return _language["code"]


def settings() -> tuple[str, ...]:
    """What shaping depends on besides the fonts and this code: kept line breaks are kept for these."""
    return (hb.__version__, _language["code"])


class Shaper:
    """HarfBuzz for one ReportLab TrueType font, with its shaped words."""

    def __init__(self, ttfont: Any) -> None:
        face = ttfont.face
        self.hb_font = hb.Font(hb.Face(hb.Blob(face._ttf_data)))
        self.scale = 1000.0 / self.hb_font.face.upem
        self.space = float(face.charWidths.get(32, face.defaultWidth))
        self.cache: dict[tuple[str, bool], Shaped] = {}
        self.widths: dict[str, float] = {}
        self.words: dict[str, float] = {}

    def _shaped(self, text: str, ligatures: bool, clusters: bool = False) -> hb.Buffer:
        buf = hb.Buffer()
        if clusters:  # a mark its own cluster, so it maps to its own character (the advances are the same)
            buf.cluster_level = hb.BufferClusterLevel.MONOTONE_CHARACTERS
        buf.add_str(text[:-1] + "-" if text.endswith(SOFT_HYPHEN) else text)
        buf.guess_segment_properties()
        language = _language["code"]
        if language:
            buf.language = language
        features: dict[str, Any] = {"kern": True, "liga": ligatures}
        if ligatures and language.split("-")[0] in _NO_FI_LIGATURE and "fi" in text.lower():
            features["liga"] = [(0, len(text), True)] + [
                (i, i + 2, False) for i in range(len(text) - 1) if text[i : i + 2].lower() == "fi"]
        hb.shape(self.hb_font, buf, features)
        return buf

    def word_width(self, word: str) -> float:
        """The advance of one word (no U+0020 in it), thousandths of an em: what the layout measures."""
        got = self.words.get(word)
        if got is None:
            got = sum(p.x_advance for p in self._shaped(str(word), True).glyph_positions) * self.scale
            if len(self.words) > _CACHE_LIMIT:
                self.words.clear()
            self.words[word] = got
        return got

    def shape(self, word: str, ligatures: bool = True) -> Shaped:
        """The glyphs of one word (no U+0020 in it): what is drawn. A glyph stands for the characters from its
        cluster to the next cluster (a ligature's cluster holds its letters; a mark is a cluster of its own)."""
        word = str(word)  # ReportLab's word classes are str subclasses; uharfbuzz takes a str only
        key = (word, ligatures)
        got = self.cache.get(key)
        if got is not None:
            return got
        buf = self._shaped(word, ligatures, clusters=True)
        sc = self.scale
        raw = [(info.codepoint, info.cluster, pos.x_advance * sc, pos.x_offset * sc, pos.y_offset * sc)
               for info, pos in zip(buf.glyph_infos, buf.glyph_positions, strict=True)]
        glyphs: list[Glyph] = []
        current, end = -1, len(word)
        for gid, start, advance, dx, dy in reversed(raw):  # a glyph's characters end where the next cluster starts
            if start != current:
                end, current = (current if current >= 0 else len(word)), start
            glyphs.append(Glyph(gid, start, max(end, start + 1), advance, dx, dy))
        glyphs.reverse()
        shaped = Shaped(tuple(glyphs), sum(g[3] for g in glyphs))
        if len(self.cache) > _CACHE_LIMIT:
            self.cache.clear()
        self.cache[key] = shaped
        return shaped

    def text_width(self, text: str | bytes) -> float:
        """The width of a text of words and spaces, in thousandths of an em."""
        if isinstance(text, bytes):
            text = text.decode("utf8")
        got = self.widths.get(text)
        if got is None:
            if " " in text:
                words = text.split(" ")
                got = self.space * (len(words) - 1) + sum(self.word_width(w) for w in words if w)
            else:
                got = self.word_width(text) if text else 0.0
            if len(self.widths) > _CACHE_LIMIT:
                self.widths.clear()
            self.widths[text] = got
        return got


# Hanging punctuation (optical margin alignment) in justified body text: the share of its advance by which a
# character at a line's start (LEFT) or end (RIGHT) protrudes into the margin, so the column edge looks straight.
# Hyphens, commas and full stops by 70 %, quotation marks by 50 % (the shares of pdfTeX's microtype defaults).
LEFT = {"\u201c": 0.5, "\u2018": 0.5, "\u201e": 0.5, "\u00ab": 0.5, "\u2039": 0.5, '"': 0.5, "'": 0.5}
RIGHT = {"-": 0.7, SOFT_HYPHEN: 0.7, "\u2011": 0.7, ",": 0.7, ".": 0.7, "\u201d": 0.5, "\u2019": 0.5,
         "\u00bb": 0.5, "\u203a": 0.5, '"': 0.5, "'": 0.5}


def hanging() -> tuple[tuple[tuple[str, float], ...], ...]:
    """The protrusion tables, for the keys of kept line breaks."""
    return tuple(sorted(LEFT.items())), tuple(sorted(RIGHT.items()))


_SHAPERS: dict[str, Shaper] = {}


def shaper(ttfont: Any) -> Shaper:
    """The shaper of a registered ReportLab TrueType font (made once per font name)."""
    got = _SHAPERS.get(ttfont.fontName)
    if got is None:
        got = _SHAPERS[ttfont.fontName] = Shaper(ttfont)
    return got


def protrusion(ttfont: Any, char: str, table: dict[str, float]) -> float:
    """How far `char` at a line's edge hangs into the margin (thousandths of an em): its share in `table` of its
    advance; 0 for a character not in the table."""
    share = table.get(char)
    return share * shaper(ttfont).word_width(char) if share else 0.0


def width(ttfont: Any, text: str | bytes, size: float) -> float:
    """The shaped width of `text` in points at `size`: what is drawn."""
    return shaper(ttfont).text_width(text) * size * 0.001
