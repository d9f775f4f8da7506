"""Commands around the issue file: new, schema, watch, preview (issue #7, "The editor's day").

Like the rest of the CLI, these are the only places that print, exit or write; the text of a new issue file
comes from anso_pdf.model.template, the PDF from anso_pdf.pipeline.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import sys
import time
from collections.abc import Callable
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from anso_pdf.cli import ProfileChoice, _profiles, app, options, render_one, report, shown_path
from anso_pdf.cli.output import OutputError, _stage, targets, write_all_atomically, write_atomically
from anso_pdf.cli.terminal import quote_path
from anso_pdf.diagnostics import IssueError

if TYPE_CHECKING:
    from PIL.Image import Image

SCHEMA_FILE = Path("docs") / "issue-format.schema.json"
ISSUE_SUFFIXES = (".yaml", ".yml")


def _fail(message: str, status: int = 1) -> typer.Exit:
    report.say(message)
    return typer.Exit(status)


# --- new -------------------------------------------------------------------------------------------------------


def source_tree() -> Path:
    """The checkout this package runs from, when it runs from one (not once installed)."""
    return Path(__file__).resolve().parents[3]


def find_schema(target: Path) -> Path | None:
    """A schema the new file can point to: issue-format.schema.json beside it or in a folder above it (where
    `anso-pdf schema -o` writes it) or docs/issue-format.schema.json there; the same above the current folder; or
    docs/issue-format.schema.json in the source tree this package runs from."""
    for start in (target.absolute().parent, Path.cwd()):
        for folder in (start, *start.parents):
            for candidate in (folder / SCHEMA_FILE.name, folder / SCHEMA_FILE):
                if candidate.is_file():
                    return candidate
    candidate = source_tree() / SCHEMA_FILE
    return candidate if candidate.is_file() else None


def schema_reference(target: Path, schema: Path | None = None) -> str | None:
    """The `$schema=` value for a new file: the schema file relative to the new file's folder."""
    schema = schema or find_schema(target)
    if schema is None:
        return None
    try:
        return Path(os.path.relpath(schema.resolve(), target.absolute().parent.resolve())).as_posix()
    except ValueError:  # on another drive
        return schema.resolve().as_uri()


def write_new(path: Path, data: bytes) -> None:
    """Write a file that must not exist yet: atomically, and never replacing a file that appears meanwhile."""
    tmp, _ = _stage(path, data)
    try:
        try:
            os.link(tmp, path)  # fails if the name exists: no overwrite, even in a race
        except FileExistsError:
            raise
        except OSError:  # file systems without hard links
            with open(path, "xb") as f:
                f.write(data)
    except FileExistsError:
        raise
    except OSError as exc:
        raise OutputError(path, exc.strerror or str(exc)) from None
    finally:
        with contextlib.suppress(OSError):
            os.unlink(tmp)


@app.command()
def new(
    path: Annotated[Path, typer.Argument(help="The issue file to create (YAML); it must not exist.", show_default=False)],
    earlier: Annotated[
        Path | None,
        typer.Option("--from", help="An earlier issue file: keep its masthead, contact, style and sections, with placeholder text.",
                     show_default=False),
    ] = None,
    with_schema: Annotated[bool, typer.Option("--schema/--no-schema", help="When no schema is found, write "
                                              "issue-format.schema.json beside the new file, so editors check it as you type.")] = True,
    quiet: options.Quiet = False,
    verbose: options.Verbose = False,
    no_color: options.NoColor = False,
) -> None:
    """Write a new issue file: a commented template that renders as it is, or the skeleton of an earlier issue."""
    from anso_pdf import pipeline
    from anso_pdf.model import template

    options.apply(no_color=no_color)
    if path.suffix.lower() not in ISSUE_SUFFIXES:
        raise typer.BadParameter(f"'{path}' should end in .yaml", param_hint="PATH")
    if os.path.lexists(path):
        raise _fail(f"{path}: error: the file exists; `anso-pdf new` never overwrites a file (choose another name)")
    shown, schema_file = str(path), find_schema(path)
    if schema_file is None and with_schema and path.parent.is_dir():
        schema_file = path.parent / SCHEMA_FILE.name
        try:
            write_atomically(schema_file, schema_text().encode("utf-8"))
            report.say(f"wrote {quote_path(schema_file)} (the keys, for editors that check as you type)", quiet=quiet)
        except OutputError as exc:
            report.say(f"{quote_path(exc.path)}: could not write the schema: {exc.reason}; the new file has no $schema line")
            schema_file = None
    ref = schema_reference(path, schema_file)
    if earlier is None:
        text = template.blank_issue(shown, ref, date.today())
    else:
        try:
            text = template.issue_from(pipeline.read_text(earlier, str(earlier)), earlier, path, shown, ref, date.today())
        except IssueError as exc:
            report.show(exc.errors, str(earlier), earlier)
            raise _fail(f"{earlier}: cannot be read as an issue file; {path} not written") from None
    try:
        write_new(path, text.encode("utf-8"))
    except FileExistsError:
        raise _fail(f"{path}: error: the file exists; `anso-pdf new` never overwrites a file (choose another name)") from None
    except OutputError as exc:
        raise _fail(f"{exc.path}: error: cannot write the issue file: {exc.reason}") from None
    report.say(f"wrote {quote_path(path)}" + (f" from {quote_path(earlier)}" if earlier else ""), quiet=quiet)
    report.say(f"next: edit it, and see each saved change with: anso-pdf watch {quote_path(path)}", quiet=quiet)


