"""The markup subset: linear and iterative (issue #17), unclosed marks located (issue #14), quotes educated
across emphasis and links (issue #12)."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import pdf_pages_text, write_issue
from typer.testing import CliRunner

from anso_pdf import pipeline
from anso_pdf.cli import app
from anso_pdf.diagnostics import Diagnostics, Span
from anso_pdf.model.text import parse_markup

HERE = Span("issue.yaml", 10, 5)


def _parse(text: str, *, block: bool = True, column: int | None = 7) -> tuple[list, Diagnostics]:
    diags = Diagnostics()
    paras = parse_markup(text, HERE, diags, block=block, column=column)
    return [[(r.text, r.bold, r.italic, r.href) for r in p.runs] for p in paras], diags


def test_emphasis_and_links_as_before() -> None:
    paras, diags = _parse("Plain **bold *both* bold** *it* [a **b** link](https://example.org/a_(b)) end.")
    assert paras == [[
        ("Plain ", False, False, None), ("bold ", True, False, None), ("both", True, True, None),
        (" bold", True, False, None), (" ", False, False, None), ("it", False, True, None), (" ", False, False, None),
        ("a ", False, False, "https://example.org/a_(b)"), ("b", True, False, "https://example.org/a_(b)"),
        (" link", False, False, "https://example.org/a_(b)"), (" end.", False, False, None),
    ]]
    assert diags.items == []


def test_bold_around_a_link_and_stars_that_are_stars() -> None:
    paras, diags = _parse("**see [the report](https://example.org)** and 5 * 3 and a footnote*")
    assert paras[0][:2] == [("see ", True, False, None), ("the report", True, False, "https://example.org")]
    assert paras[0][2] == (" and 5 * 3 and a footnote*", False, False, None)
    assert diags.items == []


def test_unclosed_bold_is_a_warning_at_the_mark() -> None:
    paras, diags = _parse("First line\nthen **Save the date for the forum\nand more.")
    assert paras == [[("First line then **Save the date for the forum and more.", False, False, None)]]
    (warning,) = diags.items
    assert warning.severity == "warning"
    assert (warning.span.line, warning.span.column) == (12, 7 + len("then "))
    assert "bold is never closed" in warning.message and "'**Save the date" in warning.message
    assert warning.hint is not None and "type ** after the last word" in warning.hint


def test_unclosed_italic_and_link_each_warned_once_per_paragraph() -> None:
    paras, diags = _parse("An *open italic, a [link(https://example.org) and *another.\n\n- item [x](https://a b)")
    assert "".join(r[0] for r in paras[0]) == "An *open italic, a [link(https://example.org) and *another."
    messages = [(d.span.line, d.span.column, d.message) for d in diags.items]
    assert messages[0][:2] == (11, 7 + 3) and "italic is never closed" in messages[0][2]
    assert "(and 2 more unpaired marks in this paragraph)" in messages[0][2]
    assert messages[1][:2] == (11, 7 + len("An *open italic, a ")) and "link text is never closed" in messages[1][2]
    assert messages[2][:2] == (13, 9 + len("item ")) and "link address is not closed" in messages[2][2]
    assert len(messages) == 3


def test_one_line_value_columns_count_from_the_value() -> None:
    _, diags = _parse("a closing** with no opening", block=False, column=12)
    (warning,) = diags.items
    assert (warning.span.line, warning.span.column) == (10, 12 + len("a closing"))
    assert "never opened" in warning.message


def test_pathological_text_is_parsed_whole_without_recursion() -> None:
    """128 kB of unclosed marks, and thousands of spans in one paragraph (issue #17 cases 6 and 7): every
    character is kept, every span is found, and no RecursionError (timings: bench/markup.py)."""
    for unit in ("**", "*a ", "[a(", "](a](b)", "*"):
        text = unit * (128_000 // len(unit))
        paras, diags = _parse(text, block=False, column=1)
        assert "".join(r[0] for p in paras for r in p) == text.strip()
        assert len(diags.items) <= 2
    spans = " ".join(f"**b{i}** *i{i}*" for i in range(5000))
    paras, diags = _parse(spans, block=False, column=1)
    runs = paras[0]
    assert sum(1 for r in runs if r[1]) == 5000 and sum(1 for r in runs if r[2]) == 5000
    assert diags.items == []
    links = " ".join(f"[l{i}](https://example.org/{i})" for i in range(3000))
    paras, _ = _parse(links, block=False, column=1)
    assert sum(1 for r in paras[0] if r[3]) == 3000


ISSUE = """\
newsletter:
  name: Quotes
  issue: Issue 1
  date: June 2026
sections:
  - title: Marks
    body: |
      She said "**never**" to *Bob*'s plan and '[this](https://example.org)' too.

      The meeting runs 10-13 April 2027, as in 2019-2020 (pp. 4-6), with Vice-President Ana, phone
      +86 10 6859-7645, on 2019-09-04, ISBN 978-3-16-148410-0, at https://example.org/10-13.

      This is **not closed.
"""


def test_quotes_across_emphasis_and_ranges_read_back(tmp_path: Path) -> None:
    built = pipeline.build(write_issue(tmp_path, ISSUE), ["email"])
    text = " ".join(pdf_pages_text(built.pdfs["email"])).replace("\u2011", "-")
    flat = " ".join(text.split())
    assert "She said \u201cnever\u201d to Bob\u2019s plan and \u2018this\u2019 too." in flat
    assert "10\u201313 April 2027" in flat and "2019\u20132020" in flat and "pp. 4\u20136" in flat
    for kept in ("Vice-President", "6859-7645", "2019-09-04", "978-3-16-148410-0", "https://example.org/10-13"):
        assert kept in flat.replace("- ", "-"), kept
    assert "**not closed." in flat
    (warning,) = [w for w in built.warnings if "bold is never closed" in w.message]
    assert (warning.span.line, warning.span.column) == (13, 15)


def test_strict_check_refuses_unclosed_markup(tmp_path: Path, monkeypatch) -> None:
    write_issue(tmp_path, ISSUE)
    monkeypatch.chdir(tmp_path)
    plain = CliRunner().invoke(app, ["check", "issue.yaml"])
    strict = CliRunner().invoke(app, ["check", "--strict", "issue.yaml"])
    assert plain.exit_code == 0, plain.output
    assert "issue.yaml:13:15" in plain.output and "bold is never closed" in plain.output
    assert strict.exit_code == 1, strict.output


def test_text_far_beyond_four_pages_is_refused_before_layout(tmp_path: Path) -> None:
    """A paragraph of 70,000 unclosed marks: a located error at the text, not a long layout (issue #17)."""
    from anso_pdf.diagnostics import IssueError

    body = "**" * 35_000
    path = write_issue(tmp_path, "newsletter:\n  name: N\n  issue: 1\n  date: 2026\nsections:\n  - title: T\n"
                                 f"    body: |\n      {body}\n")
    try:
        pipeline.build(path, ["email"])
    except IssueError as caught:
        (error,) = caught.errors
    else:
        raise AssertionError("rendered")
    assert (error.span.line, error.span.column) == (8, 7)
    assert "this text alone 70,000" in error.message and "four pages hold at most about 33,000" in error.message
