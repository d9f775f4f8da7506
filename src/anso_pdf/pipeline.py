"""The spine: issue file -> located tree -> Issue -> four laid-out pages -> PDF bytes per profile.

No printing, no writing: the CLI decides what to do with the bytes and the diagnostics.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from anso_pdf import cache
from anso_pdf.diagnostics import Diagnostic, Diagnostics, IssueError
from anso_pdf.layout.document import LaidOutIssue
from anso_pdf.model.build import build_issue
from anso_pdf.model.issue import Issue
from anso_pdf.source.yaml_tree import parse_yaml


@dataclass
class Built:
    pdfs: dict[str, bytes] = field(default_factory=dict)  # profile name -> PDF
    warnings: list[Diagnostic] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what copyfitting changed, and other facts worth saying
    press_notes: list[str] = field(default_factory=list)  # what the press PDF changed about the house colours
    laid_out: LaidOutIssue | None = None  # the pages, for the page report
    reports: dict[str, Any] = field(default_factory=dict)  # more reports by name (a press preflight): JSON-ready
    # data that `--json` prints under that name beside the pages (cli/pagereport.py)


def read_text(path: Path, shown: str) -> str:
    from anso_pdf.diagnostics import Severity, Span
    from anso_pdf.source.workspace import AssetError, read_issue_bytes

    try:
        raw = read_issue_bytes(path)
    except OSError as exc:
        raise IssueError([Diagnostic(Severity.ERROR, Span(shown, 1, 1), f"cannot read the issue file: {exc.strerror}")]) from None
    except AssetError as exc:
        raise IssueError([Diagnostic(Severity.ERROR, Span(shown, 1, 1), exc.message, exc.hint)]) from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise IssueError([Diagnostic(Severity.ERROR, Span(shown, line, 1), "the file is not UTF-8 text",
                                     "save it as UTF-8 in your editor")]) from None


def load(path: Path, *, shown: str | None = None, diags: Diagnostics | None = None, draft: bool = False) -> Issue:
    """Read and validate an issue file; raise IssueError with every problem found."""
    shown = shown or str(path)
    diags = diags if diags is not None else Diagnostics()
    tree = parse_yaml(read_text(path, shown), shown, diags)
    issue = build_issue(tree, path, diags, draft=draft)
    diags.raise_if_errors()
    assert issue is not None
    return issue


def lay_out_issue(issue: Issue, diags: Diagnostics, settled=None, *, draft: bool = False):  # type: ignore[no-untyped-def]
    """Lay the issue out and prove the pages true to the file (anso_pdf/proof.py); raise IssueError on any breach,
    or with `draft` mark each breach on its page and warn."""
    from anso_pdf import proof
    from anso_pdf.layout import lay_out

    laid_out = lay_out(issue, diags, settled)
    diags.raise_if_errors()
    assert laid_out is not None
    breaches = proof.prove(issue, laid_out)
    for breach in breaches:
        (diags.warning if draft else diags.error)(breach.span, breach.message, breach.hint)
    if draft:
        proof.marked(laid_out, breaches)
    diags.raise_if_errors()
    return laid_out


def check(path: Path, *, shown: str | None = None, use_cache: bool = True) -> Built:
    """Validate and lay out, as `render` would; write no PDF."""
    diags = Diagnostics()
    with cache.switched(use_cache):
        issue = load(path, shown=shown, diags=diags)
        laid_out = lay_out_issue(issue, diags)
    return Built({}, diags.warnings, laid_out.fit_notes, laid_out)


def build(path: Path, profiles: list[str], *, shown: str | None = None, use_cache: bool = True,
          draft: bool = False, report: Callable[[str], None] | None = None, finished: bool = True) -> Built:
    """Render the issue in each named profile; `report` hears about each step (for progress displays).
    With use_cache=False nothing is read from or written to the cache (anso_pdf/cache.py).

    With finished=False (`check`, which writes nothing) every PDF is still drawn and made, so every diagnostic
    render gives is given, but a PDF's finishing (the email PDF's linearization, render/finish.py) is done only
    when its size could be over the profile's size warning: the only message it can change. Built.pdfs then holds
    only the PDFs that were finished (the press PDF, which has no finishing, always)."""
    with cache.switched(use_cache):
        return _build(path, profiles, shown=shown, use_cache=use_cache, draft=draft, report=report,
                      finished=finished)


# A linearized PDF is within a few hundred bytes of ReportLab's (qpdf adds hint tables and a second xref section and
# compresses any stream ReportLab left uncompressed): the sample's is 24 bytes smaller. `check` finishes a PDF
# whose unfinished size is at least this share of the size warning, and so learns its true size.
FINISH_MARGIN = 0.9


def _build(path: Path, profiles: list[str], *, shown: str | None, use_cache: bool, draft: bool,
           report: Callable[[str], None] | None, finished: bool) -> Built:
    say = report or (lambda message: None)
    from anso_pdf import proof
    from anso_pdf.render.images import ImageProblem, Preparation

    diags = Diagnostics()
    started = time.perf_counter()
    issue = load(path, shown=shown, diags=diags, draft=draft)
    say(f"read {shown}: {len(issue.sections)} sections, {len(issue.all_images())} photos")
    chosen = _with_condition(issue, profiles, diags)
    with Preparation([chosen[name] for name in profiles], use_cache=use_cache) as photos:
        # every profile at once: each photo is read, hashed and decoded once for all of them, and the photos of
        # each run of pages are prepared while the next run is laid out (issue #6)
        laid_out = lay_out_issue(issue, diags, settled=photos.add, draft=draft)
        say(f"laid out four pages in {time.perf_counter() - started:.2f} s")
        # imported while the photo threads work (ReportLab's canvas)
        from anso_pdf.render.finish import finish, finishes
        from anso_pdf.render.paint import painter

        meta = metadata(issue)
        built = Built(notes=list(laid_out.fit_notes), laid_out=laid_out)
        for name in profiles:
            if chosen[name].cmyk:
                from anso_pdf.render.colours import house_colour_notes

                built.press_notes = house_colour_notes(issue.style.primary, issue.style.accent, chosen[name])
        uses = laid_out.photo_uses()
        photos.add(uses)  # every run's photos are started already; this only makes sure
        try:
            # the PDFs are drawn a page of each in turn, while the photos of the later pages are still prepared
            drawing = {name: painter(laid_out, chosen[name], photos.ready(name), meta=meta, draft=draft)
                       for name in profiles}
            for _ in laid_out.pages:
                for pages in drawing.values():
                    next(pages)
            for name, pages in drawing.items():
                profile, pdf = chosen[name], next(pages)
                assert isinstance(pdf, bytes)
                if finished or not finishes(profile) or _size_matters(len(pdf), profile):
                    pdf = finish(pdf, profile)
                    built.pdfs[name] = pdf
                    say(f"rendered the {name} PDF: {len(pdf) // 1024} kB")
                else:
                    say(f"made the {name} PDF: {len(pdf) // 1024} kB before it is finished (not needed to check it)")
            prepared = photos.results(uses)
        except ImageProblem as exc:
            diags.error(exc.span, str(exc), "open the photo in an image editor and export it again as JPEG")
            diags.raise_if_errors()
            raise
        for breach in proof.prove_photos(prepared):
            (diags.warning if draft else diags.error)(breach.span, breach.message, breach.hint)
        cached = sum(p.from_cache for got in prepared.values() for p in got.values())
        total = sum(len(got) for got in prepared.values())
        say(f"prepared {total} photos for {' and '.join(profiles)} ({cached} from the cache)")
        for name in profiles:
            profile, pdf = chosen[name], built.pdfs.get(name, b"")  # b"": not finished, as its size is far below
            resolution_warnings(prepared[name], profile, diags, draft=draft)
            if profile.size_warning and len(pdf) > profile.size_warning:
                largest = sorted(prepared[name].items(), key=lambda kv: -len(kv[1].data))[:3]
                names = ", ".join(f"{u.image.written} ({len(p.data) // 1024} kB)" for u, p in largest)
                diags.warning(None, f"the {name} PDF is {len(pdf) // 1024} kB, over {profile.size_warning // 1024} kB",
                              f"the largest photos: {names}")
    diags.raise_if_errors()
    built.warnings = diags.warnings
    return built


def _size_matters(size: int, profile: Any) -> bool:
    """True when a PDF of this size before finishing could be over the profile's size warning once finished."""
    return bool(profile.size_warning) and size >= FINISH_MARGIN * profile.size_warning


