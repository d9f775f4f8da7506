"""issue #18: the press PDF's printing condition is chosen, never assumed: FOGRA39 for A4 by default, a Letter
issue must name one, the printer's own ICC profile fills the output intent, the ink limit is the condition's."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pikepdf
import pytest
from PIL import Image
from typer.testing import CliRunner

from anso_pdf import pipeline
from anso_pdf.cli import app
from anso_pdf.diagnostics import IssueError
from anso_pdf.render.inklimit import ROUNDING, max_total_ink
from anso_pdf.resources import icc_path

LETTER = """newsletter:
  name: Letter News
  issue: Issue 1
  date: March 2026
sections:
  - title: Hello
    body: |
      First paragraph.
    images:
      - file: dark.jpg
        caption: A dark photo.
        alt: A dark purple field.
style:
  page_size: Letter
  colors:
    primary: "cmyk(100, 100, 100, 100)"
"""


def _issue(folder: Path, press: str = "", size: tuple[int, int] = (900, 675)) -> Path:
    dark = Image.new("RGB", size, (5, 8, 12))
    dark.paste(Image.new("RGB", (size[0] // 2, size[1]), (60, 0, 90)), (0, 0))
    dark.save(folder / "dark.jpg", quality=95)
    path = folder / "letter.yaml"
    path.write_text(LETTER + press, encoding="utf-8")
    return path


def _intent(data: bytes) -> dict[str, str]:
    pdf = pikepdf.open(io.BytesIO(data))
    oi = pdf.Root.OutputIntents[0]
    return {k: str(oi.get("/" + k, "")) for k in ("OutputConditionIdentifier", "OutputCondition", "Info")}


def test_a_letter_issue_without_a_condition_stops_with_a_clear_message(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _issue(tmp_path)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["render", "letter.yaml"])
    assert result.exit_code == 1
    located = [line for line in result.output.splitlines() if line.startswith("letter.yaml:14:")]
    assert located and "error:" in located[0] and "printer's colour profile" in located[0], result.output
    assert "press: {icc: printer.icc}" in result.output
    assert not (tmp_path / "build").exists()
    email = CliRunner().invoke(app, ["render", "--profile", "email", "letter.yaml"])  # the screen PDF needs none
    assert email.exit_code == 0, email.output


def test_a_letter_issue_naming_fogra39_gets_it_and_its_limit(tmp_path: Path) -> None:
    path = _issue(tmp_path, "  press:\n    condition: fogra39\n")
    built = pipeline.build(path, ["press"])
    assert _intent(built.pdfs["press"])["OutputConditionIdentifier"] == "FOGRA39"
    assert any("400 % ink, over the press's 300 %" in note for note in built.press_notes), built.press_notes
    pdf = pikepdf.open(io.BytesIO(built.pdfs["press"]))
    fills = [tuple(float(v) for v in i.operands) for page in pdf.pages for i in pikepdf.parse_content_stream(page)
             if str(i.operator) == "k"]
    assert max(sum(f) for f in fills) <= 3.0 + 1e-6  # the 400 % house colour limited like a photo


def _printer_profile(folder: Path) -> tuple[Path, str]:
    """A CMYK printer profile other than ours: Ghostscript's SWOP stand-in where it is installed (it is not ours to
    ship: AGPL), else our FOGRA39 file under another name."""
    ghostscript = Path("/usr/share/color/icc/ghostscript/default_cmyk.icc")
    source = ghostscript if ghostscript.exists() else icc_path("FOGRA39L_coated.icc")
    target = folder / "printer.icc"
    shutil.copyfile(source, target)
    from PIL import ImageCms

    return target, ImageCms.getProfileDescription(ImageCms.ImageCmsProfile(str(target))).strip()


def test_the_printers_icc_fills_the_output_intent_and_converts_the_photos(tmp_path: Path) -> None:
    _, description = _printer_profile(tmp_path)
    path = _issue(tmp_path, "  press:\n    icc: printer.icc\n    identifier: CGATS21_CRPC6\n    ink_limit: 280\n")
    data = pipeline.build(path, ["press"]).pdfs["press"]
    assert _intent(data) == {"OutputConditionIdentifier": "CGATS21_CRPC6", "OutputCondition": description,
                             "Info": description}
    pdf = pikepdf.open(io.BytesIO(data))
    assert pdf.Root.OutputIntents[0].DestOutputProfile.read_bytes() == (tmp_path / "printer.icc").read_bytes()
    images = [pikepdf.PdfImage(im).as_pil_image() for page in pdf.pages for im in page.get_images().values()]
    assert images and max(max_total_ink(im) for im in images if im.mode == "CMYK") <= 280 + ROUNDING * 100 / 255


def test_a_profile_that_is_not_a_cmyk_printer_profile_is_refused_where_it_is_named(tmp_path: Path) -> None:
    shutil.copyfile(icc_path("sRGB.icc"), tmp_path / "printer.icc")
    path = _issue(tmp_path, "  press:\n    icc: printer.icc\n")
    with pytest.raises(IssueError) as caught:
        pipeline.build(path, ["press"], shown="letter.yaml")
    [error] = caught.value.errors
    assert error.span is not None and error.span.line == 18 and "not a CMYK printer profile" in error.message
