"""Issue #5: every file in tests/cases/invalid/ is a small broken issue file, annotated Typst-style.

A line that must draw a message carries a comment `# error: FRAGMENT` (or `# warning: FRAGMENT`); several
may follow one another on a line. `anso-pdf check` must print, for that line, a message
`FILE:LINE:COL: error: ...` whose text (with its `hint:` lines) contains each fragment. The match is
strict both ways: no located message may appear on a line that carries no annotation of its kind.
Also: no traceback, exit 1 when an error is expected (0 when only warnings are), every error in one run
sorted by position, and a summary line that counts them.

The photos the cases name (broken, hostile, symlinked, a FIFO) are made at test time by hostile_files.py.
"""

from __future__ import annotations

import re
import shutil
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import pytest
from typer.testing import CliRunner

from anso_pdf.cli import app
from hostile_files import make_workspace

CASES = Path(__file__).parent / "cases" / "invalid"
ANNOTATION = re.compile(r"#\s*(error|warning):\s*(.*?)\s*(?=#\s*(?:error|warning):|$)")
SNIPPET = re.compile(r"^ *(\d+|\.+)? \|")  # the source line under a message, and the caret line
MESSAGE = re.compile(r"^(?P<file>[^\s:][^:]*):(?P<line>\d+):(?P<col>\d+): (?P<severity>error|warning): (?P<text>.*)$")


@dataclass
class Message:
    line: int
    column: int
    severity: str
    text: str  # the message and its hint lines


def expectations(case: Path) -> dict[tuple[int, str], list[str]]:
    """(line, severity) -> fragments, from the `# error:` / `# warning:` comments of a case file."""
    expected: dict[tuple[int, str], list[str]] = {}
    for number, line in enumerate(case.read_text(encoding="utf-8").splitlines(), start=1):
        for severity, fragment in ANNOTATION.findall(line):
            expected.setdefault((number, severity), []).append(fragment)
    return expected


def parse_output(output: str, shown: str) -> tuple[list[Message], list[str]]:
    """Located messages with their hints, and every other line (the source lines shown under a message are
    checked by test_messages.py)."""
    messages: list[Message] = []
    other: list[str] = []
    for line in output.splitlines():
        m = MESSAGE.match(line)
        if m and m["file"] == shown:
            messages.append(Message(int(m["line"]), int(m["col"]), m["severity"], m["text"]))
        elif line.startswith("  hint: ") and messages:
            messages[-1].text += "\n" + line.strip()
        elif SNIPPET.match(line) and messages:
            continue
        else:
            other.append(line)
    return messages, other


@pytest.fixture(scope="module")
def issue_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_workspace(tmp_path_factory.mktemp("invalid"))


T = TypeVar("T")

TIMEOUT = 60  # seconds: a generous bound that catches a hang, not a speed check (speed is measured in bench/)


def within(seconds: float, work: Callable[[], T]) -> T:
    """Run `work` on a thread and return its result; fail if it has not finished after `seconds`."""
    done: list[T] = []
    failed: list[BaseException] = []

    def run() -> None:
        try:
            done.append(work())
        except BaseException as exc:  # noqa: BLE001 - handed to the test's thread
            failed.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(timeout=seconds)
    assert not thread.is_alive(), f"still running after {seconds} s"
    if failed:
        raise failed[0]
    return done[0]