# --- schema ----------------------------------------------------------------------------------------------------


def schema_text() -> str:
    """The JSON Schema of the issue format as committed in docs/issue-format.schema.json."""
    from anso_pdf.model.schema import json_schema

    return json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n"


@app.command()
def schema(
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Write the schema to this file instead of printing it.",
                                                show_default=False)] = None,
    quiet: options.Quiet = False,
    verbose: options.Verbose = False,
    no_color: options.NoColor = False,
) -> None:
    """Print the JSON Schema of the issue file, for editors that check YAML as you type. `-o issues/` writes
    issues/issue-format.schema.json, which `anso-pdf new` then points new issue files to."""
    options.apply(no_color=no_color)
    text = schema_text()
    if output is None:
        try:
            sys.stdout.write(text)
            sys.stdout.flush()
        except OSError as exc:  # a full disk (`schema > /dev/full`), a closed pipe
            # what is left in the buffer must not be flushed again at exit (a second error, printed by Python)
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            if isinstance(exc, BrokenPipeError):  # `schema | head`: the reader had what it wanted
                raise typer.Exit(1) from None
            raise _fail(f"error: cannot write the schema to standard output: {exc.strerror or exc}") from None
        return
    if output.is_dir() or str(output).endswith(("/", os.sep)):
        output = output / SCHEMA_FILE.name
    try:
        write_atomically(output, text.encode("utf-8"))
    except OutputError as exc:
        raise _fail(f"{exc.path}: error: cannot write the schema: {exc.reason}") from None
    report.say(f"wrote {quote_path(output)}", quiet=quiet)


# --- watch -----------------------------------------------------------------------------------------------------

Stamp = tuple[int, int, int] | None


def written_files(issue: Path) -> set[Path]:
    """Where the photos and logo written in the issue file would be, found or not (so that adding a missing
    photo is noticed); empty when the file is not readable YAML."""
    from anso_pdf.pipeline import read_text
    from anso_pdf.source.yaml_tree import Mapping, Scalar, Sequence, parse_yaml

    try:
        root = parse_yaml(read_text(issue, str(issue)), str(issue))
    except IssueError:
        return set()
    found: set[Path] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if isinstance(node, Sequence):
            stack.extend(node.items)
        elif isinstance(node, Mapping):
            for key, value in node.entries:
                if key.value in ("file", "logo") and isinstance(value, Scalar) and value.value.strip():
                    text = value.value.strip()
                    if "://" not in text and not text.startswith(("/", "~")):
                        found |= {(issue.parent / text).absolute(), (issue.parent.parent / text).absolute()}
                else:
                    stack.append(value)
    return found


