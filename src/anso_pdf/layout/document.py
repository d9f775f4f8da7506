"""The finished layout: what is placed where on each of the four pages, ready to draw in any profile."""

from __future__ import annotations

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


@dataclass
class LaidOutIssue:
    pages: list[LaidOutPage]
    page_width: float
    page_height: float
    section_pages: dict[str, int]  # section key -> page where it starts
    continuation_pages: dict[str, int]  # section key -> page where its text goes on
    outline: list[tuple[str, str, int, int]]  # (title, anchor, level, page)
    fit_notes: list[str]

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
