"""Make U+202F NARROW NO-BREAK SPACE a no-break space in ReportLab's paragraphs, as Unicode says it is.

ReportLab 5.1.0 (pinned) lists U+202F among the characters that separate words (paragraph._wsc), so French
thin spaces before ; : ! ? and inside « » would end lines and be drawn as full word spaces. Its word
splitting is rebuilt here without U+202F, the way it already treats U+00A0: the space stays inside the word,
is drawn with the font's own narrow glyph and never ends a line. Imported before anything reads those names.
"""

from __future__ import annotations

import re

from reportlab.platypus import paragraph as _paragraph  # noqa: TID251 (its word splitting; no text is set here)

NO_BREAK = "\u00a0\u202f"

_wsc = _paragraph._wsc.replace("\u202f", "")
_split_at_spaces = re.compile(f"[{re.escape(_wsc)}]+").split


def split(text: str | bytes, delim: str | bytes | None = None) -> list[str]:
    """ReportLab's paragraph.split, with no-break spaces kept inside words."""
    if isinstance(text, bytes):
        text = text.decode("utf8")
    if isinstance(delim, bytes):
        delim = delim.decode("utf8")
    if delim is None and ("\u00a0" in text or "\u202f" in text):
        return _split_at_spaces(text)
    return text.split(delim)


_paragraph._wsc = _wsc
_paragraph._wsc_re_split = _split_at_spaces
_paragraph._wsc_end_search = re.compile(f"[{re.escape(_wsc)}]+$").search
_paragraph.split = split
