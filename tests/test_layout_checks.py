"""issue #8: automatic layout checks, computed from the finished layout of the sample issue, of the issue files
kept beside it (issues/: a second real issue, a short one, Letter in three columns) and of generated issues (A4
and Letter, two and three columns, one to six sections, short and long texts).

The checks live in tests/layout_checks.py; each returns the problems it found, with page, item and
coordinates, so a failure says where to look. Known failures of the layout are listed in KNOWN with the fix
they need and run as xfails (not strict, since src/ is edited by several people at once): an XPASS in the
summary (`pytest -ra`) means the layout was fixed, so delete the entry.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from tests import layout_checks as LC

ISSUES = ("sample", *LC.KEPT, *LC.generated_issues())

KNOWN: dict[tuple[str, str], str] = {
    # (check, issue): why it fails now and what fixes it (see docs/typography.md, "Known failures")
}

WORD_SPACE_P95 = 2.8  # justified body lines, all issues together: see docs/typography.md, "The limit"
WORD_SPACE_OVER_2X = 0.25  # share of justified body lines whose word space is more than doubled


def issues(check: str) -> list:
    return [pytest.param(name, marks=pytest.mark.xfail(strict=False, reason=KNOWN[check, name]))
            if (check, name) in KNOWN else name for name in ISSUES]


@pytest.fixture(scope="module")
def laid(tmp_path_factory: pytest.TempPathFactory) -> dict[str, LC.Laid]:
    folder: Path = tmp_path_factory.mktemp("generated")
    paths = {"sample": LC.SAMPLE, **LC.KEPT, **LC.write_generated(folder)}
    return {name: LC.lay_out(path, name) for name, path in paths.items()}


@pytest.fixture(scope="module")
def drawn(laid: dict[str, LC.Laid]) -> dict[str, tuple[list[LC.Line], list[str]]]:
    out = {}
    for name, one in laid.items():
        paragraphs, failures = LC.draw_all(one)
        out[name] = ([line for d in paragraphs for line in LC.lines_of(d)], failures)
    return out


def _none(problems: list[str], what: str, layout: LC.Laid) -> None:
    assert not problems, f"{layout.name}: {len(problems)} {what}:\n  " + "\n  ".join(problems[:20])


@pytest.mark.parametrize("name", issues("space above headings"))
def test_no_space_added_above_headings_on_a_short_page(laid, name):
    _none(LC.space_above_headings_on_short_pages(laid[name]), "headings with space added above them", laid[name])


@pytest.mark.parametrize("name", issues("holes reported"))
def test_every_page_ends_on_the_margin_or_reports_its_shortfall(laid, name):
    _none(LC.unreported_holes(laid[name]), "pages ending short without a word about it", laid[name])


@pytest.mark.parametrize("name", issues("sidebar to the foot"))
def test_page_1_sidebar_runs_to_the_foot(laid, name):
    _none(LC.sidebar_short_of_the_foot(laid[name]), "sidebars short of the foot", laid[name])


@pytest.mark.parametrize("name", issues("page 1 reading path"))
def test_page_1_reads_down_its_columns_with_the_wide_photo_above_them(laid, name):
    _none(LC.page_1_reading_path(laid[name]), "photos across page 1's story", laid[name])


@pytest.mark.parametrize("name", issues("overlap"))
def test_nothing_overlaps(laid, name):
    _none(LC.overlaps(laid[name]), "overlapping items", laid[name])


@pytest.mark.parametrize("name", issues("safe"))
def test_everything_inside_the_safe_area_but_the_masthead(laid, name):
    _none(LC.outside_safe_area(laid[name]), "items across the safe area", laid[name])


@pytest.mark.parametrize("name", issues("flow"))
def test_the_story_stays_in_the_flow_area_on_the_column_grid(laid, name):
    _none(LC.outside_flow_area(laid[name]), "flow items off the flow area", laid[name])


@pytest.mark.parametrize("name", issues("order"))
def test_reading_order_down_the_columns(laid, name):
    _none(LC.reading_order(laid[name]), "items out of reading order", laid[name])


@pytest.mark.parametrize("name", issues("baseline"))
def test_columns_start_together_on_the_baseline_grid(laid, name):
    _none(LC.column_alignment(laid[name]), "items off their run's baseline grid", laid[name])


@pytest.mark.parametrize("name", issues("pins"))
def test_pinned_sections_start_at_the_top_of_their_page(laid, name):
    _none(LC.pinned_sections_at_top(laid[name]), "pinned sections not at the top", laid[name])


@pytest.mark.parametrize("name", issues("kept"))
def test_headings_keep_their_text_and_no_widows_or_orphans(laid, name):
    _none(LC.kept_together(laid[name]), "headings or paragraph parts left alone", laid[name])


@pytest.mark.parametrize("name", issues("foot"))
def test_no_hyphen_at_the_foot_of_a_column(laid, name):
    _none(LC.hyphen_at_column_foot(laid[name]), "columns ending in a hyphenated word", laid[name])


@pytest.mark.parametrize("name", issues("spread"))
def test_pages_2_and_3_share_one_body_size_and_leading(laid, name):
    _none(LC.spread_types(laid[name]), "body types on one spread", laid[name])


@pytest.mark.parametrize("name", issues("draws"))
def test_every_placed_item_draws(laid, drawn, name):
    _none(drawn[name][1], "items that fail to draw", laid[name])


@pytest.mark.parametrize("name", issues("overfull"))
def test_no_line_runs_past_its_column(laid, drawn, name):
    lines = drawn[name][0]
    assert lines, "no paragraph was drawn"
    _none(LC.overfull(lines), "overfull lines", laid[name])


def test_justified_lines_are_not_looser_than_the_limit(drawn):
    lines = [line for name in ISSUES for line in drawn[name][0]]
    spacing = LC.stretches(lines)
    assert len(spacing) > 200, "too few justified lines to measure"
    summary = LC.summarize(spacing)
    print(f"\nword-space stretch of justified body lines, {len(ISSUES)} issues: {summary.row()}")  # noqa: T201 (the distribution, shown with -s)
    loosest = sorted((ln for ln in lines if ln.justified), key=lambda ln: -ln.stretch)[:5]
    detail = "\n  ".join(f"{ln.stretch:.2f}x page {ln.page} {ln.ident}: {ln.text!r}" for ln in loosest)
    assert summary.p95 < WORD_SPACE_P95 and summary.over_2 < WORD_SPACE_OVER_2X, (
        f"justified text got looser: {summary.row()} (limits: p95 < {WORD_SPACE_P95}, "
        f"over 2x < {WORD_SPACE_OVER_2X:.0%}); loosest lines:\n  {detail}"
    )


def test_the_checks_find_what_they_look_for(laid):
    """The checks are not vacuous: a layout with an item moved onto another, out of the safe area and off the
    grid is caught by each of them."""
    import copy

    broken = copy.copy(laid["sample"])
    broken.laid_out = copy.deepcopy(laid["sample"].laid_out)
    page = broken.laid_out.pages[1]
    flow = [p for p in page.placed if p.kind == "flow"]
    moved = flow[3]
    moved.y = flow[2].y + 3.0  # onto its predecessor, off the grid
    assert LC.overlaps(broken)
    assert LC.reading_order(broken)
    assert LC.column_alignment(broken)
    moved.x = 5.0
    assert LC.outside_safe_area(broken)
    assert LC.outside_flow_area(broken)
    heads = [p for p in broken.laid_out.pages[2].placed if p.kind == "flow" and getattr(p.flowable, "keep_with_next", False)]
    for p in broken.laid_out.pages[2].placed:  # page 3 (filled by its photo) made to end 3 lines short
        if p.kind == "flow":
            p.y += 3 * LC._leading(broken, 3)
    assert not LC.space_above_headings_on_short_pages(broken)  # page 3 ends short, its headings at the house gap
    heads[-1].y -= 2 * LC._leading(broken, 3)  # two blank lines above a heading, and the page still ends short
    assert LC.space_above_headings_on_short_pages(broken)
    for p in broken.laid_out.pages[2].placed:  # page 3 back where it was laid out
        if p.kind == "flow":
            p.y -= 3 * LC._leading(broken, 3)
    assert not LC.pinned_sections_at_top(broken)
    contact = next(p for p in broken.laid_out.pages[0].placed if p.ident == "contact")
    assert not LC.sidebar_short_of_the_foot(broken)
    contact.flowable.min_height = 0.0  # the tint as tall as its text: an empty strip under it
    assert LC.sidebar_short_of_the_foot(broken)
    wide = next(p for p in broken.laid_out.pages[0].placed if isinstance(p.flowable, LC.CaptionedPhoto))
    assert not LC.page_1_reading_path(broken)
    wide.y -= 250  # the photo in the middle of the lead's columns, as page 1 was laid out before issue #15
    assert LC.page_1_reading_path(broken)
    short = copy.copy(laid["short-notice"])  # its pages end short, and the notes and warnings say so
    assert not LC.unreported_holes(short)
    short.warnings = ()
    # pages 2-4 hold no story and were only warned about; page 1 still has its 'left empty' note
    assert [p.split(":")[0] for p in LC.unreported_holes(short)] == ["page 2", "page 3", "page 4"]
    short.laid_out = copy.copy(short.laid_out)
    short.laid_out.fit_notes = []
    assert [p.split(":")[0] for p in LC.unreported_holes(short)] == ["page 1", "page 2", "page 3", "page 4"]
    first = next(p for p in broken.laid_out.pages[2].placed if p.kind == "flow")
    first.y -= 20
    assert LC.pinned_sections_at_top(broken)
