"""Turn each photo as placed into a prepared JPEG per profile: read and hashed once, decoded once at reduced size
for every profile, cropped, resampled to each profile's ppi (never up), converted through ICC profiles, stripped
of metadata, cached (issue #6).

The cache key covers the photo's bytes (the very bytes that are decoded), its placed size and crop, every profile
parameter that changes pixels, the output ICC profile, this pipeline's version and Pillow's. An entry is served
only when it carries this user's seal for this key (cache.py), its fixed header is in range and its JPEG header
says the size and colour space recorded; anything else is prepared again and rewritten. The prepared JPEG's bytes
are held in memory from then on (Prepared.data): drawing never reads the cache, so cleaning it during a render
changes nothing (issue #17).
"""

from __future__ import annotations

import hashlib
import io
import json
import math
import os
import struct
import threading
from collections.abc import Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from anso_pdf import __version__
from anso_pdf import cache as store
from anso_pdf.diagnostics import Span
from anso_pdf.layout.document import PhotoUse
from anso_pdf.render.inklimit import encode_within
from anso_pdf.render.profiles import PROFILES, Profile, condition_of
from anso_pdf.resources import icc_path
from anso_pdf.source.workspace import AssetError, open_image, open_image_file

PIPELINE_VERSION = f"{__version__}-img6"
# Every profile starts from one decode per photo, made at the resolution the sharpest profile needs: so a photo is
# decoded once for email and press, and the email JPEG is the same whichever profiles a run asks for.
DECODE_PPI = max(p.ppi for p in PROFILES.values())
# Profiles below DECODE_PPI first shrink that shared decode by whole factors (a cheap box reduction, as JPEG draft
# decoding at their own scale did), leaving Lanczos at least this ratio; PSNR against fair resampling stays > 50 dB.
REDUCING_GAP = 1.5
MAX_WORKERS = 4  # photos prepared at once; each holds one photo's file and its reduced decode


@dataclass(frozen=True)
class Prepared:
    name: str  # the cache key + ".jpg": names the image in the PDF, the same wherever the cache is
    data: bytes = field(repr=False)  # a JPEG ReportLab embeds as it is
    pixels: tuple[int, int] = (0, 0)
    ppi: float = 0.0  # effective resolution at the placed size
    from_cache: bool = False


class ImageProblem(Exception):
    """A photo that passed the header checks but cannot be decoded or converted; `span` is where it is named."""

    def __init__(self, message: str, span: Span | None = None) -> None:
        super().__init__(message)
        self.span = span


@cache
def _icc_bytes(name: str) -> bytes:
    return icc_path(name).read_bytes()


@cache
def _pillow_version() -> str:
    import PIL

    return PIL.__version__


def _key(content: str, use: PhotoUse, profile: Profile) -> str:
    params = {
        "content": content,
        "w": round(use.width, 2), "h": round(use.height, 2),
        "crop": [round(v, 5) for v in (use.crop.left, use.crop.bottom, use.crop.right, use.crop.top)],
        "ppi": profile.ppi, "decode_ppi": DECODE_PPI, "gap": REDUCING_GAP, "cmyk": profile.cmyk, "q": profile.jpeg_quality,
        "resample": profile.resample, "optimize": profile.jpeg_optimize, "progressive": profile.progressive,
        "icc": condition_of(profile).digest[:16] if profile.cmyk else "srgb",
        "ink_limit": condition_of(profile).ink_limit if profile.cmyk else None,
        "version": PIPELINE_VERSION, "pillow": _pillow_version(),
    }
    return hashlib.sha256(json.dumps(params, sort_keys=True).encode()).hexdigest()


# --------------------------------------------------------------------------------------------- the cache


_HEAD = struct.Struct(">4sIId")  # b"JPEG", width, height, ppi: then the JPEG's bytes
_KIND = "images"


def _entry_name(key: str) -> str:
    return f"{key[:2]}/{key}"


def _lookup(key: str, profile: Profile) -> Prepared | None:
    """The prepared JPEG kept for this key, if its entry is sealed by this user and its header and JPEG agree."""
    blob = store.read_blob(_KIND, _entry_name(key))
    if blob is None or len(blob) < _HEAD.size + 4:
        return None
    tag, w, h, ppi = _HEAD.unpack_from(blob)
    data = blob[_HEAD.size:]
    if tag != b"JPEG" or not (0 < w <= 65535 and 0 < h <= 65535 and 0 < ppi < 100_000):
        return None
    if data[:2] != b"\xff\xd8" or data[-2:] != b"\xff\xd9":
        return None
    try:
        from PIL.JpegImagePlugin import JpegImageFile

        with JpegImageFile(io.BytesIO(data)) as im:  # the header only
            if im.size != (w, h) or im.mode != ("CMYK" if profile.cmyk else "RGB"):
                return None
    except Exception:  # noqa: BLE001 (any damage: prepare it again)
        return None
    return Prepared(f"{key}.jpg", data, (w, h), ppi, True)


