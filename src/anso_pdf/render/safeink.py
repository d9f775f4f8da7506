"""Small text in at most two inks (issue #18): a colour printed in three or four inks fringes when the plates shift,
which small type cannot hide. Its safe build is the one- or two-ink colour that looks closest to it on the press
(smallest CIE76 difference through the output condition's ICC profile), searched on a 2 % grid."""

from __future__ import annotations

import hashlib
import io
import json
from functools import cache
from itertools import combinations

MAX_INKS = 2
SMALL_TEXT = 9.0  # points: text below this in a house colour is printed in its safe build
MIN_REVERSED = 8.0  # points: reversed (white) text at least this, and bold


def inks(cmyk: tuple[float, ...]) -> int:
    return sum(1 for v in cmyk if v > 0.005)


@cache
def _lab_transform(icc: bytes):  # type: ignore[no-untyped-def]
    from PIL import ImageCms

    return ImageCms.buildTransform(ImageCms.ImageCmsProfile(io.BytesIO(icc)), ImageCms.createProfile("LAB", 5000),
                                   "CMYK", "LAB", renderingIntent=ImageCms.Intent.RELATIVE_COLORIMETRIC)


def _labs(icc: bytes, colours: list[tuple[int, int, int, int]]) -> list[tuple[float, float, float]]:
    from PIL import Image, ImageCms

    im = Image.new("CMYK", (len(colours), 1))
    im.putdata(colours)
    lab = ImageCms.applyTransform(im, _lab_transform(icc))
    assert lab is not None
    # Pillow's 8-bit LAB as bytes: L 0..255 for 0..100, a and b signed (two's complement)
    data = lab.tobytes()
    return [(data[i] * 100 / 255, _signed(data[i + 1]), _signed(data[i + 2])) for i in range(0, len(data), 3)]


def _signed(byte: int) -> int:
    return byte - 256 if byte > 127 else byte


@cache
def safe_build(cmyk: tuple[float, float, float, float], icc: bytes) -> tuple[float, float, float, float]:
    """The closest colour in at most two inks (the colour itself when it has no more); read back from the cache
    when it is there (the search takes about 30 ms a colour, more than the rest of a warm render does with colours)."""
    if inks(cmyk) <= MAX_INKS:
        return cmyk
    from anso_pdf import cache as store

    name = _entry_name(cmyk, icc)
    blob = store.read_blob("colours", name)
    if blob is not None:
        try:
            got = tuple(float(v) for v in json.loads(blob))
            if len(got) == 4 and all(0 <= v <= 1 for v in got) and inks(got) <= MAX_INKS:
                return got  # type: ignore[return-value]
        except (ValueError, TypeError):
            pass
    best = _search(cmyk, icc)
    store.write_blob("colours", name, json.dumps(best).encode())
    return best


def _entry_name(cmyk: tuple[float, float, float, float], icc: bytes) -> str:
    """What a safe build depends on: the colour, the condition's profile, the search (its version and ink count)
    and LittleCMS, which Pillow's version pins."""
    import PIL

    from anso_pdf import cache as store

    return store.key("safe-build-1", MAX_INKS, cmyk, hashlib.sha256(icc).hexdigest(), PIL.__version__)


def _search(cmyk: tuple[float, float, float, float], icc: bytes) -> tuple[float, float, float, float]:
    """Every pair of inks on a 5 % grid, then the best pair again to 1 % around its best."""
    target = tuple(round(v * 100) for v in cmyk)
    coarse = [_on(pair, a, b) for pair in combinations(range(4), 2) for a in range(0, 101, 5) for b in range(0, 101, 5)]
    first = _closest(icc, target, coarse)
    pair = tuple(i for i in range(4) if first[i]) or (3,)
    fine = [_on(pair, a, b) for a in _around(first[pair[0]]) for b in (_around(first[pair[1]]) if len(pair) > 1 else [0])]
    best = _closest(icc, target, [first, *fine])
    return tuple(v / 100 for v in best)  # type: ignore[return-value]


def _on(pair: tuple[int, ...], a: int, b: int) -> tuple[int, int, int, int]:
    values = [0, 0, 0, 0]
    values[pair[0]] = a
    if len(pair) > 1:
        values[pair[1]] = b
    return tuple(values)  # type: ignore[return-value]


def _around(v: int) -> range:
    return range(max(0, v - 4), min(100, v + 4) + 1)


def _closest(icc: bytes, target: tuple[int, ...], candidates: list[tuple[int, int, int, int]]) -> tuple[int, int, int, int]:
    """The candidate (CMYK in per cent) nearest the target in CIE76."""
    labs = _labs(icc, [tuple(round(v * 2.55) for v in c) for c in [target, *candidates]])  # type: ignore[misc]
    want = labs[0]
    distances = [sum((p - q) ** 2 for p, q in zip(lab, want, strict=True)) for lab in labs[1:]]
    return candidates[distances.index(min(distances))]


def describe(cmyk: tuple[float, ...]) -> str:
    """C93 M69 K19: the inks a printer would name, in per cent."""
    return " ".join(f"{name}{round(v * 100)}" for name, v in zip("CMYK", cmyk, strict=True) if v > 0.005) or "white"
