"""issue #4: exactly four pages, and never a word lost: copyfitting, overflow reports, jump lines."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader
from tests.conftest import norm_words, pdf_pages_text
from tests.issue_factory import four_sections, issue_yaml, prose
from typer.testing import CliRunner

from anso_pdf import pipeline
from anso_pdf.cli import app
from anso_pdf.diagnostics import IssueError


def _check(folder: Path, text: str):
    path = folder / "issue.yaml"
    path.write_text(text, encoding="utf-8")
    return path, pipeline.check(path)


def _line_of(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if needle in line)


def _base_capacity(folder: Path) -> int:
    """The most words section 2 takes on page 2 at the house fit (no adjustment), found by bisection."""
    lo, hi = 100, 2000
    while hi - lo > 20:
        mid = (lo + hi) // 2
        try:
            _, built = _check(folder, four_sections((150, mid, 150, 150)))
            fits_as_is = not any("page 2" in n for n in built.notes if "to fit" in n and "pt" in n and "13.4" not in n)
            tightened = any(n.startswith("page 2") and ("body set" in n or "line spacing 12" in n or "line spacing 11" in n) for n in built.notes)
            lo, hi = (mid, hi) if fits_as_is and not tightened else (lo, mid)
        except IssueError:
            hi = mid
    return lo


@pytest.fixture(scope="module")
def capacity(tmp_path_factory: pytest.TempPathFactory) -> int:
    return _base_capacity(tmp_path_factory.mktemp("capacity"))


def test_ten_percent_too_long_is_fitted_and_reported(tmp_path, capacity):
    path, built = _check(tmp_path, four_sections((150, int(capacity * 1.1), 150, 150)))
    changes = [n for n in built.notes if n.startswith("page 2")]
    assert changes, built.notes
    assert any(re.search(r"(line spacing|body set at) [\d.]+ pt", n) for n in changes)
    pdf = pipeline.build(path, ["email"]).pdfs["email"]
    assert len(PdfReader(__import__("io").BytesIO(pdf)).pages) == 4
    assert set(norm_words(prose(int(capacity * 1.1), seed=8))) <= set(norm_words(" ".join(pdf_pages_text(pdf))))


def test_three_times_too_long_fails_naming_the_section_and_the_cut(tmp_path, capacity):
    text = four_sections((150, capacity * 3, 150, 150))
    with pytest.raises(IssueError) as failure:
        _check(tmp_path, text)
    errors = failure.value.errors
    assert len(errors) == 1
    error = errors[0]
    assert error.span is not None and error.span.line == _line_of(text, "- title: Section 2")
    assert "section 'Section 2' does not fit" in error.message and "end on page 2" in error.message
    lines = int(re.search(r"about (\d+) lines are over", error.message).group(1))
    words = int(re.search(r"cut about (\d+) words", error.hint).group(1))
    assert lines > 40
    # roughly the excess over what the tightest fit holds: more than the house excess, less than all of it
    assert capacity < words < capacity * 3


def test_pinned_section_running_into_the_next_pin_is_an_overflow_of_that_section(tmp_path):
    with pytest.raises(IssueError) as failure:
        _check(tmp_path, four_sections((1200, 150, 150, 150)))
    (error,) = failure.value.errors
    assert "section 'Section 1'" in error.message and "end on page 1" in error.message
    assert "continues_on" in error.hint


def test_a_third_of_a_page_short_warns(tmp_path):
    _, built = _check(tmp_path, four_sections((300, 500, 40, 400)))
    warnings = [w.message for w in built.warnings]
    assert any(re.fullmatch(r"page 3 is \d\d% empty after fitting", w) for w in warnings), warnings
    assert not any(w.startswith("page 2") for w in warnings)


def test_strict_fails_on_an_underfull_page_and_writes_nothing(tmp_path):
    path = tmp_path / "short.yaml"
    path.write_text(four_sections((300, 500, 40, 400)), encoding="utf-8")
    result = CliRunner().invoke(app, ["render", str(path), "--strict", "-o", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert "empty after fitting" in result.output
    assert not (tmp_path / "out").exists()


def test_overflow_exits_1_and_keeps_the_earlier_pdf(tmp_path):
    path = tmp_path / "issue.yaml"
    path.write_text(four_sections((300, 500, 300, 300)), encoding="utf-8")
    runner = CliRunner()
    assert runner.invoke(app, ["render", str(path), "-o", str(tmp_path)]).exit_code == 0
    before = (tmp_path / "issue.pdf").read_bytes()
    text = four_sections((300, 3000, 300, 300))
    path.write_text(text, encoding="utf-8")
    result = runner.invoke(app, ["render", str(path), "-o", str(tmp_path)])
    assert result.exit_code == 1
    line = _line_of(text, "- title: Section 2")
    assert re.search(rf"issue\.yaml:{line}:5: error: section 'Section 2' does not fit", result.output)
    assert (tmp_path / "issue.pdf").read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["issue-press.pdf", "issue.pdf", "issue.yaml"]


def test_lead_story_continues_on_page_3_with_jump_lines_both_ways(tmp_path):
    text = issue_yaml([
        {"title": "Lead Story", "page": 1, "continues_on": 3, "words": 800},
        {"title": "Second", "page": 2, "words": 400},
        {"title": "Third", "page": 3, "words": 150},
        {"title": "Fourth", "page": 4, "words": 400},
    ])
    path = tmp_path / "jump.yaml"
    path.write_text(text, encoding="utf-8")
    pdf = pipeline.build(path, ["email"]).pdfs["email"]
    pages = pdf_pages_text(pdf)
    assert len(pages) == 4
    assert "Continued on page 3" in pages[0]
    assert "Continued from page 1: Lead Story" in pages[2]
    assert "Continued" not in pages[1] + pages[3]
    # the continuation comes after what is placed on page 3
    assert pages[2].index("Third") < pages[2].index("Continued from page 1")
    text = " ".join(pages)
    everything = set(norm_words(text)) | set(norm_words(re.sub(r"[-\u00ad]\s*\n\s*", "", text)))
    assert set(norm_words(prose(800, seed=7))) <= everything


@st.composite
def random_issue(draw):
    count = draw(st.integers(1, 5))
    pages = sorted(draw(st.lists(st.integers(1, 4), min_size=0, max_size=count, unique=True)))
    sections = []
    for i in range(count):
        section = {"title": f"Part {i + 1}", "words": draw(st.integers(0, 900))}
        sections.append(section)
    for i, page in enumerate(pages):
        sections[i]["page"] = page if i == 0 or page > sections[i - 1].get("page", 0) else None
        if sections[i]["page"] is None:
            del sections[i]["page"]
    columns = draw(st.sampled_from(["", "style:\n  columns: 3", "style:\n  page_size: Letter\n  columns: 3"]))
    return issue_yaml(sections, style=columns), sections


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(random_issue())
def test_random_issues_give_four_pages_with_every_word_or_a_located_error(tmp_path, case):
    text, sections = case
    path = tmp_path / "random.yaml"
    path.write_text(text, encoding="utf-8")
    try:
        pdf = pipeline.build(path, ["email"]).pdfs["email"]
    except IssueError as failure:
        assert failure.errors
        assert all(e.span is not None and e.span.file == str(path) for e in failure.errors), failure.errors
        return
    pages = pdf_pages_text(pdf)
    assert len(pages) == 4
    text = " ".join(pages)
    printed = set(norm_words(text)) | set(norm_words(re.sub(r"[-\u00ad]\s*\n\s*", "", text)))
    for i, section in enumerate(sections):
        assert set(norm_words(prose(section["words"], seed=i + 7))) <= printed


def test_every_fit_keeps_line_spacing_readable():
    """Leading over 1.45 x the body size looks loose, and pdftotext then reads across the columns."""
    from anso_pdf.layout.styles import FIT_LADDER, LOOSE_LADDER

    for fit in (*FIT_LADDER, *LOOSE_LADDER):
        assert 1.25 <= fit.leading / fit.body_size <= 1.45, fit
    assert {fit.body_size for fit in LOOSE_LADDER} == {FIT_LADDER[0].body_size}
