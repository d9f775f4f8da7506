"""The tagged PDF (issue #13), read back from the PDFs: PDF/UA-1, every mark tagged or an artifact, the structure
tree in reading order with each paragraph one element, and text that copies out as it was written."""

from __future__ import annotations

import io
import itertools
import re
import subprocess
from pathlib import Path

import page  # page-validation: the PDF/UA-1 rules
import pikepdf
import pypdfium2
import pytest
import yaml
from typer.testing import CliRunner

from anso_pdf import pipeline
from anso_pdf.cli import app
from anso_pdf.model.values import EventDate, badge_text, spoken_date
from anso_pdf.render.finish import hint_tables_agree
from conftest import SAMPLE, joined, norm_words, pdf_pages_text
from layout_checks import KEPT, generated_issues, prose, write_issue

PAINT_OPS = {"Tj", "TJ", "'", '"', "Do", "f", "F", "f*", "B", "B*", "b", "b*", "S", "s", "sh", "BI"}


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, dict[str, bytes]]]:
    """A wide photo above page 1's columns (a4-four-sections); Letter in three columns with a section that jumps to
    page 3, so a paragraph is split across pages (letter-3col); the second real issue kept in issues/ (email only:
    its photos are below what a printer takes)."""
    folder = tmp_path_factory.mktemp("tagged")
    out = {}
    for name in ("a4-four-sections", "letter-3col"):
        path = write_issue(folder, name, generated_issues()[name])
        out[name] = (path, pipeline.build(path, ["email", "press"]).pdfs)
    # the second real issue (bold words and links hyphenated at a line's end); its photos are too small for press
    out["field-notes"] = (KEPT["field-notes"], pipeline.build(KEPT["field-notes"], ["email"]).pdfs)
    return out


def _all_pdfs(sample_pdfs, generated):  # type: ignore[no-untyped-def]
    yield "sample", SAMPLE, sample_pdfs
    for name, (path, pdfs) in generated.items():
        yield name, path, pdfs


def untagged_marks(data: bytes) -> list[str]:
    """Painting operators outside both marked content with an MCID (which the ParentTree maps to an element) and
    artifacts, page by page."""
    problems = []
    with pikepdf.open(io.BytesIO(data)) as pdf:
        nums = pdf.Root.StructTreeRoot.ParentTree.Nums
        parents = {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}
        for n, pg in enumerate(pdf.pages, start=1):
            mapped = parents[int(pg.obj.StructParents)]
            stack: list[tuple[str, bool]] = []
            for operands, op in pikepdf.parse_content_stream(pg):
                name = str(op)
                if name in ("BDC", "BMC"):
                    mcid = name == "BDC" and isinstance(operands[1], pikepdf.Dictionary) and "/MCID" in operands[1]
                    if mcid:
                        assert int(operands[1].MCID) < len(mapped), f"page {n}: MCID not in the ParentTree"
                    stack.append((str(operands[0]), mcid))
                elif name == "EMC":
                    stack.pop()
                elif name in PAINT_OPS and not any(tag == "/Artifact" or mcid for tag, mcid in stack):
                    problems.append(f"page {n}: {name}")
            assert not stack, f"page {n}: marked content left open"
    return problems


def struct_elements(data: bytes, tmp_path: Path) -> list[tuple[str, str]]:
    """(role, text) of each structure element with text, in tree order (poppler's pdfinfo -struct-text)."""
    pdf = tmp_path / "t.pdf"
    pdf.write_bytes(data)
    out = subprocess.run(["pdfinfo", "-struct-text", str(pdf)], capture_output=True, text=True, check=True).stdout
    elements: list[list[str]] = []
    open_: list[tuple[int, int]] = []  # (indent, index) of the elements a line may belong to
    for line in out.splitlines():
        stripped = line.strip()
        indent = len(line) - len(line.lstrip())
        while open_ and open_[-1][0] >= indent:
            open_.pop()
        if stripped.startswith('"'):  # text belongs to the element it is indented under, and to those around it
            for _, index in open_:
                elements[index][1] += stripped[1:-1]
        elif stripped:
            open_.append((indent, len(elements)))
            elements.append([stripped.split()[0], ""])
    return [(role, text) for role, text in elements if text]


