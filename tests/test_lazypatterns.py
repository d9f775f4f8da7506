"""anso_pdf/lazypatterns.py: the patterns ReportLab and pikepdf compile at import are compiled on first use, and
match as the compiled pattern does."""

from __future__ import annotations

import importlib
import re
import subprocess
import sys

import pytest

from anso_pdf import lazypatterns

_URIS = ["https://example.org/a/b?c=1#d", "HTTP://Ünïcode.例え.jp/path", "ftp://user:pw@10.0.0.1:2121/x",
         "http://[::1]/", "mailto:someone@example.org", "https://-bad-.org", "plain words", ""]


def test_each_deferred_pattern_is_the_one_its_library_compiles() -> None:
    """In a fresh process that imports the tool and then the libraries, each library's module attribute is the
    stand-in: the library still compiles exactly this pattern with these flags (ReportLab 5.1, pikepdf 10)."""
    names = list(lazypatterns.DEFERRED)
    script = (
        "import importlib, anso_pdf.pipeline\n"
        "from anso_pdf.lazypatterns import LazyPattern\n"
        f"for name in {names!r}:\n"
        "    module, attr = name.rsplit('.', 1)\n"
        "    print(name, type(getattr(importlib.import_module(module), attr)).__name__)\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout
    assert out.split("\n")[:-1] == [f"{name} LazyPattern" for name in names]
    for name, (pattern, flags) in lazypatterns.DEFERRED.items():
        module, attr = name.rsplit(".", 1)
        compiled = getattr(importlib.import_module(module), attr)
        assert (compiled.pattern, compiled.flags) == (pattern, re.compile(pattern, flags).flags), name


def test_a_stand_in_matches_as_the_compiled_pattern_and_then_is_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(re, "_cache", {})
    pattern, flags = lazypatterns.DEFERRED["reportlab.platypus.paragraph.uri_pat"]
    lazypatterns.defer()
    lazy = re.compile(pattern, flags)
    assert isinstance(lazy, lazypatterns.LazyPattern) and lazy._compiled is None
    real = re.compile(pattern, flags)
    assert real is lazy  # still the stand-in until used
    for uri in _URIS:
        found, expected = lazy.match(uri), re._compiler.compile(pattern, flags).match(uri)
        assert (found and found.groups()) == (expected and expected.groups()), uri
    assert isinstance(re.compile(pattern, flags), re.Pattern)  # once used, re's cache holds the compiled pattern
    assert re.compile(pattern, flags) is lazy._compiled
    text = lazypatterns.DEFERRED["reportlab.lib.textsplit.rx"]
    assert re.compile(*text).sub(r"\1\0 ", "ab\u4e2d\u6587c") == "ab\u4e2d\0 \u6587\0 c"
