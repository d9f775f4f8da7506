"""The page report of `check` and `render`: each page's sections, how full it is, the room left, and what
copyfitting changed, in one short table; and the same facts as JSON (`--json`) for tools.

It reads only LaidOutIssue.pages/.fill/.fit_notes/.outline (layout/document.py), so the layout can change how it
fits without this module knowing."""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING, Any

from anso_pdf.cli.terminal import escape
from anso_pdf.diagnostics import Diagnostic

if TYPE_CHECKING:
    from anso_pdf.pipeline import Built

JSON_VERSION = 1


def rows(built: Built) -> list[dict[str, Any]]:
    """One dict per page: number, section titles (a section carried over from an earlier page is marked
    "(cont.)"), the share filled, the lines of room, and the copyfitting notes about that page."""
    laid = built.laid_out
    if laid is None:
        return []
    titles = laid.section_titles()
    fill = {f.page: f for f in laid.fill}
    started: set[str] = set()
    out = []
    for page in laid.pages:
        names = []
        for key in laid.sections_on(page):
            title = titles.get(key, key)
            names.append(f"{title} (cont.)" if key in started else title)
            started.add(key)
        f = fill.get(page.number)
        out.append({
            "page": page.number,
            "sections": names,
            "full": None if f is None else round(1 - f.empty_share, 3),
            "room_lines": None if f is None else f.room_lines,
            "copyfitting": [note.split(": ", 1)[1] for note in built.notes if _about(note, page.number)],
        })
    return out


def _about(note: str, page: int) -> bool:
    """Whether a copyfitting note ("page 2: ...", "pages 2-3: ...") is about `page`."""
    head = note.split(": ", 1)[0]
    if head.startswith("pages "):
        first, _, last = head[6:].partition("-")
        return first.isdigit() and last.isdigit() and int(first) <= page <= int(last)
    return head == f"page {page}"


def table(built: Built) -> list[str]:
    """The report as lines of text, or nothing when there is no layout."""
    data = rows(built)
    if not data:
        return []
    lines = ["page  full  room            sections"]
    for r in data:
        full = "" if r["full"] is None else f"{r['full']:.0%}"
        room = "" if r["room_lines"] is None else ("full" if r["room_lines"] == 0 else _lines(r["room_lines"]) + " left")
        sections = ", ".join(r["sections"]) or "(no story)"
        lines.append(f"{r['page']:>4}  {full:>4}  {room:<14}  {sections}")
        for purpose, changes in _by_purpose(r["copyfitting"]).items():
            lines.append(f"{'':28}{purpose}: {'; '.join(changes)}")
    lines.extend(f"press: {note}" for note in built.press_notes)
    return [escape(line) for line in lines]


def _lines(n: int) -> str:
    return f"{n} line{'' if n == 1 else 's'}"


def _by_purpose(notes: list[str]) -> dict[str, list[str]]:
    """"line spacing 12.6 pt (house 13 pt) to fit" -> {"to fit": ["line spacing 12.6 pt (house 13 pt)"]}."""
    out: dict[str, list[str]] = {}
    for note in notes:
        for purpose in ("to fit", "to fill the page", "left empty"):
            if note.endswith(" " + purpose):
                out.setdefault(purpose, []).append(note[: -len(purpose) - 1])
                break
        else:
            out.setdefault("changed", []).append(note)
    return out


def show(built: Built) -> None:
    for line in table(built):
        print(line, file=sys.stderr)


def problem(d: Diagnostic) -> dict[str, Any]:
    return {
        "severity": d.severity.value,
        "file": d.span.file if d.span else None,
        "line": d.span.line if d.span else None,
        "column": d.span.column if d.span else None,
        "message": d.message,
        "hint": d.hint,
    }


def document(file: str, built: Built | None, diagnostics: list[Diagnostic], *, ok: bool) -> dict[str, Any]:
    """The --json report: one document with separate sections (pages, copyfitting, problems); other reports
    (a press preflight) go beside them under their own key."""
    out: dict[str, Any] = {
        "version": JSON_VERSION,
        "file": file,
        "ok": ok,
        "problems": [problem(d) for d in sorted(diagnostics, key=Diagnostic.sort_key)],
        "pages": rows(built) if built is not None else [],
        "copyfitting": list(built.notes) if built is not None else [],
        "press_notes": list(built.press_notes) if built is not None else [],
    }
    for name, report in (built.reports.items() if built is not None else ()):
        out.setdefault(name, report)  # each further report in its own section; never over the ones above
    press = built.pdfs.get("press") if built is not None else None
    if press and "preflight" not in out:  # what a printer's preflight finds in the press PDF (render/preflight.py; docs/guide.md)
        from anso_pdf.render import preflight

        out["preflight"] = preflight.read(press)
    return out


def print_json(file: str, built: Built | None, diagnostics: list[Diagnostic], *, ok: bool) -> None:
    """On standard output (the messages go to standard error), so `check --json FILE > report.json` works."""
    sys.stdout.write(json.dumps(document(file, built, diagnostics, ok=ok), ensure_ascii=True, indent=2) + "\n")
