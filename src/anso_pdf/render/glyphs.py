"""Draw shaped text (issue #16): the glyphs HarfBuzz chose (layout/shaping.py), at its advances and offsets.

`ShapedText` is the canvas' text object (render/tags.py's `LineText` builds on it): whatever ReportLab sets in a
shipped face, a paragraph line, a heading or a `drawString`, is written word by word as `TJ` arrays on ReportLab's
own subset encoding:

- a glyph that is the font's own glyph for its one character is written as that character's code, as before;
- a kerned pair is the same codes with a number between them in the `TJ` array (the difference between the
  glyph's width in the font's /Widths and HarfBuzz's advance);
- a glyph that stands for several characters (a ligature, a base letter and its accent composed) or for none in
  the cmap (a contextual form) gets a code of its own in the subset: a private-use code point from plane 15 is
  added to the face's character map, as ReportLab's own shaping does with plane 0, and the subset's ToUnicode map
  gives the characters it stands for (render/tounicode.py asks `private_text`), so it copies out as written;
- a mark HarfBuzz moves (x offset) is placed by `TJ` numbers around it, and one it raises or lowers (y offset) by
  the text rise (`Ts`) around it.
Word spaces stay byte 32 in every subset, so ReportLab's justification by word spacing (`Tw`) still applies.

This relies on ReportLab internals (reportlab is pinned to 5.1.0): `PDFTextObject._formatText`, `_curSubset`,
`_fontname`, `_fontsize`, `_leading`, `_rise`, `_charSpace`, `TTFont.splitString`, `getSubsetInternalName`, the
face's `charToGlyph` and `charWidths`, `Canvas._escape`. tests/test_shaping.py reads the result back from PDFs
(kerning numbers, ligature codes, extracted text, each line's drawn width against HarfBuzz's).
"""

from __future__ import annotations

from typing import Any

from reportlab.lib.rl_accel import fp_str
from reportlab.pdfbase.pdfmetrics import getFont
from reportlab.pdfgen.textobject import PDFTextObject

from anso_pdf.layout import shaping

PRIVATE = 0xF0000  # plane 15, which no shipped font maps and user text does not reach (layout/fonts.py covers)
_private: dict[bytes, dict[int, str]] = {}  # face name -> code -> the text it stands for
_codes: dict[bytes, dict[tuple[int, str], int]] = {}  # face name -> (glyph, text) -> code


def private_text(face_name: bytes, code: int) -> str | None:
    """What a private code added for a glyph stands for (None: not one of ours)."""
    return _private.get(face_name, {}).get(code)


def _private_code(font: Any, gid: int, text: str, shaper: shaping.Shaper) -> str:
    face = font.face
    codes = _codes.setdefault(face.name, {})
    code = codes.get((gid, text))
    if code is None:
        code = PRIVATE + len(codes)
        codes[gid, text] = code
        _private.setdefault(face.name, {})[code] = text
        face.charToGlyph[code] = gid
        face.charWidths[code] = shaper.hb_font.get_glyph_h_advance(gid) * shaper.scale
    return chr(code)


def _code(font: Any, shaper: shaping.Shaper, glyph: shaping.Glyph, word: str, first: bool) -> str:
    """The character written for a glyph of `word`."""
    to_glyph = font.face.charToGlyph
    text = word[glyph.start : glyph.end]
    if first and len(text) == 1:
        if to_glyph.get(ord(text)) == glyph.gid:
            return text
        if text == "\u00a0" and to_glyph.get(32) == glyph.gid:
            return text
        if text == shaping.SOFT_HYPHEN and to_glyph.get(ord("-")) == glyph.gid and 0xAD in to_glyph:
            return text  # drawn by the fonts as the hyphen; copies out as a soft hyphen
    return _private_code(font, glyph.gid, text if first else "", shaper)


def _pdf_width(font: Any, char: str) -> float:
    """The width the PDF's /Widths gives the code ReportLab writes for `char`."""
    code = 32 if char == "\u00a0" else ord(char)
    face = font.face
    return float(face.getCharWidth(code if code in face.charToGlyph else 0))


Plan = tuple[str, tuple[tuple[int, float, float, float], ...]]  # characters; (index, before, after, rise) where moved
_plans: dict[tuple[str, str, bool, str], Plan] = {}
_PLAN_LIMIT = 50_000


