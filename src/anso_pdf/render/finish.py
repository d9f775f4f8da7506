"""Linearize ReportLab's PDF where the profile asks for it (email), with qpdf through pikepdf, deterministically.
Everything else in the PDF, document information, language, viewer settings, outline and the press PDF's PDF/X
keys, is written as it is drawn (render/paint.py, render/pdfx.py)."""

from __future__ import annotations

import io

from anso_pdf.render.profiles import Profile


def finishes(profile: Profile) -> bool:
    """True when finish changes the profile's PDF (pikepdf is imported only then: about 50 ms)."""
    return profile.linearize


def finish(data: bytes, profile: Profile) -> bytes:
    """The PDF as the profile wants it: as ReportLab wrote it, linearized when the profile says so."""
    if not finishes(profile):
        return data
    import pikepdf

    with pikepdf.open(io.BytesIO(data)) as pdf:
        out = io.BytesIO()
        pdf.save(
            out,
            deterministic_id=True,
            linearize=True,
            min_version="1.5",
            # object streams make qpdf's linearization hint tables disagree ("incorrect object count")
            object_stream_mode=pikepdf.ObjectStreamMode.disable,
            compress_streams=True,
            recompress_flate=False,
        )
    return out.getvalue()
