"""Complete ReportLab's PDF for its profile with pikepdf: language, viewer settings and linearization for email
(the press PDF's PDF/X keys are ReportLab's own: render/pdfx.py). Saves deterministically."""

from __future__ import annotations

import io

from anso_pdf.render.profiles import Profile

PDF_DATE = "D:20000101000000+00'00'"


def finish(data: bytes, profile: Profile, meta: dict[str, str]) -> bytes:
    """The PDF as the profile wants it. A profile that is not linearized (press) is complete as ReportLab wrote it
    (render/pdfx.py adds the PDF/X keys as it is made); linearization (email) is qpdf's work."""
    if not profile.linearize:
        return data
    import pikepdf
    from pikepdf import Dictionary, Name, String

    with pikepdf.open(io.BytesIO(data)) as pdf:
        info = pdf.docinfo
        info[Name.Title] = String(meta["title"])
        info[Name.Author] = String(meta["author"])
        info[Name.Subject] = String(meta["subject"])
        info[Name.Keywords] = String(meta["keywords"])
        info[Name.CreationDate] = String(meta.get("date", PDF_DATE))
        info[Name.ModDate] = String(meta.get("date", PDF_DATE))
        pdf.Root.Lang = String(meta["lang"])
        pdf.Root.ViewerPreferences = Dictionary(DisplayDocTitle=True)
        if "/Outlines" in pdf.Root:
            pdf.Root.PageMode = Name.UseOutlines
        out = io.BytesIO()
        pdf.save(
            out,
            deterministic_id=True,
            linearize=profile.linearize,
            min_version="1.5",
            # object streams make qpdf's linearization hint tables disagree ("incorrect object count")
            object_stream_mode=pikepdf.ObjectStreamMode.disable,
            compress_streams=True,
            recompress_flate=False,
            # our XMP carries no pdf:PDFVersion to update, and reading it back to look costs 12 ms
            fix_metadata_version=False,
        )
    return out.getvalue()
