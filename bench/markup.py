"""Benchmark the markup and typography passes on pathological text: the time must grow linearly (issue #17).

    python bench/markup.py                  # every case at 128, 256, 512 and 990 kB; a markdown table
    python bench/markup.py --sizes 128,990 --cases bold,link-open --check

Each case is one paragraph of `size` kB built from one unit repeated: unclosed `**`, `*` and `[a(`, thousands
of bold and italic spans, links, and long runs that look like web or e-mail addresses. Per case and size it
times, in this process (median of --runs), the model's pass (parse_markup: links, emphasis, typography) and
the layout's markup pass (inline.runs_markup: escaping, fallback font, non-breaking compound hyphens), and
prints the time per kB: a linear pass keeps it flat from 128 to 990 kB, a quadratic one grows it 8-fold.
With --check, `anso-pdf check` runs once per case and size on an issue file holding the paragraph, as a
user would meet it (the time of the whole run, and its exit status and last message line).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

CASES: dict[str, str] = {
    "bold-open": "**",  # 128 kB of unclosed bold marks (issue #17 case 6)
    "italic-open": "*",
    "link-open": "[a(",
    "link-address": "](a](b)",  # every ']( ' starts an address that runs to the end
    "spans": "**b** *i* ",  # thousands of spans in one paragraph (issue #17 case 7)
    "links": "[l](https://example.org/p) ",
    "address-runs": "https://example.org/a-b-c-d?x=1&y=2--3 ",  # long URL-like runs
    "mail-runs": "x-y@example-org.x-y@",
    "quotes": "\"a\" 'b' 10-13 5 000 km ",
}


def paragraph(unit: str, kb: int) -> str:
    return (unit * (kb * 1000 // len(unit) + 1))[: kb * 1000].strip()


def time_passes(text: str, runs: int) -> tuple[float, float]:
    from reportlab.lib.styles import ParagraphStyle

    from anso_pdf.diagnostics import Diagnostics, Span
    from anso_pdf.layout.fonts import SERIF, register_fonts
    from anso_pdf.layout.inline import _markup
    from anso_pdf.model.text import parse_markup

    register_fonts()
    style = ParagraphStyle("bench", fontName=SERIF)
    model, markup = [], []
    for _ in range(runs):
        started = time.perf_counter()
        paras = parse_markup(text, Span("bench.yaml", 1, 1), Diagnostics(), column=1, language="fr")
        model.append(time.perf_counter() - started)
        runs_ = tuple(r for p in paras for r in p.runs)
        _markup.cache_clear()
        started = time.perf_counter()
        _markup(runs_, style.fontName.split("-")[0])
        markup.append(time.perf_counter() - started)
    return statistics.median(model), statistics.median(markup)


def check_run(text: str, workdir: Path) -> tuple[float, int, str]:
    path = workdir / "bench-markup.yaml"
    body = "\n".join("      " + line for line in [text])
    path.write_text("newsletter:\n  name: Bench\n  issue: 1\n  date: 2026\nsections:\n  - title: Text\n"
                    f"    body: |\n{body}\n", encoding="utf-8")
    anso = Path(sys.executable).with_name("anso-pdf")
    started = time.perf_counter()
    done = subprocess.run([str(anso), "check", "--no-color", str(path)], capture_output=True, text=True,
                          cwd=workdir, timeout=900)
    wall = time.perf_counter() - started
    lines = [line for line in (done.stdout + done.stderr).splitlines() if line.strip()]
    return wall, done.returncode, (lines[-1][:90] if lines else "")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="128,256,512,990", help="paragraph sizes in kB")
    parser.add_argument("--cases", default=",".join(CASES), help="which cases")
    parser.add_argument("--runs", type=int, default=3, help="runs per measurement (median)")
    parser.add_argument("--check", action="store_true", help="also time `anso-pdf check` of an issue per case")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    print("| case | kB | parse_markup s | ms/kB | runs_markup s | ms/kB |" + (" check s | exit | last line |" if args.check else ""))
    print("|---|---:|---:|---:|---:|---:|" + ("---:|---:|---|" if args.check else ""))
    with tempfile.TemporaryDirectory() as tmp:
        for name in args.cases.split(","):
            for kb in sizes:
                text = paragraph(CASES[name], kb)
                model, markup = time_passes(text, args.runs)
                row = f"| {name} | {kb} | {model:.3f} | {model * 1000 / kb:.2f} | {markup:.3f} | {markup * 1000 / kb:.2f} |"
                if args.check:
                    wall, status, last = check_run(text, Path(tmp))
                    row += f" {wall:.1f} | {status} | {last.replace('|', '/')} |"
                print(row, flush=True)


if __name__ == "__main__":
    main()
