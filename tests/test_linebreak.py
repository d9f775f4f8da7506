"""issue #8: the total-fit line breaker (layout/linebreak.py), justified and ragged-right, alone, inside
ReportLab paragraphs, and in the laid-out sample and generated issues.

The breaker is compared with ReportLab's own (greedy) `Paragraph.breakLines` on the same paragraphs, and with
an exhaustive search over every way to break small paragraphs. Text comes from tests/layout_checks.prose (the
same generated prose the layout checks use) and a few written sentences.
"""

from __future__ import annotations

import io
import itertools
import math
import random

import pytest
from reportlab.lib.enums import TA_JUSTIFY, TA_LEFT
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus.paragraph import Paragraph, _SplitWordEnd, _SplitWordHY, split, strip
from tests import layout_checks as LC
from tests.conftest import joined, pdf_pages_text
from tests.layout_checks import prose

from anso_pdf.layout import linebreak as LB
from anso_pdf.layout.columns import _align_for_measure
from anso_pdf.layout.fonts import FALLBACK, SERIF, register_fonts
from anso_pdf.layout.hyphenate import hyphenator_for
from anso_pdf.layout.inline import paragraph
from anso_pdf.model.text import Run
from anso_pdf.units import mm

FONT, SIZE, LEADING = SERIF, 9.4, 13.0
HYPHENATE = hyphenator_for("en")
WIDE, NARROW = mm(87.7), mm(57.0)  # the column widths of the house grid
# the greedy breaker leaves its third line at 3x the word space; spread over the paragraph, no line needs 2x
UNEVEN = ("The members of the network agreed to meet again in the spring, and to set up a small secretariat "
          "for the international programme of training.")


@pytest.fixture(autouse=True, scope="module")
def _fonts() -> None:
    register_fonts()


def style(*, hyphenation: bool = True, **extra: object) -> ParagraphStyle:
    """The body style as layout/styles.py sets it (justified, pyphen, ReportLab's 5 % squeeze)."""
    settings: dict[str, object] = {"alignment": TA_JUSTIFY, "fontSize": SIZE, "leading": LEADING, **extra}
    return ParagraphStyle("body", fontName=FONT, hyphenationLang=HYPHENATE if hyphenation else "",
                          embeddedHyphenation=0, uriWasteReduce=0, splitLongWords=1, allowWidows=0, allowOrphans=0,
                          **settings)


def ragged_style(*, hyphenation: bool = True, **extra: object) -> ParagraphStyle:
    """The ragged-right copy of the body style, as layout/columns.py makes it for a narrow column."""
    justified = style(hyphenation=hyphenation, **extra)
    ragged = ParagraphStyle("body-ragged", parent=justified, alignment=TA_LEFT)
    ragged.justified_original = justified
    return ragged


def space() -> float:
    return stringWidth(" ", FONT, SIZE)


def natural(words: list[str]) -> float:
    return sum(stringWidth(w, FONT, SIZE) for w in words) + space() * (len(words) - 1)


def stretch(extra: float, words: list[str]) -> float:
    """Word space over the natural one, as tests/layout_checks.py measures it (1.0 for a one-word line)."""
    return 1.0 + extra / ((len(words) - 1) * space()) if len(words) > 1 else 1.0


def loosest(lines: list[tuple[float, list[str]]]) -> float:
    return max(stretch(extra, words) for extra, words in lines[:-1])


def rejoined(lines: list[tuple[float, list[str]]]) -> list[str]:
    """The paragraph's words again: hyphenated heads joined to what follows them on the next line."""
    out: list[str] = []
    head = ""
    for _, words in lines:
        for word in words:
            if isinstance(word, _SplitWordHY):
                head += word[:-1]
            else:
                out.append(head + word)
                head = ""
    assert not head, "the paragraph ends in a hyphenated head"
    return out


def texts(bl: object) -> list[str]:
    """The text of each line of a ReportLab line structure, simple (kind 0) or of styled fragments (kind 1)."""
    return [" ".join(line[1]) if isinstance(line, tuple) else "".join(getattr(w, "text", "") for w in line.words)
            for line in bl.lines]  # type: ignore[attr-defined]


