"""The command line: the only place that prints, exits or writes files."""

from __future__ import annotations

import gc
import os
import signal
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from anso_pdf import __version__
from anso_pdf.cli import options, report
from anso_pdf.cli.output import (
    OutputError,
    check_replaceable,
    clashes,
    names_a_file,
    targets,
    write_all_atomically,
)
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


STATE = {"debug": False, "written": False, "issue_elsewhere": False}


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


def render_one(issue: Path, profiles: list[str], out: str | Path | None, *, many: bool, strict: bool, draft: bool,
               use_cache: bool, quiet: bool, verbose: bool, write: bool = True, open_pdf: bool = False,
               as_json: bool = False, no_color: bool = False) -> int:
    """Render one issue file; print what happened; return the exit status. `check` is this with write=False:
    the same steps, diagnostics, warnings and --strict, and no file written."""
    from anso_pdf import pipeline
    from anso_pdf.cli import pagereport

    options.apply(no_color=no_color)
    shown = str(issue)
    done = "; no PDF written" if write else ""
    try:
        with report.progress(f"{'rendering' if write else 'checking'} {shown}", verbose=verbose, quiet=quiet or many) as step:
            built = pipeline.build(issue, profiles, shown=shown, use_cache=use_cache, draft=draft, report=step,
                                   finished=write)
    except IssueError as exc:
        report.show(exc.errors + exc.warnings, shown, issue)
        report.say(f"{shown}: {report.summary(len(exc.errors), len(exc.warnings))}{done}")
        if as_json:
            pagereport.print_json(shown, None, exc.errors + exc.warnings, ok=False)
        return 1
    report.show(built.warnings, shown, issue)
    failed = strict and bool(built.warnings)
    if as_json:
        pagereport.print_json(shown, built, built.warnings, ok=not failed)
    if failed:
        report.say(f"{shown}: --strict: {report.summary(0, len(built.warnings))} count as failures{done}")
        return 1
    if not write:
        if not quiet:
            pagereport.show(built)
        report.say(f"{shown}: {report.summary(0, len(built.warnings))}; fits on four pages", quiet=quiet)
        return 0
    paths = targets(issue, profiles, out, many=many, draft=draft)
    _stop_if_interrupted()
    inputs = [issue, *(use.image.path for use in (built.laid_out.photo_uses() if built.laid_out else []))]
    try:
        check_replaceable(paths.values(), inputs)
        write_all_atomically({path: built.pdfs[name] for name, path in paths.items()})
    except OutputError as exc:
        report.error(exc.path, f"cannot write the PDF: {exc.reason}{'; no PDF written' if len(paths) > 1 else ''}")
        if exc.hint:
            report.say(f"  hint: {exc.hint}")
        return 1
    STATE["written"] = True
    if not quiet:
        pagereport.show(built)
        for name, path in paths.items():
            size = len(built.pdfs[name]) / 1024
            report.say(f"wrote {shown_path(path)} ({name}, {size:.0f} kB)")
    if open_pdf:
        from anso_pdf.cli.viewer import open_in_viewer

        open_in_viewer(paths.get("email") or next(iter(paths.values())))
    return 0


def shown_path(path: Path) -> str:
    """A path as printed: relative when it is under the current folder and the issue files are too, else in
    full (a render run from another folder says where its build/ went); quoted for the shell."""
    from anso_pdf.cli.terminal import quote_path

    if not path.is_absolute() and not STATE.get("issue_elsewhere"):
        return quote_path(path)
    return quote_path(Path(os.path.abspath(path)))


def _elsewhere(issues: list[Path]) -> bool:
    """True when an issue file is not inside the current folder: then `build/` is not where the user looks."""
    here = Path.cwd().resolve()
    return any(not Path(os.path.abspath(i)).resolve().is_relative_to(here) for i in issues)


