"""Output names and the set of a render's PDFs (issue #17 cases 3-5 and 13, issue #14 cases 7-8): `-o FILE.pdf`
names the email PDF with FILE-press.pdf beside it, `-o DIR` and `-o DIR/` a folder; two issues that would write
the same PDF, an output over the issue file or a photo, a file name with several issues: refused before anything
is written; a set of PDFs is replaced all or none; 255-byte names work; --draft writes STEM-draft.pdf and
STEM-press-draft.pdf with a diagonal DRAFT inside the trim of every page."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pikepdf
import pytest
from PIL import Image, ImageChops
from typer.testing import CliRunner

from anso_pdf.cli import app, output

ROOT = Path(__file__).resolve().parents[1]
ISSUE = """\
newsletter:
  name: Output Test Newsletter
  issue: Issue 1
  date: June 2019
sections:
  - title: A section
    images:
      - file: photo.jpg
        caption: A photo.
        alt: A cup of coffee.
    body: |
      A short text for a newsletter whose PDFs are written to where they were asked for, and nowhere else.
"""


def _run(folder: Path, monkeypatch: pytest.MonkeyPatch, *args: str):  # type: ignore[no-untyped-def]
    monkeypatch.chdir(folder)
    return CliRunner().invoke(app, ["render", "-q", *args])


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def work(tmp_path: Path) -> Path:
    for sub in ("", "a", "b"):
        (tmp_path / sub).mkdir(exist_ok=True)
        (tmp_path / sub / "issue.yaml").write_text(ISSUE, encoding="utf-8")
        (tmp_path / sub / "photo.jpg").write_bytes((ROOT / "assets" / "photos" / "coffee.jpg").read_bytes())
    return tmp_path


# --------------------------------------------------------------------------------------------- names (issue 14)


def test_o_file_pdf_names_the_email_pdf_and_the_press_pdf_goes_beside_it(work: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    result = _run(work, monkeypatch, "issue.yaml", "-o", "out/news.pdf")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (work / "out").iterdir()) == ["news-press.pdf", "news.pdf"]
    with pikepdf.open(work / "out" / "news-press.pdf") as press:
        assert "/OutputIntents" in press.Root  # the press PDF under the press name
    with pikepdf.open(work / "out" / "news.pdf") as email:
        assert "/OutputIntents" not in email.Root


@pytest.mark.parametrize("given", ["out", "out/", "out.pdf/"])
def test_o_folder_with_or_without_a_slash(given: str, work: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result = _run(work, monkeypatch, "issue.yaml", "-o", given)
    assert result.exit_code == 0, result.output
    folder = work / given.rstrip("/")
    assert folder.is_dir() and sorted(p.name for p in folder.iterdir()) == ["issue-press.pdf", "issue.pdf"]


def test_a_file_name_with_several_issues_is_a_usage_error(work: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = _files(work)
    result = _run(work, monkeypatch, "a/issue.yaml", "b/issue.yaml", "-o", "news.pdf")
    assert result.exit_code == 2
    assert "name a folder instead" in result.output
    assert _files(work) == before


def test_o_an_existing_photo_is_refused_plainly(work: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """issue #17 case 13: `-o photo.jpg` said "File exists"."""
    before = _files(work)
    result = _run(work, monkeypatch, "issue.yaml", "-o", "photo.jpg")
    assert result.exit_code == 2
    assert "'photo.jpg' is a file, not a folder" in result.output and "File exists" not in result.output
    assert _files(work) == before


def test_draft_names_never_the_final_ones(work: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result = _run(work, monkeypatch, "issue.yaml", "--draft")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (work / "build").iterdir()) == ["issue-draft.pdf", "issue-press-draft.pdf"]


def _pages(data: bytes) -> list[tuple[Image.Image, tuple[float, ...]]]:
    """Each page drawn at 24 dpi over its whole media box, with its trim box in pixels (left, top, right, bottom)."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(data)
    out = []
    with pikepdf.open(io.BytesIO(data)) as doc:
        for page, raw in zip(pdf, doc.pages, strict=True):
            media = [float(v) for v in raw.MediaBox]
            trim = [float(v) for v in raw.obj.get("/TrimBox", raw.MediaBox)]
            scale = 24 / 72
            box = ((trim[0] - media[0]) * scale, (media[3] - trim[3]) * scale,
                   (trim[2] - media[0]) * scale, (media[3] - trim[1]) * scale)
            out.append((page.render(scale=scale).to_pil().convert("RGB"), box))
    return out


def test_draft_mark_is_large_diagonal_and_inside_the_trim_on_every_page(work: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """issue #14 case 8: the mark was a 5 pt word in a corner of the email PDF, outside the trim in the press PDF."""
    assert _run(work, monkeypatch, "issue.yaml", "-o", "final").exit_code == 0
    assert _run(work, monkeypatch, "issue.yaml", "-o", "draft", "--draft").exit_code == 0
    for final, draft in (("issue.pdf", "issue-draft.pdf"), ("issue-press.pdf", "issue-press-draft.pdf")):
        plain = _pages((work / "final" / final).read_bytes())
        marked = _pages((work / "draft" / draft).read_bytes())
        assert len(plain) == len(marked) == 4
        for n, ((a, trim), (b, _)) in enumerate(zip(plain, marked, strict=True), 1):
            changed = ImageChops.difference(a, b).convert("L").point(lambda v: 255 if v > 40 else 0).getbbox()
            assert changed is not None, (draft, n)
            left, top, right, bottom = changed
            assert left >= trim[0] - 1 and top >= trim[1] - 1 and right <= trim[2] + 1 and bottom <= trim[3] + 1
            width, height = trim[2] - trim[0], trim[3] - trim[1]
            assert right - left > 0.5 * width and bottom - top > 0.4 * height, (draft, n, changed)  # diagonal


