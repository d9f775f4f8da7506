"""The text of a new issue file (issue #7, `anso-pdf new`): a commented template that renders as it is, or the
skeleton of an earlier issue with its text replaced by placeholders.

Pure: these functions return text and write nothing. `issue_from` reads the earlier issue's text (given) and
looks at the file system only to see whether its logo can be reached from the new file's folder.
"""

from __future__ import annotations

import json
import os
import re
import shlex
from datetime import date
from pathlib import Path

import yaml

from anso_pdf.source.workspace import AssetError, resolve_asset
from anso_pdf.source.yaml_tree import Mapping, Node, Scalar, Sequence, parse_yaml

SCHEMA_NAME = "issue-format.schema.json"

# --- placeholder prose ---------------------------------------------------------------------------------
# Written to be read: it says what goes where and shows the markup, so a first render teaches the format.

LEAD_INTRO = (
    "Replace this lead paragraph with two or three sentences that say what happened, where and when. "
    "It is set larger than the text below and is the part most readers will read."
)

LEAD_BODY = [
    "Write the story here. Paragraphs are separated by a blank line, as in this placeholder text. "
    "Inside a paragraph you can write **bold**, *italic* and [a link](https://example.org/), and "
    "nothing else is interpreted: angle brackets, ampersands and other signs print as they are written.",
    "The tool sets the text in columns, hyphenates it for the language given under \"newsletter\", and "
    "turns straight quotes into typographic ones. It fits the four pages by adjusting the line spacing "
    "and the size of photos within narrow limits, and says so in a note when it had to.",
    "Each section starts with its heading. The \"page\" key pins a section to a page; sections without it "
    "follow the one before. When a story is too long for its page, \"continues_on\" lets it go on on a later "
    "page, with \"Continued on page N\" lines printed for the reader.",
    "A photo is placed with the text by an \"images\" entry in the section: a \"file\" relative to this file's "
    "folder (or its parent folder), an \"alt\" sentence saying what it shows for readers who cannot see it, a "
    "\"caption\", a \"credit\", and \"wide: true\" to span all columns. For the "
    "printer a photo should have 300 pixels per inch at its placed size: a photo one column wide needs "
    "about 1000 pixels across, a wide one about 2100.",
    "Keep this page for the main story of the issue. The masthead above, the contents box and the contact "
    "box are made from the keys at the top of this file, and the contents box lists every section with the "
    "page on which it starts.",
]

SECOND_INTRO = "A section can hold several articles under one heading, each with its own title."

ARTICLE_BODIES = [
    [
        "Replace this with the first article. An article has a \"title\" and a \"body\", and may have "
        "\"images\" and a \"quote\", just like a section.",
        "Write in plain sentences. Dates, names and numbers print exactly as typed: 13-14 May 2019, "
        "Prof. Jane Doe, 700 participants. A double hyphen -- becomes a dash.",
        "A pull quote repeats a striking sentence from the text in large type. It takes room, so keep it "
        "to one or two sentences, and say who said it with \"by\".",
    ],
    [
        "Replace this with the second article. Delete an article you do not need, with its \"- title:\" "
        "line and everything indented under it.",
        "A list is written with a hyphen and a space at the start of each line:",
        "- the first point of a list\n- the second point\n- and a third one",
        "After the list the text goes on as usual. Lists suit agendas, outcomes of a meeting and the "
        "chapters of a report; long lists are easier to read when each point is short.",
        "When an article is longer than its page, the tool reports by how many lines, so you know how "
        "much to cut.",
    ],
]

QUOTE_TEXT = "A short, striking sentence from one of the articles goes here, in the speaker's own words."

THIRD_BODY = [
    "Replace this with the news of the period: short reports, appointments, new members, publications. "
    "Each short report can be an article with its own title, as on the page before, or a paragraph of "
    "its own here.",
    "**New members.** Start a paragraph with a few bold words to give it a run-in heading, as here. It "
    "is lighter than a title and keeps short news items together.",
    "**Appointments.** Write names and titles the way the people concerned write them. Check the "
    "spelling of every name with a second person before the issue goes to print.",
    "**Publications.** A link is written as [the text to click](https://example.org/): the text is "
    "printed, and in the email PDF it can be clicked. Links are not printed on paper, so write out an "
    "address readers will need to type.",
    "**Meetings.** Say what was decided, not only who attended. Readers skim: the first sentence of "
    "each paragraph should carry its news.",
    "**Photos.** Photos from the period go into the gallery on the last page; put the best one with the "
    "story on page one, wide, where it draws readers in.",
    "**Thanks.** Close with a word for the people who sent material for this issue, and say where to "
    "send news for the next one and by which date.",
]

