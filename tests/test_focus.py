"""Issue #15 point 5: `focus:` keeps the subject inside the crop. The photos carry a red mark where their subject is;
the photo drawn in the PDF is read back and the mark is found in it, where the crop puts it. Without `focus:` (the
centre crop) the same mark is cut away, so the test can tell."""

from __future__ import annotations

import io
from pathlib import Path

import pikepdf
import pytest
from PIL import Image, ImageDraw

from anso_pdf import pipeline
from anso_pdf.diagnostics import IssueError
from anso_pdf.layout.flowables import crop_to
from anso_pdf.model.values import parse_focus
from issue_factory import issue_yaml


def _photo(path: Path, size: tuple[int, int], mark: tuple[float, float]) -> None:
    """A grey gradient with a red disc at `mark` (across, down, as fractions)."""
    w, h = size
    im = Image.linear_gradient("L").resize(size).convert("RGB")
    r = max(3, min(w, h) // 12)
    x, y = mark[0] * w, mark[1] * h
    ImageDraw.Draw(im).ellipse((x - r, y - r, x + r, y + r), fill=(255, 0, 0))
    im.save(path, quality=95)


def _render(tmp_path: Path, size: tuple[int, int], mark: tuple[float, float], focus: str | None):
    photos = tmp_path / "photos"
    photos.mkdir(exist_ok=True)
    _photo(photos / "subject.jpg", size, mark)
    text = issue_yaml([{"title": "Only", "words": 250}])
    image = "    images:\n      - file: photos/subject.jpg\n        alt: a red mark\n"
    if focus is not None:
        image += f"        focus: {focus}\n"
    text = text.replace("    body: |\n", image + "    body: |\n", 1)
    path = tmp_path / "focus.yaml"
    path.write_text(text, encoding="utf-8")
    built = pipeline.build(path, ["email"])
    [use] = [u for u in built.laid_out.photo_uses() if u.image.written == "photos/subject.jpg"]
    with pikepdf.open(io.BytesIO(built.pdfs["email"])) as pdf:
        drawn = [pikepdf.PdfImage(x).as_pil_image().convert("RGB") for page in pdf.pages
                 for x in page.Resources.get("/XObject", {}).values() if x.get("/Subtype") == "/Image"]
    [picture] = [d for d in drawn if abs(d.width / d.height - use.width / use.height) < 0.03]
    return use, picture


def _red(picture: Image.Image) -> list[tuple[int, int]]:
    return [(x, y) for y in range(picture.height) for x in range(picture.width)
            if (p := picture.getpixel((x, y))) and p[0] > 200 and p[1] < 70 and p[2] < 70]  # type: ignore[index]


@pytest.mark.parametrize(("size", "mark", "focus"), [
    ((480, 120), (0.92, 0.5), "[92%, 50%]"),  # a panorama in a column: the sides are cut
    ((480, 120), (0.03, 0.5), "left"),
    ((120, 360), (0.5, 0.04), "top"),  # a tall photo: top and bottom are cut
    ((120, 360), (0.5, 0.97), "bottom"),
    ((120, 360), (0.5, 0.25), "[50%, 25%]"),
])
def test_the_focus_stays_inside_the_drawn_frame(tmp_path, size, mark, focus):
    use, picture = _render(tmp_path, size, mark, focus)
    red = _red(picture)
    assert red, "the marked subject is not in the photo as drawn"
    # where the crop says it is: the mark's position in the source, seen through the crop
    c = use.crop
    x = (mark[0] - c.left) / (c.right - c.left) * picture.width
    y = (mark[1] - (1 - c.top)) / (c.top - c.bottom) * picture.height
    cx = sum(p[0] for p in red) / len(red)
    cy = sum(p[1] for p in red) / len(red)
    assert abs(cx - x) < picture.width * 0.08 and abs(cy - y) < picture.height * 0.08, ((cx, cy), (x, y))
    # and the rest of the drawn photo is the source's crop (the gradient), not another picture
    source = Image.open(tmp_path / "photos" / "subject.jpg").convert("L")
    w, h = source.size
    expected = source.resize(picture.size, box=(c.left * w, (1 - c.top) * h, c.right * w, (1 - c.bottom) * h))
    got = picture.convert("L")
    diffs = [abs(expected.getpixel((i, j)) - got.getpixel((i, j)))  # type: ignore[operator]
             for j in range(0, got.height, 4) for i in range(0, got.width, 4)]
    assert sorted(diffs)[len(diffs) // 2] < 12


@pytest.mark.parametrize(("size", "mark"), [((480, 120), (0.92, 0.5)), ((120, 360), (0.5, 0.04))])
def test_without_focus_the_centre_crop_cuts_that_subject(tmp_path, size, mark):
    _, picture = _render(tmp_path, size, mark, None)
    assert _red(picture) == []


def test_focus_values():
    assert parse_focus("top") == (0.5, 0.0)
    assert parse_focus("bottom right") == (1.0, 1.0)
    assert parse_focus(["30%", "20%"]) == (0.3, 0.2)
    for wrong in ("middle", ["30%"], ["130%", "2%"], "left right top"):
        with pytest.raises(ValueError):
            parse_focus(wrong)


def test_a_wrong_focus_is_a_located_error(tmp_path):
    photos = tmp_path / "photos"
    photos.mkdir()
    _photo(photos / "subject.jpg", (200, 100), (0.5, 0.5))
    text = issue_yaml([{"title": "Only", "words": 100}]).replace(
        "    body: |\n", "    images:\n      - file: photos/subject.jpg\n        alt: x\n        focus: middle\n    body: |\n", 1)
    path = tmp_path / "wrong.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(IssueError) as caught:
        pipeline.load(path)
    [error] = caught.value.errors
    line = text.splitlines().index("        focus: middle") + 1
    assert (error.span.line, error.span.column) == (line, 16)
    assert "'middle' is not a focus; write top, bottom, left, right, center" in error.message


def test_crop_to_keeps_the_focus_for_any_frame():
    from anso_pdf.diagnostics import Span
    from anso_pdf.model.issue import Image as Photo

    for fx in (0.0, 0.1, 0.5, 0.77, 1.0):
        for fy in (0.0, 0.33, 1.0):
            for size in ((4000, 1000), (1000, 4000), (1200, 800)):
                photo = Photo(Path("x.jpg"), "x.jpg", None, None, False, Span("f", 1, 1), size, focus=(fx, fy))
                for frame in ((100, 45), (100, 90), (300, 100)):
                    c = crop_to(photo, *frame)
                    assert c.left - 1e-9 <= fx <= c.right + 1e-9 and c.bottom - 1e-9 <= 1 - fy <= c.top + 1e-9
                    shown = (c.right - c.left) * size[0] / ((c.top - c.bottom) * size[1])
                    assert abs(shown - frame[0] / frame[1]) < 1e-6


def test_preview_crops_frames_what_is_printed(tmp_path):
    from typer.testing import CliRunner

    from anso_pdf.cli import app
    from anso_pdf.render.crops import FOCUS, FRAME, TILE

    photos = tmp_path / "photos"
    photos.mkdir()
    _photo(photos / "subject.jpg", (480, 120), (0.92, 0.5))
    text = issue_yaml([{"title": "Only", "words": 250}]).replace(
        "    body: |\n",
        "    images:\n      - file: photos/subject.jpg\n        alt: x\n        focus: [92%, 50%]\n    body: |\n", 1)
    issue = tmp_path / "crops.yaml"
    issue.write_text(text, encoding="utf-8")
    out = tmp_path / "pictures"
    result = CliRunner().invoke(app, ["preview", "--crops", "--dpi", "20", "-o", str(out), str(issue)])
    assert result.exit_code == 0, result.output
    with Image.open(out / "crops-crops.png") as sheet:
        sheet = sheet.convert("RGB")
    frame = [(x, y) for y in range(sheet.height) for x in range(sheet.width) if sheet.getpixel((x, y)) == FRAME]
    cross = [(x, y) for y in range(sheet.height) for x in range(sheet.width) if sheet.getpixel((x, y)) == FOCUS]
    assert frame and cross
    # the frame is the crop: the right part of the photo (the focus at 92% across pushes it to the right edge)
    left, right = min(x for x, _ in frame), max(x for x, _ in frame)
    tile_left = 12  # the sheet's margin
    assert right - tile_left == pytest.approx(TILE - 1, abs=2)
    assert (left - tile_left) / TILE == pytest.approx(1 - (1 / 0.45) / 4, abs=0.02)  # a centre crop starts at 0.22
    assert all(left <= x <= right for x, _ in cross)
