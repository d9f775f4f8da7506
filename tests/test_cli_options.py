"""Issue 14: check does what render does, the page report and --json, the options every command shares, paths
printed so they can be typed back, --open, and the preview's resolution."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
from PIL import Image
from typer.testing import CliRunner

from anso_pdf.cli import app
from issue_factory import MINIMAL

WITH_PHOTO = MINIMAL + "    images:\n      - file: small.jpg\n        caption: A small photo.\n"


def _run(args: list[str], cwd: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.chdir(cwd)
    return CliRunner().invoke(app, args)


def _photo(path: Path, size: tuple[int, int] = (400, 300)) -> None:
    out = io.BytesIO()
    Image.new("RGB", size, (90, 120, 160)).save(out, "JPEG", quality=85)
    path.write_bytes(out.getvalue())


def test_check_strict_refuses_what_render_strict_refuses(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A photo below the press resolution is found once the photo is prepared: check prepares it too."""
    (tmp_path / "x.yaml").write_text(WITH_PHOTO, encoding="utf-8")
    _photo(tmp_path / "small.jpg")
    render = _run(["render", "--strict", "x.yaml"], tmp_path, monkeypatch)
    check = _run(["check", "--strict", "x.yaml"], tmp_path, monkeypatch)
    assert render.exit_code == 1 and check.exit_code == 1, (render.output, check.output)
    located = [line for line in render.output.splitlines() if re.match(r"x.yaml:\d+:", line)]
    assert located and any("ppi" in line for line in located)
    assert located == [line for line in check.output.splitlines() if re.match(r"x.yaml:\d+:", line)]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["small.jpg", "x.yaml"]  # neither wrote a file
    assert _run(["check", "x.yaml"], tmp_path, monkeypatch).exit_code == 0


def test_page_report_and_json(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "x.yaml").write_text(MINIMAL, encoding="utf-8")
    result = _run(["check", "--json", "x.yaml"], tmp_path, monkeypatch)
    assert result.exit_code == 0, result.output
    table = [line for line in result.stderr.splitlines() if re.match(r"^ +\d  +\d+%", line)]
    assert [int(line.split()[0]) for line in table] == [1, 2, 3, 4]
    assert "Hello" in table[0]
    report = json.loads(result.stdout)
    assert report["ok"] is True and report["file"] == "x.yaml"
    assert [p["page"] for p in report["pages"]] == [1, 2, 3, 4]
    assert report["pages"][0]["sections"] == ["Hello"]
    assert 0 < report["pages"][0]["full"] < 0.5 and report["pages"][0]["room_lines"] > 10
    assert report["pages"][1]["sections"] == [] and report["pages"][1]["full"] == 0
    assert {p["severity"] for p in report["problems"]} == {"warning"}  # the empty pages


def test_json_lists_the_errors_when_nothing_can_be_made(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "x.yaml").write_text(MINIMAL.replace("date: January 2026", "date:"), encoding="utf-8")
    result = _run(["render", "--json", "x.yaml"], tmp_path, monkeypatch)
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["ok"] is False and report["pages"] == []
    assert [(p["line"], p["severity"]) for p in report["problems"]] == [(4, "error")]


