"""What may reach a terminal: user text with its control characters escaped, colour only on a terminal."""

from __future__ import annotations

import os
import shlex
import sys
import unicodedata
from pathlib import Path
from typing import TextIO

# Characters that move the cursor, change colours, reorder text or end a line: shown as escapes, never sent.
# C0 and C1 controls, DEL, the Unicode line and paragraph separators, and the bidirectional overrides and
# isolates (U+202A-U+202E, U+2066-U+2069) that can make a line read differently from what it holds.
_BIDI = {*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F, 0x061C}
_NAMED = {"\t": "\\t", "\n": "\\n", "\r": "\\r", "\x1b": "\\x1b"}


def _unsafe(ch: str) -> bool:
    code = ord(ch)
    return (code < 0x20 or 0x7F <= code <= 0x9F or code in (0x2028, 0x2029) or code in _BIDI
            or 0xD800 <= code <= 0xDFFF)


def escape(text: str) -> str:
    """`text` with every control, separator and direction character written as a visible escape (\\x1b,
    \\u2028, \\t): one printed line stays one line and shows what the file holds."""
    if text.isprintable() and not any(ord(c) in _BIDI for c in text):
        return text
    out = []
    for ch in text:
        if not _unsafe(ch):
            out.append(ch)
        elif ch in _NAMED:
            out.append(_NAMED[ch])
        elif ord(ch) < 0x100:
            out.append(f"\\x{ord(ch):02x}")
        else:
            out.append(f"\\u{ord(ch):04x}")
    return "".join(out)


def width(text: str) -> int:
    """Columns `text` takes on a terminal: wide East Asian characters two, combining marks none."""
    total = 0
    for ch in text:
        if unicodedata.combining(ch) or unicodedata.category(ch) in ("Mn", "Me", "Cf"):
            continue
        total += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return total


def quote_path(path: Path | str) -> str:
    """A path as it can be typed back into a shell: quoted when it holds spaces or shell characters, and
    with its control characters escaped (an escaped path is then shown in $'...' form)."""
    text = str(path)
    shown = escape(text)
    if shown != text:
        return "$'" + shown.replace("'", "\\'") + "'"
    return shlex.quote(text)


class Style:
    """ANSI colours for one stream, or none. Colour is used only on a terminal, never with NO_COLOR or
    --no-color (https://no-color.org), and FORCE_COLOR forces it."""

    CODES = {"error": "1;31", "warning": "1;33", "note": "1;36", "hint": "1;32", "gutter": "34", "caret": "1;31",
             "caret-warning": "1;33", "bold": "1"}

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled

    def __call__(self, role: str, text: str) -> str:
        if not self.enabled or not text:
            return text
        return f"\x1b[{self.CODES[role]}m{text}\x1b[0m"


NO_COLOR: list[bool] = [False]  # set by --no-color


def colour_for(stream: TextIO | None = None) -> Style:
    stream = stream or sys.stderr
    if NO_COLOR[0] or os.environ.get("NO_COLOR"):
        return Style(False)
    if os.environ.get("FORCE_COLOR"):
        return Style(True)
    try:
        return Style(stream.isatty() and os.environ.get("TERM") != "dumb")
    except (AttributeError, ValueError):
        return Style(False)
