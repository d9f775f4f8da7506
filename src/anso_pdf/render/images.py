"""Turn each photo as placed into a prepared JPEG for a profile: decoded once at reduced size, cropped,
resampled to the profile's ppi (never up), converted through ICC profiles, stripped of metadata, cached."""

from __future__ import annotations

import hashlib
import io
import json
import math
import os
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from anso_pdf import __version__
from anso_pdf.layout.document import PhotoUse
from anso_pdf.render.profiles import OUTPUT_INTENT, Profile
from anso_pdf.resources import icc_path
from anso_pdf.source.workspace import IMAGE_FORMATS, AssetError, open_image_file

PIPELINE_VERSION = f"{__version__}-img3"


@dataclass(frozen=True)
class Prepared:
    path: Path  # a JPEG ReportLab embeds as it is
    pixels: tuple[int, int]
    ppi: float  # effective resolution at the placed size
    from_cache: bool


class ImageProblem(Exception):
    pass


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "anso-pdf" / "images"


@cache
def _icc_bytes(name: str) -> bytes:
    return icc_path(name).read_bytes()


@cache
def _digest(path: Path, size: int, mtime_ns: int) -> str:
    """The content hash of a photo (memoised per file state within one process)."""
    return hashlib.sha256(open_image_file(path)).hexdigest()


def _key(use: PhotoUse, profile: Profile) -> tuple[str, dict]:
    st = use.image.path.stat()
    params = {
        "content": _digest(use.image.path, st.st_size, st.st_mtime_ns),
        "w": round(use.width, 2), "h": round(use.height, 2),
        "crop": [round(v, 5) for v in (use.crop.left, use.crop.bottom, use.crop.right, use.crop.top)],
        "ppi": profile.ppi, "cmyk": profile.cmyk, "q": profile.jpeg_quality,
        "icc": hashlib.sha256(_icc_bytes(OUTPUT_INTENT["icc"])).hexdigest()[:16] if profile.cmyk else "srgb",
        "version": PIPELINE_VERSION,
    }
    return hashlib.sha256(json.dumps(params, sort_keys=True).encode()).hexdigest(), params


def prepare(use: PhotoUse, profile: Profile, *, use_cache: bool, scratch: Path) -> Prepared:
    key, _ = _key(use, profile)
    folder = cache_dir() / key[:2] if use_cache else scratch
    target = folder / f"{key}.jpg"
    meta = folder / f"{key}.json"
    if use_cache and target.exists() and meta.exists():
        try:
            info = json.loads(meta.read_text())
            data = target.read_bytes()
            if len(data) == info["bytes"] and data[:2] == b"\xff\xd8" and data.rstrip(b"\0")[-2:] == b"\xff\xd9":
                return Prepared(target, tuple(info["pixels"]), info["ppi"], True)  # type: ignore[arg-type]
        except (OSError, ValueError, KeyError):
            pass
    data, pixels, ppi = _convert(use, profile)
    folder.mkdir(parents=True, exist_ok=True)
    _write_atomically(target, data)
    _write_atomically(meta, json.dumps({"bytes": len(data), "pixels": pixels, "ppi": ppi}).encode())
    return Prepared(target, pixels, ppi, False)


def _write_atomically(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=path.suffix)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def _convert(use: PhotoUse, profile: Profile) -> tuple[bytes, tuple[int, int], float]:
    from PIL import Image, ImageCms, ImageOps

    raw = open_image_file(use.image.path)
    try:
        im = Image.open(io.BytesIO(raw), formats=IMAGE_FORMATS)
        full_w, full_h = use.image.pixel_size
        crop = use.crop
        crop_w = full_w * (crop.right - crop.left)
        crop_h = full_h * (crop.top - crop.bottom)
        want_w = use.width / 72 * profile.ppi
        scale = min(1.0, want_w / crop_w)
        if im.format == "JPEG":
            swap = im.size != (full_w, full_h)
            need = (math.ceil(full_w * scale), math.ceil(full_h * scale))
            im.draft(im.mode if im.mode in ("RGB", "L", "CMYK") else "RGB", need[::-1] if swap else need)
        source_icc = im.info.get("icc_profile")
        im = ImageOps.exif_transpose(im)
        im = _flatten(im)
        w, h = im.size
        box = (crop.left * w, (1 - crop.top) * h, crop.right * w, (1 - crop.bottom) * h)
        out_w = max(1, round(min(want_w, crop_w)))
        out_h = max(1, round(out_w * (box[3] - box[1]) / (box[2] - box[0])))
        im = im.resize((out_w, out_h), Image.Resampling.LANCZOS, box=box, reducing_gap=None)
        im = _to_profile(im, source_icc, profile, ImageCms)
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError) as exc:
        raise ImageProblem(f"'{use.image.written}' could not be decoded: {exc}") from None
    buf = io.BytesIO()
    save = {"quality": profile.jpeg_quality, "optimize": True}
    if not profile.cmyk:
        save["progressive"] = True
    im.save(buf, "JPEG", **save)
    ppi = out_w / (use.width / 72)
    return buf.getvalue(), (out_w, out_h), round(ppi, 1)


def _flatten(im):  # type: ignore[no-untyped-def]
    """No transparency in print: composite on white. Greyscale and palette photos become RGB."""
    from PIL import Image

    if im.mode in ("RGBA", "LA", "PA") or (im.mode == "P" and "transparency" in im.info):
        rgba = im.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(white, rgba).convert("RGB")
    if im.mode not in ("RGB", "CMYK"):
        return im.convert("RGB")
    return im


def _to_profile(im, source_icc, profile: Profile, ImageCms):  # type: ignore[no-untyped-def]
    srgb = ImageCms.getOpenProfile(str(icc_path("sRGB.icc")))
    src = srgb
    if source_icc:
        try:
            src = ImageCms.ImageCmsProfile(io.BytesIO(source_icc))
        except (OSError, ValueError, TypeError):
            src = srgb
    if im.mode == "CMYK" and not source_icc:
        src = ImageCms.getOpenProfile(str(icc_path(OUTPUT_INTENT["icc"])))
    if profile.cmyk:
        dest = ImageCms.getOpenProfile(str(icc_path(OUTPUT_INTENT["icc"])))
        out_mode = "CMYK"
    else:
        dest = srgb
        out_mode = "RGB"
    transform = ImageCms.buildTransform(src, dest, im.mode, out_mode, renderingIntent=ImageCms.Intent.PERCEPTUAL)
    return ImageCms.applyTransform(im, transform)


def prepare_all(uses: list[PhotoUse], profile: Profile, *, use_cache: bool, scratch: Path) -> dict[PhotoUse, Prepared]:
    """Prepare every distinct photo use, in parallel (Pillow releases the GIL while decoding and resampling)."""
    distinct = list(dict.fromkeys(uses))
    workers = max(1, min(len(distinct), os.cpu_count() or 1, 4))
    if workers == 1:
        return {u: prepare(u, profile, use_cache=use_cache, scratch=scratch) for u in distinct}
    with ThreadPoolExecutor(max_workers=workers) as pool:
        results = list(pool.map(lambda u: prepare(u, profile, use_cache=use_cache, scratch=scratch), distinct))
    return dict(zip(distinct, results, strict=True))


__all__ = ["AssetError", "ImageProblem", "Prepared", "prepare_all"]
