"""issue #3: the press PDF is what a printer's preflight accepts; the email PDF is small, linked, described."""

from __future__ import annotations

import io

import pikepdf
import pytest

from anso_pdf.units import mm

MM = mm(1)


def _open(data: bytes) -> pikepdf.Pdf:
    return pikepdf.open(io.BytesIO(data))


def _boxes(page: pikepdf.Page) -> dict[str, list[float]]:
    return {k: [float(v) for v in page.obj[k]] for k in ("/MediaBox", "/TrimBox", "/BleedBox") if k in page.obj}


def _colour_operators(pdf: pikepdf.Pdf) -> dict[str, int]:
    seen: dict[str, int] = {}
    for page in pdf.pages:
        for _operands, op in pikepdf.parse_content_stream(page):
            name = str(op)
            if name in ("rg", "RG", "k", "K", "g", "G", "sc", "scn", "SC", "SCN", "cs", "CS"):
                seen[name] = seen.get(name, 0) + 1
    return seen


def _images(pdf: pikepdf.Pdf) -> list[tuple[int, pikepdf.Object, float]]:
    """(page, image, horizontal ppi as drawn) for every image drawn."""
    out = []
    for n, page in enumerate(pdf.pages, 1):
        ctm_stack = [[1, 0, 0, 1, 0, 0]]
        for operands, op in pikepdf.parse_content_stream(page):
            name = str(op)
            if name == "q":
                ctm_stack.append(list(ctm_stack[-1]))
            elif name == "Q":
                ctm_stack.pop()
            elif name == "cm":
                a, b, c, d, e, f = (float(x) for x in operands)
                A, B, C, D, E, F = ctm_stack[-1]
                ctm_stack[-1] = [a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F]
            elif name == "Do":
                xobj = page.obj.Resources.XObject[operands[0]]
                if xobj.Subtype == "/Image":
                    width_pt = abs(ctm_stack[-1][0])
                    out.append((n, xobj, int(xobj.Width) / (width_pt / 72)))
    return out


def test_press_page_is_trim_plus_bleed_plus_marks(sample_pdfs):
    pdf = _open(sample_pdfs["press"])
    for page in pdf.pages:
        b = _boxes(page)
        trim, bleed, media = b["/TrimBox"], b["/BleedBox"], b["/MediaBox"]
        assert trim[2] - trim[0] == pytest.approx(210 * MM, abs=0.05)
        assert trim[3] - trim[1] == pytest.approx(297 * MM, abs=0.05)
        for side in range(2):
            assert trim[side] - bleed[side] == pytest.approx(3 * MM, abs=0.01)
            assert bleed[side + 2] - trim[side + 2] == pytest.approx(3 * MM, abs=0.01)
        assert media[0] < bleed[0] and media[1] < bleed[1] and media[2] > bleed[2] and media[3] > bleed[3]


def test_press_masthead_runs_into_the_bleed(sample_pdfs):
    """The masthead band is filled from outside the bleed edge: render page 1 and look at the bleed strip."""
    import pypdfium2

    doc = pypdfium2.PdfDocument(sample_pdfs["press"])
    page = doc[0]
    scale = 2
    bitmap = page.render(scale=scale).to_pil().convert("RGB")
    pdf = _open(sample_pdfs["press"])
    trim = _boxes(pdf.pages[0])["/TrimBox"]
    height = bitmap.height
    y = height - int((trim[3] + 1.5 * MM) * scale)  # inside the top bleed, above the trim
    x = int((trim[0] - 1.5 * MM) * scale)  # inside the left bleed
    r, g, b = bitmap.getpixel((x, y))
    assert b > r + 40, (r, g, b)  # the house blue, not white paper
    y_outside = height - int((trim[3] + 6 * MM) * scale)  # beyond the bleed: paper
    assert bitmap.getpixel((x, y_outside)) == (255, 255, 255)