def _store(key: str, data: bytes, pixels: tuple[int, int], ppi: float) -> None:
    store.write_blob(_KIND, _entry_name(key), _HEAD.pack(b"JPEG", *pixels, ppi) + data)


# --------------------------------------------------------------------------------------------- preparing


def prepare_profiles(uses: list[PhotoUse], profiles: list[Profile], *,
                     use_cache: bool) -> dict[str, dict[PhotoUse, Prepared]]:
    """Prepare every distinct photo use for every profile: profile name -> use -> prepared JPEG."""
    with Preparation(profiles, use_cache=use_cache) as preparation:
        return preparation.results(uses)


class Preparation:
    """Photos prepared on a few worker threads as their placed sizes become known: layout hands over the photos of
    each run of pages as soon as the run is settled, so they are prepared while the later pages are laid out
    (Pillow and hashlib release the GIL while decoding, resampling, converting, encoding and hashing).

    One task per photo file, largest file first: it reads the file once, hashes those bytes, serves what the cache
    has, and decodes once for everything it lacks. Leaving the `with` block cancels what has not started."""

    def __init__(self, profiles: list[Profile], *, use_cache: bool) -> None:
        self.profiles = profiles
        self.use_cache = use_cache
        workers = max(1, min(os.cpu_count() or 1, MAX_WORKERS))
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="anso-photo")
        self._task_of: dict[PhotoUse, Future[dict[tuple[PhotoUse, str], Prepared]]] = {}

    def __enter__(self) -> Preparation:
        return self

    def __exit__(self, *exc: object) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)

    def add(self, uses: list[PhotoUse]) -> None:
        """Start preparing these uses (those not already started; placeholders of --draft are not photos)."""
        new = [u for u in dict.fromkeys(uses) if u not in self._task_of and not u.image.missing]
        by_file: dict[Path, list[PhotoUse]] = {}
        for use in new:
            by_file.setdefault(use.image.path, []).append(use)
        for group in sorted(by_file.values(), key=lambda group: -_file_size(group[0].image.path)):
            task = self._pool.submit(_prepare_file, group, self.profiles, use_cache=self.use_cache)
            self._task_of.update(dict.fromkeys(group, task))

    def ready(self, profile: str) -> Mapping[PhotoUse, Prepared]:
        """The photos of one profile, each waited for only when it is looked up: a PDF can be drawn while the
        photos of its later pages are still being prepared."""
        return _Ready(self._task_of, profile)

    def results(self, uses: list[PhotoUse]) -> dict[str, dict[PhotoUse, Prepared]]:
        """Wait for every photo of `uses`: profile name -> use -> prepared JPEG, in the order of `uses`.
        The first photo that could not be prepared raises its ImageProblem."""
        self.add(uses)
        out: dict[str, dict[PhotoUse, Prepared]] = {p.name: {} for p in self.profiles}
        for task in dict.fromkeys(self._task_of.values()):  # each file's task once, in the order they started
            for (use, name), prepared in task.result().items():
                out[name][use] = prepared
        wanted = [u for u in dict.fromkeys(uses) if not u.image.missing]
        return {name: {u: got[u] for u in wanted} for name, got in out.items()}


class _Ready(Mapping[PhotoUse, Prepared]):
    def __init__(self, tasks: dict[PhotoUse, Future[dict[tuple[PhotoUse, str], Prepared]]], profile: str) -> None:
        self._tasks, self._profile = tasks, profile

    def __getitem__(self, use: PhotoUse) -> Prepared:
        return self._tasks[use].result()[use, self._profile]

    def __iter__(self) -> Iterator[PhotoUse]:
        return iter(self._tasks)

    def __len__(self) -> int:
        return len(self._tasks)


