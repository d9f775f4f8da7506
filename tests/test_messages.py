"""Issue #14: what the user sees, exactly. Each tests/cases/messages/NAME.yaml is checked with `anso-pdf check`
from its own folder, and the whole output (messages, source lines, carets, hints, summary) must equal NAME.out.

After an intended change of wording, regenerate with `ANSO_UPDATE_MESSAGES=1 pytest tests/test_messages.py`
and read the diff of the .out files before committing them.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from anso_pdf.cli import app
from hostile_files import make_workspace

CASES = Path(__file__).parent / "cases" / "messages"
LOCATED = re.compile(r"^(?P<file>[^\s:][^:]*?):(?P<line>\d+):(?P<col>\d+): (?:error|warning): ")


@pytest.fixture(scope="module")
def issue_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_workspace(tmp_path_factory.mktemp("messages"))


def run(args: list[str], folder: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.chdir(folder)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    return CliRunner().invoke(app, args)


@pytest.mark.parametrize("case", sorted(CASES.glob("*.yaml")), ids=lambda p: p.stem)
def test_what_the_user_sees(case: Path, issue_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copy(case, issue_dir / case.name)
    result = run(["check", case.name], issue_dir, monkeypatch)
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    expected_file = case.with_suffix(".out")
    if os.environ.get("ANSO_UPDATE_MESSAGES"):
        expected_file.write_text(result.output, encoding="utf-8")
    assert expected_file.exists(), f"no {expected_file.name}: run with ANSO_UPDATE_MESSAGES=1 and read it"
    assert result.output == expected_file.read_text(encoding="utf-8")
    # whatever the input held, every line that starts like a message is a real message about this file (the
    # source lines shown under a message start with a space)
    for line in result.output.splitlines():
        m = LOCATED.match(line)
        if m:
            assert m["file"] == case.name, line
    assert "\x1b" not in result.output and "\r" not in result.output


def test_colour_only_on_request_and_never_from_the_input(issue_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    case = CASES / "forged-diagnostics.yaml"
    shutil.copy(case, issue_dir / case.name)
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.chdir(issue_dir)
    coloured = CliRunner().invoke(app, ["check", case.name]).output
    assert "\x1b[1;31merror:\x1b[0m" in coloured
    assert "\x1b[2J" not in coloured  # the input's own escape is shown as text, not sent
    plain = re.sub(r"\x1b\[[0-9;]*m", "", coloured)
    assert plain == case.with_suffix(".out").read_text(encoding="utf-8")
    no_colour = CliRunner().invoke(app, ["check", "--no-color", case.name]).output
    assert "\x1b" not in no_colour


def test_escape_shows_every_control_and_direction_character() -> None:
    from anso_pdf.cli.terminal import escape

    assert escape("a\x1b[31mb\nc\td\x00e\x85f\u2028g\u202eh\x7f") == "a\\x1b[31mb\\nc\\td\\x00e\\x85f\\u2028g\\u202eh\\x7f"
    assert escape("Zürich 会議 — “quoted”") == "Zürich 会議 — “quoted”"


def test_a_path_with_rich_markup_prints_on_a_terminal(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """issue 17: a path holding `[/` made rich raise MarkupError in the progress line."""
    import io
    import sys

    from anso_pdf.cli import report

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.setattr(sys, "stderr", Terminal())
    with report.progress("rendering [/bold]odd[/] name.yaml") as step:
        step("step [/x]")
    report.say("wrote [/b]x.pdf")
    assert "wrote [/b]x.pdf" in sys.stderr.getvalue()


def test_five_mistakes_each_at_its_own_line_in_one_run(issue_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 14's "done when": five different syntax and indentation mistakes (and one more), one run."""
    case = CASES / "five-mistakes.yaml"
    shutil.copy(case, issue_dir / case.name)
    output = run(["check", case.name], issue_dir, monkeypatch).output
    lines = [int(m["line"]) for m in map(LOCATED.match, output.splitlines()) if m]
    assert lines == [5, 8, 18, 25, 26, 27]


