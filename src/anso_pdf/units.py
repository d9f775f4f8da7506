"""Lengths in PostScript points, and the trimmed page sizes the format allows."""

from __future__ import annotations

POINTS_PER_MM = 72 / 25.4


def mm(value: float) -> float:
    """Millimetres to points."""
    return value * POINTS_PER_MM


def inch(value: float) -> float:
    return value * 72.0


PAGE_SIZES: dict[str, tuple[float, float]] = {
    "A4": (mm(210), mm(297)),
    "Letter": (inch(8.5), inch(11)),
}

BLEED = mm(3)
