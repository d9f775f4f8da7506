"""Where PDFs go (build/STEM.pdf, build/STEM-press.pdf, or -o) and how they are written: all of a render's PDFs
as one set, each atomically, never over an input, a photo or anything that is not a PDF (issue #17)."""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Iterable
from pathlib import Path

DRAFT = "-draft"  # --draft output: STEM-draft.pdf, STEM-press-draft.pdf, never the name of a final PDF


class OutputError(Exception):
    def __init__(self, path: Path, reason: str, hint: str | None = None) -> None:
        super().__init__(f"{path}: {reason}")
        self.path, self.reason, self.hint = path, reason, hint


def names_a_file(out: str | Path | None) -> bool:
    """`-o FILE.pdf` names the PDF itself; `-o DIR`, `-o DIR/` or an existing folder names a folder."""
    if out is None:
        return False
    text = os.fspath(out)
    if text.endswith(("/", os.sep)) or os.path.isdir(text):
        return False
    return Path(text).suffix.lower() == ".pdf"


def targets(issue: Path, profiles: list[str], out: str | Path | None, *, many: bool = False,
            draft: bool = False) -> dict[str, Path]:
    """Output path per profile. `-o FILE.pdf` is the email PDF, the press PDF beside it as FILE-press.pdf (with
    one profile, that profile's PDF); otherwise `-o` (default build/) is a folder of STEM.pdf and STEM-press.pdf,
    STEM-draft.pdf and STEM-press-draft.pdf for --draft. (`render` refuses a file name with several issues.)"""
    from anso_pdf.render.profiles import PROFILES

    if names_a_file(out) and not many:
        assert out is not None
        given = Path(os.fspath(out))
        if len(profiles) == 1:
            return {profiles[0]: given}
        return {name: given.with_name(f"{given.stem}{PROFILES[name].suffix}{given.suffix}") for name in profiles}
    folder = Path(os.fspath(out)) if out is not None else Path("build")
    end = DRAFT if draft else ""
    return {name: folder / f"{issue.stem}{PROFILES[name].suffix}{end}.pdf" for name in profiles}


def clashes(planned: dict[Path, dict[str, Path]]) -> list[tuple[Path, Path, Path]]:
    """(first issue, second issue, the output both would write) for outputs that two issues share: on a
    case-insensitive disk News.yaml and news.yaml clash too, so names are compared case-folded."""
    seen: dict[str, Path] = {}
    found = []
    for issue, paths in planned.items():
        for path in paths.values():
            key = os.path.normcase(os.path.abspath(path)).casefold()
            if key in seen and seen[key] != issue:
                found.append((seen[key], issue, path))
            seen.setdefault(key, issue)
    return found


def check_replaceable(paths: Iterable[Path], keep: Iterable[Path]) -> None:
    """Raise OutputError for an output that would replace a file in `keep` (the issue file, its photos), a folder,
    or anything that is not a PDF (a YAML file named x.pdf, a photo): only an earlier PDF is ever replaced."""
    kept = [k for k in keep if os.path.lexists(k)]
    for path in paths:
        if not os.path.lexists(path):
            continue
        for other in kept:
            with contextlib.suppress(OSError):
                if os.path.samefile(path, other) or os.path.abspath(path) == os.path.abspath(other):
                    raise OutputError(path, "this is an input of the render, not replaced",
                                      "write the PDF elsewhere with -o, e.g. -o build/")
        info = os.lstat(path)
        if stat.S_ISDIR(info.st_mode):
            raise OutputError(path, "a folder is in the PDF's place", "move the folder, or choose another name with -o")
        if not stat.S_ISREG(info.st_mode) or not _is_pdf(path):
            raise OutputError(path, "a file that is not a PDF is in the PDF's place; it was not replaced",
                              "move or rename it, or choose another name with -o")


def _is_pdf(path: Path) -> bool:
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return True  # unreadable: renaming over it fails or succeeds on its own terms, reported as such
    try:
        return os.read(fd, 5) in (b"%PDF-", b"")
    except OSError:
        return True
    finally:
        os.close(fd)


def write_atomically(path: Path, data: bytes) -> None:
    """Write beside the target and rename into place: an earlier file survives any failure, no temp file stays."""
    write_all_atomically({path: data})


def write_all_atomically(files: dict[Path, bytes]) -> None:
    """Write several files all or none (issue-format.md: a failed run leaves any earlier PDF untouched).

    Every temporary file is written and synced first; each earlier file is kept by a hard link beside it; then the
    new files are renamed into place one by one, and if one rename fails, those already renamed are put back (the
    earlier file from its link, or removed where there was none). Raises OutputError naming the file and the
    reason. Temporary names are short, so a target name of 255 bytes still works."""
    staged: list[tuple[str, Path]] = []
    saved: dict[Path, str | None] = {}
    done: list[Path] = []
    try:
        for path, data in files.items():
            staged.append(_stage(path, data))
        for _, path in staged:
            saved[path] = _keep_earlier(path)
        for tmp, path in staged:
            try:
                os.replace(tmp, path)
            except OSError as exc:
                _put_back(done, saved)
                raise OutputError(path, exc.strerror or str(exc)) from None
            done.append(path)
        staged.clear()
    finally:
        for tmp, _ in staged:  # whatever was not renamed into place must not stay
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        for link in saved.values():
            if link is not None:
                with contextlib.suppress(OSError):
                    os.unlink(link)


def _keep_earlier(path: Path) -> str | None:
    """A hard link to the earlier file at `path` (None when there is none), so it can be put back."""
    if not os.path.lexists(path):
        return None
    if os.path.isdir(path):
        raise OutputError(path, "a folder is in the PDF's place", "move the folder, or choose another name with -o")
    link = _temporary_name(path.parent, ".old")
    try:
        os.link(path, link, follow_symlinks=False)
    except OSError as exc:  # an immutable or append-only file cannot be linked, nor replaced
        raise OutputError(path, f"the earlier PDF cannot be replaced: {exc.strerror or exc}") from None
    return link


def _put_back(done: list[Path], saved: dict[Path, str | None]) -> None:
    for path in reversed(done):
        link = saved.get(path)
        with contextlib.suppress(OSError):
            if link is None:
                os.unlink(path)
            else:
                os.replace(link, path)
                saved[path] = None


def _temporary_name(folder: Path, suffix: str) -> str:
    """A name for a temporary file in `folder` that is short whatever the target's name (NAME_MAX is 255)."""
    fd, name = tempfile.mkstemp(dir=folder, prefix=".anso-", suffix=suffix)
    os.close(fd)
    os.unlink(name)
    return name


def _stage(path: Path, data: bytes) -> tuple[str, Path]:
    """A synced temporary copy of `data` in the target's folder (same file system, so renaming is atomic)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".anso-", suffix=".tmp")
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
