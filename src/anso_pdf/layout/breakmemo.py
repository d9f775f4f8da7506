"""Remember total-fit line breaks between runs: paragraph words and measure -> the lines layout/linebreak.py chose
(issue #6).

Breaking the body paragraphs, with the hyphenation points of every word, is half of what a layout costs when the
fits are already known (about 45 ms of 80 for the sample). The lines depend only on the words, the font and size,
the line widths, the hyphenation language and the breaker's settings, so they are kept in the cache, one entry
for this code and these fonts, holding the paragraphs of the last few renders. An edited paragraph is simply
not found and is broken again.
"""

from __future__ import annotations

import marshal
from typing import Any

from anso_pdf import cache as store

_KIND = "linebreaks"
_LIMIT = 6000  # paragraphs kept: a few issues' worth

Lines = tuple[list[tuple[float, list[str]]], int]  # (extra width, words) per line; hyphenated lines

_state: dict[str, Any] = {}  # "name": the entry's cache name, "stored": what it held, "used": what this run used


def recall(key: tuple[Any, ...], rebuild: dict[str, type]) -> Lines | None:
    """The lines kept for `key`, their words rebuilt with the word classes in `rebuild` (by class name)."""
    stored = _stored()
    if stored is None:
        return None
    got = stored.get(repr(key))
    if got is None:
        return None
    try:
        lines = [(float(extra), [rebuild[kind](text) for kind, text in words]) for extra, words in got[0]]
        result = (lines, int(got[1]))
    except (KeyError, TypeError, ValueError):
        return None
    _state["used"][repr(key)] = got
    return result


def keep(key: tuple[Any, ...], result: Lines) -> None:
    """Note lines broken in this run, to be kept by `save`."""
    if _stored() is None:
        return
    lines, hyphenated = result
    _state["used"][repr(key)] = ([(extra, [(type(w).__name__, str(w)) for w in words]) for extra, words in lines],
                                 hyphenated)
    _state["changed"] = True


def save() -> None:
    """Write the paragraphs this run used first, then the ones kept before, up to _LIMIT; nothing when this run
    found everything it needed."""
    if not _state.get("changed") or _stored() is None:
        return
    used, stored = _state["used"], _state["stored"]
    merged = dict(used)
    for key, value in stored.items():
        if len(merged) >= _LIMIT:
            break
        merged.setdefault(key, value)
    store.write_blob(_KIND, _state["name"], marshal.dumps(merged))
    _state["stored"], _state["changed"] = merged, False


def begin(name: str) -> None:
    """Use the entry of this name (it says which code, fonts and settings the lines were broken with)."""
    if _state.get("name") != name:
        _state.clear()
        _state.update(name=name, used={}, changed=False)


def _stored() -> dict[str, Any] | None:
    if "name" not in _state or not store.enabled():
        return None
    if "stored" not in _state:
        blob = store.read_blob(_KIND, _state["name"])
        stored: dict[str, Any] = {}
        if blob is not None:
            try:
                loaded = marshal.loads(blob)
                stored = loaded if isinstance(loaded, dict) else {}
            except (ValueError, EOFError, TypeError):
                stored = {}
        _state["stored"] = stored
    return _state["stored"]
