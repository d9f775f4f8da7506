"""issue #18: the press PDF as a printer's preflight reads it back: total ink at the pixel, the resolution policy."""

from __future__ import annotations

import io
from pathlib import Path

import pikepdf
import pytest
from PIL import Image
from typer.testing import CliRunner

from anso_pdf.cli import app
from anso_pdf.render.inklimit import ROUNDING, max_total_ink
from anso_pdf.render.profiles import fogra39

LOW_RES = """newsletter:
  name: Example Newsletter
  issue: Issue 1
  date: January 2026
sections:
  - title: Hello
    body: |
      First paragraph.
    images:
      - file: small.jpg
        caption: A small photo.
        alt: A blue square.
"""


def _images(pdf: pikepdf.Pdf) -> list[tuple[int, Image.Image]]:
    out = []
    for number, page in enumerate(pdf.pages, 1):
        for image in page.get_images().values() if hasattr(page, "get_images") else page.images.values():
            out.append((number, pikepdf.PdfImage(image).as_pil_image()))
    return out


def test_no_pixel_of_a_press_photo_is_over_the_ink_limit(sample_pdfs: dict[str, bytes]) -> None:
    """Decoded as a RIP decodes them, every pixel of every photo stays within the limit (8-bit rounding aside)."""
    images = _images(pikepdf.open(io.BytesIO(sample_pdfs["press"])))
    assert len(images) == 9 and all(im.mode == "CMYK" for _, im in images)
    limit = fogra39().ink_limit
    worst = max(max_total_ink(im) for _, im in images)
    assert worst <= limit + ROUNDING * 100 / 255, worst
    assert worst > limit - 6  # the dark photos still reach near the limit: shadows are not flattened


def test_ink_limit_holds_for_a_photo_of_fine_dark_detail() -> None:
    """The worst case for JPEG noise: rich-black texture at the limit, encoded at the press quality."""
    import random

    from anso_pdf.render.inklimit import encode_within

    rng = random.Random(7)
    im = Image.new("CMYK", (256, 256))
    im.putdata([(rng.choice((200, 255)), rng.choice((180, 240)), rng.choice((170, 240)), 255) for _ in range(256 * 256)])
    assert max_total_ink(im) > 350

    def encode(image: Image.Image) -> bytes:
        buf = io.BytesIO()
        image.save(buf, "JPEG", quality=95)
        return buf.getvalue()

    data = encode_within(im, 300, encode)
    assert max_total_ink(Image.open(io.BytesIO(data))) <= 300 + ROUNDING * 100 / 255


def _photo(path: Path, size: tuple[int, int]) -> None:
    out = io.BytesIO()
    Image.new("RGB", size, (90, 120, 160)).save(out, "JPEG", quality=85)
    path.write_bytes(out.getvalue())


def test_a_photo_below_150_ppi_fails_the_press_render_and_draft_renders_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "x.yaml").write_text(LOW_RES, encoding="utf-8")
    _photo(tmp_path / "small.jpg", (115, 86))  # 57 mm wide: 51 ppi
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    for command in (["render", "--profile", "press", "x.yaml"], ["check", "x.yaml"]):
        result = runner.invoke(app, command)
        assert result.exit_code == 1, result.output
        located = [line for line in result.output.splitlines() if line.startswith("x.yaml:10:")]
        assert located and "error:" in located[0] and "rejects" in located[0], result.output
    assert not (tmp_path / "build").exists()
    draft = runner.invoke(app, ["render", "--profile", "press", "--draft", "x.yaml"])
    assert draft.exit_code == 0, draft.output
    assert any(line.startswith("x.yaml:10:") and "warning:" in line and "ppi" in line for line in draft.output.splitlines())
    assert list((tmp_path / "build").glob("*.pdf"))


def test_a_photo_between_150_and_300_ppi_is_a_warning(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "x.yaml").write_text(LOW_RES, encoding="utf-8")
    _photo(tmp_path / "small.jpg", (500, 375))  # 57 mm wide: 223 ppi
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["render", "--profile", "press", "x.yaml"])
    assert result.exit_code == 0, result.output
    assert any(line.startswith("x.yaml:10:") and "warning:" in line for line in result.output.splitlines())


