"""issue #8: how loose is the body text, how even is its rag? Word-space stretch per line, justified against
ragged-right, with and without hyphenation, total-fit (layout/linebreak.py) against ReportLab's greedy line
breaker, on the sample issue and generated issues, by column width.

    python bench/line_spacing.py                 # the tables written in docs/typography.md
    python bench/line_spacing.py --config greedy # only the configurations whose title contains "greedy"
    python bench/line_spacing.py --shaping       # also try ReportLab's shaping (needs uharfbuzz)

For every body line that justification stretches (body paragraphs, not a paragraph's last line, no forced
break) it computes stretch = (space + extraSpace / spaces) / space: the word space a justified line gets over
the font's natural word space, for the line breaks of that configuration. For ragged-right lines it gives the
gap left at the right edge (extraSpace; negative when ReportLab's breaker let the line run past the column,
which it allows by up to spaceShrinkage of its spaces) and how loose the same breaks would be if justified.
Total-fit breaks justified body text one way and ragged-right body text (the narrow columns' ragged copies of
the body styles) another; "ragged-right everywhere" sets the body styles left-aligned, which the code leaves to
ReportLab's breaker unless the configuration says total-fit. Hyphens: the share of those lines ending in a
hyphen and the longest run of hyphenated lines in a row in any body paragraph. The layout is the real one
(copyfitting included), set otherwise only through tests/layout_checks.patched_typesetting and the breaker
switches below, never by editing src/.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests import layout_checks as LC  # noqa: E402

from anso_pdf.diagnostics import IssueError  # noqa: E402

MM = 72 / 25.4
ISSUES = ("a4-four-sections", "a4-six-short", "a4-long", "letter-3col")  # and the sample
CONFIGS = (
    ("as coded", {}),
    ("as coded, ReportLab's greedy line breaker", {"breaker": "greedy"}),
    ("justified, hyphenation", {"body": "justified"}),
    ("justified, hyphenation, ReportLab's greedy line breaker", {"body": "justified", "breaker": "greedy"}),
    ("justified, hyphenation, total-fit without the limit of two hyphens in a row",
     {"body": "justified", "breaker": "any-ladder"}),
    ("justified, hyphenation, total-fit with no hyphen on the line before the last",
     {"body": "justified", "breaker": "no-final-hyphen"}),
    ("justified, hyphenation, word spaces may shrink by 20 % (spaceShrinkage=0.2)", {"body": "justified", "shrink": 0.2}),
    ("justified, hyphenation, word spaces may shrink by 20 %, ReportLab's greedy line breaker",
     {"body": "justified", "shrink": 0.2, "breaker": "greedy"}),
    ("justified, no hyphenation", {"body": "justified", "hyphenation": False}),
    ("justified, no hyphenation, ReportLab's greedy line breaker", {"body": "justified", "hyphenation": False,
                                                                    "breaker": "greedy"}),
    ("ragged-right everywhere, hyphenation, ReportLab's greedy line breaker", {"body": "ragged"}),
    ("ragged-right everywhere, hyphenation, total-fit", {"body": "ragged", "breaker": "ragged-total-fit"}),
    ("ragged-right everywhere, no hyphenation, ReportLab's greedy line breaker", {"body": "ragged", "hyphenation": False}),
    ("ragged-right everywhere, no hyphenation, total-fit", {"body": "ragged", "hyphenation": False,
                                                            "breaker": "ragged-total-fit"}),
    ("as coded, ragged-right total-fit without the limit of two hyphens in a row", {"breaker": "any-ladder"}),
    ("justified, hyphenation, breaks after hyphens in the text (ReportLab's breaker: total-fit leaves "
     "embeddedHyphenation to it)", {"body": "justified", "embedded": 1}),
    ("justified, hyphenating only words of 8+ letters", {"body": "justified", "min_letters": 8}),
    ("ragged-right everywhere, hyphenating only words of 8+ letters, total-fit",
     {"body": "ragged", "min_letters": 8, "breaker": "ragged-total-fit"}),
)


@contextmanager
def breaker(kind: str | None) -> Iterator[None]:
    """The line breaker for one configuration: as coded (None), ReportLab's greedy one for every paragraph
    ("greedy"), total-fit with one of its hyphenation rules changed, or total-fit ragged-right for body styles
    set left-aligned by `patched_typesetting(body="ragged")` ("ragged-total-fit")."""
    from reportlab.lib.enums import TA_LEFT

    from anso_pdf.layout import inline, linebreak

    def left_aligned_body(style) -> bool:  # type: ignore[no-untyped-def]
        return style.alignment == TA_LEFT and LC.base_style(style) in LC.JUSTIFIED_STYLES

    patches = {
        None: [],
        "greedy": [mock.patch.object(inline.MeasuredParagraph, "breakLines", inline.Paragraph.breakLines)],
        "ragged-total-fit": [mock.patch.object(linebreak, "ragged_body", left_aligned_body)],
        "any-ladder": [mock.patch.object(linebreak, "MAX_HYPHENS_IN_A_ROW", 20)],
        "no-final-hyphen": [mock.patch.object(linebreak, "FORBID_FINAL_HYPHEN", True)],
    }[kind]
    linebreak._RESULTS.clear()  # results are kept per text and measure, not per rule
    with ExitStack() as stack:
        for patch in patches:
            stack.enter_context(patch)
        yield
    linebreak._RESULTS.clear()


@contextmanager
def shrinkage(share: float | None) -> Iterator[None]:
    """Let word spaces shrink by `share` of their width (ParagraphStyle.spaceShrinkage, 0.05 as coded)."""
    if share is None:
        yield
        return
    from anso_pdf.layout import styles as S

    original = S.Styles.__init__

    def init(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        original(self, *args, **kwargs)
        for style in vars(self).values():
            if hasattr(style, "alignment"):
                style.spaceShrinkage = share

    with mock.patch.object(S.Styles, "__init__", init):
        yield


def settings() -> str:
    from reportlab.lib.enums import TA_JUSTIFY

    from anso_pdf import pipeline
    from anso_pdf.layout import columns, linebreak
    from anso_pdf.layout.inks import Palette
    from anso_pdf.layout.styles import BASE_FIT, Styles

    issue = pipeline.load(LC.SAMPLE)
    body = Styles(BASE_FIT, Palette(issue.style.primary, issue.style.accent), "en").body
    commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    dirty = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain", "src"], capture_output=True, text=True).stdout.strip()
    narrow = getattr(columns, "NARROW", None)
    return (f"commit {commit}{' + uncommitted changes in src/' if dirty else ''}; body: "
            f"{'justified' if body.alignment == TA_JUSTIFY else 'not justified'}"
            + (f", ragged-right below {narrow / MM:.0f} mm" if narrow else "")
            + f"; hyphenation {'on' if body.hyphenationLang else 'off'}, embeddedHyphenation={body.embeddedHyphenation}, "
            f"spaceShrinkage={body.spaceShrinkage}, allowWidows={body.allowWidows}, allowOrphans={body.allowOrphans}; "
            f"line breaking total-fit for plain body paragraphs, justified and ragged-right (at most "
            f"{linebreak.MAX_HYPHENS_IN_A_ROW} hyphens in a row, hyphen before the last line "
            f"{'forbidden' if linebreak.FORBID_FINAL_HYPHEN else 'allowed'}; ragged: RAGGED_DEMERITS="
            f"{linebreak.RAGGED_DEMERITS:g}, SHORT_LAST={linebreak.SHORT_LAST:g}, "
            f"SHORT_LAST_DEMERITS={linebreak.SHORT_LAST_DEMERITS:g})")


def width_class(line: LC.Line) -> str:
    return f"{line.width / MM:.0f} mm"


def ladder(lines: list[LC.Line]) -> int:
    """The longest run of consecutive lines ending in a hyphen."""
    longest = run = 0
    for line in lines:
        run = run + 1 if line.text.endswith("-") else 0
        longest = max(longest, run)
    return longest


def measure(paths: dict[str, Path], options: dict) -> tuple[dict[str, list[LC.Line]], dict[str, int], list[str], float]:
    by_width: dict[str, list[LC.Line]] = defaultdict(list)
    ladders: dict[str, int] = defaultdict(int)
    failed = []
    start = time.perf_counter()
    options = dict(options)
    with breaker(options.pop("breaker", None)), shrinkage(options.pop("shrink", None)), \
            LC.patched_typesetting(**options):
        for name, path in paths.items():
            try:
                laid = LC.lay_out(path, name)
            except IssueError:
                failed.append(name)
                continue
            for drawn in LC.drawn_paragraphs(laid):
                lines = LC.lines_of(drawn)
                if lines and LC.base_style(drawn.para.style) in LC.JUSTIFIED_STYLES:
                    width = width_class(lines[0])
                    ladders[width] = max(ladders[width], ladder(lines))
                by_width_lines = [ln for ln in lines if ln.body]
                for line in by_width_lines:
                    by_width[width_class(line)].append(line)
    return by_width, ladders, failed, time.perf_counter() - start


def report(title: str, by_width: dict[str, list[LC.Line]], ladders: dict[str, int], failed: list[str],
           seconds: float) -> None:
    print(f"\n## {title}" + (f"  (does not fit: {', '.join(failed)})" if failed else "") + f"  [{seconds:.1f} s]")
    for width in sorted(by_width, key=lambda w: float(w.split()[0])):
        lines = by_width[width]
        justified = [ln.stretch for ln in lines if ln.justified]
        ragged = [ln for ln in lines if not ln.justified]
        hyphens = sum(ln.text.endswith("-") for ln in lines) / len(lines)
        print(f"  {width:6}  line ends hyphenated {hyphens:5.1%}, at most {ladders[width]} in a row")
        if justified:
            print(f"          justified: stretch   {LC.summarize(justified).row()}")
        if ragged:
            would = [ln.justified_stretch for ln in ragged]
            gaps = [max(ln.extra, 0.0) / MM for ln in ragged]
            past = [-ln.extra for ln in ragged if ln.extra < -1e-6]
            print(f"          ragged: if justified {LC.summarize(would).row()}")
            print(f"          ragged: right gap    median {LC.percentile(gaps, 50):.1f} mm  p90 {LC.percentile(gaps, 90):.1f} mm  "
                  f"p95 {LC.percentile(gaps, 95):.1f} mm  max {max(gaps):.1f} mm  (column {float(width.split()[0]):.0f} mm); "
                  f"past the column: {len(past)} lines" + (f", by up to {max(past):.2f} pt" if past else ""))


def shaping(paths: dict[str, Path]) -> None:
    """ReportLab kerns only when it shapes text with HarfBuzz (ParagraphStyle.shaping=1, package uharfbuzz)."""
    print("\n## shaping=1 (kerning and ligatures through HarfBuzz)")
    try:
        import uharfbuzz
    except ImportError:
        print("  uharfbuzz is not installed: shaping=1 would raise 'Cannot import uharfbuzz so shaping is not allowed'")
        return
    from contextlib import nullcontext

    from reportlab.lib.styles import ParagraphStyle

    from anso_pdf.layout import styles as S
    from anso_pdf.layout.fonts import SERIF, register_fonts
    from anso_pdf.layout.inline import paragraph

    print(f"  uharfbuzz {uharfbuzz.__version__}")
    register_fonts()
    text = ("The opening ceremony was started by a warm welcome from the Vice-President. He stressed the purpose "
            "of setting up the Working Group: to strengthen the interaction among the staff of the members. ") * 3
    for shaped in (0, 1):
        style = ParagraphStyle("t", fontName=SERIF, fontSize=9.4, leading=13, shaping=shaped)
        start = time.perf_counter()
        for _ in range(200):
            paragraph(text, style).wrap(248.7, 1000)
        print(f"  shaping={shaped}: {(time.perf_counter() - start) / 200 * 1000:.2f} ms to wrap a 90-word paragraph")
    original = S.Styles.__init__

    def init(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        original(self, *args, **kwargs)
        for style in vars(self).values():
            if hasattr(style, "alignment"):
                style.shaping = 1

    for hyphenation in (True, False):
        for shaped in (False, True):
            label = f"shaping={int(shaped)}, hyphenation {'on' if hyphenation else 'off'}"
            lines: list[LC.Line] = []
            failed: list[str] = []
            start = time.perf_counter()
            shaping_on = mock.patch.object(S.Styles, "__init__", init) if shaped else nullcontext()
            with LC.patched_typesetting(body="justified", hyphenation=hyphenation), shaping_on:
                for name, path in paths.items():
                    try:
                        laid = LC.lay_out(path, name)
                        lines += [ln for ln in LC.all_lines(laid) if ln.body]
                    except Exception as exc:  # noqa: BLE001 (the result being measured)
                        failed.append(f"{name} ({type(exc).__name__}: {str(exc)[:70]})")
            print(f"  {label}: {time.perf_counter() - start:.1f} s, {len(lines)} body lines, "
                  f"stretch {LC.summarize([ln.stretch for ln in lines if ln.justified]).row()}")
            for failure in failed:
                print(f"      fails: {failure}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shaping", action="store_true", help="also lay out with ReportLab's shaping (needs uharfbuzz)")
    parser.add_argument("--only", action="append", metavar="ISSUE", help="measure only this issue (sample, "
                        + ", ".join(ISSUES) + "); may be repeated")
    parser.add_argument("--config", action="append", metavar="TEXT", help="measure only the configurations "
                        "whose title contains TEXT; may be repeated")
    args = parser.parse_args()
    print("# line spacing: " + settings())
    with tempfile.TemporaryDirectory(prefix="anso-bench-") as scratch:
        generated = LC.write_generated(Path(scratch))
        paths = {"sample": LC.SAMPLE, **{name: generated[name] for name in ISSUES}}
        if args.only:
            paths = {name: paths[name] for name in args.only}
        print("issues: " + ", ".join(paths))
        for title, options in CONFIGS:
            if not args.config or any(text in title for text in args.config):
                report(title, *measure(paths, options))
        if args.shaping:
            shaping(paths)


if __name__ == "__main__":
    main()
