"""Issue #5: bugs the hostile-input tests found, each pinned by a test that failed before its fix."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from PIL import Image

from anso_pdf import pipeline
from anso_pdf.cli.output import OutputError, write_all_atomically
from anso_pdf.diagnostics import IssueError
from anso_pdf.source.workspace import AssetError, probe_image, resolve_asset
from hostile_files import make_workspace

MINIMAL = "newsletter:\n  name: N\n  issue: I\n  date: D\nsections:\n  - title: T\n"


def test_issue_in_the_current_folder_finds_photos_in_the_parent(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`cd issues && anso-pdf check x.yaml`: the folder is Path('.'), whose .parent was '.' again, so
    `assets/photos/x.jpg` (beside the issues folder) was 'not found' although the same file checked fine
    as `anso-pdf check issues/x.yaml`."""
    issue_dir = make_workspace(tmp_path)
    (issue_dir / "x.yaml").write_text(MINIMAL + "    images:\n      - file: photos/Coffee.jpg\n")
    monkeypatch.chdir(issue_dir)
    assert resolve_asset("photos/Coffee.jpg", Path("x.yaml").parent) == (issue_dir.parent / "photos/Coffee.jpg").resolve()
    pipeline.check(Path("x.yaml"))
    monkeypatch.chdir(issue_dir.parent)
    pipeline.check(Path("issue/x.yaml"))


def test_climbing_out_is_refused_even_when_nothing_is_there(tmp_path: Path) -> None:
    issue_dir = make_workspace(tmp_path)
    for written in ("../../etc/passwd", "../../../../../../nothing.jpg", "photos/../../../x.jpg"):
        with pytest.raises(AssetError, match="leads outside"):
            resolve_asset(written, issue_dir)
    # ../photos/x from the issue folder stays inside the parent: an ordinary "not found"
    with pytest.raises(AssetError, match="not found"):
        resolve_asset("../photos/missing.jpg", issue_dir)


def test_symlink_loop_is_a_message(tmp_path: Path) -> None:
    """Path.resolve() raises RuntimeError for a loop on Python 3.11: it reached the user as an internal error."""
    issue_dir = make_workspace(tmp_path)
    with pytest.raises(AssetError, match="leads nowhere"):
        resolve_asset("photos/loop-a.jpg", issue_dir)


@pytest.mark.parametrize("text", ["newsletter:\nsections:\n  - title: T\n", "newsletter: ~\nsections: [ {title: T} ]\n"])
def test_empty_newsletter_is_a_message_not_a_crash(tmp_path: Path, text: str) -> None:
    """`newsletter:` with nothing under it gave 'internal error: AssertionError'."""
    path = tmp_path / "x.yaml"
    path.write_text(text)
    with pytest.raises(IssueError) as caught:
        pipeline.check(path)
    assert "x.yaml:1:" in str(caught.value) and "'newsletter' is empty" in str(caught.value)


def test_empty_list_entries_are_not_silently_dropped(tmp_path: Path) -> None:
    """`- ` with nothing after it was read as an empty section/image/article and left out without a word."""
    path = tmp_path / "x.yaml"
    path.write_text("newsletter:\n  name: N\n  issue: I\n  date: D\nsections:\n  -\n")
    with pytest.raises(IssueError, match=r"x.yaml:6:4: error: 'sections\[1\]' is empty"):
        pipeline.check(path)


def test_photo_between_pillow_warning_and_our_limit_is_accepted(tmp_path: Path) -> None:
    """Pillow warns above 89.5 Mpx; the warning was turned into an error and reported as
    'not a JPEG, PNG or WebP image' for photos within our own 120 Mpx limit."""
    path = tmp_path / "big.png"
    Image.new("1", (10_000, 9_500)).save(path)  # 95 Mpx, 1 bit: small to make and to decode
    info = probe_image(path)
    assert info.size == (10_000, 9_500) and info.format == "PNG"


def test_a_jpeg_is_probed_to_its_end_marker_without_reading_it_whole(tmp_path: Path) -> None:
    """The probe reads a JPEG's header and its last bytes: one ending in its end marker and NULs (even more than
    the 64 kB read from the end) is sound; one cut short is decoded and reported damaged."""
    out = io.BytesIO()
    Image.effect_noise((320, 240), 60).convert("RGB").save(out, "JPEG", quality=90)
    whole = out.getvalue()
    for name, data in (("whole", whole), ("padded", whole + b"\0" * 100_000), ("nul-tail", whole + b"\0" * 100)):
        (tmp_path / f"{name}.jpg").write_bytes(data)
        assert probe_image(tmp_path / f"{name}.jpg").size == (320, 240), name
    (tmp_path / "cut.jpg").write_bytes(whole[:-300] + b"\0" * 100)
    with pytest.raises(AssetError, match=r"'cut.jpg' is damaged: image file is truncated"):
        probe_image(tmp_path / "cut.jpg")


def test_bomb_names_its_claimed_size(tmp_path: Path) -> None:
    issue_dir = make_workspace(tmp_path)
    with pytest.raises(AssetError, match="claims 3600 megapixels"):
        probe_image(issue_dir.parent / "photos" / "bomb.png")


