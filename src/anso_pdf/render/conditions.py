"""The printing condition of an issue's press PDF, chosen, never assumed (issue #18): `style.press` names a
shipped condition or gives the printer's own ICC profile; an A4 issue that names none is printed to FOGRA39;
a Letter issue that names none is an error, because the only shipped condition is European and no US condition
(GRACoL, SWOP) has a profile whose licence lets anso-pdf ship it (assets/icc/README.md)."""

from __future__ import annotations

import io
from dataclasses import replace

from anso_pdf.diagnostics import Diagnostics
from anso_pdf.model.issue import Style
from anso_pdf.render.profiles import OutputCondition, fogra39, shipped
from anso_pdf.source.workspace import AssetError, open_image_file

DEFAULT_INK_LIMIT = 300  # per cent, for a printer's profile that names none
DEFAULT_FOR = {"A4": "fogra39"}  # page size -> the condition used when the issue names none


def choose(style: Style, diags: Diagnostics) -> OutputCondition | None:
    """The condition for the press PDF, or None after a located error."""
    press = style.press
    if press is not None and press.icc is not None:
        condition = printer_condition(press.icc, press.icc_written or press.icc.name, press.identifier, diags,
                                      press.icc_span or press.span)
    elif press is not None and press.condition:
        condition = shipped(press.condition)
    elif style.page_size in DEFAULT_FOR:
        condition = shipped(DEFAULT_FOR[style.page_size])
    else:
        diags.error(
            style.page_size_span,
            f"a {style.page_size}-size issue needs its printer's colour profile for the press PDF: anso-pdf ships only "
            "FOGRA39, the European standard for coated paper, and no US condition (GRACoL, SWOP) may be shipped with it",
            "ask the printer for their ICC profile and add under style:  press: {icc: printer.icc} (docs/guide.md, "
            "\"To the printer\"); if they print to FOGRA39, write  press: {condition: fogra39}",
        )
        return None
    if condition is not None and press is not None and press.ink_limit:
        condition = replace(condition, ink_limit=press.ink_limit)
    return condition


def printer_condition(path, written: str, identifier: str | None, diags: Diagnostics, span) -> OutputCondition | None:  # type: ignore[no-untyped-def]
    """The printer's ICC file as a condition: its description fills OutputCondition and Info; the identifier is
    the one written, else the profile's characterisation target ('targ'), else its description."""
    from PIL import ImageCms

    try:
        icc = open_image_file(path)
    except AssetError as exc:
        diags.error(span, f"the printer's profile {exc.message}", "point icc: to the .icc file the printer sent")
        return None
    try:
        profile = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        space, kind = profile.profile.xcolor_space.strip(), profile.profile.device_class.strip()
        description = (ImageCms.getProfileDescription(profile) or "").strip()
        target = (getattr(profile.profile, "target", None) or "").strip()
    except (OSError, ValueError, TypeError, AttributeError):
        diags.error(span, f"'{written}' is not an ICC colour profile", "point icc: to the .icc file the printer sent")
        return None
    if space != "CMYK" or kind != "prtr":
        diags.error(span, f"'{written}' is a {space} {'printer' if kind == 'prtr' else kind} profile, not a CMYK "
                    "printer profile", "ask the printer for the CMYK output profile of their press and paper")
        return None
    name = description or written
    return OutputCondition(
        key="printer",
        icc=icc,
        identifier=identifier or (target.splitlines()[0].strip() if target else "") or name,
        condition=name,
        registry="",
        info=name,
        ink_limit=DEFAULT_INK_LIMIT,
    )


__all__ = ["choose", "fogra39", "printer_condition"]
