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

from dataclasses import dataclass
from typing import Any

import uharfbuzz as hb

SOFT_HYPHEN = "\u00ad"
_NO_FI_LIGATURE = {"tr", "az", "crh", "tt", "ba"}  # languages with a dotless ı beside a dotted i
_CACHE_LIMIT = 50_000


@dataclass(frozen=True, slots=True)
class Glyph:
    """One glyph of a shaped word: its glyph id, the characters it stands for (start:end of the word), its advance
    and its offsets (thousandths of an em)."""

    gid: int
    start: int
    end: int
    advance: float
    dx: float
    dy: float


@dataclass(frozen=True, slots=True)
class Shaped:
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

    def shape(self, word: str, ligatures: bool = True) -> Shaped:
        """The glyphs of one word (no U+0020 in it)."""
        word = str(word)
        key = (word, ligatures)
        got = self.cache.get(key)
        if got is not None:
            return got
        text = word[:-1] + "-" if word.endswith(SOFT_HYPHEN) else word
        buf = hb.Buffer()
        buf.cluster_level = hb.BufferClusterLevel.MONOTONE_CHARACTERS  # a mark is its own cluster, a ligature one
        buf.add_str(str(text))  # ReportLab's word classes are str subclasses; uharfbuzz takes a str only
        buf.guess_segment_properties()
        language = _language["code"]
        if language:
            buf.language = language
        features: dict[str, Any] = {"kern": True, "liga": ligatures}
        if ligatures and language.split("-")[0] in _NO_FI_LIGATURE and "fi" in text.lower():
            features["liga"] = [(0, len(text), True)] + [
                (i, i + 2, False) for i in range(len(text) - 1) if text[i : i + 2].lower() == "fi"]
        hb.shape(self.hb_font, buf, features)
        infos, positions = buf.glyph_infos, buf.glyph_positions
        starts = [info.cluster for info in infos]
        glyphs = []
        s = self.scale
        for i, (info, pos) in enumerate(zip(infos, positions, strict=True)):
            start = info.cluster
            end = next((c for c in starts[i + 1 :] if c != start), len(text))
            glyphs.append(Glyph(info.codepoint, start, end, pos.x_advance * s, pos.x_offset * s, pos.y_offset * s))
        shaped = Shaped(tuple(glyphs), sum(g.advance for g in glyphs))
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
                got = self.space * (len(words) - 1) + sum(self.shape(w).width for w in words if w)
            else:
                got = self.shape(text).width if text else 0.0
            if len(self.widths) > _CACHE_LIMIT:
                self.widths.clear()
            self.widths[text] = got
        return got


_SHAPERS: dict[str, Shaper] = {}


def shaper(ttfont: Any) -> Shaper:
    """The shaper of a registered ReportLab TrueType font (made once per font name)."""
    got = _SHAPERS.get(ttfont.fontName)
    if got is None:
        got = _SHAPERS[ttfont.fontName] = Shaper(ttfont)
    return got


def width(ttfont: Any, text: str | bytes, size: float) -> float:
    """The shaped width of `text` in points at `size`: what is drawn."""
    return shaper(ttfont).text_width(text) * size * 0.001