# --------------------------------------------------------------------------------------------- no file lost (17)


def test_two_issues_with_one_name_are_refused_before_anything_is_written(work: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """issue #17 case 3: a/issue.yaml and b/issue.yaml both wrote build/issue.pdf; exit 0."""
    before = _files(work)
    result = _run(work, monkeypatch, "a/issue.yaml", "b/issue.yaml")
    assert result.exit_code == 2
    assert "both a/issue.yaml and b/issue.yaml would be written here" in result.output
    assert _files(work) == before


def test_an_issue_file_named_pdf_is_never_replaced(work: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """issue #17 case 4: `render build/x.pdf` and `-o x.pdf x.pdf` wrote the PDF over the YAML."""
    (work / "build").mkdir()
    (work / "build" / "x.pdf").write_text(ISSUE.replace("photo.jpg", "../photo.jpg"), encoding="utf-8")
    (work / "x.pdf").write_text(ISSUE, encoding="utf-8")
    before = _files(work)
    for args in (["build/x.pdf"], ["-o", "x.pdf", "x.pdf"], ["--profile", "email", "-o", "x.pdf", "x.pdf"]):
        result = _run(work, monkeypatch, *args)
        assert result.exit_code == 1, (args, result.output)
        assert "this is an input of the render, not replaced" in result.output
        assert _files(work) == before, args


def test_nothing_but_an_earlier_pdf_is_replaced(work: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A photo (or any file that is not a PDF) where a PDF would go is kept, and so is the other PDF."""
    (work / "out").mkdir()
    (work / "out" / "issue.pdf").write_bytes(b"%PDF-1.4 earlier")
    (work / "out" / "issue-press.pdf").write_bytes((work / "photo.jpg").read_bytes())
    before = _files(work)
    result = _run(work, monkeypatch, "issue.yaml", "-o", "out")
    assert result.exit_code == 1
    assert "a file that is not a PDF is in the PDF's place" in result.output
    assert _files(work) == before


def test_a_folder_in_the_press_pdfs_place_keeps_the_earlier_email_pdf(work: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """issue #17 case 5: the email PDF was replaced before the press PDF failed."""
    assert _run(work, monkeypatch, "issue.yaml").exit_code == 0
    (work / "build" / "issue-press.pdf").unlink()
    (work / "build" / "issue-press.pdf").mkdir()
    (work / "issue.yaml").write_text(ISSUE.replace("A section", "A changed section"), encoding="utf-8")
    before = _files(work)
    result = _run(work, monkeypatch, "issue.yaml")
    assert result.exit_code == 1
    assert "a folder is in the PDF's place" in result.output
    assert _files(work) == before


def test_a_failed_rename_puts_back_what_was_already_replaced(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """All or none even when the second rename fails after the first succeeded (an immutable file, a full
    directory): the first file is put back from its link, a new one removed."""
    first, second, third = tmp_path / "a.pdf", tmp_path / "b.pdf", tmp_path / "c.pdf"
    first.write_bytes(b"%PDF-earlier a")
    second.write_bytes(b"%PDF-earlier b")
    replace = os.replace
    calls: list[str] = []

    def failing(src: str, dst: str | os.PathLike[str]) -> None:
        calls.append(os.fspath(dst))
        if os.fspath(dst) == os.fspath(second):
            raise PermissionError(1, "Operation not permitted")
        replace(src, dst)

    monkeypatch.setattr(os, "replace", failing)
    with pytest.raises(output.OutputError) as caught:
        output.write_all_atomically({third: b"%PDF-new c", first: b"%PDF-new a", second: b"%PDF-new b"})
    assert caught.value.path == second
    assert first.read_bytes() == b"%PDF-earlier a" and second.read_bytes() == b"%PDF-earlier b"
    assert not third.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.pdf", "b.pdf"]  # no temporary file, no link


def test_names_up_to_255_bytes(work: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """issue #17 case 13: the temporary name was the target's plus 14 bytes, so a 246-255-byte name failed."""
    stem = "n" * 241  # news.pdf: 245 bytes, news-press.pdf: 251
    result = _run(work, monkeypatch, "issue.yaml", "-o", f"out/{stem}.pdf")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (work / "out").iterdir()) == [f"{stem}-press.pdf", f"{stem}.pdf"]
    email = "e" * 251
    result = _run(work, monkeypatch, "issue.yaml", "--profile", "email", "-o", f"out2/{email}.pdf")
    assert result.exit_code == 0, result.output
    assert [p.name for p in (work / "out2").iterdir()] == [f"{email}.pdf"]