def _file_size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _prepare_file(group: list[PhotoUse], profiles: list[Profile], *,
                  use_cache: bool) -> dict[tuple[PhotoUse, str], Prepared]:
    """Every use of one photo file in every profile."""
    first = group[0].image
    try:
        raw = open_image_file(first.path)
    except AssetError as exc:
        raise ImageProblem(f"'{first.written}' could not be read: {exc.message}", first.span) from None
    content = hashlib.sha256(raw).hexdigest()
    done: dict[tuple[PhotoUse, str], Prepared] = {}
    missing: dict[tuple[int, int], list[tuple[PhotoUse, Profile, str]]] = {}  # by decode size
    for use in group:
        for profile in profiles:
            key = _key(content, use, profile)
            hit = _lookup(key, profile) if use_cache else None
            if hit is not None:
                done[use, profile.name] = hit
            else:
                missing.setdefault(_decode_size(use), []).append((use, profile, key))
    for size, jobs in missing.items():
        source = _decode(raw, jobs[0][0], size)
        for use, profile, key in jobs:
            data, pixels, ppi = _render(source, use, profile)
            if use_cache:
                _store(key, data, pixels, ppi)
            done[use, profile.name] = Prepared(f"{key}.jpg", data, pixels, ppi, False)
        del source
    return done


def _crop_pixels(use: PhotoUse) -> tuple[float, float]:
    full_w, full_h = use.image.pixel_size
    return full_w * (use.crop.right - use.crop.left), full_h * (use.crop.top - use.crop.bottom)


def _decode_size(use: PhotoUse) -> tuple[int, int]:
    """The smallest whole-photo size (as displayed) that still gives the sharpest profile its pixels."""
    full_w, full_h = use.image.pixel_size
    crop_w, _ = _crop_pixels(use)
    scale = min(1.0, use.width / 72 * DECODE_PPI / crop_w)
    return math.ceil(full_w * scale), math.ceil(full_h * scale)


@dataclass
class _Source:
    """A photo decoded (at reduced size where JPEG allows), upright and without transparency."""

    image: object  # PIL.Image.Image
    icc: bytes | None
    written: str
    span: Span | None  # where the photo is named, for a message about it


def _decode(raw: bytes, use: PhotoUse, need: tuple[int, int]) -> _Source:
    from PIL import Image, ImageOps

    try:
        im = open_image(raw)
        if im.format == "JPEG":
            swap = im.size != use.image.pixel_size
            im.draft(im.mode if im.mode in ("RGB", "L", "CMYK") else "RGB", need[::-1] if swap else need)
        icc = im.info.get("icc_profile")
        if im.getexif().get(0x0112, 1) not in (0, 1):
            im = ImageOps.exif_transpose(im)
        im = _flatten(im)
        im.load()
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError) as exc:
        raise ImageProblem(f"'{use.image.written}' could not be decoded: {exc}", use.image.span) from None
    return _Source(im, icc, use.image.written, use.image.span)


def _render(source: _Source, use: PhotoUse, profile: Profile) -> tuple[bytes, tuple[int, int], float]:
    """Crop and resample one use for one profile, convert its colours, encode it without any metadata."""
    from PIL import Image, ImageCms

    im = source.image
    crop = use.crop
    crop_w, _ = _crop_pixels(use)
    want_w = use.width / 72 * profile.ppi
    w, h = im.size  # type: ignore[attr-defined]
    box = (crop.left * w, (1 - crop.top) * h, crop.right * w, (1 - crop.bottom) * h)
    out_w = max(1, round(min(want_w, crop_w)))
    out_h = max(1, round(out_w * (box[3] - box[1]) / (box[2] - box[0])))
    try:
        gap = None if profile.ppi >= DECODE_PPI else REDUCING_GAP
        out = im.resize((out_w, out_h), Image.Resampling[profile.resample], box=box, reducing_gap=gap)  # type: ignore[attr-defined]
        transform = _transform(source.icc, out.mode, condition_of(profile).icc if profile.cmyk else None)
        if transform is not None:
            out = ImageCms.applyTransform(out, transform)
    except (OSError, ValueError, ImageCms.PyCMSError) as exc:
        raise ImageProblem(f"'{source.written}' could not be converted: {exc}", source.span) from None
    out.info = {}  # nothing of the original travels: no EXIF, GPS, serial numbers, comments, XMP

    def encode(im) -> bytes:  # type: ignore[no-untyped-def]
        buf = io.BytesIO()
        im.save(buf, "JPEG", quality=profile.jpeg_quality, optimize=profile.jpeg_optimize, progressive=profile.progressive)
        return buf.getvalue()

    try:  # the output condition's total ink, kept in the decoded pixels (issue #18)
        data = encode_within(out, condition_of(profile).ink_limit, encode) if out.mode == "CMYK" else encode(out)
    except ValueError as exc:
        raise ImageProblem(f"'{source.written}' could not be converted: {exc}", source.span) from None
    ppi = out_w / (use.width / 72)
    return data, (out_w, out_h), round(ppi, 1)


