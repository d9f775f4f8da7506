"""Issue #5: random input never crashes the tool.

Random Unicode (with markup look-alikes, control and bidi characters, emoji) in every text field, random
YAML structures in place of the values, and random edits of the raw text. The only outcomes allowed:
a PDF (or a clean check), or IssueError whose every error is located in the file. Anything else, a
traceback or an exit status other than 0/1, is a bug. Examples are few (the file runs in well under a
minute); Hypothesis keeps the failing ones in .hypothesis/ and replays them first.
"""

from __future__ import annotations

import copy
import os
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from anso_pdf import pipeline
from anso_pdf.cli import app
from anso_pdf.diagnostics import IssueError
from hostile_files import make_workspace

SETTINGS = settings(max_examples=int(os.environ.get("ANSO_FUZZ_EXAMPLES", "30")), deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])

SAFE_TOKENS = [  # print as written (or are dropped with a warning): a render must succeed
    "<b>", "</b>", "&amp;", "&", "<", ">", '<img src="/etc/passwd"/>', '<font size=5000>', "<para>", "<br/>",
    "**", "*", "_", "[b](https://example.org/x_(y))", "[c](mailto:a@b.org)", "- ", "\n\n", "\n", "--", "---",
    '"', "'", "\u202e", "\u200b", "\x07", "\x00", "\t", "\u00ad", "\ufeff", "中文字", "ź", "ő", "ß", "ﬁ",
    "e\u0301", "NO", "on", "012", "1.10", "~", "null", "# ", ": ", "%", "{", "}", "@", "`", "|", "Prof. X",
    "12 km", "3 %", " ", "x" * 40,
]
BAD_TOKENS = ["😀", "한국어", "[a](javascript:alert(1))", "[d](http://[::1)", "[e](file:///etc/passwd)"]
WORDS = st.text(st.characters(min_codepoint=0x20, max_codepoint=0x52F, exclude_categories=("Cc", "Cs", "Cn")),
                min_size=1, max_size=24).filter(lambda w: not any(0x3E2 <= ord(c) <= 0x3EF for c in w))
WILD = st.text(st.characters(exclude_categories=("Cs",)), max_size=4)  # anything, incl. unassigned, emoji


