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


class ShapedText(PDFTextObject):
    """A text object that draws the shipped faces' text shaped (see the module's docstring)."""

    def _formatText(self, text: Any) -> str:  # noqa: N802 (ReportLab's name)
        font = getFont(self._fontname)
        if not getattr(font, "anso_shaped", False) or not text:
            return str(super()._formatText(text))
        if isinstance(text, bytes):
            text = text.decode("utf8")
        shaper = shaping.shaper(font)
        ligatures = not getattr(self, "_charSpace", 0)
        chars: list[str] = []
        moves: list[tuple[float, float, float]] = []  # per glyph: TJ number before, after, rise (thousandths)
        for k, word in enumerate(text.split(" ")):
            if k:
                chars.append(" ")
                moves.append((0.0, 0.0, 0.0))
            if not word:
                continue
            start = -1
            for glyph in shaper.shape(word, ligatures).glyphs:
                char = _code(font, shaper, glyph, word, glyph.start != start)
                start = glyph.start
                chars.append(char)
                moves.append((-glyph.dx, _pdf_width(font, char) - glyph.advance + glyph.dx, glyph.dy))
        return self._write(font, "".join(chars), moves)

    def _write(self, font: Any, chars: str, moves: list[tuple[float, float, float]]) -> str:
        canv = self._canvas
        doc = canv._doc
        size = self._fontsize
        rise = self._rise
        out: list[str] = []
        array: list[bytes | float] = []
        current_rise = 0.0

        def flush() -> None:
            parts: list[str] = []
            run, number = b"", 0.0
            for item in array:
                if isinstance(item, bytes):
                    if abs(number) > 1e-6:
                        parts.append(fp_str(number))
                    run, number = run + item, 0.0
                else:
                    if run:
                        parts.append(f"({canv._escape(run)})")
                    run, number = b"", number + item
            if run:
                parts.append(f"({canv._escape(run)})")
            if abs(number) > 1e-6:  # kept: what follows on the line starts where this glyph's advance ends
                parts.append(fp_str(number))
            if len(parts) == 1 and parts[0].startswith("("):
                out.append(f"{parts[0]} Tj")
            elif parts:
                out.append(f"[{' '.join(parts)}] TJ")
            array.clear()

        i = 0
        for subset, codes in font.splitString(chars, doc):
            if subset != self._curSubset:
                flush()
                out.append(f"{font.getSubsetInternalName(subset, doc)} {fp_str(size)} Tf {fp_str(self._leading)} TL")
                self._curSubset = subset
            for byte in codes:
                before, after, dy = moves[i]
                i += 1
                if dy != current_rise:
                    flush()
                    out.append(f"{fp_str(rise + dy * size / 1000)} Ts")
                    current_rise = dy
                if before:
                    array.append(before)
                array.append(bytes((byte,)))
                if after:
                    array.append(after)
        flush()
        if current_rise:
            out.append(f"{fp_str(rise)} Ts")
        return " ".join(out)
