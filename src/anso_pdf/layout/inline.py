"""Turn text runs into ReportLab paragraphs: the only module that writes paragraph markup.

Every character of user text is escaped here; tags come only from our own run attributes, links only
from URLs the model already checked, and characters the main font lacks go to the fallback font.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import lru_cache
from html import escape as _html_escape  # (xml.sax.saxutils would import urllib.request: 16 ms at start-up)
from typing import Any, TypeVar

from reportlab.lib.enums import TA_LEFT
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import paragraph as _reportlab_paragraph
from reportlab.platypus.paragraph import (
    Paragraph,
    _InjectedFrag,
    _SHYWord,
    _SHYWordHS,
    _SplitFragHY,
    _SplitFragLL,
)

from anso_pdf.layout import linebreak
from anso_pdf.layout.document import tagged
from anso_pdf.layout.fonts import FALLBACK, FontSet, decomposed, register_fonts
from anso_pdf.model.text import Run
from anso_pdf.model.values import link_uri

# With hyphenation on, ReportLab splits a URL once after "https://" and sets the rest on one line, however
# wide (verified: 197 pt past a 130 pt column). Without its URL rule a long URL is broken between characters
# where the line is full, so it never runs past the column edge (reportlab==5.1.0 is pinned).
_reportlab_paragraph._uri_split_pairs = lambda word: None

LINK_MARKER = "anso_link"  # the onDraw callback around each link (render/tags.py registers it)

_WORD = re.compile(r"\S+")  # (a pattern for a whole address, \S*(?:://|@)\S*, was quadratic: issue #17)


def _family(style: ParagraphStyle) -> str:
    return style.fontName.split("-")[0]


def _escape_with_fallback(text: str, family: str, fonts: FontSet) -> str:
    """Escape text; runs of characters the family lacks are set in the fallback font."""
    out: list[str] = []
    run: list[str] = []
    fallback = False
    for ch in "".join(decomposed(c, family, fonts) for c in text):
        needs = not fonts.covers(family, ch) and not ch.isspace() and ch != "\u00ad" and fonts.covers(FALLBACK, ch)
        if needs != fallback and run:
            out.append(_wrap("".join(run), fallback))
            run = []
        fallback = needs
        run.append(ch)
    if run:
        out.append(_wrap("".join(run), fallback))
    return "".join(out)


def escape(text: str) -> str:
    """&, < and > as entities: the text can no longer be read as markup."""
    return _html_escape(text, quote=False)


def quoteattr(value: str) -> str:
    """A quoted attribute value: the quotes inside it, and &, < and >, as entities."""
    return '"' + _html_escape(value, quote=True) + '"'


# ReportLab 5.1.0 drops the space before a word that starts with &, < or > when an earlier word holds a soft
# hyphen ("A\u00adb &c" is set "Ab&c"; found by the proof, anso_pdf/proof.py): that space as a character reference
# is kept, and breaks a line as any space does.
_SPACE_BEFORE_ENTITY = re.compile(r" (?=&(?:amp|lt|gt);)")


def _wrap(text: str, fallback: bool) -> str:
    escaped = _SPACE_BEFORE_ENTITY.sub("&#32;", escape(text)).replace("\n", "<br/>")
    return f'<font face="{FALLBACK}">{escaped}</font>' if fallback else escaped


_INNER_HYPHEN = re.compile(r"(?<=\w)-(?=\w)")


def _no_break_compounds(text: str) -> str:
    """Hyphens inside words as non-breaking hyphens, except in web and e-mail addresses. Linear in the text."""
    parts = []
    last = 0
    for m in _WORD.finditer(text):
        word = m.group()
        if "-" in word and not ("://" in word or "@" in word or "www." in word):
            parts.append(text[last : m.start()])
            parts.append(_INNER_HYPHEN.sub("\u2011", word))
            last = m.end()
    parts.append(text[last:])
    return "".join(parts)


def runs_markup(runs: Iterable[Run], style: ParagraphStyle) -> str:
    return _markup(tuple(runs), _family(style))


@lru_cache(maxsize=4096)
def _markup(runs: tuple[Run, ...], family: str) -> str:
    """The markup of some runs in a family; the same for every copyfit attempt, so made once."""
    fonts = register_fonts()
    parts: list[str] = []
    for run in runs:
        # a compound's own hyphen never ends a line ("co-hosted", "13-14 May"): a non-breaking hyphen looks the same
        # (not inside web and e-mail addresses: copied from the PDF, they must work)
        shown = _no_break_compounds(run.text) if fonts.covers(family, "\u2011") else run.text
        text = _escape_with_fallback(shown, family, fonts)
        if run.bold:
            text = f"<b>{text}</b>"
        if run.italic:
            text = f"<i>{text}</i>"
        if run.href:
            href = link_uri(run.href)  # 7-bit ASCII, as /URI must be; the text shown stays as written
            # the markers let a tagged PDF mark the link's own text as its Link element (render/tags.py)
            text = (f'<onDraw name="{LINK_MARKER}" label={quoteattr("a " + href)}/><a href={quoteattr(href)}>'
                    f'{text}</a><onDraw name="{LINK_MARKER}" label="/a"/>')
        parts.append(text)
    return "".join(parts)


GREEDY_SHRINK = 0.05  # ReportLab's default spaceShrinkage

_T = TypeVar("_T")
_PerStyle = dict[tuple[int, Any], tuple[ParagraphStyle, _T]]


def _per_style(cache: _PerStyle[_T], style: ParagraphStyle, what: Any, make: Callable[[], _T]) -> _T:
    """`make()` for this style (and `what`), made once: styles are made once per fit, and paragraphs measure once
    per style, so what is derived from a style is kept by its identity (and dropped with it)."""
    key = (id(style), what)
    got = cache.get(key)
    if got is None or got[0] is not style:
        if len(cache) > 1000:
            cache.clear()
        got = cache[key] = (style, make())
    return got[1]


_RESTYLED: _PerStyle[ParagraphStyle] = {}


def restyled(style: ParagraphStyle, **changes: Any) -> ParagraphStyle:
    """The style with some settings changed, made once per style and changes; it keeps what the layout sets on a
    style beside ReportLab's settings (`justified_original`, `anso_tag`)."""
    def make() -> ParagraphStyle:
        copy = type(style)(style.name, parent=style, **changes)
        for key in ("justified_original", "anso_tag"):
            if key in style.__dict__:
                setattr(copy, key, style.__dict__[key])
        return copy

    return _per_style(_RESTYLED, style, tuple(sorted(changes.items())), make)


