"""Tagged PDF (PDF/UA-1) written by ReportLab as the page is drawn: marked content, the structure tree, artifacts.

The tree itself is made before drawing (layout/structure.py), in reading order. Drawing only joins content to it:
- every text object is marked inside BT..ET (beginText appends BDC, drawText appends EMC), under the element whose
  key the paragraph carries, or as an artifact when none is open; so every Paragraph, drawString, bullet and
  footer passes through these two hooks, whatever measures and sets the glyphs;
- links in a paragraph switch the marked sequence to a Link element and back (the onDraw markers layout/inline.py
  writes around each `<a>`); each link annotation gets /StructParent, /Contents and an OBJR in its Link element;
- photos are marked around `Do` under their Figure; every other painting operator (rules, tints, badges,
  ornaments, crop marks) is an artifact;
- a paragraph split over columns or pages adds marked-content ids to one element: integers on the element's own
  page, MCR dictionaries on the others.
`finish` writes the elements, the ParentTree, the StructTreeRoot, MarkInfo and the page keys (/StructParents,
/Tabs /S) as ReportLab objects: no second pass through another library.

This relies on ReportLab internals (the text object's `_code`, `_curr_tx_info` for onDraw, `_addAnnotation`,
`_setAnnotations`, `__NoDefault__`); reportlab is pinned to 5.1.0 and tests/test_tagged.py reads the result back.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from typing import Any

from reportlab.pdfbase import pdfdoc
from reportlab.pdfbase.pdfmetrics import getFont
from reportlab.pdfgen.canvas import Canvas

from anso_pdf.layout.fonts import FALLBACK
from anso_pdf.layout.structure import Node, Structure
from anso_pdf.render.glyphs import ShapedText

LINK_CALLBACK = "anso_link"  # the onDraw name layout/inline.py writes around links
ANNOTATION_KEYS = 10_000  # ParentTree keys of annotations start here; pages use 0, 1, 2, ...


@dataclass(eq=False)
class _Elem:
    node: Node
    parent: _Elem | None
    children: list[_Elem] = field(default_factory=list)  # the tree's own children, in reading order
    kids: list[tuple[str, int, Any]] = field(default_factory=list)  # drawn content: (kind, page, mcid | elem | name)
    sequence_at: int = 0
    ref: str = ""

    def used(self) -> bool:
        return bool(self.kids) or any(c.used() for c in self.children)


@dataclass(eq=False)
class _LinkSpan:
    """Where one link's text runs in a text object: from (x, baseline) at its start to (x, baseline) at its end
    (the end is None while it is open); its Link element."""

    href: str
    link: _Elem
    start: tuple[float, float]
    end: tuple[float, float] | None = None

    def overlap(self, x1: float, x2: float, baseline: float) -> float:
        """How much of a link rectangle, on the line at `baseline`, this span's text covers (-1: none)."""
        top, bottom = self.start[1], (self.end or (0.0, -math.inf))[1]
        if not bottom - 0.01 <= baseline <= top + 0.01:
            return -1.0
        left = self.start[0] if abs(baseline - top) <= 0.01 else -math.inf
        right = self.end[0] if self.end is not None and abs(baseline - bottom) <= 0.01 else math.inf
        return min(x2, right) - max(x1, left)


@dataclass
class _Text:
    """A text object being drawn under an element: the element it started in and the one it is in now."""

    base: _Elem
    current: _Elem
    links: list[_LinkSpan] = field(default_factory=list)  # each link's text, in drawing order
    opened_at: int = 0  # where in the text object's code the current sequence's BDC is


