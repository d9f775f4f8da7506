"""The finished press PDF read back as a printer's preflight reads it (issue #18): boxes, output condition, fonts,
every image's effective resolution and colour space, the largest total ink on each page and where it is,
overprint, the smallest text and text in several inks. It reads only the PDF (pikepdf), never the layout, so it
reports what the printer will find; `check --json` and `render --json` carry it, and the tests use it to assert.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass, field
from typing import Any

from anso_pdf.render.safeink import MIN_REVERSED, SMALL_TEXT  # the reader checks the rules the drawing keeps

PT_PER_MM = 72 / 25.4
Matrix = tuple[float, float, float, float, float, float]
IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


def _mul(m: Matrix, n: Matrix) -> Matrix:
    """m then n (PDF order: a point is transformed by m first)."""
    a, b, c, d, e, f = m
    A, B, C, D, E, F = n  # noqa: N806
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F)


def _apply(m: Matrix, x: float, y: float) -> tuple[float, float]:
    return (m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5])


def _scale(m: Matrix) -> float:
    return math.sqrt(abs(m[0] * m[3] - m[1] * m[2]))


@dataclass
class Ink:
    """The largest total ink found so far on a page, and what carries it."""

    percent: float = 0.0
    where: dict[str, Any] = field(default_factory=dict)

    def offer(self, percent: float, where: dict[str, Any]) -> None:
        if percent > self.percent + 1e-9:
            self.percent, self.where = percent, where


@dataclass
class _State:
    ctm: Matrix = IDENTITY
    fill: tuple[float, ...] | None = (0.0, 0.0, 0.0, 1.0)  # CMYK 0..1; None: not CMYK (an error in itself)
    stroke: tuple[float, ...] | None = (0.0, 0.0, 0.0, 1.0)
    fill_space: str = "DeviceGray"
    stroke_space: str = "DeviceGray"
    op: bool = False  # fill overprint
    OP: bool = False  # noqa: N815 (the PDF's names)
    line_width: float = 1.0

    def copy(self) -> _State:
        return _State(**self.__dict__)


@dataclass
class PageFacts:
    number: int
    media: list[float]
    trim: list[float]
    bleed: list[float]
    ink: Ink = field(default_factory=Ink)
    images: list[dict[str, Any]] = field(default_factory=list)
    min_text: float | None = None
    overprint: dict[str, int] = field(default_factory=lambda: {"black_text": 0, "black_rules": 0, "elsewhere": 0,
                                                                 "black_text_knocking_out": 0})
    marks: set[str] = field(default_factory=set)  # colour spaces of what is stroked outside the bleed (crop marks)
    small_multi_ink_text: list[dict[str, Any]] = field(default_factory=list)
    reversed_text: list[dict[str, Any]] = field(default_factory=list)  # white text below 8 pt or not bold
    colour_spaces: set[str] = field(default_factory=set)


def _cmyk_of(space: str, operands: list[float]) -> tuple[float, ...] | None:
    if space == "DeviceCMYK" and len(operands) == 4:
        return tuple(operands)
    if space == "DeviceGray" and len(operands) == 1:
        return (0.0, 0.0, 0.0, 1 - operands[0])
    if space == "Separation:All" and len(operands) == 1:
        return (operands[0],) * 4
    return None


def _space_name(resources: Any, name: str) -> str:
    if name in ("/DeviceCMYK", "/DeviceGray", "/DeviceRGB"):
        return name[1:]
    cs = resources.get("/ColorSpace", {}).get(name)
    if cs is None:
        return name[1:]
    try:
        if str(cs[0]) == "/Separation":
            return "Separation:" + str(cs[1])[1:]
        return str(cs[0])[1:]
    except (TypeError, IndexError, KeyError):
        return str(cs)


def _inks(cmyk: tuple[float, ...] | None) -> int:
    return 4 if cmyk is None else sum(1 for v in cmyk if v > 0.005)


def _intersects(box: tuple[float, float, float, float], trim: list[float]) -> bool:
    return box[0] < trim[2] and box[2] > trim[0] and box[1] < trim[3] and box[3] > trim[1]


def _bbox(points: list[tuple[float, float]]) -> tuple[float, float, float, float] | None:
    if not points:
        return None
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    return (min(xs), min(ys), max(xs), max(ys))


def _where(page: PageFacts, x: float, y: float) -> dict[str, float]:
    """A point as a printer measures it: millimetres from the trimmed page's top left corner."""
    return {"x_mm": round((x - page.trim[0]) / PT_PER_MM, 1), "y_mm": round((page.trim[3] - y) / PT_PER_MM, 1)}