class MeasuredParagraph(Paragraph):
    """A Paragraph that measures once per width and style: balancing and copyfitting wrap the same
    paragraph many times at the same column width, and line breaking does not depend on the height.

    Body paragraphs of plain text, justified or set ragged-right for a narrow column, are broken total-fit
    (layout/linebreak.py); the others by ReportLab. The parts of a split paragraph keep the lines they had in
    the whole."""

    _measured: tuple[float, int] | None = None
    # the markup and style settings its frags were parsed from, while they are (linebreak._break_runs breaks such a
    # paragraph once for all the paragraphs made from the same)
    anso_source: tuple[str, tuple[Any, ...]] | None = None

    def _setup(self, text, style, bulletText, frags, cleaner):  # type: ignore[no-untyped-def]  # noqa: N803
        """ReportLab's setup, with the markup parsed once per markup and style settings (`_parsed_in`): each layout
        attempt makes its paragraphs anew, and parsing was a fifth of an attempt. Each paragraph gets its own
        copies of the parsed frags."""
        settings = _parsed_in(style) if frags is None and isinstance(text, str) and bulletText is None else None
        if settings is None:
            return super()._setup(text, style, bulletText, frags, cleaner)
        key = self.anso_source = (text, settings)
        got = _PARSED.get(key)
        if got is None:
            super()._setup(text, style, bulletText, frags, cleaner)
            if self.style is style and self.bulletText is None:
                if len(_PARSED) > 2_000:
                    _PARSED.clear()
                _PARSED[key] = (self.text, tuple(f.clone() for f in self.frags))
            return None
        self.text, self.frags = got[0], [f.clone() for f in got[1]]
        self.style, self.bulletText, self.debug = style, None, 0
        return None

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803 (ReportLab's names)
        key = (availWidth, id(self.style))
        if self._measured == key and "blPara" in self.__dict__:
            return self.width, self.height
        size = super().wrap(availWidth, availHeight)
        self._measured = key
        return size

    def drawOn(self, canvas, x, y, _sW=0):  # type: ignore[no-untyped-def]  # noqa: N802 (ReportLab's name)
        if canvas.getNamedCB(LINK_MARKER) is None:  # a canvas that does not tag: the link markers draw nothing
            canvas.setNamedCB(LINK_MARKER, lambda *_: None)
        with tagged(canvas, getattr(self, "anso_tag", "")):
            super().drawOn(canvas, x, y, _sW)

    def drawPara(self, debug: int = 0) -> Any:  # noqa: N802 (ReportLab's name)
        """ReportLab draws the lines; each line of a paragraph whose lines hang their punctuation (linebreak.py
        counted it in the line's width) starts shifted left by its first character's protrusion (render/glyphs.py
        reads the canvas' `anso_hanging`). A justified paragraph the breaker set ragged-right (too loose justified,
        linebreak.RAGGED_WHEN_LOOSE) is drawn left-aligned."""
        canvas = self.canv
        canvas.anso_hanging = self.__dict__.get("_anso_hanging", False)
        style: ParagraphStyle = self.__dict__["style"]
        if self.__dict__.get("_anso_ragged", False):
            self.style = restyled(style, alignment=TA_LEFT)
        try:
            return super().drawPara(debug)
        finally:
            canvas.anso_hanging = False
            self.style = style

    def breakLines(self, width):  # type: ignore[no-untyped-def]  # noqa: N802 (ReportLab's name)
        lines = linebreak.break_lines(self, width)
        if lines is not None:
            return lines
        style = self.style
        if (style.spaceShrinkage or 0) <= GREEDY_SHRINK:
            return _no_empty_tail(super().breakLines(width))
        # ReportLab's greedy breaker keeps ReportLab's own shrink: it lets a paragraph's last line run past the
        # column by the shrink of its spaces and draws it unsqueezed (only total-fit squeezes spaces by a third)
        self.style = restyled(style, spaceShrinkage=GREEDY_SHRINK)
        try:
            return _no_empty_tail(super().breakLines(width))
        finally:
            self.style = style

    def split(self, availWidth: float, availHeight: float) -> list:  # type: ignore[type-arg]  # noqa: N803
        """ReportLab's split, except that a paragraph with no room to split keeps its lines: ReportLab drops them,
        and the paragraph was broken again, from the same words at the same measure, at its next wrap."""
        lines = self.__dict__.get("blPara")
        parts = super().split(availWidth, availHeight)
        if not parts and lines is not None and "blPara" not in self.__dict__:
            self.blPara = lines
        linebreak.keep_split_lines(self, parts)
        return parts

    def _split_blParaProcessed(self, blPara: Any, start: int, stop: int) -> list[Any]:  # noqa: N802 (ReportLab's name)
        """The fragments of lines start..stop, as ReportLab 5.1.0 takes them, except that a part ending on a
        hyphenated word gets a copy of that word marked "ends in a hyphen": ReportLab changes the word's class in
        place, in the list the whole paragraph shares, so the paragraph split again (another column height) or
        moved whole kept that hyphen and a space after it in mid-line ("cli- mate", issue #12)."""
        if not stop:
            return []
        lines = blPara.lines
        first = lines[start].sFW
        last = lines[stop].sFW if stop != len(lines) else len(self.frags)
        frags = self.frags[first:last]
        while frags and isinstance(frags[-1], _InjectedFrag):
            del frags[-1]
        if frags and isinstance(frags[-1], _SplitFragHY):
            frags[-1] = (_SHYWordHS if isinstance(frags[-1], _SHYWord) else _SplitFragLL)(frags[-1])
        return frags


def _no_empty_tail(bl: Any) -> Any:
    """Lines of mixed runs (kind 1) without the empty fragment ReportLab leaves after a word it hyphenated: the
    word's head is then the line's last fragment, drawn as the line's end, so its hyphen becomes the soft hyphen
    that joins the word again when the text is read (render/tags.py, LineText); the empty one drew nothing."""
    if getattr(bl, "kind", 0) != 1:
        return bl
    for line in bl.lines:
        words = line.words
        while len(words) > 1 and _empty(words[-1]) and getattr(words[-2], "text", "").endswith("-"):
            words.pop()
    return bl


def _empty(frag: Any) -> bool:
    return getattr(frag, "text", None) == "" and getattr(frag, "cbDefn", None) is None


def paragraph(content: str | Iterable[Run], style: ParagraphStyle, *, bullet: bool = False, link: str | None = None) -> Paragraph:
    """A ReportLab Paragraph of plain text (escaped) or of runs from the markup subset."""
    runs = [Run(content)] if isinstance(content, str) else list(content)
    if link:
        runs = [Run(r.text, r.bold, r.italic, link) for r in runs]
    # CJK needs no wordWrap="CJK": a run with no spaces is a long word, which splitLongWords breaks between
    # characters only where a line is full, so short names and phrases stay whole on one line.
    markup = runs_markup(runs, style)
    para = MeasuredParagraph(markup, style, bulletText="\u2022" if bullet else None)
    para.anso_words = sum(len(r.text.split()) for r in runs)  # type: ignore[attr-defined]
    return para


_PARSED: dict[tuple[str, tuple[Any, ...]], tuple[str, tuple[Any, ...]]] = {}  # (MeasuredParagraph._setup)

# What of a style the markup parser reads to make a paragraph's frags: all but the vertical settings
_VERTICAL = {"leading", "spaceBefore", "spaceAfter", "allowOrphans", "allowWidows"}
_PARSE_SETTINGS = tuple(sorted(set(ParagraphStyle.defaults) - _VERTICAL))
_PARSED_IN: _PerStyle[tuple[Any, ...] | None] = {}


def _parsed_in(style: ParagraphStyle) -> tuple[Any, ...] | None:
    """The style's settings that decide how a paragraph's markup is parsed, made once per style: paragraphs of the
    same markup parsed in styles that agree on these have the same frags (and are broken the same)."""
    def make() -> tuple[Any, ...] | None:
        settings = tuple(getattr(style, k, None) for k in _PARSE_SETTINGS)
        try:
            hash(settings)
        except TypeError:  # a setting that cannot be a key (a list): such paragraphs are parsed and broken anew
            return None
        return settings

    return _per_style(_PARSED_IN, style, None, make)


def plain_text(runs: Iterable[Run]) -> str:
    return "".join(r.text for r in runs)