FOURTH_BODY = [
    "Replace this with a closing note: the call for contributions to the next issue, a reminder of a "
    "deadline, or a short profile of a member organization.",
    "The events on this page are printed in date order with a date badge. A date is written 2019-09-04, or "
    "2019-10 for a whole month; \"end\" gives the last day of an event over several days, and \"label\" "
    "is what the badge prints small under a whole month (for example Late Oct., printed Late under OCT).",
    "A photo gallery can fill the rest of this page: add a \"gallery\" with a \"title\" and a list of \"photos\", "
    "each with a \"file\", a \"caption\" and a \"credit\". The commented lines in the issue file show how.",
    "Before sending the issue out, run \"anso-pdf check\" on this file: it reports every problem with its "
    "line and column and writes nothing. Then \"anso-pdf render\" writes the PDF to email and the PDF for "
    "the printer.",
]

SHORT_PLACEHOLDER = "Replace this placeholder with the text of this part of the issue."

FILLER_NOTE = "# the Latin filler text below only shows how a full page looks: delete it"

_LOREM_TEXT = (
    "lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ut labore et "
    "dolore magna aliqua enim ad minim veniam quis nostrud exercitation ullamco laboris nisi aliquip ex ea "
    "commodo consequat duis aute irure in reprehenderit voluptate velit esse cillum fugiat nulla pariatur "
    "excepteur sint occaecat cupidatat non proident sunt culpa qui officia deserunt mollit anim id est "
    "laborum integer vitae justo eget magna fermentum iaculis eu non diam phasellus vestibulum"
)
_LOREM = _LOREM_TEXT.split()


def filler(paragraphs: int, seed: int) -> list[str]:
    """Deterministic Latin-looking filler: paragraphs of four to six sentences."""
    state = seed * 7919 + 17

    def draw(n: int) -> int:
        nonlocal state
        state = (state * 1103515245 + 12345) % (1 << 31)
        return state % n

    out = []
    for _ in range(paragraphs):
        sentences = []
        for _ in range(4 + draw(3)):
            words = [_LOREM[draw(len(_LOREM))] for _ in range(8 + draw(9))]
            sentences.append(" ".join(words).capitalize() + ".")
        out.append(" ".join(sentences))
    return out


# --- small YAML writers ------------------------------------------------------------------------------------

_PLAIN = re.compile(r"[A-Za-z0-9(+][^\n\t]*")


def scalar(value: str) -> str:
    """A YAML scalar that reads back as the same string: plain when that is safe, else double-quoted."""
    text = str(value)
    plain_ok = (
        _PLAIN.fullmatch(text) is not None
        and text == text.strip()
        and ": " not in text
        and " #" not in text
        and not text.endswith(":")
    )
    if plain_ok:
        try:
            plain_ok = yaml.safe_load(f"key: {text}") == {"key": text}
        except yaml.YAMLError:
            plain_ok = False
    return text if plain_ok else json.dumps(text, ensure_ascii=False)


def block(key: str, text: str, indent: int) -> list[str]:
    """`key: |` with the text indented below it."""
    pad = " " * indent
    lines = [f"{pad}{key}: |"]
    for line in text.rstrip("\n").split("\n"):
        lines.append(f"{pad}  {line}".rstrip())
    return lines


def _paragraphs(paras: list[str], width: int = 96) -> str:
    """Paragraphs wrapped for reading in an editor, separated by blank lines (list lines kept)."""
    out = []
    for para in paras:
        if para.startswith("- "):
            out.append(para)
            continue
        words, lines, line = para.split(), [], ""
        for w in words:
            if line and len(line) + 1 + len(w) > width:
                lines.append(line)
                line = w
            else:
                line = f"{line} {w}" if line else w
        lines.append(line)
        out.append("\n".join(lines))
    return "\n\n".join(out)


def _month_after(day: date, months: int) -> tuple[int, int]:
    index = day.year * 12 + day.month - 1 + months
    return index // 12, index % 12 + 1


