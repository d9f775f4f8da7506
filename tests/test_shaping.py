"""issue #16: text shaped with HarfBuzz (kerning, ligatures, marks), read back from the PDFs.

The lines are read from the sample's content streams as a PDF reader sees them: each text line's glyph codes, its
font's /Widths and ToUnicode map, the TJ numbers and the word spacing. Its drawn advance is compared with
HarfBuzz shaping the line's text again here, straight from the font file, with the same features.
"""

from __future__ import annotations

import io
import re

import pikepdf
import pytest
import uharfbuzz as hb
from reportlab.pdfbase.pdfmetrics import getFont
from reportlab.pdfgen.canvas import Canvas

from anso_pdf.layout import linebreak, shaping
from anso_pdf.layout.fonts import SANS, SERIF, register_fonts
from anso_pdf.render import tounicode
from anso_pdf.render.glyphs import ShapedText
from anso_pdf.resources import font_path

FEATURES = {"kern": True, "liga": True}


class _Font:
    """A PDF font as a reader sees it: widths and ToUnicode by code, and HarfBuzz on the embedded font's file."""

    _hb: dict[str, hb.Font] = {}

    def __init__(self, obj: pikepdf.Object) -> None:
        first = int(obj.FirstChar)
        self.widths = {first + i: float(w) for i, w in enumerate(obj.Widths)}
        self.text: dict[int, str] = {}
        cmap = obj.ToUnicode.read_bytes().decode("latin-1")
        chars = cmap[cmap.index("beginbfchar") : cmap.index("endbfchar")]
        for code, uni in re.findall(r"<([0-9A-F]{2})> <([0-9A-F]+)>", chars):
            self.text[int(code, 16)] = bytes.fromhex(uni).decode("utf-16-be")
        stem = str(obj.BaseFont).split("+", 1)[1]
        if stem not in self._hb:
            self._hb[stem] = hb.Font(hb.Face(hb.Blob(font_path(stem + ".ttf").read_bytes())))
        self.hb = self._hb[stem]

    def shaped(self, text: str) -> float:
        """HarfBuzz's advance for the text, thousandths of an em (a line-end soft hyphen is drawn as a hyphen)."""
        buf = hb.Buffer()
        buf.add_str(text[:-1] + "-" if text.endswith("\u00ad") else text)
        buf.guess_segment_properties()
        buf.language = "en"
        hb.shape(self.hb, buf, FEATURES)
        return sum(p.x_advance for p in buf.glyph_positions) * 1000 / self.hb.face.upem


def _end_line(runs: list[tuple[_Font, float, str, float]], word_space: float,
              out: list[tuple[str, float, float]]) -> None:
    if runs and "".join(r[2] for r in runs).strip():
        text = "".join(r[2] for r in runs)
        spaces = sum(r[2].count(" ") for r in runs)
        drawn = sum(r[3] * r[1] / 1000 for r in runs) + spaces * word_space
        expected = sum(r[0].shaped(r[2]) * r[1] / 1000 for r in runs) + spaces * word_space
        out.append((text, drawn, expected))
    runs.clear()


def drawn_lines(pdf: bytes, leads: list[tuple[float, float]] | None = None) -> list[tuple[str, float, float]]:
    """Every text line of the PDF: (text, drawn advance, HarfBuzz's advance) in points. `leads` gets the TJ
    numbers that move a line's start (thousandths of an em, and the size)."""
    leads = [] if leads is None else leads
    out: list[tuple[str, float, float]] = []
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        for page in doc.pages:
            fonts = {name: _Font(f) for name, f in page.Resources.Font.items()}
            font: _Font | None = None
            size = word_space = 0.0
            runs: list[tuple[_Font, float, str, float]] = []  # (font, size, text, drawn thousandths) of this line

            for operands, op in pikepdf.parse_content_stream(page):
                name = str(op)
                if name == "Tf":
                    font, size = fonts[str(operands[0])], float(operands[1])
                elif name == "Tw":
                    word_space = float(operands[0])
                elif name in ("Tj", "TJ") and font is not None:
                    items = operands[0] if name == "TJ" else [operands[0]]
                    text, advance = "", 0.0
                    for item in items:
                        if isinstance(item, pikepdf.String):
                            for code in bytes(item):
                                text += font.text.get(code, "")
                                advance += font.widths[code]
                        elif runs or text:
                            advance -= float(item)
                        else:  # before a line's first glyph: where the line starts (hanging punctuation), no advance
                            leads.append((float(item), size))
                    runs.append((font, size, text, advance))
                elif name in ("T*", "ET", "Td", "Tm"):
                    _end_line(runs, word_space, out)
    return out


