"""Issue #5: text that looks like something else is printed as written (safe renders, exit 0).

YAML 1.1 would turn `NO` into false, `012` into 10 and `1.10` into 1.1; ReportLab would read `<b>`,
`&amp;`, `<font size=5000>` and `<img src=...>` as markup. Neither may happen: the PDF shows the characters
of the file, embeds no image it was not given, and links nothing it was not told to link.
"""

from __future__ import annotations

import io
import re
import unicodedata
from pathlib import Path

import pytest
from pypdf import PdfReader

from anso_pdf import pipeline

ISSUE = """\
newsletter:
  name: NO
  issue: on
  date: 012
  tagline: 1.10
sections:
  - title: <b>Title</b> &amp; <font size=5000>big</font>
    contents_title: 0x1F 1e3 12:30
    intro: "Yes ~ null Off 2019-06-01 .inf"
    body: |
      <img src="/etc/hostname"/> and <img src="SECRET"/> and <b>not bold</b> &amp; &lt; <font size=5000>x</font>

      <a href="javascript:alert(1)">click</a> <unichar code="0x41"/> <para>P</para> <br/>
    quote:
      text: <font color="[ [ getattr(pow,Word('__globals__'))['os'].system('touch canary') ] ] and 'red'">exploit</font>
      by: "&lt;script&gt;"
  - title: "Evil \\u202Egnp.exe\\u0007 name"
    body: "Zero\\u200Bwidth and a bell\\x07 here."
"""

LITERALS = [
    "NO",
    "on",
    "012",
    "1.10",
    "<b>Title</b> &amp; <font size=5000>big</font>",
    "0x1F 1e3 12:30",
    "Yes ~ null Off 2019-06-01 .inf",
    '<img src="/etc/hostname"/>',
    '<img src="SECRET"/>',
    "<b>not bold</b> &amp; &lt; <font size=5000>x</font>",
    '<a href="javascript:alert(1)">click</a>',
    '<unichar code="0x41"/> <para>P</para> <br/>',
    "exploit</font>",
    "&lt;script&gt;",
    "Evil gnp.exe name",  # bidi override and bell removed (with warnings), the rest kept
    "Zerowidth and a bell here.",
]


def squash(text: str) -> str:
    """Compare text without line breaks, spacing and typographic quotes (the spec allows curly quotes)."""
    text = text.replace("\u2011", "-")  # a compound's hyphen may be set as a non-breaking hyphen
    text = unicodedata.normalize("NFKC", text)
    text = re.sub(r"\u00ad|\u2010\s+|-\n(?=\w)", "", text)  # soft hyphens; hyphens where a word was broken
    text = text.translate(str.maketrans({"\u201c": '"', "\u201d": '"', "\u2018": "'", "\u2019": "'"}))
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> tuple[pipeline.Built, Path]:
    folder = tmp_path_factory.mktemp("literal")
    (folder / "SECRET").write_bytes((Path(__file__).parents[1] / "assets/photos/coffee.jpg").read_bytes())
    path = folder / "literal.yaml"
    path.write_text(ISSUE, encoding="utf-8")
    return pipeline.build(path, ["email", "press"]), folder


@pytest.mark.parametrize("profile", ["email", "press"])
def test_text_prints_as_written(rendered: tuple[pipeline.Built, Path], profile: str) -> None:
    built, _ = rendered
    reader = PdfReader(io.BytesIO(built.pdfs[profile]))
    text = squash("\n".join(page.extract_text() or "" for page in reader.pages))
    for literal in LITERALS:
        assert squash(literal) in text, literal


@pytest.mark.parametrize("profile", ["email", "press"])
def test_markup_embeds_and_links_nothing(rendered: tuple[pipeline.Built, Path], profile: str) -> None:
    built, folder = rendered
    reader = PdfReader(io.BytesIO(built.pdfs[profile]))
    for page in reader.pages:
        xobjects = page.get("/Resources", {}).get("/XObject", {})
        images = [name for name, ref in xobjects.items() if ref.get_object().get("/Subtype") == "/Image"]
        assert images == [], f"an image was embedded: {images}"
        for annot in page.get("/Annots", []) or []:
            action = annot.get_object().get("/A", {})
            uri = str(action.get("/URI", ""))
            assert not uri.lower().startswith(("javascript:", "file:", "data:")), uri
    assert not (folder / "canary").exists() and not Path("canary").exists()


def test_control_characters_warned_not_fatal(rendered: tuple[pipeline.Built, Path]) -> None:
    built, _ = rendered
    located = [str(w) for w in built.warnings if w.span is not None]
    assert any(":17:12:" in w and "invisible direction" in w for w in located), located
    assert any(":17:12:" in w and "U+0007" in w for w in located), located
    assert any(":18:11:" in w and "invisible direction" in w for w in located), located
    assert any(":18:11:" in w and "U+0007" in w for w in located), located


def test_dates_stay_text_where_text_is_meant(tmp_path: Path) -> None:
    """An unquoted 2019-06-01 is a date to YAML; as the newsletter's free-text date it prints as written."""
    path = tmp_path / "dates.yaml"
    path.write_text(
        "newsletter:\n  name: N\n  issue: 2019-06\n  date: 2019-06-01\n"
        "sections:\n  - title: T\n    events:\n      items:\n        - date: 2019-10\n          title: 2019-10-02\n"
        "        - date: 2019-11-05\n          title: 1.10\n"
    )
    built = pipeline.build(path, ["email"])
    text = squash(PdfReader(io.BytesIO(built.pdfs["email"])).pages[0].extract_text())
    for literal in ("2019-06", "2019-06-01", "2019-10-02", "1.10"):
        assert literal in text


def test_a_combining_mark_no_font_composes_prints_on_its_letter(tmp_path: Path) -> None:
    """'>' typed with a combining long solidus (U+0338) is NFC-normalised to U+226F, which no shipped font has: it
    is set as the two characters the user typed (found by the fuzz test), not refused as a missing glyph; and a
    soft hyphen before a combining mark is not taken by the proof for a changed word."""
    path = tmp_path / "mark.yaml"
    path.write_text("newsletter:\n  name: N\n  issue: I\n  date: D\nsections:\n"
                    "  - title: T\n    body: \"a >\\u0338 b and e\\u0301t\\u00e9 and A\\u00ad\\u0300 too\"\n", encoding="utf-8")
    built = pipeline.build(path, ["email"], use_cache=False)
    text = unicodedata.normalize("NFC", "".join(p.extract_text() for p in PdfReader(io.BytesIO(built.pdfs["email"])).pages))
    assert "a \u226f b" in text and "\u00e9t\u00e9" in text and "too" in text


def test_a_long_word_hyphenated_at_two_soft_hyphens_is_read_whole(tmp_path: Path) -> None:
    """A word too long for the column, broken at two of its soft hyphens over three lines, is one word to the
    proof (found by the fuzz test: it took the second line's hyphen for part of the word)."""
    path = tmp_path / "long.yaml"
    word = "A00\\u00ad0000000G0\\u00e6\\u0100\\u00ae\\u00ae000\\u00bc\\u019c0<b>\\u00adProf."
    path.write_text("newsletter:\n  name: N\n  issue: I\n  date: D\nsections:\n"
                    f"  - title: T\n    body: \"A\\n\\n{word} X\"\n", encoding="utf-8")
    built = pipeline.build(path, ["email"], use_cache=False)
    assert built.pdfs["email"].startswith(b"%PDF")
