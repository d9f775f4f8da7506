"""Turn a located YAML tree into a typed, validated Issue, collecting every problem before failing."""

from __future__ import annotations

import difflib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from anso_pdf.diagnostics import Diagnostics, Span
from anso_pdf.model import schema as S
from anso_pdf.model.issue import (
    Article,
    Contact,
    Contents,
    Event,
    Events,
    Gallery,
    Image,
    Issue,
    Newsletter,
    PressChoice,
    Quote,
    Section,
    Style,
)
from anso_pdf.model.text import Para, clean_text, parse_markup, typeset
from anso_pdf.model.values import (
    check_email,
    check_language,
    check_url,
    default_label,
    parse_colour,
    parse_event_date,
    parse_focus,
)
from anso_pdf.source.workspace import AssetError, probe_image, resolve_asset
from anso_pdf.source.yaml_tree import Mapping, Node, Scalar, Sequence

Values = dict[str, Any]

TYPE_NAMES = {Mapping: "a mapping (key: value lines)", Sequence: "a list (lines starting with '- ')", Scalar: "a single value"}
ROOT = "the issue file"
# Four pages of three columns of 8.8 pt text and nothing else hold about 33,000 characters (the sample issue,
# with its photos, events and gallery, about 8,000); twice that cannot fit in any layout.
PAGES_HOLD = 33_000
MAX_TEXT = 2 * PAGES_HOLD


def _child(where: str, key: str) -> str:
    """The name of a key below `where`, as an author would look for it: `sections[2].images[1].file`."""
    return key if where == ROOT else f"{where}.{key}"


def _named(where: str) -> str:
    return where if where == ROOT else f"'{where}'"


