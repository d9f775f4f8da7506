"""Link addresses in 7-bit ASCII as PDF requires, the text shown as written (issue #12 case 7); e-mail
links carry an address and nothing else (issue #17 point 13)."""

from __future__ import annotations

import io
from pathlib import Path

import pikepdf
import pytest
from tests.conftest import pdf_pages_text, write_issue

from anso_pdf import pipeline
from anso_pdf.diagnostics import IssueError
from anso_pdf.model.values import check_email, check_url, link_uri, readable_uri


@pytest.mark.parametrize(("written", "uri"), [
    ("https://bücher.example/straße?q=ä#teil", "https://xn--bcher-kva.example/stra%C3%9Fe?q=%C3%A4#teil"),
    ("https://例え.テスト/パス", "https://xn--r8jz45g.xn--zckzah/%E3%83%91%E3%82%B9"),
    ("mailto:jürgen@bücher.de", "mailto:j%C3%BCrgen@xn--bcher-kva.de"),
    ("https://user@münchen.de:8080/a b", "https://user@xn--mnchen-3ya.de:8080/a%20b"),
    ("https://example.org/a_(b)?x=1&y=%20#top", "https://example.org/a_(b)?x=1&y=%20#top"),
])
def test_link_uri_is_ascii(written: str, uri: str) -> None:
    assert link_uri(written) == uri
    assert uri.isascii()
    assert readable_uri(uri) == written.replace(" ", "%20")  # what a screen reader is given back


@pytest.mark.parametrize("uri", ["https://x.example/%FF", "mailto:a%FE@b.example", "https://xn--zz.example/"])
def test_readable_uri_leaves_what_does_not_decode(uri: str) -> None:
    assert readable_uri(uri) == uri


@pytest.mark.parametrize("written", [
    "mailto:office@example.org?bcc=all@example.org",
    "mailto:office@example.org?subject=Hello",
    "mailto:office@example.org%0D%0ABcc:all@example.org",
    "mailto:office@example.org,all@example.org",
])
def test_mailto_with_header_fields_is_refused(written: str) -> None:
    problem = check_url(written)
    assert problem is not None and "write only the address: mailto:office@example.org" in problem


@pytest.mark.parametrize("written", ["office@example.org?bcc=all@example.org", "office@example.org%0d%0aBcc: x@y.org",
                                     "office@example.org?subject=x"])
def test_contact_email_with_header_fields_is_refused(written: str) -> None:
    problem = check_email(written)
    assert problem is not None and "write only the address: office@example.org" in problem


def test_host_without_idna_form_is_refused() -> None:
    assert "cannot be written as an international domain name" in (check_url("https://a..b.ü/") or "")


ISSUE = """\
newsletter:
  name: Links
  issue: Issue 1
  date: June 2026
contact:
  email: jürgen@bücher.de
  website: https://bücher.example/
sections:
  - title: Reading
    body: |
      See [the Straße page](https://bücher.example/straße) and [Tokyo](https://例え.テスト/パス).
    events:
      items:
        - date: 2026-09-04
          title: Fair
          url: https://münchen.de/messe
"""


def test_links_in_the_pdf_are_ascii_and_the_text_is_as_written(tmp_path: Path) -> None:
    built = pipeline.build(write_issue(tmp_path, ISSUE), ["email"])
    uris, contents = set(), set()
    with pikepdf.open(io.BytesIO(built.pdfs["email"])) as pdf:
        for page in pdf.pages:
            for annot in page.obj.get("/Annots", []):
                action = annot.get("/A")
                if action is not None and "/URI" in action:
                    uris.add(bytes(action.URI))
                    contents.add(str(annot.Contents))
    assert uris == {
        b"https://xn--bcher-kva.example/stra%C3%9Fe", b"https://xn--r8jz45g.xn--zckzah/%E3%83%91%E3%82%B9",
        b"mailto:j%C3%BCrgen@xn--bcher-kva.de", b"https://xn--bcher-kva.example/", b"https://xn--mnchen-3ya.de/messe",
    }
    assert contents == {  # what a screen reader says of each link: the address as written, not its /URI form
        "Link to https://bücher.example/straße", "Link to https://例え.テスト/パス", "E-mail jürgen@bücher.de",
        "Link to https://bücher.example/", "Link to https://münchen.de/messe",
    }
    text = " ".join(pdf_pages_text(built.pdfs["email"]))
    for shown in ("the Straße page", "Tokyo", "jürgen@bücher.de", "https://bücher.example/"):
        assert shown in text, shown


def test_contact_email_header_fields_are_a_located_error(tmp_path: Path) -> None:
    path = write_issue(tmp_path, ISSUE.replace("email: jürgen@bücher.de", "email: office@example.org?bcc=all@example.org"))
    with pytest.raises(IssueError) as caught:
        pipeline.build(path, ["email"])
    (error,) = caught.value.errors
    assert (error.span.line, error.span.column) == (6, 10)
    assert "write only the address: office@example.org" in error.message