def test_every_line_is_drawn_as_harfbuzz_shapes_it(sample_pdfs: dict[str, bytes]) -> None:
    leads: list[tuple[float, float]] = []
    lines = drawn_lines(sample_pdfs["email"], leads)
    assert len(lines) > 200  # every line of the four pages (248 in the sample)
    off = [(t, round(d - e, 3)) for t, d, e in lines if abs(d - e) > 0.1]
    assert not off, off[:5]
    # the justified lines that open with a quotation mark start half its advance to the left (hanging punctuation)
    quote = shaping.shaper(getFont(SERIF)).word_width("\u201c")
    assert leads and all(abs(lead - quote / 2) < 0.01 for lead, _ in leads), leads


def test_punctuation_hangs_into_the_margins_of_justified_lines() -> None:
    """A justified line ending in a hyphen, comma, full stop or closing quote may be wider by that share of it, one
    starting with an opening quote too; drawn shifted left by the start's share, each line then runs from the
    left edge less its start's protrusion to the right edge plus its end's."""
    register_fonts()
    font = getFont(SERIF)
    text = ("\u201cWe met, talked and agreed.\u201d The committee, after long deliberation, approved the "
            "arrangement; further consultations followed, and \u201cconsensus\u201d was reached. ") * 4
    words = text.split()
    cuts = {"deliberation": ("delib", "eration"), "arrangement;": ("arrange", "ment;"),
            "consultations": ("consul", "tations"), "committee,": ("com", "mittee,")}

    def hyphenate(word: str) -> list[tuple[str, str]]:
        return [cuts[word]] if word in cuts else []

    hung = 0
    for width in (110.0, 130.0, 150.0, 170.0):
        lines = linebreak.break_words(words, [width], SERIF, 9.0, hyphenate=hyphenate, hanging=True)
        plain = linebreak.break_words(words, [width], SERIF, 9.0, hyphenate=hyphenate)
        assert lines is not None and plain is not None
        for line in lines[:-1]:
            drawn = shaping.width(font, " ".join(line.words), 9.0)
            first, last = line.words[0][0], line.words[-1][-1]
            start = shaping.protrusion(font, first, shaping.LEFT) * 0.009
            end = shaping.protrusion(font, last, shaping.RIGHT) * 0.009
            assert abs(drawn + line.extra - (width + start + end)) < 1e-6
            hung += bool(start) + bool(end)
    assert hung > 10
    assert shaping.RIGHT["-"] == shaping.RIGHT[","] == shaping.RIGHT["."] == 0.7


