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
    write_all_atomically({path: data})


def write_all_atomically(files: dict[Path, bytes]) -> None:
    """Write several files all or none: every temporary file is written and synced before the first rename.

    With one `write_atomically` per PDF, a full disk at the press PDF came after the email PDF had already
    replaced the earlier run's: a failed run that changed one of the two files (issue-format.md: a failed run
    leaves any earlier PDF untouched). Raises OutputError naming the file and the reason.
    """
    staged: list[tuple[str, Path]] = []
    try:
        for path, data in files.items():
            staged.append(_stage(path, data))
        while staged:
            tmp, path = staged[0]
            try:
                os.replace(tmp, path)
            except OSError as exc:
                raise OutputError(path, exc.strerror or str(exc)) from None
            staged.pop(0)
    finally:
        for tmp, _ in staged:  # whatever was not renamed into place must not stay
            with contextlib.suppress(OSError):
                os.unlink(tmp)


def _stage(path: Path, data: bytes) -> tuple[str, Path]:
    """A synced temporary copy of `data` in the target's folder (same file system, so renaming is atomic)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise OutputError(path, exc.strerror or str(exc)) from None
    try:
        with os.fdopen(fd, "wb") as f:
            umask = os.umask(0)
            os.umask(umask)
            os.fchmod(f.fileno(), 0o666 & ~umask)  # mkstemp makes 0600; a PDF is shared like any file
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise OutputError(path, exc.strerror or str(exc)) from None
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return tmp, path
