"""issue #15: the issue files kept beside the sample (issues/) render, and the second real issue's photos, at about
60 ppi where they print, are what the press profile refuses (an error naming each) and --draft renders with a
warning for each. Their layouts run through every layout check (test_layout_checks.py) and the second issue's
email PDF through the tagged-PDF tests (test_tagged.py)."""

from __future__ import annotations

import pytest

from anso_pdf import pipeline
from anso_pdf.diagnostics import IssueError
from layout_checks import KEPT

PHOTOS = 8  # the second real issue: six sections, eight photos (scripts/issue_photos.py makes them)


def test_the_second_issue_has_six_sections_and_eight_small_photos():
    issue = pipeline.load(KEPT["field-notes"])
    assert len(issue.sections) == 6
    photos = [image for s in issue.sections for part in (s.lead, *s.articles) for image in part.images]
    photos += list(s.gallery.photos) if (s := issue.sections[-1]).gallery else []
    assert len(photos) == PHOTOS


def test_press_refuses_the_small_photos_and_draft_warns_about_each():
    with pytest.raises(IssueError) as refused:
        pipeline.build(KEPT["field-notes"], ["press"])
    named = {e.message.split("'")[1] for e in refused.value.errors if "a printer rejects the file" in e.message}
    assert len(named) == PHOTOS and all(name.startswith("photos/") for name in named)
    draft = pipeline.build(KEPT["field-notes"], ["press"], draft=True)
    warned = {w.message.split("'")[1] for w in draft.warnings if "a printer rejects the file" in w.message}
    assert warned == named
    assert draft.pdfs["press"].startswith(b"%PDF-")


@pytest.mark.parametrize("name", ["short-notice", "letter-3col-kept"])
def test_the_short_and_the_letter_issue_render_both_pdfs(name):
    built = pipeline.build(KEPT[name], ["email", "press"])
    assert set(built.pdfs) == {"email", "press"}
    if name == "short-notice":  # little text: the pages it cannot fill are said to be empty, not stretched
        warned = [w.message for w in built.warnings if "empty after fitting" in w.message]
        assert [f"page {n} is 100% empty after fitting" for n in (2, 3, 4)] == warned[-3:]