def test_punctuation_hangs_in_paragraphs_of_several_runs() -> None:
    """A justified paragraph with bold, italic and link runs is broken total-fit too (layout/fragbreak.py): read back
    from its PDF, each line but the last runs from the left edge less its start's protrusion to the right edge plus
    its end's, drawn run by run, and only a line's first run is shifted."""
    from reportlab.lib.enums import TA_JUSTIFY
    from reportlab.lib.styles import ParagraphStyle

    from anso_pdf.layout.hyphenate import hyphenator_for
    from anso_pdf.layout.inline import paragraph
    from anso_pdf.model.text import Run

    register_fonts()
    tounicode.install()
    font = getFont(SERIF)
    sentence = ("\u201cWe met, talked and agreed.\u201d The committee, after long deliberation, approved the "
                "arrangement; further consultations followed, and \u201cconsensus\u201d was reached. ")
    runs = [Run(sentence), Run("Delegates from eleven countries", bold=True), Run(" signed it, and "),
            Run("the secretariat", italic=True), Run(" published it on "), Run("\u201cthe alliance website\u201d", href="https://example.org"),
            Run(". " + sentence * 3)]
    style = ParagraphStyle("body", fontName=SERIF, fontSize=9.4, leading=13, alignment=TA_JUSTIFY,
                           hyphenationLang=hyphenator_for("en"), embeddedHyphenation=0, uriWasteReduce=0,
                           spaceShrinkage=0.2)
    width = 160.0
    para = paragraph(runs, style)
    _, height = para.wrap(width, 10_000)
    assert para.blPara.kind == 1 and para._anso_hanging

    class _Canvas(Canvas):
        def beginText(self, x: float = 0, y: float = 0, direction: object = None) -> ShapedText:  # noqa: N802
            return ShapedText(self, x, y, direction=direction)

    buf = io.BytesIO()
    canvas = _Canvas(buf, pagesize=(width + 40, height + 40), invariant=1, initialFontName=SANS)
    para.drawOn(canvas, 20, 20)
    canvas.save()
    leads: list[tuple[float, float]] = []
    lines = drawn_lines(buf.getvalue(), leads)
    assert len(lines) == len(para.blPara.lines)
    quote = shaping.shaper(font).word_width("\u201c")
    assert len(leads) == sum(text.startswith("\u201c") for text, _, _ in lines) > 0
    assert all(abs(lead - quote / 2) < 0.01 for lead, _ in leads), leads
    hung = 0
    for text, drawn, expected in lines[:-1]:
        assert abs(drawn - expected) < 0.1
        start = shaping.protrusion(font, text[0], shaping.LEFT) * 0.0094
        end = shaping.protrusion(font, text.rstrip()[-1], shaping.RIGHT) * 0.0094
        assert abs(drawn - (width + start + end)) < 0.01, text
        hung += bool(start) + bool(end)
    assert hung > 5


def test_kerning_and_ligatures_are_drawn_and_copy_out_as_written(sample_pdfs: dict[str, bytes]) -> None:
    pdf = sample_pdfs["email"]
    kerned = ligatures = 0
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        for page in doc.pages:
            for operands, op in pikepdf.parse_content_stream(page):
                if str(op) == "TJ" and any(not isinstance(x, pikepdf.String) for x in operands[0]):
                    kerned += 1
            for f in page.Resources.Font.values():
                cmap = f.ToUnicode.read_bytes().decode("latin-1")
                ligatures += len(re.findall(r"> <0066(?:0066|0069|006C){1,2}>", cmap))
    assert kerned > 100  # "W" "orking", "Y" "a'ao", "Gr" "oup": every page has kerned pairs
    assert ligatures >= 3  # fi, ff, ffi in the body face at least
    import subprocess

    text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    words = set(re.findall(r"\w+", re.sub(r"\u00ad\s*\n", "", text)))
    assert {"confirmed", "efforts", "field", "officials", "Working", "scientific"} <= words


def test_turkish_keeps_the_dot_of_i() -> None:
    register_fonts()
    font = getFont(SERIF)
    try:
        shaping.use_language("en")
        assert len(shaping.shaper(font).shape("fiyat").glyphs) == 4  # fi is one glyph
        shaping.use_language("tr")
        assert len(shaping.shaper(font).shape("fiyat").glyphs) == 5  # f and i apart: the dot shows
        assert len(shaping.shaper(font).shape("aflık").glyphs) == 4  # fl is still joined
    finally:
        shaping.use_language("")


