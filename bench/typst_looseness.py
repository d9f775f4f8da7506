"""Word-space stretch of the sample's justified articles, set by anso-pdf and by Typst at the same measure (issue #16).

    pip install typst            # the Typst compiler (not a dependency of anso-pdf)
    python bench/typst_looseness.py [ISSUE.yaml]

Every justified paragraph (or part of one, as it stands in a column) that anso-pdf's total-fit breaker sets when it
renders the issue is recorded with its words, its column width, first-line indent, font and size. Typst sets the
same text in a block of the same width, same first-line indent, same font file (Noto Serif from fonts/), same size,
justified and hyphenated (lang "en"), one paragraph a page. Stretch of a line = its word space as drawn divided by
the font's space: anso-pdf's from the line's extraSpace (what Tw draws; tests/test_shaping.py checks the drawn
widths), Typst's read from its PDF (each line is one TJ: the space glyph and the number after it). Last lines of
paragraphs are not counted (they are set ragged), nor the lines of a short paragraph anso-pdf sets ragged-right because
justified it would be too loose (layout/linebreak.py RAGGED_BEYOND; Typst still sets it justified, and its lines
count). Prints a markdown table.
"""

from __future__ import annotations

import re
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def _ours(issue: Path) -> tuple[list[dict[str, Any]], list[float], int, int]:
    """The justified paragraphs as drawn, anso-pdf's stretch per line (last lines left out), hyphens, and the lines
    of paragraphs set ragged as too loose."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    from anso_pdf import pipeline
    from anso_pdf.layout import inline

    drawn: list[Any] = []
    original = inline.MeasuredParagraph.drawPara

    def record(self: Any, debug: int = 0) -> Any:
        if self.__dict__.get("_anso_hanging") or self.__dict__.get("_anso_ragged"):
            drawn.append(self)
        return original(self, debug)

    inline.MeasuredParagraph.drawPara = record  # type: ignore[method-assign]
    try:
        pipeline.build(issue, ["email"], use_cache=False)
    finally:
        inline.MeasuredParagraph.drawPara = original  # type: ignore[method-assign]
    paragraphs, stretch, hyphens, ragged = [], [], 0, 0
    for para in drawn:
        justified = not para.__dict__.get("_anso_ragged")
        ragged += 0 if justified else len(para.blPara.lines)
        lines = para.blPara.lines
        widths = para.__dict__.get("_wrapWidths") or [para.width]
        font, size = para.style.fontName, para.style.fontSize
        space = stringWidth(" ", font, size)
        runs: list[tuple[str, str]] = []  # (text, font) as Typst is to set it
        for number, line in enumerate(lines):
            if para.blPara.kind == 0:  # one run: (extra space, words)
                extra, words = line
                parts = [(" ".join(words), font)]
                spaces = len(words) - 1
            else:  # runs of bold, italic, link text: a FragLine
                extra = line.extraSpace
                parts = [(f.text, f.fontName) for f in line.words if not hasattr(f, "cbDefn") and f.text]
                spaces = line.wordCount - 1
            text = "".join(t for t, _ in parts)
            spaces += text.count("\u00a0")
            if number < len(lines) - 1 and spaces and justified:
                stretch.append(1 + extra / spaces / space)
            hyphenated = text.endswith("-")  # the text's own hyphens are non-breaking ones (layout/inline.py)
            hyphens += hyphenated
            if hyphenated:
                parts[-1] = (parts[-1][0][:-1], parts[-1][1])
            elif number < len(lines) - 1:
                parts[-1] = (parts[-1][0].rstrip() + " ", parts[-1][1])
            runs.extend(parts)
        first, other = widths[0], widths[min(1, len(widths) - 1)]
        paragraphs.append({"runs": runs, "width": other, "indent": other - first, "size": size})
    return paragraphs, stretch, hyphens, ragged


def _typst(paragraphs: list[dict[str, Any]]) -> tuple[list[float], int]:
    import pikepdf
    import typst

    def literal(text: str) -> str:
        return "".join("\\" + c if c in "\\#*_`$<>@[]~'\"=-/+" else c for c in text)

    def markup(runs: list[tuple[str, str]]) -> str:
        out = []
        for text, font in runs:
            shown = literal(text)
            if "Bold" in font:
                shown = f"#strong[{shown}]"
            if "Italic" in font:
                shown = f"#emph[{shown}]"
            out.append(shown)
        return "".join(out)

    pages = []
    for p in paragraphs:
        pages.append(f"#set text(size: {p['size']}pt)\n#set par(first-line-indent: (amount: {p['indent']}pt, all: true))\n"
                     f"#block(width: {p['width']}pt)[{markup(p['runs'])}]")
    source = ('#set page(width: 400pt, height: auto, margin: 10pt)\n'
              '#set text(font: "Noto Serif", lang: "en", hyphenate: true)\n'
              '#set par(justify: true)\n' + "\n#pagebreak()\n".join(pages))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "paragraphs.typ"
        path.write_text(source, encoding="utf-8")
        pdf = typst.compile(str(path), font_paths=[str(ROOT / "fonts")])
        (Path(folder) / "out.pdf").write_bytes(pdf)
        stretch: list[float] = []
        hyphens = 0
        with pikepdf.open(Path(folder) / "out.pdf") as doc:
            for page in doc.pages:
                lines = []
                for operands, op in pikepdf.parse_content_stream(page):
                    if str(op) == "Tf":
                        font = page.Resources.Font[str(operands[0])]
                        cmap = font.ToUnicode.read_bytes().decode("latin-1")
                        chars = cmap[cmap.index("endcodespacerange"):]
                        text_of = {int(c, 16): bytes.fromhex(u).decode("utf-16-be")
                                   for c, u in re.findall(r"<([0-9a-fA-F]{4})>\s*<([0-9a-fA-F]+)>", chars)}
                    if str(op) == "TJ":
                        lines.append(list(operands[0]))
                    elif str(op) == "Tj" and lines:  # Typst draws a line-end hyphen on its own after the line
                        lines[-1].append(operands[0])
                for number, items in enumerate(lines):
                    gaps, text = [], ""
                    for k, item in enumerate(items):
                        if isinstance(item, pikepdf.String):
                            raw = bytes(item)
                            codes = [raw[i] << 8 | raw[i + 1] for i in range(0, len(raw), 2)]
                            text += "".join(text_of.get(c, "") for c in codes)
                            if codes and text_of.get(codes[-1]) == " " and k + 1 < len(items) \
                                    and not isinstance(items[k + 1], pikepdf.String):
                                gaps.append(-float(items[k + 1]))
                    if number < len(lines) - 1 and text.count(" "):
                        spaces = text.rstrip().count(" ")
                        extra = sum(gaps) if gaps else 0.0
                        stretch.append(1 + extra / spaces / _SPACE_UNITS)
                    hyphens += text.rstrip().endswith(("-", "\u00ad", "\u2010"))
    return stretch, hyphens


_SPACE_UNITS = 260.0  # Noto Serif's space, thousandths of an em (checked in main)


def main() -> int:
    from reportlab.pdfbase.pdfmetrics import getFont

    from anso_pdf.layout.fonts import SERIF, register_fonts

    issue = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "issues" / "anso-2019-06.yaml"
    register_fonts()
    assert getFont(SERIF).face.charWidths[32] == _SPACE_UNITS
    paragraphs, ours, our_hyphens, ragged = _ours(issue)
    theirs, their_hyphens = _typst(paragraphs)
    print(f"{len(paragraphs)} justified paragraphs (or column parts), measures "
          f"{sorted({round(p['width'] / 72 * 25.4) for p in paragraphs})} mm, sizes {sorted({p['size'] for p in paragraphs})} pt; "
          f"anso-pdf set {ragged} lines of them ragged-right, as too loose justified")
    print("| setter | lines | median | p90 | p95 | max | over 1.5x | over 2x | hyphenated lines |")
    print("|---|---|---|---|---|---|---|---|---|")
    for name, values, hyphens in (("anso-pdf", ours, our_hyphens), ("Typst", theirs, their_hyphens)):
        over = sum(v > 1.5 for v in values) / len(values)
        over2 = sum(v > 2 for v in values) / len(values)
        print(f"| {name} | {len(values)} | {statistics.median(values):.2f} | {_percentile(values, 0.9):.2f} | "
              f"{_percentile(values, 0.95):.2f} | {max(values):.2f} | {over:.0%} | {over2:.0%} | {hyphens} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
