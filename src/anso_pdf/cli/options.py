"""The options every command takes alike: -q/--quiet, -v/--verbose, --no-color; and what STEM means."""

from __future__ import annotations

from typing import Annotated

import typer

from anso_pdf.cli import terminal

STEM = "STEM is the issue file's name without .yaml (issues/2019-06.yaml gives 2019-06)"

Quiet = Annotated[bool, typer.Option("--quiet", "-q", help="Print only warnings and errors.")]
Verbose = Annotated[bool, typer.Option("--verbose", "-v", help="Say more about what is done.")]
NoColor = Annotated[bool, typer.Option("--no-color", help="No colours, even on a terminal (so does NO_COLOR=1).")]


def apply(*, no_color: bool) -> None:
    """Settings of this command's run (set afresh by each command: tests run several in one process)."""
    terminal.NO_COLOR[0] = no_color