def test_no_ligature_across_a_hyphenation_point_and_lines_measure_as_drawn() -> None:
    register_fonts()
    words = ("The officials offered efficient staffing of the office affairs " * 6).split()
    cuts = {"officials": ("of", "ficials"), "offered": ("of", "fered"), "efficient": ("ef", "ficient"),
            "staffing": ("staf", "fing"), "affairs": ("af", "fairs"), "office": ("of", "fice")}

    def hyphenate(word: str) -> list[tuple[str, str]]:
        return [cuts[word]] if word in cuts else []

    heads = []
    for width in (70.0, 90.0, 130.0):
        lines = linebreak.break_words(words, [width], SERIF, 9.0, hyphenate=hyphenate, hyphen_penalty=0.0)
        assert lines is not None
        for line in lines[:-1]:  # justified: each line's words and spaces fill it exactly, as drawn
            drawn = shaping.width(getFont(SERIF), " ".join(line.words), 9.0)
            assert abs(drawn + line.extra - width) < 1e-6
        heads += [line.words[-1] for line in lines if line.hyphenated]
    assert heads
    for head in heads:  # "of-", "ef-", "staf-": no ligature reaches the hyphen
        assert len(shaping.shaper(getFont(SERIF)).shape(head).glyphs) == len(head)


def _canvas_pdf(texts: list[tuple[str, float]]) -> bytes:
    class _Canvas(Canvas):
        def beginText(self, x: float = 0, y: float = 0, direction: object = None) -> ShapedText:  # noqa: N802
            return ShapedText(self, x, y, direction=direction)

    tounicode.install()
    buf = io.BytesIO()
    canvas = _Canvas(buf, pagesize=(300, 40 * len(texts)), invariant=1, initialFontName=SANS)
    for i, (text, x) in enumerate(texts):
        canvas.setFont(SERIF, 24)
        canvas.drawString(x, 40 * (len(texts) - i) - 30, text)
    canvas.save()
    return buf.getvalue()


@pytest.mark.parametrize(("combining", "precomposed"), [
    ("Vie\u0323\u0302t Nam", "Vi\u1ec7t Nam"),
    ("Nguye\u0302\u0303n", "Nguy\u1ec5n"),
    ("O\u0301yo\u0323\u0301", "\u00d3y\u1ecd\u0301"),
])
def test_marks_sit_on_their_base_letters(combining: str, precomposed: str) -> None:
    """A word written with combining accents looks like the same word written with precomposed letters (before
    shaping, the accents were drawn after the letter, at their own advance)."""
    import pypdfium2 as pdfium
    from PIL import ImageChops

    register_fonts()
    pdf = _canvas_pdf([(combining, 10), (precomposed, 10)])
    doc = pdfium.PdfDocument(pdf)
    try:
        picture = doc[0].render(scale=150 / 72, grayscale=True).to_pil().convert("L")
    finally:
        doc.close()
    half = picture.height // 2
    top, bottom = picture.crop((0, 0, picture.width, half)), picture.crop((0, half, picture.width, 2 * half))
    assert top.getbbox() is not None
    diff = ImageChops.difference(top, bottom)
    assert diff.getbbox() is None or max(diff.getdata()) < 96, diff.getbbox()


def test_letter_spaced_text_has_no_ligatures() -> None:
    register_fonts()

    class _Canvas(Canvas):
        def beginText(self, x: float = 0, y: float = 0, direction: object = None) -> ShapedText:  # noqa: N802
            return ShapedText(self, x, y, direction=direction)

    buf = io.BytesIO()
    canvas = _Canvas(buf, invariant=1, initialFontName=SANS)
    tx = canvas.beginText(10, 10)
    tx.setFont(SERIF, 12)
    tx.setCharSpace(2)
    tx.textOut("office")
    tx.setCharSpace(0)
    tx.textOut(" office")
    canvas.drawText(tx)
    canvas.save()
    with pikepdf.open(io.BytesIO(buf.getvalue())) as doc:
        shown = [bytes(x) for ops, op in pikepdf.parse_content_stream(doc.pages[0]) if str(op) in ("Tj", "TJ")
                 for x in (ops[0] if str(op) == "TJ" else [ops[0]]) if isinstance(x, pikepdf.String)]
    assert len(shown[0]) == 6  # spaced: o f f i c e
    assert len(b"".join(shown[1:])) == 5  # " o ffi c e"

