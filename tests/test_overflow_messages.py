"""issue #12 case 5 and point 3: an overflow names the page, every section on it with its size, and the
cheapest fixes; a page long because of photos is told about photos; no section is told to cut more words
than it has."""

from __future__ import annotations

import copy
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from tests.conftest import ROOT, SAMPLE
from tests.issue_factory import issue_yaml

from anso_pdf import pipeline
from anso_pdf.diagnostics import IssueError


def _errors(path: Path) -> list[Any]:
    with pytest.raises(IssueError) as failure:
        pipeline.check(path, use_cache=False)
    return failure.value.errors


def test_the_page_is_named_with_every_section_on_it_and_the_short_one_is_not_told_to_cut(tmp_path: Path) -> None:
    """Case 5: an article of 'Research Highlights' grew; the 76-word section after it on the same page used to
    be the one blamed ("section 'Capacity Building' does not fit ... cut about 64 words")."""
    path = tmp_path / "issue.yaml"
    path.write_text(issue_yaml([
        {"title": "Lead", "page": 1, "words": 300},
        {"title": "Research Highlights", "page": 2, "words": 1400},
        {"title": "Capacity Building", "words": 76},
        {"title": "Third", "page": 3, "words": 300},
        {"title": "Fourth", "page": 4, "words": 200},
    ]), encoding="utf-8")
    (error,) = _errors(path)
    assert error.message.startswith("page 2 does not fit its sections")
    lines = int(re.search(r"about (\d+) lines are over", error.message).group(1))
    assert lines > 5
    assert "'Research Highlights' (1400 words" in error.message and "'Capacity Building' (76 words" in error.message
    cut = re.search(r"cut about (\d+) words from (.*?)(;|$)", error.hint)
    assert cut and "'Research Highlights'" in cut.group(2) and "Capacity Building" not in cut.group(2)
    assert 76 < int(cut.group(1)) < 1400
    assert "let 'Research Highlights' continue on page" in error.hint


def test_a_one_word_section_is_never_told_to_cut_thousands_of_words(tmp_path: Path) -> None:
    path = tmp_path / "issue.yaml"
    path.write_text(issue_yaml([
        {"title": "Lead", "page": 1, "words": 3000},
        {"title": "Tiny", "words": 1},
        {"title": "Second", "page": 2, "words": 300},
    ]), encoding="utf-8")
    (error,) = _errors(path)
    cut = re.search(r"cut about (\d+) words from (.*?)(;|$)", error.hint)
    assert cut and "'Lead'" in cut.group(2) and "Tiny" not in cut.group(2)
    assert "'Tiny' (1 words" in error.message


def test_a_gallery_that_is_too_long_is_told_about_its_photos_first(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "assets" / "photos", tmp_path / "assets" / "photos")
    document = copy.deepcopy(yaml.safe_load(SAMPLE.read_text(encoding="utf-8")))
    gallery = document["sections"][-1]["gallery"]
    gallery["photos"] = [copy.deepcopy(photo) for photo in gallery["photos"] * 4]  # no YAML anchors
    path = tmp_path / "gallery.yaml"
    path.write_text(yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=100), encoding="utf-8")
    (error,) = _errors(path)
    assert "end on page 4" in error.message
    rows = re.match(r"remove (\d+) gallery rows? from 'Upcoming Events & Photo Gallery'", error.hint)
    assert rows, error.hint
    assert "24 photos" in error.message and "cut about" not in error.hint
