"""Issue #12: the proof of the laid-out issue. Each test breaks a finished layout on purpose, the way a layout bug
would, and shows that the proof names the breach with its page (and its place in the file where it has one); the
long contact block and the long newsletter name are refused with what to do."""

from __future__ import annotations

import dataclasses
import subprocess
from pathlib import Path

import pytest
import yaml
from PIL import Image

from anso_pdf import cache, pipeline, proof
from anso_pdf.diagnostics import Diagnostics, IssueError
from anso_pdf.layout import flowables as F
from anso_pdf.layout import lay_out
from anso_pdf.layout.inline import paragraph
from anso_pdf.render.images import Prepared
from issue_factory import issue_yaml

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "issues" / "anso-2019-06.yaml"


@pytest.fixture()
def laid():
    issue = pipeline.load(SAMPLE)
    return issue, lay_out(issue, Diagnostics())


def messages(issue, laid_out) -> list[str]:
    return [b.message for b in proof.prove(issue, laid_out)]


def placed(laid_out, page: int, kind: type):
    return next(p for p in laid_out.pages[page - 1].placed if isinstance(p.flowable, kind))


def test_the_sample_is_proved_true(laid):
    issue, laid_out = laid
    assert proof.prove(issue, laid_out) == []


def test_a_block_moved_off_the_page_is_caught(laid):
    issue, laid_out = laid
    photo = placed(laid_out, 2, F.CaptionedPhoto)
    photo.y = -300.0
    found = messages(issue, laid_out)
    assert any(m.startswith("page 2: a photo at x 43, y -300 pt") and "outside the text area" in m for m in found), found


def test_overlapping_blocks_are_caught(laid):
    issue, laid_out = laid
    quote = placed(laid_out, 2, F.PullQuote)
    quote.y += 40
    assert any(m.startswith("page 2:") and "overlap" in m for m in messages(issue, laid_out))


def test_a_contents_page_number_changed_is_caught(laid):
    issue, laid_out = laid
    laid_out.section_pages["s3"] = 4
    found = messages(issue, laid_out)
    assert f"the contents box says section '{issue.sections[2].title}' is on page 4; it starts on page 3" in found


def test_a_bookmark_to_the_wrong_page_is_caught(laid):
    issue, laid_out = laid
    title, anchor, level, _ = laid_out.outline[0]
    laid_out.outline[0] = (title, anchor, level, 3)
    assert any(m.startswith(f"the bookmark of section '{title}' points to page 3") for m in messages(issue, laid_out))


def test_a_wrong_folio_is_caught(laid):
    issue, laid_out = laid
    footer = placed(laid_out, 3, F.Footer).flowable
    footer.folio = paragraph("2", footer.folio.style)
    assert "page 3: the footer prints page number '2'" in messages(issue, laid_out)


def test_a_dropped_word_is_caught_where_it_was_written(laid):
    issue, laid_out = laid
    block = next(p for p in laid_out.pages[2].placed if p.ident == "s3.a2.p1")
    para = block.flowable
    text = " ".join(proof.paragraph_lines(para, block.width))
    block.flowable = paragraph(text.replace(" Executive ", " ", 1), para.style)
    breaches = proof.prove(issue, laid_out)
    assert len(breaches) == 1, breaches
    b = breaches[0]
    assert b.page == 3 and "the first’ the page has ‘Dir" in b.message and "where the file has ‘Executive’" in b.message
    expected = issue.sections[2].articles[1].body[0].span  # the paragraph that lost its word, as written in the file
    assert b.span == expected


def test_a_paragraph_placed_twice_is_caught(laid):
    issue, laid_out = laid
    page = laid_out.pages[2]
    block = next(p for p in page.placed if p.ident == "s3.a3.p3")
    page.placed.insert(page.placed.index(block) + 1, dataclasses.replace(block))
    found = messages(issue, laid_out)
    assert any("page 3" in m and ("overlap" in m or "where the file has" in m) for m in found), found


def test_a_photo_swapped_for_another_is_caught(laid):
    issue, laid_out = laid
    first, second = [p for p in laid_out.pages[2 - 1].placed + laid_out.pages[3 - 1].placed
                     if isinstance(p.flowable, F.CaptionedPhoto)][:2]
    first.flowable.image, second.flowable.image = second.flowable.image, first.flowable.image
    found = messages(issue, laid_out)
    assert any(m.startswith("page 2:") and "shows photo" in m and "where the file names" in m for m in found), found


