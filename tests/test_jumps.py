"""issue #12, cases 1 and 8: `continues_on` prints only true page numbers, read back from the PDF.

Both issues are the sample with one change an editor would make: (case 1) a section that is not pinned,
after the section that fills page 2, is given `continues_on: 4`; (case 8) the pinned section on page 2 grew,
a short section after it must also end on page 2, and the grown section is given `continues_on: 4`."""

from __future__ import annotations

import copy
import io
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from pypdf import PdfReader
from tests.conftest import ROOT, SAMPLE, pdf_pages_text
from tests.issue_factory import prose

from anso_pdf import pipeline
from anso_pdf.layout.document import LaidOutIssue
from anso_pdf.layout.flowables import JumpLine


def _write(folder: Path, name: str, change: Any) -> Path:
    document = yaml.safe_load(SAMPLE.read_text(encoding="utf-8"))
    document = copy.deepcopy(document)
    change(document["sections"])
    path = folder / f"{name}.yaml"
    path.write_text(yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=100), encoding="utf-8")
    return path


def _case1(sections: list[dict[str, Any]]) -> None:
    sections[1]["articles"].append({"title": "IV. A Longer Report", "body": prose(120, 3)})
    sections.insert(2, {"title": "Research Highlights", "continues_on": 4, "body": prose(260, 9)})


def _case1_no_room(sections: list[dict[str, Any]]) -> None:
    sections[1]["articles"].append({"title": "IV. A Longer Report", "body": prose(160, 3)})
    sections.insert(2, {"title": "Research Highlights", "continues_on": 4, "body": prose(90, 9)})


def _case8(sections: list[dict[str, Any]]) -> None:
    sections[1]["articles"].append({"title": "IV. A Longer Report", "body": prose(250, 3)})
    sections[1]["continues_on"] = 4
    sections.insert(2, {"title": "Capacity Building", "body": prose(70, 5)})


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[bytes, LaidOutIssue, list[str]]]:
    folder = tmp_path_factory.mktemp("jumps")
    shutil.copytree(ROOT / "assets" / "photos", folder / "assets" / "photos")
    out = {}
    for name, change in (("case1", _case1), ("case1-no-room", _case1_no_room), ("case8", _case8)):
        built = pipeline.build(_write(folder, name, change), ["email"])
        out[name] = (built.pdfs["email"], built.laid_out, [d.message for d in built.warnings])
    return out


def _page_of_heading(pages: list[str], title: str) -> int:
    """The page whose text has `title` as a line of its own, not after 'Continued from page N:'."""
    heading = rf"^{re.escape(title)}\s*$(?![\s.]*p\.\d)"  # not the contents box's entry: its leader and page follow
    found = [n for n, text in enumerate(pages, 1) if re.search(heading, text, re.M)]
    assert len(found) == 1, (title, found)
    return found[0]


def _contents_page(pages: list[str], title: str) -> int:
    match = re.search(rf"{re.escape(title)}[\s.]+p\.(\d)", pages[0])
    assert match, title
    return int(match.group(1))


def _bookmark_page(pdf: bytes, title: str) -> int:
    reader = PdfReader(io.BytesIO(pdf))

    def walk(items: list[Any]) -> list[Any]:
        return [x for item in items for x in (walk(item) if isinstance(item, list) else [item])]

    marks = [m for m in walk(reader.outline) if m.title == title]
    assert len(marks) == 1, title
    return reader.get_destination_page_number(marks[0]) + 1


