"""Make the low-resolution photos of issues/field-notes-2025-10.yaml from the bundled photos (assets/photos).

Each is a crop of one bundled photo, resampled so that it prints at about 60 ppi where the house layout
places it: the kind of picture saved from a web page or a chat, which the press profile must warn about.
The output is committed (issues/photos/, about 50 kB in all); run this again only to change them:

    .venv/bin/python scripts/issue_photos.py
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "assets" / "photos"
OUT = ROOT / "issues" / "photos"
PPI = 60
MM = {"page1-wide": 118.0, "column": 87.0, "gallery": 57.0}  # printed widths in the house layout (A4, two columns)

# name: (bundled photo, crop as fractions (left, top, right, bottom), where it is placed, width / height)
PHOTOS: dict[str, tuple[str, tuple[float, float, float, float], str, float]] = {
    "upper-valley.jpg": ("mountain-trail.jpg", (0.0, 0.15, 1.0, 0.75), "page1-wide", 2.0),
    "nuthatch-survey.jpg": ("nuthatch.jpg", (0.2, 0.0, 0.8, 1.0), "column", 1.5),
    "mill-brook.jpg": ("forest-stream.jpg", (0.1, 0.1, 0.9, 0.9), "column", 1.5),
    "deep-sky.jpg": ("hubble-deep-field.jpg", (0.1, 0.1, 0.9, 0.8), "column", 1.5),
    "coffee-morning.jpg": ("coffee.jpg", (0.05, 0.0, 0.95, 1.0), "column", 1.5),
    "seed-heads.jpg": ("dandelion-seeds.jpg", (0.3, 0.0, 0.8, 1.0), "gallery", 1 / 0.7),
    "estuary.jpg": ("estuary-bridge.jpg", (0.0, 0.3, 0.6, 1.0), "gallery", 1 / 0.7),
    "launch-pad.jpg": ("rocket-launch.jpg", (0.2, 0.0, 0.8, 1.0), "gallery", 1 / 0.7),
}


def make(name: str) -> Path:
    source, (left, top, right, bottom), place, shape = PHOTOS[name]
    with Image.open(SOURCE / source) as im:
        w, h = im.size
        box = (round(left * w), round(top * h), round(right * w), round(bottom * h))
        crop = im.convert("RGB").crop(box)
    width = round(MM[place] / 25.4 * PPI)
    height = round(width / shape)
    cw, ch = crop.size  # fit the target shape inside the crop, centred
    if cw / ch > shape:
        cut = round((cw - ch * shape) / 2)
        crop = crop.crop((cut, 0, cw - cut, ch))
    else:
        cut = round((ch - cw / shape) / 2)
        crop = crop.crop((0, cut, cw, ch - cut))
    out = OUT / name
    crop.resize((width, height), Image.Resampling.LANCZOS).save(out, "JPEG", quality=80, optimize=True)
    return out


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for name in PHOTOS:
        path = make(name)
        print(f"{path.relative_to(ROOT)}: {Image.open(path).size[0]} px, {path.stat().st_size} bytes")  # noqa: T201


if __name__ == "__main__":
    main()