def hyphen_runs(lines: list[LB.Line] | list[tuple[float, list[str]]]) -> int:
    longest = run = 0
    for line in lines:
        ends = line.hyphenated if isinstance(line, LB.Line) else str(line[1][-1]).endswith("-")
        run = run + 1 if ends else 0
        longest = max(longest, run)
    return longest


def paragraphs(count: int, seed: int) -> list[str]:
    return [p for n in range(count) for p in prose(240, seed + n).split("\n\n")]


def gaps(lines: list[tuple[float, list[str]]]) -> list[float]:
    """What each line but the last leaves empty at the right edge (negative: it runs past the column)."""
    return [extra for extra, _ in lines[:-1]]


def total_fit(words: list[str], widths: list[float], **options: object) -> list[LB.Line]:
    lines = LB.break_words(words, widths, FONT, SIZE, hyphenate=HYPHENATE, **options)  # type: ignore[arg-type]
    assert lines is not None
    return lines


# --- the breaker ----------------------------------------------------------------------------------------------


def test_total_fit_evens_out_the_loose_line_greedy_leaves():
    para = paragraph(UNEVEN, style(hyphenation=False))
    greedy = Paragraph.breakLines(para, [mm(66.5)]).lines
    ours = para.breakLines([mm(66.5)]).lines
    assert len(ours) == len(greedy) == 4
    assert loosest(greedy) > 3.0  # "small secretariat for the international" at 3.01x
    assert loosest(ours) < 2.0
    assert rejoined(ours) == rejoined(greedy) == UNEVEN.split()


def test_fewer_hyphens_as_hyphenation_costs_more():
    texts = paragraphs(6, seed=1)
    counts = [sum(line.hyphenated for t in texts for line in total_fit(t.split(), [WIDE], hyphen_penalty=penalty))
              for penalty in (0.0, LB.HYPHEN_PENALTY, 10_000.0)]
    assert counts[0] >= counts[1] >= counts[2]
    assert counts[2] < counts[0] * 0.8, counts


def test_at_most_two_hyphenated_lines_in_a_row():
    texts = paragraphs(8, seed=2)
    greedy = ours = 0
    for width in (NARROW, WIDE):
        for text in texts:
            para = paragraph(text, style())
            greedy = max(greedy, hyphen_runs(Paragraph.breakLines(para, [width]).lines))
            ours = max(ours, hyphen_runs(total_fit(text.split(), [width])))
    assert greedy >= 3  # the same text does make ReportLab's breaker build ladders
    assert ours <= LB.MAX_HYPHENS_IN_A_ROW == 2


def test_the_final_hyphen_can_be_forbidden(monkeypatch):
    """FORBID_FINAL_HYPHEN (off in the layout) holds whenever the paragraph can be set without that hyphen and
    no line looser than MAX_STRETCH; here MAX_STRETCH is raised so that it always holds."""
    monkeypatch.setattr(LB, "MAX_STRETCH", 100.0)
    texts = paragraphs(6, seed=3)
    allowed = [total_fit(t.split(), [WIDE]) for t in texts]
    forbidden = [total_fit(t.split(), [WIDE], forbid_final_hyphen=True) for t in texts]
    assert any(len(lines) > 1 and lines[-2].hyphenated for lines in allowed)
    assert not any(len(lines) > 1 and lines[-2].hyphenated for lines in forbidden)


def test_the_last_line_is_not_stretched():
    """The last line costs nothing however short: a paragraph just over one line long fills its first line as
    ReportLab would rather than sharing the words out between the two lines, and the last line is drawn with
    natural word spaces."""
    text = "Forty members of the regional network met in Nairobi for the annual meeting of the board."
    short = 0
    for width in (mm(80), mm(95), mm(110)):
        para = paragraph(text, style(hyphenation=False))
        ours = para.breakLines([width]).lines
        assert len(ours) == 2
        assert ours == Paragraph.breakLines(para, [width]).lines
        short += ours[-1][0] > 0.5 * width  # a short last line, left short
    assert short


