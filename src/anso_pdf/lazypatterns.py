"""Patterns ReportLab and pikepdf compile when imported and a render seldom uses, compiled on first use instead."""

from __future__ import annotations

import re
from typing import Any

# Each (pattern, flags) exactly as its library compiles it at import. A stand-in put in `re`'s cache under that
# key first is what the library's re.compile returns, and it compiles the real pattern the first time anything is
# asked of it. ReportLab's URI pattern alone (its [a-z\xa1-\uffff] classes folded for re.I) cost 27 ms of every
# start. A library that changes its pattern compiles it at import again, as before (slower, never different):
# tests/test_lazypatterns.py fails then, so the list is kept true.
_URI = (  # reportlab/platypus/paragraph.py uri_pat, used only when ReportLab itself hyphenates a word
    "(^(?:[a-z0-9\\.\\-\\+]*)://)(?:\\S+(?::\\S*)?@)?(?:(?:25[0-5]|2[0-4]\\d|[0-1]?\\d?\\d)(?:\\.(?:25[0-5]|2[0-4]\\d"
    "|[0-1]?\\d?\\d)){3}|\\[[0-9a-f:\\.]+\\]|([a-z\xa1-\uffff0-9](?:[a-z\xa1-\uffff0-9-]{0,61}[a-z\xa1-\uffff0-9])?"
    "(?:\\.(?!-)[a-z\xa1-\uffff0-9-]{1,63}(?<!-))*\\.(?!-)(?:[a-z\xa1-\uffff-]{2,63}|xn--[a-z0-9]{1,59})(?<!-)\\.?"
    "|localhost))(?::\\d{2,5})?(?:[/?#][^\\s]*)?\\Z"
)
DEFERRED: dict[str, tuple[str, int]] = {
    "reportlab.platypus.paragraph.uri_pat": (_URI, re.IGNORECASE),
    "reportlab.lib.textsplit.rx": ("([\u2e80-\uffff])", re.UNICODE),  # used by cjkwrap only
    "pikepdf.models.metadata._constants.re_xml_illegal_chars": (  # used when pikepdf edits XMP: never here
        r"(?u)[^\x09\x0A\x0D\x20-\U0000D7FF\U0000E000-\U0000FFFD\U00010000-\U0010FFFF]", 0),
}


class LazyPattern:
    """Stands in for a compiled pattern and compiles it the first time any of its attributes is asked for."""

    def __init__(self, pattern: str, flags: int) -> None:
        self._key = (str, pattern, int(flags))
        self._compiled: re.Pattern[str] | None = None

    def __getattr__(self, name: str) -> Any:
        if self._compiled is None:
            cache = getattr(re, "_cache", None)
            if isinstance(cache, dict) and cache.get(self._key) is self:
                del cache[self._key]  # so that re.compile below compiles instead of returning this stand-in
            self._compiled = re.compile(self._key[1], self._key[2])
        return getattr(self._compiled, name)


def defer() -> None:
    """Put the stand-ins in `re`'s cache; called once before any of these libraries is imported."""
    cache = getattr(re, "_cache", None)
    if not isinstance(cache, dict):  # another Python's re: every pattern compiled at import, as before
        return
    for pattern, flags in DEFERRED.values():
        cache.setdefault((str, pattern, int(flags)), LazyPattern(pattern, flags))
