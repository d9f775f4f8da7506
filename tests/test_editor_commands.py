"""issue #7, "The editor's day": new, schema, watch, preview, and the generated format reference."""

from __future__ import annotations

import datetime
import importlib.util
import json
import os
import queue
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import jsonschema
import pytest
import yaml
from typer.testing import CliRunner

from anso_pdf import pipeline
from anso_pdf.cli import app
from anso_pdf.diagnostics import IssueError
from anso_pdf.model import template

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "issues" / "anso-2019-06.yaml"
PHOTOS = ROOT / "assets" / "photos"
SCHEMA_FILE = ROOT / "docs" / "issue-format.schema.json"

runner = CliRunner()


@pytest.fixture(autouse=True)
def _own_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Prepared photos go to a cache of the test's own, not the user's."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.getbasetemp() / "cache"))


def invoke(*args: str | Path):  # type: ignore[no-untyped-def]
    return runner.invoke(app, [str(a) for a in args])


# --- new -------------------------------------------------------------------------------------------------------


def test_new_template_renders_on_first_try(tmp_path: Path) -> None:
    issue = tmp_path / "issues" / "2026-01.yaml"
    result = invoke("new", issue)
    assert result.exit_code == 0, result.output
    assert f"wrote {issue}" in result.output
    text = issue.read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=")
    assert "format: 1" in text

    built = pipeline.check(issue)  # raises IssueError on any error
    assert built.warnings == [], [str(w) for w in built.warnings]  # no page left a third empty either

    result = invoke("render", issue, "--profile", "email", "-o", tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out" / "2026-01.pdf").stat().st_size > 10_000


def test_new_template_is_valid_for_the_schema() -> None:
    text = template.blank_issue("x.yaml", None, datetime.date(2026, 12, 31))
    jsonschema.validate(as_json(yaml.safe_load(text)), json.loads(SCHEMA_FILE.read_text(encoding="utf-8")))
    assert "2027-01-15" in text  # the placeholder events are in the coming months
    assert "$schema" not in text  # no schema found: no comment


def test_new_points_at_the_schema_relative_to_the_new_file(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "issue-format.schema.json").write_text("{}", encoding="utf-8")
    issue = tmp_path / "issues" / "next.yaml"
    assert invoke("new", issue).exit_code == 0
    first = issue.read_text(encoding="utf-8").splitlines()[0]
    assert first == "# yaml-language-server: $schema=../docs/issue-format.schema.json"


def test_sample_issue_points_at_the_committed_schema() -> None:
    first = SAMPLE.read_text(encoding="utf-8").splitlines()[0]
    ref = first.split("$schema=", 1)[1]
    assert (SAMPLE.parent / ref).resolve() == SCHEMA_FILE


def test_new_never_overwrites(tmp_path: Path) -> None:
    issue = tmp_path / "mine.yaml"
    issue.write_text("keep me\n", encoding="utf-8")
    result = invoke("new", issue)
    assert result.exit_code == 1
    assert str(issue) in result.output and "exists" in result.output
    assert issue.read_text(encoding="utf-8") == "keep me\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine.yaml"]  # no temporary file left