def placeholder_events(today: date, indent: int) -> list[str]:
    """Two events in the coming months, written as the format wants them."""
    pad = " " * indent
    y1, m1 = _month_after(today, 1)
    y2, m2 = _month_after(today, 2)
    return [
        f"{pad}items:",
        f"{pad}  - date: {y1:04d}-{m1:02d}-15",
        f"{pad}    title: Name of the first event (replace)",
        f"{pad}    place: City, Country",
        f"{pad}    url: https://example.org/",
        f"{pad}  - date: {y2:04d}-{m2:02d}-08",
        f"{pad}    end: {y2:04d}-{m2:02d}-10",
        f"{pad}    title: Name of an event over three days (replace)",
        f"{pad}    place: City, Country",
    ]


def header(shown: str, schema_ref: str | None, *, origin: str | None = None) -> list[str]:
    lines = [f"# yaml-language-server: $schema={schema_ref}"] if schema_ref else []
    shown = shlex.quote(shown)  # the commands below can be copied into a shell as they are
    made = f"from {origin} " if origin else ""
    lines += [
        f"# A new issue, made {made}by `anso-pdf new`. Replace every placeholder, then:",
        f"#   anso-pdf check {shown}    reports every problem with its line; writes nothing",
        f"#   anso-pdf watch {shown}    renders again each time you save",
        f"#   anso-pdf render {shown}   the PDF to email and the -press.pdf for the printer",
        "# Every key is explained in `anso-pdf schema`" + (" (an editor that reads the first line shows it as you type,"
                                                           if schema_ref else "; `anso-pdf --help` lists the commands."),
        *(["# and marks mistakes); `anso-pdf --help` lists the commands."] if schema_ref else []),
        "format: 1",
        "",
    ]
    return lines


# --- the blank template ----------------------------------------------------------------------------------------

FILL = {1: 3, 2: 4, 3: 9, 4: 8}  # filler paragraphs per page (page 2: per article), so no page is left a third empty


def blank_issue(shown: str, schema_ref: str | None, today: date) -> str:
    """A complete issue file with placeholder text that lays out on four pages as it is."""
    lines = header(shown, schema_ref)
    lines += [
        "newsletter:",
        "  name: Newsletter Name",
        "  tagline: The line printed under the name",
        "  issue: Issue N",
        "  date: Month YYYY",
        "  # logo: assets/logo.png           # an image beside the name",
        '  # logo_alt: "Logo: a globe of linked dots"   # what it shows, for screen readers ("" if only the name)',
        "  language: en                     # hyphenation and the PDF's language: en, en-GB, fr, ...",
        "",
        "contents:",
        "  title: This Issue                # the box on page 1; `show: false` leaves it out",
        "",
        "contact:",
        "  title: Contact",
        *block("address", "Organization name\nStreet and number\nPostcode City, Country", 2),
        "  phone: +00 000 0000 000",
        "  email: newsletter@example.org",
        "  website: https://example.org/",
        "",
        "sections:",
        "  # Page 1: the main story.",
        "  - title: Headline of the Main Story",
        "    contents_title: Main story     # a shorter label for the contents box",
        "    page: 1",
        *block("intro", _paragraphs([LEAD_INTRO]), 4),
        "    # images:                      # a photo with the story; files are relative to this file",
        "    #   - file: photos/main.jpg",
        "    #     alt: Delegates seated at a long table listen to the opening speech.",
        "    #     wide: true",
        "    #     caption: What the photo shows.",
        "    #     credit: Name of the photographer",
        FILLER_NOTE.rjust(len(FILLER_NOTE) + 4),
        *block("body", _paragraphs(LEAD_BODY + filler(FILL[1], 1)), 4),
        "",
        "  # Page 2: a section with articles and a pull quote.",
        "  - title: Second Section",
        "    page: 2",
        *block("intro", _paragraphs([SECOND_INTRO]), 4),
        "    articles:",
        "      - title: Title of the First Article",
        FILLER_NOTE.rjust(len(FILLER_NOTE) + 8),
        *block("body", _paragraphs(ARTICLE_BODIES[0] + filler(FILL[2], 2)), 8),
        "        quote:",
        f"          text: {scalar(QUOTE_TEXT)}",
        "          by: Name, Role",
        "      - title: Title of the Second Article",
        FILLER_NOTE.rjust(len(FILLER_NOTE) + 8),
        *block("body", _paragraphs(ARTICLE_BODIES[1] + filler(FILL[2], 3)), 8),
        "",
        "  # Page 3: news in brief.",
        "  - title: News in Brief",
        "    page: 3",
        FILLER_NOTE.rjust(len(FILLER_NOTE) + 4),
        *block("body", _paragraphs(THIRD_BODY + filler(FILL[3], 4)), 4),
        "",
        "  # Page 4: upcoming events, and room for a gallery.",
        "  - title: Upcoming Events",
        "    page: 4",
        "    events:",
        "      title: Upcoming Events",
        *placeholder_events(today, 6),
        "    # gallery:",
        "    #   title: Photo Gallery",
        "    #   photos:",
        "    #     - file: photos/one.jpg",
        "    #       alt: A field trip group walks along a river bank.   # what a reader who cannot see it needs",
        "    #       caption: What the photo shows.",
        "    #       credit: Name of the photographer",
        FILLER_NOTE.rjust(len(FILLER_NOTE) + 4),
        *block("body", _paragraphs(FOURTH_BODY + filler(FILL[4], 5)), 4),
        "",
        "style:",
        "  page_size: A4                    # or Letter",
        "  columns: 2                       # or 3",
        "  colors:",
        '    primary: "#17468C"             # masthead, headings, badges; or "cmyk(100, 60, 0, 20)"',
        '    accent: "#D9822B"              # rules, quote marks, highlights',
    ]
    return "\n".join(lines) + "\n"


