"""Total ink kept at the pixel: a CMYK photo is limited before JPEG encoding and checked after decoding (issue #18).

ICC conversion already keeps most pixels within the output condition's total ink limit, but JPEG's quantisation
noise pushes dark, detailed areas over it by up to 16 % on the sample. So a photo is limited (cyan, magenta and
yellow scaled down, black kept, as a printer's ink-limiting does), encoded, decoded and measured; where a decoded
pixel is still over, the limit there is lowered by the overshoot and the photo encoded again, a few times at most.
Only the area that is over is worked on in floating point; the rest of a photo costs four 8-bit additions.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

ROUNDING = 1.0  # units of 1/255 of one ink: what 8-bit rounding of four inks can add, and no more
TRIES = 10  # encodings at most; the sample needs 1 to 8
MARGIN = 5.0  # per cent below the limit where a photo starts: JPEG noise at quality 95 adds up to about 6 %


def total_ink(im: Any) -> Any:
    """C+M+Y+K of a CMYK image per pixel, as a 32-bit float image in units of 1/255 (300 % = 765)."""
    from PIL import ImageMath

    c, m, y, k = (band.convert("F") for band in im.split())
    return ImageMath.lambda_eval(lambda e: e["c"] + e["m"] + e["y"] + e["k"], c=c, m=m, y=y, k=k)


def max_total_ink(im: Any) -> float:
    """The largest total ink of a CMYK image in per cent (what a printer's preflight reports)."""
    box = _candidates(im, 0)
    if box is None:
        return 0.0
    return float(total_ink(im.crop(box)).getextrema()[1]) * 100 / 255


def _candidates(im: Any, units: float) -> tuple[int, int, int, int] | None:
    """The bounding box of every pixel whose total ink may exceed `units`, found with 8-bit arithmetic: each halving
    addition truncates, so a quarter total is at most 1.5 below the true one; the box errs on the side of more."""
    from PIL import ImageChops

    c, m, y, k = im.split()
    quarter = ImageChops.add(ImageChops.add(c, m, scale=2), ImageChops.add(y, k, scale=2), scale=2)
    threshold = max(0, int(units / 4 - 2))
    return quarter.point(lambda v: 255 if v > threshold else 0).getbbox()


def _limited(im: Any, limit: Any) -> Any:
    """Cyan, magenta and yellow scaled so that C+M+Y+K <= limit (a number or a float image, units of 1/255)."""
    from PIL import Image, ImageMath

    c, m, y, k = (band.convert("F") for band in im.split())
    scale = ImageMath.lambda_eval(
        lambda e: e["min"](e["max"](e["limit"] - e["k"], 0.0) / e["max"](e["c"] + e["m"] + e["y"], 1.0), 1.0),
        c=c, m=m, y=y, k=k, limit=limit,
    )
    # floor, not round: a limited pixel never ends up over by rounding
    cmy = [ImageMath.lambda_eval(lambda e: e["b"] * e["s"] - 0.5, b=b, s=scale).convert("L") for b in (c, m, y)]
    return Image.merge("CMYK", (*cmy, im.getchannel("K")))


def encode_within(im: Any, percent: float, encode: Callable[[Any], bytes]) -> bytes:
    """`encode(image)` of a CMYK image whose every decoded pixel is within `percent` total ink (plus rounding).
    Raises ValueError if a few rounds of lowering cannot get there (never seen; a message beats a false page)."""
    from PIL import Image, ImageFilter, ImageMath

    target = percent * 255 / 100
    work = im
    limit = None
    box = _candidates(im, target - MARGIN * 255 / 100)
    if box is not None:  # the pixels over the limit (and a little under it: JPEG noise) start just below it
        limit = Image.new("F", im.size, target - MARGIN * 255 / 100)
        work = im.copy()
        work.paste(_limited(im.crop(box), target - MARGIN * 255 / 100), box)
    for _ in range(TRIES):
        data = encode(work)
        decoded = Image.open(io.BytesIO(data))
        decoded.load()
        box = _candidates(decoded, target + ROUNDING)
        if box is None:
            return data
        # widen by a JPEG block: the overshoot comes from the neighbouring pixels' coefficients too
        box = (max(0, box[0] - 8), max(0, box[1] - 8), min(im.width, box[2] + 8), min(im.height, box[3] + 8))
        over = ImageMath.lambda_eval(lambda e: e["max"](e["t"] - target, 0.0), t=total_ink(decoded.crop(box)))
        if over.getextrema()[1] <= ROUNDING:
            return data
        if limit is None:
            limit = Image.new("F", im.size, target - MARGIN * 255 / 100)
        region = ImageMath.lambda_eval(lambda e: e["l"] - e["o"] * 2, l=limit.crop(box), o=over.filter(ImageFilter.MaxFilter(3)))
        limit.paste(region, box)
        work = work.copy()
        work.paste(_limited(im.crop(box), region), box)
    raise ValueError(f"total ink could not be kept within {percent:g} %")