def run_check(issue_dir: Path, case: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    shutil.copy(case, issue_dir / case.name)
    monkeypatch.chdir(issue_dir)  # run from the issue's folder: paths must not depend on the current folder
    return within(TIMEOUT, lambda: CliRunner().invoke(app, ["check", case.name]))


def test_every_case_is_annotated() -> None:
    cases = sorted(CASES.glob("*.yaml"))
    assert len(cases) >= 20
    for case in cases:
        assert expectations(case), f"{case.name} has no '# error:' or '# warning:' comment"


@pytest.mark.parametrize("case", sorted(CASES.glob("*.yaml")), ids=lambda p: p.stem)
def test_case(case: Path, issue_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result = run_check(issue_dir, case, monkeypatch)
    output = result.output
    assert "Traceback" not in output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)

    expected = expectations(case)
    wants_error = any(severity == "error" for _, severity in expected)
    assert result.exit_code == (1 if wants_error else 0), output

    messages, other = parse_output(output, case.name)
    for (line, severity), fragments in expected.items():
        here = [m.text for m in messages if m.line == line and m.severity == severity]
        assert here, f"{case.name}:{line}: expected {severity} {fragments}, got none; output:\n{output}"
        for fragment in fragments:
            assert any(fragment in text for text in here), (
                f"{case.name}:{line}: no {severity} contains {fragment!r}; messages on that line: {here}"
            )
    for m in messages:
        assert (m.line, m.severity) in expected, f"{case.name}:{m.line}: unexpected {m.severity}: {m.text}"
    for line in other:  # the rest: file-level warnings, the summary, notes; never a located message in disguise
        assert not re.match(r"^\S+:\d+:", line), line

    errors = [m for m in messages if m.severity == "error"]
    positions = [(m.line, m.column) for m in errors]
    assert positions == sorted(positions), f"errors not sorted by position: {positions}"
    summary = [line for line in other if re.match(rf"^{re.escape(case.name)}: \d+ errors?, \d+ warnings?", line)]
    assert summary, f"no summary line in:\n{output}"
    counted = int(re.match(rf"^{re.escape(case.name)}: (\d+) error", summary[-1]).group(1))  # type: ignore[union-attr]
    assert counted == len(errors)


def test_alias_bomb_fails_fast(issue_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The 9-level "billion laughs" must be refused before anything walks it (well under a second)."""
    from anso_pdf.diagnostics import IssueError
    from anso_pdf.source.yaml_tree import parse_yaml

    text = (CASES / "alias-bomb.yaml").read_text()
    with pytest.raises(IssueError):
        within(TIMEOUT, lambda: parse_yaml(text, "alias-bomb.yaml"))
    result = run_check(issue_dir, CASES / "alias-bomb.yaml", monkeypatch)
    assert result.exit_code == 1


def test_python_tag_runs_nothing(issue_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result = run_check(issue_dir, CASES / "python-tag.yaml", monkeypatch)
    assert result.exit_code == 1
    assert not (issue_dir / "canary").exists()


def test_fifo_photo_does_not_hang(issue_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A FIFO named as a photo: opened without blocking and refused (a plain open() would wait forever)."""
    case = issue_dir / "fifo.yaml"
    case.write_text(
        "newsletter:\n  name: N\n  issue: I\n  date: D\n"
        "sections:\n  - title: T\n    images:\n      - file: photos/pipe.jpg\n"
    )
    monkeypatch.chdir(issue_dir)
    result = within(TIMEOUT, lambda: CliRunner().invoke(app, ["check", "fifo.yaml"]))
    assert result.exit_code == 1
    assert "fifo.yaml:8:15: error: 'pipe.jpg' is not a regular file" in result.output


@pytest.mark.parametrize("depth", [41, 1000, 100_000])
def test_nesting_of_any_depth_is_a_message(depth: int) -> None:
    from anso_pdf.diagnostics import IssueError
    from anso_pdf.source.yaml_tree import parse_yaml

    for text in ("a: " + "[" * depth + "]" * depth, "a: " + "{b: " * depth + "}" * depth):
        with pytest.raises(IssueError) as caught:
            parse_yaml(text, "deep.yaml")
        assert "nesting" in str(caught.value)


def test_huge_file_is_refused_before_parsing() -> None:
    from anso_pdf.diagnostics import IssueError
    from anso_pdf.source.yaml_tree import parse_yaml

    with pytest.raises(IssueError) as caught:
        parse_yaml("a: " + "x" * 2_000_000, "big.yaml")
    assert "big.yaml:1:1: error: the file is larger than" in str(caught.value)