@pytest.mark.parametrize("args", [["new"], ["new", "issue.txt"], ["new", "a.yaml", "--bogus"], ["new", "a.yaml", "--from"]])
def test_new_bad_usage_is_exit_2(tmp_path: Path, args: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = invoke(*args)
    assert result.exit_code == 2, result.output
    assert not list(tmp_path.iterdir())


def test_new_from_keeps_the_skeleton_and_renders(tmp_path: Path) -> None:
    issue = tmp_path / "issues" / "anso-2019-09.yaml"
    result = invoke("new", issue, "--from", SAMPLE)
    assert result.exit_code == 0, result.output
    data = yaml.safe_load(issue.read_text(encoding="utf-8"))
    old = yaml.safe_load(SAMPLE.read_text(encoding="utf-8"))

    assert data["newsletter"]["name"] == old["newsletter"]["name"]
    assert data["newsletter"]["tagline"] == old["newsletter"]["tagline"]
    assert data["newsletter"]["language"] == old["newsletter"]["language"]
    assert (data["newsletter"]["issue"], data["newsletter"]["date"]) == ("Issue N", "Month YYYY")
    assert data["contact"] == old["contact"]
    assert data["contents"] == old["contents"]
    keep = ("title", "contents_title", "page", "show_title", "continues_on")
    assert [{k: s[k] for k in keep if k in s} for s in data["sections"]] == [
        {k: s[k] for k in keep if k in s} for s in old["sections"]
    ]
    for section in data["sections"]:
        assert not {"images", "gallery", "quote"} & section.keys()  # last issue's photos are not this issue's
        for text in (section.get("intro"), section.get("body")):
            assert text is None or text.strip() == template.SHORT_PLACEHOLDER
    assert data["sections"][3]["events"]["title"] == "Upcoming Events in 2019"

    pipeline.check(issue)  # renders (pages are mostly empty until text is written: warnings only)
    result = invoke("check", issue)
    assert result.exit_code == 0, result.output


def test_new_from_keeps_a_logo_it_can_reach(tmp_path: Path) -> None:
    (tmp_path / "assets").mkdir()
    shutil.copy(PHOTOS / "astronaut.jpg", tmp_path / "assets" / "logo.jpg")
    (tmp_path / "issues").mkdir()
    earlier = tmp_path / "issues" / "old.yaml"
    earlier.write_text(
        "newsletter:\n  name: N\n  issue: '1'\n  date: D\n  logo: assets/logo.jpg\n"
        "style:\n  columns: 3\n  colors:\n    primary: 'cmyk(100, 60, 0, 20)'\n"
        "sections:\n  - title: One\n    body: Text.\n",
        encoding="utf-8",
    )
    beside = tmp_path / "issues" / "new.yaml"
    assert invoke("new", beside, "--from", earlier).exit_code == 0
    data = yaml.safe_load(beside.read_text(encoding="utf-8"))
    assert data["newsletter"]["logo"] == "assets/logo.jpg"
    assert data["style"] == {"columns": 3, "colors": {"primary": "cmyk(100, 60, 0, 20)"}}
    pipeline.check(beside)

    above = tmp_path / "new.yaml"  # from here the earlier issue's path does not lead to the logo: written anew
    earlier_b = tmp_path / "issues" / "b" / "old.yaml"
    earlier_b.parent.mkdir()
    shutil.copy(PHOTOS / "astronaut.jpg", earlier_b.parent / "logo.jpg")
    earlier_b.write_text(earlier.read_text(encoding="utf-8").replace("assets/logo.jpg", "logo.jpg"), encoding="utf-8")
    assert invoke("new", above, "--from", earlier_b).exit_code == 0
    assert yaml.safe_load(above.read_text(encoding="utf-8"))["newsletter"]["logo"] == "issues/b/logo.jpg"
    pipeline.check(above)

    deeper = tmp_path / "issues" / "2026" / "new.yaml"  # the logo would lead outside issues/: left as a comment
    assert invoke("new", deeper, "--from", earlier).exit_code == 0
    text = deeper.read_text(encoding="utf-8")
    assert "logo" not in yaml.safe_load(text)["newsletter"]
    assert "# logo: assets/logo.jpg" in text
    pipeline.check(deeper)


def test_new_from_a_broken_file_writes_nothing(tmp_path: Path) -> None:
    earlier = tmp_path / "old.yaml"
    earlier.write_text("newsletter:\n\tname: x\n", encoding="utf-8")
    result = invoke("new", tmp_path / "new.yaml", "--from", earlier)
    assert result.exit_code == 1
    assert f"{earlier}:2:1: error:" in result.output
    assert not (tmp_path / "new.yaml").exists()

    result = invoke("new", tmp_path / "new.yaml", "--from", tmp_path / "missing.yaml")
    assert result.exit_code == 1
    assert "missing.yaml" in result.output
    assert not (tmp_path / "new.yaml").exists()


# --- schema ----------------------------------------------------------------------------------------------------


def as_json(value: object) -> object:
    """What an editor reading YAML 1.2 sees: an unquoted 2019-09-04 is a string, not a date."""
    if isinstance(value, dict):
        return {str(k): as_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_json(v) for v in value]
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


@pytest.fixture(scope="module")
def schema() -> dict:
    text = SCHEMA_FILE.read_text(encoding="utf-8")
    result = invoke("schema")
    assert result.exit_code == 0
    assert result.stdout == text, "docs/issue-format.schema.json is stale: run python scripts/gen_reference.py"
    loaded = json.loads(text)
    jsonschema.validators.validator_for(loaded).check_schema(loaded)
    return loaded


@pytest.fixture
def sample() -> dict:
    return as_json(yaml.safe_load(SAMPLE.read_text(encoding="utf-8")))  # type: ignore[return-value]


def errors(schema: dict, data: object) -> list[str]:
    return [e.message for e in jsonschema.validators.validator_for(schema)(schema).iter_errors(data)]


def test_schema_accepts_the_sample(schema: dict, sample: dict) -> None:
    assert errors(schema, sample) == []


def test_schema_rejects_an_unknown_key(schema: dict, sample: dict) -> None:
    sample["sections"][0]["subtitle"] = "x"
    assert any("'subtitle' was unexpected" in m for m in errors(schema, sample))


def test_schema_rejects_a_missing_required_key(schema: dict, sample: dict) -> None:
    del sample["newsletter"]["name"]
    assert any("'name' is a required property" in m for m in errors(schema, sample))


def test_schema_rejects_a_wrong_type(schema: dict, sample: dict) -> None:
    sample["style"] = {"columns": "three"}
    assert any("'three' is not of type 'integer'" in m for m in errors(schema, sample))


def test_schema_writes_a_file(tmp_path: Path, schema: dict) -> None:
    out = tmp_path / "s" / "issue.schema.json"
    result = invoke("schema", "-o", out)
    assert result.exit_code == 0, result.output
    assert json.loads(out.read_text(encoding="utf-8")) == schema
    assert result.stdout == ""


# --- generated reference -----------------------------------------------------------------------------------------


def test_format_reference_is_generated_from_the_tables() -> None:
    spec = importlib.util.spec_from_file_location("gen_reference", ROOT / "scripts" / "gen_reference.py")
    assert spec is not None and spec.loader is not None
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    committed = (ROOT / "docs" / "format-reference.md").read_text(encoding="utf-8")
    assert gen.reference_markdown() == committed, "run python scripts/gen_reference.py"
    assert gen.main(["--check"]) == 0
    from anso_pdf.model import schema as S

    for field in S.SECTION.fields:  # every key of every table is there
        assert f"| `{field.key}` |" in committed


# --- preview ---------------------------------------------------------------------------------------------------


def test_preview_writes_four_pages_and_a_sheet(tmp_path: Path) -> None:
    from PIL import Image

    issue = tmp_path / "small.yaml"
    issue.write_text(template.blank_issue("small.yaml", None, datetime.date(2026, 1, 1)), encoding="utf-8")
    out = tmp_path / "pictures"
    result = invoke("preview", issue, "-o", out, "--dpi", "30")
    assert result.exit_code == 0, result.output
    assert "\x1b[" not in result.output  # no progress display when not on a terminal
    names = sorted(p.name for p in out.iterdir())
    assert names == ["small-1.png", "small-2.png", "small-3.png", "small-4.png", "small-sheet.png"]

    sizes = []
    for i in range(1, 5):
        with Image.open(out / f"small-{i}.png") as page:
            sizes.append(page.size)
    assert len(set(sizes)) == 1
    w, h = sizes[0]
    assert abs(w - 210 / 25.4 * 30) <= 1 and abs(h - 297 / 25.4 * 30) <= 1  # A4 at 30 dpi
    assert abs(h / w - 297 / 210) < 0.01
    with Image.open(out / "small-sheet.png") as sheet:
        margin = (sheet.height - h) // 2
        assert margin > 0 and sheet.size == (4 * w + 5 * margin, h + 2 * margin)


def test_preview_of_a_broken_file_writes_nothing(tmp_path: Path) -> None:
    issue = tmp_path / "bad.yaml"
    issue.write_text("newsletter:\n  nme: x\nsections: []\n", encoding="utf-8")
    result = invoke("preview", issue, "-o", tmp_path / "out")
    assert result.exit_code == 1
    assert "did you mean 'name'?" in result.output
    assert not (tmp_path / "out").exists()


def test_shell_completion_is_offered() -> None:
    result = invoke("--help")
    assert "--install-completion" in result.output


# --- watch -----------------------------------------------------------------------------------------------------

SMALL = """\
newsletter:
  name: Watch Test
  issue: Issue 1
  date: January 2026
sections:
  - title: Hello
    images:
      - file: photos/p.jpg
        caption: A photo.
    body: |
      First paragraph.
"""


class Lines:
    """The stderr of a process, line by line, with a deadline for each wait."""

    def __init__(self, proc: subprocess.Popen[str]) -> None:
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        assert proc.stderr is not None
        self.stream = stream = proc.stderr
        self.reader = threading.Thread(target=lambda: [self.lines.put(line) for line in stream], daemon=True)
        self.reader.start()

    def close(self) -> None:
        """After the process ended: the reader has seen the end of the stream; close the pipe."""
        self.reader.join(timeout=10)
        self.stream.close()

    def wait_for(self, text: str, timeout: float = 20) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=max(0.01, deadline - time.monotonic()))
            except queue.Empty:
                break
            self.seen.append(line)
            if text in line:
                return line
        raise AssertionError(f"no line with {text!r} within {timeout} s; seen:\n{''.join(self.seen)}")