def body_paragraphs(issue_path: Path) -> list[str]:
    issue = yaml.safe_load(issue_path.read_text(encoding="utf-8"))
    return [p for s in issue["sections"] for part in [s, *s.get("articles", [])]
            for p in (part.get("body") or "").split("\n\n") if p.strip() and not p.strip().startswith("-")]


def test_both_pdfs_pass_the_pdf_ua_1_rules(sample_pdfs, generated, tmp_path):
    for name, _, pdfs in _all_pdfs(sample_pdfs, generated):
        for profile, data in pdfs.items():
            path = tmp_path / f"{name}-{profile}.pdf"
            path.write_bytes(data)
            result = page.validate_pdf(str(path), profile="ua1")
            assert result.is_compliant, (name, profile, sorted({f"{f.rule_id}: {f.message}" for f in result.failures}))


def test_every_painting_operator_is_tagged_content_or_an_artifact(sample_pdfs, generated):
    for name, _, pdfs in _all_pdfs(sample_pdfs, generated):
        for profile, data in pdfs.items():
            assert untagged_marks(data) == [], (name, profile)


def test_the_structure_tree_reads_each_paragraph_whole_and_in_order(sample_pdfs, generated, tmp_path):
    """Each body paragraph is one element, even split over columns, round a wide photo or over pages."""
    for name, path, pdfs in _all_pdfs(sample_pdfs, generated):
        elements = [joined(text) for role, text in struct_elements(pdfs["email"], tmp_path) if role in ("P", "LBody")]
        at = -1
        paragraphs = body_paragraphs(path)
        assert len(paragraphs) > 5
        for para in paragraphs:
            holder = next((i for i, text in enumerate(elements) if joined(para) in text), None)
            assert holder is not None, (name, para[:60])
            assert holder > at, (name, "out of order", para[:60])
            at = holder


def test_a_word_hyphenated_in_a_paragraph_with_bold_or_links_reads_whole(sample_pdfs, generated, tmp_path):
    """A paragraph of mixed runs (a bold word, a link) is broken by ReportLab, which left an empty fragment after
    a hyphenated word's head: the hyphen was drawn as text and a space added, so the structure tree read "Presid-
    ent". The head now ends its line, and its hyphen is the soft hyphen that joins the word again."""
    texts = [text for role, text in struct_elements(sample_pdfs["email"], tmp_path) if role == "P"]
    assert any("President of CAS" in text for text in texts)  # the paragraph with a link, broken in this word
    assert [m for text in texts for m in re.findall(r"\w+- \w+", text)] == []
    notes = [text for role, text in struct_elements(generated["field-notes"][1]["email"], tmp_path) if role == "P"]
    assert any("record every observation, including the negative ones" in text for text in notes)  # bold 'every'
    assert [m for text in notes for m in re.findall(r"\w+- \w+", text)] == []


def test_split_parts_share_one_element(generated, tmp_path):
    """letter-3col jumps from page 1 to page 3: some element has marked content on two pages (an MCR)."""
    data = generated["letter-3col"][1]["email"]
    with pikepdf.open(io.BytesIO(data)) as pdf:
        pages = {}
        for elem in _elements(pdf.Root.StructTreeRoot):
            kids = elem.get("/K")
            kids = list(kids) if isinstance(kids, pikepdf.Array) else [kids]
            on = {pdf.pages.index(pikepdf.Page(k.Pg)) for k in kids if isinstance(k, pikepdf.Dictionary) and k.get("/Type") == "/MCR"}
            if on and str(elem.S) == "/P":
                pages[elem.objgen] = on
    assert pages, "no paragraph continues on another page"


def _elements(node):  # type: ignore[no-untyped-def]
    kids = node.get("/K")
    for k in (kids if isinstance(kids, pikepdf.Array) else [kids]):
        if isinstance(k, pikepdf.Dictionary) and k.get("/Type") == "/StructElem":
            yield k
            yield from _elements(k)