def _image_ink(image: Any, ctm: Matrix, page: PageFacts, name: str) -> tuple[float, dict[str, Any]] | None:
    """The largest total ink of the part of an image inside the trim, and where that pixel is."""
    import pikepdf
    from PIL import ImageMath

    from anso_pdf.render.inklimit import total_ink

    try:
        pil = pikepdf.PdfImage(image).as_pil_image()
    except Exception:  # noqa: BLE001 (any image pikepdf cannot decode is reported without ink)
        return None
    if pil.mode != "CMYK":
        return None
    w, h = pil.size
    # image space (0..1, y up) -> page; axis-aligned as ReportLab draws images
    x0, y0 = _apply(ctm, 0, 0)
    x1, y1 = _apply(ctm, 1, 1)
    left, right = sorted((x0, x1))
    bottom, top = sorted((y0, y1))
    if right <= left or top <= bottom:
        return None
    t = page.trim
    px = (max(0, math.floor((t[0] - left) / (right - left) * w)), max(0, math.floor((top - t[3]) / (top - bottom) * h)),
          min(w, math.ceil((t[2] - left) / (right - left) * w)), min(h, math.ceil((top - t[1]) / (top - bottom) * h)))
    if px[2] <= px[0] or px[3] <= px[1]:
        return None
    total = total_ink(pil.crop(px))
    high = total.getextrema()[1]
    mask = ImageMath.lambda_eval(lambda e: e["t"] >= high, t=total).convert("L").point(lambda v: 255 if v else 0)
    bx = mask.getbbox() or (0, 0, 1, 1)
    ix, iy = px[0] + bx[0] + 0.5, px[1] + bx[1] + 0.5
    x = left + ix / w * (right - left)
    y = top - iy / h * (top - bottom)
    return float(high) * 100 / 255, {"kind": "image", "image": name, **_where(page, x, y)}


