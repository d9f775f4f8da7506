"""Find the files shipped with the tool: fonts and ICC profiles, installed or in a checkout."""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path

_REPO = Path(__file__).resolve().parents[2]


@cache
def _folder(package: str, checkout_dir: str) -> Path:
    try:
        found = Path(str(resources.files(package)))
        if found.is_dir() and any(found.iterdir()):
            return found
    except (ModuleNotFoundError, TypeError):
        pass
    return _REPO / checkout_dir


def font_path(name: str) -> Path:
    return _folder("anso_pdf.fonts", "fonts") / name


def icc_path(name: str) -> Path:
    return _folder("anso_pdf.icc", "assets/icc") / name
