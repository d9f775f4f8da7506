"""issue #17: the cache holds only data, sealed with the user's own key; an entry that is not exactly what this
user's run wrote (random bytes, a FIFO, a link to /dev/zero, a 3 GB file, a folder, an entry of another key or
another user's key, the old SHA-256 format with a pickle inside) changes nothing in the PDFs and runs nothing;
the render holds what it uses, so cleaning the cache during a render changes nothing; the line-break entry has a
byte limit.

The property test runs a few examples in CI (ANSO_CACHE_EXAMPLES=200 for a longer run, about 0.4 s each)."""

from __future__ import annotations

import hashlib
import hmac
import os
import pickle
import shutil
import stat
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.issue_factory import issue_yaml

from anso_pdf import cache, pipeline
from anso_pdf.layout import breakmemo, linebreak
from anso_pdf.render import colours, images

ROOT = Path(__file__).resolve().parents[1]
PHOTO = ROOT / "assets" / "photos" / "coffee.jpg"
EXAMPLES = int(os.environ.get("ANSO_CACHE_EXAMPLES", "6"))


def _issue(folder: Path) -> Path:
    """A small issue with a photo, a house colour and body paragraphs: every kind of entry is made."""
    shutil.copy(PHOTO, folder / "photo.jpg")
    text = issue_yaml([{"title": f"Part {n}", "page": n, "words": 120} for n in range(1, 5)],
                      style="style:\n  colors:\n    primary: '#2E6B4F'")
    text = text.replace("    page: 1\n", "    page: 1\n    images:\n      - file: photo.jpg\n        caption: A cup.\n", 1)
    path = folder / "issue.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _fresh_process() -> None:
    """Forget what this process read from the cache, as a new process would."""
    colours.cmyk_of.cache_clear()
    colours.rgb_of.cache_clear()
    breakmemo._state.clear()
    linebreak._RESULTS.clear()


def _build(issue: Path, *, use_cache: bool = True) -> dict[str, bytes]:
    _fresh_process()
    return pipeline.build(issue, ["email", "press"], use_cache=use_cache).pdfs


def _entries(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file() and not p.name.startswith("."))


@pytest.fixture(scope="module")
def warm(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path, dict[str, bytes]]:
    """(issue, the cache root in use, a pristine copy of the warm cache, the PDFs of a render with no cache)."""
    folder = tmp_path_factory.mktemp("trust")
    issue = _issue(folder)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("XDG_CACHE_HOME", str(folder / "xdg"))
        cold = _build(issue, use_cache=False)
        assert _build(issue) == cold
    root = folder / "xdg" / "anso-pdf"
    kinds = {p.relative_to(root).parts[0] for p in _entries(root)}
    assert kinds == {"images", "colours", "layout", "linebreaks", "proofs"}, kinds
    pristine = folder / "pristine"
    shutil.copytree(root, pristine)
    return issue, root, pristine, cold


# --------------------------------------------------------------------------------------------- plants

CANARY = "anso-cache-canary"


class _Payload:
    """Unpickling this creates a file: what a forged pickle would do."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[Callable[..., object], tuple[object, ...]]:
        return (Path.touch, (self.marker,))


def _pickle_bomb(entry: Path, marker: Path, data: bytes) -> None:
    """The format before issue #17: SHA-256 of the payload, then the payload (here a pickle that runs code)."""
    payload = pickle.dumps(_Payload(marker))
    entry.write_bytes(hashlib.sha256(payload).digest() + payload)


def _foreign_key(entry: Path, marker: Path, data: bytes) -> None:
    """Sealed right, but with another key (another user's, or a cache copied from elsewhere)."""
    parts = entry.parts[entry.parts.index("anso-pdf") + 1:]
    kind, name = parts[0], "/".join(parts[1:])
    seal = hmac.new(os.urandom(32), f"{kind}\0{name}\0".encode() + data[cache.HEADER:], hashlib.sha256).digest()
    entry.write_bytes(cache.MAGIC + seal + data[cache.HEADER:])