def _check_jump(pdf: bytes, laid: LaidOutIssue, title: str, key: str, *, starts: int, resumes: int) -> None:
    pages = pdf_pages_text(pdf)
    # where the section starts: its heading, the contents box and its bookmark agree
    assert _page_of_heading(pages, title) == starts
    assert _contents_page(pages, title) == starts
    assert _bookmark_page(pdf, title) == starts
    # one jump line, on the page it leaves, naming the page it resumes on; one head there, naming the page it left
    jumps = [(n, m) for n, text in enumerate(pages, 1) for m in re.findall(r"Continued on page (\d)", text)]
    assert jumps == [(starts, str(resumes))]
    heads = [(n, m) for n, text in enumerate(pages, 1) for m in re.findall(r"Continued from page (\d): (.+)", text)]
    assert [(n, m[0]) for n, m in heads] == [(resumes, str(starts))]
    assert heads[0][1][1].startswith(title)
    # the jump line stands at the foot of the section's own last column: the block just above it is the
    # section's, and the section's text really goes on on the page it names
    page = laid.pages[starts - 1]
    jump = next(p for p in page.placed if isinstance(p.flowable, JumpLine))
    above = [p for p in page.placed if p.kind == "flow" and abs(p.x - jump.x) < 0.5 and p.y >= jump.y + jump.height - 0.5]
    assert min(above, key=lambda p: p.y).section == key
    assert any(p.section == key and p.ident.startswith(f"{key}.") for p in laid.pages[resumes - 1].placed)


def test_case1_a_section_after_a_full_page_jumps_from_where_it_starts(rendered: dict[str, Any]) -> None:
    pdf, laid, _ = rendered["case1"]
    _check_jump(pdf, laid, "Research Highlights", "s3", starts=2, resumes=4)


def test_case8_the_grown_section_jumps_as_much_as_the_short_section_after_it_needs(rendered: dict[str, Any]) -> None:
    pdf, laid, _ = rendered["case8"]
    _check_jump(pdf, laid, "ANSO Conferences", "s2", starts=2, resumes=4)
    pages = pdf_pages_text(pdf)
    assert _page_of_heading(pages, "Capacity Building") == 2 == _contents_page(pages, "Capacity Building")
    assert laid.section_pages["s3"] == 2


def test_case1_a_section_with_no_room_on_its_page_is_set_whole_where_it_was_to_continue(rendered: dict[str, Any]) -> None:
    """As filed: the section's heading had no room at the foot of page 2. It used to leave 'Continued on page 4'
    under another section's article, with the contents box and bookmark saying p.2. Now all of it is on page 4,
    every number says so, no jump line is printed, and the editor is told."""
    pdf, laid, warnings = rendered["case1-no-room"]
    pages = pdf_pages_text(pdf)
    assert _page_of_heading(pages, "Research Highlights") == 4
    assert _contents_page(pages, "Research Highlights") == 4
    assert _bookmark_page(pdf, "Research Highlights") == 4
    assert not any("Continued" in text for text in pages)
    assert not any(isinstance(p.flowable, JumpLine) for page in laid.pages for p in page.placed)
    assert any("Research Highlights" in w and "no room to start on page 2" in w for w in warnings)


def test_a_section_that_starts_on_or_after_its_continues_on_page_is_told(tmp_path: Path) -> None:
    """'Beta' may continue on page 2, but the section before it fills pages 1-2, so it starts on page 3: the editor
    is told that it cannot continue on page 2, and where it goes on, and the numbers printed are true."""
    path = tmp_path / "late.yaml"
    path.write_text(yaml.safe_dump({
        "newsletter": {"name": "Science", "issue": "Issue 7", "date": "May 2026"},
        "sections": [{"title": "Alpha", "body": prose(1500, 5)}, {"title": "Beta", "continues_on": 2, "body": prose(500, 6)},
                     {"title": "Gamma", "page": 4, "body": prose(60, 7)}]}, sort_keys=False), encoding="utf-8")
    built = pipeline.build(path, ["email"])
    assert built.laid_out.section_pages["s2"] == 3
    warnings = [str(d) for d in built.warnings]
    assert any("late.yaml:" in w and "section 'Beta' starts on page 3, so it cannot continue on page 2 "
               "(continues_on: 2)" in w and "give continues_on a page after 3, or remove it" in w for w in warnings), warnings
    pages = pdf_pages_text(built.pdfs["email"])
    assert _contents_page(pages, "Beta") == 3 and _page_of_heading(pages, "Beta") == 3