def text(pieces: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.tuples(
        st.sampled_from(["A", "Éa", "Ωμέγα", "中文", "Пра"]),  # never empty: an empty value is an error
        st.lists(pieces, max_size=6),
    ).map(lambda t: t[0] + "".join(t[1]))


SAFE_TEXT = text(st.one_of(st.sampled_from(SAFE_TOKENS), WORDS))
TEXT = text(st.one_of(st.sampled_from(SAFE_TOKENS + BAD_TOKENS), WORDS, WORDS, WILD))
BLOCK = st.lists(TEXT, min_size=1, max_size=4).map("\n\n".join)
SAFE_BLOCK = st.lists(SAFE_TEXT, min_size=1, max_size=4).map("\n\n".join)


def base_issue() -> dict[str, Any]:
    """A valid issue using every text field once; three events and one gallery photo leave rows part-filled."""
    return {
        "format": 1,
        "newsletter": {"name": "N", "tagline": "T", "issue": "I", "date": "D", "language": "en"},
        "contents": {"title": "This Issue", "show": True},
        "contact": {"title": "Contact", "address": "A\nB", "phone": "+1", "email": "a@b.org",
                    "website": "https://example.org"},
        "sections": [
            {
                "title": "S1", "contents_title": "S", "intro": "Intro.", "body": "Body.",
                "images": [{"file": "photos/Coffee.jpg", "caption": "C", "credit": "R"}],
                "quote": {"text": "Q", "by": "B"},
                "articles": [{"title": "A", "body": "Body."}],
            },
            {
                "title": "S2",
                "events": {"title": "Upcoming", "items": [
                    {"date": "2019-09-04", "end": "2019-09-06", "label": "L", "title": "E1", "place": "P",
                     "url": "https://example.org"},
                    {"date": "2019-10", "title": "E2"},
                    {"date": "2019-11-30", "title": "E3", "label": "Late Nov."},
                ]},
                "gallery": {"title": "Photos", "photos": [{"file": "photos/Coffee.jpg", "caption": "G"}]},
            },
        ],
        "style": {"page_size": "A4", "columns": 2, "colors": {"primary": "#17468C", "accent": "cmyk(0, 50, 100, 0)"}},
    }


TEXT_FIELDS = [  # (path, markup?) for every free-text value of base_issue()
    (("newsletter", "name"), False), (("newsletter", "tagline"), False), (("newsletter", "issue"), False),
    (("newsletter", "date"), False), (("contents", "title"), False), (("contact", "title"), False),
    (("contact", "address"), False), (("contact", "phone"), False),
    (("sections", 0, "title"), False), (("sections", 0, "contents_title"), False),
    (("sections", 0, "intro"), True), (("sections", 0, "body"), True),
    (("sections", 0, "images", 0, "caption"), False), (("sections", 0, "images", 0, "credit"), False),
    (("sections", 0, "quote", "text"), False), (("sections", 0, "quote", "by"), False),
    (("sections", 0, "articles", 0, "title"), False), (("sections", 0, "articles", 0, "body"), True),
    (("sections", 1, "title"), False), (("sections", 1, "events", "title"), False),
    (("sections", 1, "events", "items", 0, "label"), False), (("sections", 1, "events", "items", 0, "title"), False),
    (("sections", 1, "events", "items", 0, "place"), False), (("sections", 1, "gallery", "title"), False),
    (("sections", 1, "gallery", "photos", 0, "caption"), False),
]


def set_at(tree: Any, path: tuple[Any, ...], value: Any) -> None:
    for step in path[:-1]:
        tree = tree[step]
    tree[path[-1]] = value


def all_paths(tree: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    paths = [prefix] if prefix else []
    children = tree.items() if isinstance(tree, dict) else enumerate(tree) if isinstance(tree, list) else []
    for key, child in children:
        paths += all_paths(child, (*prefix, key))
    return paths


@pytest.fixture(scope="module")
def issue_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_workspace(tmp_path_factory.mktemp("fuzz"))


def assert_located(exc: IssueError, shown: str) -> None:
    assert exc.errors, "IssueError without errors"
    for d in exc.errors:
        assert d.span is not None, f"error without a place in the file: {d}"
        assert d.span.file == shown and d.span.line >= 1 and d.span.column >= 1, str(d)
        assert d.message.strip(), "empty message"


def test_base_issue_is_valid(issue_dir: Path) -> None:
    path = issue_dir / "base.yaml"
    path.write_text(yaml.safe_dump(base_issue(), allow_unicode=True, sort_keys=False), encoding="utf-8")
    built = pipeline.build(path, ["email"])
    assert built.pdfs["email"].startswith(b"%PDF")


def fill_text_fields(texts: list[str], blocks: list[str]) -> dict[str, Any]:
    issue = base_issue()
    markup = iter(blocks)
    for (path, is_markup), value in zip(TEXT_FIELDS, texts, strict=True):
        set_at(issue, path, next(markup) if is_markup else value)
    return issue


def render(issue_dir: Path, issue: dict[str, Any], name: str) -> pipeline.Built:
    path = issue_dir / name
    path.write_text(yaml.safe_dump(issue, allow_unicode=True, sort_keys=False, width=70), encoding="utf-8")
    return pipeline.build(path, ["email"], shown=name, use_cache=False)


N_TEXT = len(TEXT_FIELDS)


@SETTINGS
@given(st.lists(SAFE_TEXT, min_size=N_TEXT, max_size=N_TEXT), st.lists(SAFE_BLOCK, min_size=3, max_size=3))
def test_printable_text_in_every_field_renders(issue_dir: Path, texts: list[str], blocks: list[str]) -> None:
    """Text the fonts cover renders, whatever markup or YAML it looks like; only too much of it may fail."""
    try:
        built = render(issue_dir, fill_text_fields(texts, blocks), "safe.yaml")
    except IssueError as exc:
        assert_located(exc, "safe.yaml")
        assert all("does not fit" in d.message for d in exc.errors), [str(d) for d in exc.errors]
    else:
        assert built.pdfs["email"].startswith(b"%PDF")


@SETTINGS
@given(st.lists(TEXT, min_size=N_TEXT, max_size=N_TEXT), st.lists(BLOCK, min_size=3, max_size=3))
def test_any_text_in_every_field_renders_or_is_located(issue_dir: Path, texts: list[str], blocks: list[str]) -> None:
    try:
        built = render(issue_dir, fill_text_fields(texts, blocks), "text.yaml")
    except IssueError as exc:
        assert_located(exc, "text.yaml")
    else:
        assert built.pdfs["email"].startswith(b"%PDF")


SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(-10**20, 10**20), st.floats(allow_nan=True), TEXT,
    st.sampled_from(["2019-09-04", "2019-13-01", "#17468C", "cmyk(1,2,3,4)", "photos/Coffee.jpg", "../../etc/passwd",
                     "photos/pipe.jpg", "photos/bomb.png", "https://x.org", "javascript:x", "3", "5", "A4", "yes"]),
)
KEYS = st.sampled_from(["title", "body", "file", "items", "date", "name", "page", "colors", "photos", "text",
                        "titel", "x", "", "<<", "1", "null"])
STRUCTURES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(KEYS, inner, max_size=3)),
    max_leaves=8,
)


