"""Issue #12's two layout faults, fixed at their root: each reproducer (tests/cases/layout-regressions) is rendered
and its email PDF read back with poppler: every word of the file once and in its order, the jump lines true and
under the jumping section's own text, no two words over each other."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml

from anso_pdf import pipeline
from anso_pdf.diagnostics import Diagnostics
from anso_pdf.layout import flowables as F
from anso_pdf.layout import lay_out
from anso_pdf.layout.grid import page_grid
from conftest import ROOT, norm_words
from test_generated_issues import _make_photos, check_pdf, read_back, rejoined

CASES = ROOT / "tests" / "cases" / "layout-regressions"
_MARKUP = re.compile(r"\*\*|\*|\[([^\]]*)\]\([^)]*\)")


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[dict[str, Any], Path, Any]]:
    folder = tmp_path_factory.mktemp("layout-regressions")
    _make_photos(folder / "photos")
    out = {}
    for name in ("i41", "i29", "jump-room", "quote-jump", "jump-first"):
        path = folder / f"{name}.yaml"
        shutil.copy(CASES / path.name, path)
        built = pipeline.build(path, ["email"])  # the proof runs too: it would refuse a false page
        pdf = folder / f"{name}.pdf"
        pdf.write_bytes(built.pdfs["email"])
        out[name] = (yaml.safe_load(path.read_text(encoding="utf-8")), pdf, page_grid(pipeline.load(path)))
    return out


def sections(issue: dict[str, Any]) -> list[list[list[str]]]:
    """Every text of each section in file order, each as the words it prints (markup taken off)."""
    return [paragraphs({"sections": [section]}) for section in issue["sections"]]


def paragraphs(issue: dict[str, Any]) -> list[list[str]]:
    """Every text of the story in file order, each as the words it prints (markup taken off)."""
    out = []
    for section in issue["sections"]:
        out.append(norm_words(section["title"]))
        for part in [section, *section.get("articles", [])]:
            if part is not section:
                out.append(norm_words(part["title"]))
            if "intro" in part:
                out.append(norm_words(_MARKUP.sub(lambda m: m.group(1) or "", part["intro"])))
            out += [norm_words(_MARKUP.sub(lambda m: m.group(1) or "", p)) for p in part["body"].split("\n\n")]
        for key in ("events", "gallery"):
            if key in section:
                out.append(norm_words(section[key]["title"]))
    return out


def story_pages(pdf: Path, grid: Any) -> list[str]:
    """Each page's story area as poppler reads it: page 1 without the masthead and sidebar, the others without
    their footer."""
    height = grid.height
    texts = []
    for number, area in enumerate(grid.flow, start=1):
        x0, y0 = area.x - 4, height - area.top - 4  # poppler measures y from the top
        texts.append(subprocess.run(
            ["pdftotext", "-enc", "UTF-8", "-f", str(number), "-l", str(number), "-x", f"{x0:.0f}", "-y",
             f"{y0:.0f}", "-W", f"{area.width + 8:.0f}", "-H", f"{area.top - area.bottom + 8:.0f}", str(pdf), "-"],
            capture_output=True, text=True, check=True).stdout)
    return texts


_ON = re.compile(r"Continued on page (\d)")
_FROM = re.compile(r"Continued from page (\d): ([^\n]+(?:\n[^\n]+)?)")


def read_story(pdf: Path, grid: Any, issue: dict[str, Any]) -> tuple[list[list[str]], list[tuple[int, int]], list[tuple[int, int, str]]]:
    """Each page's story words in poppler's reading order with the jump lines taken out, and the jump lines:
    (page, 'on' page) and (page, 'from' page, title)."""
    pages = story_pages(pdf, grid)
    ons, froms, words = [], [], []
    titles = [s["title"] for s in issue["sections"]]
    for number, text in enumerate(pages, start=1):
        ons += [(number, int(n)) for n in _ON.findall(text)]
        text = _ON.sub(" ", text)
        for m in _FROM.finditer(re.sub(r"[ \t]+", " ", text)):
            title = next(t for t in titles if " ".join(m.group(2).split()).startswith(t))
            froms.append((number, int(m.group(1)), title))
        for title in titles:  # the head repeats the title: take it out with the head
            text = re.sub(r"Continued from page \d:\s+" + r"\s+".join(map(re.escape, title.split())), " ", text)
        words.append(rejoined(text))
    return words, ons, froms


def runs_of(para: list[str], tokens: list[str], used: list[bool]) -> list[int] | None:
    """Where a paragraph's words are in `tokens`: at most three runs of consecutive unused tokens, each after the
    one before (a paragraph may be split over columns and pages, and poppler may read another block between its
    parts). The runs' starts, or None."""
    starts, at, left = [], 0, para
    while left and len(starts) < 3:
        best = (0, -1)
        for i in range(at, len(tokens)):
            n = 0
            while n < len(left) and i + n < len(tokens) and not used[i + n] and tokens[i + n] == left[n]:
                n += 1
            if n > best[0]:
                best = (n, i)
        n, i = best
        if not n:
            return None
        for k in range(i, i + n):
            used[k] = True
        starts.append(i)
        at, left = i + n, left[n:]
    return None if left else starts