def _flatten(im):  # type: ignore[no-untyped-def]
    """No transparency in print: composite on white. Greyscale and palette photos become RGB; 16- and 32-bit
    greyscale is scaled to 8 bits first (converting I;16 straight to RGB clips every value above 255 to white:
    issue #12 case 4)."""
    from PIL import Image

    if im.mode.startswith("I;16") or im.mode == "I":
        top = 65535 if im.mode.startswith("I;16") or (im.getextrema()[1] or 0) > 255 else 255
        im = im.convert("I").point(lambda v: v * (255 / top)).convert("L")
    elif im.mode == "F":
        im = im.point(lambda v: min(max(v, 0.0), 1.0) * 255).convert("L")

    if im.mode in ("RGBA", "LA", "PA") or (im.mode == "P" and "transparency" in im.info):
        rgba = im.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(white, rgba).convert("RGB")
    if im.mode not in ("RGB", "CMYK"):
        return im.convert("RGB")
    return im


_TRANSFORMS: dict[tuple[str, str, str], object] = {}
_TRANSFORMS_LOCK = threading.Lock()


def _transform(source_icc: bytes | None, mode: str, output_icc: bytes | None):  # type: ignore[no-untyped-def]
    """The colour transform from the photo's profile to the output space (`output_icc`: the printing condition's
    CMYK profile, or None for sRGB), built once per process for each pair; None when source and destination are
    the same profile (an sRGB photo for email).

    A photo without a profile is sRGB (or, in CMYK, the output condition); one whose profile cannot be read, too.
    LittleCMS transforms are safe to apply from several threads at once."""
    from PIL import ImageCms

    out_mode = "CMYK" if output_icc is not None else "RGB"
    dest_bytes = output_icc if output_icc is not None else _icc_bytes("sRGB.icc")
    default_bytes = (output_icc or _icc_bytes("FOGRA39L_coated.icc")) if mode == "CMYK" else _icc_bytes("sRGB.icc")
    digest = hashlib.sha256(source_icc).hexdigest() if source_icc else "default"
    key = (digest, mode, hashlib.sha256(dest_bytes).hexdigest())
    with _TRANSFORMS_LOCK:
        if key in _TRANSFORMS:
            return _TRANSFORMS[key]
        src = None
        usable = source_icc is not None and _usable_profile(source_icc, mode)
        if usable and source_icc != dest_bytes:
            src = ImageCms.ImageCmsProfile(io.BytesIO(source_icc))  # type: ignore[arg-type]
        if src is None:
            src_bytes = source_icc if usable and source_icc == dest_bytes else default_bytes
            if src_bytes == dest_bytes and mode == out_mode:
                _TRANSFORMS[key] = None
                return None
            src = ImageCms.ImageCmsProfile(io.BytesIO(src_bytes))
        dest = ImageCms.ImageCmsProfile(io.BytesIO(dest_bytes))
        try:
            transform = ImageCms.buildTransform(src, dest, mode, out_mode, renderingIntent=ImageCms.Intent.PERCEPTUAL)
        except ImageCms.PyCMSError:  # a profile that passed the checks and still cannot be used: as untagged
            src = ImageCms.ImageCmsProfile(io.BytesIO(default_bytes))
            transform = ImageCms.buildTransform(src, dest, mode, out_mode, renderingIntent=ImageCms.Intent.PERCEPTUAL)
        _TRANSFORMS[key] = transform
        return transform


# The profile classes a photo's colours can be read through: input (scanner, camera), display, output (printer),
# colour space. Device-link, abstract and named-colour profiles describe no image's colours (issue #17).
_PHOTO_CLASSES = {"scnr", "mntr", "prtr", "spac"}


def _usable_profile(icc: bytes, mode: str) -> bool:
    """True when the photo's embedded ICC profile can describe its pixels: readable, of a class that describes an
    image, and of the photo's colour space (an RGB JPEG may carry a CMYK or grey profile). A profile that is not
    usable is ignored: the photo is read as sRGB (CMYK as the output condition), like one without a profile."""
    from PIL import ImageCms

    try:
        profile = ImageCms.ImageCmsProfile(io.BytesIO(icc)).profile
        return bool(profile.device_class in _PHOTO_CLASSES and profile.xcolor_space.strip() == mode)
    except (OSError, ValueError, TypeError, AttributeError, ImageCms.PyCMSError):
        return False


__all__ = ["AssetError", "ImageProblem", "Prepared", "Preparation", "prepare_profiles"]
