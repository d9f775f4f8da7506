"""Remember which fit copyfitting chose for a run of pages, keyed by everything that choice depends on (issue #6).

Copyfitting tries fits from a ladder until one holds a run of pages (and a looser one for a page left visibly
empty): 15 layouts of a run for the sample issue. The choice depends only on what is laid out on those pages
(the run's sections, the masthead, sidebar and style, the page size), the fonts and the code, so a run whose
sections did not change since the last render is laid out once, at the fit chosen then. The remembered fit is
checked like any other: if it no longer holds its run, the ladder is walked again. Places in the file (line and
column) are left out of the key: moving a section down the file changes no layout. With the fit, the entry keeps
the fit the run was set at in the end (pages 2 and 3 share one) and the photo frames the fill chose at it, so a
run the fill grew is laid out once too.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

from anso_pdf import cache as store
from anso_pdf.diagnostics import Span
from anso_pdf.layout.story import Frame
from anso_pdf.layout.styles import Fit
from anso_pdf.model.issue import Issue, Section

_KIND = "layout"


def run_key(issue: Issue, sections: list[Section], pages: list[int], fonts: object, policy: object) -> str:
    """The cache name of a run's chosen fit; `policy` is what the choice is made by (the ladders, the limits)."""
    around = (issue.newsletter, issue.contents, issue.contact, issue.style)
    return store.key("fit-1", code(), fonts, policy, pages, _canonical(around),
                     _canonical(tuple(sections)))


def _entry(key: str) -> dict[str, Any] | None:
    blob = store.read_blob(_KIND, key)
    if blob is None:
        return None
    try:
        data = json.loads(blob)
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def recall(key: str, ladders: tuple[tuple[Fit, ...], ...]) -> Fit | None:
    """The fit chosen for this key before, if it is still one of the ladders'."""
    data = _entry(key)
    if data is None:
        return None
    data.pop("filled", None)
    try:
        fit = Fit(**data)
    except (ValueError, TypeError):
        return None
    return fit if any(fit in ladder for ladder in ladders) else None


def recall_frames(key: str, fit: Fit) -> dict[str, Frame] | None:
    """The photo frames the fill chose for this run at `fit` (layout/fill.py): {} when it chose none, None when it
    is not known (or the entry is not sound)."""
    filled = (_entry(key) or {}).get("filled")
    if not isinstance(filled, dict) or not isinstance(filled.get("frames"), dict):
        return None
    try:
        if Fit(**filled["fit"]) != fit:
            return None
    except (ValueError, TypeError):
        return None
    frames = {}
    for ident, value in filled["frames"].items():
        if not (isinstance(value, list) and len(value) == 2 and isinstance(value[0], bool)
                and type(value[1]) is int and 0 < value[1] <= 500):
            return None
        frames[ident] = Frame(value[0], value[1])
    return frames


def remember(key: str, fit: Fit, filled: tuple[Fit, Mapping[str, Frame]] | None = None) -> None:
    """The fit the ladder chose for a run, and the fit it was set at in the end with the frames the fill chose."""
    data: dict[str, Any] = dataclasses.asdict(fit)
    if filled is not None:
        data["filled"] = {"fit": dataclasses.asdict(filled[0]),
                          "frames": {k: [f.wide, f.lines] for k, f in sorted(filled[1].items())}}
    store.write_blob(_KIND, key, json.dumps(data, sort_keys=True).encode())


def _canonical(value: object) -> object:
    """A plain, comparable form of model values, without their places in the file."""
    if isinstance(value, Span):
        return None
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return (type(value).__name__, *(
            (f.name, _canonical(getattr(value, f.name))) for f in dataclasses.fields(value) if f.name != "span"
        ))
    if isinstance(value, (tuple, list)):
        return tuple(_canonical(v) for v in value)
    if isinstance(value, Path):
        return str(value)
    return value


@cache
def code() -> str:
    """The version of everything that decides a layout: this package's code and the libraries it measures with."""
    import pyphen
    import reportlab
    import uharfbuzz

    from anso_pdf import __version__

    digest = hashlib.sha256(f"{__version__} {reportlab.Version} {pyphen.__version__} {uharfbuzz.__version__}".encode())
    package = Path(__file__).resolve().parents[1]
    for source in sorted(package.rglob("*.py")):
        digest.update(source.relative_to(package).as_posix().encode())
        digest.update(source.read_bytes())
    return digest.hexdigest()
