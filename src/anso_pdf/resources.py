"""Find the files shipped with the tool: fonts and ICC profiles, installed or in a checkout."""

from __future__ import annotations

from functools import cache
from pathlib import Path

_HERE = Path(__file__).resolve().parent
_REPO = _HERE.parents[1]


@cache
def _folder(installed: str, checkout: str) -> Path:
    """An installed wheel has anso_pdf/fonts and anso_pdf/icc; a checkout (or editable install) has
    fonts/ and assets/icc/ at the top of the repository."""
    for candidate in (_HERE / installed, _REPO / checkout):
        if candidate.is_dir() and any(candidate.iterdir()):
            return candidate
    raise FileNotFoundError(f"the tool's {installed} folder is missing: reinstall anso-pdf")


def font_path(name: str) -> Path:
    return _folder("fonts", "fonts") / name


def icc_path(name: str) -> Path:
    return _folder("icc", "assets/icc") / name
