"""Regenerate docs/pages.png, the README's picture of the sample issue's four pages (email PDF)."""

from __future__ import annotations

from pathlib import Path

from PIL import Image

from anso_pdf import pipeline
from anso_pdf.cli.editor import contact_sheet, png_bytes, rasterise

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    pdf = pipeline.build(ROOT / "issues" / "anso-2019-06.yaml", ["email"]).pdfs["email"]
    pages = rasterise(pdf, 48, lambda page, count: None)
    sheet = contact_sheet(pages, margin=12).quantize(colors=96, method=Image.Quantize.MEDIANCUT)
    (ROOT / "docs" / "pages.png").write_bytes(png_bytes(sheet))


if __name__ == "__main__":
    main()