def test_a_jump_line_to_the_wrong_page_is_caught(tmp_path):
    path = tmp_path / "jump.yaml"
    path.write_text(issue_yaml([
        {"title": "Lead Story", "page": 1, "continues_on": 3, "words": 800},
        {"title": "Second", "page": 2, "words": 400},
        {"title": "Third", "page": 3, "words": 150},
        {"title": "Fourth", "page": 4, "words": 400},
    ]), encoding="utf-8")
    issue = pipeline.load(path)
    laid_out = lay_out(issue, Diagnostics())
    assert proof.prove(issue, laid_out) == []
    laid_out.continuation_pages["s1"] = 4
    found = messages(issue, laid_out)
    assert "page 1: 'Continued on page 4', but section 'Lead Story' goes on on page 3" in found


def test_a_jump_line_without_a_continuation_is_caught(laid):
    issue, laid_out = laid
    page = laid_out.pages[1]
    last = min((p for p in page.placed if p.kind == "flow"), key=lambda p: p.y)
    jump = F.JumpLine("s2", last.flowable.style if hasattr(last.flowable, "style") else None, 13.6)
    page.placed.append(dataclasses.replace(last, flowable=jump, y=last.y - 13.6, height=13.6, ident=""))
    found = messages(issue, laid_out)
    assert any("'Continued on page" in m and "not continued anywhere" in m for m in found), found


def _jpeg(path: Path, image: Image.Image) -> Prepared:
    image.save(path, "JPEG", quality=90)
    return Prepared(path.name, path.read_bytes(), image.size, 150, False)


def test_a_photo_prepared_blank_is_caught(laid, tmp_path):
    issue, laid_out = laid
    use = next(u for u in laid_out.photo_uses() if u.image.written.endswith("coffee.jpg"))
    with Image.open(use.image.path) as im:
        w, h = round(use.width * 2), round(use.height * 2)
        good = _jpeg(tmp_path / "good.jpg", im.convert("RGB").resize((w, h)))
    blank = _jpeg(tmp_path / "blank.jpg", Image.new("RGB", (w, h), "white"))
    other = _jpeg(tmp_path / "other.jpg", Image.linear_gradient("L").convert("RGB").resize((w, h)))
    assert proof.prove_photos({"email": {use: good}}) == []
    found = proof.prove_photos({"email": {use: blank}})
    assert [b.message for b in found] == ["photo 'assets/photos/coffee.jpg' in the email PDF came out blank"]
    assert found[0].span == use.image.span
    found = proof.prove_photos({"email": {use: other}})
    assert any("is not the picture of its file" in b.message for b in found), found