def _walk(pdf_page: Any, content: Any, resources: Any, state: _State, page: PageFacts, depth: int = 0) -> None:
    import pikepdf

    stack: list[_State] = []
    path: list[tuple[float, float]] = []
    text_m: Matrix = IDENTITY
    line_m: Matrix = IDENTITY
    font_size = 0.0
    font_name = ""
    leading = 0.0
    for instruction in pikepdf.parse_content_stream(content):
        operands, o = list(instruction.operands), str(instruction.operator)  # (inline images are not drawn by us)
        if o == "q":
            stack.append(state.copy())
        elif o == "Q" and stack:
            state = stack.pop()
        elif o == "cm":
            state.ctm = _mul(tuple(float(v) for v in operands), state.ctm)  # type: ignore[arg-type]
        elif o == "w":
            state.line_width = float(operands[0])
        elif o in ("k", "K", "g", "G", "rg", "RG", "sc", "scn", "SC", "SCN", "cs", "CS"):
            fill = o.islower()
            if o in ("cs", "CS"):
                space = _space_name(resources, str(operands[0]))
                page.colour_spaces.add(space)
                if fill:
                    state.fill_space = space
                else:
                    state.stroke_space = space
                continue
            device = {"k": "DeviceCMYK", "g": "DeviceGray", "rg": "DeviceRGB"}.get(o.lower())
            if device:
                page.colour_spaces.add(device)
                if fill:
                    state.fill_space = device
                else:
                    state.stroke_space = device
            values = [float(v) for v in operands if not isinstance(v, pikepdf.Name)]
            cmyk = _cmyk_of(state.fill_space if fill else state.stroke_space, values)
            if fill:
                state.fill = cmyk
            else:
                state.stroke = cmyk
        elif o == "gs":
            gs = resources.get("/ExtGState", {}).get(str(operands[0]))
            if gs is not None:
                if "/OP" in gs:
                    state.OP = bool(gs.OP)
                    state.op = bool(gs.OP)
                if "/op" in gs:
                    state.op = bool(gs.op)
        elif o in ("m", "l"):
            path.append(_apply(state.ctm, float(operands[0]), float(operands[1])))
        elif o == "c":
            path.extend(_apply(state.ctm, float(operands[i]), float(operands[i + 1])) for i in (0, 2, 4))
        elif o in ("v", "y"):
            path.extend(_apply(state.ctm, float(operands[i]), float(operands[i + 1])) for i in (0, 2))
        elif o == "re":
            x, y, w, h = (float(v) for v in operands)
            path.extend(_apply(state.ctm, px, py) for px, py in ((x, y), (x + w, y + h), (x, y + h), (x + w, y)))
        elif o in ("f", "F", "f*", "B", "B*", "b", "b*", "S", "s"):
            box = _bbox(path)
            if box is not None and not _intersects(box, page.bleed) and o in ("S", "s"):
                page.marks.add(state.stroke_space)
            if box is not None and _intersects(box, page.trim):
                if o not in ("S", "s"):
                    _paint(page, state.fill, state.op, box, "fill")
                if o in ("S", "s", "B", "B*", "b", "b*"):
                    _paint(page, state.stroke, state.OP, box, "stroke")
                    if state.OP:
                        thin = state.line_width * _scale(state.ctm) <= 2.0
                        page.overprint["black_rules" if thin and state.stroke == (0, 0, 0, 1) else "elsewhere"] += 1
                if o not in ("S", "s") and state.op:
                    page.overprint["elsewhere"] += 1
            path = []
        elif o == "n":
            path = []
        elif o == "BT":
            text_m = line_m = IDENTITY
        elif o == "Tf":
            font_size = float(operands[1])
            font = resources.get("/Font", {}).get(str(operands[0]))
            font_name = str(font.get("/BaseFont", "")) if font is not None else ""
        elif o == "TL":
            leading = float(operands[0])
        elif o == "Tm":
            text_m = line_m = tuple(float(v) for v in operands)  # type: ignore[assignment]
        elif o in ("Td", "TD"):
            line_m = text_m = _mul((1, 0, 0, 1, float(operands[0]), float(operands[1])), line_m)
            if o == "TD":
                leading = -float(operands[1])
        elif o == "T*":
            line_m = text_m = _mul((1, 0, 0, 1, 0, -leading), line_m)
        elif o in ("Tj", "TJ", "'", '"'):
            size = font_size * _scale(_mul(text_m, state.ctm))
            x, y = _apply(_mul(text_m, state.ctm), 0, 0)
            inside = page.trim[0] <= x <= page.trim[2] and page.trim[1] <= y <= page.trim[3]
            if not inside:
                continue
            page.min_text = size if page.min_text is None else min(page.min_text, size)
            _paint(page, state.fill, state.op, (x, y, x, y), "text")
            if state.op:
                page.overprint["black_text" if state.fill == (0, 0, 0, 1) else "elsewhere"] += 1
            elif state.fill == (0, 0, 0, 1):
                page.overprint["black_text_knocking_out"] += 1
            if state.fill == (0, 0, 0, 0) and (size < MIN_REVERSED - 0.01 or "Bold" not in font_name):
                page.reversed_text.append({"size_pt": round(size, 2), "font": font_name.lstrip("/"), **_where(page, x, y)})
            if size < SMALL_TEXT - 0.01 and _inks(state.fill) > 2:
                page.small_multi_ink_text.append({"size_pt": round(size, 2), "cmyk": _percent(state.fill),
                                                  **_where(page, x, y)})
        elif o == "Do":
            name = str(operands[0])
            xobject = resources.get("/XObject", {}).get(name)
            if xobject is None:
                continue
            if xobject.get("/Subtype") == "/Image":
                _image(page, xobject, state, name)
                if state.op:
                    page.overprint["elsewhere"] += 1
            elif xobject.get("/Subtype") == "/Form" and depth < 8:
                inner = state.copy()
                if "/Matrix" in xobject:
                    inner.ctm = _mul(tuple(float(v) for v in xobject.Matrix), inner.ctm)  # type: ignore[arg-type]
                _walk(pdf_page, xobject, xobject.get("/Resources", resources), inner, page, depth + 1)


def _percent(cmyk: tuple[float, ...] | None) -> list[float] | None:
    return None if cmyk is None else [round(v * 100, 1) for v in cmyk]


def _paint(page: PageFacts, cmyk: tuple[float, ...] | None, overprint: bool, box: tuple[float, float, float, float],
           kind: str) -> None:
    if cmyk is None:
        return
    page.ink.offer(sum(cmyk) * 100, {"kind": kind, "cmyk": _percent(cmyk), **_where(page, box[0], box[3])})


def _image(page: PageFacts, xobject: Any, state: _State, name: str) -> None:
    w, h = int(xobject.Width), int(xobject.Height)
    width_pt = math.hypot(state.ctm[0], state.ctm[1])
    height_pt = math.hypot(state.ctm[2], state.ctm[3])
    colour = _image_space(xobject.get("/ColorSpace"))
    x, y = _apply(state.ctm, 0, 1)
    facts: dict[str, Any] = {
        "page": page.number, "name": name.lstrip("/"), "pixels": [w, h], "colour_space": colour,
        "filter": _filters(xobject.get("/Filter")),
        "ppi": [round(w / (width_pt / 72)) if width_pt else None, round(h / (height_pt / 72)) if height_pt else None],
        "size_mm": [round(width_pt / PT_PER_MM, 1), round(height_pt / PT_PER_MM, 1)], **_where(page, x, y),
    }
    ink = _image_ink(xobject, state.ctm, page, name.lstrip("/"))
    if ink is not None:
        facts["max_ink"] = round(ink[0], 1)
        page.ink.offer(ink[0], ink[1])
    page.images.append(facts)


