"""The spec's command line: render and check, output names, exit statuses, --draft, --verbose, many files."""

from __future__ import annotations

import io
from pathlib import Path

from pypdf import PdfReader
from typer.testing import CliRunner

from anso_pdf.cli import app
from issue_factory import MINIMAL


def _run(args: list[str], cwd: Path, monkeypatch) -> object:
    monkeypatch.chdir(cwd)
    return CliRunner().invoke(app, args)


def test_render_writes_both_pdfs_under_build_named_after_the_file(tmp_path, monkeypatch):
    (tmp_path / "issues").mkdir()
    (tmp_path / "issues" / "2026-01.yaml").write_text(MINIMAL, encoding="utf-8")
    result = _run(["render", "issues/2026-01.yaml"], tmp_path, monkeypatch)
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "build").iterdir()) == ["2026-01-press.pdf", "2026-01.pdf"]
    assert "wrote build/2026-01.pdf" in result.output


def test_one_profile_and_an_output_file_name(tmp_path, monkeypatch):
    (tmp_path / "x.yaml").write_text(MINIMAL, encoding="utf-8")
    result = _run(["render", "x.yaml", "--profile", "press", "-o", "out/print.pdf"], tmp_path, monkeypatch)
    assert result.exit_code == 0, result.output
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["print.pdf"]
    assert not (tmp_path / "build").exists()


def test_output_folder_for_several_files_rendered_together(tmp_path, monkeypatch):
    for stem in ("a", "b"):
        (tmp_path / f"{stem}.yaml").write_text(MINIMAL, encoding="utf-8")
    result = _run(["render", "a.yaml", "b.yaml", "--profile", "email", "-o", "out"], tmp_path, monkeypatch)
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["a.pdf", "b.pdf"]
    assert "2 of 2 issue files rendered" in result.output


def test_a_wrong_command_line_is_exit_2(tmp_path, monkeypatch):
    assert _run(["render", "--profile", "web", "x.yaml"], tmp_path, monkeypatch).exit_code == 2
    assert _run(["render"], tmp_path, monkeypatch).exit_code == 2


def test_check_writes_nothing_and_says_it_fits(tmp_path, monkeypatch):
    (tmp_path / "x.yaml").write_text(MINIMAL, encoding="utf-8")
    result = _run(["check", "x.yaml"], tmp_path, monkeypatch)
    assert result.exit_code == 0
    assert "fits on four pages" in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x.yaml"]


def test_draft_renders_a_placeholder_for_a_missing_photo(tmp_path, monkeypatch):
    text = MINIMAL + "    images:\n      - file: photos/not-yet.jpg\n        caption: Coming soon.\n"
    (tmp_path / "x.yaml").write_text(text, encoding="utf-8")
    strict = _run(["render", "x.yaml"], tmp_path, monkeypatch)
    assert strict.exit_code == 1
    assert "x.yaml:12:15: error: image file 'photos/not-yet.jpg' not found" in strict.output
    assert not (tmp_path / "build").exists()
    draft = _run(["render", "x.yaml", "--draft"], tmp_path, monkeypatch)
    assert draft.exit_code == 0, draft.output
    assert "x.yaml:12:15: warning: image file 'photos/not-yet.jpg' not found; this draft prints a marked placeholder" in draft.output
    press = PdfReader(io.BytesIO((tmp_path / "build" / "x-press-draft.pdf").read_bytes())).pages[0].extract_text()
    assert "DRAFT - NOT FOR PRINT" in press and "MISSING PHOTO: photos/not-yet.jpg" in press


def test_verbose_reports_each_step(tmp_path, monkeypatch):
    (tmp_path / "x.yaml").write_text(MINIMAL, encoding="utf-8")
    result = _run(["render", "x.yaml", "--verbose"], tmp_path, monkeypatch)
    assert result.exit_code == 0
    for step in ("read x.yaml: 1 sections, 0 photos", "laid out four pages", "rendered the email PDF", "rendered the press PDF"):
        assert step in result.output


def test_quiet_prints_nothing_on_success(tmp_path, monkeypatch):
    (tmp_path / "x.yaml").write_text(MINIMAL, encoding="utf-8")
    result = _run(["render", "x.yaml", "-q", "--profile", "email"], tmp_path, monkeypatch)
    assert result.exit_code == 0
    assert "wrote" not in result.output


def test_version(tmp_path, monkeypatch):
    from anso_pdf import __version__

    result = _run(["--version"], tmp_path, monkeypatch)
    assert result.exit_code == 0 and result.output.strip() == f"anso-pdf {__version__}"
