"""The two output profiles as data: what the printer needs, and what the inbox needs."""

from __future__ import annotations

from dataclasses import dataclass

from anso_pdf.units import BLEED, mm


@dataclass(frozen=True)
class Profile:
    name: str
    suffix: str  # added to the file stem: build/STEM{suffix}.pdf
    bleed: float  # points added on every side of the trimmed page
    slug: float  # room outside the bleed for crop marks
    crop_marks: bool
    cmyk: bool  # colours and photos in CMYK through the output ICC profile; else sRGB
    ppi: int  # photos resampled to this at their placed size (never up)
    min_ppi: int | None  # warn about photos below this
    jpeg_quality: int
    links: bool  # link annotations (press PDFs carry none: PDF/X)
    pdfx: bool  # output intent, GTS_PDFXVersion, XMP
    linearize: bool
    size_warning: int | None  # bytes; warn above this and name the largest photos


PRESS = Profile(
    name="press", suffix="-press", bleed=BLEED, slug=mm(9), crop_marks=True, cmyk=True, ppi=300, min_ppi=300,
    jpeg_quality=92, links=False, pdfx=True, linearize=False, size_warning=None,
)
EMAIL = Profile(
    name="email", suffix="", bleed=0.0, slug=0.0, crop_marks=False, cmyk=False, ppi=150, min_ppi=None,
    jpeg_quality=80, links=True, pdfx=False, linearize=True, size_warning=2 * 1024 * 1024,
)
PROFILES: dict[str, Profile] = {"email": EMAIL, "press": PRESS}

OUTPUT_INTENT = {
    "icc": "FOGRA39L_coated.icc",
    "identifier": "FOGRA39",
    "condition": "Offset printing, according to ISO 12647-2:2004/Amd 1, OFCOM, paper type 1 or 2 = coated art, 115 g/m2",
    "registry": "http://www.color.org",
    "info": "FOGRA39L Coated",
}
