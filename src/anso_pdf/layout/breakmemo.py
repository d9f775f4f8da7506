"""Remember total-fit line breaks between runs: paragraph words and measure -> the lines layout/linebreak.py chose
(issue #6).

Breaking the body paragraphs, with the hyphenation points of every word, is half of what a layout costs when the
fits are already known (about 45 ms of 80 for the sample). The lines depend only on the words, the font and size,
the line widths, the hyphenation language and the breaker's settings, so they are kept in the cache, one entry
for this code and these fonts, holding the paragraphs of the last few renders up to a byte limit (issue #17: an
unbounded entry grew to 22-66 MB that every later run loaded). An edited paragraph is simply not found and is
broken again. The entry is JSON (plain data), and every line read back is checked before use.
"""

from __future__ import annotations

import json
from itertools import chain
from typing import Any

from anso_pdf import cache as store

_KIND = "linebreaks"
_LIMIT = 6000  # paragraphs kept: a few issues' worth
LIMIT_BYTES = store.LIMITS[_KIND]  # and at most this much JSON: what is read back stays small

# (extra width, words) per line; hyphenated lines; set ragged-right as too loose to justify (layout/linebreak.py)
Lines = tuple[list[tuple[float, list[str]]], int, bool]

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
        lines = [(_number(extra), [rebuild[kind](_text(text)) for kind, text in words]) for extra, words in got[0]]
        ragged = list(got[2:]) == [1]  # kept only when set (an entry of two items: justified as its style says)
        if len(got) not in (2, 3) or (len(got) == 3 and not ragged):
            raise ValueError(got)
        result = (lines, int(_number(got[1])), ragged)
    except (KeyError, TypeError, ValueError):
        return None
    _state["used"][repr(key)] = got
    return result


def _number(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value:
        raise TypeError(value)
    return float(value)


def _text(value: object) -> str:
    if not isinstance(value, str):
        raise TypeError(value)
    return value


def keep(key: tuple[Any, ...], result: Lines) -> None:
    """Note lines broken in this run, to be kept by `save`."""
    if _stored() is None:
        return
    lines, hyphenated, *ragged = result  # (lines and hyphens alone: not set ragged)
    _state["used"][repr(key)] = ([(extra, [(type(w).__name__, str(w)) for w in words]) for extra, words in lines],
                                 hyphenated, *([1] if any(ragged) else []))
    _state["changed"] = True


def save() -> None:
    """Write the paragraphs this run used first, then the ones kept before, up to _LIMIT paragraphs and
    LIMIT_BYTES bytes; nothing when this run found everything it needed."""
    if not _state.get("changed") or _stored() is None:
        return
    used, stored = _state["used"], _state["stored"]
    merged: dict[str, Any] = {}
    items: list[bytes] = []
    size = 2  # the braces
    for key, value in chain(used.items(), stored.items()):
        if key in merged:
            continue
        if len(merged) >= _LIMIT:
            break
        item = (json.dumps(key) + ":" + json.dumps(value, separators=(",", ":"))).encode()
        if size + len(item) + 1 > LIMIT_BYTES:
            continue  # too large for what is left: a later, smaller paragraph may still fit
        merged[key] = value
        items.append(item)
        size += len(item) + 1
    store.write_blob(_KIND, _state["name"], b"{" + b",".join(items) + b"}")
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
                loaded = json.loads(blob)
                stored = loaded if isinstance(loaded, dict) else {}
            except (ValueError, RecursionError):
                stored = {}
        _state["stored"] = stored
    return _state["stored"]