@SETTINGS
@given(st.data())
def test_random_structures_are_checked_not_crashed(issue_dir: Path, data: st.DataObject) -> None:
    issue = base_issue()
    paths = all_paths(issue)
    for _ in range(data.draw(st.integers(1, 4))):
        tree = copy.deepcopy(issue)
        where = data.draw(st.sampled_from(paths))
        try:
            set_at(tree, where, data.draw(STRUCTURES))
        except (TypeError, KeyError, IndexError):
            continue
        issue = tree
        paths = all_paths(issue)
    text = yaml.safe_dump(issue, allow_unicode=True, sort_keys=False)
    (issue_dir / "structure.yaml").write_text(text, encoding="utf-8")
    result = CliRunner().invoke(app, ["check", str(issue_dir / "structure.yaml")])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code in (0, 1), result.output
    assert "Traceback" not in result.output and "internal error" not in result.output
    if result.exit_code == 1:
        assert f"{issue_dir / 'structure.yaml'}:" in result.output, result.output


EDITS = st.lists(
    st.tuples(st.integers(0, 10_000), st.integers(0, 3),
              st.sampled_from([":", "-", "- ", "[", "]", "{", "}", "&a ", "*a", "!!str ", "!x ", "|", ">", "%",
                               "@", "`", "\t", "#", '"', "'", "\n", "  ", "\ufeff", "\x00", "\x85", "\u2028", "? "])),
    min_size=1, max_size=5,
)


@SETTINGS
@given(EDITS)
def test_random_edits_of_the_text_are_located(issue_dir: Path, edits: list[tuple[int, int, str]]) -> None:
    text = yaml.safe_dump(base_issue(), allow_unicode=True, sort_keys=False)
    for at, cut, insert in edits:
        at %= len(text) + 1
        text = text[:at] + insert + text[at + cut:]
    path = issue_dir / "edited.yaml"
    path.write_text(text, encoding="utf-8")
    try:
        pipeline.check(path, shown="edited.yaml")
    except IssueError as exc:
        assert_located(exc, "edited.yaml")


@SETTINGS
@given(st.binary(max_size=200))
def test_random_bytes_are_located(issue_dir: Path, raw: bytes) -> None:
    path = issue_dir / "bytes.yaml"
    path.write_bytes(raw)
    try:
        pipeline.check(path, shown="bytes.yaml")
    except IssueError as exc:
        assert_located(exc, "bytes.yaml")


PATH_PIECES = st.sampled_from(["..", ".", "photos", "Coffee.jpg", "pipe.jpg", "loop-a.jpg", "zero.jpg",
                               "outside-link.jpg", "issue", "ws", "/", "\\", "~", "C:", "file:", "://", "\x00",
                               " ", "é", "x" * 300])
PATHS = st.one_of(st.lists(PATH_PIECES, max_size=6).map("/".join), st.lists(PATH_PIECES, max_size=6).map("".join),
                  st.text(max_size=30))


@SETTINGS
@given(PATHS)
def test_any_written_path_resolves_inside_or_is_refused(issue_dir: Path, written: str) -> None:
    from anso_pdf.source.workspace import AssetError, probe_image, resolve_asset

    root = issue_dir.resolve().parent
    try:
        real = resolve_asset(written, issue_dir)
    except AssetError as exc:
        assert exc.message
        return
    assert real.is_relative_to(root), real
    try:
        probe_image(real)
    except AssetError as exc:
        assert exc.message


@SETTINGS
@given(st.one_of(st.binary(max_size=300), st.builds(lambda head, tail: head + tail,
       st.sampled_from([b"\xff\xd8\xff\xe0", b"\x89PNG\r\n\x1a\n", b"RIFF\x00\x00\x00\x00WEBPVP8 ", b"GIF89a"]),
       st.binary(max_size=300))))
def test_any_bytes_as_a_photo_are_an_image_or_a_message(tmp_path_factory: pytest.TempPathFactory, data: bytes) -> None:
    from anso_pdf.source.workspace import AssetError, probe_image

    path = tmp_path_factory.mktemp("bytes") / "photo.jpg"
    path.write_bytes(data)
    try:
        info = probe_image(path)
    except AssetError as exc:
        assert exc.message
    else:
        assert info.size[0] > 0 and info.size[1] > 0


@SETTINGS
@given(st.text(max_size=40))
def test_value_parsers_raise_only_value_error(value: str) -> None:
    from anso_pdf.model.values import check_email, check_language, check_url, parse_colour, parse_event_date

    for parse in (parse_colour, parse_event_date):
        try:
            parse(value)
        except ValueError as exc:
            assert str(exc)
    for check in (check_url, check_email, check_language):
        assert check(value) is None or isinstance(check(value), str)
