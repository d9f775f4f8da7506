"""ToUnicode maps that say what each glyph stands for, so text copies out of the PDF as it was written.

ReportLab's subset maps (reportlab.pdfbase.ttfonts.makeToUnicodeCMap, 5.1.0 is pinned) list every code of a subset,
the unused ones as U+0000, which PDF/UA-1 forbids; here only the codes in use are listed. The non-breaking hyphen
layout/inline.py sets inside compounds ("Vice-President", "13-14 May", so that they never break at a line end) is
the hyphen the user wrote: it maps back to U+002D. A glyph shaping added a code for (render/glyphs.py: a ligature, a
composed letter) maps to the characters it stands for.
"""

from __future__ import annotations

from reportlab.pdfbase import ttfonts

from anso_pdf.render.glyphs import PRIVATE, private_text

_NOT_TEXT = {0x0000, 0xFEFF, 0xFFFE, 0xFFFF}
_AS_WRITTEN = {0x2011: 0x002D}
_original = ttfonts.makeToUnicodeCMap


def to_unicode_cmap(fontname: str, subset: list[int]) -> str:
    """ReportLab's CMap for a subset, with only the codes in use and compound hyphens as hyphens."""
    cmap = _original(fontname, subset).split("\n")
    start = cmap.index(f"{len(subset)} beginbfchar")
    end = cmap.index("endbfchar")
    face = fontname.split("+", 1)[-1].encode("latin-1")
    chars = []
    for code, u in enumerate(subset):
        text = private_text(face, u) if u >= PRIVATE else None
        if text is not None:  # a glyph shaping added (a ligature, a composed letter): the characters it stands for
            if text:
                chars.append(f"<{code:02X}> <{text.encode('utf-16-be').hex().upper()}>")
        elif u not in _NOT_TEXT:
            chars.append(f"<{code:02X}> <{_AS_WRITTEN.get(u, u):04X}>")
    return "\n".join([*cmap[:start], f"{len(chars)} beginbfchar", *chars, *cmap[end:]])


def install() -> None:
    """Make ReportLab write these maps (idempotent)."""
    ttfonts.makeToUnicodeCMap = to_unicode_cmap
