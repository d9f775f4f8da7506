"""Colours by role: the layout names an ink, each profile decides how it is printed (CMYK or RGB)."""

from __future__ import annotations

from reportlab.lib.colors import Color

from anso_pdf.model.values import Colour


class Ink(Color):
    """A colour from the house style (or black), carried unchanged until a profile converts it.

    The RGB values ReportLab sees are only a preview; render converts every Ink before it is written.
    """

    def __init__(self, colour: Colour, tint: float = 1.0) -> None:
        self.colour = colour
        self.tint = tint
        r, g, b = _preview(colour)
        super().__init__(1 - tint * (1 - r), 1 - tint * (1 - g), 1 - tint * (1 - b))

    def tinted(self, tint: float) -> Ink:
        return Ink(self.colour, self.tint * tint)

    def __repr__(self) -> str:
        return f"Ink({self.colour}, tint={self.tint:g})"

    def __hash__(self) -> int:
        return hash((self.colour, self.tint))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Ink) and (self.colour, self.tint) == (other.colour, other.tint)


def _preview(colour: Colour) -> tuple[float, float, float]:
    if colour.rgb is not None:
        return colour.rgb
    assert colour.cmyk is not None
    c, m, y, k = colour.cmyk
    return ((1 - c) * (1 - k), (1 - m) * (1 - k), (1 - y) * (1 - k))


BLACK = Ink(Colour(cmyk=(0.0, 0.0, 0.0, 1.0)))
WHITE = Ink(Colour(cmyk=(0.0, 0.0, 0.0, 0.0)))


class Palette:
    """The inks of one issue's house style."""

    def __init__(self, primary: Colour, accent: Colour) -> None:
        self.primary = Ink(primary)
        self.accent = Ink(accent)
        self.text = BLACK
        self.muted = BLACK.tinted(0.7)
        self.white = WHITE
        self.panel = self.primary.tinted(0.08)
        self.rule = BLACK.tinted(0.25)