def _plan(font: Any, shaper: shaping.Shaper, word: str, ligatures: bool) -> Plan:
    """What a word is written as: one character per glyph, and the glyphs that move (TJ numbers before and after
    them, in thousandths of an em, and their rise): kerned, placed marks, glyphs whose /Widths differ from their
    advance."""
    key = (font.fontName, word, ligatures, shaping.language())
    got = _plans.get(key)
    if got is not None:
        return got
    chars: list[str] = []
    moves: list[tuple[int, float, float, float]] = []
    start = -1
    for glyph in shaper.shape(word, ligatures).glyphs:
        char = _code(font, shaper, glyph, word, glyph.start != start)
        start = glyph.start
        after = _pdf_width(font, char) - glyph.advance + glyph.dx
        if glyph.dx or glyph.dy or abs(after) > 1e-9:
            moves.append((len(chars), -glyph.dx, after, glyph.dy))
        chars.append(char)
    got = ("".join(chars), tuple(moves))
    if len(_plans) > _PLAN_LIMIT:
        _plans.clear()
    _plans[key] = got
    return got


class ShapedText(PDFTextObject):
    """A text object that draws the shipped faces' text shaped (see the module's docstring)."""

    _anso_line_start = True  # the next text drawn starts a line (a paragraph's line is one or more `_textOut`s)

    def _textOut(self, text: Any, TStar: int = 0) -> None:  # noqa: N802, N803 (ReportLab's names)
        super()._textOut(text, TStar)
        if text or TStar:
            self._anso_line_start = bool(TStar)  # ReportLab ends each line of a paragraph with T*

    def _formatText(self, text: Any) -> str:  # noqa: N802 (ReportLab's name)
        font = getFont(self._fontname)
        if not getattr(font, "anso_shaped", False) or not text:
            return str(super()._formatText(text))
        if isinstance(text, bytes):
            text = text.decode("utf8")
        shaper = shaping.shaper(font)
        ligatures = not getattr(self, "_charSpace", 0)
        chars: list[str] = []
        moves: dict[int, tuple[float, float, float]] = {}
        # a line of a paragraph that hangs its punctuation starts that much to the left (layout/linebreak.py): the
        # first text of the line (a line of several runs is drawn run by run)
        hangs = self._anso_line_start and getattr(self._canvas, "anso_hanging", False)
        lead = shaping.protrusion(font, text[0], shaping.LEFT) if hangs else 0.0
        at = 0
        for k, word in enumerate(text.split(" ")):
            if k:
                chars.append(" ")
                at += 1
            if not word:
                continue
            written, moved = _plan(font, shaper, word, ligatures)
            for index, before, after, dy in moved:
                moves[at + index] = (before, after, dy)
            chars.append(written)
            at += len(written)
        if lead:
            before, after, dy = moves.get(0, (0.0, 0.0, 0.0))
            moves[0] = (before + lead, after, dy)
        return self._write(font, "".join(chars), moves)

    def _write(self, font: Any, chars: str, moves: dict[int, tuple[float, float, float]]) -> str:
        canv = self._canvas
        doc = canv._doc
        size = self._fontsize
        escape = canv._escape
        out: list[str] = []
        array: list[str] = []

        def flush() -> None:
            if len(array) == 1 and array[0].startswith("("):
                out.append(f"{array[0]} Tj")
            elif array:
                out.append(f"[{' '.join(array)}] TJ")
            array.clear()

        def show(part: bytes) -> None:
            if array and array[-1].startswith("("):
                array[-1] = array[-1][:-1] + escape(part) + ")"
            else:
                array.append(f"({escape(part)})")

        def number(value: float) -> None:
            if abs(value) > 1e-6:
                if array and not array[-1].startswith("("):
                    array[-1] = fp_str(float(array[-1]) + value)
                else:
                    array.append(fp_str(value))

        base = 0
        for subset, codes in font.splitString(chars, doc):
            if subset != self._curSubset:  # type: ignore[has-type]
                flush()
                out.append(f"{font.getSubsetInternalName(subset, doc)} {fp_str(size)} Tf {fp_str(self._leading)} TL")
                self._curSubset = subset
            done = 0
            for index in sorted(i - base for i in moves if base <= i < base + len(codes)):
                before, after, dy = moves[base + index]
                if index > done:
                    show(codes[done:index])
                if dy:
                    flush()
                    out.append(f"{fp_str(self._rise + dy * size / 1000)} Ts")
                number(before)
                show(codes[index : index + 1])
                number(after)
                if dy:
                    flush()
                    out.append(f"{fp_str(self._rise)} Ts")
                done = index + 1
            if done < len(codes):
                show(codes[done:])
            base += len(codes)
        flush()
        return " ".join(out)
