"""issue #15: a page short of material is filled by its own photos, grown in whole grid lines within their aspect
limits (layout/fill.py), so the sample's pages end on the bottom margin instead of with a hole."""

from __future__ import annotations

import io
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from tests.conftest import SAMPLE

from anso_pdf import pipeline
from anso_pdf.diagnostics import Diagnostics
from anso_pdf.layout import flowables as F
from anso_pdf.layout.grid import page_grid
from anso_pdf.model.issue import Image

A_LINE = 20.0  # pt: one body line (13-13.6 pt) and the room under the last line's glyphs to its box's foot


def _image(width: int, height: int) -> Image:
    return Image(Path("photo.jpg"), "photo.jpg", None, None, False, None, (width, height))  # type: ignore[arg-type]


@pytest.mark.parametrize("size", [(1600, 900), (900, 1600), (1000, 1000)])
def test_a_frame_in_whole_lines_keeps_its_aspect_limits(size: tuple[int, int]) -> None:
    grid, width = 13.0, 250.0
    photo = F.CaptionedPhoto(_image(*size), None, grid)
    lo, hi = photo.line_range(width)
    natural = size[1] / size[0]
    assert lo <= hi
    for lines in range(lo - 1, hi + 2):
        photo.lines = lines
        assert photo.wrap(width, 1000)[1] == pytest.approx(lines * grid)  # whole grid lines: the columns stay on the grid
        shape = photo.photo_h / width
        kept = min(shape / natural, natural / shape)  # the share of the photo's height or width the frame keeps
        assert (kept >= F.KEEP - 1e-9) == (lo <= lines <= hi), (lines, kept)


@pytest.fixture(scope="module")
def sample_layout():  # type: ignore[no-untyped-def]
    issue = pipeline.load(SAMPLE)
    return issue, pipeline.lay_out_issue(issue, Diagnostics())


def test_photos_grown_by_a_fill_are_whole_lines_within_their_aspect_limits(sample_layout) -> None:  # type: ignore[no-untyped-def]
    issue, laid = sample_layout
    grown = []
    for page in laid.pages:
        for placed in page.placed:
            photo = placed.flowable
            if type(photo) is not F.CaptionedPhoto or not photo.lines:
                continue
            grown.append((page.number, placed.ident))
            assert placed.height == pytest.approx(photo.lines * photo.grid)
            (use,) = photo.photo_uses()
            assert min(use.crop.right - use.crop.left, use.crop.top - use.crop.bottom) >= F.KEEP - 1e-9
    assert {n for n, _ in grown} == {2, 3}, grown  # the sample's pages 2 and 3 are filled by their photos
    assert any("across the columns" in note and "to fill the page" in note for note in laid.fit_notes)
    assert not any("left empty" in note for note in laid.fit_notes)


def test_the_sample_s_pages_end_on_the_bottom_margin(sample_pdfs) -> None:  # type: ignore[no-untyped-def]
    """Read back from the email PDF: every column of the four pages ends within a line of the bottom margin
    (balanced columns may end a line apart); the designer saw holes of 109 and 163 pt on pages 2 and 3, and page
    4's last gallery row ended a line above the margin."""
    issue = pipeline.load(SAMPLE)
    grid = page_grid(issue)
    pdf = pdfium.PdfDocument(io.BytesIO(sample_pdfs["email"]))
    for n in (1, 2, 3, 4):
        area = grid.flow[n - 1]
        text = pdf[n - 1].get_textpage()
        lowest = {}
        for i in range(text.count_chars()):
            left, bottom, right, _ = text.get_charbox(i)
            if right <= left or bottom < area.bottom - 6:  # the footer
                continue
            column = min(area.columns - 1, max(0, int((left - area.x) / (area.column_width + area.gutter))))
            lowest[column] = min(lowest.get(column, bottom), bottom)
        assert len(lowest) == area.columns
        for column, bottom in lowest.items():
            assert bottom - area.bottom < A_LINE, f"page {n}, column {column + 1} ends {bottom - area.bottom:.0f} pt above the margin"