def test_text_copies_out_as_written(sample_pdfs, tmp_path):
    """pdftotext and pdfium read the words of the issue file: compound hyphens as "-", lines not run together."""
    email = tmp_path / "email.pdf"
    email.write_bytes(sample_pdfs["email"])
    poppler = subprocess.run(["pdftotext", str(email), "-"], capture_output=True, text=True, check=True).stdout
    doc = pypdfium2.PdfDocument(str(email))
    pdfium = "\n".join(doc[i].get_textpage().get_text_range() for i in range(len(doc)))
    doc.close()
    source = SAMPLE.read_text(encoding="utf-8")
    assert "Vice-President" in source
    assert "\ufffe" not in poppler
    for text in (poppler, pdfium):
        assert "\u2011" not in text and "\x00" not in text
        assert "Vice-President" in text and "13\u201314 May 2019" in text  # a range: an en dash (issue #15)
        # a line-end hyphen is a soft hyphen: poppler gives U+00AD, pdfium its own mark for one, U+FFFE
        joined_lines = re.sub(r"[\u00ad\ufffe]\s*", "", text)
        printed = set(norm_words(joined_lines)) | set(norm_words(text))
        words = set(norm_words(" ".join(body_paragraphs(SAMPLE))))
        assert words - printed == set()


def test_no_unused_code_in_any_to_unicode_map(sample_pdfs):
    for data in sample_pdfs.values():
        with pikepdf.open(io.BytesIO(data)) as pdf:
            maps = {f.ToUnicode.objgen: f.ToUnicode for pg in pdf.pages for f in pg.Resources.Font.values()}
            assert maps
            for stream in maps.values():
                text = stream.read_bytes().decode("ascii")
                assert not re.search(r"<(0000|FEFF|FFFE|FFFF)>", text.split("beginbfchar", 1)[1]), text[:200]


def test_document_keys(sample_pdfs):
    for profile, data in sample_pdfs.items():
        with pikepdf.open(io.BytesIO(data)) as pdf:
            assert pdf.Root.MarkInfo.Marked is True
            assert str(pdf.Root.Lang) == "en"
            assert pdf.Root.ViewerPreferences.DisplayDocTitle is True
            for pg in pdf.pages:
                assert pg.obj.Tabs == "/S" and "/StructParents" in pg.obj
            meta = str(pdf.open_metadata())
            assert "<pdfuaid:part>1</pdfuaid:part>" in pdf.Root.Metadata.read_bytes().decode()
            assert "ANSO Newsletter" in meta
            pdfx = "GTS_PDFXVersion" in pdf.Root.Metadata.read_bytes().decode()
            assert pdfx == (profile == "press")


def _qpdf_check(data: bytes, path: Path) -> tuple[int, bool]:
    """`qpdf --check` by the qpdf pikepdf carries (12.x): its exit code and whether it warned."""
    path.write_bytes(data)
    job = pikepdf.Job(["qpdf", "--check", str(path)])
    job.run()
    return job.exit_code, job.has_warnings


def test_email_pdfs_pass_qpdf_check_with_a_link_on_page_4(sample_pdfs, generated, tmp_path):
    """A link after page 1 is named by its page and by the structure tree (OBJR); qpdf 11 and 12 place such an
    object in different parts of a linearized file, so each warns on the other's ("object count mismatch for
    page 3") and `qpdf --check` exits 3. Such an email PDF is left unlinearized (docs/architecture.md); the sample,
    whose links are all on page 1, is linearized and its hint tables check. qpdf 12 (pikepdf's) runs here; the
    system qpdf (11.x on Debian 12) is not guaranteed where the tests run, so it is checked by hand
    (docs/architecture.md gives the command) and the rule it needs is pinned below on small files."""
    notes = generated["field-notes"][1]["email"]
    with pikepdf.open(io.BytesIO(notes)) as pdf:
        page_4 = pdf.pages[3].obj
        assert any(annot.Subtype == "/Link" and "/StructParent" in annot for annot in page_4.Annots)
        assert not hint_tables_agree(pdf) and not pdf.is_linearized
    assert _qpdf_check(notes, tmp_path / "notes.pdf") == (0, False)
    with pikepdf.open(io.BytesIO(sample_pdfs["email"])) as pdf:
        assert all("/Annots" not in page.obj for page in pdf.pages[1:])
        assert pdf.is_linearized and pdf.check_linearization()
    assert _qpdf_check(sample_pdfs["email"], tmp_path / "sample.pdf") == (0, False)


