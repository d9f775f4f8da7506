"""Shared fixtures: the sample issue rendered once per test session, and helpers to read PDFs."""

from __future__ import annotations

import os
import re
import unicodedata
from pathlib import Path

import pytest
from hypothesis import settings

from anso_pdf import pipeline

# CI replays the same examples on every run (a red CI always means a change broke something); a developer's run
# explores new ones, and Hypothesis keeps any that fail in .hypothesis/ to replay them first.
settings.register_profile("ci", derandomize=True, database=None)
if os.environ.get("CI"):
    settings.load_profile("ci")

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "issues" / "anso-2019-06.yaml"


@pytest.fixture(autouse=True, scope="session")
def _private_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Tests never touch the user's photo cache, nor the key that seals it."""
    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("cache"))
    os.environ["XDG_STATE_HOME"] = str(tmp_path_factory.mktemp("state"))


@pytest.fixture(scope="session")
def sample_pdfs() -> dict[str, bytes]:
    return pipeline.build(SAMPLE, ["email", "press"]).pdfs


def pdf_pages_text(data: bytes) -> list[str]:
    import io

    from pypdf import PdfReader

    return [page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages]


def norm_words(text: str) -> list[str]:
    text = unicodedata.normalize("NFKC", text).replace("\u00ad", "")
    text = re.sub(r"[\u2018\u2019]", "'", text)
    return re.findall(r"[^\W_]+", text.lower())


def joined(text: str) -> str:
    """Text with line-end hyphenation undone and all non-word characters dropped (for sentence checks)."""
    text = re.sub(r"[-\u00ad\u2010]\s*\n\s*", "", text)
    return "".join(norm_words(text))


def write_issue(folder: Path, text: str, name: str = "issue.yaml") -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path
