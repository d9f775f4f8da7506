"""issue #6: the prepared-photo cache is keyed by content and every parameter, never serves a damaged or stale
entry, survives concurrent runs, stays untouched with --no-cache; prepared photos carry no EXIF (GPS, serials)."""

from __future__ import annotations

import dataclasses
import hashlib
import io
import json
import os
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pikepdf
import pytest
from PIL import Image as PILImage
from tests.issue_factory import issue_yaml
from typer.testing import CliRunner

from anso_pdf import cache as store
from anso_pdf.diagnostics import Span
from anso_pdf.layout.document import PhotoUse
from anso_pdf.layout.flowables import crop_to
from anso_pdf.model.issue import Image
from anso_pdf.render import images
from anso_pdf.render.profiles import EMAIL, PRESS, PROFILES
from anso_pdf.source.workspace import probe_image

ROOT = Path(__file__).resolve().parents[1]
SERIAL = "SN-4471-SECRET"
SECRETS = (SERIAL.encode(), b"CameraMakerX", b"a private comment", b"xmp-secret-note", b"Exif\x00\x00")


def _photo(path: Path, *, size: tuple[int, int] = (900, 600), seed: int = 1, orientation: int = 1) -> Path:
    """A small noisy JPEG with EXIF (camera, serial number, GPS position), a comment and XMP."""
    import random

    rnd = random.Random(seed)
    im = PILImage.effect_noise(size, 40).convert("RGB")
    im = PILImage.blend(im, PILImage.new("RGB", size, tuple(rnd.randrange(256) for _ in range(3))), 0.5)
    exif = PILImage.Exif()
    exif[0x010F] = "CameraMakerX"  # Make
    exif[0x0112] = orientation
    exif.get_ifd(0x8769)[0xA431] = SERIAL  # BodySerialNumber
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2], gps[3], gps[4] = "N", (48.0, 51.0, 29.0), "E", (2.0, 17.0, 40.0)
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><note>xmp-secret-note</note></x:xmpmeta>'
    im.save(path, "JPEG", quality=90, exif=exif, comment=b"a private comment", xmp=xmp)
    return path


def _use(path: Path, width: float = 200.0, height: float = 120.0) -> PhotoUse:
    info = probe_image(path)
    image = Image(path, path.name, None, None, False, Span(str(path), 1, 1), info.size)
    return PhotoUse(image, width, height, crop_to(image, width, height))


def _jpeg_ok(data: bytes) -> None:
    with PILImage.open(io.BytesIO(data)) as im:
        assert im.format == "JPEG"
        im.load()


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "xdg-cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(folder))
    return folder / "anso-pdf" / "images"


def _prepare(uses: list[PhotoUse], tmp_path: Path, *, use_cache: bool = True) -> dict[str, dict[PhotoUse, images.Prepared]]:
    return images.prepare_profiles(uses, [EMAIL, PRESS], use_cache=use_cache)


def _entries(cache: Path) -> list[Path]:
    """The prepared-photo entries (images/ab/KEY), not temporary files."""
    return sorted(p for p in cache.rglob("*") if p.is_file() and not p.name.startswith(".")) if cache.exists() else []





# --------------------------------------------------------------------------------------------- the key


def test_key_changes_with_content_size_crop_profile_and_quality(tmp_path: Path) -> None:
    use = _use(_photo(tmp_path / "a.jpg"))
    content = hashlib.sha256(use.image.path.read_bytes()).hexdigest()
    base = images._key(content, use, EMAIL)
    assert images._key(content, use, EMAIL) == base  # stable
    variants = {
        "content": images._key("0" * 64, use, EMAIL),
        "width": images._key(content, dataclasses.replace(use, width=use.width + 1), EMAIL),
        "height": images._key(content, dataclasses.replace(use, height=use.height + 1), EMAIL),
        "crop": images._key(content, dataclasses.replace(use, crop=crop_to(use.image, 100, 100)), EMAIL),
        "profile": images._key(content, use, PRESS),
        "quality": images._key(content, use, dataclasses.replace(EMAIL, jpeg_quality=EMAIL.jpeg_quality - 1)),
        "ppi": images._key(content, use, dataclasses.replace(EMAIL, ppi=EMAIL.ppi + 1)),
        "colour": images._key(content, use, dataclasses.replace(EMAIL, cmyk=True)),
    }
    assert base not in variants.values()
    assert len(set(variants.values())) == len(variants)


def test_changed_photo_is_prepared_again_even_with_the_same_size_and_time(tmp_path: Path, cache: Path) -> None:
    one = _photo(tmp_path / "one.jpg", seed=1).read_bytes()
    two = _photo(tmp_path / "two.jpg", seed=2).read_bytes()
    length = max(len(one), len(two))  # padded after the end-of-image marker to one length
    one, two = one.ljust(length, b"\0"), two.ljust(length, b"\0")
    path = tmp_path / "photo.jpg"
    path.write_bytes(one)
    first = _prepare([_use(path)], tmp_path)
    st = path.stat()
    path.write_bytes(two)
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert (path.stat().st_size, path.stat().st_mtime_ns) == (st.st_size, st.st_mtime_ns)
    second = _prepare([_use(path)], tmp_path)
    for name in ("email", "press"):
        (p1,), (p2,) = first[name].values(), second[name].values()
        assert not p2.from_cache
        assert p1.name != p2.name and p1.data != p2.data