def check_true_story(name: str, rendered: dict[str, Any]) -> tuple[list[tuple[int, int]], list[tuple[int, int, str]]]:
    issue, pdf, grid = rendered[name]
    pages, ons, froms = read_story(pdf, grid, issue)
    texts = paragraphs(issue)
    # every word once: the story areas hold exactly the file's words
    tokens = [w for page in pages for w in page]
    assert Counter(tokens) == Counter(w for para in texts for w in para), (
        Counter(tokens) - Counter(w for para in texts for w in para), Counter(w for para in texts for w in para) - Counter(tokens))
    # in order: each text's words in at most three runs, one after the other; a section's texts start on pages in
    # the file's order, and so do the sections
    page_of = [n for n, page in enumerate(pages, start=1) for _ in page]
    used = [False] * len(tokens)
    first_pages = []
    for section in sections(issue):
        on = []
        for para in section:
            starts = runs_of(para, tokens, used)
            assert starts is not None, f"the words of '{' '.join(para[:8])} ...' are not read in order"
            on.append(page_of[starts[0]])
        assert on == sorted(on), (section[0], on)
        first_pages.append(on[0])
    assert first_pages == sorted(first_pages)
    # nothing over anything: no two words are set over each other (their boxes, which run from the font's descent
    # to its ascent, may touch between lines, not overlap by half a line)
    for number, page in enumerate(read_back(pdf), start=1):
        boxes = page.words
        for i, (ax0, ay0, ax1, ay1, a) in enumerate(boxes):
            for bx0, by0, bx1, by1, b in boxes[i + 1 :]:
                across, down = min(ax1, bx1) - max(ax0, bx0), min(ay1, by1) - max(ay0, by0)
                assert not (across > 0.5 and down > 0.5 * min(ay1 - ay0, by1 - by0)), (number, a, b)
    # every "Continued on page N" is answered by "Continued from page P" on page N, and back
    assert sorted((on, page) for page, on in ons) == sorted((page, came) for page, came, _ in froms)
    return ons, froms


def test_a_paragraph_split_into_a_wider_column_is_broken_again_for_its_width(rendered: dict[str, Any]) -> None:
    issue, pdf, grid = rendered["i41"]
    # the case still does what it tests: the last paragraph of 'Part 2' starts in page 1's narrow column and goes on
    # in page 2's wider one
    last = paragraphs(issue)[-2]  # (the last text is the gallery's title)
    pages = [" ".join(rejoined(text)) for text in story_pages(pdf, grid)]
    assert " ".join(last[:8]) in pages[0] and " ".join(last[-8:]) in pages[1]
    assert grid.flow[1].column_width > grid.flow[0].column_width + 50
    ons, froms = check_true_story("i41", rendered)
    assert ons == [] and froms == []
    # and no line of page 2 has a hyphen inside it ("cli- mate")
    for line in read_back(pdf)[1].lines:
        assert not [w for w in line[:-1] if w[4].endswith("-")], line


