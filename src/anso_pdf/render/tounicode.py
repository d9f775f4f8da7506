"""ToUnicode maps that say what each glyph stands for, so text copies out of the PDF as it was written.

ReportLab's subset maps (reportlab.pdfbase.ttfonts.makeToUnicodeCMap, 5.1.0 is pinned) list every code of a subset,
the unused ones as U+0000, which PDF/UA-1 forbids; here only the codes in use are listed. The non-breaking hyphen
layout/inline.py sets inside compounds ("Vice-President", "13-14 May", so that they never break at a line end) is
the hyphen the user wrote: it maps back to U+002D.
"""

from __future__ import annotations

from reportlab.pdfbase import ttfonts

_NOT_TEXT = {0x0000, 0xFEFF, 0xFFFE, 0xFFFF}
_AS_WRITTEN = {0x2011: 0x002D}
_original = ttfonts.makeToUnicodeCMap


def to_unicode_cmap(fontname: str, subset: list[int]) -> str:
    """ReportLab's CMap for a subset, with only the codes in use and compound hyphens as hyphens."""
    cmap = _original(fontname, subset).split("\n")
    start = cmap.index(f"{len(subset)} beginbfchar")
    end = cmap.index("endbfchar")
    chars = [f"<{code:02X}> <{_AS_WRITTEN.get(u, u):04X}>" for code, u in enumerate(subset) if u not in _NOT_TEXT]
    return "\n".join([*cmap[:start], f"{len(chars)} beginbfchar", *chars, *cmap[end:]])


def install() -> None:
    """Make ReportLab write these maps (idempotent)."""
    ttfonts.makeToUnicodeCMap = to_unicode_cmap