def watch_set(issue: Path, previous: set[Path]) -> set[Path]:
    """The issue file, the photos it uses (re-read after each successful load, else kept from before), and
    where the photos it names would be."""
    from anso_pdf import pipeline

    images = {p for p in previous if p != issue.absolute()}
    with contextlib.suppress(IssueError, OSError):
        images = {image.path for image in pipeline.load(issue).all_images()}
    return {issue.absolute(), *images, *written_files(issue)}


def stamps(paths: set[Path]) -> dict[Path, Stamp]:
    out: dict[Path, Stamp] = {}
    for p in paths:
        try:
            st = os.stat(p)
            out[p] = (st.st_mtime_ns, st.st_size, st.st_ino)
        except OSError:
            out[p] = None
    return out


@app.command()
def watch(
    issue: Annotated[Path, typer.Argument(help="The issue file (YAML).", show_default=False)],
    profile: Annotated[ProfileChoice, typer.Option("--profile", help="Which PDFs to write on each change.")] = ProfileChoice.email,
    output: Annotated[Path | None, typer.Option("-o", "--output", help="A folder to write into, or with one profile the PDF's file name.")] = None,
    max_runs: Annotated[int, typer.Option("--max-runs", hidden=True, min=0, help="Stop after this many renders (for tests).")] = 0,
    open_pdf: Annotated[bool, typer.Option("--open", help="Open the email PDF in the system's PDF viewer after each render.")] = False,
    quiet: options.Quiet = False,
    verbose: options.Verbose = False,
    no_color: options.NoColor = False,
) -> None:
    """Render the issue file again each time it, or a photo it uses, is saved; Ctrl-C stops.

    A change that breaks the file prints every problem and keeps the last good PDF."""
    import gc

    import watchfiles

    options.apply(no_color=no_color)
    gc.enable()  # main() turns the collector off for commands that run once; watch runs on
    profiles = _profiles(profile)
    shown = str(issue)
    state = {"runs": 0, "status": 0}
    wanted: set[Path] = set()
    seen: dict[Path, Stamp] = {}

    last_good: list[str] = []

    def run() -> None:
        nonlocal wanted, seen
        wanted = watch_set(issue, wanted)
        seen = stamps(wanted)  # before rendering: a save during the render is noticed afterwards
        clock = time.strftime("%H:%M:%S")
        report.say(f"[{clock}] rendering {shown}", quiet=quiet)
        again = quiet or state["runs"] > 0  # the page report once; after that only what changed: problems, the PDF
        state["status"] = render_one(issue, profiles, output, many=False, strict=False, draft=False,
                                     use_cache=True, quiet=again, verbose=verbose, open_pdf=open_pdf,
                                     no_color=no_color)
        state["runs"] += 1
        if state["status"] == 0:
            last_good[:] = [clock]
            if again:
                for path in targets(issue, profiles, output, many=False).values():
                    report.say(f"wrote {shown_path(path)}", quiet=quiet)
        elif last_good:
            pdfs = ", ".join(shown_path(p) for p in targets(issue, profiles, output, many=False).values())
            report.say(f"kept {pdfs} from {last_good[0]}; fix the file and save again")

    def done() -> bool:
        return bool(max_runs) and state["runs"] >= max_runs

    names: set[str] = set()

    def relevant(_change: object, changed: str) -> bool:
        return os.path.basename(changed) in names

    try:
        run()
        report.say(f"watching {shown} and the photos it uses; Ctrl-C to stop", quiet=quiet)
        while not done():
            folders = sorted({p.parent for p in wanted if p.parent.is_dir()})
            names.clear()
            names.update(p.name for p in wanted)
            if not folders:  # the folder went away: look every second until it is back
                time.sleep(1)
                if stamps(wanted) != seen:
                    run()
                continue
            for _changes in watchfiles.watch(
                *folders,
                watch_filter=relevant,
                recursive=False,
                rust_timeout=1000,
                yield_on_timeout=True,  # also compare stamps every second: a save made before the watch began
            ):
                if stamps(wanted) == seen:
                    continue
                before = folders
                run()
                if done() or sorted({p.parent for p in wanted if p.parent.is_dir()}) != before:
                    break
                names.update(p.name for p in wanted)
    except KeyboardInterrupt:
        report.say(f"stopped watching {shown}")
        raise typer.Exit(0) from None
    raise typer.Exit(state["status"])


# --- preview ---------------------------------------------------------------------------------------------------