@pytest.mark.parametrize("command", ["render", "check", "watch", "preview", "new", "schema"])
def test_every_command_takes_the_same_options(command: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result = _run([command, "--help"], tmp_path, monkeypatch)
    assert result.exit_code == 0
    for option in ("--quiet", "-q", "--verbose", "-v", "--no-color"):
        assert re.search(rf"(^|[\s,]){re.escape(option)}[\s,]", result.output), (command, option)


def test_help_says_what_stem_is(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for command in ("render", "preview"):
        text = " ".join(_run([command, "--help"], tmp_path, monkeypatch).output.split())
        assert "STEM is the issue file's name without .yaml" in text


def test_quiet_render_prints_nothing_when_all_is_well(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = MINIMAL + "\n".join(f"  - title: Part {i}\n    body: {'Words and more words. ' * 120}" for i in range(6)) + "\n"
    (tmp_path / "x.yaml").write_text(text, encoding="utf-8")
    result = _run(["render", "-q", "x.yaml"], tmp_path, monkeypatch)
    assert result.exit_code == 0, result.output
    assert "page  full" not in result.output and "wrote" not in result.output


def test_paths_are_quoted_and_in_full_from_another_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "my issues"
    folder.mkdir()
    (folder / "june issue.yaml").write_text(MINIMAL, encoding="utf-8")
    elsewhere = tmp_path / "else"
    elsewhere.mkdir()
    result = _run(["render", str(folder / "june issue.yaml")], elsewhere, monkeypatch)
    assert result.exit_code == 0, result.output
    assert f"wrote '{elsewhere}/build/june issue.pdf' (email," in result.output
    new = _run(["new", "my issues/next one.yaml"], tmp_path, monkeypatch)
    assert new.exit_code == 0, new.output
    assert "anso-pdf watch 'my issues/next one.yaml'" in new.output


def test_open_shows_the_email_pdf(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[list[str]] = []

    class FakePopen:
        def __init__(self, command: list[str], **_kwargs: object) -> None:
            opened.append(command)

    import subprocess

    monkeypatch.setattr(subprocess, "Popen", FakePopen)
    (tmp_path / "x.yaml").write_text(MINIMAL, encoding="utf-8")
    result = _run(["render", "--open", "x.yaml"], tmp_path, monkeypatch)
    assert result.exit_code == 0, result.output
    assert len(opened) == 1 and opened[0][-1] == str(tmp_path / "build" / "x.pdf")


def test_preview_is_readable_by_default(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "x.yaml").write_text(MINIMAL, encoding="utf-8")
    result = _run(["preview", "x.yaml"], tmp_path, monkeypatch)
    assert result.exit_code == 0, result.output
    with Image.open(tmp_path / "build" / "x-1.png") as page:
        assert page.width >= 8.2 * 110 and page.height >= 11 * 110  # A4 or Letter at 110 dpi


def test_new_writes_a_schema_its_schema_line_can_find_once_installed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Installed with pip there is no docs/ folder: `new` writes the schema beside the issue and points to it."""
    from anso_pdf.cli import editor

    monkeypatch.setattr(editor, "source_tree", lambda: tmp_path / "not-a-checkout")
    (tmp_path / "issues").mkdir()
    result = _run(["new", "issues/2026-09.yaml"], tmp_path, monkeypatch)
    assert result.exit_code == 0, result.output
    text = (tmp_path / "issues" / "2026-09.yaml").read_text(encoding="utf-8")
    assert text.splitlines()[0] == "# yaml-language-server: $schema=issue-format.schema.json"
    schema = tmp_path / "issues" / "issue-format.schema.json"
    assert json.loads(schema.read_text(encoding="utf-8")) == json.loads(editor.schema_text())
    assert "docs/" not in text  # it names no file an installed tool does not have
    # the next issue finds the same schema and writes no second one
    assert _run(["new", "issues/2026-10.yaml"], tmp_path, monkeypatch).exit_code == 0
    assert sorted(p.name for p in (tmp_path / "issues").iterdir()) == ["2026-09.yaml", "2026-10.yaml", "issue-format.schema.json"]
    # `schema -o FOLDER/` writes the file `new` looks for
    (tmp_path / "other").mkdir()
    assert _run(["schema", "-o", "other/"], tmp_path, monkeypatch).exit_code == 0
    assert (tmp_path / "other" / "issue-format.schema.json").is_file()
    assert _run(["new", "--no-schema", "other/x.yaml"], tmp_path, monkeypatch).exit_code == 0
    assert (tmp_path / "other" / "x.yaml").read_text(encoding="utf-8").startswith(
        "# yaml-language-server: $schema=issue-format.schema.json")


def test_json_keeps_further_reports_in_their_own_sections() -> None:
    """The documented hook for other reports (a press preflight): Built.reports, each under its own name."""
    from anso_pdf.cli import pagereport
    from anso_pdf.pipeline import Built

    built = Built(notes=["page 2: line spacing 12.6 pt (house 13 pt) to fit"],
                  reports={"preflight": {"ink_limit": 300}, "pages": "not over the page report"})
    doc = pagereport.document("x.yaml", built, [], ok=True)
    assert doc["preflight"] == {"ink_limit": 300}
    assert doc["pages"] == [] and doc["copyfitting"] == ["page 2: line spacing 12.6 pt (house 13 pt) to fit"]
    json.dumps(doc)


def test_check_says_what_render_says_about_the_email_pdf_size(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """check makes both PDFs but leaves the email PDF unlinearized when its size is far below the size warning (the
    only message linearizing can change); near the warning it linearizes it, so it warns exactly when render does."""
    import dataclasses

    from anso_pdf.render import finish, profiles

    (tmp_path / "x.yaml").write_text(WITH_PHOTO, encoding="utf-8")
    _photo(tmp_path / "small.jpg")
    linearized: list[str] = []
    real_finish = finish.finish
    monkeypatch.setattr(finish, "finish", lambda data, profile: linearized.append(profile.name) or real_finish(data, profile))

    def size_lines(args: list[str]) -> list[str]:
        linearized.clear()
        result = _run(args, tmp_path, monkeypatch)
        assert result.exit_code == 0, result.output
        return [line for line in result.output.splitlines() if "the email PDF is" in line]

    assert size_lines(["render", "-q", "-o", "out/", "x.yaml"]) == [] and "email" in linearized
    assert size_lines(["check", "x.yaml"]) == [] and "email" not in linearized  # 2 MB is far above
    size = (tmp_path / "out" / "x.pdf").stat().st_size
    for limit, warned in ((size - 1, True), (size, False)):
        monkeypatch.setitem(profiles.PROFILES, "email", dataclasses.replace(profiles.EMAIL, size_warning=limit))
        render = size_lines(["render", "-q", "-o", "out/", "x.yaml"])
        check = size_lines(["check", "x.yaml"])
        assert "email" in linearized  # near the warning: finished, to know its true size
        assert check == render and bool(render) == warned, (limit, render, check)