@pytest.mark.parametrize(("also_named_by", "agree"), [
    ("catalog", False),  # qpdf 11.3: "object count mismatch for page 2: hint table = 3; computed = 2"
    ("trailer", False),  # the same
    ("acroform", True),  # both put it at the front with the catalog
    ("page 2", True),    # both put it with the objects pages share
    ("nothing", True),
])
def test_hint_tables_agree_where_qpdf_11_and_12_place_alike(also_named_by, agree):
    """The cases checked by hand with qpdf 11.3 --check-linearization on files pikepdf's qpdf 12 linearized: an
    annotation on page 3 that something else names too."""
    pdf = pikepdf.new()
    for _ in range(3):
        pdf.add_blank_page()
    annot = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Link, Rect=[0, 0, 9, 9]))
    pdf.pages[2].obj.Annots = pikepdf.Array([annot])
    if also_named_by == "catalog":
        pdf.Root.StructTreeRoot = pdf.make_indirect(pikepdf.Dictionary(
            Type=pikepdf.Name.StructTreeRoot, K=pikepdf.Dictionary(Type=pikepdf.Name.OBJR, Obj=annot)))
    elif also_named_by == "trailer":
        pdf.trailer.Extra = annot
    elif also_named_by == "acroform":
        pdf.Root.AcroForm = pikepdf.Dictionary(Fields=pikepdf.Array([annot]))
    elif also_named_by == "page 2":
        pdf.pages[1].obj.Annots = pikepdf.Array([annot])
    assert hint_tables_agree(pdf) is agree


def test_alt_text_decorative_photos_and_the_warning(tmp_path):
    """alt: becomes the Figure's /Alt; alt: "" draws the photo as an artifact; no alt is a located warning and
    the caption stands in; --strict makes that warning fail the run."""
    doc = generated_issues()["a4-six-short"]
    photos = [im for s in doc["sections"] for im in s.get("images", [])]
    assert len(photos) >= 3
    photos[0]["alt"] = "Two people shake hands in front of a poster."
    photos[1]["alt"] = ""
    path = write_issue(tmp_path, "alt", doc)
    built = pipeline.build(path, ["email"])
    no_alt = [w for w in built.warnings if "alternative text" in w.message]
    assert len(no_alt) == len(photos) - 2
    assert all(w.span is not None and w.span.line > 0 and "alt:" in (w.hint or "") for w in no_alt)
    with pikepdf.open(io.BytesIO(built.pdfs["email"])) as pdf:
        alts = [str(e.Alt) for e in _elements(pdf.Root.StructTreeRoot) if e.S == "/Figure"]
        images_drawn = sum(1 for pg in pdf.pages for _, op in pikepdf.parse_content_stream(pg) if str(op) == "Do")
    assert alts[0] == "Two people shake hands in front of a poster."
    assert len(alts) == len(photos) - 1 == images_drawn - 1  # the decorative one has no Figure
    assert set(alts[1:]) <= {p.get("caption") for p in photos}
    assert untagged_marks(built.pdfs["email"]) == []
    result = CliRunner().invoke(app, ["check", "--strict", str(path)])
    assert result.exit_code != 0 and "alternative text" in result.output


def test_event_badges_read_as_dates(sample_pdfs):
    """Issue #15: the day (or days, with an en dash) large over the month; a whole month over its label; the year
    only when it is not the issue's; the badge's text for copy and screen readers is the whole date."""
    E = EventDate
    assert badge_text(E(2019, 9, 4), E(2019, 9, 6), "Sep. 4-6", 2019) == ("4\u20136", "SEP")
    assert badge_text(E(2019, 10), None, "Late Oct.", 2019) == ("OCT", "Late")
    assert badge_text(E(2019, 10), None, "Oct.", 2019) == ("OCT", "")
    assert badge_text(E(2019, 9, 30), E(2019, 10, 2), "Sep. 30-Oct. 2", 2019) == ("30\u20132", "SEP\u2013OCT")
    assert badge_text(E(2020, 1, 5), None, "Jan. 5", 2019) == ("5", "JAN 2020")
    assert spoken_date(E(2019, 9, 4), E(2019, 9, 6)) == "4\u20136 September 2019"
    with pikepdf.open(io.BytesIO(sample_pdfs["email"])) as pdf:
        labels = [str(e.ActualText) for e in _elements(pdf.Root.StructTreeRoot) if e.S == "/Lbl" and "/ActualText" in e]
    assert labels == ["4\u20136 September 2019", *["Late Oct. (October 2019)"] * 3]
    page4 = pdf_pages_text(sample_pdfs["email"])[3]
    assert "4\u20136" in page4 and "SEP" in page4 and "OCT" in page4 and "Late" in page4