class _Builder:
    def __init__(self, issue_path: Path, diags: Diagnostics, *, probe: Callable[[Path], Any] = probe_image,
                 draft: bool = False) -> None:
        self.draft = draft  # --draft: missing or broken photos become warnings and placeholders
        self.issue_dir = issue_path.parent
        self.diags = diags
        self.probe = probe
        self.text_spans: list[tuple[str, Span]] = []
        self.language = "en"  # the language whose typographic rules the text being read follows
        self._images: dict[Path, Any] = {}
        self._page_spans: dict[str, Span] = {}  # section key -> where its `page:` value is written

    # --- generic table reading -----------------------------------------------------------------

    def table(self, node: Node | None, table: S.Table, where: str) -> Values | None:
        """Read `node` as `table`: unknown keys, missing keys and wrong types are diagnostics."""
        if node is None:
            return None
        if not isinstance(node, Mapping):
            if isinstance(node, Scalar) and node.is_null:
                # `newsletter:` or `- ` with nothing after it: fine only where nothing is required.
                needed = [f"'{f.key}'" for f in table.fields if f.required]
                if needed:
                    self.diags.error(node.span, f"{_named(where)} is empty", f"it needs {', '.join(needed)}")
                    return None
                return {}
            self._wrong_type(node, _named(where), "a mapping of keys")
            return None
        language = self.language
        if table.get("language") is not None:  # a table's own language sets its text, whatever the key order
            self.language = _written_language(node.get("language")) or language
        try:
            return self._entries(node, table, where)
        finally:
            self.language = language

    def _entries(self, node: Mapping, table: S.Table, where: str) -> Values:
        out: Values = {"__span__": node.span}
        known = [f.key for f in table.fields]
        suggested: set[str] = set()  # a misspelt required key is reported once, as the misspelling
        for key, value in node.entries:
            spec = table.get(key.value)
            if spec is None:
                close = difflib.get_close_matches(key.value, known, n=1, cutoff=0.6)
                hint = f"did you mean '{close[0]}'?" if close else "known keys: " + ", ".join(known)
                suggested.update(close)
                self.diags.error(key.span, f"unknown key '{key.value}' in {where}", hint)
                continue
            parsed = self.value(value, spec, _child(where, key.value))
            if parsed is not None:
                out[spec.key] = parsed
                out[f"__span__{spec.key}"] = value.span
        for spec in table.fields:
            if spec.required and spec.key not in out and spec.key not in node.keys and spec.key not in suggested:
                self.diags.error(node.span, f"{_named(where)} needs '{spec.key}' ({spec.doc})")
            elif spec.key not in out and spec.default is not None and spec.kind not in ("object", "list"):
                out[spec.key] = self.value(Scalar(str(spec.default), node.span, quoted=True), spec, where)
        return out

    def _wrong_type(self, node: Node, what: str, expected: str) -> None:
        self.diags.error(node.span, f"{what} should be {expected}, not {TYPE_NAMES[type(node)]}")

    def value(self, node: Node, spec: S.Field, where: str) -> Any:
        if spec.kind == "object":
            assert spec.table is not None
            return self.table(node, spec.table, where)
        if spec.kind == "list":
            assert spec.table is not None
            if not isinstance(node, Sequence):
                self._wrong_type(node, f"'{where}'", "a list (lines starting with '- ')")
                return None
            if spec.required and not node.items:
                self.diags.error(node.span, f"'{where}' needs at least one entry")
            items = [self.table(item, spec.table, f"{where}[{i + 1}]") for i, item in enumerate(node.items)]
            return [i for i in items if i is not None]
        if spec.kind == "focus":
            return self.focus(node, where)
        if not isinstance(node, Scalar):
            self._wrong_type(node, f"'{where}'", "a single value")
            return None
        if spec.kind == "alt":  # "" is a value: the photo is decoration only
            return "" if node.is_null else typeset(" ".join(clean_text(node.value, node.span, self.diags).split()),
                                                   self.language)
        if node.is_null and spec.kind not in ("text", "lines", "markup"):
            self.diags.error(node.span, f"'{where}' is empty", f"write a value or remove the '{spec.key}' line")
            return None
        return self.scalar(node, spec, where)

    def scalar(self, node: Scalar, spec: S.Field, where: str) -> Any:
        raw = clean_text(node.value, node.span, self.diags)
        kind = spec.kind
        try:
            if kind in ("text", "lines"):
                if node.is_null or not raw.strip():
                    self.diags.error(node.span, f"'{where}' is empty", f"write a value or remove the '{spec.key}' line")
                    return None
                if kind == "lines":
                    lines = tuple(typeset(line.strip(), self.language) for line in raw.strip().split("\n") if line.strip())
                    for line in lines:
                        self.text_spans.append((line, node.span))
                    return lines
                text = typeset(" ".join(raw.split()), self.language)
                self.text_spans.append((text, node.span))
                return text
            if kind == "markup":
                paras = parse_markup(raw if not node.is_null else "", node.span, self.diags, block=node.block,
                                     column=node.text_column, language=self.language)
                for p in paras:
                    self.text_spans.append((p.plain, p.span))
                return paras
            if kind == "bool":
                return _parse_bool(raw)
            if kind == "int":
                return self._int(raw, spec)
            if kind == "choice":
                return self._choice(raw, spec)
            if kind == "date":
                return parse_event_date(raw)
            if kind == "colour":
                return parse_colour(raw)
            if kind == "url":
                _raise_if(check_url(raw.strip()))
                return raw.strip()
            if kind == "email":
                _raise_if(check_email(raw.strip()))
                return raw.strip()
            if kind == "language":
                _raise_if(check_language(raw.strip()))
                return raw.strip()
            if kind == "path":
                if not raw.strip():
                    self.diags.error(node.span, f"'{where}' is empty", "write the file's path, e.g. photos/meeting.jpg")
                    return None
                return raw.strip()
        except ValueError as exc:
            self.diags.error(node.span, f"{where}: {exc}")
            return None
        raise AssertionError(kind)

    def _int(self, raw: str, spec: S.Field) -> int:
        try:
            value = int(raw.strip())
        except ValueError:
            raise ValueError(f"'{raw}' is not a whole number") from None
        if spec.choices and value not in spec.choices:
            raise ValueError(f"{value} is not allowed; use {' or '.join(map(str, spec.choices))}")
        if (spec.minimum is not None and value < spec.minimum) or (spec.maximum is not None and value > spec.maximum):
            raise ValueError(f"{value} is out of range; use {spec.minimum} to {spec.maximum}")
        return value

    def _choice(self, raw: str, spec: S.Field) -> str:
        for choice in spec.choices:
            if raw.strip().lower() == str(choice).lower():
                return str(choice)
        raise ValueError(f"'{raw}' is not one of {', '.join(map(str, spec.choices))}")

    # --- images --------------------------------------------------------------------------------------

    def image(self, values: Values, *, allow_wide: bool = True, logo: bool = False) -> Image | None:
        written = values.get("file")
        if written is None:
            return None
        span: Span = values["__span__file"]
        alt = values.get("alt")
        try:
            path = resolve_asset(written, self.issue_dir)
            if path not in self._images:
                self._images[path] = self.probe(path)
            info = self._images[path]
        except AssetError as exc:
            if not self.draft:
                self.diags.error(span, exc.message, exc.hint)
                return None
            self.diags.warning(span, f"{exc.message}; this draft prints a marked placeholder", exc.hint)
            return Image(self.issue_dir / written, written, values.get("caption"), values.get("credit"),
                         bool(values.get("wide", False)) and allow_wide, span, (1600, 1200), missing=True, alt=alt)
        if alt is None:  # (a photo that cannot be read has its own message; this one would only add noise)
            self._no_alt(values, span, written, logo=logo)
        return Image(
            path=path,
            written=written,
            caption=values.get("caption"),
            credit=values.get("credit"),
            wide=bool(values.get("wide", False)) and allow_wide,
            span=span,
            pixel_size=info.size,
            alt=alt,
            focus=values.get("focus"),
        )

    def _no_alt(self, values: Values, span: Span, written: str, *, logo: bool) -> None:
        """A photo without alternative text: say what to write (the tagged PDF uses its caption meanwhile)."""
        if logo:
            self.diags.warning(span, "the logo has no alternative text for screen readers",
                               'add logo_alt: "ANSO logo: ..." saying what it shows, or logo_alt: "" if it only '
                               "repeats the newsletter's name")
            return
        meanwhile = "its caption is read instead" if values.get("caption") else 'it is read as "Photo"'
        self.diags.warning(values.get("__span__", span), f"photo '{written}' has no alternative text for screen readers "
                           f"({meanwhile})",
                           'add alt: with a sentence saying what the photo shows ("Delegates seated at a long table '
                           'listen to the opening speech"), or alt: "" if it is decoration only')

    def focus(self, node: Node, where: str) -> tuple[float, float] | None:
        """`focus: top` or `focus: [30%, 20%]`: what the photo's crop keeps (issue #15)."""
        if isinstance(node, Sequence) and all(isinstance(i, Scalar) for i in node.items):
            value: str | list[str] = [i.value for i in node.items]  # type: ignore[union-attr]
        elif isinstance(node, Scalar) and not node.is_null:
            value = node.value
        else:
            self._wrong_type(node, f"'{where}'", "an edge (top, left, ...) or a point [30%, 20%]")
            return None
        try:
            return parse_focus(value)
        except ValueError as exc:
            self.diags.error(node.span, f"{where}: {exc}")
            return None

    def images(self, items: list[Values] | None) -> tuple[Image, ...]:
        return tuple(i for i in (self.image(v) for v in items or []) if i is not None)

    # --- the issue -------------------------------------------------------------------------------------

    def article(self, v: Values, *, title: str | None) -> Article:
        q = v.get("quote")
        quote = Quote(q["text"], q.get("by"), q["__span__"]) if q and q.get("text") else None
        return Article(
            title=title,
            intro=v.get("intro", ()),
            body=v.get("body", ()),
            images=self.images(v.get("images")),
            quote=quote,
            span=v["__span__"],
        )

    def section(self, v: Values, index: int) -> Section | None:
        if not v.get("title"):
            return None
        ev = v.get("events")
        events = None
        if ev and ev.get("items"):
            items = [self.event(e) for e in ev["items"]]
            ordered = sorted((e for e in items if e), key=lambda e: e.date.sort_key())
            events = Events(ev.get("title", "Upcoming Events"), tuple(ordered), ev["__span__"])
        g = v.get("gallery")
        gallery = None
        if g and g.get("photos"):
            photos = tuple(p for p in (self.image(ph, allow_wide=False) for ph in g["photos"]) if p)
            gallery = Gallery(g.get("title", "Photo Gallery"), photos, g["__span__"])
        page, continues = v.get("page"), v.get("continues_on")
        if page:
            self._page_spans[f"s{index + 1}"] = v["__span__page"]
        if page and continues and continues <= page:
            self.diags.error(v["__span__continues_on"], f"continues_on {continues} must be a later page than page {page}")
        return Section(
            title=v["title"],
            contents_title=v.get("contents_title") or v["title"],
            show_title=v.get("show_title", True),
            page=page,
            continues_on=continues,
            lead=self.article(v, title=None),
            articles=tuple(self.article(a, title=a.get("title")) for a in v.get("articles", []) if a.get("title")),
            events=events,
            gallery=gallery,
            span=v["__span__"],
            key=f"s{index + 1}",
            language=v.get("language"),
        )

    def event(self, v: Values) -> Event | None:
        if "date" not in v or "title" not in v:
            return None
        start, end = v["date"], v.get("end")
        if end is not None and end.sort_key() < start.sort_key():
            self.diags.error(v["__span__end"], f"the event ends ({end}) before it starts ({start})")
        return Event(start, end, v.get("label") or default_label(start, end), v["title"], v.get("place"), v.get("url"), v["__span__"])

    def issue(self, root: Node, path: Path) -> Issue | None:
        newsletter = root.get("newsletter") if isinstance(root, Mapping) else None
        if isinstance(newsletter, Mapping):  # the issue's language sets every text, read before or after it
            self.language = _written_language(newsletter.get("language")) or self.language
        top = self.table(root, S.ISSUE, ROOT)
        if top is None:
            return None
        if self._too_much_text():
            return None
        n = top.get("newsletter") or {}
        contents = top.get("contents") or {}
        contact = top.get("contact")
        style = top.get("style") or {}
        colours = style.get("colors") or {}
        sections = [self.section(s, i) for i, s in enumerate(top.get("sections", []))]
        self._check_pins(sections)
        logo = self.image({"file": n["logo"], "__span__file": n["__span__logo"], "alt": n.get("logo_alt")},
                          logo=True) if n.get("logo") else None
        if not all(k in n for k in ("name", "issue", "date")) or "sections" not in top:
            return None
        return Issue(
            source=path,
            newsletter=Newsletter(n["name"], n.get("tagline"), n["issue"], n["date"], logo, n.get("language", "en")),
            contents=Contents(contents.get("title", "This Issue"), contents.get("show", True)),
            contact=Contact(
                contact.get("title", "Contact"),
                contact.get("address", ()),
                contact.get("phone"),
                contact.get("email"),
                contact.get("website"),
            )
            if contact
            else None,
            sections=tuple(s for s in sections if s),
            style=Style(
                style.get("page_size", "A4"),
                style.get("columns", 2),
                colours.get("primary") or parse_colour(S.COLORS.fields[0].default),
                colours.get("accent") or parse_colour(S.COLORS.fields[1].default),
                self.press(style.get("press")),
                style.get("__span__page_size") or top.get("__span__style"),
            ),
            text_spans=tuple(self.text_spans),
        )

    def _too_much_text(self) -> bool:
        """Text far beyond what four pages can hold is refused before layout, at its longest value: laying it out
        would only end in the overflow message, after a long wait (issue #17: 990 kB of text)."""
        total = sum(len(text) for text, _ in self.text_spans)
        if total <= MAX_TEXT:
            return False
        longest, where = max(self.text_spans, key=lambda entry: len(entry[0]))
        self.diags.error(where, f"the issue holds {total:,} characters of text, and this text alone {len(longest):,}; "
                         f"four pages hold at most about {PAGES_HOLD:,}",
                         "cut the text here (and elsewhere) to what the four pages can print: a page of text in two "
                         "columns holds about 5,000 characters")
        return True

    def press(self, v: Values | None) -> PressChoice | None:
        """style.press: the printer's ICC file is found here (a located message if it is missing or outside the
        issue's folder); whether it is a usable CMYK profile is checked where it is read (render/conditions.py)."""
        if not v:
            return None
        icc, written = None, v.get("icc")
        if written is not None:
            try:
                icc = resolve_asset(written, self.issue_dir)
            except AssetError as exc:
                self.diags.error(v["__span__icc"], exc.message, exc.hint)
        if v.get("condition") and written is not None:
            self.diags.error(v["__span__condition"], "style.press names both a shipped condition and the printer's ICC file",
                             "keep one: the printer's ICC profile (icc:) if they sent one, else condition:")
        if v.get("identifier") and written is None:
            self.diags.error(v["__span__identifier"], "'identifier' names the condition of the printer's ICC file, "
                             "and there is no icc: here", "add icc: with the printer's profile, or remove identifier:")
        return PressChoice(v.get("condition"), icc, written, v.get("identifier"), v.get("ink_limit"), v["__span__"],
                           v.get("__span__icc"))

    def _check_pins(self, sections: list[Section | None]) -> None:
        """Pinned pages go forward, one pinned section per page, and only the first section may start page 1."""
        last = 0
        pinned: dict[int, Section] = {}
        for index, s in enumerate(sections):
            if s is None or s.page is None:
                continue
            where = self._page_spans.get(s.key, s.span)
            if s.page < last:
                self.diags.error(where, f"section '{s.title}' is pinned to page {s.page}, before an earlier section's page {last}", "sections are in reading order; pinned pages must not go backwards")
            elif s.page in pinned:
                first = pinned[s.page]
                self.diags.error(where, f"section '{s.title}' is pinned to page {s.page}, like section '{first.title}' (line {first.span.line})",
                                 "only the first section on a page can be pinned; remove this page: and it follows the one before")
            elif s.page == 1 and index > 0:
                self.diags.error(where, f"section '{s.title}' is pinned to page 1, but sections come before it",
                                 "page 1 starts with the first section; remove this page: or move the section first")
            pinned.setdefault(s.page, s)
            last = max(last, s.page)


def _written_language(node: Node | None) -> str | None:
    """A language tag as written, when it is one (a wrong one is reported where the key is read)."""
    if isinstance(node, Scalar) and not node.is_null and check_language(node.value.strip()) is None:
        return node.value.strip()
    return None


def _parse_bool(raw: str) -> bool:
    value = raw.strip().lower()
    if value in ("true", "yes", "on"):
        return True
    if value in ("false", "no", "off"):
        return False
    raise ValueError(f"'{raw}' is not true or false")


def _raise_if(problem: str | None) -> None:
    if problem:
        raise ValueError(problem)


def build_issue(root: Node, path: Path, diags: Diagnostics, *, probe: Callable[[Path], Any] = probe_image,
                draft: bool = False) -> Issue | None:
    """Validate the tree against the format; every problem goes to `diags`. None when it cannot be built."""
    errors_before = len(diags.errors)
    issue = _Builder(path, diags, probe=probe, draft=draft).issue(root, path)
    if issue is None and len(diags.errors) == errors_before:  # never "no issue" without saying why
        diags.error(root.span, "the issue file is incomplete", "it needs 'newsletter' (name, issue, date) and 'sections'")
    return issue


__all__ = ["build_issue", "Para"]
