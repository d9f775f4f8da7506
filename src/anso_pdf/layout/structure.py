"""The logical structure of the laid-out issue (the tagged PDF's tree), in reading order, shared by both profiles.

The tree is built from the finished layout, not from the drawing order: the masthead, the "This Issue" box
(TOC), one Sect per section with everything placed for it on any page (a section continued on a later page is
one Sect), and the contact box last. Every paragraph, photo and caption that is drawn carries the key of its
element (`anso_tag` on ReportLab paragraphs, `figures` for photos); render/tags.py gives each drawn piece a
marked-content id and joins it to that element, so a paragraph split over columns or pages is one element.
What carries no key (rules, tints, badges' backgrounds, ornaments, footers, jump lines) is drawn as an artifact.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from anso_pdf.layout import flowables as F
from anso_pdf.layout.document import LaidOutPage
from anso_pdf.model.issue import Image


@dataclass
class Node:
    """One structure element: its standard role, the key drawing uses to find it, and what it says for itself."""

    role: str
    key: str = ""
    alt: str | None = None  # Figure: the alternative text
    actual_text: str | None = None  # what the element's glyphs stand for (an event badge: the full date)
    lang: str | None = None
    children: list[Node] = field(default_factory=list)
    sequence: bool = False  # LI of a bulleted paragraph: its text objects go to its children in turn (Lbl, LBody)

    def walk(self) -> Iterator[Node]:
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass
class Structure:
    """The tree, and the keys photos are drawn under (None: decorative, an artifact)."""

    root: Node
    figures: dict[int, str | None]  # id(Image) -> the Figure's key

    def nodes(self) -> dict[str, Node]:
        return {n.key: n for n in self.root.walk() if n.key}


_ARTICLE_TITLE = re.compile(r"\.(a\d+|events|gallery)\.title$")


def build(pages: list[LaidOutPage], section_order: list[str], language: str,
          section_languages: dict[str, str] | None = None) -> Structure:
    """The structure tree of the laid-out pages; it also writes each paragraph's element key on it. A section
    written in another language than the newsletter's (its `language:`) is a Sect with its own /Lang."""
    b = _Builder()
    doc = Node("Document", lang=language)
    sections: dict[str, Node] = {}
    fixed: dict[str, Any] = {}
    for page in pages:
        for placed in page.placed:
            if placed.kind == "fixed":
                fixed.setdefault(placed.ident, placed.flowable)
                continue
            sect = sections.setdefault(placed.section, Node("Sect", key=placed.section,
                                                            lang=(section_languages or {}).get(placed.section)))
            b.flow(sect, placed.flowable, placed.ident)
    if "masthead" in fixed:
        b.masthead(doc, fixed["masthead"])
    if "contents" in fixed:
        b.contents(doc, fixed["contents"])
    for key in section_order:
        if key in sections:
            doc.children.append(sections[key])
    if "contact" in fixed:
        b.contact(doc, fixed["contact"])
    _no_skipped_levels(doc)
    return Structure(doc, b.figures)