def test_a_remembered_verdict_cannot_hide_a_different_photo(laid, tmp_path, monkeypatch):
    """A comparison passed is remembered under the hashes of the source file's bytes and the prepared bytes and the
    crop: only those very bytes skip it. Another photo prepared for the same frame, or the same prepared photo for a
    source file that changed, is compared again and caught; a breach is never remembered."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    _, laid_out = laid
    use = next(u for u in laid_out.photo_uses() if u.image.written.endswith("coffee.jpg"))
    compared = []
    real_thumb = proof._thumb
    monkeypatch.setattr(proof, "_thumb", lambda im, crop: compared.append(crop) or real_thumb(im, crop))
    with Image.open(use.image.path) as im:
        w, h = round(use.width * 2), round(use.height * 2)
        good = _jpeg(tmp_path / "good.jpg", im.convert("RGB").resize((w, h)))
        gradient = Image.linear_gradient("L").convert("RGB").resize(im.size)
    other = _jpeg(tmp_path / "other.jpg", gradient.resize((w, h)))
    assert proof.prove_photos({"email": {use: good}}) == [] and len(compared) == 2  # the photo and its source
    assert len(list((tmp_path / "cache" / "anso-pdf" / "proofs").iterdir())) == 1
    compared.clear()
    assert proof.prove_photos({"email": {use: good}}) == [] and compared == []  # the same bytes: remembered
    assert use.crop != F.Crop()
    proof.prove_photos({"email": {dataclasses.replace(use, crop=F.Crop()): good}})
    assert compared, "another crop of the same file is compared again"
    compared.clear()
    with cache.switched(False):  # --no-cache: nothing remembered is used
        assert proof.prove_photos({"email": {use: good}}) == [] and len(compared) == 2
    for _ in range(2):
        found = proof.prove_photos({"email": {use: other}})
        assert [b.message for b in found] == ["photo 'assets/photos/coffee.jpg' in the email PDF is not the picture of "
                                              "its file"]
    changed = tmp_path / "coffee.jpg"  # the file the issue names, replaced by another picture since
    gradient.save(changed, "JPEG", quality=90)
    moved = dataclasses.replace(use, image=dataclasses.replace(use.image, path=changed))
    found = proof.prove_photos({"email": {moved: good}})
    assert [b.message for b in found] == ["photo 'assets/photos/coffee.jpg' in the email PDF is not the picture of its "
                                          "file"]


# --- issue #12, cases 2 and 3: a sidebar and a masthead that do not fit ---------------------------------------


def _with(tmp_path: Path, newsletter: str = "", contact: str = "") -> Path:
    text = issue_yaml([{"title": "Only", "words": 300}])
    if newsletter:
        text = text.replace("  name: Test News\n", newsletter)
    path = tmp_path / "issue.yaml"
    path.write_text(text + contact, encoding="utf-8")
    return path


def _contact(lines: int) -> str:
    address = "\n".join(f"    Department of International Cooperation, Building {n}" for n in range(1, lines + 1))
    return f"contact:\n  address: |\n{address}\n  email: office@example.org\n"


def test_a_contact_address_of_45_lines_says_by_how_many_lines(tmp_path):
    path = _with(tmp_path, contact=_contact(45))
    with pytest.raises(IssueError) as caught:
        pipeline.build(path, ["email"])
    [error] = caught.value.errors
    assert error.message.startswith("the contact box does not fit on page 1: it runs ")
    assert error.message.endswith(" printed lines) below the foot of the page")
    cut = int(error.hint.split("shorten the address by ")[1].split(" of its 45 lines")[0])
    assert error.span is not None and error.span.line == path.read_text().splitlines().index("  address: |") + 1
    # the count is true: that many lines fewer fit, one fewer than that does not
    pipeline.build(_with(tmp_path, contact=_contact(45 - cut)), ["email"])
    with pytest.raises(IssueError):
        pipeline.build(_with(tmp_path, contact=_contact(45 - cut + 1)), ["email"])


NAME = "The Quarterly Newsletter of the International Mountain Research Alliance"  # 72 characters


def test_a_long_newsletter_name_says_how_many_characters_fit(tmp_path):
    path = _with(tmp_path, newsletter=f"  name: {NAME}\n  tagline: Science across borders\n")
    with pytest.raises(IssueError) as caught:
        pipeline.check(path)
    [error] = caught.value.errors
    assert error.message.startswith(f"the newsletter name ({len(NAME)} characters) does not fit in the masthead")
    fits = int(error.hint.split("at most about ")[1].split(" characters")[0])
    assert 20 < fits < len(NAME)
    assert error.span is not None and error.span.line == 2 and error.span.column == 9
    # the count is true: a name of that many characters renders, with its tagline in the band
    short = NAME[:fits].rstrip()
    pdf = pipeline.build(_with(tmp_path, newsletter=f"  name: {short}\n  tagline: Science across borders\n"),
                         ["email"]).pdfs["email"]
    out = tmp_path / "short.pdf"
    out.write_bytes(pdf)
    top = subprocess.run(["pdftotext", "-f", "1", "-l", "1", "-y", "0", "-H", "120", "-W", "600", str(out), "-"],
                         capture_output=True, text=True, check=True).stdout
    assert "Science across borders" in top and " ".join(short.split()[:2]) in top


def test_with_draft_a_breach_is_marked_on_the_page_instead(tmp_path):
    path = _with(tmp_path, contact=_contact(45))
    built = pipeline.build(path, ["email"], draft=True)
    assert any("the contact box does not fit" in w.message for w in built.warnings)
    out = tmp_path / "draft.pdf"
    out.write_bytes(built.pdfs["email"])
    page1 = subprocess.run(["pdftotext", "-f", "1", "-l", "1", str(out), "-"], capture_output=True, text=True,
                           check=True).stdout
    assert "PROOF: the contact box does not fit" in page1


HEADLESS = """newsletter: {name: Science, issue: Issue 7, date: May 2026}
sections:
- title: Part 1 science
  show_title: false
  body: Unit1 Report.
  quote: {text: Science science}
  articles:
  - {title: Science, body: Report., quote: {text: Science science}}