def test_write_all_atomically_is_all_or_nothing(tmp_path: Path) -> None:
    first, blocker = tmp_path / "a.pdf", tmp_path / "not-a-folder"
    first.write_bytes(b"earlier")
    blocker.write_bytes(b"a file where a folder should be")
    with pytest.raises(OutputError) as caught:
        write_all_atomically({first: b"new", blocker / "b.pdf": b"new"})
    assert caught.value.path == blocker / "b.pdf"
    assert first.read_bytes() == b"earlier"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.pdf", "not-a-folder"]
    write_all_atomically({first: b"new", tmp_path / "c.pdf": b"also"})
    assert first.read_bytes() == b"new" and (tmp_path / "c.pdf").read_bytes() == b"also"
    assert oct(first.stat().st_mode & 0o777) == oct(0o666 & ~_umask())


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_write_all_atomically_on_a_full_disk(tmp_path: Path) -> None:
    """The second file hits the size limit: the first keeps its earlier content."""
    (tmp_path / "small.pdf").write_bytes(b"earlier small")
    (tmp_path / "large.pdf").write_bytes(b"earlier large")
    script = textwrap.dedent(f"""
        import resource, signal
        from pathlib import Path
        from anso_pdf.cli.output import OutputError, write_all_atomically
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (50_000, 50_000))
        folder = Path({str(tmp_path)!r})
        try:
            write_all_atomically({{folder / "small.pdf": b"s" * 10_000, folder / "large.pdf": b"l" * 100_000}})
        except OutputError as exc:
            print(exc)
    """)
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=30)
    assert out.stdout.strip().endswith("large.pdf: File too large"), out.stdout + out.stderr
    assert (tmp_path / "small.pdf").read_bytes() == b"earlier small"
    assert (tmp_path / "large.pdf").read_bytes() == b"earlier large"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["large.pdf", "small.pdf"]


@pytest.mark.parametrize("what", ["events", "gallery"])
def test_a_row_that_is_not_full_renders(tmp_path: Path, what: str) -> None:
    """One event (two per row) or one gallery photo: `check` passes, and `render` must too."""
    issue_dir = make_workspace(tmp_path)
    body = {
        "events": "    events:\n      items:\n        - date: 2019-10\n          title: One event\n",
        "gallery": "    gallery:\n      photos:\n        - file: photos/Coffee.jpg\n",
    }[what]
    path = issue_dir / "row.yaml"
    path.write_text(MINIMAL + body)
    pipeline.check(path)
    built = pipeline.build(path, ["email"], use_cache=False)  # was AttributeError: 'Block' has no draw (88a4705)
    assert built.pdfs["email"].startswith(b"%PDF")


def test_read_issue_bytes_refuses_what_would_hang_or_fill_memory(tmp_path: Path) -> None:
    from anso_pdf.source.workspace import MAX_ISSUE_BYTES, read_issue_bytes

    (tmp_path / "ok.yaml").write_bytes(b"a: b\n")
    assert read_issue_bytes(tmp_path / "ok.yaml") == b"a: b\n"
    os.mkfifo(tmp_path / "fifo.yaml")
    with pytest.raises(AssetError, match="not a regular file"):
        read_issue_bytes(tmp_path / "fifo.yaml")  # opened without blocking, so no writer is needed
    with pytest.raises(AssetError, match="not a regular file"):
        read_issue_bytes(Path("/dev/zero"))
    with pytest.raises(AssetError, match="is a folder"):
        read_issue_bytes(tmp_path)
    (tmp_path / "big.yaml").write_bytes(b"#" * (MAX_ISSUE_BYTES + 1))
    with pytest.raises(AssetError, match="larger than"):
        read_issue_bytes(tmp_path / "big.yaml")
    with pytest.raises(FileNotFoundError):
        read_issue_bytes(tmp_path / "missing.yaml")


def test_a_fifo_as_the_issue_file_does_not_hang(tmp_path: Path) -> None:
    """pipeline.read_text uses Path.read_bytes(): on a FIFO it waits for a writer forever (and on /dev/zero
    it reads until memory runs out). Run in a thread; if it blocks, release it by opening the FIFO for writing."""
    import threading

    fifo = tmp_path / "issue.yaml"
    os.mkfifo(fifo)
    outcome: list[BaseException | str] = []

    def read() -> None:
        try:
            pipeline.read_text(fifo, "issue.yaml")
            outcome.append("read")
        except BaseException as exc:  # noqa: BLE001 - any outcome is recorded
            outcome.append(exc)

    thread = threading.Thread(target=read, daemon=True)
    thread.start()
    thread.join(timeout=30)
    blocked = thread.is_alive()
    if blocked:
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))  # a writer that closes at once: the reader sees EOF
        thread.join(timeout=5)
    assert not blocked, "pipeline.read_text blocked on a FIFO"
    assert outcome and isinstance(outcome[0], IssueError), outcome
    assert "not a regular file" in str(outcome[0])