class _Builder:
    def __init__(self) -> None:
        self.figures: dict[int, str | None] = {}
        self.open_list: Node | None = None  # the list the next bulleted paragraph joins
        self.open_list_parent: Node | None = None

    @staticmethod
    def tag(para: Any, key: str) -> None:
        if para is not None:
            para.anso_tag = key

    def leaf(self, parent: Node, role: str, para: Any, key: str, **kw: Any) -> Node | None:
        if para is None:
            return None
        node = Node(role, key, **kw)
        parent.children.append(node)
        self.tag(para, key)
        return node

    def figure(self, parent: Node, image: Image, caption: Any, key: str) -> None:
        alt = image_alt(image)
        if alt is None:  # decorative: the photo is an artifact, its caption (if any) a paragraph
            self.figures[id(image)] = None
            self.leaf(parent, "P", caption, f"{key}.caption")
            return
        div = Node("Div", f"{key}.div")
        div.children.append(Node("Figure", f"{key}.figure", alt=alt))
        self.figures[id(image)] = f"{key}.figure"
        self.leaf(div, "Caption", caption, f"{key}.caption")
        parent.children.append(div)

    # --- the story -----------------------------------------------------------------------------------

    def flow(self, sect: Node, flowable: Any, ident: str) -> None:
        bulleted = bool(getattr(flowable, "bulletText", None))
        if hasattr(flowable, "frags"):  # a body paragraph, or a part of one
            if bulleted:
                self.list_item(sect, flowable, ident)
            else:
                self.open_list = None
                self.paragraph(sect, flowable, ident, "P")
            return
        if not ident:  # jump lines and "Continued from" heads: navigation, drawn as artifacts
            return
        if isinstance(flowable, F.Row):
            for cell in flowable.cells:
                if getattr(cell, "anso_id", ""):
                    self.cell(sect, cell, cell.anso_id)
            return
        self.open_list = None
        if isinstance(flowable, F.SectionHeading):
            self.leaf(sect, "P", flowable.kicker, f"{ident}.kicker")
            self.leaf(sect, "H2", flowable.title, ident)
        elif isinstance(flowable, F.GridPad):
            role = "H3" if _ARTICLE_TITLE.search(ident) else "P"
            self.leaf(sect, role, flowable.inner, ident)
        elif isinstance(flowable, F.CaptionedPhoto):
            self.figure(sect, flowable.image, flowable.caption, ident)
        elif isinstance(flowable, F.PullQuote):
            quote = Node("BlockQuote", f"{ident}.quote")
            self.leaf(quote, "P", flowable.text, ident)
            self.leaf(quote, "P", flowable.by, f"{ident}.by")
            sect.children.append(quote)

    def paragraph(self, parent: Node, para: Any, ident: str, role: str) -> None:
        if any(n.key == ident for n in parent.children):  # a later part of a split paragraph: the same element
            self.tag(para, ident)
            return
        self.leaf(parent, role, para, ident)

    def list_item(self, sect: Node, para: Any, ident: str) -> None:
        self.tag(para, ident)
        if self.open_list is not None and any(li.key == ident for li in self.open_list.children):
            return  # a later part of the same item
        if self.open_list is None or self.open_list_parent is not sect:
            self.open_list = Node("L", f"{ident}.list")
            self.open_list_parent = sect
            sect.children.append(self.open_list)
        item = Node("LI", ident, sequence=True)
        item.children = [Node("Lbl", f"{ident}.lbl"), Node("LBody", f"{ident}.body")]
        self.open_list.children.append(item)

    def cell(self, sect: Node, cell: Any, ident: str) -> None:
        if isinstance(cell, F.EventCard):
            events = ident.rsplit(".", 1)[0]
            strip = next((n for n in sect.children if n.key == f"{events}.list"), None)
            if strip is None:
                strip = Node("L", f"{events}.list")
                sect.children.append(strip)
            item = Node("LI", ident)
            label = Node("Lbl", f"{ident}.date", actual_text=getattr(cell, "date_text", None))
            body = Node("LBody", f"{ident}.body")
            for part in cell.badge_parts():
                self.tag(part, label.key)
            self.leaf(body, "P", cell.title, f"{ident}.title")
            self.leaf(body, "P", cell.place, f"{ident}.place")
            item.children = [label, body]
            strip.children.append(item)
        elif isinstance(cell, F.CaptionedPhoto):
            self.figure(sect, cell.image, cell.caption, ident)

    # --- page 1's fixed parts ------------------------------------------------------------------------

    def masthead(self, doc: Node, mast: Any) -> None:
        self.leaf(doc, "H1", mast.name, "masthead.name")
        if mast.logo is not None:
            alt = image_alt(mast.logo, logo=True)
            self.figures[id(mast.logo)] = "masthead.logo" if alt else None
            if alt:
                doc.children.append(Node("Figure", "masthead.logo", alt=alt))
        self.leaf(doc, "P", mast.tagline, "masthead.tagline")
        self.leaf(doc, "P", mast.issue, "masthead.issue")
        self.leaf(doc, "P", mast.date, "masthead.date")

    def contents(self, doc: Node, panel: Any) -> None:
        title, *entries = panel.parts
        self.leaf(doc, "H2", title, "contents.title")
        toc = Node("TOC", "contents.toc")
        for n, entry in enumerate(entries, start=1):
            if isinstance(entry, F.ContentsEntry):
                key = f"contents.e{n}"
                entry.anso_tag = key
                toc.children.append(Node("TOCI", key))
        doc.children.append(toc)

    def contact(self, doc: Node, panel: Any) -> None:
        title, *parts = panel.parts
        box = Node("Div", "contact")
        self.leaf(box, "H2", title, "contact.title")
        for n, part in enumerate(parts, start=1):
            self.leaf(box, "P", part, f"contact.p{n}")
        doc.children.append(box)


def image_alt(image: Image, *, logo: bool = False) -> str | None:
    """The photo's alternative text: its `alt:`, else (meanwhile, with a warning) its caption; None if decorative."""
    alt = getattr(image, "alt", None)
    if alt is not None:
        return alt.strip() or None
    if logo:
        return None  # a logo without alt text is the newsletter's name again: drawn as an artifact
    return image.caption or "Photo"


def _no_skipped_levels(root: Node) -> None:
    """Headings in reading order never go down more than one level (H1, H2, H3; an H3 after an H1 becomes H2)."""
    last = 0
    for node in root.walk():
        if node.role in ("H1", "H2", "H3", "H4", "H5", "H6"):
            level = min(int(node.role[1]), last + 1)
            node.role = f"H{level}"
            last = level