class Tagger:
    """The tagging state of one canvas (one PDF)."""

    def __init__(self, structure: Structure, link_style: Any = None) -> None:
        self.structure = structure
        self.root = self._elem(structure.root, None)
        self.by_key: dict[str, _Elem] = {}
        self._index(self.root)
        self.link_style = link_style  # the colour of links, or None to leave them as set
        self.language = structure.root.lang or ""
        self.stack: list[tuple[str, Any]] = []  # ("elem", _Elem) | ("figure", _Elem) | ("artifact", type)
        self.texts: list[_Text | None] = []
        self.page = 0
        self.page_names: list[str] = []
        self.parent_tree: dict[int, Any] = {}
        self.mcids: list[_Elem] = []
        self.annotations = 0
        self.untagged_keys: set[str] = set()

    def _elem(self, node: Node, parent: _Elem | None) -> _Elem:
        e = _Elem(node, parent)
        e.children = [self._elem(c, e) for c in node.children]
        return e

    def _index(self, e: _Elem) -> None:
        if e.node.key:
            self.by_key[e.node.key] = e
        for c in e.children:
            self._index(c)

    # --- contexts ------------------------------------------------------------------------------------

    @contextmanager
    def _within(self, entry: tuple[str, Any]) -> Iterator[None]:
        """What is drawn inside belongs to `entry` (an element, an artifact or a figure)."""
        self.stack.append(entry)
        try:
            yield
        finally:
            self.stack.pop()

    @contextmanager
    def element(self, key: str) -> Iterator[None]:
        e = self.by_key.get(key)
        if e is None:
            self.untagged_keys.add(key)
            yield
            return
        with self._within(("elem", e)):
            yield

    def artifact(self, kind: str = "Layout") -> AbstractContextManager[None]:
        return self._within(("artifact", kind))

    def figure(self, image: Any) -> AbstractContextManager[None]:
        key = self.structure.figures.get(id(image))
        e = self.by_key.get(key) if key else None
        return self._within(("figure", e) if e is not None else ("artifact", "Layout"))

    # --- marking -------------------------------------------------------------------------------------

    def _mcid(self, e: _Elem) -> int:
        n = len(self.mcids)
        self.mcids.append(e)
        e.kids.append(("mcid", self.page, n))
        return n

    def _artifact_mark(self) -> str:
        kind = next((v for k, v in reversed(self.stack) if k == "artifact"), "Layout")
        return f"/Artifact <</Type /{kind}>> BDC"

    def begin_text(self, tx: Any) -> None:
        top: tuple[str, Any] = self.stack[-1] if self.stack else ("artifact", "Layout")
        if top[0] != "elem":
            tx._code.append(self._artifact_mark())
            self.texts.append(None)
            tx._anso = None
            return
        e: _Elem = top[1]
        if e.node.sequence and e.children:
            target = e.children[min(e.sequence_at, len(e.children) - 1)]
            e.sequence_at += 1
            e = target
        state = _Text(e, e)
        self._open(tx, state, e)
        self.texts.append(state)
        tx._anso = state

    def end_text(self, tx: Any) -> None:
        state = getattr(tx, "_anso", None)
        if state is None:
            tx._code.append("EMC")
        else:
            self._close(tx, state)
        if self.texts:
            self.texts.pop()

    def _open(self, tx: Any, state: _Text, e: _Elem) -> None:
        state.current = e
        state.opened_at = len(tx._code)
        tx._code.append(f"/{_tag(e)} <</MCID {self._mcid(e)}>> BDC")

    def _close(self, tx: Any, state: _Text) -> None:
        """End the current marked sequence; one that showed no glyph is taken back, with its id."""
        shown = any(op.endswith(("Tj", "TJ", "'", '"')) or " Tj " in op or " TJ " in op
                    for op in tx._code[state.opened_at + 1:])
        e = state.current
        if not shown and self.mcids and self.mcids[-1] is e and e.kids and e.kids[-1] == ("mcid", self.page, len(self.mcids) - 1):
            del tx._code[state.opened_at]
            self.mcids.pop()
            e.kids.pop()
            return
        tx._code.append("EMC")

    def paint(self) -> tuple[str, str]:
        """The marks around a painting operator outside text: a Figure's content, else an artifact."""
        top: tuple[str, Any] = self.stack[-1] if self.stack else ("artifact", "Layout")
        if top[0] == "figure":
            e = top[1]
            return f"/Figure <</MCID {self._mcid(e)}>> BDC", "EMC"
        return self._artifact_mark(), "EMC"

    def link_marker(self, canvas: Any, kind: str, label: str | None) -> None:
        """onDraw callback around a link's text: switch the text object's marked sequence to a Link and back."""
        info: dict[str, Any] | None = getattr(canvas, "_curr_tx_info", None)
        if not info:
            return
        tx = info["tx"]
        state = getattr(tx, "_anso", None)
        label = label or ""
        if label.startswith("a "):
            href = label[2:]
            xs = info.get("xs")
            if self.link_style is not None and xs is not None:
                tx.setFillColor(self.link_style)
                xs.textColor = xs.style.textColor  # so that the link's text does not set its colour again
            if state is None:
                return
            self._close(tx, state)
            # each link its own Link element, even when an address comes twice in a paragraph: one element for
            # both read the second link's text where the first is
            link = _Elem(Node("Link"), state.base)
            state.base.kids.append(("elem", self.page, link))
            state.links.append(_LinkSpan(href, link, (info["cur_x"], info["cur_y"])))
            self._open(tx, state, link)
        elif label == "/a":
            xs = info.get("xs")
            if self.link_style is not None and xs is not None:  # back to the colour of the text around the link
                tx.setFillColor(xs.textColor or xs.style.textColor)
            if state is None or state.current is state.base:
                return
            span = next((s for s in reversed(state.links) if s.link is state.current), None)
            if span is not None:
                span.end = (info["cur_x"], info["cur_y"])
            self._close(tx, state)
            self._open(tx, state, state.base)

    @contextmanager
    def language_span(self, tx: Any, lang: str) -> Iterator[None]:
        """A run in another language: its own Span element with /Lang, inside the element the text is in."""
        state: _Text = tx._anso
        resume = state.current
        self._close(tx, state)
        span = _Elem(Node("Span", lang=lang), resume)
        resume.kids.append(("elem", self.page, span))
        self._open(tx, state, span)
        try:
            yield
        finally:
            self._close(tx, state)
            self._open(tx, state, resume)

    def annotation(self, name: str, href: str | None, rect: Any = None) -> int:
        """Join a link annotation to its Link element (made if the link's text was not marked); its StructParent.
        ReportLab adds a paragraph's link annotations after each line's text, one per link on the line: the Link
        is the one of that address whose text runs where the rectangle is (`rect`, in the text's space)."""
        state = self.texts[-1] if self.texts else None
        link = self._link_at(state, href, rect) if state is not None and href is not None else None
        if link is None:
            top = next((v for k, v in reversed(self.stack) if k in ("elem", "figure")), self.root)
            parent = state.current if state is not None else top
            if parent.node.role == "Link":
                link = parent
            else:
                link = _Elem(Node("Link"), parent)
                parent.kids.append(("elem", self.page, link))
        key = ANNOTATION_KEYS + self.annotations
        self.annotations += 1
        link.kids.append(("objr", self.page, name))
        self.parent_tree[key] = link
        return key

    @staticmethod
    def _link_at(state: _Text, href: str, rect: Any) -> _Elem | None:
        spans = [s for s in state.links if s.href == href]
        if not spans:
            return None
        if rect is None:
            return spans[-1].link
        x1, y1, x2, y2 = rect
        size = (y2 - y1) / 1.2  # the rectangle runs from 0.2 em below the baseline to 1 em above it
        baseline = y1 + 0.2 * size
        covered, best = max(((s.overlap(x1, x2, baseline), s) for s in spans), key=lambda scored: scored[0])
        return best.link if covered >= 0 else spans[-1].link

    # --- pages ---------------------------------------------------------------------------------------

    def start_page(self, page_name: str) -> None:
        self.page_names.append(page_name)
        self.mcids = []

    def end_page(self) -> int:
        """Keep the page's marked-content ids; its /StructParents key."""
        self.parent_tree[self.page] = self.mcids
        self.page += 1
        return self.page - 1

    # --- the tree ------------------------------------------------------------------------------------

    def finish(self, canvas: Any) -> None:
        """Write the structure tree, the ParentTree and the catalog keys; call before save()."""
        doc = canvas._doc
        self._prune(self.root)
        counter = [0]

        def name(e: _Elem) -> str:
            if not e.ref:
                counter[0] += 1
                e.ref = f"AnsoSE{counter[0]}"
            return e.ref

        def ref(e: _Elem) -> pdfdoc.PDFObjectReference:
            return pdfdoc.PDFObjectReference(name(e))

        def page_ref(n: int) -> pdfdoc.PDFObjectReference:
            return pdfdoc.PDFObjectReference(self.page_names[n])

        tree_root = pdfdoc.PDFDictionary({"Type": pdfdoc.PDFName("StructTreeRoot")})
        root_ref = doc.Reference(tree_root, "AnsoStructTreeRoot")

        def write(e: _Elem, parent: Any) -> None:
            node = e.node
            d: dict[str, Any] = {"Type": pdfdoc.PDFName("StructElem"), "S": pdfdoc.PDFName(node.role), "P": parent}
            own_page = next((p for kind, p, _ in e.kids if kind == "mcid"), None)
            if own_page is None:
                own_page = next((p for _, p, _ in e.kids), None)
            if own_page is not None:
                d["Pg"] = page_ref(own_page)
            kids: list[Any] = [ref(c) for c in e.children]
            for kind, page, value in e.kids:
                if kind == "mcid":
                    kids.append(value if page == own_page else pdfdoc.PDFDictionary(
                        {"Type": pdfdoc.PDFName("MCR"), "Pg": page_ref(page), "MCID": value}))
                elif kind == "elem":
                    kids.append(ref(value))
                else:
                    kids.append(pdfdoc.PDFDictionary({
                        "Type": pdfdoc.PDFName("OBJR"), "Obj": doc.refAnnotation(value), "Pg": page_ref(page)}))
            if kids:
                d["K"] = pdfdoc.PDFArray(kids) if len(kids) > 1 else kids[0]
            if node.alt is not None:
                d["Alt"] = pdfdoc.PDFString(node.alt)
            if node.actual_text is not None:
                d["ActualText"] = pdfdoc.PDFString(node.actual_text)
            if node.lang:
                d["Lang"] = pdfdoc.PDFString(node.lang)
            doc.Reference(pdfdoc.PDFDictionary(d), name(e))
            for c in e.children:
                write(c, ref(e))
            for kind, _, value in e.kids:
                if kind == "elem":
                    write(value, ref(e))

        write(self.root, root_ref)
        nums: list[Any] = []
        for key in sorted(self.parent_tree):
            value = self.parent_tree[key]
            nums.append(key)
            nums.append(pdfdoc.PDFArray([ref(e) for e in value]) if isinstance(value, list) else ref(value))
        tree_root["K"] = ref(self.root)
        tree_root["ParentTree"] = pdfdoc.PDFDictionary({"Nums": pdfdoc.PDFArray(nums)})
        tree_root["ParentTreeNextKey"] = ANNOTATION_KEYS + self.annotations
        catalog = doc.Catalog
        catalog.StructTreeRoot = root_ref
        catalog.MarkInfo = pdfdoc.PDFDictionary({"Marked": "true"})

    def _prune(self, e: _Elem) -> None:
        """Elements that received no content (a box left out, a photo's missing caption) are not written."""
        e.children = [c for c in e.children if c.used()]
        for c in e.children:
            self._prune(c)


