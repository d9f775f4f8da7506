"""Turn text runs into ReportLab paragraphs: the only module that writes paragraph markup.

Every character of user text is escaped here; tags come only from our own run attributes, links only
from URLs the model already checked, and characters the main font lacks go to the fallback font.
"""

from __future__ import annotations

from collections.abc import Iterable
from xml.sax.saxutils import escape, quoteattr

from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus.paragraph import Paragraph

from anso_pdf.layout.fonts import FALLBACK, FontSet, register_fonts
from anso_pdf.model.text import Run

_CJK_RANGES = ((0x2E80, 0x9FFF), (0xAC00, 0xD7AF), (0xF900, 0xFAFF), (0xFF00, 0xFFEF), (0x3000, 0x303F))


def _is_cjk(ch: str) -> bool:
    o = ord(ch)
    return any(a <= o <= b for a, b in _CJK_RANGES)


def _family(style: ParagraphStyle) -> str:
    return style.fontName.split("-")[0]


def _escape_with_fallback(text: str, family: str, fonts: FontSet) -> str:
    """Escape text; runs of characters the family lacks are set in the fallback font."""
    out: list[str] = []
    run: list[str] = []
    fallback = False
    for ch in text:
        needs = not fonts.covers(family, ch) and not ch.isspace() and ch != "\u00ad"
        if needs != fallback and run:
            out.append(_wrap("".join(run), fallback))
            run = []
        fallback = needs
        run.append(ch)
    if run:
        out.append(_wrap("".join(run), fallback))
    return "".join(out)


def _wrap(text: str, fallback: bool) -> str:
    escaped = escape(text).replace("\n", "<br/>")
    return f'<font face="{FALLBACK}">{escaped}</font>' if fallback else escaped


def runs_markup(runs: Iterable[Run], style: ParagraphStyle) -> str:
    fonts = register_fonts()
    family = _family(style)
    parts: list[str] = []
    for run in runs:
        text = _escape_with_fallback(run.text, family, fonts)
        if run.bold:
            text = f"<b>{text}</b>"
        if run.italic:
            text = f"<i>{text}</i>"
        if run.href:
            text = f"<a href={quoteattr(run.href)}>{text}</a>"
        parts.append(text)
    return "".join(parts)


def paragraph(content: str | Iterable[Run], style: ParagraphStyle, *, bullet: bool = False, link: str | None = None) -> Paragraph:
    """A ReportLab Paragraph of plain text (escaped) or of runs from the markup subset."""
    runs = [Run(content)] if isinstance(content, str) else list(content)
    if link:
        runs = [Run(r.text, r.bold, r.italic, link) for r in runs]
    if any(_is_cjk(ch) for r in runs for ch in r.text):
        style = ParagraphStyle(style.name + "-cjk", parent=style, wordWrap="CJK")
    markup = runs_markup(runs, style)
    para = Paragraph(markup, style, bulletText="\u2022" if bullet else None)
    para.anso_words = sum(len(r.text.split()) for r in runs)  # type: ignore[attr-defined]
    return para


def plain_text(runs: Iterable[Run]) -> str:
    return "".join(r.text for r in runs)
