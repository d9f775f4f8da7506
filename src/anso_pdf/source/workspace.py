"""Turn a path written in an issue file into a checked, readable image file, or a message saying why not."""

from __future__ import annotations

import difflib
import hashlib
import os
import stat
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

MAX_IMAGE_BYTES = 80 * 1024 * 1024
MAX_PIXELS = 120_000_000  # a 120-megapixel photo is far beyond any camera original staff will use
# What decoding one photo may take, checked from its header before anything is decoded (pixels x channels x bytes
# per channel; preparing it takes about three times that at the peak): a 0.5 MB PNG can claim 119 megapixels of
# RGBA, 476 MB decoded and 2.4 GB while flattened (issue #17).
MAX_DECODED_BYTES = 400 * 1024 * 1024


class AssetError(Exception):
    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


@dataclass(frozen=True, slots=True)
class ImageInfo:
    path: Path
    format: str
    size: tuple[int, int]  # as displayed, after EXIF rotation


def resolve_asset(written: str, issue_dir: Path) -> Path:
    """issue-format.md: relative to the issue file's folder, else to its parent; never outside the parent."""
    text = written.strip()
    if not text:
        raise AssetError("the image path is empty", "write the file's path, e.g. photos/meeting.jpg")
    if "\0" in text:
        raise AssetError(f"'{written}' contains a NUL character", "write the file's path as plain text")
    if "://" in text or text.lower().startswith(("data:", "file:", "http:", "https:")):
        raise AssetError(f"'{written}' is a URL; photos must be files", "save the photo next to the issue file")
    if text.startswith(("/", "~", "\\")) or (len(text) > 1 and text[1] == ":"):
        raise AssetError(f"'{written}' is an absolute path", "write a path relative to the issue file")
    # Absolute first: for `issue.yaml` the folder is Path("."), whose .parent is "." again.
    issue_dir = Path(os.path.abspath(issue_dir))
    root = issue_dir.resolve().parent
    outside = AssetError(
        f"'{written}' leads outside {root.name or root}/", "keep photos inside the issue folder or beside it"
    )
    # Lexically first, so that `../../etc/passwd` is refused as leaving the folder whether or not it exists.
    bases = [b for b in (issue_dir, issue_dir.parent) if Path(os.path.normpath(b / text)).is_relative_to(issue_dir.parent)]
    if not bases:
        raise outside
    for base in bases:
        candidate = _as_on_disk(base, text)
        if os.path.lexists(candidate):
            try:
                real = candidate.resolve()
            except (OSError, RuntimeError):  # Python 3.11 raises RuntimeError for a symlink loop
                raise AssetError(f"'{written}' is a symbolic link that leads nowhere", "point to the photo itself") from None
            if not real.is_relative_to(root):
                raise outside
            return real
    if any(os.path.lexists(b / text) for b in (issue_dir, issue_dir.parent) if b not in bases):
        raise outside  # e.g. photos/../../x.jpg: found, but only by leaving the parent folder
    raise AssetError(f"image file '{written}' not found", _similar_hint(text, bases))


def _as_on_disk(base: Path, text: str) -> Path:
    """base/text, or the same name as the disk spells it when only its Unicode form differs (issue #17: a name
    written in NFD, as macOS makes them, is read NFC-normalised from the file): identical-looking is identical."""
    candidate = base / text
    if os.path.lexists(candidate):
        return candidate
    for form in ("NFC", "NFD"):
        other = base / unicodedata.normalize(form, text)
        if os.path.lexists(other):
            return other
    folder, want = candidate.parent, unicodedata.normalize("NFC", candidate.name)
    try:
        if folder.is_dir():
            for entry in os.listdir(folder):
                if unicodedata.normalize("NFC", entry) == want:
                    return folder / entry
    except OSError:
        pass
    return candidate