def _metadata_facts(data: bytes) -> dict[str, object]:
    pdf = pikepdf.open(io.BytesIO(data))
    info = pdf.docinfo
    xmp = pdf.open_metadata()
    return {
        "info_dates": (str(info["/CreationDate"]), str(info["/ModDate"])),
        "xmp_dates": (xmp["xmp:CreateDate"], xmp["xmp:ModifyDate"], xmp["xmp:MetadataDate"]),
        "titles": (str(info["/Title"]), xmp["dc:title"]),
        "ids": tuple(bytes(v).hex() for v in pdf.trailer.ID),
        "xmp_ids": (xmp["xmpMM:DocumentID"], xmp["xmpMM:InstanceID"]),
    }


def _info_date_as_xmp(date: str) -> str:
    """D:YYYYMMDDHHmmSS+HH'mm' -> YYYY-MM-DDTHH:mm:SS+HH:mm"""
    d = date[2:]
    return f"{d[:4]}-{d[4:6]}-{d[6:8]}T{d[8:10]}:{d[10:12]}:{d[12:14]}{d[14]}{d[15:17]}:{d[18:20]}"


@pytest.mark.parametrize("epoch", [None, "1717243200"])
def test_info_and_xmp_agree_with_and_without_source_date_epoch(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, epoch: str | None) -> None:
    from anso_pdf import pipeline

    if epoch:
        monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
    else:
        monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    issue = tmp_path / "x.yaml"
    issue.write_text(LOW_RES.split("    images:")[0])
    pdfs = pipeline.build(issue, ["press", "email"]).pdfs
    for name, data in pdfs.items():
        facts = _metadata_facts(data)
        created, modified = facts["info_dates"]  # type: ignore[misc]
        expected = "2024-06-01T12:00:00+00:00" if epoch else "2000-01-01T00:00:00+00:00"
        assert _info_date_as_xmp(created) == _info_date_as_xmp(modified) == expected, (name, facts)
        assert set(facts["xmp_dates"]) == {expected}, (name, facts)  # type: ignore[arg-type]
        info_title, xmp_title = facts["titles"]  # type: ignore[misc]
        assert info_title == xmp_title == "Example Newsletter \u2013 Issue 1, January 2026"
        xmp_ids = [i.replace("uuid:", "").replace("-", "") for i in facts["xmp_ids"]]  # type: ignore[attr-defined]
        ids = list(facts["ids"])  # type: ignore[call-overload]
        assert xmp_ids[0] == ids[0], facts  # the permanent ID
        if name == "press":  # the email PDF's second (instance) ID is made again when qpdf linearizes it
            assert xmp_ids == ids, facts


def test_black_text_overprints_and_nothing_else_does(sample_pdfs: dict[str, bytes]) -> None:
    from anso_pdf.render import preflight

    report = preflight.read(sample_pdfs["press"])
    for page in report["pages"]:
        assert page["overprint"]["elsewhere"] == 0, page
        assert page["overprint"]["black_text_knocking_out"] == 0, page
        assert page["overprint"]["black_text"] > 0, page
    pdf = pikepdf.open(io.BytesIO(sample_pdfs["press"]))
    states = pdf.pages[0].Resources.ExtGState
    assert bool(states.AnsoOverprintText.op) and int(states.AnsoOverprintText.OPM) == 1
    assert not bool(states.AnsoOverprintText.OP)  # text strokes (none are drawn) would not overprint


def test_crop_marks_are_in_registration_colour(sample_pdfs: dict[str, bytes]) -> None:
    from anso_pdf.render import preflight

    report = preflight.read(sample_pdfs["press"])
    assert [page["printer_marks_colour_spaces"] for page in report["pages"]] == [["Separation:All"]] * 4
    pdf = pikepdf.open(io.BytesIO(sample_pdfs["press"]))
    spaces = {str(cs[0]): cs for page in pdf.pages for cs in page.Resources.ColorSpace.values()}
    assert str(spaces["/Separation"][1]) == "/All" and str(spaces["/Separation"][2]) == "/DeviceCMYK"


def _ghostscript_max_ink(pdf: Path, report: dict, dpi: int) -> list[float]:
    import subprocess

    subprocess.run(["gs", "-q", "-dNOPAUSE", "-dBATCH", "-dSAFER", "-sDEVICE=tiff32nc", f"-r{dpi}",
                    f"-sOutputFile={pdf.parent}/p%d.tif", str(pdf)], check=True, capture_output=True)
    out = []
    for page in report["pages"]:
        media, trim = page["boxes"]["media"], page["boxes"]["trim"]
        s = dpi / 72
        box = (round((trim[0] - media[0]) * s) + 1, round((media[3] - trim[3]) * s) + 1,
               round((trim[2] - media[0]) * s) - 1, round((media[3] - trim[1]) * s) - 1)
        out.append(max_total_ink(Image.open(pdf.parent / f"p{page['page']}.tif").crop(box)))
    return out