def test_press_colour_is_cmyk_only(sample_pdfs):
    pdf = _open(sample_pdfs["press"])
    ops = _colour_operators(pdf)
    assert ops.get("k", 0) > 20
    assert not {"rg", "RG", "g", "G", "sc", "scn", "cs"} & set(ops)
    # strokes in a colour space other than DeviceCMYK: only the crop marks, in registration colour (issue #18)
    spaces = {str(operands[0]) for page in pdf.pages for operands, op in pikepdf.parse_content_stream(page)
              if str(op) == "CS"}
    assert spaces == {"/All"}, spaces
    for _, image, _ in _images(pdf):
        assert image.ColorSpace == "/DeviceCMYK"
        assert list(image.Filter) == ["/DCTDecode"]
        assert "/SMask" not in image


def test_press_images_at_300_ppi_where_the_photo_allows(sample_pdfs):
    images = _images(_open(sample_pdfs["press"]))
    assert len(images) == 9
    # the two small originals (640 and 600 px) cannot reach 300 ppi; the rest are prepared at 300
    assert sorted(round(ppi) >= 299 for _, _, ppi in images).count(True) == 7
    assert all(ppi <= 301 for _, _, ppi in images)


def test_press_pdfx_keys_output_intent_and_fonts(sample_pdfs):
    pdf = _open(sample_pdfs["press"])
    assert pdf.pdf_version >= "1.6"
    assert str(pdf.docinfo["/GTS_PDFXVersion"]) == "PDF/X-4"
    assert pdf.docinfo["/Trapped"] == "/False"
    intent = pdf.Root.OutputIntents[0]
    assert intent.S == "/GTS_PDFX" and str(intent.OutputConditionIdentifier) == "FOGRA39"
    assert int(intent.DestOutputProfile.N) == 4
    xmp = bytes(pdf.Root.Metadata.read_bytes()).decode()
    assert "<pdfxid:GTS_PDFXVersion>PDF/X-4</pdfxid:GTS_PDFXVersion>" in xmp
    for page in pdf.pages:
        assert "/Annots" not in page.obj
        for font in page.obj.Resources.Font.values():
            assert font.Subtype == "/TrueType"
            assert "/FontFile2" in font.FontDescriptor
            assert "Helvetica" not in str(font.BaseFont)


def test_email_is_the_trimmed_page_in_rgb(sample_pdfs):
    pdf = _open(sample_pdfs["email"])
    for page in pdf.pages:
        media = [float(v) for v in page.obj.MediaBox]
        assert media == pytest.approx([0, 0, 210 * MM, 297 * MM], abs=0.05)
    ops = _colour_operators(pdf)
    assert ops.get("rg", 0) > 20 and "k" not in ops and "K" not in ops
    for _, image, ppi in _images(pdf):
        assert image.ColorSpace == "/DeviceRGB" and list(image.Filter) == ["/DCTDecode"]
        assert ppi <= 151


def test_email_is_small_described_and_bookmarked(sample_pdfs):
    data = sample_pdfs["email"]
    assert len(data) < 1024 * 1024
    pdf = _open(data)
    info = pdf.docinfo
    assert str(info["/Title"]).startswith("ANSO Newsletter")
    assert str(info["/Author"]) == "ANSO Newsletter"
    assert "ANSO Conferences" in str(info["/Subject"])
    assert "newsletter" in str(info["/Keywords"])
    assert str(pdf.Root.Lang) == "en"
    assert pdf.Root.ViewerPreferences.DisplayDocTitle is True
    assert pdf.is_linearized
    with pdf.open_outline() as outline:
        top = [item.title for item in outline.root]
        assert top == ["1st ANSO Working Group Meeting Held Successfully", "ANSO Conferences",
                       "ANSO Recent Activities", "Upcoming Events & Photo Gallery"]
        assert [c.title[:4] for c in outline.root[1].children] == ["I. T", "II. "]
        assert len(outline.root[2].children) == 3


def test_no_private_photo_metadata(sample_pdfs):
    for data in sample_pdfs.values():
        pdf = _open(data)
        for _, image, _ in _images(pdf):
            raw = image.read_raw_bytes()
            assert b"Exif" not in raw[:4096] and b"GPS" not in raw[:4096]
