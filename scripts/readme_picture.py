"""Regenerate docs/pages.png, the README's picture of the sample issue's four pages (email PDF)."""

from __future__ import annotations

import io
from pathlib import Path

import pypdfium2
from PIL import Image

from anso_pdf import pipeline

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    pdf = pipeline.build(ROOT / "issues" / "anso-2019-06.yaml", ["email"]).pdfs["email"]
    doc = pypdfium2.PdfDocument(pdf)
    pages = [doc[i].render(scale=48 / 72).to_pil().convert("RGB") for i in range(len(doc))]
    gap = 12
    width = sum(p.width for p in pages) + gap * (len(pages) + 1)
    height = max(p.height for p in pages) + 2 * gap
    sheet = Image.new("RGB", (width, height), (228, 230, 234))
    x = gap
    for page in pages:
        sheet.paste(page, (x, gap))
        x += page.width + gap
    out = io.BytesIO()
    sheet = sheet.quantize(colors=96, method=Image.Quantize.MEDIANCUT)
    sheet.save(out, "PNG", optimize=True)
    (ROOT / "docs" / "pages.png").write_bytes(out.getvalue())


if __name__ == "__main__":
    main()
