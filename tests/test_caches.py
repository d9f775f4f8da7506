"""issue #6: the caches besides photos (house colours, the fit each run of pages took) and what they
must never change: the PDFs' bytes and the notes are the same cold, warm, with another cache folder and with
--no-cache; a damaged, foreign or no longer fitting entry is never used; --no-cache writes nothing. Also the
hyphenation dictionaries, indexed instead of parsed (layout/hyphenate.py): exactly pyphen's patterns.

Fonts and house colours are loaded once per process, so what depends on their cache entries being written or read
back runs in fresh processes (`python -m anso_pdf`, as test_faults.py does); the rest runs in-process with
XDG_CACHE_HOME pointed at a folder of the test's own."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyphen
import pytest
from reportlab.pdfbase import pdfmetrics, ttfonts
from tests.conftest import SAMPLE
from typer.testing import CliRunner

from anso_pdf import cache, layout, pipeline
from anso_pdf.cli import app
from anso_pdf.diagnostics import Diagnostics
from anso_pdf.layout import fonts, hyphenate, memo, shaping
from anso_pdf.layout.styles import FIT_LADDER, LOOSE_LADDER, Fit
from anso_pdf.render import colours
from anso_pdf.render.paint import _InMemoryJpeg
from anso_pdf.resources import font_path

ROOT = Path(__file__).resolve().parents[1]
PROFILES = ["email", "press"]
LADDERS = (FIT_LADDER, LOOSE_LADDER)
RUNS = 4  # the sample pins a section on each page: four runs of one page
KINDS = {"images", "colours", "layout", "linebreaks", "proofs"}  # what cache.py says is kept


# --------------------------------------------------------------------------------------------- helpers


def _home(monkeypatch: pytest.MonkeyPatch, folder: Path) -> Path:
    """Point the cache at folder/anso-pdf; return that."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(folder))
    return folder / "anso-pdf"


def _files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


def _count(root: Path, kind: str) -> int:
    return len(_files(root / kind))


def _kind_and_name(path: Path) -> tuple[str, str]:
    """An entry's kind and name from its path (…/anso-pdf/KIND/NAME, or …/anso-pdf/images/ab/NAME)."""
    parts = path.parts[path.parts.index("anso-pdf") + 1:]
    return parts[0], "/".join(parts[1:])


def _valid_blob(path: Path) -> bool:
    """Sealed with this user's key for its own kind and name (cache.py)."""
    data = path.read_bytes()
    return len(data) > cache.HEADER and cache.sealed(*_kind_and_name(path), data[cache.HEADER:]) == data


def _apply(damage: Callable[[bytes], bytes], entry: Path, good: bytes) -> None:
    """Write the damaged entry: bytes changed, or (for _resealed) another payload sealed properly."""
    payload = getattr(damage, "payload", None)
    if payload is None:
        entry.write_bytes(damage(good))
    else:
        entry.write_bytes(cache.sealed(*_kind_and_name(entry), payload(good[cache.HEADER:])) or b"")


def _identity(root: Path) -> dict[str, tuple[int, int]]:
    """Each entry's inode and modification time: an entry rewritten (atomically, by rename) gets a new inode."""
    return {p.relative_to(root).as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns) for p in _files(root)}


