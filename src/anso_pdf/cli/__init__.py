"""The command line: the only place that prints, exits or writes files."""

from __future__ import annotations

import gc
import signal
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from anso_pdf import __version__
from anso_pdf.cli import report
from anso_pdf.cli.output import OutputError, targets, write_all_atomically
from anso_pdf.diagnostics import IssueError

app = typer.Typer(
    name="anso-pdf",
    help="Typeset a four-page newsletter from one YAML issue file: a press PDF for the printer and an email PDF.",
    pretty_exceptions_enable=False,
    no_args_is_help=True,
    add_completion=True,
)


class ProfileChoice(StrEnum):
    email = "email"
    press = "press"
    all = "all"


STATE = {"debug": False, "written": False}


def _version(value: bool) -> None:
    if value:
        print(f"anso-pdf {__version__}")
        raise typer.Exit(0)


@app.callback()
def main_options(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")] = False,
    debug: Annotated[bool, typer.Option("--debug", help="Show Python tracebacks of internal errors.")] = False,
) -> None:
    STATE["debug"] = debug


def _profiles(choice: ProfileChoice) -> list[str]:
    return ["email", "press"] if choice is ProfileChoice.all else [choice.value]


def render_one(issue: Path, profiles: list[str], out: Path | None, *, many: bool, strict: bool, draft: bool,
               use_cache: bool, quiet: bool, verbose: bool) -> int:
    """Render one issue file; print what happened; return the exit status."""
    from anso_pdf import pipeline

    shown = str(issue)
    try:
        with report.progress(f"rendering {shown}", verbose=verbose, quiet=quiet or many) as step:
            built = pipeline.build(issue, profiles, shown=shown, use_cache=use_cache, draft=draft, report=step)
    except IssueError as exc:
        report.show(exc.errors + exc.warnings, shown)
        report.say(f"{shown}: {report.summary(len(exc.errors), len(exc.warnings))}; no PDF written")
        return 1
    report.show(built.warnings, shown)
    if strict and built.warnings:
        report.say(f"{shown}: --strict: {report.summary(0, len(built.warnings))} count as failures; no PDF written")
        return 1
    paths = targets(issue, profiles, out, many=many)
    _stop_if_interrupted()
    try:
        write_all_atomically({path: built.pdfs[name] for name, path in paths.items()})
    except OutputError as exc:
        print(f"{exc.path}: error: cannot write the PDF: {exc.reason}", file=sys.stderr)
        return 1
    STATE["written"] = True
    if not quiet:
        for note in built.notes:
            report.say(f"{shown}: note: {note}")
        for name, path in paths.items():
            size = len(built.pdfs[name]) / 1024
            report.say(f"wrote {path} ({name}, {size:.0f} kB)")
    return 0


@app.command()
def render(
    issues: Annotated[list[Path], typer.Argument(help="Issue files (YAML).", show_default=False)],
    profile: Annotated[ProfileChoice, typer.Option("--profile", help="Which PDFs to write.")] = ProfileChoice.all,
    output: Annotated[Path | None, typer.Option("-o", "--output", help="A folder to write into, or with one profile the PDF's file name.")] = None,
    strict: Annotated[bool, typer.Option("--strict", help="Treat warnings (low-resolution photos, empty pages) as failures.")] = False,
    draft: Annotated[bool, typer.Option("--draft", help="Proof only: render despite missing or broken photos, marked DRAFT.")] = False,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Use no cache: prepare every photo, lay out every page again.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print only warnings and errors.")] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Say more about what is done.")] = False,
) -> None:
    """Write build/STEM.pdf (email) and build/STEM-press.pdf (press) for each issue file."""
    profiles = _profiles(profile)
    many = len(issues) > 1
    if many:
        status = _render_many(issues, profiles, output, strict=strict, draft=draft, use_cache=not no_cache, quiet=quiet, verbose=verbose)
    else:
        status = render_one(issues[0], profiles, output, many=False, strict=strict, draft=draft,
                            use_cache=not no_cache, quiet=quiet, verbose=verbose)
    raise typer.Exit(status)


def _render_many(issues: list[Path], profiles: list[str], output: Path | None, **options: bool) -> int:
    import os
    from concurrent.futures import ProcessPoolExecutor

    workers = max(1, min(len(issues), os.cpu_count() or 1))
    with ProcessPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(render_one, i, profiles, output, many=True, **options) for i in issues]
        statuses = [f.result() for f in futures]
    failed = sum(1 for s in statuses if s)
    report.say(f"{len(issues) - failed} of {len(issues)} issue files rendered")
    return 1 if failed else 0


@app.command()
def check(
    issue: Annotated[Path, typer.Argument(help="The issue file (YAML).", show_default=False)],
    strict: Annotated[bool, typer.Option("--strict", help="Treat warnings as failures.")] = False,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Use no cache: lay out every page again.")] = False,
) -> None:
    """Validate the issue file and its photos, lay it out, and report every problem; writes no PDF."""
    from anso_pdf import pipeline

    shown = str(issue)
    try:
        built = pipeline.check(issue, shown=shown, use_cache=not no_cache)
    except IssueError as exc:
        report.show(exc.errors + exc.warnings, shown)
        report.say(f"{shown}: {report.summary(len(exc.errors), len(exc.warnings))}")
        raise typer.Exit(1) from None
    report.show(built.warnings, shown)
    for note in built.notes:
        report.say(f"{shown}: note: {note}")
    report.say(f"{shown}: {report.summary(0, len(built.warnings))}; fits on four pages")
    raise typer.Exit(1 if strict and built.warnings else 0)


from anso_pdf.cli import editor  # noqa: E402,F401  (registers new, schema, watch, preview)

_INTERRUPTED: list[int] = []  # the signal, once one came: checked again before anything is written


def _interrupted(signum: int, frame: object) -> None:
    """Ctrl-C or SIGTERM: say so; temporary files are removed as the exception unwinds, earlier PDFs stay."""
    if not _INTERRUPTED:
        done = "the new PDFs had been written" if STATE.get("written") else "no earlier PDF was overwritten"
        print(f"anso-pdf: interrupted ({signal.Signals(signum).name}); {done}", file=sys.stderr)
    _INTERRUPTED.append(signum)
    sys.exit(128 + signum)


def _stop_if_interrupted() -> None:
    """Library code with a bare `except:` can swallow the SystemExit of a signal; never write after one."""
    if _INTERRUPTED:
        sys.exit(128 + _INTERRUPTED[0])


def main() -> None:
    """Entry point: exit 0 written, 1 not written, 2 wrong command line; never a traceback without --debug."""
    # A command runs once and exits, and its garbage goes with the process: Python's cyclic collector would spend
    # 30 ms of a 0.5 s render walking the fonts and layout for nothing (same peak memory measured without it;
    # docs/performance.md). `watch`, which runs on, turns it back on.
    gc.disable()
    signal.signal(signal.SIGTERM, _interrupted)
    signal.signal(signal.SIGINT, _interrupted)
    try:
        app(standalone_mode=True)
    except KeyboardInterrupt:
        print("interrupted; nothing was overwritten", file=sys.stderr)
        sys.exit(130)
    except SystemExit:
        _stop_if_interrupted()
        raise
    except Exception as exc:  # the last line of defence: no traceback reaches the user
        if STATE["debug"] or "--debug" in sys.argv:
            raise
        print(f"anso-pdf: internal error: {type(exc).__name__}: {exc} (run with --debug for details)", file=sys.stderr)
        sys.exit(1)