def test_every_word_once_in_order_and_no_line_too_wide():
    squeeze = 0.05 * space()
    for width, seed in ((NARROW, 4), (WIDE, 5), (mm(40), 6)):
        for text in paragraphs(3, seed):
            widths = [width - 10.34, width]  # a first-line indent, as the body style has
            lines = total_fit(text.split(), widths)
            as_tuples = [(line.extra, line.words) for line in lines]
            assert rejoined(as_tuples) == text.split()
            for number, line in enumerate(lines):
                measure = widths[min(number, 1)]
                assert line.extra == pytest.approx(measure - natural(line.words), abs=1e-6)
                assert natural(line.words) <= measure + (len(line.words) - 1) * squeeze + 1e-6, line.words
                heads = [w for w in line.words[:-1] if isinstance(w, _SplitWordHY)]
                assert not heads, "a hyphenated head that does not end its line"


def test_a_word_wider_than_the_line_is_left_to_reportlab():
    assert LB.break_words(["Supercalifragilisticexpialidocious", "words"], [40.0], FONT, SIZE) is None
    para = paragraph("Supercalifragilisticexpialidocious words", style(hyphenation=False))
    assert para.breakLines([40.0]).lines == Paragraph.breakLines(para, [40.0]).lines


def test_deterministic():
    text = paragraphs(1, seed=7)[0].split()
    first = [(line.extra, list(line.words)) for line in total_fit(text, [NARROW])]
    LB._RESULTS.clear()
    LB._CUTS.clear()
    LB._WIDTHS.clear()
    assert [(line.extra, list(line.words)) for line in total_fit(text, [NARROW])] == first


def _demerits(lines: list[list[str]], hyphenated: list[bool], width: float, *, ragged: bool = False) -> float:
    """The breaker's objective written out again, for the exhaustive search."""
    total, run = 0.0, 0
    unit, squeeze = LB.STRETCH * space(), 0.0 if ragged else 0.05 * space()
    for number, (words, hyph) in enumerate(zip(lines, hyphenated, strict=True)):
        spaces = len(words) - 1
        extra = width - natural(words)
        if extra < -spaces * squeeze - 1e-9:
            return math.inf
        last = number == len(lines) - 1
        if ragged and last:
            short = LB.SHORT_LAST - natural(words) / width if number else 0.0
            d = LB.LINE_PENALTY**2 + LB.SHORT_LAST_DEMERITS * max(short, 0.0) / LB.SHORT_LAST
        elif ragged:
            d = LB.LINE_PENALTY**2 + (LB.RAGGED_DEMERITS * extra / width) ** 2
        else:
            ratio = extra / (max(spaces, 1) * unit)
            d = (LB.LINE_PENALTY + 100 * abs(min(ratio, 0.0) if last else ratio) ** 3) ** 2
        run = run + 1 if hyph else 0
        if run > LB.MAX_HYPHENS_IN_A_ROW:
            return math.inf
        d += (LB.HYPHEN_PENALTY**2 if hyph else 0) + (LB.DOUBLE_HYPHEN_DEMERITS if run > 1 else 0)
        d += LB.FINAL_HYPHEN_DEMERITS if last and number and hyphenated[number - 1] else 0
        total += d
    return total


def _every_breaking(words: list[str]):  # type: ignore[no-untyped-def]
    pieces = []  # (text, word index, ends in a hyphenation point)
    for i, word in enumerate(words):
        bounds = (0, *LB.hyphenation_points(word, HYPHENATE), len(word))
        pieces += [(word[a:b], i, k < len(bounds) - 2) for k, (a, b) in enumerate(itertools.pairwise(bounds))]
    for cuts in itertools.product((False, True), repeat=len(pieces) - 1):
        lines, hyphenated, line, previous = [], [], [], None
        for n, (text, owner, hyph) in enumerate(pieces):
            line.append(text if previous != owner or not line else line.pop() + text)
            previous = owner
            if n == len(pieces) - 1 or cuts[n]:
                lines.append([w + "-" if hyph and k == len(line) - 1 else w for k, w in enumerate(line)])
                hyphenated.append(hyph)
                line, previous = [], None
        yield lines, hyphenated