def test_a_jump_line_is_set_under_its_sections_own_text_only(rendered: dict[str, Any]) -> None:
    issue, pdf, grid = rendered["i29"]
    ons, froms = check_true_story("i29", rendered)
    jumping = issue["sections"][0]["title"]
    assert ons == [(1, 4)] and froms == [(4, 1, jumping)]
    # the text goes on after the head: the gallery's title is on page 4 with its photo, not alone on page 1
    assert read_story(pdf, grid, issue)[0][3] == ["gallery"]
    images = subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True, text=True, check=True).stdout
    pages_with_images = Counter(int(line.split()[0]) for line in images.splitlines()[2:] if line.split())
    assert pages_with_images[4] == 1
    # the jump line is at the foot of the section's own last column: the word right above it is the last word the
    # section prints on page 1, and nothing of the page is under it in that column
    boxes = read_back(pdf)[0].words
    jump = [b for b in boxes if b[4] == "Continued"]
    assert len(jump) == 1
    jx0, jy0, jx1, _, _ = jump[0]
    area = grid.flow[0]
    left = max(area.column_x(i) for i in range(area.columns) if area.column_x(i) <= jx0)
    column = [b for b in boxes if left <= (b[0] + b[2]) / 2 <= left + area.column_width and b is not jump[0]]
    over = [b for b in column if b[3] <= jy0 + 0.5]
    line = max(b[3] for b in over)
    above = max((b for b in over if b[3] > line - 4), key=lambda b: b[2])  # the last word of the line above
    body = _MARKUP.sub(lambda m: m.group(1) or "", issue["sections"][0]["body"])
    assert norm_words(above[4]) == norm_words(body)[-1:]
    assert not [b for b in column if b[1] > jy0 + 1 and b[4] not in ("on", "page", "4")]


def test_splitting_a_paragraph_leaves_the_whole_paragraph_as_it_was() -> None:
    """The root of i41: a part that ends on a hyphenated word is marked so, and the mark must not reach the
    paragraph's other splits (another column height) or the paragraph set whole at another width."""
    from anso_pdf.layout.inks import Palette
    from anso_pdf.layout.inline import paragraph
    from anso_pdf.layout.styles import BASE_FIT, Styles
    from anso_pdf.model.text import Run
    from anso_pdf.model.values import Colour
    from issue_factory import WORDS

    styles = Styles(BASE_FIT, Palette(Colour(rgb=(0.1, 0.3, 0.55)), Colour(rgb=(0.9, 0.4, 0.05))), "en")
    runs = [Run(w + " ", bold=i % 7 == 0) for i, w in enumerate(WORDS * 3)]
    words = WORDS * 3

    def printed(*parts: tuple[Any, float]) -> list[str]:
        text = ""
        for part, width in parts:
            part.wrap(width, 10_000)
            text += "\n" + "\n".join("".join(f.text for f in line.words).strip() for line in part.blPara.lines)
        return re.sub(r"-\n", "", text).split()  # hyphenation at line ends undone (not a hyphen inside a line)

    hyphenated = 0
    for lines in range(2, 14):
        para = paragraph(runs, styles.body)
        para.wrap(120, 10_000)
        parts = para.split(120, lines * styles.body.leading)
        assert len(parts) == 2
        hyphenated += "".join(f.text for f in parts[0].blPara.lines[-1].words).rstrip().endswith("-")
        # the second part set wider, and the whole paragraph set wider again, print the file's words
        assert printed((parts[0], 120), (parts[1], 300)) == words, lines
        assert printed((para, 300)) == words, lines
    assert hyphenated  # some of the splits did end on a hyphen


def printed_words(issue: dict[str, Any]) -> list[list[str]]:
    """Per section, the words it prints once each: its texts, captions, event titles and places (pull quotes
    repeat words, and the contents box the titles)."""
    out = []
    for section, texts in zip(issue["sections"], sections(issue), strict=True):
        words = [w for text in texts for w in text]
        for part in [section, *section.get("articles", [])]:
            for image in part.get("images", []):
                words += image.get("caption", "").split()
        for item in section.get("events", {}).get("items", []):
            words += item["title"].split() + item.get("place", "").split()
        out.append(words)
    return out


