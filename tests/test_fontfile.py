"""layout/fontfile.py reads a shipped face into exactly what ReportLab's own parser makes of it."""

from __future__ import annotations

from pathlib import Path

import pytest
from reportlab.pdfbase import ttfonts

from anso_pdf.layout import fontfile
from anso_pdf.resources import font_path

FACES = sorted(p.name for p in font_path("NotoSerif-Regular.ttf").parent.glob("*.ttf"))
_ORDERED = ("charToGlyph", "glyphToChar", "charWidths")


def _same_face(fast: ttfonts.TTFontFace, parsed: ttfonts.TTFontFace) -> None:
    assert type(fast) is type(parsed) and set(vars(fast)) == set(vars(parsed))
    for key, value in vars(parsed).items():
        if key == "_pdfScale":  # a lambda made by each parse: the same scale
            assert [fast._pdfScale(v) for v in (0, 1, 256, 1000, 2048)] == [value(v) for v in (0, 1, 256, 1000, 2048)]
            continue
        assert getattr(fast, key) == value and type(getattr(fast, key)) is type(value), key
    for key in _ORDERED:  # the same insertion order, so whatever iterates them meets them in the same order
        assert list(getattr(fast, key).items()) == list(getattr(parsed, key).items()), key
    assert [type(n) for pair in fast.hmetrics for n in pair] == [type(n) for pair in parsed.hmetrics for n in pair]
    assert [type(w) for w in fast.charWidths.values()] == [type(w) for w in parsed.charWidths.values()]


@pytest.mark.parametrize("name", FACES)
def test_every_shipped_face_reads_as_reportlab_parses_it(name: str) -> None:
    """Every attribute of the face, its value, type and order: what ReportLab's TTFontFile.extractInfo makes
    (this fails when ReportLab's parser starts making something else)."""
    path = str(font_path(name))
    _same_face(fontfile.read_face(path), ttfonts.TTFontFace(path))


def test_a_font_is_what_ttfont_makes() -> None:
    path = str(font_path("NotoSans-Italic.ttf"))
    fast, parsed = fontfile.read_font("FontFileTest", path), ttfonts.TTFont("FontFileTest", path)
    assert type(fast) is type(parsed) and set(vars(fast)) == set(vars(parsed))  # TTFont.__init__ sets no more
    for key in set(vars(parsed)) - {"face", "state", "encoding"}:
        assert getattr(fast, key) == getattr(parsed, key), key
    assert type(fast.encoding) is type(parsed.encoding) and vars(fast.encoding) == vars(parsed.encoding)
    assert type(fast.state) is type(parsed.state) and len(fast.state) == 0
    _same_face(fast.face, parsed.face)


def test_subsets_are_the_same_bytes() -> None:
    """What is embedded in the PDF: a subset with accents, ligature-free letters and composite glyphs."""
    path = str(font_path("NotoSerif-Bold.ttf"))
    fast, parsed = fontfile.read_face(path), ttfonts.TTFontFace(path)
    subset = [0, *map(ord, " AÉéçñ,.-–’ǅ0123456789"), 0xA0]
    assert fast.makeSubset(subset) == parsed.makeSubset(subset)


def test_a_character_map_of_another_format_is_left_to_reportlab(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fontfile, "_FAST_FORMATS", ())
    path = str(font_path("NotoSans-Regular.ttf"))
    _same_face(fontfile.read_face(path), ttfonts.TTFontFace(path))


def test_shipped_fonts_use_the_formats_read_here() -> None:
    """The bulk reading is used for every shipped face (not silently ReportLab's for all of them)."""
    for name in FACES:
        face = fontfile.read_face(str(font_path(name)))
        assert fontfile._cmap_subtable(face, face._ttf_data)[1] in fontfile._FAST_FORMATS, name
        assert Path(face.filename).name == name