@pytest.mark.parametrize("ragged", [False, True], ids=["justified", "ragged"])
def test_total_fit_is_the_best_breaking_of_small_paragraphs(ragged):
    rnd = random.Random(8)
    vocabulary = [*["the", "of", "and", "to", "in", "a", "for", "on", "with", "as", "by", "research", "workshop", "meeting", "network", "regional"],
                  *["climate", "water", "training", "students", "international", "cooperation", "organization", "laboratory"]]
    tried = 0
    while tried < 25:
        words = [rnd.choice(vocabulary) for _ in range(rnd.randint(5, 9))]
        if sum(len(LB.hyphenation_points(w, HYPHENATE)) + 1 for w in words) > 13:
            continue
        tried += 1
        width = rnd.uniform(70, 130)
        best = min(_demerits(lines, hyph, width, ragged=ragged) for lines, hyph in _every_breaking(words))
        lines = LB.break_words(words, [width], FONT, SIZE, hyphenate=HYPHENATE, ragged=ragged)
        if best == math.inf:
            assert lines is None
            continue
        assert lines is not None
        got = _demerits([ln.words for ln in lines], [ln.hyphenated for ln in lines], width, ragged=ragged)
        assert got == pytest.approx(best, rel=1e-9), (words, width)


# --- ragged-right ---------------------------------------------------------------------------------------------


def test_ragged_at_most_two_hyphenated_lines_in_a_row():
    """The ragged-right body text of narrow columns: ReportLab's breaker builds ladders of hyphens, total-fit
    never more than two in a row (through the paragraph, as the layout calls it)."""
    texts = paragraphs(8, seed=2)
    greedy = ours = 0
    for width in (NARROW, mm(59.0), WIDE):
        for text in texts:
            para = paragraph(text, ragged_style())
            greedy = max(greedy, hyphen_runs(Paragraph.breakLines(para, [width]).lines))
            ours = max(ours, hyphen_runs(para.breakLines([width]).lines))
    assert greedy >= 3
    assert ours <= LB.MAX_HYPHENS_IN_A_ROW == 2


def test_ragged_lines_never_run_past_the_column_and_keep_every_word():
    """No shrink in ragged mode: every line fits its width, where ReportLab's breaker lets a left-aligned line
    run past the column by up to spaceShrinkage of its spaces (drawn unsqueezed); extraSpace is the width less
    the line's natural width, summed as ReportLab sums it."""
    greedy_past = 0
    for width, seed in ((NARROW, 4), (mm(59.0), 5), (WIDE, 6), (mm(40), 7)):
        for text in paragraphs(3, seed):
            widths = [width - 10.34, width]  # a first-line indent, as the body style has
            lines = total_fit(text.split(), widths, ragged=True)
            assert rejoined([(line.extra, line.words) for line in lines]) == text.split()
            for number, line in enumerate(lines):
                measure = widths[min(number, 1)]
                assert line.extra == pytest.approx(measure - natural(line.words), abs=1e-6)
                assert line.extra >= -1e-9 and natural(line.words) <= measure + 1e-6, line.words
                assert not [w for w in line.words[:-1] if isinstance(w, _SplitWordHY)]
            para = paragraph(text, ragged_style())
            greedy_past += sum(extra < -1e-6 for extra, _ in Paragraph.breakLines(para, widths).lines)
    assert greedy_past  # the same paragraphs do make ReportLab's breaker overrun the column


def test_ragged_evens_out_the_rag_greedy_leaves():
    """At 60 mm ReportLab's breaker fills two lines and leaves 41 pt empty on the third; total-fit spreads the
    gap over the lines (with the same number of lines)."""
    para = paragraph(UNEVEN, ragged_style(hyphenation=False))
    greedy = Paragraph.breakLines(para, [mm(60)]).lines
    ours = para.breakLines([mm(60)]).lines
    assert len(ours) == len(greedy) == 4
    assert max(gaps(greedy)) > 40.0
    assert max(gaps(ours)) < 30.0
    assert sum(g * g for g in gaps(ours)) < sum(g * g for g in gaps(greedy))
    assert rejoined(ours) == rejoined(greedy) == UNEVEN.split()