def _image_space(space: Any) -> str:
    """/DeviceCMYK -> DeviceCMYK; [/ICCBased ...] -> ICCBased; an image mask has none."""
    if space is None:
        return "none"
    text = str(space)
    if text.startswith("/"):
        return text[1:]
    try:
        return str(space[0]).lstrip("/")
    except (TypeError, IndexError, KeyError):
        return "other"


def _filters(value: Any) -> list[str]:
    if value is None:
        return []
    items = list(value) if not str(value).startswith("/") else [value]
    return [str(v).lstrip("/") for v in items]


def _box(page: Any, key: str) -> list[float]:
    box = page.obj.get(key) or page.obj.get("/MediaBox")
    return [float(v) for v in box]


def read(data: bytes) -> dict[str, Any]:
    """The preflight report of a press PDF, as a JSON-ready dict."""
    import pikepdf

    with pikepdf.open(io.BytesIO(data)) as pdf:
        intents = [oi for oi in pdf.Root.get("/OutputIntents", []) if oi.get("/S") == "/GTS_PDFX"]
        intent: dict[str, Any] | None = None
        if intents:
            oi = intents[0]
            intent = {k: str(oi.get("/" + k)) for k in ("OutputConditionIdentifier", "OutputCondition", "Info", "RegistryName")
                      if ("/" + k) in oi}
            profile = oi.get("/DestOutputProfile")
            intent["profile_embedded"] = profile is not None
            if profile is not None:
                intent["profile_description"] = _icc_description(profile.read_bytes())
        fonts: dict[str, dict[str, Any]] = {}
        pages = []
        for number, page in enumerate(pdf.pages, 1):
            for font in page.Resources.get("/Font", {}).values():
                name = str(font.get("/BaseFont", "?")).lstrip("/")
                descriptor = font.get("/FontDescriptor")
                if font.get("/Subtype") == "/Type0":
                    descriptor = font.DescendantFonts[0].get("/FontDescriptor")
                embedded = descriptor is not None and any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
                entry = fonts.setdefault(name, {"name": name, "type": str(font.get("/Subtype", "")).lstrip("/"),
                                                "embedded": embedded, "subset": "+" in name[:7], "pages": []})
                entry["pages"].append(number)
            facts = PageFacts(number, _box(page, "/MediaBox"), _box(page, "/TrimBox"), _box(page, "/BleedBox"))
            _walk(page, page, page.Resources, _State(), facts)
            pages.append(facts)
        info = {k.lstrip("/"): str(v) for k, v in pdf.docinfo.items()}
    return {
        "pdf_x": info.get("GTS_PDFXVersion"),
        "output_condition": intent,
        "fonts": sorted(fonts.values(), key=lambda f: f["name"]),
        "pages": [_page_report(p) for p in pages],
        "images": [image for p in pages for image in p.images],
        "max_ink": round(max((p.ink.percent for p in pages), default=0.0), 1),
        "min_text_pt": min((p.min_text for p in pages if p.min_text is not None), default=None),
    }


def _page_report(p: PageFacts) -> dict[str, Any]:
    trim_w, trim_h = (p.trim[2] - p.trim[0]) / PT_PER_MM, (p.trim[3] - p.trim[1]) / PT_PER_MM
    bleed = [(p.trim[0] - p.bleed[0]), (p.trim[1] - p.bleed[1]), (p.bleed[2] - p.trim[2]), (p.bleed[3] - p.trim[3])]
    return {
        "page": p.number,
        "trim_mm": [round(trim_w, 1), round(trim_h, 1)],
        "bleed_mm": round(min(bleed) / PT_PER_MM, 2),
        "boxes": {"media": p.media, "trim": p.trim, "bleed": p.bleed},
        "max_ink": round(p.ink.percent, 1),
        "max_ink_at": p.ink.where,
        "colour_spaces": sorted(p.colour_spaces),
        "printer_marks_colour_spaces": sorted(p.marks),
        "overprint": p.overprint,
        "min_text_pt": None if p.min_text is None else round(p.min_text, 2),
        "small_text_in_more_than_two_inks": p.small_multi_ink_text,
        "reversed_text_not_bold_or_below_8pt": p.reversed_text,
    }


def _icc_description(icc: bytes) -> str | None:
    """The profile's own description (its 'desc' tag), as a preflight shows it."""
    from PIL import ImageCms

    try:
        return ImageCms.getProfileDescription(ImageCms.ImageCmsProfile(io.BytesIO(icc))).strip() or None
    except (OSError, ValueError, TypeError):
        return None
