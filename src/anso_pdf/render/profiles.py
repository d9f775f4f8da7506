"""The two output profiles as data: what the printer needs, and what the inbox needs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypedDict

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
    resample: str  # the Pillow filter that takes photos down to `ppi`
    jpeg_optimize: bool  # an extra Huffman pass: a few per cent smaller, three times the encoding time
    progressive: bool
    links: bool  # link annotations (press PDFs carry none: PDF/X)
    pdfx: bool  # output intent, GTS_PDFXVersion, XMP
    linearize: bool
    size_warning: int | None  # bytes; warn above this and name the largest photos
    pdf_version: tuple[int, int] = (1, 7)  # PDF/UA-1 is PDF 1.7; PDF/X-4 is PDF 1.6
    error_ppi: int | None = None  # photos below this are an error (a warning with --draft): a printer rejects them
    overprint_black: bool = False  # 100 % K text and thin rules overprint (render/overprint.py)
    small_text_inks: int | None = None  # text below 9 pt in at most this many inks (render/safeink.py)


PRESS = Profile(
    name="press", suffix="-press", bleed=BLEED, slug=mm(9), crop_marks=True, cmyk=True, ppi=300, min_ppi=300,
    jpeg_quality=95, resample="BICUBIC", jpeg_optimize=False, progressive=False, links=False, pdfx=True, linearize=False, size_warning=None,
    pdf_version=(1, 6), error_ppi=150, overprint_black=True, small_text_inks=2,
)
EMAIL = Profile(
    name="email", suffix="", bleed=0.0, slug=0.0, crop_marks=False, cmyk=False, ppi=150, min_ppi=None,
    jpeg_quality=80, resample="LANCZOS", jpeg_optimize=True, progressive=False, links=True, pdfx=False, linearize=True, size_warning=2 * 1024 * 1024,
)
# Press photos are resampled bicubic, as Acrobat Distiller's press settings do: at 300 ppi the difference from
# Lanczos does not print, and it costs a third less. Its size does not matter to a printer, so no Huffman pass.
# Email photos keep Lanczos (seen on a screen, at 150 ppi) and the Huffman pass (size matters there); neither
# is progressive: a PDF attachment is read whole before any page shows, so progressive JPEGs, five times slower
# to encode, would only be 7 % smaller (measured in docs/performance.md).
PROFILES: dict[str, Profile] = {"email": EMAIL, "press": PRESS}

class OutputCondition(TypedDict):
    """A printing condition as data: the ICC profile photos and colours are converted with, what the output intent
    says, and the total ink the press takes."""

    icc: str  # file name under assets/icc
    identifier: str
    condition: str
    registry: str
    info: str
    ink_limit: int  # per cent total area coverage


OUTPUT_INTENT: OutputCondition = {
    "icc": "FOGRA39L_coated.icc",
    "identifier": "FOGRA39",
    "condition": "Offset printing, according to ISO 12647-2:2004/Amd 1, OFCOM, paper type 1 or 2 = coated art, 115 g/m2",
    "registry": "http://www.color.org",
    "info": "FOGRA39L Coated",
    "ink_limit": 300,  # per cent total area coverage, kept at every pixel of the press PDF (render/inklimit.py)
}
