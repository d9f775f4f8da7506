"""Fill columns with blocks: the widow, orphan, keep-with-next and no-hyphen-at-the-foot rules, and balancing.

Nothing here knows about pages or sections: a `ColumnFiller` is given a run of blocks, a column width and the
room of each column, and says what goes in each column and what is left over. Blocks are anything with the
`Block` shape below (ReportLab flowables have it; the tests use small fake blocks of known height)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from reportlab.lib.enums import TA_JUSTIFY, TA_LEFT

from anso_pdf.layout.inline import restyled
from anso_pdf.units import mm

EPS = 1e-6


class Block(Protocol):
    """What the column filler needs of a block: its size at a width, and how it splits across columns.

    `space_before`, `keep_with_next` and `anso_id` are optional attributes (read with defaults), since
    ReportLab's own paragraphs do not have them until the story gives them."""

    def wrap(self, aw: float, ah: float) -> tuple[float, float]: ...

    def split(self, aw: float, ah: float) -> list[Any]: ...


def space_before(block: Any) -> float:
    return float(getattr(block, "space_before", 0.0))


def keeps_with_next(block: Any) -> bool:
    return bool(getattr(block, "keep_with_next", False))


def ident(block: Any) -> str:
    return str(getattr(block, "anso_id", ""))


@dataclass
class Column:
    """One column as filled: its blocks top to bottom with their heights, and the height used."""

    placed: list[tuple[Any, float]] = field(default_factory=list)  # (block, height), top to bottom
    used: float = 0.0
    hyphen_at_foot: bool = False  # it ends in a hyphenated word no other break could avoid

    def offsets(self) -> list[tuple[Any, float, float]]:
        """(block, distance of its top below the column's top, height), top to bottom, as placed."""
        out, y = [], 0.0
        for n, (block, h) in enumerate(self.placed):
            if n:
                y += space_before(block)
            out.append((block, y, h))
            y += h
        return out


class ColumnFiller:
    """Columns filled in order, and balanced: the rules body text keeps when it crosses a column."""

    def __init__(self, leading: float) -> None:
        self.L = leading

    def fill(self, run: Sequence[Any], width: float, heights: Sequence[float]) -> tuple[list[Column], list[Any]]:
        """Fill one column per height, in order; return the columns and the blocks (or parts) left over.

        A heading (keep_with_next) never ends a column without two lines of what follows; a paragraph split
        across columns does not end a column on a hyphen when breaking a line or two earlier avoids it."""
        for block in run:
            _align_for_measure(block, width)
        queue = list(run)
        columns: list[Column] = []
        for height in heights:
            column = Column()
            columns.append(column)
            while queue:
                block = queue[0]
                space = space_before(block) if column.placed else 0.0
                room = height - column.used - space
                h = block.wrap(width, max(room, 0.0))[1]
                if h <= room + EPS:
                    if (keeps_with_next(block) and column.placed and len(queue) > 1
                            and not self.starts(queue[1], width, room - h)):
                        break  # a heading never ends a column without two lines of its text
                    column.placed.append((block, h))
                    column.used += space + h
                    queue.pop(0)
                    continue
                parts = block.split(width, room) if room > 0 and not keeps_with_next(block) else []
                if len(parts) >= 2 and _ends_hyphenated(parts[0], width, room):
                    # no hyphen at the foot of a column: break a line or two earlier when the paragraph allows it
                    for lines in (1, 2):
                        earlier = block.split(width, room - lines * self.L)
                        if len(earlier) >= 2 and not _ends_hyphenated(earlier[0], width, room):
                            parts = earlier
                            break
                    else:
                        if column.placed:  # the whole paragraph starts the next column instead
                            parts = []
                if len(parts) >= 2:
                    name = ident(block)
                    for part in parts:
                        part.anso_id = name
                        part.space_before = 0.0
                    first = parts[0]
                    fh = first.wrap(width, room)[1]
                    if fh <= room + EPS:
                        column.placed.append((first, fh))
                        column.used += space + fh
                        column.hyphen_at_foot = _ends_hyphenated(first, width, room)
                        queue[0:1] = parts[1:]
                break
            while queue and column.placed and keeps_with_next(column.placed[-1][0]):
                # its text did not start here after all (no hyphen at the foot): the heading goes on with it
                head, head_h = column.placed.pop()
                column.used -= head_h + (space_before(head) if column.placed else 0.0)
                queue.insert(0, head)
        return columns, queue

    def balance(self, run: Sequence[Any], columns: int, width: float, avail: float) -> tuple[list[Column], list[Any]]:
        """Fill `columns` columns of at most `avail`; when everything fits, make the columns as short and even
        as possible (on whole grid lines), with no hyphen at the foot of a column but the last."""
        filled, rest = self.fill(run, width, [avail] * columns)
        if rest or columns == 1:
            return filled, rest
        lo, hi = 1, int(avail / self.L + EPS)
        best_height = avail
        while lo <= hi:
            mid = (lo + hi) // 2
            trial, trial_rest = self.fill(run, width, [mid * self.L] * columns)
            if trial_rest or any(c.hyphen_at_foot for c in trial[:-1]):
                lo = mid + 1
            else:
                best_height, hi = mid * self.L, mid - 1
        final, rest = self.fill(run, width, [best_height] * columns)  # again, so the placed blocks are wrapped as drawn
        if rest:
            return self.fill(run, width, [avail] * columns)
        return final, []

    def fill_for_jump(self, run: Sequence[Any], columns: int, width: float, avail: float) -> tuple[list[Column], list[Any]]:
        """Fill the columns of a page a section leaves: the last column keeps one line for the jump line. When the
        text stops before the last column (a heading that cannot start in it), the last column the text reaches
        keeps that line instead and the columns after it stay empty: the jump line is set under the section's
        own text, not under what is above it in another column. When that column cannot keep a line either (a
        heading and the two lines it keeps with), none of the run is set here: all of it goes on after the jump,
        and the jump line goes under the section's last block above the run."""
        last = columns - 1
        while True:
            heights = [avail] * columns
            heights[last] -= self.L
            heights[last + 1 :] = [0.0] * (columns - last - 1)
            filled, rest = self.fill(run, width, heights)
            used = [i for i, column in enumerate(filled) if column.placed]
            if not used or used[-1] == last or last == 0:
                return filled, rest
            last = used[-1]

    def no_widow_over_the_page(self, run: Sequence[Any], columns: int, width: float, avail: float,
                               filled: list[Column], rest: list[Any], next_width: float) -> tuple[list[Column], list[Any]]:
        """ReportLab keeps two lines after a split at the width where it splits; the rest may reflow wider on
        the next page (`next_width`) into one line. Carry a line or two more over when that would happen."""
        if not rest or not hasattr(rest[0], "frags") or not ident(rest[0]):
            return filled, rest
        if _line_count(rest[0], next_width) >= 2:
            return filled, rest
        for fewer in (1, 2):
            heights = [avail] * columns
            heights[-1] -= fewer * self.L
            trial, trial_rest = self.fill(run, width, heights)
            if trial_rest and hasattr(trial_rest[0], "frags") and _line_count(trial_rest[0], next_width) >= 2:
                return trial, trial_rest
        return filled, rest

    def starts(self, block: Any, width: float, room: float) -> bool:
        """Can `block` begin in `room`: whole, or with at least two of its lines?"""
        if room <= 0:
            return False
        space = space_before(block)
        h = block.wrap(width, room)[1]
        if h + space <= room + EPS:
            return True
        if keeps_with_next(block):
            return False
        parts = block.split(width, room - space)
        return len(parts) >= 2


