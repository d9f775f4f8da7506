"""Turn a BCP 47 language into a hyphenator ReportLab can call: pyphen, two letters before a break and three
after, never in acronyms, words with digits, capitalised abbreviations or hyphenated compounds."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from functools import cache as once

from anso_pdf import cache

Hyphenator = Callable[[str], Iterator[tuple[str, str]]]


@once
def _dictionary(language: str):  # type: ignore[no-untyped-def]
    import pyphen

    tag = language.replace("-", "_")
    name = pyphen.language_fallback(tag) or pyphen.language_fallback(tag.split("_")[0])
    if name is None and tag.split("_")[0].lower() == "en":
        name = "en_GB"
    if name is None:
        return None
    path = pyphen.LANGUAGES[name]
    if path not in pyphen.hdcache:
        pyphen.hdcache[path] = _patterns(path)
    return pyphen.Pyphen(lang=name, left=2, right=3)


def _patterns(path):  # type: ignore[no-untyped-def]
    """pyphen's parsed patterns for one dictionary: parsing takes 50 ms, reading them back from the cache 3 ms.

    Only dictionaries of plain patterns are kept (marshal holds ints, strings and tuples); the few with
    nonstandard hyphenation are parsed every time."""
    import marshal

    import pyphen

    raw = path.read_bytes()
    name = cache.key("hyphenation-1", pyphen.__version__, path.name, hashlib.sha256(raw).hexdigest())
    blob = cache.read_blob("hyphenation", name)
    if blob is not None:
        try:
            patterns, maxlen = marshal.loads(blob)
            hd = pyphen.HyphDict.__new__(pyphen.HyphDict)
            hd.patterns, hd.maxlen, hd.cache = patterns, maxlen, {}
            return hd
        except (ValueError, EOFError, TypeError):
            pass
    hd = pyphen.HyphDict(path)
    if all(type(v) is int for _, values in hd.patterns.values() for v in values):
        cache.write_blob("hyphenation", name, marshal.dumps((hd.patterns, hd.maxlen)))
    return hd


def hyphenator_for(language: str) -> Hyphenator | str:
    """A callable for ParagraphStyle.hyphenationLang, or '' (no hyphenation) for languages pyphen lacks."""
    dictionary = _dictionary(language)
    if dictionary is None:
        return ""
    return _make(language)


@once
def _make(language: str) -> Hyphenator:
    dictionary = _dictionary(language)

    def hyphenate(word: str) -> Iterator[tuple[str, str]]:
        letters = [c for c in word if c.isalpha()]
        if "-" in word or "\u2010" in word:  # compounds keep their hyphen inside the line ("co-hosted")
            return iter(())
        if len(letters) < 6 or sum(c.isupper() for c in letters) > 1 or any(c.isdigit() for c in word):
            return iter(())
        return dictionary.iterate(word)

    return hyphenate