def test_no_finding_in_a_valid_file_and_line_numbers_count_only_line_ends() -> None:
    from anso_pdf.diagnostics import Diagnostics
    from anso_pdf.source.yaml_tree import Mapping, parse_yaml

    sample = (Path(__file__).resolve().parents[1] / "issues" / "anso-2019-06.yaml").read_text(encoding="utf-8")
    diags = Diagnostics()
    parse_yaml(sample, "sample.yaml", diags)
    assert diags.items == []
    text = "a: 'one\u2028two'\nb: x\x85y\nc: z\n"
    diags = Diagnostics()
    tree = parse_yaml(text, "t.yaml", diags)
    assert isinstance(tree, Mapping)
    assert [k.span.line for k, _ in tree.entries] == [1, 2, 3]
    assert [d.span.line for d in diags.warnings if d.span] == [1, 2]


def _plain(node):  # type: ignore[no-untyped-def]
    from anso_pdf.source.yaml_tree import Mapping, Scalar

    if isinstance(node, Scalar):
        return node.value
    if isinstance(node, Mapping):
        return {k.value: _plain(v) for k, v in node.entries}
    return [_plain(item) for item in node.items]


def _as_strings(value):  # type: ignore[no-untyped-def]
    if isinstance(value, dict):
        return {str(k): _as_strings(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_as_strings(v) for v in value]
    return value


from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")) | st.sampled_from("\n\t:#'\"-[]{}*&!%@`|> "),
                min_size=1, max_size=40)
_KEY = st.from_regex(r"[a-z_][a-z_0-9]{0,10}", fullmatch=True)
_TREE = st.recursive(_TEXT, lambda inner: st.lists(inner, min_size=1, max_size=4)
                     | st.dictionaries(_KEY, inner, min_size=1, max_size=4), max_leaves=20)


@settings(max_examples=int(os.environ.get("ANSO_EXAMPLES", "60")), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(_KEY, _TREE, min_size=1, max_size=5), st.sampled_from([40, 70, 1000]),
       st.sampled_from([None, '"', "'"]))
def test_a_valid_file_is_read_as_written_with_no_finding(tree: dict, width: int, style: str | None) -> None:
    """What the line-by-line look takes for a mistake must never be one: YAML written by a YAML library, in any
    quoting and line width, gives no message and the same values. (A larger run: ANSO_EXAMPLES=2000.)"""
    import yaml

    from anso_pdf.diagnostics import Diagnostics
    from anso_pdf.source.yaml_tree import parse_yaml

    text = yaml.safe_dump(tree, allow_unicode=True, width=width, default_style=style, sort_keys=False)
    diags = Diagnostics()
    parsed = parse_yaml(text, "t.yaml", diags)
    assert diags.items == [], [str(d) for d in diags.items]
    assert _plain(parsed) == _as_strings(yaml.safe_load(text.replace("\u2028", " ").replace("\u2029", " ").replace("\x85", " ")))


def test_the_guide_shows_what_the_tool_prints() -> None:
    """docs/guide.md's error examples are real runs (scripts/gen_guide_errors.py puts them there)."""
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[1]
    result = subprocess.run([sys.executable, "scripts/gen_guide_errors.py", "--check"], cwd=root,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr


def test_a_long_source_line_is_shown_as_a_window_around_the_caret() -> None:
    """A 990 kB paragraph on one line must not flood the terminal: about 100 characters around the spot."""
    from anso_pdf.cli.report import SHOWN_WIDTH, snippet
    from anso_pdf.cli.terminal import Style
    from anso_pdf.diagnostics import Diagnostic, Severity, Span

    line = "body: " + "word " * 20_000 + "**unclosed" + " tail" * 20_000
    column = line.index("**") + 1
    d = Diagnostic(Severity.WARNING, Span("f.yaml", 1, column), "bold is not closed")
    out = snippet(d, [line], Style(False))
    shown, caret = out[1], out[2]
    assert len(shown) < SHOWN_WIDTH + 20 and shown.count("\u2026") == 2
    assert shown[caret.index("^")] == "*" and shown[caret.index("^") + 1] == "*"
