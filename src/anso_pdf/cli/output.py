"""Where PDFs go (build/STEM.pdf, build/STEM-press.pdf, or -o) and how they are written: atomically."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path


class OutputError(Exception):
    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path, self.reason = path, reason


def targets(issue: Path, profiles: list[str], out: Path | None, *, many: bool) -> dict[str, Path]:
    """Output path per profile. `-o` is a folder, or with one profile and one issue the PDF's file name."""
    from anso_pdf.render.profiles import PROFILES

    if out is not None and len(profiles) == 1 and not many and out.suffix.lower() == ".pdf":
        return {profiles[0]: out}
    folder = out if out is not None else Path("build")
    return {name: folder / f"{issue.stem}{PROFILES[name].suffix}.pdf" for name in profiles}


def write_atomically(path: Path, data: bytes) -> None:
    """Write beside the target and rename into place: an earlier file survives any failure, no temp file stays."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise OutputError(path, exc.strerror or str(exc)) from None
    try:
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise OutputError(path, exc.strerror or str(exc)) from None
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