def _tag(e: _Elem) -> str:
    return e.node.role


def page_keys(page: Any, struct_parents: int) -> None:
    """/StructParents and /Tabs /S on a ReportLab page object (its dictionary writes only the keys it lists)."""
    page.__NoDefault__ = [*type(page).__NoDefault__, "StructParents", "Tabs"]
    page.StructParents = struct_parents
    page.Tabs = pdfdoc.PDFName("S")


class TaggedAnnotation(pdfdoc.PDFObject):
    """A ReportLab annotation (a dictionary or an Annotation object) with the keys PDF/UA asks of it."""

    def __init__(self, inner: Any, struct_parent: int, contents: str) -> None:
        self.inner, self.struct_parent, self.contents = inner, struct_parent, contents

    def format(self, document):  # type: ignore[no-untyped-def]
        d = self.inner if isinstance(self.inner, pdfdoc.PDFDictionary) else self.inner.Dict()
        d["StructParent"] = self.struct_parent
        d["Contents"] = pdfdoc.PDFString(self.contents)
        d["F"] = 4  # printable
        return d.format(document)


def _own_hyphen(line: str) -> bool:
    """Is the hyphen that ends this line the word's own? Hyphenation adds one only to a word with no hyphen in it
    (layout/hyphenate.py), and never inside an address; so when the line's last word has another hyphen, a slash
    or an @ before it, a long address or compound was broken after its own hyphen, which copies out as written."""
    head = line.rsplit(" ", 1)[-1][:-1]
    return any(c in head for c in "-/@")


