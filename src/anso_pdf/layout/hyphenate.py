"""Turn a BCP 47 language into a hyphenator ReportLab can call: pyphen, two letters before a break and three
after, never in acronyms, words with digits, capitalised abbreviations or hyphenated compounds."""

from __future__ import annotations

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
    return pyphen.Pyphen(lang=name, left=2, right=3) if name else None


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

    return hyphenate
