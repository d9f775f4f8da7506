"""The user's cache folder ($XDG_CACHE_HOME/anso-pdf, else ~/.cache/anso-pdf): data only, each entry sealed with
a per-user key kept outside the folder, read without ever blocking or filling memory (issue #17).

What is kept there (issue #6) is work that depends only on its key: prepared photos (render/images.py), house
colours through the ICC profiles (render/colours.py) and their small-text builds (render/safeink.py), the fit copyfitting chose for each run of pages
(layout/memo.py), the lines total-fit chose for each body paragraph (layout/breakmemo.py) and the photo comparisons
the proof passed (proof.prove_photos). Nothing in it is
ever the only copy of anything: deleting the folder costs one slower run, and a render holds what it read, so
deleting it during a render changes nothing. `--no-cache` (pipeline.build and check with use_cache=False) turns
every one of them off.

Trust (docs/architecture.md, "The cache"): an entry is `MAGIC + HMAC-SHA256(key, kind, name, payload) +
payload`, where the key is 32 random bytes in $XDG_STATE_HOME/anso-pdf/cache-key (else
~/.local/state/anso-pdf/cache-key), made on first use, 0600 in a 0700 folder, owned by the user. Whoever can
write the cache folder (a shared XDG_CACHE_HOME, a restored CI cache) but not that key cannot make an entry that
is used: a forged, moved, truncated or damaged entry fails the seal and is simply made again. The payloads are
plain data (JSON, JPEG bytes behind a fixed header) that each user checks again for type and range; nothing is
unpickled or unmarshalled. An entry is opened with O_NOFOLLOW | O_NONBLOCK, must be a regular file owned by the
user and no larger than its kind's limit: a FIFO, a device, a symbolic link or a 3 GB file is not read.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from pathlib import Path

MAGIC = b"anso-pdf cache 2"  # 16 bytes: what this format is (entries of older versions are not read)
_SEAL = 32  # bytes of HMAC-SHA256 after the magic
HEADER = len(MAGIC) + _SEAL
# The largest payload read back for each kind; anything larger is not opened further (and never made by us).
LIMITS = {"images": 48 * 1024 * 1024, "colours": 256, "layout": 4096, "linebreaks": 2 * 1024 * 1024,
          "proofs": 64}
_KEY_BYTES = 32
_NAME = re.compile(r"[0-9a-f]{2}/[0-9a-f]{64}|[0-9a-f]{64}")  # what key() makes (images shard by 2 digits)
_ENABLED: ContextVar[bool] = ContextVar("anso_pdf_cache", default=True)  # per thread, so builds cannot mix it up


def root() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "anso-pdf"


def key_path() -> Path:
    """Where the sealing key lives: outside the cache folder, so that a copied or shared cache carries no key."""
    base = os.environ.get("XDG_STATE_HOME") or os.path.join(os.path.expanduser("~"), ".local", "state")
    return Path(base) / "anso-pdf" / "cache-key"


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
    """The payload stored under kind/name, or None when there is no entry, or it is not a regular file of ours
    within the size limit, or its seal is not the one our key makes for these bytes under this name."""
    if not enabled() or not _NAME.fullmatch(name):
        return None
    secret = _secret(str(key_path()))
    if secret is None:
        return None
    data = read_bounded(root() / kind / name, HEADER + LIMITS[kind])
    if data is None or len(data) < HEADER or data[: len(MAGIC)] != MAGIC:
        return None
    seal, payload = data[len(MAGIC):HEADER], data[HEADER:]
    return payload if hmac.compare_digest(seal, _seal(secret, kind, name, payload)) else None


def write_blob(kind: str, name: str, payload: bytes) -> None:
    """Store the payload sealed; a cache that cannot be written (or a key that cannot be had) is simply not used."""
    if not enabled() or not _NAME.fullmatch(name) or len(payload) > LIMITS[kind]:
        return
    secret = _secret(str(key_path()))
    if secret is None:
        return
    target = root() / kind / name
    try:
        private_folder(root())
        for folder in reversed(target.relative_to(root()).parents[:-1]):  # kind/, then a shard like images/ab/
            (root() / folder).mkdir(mode=0o700, exist_ok=True)
        write_atomically(target, MAGIC + _seal(secret, kind, name, payload) + payload)
    except OSError:
        pass


def sealed(kind: str, name: str, payload: bytes) -> bytes | None:
    """The bytes of the entry write_blob would store (for tests and tools); None without a key."""
    secret = _secret(str(key_path()))
    return None if secret is None else MAGIC + _seal(secret, kind, name, payload) + payload


def _seal(secret: bytes, kind: str, name: str, payload: bytes) -> bytes:
    return hmac.new(secret, f"{kind}\0{name}\0".encode() + payload, hashlib.sha256).digest()


def read_bounded(path: Path, limit: int) -> bytes | None:
    """The bytes of a regular file owned by this user and at most `limit` bytes long, else None. Never follows a
    symbolic link, never waits on a FIFO or device, never reads more than `limit` + 1 bytes."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size > limit or not _ours(info):
            return None
        chunks, size = [], 0
        while size <= limit and (chunk := os.read(fd, min(1 << 20, limit + 1 - size))):
            chunks.append(chunk)
            size += len(chunk)
        return b"".join(chunks) if size <= limit else None
    except OSError:
        return None
    finally:
        os.close(fd)


def _ours(info: os.stat_result) -> bool:
    return not hasattr(os, "geteuid") or info.st_uid == os.geteuid()


def private_folder(folder: Path) -> None:
    """Make the folder (0700, like ~/.ssh) or, when it is ours, take group and other permissions away from it.
    Raises OSError when it is not a folder of ours: then it is not used."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    info = os.lstat(folder)
    if not stat.S_ISDIR(info.st_mode) or not _ours(info):
        raise OSError(f"{folder} is not a folder of this user's")
    if stat.S_IMODE(info.st_mode) & 0o077:
        os.chmod(folder, 0o700)


@cache
def _secret(where: str) -> bytes | None:
    """This user's sealing key (made on first use; a damaged one of ours made again); None when it cannot be
    read or made safely (then no cache is used)."""
    path = Path(where)
    got = read_bounded(path, _KEY_BYTES)
    if got is not None and len(got) == _KEY_BYTES:
        return got
    if got is None and os.path.lexists(path):
        return None  # something else is there (a link, a FIFO, another user's file)
    try:
        private_folder(path.parent)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    except OSError:
        return None
    fresh = secrets.token_bytes(_KEY_BYTES)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(fresh)
            f.flush()
            os.fsync(f.fileno())
        if got is None:
            os.link(tmp, path)  # never replaces a key another process made meanwhile
        else:
            os.replace(tmp, path)
    except FileExistsError:
        again = read_bounded(path, _KEY_BYTES)
        return again if again is not None and len(again) == _KEY_BYTES else None
    except OSError:
        return None
    finally:
        if os.path.lexists(tmp):
            os.unlink(tmp)
    return fresh


def write_atomically(path: Path, data: bytes) -> None:
    """Write to a temporary file beside the target, then rename: a reader sees the old entry or the new one."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
