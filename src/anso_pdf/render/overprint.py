"""Overprint where prepress practice wants it, and nowhere else (issue #18): text in 100 % K overprints (no white
halo round black type on a tinted panel if the plates shift), and so do thin rules in 100 % K. Every other mark
knocks out, as by default. Text below 9 pt in a colour of three or four inks is printed in the colour's safe build
of at most two inks (render/safeink.py), whatever draws it.

A canvas mixin for the press profile: it watches the colours set on the canvas and on its text objects and writes
an ExtGState (OP/op with OPM 1) before the marks that overprint, and the default state after them. Its state
follows the canvas's save/restore, so a `Q` that ends overprinting in the PDF ends it here too."""

from __future__ import annotations

from typing import Any

from reportlab.lib.colors import CMYKColor
from reportlab.lib.rl_accel import fp_str
from reportlab.pdfbase import pdfdoc
from reportlab.pdfgen.canvas import Canvas

from anso_pdf.render.safeink import MAX_INKS, SMALL_TEXT, inks, safe_build

THIN_RULE = 2.0  # points: K strokes up to this width overprint (rules, underlines), wider ones knock out
# name -> the ExtGState: text fills, thin strokes, and the default (knock out) to end them
STATES = {
    "AnsoOverprintText": {"OP": "false", "op": "true", "OPM": 1},
    "AnsoOverprintRule": {"OP": "true", "op": "false", "OPM": 1},  # fills and images drawn meanwhile knock out
    "AnsoKnockout": {"OP": "false", "op": "false", "OPM": 0},
}


def solid_black(colour: Any) -> bool:
    """100 % K and no other ink, as a process colour (not a separation such as registration)."""
    if not isinstance(colour, CMYKColor) or getattr(colour, "spotName", None):
        return False
    d = colour.density
    return colour.cyan * d <= 0 and colour.magenta * d <= 0 and colour.yellow * d <= 0 and colour.black * d >= 0.999


class OverprintCanvas(Canvas):
    """Writes the overprint states when `anso_overprint` is true (the press profile)."""

    anso_overprint = False
    anso_safe_icc: bytes | None = None  # the output condition's profile: small text in at most two inks
    STATE_ATTRIBUTES = [*Canvas.STATE_ATTRIBUTES, "_anso_gs"]

    def init_graphics_state(self) -> None:
        super().init_graphics_state()
        self._anso_gs = "AnsoKnockout"  # what the PDF's graphics state says now

    def _anso_set(self, code: list[str], current: str, wanted: str) -> str:
        if wanted != current:
            code.append(f"/{wanted} gs")
        return wanted

    def _anso_stroke_state(self) -> None:
        if not self.anso_overprint:
            return
        thin_black = solid_black(self._strokeColorObj) and self._lineWidth <= THIN_RULE
        self._anso_gs = self._anso_set(self._code, self._anso_gs, "AnsoOverprintRule" if thin_black else "AnsoKnockout")

    def setStrokeColor(self, aColor: Any, alpha: Any = None) -> None:  # noqa: N802, N803 (ReportLab's names)
        super().setStrokeColor(aColor, alpha)
        self._anso_stroke_state()

    def setLineWidth(self, width: float) -> None:  # noqa: N802
        super().setLineWidth(width)
        self._anso_stroke_state()

    def beginText(self, x: float = 0, y: float = 0, direction: Any = None) -> Any:  # noqa: N802
        tx = super().beginText(x, y, direction)
        if self.anso_overprint or self.anso_safe_icc:
            tx.__class__ = _overprinting(type(tx))
            tx._anso_outer = tx._anso_gs = self._anso_gs
            tx._anso_fill_state()
        return tx

    def _setExtGState(self, obj: Any) -> None:  # noqa: N802
        super()._setExtGState(obj)
        if self.anso_overprint:
            states = dict(obj.ExtGState.dict) if obj.ExtGState else {}
            states.update({name: pdfdoc.PDFDictionary(dict(entries)) for name, entries in STATES.items()})
            obj.ExtGState = pdfdoc.PDFDictionary(states)


_CLASSES: dict[type, type] = {}


def _overprinting(base: type) -> type:
    """`base` (a text object class) with the overprint state kept for its text: made once per class."""
    if base not in _CLASSES:

        class OverprintingText(base):  # type: ignore[valid-type, misc]
            _anso_gs = _anso_outer = "AnsoKnockout"

            def _anso_fill_state(self) -> None:
                colour = getattr(self, "_fillColorObj", None)
                wanted = "AnsoOverprintText" if solid_black(self._canvas._fillColorObj if colour is None
                                                            else colour) else "AnsoKnockout"
                if wanted != self._anso_gs:
                    self._code.append(f"/{wanted} gs")
                    self._anso_gs = wanted

            def setFillColor(self, aColor: Any, alpha: Any = None) -> None:  # noqa: N802, N803
                super().setFillColor(aColor, alpha)
                self._anso_fill_state()

            def _formatText(self, text: str) -> str:  # noqa: N802
                """Text below 9 pt in three or four inks: drawn in the safe build, the colour set back after it."""
                code = super()._formatText(text)
                icc = self._canvas.anso_safe_icc
                colour = getattr(self, "_fillColorObj", None)
                colour = self._canvas._fillColorObj if colour is None else colour
                if (icc is None or not code or self._fontsize >= SMALL_TEXT or not isinstance(colour, CMYKColor)
                        or getattr(colour, "spotName", None)):
                    return code
                d = colour.density
                cmyk = (colour.cyan * d, colour.magenta * d, colour.yellow * d, colour.black * d)
                if inks(cmyk) <= MAX_INKS:
                    return code
                safe = safe_build(tuple(round(v, 4) for v in cmyk), icc)  # type: ignore[arg-type]
                return f"{fp_str(*safe)} k {code} {fp_str(*cmyk)} k"

            def getCode(self) -> str:  # noqa: N802
                if self._anso_gs != self._anso_outer:  # the canvas's state again after the text
                    self._code.append(f"/{self._anso_outer} gs")
                    self._anso_gs = self._anso_outer
                return super().getCode()

        _CLASSES[base] = OverprintingText
    return _CLASSES[base]
