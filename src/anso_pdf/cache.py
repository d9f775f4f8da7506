"""The user's cache folder ($XDG_CACHE_HOME/anso-pdf, else ~/.cache/anso-pdf): entries written atomically and
served only when the SHA-256 recorded with them matches, so a damaged or half-written entry is never used.

What is kept there (issue #6) is work that depends only on its key: prepared photos (render/images.py), parsed
font tables (layout/fonts.py), house colours through the ICC profiles (render/colours.py), the fit copyfitting
chose for each run of pages (layout/memo.py) and the lines total-fit chose for each body paragraph
(layout/breakmemo.py). Nothing in it is ever the only copy of anything: deleting the folder
costs one slower run. `--no-cache` (pipeline.build and check with use_cache=False) turns every one of them off.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

_DIGEST = 32  # bytes of SHA-256 in front of each blob
_ENABLED: ContextVar[bool] = ContextVar("anso_pdf_cache", default=True)  # per thread, so builds cannot mix it up


def root() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "anso-pdf"


def enabled() -> bool:
    return _ENABLED.get()


@contextmanager
def switched(on: bool) -> Iterator[None]:
    """Use (or bypass) the cache for the work done inside the block (in this thread)."""
    token = _ENABLED.set(on)
    try:
        yield
    finally:
        _ENABLED.reset(token)


def key(*parts: object) -> str:
    """A file name from everything an entry depends on."""
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def read_blob(kind: str, name: str) -> bytes | None:
    """The bytes stored under kind/name, or None when there is no entry, it cannot be read, or its bytes are not
    the ones recorded."""
    if not enabled():
        return None
    try:
        data = (root() / kind / name).read_bytes()
    except OSError:
        return None
    digest, payload = data[:_DIGEST], data[_DIGEST:]
    return payload if len(data) > _DIGEST and hashlib.sha256(payload).digest() == digest else None


def write_blob(kind: str, name: str, payload: bytes) -> None:
    """Store the bytes with their SHA-256; a cache that cannot be written is simply not used."""
    if not enabled():
        return
    folder = root() / kind
    try:
        folder.mkdir(parents=True, exist_ok=True)
        write_atomically(folder / name, hashlib.sha256(payload).digest() + payload)
    except OSError:
        pass


def write_atomically(path: Path, data: bytes) -> None:
    """Write to a temporary file beside the target, then rename: a reader sees the old entry or the new one."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=path.suffix)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