def test_ragged_is_never_worse_than_greedy_by_its_own_measure():
    """Without hyphenation (so the hyphen rules take nothing away), total-fit's breaks cost no more than
    ReportLab's wherever ReportLab's lines fit their column."""
    compared = 0
    for width in (NARROW, mm(59.0), WIDE):
        for text in paragraphs(4, seed=14):
            para = paragraph(text, ragged_style(hyphenation=False))
            greedy = [words for _, words in Paragraph.breakLines(para, [width]).lines]
            ours = [words for _, words in para.breakLines([width]).lines]
            cost = _demerits(greedy, [False] * len(greedy), width, ragged=True)
            if cost < math.inf:
                compared += 1
                assert _demerits(ours, [False] * len(ours), width, ragged=True) <= cost + 1e-6
    assert compared > 10


def test_ragged_mild_preference_against_a_very_short_last_line(monkeypatch):
    """SHORT_LAST_DEMERITS changes a few paragraphs, and then always to a longer last line."""
    changed = 0
    for seed in range(40):
        words = paragraphs(1, seed=seed)[0].split()
        preferred = total_fit(words, [NARROW], ragged=True)
        with monkeypatch.context() as m:
            m.setattr(LB, "SHORT_LAST_DEMERITS", 0.0)
            indifferent = total_fit(words, [NARROW], ragged=True)
        if [ln.words for ln in preferred] != [ln.words for ln in indifferent]:
            changed += 1
            assert natural(indifferent[-1].words) < LB.SHORT_LAST * NARROW
            assert natural(preferred[-1].words) > natural(indifferent[-1].words)
    assert 0 < changed < 10


def test_ragged_lines_are_reportlabs_where_the_breaks_agree():
    """Where there is one sensible breaking, the lines are exactly the ones ReportLab's breaker returns for a
    left-aligned paragraph, extraSpace included."""
    text = "Forty members of the regional network met in Nairobi for the annual meeting of the board."
    for width in (mm(80), mm(95), mm(110)):
        para = paragraph(text, ragged_style(hyphenation=False))
        ours = para.breakLines([width])
        assert ours.kind == 0 and len(ours.lines) == 2
        assert ours.lines == Paragraph.breakLines(para, [width]).lines


def test_the_narrow_column_copy_is_broken_ragged_total_fit():
    """The hook: layout/columns.py gives a body paragraph in a column narrower than 62 mm a left-aligned copy
    of its style, which total-fit sets ragged; in a wide column it is justified again."""
    text = paragraphs(1, seed=15)[0]
    para = paragraph(text, style())
    _align_for_measure(para, NARROW)
    assert para.style.alignment == TA_LEFT and LB.ragged_body(para.style)
    ragged = LB.break_lines(para, [NARROW])
    assert ragged is not None and all(extra >= -1e-9 for extra, _ in ragged.lines)
    assert ragged.lines == LB.break_lines(paragraph(text, ragged_style()), [NARROW]).lines
    _align_for_measure(para, WIDE)
    assert para.style.alignment == TA_JUSTIFY
    assert LB.break_lines(para, [WIDE]) is not None
    # a bullet in a ragged copy of the body style still goes to ReportLab
    assert LB.break_lines(paragraph(text, ragged_style(), bullet=True), [NARROW]) is None


# --- inside ReportLab paragraphs ------------------------------------------------------------------------------


def test_reportlab_gets_its_own_kind_of_lines():
    text = paragraphs(1, seed=9)[0]
    para = paragraph(text, style())
    width, height = para.wrap(WIDE, 10_000)
    bl = para.blPara
    assert bl.kind == 0 and bl.fontName == FONT and bl.fontSize == SIZE and bl.textColor is not None
    assert (bl.ascent, bl.descent) == (Paragraph.breakLines(para, [WIDE]).ascent, Paragraph.breakLines(para, [WIDE]).descent)
    assert height == len(bl.lines) * LEADING
    assert all(isinstance(extra, float) and isinstance(words, list) for extra, words in bl.lines)
    for (_, words), (_, following) in itertools.pairwise(bl.lines):
        if words[-1].endswith("-"):
            assert isinstance(words[-1], _SplitWordHY) and isinstance(following[0], _SplitWordEnd)
    assert any(words[-1].endswith("-") for _, words in bl.lines)
    assert 0 < para._width_max <= WIDE + 1e-6