# --- from an earlier issue ---------------------------------------------------------------------------------------


def _get(node: Node | None, key: str) -> Node | None:
    return node.get(key) if isinstance(node, Mapping) else None


def _text(node: Node | None, key: str) -> str | None:
    value = _get(node, key)
    if isinstance(value, Scalar) and not value.is_null and value.value.strip():
        return value.value
    return None


def _items(node: Node | None, key: str) -> list[Node]:
    value = _get(node, key)
    return list(value.items) if isinstance(value, Sequence) else []


def _word_count(node: Node | None, *keys: str) -> int:
    return sum(len((_text(node, k) or "").split()) for k in keys)


def _int_line(node: Node, key: str, pad: str, lo: int, hi: int) -> list[str]:
    raw = _text(node, key)
    if raw is not None and raw.strip().isdigit() and lo <= int(raw) <= hi:
        return [f"{pad}{key}: {int(raw)}"]
    return []


def _bool_line(node: Node, key: str, pad: str) -> list[str]:
    raw = (_text(node, key) or "").strip().lower()
    if raw in ("true", "yes", "on"):
        return [f"{pad}{key}: true"]
    if raw in ("false", "no", "off"):
        return [f"{pad}{key}: false"]
    return []


def _text_line(node: Node | None, key: str, pad: str) -> list[str]:
    raw = _text(node, key)
    return [f"{pad}{key}: {scalar(' '.join(raw.split()))}"] if raw is not None else []


def rebase_path(written: str, earlier_dir: Path, target_dir: Path) -> str | None:
    """The same file written relative to `target_dir` (the format's rules), or None when it cannot be reached."""
    try:
        real = resolve_asset(written, earlier_dir)
    except AssetError:
        return None
    if not real.is_file():
        return None
    tried = [written.strip()]
    for base in (target_dir, target_dir.parent):
        try:
            tried.append(Path(os.path.relpath(real, base.resolve())).as_posix())
        except ValueError:  # another drive
            continue
    for candidate in tried:
        try:
            if resolve_asset(candidate, target_dir) == real:
                return candidate
        except AssetError:
            continue
    return None