def _swap_in(other: bytes) -> Callable[[Path, Path, bytes], None]:
    def plant(entry: Path, marker: Path, data: bytes) -> None:
        entry.write_bytes(other)  # a sound entry, under another name
    return plant


def _fifo(entry: Path, marker: Path, data: bytes) -> None:
    entry.unlink()
    os.mkfifo(entry)


def _link(target: str) -> Callable[[Path, Path, bytes], None]:
    def plant(entry: Path, marker: Path, data: bytes) -> None:
        entry.unlink()
        entry.symlink_to(target)
    return plant


def _huge(entry: Path, marker: Path, data: bytes) -> None:
    """A 3 GB file (sparse: no disk used) that starts like the real entry."""
    with open(entry, "r+b") as f:
        f.truncate(3 * 1024**3)


def _folder(entry: Path, marker: Path, data: bytes) -> None:
    entry.unlink()
    entry.mkdir()


def _bytes(random: bytes) -> Callable[[Path, Path, bytes], None]:
    def plant(entry: Path, marker: Path, data: bytes) -> None:
        entry.write_bytes(random)
    return plant


def _flip(at: int) -> Callable[[Path, Path, bytes], None]:
    def plant(entry: Path, marker: Path, data: bytes) -> None:
        changed = bytearray(data)
        changed[at % len(changed)] ^= 0x01
        entry.write_bytes(bytes(changed))
    return plant


def _keep(entry: Path, marker: Path, data: bytes) -> None:
    return None


PLANTS = st.one_of(
    st.just(_keep), st.just(_pickle_bomb), st.just(_foreign_key), st.just(_fifo), st.just(_link("/dev/zero")),
    st.just(_link("/dev/urandom")), st.just(_huge), st.just(_folder),
    st.binary(max_size=300).map(_bytes), st.integers(min_value=0).map(_flip),
    st.builds(lambda data: _bytes(cache.MAGIC + data), st.binary(max_size=100)),
)


@settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_planted_entries_change_nothing_and_run_nothing(data: st.DataObject, warm: tuple,
                                                        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    issue, root, pristine, cold = warm
    shutil.rmtree(root)
    shutil.copytree(pristine, root)
    monkeypatch.setenv("XDG_CACHE_HOME", str(root.parent))
    marker = tmp_path / CANARY
    entries = {entry: entry.read_bytes() for entry in _entries(root)}
    sound = st.sampled_from(sorted(entries.values())).map(_swap_in)
    for entry, good in entries.items():
        plant = data.draw(st.one_of(PLANTS, sound), label=str(entry.relative_to(root)))
        plant(entry, marker, good)
    done: list[dict[str, bytes]] = []
    thread = threading.Thread(target=lambda: done.append(_build(issue)), daemon=True)
    thread.start()
    thread.join(timeout=120)  # a FIFO or /dev/zero read would hang here or fill memory
    assert not thread.is_alive(), "the render hung on a planted entry"
    assert done and done[0] == cold
    assert not marker.exists(), "a cache entry ran code"


# --------------------------------------------------------------------------------------------- cases


def test_cleaning_the_cache_during_a_render_changes_nothing(warm: tuple, monkeypatch: pytest.MonkeyPatch) -> None:
    """issue #17 case 9: photos served from the cache are held in memory; drawing never reopens the cache."""
    issue, root, pristine, cold = warm
    shutil.rmtree(root)
    shutil.copytree(pristine, root)
    monkeypatch.setenv("XDG_CACHE_HOME", str(root.parent))
    _fresh_process()
    lookup = images._lookup
    served: list[object] = []

    def served_then_cleaned(*args: object, **kwargs: object) -> object:
        got = lookup(*args, **kwargs)
        if got is not None:
            served.append(got)
            shutil.rmtree(root, ignore_errors=True)  # the user cleans the cache right after a photo was served
        return got

    monkeypatch.setattr(images, "_lookup", served_then_cleaned)
    built = pipeline.build(issue, ["email", "press"])
    assert served, "no photo came from the cache"
    assert built.pdfs == cold


@pytest.mark.parametrize("make", ["fifo", "dev-zero", "huge", "folder"])
def test_an_entry_that_is_no_file_of_ours_is_not_read(make: str, tmp_path: Path) -> None:
    """issue #17 case 8: a FIFO would block, /dev/zero fill memory, a 3 GB file cost 6 GB."""
    entry = tmp_path / "entry"
    if make == "fifo":
        os.mkfifo(entry)
    elif make == "dev-zero":
        entry.symlink_to("/dev/zero")
    elif make == "huge":
        with open(entry, "wb") as f:
            f.truncate(3 * 1024**3)
    else:
        entry.mkdir()
    got: list[bytes | None] = []
    thread = threading.Thread(target=lambda: got.append(cache.read_bounded(entry, 1024)), daemon=True)
    thread.start()
    thread.join(timeout=30)
    assert not thread.is_alive() and got == [None]


def test_an_entry_of_another_user_is_not_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    name = cache.key("x")
    cache.write_blob("layout", name, b"{}")
    assert cache.read_blob("layout", name) == b"{}"
    monkeypatch.setattr(os, "geteuid", lambda: os.stat(tmp_path).st_uid + 1)
    assert cache.read_blob("layout", name) is None


def test_cache_folder_and_key_are_private(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    root = tmp_path / "xdg" / "anso-pdf"
    root.mkdir(parents=True, mode=0o755)
    os.chmod(root, 0o777)  # made by hand, or by an older version: taken back to the user alone
    cache.write_blob("images", "ab/" + cache.key("photo"), b"JPEG")
    for folder in (root, root / "images", root / "images" / "ab"):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder
    key = cache.key_path()
    assert not key.is_relative_to(root)  # a copied or shared cache carries no key
    assert stat.S_IMODE(key.stat().st_mode) == 0o600 and stat.S_IMODE(key.parent.stat().st_mode) == 0o700
    assert len(key.read_bytes()) == 32


def test_no_key_no_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A key that cannot be had safely (a link in its place): the cache is neither read nor written."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    (tmp_path / "state" / "anso-pdf").mkdir(parents=True)
    (tmp_path / "state" / "anso-pdf" / "cache-key").symlink_to("/dev/zero")
    name = cache.key("x")
    cache.write_blob("layout", name, b"{}")
    assert cache.read_blob("layout", name) is None
    assert not (tmp_path / "xdg").exists()


def test_no_module_unpickles_or_unmarshals() -> None:
    """The cache holds only data: no code-carrying format is read anywhere in the package."""
    for source in (ROOT / "src" / "anso_pdf").rglob("*.py"):
        text = source.read_text(encoding="utf-8")
        for word in ("import pickle", "import marshal", "import shelve", "pickle.loads", "marshal.loads"):
            assert word not in text, (source, word)


def test_line_break_entry_stays_under_its_byte_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """issue #17 case 11: long paragraphs made a 22-66 MB entry that every later run loaded."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.setattr(breakmemo, "_state", {})
    name = cache.key("breaks")
    breakmemo.begin(name)
    line = (1.5, ["word" * 20] * 12)
    for n in range(400):  # about 10 MB of lines
        breakmemo.keep((f"paragraph {n}",), ([line] * 20, 0))
    breakmemo.save()
    entry = tmp_path / "xdg" / "anso-pdf" / "linebreaks" / name
    assert cache.HEADER < entry.stat().st_size <= cache.HEADER + breakmemo.LIMIT_BYTES
    monkeypatch.setattr(breakmemo, "_state", {})
    breakmemo.begin(name)
    kept = breakmemo._stored()
    assert kept and len(kept) < 400
    assert breakmemo.recall(("paragraph 0",), {"str": str}) is not None  # this run's paragraphs are kept first