@app.command()
def render(
    issues: Annotated[list[Path], typer.Argument(help="Issue files (YAML).", show_default=False)],
    profile: Annotated[ProfileChoice, typer.Option("--profile", help="Which PDFs to write.")] = ProfileChoice.all,
    output: Annotated[str | None, typer.Option("-o", "--output", help="A folder to write into (DIR or DIR/), or FILE.pdf: the email PDF, with the press PDF beside it as FILE-press.pdf (with one --profile, that PDF's name).", show_default=False)] = None,
    strict: Annotated[bool, typer.Option("--strict", help="Treat warnings (low-resolution photos, empty pages) as failures.")] = False,
    draft: Annotated[bool, typer.Option("--draft", help="Proof only: render despite missing or broken photos, marked DRAFT.")] = False,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Use no cache: prepare every photo, lay out every page again.")] = False,
    open_pdf: Annotated[bool, typer.Option("--open", help="Open the email PDF in the system's PDF viewer afterwards.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Also print a JSON report (pages, problems) on standard output, for tools.")] = False,
    quiet: options.Quiet = False,
    verbose: options.Verbose = False,
    no_color: options.NoColor = False,
) -> None:
    """Write build/STEM.pdf (email) and build/STEM-press.pdf (press) for each issue file; STEM is the issue
    file's name without .yaml (issues/2019-06.yaml gives build/2019-06.pdf). --draft writes STEM-draft.pdf and
    STEM-press-draft.pdf."""
    options.apply(no_color=no_color)
    profiles = _profiles(profile)
    many = len(issues) > 1
    if many and names_a_file(output):
        raise typer.BadParameter(f"'{output}' is a file name, and {len(issues)} issue files were given; "
                                 "name a folder instead, e.g. -o build/", param_hint="'-o' / '--output'")
    if output is not None and os.path.lexists(output) and not os.path.isdir(output) and not names_a_file(output):
        raise typer.BadParameter(f"'{output}' is a file, not a folder; name a folder, or NAME.pdf for the PDF",
                                 param_hint="'-o' / '--output'")
    planned = {issue: targets(issue, profiles, output, many=many, draft=draft) for issue in issues}
    clashing = clashes(planned)
    for first, second, path in clashing:
        report.error(path, f"both {first} and {second} would be written here; nothing was written")
        report.say(f"  hint: render them one at a time, each with its own folder (e.g. -o build/{first.parent.name or 'a'}/)")
    if clashing:
        raise typer.Exit(2)
    STATE["issue_elsewhere"] = _elsewhere(issues)
    common = dict(strict=strict, draft=draft, use_cache=not no_cache, quiet=quiet, verbose=verbose,
                  open_pdf=open_pdf, as_json=as_json, no_color=no_color)
    if many:
        status = _render_many(issues, profiles, output, **common)
    else:
        status = render_one(issues[0], profiles, output, many=False, **common)
    raise typer.Exit(status)


def _render_many(issues: list[Path], profiles: list[str], output: str | None, **options: bool) -> int:
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
    strict: Annotated[bool, typer.Option("--strict", help="Treat warnings (low-resolution photos, empty pages) as failures, as render --strict does.")] = False,
    draft: Annotated[bool, typer.Option("--draft", help="Check as render --draft would: missing or broken photos are warnings.")] = False,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Use no cache: prepare every photo, lay out every page again.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Also print a JSON report (pages, problems) on standard output, for tools.")] = False,
    quiet: options.Quiet = False,
    verbose: options.Verbose = False,
    no_color: options.NoColor = False,
) -> None:
    """Do everything render does (read, lay out, prepare the photos, make both PDFs) and report every problem and
    how full each page is; writes no file."""
    status = render_one(issue, ["email", "press"], None, many=False, strict=strict, draft=draft,
                        use_cache=not no_cache, quiet=quiet, verbose=verbose, write=False, as_json=as_json,
                        no_color=no_color)
    raise typer.Exit(status)


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
    if hasattr(signal, "SIGHUP"):  # the terminal closed: stop as for SIGTERM, leaving no temporary file
        signal.signal(signal.SIGHUP, _interrupted)
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
        report.say(f"anso-pdf: internal error: {type(exc).__name__}: {exc} (run with --debug for details)")
        sys.exit(1)
