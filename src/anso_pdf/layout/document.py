"""The finished layout: what is placed where on each of the four pages, ready to draw in any profile."""

from __future__ import annotations

from contextlib import nullcontext
from dataclasses import dataclass, field
from typing import Any

from anso_pdf.model.issue import Image


@dataclass
class Placed:
    """A flowable at its place: (x, y) is its bottom left in trim coordinates, in points."""

    flowable: Any
    x: float
    y: float
    width: float
    height: float
    kind: str  # "flow" (the story), "fixed" (masthead, sidebar, footer)
    ident: str = ""
    section: str = ""  # the section key of story content


@dataclass
class LaidOutPage:
    number: int
    placed: list[Placed] = field(default_factory=list)


@dataclass(frozen=True)
class PhotoUse:
    """A photo as drawn: its placed size in points and the part shown."""

    image: Image
    width: float
    height: float
    crop: Any


@dataclass(frozen=True)
class PageFill:
    """How full one page's story area is: what the page report (cli/pagereport.py) shows."""

    page: int
    empty_share: float  # share of the flow area left empty below the last line, 0..1
    room_lines: int  # about how many body lines of room that is


@dataclass
class LaidOutIssue:
    pages: list[LaidOutPage]
    page_width: float
    page_height: float
    section_pages: dict[str, int]  # section key -> page where it starts
    continuation_pages: dict[str, int]  # section key -> page where its text goes on
    outline: list[tuple[str, str, int, int]]  # (title, anchor, level, page)
    fit_notes: list[str]  # what copyfitting changed, one note per change: "pages 2-3: body set at 9 pt ... to fit"
    fill: list[PageFill] = field(default_factory=list)  # one per page, in page order
    link_ink: Any = None  # the colour of links (the house primary)
    structure: Any = None  # layout/structure.py Structure: the tagged PDF's tree, in reading order

    def section_titles(self) -> dict[str, str]:
        """Section key -> title, for naming what stands on a page."""
        return {anchor: title for title, anchor, level, _page in self.outline if level == 0}

    def sections_on(self, page: LaidOutPage) -> list[str]:
        """The keys of the sections whose story content stands on `page`, in reading order."""
        seen: list[str] = []
        for p in page.placed:
            if p.kind == "flow" and p.section and p.section not in seen:
                seen.append(p.section)
        return seen

    def photo_uses(self) -> list[PhotoUse]:
        uses: list[PhotoUse] = []
        for page in self.pages:
            for p in page.placed:
                uses.extend(getattr(p.flowable, "photo_uses", lambda: [])())
        return uses

    def describe(self) -> str:
        """A plain-text dump of the layout, for tests and debugging."""
        lines = []
        for page in self.pages:
            lines.append(f"page {page.number}")
            for p in page.placed:
                lines.append(f"  {p.kind:5} {p.ident or type(p.flowable).__name__:24} x={p.x:7.1f} y={p.y:7.1f} w={p.width:6.1f} h={p.height:6.1f}")
        return "\n".join(lines)


def tagged(canvas: Any, key: str) -> Any:
    """While drawing, the structure element `key` is open (render/tags.py); nothing on a canvas that does not tag."""
    open_element = getattr(canvas, "tagged", None)
    return open_element(key) if open_element is not None and key else nullcontext()
