"""The two output profiles as data: what the printer needs, and what the inbox needs."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import cache

from anso_pdf.resources import icc_path
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
    # the printing condition (CMYK profiles only): the (render/conditions.py) replaces the default
    condition: OutputCondition | None = None


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

@dataclass(frozen=True)
class OutputCondition:
    """A printing condition as data: the CMYK profile photos and colours are converted with (and embedded as the
    output intent), what the output intent says, and the total ink the press takes (issue #18)."""

    key: str  # a shipped condition's name, or "printer" for the printer's own profile
    icc: bytes = field(repr=False)
    identifier: str  # OutputConditionIdentifier
    condition: str  # OutputCondition
    registry: str  # RegistryName ("" for none)
    info: str  # Info: the profile's description
    ink_limit: int  # per cent total area coverage

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.icc).hexdigest()


SHIPPED_CONDITIONS = {
    # name as written in style.press.condition -> the condition, its profile under assets/icc (see its README)
    "fogra39": {
        "icc": "FOGRA39L_coated.icc",
        "identifier": "FOGRA39",
        "condition": "Offset printing, according to ISO 12647-2:2004/Amd 1, OFCOM, paper type 1 or 2 = coated art, 115 g/m2",
        "registry": "http://www.color.org",
        "info": "FOGRA39L Coated",
        "ink_limit": 300,  # the profile was built with a 300 % limit; kept at every pixel (render/inklimit.py)
    },
}


@cache
def shipped(name: str) -> OutputCondition:
    data = dict(SHIPPED_CONDITIONS[name])
    return OutputCondition(name, icc_path(str(data.pop("icc"))).read_bytes(), **data)  # type: ignore[arg-type]


def fogra39() -> OutputCondition:
    """The default condition (A4 issues that name none)."""
    return shipped("fogra39")


def condition_of(profile: Profile) -> OutputCondition:
    """The printing condition a CMYK profile converts to: the issue's, or FOGRA39."""
    return profile.condition or fogra39()


OUTPUT_INTENT = SHIPPED_CONDITIONS["fogra39"]  # the default condition's data, under its older name