- title: Part 2 science
  show_title: false
  body: Unit2 Report.
  quote: {text: Science science}
style: {columns: 3}
"""


def test_a_pull_quote_set_after_its_sections_text_stays_the_sections(tmp_path):
    """A section's last pull quote, set in the third column after all its words, belongs to it, not to the next
    section, which has no heading (the proof refused this issue: issue #12's generated issues)."""
    path = tmp_path / "headless.yaml"
    path.write_text(HEADLESS, encoding="utf-8")
    issue = pipeline.load(path)
    laid_out = lay_out(issue, Diagnostics())
    quotes = [p for p in laid_out.pages[0].placed if isinstance(p.flowable, F.PullQuote)]
    assert [p.section for p in quotes] == ["s1", "s1", "s2"]
    assert max(p.x for p in quotes[:2]) > max(p.x for p in laid_out.pages[0].placed if p.section == "s1"
                                              and not isinstance(p.flowable, F.PullQuote)) - 1
    assert proof.prove(issue, laid_out) == []
    # and a quote the section does not print is still caught
    laid_out.pages[0].placed.remove(quotes[1])
    found = messages(issue, laid_out)
    assert any("section 'Part 1 science': its pull quotes are not printed as written (1 printed, 2 in the file)" in m
               for m in found), found


def test_a_section_with_no_heading_after_a_continuation_is_read_as_itself(tmp_path):
    """Page 3 starts with a section that has no heading, after the end of another section's continuation: its
    text starts it (the proof read it as more of the section that had jumped, and refused a true issue)."""
    from issue_factory import prose

    path = tmp_path / "after-jump.yaml"
    path.write_text(yaml.safe_dump({
        "newsletter": {"name": "Science", "issue": "Issue 7", "date": "May 2026"},
        "sections": [{"title": "Alpha", "page": 1, "continues_on": 2, "body": prose(900, 21)},
                     {"title": "Beta", "show_title": False, "page": 3, "body": "Unit2 " + prose(120, 22)},
                     {"title": "Gamma", "page": 4, "body": prose(200, 23)}]}, sort_keys=False), encoding="utf-8")
    issue = pipeline.load(path)
    laid_out = lay_out(issue, Diagnostics())
    assert laid_out.continuation_pages == {"s1": 2} and laid_out.section_pages["s2"] == 3
    assert proof.prove(issue, laid_out) == []


def test_a_section_with_no_heading_before_a_section_moved_whole_is_read_as_itself(tmp_path):
    """'Beta' has no room on page 1 and is moved whole to page 2, where it was to continue, after 'Gamma', pinned
    there and set with no heading: Gamma's text starts Gamma (the proof took it for more of the section before, as
    only the section right after in the file was looked at, and refused a true issue)."""
    from issue_factory import prose

    path = tmp_path / "moved.yaml"
    path.write_text(yaml.safe_dump({
        "newsletter": {"name": "Science", "issue": "Issue 7", "date": "May 2026"},
        "sections": [{"title": "Alpha", "page": 1, "body": prose(320, 31)},
                     {"title": "Beta", "continues_on": 2, "body": prose(150, 32)},
                     {"title": "Gamma", "show_title": False, "page": 2, "body": "Unit3 " + prose(100, 33)},
                     {"title": "Delta", "page": 4, "body": prose(200, 34)}]}, sort_keys=False), encoding="utf-8")
    issue = pipeline.load(path)
    laid_out = lay_out(issue, Diagnostics())
    assert laid_out.section_pages == {"s1": 1, "s3": 2, "s2": 2, "s4": 4}
    assert list(dict.fromkeys(p.section for p in laid_out.pages[1].placed if p.kind == "flow")) == ["s3", "s2"]
    assert proof.prove(issue, laid_out) == []