def _with_condition(issue: Issue, profiles: list[str], diags: Diagnostics) -> dict:  # type: ignore[type-arg]
    """The profiles to render, each CMYK one with the issue's printing condition (render/conditions.py); stops with
    every error found so far when the issue names no usable condition."""
    from dataclasses import replace

    from anso_pdf.render.conditions import choose
    from anso_pdf.render.profiles import PROFILES

    chosen = {name: PROFILES[name] for name in profiles}
    if any(p.cmyk for p in chosen.values()):
        condition = choose(issue.style, diags)
        diags.raise_if_errors()
        chosen = {name: replace(p, condition=condition) if p.cmyk else p for name, p in chosen.items()}
    return chosen


def resolution_warnings(photos: dict, profile, diags: Diagnostics, *, draft: bool = False) -> None:  # type: ignore[no-untyped-def]
    """issues #3 and #18: name every photo below the press resolution, with the size at which it would reach it;
    below the profile's error resolution a printer rejects the file, so that is an error (a warning with --draft).
    `check` and `render` both come here, so they say the same."""
    if not profile.min_ppi:
        return
    seen = set()
    for use, prepared in photos.items():
        if prepared.ppi >= profile.min_ppi - 0.5 or (use.image.span, use.width) in seen:
            continue
        seen.add((use.image.span, use.width))
        mm_w, mm_h = use.width / 72 * 25.4, use.height / 72 * 25.4
        crop_px = use.image.pixel_size[0] * (use.crop.right - use.crop.left)
        max_mm = crop_px / profile.min_ppi * 25.4
        message = (f"photo '{use.image.written}' is {prepared.ppi:.0f} ppi at its placed size ({mm_w:.0f} x {mm_h:.0f} mm); "
                   f"the press wants {profile.min_ppi} ppi")
        hint = f"it reaches {profile.min_ppi} ppi up to {max_mm:.0f} mm wide; use a larger original for print"
        if profile.error_ppi and prepared.ppi < profile.error_ppi - 0.5:
            floor_mm = crop_px / profile.error_ppi * 25.4
            message += f", and below {profile.error_ppi} ppi a printer rejects the file"
            hint = (f"use a larger original, or place it at most {floor_mm:.0f} mm wide ({profile.min_ppi} ppi: "
                    f"{max_mm:.0f} mm); `--draft` renders a proof anyway")
            if not draft:
                diags.error(use.image.span, message, hint)
                continue
        diags.warning(use.image.span, message, hint)


def metadata(issue: Issue) -> dict[str, str]:
    n = issue.newsletter
    titles = [s.title for s in issue.sections]
    return {
        "title": f"{n.name} \u2013 {n.issue}, {n.date}",
        "author": n.name,
        "subject": f"{n.name}, {n.issue} ({n.date}): " + "; ".join(titles),
        "keywords": ", ".join(["newsletter", n.name, *titles])[:500],
        "lang": n.language,
    }