class LineText(ShapedText):
    """A text object whose lines end as written text does: a line broken after a word ends with a real space, so
    words do not run together when the text is read or copied; a line broken inside a word (its hyphen added by
    hyphenation) ends with a soft hyphen, so the word joins again (the fonts draw U+00AD as the hyphen itself); a
    line broken after an address's own hyphen keeps that hyphen (`_own_hyphen`)."""

    _anso_tail = ""  # the last character drawn

    def _textOut(self, text: str, TStar: int = 0) -> None:  # noqa: N803 (ReportLab's names)
        if TStar:
            if text.endswith("-") and _own_hyphen(text):
                pass  # the address goes on on the next line: nothing between
            elif text.endswith("-") and _has_glyph(self._fontname, 0xAD):
                text = text[:-1] + "\u00ad"
            elif (text or self._anso_tail)[-1:] not in ("", " ", "\u00ad", "\n"):
                text += " "
        if text:
            self._anso_tail = text[-1]
        with self._language(text):
            super()._textOut(text, TStar)

    def textOut(self, text: str) -> None:  # noqa: N802 (ReportLab's name)
        if text:
            self._anso_tail = text[-1]
        with self._language(text):
            super().textOut(text)

    @contextmanager
    def _language(self, text: str) -> Iterator[None]:
        """Text in another script than the document's (the CJK fallback font's runs) is marked with its /Lang."""
        tags: Tagger | None = getattr(self._canvas, "tags", None)
        # only the fallback font sets other scripts (layout/inline.py): other runs are not looked at
        lang = script_language(text) if self._fontname == FALLBACK and getattr(self, "_anso", None) else None
        if tags is None or lang is None or tags.language.split("-")[0].lower() == lang.split("-")[0]:
            yield
            return
        with tags.language_span(self, lang):
            yield


