"""issue #8: long words and URLs are broken where the line is full and never run past a column edge; web and
e-mail addresses keep their ASCII hyphens (they must work when copied); compounds elsewhere keep theirs whole."""

from __future__ import annotations

import io
import re
import subprocess
from pathlib import Path

import yaml
from pypdf import PdfReader

from anso_pdf import pipeline
from anso_pdf.diagnostics import Diagnostics

ISSUE = """newsletter:
  name: URL News
  issue: Issue 1
  date: May 2026
sections:
  - title: Links and long words
    body: |
      Details are at https://www.example.org/news/2025/community-garden-renovation-plans-and-more-details.html before the meeting, and [our page](https://example.org/a/very/long/path/that/goes/on) too. Write to someone.with.a.long.name@international-organization-example.org today.

      Pneumonoultramicroscopicsilicovolcanoconiosis and Donaudampfschifffahrtsgesellschaftskapitän are long words; the co-hosted 13-14 May meeting was in-depth.
"""


def _issue(tmp_path: Path) -> Path:
    path = tmp_path / "u.yaml"
    path.write_text(ISSUE, encoding="utf-8")
    return path


def test_no_line_runs_past_its_column(tmp_path):
    laid_out = pipeline.lay_out_issue(pipeline.load(_issue(tmp_path)), Diagnostics())
    lines = 0
    for page in laid_out.pages:
        for placed in page.placed:
            para = placed.flowable
            if getattr(para, "blPara", None) is None:
                continue
            para.wrap(placed.width, placed.height)
            for line in para.blPara.lines:
                extra = line[0] if isinstance(line, tuple) else line.extraSpace
                assert extra > -0.5, (placed.ident, line)
                lines += 1
    assert lines > 10


def test_addresses_keep_ascii_hyphens_and_every_character(tmp_path):
    pdf = pipeline.build(_issue(tmp_path), ["email"]).pdfs["email"]
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    squashed = re.sub(r"\s+", "", text)
    assert "community-garden-renovation-plans-and-more-details.html" in squashed
    assert "someone.with.a.long.name@international-organization-example.org" in squashed
    # a compound's hyphen never ends a line (it is set as U+2011), and copies out as the hyphen that was written;
    # a range of numbers is set with an en dash (issue #15)
    assert "co-hosted" in text and "13\u201314" in text and "\u2011" not in text


def test_an_address_broken_after_its_own_hyphen_copies_out_with_that_hyphen(tmp_path):
    """A web address with many hyphens, broken where the line is full: where a line ends just after one of its own
    hyphens, the text keeps that hyphen (it had been turned into a soft hyphen, as a hyphen added by hyphenation
    is, so the address copied out without it)."""
    url = "https://www.example.org/" + "-".join(c * 5 for c in "abcdefghijklmnopqrstuvw")
    path = tmp_path / "issue.yaml"
    path.write_text(yaml.safe_dump({
        "newsletter": {"name": "Field Notes", "issue": "Issue 1", "date": "May 2026"},
        "sections": [{"title": "Links", "body": f"Read more at {url} before the meeting."}],
    }), encoding="utf-8")
    pdf = tmp_path / "issue.pdf"
    pdf.write_bytes(pipeline.build(path, ["email"]).pdfs["email"])
    raw = subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", "-f", "1", "-l", "1", str(pdf), "-"],
                         capture_output=True, text=True, check=True).stdout
    lines = raw[raw.index("Read more"):raw.index("before the meeting")].splitlines()
    assert any(line.endswith("-") for line in lines[:-1]), lines  # the case: a line ends after the address's hyphen
    assert url in re.sub(r"\s+", "", raw) and "\u00ad" not in "".join(lines)