@pytest.mark.parametrize("make_style", [style, ragged_style], ids=["justified", "ragged"])
def test_a_split_paragraph_keeps_its_lines(make_style):
    text = paragraphs(1, seed=10)[0]
    for width in (WIDE, NARROW):
        whole = paragraph(text, make_style())
        whole.wrap(width, 10_000)
        lines = [" ".join(words) for _, words in whole.blPara.lines]
        n = len(lines)
        assert n >= 5
        for room in range(2, n):
            whole.wrap(width, 10_000)
            parts = whole.split(width, room * LEADING)
            assert len(parts) == 2
            first, rest = parts
            first.wrap(width, room * LEADING)
            rest.wrap(width, 10_000)
            s = len(first.blPara.lines)
            # no widow: with room for all lines but one, one more goes over
            assert s == (room - 1 if room == n - 1 else room)
            assert first.height == s * LEADING
            assert [" ".join(w) for _, w in first.blPara.lines] == lines[:s]
            assert [" ".join(w) for _, w in rest.blPara.lines] == lines[s:]
            assert len(rest.blPara.lines) >= 2
        whole.wrap(width, 10_000)
        assert whole.split(width, 1.5 * LEADING) == []  # no orphan either


def test_the_rest_of_a_split_reflows_at_another_width():
    text = paragraphs(1, seed=11)[0]
    whole = paragraph(text, style())
    whole.wrap(NARROW, 10_000)
    first, rest = whole.split(NARROW, 3 * LEADING)
    s = len(first.blPara.lines)
    rest.wrap(WIDE, 10_000)
    assert rejoined(whole.blPara.lines[s:]) == rejoined(rest.blPara.lines)
    assert len(rest.blPara.lines) < len(whole.blPara.lines) - s  # set again, for the wider column
    assert len(rest.breakLines([WIDE]).lines) == len(rest.blPara.lines)


def test_other_paragraphs_are_left_to_reportlab():
    text = paragraphs(1, seed=12)[0]
    others = [
        paragraph(text, style(alignment=TA_LEFT)),  # left-aligned, but not a ragged copy of the body style
        paragraph(text, style(), bullet=True),
        paragraph([Run(text[:40] + "\n"), Run(text[40:], bold=True)], style()),  # a line break
    ]
    for para in others:
        assert LB.break_lines(para, [NARROW]) is None
        assert texts(para.breakLines([NARROW])) == texts(Paragraph.breakLines(para, [NARROW]))


def _runs_words(bl: object) -> list[str]:
    """The words of kind-1 lines, hyphenated heads joined to their tails."""
    return " ".join(texts(bl)).replace("- ", "").split()


RUNS = {  # paragraphs of several runs, set total-fit too (layout/fragbreak.py)
    "bold": lambda text: [Run(text[:40]), Run(text[40:200], bold=True), Run(text[200:])],
    "italic": lambda text: [Run(text, italic=True)],  # one run, not the style's font
    "link": lambda text: [Run(text[:120] + " "), Run("the alliance's site", href="https://example.org"),
                          Run(", " + text[120:])],
    "fallback": lambda text: [Run(text + " \u4e2d\u6587")],  # a fallback-font run
}


@pytest.mark.parametrize("kind", list(RUNS))
def test_paragraphs_of_several_runs_are_broken_total_fit(kind):
    """Lines of styled fragments, broken with the same rules as plain text: every word once and in order, as
    ReportLab's breaker has them; at most two hyphenated lines in a row; no line wider than its column allows."""
    text = paragraphs(1, seed=12)[0]
    para = paragraph(RUNS[kind](text), style(spaceShrinkage=0.2))
    if kind == "fallback":
        assert para.frags[-1].fontName == FALLBACK
    bl = LB.break_lines(para, [NARROW])
    assert bl is not None and bl.kind == 1 and para._anso_runs and para._anso_hanging
    assert _runs_words(bl) == _runs_words(Paragraph.breakLines(paragraph(RUNS[kind](text), style()), [NARROW]))
    assert hyphen_runs([(0.0, [ln.words[-1].text]) for ln in bl.lines]) <= LB.MAX_HYPHENS_IN_A_ROW
    for line in bl.lines:
        spaces = line.wordCount - 1
        assert line.extraSpace >= -0.2 * space() * spaces - 1e-6
    assert len(bl.lines) <= len(Paragraph.breakLines(paragraph(RUNS[kind](text), style()), [NARROW]).lines) + 1