def test_the_json_preflight_report_matches_ghostscript_and_pdfimages(
        sample_pdfs: dict[str, bytes], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """check --json carries the preflight report; its figures are what Ghostscript (total ink inside the trim,
    rendered at the photos' 300 ppi) and pdfimages (pixels, colour, effective ppi) measure on the press PDF."""
    import json
    import subprocess

    from tests.conftest import ROOT

    monkeypatch.chdir(ROOT)
    result = CliRunner().invoke(app, ["check", "--json", "issues/anso-2019-06.yaml"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)["preflight"]
    assert report["pdf_x"] == "PDF/X-4" and report["output_condition"]["OutputConditionIdentifier"] == "FOGRA39"
    assert all(f["embedded"] for f in report["fonts"])
    assert [(p["trim_mm"], p["bleed_mm"]) for p in report["pages"]] == [([210.0, 297.0], 3.0)] * 4

    pdf = tmp_path / "press.pdf"
    pdf.write_bytes(sample_pdfs["press"])
    measured = _ghostscript_max_ink(pdf, report, 300)
    assert [round(v, 1) for v in measured] == [p["max_ink"] for p in report["pages"]], measured

    listed = subprocess.run(["pdfimages", "-list", str(pdf)], check=True, capture_output=True, text=True).stdout
    rows = [line.split() for line in listed.splitlines()[2:]]
    theirs = [(int(r[0]), int(r[3]), int(r[4]), r[5], int(r[12]), int(r[13])) for r in rows]
    ours = [(i["page"], *i["pixels"], {"DeviceCMYK": "cmyk"}.get(i["colour_space"], i["colour_space"]), *i["ppi"])
            for i in report["images"]]
    assert ours == theirs


def test_no_small_text_in_three_or_four_inks_and_reversed_text_bold(sample_pdfs: dict[str, bytes]) -> None:
    """The sample's house colours have three and four inks; its contents-box page numbers (8.6 pt, primary) are
    printed in the two-ink safe build, and its reversed text (masthead, badges) is bold and at least 8 pt."""
    from anso_pdf.render import preflight

    report = preflight.read(sample_pdfs["press"])
    for page in report["pages"]:
        assert page["small_text_in_more_than_two_inks"] == [], page["page"]
        assert page["reversed_text_not_bold_or_below_8pt"] == [], page["page"]
    pdf = pikepdf.open(io.BytesIO(sample_pdfs["press"]))
    fills = [tuple(round(float(v), 2) for v in instruction.operands)
             for instruction in pikepdf.parse_content_stream(pdf.pages[0]) if str(instruction.operator) == "k"]
    assert (0.95, 0.71, 0.0, 0.0) in fills  # the primary's safe build, drawn
    assert (0.93, 0.69, 0.0, 0.19) in fills  # and the primary itself, for the large text and the masthead


def test_safe_build_keeps_two_inks_and_stays_close() -> None:
    from anso_pdf.render.safeink import _labs, inks, safe_build

    icc = fogra39().icc
    for cmyk in [(0.9294, 0.6863, 0.0, 0.1882), (0.04, 0.52, 0.89, 0.11), (0.6, 0.4, 0.4, 1.0), (0.5, 0.0, 1.0, 0.0)]:
        safe = safe_build(cmyk, icc)
        assert inks(safe) <= 2
        if inks(cmyk) <= 2:
            assert safe == cmyk
        a, b = _labs(icc, [tuple(round(v * 255) for v in c) for c in (cmyk, safe)])  # type: ignore[misc]
        assert sum((p - q) ** 2 for p, q in zip(a, b, strict=True)) ** 0.5 < 12, (cmyk, safe)


def test_check_notes_what_the_press_changes_about_the_house_colours(sample_pdfs: dict[str, bytes],
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.conftest import ROOT

    monkeypatch.chdir(ROOT)
    result = CliRunner().invoke(app, ["check", "issues/anso-2019-06.yaml"])
    assert result.exit_code == 0, result.output
    notes = [line for line in result.output.splitlines() if line.startswith("press: house colour")]
    assert len(notes) == 2 and "C93 M69 K19" in notes[0] and "C95 M71" in notes[0], result.output