def test_runs_in_another_script_carry_their_language(tmp_path):
    """A Chinese name and a Japanese word in English text are Spans with /Lang, read in their place; a section
    with its own language: is a Sect with that /Lang."""
    issue = tmp_path / "scripts.yaml"
    issue.write_text(
        "newsletter:\n  name: Script News\n  issue: Issue 1\n  date: May 2026\nsections:\n  - title: Names\n"
        "    body: |\n      Opened by Prof. Bai Chunli (白春礼), who welcomed guests from Tokyo (東京, とうきょう) warmly.\n"
        "  - title: En français\n    language: fr\n    body: Quelques mots sur la réunion.\n",
        encoding="utf-8")
    pdf = pipeline.build(issue, ["email"]).pdfs["email"]
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        spans = [(str(e.Lang), str(e.P.S)) for e in _elements(doc.Root.StructTreeRoot) if e.S == "/Span"]
        sects = [str(e.get("/Lang", "")) for e in _elements(doc.Root.StructTreeRoot) if e.S == "/Sect"]
    assert spans == [("zh", "/P"), ("zh", "/P"), ("ja", "/P")]
    assert sects == ["", "fr"]
    path = tmp_path / "scripts.pdf"
    path.write_bytes(pdf)
    assert page.validate_pdf(str(path), profile="ua1").is_compliant
    elements = struct_elements(pdf, tmp_path)
    assert any("(白春礼), who welcomed guests" in text for role, text in elements if role == "P")
    assert untagged_marks(pdf) == []


def test_page_1_reads_title_photo_then_the_lead_down_its_columns(sample_pdfs, tmp_path):
    """issue #15: page 1's wide photo stands under the lead's title, above its columns, on the page and in the
    structure tree: title, photo and caption, intro, body (not lead paragraph, right column, photo, columns)."""
    roles = struct_elements(sample_pdfs["email"], tmp_path)
    at = [next(i for i, (role, text) in enumerate(roles) if role == want and text.startswith(start))
          for want, start in (("H2", "1st ANSO Working Group"), ("Caption", "Building bridges"),
                              ("P", "\u201cThe 1st ANSO"), ("P", "The opening ceremony"), ("P", "ANSO Secretariat made"))]
    assert at == sorted(at)
    email = tmp_path / "email.pdf"
    email.write_bytes(sample_pdfs["email"])
    doc = pypdfium2.PdfDocument(str(email))
    try:
        page1 = doc[0]
        photos = [obj.get_bounds() for obj in page1.get_objects(filter=[pypdfium2.raw.FPDF_PAGEOBJ_IMAGE])]
        left, bottom, right, top = max(photos, key=lambda box: (box[2] - box[0]) * (box[3] - box[1]))
        text = page1.get_textpage()
        for words in ("Building bridges", "Group Meeting\u201d was held", "The opening ceremony", "principally"):
            found = text.search(words).get_next()
            assert found is not None, words
            char_top = text.get_charbox(found[0])[3]
            assert char_top < bottom, (words, "not under the photo")
        heading = text.get_charbox(text.search("Meeting Held").get_next()[0])
        assert heading[1] > top  # the title above the photo
    finally:
        doc.close()


def test_each_contents_entry_reads_with_its_page_and_its_leader_is_an_artifact(sample_pdfs, tmp_path):
    """The page of a contents entry is set on the entry's last line, after a dotted leader: a screen reader reads
    the entry and its page and no dots (the leader is an artifact), and poppler's plain text reads each entry with
    its page, also in a one-section issue with no photo, where the page, set apart at the box's right edge, was read
    after the contact box."""
    one = write_issue(tmp_path, "one-section", {
        "newsletter": {"name": "Field Notes", "issue": "Special notice", "date": "December 2025"},
        "contact": {"title": "Contact", "email": "office@example.org"},
        "sections": [{"title": "The Old Schoolhouse Closes for Repairs", "body": "The hall is closed until March."}],
    })
    for data, labels in ((sample_pdfs["email"], [s.get("contents_title", s["title"]) for s in yaml.safe_load(
            SAMPLE.read_text(encoding="utf-8"))["sections"]]),
            (pipeline.build(one, ["email"]).pdfs["email"], ["The Old Schoolhouse Closes for Repairs"])):
        entries = [text for role, text in struct_elements(data, tmp_path) if role == "TOCI"]
        assert len(entries) == len(labels)
        for text, label in zip(entries, labels, strict=True):
            assert re.fullmatch(re.escape(label) + r" ?p\.[1-4]", text), text
        pdf = tmp_path / "c.pdf"
        pdf.write_bytes(data)
        page1 = " ".join(subprocess.run(["pdftotext", "-enc", "UTF-8", "-f", "1", "-l", "1", str(pdf), "-"],
                                        capture_output=True, text=True, check=True).stdout.split())
        for label in labels:
            assert re.search(re.escape(label) + r"[ .]* p\.[1-4]\b", page1), (label, page1[:300])


