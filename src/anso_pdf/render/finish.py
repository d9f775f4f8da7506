"""Linearize ReportLab's PDF where the profile asks for it (email), with qpdf through pikepdf, deterministically,
when every qpdf in use reads the hint tables back the same way.
Everything else in the PDF, document information, language, viewer settings, outline and the press PDF's PDF/X
keys, is written as it is drawn (render/paint.py, render/pdfx.py)."""

from __future__ import annotations

import io
from collections import Counter
from typing import TYPE_CHECKING

from anso_pdf.render.profiles import Profile

if TYPE_CHECKING:
    import pikepdf

# Catalog entries qpdf puts with the catalog at the front of a linearized file (its "open document" part) or in
# the outline's own part; an object they reach is placed the same way by every qpdf version.
_PLACED_FIRST = frozenset({"/ViewerPreferences", "/PageMode", "/Threads", "/OpenAction", "/AcroForm", "/Outlines"})


def finishes(profile: Profile) -> bool:
    """True when finish may change the profile's PDF (pikepdf is imported only then: about 50 ms)."""
    return profile.linearize


def finish(data: bytes, profile: Profile) -> bytes:
    """The PDF as the profile wants it: as ReportLab wrote it, linearized when the profile says so and the
    linearization reads back the same in qpdf 11 and 12 (`hint_tables_agree`); otherwise as ReportLab wrote it."""
    if not finishes(profile):
        return data
    import pikepdf

    with pikepdf.open(io.BytesIO(data)) as pdf:
        if not hint_tables_agree(pdf):
            return data
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


def hint_tables_agree(pdf: pikepdf.Pdf) -> bool:
    """False when qpdf 11 and qpdf 12 would place some object in different parts of a linearized file, so the
    file one writes fails the other's check ("object count mismatch for page N"): an object that one page after
    the first reaches and the catalog or trailer reaches too (outside `_PLACED_FIRST`). qpdf 11 puts it among the
    document's other objects, qpdf 12 with that page (qpdf/qpdf#997 describes the change). In a tagged PDF it is
    every link annotation after page 1: its page's /Annots and the structure tree's OBJR both name it."""
    pages = [_reached(page.obj) for page in pdf.pages]
    later = Counter(og for reached in pages[1:] for og in reached)
    private = {og for og, users in later.items() if users == 1}.difference(*pages[:1])
    if not private:
        return True
    starts = [value for key, value in pdf.Root.items() if key not in _PLACED_FIRST]
    starts += [value for key, value in pdf.trailer.items() if key not in ("/Root", "/Encrypt")]
    return all(private.isdisjoint(_reached(start)) for start in starts)


def _reached(start: pikepdf.Object) -> set[tuple[int, int]]:
    """The indirect objects qpdf counts as used from `start`: everything it refers to, without entering another
    page (a page is followed only when it is `start`) or going up the page tree."""
    import pikepdf

    seen: set[tuple[int, int]] = set()
    pending: list[tuple[pikepdf.Object, bool]] = [(start, True)]
    while pending:
        obj, top = pending.pop()
        if not isinstance(obj, pikepdf.Object):  # numbers and booleans come back as Python values
            continue
        is_page = isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == pikepdf.Name.Page
        if is_page and not top:
            continue
        if obj.is_indirect:
            if obj.objgen in seen:
                continue
            seen.add(obj.objgen)
        if isinstance(obj, pikepdf.Array):
            pending.extend((item, False) for item in obj)
        elif isinstance(obj, pikepdf.Dictionary | pikepdf.Stream):
            entries = obj.stream_dict if isinstance(obj, pikepdf.Stream) else obj
            pending.extend((value, False) for key, value in entries.items() if not (is_page and key == "/Parent"))
    return seen
