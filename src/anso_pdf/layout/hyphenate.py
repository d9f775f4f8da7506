"""Turn a BCP 47 language into a hyphenator ReportLab can call: pyphen, two letters before a break and three
after, never in acronyms, words with digits, capitalised abbreviations or hyphenated compounds."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from functools import cache

Hyphenator = Callable[[str], Iterator[tuple[str, str]]]


@cache
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
    """pyphen's hyphenation dictionary, read in 7 ms instead of pyphen's 55 ms: the file is only indexed (pattern
    letters -> the pattern as written), and a pattern's values are worked out, with pyphen's own rule, the first
    time a word looks it up (pyphen's HyphDict.positions, unchanged, does the looking up).

    Dictionaries with nonstandard hyphenation (`^^` escapes, `/` alternatives) are parsed by pyphen itself.
    tests/test_caches.py checks that every other dictionary pyphen ships gives exactly pyphen's patterns."""
    import pyphen

    data = path.read_bytes()
    first, _, rest = data.partition(b"\n")
    encoding = first.decode("ascii", "replace").strip()
    try:
        body = rest.decode("cp1251" if encoding.lower() == "microsoft-cp1251" else encoding)
    except (LookupError, UnicodeDecodeError):
        return pyphen.HyphDict(path)
    if "^^" in body or "/" in body:
        return pyphen.HyphDict(path)
    lines = [line.strip() for line in _WITH_VALUES.findall(body)]
    letters = "\n".join(lines).encode().translate(None, b"0123456789").decode().split("\n")
    hd = pyphen.HyphDict.__new__(pyphen.HyphDict)
    hd.patterns = _Patterns(dict(zip(letters, lines, strict=True)))
    hd.maxlen = max(map(len, letters), default=0)
    hd.cache = {}
    return hd


# pattern lines with a value above zero; comments and the hunspell settings lines are no patterns (pyphen skips
# lines that start with these, and patterns whose values are all zero)
_WITH_VALUES = re.compile(
    r"^[ \t]*(?![%#]|LEFTHYPHENMIN|RIGHTHYPHENMIN|COMPOUNDLEFTHYPHENMIN|COMPOUNDRIGHTHYPHENMIN)[^\n]*[1-9][^\n]*$",
    re.MULTILINE,
)


class _Patterns:
    """Pattern letters -> (offset, values), as pyphen.HyphDict.patterns holds them, worked out on first lookup."""

    def __init__(self, written: dict[str, str]) -> None:
        self._written = written
        self._values: dict[str, tuple[int, tuple[int, ...]]] = {}

    def __len__(self) -> int:
        return len(self._written)

    def __iter__(self) -> Iterator[str]:
        return iter(self._written)

    def get(self, letters: str, default: object = None) -> object:
        got = self._values.get(letters)
        if got is None:
            written = self._written.get(letters)
            if written is None:
                return default
            import pyphen

            # pyphen's own reading of one pattern ("a1b2c": letters a, b, c with values 0, 1, 2, 0)
            values = [int(digit or "0") for digit, _ in pyphen.parse(written)]
            start, end = 0, len(values)
            while not values[start]:
                start += 1
            while not values[end - 1]:
                end -= 1
            got = self._values[letters] = (start, tuple(values[start:end]))
        return got


def hyphenator_for(language: str) -> Hyphenator | str:
    """A callable for ParagraphStyle.hyphenationLang, or '' (no hyphenation) for languages pyphen lacks."""
    dictionary = _dictionary(language)
    if dictionary is None:
        return ""
    return _make(language)


@cache
def _make(language: str) -> Hyphenator:
    dictionary = _dictionary(language)

    def hyphenate(word: str) -> Iterator[tuple[str, str]]:
        letters = [c for c in word if c.isalpha()]
        if "-" in word or "\u2010" in word:  # compounds keep their hyphen inside the line ("co-hosted")
            return iter(())
        if len(letters) < 6 or sum(c.isupper() for c in letters) > 1 or any(c.isdigit() for c in word):
            return iter(())
        return dictionary.iterate(word)

    hyphenate.language = language  # type: ignore[attr-defined]  # lines kept between runs name it (breakmemo.py)
    return hyphenate