def _line_count(para: Any, width: float) -> int:
    """Lines of a paragraph at another width; the measurement is then stale, so the next wrap redoes it."""
    count = len(para.breakLines([width]).lines)
    para._measured = None
    return count


def _ends_hyphenated(part: Any, width: float, room: float) -> bool:
    part.wrap(width, room)
    lines = getattr(getattr(part, "blPara", None), "lines", None)
    if not lines:
        return False
    last = lines[-1]
    words = last[1] if isinstance(last, tuple) else getattr(last, "words", [])
    if not words:
        return False
    text = words[-1] if isinstance(words[-1], str) else getattr(words[-1], "text", "")
    return str(text).endswith("-")


NARROW = mm(62)  # justified text in narrower columns is loose: set it ragged-right (docs/typography.md)
_RAGGED: dict[str, Any] = {}
RAGGED_SHRINK = 0.05  # ReportLab's default, as before justified text shrank more (layout/styles.py)


def _align_for_measure(flowable: Any, width: float) -> None:
    """Body text is justified in wide columns and ragged-right in narrow ones; set before measuring."""
    style = getattr(flowable, "style", None)
    if style is None or not hasattr(flowable, "frags"):
        return
    original = getattr(style, "justified_original", None)
    if width < NARROW and style.alignment == TA_JUSTIFY:
        if style.name not in _RAGGED or _RAGGED[style.name].justified_original is not style:
            # ReportLab: same class; word spaces never shrink in ragged text (ReportLab's breaker would let a line
            # run past the column by the justified text's shrink)
            ragged = type(style)(style.name + "-ragged", parent=style, alignment=TA_LEFT, spaceShrinkage=RAGGED_SHRINK)
            ragged.justified_original = style
            _RAGGED[style.name] = ragged
        target = _RAGGED[style.name]
    elif width >= NARROW and original is not None:
        target = original
    else:
        return
    if target.firstLineIndent != style.firstLineIndent:
        # the second part of a split paragraph has no first-line indent (ReportLab drops it from the part's
        # style): it keeps none when it moves to a column of the other alignment
        target = restyled(target, firstLineIndent=style.firstLineIndent)
    flowable.style = target