def test_a_split_paragraph_of_several_runs_keeps_its_lines():
    text = paragraphs(1, seed=14)[0]
    whole = paragraph(RUNS["link"](text), style())
    whole.wrap(NARROW, 10_000)
    lines = texts(whole.blPara)
    first, rest = whole.split(NARROW, 3 * LEADING)
    first.wrap(NARROW, 10_000)
    rest.wrap(NARROW, 10_000)
    assert texts(first.blPara) + texts(rest.blPara) == lines
    assert rest._anso_hanging and len(rest.breakLines([NARROW]).lines) == len(lines) - 3


def _lines_of(para: Paragraph) -> list[tuple[str, str, float]]:
    """Each fragment of each line: its text, face and link, and each line's extra space."""
    return [(f"{ln.extraSpace:.6f}", "|".join(f"{getattr(w, 'text', '')}@{w.fontName}@{getattr(w, 'link', None)}"
                                               for w in ln.words), ln.wordCount) for ln in para.blPara.lines]


def _forget_paragraphs() -> None:
    from anso_pdf.layout import fragbreak, inline

    inline._PARSED.clear()
    inline._PARSED_IN.clear()
    LB._RUN_RESULTS.clear()
    fragbreak._FOUND.clear()


def test_paragraphs_made_again_share_their_breaks_only_when_they_are_the_same():
    """Each layout attempt makes its paragraphs anew: one of the same runs, in a style that differs only in leading,
    takes the lines the first was broken into (layout/linebreak.py, `_RUN_RESULTS`), and they are the lines a first
    break gives. The same words with another link, in bold or at another size are parsed and broken for themselves."""
    text = paragraphs(1, seed=15)[0]
    _forget_paragraphs()
    first = paragraph(RUNS["link"](text), style())
    first.wrap(NARROW, 10_000)
    again = paragraph(RUNS["link"](text), style(leading=LEADING + 1.5))
    again.wrap(NARROW, 10_000)
    assert again.frags is not first.frags and _lines_of(again) == _lines_of(first)
    assert all(a is not b for a, b in zip(again.blPara.lines, first.blPara.lines, strict=True))
    other_link = [Run(r.text, r.bold, r.italic, "https://example.com/other" if r.href else None)
                  for r in RUNS["link"](text)]
    variants = {"another link": (other_link, style()), "bold": (RUNS["bold"](text), style()),
                "another size": (RUNS["link"](text), style(fontSize=SIZE + 1))}
    for name, (runs, st) in variants.items():
        shared = paragraph(runs, st)
        shared.wrap(NARROW, 10_000)
        _forget_paragraphs()
        alone = paragraph(runs, st)
        alone.wrap(NARROW, 10_000)
        assert _lines_of(shared) == _lines_of(alone), name
        assert _lines_of(shared) != _lines_of(first), name
        paragraph(RUNS["link"](text), style()).wrap(NARROW, 10_000)  # the first one's breaks known again


def test_a_paragraph_with_no_room_to_split_keeps_its_lines():
    """ReportLab's split drops a paragraph's lines when it has no room for two of them; the paragraph keeps them
    (it was broken again at its next wrap, at the same measure, to the same lines)."""
    para = paragraph(RUNS["link"](paragraphs(1, seed=16)[0]), style())
    para.wrap(NARROW, 10_000)
    lines = para.blPara
    assert para.split(NARROW, LEADING) == []
    assert para.blPara is lines
    assert para.wrap(NARROW, 10_000)[1] == len(lines.lines) * LEADING


@pytest.mark.parametrize("make_style", [style, ragged_style], ids=["justified", "ragged"])
def test_the_drawn_text_is_the_text(make_style):
    text = " ".join(paragraphs(1, seed=13))
    para = paragraph(text, make_style())
    _, height = para.wrap(NARROW, 10_000)
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(NARROW + 20, height + 20))
    para.drawOn(canvas, 10, 10)
    canvas.save()
    assert joined(pdf_pages_text(buffer.getvalue())[0]) == joined(text)