def _cli(cwd: Path, home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, XDG_CACHE_HOME=str(home), HOME=str(home))
    result = subprocess.run([sys.executable, "-m", "anso_pdf", *args], cwd=cwd, env=env, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return result


def _notes(output: str) -> list[str]:
    """The copyfitting notes as the page report prints them (a page's row, then "to fit: A; B" under it), one
    "page N: A to fit" per change."""
    notes: list[str] = []
    page = None
    for line in output.splitlines():
        if row := re.match(r"^ +(\d) +\d+% ", line):
            page = row[1]
        elif (change := re.match(r"^ {20,}(to fit|to fill the page|left empty): (.*)$", line)) and page:
            notes += [f"page {page}: {c} {change[1]}" for c in change[2].split("; ")]
    return notes


def _per_page(notes: list[str]) -> list[str]:
    """Layout notes about a run of pages ("pages 2-3: X") as the page report shows them: under each page."""
    out = []
    for note in notes:
        head, text = note.split(": ", 1)
        first, _, last = head.removeprefix("pages ").removeprefix("page ").partition("-")
        out += [f"page {n}: {text}" for n in range(int(first), int(last or first) + 1)]
    return out


def _pdfs(folder: Path, stem: str = SAMPLE.stem) -> dict[str, bytes]:
    return {"email": (folder / f"{stem}.pdf").read_bytes(), "press": (folder / f"{stem}-press.pdf").read_bytes()}


def _summary(laid: Any) -> tuple:
    """Everything a layout decides: where each part is on each page, section pages, the outline, the notes."""
    pages = [[(p.kind, p.ident, p.section, p.x, p.y, p.width, p.height) for p in page.placed] for page in laid.pages]
    return laid.section_pages, laid.continuation_pages, laid.outline, laid.fit_notes, pages


def _lay_out(path: Path = SAMPLE) -> tuple:
    issue = pipeline.load(path)
    diags = Diagnostics()
    laid = layout.lay_out(issue, diags)
    assert laid is not None and not diags.errors
    return _summary(laid)


class _Spy:
    """Count calls of layout.attempt (one layout of a run at one fit) and record memo's keys, recalls and choices."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.attempts = 0
        self.keys: list[str] = []
        self.recalled: list[Fit | None] = []
        self.remembered: dict[str, Fit] = {}
        attempt, run_key, recall, remember = layout.attempt, memo.run_key, memo.recall, memo.remember

        def counted(*args: Any, **kwargs: Any) -> Any:
            self.attempts += 1
            return attempt(*args, **kwargs)

        def keyed(*args: Any, **kwargs: Any) -> str:
            self.keys.append(run_key(*args, **kwargs))
            return self.keys[-1]

        def recalling(*args: Any, **kwargs: Any) -> Fit | None:
            self.recalled.append(recall(*args, **kwargs))
            return self.recalled[-1]

        def remembering(key: str, fit: Fit, **kwargs: Any) -> None:
            self.remembered[key] = fit
            remember(key, fit, **kwargs)

        monkeypatch.setattr(layout, "attempt", counted)
        monkeypatch.setattr(memo, "run_key", keyed)
        monkeypatch.setattr(memo, "recall", recalling)
        monkeypatch.setattr(memo, "remember", remembering)

    def reset(self) -> None:
        self.attempts = 0
        self.keys, self.recalled, self.remembered = [], [], {}


@pytest.fixture(scope="module")
def reference() -> tuple:
    """The sample laid out with no cache at all."""
    with cache.switched(False):
        return _lay_out()


# --------------------------------------------------------------------------------------------- cache.py


def test_blobs_round_trip_only_when_enabled_and_intact(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _home(monkeypatch, tmp_path / "xdg")
    assert cache.root() == root
    name, other = cache.key("name"), cache.key("other")
    cache.write_blob("layout", name, b"payload")
    assert cache.read_blob("layout", name) == b"payload"
    assert (root / "layout" / name).read_bytes() == cache.sealed("layout", name, b"payload")
    assert (root / "layout" / name).read_bytes().startswith(cache.MAGIC)
    with cache.switched(False):
        assert not cache.enabled()
        assert cache.read_blob("layout", name) is None
        cache.write_blob("layout", other, b"x")
        with cache.switched(True):
            assert cache.enabled()
        assert not cache.enabled()
    assert cache.enabled()
    assert not (root / "layout" / other).exists()
    with pytest.raises(RuntimeError), cache.switched(False):
        raise RuntimeError
    assert cache.enabled()  # restored after an exception
    good = (root / "layout" / name).read_bytes()
    for damaged in (b"", b"\0" * 48, cache.MAGIC, good[:-1], good + b"x", good[:-1] + b"D",
                    hashlib.sha256(b"payload").digest() + b"payload"):  # the old format: a digest anyone can make
        (root / "layout" / name).write_bytes(damaged)
        assert cache.read_blob("layout", name) is None, damaged
    assert cache.read_blob("layout", cache.key("missing")) is None
    assert not list((root / "layout").glob(".tmp-*"))
    blocked = tmp_path / "a-file"
    blocked.write_text("")
    _home(monkeypatch, blocked)  # the cache folder cannot be made: the blob is simply not kept
    cache.write_blob("layout", name, b"payload")
    assert cache.read_blob("layout", name) is None


# --------------------------------------------------------------------------------------------- same bytes


def test_same_pdfs_cold_warm_other_folder_and_no_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    spy = _Spy(monkeypatch)
    runs: dict[str, pipeline.Built] = {}
    attempts: dict[str, int] = {}
    photos: dict[str, tuple[int, int]] = {}
    homes = {"cold": tmp_path / "a", "warm": tmp_path / "a", "other": tmp_path / "b", "none": tmp_path / "c"}
    for label, home in homes.items():
        _home(monkeypatch, home)
        spy.reset()
        said: list[str] = []
        runs[label] = pipeline.build(SAMPLE, PROFILES, use_cache=label != "none", report=said.append)
        attempts[label] = spy.attempts
        (found,) = [re.search(r"prepared (\d+) photos .*\((\d+) from the cache\)", s) for s in said if "prepared" in s]
        assert found is not None
        photos[label] = (int(found[1]), int(found[2]))
        if label == "cold":
            root = home / "anso-pdf"
            assert _count(root, "layout") == RUNS
            assert all(_valid_blob(p) for p in _files(root / "layout"))
    for label, built in runs.items():
        assert set(built.pdfs) == set(PROFILES)
        for name in PROFILES:
            assert built.pdfs[name] == runs["cold"].pdfs[name], (label, name)
        assert built.notes == runs["cold"].notes, label
    # the warm run was served by the caches: one layout per run, every photo from the cache
    assert attempts["warm"] == RUNS < attempts["cold"] == attempts["other"] == attempts["none"]
    total = photos["cold"][0]
    assert total > 0
    assert photos == {"cold": (total, 0), "warm": (total, total), "other": (total, 0), "none": (total, 0)}
    assert _files(tmp_path / "c") == []
    assert _files(tmp_path / "b" / "anso-pdf" / "images")  # the other folder was really used


def test_cli_render_no_cache_in_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                        sample_pdfs: dict[str, bytes]) -> None:
    _home(monkeypatch, tmp_path / "xdg")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["render", str(SAMPLE), "--no-cache"])
    assert result.exit_code == 0, result.output
    assert _pdfs(tmp_path / "build") == sample_pdfs
    assert _files(tmp_path / "xdg") == []


def test_image_names_do_not_carry_the_cache_folder() -> None:
    named = _InMemoryJpeg("abcdef.jpg", b"\xff\xd8data\xff\xd9")
    assert str(named) == "abcdef.jpg" and f"{named}" == "abcdef.jpg"
    assert named.read() == b"\xff\xd8data\xff\xd9"  # read from memory, as ReportLab reads an open file
    named.close()
    assert named.read(2) == b"\xff\xd8"  # and again for another draw


@pytest.fixture(scope="module")
def cli_renders(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """`render` in fresh processes: cold (fonts parsed, colours converted, both kept), warm in the same cache
    folder (read back), and --no-cache with a folder of its own."""
    base = tmp_path_factory.mktemp("cli-render")
    home, none = base / "home", base / "home-none"
    out = {"cold": _cli(base, home, "render", str(SAMPLE), "-o", "cold")}
    out["before"] = _identity(home)
    out["warm"] = _cli(base, home, "render", str(SAMPLE), "-o", "warm")
    out["after"] = _identity(home)
    out["none"] = _cli(base, none, "render", "--no-cache", str(SAMPLE), "-o", "none")
    out.update(base=base, home=home / "anso-pdf", home_none=none)
    return out


def test_cli_render_in_fresh_processes_same_bytes(cli_renders: dict[str, Any], sample_pdfs: dict[str, bytes]) -> None:
    base = cli_renders["base"]
    for label in ("cold", "warm", "none"):
        assert _pdfs(base / label) == sample_pdfs, label
    home = cli_renders["home"]
    assert _count(home, "layout") == RUNS
    assert _count(home, "colours") >= 1  # the house colours converted for the press PDF
    assert _count(home, "proofs") >= 1  # the photos' comparisons passed (proof.prove_photos)
    assert {p.name for p in home.iterdir()} <= KINDS
    for kind in ("images", "colours", "layout", "linebreaks", "proofs"):
        assert all(_valid_blob(p) for p in _files(home / kind)), kind
    # the warm process read every entry back and rewrote none (a rewrite is a rename: a new inode)
    assert cli_renders["after"] == cli_renders["before"]
    assert _files(cli_renders["home_none"]) == []


def test_render_notes_same_cold_and_warm(cli_renders: dict[str, Any]) -> None:
    notes = {label: _notes(cli_renders[label].stderr) for label in ("cold", "warm", "none")}
    assert notes["cold"], cli_renders["cold"].stderr
    assert any(n.startswith("page ") and n.endswith((" to fit", " to fill the page")) for n in notes["cold"]), notes["cold"]
    assert notes["warm"] == notes["cold"] == notes["none"]


# --------------------------------------------------------------------------------------------- check


@pytest.fixture(scope="module")
def cli_checks(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    base = tmp_path_factory.mktemp("cli-check")
    home, none = base / "home", base / "home-none"
    out = {"cold": _cli(base, home, "check", str(SAMPLE))}
    out["before"] = _identity(home)
    out["warm"] = _cli(base, home, "check", str(SAMPLE))
    out["after"] = _identity(home)
    out["none"] = _cli(base, none, "check", "--no-cache", str(SAMPLE))
    out.update(home=home / "anso-pdf", home_none=none)
    return out


def test_check_keeps_layout_and_no_cache_keeps_nothing(cli_checks: dict[str, Any]) -> None:
    home = cli_checks["home"]
    assert _count(home, "layout") == RUNS
    assert {p.name for p in home.iterdir()} <= KINDS  # check prepares the photos, as render does (issue 14)
    for kind in ("layout", "linebreaks"):
        assert all(_valid_blob(p) for p in _files(home / kind)), kind
    assert not list(home.rglob(".tmp-*"))
    assert cli_checks["after"] == cli_checks["before"]
    assert _files(cli_checks["home_none"]) == []


def test_check_notes_same_cold_warm_and_no_cache(cli_checks: dict[str, Any], reference: tuple) -> None:
    cold, warm, none = (cli_checks[label].stderr for label in ("cold", "warm", "none"))
    assert _notes(cold) == _per_page(reference[3]) != []
    assert warm == cold == none  # every line, the notes and the summary


# --------------------------------------------------------------------------------------------- damage


def _flip(index: int) -> Callable[[bytes], bytes]:
    def damage(data: bytes) -> bytes:
        out = bytearray(data)
        out[index if index >= 0 else len(out) + index] ^= 0xFF
        return bytes(out)

    damage.__name__ = f"flip_byte_{index}"
    return damage


def _resealed(payload: Callable[[bytes], bytes]) -> Callable[[bytes], bytes]:
    """A damage that keeps the seal right (as only the user's own key can): the entry's bytes are whole, their
    meaning is not. Applied by _apply."""
    def damage(data: bytes) -> bytes:
        raise AssertionError("applied by _apply")

    damage.payload = payload  # type: ignore[attr-defined]
    return damage


_BLOB_DAMAGE = {
    "magic byte": _flip(3),
    "seal byte": _flip(len(cache.MAGIC) + 3),
    "payload byte": lambda data: _flip(cache.HEADER + (len(data) - cache.HEADER) // 2)(data),
    "last byte": _flip(-1),
    "truncated": lambda data: data[: len(data) // 2],
    "header only": lambda data: data[: cache.HEADER],
    "empty": lambda data: b"",
}


def _refuse(*args: object, **kwargs: object) -> None:
    raise AssertionError("worked out again although the cache holds a good entry")


# --------------------------------------------------------------------------------------------- hyphenation

_WORDS = ("hyphenation", "typesetting", "newsletter", "cooperation", "international", "internationalisation",
          "développement", "responsabilité", "Verantwortung", "ontwikkelingssamenwerking")


def test_every_indexed_dictionary_gives_pyphens_patterns(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every dictionary pyphen ships: either handed to pyphen's own parser, or indexed with exactly the patterns
    (letters, offset, values) and longest pattern pyphen reads from it."""

    class Fallback(pyphen.HyphDict):  # what _patterns gets when it asks pyphen to parse (not parsed here: 4 s)
        def __init__(self, path: Path) -> None:
            self.fallback = path

    monkeypatch.setattr(pyphen, "HyphDict", Fallback)
    parse = Fallback.__mro__[1]
    fallen, indexed = set(), set()
    for path in sorted(set(pyphen.LANGUAGES.values())):
        got = hyphenate._patterns(path)
        if getattr(got, "fallback", None) == path:
            fallen.add(path.name)
            continue
        indexed.add(path.name)
        want = parse(path)
        assert len(got.patterns) == len(want.patterns), path.name
        assert set(got.patterns) == set(want.patterns), path.name
        for letters, values in want.patterns.items():
            assert got.patterns.get(letters) == values, (path.name, letters)
        assert got.patterns.get("no such pattern") is None
        assert got.maxlen == want.maxlen and got.cache == {}, path.name
        for word in _WORDS:
            assert got.positions(word.lower()) == want.positions(word.lower()), (path.name, word)
    assert {"hyph_ca.dic", "hyph_hu_HU.dic"} <= fallen  # nonstandard alternatives: left to pyphen
    assert {"hyph_en_GB.dic", "hyph_en_US.dic", "hyph_fr.dic", "hyph_nl_NL.dic"} <= indexed
    assert len(indexed) > len(fallen)


@pytest.mark.parametrize("language", ["en", "fr", "nl_NL"])
def test_hyphenator_breaks_words_as_pyphen_does(language: str, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    root = _home(monkeypatch, tmp_path / "xdg")
    monkeypatch.setattr(pyphen, "hdcache", {})  # the process's dictionaries stay as the layout code set them
    path = pyphen.LANGUAGES[pyphen.language_fallback(language)]
    got = hyphenate._patterns(path)
    assert type(got) is pyphen.HyphDict
    want = pyphen.HyphDict(path)
    mine = pyphen.Pyphen(lang=language, left=2, right=3)
    mine.hd = got
    theirs = pyphen.Pyphen(lang=language, left=2, right=3)
    theirs.hd = want
    for word in _WORDS:
        assert mine.inserted(word) == theirs.inserted(word), word
        assert list(mine.iterate(word)) == list(theirs.iterate(word)), word
    assert _files(root) == []  # nothing of the dictionaries is kept in the cache


# --------------------------------------------------------------------------------------------- fonts

_OBJECTS = {"face", "state", "encoding"}
_TEXT = "Typeset \u00e9t\u00e9 \u4e2d\u6587 \u00a0fi 2019"


def test_every_face_of_a_family_maps_the_same_characters() -> None:
    """layout/fonts.py takes one face's characters for its whole family (_COVERAGE): true of the shipped files."""
    for family, stems in fonts._FILES.items():
        maps = {stem: frozenset(ttfonts.TTFontFace(str(font_path(stem + ".ttf"))).charToGlyph) for stem in set(stems)}
        assert len(set(maps.values())) == 1, family
        assert fonts._COVERAGE[family] in ("", "-Bold", "-Italic", "-BoldItalic")


def test_a_lazy_font_is_read_once_on_first_use_and_then_is_the_parsed_font(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _home(monkeypatch, tmp_path / "xdg")
    monkeypatch.setattr(pdfmetrics, "_dynFaceNames", dict(pdfmetrics._dynFaceNames))
    reads = []
    read = fonts._font
    monkeypatch.setattr(fonts, "_font", lambda name, path: (reads.append(path.name), read(name, path))[1])
    path = font_path("NotoSerif-Italic.ttf")
    lazy = fonts._LazyFont("CacheTestLazy", path)
    assert reads == [] and lazy.fontName == "CacheTestLazy" and lazy._dynamicFont and lazy._multiByte
    assert _files(root) == []
    parsed = ttfonts.TTFont("CacheTestLazy", str(path))
    # measured shaped (layout/shaping.py): kerned, "fi" one glyph; the parsed font's HarfBuzz gives the same
    assert lazy.stringWidth(_TEXT, 9.4) == shaping.Shaper(parsed).text_width(_TEXT) * 9.4 * 0.001
    assert lazy.stringWidth(_TEXT, 9.4) != parsed.stringWidth(_TEXT, 9.4)
    assert reads == ["NotoSerif-Italic.ttf"]
    assert lazy.face.charWidths == parsed.face.charWidths and lazy.shapable == parsed.shapable
    assert reads == ["NotoSerif-Italic.ttf"]  # read once
    assert set(vars(lazy)) - {"_path"} == set(vars(parsed))
    for key in set(vars(parsed)) - _OBJECTS:
        assert getattr(lazy, key) == getattr(parsed, key), key
    assert set(vars(lazy.face)) == set(vars(parsed.face))
    assert parsed.face.name in pdfmetrics._dynFaceNames
    with pytest.raises(AttributeError):
        lazy.no_such_attribute  # noqa: B018 (after reading, a missing attribute is missing)
    assert reads == ["NotoSerif-Italic.ttf"]
    assert _files(root) == []  # font tables are not cached (issue #17: a pickled face could run code)


def test_registered_families_are_lazy_fonts_that_read_as_parsed() -> None:
    fonts.register_fonts()
    for family in (fonts.SERIF, fonts.SANS, fonts.CONDENSED):
        for style, stem in zip(("", "-Bold", "-Italic", "-BoldItalic"), fonts._FILES[family], strict=True):
            font = pdfmetrics.getFont(family + style) if family + style in pdfmetrics._fonts else None
            if font is None:  # condensed italic is mapped to the upright face
                continue
            assert isinstance(font, ttfonts.TTFont), family + style
            assert Path(font.face.filename).name == stem + ".ttf"


def test_the_fallback_font_is_read_only_for_a_character_that_decomposes() -> None:
    """A line break (no family has it, nothing to decompose) leaves the 4 MB CJK fallback unread; a composed
    character no font has still asks it, and is set as its parts (layout/fonts.py decomposed)."""
    shipped = fonts.register_fonts()
    text_only = fonts.FontSet({family: shipped.coverage[family] for family in (fonts.SERIF, fonts.SANS, fonts.CONDENSED)})
    assert not text_only.covers(fonts.SERIF, "\n")
    assert [fonts.decomposed(c, fonts.SERIF, text_only) for c in "A\n\u00e9"] == ["A", "\n", "\u00e9"]
    assert fonts.FALLBACK not in text_only.coverage
    assert fonts.decomposed("\u226f", fonts.SERIF, text_only) == ">\u0338"
    assert fonts.FALLBACK in text_only.coverage
    assert fonts.decomposed("\u4e2d", fonts.SERIF, text_only) == "\u4e2d"


# --------------------------------------------------------------------------------------------- colours

_COLOURS = [(True, (0, 94, 160)), (True, (255, 255, 255)), (True, (0, 0, 0)), (False, (10, 200, 30, 5)),
            (False, (255, 255, 255, 255))]


def test_colours_read_back_equal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _home(monkeypatch, tmp_path / "xdg")
    fresh = [colours._converted(to_cmyk, values) for to_cmyk, values in _COLOURS]
    assert [len(got) for got in fresh] == [4 if to_cmyk else 3 for to_cmyk, _ in _COLOURS]
    assert _count(root, "colours") == len(_COLOURS)
    assert all(_valid_blob(p) for p in _files(root / "colours"))
    before = _identity(root)
    with monkeypatch.context() as mp:
        mp.setattr(colours, "_transform", _refuse)  # read back: no ICC transform is built or applied
        back = [colours._converted(to_cmyk, values) for to_cmyk, values in _COLOURS]
    assert back == fresh and all(type(v) is int for got in back for v in got)
    assert _identity(root) == before
    with cache.switched(False), monkeypatch.context() as mp:
        mp.setattr(colours, "_transform", _refuse)
        with pytest.raises(AssertionError):  # --no-cache: worked out again, the entries are not read
            colours._converted(*_COLOURS[0])


_COLOUR_DAMAGE = {
    **_BLOB_DAMAGE,
    "not json": _resealed(lambda p: b"[1, 2,"),
    "three for four": _resealed(lambda p: b"[1, 2, 3]"),
    "five for four": _resealed(lambda p: b"[1, 2, 3, 4, 5]"),
    "over 255": _resealed(lambda p: b"[1, 2, 3, 256]"),
    "negative": _resealed(lambda p: b"[1, 2, 3, -1]"),
    "text": _resealed(lambda p: b'["a", "b", "c", "d"]'),
    "an object": _resealed(lambda p: b'{"c": 1}'),
    "null": _resealed(lambda p: b"null"),
}


def test_damaged_colour_entry_is_ignored_and_rewritten(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _home(monkeypatch, tmp_path / "xdg")
    to_cmyk, values = _COLOURS[0]
    fresh = colours._converted(to_cmyk, values)
    (entry,) = _files(root / "colours")
    good = entry.read_bytes()
    built = []
    transform = colours._transform
    monkeypatch.setattr(colours, "_transform", lambda to, *rest: (built.append(to), transform(to, *rest))[1])
    for name, damage in _COLOUR_DAMAGE.items():
        _apply(damage, entry, good)
        built.clear()
        assert colours._converted(to_cmyk, values) == fresh, name
        assert built == [to_cmyk], name  # worked out again
        assert _files(root / "colours") == [entry] and entry.read_bytes() == good, name  # rewritten whole



_SAFE_DAMAGE = {
    **_BLOB_DAMAGE,
    "not json": _resealed(lambda p: b"[0.5, "),
    "three for four": _resealed(lambda p: b"[0.5, 0.5, 0.5]"),
    "three inks": _resealed(lambda p: b"[0.5, 0.5, 0.5, 0.0]"),
    "over 100 %": _resealed(lambda p: b"[1.5, 0.0, 0.0, 0.5]"),
    "negative": _resealed(lambda p: b"[-0.5, 0.0, 0.0, 0.5]"),
    "text": _resealed(lambda p: b'["a", "b", "c", "d"]'),
    "null": _resealed(lambda p: b"null"),
}


def test_safe_builds_read_back_equal_and_damaged_ones_are_worked_out_again(tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """The two-ink build of small text in a house colour (render/safeink.py) is kept with the colours: read back
    equal without searching; a damaged entry is searched again and rewritten; --no-cache reads nothing."""
    from anso_pdf.render import safeink
    from anso_pdf.render.profiles import fogra39

    root = _home(monkeypatch, tmp_path / "xdg")
    colour, icc = (0.9, 0.6, 0.1, 0.2), fogra39().icc
    safeink.safe_build.cache_clear()
    fresh = safeink.safe_build(colour, icc)
    assert safeink.inks(fresh) == 2
    (entry,) = _files(root / "colours")
    assert _valid_blob(entry)
    good = entry.read_bytes()
    search = safeink._search
    searched: list[tuple[float, ...]] = []
    monkeypatch.setattr(safeink, "_search", lambda *args: searched.append(args[0]) or search(*args))
    safeink.safe_build.cache_clear()
    assert safeink.safe_build(colour, icc) == fresh and searched == []  # read back
    for name, damage in _SAFE_DAMAGE.items():
        _apply(damage, entry, good)
        safeink.safe_build.cache_clear()
        assert safeink.safe_build(colour, icc) == fresh and searched == [colour], name  # searched again
        assert _files(root / "colours") == [entry] and entry.read_bytes() == good, name  # rewritten whole
        searched.clear()
    safeink.safe_build.cache_clear()
    with cache.switched(False):
        assert safeink.safe_build(colour, icc) == fresh and searched == [colour]
    safeink.safe_build.cache_clear()

# --------------------------------------------------------------------------------------------- the layout memo


@pytest.fixture
def copies(tmp_path: Path) -> dict[str, Path]:
    """The sample beside its own copy of the photos: as it is, with a comment on top, with a changed sentence in
    the section pinned to page 3, and with a changed masthead date."""
    shutil.copytree(ROOT / "assets" / "photos", tmp_path / "assets" / "photos")
    (tmp_path / "issues").mkdir()
    text = SAMPLE.read_text(encoding="utf-8")
    assert text.count("on 25 March 2019.") == 1 and text.count("date: June 2019") == 1
    variants = {
        "same": text,
        "comment": "# a comment that moves every line down\n" + text,
        "body": text.replace("on 25 March 2019.", "on 26 March 2019."),
        "masthead": text.replace("date: June 2019", "date: July 2019"),
    }
    paths = {}
    for label, body in variants.items():
        paths[label] = tmp_path / "issues" / f"{label}.yaml"
        paths[label].write_text(body, encoding="utf-8")
    return paths


def _keys(path: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    with monkeypatch.context() as mp:
        spy = _Spy(mp)
        pipeline.check(path, use_cache=False)
    return spy.keys


def test_run_key_ignores_places_in_the_file_and_follows_each_runs_content(
        copies: dict[str, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    same, comment = pipeline.load(copies["same"]), pipeline.load(copies["comment"])
    assert [s.span.line + 1 for s in same.sections] == [s.span.line for s in comment.sections]  # spans shifted
    assert [s.page for s in same.sections] == [1, 2, 3, 4]
    keys = {label: _keys(path, monkeypatch) for label, path in copies.items()}
    assert len(keys["same"]) == RUNS and len(set(keys["same"])) == RUNS
    assert keys["comment"] == keys["same"]
    changed = [n for n, (a, b) in enumerate(zip(keys["same"], keys["body"], strict=True)) if a != b]
    assert changed == [2]  # only the run of page 3, where the sentence is
    assert all(a != b for a, b in zip(keys["same"], keys["masthead"], strict=True))  # the masthead is on every page
    # the same computed directly: the copy's sections against the comment copy's, and against the changed body
    changed_issue = pipeline.load(copies["body"])
    policy = (FIT_LADDER, LOOSE_LADDER, layout.VISIBLY_EMPTY)
    fonts_now = fonts.shipped()
    key = [memo.run_key(i, [i.sections[2]], [3], fonts_now, policy) for i in (same, comment, changed_issue)]
    assert key[0] == key[1] == keys["same"][2] != key[2]
    # and everything else the choice is made with: the font files, the ladders and limits, the pages
    assert {name for name, _, _ in fonts_now} == {p.name for p in font_path("NotoSerif-Regular.ttf").parent.glob("*.ttf")}
    first, size, time = fonts_now[0]
    variants = [
        memo.run_key(same, [same.sections[2]], [3], [(first, size + 1, time), *fonts_now[1:]], policy),
        memo.run_key(same, [same.sections[2]], [3], [(first, size, time + 1), *fonts_now[1:]], policy),
        memo.run_key(same, [same.sections[2]], [3], fonts_now[1:], policy),
        memo.run_key(same, [same.sections[2]], [3], fonts_now, (FIT_LADDER[:-1], LOOSE_LADDER, layout.VISIBLY_EMPTY)),
        memo.run_key(same, [same.sections[2]], [3], fonts_now, (FIT_LADDER, LOOSE_LADDER, 0.2)),
        memo.run_key(same, [same.sections[2]], [3, 4], fonts_now, policy),
    ]
    assert key[0] not in variants and len(set(variants)) == len(variants)


def test_shipped_fonts_follow_each_files_size_and_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """What the layout key holds of the fonts (layout/fonts.py shipped()): a font file replaced changes it."""
    folder = tmp_path / "fonts"
    folder.mkdir()
    for name in ("NotoSerif-Regular.ttf", "NotoSans-Regular.ttf"):
        shutil.copyfile(font_path(name), folder / name)
    monkeypatch.setattr(fonts, "font_path", lambda name: folder / name)
    before = fonts.shipped()
    assert [name for name, _, _ in before] == ["NotoSans-Regular.ttf", "NotoSerif-Regular.ttf"]
    assert fonts.shipped() == before
    st = (folder / "NotoSans-Regular.ttf").stat()
    os.utime(folder / "NotoSans-Regular.ttf", ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000))
    touched = fonts.shipped()
    assert touched != before and touched[1] == before[1]
    with open(folder / "NotoSerif-Regular.ttf", "ab") as f:
        f.write(b"\0")
    assert fonts.shipped()[1] != touched[1]


def _entries(root: Path) -> list[Path]:
    found = _files(root / "layout")
    assert len(found) == RUNS
    return found


_LAYOUT_DAMAGE = {  # (the other damages of blobs are refused by cache.read_blob for every kind: tested above)
    "payload byte": _BLOB_DAMAGE["payload byte"],
    "truncated": _BLOB_DAMAGE["truncated"],
    "not json": _resealed(lambda p: b"{not json"),
    "json list": _resealed(lambda p: b"[9.4, 13.0]"),
    "json null": _resealed(lambda p: b"null"),
    "unknown field": _resealed(lambda p: json.dumps({**json.loads(p), "colour": 1}).encode()),
    "off the ladder": _resealed(lambda p: json.dumps({**json.loads(p), "body_size": 30.0}).encode()),
    "size as text": _resealed(lambda p: json.dumps({**json.loads(p), "body_size": "9.4"}).encode()),
}


@pytest.mark.parametrize("damage", list(_LAYOUT_DAMAGE), ids=list(_LAYOUT_DAMAGE))
def test_damaged_or_foreign_layout_entry_is_ignored(damage: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                    reference: tuple) -> None:
    root = _home(monkeypatch, tmp_path / "xdg")
    spy = _Spy(monkeypatch)
    assert _lay_out() == reference
    cold = spy.attempts
    assert cold > RUNS
    for entry in _entries(root):
        _apply(_LAYOUT_DAMAGE[damage], entry, entry.read_bytes())
    spy.reset()
    assert _lay_out() == reference
    assert spy.recalled == [None] * RUNS
    assert spy.attempts == cold  # every run walked its ladder again
    assert all(_valid_blob(p) for p in _entries(root))  # and its choice was written again
    spy.reset()
    assert _lay_out() == reference
    assert spy.attempts == RUNS and None not in spy.recalled


def test_remembered_fit_that_no_longer_fits_is_not_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                        reference: tuple) -> None:
    _home(monkeypatch, tmp_path / "xdg")
    spy = _Spy(monkeypatch)
    pipeline.check(SAMPLE, use_cache=False)
    keys, chosen = list(spy.keys), dict(spy.remembered)
    assert len(keys) == RUNS and set(chosen) == set(keys)
    issue = pipeline.load(SAMPLE)
    chains = layout._chains(issue)
    members = layout._chain_sections(issue, chains)
    loosest = LOOSE_LADDER[-1]
    overfull = [n for n, chain in enumerate(chains)
                if not layout._chain_fits(layout.pages.attempt(issue, loosest, members[n], last_page=chain[-1]), chain)]
    assert 0 in overfull  # page 1 needs tighter lines than the house's: the loosest fit overflows it
    for n in overfull:
        memo.remember(keys[n], loosest)  # under the run's own key: as if that fit had been chosen for it
        assert memo.recall(keys[n], LADDERS) == loosest
    spy.reset()
    assert _lay_out() == reference
    assert spy.keys == keys
    assert [fit for n, fit in enumerate(spy.recalled) if n in overfull] == [loosest] * len(overfull)  # read, refused
    for n in overfull:
        assert memo.recall(keys[n], LADDERS) == chosen[keys[n]] != loosest  # the ladder's choice replaced it


def test_remembered_fit_that_fits_is_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, reference: tuple) -> None:
    """The other side of the tests above: a remembered fit does decide the layout, so their equalities are not
    met by a memo that is never read."""
    _home(monkeypatch, tmp_path / "xdg")
    spy = _Spy(monkeypatch)
    pipeline.check(SAMPLE, use_cache=False)
    keys, chosen = list(spy.keys), dict(spy.remembered)
    assert chosen[keys[3]] in LOOSE_LADDER  # page 4 is filled with a looser fit
    tighter = FIT_LADDER[1]
    memo.remember(keys[3], tighter)
    laid = _lay_out()
    assert laid != reference
    assert [n for n in laid[3] if n.startswith("page 4") and not n.endswith("left empty")] == \
        ["page 4: line spacing 12.6 pt (house 13 pt) to fit"]
    assert [note for note in laid[3] if not note.startswith("page 4")] == \
        [note for note in reference[3] if not note.startswith("page 4")]
    entry = json.loads(cache.read_blob("layout", keys[3]) or b"")
    assert entry.pop("filled") == {"fit": dataclasses.asdict(tighter), "frames": {}}  # page 4 has no photo to grow
    assert dataclasses.asdict(tighter) == entry


# --------------------------------------------------------------------------------------------- kept line breaks


class _Breaks:
    """Count total-fit breaks actually worked out (linebreak.break_words), starting as a new process would: no
    lines in memory and the kept ones not read yet."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        from anso_pdf.layout import breakmemo, linebreak

        self.calls = 0
        self._linebreak, self._breakmemo = linebreak, breakmemo
        work = linebreak.break_words

        def counted(*args: Any, **kwargs: Any) -> Any:
            self.calls += 1
            return work(*args, **kwargs)

        monkeypatch.setattr(linebreak, "break_words", counted)
        monkeypatch.setattr(linebreak, "_RESULTS", {})
        monkeypatch.setattr(breakmemo, "_state", {})

    def new_process(self) -> None:
        self.calls = 0
        self._linebreak._RESULTS.clear()
        self._breakmemo._state.clear()


def test_line_breaks_are_kept_between_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, reference: tuple,
                                           copies: dict[str, Path]) -> None:
    """A second run breaks no body paragraph again, a run after one sentence changed breaks only that paragraph
    again, and the layouts are the same as with no cache."""
    root = _home(monkeypatch, tmp_path / "cache")
    breaks = _Breaks(monkeypatch)
    assert _lay_out() == reference
    cold = breaks.calls
    assert cold >= 10 and _count(root, "linebreaks") == 1  # every plain body paragraph, at each width tried
    breaks.new_process()
    assert _lay_out() == reference
    assert breaks.calls == 0
    breaks.new_process()
    changed = _lay_out(copies["body"])
    assert 1 <= breaks.calls <= 3  # the paragraph with the changed date, at the widths it is tried at
    with cache.switched(False):
        breaks.new_process()
        assert _lay_out(copies["body"]) == changed


def test_damaged_or_foreign_line_breaks_are_not_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                      reference: tuple) -> None:
    """A damaged entry is ignored; an entry whose lines hold other words than the paragraph's is ignored too:
    the layout is then the one with no cache, and the lines are worked out again."""
    from anso_pdf.layout import breakmemo

    root = _home(monkeypatch, tmp_path / "cache")
    breaks = _Breaks(monkeypatch)
    assert _lay_out() == reference
    assert breaks.calls >= 10
    (entry,) = _files(root / "linebreaks")
    name = entry.name
    good = entry.read_bytes()
    damaged = bytearray(good)
    damaged[len(damaged) // 2] ^= 0x01
    entry.write_bytes(bytes(damaged))
    breaks.new_process()
    assert _lay_out() == reference
    assert breaks.calls >= 10  # nothing was taken from the damaged entry (a sound one leaves none to do)
    # an entry sealed properly but holding another paragraph's words under every key
    kept = json.loads(good[cache.HEADER:])
    foreign = {key: ([(extra, [("str", "foreign")] * len(words)) for extra, words in lines], hyphens, *ragged)
               for key, (lines, hyphens, *ragged) in kept.items()}
    cache.write_blob("linebreaks", name, json.dumps(foreign).encode())
    breaks.new_process()
    assert _lay_out() == reference
    assert breaks.calls >= 10
    assert breakmemo._state["name"] == name
    breaks.new_process()  # and the entry as it was is used again: the difference is the entry, nothing else
    cache.write_blob("linebreaks", name, good[cache.HEADER:])
    assert _lay_out() == reference
    assert breaks.calls == 0