# --------------------------------------------------------------------------------------------- damaged entries


def _truncate(entry: Path) -> None:
    entry.write_bytes(entry.read_bytes()[: entry.stat().st_size // 2])


def _flip_a_byte(entry: Path) -> None:
    data = bytearray(entry.read_bytes())
    data[len(data) // 2] ^= 0xFF
    entry.write_bytes(bytes(data))


def _empty(entry: Path) -> None:
    entry.write_bytes(b"")


def _zero_tail(entry: Path) -> None:  # a crash after rename on some file systems: right size, zeros
    data = entry.read_bytes()
    entry.write_bytes(data[: len(data) // 2] + b"\0" * (len(data) - len(data) // 2 - 2) + b"\xff\xd9")


def _old_format(entry: Path) -> None:  # issue #17: a SHA-256 beside the bytes, which anyone can make
    jpeg = entry.read_bytes()[store.HEADER + images._HEAD.size:]
    entry.write_bytes(hashlib.sha256(jpeg).digest() + jpeg)


def _another_entry(entry: Path) -> None:  # sound entries of other keys swapped: each is another photo's
    entries = _entries(entry.parents[1])
    if entry == entries[0]:
        datas = [p.read_bytes() for p in entries]
        for p, data in zip(entries, datas[1:] + datas[:1], strict=True):
            p.write_bytes(data)


def _other_size_sealed(entry: Path) -> None:  # sealed properly, but its header says another size than its JPEG
    kind, name = "images", f"{entry.parent.name}/{entry.name}"
    payload = entry.read_bytes()[store.HEADER:]
    tag, w, h, ppi = images._HEAD.unpack_from(payload)
    forged = images._HEAD.pack(tag, w + 1, h, ppi) + payload[images._HEAD.size:]
    entry.write_bytes(store.sealed(kind, name, forged) or b"")


def _not_a_jpeg_sealed(entry: Path) -> None:
    kind, name = "images", f"{entry.parent.name}/{entry.name}"
    head = entry.read_bytes()[store.HEADER:store.HEADER + images._HEAD.size]
    entry.write_bytes(store.sealed(kind, name, head + b"\xff\xd8 not a JPEG \xff\xd9") or b"")


@pytest.mark.parametrize("damage", [_truncate, _flip_a_byte, _empty, _zero_tail, _old_format, _another_entry,
                                    _other_size_sealed, _not_a_jpeg_sealed])
def test_damaged_entry_is_never_served_but_rebuilt(tmp_path: Path, cache: Path, damage) -> None:  # type: ignore[no-untyped-def]
    use = _use(_photo(tmp_path / "a.jpg"))
    first = _prepare([use], tmp_path)
    good = {name: got[use].data for name, got in first.items()}
    assert len(_entries(cache)) == 2
    for entry in _entries(cache):
        damage(entry)
    second = _prepare([use], tmp_path)
    for name, got in second.items():
        assert not got[use].from_cache, name
        assert got[use].data == good[name]
        _jpeg_ok(got[use].data)
    third = _prepare([use], tmp_path)
    assert all(got[use].from_cache for got in third.values())


def test_warm_cache_is_served_and_equal(tmp_path: Path, cache: Path) -> None:
    uses = [_use(_photo(tmp_path / "a.jpg")), _use(_photo(tmp_path / "b.jpg", seed=3), 150, 150)]
    cold = _prepare(uses, tmp_path)
    warm = _prepare(uses, tmp_path)
    for name in ("email", "press"):
        for use in uses:
            assert not cold[name][use].from_cache and warm[name][use].from_cache
            assert cold[name][use].data == warm[name][use].data
            assert warm[name][use].pixels == cold[name][use].pixels and warm[name][use].ppi == cold[name][use].ppi


# --------------------------------------------------------------------------------------------- concurrency


def test_concurrent_threads_share_one_cache(tmp_path: Path, cache: Path) -> None:
    path = _photo(tmp_path / "a.jpg", size=(1600, 1200))
    uses = [_use(path, w, 0.6 * w) for w in (120, 160, 200)]
    start = threading.Barrier(4)
    results: list[dict] = []
    errors: list[BaseException] = []

    def work(n: int) -> None:
        try:
            start.wait()
            results.append(images.prepare_profiles(uses, [EMAIL, PRESS], use_cache=True))
        except BaseException as exc:  # noqa: BLE001 (reported below)
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    for name in ("email", "press"):
        for use in uses:
            datas = {r[name][use].data for r in results}
            assert len(datas) == 1
            _jpeg_ok(results[0][name][use].data)
    assert len(_entries(cache)) == len(uses) * 2
    assert not list(cache.rglob(".tmp-*"))


_WORKER = textwrap.dedent("""
    import hashlib, json, sys, time
    from pathlib import Path
    sys.path.insert(0, {root!r})
    from tests.test_image_cache import _use
    from anso_pdf.render import images
    from anso_pdf.render.profiles import EMAIL, PRESS
    photo, go = Path(sys.argv[1]), Path(sys.argv[2])
    uses = [_use(photo, w, 0.6 * w) for w in (120, 160, 200, 240)]
    while not go.exists():
        time.sleep(0.005)
    got = images.prepare_profiles(uses, [EMAIL, PRESS], use_cache=True)
    out = {{}}
    for name, prepared in got.items():
        for use, p in prepared.items():
            import io
            from PIL import Image
            with Image.open(io.BytesIO(p.data)) as im:
                im.load()
            out[f"{{name}}-{{use.width}}"] = hashlib.sha256(p.data).hexdigest()
    print(json.dumps(out))
""")


def test_concurrent_processes_share_one_cache(tmp_path: Path, cache: Path) -> None:
    photo = _photo(tmp_path / "a.jpg", size=(1600, 1200))
    go = tmp_path / "go"
    script = _WORKER.format(root=str(ROOT))
    procs = []
    for _ in range(2):
        procs.append(subprocess.Popen([sys.executable, "-c", script, str(photo), str(go)],
                                      stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=os.environ.copy()))
    go.write_text("")
    outputs = []
    for p in procs:
        out, err = p.communicate(timeout=120)
        assert p.returncode == 0, err
        outputs.append(json.loads(out))
    assert outputs[0] == outputs[1]
    assert len(_entries(cache)) == 8
    for entry in _entries(cache):
        data = entry.read_bytes()
        assert store.sealed("images", f"{entry.parent.name}/{entry.name}", data[store.HEADER:]) == data
    assert not list(cache.rglob(".tmp-*"))


# --------------------------------------------------------------------------------------------- metadata and --no-cache


def test_prepared_photos_carry_no_metadata(tmp_path: Path, cache: Path) -> None:
    upright = _use(_photo(tmp_path / "a.jpg"))
    turned = _use(_photo(tmp_path / "b.jpg", orientation=6), 120, 200)  # stored landscape, shown portrait
    got = _prepare([upright, turned], tmp_path)
    for name in ("email", "press"):
        for use in (upright, turned):
            data = got[name][use].data
            for secret in SECRETS:
                assert secret not in data, (name, secret)
            with PILImage.open(io.BytesIO(data)) as im:
                assert not im.getexif()
                assert not {"exif", "comment", "xmp", "XML:com.adobe.xmp"} & set(im.info)
                assert im.mode == ("CMYK" if PROFILES[name].cmyk else "RGB")
        w, h = got[name][turned].pixels
        assert h > w  # the EXIF rotation was applied to the pixels, and no tag is left to apply it again


@pytest.fixture(scope="module")
def rendered_without_cache(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The CLI's `render --no-cache` of a small issue with an EXIF-laden photo: (cache home, output folder)."""
    from anso_pdf.cli import app

    folder = tmp_path_factory.mktemp("nocache")
    _photo(folder / "photo.jpg", size=(1200, 800))
    text = issue_yaml([{"title": f"Part {n}", "page": n, "words": 150} for n in range(1, 5)])
    text = text.replace("    page: 1\n", "    page: 1\n    images:\n      - file: photo.jpg\n        caption: A photo.\n", 1)
    (folder / "issue.yaml").write_text(text, encoding="utf-8")
    home = folder / "xdg"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("XDG_CACHE_HOME", str(home))
        result = CliRunner().invoke(app, ["render", str(folder / "issue.yaml"), "-o", str(folder / "out"), "--no-cache"])
    assert result.exit_code == 0, result.output
    return home, folder / "out"


def test_no_cache_writes_nothing_to_the_cache(rendered_without_cache: tuple[Path, Path]) -> None:
    home, out = rendered_without_cache
    assert (out / "issue.pdf").exists() and (out / "issue-press.pdf").exists()
    assert not home.exists() or not [p for p in home.rglob("*") if p.is_file()]


def test_pdf_images_carry_no_exif(rendered_without_cache: tuple[Path, Path]) -> None:
    _, out = rendered_without_cache
    for name in ("issue.pdf", "issue-press.pdf"):
        with pikepdf.open(out / name) as pdf:
            streams = [obj for obj in pdf.objects if isinstance(obj, pikepdf.Stream) and obj.get("/Subtype") == "/Image"]
            assert streams, name
            for stream in streams:
                assert list(stream.Filter) == [pikepdf.Name.DCTDecode]  # the prepared JPEG, embedded as it is
                raw = stream.read_raw_bytes()
                with PILImage.open(io.BytesIO(raw)) as im:
                    assert not im.getexif() and "comment" not in im.info
                for secret in SECRETS:
                    assert secret not in raw, (name, secret)
            whole = (out / name).read_bytes()
            assert SERIAL.encode() not in whole and b"CameraMakerX" not in whole
