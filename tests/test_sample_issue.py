"""issue #2: the sample ANSO issue becomes a four-page newsletter with every word, in reading order."""

from __future__ import annotations

import io
import re

import yaml
from pypdf import PdfReader
from tests.conftest import SAMPLE, joined, norm_words, pdf_pages_text

from anso_pdf import pipeline


def _issue() -> dict:
    return yaml.safe_load(SAMPLE.read_text(encoding="utf-8"))


def _source_text(issue: dict) -> str:
    chunks = [issue["newsletter"][k] for k in ("name", "tagline", "issue", "date")]
    contact = issue["contact"]
    chunks += [contact["title"], contact["address"], contact["phone"], contact["email"], contact["website"]]
    for s in issue["sections"]:
        chunks.append(s["title"])
        for part in [s, *s.get("articles", [])]:
            chunks += [part.get("title", ""), part.get("intro", ""), part.get("body", "")]
            chunks += [f"{i.get('caption', '')} {i.get('credit', '')}" for i in part.get("images", [])]
            if part.get("quote"):
                chunks += [part["quote"]["text"], part["quote"].get("by", "")]
        if s.get("events"):
            chunks.append(s["events"]["title"])
            for e in s["events"]["items"]:
                chunks += [e["title"], e.get("place", ""), e.get("label", "")]
        if s.get("gallery"):
            chunks.append(s["gallery"]["title"])
            chunks += [f"{p.get('caption', '')} {p.get('credit', '')}" for p in s["gallery"]["photos"]]
    text = "\n".join(str(c) for c in chunks)
    return re.sub(r"\*\*|\*", "", re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text))


def test_both_pdfs_have_four_pages(sample_pdfs):
    for data in sample_pdfs.values():
        assert len(PdfReader(io.BytesIO(data)).pages) == 4


def test_every_word_of_the_issue_file_is_printed(sample_pdfs):
    source = norm_words(_source_text(_issue()))
    for data in sample_pdfs.values():
        text = "\n".join(pdf_pages_text(data))
        printed = set(norm_words(text)) | set(norm_words(re.sub(r"[-\u00ad]\s*\n\s*", "", text)))  # line-end hyphens: soft
        missing = sorted({w for w in source if w not in printed})
        assert not missing, missing[:20]


def test_paragraphs_read_in_order(sample_pdfs):
    """Each body paragraph's words appear contiguously (line breaks and hyphens aside)."""
    text = joined("\n".join(pdf_pages_text(sample_pdfs["email"])))
    issue = _issue()
    paragraphs = [p for s in issue["sections"] for part in [s, *s.get("articles", [])]
                  for p in (part.get("body") or "").split("\n\n") if p.strip() and not p.strip().startswith("-")]
    assert len(paragraphs) > 15
    for para in paragraphs:
        assert joined(para) in text, para[:60]


def test_sections_start_on_their_pages_and_the_contents_box_says_so(sample_pdfs):
    pages = [joined(t) for t in pdf_pages_text(sample_pdfs["email"])]
    issue = _issue()
    box = pages[0][pages[0].index("thisissue"):]
    for section in issue["sections"]:
        title = joined(section["title"])
        label = joined(section.get("contents_title", section["title"]))
        in_box = {1: 1 if label == title else 0}
        found = [n for n, t in enumerate(pages, 1) if t.count(title) > in_box.get(n, 0)]
        assert found and found[0] == section["page"], section["title"]
        printed = re.search(re.escape(label) + r"p(\d)", box)
        assert printed and printed.group(1) == str(section["page"]), section["title"]


def test_events_are_printed_in_date_order(sample_pdfs):
    page4 = joined(pdf_pages_text(sample_pdfs["email"])[3])
    titles = ["ansommusajorec", "70thanniversary", "2ndansogoverningboard", "2019ansoyoungscientist"]
    positions = [page4.index(t) for t in titles]
    assert positions == sorted(positions)
    assert "46sep" in page4 and "octlate" in page4  # badges: the days over the month, a month over its label


def test_email_links_work_and_press_has_none(sample_pdfs):
    def uris(data: bytes) -> list[str]:
        out = []
        for page in PdfReader(io.BytesIO(data)).pages:
            for annot in page.get("/Annots") or []:
                action = annot.get_object().get("/A")
                if action and "/URI" in action:
                    out.append(str(action["/URI"]))
        return out

    email = uris(sample_pdfs["email"])
    assert "mailto:anso2018@itpcas.ac.cn" in email
    assert "http://www.anso.org.cn/" in email
    assert uris(sample_pdfs["press"]) == []


def test_same_input_same_bytes():
    first = pipeline.build(SAMPLE, ["email", "press"]).pdfs
    second = pipeline.build(SAMPLE, ["email", "press"]).pdfs
    assert first == second


def test_page_one_reads_headline_sidebar_story_in_extracted_text(sample_pdfs, tmp_path):
    """poppler's reading order of page 1 (what copy, search and an untagged reader get): the front headline is not
    read between the contents box and the contact box, where a page number in the box ('p.4') ran into a
    headline starting with a digit ('1st ...') as 'p.41st' (the sidebar starts level with what follows the
    headline, layout/pages.py sidebar_top)."""
    import subprocess

    pdf = tmp_path / "sample.pdf"
    pdf.write_bytes(sample_pdfs["email"])
    text = joined(subprocess.run(["pdftotext", "-enc", "UTF-8", "-f", "1", "-l", "1", str(pdf), "-"],
                                 capture_output=True, text=True, check=True).stdout)
    box, contact = text.index("thisissue"), text.index("ansocontactinformation")
    headline = text.index("1stansoworkinggroupmeetingheldsuccessfully")
    assert not box < headline < contact
    assert "photogalleryp4ansocontactinformation" in text


def test_an_article_heading_sits_on_its_text(sample_pdfs, tmp_path):
    """A heading rounded up to the baseline grid takes the rounding above itself, not as a gap under it: the
    three-line heading 'II. ... Sustainable Development' on page 2 stands within a few points of its first line."""
    import subprocess

    pdf = tmp_path / "sample.pdf"
    pdf.write_bytes(sample_pdfs["email"])
    box = subprocess.run(["pdftotext", "-f", "2", "-l", "2", "-bbox", str(pdf), "-"], capture_output=True,
                         text=True, check=True).stdout
    word = {m[4]: (float(m[1]), float(m[3])) for m in re.findall(
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]+)</word>', box)}
    heading_foot = word["Development"][1]
    text_top = next(top for w, (top, _) in word.items() if w == "On")
    assert 0 < text_top - heading_foot < 4.5, (heading_foot, text_top)