def issue_from(text: str, earlier: Path, target: Path, shown: str, schema_ref: str | None, today: date) -> str:
    """A new issue with the earlier issue's masthead, contact, style and section skeleton; its text replaced by
    placeholders, its photos and quotes left out. Raises IssueError when the earlier file is not readable YAML."""
    root = parse_yaml(text, str(earlier))
    lines = header(shown, schema_ref, origin=earlier.name)

    n = _get(root, "newsletter")
    last = ", ".join(" ".join(x.split()) for x in (_text(n, "issue"), _text(n, "date")) if x)
    lines.append("newsletter:")
    lines.append(f"  name: {scalar(' '.join((_text(n, 'name') or 'Newsletter Name').split()))}")
    lines += _text_line(n, "tagline", "  ")
    lines.append(f"  issue: Issue N{'                        # last issue: ' + last if last else ''}")
    lines.append("  date: Month YYYY")
    logo = _text(n, "logo")
    if logo:
        rebased = rebase_path(logo, earlier.parent, target.parent)
        if rebased is not None:
            lines.append(f"  logo: {scalar(rebased)}")
            lines += _text_line(n, "logo_alt", "  ")
        else:
            lines.append(f"  # logo: {scalar(logo)}   (not found from this file's folder: copy it here and write its path)")
    lines += _text_line(n, "language", "  ")
    lines.append("")

    contents = _get(root, "contents")
    if isinstance(contents, Mapping):
        kept = _text_line(contents, "title", "  ") + _bool_line(contents, "show", "  ")
        if kept:
            lines += ["contents:", *kept, ""]

    contact = _get(root, "contact")
    if isinstance(contact, Mapping):
        kept = _text_line(contact, "title", "  ")
        address = _text(contact, "address")
        if address:
            kept += block("address", "\n".join(x.strip() for x in address.strip().split("\n") if x.strip()), 2)
        for key in ("phone", "email", "website"):
            kept += _text_line(contact, key, "  ")
        if kept:
            lines += ["contact:", *kept, ""]

    sections = [s for s in _items(root, "sections") if isinstance(s, Mapping)]
    lines.append("sections:")
    if not sections:
        sections_lines = _section_lines(None, 1, today)
        lines += sections_lines
    for i, section in enumerate(sections):
        lines += _section_lines(section, i + 1, today)
    lines.append("")

    style = _get(root, "style")
    if isinstance(style, Mapping):
        kept = []
        size = _text(style, "page_size")
        if size and size.strip().lower() in ("a4", "letter"):
            kept.append(f"  page_size: {'A4' if size.strip().lower() == 'a4' else 'Letter'}")
        kept += _int_line(style, "columns", "  ", 2, 3)
        colours = _get(style, "colors")
        colour_lines = [f"    {k}: {json.dumps(' '.join(v.split()))}" for k in ("primary", "accent")
                        if (v := _text(colours, k))]
        if colour_lines:
            kept += ["  colors:", *colour_lines]
        if kept:
            lines += ["style:", *kept]
    return "\n".join(lines).rstrip("\n") + "\n"


def _section_lines(section: Mapping | None, number: int, today: date) -> list[str]:
    title = " ".join((_text(section, "title") or f"Section {number}").split())
    out = [f"  - title: {scalar(title)}"]
    if section is None:
        return [*out, *block("body", SHORT_PLACEHOLDER, 4)]
    out += _text_line(section, "contents_title", "    ")
    out += _bool_line(section, "show_title", "    ")
    out += _int_line(section, "page", "    ", 1, 4)
    out += _int_line(section, "continues_on", "    ", 2, 4)
    dropped = []
    images = len(_items(section, "images"))
    if images:
        dropped.append(f"{images} photo{'s' if images > 1 else ''}")
    if _get(section, "quote") is not None:
        dropped.append("a pull quote")
    gallery = _get(section, "gallery")
    if gallery is not None:
        dropped.append(f"a gallery of {len(_items(gallery, 'photos'))} photos")
    if dropped:
        out.append(f"    # last issue had {', '.join(dropped)} here")
    words = _word_count(section, "intro", "body")
    if _text(section, "intro"):
        out += block("intro", SHORT_PLACEHOLDER, 4)
    articles = [a for a in _items(section, "articles") if isinstance(a, Mapping)]
    if _text(section, "body") or not (articles or _get(section, "events") is not None or _text(section, "intro")):
        if words:
            out.append(f"    # last issue: about {words} words in this section's intro and body")
        out += block("body", SHORT_PLACEHOLDER, 4)
    if articles:
        out.append("    articles:")
        for j, article in enumerate(articles):
            out.append(f"      - title: Title of Article {j + 1}")
            words = _word_count(article, "intro", "body")
            if words:
                out.append(f"        # last issue: about {words} words")
            out += block("body", SHORT_PLACEHOLDER, 8)
    events = _get(section, "events")
    if events is not None:
        out.append("    events:")
        out += _text_line(events, "title", "      ")
        out += placeholder_events(today, 6)
    return out
