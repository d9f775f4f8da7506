"""Print diagnostics the way Typst and compilers do: FILE:LINE:COL: severity: message, the source line with a
caret under the spot, a plain hint, and a summary line. Everything that came from the input is escaped."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from anso_pdf.cli.terminal import Style, colour_for, escape, width
from anso_pdf.diagnostics import Diagnostic


def source_lines(path: Path | None) -> list[str] | None:
    """The issue file's lines as the diagnostics count them (a line ends at LF, CRLF or CR only), or None when
    it cannot be read again."""
    if path is None:
        return None
    from anso_pdf.diagnostics import IssueError
    from anso_pdf.pipeline import read_text

    try:
        text = read_text(path, str(path))
    except (IssueError, OSError):
        return None
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def _display(line: str) -> tuple[str, list[int]]:
    """The line as printed (tabs and controls escaped) and, per character of the line, the printed column
    where it starts (plus one entry for the end of the line)."""
    shown: list[str] = []
    starts: list[int] = []
    column = 0
    for ch in line:
        starts.append(column)
        piece = escape(ch)
        shown.append(piece)
        column += width(piece)
    starts.append(column)
    return "".join(shown), starts


SHOWN_WIDTH = 100  # a longer source line is shown as a window of this many characters around the caret


def _window(line: str, index: int) -> tuple[str, int]:
    """The part of a long line shown around character `index` (cut sides marked with an ellipsis) and the
    index's position in it; a line up to SHOWN_WIDTH characters is shown whole."""
    if len(line) <= SHOWN_WIDTH:
        return line, index
    start = max(0, min(index - SHOWN_WIDTH // 2, len(line) - SHOWN_WIDTH))
    end = start + SHOWN_WIDTH
    head = "\u2026" if start > 0 else ""
    tail = "\u2026" if end < len(line) else ""
    return head + line[start:end] + tail, index - start + len(head)


def snippet(d: Diagnostic, lines: list[str] | None, style: Style) -> list[str]:
    """The lines under a message: the line above it where that is where the mistake is, the line itself, and a
    caret under the column."""
    span = d.span
    if lines is None or span is None or not 1 <= span.line <= len(lines):
        return []
    shown = [span.line]
    also = d.also if d.also is not None and d.also.file == span.file and 1 <= d.also.line <= len(lines) else None
    if also is not None and also.line != span.line:
        shown = sorted({also.line, span.line})
    number_width = len(str(max(shown))) + 1  # every source line starts with a space: never taken for a message
    gutter = " " * (number_width + 1)
    out = [style("gutter", f"{gutter}|")]
    caret_role = "caret" if d.severity.value == "error" else "caret-warning"
    for i, number in enumerate(shown):
        if i and number - shown[i - 1] > 1:
            out.append(style("gutter", f"{'.' * number_width} |"))
        target = span if number == span.line else also
        assert target is not None
        line, index = _window(lines[number - 1].rstrip("\n"), max(target.column - 1, 0))
        text, starts = _display(line)
        out.append(style("gutter", f"{number:>{number_width}} | ") + text)
        index = min(index, len(starts) - 1)
        mark = "^" if number == span.line else "-"
        out.append(style("gutter", f"{gutter}| ") + " " * starts[index] + style(caret_role if mark == "^" else "gutter", mark))
    return out


def format_diagnostic(d: Diagnostic, file: str, lines: list[str] | None = None, style: Style | None = None) -> str:
    """One diagnostic as printed: its located first line (one line, whatever the input held), the source lines
    and the hint."""
    style = style or Style(False)
    where = escape(str(d.span)) if d.span else escape(file)
    head = f"{where}: {style(d.severity.value, d.severity.value + ':')} {style('bold', escape(d.message))}"
    out = [head, *snippet(d, lines, style)]
    if d.hint:
        out.append(f"  {style('hint', 'hint:')} {escape(d.hint)}")
    return "\n".join(out)


def show(diagnostics: Iterable[Diagnostic], file: str, source: Path | None = None) -> None:
    """Every message in file order, errors and warnings together, each with its source line when `source`
    (the issue file) can be read."""
    lines = source_lines(source)
    style = colour_for(sys.stderr)
    for d in sorted(diagnostics, key=Diagnostic.sort_key):
        print(format_diagnostic(d, file, lines, style), file=sys.stderr)


def error(where: str | Path, message: str) -> None:
    """A located error that is not about a line of the issue file (a PDF that cannot be written)."""
    style = colour_for(sys.stderr)
    print(f"{escape(str(where))}: {style('error', 'error:')} {escape(message)}", file=sys.stderr)


def summary(errors: int, warnings: int) -> str:
    def plural(n: int, word: str) -> str:
        return f"{n} {word}{'' if n == 1 else 's'}"

    return f"{plural(errors, 'error')}, {plural(warnings, 'warning')}"


def say(message: str, *, quiet: bool = False) -> None:
    """One line, escaped: nothing from the input (a path, a key) moves the cursor or starts a line."""
    if not quiet:
        print(escape(message), file=sys.stderr)


@contextlib.contextmanager
def progress(message: str, *, verbose: bool = False, quiet: bool = False) -> Iterator[Callable[[str], None]]:
    """Yield a function that reports a step: a transient status line on a terminal, a printed line with
    --verbose, nothing otherwise (not on a terminal, or --quiet)."""
    if verbose:
        yield lambda text: print(f"  {escape(text)}", file=sys.stderr)
        return
    if quiet or not sys.stderr.isatty():
        yield lambda _text: None
        return
    from rich.console import Console
    from rich.text import Text

    # Text, not a markup string: a path holding `[/` would be read as rich markup (MarkupError)
    with Console(stderr=True).status(Text(escape(message))) as status:
        yield lambda text: status.update(Text(escape(text)))

