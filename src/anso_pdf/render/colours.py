"""Turn layout inks into the colour objects a profile prints: CMYK through the output ICC profile, or sRGB."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from functools import cache

from reportlab.lib.colors import CMYKColor, Color

from anso_pdf.layout.inks import Ink
from anso_pdf.model.values import Colour
from anso_pdf.render.profiles import OutputCondition, Profile, condition_of, fogra39
from anso_pdf.resources import icc_path


@cache
def _transform(to_cmyk: bool, condition: OutputCondition):  # type: ignore[no-untyped-def]
    """sRGB -> the condition's CMYK, or back; built once per process, and only the direction a profile needs."""
    import io

    from PIL import ImageCms

    srgb = ImageCms.getOpenProfile(str(icc_path("sRGB.icc")))
    cmyk = ImageCms.ImageCmsProfile(io.BytesIO(condition.icc))
    source, dest, modes = (srgb, cmyk, ("RGB", "CMYK")) if to_cmyk else (cmyk, srgb, ("CMYK", "RGB"))
    return ImageCms.buildTransform(source, dest, *modes, renderingIntent=ImageCms.Intent.RELATIVE_COLORIMETRIC,
                                   flags=ImageCms.Flags.BLACKPOINTCOMPENSATION)


def _converted(to_cmyk: bool, values: tuple[int, ...], condition: OutputCondition | None = None) -> tuple[int, ...]:
    """One 8-bit colour through the ICC transform; read back from the cache when it is there (building the
    transform takes 10 ms, more than everything else a warm render does with colours)."""
    from anso_pdf import cache as store

    condition = condition or fogra39()
    name = store.key("colour-1", to_cmyk, values, _icc_digest(condition))
    blob = store.read_blob("colours", name)
    if blob is not None:
        try:
            got = tuple(int(v) for v in json.loads(blob))
            if len(got) == (4 if to_cmyk else 3) and all(0 <= v <= 255 for v in got):
                return got
        except (ValueError, TypeError):
            pass
    from PIL import Image, ImageCms

    px = Image.new("RGB" if to_cmyk else "CMYK", (1, 1), values)
    converted = ImageCms.applyTransform(px, _transform(to_cmyk, condition))
    assert converted is not None  # applyTransform returns None only with inPlace=True
    pixel = converted.getpixel((0, 0))
    assert isinstance(pixel, tuple)
    got = tuple(int(v) for v in pixel)
    store.write_blob("colours", name, json.dumps(got).encode())
    return got


@cache
def _icc_digest(condition: OutputCondition) -> str:
    """What the transforms are made of: both profiles, the intent, the flags."""
    digest = hashlib.sha256(b"relative colorimetric, black point compensation")
    digest.update(icc_path("sRGB.icc").read_bytes())
    digest.update(condition.icc)
    return digest.hexdigest()


@cache
def cmyk_of(colour: Colour, condition: OutputCondition | None = None) -> tuple[float, float, float, float]:
    """A house colour in CMYK for a printing condition (FOGRA39 unless named): `cmyk(...)` as written (limited to
    the condition's total ink if it is over: house_colour_notes says so); hex converted once through the ICC
    profile."""
    condition = condition or fogra39()
    if colour.cmyk is not None:
        return _limit_ink(colour.cmyk, condition.ink_limit) if sum(colour.cmyk) * 100 > condition.ink_limit else colour.cmyk
    assert colour.rgb is not None
    c, m, y, k = _converted(True, tuple(round(v * 255) for v in colour.rgb), condition)
    return _limit_ink((c / 255, m / 255, y / 255, k / 255), condition.ink_limit)


@cache
def rgb_of(colour: Colour) -> tuple[float, float, float]:
    if colour.rgb is not None:
        return colour.rgb
    assert colour.cmyk is not None
    if colour.cmyk[:3] == (0.0, 0.0, 0.0):
        grey = 1 - colour.cmyk[3]
        return (grey * 0.98, grey * 0.98, grey * 0.98) if grey < 1 else (1.0, 1.0, 1.0)
    r, g, b = _converted(False, tuple(round(v * 255) for v in colour.cmyk), fogra39())
    return (r / 255, g / 255, b / 255)


def _limit_ink(cmyk: tuple[float, float, float, float], percent: int) -> tuple[float, float, float, float]:
    """Cyan, magenta and yellow scaled down so that the total is within `percent`; black kept."""
    c, m, y, k = cmyk
    most = percent / 100
    if c + m + y + k <= most or c + m + y == 0:
        return (round(c, 4), round(m, 4), round(y, 4), round(k, 4))
    scale = max(0.0, most - k) / (c + m + y)
    return (round(c * scale - 0.00005, 4), round(m * scale - 0.00005, 4), round(y * scale - 0.00005, 4), round(k, 4))


def converter(profile: Profile) -> Callable[[Color], Color]:
    """The canvas's colour hook: every colour drawn passes through it (ReportLab's enforceColorSpace)."""

    condition = condition_of(profile) if profile.cmyk else None

    def to_cmyk(colour: Color) -> Color:
        if isinstance(colour, Ink):
            c, m, y, k = cmyk_of(colour.colour, condition)
            t = colour.tint
            return CMYKColor(c * t, m * t, y * t, k * t)
        if isinstance(colour, CMYKColor):
            return colour
        raise ValueError(f"a colour outside the house inks reached the press PDF: {colour!r}")

    def to_rgb(colour: Color) -> Color:
        if isinstance(colour, Ink):
            r, g, b = rgb_of(colour.colour)
            t = colour.tint
            return Color(1 - t * (1 - r), 1 - t * (1 - g), 1 - t * (1 - b))
        if isinstance(colour, CMYKColor):
            return Color(*rgb_of(Colour(cmyk=(colour.cyan, colour.magenta, colour.yellow, colour.black))))
        return colour

    return to_cmyk if profile.cmyk else to_rgb


def house_colour_notes(primary: Colour, accent: Colour, profile: Profile) -> list[str]:
    """What the press PDF changes about the house colours: a `cmyk(...)` over the condition's total ink is
    limited; text below 9 pt in a colour of more inks than the profile allows is printed in its safe build
    (render/safeink.py, applied as text is drawn: render/overprint.py)."""
    from anso_pdf.render.safeink import SMALL_TEXT, describe, inks, safe_build

    condition = condition_of(profile)
    notes = []
    for role, colour in (("primary", primary), ("accent", accent)):
        cmyk = cmyk_of(colour, condition)
        if colour.cmyk is not None and cmyk != colour.cmyk:
            notes.append(f"house colour {role} {describe(colour.cmyk)} is {round(sum(colour.cmyk) * 100)} % ink, over the "
                         f"press's {condition.ink_limit} %; it is printed as {describe(cmyk)}")
        if profile.small_text_inks and inks(cmyk) > profile.small_text_inks:
            safe = safe_build(tuple(round(v, 4) for v in cmyk), condition.icc)  # type: ignore[arg-type]
            notes.append(f"house colour {role} prints in {inks(cmyk)} inks ({describe(cmyk)}); text below "
                         f"{SMALL_TEXT:g} pt in it is printed as {describe(safe)}, so it does not fringe if the plates shift")
    return notes