def test_a_run_with_no_line_under_it_for_the_jump_line_goes_on_after_the_jump(rendered: dict[str, Any]) -> None:
    """The jump line of 'Part 2', which may continue, was set at the foot of page 1's empty last column: its
    article's heading and one line filled the first column to the foot, and with a line kept there the heading had
    no room for two lines of its text (the proof refused the page). The article goes on after the jump now, and
    the jump line is under the section's last block on page 1, the photo across the columns."""
    issue, pdf, grid = rendered["jump-room"]
    check_pdf(pdf, issue, printed_words(issue))  # four pages, every word, true contents numbers and jump lines
    pages = [page.text() for page in read_back(pdf)]
    assert re.findall(r"Continued on page (\d)", pages[0]) == ["3"]
    assert "Continued from page 1: Part 2" in " ".join(pages[2].split())
    # the article after the photo starts on page 3, under the head
    boxes = read_back(pdf)[0].words
    jump = next(b for b in boxes if b[4] == "Continued")
    caption = [b for b in boxes if b[4] == "science" and b[3] <= jump[1] + 0.5 and b[0] < jump[0]]
    assert caption, "the photo's caption is on page 1, above the jump line"
    below = [b for b in boxes if b[1] > caption[-1][3] + 0.5 and b[4] not in ("Continued", "on", "page", "3")]
    assert below == [], below  # nothing of the article under the photo on page 1
    page3 = " ".join(rejoined(pages[2]))
    assert page3.index(" ".join(norm_words("Continued from page 1"))) < page3.index(" ".join(norm_words("Science Report")))


def test_a_section_that_may_jump_does_not_jump_for_its_pull_quote_alone(rendered: dict[str, Any]) -> None:
    """'Beta' may continue on page 4; its intro and its one paragraph fitted at the foot of page 1 but its pull
    quote, set after them, did not: "Continued on page 4" led to the quote and no text (the proof refused the
    page). The quote now goes before the section's last text, so what goes on after the jump is text."""
    issue, pdf, grid = rendered["quote-jump"]
    check_pdf(pdf, issue, printed_words(issue))
    pages, ons, froms = read_story(pdf, grid, issue)
    assert ons == [(1, 4)] and froms == [(4, 1, "Beta")]
    # after the jump: the head, the quote, then the section's last text (the quote is no longer the last block)
    laid = lay_out(pipeline.load(CASES / "quote-jump.yaml"), Diagnostics())
    beta = [[p.ident or type(p.flowable).__name__ for p in page.placed if p.section == "s2"] for page in laid.pages]
    assert beta == [["s2.title", "s2.lead.intro1", "JumpLine"], [], [], ["GridPad", "s2.lead.quote", "s2.lead.p1"]]


def test_a_section_that_jumps_keeps_text_before_its_jump_line(rendered: dict[str, Any]) -> None:
    """'Part 1', with no heading, may continue on page 4; the three sections after it must start on page 1 (they
    continue on page 2). Finding how much of 'Part 1' to jump for them, the layout kept all of page 1 for them
    and set its jump line alone at the top of the page, over another section (the proof refused the page). A
    section keeps at least some text above its jump line now: two lines of its list, then the jump."""
    issue, pdf, grid = rendered["jump-first"]
    printed = printed_words(issue)
    for words, section in zip(printed, issue["sections"], strict=True):
        if section.get("show_title") is False:  # a heading not printed (its title is in a "Continued from" head)
            del words[: len(section["title"].split())]
    check_pdf(pdf, issue, printed, grid)  # four pages, every word, true jump lines
    pages, ons, froms = read_story(pdf, grid, issue)
    assert ons == [(1, 4)] and froms == [(4, 1, "Part 1 risk report")]
    laid = lay_out(pipeline.load(CASES / "jump-first.yaml"), Diagnostics())
    part1 = [type(p.flowable).__name__ for p in laid.pages[0].placed if p.section == "s1"]
    assert part1[-1] == "JumpLine" and len(part1) >= 2, part1
    # the jump line is under the section's own text, above the next section's heading
    jump = next(p for p in laid.pages[0].placed if isinstance(p.flowable, F.JumpLine))
    heading = next(p for p in laid.pages[0].placed if p.section == "s2")
    assert jump.y >= heading.y + heading.height - 0.5