def script_language(text: str) -> str | None:
    """The language a run's script tells, where it tells one: kana Japanese, hangul Korean, Han alone Chinese."""
    scripts = {_script(ch) for ch in text if ord(ch) > 0x2E7F}
    if "kana" in scripts:
        return "ja"
    if "hangul" in scripts:
        return "ko"
    if "han" in scripts:
        return "zh"
    return None


def _script(ch: str) -> str:
    code = ord(ch)
    if 0x3040 <= code <= 0x30FF or 0x31F0 <= code <= 0x31FF or 0xFF66 <= code <= 0xFF9F:
        return "kana"
    if 0xAC00 <= code <= 0xD7AF or 0x1100 <= code <= 0x11FF or 0x3130 <= code <= 0x318F:
        return "hangul"
    if 0x3400 <= code <= 0x9FFF or 0xF900 <= code <= 0xFAFF or 0x20000 <= code <= 0x3FFFF:
        return "han"
    return ""


def _has_glyph(font_name: str | None, code: int) -> bool:
    face = getattr(getFont(font_name), "face", None) if font_name else None
    return face is not None and code in face.charToGlyph


_PAINTING = ("line", "lines", "cross", "grid", "bezier", "arc", "rect", "ellipse", "wedge", "circle", "roundRect",
             "shade", "linearGradient", "radialGradient", "drawPath", "drawImage", "drawInlineImage", "doForm",
             "drawBoundary")


class TaggingCanvas(Canvas):
    """A canvas that marks what it draws for its Tagger (`tags`; None draws untagged)."""

    tags: Tagger | None = None
    _anso_painting = 0
    _anso_href: str | None = None
    _anso_rect: Any = None  # a link annotation's rectangle, in the space of the text it is over
    _anso_contents = ""

    def beginText(self, x: float = 0, y: float = 0, direction: Any = None) -> Any:  # noqa: N802 (ReportLab's name)
        tx = LineText(self, x, y, direction=direction)
        if self.tags is not None:
            self.tags.begin_text(tx)
            tx._anso_marked = True
        return tx

    def drawText(self, aTextObject: Any) -> None:  # noqa: N802, N803
        if self.tags is not None and getattr(aTextObject, "_anso_marked", False):
            self.tags.end_text(aTextObject)
            aTextObject._anso_marked = False
        super().drawText(aTextObject)

    def tagged(self, key: str) -> Any:
        """The structure element `key` open while drawing (what layout/document.py's `tagged` calls)."""
        return self.tags.element(key) if self.tags is not None else _nothing()

    def _setAnnotations(self, page: Any) -> None:  # noqa: N802
        super()._setAnnotations(page)
        if self.tags is not None:
            page_keys(page, self.tags.end_page())

    def _startPage(self) -> None:  # noqa: N802
        super()._startPage()
        if self.tags is not None:
            self.tags.start_page(self._doc.thisPageName())

    def _addAnnotation(self, annotation: Any, name: str | None = None, addtopage: int = 1) -> None:  # noqa: N802
        if self.tags is not None:
            name = name or "NUMBER" + repr(self._annotationCount + 1)
            key = self.tags.annotation(name, self._anso_href, self._anso_rect)
            annotation = TaggedAnnotation(annotation, key, self._anso_contents or "Link")
        super()._addAnnotation(annotation, name, addtopage)


def _painting(name: str) -> Any:
    drawn = getattr(Canvas, name)

    def method(self: TaggingCanvas, *args: Any, **kwargs: Any) -> Any:
        if self.tags is None or self._anso_painting:
            return drawn(self, *args, **kwargs)
        begin, end = self.tags.paint()
        self._code.append(begin)
        self._anso_painting += 1
        try:
            return drawn(self, *args, **kwargs)
        finally:
            self._anso_painting -= 1
            self._code.append(end)

    method.__name__ = name
    method.__doc__ = drawn.__doc__
    return method


for _name in _PAINTING:
    setattr(TaggingCanvas, _name, _painting(_name))


@contextmanager
def _nothing() -> Iterator[None]:
    yield
