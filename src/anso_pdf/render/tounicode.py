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


def to_unicode_cmap(fontname: str, subset: list[int]) -> str:
    """ReportLab's CMap for a subset (the same header and codespace), with only the codes in use, compound hyphens
    as hyphens, and a glyph shaping added (a ligature, a composed letter) as the characters it stands for."""
    face = fontname.split("+", 1)[-1].encode("latin-1")
    chars = []
    for code, u in enumerate(subset):
        text = private_text(face, u) if u >= PRIVATE else None
        if text is not None:
            if text:
                chars.append(f"<{code:02X}> <{text.encode('utf-16-be').hex().upper()}>")
        elif u not in _NOT_TEXT:
            chars.append(f"<{code:02X}> <{_AS_WRITTEN.get(u, u):04X}>")
    return "\n".join([
        "/CIDInit /ProcSet findresource begin", "12 dict begin", "begincmap", "/CIDSystemInfo",
        f"<< /Registry ({fontname})", f"/Ordering ({fontname})", "/Supplement 0", ">> def",
        f"/CMapName /{fontname} def", "/CMapType 2 def", "1 begincodespacerange",
        f"<00> <{len(subset) - 1:02X}>", "endcodespacerange", f"{len(chars)} beginbfchar", *chars, "endbfchar",
        "endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end",
    ])


def install() -> None:
    """Make ReportLab write these maps (idempotent)."""
    ttfonts.makeToUnicodeCMap = to_unicode_cmap
