"""Broken and hostile files for issue #5, made at test time so that no binary trap is committed.

`make_workspace(root)` lays out:

    root/ws/                  the issue file's parent folder (the limit for paths)
    root/ws/issue/            where issue files go
    root/ws/photos/           photos, good and bad, reachable as photos/NAME from the issue folder
    root/outside/secret.jpg   a real photo outside the folder, reached only through a symlink
"""

from __future__ import annotations

import io
import os
import struct
import zlib
from pathlib import Path

from PIL import Image


def jpeg_bytes(size: tuple[int, int] = (64, 48), colour: tuple[int, int, int] = (40, 90, 160)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, "JPEG", quality=90)
    return out.getvalue()


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png_bomb(width: int = 60000, height: int = 60000) -> bytes:
    """A tiny, valid-looking PNG whose header claims width x height pixels (a decompression bomb)."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", zlib.compress(b"\0" * 4096))
        + _png_chunk(b"IEND", b"")
    )


def jpeg_bomb(width: int = 60000, height: int = 60000) -> bytes:
    """A real 8 x 8 JPEG whose SOF header was rewritten to claim width x height pixels."""
    data = bytearray(jpeg_bytes((8, 8)))
    sof = data.find(b"\xff\xc0")
    data[sof + 5 : sof + 9] = struct.pack(">HH", height, width)
    return bytes(data)


def heic_header() -> bytes:
    """The first bytes of an iPhone HEIC file: an ISO-BMFF `ftyp` box with brand `heic`."""
    return b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 64


def make_workspace(root: Path) -> Path:
    """Build the folders above; return the issue folder."""
    ws = root / "ws"
    issue = ws / "issue"
    photos = ws / "photos"
    outside = root / "outside"
    for folder in (issue, photos, outside):
        folder.mkdir(parents=True, exist_ok=True)
    good = jpeg_bytes()
    (photos / "Coffee.jpg").write_bytes(good)
    (outside / "secret.jpg").write_bytes(good)
    (photos / "text.jpg").write_text("this is a text file, renamed\n")
    (photos / "truncated.jpg").write_bytes(jpeg_bytes((400, 300))[:600])
    (photos / "heic.jpg").write_bytes(heic_header())
    (photos / "bomb.png").write_bytes(png_bomb())
    (photos / "bomb.jpg").write_bytes(jpeg_bomb())
    (photos / "empty.jpg").write_bytes(b"")
    gif = io.BytesIO()
    Image.new("RGB", (8, 8)).save(gif, "GIF")
    (photos / "really-a-gif.png").write_bytes(gif.getvalue())
    (photos / "folder.jpg").mkdir(exist_ok=True)
    os.mkfifo(photos / "pipe.jpg")
    os.symlink(outside / "secret.jpg", photos / "outside-link.jpg")
    os.symlink("/dev/zero", photos / "zero.jpg")
    os.symlink("loop-b.jpg", photos / "loop-a.jpg")
    os.symlink("loop-a.jpg", photos / "loop-b.jpg")
    return issue