def _similar_hint(text: str, bases: list[Path]) -> str:
    """Suggest a file in the folder the author wrote, with a close name (case mistakes are common)."""
    name = Path(text).name
    candidates: list[Path] = []
    root = bases[0].resolve().parent
    for base in bases:
        folder = (base / text).parent
        try:
            if folder.is_dir() and folder.resolve().is_relative_to(root):
                candidates += [p for p in folder.iterdir() if p.is_file()]
        except (OSError, RuntimeError):
            continue
    close = difflib.get_close_matches(name.lower(), [p.name.lower() for p in candidates], n=1, cutoff=0.75)
    if close:
        match = next(p for p in candidates if p.name.lower() == close[0])
        return f"a file with a similar name exists: {(Path(text).parent / match.name).as_posix()}"
    return "paths are relative to the issue file's folder, or to its parent folder"


@contextmanager
def _image_fd(path: Path) -> Iterator[int]:
    """An image file opened without following tricks: regular files only, bounded size, no blocking on FIFOs."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError as exc:
        raise AssetError(f"cannot read '{path.name}': {exc.strerror}") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise AssetError(f"'{path.name}' is not a regular file", "point to a JPEG, PNG or WebP photo")
        if info.st_size > MAX_IMAGE_BYTES:
            raise AssetError(
                f"'{path.name}' is {info.st_size // (1024 * 1024)} MB; the limit is {MAX_IMAGE_BYTES // (1024 * 1024)} MB",
                "export a smaller JPEG",
            )
        if info.st_size == 0:
            raise AssetError(f"'{path.name}' is empty")
        yield fd
    finally:
        os.close(fd)


def open_image_file(path: Path) -> bytes:
    """Read an image file without following tricks: regular files only, bounded size, no blocking on FIFOs."""
    with _image_fd(path) as fd:
        chunks = []
        while chunk := os.read(fd, 1 << 20):
            chunks.append(chunk)
        return b"".join(chunks)


def image_file_digest(path: Path) -> str:
    """The SHA-256 of the bytes open_image_file would read, read a buffer at a time: hashing an 18 MP original this
    way costs about half of reading it whole first (no copy of the file in memory)."""
    digest = hashlib.sha256()
    buffer = bytearray(1 << 18)
    view = memoryview(buffer)
    with _image_fd(path) as fd, open(fd, "rb", buffering=0, closefd=False) as file:
        while got := file.readinto(buffer):
            digest.update(view[:got])
    return digest.hexdigest()


MAX_ISSUE_BYTES = 1_000_000  # the same limit as source.yaml_tree.MAX_BYTES


def read_issue_bytes(path: Path) -> bytes:
    """Read an issue file the way photos are read: a FIFO would block forever, /dev/zero would fill memory.

    Raises OSError (the caller reports its strerror) or AssetError (not a regular file, or too large).
    """
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise AssetError(f"'{path}' is a folder", "name the issue file, e.g. issues/2019-06.yaml")
        if not stat.S_ISREG(info.st_mode):
            raise AssetError(f"'{path}' is not a regular file", "name the issue file itself")
        chunks, size = [], 0
        while size <= MAX_ISSUE_BYTES and (chunk := os.read(fd, 1 << 16)):
            chunks.append(chunk)
            size += len(chunk)
        if size > MAX_ISSUE_BYTES:
            raise AssetError(f"the file is larger than {MAX_ISSUE_BYTES // 1000} kB; an issue file is a few kB")
        return b"".join(chunks)
    finally:
        os.close(fd)


def open_image(data: bytes | BinaryIO):  # type: ignore[no-untyped-def]
    """A Pillow image of JPEG, PNG or WebP bytes (or of an open file, read as far as Pillow needs), opened by the one
    plugin its signature names. (Image.open first imports five plugins, BMP and GIF among them: 15 ms of every
    run.) Anything else is UnidentifiedImageError; the pixel count is for the caller to check."""
    import io

    from PIL import UnidentifiedImageError

    if isinstance(data, bytes):
        file: BinaryIO = io.BytesIO(data)
    else:
        file, start = data, data.tell()
        data = file.read(12)
        file.seek(start)
    if data[:3] == b"\xff\xd8\xff":
        from PIL.JpegImagePlugin import JpegImageFile as Opened
    elif data[:8] == b"\x89PNG\r\n\x1a\n":
        from PIL.PngImagePlugin import PngImageFile as Opened  # type: ignore[assignment]
    elif data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        from PIL.WebPImagePlugin import WebPImageFile as Opened  # type: ignore[assignment]
    else:
        raise UnidentifiedImageError("not a JPEG, PNG or WebP image")
    return Opened(file)


def _ends_jpeg(file: BinaryIO) -> bool:
    """True when the file's last bytes but trailing NULs are a JPEG end marker (read from the end; the whole file
    only when its last 64 kB are all NULs)."""
    where = file.tell()
    size = file.seek(0, os.SEEK_END)
    file.seek(max(0, size - (1 << 16)))
    tail = file.read().rstrip(b"\0")
    if not tail and size > 1 << 16:
        file.seek(0)
        tail = file.read().rstrip(b"\0")
    file.seek(where)
    return tail[-2:] == b"\xff\xd9"


def _bytes_per_channel(mode: str) -> int:
    """Bytes per channel of a Pillow mode once decoded: 16-bit modes 2, 32-bit integer and float 4."""
    if mode.startswith("I;16"):
        return 2
    return 4 if mode in ("I", "F") else 1


def probe_image(path: Path) -> ImageInfo:
    """Open the file's header with Pillow, check format and pixel count; decode nothing large. The file is read only
    as far as Pillow needs and its last bytes (an 18 MP camera original is not read whole: issue #6)."""
    with _image_fd(path) as fd, open(fd, "rb", closefd=False) as file:
        return _probe(path, file)


def _probe(path: Path, file: BinaryIO) -> ImageInfo:
    from PIL import Image, UnidentifiedImageError

    head = file.read(16)
    file.seek(0)
    if head[4:12] in (b"ftypheic", b"ftypheix", b"ftypmif1", b"ftyphevc", b"ftypavif"):
        raise AssetError(f"'{path.name}' is a HEIC/AVIF photo", "export it as JPEG (on an iPhone: Settings > Camera > Formats > Most Compatible)")
    try:
        with open_image(file) as im:
            w, h = im.size
            fmt = im.format or "?"
            if w * h > 2 * (Image.MAX_IMAGE_PIXELS or MAX_PIXELS):  # where Pillow calls it a decompression bomb
                raise AssetError(
                    f"'{path.name}' claims {w * h // 1_000_000} megapixels, more than {MAX_PIXELS // 1_000_000} megapixels",
                    "a damaged file or a decompression bomb; export a smaller copy",
                )
            if w * h > MAX_PIXELS:
                raise AssetError(
                    f"'{path.name}' claims {w} x {h} pixels, more than {MAX_PIXELS // 1_000_000} megapixels",
                    "export a smaller copy",
                )
            channels, depth = len(im.getbands()), _bytes_per_channel(im.mode)
            if w * h * channels * depth > MAX_DECODED_BYTES:
                need = w * h * channels * depth // (1024 * 1024)
                fits = int((MAX_DECODED_BYTES / (channels * depth) * w / h) ** 0.5)
                raise AssetError(
                    f"'{path.name}' is {w} x {h} pixels with {channels} channels of {8 * depth} bits: {need} MB "
                    f"to decode, more than the {MAX_DECODED_BYTES // (1024 * 1024)} MB a photo may take",
                    f"export a smaller copy, at most {fits} pixels wide (a JPEG without transparency takes less)",
                )
            orientation = im.getexif().get(0x0112, 1)
            if fmt != "JPEG":
                im.load()
            elif not _ends_jpeg(file):  # no end marker: decode at 1/8 scale to be sure
                im.draft("RGB", (max(1, w // 8), max(1, h // 8)))
                im.load()
            # a JPEG that ends properly is decoded when it is prepared; damage inside it is reported then,
            # at its line, so `check` need not decode every camera original (issue #6)
    except AssetError:
        raise
    except UnidentifiedImageError:
        raise AssetError(f"'{path.name}' is not a JPEG, PNG or WebP image", "open it in an image editor and export it as JPEG") from None
    except MemoryError:
        raise AssetError(f"'{path.name}' is too large to open", "export a smaller copy") from None
    except Exception as exc:  # Pillow's decoders raise OSError, ValueError, SyntaxError, struct.error, ...
        raise AssetError(f"'{path.name}' is damaged: {exc}", "export the photo again") from None
    if orientation in (5, 6, 7, 8):
        w, h = h, w
    return ImageInfo(path, fmt, (w, h))
