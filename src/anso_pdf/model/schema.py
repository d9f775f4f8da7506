"""The key tables of issue-format.md as data: one source for validation, "did you mean", the JSON Schema
and the generated format reference."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Field:
    key: str
    kind: str  # text | alt | focus | lines | markup | path | bool | int | date | colour | url | email | language | choice | object | list
    doc: str
    required: bool = False
    default: Any = None
    table: Table | None = None  # for object, and list of objects
    choices: tuple[Any, ...] = ()
    minimum: int | None = None
    maximum: int | None = None


@dataclass(frozen=True)
class Table:
    name: str
    doc: str
    fields: tuple[Field, ...] = field(default_factory=tuple)

    def get(self, key: str) -> Field | None:
        return next((f for f in self.fields if f.key == key), None)


IMAGE = Table(
    "image",
    "A photo placed with the text.",
    (
        Field("file", "path", "the image file (JPEG, PNG or WebP), relative to the issue file's folder or its parent", required=True),
        Field("caption", "text", "printed under the image"),
        Field("credit", "text", 'printed after the caption ("Photo: ...")'),
        Field("alt", "alt", 'what the photo shows, in a sentence, for readers who cannot see it (screen readers); '
              '"" marks a photo as decoration only'),
        Field("focus", "focus", "what a crop must keep: top, bottom, left, right, center, a corner ('top left'), "
              "or a point [30%, 20%] (across, down); default the centre"),
        Field("wide", "bool", "true spans all text columns; default one column", default=False),
    ),
)

PHOTO = Table("photo", "A photo in the gallery.", tuple(f for f in IMAGE.fields if f.key != "wide"))

QUOTE = Table(
    "quote",
    "A pull quote.",
    (
        Field("text", "text", "the quoted words", required=True),
        Field("by", "text", "who said it"),
    ),
)

ARTICLE = Table(
    "article",
    "An article under a section's heading.",
    (
        Field("title", "text", "the article heading", required=True),
        Field("intro", "markup", "a lead paragraph (markup subset)"),
        Field("body", "markup", "the text (markup subset)"),
        Field("images", "list", "images placed with the text", table=IMAGE),
        Field("quote", "object", "a pull quote", table=QUOTE),
    ),
)

EVENT = Table(
    "event",
    "An upcoming event.",
    (
        Field("date", "date", "2019-09-04, or a month 2019-10", required=True),
        Field("end", "date", "last day, 2019-09-06"),
        Field("label", "text", 'what the date badge prints small: under a whole month without its name ("Late Oct." prints '
              '"Late" under "OCT"), under the days in place of the month; default made from date/end ("Sep. 4-6", "Oct.")'),
        Field("title", "text", "the event", required=True),
        Field("place", "text", '"Narok, Kenya"'),
        Field("url", "url", "a link in the PDF"),
    ),
)

EVENTS = Table(
    "events",
    "An upcoming-events strip.",
    (
        Field("title", "text", 'strip heading', default="Upcoming Events"),
        Field("items", "list", "list of events, printed in date order", required=True, table=EVENT),
    ),
)

GALLERY = Table(
    "gallery",
    "A photo gallery.",
    (
        Field("title", "text", "gallery heading", default="Photo Gallery"),
        Field("photos", "list", "list of images (wide does not apply)", required=True, table=PHOTO),
    ),
)

SECTION = Table(
    "section",
    "A part of the newsletter with its heading.",
    (
        Field("title", "text", "the section heading", required=True),
        Field("contents_title", "text", 'shorter label for the "This Issue" box'),
        Field("show_title", "bool", "false prints no heading (the section still gets its contents entry)", default=True),
        Field("page", "int", "the page (1 to 4) this section must start on", minimum=1, maximum=4),
        Field("continues_on", "int", "a later page where the section's text goes on when it does not fit where it starts", minimum=2, maximum=4),
        Field("intro", "markup", "a lead paragraph (markup subset)"),
        Field("body", "markup", "the text (markup subset)"),
        Field("images", "list", "images placed with the text", table=IMAGE),
        Field("quote", "object", "a pull quote", table=QUOTE),
        Field("articles", "list", "articles under this section's heading", table=ARTICLE),
        Field("events", "object", "an upcoming-events strip", table=EVENTS),
        Field("gallery", "object", "a photo gallery", table=GALLERY),
        Field("language", "language", "BCP 47 tag of this section's text when it is not the newsletter's "
              "language: its hyphenation, quotes, spaces and dashes follow that language's rules"),
    ),
)

NEWSLETTER = Table(
    "newsletter",
    "The masthead.",
    (
        Field("name", "text", 'title in the masthead and running footer ("ANSO Newsletter")', required=True),
        Field("tagline", "text", "line under the name"),
        Field("issue", "text", 'free text as printed ("Issue 2")', required=True),
        Field("date", "text", 'free text as printed ("June 2019")', required=True),
        Field("logo", "path", "image beside the name"),
        Field("logo_alt", "alt", 'what the logo shows, for screen readers ("ANSO logo: a globe of linked dots"); '
              '"" when it only repeats the name'),
        Field("language", "language", "BCP 47 tag: hyphenation and the PDF's language", default="en"),
    ),
)

CONTENTS = Table(
    "contents",
    'The "This Issue" box on page 1; its entries are made by the tool.',
    (
        Field("title", "text", "box heading", default="This Issue"),
        Field("show", "bool", "false leaves the box out", default=True),
    ),
)

CONTACT = Table(
    "contact",
    "The contact box on page 1.",
    (
        Field("title", "text", "box heading", default="Contact"),
        Field("address", "lines", "lines as printed (a YAML block `|` keeps the line breaks)"),
        Field("phone", "text", "as printed"),
        Field("email", "email", "printed, and a mailto: link in the PDF"),
        Field("website", "url", "printed, and a link in the PDF"),
    ),
)

COLORS = Table(
    "colors",
    "House colours.",
    (
        Field("primary", "colour", "masthead, headings, badges", default="#17468C"),
        Field("accent", "colour", "rules, quote marks, highlights", default="#D9822B"),
    ),
)

PRESS = Table(
    "press",
    "The printing condition of the press PDF: ask the printer (docs/guide.md). A4 issues default to FOGRA39; "
    "Letter issues must name one, since no US condition (GRACoL, SWOP) may be shipped with anso-pdf.",
    (
        Field("condition", "choice", "a condition shipped with anso-pdf: `fogra39` (offset on coated paper, "
              "ISO 12647-2, the European standard); default for A4", choices=("fogra39",)),
        Field("icc", "path", "the printer's own CMYK output profile (an .icc file); photos and colours are "
              "converted with it and it is embedded as the output intent, with its description"),
        Field("identifier", "text", "the printer's output condition identifier for `icc` (e.g. CGATS21_CRPC6 "
              "for GRACoL 2013, FOGRA51); default: the profile's characterisation target, else its description"),
        Field("ink_limit", "int", "the most total ink (C+M+Y+K, per cent) the press takes; default 300",
              minimum=200, maximum=400),
    ),
)

STYLE = Table(
    "style",
    "The house style; every key has a default.",
    (
        Field("page_size", "choice", "the trimmed page", default="A4", choices=("A4", "Letter")),
        Field("columns", "int", "text columns", default=2, choices=(2, 3), minimum=2, maximum=3),
        Field("colors", "object", "house colours", table=COLORS),
        Field("press", "object", "the printing condition of the press PDF", table=PRESS),
    ),
)

ISSUE = Table(
    "issue",
    "One issue of a newsletter.",
    (
        Field("format", "int", "1; later formats raise the number", default=1, choices=(1,)),
        Field("newsletter", "object", "the masthead", required=True, table=NEWSLETTER),
        Field("contents", "object", 'the "This Issue" box on page 1', table=CONTENTS),
        Field("contact", "object", "the contact box on page 1", table=CONTACT),
        Field("sections", "list", "the content, in reading order, at least one", required=True, table=SECTION),
        Field("style", "object", "the house style", table=STYLE),
    ),
)

KIND_TYPES = {
    "text": "string", "alt": "string", "lines": "string", "markup": "string", "path": "string", "date": "string",
    "colour": "string", "url": "string", "email": "string", "language": "string", "choice": "string",
    "bool": "boolean", "int": "integer",
}


def json_schema() -> dict[str, Any]:
    """The JSON Schema (draft-07) of the issue format, from the same tables the validator uses."""
    schema = _table_schema(ISSUE)
    schema["$schema"] = "http://json-schema.org/draft-07/schema#"  # what editors' YAML support implements
    schema["$id"] = "https://anso-pdf.example/issue-format-1.schema.json"
    schema["title"] = "anso-pdf issue file, format 1"
    return schema


def _table_schema(table: Table) -> dict[str, Any]:
    props = {f.key: _field_schema(f) for f in table.fields}
    out: dict[str, Any] = {"type": "object", "description": table.doc, "properties": props, "additionalProperties": False}
    required = [f.key for f in table.fields if f.required]
    if required:
        out["required"] = required
    return out


def _field_schema(f: Field) -> dict[str, Any]:
    if f.kind == "object":
        assert f.table is not None
        out = _table_schema(f.table)
    elif f.kind == "list":
        assert f.table is not None
        out = {"type": "array", "items": _table_schema(f.table)}
        if f.required:
            out["minItems"] = 1
    elif f.kind == "date":
        out = {"anyOf": [{"type": "string", "pattern": r"^\d{4}-\d{2}(-\d{2})?$"}]}
    elif f.kind == "colour":
        out = {"type": "string", "pattern": r"^(#[0-9A-Fa-f]{6}|cmyk\(.*\))$"}
    elif f.kind == "focus":
        out = {"anyOf": [{"type": "string"}, {"type": "array", "minItems": 2, "maxItems": 2,
                                              "items": {"type": "string", "pattern": r"^\d+(\.\d+)?\s*%$"}}]}
    else:
        out = {"type": KIND_TYPES[f.kind]}
        if f.kind == "text" or f.kind == "lines":
            out = {"type": ["string", "number"]}
    if f.choices:
        out["enum"] = list(f.choices)
    if f.minimum is not None and f.kind == "int":
        out["minimum"] = f.minimum
    if f.maximum is not None and f.kind == "int":
        out["maximum"] = f.maximum
    if f.default is not None and f.kind not in ("object", "list"):
        out["default"] = f.default
    shown = f.default is not None and not isinstance(f.default, bool)
    out["description"] = f.doc + (f" (default: {f.default})" if shown else "")
    return out
