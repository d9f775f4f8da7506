"""Unusual photos (issue #17 cases 10 and 12, issue #12 case 4): a 16-bit greyscale PNG prints its content, not a
white box; an RGB JPEG with a CMYK profile and device-link, abstract or named-colour profiles render as untagged
photos in `check` and `render` (no PyCMSError); a conversion that fails is a located error; a photo whose decoded
size exceeds the memory bound is refused from its header; a photo named in NFD is found; `schema > /dev/full`
is a plain message."""

from __future__ import annotations

import io
import shutil
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import pytest
from PIL import Image, ImageCms, ImageStat
from typer.testing import CliRunner

from anso_pdf import pipeline
from anso_pdf.cli import app
from anso_pdf.diagnostics import IssueError
from anso_pdf.render import images
from anso_pdf.render.profiles import PROFILES
from anso_pdf.resources import icc_path
from anso_pdf.source import workspace

ROOT = Path(__file__).resolve().parents[1]
PHOTO = ROOT / "assets" / "photos" / "coffee.jpg"


def _issue(folder: Path, photo: str) -> Path:
    path = folder / "issue.yaml"
    path.write_text(
        "newsletter:\n  name: Unusual Photos\n  issue: Issue 1\n  date: June 2019\n"
        f"sections:\n  - title: A section\n    images:\n      - file: {photo}\n        caption: A photo.\n"
        "        alt: A photo.\n    body: |\n      A short text beside the photo.\n",
        encoding="utf-8")
    return path


def _prepared(issue: Path) -> dict[str, list[bytes]]:
    """The JPEGs each profile's PDF embeds, in the order the photos are used."""
    built = pipeline.build(issue, ["email", "press"], use_cache=False)
    assert built.laid_out is not None
    uses = built.laid_out.photo_uses()
    got = images.prepare_profiles(uses, [PROFILES["email"], PROFILES["press"]], use_cache=False)
    return {name: [p.data for p in prepared.values()] for name, prepared in got.items()}


# --------------------------------------------------------------------------------------------- 16-bit grey