PREVIEW_DPI = 110  # 50 dpi gave 414 x 585 px pages: body text unreadable (issue 14)


class PreviewProfile(StrEnum):
    email = "email"
    press = "press"


def rasterise(pdf: bytes, dpi: float, on_page: Callable[[int, int], None] = lambda i, n: None) -> list[Image]:
    """Each page of the PDF as an RGB image at `dpi`."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(pdf)
    try:
        pages = []
        for i in range(len(doc)):
            on_page(i + 1, len(doc))
            page = doc[i]
            try:
                bitmap = page.render(scale=dpi / 72)
                pages.append(bitmap.to_pil().convert("RGB"))  # a copy, independent of the bitmap
                bitmap.close()
            finally:
                page.close()
        return pages
    finally:
        doc.close()


def contact_sheet(pages: list[Image], margin: int) -> Image:
    """The pages side by side on a grey ground, `margin` pixels around and between them."""
    from PIL import Image as PILImage

    width = sum(p.width for p in pages) + margin * (len(pages) + 1)
    height = max(p.height for p in pages) + 2 * margin
    sheet = PILImage.new("RGB", (width, height), (204, 204, 204))
    x = margin
    for p in pages:
        sheet.paste(p, (x, margin))
        x += p.width + margin
    return sheet


def png_bytes(image: Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


@app.command()
def preview(
    issue: Annotated[Path, typer.Argument(help="The issue file (YAML).", show_default=False)],
    output: Annotated[Path, typer.Option("-o", "--output", help="The folder to write the PNG files into.")] = Path("build"),
    profile: Annotated[PreviewProfile, typer.Option("--profile", help="Which PDF to picture.")] = PreviewProfile.email,
    dpi: Annotated[int, typer.Option("--dpi", min=10, max=600, help="Resolution of the page images (110 is readable on a screen; 60 for thumbnails).")] = PREVIEW_DPI,
    crops: Annotated[bool, typer.Option("--crops", help="Also write STEM-crops.png: every photo in full, with the part printed framed.")] = False,
    quiet: options.Quiet = False,
    verbose: options.Verbose = False,
    no_color: options.NoColor = False,
) -> None:
    """Write PNG pictures of the four pages (STEM-1.png ... STEM-4.png), a contact sheet (STEM-sheet.png) and, with
    --crops, every photo in full with the part printed framed (STEM-crops.png);
    STEM is the issue file's name without .yaml."""
    from anso_pdf import pipeline
    from anso_pdf.render.profiles import PROFILES

    options.apply(no_color=no_color)
    shown = str(issue)
    name = profile.value
    with report.progress(f"rendering {shown}", verbose=verbose, quiet=quiet) as say:
        try:
            built = pipeline.build(issue, [name], shown=shown, report=say)
        except IssueError as exc:
            report.show(exc.errors + exc.warnings, shown, issue)
            report.say(f"{shown}: {report.summary(len(exc.errors), len(exc.warnings))}; no preview written")
            raise typer.Exit(1) from None
        pages = rasterise(built.pdfs[name], dpi, lambda i, n: say(f"picturing page {i} of {n}"))
        say("making the contact sheet")
        sheet = contact_sheet(pages, margin=max(4, round(dpi / 5)))
        stem = f"{issue.stem}{PROFILES[name].suffix}"
        files = {output / f"{stem}-{i}.png": page for i, page in enumerate(pages, start=1)}
        files[output / f"{stem}-sheet.png"] = sheet
        if crops and built.laid_out is not None:
            from anso_pdf.render.crops import crop_sheet

            say("framing the crops")
            files[output / f"{stem}-crops.png"] = crop_sheet(built.laid_out)
        encoded = {path: png_bytes(image) for path, image in files.items()}
    report.show(built.warnings, shown, issue)
    try:
        write_all_atomically(encoded)  # all or none: no mix of old and new pages
    except OutputError as exc:
        raise _fail(f"{exc.path}: error: cannot write the preview: {exc.reason}") from None
    first, *_, last = encoded
    report.say(f"wrote {shown_path(first)} ... {quote_path(last.name)} ({len(pages)} pages at {dpi} dpi, and the contact sheet)",
               quiet=quiet)
