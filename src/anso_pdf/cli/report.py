"""Print diagnostics the way compilers do: FILE:LINE:COL: severity: message, a hint, a summary line."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterable, Iterator

from anso_pdf.diagnostics import Diagnostic


def show(diagnostics: Iterable[Diagnostic], file: str) -> None:
    """Every message in file order, errors and warnings together."""
    for d in sorted(diagnostics, key=Diagnostic.sort_key):
        where = str(d.span) if d.span else file
        print(f"{where}: {d.severity.value}: {d.message}", file=sys.stderr)
        if d.hint:
            print(f"  hint: {d.hint}", file=sys.stderr)


def summary(errors: int, warnings: int) -> str:
    def plural(n: int, word: str) -> str:
        return f"{n} {word}{'' if n == 1 else 's'}"

    return f"{plural(errors, 'error')}, {plural(warnings, 'warning')}"


def say(message: str, *, quiet: bool = False) -> None:
    if not quiet:
        print(message, file=sys.stderr)


@contextlib.contextmanager
def progress(message: str, *, verbose: bool = False, quiet: bool = False) -> Iterator[Callable[[str], None]]:
    """Yield a function that reports a step: a transient status line on a terminal, a printed line with
    --verbose, nothing otherwise (not on a terminal, or --quiet)."""
    if verbose:
        yield lambda text: print(f"  {text}", file=sys.stderr)
        return
    if quiet or not sys.stderr.isatty():
        yield lambda _text: None
        return
    from rich.console import Console

    with Console(stderr=True).status(message) as status:
        yield lambda text: status.update(text)
