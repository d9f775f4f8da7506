"""Turn text values into clean Unicode, and the markup subset of `body`/`intro` into paragraphs of runs.

Pure functions: no fonts, no ReportLab. Everything that is not `**bold**`, `*italic*`, a
`[link](https://...)` or a `- ` bullet stays text exactly as written.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from anso_pdf.diagnostics import Diagnostics, Span
from anso_pdf.model.values import check_url


@dataclass(frozen=True, slots=True)
class Run:
    text: str
    bold: bool = False
    italic: bool = False
    href: str | None = None


@dataclass(frozen=True, slots=True)
class Para:
    runs: tuple[Run, ...]
    span: Span
    bullet: bool = False

    @property
    def plain(self) -> str:
        return "".join(r.text for r in self.runs)


# --- cleaning -------------------------------------------------------------------------------------

_BIDI_CONTROLS = dict.fromkeys(map(ord, "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f"))
_INVISIBLE = dict.fromkeys(map(ord, "\ufeff\u200b\u2060"))


def clean_text(text: str, span: Span, diags: Diagnostics) -> str:
    """NFC-normalise; strip control characters and bidi overrides, with one warning per value."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    stripped = text.translate(_BIDI_CONTROLS).translate(_INVISIBLE)
    if len(stripped) != len(text):
        diags.warning(span, "removed invisible direction or formatting characters (bidi overrides, zero-width)")
    kept = "".join(c for c in stripped if c == "\n" or unicodedata.category(c) not in ("Cc", "Cs", "Co"))
    if len(kept) != len(stripped):
        bad = sorted({f"U+{ord(c):04X}" for c in stripped if c not in kept})
        diags.warning(span, f"removed control characters {', '.join(bad[:5])}", "they often come from pasting")
    return kept


# --- typography ------------------------------------------------------------------------------------

_ABBREVIATIONS = r"(?:Prof|Dr|Mr|Mrs|Ms|St|Mt|No|Nos|p|pp|Fig|Vol|Ch|Sec|vs|approx|ca)\."
_UNITS = r"(?:°C|°F|°|%|km|kg|mm|cm|m|g|h|min|s|ha|MB|GB|kB|MW|kW|t)\b"


def typeset(text: str) -> str:
    """Typographic quotes, apostrophes and dashes; no-break spaces where a line must not break."""
    text = text.replace("---", "\u2014").replace("--", "\u2013")
    text = re.sub(r"(^|[\s(\[{\u2013\u2014/])\"", "\\1\u201c", text)
    text = text.replace('"', "\u201d")
    text = re.sub(r"(^|[\s(\[{\u2013\u2014/\u201c])'(?=\w)", "\\1\u2018", text)
    text = text.replace("'", "\u2019")
    text = re.sub(rf"\b({_ABBREVIATIONS}) (?=\S)", "\\1\u00a0", text)
    text = re.sub(rf"(\d) ({_UNITS})", "\\1\u00a0\\2", text)
    return text


# --- the markup subset ------------------------------------------------------------------------------

_LINK = re.compile(r"\[([^\]\n]+)\]\(([^()\s]*(?:\([^()\s]*\)[^()\s]*)*)\)")
_BOLD = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*", re.S)
_ITALIC = re.compile(r"(?<![\w*])\*(?=[^\s*])(.+?)(?<=[^\s*])\*(?![\w*])", re.S)


def _inline(text: str, *, bold: bool, italic: bool, href: str | None) -> list[Run]:
    """Emphasis inside a stretch of text (no links here)."""
    for pattern, make_bold, make_italic in ((_BOLD, True, False), (_ITALIC, False, True)):
        m = pattern.search(text)
        if m:
            return (
                _inline(text[: m.start()], bold=bold, italic=italic, href=href)
                + _inline(m.group(1), bold=bold or make_bold, italic=italic or make_italic, href=href)
                + _inline(text[m.end() :], bold=bold, italic=italic, href=href)
            )
    return [Run(typeset(text), bold, italic, href)] if text else []


def parse_inline(text: str, span: Span, diags: Diagnostics) -> tuple[Run, ...]:
    runs: list[Run] = []
    pos = 0
    for m in _LINK.finditer(text):
        runs += _inline(text[pos : m.start()], bold=False, italic=False, href=None)
        label, url = m.group(1), m.group(2)
        problem = check_url(url)
        if problem:
            diags.error(span, problem, "links may be https://, http:// or mailto:")
            runs += _inline(label, bold=False, italic=False, href=None)
        else:
            runs += _inline(label, bold=False, italic=False, href=url)
        pos = m.end()
    runs += _inline(text[pos:], bold=False, italic=False, href=None)
    return tuple(_merge(runs))


def _merge(runs: list[Run]) -> list[Run]:
    out: list[Run] = []
    for r in runs:
        if out and (out[-1].bold, out[-1].italic, out[-1].href) == (r.bold, r.italic, r.href):
            out[-1] = Run(out[-1].text + r.text, r.bold, r.italic, r.href)
        else:
            out.append(r)
    return out


def parse_markup(text: str, span: Span, diags: Diagnostics, *, block: bool = False) -> tuple[Para, ...]:
    """Paragraphs split at blank lines; `- ` lines start bullet items; single newlines are spaces.

    `block` says the text came from a `|` block, whose first line is the line after `span`.
    """
    first_line = span.line + (1 if block else 0)
    paras: list[Para] = []
    current: list[str] = []
    current_line = first_line
    bullet = False

    def flush() -> None:
        nonlocal current
        joined = " ".join(s.strip() for s in current).strip()
        if joined:
            where = Span(span.file, current_line, span.column if not block else 1)
            paras.append(Para(parse_inline(joined, where, diags), where, bullet))
        current = []

    for offset, line in enumerate(text.split("\n")):
        stripped = line.strip()
        if not stripped:
            flush()
            bullet = False
            continue
        if stripped.startswith("- ") or stripped == "-":
            flush()
            bullet = True
            current_line = first_line + offset
            current.append(stripped[2:])
            continue
        if not current:
            current_line = first_line + offset
            bullet = False
        current.append(stripped)
    flush()
    return tuple(paras)


def words(text: str) -> list[str]:
    """The words of a text, for counting and for checks."""
    return re.findall(r"[^\W_]+", text)
