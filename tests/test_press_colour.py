"""issue #3: press colour as a printer checks it: cmyk() kept as written, black text 100 % K, total ink within
300 %, no transparency even for a logo with an alpha channel."""

from __future__ import annotations

import io
from pathlib import Path

import pikepdf
from PIL import Image

from anso_pdf import pipeline

ISSUE = """newsletter:
  name: Colour Test
  issue: Issue 1
  date: May 2026
  logo: logo.png
sections:
  - title: Colours
    body: |
      Body text is printed in black only.
    images:
      - file: dark.jpg
        caption: A very dark photo.
style:
  colors:
    primary: "cmyk(100, 45, 0, 20)"
    accent: "#C0392B"
"""


def _press(tmp_path: Path) -> pikepdf.Pdf:
    logo = Image.new("RGBA", (200, 200), (0, 0, 0, 0))
    for x in range(50, 150):
        for y in range(50, 150):
            logo.putpixel((x, y), (255, 200, 0, 255))
    logo.save(tmp_path / "logo.png")
    dark = Image.new("RGB", (1200, 900), (5, 8, 12))  # near-black: the worst case for total ink
    dark.paste(Image.new("RGB", (600, 900), (60, 0, 90)), (0, 0))
    dark.save(tmp_path / "dark.jpg", quality=95)
    (tmp_path / "c.yaml").write_text(ISSUE, encoding="utf-8")
    data = pipeline.build(tmp_path / "c.yaml", ["press"]).pdfs["press"]
    return pikepdf.open(io.BytesIO(data))


def _fills(pdf: pikepdf.Pdf, ops: tuple[str, ...] = ("k",)) -> list[tuple[float, ...]]:
    """Fill colours (k); strokes (K) only when asked: crop marks are registration colour, 400 % on purpose."""
    out = []
    for page in pdf.pages:
        for operands, op in pikepdf.parse_content_stream(page):
            if str(op) in ops:
                out.append(tuple(round(float(v), 4) for v in operands))
    return out


def test_cmyk_house_colour_is_printed_exactly_as_written(tmp_path):
    fills = _fills(_press(tmp_path))
    assert (1.0, 0.45, 0.0, 0.2) in fills


def test_hex_colour_is_converted_through_the_profile_and_text_is_black_only(tmp_path):
    pdf = _press(tmp_path)
    fills = _fills(pdf)
    assert (0.0, 0.0, 0.0, 1.0) in fills  # body text: 100 % K, no rich black
    accent = [f for f in fills if f[1] > 0.7 and f[2] > 0.7 and f[3] < 0.3]
    assert accent, fills  # "#C0392B" (a red) became a magenta-yellow mix through FOGRA39
    assert all(sum(f) <= 3.0 for f in fills)
    strokes = set(_fills(pdf, ("K",)))
    assert all(sum(f) <= 3.0 for f in strokes)  # the crop marks are in registration colour (/All), not CMYK


def test_photos_stay_within_300_percent_total_ink(tmp_path):
    pdf = _press(tmp_path)
    checked = 0
    for page in pdf.pages:
        for image in page.get_images().values():
            pil = pikepdf.PdfImage(image).as_pil_image()
            if pil.mode != "CMYK" or pil.width < 100:
                continue
            c, m, y, k = (band.tobytes() for band in pil.split())
            worst = max(sum(px) for px in zip(c, m, y, k, strict=True)) / 255
            assert worst <= 3.0 + 1 / 255, worst  # kept at the pixel after JPEG decoding (issue #18), rounding aside
            checked += 1
    assert checked == 2  # the dark photo and the logo


def test_a_logo_with_alpha_is_flattened(tmp_path):
    pdf = _press(tmp_path)
    for page in pdf.pages:
        for image in page.get_images().values():
            assert "/SMask" not in image and "/Mask" not in image
            assert image.ColorSpace == "/DeviceCMYK"
    assert "/Group" not in pdf.pages[0].obj  # no transparency group