def test_each_link_is_its_own_element_even_when_an_address_comes_again(tmp_path):
    """A paragraph with one address four times (twice on a line, once across two lines): four Link elements in the
    order of the text, each with the annotations over its own text (one per line it is on); one element for all of
    them read the later links' words where the first link is, and a preflight found the paragraph out of order."""
    long_link = "the whole programme of the meeting in the spring of next year"
    body = ("Read [the plan](https://example.org/plan) or [the plan](https://example.org/plan) today. "
            + " ".join(["Members met in the hall to talk about the work of the year."] * 3)
            + f" The [{long_link}](https://example.org/plan) is online, and so is [the plan](https://example.org/plan).")
    path = write_issue(tmp_path, "links", {
        "newsletter": {"name": "Field Notes", "issue": "Issue 1", "date": "May 2026"},
        "sections": [{"title": "Links", "body": body}],
    })
    data = pipeline.build(path, ["email"]).pdfs["email"]
    links = [text.strip() for role, text in struct_elements(data, tmp_path) if role == "Link"]
    assert links == ["the plan", "the plan", long_link, "the plan"]
    paragraph = next(text for role, text in struct_elements(data, tmp_path) if role == "P" and "Read" in text)
    assert norm_words(paragraph) == norm_words(re.sub(r"\[([^]]+)\]\([^)]+\)", r"\1", body))
    with pikepdf.open(io.BytesIO(data)) as pdf:
        annotations = []
        for elem in _elements(pdf.Root.StructTreeRoot):
            if str(elem.S) == "/Link":
                kids = elem.K if isinstance(elem.K, pikepdf.Array) else [elem.K]
                annotations.append([k.Obj for k in kids if isinstance(k, pikepdf.Dictionary) and k.get("/Type") == "/OBJR"])
        annotations = annotations[-4:]  # (the contents box's entry links first)
        assert [len(a) for a in annotations[:2]] == [1, 1] and len(annotations[2]) >= 2 and len(annotations[3]) == 1
        # each annotation lies over its own link: the two on one line side by side, the long link's one a line
        first, second, lines, last = [[[float(v) for v in a.Rect] for a in objs] for objs in annotations]
        assert first[0][2] <= second[0][0] + 0.5 and abs(first[0][1] - second[0][1]) < 0.5
        assert all(below[1] < above[1] - 5 for above, below in itertools.pairwise(lines))
        assert last[0][1] <= lines[-1][1] + 0.5


def test_a_paragraph_split_across_a_page_break_reads_whole_in_drawing_order(tmp_path):
    """Text read in the order it was drawn (pdftotext -raw, a reader that ignores tags) reads a paragraph that goes
    on from page 1 to page 2 and from page 2 to page 3 whole: the running footer is drawn after the part that goes
    on, not between its two parts."""
    body = prose(2600, 7, paragraph=(120, 160))
    path = write_issue(tmp_path, "long", {
        "newsletter": {"name": "Field Notes", "issue": "Issue 1", "date": "May 2026"},
        "sections": [{"title": "A Long Report", "body": body}],
    })
    pdf = tmp_path / "long.pdf"
    pdf.write_bytes(pipeline.build(path, ["email"]).pdfs["email"])

    def read(*options: str) -> str:
        return subprocess.run(["pdftotext", *options, "-enc", "UTF-8", str(pdf), "-"], capture_output=True,
                              text=True, check=True).stdout

    pages = [joined(read("-raw", "-f", str(n), "-l", str(n))) for n in (1, 2, 3)]
    paragraphs = [joined(p) for p in body.split("\n\n")]
    # the case does what it tests: a paragraph starts on page 1 and ends on page 2, another from page 2 to 3
    for before, after in ((pages[0], pages[1]), (pages[1], pages[2])):
        assert any(p[:40] in before and p[-40:] in after and p not in before and p not in after for p in paragraphs)
    raw = joined(read("-raw"))
    assert [p[:30] for p in paragraphs if p not in raw] == []