def _word_spacing(para: Paragraph, width: float) -> list[float]:
    """The word spacings (Tw) the PDF's content stream sets for a paragraph drawn at `width`."""
    import pikepdf

    _, height = para.wrap(width, 10_000)
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(width + 20, height + 20))
    para.drawOn(canvas, 10, 10)
    canvas.save()
    with pikepdf.open(io.BytesIO(buffer.getvalue())) as pdf:
        return [float(ops[0]) for ops, op in pikepdf.parse_content_stream(pdf.pages[0]) if str(op) == "Tw"]


@pytest.mark.parametrize(("stretch", "ragged"), [(2.8, True), (2.3, False)])
def test_a_short_paragraph_too_loose_to_justify_is_set_ragged(stretch, ragged):
    """Two lines, no hyphenation point in the last word ("chapters" has none in British English): with the first
    line's word spaces beyond RAGGED_BEYOND (2.5) times their width the paragraph is drawn ragged-right, with no word
    spacing in the PDF; within it, justified."""
    text = "ANSO Strategic Plan 2020\u20132022 consists of four chapters:"
    head = split(text)[:-1]
    width = natural(head) + (len(head) - 1) * space() * (stretch - 1.0)
    para = paragraph(text, style(spaceShrinkage=0.05))
    spacing = [tw for tw in _word_spacing(para, width) if abs(tw) > 1e-6]
    assert [" ".join(words) for _, words in para.blPara.lines] == [" ".join(head), "chapters:"]
    assert para._anso_ragged is ragged
    if ragged:
        assert spacing == []
    else:
        assert spacing and abs(spacing[0] / space() + 1.0 - stretch) < 0.01


def test_a_long_loose_paragraph_stays_justified():
    """Only short paragraphs (SHORT_PARAGRAPH lines) are set ragged: a longer one with a line as loose keeps it."""
    text = " ".join(["ANSO Strategic Plan 2020\u20132022 consists of four chapters:"] * 3)
    head = split(text)[:7]
    width = natural(head) + (len(head) - 1) * space() * 1.8
    para = paragraph(text, style(spaceShrinkage=0.05))
    spacing = _word_spacing(para, width)
    assert len(para.blPara.lines) > LB.SHORT_PARAGRAPH
    assert not para._anso_ragged and any(tw > 1e-6 for tw in spacing)


# --- in the laid-out issues -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def ragged_paragraphs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[LC.Drawn]]:
    """The ragged-right body paragraphs (and parts) of the sample and the generated issues, as drawn."""
    paths = {"sample": LC.SAMPLE, **LC.write_generated(tmp_path_factory.mktemp("issues"))}
    out = {}
    for name, path in paths.items():
        drawn = LC.drawn_paragraphs(LC.lay_out(path, name))
        # plain text only: a body paragraph with bold, italic or a link is ReportLab's to break
        out[name] = [d for d in drawn if LB.ragged_body(d.para.style) and LC.base_style(d.para.style) in LC.JUSTIFIED_STYLES
                     and LB._simple(d.para)]
    return out


def test_ragged_body_text_in_the_issues(ragged_paragraphs):
    """Page 1's 57 mm columns and every three-column page: no more than two hyphenated lines in a row, no line
    wider than its column, and each whole paragraph's words in order."""
    assert len(ragged_paragraphs["sample"]) >= 3 and len(ragged_paragraphs["letter-3col"]) >= 10
    problems = []
    for name, drawn in ragged_paragraphs.items():
        for d in drawn:
            lines = d.para.blPara.lines
            where = f"{name} page {d.page} {d.ident}"
            if hyphen_runs(lines) > LB.MAX_HYPHENS_IN_A_ROW:
                problems.append(f"{where}: {hyphen_runs(lines)} hyphenated lines in a row")
            problems += [f"{where}: {-extra:.2f} pt past the column: {' '.join(words)!r}" for extra, words in lines if extra < -1e-6]
            frag = d.para.frags[0]
            # a whole paragraph's words (a split part is made of its lines' words)
            if hasattr(frag, "text") and rejoined(lines) != split(strip(frag.text)):
                problems.append(f"{where}: the words are not the paragraph's")
    assert not problems, "\n".join(problems)