def test_a_16_bit_greyscale_png_prints_its_content(tmp_path: Path) -> None:
    """issue #12 case 4: I;16 converted to RGB clipped every value above 255: a white box."""
    grey = Image.new("I;16", (600, 400))
    grey.putdata([(x * 65535) // 599 for _ in range(400) for x in range(600)])  # black to white, left to right
    grey.save(tmp_path / "grey16.png")
    with Image.open(tmp_path / "grey16.png") as check:
        assert check.mode == "I;16"
    for name, datas in _prepared(_issue(tmp_path, "grey16.png")).items():
        (data,) = datas
        with Image.open(io.BytesIO(data)) as im:
            grey8 = im.convert("L")
            w, _ = grey8.size
            left = ImageStat.Stat(grey8.crop((0, 0, w // 10, grey8.height))).mean[0]
            right = ImageStat.Stat(grey8.crop((w - w // 10, 0, w, grey8.height))).mean[0]
            assert left < 60 and right > 190, (name, left, right)  # a gradient, not blank
            assert 90 < ImageStat.Stat(grey8).mean[0] < 165, name


# --------------------------------------------------------------------------------------------- ICC profiles


def _with_profile(tmp_path: Path, icc: bytes | None, name: str) -> str:
    with Image.open(PHOTO) as im:
        rgb = im.convert("RGB")
    if icc is None:
        rgb.save(tmp_path / name, "JPEG", quality=92)
    else:
        rgb.save(tmp_path / name, "JPEG", quality=92, icc_profile=icc)
    return name


def _reclassed(device_class: bytes) -> bytes:
    """The sRGB profile with another profile class in its header (bytes 12-15)."""
    srgb = bytearray(icc_path("sRGB.icc").read_bytes())
    srgb[12:16] = device_class
    return bytes(srgb)


PROFILES_OF_NO_PHOTO = {
    "CMYK profile on an RGB JPEG": None,  # the output condition's own profile (_output_icc)
    "device link": _reclassed(b"link"),
    "abstract": _reclassed(b"abst"),
    "named colour": _reclassed(b"nmcl"),
    "not a profile": b"not an ICC profile at all" * 8,
}


def _output_icc() -> bytes:
    from anso_pdf.render.profiles import OUTPUT_INTENT

    return icc_path(OUTPUT_INTENT["icc"]).read_bytes()


@pytest.mark.parametrize("case", list(PROFILES_OF_NO_PHOTO))
def test_a_profile_that_describes_no_photo_is_read_as_untagged(case: str, tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """issue #17 case 10: `check` passed and `render` failed with PyCMSError."""
    icc = PROFILES_OF_NO_PHOTO[case] or _output_icc()
    odd = _issue(tmp_path, _with_profile(tmp_path, icc, "odd.jpg"))
    plain_folder = tmp_path / "plain"
    plain_folder.mkdir()
    plain = _issue(plain_folder, _with_profile(plain_folder, None, "odd.jpg"))
    assert _prepared(odd) == _prepared(plain)  # the same pixels as the photo without a profile
    monkeypatch.chdir(tmp_path)
    for command in (["check", "issue.yaml"], ["render", "-q", "issue.yaml"]):
        result = CliRunner().invoke(app, command)
        assert result.exit_code == 0, (command, result.output)
        assert "internal error" not in result.output


def test_a_conversion_that_fails_is_a_located_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """issue #17 case 10: the message read `source.span`, which the decoded photo did not have (AttributeError)."""
    issue = _issue(tmp_path, _with_profile(tmp_path, None, "photo.jpg"))

    def broken(*args: object, **kwargs: object) -> None:
        raise OSError("cannot convert")

    monkeypatch.setattr(ImageCms, "applyTransform", broken)
    with pytest.raises(IssueError) as caught:
        pipeline.build(issue, ["press"], use_cache=False)
    (error,) = caught.value.errors
    assert error.span is not None and (error.span.line, error.span.column) == (8, 15)
    assert "'photo.jpg' could not be converted: cannot convert" in error.message


# --------------------------------------------------------------------------------------------- memory bound


def _png_header_only(path: Path, width: int, height: int, colour_type: int, depth: int = 8) -> None:
    """A small PNG file whose header claims width x height (its pixel data is a few bytes: it would fail later)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", width, height, depth, colour_type, 0, 0, 0)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 64))
                     + chunk(b"IEND", b""))


def test_a_photo_that_would_need_too_much_memory_is_refused_before_decoding(tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """issue #17 case 10: a 119-megapixel RGBA PNG of 0.5 MB needed 2.4 GB (MemoryError under a 2 GB limit)."""
    from PIL import ImageFile

    def no_decoding(*args: object, **kwargs: object) -> None:
        raise AssertionError("decoded before the memory bound was checked")

    monkeypatch.setattr(ImageFile.ImageFile, "load", no_decoding)
    _png_header_only(tmp_path / "huge.png", 11000, 10800, colour_type=6)  # RGBA: 453 MB decoded
    with pytest.raises(workspace.AssetError) as caught:
        workspace.probe_image(tmp_path / "huge.png")
    assert "11000 x 10800 pixels with 4 channels of 8 bits: 453 MB to decode" in caught.value.message
    assert caught.value.hint and "at most" in caught.value.hint
    monkeypatch.undo()
    issue = _issue(tmp_path, "huge.png")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["check", "issue.yaml"])
    assert result.exit_code == 1
    assert "issue.yaml:8:15: error: 'huge.png' is 11000 x 10800 pixels" in result.output
    assert issue.exists()


def test_the_same_pixels_in_rgb_are_within_the_bound(tmp_path: Path) -> None:
    """The bound counts channels: 3 bytes a pixel fit where 4 do not (the header alone decides)."""
    _png_header_only(tmp_path / "rgb.png", 11000, 10800, colour_type=2)  # RGB: 340 MB
    with pytest.raises(workspace.AssetError) as caught:
        workspace.probe_image(tmp_path / "rgb.png")
    assert "to decode" not in caught.value.message  # refused later, as a damaged file: its data is missing


# --------------------------------------------------------------------------------------------- NFD names


@pytest.mark.parametrize("written", ["NFD", "NFC"])
def test_a_photo_named_in_nfd_is_found(written: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """issue #17 case 12: a name written byte for byte as on disk (NFD, as macOS makes them) was "not found"."""
    import unicodedata

    on_disk = unicodedata.normalize("NFD", "caf\u00e9-\u00c5ngstr\u00f6m.jpg")
    shutil.copy(PHOTO, tmp_path / on_disk)
    _issue(tmp_path, unicodedata.normalize(written, "caf\u00e9-\u00c5ngstr\u00f6m.jpg"))
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["check", "issue.yaml"])
    assert result.exit_code == 0, result.output
    assert "not found" not in result.output and "similar name" not in result.output


# --------------------------------------------------------------------------------------------- schema


def test_schema_to_a_full_disk_is_a_plain_message() -> None:
    """issue #17 case 10: `schema > /dev/full` ended in an internal error."""
    with open("/dev/full", "w") as full:
        result = subprocess.run([sys.executable, "-m", "anso_pdf", "schema"], stdout=full, stderr=subprocess.PIPE,
                                text=True, timeout=60)
    assert result.returncode == 1
    assert result.stderr == "error: cannot write the schema to standard output: No space left on device\n"