def test_watch_renders_on_each_save_and_keeps_the_last_good_pdf(tmp_path: Path) -> None:
    (tmp_path / "photos").mkdir()
    shutil.copy(PHOTOS / "coffee.jpg", tmp_path / "photos" / "p.jpg")
    issue = tmp_path / "watched.yaml"
    issue.write_text(SMALL, encoding="utf-8")
    pdf = tmp_path / "out" / "watched.pdf"
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "anso_pdf", "watch", str(issue), "-o", str(tmp_path / "out"), "--max-runs", "4"],
        cwd=tmp_path, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )
    out = Lines(proc)
    try:
        out.wait_for("watching")
        first = pdf.read_bytes()

        issue.write_text(SMALL.replace("First paragraph.", "An edited paragraph, longer than before."), encoding="utf-8")
        out.wait_for(f"wrote {pdf}")
        second = pdf.read_bytes()
        assert second != first

        shutil.copy(PHOTOS / "rocket-launch.jpg", tmp_path / "photos" / "p.jpg")  # a photo it uses changes
        out.wait_for(f"wrote {pdf}")
        third = pdf.read_bytes()
        assert third != second

        issue.write_text(SMALL.replace("  name:", "  nmae:"), encoding="utf-8")  # a broken edit
        out.wait_for("did you mean 'name'?")
        out.wait_for(f"kept {pdf}")
        assert proc.wait(timeout=20) == 1  # --max-runs 4 reached; the last render failed
        assert pdf.read_bytes() == third  # the last good PDF is still there
        assert [p.name for p in pdf.parent.iterdir()] == ["watched.pdf"]  # and no temporary file
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        out.close()


def test_watch_reports_a_broken_file_from_the_start(tmp_path: Path) -> None:
    issue = tmp_path / "broken.yaml"
    issue.write_text("newsletter:\n  name: x\n", encoding="utf-8")
    result = invoke("watch", issue, "-o", tmp_path / "out", "--max-runs", "1")
    assert result.exit_code == 1
    assert "needs 'issue'" in result.output
    assert not (tmp_path / "out").exists()


def test_issue_from_reports_broken_yaml() -> None:
    with pytest.raises(IssueError):
        template.issue_from("a: [", Path("old.yaml"), Path("new.yaml"), "new.yaml", None, datetime.date(2026, 1, 1))
